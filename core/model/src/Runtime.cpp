#include "diffclip/model/Runtime.h"

#include "diffclip/model/ModelSummary.h"

#include "Int8Linear.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
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
    if (spec == "int8") return at::kQInt8;
    return makeError(ErrorCode::InvalidArgument, "bad dtype \"" + spec + "\" (use fp32, bf16, fp16 or int8)");
}

const char* dtypeName(at::ScalarType type) {
    switch (type) {
    case at::kFloat: return "fp32";
    case at::kBFloat16: return "bf16";
    case at::kHalf: return "fp16";
    case at::kQInt8: return "int8";
    default: return "other";
    }
}

Status checkDtypeSupported(c10::Device device, at::ScalarType dtype) {
    if (dtype == at::kFloat || dtype == at::kBFloat16) return Status::success();
    if (dtype == at::kHalf && device.is_cuda()) return Status::success();
    if (dtype == at::kQInt8) {
        if (!device.is_cpu()) return makeError(ErrorCode::Unsupported, "int8 runs on the CPU only; use bf16 on a GPU");
        return int8Supported();
    }
    if (dtype == at::kHalf)
        return makeError(ErrorCode::Unsupported, "fp16 runs on CUDA only; use bf16, int8 or fp32 on the CPU");
    return makeError(ErrorCode::Unsupported, std::string("precision ") + dtypeName(dtype) + " is not supported");
}

namespace {

std::mutex g_capsMutex;
std::optional<std::string> g_capsOverride;

// The relevant flags as /proc/cpuinfo names them, in the order describe() lists them.
const char* const kFlags[] = {"avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8", "avx512_bf16", "amx_bf16"};

std::string upper(std::string s) {
    for (char& ch : s) ch = char(std::toupper(static_cast<unsigned char>(ch)));
    return s;
}

// What oneDNN may use when ONEDNN_MAX_CPU_ISA / DNNL_MAX_CPU_ISA is set (oneDNN reads the first).
void applyIsaLimit(CpuCaps& c) {
    const char* name = "ONEDNN_MAX_CPU_ISA";
    const char* value = std::getenv(name);
    if (!value || !*value) {
        name = "DNNL_MAX_CPU_ISA";
        value = std::getenv(name);
    }
    if (!value || !*value) return;
    const std::string isa = upper(value);
    if (isa == "ALL" || isa.rfind("AVX512_CORE_AMX", 0) == 0 || isa == "AVX512_CORE_BF16") return;
    c.isaLimit = std::string(name) + "=" + value;
    c.bf16 = false;
    if (isa == "AVX512_CORE_VNNI") return;
    c.vnni = isa == "AVX2_VNNI" && c.vnni;
    if (isa.rfind("AVX512", 0) == 0) return;
    c.avx512 = false;
    if (isa.rfind("AVX2", 0) != 0) c.avx2 = false;
}

CpuCaps capsFromFlags(const std::string& flags, std::string source) {
    std::istringstream in(flags);
    std::string f;
    CpuCaps c;
    c.source = std::move(source);
    while (in >> f) {
        if (f == "avx2") c.avx2 = true;
        else if (f == "avx512f") c.avx512 = true;
        else if (f == "avx512_vnni" || f == "avx_vnni" || f == "amx_int8") c.vnni = true;
        else if (f == "avx512_bf16" || f == "amx_bf16") c.bf16 = true;
    }
    return c;
}

std::string g_detectedFlags;  // the relevant flags as read, for describe()

CpuCaps detectedCaps() {
    static const CpuCaps caps = [] {
        std::string flags;
        CpuCaps c;
        if (const char* env = std::getenv("DIFFCLIP_CPU_CAPS"); env && *env) {
            flags = env;
            c = capsFromFlags(flags, "DIFFCLIP_CPU_CAPS");
            // Make oneDNN use the kernels such a CPU has, unless told otherwise. Effective when
            // set before oneDNN's first primitive (configureCpuThreads reads the caps first).
            const char* isa = !c.avx512 ? "AVX2" : c.bf16 ? "AVX512_CORE_BF16" : c.vnni ? "AVX512_CORE_VNNI" : "AVX512_CORE";
            setenv("ONEDNN_MAX_CPU_ISA", isa, 0);
        } else {
            std::ifstream in("/proc/cpuinfo");
            std::string line;
            while (std::getline(in, line))
                if (line.rfind("flags", 0) == 0) {
                    flags = line.substr(line.find(':') + 1);
                    break;
                }
            c = capsFromFlags(flags, "/proc/cpuinfo");
        }
        for (const char* f : kFlags)
            if ((" " + flags + " ").find(std::string(" ") + f + " ") != std::string::npos)
                g_detectedFlags += (g_detectedFlags.empty() ? "" : " ") + std::string(f);
        applyIsaLimit(c);
        return c;
    }();
    return caps;
}

}  // namespace

std::string CpuCaps::describe() const {
    std::string s;
    if (source == "override") {
        for (auto [has, name] : {std::pair{avx2, "avx2"}, {avx512, "avx512f"}, {vnni, "vnni"}, {bf16, "bf16"}})
            if (has) s += (s.empty() ? "" : " ") + std::string(name);
    } else {
        s = g_detectedFlags.empty() ? std::string("no avx2") : g_detectedFlags;
    }
    if (!isaLimit.empty()) s += ", oneDNN limited by " + isaLimit;
    if (source != "/proc/cpuinfo") s += " (from " + source + ")";
    if (const char* core = std::getenv("OPENBLAS_CORETYPE"); core && *core)
        s += ", OPENBLAS_CORETYPE=" + std::string(core);
    return s;
}

CpuCaps cpuCaps() {
    {
        std::lock_guard<std::mutex> lock(g_capsMutex);
        if (g_capsOverride) return capsFromFlags(*g_capsOverride, "override");
    }
    return detectedCaps();
}

void setCpuCapsOverride(const std::string& flags) {
    std::lock_guard<std::mutex> lock(g_capsMutex);
    if (flags.empty()) g_capsOverride.reset();
    else g_capsOverride = flags;
}

bool cpuHasFastBf16() { return cpuCaps().bf16; }

Status int8Supported() {
    const std::string& reason = int8::unavailableReason();
    if (reason.empty()) return Status::success();
    return makeError(ErrorCode::Unsupported, reason);
}

int int8WeightBits() {
    if (!int8Supported()) return 8;
    return int8::eightBitWeightsExact() ? 8 : 7;
}

std::string runtimeDescription() {
    return "LibTorch " + libtorchVersion() + " · " +
           (cudaAvailable() ? "GPU: CUDA available to this build (" + std::to_string(torch::cuda::device_count()) + ")"
                            : std::string("GPU: none (CPU only)"));
}

std::string automaticCpuPrecision() {
    if (cpuHasFastBf16()) return "bf16";
    return int8Supported() ? "int8" : "fp32";
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
    (void)cpuCaps();  // before oneDNN's first use: DIFFCLIP_CPU_CAPS may restrict its kernels
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
        // int8 (oneDNN on LibTorch's threads) takes every core too: on the quiet 2-core machine
        // two threads ran 1.6x one thread's speed (README, "int8 on the CPU"). Under other load
        // OpenMP threads that spin at barriers lose much more; --threads 1 is the remedy there.
    }
    at::set_num_threads(n);
    return n;
}

at::ScalarType preferredDtype(c10::Device device) {
    if (device.is_cuda()) return at::kBFloat16;
    if (cpuHasFastBf16()) return at::kBFloat16;
    return int8Supported() ? at::kQInt8 : at::kFloat;
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
