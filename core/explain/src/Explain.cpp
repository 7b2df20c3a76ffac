#include "diffclip/explain/Explain.h"

#include <torch/torch.h>

#include <cmath>
#include <new>
#include <sstream>

#include "diffclip/base/EnumNames.h"

namespace diffclip::explain {

namespace {

using torch::indexing::None;
using torch::indexing::Slice;

// Runs `body`, turning LibTorch and allocation failures into Error values.
template <typename T, typename F>
Result<T> guarded(const char* what, F&& body) {
    try {
        return body();
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, std::string(what) + ": out of memory");
    } catch (const c10::Error& e) {
        return makeError(ErrorCode::Internal, std::string(what) + ": " + e.what_without_backtrace());
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string(what) + ": " + e.what());
    }
}

Result<at::Tensor> pick(const AttentionMaps& block, Component c) {
    const at::Tensor* t = nullptr;
    switch (c) {
        case Component::A1: t = &block.a1; break;
        case Component::A2: t = &block.a2; break;
        case Component::Difference: t = &block.diff; break;
        case Component::Standard: t = &block.a; break;
        case Component::Auto: return makeError(ErrorCode::Internal, "component not resolved");
    }
    if (!t->defined() || t->dim() != 4)
        return makeError(ErrorCode::InvalidArgument,
                         std::string("the captured maps hold no ") + componentName(c) + " map (wrong attention kind?)");
    return *t;
}

Status checkLayer(int64_t layer, int64_t depth) {
    if (layer < 0 || layer >= depth)
        return makeError(ErrorCode::InvalidArgument, "layer " + std::to_string(layer) +
                                                         " does not exist: the vision tower has " +
                                                         std::to_string(depth) + " blocks (0.." +
                                                         std::to_string(depth - 1) + ")");
    return Status::success();
}

Status checkHead(const HeadChoice& heads, int64_t count) {
    if (heads.mode == HeadMode::Single && (heads.head < 0 || heads.head >= count))
        return makeError(ErrorCode::InvalidArgument, "head " + std::to_string(heads.head) +
                                                         " does not exist: the maps have " + std::to_string(count) +
                                                         " heads (0.." + std::to_string(count - 1) + ")");
    return Status::success();
}

Status checkImage(const ModelConfig& c, const at::Tensor& image) {
    const int64_t S = c.vision.imageSize;
    if (!image.defined() || image.dim() != 3 || image.size(0) != 3 || image.size(1) != S || image.size(2) != S) {
        std::ostringstream s;
        s << "the image must be a (3, " << S << ", " << S << ") tensor";
        if (image.defined()) s << ", not " << image.sizes();
        return makeError(ErrorCode::InvalidArgument, s.str());
    }
    return Status::success();
}

Status checkTarget(const ModelConfig& c, const at::Tensor& target) {
    if (target.defined() && (target.dim() != 1 || target.size(0) != c.embedDim))
        return makeError(ErrorCode::InvalidArgument,
                         "the query embedding must have " + std::to_string(c.embedDim) + " values");
    return Status::success();
}

double cosine(const at::Tensor& a, const at::Tensor& b) {
    return at::cosine_similarity(a.to(at::kFloat).reshape({1, -1}), b.to(a.device(), at::kFloat).reshape({1, -1}), 1, 1e-8)
        .item<double>();
}

int64_t resolveLayer(const ModelConfig& c, int64_t layer) { return layer < 0 ? c.vision.depth - 1 : layer; }

}  // namespace

constexpr EnumName<Method> kMethodNames[] = {
    {Method::Attention, "attention"}, {Method::Rollout, "rollout"}, {Method::Similarity, "similarity"},
    {Method::Gradient, "gradient"}};
static_assert(namesEveryValue(kMethodNames, Method::Gradient));

constexpr EnumName<Component> kComponentNames[] = {
    {Component::Auto, "auto"}, {Component::A1, "a1"}, {Component::A2, "a2"}, {Component::Difference, "diff"},
    {Component::Standard, "a"}};
static_assert(namesEveryValue(kComponentNames, Component::Standard));

const char* methodName(Method m) { return enumName(kMethodNames, m, "attention"); }

const char* componentName(Component c) { return enumName(kComponentNames, c, "auto"); }

Result<Method> parseMethod(const std::string& text) {
    return parseEnum(kMethodNames, text, "method", "attention, rollout, similarity or gradient");
}

Result<Component> parseComponent(const std::string& text) {
    return parseEnum(kComponentNames, text, "component", "auto, a1, a2, diff or a");
}

Result<HeadChoice> parseHeads(const std::string& text) {
    if (text == "mean") return HeadChoice{HeadMode::Mean, 0};
    if (text == "max") return HeadChoice{HeadMode::Max, 0};
    if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos)
        return makeError(ErrorCode::InvalidArgument, "--head takes mean, max or a head index, not \"" + text + "\"");
    return HeadChoice{HeadMode::Single, std::stoll(text)};
}

std::string describeHeads(const HeadChoice& heads) {
    switch (heads.mode) {
        case HeadMode::Mean: return "mean";
        case HeadMode::Max: return "max";
        case HeadMode::Single: return "head " + std::to_string(heads.head);
    }
    return "mean";
}

Result<Component> resolveComponent(AttentionKind kind, Component c) {
    const bool diff = kind == AttentionKind::Differential;
    if (c == Component::Auto) return diff ? Component::Difference : Component::Standard;
    if (diff && c == Component::Standard)
        return makeError(ErrorCode::InvalidArgument, "a differential model has no plain map \"a\": use a1, a2 or diff");
    if (!diff && c != Component::Standard)
        return makeError(ErrorCode::InvalidArgument, std::string("a standard-attention model has no ") +
                                                         componentName(c) + " map: use a");
    return c;
}

int64_t mapHeads(const ModelConfig& config) {
    return config.attention == AttentionKind::Differential ? config.vision.heads / 2 : config.vision.heads;
}

Result<at::Tensor> clsToPatches(const AttentionMaps& block, Component component) {
    auto m = pick(block, component);
    if (!m) return m.error();
    return guarded<at::Tensor>("attention maps", [&] {
        return m->select(2, 0).index({Slice(), Slice(), Slice(1, None)}).to(at::kFloat);
    });
}

Result<at::Tensor> reduceHeads(const at::Tensor& perHead, const HeadChoice& heads) {
    if (!perHead.defined() || perHead.dim() < 2) return makeError(ErrorCode::InvalidArgument, "no per-head maps");
    if (Status s = checkHead(heads, perHead.size(1)); !s) return s.error();
    return guarded<at::Tensor>("head reduction", [&] {
        switch (heads.mode) {
            case HeadMode::Mean: return perHead.mean(1);
            case HeadMode::Max: return std::get<0>(perHead.max(1));
            case HeadMode::Single: break;
        }
        return perHead.select(1, heads.head);
    });
}

Result<at::Tensor> attentionRollout(const std::vector<AttentionMaps>& blocks, Component component,
                                    const HeadChoice& heads, int64_t lastLayer, SignedRollout mode) {
    if (Status s = checkLayer(lastLayer, int64_t(blocks.size())); !s) return s.error();
    const bool signedNorm = component == Component::Difference && mode == SignedRollout::Normalised;
    const bool absolute = component == Component::Difference && mode == SignedRollout::Absolute;
    at::Tensor R;
    for (int64_t l = 0; l <= lastLayer; ++l) {
        auto full = pick(blocks[size_t(l)], component);
        if (!full) return full.error();
        auto M = reduceHeads(absolute ? full->abs() : *full, heads);
        if (!M) return M.error();
        auto step = guarded<at::Tensor>("rollout", [&]() -> at::Tensor {
            const int64_t N = M->size(-1);
            at::Tensor eye = at::eye(N, M->options());
            at::Tensor rowSum = M->sum(-1, true);
            if (signedNorm) {
                // Rows of A1 - lambda*A2 sum to 1 - lambda; the RMSNorm after the product removes
                // that scale, so dividing by it gives the mixing the block applies.
                if (rowSum.min().item<double>() < 1e-3) return {};
                return 0.5 * (*M / rowSum) + 0.5 * eye;
            }
            at::Tensor mixed = 0.5 * *M + 0.5 * eye;
            return mixed / mixed.sum(-1, true);
        });
        if (!step) return step.error();
        if (!step->defined()) {
            std::ostringstream s;
            s << "block " << l << ": A1 − λA2 has rows summing to";
            if (blocks[size_t(l)].lambda.defined()) s << " 1 − λ = " << 1.0 - blocks[size_t(l)].lambda.item<double>();
            else s << " almost nothing";
            s << ", so the signed rollout is undefined; use the absolute rollout";
            return makeError(ErrorCode::Unsupported, s.str());
        }
        R = R.defined() ? at::matmul(*step, R) : *step;
    }
    return R;
}

Result<PatchGrid> toGrid(const at::Tensor& values, int rows, int cols, bool isSigned) {
    if (!values.defined() || values.numel() != int64_t(rows) * cols)
        return makeError(ErrorCode::InvalidArgument, "the map does not fit a " + std::to_string(rows) + "x" +
                                                         std::to_string(cols) + " patch grid");
    return guarded<PatchGrid>("map", [&] {
        at::Tensor v = values.detach().to(at::kCPU, at::kFloat).contiguous().reshape({-1});
        PatchGrid g;
        g.rows = rows;
        g.cols = cols;
        g.isSigned = isSigned;
        g.values.assign(v.data_ptr<float>(), v.data_ptr<float>() + v.numel());
        return g;
    });
}

Result<AttentionCapture> captureAttention(const ClipModel& model, const at::Tensor& image) {
    if (Status s = checkImage(model->config(), image); !s) return s.error();
    return guarded<AttentionCapture>("attention capture", [&] {
        c10::InferenceMode inference;
        AttentionCapture c;
        c.embedding = model->encodeImage(image.unsqueeze(0), &c.blocks).squeeze(0);
        return c;
    });
}

Result<Explanation> explainAttention(const ModelConfig& config, const AttentionCapture& capture,
                                     const ExplainOptions& options, const at::Tensor& target) {
    if (options.method != Method::Attention && options.method != Method::Rollout)
        return makeError(ErrorCode::InvalidArgument, std::string("explainAttention cannot compute ") +
                                                         methodName(options.method) + " maps");
    if (Status s = checkTarget(config, target); !s) return s.error();
    const int64_t layer = resolveLayer(config, options.layer);
    if (Status s = checkLayer(layer, int64_t(capture.blocks.size())); !s) return s.error();
    auto comp = resolveComponent(config.attention, options.component);
    if (!comp) return comp.error();
    if (Status s = checkHead(options.heads, mapHeads(config)); !s) return s.error();
    const int grid = int(config.vision.gridSize());
    Explanation e;
    e.component = *comp;
    e.layer = layer;
    at::Tensor row;
    bool isSigned = *comp == Component::Difference;
    if (options.method == Method::Attention) {
        auto perHead = clsToPatches(capture.blocks[size_t(layer)], *comp);
        if (!perHead) return perHead.error();
        auto reduced = reduceHeads(*perHead, options.heads);
        if (!reduced) return reduced.error();
        row = *reduced;
    } else {
        auto R = attentionRollout(capture.blocks, *comp, options.heads, layer, options.rollout);
        if (!R) return R.error();
        row = R->index({Slice(), 0, Slice(1, None)});
        isSigned = isSigned && options.rollout == SignedRollout::Normalised;
    }
    auto g = toGrid(row, grid, grid, isSigned);
    if (!g) return g.error();
    e.map = std::move(*g);
    auto filled = guarded<bool>("attention maps", [&] {
        if (config.attention == AttentionKind::Differential)
            for (int64_t l = 0; l <= layer; ++l) e.lambdas.push_back(capture.blocks[size_t(l)].lambda.item<double>());
        if (target.defined()) {
            e.similarity = cosine(capture.embedding, target);
            e.hasTarget = true;
        }
        return true;
    });
    if (!filled) return filled.error();
    static const char* names[] = {"auto", "A1", "A2", "A1-lambda*A2", "A"};
    std::ostringstream t;
    if (options.method == Method::Rollout)
        t << "rollout " << (*comp == Component::Difference && options.rollout == SignedRollout::Absolute ? "|" : "")
          << names[int(*comp)]
          << (*comp == Component::Difference && options.rollout == SignedRollout::Absolute ? "|" : "") << " to block "
          << layer;
    else
        t << names[int(*comp)] << ", block " << layer;
    t << ", " << describeHeads(options.heads);
    e.title = t.str();
    return e;
}

Result<Explanation> explainImage(const ClipModel& model, const at::Tensor& image, const ExplainOptions& options,
                                 const at::Tensor& target) {
    const ModelConfig& config = model->config();
    if (Status s = checkImage(config, image); !s) return s.error();
    if (Status s = checkTarget(config, target); !s) return s.error();
    if (options.method == Method::Attention || options.method == Method::Rollout) {
        auto capture = captureAttention(model, image);
        if (!capture) return capture.error();
        return explainAttention(config, *capture, options, target);
    }
    if (!target.defined())
        return makeError(ErrorCode::InvalidArgument, std::string("the ") + methodName(options.method) +
                                                         " map needs a query (an image or a text) to explain");
    const int grid = int(config.vision.gridSize());
    Explanation e;
    e.hasTarget = true;
    if (options.method == Method::Similarity) {
        if (options.layer >= 0 && options.layer != config.vision.depth - 1)
            return makeError(ErrorCode::InvalidArgument,
                             "the similarity map uses the final tokens (block " +
                                 std::to_string(config.vision.depth - 1) + "); --layer does not apply");
        e.layer = config.vision.depth - 1;
        auto row = guarded<at::Tensor>("similarity map", [&] {
            c10::InferenceMode inference;
            VisionTokens tokens = model->encodeImageTokens(image.unsqueeze(0));
            e.similarity = cosine(tokens.embedding, target);
            at::Tensor patches = tokens.projected.index({0, Slice(1, None)});
            return at::cosine_similarity(patches, target.to(patches.device(), at::kFloat).unsqueeze(0), 1, 1e-8);
        });
        if (!row) return row.error();
        auto g = toGrid(*row, grid, grid, true);
        if (!g) return g.error();
        e.map = std::move(*g);
        e.title = "patch similarity to query";
        return e;
    }
    const int64_t layer = resolveLayer(config, options.layer);
    auto grad = similarityGradient(model, image, target, layer);
    if (!grad) return grad.error();
    e.layer = layer;
    e.similarity = grad->similarity;
    auto row = guarded<at::Tensor>("gradient map", [&] {
        return (grad->tokenGradient * grad->tokens).to(at::kFloat).sum(-1).index({Slice(1, None)});
    });
    if (!row) return row.error();
    auto g = toGrid(*row, grid, grid, true);
    if (!g) return g.error();
    e.map = std::move(*g);
    e.title = "grad x input, block " + std::to_string(layer) + " input";
    return e;
}

Result<SimilarityGradient> similarityGradient(const ClipModel& model, const at::Tensor& image,
                                              const at::Tensor& target, int64_t layer) {
    const ModelConfig& config = model->config();
    if (Status s = checkImage(config, image); !s) return s.error();
    if (!target.defined()) return makeError(ErrorCode::InvalidArgument, "the gradient map needs a query embedding");
    if (Status s = checkTarget(config, target); !s) return s.error();
    layer = resolveLayer(config, layer);
    if (Status s = checkLayer(layer, config.vision.depth); !s) return s.error();
    return guarded<SimilarityGradient>("gradient map", [&] {
        // The caller may hold inference mode or a no-grad guard: both are thread-local.
        c10::InferenceMode noInference(false);
        torch::AutoGradMode withGrad(true);
        // A leaf that requires grad makes every token part of the graph even when the weights
        // are frozen. Clones, because tensors made under the caller's inference mode cannot
        // join a graph.
        at::Tensor input = image.clone().to(model->device(), model->dtype()).unsqueeze(0).detach().requires_grad_(true);
        VisionTokens tokens = model->encodeImageTokens(input);
        at::Tensor t = target.clone().to(tokens.embedding.device(), at::kFloat).unsqueeze(0);
        at::Tensor cos = at::cosine_similarity(tokens.embedding, t, 1, 1e-8).sum();
        at::Tensor h = tokens.hidden[size_t(layer)];
        std::vector<at::Tensor> grads = torch::autograd::grad({cos}, {h, input});
        SimilarityGradient out;
        out.similarity = cos.item<double>();
        out.tokens = h.detach().squeeze(0);
        out.tokenGradient = grads[0].detach().squeeze(0);
        out.imageGradient = grads[1].detach().squeeze(0);
        return out;
    });
}

Result<FaithfulnessCurves> faithfulness(const ClipModel& model, const at::Tensor& image, const PatchGrid& map,
                                        const at::Tensor& target, int steps, int64_t batch) {
    const ModelConfig& config = model->config();
    if (Status s = checkImage(config, image); !s) return s.error();
    if (Status s = checkTarget(config, target); !s) return s.error();
    if (Status s = checkGrid(map, "map"); !s) return s.error();
    const int64_t grid = config.vision.gridSize(), patch = config.vision.patchSize;
    if (map.rows != grid || map.cols != grid)
        return makeError(ErrorCode::InvalidArgument, "the map is not the model's " + std::to_string(grid) + "x" +
                                                         std::to_string(grid) + " patch grid");
    if (steps < 1 || steps > 256) return makeError(ErrorCode::InvalidArgument, "faithfulness steps must be 1..256");
    if (batch < 1) return makeError(ErrorCode::InvalidArgument, "faithfulness batch must be >= 1");
    const std::vector<int> order = rankPatches(map);
    const int64_t P = int64_t(order.size());
    return guarded<FaithfulnessCurves>("faithfulness", [&] {
        c10::InferenceMode inference;
        at::Tensor img = image.to(model->device(), at::kFloat);
        at::Tensor goal = target.defined() ? target.to(model->device(), at::kFloat)
                                           : model->encodeImage(img.unsqueeze(0)).squeeze(0);
        // keep[k] = 1 on the patches still present after deleting the first n_k ranked patches.
        std::vector<int64_t> counts;
        at::Tensor keep = at::ones({steps + 1, P}, at::kFloat);
        auto keepA = keep.accessor<float, 2>();
        for (int k = 0; k <= steps; ++k) {
            const int64_t n = std::llround(double(k) * double(P) / double(steps));
            counts.push_back(n);
            for (int64_t i = 0; i < n; ++i) keepA[k][order[size_t(i)]] = 0.f;
        }
        at::Tensor pixelKeep = keep.view({steps + 1, 1, grid, grid})
                                   .repeat_interleave(patch, 2)
                                   .repeat_interleave(patch, 3)
                                   .to(img.device());
        // Deletion images first, then insertion images (only the deleted patches shown).
        at::Tensor all = at::cat({img.unsqueeze(0) * pixelKeep, img.unsqueeze(0) * (1 - pixelKeep)}, 0);
        std::vector<double> scores;
        for (int64_t start = 0; start < all.size(0); start += batch) {
            at::Tensor emb = model->encodeImage(all.index({Slice(start, std::min(all.size(0), start + batch))}));
            at::Tensor cos = at::cosine_similarity(emb, goal.unsqueeze(0), 1, 1e-8).to(at::kCPU, at::kDouble);
            for (int64_t i = 0; i < cos.size(0); ++i) scores.push_back(cos[i].item<double>());
        }
        FaithfulnessCurves c;
        for (int k = 0; k <= steps; ++k) {
            c.fraction.push_back(double(counts[size_t(k)]) / double(P));
            c.deletion.push_back(scores[size_t(k)]);
            c.insertion.push_back(scores[size_t(steps + 1 + k)]);
        }
        c.deletionAuc = areaUnderCurve(c.fraction, c.deletion);
        c.insertionAuc = areaUnderCurve(c.fraction, c.insertion);
        return c;
    });
}

}  // namespace diffclip::explain
