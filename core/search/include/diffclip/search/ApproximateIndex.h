#pragma once
// Approximate top-K cosine search for large libraries: inverted lists (IVF) over int8 rows.
//
// Design (docs/SEARCH.md has the measured figures)
// - build() L2-normalises the rows, trains `nlist` centroids by spherical k-means (cosine) on a
//   seeded sample and files every row under its closest centroid. Each list's rows are stored
//   contiguously as int8 codes (the same quantisation and SIMD kernels as ExactIndex) with their
//   row positions; with keepExact the normalised fp32 rows are kept too, to re-rank.
// - search() scores the query against the centroids, scans the `nprobe` best lists with the int8
//   kernel, keeps the best max(k, rerankCandidates) rows and re-scores them with the fp32 rows
//   (exact cosines), best first; ties go to the lower row position.
// - A Filter over row positions is honoured. With a fraction f of the rows allowed, the search
//   visits nprobe / f lists (and always enough lists to reach min(k, allowed) allowed rows), and
//   when 1.5 f^2 <= nprobe / nlist it scans the allowed rows exactly instead (int8 scan of just
//   those rows, then the fp32 re-rank): probing would read nprobe / (f nlist) of all rows, the
//   exact scan f of them at about 1.5 times the cost per row (scattered reads), so from there on
//   the exact scan is cheaper, and it misses nothing.
// - Everything is deterministic for a given seed: training, assignment and the results do not
//   depend on the number of threads.
//
// Threading: search() may run concurrently from any number of threads (it only reads);
// build() and setNprobe() must not overlap with anything. build() uses Options::threads threads.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "diffclip/base/Result.h"
#include "diffclip/search/ExactIndex.h"

namespace diffclip {

class ApproximateIndex {
public:
    struct Options {
        /// Inverted lists; 0 = 2 * sqrt(rows). Clamped to [1, rows / 39] so that k-means sees at
        /// least 39 sample rows per centroid.
        size_t nlist = 0;
        /// Lists visited per query; 0 = max(16, nlist / 128), clamped to nlist (on the 1M x 512
        /// clustered benchmark: recall@10 1.000 from 4 lists on, p50 0.27 ms at 16; on nearly
        /// uniform data recall is far lower, docs/SEARCH.md).
        size_t nprobe = 0;
        /// Rows sampled to train the centroids, 0 = min(rows, 40 * nlist); at least nlist.
        size_t trainRows = 0;
        /// k-means iterations (1..100).
        int iterations = 10;
        uint64_t seed = 1234;
        /// Threads used by build(); 0 = std::thread::hardware_concurrency(). Does not change results.
        unsigned threads = 0;
        /// Keep the normalised fp32 rows (4 * dim bytes per row) and return exact cosines. Off:
        /// scores are int8 estimates (error about 1e-3) and the caller re-ranks, as Workspace does
        /// with its own fp32 matrix.
        bool keepExact = true;
        /// Candidates re-ranked per query with keepExact (at least k are always taken).
        size_t rerankCandidates = 64;
        /// SIMD kernel, as for ExactIndex (Auto honours DIFFCLIP_SEARCH_SCALAR=1).
        SearchKernel kernel = SearchKernel::Auto;
    };

    ApproximateIndex();
    ~ApproximateIndex();
    ApproximateIndex(const ApproximateIndex&) = delete;
    ApproximateIndex& operator=(const ApproximateIndex&) = delete;

    /// Always true (kept for callers written when the index depended on an optional library).
    static bool available();

    /// Builds the index over n rows (row-major n * dim floats, not owned, copied and
    /// L2-normalised) with their ids (n values, any int64). Replaces any previous content; on
    /// error the previous content stays. InvalidArgument for null pointers, n outside
    /// 1..2^32-1, dim outside 1..65536, a zero/NaN/infinite row or iterations outside 1..100;
    /// OutOfMemory when the copies do not fit.
    Status build(const float* rows, size_t n, int dim, const int64_t* ids, const Options& options);
    Status build(const float* rows, size_t n, int dim, const int64_t* ids)
    {
        return build(rows, n, dim, ids, Options());
    }

    /// Best min(k, allowed rows) hits for one query (dim floats, need not be normalised), best
    /// first. `allow` is over row positions, as for ExactIndex. InvalidArgument when nothing is
    /// built or the query is null, zero, NaN or infinite.
    Result<std::vector<Hit>> search(const float* query, size_t k, const Filter* allow = nullptr) const;
    /// Checked form: Mismatch unless query.size() == dim().
    Result<std::vector<Hit>> search(const std::vector<float>& query, size_t k, const Filter* allow = nullptr) const;

    /// Lists visited per query from now on, clamped to 1..nlist. Not while searches run.
    void setNprobe(size_t nprobe);

    int dim() const;
    size_t size() const;
    size_t nlist() const;
    size_t nprobe() const;
    /// Bytes held: int8 codes, scales, positions, ids, centroids and the fp32 rows (keepExact).
    size_t memoryBytes() const;
    /// The kernel actually used.
    SearchKernel kernel() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace diffclip
