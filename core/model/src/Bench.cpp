#include "diffclip/model/Bench.h"

#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

#include "diffclip/model/Runtime.h"

#ifdef DIFFCLIP_HAVE_C10_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace diffclip {

namespace {

void sync(const c10::Device& device) {
    if (device.is_cuda()) torch::cuda::synchronize(device.index());
}

template <typename F>
double timeMs(const c10::Device& device, int iters, F&& f) {
    sync(device);
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < iters; ++i) f();
    sync(device);
    auto t1 = std::chrono::steady_clock::now();
    return std::chrono::duration<double, std::milli>(t1 - t0).count() / std::max(iters, 1);
}

}  // namespace

namespace {

double loadAverage() {
    double load[1];
    return getloadavg(load, 1) == 1 ? load[0] : -1.0;
}

double median(std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

Result<BenchResult> runBench(const ClipModel& model, const BenchOptions& o) {
    if (o.batch <= 0 || o.batch > 65536) return makeError(ErrorCode::InvalidArgument, "batch must be 1..65536");
    if (o.iters <= 0 || o.warmup < 0) return makeError(ErrorCode::InvalidArgument, "iters must be positive");
    if (o.rounds <= 0 || o.rounds > 1000) return makeError(ErrorCode::InvalidArgument, "rounds must be 1..1000");
    if (Status s = checkDtypeSupported(o.device, o.dtype); !s) return s.error();
    const auto& cfg = model->config();
    BenchResult r;
    r.batch = o.batch;
    r.iters = o.iters;
    r.device = o.device.str();
    r.dtype = dtypeName(o.dtype);
    r.cpuFlags = cpuCaps().describe();
    const bool baseline = o.compareWithFp32 && o.dtype != at::kFloat;
    try {
        r.threads = o.device.is_cpu() ? configureCpuThreads(o.dtype, o.threads) : 0;
        ClipModel m = convertModel(model, o.device, o.dtype);
        r.int8WeightBits = m->int8WeightBits();
        r.attention = (m->attentionPath() == AttentionPath::Auto && hasFusedAttention()) ? "fused" : "explicit";
        ClipModel ref = baseline ? convertModel(model, o.device, at::kFloat) : ClipModel(nullptr);
        c10::InferenceMode inference;
        auto gen = at::detail::createCPUGenerator(o.seed);
        const int64_t S = cfg.vision.imageSize, L = cfg.text.contextLength;
        at::Tensor images = at::randn({o.batch, 3, S, S}, gen, at::TensorOptions().dtype(at::kFloat));
        at::Tensor tokens = at::randint(1, std::min<int64_t>(cfg.text.vocabSize - 2, 49405), {o.batch, L}, gen,
                                        at::TensorOptions().dtype(at::kLong));
        tokens.select(1, 0).fill_(std::min<int64_t>(49406, cfg.text.vocabSize - 2));
        tokens.select(1, L - 1).fill_(cfg.text.vocabSize - 1);
        // int8 models keep float32 weights and inputs.
        at::Tensor imagesDev = images.to(o.device, m->dtype()), tokensDev = tokens.to(o.device);
        at::Tensor refImages = baseline ? images.to(o.device) : at::Tensor();
#ifdef DIFFCLIP_HAVE_C10_CUDA
        if (o.device.is_cuda()) c10::cuda::CUDACachingAllocator::resetPeakStats(o.device.index());
#endif
        // `threads` is for the precision measured; the fp32 baseline runs as fp32 runs by default
        // (one intra-op thread beside OpenBLAS's own pool, README "CPU threads").
        auto useThreads = [&](at::ScalarType dtype, bool isBaseline) {
            if (o.device.is_cpu()) {
                const int n = configureCpuThreads(dtype, isBaseline ? 0 : o.threads);
                if (isBaseline) r.fp32Threads = n;
            }
        };
        // One encoder, one precision: warm-up in the first round, then `iters` timed forwards.
        auto timed = [&](const ClipModel& enc, const at::Tensor& input, bool image, bool firstRound, at::Tensor& out) {
            auto run = [&] { out = image ? enc->encodeImage(input) : enc->encodeText(input); };
            if (firstRound)
                for (int i = 0; i < o.warmup; ++i) run();
            return 1000.0 * double(o.batch) / timeMs(o.device, o.iters, run);
        };
        at::Tensor imageOut, textOut, refImageOut, refTextOut;
        std::vector<double> imageRatios, textRatios;
        r.loadAverageStart = loadAverage();
        for (int round = 0; round < o.rounds; ++round) {
            const bool first = round == 0;
            if (o.images) {
                useThreads(o.dtype, false);
                r.imageRoundsPerSecond.push_back(timed(m, imagesDev, true, first, imageOut));
                if (baseline) {
                    useThreads(at::kFloat, true);
                    r.fp32ImageRoundsPerSecond.push_back(timed(ref, refImages, true, first, refImageOut));
                    imageRatios.push_back(r.imageRoundsPerSecond.back() / r.fp32ImageRoundsPerSecond.back());
                }
            }
            if (o.texts) {
                useThreads(o.dtype, false);
                r.textRoundsPerSecond.push_back(timed(m, tokensDev, false, first, textOut));
                if (baseline) {
                    useThreads(at::kFloat, true);
                    r.fp32TextRoundsPerSecond.push_back(timed(ref, tokensDev, false, first, refTextOut));
                    textRatios.push_back(r.textRoundsPerSecond.back() / r.fp32TextRoundsPerSecond.back());
                }
            }
        }
        r.loadAverageEnd = loadAverage();
        if (o.images) {
            r.imagesPerSecond = median(r.imageRoundsPerSecond);
            r.imageBatchMs = 1000.0 * double(o.batch) / r.imagesPerSecond;
        }
        if (o.texts) {
            r.promptsPerSecond = median(r.textRoundsPerSecond);
            r.textBatchMs = 1000.0 * double(o.batch) / r.promptsPerSecond;
        }
        if (baseline) {
            r.fp32ImagesPerSecond = median(r.fp32ImageRoundsPerSecond);
            r.fp32PromptsPerSecond = median(r.fp32TextRoundsPerSecond);
            r.imageSpeedup = median(imageRatios);
            r.textSpeedup = median(textRatios);
            if (o.images) r.imageCosineMin = minRowCosine(imageOut, refImageOut);
            if (o.texts) r.textCosineMin = minRowCosine(textOut, refTextOut);
        }
        useThreads(o.dtype, false);
#ifdef DIFFCLIP_HAVE_C10_CUDA
        if (o.device.is_cuda()) {
            auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(o.device.index());
            r.peakMemoryBytes = stats.allocated_bytes[0].peak;
        }
#endif
        if (!o.device.is_cuda()) r.peakMemoryBytes = peakResidentBytes();
    } catch (const c10::Error& e) {
        const std::string what = e.what_without_backtrace();
        if (what.find("out of memory") != std::string::npos)
            return makeError(ErrorCode::OutOfMemory, "out of memory at batch " + std::to_string(o.batch));
        return makeError(ErrorCode::Internal, "benchmark failed: " + what);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("benchmark failed: ") + e.what());
    }
    return r;
}

}  // namespace diffclip
