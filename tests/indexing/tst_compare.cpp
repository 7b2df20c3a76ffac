// Two models compared on the same labelled photos (compareModels, Compare.h) on a toy library
// with hand-made 3-D embeddings for each model, so that every hit rate, discordant count and
// p-value can be worked out by hand (the working is in the comments next to the numbers); and the
// sentences made of the results.
// The embeddings are the unit vectors e1, e2, e3 only: every cosine is exactly 1 or 0, so each
// ranking is "the photos with the query's vector, then the rest", each group in library order
// (ascending image id), which is how evaluateRetrieval breaks ties (tst_evaluate).

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "diffclip/indexing/Compare.h"
#include "diffclip/library/Library.h"

using namespace diffclip;

namespace {

using Vec = std::vector<float>;
const Vec e1{1, 0, 0}, e2{0, 1, 0}, e3{0, 0, 1}, none{};

struct Photo {
    std::string name;
    std::string label;  // empty: unlabelled
    Vec a, b;           // the embedding of model A and of model B; empty: that model has not embedded it
};

const ComparedModel kA{"standard", "fingerprint-of-standard"};
const ComparedModel kB{"differential", "fingerprint-of-differential"};

// The rationals below have small denominators; sums of at most a few dozen of them as doubles
// stay far inside this.
bool near(double x, double y) { return std::fabs(x - y) < 1e-12; }

const MetricComparison& metric(const std::vector<MetricComparison>& all, const std::string& name) {
    for (const auto& m : all)
        if (m.name() == name) return m;
    qFatal("no metric %s", name.c_str());
}

const ClassComparison& cls(const ModelComparison& c, const std::string& label) {
    for (const auto& x : c.classes)
        if (x.label == label) return x;
    qFatal("no class %s", label.c_str());
}

bool sameInterval(const stats::Interval& x, const stats::Interval& y) { return x.low == y.low && x.high == y.high; }

}  // namespace

class TestCompare : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    // A library holding `photos` in this order (image ids 1, 2, ...), every photo a different
    // file, with its label and the embeddings of A and B under their fingerprints. A model with
    // `register*` false is not registered at all; registered, it may still have embedded nothing.
    std::optional<Library> build(const std::string& name, const std::vector<Photo>& photos, bool registerA = true,
                                 bool registerB = true) {
        auto lib = Library::open(m_dir.filePath(QString::fromStdString(name)).toStdString());
        if (!lib) {
            qWarning("%s", lib.error().describe().c_str());
            return std::nullopt;
        }
        std::optional<int64_t> idA, idB;
        if (registerA) idA = lib->ensureModel("standard.pkg", kA.fingerprint, "{}", 3).value();
        if (registerB) idB = lib->ensureModel("differential.pkg", kB.fingerprint, "{}", 3).value();
        int n = 0;
        for (const Photo& p : photos) {
            ImageRecord r;
            r.path = "/toy/" + p.name + ".png";
            r.contentHash = std::string(60, '0') + QStringLiteral("%1").arg(++n, 4, 10, QChar('0')).toStdString();
            r.size = 1000 + n;
            auto id = lib->upsertImage(r);
            if (!id) return std::nullopt;
            if (!p.label.empty() && !lib->setLabel(*id, p.label, LabelSource::Manual)) return std::nullopt;
            if (!p.a.empty() && !lib->putEmbedding(*id, *idA, p.a.data(), 3)) return std::nullopt;
            if (!p.b.empty() && !lib->putEmbedding(*id, *idB, p.b.data(), 3)) return std::nullopt;
        }
        return std::optional<Library>(std::move(*lib));
    }

    // The library of the worked example (see handWorkedComparison).
    std::optional<Library> worked(const std::string& name) {
        return build(name, {{"c1", "crack", e1, e1},
                            {"d1", "dent", e1, e2},
                            {"c2", "crack", e1, e1},
                            {"d2", "dent", e1, e2},
                            {"c3", "crack", e1, e2},
                            {"d3", "dent", e1, e2},
                            {"s1", "scratch", e3, e3},
                            {"c4", "crack", e1, none},
                            {"d4", "dent", none, e2},
                            {"u", "", e1, e1}});
    }

    // compareModels(A, B) on the worked example's library, written afresh as `name`, with K = 1, 2
    // and the rest of `o`; empty (the reason logged) when either fails.
    std::optional<ModelComparison> compareWorked(const std::string& name, CompareOptions o = {}) {
        auto lib = worked(name);
        if (!lib) return std::nullopt;
        o.ks = {1, 2};
        auto r = compareModels(*lib, kA, kB, o);
        if (!r) {
            qWarning("%s", r.error().describe().c_str());
            return std::nullopt;
        }
        return std::move(r).value();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // Ten photos, ids 1..10:            A    B
    //   1 c1 crack                      e1   e1
    //   2 d1 dent                       e1   e2
    //   3 c2 crack                      e1   e1
    //   4 d2 dent                       e1   e2
    //   5 c3 crack                      e1   e2   (B mistakes it for a dent)
    //   6 d3 dent                       e1   e2
    //   7 s1 scratch                    e3   e3   the only scratch: no query can find its label
    //   8 c4 crack                      e1   -    embedded by A only: takes no part
    //   9 d4 dent                       -    e2   embedded by B only: takes no part
    //  10 u  (unlabelled)               e1   e1   not a query, not a candidate
    // Compared: ids 1..6 (s1 is a candidate but left out as a query: unanswerable). If c4 took
    // part, A's crack queries would gain a relevant photo; if d4 did, B's dent queries would.
    //
    // A: every photo at e1, so every ranking is the library order (s1, at e3, last):
    //   c1: d1, c2 R, d2, c3 R, d3, s1   first hit 2  RR 1/2  AP (1/2 + 2/4)/2 = 1/2
    //   d1: c1, c2, d2 R, c3, d3 R, s1   first hit 3  RR 1/3  AP (1/3 + 2/5)/2 = 11/30
    //   c2: c1 R, d1, d2, c3 R, d3, s1   first hit 1  RR 1    AP (1 + 2/4)/2   = 3/4
    //   d2: c1, d1 R, c2, c3, d3 R, s1   first hit 2  RR 1/2  AP (1/2 + 2/5)/2 = 9/20
    //   c3: c1 R, d1, c2 R, d2, d3, s1   first hit 1  RR 1    AP (1 + 2/3)/2   = 5/6
    //   d3: c1, d1 R, c2, d2 R, c3, s1   first hit 2  RR 1/2  AP (1/2 + 2/4)/2 = 1/2
    // B: cracks c1, c2 at e1; d1, d2, c3, d3 at e2; same vector first, then the rest:
    //   c1: c2 R | d1, d2, c3 R, d3, s1  first hit 1  RR 1    AP (1 + 2/4)/2   = 3/4
    //   d1: d2 R, c3, d3 R | c1, c2, s1  first hit 1  RR 1    AP (1 + 2/3)/2   = 5/6
    //   c2: c1 R | d1, d2, c3 R, d3, s1  first hit 1  RR 1    AP 3/4
    //   d2: d1 R, c3, d3 R | c1, c2, s1  first hit 1  RR 1    AP 5/6
    //   c3: d1, d2, d3 | c1 R, c2 R, s1  first hit 4  RR 1/4  AP (1/4 + 2/5)/2 = 13/40
    //   d3: d1 R, d2 R, c3 | c1, c2, s1  first hit 1  RR 1    AP 1
    // hit@1: A hits c2, c3 = 2/6; B all but c3 = 5/6. Only A: c3 (1); only B: c1, d1, d2, d3 (4).
    //   McNemar: 2·P(X <= 1), X ~ Bin(5, 1/2) = 2·(1 + 5)/32 = 0.375.
    // hit@2: A all but d1 = 5/6; B all but c3 = 5/6. Only A: c3; only B: d1.
    //   McNemar: 2·P(X <= 1), X ~ Bin(2, 1/2) = 2·3/4 -> capped at 1.
    // Holm over K = 1, 2: sorted 0.375, 1 -> 2·0.375 = 0.75, then max(0.75, 1·1) = 1.
    // MRR: A (1/2 + 1/3 + 1 + 1/2 + 1 + 1/2)/6 = 23/36; B (5 + 1/4)/6 = 7/8.
    //   Differences B − A in twelfths: +6, +8, 0, +6, −9, +6; sum 17 of |total| 35. A sign
    //   assignment reaches |sum| >= 17 when the negated part N has 35 − 2N >= 17 (N <= 9) or
    //   <= −17 (N >= 26): the empty set, each single value (6, 8, 6, 9, 6) and their complements,
    //   12 of the 32 assignments of the five non-zero values (the zero doubles both counts): p = 3/8.
    // mAP: A (60 + 44 + 90 + 54 + 100 + 60)/120/6 = 408/720 = 17/30; B (90 + 100 + 90 + 100 + 39 +
    //   120)/120/6 = 539/720. Differences in 120ths: +30, +56, 0, +46, −61, +60; sum 131 of |total|
    //   253: N <= 61 (the empty set and each single value 30, 56, 46, 61, 60) or N >= 192 (their
    //   complements): 12 of 32, p = 3/8.
    // Classes (3 queries each, fewer than 10: no p-values by default):
    //   crack hit@1: A c2, c3 = 2/3; B c1, c2 = 2/3.  dent hit@1: A 0; B 3/3.
    //   crack hit@2: A 3/3; B c1, c2 = 2/3.            dent hit@2: A d2, d3 = 2/3; B 3/3.
    void handWorkedComparison() {
        auto r = compareWorked("worked.dclib");
        QVERIFY(r);
        QCOMPARE(r->queries, int64_t(6));
        QCOMPARE(r->unanswerable, int64_t(1));
        QCOMPARE(r->embeddedByAOnly, int64_t(1));
        QCOMPARE(r->embeddedByBOnly, int64_t(1));
        QCOMPARE(r->excludedDuplicates, int64_t(0));
        QCOMPARE(r->a.name, kA.name);
        QCOMPARE(r->b.name, kB.name);

        // The paired rows, in library order.
        const std::vector<int64_t> firstA{2, 3, 1, 2, 1, 2}, firstB{1, 1, 1, 1, 4, 1};
        QCOMPARE(r->rowsA.size(), size_t(6));
        for (size_t i = 0; i < 6; ++i) {
            QCOMPARE(r->rowsA[i].imageId, int64_t(i + 1));
            QCOMPARE(r->rowsB[i].imageId, int64_t(i + 1));
            QCOMPARE(r->rowsA[i].firstHitRank, firstA[i]);
            QCOMPARE(r->rowsB[i].firstHitRank, firstB[i]);
            QCOMPARE(r->rowsA[i].candidates, int64_t(6));  // the other five compared photos and s1
            QCOMPARE(r->rowsA[i].relevant, int64_t(2));
        }

        // name, A, B, B - A, discordant queries (hit@K only), p, Holm's p (hit@K only)
        const struct {
            const char* name;
            double a, b, difference;
            int onlyA, onlyB;
            double p;
            std::optional<double> pHolm;
        } expected[] = {{"hit@1", 2.0 / 6, 5.0 / 6, 3.0 / 6, 1, 4, 0.375, 0.75},
                        {"hit@2", 5.0 / 6, 5.0 / 6, 0.0, 1, 1, 1.0, 1.0},
                        {"MRR", 23.0 / 36, 7.0 / 8, 17.0 / 72, -1, -1, 3.0 / 8, std::nullopt},
                        {"mAP", 17.0 / 30, 539.0 / 720, 131.0 / 720, -1, -1, 3.0 / 8, std::nullopt}};
        QCOMPARE(r->overall.size(), size_t(4));
        for (size_t i = 0; i < 4; ++i) {
            const MetricComparison& m = r->overall[i];
            const auto& e = expected[i];
            QCOMPARE(m.name(), std::string(e.name));
            QCOMPARE(m.queries, int64_t(6));
            QVERIFY2(near(m.a, e.a) && near(m.b, e.b) && near(m.difference, e.difference), e.name);
            if (e.onlyA >= 0) QVERIFY2(m.onlyA == e.onlyA && m.onlyB == e.onlyB, e.name);
            QVERIFY2(m.p && near(*m.p, e.p), e.name);
            QVERIFY2(e.pHolm ? m.pHolm && near(*m.pHolm, *e.pHolm) : !m.pHolm, e.name);
        }

        QCOMPARE(r->classes.size(), size_t(2));  // scratch has no compared query
        const ClassComparison& crack = cls(*r, "crack");
        const ClassComparison& dent = cls(*r, "dent");
        QCOMPARE(crack.queries, int64_t(3));
        QCOMPARE(dent.queries, int64_t(3));
        QVERIFY(near(metric(crack.metrics, "hit@1").a, 2.0 / 3) && near(metric(crack.metrics, "hit@1").b, 2.0 / 3));
        QVERIFY(near(metric(dent.metrics, "hit@1").a, 0.0) && near(metric(dent.metrics, "hit@1").b, 1.0));
        QVERIFY(near(metric(crack.metrics, "hit@2").a, 1.0) && near(metric(crack.metrics, "hit@2").b, 2.0 / 3));
        QVERIFY(near(metric(dent.metrics, "hit@2").a, 2.0 / 3) && near(metric(dent.metrics, "hit@2").b, 1.0));
        // dent mAP: A (11/30 + 9/20 + 1/2)/3 = (22 + 27 + 30)/60/3 = 79/180; B (5/6 + 5/6 + 1)/3 = 8/9.
        QVERIFY(near(metric(dent.metrics, "mAP").a, 79.0 / 180) && near(metric(dent.metrics, "mAP").b, 8.0 / 9));
        for (const auto* c : {&crack, &dent})
            for (const auto& m : c->metrics) QVERIFY2(!m.p && !m.pHolm, m.name().c_str());
    }

    // With the per-class threshold at 3 queries the classes get their own tests:
    //   crack hit@1: only A c3, only B c1 -> McNemar 2·P(X <= 1), X ~ Bin(2, 1/2) -> 1.
    //   dent hit@1: only B d1, d2, d3 -> 2·P(X = 0), X ~ Bin(3, 1/2) = 2/8 = 0.25.
    //   dent hit@2: only B d1 -> 2·1/2 = 1. Holm over dent's K values: 0.25·2 = 0.5, then 1.
    //   dent mAP differences in 180ths: 5/6 − 11/30 = 84, 5/6 − 9/20 = 69, 1 − 1/2 = 90, all
    //   positive: only all-plus and all-minus reach |sum| 243: p = 2/8 = 0.25.
    void perClassTestsFromTheThreshold() {
        CompareOptions o;
        o.minClassQueriesForTests = 3;
        auto r = compareWorked("threshold.dclib", o);
        QVERIFY(r);
        const ClassComparison& crack = cls(*r, "crack");
        const ClassComparison& dent = cls(*r, "dent");
        QVERIFY(metric(crack.metrics, "hit@1").p && near(*metric(crack.metrics, "hit@1").p, 1.0));
        QCOMPARE(metric(dent.metrics, "hit@1").onlyB, int64_t(3));
        QVERIFY(near(*metric(dent.metrics, "hit@1").p, 0.25));
        QVERIFY(near(*metric(dent.metrics, "hit@1").pHolm, 0.5));
        QVERIFY(near(*metric(dent.metrics, "hit@2").p, 1.0));
        QVERIFY(near(*metric(dent.metrics, "hit@2").pHolm, 1.0));
        QVERIFY(near(*metric(dent.metrics, "mAP").p, 0.25));
        // The overall figures do not depend on the class threshold.
        QVERIFY(near(*r->overall[0].pHolm, 0.75));
    }

    // The paired bootstrap resamples the six queries jointly (one draw of indices gives A's, B's
    // and B − A's statistic).
    // - dent hit@1 is 0, 0, 0 for A and 1, 1, 1 for B: every resample gives 0, 1 and 1, so the
    //   intervals are exactly [0, 0], [1, 1] and [1, 1].
    // - Overall hit@1 of A is 2 hits in 6: a resample has X ~ Bin(6, 1/3) hits. P(X = 0) = 0.088
    //   > 2.5 %, so the lower end is 0; P(X >= 5) = 13/729 = 1.8 % < 2.5 % <= P(X >= 4) = 10.0 %, so
    //   the upper end is 4/6. (10,000 resamples put more than 250 of them at X >= 5, or fewer than
    //   251 at X = 0, with a probability below 1e-8.) B: 5 of 6, X ~ Bin(6, 5/6): P(X = 6) = 33 %,
    //   P(X <= 2) = 0.9 % < 2.5 % <= P(X <= 3) = 6.2 %: [3/6, 1].
    // - The same seed on the same photos gives the same numbers; every interval lies within the range of the
    //   per-query values and holds its point estimate.
    void pairedBootstrap() {
        CompareOptions o;
        o.seed = 7;
        auto r = compareWorked("bootstrap.dclib", o);
        QVERIFY(r);
        const MetricComparison& dent1 = metric(cls(*r, "dent").metrics, "hit@1");
        QVERIFY(sameInterval(dent1.aInterval, {0.0, 0.0}));
        QVERIFY(sameInterval(dent1.bInterval, {1.0, 1.0}));
        QVERIFY(sameInterval(dent1.differenceInterval, {1.0, 1.0}));
        const MetricComparison& h1 = r->overall[0];
        QVERIFY2(near(h1.aInterval.low, 0.0) && near(h1.aInterval.high, 4.0 / 6),
                 qPrintable(QStringLiteral("%1 %2").arg(h1.aInterval.low).arg(h1.aInterval.high)));
        QVERIFY2(near(h1.bInterval.low, 3.0 / 6) && near(h1.bInterval.high, 1.0),
                 qPrintable(QStringLiteral("%1 %2").arg(h1.bInterval.low).arg(h1.bInterval.high)));

        auto again = compareWorked("bootstrap-again.dclib", o);
        QVERIFY(again);
        auto check = [](const MetricComparison& m, const MetricComparison& n, double lo, double hi) {
            QVERIFY(sameInterval(m.aInterval, n.aInterval));
            QVERIFY(sameInterval(m.bInterval, n.bInterval));
            QVERIFY(sameInterval(m.differenceInterval, n.differenceInterval));
            QCOMPARE(m.p, n.p);
            for (auto [iv, v] : {std::pair{m.aInterval, m.a}, std::pair{m.bInterval, m.b}}) {
                QVERIFY2(iv.low >= lo && iv.high <= hi && iv.low <= v && v <= iv.high, m.name().c_str());
            }
            QVERIFY2(m.differenceInterval.low >= lo - hi && m.differenceInterval.high <= hi - lo &&
                         m.differenceInterval.low <= m.difference && m.difference <= m.differenceInterval.high,
                     m.name().c_str());
        };
        for (size_t i = 0; i < r->overall.size(); ++i) check(r->overall[i], again->overall[i], 0.0, 1.0);
        for (size_t c = 0; c < r->classes.size(); ++c)
            for (size_t i = 0; i < r->classes[c].metrics.size(); ++i)
                check(r->classes[c].metrics[i], again->classes[c].metrics[i], 0.0, 1.0);
    }

    // A class of ten identical-result queries gets p-values by default; a smaller one does not.
    // Both models put all twelve photos at e1, so every ranking is the library order and A and B
    // agree on every query: no discordant pair (McNemar p = 1), all differences 0 (every sign
    // assignment reaches |0|: randomization p = 1), Holm 1.
    void classesOfTenGetTests() {
        std::vector<Photo> photos;
        for (int i = 0; i < 10; ++i) photos.push_back({"big" + std::to_string(i), "big", e1, e1});
        photos.push_back({"small1", "small", e1, e1});
        photos.push_back({"small2", "small", e1, e1});
        auto lib = build("ten.dclib", photos);
        QVERIFY(lib);
        auto r = compareModels(*lib, kA, kB, {});
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().describe().c_str());
        QCOMPARE(r->queries, int64_t(12));
        QCOMPARE(r->overall.size(), size_t(5));  // hit@1, hit@5, hit@10, MRR, mAP
        for (const auto& m : cls(*r, "big").metrics) {
            QVERIFY2(m.p && near(*m.p, 1.0), m.name().c_str());
            QCOMPARE(m.pHolm.has_value(), m.metric == RetrievalMetric::HitAtK);
        }
        for (const auto& m : cls(*r, "small").metrics) QVERIFY2(!m.p && !m.pHolm, m.name().c_str());
        const ComparisonFinding f = findingFor(*r, 0);
        QCOMPARE(f.verdict, ComparisonFinding::Verdict::NoDifference);
        QCOMPARE(comparisonSentence(f), std::string("Cannot tell 'standard' and 'differential' apart on putting the "
                                                    "right defect first: 'differential' \u2212 'standard' = 0.0 points, "
                                                    "95% CI 0.0 to 0.0, p = 1.00 (Holm)."));
    }

    void sentences() {
        ComparisonFinding f;
        f.verdict = ComparisonFinding::Verdict::BBetter;
        f.metric = RetrievalMetric::HitAtK;
        f.k = 5;
        f.better = "differential";
        f.worse = "standard";
        f.points = 4.2;
        f.interval = {1.1, 7.0};
        f.p = 0.0123;
        f.holm = true;
        f.classes = {{"scratch", -12.0, 14}};
        QCOMPARE(comparisonSentence(f),
                 std::string("'differential' puts the right defect in the top 5 more often than 'standard': +4.2 "
                             "points, 95% CI +1.1 to +7.0, p = 0.012 (Holm); on 'scratch' it is worse (\u221212.0 "
                             "points, 14 queries)."));
        f.k = 1;
        f.classes.clear();
        f.p = 0.0004;
        QCOMPARE(comparisonSentence(f), std::string("'differential' puts the right defect first more often than "
                                                    "'standard': +4.2 points, 95% CI +1.1 to +7.0, p < 0.001 (Holm)."));
        f.metric = RetrievalMetric::AveragePrecision;
        f.holm = false;
        f.p = 0.25;
        f.verdict = ComparisonFinding::Verdict::NoDifference;
        f.points = -0.84;
        f.interval = {-3.0, 1.46};
        f.classes = {{"crack", 9.96, 40}, {"dent", -5.0, 12}};
        QCOMPARE(comparisonSentence(f),
                 std::string("Cannot tell 'standard' and 'differential' apart on mAP: 'differential' \u2212 "
                             "'standard' = \u22120.8 points, 95% CI \u22123.0 to +1.5, p = 0.25; on 'crack', "
                             "'differential' is better (+10.0 points, 40 queries), on 'dent', 'differential' is "
                             "worse (\u22125.0 points, 12 queries)."));
        f.metric = RetrievalMetric::ReciprocalRank;
        f.verdict = ComparisonFinding::Verdict::ABetter;
        f.better = "standard";
        f.worse = "differential";
        f.points = 3.0;
        f.interval = {0.5, 5.5};
        f.p = 0.04;
        f.classes.clear();
        QCOMPARE(comparisonSentence(f),
                 std::string("'standard' ranks the first right defect higher (mean reciprocal rank) than "
                             "'differential': +3.0 points, 95% CI +0.5 to +5.5, p = 0.040."));
    }

    // findingFor on results written by hand: which model is better by the deciding p-value, the
    // numbers turned to the better model's side, and the classes that say otherwise.
    void findings() {
        ModelComparison c;
        c.a = kA;
        c.b = kB;
        c.ks = {5};
        MetricComparison m;
        m.metric = RetrievalMetric::HitAtK;
        m.k = 5;
        m.difference = -0.042;
        m.differenceInterval = {-0.07, -0.011};
        m.p = 0.004;
        m.pHolm = 0.012;
        c.overall = {m};
        auto classWith = [](const std::string& label, double d, stats::Interval iv, int64_t n) {
            ClassComparison cc;
            cc.label = label;
            cc.queries = n;
            MetricComparison x;
            x.difference = d;
            x.differenceInterval = iv;
            cc.metrics = {x};
            return cc;
        };
        // B − A per class: scratch +0.12 [0.02, 0.2] (B clearly better: against the verdict),
        // pit +0.3 [0.1, 0.5] (also), crack −0.1 [−0.2, −0.01] (with the verdict), dent +0.05
        // [−0.05, 0.15] (not clear).
        c.classes = {classWith("crack", -0.1, {-0.2, -0.01}, 30), classWith("dent", 0.05, {-0.05, 0.15}, 30),
                     classWith("pit", 0.3, {0.1, 0.5}, 10), classWith("scratch", 0.12, {0.02, 0.2}, 14)};
        ComparisonFinding f = findingFor(c, 0);
        QCOMPARE(f.verdict, ComparisonFinding::Verdict::ABetter);
        QCOMPARE(f.better, std::string("standard"));
        QCOMPARE(f.worse, std::string("differential"));
        QVERIFY(near(f.points, 4.2));
        QVERIFY(near(f.interval.low, 1.1) && near(f.interval.high, 7.0));
        QVERIFY(near(f.p, 0.012) && f.holm);
        QCOMPARE(f.classes.size(), size_t(2));
        QCOMPARE(f.classes[0].label, std::string("pit"));  // largest first
        QVERIFY(near(f.classes[0].points, -30.0));
        QCOMPARE(f.classes[1].label, std::string("scratch"));
        QCOMPARE(f.classes[1].queries, int64_t(14));
        QCOMPARE(comparisonSentence(f),
                 std::string("'standard' puts the right defect in the top 5 more often than 'differential': +4.2 "
                             "points, 95% CI +1.1 to +7.0, p = 0.012 (Holm); on 'pit' it is worse (\u221230.0 points, "
                             "10 queries), on 'scratch' it is worse (\u221212.0 points, 14 queries)."));

        // Not significant after Holm (0.06), although the unadjusted p is 0.02: no verdict; the
        // classes whose interval excludes 0 on either side are named.
        c.overall[0].p = 0.02;
        c.overall[0].pHolm = 0.06;
        f = findingFor(c, 0);
        QCOMPARE(f.verdict, ComparisonFinding::Verdict::NoDifference);
        QVERIFY(near(f.points, -4.2));
        QVERIFY(near(f.interval.low, -7.0) && near(f.interval.high, -1.1));
        QCOMPARE(f.classes.size(), size_t(3));
        QCOMPARE(f.classes[0].label, std::string("pit"));
        QCOMPARE(f.classes[1].label, std::string("scratch"));
        QCOMPARE(f.classes[2].label, std::string("crack"));

        // B better: MRR has no Holm adjustment.
        m.metric = RetrievalMetric::ReciprocalRank;
        m.k = 0;
        m.difference = 0.05;
        m.differenceInterval = {0.01, 0.09};
        m.p = 0.03;
        m.pHolm.reset();
        c.overall = {m};
        f = findingFor(c, 0);
        QCOMPARE(f.verdict, ComparisonFinding::Verdict::BBetter);
        QCOMPARE(f.better, std::string("differential"));
        QVERIFY(!f.holm);
        QCOMPARE(f.classes.size(), size_t(1));  // crack goes the other way clearly
        QCOMPARE(f.classes[0].label, std::string("crack"));
    }

    // The job contract (Job.h): "rank" counts the two models' rankings, "resample" the overall
    // set and then each of the two compared classes (crack, dent): 1 + 2 units. A token
    // cancelled before the start stops it with Cancelled.
    void progressAndCancel() {
        auto lib = worked("job.dclib");
        QVERIFY(lib);
        std::vector<ProgressUpdate> seen;
        CompareOptions o;
        o.ks = {1};
        o.iterations = 50;
        o.job.progress = Progress([&](const ProgressUpdate& u) { seen.push_back(u); }, std::chrono::milliseconds(0));
        auto r = compareModels(*lib, kA, kB, o);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().describe().c_str());
        QVERIFY(!seen.empty());
        std::map<std::string, std::pair<int64_t, int64_t>> last;  // stage -> (done, total)
        for (const auto& u : seen) last[u.stage] = {u.done, u.total};
        QCOMPARE(last.size(), size_t(2));
        QCOMPARE(last["rank"], std::make_pair(int64_t(2), int64_t(2)));
        QCOMPARE(last["resample"], std::make_pair(int64_t(3), int64_t(3)));

        o.job = JobControl{};
        o.job.cancel = CancelToken();
        o.job.cancel.cancel();
        auto cancelled = compareModels(*lib, kA, kB, o);
        QVERIFY(!cancelled.ok());
        QCOMPARE(cancelled.error().code, ErrorCode::Cancelled);
    }

    void refusals() {
        auto lib = worked("refusals.dclib");
        QVERIFY(lib);
        auto error = [&](const ComparedModel& a, const ComparedModel& b, const CompareOptions& o) {
            auto r = compareModels(*lib, a, b, o);
            return r.ok() ? Error{ErrorCode::Ok, {}} : r.error();
        };
        CompareOptions o;
        o.ks = {};
        QCOMPARE(error(kA, kB, o).code, ErrorCode::InvalidArgument);
        o.ks = {1, 0};
        QCOMPARE(error(kA, kB, o).code, ErrorCode::InvalidArgument);
        o.ks = {1, 5, 1};
        QCOMPARE(error(kA, kB, o).code, ErrorCode::InvalidArgument);
        o.ks = {1};
        o.iterations = 0;
        QCOMPARE(error(kA, kB, o).code, ErrorCode::InvalidArgument);
        o.iterations = 100;
        QCOMPARE(error(kA, kB, o).code, ErrorCode::Ok);

        // The same weights twice.
        const Error same = error(kA, ComparedModel{"copy", kA.fingerprint}, o);
        QCOMPARE(same.code, ErrorCode::InvalidArgument);
        QVERIFY2(same.message.find("same weights") != std::string::npos, same.message.c_str());

        // A model the library does not know: the error names it.
        const Error unknown = error(kA, ComparedModel{"mystery", "no-such-fingerprint"}, o);
        QCOMPARE(unknown.code, ErrorCode::NotFound);
        QVERIFY2(unknown.message.find("model B (mystery)") != std::string::npos, unknown.message.c_str());

        // Registered (an indexing run that failed on every photo) but nothing embedded.
        auto empty = build("empty.dclib", {{"c1", "crack", e1, none}, {"c2", "crack", e1, none}});
        QVERIFY(empty);
        auto r = compareModels(*empty, kA, kB, o);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::NotFound);
        QVERIFY2(r.error().message.find("model B (differential) has embedded none") != std::string::npos,
                 r.error().message.c_str());

        // Each model embedded a different half: nothing in common.
        auto apart = build("apart.dclib", {{"c1", "crack", e1, none}, {"c2", "crack", none, e1}});
        QVERIFY(apart);
        r = compareModels(*apart, kA, kB, o);
        QCOMPARE(r.error().code, ErrorCode::NotFound);
        QVERIFY2(r.error().message.find("0 embedded by both, 1 by A only, 1 by B only") != std::string::npos,
                 r.error().message.c_str());

        // A library where A was never registered at all.
        auto onlyB = build("onlyb.dclib", {{"c1", "crack", none, e1}, {"c2", "crack", none, e1}}, false, true);
        QVERIFY(onlyB);
        r = compareModels(*onlyB, kA, kB, o);
        QCOMPARE(r.error().code, ErrorCode::NotFound);
        QVERIFY2(r.error().message.find("model A (standard)") != std::string::npos, r.error().message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestCompare)
#include "tst_compare.moc"
