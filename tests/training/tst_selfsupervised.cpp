// Self-supervised training (TrainMode::SelfSupervised): the NT-Xent loss and the view-matching
// figure on hand-computed cases, unlabelled photo loading (folders and file lists), a run that
// writes a starter which scratch training then loads, resume equal to an uninterrupted run, and
// the refusals (no photos, undecodable photos, one photo, a bad temperature, an output folder that
// is not a starter). Tiny models and synthetic photos only.
#include <QTemporaryDir>
#include <QtTest>

#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "diffclip/model/Safetensors.h"
#include "diffclip/training/Starter.h"
#include "diffclip/training/Trainer.h"
#include "TrainTestData.h"

using namespace diffclip;
using namespace diffclip::testdata;
namespace fs = std::filesystem;

namespace {

// Photos of three stripe directions in nested folders that are not a class tree (one top folder).
void makeUnlabelled(const fs::path& root, int perKind) {
    for (int k = 0; k < 3; ++k) {
        const fs::path dir = root / "line-a" / ("shift" + std::to_string(k));
        fs::create_directories(dir);
        for (int i = 0; i < perKind; ++i) writeBmp(dir / ("p" + std::to_string(i) + ".bmp"), 24, 20, k, i);
    }
    fs::create_directories(root / ".thumbnails");
    writeBmp(root / ".thumbnails" / "hidden.bmp", 24, 20, 0, 99);  // never read
}

TrainRecipe tinySelfSupervised() {
    TrainRecipe r = *presetRecipe(TrainMode::SelfSupervised, "quick");
    r.architecture = "preset:diffclip-tiny";
    r.init = "random";
    r.epochs = 3;
    r.batchSize = 8;
    r.valFraction = 0.25;
    r.device = "cpu";
    return r;
}

StateDict starterWeights(const std::string& dir) {
    auto w = readSafetensors(dir + "/model.safetensors");
    if (!w.ok()) return {};
    StateDict out;
    for (const auto& [n, t] : w->tensors) out.emplace_back(n, t.to(torch::kFloat));
    return out;
}

double maxDifference(const StateDict& a, const StateDict& b) {
    if (a.empty() || a.size() != b.size()) return std::numeric_limits<double>::infinity();
    double worst = 0.0;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].first != b[i].first) return std::numeric_limits<double>::infinity();
        worst = std::max(worst, (a[i].second - b[i].second).abs().max().item<double>());
    }
    return worst;
}

}  // namespace

class TestSelfSupervised : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    void lossAndViewMatchByHand() {
        // Two photos with orthogonal embeddings, both views equal. Each of the 4 views sees its
        // pair at cosine 1 and two others at 0: loss = -log(e^(1/T) / (e^(1/T) + 2)).
        auto a = torch::tensor(std::vector<float>{1, 0, 0, 1}).view({2, 2});
        for (double t : {1.0, 0.5}) {
            const double expected = std::log(1.0 + 2.0 * std::exp(-1.0 / t));  // 0.551445 at 1, 0.239545 at 0.5
            QVERIFY(std::fabs(ntXentLoss(a, a.clone(), t).item<double>() - expected) < 1e-6);
        }
        QVERIFY(std::fabs(ntXentLoss(a, a.clone(), 1.0).item<double>() - 0.551444714) < 1e-6);
        // a: e0, e1, e2; b: e0, e1, and a third view close to e1 with a little e2. a -> b finds
        // every pair (3/3); b -> a sends the third view to a1 (2/3): (3 + 2) / 6.
        auto e = torch::eye(3);
        auto third = torch::nn::functional::normalize(torch::tensor(std::vector<float>{0.0f, 0.9f, 0.1f}).view({1, 3}),
                                                      torch::nn::functional::NormalizeFuncOptions().dim(1));
        auto b = torch::cat({e.narrow(0, 0, 2), third});
        QVERIFY(std::fabs(viewMatchAccuracy(e, b) - 5.0 / 6.0) < 1e-12);
        QCOMPARE(viewMatchAccuracy(e, e), 1.0);
    }

    void unlabelledPhotosLoad() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString() + "/photos";
        makeUnlabelled(root, 4);
        std::ofstream(root / "line-a" / "broken.jpg") << "not a photo";
        auto d = loadPhotoTree(root.string(), 16, DecodeOptions{});
        QVERIFY2(d.ok(), d.ok() ? "" : d.error().describe().c_str());
        QVERIFY(!d->labelled);
        QCOMPARE(d->classes.size(), size_t(1));
        QCOMPARE(d->samples.size(), size_t(12));  // the hidden folder is left out
        QCOMPARE(d->skipped.size(), size_t(1));
        QCOMPARE(d->samples.front().relativePath, std::string("line-a/shift0/p0.bmp"));
        // A class tree keeps its labels (for the figures).
        makeTree(tmp.path().toStdString() + "/tree", 3);
        auto t = loadPhotoTree(tmp.path().toStdString() + "/tree", 16, DecodeOptions{});
        QVERIFY(t.ok() && t->labelled && t->classes.size() == 3);
        // File lists: absolute paths only, each read once.
        const std::string one = (root / "line-a" / "shift1" / "p2.bmp").string();
        auto f = loadPhotoFiles({one, one, (root / "line-a" / "shift2" / "p0.bmp").string()}, 16, DecodeOptions{});
        QVERIFY2(f.ok(), f.ok() ? "" : f.error().describe().c_str());
        QCOMPARE(f->samples.size(), size_t(2));
        QCOMPARE(f->root, std::string("/"));
        QCOMPARE("/" + f->samples.front().relativePath, one);
        QVERIFY(!f->labelled);
        auto relative = loadPhotoFiles({"photos/p.bmp"}, 16, DecodeOptions{});
        QVERIFY(!relative.ok());
        QCOMPARE(relative.error().code, ErrorCode::InvalidArgument);
    }

    void trainsAStarterThatScratchTrainingLoads() {
        QTemporaryDir tmp;
        const std::string base = tmp.path().toStdString();
        makeUnlabelled(base + "/photos", 8);
        const TrainRecipe r = tinySelfSupervised();
        std::vector<TrainMetrics> epochEnds;
        TrainOptions o;
        o.onMetrics = [&](const TrainMetrics& m) {
            if (m.epochEnd) epochEnds.push_back(m);
        };
        auto res = runTraining(base + "/photos", r, base + "/mine", o);
        QVERIFY2(res.ok(), res.ok() ? "" : res.error().describe().c_str());
        QCOMPARE(epochEnds.size(), size_t(3));
        for (const auto& m : epochEnds) QVERIFY(m.valTop1 >= 0.0 && m.valTop1 <= 1.0 && std::isfinite(m.loss));
        QVERIFY(!fs::exists(base + "/mine.partial"));
        const Json& s = res->summary;
        QCOMPARE(s.at("mode").get<std::string>(), std::string("self-supervised"));
        QCOMPARE(s.at("epochs_completed").get<int64_t>(), int64_t(3));
        QVERIFY(s.at("after").contains("view_match"));
        QVERIFY(!s.at("after").contains("image_recall_at_1"));  // no labels, no search figure

        auto starter = readStarter(base + "/mine");
        QVERIFY2(starter.ok(), starter.ok() ? "" : starter.error().describe().c_str());
        QCOMPARE(starter->manifest.at("pretraining").at("command").get<std::string>(),
                 std::string("diffclip train --mode self-supervised"));
        // Trained: the tower differs from the random initialisation of the same seed.
        auto cfg = ModelConfig::preset("diffclip-tiny");
        ClipModel fresh(*cfg);
        fresh->initialiseRandom(r.seed);
        StateDict vision;
        for (const auto& [n, t] : fresh->weights())
            if (n.rfind("visual.", 0) == 0 || n == "image_projection") vision.emplace_back(n, t);
        std::sort(vision.begin(), vision.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
        StateDict learned = starterWeights(base + "/mine");
        std::sort(learned.begin(), learned.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
        const double moved = maxDifference(vision, learned);
        QVERIFY2(moved > 1e-3 && std::isfinite(moved), qPrintable(QString::number(moved)));

        // Scratch training on labelled photos starts from it.
        makeTree(base + "/labelled", 6);
        TrainRecipe sr = *presetRecipe(TrainMode::Scratch, "quick");
        sr.architecture = "preset:diffclip-tiny";
        sr.epochs = 1;
        sr.batchSize = 8;
        sr.valFraction = 0.25;
        sr.device = "cpu";
        sr.init = base + "/mine";
        auto scratch = runTraining(base + "/labelled", sr, base + "/model");
        QVERIFY2(scratch.ok(), scratch.ok() ? "" : scratch.error().describe().c_str());
        const Json& init = scratch->summary.at("parent").at("init");
        QCOMPARE(init.at("kind").get<std::string>(), std::string("starter"));
        QCOMPARE(init.at("sha256").get<std::string>(), starter->manifest.at("sha256").get<std::string>());
        QCOMPARE(init.at("pretraining").at("command").get<std::string>(), std::string("diffclip train --mode self-supervised"));
    }

    void resumeEqualsUninterrupted() {
        QTemporaryDir tmp;
        const std::string base = tmp.path().toStdString();
        makeTree(base + "/photos", 8);  // a class tree: the labels only add the search figure
        const TrainRecipe r = tinySelfSupervised();
        auto full = runTraining(base + "/photos", r, base + "/full");
        QVERIFY2(full.ok(), full.ok() ? "" : full.error().describe().c_str());
        const double recall = full->summary.at("after").at("image_recall_at_1").get<double>();
        QVERIFY(recall >= 0.0 && recall <= 1.0);

        CancelToken cancel;
        TrainOptions o;
        o.job.cancel = cancel;
        o.job.progress = Progress([&](const ProgressUpdate& u) {
            if (u.message.rfind("epoch 1/", 0) == 0) cancel.cancel();
        });
        auto cut = runTraining(base + "/photos", r, base + "/resumed", o);
        QVERIFY(!cut.ok());
        QCOMPARE(cut.error().code, ErrorCode::Cancelled);
        QVERIFY(!fs::exists(base + "/resumed"));
        QVERIFY(fs::exists(base + "/resumed.partial/run/checkpoint-1.pt"));
        bool resumed = false;
        o.job.cancel = CancelToken();
        o.job.progress = Progress([&](const ProgressUpdate& u) { resumed |= u.message.rfind("resuming after epoch 1", 0) == 0; });
        auto rest = runTraining(base + "/photos", r, base + "/resumed", o);
        QVERIFY2(rest.ok(), rest.ok() ? "" : rest.error().describe().c_str());
        QVERIFY(resumed);
        const double worst = maxDifference(starterWeights(base + "/full"), starterWeights(base + "/resumed"));
        QVERIFY2(worst <= 1e-6, qPrintable(QString("max difference %1").arg(worst)));
    }

    void refusals() {
        QTemporaryDir tmp;
        const std::string base = tmp.path().toStdString();
        const TrainRecipe r = tinySelfSupervised();
        fs::create_directories(base + "/empty/sub");
        auto none = runTraining(base + "/empty", r, base + "/out");
        QVERIFY(!none.ok());
        QCOMPARE(none.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(none.error().message.find("no photos") != std::string::npos, none.error().message.c_str());

        fs::create_directories(base + "/junk");
        for (int i = 0; i < 3; ++i) std::ofstream(base + "/junk/p" + std::to_string(i) + ".png") << "truncated";
        auto junk = runTraining(base + "/junk", r, base + "/out");
        QVERIFY(!junk.ok());
        QVERIFY2(junk.error().message.find("none of the 3 photos could be decoded") != std::string::npos,
                 junk.error().message.c_str());

        fs::create_directories(base + "/one");
        writeBmp(base + "/one/p.bmp", 24, 20, 0, 0);
        auto one = runTraining(base + "/one", r, base + "/out");
        QVERIFY(!one.ok());
        QVERIFY2(one.error().message.find("at least two photos") != std::string::npos, one.error().message.c_str());

        makeUnlabelled(base + "/photos", 3);
        TrainRecipe hot = r;
        hot.temperature = 0.0;
        auto cold = runTraining(base + "/photos", hot, base + "/out");
        QVERIFY(!cold.ok());
        QCOMPARE(cold.error().code, ErrorCode::InvalidArgument);

        TrainRecipe plain = r;
        plain.augment.enabled = false;  // two identical views teach nothing
        auto same = runTraining(base + "/photos", plain, base + "/out");
        QVERIFY(!same.ok());
        QVERIFY2(same.error().message.find("augmentation") != std::string::npos, same.error().message.c_str());

        // A folder that is not a starter is never replaced, even with overwrite.
        fs::create_directories(base + "/precious");
        std::ofstream(base + "/precious/notes.txt") << "keep me";
        TrainOptions o;
        o.overwrite = true;
        auto refused = runTraining(base + "/photos", r, base + "/precious", o);
        QVERIFY(!refused.ok());
        QVERIFY(fs::exists(base + "/precious/notes.txt"));
        QVERIFY(!fs::exists(base + "/out"));
    }
};

QTEST_GUILESS_MAIN(TestSelfSupervised)
#include "tst_selfsupervised.moc"
