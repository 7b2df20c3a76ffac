#pragma once
// Statistics for the proof-of-concept figures (docs/POC.md): intervals for hit rates, paired
// tests between two models, multiple-comparison correction and learning curves. Plain C++17.
// Every function is pure and thread-safe; random ones take an explicit seed and give the same
// answer for the same seed on every machine (std::mt19937_64 and our own integer-to-double and
// index draws, not the implementation-defined std:: distributions).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "diffclip/base/Result.h"

namespace diffclip::stats {

/// Two-sided 95% normal quantile.
constexpr double kZ95 = 1.959963984540054;

struct Interval {
    double low = 0.0;
    double high = 0.0;
};

/// Wilson score interval of a proportion `successes / trials` (0 <= successes <= trials).
/// trials == 0 gives [0, 1] (nothing is known).
Interval wilson(int64_t successes, int64_t trials, double z = kZ95);

/// Exact two-sided McNemar test on the discordant pairs of a paired comparison: `onlyA` queries
/// where only model A was right, `onlyB` where only B was. p = min(1, 2·P(X <= min(b, c))) with
/// X ~ Binomial(b + c, 1/2); 1 when there are no discordant pairs.
double mcnemarExact(int64_t onlyA, int64_t onlyB);

/// Paired randomization (sign-flip) test of the mean of `differences` against 0, two-sided:
/// the share of sign assignments whose |mean| is at least the observed one. Exact (all 2^n
/// assignments) for n <= exactUpTo, else `iterations` random ones with the +1 correction
/// ((count + 1) / (iterations + 1)). Zero differences take part with either sign.
double pairedRandomization(const std::vector<double>& differences, int64_t iterations, uint64_t seed,
                           int exactUpTo = 20);

/// Holm's step-down adjustment of p-values (same order as the input), each in [0, 1].
std::vector<double> holm(const std::vector<double>& pValues);

/// Percentile bootstrap interval of a statistic of `n` paired items: each of `iterations`
/// resamples draws n item indices with replacement and evaluates `statistic` on them.
/// `level` 0.95 gives the 2.5th and 97.5th percentiles of the resampled statistics.
Interval bootstrap(size_t n, const std::function<double(const std::vector<size_t>&)>& statistic,
                   int64_t iterations, uint64_t seed, double level = 0.95);

/// Mean of values[i] over the given indices (a helper for bootstrap statistics).
double meanOf(const std::vector<double>& values, const std::vector<size_t>& indices);

/// Two-sided 95% interval of the mean of repeated measurements (Student's t with n − 1 degrees
/// of freedom): mean ± t·s/√n. One value gives [value, value] (no spread can be estimated);
/// none gives [0, 0].
Interval meanInterval95(const std::vector<double>& values);

/// The 97.5th percentile of Student's t with `df` >= 1 degrees of freedom (table to 30, a
/// Cornish–Fisher expansion beyond, within 0.002 of the exact value).
double studentT975(int df);

/// Linear-interpolation percentile (q in [0, 1]) of `values` (the "type 7" rule of R and numpy);
/// 0 for an empty list.
double percentile(std::vector<double> values, double q);

/// Learning curve acc(n) = a − b·n^(−c) (an inverse power law, a <= 1, b >= 0, c > 0) fitted by
/// weighted least squares to mean accuracies at several training-set sizes. Weights default to
/// n (larger sizes are measured more precisely and matter more for extrapolation).
struct LearningCurve {
    double a = 0.0;      // the accuracy the curve tends to
    double b = 0.0;
    double c = 0.0;
    double rmse = 0.0;   // weighted root-mean-square residual of the fit
    double maxN = 0.0;   // the largest size measured: predictions stop at 2·maxN

    double at(double n) const;
    /// Smallest n with at(n) >= target; nullopt when the curve never reaches it or only past
    /// 2·maxN (no extrapolation beyond twice the data measured).
    std::optional<double> sizeFor(double target) const;
};

/// Needs at least three distinct sizes; sizes must be > 0, accuracies in [0, 1].
Result<LearningCurve> fitLearningCurve(const std::vector<double>& sizes, const std::vector<double>& accuracies,
                                       const std::vector<double>& weights = {});

/// One-sided exact test that a rate fell: `recentHits` of `recentTrials` against `previousHits`
/// of `previousTrials` (Fisher's exact test, lower tail: the probability of so few recent hits
/// given both periods' totals). 1 when either period is empty.
double fisherLowerTail(int64_t recentHits, int64_t recentTrials, int64_t previousHits, int64_t previousTrials);

/// Two-sample test for a shift between two sets of unit vectors (embeddings): the squared
/// maximum mean discrepancy with a Gaussian kernel (bandwidth: the median pairwise distance of
/// the pooled sample), and its permutation p-value ((count + 1) / (permutations + 1)).
struct DriftTest {
    double mmd2 = 0.0;
    double pValue = 1.0;
    double bandwidth = 0.0;
};
Result<DriftTest> mmdPermutationTest(const std::vector<float>& a, size_t rowsA, const std::vector<float>& b,
                                     size_t rowsB, size_t dim, int64_t permutations, uint64_t seed);

}  // namespace diffclip::stats
