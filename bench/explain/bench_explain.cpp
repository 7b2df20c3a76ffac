// Time to render one explanation comparison on CPU: decode and preprocess a photo, one forward
// pass with the attention maps captured, A1 and A1 - lambda*A2 of the last block, a shared
// scale, three 224 px panes with a colour bar, PNG encoding. Prints the median of the timed runs.
//
// bench_explain [MODEL] [PHOTO] [RUNS]   (defaults: preset:diffclip-vit-b16, a NEU photo, 5)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "diffclip/explain/Explain.h"
#include "diffclip/explain/Render.h"
#include "diffclip/imaging/Preprocess.h"
#include "diffclip/model/ModelIO.h"
#include "diffclip/model/Runtime.h"

using namespace diffclip;
using namespace diffclip::explain;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

int failWith(const Error& e) {
    std::fprintf(stderr, "bench_explain: %s\n", e.message.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
#ifdef DIFFCLIP_SHARED_DIR
    std::string photo = std::string(DIFFCLIP_SHARED_DIR) + "/data/neu-cls/crazing/crazing_1.jpg";
#else
    std::string photo;
#endif
    const std::string spec = argc > 1 ? argv[1] : "preset:diffclip-vit-b16";
    if (argc > 2) photo = argv[2];
    const int runs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 5;
    if (photo.empty()) {
        std::fprintf(stderr, "usage: bench_explain [MODEL] PHOTO [RUNS]\n");
        return 2;
    }
    const int threads = configureCpuThreads(at::kFloat, 0);
    auto loaded = loadModel(spec);
    if (!loaded) return failWith(loaded.error());
    ClipModel model = loaded->model;
    model->setAttentionPath(AttentionPath::Explicit);
    const ModelConfig& config = model->config();
    const std::string out = (std::filesystem::temp_directory_path() / "bench_explain.png").string();

    std::vector<double> total, forward, render;
    for (int run = 0; run <= runs; ++run) {  // run 0 warms up
        const auto t0 = Clock::now();
        auto decoded = decodeImageFile(photo, DecodeOptions{});
        if (!decoded) return failWith(decoded.error());
        at::Tensor input = preprocessImage(*decoded, config.preprocess);
        auto capture = captureAttention(model, input);
        if (!capture) return failWith(capture.error());
        ExplainOptions o;
        o.component = Component::A1;
        auto a1 = explainAttention(config, *capture, o);
        o.component = Component::Difference;
        auto diff = explainAttention(config, *capture, o);
        if (!a1 || !diff) return failWith(!a1 ? a1.error() : diff.error());
        const double forwardMs = msSince(t0);
        const auto t1 = Clock::now();
        auto scale = sharedScale({&a1->map, &diff->map});
        auto crop = cropLikeModel(*decoded, config.preprocess);
        if (!scale || !crop) return failWith(!scale ? scale.error() : crop.error());
        OverlayOptions overlay;
        overlay.displaySize = 224;
        OverlayOptions plain = overlay;
        plain.opacity = 0;
        auto p0 = renderOverlay(*crop, a1->map, *scale, plain);
        auto p1 = renderOverlay(*crop, a1->map, *scale, overlay);
        auto p2 = renderOverlay(*crop, diff->map, *scale, overlay);
        if (!p0 || !p1 || !p2) return failWith(!p0 ? p0.error() : !p1 ? p1.error() : p2.error());
        auto figure = composeComparison({{"photo", *p0}, {a1->title, *p1}, {diff->title, *p2}}, *scale,
                                        overlay.palette, "A1 vs A1-lambda*A2, shared scale");
        if (!figure) return failWith(figure.error());
        if (Status s = writePng(*figure, out); !s) return failWith(s.error());
        const double renderMs = msSince(t1);
        if (run == 0) continue;
        forward.push_back(forwardMs);
        render.push_back(renderMs);
        total.push_back(forwardMs + renderMs);
    }
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::printf("model %s (%lld px, %lld blocks), %d CPU threads, LibTorch %s, %d runs\n", spec.c_str(),
                static_cast<long long>(config.vision.imageSize), static_cast<long long>(config.vision.depth), threads,
                libtorchVersion().c_str(), runs);
    std::printf("one comparison: %.0f ms median (forward + maps %.0f ms, render + PNG %.0f ms); figure %s\n",
                median(total), median(forward), median(render), out.c_str());
    return 0;
}
