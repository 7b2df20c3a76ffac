#include "PhotoGrid.h"

#include <QItemSelectionModel>
#include <QShortcut>

#include <algorithm>

#include "LibraryModel.h"

namespace diffclip::ui {

PhotoGrid::PhotoGrid(LibraryModel* model, LibraryFilterProxy* proxy, QWidget* parent)
    : QListView(parent), m_model(model), m_proxy(proxy) {
    setObjectName(QStringLiteral("photoGrid"));
    setAccessibleName(tr("Photos"));
    setModel(proxy);
    setViewMode(QListView::IconMode);
    setResizeMode(QListView::Adjust);
    setMovement(QListView::Static);
    setUniformItemSizes(true);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setTextElideMode(Qt::ElideMiddle);
    setWordWrap(false);
    setSpacing(fontMetrics().averageCharWidth());
    const int side = fontMetrics().height() * 7;  // DPI-safe thumbnail size
    model->setThumbnailSide(side);
    setIconSize(QSize(side, side));
    setGridSize(QSize(side + fontMetrics().averageCharWidth() * 4, side + fontMetrics().height() * 2));
    for (int i = 0; i < kClassKeys; ++i) {
        auto* key = new QShortcut(QKeySequence(Qt::Key(Qt::Key_1 + i)), this, nullptr, nullptr, Qt::WidgetShortcut);
        connect(key, &QShortcut::activated, this, [this, i] { Q_EMIT classKeyPressed(i); });
    }
    auto* clearKey = new QShortcut(QKeySequence(Qt::Key_0), this, nullptr, nullptr, Qt::WidgetShortcut);
    connect(clearKey, &QShortcut::activated, this, &PhotoGrid::clearKeyPressed);
}

std::vector<qint64> PhotoGrid::selectedIds() const {
    std::vector<qint64> ids;
    const QModelIndexList rows = selectionModel()->selectedIndexes();
    for (const QModelIndex& i : rows) ids.push_back(i.data(LibraryModel::IdRole).toLongLong());
    std::sort(ids.begin(), ids.end());
    return ids;
}

void PhotoGrid::selectIds(const std::vector<qint64>& ids) {
    QItemSelection selection;
    QModelIndex first;
    for (qint64 id : ids) {
        const int row = m_model->rowOf(id);
        if (row < 0) continue;
        const QModelIndex p = m_proxy->mapFromSource(m_model->index(row));
        if (!p.isValid()) continue;
        selection.select(p, p);
        if (!first.isValid()) first = p;
    }
    selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (first.isValid()) selectionModel()->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
}

qint64 PhotoGrid::currentId() const {
    const QModelIndex current = selectionModel()->currentIndex();
    if (current.isValid() && selectionModel()->isSelected(current))
        return current.data(LibraryModel::IdRole).toLongLong();
    const std::vector<qint64> ids = selectedIds();
    return ids.empty() ? 0 : ids.front();
}

}  // namespace diffclip::ui
