#pragma once
// "Embeddings in this library" on the Models page: one row per model the open library holds
// embeddings of (Library::embeddingCountsByModel), named by its registry version when the
// registry knows it, else by its fingerprint and the path the library recorded; the active
// model is marked. Also reads that state from a library file, for a worker thread.

#include <QList>
#include <QString>
#include <QStringList>
#include <QTableWidget>

#include "diffclip/base/Result.h"

namespace diffclip::ui {

/// One row of the table.
struct ModelEmbeddingCount {
    QString name;         // the model as the library recorded it (a path or preset:NAME)
    QString fingerprint;  // the library's model fingerprint (SHA-256 hex)
    QString registryId;   // the registry version it belongs to; empty: not in the registry
    qint64 embeddings = 0;
};

/// What the Models page reads from a library: its active model, the active-model history
/// (newest first) and the embeddings per model, registryId still empty.
struct LibraryModelState {
    bool ok = false;
    diffclip::Error error;  // when !ok
    QString active;
    QStringList history;
    QList<ModelEmbeddingCount> counts;
};

/// Opens the library read-only (never creating it) and reads its state. Any thread.
LibraryModelState readLibraryModelState(const QString& libraryPath);

class ModelEmbeddingsTable : public QTableWidget {
    Q_OBJECT

public:
    explicit ModelEmbeddingsTable(QWidget* parent = nullptr);

    /// Shows `counts`; the row whose model is `activePath` (cleaned; empty: none) is marked active.
    void setCounts(const QList<ModelEmbeddingCount>& counts, const QString& activePath);
};

}  // namespace diffclip::ui
