#pragma once
// The built-in demo data set: synthetic inspection photos of industrial surfaces with one
// defect each (or none), a ground-truth mask per photo and plant metadata. Everything is
// computed from a seed, so a demo, a test or a bug report can be reproduced exactly; nothing
// is downloaded. OpenCV only (no LibTorch, no Qt).
//
// Layout written by generateDemoDataset (the folder tree is what `diffclip index
// --labels-from-folders` and `diffclip train --data` read; the masks live outside it so that
// they are never indexed as photos):
//   DIR/photos/<class>/<class>-NNNN.jpg   224x224 JPEG (quality 92), class = folder name
//   DIR/masks/<class>/<class>-NNNN.png    8-bit mask, 255 on the defect, 0 elsewhere
//                                         (all zero for "good")
//   DIR/metadata.csv                      path,product,line,lot,date,inspector,notes,surface,defect,mask
//                                         (Library::importMetadataCsv; file names are unique)
//   DIR/manifest.json                     generator version, seed, per-class count, size
// Classes: "good" (no defect) and the six defect kinds below. A defect is drawn only on the
// surfaces it occurs on (no dents in fabric), and every surface appears in several classes, so
// the surface alone never tells the class; size, contrast, position, lighting and camera
// distance vary per photo.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "diffclip/base/Job.h"
#include "diffclip/base/Result.h"

namespace diffclip::demo {

enum class Surface { BrushedMetal, CastMetal, PaintedPanel, Fabric, Wood };
enum class Defect { Scratch, Crack, Pit, Stain, Inclusion, Dent };

/// "brushed-metal", "cast-metal", "painted-panel", "fabric", "wood".
const char* surfaceName(Surface surface);
/// "scratch", "crack", "pit", "stain", "inclusion", "dent".
const char* defectName(Defect defect);
/// The class folders in order: "good", then the defect names in enum order.
const std::vector<std::string>& demoClasses();

/// Version of the rendering and layout; a manifest with another version is regenerated.
constexpr int kDemoGeneratorVersion = 2;

/// Everything that decides one photo, drawn from (seed, class, index) by planSample.
struct SampleSpec {
    uint64_t seed = 0;             // the photo's own seed (derived, not the data set's)
    int size = 224;                // square, pixels
    Surface surface = Surface::BrushedMetal;
    std::optional<Defect> defect;  // none: a good part
};

struct Sample {
    cv::Mat image;  // CV_8UC3, BGR (OpenCV's order), size x size
    cv::Mat mask;   // CV_8UC1, 255 on the defect, else 0
};

/// The spec of photo `index` of class `classIndex` (an index into demoClasses()).
SampleSpec planSample(uint64_t datasetSeed, int classIndex, int index, int size = 224);
/// Renders a photo. The surface, lighting and sensor noise depend only on spec.seed and
/// spec.surface, so the same spec without its defect renders the same photo minus the defect.
/// Deterministic for a given build. Errors: InvalidArgument (size outside 64..2048).
Result<Sample> renderSample(const SampleSpec& spec);

struct DemoOptions {
    int perClass = 40;     // photos per class, 1..100000
    uint64_t seed = 1;
    int imageSize = 224;   // 64..2048: smaller photos leave no room for a visible defect
    /// Progress and cancel (Job.h): one stage "generate", done/total = photos written or found
    /// (reported from the calling thread). Cancel is checked between batches of photos; the
    /// call then returns ErrorCode::Cancelled. What was written stays (each file is written
    /// atomically) and a later call with the same options finishes it.
    JobControl job;
};

struct DemoSummary {
    std::string root;         // DIR as given
    std::string photosDir;    // DIR/photos: the folder-per-class tree
    std::string masksDir;     // DIR/masks
    std::string metadataCsv;  // DIR/metadata.csv
    std::vector<std::string> classes;
    int64_t photos = 0;       // in the data set
    int64_t written = 0;      // photos rendered by this call (0 when everything was reused)
    bool reused = false;      // the manifest matched and nothing had to be written
};

/// Writes (or completes, or reuses) the demo data set in `dir`, which is created if missing.
/// A folder holding a complete data set made with the same options is reused as it is; one
/// made with other options (or an older generator) has its photos, masks and CSV replaced.
/// Errors: InvalidArgument (bad options; `dir` is a file; `dir` is a non-empty folder that
/// holds no demo data set, left untouched), Io (cannot create or write, with the path),
/// Cancelled.
Result<DemoSummary> generateDemoDataset(const std::string& dir, const DemoOptions& options);

}  // namespace diffclip::demo
