// `diffclip index / search / library check / export` on the real NEU photos and on bad files,
// including an indexer killed at random points.
#include <QtTest>

#include <unistd.h>

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include "../support/CliRun.h"
#include "../support/TestSupport.h"

namespace {

const QString kShared = QStringLiteral(DIFFCLIP_SHARED_DIR);
const QString kNeu = kShared + "/data/neu-cls";

using namespace testsupport;  // Run, diffclip(), json(), readFile(), writeFile() ...

quint32 crc32(const QByteArray& data) {
    quint32 c = 0xffffffffu;
    for (unsigned char b : data) {
        c ^= b;
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

QByteArray pngChunk(const QByteArray& type, const QByteArray& data) {
    QByteArray out;
    QDataStream s(&out, QIODevice::WriteOnly);
    s << quint32(data.size());
    out += type + data;
    const quint32 crc = crc32(type + data);
    QDataStream t(&out, QIODevice::Append);
    t << crc;
    return out;
}

// The share (percent) of its photos an indexing run has reported as stored, from the last whole
// progress line it wrote to stderr ("index: decode+embed 48/300, ..."); -1 before the first.
int storedPercent(const QByteArray& err) {
    const QByteArray whole = err.left(err.lastIndexOf('\n') + 1);
    const int at = whole.lastIndexOf("decode+embed ");
    if (at < 0) return -1;
    const QByteArray counts = whole.mid(at + 13, whole.indexOf('\n', at) - at - 13).split(',').front();
    const int slash = counts.indexOf('/');
    const int done = counts.left(slash).toInt(), total = counts.mid(slash + 1).toInt();
    return slash > 0 && total > 0 ? 100 * done / total : -1;
}

// The unfinished claims that runs which ended abruptly (killed, or unable to write) left on the
// photos they were working on: how many, and when (ms since the epoch) the last of them expires.
// A next run that waited for them (instead of seeing that their processes are gone,
// base/ProcessIdentity.h) could not end before then. tst_indexing and tst_claims check the
// waiting for claims that still hold. Count -1 when sqlite3 fails.
struct LeftClaims {
    int count = -1;
    qint64 lastExpiryMs = 0;
};
LeftClaims unfinishedClaims(const QString& lib) {
    const Run r = runProgram(
        "sqlite3", {lib, "SELECT COUNT(*) || ' ' || COALESCE(MAX(expires_at), 0) FROM claims WHERE done = 0"});
    if (r.exitCode != 0) qWarning("sqlite3: %s", r.err.constData());
    const QList<QByteArray> parts = r.out.trimmed().split(' ');
    if (r.exitCode != 0 || parts.size() != 2) return {};
    return {parts[0].toInt(), parts[1].toLongLong()};
}

// Photos stored in a library that an indexer may be writing to (WAL: reading never blocks it);
// 0 before the file exists or while sqlite3 cannot read it.
int storedImages(const QString& lib) {
    if (!QFile::exists(lib)) return 0;
    const Run r = runProgram("sqlite3", {lib, "SELECT COUNT(*) FROM images"});
    return r.exitCode == 0 ? r.out.trimmed().toInt() : 0;
}

// A PNG whose header declares 60000x60000 RGB pixels (a decompression bomb's header).
QByteArray hugePng() {
    QByteArray ihdr;
    QDataStream s(&ihdr, QIODevice::WriteOnly);
    s << quint32(60000) << quint32(60000) << quint8(8) << quint8(2) << quint8(0) << quint8(0) << quint8(0);
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr) +
           pngChunk("IDAT", QByteArray("\x78\x9c\x03\x00\x00\x00\x00\x01", 8)) + pngChunk("IEND", {});
}

}  // namespace

class TestCliLibrary : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_model;

    // A folder-per-class copy of the first `perClass` NEU photos of each class.
    QString sampleFolder(const QString& name, int perClass) {
        const QString root = m_dir.filePath(name);
        for (const QString& cls : QDir(kNeu).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
            QDir().mkpath(root + "/" + cls);
            for (int i = 1; i <= perClass; ++i) {
                const QString file = cls + "_" + QString::number(i) + ".jpg";
                QFile::copy(kNeu + "/" + cls + "/" + file, root + "/" + cls + "/" + file);
            }
        }
        return root;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath("tiny.pkg");
        Run r = diffclip({"import", "preset:diffclip-tiny", "--out", m_model});
        QCOMPARE(r.exitCode, 0);
    }

    void indexNeuThenNothingChanges() {
        const QString lib = m_dir.filePath("neu.db");
        Run first = diffclip({"index", "--library", lib, "--model", m_model, "--labels-from-folders", kNeu, "--json"});
        QCOMPARE(first.exitCode, 0);
        QCOMPARE(json(first)["added"].toInt(), 1800);
        QCOMPARE(json(first)["failed"].toArray().size(), 0);
        QCOMPARE(json(first)["duplicates"].toInt(), 1);  // patches_101 and patches_105 are identical
        Run again = diffclip({"index", "--library", lib, "--model", m_model, kNeu, "--json"});
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(json(again)["unchanged"].toInt(), 1800);
        QCOMPARE(json(again)["added"].toInt(), 0);
        QCOMPARE(json(again)["updated"].toInt(), 0);

        Run check = diffclip({"library", "check", lib, "--json"});
        QCOMPARE(check.exitCode, 0);
        QVERIFY(json(check)["clean"].toBool());
        QCOMPARE(json(check)["images"].toInt(), 1800);

        // Search by a library photo (it does not find itself), with a label filter, and by text.
        const QString query = kNeu + "/scratches/scratches_10.jpg";
        Run s = diffclip({"search", "--library", lib, "--image", query, "--top", "5", "--json"});
        QCOMPARE(s.exitCode, 0);
        auto hits = json(s)["hits"].toArray();
        QCOMPARE(hits.size(), 5);
        for (const auto& h : hits) QVERIFY(h.toObject()["path"].toString() != query);
        QVERIFY(hits[0].toObject()["score"].toDouble() >= hits[4].toObject()["score"].toDouble());
        QVERIFY(json(s).contains("confident"));
        Run f = diffclip({"search", "--library", lib, "--image", query, "--label", "crazing", "--json"});
        QCOMPARE(f.exitCode, 0);
        QCOMPARE(json(f)["searched"].toInt(), 300);
        for (const auto& h : json(f)["hits"].toArray()) QCOMPARE(h.toObject()["label"].toString(), QString("crazing"));
        Run t = diffclip({"search", "--library", lib, "--text", "a scratch on steel", "--top", "3", "--json"});
        QCOMPARE(t.exitCode, 0);
        QCOMPARE(json(t)["hits"].toArray().size(), 3);
        QVERIFY(json(t)["confident"].isNull());  // not calibrated for text queries

        // The PoC figures: leave-one-out recall@K and mAP per class; the identical patches pair
        // is left out of each other's candidates.
        Run ev = diffclip({"evaluate", "--library", lib, "--k", "1,5,10", "--json"});
        QCOMPARE(ev.exitCode, 0);
        const auto overall = json(ev)["overall"].toObject();
        QCOMPARE(overall["queries"].toInt(), 1800);
        const double r1 = overall["recall@1"].toDouble(), r5 = overall["recall@5"].toDouble(),
                     r10 = overall["recall@10"].toDouble(), map = overall["map"].toDouble();
        // The values depend on the model; their arithmetic does not (the worked-out values are in
        // evaluateFiguresWorkedOutByHand): each of the 1800 queries is a hit or a miss, a hit at K is
        // one at every larger K, and with 300 queries in each of the 6 classes the overall figures
        // are the plain means of the classes' figures.
        for (double recall : {r1, r5, r10})
            QVERIFY2(std::fabs(recall * 1800 - std::round(recall * 1800)) < 1e-6, qPrintable(QString::number(recall)));
        QVERIFY(r1 <= r5 && r5 <= r10);
        const QJsonObject classes = json(ev)["classes"].toObject();
        QCOMPARE(classes.size(), 6);
        double classR1 = 0, classMap = 0;
        for (const QString& name : classes.keys()) {
            QCOMPARE(classes[name].toObject()["queries"].toInt(), 300);
            classR1 += classes[name].toObject()["recall@1"].toDouble() / 6;
            classMap += classes[name].toObject()["map"].toDouble() / 6;
        }
        QVERIFY2(std::fabs(classR1 - r1) < 1e-9, qPrintable(QStringLiteral("%1 vs %2").arg(classR1).arg(r1)));
        QVERIFY2(std::fabs(classMap - map) < 1e-9, qPrintable(QStringLiteral("%1 vs %2").arg(classMap).arg(map)));
        QCOMPARE(json(ev)["excluded_duplicate_pairs"].toInt(), 2);
        QCOMPARE(diffclip({"evaluate", "--library", lib, "--min", QString::number(std::min(1.0, r1 + 0.01))}).exitCode, 1);
        QCOMPARE(diffclip({"evaluate", "--library", lib, "--min", QString::number(std::max(0.0, r1 - 0.01))}).exitCode, 0);

        // Zero-shot: probabilities over the given classes that sum to 1.
        Run cl = diffclip({"classify", "--model", m_model, "--classes", "scratches, crazing, patches", "--json", query});
        QCOMPARE(cl.exitCode, 0);
        const auto verdict = QJsonDocument::fromJson(cl.out).array()[0].toObject();
        const auto probs = verdict["probabilities"].toObject();
        QCOMPARE(probs.size(), 3);
        double sum = 0;
        for (const auto& v : probs) sum += v.toDouble();
        QVERIFY(qAbs(sum - 1.0) < 1e-6);
        QVERIFY(probs.contains(verdict["label"].toString()));

        const QString csv = m_dir.filePath("out.csv");
        QCOMPARE(diffclip({"export", "--library", lib, "--csv", csv}).exitCode, 0);
        const auto lines = readFile(csv).trimmed().split('\n');
        QCOMPARE(lines.size(), 1801);
        QVERIFY(lines[0].startsWith("path,label"));
    }

    void badFilesAreListedWithReasons() {
        QDir folder(m_dir.filePath("mixed"));
        QVERIFY(folder.mkpath("."));
        QVERIFY(QFile::copy(kNeu + "/inclusion/inclusion_1.jpg", folder.filePath("good1.jpg")));
        QVERIFY(QFile::copy(kNeu + "/patches/patches_2.jpg", folder.filePath("good2.jpg")));
        writeFile(folder.filePath("empty.jpg"), {});
        const QByteArray jpeg = readFile(kNeu + "/inclusion/inclusion_2.jpg");
        writeFile(folder.filePath("truncated.jpg"), jpeg.left(jpeg.size() / 2));
        writeFile(folder.filePath("text.jpg"), "this is a note, not a photo\n");
        writeFile(folder.filePath("bomb.png"), hugePng());
        writeFile(folder.filePath("readme.txt"), "not a photo and not named like one\n");
        const QString lib = m_dir.filePath("mixed.db");
        Run r = diffclip({"index", "--library", lib, "--model", m_model, folder.path(), "--json"});
        QVERIFY(!r.crashed);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(json(r)["added"].toInt(), 2);
        const auto failed = json(r)["failed"].toArray();
        QCOMPARE(failed.size(), 4);
        QMap<QString, QString> reasons;
        for (const auto& f : failed)
            reasons[QFileInfo(f.toObject()["path"].toString()).fileName()] = f.toObject()["reason"].toString();
        QVERIFY2(reasons["empty.jpg"].contains("empty"), qPrintable(reasons["empty.jpg"]));
        QVERIFY2(reasons["truncated.jpg"].contains("truncated"), qPrintable(reasons["truncated.jpg"]));
        QVERIFY2(reasons["text.jpg"].contains("text"), qPrintable(reasons["text.jpg"]));
        QVERIFY2(reasons["bomb.png"].contains("60000"), qPrintable(reasons["bomb.png"]));
        QCOMPARE(diffclip({"library", "check", lib}).exitCode, 0);
    }

    void nearDuplicatesAreGrouped() {
        // The same part twice (an identical copy and a re-encoded PNG) among other photos:
        // searching with the original returns the two copies as one group, not two hits.
        QDir folder(m_dir.filePath("dups"));
        QVERIFY(folder.mkpath("."));
        const QString original = kNeu + "/scratches/scratches_20.jpg";
        QVERIFY(QFile::copy(original, folder.filePath("part.jpg")));
        QImage image(original);
        QVERIFY(!image.isNull());
        QVERIFY(image.save(folder.filePath("part-reencoded.png")));
        // Enough other photos (>= 10 in all) for the library to calibrate its thresholds.
        for (const char* cls : {"crazing", "inclusion", "patches", "pitted_surface", "rolled-in_scale", "scratches"})
            for (int n : {5, 6})
                QVERIFY(QFile::copy(QString("%1/%2/%2_%3.jpg").arg(kNeu, cls).arg(n),
                                    folder.filePath(QString("%1_%2.jpg").arg(cls).arg(n))));
        const QString lib = m_dir.filePath("dups.db");
        QCOMPARE(diffclip({"index", "--library", lib, "--model", m_model, folder.path()}).exitCode, 0);
        Run r = diffclip({"search", "--library", lib, "--image", original, "--top", "3", "--json"});
        QCOMPARE(r.exitCode, 0);
        const auto hits = json(r)["hits"].toArray();
        QCOMPARE(hits.size(), 3);
        const auto top = hits[0].toObject();
        QStringList group{QFileInfo(top["path"].toString()).fileName()};
        for (const auto& d : top["near_duplicates"].toArray())
            group << QFileInfo(d.toObject()["path"].toString()).fileName();
        group.sort();
        QCOMPARE(group, (QStringList{"part-reencoded.png", "part.jpg"}));
        for (int i = 1; i < hits.size(); ++i) {
            const QString name = QFileInfo(hits[i].toObject()["path"].toString()).fileName();
            QVERIFY2(!name.startsWith("part"), qPrintable(name));
        }
        // Grouping off: the copies come back as separate hits.
        Run off = diffclip({"search", "--library", lib, "--image", original, "--top", "3", "--duplicate-cosine", "2", "--json"});
        QCOMPARE(off.exitCode, 0);
        QCOMPARE(json(off)["hits"].toArray()[0].toObject()["near_duplicates"].toArray().size(), 0);
    }

    // `evaluate` on a library whose answer can be worked out by hand. Photos with the same pixels
    // get the same embedding, so each is the other's best match (cosine 1) whatever the model:
    //   a/x1.png, a/x2.png  the same pixels, different bytes (x2 carries a text chunk)
    //   a/x3.png            a byte copy of x1: an exact duplicate, left out of x1's candidates and x1 of its
    //   b/y1.png, b/y2.png  other pixels, again twice with different bytes
    //   c/z1.png            the only photo of its class
    // Leave-one-out: x1's candidates are x2 (cosine 1, same class) then y1, y2, z1: a hit at rank 1,
    // one relevant photo, AP 1. x3 the same. x2's are x1 and x3 (both cosine 1, same class) first:
    // AP (1/1 + 2/2) / 2 = 1. y1 and y2: the other y at rank 1, AP 1. z1 has no same-class candidate:
    // a miss at every K, AP 0. Overall (6 queries): recall@1 = recall@3 = 5/6, mAP = 5/6; class a
    // 1, 1 over 3 queries; b 1, 1 over 2; c 0, 0 over 1. Excluded duplicate pairs: x1->x3, x3->x1 = 2.
    void evaluateFiguresWorkedOutByHand() {
        const QString root = m_dir.filePath("by-hand");
        for (const char* cls : {"a", "b", "c"}) QVERIFY(QDir().mkpath(root + "/" + cls));
        auto photo = [](int kind) {
            QImage img(64, 64, QImage::Format_RGB888);
            for (int y = 0; y < 64; ++y)
                for (int x = 0; x < 64; ++x) {
                    const int v = kind == 0 ? ((x / 8) % 2) * 255 : kind == 1 ? (x * 4 + y * 3) % 256 : ((x * y) % 7) * 36;
                    img.setPixelColor(x, y, kind == 1 ? QColor(v, 255 - v, 40) : QColor(v, v, v));
                }
            return img;
        };
        QVERIFY(photo(0).save(root + "/a/x1.png"));
        QImage tagged = photo(0);
        tagged.setText("copy", "2");
        QVERIFY(tagged.save(root + "/a/x2.png"));
        QVERIFY(QFile::copy(root + "/a/x1.png", root + "/a/x3.png"));
        QVERIFY(photo(1).save(root + "/b/y1.png"));
        tagged = photo(1);
        tagged.setText("copy", "2");
        QVERIFY(tagged.save(root + "/b/y2.png"));
        QVERIFY(photo(2).save(root + "/c/z1.png"));
        QVERIFY(readFile(root + "/a/x1.png") != readFile(root + "/a/x2.png"));
        QVERIFY(readFile(root + "/b/y1.png") != readFile(root + "/b/y2.png"));

        const QString lib = m_dir.filePath("by-hand.db");
        Run index = diffclip({"index", "--library", lib, "--model", m_model, "--labels-from-folders", root, "--json"});
        QVERIFY2(index.exitCode == 0, index.err.constData());
        QCOMPARE(json(index)["added"].toInt(), 6);
        Run ev = diffclip({"evaluate", "--library", lib, "--k", "1,3", "--latency-queries", "0", "--json"});
        QVERIFY2(ev.exitCode == 0, ev.err.constData());
        const QJsonObject j = json(ev);
        const QJsonObject overall = j["overall"].toObject();
        QCOMPARE(overall["queries"].toInt(), 6);
        QCOMPARE(overall["recall@1"].toDouble(), 5.0 / 6.0);
        QCOMPARE(overall["recall@3"].toDouble(), 5.0 / 6.0);
        QCOMPARE(overall["map"].toDouble(), 5.0 / 6.0);
        const QJsonObject classes = j["classes"].toObject();
        QCOMPARE(classes.keys(), (QStringList{"a", "b", "c"}));
        const struct {
            const char* name;
            int queries;
            double recall, map;
        } expected[] = {{"a", 3, 1.0, 1.0}, {"b", 2, 1.0, 1.0}, {"c", 1, 0.0, 0.0}};
        for (const auto& e : expected) {
            const QJsonObject c = classes[e.name].toObject();
            QCOMPARE(c["queries"].toInt(), e.queries);
            QCOMPARE(c["recall@1"].toDouble(), e.recall);
            QCOMPARE(c["recall@3"].toDouble(), e.recall);
            QCOMPARE(c["map"].toDouble(), e.map);
        }
        QCOMPARE(j["excluded_duplicate_pairs"].toInt(), 2);
        // --min compares recall@1 (5/6 = 0.833...) with the threshold.
        QCOMPARE(diffclip({"evaluate", "--library", lib, "--latency-queries", "0", "--min", "0.83"}).exitCode, 0);
        QCOMPARE(diffclip({"evaluate", "--library", lib, "--latency-queries", "0", "--min", "0.84"}).exitCode, 1);
    }

    // SIGKILL the indexer five times, then let it finish: every photo is indexed exactly once and
    // the library is consistent after every kill. Every kill lands while the indexer runs: the
    // first two 300-899 ms after the start or at its first stored batch, whichever comes first
    // (before, while or just after the library is created); the other three 0-49 ms after the
    // library holds a random 5-30 % of the photos the run had left, so that they land while
    // photos are being embedded and written however fast or loaded the machine is. The count is
    // read from the library itself: the printed progress comes at most every 500 ms, in which a
    // fast machine stored the rest of the run's photos before the kill. 600 photos leave each
    // run work to be killed in (on a machine that indexes up to some 500 a second).
    void killedIndexerResumesWithoutDuplicates() {
        const QString photos = sampleFolder("killed", 100);
        const int total = 6 * 100;
        const QString lib = m_dir.filePath("killed.db");
        // The kill points come from a printed seed: DIFFCLIP_TEST_SEED=N replays a failing run.
        const std::uint64_t seed = testsupport::testSeed("killedIndexerResumesWithoutDuplicates");
        const QByteArray replay = "DIFFCLIP_TEST_SEED=" + QByteArray::number(quint64(seed));
        std::mt19937_64 rng(seed);
        auto draw = [&rng](int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng); };
        for (int i = 0; i < 5; ++i) {
            QProcess p;
            // The later kills land between two of the library's counts; one photo per batch keeps
            // that moment inside the run (with batches of 16 the tiny model stored the last 127
            // photos in the 35 ms before a kill, and the run had nothing left to lose).
            QStringList args{"index", "--library", lib, "--model", m_model, "--labels-from-folders", photos};
            if (i >= 2) args << "--batch" << "1";
            p.start(diffclipBinary(), args);
            QVERIFY(p.waitForStarted());
            QByteArray progress;
            auto stored = [&] { return storedPercent(progress += p.readAllStandardError()); };
            QString when;
            if (i < 2) {
                const int delayMs = draw(300, 899);
                QElapsedTimer started;
                started.start();
                QTRY_VERIFY_WITH_TIMEOUT(started.elapsed() >= delayMs || stored() > 0, 60000);
                when = QStringLiteral("%1 ms after the start (drawn: %2 ms)").arg(started.elapsed()).arg(delayMs);
            } else {
                const int before = storedImages(lib), percent = draw(5, 30), delayMs = draw(0, 49);
                const int target = before + std::max(1, (total - before) * percent / 100);
                QTRY_VERIFY_WITH_TIMEOUT(storedImages(lib) >= target || p.state() == QProcess::NotRunning, 300000);
                QTest::qWait(delayMs);
                when = QStringLiteral("%1 ms after %2 of %3 photos stored (%4 % of the %5 left)")
                           .arg(delayMs)
                           .arg(target)
                           .arg(total)
                           .arg(percent)
                           .arg(total - before);
            }
            const QString what = QStringLiteral("kill %1, %2 (%3)").arg(i).arg(when, QString::fromLatin1(replay));
            QVERIFY2(p.state() == QProcess::Running, qPrintable(what + ": the indexer had ended\n" + QString::fromUtf8(progress)));
            p.kill();
            p.waitForFinished();
            if (!QFile::exists(lib)) continue;  // killed before it created the library
            Run check = diffclip({"library", "check", lib, "--json"});
            QVERIFY2(check.exitCode == 0, qPrintable(what + ": " + QString::fromUtf8(check.err)));  // 0: clean
            const int images = json(check)["images"].toInt();
            if (i >= 2) QVERIFY2(images > 0 && images < total, qPrintable(what + QStringLiteral(": %1 stored").arg(images)));
        }
        // The killed runs left claims on the photos they were working on, live for up to two
        // more minutes: the last run sees that their processes are gone and takes them over at
        // once, so it ends before they would have expired.
        const LeftClaims left = unfinishedClaims(lib);
        QVERIFY2(left.count > 0, replay.constData());
        Run last = diffclip({"index", "--library", lib, "--model", m_model, "--labels-from-folders", photos, "--json"});
        QVERIFY2(last.exitCode == 0, replay.constData());
        QVERIFY2(QDateTime::currentMSecsSinceEpoch() < left.lastExpiryMs,
                 qPrintable(QStringLiteral("the last run waited for the killed runs' %1 claims (%2)")
                                .arg(left.count)
                                .arg(QString::fromLatin1(replay))));
        const auto j = json(last);
        QVERIFY2(j["added"].toInt() > 0, replay.constData());  // the kills left it work to do
        QVERIFY2(j["added"].toInt() + j["unchanged"].toInt() == total, replay.constData());
        QVERIFY2(j["updated"].toInt() == 0, replay.constData());
        Run check = diffclip({"library", "check", lib, "--json"});
        QVERIFY2(check.exitCode == 0, replay.constData());
        QVERIFY2(json(check)["images"].toInt() == total, replay.constData());
        QVERIFY2(json(check)["clean"].toBool(), replay.constData());
    }

    // A model change: the library keeps each model's embeddings apart, searches only those of
    // the active model, and `index` without PATH brings the new model up to date.
    void activeModelChangeReembedsLazily() {
        const QString lib = m_dir.filePath("switch.db");
        const QString sample = sampleFolder("switch", 4);
        QCOMPARE(diffclip({"index", "--library", lib, "--model", m_model, sample}).exitCode, 0);
        const QString other = m_dir.filePath("tiny-seed1.pkg");
        QCOMPARE(diffclip({"import", "preset:diffclip-tiny", "--seed", "1", "--out", other}).exitCode, 0);

        const QString query = sample + "/scratches/scratches_1.jpg";
        Run before = diffclip({"search", "--library", lib, "--model", other, "--image", query, "--json"});
        QCOMPARE(before.exitCode, 0);
        QCOMPARE(json(before)["not_embedded"].toInt(), 24);
        QCOMPARE(json(before)["hits"].toArray().size(), 0);
        QVERIFY(before.err.contains("not embedded by this model"));

        Run reembed = diffclip({"index", "--library", lib, "--model", other, "--json"});
        QCOMPARE(reembed.exitCode, 0);
        QCOMPARE(json(reembed)["updated"].toInt(), 24);
        Run after = diffclip({"search", "--library", lib, "--image", query, "--json"});  // the active model
        QCOMPARE(after.exitCode, 0);
        QCOMPARE(json(after)["model"].toString(), other);
        QCOMPARE(json(after)["not_embedded"].toInt(), 0);
        QCOMPARE(json(after)["hits"].toArray().size(), 10);
        // The first model's vectors are still there, never mixed with the second's.
        Run old = diffclip({"search", "--library", lib, "--model", m_model, "--image", query, "--json"});
        QCOMPARE(json(old)["not_embedded"].toInt(), 0);
        QVERIFY(json(old)["hits"].toArray()[0].toObject()["score"].toDouble() !=
                json(after)["hits"].toArray()[0].toObject()["score"].toDouble());
        QCOMPARE(diffclip({"library", "check", lib}).exitCode, 0);
    }

    // Batch auto-tagging stores zero-shot labels with their confidence, from editable class
    // prompts and templates; evaluation reports search latency percentiles for both indexes.
    void autoTagAndLatency() {
        const QString lib = m_dir.filePath("tag.db");
        const QString sample = sampleFolder("tag", 4);
        QCOMPARE(diffclip({"index", "--library", lib, "--model", m_model, sample}).exitCode, 0);
        writeFile(m_dir.filePath("classes.txt"), "# defect kinds\nscratches: a long scratch; a scratched steel plate\n"
                                                 "crazing: a network of fine cracks\npatches\n");
        writeFile(m_dir.filePath("templates.txt"), "a photo of {}.\nan inspection photo of {}.\n");
        Run tag = diffclip({"classify", "--library", lib, "--classes-file", m_dir.filePath("classes.txt"), "--templates",
                            m_dir.filePath("templates.txt"), "--json"});
        QCOMPARE(tag.exitCode, 0);
        QCOMPARE(json(tag)["tagged"].toInt(), 24);
        const QString csv = m_dir.filePath("tag.csv");
        QCOMPARE(diffclip({"export", "--library", lib, "--csv", csv}).exitCode, 0);
        const QByteArray exported = readFile(csv);
        QVERIFY(exported.contains(",scratches,") || exported.contains(",crazing,") || exported.contains(",patches,"));
        Run again = diffclip({"classify", "--library", lib, "--classes", "a,b", "--only-unlabelled", "--json"});
        QCOMPARE(json(again)["skipped"].toInt(), 24);
        QCOMPARE(json(again)["tagged"].toInt(), 0);
        Run none = diffclip({"classify", "--library", lib, "--classes", "a,b", "--min-confidence", "1", "--json"});
        QCOMPARE(json(none)["tagged"].toInt(), 0);
        writeFile(m_dir.filePath("one.txt"), "only\n");
        Run bad = diffclip({"classify", "--library", lib, "--classes-file", m_dir.filePath("one.txt")});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY(bad.err.contains("at least two classes"));

        for (const QString& kind : {QStringLiteral("exact"), QStringLiteral("approximate")}) {
            Run ev = diffclip({"evaluate", "--library", lib, "--latency-queries", "12", "--index", kind, "--json"});
            QCOMPARE(ev.exitCode, 0);
            QCOMPARE(json(ev)["index"].toString(), kind);
            const auto lat = json(ev)["search_latency_ms"].toObject();
            QCOMPARE(lat["count"].toInt(), 11);  // the first search (index build) is reported apart
            QVERIFY(lat["p50"].toDouble() > 0 && lat["p50"].toDouble() <= lat["p95"].toDouble());
            QVERIFY(json(ev)["photo_query_latency_ms"].toObject()["count"].toInt() >= 1);
        }
        Run s = diffclip({"search", "--library", lib, "--text", "scratch", "--index", "approximate", "--json"});
        QCOMPARE(s.exitCode, 0);
        QCOMPARE(json(s)["index"].toString(), QString("approximate"));
        QCOMPARE(diffclip({"search", "--library", lib, "--text", "x", "--index", "fast"}).exitCode, 2);
    }

    // Writes that cannot happen (a second writer holds the library, the disk is full, the file
    // is read-only) fail with a clear reason and lose nothing that was stored.
    void writeFailuresLoseNothing() {
        const QString lib = m_dir.filePath("writes.db");
        const QString first = sampleFolder("writes-a", 2);
        QCOMPARE(diffclip({"index", "--library", lib, "--model", m_model, first}).exitCode, 0);
        // Enough photos that the full disk below stops the run part-way (after two batches of 16).
        const QString more = sampleFolder("writes-b", 20);

        // Second writer: another program holds the write lock for longer than the busy timeout.
        QProcess holder;
        holder.start("sqlite3", {lib});
        QVERIFY(holder.waitForStarted());
        holder.write(".timeout 1000\nBEGIN IMMEDIATE;\nINSERT INTO library_info(key, value) VALUES ('lock', '1');\n"
                     "SELECT 'locked';\n");
        QVERIFY(holder.waitForReadyRead(10000));
        Run busy = diffclip({"index", "--library", lib, "--model", m_model, more});
        QCOMPARE(busy.exitCode, 1);
        QVERIFY2(busy.err.contains("busy"), busy.err.constData());
        holder.write("ROLLBACK;\n.quit\n");
        holder.closeWriteChannel();
        QVERIFY(holder.waitForFinished(10000));

        // Full disk: a file size limit makes the library's writes fail part-way.
        Run full = runProgram("prlimit", {"--fsize=200000", diffclipBinary(), "index", "--library", lib, "--model", m_model, more});
        QCOMPARE(full.exitCode, 1);
        QVERIFY2(full.err.contains("disk full") || full.err.contains("input/output error"), full.err.constData());
        Run check = diffclip({"library", "check", lib, "--json"});
        QCOMPARE(check.exitCode, 0);
        const int stored = json(check)["images"].toInt();
        QVERIFY2(stored >= 12 && stored < 12 + 120, qPrintable(QString::number(stored)));  // all from before, not all new
        // The claims the failed run could not release on the full disk are taken over at once:
        // its process has ended.
        const LeftClaims left = unfinishedClaims(lib);
        QVERIFY(left.count >= 0);
        Run resumed = diffclip({"index", "--library", lib, "--model", m_model, first, more, "--json"});
        QCOMPARE(resumed.exitCode, 0);
        if (left.count > 0) QVERIFY(QDateTime::currentMSecsSinceEpoch() < left.lastExpiryMs);
        QCOMPARE(json(resumed)["unchanged"].toInt(), stored);
        QCOMPARE(json(resumed)["added"].toInt(), 12 + 120 - stored);

        // Read-only file: indexing new photos says so; searching still works.
        const QString extra = sampleFolder("writes-c", 1);
        QVERIFY(QFile::setPermissions(lib, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
        QVERIFY(QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::ExeOwner | QFile::ReadOther |
                                                        QFile::ExeOther | QFile::ReadGroup | QFile::ExeGroup));
        // Root may write any file: run as an unprivileged user then.
        const bool root = ::geteuid() == 0;
        auto asUser = [&](QStringList args) {
            if (!root) return diffclip(args);
            args.prepend(diffclipBinary());
            return runProgram("setpriv", QStringList{"--reuid=65534", "--regid=65534", "--clear-groups"} + args);
        };
        Run ro = asUser({"index", "--library", lib, "--model", m_model, extra});
        QCOMPARE(ro.exitCode, 1);
        QVERIFY2(ro.err.contains("read-only") || ro.err.contains("cannot open"), ro.err.constData());
        Run roSearch = asUser({"search", "--library", lib, "--text", "scratch", "--json"});
        QVERIFY2(roSearch.exitCode == 0, roSearch.err.constData());
        QCOMPARE(json(roSearch)["hits"].toArray().size(), 10);
        QVERIFY(QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        QVERIFY(QFile::setPermissions(lib, QFile::ReadOwner | QFile::WriteOwner));
        QCOMPARE(diffclip({"library", "check", lib}).exitCode, 0);
    }

    // `evaluate --models A,B` on 30 NEU photos (5 per class) embedded by two tiny fixture models.
    // The figures depend on the models; their arithmetic does not (the statistics themselves are
    // worked out by hand in tst_compare): 30 queries, each a hit or a miss; the difference in hit
    // rate is (only B − only A)/30; intervals hold their point estimates; p-values in [0, 1] and
    // Holm's never below the raw one; classes of 5 queries get no p-values; the same seed gives the
    // same numbers.
    void compareTwoModels() {
        const QString folder = sampleFolder("compare-neu", 5);
        const QString lib = m_dir.filePath("compare.db");
        const QString a = kShared + "/fixtures/diffclip-tiny-a", b = kShared + "/fixtures/clip-std-tiny-a";
        QVERIFY2(QFileInfo(a + "/model.safetensors").isFile() && QFileInfo(b + "/model.safetensors").isFile(),
                 "fixture models missing");
        Run ia = diffclip({"index", "--library", lib, "--model", a, "--labels-from-folders", folder, "--json"});
        QVERIFY2(ia.exitCode == 0, ia.err.constData());
        QCOMPARE(json(ia)["added"].toInt(), 30);
        Run ib = diffclip({"index", "--library", lib, "--model", b, "--json"});  // the photos B lacks
        QVERIFY2(ib.exitCode == 0, ib.err.constData());

        const QStringList args{"evaluate", "--library", lib, "--models", a + "," + b, "--k", "1,5",
                               "--bootstrap", "500", "--seed", "3", "--json"};
        Run ev = diffclip(args);
        QVERIFY2(ev.exitCode == 0, ev.err.constData());
        const QJsonObject j = json(ev);
        QCOMPARE(j["queries"].toInt(), 30);
        QCOMPARE(j["a"].toObject()["name"].toString(), QString("diffclip-tiny-a"));
        QCOMPARE(j["b"].toObject()["name"].toString(), QString("clip-std-tiny-a"));
        const QJsonObject leftOut = j["left_out"].toObject();
        QCOMPARE(leftOut["embedded_by_a_only"].toInt(), 0);
        QCOMPARE(leftOut["embedded_by_b_only"].toInt(), 0);
        QCOMPARE(leftOut["no_other_photo_of_label"].toInt(), 0);
        auto checkMetric = [](const QJsonObject& m, int queries, bool withP) {
            const QString what = m["metric"].toString();
            QCOMPARE(m["queries"].toInt(), queries);
            for (const char* side : {"a", "b", "difference"}) {
                const double v = m[side].toDouble();
                const QJsonArray ci = m[QString(side) + "_ci95"].toArray();
                QVERIFY2(ci.size() == 2 && ci[0].toDouble() <= v + 1e-12 && v <= ci[1].toDouble() + 1e-12,
                         qPrintable(what + " " + side));
                const double lo = std::strcmp(side, "difference") == 0 ? -1.0 : 0.0;
                QVERIFY2(ci[0].toDouble() >= lo && ci[1].toDouble() <= 1.0, qPrintable(what + " " + side));
            }
            QVERIFY(std::fabs(m["difference"].toDouble() - (m["b"].toDouble() - m["a"].toDouble())) < 1e-12);
            if (m.contains("k")) {
                const double hitsA = m["a"].toDouble() * queries, hitsB = m["b"].toDouble() * queries;
                QVERIFY2(std::fabs(hitsA - std::round(hitsA)) < 1e-9 && std::fabs(hitsB - std::round(hitsB)) < 1e-9,
                         qPrintable(what));
                QVERIFY2(std::fabs(hitsB - hitsA - (m["only_b"].toInt() - m["only_a"].toInt())) < 1e-9, qPrintable(what));
                QCOMPARE(m["test"].toString(), QString("mcnemar-exact"));
            } else {
                QCOMPARE(m["test"].toString(), QString("paired-randomization"));
            }
            if (!withP) {
                QVERIFY2(m["p"].isNull(), qPrintable(what));
                return;
            }
            const double p = m["p"].toDouble(-1);
            QVERIFY2(p > 0.0 && p <= 1.0, qPrintable(what));
            if (m.contains("k")) QVERIFY2(m["p_holm"].toDouble() >= p && m["p_holm"].toDouble() <= 1.0, qPrintable(what));
        };
        const QJsonArray overall = j["overall"].toArray();
        QStringList names;
        for (const auto& m : overall) {
            names << m.toObject()["metric"].toString();
            checkMetric(m.toObject(), 30, true);
        }
        QCOMPARE(names, (QStringList{"hit@1", "hit@5", "MRR", "mAP"}));
        const QJsonObject classes = j["classes"].toObject();
        QCOMPARE(classes.size(), 6);
        for (const QString& name : classes.keys()) {
            QCOMPARE(classes[name].toObject()["queries"].toInt(), 5);
            for (const auto& m : classes[name].toObject()["metrics"].toArray()) checkMetric(m.toObject(), 5, false);
        }
        const QJsonArray sentences = j["sentences"].toArray();
        QCOMPARE(sentences.size(), 4);
        for (const auto& s : sentences) {
            const QString text = s.toString();
            QVERIFY2(text.contains("'diffclip-tiny-a'") && text.contains("'clip-std-tiny-a'") && text.contains("95% CI") &&
                         text.contains("p ") && text.endsWith("."),
                     qPrintable(text));
        }
        // The same seed, the same numbers (the time taken aside).
        QJsonObject again = json(diffclip(args));
        QJsonObject first = j;
        first.remove("seconds");
        again.remove("seconds");
        QCOMPARE(again, first);

        // The text form: a table per metric, then the sentences.
        QStringList textArgs = args;
        textArgs.removeLast();  // --json
        Run text = diffclip(textArgs);
        QVERIFY2(text.exitCode == 0, text.err.constData());
        for (const char* part : {"A: diffclip-tiny-a", "B: clip-std-tiny-a", "\nhit@1 ", "\nhit@5 ", "\nMRR ", "\nmAP ",
                                 "\noverall ", "McNemar"})
            QVERIFY2(text.out.contains(part), qPrintable(QString(part) + "\n" + text.out));
        for (const auto& s : sentences)
            QVERIFY2(text.out.contains("\n" + s.toString().toUtf8() + "\n"), qPrintable(s.toString()));

        // Bad input: one model, an unknown model, a model that embedded nothing, one model twice.
        Run one = diffclip({"evaluate", "--library", lib, "--models", a});
        QCOMPARE(one.exitCode, 2);
        QVERIFY2(one.err.contains("--models needs two models"), one.err.constData());
        const QString missing = m_dir.filePath("no-such-model");
        Run unknown = diffclip({"evaluate", "--library", lib, "--models", a + "," + missing});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains("model B") && unknown.err.contains(missing.toUtf8()), unknown.err.constData());
        Run nothing = diffclip({"evaluate", "--library", lib, "--models", m_model + "," + b});
        QCOMPARE(nothing.exitCode, 1);
        QVERIFY2(nothing.err.contains("model A (" + m_model.toUtf8() + ") has embedded no photos") &&
                     nothing.err.contains("diffclip index --library " + lib.toUtf8() + " --model " + m_model.toUtf8()),
                 nothing.err.constData());
        Run twice = diffclip({"evaluate", "--library", lib, "--models", a + "," + a});
        QCOMPARE(twice.exitCode, 2);
        QVERIFY2(twice.err.contains("--models names " + a.toUtf8() + " twice"), twice.err.constData());
        // A copy of B under another name: the weights, not the names, tell models apart.
        const QString copy = m_dir.filePath("b-copy");
        QVERIFY(QDir().mkpath(copy));
        for (const char* file : {"config.json", "model.safetensors"})
            QVERIFY(QFile::copy(b + "/" + file, copy + "/" + file));
        Run same = diffclip({"evaluate", "--library", lib, "--models", b + "," + copy});
        QCOMPARE(same.exitCode, 1);
        QVERIFY2(same.err.contains("(clip-std-tiny-a) and B (b-copy) have the same weights"), same.err.constData());
        QCOMPARE(diffclip({"evaluate", "--library", lib, "--models", a + "," + b, "--k", "1,1"}).exitCode, 2);
        QCOMPARE(diffclip({"evaluate", "--library", lib, "--models", a + "," + b, "--bootstrap", "0"}).exitCode, 2);
        QCOMPARE(diffclip({"evaluate", "--library", lib, "--seed", "1"}).exitCode, 2);  // --seed without --models
        QCOMPARE(diffclip({"evaluate", "--library", lib, "--models", a + "," + b, "--min", "0.5"}).exitCode, 2);
    }

    void libraryErrors() {
        QCOMPARE(diffclip({"search", "--library", m_dir.filePath("absent.db"), "--text", "x"}).exitCode, 1);
        writeFile(m_dir.filePath("notalib.db"), "hello");
        Run r = diffclip({"library", "check", m_dir.filePath("notalib.db")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("not a DiffCLIP library"));
        QCOMPARE(diffclip({"index", "--library", m_dir.filePath("x.db"), kNeu}).exitCode, 2);  // no --model
        // Without PATH, index brings the library up to date with the model: nothing to do here.
        Run none = diffclip({"index", "--library", m_dir.filePath("x.db"), "--model", m_model, "--json"});
        QCOMPARE(none.exitCode, 0);
        QCOMPARE(json(none)["added"].toInt() + json(none)["updated"].toInt(), 0);
        QCOMPARE(diffclip({"search", "--library", m_dir.filePath("x.db")}).exitCode, 2);
    }

    // `--where label=...` (the label has --label) or a misspelt field used to match nothing
    // and print "No photo matches the filters."; now it is a usage error naming the fields.
    void unknownWhereFieldIsRefused() {
        const QString photos = sampleFolder("where-photos", 1);
        QString csv = "file,line,shift\n";
        for (const QString& cls : QDir(kNeu).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
            csv += cls + "_1.jpg,L1,night\n";
        writeFile(m_dir.filePath("where.csv"), csv.toUtf8());
        const QString lib = m_dir.filePath("where.db");
        Run index = diffclip({"index", "--library", lib, "--model", m_model, "--labels-from-folders", "--metadata",
                              m_dir.filePath("where.csv"), photos});
        QCOMPARE(index.exitCode, 0);
        const QString query = photos + "/crazing/crazing_1.jpg";
        Run bad = diffclip({"search", "--library", lib, "--image", query, "--where", "label=inclusion"});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("unknown filter field \"label\""), bad.err.constData());
        QVERIFY2(bad.err.contains("known fields: path, product, line, lot, date, inspector, notes, shift"),
                 bad.err.constData());
        QVERIFY(bad.out.isEmpty());
        Run typo =
            diffclip({"search", "--library", lib, "--text", "x", "--where", "line=L1", "--where", "shfit=night"});
        QCOMPARE(typo.exitCode, 2);
        QVERIFY2(typo.err.contains("\"shfit\""), typo.err.constData());
        // Known fields, a column and an extra key, still filter.
        Run good = diffclip({"search", "--library", lib, "--image", query, "--where", "LINE=L1", "--where",
                             "shift=night", "--json"});
        QCOMPARE(good.exitCode, 0);
        QCOMPARE(json(good)["searched"].toInt(), 5);  // six photos, the query itself left out
        Run none = diffclip({"search", "--library", lib, "--image", query, "--where", "shift=day", "--json"});
        QCOMPARE(none.exitCode, 0);
        QCOMPARE(json(none)["searched"].toInt(), 0);
    }
};

DIFFCLIP_TEST_GUILESS_MAIN(TestCliLibrary)
#include "tst_cli_library.moc"
