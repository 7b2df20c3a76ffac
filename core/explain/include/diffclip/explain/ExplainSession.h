#pragma once
// A LibTorch-free facade over the explain core (Explain.h, PatchGrid.h, Render.h) for the
// desktop application's Explain page (GitHub issue 5). It opens one or two models and a photo
// and returns plain C++ results: maps as PatchGrid, lambda and entropy per layer, the summary
// numbers, and overlays rendered on ONE colour scale shared by both panes. The composition
// follows `diffclip explain` (app/cli/ExplainCommands.cpp) and docs/EXPLAIN.md.
//
// Threading: an ExplainSession may be used from any thread. explain() and modelInfo() block for
// the model work (loading takes seconds, a forward pass tenths of seconds) and are meant for
// worker threads; calls on one session are serialised by an internal mutex (models, query
// embeddings and the last attention capture are cached inside). The free functions and
// renderPanes() have no shared state and are cheap enough for the GUI thread.
// Errors come back as Result values; nothing throws.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "diffclip/explain/PatchGrid.h"
#include "diffclip/explain/Render.h"
#include "diffclip/imaging/ImageDecode.h"
#include "diffclip/base/Job.h"
#include "diffclip/base/Result.h"

namespace diffclip::explain {

/// The maps of Explain.h's Method, without its LibTorch header.
enum class MapMethod { Attention, Rollout, Similarity, Gradient };

/// What the two panes show.
enum class CompareMode {
    TwoModels,       // the same map of model A and of model B
    A1VsDifference,  // A1 beside A1 - lambda*A2 of one differential model (attention / rollout)
};

/// Head choice: kHeadMean, kHeadMax or a head index 0 .. heads-1.
constexpr int kHeadMean = -1;
constexpr int kHeadMax = -2;

/// The query of a "why did this match?" map (needed by Similarity and Gradient).
struct ExplainQuery {
    enum class Kind { None, Photo, Text };
    Kind kind = Kind::None;
    std::string value;  // photo path (UTF-8) or the text
};

/// A rectangle in the model's square input crop, in normalised coordinates 0..1 (x right, y down).
struct RegionRect {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

struct ModelInfo {
    std::string spec;
    std::string label;  // short name for titles
    int layers = 0;     // vision blocks
    int heads = 0;      // maps per block (H, or H/2 for differential attention)
    bool differential = false;
    int gridRows = 0, gridCols = 0;
    int imageSize = 0;
};

struct ExplainRequest {
    std::string photoPath;
    std::string modelA;  // MODEL specs (CLI.md): package folder, .safetensors, checkpoint, preset:NAME
    std::string modelB;  // TwoModels only
    CompareMode mode = CompareMode::TwoModels;
    MapMethod method = MapMethod::Attention;
    int layer = -1;            // block index; -1: the last block
    int head = kHeadMean;      // attention / rollout
    bool absoluteRollout = false;  // rollout of A1 - lambda*A2: |.| instead of normalised (signed)
    ExplainQuery query;
    std::optional<RegionRect> region;  // for MapSummary::regionShare
    bool perLayer = true;      // also compute maps and entropy for every layer (gradient: one pass each)
};

/// One pane: a map of one model.
struct PaneMaps {
    ModelInfo model;
    std::string title;           // "A1-lambda*A2, block 11, mean" (ASCII)
    PatchGrid map;               // the requested layer and head
    MapSummary summary;          // of `map`, with regionShare when a region was given
    std::vector<PatchGrid> layerMaps;     // per layer, the requested head (empty unless perLayer)
    std::vector<double> entropy;          // per layer, nats (empty unless perLayer)
    std::vector<PatchGrid> headMaps;      // the requested layer, per head (attention / rollout)
    std::vector<double> lambdas;          // per layer (differential models), else empty
    double similarity = 0;       // cosine(photo, query) when hasTarget
    bool hasTarget = false;
    RgbImage8 crop;              // the photo as the model saw it (square crop)
};

struct ExplainResult {
    ExplainRequest request;
    std::vector<PaneMaps> panes;  // two
    ColourScale scale;            // shared by both panes (see scalePhotos)
    int scalePhotos = 0;          // 0: `scale` spans this comparison's two maps; N > 0: the maps of
                                  // N photos of a folder (applyFolderScale)
    int photoWidth = 0, photoHeight = 0;
};

struct RenderOptions {
    double opacity = 0.55;
    Palette palette = Palette::Viridis;
    bool smooth = true;
    int displaySize = 0;  // 0: max(224, model input size)
    std::optional<RegionRect> region;  // outlined on both map panes of `comparison` (not on `overlays`)
};

struct RenderedPanes {
    std::vector<RgbImage8> overlays;  // one per pane, displaySize square, on the shared scale
    RgbImage8 colourBar;              // with real-valued ticks
    RgbImage8 comparison;             // photo + both panes + colour bar + caption (for export)
    std::vector<PixelRect> figurePanes;  // where the photo and the two map panes lie in `comparison`
    std::string caption;
};

/// One colour scale over the maps of many photos (ExplainSession::folderScale).
struct FolderScale {
    ColourScale scale;                // sharedScale over both panes' maps of every photo explained
    double maxAbs = 0;                // largest |v| of those maps
    int photos = 0;                   // photos whose maps went into the scale
    std::vector<std::string> failed;  // "photo: reason" for photos left out (not decodable, ...)
};

struct SessionOptions {
    std::string device = "cpu";  // "auto" | "cpu" | "cuda[:N]"
    int threads = 0;             // CPU threads; 0: chosen for the machine
};

class ExplainSession {
public:
    static Result<std::unique_ptr<ExplainSession>> open(const SessionOptions& options = {});
    ~ExplainSession();
    ExplainSession(const ExplainSession&) = delete;
    ExplainSession& operator=(const ExplainSession&) = delete;

    /// Loads (once) and describes a model. Blocks; worker threads.
    Result<ModelInfo> modelInfo(const std::string& spec);

    /// Both panes for `request`. `cancel` is checked between passes: once cancelled, the call
    /// ends early with ErrorCode::Cancelled. Blocks.
    Result<ExplainResult> explain(const ExplainRequest& request, const CancelToken& cancel = CancelToken::never());

    /// One colour scale over the maps `request` gives for every photo of `photos` (the photo,
    /// region and perLayer of `request` are ignored; both panes count). The session is locked
    /// per photo, so explain() calls from other threads interleave. A photo that cannot be
    /// decoded is left out and listed in `failed`; an error of the settings themselves (bad
    /// layer, a query method without a query, ...) ends the call with that error, and so does
    /// a folder where no photo could be explained. `job` (Job.h): one stage "explain",
    /// done/total = photos explained or left out (reported on the calling thread); cancel is
    /// checked between photos and between passes: ErrorCode::Cancelled, nothing kept. Blocks:
    /// worker threads.
    Result<FolderScale> folderScale(const ExplainRequest& request, const std::vector<std::string>& photos,
                                    const JobControl& job = {});

    /// Drops cached models and captures (e.g. when the workspace's model changes).
    void clear();

private:
    struct Impl;
    explicit ExplainSession(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m;
};

/// Overlays of both panes on the result's shared scale, the colour bar and the export figure.
/// Plain C++/OpenCV: any thread.
Result<RenderedPanes> renderPanes(const ExplainResult& result, const RenderOptions& options);

/// Puts `folder`'s scale on `result` (and scalePhotos = folder.photos). Mismatch, leaving
/// `result` unchanged, when its maps do not lie inside that scale or differ in kind (signed vs
/// not): the folder scale was computed for other settings or photos and must be recomputed.
Status applyFolderScale(ExplainResult& result, const FolderScale& folder);

/// Cover of each patch of a rows x cols grid by `rect` (fraction inside, 0..1).
PatchGrid regionCover(const RegionRect& rect, int rows, int cols);

/// summarise(map, regionCover(rect)) in one call.
Result<MapSummary> summariseRegion(const PatchGrid& map, const RegionRect& rect);

const char* mapMethodName(MapMethod m);  // "attention" | "rollout" | "similarity" | "gradient"

}  // namespace diffclip::explain
