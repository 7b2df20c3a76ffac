// The ways LibTorch can run one ViT-B/16 transformer block's linear layers on the CPU, timed in
// the same run, round by round (so that every variant sees the same load on a shared machine),
// with the cosine of each variant's output against fp32:
//   fp32       at::linear (OpenBLAS in Debian's LibTorch), 1 intra-op thread and all cores
//   bf16       at::linear on bf16 weights (oneDNN; only where the CPU has bf16 dot products)
//   onednn-w8  quantized::linear_dynamic, oneDNN engine, 8-bit per-channel weights, activations
//              quantised per tensor (oneDNN's own range)
//   per-token  the same with each token divided by its largest magnitude first (what the model
//              runs, Int8Linear.h)
//   onednn-w7  the same with 7-bit weights (what CPUs without VNNI need, see Int8Linear.h)
//   onednn-qkv-separate  q, k and v as three products instead of one stacked one (DiffAttention)
//   qnnpack    quantized::linear_dynamic, QNNPACK engine (the other engine Debian's build has)
//   aten-int   int8 x int8 -> int32 by at::matmul on int32 tensors with per-token activation and
//              per-channel weight scales, the "hand-made" int8 matmul (ATen has no int8 GEMM
//              kernel on the CPU, no at::_int_mm in 1.13; fbgemm is absent)
//   fp16-dyn   quantized::linear_dynamic_fp16 (fbgemm only: reported as unavailable here)
//
// Usage: bench_int8_linear [ROUNDS=5] [TOKENS=1576 (8 images x 197)]
// Set ONEDNN_MAX_CPU_ISA=AVX2 (and OPENBLAS_CORETYPE=Haswell for the fp32 side) to see what an
// AVX2-only CPU would do.
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

const c10::OperatorHandle* findOp(const char* name) {
    static std::map<std::string, c10::OperatorHandle> ops;
    auto h = c10::Dispatcher::singleton().findSchema({name, ""});
    if (!h) return nullptr;
    return &ops.emplace(name, *h).first->second;
}

double cosineMin(const at::Tensor& a, const at::Tensor& b) {
    auto x = a.to(at::kDouble), y = b.to(at::kDouble);
    return ((x * y).sum(-1) / (x.norm(2, -1) * y.norm(2, -1)).clamp_min(1e-30)).min().item<double>();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

std::string cpuFlags() {
    std::ifstream in("/proc/cpuinfo");
    std::string line, out;
    while (std::getline(in, line))
        if (line.rfind("flags", 0) == 0) {
            for (const char* f : {"avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_int8", "amx_bf16"})
                if ((line + " ").find(std::string(" ") + f + " ") != std::string::npos) out += std::string(f) + " ";
            break;
        }
    for (const char* env : {"ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA", "OPENBLAS_CORETYPE"})
        if (const char* v = std::getenv(env)) out += std::string("| ") + env + "=" + v + " ";
    return out;
}

struct Variant {
    Variant(std::string n, int t, std::function<at::Tensor()> r) : name(std::move(n)), threads(t), run(std::move(r)) {}
    std::string name;
    int threads;
    std::function<at::Tensor()> run;  // the block's products: qkv, attention output, fc1, GELU, fc2
    std::vector<double> ms;
    double cosine = 1.0;
    std::string error;
};

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    const int64_t M = argc > 2 ? std::max(1, std::atoi(argv[2])) : 8 * 197;
    const int64_t D = 768, F = 3072;
    const int cores = std::max(1, int(std::thread::hardware_concurrency()));
    c10::InferenceMode inference;
    std::cout << "LibTorch quantized engines:";
    for (auto e : at::globalContext().supportedQEngines()) std::cout << ' ' << c10::toString(e);
    std::cout << "\nCPU: " << cpuFlags() << "\n";
    std::cout << "one ViT-B/16 block's linear layers (qkv " << D << "->" << 3 * D << ", proj, fc1 " << D << "->" << F
              << ", GELU, fc2) on " << M << " tokens, " << rounds << " rounds\n";

    auto gen = at::detail::createCPUGenerator(7);
    auto weight = [&](int64_t out, int64_t in) { return at::randn({out, in}, gen) * (1.0 / std::sqrt(double(in))); };
    at::Tensor x = at::randn({M, D}, gen), wqkv = weight(3 * D, D), bqkv = at::zeros({3 * D}), wo = weight(D, D),
               bo = at::zeros({D}), w1 = weight(F, D), b1 = at::zeros({F}), w2 = weight(D, F), b2 = at::zeros({D});
    // The block as the model runs it, with `lin(i, input)` for the i-th product.
    auto block = [&](const std::function<at::Tensor(int, const at::Tensor&)>& lin) {
        at::Tensor qkv = lin(0, x);
        at::Tensor o = lin(1, qkv.narrow(1, 2 * D, D));  // stand-in for the attention output
        at::Tensor h = at::gelu(lin(2, x + o));
        return lin(3, h);
    };
    const std::vector<std::pair<at::Tensor, at::Tensor>> layers{{wqkv, bqkv}, {wo, bo}, {w1, b1}, {w2, b2}};

    std::vector<Variant> variants;
    variants.reserve(24);  // rows copy earlier rows' functions
    variants.emplace_back("fp32 (OpenBLAS)", 1, [&] { return block([&](int i, const at::Tensor& in) {
                            return at::linear(in, layers[size_t(i)].first, layers[size_t(i)].second);
                        }); });
    variants.emplace_back("fp32 (OpenBLAS)", cores, variants[0].run);
    const bool bf16 = cpuFlags().find("avx512_bf16") != std::string::npos && !std::getenv("ONEDNN_MAX_CPU_ISA") &&
                      !std::getenv("DNNL_MAX_CPU_ISA");
    std::vector<std::pair<at::Tensor, at::Tensor>> bfLayers;
    for (const auto& [w, b] : layers) bfLayers.emplace_back(w.to(at::kBFloat16), b.to(at::kBFloat16));
    if (bf16)
        variants.emplace_back("bf16 (oneDNN)", cores, [&] { return block([&](int i, const at::Tensor& in) {
                                return at::linear(in.to(at::kBFloat16), bfLayers[size_t(i)].first,
                                                  bfLayers[size_t(i)].second)
                                    .to(at::kFloat);
                            }); });

    const auto* prepack = findOp("quantized::linear_prepack");
    const auto* dynamic = findOp("quantized::linear_dynamic");
    auto pack = [&](const at::Tensor& w, const at::Tensor& b, int bits) {
        const double qmax = double((1 << (bits - 1)) - 1);
        at::Tensor wq = at::quantize_per_channel(w, (w.abs().amax(1) / qmax).clamp_min(1e-12).to(at::kDouble),
                                                 at::zeros({w.size(0)}, at::kLong), 0, at::kQInt8);
        torch::jit::Stack s{wq, b.defined() ? c10::optional<at::Tensor>(b) : c10::optional<at::Tensor>()};
        prepack->callBoxed(&s);
        return s.back();
    };
    auto dyn = [&](const at::Tensor& in, const c10::IValue& p) {
        torch::jit::Stack s{in.contiguous(), p, false};
        dynamic->callBoxed(&s);
        return s.back().toTensor();
    };
    // Packed weights per engine and bit width; engines are process-wide, so each variant selects
    // its own before running.
    std::map<std::string, std::vector<c10::IValue>> packed;
    std::vector<c10::IValue> separateQkv;
    std::map<std::string, std::vector<c10::IValue>> unbiased;  // the same without the bias
    auto packAll = [&](at::QEngine engine, int bits, const std::string& key) {
        at::globalContext().setQEngine(engine);
        for (const auto& [w, b] : layers) {
            packed[key].push_back(pack(w, b, bits));
            unbiased[key].push_back(pack(w, at::Tensor(), bits));
        }
    };
    const auto engines = at::globalContext().supportedQEngines();
    auto has = [&](at::QEngine e) { return std::find(engines.begin(), engines.end(), e) != engines.end(); };
    if (prepack && dynamic && has(at::QEngine::ONEDNN)) {
        packAll(at::QEngine::ONEDNN, 8, "onednn8");
        packAll(at::QEngine::ONEDNN, 7, "onednn7");
        for (int part = 0; part < 3; ++part)
            separateQkv.push_back(pack(wqkv.narrow(0, part * D, D).contiguous(), bqkv.narrow(0, part * D, D), 8));
        std::vector<int> threadCounts{1};
        if (cores > 1) threadCounts.push_back(cores);
        for (int threads : threadCounts)
            for (int bits : {8, 7}) {
                const std::string key = "onednn" + std::to_string(bits);
                variants.emplace_back("int8 oneDNN linear_dynamic, w" + std::to_string(bits), threads, [&, key] {
                    at::globalContext().setQEngine(at::QEngine::ONEDNN);
                    return block([&](int i, const at::Tensor& in) { return dyn(in, packed[key][size_t(i)]); });
                });
                // What the model runs (Int8Linear.h): each token divided by its largest magnitude
                // first, the factor and the bias applied to the float32 result.
                variants.emplace_back(
                    "int8 oneDNN linear_dynamic, per-token scaled, w" + std::to_string(bits), threads, [&, key] {
                        at::globalContext().setQEngine(at::QEngine::ONEDNN);
                        return block([&](int i, const at::Tensor& in) {
                            auto [lo, hi] = at::aminmax(in, -1, true);
                            at::Tensor scale = at::maximum(hi, -lo).clamp_min(1e-30);
                            return at::addcmul(layers[size_t(i)].second, dyn(in / scale, unbiased[key][size_t(i)]),
                                               scale);
                        });
                    });
            }
        for (int threads : threadCounts)
            variants.emplace_back("int8 oneDNN, q/k/v as three products, w8", threads, [&] {
                at::globalContext().setQEngine(at::QEngine::ONEDNN);
                return block([&](int i, const at::Tensor& in) {
                    if (i != 0) return dyn(in, packed["onednn8"][size_t(i)]);
                    return at::cat({dyn(in, separateQkv[0]), dyn(in, separateQkv[1]), dyn(in, separateQkv[2])}, 1);
                });
            });
    }
    if (prepack && dynamic && has(at::QEngine::QNNPACK)) {
        packAll(at::QEngine::QNNPACK, 8, "qnnpack");
        variants.emplace_back("int8 QNNPACK linear_dynamic, w8", cores, [&] {
                                at::globalContext().setQEngine(at::QEngine::QNNPACK);
                                return block([&](int i, const at::Tensor& in) {
                                    return dyn(in, packed["qnnpack"][size_t(i)]);
                                });
                            });
    }
    // Hand-made: int8 values held in int32 tensors, at::matmul's integer path (generic loops).
    std::vector<std::pair<at::Tensor, at::Tensor>> intLayers;  // (int weights^T, per-channel scales)
    for (const auto& [w, b] : layers) {
        at::Tensor scale = (w.abs().amax(1) / 127.0).clamp_min(1e-12);
        intLayers.emplace_back((w / scale.unsqueeze(1)).round().to(at::kInt).t().contiguous(), scale);
    }
    variants.emplace_back("int8 by hand: ATen integer matmul, per-token activations", cores, [&] {
                            return block([&](int i, const at::Tensor& in) {
                                at::Tensor s = (in.abs().amax(1, true) / 127.0).clamp_min(1e-12);
                                at::Tensor q = (in / s).round().to(at::kInt);
                                const auto& [wt, ws] = intLayers[size_t(i)];
                                return at::matmul(q, wt).to(at::kFloat) * s * ws + layers[size_t(i)].second;
                            });
                        });
    if (const auto* fp16pack = findOp("quantized::linear_prepack_fp16")) {
        Variant v("fp16 weights, linear_dynamic_fp16", cores, nullptr);
        try {
            torch::jit::Stack s{w1, c10::optional<at::Tensor>(b1)};
            fp16pack->callBoxed(&s);
        } catch (const c10::Error& e) {
            v.error = std::string(e.what_without_backtrace()).substr(0, 90);
        }
        if (v.error.empty()) v.error = "packs, but not timed here";
        variants.push_back(v);
    }

    double load[1] = {-1};
    if (getloadavg(load, 1) == 1) std::printf("load average (1 min) before timing: %.1f\n", load[0]);
    // Reference output and warm-up.
    at::set_num_threads(1);
    const at::Tensor reference = variants[0].run();
    for (auto& v : variants) {
        if (!v.run) continue;
        at::set_num_threads(v.threads);
        try {
            v.cosine = cosineMin(v.run(), reference);
        } catch (const std::exception& e) {
            v.error = std::string(e.what()).substr(0, 90);
        }
    }
    for (int r = 0; r < rounds; ++r)
        for (auto& v : variants) {
            if (!v.run || !v.error.empty()) continue;
            at::set_num_threads(v.threads);
            const auto t0 = std::chrono::steady_clock::now();
            (void)v.run();
            v.ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
    if (getloadavg(load, 1) == 1) std::printf("load average (1 min) after timing: %.1f\n", load[0]);
    const double base = median(variants[0].ms);
    std::printf("%-58s %7s %10s %8s %10s\n", "variant", "threads", "ms (med)", "x fp32", "min cos");
    for (const auto& v : variants) {
        if (!v.error.empty()) {
            std::printf("%-58s %7d  unavailable: %s\n", v.name.c_str(), v.threads, v.error.c_str());
            continue;
        }
        const double ms = median(v.ms);
        std::printf("%-58s %7d %10.1f %8.2f %10.6f\n", v.name.c_str(), v.threads, ms, base / ms, v.cosine);
    }
    std::printf("x fp32: against the first row (fp32, 1 intra-op thread: LibTorch's choice with OpenBLAS).\n");
    return 0;
}
