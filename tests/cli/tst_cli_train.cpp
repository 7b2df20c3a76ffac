// `diffclip train --mode self-supervised` as a user runs it: on a library's photos (one of them
// deleted from the disk meanwhile), the starter it writes taken up by `--mode scratch --init`,
// and the usage errors of the options that belong to the mode; `diffclip study data-needs` on a
// small tree, its usage errors and a missing tree; `diffclip library label-next` on the library.
// The tiny architecture on 12 NEU photos, run as separate processes.
#include <QtTest>

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>

#include "../support/CliRun.h"

using testsupport::diffclip;
using testsupport::json;
using testsupport::Run;

namespace {
const QString kNeu = QStringLiteral(DIFFCLIP_SHARED_DIR) + "/data/neu-cls";
}

class TestCliTrain : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_lib, m_photos;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const QString model = m_dir.filePath("tiny.pkg");
        QCOMPARE(diffclip({"import", "preset:diffclip-tiny", "--out", model}).exitCode, 0);
        m_photos = m_dir.filePath("photos");
        const QStringList classes = QDir(kNeu).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        QCOMPARE(classes.size(), 6);
        for (const QString& cls : classes) {
            QDir().mkpath(m_photos + "/" + cls);
            for (int i = 1; i <= 2; ++i) {
                const QString file = cls + "_" + QString::number(i) + ".jpg";
                QVERIFY(QFile::copy(kNeu + "/" + cls + "/" + file, m_photos + "/" + cls + "/" + file));
            }
        }
        m_lib = m_dir.filePath("plant.db");
        Run index = diffclip({"index", "--library", m_lib, "--model", model, "--labels-from-folders", m_photos});
        QVERIFY2(index.exitCode == 0, index.err.constData());
    }

    void selfSupervisedOnALibraryThenScratchFromIt() {
        // A photo the library knows but the disk no longer has is skipped, not fatal.
        QVERIFY(QFile::remove(m_photos + "/crazing/crazing_2.jpg"));
        const QString starter = m_dir.filePath("plant-starter");
        const QString searchPackage = m_dir.filePath("plant-ssl-package");
        Run ssl = diffclip({"train", "--mode", "self-supervised", "--library", m_lib, "--architecture", "preset:diffclip-tiny",
                            "--init", "random", "--epochs", "2", "--batch", "4", "--val-split", "0.25", "--out", starter,
                            "--package", searchPackage, "--json"});
        QVERIFY2(ssl.exitCode == 0, ssl.err.constData());
        const QJsonObject s = json(ssl);
        QCOMPARE(s["mode"].toString(), QString("self-supervised"));
        QCOMPARE(s["starter"].toString(), starter);
        QCOMPARE(s["data"].toObject()["photos"].toInt(), 11);
        QCOMPARE(s["data"].toObject()["skipped"].toInt(), 1);
        QCOMPARE(s["epochs_completed"].toInt(), 2);
        QVERIFY(s["after"].toObject().contains("view_match"));
        QVERIFY(ssl.err.contains("view match"));
        QVERIFY(QFile::exists(starter + "/starter.json"));
        QVERIFY(QFile::exists(starter + "/model.safetensors"));
        // The search package: the same weights, usable for indexing and photo search at once.
        QCOMPARE(s["package"].toString(), searchPackage);
        QVERIFY(ssl.err.contains("search package"));
        QVERIFY(QFile::exists(searchPackage + "/config.json") && QFile::exists(searchPackage + "/training.json"));
        const QString searchLib = m_dir.filePath("ssl-search.db");
        Run indexed = diffclip({"index", "--library", searchLib, "--model", searchPackage, m_photos});
        QVERIFY2(indexed.exitCode == 0, indexed.err.constData());
        Run found = diffclip({"search", "--library", searchLib, "--model", searchPackage, "--image",
                              m_photos + "/patches/patches_1.jpg", "--top", "3", "--json"});
        QVERIFY2(found.exitCode == 0, found.err.constData());
        QCOMPARE(json(found)["hits"].toArray().size(), 3);

        Run scratch = diffclip({"train", "--mode", "scratch", "--data", m_photos, "--architecture", "preset:diffclip-tiny",
                                "--init", starter, "--epochs", "1", "--batch", "4", "--out", m_dir.filePath("model"), "--json"});
        QVERIFY2(scratch.exitCode == 0, scratch.err.constData());
        const QJsonObject init = json(scratch)["parent"].toObject()["init"].toObject();
        QCOMPARE(init["kind"].toString(), QString("starter"));
        QCOMPARE(init["pretraining"].toObject()["command"].toString(), QString("diffclip train --mode self-supervised"));

        // Run again into the same folder: refused without --overwrite, nothing lost.
        Run again = diffclip({"train", "--mode", "self-supervised", "--data", m_photos, "--architecture",
                              "preset:diffclip-tiny", "--init", "random", "--epochs", "1", "--out", starter});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains("already exists"), again.err.constData());
        QVERIFY(QFile::exists(starter + "/starter.json"));
    }

    void usageErrors_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        const QString out = QStringLiteral("/nonexistent/out");
        QTest::newRow("library with scratch") << QStringList{"--mode", "scratch", "--library", "x.db", "--out", out} << "--library";
        QTest::newRow("temperature with scratch")
            << QStringList{"--mode", "scratch", "--data", "d", "--temperature", "0.1", "--out", out} << "--temperature";
        QTest::newRow("zero temperature")
            << QStringList{"--mode", "self-supervised", "--data", "d", "--temperature", "0", "--out", out} << "--temperature";
        QTest::newRow("neither data nor library") << QStringList{"--mode", "self-supervised", "--out", out} << "--library";
        QTest::newRow("both data and library")
            << QStringList{"--mode", "self-supervised", "--data", "d", "--library", "x.db", "--out", out} << "--library";
        QTest::newRow("package with scratch")
            << QStringList{"--mode", "scratch", "--data", "d", "--package", "p", "--out", out} << "--package";
        QTest::newRow("base with self-supervised")
            << QStringList{"--mode", "self-supervised", "--data", "d", "--base", "m", "--out", out} << "--base";
        QTest::newRow("unknown mode") << QStringList{"--mode", "unsupervised", "--data", "d", "--out", out} << "self-supervised";
    }
    void usageErrors() {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        Run r = diffclip(QStringList{"train"} + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(says.toUtf8()), r.err.constData());
    }

    // `study data-needs --mode linear` on 5 NEU photos per class (1 held out per class, 4 to
    // train on): sizes 1, 2 and all (4) give three points, the table and the JSON agree.
    void studyDataNeeds() {
        const QString tree = m_dir.filePath("study-tree");
        const QStringList classes = QDir(kNeu).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        for (const QString& cls : classes) {
            QDir().mkpath(tree + "/" + cls);
            for (int i = 1; i <= 5; ++i) {
                const QString file = cls + "_" + QString::number(i) + ".jpg";
                QVERIFY(QFile::copy(kNeu + "/" + cls + "/" + file, tree + "/" + cls + "/" + file));
            }
        }
        const QStringList args{"study", "data-needs", "--data", tree, "--mode", "linear", "--base", m_dir.filePath("tiny.pkg"),
                               "--sizes", "2,all,1", "--repeats", "2"};
        Run r = diffclip(args + QStringList{"--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject j = json(r);
        QCOMPARE(j["format"].toString(), QString("diffclip-data-needs/1"));
        QCOMPARE(j["held_out"].toInt(), 6);
        const QJsonArray points = j["points"].toArray();
        QCOMPARE(points.size(), 3);
        QCOMPARE(points[0].toObject()["requested"].toInt(), 1);
        QCOMPARE(points[0].toObject()["top1"].toArray().size(), 2);
        QCOMPARE(points[2].toObject()["requested"].toString(), QString("all"));
        QCOMPARE(points[2].toObject()["per_class"].toDouble(), 4.0);
        QCOMPARE(points[2].toObject()["top1"].toArray().size(), 1);
        QVERIFY(r.err.contains("1 per class, draw 2/2"));
        Run text = diffclip(args);
        QVERIFY2(text.exitCode == 0, text.err.constData());
        QVERIFY2(text.out.contains("held-out photos") && text.out.contains("all "), text.out.constData());
        QVERIFY(text.out.contains("learning curve"));
    }

    void studyUsageErrors_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        QTest::newRow("no subcommand") << QStringList{} << "subcommand";
        QTest::newRow("contrastive") << QStringList{"data-needs", "--data", "d", "--mode", "contrastive"} << "linear or scratch";
        QTest::newRow("bad size") << QStringList{"data-needs", "--data", "d", "--mode", "linear", "--sizes", "5,ten"} << "ten";
        QTest::newRow("zero repeats") << QStringList{"data-needs", "--data", "d", "--mode", "linear", "--repeats", "0"}
                                      << "--repeats";
        QTest::newRow("base with scratch") << QStringList{"data-needs", "--data", "d", "--mode", "scratch", "--base", "m"}
                                           << "--base";
        QTest::newRow("minutes with linear")
            << QStringList{"data-needs", "--data", "d", "--mode", "linear", "--minutes-per-run", "1"} << "--minutes-per-run";
        QTest::newRow("no data") << QStringList{"data-needs", "--mode", "linear"} << "--data";
    }
    void studyUsageErrors() {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        Run r = diffclip(QStringList{"study"} + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(says.toUtf8()), r.err.constData());
    }

    void aStudyOnAMissingTreeIsAClearError() {
        Run r = diffclip({"study", "data-needs", "--data", m_dir.filePath("no-tree"), "--mode", "linear", "--base",
                          m_dir.filePath("tiny.pkg")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no-tree"), r.err.constData());
    }

    // `library label-next` on the library of initTestCase (every photo labelled), then with two
    // unlabelled photos added: both listed, with their figures; a bad --top is a usage error.
    void libraryLabelNext() {
        Run all = diffclip({"library", "label-next", m_lib});
        QVERIFY2(all.exitCode == 0, all.err.constData());
        QVERIFY2(all.out.contains("Every embedded photo is labelled"), all.out.constData());
        const QString loose = m_dir.filePath("loose");
        QDir().mkpath(loose);
        for (const char* f : {"/scratches/scratches_3.jpg", "/patches/patches_3.jpg"})
            QVERIFY(QFile::copy(kNeu + f, loose + "/" + QFileInfo(QString::fromLatin1(f)).fileName()));
        Run index = diffclip({"index", "--library", m_lib, "--model", m_dir.filePath("tiny.pkg"), loose});
        QVERIFY2(index.exitCode == 0, index.err.constData());
        Run r = diffclip({"library", "label-next", m_lib, "--top", "5", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject j = json(r);
        QCOMPARE(j["unlabelled"].toInt(), 2);
        const QJsonArray s = j["suggestions"].toArray();
        QCOMPARE(s.size(), 2);
        for (const auto& v : s) {
            const QJsonObject o = v.toObject();
            QVERIFY(o["path"].toString().startsWith(loose));
            QVERIFY(o["uncertainty"].toDouble() >= 0.0 && o["uncertainty"].toDouble() <= 1.0);
            QVERIFY(o["priority"].toDouble() >= 0.0);
        }
        Run text = diffclip({"library", "label-next", m_lib});
        QVERIFY2(text.out.contains("2 of 2 unlabelled photos"), text.out.constData());
        QCOMPARE(diffclip({"library", "label-next", m_lib, "--top", "0"}).exitCode, 2);
    }

    void aLibraryThatIsNotThereIsAClearError() {
        Run r = diffclip({"train", "--mode", "self-supervised", "--library", m_dir.filePath("missing.db"), "--out",
                          m_dir.filePath("x")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("missing.db"), r.err.constData());
        QVERIFY(!QFile::exists(m_dir.filePath("missing.db")));  // opened read-only: nothing created
    }
};

QTEST_GUILESS_MAIN(TestCliTrain)
#include "tst_cli_train.moc"
