// The PoC page on a library whose usage log holds two weeks of searches with feedback (logged
// through the library API with set times): the hit-rate table, the week chart with its Wilson
// bars, latency, the summary and the monitoring warning; filters; a library without a log.
#include <QSettings>
#include <QStandardPaths>
#include <QtTest>

#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTemporaryDir>

#include "ErrorBanner.h"
#include "AppSettings.h"
#include "CompareModelsDialog.h"
#include "DataNeedsDialog.h"
#include "JobCentre.h"
#include "../training/TrainTestData.h"
#include "PocPage.h"
#include "QCustomPlotQt.h"
#include "diffclip/library/Library.h"
#include "diffclip/library/UsageKpis.h"

using diffclip::ui::AppSettings;
using diffclip::ui::PocPage;

namespace {

constexpr int kTimeoutMs = 20000;

}  // namespace

class TestPocPage : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_lib;

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // the time-and-money inputs go to the test's settings
        QSettings().remove(QString());
        QVERIFY(m_dir.isValid());
        m_lib = m_dir.filePath(QStringLiteral("poc.dclib"));
        auto lib = diffclip::Library::open(m_lib.toStdString());
        QVERIFY2(lib.ok(), lib.error().describe().c_str());
        std::vector<int64_t> ids;
        for (int i = 0; i < 5; ++i) {
            diffclip::ImageRecord r;
            r.path = "/lib/p" + std::to_string(i) + ".png";
            r.contentHash = std::string(63, '0') + char('0' + i);
            ids.push_back(*lib->upsertImage(r));
        }
        QVERIFY(lib->setLabel(ids[0], "scratch", diffclip::LabelSource::Manual).ok());
        // Embeddings of one model, all added now: the photo drift has nothing earlier to compare.
        auto model = lib->ensureModel("model-a", "fp-a", "{}", 2);
        QVERIFY(model.ok());
        for (size_t i = 0; i < ids.size(); ++i) {
            const float v[2] = {1.0f, float(i)};
            QVERIFY(lib->putEmbedding(ids[i], *model, v, 2).ok());
        }
        // Wednesday 2026-11-25 (ISO week 48): 10 searches, the first hit right each time.
        // Wednesday 2026-12-02 (week 49): 10 searches, none right. At noon UTC, the same day in
        // any time zone the test may run in.
        for (int week = 0; week < 2; ++week) {
            const int64_t noon =
                *diffclip::usage::dayStartMs(week == 0 ? "2026-11-25" : "2026-12-02", 0) + 12 * 3'600'000;
            for (int i = 0; i < 10; ++i) {
                diffclip::SearchLogEntry e;
                e.createdAtMs = noon + i * 60'000;
                e.osUser = "inspector1";
                e.host = "station";
                e.modelName = "model-a";
                e.query = "/q/" + std::to_string(week) + "-" + std::to_string(i) + ".png";
                e.k = 5;
                e.hitIds = {ids[0], ids[1], ids[2], ids[3], ids[4]};
                e.totalMs = 100 + 10 * i;
                e.confident = week == 0;
                e.source = "test";
                auto id = lib->logSearch(e);
                QVERIFY2(id.ok(), id.error().describe().c_str());
                QVERIFY(lib->addSearchFeedback(*id, week == 0 ? 1 : 0, week == 0, e.createdAtMs + 8000).ok());
            }
        }
    }

    void showsTheFiguresAndTheWarning() {
        PocPage page;
        page.resize(1000, 700);
        page.show();
        page.setPeriod(QDate(2026, 11, 23), QDate(2026, 12, 6));
        QSignalSpy refreshed(&page, &PocPage::refreshed);
        page.setLibraryPath(m_lib);
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 1, kTimeoutMs);
        QVERIFY(refreshed.first().at(0).toBool());
        QVERIFY(page.kpis().has_value());
        QCOMPARE(page.kpis()->searches, int64_t(20));

        // Overall hit@5: 10 of 20 judged; Wilson [29.9%, 70.1%] (p = 0.5, n = 20: centre 0.5,
        // half = 1.959964·sqrt(0.25/20 + 3.841459/1600)/1.192073 = 0.200702).
        QStandardItemModel* rates = page.rateModel();
        QCOMPARE(rates->item(0, 0)->text(), QStringLiteral("Overall"));
        QCOMPARE(rates->item(0, 1)->text(), QStringLiteral("20"));
        QCOMPARE(rates->item(0, 4)->data(Qt::UserRole).toDouble(), 0.5);
        QVERIFY2(rates->item(0, 4)->text().contains(QStringLiteral("10/20")), qPrintable(rates->item(0, 4)->text()));
        QVERIFY2(rates->item(0, 4)->text().contains(QStringLiteral("29.9")), qPrintable(rates->item(0, 4)->text()));
        QVERIFY2(rates->item(0, 4)->text().contains(QStringLiteral("70.1")), qPrintable(rates->item(0, 4)->text()));
        // Labels: scratch (the right hit's) 10/10, unknown (none right, outside photos) 0/10; weeks.
        QCOMPARE(rates->item(1, 0)->text(), QStringLiteral("scratch"));
        QCOMPARE(rates->item(1, 4)->data(Qt::UserRole).toDouble(), 1.0);
        QCOMPARE(rates->item(2, 0)->text(), QStringLiteral("(label unknown)"));
        QCOMPARE(rates->item(3, 0)->text(), QStringLiteral("Week 2026-W48"));
        QCOMPARE(rates->item(4, 0)->text(), QStringLiteral("Week 2026-W49"));
        QCOMPARE(rates->item(4, 4)->data(Qt::UserRole).toDouble(), 0.0);

        // The chart: hit@5 per week (100%, 0%) with the Wilson bars: 10/10 gives [72.2%, 100%].
        QStandardItemModel* weeks = page.weekModel();
        QCOMPARE(weeks->rowCount(), 2);
        QCOMPARE(weeks->item(0, 0)->text(), QStringLiteral("2026-W48"));
        QVERIFY(qAbs(weeks->item(0, 2)->data(Qt::UserRole).toDouble() - 0.722467) < 1e-5);
        QCustomPlot* chart = page.chart();
        QCOMPARE(chart->graphCount(), 1);
        QCOMPARE(chart->graph(0)->dataCount(), 2);
        QCOMPARE(chart->graph(0)->data()->at(0)->value, 100.0);
        QCOMPARE(chart->graph(0)->data()->at(1)->value, 0.0);
        auto* bars = qobject_cast<QCPErrorBars*>(chart->plottable(1));
        QVERIFY(bars);
        QCOMPARE(bars->dataCount(), 2);
        QVERIFY(qAbs(bars->data()->at(0).errorMinus - (100.0 - 72.2467)) < 1e-3);

        // Latency: two days of 10 searches, 100..190 ms: p50 145, p95 185.5.
        QCOMPARE(page.latencyModel()->rowCount(), 2);
        QCOMPARE(page.latencyModel()->item(0, 3)->text(), QLocale().toString(145.0, 'f', 1));

        // Summary and monitoring: 0/10 in the last 7 days against 10/10: Fisher p = 1/C(20,10)
        // = 1/184756 < 0.001, a warning.
        QVERIFY2(page.summaryText().contains(QStringLiteral("Searches in the period: 20")), qPrintable(page.summaryText()));
        QVERIFY2(page.summaryText().contains(QStringLiteral("8.0 s")), qPrintable(page.summaryText()));
        QVERIFY2(page.monitorText().startsWith(QStringLiteral("Warning")), qPrintable(page.monitorText()));
        QVERIFY2(page.monitorText().contains(QStringLiteral("p < 0.001")), qPrintable(page.monitorText()));
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("monitorText"))->property("warning").toBool());
        // The photos were added today, after this period: the drift test leaves them out.
        QVERIFY(page.drift().has_value());
        QCOMPARE(page.drift()->recent + page.drift()->earlier, int64_t(0));
        QVERIFY(!page.findChild<QLabel*>(QStringLiteral("driftText"))->property("warning").toBool());

        // Time and money over the 14 days: 20 searches, 10 with a task time of 8 s, mean 145 ms.
        // With 2 min before, 3000 an hour, 100 W, 30 a kWh and 10,000 invested: lookups per month
        // 10 / 14 × 30.436875 = 21.74; saved 2 − 8/60 = 1.87 min; 21.740625 × 1.866667 / 60 = 0.68
        // hours (2,029.125); electricity 0.145 × 100 / 3.6e6 × 30 × 1000 = 0.12 per 1,000 searches;
        // payback 10,000 / (2,029.125 − 0.005) = 4.9 months.
        page.setEconomicsInputs({0.0, 3000.0, 100.0, 30.0, 10000.0});
        QVERIFY2(page.moneyText().contains(QStringLiteral("enter the minutes")), qPrintable(page.moneyText()));
        page.setEconomicsInputs({2.0, 3000.0, 100.0, 30.0, 10000.0});
        const QLocale l;
        for (const QString& part : {l.toString(21.740625, 'f', 1) + QStringLiteral(" lookups"),
                                    l.toString(1.8666667, 'f', 2) + QStringLiteral(" min saved"),
                                    l.toString(0.676375, 'f', 1) + QStringLiteral(" hours"),
                                    QStringLiteral("(") + l.toString(2029.125, 'f', 0) + QStringLiteral(")"),
                                    l.toString(0.1208333, 'f', 2) + QStringLiteral(" per 1,000 searches"),
                                    l.toString(4.928245, 'f', 1) + QStringLiteral(" months")})
            QVERIFY2(page.moneyText().contains(part), qPrintable(page.moneyText() + " lacks " + part));
        // The inputs are kept for the next session.
        QCOMPARE(AppSettings::economicsInputs().beforeMinutes, 2.0);
        QCOMPARE(AppSettings::economicsInputs().investment, 10000.0);

        // A filter: another user has no searches; then the first week alone: no warning (nothing before).
        auto* user = page.findChild<QLineEdit*>(QStringLiteral("userFilter"));
        QVERIFY(user);
        user->setText(QStringLiteral("nobody"));
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 2, kTimeoutMs);
        QCOMPARE(page.kpis()->searches, int64_t(0));
        QCOMPARE(page.rateModel()->item(0, 4)->text(), QStringLiteral("–"));
        user->clear();
        page.setPeriod(QDate(2026, 11, 23), QDate(2026, 11, 29));
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 3, kTimeoutMs);
        QCOMPARE(page.kpis()->searches, int64_t(10));
        QVERIFY(!page.kpis()->monitor.warning);
        QVERIFY2(page.monitorText().startsWith(QStringLiteral("Monitoring")), qPrintable(page.monitorText()));

        // A period up to today: the 5 photos are recent, none earlier; too few to test.
        page.setPeriod(QDate::currentDate().addDays(-7), QDate::currentDate());
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 4, kTimeoutMs);
        QCOMPARE(page.drift()->recent, int64_t(5));
        QVERIFY(!page.drift()->tested);
        QVERIFY2(page.driftText().contains(QStringLiteral("5 photos added in the last 7 days against 0 before")),
                 qPrintable(page.driftText()));

        // An empty period is refused with a reason.
        page.setPeriod(QDate(2026, 12, 6), QDate(2026, 11, 23));
        page.refresh();
        QCOMPARE(refreshed.count(), 5);
        QVERIFY(!refreshed.last().at(0).toBool());
        QVERIFY(page.errorBanner()->isVisible());
    }

    void compareTwoModels() {
        // 2 classes × 12 labelled photos; model "sharp" puts each class on its own axis, model
        // "blurred" mixes them (its class signal is a tenth of its noise): B ("sharp", the newer)
        // must beat A on hit@1 with an interval above 0.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ab.dclib"));
        {
            auto lib = diffclip::Library::open(path.toStdString());
            QVERIFY(lib.ok());
            auto blurred = lib->ensureModel("blurred", "fp-blurred", "{}", 3);
            auto sharp = lib->ensureModel("sharp", "fp-sharp", "{}", 3);
            QVERIFY(blurred.ok() && sharp.ok());
            for (int i = 0; i < 24; ++i) {
                diffclip::ImageRecord r;
                r.path = "/ab/" + std::to_string(i) + ".png";
                r.contentHash = std::string(62, 'a') + char('a' + i / 10) + char('0' + i % 10);
                auto id = lib->upsertImage(r);
                QVERIFY(id.ok());
                const int cls = i % 2;
                QVERIFY(lib->setLabel(*id, cls ? "dent" : "scratch", diffclip::LabelSource::Manual).ok());
                const float jitter = float((i * 37) % 11) / 11.0f - 0.5f, other = float((i * 53) % 7) / 7.0f - 0.5f;
                const float s[3] = {cls ? 0.1f : 1.0f, cls ? 1.0f : 0.1f, 0.1f * jitter};
                const float b[3] = {0.1f * float(cls) + jitter, other, 1.0f};
                QVERIFY(lib->putEmbedding(*id, *sharp, s, 3).ok());
                QVERIFY(lib->putEmbedding(*id, *blurred, b, 3).ok());
            }
        }
        PocPage page;
        page.show();
        QSignalSpy refreshed(&page, &PocPage::refreshed);
        page.setLibraryPath(path);
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 1, kTimeoutMs);
        diffclip::ui::CompareModelsDialog* dialog = page.openComparison();
        QVERIFY(dialog);
        QSignalSpy listed(dialog, &diffclip::ui::CompareModelsDialog::modelsListed);
        QTRY_COMPARE_WITH_TIMEOUT(listed.count(), 1, kTimeoutMs);
        QCOMPARE(dialog->modelA()->count(), 2);
        QVERIFY2(dialog->modelA()->currentText().startsWith(QStringLiteral("blurred")), qPrintable(dialog->modelA()->currentText()));
        QVERIFY(dialog->modelB()->currentText().startsWith(QStringLiteral("sharp")));
        dialog->setIterations(2000);
        QSignalSpy compared(dialog, &diffclip::ui::CompareModelsDialog::compared);
        dialog->compare();
        QTRY_COMPARE_WITH_TIMEOUT(compared.count(), 1, kTimeoutMs);
        QVERIFY(compared.first().at(0).toBool());
        QVERIFY(dialog->comparison().has_value());
        QCOMPARE(dialog->comparison()->queries, int64_t(24));
        // Sharp: every photo's nearest other photo shares its label: hit@1 = 1.
        QStandardItemModel* rows = dialog->resultModel();
        QCOMPARE(rows->item(0, 0)->text(), QStringLiteral("hit@1"));
        QCOMPARE(rows->item(0, 3)->data(Qt::UserRole).toDouble(), 1.0);
        QVERIFY(rows->item(0, 4)->data(Qt::UserRole).toDouble() > 0.0);
        QVERIFY2(dialog->sentences().contains(QStringLiteral("“sharp” is better than “blurred”")),
                 qPrintable(dialog->sentences()));
        // The same model twice: refused with a reason.
        dialog->modelA()->setCurrentIndex(dialog->modelB()->currentIndex());
        dialog->compare();
        QCOMPARE(compared.count(), 2);
        QVERIFY(!compared.last().at(0).toBool());
        dialog->close();
    }

    // "Photos needed…": wrong inputs are refused before any job; a linear study on generated
    // class folders fills the table, the chart and the sentence; a scratch study cancelled at
    // once says so.
    void dataNeedsStudy() {
        PocPage page;
        page.show();
        QVERIFY(!page.findChild<QPushButton*>(QStringLiteral("dataNeedsButton"))->isEnabled());
        QVERIFY(page.openDataNeeds() == nullptr);
        diffclip::ui::JobCentre jobs;
        page.setJobCentre(&jobs);
        QVERIFY(page.findChild<QPushButton*>(QStringLiteral("dataNeedsButton"))->isEnabled());
        auto* dialog = page.openDataNeeds();
        QVERIFY(dialog);
        QSignalSpy finished(dialog, &diffclip::ui::DataNeedsDialog::finished);
        dialog->start();  // no folder
        QCOMPARE(finished.count(), 1);
        QVERIFY(!finished.last().at(0).toBool());
        QVERIFY2(dialog->statusText().contains(QStringLiteral("folder")), qPrintable(dialog->statusText()));
        const QString tree = m_dir.filePath(QStringLiteral("classes"));
        diffclip::testdata::makeTree(tree.toStdString(), 10);
        dialog->folderEdit()->setText(tree);
        dialog->sizesEdit()->setText(QStringLiteral("2,x"));
        dialog->start();
        QCOMPARE(finished.count(), 2);
        QVERIFY(dialog->statusText().contains(QStringLiteral("Sizes")));
        QCOMPARE(int(jobs.jobs().size()), 0);

        dialog->baseEdit()->setText(QStringLiteral("preset:diffclip-tiny"));
        dialog->sizesEdit()->setText(QStringLiteral("2,4,all"));
        dialog->drawsBox()->setValue(2);
        dialog->start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, 120000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(dialog->statusText()));
        QCOMPARE(dialog->pointModel()->rowCount(), 3);
        QCOMPARE(dialog->pointModel()->item(0, 2)->text(), QStringLiteral("2"));  // two draws of 2
        QCOMPARE(dialog->pointModel()->item(2, 2)->text(), QStringLiteral("1"));  // all: one
        QVERIFY(dialog->report().has_value());
        QVERIFY(!dialog->verdictText().isEmpty());
        QVERIFY(dialog->chart()->graphCount() >= 2);  // points and the target line at least
        QCOMPARE(jobs.jobs().back().state, diffclip::ui::JobState::Succeeded);

        dialog->modeBox()->setCurrentIndex(1);  // scratch
        QVERIFY(!dialog->baseEdit()->isEnabled());
        QVERIFY(dialog->minutesBox()->isEnabled());
        dialog->start();
        QVERIFY(dialog->jobId() != 0);
        dialog->cancel();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 4, 120000);
        QVERIFY(!finished.last().at(0).toBool());
        QVERIFY2(dialog->statusText().contains(QStringLiteral("Cancelled")), qPrintable(dialog->statusText()));
        QVERIFY(dialog->report().has_value() == false);
        dialog->close();
    }

    // "Save Report…": the period shown, the money inputs and the data-needs study run from the
    // page go into the PDF and the CSV tables beside it; a file type it cannot write is refused
    // with the banner, and nothing is written.
    void savesTheReport() {
        PocPage page;
        page.show();
        page.setPeriod(QDate(2026, 11, 23), QDate(2026, 12, 6));
        QSignalSpy refreshed(&page, &PocPage::refreshed);
        page.setLibraryPath(m_lib);
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 1, kTimeoutMs);
        QVERIFY(page.findChild<QPushButton*>(QStringLiteral("saveReportButton"))->isEnabled());
        page.setEconomicsInputs({5.0, 3000.0, 120.0, 30.0, 100000.0});
        QSignalSpy saved(&page, &PocPage::reportSaved);
        const QString pdf = m_dir.filePath(QStringLiteral("report/poc.pdf"));
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("report"))));
        page.saveReport(pdf);
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, kTimeoutMs);
        QVERIFY2(saved.last().at(0).toBool(), qPrintable(page.reportStatusText()));
        QFile f(pdf);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.read(5) == "%PDF-");
        QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("report/poc-tables/hit_rates.csv"))));
        QVERIFY(page.reportStatusText().contains(QStringLiteral("poc.pdf")));
        const QString html = m_dir.filePath(QStringLiteral("report/poc.html"));
        page.saveReport(html);
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 2, kTimeoutMs);
        QFile h(html);
        QVERIFY(h.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(h.readAll());
        QVERIFY(text.contains(QStringLiteral("2026-11-23 to 2026-12-06")));
        QVERIFY(text.contains(QStringLiteral("Hours saved per month")));

        page.saveReport(m_dir.filePath(QStringLiteral("report/poc.txt")));
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 3, kTimeoutMs);
        QVERIFY(!saved.last().at(0).toBool());
        QVERIFY(page.errorBanner()->isVisible());
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("report/poc.txt"))));
    }

    void libraryWithoutALog() {
        // A new library: no searches yet; a file that is not a library: the banner says why.
        PocPage page;
        page.show();
        QSignalSpy refreshed(&page, &PocPage::refreshed);
        const QString empty = m_dir.filePath(QStringLiteral("empty.dclib"));
        QVERIFY(diffclip::Library::open(empty.toStdString()).ok());
        page.setLibraryPath(empty);
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 1, kTimeoutMs);
        QCOMPARE(page.kpis()->searches, int64_t(0));
        QVERIFY(page.errorBanner()->isHidden());
        const QString junk = m_dir.filePath(QStringLiteral("junk.dclib"));
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a library");
        f.close();
        page.setLibraryPath(junk);
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 2, kTimeoutMs);
        QVERIFY(!refreshed.last().at(0).toBool());
        QVERIFY(page.errorBanner()->isVisible());
    }
};

QTEST_MAIN(TestPocPage)
#include "tst_pocpage.moc"
