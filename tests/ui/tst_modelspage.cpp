// The Models page's registry, offscreen, in the whole main window: a temporary registry
// (XDG_DATA_HOME) with two versions of the tiny fixture model (A, and B with another name, so
// another fingerprint) and a small library of NEU photos embedded by A. Making B active stores
// it in the library, reopens the workspace with it and re-embeds the library as a job; the
// embeddings table then counts both models. Roll back makes A active again. The active model
// cannot be deleted; deleting B removes its folder and, when asked, its embeddings, and the
// library stays consistent. Importing a model file adds a version; broken folders are listed as
// unusable.
#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QTranslator>
#include <QtTest>

#include <memory>

#include "AppSettings.h"
#include "ErrorBanner.h"
#include "JobCentre.h"
#include "MainWindow.h"
#include "ModelsPage.h"
#include "RegistryModel.h"
#include "diffclip/indexing/Workspace.h"
#include "diffclip/library/Library.h"

#include "../support/TestSupport.h"
#include "../support/Translators.h"

using namespace diffclip::ui;
using testsupport::MarkingTranslator;

namespace {

const QString kFixtureDir = QStringLiteral(DIFFCLIP_SHARED_DIR "/fixtures/diffclip-tiny-a");
const QString kPhotos = QStringLiteral(DIFFCLIP_SHARED_DIR "/data/neu-cls");
constexpr int kTimeoutMs = 60000;

diffclip::Library openLib(const QString& path) {
    auto lib = diffclip::Library::open(QFile::encodeName(path).toStdString());
    if (!lib) qFatal("cannot open %s: %s", qPrintable(path), lib.error().describe().c_str());
    return std::move(lib).value();
}

// A package folder from the fixture, with `name` in its config.json (part of the fingerprint).
bool makePackage(const QString& dir, const QString& name) {
    if (!QDir().mkpath(dir)) return false;
    QFile in(kFixtureDir + QStringLiteral("/config.json"));
    if (!in.open(QIODevice::ReadOnly)) return false;
    QJsonObject config = QJsonDocument::fromJson(in.readAll()).object();
    config.insert(QStringLiteral("name"), name);
    QFile out(dir + QStringLiteral("/config.json"));
    if (!out.open(QIODevice::WriteOnly)) return false;
    out.write(QJsonDocument(config).toJson());
    out.close();
    return QFile::copy(kFixtureDir + QStringLiteral("/model.safetensors"), dir + QStringLiteral("/model.safetensors"));
}

std::map<std::string, int64_t> countsByName(const QString& libPath) {
    auto lib = openLib(libPath);
    std::map<std::string, int64_t> out;
    auto counts = lib.embeddingCountsByModel();
    if (counts)
        for (const auto& c : *counts) out[c.model.name] = c.embeddings;
    return out;
}

std::string activeOf(const QString& libPath) {
    auto lib = openLib(libPath);
    auto s = lib.setting("active_model");
    return s ? *s : std::string("<error>");
}

}  // namespace

class TestModelsPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void registryListed();
    void architectureIsTranslated();
    void activateReembedsAndRollBack();
    void deleteRefusedForActiveAndDeletesOther();
    void importAddsVersion();
    void brokenFolderIsUnusable();

private:
    QString libPath() const { return m_dir.filePath(QStringLiteral("photos.dclib")); }
    QString pkgA() const { return QDir::cleanPath(m_registry + QStringLiteral("/tiny-a")); }
    QString pkgB() const { return QDir::cleanPath(m_registry + QStringLiteral("/tiny-b")); }

    QTemporaryDir m_settingsDir;
    QTemporaryDir m_dir;
    QString m_registry;
    std::unique_ptr<MainWindow> m_window;
};

void TestModelsPage::initTestCase() {
    QVERIFY(m_settingsDir.isValid());
    QVERIFY(m_dir.isValid());
    testsupport::useOwnSettings(m_settingsDir.path());
    // The registry lives under XDG_DATA_HOME: point it at the test's folder.
    qputenv("XDG_DATA_HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("xdg"))));
    m_registry = AppSettings::modelRegistryDir();
    QVERIFY2(m_registry.startsWith(m_dir.path()), qPrintable(m_registry));
    QVERIFY(makePackage(pkgA(), QStringLiteral("Tiny A")));
    QVERIFY(makePackage(pkgB(), QStringLiteral("Tiny B")));

    // Four photos embedded by A (the library's active model).
    {
        auto ws = diffclip::Workspace::open(QFile::encodeName(libPath()).toStdString(),
                                            QFile::encodeName(pkgA()).toStdString());
        QVERIFY2(ws.ok(), ws.ok() ? "" : ws.error().describe().c_str());
        std::vector<std::string> photos;
        for (const char* cls : {"crazing", "scratches"})
            for (int n = 1; n <= 2; ++n)
                photos.push_back(QFile::encodeName(QStringLiteral("%1/%2/%2_%3.jpg").arg(kPhotos).arg(QLatin1String(cls)).arg(n))
                                     .toStdString());
        auto summary = (*ws)->index(photos, diffclip::IndexOptions{});
        QVERIFY2(summary.ok(), summary.ok() ? "" : summary.error().describe().c_str());
        QCOMPARE(summary->added, int64_t(4));
    }
    QCOMPARE(countsByName(libPath())[pkgA().toStdString()], int64_t(4));

    m_window = std::make_unique<MainWindow>();
    m_window->resize(1400, 1000);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestModelsPage::cleanupTestCase() { m_window.reset(); }

void TestModelsPage::registryListed() {
    ModelsPage* page = m_window->modelsPage();
    QCOMPARE(page->registryRoot(), QDir::cleanPath(m_registry));
    const RegistryModel* model = page->registryModel();
    QCOMPARE(model->rowCount(), 2);
    QVERIFY(model->rowOf(pkgA()) >= 0);
    QVERIFY(model->rowOf(pkgB()) >= 0);
    const QModelIndex nameA = model->index(model->rowOf(pkgA()), RegistryModel::NameColumn);
    QVERIFY(nameA.data().toString().contains(QStringLiteral("Tiny A")));
    QVERIFY(model->index(nameA.row(), RegistryModel::ArchitectureColumn).data().toString().contains(QStringLiteral("patch 8")));
    QVERIFY(model->data(nameA, RegistryModel::UsableRole).toBool());

    // Open the library: the workspace opens with the library's own active model, A.
    QSignalSpy finished(m_window.get(), &MainWindow::workspaceOpenFinished);
    m_window->openLibrary(libPath());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY(finished.at(0).at(0).toBool());
    QTRY_COMPARE_WITH_TIMEOUT(page->activeModelPath(), pkgA(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(model->data(model->index(model->rowOf(pkgA()), 0), RegistryModel::ActiveRole).toBool(),
                             kTimeoutMs);
    QCOMPARE(model->index(model->rowOf(pkgA()), RegistryModel::StatusColumn).data().toString(), QStringLiteral("Active"));
    QTRY_COMPARE_WITH_TIMEOUT(page->embeddingCounts().size(), 1, kTimeoutMs);
    QCOMPARE(page->embeddingCounts().first().registryId, QStringLiteral("tiny-a"));
    QCOMPARE(page->embeddingCounts().first().embeddings, qint64(4));
    // The active one cannot be made active again or deleted from the buttons.
    QVERIFY(page->selectRegistryModel(pkgA()));
    QVERIFY(!page->findChild<QPushButton*>(QStringLiteral("makeActiveButton"))->isEnabled());
    QVERIFY(!page->findChild<QPushButton*>(QStringLiteral("deleteModelButton"))->isEnabled());
    QVERIFY(page->selectRegistryModel(pkgB()));
    QVERIFY(page->findChild<QPushButton*>(QStringLiteral("makeActiveButton"))->isEnabled());
}

void TestModelsPage::architectureIsTranslated() {
    // The architecture line is worded in the UI from the config's figures, each word through
    // tr(): with a marking translator every piece comes out marked, and the figures are kept.
    ModelsPage* page = m_window->modelsPage();
    const RegistryModel* model = page->registryModel();
    MarkingTranslator marking;
    QVERIFY(QCoreApplication::installTranslator(&marking));
    const QString column = model->index(model->rowOf(pkgA()), RegistryModel::ArchitectureColumn).data().toString();
    QVERIFY(page->selectRegistryModel(pkgB()));
    QVERIFY(page->selectRegistryModel(pkgA()));  // the details are worded again
    const auto* details = page->findChild<QLabel*>(QStringLiteral("registryDetails"));
    QVERIFY(details);
    QString detailsText = details->text();
    detailsText.remove(QChar(0x200B));  // the break opportunities the details put after each '/'
    QCoreApplication::removeTranslator(&marking);
    QVERIFY2(column.startsWith(QStringLiteral("⟦")) && column.endsWith(QStringLiteral("⟧")), qPrintable(column));
    QVERIFY2(!column.contains(QStringLiteral("differential, ViT")), qPrintable(column));  // not the core's English line
    for (const char* figure : {"32", "8", "48", "2", "24"}) QVERIFY2(column.contains(QLatin1String(figure)), figure);
    QVERIFY2(detailsText.contains(column.toHtmlEscaped()), qPrintable(detailsText));
    // Untranslated (English), it reads as a line of plain words.
    const QString english = model->index(model->rowOf(pkgA()), RegistryModel::ArchitectureColumn).data().toString();
    QCOMPARE(english, QStringLiteral("differential attention, ViT 32 px / patch 8, width 48 × 2 blocks, embedding 24"));
}

void TestModelsPage::activateReembedsAndRollBack() {
    ModelsPage* page = m_window->modelsPage();
    JobCentre* jobs = m_window->jobCentre();
    QSignalSpy reembedded(page, &ModelsPage::reembedFinished);
    QSignalSpy changed(page, &ModelsPage::activeModelChanged);

    // Make B active, from the keyboard: select its row and press Enter.
    QVERIFY(page->selectRegistryModel(pkgB()));
    auto* view = page->findChild<QTableView*>(QStringLiteral("registryView"));
    QVERIFY(view);
    m_window->showPage(MainWindow::Page::Models);
    m_window->activateWindow();
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, kTimeoutMs);
    QCOMPARE(changed.at(0).at(0).toString(), pkgB());
    QTRY_COMPARE_WITH_TIMEOUT(reembedded.count(), 1, kTimeoutMs);
    QVERIFY(reembedded.at(0).at(0).toBool());
    QCOMPARE(QString::fromStdString(m_window->workspace()->modelSpec()), pkgB());
    QCOMPARE(activeOf(libPath()), pkgB().toStdString());

    // The re-embedding ran as a job in the jobs centre, to completion.
    bool sawJob = false;
    for (const JobInfo& info : jobs->jobs()) {
        if (info.kind != JobKind::Reembedding) continue;
        sawJob = true;
        QCOMPARE(info.state, JobState::Succeeded);
        QCOMPARE(info.total, qint64(4));
        QCOMPARE(info.done, qint64(4));
    }
    QVERIFY(sawJob);

    // Both models' embeddings are counted, in the library and in the page's table.
    auto counts = countsByName(libPath());
    QCOMPARE(counts[pkgA().toStdString()], int64_t(4));
    QCOMPARE(counts[pkgB().toStdString()], int64_t(4));
    // The table is read in the background (also while the job ran): wait for the final counts.
    auto bothCounted = [page] {
        const auto rows = page->embeddingCounts();
        if (rows.size() != 2) return false;
        QStringList ids;
        for (const auto& c : rows) {
            if (c.embeddings != 4) return false;
            ids << c.registryId;
        }
        ids.sort();
        return ids == QStringList{QStringLiteral("tiny-a"), QStringLiteral("tiny-b")};
    };
    QTRY_VERIFY_WITH_TIMEOUT(bothCounted(), kTimeoutMs);
    auto* table = page->findChild<QTableWidget*>(QStringLiteral("embeddingsTable"));
    QCOMPARE(table->rowCount(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(page->activeModelPath(), pkgB(), kTimeoutMs);

    // Roll back: A again, one action.
    QTRY_COMPARE_WITH_TIMEOUT(page->rollBackTarget(), pkgA(), kTimeoutMs);
    QVERIFY(page->findChild<QPushButton*>(QStringLiteral("rollBackButton"))->isEnabled());
    page->findChild<QPushButton*>(QStringLiteral("rollBackButton"))->click();
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 2, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(reembedded.count(), 2, kTimeoutMs);  // nothing left to embed, still a job
    QCOMPARE(QString::fromStdString(m_window->workspace()->modelSpec()), pkgA());
    QCOMPARE(activeOf(libPath()), pkgA().toStdString());
    QTRY_COMPARE_WITH_TIMEOUT(page->activeModelPath(), pkgA(), kTimeoutMs);
    auto lib = openLib(libPath());
    QCOMPARE(*lib.activeModelHistory(), (std::vector<std::string>{pkgA().toStdString(), pkgB().toStdString()}));
}

void TestModelsPage::deleteRefusedForActiveAndDeletesOther() {
    ModelsPage* page = m_window->modelsPage();
    QTRY_COMPARE_WITH_TIMEOUT(page->activeModelPath(), pkgA(), kTimeoutMs);
    const ErrorBanner* banner = page->findChild<ErrorBanner*>();
    QVERIFY(banner);

    // The active model is refused, with a reason in plain words; nothing is touched.
    QVERIFY(!page->deleteModel(pkgA(), true));
    QVERIFY(banner->reason().contains(QStringLiteral("active model")));
    QVERIFY(QFileInfo::exists(pkgA() + QStringLiteral("/model.safetensors")));
    // Outside the registry: refused too.
    QVERIFY(!page->deleteModel(m_dir.path(), false));
    QVERIFY(QFileInfo::exists(libPath()));

    // B, from the keyboard: Delete in the list asks first, offering to delete its 4 embeddings.
    QSignalSpy deleted(page, &ModelsPage::modelDeleted);
    QVERIFY(page->selectRegistryModel(pkgB()));
    auto* view = page->findChild<QTableView*>(QStringLiteral("registryView"));
    bool dialogSeen = false;
    QString checkText;
    // The dialog runs its own event loop: answer it from a timer once it is up.
    QTimer answer;
    answer.setInterval(20);
    connect(&answer, &QTimer::timeout, this, [&] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box || !box->isVisible()) return;
        answer.stop();
        dialogSeen = true;
        QCheckBox* also = box->checkBox();
        if (!also) {
            box->reject();
            return;
        }
        checkText = also->text();
        also->setChecked(true);
        for (QAbstractButton* b : box->buttons())
            if (box->buttonRole(b) == QMessageBox::DestructiveRole) b->click();
    });
    answer.start();
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Delete);
    answer.stop();
    QVERIFY(dialogSeen);
    QVERIFY2(checkText.contains(QStringLiteral("4 embedding")), qPrintable(checkText));
    QTRY_COMPARE_WITH_TIMEOUT(deleted.count(), 1, kTimeoutMs);
    QVERIFY(!QFileInfo::exists(pkgB()));
    QCOMPARE(page->registryModel()->rowCount(), 1);
    auto counts = countsByName(libPath());
    QCOMPARE(counts.size(), size_t(1));
    QCOMPARE(counts[pkgA().toStdString()], int64_t(4));
    QTRY_COMPARE_WITH_TIMEOUT(page->embeddingCounts().size(), 1, kTimeoutMs);
    QCOMPARE(page->embeddingCounts().first().registryId, QStringLiteral("tiny-a"));
    QCOMPARE(page->embeddingCounts().first().embeddings, qint64(4));
    auto lib = openLib(libPath());
    auto report = lib.check();
    QVERIFY(report.ok());
    QVERIFY2(report->clean(), report->problems.empty() ? "" : report->problems.front().c_str());
    QCOMPARE(lib.listImages()->size(), size_t(4));  // photos and labels stay
    // The workspace still searches with A.
    QCOMPARE(m_window->workspace()->notEmbeddedCount().value(), int64_t(0));
}

void TestModelsPage::importAddsVersion() {
    ModelsPage* page = m_window->modelsPage();
    QSignalSpy imported(page, &ModelsPage::modelImported);
    QSignalSpy failed(page, &ModelsPage::registryActionFailed);
    page->importModel(kFixtureDir + QStringLiteral("/model.safetensors"));
    QTRY_COMPARE_WITH_TIMEOUT(imported.count() + failed.count(), 1, kTimeoutMs);
    QCOMPARE(imported.count(), 1);
    const QString created = imported.at(0).at(0).toString();
    QVERIFY2(QFileInfo::exists(created + QStringLiteral("/model.safetensors")), qPrintable(created));
    QVERIFY(QFileInfo::exists(created + QStringLiteral("/config.json")));
    QCOMPARE(QFileInfo(created).absolutePath(), QDir::cleanPath(m_registry));
    QCOMPARE(page->registryModel()->rowCount(), 2);
    QCOMPARE(page->selectedRegistryPath(), created);
    QVERIFY(page->registryModel()->entryAt(page->registryModel()->rowOf(created)).usable);

    // A file that is not a model: a plain-words error, no new version.
    QFile junk(m_dir.filePath(QStringLiteral("junk.safetensors")));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write("this is not a model");
    junk.close();
    page->importModel(junk.fileName());
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
    QVERIFY(!page->errorBanner()->reason().isEmpty());
    QCOMPARE(page->registryModel()->rowCount(), 2);
}

void TestModelsPage::brokenFolderIsUnusable() {
    ModelsPage* page = m_window->modelsPage();
    QVERIFY(QDir().mkpath(m_registry + QStringLiteral("/broken")));
    QFile cfg(m_registry + QStringLiteral("/broken/config.json"));
    QVERIFY(cfg.open(QIODevice::WriteOnly));
    cfg.write("{ not json");
    cfg.close();
    QVERIFY(QDir().mkpath(m_registry + QStringLiteral("/training-run.partial")));
    page->refreshRegistry();
    const RegistryModel* model = page->registryModel();
    QCOMPARE(model->rowCount(), 3);  // the .partial folder is not a version
    const int row = model->rowOf(m_registry + QStringLiteral("/broken"));
    QVERIFY(row >= 0);
    QVERIFY(!model->data(model->index(row, 0), RegistryModel::UsableRole).toBool());
    QVERIFY(model->index(row, RegistryModel::StatusColumn).data().toString().startsWith(QStringLiteral("Unusable:")));
    QVERIFY(page->selectRegistryModel(m_registry + QStringLiteral("/broken")));
    QVERIFY(!page->findChild<QPushButton*>(QStringLiteral("makeActiveButton"))->isEnabled());
    QSignalSpy failed(page, &ModelsPage::registryActionFailed);
    page->activateModel(m_registry + QStringLiteral("/broken"));
    QCOMPARE(failed.count(), 1);
    QVERIFY(page->errorBanner()->reason().contains(QStringLiteral("cannot be used")));
}

QTEST_MAIN(TestModelsPage)
#include "tst_modelspage.moc"
