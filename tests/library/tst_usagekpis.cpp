// The PoC figures from the usage log (UsageKpis.h) on a scripted session of 60 searches with
// feedback, logged through the library API with set times; every expected value is worked out
// by hand in the comments (docs/POC.md, "Figures from the usage log").

#include <QDir>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <limits>

#include "diffclip/library/Library.h"
#include "diffclip/library/UsageEconomics.h"
#include "diffclip/library/UsageKpis.h"

using namespace diffclip;

namespace {

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kHour = 3'600'000;

bool near(double a, double b, double tol = 5e-6) { return std::fabs(a - b) <= tol; }

#define CHECK_RATE(h, H, N, RATE, LO, HI)                                                                      \
    do {                                                                                                       \
        QCOMPARE((h).hits, int64_t(H));                                                                        \
        QCOMPARE((h).trials, int64_t(N));                                                                      \
        QVERIFY2(near((h).rate, RATE), qPrintable(QString("rate %1").arg((h).rate, 0, 'f', 7)));               \
        QVERIFY2(near((h).low, LO), qPrintable(QString("low %1").arg((h).low, 0, 'f', 7)));                    \
        QVERIFY2(near((h).high, HI), qPrintable(QString("high %1").arg((h).high, 0, 'f', 7)));                 \
    } while (0)

}  // namespace

class TestUsageKpis : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int64_t m_scratch = 0, m_dent = 0, m_dentQuery = 0;
    std::vector<int64_t> m_others;  // unlabelled photos filling the hit lists

    // The hit list of a search: the right photo (scratch or dent) at `rank`, the others around it.
    std::vector<int64_t> hits(int k, int rank, int64_t right) const {
        std::vector<int64_t> out;
        for (int i = 0; i < k; ++i) out.push_back(i + 1 == rank ? right : m_others[size_t(i)]);
        return out;
    }

    // Logs one search at `at` (a photo query outside the library unless queryImage is given).
    int64_t search(Library& lib, int64_t at, int k, std::vector<int64_t> hitIds, double totalMs,
                   const std::string& model, const std::string& user, std::optional<bool> confident,
                   int64_t queryImage = 0, bool text = false) {
        SearchLogEntry e;
        e.createdAtMs = at;
        e.osUser = user;
        e.host = "station";
        e.modelName = model;
        e.modelFingerprint = "fp-" + model;
        e.textQuery = text;
        e.query = text ? "text:q" + std::to_string(at) : "/q/" + std::to_string(at) + ".png";
        e.queryImageId = queryImage;
        if (queryImage) e.queryLabel = "dent";
        e.k = k;
        e.hitIds = std::move(hitIds);
        e.totalMs = totalMs;
        e.encodeMs = totalMs / 2;
        e.confident = confident;
        e.source = "test";
        auto id = lib.logSearch(e);
        if (!id) qFatal("%s", id.error().describe().c_str());
        return *id;
    }

    void feedback(Library& lib, int64_t id, int rank, bool right, int64_t at) {
        Status s = lib.addSearchFeedback(id, rank, right, at);
        if (!s) qFatal("%s", s.error().describe().c_str());
    }

private Q_SLOTS:
    void economicsWithoutSavingsOrTaskTimes() {
        // No task time yet: nothing saved, no payback, but the compute cost is known.
        UsageKpis k;
        k.searches = 10;
        k.spanDays = 5.0;
        k.meanTotalSeconds = 2.0;
        EconomicsInputs in{3.0, 1000.0, 100.0, 20.0, 5000.0};
        Economics e = computeEconomics(k, in);
        QVERIFY(near(e.searchesPerMonth, 10.0 / 5.0 * 30.436875, 1e-12));
        QVERIFY(!e.hoursSavedPerMonth && !e.paybackMonths);
        // 2 s × 100 W = 200 J = 200 / 3.6e6 kWh; × 20 × 1000 = 1.1111111 per 1,000 searches.
        QVERIFY(near(e.costPer1000Searches, 200.0 / 3.6e6 * 20.0 * 1000.0, 1e-12));
        // Slower than before (task 4 min against 3): a negative saving and no payback.
        k.taskTimes = 10;
        k.medianTaskSeconds = 240.0;
        e = computeEconomics(k, in);
        QVERIFY(e.savedMinutesPerLookup && near(*e.savedMinutesPerLookup, -1.0, 1e-12));
        QVERIFY(e.hoursSavedPerMonth && *e.hoursSavedPerMonth < 0.0);
        QVERIFY(!e.paybackMonths);
        // No search in the period: no rates at all.
        e = computeEconomics(UsageKpis{}, in);
        QCOMPARE(e.searchesPerMonth, 0.0);
        QVERIFY(!e.paybackMonths);
        // Refused inputs.
        QVERIFY(!validateEconomicsInputs(EconomicsInputs{0.0, 1, 1, 1, 1}).ok());
        QVERIFY(!validateEconomicsInputs(EconomicsInputs{1.0, -1, 1, 1, 1}).ok());
        QVERIFY(!validateEconomicsInputs(EconomicsInputs{1.0, 1, std::nan(""), 1, 1}).ok());
        QVERIFY(!validateEconomicsInputs(EconomicsInputs{1.0, 1, 1, -0.5, 1}).ok());
        QVERIFY(!validateEconomicsInputs(EconomicsInputs{1.0, 1, 1, 1, -1}).ok());
        QVERIFY(validateEconomicsInputs(EconomicsInputs{1.0, 0, 0, 0, 0}).ok());
    }

    void scriptedSession() {
        QVERIFY(m_dir.isValid());
        auto opened = Library::open(QDir(m_dir.path()).filePath("kpis.dclib").toStdString());
        QVERIFY2(opened.ok(), opened.error().describe().c_str());
        Library& lib = *opened;
        auto photo = [&](const std::string& name, int k) {
            ImageRecord r;
            r.path = "/lib/" + name;
            r.contentHash = std::string(60, '0') + std::to_string(1000 + k);
            return *lib.upsertImage(r);
        };
        m_scratch = photo("scratch.png", 1);
        m_dent = photo("dent.png", 2);
        m_dentQuery = photo("dent-query.png", 3);
        QVERIFY(lib.setLabel(m_scratch, "scratch", LabelSource::Manual).ok());
        QVERIFY(lib.setLabel(m_dent, "dent", LabelSource::Manual).ok());
        QVERIFY(lib.setLabel(m_dentQuery, "dent", LabelSource::Manual).ok());
        for (int i = 0; i < 10; ++i) m_others.push_back(photo("other" + std::to_string(i) + ".png", 10 + i));

        // Days (UTC): 2026-11-23 is the Monday of ISO week 2026-W48, 2026-11-30 that of 2026-W49.
        const int64_t w48 = *usage::dayStartMs("2026-11-23", 0);
        const int64_t w49 = *usage::dayStartMs("2026-11-30", 0);
        // Each day's searches start at 09:00, one a minute; the j-th of a day takes 100 + 10·j ms.
        auto slotAt = [](int64_t day, int j) { return day + 9 * kHour + j * 60'000; };

        // ---- Week 2026-W48: 30 searches, all with model-a by inspector1, K = 10, all judged.
        // #0-9 on Monday 11-23, #10-19 on Tuesday 11-24, #20-29 on Wednesday 11-25.
        //   #0-11  right at rank 1, a scratch photo   (task time 6 s)
        //   #12-19 right at rank 1, a dent photo      (6 s)
        //   #20-24 rank 1 marked wrong, then rank 3 (dent) right (20 s after the query)
        //   #25-26 right at rank 7, a scratch photo   (40 s)
        //   #27-29 none right (photos outside the library: label unknown), "no confident match"
        for (int i = 0; i < 30; ++i) {
            const int64_t at = slotAt(w48 + (i / 10) * kDay, i % 10);
            const double ms = 100 + 10 * (i % 10);
            if (i < 20) {
                const int64_t id = search(lib, at, 10, hits(10, 1, i < 12 ? m_scratch : m_dent), ms, "model-a",
                                          "inspector1", true);
                feedback(lib, id, 1, true, at + 6000);
            } else if (i < 25) {
                const int64_t id = search(lib, at, 10, hits(10, 3, m_dent), ms, "model-a", "inspector1", true);
                feedback(lib, id, 1, false, at + 9000);
                feedback(lib, id, 3, true, at + 20000);
            } else if (i < 27) {
                const int64_t id = search(lib, at, 10, hits(10, 7, m_scratch), ms, "model-a", "inspector1", true);
                feedback(lib, id, 7, true, at + 40000);
            } else {
                const int64_t id = search(lib, at, 10, hits(10, 0, 0), ms, "model-a", "inspector1", false);
                feedback(lib, id, 0, false, at + 30000);
            }
        }
        // ---- Week 2026-W49: 30 searches; #0-14 on Monday 11-30 (model-a, inspector1), #15-29 on
        // Thursday 12-03 (model-b, inspector2).
        //   #0-3   right at rank 1, scratch (12 s)      #4-7  right at rank 1, dent (12 s)
        //   #8-11  right at rank 4, dent (20 s)         #12-14 right at rank 9, scratch (40 s)
        //   #15-18 none right, K = 10, the query a library photo labelled dent; not confident
        //   #19-24 none right, K = 10, outside photos; not confident
        //   #25-26 none right, K = 5, outside photos; not confident
        //   #27    only rank 1 marked wrong: not judged; confident
        //   #28-29 text queries without feedback: not judged; confidence not tested
        for (int i = 0; i < 30; ++i) {
            const bool thursday = i >= 15;
            const int64_t at = slotAt(thursday ? w49 + 3 * kDay : w49, i % 15);
            const double ms = 100 + 10 * (i % 15);
            const std::string model = thursday ? "model-b" : "model-a";
            const std::string user = thursday ? "inspector2" : "inspector1";
            if (i < 8) {
                const int64_t id = search(lib, at, 10, hits(10, 1, i < 4 ? m_scratch : m_dent), ms, model, user, true);
                feedback(lib, id, 1, true, at + 12000);
            } else if (i < 12) {
                const int64_t id = search(lib, at, 10, hits(10, 4, m_dent), ms, model, user, true);
                feedback(lib, id, 4, true, at + 20000);
            } else if (i < 15) {
                const int64_t id = search(lib, at, 10, hits(10, 9, m_scratch), ms, model, user, true);
                feedback(lib, id, 9, true, at + 40000);
            } else if (i < 25) {
                const int64_t id =
                    search(lib, at, 10, hits(10, 0, 0), ms, model, user, false, i < 19 ? m_dentQuery : 0);
                feedback(lib, id, 0, false, at + 30000);
            } else if (i < 27) {
                const int64_t id = search(lib, at, 5, hits(5, 0, 0), ms, model, user, false);
                feedback(lib, id, 0, false, at + 30000);
            } else if (i == 27) {
                const int64_t id = search(lib, at, 10, hits(10, 0, 0), ms, model, user, true);
                feedback(lib, id, 1, false, at + 5000);
            } else {
                search(lib, at, 10, hits(10, 0, 0), ms, model, user, std::nullopt, 0, true);
            }
        }

        UsageKpiOptions o;
        o.filter.fromMs = w48;
        o.filter.toMs = *usage::dayStartMs("2026-12-06", 0) + kDay;  // --to 2026-12-06, included
        auto k = usageKpis(lib, o);
        QVERIFY2(k.ok(), k.error().describe().c_str());

        // 60 searches; judged: 30 (W48) + 27 (W49: all but #27-29) = 57.
        QCOMPARE(k->searches, int64_t(60));
        QCOMPARE(k->judged, int64_t(57));
        // hit@1: rank-1 rights 20 (W48) + 8 (W49) = 28 of the 57 judged.
        //   Wilson, z = 1.959964, z² = 3.841459: p = 28/57 = 0.491228; centre = (p + z²/114) /
        //   (1 + z²/57) = 0.524925/1.067394 = 0.491782; half = z·sqrt(p(1−p)/57 + z²/(4·57²)) / 1.067394
        //   = 1.959964·0.068412/1.067394 = 0.125619; interval 0.491782 ∓ 0.125619 = [0.366163, 0.617401].
        CHECK_RATE(k->overall.at[0], 28, 57, 0.491228, 0.366163, 0.617401);
        // hit@5: ranks <= 5: W48 20 + 5 (rank 3) = 25; W49 8 + 4 (rank 4) = 12; 37 of 57.
        //   p = 0.649123; centre = (0.649123 + 0.033697)/1.067394 = 0.639707; half = 0.120288;
        //   interval [0.519419, 0.759996].
        CHECK_RATE(k->overall.at[1], 37, 57, 0.649123, 0.519419, 0.759996);
        // hit@10: hits 25 + 2 (rank 7) + 12 + 3 (rank 9) = 42; trials 57 − 2 (the K = 5 "none
        //   right" searches say nothing about ranks 6-10) = 55; p = 0.763636, [0.636516, 0.856333].
        CHECK_RATE(k->overall.at[2], 42, 55, 0.763636, 0.636516, 0.856333);

        // Per label: the query photo's label, else the right hit's, else unknown ("", last).
        //   dent:    W48 8 (rank 1) + 5 (rank 3); W49 4 (rank 1) + 4 (rank 4) + 4 (dent queries, none
        //            right) = 25 searches, all judged. @1 12/25; @5 21/25; @10 21/25.
        //   scratch: W48 12 (rank 1) + 2 (rank 7); W49 4 (rank 1) + 3 (rank 9) = 21. @1 16/21, @5 16/21,
        //            @10 21/21.
        //   unknown: W48 3 none right; W49 6 + 2 none right, 3 not judged = 14 searches, 11 judged;
        //            @1 0/11, @5 0/11, @10 0/9 (the K = 5 pair left out).
        QCOMPARE(k->byLabel.size(), size_t(3));
        QCOMPARE(QString::fromStdString(k->byLabel[0].group), QString("dent"));
        QCOMPARE(k->byLabel[0].searches, int64_t(25));
        CHECK_RATE(k->byLabel[0].at[0], 12, 25, 0.48, 0.300313, 0.665015);
        CHECK_RATE(k->byLabel[0].at[1], 21, 25, 0.84, 0.653464, 0.935965);
        CHECK_RATE(k->byLabel[0].at[2], 21, 25, 0.84, 0.653464, 0.935965);
        QCOMPARE(QString::fromStdString(k->byLabel[1].group), QString("scratch"));
        CHECK_RATE(k->byLabel[1].at[0], 16, 21, 0.761905, 0.549088, 0.893720);
        CHECK_RATE(k->byLabel[1].at[1], 16, 21, 0.761905, 0.549088, 0.893720);
        // 21/21: p = 1, centre = (1 + z²/42)/(1 + z²/21) = 1.091463/1.182927 = 0.922680, half =
        // z·sqrt(z²/(4·21²))/1.182927 = (z²/42)/1.182927 = 0.077320: [0.845361, 1].
        CHECK_RATE(k->byLabel[1].at[2], 21, 21, 1.0, 0.845361, 1.0);
        QCOMPARE(QString::fromStdString(k->byLabel[2].group), QString(""));
        QCOMPARE(k->byLabel[2].searches, int64_t(14));
        QCOMPARE(k->byLabel[2].judged, int64_t(11));
        // 0/11: p = 0, the interval is [0, (z²/11)/(1 + z²/11)] = [0, 0.349224/1.349224] = [0, 0.258833].
        CHECK_RATE(k->byLabel[2].at[0], 0, 11, 0.0, 0.0, 0.258833);
        CHECK_RATE(k->byLabel[2].at[2], 0, 9, 0.0, 0.0, 0.299145);

        // Per ISO week: W48 @1 20/30, @5 25/30, @10 27/30; W49 @1 8/27, @5 12/27, @10 15/25.
        QCOMPARE(k->byWeek.size(), size_t(2));
        QCOMPARE(QString::fromStdString(k->byWeek[0].group), QString("2026-W48"));
        CHECK_RATE(k->byWeek[0].at[0], 20, 30, 0.666667, 0.487801, 0.807695);
        CHECK_RATE(k->byWeek[0].at[1], 25, 30, 0.833333, 0.664356, 0.926635);
        CHECK_RATE(k->byWeek[0].at[2], 27, 30, 0.9, 0.743789, 0.965400);
        QCOMPARE(QString::fromStdString(k->byWeek[1].group), QString("2026-W49"));
        QCOMPARE(k->byWeek[1].judged, int64_t(27));
        CHECK_RATE(k->byWeek[1].at[0], 8, 27, 0.296296, 0.158530, 0.484807);
        CHECK_RATE(k->byWeek[1].at[1], 12, 27, 0.444444, 0.275859, 0.626870);
        CHECK_RATE(k->byWeek[1].at[2], 15, 25, 0.6, 0.407395, 0.765967);

        // "No confident match": tested 60 − 2 text queries = 58; not confident: 3 (W48) + 10 + 2
        // (W49) = 15; share 15/58 = 0.258621.
        QCOMPARE(k->confidenceTested, int64_t(58));
        QCOMPARE(k->notConfident, int64_t(15));
        QVERIFY(near(k->notConfidentShare, 15.0 / 58.0));

        // Searches per day: 10, 10, 10 (W48), 15, 15 (W49).
        QCOMPARE(k->perDay.size(), size_t(5));
        const char* days[] = {"2026-11-23", "2026-11-24", "2026-11-25", "2026-11-30", "2026-12-03"};
        const int64_t counts[] = {10, 10, 10, 15, 15};
        for (size_t d = 0; d < 5; ++d) {
            QCOMPARE(QString::fromStdString(k->perDay[d].day), QString(days[d]));
            QCOMPARE(k->perDay[d].searches, counts[d]);
        }
        // Latency per day and model (total ms, linear interpolation between order statistics):
        //   a day of 10 searches: 100, 110, ..., 190; p50 at position 0.5·9 = 4.5: 140 + 0.5·10 = 145;
        //   p95 at 0.95·9 = 8.55: 180 + 0.55·10 = 185.5.
        //   a day of 15: 100 ... 240; p50 at 7: 170; p95 at 0.95·14 = 13.3: 230 + 0.3·10 = 233.
        QCOMPARE(k->latency.size(), size_t(5));
        for (size_t d = 0; d < 3; ++d) {
            QCOMPARE(QString::fromStdString(k->latency[d].model), QString("model-a"));
            QVERIFY(near(k->latency[d].p50Ms, 145.0));
            QVERIFY(near(k->latency[d].p95Ms, 185.5));
        }
        QCOMPARE(QString::fromStdString(k->latency[3].day), QString("2026-11-30"));
        QVERIFY(near(k->latency[3].p50Ms, 170.0));
        QVERIFY(near(k->latency[3].p95Ms, 233.0));
        QCOMPARE(QString::fromStdString(k->latency[4].model), QString("model-b"));
        QCOMPARE(k->latency[4].searches, int64_t(15));

        // Task times (query to the first "right" of a hit still right): 20 × 6 s (W48 rank 1),
        // 5 × 20 s, 2 × 40 s, 8 × 12 s (W49 rank 1), 4 × 20 s, 3 × 40 s = 42 values. Sorted, positions
        // 20 and 21 (0-based; the median of 42 is their mean) are both 12 s: the median is 12 s.
        QCOMPARE(k->taskTimes, int64_t(42));
        QVERIFY(k->medianTaskSeconds.has_value());
        QVERIFY(near(*k->medianTaskSeconds, 12.0));

        // Compute per search: W48 totals 100..190 ms (mean 145), W49 100..240 ms (mean 170), 30
        // each: (145 + 170) / 2 = 157.5 ms. The period 11-23 .. 12-06 (both ends set) is 14 days.
        QVERIFY(near(k->meanTotalSeconds, 0.1575, 1e-12));
        QVERIFY(near(k->spanDays, 14.0, 1e-12));
        // Time and money with a 5-minute lookup before, 3000 an hour, 120 W, 30 a kWh, 100,000 invested:
        //   searches / month = 60 / 14 × 30.436875 = 130.44375; with a right hit 42 / 14 × 30.436875 = 91.310625
        //   saved per lookup = 5 − 12 s / 60 = 4.8 min; hours / month = 91.310625 × 4.8 / 60 = 7.30485 (21,914.55)
        //   kWh per search = 0.1575 s × 120 W / 3.6e6 = 5.25e-6; per 1,000 searches 1000 × 5.25e-6 × 30 = 0.1575
        //   running cost / month = 130.44375 × 5.25e-6 × 30 = 0.020544890625
        //   payback = 100000 / (21914.55 − 0.020544890625) = 4.5631826 months
        EconomicsInputs in{5.0, 3000.0, 120.0, 30.0, 100000.0};
        QVERIFY(validateEconomicsInputs(in).ok());
        const Economics e = computeEconomics(*k, in);
        QVERIFY(near(e.searchesPerMonth, 130.44375, 1e-9));
        QVERIFY(near(e.lookupsPerMonth, 91.310625, 1e-9));
        QVERIFY(e.taskMinutes && near(*e.taskMinutes, 0.2, 1e-12));
        QVERIFY(e.savedMinutesPerLookup && near(*e.savedMinutesPerLookup, 4.8, 1e-12));
        QVERIFY(e.hoursSavedPerMonth && near(*e.hoursSavedPerMonth, 7.30485, 1e-9));
        QVERIFY(e.moneySavedPerMonth && near(*e.moneySavedPerMonth, 21914.55, 1e-6));
        QVERIFY(near(e.kwhPerSearch, 5.25e-6, 1e-15));
        QVERIFY(near(e.costPer1000Searches, 0.1575, 1e-12));
        QVERIFY(near(e.runningCostPerMonth, 0.020544890625, 1e-12));
        QVERIFY(e.paybackMonths && near(*e.paybackMonths, 4.5631826, 1e-6));

        // Monitoring, last 7 days (W49) against the 7 before (W48): hit@5 12/27 against 25/30.
        // One-sided Fisher: 57 judged, 37 hits, 27 of them recent; p = P(X <= 12) for
        // X ~ Hypergeometric(57, 37, 27) = Σ_{x=7..12} C(37,x)·C(20,27−x) / C(57,27) = 0.0023722.
        QCOMPARE(k->monitor.recentHits, int64_t(12));
        QCOMPARE(k->monitor.recentTrials, int64_t(27));
        QCOMPARE(k->monitor.previousHits, int64_t(25));
        QCOMPARE(k->monitor.previousTrials, int64_t(30));
        QVERIFY2(near(k->monitor.pValue, 0.00237217, 1e-7), qPrintable(QString::number(k->monitor.pValue, 'g', 8)));
        QVERIFY(k->monitor.warning);
        QCOMPARE(k->monitor.recentFromMs, w49);
        QCOMPARE(k->monitor.previousFromMs, w48);

        // The same figures for a sub-period: W48 alone. Its monitor compares W48 with the week
        // before (nothing logged): p = 1, no warning.
        o.filter.toMs = w49;
        auto first = usageKpis(lib, o);
        QVERIFY(first.ok());
        QCOMPARE(first->searches, int64_t(30));
        CHECK_RATE(first->overall.at[1], 25, 30, 0.833333, 0.664356, 0.926635);
        QCOMPARE(first->monitor.previousTrials, int64_t(0));
        QCOMPARE(first->monitor.pValue, 1.0);
        QVERIFY(!first->monitor.warning);

        // Filters: user inspector2 = model-b = Thursday 12-03 (#15-29 of W49): 15 searches, 12 judged,
        // no hit at all.
        o.filter.toMs = std::numeric_limits<int64_t>::max();
        o.filter.user = "inspector2";
        auto thursday = usageKpis(lib, o);
        QVERIFY(thursday.ok());
        QCOMPARE(thursday->searches, int64_t(15));
        QCOMPARE(thursday->judged, int64_t(12));
        CHECK_RATE(thursday->overall.at[1], 0, 12, 0.0, 0.0, 0.242494);  // [0, (z²/12)/(1 + z²/12)] = 0.320122/1.320122
        o.filter.user.clear();
        o.filter.model = "fp-model-b";
        QCOMPARE(usageKpis(lib, o)->searches, int64_t(15));
        o.filter.model.clear();
        // Label dent: 25 searches, hit@5 21/25 as above.
        o.filter.label = "dent";
        auto dent = usageKpis(lib, o);
        QCOMPARE(dent->searches, int64_t(25));
        CHECK_RATE(dent->overall.at[1], 21, 25, 0.84, 0.653464, 0.935965);

        // A time zone: Tokyo (UTC+9). Every search is at 09:00-09:14 UTC, 18:00 in Tokyo: same days.
        o.filter.label.clear();
        o.utcOffsetMinutes = 540;
        o.filter.fromMs = *usage::dayStartMs("2026-11-23", 540);
        o.filter.toMs = *usage::dayStartMs("2026-12-06", 540) + kDay;
        auto tokyo = usageKpis(lib, o);
        QCOMPARE(tokyo->searches, int64_t(60));
        QCOMPARE(QString::fromStdString(tokyo->perDay.front().day), QString("2026-11-23"));
    }
};

QTEST_APPLESS_MAIN(TestUsageKpis)
#include "tst_usagekpis.moc"
