#pragma once
// The model registry (diffclip/registry/ModelRegistry.h) as a table for the Models page: one row
// per model version, newest first, with the version the open library searches with marked
// active and unusable folders marked with their reason. GUI thread only.

#include <QAbstractTableModel>
#include <QString>
#include <vector>

#include "diffclip/registry/ModelRegistry.h"

namespace diffclip::ui {

class RegistryModel : public QAbstractTableModel {
    Q_OBJECT

public:
    // What tells versions apart comes first; the architecture (also in the details) last.
    enum Column { NameColumn, StatusColumn, TrainingColumn, MetricsColumn, ParentColumn, CreatedColumn,
                  ArchitectureColumn, ColumnCount };
    enum Role {
        PathRole = Qt::UserRole + 1,  // QString: the package folder
        ActiveRole,                   // bool: the open library's active model
        UsableRole,                   // bool
    };

    explicit RegistryModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /// Replaces every row (a fresh listing).
    void setEntries(std::vector<diffclip::RegistryEntry> entries);
    /// The package path of the active model (compared after QDir::cleanPath); empty: none.
    void setActivePath(const QString& path);

    const std::vector<diffclip::RegistryEntry>& entries() const { return m_entries; }
    /// Row of the package at `path` (cleaned), or -1.
    int rowOf(const QString& path) const;
    /// Precondition: 0 <= row < rowCount().
    const diffclip::RegistryEntry& entryAt(int row) const { return m_entries[size_t(row)]; }
    QString pathAt(int row) const;

    /// "val top-1 87.5 %, val top-5 100 %": translated metric names, percentages.
    static QString metricsText(const diffclip::RegistryEntry& entry);
    /// A translated name for a recipe mode ("contrastive", "linear", "scratch").
    static QString modeText(const QString& mode);
    /// The architecture in the user's language from the config's figures ("differential
    /// attention, ViT 224 px / patch 16, width 768 × 12 blocks, embedding 512"); the parts the
    /// config lacks are left out; empty when it has none.
    static QString architectureText(const diffclip::RegistryEntry& entry);

private:
    std::vector<diffclip::RegistryEntry> m_entries;
    QString m_activePath;
};

}  // namespace diffclip::ui
