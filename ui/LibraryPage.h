#pragma once
// The Library page: open or create a library file, browse its photos as a thumbnail grid with
// sorting and filters, add folders (an indexing job with the current workspace), label one or
// many photos (keys 1..9 for the first nine classes, Ctrl+Z / Ctrl+Shift+Z to undo and redo),
// edit a photo's metadata, mirror the labels as a folder-per-class tree, and list the files
// that could not be indexed. Every library access runs on LibraryAccess's worker thread.
// The page wires its parts: LibraryFilterBar, PhotoGrid, PhotoDetailsPane (with MetadataEditor),
// FailedFilesView, AddPhotosDialog, AutoLabelDialog and the undo steps of LabelCommand.h.

#include <QStringList>
#include <QWidget>

#include <memory>
#include <string>
#include <vector>

#include "diffclip/library/Library.h"

class QLabel;
class QListView;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTreeWidget;
class QUndoStack;

namespace diffclip {
class Workspace;
struct AutoTagOptions;
}

namespace diffclip::ui {

class ErrorBanner;
class FailedFilesView;
class JobCentre;
class LibraryAccess;
class LibraryFilterBar;
class LibraryHeader;
class LibraryFilterProxy;
class LibraryModel;
class PhotoDetailsPane;
class PhotoGrid;
class StatusLine;
struct LabelChange;
enum class MirrorMode;

class LibraryPage : public QWidget {
    Q_OBJECT

public:
    explicit LibraryPage(JobCentre* jobs, QWidget* parent = nullptr);
    ~LibraryPage() override;

    /// Opens (or, with `create`, creates) the library at `path`; returns at once. Emits
    /// libraryOpened or shows the error in the page.
    void openLibrary(const QString& path, bool create = false);
    /// Re-reads photos, labels and failures from the library.
    void reload();
    QString libraryPath() const;

    /// Shows a problem found elsewhere (e.g. opening the workspace) in the page's error banner.
    void showProblem(const QString& title, const QString& reason, const QString& details);
    /// The workspace that indexing uses (the same library, with a model); null: none.
    void setWorkspace(std::shared_ptr<diffclip::Workspace> workspace);
    /// The model the window calls active while no workspace is open (the one the next workspace
    /// opens with; empty: none) and whether a workspace is being opened; the note says so.
    void setActiveModel(const QString& spec, bool opening);

    /// Adds photos or folders as an indexing job. Returns the job id, or 0 (error shown) when
    /// there is no workspace.
    int addPaths(const QStringList& paths, bool labelsFromFolders, const QString& metadataCsv);

    /// Sets (non-empty `label`) or clears the manual label of the selected photos, as one undo step.
    void labelSelected(const QString& label);
    /// Label of class `index` (0-based) of the class list, as the keys 1..9 do.
    void labelSelectedWithClass(int index);
    /// Opens the auto-label dialog (prompts as last stored in the library, else one class per
    /// current label); accepting stores its texts in the library and starts autoLabel().
    void showAutoLabelDialog();
    /// Zero-shot labels (source zero-shot, with their probability as confidence) as a job;
    /// returns the job id, or 0 (error shown) without a workspace or with fewer than two classes.
    int autoLabel(const diffclip::AutoTagOptions& options);
    /// Mirrors the labels into `folder` as a job; returns the job id.
    int mirrorLabels(const QString& folder, MirrorMode mode);

    // State, for the main window and tests.
    bool isBusy() const { return m_pending > 0; }
    QStringList classes() const { return m_classes; }
    QUndoStack* undoStack() const { return m_undo; }
    QListView* photoView() const;
    LibraryModel* photoModel() const { return m_model; }
    LibraryFilterProxy* proxyModel() const { return m_proxy; }
    LibraryFilterBar* filterBar() const { return m_filters; }
    /// What the status line says now (the latest message of any topic).
    QString statusText() const;
    const ErrorBanner* errorBanner() const { return m_error; }
    QTreeWidget* failuresView() const;
    /// Selects the photos with these ids (others are deselected).
    void selectIds(const std::vector<qint64>& ids);
    std::vector<qint64> selectedIds() const;
    /// Saves the metadata fields of the current photo.
    void saveMetadata();
    /// Fills the metadata form (for tests and the keyboard-free path).
    void setMetadataFields(const diffclip::ImageRecord& values);

    QByteArray splitterState() const;
    void restoreSplitterState(const QByteArray& state);

public Q_SLOTS:
    void chooseLibraryToOpen();
    void chooseLibraryToCreate();
    void createDefaultLibrary();
    void chooseFolderToAdd();
    void chooseMirrorFolder();

Q_SIGNALS:
    void libraryOpened(const QString& path);
    void libraryFailed(const QString& path, const QString& reason);
    /// Emitted after a reload finished (photos, labels and failures are current).
    void reloaded();
    /// A label change (or its undo/redo) is stored.
    void labelsChanged();
    void jobStarted(int id);

private:
    /// What an error banner or the status line is about, so that a later outcome of the same
    /// kind replaces it and one of another kind leaves it.
    enum class Topic { Other, Library, Label, Metadata, AddPhotos, AutoLabel, Ranking };
    void applyLabelChange(const std::shared_ptr<LabelChange>& change, bool undo);
    void showError(const QString& title, const diffclip::Error& error, Topic topic);
    void showProblem(const QString& title, const QString& reason, Topic topic);
    void clearProblem(Topic topic);
    /// Says `text` in the status line; `offerUndo`: with an Undo button for the last label step.
    void say(Topic topic, const QString& text, bool offerUndo = false);
    void beginRequest();
    void endRequest();
    void updateState();
    void updateDetails();
    /// Whether photos can be added now (a writable library and a model); else says why.
    bool readyToAddPhotos();
    void refreshClasses(const std::vector<std::string>& labels);
    /// Computes the ranked view chosen in the filter bar ("label these next", "check these
    /// labels") on the library's worker and applies it to the proxy; "all photos" clears it.
    void updateRanking();

    JobCentre* m_jobs;
    std::shared_ptr<diffclip::Workspace> m_workspace;
    LibraryAccess* m_access = nullptr;
    LibraryModel* m_model = nullptr;
    LibraryFilterProxy* m_proxy = nullptr;
    QUndoStack* m_undo = nullptr;
    QStringList m_classes;
    int m_pending = 0;
    QString m_openingPath;

    LibraryHeader* m_header = nullptr;
    QLabel* m_workspaceNote = nullptr;
    QString m_activeModel;           // see setActiveModel()
    bool m_openingWorkspace = false;
    ErrorBanner* m_error = nullptr;
    Topic m_errorTopic = Topic::Other;
    StatusLine* m_status = nullptr;
    QStackedWidget* m_stack = nullptr;
    QWidget* m_emptyState = nullptr;
    QTabWidget* m_tabs = nullptr;
    LibraryFilterBar* m_filters = nullptr;
    PhotoGrid* m_grid = nullptr;
    PhotoDetailsPane* m_details = nullptr;
    FailedFilesView* m_failed = nullptr;
    QLabel* m_countLabel = nullptr;
    int m_rankRequest = 0;
    QSplitter* m_splitter = nullptr;
};

}  // namespace diffclip::ui
