#include "ChartSeriesModel.h"

namespace diffclip::ui {

void ChartSeriesModel::setTable(ChartTable table) {
    beginResetModel();
    m_table = std::move(table);
    endResetModel();
}

int ChartSeriesModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_table.rowLabels.size());
}

int ChartSeriesModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_table.series.size());
}

QVariant ChartSeriesModel::data(const QModelIndex& index, int role) const {
    if (role != Qt::DisplayRole || !index.isValid() || index.column() >= columnCount() || index.row() >= rowCount())
        return {};
    const auto& values = m_table.series[index.column()].values;
    if (index.row() >= values.size() || std::isnan(values[index.row()])) return {};
    return values[index.row()];
}

QVariant ChartSeriesModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (section < 0) return {};
    if (orientation == Qt::Horizontal) {
        if (section >= columnCount()) return {};
        const auto& s = m_table.series[section];
        switch (role) {
        case Qt::DisplayRole: return s.name;
        case Qt::DecorationRole: return s.colour;
        case Qt::UserRole: return s.style;
        default: return {};
        }
    }
    if (section >= rowCount()) return {};
    if (role == Qt::DisplayRole) return m_table.rowLabels[section];
    if (role == Qt::UserRole) return section < m_table.markedRows.size() && m_table.markedRows[section];
    if (role == PositionRole) return section < m_table.rowPositions.size() ? m_table.rowPositions[section] : double(section);
    return {};
}

}  // namespace diffclip::ui
