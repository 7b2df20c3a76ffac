#pragma once
// The models opened in this session, as a list model for the Models page. Each row holds the
// core's summary of one model; rows are unique by path. GUI thread only.

#include <QAbstractListModel>
#include <QString>
#include <vector>

#include "diffclip/model/ModelSummary.h"

namespace diffclip::ui {

class ModelListModel : public QAbstractListModel {
    Q_OBJECT

public:
    enum Role {
        PathRole = Qt::UserRole + 1,  // QString: the path the model was opened from
    };

    explicit ModelListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role) const override;

    /// Adds the model, or replaces the summary of the row with the same path. Returns its row.
    int addOrReplace(const QString& path, const diffclip::ModelSummary& summary);
    void removeRow(int row);
    /// Row of `path`, or -1.
    int rowOf(const QString& path) const;
    QString pathAt(int row) const;
    /// Precondition: 0 <= row < rowCount().
    const diffclip::ModelSummary& summaryAt(int row) const;

    /// "folder" for a package, "folder/file.safetensors" for a file: short, yet tells apart
    /// the many files that are all called model.safetensors or checkpoint_best.pt.
    static QString displayName(const QString& path);

private:
    struct Entry {
        QString path;
        diffclip::ModelSummary summary;
    };
    std::vector<Entry> m_entries;
};

}  // namespace diffclip::ui
