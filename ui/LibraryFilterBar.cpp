#include "LibraryFilterBar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>

#include "Controls.h"
#include "FlowLayout.h"
#include "LibraryModel.h"

namespace diffclip::ui {

namespace {

// Refills `box` with "all", an optional "none" and `values`, keeping the chosen value when it is
// still offered, without emitting a change.
void refill(QComboBox* box, const QString& allText, const QStringList& values, const QString& noneText) {
    const QString current = box->currentIndex() > (noneText.isEmpty() ? 0 : 1) ? box->currentText() : QString();
    const int currentIndex = box->currentIndex();
    const QSignalBlocker block(box);
    box->clear();
    box->addItem(allText);
    if (!noneText.isEmpty()) box->addItem(noneText);
    box->addItems(values);
    const int again =
        current.isEmpty() ? qMax(0, qMin(currentIndex, noneText.isEmpty() ? 0 : 1)) : box->findText(current);
    box->setCurrentIndex(again < 0 ? 0 : again);
}

}  // namespace

LibraryFilterBar::LibraryFilterBar(LibraryModel* model, LibraryFilterProxy* proxy, QWidget* parent)
    : QWidget(parent), m_model(model), m_proxy(proxy) {
    m_show = new QComboBox(this);
    m_show->setObjectName(QStringLiteral("libraryShow"));
    m_show->setAccessibleName(tr("Show"));
    m_show->addItem(tr("All photos"), int(Show::All));
    m_show->addItem(tr("Label these next"), int(Show::LabelNext));
    m_show->addItem(tr("Check these labels"), int(Show::CheckLabels));
    m_show->setToolTip(tr("Label these next: unlabelled photos whose labels would teach the most, first those the "
                          "labelled neighbours disagree on and those unlike anything labelled. Check these labels: "
                          "labelled photos whose nearest neighbours mostly carry another label. Both use the "
                          "embeddings of the library's main model; the photo's tooltip says why it is listed."));
    connect(m_show, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT showChanged(show()); });
    m_label = new QComboBox(this);
    m_label->setAccessibleName(tr("Filter by label"));
    m_line = new QComboBox(this);
    m_line->setAccessibleName(tr("Filter by line"));
    m_product = new QComboBox(this);
    m_product->setAccessibleName(tr("Filter by product"));
    auto* dateValidator =
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{0,4}(-\\d{0,2}(-\\d{0,2})?)?")), this);
    m_dateFrom = new QLineEdit(this);
    m_dateFrom->setAccessibleName(tr("Dates from"));
    m_dateTo = new QLineEdit(this);
    m_dateTo->setAccessibleName(tr("Dates to"));
    const int dateWidth = fontMetrics().averageCharWidth() * 14;
    for (QLineEdit* e : {m_dateFrom, m_dateTo}) {
        e->setPlaceholderText(tr("YYYY-MM-DD"));
        e->setValidator(dateValidator);
        e->setMaximumWidth(dateWidth);
    }
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("libraryTextFilter"));
    m_text->setAccessibleName(tr("Filter by text"));
    m_text->setPlaceholderText(tr("Find in names, labels and metadata"));
    m_text->setClearButtonEnabled(true);
    m_sort = new QComboBox(this);
    m_sort->setAccessibleName(tr("Sort by"));
    m_sort->addItem(tr("Name"), int(LibraryFilterProxy::SortKey::Name));
    m_sort->addItem(tr("Date"), int(LibraryFilterProxy::SortKey::Date));
    m_sort->addItem(tr("Label"), int(LibraryFilterProxy::SortKey::Label));
    m_sort->addItem(tr("Date added"), int(LibraryFilterProxy::SortKey::Added));
    m_order = new QComboBox(this);
    m_order->setAccessibleName(tr("Sort order"));
    m_order->addItem(tr("Ascending"), int(Qt::AscendingOrder));
    m_order->addItem(tr("Descending"), int(Qt::DescendingOrder));
    for (QComboBox* box : {m_label, m_line, m_product})
        connect(box, &QComboBox::currentIndexChanged, this, &LibraryFilterBar::applyFilters);
    for (QLineEdit* e : {m_dateFrom, m_dateTo, m_text})
        connect(e, &QLineEdit::textChanged, this, &LibraryFilterBar::applyFilters);
    connect(m_sort, &QComboBox::currentIndexChanged, this, &LibraryFilterBar::applySort);
    connect(m_order, &QComboBox::currentIndexChanged, this, &LibraryFilterBar::applySort);

    auto labelled = [this](const QString& text, QWidget* w) { return makeBuddyLabel(text, w, this); };
    // Each label stays with its field; the groups wrap in a narrow window.
    auto group = [this](std::initializer_list<QWidget*> widgets) { return makeGroup(this, widgets); };
    auto* filters = new FlowLayout;
    filters->addWidget(group({labelled(tr("Sho&w:"), m_show), m_show}));
    filters->addWidget(group({labelled(tr("La&bel:"), m_label), m_label}));
    filters->addWidget(group({labelled(tr("L&ine:"), m_line), m_line}));
    filters->addWidget(group({labelled(tr("&Product:"), m_product), m_product}));
    filters->addWidget(
        group({labelled(tr("Dates:"), m_dateFrom), m_dateFrom, new QLabel(QStringLiteral("–"), this), m_dateTo}));
    auto* filters2 = new QHBoxLayout;
    filters2->addWidget(labelled(tr("&Find:"), m_text));
    filters2->addWidget(m_text, 1);
    filters2->addWidget(labelled(tr("&Sort by:"), m_sort));
    filters2->addWidget(m_sort);
    filters2->addWidget(m_order);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addLayout(filters2);
}

void LibraryFilterBar::refreshChoices(const QStringList& classes) {
    QStringList lines, products;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const QModelIndex i = m_model->index(r);
        const QString line = i.data(LibraryModel::LineRole).toString();
        const QString product = i.data(LibraryModel::ProductRole).toString();
        if (!line.isEmpty() && !lines.contains(line)) lines << line;
        if (!product.isEmpty() && !products.contains(product)) products << product;
    }
    lines.sort(Qt::CaseInsensitive);
    products.sort(Qt::CaseInsensitive);
    refill(m_label, tr("All labels"), classes, tr("No label"));
    refill(m_line, tr("All lines"), lines, QString());
    refill(m_product, tr("All products"), products, QString());
    applyFilters();
}

void LibraryFilterBar::applyFilters() {
    const int li = m_label->currentIndex();
    m_proxy->setUnlabelledOnly(li == 1);
    m_proxy->setLabelFilter(li >= 2 ? m_label->currentText() : QString());
    m_proxy->setLineFilter(m_line->currentIndex() <= 0 ? QString() : m_line->currentText());
    m_proxy->setProductFilter(m_product->currentIndex() <= 0 ? QString() : m_product->currentText());
    m_proxy->setDateRange(m_dateFrom->text(), m_dateTo->text());
    m_proxy->setText(m_text->text());
    Q_EMIT filtersApplied();
}

LibraryFilterBar::Show LibraryFilterBar::show() const { return Show(m_show->currentData().toInt()); }

void LibraryFilterBar::setShow(Show show) { m_show->setCurrentIndex(m_show->findData(int(show))); }

void LibraryFilterBar::applySort() {
    m_proxy->setSortKey(LibraryFilterProxy::SortKey(m_sort->currentData().toInt()),
                        Qt::SortOrder(m_order->currentData().toInt()));
}

}  // namespace diffclip::ui
