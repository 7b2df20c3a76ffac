#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "diffclip/explain/PatchGrid.h"

namespace diffclip::explain {

Status checkGrid(const PatchGrid& grid, const std::string& what) {
    if (grid.rows < 1 || grid.cols < 1)
        return makeError(ErrorCode::InvalidArgument, what + ": the patch grid is empty");
    if (grid.values.size() != size_t(grid.rows) * size_t(grid.cols))
        return makeError(ErrorCode::InvalidArgument, what + ": " + std::to_string(grid.values.size()) +
                                                         " values for a " + std::to_string(grid.rows) + "x" +
                                                         std::to_string(grid.cols) + " grid");
    for (float v : grid.values)
        if (!std::isfinite(v)) return makeError(ErrorCode::InvalidArgument, what + ": the map has a non-finite value");
    return Status::success();
}

double topShare(const PatchGrid& map, double fraction) {
    std::vector<double> mag;
    mag.reserve(map.values.size());
    for (float v : map.values) mag.push_back(std::fabs(double(v)));
    if (mag.empty()) return 0;
    const size_t k = std::min(mag.size(), size_t(std::max(1.0, std::ceil(fraction * double(mag.size()) - 1e-9))));
    const double total = std::accumulate(mag.begin(), mag.end(), 0.0);
    if (total <= 0) return double(k) / double(mag.size());
    std::partial_sort(mag.begin(), mag.begin() + std::ptrdiff_t(k), mag.end(), std::greater<double>());
    return std::accumulate(mag.begin(), mag.begin() + std::ptrdiff_t(k), 0.0) / total;
}

Result<MapSummary> summarise(const PatchGrid& map, const PatchGrid* region) {
    if (Status s = checkGrid(map, "map"); !s) return s.error();
    if (region) {
        if (Status s = checkGrid(*region, "region"); !s) return s.error();
        if (region->rows != map.rows || region->cols != map.cols)
            return makeError(ErrorCode::InvalidArgument,
                             "region is a " + std::to_string(region->rows) + "x" + std::to_string(region->cols) +
                                 " grid but the map is " + std::to_string(map.rows) + "x" + std::to_string(map.cols));
    }
    MapSummary s;
    const size_t P = map.values.size();
    s.minimum = *std::min_element(map.values.begin(), map.values.end());
    s.maximum = *std::max_element(map.values.begin(), map.values.end());
    double total = 0, positive = 0;
    for (float v : map.values) {
        s.sum += v;
        total += std::fabs(double(v));
        positive += std::max(0.0, double(v));
    }
    const double logP = std::log(double(P));
    if (total > 0) {
        for (float v : map.values) {
            const double p = std::fabs(double(v)) / total;
            if (p > 0) s.entropy -= p * std::log(p);
        }
        s.positiveShare = positive / total;
    } else {
        s.entropy = logP;
    }
    s.normalisedEntropy = P > 1 ? s.entropy / logP : 1.0;
    s.top10Share = topShare(map, 0.1);
    if (region) {
        double inside = 0, cover = 0;
        for (size_t i = 0; i < P; ++i) {
            const double w = std::clamp(double(region->values[i]), 0.0, 1.0);
            inside += w * std::fabs(double(map.values[i]));
            cover += w;
        }
        s.regionShare = total > 0 ? inside / total : cover / double(P);
    }
    return s;
}

double areaUnderCurve(const std::vector<double>& x, const std::vector<double>& y) {
    if (x.size() != y.size() || x.size() < 2) return 0;
    double area = 0;
    for (size_t i = 1; i < x.size(); ++i) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) * 0.5;
    return area;
}

std::vector<int> rankPatches(const PatchGrid& map) {
    std::vector<int> order(map.values.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return map.values[size_t(a)] > map.values[size_t(b)]; });
    return order;
}

}  // namespace diffclip::explain
