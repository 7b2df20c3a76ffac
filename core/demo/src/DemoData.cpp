// The demo data set on disk: photos, masks, metadata CSV and the manifest that lets a second
// run with the same options reuse (or finish) what a first run wrote.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <thread>

#include <opencv2/imgcodecs.hpp>

#include "Files.h"
#include "Random.h"
#include "diffclip/base/EnumNames.h"
#include "diffclip/base/ThreadPool.h"
#include "diffclip/demo/DemoData.h"
#include "diffclip/formats/Csv.h"
#include "diffclip/formats/Json.h"

namespace diffclip::demo {

namespace fs = std::filesystem;

namespace {

constexpr const char* kGeneratorName = "diffclip-demo";
enum : uint64_t { kTagSurfaceChoice = 5, kTagMetadata = 6, kTagClass = 100 };

constexpr std::array<Surface, 5> kAllSurfaces = {Surface::BrushedMetal, Surface::CastMetal, Surface::PaintedPanel,
                                                 Surface::Fabric, Surface::Wood};

/// The surfaces a class is drawn on: each defect only where it occurs physically (no dents
/// in fabric), while every surface appears in several classes so it never gives the class away.
std::vector<Surface> surfacesOf(int classIndex) {
    using S = Surface;
    switch (classIndex) {
    case 1: return {S::BrushedMetal, S::CastMetal, S::PaintedPanel, S::Wood};   // scratch
    case 2: return {S::CastMetal, S::PaintedPanel, S::Wood};                    // crack
    case 3: return {S::BrushedMetal, S::CastMetal, S::PaintedPanel};            // pit
    case 4: return {kAllSurfaces.begin(), kAllSurfaces.end()};                  // stain
    case 5: return {S::BrushedMetal, S::CastMetal, S::PaintedPanel, S::Fabric}; // inclusion
    case 6: return {S::BrushedMetal, S::CastMetal, S::PaintedPanel};            // dent
    default: return {kAllSurfaces.begin(), kAllSurfaces.end()};                 // good
    }
}

/// The part a surface belongs to, and the lines that make it.
struct Product {
    const char* name;
    std::array<const char*, 2> lines;
};
Product productOf(Surface s) {
    switch (s) {
    case Surface::BrushedMetal: return {"HC-12 housing cover", {"Press 1", "Press 2"}};
    case Surface::CastMetal: return {"PC-7 pump casing", {"Foundry A", "Foundry B"}};
    case Surface::PaintedPanel: return {"DP-3 door panel", {"Paint line 1", "Paint line 2"}};
    case Surface::Fabric: return {"SC-5 seat cover", {"Sewing 1", "Sewing 2"}};
    case Surface::Wood: return {"TT-9 table top", {"Finishing 1", "Finishing 2"}};
    }
    return {"", {"", ""}};
}

constexpr std::array<const char*, 6> kInspectors = {"Sato", "Tanaka", "Suzuki", "Kim", "Weber", "Garcia"};
constexpr std::array<const char*, 4> kNotes = {"re-inspected", "rework requested", "customer return",
                                               "second shift"};

/// Days since 1970-01-01 to Y-M-D (proleptic Gregorian; H. Hinnant's civil_from_days).
std::string isoDate(int64_t days) {
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const int64_t doe = days - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const int64_t m = mp < 10 ? mp + 3 : mp - 9;
    const int64_t y = yoe + era * 400 + (m <= 2);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", int(y), int(m), int(d));
    return buf;
}

std::string photoName(const std::string& cls, int index) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "-%04d", index + 1);
    return cls + buf;
}

Status ensureFolder(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) return {};
    if (fs::exists(path, ec)) return makeError(ErrorCode::InvalidArgument, path.string() + " exists and is not a folder");
    fs::create_directories(path, ec);
    if (ec) return ioError("create folder", path, ec.message());
    return {};
}

struct Manifest {
    bool present = false;  // a demo manifest was found
    bool complete = false;
    int version = 0;
    std::string seed;
    int64_t perClass = 0;
    int64_t imageSize = 0;
};

Manifest readManifest(const fs::path& path) {
    Manifest m;
    std::ifstream f(path, std::ios::binary);
    if (!f) return m;
    const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto j = parseJson(text);
    const Json* gen = j ? jsonFind(*j, "generator") : nullptr;
    if (!gen || !gen->is_string() || gen->get_ref<const std::string&>() != kGeneratorName) return m;
    m.present = true;
    // A field of another type reads as absent: the manifest is ours, but may be damaged.
    const auto integer = [&](const char* key) {
        const Json* v = jsonFind(*j, key);
        return v && v->is_number_integer() ? v->get<int64_t>() : int64_t(0);
    };
    const Json* complete = jsonFind(*j, "complete");
    m.complete = complete && complete->is_boolean() && complete->get<bool>();
    m.version = int(integer("version"));
    const Json* seed = jsonFind(*j, "seed");
    m.seed = seed && seed->is_string() ? seed->get<std::string>() : std::string();
    m.perClass = integer("per_class");
    m.imageSize = integer("image_size");
    return m;
}

std::string manifestText(const DemoOptions& o, int64_t photos, bool complete) {
    Json j = Json::object();
    j["generator"] = kGeneratorName;
    j["version"] = int64_t(kDemoGeneratorVersion);
    j["seed"] = std::to_string(o.seed);  // text: a 64-bit seed does not survive a JSON double
    j["per_class"] = int64_t(o.perClass);
    j["image_size"] = int64_t(o.imageSize);
    Json classes = Json::array();
    for (const auto& c : demoClasses()) classes.push_back(c);
    j["classes"] = classes;
    j["photos"] = photos;
    j["complete"] = complete;
    return dumpJson(j, 2) + "\n";
}

struct Metadata {
    std::string product, line, lot, date, inspector, notes;
};

Metadata metadataOf(const SampleSpec& spec) {
    Rng rng(deriveSeed(spec.seed, kTagMetadata));
    const Product p = productOf(spec.surface);
    Metadata m;
    m.product = p.name;
    m.line = p.lines[size_t(rng.range(0, 1))];
    const int64_t day = 20575 + rng.range(0, 199);  // 2026-05-01 + up to 200 days
    m.date = isoDate(day);
    // A lot is a production day on a line: "L<line>-YYMMDD".
    m.lot = "L" + std::to_string(m.line == p.lines[0] ? 1 : 2) + "-" + m.date.substr(2, 2) + m.date.substr(5, 2) +
            m.date.substr(8, 2);
    m.inspector = kInspectors[size_t(rng.range(0, int(kInspectors.size()) - 1))];
    if (rng.chance(0.15)) m.notes = kNotes[size_t(rng.range(0, int(kNotes.size()) - 1))];
    return m;
}

struct Encoded {
    std::vector<uchar> jpeg, png;
};

Result<Encoded> encodeSample(SampleSpec spec) {
    auto sample = renderSample(spec);
    if (!sample) return sample.error();
    Encoded e;
    try {
        cv::imencode(".jpg", sample->image, e.jpeg, {cv::IMWRITE_JPEG_QUALITY, 92});
        cv::imencode(".png", sample->mask, e.png, {cv::IMWRITE_PNG_COMPRESSION, 9});
    } catch (const cv::Exception& ex) {
        return makeError(ErrorCode::Internal, std::string("encoding a demo photo failed: ") + ex.what());
    }
    return e;
}

}  // namespace

constexpr EnumName<Surface> kSurfaceNames[] = {
    {Surface::BrushedMetal, "brushed-metal"}, {Surface::CastMetal, "cast-metal"},
    {Surface::PaintedPanel, "painted-panel"}, {Surface::Fabric, "fabric"}, {Surface::Wood, "wood"}};
static_assert(namesEveryValue(kSurfaceNames, Surface::Wood));

constexpr EnumName<Defect> kDefectNames[] = {
    {Defect::Scratch, "scratch"}, {Defect::Crack, "crack"}, {Defect::Pit, "pit"}, {Defect::Stain, "stain"},
    {Defect::Inclusion, "inclusion"}, {Defect::Dent, "dent"}};
static_assert(namesEveryValue(kDefectNames, Defect::Dent));

const char* surfaceName(Surface surface) { return enumName(kSurfaceNames, surface, ""); }

const char* defectName(Defect defect) { return enumName(kDefectNames, defect, ""); }

const std::vector<std::string>& demoClasses() {
    static const std::vector<std::string> classes = {"good", "scratch", "crack", "pit", "stain", "inclusion", "dent"};
    return classes;
}

SampleSpec planSample(uint64_t datasetSeed, int classIndex, int index, int size) {
    SampleSpec spec;
    spec.seed = deriveSeed(deriveSeed(datasetSeed, kTagClass + uint64_t(classIndex)), uint64_t(index));
    spec.size = size;
    const std::vector<Surface> surfaces = surfacesOf(classIndex);
    Rng rng(deriveSeed(spec.seed, kTagSurfaceChoice));
    spec.surface = surfaces[size_t(rng.range(0, int(surfaces.size()) - 1))];
    if (classIndex >= 1 && classIndex <= 6) spec.defect = Defect(classIndex - 1);
    return spec;
}

Result<DemoSummary> generateDemoDataset(const std::string& dir, const DemoOptions& o) {
    if (dir.empty()) return makeError(ErrorCode::InvalidArgument, "no output folder given for the demo data set");
    if (o.perClass < 1 || o.perClass > 100000)
        return makeError(ErrorCode::InvalidArgument, "photos per class must be 1..100000");
    if (o.imageSize < 64 || o.imageSize > 2048)
        return makeError(ErrorCode::InvalidArgument, "demo image size must be 64..2048 pixels");

    const fs::path root(dir);
    DemoSummary summary;
    summary.root = dir;
    summary.photosDir = (root / "photos").string();
    summary.masksDir = (root / "masks").string();
    summary.metadataCsv = (root / "metadata.csv").string();
    summary.classes = demoClasses();
    const int classes = int(summary.classes.size());
    summary.photos = int64_t(classes) * o.perClass;
    const Progress& progress = o.job.progress;
    progress.stage("generate", summary.photos);

    std::error_code ec;
    if (fs::exists(root, ec) && !fs::is_directory(root, ec))
        return makeError(ErrorCode::InvalidArgument, dir + " exists and is not a folder");
    if (Status s = ensureFolder(root); !s) return s.error();

    const fs::path manifestPath = root / "manifest.json";
    const Manifest old = readManifest(manifestPath);
    if (!old.present) {
        // Never write into (or later delete from) a folder we did not make.
        const bool empty = fs::is_empty(root, ec);
        if (ec) return ioError("read folder", root, ec.message());
        if (!empty)
            return makeError(ErrorCode::InvalidArgument,
                             dir + " is not empty and holds no demo data set; choose a new or empty folder");
    }
    const bool sameOptions = old.present && old.version == kDemoGeneratorVersion && old.seed == std::to_string(o.seed) &&
                             old.perClass == o.perClass && old.imageSize == o.imageSize;
    if (old.present && !sameOptions) {
        for (const char* sub : {"photos", "masks"}) {
            fs::remove_all(root / sub, ec);
            if (ec) return ioError("remove", root / sub, ec.message());
        }
        fs::remove(root / "metadata.csv", ec);
    }
    const bool csvPresent = sameOptions && fs::is_regular_file(summary.metadataCsv, ec);
    if (sameOptions && old.complete && csvPresent) {
        // Reuse, as long as every file is still there.
        bool whole = true;
        for (int c = 0; c < classes && whole; ++c)
            for (int i = 0; i < o.perClass && whole; ++i) {
                const std::string name = photoName(summary.classes[size_t(c)], i);
                whole = fs::is_regular_file(root / "photos" / summary.classes[size_t(c)] / (name + ".jpg"), ec) &&
                        fs::is_regular_file(root / "masks" / summary.classes[size_t(c)] / (name + ".png"), ec);
            }
        if (whole) {
            summary.reused = true;
            progress.update(summary.photos);
            return summary;
        }
    }
    if (!sameOptions || old.complete) {
        if (Status s = writeTextAtomic(manifestPath, manifestText(o, summary.photos, false)); !s) return s.error();
    }

    struct Job {
        SampleSpec spec;
        std::string cls, name;
        fs::path photo, mask;
        bool render = false;
    };
    std::vector<Job> jobs;
    jobs.reserve(size_t(summary.photos));
    for (int c = 0; c < classes; ++c) {
        const std::string& cls = summary.classes[size_t(c)];
        const fs::path photoDir = root / "photos" / cls, maskDir = root / "masks" / cls;
        if (Status s = ensureFolder(photoDir); !s) return s.error();
        if (Status s = ensureFolder(maskDir); !s) return s.error();
        for (int i = 0; i < o.perClass; ++i) {
            Job j{planSample(o.seed, c, i, o.imageSize), cls, photoName(cls, i), {}, {}, false};
            j.photo = photoDir / (j.name + ".jpg");
            j.mask = maskDir / (j.name + ".png");
            // Files of an earlier run with these options are whole (atomic writes): keep them.
            j.render = !(sameOptions && fs::is_regular_file(j.photo, ec) && fs::is_regular_file(j.mask, ec));
            jobs.push_back(std::move(j));
        }
    }

    // Photos are independent: render a batch on all cores, then write it in order from this
    // thread (so progress, cancellation and the files' order stay simple).
    const size_t workers = std::max(1u, std::min(16u, std::thread::hardware_concurrency()));
    ThreadPool pool(static_cast<unsigned>(workers));
    std::ostringstream csv;
    csv << "path,product,line,lot,date,inspector,notes,surface,defect,mask\r\n";
    int64_t done = 0;
    for (size_t first = 0; first < jobs.size(); first += 2 * workers) {
        if (o.job.cancel.cancelled())
            return makeError(ErrorCode::Cancelled,
                             "demo data set generation cancelled; what was written stays and a "
                             "later call with the same options finishes it");
        const size_t last = std::min(jobs.size(), first + 2 * workers);
        std::vector<std::optional<Result<Encoded>>> rendered(last - first);
        pool.run(last - first, [&](size_t i) {
            if (jobs[first + i].render) rendered[i] = encodeSample(jobs[first + i].spec);
        });
        for (size_t k = first; k < last; ++k) {
            const Job& j = jobs[k];
            if (j.render) {
                Result<Encoded>& e = *rendered[k - first];
                if (!e) return e.error();
                // The mask first: a photo on disk always has its mask.
                if (Status s = writeFileAtomic(j.mask, e->png); !s) return s.error();
                if (Status s = writeFileAtomic(j.photo, e->jpeg); !s) return s.error();
                ++summary.written;
            }
            const Metadata m = metadataOf(j.spec);
            csv << csvField("photos/" + j.cls + "/" + j.name + ".jpg") << ',' << csvField(m.product) << ','
                << csvField(m.line) << ',' << csvField(m.lot) << ',' << csvField(m.date) << ',' << csvField(m.inspector)
                << ',' << csvField(m.notes) << ',' << surfaceName(j.spec.surface) << ','
                << (j.spec.defect ? defectName(*j.spec.defect) : "") << ','
                << csvField("masks/" + j.cls + "/" + j.name + ".png") << "\r\n";
            progress.update(++done);
        }
    }
    if (Status s = writeTextAtomic(summary.metadataCsv, csv.str()); !s) return s.error();
    if (Status s = writeTextAtomic(manifestPath, manifestText(o, summary.photos, true)); !s) return s.error();
    return summary;
}

}  // namespace diffclip::demo
