// The shared thread pool: every index exactly once, the parallelFor split (hand-computed
// ranges), several callers at once, nested loops, exceptions, and real concurrency.

#include <QtTest/QtTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "diffclip/base/ThreadPool.h"

using diffclip::ThreadPool;

class TestThreadPool : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sizes() {
        QCOMPARE(ThreadPool(1).size(), 1u);
        QCOMPARE(ThreadPool(3).size(), 3u);
        QCOMPARE(ThreadPool(0).size(), std::max(1u, std::thread::hardware_concurrency()));
    }

    void everyIndexOnce_data() {
        QTest::addColumn<unsigned>("threads");
        QTest::addColumn<int>("n");
        for (unsigned threads : {1u, 2u, 4u})
            for (int n : {0, 1, 3, 1000})
                QTest::addRow("%u threads, %d items", threads, n) << threads << n;
    }
    void everyIndexOnce() {
        QFETCH(unsigned, threads);
        QFETCH(int, n);
        ThreadPool pool(threads);
        std::vector<std::atomic<int>> hits(size_t(n) + 1);
        for (int round = 0; round < 3; ++round) pool.run(size_t(n), [&](size_t i) { hits[i].fetch_add(1); });
        for (int i = 0; i < n; ++i) QCOMPARE(hits[size_t(i)].load(), 3);
        QCOMPARE(hits[size_t(n)].load(), 0);
    }

    // Range k of n items in p parts is [n*k/p, n*(k+1)/p).
    void parallelForRanges() {
        ThreadPool pool(2);
        std::mutex m;
        std::set<std::pair<size_t, size_t>> ranges;
        auto record = [&](size_t b, size_t e) {
            std::lock_guard<std::mutex> lock(m);
            ranges.insert({b, e});
        };
        pool.parallelFor(10, record, 3);
        QCOMPARE(ranges, (std::set<std::pair<size_t, size_t>>{{0, 3}, {3, 6}, {6, 10}}));
        ranges.clear();
        pool.parallelFor(2, record, 5);  // never more parts than items, never an empty range
        QCOMPARE(ranges, (std::set<std::pair<size_t, size_t>>{{0, 1}, {1, 2}}));
        ranges.clear();
        pool.parallelFor(7, record);  // parts = size() = 2
        QCOMPARE(ranges, (std::set<std::pair<size_t, size_t>>{{0, 3}, {3, 7}}));
        ranges.clear();
        pool.parallelFor(0, record);
        QVERIFY(ranges.empty());
    }

    void severalCallersAtOnce() {
        ThreadPool pool(3);
        std::vector<long long> sums(4, 0);
        std::vector<std::thread> callers;
        for (size_t c = 0; c < sums.size(); ++c) {
            callers.emplace_back([&, c] {
                for (int round = 0; round < 50; ++round) {
                    std::vector<long long> part(100, 0);
                    pool.run(part.size(), [&](size_t i) { part[i] = (long long)(i) * (long long)(c + 1); });
                    for (long long v : part) sums[c] += v;
                }
            });
        }
        for (auto& t : callers) t.join();
        for (size_t c = 0; c < sums.size(); ++c) QCOMPARE(sums[c], 50LL * 4950 * (long long)(c + 1));
    }

    void nestedLoops() {
        ThreadPool pool(2);
        std::atomic<int> inner{0};
        pool.run(4, [&](size_t) { pool.run(5, [&](size_t) { inner.fetch_add(1); }); });
        QCOMPARE(inner.load(), 20);
    }

    void exceptionReachesTheCaller() {
        ThreadPool pool(3);
        std::atomic<int> ran{0};
        bool thrown = false;
        try {
            pool.run(100, [&](size_t i) {
                ran.fetch_add(1);
                if (i == 5) throw std::runtime_error("item 5 failed");
            });
        } catch (const std::runtime_error& e) {
            thrown = true;
            QCOMPARE(QString::fromLatin1(e.what()), QStringLiteral("item 5 failed"));
        }
        QVERIFY(thrown);
        QVERIFY(ran.load() >= 1 && ran.load() <= 100);
        // The pool still works afterwards.
        std::atomic<int> after{0};
        pool.run(10, [&](size_t) { after.fetch_add(1); });
        QCOMPARE(after.load(), 10);
    }

    // Two items that each wait for the other can only finish on two threads at once. The wait
    // has a generous bound so that a serial pool fails here instead of hanging the test run.
    void itemsRunConcurrently() {
        ThreadPool pool(2);
        std::mutex m;
        std::condition_variable cv;
        int arrived = 0;
        bool together = true;
        pool.run(2, [&](size_t) {
            std::unique_lock<std::mutex> lock(m);
            ++arrived;
            cv.notify_all();
            if (!cv.wait_for(lock, std::chrono::seconds(60), [&] { return arrived == 2; })) together = false;
        });
        QVERIFY(together);
    }
};

QTEST_APPLESS_MAIN(TestThreadPool)
#include "tst_threadpool.moc"
