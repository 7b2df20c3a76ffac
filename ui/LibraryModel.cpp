#include "LibraryModel.h"
#include "StdText.h"

#include <QCollator>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPixmap>

#include "ThumbnailLoader.h"

namespace diffclip::ui {

LibraryModel::LibraryModel(QObject* parent)
    : QAbstractListModel(parent), m_thumbnails(new ThumbnailLoader(this)) {
    connect(m_thumbnails, &ThumbnailLoader::thumbnailReady, this, &LibraryModel::thumbnailReady);
}

LibraryModel::~LibraryModel() = default;

int LibraryModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

QVariant LibraryModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() < 0 || index.row() >= int(m_rows.size())) return {};
    const Row& r = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole: return r.name;
    case Qt::DecorationRole: return m_thumbnails->thumbnail(r.path, r.image.status == diffclip::ImageStatus::Failed);
    case Qt::ToolTipRole: {
        QString tip = QDir::toNativeSeparators(r.path);
        tip += QLatin1Char('\n') + (r.label.isEmpty() ? tr("No label") : tr("Label: %1").arg(r.label));
        if (!r.image.date.empty()) tip += QLatin1Char('\n') + tr("Date: %1").arg(fromStd(r.image.date));
        return tip;
    }
    case Qt::AccessibleTextRole:
        return r.label.isEmpty() ? r.name : tr("%1, label %2").arg(r.name, r.label);
    case IdRole: return qlonglong(r.image.id);
    case PathRole: return r.path;
    case LabelRole: return r.label;
    case DateRole: return fromStd(r.image.date);
    case AddedRole: return qlonglong(r.image.addedAtMs);
    case ProductRole: return fromStd(r.image.product);
    case LineRole: return fromStd(r.image.line);
    case SearchTextRole:
        return QStringList{r.path, r.label, fromStd(r.image.product), fromStd(r.image.line), fromStd(r.image.lot),
                           fromStd(r.image.date), fromStd(r.image.inspector), fromStd(r.image.notes)}
            .join(QLatin1Char('\n'))
            .toLower();
    default: return {};
    }
}

void LibraryModel::setImages(std::vector<diffclip::ImageRecord> images,
                             const std::vector<std::pair<int64_t, std::string>>& labels) {
    beginResetModel();
    m_rows.clear();
    m_rowOfId.clear();
    m_rowOfPath.clear();
    m_rows.reserve(images.size());
    QHash<qint64, QString> labelOf;
    for (const auto& [id, label] : labels) labelOf.insert(id, fromStd(label));
    for (auto& image : images) {
        Row row;
        row.path = QFile::decodeName(image.path.c_str());
        row.name = QFileInfo(row.path).fileName();
        row.label = labelOf.value(image.id);
        row.image = std::move(image);
        m_rowOfId.insert(row.image.id, int(m_rows.size()));
        m_rowOfPath.insert(row.path, int(m_rows.size()));
        m_rows.push_back(std::move(row));
    }
    endResetModel();
}

void LibraryModel::clear() { setImages({}, {}); }

void LibraryModel::setLabels(const std::vector<std::pair<int64_t, std::string>>& labels) {
    for (const auto& [id, label] : labels) {
        const int row = rowOf(id);
        if (row < 0) continue;
        m_rows[size_t(row)].label = fromStd(label);
        const QModelIndex i = index(row);
        Q_EMIT dataChanged(i, i, {LabelRole, Qt::ToolTipRole, Qt::AccessibleTextRole, SearchTextRole});
    }
}

void LibraryModel::updateImage(const diffclip::ImageRecord& image) {
    const int row = rowOf(image.id);
    if (row < 0) return;
    m_rows[size_t(row)].image = image;
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i);
}

int LibraryModel::rowOf(qint64 id) const { return m_rowOfId.value(id, -1); }

const diffclip::ImageRecord* LibraryModel::image(qint64 id) const {
    const int row = rowOf(id);
    return row < 0 ? nullptr : &m_rows[size_t(row)].image;
}

QString LibraryModel::labelOf(qint64 id) const {
    const int row = rowOf(id);
    return row < 0 ? QString() : m_rows[size_t(row)].label;
}

void LibraryModel::setThumbnailSide(int side) {
    if (side == m_thumbnails->side()) return;
    m_thumbnails->setSide(side);
    if (!m_rows.empty()) Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1), {Qt::DecorationRole});
}

int LibraryModel::thumbnailSide() const { return m_thumbnails->side(); }

int LibraryModel::thumbnailsReady() const { return m_thumbnails->ready(); }

void LibraryModel::thumbnailReady(const QString& path) {
    const int row = m_rowOfPath.value(path, -1);  // paths are unique in a library
    if (row < 0) return;
    const QModelIndex idx = index(row);
    Q_EMIT dataChanged(idx, idx, {Qt::DecorationRole});
}

// ---------------------------------------------------------------------------------------------

LibraryFilterProxy::LibraryFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortLocaleAware(true);
    setDynamicSortFilter(true);
}

void LibraryFilterProxy::setLabelFilter(const QString& label) {
    m_label = label;
    invalidateFilter();
}

void LibraryFilterProxy::setUnlabelledOnly(bool on) {
    m_unlabelledOnly = on;
    invalidateFilter();
}

void LibraryFilterProxy::setLineFilter(const QString& line) {
    m_line = line;
    invalidateFilter();
}

void LibraryFilterProxy::setProductFilter(const QString& product) {
    m_product = product;
    invalidateFilter();
}

void LibraryFilterProxy::setDateRange(const QString& from, const QString& to) {
    m_from = from.trimmed();
    m_to = to.trimmed();
    invalidateFilter();
}

void LibraryFilterProxy::setText(const QString& text) {
    m_text = text.trimmed().toLower();
    invalidateFilter();
}

void LibraryFilterProxy::setSortKey(SortKey key, Qt::SortOrder order) {
    m_key = key;
    invalidate();
    sort(0, order);
}

void LibraryFilterProxy::setRanking(bool on, const QHash<qlonglong, int>& ranking, const QHash<qlonglong, QString>& notes) {
    m_ranked = on;
    m_ranking = on ? ranking : QHash<qlonglong, int>();
    m_notes = on ? notes : QHash<qlonglong, QString>();
    invalidate();
    sort(0, sortOrder());
}

QVariant LibraryFilterProxy::data(const QModelIndex& index, int role) const {
    if (role == Qt::ToolTipRole && m_ranked) {
        const auto note = m_notes.constFind(index.data(LibraryModel::IdRole).toLongLong());
        if (note != m_notes.cend())
            return *note + QLatin1Char('\n') + QSortFilterProxyModel::data(index, role).toString();
    }
    return QSortFilterProxyModel::data(index, role);
}

bool LibraryFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const QModelIndex i = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_ranked && !m_ranking.contains(i.data(LibraryModel::IdRole).toLongLong())) return false;
    if (m_unlabelledOnly) {
        if (!i.data(LibraryModel::LabelRole).toString().isEmpty()) return false;
    } else if (!m_label.isEmpty() && i.data(LibraryModel::LabelRole).toString() != m_label) {
        return false;
    }
    if (!m_line.isEmpty() && i.data(LibraryModel::LineRole).toString() != m_line) return false;
    if (!m_product.isEmpty() && i.data(LibraryModel::ProductRole).toString() != m_product) return false;
    if (!m_from.isEmpty() || !m_to.isEmpty()) {
        // Same rule as Library's ImageFilter: ISO text, the upper bound compared on its prefix.
        const QString date = i.data(LibraryModel::DateRole).toString();
        if (date.isEmpty()) return false;
        if (!m_from.isEmpty() && date < m_from) return false;
        if (!m_to.isEmpty() && date.left(m_to.size()) > m_to) return false;
    }
    if (!m_text.isEmpty()) {
        const QString hay = i.data(LibraryModel::SearchTextRole).toString();
        const auto words = m_text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (const QString& w : words)
            if (!hay.contains(w)) return false;
    }
    return true;
}

bool LibraryFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    static thread_local QCollator collator = [] {
        QCollator c;
        c.setNumericMode(true);  // "img2" before "img10"
        return c;
    }();
    auto byName = [&] {
        return collator.compare(left.data(Qt::DisplayRole).toString(), right.data(Qt::DisplayRole).toString()) < 0;
    };
    if (m_ranked) {
        // The ranking's order whichever way the order box points.
        const int a = m_ranking.value(left.data(LibraryModel::IdRole).toLongLong());
        const int b = m_ranking.value(right.data(LibraryModel::IdRole).toLongLong());
        return sortOrder() == Qt::AscendingOrder ? a < b : a > b;
    }
    switch (m_key) {
    case SortKey::Name: return byName();
    case SortKey::Date: {
        const QString a = left.data(LibraryModel::DateRole).toString();
        const QString b = right.data(LibraryModel::DateRole).toString();
        return a == b ? byName() : a < b;
    }
    case SortKey::Label: {
        const int c = collator.compare(left.data(LibraryModel::LabelRole).toString(),
                                       right.data(LibraryModel::LabelRole).toString());
        return c == 0 ? byName() : c < 0;
    }
    case SortKey::Added: {
        const qlonglong a = left.data(LibraryModel::AddedRole).toLongLong();
        const qlonglong b = right.data(LibraryModel::AddedRole).toLongLong();
        return a == b ? left.data(LibraryModel::IdRole).toLongLong() < right.data(LibraryModel::IdRole).toLongLong()
                      : a < b;
    }
    }
    return false;
}

}  // namespace diffclip::ui
