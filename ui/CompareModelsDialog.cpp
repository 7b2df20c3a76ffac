#include "CompareModelsDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include "BusyRow.h"
#include "Controls.h"
#include "LibraryAccess.h"
#include "PocReport.h"

namespace diffclip::ui {

namespace {

QString pct(double fraction) { return QLocale().toString(100.0 * fraction, 'f', 1); }

QString signedPoints(double fractionOrPoints, bool isFraction) {
    const double v = isFraction ? 100.0 * fractionOrPoints : fractionOrPoints;
    return (v > 0 ? QStringLiteral("+") : v < 0 ? QStringLiteral("−") : QString()) + QLocale().toString(std::abs(v), 'f', 1);
}

QString pText(const std::optional<double>& p) {
    if (!p) return QStringLiteral("–");
    return *p < 0.001 ? QStringLiteral("< 0.001") : QLocale().toString(*p, 'f', 3);
}

QString metricName(const diffclip::MetricComparison& m) { return QString::fromStdString(m.name()); }

QList<QStandardItem*> metricRow(const QString& group, const diffclip::MetricComparison& m) {
    auto cell = [](const QString& text, const QVariant& value = QVariant()) {
        auto* item = new QStandardItem(text);
        item->setEditable(false);
        if (value.isValid()) item->setData(value, Qt::UserRole);
        return item;
    };
    const QString p = m.pHolm ? QStringLiteral("%1 (%2)").arg(pText(m.p), pText(m.pHolm)) : pText(m.p);
    return {cell(group + metricName(m)),
            cell(QString::number(m.queries)),
            cell(QStringLiteral("%1 (%2–%3)").arg(pct(m.a), pct(m.aInterval.low), pct(m.aInterval.high)), m.a),
            cell(QStringLiteral("%1 (%2–%3)").arg(pct(m.b), pct(m.bInterval.low), pct(m.bInterval.high)), m.b),
            cell(QStringLiteral("%1 (%2 … %3)")
                     .arg(signedPoints(m.difference, true), signedPoints(m.differenceInterval.low, true),
                          signedPoints(m.differenceInterval.high, true)),
                 m.difference),
            cell(p, m.decidingP() ? QVariant(*m.decidingP()) : QVariant())};
}

}  // namespace

CompareModelsDialog::CompareModelsDialog(LibraryAccess* access, QWidget* parent) : QDialog(parent), m_access(access) {
    setObjectName(QStringLiteral("compareModelsDialog"));
    setWindowTitle(tr("Compare Two Models"));
    m_a = new QComboBox(this);
    m_a->setObjectName(QStringLiteral("modelA"));
    m_b = new QComboBox(this);
    m_b->setObjectName(QStringLiteral("modelB"));
    for (QComboBox* box : {m_a, m_b}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        box->setToolTip(tr("The library's models with embeddings. Both rank the same labelled photos: the photos "
                           "both have embedded."));
    }
    m_iterations = new QSpinBox(this);
    m_iterations->setObjectName(QStringLiteral("iterations"));
    m_iterations->setRange(100, 1000000);
    m_iterations->setSingleStep(1000);
    m_iterations->setValue(10000);
    m_iterations->setGroupSeparatorShown(true);
    m_iterations->setToolTip(tr("Bootstrap resamples for the 95% intervals (and random sign flips of the "
                                "randomization test above 20 queries). The same number gives the same figures."));
    auto* form = new QFormLayout;
    form->addRow(makeBuddyLabel(tr("Model &A:"), m_a, this), m_a);
    form->addRow(makeBuddyLabel(tr("Model &B:"), m_b, this), m_b);
    form->addRow(makeBuddyLabel(tr("&Resamples:"), m_iterations, this), m_iterations);

    m_compare = makeButton(tr("Com&pare"), tr("Compare the two models"), this,
                           tr("Leave-one-out search over the labelled photos with each model, then the paired "
                              "statistics (docs/POC.md)."));
    m_compare->setDefault(true);
    connect(m_compare, &QPushButton::clicked, this, &CompareModelsDialog::compare);
    m_busy = new BusyRow(tr("Comparing"), 20, this);
    m_status = makeSelectableLabel(this, QStringLiteral("compareStatus"));
    m_sentences = makeSelectableLabel(this, QStringLiteral("compareSentences"));
    m_results = new QStandardItemModel(0, 6, this);
    m_results->setHorizontalHeaderLabels(
        {tr("Metric"), tr("Queries"), tr("A (95% CI)"), tr("B (95% CI)"), tr("B − A, points (95% CI)"), tr("p")});
    m_results->horizontalHeaderItem(5)->setToolTip(
        tr("hit@K: exact McNemar test on the queries only one model hits, in brackets Holm-adjusted over the K values; "
           "MRR and mAP: paired randomization test. Per class only for classes of 10 queries or more."));
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("compareTable"));
    m_table->setModel(m_results);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setMinimumHeight(fontMetrics().height() * 14);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* top = new QHBoxLayout;
    top->addLayout(form, 1);
    top->addWidget(m_compare, 0, Qt::AlignBottom);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_busy);
    layout->addWidget(m_status);
    layout->addWidget(m_sentences);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    resize(fontMetrics().averageCharWidth() * 120, fontMetrics().height() * 30);
    m_compare->setEnabled(false);
    listModels();
}

CompareModelsDialog::~CompareModelsDialog() { m_cancel.cancel(); }

void CompareModelsDialog::done(int result) {
    m_cancel.cancel();  // a comparison still running stops at its next unit
    QDialog::done(result);
}

void CompareModelsDialog::setIterations(int iterations) { m_iterations->setValue(iterations); }

QString CompareModelsDialog::sentences() const { return m_sentences->text(); }

void CompareModelsDialog::setBusy(bool busy) {
    m_compare->setEnabled(!busy && m_models.size() >= 2);
    for (QWidget* w : std::initializer_list<QWidget*>{m_a, m_b, m_iterations}) w->setEnabled(!busy);
}

void CompareModelsDialog::listModels() {
    using Counts = diffclip::Result<std::vector<diffclip::Library::ModelEmbeddingCount>>;
    m_access->run<Counts>(
        this, [](diffclip::Library& lib) { return lib.embeddingCountsByModel(); },
        [this](Counts r) {
            m_a->clear();
            m_b->clear();
            m_models.clear();
            if (!r) {
                m_status->setText(tr("Could not list the library's models: %1").arg(QString::fromStdString(r.error().message)));
                Q_EMIT modelsListed(false);
                return;
            }
            // Newest registration first, as the library lists them.
            std::vector<diffclip::Library::ModelEmbeddingCount> rows;
            for (const auto& c : *r)
                if (c.embeddings > 0) rows.push_back(c);
            std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.model.id > y.model.id; });
            for (const auto& c : rows) {
                m_models.push_back({c.model.name, c.model.fingerprint});
                const QString text = tr("%1 (%n photos)", nullptr, int(c.embeddings)).arg(QString::fromStdString(c.model.name));
                m_a->addItem(text);
                m_b->addItem(text);
            }
            if (m_models.size() < 2) {
                m_status->setText(tr("Comparing needs two models that have embedded this library's photos; it has %n.",
                                     nullptr, int(m_models.size())));
            } else {
                // The older model as A, the newer as B: "did the new one get better?"
                m_a->setCurrentIndex(1);
                m_b->setCurrentIndex(0);
                m_status->setText(tr("Choose the two models and compare them on the library's labelled photos."));
            }
            setBusy(false);
            Q_EMIT modelsListed(true);
        });
}

void CompareModelsDialog::compare() {
    const int a = m_a->currentIndex(), b = m_b->currentIndex();
    if (a < 0 || b < 0 || size_t(a) >= m_models.size() || size_t(b) >= m_models.size()) return;
    if (a == b) {
        m_status->setText(tr("Choose two different models."));
        Q_EMIT compared(false);
        return;
    }
    m_cancel.cancel();
    m_cancel = diffclip::CancelToken();
    diffclip::CompareOptions o;
    o.iterations = m_iterations->value();
    o.job.cancel = m_cancel;
    const diffclip::ComparedModel ma = m_models[size_t(a)], mb = m_models[size_t(b)];
    const int request = ++m_request;
    setBusy(true);
    m_busy->say(tr("Ranking the labelled photos with both models and resampling…"));
    using R = diffclip::Result<diffclip::ModelComparison>;
    m_access->run<R>(
        this, [ma, mb, o](diffclip::Library& lib) { return diffclip::compareModels(lib, ma, mb, o); },
        [this, request](R r) {
            if (request != m_request) return;
            m_busy->say(QString());
            setBusy(false);
            if (!r) {
                m_status->setText(tr("The comparison failed: %1").arg(QString::fromStdString(r.error().message)));
                Q_EMIT compared(false);
                return;
            }
            m_comparison = std::move(*r);
            showComparison(*m_comparison);
            Q_EMIT compared(true);
        });
}

void CompareModelsDialog::showComparison(const diffclip::ModelComparison& c) {
    m_status->setText(tr("A: %1 · B: %2 · %n queries (labelled photos embedded by both); left out: %3 embedded by A "
                         "only, %4 by B only, %5 without another photo of their label. %6 resamples.",
                         nullptr, int(c.queries))
                          .arg(QString::fromStdString(c.a.name), QString::fromStdString(c.b.name))
                          .arg(c.embeddedByAOnly)
                          .arg(c.embeddedByBOnly)
                          .arg(c.unanswerable)
                          .arg(QLocale().toString(qlonglong(c.iterations))));
    m_results->removeRows(0, m_results->rowCount());
    for (const auto& m : c.overall) m_results->appendRow(metricRow(QString(), m));
    for (const auto& cls : c.classes)
        for (const auto& m : cls.metrics)
            m_results->appendRow(metricRow(QString::fromStdString(cls.label) + QStringLiteral(" · "), m));
    QStringList lines;
    for (size_t i = 0; i < c.overall.size(); ++i) lines << sentence(diffclip::findingFor(c, i));
    m_sentences->setText(lines.join(QLatin1Char('\n')));
}

QString CompareModelsDialog::sentence(const diffclip::ComparisonFinding& f) const {
    return report::PocReport::comparisonSentence(f);  // the PoC report says the same
}

}  // namespace diffclip::ui
