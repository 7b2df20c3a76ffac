#pragma once
// CLIP / DiffCLIP in LibTorch: a timm-layout vision transformer and an OpenAI-layout text
// transformer, each with standard or differential attention (see ../shared/design/DIFFCLIP.md).
//
// Parameter names equal the reference state-dict keys (without "module."), so weights load by
// name. Ownership: a ClipModel (shared handle) owns its weights. Threading: the encode
// functions do not modify the module and may run concurrently from several threads on one
// model; loadWeights/initialiseRandom/to() must not overlap with them. Gradients: the encode
// functions record autograd history unless the caller holds torch::NoGradGuard or
// c10::InferenceMode (thread-local: create it in the worker thread).

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "diffclip/model/Config.h"
#include "diffclip/base/Result.h"
#include "diffclip/model/StateDict.h"

namespace diffclip {

/// Attention maps of one block, batch first, float32, on the model's device.
struct AttentionMaps {
    // Differential attention (H/2 effective heads): A1 = softmax head 2i, A2 = head 2i+1.
    at::Tensor a1;      // (B, H/2, N, N), rows sum to 1
    at::Tensor a2;      // (B, H/2, N, N), rows sum to 1
    at::Tensor lambda;  // scalar: exp(lq1.lk1) - exp(lq2.lk2) + lambda_init
    at::Tensor diff;    // A1 - lambda*A2, rows sum to 1 - lambda, may be negative
    // Standard attention.
    at::Tensor a;       // (B, H, N, N), rows sum to 1
};

/// The vision tower's token sequence, for explanations (core/explain).
struct VisionTokens {
    at::Tensor embedding;            // (B, embedDim) float32: token 0 of `projected` (encodeImage's value)
    std::vector<at::Tensor> hidden;  // depth + 1 tensors (B, 1 + P, width), weights' dtype: hidden[l]
                                     // enters block l, hidden[depth] leaves the last one (token 0 = CLS)
    at::Tensor projected;            // (B, 1 + P, embedDim) float32: every token through the final
                                     // LayerNorm and image_projection
};

/// How the attention products are computed on the embedding path.
enum class AttentionPath {
    Auto,      // fused scaled-dot-product attention where LibTorch has it (>= 2.0), else explicit
    Explicit,  // materialise the softmax maps (always used when maps are captured)
};

class ClipModelImpl : public torch::nn::Module {
public:
    /// Builds the architecture with zero-filled weights; call loadWeights or initialiseRandom.
    /// The config must have passed validate().
    explicit ClipModelImpl(const ModelConfig& config);

    const ModelConfig& config() const { return m_config; }

    /// images: (B, 3, S, S) normalised, S = vision.imageSize, any float dtype (cast to the
    /// weights' dtype). Returns (B, embedDim) float32, not normalised. When `maps` is given,
    /// it receives one AttentionMaps per vision block.
    at::Tensor encodeImage(const at::Tensor& images, std::vector<AttentionMaps>* maps = nullptr) const;

    /// The embedding a library stores and searches: (B, embedDim) float32, L2-normalised. With
    /// config().preprocess.flipViews > 1, the mean of the normalised embeddings of the flipped
    /// views, normalised again (test-time augmentation; that many times encodeImage's work).
    at::Tensor searchEmbedding(const at::Tensor& images) const { return flipAverage(images, m_config.preprocess.flipViews); }
    /// As searchEmbedding with `views` (1, 2 or 4; other values clamp to the nearest of them below).
    at::Tensor flipAverage(const at::Tensor& images, int64_t views) const;
    /// Sets config().preprocess.flipViews (1, 2 or 4; InvalidArgument otherwise), e.g. before a
    /// trained model is written as a package.
    Status setFlipViews(int64_t views);

    /// As encodeImage, keeping every block's tokens (part of the autograd graph when gradients
    /// are recorded, so explanations can differentiate with respect to them).
    VisionTokens encodeImageTokens(const at::Tensor& images, std::vector<AttentionMaps>* maps = nullptr) const;

    /// tokens: (B, L) int64 ids, L <= contextLength, each row [start ... end, 0 ...]. The end
    /// position is the row's largest id. Positions after the longest row's end are skipped
    /// (the causal mask makes them irrelevant). Returns (B, embedDim) float32, not normalised.
    at::Tensor encodeText(const at::Tensor& tokens, std::vector<AttentionMaps>* maps = nullptr) const;

    /// exp(logit_scale): the learned temperature of the similarity.
    double logitScale() const;
    /// logitScale * cos(image_i, text_j): (I, T) float32.
    at::Tensor similarity(const at::Tensor& imageEmbeddings, const at::Tensor& textEmbeddings) const;

    /// Copies tensors by name into the weights (dtype converted). Every weight must be present
    /// with its exact shape, and no other tensor may be present: Mismatch names the culprits.
    Status loadWeights(const StateDict& dict);
    /// All weights, in a stable order, as the same tensors the module holds (no copy).
    StateDict weights() const;
    /// Deterministic random initialisation (CLIP-style scales) from `seed`.
    void initialiseRandom(uint64_t seed);

    void setAttentionPath(AttentionPath path) { m_path = path; }
    AttentionPath attentionPath() const { return m_path; }

    /// Dtype of the weights (float32 unless converted with to()).
    at::ScalarType dtype() const;
    at::Device device() const;

    /// The int8 path: every transformer block's linear layers (q/k/v as one stacked product,
    /// attention output, MLP; both towers) get int8 weights, quantised symmetrically per output
    /// channel to `weightBits` (8, or 7 where the CPU's int8 products saturate: Runtime.h
    /// int8WeightBits), and run through LibTorch's oneDNN dynamic quantized linear: activations
    /// are quantised per call to uint8 over their measured range, sums are int32, results
    /// float32. Patch embedding, projections, attention products, norms and softmax stay float32.
    /// The float32 weights stay (weights() is unchanged) but the block products no longer read
    /// them. Needs float32 weights on the CPU. Not for training or explanations (no gradients
    /// flow through the quantized operator). Idempotent. Errors: Unsupported (no int8 engine, not
    /// CPU float32), InvalidArgument (bits outside 2..8), Internal.
    Status quantizeLinears(int weightBits = 8);
    bool isInt8() const { return m_int8; }
    /// The weight bits quantizeLinears used (0 before).
    int int8WeightBits() const { return m_int8WeightBits; }
    /// What the encode functions compute in: at::kQInt8 after quantizeLinears, else dtype().
    at::ScalarType precision() const;
    /// The smallest cosine with fp32 embeddings measured by the int8 check (Precision.h), when run.
    std::optional<double> calibrationCosine() const { return m_calibrationCosine; }
    void setCalibrationCosine(double cosine) { m_calibrationCosine = cosine; }

private:
    ModelConfig m_config;
    AttentionPath m_path = AttentionPath::Auto;
    bool m_int8 = false;
    int m_int8WeightBits = 0;
    std::optional<double> m_calibrationCosine;
    std::shared_ptr<torch::nn::Module> m_visual;
    std::shared_ptr<torch::nn::Module> m_text;
    at::Tensor m_tokenEmbedding;
    at::Tensor m_positionalEmbedding;
    at::Tensor m_lnFinalWeight, m_lnFinalBias;
    at::Tensor m_imageProjection, m_textProjection, m_logitScale;
};
TORCH_MODULE(ClipModel);

/// A copy of `model` with its weights on `device` in `dtype` (float32, bfloat16, float16), or,
/// for at::kQInt8 (CPU only), a copy with quantizeLinears(int8WeightBits()) applied whose float32
/// weights are those of `model` itself when it is a float32 CPU model (shared, not copied: do
/// not change that model's weights while the copy is in use). Throws (c10::Error,
/// std::runtime_error) where that cannot be done; callers check checkDtypeSupported first.
ClipModel convertModel(const ClipModel& model, at::Device device, at::ScalarType dtype);

/// True when this LibTorch has fused scaled-dot-product attention (>= 2.0).
bool hasFusedAttention();

}  // namespace diffclip
