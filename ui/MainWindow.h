#pragma once
// The main window: side navigation over the pages (Start, Models, Settings), menus with the
// keyboard shortcuts, drag and drop of models anywhere on the window, and remembered
// geometry. GUI thread only.

#include <QMainWindow>

class QActionGroup;
class QListWidget;
class QMenu;
class QStackedWidget;

namespace diffclip::ui {

class ModelsPage;
class SettingsPage;
class StartPage;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    enum class Page { Start = 0, Models = 1, Settings = 2 };
    static constexpr int kPageCount = 3;

    explicit MainWindow(QWidget* parent = nullptr);

    Page currentPage() const;
    void showPage(Page page);
    /// Shows the Models page and starts opening `path` there.
    void openModel(const QString& path);

    ModelsPage* modelsPage() const { return m_models; }
    StartPage* startPage() const { return m_start; }

    /// Stable English name of a page, used in file names: "start", "models", "settings".
    static QString pageKey(Page page);

    /// Renders each page into `dir`/<page>-<language>.png with QWidget::grab(), one page per
    /// event-loop turn so each is laid out first, then emits screenshotsFinished().
    void saveScreenshots(const QString& dir, const QString& language);

Q_SIGNALS:
    void screenshotsFinished(bool ok, const QStringList& files);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createMenus();
    void updateRecentMenu();
    void showAbout();
    void onModelOpened(const QString& path);
    void screenshotStep(int index, const QString& dir, const QString& language, QStringList written);

    QListWidget* m_nav = nullptr;
    QStackedWidget* m_stack = nullptr;
    StartPage* m_start = nullptr;
    ModelsPage* m_models = nullptr;
    SettingsPage* m_settings = nullptr;
    QMenu* m_recentMenu = nullptr;
    QActionGroup* m_pageActions = nullptr;
};

}  // namespace diffclip::ui
