#include "diffclip/indexing/Compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

namespace diffclip {

namespace {

double valueOf(const RetrievalQuery& q, RetrievalMetric metric, int k) {
    switch (metric) {
        case RetrievalMetric::HitAtK: return q.hitAt(k) ? 1.0 : 0.0;
        case RetrievalMetric::ReciprocalRank: return q.reciprocalRank;
        case RetrievalMetric::AveragePrecision: return q.averagePrecision;
    }
    return 0.0;
}

// One metric over the queries `subset` (indices into the paired rows).
MetricComparison compareMetric(const std::vector<RetrievalQuery>& rowsA, const std::vector<RetrievalQuery>& rowsB,
                               const std::vector<size_t>& subset, RetrievalMetric metric, int k, bool withTest,
                               const CompareOptions& options) {
    MetricComparison m;
    m.metric = metric;
    m.k = metric == RetrievalMetric::HitAtK ? k : 0;
    m.queries = int64_t(subset.size());
    std::vector<double> va, vb, vd;
    for (size_t i : subset) {
        va.push_back(valueOf(rowsA[i], metric, k));
        vb.push_back(valueOf(rowsB[i], metric, k));
        vd.push_back(vb.back() - va.back());
        if (metric == RetrievalMetric::HitAtK) {
            m.onlyA += va.back() > vb.back();
            m.onlyB += vb.back() > va.back();
        }
    }
    std::vector<size_t> all(subset.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    m.a = stats::meanOf(va, all);
    m.b = stats::meanOf(vb, all);
    m.difference = stats::meanOf(vd, all);
    // The same seed draws the same resamples for a, b and b − a: one paired bootstrap.
    const size_t n = subset.size();
    m.aInterval = stats::bootstrap(n, [&](const std::vector<size_t>& s) { return stats::meanOf(va, s); },
                                   options.iterations, options.seed);
    m.bInterval = stats::bootstrap(n, [&](const std::vector<size_t>& s) { return stats::meanOf(vb, s); },
                                   options.iterations, options.seed);
    m.differenceInterval = stats::bootstrap(n, [&](const std::vector<size_t>& s) { return stats::meanOf(vd, s); },
                                            options.iterations, options.seed);
    if (withTest)
        m.p = metric == RetrievalMetric::HitAtK ? stats::mcnemarExact(m.onlyA, m.onlyB)
                                                : stats::pairedRandomization(vd, options.iterations, options.seed);
    return m;
}

// hit@K for each K, then MRR, then mAP; Holm over the K values' p-values.
std::vector<MetricComparison> compareAll(const std::vector<RetrievalQuery>& rowsA,
                                         const std::vector<RetrievalQuery>& rowsB, const std::vector<size_t>& subset,
                                         bool withTests, const CompareOptions& options) {
    std::vector<MetricComparison> out;
    for (int k : options.ks)
        out.push_back(compareMetric(rowsA, rowsB, subset, RetrievalMetric::HitAtK, k, withTests, options));
    out.push_back(compareMetric(rowsA, rowsB, subset, RetrievalMetric::ReciprocalRank, 0, withTests, options));
    out.push_back(compareMetric(rowsA, rowsB, subset, RetrievalMetric::AveragePrecision, 0, withTests, options));
    if (withTests) {
        std::vector<double> ps;
        for (size_t i = 0; i < options.ks.size(); ++i) ps.push_back(*out[i].p);
        const std::vector<double> adjusted = stats::holm(ps);
        for (size_t i = 0; i < options.ks.size(); ++i) out[i].pHolm = adjusted[i];
    }
    return out;
}

// Labelled photos that the model has embedded (ascending id).
Result<std::vector<int64_t>> embeddedLabelled(Library& library, int64_t modelId, const std::set<int64_t>& labelled) {
    auto m = library.loadEmbeddings(modelId);
    if (!m) return m.error();
    std::vector<int64_t> out;
    for (int64_t id : m->ids)
        if (labelled.count(id)) out.push_back(id);
    std::sort(out.begin(), out.end());
    return out;
}

std::string quoted(const std::string& name) { return "'" + name + "'"; }

// "+4.2" / "−12.0" / "0.0" (U+2212 for minus, as in the project's other messages).
std::string signedPoints(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", std::fabs(v));
    const std::string digits = buf;
    if (digits == "0.0") return digits;
    return (v < 0 ? "\u2212" : "+") + digits;
}

std::string pText(double p) {
    char buf[32];
    if (p < 0.001) return "p < 0.001";
    std::snprintf(buf, sizeof buf, p < 0.1 ? "p = %.3f" : "p = %.2f", p);
    return buf;
}

// What "more often" is about, and the phrase for "cannot tell apart on ...".
std::string claim(const ComparisonFinding& f) {
    switch (f.metric) {
        case RetrievalMetric::HitAtK:
            return f.k == 1 ? "puts the right defect first more often"
                            : "puts the right defect in the top " + std::to_string(f.k) + " more often";
        case RetrievalMetric::ReciprocalRank: return "ranks the first right defect higher (mean reciprocal rank)";
        case RetrievalMetric::AveragePrecision: return "ranks the photos of the right defect higher (mAP)";
    }
    return {};
}

std::string topic(const ComparisonFinding& f) {
    switch (f.metric) {
        case RetrievalMetric::HitAtK:
            return f.k == 1 ? "putting the right defect first"
                            : "putting the right defect in the top " + std::to_string(f.k);
        case RetrievalMetric::ReciprocalRank: return "mean reciprocal rank";
        case RetrievalMetric::AveragePrecision: return "mAP";
    }
    return {};
}

}  // namespace

std::string MetricComparison::name() const {
    switch (metric) {
        case RetrievalMetric::HitAtK: return "hit@" + std::to_string(k);
        case RetrievalMetric::ReciprocalRank: return "MRR";
        case RetrievalMetric::AveragePrecision: return "mAP";
    }
    return {};
}

Result<ModelComparison> compareModels(Library& library, const ComparedModel& a, const ComparedModel& b,
                                      const CompareOptions& options) {
    if (options.ks.empty()) return makeError(ErrorCode::InvalidArgument, "no K given");
    for (size_t i = 0; i < options.ks.size(); ++i) {
        if (options.ks[i] < 1 || options.ks[i] > 100000)
            return makeError(ErrorCode::InvalidArgument, "K must be 1..100000");
        if (std::count(options.ks.begin(), options.ks.end(), options.ks[i]) > 1)
            return makeError(ErrorCode::InvalidArgument, "K " + std::to_string(options.ks[i]) + " is given twice");
    }
    if (options.iterations < 1 || options.iterations > 10000000)
        return makeError(ErrorCode::InvalidArgument, "bootstrap iterations must be 1..10000000");
    if (a.fingerprint == b.fingerprint)
        return makeError(ErrorCode::InvalidArgument, "models A (" + a.name + ") and B (" + b.name +
                                                         ") have the same weights: nothing to compare");
    auto models = library.models();
    if (!models) return models.error();
    auto idOf = [&](const ComparedModel& m, const char* which) -> Result<int64_t> {
        for (const auto& r : *models)
            if (r.fingerprint == m.fingerprint) return r.id;
        return makeError(ErrorCode::NotFound, std::string("the library holds no embeddings of model ") + which + " (" +
                                                  m.name + "); index its photos with that model first");
    };
    auto idA = idOf(a, "A");
    if (!idA) return idA.error();
    auto idB = idOf(b, "B");
    if (!idB) return idB.error();

    auto labels = library.currentLabels();
    if (!labels) return labels.error();
    std::set<int64_t> labelled;
    for (const auto& [id, l] : *labels)
        if (!l.empty()) labelled.insert(id);
    auto inA = embeddedLabelled(library, *idA, labelled);
    if (!inA) return inA.error();
    auto inB = embeddedLabelled(library, *idB, labelled);
    if (!inB) return inB.error();
    for (const auto& [set, which, m] : {std::make_tuple(&*inA, "A", &a), std::make_tuple(&*inB, "B", &b)})
        if (set->empty())
            return makeError(ErrorCode::NotFound, std::string("model ") + which + " (" + m->name +
                                                      ") has embedded none of the library's labelled photos; index "
                                                      "them with that model first");
    std::vector<int64_t> both;
    std::set_intersection(inA->begin(), inA->end(), inB->begin(), inB->end(), std::back_inserter(both));

    ModelComparison out;
    out.a = a;
    out.b = b;
    out.ks = options.ks;
    out.iterations = options.iterations;
    out.seed = options.seed;
    out.embeddedByAOnly = int64_t(inA->size() - both.size());
    out.embeddedByBOnly = int64_t(inB->size() - both.size());
    const JobControl& job = options.job;
    job.progress.stage("rank", 2);
    auto rowsA = retrievalQueries(library, *idA, &both);
    if (!rowsA) return rowsA.error();
    if (job.cancel.cancelled()) return CancelToken::error("model comparison");
    job.progress.update(1);
    auto rowsB = retrievalQueries(library, *idB, &both);
    if (!rowsB) return rowsB.error();
    job.progress.update(2);
    if (rowsA->queries.size() != rowsB->queries.size())
        return makeError(ErrorCode::Internal, "the two models' queries differ");
    out.excludedDuplicates = rowsA->excludedDuplicates;
    for (size_t i = 0; i < rowsA->queries.size(); ++i) {
        const RetrievalQuery& qa = rowsA->queries[i];
        const RetrievalQuery& qb = rowsB->queries[i];
        if (qa.imageId != qb.imageId || qa.relevant != qb.relevant)
            return makeError(ErrorCode::Internal, "the two models' queries differ");
        if (!qa.answerable()) {
            ++out.unanswerable;
            continue;
        }
        out.rowsA.push_back(qa);
        out.rowsB.push_back(qb);
    }
    out.queries = int64_t(out.rowsA.size());
    if (out.queries < 2)
        return makeError(ErrorCode::NotFound,
                         "fewer than two labelled photos embedded by both models have another photo of their label (" +
                             std::to_string(both.size()) + " embedded by both, " + std::to_string(out.embeddedByAOnly) +
                             " by A only, " + std::to_string(out.embeddedByBOnly) + " by B only)");

    std::vector<size_t> all(out.rowsA.size());
    std::map<std::string, std::vector<size_t>> byLabel;
    for (size_t i = 0; i < all.size(); ++i) {
        all[i] = i;
        byLabel[out.rowsA[i].label].push_back(i);
    }
    job.progress.stage("resample", 1 + int64_t(byLabel.size()));
    if (job.cancel.cancelled()) return CancelToken::error("model comparison");
    out.overall = compareAll(out.rowsA, out.rowsB, all, true, options);
    job.progress.update(1);
    for (const auto& [label, subset] : byLabel) {
        if (job.cancel.cancelled()) return CancelToken::error("model comparison");
        ClassComparison c;
        c.label = label;
        c.queries = int64_t(subset.size());
        c.metrics = compareAll(out.rowsA, out.rowsB, subset, c.queries >= options.minClassQueriesForTests, options);
        out.classes.push_back(std::move(c));
        job.progress.advance();
    }
    return out;
}

ComparisonFinding findingFor(const ModelComparison& c, size_t index) {
    const MetricComparison& m = c.overall.at(index);
    ComparisonFinding f;
    f.metric = m.metric;
    f.k = m.k;
    f.p = m.decidingP().value_or(1.0);
    f.holm = m.pHolm.has_value();
    const bool decided = f.p < kCompareAlpha && m.difference != 0.0;
    f.verdict = !decided ? ComparisonFinding::Verdict::NoDifference
                : m.difference > 0 ? ComparisonFinding::Verdict::BBetter
                                   : ComparisonFinding::Verdict::ABetter;
    const double sign = f.verdict == ComparisonFinding::Verdict::ABetter ? -1.0 : 1.0;
    const bool aBetter = f.verdict == ComparisonFinding::Verdict::ABetter;
    f.better = aBetter ? c.a.name : c.b.name;
    f.worse = aBetter ? c.b.name : c.a.name;
    f.points = 100.0 * sign * m.difference;
    const double lo = 100.0 * sign * m.differenceInterval.low, hi = 100.0 * sign * m.differenceInterval.high;
    f.interval = {std::min(lo, hi), std::max(lo, hi)};
    for (const ClassComparison& cc : c.classes) {
        const MetricComparison& cm = cc.metrics.at(index);
        double clo = 100.0 * sign * cm.differenceInterval.low, chi = 100.0 * sign * cm.differenceInterval.high;
        if (clo > chi) std::swap(clo, chi);
        // A decided verdict: classes clearly the other way. No difference: classes clearly either way.
        const bool note = f.verdict == ComparisonFinding::Verdict::NoDifference ? (clo > 0.0 || chi < 0.0) : chi < 0.0;
        if (note) f.classes.push_back({cc.label, 100.0 * sign * cm.difference, cc.queries});
    }
    std::stable_sort(f.classes.begin(), f.classes.end(), [](const auto& x, const auto& y) {
        return std::fabs(x.points) > std::fabs(y.points);
    });
    return f;
}

std::string comparisonSentence(const ComparisonFinding& f) {
    const std::string stat = "95% CI " + signedPoints(f.interval.low) + " to " + signedPoints(f.interval.high) + ", " +
                             pText(f.p) + (f.holm ? " (Holm)" : "");
    std::string s;
    if (f.verdict == ComparisonFinding::Verdict::NoDifference) {
        s = "Cannot tell " + quoted(f.worse) + " and " + quoted(f.better) + " apart on " + topic(f) + ": " +
            quoted(f.better) + " \u2212 " + quoted(f.worse) + " = " + signedPoints(f.points) + " points, " + stat;
    } else {
        s = quoted(f.better) + " " + claim(f) + " than " + quoted(f.worse) + ": " + signedPoints(f.points) +
            " points, " + stat;
    }
    for (size_t i = 0; i < f.classes.size(); ++i) {
        const auto& n = f.classes[i];
        s += i == 0 ? "; on " : ", on ";
        s += quoted(n.label);
        if (f.verdict == ComparisonFinding::Verdict::NoDifference)
            s += ", " + quoted(f.better) + (n.points > 0 ? " is better" : " is worse");
        else
            s += " it is worse";
        s += " (" + signedPoints(n.points) + " points, " + std::to_string(n.queries) + " queries)";
    }
    return s + ".";
}

}  // namespace diffclip
