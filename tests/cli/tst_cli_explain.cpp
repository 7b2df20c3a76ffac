// `diffclip explain` as scripts use it: figures, JSON summary numbers, folders with masks,
// and clear failures for bad input.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include "../support/CliRun.h"

namespace {

const QString kShared = QStringLiteral(DIFFCLIP_SHARED_DIR);
const QString kDiff = kShared + "/fixtures/diffclip-tiny-a/model.safetensors";
const QString kStd = kShared + "/fixtures/clip-std-tiny-a/model.safetensors";
const QString kPhoto = kShared + "/data/neu-cls/crazing/crazing_1.jpg";
const QString kOther = kShared + "/data/neu-cls/scratches/scratches_1.jpg";

using namespace testsupport;  // Run, json()

// `diffclip explain args`.
Run explain(const QStringList& args) { return diffclip(QStringList{"explain"} + args); }

}  // namespace

class TestCliExplain : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(QFile::exists(kPhoto));
        QVERIFY(QFile::exists(kOther));
        QVERIFY(m_dir.isValid());
    }

    void help() {
        Run h = explain({"--help"});
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.out.contains("--diff-vs-a1"));
        QVERIFY(h.out.contains("--masks"));
    }

    void attentionFigureAndJson() {
        const QString out = m_dir.filePath("attention.png");
        Run r = explain({"--model", kDiff, "--image", kPhoto, "--out", out, "--json", "--steps", "4"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonObject j = json(r);
        QCOMPARE(j["method"].toString(), QString("attention"));
        QVERIFY(j["scale"].toObject()["diverging"].toBool());  // A1 - lambda*A2 is signed
        QCOMPARE(j["scale"].toObject()["low"].toDouble(), -j["scale"].toObject()["high"].toDouble());
        QJsonObject pane = j["images"].toArray()[0].toObject()["panes"].toArray()[0].toObject();
        QCOMPARE(pane["component"].toString(), QString("diff"));
        QCOMPARE(pane["layer"].toInt(), 1);
        QCOMPARE(pane["lambda"].toArray().size(), 2);
        QJsonObject s = pane["summary"].toObject();
        for (const char* k : {"entropy", "normalised_entropy", "top10_share", "positive_share"}) QVERIFY2(s[k].isDouble(), k);
        QVERIFY(s["region_share"].isNull());
        QVERIFY(s["top10_share"].toDouble() > 0 && s["top10_share"].toDouble() <= 1);
        QJsonObject f = pane["faithfulness"].toObject();
        QCOMPARE(f["deletion"].toArray().size(), 5);
        QVERIFY(f["insertion_auc"].isDouble());
        QImage img(out);
        QVERIFY(!img.isNull());
        QVERIFY(img.width() > 2 * 224);  // photo + map panes at display size, plus the colour bar
        QVERIFY(img.height() >= 224);
    }

    void diffVsA1Rollout() {
        const QString out = m_dir.filePath("rollout.png");
        Run r = explain({"--model", kDiff, "--image", kPhoto, "--method", "rollout", "--diff-vs-a1", "--head", "max",
                         "--out", out, "--json", "--steps", "0"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonArray panes = json(r)["images"].toArray()[0].toObject()["panes"].toArray();
        QCOMPARE(panes.size(), 2);
        QCOMPARE(panes[0].toObject()["component"].toString(), QString("a1"));
        QCOMPARE(panes[1].toObject()["component"].toString(), QString("diff"));
        QVERIFY(panes[0].toObject()["faithfulness"].isNull());
        QVERIFY(QImage(out).width() > 3 * 224);
    }

    void compareWithStandardOnText() {
        const QString out = m_dir.filePath("compare.png");
        Run r = explain({"--model", kDiff, "--compare", kStd, "--image", kPhoto, "--method", "similarity", "--text",
                         "crazing on a steel surface", "--out", out, "--json", "--steps", "3"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonObject j = json(r);
        QCOMPARE(j["query"].toObject()["kind"].toString(), QString("text"));
        QJsonArray panes = j["images"].toArray()[0].toObject()["panes"].toArray();
        QCOMPARE(panes.size(), 2);
        QCOMPARE(panes[1].toObject()["model"].toString(), kStd);
        QVERIFY(panes[0].toObject()["similarity"].isDouble());
        QVERIFY(QFile::exists(out));
    }

    void gradientAgainstPhoto() {
        const QString out = m_dir.filePath("gradient.png");
        Run r = explain({"--model", kStd, "--image", kPhoto, "--method", "gradient", "--against", kOther, "--layer",
                         "0", "--out", out, "--steps", "2"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("grad x input, block 0"));
        QVERIFY(r.out.contains("deletion AUC"));
        QVERIFY(QFile::exists(out));
    }

    void folderWithMasks() {
        QDir root(m_dir.path());
        QVERIFY(root.mkpath("photos/a") && root.mkpath("masks/a") && root.mkpath("figures"));
        QVERIFY(QFile::copy(kPhoto, root.filePath("photos/a/one.jpg")));
        QVERIFY(QFile::copy(kOther, root.filePath("photos/two.jpg")));
        QVERIFY(QFile::copy(kShared + "/data/neu-cls/inclusion/inclusion_1.jpg", root.filePath("photos/three.jpg")));
        // Photo-sized mask (NEU photos are 200x200): the left half; and a patch-grid mask (4x4).
        QImage half(200, 200, QImage::Format_Grayscale8);
        half.fill(0);
        for (int y = 0; y < 200; ++y)
            for (int x = 0; x < 100; ++x) half.setPixel(x, y, qRgb(255, 255, 255));
        QVERIFY(half.save(root.filePath("masks/a/one.png")));
        QImage cells(4, 4, QImage::Format_Grayscale8);
        cells.fill(0);
        cells.setPixel(1, 1, qRgb(255, 255, 255));
        QVERIFY(cells.save(root.filePath("masks/two.png")));
        Run r = explain({"--model", kDiff, "--folder", root.filePath("photos"), "--masks", root.filePath("masks"),
                         "--out", root.filePath("figures"), "--json", "--steps", "2"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonObject j = json(r);
        QJsonArray images = j["images"].toArray();
        QCOMPARE(images.size(), 3);
        int withRegion = 0;
        for (const auto& i : images) {
            QJsonObject s = i.toObject()["panes"].toArray()[0].toObject()["summary"].toObject();
            if (!s["region_share"].isNull()) ++withRegion;
            QVERIFY(QFile::exists(i.toObject()["out"].toString()));
        }
        QCOMPARE(withRegion, 2);
        QJsonObject avg = j["average"].toArray()[0].toObject();
        QCOMPARE(avg["images"].toInt(), 3);
        QCOMPARE(avg["images_with_mask"].toInt(), 2);
        QVERIFY(avg["region_share"].isDouble());
        QVERIFY(avg["deletion_auc"].isDouble());
        QVERIFY(QFile::exists(root.filePath("figures/a_one.png")));
        // Human output prints the averages.
        Run h = explain({"--model", kDiff, "--folder", root.filePath("photos"), "--out", root.filePath("figures"),
                         "--steps", "0"});
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.out.contains("Average over 3 photos"));
    }

    void badInput_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QString out = QDir::tempPath() + "/diffclip-explain-never-written.png";
        QTest::newRow("missing image") << QStringList{"--model", kDiff, "--image", "/no/such/photo.jpg", "--out", out}
                                       << 1 << "/no/such/photo.jpg";
        QTest::newRow("layer out of range")
            << QStringList{"--model", kDiff, "--image", kPhoto, "--layer", "5", "--out", out} << 1
            << "--layer 5 does not exist";
        QTest::newRow("layer not a number")
            << QStringList{"--model", kDiff, "--image", kPhoto, "--layer", "last", "--out", out} << 2 << "--layer";
        QTest::newRow("negative layer")
            << QStringList{"--model", kDiff, "--image", kPhoto, "--layer", "-1", "--out", out} << 2 << "--layer";
        QTest::newRow("head out of range")
            << QStringList{"--model", kDiff, "--image", kPhoto, "--head", "2", "--out", out} << 1 << "--head 2";
        QTest::newRow("bad head") << QStringList{"--model", kDiff, "--image", kPhoto, "--head", "all", "--out", out}
                                  << 2 << "--head";
        QTest::newRow("bad method") << QStringList{"--model", kDiff, "--image", kPhoto, "--method", "cam", "--out", out}
                                    << 2 << "unknown method";
        QTest::newRow("similarity without query")
            << QStringList{"--model", kDiff, "--image", kPhoto, "--method", "similarity", "--out", out} << 2
            << "needs --against";
        QTest::newRow("head with gradient")
            << QStringList{"--model", kDiff, "--image", kPhoto, "--method", "gradient", "--text", "x", "--head", "1",
                           "--out", out}
            << 2 << "--head does not apply";
        QTest::newRow("no out") << QStringList{"--model", kDiff, "--image", kPhoto} << 2 << "--out";
        QTest::newRow("image and folder")
            << QStringList{"--model", kDiff, "--image", kPhoto, "--folder", "/tmp", "--out", out} << 2 << "either";
        QTest::newRow("diff-vs-a1 on standard")
            << QStringList{"--model", kStd, "--image", kPhoto, "--diff-vs-a1", "--out", out} << 1 << "differential";
        QTest::newRow("a1 of standard")
            << QStringList{"--model", kStd, "--image", kPhoto, "--component", "a1", "--out", out} << 1 << "a1";
        QTest::newRow("missing model")
            << QStringList{"--model", "/no/such/model.safetensors", "--image", kPhoto, "--out", out} << 1
            << "/no/such/model.safetensors";
        QTest::newRow("missing query photo")
            << QStringList{"--model", kDiff, "--image", kPhoto, "--against", "/no/query.jpg", "--out", out} << 1
            << "/no/query.jpg";
        QTest::newRow("not a photo") << QStringList{"--model", kDiff, "--image", kDiff, "--out", out} << 1 << "";
        QTest::newRow("unwritable out")
            << QStringList{"--model", kDiff, "--image", kPhoto, "--out", "/no/such/dir/x.png", "--steps", "0"} << 1
            << "/no/such/dir/x.png";
    }

    void badInput() {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        Run r = explain(args);
        QVERIFY(!r.crashed);
        QVERIFY2(r.exitCode == exitCode, r.err.constData());
        QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
        QVERIFY(r.err.startsWith("diffclip: "));
        QVERIFY(r.out.isEmpty());
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestCliExplain)
#include "tst_cli_explain.moc"
