// bench_sha256 [MiB=256] [FILE...]
// Throughput of diffclip::Sha256 on MiB of pseudo-random bytes in memory: one update over the
// whole buffer, 1 MiB updates (how sha256File streams), and 100 KiB whole-message hashes (a
// typical inspection photo, as the indexer hashes them). Then sha256File on each FILE (the
// page cache warmed by one untimed pass). Prints GB/s (10^9 bytes per second, best of 3 runs)
// by wall clock and by the thread's CPU time (which a shared, loaded machine disturbs less),
// the CPU's SHA/AVX flags and the load average.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <time.h>
#include <vector>

#include "diffclip/formats/Sha256.h"

namespace {

using Clock = std::chrono::steady_clock;

std::string cpuFlags()
{
    std::ifstream f("/proc/cpuinfo");
    std::set<std::string> found;
    for (std::string line; std::getline(f, line);) {
        if (line.rfind("flags", 0) != 0)
            continue;
        std::istringstream words(line);
        for (std::string w; words >> w;)
            if (w == "sha_ni" || w == "avx2" || w == "avx512f")
                found.insert(w);
    }
    std::string out;
    for (const auto& w : found)
        out += (out.empty() ? "" : " ") + w;
    return out.empty() ? "(none of sha_ni avx2 avx512f)" : out;
}

std::string loadAverage()
{
    std::ifstream f("/proc/loadavg");
    std::string a, b, c;
    f >> a >> b >> c;
    return a + " " + b + " " + c;
}

double threadCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

struct Rate {
    double wall = 0;  // GB/s by wall clock
    double cpu = 0;   // GB/s by this thread's CPU time
};

// Best of three runs of fn (which hashes `bytes` bytes).
template <typename Fn>
Rate bestGbps(size_t bytes, Fn fn)
{
    Rate best;
    for (int run = 0; run < 3; ++run) {
        const auto t0 = Clock::now();
        const double c0 = threadCpuSeconds();
        fn();
        const double c = threadCpuSeconds() - c0;
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        best.wall = std::max(best.wall, double(bytes) / s / 1e9);
        best.cpu = std::max(best.cpu, double(bytes) / c / 1e9);
    }
    return best;
}

}  // namespace

int main(int argc, char** argv)
{
    const long mib = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 256;
    if (mib < 1 || mib > 16384) {
        std::fprintf(stderr, "usage: bench_sha256 [MiB=256 (1..16384)] [FILE...]\n");
        return 2;
    }
    const size_t size = size_t(mib) << 20;
    std::vector<uint8_t> data(size);
    uint64_t s = 0x9e3779b97f4a7c15ull;
    for (auto& b : data) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        b = uint8_t(s);
    }
    std::printf("cpu flags: %s\nload average: %s\n", cpuFlags().c_str(), loadAverage().c_str());

    std::string digest;
    const Rate whole = bestGbps(size, [&] {
        diffclip::Sha256 h;
        h.update(data.data(), data.size());
        digest = h.hexDigest();
    });
    std::printf("one update over %ld MiB: %.3f GB/s wall, %.3f GB/s CPU (%s)\n", mib, whole.wall, whole.cpu,
                digest.c_str());

    const Rate chunked = bestGbps(size, [&] {
        diffclip::Sha256 h;
        for (size_t off = 0; off < size; off += size_t(1) << 20)
            h.update(data.data() + off, std::min(size - off, size_t(1) << 20));
        if (h.hexDigest() != digest)
            std::fprintf(stderr, "digest mismatch between one update and 1 MiB updates\n"), std::exit(1);
    });
    std::printf("1 MiB updates:            %.3f GB/s wall, %.3f GB/s CPU\n", chunked.wall, chunked.cpu);

    const size_t photo = 100 * 1024;
    const size_t photos = size / photo;
    const Rate small = bestGbps(photos * photo, [&] {
        for (size_t i = 0; i < photos; ++i)
            digest = diffclip::sha256Hex(std::string(reinterpret_cast<const char*>(data.data()) + i * photo, photo));
    });
    std::printf("%zu x 100 KiB messages:  %.3f GB/s wall, %.3f GB/s CPU (%.1f us CPU per message)\n", photos,
                small.wall, small.cpu, double(photo) / (small.cpu * 1e9) * 1e6);

    for (int i = 2; i < argc; ++i) {
        struct stat st {};
        if (stat(argv[i], &st) != 0) {
            std::fprintf(stderr, "cannot stat %s\n", argv[i]);
            return 1;
        }
        auto warm = diffclip::sha256File(argv[i]);
        if (!warm) {
            std::fprintf(stderr, "%s\n", warm.error().describe().c_str());
            return 1;
        }
        const Rate file = bestGbps(size_t(st.st_size), [&] { (void)diffclip::sha256File(argv[i]); });
        std::printf("sha256File %s (%.1f MiB): %.3f GB/s wall, %.3f GB/s CPU\n", argv[i],
                    double(st.st_size) / 1048576.0, file.wall, file.cpu);
    }
    return 0;
}
