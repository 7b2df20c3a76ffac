// The Explain page with the tiny fixture models: both panes render off the GUI thread, the
// layer slider updates panes and charts, region share, PNG / PDF export, a missing photo.
#include <QFileInfo>
#include <QGraphicsView>
#include <QImage>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

// qcustomplot.h uses Qt's lower-case keywords (tests build with QT_NO_KEYWORDS).
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach

#include "ErrorBanner.h"
#include "ExplainPage.h"

using diffclip::ui::ExplainPage;

namespace {
const QString kModelA = QStringLiteral(DIFFCLIP_SHARED_DIR "/fixtures/diffclip-tiny-a/model.safetensors");
const QString kModelB = QStringLiteral(DIFFCLIP_SHARED_DIR "/fixtures/clip-std-tiny-a/model.safetensors");
const QString kPhoto = QStringLiteral(DIFFCLIP_SHARED_DIR "/data/neu-cls/crazing/crazing_1.jpg");
const QString kQuery = QStringLiteral(DIFFCLIP_SHARED_DIR "/data/neu-cls/scratches/scratches_1.jpg");
constexpr int kWait = 60000;
}  // namespace

class TestExplainPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        if (!QFileInfo::exists(kModelA) || !QFileInfo::exists(kPhoto)) QSKIP("shared fixtures not available");
    }

    void rendersBothPanesAndFollowsTheLayer() {
        ExplainPage page;
        page.resize(1280, 860);
        page.show();
        page.setModelA(kModelA);
        if (QFileInfo::exists(kModelB)) page.setModelB(kModelB);
        page.setPhoto(kPhoto);
        QTRY_VERIFY_WITH_TIMEOUT(page.hasResult(), kWait);
        QVERIFY(!page.errorBanner()->isVisible());
        QVERIFY(!page.paneImage(0).isNull());
        QVERIFY(!page.paneImage(1).isNull());
        QCOMPARE(page.paneImage(0).size(), page.paneImage(1).size());
        QVERIFY(page.layerSlider()->maximum() >= 1);
        QCOMPARE(page.layer(), page.layerSlider()->maximum());
        QCOMPARE(page.entropyPlot()->graphCount(), 2);
        QCOMPARE(page.entropyPlot()->graph(0)->dataCount(), page.layerSlider()->maximum() + 1);
        QVERIFY(page.lambdaPlot()->graphCount() >= 1);  // the DiffCLIP model has lambda

        const QImage before = page.paneImage(0);
        const int results = page.resultCount();
        page.layerSlider()->setValue(0);
        QTRY_VERIFY_WITH_TIMEOUT(page.resultCount() > results && !page.isBusy(), kWait);
        QCOMPARE(page.layer(), 0);
        QVERIFY(page.paneImage(0) != before);

        QVERIFY(page.valueAt(0, QPointF(0.5, 0.5)).has_value());
        QVERIFY(!page.valueAt(0, QPointF(1.5, 0.5)).has_value());

        // Rapid changes: the newest request wins, older answers are dropped.
        const int before2 = page.resultCount();
        page.setLayer(1);
        page.setHead(0);
        page.setLayer(0);
        page.setHead(1);
        QTRY_VERIFY_WITH_TIMEOUT(page.resultCount() > before2 && !page.isBusy(), kWait);
        QTest::qWait(200);
        QVERIFY(!page.isBusy());
        QCOMPARE(page.layer(), 0);
        QVERIFY(!page.errorBanner()->isVisible());

        // Region share between 0 and 1 in both panes, shown in the chart.
        page.setRegion(QRectF(0.0, 0.0, 0.5, 0.5));
        for (int i = 0; i < 2; ++i) {
            auto share = page.regionShare(i);
            QVERIFY(share.has_value());
            QVERIFY(*share >= 0.0 && *share <= 1.0);
        }
        QCOMPARE(page.regionPlot()->plottableCount(), 2);
        page.setRegion(QRectF());
        QVERIFY(!page.regionShare(0).has_value());

        // Export.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString png = dir.filePath(QStringLiteral("cmp.png"));
        QVERIFY(page.exportPng(png));
        QImage written(png);
        QVERIFY(!written.isNull());
        QVERIFY(written.width() > page.paneImage(0).width());
        const QString pdf = dir.filePath(QStringLiteral("report.pdf"));
        QVERIFY(page.exportPdf(pdf));
        QVERIFY(QFileInfo(pdf).size() > 1000);
        QVERIFY(!page.reportPreview(600).isNull());

        if (qEnvironmentVariableIsSet("DIFFCLIP_EXPLAIN_GRAB")) {
            page.setRegion(QRectF(0.25, 0.25, 0.5, 0.4));
            page.grab().save(qEnvironmentVariable("DIFFCLIP_EXPLAIN_GRAB"));
            page.exportPng(qEnvironmentVariable("DIFFCLIP_EXPLAIN_GRAB") + QStringLiteral(".export.png"));
            page.exportPdf(qEnvironmentVariable("DIFFCLIP_EXPLAIN_GRAB") + QStringLiteral(".report.pdf"));
            page.reportPreview(1240).save(qEnvironmentVariable("DIFFCLIP_EXPLAIN_GRAB") + QStringLiteral(".report.png"));
        }
    }

    void a1VersusDifferenceAndMatch() {
        ExplainPage page;
        page.resize(1200, 800);
        page.show();
        page.setModelA(kModelA);
        page.setMode(ExplainPage::Mode::A1VsDifference);
        page.setPhoto(kPhoto);
        QTRY_VERIFY_WITH_TIMEOUT(page.hasResult() && !page.isBusy(), kWait);
        QVERIFY(!page.errorBanner()->isVisible());

        // "Why did this match?": similarity with the query photo as the target.
        const int results = page.resultCount();
        page.explainMatch(kQuery, kPhoto);
        QTRY_VERIFY_WITH_TIMEOUT(page.resultCount() > results && !page.isBusy(), kWait);
        QVERIFY(!page.errorBanner()->isVisible());
        QVERIFY(!page.paneImage(0).isNull());

        // Gradient x input with the query, at every layer.
        const int results2 = page.resultCount();
        page.setMethod(ExplainPage::Method::Gradient);
        QTRY_VERIFY_WITH_TIMEOUT(page.resultCount() > results2 && !page.isBusy(), kWait);
        QVERIFY(!page.errorBanner()->isVisible());
        QCOMPARE(page.entropyPlot()->graph(0)->dataCount(), page.layerSlider()->maximum() + 1);

        // A1 vs A1 - lambda*A2 refuses a query method with a clear message.
        const int results3 = page.resultCount();
        QSignalSpy spy(&page, &ExplainPage::explained);
        page.setMode(ExplainPage::Mode::A1VsDifference);
        QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), kWait);
        QVERIFY(page.errorBanner()->isVisible());
        QCOMPARE(page.resultCount(), results3);
        page.setMethod(ExplainPage::Method::Rollout);
        QTRY_VERIFY_WITH_TIMEOUT(page.resultCount() > results3 && !page.isBusy(), kWait);
        QVERIFY(!page.errorBanner()->isVisible());
        if (qEnvironmentVariableIsSet("DIFFCLIP_EXPLAIN_GRAB2")) page.grab().save(qEnvironmentVariable("DIFFCLIP_EXPLAIN_GRAB2"));
    }

    void missingPhotoShowsAnError() {
        ExplainPage page;
        page.show();
        page.setModelA(kModelA);
        QSignalSpy spy(&page, &ExplainPage::explained);
        page.setPhoto(QStringLiteral("/nonexistent/photo.jpg"));
        QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), kWait);
        QCOMPARE(spy.first().first().toBool(), false);
        QVERIFY(page.errorBanner()->isVisible());
        QVERIFY(!page.errorBanner()->details().isEmpty());
    }
};

QTEST_MAIN(TestExplainPage)
#include "tst_explainpage.moc"
