// Tests of the claims of indexing runs (Library::claimPaths and friends, schema 3): who holds a
// path, done and unfinished claims, expiry and renewal, two connections racing for the same
// paths, and the migration of a schema 2 library (read-only it stays readable and unchanged).

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "diffclip/library/Database.h"
#include "diffclip/library/Library.h"

using namespace diffclip;
using Claim = Library::Claim;

constexpr int64_t kModel = 1;  // claims are per model; no models row is needed

namespace {

int64_t rawInt(const std::string& file, const std::string& sql) {
    auto db = Database::open(file, {});
    if (!db) {
        return -1;
    }
    auto v = db->queryInt(sql);
    return v ? *v : -1;
}

std::vector<Claim> claim(Library& lib, const std::vector<std::string>& paths, const std::string& run,
                         int64_t ttlMs = 60000) {
    auto got = lib.claimPaths(paths, kModel, run, ttlMs);
    if (!got) {
        qWarning("claimPaths: %s", got.error().describe().c_str());
        return {};
    }
    return *got;
}

}  // namespace

class TestClaims : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string path(const std::string& name) const {
        return m_dir.filePath(QString::fromStdString(name)).toStdString();
    }

private Q_SLOTS:
    // Two connections (two runs): a path held by one is Busy for the other (with the same model)
    // until it is released (unfinished), or Done (finished) until its claim expires.
    void heldDoneAndReleased() {
        const std::string file = path("held.dclib");
        auto one = Library::open(file);
        auto two = Library::open(file);
        QVERIFY(one.ok() && two.ok());
        QCOMPARE(claim(*one, {"/p/a", "/p/b"}, "run1"), (std::vector<Claim>{Claim::Claimed, Claim::Claimed}));
        QCOMPARE(claim(*two, {"/p/b", "/p/c"}, "run2"), (std::vector<Claim>{Claim::Busy, Claim::Claimed}));
        QCOMPARE(claim(*one, {"/p/a", "/p/c"}, "run1"), (std::vector<Claim>{Claim::Claimed, Claim::Busy}));
        // Another model's embedding of the same photo is another run's free work.
        auto otherModel = two->claimPaths({"/p/a"}, kModel + 1, "run2", 60000);
        QVERIFY(otherModel.ok());
        QCOMPARE(*otherModel, std::vector<Claim>{Claim::Claimed});
        QVERIFY(two->finishClaims({"/p/a"}, kModel + 1, "run2", 60000).ok());
        QVERIFY(one->finishClaims({"/p/a"}, kModel, "run1", 60000).ok());
        QVERIFY(one->releaseClaims("run1").ok());  // b was unfinished: free again; a stays done
        QCOMPARE(claim(*two, {"/p/a", "/p/b"}, "run2"), (std::vector<Claim>{Claim::Done, Claim::Claimed}));
        QVERIFY(two->releaseClaims("run2").ok());
        QCOMPARE(rawInt(file, "SELECT COUNT(*) FROM claims WHERE done = 0"), int64_t(0));
        QCOMPARE(rawInt(file, "SELECT COUNT(*) FROM claims WHERE done = 1"), int64_t(2));
    }

    // A killed run renews nothing: its claims, unfinished or done, are taken over once expired;
    // a live run's renewed claim is not.
    void expiredClaimsAreTakenOver() {
        const std::string file = path("expiry.dclib");
        auto killed = Library::open(file);
        auto live = Library::open(file);
        auto other = Library::open(file);
        QVERIFY(killed.ok() && live.ok() && other.ok());
        QCOMPARE(claim(*killed, {"/p/x", "/p/y"}, "killed", 50), (std::vector<Claim>{Claim::Claimed, Claim::Claimed}));
        QVERIFY(killed->finishClaims({"/p/y"}, kModel, "killed", 50).ok());
        QCOMPARE(claim(*live, {"/p/z"}, "live", 50), std::vector<Claim>{Claim::Claimed});
        QVERIFY(live->renewClaims("live", 60000).ok());
        QCOMPARE(claim(*other, {"/p/x", "/p/y", "/p/z"}, "other"),
                 (std::vector<Claim>{Claim::Busy, Claim::Done, Claim::Busy}));
        std::this_thread::sleep_for(std::chrono::milliseconds(120));
        QCOMPARE(claim(*other, {"/p/x", "/p/y", "/p/z"}, "other"),
                 (std::vector<Claim>{Claim::Claimed, Claim::Claimed, Claim::Busy}));
    }

    void refusesUnusableArguments() {
        auto lib = Library::open(path("args.dclib"));
        QVERIFY(lib.ok());
        auto noRun = lib->claimPaths({"/p/a"}, kModel, "", 1000);
        QVERIFY(!noRun.ok());
        QCOMPARE(noRun.error().code, ErrorCode::InvalidArgument);
        auto noTime = lib->claimPaths({"/p/a"}, kModel, "run", 0);
        QVERIFY(!noTime.ok());
        QCOMPARE(noTime.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(lib->renewClaims("run", 0).error().code, ErrorCode::InvalidArgument);
    }

    // Two runs on two threads claim the same 300 paths in batches of 10: every path goes to
    // exactly one of them (the check and the claim are one write transaction).
    void racingRunsNeverShareAPath() {
        const std::string file = path("race.dclib");
        QVERIFY(Library::open(file).ok());
        std::vector<std::string> paths;
        for (int i = 0; i < 300; ++i) paths.push_back("/p/" + std::to_string(i));
        std::set<std::string> got[2];
        std::string errors[2];
        auto run = [&](int k) {
            auto lib = Library::open(file);
            if (!lib) {
                errors[k] = lib.error().describe();
                return;
            }
            const std::string id = "run" + std::to_string(k);
            for (size_t b = 0; b < paths.size(); b += 10) {
                const std::vector<std::string> chunk(paths.begin() + std::ptrdiff_t(b),
                                                     paths.begin() + std::ptrdiff_t(b + 10));
                auto claims = lib->claimPaths(chunk, kModel, id, 60000);
                if (!claims) {
                    errors[k] = claims.error().describe();
                    return;
                }
                for (size_t i = 0; i < chunk.size(); ++i)
                    if ((*claims)[i] == Claim::Claimed) got[k].insert(chunk[i]);
            }
        };
        std::thread a(run, 0), b(run, 1);
        a.join();
        b.join();
        QVERIFY2(errors[0].empty() && errors[1].empty(), (errors[0] + errors[1]).c_str());
        for (const std::string& p : got[0]) QVERIFY2(got[1].count(p) == 0, p.c_str());
        QCOMPARE(got[0].size() + got[1].size(), paths.size());
    }

    // A library as schema 2 wrote it (no claims table): read-only it is read as it is and not
    // migrated, and claims on it fail; opened for writing it gains the table and keeps its photos.
    void schemaTwoIsMigrated() {
        const std::string file = path("v2.dclib");
        QVERIFY(Library::open(file).ok());
        {
            auto db = Database::open(file, {});
            QVERIFY(db.ok());
            QVERIFY(db->exec("DROP TABLE searches; ALTER TABLE feedback DROP COLUMN search_id; "
                             "ALTER TABLE feedback DROP COLUMN rank; DROP TABLE claims; PRAGMA user_version = 2;"
                             "INSERT INTO images(path, content_hash, added_at) VALUES ('/p/old.jpg', 'ab', 0)")
                        .ok());
        }
        {
            auto ro = Library::open(file, {true, false, 5000});
            QVERIFY2(ro.ok(), ro.error().describe().c_str());
            QCOMPARE(ro->openedSchemaVersion(), 2);
            auto images = ro->listImages();
            QVERIFY(images.ok());
            QCOMPARE(images->size(), size_t(1));
            QVERIFY(!ro->claimPaths({"/p/old.jpg"}, kModel, "run", 1000).ok());
        }
        QCOMPARE(rawInt(file, "PRAGMA user_version"), int64_t(2));
        QCOMPARE(rawInt(file, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'claims'"), int64_t(0));
        auto lib = Library::open(file);
        QVERIFY2(lib.ok(), lib.error().describe().c_str());
        QCOMPARE(lib->openedSchemaVersion(), 2);
        QCOMPARE(rawInt(file, "PRAGMA user_version"), int64_t(Library::kSchemaVersion));
        QVERIFY(lib->findImageByPath("/p/old.jpg").ok());
        QCOMPARE(claim(*lib, {"/p/old.jpg"}, "run"), std::vector<Claim>{Claim::Claimed});
        QVERIFY(lib->check()->clean());
    }
};

QTEST_APPLESS_MAIN(TestClaims)
#include "tst_claims.moc"
