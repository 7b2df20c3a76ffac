#pragma once
// Internal to diffclip_search: the int8 dot-product kernels, quantisation and candidate helpers
// shared by ExactIndex and ApproximateIndex. Not installed, not part of the public API.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <utility>

#include "diffclip/search/ExactIndex.h"

namespace diffclip {
namespace search_detail {

constexpr size_t kAlign = 64;
// Rows scored per kernel call by both indexes: 256 x 512 B = 128 KiB, stays in L2.
constexpr size_t kBlockRows = 256;
constexpr int kMaxDim = 65536;

/// Bytes per int8 row: dim rounded up to a multiple of 64 (whole cache lines, aligned loads).
inline size_t strideFor(size_t dim) { return (dim + kAlign - 1) / kAlign * kAlign; }

// Buffers of 2 MiB and more are 2 MiB aligned and advised to use transparent huge pages
// (Linux): a million 512-d rows fault in far faster (the 2-core VM spends microseconds per 4 KiB
// page fault) and scattered row reads miss the TLB less.
constexpr size_t kHugePage = size_t(2) << 20;
inline size_t alignmentFor(size_t bytes) { return bytes >= kHugePage ? kHugePage : kAlign; }
void adviseHugePages(void* p, size_t bytes);

// std::vector storage aligned to a cache line so 64-byte-padded rows never split lines.
template <typename T>
struct AlignedAllocator {
    using value_type = T;
    AlignedAllocator() = default;
    template <typename U>
    AlignedAllocator(const AlignedAllocator<U>&) {}  // NOLINT(google-explicit-constructor)
    T* allocate(size_t n)
    {
        if (n > std::numeric_limits<size_t>::max() / sizeof(T) - kHugePage)
            throw std::bad_alloc();
        const size_t bytes = n * sizeof(T);
        void* p = ::operator new(bytes, std::align_val_t(alignmentFor(bytes)));
        if (bytes >= kHugePage)
            adviseHugePages(p, bytes);
        return static_cast<T*>(p);
    }
    void deallocate(T* p, size_t n) { ::operator delete(p, std::align_val_t(alignmentFor(n * sizeof(T)))); }
    // resize(n) and vector(n) leave new elements uninitialised (default-initialised): the big
    // buffers are written right after, by several threads, and zero-filling first would cost a
    // single-threaded pass over gigabytes. Pass a value (resize(n, v)) where it matters.
    template <typename U>
    void construct(U* p) noexcept
    {
        ::new (static_cast<void*>(p)) U;
    }
    template <typename U, typename... Args>
    void construct(U* p, Args&&... args)
    {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
    template <typename U>
    bool operator==(const AlignedAllocator<U>&) const { return true; }
    template <typename U>
    bool operator!=(const AlignedAllocator<U>&) const { return false; }
};

// Integer dot products of n rows with an int8 query. Rows hold r + 128 as u8 (r in [-127, 127], so
// codes in [1, 255]); padding up to the stride (a multiple of 64 bytes) is 128 in the rows and 0 in
// the query, so it adds nothing. The query comes as q (s8), |q| (u8) and sum(q), all 64-byte
// aligned and stride long. Every kernel returns the exact int32 sum of r * q, so all give
// identical results:
// - VNNI: dpbusd(row u8, q s8) = sum(r * q) + 128 * sum(q), no intermediate saturation;
// - AVX2 / AVX-512BW: |q| (u8) times r * sign(q) (s8) with maddubs; pairs stay within int16
//   (2 * 127 * 127 = 32258) so nothing saturates.
struct QueryCode {
    const int8_t* q;
    const uint8_t* qAbs;
    int32_t qSum;
};
using DotKernel = void (*)(const uint8_t* rows, size_t n, size_t stride, const QueryCode& query, int32_t* out);

/// The kernel to use for `wanted` on this CPU (Auto: the best one, or scalar when the
/// environment variable DIFFCLIP_SEARCH_SCALAR=1).
SearchKernel chooseKernel(SearchKernel wanted);
DotKernel kernelFunction(SearchKernel kernel);

// 4 rows (u8, consecutive at `stride`) times 4 queries (s8, consecutive at `stride`, with their
// four sum(q) in qSum): out[4 * row + query] = the exact int32 sum of r * q, identical to
// DotKernel's. Used where many rows meet many queries (k-means); null for kernels without one
// (the caller falls back to DotKernel).
using TileKernel = void (*)(const uint8_t* rows, size_t stride, const int8_t* q, const int32_t* qSum, int32_t* out);
TileKernel tileKernelFunction(SearchKernel kernel);

/// sum(a[j] * b[j]) accumulated in double (re-rank scores).
double dotExact(const float* a, const float* b, size_t n);

/// True when a vector can be normalised: finite, not zero.
bool normalisable(const float* v, size_t n);

/// L2-normalises src into dst (may alias); false for zero, NaN or infinite input.
bool normalise(const float* src, size_t n, float* dst);

// Symmetric int8 quantisation of a normalised vector: code = round(v / scale) in [-127, 127] with
// scale = max|v| / 127, plus `bias` (0 for queries, 128 for rows stored as u8). Returns the scale.
// Written to vectorise (no lrint).
template <typename Code>
float quantise(const float* v, size_t n, Code* code, int bias)
{
    float maxAbs = 0;
    for (size_t j = 0; j < n; ++j)
        maxAbs = std::max(maxAbs, std::fabs(v[j]));
    const float inv = 127.0f / maxAbs;
    for (size_t j = 0; j < n; ++j) {
        const float t = v[j] * inv;
        const int q = int(t + (t >= 0.0f ? 0.5f : -0.5f));
        code[j] = Code(std::min(127, std::max(-127, q)) + bias);
    }
    return maxAbs / 127.0f;
}

/// A normalised vector as a kernel query: q and |q| zero-padded to the stride. Returns the scale.
float quantiseQuery(const float* v, size_t dim, size_t stride, int8_t* q, uint8_t* qAbs, int32_t* qSum);

struct Candidate {
    float score;
    uint32_t pos;
};

// "a ranks before b": higher score, then lower position.
struct Better {
    bool operator()(const Candidate& a, const Candidate& b) const
    {
        return a.score > b.score || (a.score == b.score && a.pos < b.pos);
    }
};

}  // namespace search_detail
}  // namespace diffclip
