// The Library page and the jobs centre, offscreen, on real photos of the NEU surface-defect set:
// labelling several photos with a class key updates the library and Ctrl+Z / Ctrl+Shift+Z undo
// and redo it; metadata edits are stored; filters, thumbnails and the failed-files view work;
// mirroring labels to class folders is idempotent; the jobs centre runs, cancels and reports
// jobs and carries the core's job contract (stage, counts, messages, cancel token) to them;
// cancelling an indexing job leaves the library consistent, and a second run completes it.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolButton>
#include <QTranslator>
#include <QTreeWidget>
#include <QUndoStack>
#include <QtTest>

#include <atomic>
#include <memory>
#include <thread>

#include "AddPhotosDialog.h"
#include "AutoLabelDialog.h"
#include "ErrorBanner.h"
#include "JobCentre.h"
#include "JobsPage.h"
#include "LabelTree.h"
#include "LibraryFilterBar.h"
#include "LibraryHeader.h"
#include "LibraryModel.h"
#include "LibraryPage.h"
#include "diffclip/indexing/Workspace.h"
#include "diffclip/library/Library.h"

#include "../support/TestSupport.h"
#include "../support/Translators.h"

using namespace diffclip::ui;
using testsupport::LongerTranslator;
using testsupport::MarkingTranslator;

namespace {

const QString kPhotos = QStringLiteral(DIFFCLIP_SHARED_DIR "/data/neu-cls");
const QString kModel = QStringLiteral(DIFFCLIP_SHARED_DIR "/fixtures/diffclip-tiny-a/model.safetensors");
constexpr int kTimeoutMs = 60000;

std::string fakeHash(int k) {
    std::string h(64, 'a');
    const std::string tail = std::to_string(k);
    h.replace(64 - tail.size(), tail.size(), tail);
    return h;
}

QString photo(const char* cls, int n) { return QStringLiteral("%1/%2/%2_%3.jpg").arg(kPhotos).arg(QLatin1String(cls)).arg(n); }

diffclip::Library openLib(const QString& path) {
    auto lib = diffclip::Library::open(QFile::encodeName(path).toStdString());
    if (!lib) qFatal("cannot open %s: %s", qPrintable(path), lib.error().describe().c_str());
    return std::move(lib).value();
}

QString labelOf(const QString& libPath, int64_t id) {
    auto lib = openLib(libPath);
    auto l = lib.label(id);
    return l ? QString::fromStdString(*l) : QStringLiteral("<error>");
}

// A library of `count` rows pointing at NEU photos of `cls`; returns their ids.
std::vector<int64_t> makeLibrary(const QString& path, const char* cls, int count) {
    auto lib = openLib(path);
    std::vector<int64_t> ids;
    for (int n = 1; n <= count; ++n) {
        diffclip::ImageRecord r;
        r.path = QFile::encodeName(photo(cls, n)).toStdString();
        r.contentHash = fakeHash(1000 + n);
        r.size = QFileInfo(photo(cls, n)).size();
        auto id = lib.upsertImage(r);
        if (!id) qFatal("cannot add %s: %s", r.path.c_str(), id.error().describe().c_str());
        ids.push_back(*id);
    }
    return ids;
}

// Shows `page` and opens `file` in it; true once the photos are read.
bool showWithLibrary(LibraryPage& page, const QString& file) {
    page.show();
    if (!QTest::qWaitForWindowExposed(&page)) return false;
    QSignalSpy reloaded(&page, &LibraryPage::reloaded);
    page.openLibrary(file);
    return QTest::qWaitFor([&] { return reloaded.count() > 0; }, kTimeoutMs);
}

// Installs a MarkingTranslator for the scope of a test.
struct Marked {
    MarkingTranslator translator{true};  // Qt's own texts stay unmarked
    Marked() { QCoreApplication::installTranslator(&translator); }
    ~Marked() { QCoreApplication::removeTranslator(&translator); }
};

}  // namespace

class TestLibraryPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void labellingWithKeysAndUndo();
    void metadataIsSaved();
    void filtersThumbnailsAndFailures();
    void mirrorIsIdempotent();
    void jobCentreRunsCancelsAndReports();
    void jobCentreAdaptsTheJobContract();
    void jobHistoryOutlivesTheSession();
    void cancelledIndexingLeavesLibraryConsistent();
    void autoLabelSettingsAreChecked();
    void autoLabelDialogStoresPromptsAndLabels();
    void labellingSaysWhatChanged();
    void metadataDateIsCheckedAndSavingIsSaid();
    void addPhotosChecksBeforeClosing();
    void addPhotosMnemonicsMoveTheFocus();
    void addFolderFromThePage();
    void failedFilesSayWhyInTheUsersLanguage();
    void pageFitsANarrowWindow();
    void rankedViews();

private:
    QString libPath() const { return m_dir.filePath(QStringLiteral("photos.dclib")); }

    QTemporaryDir m_settingsDir;
    QTemporaryDir m_dir;
    std::vector<int64_t> m_ids;  // crazing 1..4, scratches 1..4
};

void TestLibraryPage::initTestCase() {
    QVERIFY(m_settingsDir.isValid());
    QVERIFY(m_dir.isValid());
    testsupport::useOwnSettings(m_settingsDir.path());
    QVERIFY2(QFileInfo::exists(photo("crazing", 1)), qPrintable(photo("crazing", 1)));

    // A library whose rows point at real photos; the first of each class has a folder label,
    // so the classes (keys 1, 2) are "crazing" and "scratches".
    auto lib = openLib(libPath());
    int k = 0;
    for (const char* cls : {"crazing", "scratches"}) {
        for (int n = 1; n <= 4; ++n) {
            diffclip::ImageRecord r;
            r.path = QFile::encodeName(photo(cls, n)).toStdString();
            r.contentHash = fakeHash(++k);
            r.size = QFileInfo(photo(cls, n)).size();
            r.width = 200;
            r.height = 200;
            r.line = n % 2 ? "L1" : "L2";
            r.date = "2024-05-0" + std::to_string(n);
            auto id = lib.upsertImage(r);
            QVERIFY(id.ok());
            m_ids.push_back(*id);
        }
    }
    QVERIFY(lib.setLabel(m_ids[0], "crazing", diffclip::LabelSource::Folder).ok());
    QVERIFY(lib.setLabel(m_ids[4], "scratches", diffclip::LabelSource::Folder).ok());
}

void TestLibraryPage::labellingWithKeysAndUndo() {
    JobCentre jobs;
    LibraryPage page(&jobs);
    page.resize(1200, 800);
    QSignalSpy opened(&page, &LibraryPage::libraryOpened);
    QVERIFY(showWithLibrary(page, libPath()));
    QCOMPARE(opened.count(), 1);
    QCOMPARE(page.photoModel()->rowCount(), 8);
    QCOMPARE(page.classes(), QStringList({QStringLiteral("crazing"), QStringLiteral("scratches")}));

    // Three photos: one with a folder label "crazing", two without any label.
    const std::vector<qint64> chosen{m_ids[0], m_ids[1], m_ids[2]};
    page.selectIds(chosen);
    QCOMPARE(page.selectedIds(), chosen);
    page.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&page));
    page.photoView()->setFocus();
    QSignalSpy changed(&page, &LibraryPage::labelsChanged);
    QTest::keyClick(page.photoView(), Qt::Key_2);  // class 2: scratches
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, kTimeoutMs);
    for (qint64 id : chosen) QCOMPARE(labelOf(libPath(), id), QStringLiteral("scratches"));
    QCOMPARE(page.photoModel()->labelOf(m_ids[1]), QStringLiteral("scratches"));
    QCOMPARE(labelOf(libPath(), m_ids[3]), QString());  // not selected: untouched

    // Undo brings back exactly what was there: the folder label, or none.
    QTest::keyClick(page.photoView(), Qt::Key_Z, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 2, kTimeoutMs);
    QCOMPARE(labelOf(libPath(), m_ids[0]), QStringLiteral("crazing"));
    QCOMPARE(labelOf(libPath(), m_ids[1]), QString());
    QCOMPARE(labelOf(libPath(), m_ids[2]), QString());
    QCOMPARE(page.photoModel()->labelOf(m_ids[0]), QStringLiteral("crazing"));

    QTest::keyClick(page.photoView(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);  // redo
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 3, kTimeoutMs);
    for (qint64 id : chosen) QCOMPARE(labelOf(libPath(), id), QStringLiteral("scratches"));

    // A new class typed by hand, then key 0 clears the manual label again (one undo step each).
    page.selectIds({m_ids[3]});
    page.labelSelected(QStringLiteral("inclusion"));
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 4, kTimeoutMs);
    QCOMPARE(labelOf(libPath(), m_ids[3]), QStringLiteral("inclusion"));
    QVERIFY(page.classes().contains(QStringLiteral("inclusion")));
    page.photoView()->setFocus();
    QTest::keyClick(page.photoView(), Qt::Key_0);
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 5, kTimeoutMs);
    QCOMPARE(labelOf(libPath(), m_ids[3]), QString());
    QCOMPARE(page.undoStack()->count(), 3);
    page.undoStack()->undo();
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 6, kTimeoutMs);
    QCOMPARE(labelOf(libPath(), m_ids[3]), QStringLiteral("inclusion"));

    auto lib = openLib(libPath());
    auto report = lib.check();
    QVERIFY(report.ok());
    QVERIFY(report->clean());
}

void TestLibraryPage::metadataIsSaved() {
    JobCentre jobs;
    LibraryPage page(&jobs);
    QSignalSpy reloaded(&page, &LibraryPage::reloaded);
    page.openLibrary(libPath());
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, kTimeoutMs);
    page.selectIds({m_ids[5]});
    diffclip::ImageRecord values;
    values.product = "bracket";
    values.line = "L3";
    values.lot = "A-17";
    values.date = "2024-06-30";
    values.inspector = "佐藤";
    values.notes = "hairline crack near the weld";
    page.setMetadataFields(values);
    QSignalSpy changed(&page, &LibraryPage::labelsChanged);
    page.saveMetadata();
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, kTimeoutMs);
    QVERIFY(page.errorBanner()->isHidden());
    auto lib = openLib(libPath());
    auto rec = lib.imageById(m_ids[5]);
    QVERIFY(rec.ok());
    QCOMPARE(QString::fromStdString(rec->product), QStringLiteral("bracket"));
    QCOMPARE(QString::fromStdString(rec->line), QStringLiteral("L3"));
    QCOMPARE(QString::fromStdString(rec->inspector), QStringLiteral("佐藤"));
    QCOMPARE(QString::fromStdString(rec->notes), QStringLiteral("hairline crack near the weld"));
    // The grid's row follows, so the text filter finds the note at once.
    page.proxyModel()->setText(QStringLiteral("weld"));
    QCOMPARE(page.proxyModel()->rowCount(), 1);
}

void TestLibraryPage::filtersThumbnailsAndFailures() {
    {
        auto lib = openLib(libPath());
        QVERIFY(lib.recordFailure("/nowhere/broken.jpg", 12, 0, "truncated JPEG").ok());
    }
    JobCentre jobs;
    LibraryPage page(&jobs);
    page.resize(1200, 800);
    QVERIFY(showWithLibrary(page, libPath()));
    QCOMPARE(page.photoModel()->rowCount(), 8);  // the failed file is not in the grid...
    QCOMPARE(page.failuresView()->topLevelItemCount(), 1);  // ...but listed with its reason
    QCOMPARE(page.failuresView()->topLevelItem(0)->text(1), QStringLiteral("truncated JPEG"));

    // Thumbnails are decoded off the GUI thread and arrive as the view asks for them.
    QTRY_VERIFY_WITH_TIMEOUT(page.photoModel()->thumbnailsReady() >= 8, kTimeoutMs);

    LibraryFilterProxy* proxy = page.proxyModel();
    proxy->setLabelFilter(QStringLiteral("scratches"));
    QCOMPARE(proxy->rowCount(), 4);  // scratches_1 (folder) + three set by hand above
    proxy->setLabelFilter(QString());
    proxy->setLineFilter(QStringLiteral("L1"));
    QCOMPARE(proxy->rowCount(), 4);
    proxy->setLineFilter(QString());
    proxy->setDateRange(QStringLiteral("2024-05-02"), QStringLiteral("2024-05-03"));
    QCOMPARE(proxy->rowCount(), 3);  // scratches_2's date was changed to June above
    proxy->setDateRange(QString(), QString());
    proxy->setSortKey(LibraryFilterProxy::SortKey::Date, Qt::DescendingOrder);
    QVERIFY(proxy->index(0, 0).data(LibraryModel::DateRole).toString() >=
            proxy->index(proxy->rowCount() - 1, 0).data(LibraryModel::DateRole).toString());
    proxy->setSortKey(LibraryFilterProxy::SortKey::Name, Qt::AscendingOrder);
    QCOMPARE(proxy->index(0, 0).data(Qt::DisplayRole).toString(), QStringLiteral("crazing_1.jpg"));
}

void TestLibraryPage::mirrorIsIdempotent() {
    const QString target = m_dir.filePath(QStringLiteral("classes"));
    auto first = mirrorLabels(libPath(), target, MirrorMode::Link);
    QVERIFY2(first.ok(), first.ok() ? "" : first.error().describe().c_str());
    QVERIFY(first->created >= 5);
    QCOMPARE(first->skipped, 0);
    QVERIFY(QFileInfo(target + QStringLiteral("/scratches/scratches_1.jpg")).isSymLink());
    auto second = mirrorLabels(libPath(), target, MirrorMode::Link);
    QVERIFY(second.ok());
    QCOMPARE(second->created, 0);
    QCOMPARE(second->removed, 0);
    QCOMPARE(second->unchanged, first->created);

    // Relabelling moves exactly one link; a file of the user's own is never touched.
    {
        auto lib = openLib(libPath());
        QVERIFY(lib.setLabel(m_ids[1], "patches", diffclip::LabelSource::Manual).ok());
    }
    QFile own(target + QStringLiteral("/scratches/mine.txt"));
    QVERIFY(own.open(QIODevice::WriteOnly));
    own.close();
    auto third = mirrorLabels(libPath(), target, MirrorMode::Link);
    QVERIFY(third.ok());
    QCOMPARE(third->created, 1);
    QCOMPARE(third->removed, 1);
    QVERIFY(QFileInfo(target + QStringLiteral("/patches/crazing_2.jpg")).isSymLink());
    QVERIFY(!QFileInfo(target + QStringLiteral("/scratches/crazing_2.jpg")).exists());
    QVERIFY(QFileInfo::exists(target + QStringLiteral("/scratches/mine.txt")));

    // Copies: real files, and again idempotent.
    const QString copies = m_dir.filePath(QStringLiteral("copies"));
    auto c1 = mirrorLabels(libPath(), copies, MirrorMode::Copy);
    QVERIFY(c1.ok());
    QVERIFY(!QFileInfo(copies + QStringLiteral("/patches/crazing_2.jpg")).isSymLink());
    QCOMPARE(QFileInfo(copies + QStringLiteral("/patches/crazing_2.jpg")).size(),
             QFileInfo(photo("crazing", 2)).size());
    auto c2 = mirrorLabels(libPath(), copies, MirrorMode::Copy);
    QVERIFY(c2.ok());
    QCOMPARE(c2->created, 0);
    QCOMPARE(c2->unchanged, c1->created);
    QCOMPARE(labelFolderName(QStringLiteral("../up/and\\out")), QStringLiteral("_.._up_and_out"));
}

void TestLibraryPage::jobCentreRunsCancelsAndReports() {
    JobCentre jobs(nullptr, 1);
    JobsPage page(&jobs);
    QSignalSpy finished(&jobs, &JobCentre::jobFinished);

    // A job that reports progress and succeeds.
    const int ok = jobs.submit(JobKind::Other, QStringLiteral("count"), [](const JobContext& ctx) {
        ctx.control().progress.stage("count", 5);
        for (int i = 1; i <= 5; ++i) {
            ctx.control().progress.update(i);
            ctx.log(QStringLiteral("step %1").arg(i));
        }
        return JobOutcome::success(QStringLiteral("counted to 5"));
    });
    // A job that runs until it is cancelled (checks the token the core would check).
    std::atomic<bool> started{false};
    const int long_ = jobs.submit(JobKind::Other, QStringLiteral("long"), [&started](const JobContext& ctx) {
        started = true;
        while (!ctx.control().cancel.cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return JobOutcome::cancelled(QStringLiteral("stopped"));
    });
    // A failing job and a throwing one: both become failures with a reason.
    const int bad = jobs.submit(JobKind::Other, QStringLiteral("bad"), [](const JobContext&) {
        return JobOutcome::failure(QStringLiteral("It went wrong."), QStringLiteral("detail"));
    });
    const int thrower = jobs.submit(JobKind::Other, QStringLiteral("throws"), [](const JobContext&) -> JobOutcome {
        throw std::runtime_error("boom");
    });
    QCOMPARE(jobs.activeCount(), 4);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(started.load(), kTimeoutMs);
    QCOMPARE(jobs.job(long_).state, JobState::Running);
    page.selectJob(long_);
    page.cancelSelected();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 4, kTimeoutMs);

    QCOMPARE(jobs.job(ok).state, JobState::Succeeded);
    QCOMPARE(jobs.job(ok).done, qint64(5));
    QCOMPARE(jobs.job(ok).outcome.summary, QStringLiteral("counted to 5"));
    QVERIFY(jobs.job(ok).log.contains(QStringLiteral("step 3")));
    QCOMPARE(jobs.job(long_).state, JobState::Cancelled);
    QCOMPARE(jobs.job(bad).state, JobState::Failed);
    QCOMPARE(jobs.job(bad).outcome.errorReason, QStringLiteral("It went wrong."));
    QCOMPARE(jobs.job(thrower).state, JobState::Failed);
    QVERIFY(jobs.job(thrower).outcome.errorDetails.contains(QStringLiteral("boom")));
    QCOMPARE(jobs.activeCount(), 0);

    // Finished jobs stay listed with their outcome, until cleared.
    QCOMPARE(page.list()->topLevelItemCount(), 4);
    page.selectJob(bad);
    QVERIFY(page.logText().contains(QStringLiteral("It went wrong.")));
    QCOMPARE(page.list()->currentItem()->text(1), JobCentre::stateText(JobState::Failed));
    jobs.clearFinished();
    QCOMPARE(page.list()->topLevelItemCount(), 0);
    QCOMPARE(JobCentre::durationText(3725), QStringLiteral("1 h 02 min"));
}

// What the core reports through ctx.control() reaches the job's info, log and row: the stage
// (in words on the Jobs page), its counts, time left of the stage, and messages as log lines.
void TestLibraryPage::jobCentreAdaptsTheJobContract() {
    JobCentre jobs(nullptr, 1);
    JobsPage page(&jobs);
    QSignalSpy finished(&jobs, &JobCentre::jobFinished);
    std::atomic<bool> reported{false}, release{false};
    const int id = jobs.submit(JobKind::Other, QStringLiteral("contract"), [&](const JobContext& ctx) {
        const diffclip::Progress& p = ctx.control().progress;
        p.stage("scan");
        p.stage("decode+embed", 4);
        p.message("a line from the core");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the stage has run a while
        p.update(2);
        reported = true;
        while (!release && !ctx.control().cancel.cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return JobOutcome::success(QStringLiteral("done"));
    });
    QTRY_VERIFY_WITH_TIMEOUT(reported.load() && jobs.job(id).done == 2, kTimeoutMs);
    const JobInfo j = jobs.job(id);
    QCOMPARE(j.stage, QStringLiteral("decode+embed"));
    QCOMPARE(j.total, qint64(4));
    QVERIFY(j.secondsLeft >= 0);  // half the stage done: about as long again
    QVERIFY(j.log.contains(QStringLiteral("a line from the core")));
    page.selectJob(id);
    QCOMPARE(page.list()->currentItem()->text(1), QStringLiteral("Decoding and embedding"));
    release = true;
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(page.list()->currentItem()->text(1), JobCentre::stateText(JobState::Succeeded));
    // Stage names the map does not know are shown as they are.
    QCOMPARE(JobCentre::stageText(QStringLiteral("frobnicate")), QStringLiteral("frobnicate"));
    QCOMPARE(JobCentre::stageText(QStringLiteral("epoch")), QStringLiteral("Training"));
}

void TestLibraryPage::jobHistoryOutlivesTheSession() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString history = dir.filePath(QStringLiteral("state/jobs.json"));
    {
        JobCentre jobs(nullptr, 1);
        QCOMPARE(jobs.setHistoryFile(history), QString());  // no file yet: an empty history
        QSignalSpy finished(&jobs, &JobCentre::jobFinished);
        jobs.submit(JobKind::Indexing, QStringLiteral("index photos"), [](const JobContext& ctx) {
            ctx.control().progress.stage("decode+embed", 3);
            ctx.control().progress.update(3);
            ctx.log(QStringLiteral("3 photos"));
            return JobOutcome::success(QStringLiteral("3 added"));
        });
        jobs.submit(JobKind::Other, QStringLiteral("train"), [](const JobContext&) {
            return JobOutcome::failure(QStringLiteral("No classes."), QStringLiteral("detail"));
        });
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kTimeoutMs);
    }
    {
        // The next session lists both, finished, with their outcome and log.
        JobCentre jobs(nullptr, 1);
        JobsPage page(&jobs);
        QCOMPARE(jobs.setHistoryFile(history), QString());
        const auto list = jobs.jobs();
        QCOMPARE(list.size(), size_t(2));
        QCOMPARE(page.list()->topLevelItemCount(), 2);
        QVERIFY(list[0].earlierSession && list[1].earlierSession);
        QCOMPARE(list[0].kind, JobKind::Indexing);
        QCOMPARE(list[0].state, JobState::Succeeded);
        QCOMPARE(list[0].outcome.summary, QStringLiteral("3 added"));
        QCOMPARE(list[0].done, qint64(3));
        QVERIFY(list[0].log.contains(QStringLiteral("3 photos")));
        QCOMPARE(list[1].state, JobState::Failed);
        QCOMPARE(list[1].outcome.errorReason, QStringLiteral("No classes."));
        QVERIFY(list[1].finished.isValid());
        QCOMPARE(jobs.activeCount(), 0);

        // Only the newest kHistoryMax are kept; clearing empties the file too.
        QSignalSpy finished(&jobs, &JobCentre::jobFinished);
        for (int i = 0; i < JobCentre::kHistoryMax; ++i)
            jobs.submit(JobKind::Other, QStringLiteral("job %1").arg(i),
                        [](const JobContext&) { return JobOutcome::success(QStringLiteral("ok")); });
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), JobCentre::kHistoryMax, kTimeoutMs);
    }
    {
        JobCentre jobs;
        QCOMPARE(jobs.setHistoryFile(history), QString());
        const auto list = jobs.jobs();
        QCOMPARE(int(list.size()), JobCentre::kHistoryMax);
        QCOMPARE(list.front().title, QStringLiteral("job 0"));  // the two oldest dropped
        jobs.clearFinished();
    }
    {
        JobCentre jobs;
        QCOMPARE(jobs.setHistoryFile(history), QString());
        QCOMPARE(jobs.jobs().size(), size_t(0));
    }
    // A damaged file is set aside, said so, and the history starts empty.
    {
        QFile f(history);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("{\"format\": 1, \"jobs\": [");
    }
    JobCentre jobs;
    const QString problem = jobs.setHistoryFile(history);
    QVERIFY(problem.contains(QStringLiteral("damaged")));
    QVERIFY(QFileInfo::exists(history + QStringLiteral(".damaged")));
    QCOMPARE(jobs.jobs().size(), size_t(0));
}

void TestLibraryPage::cancelledIndexingLeavesLibraryConsistent() {
    // 120 photos of two classes, indexed two at a time, so the job is cancelled mid-way.
    QTemporaryDir photos;
    QVERIFY(photos.isValid());
    for (const char* cls : {"patches", "inclusion"}) {
        QVERIFY(QDir(photos.path()).mkdir(QLatin1String(cls)));
        for (int n = 1; n <= 60; ++n)
            QVERIFY(QFile::copy(photo(cls, n), QStringLiteral("%1/%2/%2_%3.jpg").arg(photos.path()).arg(QLatin1String(cls)).arg(n)));
    }
    const QString lib = m_dir.filePath(QStringLiteral("indexed.dclib"));
    auto ws = diffclip::Workspace::open(QFile::encodeName(lib).toStdString(), QFile::encodeName(kModel).toStdString());
    QVERIFY2(ws.ok(), ws.ok() ? "" : ws.error().describe().c_str());
    std::shared_ptr<diffclip::Workspace> workspace(std::move(ws).value());

    JobCentre jobs;
    diffclip::IndexOptions options;
    options.batchSize = 2;
    options.labelsFromFolders = true;
    QSignalSpy finished(&jobs, &JobCentre::jobFinished);
    bool cancelledEarly = false;
    int id = 0;
    connect(&jobs, &JobCentre::jobChanged, this, [&](int changed) {
        const JobInfo j = jobs.job(changed);
        // Mid-way through the embedding, not while scanning (which also counts files).
        if (changed == id && !cancelledEarly && j.stage == QLatin1String("decode+embed") && j.done > 0 &&
            j.done < j.total) {
            cancelledEarly = true;
            jobs.cancel(id);
        }
    });
    id = jobs.submitIndexing(workspace, {photos.path()}, options);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    const JobInfo j = jobs.job(id);
    QVERIFY(cancelledEarly);
    QCOMPARE(j.state, JobState::Cancelled);
    QVERIFY(j.done < 120);
    // The core's Cancelled error is the outcome: its line in the log, the stage and counts in the summary.
    QVERIFY(j.log.join(QLatin1Char('\n')).contains(QStringLiteral("indexing cancelled after")));
    QVERIFY2(j.outcome.summary.contains(JobCentre::stageText(QStringLiteral("decode+embed"))),
             qPrintable(j.outcome.summary));

    {
        auto l = openLib(lib);
        auto report = l.check();
        QVERIFY(report.ok());
        QVERIFY2(report->clean(), report->problems.empty() ? "" : report->problems.front().c_str());
        auto images = l.listImages();
        QVERIFY(images.ok());
        QVERIFY(images->size() < 120);
        // Every photo in the library is complete: embedded and labelled from its folder.
        for (const auto& im : *images) {
            auto has = l.hasEmbedding(im.id, workspace->modelId());
            QVERIFY(has.ok() && *has);
            QVERIFY(!l.label(im.id)->empty());
        }
    }

    // Running it again picks up where it stopped.
    const int again = jobs.submitIndexing(workspace, {photos.path()}, options);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kTimeoutMs);
    QCOMPARE(jobs.job(again).state, JobState::Succeeded);
    auto l = openLib(lib);
    QCOMPARE(l.listImages()->size(), size_t(120));
    QVERIFY(l.check()->clean());

    // Auto-tagging as a job: every photo gets a zero-shot suggestion beside its folder label.
    diffclip::AutoTagOptions tag;
    tag.classes = {{"patches", {}}, {"inclusion", {}}};
    const int tagged = jobs.submitAutoTagging(workspace, tag);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, kTimeoutMs);
    const JobInfo t = jobs.job(tagged);
    QVERIFY2(t.state == JobState::Succeeded, qPrintable(t.outcome.errorReason + QLatin1Char(' ') + t.outcome.errorDetails));
    const auto first = l.listImages()->front();
    auto entries = l.labelEntries(first.id);
    QVERIFY(entries.ok());
    QCOMPARE(entries->size(), size_t(2));
    QVERIFY(entries->back().source == diffclip::LabelSource::ZeroShot);
    QVERIFY(l.check()->clean());
}

void TestLibraryPage::autoLabelSettingsAreChecked() {
    AutoLabelSettings st;
    st.templates = QStringLiteral("a photo of {}.\n# a comment\nan inspection photo of {}.");
    diffclip::AutoTagOptions options;
    QString problem;

    st.classes = QStringLiteral("scratch");
    QVERIFY(!st.toOptions(&options, &problem));
    QVERIFY(problem.contains(QStringLiteral("two classes")));
    st.classes = QStringLiteral("scratch\n : a line without a name");
    QVERIFY(!st.toOptions(&options, &problem));
    QVERIFY(problem.contains(QStringLiteral("no name")));
    st.classes = QStringLiteral("scratch: a long thin scratch; a scratched surface\n# ignored\npit");
    st.templates = QStringLiteral("# only a comment");
    QVERIFY(!st.toOptions(&options, &problem));
    QVERIFY(problem.contains(QStringLiteral("template")));
    st.templates = QStringLiteral("a photo of {}.\nan inspection photo of {}.");
    st.minConfidence = 1.5;
    QVERIFY(!st.toOptions(&options, &problem));
    st.minConfidence = 0.25;
    st.onlyUnlabelled = false;
    QVERIFY2(st.toOptions(&options, &problem), qPrintable(problem));
    QCOMPARE(options.classes.size(), size_t(2));
    QCOMPARE(options.classes[0].name, std::string("scratch"));
    QCOMPARE(options.classes[0].prompts.size(), size_t(2));
    QCOMPARE(options.classes[1].prompts.size(), size_t(0));
    QCOMPARE(options.templates.size(), size_t(2));
    QCOMPARE(options.minConfidence, 0.25);
    QVERIFY(!options.onlyUnlabelled);
    // Names that the file format would misread are left out of the generated class list.
    QCOMPARE(AutoLabelSettings::classesFromNames({QStringLiteral("a"), QStringLiteral("b:c"), QStringLiteral("#d")}),
             QStringLiteral("a"));
    QVERIFY(AutoLabelSettings::defaultTemplates().contains(QStringLiteral("{}")));
}

void TestLibraryPage::autoLabelDialogStoresPromptsAndLabels() {
    // The library indexed by the previous test: 120 photos embedded by the fixture model.
    const QString lib = m_dir.filePath(QStringLiteral("indexed.dclib"));
    QVERIFY(QFileInfo::exists(lib));
    auto ws = diffclip::Workspace::open(QFile::encodeName(lib).toStdString(), QFile::encodeName(kModel).toStdString());
    QVERIFY2(ws.ok(), ws.ok() ? "" : ws.error().describe().c_str());

    JobCentre jobs;
    LibraryPage page(&jobs);
    QSignalSpy opened(&page, &LibraryPage::libraryOpened);
    page.openLibrary(lib);
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kTimeoutMs);
    page.setWorkspace(std::shared_ptr<diffclip::Workspace>(std::move(ws).value()));
    QTRY_VERIFY_WITH_TIMEOUT(page.classes().size() == 2, kTimeoutMs);

    auto openDialog = [&page]() -> AutoLabelDialog* {
        page.showAutoLabelDialog();
        AutoLabelDialog* d = nullptr;
        const bool shown = QTest::qWaitFor([&] { return (d = page.findChild<AutoLabelDialog*>()) != nullptr; }, kTimeoutMs);
        return shown ? d : nullptr;
    };
    auto editor = [](AutoLabelDialog* d, const char* name) {
        for (auto* e : d->findChildren<QPlainTextEdit*>())
            if (e->accessibleName() == QLatin1String(name)) return e;
        return static_cast<QPlainTextEdit*>(nullptr);
    };

    // First time: one class per library label, the built-in templates.
    AutoLabelDialog* dialog = openDialog();
    QVERIFY(dialog);
    QPlainTextEdit* classes = editor(dialog, "Classes and their prompts");
    QPlainTextEdit* templates = editor(dialog, "Prompt templates");
    QVERIFY(classes && templates);
    QCOMPARE(classes->toPlainText(), QStringLiteral("inclusion\npatches"));
    QCOMPARE(templates->toPlainText(), AutoLabelSettings::defaultTemplates());

    // A bad edit is refused inside the dialog, which stays open.
    classes->setPlainText(QStringLiteral("patches"));
    dialog->accept();
    QVERIFY(dialog->isVisible());
    auto* problem = dialog->findChild<QLabel*>(QStringLiteral("autoLabelProblem"));
    QVERIFY(problem && problem->isVisible());

    const QString prompts = QStringLiteral("patches: a photo of patchy steel; irregular patches\ninclusion");
    classes->setPlainText(prompts);
    templates->setPlainText(QStringLiteral("a photo of {}."));
    dialog->findChild<QDoubleSpinBox*>()->setValue(0.0);
    dialog->findChild<QCheckBox*>()->setChecked(false);
    QSignalSpy finished(&jobs, &JobCentre::jobFinished);
    dialog->accept();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    const JobInfo job = jobs.job(finished.front().front().toInt());
    QVERIFY2(job.state == JobState::Succeeded, qPrintable(job.outcome.errorReason + QLatin1Char(' ') + job.outcome.errorDetails));

    // The prompts were stored in the library, and every photo has a zero-shot entry beside its
    // folder label (which still wins).
    {
        auto l = openLib(lib);
        QTRY_COMPARE_WITH_TIMEOUT(QString::fromStdString(*l.setting(AutoLabelSettings::kClassesKey)), prompts, kTimeoutMs);
        QCOMPARE(QString::fromStdString(*l.setting(AutoLabelSettings::kMinConfidenceKey)), QStringLiteral("0"));
        QCOMPARE(QString::fromStdString(*l.setting(AutoLabelSettings::kOnlyUnlabelledKey)), QStringLiteral("0"));
        const auto images = l.listImages();
        QVERIFY(images.ok() && images->size() == 120);
        for (const auto& im : *images) {
            auto entries = l.labelEntries(im.id);
            QVERIFY2(entries.ok(), entries.ok() ? "" : entries.error().describe().c_str());
            QVERIFY(std::any_of(entries->begin(), entries->end(),
                                [](const auto& e) { return e.source == diffclip::LabelSource::ZeroShot; }));
        }
        QVERIFY(l.check()->clean());
    }

    // The next time the dialog opens with what was used.
    QTRY_VERIFY_WITH_TIMEOUT(page.findChild<AutoLabelDialog*>() == nullptr, kTimeoutMs);
    dialog = openDialog();
    QVERIFY(dialog);
    QCOMPARE(editor(dialog, "Classes and their prompts")->toPlainText(), prompts);
    QCOMPARE(editor(dialog, "Prompt templates")->toPlainText(), QStringLiteral("a photo of {}."));
    QVERIFY(!dialog->findChild<QCheckBox*>()->isChecked());
    dialog->reject();
}

void TestLibraryPage::labellingSaysWhatChanged() {
    const QString file = m_dir.filePath(QStringLiteral("said.dclib"));
    const std::vector<int64_t> ids = makeLibrary(file, "pitted_surface", 3);
    Marked marked;
    JobCentre jobs;
    LibraryPage page(&jobs);
    QVERIFY(showWithLibrary(page, file));
    auto* status = page.findChild<QLabel*>(QStringLiteral("statusText"));
    auto* undo = page.findChild<QToolButton*>(QStringLiteral("statusUndo"));
    QVERIFY(status && undo);
    QVERIFY(status->text().isEmpty());
    QVERIFY(!undo->isVisible());

    // What was labelled, in the user's language, with Undo beside it.
    QSignalSpy changed(&page, &LibraryPage::labelsChanged);
    page.selectIds({ids[0], ids[1], ids[2]});
    page.labelSelected(QStringLiteral("pits"));
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, kTimeoutMs);
    QCOMPARE(status->text(), QStringLiteral("⟦Labelled 3 photos “pits”.⟧"));
    QVERIFY(status->isVisible());
    QVERIFY(undo->isVisible() && undo->isEnabled());
    QCOMPARE(undo->text(), QStringLiteral("⟦Undo⟧"));
    QTest::mouseClick(undo, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 2, kTimeoutMs);
    for (int64_t id : ids) QCOMPARE(labelOf(file, id), QString());
    QVERIFY2(status->text().startsWith(QStringLiteral("⟦Undone")), qPrintable(status->text()));
    QVERIFY(!undo->isVisible());

    // A label that cannot be stored (a photo removed meanwhile by another program): the banner
    // says so and the status line no longer speaks of the undo; the next success clears both.
    {
        auto db = diffclip::Database::open(QFile::encodeName(file).toStdString(), {});
        QVERIFY(db.ok());
        QVERIFY(db->exec("DELETE FROM images WHERE id = " + std::to_string(ids[2])).ok());
    }
    page.labelSelected(QStringLiteral("pits"));
    QTRY_VERIFY_WITH_TIMEOUT(page.errorBanner()->isVisible(), kTimeoutMs);
    QVERIFY(status->text().isEmpty());
    page.selectIds({ids[0]});
    page.labelSelected(QStringLiteral("pits"));
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 3, kTimeoutMs);
    QCOMPARE(status->text(), QStringLiteral("⟦Labelled 1 photo “pits”.⟧"));
    QVERIFY(page.errorBanner()->isHidden());

    // Another library: nothing said about this one stays.
    QSignalSpy opened(&page, &LibraryPage::libraryOpened);
    page.openLibrary(libPath());
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kTimeoutMs);
    QVERIFY(status->text().isEmpty());
    QVERIFY(!undo->isVisible());
}

void TestLibraryPage::metadataDateIsCheckedAndSavingIsSaid() {
    const QString file = m_dir.filePath(QStringLiteral("dates.dclib"));
    const std::vector<int64_t> ids = makeLibrary(file, "rolled-in_scale", 2);
    {
        auto lib = openLib(file);
        diffclip::ImageRecord m;
        m.date = "2024-05-03";
        QVERIFY(lib.updateMetadata(ids[0], m).ok());
    }
    struct KeepLocale {
        QLocale before;
        ~KeepLocale() { QLocale::setDefault(before); }
    } keepLocale;  // the default locale is set below; also restored when a check fails
    Marked marked;
    JobCentre jobs;
    LibraryPage page(&jobs);
    QVERIFY(showWithLibrary(page, file));
    page.selectIds({ids[0]});
    QLineEdit* date = nullptr;
    for (auto* e : page.findChildren<QLineEdit*>())
        if (e->accessibleName() == QStringLiteral("⟦Date⟧")) date = e;
    QVERIFY(date);
    QCOMPARE(date->text(), QStringLiteral("2024-05-03"));
    auto storedDate = [&] { return QString::fromStdString(openLib(file).imageById(ids[0])->date); };

    // A day-first date where the month comes first: refused beside the field, kept as typed,
    // nothing sent to the library.
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    diffclip::ImageRecord values;
    values.lot = "A-17";
    values.date = "15/01/2026";
    page.setMetadataFields(values);
    QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), kTimeoutMs);  // the label box has been filled
    page.saveMetadata();
    auto* problem = page.findChild<QLabel*>(QStringLiteral("metadataDateProblem"));
    QVERIFY(problem);
    QVERIFY(problem->isVisible());
    QVERIFY2(problem->text().startsWith(QStringLiteral("⟦")), qPrintable(problem->text()));
    QVERIFY2(problem->text().contains(QStringLiteral("15/01/2026")), qPrintable(problem->text()));
    QVERIFY(!page.isBusy());  // no request was made
    QCOMPARE(date->text(), QStringLiteral("15/01/2026"));
    QCOMPARE(storedDate(), QStringLiteral("2024-05-03"));
    QCOMPARE(QString::fromStdString(openLib(file).imageById(ids[0])->lot), QString());

    // Editing the date again takes the message away; the locale's own short date is converted.
    date->setFocus();
    date->selectAll();
    QTest::keyClicks(date, QStringLiteral("1/16/26"));
    QVERIFY(!problem->isVisible());
    QSignalSpy changed(&page, &LibraryPage::labelsChanged);
    page.saveMetadata();
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, kTimeoutMs);
    QCOMPARE(storedDate(), QStringLiteral("2026-01-16"));
    QCOMPARE(date->text(), QStringLiteral("2026-01-16"));
    auto* status = page.findChild<QLabel*>(QStringLiteral("statusText"));
    QVERIFY(status);
    const QString name = QFileInfo(photo("rolled-in_scale", 1)).fileName();
    QCOMPARE(status->text(), QStringLiteral("⟦Saved the metadata of %1.⟧").arg(name));

    // Day first where that is the short format; the date filters then find the photo.
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedKingdom));
    date->setText(QStringLiteral("15/01/2026"));
    page.saveMetadata();
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 2, kTimeoutMs);
    QCOMPARE(storedDate(), QStringLiteral("2026-01-15"));
    page.proxyModel()->setDateRange(QStringLiteral("2026-01-01"), QStringLiteral("2026-01-31"));
    QCOMPARE(page.proxyModel()->rowCount(), 1);

    // A refused save leaves no "Saved" behind, but what was said of labels stays true.
    date->setText(QStringLiteral("next Tuesday"));
    page.saveMetadata();
    QVERIFY(problem->isVisible());
    QVERIFY(status->text().isEmpty());
    page.labelSelected(QStringLiteral("scale"));
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 3, kTimeoutMs);
    QCOMPARE(status->text(), QStringLiteral("⟦Labelled 1 photo “scale”.⟧"));
    page.saveMetadata();
    QVERIFY(problem->isVisible());
    QCOMPARE(status->text(), QStringLiteral("⟦Labelled 1 photo “scale”.⟧"));
}

namespace {

QLineEdit* editNamed(QWidget* parent, const QString& accessibleName) {
    for (auto* e : parent->findChildren<QLineEdit*>())
        if (e->accessibleName() == accessibleName) return e;
    return nullptr;
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

}  // namespace

void TestLibraryPage::addPhotosChecksBeforeClosing() {
    Marked marked;
    AddPhotosDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QLineEdit* folder = editNamed(&dialog, QStringLiteral("⟦Folder to add⟧"));
    QLineEdit* csv = editNamed(&dialog, QStringLiteral("⟦Metadata CSV file⟧"));
    QVERIFY(folder && csv);
    QPushButton* add = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    auto refused = [&](QLineEdit* field, const QString& needle) -> bool {
        QTest::mouseClick(add, Qt::LeftButton);
        auto* problem = dialog.findChild<QLabel*>(QStringLiteral("addPhotosProblem"));
        if (!dialog.isVisible() || !problem || !problem->isVisible()) return false;
        if (!problem->text().startsWith(QStringLiteral("⟦")) || !problem->text().contains(needle)) return false;
        return QApplication::focusWidget() == field || !dialog.isActiveWindow();
    };

    // A folder that does not exist: said in the dialog, which stays open with the path as typed.
    const QString missing = m_dir.filePath(QStringLiteral("no such folder"));
    folder->setText(missing);
    QVERIFY(refused(folder, QDir::toNativeSeparators(missing)));
    QCOMPARE(folder->text(), missing);
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    folder->setText(QString());
    QVERIFY(refused(folder, QString()));
    folder->setText(photo("crazing", 1));  // a file
    QVERIFY(refused(folder, QDir::toNativeSeparators(photo("crazing", 1))));

    // A good folder with a CSV that is missing, or that names no path column.
    const QString photos = QFileInfo(photo("crazing", 1)).absolutePath();
    folder->setText(photos);
    const QString noCsv = m_dir.filePath(QStringLiteral("none.csv"));
    csv->setText(noCsv);
    QVERIFY(refused(csv, QDir::toNativeSeparators(noCsv)));
    QCOMPARE(csv->text(), noCsv);
    const QString badCsv = m_dir.filePath(QStringLiteral("names.csv"));
    writeFile(badCsv, "name,date\ncrazing_1.jpg,2024-01-02\n");
    csv->setText(badCsv);
    QVERIFY(refused(csv, QDir::toNativeSeparators(badCsv)));

    // A usable CSV (quoted header, BOM): the dialog closes, accepted, with the entries.
    const QString goodCsv = m_dir.filePath(QStringLiteral("meta.csv"));
    writeFile(goodCsv, "\xEF\xBB\xBF\"File\",Lot\ncrazing_1.jpg,L1\n");
    csv->setText(goodCsv);
    QTest::mouseClick(add, Qt::LeftButton);
    QVERIFY(!dialog.isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(dialog.folder(), photos);
    QCOMPARE(dialog.metadataCsv(), goodCsv);
}

void TestLibraryPage::addPhotosMnemonicsMoveTheFocus() {
    AddPhotosDialog dialog;
    dialog.show();
    dialog.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&dialog));
    QLineEdit* folder = editNamed(&dialog, QStringLiteral("Folder to add"));
    QLineEdit* csv = editNamed(&dialog, QStringLiteral("Metadata CSV file"));
    QVERIFY(folder && csv);
    // The labels' "&" are mnemonics of their entries, not text.
    QLabel* folderLabel = nullptr;
    QLabel* csvLabel = nullptr;
    for (auto* l : dialog.findChildren<QLabel*>()) {
        if (l->text() == QStringLiteral("&Folder:")) folderLabel = l;
        if (l->text() == QStringLiteral("&Metadata CSV:")) csvLabel = l;
    }
    QVERIFY(folderLabel && csvLabel);
    QCOMPARE(folderLabel->buddy(), folder);
    QCOMPARE(csvLabel->buddy(), csv);
    csv->setFocus();
    QTest::keyClick(&dialog, Qt::Key_F, Qt::AltModifier);
    QTRY_COMPARE(QApplication::focusWidget(), folder);
    QTest::keyClick(&dialog, Qt::Key_M, Qt::AltModifier);
    QTRY_COMPARE(QApplication::focusWidget(), csv);
}

void TestLibraryPage::addFolderFromThePage() {
    const QString file = m_dir.filePath(QStringLiteral("added.dclib"));
    QTemporaryDir photos;
    QVERIFY(photos.isValid());
    for (int n = 1; n <= 2; ++n)
        QVERIFY(QFile::copy(photo("patches", n), photos.filePath(QStringLiteral("patches_%1.jpg").arg(n))));
    JobCentre jobs;
    LibraryPage page(&jobs);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QSignalSpy opened(&page, &LibraryPage::libraryOpened);
    page.openLibrary(file, true);
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kTimeoutMs);

    // Without a model nothing can be added: said at once, before a dialog asks for a folder.
    page.chooseFolderToAdd();
    QVERIFY(page.findChild<AddPhotosDialog*>() == nullptr);
    QVERIFY(page.errorBanner()->isVisible());

    auto ws = diffclip::Workspace::open(QFile::encodeName(file).toStdString(), QFile::encodeName(kModel).toStdString());
    QVERIFY2(ws.ok(), ws.ok() ? "" : ws.error().describe().c_str());
    page.setWorkspace(std::shared_ptr<diffclip::Workspace>(std::move(ws).value()));
    page.chooseFolderToAdd();  // returns at once: the dialog is window-modal, not a nested loop
    AddPhotosDialog* dialog = page.findChild<AddPhotosDialog*>();
    QVERIFY(dialog && dialog->isVisible());
    QLineEdit* folder = editNamed(dialog, QStringLiteral("Folder to add"));
    QVERIFY(folder);
    QPushButton* add = dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    folder->setText(photos.filePath(QStringLiteral("typo")));
    QTest::mouseClick(add, Qt::LeftButton);
    QVERIFY(dialog->isVisible());
    folder->setText(photos.path());
    QSignalSpy started(&page, &LibraryPage::jobStarted);
    QSignalSpy finished(&jobs, &JobCentre::jobFinished);
    QSignalSpy reloaded(&page, &LibraryPage::reloaded);
    QTest::mouseClick(add, Qt::LeftButton);
    QCOMPARE(started.count(), 1);
    QVERIFY(page.errorBanner()->isHidden());  // the earlier "cannot add" is stale now
    auto* status = page.findChild<QLabel*>(QStringLiteral("statusText"));
    QVERIFY(status && status->text().contains(QDir::toNativeSeparators(photos.path())));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(reloaded.count() >= 1 && page.photoModel()->rowCount() == 2, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(page.findChild<AddPhotosDialog*>() == nullptr, kTimeoutMs);  // deleted on close
}

void TestLibraryPage::failedFilesSayWhyInTheUsersLanguage() {
    // A folder with a good photo, a text file named .jpg and a JPEG cut off half-way.
    QTemporaryDir photos;
    QVERIFY(photos.isValid());
    QVERIFY(QFile::copy(photo("inclusion", 1), photos.filePath(QStringLiteral("good.jpg"))));
    QFile text(photos.filePath(QStringLiteral("notes.jpg")));
    QVERIFY(text.open(QIODevice::WriteOnly));
    text.write("inspection notes, not a photo\n");
    text.close();
    QFile whole(photo("inclusion", 2));
    QVERIFY(whole.open(QIODevice::ReadOnly));
    const QByteArray bytes = whole.readAll();
    QFile cut(photos.filePath(QStringLiteral("cut.jpg")));
    QVERIFY(cut.open(QIODevice::WriteOnly));
    cut.write(bytes.left(bytes.size() / 2));
    cut.close();

    const QString file = m_dir.filePath(QStringLiteral("failed.dclib"));
    auto ws = diffclip::Workspace::open(QFile::encodeName(file).toStdString(), QFile::encodeName(kModel).toStdString());
    QVERIFY2(ws.ok(), ws.ok() ? "" : ws.error().describe().c_str());
    std::shared_ptr<diffclip::Workspace> workspace(std::move(ws).value());
    JobCentre jobs;
    QSignalSpy finished(&jobs, &JobCentre::jobFinished);
    const int job = jobs.submitIndexing(workspace, {photos.path()}, diffclip::IndexOptions{});
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(jobs.job(job).state, JobState::Succeeded);
    {
        // The indexer stores why, as a code beside the English detail.
        auto lib = openLib(file);
        auto failures = lib.failures();
        QVERIFY(failures.ok());
        QCOMPARE(failures->size(), size_t(2));
        QVERIFY(failures->at(0).code == diffclip::FailureCode::Damaged);     // cut.jpg
        QVERIFY(failures->at(1).code == diffclip::FailureCode::NotAnImage);  // notes.jpg
        // And one recorded by an older version, without a code.
        QVERIFY(lib.recordFailure("/nowhere/old.jpg", 1, 0, "truncated JPEG").ok());
    }

    Marked marked;
    LibraryPage page(&jobs);
    QVERIFY(showWithLibrary(page, file));
    QTreeWidget* list = page.failuresView();
    QCOMPARE(list->topLevelItemCount(), 3);
    auto item = [list](const char* name) -> QTreeWidgetItem* {
        for (int i = 0; i < list->topLevelItemCount(); ++i)
            if (list->topLevelItem(i)->text(0).endsWith(QLatin1String(name))) return list->topLevelItem(i);
        return nullptr;
    };
    QTreeWidgetItem* cutItem = item("cut.jpg");
    QTreeWidgetItem* notesItem = item("notes.jpg");
    QTreeWidgetItem* oldItem = item("old.jpg");
    QVERIFY(cutItem && notesItem && oldItem);
    // The reason is translatable text; the core's English detail stays in the tooltip.
    QVERIFY2(cutItem->text(1).startsWith(QStringLiteral("⟦")), qPrintable(cutItem->text(1)));
    QVERIFY2(notesItem->text(1).startsWith(QStringLiteral("⟦")), qPrintable(notesItem->text(1)));
    QVERIFY(cutItem->text(1) != notesItem->text(1));
    QVERIFY2(cutItem->toolTip(1).contains(QStringLiteral("truncated or corrupt")), qPrintable(cutItem->toolTip(1)));
    QVERIFY2(notesItem->toolTip(1).contains(QStringLiteral("not an image")), qPrintable(notesItem->toolTip(1)));
    QCOMPARE(oldItem->text(1), QStringLiteral("truncated JPEG"));  // no code: the English text
}

void TestLibraryPage::pageFitsANarrowWindow() {
    // An 800-pixel window leaves the page about 560 pixels beside the navigation. With texts half
    // as long again, the header's buttons and the filters must wrap rather than need more.
    LongerTranslator longer(true);  // Qt's own texts as they are
    QCoreApplication::installTranslator(&longer);
    struct Remove {
        QTranslator* t;
        ~Remove() { QCoreApplication::removeTranslator(t); }
    } remove{&longer};
    JobCentre jobs;
    LibraryPage page(&jobs);
    QVERIFY(showWithLibrary(page, libPath()));
    page.selectIds({m_ids[0]});
    const int width = 560;
    QVERIFY2(page.minimumSizeHint().width() <= width, qPrintable(QString::number(page.minimumSizeHint().width())));
    page.resize(width, 560);
    QTRY_COMPARE(page.width(), width);
    // Nothing of the header or the filters is cut at the right edge.
    QList<QWidget*> controls;
    for (auto* b : page.findChild<LibraryHeader*>()->findChildren<QPushButton*>()) controls << b;
    for (auto* w : page.findChild<LibraryFilterBar*>()->findChildren<QWidget*>()) controls << w;
    QVERIFY(controls.size() > 10);
    for (QWidget* w : controls) {
        if (!w->isVisibleTo(&page)) continue;
        const QRect r(w->mapTo(&page, QPoint(0, 0)), w->size());
        const QString what = w->accessibleName() + QLatin1Char(' ') + QLatin1String(w->metaObject()->className());
        QVERIFY2(r.right() < page.width(), qPrintable(what));
    }
}

// "Show: Label these next / Check these labels" on embeddings written through the library API:
// labelled dents at (1, 0) and a scratch among them, scratches at (0, 1); unlabelled photos at
// (−1, 0) (unlike anything: first) and (1, 0) (among the dents: certain, last). The ranked views
// show only their photos, in their order, with the reason leading the tooltip; "All photos"
// shows everything again.
void TestLibraryPage::rankedViews() {
    const QString file = m_dir.filePath(QStringLiteral("ranked.dclib"));
    std::vector<int64_t> ids;
    {
        auto lib = openLib(file);
        auto model = lib.ensureModel("main", "fp-main", "{}", 2);
        QVERIFY(model.ok());
        const float vectors[7][2] = {{1, 0}, {1, 0}, {1, 0}, {1, 0}, {0, 1}, {-1, 0}, {1, 0}};
        const char* labels[7] = {"dent", "dent", "dent", "scratch", "scratch", "", ""};
        for (int i = 0; i < 7; ++i) {
            diffclip::ImageRecord r;
            r.path = "/nowhere/ranked_" + std::to_string(i) + ".jpg";
            r.contentHash = fakeHash(5000 + i);
            ids.push_back(*lib.upsertImage(r));
            QVERIFY(lib.putEmbedding(ids.back(), *model, vectors[i], 2).ok());
            if (*labels[i]) QVERIFY(lib.setLabel(ids.back(), labels[i], diffclip::LabelSource::Manual).ok());
        }
    }
    JobCentre jobs;
    LibraryPage page(&jobs);
    page.resize(1200, 800);
    QVERIFY(showWithLibrary(page, file));
    LibraryFilterProxy* proxy = page.proxyModel();
    QCOMPARE(proxy->rowCount(), 7);

    page.filterBar()->setShow(LibraryFilterBar::Show::LabelNext);
    QTRY_VERIFY_WITH_TIMEOUT(proxy->isRanked() && proxy->rowCount() == 2, kTimeoutMs);
    QCOMPARE(proxy->index(0, 0).data(LibraryModel::IdRole).toLongLong(), qlonglong(ids[5]));
    QCOMPARE(proxy->index(1, 0).data(LibraryModel::IdRole).toLongLong(), qlonglong(ids[6]));
    QVERIFY2(proxy->index(0, 0).data(Qt::ToolTipRole).toString().startsWith(QStringLiteral("Label next, #1")),
             qPrintable(proxy->index(0, 0).data(Qt::ToolTipRole).toString()));
    QVERIFY(proxy->index(1, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("likely “dent”")));
    QVERIFY2(page.statusText().contains(QStringLiteral("2 of 2 unlabelled")), qPrintable(page.statusText()));
    // The order box does not turn the ranking round.
    proxy->setSortKey(LibraryFilterProxy::SortKey::Name, Qt::DescendingOrder);
    QCOMPARE(proxy->index(0, 0).data(LibraryModel::IdRole).toLongLong(), qlonglong(ids[5]));
    proxy->setSortKey(LibraryFilterProxy::SortKey::Name, Qt::AscendingOrder);

    page.filterBar()->setShow(LibraryFilterBar::Show::CheckLabels);
    // The scratch among the dents: of its 4 labelled neighbours the three dents (cosine 1)
    // disagree and the scratch at (0, 1) weighs 0: score 1, suggesting dent. No dent is doubted
    // (weight 2 for dent against 1), and the scratch at (0, 1) has no positive weight at all.
    QTRY_VERIFY_WITH_TIMEOUT(proxy->isRanked() && proxy->rowCount() == 1 &&
                                 proxy->index(0, 0).data(LibraryModel::IdRole).toLongLong() == qlonglong(ids[3]),
                             kTimeoutMs);
    QVERIFY2(proxy->index(0, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("suggest “dent”")),
             qPrintable(proxy->index(0, 0).data(Qt::ToolTipRole).toString()));
    QVERIFY(page.statusText().contains(QStringLiteral("Check these labels")));

    page.filterBar()->setShow(LibraryFilterBar::Show::All);
    QTRY_VERIFY_WITH_TIMEOUT(!proxy->isRanked(), kTimeoutMs);
    QCOMPARE(proxy->rowCount(), 7);
}

QTEST_MAIN(TestLibraryPage)
#include "tst_librarypage.moc"
