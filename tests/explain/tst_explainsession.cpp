// The Explain page's facade as a long operation (ExplainSession::folderScale and the job
// contract): one stage "explain" counted photo by photo, a bad photo left out and counted,
// cancel through the token returns Cancelled and keeps no scale. Reference fixtures only.
#include <QtTest>

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <string>
#include <vector>

#include "diffclip/explain/ExplainSession.h"

#include "../support/TestSupport.h"

using namespace diffclip;
using namespace diffclip::explain;

namespace {

const QString kModel = QStringLiteral(DIFFCLIP_SHARED_DIR "/fixtures/diffclip-tiny-a/model.safetensors");
const QString kPhotoA = QStringLiteral(DIFFCLIP_SHARED_DIR "/data/neu-cls/crazing/crazing_1.jpg");
const QString kPhotoB = QStringLiteral(DIFFCLIP_SHARED_DIR "/data/neu-cls/patches/patches_1.jpg");

ExplainRequest attentionRequest() {
    ExplainRequest r;
    r.modelA = kModel.toStdString();
    r.mode = CompareMode::A1VsDifference;
    r.method = MapMethod::Attention;
    return r;
}

}  // namespace

class TestExplainSession : public QObject {
    Q_OBJECT

    std::unique_ptr<ExplainSession> m_session;
    QTemporaryDir m_dir;
    std::vector<std::string> m_photos;  // two photos and a file that is not one

private Q_SLOTS:
    void initTestCase() {
        for (const QString& f : {kModel, kPhotoA, kPhotoB})
            QVERIFY2(QFileInfo::exists(f), qPrintable(f + " is missing"));
        auto s = ExplainSession::open();
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        m_session = std::move(*s);
        QVERIFY(m_dir.isValid());
        const QString bad = m_dir.filePath(QStringLiteral("not-a-photo.jpg"));
        testsupport::writeFile(bad, "text, not a JPEG");
        m_photos = {kPhotoA.toStdString(), bad.toStdString(), kPhotoB.toStdString()};
    }

    void folderScaleCountsEveryPhoto() {
        std::vector<ProgressUpdate> got;
        JobControl job;
        job.progress = Progress([&](const ProgressUpdate& u) { got.push_back(u); }, std::chrono::milliseconds(0));
        auto scale = m_session->folderScale(attentionRequest(), m_photos, job);
        QVERIFY2(scale.ok(), scale.ok() ? "" : scale.error().message.c_str());
        QCOMPARE(scale->photos, 2);
        QCOMPARE(scale->failed.size(), size_t(1));
        // The stage's start, then one report per photo, the unreadable one included.
        QCOMPARE(got.size(), size_t(4));
        for (size_t i = 0; i < got.size(); ++i) {
            QCOMPARE(got[i].stage, std::string("explain"));
            QCOMPARE(got[i].total, int64_t(3));
            QCOMPARE(got[i].done, int64_t(i));
        }
    }

    // Cancelled after the first photo: the call stops before the next one and returns no scale.
    void cancelStopsBetweenPhotos() {
        int64_t lastDone = -1;
        JobControl job;
        job.cancel = CancelToken();
        job.progress = Progress(
            [&](const ProgressUpdate& u) {
                lastDone = u.done;
                if (u.done == 1) job.cancel.cancel();
            },
            std::chrono::milliseconds(0));
        auto scale = m_session->folderScale(attentionRequest(), m_photos, job);
        QVERIFY(!scale.ok());
        QCOMPARE(scale.error().code, ErrorCode::Cancelled);
        QCOMPARE(lastDone, int64_t(1));
    }

    void cancelledBeforeItStarts() {
        JobControl job;
        job.cancel = CancelToken();
        job.cancel.cancel();
        auto scale = m_session->folderScale(attentionRequest(), m_photos, job);
        QVERIFY(!scale.ok());
        QCOMPARE(scale.error().code, ErrorCode::Cancelled);
        // A single explanation takes the token too.
        ExplainRequest one = attentionRequest();
        one.photoPath = kPhotoA.toStdString();
        auto single = m_session->explain(one, job.cancel);
        QVERIFY(!single.ok());
        QCOMPARE(single.error().code, ErrorCode::Cancelled);
        QVERIFY(m_session->explain(one).ok());  // and without one it runs
    }
};

QTEST_GUILESS_MAIN(TestExplainSession)
#include "tst_explainsession.moc"
