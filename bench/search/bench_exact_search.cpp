// bench_exact_search [rows=1000000] [dim=512] [queries=50] [kernel=auto|scalar|avx2|avx512|avx512vnni]
//                    [--approx-only] [--nlist=N[,N...]] [--nprobe=P[,P...]] [--clusters=2000] [--noise=0.6]
// Builds random clustered, L2-normalised embeddings, indexes them with diffclip::ExactIndex and
// prints build time, memory, per-query latency (p50/p95) and recall@10 against an fp32
// brute-force scan of the same data. Then the approximate index (IVF over int8 rows): build
// time and memory per nlist (default: the index's own choice), and for several nprobe values
// single-query latency (one thread) and recall@10, unfiltered and with filters allowing 10% and
// 1% of the rows. --approx-only skips the exact index (the brute-force reference still runs).
// --faiss (when built with Debian's libfaiss-dev) measures FAISS IVF-Flat and IVF-SQ8 on the same
// data, lists and nprobe values, one query at a time on one thread, beside our index.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <sys/resource.h>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BENCH_X86 1
#endif

#include "diffclip/search/ApproximateIndex.h"
#include "diffclip/search/ExactIndex.h"

#ifdef DIFFCLIP_BENCH_FAISS
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/utils/utils.h>
#include <omp.h>
#endif

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Small fast generator (splitmix64); approximately normal values via the sum of four uniforms.
struct Rng {
    uint64_t s;
    uint64_t next()
    {
        uint64_t z = (s += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    float uniform() { return float(next() >> 40) * (1.0f / 16777216.0f); }
    float normal() { return (uniform() + uniform() + uniform() + uniform() - 2.0f) * 1.7320508f; }
};

void normalise(float* v, size_t dim)
{
    double ss = 0;
    for (size_t j = 0; j < dim; ++j)
        ss += double(v[j]) * v[j];
    const float inv = float(1.0 / std::sqrt(ss));
    for (size_t j = 0; j < dim; ++j)
        v[j] *= inv;
}

float dotScalar(const float* a, const float* b, size_t n)
{
    float s = 0;
    for (size_t j = 0; j < n; ++j)
        s += a[j] * b[j];
    return s;
}

#ifdef BENCH_X86
__attribute__((target("avx2,fma"))) float dotAvx2(const float* a, const float* b, size_t n)
{
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    size_t j = 0;
    for (; j + 16 <= n; j += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j + 8), _mm256_loadu_ps(b + j + 8), s1);
    }
    alignas(32) float t[8];
    _mm256_store_ps(t, _mm256_add_ps(s0, s1));
    float s = ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
    for (; j < n; ++j)
        s += a[j] * b[j];
    return s;
}
#endif

using DotFn = float (*)(const float*, const float*, size_t);

DotFn pickDot()
{
#ifdef BENCH_X86
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return dotAvx2;
#endif
    return dotScalar;
}

template <typename Fn>
void parallel(unsigned threads, size_t n, Fn fn)
{
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back([&, t] { fn(n * t / threads, n * (t + 1) / threads); });
    for (auto& th : pool)
        th.join();
}

// Process CPU time (user + system, all threads) in ms.
double cpuMs()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return (double(u.ru_utime.tv_sec) + double(u.ru_stime.tv_sec)) * 1e3
           + (double(u.ru_utime.tv_usec) + double(u.ru_stime.tv_usec)) * 1e-3;
}

std::string loadAverage()
{
    std::ifstream f("/proc/loadavg");
    std::string a, b, c;
    f >> a >> b >> c;
    return a + " " + b + " " + c;
}

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5));
    return v[i];
}


#ifdef DIFFCLIP_BENCH_FAISS
// FAISS on equal terms: the same rows, lists and nprobe values; inner product on normalised rows
// (= cosine, as ours); training on FAISS's default sample; queries one at a time on one thread.
void measureFaiss(const std::vector<float>& data, const std::vector<float>& qs, size_t rows, size_t dim,
                  size_t queries, size_t k, size_t nlist, const std::vector<size_t>& probes,
                  const std::vector<std::vector<std::pair<float, int64_t>>>& ref)
{
    std::printf("FAISS %d.%d.%d, compile options: \"%s\" (no AVX2/AVX512 means the generic scalar code)\n",
                FAISS_VERSION_MAJOR, FAISS_VERSION_MINOR, FAISS_VERSION_PATCH, faiss::get_compile_options().c_str());
    for (int kind = 0; kind < 2; ++kind) {
        faiss::IndexFlatIP quantizer{faiss::Index::idx_t(dim)};
        std::unique_ptr<faiss::IndexIVF> index;
        if (kind == 0)
            index = std::make_unique<faiss::IndexIVFFlat>(&quantizer, dim, nlist, faiss::METRIC_INNER_PRODUCT);
        else
            index = std::make_unique<faiss::IndexIVFScalarQuantizer>(&quantizer, dim, nlist,
                                                                     faiss::ScalarQuantizer::QT_8bit,
                                                                     faiss::METRIC_INNER_PRODUCT);
        const char* name = kind == 0 ? "IVF-Flat" : "IVF-SQ8";
        omp_set_num_threads(int(std::max(1u, std::thread::hardware_concurrency())));
        auto t0 = Clock::now();
        const double cpu0 = cpuMs();
        index->train(faiss::Index::idx_t(rows), data.data());
        index->add(faiss::Index::idx_t(rows), data.data());
        std::printf("FAISS %s: build %.1f s (CPU %.1f s), nlist %zu\n", name, msSince(t0) / 1e3,
                    (cpuMs() - cpu0) / 1e3, nlist);
        omp_set_num_threads(1);
        for (size_t probe : probes) {
            if (probe < 1 || probe > nlist)
                continue;
            index->nprobe = probe;
            std::vector<float> dist(k);
            std::vector<faiss::Index::idx_t> labels(k);
            index->search(1, qs.data(), faiss::Index::idx_t(k), dist.data(), labels.data());  // warm-up
            std::vector<double> lat;
            size_t found = 0, total = 0;
            const double cpuQ = cpuMs();
            for (size_t q = 0; q < queries; ++q) {
                t0 = Clock::now();
                index->search(1, qs.data() + q * dim, faiss::Index::idx_t(k), dist.data(), labels.data());
                lat.push_back(msSince(t0));
                for (const auto& r : ref[q]) {
                    ++total;
                    for (faiss::Index::idx_t l : labels)
                        if (l == r.second)
                            ++found;
                }
            }
            std::printf("FAISS %s nlist %zu nprobe %zu, no filter: p50 %.3f ms, p95 %.3f ms, CPU %.3f ms per query; "
                        "recall@10 vs fp32 brute force %.4f\n",
                        name, nlist, probe, percentile(lat, 0.5), percentile(lat, 0.95),
                        (cpuMs() - cpuQ) / double(queries), double(found) / double(total));
        }
    }
}
#endif

}  // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> pos;
    bool approxOnly = false;
    bool faissToo = false;
    std::vector<size_t> nlists, nprobes;
    size_t clusters = 2000;
    float noiseNorm = 0.6f;
    auto parseList = [](const std::string& text) {
        std::vector<size_t> v;
        for (size_t at = 0; at < text.size();) {
            char* end = nullptr;
            v.push_back(std::strtoull(text.c_str() + at, &end, 10));
            at = size_t(end - text.c_str()) + 1;
        }
        return v;
    };
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--approx-only")
            approxOnly = true;
        else if (a == "--faiss")
            faissToo = true;
        else if (a.rfind("--nlist=", 0) == 0)
            nlists = parseList(a.substr(8));
        else if (a.rfind("--nprobe=", 0) == 0)
            nprobes = parseList(a.substr(9));
        else if (a.rfind("--clusters=", 0) == 0)
            clusters = std::strtoull(a.c_str() + 11, nullptr, 10);
        else if (a.rfind("--noise=", 0) == 0)
            noiseNorm = std::strtof(a.c_str() + 8, nullptr);
        else
            pos.push_back(a);
    }
    const size_t rows = pos.size() > 0 ? std::strtoull(pos[0].c_str(), nullptr, 10) : 1000000;
    const size_t dim = pos.size() > 1 ? std::strtoull(pos[1].c_str(), nullptr, 10) : 512;
    const size_t queries = pos.size() > 2 ? std::strtoull(pos[2].c_str(), nullptr, 10) : 50;
    const size_t k = 10;
    diffclip::ExactIndex::Options options;
    if (pos.size() > 3) {
        const std::string name = pos[3];
        using diffclip::SearchKernel;
        for (SearchKernel kern : {SearchKernel::Scalar, SearchKernel::Avx2, SearchKernel::Avx512,
                                  SearchKernel::Avx512Vnni})
            if (name == diffclip::searchKernelName(kern))
                options.kernel = kern;
    }
    if (rows == 0 || dim == 0 || queries == 0 || clusters == 0 || !(noiseNorm >= 0)) {
        std::fprintf(stderr, "usage: bench_exact_search [rows=1000000] [dim=512] [queries=50] [kernel] [--approx-only] "
                             "[--nlist=N,..] [--nprobe=P,..] [--clusters=2000] [--noise=0.6] [--faiss]\n");
        return 2;
    }
#ifndef DIFFCLIP_BENCH_FAISS
    if (faissToo) {
        std::fprintf(stderr, "--faiss: this build has no FAISS (install libfaiss-dev and reconfigure)\n");
        return 2;
    }
#endif
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    std::printf("rows %zu, dim %zu, queries %zu, k %zu, hardware threads %u\n", rows, dim, queries, k, hw);

    // Clustered data: 2000 centres, rows = centre + noise (norm 0.6); every 20th row a near-duplicate.
    std::printf("data: %zu clusters, noise norm %.2f\n", clusters, double(noiseNorm));
    auto t0 = Clock::now();
    std::vector<float> centres(clusters * dim);
    {
        Rng rng{42};
        for (auto& x : centres)
            x = rng.normal();
        for (size_t c = 0; c < clusters; ++c)
            normalise(centres.data() + c * dim, dim);
    }
    std::vector<float> data(rows * dim);
    const float noise = noiseNorm / std::sqrt(float(dim));
    parallel(hw, rows, [&](size_t b, size_t e) {
        Rng rng{1000 + b};
        for (size_t r = b; r < e; ++r) {
            float* v = data.data() + r * dim;
            if (r % 20 == 19 && r > b) {
                for (size_t j = 0; j < dim; ++j)
                    v[j] = v[j - dim] + 0.002f / std::sqrt(float(dim)) * rng.normal();
            } else {
                const float* c = centres.data() + (rng.next() % clusters) * dim;
                for (size_t j = 0; j < dim; ++j)
                    v[j] = c[j] + noise * rng.normal();
            }
            normalise(v, dim);
        }
    });
    std::vector<int64_t> ids(rows);
    for (size_t i = 0; i < rows; ++i)
        ids[i] = int64_t(i);
    // Queries: perturbed data rows (an inspector's new photo of a known defect).
    std::vector<float> qs(queries * dim);
    {
        Rng rng{7};
        for (size_t q = 0; q < queries; ++q) {
            const float* src = data.data() + (rng.next() % rows) * dim;
            for (size_t j = 0; j < dim; ++j)
                qs[q * dim + j] = src[j] + 0.3f / std::sqrt(float(dim)) * rng.normal();
            normalise(qs.data() + q * dim, dim);
        }
    }
    std::printf("data generation: %.0f ms\n", msSince(t0));

    // fp32 brute force (reference and baseline timing): all queries in one pass over the rows, for
    // three allow-lists at once: every row, every 10th (position % 10 == 3), every 100th (% 100 == 7).
    using Ref = std::vector<std::pair<float, int64_t>>;
    const size_t filters = 3;
    const size_t modulus[filters] = {1, 10, 100};
    const size_t residue[filters] = {0, 3, 7};
    const DotFn dot = pickDot();
    std::vector<std::vector<Ref>> refs(filters, std::vector<Ref>(queries));
    t0 = Clock::now();
    {
        std::vector<std::vector<std::vector<Ref>>> part(
            hw, std::vector<std::vector<Ref>>(filters, std::vector<Ref>(queries)));
        parallel(hw, rows, [&](size_t b, size_t e) {
            const unsigned t = unsigned(b * hw / rows);
            auto& mine = part[std::min(t, hw - 1)];
            auto worse = [](const auto& a, const auto& c) { return a.first > c.first; };
            for (size_t r = b; r < e; ++r) {
                for (size_t q = 0; q < queries; ++q) {
                    const float s = dot(data.data() + r * dim, qs.data() + q * dim, dim);
                    for (size_t f = 0; f < filters; ++f) {
                        if (r % modulus[f] != residue[f])
                            continue;
                        auto& h = mine[f][q];
                        if (h.size() < k) {
                            h.emplace_back(s, int64_t(r));
                            std::push_heap(h.begin(), h.end(), worse);
                        } else if (s > h.front().first) {
                            std::pop_heap(h.begin(), h.end(), worse);
                            h.back() = {s, int64_t(r)};
                            std::push_heap(h.begin(), h.end(), worse);
                        }
                    }
                }
            }
        });
        for (size_t f = 0; f < filters; ++f)
            for (size_t q = 0; q < queries; ++q) {
                auto& ref = refs[f][q];
                for (auto& p : part)
                    ref.insert(ref.end(), p[f][q].begin(), p[f][q].end());
                std::sort(ref.begin(), ref.end(), [](const auto& a, const auto& c) { return a.first > c.first; });
                ref.resize(std::min(k, ref.size()));
            }
    }
    const std::vector<Ref>& ref = refs[0];
    std::printf("fp32 brute force (reference), all %zu queries in one pass: %.0f ms total\n", queries, msSince(t0));

    if (!approxOnly) {
        diffclip::ExactIndex index(options);
        t0 = Clock::now();
        if (!index.reset(int(dim)).ok() || !index.reserve(rows).ok())
            return 1;
        const size_t chunk = 100000;
        for (size_t b = 0; b < rows; b += chunk) {
            const size_t n = std::min(chunk, rows - b);
            auto st = index.add(data.data() + b * dim, n, ids.data() + b);
            if (!st.ok()) {
                std::fprintf(stderr, "add failed: %s\n", st.error().describe().c_str());
                return 1;
            }
        }
        const double buildMs = msSince(t0);
        const size_t int8Bytes = rows * ((dim + 63) / 64 * 64) + rows * sizeof(float);
        std::printf("exact index build: %.0f ms; memory %.1f MiB (scanned int8 rows+scales %.1f MiB, fp32 re-rank copy "
                    "and ids the rest)\n",
                    buildMs, double(index.memoryBytes()) / 1048576.0, double(int8Bytes) / 1048576.0);
        std::printf("kernel %s, threads %u, re-rank candidates %zu\n", diffclip::searchKernelName(index.kernel()),
                    index.threads(), diffclip::ExactIndex::Options{}.rerankCandidates);

        // Single-query latency.
        std::vector<double> lat;
        size_t found = 0, total = 0;
        double maxScoreDiff = 0;
        (void)index.search(qs.data(), k);  // warm-up
        std::printf("load average before searching: %s\n", loadAverage().c_str());
        const double cpu0 = cpuMs();
        for (size_t q = 0; q < queries; ++q) {
            t0 = Clock::now();
            auto hits = index.search(qs.data() + q * dim, k);
            lat.push_back(msSince(t0));
            if (!hits.ok()) {
                std::fprintf(stderr, "search failed: %s\n", hits.error().describe().c_str());
                return 1;
            }
            for (size_t i = 0; i < ref[q].size(); ++i) {
                ++total;
                for (const auto& h : *hits)
                    if (h.id == ref[q][i].second)
                        ++found;
                if (i < hits->size())
                    maxScoreDiff = std::max(maxScoreDiff, double(std::fabs((*hits)[i].score - ref[q][i].first)));
            }
        }
        const double cpuPerQuery = (cpuMs() - cpu0) / double(queries);
        std::printf("exact search (1 query): p50 %.2f ms, p95 %.2f ms, min %.2f ms, max %.2f ms; CPU time %.2f ms per "
                    "query (all threads)\n",
                    percentile(lat, 0.5), percentile(lat, 0.95), *std::min_element(lat.begin(), lat.end()),
                    *std::max_element(lat.begin(), lat.end()), cpuPerQuery);
        std::printf("recall@10 vs fp32 brute force: %.4f (%zu/%zu); max |score - fp32 score| at equal rank %.2e\n",
                    double(found) / double(total), found, total, maxScoreDiff);

        // Batch of 8 queries per pass over the rows.
        const size_t batch = std::min<size_t>(8, queries);
        std::vector<double> blat;
        for (size_t q = 0; q + batch <= queries; q += batch) {
            t0 = Clock::now();
            auto r = index.searchBatch(qs.data() + q * dim, batch, k);
            blat.push_back(msSince(t0) / double(batch));
            if (!r.ok())
                return 1;
        }
        if (!blat.empty())
            std::printf("searchBatch (%zu queries per pass): p50 %.2f ms per query\n", batch, percentile(blat, 0.5));
        std::printf("load average after: %s (other processes share the cores; compare CPU time)\n",
                    loadAverage().c_str());
    }

    // Approximate index: one build per nlist, then every nprobe; searches run one at a time on
    // this thread and return exact fp32 scores (the index re-ranks its best candidates).
    std::vector<diffclip::Filter> allow;
    for (size_t f = 0; f < filters; ++f) {
        allow.emplace_back(rows, false);
        for (size_t r = residue[f]; r < rows; r += modulus[f])
            allow.back().set(r);
    }
    if (nlists.empty())
        nlists.push_back(0);
    for (size_t nl : nlists) {
        diffclip::ApproximateIndex approx;
        diffclip::ApproximateIndex::Options ao;
        ao.nlist = nl;
        std::printf("load average before the approximate build: %s\n", loadAverage().c_str());
        t0 = Clock::now();
        const double cpuBuild0 = cpuMs();
        if (auto st = approx.build(data.data(), rows, int(dim), ids.data(), ao); !st.ok()) {
            std::fprintf(stderr, "approximate build failed: %s\n", st.error().describe().c_str());
            return 1;
        }
        std::printf("approximate (IVF, int8 rows, spherical k-means): build %.1f s (CPU %.1f s), nlist %zu, memory "
                    "%.1f MiB (with the fp32 re-rank copy), kernel %s\n",
                    msSince(t0) / 1e3, (cpuMs() - cpuBuild0) / 1e3, approx.nlist(),
                    double(approx.memoryBytes()) / 1048576.0, diffclip::searchKernelName(approx.kernel()));
        const size_t defaultProbe = approx.nprobe();
        std::vector<size_t> probes = nprobes;
        if (probes.empty())
            probes = {defaultProbe / 2, defaultProbe, defaultProbe * 2, defaultProbe * 4};
        std::printf("load average before searching: %s\n", loadAverage().c_str());
        for (size_t probe : probes) {
            if (probe < 1 || probe > approx.nlist())
                continue;
            approx.setNprobe(probe);
            for (size_t f = 0; f < filters; ++f) {
                const diffclip::Filter* fl = f == 0 ? nullptr : &allow[f];
                std::vector<double> alat;
                size_t afound = 0, atotal = 0;
                (void)approx.search(qs.data(), k, fl);  // warm-up
                const double cpu0 = cpuMs();
                for (size_t q = 0; q < queries; ++q) {
                    t0 = Clock::now();
                    auto hits = approx.search(qs.data() + q * dim, k, fl);
                    alat.push_back(msSince(t0));
                    if (!hits.ok()) {
                        std::fprintf(stderr, "approximate search failed: %s\n", hits.error().describe().c_str());
                        return 1;
                    }
                    for (const auto& r : refs[f][q]) {
                        ++atotal;
                        for (const auto& h : *hits)
                            if (h.id == r.second)
                                ++afound;
                    }
                }
                std::printf("approximate nlist %zu nprobe %zu%s, %s: p50 %.3f ms, p95 %.3f ms, CPU %.3f ms per query; "
                            "recall@10 vs fp32 brute force %.4f\n",
                            approx.nlist(), probe, probe == defaultProbe ? " (default)" : "",
                            f == 0 ? "no filter" : (f == 1 ? "10% allowed" : "1% allowed"), percentile(alat, 0.5),
                            percentile(alat, 0.95), (cpuMs() - cpu0) / double(queries),
                            double(afound) / double(atotal));
            }
        }
#ifdef DIFFCLIP_BENCH_FAISS
        if (faissToo)
            measureFaiss(data, qs, rows, dim, queries, k, approx.nlist(), probes, refs[0]);
#endif
    }
    std::printf("load average at the end: %s\n", loadAverage().c_str());
    return 0;
}
