// The Search page, offscreen, on a real library: 12 NEU photos indexed with the tiny DiffCLIP
// fixture. Drops, several photos, paste, text search, filters, a newer query superseding an
// older one, feedback stored from the hit dialog, CSV export, the not-embedded notice, and bad
// files shown as errors. Also what a new user hits in the first hour (issue 20): judgements
// shown and never overwritten by Enter, label choices that follow the library, unknown filter
// fields refused, the export said, stale texts gone, Japanese placeholders shown whole, and
// the page's texts translatable.
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QCompleter>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMimeData>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStyle>
#include <QTemporaryDir>
#include <QTranslator>
#include <QUrl>
#include <QtTest>

#include <memory>

#include "ErrorBanner.h"
#include "HitDetail.h"
#include "LibraryAccess.h"
#include "LibraryModel.h"
#include "LibraryPage.h"
#include "MainWindow.h"
#include "SearchPage.h"
#include "SearchQuery.h"
#include "SearchResultsModel.h"
#include "diffclip/indexing/Workspace.h"
#include "diffclip/library/Library.h"

#include "../support/TestSupport.h"
#include "../support/Translators.h"

using namespace diffclip::ui;
using testsupport::MarkingTranslator;

namespace {

const QString kShared = QStringLiteral(DIFFCLIP_SHARED_DIR);
const QString kModel = kShared + QStringLiteral("/fixtures/diffclip-tiny-a/model.safetensors");
const QString kOtherModel = kShared + QStringLiteral("/fixtures/clip-std-tiny-a/model.safetensors");
const std::string kMerges = DIFFCLIP_SOURCE_DIR "/resources/tokenizer/bpe_simple_vocab_16e6.txt.gz";
constexpr int kSearchTimeoutMs = 60000;

void drop(QWidget* target, const QStringList& paths) {
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString& p : paths) urls << QUrl::fromLocalFile(p);
    mime.setUrls(urls);
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent dropEvent(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &dropEvent);
    QVERIFY(dropEvent.isAccepted());
}

QStringList readLines(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(f.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
}

bool marked(const QString& text) { return text.startsWith(QStringLiteral("⟦")); }

// The Japanese translation, also for texts that moved from SearchPage into its parts: until
// the .ts file is regenerated they are found under their old context.
class JapaneseTranslator : public QTranslator {
public:
    bool load() { return m_ja.load(QStringLiteral(":/i18n/diffclip_ja")); }
    bool isEmpty() const override { return m_ja.isEmpty(); }
    QString translate(const char* context, const char* source, const char* disambiguation = nullptr,
                      int n = -1) const override {
        const QString t = m_ja.translate(context, source, disambiguation, n);
        return t.isEmpty() ? m_ja.translate("diffclip::ui::SearchPage", source, disambiguation, n) : t;
    }

private:
    QTranslator m_ja;
};

// The model row of the hit with this library id; -1 when it is not listed.
int rowOfImage(const SearchResultsModel* model, qint64 id) {
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->data(model->index(r), SearchResultsModel::ImageIdRole).toLongLong() == id) return r;
    return -1;
}

// Whether a visible label of `root` shows `needle`.
bool labelShows(const QWidget* root, const QString& needle) {
    for (const QLabel* l : root->findChildren<QLabel*>())
        if (l->isVisible() && l->text().contains(needle)) return true;
    return false;
}

}  // namespace

class TestSearchPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void dropReturnsHits();
    void severalPhotosMakeAQueryStrip();
    void newerQuerySupersedesOlder();
    void textSearch();
    void pasteSearchesClipboardImage();
    void labelFilterRestrictsHits();
    void badWhereFilterIsExplained();
    void enterOpensHitAndFeedbackIsStored();
    void noneRightIsRecorded();
    void csvExportWritesHits();
    void badFilesShowErrors();
    void notEmbeddedNoticeForAnotherModel();
    void confidenceBannerFollowsResult();
    void judgementIsShownAndEnterKeepsIt();
    void feedbackErrorsAreShown();
    void labelChoicesFollowTheLibrary();
    void unknownFilterFieldIsRefused();
    void exportIsConfirmedAndStaleTextsGo();
    void fitsNarrowWindowsInJapanese();
    void textsAreTranslatable();

private:
    void waitAllDone(SearchPage* page);

    QTemporaryDir m_dir;
    QString m_lib;
    QStringList m_photos;  // 6 crazing, 6 scratches, indexed
    std::shared_ptr<diffclip::Workspace> m_ws;
    std::unique_ptr<SearchPage> m_page;
};

void TestSearchPage::initTestCase() {
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo::exists(kModel), qPrintable(kModel));
    // The main window of labelChoicesFollowTheLibrary never reads or writes the user's settings.
    testsupport::useOwnSettings(m_dir.filePath(QStringLiteral("settings")));
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    // Copies in class folders, so that labels come from the folder names.
    const QDir data(kShared + QStringLiteral("/data/neu-cls"));
    QString csv = QStringLiteral("file,line,product,date\n");
    for (const QString& cls : {QStringLiteral("crazing"), QStringLiteral("scratches")}) {
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("photos/") + cls));
        for (int i = 1; i <= 6; ++i) {
            const QString name = cls + QStringLiteral("_%1.jpg").arg(i);
            const QString dst = m_dir.filePath(QStringLiteral("photos/%1/%2").arg(cls, name));
            QVERIFY2(QFile::copy(data.filePath(cls + QLatin1Char('/') + name), dst), qPrintable(name));
            m_photos << dst;
            csv += QStringLiteral("%1,%2,%3,2024-05-%4\n")
                       .arg(name, i % 2 ? QStringLiteral("L1") : QStringLiteral("L2"), QStringLiteral("plate"))
                       .arg(10 + i);
        }
    }
    const QString csvPath = m_dir.filePath(QStringLiteral("meta.csv"));
    {
        QFile f(csvPath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(csv.toUtf8());
    }
    m_lib = m_dir.filePath(QStringLiteral("search.dclib"));
    diffclip::WorkspaceOptions wo;
    wo.device = "cpu";
    wo.tokenizer = kMerges;
    auto ws = diffclip::Workspace::open(m_lib.toStdString(), kModel.toStdString(), wo);
    QVERIFY2(ws.ok(), ws.error().describe().c_str());
    m_ws = std::shared_ptr<diffclip::Workspace>(std::move(ws).value());
    diffclip::IndexOptions io;
    io.labelsFromFolders = true;
    io.metadataCsv = csvPath.toStdString();
    auto summary = m_ws->index({m_dir.filePath(QStringLiteral("photos")).toStdString()}, io);
    QVERIFY2(summary.ok(), summary.error().describe().c_str());
    QCOMPARE(summary->added, int64_t(12));
    QCOMPARE(summary->failed, int64_t(0));

    m_page = std::make_unique<SearchPage>(nullptr);
    m_page->resize(1200, 800);
    m_page->setWorkspace(m_ws);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
}

void TestSearchPage::cleanupTestCase() {
    m_page.reset();
    m_ws.reset();
}

void TestSearchPage::waitAllDone(SearchPage* page) {
    for (int i = 0; i < page->queryCount(); ++i) QTRY_VERIFY_WITH_TIMEOUT(page->isQueryDone(i), kSearchTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), kSearchTimeoutMs);
}

void TestSearchPage::dropReturnsHits() {
    QSignalSpy busy(m_page.get(), &SearchPage::busyChanged);
    drop(m_page.get(), {m_photos[0]});
    // The drop returns before the search is done: it runs off the GUI thread.
    QVERIFY(m_page->isBusy());
    waitAllDone(m_page.get());
    QCOMPARE(m_page->queryCount(), 1);
    QVERIFY(m_page->errorBanner()->isHidden());
    SearchResultsModel* results = m_page->resultsModel();
    QVERIFY(results->rowCount() > 0);
    // The query is itself a library photo: it comes back first, with a score of about 1.
    QCOMPARE(results->data(results->index(0), SearchResultsModel::PathRole).toString(), m_photos[0]);
    QVERIFY(results->data(results->index(0), SearchResultsModel::ScoreRole).toDouble() > 0.999);
    QCOMPARE(results->data(results->index(0), SearchResultsModel::LabelRole).toString(), QStringLiteral("crazing"));
    QVERIFY(results->data(results->index(0), SearchResultsModel::MetadataRole).toString().contains(QStringLiteral("L1")));
    QCOMPARE(results->result().searched, int64_t(12));
    // Scores best first.
    for (int r = 1; r < results->rowCount(); ++r)
        QVERIFY(results->data(results->index(r - 1), SearchResultsModel::ScoreRole).toDouble() >=
                results->data(results->index(r), SearchResultsModel::ScoreRole).toDouble());
    QVERIFY2(m_page->statusText().contains(QStringLiteral("from 12 photos in")), qPrintable(m_page->statusText()));
    QCOMPARE(busy.count(), 2);
    // Thumbnails are decoded off the GUI thread and arrive later.
    QTRY_VERIFY_WITH_TIMEOUT(!results->data(results->index(0), Qt::DecorationRole).value<QImage>().isNull(),
                             kSearchTimeoutMs);
}

void TestSearchPage::severalPhotosMakeAQueryStrip() {
    QSignalSpy finished(m_page.get(), &SearchPage::queryFinished);
    drop(m_page.get(), {m_photos[1], m_photos[7], m_photos[8]});
    QCOMPARE(m_page->queryCount(), 3);
    waitAllDone(m_page.get());
    QCOMPARE(finished.count(), 3);
    for (const auto& args : finished) QVERIFY(args.at(1).toBool());
    QCOMPARE(m_page->currentQuery(), 0);
    m_page->setCurrentQuery(2);
    QCOMPARE(m_page->resultsModel()->data(m_page->resultsModel()->index(0), SearchResultsModel::PathRole).toString(),
             m_photos[8]);
    auto* strip = m_page->findChild<QListWidget*>(QStringLiteral("queryStrip"));
    QVERIFY(strip);
    QVERIFY(strip->isVisible());
    QCOMPARE(strip->count(), 3);
}

void TestSearchPage::newerQuerySupersedesOlder() {
    QSignalSpy finished(m_page.get(), &SearchPage::queryFinished);
    drop(m_page.get(), {m_photos[2]});
    drop(m_page.get(), {m_photos[9]});  // before the first is answered
    waitAllDone(m_page.get());
    QTest::qWait(200);  // a late answer to the first drop would arrive now
    QCOMPARE(m_page->queryCount(), 1);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(m_page->resultsModel()->data(m_page->resultsModel()->index(0), SearchResultsModel::PathRole).toString(),
             m_photos[9]);
}

void TestSearchPage::textSearch() {
    auto* edit = m_page->findChild<QLineEdit*>(QStringLiteral("textSearch"));
    QVERIFY(edit);
    QTest::keyClick(m_page.get(), Qt::Key_F, Qt::ControlModifier);
    QVERIFY(edit->hasFocus());
    QTest::keyClicks(edit, QStringLiteral("a photo of a scratch"));
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(m_page->queryCount(), 1);
    waitAllDone(m_page.get());
    QVERIFY2(m_page->errorBanner()->isHidden(), qPrintable(m_page->errorBanner()->details()));
    QVERIFY(m_page->resultsModel()->rowCount() > 0);
    QVERIFY(!m_page->resultsModel()->result().confident.has_value());  // text is not calibrated
    QVERIFY(!m_page->isNoConfidentMatchShown());
    QVERIFY(m_page->statusText().contains(QStringLiteral("not calibrated")));
}

void TestSearchPage::pasteSearchesClipboardImage() {
    QImage img(m_photos[3]);
    QVERIFY(!img.isNull());
    QApplication::clipboard()->setImage(img);
    m_page->setFocus();
    QVERIFY(m_page->pasteFromClipboard());
    waitAllDone(m_page.get());
    QVERIFY2(m_page->errorBanner()->isHidden(), qPrintable(m_page->errorBanner()->details()));
    SearchResultsModel* results = m_page->resultsModel();
    QVERIFY(results->rowCount() > 0);
    // Decoded pixels equal the file's, so the same photo is the best hit.
    QCOMPARE(results->data(results->index(0), SearchResultsModel::PathRole).toString(), m_photos[3]);

    QApplication::clipboard()->setText(QStringLiteral("not an image"));
    QVERIFY(!m_page->pasteFromClipboard());
    QVERIFY(!m_page->errorBanner()->isHidden());
}

void TestSearchPage::labelFilterRestrictsHits() {
    auto* combo = m_page->findChild<QComboBox*>(QStringLiteral("labelFilter"));
    QVERIFY(combo);
    QTRY_COMPARE_WITH_TIMEOUT(combo->count(), 3, kSearchTimeoutMs);  // any, crazing, scratches
    drop(m_page.get(), {m_photos[0]});
    waitAllDone(m_page.get());
    combo->setCurrentIndex(combo->findData(QStringLiteral("scratches")));
    QTRY_VERIFY_WITH_TIMEOUT(m_page->isBusy() || m_page->resultsModel()->result().searched == 6, kSearchTimeoutMs);
    waitAllDone(m_page.get());
    SearchResultsModel* results = m_page->resultsModel();
    QCOMPARE(results->result().searched, int64_t(6));
    QVERIFY(results->rowCount() > 0);
    for (int r = 0; r < results->rowCount(); ++r)
        QCOMPARE(results->data(results->index(r), SearchResultsModel::LabelRole).toString(), QStringLiteral("scratches"));

    // Line and date: photos 2, 4, 6 of scratches are on L2; dates 2024-05-14.. of those: 14 and 16.
    auto* line = m_page->findChild<QLineEdit*>(QStringLiteral("lineFilter"));
    auto* from = m_page->findChild<QLineEdit*>(QStringLiteral("dateFromFilter"));
    QVERIFY(line && from);
    line->setText(QStringLiteral("L2"));
    from->setText(QStringLiteral("2024-05-14"));
    m_page->searchAgain();
    waitAllDone(m_page.get());
    QCOMPARE(results->result().searched, int64_t(2));
    line->clear();
    from->clear();
    combo->setCurrentIndex(0);
    m_page->searchAgain();
    waitAllDone(m_page.get());
    QCOMPARE(results->result().searched, int64_t(12));
}

void TestSearchPage::badWhereFilterIsExplained() {
    auto* where = m_page->findChild<QLineEdit*>(QStringLiteral("whereFilter"));
    QVERIFY(where);
    where->setText(QStringLiteral("lot A12"));
    m_page->searchAgain();
    QVERIFY(!m_page->errorBanner()->isHidden());
    QVERIFY(m_page->errorBanner()->title().contains(QStringLiteral("lot A12")));
    where->setText(QStringLiteral("product=plate"));
    m_page->searchAgain();
    waitAllDone(m_page.get());
    QVERIFY(m_page->errorBanner()->isHidden());
    QCOMPARE(m_page->resultsModel()->result().searched, int64_t(12));
    where->clear();
}

void TestSearchPage::enterOpensHitAndFeedbackIsStored() {
    drop(m_page.get(), {m_photos[4]});
    waitAllDone(m_page.get());
    auto* grid = m_page->findChild<QListView*>(QStringLiteral("resultsGrid"));
    QVERIFY(grid);
    QVERIFY(grid->isVisible());
    grid->setFocus();
    grid->setCurrentIndex(m_page->resultsModel()->index(1));
    QTest::keyClick(grid, Qt::Key_Return);
    HitDetail* detail = m_page->hitDetail();
    QVERIFY(detail);
    QVERIFY(detail->isVisible());
    const qint64 hitId = detail->hitImageId();
    QCOMPARE(hitId, m_page->resultsModel()->data(m_page->resultsModel()->index(1), SearchResultsModel::ImageIdRole)
                        .toLongLong());
    QSignalSpy stored(detail, &HitDetail::feedbackStored);
    auto* wrong = detail->findChild<QPushButton*>(QStringLiteral("wrongButton"));
    QVERIFY(wrong);
    QTRY_VERIFY_WITH_TIMEOUT(wrong->isEnabled(), kSearchTimeoutMs);  // once earlier judgements are read
    QTest::mouseClick(wrong, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 1, kSearchTimeoutMs);
    QCOMPARE(stored.first().at(1).toBool(), false);
    auto* right = detail->findChild<QPushButton*>(QStringLiteral("rightButton"));
    QTRY_VERIFY_WITH_TIMEOUT(right->isEnabled(), kSearchTimeoutMs);
    QTest::mouseClick(right, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 2, kSearchTimeoutMs);

    auto lib = diffclip::Library::open(m_lib.toStdString());
    QVERIFY2(lib.ok(), lib.error().describe().c_str());
    auto rows = lib->feedback(hitId);
    QVERIFY(rows.ok());
    QCOMPARE(rows->size(), size_t(2));
    QCOMPARE(QString::fromStdString((*rows)[0].query), m_photos[4]);
    QVERIFY(!(*rows)[0].right);
    QVERIFY((*rows)[1].right);
    // The search is in the usage log, and both judgements are linked to it with the hit's rank.
    QVERIFY((*rows)[0].searchId > 0);
    QCOMPARE((*rows)[1].searchId, (*rows)[0].searchId);
    QCOMPARE((*rows)[0].rank, 2);
    auto log = lib->searchLog();
    QVERIFY(log.ok());
    const diffclip::SearchLogRecord* logged = nullptr;
    for (const auto& r : *log)
        if (r.id == (*rows)[0].searchId) logged = &r;
    QVERIFY(logged);
    QCOMPARE(QString::fromStdString(logged->entry.query), m_photos[4]);
    QCOMPARE(QString::fromStdString(logged->entry.source), QString("app"));
    QVERIFY(!logged->entry.textQuery);
    QVERIFY(!logged->entry.osUser.empty());
    QVERIFY(!logged->entry.modelFingerprint.empty());
    QCOMPARE(QString::fromStdString(logged->entry.queryLabel), QString::fromStdString(*lib->label(logged->entry.queryImageId)));
    QVERIFY(logged->entry.decodeMs > 0 && logged->entry.encodeMs > 0);
    QVERIFY(logged->entry.totalMs >= logged->entry.decodeMs + logged->entry.encodeMs);
    QCOMPARE(int64_t(logged->entry.hitIds.size()), int64_t(m_page->resultsModel()->rowCount()));
    QCOMPARE(logged->entry.hitIds[1], hitId);
    QVERIFY(logged->judged);
    QCOMPARE(logged->firstRightRank, 2);
    QVERIFY(logged->taskMs.has_value());
    detail->close();
    QTRY_VERIFY(!m_page->hitDetail());
}

// "None Right" under the tiles: the logged search counts as judged, no hit right (a miss).
void TestSearchPage::noneRightIsRecorded() {
    drop(m_page.get(), {m_photos[7]});
    waitAllDone(m_page.get());
    auto* none = m_page->findChild<QPushButton*>(QStringLiteral("noneRightButton"));
    QVERIFY(none);
    QTRY_VERIFY_WITH_TIMEOUT(none->isVisible() && none->isEnabled(), kSearchTimeoutMs);
    QTest::mouseClick(none, Qt::LeftButton);
    auto* message = m_page->findChild<QLabel*>(QStringLiteral("searchMessage"));
    QVERIFY(message);
    QTRY_VERIFY_WITH_TIMEOUT(message->text().startsWith(QStringLiteral("Recorded")), kSearchTimeoutMs);
    auto lib = diffclip::Library::open(m_lib.toStdString());
    QVERIFY(lib.ok());
    auto log = lib->searchLog();
    QVERIFY(log.ok());
    QVERIFY(!log->empty());
    const diffclip::SearchLogRecord& last = log->back();
    QCOMPARE(QString::fromStdString(last.entry.query), m_photos[7]);
    QVERIFY(last.judged);
    QVERIFY(last.noneRight);
    QCOMPARE(last.firstRightRank, 0);
}

void TestSearchPage::csvExportWritesHits() {
    drop(m_page.get(), {m_photos[5], m_photos[6]});
    waitAllDone(m_page.get());
    const QString out = m_dir.filePath(QStringLiteral("results.csv"));
    QVERIFY(m_page->exportResults(out));
    const QStringList lines = readLines(out);
    QVERIFY(!lines.isEmpty());
    QCOMPARE(lines.first(), QStringLiteral("query,rank,group,path,score,label,product,line,lot,date,inspector,notes,extra"));
    m_page->setCurrentQuery(0);
    const diffclip::SearchResult& r0 = m_page->resultsModel()->result();
    int rows0 = 0;
    for (const auto& h : r0.hits) rows0 += 1 + int(h.nearDuplicates.size());
    QVERIFY(rows0 > 0);
    QVERIFY(lines.size() > rows0);  // both queries' rows follow the header
    const QStringList first = lines[1].split(QLatin1Char(','));
    QCOMPARE(first[0], m_photos[5]);
    QCOMPARE(first[1], QStringLiteral("1"));
    QCOMPARE(first[2], QStringLiteral("1"));
    QCOMPARE(first[3], m_photos[5]);
    QCOMPARE(first[5], QStringLiteral("crazing"));
    QCOMPARE(first[6], QStringLiteral("plate"));
    int ofSecond = 0;
    for (const QString& l : lines)
        if (l.startsWith(m_photos[6] + QLatin1Char(','))) ++ofSecond;
    QVERIFY(ofSecond > 0);
    QCOMPARE(lines.size(), 1 + rows0 + ofSecond);

    // A folder that does not exist: an error in the page, no file.
    QVERIFY(!m_page->exportResults(m_dir.filePath(QStringLiteral("missing/dir/out.csv"))));
    QVERIFY(!m_page->errorBanner()->isHidden());
}

void TestSearchPage::badFilesShowErrors() {
    const QString broken = m_dir.filePath(QStringLiteral("broken.jpg"));
    {
        QFile f(broken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a JPEG at all");
    }
    const QString truncated = m_dir.filePath(QStringLiteral("truncated.jpg"));
    {
        QFile src(m_photos[0]);
        QVERIFY(src.open(QIODevice::ReadOnly));
        QFile f(truncated);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(src.read(src.size() / 3));
    }
    QSignalSpy finished(m_page.get(), &SearchPage::queryFinished);
    drop(m_page.get(), {broken, truncated, m_dir.filePath(QStringLiteral("gone.png"))});
    waitAllDone(m_page.get());
    QCOMPARE(finished.count(), 3);
    for (const auto& args : finished) QVERIFY(!args.at(1).toBool());
    m_page->setCurrentQuery(0);
    QVERIFY(!m_page->errorBanner()->isHidden());
    QVERIFY(m_page->errorBanner()->title().contains(QStringLiteral("broken.jpg")));
    QVERIFY(!m_page->errorBanner()->reason().isEmpty());
    QCOMPARE(m_page->resultsModel()->rowCount(), 0);
    m_page->setCurrentQuery(2);
    QVERIFY(m_page->errorBanner()->title().contains(QStringLiteral("gone.png")));
    // A good photo afterwards works and clears the message.
    drop(m_page.get(), {m_photos[0]});
    waitAllDone(m_page.get());
    QVERIFY(m_page->errorBanner()->isHidden());
    QVERIFY(m_page->resultsModel()->rowCount() > 0);
}

void TestSearchPage::notEmbeddedNoticeForAnotherModel() {
    diffclip::WorkspaceOptions wo;
    wo.device = "cpu";
    auto other = diffclip::Workspace::open(m_lib.toStdString(), kOtherModel.toStdString(), wo);
    QVERIFY2(other.ok(), other.error().describe().c_str());
    SearchPage page(nullptr);
    page.setWorkspace(std::shared_ptr<diffclip::Workspace>(std::move(other).value()));
    page.searchPhotos({m_photos[0]});
    waitAllDone(&page);
    QVERIFY2(page.errorBanner()->isHidden(), qPrintable(page.errorBanner()->details()));
    QCOMPARE(page.resultsModel()->result().notEmbedded, int64_t(12));
    QVERIFY(page.isNotEmbeddedShown());
    QCOMPARE(page.resultsModel()->rowCount(), 0);
    QVERIFY(m_page->isNotEmbeddedShown() == false);
}

void TestSearchPage::confidenceBannerFollowsResult() {
    // A flat grey image and noise are far from every steel photo, but whether they fall under
    // the calibrated threshold depends on the model: check that the page says what the core says.
    QImage grey(64, 64, QImage::Format_RGB32);
    grey.fill(QColor(128, 128, 128));
    const QString greyPath = m_dir.filePath(QStringLiteral("grey.png"));
    QVERIFY(grey.save(greyPath));
    QImage noise(64, 64, QImage::Format_RGB32);
    quint32 s = 12345;
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x) {
            s = s * 1664525u + 1013904223u;
            noise.setPixel(x, y, qRgb(int(s >> 24), int((s >> 16) & 255), int((s >> 8) & 255)));
        }
    const QString noisePath = m_dir.filePath(QStringLiteral("noise.png"));
    QVERIFY(noise.save(noisePath));
    drop(m_page.get(), {greyPath, noisePath, m_photos[0]});
    waitAllDone(m_page.get());
    for (int i = 0; i < 3; ++i) {
        m_page->setCurrentQuery(i);
        const diffclip::SearchResult& r = m_page->resultsModel()->result();
        QVERIFY(r.confident.has_value());  // 12 photos: calibrated
        QCOMPARE(m_page->isNoConfidentMatchShown(), !*r.confident);
        QVERIFY(m_page->statusText().contains(QStringLiteral("threshold")));
    }
    m_page->setCurrentQuery(2);
    QVERIFY(*m_page->resultsModel()->result().confident);  // a library photo itself
}

// Issue 20, item 2: reopening a hit marked wrong showed no judgement, and Enter pressed the
// default "Right Match" button, which silently saved "right".
void TestSearchPage::judgementIsShownAndEnterKeepsIt() {
    drop(m_page.get(), {m_photos[10]});
    waitAllDone(m_page.get());
    SearchResultsModel* results = m_page->resultsModel();
    QVERIFY(results->rowCount() > 1);
    m_page->openHit(1);
    QPointer<HitDetail> detail = m_page->hitDetail();
    QVERIFY(detail);
    const qint64 hitId = detail->hitImageId();
    QSignalSpy stored(detail.data(), &HitDetail::feedbackStored);
    auto* wrong = detail->findChild<QPushButton*>(QStringLiteral("wrongButton"));
    QVERIFY(wrong);
    QTRY_VERIFY_WITH_TIMEOUT(wrong->isEnabled(), kSearchTimeoutMs);
    QTest::mouseClick(wrong, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 1, kSearchTimeoutMs);
    detail->close();
    QTRY_VERIFY(!m_page->hitDetail());

    auto library = diffclip::Library::open(m_lib.toStdString());
    QVERIFY2(library.ok(), library.error().describe().c_str());
    auto rowsOfQuery = [&] {
        const auto rows = library->feedback(hitId);
        int n = 0;
        for (const auto& f : *rows) n += QString::fromStdString(f.query) == m_photos[10];
        return n;
    };
    QCOMPARE(rowsOfQuery(), 1);

    // Enter in the reopened window records nothing: no button that judges is the default.
    m_page->openHit(1);
    detail = m_page->hitDetail();
    QVERIFY(detail);
    QVERIFY(QTest::qWaitForWindowExposed(detail.data()));
    QTest::keyClick(detail.data(), Qt::Key_Return);
    QVERIFY(!detail || !detail->isSaving());
    QCOMPARE(rowsOfQuery(), 1);
    if (detail)
        for (QPushButton* b : detail->findChildren<QPushButton*>())
            if (b->objectName() == QStringLiteral("rightButton") || b->objectName() == QStringLiteral("wrongButton"))
                QVERIFY2(!b->isDefault() && !b->autoDefault(), qPrintable(b->text()));

    // The window shows the earlier judgement; changing it takes a button that says so.
    if (detail && detail->isHidden()) QTRY_VERIFY(!detail);  // Enter closed it: Close is the default
    if (!detail) m_page->openHit(1);
    detail = m_page->hitDetail();
    QVERIFY(detail);
    auto* state = detail->findChild<QLabel*>(QStringLiteral("feedbackState"));
    QVERIFY(state);
    QTRY_VERIFY_WITH_TIMEOUT(state->text().contains(QStringLiteral("wrong match")), kSearchTimeoutMs);
    auto* right = detail->findChild<QPushButton*>(QStringLiteral("rightButton"));
    QVERIFY(right);
    QVERIFY2(right->text().contains(QStringLiteral("Change")), qPrintable(right->text()));
    QVERIFY2(right->toolTip().contains(QStringLiteral("wrong match")), qPrintable(right->toolTip()));
    QSignalSpy changed(detail.data(), &HitDetail::feedbackStored);
    QVERIFY(right->isEnabled());
    QTest::mouseClick(right, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, kSearchTimeoutMs);
    QVERIFY(changed.first().at(1).toBool());
    QVERIFY2(state->text().contains(QStringLiteral("right match")) && state->text().contains(QStringLiteral("wrong match")),
             qPrintable(state->text()));  // what it replaced
    auto* history = detail->findChild<QLabel*>(QStringLiteral("feedbackHistory"));
    QVERIFY(history);
    QVERIFY2(history->text().count(QLatin1Char('\n')) == 1, qPrintable(history->text()));  // two lines: both kept
    const auto rows = *library->feedback(hitId);
    QCOMPARE(rowsOfQuery(), 2);
    QVERIFY(!rows[rows.size() - 2].right);
    QVERIFY(rows.back().right);

    // The tile says it too, and so does a later search with the same photo.
    const int row = rowOfImage(results, hitId);
    QVERIFY(row >= 0);
    QTRY_VERIFY(results->data(results->index(row), Qt::ToolTipRole).toString().contains(QStringLiteral("right match")));
    QVERIFY(results->data(results->index(row), Qt::AccessibleTextRole).toString().contains(QStringLiteral("right match")));
    detail->close();
    drop(m_page.get(), {m_photos[0]});
    waitAllDone(m_page.get());
    QVERIFY(!results->data(results->index(0), Qt::ToolTipRole).toString().contains(QStringLiteral("match")));
    drop(m_page.get(), {m_photos[10]});
    waitAllDone(m_page.get());
    QTRY_VERIFY_WITH_TIMEOUT(results->data(results->index(rowOfImage(results, hitId)), Qt::ToolTipRole)
                                 .toString()
                                 .contains(QStringLiteral("right match")),
                             kSearchTimeoutMs);
}

// Issue 20, item 5: the label filter filled only when the library was opened; labels given or
// photos indexed in the same session never showed up in it.
void TestSearchPage::labelChoicesFollowTheLibrary() {
    const QDir data(kShared + QStringLiteral("/data/neu-cls"));
    const QDir root(m_dir.filePath(QStringLiteral("choices")));
    QVERIFY(root.mkpath(QStringLiteral("photos/crazing")));
    QVERIFY(root.mkpath(QStringLiteral("more/patches")));
    for (const QString& name : {QStringLiteral("crazing_1.jpg"), QStringLiteral("crazing_2.jpg")})
        QVERIFY(QFile::copy(data.filePath(QStringLiteral("crazing/") + name),
                            root.filePath(QStringLiteral("photos/crazing/") + name)));
    QVERIFY(QFile::copy(data.filePath(QStringLiteral("patches/patches_1.jpg")),
                        root.filePath(QStringLiteral("more/patches/patches_1.jpg"))));
    const QString lib = root.filePath(QStringLiteral("choices.dclib"));
    {
        diffclip::WorkspaceOptions wo;
        wo.device = "cpu";
        auto ws = diffclip::Workspace::open(lib.toStdString(), kModel.toStdString(), wo);
        QVERIFY2(ws.ok(), ws.error().describe().c_str());
        diffclip::IndexOptions io;
        io.labelsFromFolders = true;
        auto summary = (*ws)->index({root.filePath(QStringLiteral("photos")).toStdString()}, io);
        QVERIFY2(summary.ok(), summary.error().describe().c_str());
        QCOMPARE(summary->added, int64_t(2));
    }
    qint64 firstId = 0;
    {
        auto l = diffclip::Library::open(lib.toStdString());
        QVERIFY(l.ok());
        auto rec = l->findImageByPath(root.filePath(QStringLiteral("photos/crazing/crazing_1.jpg")).toStdString());
        QVERIFY2(rec.ok(), rec.error().describe().c_str());
        firstId = rec->id;
    }

    MainWindow window;
    window.resize(1120, 760);
    window.show();
    window.openLibrary(lib);
    SearchPage* page = window.searchPage();
    QVERIFY(page);
    auto* combo = page->findChild<QComboBox*>(QStringLiteral("labelFilter"));
    QVERIFY(combo);
    QTRY_VERIFY_WITH_TIMEOUT(page->workspace() != nullptr, kSearchTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(combo->count(), 2, kSearchTimeoutMs);  // any, crazing
    combo->setCurrentIndex(combo->findData(QStringLiteral("crazing")));

    // A label given on the Library page is offered at once; the choice made stays.
    LibraryPage* libraryPage = window.libraryPage();
    QTRY_VERIFY_WITH_TIMEOUT(!libraryPage->isBusy() && libraryPage->photoModel()->rowCount() == 2, kSearchTimeoutMs);
    libraryPage->selectIds({firstId});
    libraryPage->labelSelected(QStringLiteral("inclusion"));
    QTRY_VERIFY_WITH_TIMEOUT(combo->findData(QStringLiteral("inclusion")) >= 0, kSearchTimeoutMs);
    QCOMPARE(combo->currentData().toString(), QStringLiteral("crazing"));

    // Photos indexed in this session bring their labels too.
    QVERIFY(libraryPage->addPaths({root.filePath(QStringLiteral("more"))}, true, QString()) > 0);
    QTRY_VERIFY_WITH_TIMEOUT(combo->findData(QStringLiteral("patches")) >= 0, kSearchTimeoutMs);
    QCOMPARE(combo->currentData().toString(), QStringLiteral("crazing"));
    QCOMPARE(combo->count(), 4);  // any, crazing, inclusion, patches

    // Line and product given on the Library page are offered as completions of those filters.
    auto* line = page->findChild<QLineEdit*>(QStringLiteral("lineFilter"));
    QVERIFY(line && line->completer());
    QCOMPARE(line->completer()->model()->rowCount(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!libraryPage->isBusy(), kSearchTimeoutMs);
    libraryPage->selectIds({firstId});
    diffclip::ImageRecord metadata;
    metadata.line = "L7";
    metadata.product = "plate";
    libraryPage->setMetadataFields(metadata);
    libraryPage->saveMetadata();
    QTRY_COMPARE_WITH_TIMEOUT(line->completer()->model()->rowCount(), 1, kSearchTimeoutMs);
    QCOMPARE(line->completer()->model()->index(0, 0).data().toString(), QStringLiteral("L7"));
    auto* product = page->findChild<QLineEdit*>(QStringLiteral("productFilter"));
    QCOMPARE(product->completer()->model()->index(0, 0).data().toString(), QStringLiteral("plate"));
}

// Judging without a library is off and says why; a judgement the library refuses (its photo
// is gone) shows the error, stores nothing, and can be tried again.
void TestSearchPage::feedbackErrorsAreShown() {
    SearchQuery query;
    query.path = m_photos[0];
    diffclip::SearchHit gone;
    gone.image.id = 987654;  // no such photo in the library
    gone.image.path = m_photos[1].toStdString();
    gone.score = 0.5f;
    {
        HitDetail detail(nullptr, query, gone, 0.0, false);
        auto* state = detail.findChild<QLabel*>(QStringLiteral("feedbackState"));
        QVERIFY(state);
        QVERIFY2(state->text().contains(QStringLiteral("open library")), qPrintable(state->text()));
        QVERIFY(!detail.findChild<QPushButton*>(QStringLiteral("rightButton"))->isEnabled());
        QVERIFY(!detail.findChild<QPushButton*>(QStringLiteral("wrongButton"))->isEnabled());
    }
    LibraryAccess access;
    bool opened = false;
    access.open(m_lib, false, &access, [&opened](diffclip::Status s) { opened = s.ok(); });
    QTRY_VERIFY_WITH_TIMEOUT(opened, kSearchTimeoutMs);
    auto library = diffclip::Library::open(m_lib.toStdString());
    QVERIFY(library.ok());
    const size_t before = library->feedback()->size();
    HitDetail detail(&access, query, gone, 0.0, false);
    auto* wrong = detail.findChild<QPushButton*>(QStringLiteral("wrongButton"));
    QTRY_VERIFY_WITH_TIMEOUT(wrong->isEnabled(), kSearchTimeoutMs);
    QSignalSpy stored(&detail, &HitDetail::feedbackStored);
    QTest::mouseClick(wrong, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!detail.errorBanner()->isHidden(), kSearchTimeoutMs);
    QVERIFY2(detail.errorBanner()->title().contains(QStringLiteral("not saved")),
             qPrintable(detail.errorBanner()->title()));
    QCOMPARE(detail.findChild<QLabel*>(QStringLiteral("feedbackState"))->text(), QStringLiteral("Not saved."));
    QCOMPARE(stored.count(), 0);
    QCOMPARE(library->feedback()->size(), before);
    QVERIFY(wrong->isEnabled());  // it may be tried again
}

// Issue 20, item 7: `label=inclusion` was accepted, matched nothing and was followed by
// "library too small to judge confidence".
void TestSearchPage::unknownFilterFieldIsRefused() {
    auto* where = m_page->findChild<QLineEdit*>(QStringLiteral("whereFilter"));
    QVERIFY(where);
    drop(m_page.get(), {m_photos[0]});
    waitAllDone(m_page.get());
    where->setText(QStringLiteral("label=inclusion"));
    m_page->searchAgain();
    waitAllDone(m_page.get());
    QVERIFY(!m_page->errorBanner()->isHidden());
    QVERIFY2(m_page->errorBanner()->title().contains(QStringLiteral("label")), qPrintable(m_page->errorBanner()->title()));
    const QString reason = m_page->errorBanner()->reason();
    for (const char* field : {"line", "product", "lot", "date", "inspector", "notes"})
        QVERIFY2(reason.contains(QLatin1String(field)), qPrintable(reason));
    QVERIFY2(!m_page->statusText().contains(QStringLiteral("confidence")), qPrintable(m_page->statusText()));

    // A known field that no photo matches: an empty result, no word on confidence.
    where->setText(QStringLiteral("lot=Z99"));
    m_page->searchAgain();
    waitAllDone(m_page.get());
    QVERIFY2(m_page->errorBanner()->isHidden(), qPrintable(m_page->errorBanner()->title()));
    QCOMPARE(m_page->resultsModel()->rowCount(), 0);
    QVERIFY2(!m_page->statusText().contains(QStringLiteral("confidence")), qPrintable(m_page->statusText()));
    QVERIFY(!m_page->isNoConfidentMatchShown());
    where->clear();
    m_page->searchAgain();
    waitAllDone(m_page.get());
    QCOMPARE(m_page->resultsModel()->result().searched, int64_t(12));
}

// Issue 20, item 13: Export CSV said nothing; words of an earlier text query stayed in the
// box under photo results; an export error stayed after a later export worked.
void TestSearchPage::exportIsConfirmedAndStaleTextsGo() {
    auto* edit = m_page->findChild<QLineEdit*>(QStringLiteral("textSearch"));
    QVERIFY(edit);
    edit->setText(QStringLiteral("a scratch"));
    QTest::keyClick(edit, Qt::Key_Return);
    waitAllDone(m_page.get());
    QCOMPARE(edit->text(), QStringLiteral("a scratch"));  // the words are the query on screen
    drop(m_page.get(), {m_photos[1]});
    waitAllDone(m_page.get());
    QVERIFY2(edit->text().isEmpty(), qPrintable(edit->text()));

    QVERIFY(!m_page->exportResults(m_dir.filePath(QStringLiteral("missing/dir/out.csv"))));
    QVERIFY(!m_page->errorBanner()->isHidden());
    const QString out = m_dir.filePath(QStringLiteral("confirmed.csv"));
    QVERIFY(m_page->exportResults(out));
    QVERIFY(m_page->errorBanner()->isHidden());
    QVERIFY(labelShows(m_page.get(), QDir::toNativeSeparators(out)));
}

// Issue 20, item 12: placeholders were cut in Japanese (the words box's among them). The page
// is laid out at its share of a 1,120 px window and of an 800 × 600 one: every empty field
// shows its whole placeholder, and nothing needs more room than there is.
void TestSearchPage::fitsNarrowWindowsInJapanese() {
    JapaneseTranslator ja;
    QVERIFY(ja.load());
    QVERIFY(QCoreApplication::installTranslator(&ja));
    int navigation = 0;
    {
        MainWindow window;
        auto* nav = window.findChild<QWidget*>(QStringLiteral("navigation"));
        QVERIFY(nav);
        navigation = nav->width() + 2;  // and the line beside it
    }
    for (const QSize window : {QSize(1120, 760), QSize(800, 600)}) {
        SearchPage page(nullptr);
        const QSize size(window.width() - navigation, window.height() - 40);  // less the menu bar
        page.resize(size);
        page.setWorkspace(m_ws);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.searchPhotos({m_photos[0]});
        waitAllDone(&page);
        QTRY_COMPARE(page.size(), size);
        QVERIFY2(page.minimumSizeHint().width() <= size.width(),
                 qPrintable(QString::number(page.minimumSizeHint().width())));
        // DIFFCLIP_SHOTS=DIR keeps a picture of each size there, to look at.
        if (const QString shots = qEnvironmentVariable("DIFFCLIP_SHOTS"); !shots.isEmpty())
            page.grab().save(shots + QStringLiteral("/search-%1-ja.png").arg(window.width()));
        auto* words = page.findChild<QLineEdit*>(QStringLiteral("textSearch"));
        QVERIFY(words && !words->placeholderText().startsWith(QStringLiteral("Or describe")));  // translated
        for (const QLineEdit* e : page.findChildren<QLineEdit*>()) {
            if (!e->isVisible() || e->placeholderText().isEmpty()) continue;
            // The text area: the frame and Qt's 2 px margins taken off (the clear button takes
            // room only while there is text).
            const int chrome = 2 * e->style()->pixelMetric(QStyle::PM_DefaultFrameWidth, nullptr, e) + 4;
            const int needed = e->fontMetrics().horizontalAdvance(e->placeholderText()) + chrome;
            QVERIFY2(e->width() >= needed, qPrintable(QStringLiteral("%1 at %2 px: %3 px wide, %4 needed")
                                                          .arg(e->objectName())
                                                          .arg(window.width())
                                                          .arg(e->width())
                                                          .arg(needed)));
        }
    }
    QCoreApplication::removeTranslator(&ja);
}

// Texts of the page and the hit window go through tr(): with a translator that marks every
// text, the visible ones come out marked.
void TestSearchPage::textsAreTranslatable() {
    MarkingTranslator marker;
    QVERIFY(QCoreApplication::installTranslator(&marker));
    {
        SearchPage page(nullptr);
        page.resize(1120, 700);
        page.setWorkspace(m_ws);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto* edit = page.findChild<QLineEdit*>(QStringLiteral("textSearch"));
        QVERIFY(edit && marked(edit->placeholderText()));
        for (const QPushButton* b : page.findChildren<QPushButton*>())
            if (b->isVisible()) QVERIFY2(marked(b->text()), qPrintable(b->text()));
        page.searchPhotos({m_photos[2]});
        waitAllDone(&page);
        QVERIFY2(marked(page.statusText()), qPrintable(page.statusText()));
        QVERIFY(marked(page.resultsModel()->data(page.resultsModel()->index(0), Qt::AccessibleTextRole).toString()));
        page.openHit(1);
        HitDetail* detail = page.hitDetail();
        QVERIFY(detail);
        auto* state = detail->findChild<QLabel*>(QStringLiteral("feedbackState"));
        QVERIFY(state);
        QTRY_VERIFY_WITH_TIMEOUT(marked(state->text()) && !detail->isSaving(), kSearchTimeoutMs);
        for (const QPushButton* b : detail->findChildren<QPushButton*>())
            if (b->isVisible()) QVERIFY2(marked(b->text()), qPrintable(b->text()));
        QSignalSpy stored(detail, &HitDetail::feedbackStored);
        auto* wrong = detail->findChild<QPushButton*>(QStringLiteral("wrongButton"));
        QTRY_VERIFY_WITH_TIMEOUT(wrong->isEnabled(), kSearchTimeoutMs);
        QTest::mouseClick(wrong, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 1, kSearchTimeoutMs);
        QVERIFY2(marked(state->text()), qPrintable(state->text()));
        const QString tip = page.resultsModel()->data(page.resultsModel()->index(1), Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("⟦")) && tip.count(QStringLiteral("⟦")) >= 3, qPrintable(tip));
        detail->close();

        const QString out = m_dir.filePath(QStringLiteral("marked.csv"));
        QVERIFY(page.exportResults(out));
        QVERIFY(labelShows(&page, QStringLiteral("⟦")));
        auto* where = page.findChild<QLineEdit*>(QStringLiteral("whereFilter"));
        where->setText(QStringLiteral("colour=red"));
        page.searchAgain();
        QVERIFY(!page.errorBanner()->isHidden());
        QVERIFY2(marked(page.errorBanner()->title()) && marked(page.errorBanner()->reason()),
                 qPrintable(page.errorBanner()->title()));
    }
    QCoreApplication::removeTranslator(&marker);
}

QTEST_MAIN(TestSearchPage)
#include "tst_searchpage.moc"
