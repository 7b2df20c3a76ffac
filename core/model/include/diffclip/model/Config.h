#pragma once
// Architecture, preprocessing and tokenizer settings of a CLIP / DiffCLIP model.
// Nothing in the model is hard-wired to ViT-B/16: every size comes from here. Value type;
// copy freely. The JSON form is the one of `config.json` in the shared fixtures, extended
// with "preprocess" and "tokenizer" objects (see docs/MODEL-PACKAGE.md).

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "diffclip/formats/JsonFwd.h"
#include "diffclip/base/Result.h"
#include "diffclip/model/StateDictFwd.h"

namespace diffclip {

enum class AttentionKind {
    Differential,  // DiffCLIP: two softmax maps per head, A1 - lambda*A2, RMSNorm per head
    Standard,      // CLIP / timm ViT: ordinary multi-head softmax attention
};
const char* attentionKindName(AttentionKind kind);  // "differential" | "standard"

struct VisionConfig {
    int64_t imageSize = 224;  // pixels, square input
    int64_t patchSize = 16;   // pixels; imageSize must be a multiple
    int64_t width = 768;      // token width D
    int64_t depth = 12;       // transformer blocks
    int64_t heads = 12;       // attention heads H (even for differential: H/2 effective heads)
    double mlpRatio = 4.0;    // hidden width = round(width * mlpRatio)
    double normEps = 1e-5;    // LayerNorm eps: 1e-5 DiffCLIP, 1e-6 timm's stock ViT
    /// Convolutional stem (Xiao et al. 2021, "Early Convolutions Help Transformers See Better"):
    /// output channels of each 3x3 stage (conv, GroupNorm, ReLU) in front of a 1x1 projection
    /// to `width`. The stages' strides are patchSize factored into 2s then 3s (8 = 2,2,2;
    /// 12 = 2,2,3), so their count must equal that factorisation's length. Empty: the plain
    /// ViT patch embedding, one patchSize x patchSize convolution (every reference model).
    std::vector<int64_t> stemChannels;

    int64_t gridSize() const { return imageSize / patchSize; }
    int64_t tokens() const { return gridSize() * gridSize() + 1; }  // patches + CLS
    int64_t mlpWidth() const;
    /// The stem's stage strides (patchSize factored into 2s, then 3s); empty when patchSize has
    /// another prime factor.
    std::vector<int64_t> stemStrides() const;
};

struct TextConfig {
    int64_t contextLength = 77;
    int64_t vocabSize = 49408;
    int64_t width = 512;
    int64_t layers = 12;
    int64_t heads = 8;
    double normEps = 1e-5;
    int64_t mlpWidth() const { return width * 4; }
};

/// How photos become model input. Applied by the imaging layer, never hard-wired.
struct PreprocessConfig {
    int64_t resizeShorter = 224;            // resize so the shorter side has this many pixels
    int64_t cropSize = 224;                 // then centre-crop a square of this size
    std::string interpolation = "bilinear"; // "bilinear" | "bicubic" | "area" | "nearest"
    std::array<double, 3> mean{0.485, 0.456, 0.406};  // RGB, on 0..1 values
    std::array<double, 3> std{0.229, 0.224, 0.225};
    /// Search embeddings (ClipModelImpl::searchEmbedding) average this many flipped views: 1 the
    /// photo only; 2 with its mirror image; 4 with the vertical and the double flip too. Training
    /// sets it where validation showed the average to help (docs/TRAINING.md). 1, 2 or 4;
    /// config.json's preprocess.flip_views, written only when above 1.
    int64_t flipViews = 1;
};

struct TokenizerConfig {
    std::string kind = "clip-bpe";   // CLIP byte-level BPE
    std::string merges;              // file name inside the package; empty: no tokenizer
};

struct ModelConfig {
    std::string name;                        // free text, e.g. "DiffCLIP ViT-B/16"
    AttentionKind attention = AttentionKind::Differential;
    VisionConfig vision;
    TextConfig text;
    int64_t embedDim = 512;                  // joint embedding width E
    double lambdaInit = 0.8;                 // differential attention's lambda_init
    PreprocessConfig preprocess;
    TokenizerConfig tokenizer;

    /// Checks sizes are positive, divisible and mutually consistent. InvalidArgument otherwise.
    Status validate() const;
    Json toJson() const;
    /// Reads our package config or a fixture/reference config.json (same keys).
    static Result<ModelConfig> fromJson(const Json& json);
    static Result<ModelConfig> fromFile(const std::string& path);

    /// Infers the architecture from tensor shapes (keys without "module."). Differential
    /// attention reveals its head count through the lambda vector length (= head dim);
    /// standard attention does not, so `standardHeadsHint` (> 0) is used, else width / 64
    /// when that divides evenly, else an error asking for a config.json.
    static Result<ModelConfig> inferFromStateDict(const StateDict& dict, int64_t standardVisionHeads = 0,
                                                  int64_t standardTextHeads = 0);

    /// Named architectures: "diffclip-vit-b16", "clip-vit-b16", "diffclip-vit-b32",
    /// "diffclip-tiny" (the fixture size), "diffclip-starter" / "clip-starter" (small, CPU-trainable),
    /// "diffclip-mini" / "clip-mini" (64 px, width 128, depth 4: trains from scratch in minutes on a CPU).
    /// "diffclip-demo" (the mini at 96 px in 12 px patches: the built-in demo's model).
    /// "diffclip-mini-conv" / "clip-mini-conv": the mini with a convolutional stem (24, 48, 96).
    static Result<ModelConfig> preset(const std::string& name);
    static std::vector<std::string> presetNames();

    /// Number of scalar parameters the architecture has.
    int64_t parameterCount() const;
};

}  // namespace diffclip
