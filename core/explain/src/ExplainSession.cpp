// The torch-free facade of the explain core (ExplainSession.h); composes Explain.h and Render.h
// the way `diffclip explain` does (app/cli/ExplainCommands.cpp).
#include "diffclip/explain/ExplainSession.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <map>
#include <mutex>
#include <sstream>

#include "diffclip/explain/Explain.h"
#include "diffclip/imaging/Preprocess.h"
#include "diffclip/model/ModelIO.h"
#include "diffclip/model/Runtime.h"
#include "diffclip/text/Tokenizer.h"

namespace fs = std::filesystem;

namespace diffclip::explain {

namespace {

constexpr int kMinDisplay = 224;

std::string sig(double v) {
    std::ostringstream s;
    s << std::setprecision(3) << v;
    return s.str();
}

Method toMethod(MapMethod m) {
    switch (m) {
        case MapMethod::Attention: return Method::Attention;
        case MapMethod::Rollout: return Method::Rollout;
        case MapMethod::Similarity: return Method::Similarity;
        case MapMethod::Gradient: return Method::Gradient;
    }
    return Method::Attention;
}

HeadChoice toHeads(int head) {
    HeadChoice h;
    if (head == kHeadMax) h.mode = HeadMode::Max;
    else if (head >= 0) {
        h.mode = HeadMode::Single;
        h.head = head;
    }
    return h;
}

Error cancelled() { return makeError(ErrorCode::Cancelled, "explain: cancelled"); }

}  // namespace

// Named, not anonymous: Impl holds them, and a type with internal linkage inside Impl draws
// -Wsubobject-linkage when the release preset's unity build compiles this file as an include.
namespace session_detail {

struct Side {
    LoadedModel loaded;
    ClipModel model{nullptr};
    ModelInfo info;
    std::map<std::string, at::Tensor> targets;  // query key -> (E) embedding
};

struct Capture {
    std::string spec, photo;
    at::Tensor input;
    AttentionCapture capture;
};

}  // namespace session_detail

using session_detail::Capture;
using session_detail::Side;

struct ExplainSession::Impl {
    SessionOptions options;
    c10::Device device{c10::kCPU};
    std::mutex mutex;
    std::map<std::string, std::unique_ptr<Side>> sides;
    std::vector<Capture> captures;  // most recent last, at most 2

    Result<Side*> side(const std::string& spec) {
        if (spec.empty()) return makeError(ErrorCode::InvalidArgument, "explain: no model chosen");
        auto it = sides.find(spec);
        if (it != sides.end()) return it->second.get();
        auto m = loadModel(spec, LoadOptions{});
        if (!m) return m.error();
        auto s = std::make_unique<Side>();
        s->loaded = std::move(*m);
        try {
            s->model = device.is_cpu() ? s->loaded.model : convertModel(s->loaded.model, device, at::kFloat);
        } catch (const std::exception& e) {
            return makeError(ErrorCode::Internal, spec + ": moving the model failed: " + e.what());
        }
        s->model->setAttentionPath(AttentionPath::Explicit);
        const ModelConfig& c = s->model->config();
        if (c.preprocess.cropSize != c.vision.imageSize)
            return makeError(ErrorCode::Mismatch, spec + ": the preprocessing crops to " +
                                                      std::to_string(c.preprocess.cropSize) + " px but the model takes " +
                                                      std::to_string(c.vision.imageSize));
        ModelInfo& i = s->info;
        i.spec = spec;
        i.label = modelLabel(spec);
        i.layers = int(c.vision.depth);
        i.heads = int(mapHeads(c));
        i.differential = c.attention == AttentionKind::Differential;
        i.gridRows = i.gridCols = int(c.vision.gridSize());
        i.imageSize = int(c.vision.imageSize);
        Side* raw = s.get();
        sides[spec] = std::move(s);
        return raw;
    }

    Result<at::Tensor> target(Side& s, const ExplainQuery& q) {
        if (q.kind == ExplainQuery::Kind::None) return at::Tensor();
        const std::string key = (q.kind == ExplainQuery::Kind::Text ? "t:" : "p:") + q.value;
        if (auto it = s.targets.find(key); it != s.targets.end()) return it->second;
        at::Tensor t;
        try {
            if (q.kind == ExplainQuery::Kind::Text) {
                if (!s.loaded.tokenizer)
                    return makeError(ErrorCode::Unsupported, s.info.spec + ": the model has no tokenizer for a text query");
                c10::InferenceMode inference;
                const int64_t L = s.model->config().text.contextLength;
                std::vector<int64_t> row = s.loaded.tokenizer->row(q.value, L);
                t = s.model->encodeText(at::tensor(row, at::kLong).view({1, L}).to(device)).squeeze(0);
            } else {
                auto img = loadImageForModel(q.value, s.model->config().preprocess);
                if (!img) return img.error();
                c10::InferenceMode inference;
                t = s.model->encodeImage(img->unsqueeze(0).to(device)).squeeze(0);
            }
            t = t.to(at::kFloat).clone();
        } catch (const std::exception& e) {
            return makeError(ErrorCode::Internal, std::string("explain: encoding the query failed: ") + e.what());
        }
        s.targets[key] = t;
        return t;
    }

    Result<Capture*> capture(Side& s, const std::string& photo, const RgbImage8& decoded) {
        for (auto& c : captures)
            if (c.spec == s.info.spec && c.photo == photo) return &c;
        Capture c;
        c.spec = s.info.spec;
        c.photo = photo;
        try {
            c.input = preprocessImage(decoded, s.model->config().preprocess).to(device);
        } catch (const std::exception& e) {
            return makeError(ErrorCode::Internal, photo + ": preprocessing failed: " + e.what());
        }
        auto cap = captureAttention(s.model, c.input);
        if (!cap) return cap.error();
        c.capture = std::move(*cap);
        if (captures.size() >= 2) captures.erase(captures.begin());
        captures.push_back(std::move(c));
        return &captures.back();
    }

    Result<ExplainResult> run(const ExplainRequest& request, const CancelToken& cancel, bool full);

    Result<Explanation> one(Side& s, Capture& cap, const ExplainOptions& o, const at::Tensor& target) {
        if (o.method == Method::Attention || o.method == Method::Rollout)
            return explainAttention(s.model->config(), cap.capture, o, target);
        return explainImage(s.model, cap.input, o, target);
    }
};

ExplainSession::ExplainSession(std::unique_ptr<Impl> impl) : m(std::move(impl)) {}
ExplainSession::~ExplainSession() = default;

Result<std::unique_ptr<ExplainSession>> ExplainSession::open(const SessionOptions& options) {
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    auto device = parseDevice(options.device.empty() ? std::string("cpu") : options.device);
    if (!device) return device.error();
    impl->device = *device;
    if (options.threads > 0) configureCpuThreads(at::kFloat, options.threads);
    return std::unique_ptr<ExplainSession>(new ExplainSession(std::move(impl)));
}

Result<ModelInfo> ExplainSession::modelInfo(const std::string& spec) {
    std::lock_guard<std::mutex> lock(m->mutex);
    auto s = m->side(spec);
    if (!s) return s.error();
    return (*s)->info;
}

void ExplainSession::clear() {
    std::lock_guard<std::mutex> lock(m->mutex);
    m->captures.clear();
    m->sides.clear();
}

// Both panes of `request`; `full` false: only the maps and their summaries (no per-head or
// per-layer maps, no crop), for folder scales. The caller holds the mutex.
Result<ExplainResult> ExplainSession::Impl::run(const ExplainRequest& request, const CancelToken& cancel, bool full) {
    auto isCancelled = [&] { return cancel.cancelled(); };
    const bool needsQuery = request.method == MapMethod::Similarity || request.method == MapMethod::Gradient;
    if (needsQuery && request.query.kind == ExplainQuery::Kind::None)
        return makeError(ErrorCode::InvalidArgument,
                         std::string("explain: the ") + mapMethodName(request.method) +
                             " map needs a query photo or text");
    if (request.mode == CompareMode::A1VsDifference && needsQuery)
        return makeError(ErrorCode::InvalidArgument,
                         "explain: A1 vs A1 − λA2 compares attention maps: use attention or rollout");
    if (request.photoPath.empty()) return makeError(ErrorCode::InvalidArgument, "explain: no photo chosen");
    auto decoded = decodeImageFile(request.photoPath, DecodeOptions{});
    if (!decoded) return decoded.error();

    std::vector<std::pair<Side*, Component>> wanted;
    auto a = side(request.modelA);
    if (!a) return a.error();
    if (request.mode == CompareMode::A1VsDifference) {
        if (!(*a)->info.differential)
            return makeError(ErrorCode::InvalidArgument, "explain: A1 vs A1 − λA2 needs a differential model; " +
                                                             request.modelA + " has standard attention");
        wanted = {{*a, Component::A1}, {*a, Component::Difference}};
    } else {
        auto b = side(request.modelB);
        if (!b) return b.error();
        wanted = {{*a, Component::Auto}, {*b, Component::Auto}};
    }

    ExplainResult result;
    result.request = request;
    result.photoWidth = decoded->width;
    result.photoHeight = decoded->height;
    for (const auto& [side, comp] : wanted) {
        if (isCancelled()) return cancelled();
        Side& s = *side;
        const int layers = s.info.layers;
        if (request.layer >= layers)
            return makeError(ErrorCode::InvalidArgument, "explain: block " + std::to_string(request.layer) +
                                                             " does not exist: " + s.info.spec + " has " +
                                                             std::to_string(layers) + " vision blocks");
        if (!needsQuery && request.head >= s.info.heads)
            return makeError(ErrorCode::InvalidArgument, "explain: head " + std::to_string(request.head) +
                                                             " does not exist: " + s.info.spec + " has " +
                                                             std::to_string(s.info.heads) + " maps per block");
        auto t = target(s, request.query);
        if (!t) return t.error();
        auto cap = capture(s, request.photoPath, *decoded);
        if (!cap) return cap.error();

        ExplainOptions o;
        o.method = toMethod(request.method);
        o.component = comp;
        o.heads = toHeads(request.head);
        o.layer = request.layer < 0 ? layers - 1 : request.layer;
        o.rollout = request.absoluteRollout ? SignedRollout::Absolute : SignedRollout::Normalised;

        PaneMaps pane;
        pane.model = s.info;
        auto e = one(s, **cap, o, *t);
        if (!e) return e.error();
        pane.title = e->title;
        pane.map = std::move(e->map);
        pane.similarity = e->similarity;
        pane.hasTarget = e->hasTarget;
        // lambda of every block, from the capture (no extra pass).
        if (full) {
            ExplainOptions lo;
            lo.method = Method::Attention;
            lo.layer = layers - 1;
            if (auto l = explainAttention(s.model->config(), (*cap)->capture, lo); l) pane.lambdas = l->lambdas;
        }
        std::optional<PatchGrid> region;
        if (request.region) region = regionCover(*request.region, pane.map.rows, pane.map.cols);
        auto summary = summarise(pane.map, region ? &*region : nullptr);
        if (!summary) return summary.error();
        pane.summary = *summary;

        if (full && !needsQuery) {
            for (int h = 0; h < s.info.heads; ++h) {
                ExplainOptions ho = o;
                ho.heads = toHeads(h);
                auto he = one(s, **cap, ho, {});
                if (!he) return he.error();
                pane.headMaps.push_back(std::move(he->map));
            }
        }
        if (full && request.perLayer) {
            for (int l = 0; l < layers; ++l) {
                if (isCancelled()) return cancelled();
                PatchGrid g;
                if (l == o.layer || request.method == MapMethod::Similarity) {
                    g = pane.map;  // similarity uses the final tokens: the same map at every layer
                } else {
                    ExplainOptions lo = o;
                    lo.layer = l;
                    auto le = one(s, **cap, lo, *t);
                    if (!le) return le.error();
                    g = std::move(le->map);
                }
                auto ls = summarise(g);
                if (!ls) return ls.error();
                pane.entropy.push_back(ls->entropy);
                pane.layerMaps.push_back(std::move(g));
            }
        }
        if (full) {
            auto crop = cropLikeModel(*decoded, s.model->config().preprocess);
            if (!crop) return crop.error();
            pane.crop = std::move(*crop);
        }
        result.panes.push_back(std::move(pane));
    }
    std::vector<const PatchGrid*> maps;
    for (const auto& p : result.panes) maps.push_back(&p.map);
    auto scale = sharedScale(maps);
    if (!scale) return scale.error();
    result.scale = *scale;
    return result;
}

Result<ExplainResult> ExplainSession::explain(const ExplainRequest& request, const CancelToken& cancel) {
    std::lock_guard<std::mutex> lock(m->mutex);
    return m->run(request, cancel, true);
}

Result<FolderScale> ExplainSession::folderScale(const ExplainRequest& request, const std::vector<std::string>& photos,
                                                const JobControl& job) {
    if (photos.empty()) return makeError(ErrorCode::InvalidArgument, "explain: the folder holds no photos");
    job.progress.stage("explain", int64_t(photos.size()));
    FolderScale out;
    std::vector<PatchGrid> maps;
    std::optional<Error> firstFailure;
    int done = 0;
    for (const std::string& photo : photos) {
        if (job.cancel.cancelled()) return cancelled();
        ExplainRequest r = request;
        r.photoPath = photo;
        r.region.reset();
        r.perLayer = false;
        Result<ExplainResult> one = [&] {
            std::lock_guard<std::mutex> lock(m->mutex);
            return m->run(r, job.cancel, false);
        }();
        if (one) {
            for (auto& p : one->panes) maps.push_back(std::move(p.map));
            ++out.photos;
        } else {
            const ErrorCode code = one.error().code;
            if (code == ErrorCode::Cancelled) return one.error();
            // Settings that no photo can satisfy end the call; a bad file is left out.
            if (code != ErrorCode::NotFound && code != ErrorCode::Format && code != ErrorCode::Io)
                return one.error();
            if (!firstFailure) firstFailure = one.error();
            out.failed.push_back(photo + ": " + one.error().message);
        }
        job.progress.update(++done);
    }
    if (maps.empty()) return *firstFailure;
    std::vector<const PatchGrid*> pointers;
    for (const auto& g : maps) {
        pointers.push_back(&g);
        for (float v : g.values) out.maxAbs = std::max(out.maxAbs, double(std::fabs(v)));
    }
    auto scale = sharedScale(pointers);
    if (!scale) return scale.error();
    out.scale = *scale;
    return out;
}

Status applyFolderScale(ExplainResult& result, const FolderScale& folder) {
    if (result.panes.empty()) return makeError(ErrorCode::InvalidArgument, "explain: no maps to scale");
    // Float32 maps computed twice the same way agree exactly; the slack only absorbs printing.
    const double slack = 1e-6 * std::max(std::fabs(folder.scale.low), std::fabs(folder.scale.high));
    for (const auto& p : result.panes) {
        if (p.map.isSigned && !folder.scale.diverging)
            return makeError(ErrorCode::Mismatch, "explain: the folder scale is sequential but this map is signed");
        for (float v : p.map.values)
            if (v < folder.scale.low - slack || v > folder.scale.high + slack)
                return makeError(ErrorCode::Mismatch, "explain: this comparison's maps fall outside the folder scale "
                                                      "(computed for other settings or photos)");
    }
    if (folder.scale.diverging != result.scale.diverging)
        return makeError(ErrorCode::Mismatch, "explain: the folder scale and this comparison differ in kind (signed vs not)");
    result.scale = folder.scale;
    result.scalePhotos = folder.photos;
    return Status::success();
}

Result<RenderedPanes> renderPanes(const ExplainResult& result, const RenderOptions& options) {
    if (result.panes.empty()) return makeError(ErrorCode::InvalidArgument, "explain: nothing to render");
    OverlayOptions overlay;
    overlay.opacity = std::clamp(options.opacity, 0.0, 1.0);
    overlay.palette = options.palette;
    overlay.smooth = options.smooth;
    overlay.displaySize = options.displaySize;
    if (overlay.displaySize <= 0)
        for (const auto& p : result.panes) overlay.displaySize = std::max({overlay.displaySize, kMinDisplay, p.model.imageSize});
    RenderedPanes out;
    std::vector<Pane> figure;
    for (size_t i = 0; i < result.panes.size(); ++i) {
        const PaneMaps& p = result.panes[i];
        if (i == 0) {
            OverlayOptions plain = overlay;
            plain.opacity = 0;
            auto photo = renderOverlay(p.crop, p.map, result.scale, plain);
            if (!photo) return photo.error();
            figure.push_back({fs::path(result.request.photoPath).filename().string(), std::move(*photo)});
        }
        auto img = renderOverlay(p.crop, p.map, result.scale, overlay);
        if (!img) return img.error();
        std::string title = p.title;
        if (result.request.mode == CompareMode::TwoModels) title = p.model.label + ": " + title;
        figure.push_back({title, *img});
        if (const auto& g = options.region) drawRegionOutline(figure.back().image, g->x0, g->y0, g->x1, g->y1);
        out.overlays.push_back(std::move(*img));
    }
    auto bar = renderColourBar(result.scale, options.palette, overlay.displaySize);
    if (!bar) return bar.error();
    out.colourBar = std::move(*bar);
    const ExplainRequest& r = result.request;
    out.caption = std::string(mapMethodName(r.method)) + (result.scale.diverging ? ", diverging" : ", sequential") +
                  " scale " + sig(result.scale.low) + " .. " + sig(result.scale.high) + ", shared by both panes" +
                  (result.scalePhotos > 0 ? " of all " + std::to_string(result.scalePhotos) + " photos of the folder" : "");
    if (r.query.kind == ExplainQuery::Kind::Text) out.caption += ", query: \"" + r.query.value + "\"";
    if (r.query.kind == ExplainQuery::Kind::Photo)
        out.caption += ", query: " + fs::path(r.query.value).filename().string();
    auto fig = composeComparison(figure, result.scale, options.palette, out.caption, &out.figurePanes);
    if (!fig) return fig.error();
    out.comparison = std::move(*fig);
    return out;
}

PatchGrid regionCover(const RegionRect& rect, int rows, int cols) {
    PatchGrid g;
    g.rows = std::max(rows, 0);
    g.cols = std::max(cols, 0);
    g.values.assign(size_t(g.rows) * size_t(g.cols), 0.0f);
    const double x0 = std::clamp(std::min(rect.x0, rect.x1), 0.0, 1.0), x1 = std::clamp(std::max(rect.x0, rect.x1), 0.0, 1.0);
    const double y0 = std::clamp(std::min(rect.y0, rect.y1), 0.0, 1.0), y1 = std::clamp(std::max(rect.y0, rect.y1), 0.0, 1.0);
    for (int r = 0; r < g.rows; ++r) {
        const double py0 = double(r) / g.rows, py1 = double(r + 1) / g.rows;
        const double oy = std::max(0.0, std::min(py1, y1) - std::max(py0, y0)) * g.rows;
        for (int c = 0; c < g.cols; ++c) {
            const double px0 = double(c) / g.cols, px1 = double(c + 1) / g.cols;
            const double ox = std::max(0.0, std::min(px1, x1) - std::max(px0, x0)) * g.cols;
            g.values[size_t(r) * size_t(g.cols) + size_t(c)] = float(std::clamp(ox * oy, 0.0, 1.0));
        }
    }
    return g;
}

Result<MapSummary> summariseRegion(const PatchGrid& map, const RegionRect& rect) {
    PatchGrid cover = regionCover(rect, map.rows, map.cols);
    return summarise(map, &cover);
}

const char* mapMethodName(MapMethod m) { return methodName(toMethod(m)); }

}  // namespace diffclip::explain
