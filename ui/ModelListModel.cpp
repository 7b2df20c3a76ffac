#include "ModelListModel.h"

#include <QDir>
#include <QFileInfo>

namespace diffclip::ui {

ModelListModel::ModelListModel(QObject* parent) : QAbstractListModel(parent) {}

int ModelListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant ModelListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const Entry& e = m_entries[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return displayName(e.path);
    case Qt::ToolTipRole:
    case PathRole:
        return QDir::toNativeSeparators(e.path);
    case Qt::AccessibleDescriptionRole:
        return QDir::toNativeSeparators(e.path);
    default:
        return {};
    }
}

int ModelListModel::addOrReplace(const QString& path, const diffclip::ModelSummary& summary) {
    const int existing = rowOf(path);
    if (existing >= 0) {
        m_entries[size_t(existing)].summary = summary;
        const QModelIndex i = index(existing);
        Q_EMIT dataChanged(i, i);
        return existing;
    }
    const int row = rowCount();
    beginInsertRows(QModelIndex(), row, row);
    m_entries.push_back({path, summary});
    endInsertRows();
    return row;
}

void ModelListModel::removeRow(int row) {
    if (row < 0 || row >= rowCount()) return;
    beginRemoveRows(QModelIndex(), row, row);
    m_entries.erase(m_entries.begin() + row);
    endRemoveRows();
}

int ModelListModel::rowOf(const QString& path) const {
    for (size_t i = 0; i < m_entries.size(); ++i)
        if (m_entries[i].path == path) return int(i);
    return -1;
}

QString ModelListModel::pathAt(int row) const {
    return row >= 0 && row < rowCount() ? m_entries[size_t(row)].path : QString();
}

const diffclip::ModelSummary& ModelListModel::summaryAt(int row) const { return m_entries[size_t(row)].summary; }

QString ModelListModel::displayName(const QString& path) {
    const QFileInfo info(path);
    if (info.isDir()) return info.fileName().isEmpty() ? QDir::toNativeSeparators(path) : info.fileName();
    const QString parent = info.dir().dirName();
    if (parent.isEmpty() || parent == QLatin1String(".")) return info.fileName();
    return parent + QLatin1Char('/') + info.fileName();
}

}  // namespace diffclip::ui
