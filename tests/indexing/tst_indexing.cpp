// Indexing as a long operation (Workspace::index / indexPhotos through the job contract,
// diffclip/base/Job.h): its stages in order with their counts, cancel at the safe points
// (while scanning, after a batch's commit) returning Cancelled with every committed batch
// whole, a second run finishing the work; auto-tagging's and opening's cancel. A random tiny
// preset model and ten photos of the shared NEU set.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <string>
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
        o.job.cancel = CancelToken();
        o.job.progress = Progress(
            [&o](const ProgressUpdate& u) {
                if (u.stage == "decode+embed" && u.done == 4) o.job.cancel.cancel();
            },
            std::chrono::milliseconds(0));
        auto s = ws->index({m_root.string()}, o);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::Cancelled);
        QVERIFY2(s.error().message.find("4 of 10") != std::string::npos, s.error().message.c_str());
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
        IndexOptions o;
        o.job.cancel = CancelToken();
        o.job.progress = Progress(
            [&o](const ProgressUpdate& u) {
                if (u.stage == "scan" && u.done == 3) o.job.cancel.cancel();
            },
            std::chrono::milliseconds(0));
        auto s = ws->index({m_root.string()}, o);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::Cancelled);
        Library l = readLibrary(lib);
        QCOMPARE(l.listImages()->size(), size_t(0));
        QVERIFY(l.check()->clean());
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
