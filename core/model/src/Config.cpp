#include "diffclip/model/Config.h"

#include <ATen/core/Tensor.h>

#include "diffclip/formats/Json.h"
#include "diffclip/model/StateDict.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <variant>

namespace diffclip {

const char* attentionKindName(AttentionKind kind) {
    return kind == AttentionKind::Differential ? "differential" : "standard";
}

int64_t VisionConfig::mlpWidth() const { return static_cast<int64_t>(std::llround(double(width) * mlpRatio)); }

std::vector<int64_t> VisionConfig::stemStrides() const {
    std::vector<int64_t> strides;
    int64_t rest = patchSize;
    for (int64_t f : {int64_t(2), int64_t(3)})
        while (rest > 1 && rest % f == 0) strides.push_back(f), rest /= f;
    if (rest != 1) strides.clear();
    return strides;
}

namespace {

Error invalid(const std::string& what) { return makeError(ErrorCode::InvalidArgument, "model config: " + what); }

bool positive(int64_t v, int64_t limit) { return v > 0 && v <= limit; }

int64_t headDim(int64_t width, int64_t heads) { return heads > 0 ? width / heads : 0; }

// Per-block parameter count of one transformer block.
int64_t blockParams(AttentionKind kind, int64_t width, int64_t heads, int64_t mlp) {
    int64_t n = 4 * width;                     // two LayerNorms
    n += width * mlp + mlp + mlp * width + width;  // MLP
    if (kind == AttentionKind::Differential) {
        int64_t d = headDim(width, heads);
        n += 4 * (width * width + width) + 4 * d + 2 * d;  // q,k,v,out + lambdas + RMSNorm(2d)
    } else {
        n += 4 * (width * width + width);  // fused qkv + out
    }
    return n;
}

}  // namespace

Status ModelConfig::validate() const {
    const int64_t big = int64_t(1) << 20;
    if (!positive(vision.imageSize, 1 << 14)) return invalid("vision image size out of range");
    if (!positive(vision.patchSize, vision.imageSize)) return invalid("vision patch size out of range");
    if (vision.imageSize % vision.patchSize != 0) return invalid("vision image size is not a multiple of the patch size");
    if (!positive(vision.width, big) || !positive(vision.depth, 1024) || !positive(vision.heads, 4096))
        return invalid("vision width, depth or heads out of range");
    if (vision.width % vision.heads != 0) return invalid("vision width is not divisible by its head count");
    if (!vision.stemChannels.empty()) {
        if (vision.stemChannels.size() != vision.stemStrides().size())
            return invalid("a convolutional stem needs one stage per factor of the patch size (2s and 3s only): " +
                           std::to_string(vision.stemStrides().size()) + " for patch " + std::to_string(vision.patchSize));
        for (int64_t ch : vision.stemChannels)
            if (!positive(ch, 1 << 14)) return invalid("convolutional stem channels out of range");
    }
    if (!(vision.mlpRatio > 0.0 && vision.mlpRatio <= 64.0)) return invalid("vision mlp ratio out of range");
    if (!positive(text.contextLength, 1 << 16) || !positive(text.vocabSize, 1 << 24))
        return invalid("text context length or vocabulary size out of range");
    if (!positive(text.width, big) || !positive(text.layers, 1024) || !positive(text.heads, 4096))
        return invalid("text width, layers or heads out of range");
    if (text.width % text.heads != 0) return invalid("text width is not divisible by its head count");
    if (attention == AttentionKind::Differential) {
        if (vision.heads % 2 != 0 || text.heads % 2 != 0)
            return invalid("differential attention needs an even head count in both towers");
    }
    if (!positive(embedDim, big)) return invalid("joint embedding width out of range");
    if (!(vision.normEps > 0 && vision.normEps < 1) || !(text.normEps > 0 && text.normEps < 1))
        return invalid("LayerNorm eps out of range");
    if (!positive(preprocess.cropSize, 1 << 14) || !positive(preprocess.resizeShorter, 1 << 14))
        return invalid("preprocessing sizes out of range");
    if (preprocess.flipViews != 1 && preprocess.flipViews != 2 && preprocess.flipViews != 4)
        return invalid("flip_views must be 1, 2 or 4");
    for (double s : preprocess.std)
        if (!(s > 0)) return invalid("preprocessing std must be positive");
    return Status::success();
}

int64_t ModelConfig::parameterCount() const {
    const int64_t D = vision.width, p = vision.patchSize, W = text.width;
    int64_t n = 0;
    if (vision.stemChannels.empty()) {
        n += 3 * p * p * D + D;         // patch embedding
    } else {
        int64_t in = 3;
        for (int64_t ch : vision.stemChannels) n += 9 * in * ch + 2 * ch, in = ch;  // conv, GroupNorm
        n += in * D + D;                // 1x1 projection
    }
    n += D + vision.tokens() * D;       // cls token, position embedding
    n += vision.depth * blockParams(attention, D, vision.heads, vision.mlpWidth());
    n += 2 * D + D * embedDim;          // final norm, image projection
    n += text.vocabSize * W + text.contextLength * W;
    n += text.layers * blockParams(attention, W, text.heads, text.mlpWidth());
    n += 2 * W + W * embedDim + 1;      // ln_final, text projection, logit scale
    return n;
}

namespace {

// A member of one config section and its JSON key. toJson writes and fromJson reads the sections
// through these tables, so writing and reading cannot disagree on a key or its order.
template <class Section>
struct Field {
    const char* key;
    std::variant<int64_t Section::*, double Section::*, std::string Section::*, std::array<double, 3> Section::*>
        member;
};

constexpr Field<VisionConfig> kVisionFields[] = {
    {"img_size", &VisionConfig::imageSize}, {"patch_size", &VisionConfig::patchSize},
    {"embed_dim", &VisionConfig::width},    {"depth", &VisionConfig::depth},
    {"num_heads", &VisionConfig::heads},    {"mlp_ratio", &VisionConfig::mlpRatio},
    {"norm_eps", &VisionConfig::normEps}};
constexpr Field<TextConfig> kTextFields[] = {
    {"context_length", &TextConfig::contextLength}, {"vocab_size", &TextConfig::vocabSize},
    {"width", &TextConfig::width},                  {"heads", &TextConfig::heads},
    {"layers", &TextConfig::layers},                {"norm_eps", &TextConfig::normEps}};
constexpr Field<PreprocessConfig> kPreprocessFields[] = {
    {"resize_shorter", &PreprocessConfig::resizeShorter}, {"crop_size", &PreprocessConfig::cropSize},
    {"interpolation", &PreprocessConfig::interpolation},  {"mean", &PreprocessConfig::mean},
    {"std", &PreprocessConfig::std}};
constexpr Field<TokenizerConfig> kTokenizerFields[] = {{"kind", &TokenizerConfig::kind},
                                                       {"merges", &TokenizerConfig::merges}};

template <class Section, size_t N>
Json fieldsToJson(const Section& section, const Field<Section> (&fields)[N]) {
    Json j = Json::object();
    for (const auto& f : fields) std::visit([&](auto member) { j[f.key] = section.*member; }, f.member);
    return j;
}

}  // namespace

Json ModelConfig::toJson() const {
    Json root = Json::object();
    root["format"] = "diffclip-studio-model";
    root["format_version"] = 1;
    root["name"] = name;
    root["attention"] = attentionKindName(attention);
    root["vision"] = fieldsToJson(vision, kVisionFields);
    if (!vision.stemChannels.empty()) root["vision"]["conv_stem"] = vision.stemChannels;
    root["text"] = fieldsToJson(text, kTextFields);
    root["embed_dim"] = embedDim;
    root["vocab_size"] = text.vocabSize;
    root["lambda_init"] = lambdaInit;
    root["vision_norm_eps"] = vision.normEps;
    root["text_norm_eps"] = text.normEps;
    root["preprocess"] = fieldsToJson(preprocess, kPreprocessFields);
    if (preprocess.flipViews > 1) root["preprocess"]["flip_views"] = preprocess.flipViews;
    root["tokenizer"] = fieldsToJson(tokenizer, kTokenizerFields);
    return root;
}

namespace {

// Reads an optional integer member; a present member of the wrong type is an error.
// Integral doubles (224.0) are accepted as the old writers produced them.
bool readValue(const Json& obj, const char* key, int64_t& out, std::string& err) {
    const Json* v = jsonFind(obj, key);
    if (!v) return true;
    constexpr auto kInt64Max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    constexpr double kExact = 9007199254740992.0;  // 2^53: integral doubles below it are exact
    if (v->is_number_integer() && (!v->is_number_unsigned() || v->get<uint64_t>() <= kInt64Max)) {
        out = v->get<int64_t>();
    } else if (v->is_number_float() && std::floor(v->get<double>()) == v->get<double>() &&
               std::fabs(v->get<double>()) < kExact) {
        out = static_cast<int64_t>(v->get<double>());
    } else {
        err = std::string("\"") + key + "\" must be an integer";
        return false;
    }
    return true;
}

bool readValue(const Json& obj, const char* key, double& out, std::string& err) {
    const Json* v = jsonFind(obj, key);
    if (!v) return true;
    if (!v->is_number()) {
        err = std::string("\"") + key + "\" must be a number";
        return false;
    }
    out = v->get<double>();
    return true;
}

bool readValue(const Json& obj, const char* key, std::string& out, std::string& err) {
    const Json* v = jsonFind(obj, key);
    if (!v) return true;
    if (!v->is_string()) {
        err = std::string("\"") + key + "\" must be a string";
        return false;
    }
    out = v->get<std::string>();
    return true;
}

bool readValue(const Json& obj, const char* key, std::array<double, 3>& out, std::string& err) {
    const Json* v = jsonFind(obj, key);
    if (!v) return true;
    if (!v->is_array() || v->size() != 3) {
        err = std::string("\"") + key + "\" must be an array of three numbers";
        return false;
    }
    for (size_t i = 0; i < 3; ++i) {
        if (!(*v)[i].is_number()) {
            err = std::string("\"") + key + "\" must be an array of three numbers";
            return false;
        }
        out[i] = (*v)[i].get<double>();
    }
    return true;
}

// Reads every field of `fields` present in `obj`; false (with `err`) at the first of the wrong type.
template <class Section, size_t N>
bool readFields(const Json& obj, Section& section, const Field<Section> (&fields)[N], std::string& err) {
    for (const auto& f : fields) {
        if (!std::visit([&](auto member) { return readValue(obj, f.key, section.*member, err); }, f.member))
            return false;
    }
    return true;
}

}  // namespace

Result<ModelConfig> ModelConfig::fromJson(const Json& root) {
    if (!root.is_object()) return invalid("config is not a JSON object");
    ModelConfig c;
    std::string err;
    std::string attention = "differential";  // the fixtures leave it out for DiffCLIP
    bool ok = readValue(root, "name", c.name, err) && readValue(root, "attention", attention, err);
    if (ok && attention != "differential" && attention != "standard") err = "\"attention\" must be differential or standard", ok = false;
    c.attention = attention == "standard" ? AttentionKind::Standard : AttentionKind::Differential;
    if (c.attention == AttentionKind::Standard) c.vision.normEps = 1e-6;  // timm's default

    const Json* v = jsonFind(root, "vision");
    const Json* t = jsonFind(root, "text");
    if (ok && (!v || !v->is_object() || !t || !t->is_object())) err = "\"vision\" and \"text\" objects are required", ok = false;
    if (ok) {
        ok = readFields(*v, c.vision, kVisionFields, err) && readFields(*t, c.text, kTextFields, err) &&
             readValue(root, "embed_dim", c.embedDim, err) && readValue(root, "vocab_size", c.text.vocabSize, err) &&
             readValue(root, "lambda_init", c.lambdaInit, err) &&
             readValue(root, "vision_norm_eps", c.vision.normEps, err) &&
             readValue(root, "text_norm_eps", c.text.normEps, err);
    }
    if (ok) {
        if (const Json* stem = jsonFind(*v, "conv_stem")) {
            if (!stem->is_array() || stem->size() > 16) err = "\"conv_stem\" must be an array of at most 16 integers", ok = false;
            for (size_t i = 0; ok && i < stem->size(); ++i) {
                if (!(*stem)[i].is_number_integer()) err = "\"conv_stem\" must be an array of at most 16 integers", ok = false;
                else c.vision.stemChannels.push_back((*stem)[i].get<int64_t>());
            }
        }
    }
    if (ok) {
        if (const Json* p = jsonFind(root, "preprocess")) {
            if (!p->is_object()) err = "\"preprocess\" must be an object", ok = false;
            else
                ok = readFields(*p, c.preprocess, kPreprocessFields, err);
            if (const Json* f = ok ? jsonFind(*p, "flip_views") : nullptr) {
                if (!f->is_number_integer()) err = "\"flip_views\" must be 1, 2 or 4", ok = false;
                else c.preprocess.flipViews = f->get<int64_t>();
            }
        } else {
            // The reference evaluation resizes the shorter side to the image size, then crops it.
            c.preprocess.resizeShorter = c.preprocess.cropSize = c.vision.imageSize;
        }
    }
    if (ok) {
        if (const Json* k = jsonFind(root, "tokenizer")) {
            if (!k->is_object()) err = "\"tokenizer\" must be an object", ok = false;
            else ok = readFields(*k, c.tokenizer, kTokenizerFields, err);
        }
    }
    if (!ok) return invalid(err);
    const auto& interp = c.preprocess.interpolation;
    if (interp != "bilinear" && interp != "bicubic" && interp != "area" && interp != "nearest")
        return invalid("unknown interpolation \"" + interp + "\"");
    if (c.tokenizer.merges.find('/') != std::string::npos || c.tokenizer.merges.find("..") != std::string::npos)
        return invalid("tokenizer merges must be a plain file name inside the package");
    if (Status s = c.validate(); !s) return s.error();
    return c;
}

Result<ModelConfig> ModelConfig::fromFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(ErrorCode::NotFound, "cannot open model config " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (ss.str().size() > (1u << 20)) return makeError(ErrorCode::Format, "model config " + path + " is larger than 1 MiB");
    auto json = parseJson(ss.str());
    if (!json) return makeError(ErrorCode::Format, path + ": " + json.error().message);
    auto cfg = fromJson(*json);
    if (!cfg) return makeError(cfg.error().code, path + ": " + cfg.error().message);
    return cfg;
}

namespace {

int64_t countBlocks(const StateDict& dict, const std::string& prefix, const std::string& probe) {
    int64_t n = 0;
    while (findTensor(dict, prefix + std::to_string(n) + probe)) ++n;
    return n;
}

Error shapeError(const std::string& what) {
    return makeError(ErrorCode::Mismatch, "cannot infer the architecture: " + what);
}

}  // namespace

Result<ModelConfig> ModelConfig::inferFromStateDict(const StateDict& dict, int64_t standardVisionHeads,
                                                    int64_t standardTextHeads) {
    auto get = [&](const std::string& key, int64_t dims) -> const at::Tensor* {
        const at::Tensor* t = findTensor(dict, key);
        return (t && t->dim() == dims) ? t : nullptr;
    };
    ModelConfig c;
    const bool diff = findTensor(dict, "visual.blocks.0.attn.lambda_q1") != nullptr;
    const bool std_ = findTensor(dict, "visual.blocks.0.attn.qkv.weight") != nullptr;
    if (!diff && !std_) return shapeError("no visual.blocks.0 attention weights (is this a CLIP/DiffCLIP state dict?)");
    c.attention = diff ? AttentionKind::Differential : AttentionKind::Standard;
    c.name = diff ? "DiffCLIP" : "CLIP";

    const at::Tensor* cls = get("visual.cls_token", 3);
    const at::Tensor* pos = get("visual.pos_embed", 3);
    if (findTensor(dict, "visual.patch_embed.stem.0.conv.weight"))
        return shapeError("a convolutional stem's strides are not in the weights: put its config.json beside them");
    const at::Tensor* patch = get("visual.patch_embed.proj.weight", 4);
    const at::Tensor* fc1 = get("visual.blocks.0.mlp.fc1.weight", 2);
    const at::Tensor* tok = get("token_embedding.weight", 2);
    const at::Tensor* tpos = get("positional_embedding", 2);
    const at::Tensor* tproj = get("text_projection", 2);
    if (!cls || !pos || !patch || !fc1 || !tok || !tpos || !tproj)
        return shapeError("a required tensor is missing or has the wrong rank");
    c.vision.width = cls->size(2);
    c.vision.patchSize = patch->size(2);
    const int64_t patches = pos->size(1) - 1;
    const auto grid = static_cast<int64_t>(std::llround(std::sqrt(double(std::max<int64_t>(patches, 0)))));
    if (grid * grid != patches) return shapeError("visual.pos_embed does not hold a square patch grid plus CLS");
    c.vision.imageSize = grid * c.vision.patchSize;
    c.vision.depth = countBlocks(dict, "visual.blocks.", ".norm1.weight");
    c.vision.mlpRatio = double(fc1->size(0)) / double(c.vision.width);
    c.text.vocabSize = tok->size(0);
    c.text.width = tok->size(1);
    c.text.contextLength = tpos->size(0);
    c.text.layers = countBlocks(dict, "transformer.resblocks.", ".ln_1.weight");
    c.embedDim = tproj->size(1);
    c.preprocess.resizeShorter = c.preprocess.cropSize = c.vision.imageSize;

    if (diff) {
        const at::Tensor* lv = get("visual.blocks.0.attn.lambda_q1", 1);
        const at::Tensor* lt = get("transformer.resblocks.0.attn.lambda_q1", 1);
        if (!lv || !lt || lv->size(0) <= 0 || lt->size(0) <= 0) return shapeError("lambda vectors missing in a tower");
        if (c.vision.width % lv->size(0) || c.text.width % lt->size(0))
            return shapeError("width is not a multiple of the lambda vector length");
        c.vision.heads = c.vision.width / lv->size(0);
        c.text.heads = c.text.width / lt->size(0);
        c.vision.normEps = 1e-5;
    } else {
        c.preprocess.mean = {0.48145466, 0.4578275, 0.40821073};
        c.preprocess.std = {0.26862954, 0.26130258, 0.27577711};
        c.preprocess.interpolation = "bicubic";
        c.vision.normEps = 1e-6;
        auto pick = [](int64_t hint, int64_t width, const char* tower, int64_t& out) -> Status {
            if (hint > 0) out = hint;
            else if (width % 64 == 0) out = width / 64;
            else
                return shapeError(std::string("standard attention does not reveal the ") + tower +
                                  " head count; put a config.json beside the weights");
            return Status::success();
        };
        if (Status s = pick(standardVisionHeads, c.vision.width, "vision", c.vision.heads); !s) return s.error();
        if (Status s = pick(standardTextHeads, c.text.width, "text", c.text.heads); !s) return s.error();
    }
    if (Status s = c.validate(); !s) return s.error();
    return c;
}

std::vector<std::string> ModelConfig::presetNames() {
    return {"diffclip-vit-b16", "clip-vit-b16", "diffclip-vit-b32", "diffclip-tiny", "diffclip-starter", "clip-starter",
            "diffclip-mini", "clip-mini", "diffclip-mini-conv", "clip-mini-conv", "diffclip-demo"};
}

Result<ModelConfig> ModelConfig::preset(const std::string& name) {
    ModelConfig c;  // defaults are DiffCLIP ViT-B/16
    if (name == "diffclip-vit-b16") {
        c.name = "DiffCLIP ViT-B/16";
    } else if (name == "clip-vit-b16") {
        c.name = "CLIP ViT-B/16";
        c.attention = AttentionKind::Standard;
        c.vision.normEps = 1e-6;
    } else if (name == "diffclip-vit-b32") {
        c.name = "DiffCLIP ViT-B/32";
        c.vision.patchSize = 32;
    } else if (name == "diffclip-tiny") {
        c.name = "DiffCLIP tiny";
        c.vision = VisionConfig{32, 8, 48, 2, 4, 4.0, 1e-5, {}};
        c.text.contextLength = 16;
        c.text.width = 32;
        c.text.layers = 2;
        c.text.heads = 4;
        c.embedDim = 24;
        c.preprocess.resizeShorter = c.preprocess.cropSize = 32;
    } else if (name == "diffclip-starter" || name == "clip-starter") {
        // Small enough to train from scratch on a workstation CPU in minutes.
        const bool differential = name == "diffclip-starter";
        c.name = differential ? "DiffCLIP starter" : "CLIP starter";
        c.attention = differential ? AttentionKind::Differential : AttentionKind::Standard;
        c.vision = VisionConfig{96, 8, 192, 6, 6, 4.0, differential ? 1e-5 : 1e-6, {}};
        c.text.contextLength = 32;
        c.text.width = 128;
        c.text.layers = 4;
        c.text.heads = 4;
        c.embedDim = 128;
        c.preprocess.resizeShorter = c.preprocess.cropSize = 96;
    } else if (name == "diffclip-mini" || name == "clip-mini" || name == "diffclip-demo" || name == "diffclip-mini-conv" ||
               name == "clip-mini-conv") {
        // The mini trains from scratch at about 80 photos/s on one busy CPU core; the demo's model
        // is the mini at 96 px in 12 px patches (an 8 x 8 grid), which learned the demo's small
        // defects best in a 4-minute CPU budget (docs/TRAINING.md).
        const bool demo = name == "diffclip-demo", differential = name.rfind("diffclip-", 0) == 0;
        const bool conv = name.size() > 5 && name.compare(name.size() - 5, 5, "-conv") == 0;
        c.name = demo ? "DiffCLIP demo" : differential ? "DiffCLIP mini" : "CLIP mini";
        if (conv) c.name += " (conv stem)";
        c.attention = differential ? AttentionKind::Differential : AttentionKind::Standard;
        const int64_t size = demo ? 96 : 64;
        c.vision = VisionConfig{size, demo ? 12 : 8, 128, 4, 4, 4.0, differential ? 1e-5 : 1e-6, {}};
        if (conv) c.vision.stemChannels = {24, 48, 96};
        c.text.contextLength = 32;
        c.text.width = 128;
        c.text.layers = 2;
        c.text.heads = 4;
        c.embedDim = 128;
        c.preprocess.resizeShorter = c.preprocess.cropSize = size;
    } else {
        std::string names;
        for (const auto& n : presetNames()) names += (names.empty() ? "" : ", ") + n;
        return makeError(ErrorCode::InvalidArgument, "unknown preset \"" + name + "\" (known: " + names + ")");
    }
    return c;
}

}  // namespace diffclip
