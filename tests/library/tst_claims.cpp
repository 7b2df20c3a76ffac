// Tests of the claims of indexing runs (Library::claimPaths and friends, schema 3): who holds a
// path, done and unfinished claims, expiry and renewal, claims of a process that no longer runs
// (run ids naming their process, base/ProcessIdentity.h), two connections racing for the same
// paths, and the migration of a schema 2 library (read-only it stays readable and unchanged).

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "diffclip/base/ProcessIdentity.h"
#include "diffclip/library/Database.h"
#include "diffclip/library/Library.h"

#include "../support/LibrarySupport.h"

using namespace diffclip;
using testsupport::rawExec;
using testsupport::rawInt;
using Claim = Library::Claim;

constexpr int64_t kModel = 1;  // claims are per model; no models row is needed

namespace {

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

    // A run id names its process (host, boot, pid namespace, pid, start time) and reads back;
    // ids of other formats name none.
    void runIdsNameTheirProcess() {
        const ProcessIdentity self = currentProcessIdentity();
        QCOMPARE(self.pid, int64_t(::getpid()));
        const std::string id = newRunId();
        QVERIFY(id != newRunId());  // unique per run, also within one process
        const auto holder = runIdHolder(id);
        QVERIFY2(holder.has_value(), id.c_str());
        QCOMPARE(holder->host, self.host);
        QCOMPARE(holder->bootId, self.bootId);
        QCOMPARE(holder->pidNamespace, self.pidNamespace);
        QCOMPARE(holder->pid, self.pid);
        QCOMPARE(holder->startTime, self.startTime);
        QVERIFY(!runHolderIsGone(id));
        QVERIFY(!runIdHolder("12345-0123456789abcdef").has_value());  // the format before run ids named their process
        QVERIFY(!runIdHolder("dc1|host|boot|ns|x|1|u").has_value());
        QVERIFY(!runIdHolder("").has_value());
#ifdef __linux__
        QVERIFY(!self.bootId.empty());
        QVERIFY(!self.pidNamespace.empty());
        QVERIFY(self.startTime > 0);
        QCOMPARE(processStartTime(self.pid).value_or(0), self.startTime);
#endif
    }

    // Unfinished claims of a run whose process no longer runs on this machine (ended: its pid
    // names no process; or its pid now names a process that started at another time) are taken
    // over at once; those of a live process, of another host or boot, and of run ids of the older
    // format wait for their time to live; a done claim stays done.
    void claimsOfAGoneProcessAreTakenOverAtOnce() {
        const ProcessIdentity self = currentProcessIdentity();
        if (self.bootId.empty() || self.pidNamespace.empty() || self.startTime == 0)
            QSKIP("no /proc here: every claim waits for its time to live");
        // A child that ended and was reaped: its pid names no process now.
        const pid_t child = ::fork();
        if (child == 0) ::_exit(0);
        QVERIFY(child > 0);
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        ProcessIdentity ended = self;
        ended.pid = child;
        ProcessIdentity reused = self;  // this test's pid, but another start time: a reused pid
        reused.startTime = self.startTime + 1;
        ProcessIdentity otherHost = ended;
        otherHost.host = self.host + "-elsewhere";
        ProcessIdentity otherBoot = ended;
        otherBoot.bootId = "00000000-0000-0000-0000-000000000000";
        ProcessIdentity otherContainer = ended;
        otherContainer.pidNamespace = "1";
        const std::vector<std::pair<std::string, std::string>> holders = {
            {"/p/ended", makeRunId(ended, "a")},
            {"/p/reused", makeRunId(reused, "b")},
            {"/p/live", makeRunId(self, "c")},  // this process, another run
            {"/p/host", makeRunId(otherHost, "d")},
            {"/p/boot", makeRunId(otherBoot, "e")},
            {"/p/container", makeRunId(otherContainer, "f")},
            {"/p/old", std::to_string(child) + "-0123456789abcdef"},
            {"/p/done", makeRunId(ended, "g")},
        };
        const std::string file = path("gone.dclib");
        auto first = Library::open(file);
        auto next = Library::open(file);
        QVERIFY(first.ok() && next.ok());
        for (const auto& [p, run] : holders) QCOMPARE(claim(*first, {p}, run), std::vector<Claim>{Claim::Claimed});
        QVERIFY(first->finishClaims({"/p/done"}, kModel, holders.back().second, 60000).ok());
        QVERIFY(runHolderIsGone(holders[0].second));
        QVERIFY(runHolderIsGone(holders[1].second));
        for (size_t i = 2; i + 1 < holders.size(); ++i)
            QVERIFY2(!runHolderIsGone(holders[i].second), holders[i].first.c_str());

        std::vector<std::string> paths;
        for (const auto& h : holders) paths.push_back(h.first);
        const std::string run = newRunId();
        QCOMPARE(claim(*next, paths, run), (std::vector<Claim>{Claim::Claimed, Claim::Claimed, Claim::Busy, Claim::Busy,
                                                               Claim::Busy, Claim::Busy, Claim::Busy, Claim::Done}));
        QCOMPARE(rawInt(file, "SELECT COUNT(*) FROM claims WHERE path IN ('/p/ended', '/p/reused') AND run_id = '" +
                                  run + "'"),
                 int64_t(2));
        // The claims taken over are this run's now: renewed and released like its own.
        QVERIFY(next->releaseClaims(run).ok());
        QCOMPARE(rawInt(file, "SELECT COUNT(*) FROM claims WHERE path IN ('/p/ended', '/p/reused')"), int64_t(0));
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
        QVERIFY(rawExec(file, "DROP TABLE searches; ALTER TABLE feedback DROP COLUMN search_id; "
                              "ALTER TABLE feedback DROP COLUMN rank; DROP TABLE claims; PRAGMA user_version = 2;"
                              "INSERT INTO images(path, content_hash, added_at) VALUES ('/p/old.jpg', 'ab', 0)"));
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
