#include "RegistryModel.h"
#include "StdText.h"

#include <QDateTime>
#include <QDir>
#include <QFont>
#include <QLocale>
#include <QStringList>

namespace diffclip::ui {

RegistryModel::RegistryModel(QObject* parent) : QAbstractTableModel(parent) {}

int RegistryModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_entries.size()); }

int RegistryModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString RegistryModel::modeText(const QString& mode) {
    if (mode == QLatin1String("contrastive")) return tr("fine-tuned (contrastive)");
    if (mode == QLatin1String("linear")) return tr("linear probe");
    if (mode == QLatin1String("scratch")) return tr("trained from scratch");
    return mode;
}

QString RegistryModel::architectureText(const diffclip::RegistryEntry& e) {
    QStringList parts;
    if (e.attention == "differential") parts << tr("differential attention");
    else if (e.attention == "standard") parts << tr("standard attention");
    else if (!e.attention.empty()) parts << fromStd(e.attention);  // a kind this version does not know: as written
    const QLocale locale;
    if (e.imageSize > 0 && e.patchSize > 0)
        //: %1 input side in pixels, %2 patch side in pixels
        parts << tr("ViT %1 px / patch %2").arg(locale.toString(e.imageSize), locale.toString(e.patchSize));
    if (e.visionWidth > 0 && e.visionDepth > 0)
        //: %1 token width, %2 number of transformer blocks
        parts << tr("width %1 × %2 blocks").arg(locale.toString(e.visionWidth), locale.toString(e.visionDepth));
    if (e.embedDim > 0) parts << tr("embedding %1").arg(locale.toString(e.embedDim));
    //: separator between the parts of the architecture line
    return parts.join(tr(", "));
}

QString RegistryModel::metricsText(const diffclip::RegistryEntry& e) {
    QStringList parts;
    const QLocale locale;
    for (const auto& m : e.metrics) {
        QString name;
        if (m.name == "val top-1") name = tr("val top-1");
        else if (m.name == "val top-5") name = tr("val top-5");
        else if (m.name == "image R@1") name = tr("image R@1");
        else if (m.name == "before top-1") name = tr("before top-1");
        else name = fromStd(m.name);
        //: %1 metric name, %2 percentage
        parts << tr("%1 %2 %").arg(name, locale.toString(m.value * 100.0, 'f', 1));
    }
    return parts.join(QStringLiteral(", "));
}

QVariant RegistryModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const auto& e = m_entries[size_t(index.row())];
    const bool active = !m_activePath.isEmpty() && QDir::cleanPath(fromStd(e.path)) == m_activePath;
    switch (role) {
    case PathRole: return fromStd(e.path);
    case ActiveRole: return active;
    case UsableRole: return e.usable;
    case Qt::ToolTipRole:
        if (index.column() == StatusColumn && !e.usable) return fromStd(e.problem);
        return QDir::toNativeSeparators(fromStd(e.path));
    case Qt::FontRole:
        if (active) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        break;
    default: return {};
    }
    switch (index.column()) {
    case NameColumn:
        return e.displayName == e.id ? fromStd(e.id) : tr("%1 (%2)").arg(fromStd(e.displayName), fromStd(e.id));
    case ArchitectureColumn: return architectureText(e);
    case CreatedColumn:
        return e.createdAtMs > 0 ? QLocale().toString(QDateTime::fromMSecsSinceEpoch(e.createdAtMs), QLocale::ShortFormat)
                                 : QString();
    case ParentColumn:
        if (!e.parentId.empty()) return fromStd(e.parentId);
        if (!e.parentSpec.empty()) return QDir::toNativeSeparators(fromStd(e.parentSpec));
        return e.hasTraining ? QString() : tr("imported");
    case TrainingColumn: return modeText(fromStd(e.recipeMode));
    case MetricsColumn: return metricsText(e);
    case StatusColumn:
        if (!e.usable) return tr("Unusable: %1").arg(fromStd(e.problem));
        return active ? tr("Active") : QString();
    }
    return {};
}

QVariant RegistryModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case NameColumn: return tr("Model");
    case ArchitectureColumn: return tr("Architecture");
    case CreatedColumn: return tr("Created");
    case ParentColumn: return tr("Parent");
    case TrainingColumn: return tr("Training");
    case MetricsColumn: return tr("Metrics");
    case StatusColumn: return tr("Status");
    }
    return {};
}

void RegistryModel::setEntries(std::vector<diffclip::RegistryEntry> entries) {
    beginResetModel();
    m_entries = std::move(entries);
    endResetModel();
}

void RegistryModel::setActivePath(const QString& path) {
    const QString clean = path.isEmpty() ? QString() : QDir::cleanPath(path);
    if (clean == m_activePath) return;
    m_activePath = clean;
    if (!m_entries.empty()) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int RegistryModel::rowOf(const QString& path) const {
    const QString clean = QDir::cleanPath(path);
    for (size_t i = 0; i < m_entries.size(); ++i)
        if (QDir::cleanPath(fromStd(m_entries[i].path)) == clean) return int(i);
    return -1;
}

QString RegistryModel::pathAt(int row) const {
    return row >= 0 && row < rowCount() ? fromStd(m_entries[size_t(row)].path) : QString();
}

}  // namespace diffclip::ui
