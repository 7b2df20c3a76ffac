// `diffclip-studio`: the desktop application of DiffCLIP Studio. Wiring only: application
// identity, language, theme, command line; the windows live in ui/.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QLineEdit>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <memory>

#include "AppSettings.h"
#include "DataNeedsDialog.h"
#include "ExplainPage.h"
#include "JobCentre.h"
#include "LibraryPage.h"
#include "Localization.h"
#include "MainWindow.h"
#include "ModelsPage.h"
#include "PocPage.h"
#include "SearchPage.h"
#include "Theme.h"
#include "TrainingPage.h"
#include "diffclip/model/ModelSummary.h"

#ifndef DIFFCLIP_VERSION
#define DIFFCLIP_VERSION "unknown"
#endif

using namespace diffclip::ui;

namespace {

// The value of `--name VALUE` or `--name=VALUE`, read before the parser exists: the language
// must be known first so that the parser's own help text is translated.
QString earlyOption(const QStringList& args, const QString& name) {
    const QString flag = QStringLiteral("--") + name;
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == flag && i + 1 < args.size()) return args[i + 1];
        if (args[i].startsWith(flag + QLatin1Char('='))) return args[i].mid(flag.size() + 1);
    }
    return {};
}

void printLine(const QString& text) { std::fprintf(stderr, "%s\n", qPrintable(text)); }

void setIdentity() {
    QCoreApplication::setOrganizationName(QStringLiteral("DiffClipStudio"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("diffclipstudio.github.io"));
    QCoreApplication::setApplicationName(QStringLiteral("diffclip-studio"));
    QCoreApplication::setApplicationVersion(QStringLiteral(DIFFCLIP_VERSION));
}

// The application's options. Their descriptions are translated when made, so make them after
// the translators are installed.
struct StudioCommandLine {
    QCommandLineParser parser;
    QCommandLineOption help = parser.addHelpOption();
    QCommandLineOption version = parser.addVersionOption();
    QCommandLineOption lang{QStringLiteral("lang"),
                            QCoreApplication::translate("main", "Language of the user interface for this session: en or ja."),
                            QCoreApplication::translate("main", "code")};
    QCommandLineOption model{QStringLiteral("model"),
                             QCoreApplication::translate("main", "Open this model (a file or a model package folder) at start."),
                             QCoreApplication::translate("main", "path")};
    QCommandLineOption screenshot{
        QStringLiteral("screenshot"),
        QCoreApplication::translate("main", "Save a picture of each page as <page>-<language>.png in this folder "
                                            "(after the model given with --model is open), then quit."),
        QCoreApplication::translate("main", "folder")};
    QCommandLineOption library{
        QStringLiteral("library"),
        QCoreApplication::translate("main", "Open this library file at start (created when missing) instead of the "
                                            "last one."),
        QCoreApplication::translate("main", "file")};
    QCommandLineOption add{QStringLiteral("add"),
                           QCoreApplication::translate("main", "Once the library and model are ready, add this folder of "
                                                               "photos (folder names become labels)."),
                           QCoreApplication::translate("main", "folder")};
    QCommandLineOption explain{
        QStringLiteral("explain"),
        QCoreApplication::translate("main", "Once the model is ready, show this photo on the Explain page (A1 beside "
                                            "A1 − λA2)."),
        QCoreApplication::translate("main", "photo")};
    QCommandLineOption search{
        QStringLiteral("search"),
        QCoreApplication::translate("main", "With --screenshot: once the library is ready, search it with this photo "
                                            "before taking the pictures."),
        QCoreApplication::translate("main", "photo")};
    QCommandLineOption theme{QStringLiteral("theme"),
                             QCoreApplication::translate("main", "Theme for this session: light or dark (screenshots add "
                                                                 "-dark to the file names)."),
                             QCoreApplication::translate("main", "name")};
    QCommandLineOption train{
        QStringLiteral("train"),
        QCoreApplication::translate("main", "With --screenshot: train a quick linear probe on this folder of class "
                                            "folders (default: the --add folder) for the Training page's picture; "
                                            "the model goes to a temporary folder."),
        QCoreApplication::translate("main", "folder")};

    StudioCommandLine() {
        parser.setApplicationDescription(
            QCoreApplication::translate("main", "DiffCLIP Studio: inspect DiffCLIP and CLIP models on this computer."));
        parser.addOptions({lang, model, library, add, explain, search, theme, screenshot});
        parser.addOption(train);
    }
};

// Whether the arguments ask for help or the version (before a "--" that ends the options).
bool asksForHelpOrVersion(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const QByteArray a(argv[i]);
        if (a == "--") return false;
        if (a == "-h" || a == "--help" || a == "-?" || a == "--help-all" || a == "-v" || a == "--version") return true;
    }
    return false;
}

// --help and --version print and exit without a window. QApplication aborts where no display
// can be reached (a server, an SSH session, a package build), so they are answered first under
// a QCoreApplication, in the language --lang or the settings choose. Returns when neither was
// really asked for (e.g. "--model --help": a model named --help).
void answerHelpOrVersion(int argc, char** argv) {
    QCoreApplication core(argc, argv);
    setIdentity();
    installTranslators(resolveLanguage(earlyOption(QCoreApplication::arguments(), QStringLiteral("lang"))));
    StudioCommandLine cl;
    // Errors are left to the full parse: options of the window system (-platform, -style) are
    // unknown here but fine for QApplication.
    (void)cl.parser.parse(QCoreApplication::arguments());
    if (cl.parser.isSet(cl.version)) cl.parser.showVersion();
    if (cl.parser.isSet(cl.help)) cl.parser.showHelp(0);
    if (cl.parser.isSet(QStringLiteral("help-all"))) cl.parser.process(core);
}

}  // namespace

int main(int argc, char** argv) {
    if (asksForHelpOrVersion(argc, argv)) answerHelpOrVersion(argc, argv);

    QApplication app(argc, argv);
    setIdentity();
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.diffclipstudio.DiffClipStudio"));

    // Screenshots must not depend on, or change, the user's own settings and recent models.
    const QStringList rawArgs = QCoreApplication::arguments();
    std::unique_ptr<QTemporaryDir> isolatedSettings;
    if (!earlyOption(rawArgs, QStringLiteral("screenshot")).isEmpty()) {
        isolatedSettings = std::make_unique<QTemporaryDir>();
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, isolatedSettings->path());
    }

    const QString requestedLanguage = earlyOption(rawArgs, QStringLiteral("lang"));
    const QString language = resolveLanguage(requestedLanguage);
    if (!installTranslators(language)) printLine(QStringLiteral("diffclip-studio: no translation for ") + language);
    QApplication::setApplicationDisplayName(QCoreApplication::translate("main", "DiffCLIP Studio"));

    StudioCommandLine cl;
    QCommandLineParser& parser = cl.parser;
    const QCommandLineOption& langOption = cl.lang;
    const QCommandLineOption& modelOption = cl.model;
    const QCommandLineOption& screenshotOption = cl.screenshot;
    const QCommandLineOption& libraryOption = cl.library;
    const QCommandLineOption& addOption = cl.add;
    const QCommandLineOption& explainOption = cl.explain;
    const QCommandLineOption& searchOption = cl.search;
    const QCommandLineOption& themeOption = cl.theme;
    const QCommandLineOption& trainOption = cl.train;
    parser.process(app);
    if (parser.isSet(langOption) && !supportedLanguages().contains(parser.value(langOption))) {
        printLine(QCoreApplication::translate("main", "Unknown language \"%1\"; use one of: %2.")
                      .arg(parser.value(langOption), supportedLanguages().join(QStringLiteral(", "))));
        return 2;
    }

    ThemeChoice theme = AppSettings::theme();
    if (parser.isSet(themeOption)) {
        const QString t = parser.value(themeOption);
        if (t != QLatin1String("light") && t != QLatin1String("dark")) {
            printLine(QCoreApplication::translate("main", "Unknown theme \"%1\"; use light or dark.").arg(t));
            return 2;
        }
        theme = t == QLatin1String("dark") ? ThemeChoice::Dark : ThemeChoice::Light;
    }
    applyTheme(theme);
    diffclip::setCpuThreadPreference(AppSettings::cpuThreads());

    MainWindow window;
    const bool screenshots = parser.isSet(screenshotOption);
    // Finished jobs stay listed across sessions (not in screenshots, which show this run only).
    if (!screenshots) {
        const QString problem = window.jobCentre()->setHistoryFile(AppSettings::jobHistoryFile());
        if (!problem.isEmpty()) window.statusBar()->showMessage(problem);
    }
    if (screenshots) window.resize(window.fontMetrics().height() * 80, window.fontMetrics().height() * 68);
    window.show();

    bool modelFailed = false;
    if (parser.isSet(modelOption)) {
        QObject::connect(window.modelsPage(), &ModelsPage::openFailed, &window,
                         [&modelFailed](const QString& path, const QString& reason, const QString& details) {
                             modelFailed = true;
                             printLine(path + QStringLiteral(": ") + reason + QLatin1Char(' ') + details);
                         });
        window.openModel(parser.value(modelOption));
    }

    if (parser.isSet(libraryOption)) window.openLibrary(parser.value(libraryOption), true);
    bool added = !parser.isSet(addOption);
    if (!added) {
        // Adding needs the workspace: wait for the first one that opens.
        const QString folder = QDir(parser.value(addOption)).absolutePath();
        QObject::connect(&window, &MainWindow::workspaceChanged, &window,
                         [&window, &added, folder](std::shared_ptr<diffclip::Workspace> ws) {
                             if (added || !ws || window.isOpeningWorkspace()) return;
                             added = true;
                             window.libraryPage()->addPaths({folder}, true, QString());
                         });
    }

    if (parser.isSet(explainOption)) {
        // The Explain page follows the workspace's model; show the photo once that model is set.
        const QString photo = QDir(parser.value(explainOption)).absolutePath();
        auto shown = std::make_shared<bool>(false);
        QObject::connect(&window, &MainWindow::workspaceChanged, &window,
                         [&window, photo, shown](std::shared_ptr<diffclip::Workspace> ws) {
                             if (*shown || !ws) return;
                             *shown = true;
                             ExplainPage* page = window.explainPage();
                             page->setMode(ExplainPage::Mode::A1VsDifference);
                             page->setPhoto(photo);
                             page->setRegion(QRectF(0.25, 0.25, 0.5, 0.5));
                         });
    }

    if (screenshots && !added) {
        // Never wait forever for a workspace that cannot open: the pages show why.
        QTimer::singleShot(180000, &window, [&added] { added = true; });
    }
    if (screenshots) {
        const QString dir = QDir(parser.value(screenshotOption)).absolutePath();
        const QString suffix = language + (theme == ThemeChoice::Dark ? QStringLiteral("-dark") : QString());
        // Pictures are taken once everything asked for on the command line has settled: the
        // model read, the library open, the workspace ready and its jobs finished.
        auto* poll = new QTimer(&window);
        auto settledTurns = std::make_shared<int>(0);
        const QString searchPhoto =
            parser.isSet(searchOption) ? QDir(parser.value(searchOption)).absolutePath() : QString();
        auto searched = std::make_shared<bool>(searchPhoto.isEmpty() || !window.searchPage());
        // The Training page shows a finished quick linear probe on the added photos, written to
        // a temporary registry so the user's own models are never touched.
        const QString trainFolder = parser.isSet(trainOption) ? QDir(parser.value(trainOption)).absolutePath()
                                    : parser.isSet(addOption) ? QDir(parser.value(addOption)).absolutePath()
                                                              : QString();
        auto trained = std::make_shared<bool>(trainFolder.isEmpty());
        QObject::connect(&window, &MainWindow::screenshotsFinished, &app,
                         [&window, &modelFailed, dir, suffix, trainFolder](bool ok, const QStringList& files) {
                             for (const QString& f : files) printLine(f);
                             if (!ok || trainFolder.isEmpty()) {
                                 QCoreApplication::exit(ok && !modelFailed ? 0 : 1);
                                 return;
                             }
                             // The PoC page's "Photos needed…" study on the same folder (linear heads on the
                             // installed starter), pictured once it has finished.
                             DataNeedsDialog* dialog = window.pocPage()->openDataNeeds();
                             if (!dialog) {
                                 QCoreApplication::exit(1);
                                 return;
                             }
                             dialog->folderEdit()->setText(trainFolder);
                             QObject::connect(dialog, &DataNeedsDialog::finished, dialog, [dialog, dir, suffix, &modelFailed](bool done) {
                                 QTimer::singleShot(300, dialog, [dialog, dir, suffix, done, &modelFailed] {
                                     const QString file = QDir(dir).filePath(QStringLiteral("poc-data-needs-") + suffix +
                                                                             QStringLiteral(".png"));
                                     const bool saved = dialog->grab().save(file);
                                     if (saved) printLine(file);
                                     QCoreApplication::exit(done && saved && !modelFailed ? 0 : 1);
                                 });
                             });
                             dialog->start();
                         });
        auto trainingRegistry = std::make_shared<QTemporaryDir>();
        QObject::connect(poll, &QTimer::timeout, &window,
                         [&window, &added, poll, settledTurns, dir, suffix, searchPhoto, searched, trainFolder, trained,
                          trainingRegistry] {
            const bool idle = !window.modelsPage()->isBusy() && !window.libraryPage()->isBusy() &&
                              !window.explainPage()->isBusy() && !window.trainingPage()->isBusy() &&
                              (!window.searchPage() || !window.searchPage()->isBusy()) &&
                              !window.isOpeningWorkspace() && window.jobCentre()->activeCount() == 0 && added;
            *settledTurns = idle ? *settledTurns + 1 : 0;
            if (*settledTurns < 5) return;  // idle for half a second: thumbnails decoded, layouts done
            if (!*searched) {
                // The library is complete now: search it, then wait until that has settled too.
                *searched = true;
                *settledTurns = 0;
                window.searchPage()->searchPhotos({searchPhoto});
                return;
            }
            if (!*trained) {
                *trained = true;
                *settledTurns = 0;
                TrainingPage* training = window.trainingPage();
                training->setRegistryDir(trainingRegistry->path());
                training->setDataFolder(trainFolder);
                training->setMode(TrainingPage::Mode::Linear);
                training->setPreset(QStringLiteral("quick"));
                training->setOutputName(QStringLiteral("neu-linear-probe"));
                training->start();
                return;
            }
            poll->stop();
            window.saveScreenshots(dir, suffix);
        });
        poll->start(100);
    }
    return QApplication::exec();
}
