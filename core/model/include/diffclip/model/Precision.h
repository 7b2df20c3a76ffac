#pragma once
// Choosing the precision the encoders run in, with the int8 calibration check.
//
// Precisions are at::ScalarType values throughout (Runtime.h): float32, bfloat16, float16, and
// at::kQInt8 for the int8 path (weights int8 per output channel, activations quantised per call;
// attention products, norms and softmax in float32; see ClipModelImpl::quantizeLinears).
//
// int8 embeddings differ slightly from fp32 ones. They are used (automatically, and mixed with
// fp32/bf16 embeddings of the same model in a library) only when a calibration batch encoded both
// ways keeps a cosine of at least kInt8MinCosine in both towers.

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <optional>
#include <string>

#include "diffclip/base/Result.h"
#include "diffclip/model/Model.h"

namespace diffclip {

/// Smallest cosine (per row, over the calibration batch, both towers) between int8 and fp32
/// embeddings for int8 to count as compatible with fp32.
constexpr double kInt8MinCosine = 0.999;

/// A fixed batch of inputs for the check: `count` photo-like images (smooth random shading,
/// coarse colour patches and fine noise, normalised with the model's mean and std), float32
/// (count, 3, S, S), and `count` token rows (count, L) whose end tokens sit at different
/// positions. Deterministic for a seed.
struct CalibrationBatch {
    at::Tensor images;
    at::Tensor tokens;
};
CalibrationBatch calibrationBatch(const ModelConfig& config, int64_t count = 4, uint64_t seed = 0x5eed);

/// Smallest per-row cosine of `candidate`'s embeddings against `reference`'s on the calibration
/// batch, per tower. Sets CPU threads for each side's precision in turn (`threads` as for
/// configureCpuThreads) and leaves them set for the candidate's. Both models on the CPU.
struct PrecisionCheck {
    double imageCosine = 1.0;
    double textCosine = 1.0;
    double minimum() const { return imageCosine < textCosine ? imageCosine : textCosine; }
};
PrecisionCheck comparePrecision(const ClipModel& candidate, const ClipModel& reference,
                                const CalibrationBatch& batch, int threads = 0);

/// The encoder a caller should use, and why.
struct EncoderChoice {
    ClipModel encoder{nullptr};            // the converted copy (never the model passed in)
    at::ScalarType precision = at::kFloat; // what `encoder` computes in
    std::optional<PrecisionCheck> int8Check;  // set whenever int8 was tried
    int threads = 0;                       // CPU intra-op threads set for it (0 on CUDA)
    std::string note;                      // one English line for the log: the choice and its reason
};

/// Converts `model` (any device and dtype) for `device` in the precision `request` asks for:
/// "auto" (or empty), "fp32", "bf16", "fp16" or "int8", and sets CPU threads for it (`threads`
/// as for configureCpuThreads). "auto": bf16 on CUDA and on CPUs with fast bf16; else int8 when
/// this LibTorch has the int8 engine and the check passes; else fp32. A forced "int8" runs the
/// check too and is kept when it fails (its embeddings then are not mixed with others, see
/// embeddingPrecision); without the int8 engine it falls back to fp32. The note says which.
/// Errors: InvalidArgument (bad request), Unsupported (fp16 or int8 where they cannot run),
/// Internal (LibTorch failed). Process-wide effects: CPU threads, the quantized engine.
Result<EncoderChoice> prepareEncoder(const ClipModel& model, c10::Device device, const std::string& request,
                                     int threads = 0);

/// How a library records the precision of embeddings made by `encoder`: "fp32", "bf16",
/// "fp16", "int8" (passed the check), or "int8-unchecked" (not checked or below the threshold).
std::string embeddingPrecision(const ClipModel& encoder);
/// Whether embeddings recorded as precisions `a` and `b` may be compared with each other: every
/// pair except "int8-unchecked" with anything other than itself.
bool embeddingPrecisionsCompatible(const std::string& a, const std::string& b);

}  // namespace diffclip
