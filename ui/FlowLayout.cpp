#include "FlowLayout.h"

#include <QStyle>
#include <QWidget>
#include <algorithm>

namespace diffclip::ui {

FlowLayout::FlowLayout(QWidget* parent) : QLayout(parent) {}

FlowLayout::~FlowLayout() {
    while (QLayoutItem* item = takeAt(0)) delete item;
}

void FlowLayout::addItem(QLayoutItem* item) { m_items.append(item); }

QLayoutItem* FlowLayout::takeAt(int index) {
    return index >= 0 && index < m_items.size() ? m_items.takeAt(index) : nullptr;
}

int FlowLayout::heightForWidth(int width) const { return arrange(QRect(0, 0, width, 0), false); }

void FlowLayout::setGeometry(const QRect& rect) {
    QLayout::setGeometry(rect);
    arrange(rect, true);
}

QSize FlowLayout::minimumSize() const {
    QSize size;
    for (const QLayoutItem* item : m_items)
        if (!item->isEmpty()) size = size.expandedTo(item->minimumSize().expandedTo(item->sizeHint().boundedTo(item->maximumSize())));
    const QMargins m = contentsMargins();
    return size + QSize(m.left() + m.right(), m.top() + m.bottom());
}

QSize FlowLayout::sizeHint() const {
    int width = 0, height = 0, n = 0;
    for (const QLayoutItem* item : m_items) {
        if (item->isEmpty()) continue;
        width += item->sizeHint().width() + (n++ > 0 ? gap(Qt::Horizontal) : 0);
        height = std::max(height, item->sizeHint().height());
    }
    const QMargins m = contentsMargins();
    return QSize(width + m.left() + m.right(), height + m.top() + m.bottom());
}

// The spacing set on the layout, else the style's spacing between push buttons.
int FlowLayout::gap(Qt::Orientation o) const {
    if (spacing() >= 0) return spacing();
    const QWidget* w = parentWidget();
    if (!w) return 6;
    return w->style()->layoutSpacing(QSizePolicy::PushButton, QSizePolicy::PushButton, o, nullptr, w);
}

// Places the items row by row inside `rect` (when `apply`); returns the height they need.
int FlowLayout::arrange(const QRect& rect, bool apply) const {
    const QMargins m = contentsMargins();
    const QRect area = rect.marginsRemoved(m);
    const int hGap = gap(Qt::Horizontal), vGap = gap(Qt::Vertical);
    int x = area.x(), y = area.y(), rowHeight = 0;
    QList<std::pair<QLayoutItem*, QRect>> row;
    // Items of one row share its height and are centred vertically in it.
    auto finishRow = [&] {
        if (apply)
            for (auto& [item, r] : row) item->setGeometry(QRect(QPoint(r.x(), r.y() + (rowHeight - r.height()) / 2), r.size()));
        row.clear();
    };
    for (QLayoutItem* item : m_items) {
        if (item->isEmpty()) continue;
        QSize size = item->sizeHint().boundedTo(item->maximumSize()).expandedTo(item->minimumSize());
        size.setWidth(std::min(size.width(), std::max(1, area.width())));
        if (x > area.x() && x + size.width() > area.right() + 1) {
            finishRow();
            x = area.x();
            y += rowHeight + vGap;
            rowHeight = 0;
        }
        row.append({item, QRect(QPoint(x, y), size)});
        x += size.width() + hGap;
        rowHeight = std::max(rowHeight, size.height());
    }
    finishRow();
    return y + rowHeight - rect.y() + m.bottom();
}

}  // namespace diffclip::ui
