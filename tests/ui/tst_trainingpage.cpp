// The Training page with the tiny fixture model and a generated folder-per-class tree: a linear
// probe end to end (curves, before/after, confusion matrix, package in a temporary registry,
// Activate), a cancelled scratch run (no package, checkpoint kept, resumable), and clear errors
// for a missing, empty or one-class folder.
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLocale>
#include <QPainter>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTranslator>
#include <QtTest>

#include "ConfusionMatrixView.h"
#include "ErrorBanner.h"
#include "JobCentre.h"
#include "MainWindow.h"
#include "QCustomPlotQt.h"
#include "TrainingPage.h"
#include "diffclip/indexing/Workspace.h"
#include "diffclip/formats/Json.h"

#include "../support/TestSupport.h"

using diffclip::ui::JobCentre;
using diffclip::ui::TrainingPage;

namespace {
const QString kModel = QStringLiteral(DIFFCLIP_SHARED_DIR "/fixtures/diffclip-tiny-a/model.safetensors");
constexpr int kWait = 90000;
const char* kClasses[] = {"crack", "dent", "scratch_mark"};

// A 48x48 photo whose stripe direction is the class and whose offset and tint vary.
void writePhoto(const QString& path, int kind, int variant) {
    QImage img(48, 48, QImage::Format_RGB888);
    img.fill(QColor(40 + variant * 9, 40 + variant * 5, 50));
    QPainter p(&img);
    p.setPen(QPen(QColor(220, 210 - variant * 6, 190), 3));
    for (int i = -48; i < 96; i += 8) {
        const int o = i + variant;
        if (kind == 0) p.drawLine(o, 0, o, 48);
        else if (kind == 1) p.drawLine(0, o, 48, o);
        else p.drawLine(o, 0, o + 48, 48);
    }
    p.end();
    QVERIFY(img.save(path, "PNG"));
}

void makeTree(const QString& root, int classes, int perClass) {
    for (int c = 0; c < classes; ++c) {
        const QString dir = root + QLatin1Char('/') + QLatin1String(kClasses[c]);
        QVERIFY(QDir().mkpath(dir));
        for (int i = 0; i < perClass; ++i) writePhoto(dir + QStringLiteral("/p%1.png").arg(i), c, i);
    }
}

diffclip::Json readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    auto j = diffclip::parseJson(f.readAll().toStdString());
    return j ? *j : diffclip::Json();
}

int points(QCustomPlot* p) {
    int n = 0;
    for (int i = 0; i < p->graphCount(); ++i) n += p->graph(i)->dataCount();
    return n;
}
}  // namespace

class TestTrainingPage : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_data;

    // Shows `page` on the generated data with `mode`, `preset` and (when given) `architecture`;
    // returns the registry its packages go to, the folder `name` below the test's.
    QString prepare(TrainingPage& page, const QString& name, TrainingPage::Mode mode, const QString& preset,
                    const QString& architecture = QString()) {
        const QString registry = m_tmp.filePath(name);
        page.resize(1400, 900);
        page.show();
        page.setRegistryDir(registry);
        page.setDataFolder(m_data);
        page.setMode(mode);
        page.setPreset(preset);
        if (!architecture.isEmpty()) page.setArchitecture(architecture);
        return registry;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        // The page's own data (mirrored label folders) goes below the test's folder.
        qputenv("XDG_DATA_HOME", QFile::encodeName(m_tmp.filePath(QStringLiteral("xdg"))));
        m_data = m_tmp.filePath(QStringLiteral("data"));
        makeTree(m_data, 3, 6);
        QFile prompt(m_data + QStringLiteral("/dent/prompt.txt"));
        QVERIFY(prompt.open(QIODevice::WriteOnly));
        prompt.write("\n a photo of a dented panel \n");
    }

    void previewListsClassesAndCounts() {
        JobCentre jobs;
        TrainingPage page(&jobs);
        page.setDataFolder(m_data);
        // Listed on a worker thread, by the same core function the trainer uses.
        QVERIFY(page.isListing());
        QTRY_VERIFY(!page.isListing());
        QCOMPARE(page.classPreview().size(), 3);
        QCOMPARE(page.previewTable()->rowCount(), 3);
        QCOMPARE(page.classPreview()[1].name, QStringLiteral("dent"));
        QCOMPARE(page.classPreview()[1].photos, 6);
        QCOMPARE(page.classPreview()[1].prompt, QStringLiteral("a photo of a dented panel"));
        QVERIFY(page.classPreview()[1].customPrompt);
        QCOMPARE(page.classPreview()[2].prompt, QStringLiteral("a photo of scratch mark."));
    }

    void unusableDataGivesClearErrors() {
        JobCentre jobs;
        TrainingPage page(&jobs);
        page.resize(1200, 800);
        page.show();
        page.setRegistryDir(m_tmp.filePath(QStringLiteral("registry-errors")));
        page.setMode(TrainingPage::Mode::Linear);
        page.setBaseModel(kModel);

        page.setDataFolder(QString());
        QVERIFY(!page.start());
        QVERIFY(page.errorBanner()->isVisible());
        QVERIFY(page.errorBanner()->reason().contains(QStringLiteral("one subfolder")));

        page.setDataFolder(m_tmp.filePath(QStringLiteral("missing")));
        QVERIFY(!page.start());
        QVERIFY(page.errorBanner()->reason().contains(QStringLiteral("does not exist")));

        const QString empty = m_tmp.filePath(QStringLiteral("empty"));
        QVERIFY(QDir().mkpath(empty + QStringLiteral("/no_photos_here")));
        page.setDataFolder(empty);
        QTRY_VERIFY(!page.isListing());
        QVERIFY(!page.start());
        QVERIFY2(page.errorBanner()->reason().contains(QStringLiteral("at least two classes")),
                 qPrintable(page.errorBanner()->reason()));
        QVERIFY(page.errorBanner()->reason().contains(QStringLiteral("has 0")));

        const QString one = m_tmp.filePath(QStringLiteral("one"));
        makeTree(one, 1, 3);
        page.setDataFolder(one);
        // Started while the classes are still being listed: it waits for them, then says why not.
        QVERIFY(page.start());
        QVERIFY(page.isBusy());
        QTRY_VERIFY(!page.isBusy());
        QVERIFY(page.errorBanner()->reason().contains(QStringLiteral("has 1")));

        // Linear needs a base model.
        page.setDataFolder(m_data);
        page.setBaseModel(QString());
        QTRY_VERIFY(!page.isListing());
        QVERIFY(!page.start());
        QVERIFY(page.errorBanner()->reason().contains(QStringLiteral("base model")));
        QCOMPARE(jobs.jobs().size(), size_t(0));
        QVERIFY(!QFileInfo::exists(page.registryDir()) || QDir(page.registryDir()).isEmpty());
    }

    void statusAndErrorsFollowTheData() {
        // The status line says what is next and a start error about the data goes once the
        // data is another: nothing keeps describing a state that is gone.
        JobCentre jobs;
        TrainingPage page(&jobs);
        page.setRegistryDir(m_tmp.filePath(QStringLiteral("registry-status")));
        page.setBaseModel(kModel);
        QVERIFY(page.statusLabel()->text().contains(QStringLiteral("Choose a data folder")));
        QVERIFY(!page.start());
        QVERIFY(!page.errorBanner()->isHidden());
        page.setDataFolder(m_data);
        QTRY_VERIFY(!page.isListing());
        QVERIFY2(!page.statusLabel()->text().contains(QStringLiteral("Choose a data folder")),
                 qPrintable(page.statusLabel()->text()));
        QVERIFY2(page.statusLabel()->text().contains(QStringLiteral("3 classes")), qPrintable(page.statusLabel()->text()));
        QVERIFY(page.errorBanner()->isHidden());

        const QString one = m_tmp.filePath(QStringLiteral("one-status"));
        makeTree(one, 1, 2);
        page.setDataFolder(one);
        QTRY_VERIFY(!page.isListing());
        QVERIFY2(page.statusLabel()->text().contains(QStringLiteral("at least two classes")),
                 qPrintable(page.statusLabel()->text()));
        QVERIFY(!page.start());
        QVERIFY(page.errorBanner()->reason().contains(QStringLiteral("has 1")));
        page.setDataFolder(QString());
        QTRY_VERIFY(!page.isListing());
        QVERIFY(page.statusLabel()->text().contains(QStringLiteral("Choose a data folder")));
        QVERIFY(page.errorBanner()->isHidden());
        QCOMPARE(jobs.jobs().size(), size_t(0));
    }

    void linearProbeThroughThePage() {
        QVERIFY2(QFileInfo::exists(kModel), qPrintable(QStringLiteral("missing shared fixture: ") + kModel));
        JobCentre jobs;
        TrainingPage page(&jobs);
        const QString registry =
            prepare(page, QStringLiteral("registry"), TrainingPage::Mode::Linear, QStringLiteral("quick"));
        page.setBaseModel(kModel);
        page.setOutputName(QStringLiteral("probe"));
        QSignalSpy finished(&page, &TrainingPage::trainingFinished);
        QVERIFY(page.start());
        QVERIFY(page.isBusy());
        QVERIFY(!page.startButton()->isEnabled());
        QVERIFY(!page.start());  // one training at a time
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(page.errorBanner()->reason() + QLatin1Char(' ') +
                                                          page.errorBanner()->details()));
        QVERIFY(!page.isBusy());

        // Curves: the head's loss, validation top-1 and learning rate every 25 iterations.
        QVERIFY(points(page.lossPlot()) >= 10);
        QCOMPARE(points(page.validationPlot()), points(page.lossPlot()));
        QCOMPARE(points(page.learningRatePlot()), points(page.lossPlot()));

        // The package, with training.json, in the registry.
        const QString pkg = page.packagePath();
        QCOMPARE(QFileInfo(pkg).absoluteFilePath(), QDir(registry).absoluteFilePath(QStringLiteral("probe")));
        QVERIFY(QFileInfo::exists(pkg + QStringLiteral("/training.json")));
        QVERIFY(QFileInfo::exists(pkg + QStringLiteral("/classes.json")));
        QVERIFY(!QFileInfo::exists(registry + QStringLiteral("/.checkpoints/probe")));  // cleaned up
        const diffclip::Json training = readJson(pkg + QStringLiteral("/training.json"));
        QCOMPARE(QString::fromStdString(training.at("mode").get<std::string>()), QStringLiteral("linear"));
        const auto val = training.at("data").at("split").at("val").get<qint64>();
        QVERIFY(val >= 3);

        // Confusion matrix: C x C, summing to the validation photos, and equal to training.json.
        const auto* conf = page.confusionView();
        QCOMPARE(conf->classCount(), 3);
        QCOMPARE(conf->total(), val);
        const diffclip::Json& jc = training.at("after").at("confusion");
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c) QCOMPARE(conf->count(r, c), jc.at(size_t(r)).at(size_t(c)).get<qint64>());
        QCOMPARE(conf->classes(), (QStringList{QStringLiteral("crack"), QStringLiteral("dent"), QStringLiteral("scratch_mark")}));

        // Before/after table (top-1, top-5, recall@1/5/10) and per-class precision/recall. The
        // figures after training, worked out from the confusion matrix (rows: true class, columns:
        // predicted): top-1 = trace / total; precision of class c = C[c][c] / column c's sum (0 when
        // nothing was predicted as c); recall of c = C[c][c] / row c's sum.
        QCOMPARE(page.summaryTable()->rowCount(), 5);
        QCOMPARE(page.perClassTable()->rowCount(), 3);
        auto shown = [](double fraction) { return QLocale().toString(100.0 * fraction, 'f', 1) + QStringLiteral(" %"); };
        qint64 trace = 0;
        for (int c = 0; c < 3; ++c) trace += conf->count(c, c);
        QCOMPARE(training.at("after").at("top1").get<double>(), double(trace) / double(val));
        QCOMPARE(page.summaryTable()->item(0, 1)->text(), shown(double(trace) / double(val)));
        for (int c = 0; c < 3; ++c) {
            qint64 predicted = 0, actual = 0;
            for (int o = 0; o < 3; ++o) {
                predicted += conf->count(o, c);
                actual += conf->count(c, o);
            }
            QVERIFY(actual >= 1);  // the stratified split puts every class in validation
            const double precision = predicted ? double(conf->count(c, c)) / double(predicted) : 0.0;
            const double recall = double(conf->count(c, c)) / double(actual);
            QCOMPARE(page.perClassTable()->item(c, 0)->text(), conf->classes()[c]);
            QCOMPARE(page.perClassTable()->item(c, 1)->text(), shown(precision));
            QCOMPARE(page.perClassTable()->item(c, 2)->text(), shown(recall));
        }

        // Activate hands the package path on.
        QSignalSpy activate(&page, &TrainingPage::activateRequested);
        QVERIFY(page.activateButton()->isEnabled());
        page.activateButton()->click();
        QCOMPARE(activate.count(), 1);
        QCOMPARE(activate.at(0).at(0).toString(), pkg);

        // The same name again is refused rather than overwritten.
        page.setOutputName(QStringLiteral("probe"));
        QVERIFY(!page.start());
        QVERIFY(page.errorBanner()->reason().contains(QStringLiteral("already exists")));
    }

    // "Start from" says which installed starter a scratch run would load, and why none.
    void startChoiceNamesTheStarter() {
        JobCentre jobs;
        TrainingPage page(&jobs);
        prepare(page, QStringLiteral("registry-start"), TrainingPage::Mode::Scratch, QStringLiteral("standard"));
        auto* choice = page.findChild<QComboBox*>(QStringLiteral("initChoice"));
        auto* hint = page.findChild<QLabel*>(QStringLiteral("initHint"));
        QVERIFY(choice && hint);
        QVERIFY(choice->isEnabled());
        // The shipped mini starter is installed in the build tree beside the programs.
        QVERIFY2(hint->text().contains(QStringLiteral("“diffclip-mini”")), qPrintable(hint->text()));
        // Comparing attention kinds: a standard-attention starter is shipped too, so both sides start from one.
        page.setCompareAttention(true);
        QVERIFY2(hint->text().contains(QStringLiteral("“diffclip-mini”")) && hint->text().contains(QStringLiteral("“clip-mini”")),
                 qPrintable(hint->text()));
        page.setCompareAttention(false);
        choice->setCurrentIndex(choice->findData(QStringLiteral("random")));
        QVERIFY2(hint->text().contains(QStringLiteral("random weights")), qPrintable(hint->text()));
        choice->setCurrentIndex(choice->findData(QStringLiteral("auto")));
        page.setArchitecture(QStringLiteral("preset:diffclip-tiny"));
        QVERIFY2(hint->text().startsWith(QStringLiteral("No installed starter fits")), qPrintable(hint->text()));
        page.setMode(TrainingPage::Mode::Linear);
        QVERIFY(!choice->isEnabled());
        QVERIFY(!hint->isVisible());
    }

    // Self-supervised on a folder of photos without class folders: no class check, a starter in
    // <registry>/.starters that "Start from" then offers, its hint naming it, and the same model
    // as a search package in the registry.
    void selfSupervisedWritesAStarter() {
        const QString loose = m_tmp.filePath(QStringLiteral("loose"));
        QVERIFY(QDir().mkpath(loose));
        for (int i = 0; i < 12; ++i) writePhoto(loose + QStringLiteral("/photo%1.png").arg(i), i % 3, i);
        JobCentre jobs;
        TrainingPage page(&jobs);
        const QString registry = m_tmp.filePath(QStringLiteral("registry-ssl"));
        page.resize(1400, 900);
        page.show();
        page.setRegistryDir(registry);
        page.setDataFolder(loose);
        page.setMode(TrainingPage::Mode::SelfSupervised);
        page.setPreset(QStringLiteral("quick"));
        page.setArchitecture(QStringLiteral("preset:diffclip-tiny"));
        auto* choice = page.findChild<QComboBox*>(QStringLiteral("initChoice"));
        QVERIFY(choice && choice->isEnabled());
        choice->setCurrentIndex(choice->findData(QStringLiteral("random")));
        page.setTimeBudgetMinutes(0.1);
        page.setOutputName(QStringLiteral("plant-ssl"));
        QTRY_VERIFY_WITH_TIMEOUT(!page.isListing(), kWait);
        QVERIFY2(page.statusLabel()->text().contains(QStringLiteral("Self-supervised")), qPrintable(page.statusLabel()->text()));
        QSignalSpy finished(&page, &TrainingPage::trainingFinished);
        QVERIFY(page.start());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(page.errorBanner()->details()));
        const QString starter = registry + QStringLiteral("/.starters/plant-ssl");
        QVERIFY(QFileInfo::exists(starter + QStringLiteral("/starter.json")));
        // The same model as a search package in the registry (photo search before any label).
        QVERIFY(QFileInfo::exists(registry + QStringLiteral("/plant-ssl/model.safetensors")));
        QCOMPARE(readJson(registry + QStringLiteral("/plant-ssl/training.json")).at("mode").get<std::string>(),
                 std::string("self-supervised"));
        QVERIFY2(page.statusLabel()->text().contains(QStringLiteral("plant-ssl")), qPrintable(page.statusLabel()->text()));
        // Offered under "Start from" for a scratch run, with a hint naming it.
        page.setMode(TrainingPage::Mode::Scratch);
        const int mine = choice->findData(starter);
        QVERIFY2(mine >= 0, qPrintable(starter));
        choice->setCurrentIndex(mine);
        auto* hint = page.findChild<QLabel*>(QStringLiteral("initHint"));
        QVERIFY2(hint->text().contains(QStringLiteral("“plant-ssl”")), qPrintable(hint->text()));
        // The same name again: refused before anything runs.
        page.setMode(TrainingPage::Mode::SelfSupervised);
        page.setOutputName(QStringLiteral("plant-ssl"));
        QVERIFY(!page.start());
        QVERIFY(page.errorBanner()->isVisible());
    }

    void scratchComparesAttentionKinds() {
        JobCentre jobs;
        TrainingPage page(&jobs);
        const QString registry = prepare(page, QStringLiteral("registry-compare"), TrainingPage::Mode::Scratch,
                                         QStringLiteral("quick"), QStringLiteral("preset:diffclip-tiny"));
        page.setCompareAttention(true);
        page.setOutputName(QStringLiteral("ab"));
        QSignalSpy finished(&page, &TrainingPage::trainingFinished);
        QVERIFY(page.start());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(page.errorBanner()->details()));
        // One curve per variant on every chart, a package per variant.
        for (QCustomPlot* p : {page.lossPlot(), page.validationPlot(), page.learningRatePlot()}) {
            QCOMPARE(p->graphCount(), 2);
            QVERIFY(p->graph(0)->dataCount() > 0 && p->graph(1)->dataCount() > 0);
        }
        QCOMPARE(page.validationPlot()->graph(0)->dataCount(), 15);  // the quick preset's epochs
        QVERIFY(QFileInfo::exists(registry + QStringLiteral("/ab-differential/training.json")));
        QVERIFY(QFileInfo::exists(registry + QStringLiteral("/ab-standard/training.json")));
        QVERIFY(!QFileInfo::exists(registry + QStringLiteral("/.checkpoints/ab")));
        auto* variant = page.findChild<QComboBox*>();
        QVERIFY(variant);
        for (QComboBox* c : page.findChildren<QComboBox*>())
            if (c->accessibleName() == QStringLiteral("Attention variant")) variant = c;
        QCOMPARE(variant->count(), 2);
        QCOMPARE(page.confusionView()->classCount(), 3);
        QSignalSpy activate(&page, &TrainingPage::activateRequested);
        page.activateButton()->click();
        QVERIFY(activate.at(0).at(0).toString().endsWith(QStringLiteral("/ab-differential")));
        variant->setCurrentIndex(1);
        Q_EMIT variant->activated(1);
        page.activateButton()->click();
        QVERIFY(activate.at(1).at(0).toString().endsWith(QStringLiteral("/ab-standard")));
        const diffclip::Json standard = readJson(registry + QStringLiteral("/ab-standard/training.json"));
        QCOMPARE(page.confusionView()->total(), standard.at("after").at("count").get<qint64>());
        // The After column says which views the package's search averages.
        const int views = standard.at("test_time_flips").at("views").get<int>();
        const QString tip = page.summaryTable()->horizontalHeaderItem(1)->toolTip();
        QVERIFY2(tip.contains(views > 1 ? QStringLiteral("Search averages 4 flipped views")
                                        : QStringLiteral("Search embeds each photo once")),
                 qPrintable(tip));
    }

    void libraryLabelsBecomeClassFolders() {
        QVERIFY2(QFileInfo::exists(kModel), qPrintable(QStringLiteral("missing shared fixture: ") + kModel));
        const QString lib = m_tmp.filePath(QStringLiteral("labels.dclib"));
        auto ws = diffclip::Workspace::open(QFile::encodeName(lib).toStdString(), QFile::encodeName(kModel).toStdString());
        QVERIFY2(ws.ok(), ws.ok() ? "" : ws.error().describe().c_str());
        std::shared_ptr<diffclip::Workspace> workspace(std::move(ws).value());
        diffclip::IndexOptions options;
        options.labelsFromFolders = true;
        auto indexed = workspace->index({QFile::encodeName(m_data).toStdString()}, options);
        QVERIFY2(indexed.ok(), indexed.ok() ? "" : indexed.error().describe().c_str());

        JobCentre jobs;
        TrainingPage page(&jobs);
        page.setRegistryDir(m_tmp.filePath(QStringLiteral("registry-labels")));
        page.setWorkspace(workspace);
        QCOMPARE(page.baseModel(), QString::fromStdString(workspace->modelSpec()));  // the active model
        QSignalSpy finished(&jobs, &JobCentre::jobFinished);
        page.useLibraryLabels();
        QVERIFY(page.isBusy());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QTRY_VERIFY(!page.isBusy());
        // The mirrored tree lies in the app's data folder and lists the labelled classes.
        QVERIFY2(page.dataFolder().startsWith(m_tmp.filePath(QStringLiteral("xdg/diffclip-studio/training-data/"))),
                 qPrintable(page.dataFolder()));
        QTRY_VERIFY(!page.isListing());
        QCOMPARE(page.classPreview().size(), 3);
        for (const auto& c : page.classPreview()) QCOMPARE(c.photos, 6);
    }

    void mainWindowHasTheTrainingPage() {
        // Settings of its own, so the window reopens nothing of the user's.
        testsupport::useOwnSettings(m_tmp.filePath(QStringLiteral("settings")));
        diffclip::ui::MainWindow window;
        using Page = diffclip::ui::MainWindow::Page;
        QVERIFY(window.trainingPage());
        // After the existing pages, before the PoC page (the last).
        QCOMPARE(window.pages()[window.pages().size() - 2], Page::Training);
        QCOMPARE(window.pages().back(), Page::Poc);
        QCOMPARE(diffclip::ui::MainWindow::pageKey(Page::Training), QStringLiteral("training"));
        QCOMPARE(window.pageShortcut(Page::Training),
                 QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + int(window.pages().size()) - 2)));
        QCOMPARE(window.pageWidget(Page::Training), static_cast<QWidget*>(window.trainingPage()));
        // Activate goes to the Models page, which makes the package the active model.
        window.showPage(Page::Training);
        Q_EMIT window.trainingPage()->activateRequested(m_tmp.filePath(QStringLiteral("no-such-package")));
        QCOMPARE(window.currentPage(), Page::Models);
    }

    void baseModelFitsTheDefaultWindow() {
        // The default window is 1,120 px wide; the base model's name must show whole there, in
        // English and in Japanese (longer labels), without making the window wider.
        testsupport::useOwnSettings(m_tmp.filePath(QStringLiteral("settings")));
        const QString shots = qEnvironmentVariable("DIFFCLIP_TEST_SHOTS");  // set to look at the pictures
        for (const QString& language : {QStringLiteral("en"), QStringLiteral("ja")}) {
            QTranslator translator;
            if (language == QLatin1String("ja")) {
                QVERIFY(translator.load(QStringLiteral(":/i18n/diffclip_ja")));
                QCoreApplication::installTranslator(&translator);
            }
            diffclip::ui::MainWindow window;
            window.resize(1120, 800);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.showPage(diffclip::ui::MainWindow::Page::Training);
            TrainingPage* page = window.trainingPage();
            page->setBaseModel(kModel);
            // By object name: its accessible name is translated.
            auto* base = page->findChild<QComboBox*>(QStringLiteral("baseModel"));
            QVERIFY(base && base->lineEdit());
            const QLineEdit* edit = base->lineEdit();
            QCOMPARE(edit->text(), QStringLiteral("diffclip-tiny-a/model.safetensors"));
            // QLineEdit keeps 2 px free on each side of its text.
            QTRY_VERIFY2(edit->fontMetrics().horizontalAdvance(edit->text()) + 4 <= edit->contentsRect().width(),
                         qPrintable(QStringLiteral("%1: %2 px of text in a %3 px field")
                                        .arg(language)
                                        .arg(edit->fontMetrics().horizontalAdvance(edit->text()))
                                        .arg(edit->contentsRect().width())));
            QCOMPARE(window.width(), 1120);
            if (!shots.isEmpty()) {
                QVERIFY(window.grab().save(QDir(shots).filePath(QStringLiteral("training-1120-%1.png").arg(language))));
                window.resize(800, 600);
                QTest::qWait(50);  // only to let the layout settle for the picture; nothing is asserted on time
                QVERIFY(window.grab().save(QDir(shots).filePath(QStringLiteral("training-800-%1.png").arg(language))));
            }
            QCoreApplication::removeTranslator(&translator);
        }
    }

    void cancelledScratchKeepsCheckpointAndResumes() {
        JobCentre jobs;
        TrainingPage page(&jobs);
        // The standard preset's 60 epochs: far more than the test waits for.
        const QString registry = prepare(page, QStringLiteral("registry-cancel"), TrainingPage::Mode::Scratch,
                                         QStringLiteral("standard"), QStringLiteral("preset:diffclip-tiny"));
        page.setOutputName(QStringLiteral("scratch"));
        QSignalSpy finished(&page, &TrainingPage::trainingFinished);
        QVERIFY(page.start());
        const QString state = page.checkpointDir() + QStringLiteral("/run/state.json");
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(state), kWait);
        QTRY_VERIFY_WITH_TIMEOUT(points(page.validationPlot()) >= 1, kWait);
        page.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY(!page.errorBanner()->isVisible());
        QVERIFY(!QFileInfo::exists(registry + QStringLiteral("/scratch")));  // no package
        QVERIFY(QFileInfo::exists(state));                                   // the checkpoint stays
        QVERIFY2(page.statusLabel()->text().contains(QStringLiteral("checkpoint kept")), qPrintable(page.statusLabel()->text()));
        QVERIFY(points(page.lossPlot()) >= 1);
        QVERIFY(points(page.learningRatePlot()) >= 1);
        QVERIFY(page.activateButton()->isHidden() || !page.activateButton()->isEnabled());

        // Starting again with the same name resumes from that checkpoint.
        QCOMPARE(page.outputName(), QStringLiteral("scratch"));
        QVERIFY(page.start());
        const int id = page.jobId();
        QTRY_VERIFY_WITH_TIMEOUT(jobs.job(id).log.join(QLatin1Char('\n')).contains(QStringLiteral("resuming after epoch")),
                                 kWait);
        page.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kWait);
        QVERIFY(!QFileInfo::exists(registry + QStringLiteral("/scratch")));
        QVERIFY(QFileInfo::exists(state));
    }
};

QTEST_MAIN(TestTrainingPage)
#include "tst_trainingpage.moc"
