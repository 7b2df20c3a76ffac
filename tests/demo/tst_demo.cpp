// The built-in demo data set: deterministic photos, masks exactly where the defects are, the
// folder/CSV layout the library imports, reuse of an earlier run, and clear errors.
#include <QtTest>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <map>
#include <set>

#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "diffclip/demo/DemoData.h"
#include "diffclip/library/Library.h"

#include "../support/TestSupport.h"
#include "DemoTestFiles.h"

using namespace diffclip;
using namespace diffclip::demo;
using namespace diffclip::demotest;

namespace {
// Pixels (of 96 x 96) that a defect must change by more than 12 levels once the photo is scaled
// to the demo model's input: a thinner or smaller defect averages away when scaled down. The
// fewest over the test's 72 defect photos is 30 (generator version 2).
constexpr int kMinVisibleAt96 = 12;

DemoOptions options(int perClass, uint64_t seed) {
    DemoOptions o;
    o.perClass = perClass;
    o.seed = seed;
    return o;
}

}  // namespace

class TestDemo : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void classesAndNames() {
        const auto& classes = demoClasses();
        QCOMPARE(int(classes.size()), 7);
        QCOMPARE(QString::fromStdString(classes[0]), QStringLiteral("good"));
        for (int d = 0; d < 6; ++d) QCOMPARE(classes[size_t(d + 1)], std::string(defectName(Defect(d))));
        QCOMPARE(QString(surfaceName(Surface::PaintedPanel)), QStringLiteral("painted-panel"));
    }

    void renderIsDeterministic() {
        for (int c = 0; c < 7; ++c)
            for (int i = 0; i < 3; ++i) {
                const SampleSpec spec = planSample(42, c, i);
                auto a = renderSample(spec), b = renderSample(spec);
                QVERIFY(a && b);
                QVERIFY(sameMat(a->image, b->image));
                QVERIFY(sameMat(a->mask, b->mask));
            }
        // Other seeds, other photos.
        auto x = renderSample(planSample(42, 1, 0)), y = renderSample(planSample(43, 1, 0));
        QVERIFY(x && y);
        QVERIFY(!sameMat(x->image, y->image));
        QVERIFY(!renderSample(SampleSpec{1, 16, Surface::Wood, std::nullopt}));
    }

    void masksAreExactlyTheDefects() {
        // The same spec without its defect renders the same photo minus the defect, so the
        // difference shows where the defect really is.
        const cv::Mat grow = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(9, 9));
        std::set<int> surfacesSeen;
        int minVisible = 96 * 96;
        for (int c = 0; c < 7; ++c)
            for (int i = 0; i < 12; ++i) {
                const SampleSpec spec = planSample(7, c, i);
                surfacesSeen.insert(int(spec.surface));
                auto with = renderSample(spec);
                QVERIFY(with);
                QCOMPARE(with->image.type(), CV_8UC3);
                QCOMPARE(with->mask.type(), CV_8UC1);
                QCOMPARE(with->image.rows, 224);
                QCOMPARE(with->image.cols, 224);
                QCOMPARE(with->mask.size(), with->image.size());
                cv::Mat nonBinary = (with->mask != 0) & (with->mask != 255);
                QCOMPARE(cv::countNonZero(nonBinary), 0);
                if (c == 0) {
                    QVERIFY(!spec.defect);
                    QCOMPARE(cv::countNonZero(with->mask), 0);
                    continue;
                }
                QVERIFY(spec.defect && int(*spec.defect) == c - 1);
                SampleSpec clean = spec;
                clean.defect.reset();
                auto without = renderSample(clean);
                QVERIFY(without);
                cv::Mat diff;
                cv::absdiff(with->image, without->image, diff);
                cv::Mat diffMax = diff.reshape(1, diff.rows * diff.cols);
                cv::reduce(diffMax, diffMax, 1, cv::REDUCE_MAX);
                diffMax = diffMax.reshape(1, diff.rows);
                const int area = cv::countNonZero(with->mask);
                const QString what = QStringLiteral("%1 #%2 on %3").arg(defectName(*spec.defect)).arg(i).arg(surfaceName(spec.surface));
                QVERIFY2(area > 0, qPrintable(what + ": empty mask"));
                QVERIFY2(area < 224 * 224 / 3, qPrintable(what + ": mask covers most of the photo"));
                // Nothing changes outside the mask (beyond the camera's blur of its edge) ...
                cv::Mat near;
                cv::dilate(with->mask, near, grow);
                const int outside = cv::countNonZero((diffMax > 12) & ~near);
                QVERIFY2(outside == 0, qPrintable(what + ": " + QString::number(outside) + " changed pixels outside the mask"));
                // ... and the defect shows inside it.
                const int shown = cv::countNonZero((diffMax > 4) & with->mask);
                QVERIFY2(shown * 10 >= area, qPrintable(what + ": only " + QString::number(shown) + " of " +
                                                        QString::number(area) + " mask pixels differ"));
                // ... and still shows at the demo model's 96 px input: a defect that vanishes when
                // the photo is scaled down cannot be learned from it.
                cv::Mat small, smallClean, smallDiff;
                cv::resize(with->image, small, cv::Size(96, 96), 0, 0, cv::INTER_AREA);
                cv::resize(without->image, smallClean, cv::Size(96, 96), 0, 0, cv::INTER_AREA);
                cv::absdiff(small, smallClean, smallDiff);
                smallDiff = smallDiff.reshape(1, 96 * 96);
                cv::reduce(smallDiff, smallDiff, 1, cv::REDUCE_MAX);
                const int visible = cv::countNonZero(smallDiff > 12);
                minVisible = std::min(minVisible, visible);
                QVERIFY2(visible >= kMinVisibleAt96, qPrintable(what + ": only " + QString::number(visible) +
                                                                 " pixels differ by more than 12 at 96 px"));
            }
        QCOMPARE(int(surfacesSeen.size()), 5);
        qInfo("fewest pixels showing a defect at 96 px: %d", minVisible);
    }

    void layoutCsvAndLibraryImport() {
        QTemporaryDir tmp;
        const QString dir = tmp.path() + "/demo";
        int64_t calls = 0, lastDone = 0;
        DemoOptions o = options(3, 5);
        // Unthrottled: the stage's start, then one report per photo.
        o.job.progress = Progress(
            [&](const ProgressUpdate& u) {
                QCOMPARE(u.stage, std::string("generate"));
                QCOMPARE(u.total, int64_t(21));
                if (u.done == 0) return;
                ++calls;
                lastDone = u.done;
            },
            std::chrono::milliseconds(0));
        auto r = generateDemoDataset(dir.toStdString(), o);
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        QCOMPARE(r->photos, int64_t(21));
        QCOMPARE(r->written, int64_t(21));
        QVERIFY(!r->reused);
        QCOMPARE(calls, int64_t(21));
        QCOMPARE(lastDone, int64_t(21));
        QCOMPARE(QString::fromStdString(r->photosDir), dir + "/photos");

        // photos/<class>/ holds only photos (what --labels-from-folders reads), masks/ the masks.
        for (const auto& cls : demoClasses()) {
            const QString c = QString::fromStdString(cls);
            const QStringList photos = QDir(dir + "/photos/" + c).entryList(QDir::Files, QDir::Name);
            QCOMPARE(photos, QStringList({c + "-0001.jpg", c + "-0002.jpg", c + "-0003.jpg"}));
            for (const QString& p : photos) {
                const cv::Mat img = cv::imread((dir + "/photos/" + c + "/" + p).toStdString(), cv::IMREAD_UNCHANGED);
                QCOMPARE(img.type(), CV_8UC3);
                QCOMPARE(img.rows, 224);
                const QString maskPath = dir + "/masks/" + c + "/" + QFileInfo(p).completeBaseName() + ".png";
                const cv::Mat mask = cv::imread(maskPath.toStdString(), cv::IMREAD_UNCHANGED);
                QCOMPARE(mask.type(), CV_8UC1);
                QCOMPARE(mask.rows, 224);
                QCOMPARE(cv::countNonZero(mask) > 0, cls != "good");
            }
        }
        QVERIFY(QFileInfo::exists(dir + "/manifest.json"));
        QVERIFY(QDir(dir).entryList(QDir::Files).filter(".tmp").isEmpty());

        // The CSV: header, one row per photo, relative paths that exist, unique file names.
        const QList<QByteArray> lines = readFile(dir + "/metadata.csv").split('\n');
        QCOMPARE(lines.front().trimmed(), QByteArray("path,product,line,lot,date,inspector,notes,surface,defect,mask"));
        std::set<QString> names;
        int rows = 0;
        for (int i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            if (line.isEmpty()) continue;
            ++rows;
            const QList<QByteArray> f = line.split(',');
            QCOMPARE(f.size(), 10);
            QVERIFY(QFileInfo::exists(dir + "/" + f[0]));
            QVERIFY(QFileInfo::exists(dir + "/" + f[9]));
            names.insert(QFileInfo(QString(f[0])).fileName());
            for (int k : {1, 2, 3, 4, 5}) QVERIFY(!f[k].isEmpty());
            QVERIFY(QRegularExpression("^2026-\\d\\d-\\d\\d$").match(QString(f[4])).hasMatch());
            const QString cls = QString(f[0]).section('/', 1, 1);
            QCOMPARE(QString(f[8]), cls == "good" ? QString() : cls);
        }
        QCOMPARE(rows, 21);
        QCOMPARE(int(names.size()), 21);

        // The library imports it: every row matches its photo by file name.
        auto lib = Library::open((tmp.path() + "/lib.db").toStdString());
        QVERIFY(lib);
        QDirIterator it(dir + "/photos", {"*.jpg"}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            ImageRecord rec;
            rec.path = it.next().toStdString();
            rec.contentHash = std::string(64, 'a');
            QVERIFY(lib->upsertImage(rec));
        }
        auto report = lib->importMetadataCsv(r->metadataCsv);
        QVERIFY2(report, report ? "" : report.error().message.c_str());
        QCOMPARE(report->rows, int64_t(21));
        QCOMPARE(report->matched, int64_t(21));
        auto images = lib->listImages();
        QVERIFY(images);
        for (const auto& img : *images) {
            QVERIFY(!img.product.empty() && !img.lot.empty() && !img.date.empty() && !img.inspector.empty());
            QVERIFY(img.extraJson.find("\"surface\"") != std::string::npos);
        }
    }

    void sameSeedSameBytes() {
        QTemporaryDir a, b, c;
        QVERIFY(generateDemoDataset(a.path().toStdString(), options(2, 9)));
        QVERIFY(generateDemoDataset(b.path().toStdString(), options(2, 9)));
        QVERIFY(generateDemoDataset(c.path().toStdString(), options(2, 10)));
        const auto ta = tree(a.path()), tb = tree(b.path()), tc = tree(c.path());
        QCOMPARE(int(ta.size()), 2 * 7 * 2 + 2);
        QVERIFY(ta == tb);
        QVERIFY(ta.at("photos/crack/crack-0001.jpg") != tc.at("photos/crack/crack-0001.jpg"));
    }

    void secondRunReuses() {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        QVERIFY(generateDemoDataset(dir, options(2, 3)));
        const auto before = tree(tmp.path());
        const QDateTime stamp = QFileInfo(tmp.path() + "/photos/pit/pit-0001.jpg").lastModified();

        auto again = generateDemoDataset(dir, options(2, 3));
        QVERIFY(again);
        QVERIFY(again->reused);
        QCOMPARE(again->written, int64_t(0));
        QCOMPARE(QFileInfo(tmp.path() + "/photos/pit/pit-0001.jpg").lastModified(), stamp);

        // A missing photo is put back, and only that one.
        QVERIFY(QFile::remove(tmp.path() + "/photos/dent/dent-0002.jpg"));
        auto repaired = generateDemoDataset(dir, options(2, 3));
        QVERIFY(repaired);
        QVERIFY(!repaired->reused);
        QCOMPARE(repaired->written, int64_t(1));
        QVERIFY(tree(tmp.path()) == before);

        // Other options replace the set; nothing of the old one is left.
        auto other = generateDemoDataset(dir, options(1, 3));
        QVERIFY(other);
        QCOMPARE(other->written, int64_t(7));
        QVERIFY(!QFileInfo::exists(tmp.path() + "/photos/pit/pit-0002.jpg"));
        QCOMPARE(int(tree(tmp.path()).size()), 7 * 2 + 2);
        QVERIFY(readFile(tmp.path() + "/manifest.json").contains("\"per_class\": 1"));
    }

    void cancelThenFinish() {
        QTemporaryDir tmp;
        CancelToken cancel;
        DemoOptions o = options(2, 11);
        o.job.cancel = cancel;
        o.job.progress = Progress(
            [&](const ProgressUpdate& u) {
                if (u.done == 5) cancel.cancel();
            },
            std::chrono::milliseconds(0));
        auto r = generateDemoDataset(tmp.path().toStdString(), o);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Cancelled);
        QVERIFY(readFile(tmp.path() + "/manifest.json").contains("\"complete\": false"));
        // Cancelling stops within a batch of photos rendered in parallel: some, not all, are there.
        int present = 0;
        QDirIterator photos(tmp.path() + "/photos", {"*.jpg"}, QDir::Files, QDirIterator::Subdirectories);
        while (photos.hasNext()) present += photos.next().isEmpty() ? 0 : 1;
        QVERIFY(present >= 5 && present < 14);
        o.job = JobControl{};
        auto done = generateDemoDataset(tmp.path().toStdString(), o);
        QVERIFY(done);
        QCOMPARE(done->written, int64_t(14 - present));
        QVERIFY(readFile(tmp.path() + "/manifest.json").contains("\"complete\": true"));
        QTemporaryDir fresh;
        QVERIFY(generateDemoDataset(fresh.path().toStdString(), options(2, 11)));
        QVERIFY(tree(tmp.path()) == tree(fresh.path()));
    }

    void badOutputFolders() {
        QTemporaryDir tmp;
        // A file in the way.
        const QString file = tmp.path() + "/file";
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("x");
        }
        auto r = generateDemoDataset(file.toStdString(), options(1, 1));
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY(QString::fromStdString(r.error().message).contains("is not a folder"));
        QVERIFY(QString::fromStdString(r.error().message).contains(file));

        r = generateDemoDataset((file + "/below").toStdString(), options(1, 1));
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Io);
        QVERIFY(QString::fromStdString(r.error().message).contains(file + "/below"));

        // A folder of other things is never written into.
        QVERIFY(QDir(tmp.path()).mkdir("mine"));
        QFile keep(tmp.path() + "/mine/notes.txt");
        QVERIFY(keep.open(QIODevice::WriteOnly));
        keep.write("mine");
        keep.close();
        r = generateDemoDataset((tmp.path() + "/mine").toStdString(), options(1, 1));
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY(QString::fromStdString(r.error().message).contains("not empty"));
        QCOMPARE(int(tree(tmp.path() + "/mine").size()), 1);

        // A photos/ entry that is a file inside a demo folder.
        QVERIFY(generateDemoDataset((tmp.path() + "/d").toStdString(), options(1, 1)));
        QVERIFY(QDir(tmp.path() + "/d/photos").removeRecursively());
        QFile blocker(tmp.path() + "/d/photos");
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        r = generateDemoDataset((tmp.path() + "/d").toStdString(), options(1, 1));
        QVERIFY(!r);
        QVERIFY(QString::fromStdString(r.error().message).contains(tmp.path() + "/d/photos"));

        QVERIFY(!generateDemoDataset((tmp.path() + "/x").toStdString(), options(0, 1)));
        QVERIFY(!generateDemoDataset("", options(1, 1)));
    }

    // A folder the user may not write is refused with an Io error naming the path. Root ignores
    // permissions, so as root (CI) the generation runs in a child that drops to "nobody" (uid and
    // gid 65534, no supplementary groups), as tst_safetensors and tst_cli_library do.
    void readOnlyFolder() {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString ro = makeReadOnlyFolder(tmp.path(), "ro");
        QVERIFY(!ro.isEmpty());
        const std::string target = (ro + "/demo").toStdString();
        bool ok = true;
        ErrorCode code = ErrorCode::Ok;
        QString message;
        if (::geteuid() != 0) {
            auto r = generateDemoDataset(target, options(1, 1));
            ok = bool(r);
            if (!ok) {
                code = r.error().code;
                message = QString::fromStdString(r.error().message);
            }
        } else {
            // The child reports "<ok> <code> <message>" through a pipe.
            const testsupport::ForkedChild child = testsupport::forkWithPipe([&](int fd) {
                std::string report = "dropped";
                if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) {
                    report = "cannot drop root privileges";
                } else if (::geteuid() == 0) {
                    report = "still root";
                } else {
                    auto r = generateDemoDataset(target, options(1, 1));
                    report = r ? std::string("1 0 ") : "0 " + std::to_string(int(r.error().code)) + " " + r.error().message;
                }
                const ssize_t written = ::write(fd, report.data(), report.size());
                _exit(written == ssize_t(report.size()) ? 0 : 1);
            });
            QVERIFY(child.pid > 0);
            QByteArray report;
            char buffer[512];
            for (ssize_t n; (n = ::read(child.readFd, buffer, sizeof buffer)) > 0;) report.append(buffer, int(n));
            ::close(child.readFd);
            int status = 0;
            QCOMPARE(::waitpid(child.pid, &status, 0), child.pid);
            QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
            const QList<QByteArray> parts = report.split(' ');
            QVERIFY2(parts.size() >= 2 && (parts[0] == "0" || parts[0] == "1"),
                     qPrintable("the unprivileged child did not run the generation: " + QString::fromUtf8(report)));
            ok = parts[0] == "1";
            code = ErrorCode(parts[1].toInt());
            message = QString::fromUtf8(report.mid(parts[0].size() + parts[1].size() + 2));
        }
        QFile::setPermissions(ro, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QVERIFY2(!ok, "the demo was written into a read-only folder");
        QVERIFY2(code == ErrorCode::Io, qPrintable(QString::number(int(code)) + ": " + message));
        QVERIFY2(message.contains(ro + "/demo"), qPrintable(message));
        QVERIFY(!QFileInfo::exists(ro + "/demo"));
    }
};

QTEST_GUILESS_MAIN(TestDemo)
#include "tst_demo.moc"
