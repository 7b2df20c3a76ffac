#pragma once
// The built programs (diffclip, diffclip-studio) run as separate processes, as scripts use them,
// for the command-line tests. Qt Core, no product code: the static library diffclip_test_cli
// (tests/CMakeLists.txt), built once for all of them.

#include <QByteArray>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include "TestSupport.h"  // readFile(), writeFile()

namespace testsupport {

/// What a finished program left: its exit code (-1 when it crashed or ran past its time, so
/// that a crash never passes for an exit code a test expects), and its two output streams.
struct Run {
    int exitCode = -1;
    bool crashed = false;  // killed by a signal, or by runProgram after the time ran out
    QByteArray out, err;
};

/// DIFFCLIP_BINARY_DIR/bin/diffclip, the command line under test.
QString diffclipBinary();

/// Runs `program args` in `env` (the test's own environment when empty) and waits for it up to
/// `timeoutMs` (a guard against a hang, not a speed check: CTest's limit governs).
Run runProgram(const QString& program, const QStringList& args, int timeoutMs = 600000,
               const QProcessEnvironment& env = QProcessEnvironment());

/// `diffclip args`.
Run diffclip(const QStringList& args, int timeoutMs = 600000);

/// The object a `--json` run printed (empty when it printed none).
QJsonObject json(const Run& r);

}  // namespace testsupport
