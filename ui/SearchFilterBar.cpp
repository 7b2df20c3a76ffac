#include "SearchFilterBar.h"

#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpressionValidator>
#include <QResizeEvent>
#include <QSpinBox>
#include <QStringListModel>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

#include "PlaceholderFit.h"

namespace diffclip::ui {

namespace {

std::string toUtf8(const QString& s) { return s.toUtf8().toStdString(); }

QStringList toQStrings(const std::vector<std::string>& values) {
    QStringList out;
    out.reserve(qsizetype(values.size()));
    for (const std::string& v : values) out << QString::fromUtf8(v.data(), qsizetype(v.size()));
    return out;
}

// A field that asks for room for its whole placeholder (translations run longer than English).
class FilterEdit : public QLineEdit {
public:
    using QLineEdit::QLineEdit;
    QSize sizeHint() const override {
        QSize s = QLineEdit::sizeHint();
        s.setWidth(std::max(s.width(), widthShowingPlaceholder(this)));
        return s;
    }
};

QLineEdit* filterEdit(const QString& name, const QString& placeholder, const QString& accessible, QWidget* parent) {
    auto* e = new FilterEdit(parent);
    e->setObjectName(name);
    e->setPlaceholderText(placeholder);
    e->setAccessibleName(accessible);
    e->setClearButtonEnabled(true);
    return e;
}

QCompleter* choicesFor(QLineEdit* edit) {
    auto* c = new QCompleter(new QStringListModel(edit), edit);
    c->setCaseSensitivity(Qt::CaseInsensitive);
    c->setFilterMode(Qt::MatchContains);
    edit->setCompleter(c);
    return c;
}

// The where text as (field, value) conditions; `bad` is the first part not written field=value.
std::vector<std::pair<QString, QString>> parseWhere(const QString& text, QString* bad) {
    std::vector<std::pair<QString, QString>> out;
    for (const QString& part : text.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const QString p = part.trimmed();
        if (p.isEmpty()) continue;
        const qsizetype eq = p.indexOf(QLatin1Char('='));
        const QString field = eq > 0 ? p.left(eq).trimmed() : QString();
        if (field.isEmpty() || field.contains(QLatin1Char('"'))) {
            if (bad && bad->isEmpty()) *bad = p;
            continue;
        }
        out.emplace_back(field, p.mid(eq + 1).trimmed());
    }
    return out;
}

}  // namespace

SearchFilterBar::SearchFilterBar(QWidget* parent) : QWidget(parent) {
    m_label = new QComboBox(this);
    m_label->setObjectName(QStringLiteral("labelFilter"));
    m_label->setAccessibleName(tr("Label filter"));
    m_label->addItem(tr("Any label"), QString());
    m_label->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_line = filterEdit(QStringLiteral("lineFilter"), tr("Line"), tr("Line filter"), this);
    m_product = filterEdit(QStringLiteral("productFilter"), tr("Product"), tr("Product filter"), this);
    m_lineChoices = choicesFor(m_line);
    m_productChoices = choicesFor(m_product);
    const auto* dateValidator = new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("\\d{0,4}(-\\d{0,2}(-\\d{0,2})?)?")), this);
    m_dateFrom = filterEdit(QStringLiteral("dateFromFilter"), tr("From YYYY-MM-DD"), tr("Date from"), this);
    m_dateFrom->setValidator(dateValidator);
    m_dateTo = filterEdit(QStringLiteral("dateToFilter"), tr("To YYYY-MM-DD"), tr("Date to"), this);
    m_dateTo->setValidator(dateValidator);
    m_where = filterEdit(QStringLiteral("whereFilter"), tr("field=value; field=value"), tr("Other filters"), this);

    m_topK = new QSpinBox(this);
    m_topK->setObjectName(QStringLiteral("topK"));
    m_topK->setRange(1, 200);
    m_topK->setValue(12);
    m_topK->setAccessibleName(tr("Number of results"));
    m_topK->setToolTip(tr("How many results (groups of similar photos) to show"));
    m_topKLabel = new QLabel(tr("&Results:"), this);
    m_topKLabel->setBuddy(m_topK);
    m_title = new QLabel(tr("Filters:"), this);

    auto* rows = new QVBoxLayout(this);
    rows->setContentsMargins(0, 0, 0, 0);
    for (QHBoxLayout*& row : m_rows) {
        row = new QHBoxLayout;
        rows->addLayout(row);
    }
    arrange(width());

    // Typing does not start a search per key: changed() follows a short pause.
    m_pause = new QTimer(this);
    m_pause->setSingleShot(true);
    m_pause->setInterval(350);
    connect(m_pause, &QTimer::timeout, this, &SearchFilterBar::changed);
    connect(m_label, &QComboBox::currentIndexChanged, this, &SearchFilterBar::scheduleChanged);
    for (QLineEdit* e : {m_line, m_product, m_dateFrom, m_dateTo, m_where})
        connect(e, &QLineEdit::editingFinished, this, &SearchFilterBar::scheduleChanged);
    connect(m_topK, &QSpinBox::valueChanged, this, &SearchFilterBar::scheduleChanged);
    clearChoices();
}

diffclip::ImageFilter SearchFilterBar::filter() const {
    diffclip::ImageFilter f;
    f.label = toUtf8(m_label->currentData().toString());
    f.dateFrom = toUtf8(m_dateFrom->text().trimmed());
    f.dateTo = toUtf8(m_dateTo->text().trimmed());
    if (!m_line->text().trimmed().isEmpty()) f.where.emplace_back("line", toUtf8(m_line->text().trimmed()));
    if (!m_product->text().trimmed().isEmpty()) f.where.emplace_back("product", toUtf8(m_product->text().trimmed()));
    for (const auto& [field, value] : parseWhere(m_where->text(), nullptr))
        f.where.emplace_back(toUtf8(field), toUtf8(value));
    return f;
}

int SearchFilterBar::topK() const { return m_topK->value(); }

QString SearchFilterBar::signature() const {
    return QStringList{m_label->currentData().toString(), m_line->text().trimmed(), m_product->text().trimmed(),
                       m_dateFrom->text().trimmed(), m_dateTo->text().trimmed(), m_where->text().trimmed(),
                       QString::number(m_topK->value())}
        .join(QChar(0x1f));
}

void SearchFilterBar::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    arrange(event->size().width());
}

void SearchFilterBar::arrange(int width) {
    // The width one row needs: every field as wide as it asks (its whole placeholder).
    const QList<QWidget*> all = {m_title,  m_label, m_line,      m_product, m_dateFrom,
                                 m_dateTo, m_where, m_topKLabel, m_topK};
    int oneRow = std::max(6, m_rows[0]->spacing()) * int(all.size() - 1);
    for (QWidget* w : all) oneRow += w->sizeHint().width();
    const int rowCount = width >= oneRow ? 1 : 2;
    if (rowCount == m_rowCount) return;
    m_rowCount = rowCount;
    for (QHBoxLayout* row : m_rows)
        while (QLayoutItem* item = row->takeAt(0)) delete item;  // the widgets stay; only their places go
    // Two rows: what is chosen first, then the dates and the other conditions. Stretch only
    // where the row has room to spare: a stretched field may get less than it asks for.
    QHBoxLayout* first = m_rows[0];
    QHBoxLayout* second = rowCount == 1 ? m_rows[0] : m_rows[1];
    const int spare = rowCount == 1 ? 0 : 1;
    first->addWidget(m_title);
    first->addWidget(m_label);
    first->addWidget(m_line, spare);
    first->addWidget(m_product, spare);
    if (rowCount == 2) {
        first->addWidget(m_topKLabel);
        first->addWidget(m_topK);
    }
    second->addWidget(m_dateFrom);
    second->addWidget(m_dateTo);
    second->addWidget(m_where, 1);
    if (rowCount == 1) {
        first->addWidget(m_topKLabel);
        first->addWidget(m_topK);
    }
}

std::optional<SearchFilterBar::Problem> SearchFilterBar::problem() const {
    QString bad;
    const auto conditions = parseWhere(m_where->text(), &bad);
    if (!bad.isEmpty())
        return Problem{tr("Filter not understood: “%1”").arg(bad),
                       tr("Write each condition as field=value and separate them with semicolons, "
                          "e.g. lot=A12; inspector=Sato.")};
    if (m_fields.isEmpty()) return std::nullopt;  // not known yet: the core checks
    for (const auto& [field, value] : conditions) {
        if (m_fields.contains(field, Qt::CaseInsensitive)) continue;
        QString reason = tr("Conditions can name these fields: %1.").arg(m_fields.join(QStringLiteral(", ")));
        if (field.compare(QStringLiteral("label"), Qt::CaseInsensitive) == 0)
            reason += QLatin1Char(' ') + tr("Labels are chosen in the label list, not with field=value.");
        return Problem{tr("Unknown filter field “%1”").arg(field), reason};
    }
    return std::nullopt;
}

void SearchFilterBar::setChoices(const Choices& choices) {
    const QString keep = m_label->currentData().toString();
    {
        const QSignalBlocker block(m_label);
        m_label->clear();
        m_label->addItem(tr("Any label"), QString());
        for (const QString& l : choices.labels) m_label->addItem(l, l);
        const int i = m_label->findData(keep);
        m_label->setCurrentIndex(i < 0 ? 0 : i);
    }
    // A chosen label the library no longer has: the filter changed, search again.
    if (m_label->currentData().toString() != keep) scheduleChanged();
    qobject_cast<QStringListModel*>(m_lineChoices->model())->setStringList(choices.lines);
    qobject_cast<QStringListModel*>(m_productChoices->model())->setStringList(choices.products);
    m_fields = choices.fields;
    m_where->setToolTip(m_fields.isEmpty() ? tr("Conditions on lot, inspector, notes or imported CSV columns, e.g. "
                                                "lot=A12; inspector=Sato")
                                           : tr("Conditions as field=value; separate them with semicolons. "
                                                "Fields: %1")
                                                 .arg(m_fields.join(QStringLiteral(", "))));
}

void SearchFilterBar::clearChoices() { setChoices({}); }

void SearchFilterBar::cancelPending() { m_pause->stop(); }

void SearchFilterBar::scheduleChanged() { m_pause->start(); }

diffclip::Result<SearchFilterBar::Choices> SearchFilterBar::readChoices(diffclip::Library& lib) {
    auto labels = lib.labels();
    if (!labels) return labels.error();
    auto lines = lib.columnValues("line");
    if (!lines) return lines.error();
    auto products = lib.columnValues("product");
    if (!products) return products.error();
    auto fields = lib.filterFields();
    if (!fields) return fields.error();
    return Choices{toQStrings(*labels), toQStrings(*lines), toQStrings(*products), toQStrings(*fields)};
}

}  // namespace diffclip::ui
