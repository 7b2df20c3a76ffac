#pragma once
// Encoder throughput on random input (`diffclip bench`), after warm-up.

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <string>
#include <vector>

#include "diffclip/model/Model.h"
#include "diffclip/base/Result.h"

namespace diffclip {

struct BenchOptions {
    bool images = true;
    bool texts = true;
    int64_t batch = 8;           // images or prompts per forward
    int iters = 5;               // timed forwards per encoder
    int warmup = 1;              // untimed forwards first
    int threads = 0;             // CPU intra-op threads of `dtype`; 0 = chosen for it (the fp32
                                 // baseline always runs with fp32's own choice)
    c10::Device device{c10::kCPU};
    at::ScalarType dtype = at::kFloat;  // at::kQInt8: the int8 path (CPU)
    /// Also time fp32 in the same run (same input, iterations and warm-up; threads chosen for
    /// fp32) and report the cosine of the embeddings against it.
    bool compareWithFp32 = true;
    /// Timed rounds: each times `iters` forwards of the precision asked for and then, with
    /// compareWithFp32, of fp32, so both see the same load on a shared machine. Figures are the
    /// medians over the rounds; the speed-up is the median of the rounds' ratios.
    int rounds = 1;
    uint64_t seed = 0;
};

struct BenchResult {
    double imagesPerSecond = 0.0;
    double promptsPerSecond = 0.0;
    double imageBatchMs = 0.0;     // wall time of one image batch (median over the rounds)
    double textBatchMs = 0.0;
    double imageCosineMin = 1.0;   // smallest cosine(ours, fp32) over the batch; 1 for fp32
    double textCosineMin = 1.0;
    double fp32ImagesPerSecond = 0.0;   // the fp32 baseline of the same run (compareWithFp32, dtype not fp32)
    double fp32PromptsPerSecond = 0.0;
    double imageSpeedup = 0.0;          // median over the rounds of (ours / fp32), with the baseline
    double textSpeedup = 0.0;
    std::vector<double> imageRoundsPerSecond, fp32ImageRoundsPerSecond;  // each round's figure
    std::vector<double> textRoundsPerSecond, fp32TextRoundsPerSecond;
    int fp32Threads = 0;
    int int8WeightBits = 0;             // the int8 path's weight bits (Runtime.h int8WeightBits)
    int64_t peakMemoryBytes = 0;   // CUDA: peak allocated on the device; CPU: peak RSS
    int64_t batch = 0;
    int iters = 0;
    int threads = 0;
    std::string device;
    std::string dtype;
    std::string attention;         // "fused" or "explicit"
    std::string cpuFlags;          // CpuCaps::describe(): "avx2 avx512f avx512_vnni avx512_bf16" ...
    double loadAverageStart = -1;  // the system's 1-minute load average when timing began and
    double loadAverageEnd = -1;    // ended (-1 where unknown): others' work shares the cores
};

/// Times the encoders of `model` (any dtype/device: converted as asked). Text rows fill the
/// whole context (end token in the last slot), the slowest case.
Result<BenchResult> runBench(const ClipModel& model, const BenchOptions& options);

}  // namespace diffclip
