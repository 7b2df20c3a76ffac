// Tests of the exact top-K embedding search (diffclip/search/ExactIndex.h) against a brute-force
// double-precision reference on random and clustered data.

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

#include "diffclip/search/ApproximateIndex.h"
#include "diffclip/search/ExactIndex.h"

using diffclip::ErrorCode;
using diffclip::ExactIndex;
using diffclip::Filter;
using diffclip::Hit;
using diffclip::SearchKernel;

namespace {

void normaliseRow(float* v, size_t dim)
{
    double ss = 0;
    for (size_t j = 0; j < dim; ++j)
        ss += double(v[j]) * v[j];
    const double inv = 1.0 / std::sqrt(ss);
    for (size_t j = 0; j < dim; ++j)
        v[j] = float(v[j] * inv);
}

std::vector<float> randomRows(size_t n, size_t dim, std::mt19937& rng)
{
    std::normal_distribution<float> g(0.0f, 1.0f);
    std::vector<float> rows(n * dim);
    for (auto& x : rows)
        x = g(rng);
    for (size_t r = 0; r < n; ++r)
        normaliseRow(rows.data() + r * dim, dim);
    return rows;
}

// Clusters around few centres, with every tenth row a near-duplicate (noise 1e-3) of its predecessor.
std::vector<float> clusteredRows(size_t n, size_t dim, size_t clusters, std::mt19937& rng)
{
    std::normal_distribution<float> g(0.0f, 1.0f);
    std::vector<float> centres = randomRows(clusters, dim, rng);
    std::vector<float> rows(n * dim);
    for (size_t r = 0; r < n; ++r) {
        float* v = rows.data() + r * dim;
        if (r % 10 == 9) {
            for (size_t j = 0; j < dim; ++j)
                v[j] = v[j - dim] + 1e-3f * g(rng) / std::sqrt(float(dim));
        } else {
            const float* c = centres.data() + (r % clusters) * dim;
            for (size_t j = 0; j < dim; ++j)
                v[j] = c[j] + 0.35f * g(rng) / std::sqrt(float(dim));
        }
        normaliseRow(v, dim);
    }
    return rows;
}

// Appends to `queries` noisy copies of `count` data rows (rows 0, stride, 2 * stride, ...): queries
// near data rows, so that the top scores are well above the noise floor.
void appendNearRows(std::vector<float>& queries, const std::vector<float>& rows, size_t dim, size_t count,
                    size_t stride, float noise, std::mt19937& rng)
{
    std::normal_distribution<float> g(0.0f, 1.0f);
    for (size_t q = 0; q < count; ++q) {
        std::vector<float> v(rows.begin() + long(q * stride * dim), rows.begin() + long((q * stride + 1) * dim));
        for (auto& x : v)
            x += noise * g(rng);
        queries.insert(queries.end(), v.begin(), v.end());
    }
}

// Searches from `threads` threads at once, `rounds` times each (query (thread + round) modulo the
// number of queries): how many results fail or differ from `expected` (ids and scores) in a place.
template <typename Search>
int concurrentMismatches(size_t threads, int rounds, const std::vector<std::vector<Hit>>& expected, Search search)
{
    std::vector<int> mismatches(threads, 0);
    std::vector<std::thread> running;
    for (size_t t = 0; t < threads; ++t) {
        running.emplace_back([&, t] {
            for (int round = 0; round < rounds; ++round) {
                const size_t q = (t + size_t(round)) % expected.size();
                auto r = search(q);
                if (!r.ok() || r->size() != expected[q].size()) {
                    ++mismatches[t];
                    continue;
                }
                for (size_t i = 0; i < r->size(); ++i)
                    if ((*r)[i].id != expected[q][i].id || (*r)[i].score != expected[q][i].score)
                        ++mismatches[t];
            }
        });
    }
    for (auto& th : running)
        th.join();
    return std::accumulate(mismatches.begin(), mismatches.end(), 0);
}

std::vector<int64_t> makeIds(size_t n)
{
    std::vector<int64_t> ids(n);
    for (size_t i = 0; i < n; ++i)
        ids[i] = int64_t(i) * 7 + 1000;  // not equal to positions
    return ids;
}

size_t posOf(int64_t id) { return size_t((id - 1000) / 7); }

double dot(const float* a, const float* b, size_t dim)
{
    double s = 0;
    for (size_t j = 0; j < dim; ++j)
        s += double(a[j]) * b[j];
    return s;
}

// Brute-force reference: (score, position) of the best k allowed rows.
std::vector<std::pair<double, size_t>> reference(const std::vector<float>& rows, size_t dim, const float* q, size_t k,
                                                 const Filter* allow = nullptr)
{
    std::vector<float> qn(q, q + dim);
    normaliseRow(qn.data(), dim);
    std::vector<std::pair<double, size_t>> all;
    for (size_t r = 0; r < rows.size() / dim; ++r) {
        if (allow && !allow->allows(r))
            continue;
        all.emplace_back(dot(rows.data() + r * dim, qn.data(), dim), r);
    }
    k = std::min(k, all.size());
    std::partial_sort(all.begin(), all.begin() + long(k), all.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    all.resize(k);
    return all;
}

// Empty string when hits agree with the reference: same id at each rank, or a score within 1e-3
// (ties); and each returned score is the exact cosine of its row.
QString compare(const std::vector<Hit>& hits, const std::vector<std::pair<double, size_t>>& ref,
                const std::vector<float>& rows, size_t dim, const float* q)
{
    if (hits.size() != ref.size())
        return QStringLiteral("size %1 != %2").arg(hits.size()).arg(ref.size());
    std::vector<float> qn(q, q + dim);
    normaliseRow(qn.data(), dim);
    for (size_t i = 0; i < hits.size(); ++i) {
        const size_t pos = posOf(hits[i].id);
        if (pos >= rows.size() / dim)
            return QStringLiteral("rank %1: bad id %2").arg(i).arg(hits[i].id);
        const double exact = dot(rows.data() + pos * dim, qn.data(), dim);
        if (std::fabs(exact - hits[i].score) > 1e-5)
            return QStringLiteral("rank %1: score %2 but exact %3").arg(i).arg(hits[i].score).arg(exact);
        if (pos != ref[i].second && std::fabs(hits[i].score - ref[i].first) > 1e-3)
            return QStringLiteral("rank %1: row %2 (%3) instead of row %4 (%5)")
                .arg(i).arg(pos).arg(hits[i].score).arg(ref[i].second).arg(ref[i].first);
    }
    return {};
}

}  // namespace

class TestExactIndex : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void randomDataMatchesReference();
    void clusteredDataMatchesReference();
    void batchEqualsSingle();
    void kLargerThanSize();
    void emptyIndex();
    void dimensionErrors();
    void invalidValues();
    void filterHonoured();
    void scalarEqualsSimd();
    void scalarForcedByEnvironment();
    void concurrentSearches();
    void approximateRecallAgainstExact();
    void approximateFilterHonoured();
    void approximateSmallLibraries();
    void approximateErrors();
    void approximateDeterministic();
    void approximateConcurrentSearches();
    void approximateWithoutExactRows();

private:
    void checkAgainstReference(const std::vector<float>& rows, size_t dim, const std::vector<float>& queries);
};

void TestExactIndex::checkAgainstReference(const std::vector<float>& rows, size_t dim,
                                           const std::vector<float>& queries)
{
    ExactIndex index;
    QVERIFY(index.reset(int(dim)).ok());
    const size_t n = rows.size() / dim;
    const auto ids = makeIds(n);
    // Add in two pieces to exercise appending.
    QVERIFY(index.add(rows.data(), n / 3, ids.data()).ok());
    QVERIFY(index.add(rows.data() + n / 3 * dim, n - n / 3, ids.data() + n / 3).ok());
    QCOMPARE(index.size(), n);
    for (size_t q = 0; q < queries.size() / dim; ++q) {
        const float* query = queries.data() + q * dim;
        auto hits = index.search(query, 10);
        QVERIFY2(hits.ok(), hits.error().describe().c_str());
        const QString diff = compare(*hits, reference(rows, dim, query, 10), rows, dim, query);
        QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("query %1: %2").arg(q).arg(diff)));
    }
}

void TestExactIndex::randomDataMatchesReference()
{
    std::mt19937 rng(1);
    const size_t dim = 512;
    const auto rows = randomRows(50000, dim, rng);
    auto queries = randomRows(10, dim, rng);
    appendNearRows(queries, rows, dim, 10, 4999, 0.05f, rng);  // near data rows as well
    checkAgainstReference(rows, dim, queries);
}

void TestExactIndex::clusteredDataMatchesReference()
{
    std::mt19937 rng(2);
    const size_t dim = 512;
    const auto rows = clusteredRows(50000, dim, 50, rng);
    std::vector<float> queries;
    appendNearRows(queries, rows, dim, 20, 2477, 0.01f, rng);
    checkAgainstReference(rows, dim, queries);
}

void TestExactIndex::batchEqualsSingle()
{
    std::mt19937 rng(3);
    const size_t dim = 96;  // not a multiple of the 64-byte row padding
    const auto rows = clusteredRows(3000, dim, 7, rng);
    const auto queries = randomRows(5, dim, rng);
    ExactIndex index;
    QVERIFY(index.reset(int(dim)).ok());
    QVERIFY(index.add(rows, makeIds(3000)).ok());
    auto batch = index.searchBatch(queries.data(), 5, 12);
    QVERIFY(batch.ok());
    QCOMPARE(batch->size(), size_t(5));
    for (size_t q = 0; q < 5; ++q) {
        auto single = index.search(queries.data() + q * dim, 12);
        QVERIFY(single.ok());
        QCOMPARE((*batch)[q].size(), size_t(12));
        for (size_t i = 0; i < 12; ++i) {
            QCOMPARE((*batch)[q][i].id, (*single)[i].id);
            QCOMPARE((*batch)[q][i].score, (*single)[i].score);
        }
        const QString diff = compare(*single, reference(rows, dim, queries.data() + q * dim, 12), rows, dim,
                                     queries.data() + q * dim);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }
}

void TestExactIndex::kLargerThanSize()
{
    std::mt19937 rng(4);
    const size_t dim = 16;
    const auto rows = randomRows(5, dim, rng);
    ExactIndex index;
    QVERIFY(index.reset(int(dim)).ok());
    QVERIFY(index.add(rows, makeIds(5)).ok());
    auto hits = index.search(rows.data() + 2 * dim, 100);
    QVERIFY(hits.ok());
    QCOMPARE(hits->size(), size_t(5));
    QCOMPARE(posOf((*hits)[0].id), size_t(2));
    QVERIFY(std::fabs((*hits)[0].score - 1.0f) < 1e-5f);
    for (size_t i = 1; i < hits->size(); ++i)
        QVERIFY((*hits)[i - 1].score >= (*hits)[i].score);
    auto none = index.search(rows.data(), 0);
    QVERIFY(none.ok());
    QVERIFY(none->empty());
}

void TestExactIndex::emptyIndex()
{
    ExactIndex index;
    const std::vector<float> q(8, 1.0f);
    auto before = index.search(q.data(), 10);
    QVERIFY(!before.ok());
    QCOMPARE(before.error().code, ErrorCode::InvalidArgument);
    QVERIFY(index.reset(8).ok());
    QCOMPARE(index.size(), size_t(0));
    auto hits = index.search(q, 10);
    QVERIFY(hits.ok());
    QVERIFY(hits->empty());
    auto batch = index.searchBatch(q.data(), 1, 10);
    QVERIFY(batch.ok());
    QCOMPARE(batch->size(), size_t(1));
    QVERIFY(batch->front().empty());
}

void TestExactIndex::dimensionErrors()
{
    ExactIndex index;
    QCOMPARE(index.reset(0).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(index.reset(-3).error().code, ErrorCode::InvalidArgument);
    const std::vector<float> rows(2 * 8, 0.5f);
    QVERIFY(!index.add(rows.data(), 2, makeIds(2).data()).ok());  // before reset
    QVERIFY(index.reset(8).ok());
    QCOMPARE(index.add(rows, makeIds(3)).error().code, ErrorCode::Mismatch);
    QCOMPARE(index.size(), size_t(0));
    QVERIFY(index.add(rows, makeIds(2)).ok());
    const std::vector<float> shortQuery(7, 1.0f);
    auto r = index.search(shortQuery, 1);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Mismatch);
    const std::vector<float> longQuery(9, 1.0f);
    QCOMPARE(index.search(longQuery, 1).error().code, ErrorCode::Mismatch);
    // reset() with a new dimension empties the index.
    QVERIFY(index.reset(4).ok());
    QCOMPARE(index.size(), size_t(0));
    QCOMPARE(index.dim(), 4);
}

void TestExactIndex::invalidValues()
{
    ExactIndex index;
    QVERIFY(index.reset(4).ok());
    std::vector<float> rows = {1, 0, 0, 0, 0, 1, 0, 0};
    QVERIFY(index.add(rows, makeIds(2)).ok());

    std::vector<float> q = {1, std::numeric_limits<float>::quiet_NaN(), 0, 0};
    auto r = index.search(q, 1);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
    q = {std::numeric_limits<float>::infinity(), 0, 0, 0};
    QCOMPARE(index.search(q, 1).error().code, ErrorCode::InvalidArgument);
    q = {0, 0, 0, 0};
    QCOMPARE(index.search(q, 1).error().code, ErrorCode::InvalidArgument);
    // One bad query fails the whole batch.
    std::vector<float> batch = {1, 0, 0, 0, 0, std::numeric_limits<float>::quiet_NaN(), 0, 0};
    QVERIFY(!index.searchBatch(batch.data(), 2, 1).ok());

    // A bad row refuses the whole add() and leaves the index as it was.
    std::vector<float> bad = {0, 0, 1, 0, 0, 0, std::numeric_limits<float>::quiet_NaN(), 0};
    QCOMPARE(index.add(bad, makeIds(2)).error().code, ErrorCode::InvalidArgument);
    std::vector<float> zero = {0, 0, 0, 0};
    QCOMPARE(index.add(zero, makeIds(1)).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(index.size(), size_t(2));
    q = {0, 3, 0, 0};
    auto ok = index.search(q, 5);
    QVERIFY(ok.ok());
    QCOMPARE(ok->size(), size_t(2));
    QCOMPARE(posOf((*ok)[0].id), size_t(1));
    QCOMPARE((*ok)[0].score, 1.0f);
    QCOMPARE((*ok)[1].score, 0.0f);
}

void TestExactIndex::filterHonoured()
{
    std::mt19937 rng(5);
    const size_t dim = 64;
    const size_t n = 20000;
    const auto rows = clusteredRows(n, dim, 11, rng);
    ExactIndex index;
    QVERIFY(index.reset(int(dim)).ok());
    QVERIFY(index.add(rows, makeIds(n)).ok());

    Filter odd(n);
    for (size_t r = 1; r < n; r += 2)
        odd.set(r);
    QVERIFY(!odd.allows(0) && odd.allows(1));
    for (size_t q = 0; q < 5; ++q) {
        const float* query = rows.data() + (q * 1000) * dim;  // an even row, itself filtered out
        auto hits = index.search(query, 10, &odd);
        QVERIFY(hits.ok());
        for (const Hit& h : *hits)
            QVERIFY2(posOf(h.id) % 2 == 1, "a filtered-out row was returned");
        const QString diff = compare(*hits, reference(rows, dim, query, 10, &odd), rows, dim, query);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }

    // Fewer allowed rows than k; a short filter allows nothing beyond its end.
    Filter few(n);
    few.set(5);
    few.set(700);
    few.set(19999);
    auto hits = index.search(rows.data(), 10, &few);
    QVERIFY(hits.ok());
    QCOMPARE(hits->size(), size_t(3));
    Filter shortFilter(10, true);
    hits = index.search(rows.data() + 500 * dim, 10, &shortFilter);
    QVERIFY(hits.ok());
    QCOMPARE(hits->size(), size_t(10));
    for (const Hit& h : *hits)
        QVERIFY(posOf(h.id) < 10);
    Filter nothing(n);
    hits = index.search(rows.data(), 10, &nothing);
    QVERIFY(hits.ok());
    QVERIFY(hits->empty());
}

void TestExactIndex::scalarEqualsSimd()
{
    std::mt19937 rng(6);
    for (size_t dim : {size_t(512), size_t(100), size_t(3)}) {
        const size_t n = 5000;
        const auto rows = clusteredRows(n, dim, 13, rng);
        const auto queries = randomRows(4, dim, rng);
        std::vector<std::vector<std::vector<Hit>>> results;
        for (SearchKernel k :
             {SearchKernel::Scalar, SearchKernel::Avx2, SearchKernel::Avx512, SearchKernel::Avx512Vnni}) {
            ExactIndex::Options opt;
            opt.kernel = k;
            opt.keepExact = false;  // return the kernel's own (int8) scores, so any difference shows
            ExactIndex index(opt);
            if (k == SearchKernel::Scalar)
                QCOMPARE(index.kernel(), SearchKernel::Scalar);
            qInfo("dim %zu: asked %s, using %s", dim, diffclip::searchKernelName(k),
                  diffclip::searchKernelName(index.kernel()));
            QVERIFY(index.reset(int(dim)).ok());
            QVERIFY(index.add(rows, makeIds(n)).ok());
            auto r = index.searchBatch(queries.data(), 4, 50);
            QVERIFY(r.ok());
            results.push_back(std::move(*r));
        }
        for (size_t v = 1; v < results.size(); ++v) {
            for (size_t q = 0; q < 4; ++q) {
                QCOMPARE(results[v][q].size(), size_t(50));
                for (size_t i = 0; i < 50; ++i) {
                    QCOMPARE(results[v][q][i].id, results[0][q][i].id);
                    QCOMPARE(results[v][q][i].score, results[0][q][i].score);
                }
            }
        }
    }
}

void TestExactIndex::scalarForcedByEnvironment()
{
    qputenv("DIFFCLIP_SEARCH_SCALAR", "1");
    {
        ExactIndex index;
        QCOMPARE(index.kernel(), SearchKernel::Scalar);
    }
    qunsetenv("DIFFCLIP_SEARCH_SCALAR");
    ExactIndex index;
    QVERIFY(index.kernel() != SearchKernel::Auto);
    qInfo("default kernel: %s, threads %u", diffclip::searchKernelName(index.kernel()), index.threads());
}

void TestExactIndex::concurrentSearches()
{
    std::mt19937 rng(7);
    const size_t dim = 128;
    const size_t n = 10000;
    const auto rows = clusteredRows(n, dim, 9, rng);
    const auto queries = randomRows(8, dim, rng);
    ExactIndex::Options opt;
    opt.threads = 2;
    ExactIndex index(opt);
    QVERIFY(index.reset(int(dim)).ok());
    QVERIFY(index.add(rows, makeIds(n)).ok());
    auto expected = index.searchBatch(queries.data(), 8, 10);
    QVERIFY(expected.ok());
    for (const auto& hits : *expected)
        QCOMPARE(hits.size(), size_t(10));
    QCOMPARE(concurrentMismatches(4, 20, *expected, [&](size_t q) { return index.search(queries.data() + q * dim, 10); }),
             0);
}

// Queries near library rows: `count` rows spread over the library, each plus noise of norm `noise`.
std::vector<float> perturbedRows(const std::vector<float>& rows, size_t dim, size_t count, float noise,
                                 std::mt19937& rng)
{
    std::normal_distribution<float> g(0.0f, 1.0f);
    const size_t n = rows.size() / dim;
    std::vector<float> out(count * dim);
    for (size_t q = 0; q < count; ++q) {
        const float* src = rows.data() + ((q * 7919) % n) * dim;
        for (size_t j = 0; j < dim; ++j)
            out[q * dim + j] = src[j] + noise * g(rng) / std::sqrt(float(dim));
        normaliseRow(out.data() + q * dim, dim);
    }
    return out;
}

// Empty when every hit is valid: one of our ids, allowed by the filter, its score the row's exact
// cosine, best first; else what is wrong with the first bad hit.
QString badHit(const std::vector<Hit>& hits, const std::vector<float>& rows, size_t dim, const float* q,
               const Filter* allow = nullptr)
{
    std::vector<float> qn(q, q + dim);
    normaliseRow(qn.data(), dim);
    for (size_t i = 0; i < hits.size(); ++i) {
        const size_t pos = posOf(hits[i].id);
        if ((hits[i].id - 1000) % 7 != 0 || pos >= rows.size() / dim)
            return QStringLiteral("rank %1: id %2 is not one of ours").arg(i).arg(hits[i].id);
        if (allow && !allow->allows(pos))
            return QStringLiteral("rank %1: row %2 is filtered out").arg(i).arg(pos);
        const double exact = dot(rows.data() + pos * dim, qn.data(), dim);
        if (std::fabs(exact - hits[i].score) > 1e-5)
            return QStringLiteral("rank %1: score %2 but exact %3").arg(i).arg(hits[i].score).arg(exact);
        if (i > 0 && hits[i].score > hits[i - 1].score)
            return QStringLiteral("rank %1: score %2 above rank %3's %4").arg(i).arg(hits[i].score).arg(i - 1).arg(hits[i - 1].score);
    }
    return {};
}

// Share of the reference's rows found among the hits (a hit of equal score within 1e-6 counts,
// for exact ties).
double recallOf(const std::vector<Hit>& hits, const std::vector<std::pair<double, size_t>>& ref)
{
    size_t found = 0;
    for (const auto& r : ref)
        for (const auto& h : hits)
            if (posOf(h.id) == r.second || std::fabs(h.score - r.first) < 1e-6) {
                ++found;
                break;
            }
    return ref.empty() ? 1.0 : double(found) / double(ref.size());
}

// The approximate index at its default options on clustered data: top-10 recall against brute
// force, ids and exact scores.
void TestExactIndex::approximateRecallAgainstExact()
{
    QVERIFY(diffclip::ApproximateIndex::available());
    std::mt19937 rng(11);
    const size_t n = 20000, dim = 64, k = 10;
    const auto rows = clusteredRows(n, dim, 200, rng);
    const auto ids = makeIds(n);
    const auto queries = perturbedRows(rows, dim, 50, 0.3f, rng);
    diffclip::ApproximateIndex index;
    QVERIFY(index.build(rows.data(), n, int(dim), ids.data()).ok());
    QCOMPARE(index.size(), n);
    QCOMPARE(index.dim(), int(dim));
    QCOMPARE(index.nlist(), size_t(2.0 * std::sqrt(double(n))));  // 2 sqrt(n) lists
    QVERIFY(index.nprobe() >= 1 && index.nprobe() < index.nlist());
    QVERIFY(index.memoryBytes() >= n * (dim + 4 * dim + sizeof(int64_t)));
    double sum = 0;
    for (size_t q = 0; q < 50; ++q) {
        const float* query = queries.data() + q * dim;
        auto hits = index.search(query, k);
        QVERIFY(hits.ok());
        QCOMPARE(hits->size(), k);
        QCOMPARE(badHit(*hits, rows, dim, query), QString());
        sum += recallOf(*hits, reference(rows, dim, query, k));
    }
    QVERIFY2(sum / 50 >= 0.95, qPrintable(QStringLiteral("recall@10 %1").arg(sum / 50)));
    // Visiting every list scans every row: the result is then the exact one.
    index.setNprobe(100000);
    QCOMPARE(index.nprobe(), index.nlist());
    index.setNprobe(0);
    QCOMPARE(index.nprobe(), size_t(1));
    index.setNprobe(index.nlist());
    for (size_t q = 0; q < 5; ++q) {
        const float* query = queries.data() + q * dim;
        auto hits = index.search(query, k);
        QVERIFY(hits.ok());
        QCOMPARE(compare(*hits, reference(rows, dim, query, k), rows, dim, query), QString());
    }
}

void TestExactIndex::approximateFilterHonoured()
{
    std::mt19937 rng(5);
    const size_t n = 8000, dim = 32, clusters = 20;
    const auto rows = clusteredRows(n, dim, clusters, rng);
    const auto ids = makeIds(n);
    const auto queries = perturbedRows(rows, dim, 20, 0.3f, rng);
    diffclip::ApproximateIndex index;
    QCOMPARE(index.search(queries.data(), 5).error().code, ErrorCode::InvalidArgument);  // not built
    QVERIFY(index.build(rows.data(), n, int(dim), ids.data()).ok());

    // A third of the rows (probed lists scaled up): every hit allowed, recall against the
    // filtered brute force.
    Filter third(n, false);
    for (size_t r = 0; r < n; r += 3)
        third.set(r);
    double sum = 0;
    for (size_t q = 0; q < 20; ++q) {
        const float* query = queries.data() + q * dim;
        auto hits = index.search(query, 20, &third);
        QVERIFY(hits.ok());
        QCOMPARE(hits->size(), size_t(20));
        QCOMPARE(badHit(*hits, rows, dim, query, &third), QString());
        sum += recallOf(*hits, reference(rows, dim, query, 20, &third));
    }
    QVERIFY2(sum / 20 >= 0.95, qPrintable(QStringLiteral("filtered recall@20 %1").arg(sum / 20)));

    // Very selective (7 rows): scanned exactly, so exactly the reference, and only 7 hits.
    Filter few(n, false);
    for (size_t r : {3u, 700u, 1401u, 2999u, 5000u, 6123u, 7999u})
        few.set(r);
    for (size_t q = 0; q < 5; ++q) {
        const float* query = queries.data() + q * dim;
        auto hits = index.search(query, 10, &few);
        QVERIFY(hits.ok());
        QCOMPARE(compare(*hits, reference(rows, dim, query, 10, &few), rows, dim, query), QString());
    }

    // Allowed rows only in clusters away from the query, one list probed: the search goes on
    // past nprobe lists until it has k allowed rows.
    index.setNprobe(1);
    Filter otherClusters(n, false);
    for (size_t r = 0; r < n; ++r)
        if (r % 10 != 9 && r % clusters >= 15)  // clusteredRows: row r belongs to cluster r % clusters
            otherClusters.set(r);
    const float* query = rows.data() + 2 * dim;  // cluster 2, not allowed
    auto hits = index.search(query, 10, &otherClusters);
    QVERIFY(hits.ok());
    QCOMPARE(hits->size(), size_t(10));
    // Every hit is an allowed row with its exact cosine, best first. (Which allowed rows it finds
    // depends on the lists it reaches first: 6 of the exact 10 here, so recall is not asserted.)
    QCOMPARE(badHit(*hits, rows, dim, query, &otherClusters), QString());

    // Nothing allowed; a filter shorter than the index (positions past it are not allowed).
    Filter none(n, false);
    auto empty = index.search(query, 10, &none);
    QVERIFY(empty.ok());
    QVERIFY(empty->empty());
    Filter shortFilter(5, true);
    auto five = index.search(query, 10, &shortFilter);
    QVERIFY(five.ok());
    QCOMPARE(compare(*five, reference(rows, dim, query, 10, &shortFilter), rows, dim, query), QString());
}

void TestExactIndex::approximateSmallLibraries()
{
    std::mt19937 rng(3);
    const size_t dim = 24;
    for (size_t n : {size_t(1), size_t(2), size_t(50), size_t(200)}) {
        const auto rows = clusteredRows(n, dim, 4, rng);
        const auto ids = makeIds(n);
        diffclip::ApproximateIndex::Options opt;
        opt.nlist = 100;  // more lists than rows allow: clamped to n / 39 (at least 1)
        diffclip::ApproximateIndex index;
        QVERIFY(index.build(rows.data(), n, int(dim), ids.data(), opt).ok());
        QCOMPARE(index.nlist(), std::max<size_t>(1, n / 39));
        QCOMPARE(index.size(), n);
        index.setNprobe(index.nlist());
        const float* query = rows.data() + (n / 2) * dim;
        auto hits = index.search(query, n + 10);  // k larger than the library
        QVERIFY(hits.ok());
        QCOMPARE(hits->size(), n);
        QCOMPARE(compare(*hits, reference(rows, dim, query, n + 10), rows, dim, query), QString());
        auto none = index.search(query, 0);
        QVERIFY(none.ok());
        QVERIFY(none->empty());
    }
}

void TestExactIndex::approximateErrors()
{
    std::mt19937 rng(9);
    const size_t n = 500, dim = 16;
    auto rows = clusteredRows(n, dim, 5, rng);
    const auto ids = makeIds(n);
    diffclip::ApproximateIndex index;
    QVERIFY(index.build(rows.data(), n, int(dim), ids.data()).ok());
    const float* query = rows.data();
    auto before = index.search(query, 5);
    QVERIFY(before.ok());

    QCOMPARE(index.build(rows.data(), 0, int(dim), ids.data()).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(index.build(nullptr, n, int(dim), ids.data()).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(index.build(rows.data(), n, int(dim), nullptr).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(index.build(rows.data(), n, 0, ids.data()).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(index.build(rows.data(), 1, 65537, ids.data()).error().code, ErrorCode::InvalidArgument);
    diffclip::ApproximateIndex::Options badIterations;
    badIterations.iterations = 0;
    QCOMPARE(index.build(rows.data(), n, int(dim), ids.data(), badIterations).error().code,
             ErrorCode::InvalidArgument);
    auto bad = rows;
    std::fill_n(bad.data() + 17 * dim, dim, 0.0f);  // a zero row
    auto zero = index.build(bad.data(), n, int(dim), ids.data());
    QCOMPARE(zero.error().code, ErrorCode::InvalidArgument);
    QVERIFY(zero.error().message.find("row 17") != std::string::npos);
    bad = rows;
    bad[40 * dim + 3] = std::numeric_limits<float>::quiet_NaN();
    QCOMPARE(index.build(bad.data(), n, int(dim), ids.data()).error().code, ErrorCode::InvalidArgument);
    bad = rows;
    bad[41 * dim] = std::numeric_limits<float>::infinity();
    QCOMPARE(index.build(bad.data(), n, int(dim), ids.data()).error().code, ErrorCode::InvalidArgument);

    // Failed builds leave the previous index in place.
    QCOMPARE(index.size(), n);
    auto after = index.search(query, 5);
    QVERIFY(after.ok());
    QCOMPARE(after->size(), before->size());
    for (size_t i = 0; i < after->size(); ++i)
        QCOMPARE((*after)[i].id, (*before)[i].id);

    // Queries: null, zero, NaN, wrong length.
    QCOMPARE(index.search(nullptr, 5).error().code, ErrorCode::InvalidArgument);
    std::vector<float> q(dim, 0.0f);
    QCOMPARE(index.search(q.data(), 5).error().code, ErrorCode::InvalidArgument);
    q[0] = std::numeric_limits<float>::quiet_NaN();
    QCOMPARE(index.search(q.data(), 5).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(index.search(std::vector<float>(dim + 1, 1.0f), 5).error().code, ErrorCode::Mismatch);
    QVERIFY(index.search(std::vector<float>(dim, 1.0f), 5).ok());
}

void TestExactIndex::approximateDeterministic()
{
    std::mt19937 rng(21);
    const size_t n = 6000, dim = 48;
    const auto rows = clusteredRows(n, dim, 30, rng);
    const auto ids = makeIds(n);
    const auto queries = perturbedRows(rows, dim, 10, 0.5f, rng);
    auto run = [&](unsigned threads, SearchKernel kernel, uint64_t seed) {
        diffclip::ApproximateIndex::Options opt;
        opt.threads = threads;
        opt.kernel = kernel;
        opt.seed = seed;
        opt.nprobe = 2;
        diffclip::ApproximateIndex index;
        std::vector<Hit> all;
        if (!index.build(rows.data(), n, int(dim), ids.data(), opt).ok())
            return all;
        for (size_t q = 0; q < 10; ++q) {
            auto hits = index.search(queries.data() + q * dim, 10);
            if (hits.ok())
                all.insert(all.end(), hits->begin(), hits->end());
        }
        return all;
    };
    auto same = [](const std::vector<Hit>& a, const std::vector<Hit>& b) {
        if (a.size() != b.size())
            return false;
        for (size_t i = 0; i < a.size(); ++i)
            if (a[i].id != b[i].id || a[i].score != b[i].score)
                return false;
        return true;
    };
    const auto reference1 = run(1, SearchKernel::Auto, 1234);
    QCOMPARE(reference1.size(), size_t(100));
    QVERIFY(same(reference1, run(1, SearchKernel::Auto, 1234)));
    // Neither threads nor the SIMD kernel change the lists or the results.
    QVERIFY(same(reference1, run(2, SearchKernel::Auto, 1234)));
    QVERIFY(same(reference1, run(3, SearchKernel::Scalar, 1234)));
    QCOMPARE(run(2, SearchKernel::Auto, 99).size(), size_t(100));
}

void TestExactIndex::approximateConcurrentSearches()
{
    std::mt19937 rng(13);
    const size_t n = 10000, dim = 64;
    const auto rows = clusteredRows(n, dim, 40, rng);
    const auto queries = perturbedRows(rows, dim, 8, 0.4f, rng);
    diffclip::ApproximateIndex index;
    QVERIFY(index.build(rows.data(), n, int(dim), makeIds(n).data()).ok());
    Filter half(n, false);
    for (size_t r = 0; r < n; r += 2)
        half.set(r);
    std::vector<std::vector<Hit>> expected;
    for (size_t q = 0; q < 8; ++q) {
        auto r = index.search(queries.data() + q * dim, 10, q % 2 ? &half : nullptr);
        QVERIFY(r.ok());
        expected.push_back(*r);
    }
    QCOMPARE(concurrentMismatches(2, 50, expected,
                                  [&](size_t q) {
                                      return index.search(queries.data() + q * dim, 10, q % 2 ? &half : nullptr);
                                  }),
             0);
}

// keepExact off: no fp32 copy, scores are int8 estimates close to the exact cosines.
void TestExactIndex::approximateWithoutExactRows()
{
    std::mt19937 rng(17);
    const size_t n = 5000, dim = 64;
    const auto rows = clusteredRows(n, dim, 25, rng);
    const auto ids = makeIds(n);
    diffclip::ApproximateIndex::Options opt;
    opt.keepExact = false;
    diffclip::ApproximateIndex lean;
    QVERIFY(lean.build(rows.data(), n, int(dim), ids.data(), opt).ok());
    diffclip::ApproximateIndex full;
    QVERIFY(full.build(rows.data(), n, int(dim), ids.data()).ok());
    QVERIFY(lean.memoryBytes() + n * dim * sizeof(float) <= full.memoryBytes());
    const float* query = rows.data() + 123 * dim;
    auto hits = lean.search(query, 10);
    QVERIFY(hits.ok());
    QCOMPARE(hits->size(), size_t(10));
    for (const auto& h : *hits) {
        const double exact = dot(rows.data() + posOf(h.id) * dim, query, dim);
        QVERIFY2(std::fabs(exact - h.score) < 0.02, qPrintable(QStringLiteral("%1 vs %2").arg(h.score).arg(exact)));
    }
    QCOMPARE(posOf((*hits)[0].id), size_t(123));  // the row itself comes first
}

QTEST_APPLESS_MAIN(TestExactIndex)
#include "tst_exactindex.moc"
