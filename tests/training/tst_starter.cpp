// The starters shipped in resources/starters: each loads, matches the checksum in its
// starter.json, is installed into the build tree where `train --mode scratch` finds it, and
// gives better features than random weights on real photos: on a sample of NEU (20 per class),
// nearest-neighbour recall@1 of the image embeddings, before any training, is higher from the
// starter than from random initialisations (three seeds). Needs ../shared/data/neu-cls.
#include <QtTest>

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>

#include "diffclip/formats/Sha256.h"
#include "diffclip/imaging/Preprocess.h"
#include "diffclip/training/Trainer.h"

using namespace diffclip;
namespace fs = std::filesystem;

namespace {

const fs::path kStarters = fs::path(DIFFCLIP_SOURCE_DIR) / "resources" / "starters";
const fs::path kNeu = fs::path(DIFFCLIP_SHARED_DIR) / "data" / "neu-cls";

std::vector<fs::path> shippedStarters() {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(kStarters, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec)) out.push_back(it->path());
    std::sort(out.begin(), out.end());
    return out;
}

// Leave-one-out: the share of photos whose most similar other photo has the same class.
double recallAt1(const at::Tensor& embeddings, const std::vector<int>& labels) {
    at::Tensor e = torch::nn::functional::normalize(embeddings, torch::nn::functional::NormalizeFuncOptions().dim(1));
    at::Tensor sim = at::matmul(e, e.t());
    sim.fill_diagonal_(-2.0);
    at::Tensor best = sim.argmax(1);
    int hits = 0;
    for (size_t i = 0; i < labels.size(); ++i) hits += labels[best[int64_t(i)].item<int64_t>()] == labels[i];
    return double(hits) / double(labels.size());
}

}  // namespace

class TestStarter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        torch::set_num_threads(1);
        QVERIFY2(fs::is_directory(kNeu), qPrintable("missing fixture " + QString::fromStdString(kNeu.string())));
        QVERIFY2(!shippedStarters().empty(), "no starter in resources/starters");
    }

    void shippedStartersLoadAndMatchTheirChecksums() {
        for (const auto& dir : shippedStarters()) {
            auto info = readStarter(dir.string());
            QVERIFY2(info.ok(), info.ok() ? "" : info.error().describe().c_str());
            auto sha = sha256File((dir / "model.safetensors").string());
            QVERIFY(sha.ok());
            QCOMPARE(*sha, info->manifest.at("sha256").get<std::string>());
            QVERIFY(info->manifest.at("pretraining").contains("training_seconds"));
            // The build tree holds a byte-identical copy where the programs look for it.
            const fs::path installed = fs::path(DIFFCLIP_BINARY_DIR) / "share" / "diffclip-studio" / "starters" /
                                       dir.filename() / "model.safetensors";
            auto copy = sha256File(installed.string());
            QVERIFY2(copy.ok(), installed.string().c_str());
            QCOMPARE(*copy, *sha);
            ClipModel model(info->config);
            model->initialiseRandom(0);
            auto applied = applyStarter(model, *info);
            QVERIFY2(applied.ok(), applied.ok() ? "" : applied.error().describe().c_str());
            QCOMPARE(applied->at("kind").get<std::string>(), std::string("starter"));
        }
    }

    void starterBeatsRandomOnNeu() {
        for (const auto& dir : shippedStarters()) {
            auto info = readStarter(dir.string());
            QVERIFY(info.ok());
            const ModelConfig& cfg = info->config;
            std::vector<at::Tensor> images;
            std::vector<int> labels;
            int label = 0;
            for (const char* cls : {"crazing", "inclusion", "patches", "pitted_surface", "rolled-in_scale", "scratches"}) {
                std::vector<fs::path> files;
                for (const auto& f : fs::directory_iterator(kNeu / cls)) files.push_back(f.path());
                std::sort(files.begin(), files.end());
                QVERIFY(files.size() >= 20);
                for (size_t i = 0; i < 20; ++i) {
                    auto t = loadImageForModel(files[i * files.size() / 20].string(), cfg.preprocess);
                    QVERIFY2(t.ok(), t.ok() ? "" : t.error().describe().c_str());
                    images.push_back(*t);
                    labels.push_back(label);
                }
                ++label;
            }
            const at::Tensor batch = at::stack(images);
            torch::NoGradGuard noGrad;
            ClipModel model(cfg);
            model->initialiseRandom(0);
            QVERIFY(applyStarter(model, *info).ok());
            const double fromStarter = recallAt1(model->encodeImage(batch), labels);
            double bestRandom = 0.0;
            for (uint64_t seed : {0, 1, 2}) {
                ClipModel random(cfg);
                random->initialiseRandom(seed);
                bestRandom = std::max(bestRandom, recallAt1(random->encodeImage(batch), labels));
            }
            qInfo("%s: NEU sample (120 photos) image recall@1 %.3f from the starter, %.3f at best from random weights",
                  dir.filename().c_str(), fromStarter, bestRandom);
            QVERIFY2(fromStarter > bestRandom, dir.filename().c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestStarter)
#include "tst_starter.moc"
