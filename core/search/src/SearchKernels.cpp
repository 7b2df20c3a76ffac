// int8 dot-product kernels (run-time dispatched) and vector helpers shared by the indexes.

#include "SearchKernels.h"

#include <cstdlib>
#include <cstring>

#ifdef __linux__
#include <sys/mman.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DIFFCLIP_SEARCH_X86 1
#endif

namespace diffclip {
namespace search_detail {

namespace {

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

// Reduces four accumulators to their four horizontal sums, [sum a, sum b, sum c, sum d].
__attribute__((target("avx512f,avx512bw"))) inline __m128i sum512x4(__m512i a, __m512i b, __m512i c, __m512i d)
{
    // maskz forms with a full mask: GCC 12's plain unpack intrinsics trip -Wuninitialized.
    const __m512i ab =
        _mm512_add_epi32(_mm512_maskz_unpacklo_epi32(0xffff, a, b), _mm512_maskz_unpackhi_epi32(0xffff, a, b));
    const __m512i cd =
        _mm512_add_epi32(_mm512_maskz_unpacklo_epi32(0xffff, c, d), _mm512_maskz_unpackhi_epi32(0xffff, c, d));
    // Per 128-bit lane now [a, b, c, d] partial sums.
    const __m512i abcd =
        _mm512_add_epi32(_mm512_maskz_unpacklo_epi64(0xff, ab, cd), _mm512_maskz_unpackhi_epi64(0xff, ab, cd));
    const __m256i h = _mm256_add_epi32(_mm512_maskz_extracti64x4_epi64(0xff, abcd, 0),
                                       _mm512_maskz_extracti64x4_epi64(0xff, abcd, 1));
    return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

// 4 rows x 4 queries per call: every 64-byte chunk of the rows is loaded once for four queries
// (and of the queries once for four rows), and the 16 sums are reduced together.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) void tileAvx512Vnni(const uint8_t* rows, size_t stride,
                                                                           const int8_t* q, const int32_t* qSum,
                                                                           int32_t* out)
{
    __m512i acc[4][4];
    for (auto& row : acc)
        for (auto& a : row)
            a = _mm512_setzero_si512();
    for (size_t j = 0; j < stride; j += 64) {
        __m512i r[4];
        for (size_t i = 0; i < 4; ++i)
            r[i] = _mm512_load_si512(rows + i * stride + j);
        for (size_t c = 0; c < 4; ++c) {
            const __m512i qc = _mm512_load_si512(q + c * stride + j);
            for (size_t i = 0; i < 4; ++i)
                acc[i][c] = _mm512_dpbusd_epi32(acc[i][c], r[i], qc);
        }
    }
    const __m128i offset = _mm_slli_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(qSum)), 7);
    for (size_t i = 0; i < 4; ++i) {
        const __m128i s = _mm_sub_epi32(sum512x4(acc[i][0], acc[i][1], acc[i][2], acc[i][3]), offset);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 4 * i), s);
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

}  // namespace

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

TileKernel tileKernelFunction(SearchKernel k)
{
#ifdef DIFFCLIP_SEARCH_X86
    if (k == SearchKernel::Avx512Vnni)
        return tileAvx512Vnni;
#endif
    (void)k;
    return nullptr;
}

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

void adviseHugePages(void* p, size_t bytes)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    // Only advice: without transparent huge pages the call fails and nothing changes.
    (void)madvise(p, (bytes + kHugePage - 1) / kHugePage * kHugePage, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

namespace {

// Sum of squares in double with eight independent accumulators (a single chain is
// latency-bound). Any NaN or infinity makes the result non-finite; squares of finite floats
// cannot overflow a double.
double sumSquares(const float* v, size_t n)
{
    double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t j = 0;
    for (; j + 8 <= n; j += 8)
        for (size_t i = 0; i < 8; ++i)
            s[i] += double(v[j + i]) * v[j + i];
    for (; j < n; ++j)
        s[0] += double(v[j]) * v[j];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

}  // namespace

bool normalisable(const float* v, size_t n)
{
    const double ss = sumSquares(v, n);
    return ss > 0 && std::isfinite(ss);
}

bool normalise(const float* src, size_t n, float* dst)
{
    const double ss = sumSquares(src, n);
    if (!(ss > 0) || !std::isfinite(ss))
        return false;
    const double inv = 1.0 / std::sqrt(ss);
    for (size_t j = 0; j < n; ++j)
        dst[j] = float(src[j] * inv);
    return true;
}

float quantiseQuery(const float* v, size_t dim, size_t stride, int8_t* q, uint8_t* qAbs, int32_t* qSum)
{
    std::fill(q, q + stride, int8_t(0));
    std::fill(qAbs, qAbs + stride, uint8_t(0));
    const float scale = quantise(v, dim, q, 0);
    int32_t sum = 0;
    for (size_t j = 0; j < dim; ++j) {
        qAbs[j] = uint8_t(std::abs(int(q[j])));
        sum += q[j];
    }
    *qSum = sum;
    return scale;
}

}  // namespace search_detail
}  // namespace diffclip
