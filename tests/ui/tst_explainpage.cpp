// The Explain page with the tiny fixture models: both panes render off the GUI thread, the
// layer slider updates panes and charts, region share, PNG / PDF export (with the region
// outlined), the folder-wide colour scale, a missing photo.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGraphicsView>
#include <QImage>
#include <QSignalSpy>
#include <QSemaphore>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

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
const QString kPatches = QStringLiteral(DIFFCLIP_SHARED_DIR "/data/neu-cls/patches/patches_1.jpg");
constexpr int kWait = 60000;
}  // namespace

class TestExplainPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        // Missing fixtures fail the test (naming the path); they never turn it into a pass.
        for (const QString& fixture : {kModelA, kModelB, kPhoto, kQuery, kPatches})
            QVERIFY2(QFileInfo::exists(fixture), qPrintable(QStringLiteral("missing shared fixture: ") + fixture));
    }

    void rendersBothPanesAndFollowsTheLayer() {
        ExplainPage page;
        page.resize(1280, 860);
        page.show();
        page.setModelA(kModelA);
        page.setModelB(kModelB);
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

        // Region share in both panes, shown in the chart: the share of the map's |values| inside
        // the region, worked out here from the map itself. valueAt() gives each patch's value;
        // 120 x 120 sample points at the centres of equal cells weigh every patch equally for any
        // grid side that divides 60, and the region's edge at 0.5 falls between cells, so the
        // samples inside the top-left quarter weigh each patch by the share of it the region covers.
        page.setRegion(QRectF(0.0, 0.0, 0.5, 0.5));
        for (int i = 0; i < 2; ++i) {
            auto share = page.regionShare(i);
            QVERIFY(share.has_value());
            constexpr int kSamples = 120;
            double inside = 0, total = 0;
            for (int y = 0; y < kSamples; ++y)
                for (int x = 0; x < kSamples; ++x) {
                    const auto v = page.valueAt(i, QPointF((x + 0.5) / kSamples, (y + 0.5) / kSamples));
                    QVERIFY(v.has_value());
                    total += std::fabs(*v);
                    if (x < kSamples / 2 && y < kSamples / 2) inside += std::fabs(*v);
                }
            QVERIFY(total > 0);
            QVERIFY2(std::fabs(*share - inside / total) < 1e-6,
                     qPrintable(QStringLiteral("pane %1: region share %2, from the map %3").arg(i).arg(*share).arg(inside / total)));
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

    // "Whole folder": one scale over both panes of every photo in the photo's folder; it spans
    // each photo's own scale, the panes are drawn with it, it is cached per folder and
    // settings, and new settings drop it visibly until it is computed again.
    void folderScaleSpansEveryPhoto() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QStringList sources{kPhoto, kQuery, kPatches};
        QStringList photos;
        for (int i = 0; i < sources.size(); ++i) {
            photos << dir.filePath(QStringLiteral("photo%1.jpg").arg(i));
            QVERIFY(QFile::copy(sources[i], photos.back()));
        }
        ExplainPage page;
        page.resize(1200, 800);
        page.show();
        page.setModelA(kModelA);
        page.setMode(ExplainPage::Mode::A1VsDifference);
        QCOMPARE(page.scaleMode(), ExplainPage::ScaleMode::Comparison);

        // Each photo's own scale (A1 - lambda*A2 is signed: a symmetric diverging scale).
        std::vector<double> own;
        std::vector<QImage> ownPane;
        for (const QString& p : photos) {
            const int results = page.resultCount();
            page.setPhoto(p);
            QTRY_VERIFY_WITH_TIMEOUT(page.resultCount() > results && !page.isBusy(), kWait);
            QVERIFY(!page.errorBanner()->isVisible());
            const auto range = page.colourBarRange();
            QVERIFY(range.has_value());
            QCOMPARE(range->first, -range->second);
            QVERIFY(range->second > 0);
            QCOMPARE(page.scalePhotos(), 0);
            QVERIFY2(page.scaleText().contains(QStringLiteral("this comparison")), qPrintable(page.scaleText()));
            own.push_back(range->second);
            ownPane.push_back(page.paneImage(1));
        }
        // Going back to "This comparison" while the folder scale is computed cancels it: nothing
        // is cached, the comparison's scale stays. The page's progress hook holds the job after
        // its first photo (of 3) until the choice has changed back, so the cancel always lands
        // while the scale is being computed, and the job stops before its second photo.
        {
            QTemporaryDir other;
            QVERIFY(other.isValid());
            for (int i = 0; i < sources.size(); ++i)
                QVERIFY(QFile::copy(sources[i], other.filePath(QStringLiteral("p%1.jpg").arg(i))));
            const int before = page.resultCount();
            page.setPhoto(other.filePath(QStringLiteral("p0.jpg")));
            QTRY_VERIFY_WITH_TIMEOUT(page.resultCount() > before && !page.isBusy(), kWait);
            const double otherOwn = page.colourBarRange()->second;

            // The latch outlives the page's worker even if the test stops early.
            struct Latch {
                QSemaphore reached, release;
                std::vector<int> reports;  // progress reports the job made, written by the worker
            };
            auto latch = std::make_shared<Latch>();
            page.setFolderScaleProgressHook([latch](int done, int total) {
                latch->reports.push_back(done * 100 + total);
                if (done == 1) {
                    latch->reached.release();
                    latch->release.acquire();
                }
            });
            struct Release {
                std::shared_ptr<Latch> latch;
                ~Release() { latch->release.release(1000); }  // never leave the worker blocked
            } releaseOnExit{latch};
            page.setScaleMode(ExplainPage::ScaleMode::Folder);
            page.setFolderScaleProgressHook({});  // only this job is held
            QVERIFY(page.isFolderScaleBusy());
            QVERIFY2(page.scaleText().contains(QStringLiteral("being computed")), qPrintable(page.scaleText()));
            QVERIFY2(latch->reached.tryAcquire(1, kWait), "the folder scale never reported its first photo");
            page.setScaleMode(ExplainPage::ScaleMode::Comparison);
            latch->release.release();
            QTRY_VERIFY_WITH_TIMEOUT(!page.isFolderScaleBusy(), kWait);
            QCOMPARE(latch->reports, std::vector<int>{103});  // one photo of 3, then the cancel
            QCOMPARE(page.folderScaleRuns(), 0);
            QCOMPARE(page.scalePhotos(), 0);
            QCOMPARE(page.colourBarRange()->second, otherOwn);
        }

        const double folderMax = *std::max_element(own.begin(), own.end());
        const size_t smallest = size_t(std::min_element(own.begin(), own.end()) - own.begin());
        QVERIFY2(own[smallest] < folderMax, "the three photos should differ in their largest |value|");

        // The current photo is the last one; show the one with the smallest own scale.
        int results = page.resultCount();
        page.setPhoto(photos[int(smallest)]);
        QTRY_VERIFY_WITH_TIMEOUT(page.resultCount() > results && !page.isBusy(), kWait);
        page.setScaleMode(ExplainPage::ScaleMode::Folder);
        QTRY_VERIFY_WITH_TIMEOUT(page.scalePhotos() == 3 && !page.isFolderScaleBusy(), kWait);
        QVERIFY(!page.errorBanner()->isVisible());
        QCOMPARE(page.folderScaleRuns(), 1);
        auto range = page.colourBarRange();
        QVERIFY(range.has_value());
        for (double o : own) QVERIFY(range->second >= o);
        // The folder's maps are these photos' maps: its scale is exactly the largest of theirs.
        QVERIFY(std::fabs(range->second - folderMax) <= 1e-6 * folderMax);
        QCOMPARE(range->first, -range->second);
        QVERIFY2(page.scaleText().contains(QStringLiteral("folder of 3 photos")), qPrintable(page.scaleText()));
        // Drawn on the wider scale, the map's colours change.
        QVERIFY(page.paneImage(1) != ownPane[smallest]);

        // Another photo of the folder, same settings: the cached scale, no new computation.
        results = page.resultCount();
        const size_t other = (smallest + 1) % 3;
        page.setPhoto(photos[int(other)]);
        QTRY_VERIFY_WITH_TIMEOUT(page.resultCount() > results && !page.isBusy(), kWait);
        QCOMPARE(page.scalePhotos(), 3);
        QCOMPARE(page.folderScaleRuns(), 1);
        QVERIFY(std::fabs(page.colourBarRange()->second - folderMax) <= 1e-6 * folderMax);

        // New settings: the folder scale no longer applies, and the page says so at once.
        int photosWhenShown = -1;
        QString textWhenShown;
        double ownWhenShown = -1;
        auto conn = connect(&page, &ExplainPage::explained, &page, [&](bool) {
            photosWhenShown = page.scalePhotos();
            textWhenShown = page.scaleText();
            ownWhenShown = page.colourBarRange().value_or(std::pair{0.0, -1.0}).second;
        });
        results = page.resultCount();
        page.setLayer(0);
        QTRY_VERIFY_WITH_TIMEOUT(page.resultCount() > results && !page.isBusy(), kWait);
        disconnect(conn);
        QCOMPARE(photosWhenShown, 0);
        QVERIFY2(textWhenShown.contains(QStringLiteral("this comparison")) && textWhenShown.contains(QStringLiteral("folder")),
                 qPrintable(textWhenShown));
        QVERIFY(ownWhenShown > 0);
        QTRY_VERIFY_WITH_TIMEOUT(page.scalePhotos() == 3 && !page.isFolderScaleBusy(), kWait);
        QCOMPARE(page.folderScaleRuns(), 2);
        QVERIFY(page.colourBarRange()->second >= ownWhenShown);

        // Back to this comparison: its own scale again.
        page.setScaleMode(ExplainPage::ScaleMode::Comparison);
        QCOMPARE(page.scalePhotos(), 0);
        QCOMPARE(page.colourBarRange()->second, ownWhenShown);
        QVERIFY(page.scaleText().contains(QStringLiteral("this comparison")));
    }

    // The region of interest is outlined (white border, black ring outside) on both map panes
    // of the exported PNG, where the region is, and nowhere else.
    void regionIsOutlinedInTheExport() {
        ExplainPage page;
        page.resize(1200, 800);
        page.show();
        page.setModelA(kModelA);
        page.setMode(ExplainPage::Mode::A1VsDifference);
        page.setPhoto(kPhoto);
        QTRY_VERIFY_WITH_TIMEOUT(page.hasResult() && !page.isBusy(), kWait);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString plainPath = dir.filePath(QStringLiteral("plain.png"));
        const QString regionPath = dir.filePath(QStringLiteral("region.png"));
        QVERIFY(page.exportPng(plainPath));
        const QImage onScreen = page.paneImage(0);
        const QRectF region(0.25, 0.3, 0.5, 0.4);
        page.setRegion(region);
        // The on-screen panes draw the region as a scene item, not into the map image.
        QCOMPARE(page.paneImage(0), onScreen);
        QVERIFY(page.exportPng(regionPath));
        const QImage plain(plainPath), marked(regionPath);
        QVERIFY(!plain.isNull() && !marked.isNull());
        QCOMPARE(plain.size(), marked.size());
        const QColor white(255, 255, 255), black(0, 0, 0);
        for (int pane = 0; pane < 2; ++pane) {
            const QRect r = page.exportPaneRect(pane);
            QVERIFY(!r.isEmpty());
            const int left = int(std::floor(region.left() * r.width())), right = int(std::ceil(region.right() * r.width())) - 1;
            const int top = int(std::floor(region.top() * r.height())), bottom = int(std::ceil(region.bottom() * r.height())) - 1;
            const int midX = (left + right) / 2, midY = (top + bottom) / 2;
            // (border pixel, the pixel just outside it) on each side of the rectangle.
            const QPoint border[4][2] = {{{left, midY}, {left - 1, midY}},
                                         {{right, midY}, {right + 1, midY}},
                                         {{midX, top}, {midX, top - 1}},
                                         {{midX, bottom}, {midX, bottom + 1}}};
            for (const auto& side : border) {
                const QPoint in = r.topLeft() + side[0], out = r.topLeft() + side[1];
                QCOMPARE(marked.pixelColor(in), white);
                QCOMPARE(marked.pixelColor(out), black);
                QVERIFY(plain.pixelColor(in) != white || plain.pixelColor(out) != black);
            }
            // Inside and outside the outline the map is untouched.
            const QPoint centre = r.topLeft() + QPoint(midX, midY);
            QCOMPARE(marked.pixelColor(centre), plain.pixelColor(centre));
            const QPoint corner = r.topLeft() + QPoint(left / 2, top / 2);
            QCOMPARE(marked.pixelColor(corner), plain.pixelColor(corner));
        }
        // The photo pane (left of the map panes) carries no outline.
        const QRect first = page.exportPaneRect(0);
        for (int x = 0; x < first.x() - 10; ++x)
            for (int y = first.y(); y < first.bottom(); y += 7)
                QCOMPARE(marked.pixelColor(x, y), plain.pixelColor(x, y));
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
