#pragma once
// The int8 linear layer of the model's int8 path (private to diffclip_model).
//
// LibTorch's quantized operators are registered with the dispatcher only (there are no at::
// functions for them in 1.13 or 2.x); they are looked up once and called boxed, so no header of
// the quantized backends is needed and the packed weights stay an opaque IValue. What Debian's
// LibTorch 1.13 offers (at::globalContext().supportedQEngines()): the engines ONEDNN and
// QNNPACK, no FBGEMM; quantized::linear_prepack + quantized::linear_dynamic run on either, and
// oneDNN's is the fast one on x86 (bench/model/bench_int8_linear.cpp measures the alternatives).

#include <ATen/core/Tensor.h>
#include <ATen/core/ivalue.h>

#include <string>

namespace diffclip::int8 {

/// Whether this LibTorch has the oneDNN quantized engine and the two operators; the reason
/// otherwise (empty when available). Checked once.
const std::string& unavailableReason();

/// Makes oneDNN the quantized engine (process-wide; only the int8 path uses quantized operators).
void selectEngine();

/// Weights (out, in) float32 quantised symmetrically per output channel (zero point 0, scale =
/// max|row| / (2^(bits-1) - 1)) and packed for the current quantized engine, without a bias
/// (linear adds it). Throws c10::Error.
c10::IValue pack(const at::Tensor& weight, int bits);

/// y = x W^T + b with x (..., in) float32 and b (out) float32 (undefined: none). Each token (row
/// of x) is first divided by its largest magnitude, so that the per-tensor quantisation oneDNN
/// applies (it measures the range per call and quantises to uint8) resolves every token as
/// finely as the largest one: per-token quantisation in effect. oneDNN multiplies in int8 with
/// int32 sums and rescales them to float32; the rows' factors and the bias are applied after.
at::Tensor linear(const at::Tensor& x, const c10::IValue& packed, const at::Tensor& bias);

/// Whether 8-bit weights give exact int32 sums with this process's oneDNN kernels. CPUs without
/// VNNI (AVX2, AVX-512 without VNNI, or oneDNN limited to those by ONEDNN_MAX_CPU_ISA) multiply
/// uint8 x int8 pairs with vpmaddubsw, whose 16-bit pair sums saturate (255*127*2 > 32767);
/// 7-bit weights cannot (255*63*2 < 32767). Found once by running a layer whose every pair
/// saturates, so it reflects the kernels oneDNN really picked.
bool eightBitWeightsExact();

}  // namespace diffclip::int8
