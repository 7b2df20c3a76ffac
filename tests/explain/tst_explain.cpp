// Explanation maps: extraction against the reference fixtures, rollout on constructed maps,
// the gradient map against finite differences, the colour scales (signed and shared), summary
// numbers, faithfulness curves, figures and region outlines.
#include <QtTest>

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "diffclip/explain/Explain.h"
#include "diffclip/explain/Render.h"
#include "diffclip/model/ModelIO.h"
#include "diffclip/model/Runtime.h"
#include "diffclip/model/Safetensors.h"

using namespace diffclip;
using namespace diffclip::explain;
namespace fs = std::filesystem;

namespace {

const std::string kFixtures = std::string(DIFFCLIP_SHARED_DIR) + "/fixtures/";

at::Tensor tensorNamed(const SafetensorsFile& f, const std::string& name) {
    for (const auto& [n, t] : f.tensors)
        if (n == name) return t;
    return {};
}

// A reference fixture (shared/fixtures/<name>): its model and the reference implementation's
// outputs; an empty model (the reason logged) when either cannot be read.
struct Fixture {
    ClipModel model{nullptr};
    SafetensorsFile ref;
};
Fixture loadFixture(const std::string& name) {
    Fixture f;
    auto m = loadModel(kFixtures + name + "/model.safetensors");
    auto ref = readSafetensors(kFixtures + name + "/expected.safetensors");
    if (!m || !ref) {
        qWarning("fixture %s: %s", name.c_str(), (m ? ref.error() : m.error()).message.c_str());
        return f;
    }
    f.model = m->model;
    f.ref = std::move(*ref);
    return f;
}

double maxAbs(const at::Tensor& a, const at::Tensor& b) { return (a.to(at::kFloat) - b.to(at::kFloat)).abs().max().item<double>(); }
double maxAbs64(const at::Tensor& a, const at::Tensor& b) {
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

PatchGrid grid(int rows, int cols, std::vector<float> values, bool isSigned = false) {
    PatchGrid g;
    g.rows = rows;
    g.cols = cols;
    g.values = std::move(values);
    g.isSigned = isSigned;
    return g;
}

// Row-stochastic-ish N x N matrices as nested vectors, for an independent reference rollout.
using Mat = std::vector<std::vector<double>>;
Mat matmul(const Mat& a, const Mat& b) {
    const size_t n = a.size();
    Mat c(n, std::vector<double>(n, 0));
    for (size_t i = 0; i < n; ++i)
        for (size_t k = 0; k < n; ++k)
            for (size_t j = 0; j < n; ++j) c[i][j] += a[i][k] * b[k][j];
    return c;
}
at::Tensor toTensor(const Mat& m) {
    const int64_t n = int64_t(m.size());
    at::Tensor t = at::zeros({n, n}, at::kFloat);
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j) t[i][j] = m[size_t(i)][size_t(j)];
    return t;
}

}  // namespace

class TestExplain : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { configureCpuThreads(at::kFloat, 0); }

    // CLS-to-patch rows of A1, A2 and A1 - lambda*A2 equal the reference implementation's.
    void differentialMapsMatchReference() {
        Fixture f = loadFixture("diffclip-tiny-a");
        QVERIFY(!f.model.is_empty());
        at::Tensor images = tensorNamed(f.ref, "input.image");
        QVERIFY(images.defined());
        const ModelConfig& c = f.model->config();
        QCOMPARE(mapHeads(c), int64_t(2));
        for (int64_t b = 0; b < images.size(0); ++b) {
            auto cap = captureAttention(f.model, images[b]);
            QVERIFY2(cap.ok(), cap.error().message.c_str());
            QCOMPARE(int64_t(cap->blocks.size()), c.vision.depth);
            for (int64_t l = 0; l < c.vision.depth; ++l) {
                const std::string key = "vision.blocks." + std::to_string(l) + ".attn.";
                for (auto [comp, name] : {std::pair{Component::A1, "a1"}, std::pair{Component::A2, "a2"},
                                          std::pair{Component::Difference, "diff"}}) {
                    at::Tensor expected = tensorNamed(f.ref, key + name);
                    QVERIFY2(expected.defined(), (key + name).c_str());
                    at::Tensor expectedRows = expected[b].select(1, 0).slice(1, 1);  // (heads, P)
                    auto rows = clsToPatches(cap->blocks[size_t(l)], comp);
                    QVERIFY2(rows.ok(), rows.error().message.c_str());
                    QVERIFY2(maxAbs(rows->squeeze(0), expectedRows) < 1e-4, (key + name).c_str());
                    // The same through the public map path, one head and the mean.
                    for (int64_t h = 0; h < expectedRows.size(0); ++h) {
                        ExplainOptions o;
                        o.component = comp;
                        o.layer = l;
                        o.heads = HeadChoice{HeadMode::Single, h};
                        auto e = explainAttention(c, *cap, o);
                        QVERIFY2(e.ok(), e.error().message.c_str());
                        QCOMPARE(e->map.rows, 4);
                        QCOMPARE(e->map.isSigned, comp == Component::Difference);
                        at::Tensor got = at::tensor(e->map.values);
                        QVERIFY(maxAbs(got, expectedRows[h]) < 1e-4);
                    }
                    ExplainOptions mean;
                    mean.component = comp;
                    mean.layer = l;
                    auto e = explainAttention(c, *cap, mean);
                    QVERIFY2(e.ok(), e.error().message.c_str());
                    QVERIFY(maxAbs(at::tensor(e->map.values), expectedRows.mean(0)) < 1e-4);
                    ExplainOptions mx = mean;
                    mx.heads.mode = HeadMode::Max;
                    auto e2 = explainAttention(c, *cap, mx);
                    QVERIFY2(e2.ok(), e2.error().message.c_str());
                    QVERIFY(maxAbs(at::tensor(e2->map.values), std::get<0>(expectedRows.max(0))) < 1e-4);
                }
                ExplainOptions o;
                o.layer = l;
                auto e = explainAttention(c, *cap, o);
                QVERIFY(e.ok());
                QCOMPARE(e->component, Component::Difference);
                QCOMPARE(int64_t(e->lambdas.size()), l + 1);
                const double lambda = tensorNamed(f.ref, key + "lambda").item<double>();
                QVERIFY(std::fabs(e->lambdas.back() - lambda) < 1e-5);
            }
        }
    }

    void standardMapsMatchReference() {
        Fixture f = loadFixture("clip-std-tiny-a");
        QVERIFY(!f.model.is_empty());
        at::Tensor images = tensorNamed(f.ref, "input.image");
        const ModelConfig& c = f.model->config();
        QCOMPARE(mapHeads(c), int64_t(4));
        for (int64_t b = 0; b < images.size(0); ++b) {
            auto cap = captureAttention(f.model, images[b]);
            QVERIFY2(cap.ok(), cap.error().message.c_str());
            for (int64_t l = 0; l < c.vision.depth; ++l) {
                const std::string key = "vision.blocks." + std::to_string(l) + ".attn.a";
                at::Tensor expectedRows = tensorNamed(f.ref, key)[b].select(1, 0).slice(1, 1);
                auto rows = clsToPatches(cap->blocks[size_t(l)], Component::Standard);
                QVERIFY2(rows.ok(), rows.error().message.c_str());
                QVERIFY2(maxAbs(rows->squeeze(0), expectedRows) < 1e-4, key.c_str());
                ExplainOptions o;
                o.layer = l;
                auto e = explainAttention(c, *cap, o);
                QVERIFY(e.ok());
                QCOMPARE(e->component, Component::Standard);
                QVERIFY(!e->map.isSigned);
                QVERIFY(e->lambdas.empty());
                QVERIFY(maxAbs(at::tensor(e->map.values), expectedRows.mean(0)) < 1e-4);
            }
            // Differential components do not exist here.
            ExplainOptions a1;
            a1.component = Component::A1;
            auto bad = explainAttention(c, *cap, a1);
            QVERIFY(!bad.ok());
            QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);
        }
    }

    void badLayerAndHead() {
        auto m = loadModel("preset:diffclip-tiny");
        QVERIFY(m.ok());
        at::Tensor img = at::randn({3, 32, 32});
        auto cap = captureAttention(m->model, img);
        QVERIFY(cap.ok());
        ExplainOptions o;
        o.layer = 7;
        auto e = explainAttention(m->model->config(), *cap, o);
        QVERIFY(!e.ok());
        QCOMPARE(e.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(e.error().message.find("layer 7") != std::string::npos, e.error().message.c_str());
        o.layer = -1;
        o.heads = HeadChoice{HeadMode::Single, 9};
        e = explainAttention(m->model->config(), *cap, o);
        QVERIFY(!e.ok());
        QVERIFY2(e.error().message.find("head 9") != std::string::npos, e.error().message.c_str());
        auto wrongSize = captureAttention(m->model, at::randn({3, 16, 16}));
        QVERIFY(!wrongSize.ok());
        QCOMPARE(wrongSize.error().code, ErrorCode::InvalidArgument);
        QVERIFY(!parseHeads("first").ok());
        QVERIFY(parseHeads("3").ok() && parseHeads("3")->head == 3);
        QVERIFY(!parseMethod("saliency").ok());
    }

    // Rollout of standard maps: 0.5 A + 0.5 I, rows renormalised, multiplied from the first block.
    void rolloutStandard() {
        const Mat a0 = {{0.5, 0.3, 0.2}, {0.1, 0.8, 0.1}, {0.3, 0.3, 0.4}};
        const Mat a1 = {{0.2, 0.2, 0.6}, {0.4, 0.4, 0.2}, {0.6, 0.1, 0.3}};
        const Mat b0 = {{0.1, 0.6, 0.3}, {0.3, 0.3, 0.4}, {0.2, 0.2, 0.6}};
        const Mat b1 = {{0.3, 0.3, 0.4}, {0.5, 0.25, 0.25}, {0.2, 0.7, 0.1}};
        std::vector<AttentionMaps> blocks(2);
        blocks[0].a = at::stack({toTensor(a0), toTensor(b0)}).unsqueeze(0);  // (1, 2 heads, 3, 3)
        blocks[1].a = at::stack({toTensor(a1), toTensor(b1)}).unsqueeze(0);
        auto mix = [](const Mat& x, const Mat& y) {
            Mat m(3, std::vector<double>(3));
            for (size_t i = 0; i < 3; ++i) {
                double s = 0;
                for (size_t j = 0; j < 3; ++j) s += m[i][j] = 0.5 * (x[i][j] + y[i][j]) / 2 + (i == j ? 0.5 : 0);
                for (size_t j = 0; j < 3; ++j) m[i][j] /= s;
            }
            return m;
        };
        const Mat expected = matmul(mix(a1, b1), mix(a0, b0));
        auto R = attentionRollout(blocks, Component::Standard, HeadChoice{}, 1);
        QVERIFY2(R.ok(), R.error().message.c_str());
        QVERIFY(maxAbs(R->squeeze(0), toTensor(expected)) < 1e-6);
        // Rows stay stochastic; only block 0 when asked.
        QVERIFY(maxAbs(R->sum(-1), at::ones({1, 3})) < 1e-6);
        auto R0 = attentionRollout(blocks, Component::Standard, HeadChoice{}, 0);
        QVERIFY(R0.ok());
        QVERIFY(maxAbs(R0->squeeze(0), toTensor(mix(a0, b0))) < 1e-6);
        // Identity attention everywhere: the CLS token keeps only itself.
        std::vector<AttentionMaps> eye(3);
        for (auto& b : eye) b.a = at::eye(5).expand({1, 2, 5, 5});
        auto Ri = attentionRollout(eye, Component::Standard, HeadChoice{HeadMode::Max, 0}, 2);
        QVERIFY(Ri.ok());
        QVERIFY(maxAbs(*Ri, at::eye(5).unsqueeze(0)) < 1e-6);
        QVERIFY(!attentionRollout(blocks, Component::Standard, HeadChoice{}, 2).ok());
        QVERIFY(!attentionRollout(blocks, Component::Difference, HeadChoice{}, 1).ok());
    }

    // Signed rollout: rows of A1 - lambda*A2 divided by 1 - lambda, then 0.5 D + 0.5 I.
    void rolloutSigned() {
        const Mat p = {{0.6, 0.3, 0.1}, {0.2, 0.5, 0.3}, {0.3, 0.3, 0.4}};
        const Mat q = {{0.1, 0.2, 0.7}, {0.4, 0.4, 0.2}, {0.5, 0.1, 0.4}};
        const double lambdas[] = {0.7, 0.85};
        std::vector<AttentionMaps> blocks(2);
        Mat expected;
        for (size_t l = 0; l < 2; ++l) {
            const double lam = lambdas[l];
            blocks[l].a1 = toTensor(l ? q : p).view({1, 1, 3, 3});
            blocks[l].a2 = toTensor(l ? p : q).view({1, 1, 3, 3});
            blocks[l].lambda = at::tensor(lam, at::kFloat);
            blocks[l].diff = blocks[l].a1 - lam * blocks[l].a2;
            Mat step(3, std::vector<double>(3));
            const Mat& x = l ? q : p;
            const Mat& y = l ? p : q;
            for (size_t i = 0; i < 3; ++i)
                for (size_t j = 0; j < 3; ++j) step[i][j] = 0.5 * (x[i][j] - lam * y[i][j]) / (1 - lam) + (i == j ? 0.5 : 0);
            expected = l ? matmul(step, expected) : step;
        }
        auto R = attentionRollout(blocks, Component::Difference, HeadChoice{}, 1, SignedRollout::Normalised);
        QVERIFY2(R.ok(), R.error().message.c_str());
        QVERIFY(maxAbs(R->squeeze(0), toTensor(expected)) < 1e-5);
        QVERIFY(maxAbs(R->sum(-1), at::ones({1, 3})) < 1e-5);  // rows sum to 1 after the normalisation
        QVERIFY(R->min().item<double>() < 0);                   // and keep their sign
        // Absolute mode is non-negative and row-stochastic.
        auto Ra = attentionRollout(blocks, Component::Difference, HeadChoice{}, 1, SignedRollout::Absolute);
        QVERIFY(Ra.ok());
        QVERIFY(Ra->min().item<double>() >= 0);
        QVERIFY(maxAbs(Ra->sum(-1), at::ones({1, 3})) < 1e-5);
        // lambda >= 1 leaves the signed rollout undefined: a clear error, not a blow-up.
        blocks[1].lambda = at::tensor(1.2, at::kFloat);
        blocks[1].diff = blocks[1].a1 - 1.2 * blocks[1].a2;
        auto bad = attentionRollout(blocks, Component::Difference, HeadChoice{}, 1);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, ErrorCode::Unsupported);
        QVERIFY2(bad.error().message.find("block 1") != std::string::npos, bad.error().message.c_str());
    }

    void rolloutOnFixture() {
        Fixture f = loadFixture("diffclip-tiny-a");
        QVERIFY(!f.model.is_empty());
        ExplainOptions o;
        o.method = Method::Rollout;
        auto e = explainImage(f.model, tensorNamed(f.ref, "input.image")[0], o);
        QVERIFY2(e.ok(), e.error().message.c_str());
        QVERIFY(e->map.isSigned);
        QCOMPARE(int(e->map.values.size()), 16);
        // By hand from the reference diff maps (mean over heads).
        at::Tensor R;
        for (int l = 0; l < 2; ++l) {
            at::Tensor d = tensorNamed(f.ref, "vision.blocks." + std::to_string(l) + ".attn.diff")[0].mean(0);
            at::Tensor step = 0.5 * d / d.sum(-1, true) + 0.5 * at::eye(17);
            R = l ? at::matmul(step, R) : step;
        }
        QVERIFY(maxAbs(at::tensor(e->map.values), R[0].slice(0, 1)) < 1e-4);
    }

    void tokensAndWhyMaps() {
        Fixture f = loadFixture("diffclip-tiny-a");
        QVERIFY(!f.model.is_empty());
        at::Tensor images = tensorNamed(f.ref, "input.image");
        at::Tensor expectedEmbed = tensorNamed(f.ref, "output.image_embed");
        c10::InferenceMode inference;  // the gradient map must work under the caller's inference mode
        VisionTokens tokens = f.model->encodeImageTokens(images);
        QCOMPARE(int64_t(tokens.hidden.size()), int64_t(3));
        QCOMPARE(tokens.projected.size(1), int64_t(17));
        QVERIFY(maxAbs(tokens.embedding, expectedEmbed) < 1e-4);
        QVERIFY(maxAbs(tokens.embedding, f.model->encodeImage(images)) < 1e-5);
        const at::Tensor query = expectedEmbed[1];
        ExplainOptions o;
        o.method = Method::Similarity;
        auto sim = explainImage(f.model, images[0], o, query);
        QVERIFY2(sim.ok(), sim.error().message.c_str());
        QVERIFY(sim->map.isSigned);
        at::Tensor manual = at::cosine_similarity(tokens.projected[0].slice(0, 1), query.unsqueeze(0), 1);
        QVERIFY(maxAbs(at::tensor(sim->map.values), manual) < 1e-5);
        const double cos = at::cosine_similarity(expectedEmbed[0], query, 0).item<double>();
        QVERIFY(std::fabs(sim->similarity - cos) < 1e-4);
        o.method = Method::Gradient;
        for (int64_t layer : {int64_t(0), int64_t(1)}) {
            o.layer = layer;
            auto g = explainImage(f.model, images[0], o, query);
            QVERIFY2(g.ok(), g.error().message.c_str());
            QVERIFY(std::fabs(g->similarity - cos) < 1e-4);
            double mass = 0;
            for (float v : g->map.values) mass += std::fabs(v);
            QVERIFY(mass > 0);
            QCOMPARE(g->layer, layer);
        }
        o.layer = 5;
        QVERIFY(!explainImage(f.model, images[0], o, query).ok());
        o.layer = -1;
        QVERIFY(!explainImage(f.model, images[0], o).ok());  // needs a query
        o.method = Method::Similarity;
        o.layer = 0;
        QVERIFY(!explainImage(f.model, images[0], o, query).ok());  // final tokens only
    }

    // The gradient x input map against finite differences (docs/EXPLAIN.md, "Checked against
    // finite differences"). s = cos(image embedding, query). The model runs in float64, except
    // where the model core computes in float32 on purpose (LayerNorm, RMSNorm, softmax, lambda,
    // the final projection's output), so s carries float32 rounding (~1e-7): central
    // differences with Richardson extrapolation over h and h/2 keep the truncation error at
    // O(h^4) while the rounding error stays ~1e-7 / h.
    void gradientMapMatchesFiniteDifferences() {
        Fixture f = loadFixture("diffclip-tiny-a");
        QVERIFY(!f.model.is_empty());
        const at::Tensor query = tensorNamed(f.ref, "output.image_embed")[1];
        for (at::ScalarType dtype : {at::kDouble, at::kFloat}) {
            ClipModel model = convertModel(f.model, at::kCPU, dtype);
            const ModelConfig& c = model->config();
            const int64_t S = c.vision.imageSize, p = c.vision.patchSize, g = c.vision.gridSize();
            const at::Tensor image = tensorNamed(f.ref, "input.image")[0].to(dtype);
            const double tol = dtype == at::kDouble ? 1e-3 : 5e-3;
            // Large enough that float32 rounding in s (~1e-7), divided by the step, stays near
            // 1e-5; the extrapolation keeps the truncation error at O(step^4).
            constexpr double kStep = 3e-2;
            auto similarity = [&](const at::Tensor& x) {
                c10::InferenceMode inference;
                at::Tensor e = model->encodeImage(x.unsqueeze(0)).squeeze(0).to(at::kDouble);
                return at::cosine_similarity(e, query.to(at::kDouble), 0, 1e-8).item<double>();
            };
            // d/dt s(x + t d) at t = 0: central differences at h and h/2, Richardson-extrapolated.
            auto derivative = [&](const at::Tensor& d, double h) {
                auto central = [&](double step) {
                    return (similarity(image + step * d) - similarity(image - step * d)) / (2 * step);
                };
                return (4 * central(h / 2) - central(h)) / 3;
            };

            auto grad0 = similarityGradient(model, image, query, 0);
            QVERIFY2(grad0.ok(), grad0.ok() ? "" : grad0.error().message.c_str());
            QCOMPARE(grad0->tokens.size(0), g * g + 1);
            QCOMPARE(grad0->imageGradient.sizes(), image.sizes());
            QVERIFY(std::fabs(grad0->similarity - similarity(image)) < 1e-5);

            // 1. Pixels: the backward pass's d s / d x against differences, at the 6 pixels with
            //    the largest |gradient| (where a wrong gradient would matter most).
            const at::Tensor flatGrad = grad0->imageGradient.to(at::kDouble).reshape({-1});
            const at::Tensor top = std::get<1>(flatGrad.abs().topk(6));
            double worstPixel = 0;
            for (int64_t k = 0; k < top.size(0); ++k) {
                const int64_t i = top[k].item<int64_t>();
                at::Tensor d = at::zeros({image.numel()}, image.options());
                d[i] = 1.0;
                const double fd = derivative(d.view_as(image), kStep);
                const double an = flatGrad[i].item<double>();
                worstPixel = std::max(worstPixel, std::fabs(fd - an) / std::fabs(an));
            }

            // 2. The map itself at block 0: map[j] = sum_c ds/dh[j,c] h[j,c] is the derivative
            //    of s when token j is scaled by (1 + t). Token j = W x_j + b + pos_j, W the patch
            //    embedding (width x 3p^2, full row rank here), so moving the pixels of patch j
            //    by t W^+ h[j] scales exactly that token.
            at::Tensor W;
            for (const auto& item : model->named_parameters(true))
                if (item.key() == "visual.patch_embed.proj.weight") W = item.value().detach().to(at::kDouble);
            QVERIFY(W.defined());
            const at::Tensor Wm = W.reshape({W.size(0), -1});
            const at::Tensor Wpinv = at::matmul(Wm.t(), at::inverse(at::matmul(Wm, Wm.t())));  // W^+ = W^T (W W^T)^-1
            QVERIFY(maxAbs64(at::matmul(Wm, Wpinv), at::eye(Wm.size(0), at::kDouble)) < 1e-8);
            ExplainOptions o;
            o.method = Method::Gradient;
            o.layer = 0;
            auto e0 = explainImage(model, image, o, query);
            QVERIFY2(e0.ok(), e0.ok() ? "" : e0.error().message.c_str());
            double mapScale = 0;
            for (float v : e0->map.values) mapScale = std::max(mapScale, double(std::fabs(v)));
            QVERIFY(mapScale > 0);
            double worstToken = 0;
            const at::Tensor h0 = grad0->tokens.to(at::kDouble);
            for (int64_t j = 0; j < g * g; ++j) {
                const int64_t r = j / g, col = j % g;
                at::Tensor patchMove = at::matmul(Wpinv, h0[j + 1]).view({3, p, p});
                at::Tensor d = at::zeros({3, S, S}, at::kDouble);
                d.index_put_({torch::indexing::Slice(), torch::indexing::Slice(r * p, (r + 1) * p),
                              torch::indexing::Slice(col * p, (col + 1) * p)},
                             patchMove);
                const double fd = derivative(d.to(dtype), kStep);
                worstToken = std::max(worstToken, std::fabs(fd - double(e0->map.values[size_t(j)])) / mapScale);
            }

            // 3. The aggregation (docs/EXPLAIN.md): the map is sum_c of grad x input over each
            //    patch token's channels; at block 0 that is the pixel-level grad x input summed
            //    over the patch's pixels plus the patch embedding's bias and position share.
            for (int64_t layer = 0; layer < c.vision.depth; ++layer) {
                auto gl = similarityGradient(model, image, query, layer);
                QVERIFY(gl.ok());
                o.layer = layer;
                auto el = explainImage(model, image, o, query);
                QVERIFY(el.ok());
                const at::Tensor byToken = (gl->tokenGradient * gl->tokens).to(at::kDouble).sum(-1).slice(0, 1);
                QVERIFY(maxAbs64(at::tensor(el->map.values).to(at::kDouble), byToken) <= 1e-5 * mapScale + 1e-9);
            }
            const at::Tensor gx = (grad0->imageGradient * image).to(at::kDouble);
            const at::Tensor perPatch = gx.sum(0).view({g, p, g, p}).sum({1, 3}).reshape({-1});
            at::Tensor offsets;
            for (const auto& item : model->named_parameters(true)) {
                if (item.key() == "visual.patch_embed.proj.bias") offsets = item.value().detach().to(at::kDouble).unsqueeze(0);
            }
            QVERIFY(offsets.defined());
            at::Tensor pos;
            for (const auto& item : model->named_parameters(true))
                if (item.key() == "visual.pos_embed") pos = item.value().detach().to(at::kDouble).squeeze(0).slice(0, 1);
            QVERIFY(pos.defined());
            const at::Tensor g0 = grad0->tokenGradient.to(at::kDouble).slice(0, 1);
            const at::Tensor biasShare = (g0 * (offsets + pos)).sum(-1);
            QVERIFY(maxAbs64(at::tensor(e0->map.values).to(at::kDouble), perPatch + biasShare) <= 1e-4 * mapScale);
            // The chain between the two gradients: d s / d x_j = W^T d s / d h[j].
            const at::Tensor chained = at::matmul(g0, Wm).view({g, g, 3, p, p}).permute({2, 0, 3, 1, 4}).reshape({3, S, S});
            QVERIFY(maxAbs64(chained, grad0->imageGradient.to(at::kDouble)) <= 1e-6 * flatGrad.abs().max().item<double>());

            qInfo("gradient check (%s): worst relative error %.2e over the top pixels, %.2e over the block-0 map "
                  "(relative to its largest |value| %.3g)",
                  dtype == at::kDouble ? "float64" : "float32", worstPixel, worstToken, mapScale);
            QVERIFY2(worstPixel < tol, qPrintable(QString::number(worstPixel)));
            QVERIFY2(worstToken < tol, qPrintable(QString::number(worstToken)));
        }
        // Bad input is refused with a clear error.
        const at::Tensor image = tensorNamed(f.ref, "input.image")[0];
        QVERIFY(!similarityGradient(f.model, image, {}, 0).ok());
        QVERIFY(!similarityGradient(f.model, image, query, 7).ok());
        QVERIFY(!similarityGradient(f.model, image.slice(1, 0, 8), query, 0).ok());
    }

    void faithfulnessCurves() {
        Fixture f = loadFixture("diffclip-tiny-a");
        QVERIFY(!f.model.is_empty());
        at::Tensor image = tensorNamed(f.ref, "input.image")[0];
        std::vector<float> ramp;
        for (int i = 0; i < 16; ++i) ramp.push_back(float(i));
        auto c = faithfulness(f.model, image, grid(4, 4, ramp), {}, 4, 3);
        QVERIFY2(c.ok(), c.error().message.c_str());
        QCOMPARE(int(c->fraction.size()), 5);
        QCOMPARE(c->fraction.front(), 0.0);
        QCOMPARE(c->fraction.back(), 1.0);
        QVERIFY(std::fabs(c->deletion.front() - 1.0) < 1e-5);   // own embedding as the target
        QVERIFY(std::fabs(c->insertion.back() - 1.0) < 1e-5);
        QVERIFY(std::fabs(c->deletion.back() - c->insertion.front()) < 1e-5);  // both the blank image
        QVERIFY(std::fabs(c->deletionAuc - areaUnderCurve(c->fraction, c->deletion)) < 1e-12);
        QVERIFY(!faithfulness(f.model, image, grid(2, 2, {1, 2, 3, 4}), {}, 4).ok());
        QVERIFY(!faithfulness(f.model, image, grid(4, 4, ramp), {}, 0).ok());
    }

    void summaryNumbers() {
        // Uniform: entropy log P, top-10% share = ceil(P/10)/P.
        auto u = summarise(grid(4, 5, std::vector<float>(20, 0.5f)));
        QVERIFY(u.ok());
        QVERIFY(std::fabs(u->entropy - std::log(20.0)) < 1e-9);
        QVERIFY(std::fabs(u->normalisedEntropy - 1.0) < 1e-9);
        QVERIFY(std::fabs(u->top10Share - 0.1) < 1e-9);
        // One patch: entropy 0, all mass in the top 10%.
        std::vector<float> one(20, 0.f);
        one[7] = 3.f;
        auto o = summarise(grid(4, 5, one));
        QVERIFY(o.ok());
        QCOMPARE(o->entropy, 0.0);
        QCOMPARE(o->top10Share, 1.0);
        // Known values: |v| = 1..10 on 10 patches, top 10% = one patch = 10/55.
        std::vector<float> v;
        for (int i = 1; i <= 10; ++i) v.push_back(float(i % 2 ? -i : i));
        auto s = summarise(grid(2, 5, v, true));
        QVERIFY(s.ok());
        QVERIFY(std::fabs(s->top10Share - 10.0 / 55.0) < 1e-9);
        QVERIFY(std::fabs(s->positiveShare - 30.0 / 55.0) < 1e-9);  // 2+4+6+8+10
        double h = 0;
        for (int i = 1; i <= 10; ++i) h -= i / 55.0 * std::log(i / 55.0);
        QVERIFY(std::fabs(s->entropy - h) < 1e-9);
        QCOMPARE(s->minimum, -9.0);
        QCOMPARE(s->maximum, 10.0);
        // Region: the first row (patches 0..4, |v| 1..5 = 15 of 55); a half-covered patch counts half.
        std::vector<float> cover(10, 0.f);
        for (int i = 0; i < 5; ++i) cover[size_t(i)] = 1.f;
        PatchGrid region = grid(2, 5, cover);
        auto r = summarise(grid(2, 5, v, true), &region);
        QVERIFY(r.ok() && r->regionShare);
        QVERIFY(std::fabs(*r->regionShare - 15.0 / 55.0) < 1e-9);
        region.values[9] = 0.5f;
        r = summarise(grid(2, 5, v, true), &region);
        QVERIFY(std::fabs(*r->regionShare - 20.0 / 55.0) < 1e-9);
        PatchGrid wrong = grid(5, 2, cover);
        QVERIFY(!summarise(grid(2, 5, v), &wrong).ok());
        QVERIFY(!summarise(grid(2, 2, {1, 2, 3})).ok());
        QVERIFY(!summarise(grid(1, 2, {1, NAN})).ok());
        QCOMPARE(areaUnderCurve({0, 0.5, 1}, {1, 1, 0}), 0.75);
        const std::vector<int> order = rankPatches(grid(1, 4, {0.1f, 0.9f, -1.f, 0.5f}));
        QVERIFY(order == (std::vector<int>{1, 3, 0, 2}));
    }

    // Signed maps use a diverging scale symmetric about zero, and zero is the neutral colour.
    void colourScales() {
        PatchGrid positive = grid(2, 2, {0.f, 0.1f, 0.2f, 0.3f});
        PatchGrid other = grid(2, 2, {0.f, 0.5f, 0.05f, 0.05f});
        PatchGrid signedMap = grid(2, 2, {-0.4f, 0.f, 0.1f, 0.2f}, true);
        auto seq = sharedScale({&positive, &other});
        QVERIFY(seq.ok());
        QVERIFY(!seq->diverging);
        QCOMPARE(seq->low, 0.0);
        QCOMPARE(seq->high, double(0.5f));  // the largest of both maps, not each its own
        auto div = sharedScale({&positive, &signedMap});
        QVERIFY(div.ok());
        QVERIFY(div->diverging);
        QCOMPARE(div->high, double(0.4f));
        QCOMPARE(div->low, -double(0.4f));
        QVERIFY(colourOf(0.0, *div, Palette::Viridis) == neutralColour());
        const auto red = colourOf(0.4, *div, Palette::Viridis), blue = colourOf(-0.4, *div, Palette::Viridis);
        QVERIFY(red[0] > red[2] && blue[2] > blue[0]);
        QVERIFY(colourOf(5.0, *div, Palette::Viridis) == red);  // clamped
        // The same value gets the same colour in both panes of a shared scale.
        QVERIFY(colourOf(0.3, *seq, Palette::Inferno) != colourOf(0.5, *seq, Palette::Inferno));
        QVERIFY(colourOf(0.0, *seq, Palette::Viridis) == colourOf(-1.0, *seq, Palette::Viridis));
        PatchGrid zeros = grid(2, 2, {0, 0, 0, 0});
        auto z = sharedScale({&zeros});
        QVERIFY(z.ok() && z->high > z->low);
        QVERIFY(!sharedScale({}).ok());

        // A zero signed map over a photo at opacity 1 is the neutral colour everywhere.
        RgbImage8 photo;
        photo.width = photo.height = 32;
        photo.pixels.assign(32 * 32 * 3, 90);
        PatchGrid zeroSigned = grid(4, 4, std::vector<float>(16, 0.f), true);
        OverlayOptions opaque;
        opaque.opacity = 1.0;
        auto ov = renderOverlay(photo, zeroSigned, *div, opaque);
        QVERIFY2(ov.ok(), ov.error().message.c_str());
        for (size_t i = 0; i < ov->pixels.size(); i += 3)
            QVERIFY(ov->pixels[i] == neutralColour()[0] && ov->pixels[i + 1] == neutralColour()[1] &&
                    ov->pixels[i + 2] == neutralColour()[2]);
        OverlayOptions clear;
        clear.opacity = 0;
        clear.displaySize = 64;
        auto plain = renderOverlay(photo, zeroSigned, *div, clear);
        QVERIFY(plain.ok());
        QCOMPARE(plain->width, 64);
        QVERIFY(std::all_of(plain->pixels.begin(), plain->pixels.end(), [](uint8_t p) { return p == 90; }));
        // Flat blocks: each patch one colour.
        OverlayOptions blocks = opaque;
        blocks.smooth = false;
        auto b = renderOverlay(photo, signedMap, *div, blocks);
        QVERIFY(b.ok());
        const auto topLeft = colourOf(-0.4, *div, Palette::Viridis);
        QVERIFY(b->pixels[0] == topLeft[0] && b->pixels[1] == topLeft[1] && b->pixels[2] == topLeft[2]);
        const size_t topRight = (0 * 32 + 20) * 3;
        QVERIFY(b->pixels[topRight] == neutralColour()[0]);
    }

    void figuresAndMasks() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string root = dir.path().toStdString();
        RgbImage8 pane;
        pane.width = pane.height = 100;
        pane.pixels.assign(100 * 100 * 3, 200);
        ColourScale s{-1, 1, true};
        auto bar = renderColourBar(s, Palette::Viridis, 100);
        QVERIFY2(bar.ok(), bar.error().message.c_str());
        QCOMPARE(bar->height, 100);
        // The bar's top is the high end (red), its middle the neutral colour.
        const auto px = [&](int x, int y) {
            const size_t i = (size_t(y) * size_t(bar->width) + size_t(x)) * 3;
            return std::array<uint8_t, 3>{bar->pixels[i], bar->pixels[i + 1], bar->pixels[i + 2]};
        };
        QVERIFY(px(5, 9)[0] > px(5, 9)[2]);
        QVERIFY(px(5, 90)[2] > px(5, 90)[0]);
        auto fig = composeComparison({{"a", pane}, {"a much longer title that will not fit in the pane", pane}}, s,
                                     Palette::Viridis, "caption");
        QVERIFY2(fig.ok(), fig.error().message.c_str());
        QCOMPARE(fig->width, 10 + 110 + 110 + bar->width + 10);
        std::vector<PixelRect> placed;
        QVERIFY(composeComparison({{"a", pane}, {"b", pane}}, s, Palette::Viridis, "", &placed).ok());
        QCOMPARE(int(placed.size()), 2);
        QCOMPARE(placed[1].x, 120);
        QCOMPARE(placed[1].width, 100);

        // A region outline: white on the region's border pixels, black just outside, the rest
        // untouched; corners in any order; clamped at the image's edge; empty draws nothing.
        RgbImage8 marked = pane;
        drawRegionOutline(marked, 0.75, 0.5, 0.25, 0.2);  // pixels x 25..74, y 20..49
        const auto at = [](const RgbImage8& im, int x, int y) { return int(im.pixels[(size_t(y) * 100 + size_t(x)) * 3]); };
        for (auto [x, y] : {std::pair{25, 30}, std::pair{74, 30}, std::pair{50, 20}, std::pair{50, 49}}) QCOMPARE(at(marked, x, y), 255);
        for (auto [x, y] : {std::pair{24, 30}, std::pair{75, 30}, std::pair{50, 19}, std::pair{50, 50}}) QCOMPARE(at(marked, x, y), 0);
        for (auto [x, y] : {std::pair{26, 30}, std::pair{50, 35}, std::pair{23, 30}, std::pair{50, 51}}) QCOMPARE(at(marked, x, y), 200);
        RgbImage8 edge = pane;
        drawRegionOutline(edge, -0.5, 0.0, 1.5, 1.0);
        QCOMPARE(at(edge, 0, 50), 255);
        QCOMPARE(at(edge, 99, 50), 255);
        QCOMPARE(at(edge, 1, 50), 200);
        RgbImage8 none = pane;
        drawRegionOutline(none, 0.3, 0.3, 0.3, 0.6);
        QVERIFY(none.pixels == pane.pixels);
        RgbImage8 small = pane;
        small.height = 50;
        small.pixels.resize(100 * 50 * 3);
        QVERIFY(!composeComparison({{"a", pane}, {"b", small}}, s, Palette::Viridis, "").ok());
        const std::string png = root + "/figure.png";
        QVERIFY(writePng(*fig, png).ok());
        QVERIFY(fs::file_size(png) > 100);
        QVERIFY(!writePng(*fig, root + "/no/such/dir/x.png").ok());

        // Masks: a photo-sized mask (left half inside) cropped like the photo, and a grid-sized one.
        RgbImage8 mask;
        mask.width = 80;
        mask.height = 40;
        mask.pixels.assign(80 * 40 * 3, 0);
        for (int y = 0; y < 40; ++y)
            for (int x = 0; x < 40; ++x)
                for (int k = 0; k < 3; ++k) mask.pixels[(size_t(y) * 80 + size_t(x)) * 3 + size_t(k)] = 255;
        QVERIFY(writePng(mask, root + "/mask.png").ok());
        PreprocessConfig pre;
        pre.resizeShorter = pre.cropSize = 32;
        // 80x40 -> 64x32, centre crop x 16..48: the left half of the crop lies inside.
        auto cover = loadRegionMask(root + "/mask.png", 80, 40, pre, 4, 4);
        QVERIFY2(cover.ok(), cover.error().message.c_str());
        for (int r = 0; r < 4; ++r) {
            QVERIFY(cover->values[size_t(r * 4)] > 0.99f && cover->values[size_t(r * 4 + 1)] > 0.99f);
            QVERIFY(cover->values[size_t(r * 4 + 2)] < 0.01f && cover->values[size_t(r * 4 + 3)] < 0.01f);
        }
        RgbImage8 gridMask;
        gridMask.width = gridMask.height = 4;
        gridMask.pixels.assign(4 * 4 * 3, 0);
        for (int k = 0; k < 3; ++k) gridMask.pixels[size_t(5 * 3 + k)] = 255;  // patch (1, 1)
        QVERIFY(writePng(gridMask, root + "/grid.png").ok());
        auto g = loadRegionMask(root + "/grid.png", 80, 40, pre, 4, 4);
        QVERIFY(g.ok());
        QCOMPARE(g->values[5], 1.f);
        QCOMPARE(std::accumulate(g->values.begin(), g->values.end(), 0.f), 1.f);
        auto wrong = loadRegionMask(root + "/mask.png", 100, 100, pre, 4, 4);
        QVERIFY(!wrong.ok());
        QCOMPARE(wrong.error().code, ErrorCode::Mismatch);
        QVERIFY(!loadRegionMask(root + "/absent.png", 80, 40, pre, 4, 4).ok());
        // The display crop has the model's geometry.
        auto crop = cropLikeModel(mask, pre);
        QVERIFY(crop.ok());
        QCOMPARE(crop->width, 32);
        QCOMPARE(int(crop->pixels[0]), 255);
        QCOMPARE(int(crop->pixels[(31) * 3]), 0);
    }
};

QTEST_GUILESS_MAIN(TestExplain)
#include "tst_explain.moc"
