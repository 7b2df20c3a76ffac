// `diffclip demo generate`: exit codes, JSON output, reuse, and errors as one line.
#include <QtTest>

#include <cmath>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QFileInfo>
#include <QTemporaryDir>

#include "../support/CliRun.h"

using namespace testsupport;  // Run, diffclip(), json(), readFile(), writeFile()

class TestDemoCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Usage errors exit 2 (the help of `demo` and `demo generate` is checked with every
    // command's in tst_cli).
    void usageErrorsExitTwo_data() {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no photos per class") << QStringList{"demo", "--per-class", "0"};
        QTest::newRow("negative minutes") << QStringList{"demo", "--minutes", "-1"};
        QTest::newRow("negative threads") << QStringList{"demo", "--threads", "-1"};
        QTest::newRow("unknown subcommand") << QStringList{"demo", "paint"};
        QTest::newRow("generate without --out") << QStringList{"demo", "generate"};
        QTest::newRow("generate no photos") << QStringList{"demo", "generate", "--out", "x", "--per-class", "0"};
        QTest::newRow("generate negative seed") << QStringList{"demo", "generate", "--out", "x", "--seed", "-1"};
    }
    void usageErrorsExitTwo() {
        QFETCH(QStringList, args);
        const Run r = diffclip(args);
        QVERIFY2(r.exitCode == 2, r.err.constData());
    }

    // The whole demo, small: photos, a starter model trained for a few seconds, the demo library
    // and the measured figures; a second run reuses all three.
    void wholeDemoThenReuse() {
        QTemporaryDir tmp;
        const QString dir = tmp.path() + "/demo";
        const QStringList args{"demo", "--dir", dir, "--per-class", "4", "--minutes", "0.15", "--no-open", "--json"};
        Run r = diffclip(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject j = json(r);
        QCOMPARE(j["photos"].toInt(), 28);
        // The figures depend on the training; what they are made of does not.
        // Search: 28 leave-one-out queries, each a hit or a miss, so recall@K is a multiple of 1/28;
        // and they are the library's figures, so `diffclip evaluate` on the demo library gives the
        // same numbers by its own path.
        const double r1 = j["recall@1"].toDouble(-1), r5 = j["recall@5"].toDouble(-1);
        for (double recall : {r1, r5})
            QVERIFY2(recall >= 0 && std::fabs(recall * 28 - std::round(recall * 28)) < 1e-9, qPrintable(QString::number(recall)));
        QVERIFY(r1 <= r5);
        Run ev = diffclip({"evaluate", "--library", dir + "/demo.dclib", "--model", dir + "/model", "--k", "1,5",
                           "--latency-queries", "0", "--json"});
        QVERIFY2(ev.exitCode == 0, ev.err.constData());
        const QJsonObject overall = json(ev)["overall"].toObject();
        QCOMPARE(overall["queries"].toInt(), 28);
        QCOMPARE(overall["recall@1"].toDouble(), r1);
        QCOMPARE(overall["recall@5"].toDouble(), r5);
        QCOMPARE(overall["map"].toDouble(), j["map"].toDouble(-1));
        // Validation top-1: the figure training recorded, correct predictions over validation photos.
        const QJsonObject after =
            QJsonDocument::fromJson(readFile(dir + "/model/training.json")).object()["after"].toObject();
        const int validation = after["count"].toInt();
        QVERIFY2(validation >= 7, qPrintable(QString::number(validation)));  // a stratified 20 %: at least one per class
        QCOMPARE(j["val_top1"].toDouble(-1), after["top1"].toDouble());
        const double correct = j["val_top1"].toDouble() * validation;
        QVERIFY2(std::fabs(correct - std::round(correct)) < 1e-9, qPrintable(QString::number(correct)));
        // Attention in the masks: the first 10 photos of each of the 6 defect classes (here all 4),
        // every one with a defect; "good" photos have empty masks and are not counted.
        QCOMPARE(j["mask_photos"].toInt(), 6 * 4);
        for (const char* key : {"attention_in_masks", "mask_area"}) {  // shares of a whole
            const double v = j[QLatin1String(key)].toDouble(-1);
            QVERIFY2(v > 0 && v < 1, key);
        }
        QVERIFY(QFileInfo::exists(dir + "/model/config.json"));
        Run again = diffclip(args);
        QCOMPARE(again.exitCode, 0);
        QVERIFY(again.err.contains("reusing the trained model"));
        QCOMPARE(json(again)["recall@1"].toDouble(), j["recall@1"].toDouble());
    }

    void generateAndReuse() {
        QTemporaryDir tmp;
        const QString dir = tmp.path() + "/demo";
        Run r = diffclip({"demo", "generate", "--out", dir, "--per-class", "2", "--seed", "4", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = json(r);
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
        const QJsonObject ij = json(index);
        QCOMPARE(ij["added"].toInt(), 14);
        QCOMPARE(ij["metadata_matched"].toInt(), 14);
        QCOMPARE(ij["metadata_unmatched"].toInt(), 0);
    }

    void errorsAreOneLine() {
        QTemporaryDir tmp;
        writeFile(tmp.path() + "/file", {});
        Run r = diffclip({"demo", "generate", "--out", tmp.path() + "/file", "--per-class", "1"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.startsWith("diffclip: "));
        QVERIFY(r.err.contains("is not a folder"));
        QCOMPARE(r.err.count('\n'), 1);
    }
};

QTEST_GUILESS_MAIN(TestDemoCli)
#include "tst_demo_cli.moc"
