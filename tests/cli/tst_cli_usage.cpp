// `diffclip search` logging itself and `--feedback`, and `diffclip usage export|clear|kpis`, on 12
// NEU photos with the tiny fixture model, run as separate processes.
#include <QtTest>

#include <QImage>

#include <unistd.h>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include "../support/CliRun.h"

using testsupport::diffclip;
using testsupport::json;
using testsupport::Run;
using testsupport::runProgram;

namespace {

const QString kNeu = QStringLiteral(DIFFCLIP_SHARED_DIR) + "/data/neu-cls";

QList<QByteArray> csvLines(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    QList<QByteArray> lines = f.readAll().split('\n');
    if (!lines.isEmpty() && lines.back().isEmpty()) lines.removeLast();
    for (auto& l : lines) l = l.trimmed();
    return lines;
}

}  // namespace

class TestCliUsage : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_lib;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const QString model = m_dir.filePath("tiny.pkg");
        QCOMPARE(diffclip({"import", "preset:diffclip-tiny", "--out", model}).exitCode, 0);
        const QString root = m_dir.filePath("photos");
        for (const QString& cls : QDir(kNeu).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
            QDir().mkpath(root + "/" + cls);
            for (int i = 1; i <= 2; ++i) {
                const QString file = cls + "_" + QString::number(i) + ".jpg";
                QVERIFY(QFile::copy(kNeu + "/" + cls + "/" + file, root + "/" + cls + "/" + file));
            }
        }
        m_lib = m_dir.filePath("usage.db");
        Run index = diffclip({"index", "--library", m_lib, "--model", model, "--labels-from-folders", root});
        QVERIFY2(index.exitCode == 0, index.err.constData());
    }

    void searchesLogThemselves() {
        // A library photo: its stored embedding is used (no decoding, no encoding).
        const QString inLibrary = m_dir.filePath("photos/scratches/scratches_1.jpg");
        Run a = diffclip({"search", "--library", m_lib, "--image", inLibrary, "--top", "5", "--feedback", "2", "--json"});
        QVERIFY2(a.exitCode == 0, a.err.constData());
        QVERIFY(json(a)["search_id"].toInt() > 0);
        QCOMPARE(json(a)["feedback"].toInt(), 2);
        const QJsonObject latA = json(a)["latency_ms"].toObject();
        QCOMPARE(latA["decode"].toDouble(), 0.0);
        QCOMPARE(latA["encode"].toDouble(), 0.0);
        QVERIFY(latA["total"].toDouble() >= latA["search"].toDouble());
        // A photo outside the library: decoded and encoded; none of the 3 hits is right.
        const QString outside = kNeu + "/crazing/crazing_100.jpg";
        Run b = diffclip({"search", "--library", m_lib, "--image", outside, "--top", "3", "--feedback", "none", "--json"});
        QVERIFY2(b.exitCode == 0, b.err.constData());
        QCOMPARE(json(b)["feedback"].toString(), QString("none"));
        QVERIFY(json(b)["search_id"].toInt() > json(a)["search_id"].toInt());
        const QJsonObject latB = json(b)["latency_ms"].toObject();
        QVERIFY(latB["decode"].toDouble() > 0);
        QVERIFY(latB["encode"].toDouble() > 0);
        QVERIFY(latB["total"].toDouble() >= latB["decode"].toDouble() + latB["encode"].toDouble());

        // Bad --feedback: refused before searching (nothing logged), exit 2.
        Run word = diffclip({"search", "--library", m_lib, "--text", "scratch", "--feedback", "first"});
        QCOMPARE(word.exitCode, 2);
        QVERIFY2(word.err.contains("--feedback"), word.err.constData());
        QCOMPARE(diffclip({"search", "--library", m_lib, "--text", "scratch", "--top", "3", "--feedback", "4"}).exitCode, 2);
        QCOMPARE(diffclip({"search", "--library", m_lib, "--text", "scratch", "--feedback", "0"}).exitCode, 2);
        // A rank beyond the hits printed (12 photos, K 50): exit 2; the search itself is logged.
        Run beyond = diffclip({"search", "--library", m_lib, "--text", "scratch", "--top", "50", "--feedback", "20"});
        QCOMPARE(beyond.exitCode, 2);
        QVERIFY2(beyond.err.contains("only 12 hits"), beyond.err.constData());

        // The export: three searches, oldest first, with their feedback.
        const QString csv = m_dir.filePath("usage.csv");
        Run ex = diffclip({"usage", "export", "--library", m_lib, "--out", csv});
        QVERIFY2(ex.exitCode == 0, ex.err.constData());
        const auto lines = csvLines(csv);
        QCOMPARE(lines.size(), 4);
        const QList<QByteArray> header = lines[0].split(',');
        const int rank = header.indexOf("first_right_rank"), none = header.indexOf("none_right"),
                  kind = header.indexOf("query_kind"), source = header.indexOf("source"), k = header.indexOf("k");
        QVERIFY(rank > 0 && none > 0 && kind > 0 && source > 0 && k > 0);
        QCOMPARE(lines[1].split(',')[rank], QByteArray("2"));
        QCOMPARE(lines[1].split(',')[source], QByteArray("cli"));
        QCOMPARE(lines[2].split(',')[none], QByteArray("1"));
        QCOMPARE(lines[3].split(',')[kind], QByteArray("text"));
        QCOMPARE(lines[3].split(',')[k], QByteArray("50"));

        // The figures: search 1 right at rank 2 (K 5), search 2 none right (K 3), search 3 not judged.
        // hit@1: both judged searches are misses, 0/2; hit@5: search 1 a hit, search 2 showed only 3
        // hits so it says nothing about rank 4-5: 1/1; hit@10 likewise 1/1.
        Run kpis = diffclip({"usage", "kpis", "--library", m_lib, "--json"});
        QVERIFY2(kpis.exitCode == 0, kpis.err.constData());
        const QJsonObject j = json(kpis);
        QCOMPARE(j["searches"].toInt(), 3);
        QCOMPARE(j["judged"].toInt(), 2);
        const QJsonObject overall = j["overall"].toObject();
        QCOMPARE(overall["hit@1"].toObject()["hits"].toInt(), 0);
        QCOMPARE(overall["hit@1"].toObject()["trials"].toInt(), 2);
        QCOMPARE(overall["hit@5"].toObject()["hits"].toInt(), 1);
        QCOMPARE(overall["hit@5"].toObject()["trials"].toInt(), 1);
        QCOMPARE(j["by_label"].toArray()[0].toObject()["label"].toString(), QString("scratches"));  // query photo's
        QCOMPARE(j["searches_per_day"].toArray().size(), 1);
        QCOMPARE(j["confidence_tested"].toInt() <= 2, true);
        QVERIFY(j["monitor"].toObject().contains("p_value"));
        Run text = diffclip({"usage", "kpis", "--library", m_lib});
        QVERIFY2(text.exitCode == 0, text.err.constData());
        QVERIFY2(text.out.contains("hit@K"), text.out.constData());
        // Every search is from today: the period before has none, so nothing is tested.
        QVERIFY2(text.out.contains("not tested (needs judged searches in both periods)"), text.out.constData());
        QVERIFY2(!text.out.contains("Fisher p"), text.out.constData());

        // Time and money. All three searches are from today: 1 day, so per month = count × 30.436875;
        // one search has a task time (feedback right at rank 2), the compute is the mean total.
        Run money = diffclip({"usage", "kpis", "--library", m_lib, "--before-minutes", "3", "--hourly-rate", "60",
                              "--power-watts", "100", "--kwh-price", "0.3", "--investment", "1000", "--json"});
        QVERIFY2(money.exitCode == 0, money.err.constData());
        const QJsonObject mj = json(money);
        QCOMPARE(mj["span_days"].toDouble(), 1.0);
        const double mean = mj["mean_total_seconds"].toDouble();
        QVERIFY(mean > 0.0);
        const QJsonObject e = mj["economics"].toObject();
        QVERIFY(qAbs(e["searches_per_month"].toDouble() - 3 * 30.436875) < 1e-9);
        QVERIFY(qAbs(e["lookups_per_month"].toDouble() - 30.436875) < 1e-9);
        const double saved = e["saved_minutes_per_lookup"].toDouble();
        QVERIFY2(saved > 2.0 && saved <= 3.0, qPrintable(QString::number(saved)));  // a task of under a minute
        QVERIFY(qAbs(e["hours_saved_per_month"].toDouble() - 30.436875 * saved / 60.0) < 1e-9);
        QVERIFY(qAbs(e["cost_per_1000_searches"].toDouble() - 1000.0 * mean * 100.0 / 3.6e6 * 0.3) < 1e-12);
        const double net = e["money_saved_per_month"].toDouble() - e["running_cost_per_month"].toDouble();
        QVERIFY(qAbs(e["payback_months"].toDouble() - 1000.0 / net) < 1e-9);
        Run moneyText = diffclip({"usage", "kpis", "--library", m_lib, "--before-minutes", "3"});
        QVERIFY2(moneyText.out.contains("time and money (1.0 days"), moneyText.out.constData());
        QVERIFY2(moneyText.out.contains("min saved per lookup"), moneyText.out.constData());
        QCOMPARE(diffclip({"usage", "kpis", "--library", m_lib, "--hourly-rate", "60"}).exitCode, 2);
        QCOMPARE(diffclip({"usage", "kpis", "--library", m_lib, "--before-minutes", "0"}).exitCode, 2);
        QCOMPARE(diffclip({"usage", "kpis", "--library", m_lib, "--before-minutes", "3", "--investment", "-5"}).exitCode, 2);

        // Photo drift: all 12 photos were indexed just now, so none is earlier: counted, not tested.
        Run drift = diffclip({"usage", "kpis", "--library", m_lib, "--drift", "--json"});
        QVERIFY2(drift.exitCode == 0, drift.err.constData());
        const QJsonObject dj = json(drift)["drift"].toObject();
        QCOMPARE(dj["recent"].toInt(), 12);
        QCOMPARE(dj["earlier"].toInt(), 0);
        QCOMPARE(dj["tested"].toBool(), false);
        QCOMPARE(dj["warning"].toBool(), false);
        Run driftText = diffclip({"usage", "kpis", "--library", m_lib, "--drift"});
        QVERIFY2(driftText.out.contains("12 photos added"), driftText.out.constData());
        QVERIFY2(driftText.out.contains("not tested"), driftText.out.constData());

        // Labels to check: the 12 photos all carry their folder's label; whatever the tiny random
        // model's neighbours say, every doubt suggests another label, sorted by score.
        Run labels = diffclip({"library", "check-labels", m_lib, "--k", "3", "--json"});
        QVERIFY2(labels.exitCode == 0, labels.err.constData());
        const QJsonObject lj = json(labels);
        QCOMPARE(lj["labelled"].toInt(), 12);
        QCOMPARE(lj["k"].toInt(), 3);
        double previous = 2.0;
        for (const auto& v : lj["doubts"].toArray()) {
            const QJsonObject d = v.toObject();
            QVERIFY(d["suggested"].toString() != d["label"].toString());
            QVERIFY(d["score"].toDouble() <= previous && d["score"].toDouble() > 0.0);
            previous = d["score"].toDouble();
            QVERIFY(d["path"].toString().startsWith(m_dir.path()));
        }
        QCOMPARE(diffclip({"library", "check-labels", m_lib, "--k", "0"}).exitCode, 2);

        // The PoC report: PDF in Japanese and its CSV tables; the same model twice is no comparison,
        // which the report and a note say, and the rest of the report stands.
        const QString pdf = m_dir.filePath("poc.pdf");
        Run report = diffclip({"report", "--library", m_lib, "--out", pdf, "--csv", m_dir.filePath("tables"), "--lang", "ja",
                               "--before-minutes", "3", "--models", m_dir.filePath("tiny.pkg") + "," + m_dir.filePath("tiny.pkg")});
        QVERIFY2(report.exitCode == 0, report.err.constData());
        QVERIFY2(report.out.contains("poc.pdf") && report.out.contains("hit_rates.csv"), report.out.constData());
        QVERIFY2(report.err.contains("no comparison"), report.err.constData());
        QFile pdfFile(pdf);
        QVERIFY(pdfFile.open(QIODevice::ReadOnly) && pdfFile.read(5) == "%PDF-");
        QVERIFY(QFile::exists(m_dir.filePath("tables/latency.csv")));
        // The searches above used photos still on disk, one with a right hit: it is shown with the tiny
        // (differential) model's A1 and A1 − λA2 maps.
        Run html = diffclip({"report", "--library", m_lib, "--out", m_dir.filePath("poc.html"), "--examples", "2"});
        QVERIFY2(html.exitCode == 0, html.err.constData());
        QFile htmlFile(m_dir.filePath("poc.html"));
        QVERIFY(htmlFile.open(QIODevice::ReadOnly));
        const QByteArray page = htmlFile.readAll();
        QVERIFY(page.contains("Where the model looks"));
        QVERIFY2(page.contains("right hit at rank 2"), html.err.constData());
        QVERIFY(page.count("data:image/png;base64,") >= 2);  // the weekly chart and the example's figure
        // With a mask of that photo (its centre square): the share of each map inside it.
        const QString masks = m_dir.filePath("masks");
        QVERIFY(QDir().mkpath(masks + "/scratches"));
        QImage mask(200, 200, QImage::Format_Grayscale8);
        mask.fill(0);
        for (int y = 50; y < 150; ++y)
            for (int x = 50; x < 150; ++x) mask.setPixel(x, y, qRgb(255, 255, 255));
        QVERIFY(mask.save(masks + "/scratches/scratches_1.png"));
        Run masked = diffclip({"report", "--library", m_lib, "--out", m_dir.filePath("masked.html"), "--masks", masks});
        QVERIFY2(masked.exitCode == 0, masked.err.constData());
        QFile maskedFile(m_dir.filePath("masked.html"));
        QVERIFY(maskedFile.open(QIODevice::ReadOnly));
        QVERIFY(maskedFile.readAll().contains("Inside the defect"));
        // The masks sit beside the photos (…/photos/<path> and …/masks/<path>.png, the demo's
        // layout): found without --masks too.
        Run beside = diffclip({"report", "--library", m_lib, "--out", m_dir.filePath("beside.html")});
        QVERIFY2(beside.exitCode == 0, beside.err.constData());
        QFile besideFile(m_dir.filePath("beside.html"));
        QVERIFY(besideFile.open(QIODevice::ReadOnly));
        QVERIFY(besideFile.readAll().contains("Inside the defect"));
        QCOMPARE(diffclip({"report", "--library", m_lib, "--out", m_dir.filePath("poc.txt")}).exitCode, 2);
        QCOMPARE(diffclip({"report", "--library", m_lib, "--out", pdf, "--lang", "fr"}).exitCode, 2);
        QCOMPARE(diffclip({"report", "--library", m_lib, "--out", pdf, "--models", "one"}).exitCode, 2);
        QCOMPARE(diffclip({"report", "--library", m_lib, "--out", pdf, "--hourly-rate", "60"}).exitCode, 2);
        QCOMPARE(diffclip({"report", "--library", m_dir.filePath("absent.db"), "--out", pdf}).exitCode, 1);
        Run notNeeds = diffclip({"report", "--library", m_lib, "--out", pdf, "--data-needs", m_lib});
        QCOMPARE(notNeeds.exitCode, 1);
        QVERIFY2(notNeeds.err.contains("data-needs") || notNeeds.err.contains("JSON"), notNeeds.err.constData());

        // Bad periods and subcommands: usage errors.
        QCOMPARE(diffclip({"usage", "kpis", "--library", m_lib, "--from", "7/12/2026"}).exitCode, 2);
        QCOMPARE(diffclip({"usage", "kpis", "--library", m_lib, "--from", "2026-12-10", "--to", "2026-12-01"}).exitCode, 2);
        QCOMPARE(diffclip({"usage"}).exitCode, 2);
        QCOMPARE(diffclip({"usage", "forget", "--library", m_lib}).exitCode, 2);
        QCOMPARE(diffclip({"usage", "--help"}).exitCode, 0);
        QCOMPARE(diffclip({"usage", "kpis", "--library", m_dir.filePath("absent.db")}).exitCode, 1);

        // Clearing asks for --yes; then the log is empty.
        Run refuse = diffclip({"usage", "clear", "--library", m_lib});
        QCOMPARE(refuse.exitCode, 2);
        QVERIFY2(refuse.err.contains("--yes"), refuse.err.constData());
        QCOMPARE(json(diffclip({"usage", "kpis", "--library", m_lib, "--json"}))["searches"].toInt(), 3);
        Run clear = diffclip({"usage", "clear", "--library", m_lib, "--yes"});
        QVERIFY2(clear.exitCode == 0, clear.err.constData());
        QVERIFY2(clear.err.contains("3 logged searches removed"), clear.err.constData());
        QCOMPARE(json(diffclip({"usage", "kpis", "--library", m_lib, "--json"}))["searches"].toInt(), 0);
        QCOMPARE(diffclip({"usage", "export", "--library", m_lib, "--out", csv}).exitCode, 0);
        QCOMPARE(csvLines(csv).size(), 1);  // the header
    }

    // A full disk (a file size limit) and a read-only library: the search's log fails with the
    // reason; without --feedback the search still answers (with a note), with it the command fails.
    void writeFailures() {
        // The library is bigger than the limit: every write that extends a file fails.
        Run full = runProgram("prlimit", {"--fsize=4096", testsupport::diffclipBinary(), "search", "--library", m_lib, "--text", "scratch",
                                          "--feedback", "1"});
        QCOMPARE(full.exitCode, 1);
        QVERIFY2(full.err.startsWith("diffclip: ") && full.err.count('\n') <= 2, full.err.constData());

        QVERIFY(QFile::setPermissions(m_lib, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
        QVERIFY(QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::ExeOwner | QFile::ReadOther |
                                                        QFile::ExeOther | QFile::ReadGroup | QFile::ExeGroup));
        const bool root = ::geteuid() == 0;  // root may write any file: run as nobody then
        auto asUser = [&](QStringList args) {
            if (!root) return diffclip(args);
            args.prepend(testsupport::diffclipBinary());
            return runProgram("setpriv", QStringList{"--reuid=65534", "--regid=65534", "--clear-groups"} + args);
        };
        Run plain = asUser({"search", "--library", m_lib, "--text", "scratch", "--json"});
        QVERIFY2(plain.exitCode == 0, plain.err.constData());
        QVERIFY2(plain.err.contains("not logged") && plain.err.contains("read-only"), plain.err.constData());
        QVERIFY(json(plain)["search_id"].isNull());
        Run judged = asUser({"search", "--library", m_lib, "--text", "scratch", "--feedback", "1"});
        QCOMPARE(judged.exitCode, 1);
        QVERIFY2(judged.err.contains("read-only"), judged.err.constData());
        Run clear = asUser({"usage", "clear", "--library", m_lib, "--yes"});
        QCOMPARE(clear.exitCode, 1);
        QVERIFY2(clear.err.contains("read-only"), clear.err.constData());
        QVERIFY(QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        QVERIFY(QFile::setPermissions(m_lib, QFile::ReadOwner | QFile::WriteOwner));
        QCOMPARE(diffclip({"library", "check", m_lib}).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestCliUsage)
#include "tst_cli_usage.moc"
