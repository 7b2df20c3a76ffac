// Indexing as a long operation (Workspace::index / indexPhotos through the job contract,
// diffclip/base/Job.h): its stages in order with their counts, cancel at the safe points
// (while scanning, after a batch's commit) returning Cancelled with every committed batch
// whole, a second run finishing the work; two runs on one library at once (claims) and a
// killed run's claims taken over; auto-tagging's and opening's cancel. A random tiny preset
// model and ten photos of the shared NEU set.
#include <QtTest>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "diffclip/indexing/Workspace.h"

using namespace diffclip;
namespace fs = std::filesystem;

namespace {

const fs::path kPhotos = fs::path(DIFFCLIP_SHARED_DIR) / "data" / "neu-cls";
const char* kModel = "preset:diffclip-tiny";

// Every report, unthrottled.
struct Recorder {
    std::vector<ProgressUpdate> got;
    Progress progress() {
        return Progress([this](const ProgressUpdate& u) { got.push_back(u); }, std::chrono::milliseconds(0));
    }
    std::vector<std::string> stages() const {
        std::vector<std::string> out;
        for (const auto& u : got)
            if (out.empty() || out.back() != u.stage) out.push_back(u.stage);
        return out;
    }
    std::vector<int64_t> done(const std::string& stage) const {
        std::vector<int64_t> out;
        for (const auto& u : got)
            if (u.stage == stage) out.push_back(u.done);
        return out;
    }
};

}  // namespace

class TestIndexing : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_root;  // photos/<class>/<photo>: 5 crazing, 5 patches
    int m_lib = 0;

    std::string newLibrary() {
        return (fs::path(m_dir.path().toStdString()) / ("lib" + std::to_string(++m_lib) + ".dclib")).string();
    }

    std::unique_ptr<Workspace> open(const std::string& lib) {
        auto ws = Workspace::open(lib, kModel);
        if (!ws) qWarning("%s", ws.error().message.c_str());
        return ws ? std::move(*ws) : nullptr;
    }

    // Indexes the photos into `ws` with `o`, cancelled once stage `stage` reports `done`; the
    // run's error (code Ok when it was not refused).
    Error cancelledRun(Workspace& ws, IndexOptions o, const std::string& stage, int64_t done) {
        CancelToken cancel;
        o.job.cancel = cancel;
        o.job.progress = Progress(
            [cancel, stage, done](const ProgressUpdate& u) {
                if (u.stage == stage && u.done == done) cancel.cancel();
            },
            std::chrono::milliseconds(0));
        auto s = ws.index({m_root.string()}, o);
        return s ? Error{ErrorCode::Ok, "not cancelled"} : s.error();
    }

    static Library readLibrary(const std::string& path) {
        LibraryOptions o;
        o.readOnly = true;
        auto lib = Library::open(path, o);
        if (!lib) qFatal("cannot open %s: %s", path.c_str(), lib.error().message.c_str());
        return std::move(lib).value();
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_root = fs::path(m_dir.path().toStdString()) / "photos";
        for (const char* cls : {"crazing", "patches"}) {
            fs::create_directories(m_root / cls);
            for (int i = 1; i <= 5; ++i) {
                const std::string name = std::string(cls) + "_" + std::to_string(i) + ".jpg";
                QVERIFY2(fs::exists(kPhotos / cls / name), (kPhotos / cls / name).c_str());
                fs::copy_file(kPhotos / cls / name, m_root / cls / name);
            }
        }
        std::ofstream(m_root.parent_path() / "meta.csv") << "file,product\ncrazing_1.jpg,Plate A\n";
    }

    // scan (unknown count, then the 10 files one by one), decode+embed (batches of 4 once each is
    // committed: 4, 8, 10), commit (the metadata CSV: no count).
    void stagesInOrderWithTheirCounts() {
        const std::string lib = newLibrary();
        auto ws = open(lib);
        QVERIFY(ws);
        Recorder rec;
        IndexOptions o;
        o.batchSize = 4;
        o.labelsFromFolders = true;
        o.metadataCsv = (m_root.parent_path() / "meta.csv").string();
        o.job.progress = rec.progress();
        auto s = ws->index({m_root.string()}, o);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(s->added, int64_t(10));
        QVERIFY(s->metadata.has_value());
        QCOMPARE(s->metadata->matched, int64_t(1));

        QCOMPARE(rec.stages(), (std::vector<std::string>{"scan", "decode+embed", "commit"}));
        QCOMPARE(rec.done("scan"), (std::vector<int64_t>{0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
        QCOMPARE(rec.got[1].total, int64_t(10));  // the count once the folder is listed
        QCOMPARE(rec.done("decode+embed"), (std::vector<int64_t>{0, 4, 8, 10}));
        QCOMPARE(rec.done("commit"), (std::vector<int64_t>{0}));
        for (const auto& u : rec.got)
            if (u.stage != "scan" || u.done > 0) QCOMPARE(u.total, u.stage == "commit" ? int64_t(0) : int64_t(10));

        // A second run without the CSV finds everything unchanged: nothing to embed, no commit.
        Recorder again;
        o.metadataCsv.clear();
        o.job.progress = again.progress();
        auto s2 = ws->index({m_root.string()}, o);
        QVERIFY(s2.ok());
        QCOMPARE(s2->unchanged, int64_t(10));
        QCOMPARE(again.stages(), (std::vector<std::string>{"scan", "decode+embed"}));
        QCOMPARE(again.done("decode+embed"), (std::vector<int64_t>{0}));
    }

    // Cancelled once the first batch is committed: Cancelled, that batch stored whole (file,
    // embedding, folder label), nothing of the rest; running it again adds the rest.
    void cancelAfterABatchKeepsItWhole() {
        const std::string lib = newLibrary();
        auto ws = open(lib);
        QVERIFY(ws);
        IndexOptions o;
        o.batchSize = 4;
        o.labelsFromFolders = true;
        const Error e = cancelledRun(*ws, o, "decode+embed", 4);
        QCOMPARE(e.code, ErrorCode::Cancelled);
        QVERIFY2(e.message.find("4 of 10") != std::string::npos, e.message.c_str());
        {
            Library l = readLibrary(lib);
            auto report = l.check();
            QVERIFY(report.ok() && report->clean());
            auto images = l.listImages();
            QVERIFY(images.ok());
            QCOMPARE(images->size(), size_t(4));
            for (const auto& im : *images) {
                auto has = l.hasEmbedding(im.id, ws->modelId());
                QVERIFY(has.ok() && *has);
                QVERIFY(!l.label(im.id)->empty());
            }
        }
        IndexOptions rest;
        rest.batchSize = 4;
        rest.labelsFromFolders = true;
        auto s2 = ws->index({m_root.string()}, rest);
        QVERIFY(s2.ok());
        QCOMPARE(s2->unchanged, int64_t(4));
        QCOMPARE(s2->added, int64_t(6));
    }

    // Cancelled while scanning: nothing is written but the model's row.
    void cancelWhileScanningStoresNoPhoto() {
        const std::string lib = newLibrary();
        auto ws = open(lib);
        QVERIFY(ws);
        QCOMPARE(cancelledRun(*ws, IndexOptions{}, "scan", 3).code, ErrorCode::Cancelled);
        Library l = readLibrary(lib);
        QCOMPARE(l.listImages()->size(), size_t(0));
        QVERIFY(l.check()->clean());
    }

    // Two runs index the same ten photos into one library at once, on two threads: every photo
    // is embedded once (the runs' additions sum to ten) and each run's summary adds up to ten.
    void twoRunsAtOnceEmbedEachPhotoOnce() {
        const std::string lib = newLibrary();
        auto first = open(lib);
        auto second = open(lib);
        QVERIFY(first && second);
        std::promise<void> go;
        std::shared_future<void> start = go.get_future().share();
        auto run = [&](Workspace* ws) {
            start.wait();
            IndexOptions o;
            o.batchSize = 2;
            return ws->index({m_root.string()}, o);
        };
        auto a = std::async(std::launch::async, run, first.get());
        auto b = std::async(std::launch::async, run, second.get());
        go.set_value();
        const Result<IndexSummary> sa = a.get(), sb = b.get();
        QVERIFY2(sa.ok(), sa.ok() ? "" : sa.error().message.c_str());
        QVERIFY2(sb.ok(), sb.ok() ? "" : sb.error().message.c_str());
        qInfo("first: %lld added, %lld unchanged, %lld by another run; second: %lld, %lld, %lld",
              (long long)sa->added, (long long)sa->unchanged, (long long)sa->indexedByAnotherRun,
              (long long)sb->added, (long long)sb->unchanged, (long long)sb->indexedByAnotherRun);
        QCOMPARE(sa->added + sb->added, int64_t(10));
        for (const IndexSummary* s : {&*sa, &*sb}) {
            QCOMPARE(s->updated + s->failed, int64_t(0));
            QCOMPARE(s->added + s->unchanged + s->indexedByAnotherRun, int64_t(10));
        }
        Library l = readLibrary(lib);
        QCOMPARE(l.listImages()->size(), size_t(10));
        // Embedding a photo again would replace its row under a new row id.
        auto stamp = l.embeddingStamp(first->modelId());
        QVERIFY(stamp.ok());
        QCOMPARE(stamp->count, int64_t(10));
        QCOMPARE(stamp->maxRowId, int64_t(10));
        auto db = Database::open(lib, {});
        QVERIFY(db.ok());
        QCOMPARE(*db->queryInt("SELECT COUNT(*) FROM claims WHERE done = 0"), int64_t(0));  // all released
    }

    // A killed run left claims: those already expired are taken at once, a live one is waited
    // for until it expires; then every photo is embedded by this run.
    void killedRunsClaimsAreTakenOver() {
        const std::string lib = newLibrary();
        auto ws = open(lib);
        QVERIFY(ws);
        QVERIFY(ws->index({}, IndexOptions{}).ok());  // registers the model: claims name its id
        QVERIFY(ws->modelId() > 0);
        std::vector<std::string> paths;
        for (const auto& e : fs::recursive_directory_iterator(m_root))
            if (e.is_regular_file()) paths.push_back(fs::weakly_canonical(e.path()).string());
        QCOMPARE(paths.size(), size_t(10));
        {
            auto killed = Library::open(lib);
            QVERIFY(killed.ok());
            const std::vector<std::string> half(paths.begin(), paths.begin() + 5), rest(paths.begin() + 5, paths.end());
            QVERIFY(killed->claimPaths(rest, ws->modelId(), "killed-just-now", 1500).ok());
            QVERIFY(killed->claimPaths(half, ws->modelId(), "killed-long-ago", 1).ok());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the first claims expire
        const auto t0 = std::chrono::steady_clock::now();
        IndexOptions o;
        o.batchSize = 4;
        auto s = ws->index({m_root.string()}, o);
        const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(s->added, int64_t(10));
        QCOMPARE(s->indexedByAnotherRun, int64_t(0));
        QVERIFY2(waited >= 1.0, std::to_string(waited).c_str());  // the live claims held it back
        QCOMPARE(readLibrary(lib).listImages()->size(), size_t(10));
    }

    // Auto-tagging stores its labels 500 photos to a transaction and checks cancel after each:
    // here the one transaction is committed, then Cancelled is returned.
    void autoTagCancelKeepsCommittedLabels() {
        const std::string lib = newLibrary();
        auto ws = open(lib);
        QVERIFY(ws);
        QVERIFY(ws->index({m_root.string()}, IndexOptions{}).ok());
        Recorder rec;
        AutoTagOptions o;
        o.classes = {{"crazing", {}}, {"patches", {}}};
        o.job.progress = rec.progress();
        o.job.cancel = CancelToken();
        o.job.cancel.cancel();
        auto r = ws->autoTag(o);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Cancelled);
        QCOMPARE(rec.stages(), std::vector<std::string>{"tag"});
        QCOMPARE(rec.done("tag"), (std::vector<int64_t>{0, 10}));
        Library l = readLibrary(lib);
        const auto images = l.listImages();
        QVERIFY(images.ok());
        QCOMPARE(images->size(), size_t(10));
        for (const auto& im : *images) {
            auto entries = l.labelEntries(im.id);
            QVERIFY(entries.ok());
            QCOMPARE(entries->size(), size_t(1));
            QVERIFY(entries->front().source == LabelSource::ZeroShot);
        }
    }

    // Opening reports "load" then "cache"; cancelled, it returns Cancelled and writes nothing
    // (the library does not take the model as its active one).
    void openingStagesAndCancel() {
        const std::string lib = newLibrary();
        Recorder rec;
        JobControl job;
        job.progress = rec.progress();
        auto ws = Workspace::open(lib, kModel, {}, job);
        QVERIFY(ws.ok());
        QCOMPARE(rec.stages(), (std::vector<std::string>{"load", "cache"}));
        ws->reset();

        const std::string other = newLibrary();
        job.cancel = CancelToken();
        job.cancel.cancel();
        auto cancelled = Workspace::open(other, kModel, {}, job);
        QVERIFY(!cancelled.ok());
        QCOMPARE(cancelled.error().code, ErrorCode::Cancelled);
        Library l = readLibrary(other);
        QCOMPARE(*l.setting("active_model"), std::string());
    }
};

QTEST_GUILESS_MAIN(TestIndexing)
#include "tst_indexing.moc"
