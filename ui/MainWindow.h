#pragma once
// The main window: side navigation over the pages (Search when built, Start, Library, Jobs,
// Models, Settings, Training; Ctrl+1..n in that order), menus with the keyboard shortcuts, drag and drop
// of models anywhere on the window, and remembered geometry and layout. It owns the jobs centre
// and the current workspace (the open library with the active model), opened as a job whenever
// the library or the model changes and handed to the pages through workspaceChanged.
// GUI thread only.

#include <QMainWindow>

#include <QStringList>

#include <functional>
#include <memory>
#include <vector>

namespace diffclip {
class Workspace;
}

class QAction;
class QActionGroup;
class QListWidget;
class QMenu;
class QStackedWidget;

namespace diffclip::ui {

class JobCentre;
class JobsPage;
class LibraryPage;
class ModelsPage;
class SearchPage;
class ExplainPage;
class SettingsPage;
class StartPage;
class TrainingPage;
class PocPage;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    enum class Page { Search, Start, Library, Explain, Jobs, Models, Settings, Training, Poc };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    Page currentPage() const;
    void showPage(Page page);
    /// The pages in navigation order (Search only when it is built).
    const std::vector<Page>& pages() const { return m_pages; }
    /// Ctrl+<position + 1>; empty for a page that is not there.
    QKeySequence pageShortcut(Page page) const;
    /// Shows the Models page and starts opening `path` there.
    void openModel(const QString& path);
    /// Opens (or creates) a library; the workspace follows.
    void openLibrary(const QString& path, bool create = false);

    ModelsPage* modelsPage() const { return m_models; }
    StartPage* startPage() const { return m_start; }
    LibraryPage* libraryPage() const { return m_library; }
    ExplainPage* explainPage() const { return m_explain; }
    TrainingPage* trainingPage() const { return m_training; }
    PocPage* pocPage() const { return m_poc; }
    /// Null when the build has no Search page.
    SearchPage* searchPage() const { return m_search; }
    JobsPage* jobsPage() const { return m_jobsPage; }
    JobCentre* jobCentre() const { return m_jobs; }
    QWidget* pageWidget(Page page) const;
    std::shared_ptr<diffclip::Workspace> workspace() const { return m_workspace; }
    /// Whether a workspace is being opened now.
    bool isOpeningWorkspace() const { return m_workspaceJob != 0; }

    /// Stable English name of a page, used in file names: "search", "start", "library", "jobs",
    /// "models", "settings", "training".
    static QString pageKey(Page page);

    /// Renders each page into `dir`/<page>-<language>.png with QWidget::grab(), one page per
    /// event-loop turn so each is laid out first, then emits screenshotsFinished().
    void saveScreenshots(const QString& dir, const QString& language);

Q_SIGNALS:
    void screenshotsFinished(bool ok, const QStringList& files);
    /// The workspace the pages work on changed (null: none, e.g. no model yet).
    void workspaceChanged(std::shared_ptr<diffclip::Workspace> workspace);
    /// An attempt to open a workspace ended (`ok` false: the reason is in the Jobs page and
    /// the status bar).
    void workspaceOpenFinished(bool ok);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createMenus();
    void updateRecentMenu();
    void updateRecentLibrariesMenu();
    /// Lists `paths` in `menu` by `name`, numbered, with Clear List; `none` when there are none.
    void fillRecentMenu(QMenu* menu, const QStringList& paths, const QString& none,
                        const std::function<QString(const QString&)>& name,
                        const std::function<void(const QString&)>& open, const std::function<void()>& clear);
    void openWorkspace();
    void setWorkspace(std::shared_ptr<diffclip::Workspace> workspace);
    void updateSetupState();
    void showAbout();
    void onModelOpened(const QString& path);
    void screenshotStep(int index, const QString& dir, const QString& language, QStringList written);

    QListWidget* m_nav = nullptr;
    QStackedWidget* m_stack = nullptr;
    JobCentre* m_jobs = nullptr;
    SearchPage* m_search = nullptr;
    ExplainPage* m_explain = nullptr;
    QAction* m_openModelAction = nullptr;  // Ctrl+O, given to the Search page's photo chooser there
    StartPage* m_start = nullptr;
    LibraryPage* m_library = nullptr;
    JobsPage* m_jobsPage = nullptr;
    ModelsPage* m_models = nullptr;
    SettingsPage* m_settings = nullptr;
    TrainingPage* m_training = nullptr;
    PocPage* m_poc = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_recentLibrariesMenu = nullptr;
    QActionGroup* m_pageActions = nullptr;
    std::vector<Page> m_pages;
    std::shared_ptr<diffclip::Workspace> m_workspace;
    int m_workspaceJob = 0;         // the job opening the workspace now, 0 when none
    int m_workspaceGeneration = 0;  // a newer request makes an older job's result stale
};

}  // namespace diffclip::ui
