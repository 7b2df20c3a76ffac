// The Explain page with the tiny fixture models: both panes render off the GUI thread, the
// layer slider updates panes and charts, region share, PNG / PDF export (with the region
// outlined), the folder-wide colour scale, a missing photo; and what a new user hits first
// (issue 20): a failed load clears the maps, a new photo clears the region, choices that
// cannot work are not offered, an unreadable photo is called that, the page fits the default
// window and a small screen, titles are translated and spell "A1 − λA2", exports say where.
// These use the page's long-standing API and find controls by accessible name.
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGraphicsView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QScrollArea>
#include <QSignalSpy>
#include <QSemaphore>
#include <QSlider>
#include <QScrollBar>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTranslator>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "ErrorBanner.h"
#include "ExplainPage.h"
#include "QCustomPlotQt.h"

#include "../support/TestSupport.h"
#include "../support/Translators.h"

using diffclip::ui::ExplainPage;
using testsupport::MarkingTranslator;

namespace {
const QString kModelA = QStringLiteral(DIFFCLIP_SHARED_DIR "/fixtures/diffclip-tiny-a/model.safetensors");
const QString kModelB = QStringLiteral(DIFFCLIP_SHARED_DIR "/fixtures/clip-std-tiny-a/model.safetensors");
const QString kPhoto = QStringLiteral(DIFFCLIP_SHARED_DIR "/data/neu-cls/crazing/crazing_1.jpg");
const QString kQuery = QStringLiteral(DIFFCLIP_SHARED_DIR "/data/neu-cls/scratches/scratches_1.jpg");
const QString kPatches = QStringLiteral(DIFFCLIP_SHARED_DIR "/data/neu-cls/patches/patches_1.jpg");
constexpr int kWait = 60000;

// Shows the page with model A, the comparison `mode` and `photo`; true once the maps are there.
bool showMaps(ExplainPage& page, ExplainPage::Mode mode, const QString& photo) {
    page.resize(1200, 800);
    page.show();
    page.setModelA(kModelA);
    page.setMode(mode);
    page.setPhoto(photo);
    return QTest::qWaitFor([&] { return page.hasResult() && !page.isBusy(); }, kWait);
}

// The page's child of type T with this accessible name (null when there is none).
template <typename T>
T* named(const QWidget& page, const QString& name) {
    for (T* w : page.findChildren<T*>())
        if (w->accessibleName() == name) return w;
    return nullptr;
}

bool itemEnabled(QComboBox* combo, int index) {
    auto* model = qobject_cast<QStandardItemModel*>(combo->model());
    return model && model->item(index) && model->item(index)->isEnabled();
}

QString itemToolTip(QComboBox* combo, int index) { return combo->itemData(index, Qt::ToolTipRole).toString(); }

// The pane titles: the labels that name a block ("A1, block 1, ...").
QStringList paneTitles(const QWidget& page) {
    QStringList titles;
    for (const QLabel* l : page.findChildren<QLabel*>())
        if (l->isVisible() && l->text().contains(QStringLiteral("block"))) titles << l->text();
    return titles;
}

// A file in `dir` named like a photo that holds `text`; its path.
QString notAPhoto(const QTemporaryDir& dir, const QString& name, const QByteArray& text) {
    const QString path = dir.filePath(name);
    testsupport::writeFile(path, text);
    return path;
}

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
        QVERIFY(showMaps(page, ExplainPage::Mode::A1VsDifference, kPhoto));
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

        // A1 vs A1 − λA2 compares attention maps: set with a query method anyway, the page says
        // why inline and shows no maps (no red error, no old maps under the new settings).
        const int results3 = page.resultCount();
        page.setMode(ExplainPage::Mode::A1VsDifference);
        QTRY_VERIFY_WITH_TIMEOUT(!page.hasResult(), kWait);
        QVERIFY(!page.errorBanner()->isVisible());
        QVERIFY2(page.statusText().contains(QStringLiteral("Model A vs model B")), qPrintable(page.statusText()));
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

        // Each photo's own scale (A1 − λA2 is signed: a symmetric diverging scale).
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
        QVERIFY(showMaps(page, ExplainPage::Mode::A1VsDifference, kPhoto));
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

    // Issue 20.1: a photo that fails to load leaves no maps of the previous photo behind, and
    // nothing to export (the report would name the failed file beside the old maps).
    void failedLoadClearsMapsAndExports() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString bad = notAPhoto(dir, QStringLiteral("notes.jpg"), "not a photo, just a note\n");
        ExplainPage page;
        QVERIFY(showMaps(page, ExplainPage::Mode::A1VsDifference, kPhoto));

        QSignalSpy spy(&page, &ExplainPage::explained);
        page.setPhoto(bad);
        QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), kWait);
        QCOMPARE(spy.last().first().toBool(), false);
        QVERIFY(page.errorBanner()->isVisible());
        QVERIFY(!page.hasResult());
        QVERIFY(page.paneImage(0).isNull());
        QVERIFY(page.paneImage(1).isNull());
        QVERIFY(!page.colourBarRange().has_value());
        QVERIFY(paneTitles(page).isEmpty());
        QCOMPARE(page.entropyPlot()->graphCount(), 0);
        QCOMPARE(page.regionPlot()->plottableCount(), 0);
        auto* png = named<QPushButton>(page, QStringLiteral("Export PNG"));
        auto* pdf = named<QPushButton>(page, QStringLiteral("Export PDF report"));
        QVERIFY(png && pdf);
        QVERIFY(!png->isEnabled());
        QVERIFY(!pdf->isEnabled());
        const QString report = dir.filePath(QStringLiteral("report.pdf"));
        QVERIFY(!page.exportPdf(report));
        QVERIFY(!QFileInfo::exists(report));
        QVERIFY(page.reportPreview(600).isNull());

        // A good photo again: maps, exports and no stale error.
        page.setPhoto(kQuery);
        QTRY_VERIFY_WITH_TIMEOUT(page.hasResult() && !page.isBusy(), kWait);
        QVERIFY(!page.errorBanner()->isVisible());
        QVERIFY(png->isEnabled() && pdf->isEnabled());
    }

    // Issue 20.8b: a file that is not a photo is called that, with the decoder's reason, not
    // "not a DiffCLIP library or damaged".
    void unreadablePhotoIsCalledThat() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString bad = notAPhoto(dir, QStringLiteral("scan.jpg"), "id,label\n1,crazing\n");
        ExplainPage page;
        page.show();
        page.setModelA(kModelA);
        QSignalSpy spy(&page, &ExplainPage::explained);
        page.setPhoto(bad);
        QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), kWait);
        const auto* banner = page.errorBanner();
        QVERIFY(banner->isVisible());
        QVERIFY2(banner->title().contains(QStringLiteral("scan.jpg")), qPrintable(banner->title()));
        QVERIFY2(banner->reason().contains(QStringLiteral("not a photo")), qPrintable(banner->reason()));
        QVERIFY2(!banner->reason().contains(QStringLiteral("library")), qPrintable(banner->reason()));
        QVERIFY2(banner->details().contains(QStringLiteral("text file")), qPrintable(banner->details()));
    }

    // Issue 20.4: a region drawn on one photo does not carry over to the next.
    void newPhotoClearsTheRegion() {
        ExplainPage page;
        QVERIFY(showMaps(page, ExplainPage::Mode::A1VsDifference, kPhoto));
        page.setRegion(QRectF(0.2, 0.2, 0.4, 0.4));
        QVERIFY(page.regionShare(0).has_value());
        const int results = page.resultCount();
        page.setPhoto(kPhoto);  // the same photo again keeps it
        QVERIFY(!page.region().isEmpty());
        page.setPhoto(kQuery);
        QVERIFY(page.region().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(page.resultCount() > results && !page.isBusy(), kWait);
        QVERIFY(page.region().isEmpty());
        QVERIFY(!page.regionShare(0).has_value());
        QVERIFY(!page.regionShare(1).has_value());
        // The export figure outlines nothing: identical to the figure of a page that never had a region.
        ExplainPage fresh;
        fresh.setModelA(kModelA);
        fresh.setMode(ExplainPage::Mode::A1VsDifference);
        fresh.setPhoto(kQuery);
        QTRY_VERIFY_WITH_TIMEOUT(fresh.hasResult() && !fresh.isBusy(), kWait);
        QTemporaryDir dir;
        QVERIFY(page.exportPng(dir.filePath(QStringLiteral("a.png"))));
        QVERIFY(fresh.exportPng(dir.filePath(QStringLiteral("b.png"))));
        QCOMPARE(QImage(dir.filePath(QStringLiteral("a.png"))), QImage(dir.filePath(QStringLiteral("b.png"))));
    }

    // Issue 20.6: "Similarity to query" works at any layer position (the layer does not apply,
    // so the slider is off); choices that cannot work are not offered, each saying why.
    void similarityIgnoresTheLayerAndImpossibleChoicesAreOff() {
        ExplainPage page;
        QVERIFY(showMaps(page, ExplainPage::Mode::TwoModels, kPhoto));
        auto* method = named<QComboBox>(page, QStringLiteral("Method"));
        auto* mode = named<QComboBox>(page, QStringLiteral("Comparison"));
        QVERIFY(method && mode);

        // Similarity at layer 0: the map of the final tokens, no error; the slider is off.
        page.setLayer(0);
        QTRY_VERIFY_WITH_TIMEOUT(page.layer() == 0 && !page.isBusy() && page.hasResult(), kWait);
        page.setQuery(kQuery);
        QSignalSpy spy(&page, &ExplainPage::explained);
        page.setMethod(ExplainPage::Method::Similarity);
        QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty() && !page.isBusy(), kWait);
        QCOMPARE(spy.last().first().toBool(), true);
        QVERIFY(!page.errorBanner()->isVisible());
        QVERIFY(!page.layerSlider()->isEnabled());
        QVERIFY(!page.layerSlider()->toolTip().isEmpty());
        // The comparison A1 vs A1 − λA2 is off while a query method is chosen.
        QVERIFY(!itemEnabled(mode, 1));
        QVERIFY(!itemToolTip(mode, 1).isEmpty());
        // Back to attention: the slider applies again, with the layer the user chose.
        page.setMethod(ExplainPage::Method::Attention);
        QTRY_VERIFY_WITH_TIMEOUT(page.layerSlider()->isEnabled() && !page.isBusy() && page.hasResult(), kWait);
        QCOMPARE(page.layer(), 0);
        QVERIFY(itemEnabled(mode, 1));

        // Without a query the query methods are off, and say what they need.
        page.setQuery(QString());
        for (int i : {2, 3}) {
            QVERIFY(!itemEnabled(method, i));
            QVERIFY2(itemToolTip(method, i).contains(QStringLiteral("query")), qPrintable(itemToolTip(method, i)));
        }
        QVERIFY(itemEnabled(method, 0) && itemEnabled(method, 1));
        page.setQuery(QStringLiteral("a scratch"));
        QVERIFY(itemEnabled(method, 2) && itemEnabled(method, 3));
        // In A1 vs A1 − λA2 they are off too, with the reason.
        page.setMode(ExplainPage::Mode::A1VsDifference);
        QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy() && page.hasResult(), kWait);
        for (int i : {2, 3}) {
            QVERIFY(!itemEnabled(method, i));
            QVERIFY2(itemToolTip(method, i).contains(QStringLiteral("Model A vs model B")), qPrintable(itemToolTip(method, i)));
        }
        // Clearing the query under a query method: no map, no red error, the reason inline.
        page.setMode(ExplainPage::Mode::TwoModels);
        page.setQuery(kQuery);
        page.setMethod(ExplainPage::Method::Gradient);
        QTRY_VERIFY_WITH_TIMEOUT(page.hasResult() && !page.isBusy(), kWait);
        page.setQuery(QString());
        QTRY_VERIFY_WITH_TIMEOUT(!page.hasResult(), kWait);
        QVERIFY(!page.errorBanner()->isVisible());
        QVERIFY(paneTitles(page).isEmpty());
        QVERIFY2(page.statusText().contains(QStringLiteral("needs a query")), qPrintable(page.statusText()));
    }

    // Issue 20.10: the page fits its share of the default 1,120 px window and of an 800×600
    // screen (the navigation takes about 120 px, the menu and status bars about 60): it never
    // needs more width, every control lies inside it at its full size, and the query box is
    // wide enough for a file name (elided in the middle, the full path in its tooltip).
    void fitsTheDefaultWindowAndASmallScreen() {
        // In English and in Japanese (wider words in places).
        QTranslator japanese;
        QVERIFY(japanese.load(QStringLiteral(":/i18n/diffclip_ja")));
        for (const QString& language : {QStringLiteral("en"), QStringLiteral("ja")})
        for (const QSize size : {QSize(960, 720), QSize(640, 540)}) {
            if (language == QLatin1String("ja")) QCoreApplication::installTranslator(&japanese);
            auto untranslate = qScopeGuard([&] { QCoreApplication::removeTranslator(&japanese); });
            ExplainPage page;
            page.setModelA(kModelA);
            if (QFileInfo::exists(kModelB)) page.setModelB(kModelB);
            page.setQuery(kQuery);
            page.setPhoto(kPhoto);
            page.resize(size);
            page.show();
            QVERIFY(QTest::qWaitForWindowExposed(&page));
            QTRY_VERIFY_WITH_TIMEOUT(page.hasResult() && !page.isBusy(), kWait);
            QTest::qWait(50);
            const QString at = QStringLiteral("%1 %2x%3").arg(language).arg(size.width()).arg(size.height());
            QVERIFY2(page.minimumSizeHint().width() <= size.width(),
                     qPrintable(at + QStringLiteral(": needs %1 px").arg(page.minimumSizeHint().width())));
            QCOMPARE(page.width(), size.width());
            for (QWidget* w : page.findChildren<QWidget*>()) {
                const bool control = qobject_cast<QAbstractButton*>(w) || qobject_cast<QComboBox*>(w) ||
                                     qobject_cast<QSlider*>(w) || qobject_cast<QLineEdit*>(w);
                if (!w->isVisible() || !(control || qobject_cast<QCustomPlot*>(w))) continue;
                if (qobject_cast<QScrollBar*>(w) || w->parentWidget()->inherits("QLineEdit")) continue;
                const QRect r(w->mapTo(&page, QPoint(0, 0)), w->size());
                const QString name = at + QLatin1Char(' ') + QString::fromLatin1(w->metaObject()->className()) +
                                     QLatin1Char(' ') + w->accessibleName();
                // Inside a scroll area a widget may lie below the fold, never beside it.
                bool scrolled = false;
                for (QWidget* p = w->parentWidget(); p; p = p->parentWidget()) scrolled |= bool(qobject_cast<QScrollArea*>(p));
                QVERIFY2(r.left() >= 0 && r.right() < page.width(), qPrintable(name + QStringLiteral(" cut at the side")));
                if (!scrolled) QVERIFY2(r.top() >= 0 && r.bottom() < page.height(), qPrintable(name + QStringLiteral(" cut")));
                if (qobject_cast<QComboBox*>(w) || qobject_cast<QAbstractButton*>(w))
                    QVERIFY2(w->width() >= w->sizeHint().width(), qPrintable(name + QStringLiteral(" squeezed")));
                if (qobject_cast<QSlider*>(w)) QVERIFY2(w->width() >= 60, qPrintable(name + QStringLiteral(" squeezed")));
            }
            // By object name: its accessible name is translated.
            auto* query = page.findChild<QLineEdit*>(QStringLiteral("queryEdit"));
            QVERIFY(query);
            const QString name = QFileInfo(kQuery).fileName();
            QVERIFY2(query->width() >= query->fontMetrics().horizontalAdvance(name) + 30, qPrintable(at));
            QVERIFY2(query->text().endsWith(name), qPrintable(query->text()));
            QCOMPARE(query->toolTip(), kQuery);
            if (qEnvironmentVariableIsSet("DIFFCLIP_EXPLAIN_GRAB"))
                page.grab().save(qEnvironmentVariable("DIFFCLIP_EXPLAIN_GRAB") +
                                 QStringLiteral("-%1-%2x%3.png").arg(language).arg(size.width()).arg(size.height()));
        }
    }

    // Issues 20.11 and 20.12: the pane titles are built in the UI through tr() and spell the
    // formula "A1 − λA2" (never "A1-λ*A2" or "lambda").
    void paneTitlesAreTranslatedAndSpellTheFormulaOnce() {
        {
            ExplainPage page;
            QVERIFY(showMaps(page, ExplainPage::Mode::A1VsDifference, kPhoto));
            const QStringList titles = paneTitles(page);
            QCOMPARE(titles.size(), 2);
            QVERIFY2(titles[1].startsWith(QStringLiteral("A1 − λA2,")), qPrintable(titles[1]));
            for (const QLabel* l : page.findChildren<QLabel*>())
                QVERIFY2(!l->text().contains(QStringLiteral("lambda")) && !l->text().contains(QStringLiteral("λ*")),
                         qPrintable(l->text()));
        }
        MarkingTranslator marker;
        QCoreApplication::installTranslator(&marker);
        ExplainPage page;
        page.resize(1200, 800);
        page.show();
        page.setModelA(kModelA);
        page.setModelB(kModelB);
        page.setPhoto(kPhoto);
        QTRY_VERIFY_WITH_TIMEOUT(page.hasResult() && !page.isBusy(), kWait);
        const QStringList titles = paneTitles(page);
        QCoreApplication::removeTranslator(&marker);
        QCOMPARE(titles.size(), 2);
        for (const QString& t : titles) QVERIFY2(t.startsWith(QStringLiteral("⟦")), qPrintable(t));
    }

    // Issue 20.13: after an export the status line says where the file went, and an earlier
    // export error is gone.
    void exportsSayWhereTheyWrote() {
        ExplainPage page;
        QVERIFY(showMaps(page, ExplainPage::Mode::TwoModels, kPhoto));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(!page.exportPng(dir.filePath(QStringLiteral("missing/folder/cmp.png"))));
        QVERIFY(page.errorBanner()->isVisible());
        const QString png = dir.filePath(QStringLiteral("cmp.png"));
        QVERIFY(page.exportPng(png));
        QVERIFY(!page.errorBanner()->isVisible());
        QVERIFY2(page.statusText().contains(QDir::toNativeSeparators(png)), qPrintable(page.statusText()));
        const QString pdf = dir.filePath(QStringLiteral("report.pdf"));
        QVERIFY(page.exportPdf(pdf));
        QVERIFY2(page.statusText().contains(QDir::toNativeSeparators(pdf)), qPrintable(page.statusText()));
        QVERIFY(!page.statusText().contains(png));
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
