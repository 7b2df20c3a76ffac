// The PoC statistics (diffclip/stats/Stats.h) on small cases whose answers are worked out by
// hand or in closed form in the comments.
#include <QtTest>

#include <cmath>

#include "diffclip/stats/Stats.h"

using namespace diffclip::stats;

class TstStats : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void wilsonInterval() {
        // 8 of 10, z = 1.96: p = 0.8, z²/n = 0.384146, denominator 1.384146;
        // centre = (0.8 + 0.192073) / 1.384146 = 0.716740;
        // half = 1.959964 · sqrt(0.016 + 0.0096037) / 1.384146 = 0.226578.
        const Interval i = wilson(8, 10);
        QVERIFY(std::fabs(i.low - 0.490162) < 1e-6);
        QVERIFY(std::fabs(i.high - 0.943318) < 1e-6);
        // 0 of n: the lower bound is 0 and the upper bound is z² / (n + z²) = 3.841459 / 13.841459.
        const Interval zero = wilson(0, 10);
        QCOMPARE(zero.low, 0.0);
        QVERIFY(std::fabs(zero.high - 3.841459 / 13.841459) < 1e-6);
        // n of n mirrors it.
        const Interval all = wilson(10, 10);
        QVERIFY(std::fabs(all.low - (1 - 3.841459 / 13.841459)) < 1e-6);
        QVERIFY(all.high <= 1.0);
        const Interval none = wilson(0, 0);
        QCOMPARE(none.low, 0.0);
        QCOMPARE(none.high, 1.0);
    }

    void mcnemar() {
        // b = 1, c = 9: P(X <= 1), X ~ Bin(10, 1/2) = (1 + 10) / 1024; two-sided doubles it.
        QCOMPARE(mcnemarExact(1, 9), 22.0 / 1024.0);
        QCOMPARE(mcnemarExact(9, 1), 22.0 / 1024.0);
        // b = 0, c = 3: 2 · 1/8.
        QCOMPARE(mcnemarExact(0, 3), 0.25);
        // Balanced: 2 · P(X <= 5 | n = 10) = 2 · 638/1024 > 1, capped at 1.
        QCOMPARE(mcnemarExact(5, 5), 1.0);
        QCOMPARE(mcnemarExact(0, 0), 1.0);
    }

    void randomizationExact() {
        // {1, 2, 3}: the 8 sign assignments give sums ±6, ±4, ±2, 0, 0; |sum| >= 6 for 2 of 8.
        QCOMPARE(pairedRandomization({1, 2, 3}, 0, 1), 0.25);
        // {0, 2}: every assignment has |sum| = 2.
        QCOMPARE(pairedRandomization({0, 2}, 0, 1), 1.0);
        // {1, -1}: observed 0, every assignment reaches it.
        QCOMPARE(pairedRandomization({1, -1}, 0, 1), 1.0);
    }

    void randomizationMonteCarlo() {
        // 30 equal differences: only the 2 all-same-sign assignments of 2^30 reach |sum| = 30, so
        // 9,999 random assignments find none and the corrected p is 1 / 10,000.
        const std::vector<double> d(30, 1.0);
        QCOMPARE(pairedRandomization(d, 9999, 42), 1.0 / 10000.0);
        // The same seed gives the same p on a case where it varies.
        std::vector<double> mixed;
        for (int i = 0; i < 40; ++i) mixed.push_back(i % 3 == 0 ? -1.0 : 1.0);
        QCOMPARE(pairedRandomization(mixed, 2000, 7), pairedRandomization(mixed, 2000, 7));
    }

    void holmCorrection() {
        // Sorted 0.01, 0.03, 0.04 → 3·0.01 = 0.03, 2·0.03 = 0.06, max(0.06, 1·0.04) = 0.06.
        const std::vector<double> adj = holm({0.01, 0.04, 0.03});
        QCOMPARE(adj.size(), size_t(3));
        QVERIFY(std::fabs(adj[0] - 0.03) < 1e-12);
        QVERIFY(std::fabs(adj[1] - 0.06) < 1e-12);
        QVERIFY(std::fabs(adj[2] - 0.06) < 1e-12);
        const std::vector<double> capped = holm({0.5, 0.6});
        QCOMPARE(capped[0], 1.0);
        QCOMPARE(capped[1], 1.0);
    }

    void percentiles() {
        // Type 7: position (n − 1)·q. {1, 2, 3, 4}: q = 0.5 → 2.5; q = 0.95 → 3.85.
        QCOMPARE(percentile({4, 1, 3, 2}, 0.5), 2.5);
        QVERIFY(std::fabs(percentile({4, 1, 3, 2}, 0.95) - 3.85) < 1e-12);
        QCOMPARE(percentile({}, 0.5), 0.0);
    }

    // The mean of 400 values, half ones and half zeros, has the analytic 95% interval
    // 0.5 ± 1.96 · sqrt(0.25 / 400) = [0.451, 0.549]; the percentile bootstrap matches it
    // to within its grid (1/400) and Monte Carlo error.
    void bootstrapAgainstAnalytic() {
        std::vector<double> v(400, 0.0);
        for (size_t i = 0; i < 200; ++i) v[i * 2] = 1.0;
        const auto mean = [&](const std::vector<size_t>& idx) { return meanOf(v, idx); };
        const Interval i = bootstrap(v.size(), mean, 20000, 2026);
        QVERIFY2(std::fabs(i.low - 0.451) < 0.006, qPrintable(QString::number(i.low)));
        QVERIFY2(std::fabs(i.high - 0.549) < 0.006, qPrintable(QString::number(i.high)));
        const Interval again = bootstrap(v.size(), mean, 20000, 2026);
        QCOMPARE(again.low, i.low);
        QCOMPARE(again.high, i.high);
    }

    // Exact points of acc(n) = 0.95 − 0.5·n^−0.7 are fitted back; the size for 90% is
    // (0.5 / 0.05)^(1/0.7) = 26.83; 94% needs (0.5 / 0.01)^(1/0.7) = 267 > 2 · 100: refused.
    void learningCurveRecoversParameters() {
        const std::vector<double> n{5, 10, 20, 50, 100};
        std::vector<double> acc;
        for (double x : n) acc.push_back(0.95 - 0.5 * std::pow(x, -0.7));
        const auto fit = fitLearningCurve(n, acc);
        QVERIFY(fit.ok());
        QVERIFY2(std::fabs(fit->a - 0.95) < 1e-4, qPrintable(QString::number(fit->a)));
        QVERIFY(std::fabs(fit->b - 0.5) < 1e-3);
        QVERIFY(std::fabs(fit->c - 0.7) < 1e-3);
        QVERIFY(fit->rmse < 1e-6);
        QCOMPARE(fit->maxN, 100.0);
        const auto n90 = fit->sizeFor(0.90);
        QVERIFY(n90.has_value());
        QVERIFY2(std::fabs(*n90 - 26.827) < 0.05, qPrintable(QString::number(*n90)));
        QVERIFY(!fit->sizeFor(0.94).has_value());
        QVERIFY(!fit->sizeFor(0.96).has_value());  // above the asymptote
    }

    // {0.8, 0.9, 1.0}: mean 0.9, s = 0.1, standard error 0.1/√3 = 0.057735, t(2) = 4.303:
    // half-width 0.248434. One value: no spread; none: [0, 0].
    void meanIntervalByHand() {
        const Interval i = meanInterval95({0.8, 0.9, 1.0});
        QVERIFY2(std::fabs(i.low - (0.9 - 0.248434)) < 1e-5, qPrintable(QString::number(i.low, 'g', 10)));
        QVERIFY(std::fabs(i.high - (0.9 + 0.248434)) < 1e-5);
        const Interval one = meanInterval95({0.7});
        QCOMPARE(one.low, 0.7);
        QCOMPARE(one.high, 0.7);
        const Interval none = meanInterval95({});
        QCOMPARE(none.low, 0.0);
        QCOMPARE(none.high, 0.0);
        // Table values and the expansion beyond 30 (exact: t(31) = 2.0395, t(60) = 2.0003,
        // t(120) = 1.9799).
        QCOMPARE(studentT975(1), 12.706);
        QCOMPARE(studentT975(30), 2.042);
        QVERIFY(std::fabs(studentT975(31) - 2.0395) < 0.002);
        QVERIFY(std::fabs(studentT975(60) - 2.0003) < 0.002);
        QVERIFY(std::fabs(studentT975(120) - 1.9799) < 0.002);
    }

    void learningCurveRefusesTooLittleData() {
        QVERIFY(!fitLearningCurve({5, 10}, {0.5, 0.6}).ok());
        QVERIFY(!fitLearningCurve({5, 5, 10}, {0.5, 0.6, 0.7}).ok());
        QVERIFY(!fitLearningCurve({5, 10, 20}, {0.5, 1.5, 0.7}).ok());
        QVERIFY(!fitLearningCurve({5, 10, 0}, {0.5, 0.6, 0.7}).ok());
        // Falling accuracy: the curve is flat at the weighted mean, (5·0.7 + 10·0.6 + 20·0.5) / 35.
        const auto flat = fitLearningCurve({5, 10, 20}, {0.7, 0.6, 0.5});
        QVERIFY(flat.ok());
        QCOMPARE(flat->b, 0.0);
        QVERIFY(std::fabs(flat->a - 19.5 / 35.0) < 1e-9);
    }

    void fisherTail() {
        // Recent 1 of 5, previous 5 of 5: 10 trials, 6 hits; P(X <= 1) for X ~ Hypergeometric
        // with 5 draws; X >= 1 always, P(X = 1) = C(6,1)·C(4,4) / C(10,5) = 6 / 252.
        QVERIFY(std::fabs(fisherLowerTail(1, 5, 5, 5) - 6.0 / 252.0) < 1e-12);
        QVERIFY(std::fabs(fisherLowerTail(5, 5, 5, 5) - 1.0) < 1e-12);
        QCOMPARE(fisherLowerTail(0, 0, 3, 4), 1.0);
    }

    // Two copies of (1, 0) against two of (0, 1): pairwise distances 0, 0 and four √2; the median
    // bandwidth is √2; cross kernel exp(−2 / (2·2)) = e^−0.5; MMD² = 1 + 1 − 2e^−0.5 = 0.786939.
    void mmdHandCase() {
        const std::vector<float> a{1, 0, 1, 0}, b{0, 1, 0, 1};
        const auto t = mmdPermutationTest(a, 2, b, 2, 2, 99, 3);
        QVERIFY(t.ok());
        QVERIFY(std::fabs(t->bandwidth - std::sqrt(2.0)) < 1e-9);
        QVERIFY(std::fabs(t->mmd2 - (2.0 - 2.0 * std::exp(-0.5))) < 1e-9);
        // The same samples: no discrepancy, and every permutation is as extreme.
        const auto same = mmdPermutationTest(a, 2, a, 2, 2, 99, 3);
        QVERIFY(same.ok());
        QCOMPARE(same->pValue, 1.0);
        QVERIFY(!mmdPermutationTest(a, 2, b, 1, 2, 9, 3).ok());
    }

    // A clear shift between two clouds of 60 points each is found (p = 1/201), none within one cloud.
    void mmdDetectsShift() {
        std::vector<float> a, b, c;
        for (int i = 0; i < 60; ++i) {
            const float t = float(i) / 60.0f;
            a.insert(a.end(), {std::cos(t * 0.2f), std::sin(t * 0.2f)});
            b.insert(b.end(), {std::cos(1.5f + t * 0.2f), std::sin(1.5f + t * 0.2f)});
            c.insert(c.end(), {std::cos(t * 0.2f + 0.001f), std::sin(t * 0.2f + 0.001f)});
        }
        const auto shifted = mmdPermutationTest(a, 60, b, 60, 2, 200, 11);
        QVERIFY(shifted.ok());
        QCOMPARE(shifted->pValue, 1.0 / 201.0);
        const auto alike = mmdPermutationTest(a, 60, c, 60, 2, 200, 11);
        QVERIFY(alike.ok());
        QVERIFY2(alike->pValue > 0.5, qPrintable(QString::number(alike->pValue)));
    }
};

QTEST_APPLESS_MAIN(TstStats)
#include "tst_stats.moc"
