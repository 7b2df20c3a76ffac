#pragma once
// Small helpers shared by the tests (header only, Qt Core and POSIX; no product code):
//  - testSeed(): the seed of a test's random choices (kill timings), printed so that a failure
//    can be replayed with DIFFCLIP_TEST_SEED=N ctest -R <test>.

#include <QByteArray>
#include <QtGlobal>

#include <cstdint>
#include <random>
#include <string>

namespace testsupport {

/// DIFFCLIP_TEST_SEED when set (a decimal number), else a fresh random seed; printed with
/// qInfo() under `test`'s name either way. Put the seed into failure messages too.
inline std::uint64_t testSeed(const char* test) {
    std::uint64_t seed = 0;
    const QByteArray fromEnv = qgetenv("DIFFCLIP_TEST_SEED");
    bool parsed = false;
    if (!fromEnv.isEmpty()) seed = fromEnv.toULongLong(&parsed);
    if (!parsed) {
        if (!fromEnv.isEmpty()) qWarning("DIFFCLIP_TEST_SEED=%s is not a number; using a fresh seed", fromEnv.constData());
        std::random_device device;
        seed = (std::uint64_t(device()) << 32) ^ device();
    }
    qInfo("%s: seed %llu (replay with DIFFCLIP_TEST_SEED=%llu)", test, static_cast<unsigned long long>(seed),
          static_cast<unsigned long long>(seed));
    return seed;
}

}  // namespace testsupport
