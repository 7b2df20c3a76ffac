// Tests of the usage log (schema 4): migration from a schema 3 file with its data kept, logging
// searches, feedback linked to them (rank, "none right", task time), the CSV export and clearing.

#include <sys/stat.h>

#include <QDir>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>
#include <sstream>

#include "diffclip/formats/Csv.h"
#include "diffclip/library/Database.h"
#include "diffclip/library/Library.h"
#include "diffclip/library/UsageKpis.h"

using namespace diffclip;

namespace {

ImageRecord image(const std::string& path, int k) {
    ImageRecord r;
    r.path = path;
    r.contentHash = std::string(63, '0') + char('0' + k % 10);
    r.size = 1000 + k;
    r.width = 64;
    r.height = 64;
    return r;
}

int64_t rawInt(const std::string& file, const std::string& sql) {
    auto db = Database::open(file, {});
    if (!db) return -1;
    auto v = db->queryInt(sql);
    return v ? *v : -1;
}

SearchLogEntry entry(const std::string& query, std::vector<int64_t> hits, int64_t at) {
    SearchLogEntry e;
    e.createdAtMs = at;
    e.osUser = "inspector1";
    e.host = "station-3";
    e.modelName = "/models/diffclip-a";
    e.modelFingerprint = "fp-a";
    e.query = query;
    e.k = 5;
    e.hitIds = std::move(hits);
    e.decodeMs = 4.5;
    e.encodeMs = 80.25;
    e.searchMs = 2.0;
    e.totalMs = 90.0;
    e.bestScore = 0.91;
    e.confident = true;
    e.source = "cli";
    e.filtersJson = R"({"label":"scratch"})";
    return e;
}

}  // namespace

class TestUsageLog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(m_dir.isValid()); }

    // A library as schema 3 wrote it (no searches table, feedback without search_id and rank):
    // read-only it is read as it is and has no log; opened for writing it gains the log and keeps
    // its photos and feedback, which read as not linked to any search.
    void schemaThreeIsMigratedWithItsData() {
        const std::string file = path("v3.dclib");
        int64_t a = 0;
        {
            auto lib = Library::open(file);
            QVERIFY2(lib.ok(), lib.error().describe().c_str());
            a = *lib->upsertImage(image("/p/a.png", 1));
            QVERIFY(lib->setLabel(a, "scratch", LabelSource::Manual).ok());
        }
        {
            auto db = Database::open(file, {});
            QVERIFY(db.ok());
            QVERIFY(db->exec("DROP TABLE searches; ALTER TABLE feedback DROP COLUMN search_id; "
                             "ALTER TABLE feedback DROP COLUMN rank; PRAGMA user_version = 3;"
                             "INSERT INTO feedback(query, hit_image_id, correct, created_at) "
                             "VALUES ('/q/old.png', 1, 1, 1700000000000), ('text:dent', 1, 0, 1700000000001)")
                        .ok());
        }
        {
            auto ro = Library::open(file, {true, false, 5000});
            QVERIFY2(ro.ok(), ro.error().describe().c_str());
            QCOMPARE(ro->openedSchemaVersion(), 3);
            auto fb = ro->feedback();
            QVERIFY2(fb.ok(), fb.error().describe().c_str());
            QCOMPARE(fb->size(), size_t(2));
            QCOMPARE(fb->front().searchId, int64_t(0));
            auto log = ro->searchLog();
            QVERIFY(log.ok());
            QVERIFY(log->empty());
            auto logged = ro->logSearch(entry("/q/x.png", {a}, 1));
            QVERIFY(!logged.ok());
            QCOMPARE(logged.error().code, ErrorCode::Io);
            QVERIFY(QString::fromStdString(logged.error().message).contains("read-only"));
        }
        QCOMPARE(rawInt(file, "PRAGMA user_version"), int64_t(3));  // not migrated read-only
        auto lib = Library::open(file);
        QVERIFY2(lib.ok(), lib.error().describe().c_str());
        QCOMPARE(lib->openedSchemaVersion(), 3);
        QCOMPARE(rawInt(file, "PRAGMA user_version"), int64_t(4));
        QCOMPARE(rawInt(file, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'searches'"), int64_t(1));
        auto fb = lib->feedback();
        QVERIFY(fb.ok());
        QCOMPARE(fb->size(), size_t(2));
        QCOMPARE(QString::fromStdString((*fb)[0].query), QString("/q/old.png"));
        QCOMPARE((*fb)[0].hitImageId, a);
        QVERIFY((*fb)[0].right);
        QCOMPARE((*fb)[0].createdAtMs, int64_t(1700000000000));
        QCOMPARE((*fb)[0].searchId, int64_t(0));
        QCOMPARE((*fb)[0].rank, 0);
        QVERIFY(!(*fb)[1].right);
        QCOMPARE(lib->currentFeedback("/q/old.png")->size(), size_t(1));
        QCOMPARE(*lib->label(a), std::string("scratch"));
        // The migrated file logs searches.
        auto id = lib->logSearch(entry("/q/x.png", {a}, 1700000001000));
        QVERIFY2(id.ok(), id.error().describe().c_str());
        QVERIFY(lib->addSearchFeedback(*id, 1, true, 1700000002000).ok());
        QCOMPARE(lib->searchLog()->size(), size_t(1));
        QVERIFY(lib->check()->clean());
    }

    void searchesAndFeedbackFolded() {
        auto lib = Library::open(path("log.dclib"));
        QVERIFY2(lib.ok(), lib.error().describe().c_str());
        std::vector<int64_t> ids;
        for (int i = 0; i < 4; ++i) ids.push_back(*lib->upsertImage(image("/p/" + std::to_string(i) + ".png", i)));
        QVERIFY(lib->setLabel(ids[2], "dent", LabelSource::Manual).ok());
        const int64_t t0 = 1767225600000;  // 2026-01-01T00:00:00Z

        // Search 1: rank 3 marked right 12.5 s after the query, rank 1 wrong; the task time is to
        // that first "right".
        auto s1 = lib->logSearch(entry("/q/1.png", {ids[0], ids[1], ids[2], ids[3]}, t0));
        QVERIFY2(s1.ok(), s1.error().describe().c_str());
        QVERIFY(lib->addSearchFeedback(*s1, 1, false, t0 + 5000).ok());
        QVERIFY(lib->addSearchFeedback(*s1, 3, true, t0 + 12500).ok());
        // Search 2: none right.
        auto s2 = lib->logSearch(entry("text:crack", {ids[1], ids[0]}, t0 + 60000));
        QVERIFY(s2.ok());
        QVERIFY(*s2 > *s1);
        QVERIFY(lib->addSearchFeedback(*s2, 0, false, t0 + 70000).ok());
        // Search 3: "none right", then a change of mind: rank 2 is right after all (task time
        // from that mark); later rank 1 is marked right too, so the first right rank is 1 but the
        // task time stays the first "right" mark.
        auto s3 = lib->logSearch(entry("/q/3.png", {ids[3], ids[2]}, t0 + 120000));
        QVERIFY(lib->addSearchFeedback(*s3, 0, false, t0 + 121000).ok());
        QVERIFY(lib->addSearchFeedback(*s3, 2, true, t0 + 125000).ok());
        QVERIFY(lib->addSearchFeedback(*s3, 1, true, t0 + 130000).ok());
        // Search 4: only a wrong mark: not judged (it does not say whether a right one was shown).
        auto s4 = lib->logSearch(entry("/q/4.png", {ids[0]}, t0 + 180000));
        QVERIFY(lib->addSearchFeedback(*s4, 1, false, t0 + 181000).ok());
        // Search 5: right, then taken back: judged as none right? No: only "wrong" remains, not judged.
        auto s5 = lib->logSearch(entry("/q/5.png", {ids[0]}, t0 + 240000));
        QVERIFY(lib->addSearchFeedback(*s5, 1, true, t0 + 241000).ok());
        QVERIFY(lib->addSearchFeedback(*s5, 1, false, t0 + 242000).ok());

        auto log = lib->searchLog();
        QVERIFY2(log.ok(), log.error().describe().c_str());
        QCOMPARE(log->size(), size_t(5));
        const auto& r1 = (*log)[0];
        QCOMPARE(r1.id, *s1);
        QVERIFY(r1.judged);
        QCOMPARE(r1.firstRightRank, 3);
        QCOMPARE(QString::fromStdString(r1.rightLabel), QString("dent"));
        QCOMPARE(QString::fromStdString(searchLabel(r1)), QString("dent"));
        QVERIFY(r1.taskMs.has_value());
        QCOMPARE(*r1.taskMs, int64_t(12500));
        QCOMPARE(r1.entry.hitIds, (std::vector<int64_t>{ids[0], ids[1], ids[2], ids[3]}));
        QCOMPARE(r1.entry.decodeMs, 4.5);
        QCOMPARE(r1.entry.encodeMs, 80.25);
        QCOMPARE(*r1.entry.bestScore, 0.91);
        QVERIFY(*r1.entry.confident);
        QCOMPARE(QString::fromStdString(r1.entry.osUser), QString("inspector1"));
        const auto& r2 = (*log)[1];
        QVERIFY(r2.judged && r2.noneRight);
        QCOMPARE(r2.firstRightRank, 0);
        QVERIFY(!r2.taskMs);
        const auto& r3 = (*log)[2];
        QVERIFY(r3.judged && !r3.noneRight);
        QCOMPARE(r3.firstRightRank, 1);
        QCOMPARE(*r3.taskMs, int64_t(5000));
        QVERIFY(!(*log)[3].judged);
        QVERIFY(!(*log)[4].judged);

        // The hit panel's history sees the linked judgements under the search's query key.
        auto history = lib->feedbackHistory("/q/1.png", ids[2]);
        QVERIFY(history.ok());
        QCOMPARE(history->size(), size_t(1));
        QCOMPARE(history->front().searchId, *s1);
        QCOMPARE(history->front().rank, 3);

        // Filters: user, model (name or fingerprint), period.
        UsageFilter f;
        f.user = "nobody";
        QVERIFY(lib->searchLog(f)->empty());
        f = {};
        f.model = "fp-a";
        QCOMPARE(lib->searchLog(f)->size(), size_t(5));
        f.fromMs = t0 + 60000;
        f.toMs = t0 + 180000;
        QCOMPARE(lib->searchLog(f)->size(), size_t(2));
        f = {};
        f.label = "dent";
        QCOMPARE(lib->searchLog(f)->size(), size_t(1));

        // Bad input.
        auto unknown = lib->addSearchFeedback(99999, 1, true);
        QCOMPARE(unknown.error().code, ErrorCode::NotFound);
        QVERIFY(QString::fromStdString(unknown.error().message).contains("no search with id 99999"));
        QCOMPARE(lib->addSearchFeedback(*s2, 3, true).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(lib->addSearchFeedback(*s2, -1, true).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(lib->addSearchFeedback(*s2, 0, true).error().code, ErrorCode::InvalidArgument);
        SearchLogEntry bad = entry("/q/x.png", {ids[0]}, t0);
        bad.k = 0;
        QCOMPARE(lib->logSearch(bad).error().code, ErrorCode::InvalidArgument);
        bad = entry("/q/x.png", {ids[0]}, t0);
        bad.totalMs = -1;
        QCOMPARE(lib->logSearch(bad).error().code, ErrorCode::InvalidArgument);
        bad = entry("/q/x.png", {ids[0]}, t0);
        bad.filtersJson = "[1]";
        QCOMPARE(lib->logSearch(bad).error().code, ErrorCode::InvalidArgument);
        bad = entry("/q/x.png", {1, 2, 3, 4, 5, 6}, t0);
        QCOMPARE(lib->logSearch(bad).error().code, ErrorCode::InvalidArgument);
        bad = entry("", {ids[0]}, t0);
        QCOMPARE(lib->logSearch(bad).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(lib->searchLog()->size(), size_t(5));  // nothing stored by the failures

        // Unset user, host and time are filled in.
        SearchLogEntry plain = entry("text:x", {}, 0);
        plain.osUser.clear();
        plain.host.clear();
        plain.bestScore.reset();
        plain.confident.reset();
        auto s6 = lib->logSearch(plain);
        QVERIFY(s6.ok());
        const auto last = lib->searchLog()->back();
        QVERIFY(!last.entry.osUser.empty());
        QVERIFY(last.entry.createdAtMs > t0);
        QVERIFY(!last.entry.bestScore && !last.entry.confident);
        QVERIFY(lib->check()->clean());
    }

    void exportQuotesAndClearKeepsJudgements() {
        const std::string file = path("export.dclib");
        auto lib = Library::open(file);
        QVERIFY(lib.ok());
        const int64_t a = *lib->upsertImage(image("/p/a.png", 1));
        const int64_t t0 = 1767225600000;
        auto s1 = lib->logSearch(entry("text:crack, \"hairline\"\nnear the weld", {a}, t0));
        QVERIFY(s1.ok());
        QVERIFY(lib->addSearchFeedback(*s1, 1, true, t0 + 2000).ok());
        auto s2 = lib->logSearch(entry("/q/2.png", {a}, t0 + 1000));
        QVERIFY(lib->addSearchFeedback(*s2, 0, false, t0 + 3000).ok());

        const std::string csv = path("usage.csv");
        auto written = lib->exportUsageCsv(csv);
        QVERIFY2(written.ok(), written.error().describe().c_str());
        QCOMPARE(*written, int64_t(2));
        std::ifstream in(csv, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        QVERIFY(text.str().find("\r\n") != std::string::npos);
        auto rows = parseCsv(text.str());
        QVERIFY2(rows.ok(), rows.error().describe().c_str());
        QCOMPARE(rows->size(), size_t(3));
        const auto& header = (*rows)[0].fields;
        auto column = [&](const char* name) {
            return size_t(std::find(header.begin(), header.end(), name) - header.begin());
        };
        QVERIFY(column("task_ms") < header.size());
        QCOMPARE(QString::fromStdString((*rows)[1].fields[column("query")]),
                 QString("text:crack, \"hairline\"\nnear the weld"));  // round trip through the quoting
        QCOMPARE(QString::fromStdString((*rows)[1].fields[column("time_utc")]), QString("2026-01-01T00:00:00.000Z"));
        QCOMPARE(QString::fromStdString((*rows)[1].fields[column("query_kind")]), QString("photo"));
        QCOMPARE(QString::fromStdString((*rows)[1].fields[column("first_right_rank")]), QString("1"));
        QCOMPARE(QString::fromStdString((*rows)[1].fields[column("task_ms")]), QString("2000"));
        QCOMPARE(QString::fromStdString((*rows)[1].fields[column("encode_ms")]), QString("80.250"));
        QCOMPARE(QString::fromStdString((*rows)[1].fields[column("filters")]), QString(R"({"label":"scratch"})"));
        QCOMPARE(QString::fromStdString((*rows)[2].fields[column("none_right")]), QString("1"));
        QCOMPARE(QString::fromStdString((*rows)[2].fields[column("first_right_rank")]), QString(""));

        // A folder that cannot be written: a clear error, nothing left behind.
        auto nowhere = lib->exportUsageCsv(path("missing-folder/usage.csv"));
        QVERIFY(!nowhere.ok());
        QCOMPARE(nowhere.error().code, ErrorCode::Io);

        // Clearing removes the searches and the "none right" marks; the hit judgement stays.
        auto cleared = lib->clearUsageLog();
        QVERIFY2(cleared.ok(), cleared.error().describe().c_str());
        QCOMPARE(*cleared, int64_t(2));
        QVERIFY(lib->searchLog()->empty());
        auto fb = lib->feedback();
        QCOMPARE(fb->size(), size_t(1));
        QCOMPARE(fb->front().hitImageId, a);
        QCOMPARE(fb->front().searchId, int64_t(0));
        QCOMPARE(lib->addSearchFeedback(*s1, 1, true).error().code, ErrorCode::NotFound);
        QVERIFY(lib->check()->clean());

        // Read-only: logging, feedback and clearing say so.
        QVERIFY(lib->logSearch(entry("/q/3.png", {a}, t0)).ok());
        lib = Library::open(file, {true, false, 5000});
        QVERIFY(lib.ok());
        QCOMPARE(lib->searchLog()->size(), size_t(1));
        auto ro = lib->logSearch(entry("/q/4.png", {a}, t0));
        QVERIFY(!ro.ok());
        QVERIFY2(QString::fromStdString(ro.error().message).contains("read-only"), ro.error().message.c_str());
        QVERIFY(!lib->clearUsageLog().ok());
        QVERIFY(!lib->addSearchFeedback(lib->searchLog()->front().id, 1, true).ok());
    }

    void calendar() {
        QCOMPARE(QString::fromStdString(usage::civilDay(0)), QString("1970-01-01"));
        QCOMPARE(usage::daysFromCivil(2026, 12, 7), int64_t(20794));
        QCOMPARE(QString::fromStdString(usage::civilDay(20794)), QString("2026-12-07"));
        // ISO weeks: 2024-12-30 (Monday) is in 2025-W01; 2021-01-03 (Sunday) in 2020-W53;
        // 2026-12-07 (Monday) in 2026-W50.
        QCOMPARE(QString::fromStdString(usage::isoWeek(usage::daysFromCivil(2024, 12, 30))), QString("2025-W01"));
        QCOMPARE(QString::fromStdString(usage::isoWeek(usage::daysFromCivil(2021, 1, 3))), QString("2020-W53"));
        QCOMPARE(QString::fromStdString(usage::isoWeek(usage::daysFromCivil(2026, 12, 7))), QString("2026-W50"));
        QCOMPARE(QString::fromStdString(usage::isoWeek(usage::daysFromCivil(2026, 1, 1))), QString("2026-W01"));
        QCOMPARE(QString::fromStdString(usage::isoUtcTime(1767225600123)), QString("2026-01-01T00:00:00.123Z"));
        QCOMPARE(*usage::dayStartMs("2026-01-01", 0), int64_t(1767225600000));
        QCOMPARE(*usage::dayStartMs("2026-01-01", 540), int64_t(1767225600000 - 540 * 60000));
        QVERIFY(!usage::dayStartMs("2026-02-30", 0));
        QVERIFY(!usage::dayStartMs("2026-1-01", 0));
        QCOMPARE(usage::dayOf(1767225600000 - 1, 0), usage::daysFromCivil(2025, 12, 31));
        QCOMPARE(usage::dayOf(1767225600000 - 1, 540), usage::daysFromCivil(2026, 1, 1));  // 08:59 in Tokyo
    }

private:
    std::string path(const char* name) const { return QDir(m_dir.path()).filePath(name).toStdString(); }
    std::string path(const std::string& name) const { return path(name.c_str()); }
    QTemporaryDir m_dir;
};

QTEST_APPLESS_MAIN(TestUsageLog)
#include "tst_usagelog.moc"
