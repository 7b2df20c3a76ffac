// What the job contract (diffclip/base/Job.h) costs a loop that reports every item: ns per
// Progress::update() (throttled to the default 100 ms; the callback counts deliveries), per
// advance() from two threads at once, per CancelToken::cancelled(), and per update() of a
// default Progress (reports nowhere). Prints figures; asserts nothing.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

#include "diffclip/base/Job.h"

using namespace diffclip;
using Clock = std::chrono::steady_clock;

namespace {

double nsPer(Clock::time_point t0, int64_t n) {
    return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / double(n);
}

}  // namespace

int main() {
    constexpr int64_t kN = 20'000'000;
    int64_t delivered = 0;
    Progress p([&](const ProgressUpdate&) { ++delivered; });
    p.stage("bench", kN);
    auto t0 = Clock::now();
    for (int64_t i = 1; i <= kN; ++i) p.update(i);
    const double update = nsPer(t0, kN);
    std::printf("Progress::update, one thread:        %6.1f ns/call (%lld of %lld delivered)\n", update,
                (long long)delivered, (long long)kN);

    p.stage("bench", kN);
    delivered = 0;
    t0 = Clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t)
        threads.emplace_back([&p] {
            for (int64_t i = 0; i < kN / 2; ++i) p.advance();
        });
    for (auto& t : threads) t.join();
    std::printf("Progress::advance, two threads:      %6.1f ns/call (wall time per call, done %lld)\n", nsPer(t0, kN),
                (long long)p.current().done);

    CancelToken token;
    int64_t seen = 0;
    t0 = Clock::now();
    for (int64_t i = 0; i < kN; ++i) seen += token.cancelled() ? 1 : 0;
    std::printf("CancelToken::cancelled:              %6.1f ns/call (%lld)\n", nsPer(t0, kN), (long long)seen);

    Progress nowhere;
    t0 = Clock::now();
    for (int64_t i = 1; i <= kN; ++i) nowhere.update(i);
    std::printf("Progress::update, default (nowhere): %6.1f ns/call\n", nsPer(t0, kN));
    return 0;
}
