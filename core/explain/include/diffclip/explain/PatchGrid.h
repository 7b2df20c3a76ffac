#pragma once
// Maps over a vision transformer's patch grid and the numbers that summarise them, in plain
// C++17 (no LibTorch, no OpenCV), so rendering, the CLI and the UI can use them cheaply.
// See docs/EXPLAIN.md for what each number means. Value types; free functions without shared
// state, safe from any thread.

#include <optional>
#include <string>
#include <vector>

#include "diffclip/base/Result.h"

namespace diffclip::explain {

/// One value per patch, row-major: patch (r, c) is values[r * cols + c]; row 0 is the top of
/// the model's input crop. Units depend on the map (attention weight, cosine, grad x input).
struct PatchGrid {
    int rows = 0;
    int cols = 0;
    std::vector<float> values;  // rows * cols finite values
    bool isSigned = false;      // may hold negative values: render on a diverging scale

    bool empty() const { return values.empty(); }
    int count() const { return rows * cols; }
};

/// Checks rows, cols >= 1, values.size() == rows * cols and every value finite.
Status checkGrid(const PatchGrid& grid, const std::string& what);

/// What a map says in a few numbers. Every share is computed on the magnitudes |v| (a signed
/// map's negative evidence counts as mass too); positiveShare tells how much of it is positive.
struct MapSummary {
    double minimum = 0;
    double maximum = 0;
    double sum = 0;                     // signed sum of the values
    double entropy = 0;                 // nats, of p = |v| / sum|v|: 0 (one patch) .. log(P) (uniform)
    double normalisedEntropy = 0;       // entropy / log(P), 0 .. 1 (1 when P == 1)
    double top10Share = 0;              // share of sum|v| in the ceil(P / 10) largest |v|, 0.1 .. 1
    double positiveShare = 1;           // sum max(v, 0) / sum|v|, 0 .. 1
    std::optional<double> regionShare;  // sum w|v| / sum|v|, w = the region's cover of each patch
};

/// Summary of `map`; with `region` (same grid, weights in [0, 1]: the fraction of each patch
/// inside the region) also regionShare. A map that is zero everywhere has entropy log(P),
/// top10Share ceil(P/10)/P and regionShare the mean cover (the uniform convention).
/// Errors: InvalidArgument for a malformed grid or a region of another size.
Result<MapSummary> summarise(const PatchGrid& map, const PatchGrid* region = nullptr);

/// Share of sum|v| held by the ceil(fraction * P) largest |v|; fraction in (0, 1].
double topShare(const PatchGrid& map, double fraction);

/// Deletion / insertion curves of a map (docs/EXPLAIN.md, "Faithfulness").
struct FaithfulnessCurves {
    std::vector<double> fraction;   // share of patches removed / inserted, 0 .. 1, increasing
    std::vector<double> deletion;   // cosine similarity to the target after removing that share
    std::vector<double> insertion;  // cosine similarity to the target with only that share present
    double deletionAuc = 0;         // trapezoidal area under deletion over [0, 1]: lower is better
    double insertionAuc = 0;        // trapezoidal area under insertion over [0, 1]: higher is better
};

/// Trapezoidal area under y(x); x increasing, same length >= 2 (0 otherwise).
double areaUnderCurve(const std::vector<double>& x, const std::vector<double>& y);

/// Patch indices ordered by decreasing value (ties by index), the order deletion and insertion use.
std::vector<int> rankPatches(const PatchGrid& map);

}  // namespace diffclip::explain
