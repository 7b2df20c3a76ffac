// The model registry (ModelRegistry.h) on constructed package folders: listing with metadata
// from config.json and training.json, parents inside the registry, broken and hostile folders
// listed as unusable (never a crash), hidden/partial/temporary folders skipped, safe removal
// that refuses anything outside the root, unique ids for new versions, and import as a long
// operation (its stages, and cancel leaving nothing behind).
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <string>

#include "diffclip/registry/ModelRegistry.h"
#include "diffclip/registry/RegistryImport.h"

using namespace diffclip;

namespace {

const char* kConfig = R"({"name": "Tiny A", "attention": "standard",
 "vision": {"img_size": 32, "patch_size": 8, "embed_dim": 48, "depth": 2, "num_heads": 4},
 "text": {"context_length": 16, "width": 32, "heads": 4, "layers": 2}, "embed_dim": 24})";

void writeFile(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path));
    f.write(bytes);
}

const RegistryEntry* findId(const std::vector<RegistryEntry>& list, const std::string& id) {
    for (const auto& e : list)
        if (e.id == id) return &e;
    return nullptr;
}

}  // namespace

class TestRegistry : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void missingRootIsEmpty() {
        auto list = listRegistry(root() + "/nothing-here");
        QVERIFY(list.ok());
        QVERIFY(list->empty());
        writeFile(QString::fromStdString(root() + "/file"), "x");
        auto notDir = listRegistry(root() + "/file");
        QVERIFY(!notDir.ok());
        QCOMPARE(notDir.error().code, ErrorCode::InvalidArgument);
    }

    void listsPackagesWithTraining() {
        makePackage("a");
        makePackage("b");
        const QString parent = QString::fromStdString(root() + "/a");
        writeFile(pkg("b") + "/training.json",
                  QStringLiteral(R"({"format": "diffclip-training/1", "mode": "linear",
                     "recipe": {"mode": "linear"},
                     "parent": {"spec": "%1/", "format": "package"},
                     "data": {"fingerprint": "197ba51e49b94f198b551f1d1d653e5262f4dad71aaba8bc6654bf17189de00a"},
                     "before": {"top1": 0.25},
                     "after": {"top1": 0.875, "top5": 1.0, "image_recall": {"r@1": 0.5}}})")
                      .arg(parent)
                      .toUtf8());
        // Make B clearly newer than A.
        std::filesystem::last_write_time((pkg("a") + "/model.safetensors").toStdString(),
                                         std::filesystem::file_time_type::clock::now() - std::chrono::hours(1));
        auto list = listRegistry(root());
        QVERIFY2(list.ok(), list.error().describe().c_str());
        QCOMPARE(list->size(), size_t(2));
        QCOMPARE(QString::fromStdString((*list)[0].id), QStringLiteral("b"));  // newest first
        const RegistryEntry& a = *findId(*list, "a");
        QVERIFY(a.usable);
        QVERIFY(a.problem.empty());
        QCOMPARE(QString::fromStdString(a.displayName), QStringLiteral("Tiny A"));
        QCOMPARE(QString::fromStdString(a.attention), QStringLiteral("standard"));
        QCOMPARE(a.embedDim, int64_t(24));
        QVERIFY2(a.architecture.find("ViT 32 px / patch 8") != std::string::npos, a.architecture.c_str());
        QVERIFY(a.architecture.find("width 48") != std::string::npos);
        QCOMPARE(a.imageSize, int64_t(32));
        QCOMPARE(a.patchSize, int64_t(8));
        QCOMPARE(a.visionWidth, int64_t(48));
        QCOMPARE(a.visionDepth, int64_t(2));
        QVERIFY(!a.hasTraining);
        QVERIFY(a.createdAtMs > 1500000000000LL);
        QCOMPARE(QString::fromStdString(a.path), QDir::cleanPath(pkg("a")));

        const RegistryEntry& b = *findId(*list, "b");
        QVERIFY(b.usable);
        QVERIFY(b.hasTraining);
        QCOMPARE(QString::fromStdString(b.recipeMode), QStringLiteral("linear"));
        QCOMPARE(QString::fromStdString(b.parentId), QStringLiteral("a"));  // trailing '/' normalised
        QCOMPARE(b.dataFingerprint.size(), size_t(64));
        QCOMPARE(b.metrics.size(), size_t(4));
        QCOMPARE(QString::fromStdString(b.metrics[0].name), QStringLiteral("val top-1"));
        QCOMPARE(b.metrics[0].value, 0.875);
        QCOMPARE(QString::fromStdString(b.metrics[3].name), QStringLiteral("before top-1"));
    }

    void brokenAndHostileFolders() {
        makePackage("good");
        QDir().mkpath(pkg("empty"));
        makePackage("no-weights");
        QFile::remove(pkg("no-weights") + "/model.safetensors");
        makePackage("bad-config");
        writeFile(pkg("bad-config") + "/config.json", "{\"name\": \"x\", ");
        makePackage("array-config");
        writeFile(pkg("array-config") + "/config.json", "[1, 2]");
        makePackage("truncated");
        writeFile(pkg("truncated") + "/model.safetensors", "abc");
        // Hostile training.json: the model stays usable, the history is ignored or bounded.
        makePackage("garbage-training");
        writeFile(pkg("garbage-training") + "/training.json", QByteArray("\x00\xff{{{[[", 7));
        makePackage("wrong-types");
        writeFile(pkg("wrong-types") + "/training.json",
                  R"({"mode": 7, "parent": "str", "data": {"fingerprint": "not-hex"},
                      "after": {"top1": "0.9", "top5": null, "image_recall": [1]}, "before": 3})");
        makePackage("deep");
        writeFile(pkg("deep") + "/training.json", QByteArray(5000, '[') + QByteArray(5000, ']'));
        makePackage("control-chars");
        writeFile(pkg("control-chars") + "/config.json",
                  "{\"name\": \"line1\\nline2\\u0007\", \"embed_dim\": -5, \"vision\": {\"img_size\": 1e308}}");
        // Not versions: hidden, trash, a training run still writing, a package being written, a file.
        makePackage(".hidden");
        makePackage(".trash-old-1");
        makePackage("run.partial");
        makePackage("x.tmp-1234");
        writeFile(QString::fromStdString(root() + "/stray.txt"), "x");

        auto list = listRegistry(root());
        QVERIFY2(list.ok(), list.error().describe().c_str());
        QCOMPARE(list->size(), size_t(10));
        for (const char* id : {".hidden", ".trash-old-1", "run.partial", "x.tmp-1234", "stray.txt"})
            QVERIFY2(!findId(*list, id), id);
        QVERIFY(findId(*list, "good")->usable);
        auto unusable = [&](const char* id, const char* reason) {
            const RegistryEntry* e = findId(*list, id);
            QVERIFY2(e, id);
            QVERIFY2(!e->usable, id);
            QVERIFY2(e->problem.find(reason) != std::string::npos, e->problem.c_str());
            QCOMPARE(QString::fromStdString(e->displayName).isEmpty(), false);
        };
        unusable("empty", "model.safetensors is missing");
        unusable("empty", "config.json is missing");
        unusable("no-weights", "model.safetensors is missing");
        unusable("bad-config", "config.json is not valid JSON");
        unusable("array-config", "not a JSON object");
        unusable("truncated", "truncated");
        for (const char* id : {"garbage-training", "wrong-types", "deep"}) {
            const RegistryEntry* e = findId(*list, id);
            QVERIFY2(e && e->usable, id);
            QVERIFY(e->metrics.empty());
            QVERIFY(e->dataFingerprint.empty());
            QVERIFY(e->parentSpec.empty());
        }
        QVERIFY(findId(*list, "wrong-types")->hasTraining);
        QVERIFY(findId(*list, "wrong-types")->recipeMode.empty());
        const RegistryEntry* cc = findId(*list, "control-chars");
        QVERIFY(cc->displayName.find('\n') == std::string::npos);
        QVERIFY(cc->displayName.find('\a') == std::string::npos);
        QCOMPARE(cc->embedDim, int64_t(0));
        QVERIFY(cc->architecture.find("px") == std::string::npos);
        QCOMPARE(cc->imageSize, int64_t(0));  // 1e308 is no size
        QCOMPARE(cc->patchSize, int64_t(0));
    }

    void removalIsSafe() {
        makePackage("keep");
        makePackage("gone");
        QTemporaryDir outside;
        writeFile(outside.path() + "/config.json", kConfig);
        // Outside the root, the root itself, nested folders and '..' tricks are refused.
        for (const std::string& p : {outside.path().toStdString(), root(), root() + "/keep/sub",
                                     root() + "/keep/../../" + QFileInfo(outside.path()).fileName().toStdString(),
                                     std::string()}) {
            Status s = removeRegistryVersion(root(), p);
            QVERIFY2(!s.ok(), p.c_str());
            QCOMPARE(s.error().code, ErrorCode::InvalidArgument);
        }
        QVERIFY(QFileInfo::exists(outside.path() + "/config.json"));
        QCOMPARE(removeRegistryVersion(root(), root() + "/missing").error().code, ErrorCode::NotFound);
        // A trash folder left by an interrupted delete is cleaned up by the next one.
        makePackage(".trash-left-over-1");
        Status s = removeRegistryVersion(root(), root() + "/gone/");
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().describe().c_str());
        QVERIFY(!QFileInfo::exists(pkg("gone")));
        QVERIFY(!QFileInfo::exists(pkg(".trash-left-over-1")));
        QVERIFY(QFileInfo::exists(pkg("keep") + "/model.safetensors"));
        QCOMPARE(QDir(QString::fromStdString(root())).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList{QStringLiteral("keep")});
    }

    void uniqueIds() {
        QCOMPARE(QString::fromStdString(uniqueRegistryId(root(), "DiffCLIP ViT-B/16")), QStringLiteral("DiffCLIP-ViT-B-16"));
        QCOMPARE(QString::fromStdString(uniqueRegistryId(root(), "../../etc")), QStringLiteral("etc"));
        QCOMPARE(QString::fromStdString(uniqueRegistryId(root(), "")), QStringLiteral("model"));
        QCOMPARE(QString::fromStdString(uniqueRegistryId(root(), "///")), QStringLiteral("model"));
        QCOMPARE(QString::fromStdString(uniqueRegistryId(root(), "run.partial")), QStringLiteral("run-partial"));
        QVERIFY(uniqueRegistryId(root(), std::string(500, 'x')).size() <= 60);
        makePackage("tiny");
        QDir().mkpath(pkg("tiny-2.partial"));
        QCOMPARE(QString::fromStdString(uniqueRegistryId(root(), "tiny")), QStringLiteral("tiny-3"));
    }

    // Importing a preset (no file needed) reports "read", "convert" and "write" in that order.
    void importReportsItsStages() {
        std::vector<std::string> stages;
        int64_t lastDone = 0, lastTotal = 0;
        JobControl job;
        job.progress = Progress(
            [&](const ProgressUpdate& u) {
                if (stages.empty() || stages.back() != u.stage) stages.push_back(u.stage);
                lastDone = u.done;
                lastTotal = u.total;
            },
            std::chrono::milliseconds(0));
        auto path = importIntoRegistry(root(), "preset:diffclip-tiny", {}, job);
        QVERIFY2(path.ok(), path.ok() ? "" : path.error().message.c_str());
        QCOMPARE(stages, (std::vector<std::string>{"read", "convert", "write"}));
        QVERIFY(lastTotal >= 2);  // weights and config, plus the merges file when one is found
        QCOMPARE(lastDone, lastTotal);
        auto list = listRegistry(root());
        QVERIFY(list.ok());
        QCOMPARE(list->size(), size_t(1));
        QVERIFY(list->front().usable);
    }

    // Cancelled at any safe point (after reading, while converting, between files, before the
    // rename), an import
    // returns Cancelled and leaves no version and no temporary folder in the registry.
    void cancelledImportLeavesNothing_data() {
        QTest::addColumn<QString>("stage");
        QTest::addColumn<int>("done");
        QTest::newRow("after reading") << QStringLiteral("read") << 0;
        QTest::newRow("while converting") << QStringLiteral("convert") << 1;
        QTest::newRow("after the first file") << QStringLiteral("write") << 1;
        QTest::newRow("after the second file") << QStringLiteral("write") << 2;
    }
    void cancelledImportLeavesNothing() {
        QFETCH(QString, stage);
        QFETCH(int, done);
        JobControl job;
        job.cancel = CancelToken();
        job.progress = Progress(
            [&](const ProgressUpdate& u) {
                if (u.stage == stage.toStdString() && u.done == done) job.cancel.cancel();
            },
            std::chrono::milliseconds(0));
        auto path = importIntoRegistry(root(), "preset:diffclip-tiny", {}, job);
        QVERIFY(!path.ok());
        QCOMPARE(path.error().code, ErrorCode::Cancelled);
        QCOMPARE(QDir(QString::fromStdString(root())).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList());
        auto list = listRegistry(root());
        QVERIFY(list.ok());
        QVERIFY(list->empty());
    }

private:
    std::string root() const { return m_dir->path().toStdString() + "/models"; }
    QString pkg(const char* id) const { return QString::fromStdString(root()) + "/" + QString::fromUtf8(id); }
    void makePackage(const char* id) {
        writeFile(pkg(id) + "/config.json", kConfig);
        writeFile(pkg(id) + "/model.safetensors", QByteArray(64, '\x01'));
    }
    std::unique_ptr<QTemporaryDir> m_dir;
};

QTEST_APPLESS_MAIN(TestRegistry)
#include "tst_registry.moc"
