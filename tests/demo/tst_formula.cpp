// Formula-driven pretraining images: deterministic classes and images, the filling-rate filter,
// instances that resemble their own class more than others, and the resumable folder tree.
#include <QtTest>

#include <set>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <atomic>
#include <cmath>
#include <map>
#include <tuple>

#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "diffclip/demo/FormulaImages.h"
#include "diffclip/formats/Json.h"

#include "../support/TestSupport.h"
#include "DemoTestFiles.h"

using namespace diffclip;
using namespace diffclip::demo;
using namespace diffclip::demotest;

namespace {

constexpr double kPiForTest = 3.14159265358979323846;

bool sameClass(const FormulaClass& a, const FormulaClass& b) {
    if (a.index != b.index || a.kind != b.kind || a.seed != b.seed || a.fill != b.fill ||
        a.maps.size() != b.maps.size() || a.vertices != b.vertices || a.rings != b.rings ||
        a.innerRadius != b.innerRadius || a.ringGap != b.ringGap || a.harmonics != b.harmonics ||
        a.amplitudes != b.amplitudes || a.phases != b.phases || a.noise != b.noise || a.thickness != b.thickness)
        return false;
    for (size_t i = 0; i < a.maps.size(); ++i) {
        const AffineMap &p = a.maps[i], &q = b.maps[i];
        if (p.a != q.a || p.b != q.b || p.c != q.c || p.d != q.d || p.e != q.e || p.f != q.f || p.p != q.p) return false;
    }
    return true;
}

/// A descriptor that rotation, mirroring, contrast polarity, shift and scale leave alone, so
/// that it measures the class's shape: the shape's pixels (Otsu on the distance from the
/// background's median grey) as a radial mass profile around their centroid, radii in units of
/// the shape's RMS radius (0..2.5 in 10 bins), plus the share of the bounding circle it fills.
std::vector<double> shapeDescriptor(const cv::Mat& bgr) {
    cv::Mat grey, smooth;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    cv::GaussianBlur(grey, smooth, cv::Size(), 1.0);
    cv::Mat sorted = smooth.reshape(1, 1).clone();
    cv::sort(sorted, sorted, cv::SORT_ASCENDING);
    const int median = sorted.at<uchar>(0, sorted.cols / 2);
    cv::Mat dist, mask;
    cv::absdiff(smooth, cv::Scalar(median), dist);
    cv::threshold(dist, mask, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    const cv::Moments m = cv::moments(mask, true);
    std::vector<double> d(11, 0.0);
    if (m.m00 < 1) return d;
    const double cx = m.m10 / m.m00, cy = m.m01 / m.m00;
    const double rms = std::sqrt((m.mu20 + m.mu02) / m.m00);
    double rmax = 0;
    for (int y = 0; y < mask.rows; ++y)
        for (int x = 0; x < mask.cols; ++x)
            if (mask.at<uchar>(y, x)) {
                const double r = std::hypot(x - cx, y - cy) / rms;
                rmax = std::max(rmax, r);
                d[size_t(std::min(9, int(r / 0.25)))] += 1.0 / m.m00;
            }
    d[10] = m.m00 / (kPiForTest * rmax * rmax * rms * rms);
    return d;
}

double distance(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
    return std::sqrt(s);
}

/// Runs writeFormulaTree; as root (CI, which ignores permissions) in a child that drops to
/// "nobody" (uid and gid 65534, no supplementary groups), as tst_demo does. The error's code and
/// message, or code Ok.
std::pair<ErrorCode, QString> writeUnprivileged(const std::string& root) {
    if (::geteuid() != 0) {
        const Status s = writeFormulaTree(root, 2, 1, 32, 1, JobControl());
        return s ? std::make_pair(ErrorCode::Ok, QString())
                 : std::make_pair(s.error().code, QString::fromStdString(s.error().message));
    }
    const testsupport::ForkedChild child = testsupport::forkWithPipe([&](int fd) {
        std::string report;
        if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0 || ::geteuid() == 0) {
            report = "-1 cannot drop root privileges";
        } else {
            const Status s = writeFormulaTree(root, 2, 1, 32, 1, JobControl());
            report = s ? std::string("0 ") : std::to_string(int(s.error().code)) + " " + s.error().message;
        }
        const ssize_t written = ::write(fd, report.data(), report.size());
        _exit(written == ssize_t(report.size()) ? 0 : 1);
    });
    if (child.pid <= 0) return {ErrorCode::Internal, QStringLiteral("fork failed")};
    QByteArray report;
    char buffer[512];
    for (ssize_t n; (n = ::read(child.readFd, buffer, sizeof buffer)) > 0;) report.append(buffer, int(n));
    ::close(child.readFd);
    int status = 0;
    ::waitpid(child.pid, &status, 0);
    const int space = report.indexOf(' ');
    const int code = report.left(space).toInt();
    if (code < 0) return {ErrorCode::Internal, QString::fromUtf8(report)};
    return {ErrorCode(code), QString::fromUtf8(report.mid(space + 1))};
}

}  // namespace

class TestFormula : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Every class below 4096 has its own prompt; the first ones as worked out by hand.
    void promptsAreDistinct() {
        std::set<std::string> seen;
        for (int c = 0; c < 4096; ++c) QVERIFY2(seen.insert(formulaClassPrompt(c)).second, formulaClassPrompt(c).c_str());
        QCOMPARE(formulaClassPrompt(0), std::string("a formula image: apple cloud."));    // words 0 and 3
        QCOMPARE(formulaClassPrompt(1), std::string("a formula image: river forest."));   // words 1 and 8
        QCOMPARE(formulaClassPrompt(64), std::string("a formula image: apple island."));  // words 0 and 20
    }

    void classesAreDeterministic() {
        const auto a = makeFormulaClasses(24, 5), b = makeFormulaClasses(24, 5);
        QCOMPARE(int(a.size()), 24);
        for (size_t i = 0; i < a.size(); ++i) QVERIFY2(sameClass(a[i], b[i]), qPrintable(QString::number(i)));
        // Class i does not depend on how many are asked for.
        const auto prefix = makeFormulaClasses(7, 5);
        for (size_t i = 0; i < prefix.size(); ++i) QVERIFY(sameClass(prefix[i], a[i]));
        // Another seed, other classes.
        const auto other = makeFormulaClasses(24, 6);
        int differ = 0;
        for (size_t i = 0; i < a.size(); ++i) differ += !sameClass(a[i], other[i]);
        QCOMPARE(differ, 24);
        QVERIFY(makeFormulaClasses(0, 5).empty());

        // Half of each kind, with the documented shapes.
        int fractals = 0;
        for (const auto& c : a) {
            QCOMPARE(c.kind, c.index % 2 == 0 ? FormulaKind::Fractal : FormulaKind::Contour);
            if (c.kind == FormulaKind::Fractal) {
                ++fractals;
                QVERIFY(c.maps.size() >= 2 && c.maps.size() <= 4);
                double sum = 0;
                for (const auto& m : c.maps) {
                    QVERIFY(std::fabs(m.a * m.d - m.b * m.c) >= 0.02);
                    QVERIFY(m.p > 0);
                    sum += m.p;
                }
                QVERIFY(std::fabs(sum - 1) < 1e-12);
            } else {
                QVERIFY(c.vertices >= 3 && c.vertices <= 16);
                QVERIFY(c.rings >= 2 && c.rings <= 6);
                QVERIFY(c.thickness == 1 || c.thickness == 2);
                QVERIFY(!c.harmonics.empty() && c.harmonics.size() <= 3);
            }
        }
        QCOMPARE(fractals, 12);
    }

    // The filling-rate filter: every class, recomputed, lies in its kind's documented range.
    void fillRatesInRange() {
        for (const auto& c : makeFormulaClasses(60, 11)) {
            const double fill = formulaFillRate(c);
            QCOMPARE(fill, c.fill);
            const bool fractal = c.kind == FormulaKind::Fractal;
            const double lo = fractal ? kMinFractalFill : kMinContourFill;
            const double hi = fractal ? kMaxFractalFill : kMaxContourFill;
            QVERIFY2(fill >= lo && fill <= hi, qPrintable(QStringLiteral("class %1: %2").arg(c.index).arg(fill)));
        }
    }

    void imagesAreDeterministic() {
        const auto classes = makeFormulaClasses(6, 3);
        for (const auto& c : classes) {
            const cv::Mat a = renderFormulaImage(c, 2, 96, 9), b = renderFormulaImage(c, 2, 96, 9);
            QCOMPARE(a.type(), CV_8UC3);
            QCOMPARE(a.rows, 96);
            QCOMPARE(a.cols, 96);
            QVERIFY(sameMat(a, b));
            QVERIFY(!sameMat(a, renderFormulaImage(c, 2, 96, 10)));  // another data-set seed
            QVERIFY(!sameMat(a, renderFormulaImage(c, 3, 96, 9)));   // another instance
            // Grey: three equal channels; and something drawn, not a flat field.
            std::vector<cv::Mat> ch;
            cv::split(a, ch);
            QVERIFY(sameMat(ch[0], ch[1]) && sameMat(ch[1], ch[2]));
            cv::Scalar mean, dev;
            cv::meanStdDev(ch[0], mean, dev);
            QVERIFY2(dev[0] > 8, qPrintable(QStringLiteral("class %1: stddev %2").arg(c.index).arg(dev[0])));
        }
        QVERIFY(renderFormulaImage(classes[0], 0, 31, 1).empty());
        QVERIFY(renderFormulaImage(classes[1], 0, 1025, 1).empty());
        QVERIFY(renderFormulaImage(classes[0], -1, 64, 1).empty());
        QCOMPARE(renderFormulaImage(classes[1], 0, 32, 1).rows, 32);
    }

    // Instances keep their class: on average, an image's shape descriptor is nearer to other
    // images of its class than to images of other classes, by a clear factor. Measured with
    // generator version 2 over these 10 classes: within 0.079, between 0.185 (ratio 0.43);
    // grouped by instance, 0.184 and 0.174 (1.06).
    // Control: grouped by instance number instead (one image of each class per group), the
    // same statistic must fail the bound, or the check would pass whatever the images were.
    void instancesResembleTheirClass() {
        constexpr int kClasses = 10, kInstances = 6;
        const auto classes = makeFormulaClasses(kClasses, 21);
        std::vector<std::vector<double>> d;  // class c, instance i at c * kInstances + i
        for (int c = 0; c < kClasses; ++c)
            for (int i = 0; i < kInstances; ++i)
                d.push_back(shapeDescriptor(renderFormulaImage(classes[size_t(c)], i, 128, 4)));
        const auto ratio = [&](auto group) {
            double within = 0, between = 0;
            int nw = 0, nb = 0;
            for (size_t a = 0; a < d.size(); ++a)
                for (size_t b = a + 1; b < d.size(); ++b) {
                    const double dist = distance(d[a], d[b]);
                    if (group(a) == group(b)) {
                        within += dist;
                        ++nw;
                    } else {
                        between += dist;
                        ++nb;
                    }
                }
            qInfo("mean descriptor distance within a group %.3f, between groups %.3f", within / nw, between / nb);
            return (within / nw) / (between / nb);
        };
        const double byClass = ratio([](size_t k) { return k / kInstances; });
        QVERIFY2(byClass < 0.6, qPrintable(QString::number(byClass)));
        const double byInstance = ratio([](size_t k) { return k % kInstances; });
        QVERIFY2(byInstance > 0.8, qPrintable(QString::number(byInstance)));
    }

    void treeIsWrittenResumedAndReused() {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString root = tmp.path() + "/formula";
        std::vector<ProgressUpdate> updates;
        JobControl job;
        job.progress = Progress([&](const ProgressUpdate& u) { updates.push_back(u); }, std::chrono::milliseconds(0));
        const Status s = writeFormulaTree(root.toStdString(), 4, 3, 48, 3, job, 2);
        QVERIFY2(s, s.ok() ? "" : s.error().message.c_str());
        QVERIFY(!updates.empty());
        QCOMPARE(QString::fromStdString(updates.back().stage), QStringLiteral("generate"));
        QCOMPARE(updates.back().total, int64_t(12));
        QCOMPARE(updates.back().done, int64_t(12));

        const auto files = tree(root);
        QCOMPARE(int(files.size()), 4 * 3 + 4 + 1);  // images, prompts, manifest
        const auto classes = makeFormulaClasses(4, 3);
        for (int c = 0; c < 4; ++c) {
            const QString folder = QStringLiteral("formula-%1/").arg(c, 3, 10, QLatin1Char('0'));
            QCOMPARE(files.at(folder + "prompt.txt"), QByteArray::fromStdString(formulaClassPrompt(c) + "\n"));
            for (int i = 0; i < 3; ++i) {
                const QString name = folder + QStringLiteral("%1.png").arg(i, 4, 10, QLatin1Char('0'));
                QVERIFY2(files.count(name), qPrintable(name));
                const cv::Mat png = cv::imread((root + "/" + name).toStdString(), cv::IMREAD_COLOR);
                QVERIFY(sameMat(png, renderFormulaImage(classes[size_t(c)], i, 48, 3)));
            }
        }
        auto manifest = parseJson(files.at("manifest.json").toStdString());
        QVERIFY(manifest);
        QCOMPARE((*manifest)["generator"].get<std::string>(), std::string("diffclip-formula"));
        QCOMPARE((*manifest)["version"].get<int>(), kFormulaGeneratorVersion);
        QCOMPARE((*manifest)["seed"].get<std::string>(), std::string("3"));
        QCOMPARE((*manifest)["classes"].get<int>(), 4);
        QCOMPARE((*manifest)["per_class"].get<int>(), 3);
        QCOMPARE((*manifest)["size"].get<int>(), 48);
        QCOMPARE((*manifest)["fractal_classes"].get<int>(), 2);
        QCOMPARE((*manifest)["contour_classes"].get<int>(), 2);

        // Again: nothing changes, nothing is rewritten (the threads do not matter).
        const QDateTime before = QFileInfo(root + "/formula-001/0002.png").lastModified();
        QVERIFY(writeFormulaTree(root.toStdString(), 4, 3, 48, 3, JobControl(), 1));
        QVERIFY(tree(root) == files);
        QCOMPARE(QFileInfo(root + "/formula-001/0002.png").lastModified(), before);

        // One thread writes the same tree.
        const QString single = tmp.path() + "/single";
        QVERIFY(writeFormulaTree(single.toStdString(), 4, 3, 48, 3, JobControl(), 1));
        QVERIFY(tree(single) == files);

        // Resume: deleted images, a prompt, a half-written temporary and a stray one.
        QVERIFY(QFile::remove(root + "/formula-000/0001.png"));
        QVERIFY(QFile::remove(root + "/formula-003/0000.png"));
        QVERIFY(QFile::remove(root + "/formula-002/prompt.txt"));
        testsupport::writeFile(root + "/formula-000/0001.png.tmp", QByteArray("\x89PNG\r\n half", 11));
        testsupport::writeFile(root + "/formula-002/0002.png.tmp", QByteArray("stray"));
        updates.clear();
        QVERIFY(writeFormulaTree(root.toStdString(), 4, 3, 48, 3, job, 2));
        QVERIFY(tree(root) == files);
        QCOMPARE(updates.back().done, int64_t(12));
    }

    void otherParametersAreRefused() {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString root = tmp.path() + "/formula";
        QVERIFY(writeFormulaTree(root.toStdString(), 2, 2, 32, 1, JobControl()));
        const auto files = tree(root);
        struct Case {
            int classes, perClass, size;
            uint64_t seed;
        };
        for (const Case& c : {Case{3, 2, 32, 1}, Case{2, 3, 32, 1}, Case{2, 2, 40, 1}, Case{2, 2, 32, 2}}) {
            const Status s = writeFormulaTree(root.toStdString(), c.classes, c.perClass, c.size, c.seed, JobControl());
            QVERIFY(!s);
            QCOMPARE(s.error().code, ErrorCode::Mismatch);
            QVERIFY2(QString::fromStdString(s.error().message).contains(root), s.error().message.c_str());
        }
        // Another generator version.
        QByteArray manifest = files.at("manifest.json");
        manifest.replace(QByteArray("\"version\": ") + QByteArray::number(kFormulaGeneratorVersion),
                         QByteArray("\"version\": 99"));
        QVERIFY(manifest != files.at("manifest.json"));
        testsupport::writeFile(root + "/manifest.json", manifest);
        Status s = writeFormulaTree(root.toStdString(), 2, 2, 32, 1, JobControl());
        QVERIFY(!s);
        QCOMPARE(s.error().code, ErrorCode::Mismatch);
        testsupport::writeFile(root + "/manifest.json", files.at("manifest.json"));
        QVERIFY(tree(root) == files);

        // A folder with other files and no manifest is not ours to fill.
        const QString mine = tmp.path() + "/mine";
        QVERIFY(QDir(tmp.path()).mkdir("mine"));
        testsupport::writeFile(mine + "/holiday.jpg", QByteArray("jpeg"));
        s = writeFormulaTree(mine.toStdString(), 2, 2, 32, 1, JobControl());
        QVERIFY(!s);
        QCOMPARE(s.error().code, ErrorCode::Mismatch);
        QVERIFY(s.error().message.find(mine.toStdString()) != std::string::npos);
        QCOMPARE(int(tree(mine).size()), 1);

        // ... but a manifest write that was cut short (the only file) is ours: the run goes on.
        const QString cut = tmp.path() + "/cut";
        QVERIFY(QDir(tmp.path()).mkdir("cut"));
        testsupport::writeFile(cut + "/manifest.json.tmp", QByteArray("{\"gener"));
        QVERIFY(writeFormulaTree(cut.toStdString(), 2, 2, 32, 1, JobControl()));
        QVERIFY(tree(cut) == files);

        // Bad arguments.
        for (auto [classes, perClass, size] : {std::tuple{0, 1, 64}, {1000, 1, 64}, {1, 0, 64}, {1, 10000, 64},
                                               {1, 1, 31}, {1, 1, 1025}}) {
            s = writeFormulaTree((tmp.path() + "/bad").toStdString(), classes, perClass, size, 1, JobControl());
            QVERIFY(!s);
            QCOMPARE(s.error().code, ErrorCode::InvalidArgument);
        }
        QVERIFY(!QFileInfo::exists(tmp.path() + "/bad"));
    }

    void cancelKeepsWhatWasWritten() {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString root = tmp.path() + "/formula", reference = tmp.path() + "/reference";
        // Cancelled before the first image.
        JobControl job;
        job.cancel = CancelToken();
        job.cancel.cancel();
        Status s = writeFormulaTree(root.toStdString(), 3, 4, 32, 8, job);
        QVERIFY(!s);
        QCOMPARE(s.error().code, ErrorCode::Cancelled);
        QCOMPARE(QDir(root + "/formula-000").entryList({"*.png"}).size(), 0);

        // Cancelled from the progress callback after a few images, on one thread.
        JobControl mid;
        mid.cancel = CancelToken();
        const CancelToken token = mid.cancel;
        mid.progress = Progress(
            [token](const ProgressUpdate& u) {
                if (u.done >= 3) token.cancel();
            },
            std::chrono::milliseconds(0));
        s = writeFormulaTree(root.toStdString(), 3, 4, 32, 8, mid, 1);
        QVERIFY(!s);
        QCOMPARE(s.error().code, ErrorCode::Cancelled);
        int written = 0;
        for (int c = 0; c < 3; ++c)
            written += QDir(root + QStringLiteral("/formula-%1").arg(c, 3, 10, QLatin1Char('0'))).entryList({"*.png"}).size();
        QCOMPARE(written, 3);

        // Finished later, it is the tree an uninterrupted run writes.
        QVERIFY(writeFormulaTree(root.toStdString(), 3, 4, 32, 8, JobControl()));
        QVERIFY(writeFormulaTree(reference.toStdString(), 3, 4, 32, 8, JobControl()));
        QVERIFY(tree(root) == tree(reference));
    }

    void unwritableRoot() {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        // A file in the way, as the root and above it.
        const QString file = tmp.path() + "/file";
        testsupport::writeFile(file, QByteArray("x"));
        for (const QString& root : {file, file + "/below"}) {
            const Status s = writeFormulaTree(root.toStdString(), 2, 1, 32, 1, JobControl());
            QVERIFY(!s);
            QCOMPARE(s.error().code, ErrorCode::Io);
            QVERIFY2(QString::fromStdString(s.error().message).contains(file), s.error().message.c_str());
        }
        QCOMPARE(readFile(file), QByteArray("x"));

        // A read-only folder.
        const QString ro = makeReadOnlyFolder(tmp.path(), "ro");
        QVERIFY(!ro.isEmpty());
        const auto [code, message] = writeUnprivileged((ro + "/formula").toStdString());
        QFile::setPermissions(ro, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QVERIFY2(code == ErrorCode::Io, qPrintable(QString::number(int(code)) + ": " + message));
        QVERIFY2(message.contains(ro + "/formula"), qPrintable(message));
        QVERIFY(!QFileInfo::exists(ro + "/formula"));
    }
};

QTEST_GUILESS_MAIN(TestFormula)
#include "tst_formula.moc"
