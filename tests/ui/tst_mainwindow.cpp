// The main window and the Models page, offscreen: opening the tiny DiffCLIP fixture shows its
// architecture; bad files show the error state and keep the model already open; shortcuts
// switch pages; a first start explains the next step; every page renders; the Japanese
// translation is complete and loads.
#include <QCryptographicHash>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QLineEdit>
#include <QFileInfo>
#include <QImage>
#include <QSet>
#include <QLabel>
#include <QLocale>
#include <QMimeData>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QTranslator>
#include <QUrl>
#include <QXmlStreamReader>
#include <QtTest>

#include <functional>
#include <memory>

#include "AppSettings.h"
#include "ErrorBanner.h"
#include "ExplainPage.h"
#include "LibraryPage.h"
#include "SearchPage.h"
#include "StartPage.h"
#include "MainWindow.h"
#include "ModelDrop.h"
#include "ModelListModel.h"
#include "ModelSummaryView.h"
#include "ModelsPage.h"
#include "diffclip/indexing/Workspace.h"
#include "diffclip/library/Library.h"
#include "diffclip/model/Config.h"

#include "../support/TestSupport.h"

using namespace diffclip::ui;

namespace {

const QString kFixtureDir = QStringLiteral(DIFFCLIP_SHARED_DIR "/fixtures/diffclip-tiny-a");
// Opening reads and hashes the whole file; generous for slow, busy CI machines.
constexpr int kLoadTimeoutMs = 120000;

QString canonical(const QString& path) { return QDir::cleanPath(QFileInfo(path).absoluteFilePath()); }

// Runs `open` (which shows a modal file dialog) and answers that dialog with `answer`; returns
// the folder the dialog showed when it opened.
QString answerFileDialog(const std::function<void()>& open, const std::function<void(QFileDialog*)>& answer) {
    QString shown;
    QTimer poll;
    poll.setInterval(20);
    QObject::connect(&poll, &QTimer::timeout, [&] {
        auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
        if (!dialog || !dialog->isVisible()) return;
        poll.stop();
        shown = QDir::cleanPath(dialog->directory().absolutePath());
        answer(dialog);
    });
    poll.start();
    open();
    poll.stop();
    return shown;
}

// Chooses `file` in an open file dialog as a user would: types its path into the file name
// box (selectFile() leaves that box alone while it has the focus) and accepts.
void chooseFile(QFileDialog* dialog, const QString& file) {
    dialog->setDirectory(QFileInfo(file).absolutePath());
    auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
    QVERIFY(name);
    name->setText(file);
    static_cast<QDialog*>(dialog)->accept();  // QFileDialog::accept(), through the public base
}

QString sha256Of(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return QString::fromLatin1(h.result().toHex());
}

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void openingFixtureShowsSummary();
    void badFilesShowErrorAndKeepModel();
    void reopeningClearsError();
    void dropOpensOnlyModelPaths();
    void shortcutsSwitchPages();
    void firstStartExplainsNextStep();
    void screenshotsOfEveryPage();
    void translationIsComplete();
    void japaneseTranslationLoads();
    void openedModelIsTheActiveModel();
    void dialogsOpenWhereTheUserExpects();

private:
    QString fixture() const { return kFixtureDir + QStringLiteral("/model.safetensors"); }

    QTemporaryDir m_settingsDir;
    QTemporaryDir m_work;
    std::unique_ptr<MainWindow> m_window;
};

void TestMainWindow::initTestCase() {
    QVERIFY(m_settingsDir.isValid());
    QVERIFY(m_work.isValid());
    testsupport::useOwnSettings(m_settingsDir.path());
    // The default library and the model registry live below XDG_DATA_HOME: the test's own.
    qputenv("XDG_DATA_HOME", QFile::encodeName(m_work.filePath(QStringLiteral("xdg"))));
    // Numbers in the summary are locale-formatted; pin the locale the expectations use.
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QVERIFY2(QFileInfo::exists(fixture()), qPrintable(fixture()));

    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestMainWindow::cleanupTestCase() { m_window.reset(); }

void TestMainWindow::openingFixtureShowsSummary() {
    ModelsPage* page = m_window->modelsPage();
    QSignalSpy opened(page, &ModelsPage::modelOpened);
    QSignalSpy busy(page, &ModelsPage::busyChanged);
    QCOMPARE(page->modelCount(), 0);

    m_window->openModel(fixture());
    // The call returns before the model is read: loading runs off the GUI thread.
    QVERIFY(page->isBusy());
    QCOMPARE(m_window->currentPage(), MainWindow::Page::Models);
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kLoadTimeoutMs);
    QCOMPARE(opened.first().first().toString(), canonical(fixture()));
    QVERIFY(!page->isBusy());
    QCOMPARE(busy.count(), 2);
    QCOMPARE(busy.last().first().toBool(), false);

    QCOMPARE(page->modelCount(), 1);
    QCOMPARE(page->currentModelPath(), canonical(fixture()));
    QVERIFY(page->errorBanner()->isHidden());

    const ModelSummaryView* v = page->summaryView();
    QVERIFY(v->isVisible());
    QVERIFY2(v->fieldText(QStringLiteral("attention")).contains(QStringLiteral("differential"), Qt::CaseInsensitive),
             qPrintable(v->fieldText(QStringLiteral("attention"))));
    QCOMPARE(v->fieldText(QStringLiteral("format")), QStringLiteral("safetensors weights"));
    QCOMPARE(v->fieldText(QStringLiteral("configSource")), QStringLiteral("From config.json next to the weights"));
    QCOMPARE(v->fieldText(QStringLiteral("vision.imageSize")), QStringLiteral("32 × 32 px"));
    QCOMPARE(v->fieldText(QStringLiteral("vision.patchSize")), QStringLiteral("8 px (4 × 4 patches)"));
    QCOMPARE(v->fieldText(QStringLiteral("vision.width")), QStringLiteral("48"));
    QCOMPARE(v->fieldText(QStringLiteral("vision.depth")), QStringLiteral("2"));
    QCOMPARE(v->fieldText(QStringLiteral("vision.heads")), QStringLiteral("4 (2 differential pairs)"));
    QCOMPARE(v->fieldText(QStringLiteral("vision.mlpWidth")), QStringLiteral("192"));
    QCOMPARE(v->fieldText(QStringLiteral("vision.normEps")), QStringLiteral("1e-5"));
    QCOMPARE(v->fieldText(QStringLiteral("text.contextLength")), QStringLiteral("16 tokens"));
    QCOMPARE(v->fieldText(QStringLiteral("text.vocabSize")), QStringLiteral("49,408"));
    QCOMPARE(v->fieldText(QStringLiteral("text.width")), QStringLiteral("32"));
    QCOMPARE(v->fieldText(QStringLiteral("text.layers")), QStringLiteral("2"));
    QCOMPARE(v->fieldText(QStringLiteral("embedDim")), QStringLiteral("24"));

    auto config = diffclip::ModelConfig::fromFile((kFixtureDir + QStringLiteral("/config.json")).toStdString());
    QVERIFY(config.ok());
    QCOMPARE(v->fieldText(QStringLiteral("parameters")), QLocale().toString(qlonglong(config->parameterCount())));

    const QString sum = v->fieldText(QStringLiteral("sha256:model.safetensors"));
    QCOMPARE(sum, sha256Of(fixture()));
    const auto* sumLabel = v->findChild<QLabel*>(QStringLiteral("value.sha256:model.safetensors"));
    QVERIFY(sumLabel);
    QVERIFY(sumLabel->textInteractionFlags() & Qt::TextSelectableByMouse);

    QVERIFY(v->toPlainText().contains(sum));
    QCOMPARE(AppSettings::recentModels().value(0), canonical(fixture()));
}

void TestMainWindow::badFilesShowErrorAndKeepModel() {
    ModelsPage* page = m_window->modelsPage();
    QCOMPARE(page->modelCount(), 1);

    // Random bytes, a truncated copy of a real file, and a path that does not exist.
    const QString garbage = m_work.filePath(QStringLiteral("garbage.safetensors"));
    {
        QFile f(garbage);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray bytes(4096, '\0');
        for (int i = 0; i < bytes.size(); ++i) bytes[i] = char((i * 131 + 7) % 251);
        f.write(bytes);
    }
    const QString truncated = m_work.filePath(QStringLiteral("truncated.safetensors"));
    {
        QFile in(fixture());
        QVERIFY(in.open(QIODevice::ReadOnly));
        QFile out(truncated);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(in.read(in.size() / 2));
    }
    const QString missing = m_work.filePath(QStringLiteral("missing.pt"));

    for (const QString& bad : {garbage, truncated, missing}) {
        QSignalSpy failed(page, &ModelsPage::openFailed);
        page->openModel(bad);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kLoadTimeoutMs);
        QTRY_VERIFY(!page->isBusy());
        QCOMPARE(failed.first().at(0).toString(), canonical(bad));
        QVERIFY(!failed.first().at(1).toString().isEmpty());  // translated reason
        QVERIFY(!failed.first().at(2).toString().isEmpty());  // the core's detail

        const ErrorBanner* banner = page->errorBanner();
        QVERIFY(banner->isVisible());
        QVERIFY2(banner->title().contains(QFileInfo(bad).fileName()), qPrintable(banner->title()));
        QVERIFY(!banner->reason().isEmpty());
        QVERIFY(banner->details().contains(QFileInfo(bad).fileName()));

        // The model opened before is still listed and shown.
        QCOMPARE(page->modelCount(), 1);
        QCOMPARE(page->currentModelPath(), canonical(fixture()));
        QCOMPARE(page->summaryView()->fieldText(QStringLiteral("vision.depth")), QStringLiteral("2"));
        QVERIFY(page->summaryView()->isVisible());
    }
    QVERIFY(!AppSettings::recentModels().contains(canonical(garbage)));
}

void TestMainWindow::reopeningClearsError() {
    ModelsPage* page = m_window->modelsPage();
    QVERIFY(page->errorBanner()->isVisible());
    QSignalSpy opened(page, &ModelsPage::modelOpened);
    page->openModel(fixture());
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kLoadTimeoutMs);
    QVERIFY(page->errorBanner()->isHidden());
    QCOMPARE(page->modelCount(), 1);  // the same path is refreshed, not listed twice
}

void TestMainWindow::dropOpensOnlyModelPaths() {
    QMimeData mime;
    const QString text = m_work.filePath(QStringLiteral("notes.txt"));
    {
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    mime.setUrls({QUrl::fromLocalFile(text), QUrl::fromLocalFile(fixture()), QUrl(QStringLiteral("https://x/m.pt"))});
    const QStringList paths = modelPathsFromMimeData(&mime);
    QCOMPARE(paths.size(), 1);
    QCOMPARE(canonical(paths.first()), canonical(fixture()));

    QMimeData onlyText;
    onlyText.setUrls({QUrl::fromLocalFile(text)});
    QVERIFY(modelPathsFromMimeData(&onlyText).isEmpty());

    // A drop on the Start page reaches the window, which opens the model on the Models page.
    m_window->showPage(MainWindow::Page::Start);
    ModelsPage* page = m_window->modelsPage();
    QSignalSpy opened(page, &ModelsPage::modelOpened);
    QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window.get(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window.get(), &drop);
    QCOMPARE(m_window->currentPage(), MainWindow::Page::Models);
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kLoadTimeoutMs);
}

void TestMainWindow::shortcutsSwitchPages() {
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    const auto& pages = m_window->pages();
    QVERIFY(pages.size() >= 5);  // Start, Library, Jobs, Models, Settings (+ Search when built)
    // Ctrl+1..n follow the navigation's order; try them backwards so each press changes page.
    for (int i = int(pages.size()) - 1; i >= 0; --i) {
        QTest::keyClick(m_window.get(), Qt::Key(Qt::Key_1 + i), Qt::ControlModifier);
        QCOMPARE(m_window->currentPage(), pages[size_t(i)]);
        QCOMPARE(m_window->pageShortcut(pages[size_t(i)]), QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        QVERIFY(!m_window->pageWidget(pages[size_t(i)])->accessibleName().isEmpty() ||
                !m_window->pageWidget(pages[size_t(i)])->objectName().isEmpty());
    }
}

void TestMainWindow::firstStartExplainsNextStep() {
    // No library in these fresh settings: the Start page says what to do, the Library page
    // offers to create one instead of showing an empty grid.
    const QString text = m_window->startPage()->nextStepText();
    QVERIFY2(text.contains(QStringLiteral("library"), Qt::CaseInsensitive), qPrintable(text));
    QVERIFY(m_window->libraryPage()->libraryPath().isEmpty());
    const auto* empty = m_window->libraryPage()->findChild<QLabel*>(QStringLiteral("libraryEmptyLabel"));
    QVERIFY(empty);
    m_window->showPage(MainWindow::Page::Library);
    QVERIFY(empty->isVisible());
}

void TestMainWindow::screenshotsOfEveryPage() {
    QSignalSpy done(m_window.get(), &MainWindow::screenshotsFinished);
    const QString dir = m_work.filePath(QStringLiteral("shots"));
    m_window->saveScreenshots(dir, QStringLiteral("en"));
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kLoadTimeoutMs);
    QVERIFY(done.first().at(0).toBool());
    const QStringList files = done.first().at(1).toStringList();
    QCOMPARE(files.size(), int(m_window->pages().size()));
    for (MainWindow::Page p : m_window->pages()) {
        const QString file = QDir(dir).filePath(MainWindow::pageKey(p) + QStringLiteral("-en.png"));
        QVERIFY2(files.contains(file), qPrintable(file));
        QImage image(file);
        QVERIFY2(!image.isNull(), qPrintable(file));
        QVERIFY(image.width() > 200 && image.height() > 200);
        // Not one flat colour: the page drew something.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 10, qPrintable(file));
    }
}

void TestMainWindow::translationIsComplete() {
    QFile ts(QStringLiteral(DIFFCLIP_SOURCE_DIR "/translations/diffclip_ja.ts"));
    QVERIFY2(ts.open(QIODevice::ReadOnly), qPrintable(ts.fileName()));
    QXmlStreamReader xml(&ts);
    int messages = 0;
    QString context, source;
    QStringList problems;
    static const QRegularExpression placeholder(QStringLiteral("%\\d"));
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) continue;
        if (xml.name() == QLatin1String("TS")) {
            QCOMPARE(xml.attributes().value(QLatin1String("language")).toString(), QStringLiteral("ja_JP"));
        } else if (xml.name() == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (xml.name() == QLatin1String("source")) {
            source = xml.readElementText();
        } else if (xml.name() == QLatin1String("translation")) {
            ++messages;
            const QString type = xml.attributes().value(QLatin1String("type")).toString();
            // Plural messages hold their text in <numerusform> children.
            const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            if (!type.isEmpty()) problems << QStringLiteral("%1: \"%2\" is %3").arg(context, source, type);
            else if (text.trimmed().isEmpty()) problems << QStringLiteral("%1: \"%2\" is empty").arg(context, source);
            // Every placeholder of the source must survive translation.
            auto it = placeholder.globalMatch(source);
            while (it.hasNext()) {
                const QString p = it.next().captured();
                if (!text.contains(p)) problems << QStringLiteral("%1: \"%2\" lacks %3").arg(context, source, p);
            }
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(messages > 50);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
}

void TestMainWindow::japaneseTranslationLoads() {
    QTranslator t;
    QVERIFY(t.load(QStringLiteral(":/i18n/diffclip_ja")));
    QCOMPARE(t.translate("diffclip::ui::MainWindow", "Models"), QStringLiteral("モデル"));
    QCOMPARE(t.translate("diffclip::ui::MainWindow", "Settings"), QStringLiteral("設定"));
}

void TestMainWindow::openedModelIsTheActiveModel() {
    // The fixture was opened above and no library is open yet. Opening a model makes it the
    // active model: the pages say so in the same words, none says that no model is active.
    const QString name = ModelListModel::displayName(canonical(fixture()));
    const auto* note = m_window->libraryPage()->findChild<QLabel*>(QStringLiteral("workspaceNote"));
    QVERIFY(note);
    QTRY_VERIFY2(m_window->startPage()->nextStepText().contains(QStringLiteral("active model")),
                 qPrintable(m_window->startPage()->nextStepText()));
    QVERIFY(m_window->startPage()->nextStepText().contains(name));
    QVERIFY2(note->text().contains(QStringLiteral("active model")) && note->text().contains(name), qPrintable(note->text()));
    QVERIFY(!note->text().contains(QStringLiteral("No model is active")));
    const auto* registryLabel = m_window->modelsPage()->findChild<QLabel*>(QStringLiteral("registryLibraryLabel"));
    QVERIFY(registryLabel);
    QTRY_VERIFY2(registryLabel->text().contains(name), qPrintable(registryLabel->text()));

    // A new library takes the active model: stored in the library, and named on every page.
    const QString lib = m_work.filePath(QStringLiteral("active.dclib"));
    QSignalSpy finished(m_window.get(), &MainWindow::workspaceOpenFinished);
    m_window->openLibrary(lib, true);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kLoadTimeoutMs);
    QVERIFY(finished.at(0).at(0).toBool());
    QCOMPARE(QString::fromStdString(m_window->workspace()->modelSpec()), canonical(fixture()));
    QVERIFY2(note->text().contains(QStringLiteral("active model")) && note->text().contains(name), qPrintable(note->text()));
    QVERIFY2(m_window->startPage()->nextStepText().contains(QStringLiteral("active model")),
             qPrintable(m_window->startPage()->nextStepText()));
    QTRY_VERIFY2(registryLabel->text().contains(QStringLiteral("active model: ")) &&
                     registryLabel->text().contains(QDir::toNativeSeparators(canonical(fixture()))),
                 qPrintable(registryLabel->text()));
    auto stored = diffclip::Library::open(QFile::encodeName(lib).toStdString());
    QVERIFY(stored.ok());
    QCOMPARE(QString::fromStdString(*stored->setting("active_model")), canonical(fixture()));
}

void TestMainWindow::dialogsOpenWhereTheUserExpects() {
    // Opening a model through its dialog makes Qt remember the model's folder for every later
    // dialog that has no folder of its own; a new library and a photo do not belong there.
    ModelsPage* models = m_window->modelsPage();
    QSignalSpy opened(models, &ModelsPage::modelOpened);
    answerFileDialog([models] { models->chooseModelFile(); },
                     [this](QFileDialog* d) { chooseFile(d, fixture()); });
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kLoadTimeoutMs);

    // New Library opens in the default library's folder (made when missing), with its name.
    const QString defaultFolder = QFileInfo(AppSettings::defaultLibraryPath()).absolutePath();
    QVERIFY2(!QFileInfo::exists(defaultFolder), qPrintable(defaultFolder));  // a first start
    QString offered;
    const QString shown = answerFileDialog([this] { m_window->libraryPage()->chooseLibraryToCreate(); },
                                           [&offered](QFileDialog* d) {
                                               offered = d->selectedFiles().value(0);
                                               d->reject();
                                           });
    QCOMPARE(shown, QDir::cleanPath(defaultFolder));
    QCOMPARE(QFileInfo(offered).fileName(), QFileInfo(AppSettings::defaultLibraryPath()).fileName());

    // The first photo chooser opens in Pictures (or home); the next one where the last photo was.
    const QString pictures = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    const QString firstPhotoFolder = QFileInfo(pictures).isDir() ? pictures : QDir::homePath();
    const QString photo = QStringLiteral(DIFFCLIP_SHARED_DIR "/data/neu-cls/crazing/crazing_1.jpg");
    QVERIFY2(QFileInfo::exists(photo), qPrintable(photo));
    QCOMPARE(answerFileDialog([this] { m_window->explainPage()->choosePhoto(); },
                              [&photo](QFileDialog* d) { chooseFile(d, photo); }),
             QDir::cleanPath(firstPhotoFolder));
    // Also after another dialog visited the model's folder again: the photo folder is the app's
    // own setting (kept across sessions), not Qt's last folder.
    QSignalSpy reopened(models, &ModelsPage::modelOpened);
    answerFileDialog([models] { models->chooseModelFile(); },
                     [this](QFileDialog* d) { chooseFile(d, fixture()); });
    QTRY_COMPARE_WITH_TIMEOUT(reopened.count(), 1, kLoadTimeoutMs);
    QVERIFY(m_window->searchPage());
    QCOMPARE(answerFileDialog([this] { m_window->searchPage()->choosePhotos(); }, [](QFileDialog* d) { d->reject(); }),
             QDir::cleanPath(QFileInfo(photo).absolutePath()));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
