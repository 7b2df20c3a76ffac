// Approximate top-K search: spherical k-means inverted lists over int8 rows. See ApproximateIndex.h.

#include "diffclip/search/ApproximateIndex.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <thread>

#include "SearchKernels.h"
#include "diffclip/base/ThreadPool.h"

namespace diffclip {

using namespace search_detail;

// Named, not anonymous: a type with internal linkage inside ApproximateIndex::Impl draws -Wsubobject-linkage when
// the release preset's unity build compiles this file as an include.
namespace approx_detail {

using Codes = std::vector<uint8_t, AlignedAllocator<uint8_t>>;
// A scattered row read (filtered exact scan, with prefetching and huge pages) costs about 1.3
// times a row read in a list scan (measured on 1M x 512: ~40 ns against ~30 ns per row), rounded
// up to 1.5; sets the exact-scan switch-over, see search().
constexpr double kRandomRowCost = 1.5;

// Centroids in both kernel formats: as rows (u8, scanned by queries) and as queries (s8, |s8|,
// sum; they scan the rows during k-means and assignment).
struct Centroids {
    size_t count = 0;
    size_t stride = 0;
    Codes rows;
    std::vector<float> rowScale;
    std::vector<int8_t, AlignedAllocator<int8_t>> q;
    Codes qAbs;
    std::vector<int32_t> qSum;
    std::vector<float> qScale;

    void set(const std::vector<float>& unit, size_t nlist, size_t dim, size_t strideBytes)
    {
        count = nlist;
        stride = strideBytes;
        rows.assign(nlist * stride, 128);
        rowScale.resize(nlist);
        q.assign(nlist * stride, 0);
        qAbs.assign(nlist * stride, 0);
        qSum.resize(nlist);
        qScale.resize(nlist);
        for (size_t c = 0; c < nlist; ++c) {
            const float* v = unit.data() + c * dim;
            rowScale[c] = quantise(v, dim, rows.data() + c * stride, 128);
            qScale[c] = quantiseQuery(v, dim, stride, q.data() + c * stride, qAbs.data() + c * stride, &qSum[c]);
        }
    }
    QueryCode query(size_t c) const { return QueryCode{q.data() + c * stride, qAbs.data() + c * stride, qSum[c]}; }
};

// Closest centroid (highest cosine estimate, lowest index on ties) of each of n int8 rows.
// Rows are taken in L2-sized blocks and every centroid scans the block, so the rows are read
// from memory once; threads split the blocks. Every row meets the centroids in index order and
// all kernels give identical sums, so the result does not depend on kernel or threads.
void assign(const uint8_t* codes, size_t n, size_t stride, const Centroids& cent, DotKernel dot, TileKernel tile,
            ThreadPool& pool, uint32_t* best, float* bestScore)
{
    const size_t blocks = (n + kBlockRows - 1) / kBlockRows;
    // The split into ranges only changes who computes what, never the results.
    pool.parallelFor(blocks, [&](size_t b0, size_t b1) {
        int32_t sums[kBlockRows];
        int32_t tileSums[16];
        float top[kBlockRows];
        uint32_t arg[kBlockRows];
        auto offer = [&](size_t r, size_t c, int32_t sum) {
            const float score = float(sum) * cent.qScale[c];
            if (score > top[r]) {
                top[r] = score;
                arg[r] = uint32_t(c);
            }
        };
        for (size_t b = b0; b < b1; ++b) {
            const size_t first = b * kBlockRows;
            const size_t count = std::min(kBlockRows, n - first);
            const uint8_t* block = codes + first * stride;
            std::fill_n(top, count, -std::numeric_limits<float>::infinity());
            std::fill_n(arg, count, 0u);
            size_t c = 0;
            if (tile) {
                const size_t full = count / 4 * 4;
                for (; c + 4 <= cent.count; c += 4) {
                    for (size_t r = 0; r < full; r += 4) {
                        tile(block + r * stride, stride, cent.q.data() + c * stride, cent.qSum.data() + c, tileSums);
                        for (size_t i = 0; i < 4; ++i)
                            for (size_t j = 0; j < 4; ++j)
                                offer(r + i, c + j, tileSums[4 * i + j]);
                    }
                    for (size_t j = 0; j < 4 && full < count; ++j) {
                        dot(block + full * stride, count - full, stride, cent.query(c + j), sums);
                        for (size_t r = full; r < count; ++r)
                            offer(r, c + j, sums[r - full]);
                    }
                }
            }
            for (; c < cent.count; ++c) {
                dot(block, count, stride, cent.query(c), sums);
                for (size_t r = 0; r < count; ++r)
                    offer(r, c, sums[r]);
            }
            std::copy_n(arg, count, best + first);
            if (bestScore)
                std::copy_n(top, count, bestScore + first);
        }
    });
}

// Bounded candidate set: holds a superset of the best `keep` seen (at most 2 * keep, pruned back
// to keep when full; amortised O(1) per accepted row).
struct TopCandidates {
    explicit TopCandidates(size_t keepCount) : keep(keepCount) { buf.reserve(2 * keep); }
    void offer(float score, uint32_t pos)
    {
        if (score < worst)
            return;
        buf.push_back(Candidate{score, pos});
        if (buf.size() == 2 * keep) {
            std::nth_element(buf.begin(), buf.begin() + long(keep - 1), buf.end(), Better());
            buf.resize(keep);
            worst = buf[keep - 1].score;
        }
    }
    size_t keep;
    float worst = -std::numeric_limits<float>::infinity();
    std::vector<Candidate> buf;
};

}  // namespace approx_detail

using namespace approx_detail;

struct ApproximateIndex::Impl {
    int dim = 0;
    size_t stride = 0;
    size_t rows = 0;
    size_t nprobe = 1;
    size_t rerank = 64;
    bool keepExact = true;
    SearchKernel kernel = SearchKernel::Scalar;
    DotKernel dot = nullptr;
    TileKernel tile = nullptr;

    Centroids centroids;
    std::vector<size_t> listStart;  // nlist + 1 offsets into the slot arrays
    Codes codes;                    // per slot (list order): r + 128, see DotKernel
    std::vector<float> scales;      // per slot: value = code * scale
    std::vector<uint32_t> positions;  // per slot: the row position
    std::vector<uint32_t> slotOf;     // per row position: its slot
    std::vector<int64_t> ids;         // per row position
    std::vector<float, AlignedAllocator<float>> exact;  // per row position: normalised fp32 row (keepExact)
};

ApproximateIndex::ApproximateIndex() : m_impl(std::make_unique<Impl>()) {}
ApproximateIndex::~ApproximateIndex() = default;

bool ApproximateIndex::available() { return true; }

Status ApproximateIndex::build(const float* rows, size_t n, int dim, const int64_t* ids, const Options& options)
{
    if (rows == nullptr || ids == nullptr)
        return makeError(ErrorCode::InvalidArgument, "approximate index: null rows or ids");
    if (n < 1)
        return makeError(ErrorCode::InvalidArgument, "approximate index: no rows to index");
    if (n > std::numeric_limits<uint32_t>::max())
        return makeError(ErrorCode::InvalidArgument, "approximate index: more than 2^32-1 rows");
    if (dim < 1 || dim > kMaxDim)
        return makeError(ErrorCode::InvalidArgument, "approximate index: dimension " + std::to_string(dim)
                                                         + " outside 1.." + std::to_string(kMaxDim));
    if (options.iterations < 1 || options.iterations > 100)
        return makeError(ErrorCode::InvalidArgument, "approximate index: k-means iterations must be 1..100");

    const size_t d = size_t(dim);
    const size_t stride = strideFor(d);
    const unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    size_t nlist = options.nlist ? options.nlist : size_t(2.0 * std::sqrt(double(n)));
    nlist = std::clamp<size_t>(nlist, 1, std::max<size_t>(1, n / 39));
    const size_t trainRows = std::clamp<size_t>(options.trainRows ? options.trainRows : 40 * nlist, nlist, n);

    auto fresh = std::make_unique<Impl>();
    Impl& m = *fresh;
    m.dim = dim;
    m.stride = stride;
    m.rows = n;
    m.keepExact = options.keepExact;
    m.rerank = std::max<size_t>(1, options.rerankCandidates);
    m.kernel = chooseKernel(options.kernel);
    m.dot = kernelFunction(m.kernel);
    m.tile = tileKernelFunction(m.kernel);
    try {
        ThreadPool pool(threads);  // for this build only
        // 1. Normalise and quantise every row (by position); a bad row rejects the whole build.
        Codes byPos(n * stride);  // written below, padding included
        std::vector<float> scaleByPos(n);
        if (m.keepExact)
            m.exact.resize(n * d);
        std::atomic<size_t> firstBad{n};
        pool.parallelFor(n, [&](size_t r0, size_t r1) {
            std::vector<float> tmp(m.keepExact ? 0 : d);
            for (size_t r = r0; r < r1; ++r) {
                float* unit = m.keepExact ? m.exact.data() + r * d : tmp.data();
                if (!normalise(rows + r * d, d, unit)) {
                    size_t cur = firstBad.load();
                    while (r < cur && !firstBad.compare_exchange_weak(cur, r)) {
                    }
                    return;
                }
                uint8_t* code = byPos.data() + r * stride;
                scaleByPos[r] = quantise(unit, d, code, 128);
                std::fill(code + d, code + stride, uint8_t(128));
            }
        });
        if (firstBad.load() < n)
            return makeError(ErrorCode::InvalidArgument, "approximate index: row " + std::to_string(firstBad.load())
                                                             + " is zero, NaN or infinite");
        auto unitRow = [&](size_t pos, float* out) {
            if (m.keepExact)
                std::copy_n(m.exact.data() + pos * d, d, out);
            else
                normalise(rows + pos * d, d, out);
        };

        // 2. Training sample: a seeded random subset, so the lists do not follow insertion order.
        std::vector<uint32_t> sample(n);
        std::iota(sample.begin(), sample.end(), 0u);
        std::mt19937_64 rng(options.seed);
        for (size_t i = 0; i < trainRows && i + 1 < n; ++i)
            std::swap(sample[i], sample[i + size_t(rng() % (n - i))]);
        sample.resize(trainRows);
        sample.shrink_to_fit();
        Codes trainCodes(trainRows * stride);
        std::vector<float> trainUnit(trainRows * d);
        for (size_t i = 0; i < trainRows; ++i) {
            std::copy_n(byPos.data() + size_t(sample[i]) * stride, stride, trainCodes.data() + i * stride);
            unitRow(sample[i], trainUnit.data() + i * d);
        }

        // 3. Spherical k-means: centroids start at the first nlist sampled rows (random, distinct
        //    positions); each iteration assigns by int8 cosine and moves every centroid to the
        //    normalised mean of its rows (summed in double, in sample order: deterministic). An
        //    empty list takes the sample row worst served by its centroid.
        std::vector<float> unitCentroids(trainUnit.begin(), trainUnit.begin() + long(nlist * d));
        std::vector<uint32_t> label(trainRows);
        std::vector<float> labelScore(trainRows);
        std::vector<double> sum(nlist * d);
        std::vector<size_t> members(nlist);
        for (int it = 0; it < options.iterations; ++it) {
            m.centroids.set(unitCentroids, nlist, d, stride);
            assign(trainCodes.data(), trainRows, stride, m.centroids, m.dot, m.tile, pool, label.data(),
                   labelScore.data());
            std::fill(sum.begin(), sum.end(), 0.0);
            std::fill(members.begin(), members.end(), 0);
            for (size_t i = 0; i < trainRows; ++i) {
                double* s = sum.data() + size_t(label[i]) * d;
                const float* v = trainUnit.data() + i * d;
                for (size_t j = 0; j < d; ++j)
                    s[j] += v[j];
                ++members[label[i]];
            }
            std::vector<uint32_t> worstServed;
            for (size_t c = 0; c < nlist; ++c) {
                float* out = unitCentroids.data() + c * d;
                double ss = 0;
                for (size_t j = 0; j < d; ++j)
                    ss += sum[c * d + j] * sum[c * d + j];
                if (members[c] > 0 && ss > 0) {
                    const double inv = 1.0 / std::sqrt(ss);
                    for (size_t j = 0; j < d; ++j)
                        out[j] = float(sum[c * d + j] * inv);
                    continue;
                }
                if (worstServed.empty()) {
                    worstServed.resize(trainRows);
                    std::iota(worstServed.begin(), worstServed.end(), 0u);
                    std::stable_sort(worstServed.begin(), worstServed.end(),
                                     [&](uint32_t a, uint32_t b) { return labelScore[a] < labelScore[b]; });
                    std::reverse(worstServed.begin(), worstServed.end());  // pop_back() takes the worst
                }
                std::copy_n(trainUnit.data() + size_t(worstServed.back()) * d, d, out);
                worstServed.pop_back();
            }
        }
        m.centroids.set(unitCentroids, nlist, d, stride);
        trainCodes = Codes();
        trainUnit = std::vector<float>();

        // 4. File every row under its closest centroid; within a list rows keep position order.
        std::vector<uint32_t> listOf(n);
        assign(byPos.data(), n, stride, m.centroids, m.dot, m.tile, pool, listOf.data(), nullptr);
        m.listStart.assign(nlist + 1, 0);
        for (size_t r = 0; r < n; ++r)
            ++m.listStart[listOf[r] + 1];
        for (size_t c = 0; c < nlist; ++c)
            m.listStart[c + 1] += m.listStart[c];
        std::vector<size_t> fill(m.listStart.begin(), m.listStart.end() - 1);
        m.codes.resize(n * stride);
        m.scales.resize(n);
        m.positions.resize(n);
        m.slotOf.resize(n);
        for (size_t r = 0; r < n; ++r) {
            const size_t slot = fill[listOf[r]]++;
            std::copy_n(byPos.data() + r * stride, stride, m.codes.data() + slot * stride);
            m.scales[slot] = scaleByPos[r];
            m.positions[slot] = uint32_t(r);
            m.slotOf[r] = uint32_t(slot);
        }
        m.ids.assign(ids, ids + n);
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "approximate index: not enough memory for " + std::to_string(n)
                                                     + " rows of dimension " + std::to_string(dim));
    }
    // Default: 16 lists, more from 2,048 lists on (docs/SEARCH.md has the measured trade-off).
    const size_t probe = options.nprobe ? options.nprobe : std::max<size_t>(16, nlist / 128);
    m.nprobe = std::clamp<size_t>(probe, 1, nlist);
    m_impl = std::move(fresh);
    return Status::success();
}

Result<std::vector<Hit>> ApproximateIndex::search(const std::vector<float>& query, size_t k, const Filter* allow) const
{
    const size_t d = size_t(m_impl->dim);
    if (d == 0 || query.size() != d)
        return makeError(ErrorCode::Mismatch, "approximate index: query of " + std::to_string(query.size())
                                                  + " floats, index dimension " + std::to_string(d));
    return search(query.data(), k, allow);
}

Result<std::vector<Hit>> ApproximateIndex::search(const float* query, size_t k, const Filter* allow) const
{
    const Impl& m = *m_impl;
    if (m.rows == 0)
        return makeError(ErrorCode::InvalidArgument, "approximate index: search() before build()");
    if (query == nullptr)
        return makeError(ErrorCode::InvalidArgument, "approximate index: null query");
    const size_t d = size_t(m.dim);
    std::vector<float> qn(d);
    if (!normalise(query, d, qn.data()))
        return makeError(ErrorCode::InvalidArgument, "approximate index: the query is zero, NaN or infinite");

    std::vector<Hit> out;
    const size_t allowed = allow ? allow->count(m.rows) : m.rows;
    k = std::min(k, allowed);
    if (k == 0)
        return out;
    std::vector<int8_t, AlignedAllocator<int8_t>> qi(m.stride);
    Codes qa(m.stride);
    int32_t qsum = 0;
    const float qscale = quantiseQuery(qn.data(), d, m.stride, qi.data(), qa.data(), &qsum);
    const QueryCode code{qi.data(), qa.data(), qsum};
    TopCandidates top(m.keepExact ? std::max(k, m.rerank) : k);

    const size_t nlist = m.centroids.count;
    const double fraction = double(allowed) / double(m.rows);
    if (allow && kRandomRowCost * fraction * fraction <= double(m.nprobe) / double(nlist)) {
        // Few rows allowed: score exactly those, in position order through their slots (scattered
        // reads, so the codes of rows a few steps ahead are prefetched).
        std::vector<uint32_t> picked;
        picked.reserve(allowed);
        const size_t words = (m.rows + 63) / 64;
        for (size_t w = 0; w < words; ++w) {
            uint64_t bits = allow->word(w);
            if (w * 64 + 64 > m.rows)
                bits &= (uint64_t(1) << (m.rows - w * 64)) - 1;
            for (; bits; bits &= bits - 1)
                picked.push_back(uint32_t(w * 64 + size_t(__builtin_ctzll(bits))));
        }
        constexpr size_t kAhead = 6;
        for (size_t i = 0; i < picked.size(); ++i) {
            if (i + kAhead < picked.size()) {
                const uint8_t* next = m.codes.data() + size_t(m.slotOf[picked[i + kAhead]]) * m.stride;
                for (size_t line = 0; line < m.stride; line += 64)
                    __builtin_prefetch(next + line);
            }
            const size_t slot = m.slotOf[picked[i]];
            int32_t sum = 0;
            m.dot(m.codes.data() + slot * m.stride, 1, m.stride, code, &sum);
            top.offer(float(sum) * m.scales[slot], picked[i]);
        }
    } else {
        // Rank the lists by their centroid, then visit the best ones: nprobe scaled up by the
        // filter's selectivity, and on until min(k, allowed) allowed rows were seen.
        std::vector<int32_t> sums(std::max(nlist, kBlockRows));
        m.dot(m.centroids.rows.data(), nlist, m.stride, code, sums.data());
        std::vector<Candidate> order(nlist);
        for (size_t c = 0; c < nlist; ++c)
            order[c] = Candidate{float(sums[c]) * m.centroids.rowScale[c], uint32_t(c)};
        const size_t want = allow ? size_t(std::min(double(nlist), std::ceil(double(m.nprobe) / fraction))) : m.nprobe;
        size_t sorted = std::min(nlist, want);
        std::partial_sort(order.begin(), order.begin() + long(sorted), order.end(), Better());
        size_t seen = 0;
        for (size_t v = 0; v < nlist && (v < want || seen < k); ++v) {
            if (v == sorted) {  // past the planned lists: rank all the others
                std::sort(order.begin() + long(sorted), order.end(), Better());
                sorted = nlist;
            }
            const size_t list = order[v].pos;
            const size_t end = m.listStart[list + 1];
            for (size_t first = m.listStart[list]; first < end; first += kBlockRows) {
                const size_t count = std::min(kBlockRows, end - first);
                m.dot(m.codes.data() + first * m.stride, count, m.stride, code, sums.data());
                for (size_t r = 0; r < count; ++r) {
                    const uint32_t pos = m.positions[first + r];
                    if (allow && !allow->allows(pos))
                        continue;
                    ++seen;
                    top.offer(float(sums[r]) * m.scales[first + r], pos);
                }
            }
        }
    }

    auto& cands = top.buf;
    if (cands.size() > top.keep) {
        std::nth_element(cands.begin(), cands.begin() + long(top.keep), cands.end(), Better());
        cands.resize(top.keep);
    }
    for (auto& c : cands)
        c.score = m.keepExact ? float(dotExact(m.exact.data() + size_t(c.pos) * d, qn.data(), d)) : c.score * qscale;
    const size_t n = std::min(k, cands.size());
    std::partial_sort(cands.begin(), cands.begin() + long(n), cands.end(), Better());
    out.reserve(n);
    for (size_t i = 0; i < n; ++i)
        out.push_back(Hit{m.ids[cands[i].pos], cands[i].score});
    return out;
}

void ApproximateIndex::setNprobe(size_t nprobe)
{
    m_impl->nprobe = std::clamp<size_t>(nprobe, 1, std::max<size_t>(1, nlist()));
}

int ApproximateIndex::dim() const { return m_impl->dim; }
size_t ApproximateIndex::size() const { return m_impl->rows; }
size_t ApproximateIndex::nlist() const { return m_impl->centroids.count; }
size_t ApproximateIndex::nprobe() const { return m_impl->nprobe; }
SearchKernel ApproximateIndex::kernel() const { return m_impl->kernel; }

size_t ApproximateIndex::memoryBytes() const
{
    const Impl& m = *m_impl;
    const Centroids& c = m.centroids;
    return m.codes.capacity() + m.scales.capacity() * sizeof(float) + m.positions.capacity() * sizeof(uint32_t)
           + m.slotOf.capacity() * sizeof(uint32_t) + m.ids.capacity() * sizeof(int64_t)
           + m.exact.capacity() * sizeof(float) + m.listStart.capacity() * sizeof(size_t) + c.rows.capacity()
           + c.q.capacity() + c.qAbs.capacity()
           + (c.rowScale.capacity() + c.qScale.capacity()) * sizeof(float) + c.qSum.capacity() * sizeof(int32_t);
}

}  // namespace diffclip
