#pragma once
// Device selection, CPU threading and precision choice for the encoders.

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <string>

#include "diffclip/base/Result.h"

namespace diffclip {

/// "auto" (CUDA when available, else CPU), "cpu", "cuda" or "cuda:N".
/// Errors: InvalidArgument for bad text, Unsupported when CUDA is asked for but absent.
Result<c10::Device> parseDevice(const std::string& spec);
bool cudaAvailable();

/// Precisions are at::ScalarType values; at::kQInt8 stands for the int8 path (int8 weights,
/// dynamically quantised activations: ClipModelImpl::quantizeLinears), whose weights are float32.
/// "fp32" | "bf16" | "fp16" | "int8" (also "float32", "bfloat16", "float16").
Result<at::ScalarType> parseDtype(const std::string& spec);
const char* dtypeName(at::ScalarType type);  // "fp32", "bf16", "fp16", "int8"
/// fp32 and bf16 run everywhere; fp16 needs CUDA (LibTorch's CPU kernels lack it); int8 needs
/// the CPU and int8Supported(). Unsupported otherwise, with the reason.
Status checkDtypeSupported(c10::Device device, at::ScalarType dtype);

/// The CPU features that choose the precision. Read once from /proc/cpuinfo's flags, then
/// limited to what oneDNN may use when ONEDNN_MAX_CPU_ISA (or DNNL_MAX_CPU_ISA) is set: with
/// "AVX2" a CPU with AVX-512 and bf16 counts as an AVX2-only one, as oneDNN then has no bf16
/// or VNNI kernels. The environment variable DIFFCLIP_CPU_CAPS replaces the flags (e.g. "avx2
/// fma" for an AVX2-only CPU) and, unless ONEDNN_MAX_CPU_ISA is set, sets it to match (effective
/// before oneDNN's first use; configureCpuThreads reads the caps first). setCpuCapsOverride
/// replaces them for the choices only (tests): oneDNN's kernels stay as they are. Any thread.
struct CpuCaps {
    bool avx2 = false;
    bool avx512 = false;  // avx512f
    bool vnni = false;    // avx512_vnni, avx_vnni or amx_int8: int8 dot products without saturation
    bool bf16 = false;    // avx512_bf16 or amx_bf16
    std::string source;   // "/proc/cpuinfo", "DIFFCLIP_CPU_CAPS" or "override"
    std::string isaLimit; // "ONEDNN_MAX_CPU_ISA=AVX2" when one applied, else empty
    /// "avx2 avx512f avx512_vnni avx512_bf16", with the limit and the source when not the
    /// machine's own: how benchmark figures name the CPU they were taken on.
    std::string describe() const;
};
CpuCaps cpuCaps();
/// Space-separated flags as in /proc/cpuinfo; empty restores detection. Process-wide.
void setCpuCapsOverride(const std::string& flags);

/// True when this CPU has native bf16 dot products (AVX512-BF16 or AMX): LibTorch's oneDNN
/// path then runs bf16 matrix products several times faster than fp32.
bool cpuHasFastBf16();

/// Whether this LibTorch can run the int8 path: the oneDNN quantized engine and the operators
/// quantized::linear_prepack / linear_dynamic (Debian's 1.13 has them, and the engines ONEDNN and
/// QNNPACK, but no FBGEMM). Unsupported with the reason otherwise. Checked once.
Status int8Supported();
/// Weight bits for the int8 path in this process: 8 where oneDNN's int8 kernels sum exactly
/// (VNNI), 7 where their u8 x s8 pair products saturate at 16 bits (AVX2, AVX-512 without VNNI:
/// 255*127*2 > 32767, 255*63*2 < 32767). Found once by a test product on oneDNN itself, so
/// ONEDNN_MAX_CPU_ISA counts; 8 when int8 is unsupported.
int int8WeightBits();

/// Process-wide allocator settings that keep large tensor blocks in the heap between forward
/// passes instead of unmapping them (glibc only; idempotent; configureCpuThreads calls it).
void keepTensorMemoryMapped();

/// Sets LibTorch's intra-op threads for CPU work in `dtype`. requested > 0 is used as is;
/// 0 picks from the machine: all cores for bf16/fp16/int8 (oneDNN), and for fp32 one intra-op
/// thread when LibTorch's GEMM is OpenBLAS with its own thread pool (two pools on the same
/// cores fight and run slower), else all cores. Returns the count set. Process-wide.
int configureCpuThreads(at::ScalarType dtype, int requested);

/// The precision the embedding path tries first when the user leaves it to us: bf16 on CUDA and
/// on CPUs with fast bf16, else int8 where int8Supported(), else fp32. prepareEncoder
/// (Precision.h) confirms int8 with the calibration check.
at::ScalarType preferredDtype(c10::Device device);

/// Cosine similarity of matching rows, smallest over rows (1.0 for identical).
double minRowCosine(const at::Tensor& a, const at::Tensor& b);

/// "1.13.1" etc.
std::string libtorchVersion();
/// Peak resident memory of this process in bytes (CPU), from getrusage.
int64_t peakResidentBytes();

}  // namespace diffclip
