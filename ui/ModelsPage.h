#pragma once
// The Models page. Top: the model registry (ModelRegistry.h; one package folder per model
// version under AppSettings::modelRegistryDir()): each version's architecture, parent, training
// and metrics, which one the open library searches with ("active"), making one active, rolling
// back to the previous one, deleting a version (optionally with its embeddings), importing a
// model file into the registry, and how many embeddings of each model the library holds.
// Bottom: open model files or package folders for inspection (dialog, drag and drop, recent
// list) and show the chosen one's summary. Opening runs on a worker thread, one model at a time
// in request order; registry changes run as jobs in the JobCentre; the window stays usable.
//
// The page runs the registry actions and wires its parts, one file each: RegistryPanel (the
// registry table, buttons and details, with RegistryModel), ModelEmbeddingsTable (embeddings
// per model, and reading the library's model state) and ModelInspector (the opened models and
// their summaries).

#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>

#include "ModelEmbeddingsTable.h"

namespace diffclip {
class Workspace;
}

class QLabel;
class QSplitter;

namespace diffclip::ui {

class BusyRow;
class ErrorBanner;
class JobCentre;
class ModelInspector;
class ModelSummaryView;
class RegistryModel;
class RegistryPanel;

class ModelsPage : public QWidget {
    Q_OBJECT

public:
    explicit ModelsPage(QWidget* parent = nullptr);

    /// Queues `path` (file or package folder) to be opened. A model already open is read
    /// again, so a changed file can be refreshed. Returns at once; watch the signals.
    void openModel(const QString& path);

    bool isBusy() const;
    int modelCount() const;
    /// Path of the model whose summary is shown; empty when none.
    QString currentModelPath() const;
    const ModelSummaryView* summaryView() const;
    const ErrorBanner* errorBanner() const { return m_error; }

    QByteArray splitterState() const;
    void restoreSplitterState(const QByteArray& state);

    // ---- the registry ----
    /// The folder listed as the registry; default AppSettings::modelRegistryDir(). Refreshes.
    void setRegistryRoot(const QString& root);
    QString registryRoot() const { return m_registryRoot; }
    /// Activation, re-embedding, import and delete run as jobs there (MainWindow sets it);
    /// without one those actions report that they are unavailable. Indexing and re-embedding
    /// jobs ending there refresh the embeddings table.
    void setJobCentre(JobCentre* jobs);
    const RegistryModel* registryModel() const;
    /// Selects the registry row of `packagePath`; false when it is not listed.
    bool selectRegistryModel(const QString& packagePath);
    QString selectedRegistryPath() const;
    /// The open library's path; empty when none is open.
    QString libraryPath() const { return m_libraryPath; }
    /// The model the open library searches with (its "active_model", or the open workspace's).
    QString activeModelPath() const { return m_activePath; }
    /// The model the workspace should be opened with: the one last made active here, else the
    /// one shown in the inspection list (currentModelPath()), else empty (the library's own).
    QString workspaceModelPath() const;
    /// The previously active model of the open library that "Roll Back" returns to; empty: none.
    QString rollBackTarget() const;

    /// One row of the "Embeddings in this library" table.
    using EmbeddingCount = ModelEmbeddingCount;
    QList<EmbeddingCount> embeddingCounts() const { return m_counts; }

    /// Deletes a registry version without asking (deleteSelectedModel() asks first): as a job,
    /// its embeddings first when `deleteEmbeddings` (in one library transaction), then the
    /// folder. Refuses (false, message in the error banner) the active model, a path outside the
    /// registry, and when no job centre is set. Watch modelDeleted / the banner for the outcome.
    bool deleteModel(const QString& packagePath, bool deleteEmbeddings);
    /// Copies/converts a model file (or package, or preset:NAME) into the registry as a new
    /// version, as a job. Watch modelImported / the banner.
    void importModel(const QString& path);
    bool isImporting() const { return m_importJobs > 0; }

public Q_SLOTS:
    void chooseModelFile();
    void chooseModelFolder();
    void closeCurrentModel();
    void copySummary();

    /// Makes the registry version at `packagePath` the active model of the open library: stores
    /// it (with the history used by rollBack()), then activeModelChanged asks the main window to
    /// reopen the workspace with it, and when that workspace arrives (setWorkspace) a
    /// re-embedding job embeds the photos it has not embedded yet. Errors go to the banner.
    void activateModel(const QString& packagePath);
    /// Activates the selected registry version.
    void activateSelectedModel();
    /// Makes the previously active model of this library active again (activateModel).
    void rollBack();
    /// Asks for confirmation (and whether to delete the embeddings too), then deleteModel().
    void deleteSelectedModel();
    /// File dialog, then importModel().
    void chooseModelToImport();
    /// Lists the registry folder again and re-reads the library's models and embeddings.
    void refreshRegistry();
    /// The library the page works with (empty: none); re-reads its models and embeddings.
    void setLibraryPath(const QString& path);
    /// The workspace the main window opened (null: none).
    void setWorkspace(std::shared_ptr<diffclip::Workspace> workspace);

Q_SIGNALS:
    /// The open library's active model was changed here; the workspace must follow.
    void activeModelChanged(const QString& packagePath);
    /// The re-embedding started after an activation ended (ok: succeeded).
    void reembedFinished(bool ok);
    /// The library's active model, history and embedding counts were read again.
    void libraryStateRefreshed();
    void modelImported(const QString& packagePath);
    void modelDeleted(const QString& packagePath);
    /// An activation, import or delete failed; the banner says why.
    void registryActionFailed(const QString& reason);
    void modelOpened(const QString& path);
    /// `reason` is translated; `details` is the core's English detail.
    void openFailed(const QString& path, const QString& reason, const QString& details);
    void busyChanged(bool busy);

protected:
    /// Lists the registry again: other pages (training) and programs add versions.
    void showEvent(QShowEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void updateBusyUi();
    void refreshLibraryState();
    void updateRegistryButtons();
    void showRegistryDetails();
    void startReembedding();
    void registryError(const QString& title, const QString& reason, const QString& details);

    ErrorBanner* m_error = nullptr;
    BusyRow* m_busyRow = nullptr;
    bool m_busy = false;  // as last announced by busyChanged
    ModelInspector* m_inspector = nullptr;
    RegistryPanel* m_registryPanel = nullptr;
    RegistryModel* m_registry = nullptr;  // the panel's
    QSplitter* m_pageSplitter = nullptr;

    JobCentre* m_jobs = nullptr;
    QString m_registryRoot;
    QString m_libraryPath;
    QString m_activePath;         // the open library's active model (cleaned); empty: none/unknown
    QStringList m_history;        // the library's active-model history, newest first
    QString m_activated;          // last model made active here; the workspace opens with it
    QString m_pendingReembed;     // re-embed when a workspace with this model arrives
    QList<EmbeddingCount> m_counts;
    std::shared_ptr<diffclip::Workspace> m_workspace;
    int m_stateGeneration = 0;    // a newer library read makes an older one's result stale
    int m_importJobs = 0;
    bool m_activating = false;
};

}  // namespace diffclip::ui
