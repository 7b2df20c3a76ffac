// Exact top-K search: int8 scan with run-time SIMD dispatch, fp32 re-rank. See ExactIndex.h.

#include "diffclip/search/ExactIndex.h"

#include "SearchKernels.h"
#include "diffclip/base/ThreadPool.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <string>
#include <thread>

namespace diffclip {

using namespace search_detail;

// ---------------------------------------------------------------------------------------------

Filter::Filter(size_t rows, bool allowAll) { resize(rows, allowAll); }

void Filter::resize(size_t rows, bool allowAll)
{
    m_rows = rows;
    m_bits.assign((rows + 63) / 64, allowAll ? ~uint64_t(0) : 0);
}

size_t Filter::count(size_t below) const
{
    const size_t end = std::min(below, m_rows);
    const size_t words = end / 64;
    size_t n = 0;
    for (size_t w = 0; w < words; ++w)
        n += size_t(__builtin_popcountll(m_bits[w]));
    if (end % 64)
        n += size_t(__builtin_popcountll(m_bits[words] & ((uint64_t(1) << (end % 64)) - 1)));
    return n;
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
    DotKernel dot = nullptr;  // set by the constructor
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
