// `diffclip explain`: attention, rollout and "why did this match" maps of photos as PNG
// figures with summary numbers (docs/EXPLAIN.md).
#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "Commands.h"
#include "Output.h"
#include "diffclip/explain/Explain.h"
#include "diffclip/explain/Render.h"
#include "diffclip/imaging/Preprocess.h"
#include "diffclip/model/ModelIO.h"
#include "diffclip/model/Runtime.h"

namespace fs = std::filesystem;

namespace diffclip::cli {

namespace {

using namespace diffclip::explain;

constexpr int kMinDisplay = 224;  // panes are drawn at least this large, so tiny models stay legible

// One model with the query embedded in its own joint space.
struct Side {
    std::string spec;
    LoadedModel loaded;
    ClipModel model{nullptr};
    at::Tensor target;  // (E) float32, undefined without --against/--text
};

// One pane of one photo: a map, its numbers, and the model it came from.
struct PaneResult {
    size_t side = 0;
    Explanation explanation;
    MapSummary summary;
    std::optional<FaithfulnessCurves> curves;
};

struct ImageResult {
    std::string path;
    std::string out;
    std::vector<PaneResult> panes;
    std::string error;
};

bool isPhotoFile(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    for (const char* e : {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"})
        if (ext == e) return true;
    return false;
}

// The mask of `relative` (a photo path relative to the folder): the same relative path under
// the masks folder, with extension .png, else the photo's own extension.
std::string findMask(const fs::path& masks, const fs::path& relative) {
    fs::path png = masks / relative;
    png.replace_extension(".png");
    std::error_code ec;
    if (fs::is_regular_file(png, ec)) return png.string();
    fs::path same = masks / relative;
    if (fs::is_regular_file(same, ec)) return same.string();
    return {};
}

Result<at::Tensor> embedText(const Side& s, const std::string& text) {
    try {
        c10::InferenceMode inference;
        const int64_t L = s.model->config().text.contextLength;
        std::vector<int64_t> row = s.loaded.tokenizer->row(text, L);
        return s.model->encodeText(at::tensor(row, at::kLong).view({1, L})).squeeze(0);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("encoding the text failed: ") + e.what());
    }
}

Result<at::Tensor> embedImage(const Side& s, const std::string& path) {
    auto t = loadImageForModel(path, s.model->config().preprocess);
    if (!t) return t.error();
    try {
        c10::InferenceMode inference;
        return s.model->encodeImage(t->unsqueeze(0)).squeeze(0);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, path + ": encoding failed: " + e.what());
    }
}

Status checkInputSize(const ModelConfig& c, const std::string& spec) {
    if (c.preprocess.cropSize != c.vision.imageSize)
        return makeError(ErrorCode::Mismatch, spec + ": the preprocessing crops to " +
                                                  std::to_string(c.preprocess.cropSize) + " px but the model takes " +
                                                  std::to_string(c.vision.imageSize));
    return Status::success();
}

Json summaryJson(const MapSummary& s) {
    Json j = Json::object();
    j["min"] = s.minimum;
    j["max"] = s.maximum;
    j["sum"] = s.sum;
    j["entropy"] = s.entropy;
    j["normalised_entropy"] = s.normalisedEntropy;
    j["top10_share"] = s.top10Share;
    j["positive_share"] = s.positiveShare;
    j["region_share"] = s.regionShare ? Json(*s.regionShare) : Json();
    return j;
}

Json curvesJson(const FaithfulnessCurves& c) {
    Json j = Json::object();
    Json f = Json::array(), d = Json::array(), i = Json::array();
    for (double v : c.fraction) f.push_back(v);
    for (double v : c.deletion) d.push_back(v);
    for (double v : c.insertion) i.push_back(v);
    j["fraction"] = f;
    j["deletion"] = d;
    j["insertion"] = i;
    j["deletion_auc"] = c.deletionAuc;
    j["insertion_auc"] = c.insertionAuc;
    return j;
}

// Running means of the numbers of one pane position over a folder.
struct Average {
    std::string title;
    int count = 0, regionCount = 0, curveCount = 0, similarityCount = 0;
    double entropy = 0, normalisedEntropy = 0, top10 = 0, positive = 0, region = 0, deletion = 0, insertion = 0,
           similarity = 0;
    void add(const PaneResult& p) {
        ++count;
        entropy += p.summary.entropy;
        normalisedEntropy += p.summary.normalisedEntropy;
        top10 += p.summary.top10Share;
        positive += p.summary.positiveShare;
        if (p.summary.regionShare) {
            ++regionCount;
            region += *p.summary.regionShare;
        }
        if (p.curves) {
            ++curveCount;
            deletion += p.curves->deletionAuc;
            insertion += p.curves->insertionAuc;
        }
        if (p.explanation.hasTarget) {
            ++similarityCount;
            similarity += p.explanation.similarity;
        }
    }
    Json json() const {
        auto mean = [](double s, int n) { return n ? Json(s / n) : Json(); };
        Json j = Json::object();
        j["title"] = title;
        j["images"] = count;
        j["entropy"] = mean(entropy, count);
        j["normalised_entropy"] = mean(normalisedEntropy, count);
        j["top10_share"] = mean(top10, count);
        j["positive_share"] = mean(positive, count);
        j["region_share"] = mean(region, regionCount);
        j["images_with_mask"] = regionCount;
        j["deletion_auc"] = mean(deletion, curveCount);
        j["insertion_auc"] = mean(insertion, curveCount);
        j["similarity"] = mean(similarity, similarityCount);
        return j;
    }
};

std::string fmt(double v, int precision = 3) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(precision) << v;
    return s.str();
}

// Three significant digits, for values that may be as small as 1e-7 (gradients).
std::string sig(double v) {
    std::ostringstream s;
    s << std::setprecision(3) << v;
    return s.str();
}

// A short name for a MODEL argument in pane titles: "preset:x" stays, a package folder is its
// name, a file keeps its folder when the file name alone says nothing (model.safetensors).
std::string modelLabel(const std::string& spec) {
    if (spec.rfind("preset:", 0) == 0) return spec;
    fs::path p(spec);
    if (!p.has_filename()) p = p.parent_path();
    const std::string name = p.filename().string();
    if ((name == "model.safetensors" || name.rfind("checkpoint", 0) == 0) && p.has_parent_path() &&
        !p.parent_path().filename().empty())
        return p.parent_path().filename().string() + "/" + name;
    return name;
}

std::string describeLine(const PaneResult& p) {
    std::string line = p.explanation.title + ": entropy " + fmt(p.summary.entropy) + " nats (" +
                       fmt(p.summary.normalisedEntropy) + " of max), top-10% share " + fmt(p.summary.top10Share);
    if (p.explanation.map.isSigned) line += ", positive share " + fmt(p.summary.positiveShare);
    if (p.summary.regionShare) line += ", region share " + fmt(*p.summary.regionShare);
    if (p.curves)
        line += ", deletion AUC " + fmt(p.curves->deletionAuc) + ", insertion AUC " + fmt(p.curves->insertionAuc);
    if (p.explanation.hasTarget) line += ", similarity " + fmt(p.explanation.similarity);
    return line;
}

}  // namespace

int runExplain(int argc, char** argv) {
    Args args;
    const std::string synopsis =
        "--model MODEL (--image FILE | --folder DIR [--masks DIR]) [--layer L] [--head H|mean|max]\n"
        "       [--method attention|rollout|similarity|gradient] [--against FILE | --text TEXT]\n"
        "       [--compare MODEL2 | --diff-vs-a1] --out PNG|DIR [--json]\n\n"
        "Draws where the vision tower looks (attention of the CLS token, or its rollout through the\n"
        "blocks) or why a photo matches a query (patch similarity, gradient x input), beside the photo,\n"
        "on one colour scale shared by every pane (and every photo of a folder), and prints summary\n"
        "numbers: entropy, top-10% share, region share (with masks), deletion/insertion AUC.\n"
        "Differential models show A1 - lambda*A2 on a diverging scale (zero is white).\n"
        "With --folder, --out is a folder: one PNG per photo, named after its path in DIR.";
    const std::vector<OptionSpec> specs = {
        {"json", false, false, "--json             print one JSON document on standard output"},
        {"device", true, false, "--device D         auto | cpu | cuda | cuda:N (default auto)"},
        {"threads", true, false, "--threads N        CPU threads (default: chosen for the machine)"},
        {"seed", true, false, "--seed S           seed of preset:NAME weights (default 0)"},
        {"tokenizer", true, false, "--tokenizer FILE   CLIP BPE merges file (default: the model's, else the bundled one)"},
        {"model", true, false, "--model MODEL      the model to explain"},
        {"image", true, false, "--image FILE       the photo"},
        {"folder", true, false, "--folder DIR       every photo under DIR (recursive)"},
        {"masks", true, false, "--masks DIR        region masks for --folder: same relative path, .png (white = inside)"},
        {"mask", true, false, "--mask FILE        region mask for --image (photo-sized or one pixel per patch)"},
        {"layer", true, false, "--layer L          block 0..depth-1 (default: the last); rollout runs up to it"},
        {"head", true, false, "--head H           mean | max | head index (default mean)"},
        {"method", true, false, "--method M         attention | rollout | similarity | gradient (default attention)"},
        {"component", true, false, "--component C      auto | a1 | a2 | diff | a: which map of MODEL (default auto)"},
        {"rollout", true, false, "--rollout R        signed | abs: rollout of A1 - lambda*A2 (default signed)"},
        {"against", true, false, "--against FILE     explain the match with this query photo"},
        {"text", true, false, "--text TEXT        explain the match with this text"},
        {"compare", true, false, "--compare MODEL2   the same map of a second model beside the first"},
        {"diff-vs-a1", false, false, "--diff-vs-a1       A1 beside A1 - lambda*A2 of a differential MODEL"},
        {"out", true, false, "--out PNG|DIR      figure to write (a folder with --folder)"},
        {"colormap", true, false, "--colormap NAME    viridis | inferno | magma | plasma, for non-negative maps"},
        {"opacity", true, false, "--opacity X        map opacity over the photo, 0..1 (default 0.55)"},
        {"steps", true, false, "--steps N          deletion/insertion curve steps, 0 to skip (default 10)"},
        {"blocks", false, false, "--blocks           draw one flat block per patch instead of smooth upsampling"},
    };
    if (int rc = parseCommand(argc, argv, "explain", synopsis, specs, args); rc >= 0) return rc;
    if (!args.positionals().empty()) return usage("explain takes no positional arguments", "explain");
    if (!args.has("model")) return usage("explain needs --model MODEL", "explain");
    if (args.has("image") == args.has("folder")) return usage("explain needs either --image or --folder", "explain");
    if (!args.has("out")) return usage("explain needs --out", "explain");
    if (args.has("against") && args.has("text")) return usage("give --against or --text, not both", "explain");
    if (args.has("compare") && args.has("diff-vs-a1")) return usage("give --compare or --diff-vs-a1, not both", "explain");
    if (args.has("masks") && !args.has("folder")) return usage("--masks goes with --folder (use --mask with --image)", "explain");
    if (args.has("mask") && !args.has("image")) return usage("--mask goes with --image (use --masks with --folder)", "explain");

    ExplainOptions options;
    auto method = parseMethod(args.value("method", "attention"));
    if (!method) return usage(method.error().message, "explain");
    options.method = *method;
    auto heads = parseHeads(args.value("head", "mean"));
    if (!heads) return usage(heads.error().message, "explain");
    options.heads = *heads;
    auto component = parseComponent(args.value("component", "auto"));
    if (!component) return usage(component.error().message, "explain");
    options.component = *component;
    const std::string rollout = args.value("rollout", "signed");
    if (rollout != "signed" && rollout != "abs") return usage("--rollout must be signed or abs", "explain");
    options.rollout = rollout == "abs" ? SignedRollout::Absolute : SignedRollout::Normalised;
    long long layer = -1, steps = 10, threads = 0;
    if (args.has("layer") && (!args.intValue("layer", -1, layer) || layer < 0))
        return usage("--layer needs a block index (0, 1, ...)", "explain");
    options.layer = layer;
    if (!args.intValue("steps", 10, steps) || steps < 0 || steps > 256)
        return usage("--steps needs an integer 0..256", "explain");
    if (!args.intValue("threads", 0, threads) || threads < 0 || threads > 1024)
        return usage("--threads must be 0..1024", "explain");
    double opacity = 0.55;
    if (!args.doubleValue("opacity", 0.55, opacity) || !(opacity >= 0 && opacity <= 1))
        return usage("--opacity needs a number between 0 and 1", "explain");
    auto palette = parsePalette(args.value("colormap", "viridis"));
    if (!palette) return usage(palette.error().message, "explain");
    const bool needsQuery = options.method == Method::Similarity || options.method == Method::Gradient;
    const bool hasQuery = args.has("against") || args.has("text");
    if (needsQuery && !hasQuery)
        return usage(std::string("--method ") + methodName(options.method) + " needs --against FILE or --text TEXT",
                     "explain");
    if (needsQuery)
        for (const char* o : {"head", "component", "rollout"})
            if (args.has(o))
                return usage(std::string("--") + o + " does not apply to --method " + methodName(options.method),
                             "explain");
    if (args.has("rollout") && options.method != Method::Rollout)
        return usage("--rollout goes with --method rollout", "explain");
    if (args.has("diff-vs-a1") && needsQuery)
        return usage("--diff-vs-a1 compares attention maps: use --method attention or rollout", "explain");
    if (args.has("diff-vs-a1") && args.has("component"))
        return usage("--diff-vs-a1 chooses the components itself; leave out --component", "explain");
    auto device = parseDevice(args.value("device", "auto"));
    if (!device) return usage(device.error().message, "explain");
    long long seed = 0;
    if (!args.intValue("seed", 0, seed)) return usage(args.error(), "explain");

    // Models, and the query embedded by each (their joint spaces differ).
    configureCpuThreads(at::kFloat, int(threads));
    std::vector<Side> sides;
    std::vector<std::string> specsToOpen{args.value("model")};
    if (args.has("compare")) specsToOpen.push_back(args.value("compare"));
    for (const auto& spec : specsToOpen) {
        LoadOptions lo;
        lo.seed = uint64_t(seed);
        lo.tokenizerPath = args.value("tokenizer");
        lo.requireTokenizer = args.has("text");
        auto m = loadModel(spec, lo);
        if (!m) return fail(m.error());
        Side s;
        s.spec = spec;
        s.loaded = std::move(*m);
        s.model = device->is_cpu() ? s.loaded.model : convertModel(s.loaded.model, *device, at::kFloat);
        s.model->setAttentionPath(AttentionPath::Explicit);
        const ModelConfig& c = s.model->config();
        if (Status st = checkInputSize(c, spec); !st) return fail(st.error());
        if (layer >= c.vision.depth)
            return fail(makeError(ErrorCode::InvalidArgument,
                                  "--layer " + std::to_string(layer) + " does not exist: " + spec + " has " +
                                      std::to_string(c.vision.depth) + " vision blocks (0.." +
                                      std::to_string(c.vision.depth - 1) + ")"));
        if (options.heads.mode == HeadMode::Single && !needsQuery && options.heads.head >= mapHeads(c))
            return fail(makeError(ErrorCode::InvalidArgument,
                                  "--head " + std::to_string(options.heads.head) + " does not exist: " + spec +
                                      " has " + std::to_string(mapHeads(c)) + " attention maps per block (0.." +
                                      std::to_string(mapHeads(c) - 1) + ")"));
        sides.push_back(std::move(s));
    }
    const bool diffVsA1 = args.has("diff-vs-a1");
    if (diffVsA1 && sides[0].model->config().attention != AttentionKind::Differential)
        return fail(makeError(ErrorCode::InvalidArgument,
                              "--diff-vs-a1 needs a differential model; " + sides[0].spec + " has standard attention"));
    // --component applies to MODEL; MODEL2 shows its own default map (A or A1 - lambda*A2).
    if (auto c = resolveComponent(sides[0].model->config().attention, options.component); !c) return fail(c.error());
    for (Side& s : sides) {
        if (!hasQuery) continue;
        auto t = args.has("text") ? embedText(s, args.value("text")) : embedImage(s, args.value("against"));
        if (!t) return fail(t.error());
        s.target = *t;
    }

    // The photos.
    std::vector<std::pair<std::string, std::string>> photos;  // (path, relative name)
    const bool folderMode = args.has("folder");
    if (folderMode) {
        std::error_code ec;
        const fs::path root = args.value("folder");
        if (!fs::is_directory(root, ec))
            return fail(makeError(ErrorCode::NotFound, root.string() + ": no such folder"));
        for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
             !ec && it != end; it.increment(ec))
            if (it->is_regular_file(ec) && isPhotoFile(it->path()))
                photos.emplace_back(it->path().string(), fs::relative(it->path(), root, ec).string());
        if (ec) return fail(makeError(ErrorCode::Io, root.string() + ": cannot list (" + ec.message() + ")"));
        std::sort(photos.begin(), photos.end());
        if (photos.empty()) return fail(makeError(ErrorCode::NotFound, root.string() + ": no photos found"));
        if (args.has("masks") && !fs::is_directory(args.value("masks"), ec))
            return fail(makeError(ErrorCode::NotFound, args.value("masks") + ": no such folder"));
        fs::create_directories(args.value("out"), ec);
        if (ec) return fail(makeError(ErrorCode::Io, args.value("out") + ": cannot create folder (" + ec.message() + ")"));
    } else {
        photos.emplace_back(args.value("image"), fs::path(args.value("image")).filename().string());
    }

    // Pass 1: maps and numbers for every photo.
    std::vector<ImageResult> results;
    for (const auto& [path, relative] : photos) {
        ImageResult r;
        r.path = path;
        if (folderMode) {
            std::string name = fs::path(relative).replace_extension(".png").string();
            std::replace(name.begin(), name.end(), '/', '_');
            r.out = (fs::path(args.value("out")) / name).string();
        } else {
            r.out = args.value("out");
        }
        auto decoded = decodeImageFile(path, DecodeOptions{});
        if (!decoded) {
            if (!folderMode) return fail(decoded.error());
            r.error = decoded.error().message;
            results.push_back(std::move(r));
            continue;
        }
        std::string maskPath = folderMode ? (args.has("masks") ? findMask(args.value("masks"), relative) : std::string())
                                          : args.value("mask");
        // (side, component override) of each pane.
        std::vector<std::pair<size_t, Component>> wanted;
        if (diffVsA1) wanted = {{0, Component::A1}, {0, Component::Difference}};
        else
            for (size_t s = 0; s < sides.size(); ++s) wanted.push_back({s, s == 0 ? options.component : Component::Auto});
        std::map<size_t, at::Tensor> inputs;
        std::map<size_t, AttentionCapture> captures;
        Status failure;
        for (const auto& [side, comp] : wanted) {
            const Side& s = sides[side];
            const ModelConfig& c = s.model->config();
            if (!inputs.count(side)) {
                try {
                    inputs[side] = preprocessImage(*decoded, c.preprocess);
                } catch (const std::exception& e) {
                    failure = makeError(ErrorCode::Internal, path + ": preprocessing failed: " + e.what());
                    break;
                }
            }
            ExplainOptions o = options;
            o.component = comp;
            Result<Explanation> e = makeError(ErrorCode::Internal, "no map");
            if (options.method == Method::Attention || options.method == Method::Rollout) {
                if (!captures.count(side)) {
                    auto cap = captureAttention(s.model, inputs[side]);
                    if (!cap) {
                        failure = cap.error();
                        break;
                    }
                    captures[side] = std::move(*cap);
                }
                e = explainAttention(c, captures[side], o, s.target);
            } else {
                e = explainImage(s.model, inputs[side], o, s.target);
            }
            if (!e) {
                failure = e.error();
                break;
            }
            PaneResult p;
            p.side = side;
            p.explanation = std::move(*e);
            std::optional<PatchGrid> region;
            if (!maskPath.empty()) {
                auto m = loadRegionMask(maskPath, decoded->width, decoded->height, c.preprocess, p.explanation.map.rows,
                                        p.explanation.map.cols);
                if (!m) {
                    failure = m.error();
                    break;
                }
                region = std::move(*m);
            }
            auto summary = summarise(p.explanation.map, region ? &*region : nullptr);
            if (!summary) {
                failure = summary.error();
                break;
            }
            p.summary = *summary;
            if (steps > 0) {
                auto curves = faithfulness(s.model, inputs[side], p.explanation.map, s.target, int(steps));
                if (!curves) {
                    failure = curves.error();
                    break;
                }
                p.curves = std::move(*curves);
            }
            r.panes.push_back(std::move(p));
        }
        if (!failure) {
            if (!folderMode) return fail(failure.error());
            r.error = failure.error().message;
            r.panes.clear();
        }
        results.push_back(std::move(r));
    }

    // One colour scale over every pane of every photo.
    std::vector<const PatchGrid*> all;
    for (const auto& r : results)
        for (const auto& p : r.panes) all.push_back(&p.explanation.map);
    if (all.empty()) return fail(makeError(ErrorCode::Format, "no photo could be explained"));
    auto scale = sharedScale(all);
    if (!scale) return fail(scale.error());

    // Pass 2: the figures.
    OverlayOptions overlay;
    overlay.opacity = opacity;
    overlay.palette = *palette;
    overlay.smooth = !args.has("blocks");
    for (const Side& s : sides)
        overlay.displaySize = std::max<int>({overlay.displaySize, kMinDisplay, int(s.model->config().vision.imageSize)});
    std::string caption = std::string(methodName(options.method)) + (scale->diverging ? ", diverging" : ", sequential") +
                          " scale " + sig(scale->low) + " .. " + sig(scale->high) +
                          (all.size() > 1 ? ", shared by all panes" : "");
    if (args.has("text")) caption += ", query: \"" + args.value("text") + "\"";
    if (args.has("against")) caption += ", query: " + fs::path(args.value("against")).filename().string();
    for (auto& r : results) {
        if (!r.error.empty()) continue;
        auto decoded = decodeImageFile(r.path, DecodeOptions{});
        Status st = decoded ? Status::success() : Status(decoded.error());
        std::vector<Pane> panes;
        for (size_t i = 0; st && i < r.panes.size(); ++i) {
            const PaneResult& p = r.panes[i];
            auto crop = cropLikeModel(*decoded, sides[p.side].model->config().preprocess);
            if (!crop) {
                st = crop.error();
                break;
            }
            if (i == 0) {
                // The photo itself first, at the panes' size.
                OverlayOptions plain = overlay;
                plain.opacity = 0;
                auto photo = renderOverlay(*crop, p.explanation.map, *scale, plain);
                if (!photo) {
                    st = photo.error();
                    break;
                }
                panes.push_back({fs::path(r.path).filename().string(), std::move(*photo)});
            }
            auto img = renderOverlay(*crop, p.explanation.map, *scale, overlay);
            if (!img) {
                st = img.error();
                break;
            }
            std::string title = p.explanation.title;
            if (sides.size() > 1) title = modelLabel(sides[p.side].spec) + ": " + title;
            panes.push_back({title, std::move(*img)});
        }
        if (st) {
            auto figure = composeComparison(panes, *scale, *palette, caption);
            st = figure ? writePng(*figure, r.out) : Status(figure.error());
        }
        if (!st) {
            if (!folderMode) return fail(st.error());
            r.error = st.error().message;
        }
    }

    // Report.
    std::vector<Average> averages;
    int failed = 0;
    for (const auto& r : results) {
        if (!r.error.empty()) {
            ++failed;
            continue;
        }
        for (size_t i = 0; i < r.panes.size(); ++i) {
            if (averages.size() <= i) averages.push_back(Average{r.panes[i].explanation.title});
            averages[i].add(r.panes[i]);
        }
    }
    if (args.has("json")) {
        Json j = Json::object();
        j["model"] = sides[0].spec;
        j["compare"] = sides.size() > 1 ? Json(sides[1].spec) : Json();
        j["method"] = methodName(options.method);
        j["heads"] = describeHeads(options.heads);
        j["layer"] = layer >= 0 ? Json(int64_t(layer)) : Json();
        Json query;
        if (args.has("text")) query = Json::object({{"kind", "text"}, {"text", args.value("text")}});
        if (args.has("against")) query = Json::object({{"kind", "image"}, {"path", args.value("against")}});
        j["query"] = query;
        Json sc = Json::object();
        sc["low"] = scale->low;
        sc["high"] = scale->high;
        sc["diverging"] = scale->diverging;
        sc["colormap"] = scale->diverging ? "blue-white-red" : paletteName(*palette);
        j["scale"] = sc;
        j["out"] = args.value("out");
        Json images = Json::array();
        for (const auto& r : results) {
            Json ij = Json::object();
            ij["image"] = r.path;
            if (!r.error.empty()) {
                ij["error"] = r.error;
                images.push_back(ij);
                continue;
            }
            ij["out"] = r.out;
            Json panes = Json::array();
            for (const auto& p : r.panes) {
                const Explanation& e = p.explanation;
                Json pj = Json::object();
                pj["title"] = e.title;
                pj["model"] = sides[p.side].spec;
                pj["component"] = options.method == Method::Attention || options.method == Method::Rollout
                                      ? Json(componentName(e.component))
                                      : Json();
                pj["layer"] = e.layer;
                pj["grid"] = Json::array({Json(e.map.rows), Json(e.map.cols)});
                pj["signed"] = e.map.isSigned;
                Json lambdas = Json::array();
                for (double l : e.lambdas) lambdas.push_back(l);
                pj["lambda"] = lambdas;
                pj["similarity"] = e.hasTarget ? Json(e.similarity) : Json();
                pj["summary"] = summaryJson(p.summary);
                pj["faithfulness"] = p.curves ? curvesJson(*p.curves) : Json();
                panes.push_back(pj);
            }
            ij["panes"] = panes;
            images.push_back(ij);
        }
        j["images"] = images;
        Json avg = Json::array();
        for (const auto& a : averages) avg.push_back(a.json());
        j["average"] = avg;
        j["failed"] = failed;
        printJson(j);
    } else {
        for (const auto& r : results) {
            if (!r.error.empty()) {
                std::cerr << "diffclip: " << r.error << "\n";
                continue;
            }
            std::cout << r.path << " -> " << r.out << "\n";
            for (const auto& p : r.panes)
                std::cout << "  " << (sides.size() > 1 ? sides[p.side].spec + ": " : std::string()) << describeLine(p)
                          << "\n";
        }
        if (folderMode) {
            std::cout << "Average over " << (results.size() - size_t(failed)) << " photos";
            std::cout << (failed ? " (" + std::to_string(failed) + " failed)" : std::string()) << ":\n";
            for (const auto& a : averages) {
                const Json j = a.json();
                // Means of no photos are null; they print as 0.
                const auto mean = [&j](const char* key) {
                    const Json* v = jsonFind(j, key);
                    return v && v->is_number() ? v->get<double>() : 0.0;
                };
                std::cout << "  " << a.title << ": entropy " << fmt(mean("entropy")) << ", top-10% share "
                          << fmt(mean("top10_share"));
                if (a.regionCount)
                    std::cout << ", region share " << fmt(mean("region_share")) << " (" << a.regionCount << " masks)";
                if (a.curveCount)
                    std::cout << ", deletion AUC " << fmt(mean("deletion_auc")) << ", insertion AUC "
                              << fmt(mean("insertion_auc"));
                std::cout << "\n";
            }
        }
        std::cout << "scale: " << (scale->diverging ? "diverging " : "sequential ") << scale->low << " .. "
                  << scale->high << "\n";
    }
    return failed ? kFailed : kOk;
}

}  // namespace diffclip::cli
