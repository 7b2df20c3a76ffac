#include "TrainingResults.h"

#include <QComboBox>
#include <QFile>
#include <QGridLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <functional>
#include <vector>

#include "ConfusionMatrixView.h"
#include "TrainingText.h"

namespace diffclip::ui {

namespace {

double num(const diffclip::Json* j, const char* key, double fallback = -1.0) {
    if (!j) return fallback;
    const diffclip::Json* v = jsonFind(*j, key);
    return v && v->is_number() ? v->get<double>() : fallback;
}

}  // namespace

TrainingResults::TrainingResults(QWidget* parent) : QGroupBox(tr("Result on the validation photos"), parent) {
    auto* results = new QGridLayout(this);
    m_variant = new QComboBox(this);
    m_variant->setAccessibleName(tr("Attention variant"));
    connect(m_variant, QOverload<int>::of(&QComboBox::activated), this,
            [this] { showVariant(m_variant->currentData().toString()); });
    results->addWidget(m_variant, 0, 0);
    m_activate = new QPushButton(tr("Activate This Model"), this);
    m_activate->setToolTip(tr("Use the new model for the library, search and explanations."));
    connect(m_activate, &QPushButton::clicked, this, [this] {
        const QString p = packagePath();
        if (!p.isEmpty()) Q_EMIT activateRequested(p);
    });
    results->addWidget(m_activate, 0, 1, Qt::AlignRight);
    m_summaryTable = new QTableWidget(0, 2, this);
    m_summaryTable->setObjectName(QStringLiteral("beforeAfter"));
    m_summaryTable->setAccessibleName(tr("Before and after"));
    m_summaryTable->setHorizontalHeaderLabels({tr("Before"), tr("After")});
    m_perClass = new QTableWidget(0, 3, this);
    m_perClass->setObjectName(QStringLiteral("perClass"));
    m_perClass->setAccessibleName(tr("Per class"));
    m_perClass->setHorizontalHeaderLabels({tr("Class"), tr("Precision"), tr("Recall")});
    m_perClass->verticalHeader()->hide();
    for (QTableWidget* t : {m_summaryTable, m_perClass}) {
        t->setEditTriggers(QAbstractItemView::NoEditTriggers);
        t->setWordWrap(false);
        t->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    }
    m_perClass->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    auto* tables = new QVBoxLayout;
    tables->addWidget(m_summaryTable, 1);
    tables->addWidget(m_perClass, 1);
    results->addLayout(tables, 1, 0);
    m_confusion = new ConfusionMatrixView(this);
    results->addWidget(m_confusion, 1, 1);
    results->setColumnStretch(0, 1);
    results->setColumnStretch(1, 1);
    results->setRowStretch(1, 1);
    updateControls();
}

void TrainingResults::clear() {
    m_summary = diffclip::Json();
    m_variant->clear();
    m_summaryTable->setRowCount(0);
    m_perClass->setRowCount(0);
    m_confusion->clear();
    updateControls();
}

void TrainingResults::setRunning(bool running) {
    m_running = running;
    updateControls();
}

void TrainingResults::updateControls() {
    m_activate->setEnabled(!m_running && !packagePath().isEmpty());
    m_variant->setVisible(m_variant->count() > 1);
}

void TrainingResults::showSummary(diffclip::Json summary) {
    m_summary = std::move(summary);
    m_variant->clear();
    if (const diffclip::Json* cmp = jsonFind(m_summary, "compare_attention"); cmp && cmp->is_object()) {
        for (const auto& item : cmp->items()) {
            const QString n = QString::fromStdString(item.key());
            m_variant->addItem(TrainingText::variantName(n), n);
        }
    }
    showVariant(m_variant->count() > 0 ? m_variant->itemData(0).toString() : QString());
    updateControls();
}

void TrainingResults::showVariant(const QString& variant) {
    const diffclip::Json* v = &m_summary;
    if (!variant.isEmpty()) {
        const diffclip::Json* cmp = jsonFind(m_summary, "compare_attention");
        v = cmp ? jsonFind(*cmp, variant.toStdString()) : nullptr;
    }
    if (!v) return;
    const diffclip::Json* before = jsonFind(*v, "before");
    const diffclip::Json* after = jsonFind(*v, "after");
    struct Row {
        QString label;
        std::function<double(const diffclip::Json*)> get;
    };
    auto recall = [](const char* k) {
        return [k](const diffclip::Json* m) { return num(m ? jsonFind(*m, "image_recall") : nullptr, k); };
    };
    const std::vector<Row> rows = {
        {tr("Top-1 accuracy"), [](const diffclip::Json* m) { return num(m, "top1"); }},
        {tr("Top-5 accuracy"), [](const diffclip::Json* m) { return num(m, "top5"); }},
        {tr("Image recall@1"), recall("r@1")},
        {tr("Image recall@5"), recall("r@5")},
        {tr("Image recall@10"), recall("r@10")},
    };
    m_summaryTable->setRowCount(int(rows.size()));
    QStringList labels;
    for (int i = 0; i < int(rows.size()); ++i) {
        labels << rows[size_t(i)].label;
        for (int c = 0; c < 2; ++c) {
            auto* item = new QTableWidgetItem(TrainingText::percent(rows[size_t(i)].get(c == 0 ? before : after)));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_summaryTable->setItem(i, c, item);
        }
    }
    m_summaryTable->setVerticalHeaderLabels(labels);
    QString beforeTip = tr("The starting model: zero-shot with the class prompts, or the nearest class mean.");
    if (const diffclip::Json* bm = jsonFind(*v, "before_method"); bm && bm->is_string())
        beforeTip = QString::fromStdString(bm->get<std::string>());
    m_summaryTable->horizontalHeaderItem(0)->setToolTip(beforeTip);
    // Which views the package's search embeddings average, and what one view gave.
    QString afterTip = tr("The trained model on the validation photos.");
    if (const diffclip::Json* f = jsonFind(*v, "test_time_flips")) {
        const int views = int(num(f, "views"));
        const double one = num(jsonFind(*f, "single_view"), "top1"), four = num(jsonFind(*f, "four_views"), "top1");
        if (views > 1)
            afterTip = tr("Search averages %1 flipped views of each photo: validation top-1 %2 with one view, %3 "
                          "with four.").arg(views).arg(TrainingText::percent(one), TrainingText::percent(four));
        else
            afterTip = tr("Search embeds each photo once: validation top-1 %1 with one view, %2 with four "
                          "flipped views.").arg(TrainingText::percent(one), TrainingText::percent(four));
    }
    m_summaryTable->horizontalHeaderItem(1)->setToolTip(afterTip);

    // Per-class precision / recall and the confusion matrix, after training.
    QStringList classes;
    m_perClass->setRowCount(0);
    if (const diffclip::Json* per = after ? jsonFind(*after, "per_class") : nullptr; per && per->is_array()) {
        m_perClass->setRowCount(int(per->size()));
        int r = 0;
        for (const auto& e : *per) {
            const diffclip::Json* cls = jsonFind(e, "class");
            const QString name = QString::fromStdString(cls && cls->is_string() ? cls->get<std::string>() : std::string());
            classes << name;
            m_perClass->setItem(r, 0, new QTableWidgetItem(name));
            for (int c = 0; c < 2; ++c) {
                auto* item = new QTableWidgetItem(TrainingText::percent(num(&e, c == 0 ? "precision" : "recall")));
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                m_perClass->setItem(r, c + 1, item);
            }
            ++r;
        }
    }
    std::vector<std::vector<qint64>> counts;
    if (const diffclip::Json* conf = after ? jsonFind(*after, "confusion") : nullptr; conf && conf->is_array())
        for (const auto& row : *conf) {
            std::vector<qint64> rr;
            if (row.is_array())
                for (const auto& x : row) rr.push_back(x.is_number_integer() ? x.get<qint64>() : 0);
            counts.push_back(std::move(rr));
        }
    m_confusion->setMatrix(classes, counts);
    updateControls();
}

QString TrainingResults::packagePath() const {
    const QString variant = m_variant->count() > 1 ? m_variant->currentData().toString() : QString();
    const diffclip::Json* v = &m_summary;
    if (!variant.isEmpty()) {
        const diffclip::Json* cmp = jsonFind(m_summary, "compare_attention");
        v = cmp ? jsonFind(*cmp, variant.toStdString()) : nullptr;
    }
    const diffclip::Json* p = v ? jsonFind(*v, "package") : nullptr;
    return p && p->is_string() ? QFile::decodeName(p->get<std::string>().c_str()) : QString();
}

}  // namespace diffclip::ui
