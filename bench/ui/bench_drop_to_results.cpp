// Drop-to-results latency of the Search page, and the longest stall of the GUI thread while
// it searches.
//
//   bench_drop_to_results [--library FILE] [--photos N] [--drops D] [--model SPEC] [--threads T]
//
// The library (default bench-drop-100k.dclib in the current folder) is built once and reused:
// a few NEU photos are indexed with the model (which registers it exactly as the application
// does), then synthetic photos are added up to N (default 100,000), each with an embedding
// made from a real one plus Gaussian noise, so the rows cluster like real defect photos. The
// synthetic rows name files that do not exist: their tiles show "Photo not available", which
// costs the GUI thread the same as a failed decode.
//
// Measured on a shown SearchPage (offscreen unless a display is set): the time from sending a
// QDropEvent to the page's queryFinished signal (results in the model), for the first drop
// after the workspace opened (cold: the index is built from the library) and for D further
// drops (warm), p50 / p95; and the largest gap between the ticks of a 10 ms QTimer on the GUI
// thread during each phase.

#include <QApplication>
#include <QDir>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QMimeData>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "SearchPage.h"
#include "SearchResultsModel.h"
#include "diffclip/indexing/Workspace.h"
#include "diffclip/library/Library.h"

namespace {

struct Args {
    std::string library = "bench-drop-100k.dclib";
    std::string model = "preset:diffclip-vit-b16";
    int64_t photos = 100000;
    int drops = 10;
    int threads = 0;
};

[[noreturn]] void usage() {
    std::fprintf(stderr,
                 "usage: bench_drop_to_results [--library FILE] [--photos N] [--drops D] [--model SPEC] [--threads T]\n");
    std::exit(2);
}

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        if (i + 1 >= argc) usage();
        const char* v = argv[++i];
        if (k == "--library")
            a.library = v;
        else if (k == "--model")
            a.model = v;
        else if (k == "--photos")
            a.photos = std::atoll(v);
        else if (k == "--drops")
            a.drops = std::atoi(v);
        else if (k == "--threads")
            a.threads = std::atoi(v);
        else
            usage();
    }
    if (a.photos < 20 || a.drops < 1) usage();
    return a;
}

double seconds(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

[[noreturn]] void fail(const std::string& what, const diffclip::Error& e) {
    std::fprintf(stderr, "bench_drop_to_results: %s: %s\n", what.c_str(), e.describe().c_str());
    std::exit(1);
}

std::string hexId(int64_t i) {
    char buf[65];
    std::snprintf(buf, sizeof buf, "%064llx", static_cast<unsigned long long>(i) * 0x9E3779B97F4A7C15ull);
    return buf;
}

/// Photos of the NEU set to index and to drop: the first `count` of each class, in order.
std::vector<std::string> neuPhotos(int perClass, int skip) {
    std::vector<std::string> out;
    const QDir root(QStringLiteral(DIFFCLIP_SHARED_DIR "/data/neu-cls"));
    for (const QString& cls : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QDir d(root.filePath(cls));
        const QStringList files = d.entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name);
        for (int i = skip; i < std::min<int>(int(files.size()), skip + perClass); ++i)
            out.push_back(d.filePath(files[i]).toStdString());
    }
    return out;
}

/// Makes sure the library holds `photos` photos embedded by the workspace's model.
void prepare(diffclip::Workspace& ws, const Args& args) {
    const auto t0 = std::chrono::steady_clock::now();
    diffclip::IndexOptions io;
    io.labelsFromFolders = true;
    const std::vector<std::string> seeds = neuPhotos(4, 0);  // 4 of each of the 6 classes
    auto indexed = ws.index(seeds, io);
    if (!indexed) fail("indexing the seed photos", indexed.error());
    const int64_t modelId = ws.modelId();
    auto lib = diffclip::Library::open(ws.libraryPath());
    if (!lib) fail("opening the library", lib.error());
    auto existing = lib->loadEmbeddings(modelId);
    if (!existing) fail("reading embeddings", existing.error());
    const int64_t have = int64_t(existing->rows());
    if (have >= args.photos) {
        std::printf("library: %s (reused, %lld photos embedded by this model)\n", ws.libraryPath().c_str(),
                    static_cast<long long>(have));
        return;
    }
    const int dim = existing->dim;
    // Seed vectors: the real photos' embeddings, L2-normalised.
    std::vector<std::vector<float>> centres;
    for (size_t r = 0; r < existing->rows() && centres.size() < seeds.size(); ++r) {
        std::vector<float> v(existing->row(r), existing->row(r) + dim);
        double n = 0;
        for (float x : v) n += double(x) * x;
        for (float& x : v) x = float(x / std::sqrt(n));
        centres.push_back(std::move(v));
    }
    const char* labels[] = {"crazing", "inclusion", "patches", "pitted_surface", "rolled-in_scale", "scratches"};
    const char* lines[] = {"L1", "L2", "L3"};
    std::mt19937_64 rng(42);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    std::uniform_int_distribution<size_t> pick(0, centres.size() - 1);
    std::vector<float> v(static_cast<size_t>(dim));
    const int64_t batch = 5000;
    for (int64_t i = have; i < args.photos;) {
        auto tx = lib->begin();
        if (!tx) fail("starting a batch", tx.error());
        for (int64_t end = std::min(args.photos, i + batch); i < end; ++i) {
            const std::vector<float>& c = centres[pick(rng)];
            // Spread around the centre: cosine to it about 0.8 (noise norm ~0.75 of the unit centre).
            const float sigma = 0.75f / std::sqrt(float(dim));
            double n = 0;
            for (int d = 0; d < dim; ++d) {
                v[size_t(d)] = c[size_t(d)] + sigma * noise(rng);
                n += double(v[size_t(d)]) * v[size_t(d)];
            }
            for (float& x : v) x = float(x / std::sqrt(n));
            diffclip::ImageRecord rec;
            char path[96];
            std::snprintf(path, sizeof path, "/synthetic/neu/%07lld.jpg", static_cast<long long>(i));
            rec.path = path;
            rec.contentHash = hexId(i + 1);
            rec.size = 40000;
            rec.mtimeNs = 1700000000000000000LL + i;
            rec.width = 200;
            rec.height = 200;
            rec.line = lines[i % 3];
            rec.product = "plate";
            char date[16];
            std::snprintf(date, sizeof date, "2024-%02d-%02d", int(1 + i % 12), int(1 + i % 28));
            rec.date = date;
            auto id = lib->upsertImage(rec);
            if (!id) fail("adding a synthetic photo", id.error());
            if (auto s = lib->putEmbedding(*id, modelId, v.data(), dim); !s) fail("storing an embedding", s.error());
            if (auto s = lib->setLabel(*id, labels[i % 6], diffclip::LabelSource::Folder); !s)
                fail("storing a label", s.error());
        }
        if (auto s = tx->commit(); !s) fail("committing a batch", s.error());
        std::printf("\rpreparing: %lld / %lld photos", static_cast<long long>(i), static_cast<long long>(args.photos));
        std::fflush(stdout);
    }
    std::printf("\nlibrary: %s (built in %.1f s)\n", ws.libraryPath().c_str(), seconds(t0));
}

/// Largest gap between the ticks of a 10 ms timer on the GUI thread.
class StallMeter {
public:
    StallMeter() {
        m_timer.setInterval(10);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_max = std::max(m_max, now - m_last);
            m_last = now;
        });
    }
    void start() {
        m_clock.start();
        m_last = 0;
        m_max = 0;
        m_timer.start();
    }
    /// Milliseconds; the gap up to now counts too.
    double stop() {
        m_max = std::max(m_max, m_clock.nsecsElapsed() - m_last);
        m_timer.stop();
        return double(m_max) / 1e6;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_max = 0;
};

struct DropTiming {
    double ms = 0;
    double coreSeconds = 0;
    bool ok = false;
};

DropTiming dropAndWait(diffclip::ui::SearchPage& page, const QString& path) {
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    QEventLoop loop;
    DropTiming t;
    auto conn = QObject::connect(&page, &diffclip::ui::SearchPage::queryFinished, &loop, [&](int, bool ok) {
        t.ok = ok;
        loop.quit();
    });
    // A search that never answers is a failure to report, not a hang.
    QTimer::singleShot(std::chrono::minutes(5), &loop, [&] {
        t.ok = false;
        loop.quit();
    });
    QElapsedTimer clock;
    clock.start();
    // As a window system delivers a drop: enter, then drop.
    QDragEnterEvent enter(QPoint(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&page, &enter);
    QDropEvent ev(QPointF(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&page, &ev);
    if (!ev.isAccepted()) {
        std::fprintf(stderr, "bench_drop_to_results: the page refused the drop of %s\n", qPrintable(path));
        return t;
    }
    loop.exec();
    t.ms = double(clock.nsecsElapsed()) / 1e6;
    QObject::disconnect(conn);
    t.coreSeconds = page.resultsModel()->result().seconds;
    return t;
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const double pos = p * double(v.size() - 1);
    const size_t lo = size_t(std::floor(pos));
    const size_t hi = std::min(v.size() - 1, lo + 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - double(lo));
}

}  // namespace

int main(int argc, char** argv) {
    const Args args = parse(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress lines appear as they happen, also in a log
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);

    diffclip::WorkspaceOptions wo;
    wo.device = "cpu";
    wo.threads = args.threads;
    const std::string libPath = QFileInfo(QString::fromStdString(args.library)).absoluteFilePath().toStdString();
    {
        const auto t0 = std::chrono::steady_clock::now();
        auto ws = diffclip::Workspace::open(libPath, args.model, wo);
        if (!ws) fail("opening the workspace", ws.error());
        std::printf("model %s loaded in %.1f s\n", args.model.c_str(), seconds(t0));
        prepare(**ws, args);
    }

    // A fresh workspace, so that the first drop is the cold one.
    const auto t0 = std::chrono::steady_clock::now();
    auto opened = diffclip::Workspace::open(libPath, args.model, wo);
    if (!opened) fail("opening the workspace", opened.error());
    const double openSeconds = seconds(t0);
    std::shared_ptr<diffclip::Workspace> ws(std::move(opened).value());

    diffclip::ui::SearchPage page(nullptr);
    page.resize(1400, 900);
    page.setWorkspace(ws);
    page.show();
    QApplication::processEvents();

    // Query photos: NEU photos that were not indexed (the library holds the first 4 per class).
    const std::vector<std::string> queries = neuPhotos(4, 10);
    StallMeter stall;

    stall.start();
    const DropTiming cold = dropAndWait(page, QString::fromStdString(queries[0]));
    // Let the thumbnails of the first answer arrive, as a user would see them.
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 500) QApplication::processEvents(QEventLoop::AllEvents, 20);
    const double coldStall = stall.stop();
    if (!cold.ok) {
        std::fprintf(stderr, "bench_drop_to_results: the cold search failed: %s\n",
                     page.errorBanner() ? "see the page's error banner" : "");
        return 1;
    }
    const int64_t searched = page.resultsModel()->result().searched;

    std::vector<double> warm;
    std::vector<double> core;
    stall.start();
    for (int i = 0; i < args.drops; ++i) {
        const DropTiming t = dropAndWait(page, QString::fromStdString(queries[size_t(1 + i) % queries.size()]));
        if (!t.ok) {
            std::fprintf(stderr, "bench_drop_to_results: a warm search failed\n");
            return 1;
        }
        warm.push_back(t.ms);
        core.push_back(t.coreSeconds * 1000.0);
    }
    const double warmStall = stall.stop();

    std::printf("\nSearch page, drop to results (%s, %lld photos searched, top-%d, index %s)\n", args.model.c_str(),
                static_cast<long long>(searched), 12, diffclip::indexKindName(ws->lastIndexKind()));
    std::printf("  workspace open (model load):   %8.1f ms\n", openSeconds * 1000.0);
    std::printf("  cold drop (first search):      %8.1f ms   (core search %.1f ms)\n", cold.ms,
                cold.coreSeconds * 1000.0);
    std::printf("  warm drops (n=%d):  p50 %8.1f ms   p95 %8.1f ms   (core search p50 %.1f ms)\n", args.drops,
                percentile(warm, 0.5), percentile(warm, 0.95), percentile(core, 0.5));
    std::printf("  longest GUI-thread stall:  cold phase %.1f ms, warm phase %.1f ms (10 ms timer)\n", coldStall,
                warmStall);
    return 0;
}
