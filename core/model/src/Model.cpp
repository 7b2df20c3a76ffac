#include "diffclip/model/Model.h"

#include <torch/version.h>

#include <cmath>
#include <numeric>
#include <sstream>

#include "diffclip/model/Runtime.h"

#include "Int8Linear.h"

namespace diffclip {

bool hasFusedAttention() {
#if TORCH_VERSION_MAJOR >= 2
    return true;
#else
    return false;
#endif
}

namespace {

using torch::indexing::None;
using torch::indexing::Slice;

// A module that only holds named parameters (Linear, LayerNorm, Embedding ... as the
// reference names them); the math lives in the free functions below.
struct ParamsImpl : torch::nn::Module {
    at::Tensor& add(const std::string& name, at::IntArrayRef shape) {
        return register_parameter(name, torch::zeros(shape));
    }
};

// The int8 path: a packed weight (Int8Linear.h) replaces the float product of each block's
// linear layers. Packing is two-phase (all layers packed, then swapped in) so that a failure
// leaves the model as it was.
using Int8Packing = std::vector<std::pair<c10::IValue*, c10::IValue>>;

struct Linear {
    at::Tensor w, b;
    c10::IValue packed;  // int8 weights packed for the quantized engine; None on other paths
    void reg(torch::nn::Module& parent, const std::string& name, int64_t in, int64_t out) {
        auto p = std::make_shared<ParamsImpl>();
        w = p->add("weight", {out, in});
        b = p->add("bias", {out});
        parent.register_module(name, p);
    }
    at::Tensor operator()(const at::Tensor& x) const {
        if (packed.isNone()) return at::linear(x, w, b);
        return int8::linear(x, packed, b);
    }
    void packInt8(int bits, Int8Packing& out) { out.emplace_back(&packed, int8::pack(w, bits)); }
};

struct Norm {
    at::Tensor w, b;  // b undefined for RMSNorm
    double eps = 1e-5;
    void reg(torch::nn::Module& parent, const std::string& name, int64_t width, double epsilon, bool bias = true) {
        auto p = std::make_shared<ParamsImpl>();
        w = p->add("weight", {width});
        if (bias) b = p->add("bias", {width});
        eps = epsilon;
        parent.register_module(name, p);
    }
    // LayerNorm computed in float32 (as the reference does for the text tower; harmless and
    // more accurate elsewhere), returned in the input dtype.
    at::Tensor layerNorm(const at::Tensor& x) const {
        if (x.scalar_type() == at::kFloat) return at::layer_norm(x, {w.size(0)}, w, b, eps);
        return at::layer_norm(x.to(at::kFloat), {w.size(0)}, w.to(at::kFloat), b.to(at::kFloat), eps)
            .to(x.scalar_type());
    }
    // RMSNorm as the Diff Transformer reference: normalise in float32, cast back, then scale.
    at::Tensor rmsNorm(const at::Tensor& x) const {
        at::Tensor xf = x.to(at::kFloat);
        at::Tensor y = xf * at::rsqrt(xf.pow(2).mean(-1, true) + eps);
        return y.to(x.scalar_type()) * w;
    }
};

at::Tensor causalMask(int64_t n, const at::TensorOptions& options) {
    return at::full({n, n}, -std::numeric_limits<float>::infinity(), options).triu(1);
}

at::Tensor softmaxRows(const at::Tensor& scores) {
    if (scores.scalar_type() == at::kFloat) return at::softmax(scores, -1);
    return at::softmax(scores, -1, at::kFloat).to(scores.scalar_type());
}

struct AttentionBase : torch::nn::Module {
    int64_t heads = 1;
    virtual at::Tensor forward(const at::Tensor& x, bool causal, bool fused, AttentionMaps* maps) const = 0;
    virtual void packInt8(int bits, Int8Packing& out) = 0;
};

// Differential attention (DIFFCLIP.md): q,k as 2h heads of d, v as h heads of 2d.
struct DiffAttention : AttentionBase {
    Linear q, k, v, out;
    Norm subNorm;
    at::Tensor lq1, lk1, lq2, lk2;
    double lambdaInit = 0.8;

    DiffAttention(int64_t width, int64_t numHeads, double lambda0) {
        heads = numHeads;
        lambdaInit = lambda0;
        const int64_t d = width / numHeads;
        lq1 = register_parameter("lambda_q1", torch::zeros({d}));
        lk1 = register_parameter("lambda_k1", torch::zeros({d}));
        lq2 = register_parameter("lambda_q2", torch::zeros({d}));
        lk2 = register_parameter("lambda_k2", torch::zeros({d}));
        q.reg(*this, "q_proj", width, width);
        k.reg(*this, "k_proj", width, width);
        v.reg(*this, "v_proj", width, width);
        out.reg(*this, "out_proj", width, width);
        subNorm.reg(*this, "diff_norm", 2 * d, 1e-5, false);
    }

    // int8: q, k and v read the same input: one product over their stacked weights quantises it
    // once instead of three times.
    c10::IValue qkvPacked;
    at::Tensor qkvBias;
    void packInt8(int bits, Int8Packing& packs) override {
        packs.emplace_back(&qkvPacked, int8::pack(at::cat({q.w, k.w, v.w}), bits));
        qkvBias = at::cat({q.b, k.b, v.b}).detach();
        out.packInt8(bits, packs);
    }

    at::Tensor lambda() const {
        auto l1 = at::exp(at::sum(lq1.to(at::kFloat) * lk1.to(at::kFloat)));
        auto l2 = at::exp(at::sum(lq2.to(at::kFloat) * lk2.to(at::kFloat)));
        return l1 - l2 + lambdaInit;
    }

    at::Tensor forward(const at::Tensor& x, bool causal, bool fused, AttentionMaps* maps) const override {
        const int64_t B = x.size(0), N = x.size(1), D = x.size(2);
        const int64_t H = heads, h = H / 2, d = D / H;
        at::Tensor qx, kx, vx;
        if (qkvPacked.isNone()) {
            qx = q(x);
            kx = k(x);
            vx = v(x);
        } else {
            auto parts = int8::linear(x, qkvPacked, qkvBias).split(D, -1);
            qx = parts[0];
            kx = parts[1];
            vx = parts[2];
        }
        at::Tensor qh = qx.reshape({B, N, H, d}).transpose(1, 2);
        at::Tensor kh = kx.reshape({B, N, H, d}).transpose(1, 2);
        at::Tensor vh = vx.reshape({B, N, h, 2 * d}).transpose(1, 2);
        at::Tensor lam = lambda();
        at::Tensor o;
#if TORCH_VERSION_MAJOR >= 2
        if (fused && !maps) {
            // (A1 - lam*A2) V = A1 V - lam (A2 V): two fused calls over the interleaved heads.
            at::Tensor q1 = qh.index({Slice(), Slice(0, None, 2)}), q2 = qh.index({Slice(), Slice(1, None, 2)});
            at::Tensor k1 = kh.index({Slice(), Slice(0, None, 2)}), k2 = kh.index({Slice(), Slice(1, None, 2)});
            at::Tensor o1 = at::scaled_dot_product_attention(q1, k1, vh, {}, 0.0, causal);
            at::Tensor o2 = at::scaled_dot_product_attention(q2, k2, vh, {}, 0.0, causal);
            o = o1 - lam.to(o2.scalar_type()) * o2;
        }
#endif
        if (!o.defined()) {
            at::Tensor scores = at::matmul(qh * (1.0 / std::sqrt(double(d))), kh.transpose(-2, -1));
            if (causal) scores = scores + causalMask(N, scores.options());
            at::Tensor p = softmaxRows(scores).view({B, h, 2, N, N});
            at::Tensor a1 = p.select(2, 0), a2 = p.select(2, 1);
            at::Tensor diff = a1 - lam.to(p.scalar_type()) * a2;
            if (maps) {
                maps->a1 = a1.to(at::kFloat);
                maps->a2 = a2.to(at::kFloat);
                maps->lambda = lam.detach().clone();
                maps->diff = diff.to(at::kFloat);
            }
            o = at::matmul(diff, vh);
        }
        o = subNorm.rmsNorm(o) * (1.0 - lambdaInit);
        return out(o.transpose(1, 2).reshape({B, N, D}));
    }
};

// Standard multi-head attention; `fusedInProj` selects the parameter layout: timm's
// qkv/proj (vision) or nn.MultiheadAttention's in_proj_weight/out_proj (text).
struct StdAttention : AttentionBase {
    Linear qkv, out;
    StdAttention(int64_t width, int64_t numHeads, bool timmLayout) {
        heads = numHeads;
        if (timmLayout) {
            qkv.reg(*this, "qkv", width, 3 * width);
            out.reg(*this, "proj", width, width);
        } else {
            qkv.w = register_parameter("in_proj_weight", torch::zeros({3 * width, width}));
            qkv.b = register_parameter("in_proj_bias", torch::zeros({3 * width}));
            out.reg(*this, "out_proj", width, width);
        }
    }

    void packInt8(int bits, Int8Packing& packs) override {
        qkv.packInt8(bits, packs);
        out.packInt8(bits, packs);
    }

    at::Tensor forward(const at::Tensor& x, bool causal, bool fused, AttentionMaps* maps) const override {
        const int64_t B = x.size(0), N = x.size(1), D = x.size(2);
        const int64_t H = heads, d = D / H;
        at::Tensor t = qkv(x).view({B, N, 3, H, d}).permute({2, 0, 3, 1, 4});
        at::Tensor qh = t[0], kh = t[1], vh = t[2];
        at::Tensor o;
#if TORCH_VERSION_MAJOR >= 2
        if (fused && !maps) o = at::scaled_dot_product_attention(qh, kh, vh, {}, 0.0, causal);
#endif
        if (!o.defined()) {
            at::Tensor scores = at::matmul(qh * (1.0 / std::sqrt(double(d))), kh.transpose(-2, -1));
            if (causal) scores = scores + causalMask(N, scores.options());
            at::Tensor p = softmaxRows(scores);
            if (maps) maps->a = p.to(at::kFloat);
            o = at::matmul(p, vh);
        }
        return out(o.transpose(1, 2).reshape({B, N, D}));
    }
};

struct Block : torch::nn::Module {
    Norm n1, n2;
    std::shared_ptr<AttentionBase> attn;
    Linear fc1, fc2;
    bool quickGelu = false;

    Block(bool text, AttentionKind kind, int64_t width, int64_t heads, int64_t mlp, double eps, double lambdaInit) {
        quickGelu = text;
        n1.reg(*this, text ? "ln_1" : "norm1", width, eps);
        if (kind == AttentionKind::Differential) attn = std::make_shared<DiffAttention>(width, heads, lambdaInit);
        else attn = std::make_shared<StdAttention>(width, heads, !text);
        register_module("attn", attn);
        n2.reg(*this, text ? "ln_2" : "norm2", width, eps);
        auto mlpMod = std::make_shared<ParamsImpl>();
        fc1.reg(*mlpMod, text ? "c_fc" : "fc1", width, mlp);
        fc2.reg(*mlpMod, text ? "c_proj" : "fc2", mlp, width);
        register_module("mlp", mlpMod);
    }

    void packInt8(int bits, Int8Packing& packs) {
        attn->packInt8(bits, packs);
        fc1.packInt8(bits, packs);
        fc2.packInt8(bits, packs);
    }

    at::Tensor forward(at::Tensor x, bool causal, bool fused, AttentionMaps* maps) const {
        x = x + attn->forward(n1.layerNorm(x), causal, fused, maps);
        at::Tensor hdn = fc1(n2.layerNorm(x));
        hdn = quickGelu ? hdn * at::sigmoid(hdn * 1.702) : at::gelu(hdn);
        return x + fc2(hdn);
    }
};

struct Tower : torch::nn::Module {
    std::vector<std::shared_ptr<Block>> blocks;
    void build(const std::string& listName, bool text, const ModelConfig& c, int64_t width, int64_t depth,
               int64_t heads, int64_t mlp, double eps) {
        auto list = std::make_shared<ParamsImpl>();
        for (int64_t i = 0; i < depth; ++i) {
            blocks.push_back(std::make_shared<Block>(text, c.attention, width, heads, mlp, eps, c.lambdaInit));
            list->register_module(std::to_string(i), blocks.back());
        }
        register_module(listName, list);
    }
    at::Tensor run(at::Tensor x, bool causal, bool fused, std::vector<AttentionMaps>* maps) const {
        if (maps) maps->assign(blocks.size(), AttentionMaps{});
        for (size_t i = 0; i < blocks.size(); ++i) x = blocks[i]->forward(x, causal, fused, maps ? &(*maps)[i] : nullptr);
        return x;
    }
};

// One stage of the convolutional stem: 3x3 convolution (no bias: GroupNorm follows), GroupNorm,
// ReLU. GroupNorm rather than BatchNorm: no running statistics, so training and inference
// compute the same thing and small training batches do not skew it.
struct StemStage {
    at::Tensor w, gnW, gnB;
    int64_t stride = 2, groups = 1;
    void reg(torch::nn::Module& parent, const std::string& name, int64_t in, int64_t out, int64_t s) {
        auto stage = std::make_shared<ParamsImpl>();
        auto conv = std::make_shared<ParamsImpl>();
        w = conv->add("weight", {out, in, 3, 3});
        stage->register_module("conv", conv);
        auto norm = std::make_shared<ParamsImpl>();
        gnW = norm->add("weight", {out});
        gnB = norm->add("bias", {out});
        stage->register_module("norm", norm);
        parent.register_module(name, stage);
        stride = s;
        groups = std::gcd(out, int64_t(8));
    }
    at::Tensor operator()(const at::Tensor& x) const {
        // Stride 2 overlaps its 3x3 windows (padding 1); stride 3 tiles them exactly.
        at::Tensor y = at::conv2d(x, w, {}, {stride, stride}, {stride == 2 ? 1 : 0, stride == 2 ? 1 : 0});
        return at::relu(at::group_norm(y, groups, gnW, gnB, 1e-5));
    }
};

struct Visual : Tower {
    at::Tensor cls, pos, patchW, patchB;
    std::vector<StemStage> stem;
    Norm norm;
    int64_t patch = 16;
    explicit Visual(const ModelConfig& c) {
        const auto& v = c.vision;
        patch = v.patchSize;
        cls = register_parameter("cls_token", torch::zeros({1, 1, v.width}));
        pos = register_parameter("pos_embed", torch::zeros({1, v.tokens(), v.width}));
        auto pe = std::make_shared<ParamsImpl>();
        int64_t in = 3, kernel = v.patchSize;
        if (!v.stemChannels.empty()) {
            auto list = std::make_shared<ParamsImpl>();
            const auto strides = v.stemStrides();
            stem.resize(v.stemChannels.size());
            for (size_t i = 0; i < stem.size(); ++i) {
                stem[i].reg(*list, std::to_string(i), in, v.stemChannels[i], strides[i]);
                in = v.stemChannels[i];
            }
            pe->register_module("stem", list);
            kernel = 1;
        }
        auto proj = std::make_shared<ParamsImpl>();
        patchW = proj->add("weight", {v.width, in, kernel, kernel});
        patchB = proj->add("bias", {v.width});
        pe->register_module("proj", proj);
        register_module("patch_embed", pe);
        build("blocks", false, c, v.width, v.depth, v.heads, v.mlpWidth(), v.normEps);
        norm.reg(*this, "norm", v.width, v.normEps);
    }

    /// The input tokens of the blocks: patch embeddings after the CLS token, plus positions.
    at::Tensor tokens(const at::Tensor& images) const {
        at::Tensor x;
        if (stem.empty()) {
            x = at::conv2d(images, patchW, patchB, {patch, patch});
        } else {
            x = images;
            for (const auto& stage : stem) x = stage(x);
            x = at::conv2d(x, patchW, patchB);
        }
        const int64_t B = x.size(0);
        x = x.flatten(2).transpose(1, 2);
        return at::cat({cls.expand({B, -1, -1}), x}, 1) + pos;
    }
};

}  // namespace

ClipModelImpl::ClipModelImpl(const ModelConfig& config) : m_config(config) {
    const auto& t = config.text;
    auto visual = std::make_shared<Visual>(config);
    m_visual = register_module("visual", visual);
    auto text = std::make_shared<Tower>();
    text->build("resblocks", true, config, t.width, t.layers, t.heads, t.mlpWidth(), t.normEps);
    m_text = register_module("transformer", text);
    auto tokEmb = std::make_shared<ParamsImpl>();
    m_tokenEmbedding = tokEmb->add("weight", {t.vocabSize, t.width});
    register_module("token_embedding", tokEmb);
    m_positionalEmbedding = register_parameter("positional_embedding", torch::zeros({t.contextLength, t.width}));
    auto lnFinal = std::make_shared<ParamsImpl>();
    m_lnFinalWeight = lnFinal->add("weight", {t.width});
    m_lnFinalBias = lnFinal->add("bias", {t.width});
    register_module("ln_final", lnFinal);
    m_imageProjection = register_parameter("image_projection", torch::zeros({config.vision.width, config.embedDim}));
    m_textProjection = register_parameter("text_projection", torch::zeros({t.width, config.embedDim}));
    m_logitScale = register_parameter("logit_scale", torch::zeros({}));
}

at::ScalarType ClipModelImpl::dtype() const { return m_imageProjection.scalar_type(); }
at::Device ClipModelImpl::device() const { return m_imageProjection.device(); }
at::ScalarType ClipModelImpl::precision() const { return m_int8 ? at::kQInt8 : dtype(); }

Status ClipModelImpl::quantizeLinears(int weightBits) {
    if (m_int8) return Status::success();
    if (weightBits < 2 || weightBits > 8) return makeError(ErrorCode::InvalidArgument, "int8 weight bits must be 2..8");
    if (!device().is_cpu() || dtype() != at::kFloat)
        return makeError(ErrorCode::Unsupported, "int8 needs float32 weights on the CPU");
    if (Status s = int8Supported(); !s) return s;
    int8::selectEngine();
    // All or nothing: a failure leaves the model on its float path.
    Int8Packing packs;
    try {
        torch::NoGradGuard noGrad;
        for (const auto& tower : {m_visual, m_text})
            for (const auto& block : std::static_pointer_cast<Tower>(tower)->blocks) block->packInt8(weightBits, packs);
    } catch (const c10::Error& e) {
        return makeError(ErrorCode::Internal, std::string("int8 quantisation failed: ") + e.what_without_backtrace());
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("int8 quantisation failed: ") + e.what());
    }
    for (auto& [target, value] : packs) *target = std::move(value);
    m_int8 = true;
    m_int8WeightBits = weightBits;
    return Status::success();
}

at::Tensor ClipModelImpl::encodeImage(const at::Tensor& images, std::vector<AttentionMaps>* maps) const {
    const auto& vis = static_cast<const Visual&>(*m_visual);
    const bool fused = m_path == AttentionPath::Auto && hasFusedAttention();
    at::Tensor x = vis.run(vis.tokens(images.to(device(), dtype())), false, fused, maps);
    x = vis.norm.layerNorm(x).select(1, 0);
    return at::matmul(x, m_imageProjection).to(at::kFloat);
}

at::Tensor ClipModelImpl::flipAverage(const at::Tensor& images, int64_t views) const {
    const auto unit = [](const at::Tensor& e) { return e / e.norm(2, 1, true).clamp_min(1e-12); };
    if (views < 2) return unit(encodeImage(images));
    // (B, 3, H, W): width is dimension 3, height 2.
    const std::vector<std::vector<int64_t>> flips = {{3}, {2}, {2, 3}};
    const size_t extra = views >= 4 ? 3 : 1;  // the mirror image; with 4 also vertical and both
    at::Tensor sum = unit(encodeImage(images));
    for (size_t v = 0; v < extra; ++v) sum = sum + unit(encodeImage(images.flip(flips[v])));
    return unit(sum);
}

Status ClipModelImpl::setFlipViews(int64_t views) {
    if (views != 1 && views != 2 && views != 4) return makeError(ErrorCode::InvalidArgument, "flip views must be 1, 2 or 4");
    m_config.preprocess.flipViews = views;
    return Status::success();
}

VisionTokens ClipModelImpl::encodeImageTokens(const at::Tensor& images, std::vector<AttentionMaps>* maps) const {
    const auto& vis = static_cast<const Visual&>(*m_visual);
    const bool fused = m_path == AttentionPath::Auto && hasFusedAttention();
    at::Tensor x = vis.tokens(images.to(device(), dtype()));
    VisionTokens out;
    if (maps) maps->assign(vis.blocks.size(), AttentionMaps{});
    out.hidden.push_back(x);
    for (size_t i = 0; i < vis.blocks.size(); ++i) {
        x = vis.blocks[i]->forward(x, false, fused, maps ? &(*maps)[i] : nullptr);
        out.hidden.push_back(x);
    }
    out.projected = at::matmul(vis.norm.layerNorm(x), m_imageProjection).to(at::kFloat);
    out.embedding = out.projected.select(1, 0);
    return out;
}

at::Tensor ClipModelImpl::encodeText(const at::Tensor& tokens, std::vector<AttentionMaps>* maps) const {
    const auto& text = static_cast<const Tower&>(*m_text);
    const bool fused = m_path == AttentionPath::Auto && hasFusedAttention();
    at::Tensor ids = tokens.to(device(), at::kLong);
    at::Tensor eot = ids.argmax(-1);
    // Causal attention: tokens after the last end token in the batch never reach an output.
    const int64_t used = eot.max().item<int64_t>() + 1;
    ids = ids.index({Slice(), Slice(0, used)});
    at::Tensor x = at::embedding(m_tokenEmbedding, ids) + m_positionalEmbedding.index({Slice(0, used)});
    x = text.run(x, true, fused, maps);
    Norm lnFinal{m_lnFinalWeight, m_lnFinalBias, m_config.text.normEps};
    x = lnFinal.layerNorm(x);
    x = x.index({at::arange(x.size(0), ids.options()), eot});
    return at::matmul(x, m_textProjection).to(at::kFloat);
}

double ClipModelImpl::logitScale() const { return std::exp(m_logitScale.to(at::kDouble).item<double>()); }

at::Tensor ClipModelImpl::similarity(const at::Tensor& imageEmbeddings, const at::Tensor& textEmbeddings) const {
    auto a = imageEmbeddings.to(at::kFloat);
    auto b = textEmbeddings.to(at::kFloat);
    a = a / a.norm(2, -1, true).clamp_min(1e-12);
    b = b / b.norm(2, -1, true).clamp_min(1e-12);
    return logitScale() * at::matmul(a, b.t());
}

StateDict ClipModelImpl::weights() const {
    StateDict out;
    for (const auto& item : named_parameters(true)) out.emplace_back(item.key(), item.value());
    return out;
}

Status ClipModelImpl::loadWeights(const StateDict& dict) {
    std::unordered_map<std::string, const at::Tensor*> byName;
    for (const auto& [name, tensor] : dict) byName[name] = &tensor;
    std::vector<std::string> missing, wrongShape;
    auto params = named_parameters(true);
    for (const auto& item : params) {
        auto it = byName.find(item.key());
        if (it == byName.end()) {
            missing.push_back(item.key());
            continue;
        }
        if (it->second->sizes() != item.value().sizes()) {
            std::ostringstream s;
            s << item.key() << " is " << it->second->sizes() << ", expected " << item.value().sizes();
            wrongShape.push_back(s.str());
        }
        byName.erase(it);
    }
    auto list = [](const std::vector<std::string>& v) {
        std::string s;
        for (size_t i = 0; i < v.size() && i < 5; ++i) s += (i ? ", " : "") + v[i];
        if (v.size() > 5) s += ", ... (" + std::to_string(v.size()) + " in all)";
        return s;
    };
    std::vector<std::string> unexpected;
    for (const auto& [name, t] : byName) unexpected.push_back(name);
    std::sort(unexpected.begin(), unexpected.end());
    if (!wrongShape.empty()) return makeError(ErrorCode::Mismatch, "weights of the wrong shape: " + list(wrongShape));
    if (!missing.empty()) return makeError(ErrorCode::Mismatch, "weights missing: " + list(missing));
    if (!unexpected.empty()) return makeError(ErrorCode::Mismatch, "tensors the architecture does not have: " + list(unexpected));
    torch::NoGradGuard noGrad;
    for (auto& item : params) {
        const at::Tensor& src = *findTensor(dict, item.key());
        if (src.scalar_type() == at::kBool || !at::isFloatingType(src.scalar_type()))
            return makeError(ErrorCode::Mismatch, item.key() + " is not a floating-point tensor");
        item.value().copy_(src);
    }
    return Status::success();
}

void ClipModelImpl::initialiseRandom(uint64_t seed) {
    torch::NoGradGuard noGrad;
    auto gen = at::detail::createCPUGenerator(seed);
    for (auto& item : named_parameters(true)) {
        const std::string& name = item.key();
        at::Tensor p = item.value();
        auto ends = [&](const char* suffix) {
            const std::string s(suffix);
            return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
        };
        at::Tensor init = at::empty(p.sizes(), at::TensorOptions().dtype(at::kFloat));
        if (name == "logit_scale") init.fill_(std::log(1.0 / 0.07));
        else if (ends(".bias") || name.find("_bias") != std::string::npos) init.zero_();
        else if (name.find("norm") != std::string::npos || name.find("ln_") != std::string::npos) init.fill_(1.0);
        else if (name.find(".stem.") != std::string::npos)  // He initialisation: ReLU follows
            init.normal_(0.0, std::sqrt(2.0 / double(p[0].numel())), gen);
        else if (name.find("lambda_") != std::string::npos) init.normal_(0.0, 0.1, gen);
        else if (name.find("pos") != std::string::npos) init.normal_(0.0, 0.01, gen);
        else if (name.find("projection") != std::string::npos) init.normal_(0.0, std::pow(double(p.size(0)), -0.5), gen);
        else init.normal_(0.0, 0.02, gen);
        p.copy_(init);
    }
}

ClipModel convertModel(const ClipModel& model, at::Device device, at::ScalarType dtype) {
    if (dtype == at::kQInt8) {
        // The float32 weights are shared with a CPU float32 source (the int8 products do not
        // read them): the copy costs the packed int8 weights only.
        const bool share = model->device().is_cpu() && model->dtype() == at::kFloat && !model->isInt8();
        ClipModel copy = share ? ClipModel(model->config()) : convertModel(model, c10::Device(c10::kCPU), at::kFloat);
        if (share) {
            torch::NoGradGuard noGrad;
            auto src = model->named_parameters(true);
            for (auto& item : copy->named_parameters(true)) item.value().set_data(*src.find(item.key()));
            copy->setAttentionPath(model->attentionPath());
        }
        if (Status s = copy->quantizeLinears(int8WeightBits()); !s) throw std::runtime_error(s.error().message);
        return copy;
    }
    ClipModel copy(model->config());
    copy->to(device, dtype);
    torch::NoGradGuard noGrad;
    auto src = model->named_parameters(true);
    for (auto& item : copy->named_parameters(true)) item.value().copy_(*src.find(item.key()));
    copy->setAttentionPath(model->attentionPath());
    return copy;
}

}  // namespace diffclip
