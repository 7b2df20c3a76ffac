#include "FlowLayout.h"

#include <QStyle>
#include <QWidget>

namespace diffclip::ui {

FlowLayout::FlowLayout(QWidget* parent, int horizontalSpacing, int verticalSpacing)
    : QLayout(parent), m_horizontalSpacing(horizontalSpacing), m_verticalSpacing(verticalSpacing) {}

FlowLayout::~FlowLayout() {
    while (QLayoutItem* item = takeAt(0)) delete item;
}

void FlowLayout::addItem(QLayoutItem* item) { m_items.append(item); }

int FlowLayout::count() const { return int(m_items.size()); }

QLayoutItem* FlowLayout::itemAt(int index) const { return m_items.value(index); }

QLayoutItem* FlowLayout::takeAt(int index) {
    return index >= 0 && index < m_items.size() ? m_items.takeAt(index) : nullptr;
}

Qt::Orientations FlowLayout::expandingDirections() const { return {}; }

bool FlowLayout::hasHeightForWidth() const { return true; }

int FlowLayout::heightForWidth(int width) const { return arrange(QRect(0, 0, width, 0), false); }

QSize FlowLayout::minimumSize() const {
    QSize size;
    for (const QLayoutItem* item : m_items) size = size.expandedTo(item->minimumSize());
    const QMargins m = contentsMargins();
    return size + QSize(m.left() + m.right(), m.top() + m.bottom());
}

QSize FlowLayout::sizeHint() const {
    int width = 0;
    int height = 0;
    for (const QLayoutItem* item : m_items) {
        if (item->isEmpty()) continue;
        if (width > 0) width += gap(Qt::Horizontal);
        width += item->sizeHint().width();
        height = qMax(height, item->sizeHint().height());
    }
    const QMargins m = contentsMargins();
    return QSize(width + m.left() + m.right(), height + m.top() + m.bottom());
}

void FlowLayout::setGeometry(const QRect& rect) {
    QLayout::setGeometry(rect);
    arrange(rect, true);
}

int FlowLayout::arrange(const QRect& rect, bool apply) const {
    const QRect area = rect.marginsRemoved(contentsMargins());
    int x = area.x();
    int y = area.y();
    int rowHeight = 0;
    for (QLayoutItem* item : m_items) {
        if (item->isEmpty()) continue;  // hidden widgets take no place
        // An item wider than the area gets the area's width (down to its minimum).
        const QSize hint = item->sizeHint();
        const int width = qMax(item->minimumSize().width(), qMin(hint.width(), area.width()));
        if (x > area.x() && x + width > area.right() + 1) {
            x = area.x();
            y += rowHeight + gap(Qt::Vertical);
            rowHeight = 0;
        }
        if (apply) item->setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())));
        x += width + gap(Qt::Horizontal);
        rowHeight = qMax(rowHeight, hint.height());
    }
    return y + rowHeight - rect.y() + contentsMargins().bottom();
}

int FlowLayout::gap(Qt::Orientation orientation) const {
    const int set = orientation == Qt::Horizontal ? m_horizontalSpacing : m_verticalSpacing;
    if (set >= 0) return set;
    const QWidget* w = parentWidget();
    if (!w) return qMax(spacing(), 0);
    int v = w->style()->pixelMetric(
        orientation == Qt::Horizontal ? QStyle::PM_LayoutHorizontalSpacing : QStyle::PM_LayoutVerticalSpacing, nullptr,
        w);
    if (v < 0)  // styles without a fixed spacing (Fusion) give it per pair of controls
        v = w->style()->layoutSpacing(QSizePolicy::DefaultType, QSizePolicy::DefaultType, orientation, nullptr, w);
    return qMax(v, 0);
}

}  // namespace diffclip::ui
