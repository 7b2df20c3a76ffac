// `diffclip-studio --help` and `--version` on a machine without a display (a server, an SSH
// session, a package build): they must print and exit 0 rather than abort because no window
// system can be reached. The built program runs as a separate process with QT_QPA_PLATFORM,
// DISPLAY and WAYLAND_DISPLAY removed from its environment.
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include "../support/CliRun.h"

namespace {

using testsupport::Run;

// The program's output as text.
QString text(const QByteArray& bytes) { return QString::fromUtf8(bytes); }

Run studio(const QStringList& args) {
    QTemporaryDir home;  // no user settings (language, theme) of the machine's user
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY", "LANGUAGE", "LC_ALL", "LC_MESSAGES"})
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    // A guard against a hang, not a speed check: help is printed at once.
    return testsupport::runProgram(qEnvironmentVariable("DIFFCLIP_BIN_DIR") + QStringLiteral("/diffclip-studio"), args,
                                   120000, env);
}

}  // namespace

class TestStudioCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        const QString bin = qEnvironmentVariable("DIFFCLIP_BIN_DIR") + QStringLiteral("/diffclip-studio");
        QVERIFY2(QFileInfo(bin).isExecutable(), qPrintable(bin + QStringLiteral(" is not built")));
    }

    void helpWithoutDisplay() {
        for (const QString& flag : {QStringLiteral("--help"), QStringLiteral("-h")}) {
            const Run r = studio({flag});
            QVERIFY2(!r.crashed, r.err.constData());
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.out.contains("Usage:"), qPrintable(text(r.out + r.err)));
            for (const char* option : {"--library", "--model", "--screenshot", "--lang", "--version"})
                QVERIFY2(r.out.contains(option), option);
        }
    }

    void versionWithoutDisplay() {
        const Run r = studio({QStringLiteral("--version")});
        QVERIFY2(!r.crashed, r.err.constData());
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(QRegularExpression(QStringLiteral("^diffclip-studio \\d+\\.\\d+")).match(text(r.out)).hasMatch(),
                 qPrintable(text(r.out + r.err)));
    }

    void helpIsTranslated() {
        // The options' descriptions follow --lang, also without a display.
        const Run r = studio({QStringLiteral("--lang"), QStringLiteral("ja"), QStringLiteral("--help")});
        QVERIFY2(!r.crashed, r.err.constData());
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(text(r.out).contains(QStringLiteral("今回の起動で使う表示言語")), qPrintable(text(r.out)));
    }

    void helpAfterOtherOptions() {
        // --help wins wherever it stands, and a window-system option (which only a GUI
        // application knows) does not turn it into an error.
        const Run r = studio({QStringLiteral("--theme"), QStringLiteral("dark"), QStringLiteral("-platform"),
                              QStringLiteral("xcb"), QStringLiteral("--help")});
        QVERIFY2(!r.crashed, r.err.constData());
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("Usage:"), qPrintable(text(r.out + r.err)));
    }
};

QTEST_GUILESS_MAIN(TestStudioCli)
#include "tst_studio_cli.moc"
