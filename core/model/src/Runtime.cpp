#include "diffclip/model/Runtime.h"

#include "diffclip/model/ModelSummary.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

namespace diffclip {

bool cudaAvailable() { return torch::cuda::is_available(); }

Result<c10::Device> parseDevice(const std::string& spec) {
    if (spec == "auto" || spec.empty()) return cudaAvailable() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
    if (spec == "cpu") return c10::Device(c10::kCPU);
    if (spec.rfind("cuda", 0) == 0) {
        int index = 0;
        if (spec.size() > 4) {
            if (spec[4] != ':' || spec.size() == 5 || spec.size() > 8 ||
                spec.find_first_not_of("0123456789", 5) != std::string::npos)
                return makeError(ErrorCode::InvalidArgument, "bad device \"" + spec + "\" (use auto, cpu, cuda or cuda:N)");
            index = std::stoi(spec.substr(5));
        }
        if (!cudaAvailable()) return makeError(ErrorCode::Unsupported, "no CUDA device is available to this build");
        if (index >= static_cast<int>(torch::cuda::device_count()))
            return makeError(ErrorCode::InvalidArgument, "CUDA device " + std::to_string(index) + " does not exist");
        return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index));
    }
    return makeError(ErrorCode::InvalidArgument, "bad device \"" + spec + "\" (use auto, cpu, cuda or cuda:N)");
}

Result<at::ScalarType> parseDtype(const std::string& spec) {
    if (spec == "fp32" || spec == "float32") return at::kFloat;
    if (spec == "bf16" || spec == "bfloat16") return at::kBFloat16;
    if (spec == "fp16" || spec == "float16") return at::kHalf;
    return makeError(ErrorCode::InvalidArgument, "bad dtype \"" + spec + "\" (use fp32, bf16 or fp16)");
}

const char* dtypeName(at::ScalarType type) {
    switch (type) {
    case at::kFloat: return "fp32";
    case at::kBFloat16: return "bf16";
    case at::kHalf: return "fp16";
    default: return "other";
    }
}

Status checkDtypeSupported(c10::Device device, at::ScalarType dtype) {
    if (dtype == at::kFloat || dtype == at::kBFloat16) return Status::success();
    if (dtype == at::kHalf && device.is_cuda()) return Status::success();
    return makeError(ErrorCode::Unsupported, std::string(dtypeName(dtype)) + " runs on CUDA only; use bf16 or fp32 on the CPU");
}

bool cpuHasFastBf16() {
    static const bool has = [] {
        std::ifstream in("/proc/cpuinfo");
        std::string line;
        while (std::getline(in, line)) {
            if (line.rfind("flags", 0) == 0)
                return line.find(" avx512_bf16") != std::string::npos || line.find(" amx_bf16") != std::string::npos;
        }
        return false;
    }();
    return has;
}

namespace {
std::atomic<int> g_threadPreference{0};
}

void setCpuThreadPreference(int threads) { g_threadPreference = threads < 0 ? 0 : threads; }
int cpuThreadPreference() { return g_threadPreference; }

void keepTensorMemoryMapped() {
#ifdef __GLIBC__
    static std::once_flag once;
    std::call_once(once, [] {
        // Activations of a forward pass are 1-30 MB each. glibc serves blocks that large with
        // fresh mmap()s and returns them on free, so every forward pays a page fault per 4 KiB
        // (about 15 us each on a VM: 87,000 faults and 2.5x the time for a ViT-B/16 batch of 8).
        // Keeping them in the heap lets the next forward reuse the pages.
        mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's maximum
        mallopt(M_TRIM_THRESHOLD, 1 << 30);
        mallopt(M_TOP_PAD, 64 << 20);
    });
#endif
}

int configureCpuThreads(at::ScalarType dtype, int requested) {
    keepTensorMemoryMapped();
    if (requested <= 0) requested = g_threadPreference;
    int cores = static_cast<int>(std::thread::hardware_concurrency());
    if (cores <= 0) cores = 1;
    int n = requested;
    if (n <= 0) {
        // fp32 GEMMs go to BLAS, which runs its own pool over all cores; a second pool of
        // intra-op threads on top oversubscribes them (measured: README, "CPU threads").
        const bool blasOwnThreads = at::get_parallel_info().find("OpenBLAS") != std::string::npos ||
                                    dtype == at::kFloat;
        n = (dtype == at::kFloat && blasOwnThreads) ? 1 : cores;
    }
    at::set_num_threads(n);
    return n;
}

at::ScalarType preferredDtype(c10::Device device) {
    if (device.is_cuda()) return at::kBFloat16;
    return cpuHasFastBf16() ? at::kBFloat16 : at::kFloat;
}

double minRowCosine(const at::Tensor& a, const at::Tensor& b) {
    auto x = a.to(at::kDouble).cpu(), y = b.to(at::kDouble).cpu();
    auto cos = (x * y).sum(-1) / (x.norm(2, -1) * y.norm(2, -1)).clamp_min(1e-30);
    return cos.min().item<double>();
}

std::string libtorchVersion() { return TORCH_VERSION; }

int64_t peakResidentBytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<int64_t>(usage.ru_maxrss) * 1024;
}

}  // namespace diffclip
