#include "Int8Linear.h"

#include <ATen/Context.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <string>

namespace diffclip::int8 {

namespace {

c10::OperatorHandle op(const char* name) {
    // findSchemaOrThrow: callers check unavailableReason() first.
    return c10::Dispatcher::singleton().findSchemaOrThrow(name, "");
}

const c10::OperatorHandle& prepackOp() {
    static const c10::OperatorHandle h = op("quantized::linear_prepack");
    return h;
}

const c10::OperatorHandle& dynamicOp() {
    static const c10::OperatorHandle h = op("quantized::linear_dynamic");
    return h;
}

}  // namespace

const std::string& unavailableReason() {
    static const std::string reason = []() -> std::string {
        const auto engines = at::globalContext().supportedQEngines();
        if (std::find(engines.begin(), engines.end(), at::QEngine::ONEDNN) == engines.end())
            return std::string("this LibTorch ") + TORCH_VERSION + " has no oneDNN quantized engine";
        for (const char* name : {"quantized::linear_prepack", "quantized::linear_dynamic"})
            if (!c10::Dispatcher::singleton().findSchema({name, ""}))
                return std::string("this LibTorch has no ") + name;
        return std::string();
    }();
    return reason;
}

void selectEngine() {
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    if (at::globalContext().qEngine() != at::QEngine::ONEDNN) at::globalContext().setQEngine(at::QEngine::ONEDNN);
}

c10::IValue pack(const at::Tensor& weight, int bits) {
    const double qmax = double((1 << (bits - 1)) - 1);
    at::Tensor w = weight.detach().to(at::kFloat).contiguous();
    at::Tensor scales = (w.abs().amax(1) / qmax).clamp_min(1e-12).to(at::kDouble);
    at::Tensor zeros = at::zeros({w.size(0)}, at::TensorOptions().dtype(at::kLong));
    at::Tensor wq = at::quantize_per_channel(w, scales, zeros, 0, at::kQInt8);
    torch::jit::Stack stack{wq, c10::optional<at::Tensor>()};
    prepackOp().callBoxed(&stack);
    return stack.back();
}

namespace {

at::Tensor dynamicLinear(const at::Tensor& x, const c10::IValue& packed) {
    // reduce_range false: oneDNN quantises activations to the full 0..255 (reduce_range is
    // fbgemm's answer to the saturation that 7-bit weights avoid here, see eightBitWeightsExact).
    torch::jit::Stack stack{x.contiguous(), packed, false};
    dynamicOp().callBoxed(&stack);
    return stack.back().toTensor();
}

}  // namespace

at::Tensor linear(const at::Tensor& x, const c10::IValue& packed, const at::Tensor& bias) {
    // Tokens differ in magnitude (the MLP's GELU output above all); one range for the whole
    // tensor would leave the small ones a few levels. Measured on a ViT-B/16 block: README.
    auto [lo, hi] = at::aminmax(x, -1, true);  // one pass, no |x| temporary
    at::Tensor scale = at::maximum(hi, -lo).clamp_min(1e-30);
    at::Tensor y = dynamicLinear(x / scale, packed);
    if (!bias.defined()) return y.mul_(scale);
    return at::addcmul(bias, y, scale);
}

bool eightBitWeightsExact() {
    static const bool exact = [] {
        selectEngine();
        c10::InferenceMode inference;
        const int64_t in = 256;
        // x in [0, 1] quantises to 0 or 255; every weight to +127: each pair sums 255*127*2.
        at::Tensor x = at::ones({2, in});
        x.select(1, 0).zero_();
        at::Tensor w = at::ones({8, in});
        at::Tensor y = dynamicLinear(x, pack(w, 8));
        const double expected = double(in - 1);
        return std::abs(y[0][0].item<double>() - expected) < 0.01 * expected;
    }();
    return exact;
}

}  // namespace diffclip::int8
