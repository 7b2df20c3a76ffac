#include "diffclip/model/Precision.h"

#include <torch/torch.h>

#include <cstdio>

#include "diffclip/model/Runtime.h"

namespace diffclip {

namespace {

std::string cosineText(double c) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.5f", c);
    return buf;
}

}  // namespace

CalibrationBatch calibrationBatch(const ModelConfig& config, int64_t count, uint64_t seed) {
    auto gen = at::detail::createCPUGenerator(seed);
    const auto f32 = at::TensorOptions().dtype(at::kFloat);
    const int64_t S = config.vision.imageSize;
    auto up = [&](const at::Tensor& t) { return at::upsample_bilinear2d(t, {S, S}, false); };
    // Inspection photos are mostly smooth shading with some texture: white noise alone would
    // give activations no real photo has.
    at::Tensor shading = up(at::rand({count, 1, 4, 4}, gen, f32)).expand({count, 3, S, S});
    at::Tensor patches = up(at::rand({count, 3, std::max<int64_t>(2, S / 8), std::max<int64_t>(2, S / 8)}, gen, f32));
    at::Tensor pixels = (0.6 * shading + 0.3 * patches + 0.1 * at::rand({count, 3, S, S}, gen, f32)).clamp(0.0, 1.0);
    const auto& p = config.preprocess;
    at::Tensor mean = at::tensor({p.mean[0], p.mean[1], p.mean[2]}, f32).view({1, 3, 1, 1});
    at::Tensor stdev = at::tensor({p.std[0], p.std[1], p.std[2]}, f32).view({1, 3, 1, 1});

    const int64_t L = config.text.contextLength, V = config.text.vocabSize;
    at::Tensor tokens = at::zeros({count, L}, at::TensorOptions().dtype(at::kLong));
    for (int64_t i = 0; i < count; ++i) {
        // End token (the largest id) after 1/4, 2/4, ... of the context: short and long prompts.
        const int64_t end = std::max<int64_t>(1, std::min(L - 1, (L * ((i % 4) + 1)) / 4 - 1));
        tokens[i].slice(0, 0, end).copy_(at::randint(1, std::max<int64_t>(2, V - 2), {end}, gen,
                                                     at::TensorOptions().dtype(at::kLong)));
        tokens[i][end] = V - 1;
    }
    return {(pixels - mean) / stdev, tokens};
}

PrecisionCheck comparePrecision(const ClipModel& candidate, const ClipModel& reference, const CalibrationBatch& batch,
                                int threads) {
    c10::InferenceMode inference;
    // Each side with the thread setting it runs with (one BLAS pool for fp32, oneDNN's for int8).
    configureCpuThreads(reference->precision(), threads);
    at::Tensor images = reference->encodeImage(batch.images), texts = reference->encodeText(batch.tokens);
    configureCpuThreads(candidate->precision(), threads);
    PrecisionCheck c;
    c.imageCosine = minRowCosine(candidate->encodeImage(batch.images), images);
    c.textCosine = minRowCosine(candidate->encodeText(batch.tokens), texts);
    return c;
}

Result<EncoderChoice> prepareEncoder(const ClipModel& model, c10::Device device, const std::string& request,
                                     int threads) {
    const bool automatic = request.empty() || request == "auto";
    at::ScalarType want = at::kFloat;
    if (automatic) {
        want = preferredDtype(device);
    } else {
        auto parsed = parseDtype(request);
        if (!parsed) return parsed.error();
        want = *parsed;
    }
    if (Status s = checkDtypeSupported(device, want); !s) {
        // Automatic never asks for what cannot run; a missing int8 engine is not the user's fault.
        if (want != at::kQInt8 || device.is_cuda()) return s.error();
        EncoderChoice c;
        c.precision = at::kFloat;
        c.note = "fp32: int8 is not available (" + s.error().message + ")";
        try {
            c.threads = configureCpuThreads(at::kFloat, threads);
            c.encoder = convertModel(model, device, at::kFloat);
        } catch (const std::exception& e) {
            return makeError(ErrorCode::Internal, std::string("preparing the model failed: ") + e.what());
        }
        return c;
    }
    EncoderChoice c;
    try {
        if (want != at::kQInt8) {
            c.precision = want;
            c.threads = device.is_cpu() ? configureCpuThreads(want, threads) : 0;
            c.encoder = convertModel(model, device, want);
            c.note = std::string(dtypeName(want)) + (automatic ? " (automatic" : " (chosen");
            if (device.is_cuda()) c.note += " on the GPU)";
            else if (cpuCaps().bf16) c.note += " on a CPU with bf16)";
            else if (Status int8 = int8Supported(); automatic && !int8) c.note += ": " + int8.error().message + ")";
            else c.note += ")";
            return c;
        }
        const c10::Device cpu(c10::kCPU);
        const bool modelIsReference = model->device().is_cpu() && model->precision() == at::kFloat;
        ClipModel reference = modelIsReference ? model : convertModel(model, cpu, at::kFloat);
        ClipModel quantised = convertModel(model, cpu, at::kQInt8);
        const PrecisionCheck check = comparePrecision(quantised, reference, calibrationBatch(model->config()), threads);
        c.threads = configureCpuThreads(at::kQInt8, threads);
        c.int8Check = check;
        quantised->setCalibrationCosine(check.minimum());
        const std::string measured = "cosine with fp32 " + cosineText(check.imageCosine) + " (images), " +
                                     cosineText(check.textCosine) + " (texts) on the calibration check, " +
                                     std::to_string(quantised->int8WeightBits()) + "-bit weights";
        if (check.minimum() >= kInt8MinCosine) {
            c.precision = at::kQInt8;
            c.encoder = quantised;
            c.note = std::string("int8 (") + (automatic ? "automatic" : "chosen") + "): " + measured;
        } else if (automatic) {
            c.precision = at::kFloat;
            c.threads = configureCpuThreads(at::kFloat, threads);
            c.encoder = modelIsReference ? convertModel(model, cpu, at::kFloat) : reference;
            c.note = "fp32 (automatic): int8 reached only " + measured + ", below " + cosineText(kInt8MinCosine);
        } else {
            c.precision = at::kQInt8;
            c.encoder = quantised;
            c.note = "int8 (chosen) although its " + measured + " is below " + cosineText(kInt8MinCosine) +
                     ": its embeddings are kept apart from fp32 ones";
        }
        return c;
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("preparing the model failed: ") + e.what());
    }
}

std::string embeddingPrecision(const ClipModel& encoder) {
    const at::ScalarType p = encoder->precision();
    if (p != at::kQInt8) return dtypeName(p);
    const auto cosine = encoder->calibrationCosine();
    return cosine && *cosine >= kInt8MinCosine ? "int8" : "int8-unchecked";
}

bool embeddingPrecisionsCompatible(const std::string& a, const std::string& b) {
    const std::string unchecked = "int8-unchecked";
    return (a == unchecked) == (b == unchecked);
}

}  // namespace diffclip
