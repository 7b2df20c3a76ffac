#pragma once
// What a user needs to know about a model file, as plain data: for the desktop
// application, which must not include LibTorch headers. Thread safety: summariseModel may
// run on any thread (it is slow: it reads and checks the whole file).

#include <string>
#include <utility>
#include <vector>

#include "diffclip/model/Config.h"
#include "diffclip/base/Result.h"

namespace diffclip {

struct ModelSummary {
    std::string source;        // path or preset:NAME
    std::string format;        // "package" | "checkpoint" | "safetensors" | "preset"
    std::string configSource;  // how the architecture was found
    ModelConfig config;
    int64_t parameters = 0;
    double logitScale = 0.0;
    std::string tokenizerPath;  // empty: no tokenizer
    int64_t tokenizerMerges = 0;
    std::vector<std::pair<std::string, std::string>> checksums;  // (file, sha256)
};

/// The user's CPU thread setting for model work: 0 lets the core choose per precision
/// (Runtime.h, configureCpuThreads), N > 0 uses N intra-op threads. Process-wide, any thread.
void setCpuThreadPreference(int threads);
int cpuThreadPreference();

/// What "automatic" precision tries on this CPU: "bf16" (fast bf16), "int8" (when this LibTorch
/// has the int8 engine; kept only if the check at load passes, see Precision.h) or "fp32".
/// Honours DIFFCLIP_CPU_CAPS (Runtime.h). Any thread.
std::string automaticCpuPrecision();

/// The runtime in words for reports, e.g. "LibTorch 1.13.1 · GPU: none (CPU only)". Any thread.
std::string runtimeDescription();

/// Opens the model as loadModel() does (validating everything) and summarises it.
Result<ModelSummary> summariseModel(const std::string& spec);

}  // namespace diffclip
