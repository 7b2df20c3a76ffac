#pragma once
// Small helpers shared by the tests (header only, Qt Core and POSIX; no product code):
//  - testSeed(): the seed of a test's random choices (kill timings), printed so that a failure
//    can be replayed with DIFFCLIP_TEST_SEED=N ctest -R <test>.
//  - AddressSpaceCap: a scoped RLIMIT_AS a little above what the process maps now, so that a
//    test can show that hostile input is refused before a big allocation (the allocation would
//    fail under the cap) instead of timing the call.
//  - readFile(), writeFile(): a file's bytes, and writing a file as a checked step of a test.
//  - useOwnSettings(): QSettings of the test's own, never the developer's.
//  - forkWithPipe(): a forked child that reports to the test through a pipe.
//  - DIFFCLIP_TEST_GUILESS_MAIN(T): QTEST_GUILESS_MAIN for an executable that CTest runs in parts
//    (diffclip_add_test PARTS, cmake/DiffclipTesting.cmake): the part that runs "the other
//    functions" names those it leaves out in DIFFCLIP_TEST_SKIP.

#include <QByteArray>
#include <QCoreApplication>
#include <QFile>
#include <QSettings>
#include <QMetaMethod>
#include <QStringList>
#include <QtGlobal>
#include <QtTest/qtest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
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

/// The bytes of a file, empty when it cannot be read.
inline QByteArray readFile(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// Writes `bytes` to a new or truncated file; a failure fails the calling test (QVERIFY2 in a
/// function of its own: the test goes on, marked failed).
inline void writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path + QStringLiteral(": ") + f.errorString()));
    QVERIFY2(f.write(bytes) == bytes.size(), qPrintable(path + QStringLiteral(": ") + f.errorString()));
}

/// Settings of the test's own, never the developer's: QSettings in INI files below `dir`, under
/// the organisation "DiffClipStudioTest" (the application name is the test executable's).
inline void useOwnSettings(const QString& dir) {
    QCoreApplication::setOrganizationName(QStringLiteral("DiffClipStudioTest"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir);
}

/// A child forked with a pipe to the parent (forkWithPipe): its pid, -1 when it could not be
/// started, and the pipe's reading end.
struct ForkedChild {
    pid_t pid = -1;
    int readFd = -1;
};

/// Forks; the child runs `child(fd)` with the pipe's writing end `fd` and then _exit(0)s unless
/// `child` exits first (a child never returns into the test). The parent gets the child's pid and
/// the reading end, to read and close, and waits for the child itself.
template <typename Child>
ForkedChild forkWithPipe(Child child) {
    int fds[2];
    if (::pipe(fds) != 0) return {};
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return {};
    }
    if (pid == 0) {
        ::close(fds[0]);
        child(fds[1]);
        _exit(0);
    }
    ::close(fds[1]);
    return {pid, fds[0]};
}

/// Bytes of address space the process maps now (VmSize), 0 when it cannot be read.
inline std::uint64_t mappedBytes() {
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long long pages = 0;
    const int n = std::fscanf(f, "%llu", &pages);
    std::fclose(f);
    return n == 1 ? pages * std::uint64_t(::sysconf(_SC_PAGESIZE)) : 0;
}

/// While alive, the soft RLIMIT_AS is what the process maps now plus `headroom` bytes; the
/// previous limit comes back at destruction. Raising the soft limit back up to the hard limit
/// needs no privilege, so this works in any process. Keep the scope to the single call under
/// test: other threads' allocations are capped too.
class AddressSpaceCap {
public:
    explicit AddressSpaceCap(std::uint64_t headroom) {
        const std::uint64_t now = mappedBytes();
        if (now == 0 || ::getrlimit(RLIMIT_AS, &m_previous) != 0) return;
        rlimit capped = m_previous;
        capped.rlim_cur = rlim_t(now + headroom);
        if (m_previous.rlim_max != RLIM_INFINITY && capped.rlim_cur > m_previous.rlim_max) return;
        if (::setrlimit(RLIMIT_AS, &capped) != 0) return;
        m_limit = capped.rlim_cur;
        // The cap must bite: an allocation of twice the headroom fails under it.
        void* volatile probe = std::malloc(std::size_t(2 * headroom));  // volatile: never optimised away
        m_active = probe == nullptr;
        std::free(probe);
        if (!m_active) ::setrlimit(RLIMIT_AS, &m_previous);
    }
    ~AddressSpaceCap() {
        if (m_active) ::setrlimit(RLIMIT_AS, &m_previous);
    }
    AddressSpaceCap(const AddressSpaceCap&) = delete;
    AddressSpaceCap& operator=(const AddressSpaceCap&) = delete;

    /// Whether the cap is in force and an allocation of twice the headroom fails under it (check
    /// it: a test without the cap proves nothing).
    bool active() const { return m_active; }
    std::uint64_t limit() const { return m_limit; }

private:
    rlimit m_previous{};
    bool m_active = false;
    std::uint64_t m_limit = 0;
};

/// The arguments for QTest::qExec: argv as it is, and when DIFFCLIP_TEST_SKIP names test
/// functions (separated by commas) and argv names none, every test function of `test` but those,
/// in their order (what CTest's "others" part of a split executable runs); a name there that is
/// no test function fails the run. Empty when nothing is left to run. Test functions as Qt Test
/// finds them: private slots without parameters, other than initTestCase, cleanupTestCase, init,
/// cleanup and the *_data functions.
inline QStringList argumentsSkipping(const QObject& test, int argc, char** argv) {
    QStringList args;
    for (int i = 0; i < argc; ++i) args << QString::fromLocal8Bit(argv[i]);
    const QStringList skip = qEnvironmentVariable("DIFFCLIP_TEST_SKIP").split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (skip.isEmpty()) return args;
    QStringList functions;
    const QMetaObject* meta = test.metaObject();
    for (int i = 0; i < meta->methodCount(); ++i) {
        const QMetaMethod m = meta->method(i);
        const QString name = QString::fromLatin1(m.name());
        if (m.access() != QMetaMethod::Private || m.methodType() != QMetaMethod::Slot || m.parameterCount() != 0 ||
            name.endsWith(QLatin1String("_data")) ||
            QStringList{"initTestCase", "cleanupTestCase", "init", "cleanup"}.contains(name))
            continue;
        functions << name;
    }
    for (int i = 1; i < args.size(); ++i)
        if (functions.contains(args[i].section(QLatin1Char(':'), 0, 0))) return args;  // functions named: run those
    QStringList unknown;  // passed on, so that Qt Test fails on them as on any unknown function
    for (const QString& name : skip)
        if (!functions.removeAll(name)) unknown << name;
    if (functions.isEmpty() && unknown.isEmpty()) return {};
    return args + functions + unknown;
}

}  // namespace testsupport

/// QTEST_GUILESS_MAIN that honours DIFFCLIP_TEST_SKIP (argumentsSkipping).
#define DIFFCLIP_TEST_GUILESS_MAIN(TestObject)                                                   \
    int main(int argc, char* argv[]) {                                                          \
        QCoreApplication app(argc, argv);                                                       \
        app.setAttribute(Qt::AA_Use96Dpi, true);                                                \
        TestObject tc;                                                                          \
        QTEST_SET_MAIN_SOURCE_PATH                                                              \
        const QStringList arguments = testsupport::argumentsSkipping(tc, argc, argv);           \
        return arguments.isEmpty() ? 0 : QTest::qExec(&tc, arguments);                          \
    }
