#pragma once
// The Library page: open or create a library file, browse its photos as a thumbnail grid with
// sorting and filters, add folders (an indexing job with the current workspace), label one or
// many photos (keys 1..9 for the first nine classes, Ctrl+Z / Ctrl+Shift+Z to undo and redo),
// edit a photo's metadata, mirror the labels as a folder-per-class tree, and list the files
// that could not be indexed. Every library access runs on LibraryAccess's worker thread.

#include <QStringList>
#include <QWidget>

#include <memory>
#include <string>
#include <vector>

#include "diffclip/library/Library.h"

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QPlainTextEdit;
class QPushButton;
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
class JobCentre;
class LibraryAccess;
class LibraryFilterProxy;
class LibraryModel;
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
    QListView* photoView() const { return m_view; }
    LibraryModel* photoModel() const { return m_model; }
    LibraryFilterProxy* proxyModel() const { return m_proxy; }
    const ErrorBanner* errorBanner() const { return m_error; }
    QTreeWidget* failuresView() const { return m_failures; }
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
    friend class LabelCommand;
    struct LabelChange;
    void applyLabelChange(const std::shared_ptr<LabelChange>& change, bool undo);
    void showError(const QString& title, const diffclip::Error& error);
    void beginRequest();
    void endRequest();
    void updateState();
    void updateDetails();
    void updateFilterChoices();
    void applyFilters();
    void applySort();
    void refreshClasses(const std::vector<std::string>& labels);

    JobCentre* m_jobs;
    std::shared_ptr<diffclip::Workspace> m_workspace;
    LibraryAccess* m_access = nullptr;
    LibraryModel* m_model = nullptr;
    LibraryFilterProxy* m_proxy = nullptr;
    QUndoStack* m_undo = nullptr;
    QStringList m_classes;
    int m_pending = 0;
    QString m_openingPath;

    QLabel* m_pathLabel = nullptr;
    QLabel* m_workspaceNote = nullptr;
    QString m_activeModel;           // see setActiveModel()
    bool m_openingWorkspace = false;
    ErrorBanner* m_error = nullptr;
    QStackedWidget* m_stack = nullptr;
    QWidget* m_emptyState = nullptr;
    QTabWidget* m_tabs = nullptr;
    QListView* m_view = nullptr;
    QComboBox* m_labelFilter = nullptr;
    QComboBox* m_lineFilter = nullptr;
    QComboBox* m_productFilter = nullptr;
    QLineEdit* m_dateFrom = nullptr;
    QLineEdit* m_dateTo = nullptr;
    QLineEdit* m_text = nullptr;
    QComboBox* m_sort = nullptr;
    QComboBox* m_order = nullptr;
    QLabel* m_countLabel = nullptr;
    QLabel* m_classHint = nullptr;
    QComboBox* m_labelEdit = nullptr;
    QPushButton* m_assign = nullptr;
    QPushButton* m_clearLabel = nullptr;
    QLabel* m_labelSources = nullptr;
    QLabel* m_detailTitle = nullptr;
    QLineEdit* m_product = nullptr;
    QLineEdit* m_line = nullptr;
    QLineEdit* m_lot = nullptr;
    QLineEdit* m_date = nullptr;
    QLineEdit* m_inspector = nullptr;
    QPlainTextEdit* m_notes = nullptr;
    QPushButton* m_saveMetadata = nullptr;
    QWidget* m_detailPane = nullptr;
    QTreeWidget* m_failures = nullptr;
    QSplitter* m_splitter = nullptr;
    QPushButton* m_addFolder = nullptr;
    QPushButton* m_mirror = nullptr;
    QPushButton* m_autoLabel = nullptr;
    qint64 m_detailId = 0;
};

}  // namespace diffclip::ui
