#pragma once
// Approximate top-K cosine search for large libraries: FAISS inverted lists (IVF) over 8-bit
// scalar-quantised rows (a quarter of fp32 memory). Queries visit `nprobe` of `nlist` lists, so
// the cost grows with the library far more slowly than an exact scan; recall against exact
// search is measured by bench_approximate_search (README, docs/SEARCH.md), not assumed.
//
// Threading: search() may run concurrently from several threads; build() must not overlap with
// anything. FAISS parallelises training and adding with OpenMP. Without FAISS at build time
// (DIFFCLIP_HAVE_FAISS unset) every call returns ErrorCode::Unsupported.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "diffclip/model/Result.h"
#include "diffclip/search/ExactIndex.h"

namespace diffclip {

class ApproximateIndex {
public:
    struct Options {
        /// Inverted lists; 0 = 2 * sqrt(rows), clamped to [1, rows / 39] so that every list can be
        /// trained on at least 39 rows (FAISS's minimum).
        size_t nlist = 0;
        /// Lists visited per query; 0 = max(16, nlist / 32) (recall@10 1.000 at 1M rows, README).
        size_t nprobe = 0;
        /// Rows sampled to train the coarse quantiser (k-means, 10 iterations), 0 = min(rows, 40 * nlist).
        size_t trainRows = 0;
        uint64_t seed = 1234;
    };

    ApproximateIndex();
    ~ApproximateIndex();
    ApproximateIndex(const ApproximateIndex&) = delete;
    ApproximateIndex& operator=(const ApproximateIndex&) = delete;

    /// True when this build has FAISS.
    static bool available();

    /// Builds the index over n rows (row-major n * dim floats, copied and L2-normalised) with their
    /// ids. Replaces any previous content. InvalidArgument for n < 1, dim out of 1..65536 or a
    /// zero/non-finite row; Unsupported without FAISS.
    Status build(const float* rows, size_t n, int dim, const int64_t* ids, const Options& options);
    Status build(const float* rows, size_t n, int dim, const int64_t* ids) { return build(rows, n, dim, ids, Options()); }

    /// Best min(k, allowed rows reached) hits, best first, scores are the quantised cosine
    /// estimates (re-rank with exact vectors where they matter). `allow` is over row positions,
    /// as for ExactIndex.
    Result<std::vector<Hit>> search(const float* query, size_t k, const Filter* allow = nullptr) const;

    /// Lists visited per query from now on (1..nlist). Not while searches run.
    void setNprobe(size_t nprobe);

    int dim() const;
    size_t size() const;
    size_t nlist() const;
    size_t nprobe() const;
    /// Bytes of codes and ids held by the inverted lists (approximate).
    size_t memoryBytes() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace diffclip
