// Exact top-K search: int8 scan with run-time SIMD dispatch, fp32 re-rank. See ExactIndex.h.

#include "diffclip/search/ExactIndex.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <string>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DIFFCLIP_SEARCH_X86 1
#endif

namespace diffclip {

namespace {

constexpr size_t kAlign = 64;
constexpr size_t kBlockRows = 256;  // rows scored per kernel call (256 x 512 B = 128 KiB, stays in L2)
constexpr int kMaxDim = 65536;

// std::vector storage aligned to a cache line so 64-byte-padded rows never split lines.
template <typename T>
struct AlignedAllocator {
    using value_type = T;
    AlignedAllocator() = default;
    template <typename U>
    AlignedAllocator(const AlignedAllocator<U>&) {}  // NOLINT(google-explicit-constructor)
    T* allocate(size_t n)
    {
        if (n > std::numeric_limits<size_t>::max() / sizeof(T) - kAlign)
            throw std::bad_alloc();
        void* p = ::operator new(n * sizeof(T), std::align_val_t(kAlign));
        return static_cast<T*>(p);
    }
    void deallocate(T* p, size_t) { ::operator delete(p, std::align_val_t(kAlign)); }
    template <typename U>
    bool operator==(const AlignedAllocator<U>&) const { return true; }
    template <typename U>
    bool operator!=(const AlignedAllocator<U>&) const { return false; }
};

// Integer dot products of n rows with an int8 query. Rows hold r + 128 as u8 (r in [-127, 127], so
// codes in [1, 255]); padding up to the stride (a multiple of 64 bytes) is 128 in the rows and 0 in
// the query, so it adds nothing. The query comes as q (s8), |q| (u8) and sum(q). Every kernel
// returns the exact int32 sum of r * q, so all give identical results:
// - VNNI: dpbusd(row u8, q s8) = sum(r * q) + 128 * sum(q), no intermediate saturation;
// - AVX2 / AVX-512BW: |q| (u8) times r * sign(q) (s8) with maddubs; pairs stay within int16
//   (2 * 127 * 127 = 32258) so nothing saturates.
struct QueryCode {
    const int8_t* q;
    const uint8_t* qAbs;
    int32_t qSum;
};
using DotKernel = void (*)(const uint8_t* rows, size_t n, size_t stride, const QueryCode& query, int32_t* out);

void dotScalar(const uint8_t* rows, size_t n, size_t stride, const QueryCode& query, int32_t* out)
{
    for (size_t r = 0; r < n; ++r) {
        const uint8_t* row = rows + r * stride;
        int32_t sum = 0;
        for (size_t j = 0; j < stride; ++j)
            sum += (int32_t(row[j]) - 128) * int32_t(query.q[j]);
        out[r] = sum;
    }
}

#ifdef DIFFCLIP_SEARCH_X86
__attribute__((target("avx2"))) inline int32_t sum256(__m256i acc)
{
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

__attribute__((target("avx2"))) void dotAvx2(const uint8_t* rows, size_t n, size_t stride, const QueryCode& query,
                                             int32_t* out)
{
    const __m256i ones = _mm256_set1_epi16(1);
    const __m256i bias = _mm256_set1_epi8(char(0x80));
    const auto* q = reinterpret_cast<const __m256i*>(query.q);
    const auto* qa = reinterpret_cast<const __m256i*>(query.qAbs);
    for (size_t r = 0; r < n; ++r) {
        const auto* row = reinterpret_cast<const __m256i*>(rows + r * stride);
        __m256i acc0 = _mm256_setzero_si256();
        __m256i acc1 = _mm256_setzero_si256();
        for (size_t j = 0; j < stride / 32; j += 2) {
            const __m256i r0 = _mm256_xor_si256(_mm256_load_si256(row + j), bias);  // back to signed r
            const __m256i r1 = _mm256_xor_si256(_mm256_load_si256(row + j + 1), bias);
            const __m256i p0 = _mm256_maddubs_epi16(_mm256_load_si256(qa + j),
                                                    _mm256_sign_epi8(r0, _mm256_load_si256(q + j)));
            const __m256i p1 = _mm256_maddubs_epi16(_mm256_load_si256(qa + j + 1),
                                                    _mm256_sign_epi8(r1, _mm256_load_si256(q + j + 1)));
            acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(p0, ones));
            acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(p1, ones));
        }
        out[r] = sum256(_mm256_add_epi32(acc0, acc1));
    }
}

// Horizontal sum; by hand because GCC 12's reduce and cast intrinsics trip -Wmaybe-uninitialized.
__attribute__((target("avx512f,avx512bw"))) inline int32_t sum512(__m512i acc)
{
    const __m256i h = _mm256_add_epi32(_mm512_maskz_extracti64x4_epi64(0xff, acc, 0),
                                       _mm512_maskz_extracti64x4_epi64(0xff, acc, 1));
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

__attribute__((target("avx512f,avx512bw"))) void dotAvx512(const uint8_t* rows, size_t n, size_t stride,
                                                           const QueryCode& query, int32_t* out)
{
    const __m512i ones = _mm512_set1_epi16(1);
    const __m512i bias = _mm512_set1_epi8(char(0x80));
    const __m512i zero = _mm512_setzero_si512();
    for (size_t r = 0; r < n; ++r) {
        const uint8_t* row = rows + r * stride;
        __m512i acc = _mm512_setzero_si512();
        for (size_t j = 0; j < stride; j += 64) {
            const __m512i rv = _mm512_xor_si512(_mm512_load_si512(row + j), bias);
            const __mmask64 neg = _mm512_movepi8_mask(_mm512_load_si512(query.q + j));
            const __m512i p = _mm512_maddubs_epi16(_mm512_load_si512(query.qAbs + j),
                                                   _mm512_mask_sub_epi8(rv, neg, zero, rv));
            acc = _mm512_add_epi32(acc, _mm512_madd_epi16(p, ones));
        }
        out[r] = sum512(acc);
    }
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) void dotAvx512Vnni(const uint8_t* rows, size_t n,
                                                                          size_t stride, const QueryCode& query,
                                                                          int32_t* out)
{
    const int32_t offset = 128 * query.qSum;
    for (size_t r = 0; r < n; ++r) {
        const uint8_t* row = rows + r * stride;
        __m512i a0 = _mm512_setzero_si512();
        __m512i a1 = _mm512_setzero_si512();
        size_t j = 0;
        for (; j + 128 <= stride; j += 128) {
            a0 = _mm512_dpbusd_epi32(a0, _mm512_load_si512(row + j), _mm512_load_si512(query.q + j));
            a1 = _mm512_dpbusd_epi32(a1, _mm512_load_si512(row + j + 64), _mm512_load_si512(query.q + j + 64));
        }
        if (j < stride)
            a0 = _mm512_dpbusd_epi32(a0, _mm512_load_si512(row + j), _mm512_load_si512(query.q + j));
        out[r] = sum512(_mm512_add_epi32(a0, a1)) - offset;
    }
}
#endif

bool cpuHas(SearchKernel k)
{
#ifdef DIFFCLIP_SEARCH_X86
    __builtin_cpu_init();
    if (k == SearchKernel::Avx512Vnni)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
               && __builtin_cpu_supports("avx512vnni");
    if (k == SearchKernel::Avx512)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
    if (k == SearchKernel::Avx2)
        return __builtin_cpu_supports("avx2");
#endif
    return k == SearchKernel::Scalar;
}

SearchKernel chooseKernel(SearchKernel wanted)
{
    if (wanted == SearchKernel::Auto) {
        const char* env = std::getenv("DIFFCLIP_SEARCH_SCALAR");
        if (env && std::strcmp(env, "1") == 0)
            return SearchKernel::Scalar;
        wanted = SearchKernel::Avx512Vnni;
    }
    if (wanted == SearchKernel::Avx512Vnni && cpuHas(SearchKernel::Avx512Vnni))
        return SearchKernel::Avx512Vnni;
    if ((wanted == SearchKernel::Avx512Vnni || wanted == SearchKernel::Avx512) && cpuHas(SearchKernel::Avx512))
        return SearchKernel::Avx512;
    if (wanted != SearchKernel::Scalar && cpuHas(SearchKernel::Avx2))
        return SearchKernel::Avx2;
    return SearchKernel::Scalar;
}

DotKernel kernelFunction(SearchKernel k)
{
#ifdef DIFFCLIP_SEARCH_X86
    if (k == SearchKernel::Avx512Vnni)
        return dotAvx512Vnni;
    if (k == SearchKernel::Avx512)
        return dotAvx512;
    if (k == SearchKernel::Avx2)
        return dotAvx2;
#endif
    return dotScalar;
}

// Fixed-size worker pool; run() may be called from several threads at once.
class ThreadPool {
public:
    explicit ThreadPool(unsigned n)
    {
        for (unsigned i = 0; i < n; ++i)
            m_workers.emplace_back([this] { loop(); });
    }
    ~ThreadPool()
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_stop = true;
        }
        m_cv.notify_all();
        for (auto& t : m_workers)
            t.join();
    }
    // Runs fn(0..n-1) on the workers and waits for all of them.
    void run(size_t n, const std::function<void(size_t)>& fn)
    {
        struct Latch {
            std::mutex mutex;
            std::condition_variable cv;
            size_t left;
        } latch;
        latch.left = n;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            for (size_t i = 0; i < n; ++i) {
                m_tasks.emplace_back([&latch, &fn, i] {
                    fn(i);
                    std::lock_guard<std::mutex> l(latch.mutex);
                    if (--latch.left == 0)
                        latch.cv.notify_all();
                });
            }
        }
        m_cv.notify_all();
        std::unique_lock<std::mutex> l(latch.mutex);
        latch.cv.wait(l, [&latch] { return latch.left == 0; });
    }
    unsigned size() const { return unsigned(m_workers.size()); }

private:
    void loop()
    {
        for (;;) {
            std::function<void()> task;
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                m_cv.wait(lock, [this] { return m_stop || !m_tasks.empty(); });
                if (m_tasks.empty())
                    return;
                task = std::move(m_tasks.front());
                m_tasks.pop_front();
            }
            task();
        }
    }

    std::vector<std::thread> m_workers;
    std::deque<std::function<void()>> m_tasks;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false;
};

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

double dotExact(const float* a, const float* b, size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t j = 0;
    for (; j + 4 <= n; j += 4) {
        s0 += double(a[j]) * b[j];
        s1 += double(a[j + 1]) * b[j + 1];
        s2 += double(a[j + 2]) * b[j + 2];
        s3 += double(a[j + 3]) * b[j + 3];
    }
    for (; j < n; ++j)
        s0 += double(a[j]) * b[j];
    return (s0 + s1) + (s2 + s3);
}

// True when a vector can be normalised: finite, not zero.
bool normalisable(const float* v, size_t n)
{
    double ss = 0;
    for (size_t j = 0; j < n; ++j) {
        if (!std::isfinite(v[j]))
            return false;
        ss += double(v[j]) * v[j];
    }
    return ss > 0 && std::isfinite(ss);
}

// L2-normalises src into dst; false for zero, NaN or infinite input.
bool normalise(const float* src, size_t n, float* dst)
{
    double ss = 0;
    for (size_t j = 0; j < n; ++j) {
        if (!std::isfinite(src[j]))
            return false;
        ss += double(src[j]) * src[j];
    }
    if (!(ss > 0) || !std::isfinite(ss))
        return false;
    const double inv = 1.0 / std::sqrt(ss);
    for (size_t j = 0; j < n; ++j)
        dst[j] = float(src[j] * inv);
    return true;
}

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

}  // namespace

// ---------------------------------------------------------------------------------------------

Filter::Filter(size_t rows, bool allowAll) { resize(rows, allowAll); }

void Filter::resize(size_t rows, bool allowAll)
{
    m_rows = rows;
    m_bits.assign((rows + 63) / 64, allowAll ? ~uint64_t(0) : 0);
}

void Filter::set(size_t row, bool allowed)
{
    if (row >= m_rows)
        return;
    const uint64_t bit = uint64_t(1) << (row & 63);
    if (allowed)
        m_bits[row >> 6] |= bit;
    else
        m_bits[row >> 6] &= ~bit;
}

const char* searchKernelName(SearchKernel kernel)
{
    switch (kernel) {
    case SearchKernel::Auto: return "auto";
    case SearchKernel::Scalar: return "scalar";
    case SearchKernel::Avx2: return "avx2";
    case SearchKernel::Avx512: return "avx512";
    case SearchKernel::Avx512Vnni: return "avx512vnni";
    }
    return "?";
}

struct ExactIndex::Impl {
    Options options;
    SearchKernel kernel = SearchKernel::Scalar;
    DotKernel dot = dotScalar;
    std::unique_ptr<ThreadPool> pool;

    mutable std::shared_mutex mutex;
    int dim = 0;
    size_t stride = 0;  // bytes per int8 row, multiple of 64
    size_t rows = 0;
    std::vector<uint8_t, AlignedAllocator<uint8_t>> codes;  // r + 128, see DotKernel
    std::vector<float> scales;  // per row: value = code * scale
    std::vector<float> exact;   // normalised fp32 rows (keepExact)
    std::vector<int64_t> ids;

};

ExactIndex::ExactIndex() : ExactIndex(Options{}) {}

ExactIndex::ExactIndex(const Options& options) : m_impl(std::make_unique<Impl>())
{
    m_impl->options = options;
    m_impl->kernel = chooseKernel(options.kernel);
    m_impl->dot = kernelFunction(m_impl->kernel);
    unsigned n = options.threads ? options.threads : std::thread::hardware_concurrency();
    m_impl->pool = std::make_unique<ThreadPool>(std::max(1u, n));
}

ExactIndex::~ExactIndex() = default;

Status ExactIndex::reset(int dim)
{
    if (dim < 1 || dim > kMaxDim)
        return makeError(ErrorCode::InvalidArgument, "search index: dimension " + std::to_string(dim)
                                                         + " outside 1.." + std::to_string(kMaxDim));
    std::unique_lock<std::shared_mutex> lock(m_impl->mutex);
    Impl& d = *m_impl;
    d.dim = dim;
    d.stride = (size_t(dim) + kAlign - 1) / kAlign * kAlign;
    d.rows = 0;
    d.codes = {};
    d.scales = {};
    d.exact = {};
    d.ids = {};
    return Status::success();
}

Status ExactIndex::reserve(size_t rows)
{
    std::unique_lock<std::shared_mutex> lock(m_impl->mutex);
    Impl& d = *m_impl;
    if (d.dim == 0)
        return makeError(ErrorCode::InvalidArgument, "search index: reserve() before reset(dim)");
    try {
        d.codes.reserve(rows * d.stride);
        d.scales.reserve(rows);
        d.ids.reserve(rows);
        if (d.options.keepExact)
            d.exact.reserve(rows * size_t(d.dim));
    } catch (const std::exception&) {
        return makeError(ErrorCode::OutOfMemory, "search index: cannot reserve " + std::to_string(rows) + " rows");
    }
    return Status::success();
}

Status ExactIndex::add(const float* rows, size_t n, const int64_t* ids)
{
    std::unique_lock<std::shared_mutex> lock(m_impl->mutex);
    Impl& d = *m_impl;
    if (d.dim == 0)
        return makeError(ErrorCode::InvalidArgument, "search index: add() before reset(dim)");
    if (n == 0)
        return Status::success();
    if (!rows || !ids)
        return makeError(ErrorCode::InvalidArgument, "search index: null rows or ids");
    if (d.rows + n > std::numeric_limits<uint32_t>::max())
        return makeError(ErrorCode::InvalidArgument, "search index: more than 2^32-1 rows");
    const size_t dim = size_t(d.dim);
    try {
        // Validate first so a bad row leaves the index unchanged.
        for (size_t r = 0; r < n; ++r) {
            if (!normalisable(rows + r * dim, dim))
                return makeError(ErrorCode::InvalidArgument,
                                 "search index: row " + std::to_string(r) + " is zero, NaN or infinite");
        }
        const size_t old = d.rows;
        d.codes.resize((old + n) * d.stride, 128);
        d.scales.resize(old + n);
        d.ids.insert(d.ids.end(), ids, ids + n);
        std::vector<float> normed(dim);
        for (size_t r = 0; r < n; ++r) {
            normalise(rows + r * dim, dim, normed.data());
            d.scales[old + r] = quantise(normed.data(), dim, d.codes.data() + (old + r) * d.stride, 128);
            if (d.options.keepExact)
                d.exact.insert(d.exact.end(), normed.begin(), normed.end());
        }
        d.rows = old + n;
    } catch (const std::bad_alloc&) {
        d.codes.resize(d.rows * d.stride);
        d.scales.resize(d.rows);
        d.ids.resize(d.rows);
        d.exact.resize(d.options.keepExact ? d.rows * dim : 0);
        return makeError(ErrorCode::OutOfMemory, "search index: out of memory adding " + std::to_string(n) + " rows");
    }
    return Status::success();
}

Status ExactIndex::add(const std::vector<float>& rows, const std::vector<int64_t>& ids)
{
    const size_t d = size_t(dim());
    if (d == 0 || rows.size() != ids.size() * d)
        return makeError(ErrorCode::Mismatch, "search index: " + std::to_string(rows.size()) + " floats for "
                                                  + std::to_string(ids.size()) + " ids of dimension "
                                                  + std::to_string(d));
    return add(rows.data(), ids.size(), ids.data());
}

Result<std::vector<Hit>> ExactIndex::search(const std::vector<float>& query, size_t k, const Filter* allow) const
{
    const size_t d = size_t(dim());
    if (d == 0 || query.size() != d)
        return makeError(ErrorCode::Mismatch, "search index: query of " + std::to_string(query.size())
                                                  + " floats, index dimension " + std::to_string(d));
    return search(query.data(), k, allow);
}

Result<std::vector<Hit>> ExactIndex::search(const float* query, size_t k, const Filter* allow) const
{
    auto r = searchBatch(query, 1, k, allow);
    if (!r.ok())
        return r.error();
    return std::move(r.value().front());
}

Result<std::vector<std::vector<Hit>>> ExactIndex::searchBatch(const float* queries, size_t nq, size_t k,
                                                              const Filter* allow) const
{
    std::shared_lock<std::shared_mutex> lock(m_impl->mutex);
    const Impl& d = *m_impl;
    if (d.dim == 0)
        return makeError(ErrorCode::InvalidArgument, "search index: search() before reset(dim)");
    if (!queries && nq > 0)
        return makeError(ErrorCode::InvalidArgument, "search index: null query");
    const size_t dim = size_t(d.dim);

    // Normalise and quantise the queries to int8 (|q| as u8 and q as s8, zero padded to the row stride).
    std::vector<float> qn(nq * dim);
    std::vector<int8_t, AlignedAllocator<int8_t>> qi(nq * d.stride, 0);
    std::vector<uint8_t, AlignedAllocator<uint8_t>> qa(nq * d.stride, 0);
    std::vector<float> qscale(nq);
    std::vector<int32_t> qsum(nq);
    for (size_t qq = 0; qq < nq; ++qq) {
        float* v = qn.data() + qq * dim;
        if (!normalise(queries + qq * dim, dim, v))
            return makeError(ErrorCode::InvalidArgument,
                             "search index: query " + std::to_string(qq) + " is zero, NaN or infinite");
        qscale[qq] = quantise(v, dim, qi.data() + qq * d.stride, 0);
        qsum[qq] = 0;
        for (size_t j = 0; j < dim; ++j) {
            qa[qq * d.stride + j] = uint8_t(std::abs(int(qi[qq * d.stride + j])));
            qsum[qq] += qi[qq * d.stride + j];
        }
    }

    std::vector<std::vector<Hit>> out(nq);
    if (nq == 0 || k == 0 || d.rows == 0)
        return out;

    const size_t keep = std::min(d.rows, d.options.keepExact ? std::max(k, d.options.rerankCandidates) : k);
    const size_t tasks = std::min<size_t>(d.pool->size(), (d.rows + kBlockRows - 1) / kBlockRows);
    // kept[task][query]: a superset of the task's best `keep` rows by approximate score (at most
    // 2 * keep, pruned back to keep when full; amortised O(1) per accepted row).
    std::vector<std::vector<std::vector<Candidate>>> kept(tasks, std::vector<std::vector<Candidate>>(nq));
    std::vector<std::vector<float>> worsts(tasks, std::vector<float>(nq, -std::numeric_limits<float>::infinity()));
    std::atomic<bool> oom{false};

    d.pool->run(tasks, [&](size_t t) {
        try {
            const size_t blocks = (d.rows + kBlockRows - 1) / kBlockRows;
            const size_t b0 = blocks * t / tasks;
            const size_t b1 = blocks * (t + 1) / tasks;
            int32_t sums[kBlockRows];
            for (auto& b : kept[t])
                b.reserve(2 * keep);
            for (size_t b = b0; b < b1; ++b) {
                const size_t first = b * kBlockRows;
                const size_t count = std::min(kBlockRows, d.rows - first);
                const uint8_t* block = d.codes.data() + first * d.stride;
                for (size_t qq = 0; qq < nq; ++qq) {
                    const QueryCode code{qi.data() + qq * d.stride, qa.data() + qq * d.stride, qsum[qq]};
                    d.dot(block, count, d.stride, code, sums);
                    auto& buf = kept[t][qq];
                    float& worst = worsts[t][qq];
                    // Rows come in increasing position: once `worst` is the keep-th best score, a row
                    // with an equal score ranks after all kept ones and can be skipped.
                    for (size_t r = 0; r < count; ++r) {
                        const float score = float(sums[r]) * d.scales[first + r];
                        if (score <= worst || (allow && !allow->allows(first + r)))
                            continue;
                        buf.push_back(Candidate{score, uint32_t(first + r)});
                        if (buf.size() == 2 * keep) {
                            std::nth_element(buf.begin(), buf.begin() + long(keep - 1), buf.end(), Better());
                            buf.resize(keep);
                            worst = buf[keep - 1].score;
                        }
                    }
                }
            }
        } catch (const std::bad_alloc&) {
            oom = true;
        }
    });
    if (oom)
        return makeError(ErrorCode::OutOfMemory, "search index: out of memory during search");

    // Merge the tasks' candidates per query and keep the best `keep`.
    std::vector<std::vector<Candidate>> cands(nq);
    for (size_t qq = 0; qq < nq; ++qq) {
        auto& all = cands[qq];
        for (size_t t = 0; t < tasks; ++t)
            all.insert(all.end(), kept[t][qq].begin(), kept[t][qq].end());
        if (all.size() > keep) {
            std::nth_element(all.begin(), all.begin() + long(keep), all.end(), Better());
            all.resize(keep);
        }
    }
    if (d.options.keepExact) {
        // Re-rank with exact fp32 rows, the candidates of all queries split over the pool.
        size_t total = 0;
        for (const auto& c : cands)
            total += c.size();
        const size_t parts = std::max<size_t>(1, std::min<size_t>(d.pool->size(), total / 256));
        d.pool->run(parts, [&](size_t t) {
            size_t index = 0;
            const size_t b0 = total * t / parts;
            const size_t b1 = total * (t + 1) / parts;
            for (size_t qq = 0; qq < nq && index < b1; ++qq) {
                const float* q = qn.data() + qq * dim;
                for (auto& c : cands[qq]) {
                    if (index >= b0 && index < b1)
                        c.score = float(dotExact(d.exact.data() + size_t(c.pos) * dim, q, dim));
                    ++index;
                }
            }
        });
    } else {
        for (size_t qq = 0; qq < nq; ++qq)
            for (auto& c : cands[qq])
                c.score *= qscale[qq];
    }
    for (size_t qq = 0; qq < nq; ++qq) {
        auto& all = cands[qq];
        const size_t n = std::min(k, all.size());
        std::partial_sort(all.begin(), all.begin() + long(n), all.end(), Better());
        out[qq].reserve(n);
        for (size_t i = 0; i < n; ++i)
            out[qq].push_back(Hit{d.ids[all[i].pos], all[i].score});
    }
    return out;
}

int ExactIndex::dim() const
{
    std::shared_lock<std::shared_mutex> lock(m_impl->mutex);
    return m_impl->dim;
}

size_t ExactIndex::size() const
{
    std::shared_lock<std::shared_mutex> lock(m_impl->mutex);
    return m_impl->rows;
}

size_t ExactIndex::memoryBytes() const
{
    std::shared_lock<std::shared_mutex> lock(m_impl->mutex);
    const Impl& d = *m_impl;
    return d.codes.capacity() + d.scales.capacity() * sizeof(float) + d.exact.capacity() * sizeof(float)
           + d.ids.capacity() * sizeof(int64_t);
}

unsigned ExactIndex::threads() const { return m_impl->pool->size(); }

SearchKernel ExactIndex::kernel() const { return m_impl->kernel; }

}  // namespace diffclip
