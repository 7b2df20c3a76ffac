// The job contract (diffclip/base/Job.h): which progress reports are delivered, how counts
// move, and cancel tokens shared between copies.
#include <QtTest>

#include <thread>
#include <vector>

#include "diffclip/base/Job.h"

using namespace diffclip;

class TstJob : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void defaultProgressReportsNowhere() {
        Progress p;
        QVERIFY(!p.connected());
        p.stage("embed", 10);
        p.update(3);
        p.message("hello");
        QCOMPARE(p.current().done, int64_t(0));  // nothing is kept either
    }

    // With an interval nobody reaches, a stage of 100 steps delivers: the stage start, the
    // first step, the last step (once), and every message.
    void throttleKeepsFirstLastAndMessages() {
        std::vector<ProgressUpdate> got;
        Progress p([&](const ProgressUpdate& u) { got.push_back(u); }, std::chrono::hours(1));
        p.stage("embed", 100);
        for (int i = 1; i <= 100; ++i) p.update(i);
        p.update(100);
        p.message("done embedding");
        QCOMPARE(int(got.size()), 4);
        QCOMPARE(QString::fromStdString(got[0].stage), QStringLiteral("embed"));
        QCOMPARE(got[0].done, int64_t(0));
        QCOMPARE(got[0].total, int64_t(100));
        QCOMPARE(got[1].done, int64_t(1));
        QCOMPARE(got[2].done, int64_t(100));
        QCOMPARE(QString::fromStdString(got[3].message), QStringLiteral("done embedding"));
        QCOMPARE(got[3].done, int64_t(100));
        QCOMPARE(p.current().done, int64_t(100));
    }

    // With no interval every step arrives; counts are clamped to the stage's total.
    void zeroIntervalDeliversEveryStepAndClamps() {
        std::vector<int64_t> done;
        Progress p([&](const ProgressUpdate& u) { done.push_back(u.done); }, std::chrono::milliseconds(0));
        p.stage("decode", 3);
        p.advance();
        p.advance(5);  // past the total: clamped to 3
        p.update(-4);  // below zero: clamped to 0
        QCOMPARE(done, (std::vector<int64_t>{0, 1, 3, 0}));
    }

    void unknownTotalThenSetTotal() {
        std::vector<ProgressUpdate> got;
        Progress p([&](const ProgressUpdate& u) { got.push_back(u); }, std::chrono::milliseconds(0));
        p.stage("scan");
        p.update(7);
        p.setTotal(20);
        QCOMPARE(int(got.size()), 3);
        QCOMPARE(got[1].total, int64_t(0));
        QCOMPARE(got[1].done, int64_t(7));
        QCOMPARE(got[2].total, int64_t(20));
        QCOMPARE(got[2].done, int64_t(7));
        p.stage("embed", 5);  // a new stage starts from zero
        QCOMPARE(p.current().done, int64_t(0));
        QCOMPARE(QString::fromStdString(p.current().stage), QStringLiteral("embed"));
    }

    // Copies share one state; advances from several threads are all counted.
    void copiesShareStateAcrossThreads() {
        Progress p([](const ProgressUpdate&) {}, std::chrono::milliseconds(0));
        p.stage("embed", 4000);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([copy = p] {
                for (int i = 0; i < 1000; ++i) copy.advance();
            });
        for (auto& t : threads) t.join();
        QCOMPARE(p.current().done, int64_t(4000));
    }

    void cancelTokenIsShared() {
        CancelToken a;
        const CancelToken b = a;
        QVERIFY(!b.cancelled());
        a.cancel();
        QVERIFY(b.cancelled());
        const CancelToken never = CancelToken::never();
        never.cancel();
        QVERIFY(!never.cancelled());
        const Error e = CancelToken::error("indexing");
        QCOMPARE(e.code, ErrorCode::Cancelled);
        QCOMPARE(QString::fromStdString(e.message), QStringLiteral("indexing cancelled"));
        JobControl job;
        QVERIFY(!job.cancel.cancelled());
    }
};

QTEST_APPLESS_MAIN(TstJob)
#include "tst_job.moc"
