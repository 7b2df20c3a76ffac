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

/// "fp32" | "bf16" | "fp16" (also "float32", "bfloat16", "float16").
Result<at::ScalarType> parseDtype(const std::string& spec);
const char* dtypeName(at::ScalarType type);  // "fp32", "bf16", "fp16"
/// fp32 and bf16 run everywhere; fp16 needs CUDA (LibTorch's CPU kernels lack it). Unsupported otherwise.
Status checkDtypeSupported(c10::Device device, at::ScalarType dtype);

/// True when this CPU has native bf16 dot products (AVX512-BF16 or AMX): LibTorch's oneDNN
/// path then runs bf16 matrix products several times faster than fp32.
bool cpuHasFastBf16();

/// Process-wide allocator settings that keep large tensor blocks in the heap between forward
/// passes instead of unmapping them (glibc only; idempotent; configureCpuThreads calls it).
void keepTensorMemoryMapped();

/// Sets LibTorch's intra-op threads for CPU work in `dtype`. requested > 0 is used as is;
/// 0 picks from the machine: all cores for bf16/fp16 (oneDNN), and for fp32 one intra-op
/// thread when LibTorch's GEMM is OpenBLAS with its own thread pool (two pools on the same
/// cores fight and run slower), else all cores. Returns the count set. Process-wide.
int configureCpuThreads(at::ScalarType dtype, int requested);

/// The precision the embedding path uses when the user leaves it to us: bf16 on CUDA and on
/// CPUs with fast bf16, else fp32. Callers confirm it with precisionAgrees().
at::ScalarType preferredDtype(c10::Device device);

/// Cosine similarity of matching rows, smallest over rows (1.0 for identical).
double minRowCosine(const at::Tensor& a, const at::Tensor& b);

/// "1.13.1" etc.
std::string libtorchVersion();
/// Peak resident memory of this process in bytes (CPU), from getrusage.
int64_t peakResidentBytes();

}  // namespace diffclip
