#pragma once
// Exact top-K cosine search over embeddings held in memory (no LibTorch).
//
// Design
// - add() L2-normalises every row and stores it twice: as fp32 (4 * dim bytes, used to re-rank)
//   and as int8 with one fp32 scale per row (dim bytes padded to 64, the scanned copy). For
//   1,000,000 x 512 that is 2.0 GB + 0.5 GB; Options::keepExact = false drops the fp32 copy.
// - search() quantises the normalised query the same way (int8, scale max|q|/127), scans the
//   int8 rows with an exact integer dot product (AVX-512 VNNI, AVX-512BW, AVX2 or portable scalar,
//   picked at run time; all give bit-identical int32 sums), split over the index's own thread
//   pool. Each thread keeps the best `rerankCandidates` rows by approximate score; the merged
//   candidates are re-scored with exact fp32 (double-accumulated) dot products and the best k
//   returned. The int8 score error is about 5e-4 typical (a few 1e-2 as a hard bound for dim 512),
//   so a 4096-row candidate set holds the exact fp32 top-10 on realistic data (tests and the
//   benchmark check this against brute force); it is not certified per query. Returned scores are
//   always the exact fp32 cosines when keepExact is on.
// - The scan streams dim bytes per row and is memory-bound: on the 2-core EPYC the AVX2,
//   AVX-512BW and VNNI kernels measure the same; DIFFCLIP_SEARCH_SCALAR=1 forces the scalar path.
// - Ties in score are broken by the lower row position, so results are deterministic.
//
// Threading: search() and searchBatch() may run concurrently from any number of threads;
// reset() and add() take an exclusive lock and wait for running searches. The pool (a
// diffclip::ThreadPool) is owned by the index and lives as long as it does; the thread that
// searches works on its own search too.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "diffclip/base/Result.h"

namespace diffclip {

/// One search result: the caller's id and the cosine similarity in [-1, 1].
struct Hit {
    int64_t id = 0;
    float score = 0.0f;
};

/// Allow-list over row positions (the order rows were added, 0-based). Rows whose bit is clear
/// are skipped; positions at or beyond size() are treated as not allowed. Not thread-safe to
/// modify while a search reads it.
class Filter {
public:
    Filter() = default;
    explicit Filter(size_t rows, bool allowAll = false);

    void resize(size_t rows, bool allowAll = false);
    void set(size_t row, bool allowed = true);
    bool allows(size_t row) const
    {
        return row < m_rows && ((m_bits[row >> 6] >> (row & 63)) & 1u) != 0;
    }
    size_t rows() const { return m_rows; }
    /// Number of allowed positions below min(rows(), below). O(rows / 64).
    size_t count(size_t below = SIZE_MAX) const;
    /// Bits of positions 64 * w .. 64 * w + 63 (bit i: position 64 * w + i); 0 from rows() on.
    uint64_t word(size_t w) const
    {
        if (w >= m_bits.size())
            return 0;
        const size_t tail = m_rows - 64 * w;
        return tail >= 64 ? m_bits[w] : m_bits[w] & ((uint64_t(1) << tail) - 1);
    }

private:
    std::vector<uint64_t> m_bits;
    size_t m_rows = 0;
};

/// SIMD kernel used by the scan. Auto picks the best the CPU supports at run time.
enum class SearchKernel { Auto, Scalar, Avx2, Avx512, Avx512Vnni };

/// Name of a kernel ("scalar", "avx2", "avx512", "avx512vnni").
const char* searchKernelName(SearchKernel kernel);

class ExactIndex {
public:
    struct Options {
        /// Threads a search runs on, the calling thread included; 0 = std::thread::hardware_concurrency().
        unsigned threads = 0;
        /// Kernel; Auto honours the environment variable DIFFCLIP_SEARCH_SCALAR=1 (forces scalar).
        /// Asking for a kernel the CPU lacks falls back to the best available one.
        SearchKernel kernel = SearchKernel::Auto;
        /// Keep fp32 rows and re-rank with them (exact scores). Off: scores are int8 estimates.
        bool keepExact = true;
        /// Candidates re-ranked per query (at least k are always taken).
        size_t rerankCandidates = 4096;
    };

    ExactIndex();
    explicit ExactIndex(const Options& options);
    ~ExactIndex();
    ExactIndex(const ExactIndex&) = delete;
    ExactIndex& operator=(const ExactIndex&) = delete;

    /// Drops all rows and sets the embedding dimension (1..65536). Exclusive.
    Status reset(int dim);
    /// Reserves room for `rows` rows in total so that add() does not reallocate. Exclusive.
    Status reserve(size_t rows);
    /// Appends n rows (row-major, n * dim floats, not owned, copied) with their ids (n values,
    /// any int64; duplicates allowed). Rows are L2-normalised; a zero, NaN or infinite row is an
    /// InvalidArgument error and nothing is added. Exclusive.
    Status add(const float* rows, size_t n, const int64_t* ids);
    /// Checked form: Mismatch unless rows.size() == ids.size() * dim().
    Status add(const std::vector<float>& rows, const std::vector<int64_t>& ids);

    /// Best min(k, allowed rows) hits for one query (dim floats, need not be normalised), best
    /// first. Errors: InvalidArgument for a null/zero/NaN/infinite query or no dimension set.
    Result<std::vector<Hit>> search(const float* query, size_t k, const Filter* allow = nullptr) const;
    /// Checked form: Mismatch unless query.size() == dim().
    Result<std::vector<Hit>> search(const std::vector<float>& query, size_t k, const Filter* allow = nullptr) const;
    /// Same for nq queries (row-major, nq * dim floats) in one pass over the rows.
    Result<std::vector<std::vector<Hit>>> searchBatch(const float* queries, size_t nq, size_t k,
                                                      const Filter* allow = nullptr) const;

    int dim() const;
    size_t size() const;
    /// Bytes held for rows, scales and ids (not the pool).
    size_t memoryBytes() const;
    unsigned threads() const;
    /// The kernel actually used.
    SearchKernel kernel() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace diffclip
