#include "MainWindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QScreen>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>

#include "AppSettings.h"
#include "ModelDrop.h"
#include "ModelListModel.h"
#include "ModelsPage.h"
#include "SettingsPage.h"
#include "StartPage.h"

#ifndef DIFFCLIP_VERSION
#define DIFFCLIP_VERSION "unknown"
#endif

namespace diffclip::ui {

namespace {

constexpr int kStatusMessageMs = 6000;

QString pageTitle(MainWindow::Page page) {
    switch (page) {
    case MainWindow::Page::Start: return MainWindow::tr("Start");
    case MainWindow::Page::Models: return MainWindow::tr("Models");
    case MainWindow::Page::Settings: return MainWindow::tr("Settings");
    }
    return {};
}

// Our own icons, so the navigation looks the same on every desktop and in both themes.
QIcon pageIcon(MainWindow::Page page) {
    switch (page) {
    case MainWindow::Page::Start: return QIcon(QStringLiteral(":/icons/start.svg"));
    case MainWindow::Page::Models: return QIcon(QStringLiteral(":/icons/models.svg"));
    case MainWindow::Page::Settings: return QIcon(QStringLiteral(":/icons/settings.svg"));
    }
    return {};
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName(QStringLiteral("mainWindow"));
    setAcceptDrops(true);

    m_start = new StartPage(this);
    m_models = new ModelsPage(this);
    m_settings = new SettingsPage(this);
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_start);
    m_stack->addWidget(m_models);
    m_stack->addWidget(m_settings);

    m_nav = new QListWidget(this);
    m_nav->setObjectName(QStringLiteral("navigation"));
    m_nav->setAccessibleName(tr("Pages"));
    m_nav->setFrameShape(QFrame::NoFrame);
    m_nav->setBackgroundRole(QPalette::Window);
    const int iconSide = style()->pixelMetric(QStyle::PM_LargeIconSize, nullptr, this);
    m_nav->setIconSize(QSize(iconSide, iconSide));
    m_nav->setSpacing(fontMetrics().height() / 4);
    for (int i = 0; i < kPageCount; ++i) {
        const auto page = Page(i);
        auto* item = new QListWidgetItem(pageIcon(page), pageTitle(page), m_nav);
        //: %1 is the page name, %2 its shortcut
        item->setToolTip(tr("%1 (%2)").arg(pageTitle(page),
                                          QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i))
                                              .toString(QKeySequence::NativeText)));
    }
    // Wide enough for the longest (translated) page name, measured rather than fixed.
    m_nav->setFixedWidth(m_nav->sizeHintForColumn(0) + 2 * m_nav->frameWidth() + fontMetrics().averageCharWidth() * 4);
    connect(m_nav, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0) return;
        m_stack->setCurrentIndex(row);
        setWindowTitle(pageTitle(Page(row)));
        if (QAction* a = m_pageActions->actions().value(row)) a->setChecked(true);
    });

    auto* central = new QWidget(this);
    auto* row = new QHBoxLayout(central);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(0);
    row->addWidget(m_nav);
    auto* line = new QFrame(central);
    line->setFrameShape(QFrame::VLine);
    line->setFrameShadow(QFrame::Sunken);
    row->addWidget(line);
    row->addWidget(m_stack, 1);
    setCentralWidget(central);

    createMenus();
    statusBar();

    connect(m_start, &StartPage::openModelRequested, this, &MainWindow::openModel);
    connect(m_start, &StartPage::chooseModelFileRequested, this, [this] {
        showPage(Page::Models);
        m_models->chooseModelFile();
    });
    connect(m_start, &StartPage::chooseModelFolderRequested, this, [this] {
        showPage(Page::Models);
        m_models->chooseModelFolder();
    });
    connect(m_models, &ModelsPage::modelOpened, this, &MainWindow::onModelOpened);
    connect(m_models, &ModelsPage::openFailed, this, [this](const QString& path) {
        statusBar()->showMessage(tr("Could not open %1").arg(QDir::toNativeSeparators(path)), kStatusMessageMs);
    });

    // Default size in text lines and characters (DPI-safe), within the screen.
    if (!restoreGeometry(AppSettings::windowGeometry())) {
        QSize size(fontMetrics().height() * 80, fontMetrics().height() * 56);
        if (const QScreen* s = screen()) size = size.boundedTo(s->availableGeometry().size() * 0.9);
        resize(size);
    }
    restoreState(AppSettings::windowState());
    m_models->restoreSplitterState(AppSettings::modelsSplitterState());

    showPage(Page::Start);
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open Model…"), m_models, [this] {
        showPage(Page::Models);
        m_models->chooseModelFile();
    });
    open->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_O));
    QAction* openFolder = file->addAction(tr("Open Model &Package Folder…"), m_models, [this] {
        showPage(Page::Models);
        m_models->chooseModelFolder();
    });
    openFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    m_pageActions = new QActionGroup(this);
    for (int i = 0; i < kPageCount; ++i) {
        QAction* a = view->addAction(pageTitle(Page(i)), this, [this, i] { showPage(Page(i)); });
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        a->setCheckable(true);
        m_pageActions->addAction(a);
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About DiffCLIP Studio"), this, &MainWindow::showAbout)->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::updateRecentMenu() {
    m_recentMenu->clear();
    const QStringList recent = AppSettings::recentModels();
    for (int i = 0; i < recent.size(); ++i) {
        const QString& path = recent[i];
        // Numbered mnemonics 1-9 make the list usable from the keyboard.
        const QString label = i < 9 ? QStringLiteral("&%1  %2").arg(i + 1).arg(ModelListModel::displayName(path))
                                    : ModelListModel::displayName(path);
        QAction* a = m_recentMenu->addAction(label, this, [this, path] { openModel(path); });
        a->setToolTip(QDir::toNativeSeparators(path));
        a->setStatusTip(QDir::toNativeSeparators(path));
    }
    if (recent.isEmpty()) m_recentMenu->addAction(tr("No recent models"))->setEnabled(false);
    m_recentMenu->addSeparator();
    QAction* clear = m_recentMenu->addAction(tr("&Clear List"), this, [this] {
        AppSettings::clearRecentModels();
        updateRecentMenu();
        m_start->refreshRecentModels();
    });
    clear->setEnabled(!recent.isEmpty());
}

MainWindow::Page MainWindow::currentPage() const { return Page(m_stack->currentIndex()); }

void MainWindow::showPage(Page page) { m_nav->setCurrentRow(int(page)); }

void MainWindow::openModel(const QString& path) {
    showPage(Page::Models);
    m_models->openModel(path);
}

QString MainWindow::pageKey(Page page) {
    switch (page) {
    case Page::Start: return QStringLiteral("start");
    case Page::Models: return QStringLiteral("models");
    case Page::Settings: return QStringLiteral("settings");
    }
    return {};
}

void MainWindow::onModelOpened(const QString& path) {
    AppSettings::addRecentModel(path);
    updateRecentMenu();
    m_start->refreshRecentModels();
    statusBar()->showMessage(tr("Opened %1").arg(QDir::toNativeSeparators(path)), kStatusMessageMs);
}

void MainWindow::showAbout() {
    const QString text =
        tr("<h3>DiffCLIP Studio %1</h3>"
           "<p>Inspect DiffCLIP and CLIP models on your own computer, for quality work on defect photos.</p>"
           "<p>DiffCLIP is CLIP with differential attention (Hammoud and Ghanem, “DiffCLIP: Differential "
           "Attention Meets CLIP”, 2025).</p>"
           "<p>Built with Qt %2; running on Qt %3.</p>")
            .arg(QStringLiteral(DIFFCLIP_VERSION), QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion()));
    QMessageBox::about(this, tr("About DiffCLIP Studio"), text);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    AppSettings::setWindowGeometry(saveGeometry(), saveState());
    AppSettings::setModelsSplitterState(m_models->splitterState());
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (!modelPathsFromMimeData(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QStringList paths = modelPathsFromMimeData(event->mimeData());
    if (paths.isEmpty()) return;
    event->acceptProposedAction();
    for (const QString& p : paths) openModel(p);
}

void MainWindow::saveScreenshots(const QString& dir, const QString& language) {
    if (!QDir().mkpath(dir)) {
        Q_EMIT screenshotsFinished(false, {});
        return;
    }
    screenshotStep(0, dir, language, {});
}

void MainWindow::screenshotStep(int index, const QString& dir, const QString& language, QStringList written) {
    if (index >= kPageCount) {
        Q_EMIT screenshotsFinished(true, written);
        return;
    }
    showPage(Page(index));
    // Grab on the next turns of the event loop, after the page's pending layout requests.
    QTimer::singleShot(200, this, [this, index, dir, language, written]() mutable {
        const QString file = QDir(dir).filePath(pageKey(Page(index)) + QLatin1Char('-') + language +
                                                QStringLiteral(".png"));
        if (!grab().save(file)) {
            Q_EMIT screenshotsFinished(false, written);
            return;
        }
        written << file;
        screenshotStep(index + 1, dir, language, written);
    });
}

}  // namespace diffclip::ui
