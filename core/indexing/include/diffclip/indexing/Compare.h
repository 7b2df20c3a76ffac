#pragma once
// Two models compared on the same labelled photos (`diffclip evaluate --models A,B`, docs/POC.md
// "Comparing two models"): leave-one-out retrieval rows of each (Retrieval.h), paired per query;
// hit@K, mean reciprocal rank and mAP with paired bootstrap intervals, exact McNemar and paired
// randomization tests, Holm over the K values; per class and overall; and one plain sentence
// per result. No LibTorch in this header (the desktop application includes it).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "diffclip/base/Job.h"
#include "diffclip/base/Result.h"
#include "diffclip/indexing/Retrieval.h"
#include "diffclip/library/Library.h"
#include "diffclip/stats/Stats.h"

namespace diffclip {

/// One side of a comparison. The library keeps each model's embeddings under the fingerprint of
/// its weights (modelFingerprint, Indexer.h); that, not the name, tells the two apart.
struct ComparedModel {
    std::string name;         // shown in tables and sentences (e.g. the package folder's name)
    std::string fingerprint;  // ModelRecord::fingerprint
};

struct CompareOptions {
    std::vector<int> ks{1, 5, 10};  // hit@K for each K: 1..100000, distinct
    /// Bootstrap resamples, and random sign assignments of the randomization test when it is not
    /// exact (more than 20 queries): 1..10,000,000.
    int64_t iterations = 10000;
    uint64_t seed = 0;  // the same seed gives the same intervals and p-values, bit for bit
    /// Per-class p-values only for classes with at least this many queries (fewer: intervals only).
    int64_t minClassQueriesForTests = 10;
    /// Stages "rank" (2 units: one leave-one-out ranking per model) and "resample" (1 + classes:
    /// the overall figures, then each class); cancelled between units (ErrorCode::Cancelled).
    JobControl job;
};

enum class RetrievalMetric {
    HitAtK,           // a photo of the query's label among the first K: 1 or 0 per query
    ReciprocalRank,   // 1 / rank of the first photo of its label (mean: MRR)
    AveragePrecision  // mean precision at the ranks of the photos of its label (mean: mAP)
};

/// One metric of both models over one set of queries (all, or one class). Values are means of
/// per-query values in [0, 1]; `difference` = b − a in [−1, 1]. Intervals are 95% percentile
/// intervals of the paired bootstrap: each resample draws the queries with replacement once and
/// evaluates a, b and b − a on that same draw.
struct MetricComparison {
    RetrievalMetric metric = RetrievalMetric::HitAtK;
    int k = 0;  // HitAtK only
    int64_t queries = 0;
    double a = 0.0, b = 0.0;
    stats::Interval aInterval, bInterval;
    double difference = 0.0;
    stats::Interval differenceInterval;
    int64_t onlyA = 0, onlyB = 0;  // HitAtK: queries that only A (only B) hits at K (the discordant pairs)
    /// HitAtK: exact McNemar on onlyA/onlyB; ReciprocalRank and AveragePrecision: paired
    /// randomization (sign flips) of the per-query differences, exact up to 20 queries. Absent
    /// for a class with fewer than CompareOptions::minClassQueriesForTests queries.
    std::optional<double> p;
    /// HitAtK: `p` adjusted by Holm over the K values of the same queries; absent otherwise.
    std::optional<double> pHolm;

    /// The p-value that decides: pHolm when present, else p.
    std::optional<double> decidingP() const { return pHolm ? pHolm : p; }
    /// Short name: "hit@5", "MRR", "mAP".
    std::string name() const;
};

struct ClassComparison {
    std::string label;
    int64_t queries = 0;
    std::vector<MetricComparison> metrics;  // same order as ModelComparison::overall
};

struct ModelComparison {
    ComparedModel a, b;
    std::vector<int> ks;
    int64_t iterations = 0;
    uint64_t seed = 0;
    int64_t queries = 0;  // compared: labelled, embedded by both, with another photo of their label
    // Left out, and why (labelled photos only; unlabelled photos take no part at all):
    int64_t embeddedByAOnly = 0;  // B has not embedded them: neither query nor candidate for A
    int64_t embeddedByBOnly = 0;
    int64_t unanswerable = 0;  // no other photo of their label among the candidates (a class of one,
                               // or only exact duplicates of it): a miss for both, so left out
    int64_t excludedDuplicates = 0;  // (query, candidate) pairs skipped as identical files
    std::vector<MetricComparison> overall;  // hit@K in `ks` order, then MRR, then mAP
    std::vector<ClassComparison> classes;   // by label, in byte order
    /// The compared queries' rows of each model, paired by index (same image id).
    std::vector<RetrievalQuery> rowsA, rowsB;
};

/// Compares `a` and `b` on the labelled photos that both have embedded: both rank the same
/// candidates (photos embedded by one model only take no part), queries that cannot be answered
/// are left out and counted. Deterministic for a seed. Errors: InvalidArgument (no K, a K out of
/// range or repeated, iterations out of range, A and B with the same fingerprint); NotFound,
/// naming the model, when the library holds no embeddings of it, and when fewer than two
/// queries remain; Cancelled (options.job); Format/Io from the library. Runs on the calling
/// thread (seconds for thousands of photos at 10,000 iterations).
Result<ModelComparison> compareModels(Library& library, const ComparedModel& a, const ComparedModel& b,
                                      const CompareOptions& options = {});

/// What one overall row says, with its numbers, for a sentence in any language: which model is
/// better (or that they cannot be told apart), by how much, and the classes that say otherwise.
/// Differences are in points (100 × the difference of the fractions).
struct ComparisonFinding {
    enum class Verdict { BBetter, ABetter, NoDifference };
    Verdict verdict = Verdict::NoDifference;
    RetrievalMetric metric = RetrievalMetric::HitAtK;
    int k = 0;
    std::string better, worse;  // names; for NoDifference, B and A
    double points = 0.0;        // better − worse (B − A for NoDifference)
    stats::Interval interval;   // of `points`, same orientation
    double p = 1.0;             // the deciding p-value
    bool holm = false;          // p is Holm-adjusted over the K values
    struct ClassNote {
        std::string label;
        double points = 0.0;   // better − worse (B − A for NoDifference) in this class
        int64_t queries = 0;
    };
    /// Classes whose own 95% interval of the difference excludes 0 on the other side of the
    /// verdict (for NoDifference: on either side), largest first.
    std::vector<ClassNote> classes;
};

/// Significance level of the verdict.
constexpr double kCompareAlpha = 0.05;

/// The finding of `comparison.overall[index]` (index < overall.size()).
ComparisonFinding findingFor(const ModelComparison& comparison, size_t index);

/// One plain English sentence, e.g. "'B' puts the right defect in the top 5 more often than 'A':
/// +4.2 points, 95% CI +1.1 to +7.0, p = 0.010 (Holm); on 'scratch' it is worse (−12.0 points,
/// 14 queries)." or "Cannot tell 'A' and 'B' apart on ...: 'B' − 'A' = +0.8 points, ...".
std::string comparisonSentence(const ComparisonFinding& finding);

}  // namespace diffclip
