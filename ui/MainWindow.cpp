#include "MainWindow.h"

#include <algorithm>

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
#include "ErrorText.h"
#include "JobCentre.h"
#include "ExplainPage.h"
#include "JobsPage.h"
#include "LibraryAccess.h"
#include "LibraryPage.h"
#include "ModelDrop.h"
#include "ModelListModel.h"
#include "ModelsPage.h"
#include "PocPage.h"
#include "SettingsPage.h"
#include "StartPage.h"
#include "TrainingPage.h"
#include "diffclip/indexing/Workspace.h"
#ifdef DIFFCLIP_HAS_SEARCH_PAGE
#include "SearchPage.h"
#endif

#ifndef DIFFCLIP_VERSION
#define DIFFCLIP_VERSION "unknown"
#endif

namespace diffclip::ui {

namespace {

constexpr int kStatusMessageMs = 6000;

QString pageTitle(MainWindow::Page page) {
    switch (page) {
    case MainWindow::Page::Search: return MainWindow::tr("Search");
    case MainWindow::Page::Start: return MainWindow::tr("Start");
    case MainWindow::Page::Library: return MainWindow::tr("Library");
    case MainWindow::Page::Explain: return MainWindow::tr("Explain");
    case MainWindow::Page::Jobs: return MainWindow::tr("Jobs");
    case MainWindow::Page::Models: return MainWindow::tr("Models");
    case MainWindow::Page::Settings: return MainWindow::tr("Settings");
    case MainWindow::Page::Training: return MainWindow::tr("Training");
    //: The proof-of-concept page: the plant's figures from the usage log
    case MainWindow::Page::Poc: return MainWindow::tr("PoC");
    }
    return {};
}

// Our own icons, so the navigation looks the same on every desktop and in both themes.
QIcon pageIcon(MainWindow::Page page) {
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(MainWindow::pageKey(page)));
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName(QStringLiteral("mainWindow"));
    setAcceptDrops(true);

    m_jobs = new JobCentre(this);
#ifdef DIFFCLIP_HAS_SEARCH_PAGE
    m_search = new SearchPage(m_jobs, this);
    m_pages.push_back(Page::Search);
#endif
    m_start = new StartPage(this);
    m_library = new LibraryPage(m_jobs, this);
    m_explain = new ExplainPage(this);
    m_jobsPage = new JobsPage(m_jobs, this);
    m_models = new ModelsPage(this);
    m_models->setJobCentre(m_jobs);  // activation, re-embedding, import and delete run as jobs
    m_settings = new SettingsPage(this);
    m_training = new TrainingPage(m_jobs, this);
    m_poc = new PocPage(this);
    m_poc->setJobCentre(m_jobs);  // "Photos needed…" runs its study as a job
    for (Page p : {Page::Start, Page::Library, Page::Explain, Page::Jobs, Page::Models, Page::Settings, Page::Training,
                   Page::Poc})
        m_pages.push_back(p);
    m_stack = new QStackedWidget(this);
    for (Page p : m_pages) m_stack->addWidget(pageWidget(p));

    m_nav = new QListWidget(this);
    m_nav->setObjectName(QStringLiteral("navigation"));
    m_nav->setAccessibleName(tr("Pages"));
    m_nav->setFrameShape(QFrame::NoFrame);
    m_nav->setBackgroundRole(QPalette::Window);
    const int iconSide = style()->pixelMetric(QStyle::PM_LargeIconSize, nullptr, this);
    m_nav->setIconSize(QSize(iconSide, iconSide));
    m_nav->setSpacing(fontMetrics().height() / 4);
    for (Page page : m_pages) {
        auto* item = new QListWidgetItem(pageIcon(page), pageTitle(page), m_nav);
        //: %1 is the page name, %2 its shortcut
        item->setToolTip(tr("%1 (%2)").arg(pageTitle(page), pageShortcut(page).toString(QKeySequence::NativeText)));
        item->setData(Qt::AccessibleDescriptionRole, item->toolTip());
    }
    // Wide enough for the longest (translated) page name, measured rather than fixed.
    m_nav->setFixedWidth(m_nav->sizeHintForColumn(0) + 2 * m_nav->frameWidth() + fontMetrics().averageCharWidth() * 4);
    connect(m_nav, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0) return;
        m_stack->setCurrentIndex(row);
        setWindowTitle(pageTitle(m_pages[size_t(row)]));
        if (QAction* a = m_pageActions->actions().value(row)) a->setChecked(true);
        // One Ctrl+O at a time: on the Search page it chooses a photo, elsewhere it opens a model.
        if (m_openModelAction)
            m_openModelAction->setShortcut(m_pages[size_t(row)] == Page::Search ? QKeySequence()
                                                                                 : QKeySequence(Qt::CTRL | Qt::Key_O));
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
    connect(m_start, &StartPage::createDefaultLibraryRequested, this, [this] {
        showPage(Page::Library);
        m_library->createDefaultLibrary();
    });
    connect(m_start, &StartPage::openLibraryRequested, this, [this] {
        showPage(Page::Library);
        m_library->chooseLibraryToOpen();
    });
    connect(m_start, &StartPage::showLibraryRequested, this, [this] { showPage(Page::Library); });
    connect(m_library, &LibraryPage::libraryOpened, this, [this](const QString& path) {
        updateRecentLibrariesMenu();
        statusBar()->showMessage(tr("Opened library %1").arg(QDir::toNativeSeparators(path)), kStatusMessageMs);
        // A model still being read opens the workspace when it is ready (onModelOpened), so
        // the library is not first opened with another model only to be reopened.
        if (!m_models->isBusy()) openWorkspace();
    });
    connect(m_library, &LibraryPage::libraryFailed, this, [this](const QString& path) {
        setWorkspace(nullptr);
        statusBar()->showMessage(tr("Could not open library %1").arg(QDir::toNativeSeparators(path)),
                                 kStatusMessageMs);
    });
    connect(this, &MainWindow::workspaceChanged, m_library, &LibraryPage::setWorkspace);
    connect(this, &MainWindow::workspaceChanged, m_settings, &SettingsPage::setWorkspace);
    // The PoC page shows the open library's usage log.
    connect(m_library, &LibraryPage::libraryOpened, m_poc, &PocPage::setLibraryPath);
    connect(m_library, &LibraryPage::libraryFailed, m_poc, [this] { m_poc->setLibraryPath(QString()); });
    // The Models page marks the active registry model and re-embeds after an activation.
    connect(this, &MainWindow::workspaceChanged, m_models, &ModelsPage::setWorkspace);
    connect(m_library, &LibraryPage::libraryOpened, m_models, &ModelsPage::setLibraryPath);
    connect(m_library, &LibraryPage::libraryFailed, m_models, [this] { m_models->setLibraryPath(QString()); });
    connect(m_models, &ModelsPage::activeModelChanged, this, [this] { openWorkspace(); });
    // The Training page starts from the active model and can train on the library's labels.
    connect(this, &MainWindow::workspaceChanged, m_training, &TrainingPage::setWorkspace);
    // Activating a trained package shows the Models page, where the outcome (and any error) appears.
    connect(m_training, &TrainingPage::activateRequested, this, [this] { showPage(Page::Models); });
    // A trained package becomes a registry version; "make active" goes through the Models page.
    connect(m_training, &TrainingPage::activateRequested, m_models, &ModelsPage::activateModel);
    connect(m_training, &TrainingPage::trainingFinished, m_models, &ModelsPage::refreshRegistry);
    // The Explain page starts from the active model (model A); the user may pick another.
    connect(this, &MainWindow::workspaceChanged, m_explain, [this](const std::shared_ptr<diffclip::Workspace>& ws) {
        if (ws) m_explain->setModelA(QString::fromStdString(ws->modelSpec()));
    });
#ifdef DIFFCLIP_HAS_SEARCH_PAGE
    connect(this, &MainWindow::workspaceChanged, m_search, &SearchPage::setWorkspace);
    // Labels and metadata edited on the Library page are offered by the Search filters at once.
    connect(m_library, &LibraryPage::labelsChanged, m_search, &SearchPage::refreshFilterChoices);
    connect(m_search, &SearchPage::explainRequested, this, [this](const QString& query, const QString& hit) {
        showPage(Page::Explain);
        m_explain->explainMatch(query, hit);
    });
#endif
    connect(m_jobs, &JobCentre::activeCountChanged, this, [this](int active) {
        // The navigation says how much is running, so the work is never out of sight.
        const int jobsRow = int(std::find(m_pages.begin(), m_pages.end(), Page::Jobs) - m_pages.begin());
        if (QListWidgetItem* item = m_nav->item(jobsRow))
            item->setText(active > 0 ? tr("Jobs (%1)").arg(active) : pageTitle(Page::Jobs));
    });
    connect(m_models, &ModelsPage::modelOpened, this, &MainWindow::onModelOpened);
    connect(m_models, &ModelsPage::openFailed, this, [this] {
        // The model the library was waiting for failed: fall back to the library's own.
        if (!m_library->libraryPath().isEmpty() && !m_workspace && !isOpeningWorkspace() && !m_models->isBusy())
            openWorkspace();
    });
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
    m_library->restoreSplitterState(AppSettings::librarySplitterState());

    showPage(Page::Start);
    updateSetupState();

    // Reopen the library of the last session (in the background); a missing file is left alone.
    const QStringList libraries = AppSettings::recentLibraries();
    if (!libraries.isEmpty() && QFileInfo::exists(libraries.first())) m_library->openLibrary(libraries.first());
}

MainWindow::~MainWindow() {
    // Pages hold the workspace too; the jobs centre (a child) cancels and waits for its jobs.
    m_jobs->cancelAll();
}

QWidget* MainWindow::pageWidget(Page page) const {
    switch (page) {
    case Page::Search:
#ifdef DIFFCLIP_HAS_SEARCH_PAGE
        return m_search;
#else
        return nullptr;
#endif
    case Page::Start: return m_start;
    case Page::Library: return m_library;
    case Page::Explain: return m_explain;
    case Page::Jobs: return m_jobsPage;
    case Page::Models: return m_models;
    case Page::Settings: return m_settings;
    case Page::Training: return m_training;
    case Page::Poc: return m_poc;
    }
    return nullptr;
}

QKeySequence MainWindow::pageShortcut(Page page) const {
    const auto it = std::find(m_pages.begin(), m_pages.end(), page);
    if (it == m_pages.end() || it - m_pages.begin() >= 9) return {};
    return QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + int(it - m_pages.begin())));
}

void MainWindow::openLibrary(const QString& path, bool create) {
    showPage(Page::Library);
    m_library->openLibrary(path, create);
}

void MainWindow::openWorkspace() {
    const QString library = m_library->libraryPath();
    const int generation = ++m_workspaceGeneration;
    if (library.isEmpty()) {
        setWorkspace(nullptr);
        return;
    }
    // The model made active or shown on the Models page, else the library's own active model.
    m_models->setLibraryPath(library);  // first: a model made active for another library does not carry over
    const QString model = m_models->workspaceModelPath();
    diffclip::WorkspaceOptions options;
    options.device = AppSettings::device().toStdString();
    options.dtype = AppSettings::precision().toStdString();
    options.threads = AppSettings::cpuThreads();
    options.batchSize = AppSettings::batchSize();
    options.library.readOnly = !LibraryAccess::mayWrite(library);  // searchable, never written
    auto holder = std::make_shared<std::shared_ptr<diffclip::Workspace>>();
    auto noModel = std::make_shared<bool>(false);
    const QString title = model.isEmpty()
                              ? tr("Open %1 with its last model").arg(QFileInfo(library).fileName())
                              : tr("Open %1 with %2").arg(QFileInfo(library).fileName(), ModelListModel::displayName(model));
    m_workspaceJob = m_jobs->submit(
        JobKind::OpenWorkspace, title,
        [library, model, options, holder, noModel](const JobContext& ctx) {
            ctx.log(tr("Loading the model and the library's embeddings…"));
            auto ws = diffclip::Workspace::open(QFile::encodeName(library).toStdString(),
                                                QFile::encodeName(model).toStdString(), options, ctx.control());
            if (!ws && ws.error().code == diffclip::ErrorCode::Cancelled)
                return JobOutcome::cancelled(tr("Cancelled; the library was not opened."));
            if (!ws) {
                // A library that was never indexed has no model of its own: not an error yet.
                if (model.isEmpty() && ws.error().code == diffclip::ErrorCode::NotFound) {
                    *noModel = true;
                    return JobOutcome::success(tr("The library has no model yet; open one on the Models page."));
                }
                return JobOutcome::failure(ErrorText::libraryReason(ws.error().code), ErrorText::details(ws.error()));
            }
            *holder = std::shared_ptr<diffclip::Workspace>(std::move(ws).value());
            ctx.log(tr("Precision: %1").arg(QString::fromStdString((*holder)->precisionNote())));
            return JobOutcome::success(tr("Ready with %1").arg(QString::fromStdString((*holder)->modelSpec())));
        },
        [this, generation, holder, noModel](const JobInfo& info) {
            if (generation != m_workspaceGeneration) return;  // superseded by a newer request
            m_workspaceJob = 0;
            if (info.state == JobState::Failed) {
                setWorkspace(nullptr);
                m_library->showProblem(tr("The library could not be used with this model"), info.outcome.errorReason,
                                       info.outcome.errorDetails);
                statusBar()->showMessage(tr("Could not open the workspace: %1").arg(info.outcome.errorReason),
                                         kStatusMessageMs);
                Q_EMIT workspaceOpenFinished(false);
                return;
            }
            setWorkspace(*holder);
            Q_EMIT workspaceOpenFinished(*holder != nullptr || *noModel);
        });
    updateSetupState();  // "being opened with the active model"
}

void MainWindow::setWorkspace(std::shared_ptr<diffclip::Workspace> workspace) {
    m_workspace = std::move(workspace);
    updateSetupState();
    Q_EMIT workspaceChanged(m_workspace);
}

void MainWindow::updateSetupState() {
    // The active model: the open workspace's, else the one a workspace opens with next (the
    // model made active or opened on the Models page; empty: the library's own, or none).
    const QString active =
        m_workspace ? QString::fromStdString(m_workspace->modelSpec()) : m_models->workspaceModelPath();
    m_start->setSetupState(m_library->libraryPath(), active, m_workspace != nullptr);
    m_library->setActiveModel(active, isOpeningWorkspace());
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open Model…"), m_models, [this] {
        showPage(Page::Models);
        m_models->chooseModelFile();
    });
    open->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_O));
    m_openModelAction = open;
    QAction* openFolder = file->addAction(tr("Open Model &Package Folder…"), m_models, [this] {
        showPage(Page::Models);
        m_models->chooseModelFolder();
    });
    openFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    file->addSeparator();
    QAction* openLib = file->addAction(tr("Open &Library…"), this, [this] {
        showPage(Page::Library);
        m_library->chooseLibraryToOpen();
    });
    openLib->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    file->addAction(tr("&New Library…"), this, [this] {
        showPage(Page::Library);
        m_library->chooseLibraryToCreate();
    });
    m_recentLibrariesMenu = file->addMenu(tr("Recent Li&braries"));
    updateRecentLibrariesMenu();
    QAction* addFolder = file->addAction(tr("&Add Folder of Photos…"), this, [this] {
        showPage(Page::Library);
        m_library->chooseFolderToAdd();
    });
    addFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    m_pageActions = new QActionGroup(this);
    for (Page page : m_pages) {
        QAction* a = view->addAction(pageTitle(page), this, [this, page] { showPage(page); });
        a->setShortcut(pageShortcut(page));
        a->setCheckable(true);
        m_pageActions->addAction(a);
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About DiffCLIP Studio"), this, &MainWindow::showAbout)->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::updateRecentMenu() {
    fillRecentMenu(m_recentMenu, AppSettings::recentModels(), tr("No recent models"), &ModelListModel::displayName,
                   [this](const QString& path) { openModel(path); },
                   [this] {
                       AppSettings::clearRecentModels();
                       updateRecentMenu();
                       m_start->refreshRecentModels();
                   });
}

void MainWindow::updateRecentLibrariesMenu() {
    fillRecentMenu(
        m_recentLibrariesMenu, AppSettings::recentLibraries(), tr("No recent libraries"),
        [](const QString& path) { return QFileInfo(path).fileName(); },
        [this](const QString& path) { openLibrary(path); },
        [this] {
            AppSettings::clearRecentLibraries();
            updateRecentLibrariesMenu();
        });
}

void MainWindow::fillRecentMenu(QMenu* menu, const QStringList& paths, const QString& none,
                                const std::function<QString(const QString&)>& name,
                                const std::function<void(const QString&)>& open, const std::function<void()>& clear) {
    menu->clear();
    for (int i = 0; i < paths.size(); ++i) {
        const QString& path = paths[i];
        // Numbered mnemonics 1-9 make the list usable from the keyboard.
        const QString label = i < 9 ? QStringLiteral("&%1  %2").arg(i + 1).arg(name(path)) : name(path);
        QAction* a = menu->addAction(label, this, [open, path] { open(path); });
        a->setToolTip(QDir::toNativeSeparators(path));
        a->setStatusTip(QDir::toNativeSeparators(path));
    }
    if (paths.isEmpty()) menu->addAction(none)->setEnabled(false);
    menu->addSeparator();
    menu->addAction(tr("&Clear List"), this, clear)->setEnabled(!paths.isEmpty());
}

MainWindow::Page MainWindow::currentPage() const {
    const int i = m_stack->currentIndex();
    return i >= 0 && i < int(m_pages.size()) ? m_pages[size_t(i)] : Page::Start;
}

void MainWindow::showPage(Page page) {
    const auto it = std::find(m_pages.begin(), m_pages.end(), page);
    if (it != m_pages.end()) m_nav->setCurrentRow(int(it - m_pages.begin()));
}

void MainWindow::openModel(const QString& path) {
    showPage(Page::Models);
    m_models->openModel(path);
}

QString MainWindow::pageKey(Page page) {
    switch (page) {
    case Page::Search: return QStringLiteral("search");
    case Page::Start: return QStringLiteral("start");
    case Page::Library: return QStringLiteral("library");
    case Page::Explain: return QStringLiteral("explain");
    case Page::Jobs: return QStringLiteral("jobs");
    case Page::Models: return QStringLiteral("models");
    case Page::Settings: return QStringLiteral("settings");
    case Page::Training: return QStringLiteral("training");
    case Page::Poc: return QStringLiteral("poc");
    }
    return {};
}

void MainWindow::onModelOpened(const QString& path) {
    AppSettings::addRecentModel(path);
    updateRecentMenu();
    m_start->refreshRecentModels();
    statusBar()->showMessage(tr("Opened %1").arg(QDir::toNativeSeparators(path)), kStatusMessageMs);
    // A newly opened model becomes the active one for the open library.
    if (!m_library->libraryPath().isEmpty()) openWorkspace();
    else updateSetupState();
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
    AppSettings::setLibrarySplitterState(m_library->splitterState());
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) { acceptModelPaths(event); }

void MainWindow::dropEvent(QDropEvent* event) {
    for (const QString& p : acceptModelPaths(event)) openModel(p);
}

void MainWindow::saveScreenshots(const QString& dir, const QString& language) {
    if (!QDir().mkpath(dir)) {
        Q_EMIT screenshotsFinished(false, {});
        return;
    }
    screenshotStep(0, dir, language, {});
}

void MainWindow::screenshotStep(int index, const QString& dir, const QString& language, QStringList written) {
    if (index >= int(m_pages.size())) {
        Q_EMIT screenshotsFinished(true, written);
        return;
    }
    const Page page = m_pages[size_t(index)];
    showPage(page);
    // Grab on the next turns of the event loop, after the page's pending layout requests.
    QTimer::singleShot(200, this, [this, index, dir, language, written]() mutable {
        const QString file = QDir(dir).filePath(pageKey(m_pages[size_t(index)]) + QLatin1Char('-') + language +
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
