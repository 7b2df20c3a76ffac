#include "diffclip/model/Bench.h"

#include <torch/cuda.h>
#include <torch/torch.h>

#include <chrono>

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

Result<BenchResult> runBench(const ClipModel& model, const BenchOptions& o) {
    if (o.batch <= 0 || o.batch > 65536) return makeError(ErrorCode::InvalidArgument, "batch must be 1..65536");
    if (o.iters <= 0 || o.warmup < 0) return makeError(ErrorCode::InvalidArgument, "iters must be positive");
    if (Status s = checkDtypeSupported(o.device, o.dtype); !s) return s.error();
    const auto& cfg = model->config();
    BenchResult r;
    r.batch = o.batch;
    r.iters = o.iters;
    r.device = o.device.str();
    r.dtype = dtypeName(o.dtype);
    const CpuCaps caps = cpuCaps();
    for (auto [has, name] : {std::pair{caps.avx2, "avx2"}, {caps.avx512, "avx512"}, {caps.vnni, "vnni"}, {caps.bf16, "bf16"}})
        if (has) r.cpuFlags += (r.cpuFlags.empty() ? "" : " ") + std::string(name);
    if (caps.source != "/proc/cpuinfo") r.cpuFlags += " (from " + caps.source + ")";
    try {
        r.threads = o.device.is_cpu() ? configureCpuThreads(o.dtype, o.threads) : 0;
        ClipModel m = convertModel(model, o.device, o.dtype);
        r.attention = (m->attentionPath() == AttentionPath::Auto && hasFusedAttention()) ? "fused" : "explicit";
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
#ifdef DIFFCLIP_HAVE_C10_CUDA
        if (o.device.is_cuda()) c10::cuda::CUDACachingAllocator::resetPeakStats(o.device.index());
#endif
        at::Tensor imageOut, textOut;
        if (o.images) {
            for (int i = 0; i < o.warmup; ++i) imageOut = m->encodeImage(imagesDev);
            r.imageBatchMs = timeMs(o.device, o.iters, [&] { imageOut = m->encodeImage(imagesDev); });
            r.imagesPerSecond = 1000.0 * double(o.batch) / r.imageBatchMs;
        }
        if (o.texts) {
            for (int i = 0; i < o.warmup; ++i) textOut = m->encodeText(tokensDev);
            r.textBatchMs = timeMs(o.device, o.iters, [&] { textOut = m->encodeText(tokensDev); });
            r.promptsPerSecond = 1000.0 * double(o.batch) / r.textBatchMs;
        }
#ifdef DIFFCLIP_HAVE_C10_CUDA
        if (o.device.is_cuda()) {
            auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(o.device.index());
            r.peakMemoryBytes = stats.allocated_bytes[0].peak;
        }
#endif
        if (!o.device.is_cuda()) r.peakMemoryBytes = peakResidentBytes();
        if (o.compareWithFp32 && o.dtype != at::kFloat) {
            r.fp32Threads = o.device.is_cpu() ? configureCpuThreads(at::kFloat, o.threads) : 0;
            ClipModel ref = convertModel(model, o.device, at::kFloat);
            at::Tensor refImages = images.to(o.device);
            if (o.images) {
                at::Tensor e;
                for (int i = 0; i < o.warmup; ++i) e = ref->encodeImage(refImages);
                const double ms = timeMs(o.device, o.iters, [&] { e = ref->encodeImage(refImages); });
                r.fp32ImagesPerSecond = 1000.0 * double(o.batch) / ms;
                r.imageCosineMin = minRowCosine(imageOut, e);
            }
            if (o.texts) {
                at::Tensor e;
                for (int i = 0; i < o.warmup; ++i) e = ref->encodeText(tokensDev);
                const double ms = timeMs(o.device, o.iters, [&] { e = ref->encodeText(tokensDev); });
                r.fp32PromptsPerSecond = 1000.0 * double(o.batch) / ms;
                r.textCosineMin = minRowCosine(textOut, e);
            }
            if (o.device.is_cpu()) configureCpuThreads(o.dtype, o.threads);
        }
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
