#include "diffclip/stats/Stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace diffclip::stats {
namespace {

// An index in [0, n) from one 64-bit draw (multiply-shift; the same on every platform).
__extension__ typedef unsigned __int128 Wide;
size_t drawIndex(std::mt19937_64& rng, size_t n) { return size_t((Wide(rng()) * n) >> 64); }

double logChoose(double n, double k) { return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1); }

// Sum of exp(logs) without overflow.
double sumExp(const std::vector<double>& logs) {
    if (logs.empty()) return 0.0;
    const double top = *std::max_element(logs.begin(), logs.end());
    double s = 0.0;
    for (double l : logs) s += std::exp(l - top);
    return std::exp(top) * s;
}

}  // namespace

Interval wilson(int64_t successes, int64_t trials, double z) {
    if (trials <= 0) return {0.0, 1.0};
    const double n = double(trials);
    const double p = double(std::clamp<int64_t>(successes, 0, trials)) / n;
    const double z2 = z * z;
    const double denom = 1.0 + z2 / n;
    const double centre = (p + z2 / (2.0 * n)) / denom;
    const double half = z * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom;
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

double mcnemarExact(int64_t onlyA, int64_t onlyB) {
    const int64_t n = onlyA + onlyB;
    if (n <= 0) return 1.0;
    const int64_t k = std::min(onlyA, onlyB);
    std::vector<double> logs;
    logs.reserve(size_t(k) + 1);
    for (int64_t i = 0; i <= k; ++i) logs.push_back(logChoose(double(n), double(i)) - double(n) * std::log(2.0));
    return std::min(1.0, 2.0 * sumExp(logs));
}

double pairedRandomization(const std::vector<double>& differences, int64_t iterations, uint64_t seed,
                           int exactUpTo) {
    const size_t n = differences.size();
    if (n == 0) return 1.0;
    const double observed = std::fabs(std::accumulate(differences.begin(), differences.end(), 0.0));
    double scale = 0.0;
    for (double d : differences) scale += std::fabs(d);
    // Sums equal to the observed one up to rounding count as "at least as extreme".
    const double tolerance = 1e-12 * std::max(1.0, scale);
    if (int(n) <= exactUpTo && n < 63) {
        const uint64_t assignments = uint64_t(1) << n;
        uint64_t count = 0;
        for (uint64_t mask = 0; mask < assignments; ++mask) {
            double s = 0.0;
            for (size_t i = 0; i < n; ++i) s += (mask >> i & 1u) ? -differences[i] : differences[i];
            if (std::fabs(s) >= observed - tolerance) ++count;
        }
        return double(count) / double(assignments);
    }
    std::mt19937_64 rng(seed);
    int64_t count = 0;
    for (int64_t it = 0; it < iterations; ++it) {
        double s = 0.0;
        uint64_t bits = 0;
        for (size_t i = 0; i < n; ++i) {
            if (i % 64 == 0) bits = rng();
            s += (bits >> (i % 64) & 1u) ? -differences[i] : differences[i];
        }
        if (std::fabs(s) >= observed - tolerance) ++count;
    }
    return double(count + 1) / double(std::max<int64_t>(iterations, 0) + 1);
}

std::vector<double> holm(const std::vector<double>& pValues) {
    const size_t m = pValues.size();
    std::vector<size_t> order(m);
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return pValues[a] < pValues[b]; });
    std::vector<double> adjusted(m);
    double running = 0.0;
    for (size_t r = 0; r < m; ++r) {
        const double v = std::min(1.0, double(m - r) * std::clamp(pValues[order[r]], 0.0, 1.0));
        running = std::max(running, v);
        adjusted[order[r]] = running;
    }
    return adjusted;
}

double percentile(std::vector<double> values, double q) {
    if (values.empty()) return 0.0;
    std::sort(values.begin(), values.end());
    const double h = (double(values.size()) - 1.0) * std::clamp(q, 0.0, 1.0);
    const size_t lo = size_t(std::floor(h));
    const size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (h - double(lo)) * (values[hi] - values[lo]);
}

double studentT975(int df) {
    static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                   2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                   2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    if (df < 1) return std::numeric_limits<double>::infinity();
    if (df <= 30) return table[df - 1];
    const double z = kZ95, d = static_cast<double>(df);
    return z + (z * z * z + z) / (4.0 * d) + (5.0 * std::pow(z, 5) + 16.0 * z * z * z + 3.0 * z) / (96.0 * d * d);
}

Interval meanInterval95(const std::vector<double>& values) {
    if (values.empty()) return {};
    const double n = static_cast<double>(values.size());
    double mean = 0.0;
    for (double v : values) mean += v;
    mean /= n;
    if (values.size() == 1) return {mean, mean};
    double ss = 0.0;
    for (double v : values) ss += (v - mean) * (v - mean);
    const double half = studentT975(static_cast<int>(values.size()) - 1) * std::sqrt(ss / (n - 1.0) / n);
    return {mean - half, mean + half};
}

double meanOf(const std::vector<double>& values, const std::vector<size_t>& indices) {
    if (indices.empty()) return 0.0;
    double s = 0.0;
    for (size_t i : indices) s += values[i];
    return s / double(indices.size());
}

Interval bootstrap(size_t n, const std::function<double(const std::vector<size_t>&)>& statistic,
                   int64_t iterations, uint64_t seed, double level) {
    if (n == 0 || iterations <= 0) return {0.0, 0.0};
    std::mt19937_64 rng(seed);
    std::vector<double> stats;
    stats.reserve(size_t(iterations));
    std::vector<size_t> sample(n);
    for (int64_t it = 0; it < iterations; ++it) {
        for (size_t& s : sample) s = drawIndex(rng, n);
        stats.push_back(statistic(sample));
    }
    const double tail = (1.0 - std::clamp(level, 0.0, 1.0)) / 2.0;
    return {percentile(stats, tail), percentile(stats, 1.0 - tail)};
}

double LearningCurve::at(double n) const { return a - b * std::pow(std::max(n, 1e-9), -c); }

std::optional<double> LearningCurve::sizeFor(double target) const {
    if (b <= 0.0) return a >= target ? std::optional<double>(1.0) : std::nullopt;
    if (target >= a) return std::nullopt;
    const double n = std::max(1.0, std::pow(b / (a - target), 1.0 / c));
    if (n > 2.0 * maxN) return std::nullopt;
    return n;
}

namespace {

// For a fixed exponent c the model is linear in (a, b): weighted least squares, with a <= 1 and
// b >= 0 enforced by refitting on the boundary.
LearningCurve fitForExponent(const std::vector<double>& n, const std::vector<double>& y, const std::vector<double>& w,
                             double c, double& sse) {
    const size_t m = n.size();
    std::vector<double> x(m);
    double sw = 0, sx = 0, sy = 0;
    for (size_t i = 0; i < m; ++i) {
        x[i] = std::pow(n[i], -c);
        sw += w[i];
        sx += w[i] * x[i];
        sy += w[i] * y[i];
    }
    const double xm = sx / sw, ym = sy / sw;
    double sxx = 0, sxy = 0;
    for (size_t i = 0; i < m; ++i) {
        sxx += w[i] * (x[i] - xm) * (x[i] - xm);
        sxy += w[i] * (x[i] - xm) * (y[i] - ym);
    }
    LearningCurve fit;
    fit.c = c;
    fit.b = sxx > 0 ? -sxy / sxx : 0.0;
    fit.a = ym + fit.b * xm;
    if (fit.b < 0) {  // accuracy falling with more data: a flat curve fits best under b >= 0
        fit.b = 0.0;
        fit.a = ym;
    }
    if (fit.a > 1.0) {  // fix a = 1, refit b: minimise sum w (1 - b x - y)^2
        double num = 0, den = 0;
        for (size_t i = 0; i < m; ++i) {
            num += w[i] * x[i] * (1.0 - y[i]);
            den += w[i] * x[i] * x[i];
        }
        fit.a = 1.0;
        fit.b = den > 0 ? std::max(0.0, num / den) : 0.0;
    }
    sse = 0.0;
    for (size_t i = 0; i < m; ++i) {
        const double r = y[i] - (fit.a - fit.b * x[i]);
        sse += w[i] * r * r;
    }
    return fit;
}

}  // namespace

Result<LearningCurve> fitLearningCurve(const std::vector<double>& sizes, const std::vector<double>& accuracies,
                                       const std::vector<double>& weights) {
    if (sizes.size() != accuracies.size() || (!weights.empty() && weights.size() != sizes.size()))
        return makeError(ErrorCode::InvalidArgument, "learning curve: sizes, accuracies and weights differ in length");
    std::vector<double> distinct;
    for (size_t i = 0; i < sizes.size(); ++i) {
        if (!(sizes[i] > 0) || !(accuracies[i] >= 0 && accuracies[i] <= 1))
            return makeError(ErrorCode::InvalidArgument, "learning curve: sizes must be > 0 and accuracies in [0, 1]");
        if (!weights.empty() && !(weights[i] > 0))
            return makeError(ErrorCode::InvalidArgument, "learning curve: weights must be > 0");
        if (std::find(distinct.begin(), distinct.end(), sizes[i]) == distinct.end()) distinct.push_back(sizes[i]);
    }
    if (distinct.size() < 3)
        return makeError(ErrorCode::InvalidArgument, "learning curve: needs at least three different sizes");
    const std::vector<double> w = weights.empty() ? sizes : weights;

    // Grid over log c, then golden-section search in the best grid cell.
    const double lo = std::log(0.02), hi = std::log(5.0);
    const int steps = 200;
    double bestSse = std::numeric_limits<double>::infinity();
    int best = 0;
    for (int s = 0; s <= steps; ++s) {
        double sse = 0;
        fitForExponent(sizes, accuracies, w, std::exp(lo + (hi - lo) * s / steps), sse);
        if (sse < bestSse) {
            bestSse = sse;
            best = s;
        }
    }
    double left = lo + (hi - lo) * std::max(0, best - 1) / steps;
    double right = lo + (hi - lo) * std::min(steps, best + 1) / steps;
    const double g = (std::sqrt(5.0) - 1.0) / 2.0;
    auto cost = [&](double logc) {
        double sse = 0;
        fitForExponent(sizes, accuracies, w, std::exp(logc), sse);
        return sse;
    };
    double x1 = right - g * (right - left), x2 = left + g * (right - left);
    double f1 = cost(x1), f2 = cost(x2);
    for (int it = 0; it < 100 && right - left > 1e-12; ++it) {
        if (f1 < f2) {
            right = x2;
            x2 = x1;
            f2 = f1;
            x1 = right - g * (right - left);
            f1 = cost(x1);
        } else {
            left = x1;
            x1 = x2;
            f1 = f2;
            x2 = left + g * (right - left);
            f2 = cost(x2);
        }
    }
    double sse = 0;
    LearningCurve fit = fitForExponent(sizes, accuracies, w, std::exp((left + right) / 2.0), sse);
    if (bestSse < sse) fit = fitForExponent(sizes, accuracies, w, std::exp(lo + (hi - lo) * best / steps), sse);
    fit.rmse = std::sqrt(sse / std::accumulate(w.begin(), w.end(), 0.0));
    fit.maxN = *std::max_element(sizes.begin(), sizes.end());
    return fit;
}

double fisherLowerTail(int64_t recentHits, int64_t recentTrials, int64_t previousHits, int64_t previousTrials) {
    if (recentTrials <= 0 || previousTrials <= 0) return 1.0;
    const int64_t total = recentTrials + previousTrials;
    const int64_t hits = recentHits + previousHits;
    const int64_t lowest = std::max<int64_t>(0, recentTrials - (total - hits));
    std::vector<double> logs;
    for (int64_t x = lowest; x <= recentHits; ++x)
        logs.push_back(logChoose(double(hits), double(x)) + logChoose(double(total - hits), double(recentTrials - x)) -
                       logChoose(double(total), double(recentTrials)));
    return std::min(1.0, sumExp(logs));
}

Result<DriftTest> mmdPermutationTest(const std::vector<float>& a, size_t rowsA, const std::vector<float>& b,
                                     size_t rowsB, size_t dim, int64_t permutations, uint64_t seed) {
    constexpr size_t kMaxRows = 4000;  // the kernel matrix is rows² doubles
    if (dim == 0 || rowsA < 2 || rowsB < 2 || a.size() != rowsA * dim || b.size() != rowsB * dim)
        return makeError(ErrorCode::InvalidArgument, "drift test: needs at least two rows per sample of one width");
    const size_t n = rowsA + rowsB;
    if (n > kMaxRows)
        return makeError(ErrorCode::InvalidArgument, "drift test: at most 4000 rows in all (sample them first)");
    auto row = [&](size_t i) { return i < rowsA ? a.data() + i * dim : b.data() + (i - rowsA) * dim; };
    std::vector<double> d2(n * n, 0.0);
    std::vector<double> distances;
    distances.reserve(n * (n - 1) / 2);
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i + 1; j < n; ++j) {
            double s = 0;
            const float* x = row(i);
            const float* y = row(j);
            for (size_t k = 0; k < dim; ++k) s += (double(x[k]) - y[k]) * (double(x[k]) - y[k]);
            d2[i * n + j] = d2[j * n + i] = s;
            distances.push_back(std::sqrt(s));
        }
    DriftTest out;
    out.bandwidth = percentile(distances, 0.5);
    if (!(out.bandwidth > 0)) return out;  // every row identical: no shift to see
    std::vector<double> kernel(n * n);
    for (size_t i = 0; i < n * n; ++i) kernel[i] = std::exp(-d2[i] / (2.0 * out.bandwidth * out.bandwidth));

    // Biased (V-statistic) MMD² of the split given by `inA`.
    auto mmd2 = [&](const std::vector<char>& inA) {
        double aa = 0, bb = 0, ab = 0;
        for (size_t i = 0; i < n; ++i)
            for (size_t j = 0; j < n; ++j) {
                const double k = kernel[i * n + j];
                if (inA[i] && inA[j]) aa += k;
                else if (!inA[i] && !inA[j]) bb += k;
                else ab += k;
            }
        const double na = double(rowsA), nb = double(rowsB);
        return aa / (na * na) + bb / (nb * nb) - ab / (na * nb);  // ab counts both orders
    };
    std::vector<char> split(n, 0);
    std::fill(split.begin(), split.begin() + long(rowsA), 1);
    out.mmd2 = mmd2(split);
    std::mt19937_64 rng(seed);
    int64_t count = 0;
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t(0));
    for (int64_t p = 0; p < permutations; ++p) {
        for (size_t i = n - 1; i > 0; --i) std::swap(order[i], order[drawIndex(rng, i + 1)]);
        std::vector<char> permuted(n, 0);
        for (size_t i = 0; i < rowsA; ++i) permuted[order[i]] = 1;
        if (mmd2(permuted) >= out.mmd2 - 1e-12) ++count;
    }
    out.pValue = double(count + 1) / double(std::max<int64_t>(permutations, 0) + 1);
    return out;
}

}  // namespace diffclip::stats
