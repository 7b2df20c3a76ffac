// The PoC report (report/PocReport.h) on a library written through the library API: two models
// whose embeddings separate the labels differently (B perfectly, A not), a scripted usage log,
// the plant's time-and-money inputs and a saved data-needs study. The gathered figures, the HTML's
// sections and numbers, a PDF that parses (pages, fonts embedded), the CSV tables, the Japanese
// words, and the refusals (another extension, a folder that cannot be written).
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "PocReport.h"
#include "diffclip/library/Library.h"

using namespace diffclip;
using namespace diffclip::report;

namespace {

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kStart = 1'796'342'400'000;  // 2026-12-04 00:00 UTC (ISO week 2026-W49)

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestPocReport : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_lib;
    ComparedModel m_a{"model-a", "fp-a"}, m_b{"model-b", "fp-b"};

    PocReportRequest request() const {
        PocReportRequest r;
        r.libraryPath = m_lib.toStdString();
        r.kpis.utcOffsetMinutes = 0;
        r.kpis.filter.fromMs = kStart;
        r.kpis.filter.toMs = kStart + 3 * kDay;
        r.economics = EconomicsInputs{5.0, 3000.0, 120.0, 30.0, 100000.0};
        r.models = std::make_pair(m_a, m_b);
        r.iterations = 500;
        r.program = "tst_pocreport";
        r.machine = {"LibTorch (test)"};
        auto j = parseJson(R"({"format": "diffclip-data-needs/1", "mode": "linear", "base": "starter", "held_out": 60,
            "points": [{"requested": 5, "per_class": 5, "top1": [0.7, 0.8], "mean": 0.75, "interval": [0.1, 1.0]},
                       {"requested": 10, "per_class": 10, "top1": [0.85, 0.85], "mean": 0.85, "interval": [0.85, 0.85]},
                       {"requested": "all", "per_class": 40, "top1": [0.9], "mean": 0.9, "interval": [0.9, 0.9]}],
            "curve": {"a": 0.95, "b": 0.5, "c": 0.7, "rmse": 0.01, "max_n": 40}, "curve_lower": null, "curve_upper": null,
            "target": 0.9, "needed": 26.8, "needed_low": null, "needed_high": null, "seconds": 1.0})");
        r.dataNeeds = *j;
        return r;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_lib = m_dir.filePath(QStringLiteral("plant.dclib"));
        auto lib = Library::open(m_lib.toStdString());
        QVERIFY(lib.ok());
        auto a = lib->ensureModel(m_a.name, m_a.fingerprint, "{}", 2);
        auto b = lib->ensureModel(m_b.name, m_b.fingerprint, "{}", 2);
        QVERIFY(a.ok() && b.ok());
        // 6 dents and 6 scratches. B puts each label on its own axis; A mixes them up.
        std::vector<int64_t> ids;
        for (int i = 0; i < 12; ++i) {
            ImageRecord r;
            r.path = "/plant/p" + std::to_string(i) + ".png";
            r.contentHash = std::string(62, 'a') + char('a' + i / 10) + char('0' + i % 10);
            ids.push_back(*lib->upsertImage(r));
            const bool dent = i < 6;
            const float vb[2] = {dent ? 1.0f : 0.0f, dent ? 0.0f : 1.0f};
            const float va[2] = {i % 2 ? 1.0f : 0.0f, i % 2 ? 0.0f : 1.0f};
            QVERIFY(lib->putEmbedding(ids.back(), *b, vb, 2).ok());
            QVERIFY(lib->putEmbedding(ids.back(), *a, va, 2).ok());
            QVERIFY(lib->setLabel(ids.back(), dent ? "dent" : "scratch", LabelSource::Manual).ok());
        }
        // 8 searches over two days: the right hit first in 6, third in 1, none right in 1.
        for (int i = 0; i < 8; ++i) {
            SearchLogEntry e;
            e.createdAtMs = kStart + (i < 4 ? 0 : kDay) + i * 60'000;
            e.osUser = "inspector";
            e.host = "station";
            e.modelName = m_b.name;
            e.modelFingerprint = m_b.fingerprint;
            e.query = "/q/" + std::to_string(i) + ".png";
            e.queryLabel = i % 2 ? "scratch" : "dent";
            e.k = 5;
            e.hitIds = {ids[0], ids[1], ids[2], ids[3], ids[4]};
            e.totalMs = 100.0 + i;
            e.confident = true;
            e.source = "test";
            auto id = lib->logSearch(e);
            QVERIFY(id.ok());
            if (i == 7)
                QVERIFY(lib->addSearchFeedback(*id, 0, false, e.createdAtMs + 5000).ok());
            else
                QVERIFY(lib->addSearchFeedback(*id, i == 6 ? 3 : 1, true, e.createdAtMs + 12'000).ok());
        }
    }

    void gathersTheFigures() {
        auto lib = Library::open(m_lib.toStdString());
        QVERIFY(lib.ok());
        auto d = gatherPocReport(*lib, request());
        QVERIFY2(d.ok(), d.ok() ? "" : d.error().describe().c_str());
        QCOMPARE(d->kpis.searches, int64_t(8));
        QCOMPARE(d->kpis.judged, int64_t(8));
        // hit@1 6/8, hit@5 7/8 (the third-rank hit counts, "none right" does not).
        QCOMPARE(d->kpis.overall.at[0].hits, int64_t(6));
        QCOMPARE(d->kpis.overall.at[1].hits, int64_t(7));
        QCOMPARE(d->photos, int64_t(12));
        QCOMPARE(d->labelled, int64_t(12));
        QCOMPARE(d->models.size(), size_t(2));
        QVERIFY(d->economics.has_value());
        QVERIFY(d->comparison.has_value());
        QVERIFY(d->comparisonError.empty());
        QCOMPARE(d->comparison->queries, int64_t(12));
        // Model B ranks every same-label photo first: hit@1 = 1.
        QCOMPARE(d->comparison->overall[0].b, 1.0);
        // The logged query photos are not on disk: no example searches, and the report says why.
        QVERIFY(d->examples.empty());
        QVERIFY2(d->examplesNote.find("still on disk") != std::string::npos, d->examplesNote.c_str());
        // A model the library does not know: the report still stands, saying why.
        auto r = request();
        r.models = std::make_pair(m_a, ComparedModel{"model-c", "fp-c"});
        auto missing = gatherPocReport(*lib, r);
        QVERIFY(missing.ok());
        QVERIFY(!missing->comparison);
        QVERIFY(!missing->comparisonError.empty());
    }

    void writesHtmlPdfAndCsv() {
        auto lib = Library::open(m_lib.toStdString());
        QVERIFY(lib.ok());
        const PocReportRequest r = request();
        auto d = gatherPocReport(*lib, r);
        QVERIFY(d.ok());
        const QString html = PocReport::html(*d, r, true);
        for (const char* section : {"Verdict", "How often the right past defect is found", "Monitoring", "Speed and cost",
                                    "Time and money", "Two models compared", "How many labelled photos are needed",
                                    "Where the model looks", "Models in the library", "Machine"})
            QVERIFY2(html.contains(QLatin1String(section)), section);
        QVERIFY(html.contains(QStringLiteral("87.5 %")));            // hit@5 7/8 in the verdict
        QVERIFY(html.contains(QStringLiteral("2026-12-04 to 2026-12-06")));
        QVERIFY(html.contains(QStringLiteral("About 27 labelled photos per class reach 90 %")));
        QVERIFY(html.contains(QStringLiteral("“model-b” is better than “model-a”")));
        QVERIFY(html.contains(QStringLiteral("data:image/png;base64,")));
        QVERIFY(html.contains(QStringLiteral("LibTorch (test)")));

        const QString htmlPath = m_dir.filePath(QStringLiteral("poc.html"));
        QVERIFY(PocReport::write(htmlPath, *d, r).ok());
        QVERIFY(readAll(htmlPath).startsWith("<html>"));
        const QString pdfPath = m_dir.filePath(QStringLiteral("poc.pdf"));
        QVERIFY(PocReport::write(pdfPath, *d, r).ok());
        const QByteArray pdf = readAll(pdfPath);
        QVERIFY(pdf.startsWith("%PDF-"));
        QVERIFY(pdf.trimmed().endsWith("%%EOF"));
        QVERIFY(pdf.count("/Type /Page\n") + pdf.count("/Type /Page\r") + pdf.count("/Type /Page ") +
                    pdf.count("/Type /Page/") >= 2);
        QVERIFY(pdf.contains("/FontFile2"));  // fonts embedded: it prints the same everywhere

        auto files = PocReport::writeCsv(m_dir.filePath(QStringLiteral("csv")), *d, r);
        QVERIFY2(files.ok(), files.ok() ? "" : files.error().describe().c_str());
        QCOMPARE(files->size(), 5);  // hit rates, latency, per day, comparison, data needs
        const QList<QByteArray> rates = readAll(m_dir.filePath(QStringLiteral("csv/hit_rates.csv"))).split('\n');
        QCOMPARE(rates[0].trimmed(), QByteArray("group_kind,group,k,hits,trials,rate,low,high"));
        // Overall, dent, scratch and the ISO week 2026-W49: 4 groups × 3 K values, and the
        // header; the last line ends with CRLF too.
        QCOMPARE(rates.size(), 1 + 12 + 1);
        QVERIFY(rates[2].startsWith("overall,,5,7,8,0.875000"));
        const QList<QByteArray> needs = readAll(m_dir.filePath(QStringLiteral("csv/data_needs.csv"))).split('\n');
        QVERIFY(needs[3].startsWith("all,40.000,0.900000"));
    }

    void refusals() {
        auto lib = Library::open(m_lib.toStdString());
        QVERIFY(lib.ok());
        const PocReportRequest r = request();
        auto d = gatherPocReport(*lib, r);
        QVERIFY(d.ok());
        auto bad = PocReport::write(m_dir.filePath(QStringLiteral("poc.docx")), *d, r);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);
        auto nowhere = PocReport::write(QStringLiteral("/proc/no-such-dir/poc.pdf"), *d, r);
        QVERIFY(!nowhere.ok());
        QCOMPARE(nowhere.error().code, ErrorCode::Io);
        QVERIFY(!PocReport::writeCsv(QStringLiteral("/proc/no-such-dir/csv"), *d, r).ok());
        // An existing report is replaced whole or not at all.
        const QString keep = m_dir.filePath(QStringLiteral("keep.html"));
        QVERIFY(PocReport::write(keep, *d, r).ok());
        const QByteArray before = readAll(keep);
        QVERIFY(!PocReport::write(keep + QStringLiteral(".txt"), *d, r).ok());
        QCOMPARE(readAll(keep), before);
    }

    // The Japanese report: the compiled catalogue of this library, and the PDF's text as
    // pdftotext reads it (every section title in Japanese, the numbers kept).
    void japanese() {
        QVERIFY(installReportTranslator(QStringLiteral("ja")));
        QVERIFY(!installReportTranslator(QStringLiteral("xx")));
        auto lib = Library::open(m_lib.toStdString());
        QVERIFY(lib.ok());
        const PocReportRequest r = request();
        auto d = gatherPocReport(*lib, r);
        QVERIFY(d.ok());
        const QString html = PocReport::html(*d, r, false);
        for (const char* section : {"判定", "過去の不良が正しく見つかる頻度", "速度と費用", "時間と費用",
                                    "ライブラリのラベル付き写真で比べた2つのモデル", "必要なラベル付き写真の数"})
            QVERIFY2(html.contains(QString::fromUtf8(section)), section);
        const QString pdfPath = m_dir.filePath(QStringLiteral("poc-ja.pdf"));
        QVERIFY(PocReport::write(pdfPath, *d, r).ok());
        QProcess text;
        text.start(QStringLiteral("pdftotext"), {QStringLiteral("-enc"), QStringLiteral("UTF-8"), pdfPath, QStringLiteral("-")});
        QVERIFY2(text.waitForFinished(60000), "pdftotext (poppler-utils) is needed: tools/install-deps.sh installs it");
        QCOMPARE(text.exitCode(), 0);
        // NFKC: pdftotext reads some glyphs of the CJK font back as Kangxi radicals (U+2F64 for 用).
        const QString words = QString::fromUtf8(text.readAllStandardOutput()).normalized(QString::NormalizationForm_KC);
        for (const char* section : {"判定", "速度と費用", "必要なラベル付き写真の数", "マシン"})
            QVERIFY2(words.contains(QString::fromUtf8(section)), section);
        QVERIFY(words.contains(QStringLiteral("87.5")));
    }
};

QTEST_MAIN(TestPocReport)
#include "tst_pocreport.moc"
