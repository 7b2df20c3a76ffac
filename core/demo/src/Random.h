#pragma once
// A small deterministic random source. The standard distributions are implementation-defined
// (libstdc++ and libc++ give different numbers), so the demo draws its own from SplitMix64.

#include <cmath>
#include <cstdint>

namespace diffclip::demo {

constexpr double kPi = 3.14159265358979323846;

inline uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/// A seed derived from a parent seed and a tag: independent streams for independent parts.
inline uint64_t deriveSeed(uint64_t seed, uint64_t tag) {
    uint64_t s = seed ^ (tag * 0xD1B54A32D192ED03ULL);
    splitmix64(s);
    return splitmix64(s);
}

class Rng {
public:
    explicit Rng(uint64_t seed) : m_state(seed) {}

    uint64_t next() { return splitmix64(m_state); }
    /// Uniform in [0, 1).
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    /// Uniform integer in [lo, hi].
    int range(int lo, int hi) { return lo + int(next() % uint64_t(hi - lo + 1)); }
    bool chance(double p) { return uniform() < p; }
    /// Standard normal (Box-Muller; one value per call keeps the stream simple to reason about).
    double normal() {
        const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
    }

private:
    uint64_t m_state;
};

}  // namespace diffclip::demo
