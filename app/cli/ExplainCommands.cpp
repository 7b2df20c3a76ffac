// `diffclip explain`: attention, rollout and "why did this match" maps of photos as PNG
// figures with summary numbers (docs/EXPLAIN.md).
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "Commands.h"
#include "Output.h"
#include "ProgressOutput.h"
#include "diffclip/explain/Explain.h"
#include "diffclip/explain/Render.h"
#include "diffclip/imaging/ImageDecode.h"
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
    CommandLine cli(
        "explain",
        "--model MODEL (--image FILE | --folder DIR [--masks DIR]) [--layer L] [--head H|mean|max]\n"
        "       [--method attention|rollout|similarity|gradient] [--against FILE | --text TEXT]\n"
        "       [--compare MODEL2 | --diff-vs-a1] --out PNG|DIR [--json]\n\n"
        "Draws where the vision tower looks (attention of the CLS token, or its rollout through the\n"
        "blocks) or why a photo matches a query (patch similarity, gradient x input), beside the photo,\n"
        "on one colour scale shared by every pane (and every photo of a folder), and prints summary\n"
        "numbers: entropy, top-10% share, region share (with masks), deletion/insertion AUC.\n"
        "Differential models show A1 − λA2 on a diverging scale (zero is white).\n"
        "With --folder, --out is a folder: one PNG per photo, named after its path in DIR.");
    std::string deviceName = "auto", tokenizer, modelSpec, image, folder, masks, mask, head = "mean",
                methodArg = "attention", componentArg = "auto", rollout = "signed", against, text, compare, out,
                colormap = "viridis";
    long long layer = -1, steps = 10, threads = 0, seed = 0;
    double opacity = 0.55;
    bool json = false, diffVsA1 = false, blocks = false;
    cli.addFlag("--json", json, kJsonHelp);
    cli.addText("--device", deviceName, "D", "auto | cpu | cuda | cuda:N (default auto)");
    cli.addInteger("--threads", threads, 0, 1024, "N", "CPU threads (default: chosen for the machine)");
    cli.addInteger("--seed", seed, 0, kNoLimit, "S", "seed of preset:NAME weights (default 0)");
    cli.addText("--tokenizer", tokenizer, "FILE", "CLIP BPE merges file (default: the model's, else the bundled one)");
    cli.addText("--model", modelSpec, "MODEL", "the model to explain")->required();
    cli.addText("--image", image, "FILE", "the photo");
    cli.addText("--folder", folder, "DIR", "every photo under DIR (recursive)");
    cli.addText("--masks", masks, "DIR", "region masks for --folder: same relative path, .png (white = inside)");
    cli.addText("--mask", mask, "FILE", "region mask for --image (photo-sized or one pixel per patch)");
    cli.addInteger("--layer", layer, 0, kNoLimit, "L", "block 0..depth-1 (default: the last); rollout runs up to it");
    cli.addText("--head", head, "H", "mean | max | head index (default mean)");
    cli.addText("--method", methodArg, "M", "attention | rollout | similarity | gradient (default attention)");
    cli.addText("--component", componentArg, "C", "auto | a1 | a2 | diff | a: which map of MODEL (default auto)");
    cli.addChoice("--rollout", rollout, {"signed", "abs"}, "R", "signed | abs: rollout of A1 − λA2 (default signed)");
    cli.addText("--against", against, "FILE", "explain the match with this query photo");
    cli.addText("--text", text, "TEXT", "explain the match with this text");
    cli.addText("--compare", compare, "MODEL2", "the same map of a second model beside the first");
    cli.addFlag("--diff-vs-a1", diffVsA1, "A1 beside A1 − λA2 of a differential MODEL");
    cli.addText("--out", out, "PNG|DIR", "figure to write (a folder with --folder)")->required();
    cli.addText("--colormap", colormap, "NAME", "viridis | inferno | magma | plasma, for non-negative maps");
    cli.addNumber("--opacity", opacity, 0, 1, "X", "map opacity over the photo, 0..1 (default 0.55)");
    cli.addInteger("--steps", steps, 0, 256, "N", "deletion/insertion curve steps, 0 to skip (default 10)");
    cli.addFlag("--blocks", blocks, "draw one flat block per patch instead of smooth upsampling");
    if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
    auto given = [&](const char* name) { return cli.given(name); };
    if (given("--image") == given("--folder")) return cli.usageError("explain needs either --image or --folder");
    if (given("--against") && given("--text")) return cli.usageError("give --against or --text, not both");
    if (given("--compare") && diffVsA1) return cli.usageError("give --compare or --diff-vs-a1, not both");
    if (given("--masks") && !given("--folder"))
        return cli.usageError("--masks goes with --folder (use --mask with --image)");
    if (given("--mask") && !given("--image"))
        return cli.usageError("--mask goes with --image (use --masks with --folder)");

    ExplainOptions options;
    auto method = parseMethod(methodArg);
    if (!method) return cli.usageError(method.error().message);
    options.method = *method;
    auto heads = parseHeads(head);
    if (!heads) return cli.usageError(heads.error().message);
    options.heads = *heads;
    auto component = parseComponent(componentArg);
    if (!component) return cli.usageError(component.error().message);
    options.component = *component;
    options.rollout = rollout == "abs" ? SignedRollout::Absolute : SignedRollout::Normalised;
    options.layer = layer;
    auto palette = parsePalette(colormap);
    if (!palette) return cli.usageError(palette.error().message);
    const bool needsQuery = options.method == Method::Similarity || options.method == Method::Gradient;
    const bool hasQuery = given("--against") || given("--text");
    if (needsQuery && !hasQuery)
        return cli.usageError(std::string("--method ") + methodName(options.method) +
                              " needs --against FILE or --text TEXT");
    if (needsQuery)
        for (const char* o : {"head", "component", "rollout"})
            if (given((std::string("--") + o).c_str()))
                return cli.usageError(std::string("--") + o + " does not apply to --method " +
                                      methodName(options.method));
    if (given("--rollout") && options.method != Method::Rollout)
        return cli.usageError("--rollout goes with --method rollout");
    if (diffVsA1 && needsQuery)
        return cli.usageError("--diff-vs-a1 compares attention maps: use --method attention or rollout");
    if (diffVsA1 && given("--component"))
        return cli.usageError("--diff-vs-a1 chooses the components itself; leave out --component");
    auto device = parseDevice(deviceName);
    if (!device) return cli.usageError(device.error().message);

    // Models, and the query embedded by each (their joint spaces differ).
    configureCpuThreads(at::kFloat, int(threads));
    std::vector<Side> sides;
    std::vector<std::string> specsToOpen{modelSpec};
    if (given("--compare")) specsToOpen.push_back(compare);
    for (const auto& spec : specsToOpen) {
        LoadOptions lo;
        lo.seed = uint64_t(seed);
        lo.tokenizerPath = tokenizer;
        lo.requireTokenizer = given("--text");
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
    if (diffVsA1 && sides[0].model->config().attention != AttentionKind::Differential)
        return fail(makeError(ErrorCode::InvalidArgument,
                              "--diff-vs-a1 needs a differential model; " + sides[0].spec + " has standard attention"));
    // --component applies to MODEL; MODEL2 shows its own default map (A or A1 - lambda*A2).
    if (auto c = resolveComponent(sides[0].model->config().attention, options.component); !c) return fail(c.error());
    for (Side& s : sides) {
        if (!hasQuery) continue;
        auto t = given("--text") ? embedText(s, text) : embedImage(s, against);
        if (!t) return fail(t.error());
        s.target = *t;
    }

    // The photos.
    std::vector<std::pair<std::string, std::string>> photos;  // (path, relative name)
    const bool folderMode = given("--folder");
    if (folderMode) {
        std::error_code ec;
        const fs::path root = folder;
        if (!fs::is_directory(root, ec))
            return fail(makeError(ErrorCode::NotFound, root.string() + ": no such folder"));
        for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
             !ec && it != end; it.increment(ec))
            if (it->is_regular_file(ec) && hasPhotoExtension(it->path()))
                photos.emplace_back(it->path().string(), fs::relative(it->path(), root, ec).string());
        if (ec) return fail(makeError(ErrorCode::Io, root.string() + ": cannot list (" + ec.message() + ")"));
        std::sort(photos.begin(), photos.end());
        if (photos.empty()) return fail(makeError(ErrorCode::NotFound, root.string() + ": no photos found"));
        if (given("--masks") && !fs::is_directory(masks, ec))
            return fail(makeError(ErrorCode::NotFound, masks + ": no such folder"));
        fs::create_directories(out, ec);
        if (ec) return fail(makeError(ErrorCode::Io, out + ": cannot create folder (" + ec.message() + ")"));
    } else {
        photos.emplace_back(image, fs::path(image).filename().string());
    }

    // Pass 1: maps and numbers for every photo (the long part of a folder: its progress).
    Progress progress = folderMode ? stderrProgress("explain") : Progress();
    progress.stage("explain", int64_t(photos.size()));
    std::vector<ImageResult> results;
    for (const auto& [path, relative] : photos) {
        struct Count {
            const Progress& p;
            ~Count() { p.advance(); }  // a photo left out counts as done too
        } count{progress};
        ImageResult r;
        r.path = path;
        if (folderMode) {
            std::string name = fs::path(relative).replace_extension(".png").string();
            std::replace(name.begin(), name.end(), '/', '_');
            r.out = (fs::path(out) / name).string();
        } else {
            r.out = out;
        }
        auto decoded = decodeImageFile(path, DecodeOptions{});
        if (!decoded) {
            if (!folderMode) return fail(decoded.error());
            r.error = decoded.error().message;
            results.push_back(std::move(r));
            continue;
        }
        std::string maskPath = folderMode ? (given("--masks") ? findMask(masks, relative) : std::string())
                                          : mask;
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
    overlay.smooth = !blocks;
    for (const Side& s : sides)
        overlay.displaySize = std::max<int>({overlay.displaySize, kMinDisplay, int(s.model->config().vision.imageSize)});
    std::string caption = std::string(methodName(options.method)) + (scale->diverging ? ", diverging" : ", sequential") +
                          " scale " + sig(scale->low) + " .. " + sig(scale->high) +
                          (all.size() > 1 ? ", shared by all panes" : "");
    if (given("--text")) caption += ", query: \"" + text + "\"";
    if (given("--against")) caption += ", query: " + fs::path(against).filename().string();
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
    if (json) {
        Json j = Json::object();
        j["model"] = sides[0].spec;
        j["compare"] = sides.size() > 1 ? Json(sides[1].spec) : Json();
        j["method"] = methodName(options.method);
        j["heads"] = describeHeads(options.heads);
        j["layer"] = layer >= 0 ? Json(int64_t(layer)) : Json();
        Json query;
        if (given("--text")) query = Json::object({{"kind", "text"}, {"text", text}});
        if (given("--against")) query = Json::object({{"kind", "image"}, {"path", against}});
        j["query"] = query;
        Json sc = Json::object();
        sc["low"] = scale->low;
        sc["high"] = scale->high;
        sc["diverging"] = scale->diverging;
        sc["colormap"] = scale->diverging ? "blue-white-red" : paletteName(*palette);
        j["scale"] = sc;
        j["out"] = out;
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
