// `diffclip demo generate`: exit codes, JSON output, reuse, and errors as one line.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QFileInfo>
#include <QTemporaryDir>

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out, err;
};

Run diffclip(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(DIFFCLIP_BINARY_DIR) + "/bin/diffclip", args);
    Run r;
    if (!p.waitForFinished(300000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    if (p.exitStatus() == QProcess::NormalExit) r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

}  // namespace

class TestDemoCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void help() {
        Run h = diffclip({"--help"});
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.out.contains("demo generate"));
        Run g = diffclip({"demo", "generate", "--help"});
        QCOMPARE(g.exitCode, 0);
        QVERIFY(g.out.contains("--per-class"));
        Run d = diffclip({"demo", "--help"});
        QCOMPARE(d.exitCode, 0);
        QVERIFY(d.out.contains("--minutes"));
        QCOMPARE(diffclip({"demo", "--per-class", "0"}).exitCode, 2);
        QCOMPARE(diffclip({"demo", "--minutes", "-1"}).exitCode, 2);
        QCOMPARE(diffclip({"demo", "--threads", "-1"}).exitCode, 2);
        QCOMPARE(diffclip({"demo", "paint"}).exitCode, 2);
        QCOMPARE(diffclip({"demo", "generate"}).exitCode, 2);  // no --out
        QCOMPARE(diffclip({"demo", "generate", "--out", "x", "--per-class", "0"}).exitCode, 2);
        QCOMPARE(diffclip({"demo", "generate", "--out", "x", "--seed", "-1"}).exitCode, 2);
    }

    // The whole demo, small: photos, a starter model trained for a few seconds, the demo library
    // and the measured figures; a second run reuses all three.
    void wholeDemoThenReuse() {
        QTemporaryDir tmp;
        const QString dir = tmp.path() + "/demo";
        const QStringList args{"demo", "--dir", dir, "--per-class", "4", "--minutes", "0.15", "--no-open", "--json"};
        Run r = diffclip(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject j = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(j["photos"].toInt(), 28);
        for (const char* key : {"recall@1", "recall@5", "attention_in_masks", "mask_area", "val_top1"}) {
            const double v = j[QLatin1String(key)].toDouble(-1);
            QVERIFY2(v >= 0 && v <= 1, key);
        }
        QVERIFY(j["recall@1"].toDouble() <= j["recall@5"].toDouble());
        QVERIFY(j["mask_photos"].toInt() > 0);
        QVERIFY(QFileInfo::exists(dir + "/model/config.json"));
        Run again = diffclip(args);
        QCOMPARE(again.exitCode, 0);
        QVERIFY(again.err.contains("reusing the trained model"));
        QCOMPARE(QJsonDocument::fromJson(again.out).object()["recall@1"].toDouble(), j["recall@1"].toDouble());
    }

    void generateAndReuse() {
        QTemporaryDir tmp;
        const QString dir = tmp.path() + "/demo";
        Run r = diffclip({"demo", "generate", "--out", dir, "--per-class", "2", "--seed", "4", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(j["photos"].toInt(), 14);
        QCOMPARE(j["written"].toInt(), 14);
        QCOMPARE(j["reused"].toBool(), false);
        QCOMPARE(j["classes"].toArray().size(), 7);
        QCOMPARE(j["photos_dir"].toString(), dir + "/photos");
        QVERIFY(QFile::exists(dir + "/photos/scratch/scratch-0002.jpg"));
        QVERIFY(QFile::exists(dir + "/masks/scratch/scratch-0002.png"));
        QVERIFY(QFile::exists(dir + "/metadata.csv"));

        Run again = diffclip({"demo", "generate", "--out", dir, "--per-class", "2", "--seed", "4"});
        QCOMPARE(again.exitCode, 0);
        QVERIFY(again.out.isEmpty());
        QVERIFY(again.err.contains("Reused"));

        // What it writes is what `index` reads: folder labels and every metadata row matched.
        Run index = diffclip({"index", "--library", tmp.path() + "/demo.db", "--model", "preset:diffclip-tiny",
                              "--labels-from-folders", "--metadata", dir + "/metadata.csv", dir + "/photos", "--json"});
        QCOMPARE(index.exitCode, 0);
        const QJsonObject ij = QJsonDocument::fromJson(index.out).object();
        QCOMPARE(ij["added"].toInt(), 14);
        QCOMPARE(ij["metadata_matched"].toInt(), 14);
        QCOMPARE(ij["metadata_unmatched"].toInt(), 0);
    }

    void errorsAreOneLine() {
        QTemporaryDir tmp;
        QFile f(tmp.path() + "/file");
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        Run r = diffclip({"demo", "generate", "--out", tmp.path() + "/file", "--per-class", "1"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.startsWith("diffclip: "));
        QVERIFY(r.err.contains("is not a folder"));
        QCOMPARE(r.err.count('\n'), 1);
    }
};

QTEST_GUILESS_MAIN(TestDemoCli)
#include "tst_demo_cli.moc"
