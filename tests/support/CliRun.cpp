#include "CliRun.h"

#include <QJsonDocument>
#include <QProcess>

namespace testsupport {

QString diffclipBinary() { return QStringLiteral(DIFFCLIP_BINARY_DIR "/bin/diffclip"); }

Run runProgram(const QString& program, const QStringList& args, int timeoutMs, const QProcessEnvironment& env) {
    QProcess p;
    if (!env.isEmpty()) p.setProcessEnvironment(env);
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.crashed = true;
        return r;
    }
    r.crashed = p.exitStatus() != QProcess::NormalExit;
    if (!r.crashed) r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

Run diffclip(const QStringList& args, int timeoutMs) { return runProgram(diffclipBinary(), args, timeoutMs); }

QJsonObject json(const Run& r) { return QJsonDocument::fromJson(r.out).object(); }

}  // namespace testsupport
