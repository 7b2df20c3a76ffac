// The model against the reference fixtures, config inference, packages and fast paths.
#include <QtTest>

#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "diffclip/formats/Json.h"
#include "diffclip/model/ModelIO.h"
#include "diffclip/model/Runtime.h"
#include "diffclip/model/Safetensors.h"
#include "diffclip/model/Verify.h"

using namespace diffclip;
namespace fs = std::filesystem;

namespace {

const std::string kFixtures = std::string(DIFFCLIP_SHARED_DIR) + "/fixtures/";

ModelConfig smallConfig(AttentionKind kind, int64_t depth, int64_t heads, int64_t patch, int64_t image, double mlp) {
    ModelConfig c;
    c.attention = kind;
    c.vision = VisionConfig{image, patch, 8 * heads, depth, heads, mlp, kind == AttentionKind::Standard ? 1e-6 : 1e-5, {}};
    c.text.contextLength = 10;
    c.text.vocabSize = 300;
    c.text.width = 4 * heads;
    c.text.layers = depth;
    c.text.heads = heads;
    c.embedDim = 12;
    c.preprocess.resizeShorter = c.preprocess.cropSize = image;
    return c;
}

at::Tensor tokens(const std::vector<std::vector<int64_t>>& rows, int64_t context) {
    at::Tensor t = at::zeros({int64_t(rows.size()), context}, at::kLong);
    for (size_t i = 0; i < rows.size(); ++i)
        for (size_t j = 0; j < rows[i].size(); ++j) t[int64_t(i)][int64_t(j)] = rows[i][j];
    return t;
}

}  // namespace

class TestModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { configureCpuThreads(at::kFloat, 0); }

    void verifyFixtures_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("reference");
        for (const char* f : {"checkpoint_best.pt", "checkpoint_best_torch113_ordereddict.pt", "model.safetensors"})
            QTest::newRow(f) << QString("diffclip-tiny-a/") + f << "diffclip-tiny-a/expected.safetensors";
        for (const char* f : {"checkpoint_best.pt", "model.safetensors"})
            QTest::newRow((std::string("std-") + f).c_str())
                << QString("clip-std-tiny-a/") + f << "clip-std-tiny-a/expected.safetensors";
    }
    void verifyFixtures() {
        QFETCH(QString, model);
        QFETCH(QString, reference);
        auto m = loadModel(kFixtures + model.toStdString());
        QVERIFY2(m.ok(), m.ok() ? "" : m.error().message.c_str());
        auto report = verifyModel(m->model, kFixtures + reference.toStdString(), 1e-4, c10::Device(c10::kCPU));
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
        const bool diff = m->model->config().attention == AttentionKind::Differential;
        // embeddings, logit scale and every map of both blocks
        QCOMPARE(int(report->entries.size()), diff ? 3 + 2 * 4 : 3 + 2);
        for (const auto& e : report->entries) QVERIFY2(e.passed, (e.name + " " + std::to_string(e.maxAbsError)).c_str());
        QVERIFY(report->passed);
        QVERIFY(report->maxAbsError < 1e-4);
    }

    void verifyDetectsAWrongModel() {
        // Same architecture, other weights: every output must differ well beyond 1e-4.
        auto ref = loadModel(kFixtures + "diffclip-tiny-a/model.safetensors");
        QVERIFY(ref.ok());
        ClipModel other(ref->model->config());
        other->initialiseRandom(7);
        auto report = verifyModel(other, kFixtures + "diffclip-tiny-a/expected.safetensors", 1e-4, c10::Device(c10::kCPU));
        QVERIFY(report.ok());
        QVERIFY(!report->passed);
        QVERIFY(report->maxAbsError > 1e-2);
    }

    void inferredConfigMatchesFixture() {
        auto file = readSafetensors(kFixtures + "diffclip-tiny-a/model.safetensors");
        QVERIFY(file.ok());
        auto inferred = ModelConfig::inferFromStateDict(file->tensors);
        QVERIFY2(inferred.ok(), inferred.ok() ? "" : inferred.error().message.c_str());
        auto given = ModelConfig::fromFile(kFixtures + "diffclip-tiny-a/config.json");
        QVERIFY(given.ok());
        QCOMPARE(inferred->attention, AttentionKind::Differential);
        QCOMPARE(inferred->vision.imageSize, given->vision.imageSize);
        QCOMPARE(inferred->vision.patchSize, given->vision.patchSize);
        QCOMPARE(inferred->vision.width, given->vision.width);
        QCOMPARE(inferred->vision.depth, given->vision.depth);
        QCOMPARE(inferred->vision.heads, given->vision.heads);
        QCOMPARE(inferred->vision.mlpRatio, given->vision.mlpRatio);
        QCOMPARE(inferred->text.heads, given->text.heads);
        QCOMPARE(inferred->text.layers, given->text.layers);
        QCOMPARE(inferred->text.contextLength, given->text.contextLength);
        QCOMPARE(inferred->embedDim, given->embedDim);
    }

    void configTextIsStable_data() {
        // The compact config.json text is hashed into the model fingerprints that libraries store
        // (modelFingerprint in core/indexing): if the writer changed it, every library would
        // re-embed its photos. These are the texts the JSON writer before nlohmann produced, for a
        // differential model; the two rows differ only in their sizes.
        QTest::addColumn<QString>("source");  // a preset name, or a config.json
        QTest::addColumn<QString>("text");
        const QString text = QStringLiteral(
            "{\"format\":\"diffclip-studio-model\",\"format_version\":1,\"name\":\"%1\","
            "\"attention\":\"differential\",\"vision\":{\"img_size\":%2,\"patch_size\":%3,"
            "\"embed_dim\":%4,\"depth\":%5,\"num_heads\":%6,\"mlp_ratio\":4.0,\"norm_eps\":1e-05},"
            "\"text\":{\"context_length\":%7,\"vocab_size\":49408,\"width\":%8,\"heads\":%9,"
            "\"layers\":%5,\"norm_eps\":1e-05},\"embed_dim\":%10,\"vocab_size\":49408,"
            "\"lambda_init\":0.8,\"vision_norm_eps\":1e-05,\"text_norm_eps\":1e-05,"
            "\"preprocess\":{\"resize_shorter\":%2,\"crop_size\":%2,\"interpolation\":\"bilinear\","
            "\"mean\":[0.485,0.456,0.406],\"std\":[0.229,0.224,0.225]},"
            "\"tokenizer\":{\"kind\":\"clip-bpe\",\"merges\":\"\"}}");
        // name, image, patch, vision width, depth (= text layers), vision heads, context, text width,
        // text heads, embedding.
        QTest::newRow("preset diffclip-vit-b16")
            << QStringLiteral("diffclip-vit-b16")
            << text.arg(QStringLiteral("DiffCLIP ViT-B/16"), "224", "16", "768", "12", "12", "77", "512", "8", "512");
        QTest::newRow("fixture diffclip-tiny-a")
            << QString::fromStdString(kFixtures + "diffclip-tiny-a/config.json")
            << text.arg(QString(), "32", "8", "48", "2", "4", "16", "32", "4", "24");
    }
    void configTextIsStable() {
        QFETCH(QString, source);
        QFETCH(QString, text);
        auto config = source.endsWith(QStringLiteral(".json")) ? ModelConfig::fromFile(source.toStdString())
                                                               : ModelConfig::preset(source.toStdString());
        QVERIFY(config.ok());
        QCOMPARE(QString::fromStdString(dumpJson(config->toJson())), text);
    }

    void standardHeadsNeedAConfig() {
        // Width 48 is no multiple of 64 and standard attention hides its head count.
        QTemporaryDir dir;
        const std::string copy = dir.filePath("weights.safetensors").toStdString();
        fs::copy_file(kFixtures + "clip-std-tiny-a/model.safetensors", copy);
        auto m = loadModel(copy);
        QVERIFY(!m.ok());
        QVERIFY2(m.error().message.find("config.json") != std::string::npos, m.error().message.c_str());
    }

    void vitB16MatchesReferenceKeys_data() {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QString>("shapes");
        QTest::addColumn<qlonglong>("parameters");
        QTest::newRow("diffclip") << "diffclip-vit-b16" << "diffclip-vitb16-state-dict-shapes.json" << 149629185LL;
        QTest::newRow("clip") << "clip-vit-b16" << "clip-vitb16-state-dict-shapes.json" << 149619969LL;
    }
    void vitB16MatchesReferenceKeys() {
        QFETCH(QString, preset);
        QFETCH(QString, shapes);
        QFETCH(qlonglong, parameters);
        std::ifstream in(kFixtures + shapes.toStdString());
        std::stringstream ss;
        ss << in.rdbuf();
        auto json = parseJson(ss.str());
        QVERIFY(json.ok());
        auto cfg = ModelConfig::preset(preset.toStdString());
        QVERIFY(cfg.ok());
        QCOMPARE(cfg->parameterCount(), parameters);
        ClipModel model(*cfg);
        auto weights = model->weights();
        QCOMPARE(weights.size(), json->size());
        int64_t total = 0;
        for (const auto& [name, t] : weights) {
            const Json* shape = jsonFind(*json, name);
            QVERIFY2(shape && shape->is_array(), name.c_str());
            const auto expected = shape->get<std::vector<int64_t>>();
            QCOMPARE(t.sizes().vec(), expected);
            total += t.numel();
        }
        QCOMPARE(total, parameters);
    }

    void vitB16PackageRoundTrip() {
        // Random DiffCLIP ViT-B/16 -> package -> loaded again: identical tensors and config.
        auto m = loadModel("preset:diffclip-vit-b16", LoadOptions{3, {}, false, false});
        QVERIFY(m.ok());
        QTemporaryDir dir;
        const std::string pkg = dir.filePath("b16.diffclip").toStdString();
        QVERIFY(writePackage(*m, pkg, bundledMergesPathForTests()).ok());
        auto back = loadModel(pkg);
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
        QCOMPARE(back->format, std::string("package"));
        auto a = m->model->weights(), b = back->model->weights();
        QCOMPARE(a.size(), b.size());
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].first, b[i].first);
            QVERIFY2(torch::equal(a[i].second, b[i].second), a[i].first.c_str());
        }
        ModelConfig expected = m->model->config();
        expected.tokenizer.merges = "bpe_simple_vocab_16e6.txt.gz";  // the package carries its tokenizer
        QCOMPARE(dumpJson(back->model->config().toJson()), dumpJson(expected.toJson()));
        QVERIFY(back->tokenizer != nullptr);
        // A second write to the same place is refused; nothing temporary is left behind.
        QVERIFY(!writePackage(*m, pkg, {}).ok());
        int entries = 0;
        for (const auto& e : fs::directory_iterator(dir.path().toStdString())) (void)e, ++entries;
        QCOMPARE(entries, 1);
    }

    // A convolutional stem: parameters counted as built, JSON round trip, the stages' strides
    // taken from the patch size, output shapes, the stem changes the embedding, and the configs
    // that cannot work refused with a reason.
    void convolutionalStem() {
        ModelConfig cfg = smallConfig(AttentionKind::Differential, 1, 2, 12, 24, 2.0);
        cfg.vision.stemChannels = {4, 6, 8};
        QCOMPARE(cfg.vision.stemStrides(), (std::vector<int64_t>{2, 2, 3}));
        QVERIFY(cfg.validate().ok());
        ClipModel model(cfg);
        model->initialiseRandom(3);
        int64_t count = 0;
        for (const auto& [n, t] : model->weights()) count += t.numel();
        QCOMPARE(count, cfg.parameterCount());
        bool hasStem = false;
        for (const auto& [n, t] : model->weights())
            if (n == "visual.patch_embed.stem.2.conv.weight") hasStem = t.sizes().vec() == std::vector<int64_t>{8, 6, 3, 3};
        QVERIFY(hasStem);

        auto back = ModelConfig::fromJson(cfg.toJson());
        QVERIFY(back.ok());
        QCOMPARE(back->vision.stemChannels, cfg.vision.stemChannels);
        QVERIFY(cfg.toJson()["vision"].contains("conv_stem"));
        QVERIFY(!smallConfig(AttentionKind::Differential, 1, 2, 12, 24, 2.0).toJson()["vision"].contains("conv_stem"));

        torch::NoGradGuard noGrad;
        auto gen = at::detail::createCPUGenerator(5);
        at::Tensor images = at::randn({2, 3, 24, 24}, gen, at::TensorOptions());
        std::vector<AttentionMaps> maps;
        at::Tensor e = model->encodeImage(images, &maps);
        QCOMPARE(e.sizes().vec(), (std::vector<int64_t>{2, 12}));
        QCOMPARE(maps[0].a1.size(-1), int64_t(2 * 2 + 1));
        QVERIFY(torch::isfinite(e).all().item<bool>());
        // The first stage's weights matter: zeroing them changes the embedding.
        for (auto& item : model->named_parameters(true))
            if (item.key() == "visual.patch_embed.stem.0.conv.weight") item.value().zero_();
        QVERIFY(!torch::allclose(model->encodeImage(images), e, 1e-4, 1e-5));

        // Shapes cannot tell the strides: inference asks for the config instead of guessing.
        auto inferred = ModelConfig::inferFromStateDict(model->weights());
        QVERIFY(!inferred.ok());
        QVERIFY(inferred.error().message.find("config.json") != std::string::npos);

        ModelConfig wrong = cfg;
        wrong.vision.stemChannels = {4, 8};
        QVERIFY(!wrong.validate().ok());
        wrong.vision.stemChannels = {4, 0, 8};
        QVERIFY(!wrong.validate().ok());
        wrong = smallConfig(AttentionKind::Standard, 1, 2, 5, 25, 2.0);
        wrong.vision.stemChannels = {4};
        QVERIFY(!wrong.validate().ok());  // patch 5 is not made of 2s and 3s
        Json bad = cfg.toJson();
        bad["vision"]["conv_stem"] = "24,48";
        QVERIFY(!ModelConfig::fromJson(bad).ok());
        for (const char* name : {"diffclip-mini-conv", "clip-mini-conv"}) {
            auto p = ModelConfig::preset(name);
            QVERIFY(p.ok());
            QCOMPARE(p->vision.stemChannels, (std::vector<int64_t>{24, 48, 96}));
            QVERIFY(p->validate().ok());
        }
    }

    // Search embeddings with flipped views, computed by hand: the normalised mean of the
    // normalised embeddings of the photo and its flips; the setting's JSON round trip and refusals.
    void flipViewsAverageByHand() {
        ModelConfig cfg = smallConfig(AttentionKind::Differential, 1, 2, 12, 24, 2.0);
        ClipModel model(cfg);
        model->initialiseRandom(7);
        torch::NoGradGuard noGrad;
        auto gen = at::detail::createCPUGenerator(8);
        const at::Tensor x = at::randn({3, 3, 24, 24}, gen, at::TensorOptions());
        auto unit = [](const at::Tensor& e) { return e / e.norm(2, 1, true); };
        const at::Tensor plain = unit(model->encodeImage(x));
        const at::Tensor h = unit(model->encodeImage(x.flip({3}))), v = unit(model->encodeImage(x.flip({2})));
        const at::Tensor hv = unit(model->encodeImage(x.flip({2, 3})));
        QVERIFY(torch::allclose(model->searchEmbedding(x), plain, 1e-5, 1e-6));  // default: one view
        QVERIFY(torch::allclose(model->flipAverage(x, 2), unit(plain + h), 1e-5, 1e-6));
        QVERIFY(torch::allclose(model->flipAverage(x, 4), unit(plain + h + v + hv), 1e-5, 1e-6));
        QVERIFY(!torch::allclose(model->flipAverage(x, 4), plain, 1e-3, 1e-4));  // random weights see flips
        QVERIFY(model->setFlipViews(4).ok());
        QVERIFY(torch::allclose(model->searchEmbedding(x), model->flipAverage(x, 4), 1e-6, 1e-7));
        QVERIFY(!model->setFlipViews(3).ok());
        QCOMPARE(model->config().preprocess.flipViews, int64_t(4));

        QVERIFY(!cfg.toJson()["preprocess"].contains("flip_views"));  // written only when above 1
        auto back = ModelConfig::fromJson(model->config().toJson());
        QVERIFY(back.ok());
        QCOMPARE(back->preprocess.flipViews, int64_t(4));
        Json bad = model->config().toJson();
        bad["preprocess"]["flip_views"] = 3;
        QVERIFY(!ModelConfig::fromJson(bad).ok());
        bad["preprocess"]["flip_views"] = "4";
        QVERIFY(!ModelConfig::fromJson(bad).ok());
    }

    void otherArchitectures_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("depth");
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("patch");
        QTest::addColumn<int>("image");
        QTest::addColumn<double>("mlp");
        QTest::newRow("diff d3 h6 p4 i24 mlp2.5") << 0 << 3 << 6 << 4 << 24 << 2.5;
        QTest::newRow("diff d1 h2 p8 i16 mlp4") << 0 << 1 << 2 << 8 << 16 << 4.0;
        QTest::newRow("std d2 h3 p6 i30 mlp3") << 1 << 2 << 3 << 6 << 30 << 3.0;
    }
    void otherArchitectures() {
        QFETCH(int, kind);
        QFETCH(int, depth);
        QFETCH(int, heads);
        QFETCH(int, patch);
        QFETCH(int, image);
        QFETCH(double, mlp);
        const auto attention = kind == 0 ? AttentionKind::Differential : AttentionKind::Standard;
        ModelConfig cfg = smallConfig(attention, depth, heads, patch, image, mlp);
        QVERIFY(cfg.validate().ok());
        ClipModel model(cfg);
        model->initialiseRandom(11);
        QCOMPARE(int64_t(model->weights().size()) > 0, true);
        int64_t count = 0;
        for (const auto& [n, t] : model->weights()) count += t.numel();
        QCOMPARE(count, cfg.parameterCount());

        // Shapes alone give back the architecture (heads of standard models as a hint).
        auto inferred = ModelConfig::inferFromStateDict(model->weights(), heads, heads);
        QVERIFY2(inferred.ok(), inferred.ok() ? "" : inferred.error().message.c_str());
        QCOMPARE(inferred->vision.depth, int64_t(depth));
        QCOMPARE(inferred->vision.heads, int64_t(heads));
        QCOMPARE(inferred->vision.patchSize, int64_t(patch));
        QCOMPARE(inferred->vision.imageSize, int64_t(image));
        QCOMPARE(inferred->vision.mlpRatio, mlp);
        QCOMPARE(inferred->text.heads, int64_t(heads));

        torch::NoGradGuard noGrad;
        auto gen = at::detail::createCPUGenerator(5);
        at::Tensor images = at::randn({3, 3, image, image}, gen, at::TensorOptions());
        std::vector<AttentionMaps> maps;
        at::Tensor withMaps = model->encodeImage(images, &maps);
        at::Tensor plain = model->encodeImage(images);
        QVERIFY(torch::allclose(withMaps, plain, 1e-5, 1e-6));
        QCOMPARE(int(maps.size()), depth);
        const int64_t n = (image / patch) * (image / patch) + 1;
        for (const auto& a : maps) {
            if (attention == AttentionKind::Differential) {
                QCOMPARE(a.a1.sizes().vec(), (std::vector<int64_t>{3, heads / 2, n, n}));
                QVERIFY(torch::allclose(a.a1.sum(-1), at::ones({3, heads / 2, n}), 1e-5, 1e-5));
                QVERIFY(torch::allclose(a.a2.sum(-1), at::ones({3, heads / 2, n}), 1e-5, 1e-5));
                const double lambda = a.lambda.item<double>();
                QVERIFY(torch::allclose(a.diff.sum(-1), at::full({3, heads / 2, n}, 1.0 - lambda), 1e-5, 1e-5));
                QVERIFY(torch::allclose(a.diff, a.a1 - lambda * a.a2, 1e-6, 1e-6));
            } else {
                QCOMPARE(a.a.sizes().vec(), (std::vector<int64_t>{3, heads, n, n}));
                QVERIFY(torch::allclose(a.a.sum(-1), at::ones({3, heads, n}), 1e-5, 1e-5));
            }
        }
        model->setAttentionPath(AttentionPath::Explicit);
        QVERIFY(torch::allclose(model->encodeImage(images), plain, 1e-5, 1e-6));
    }

    void textStopsAtLastEndToken() {
        // A short prompt gives the same embedding alone (its row cut after its end token is
        // what the model computes) as in a batch with a long one, and padding changes nothing.
        ModelConfig cfg = smallConfig(AttentionKind::Differential, 2, 4, 8, 16, 4.0);
        ClipModel model(cfg);
        model->initialiseRandom(2);
        torch::NoGradGuard noGrad;
        at::Tensor batch = tokens({{298, 5, 6, 299}, {298, 7, 8, 9, 10, 11, 12, 299}}, 10);
        at::Tensor both = model->encodeText(batch);
        at::Tensor alone = model->encodeText(tokens({{298, 5, 6, 299}}, 10));
        at::Tensor cut = model->encodeText(tokens({{298, 5, 6, 299}}, 4));
        QVERIFY(torch::allclose(both[0], alone[0], 1e-5, 1e-6));
        QVERIFY(torch::allclose(alone, cut, 1e-5, 1e-6));
        QVERIFY(!torch::allclose(both[0], both[1], 1e-3, 1e-3));
    }

    void smallPresetsBuildAndEncode() {
        // Every preset small enough to build here gives one embedding per photo at its own size;
        // the demo's is the mini at 96 px on an 8 x 8 patch grid.
        torch::NoGradGuard noGrad;
        for (const std::string& name : ModelConfig::presetNames()) {
            if (name.find("vit-b") != std::string::npos) continue;  // ViT-B sizes: covered by the parity tests
            auto m = loadModel("preset:" + name);
            QVERIFY2(m.ok(), name.c_str());
            const auto& cfg = m->model->config();
            at::Tensor images = at::zeros({2, 3, cfg.vision.imageSize, cfg.vision.imageSize});
            at::Tensor out = m->model->encodeImage(images);
            QCOMPARE(out.size(0), int64_t(2));
            QCOMPARE(out.size(1), int64_t(cfg.embedDim));
            if (name == "diffclip-demo") {
                QCOMPARE(int(cfg.vision.gridSize()), 8);
                QVERIFY(cfg.attention == AttentionKind::Differential);
            }
        }
    }

    void reducedPrecisionKeepsCosine() {
        // The CPU's preferred precision (bf16 where the CPU has fast bf16) must stay within
        // cosine 0.999 of fp32, for both towers, on a model with realistic widths.
        auto m = loadModel("preset:diffclip-starter");
        QVERIFY(m.ok());
        torch::NoGradGuard noGrad;
        const auto& cfg = m->model->config();
        auto gen = at::detail::createCPUGenerator(9);
        at::Tensor images = at::randn({4, 3, cfg.vision.imageSize, cfg.vision.imageSize}, gen, at::TensorOptions());
        at::Tensor text = tokens({{49406, 320, 1125, 539, 320, 13258, 49407}, {49406, 1184, 3152, 49407}}, 32);
        QVERIFY(!checkDtypeSupported(c10::Device(c10::kCPU), at::kHalf).ok());  // CUDA only
        for (auto dtype : {at::kBFloat16}) {
            ClipModel low = convertModel(m->model, c10::Device(c10::kCPU), dtype);
            QCOMPARE(low->dtype(), dtype);
            const double ci = minRowCosine(low->encodeImage(images), m->model->encodeImage(images));
            const double ct = minRowCosine(low->encodeText(text), m->model->encodeText(text));
            QVERIFY2(ci >= 0.999, std::to_string(ci).c_str());
            QVERIFY2(ct >= 0.999, std::to_string(ct).c_str());
        }
    }

    void loadErrorsNameTheFile() {
        QTemporaryDir dir;
        const std::string garbage = dir.filePath("model.pt").toStdString();
        std::ofstream(garbage) << "this is not a model";
        auto m = loadModel(garbage);
        QVERIFY(!m.ok());
        QVERIFY(m.error().message.find(garbage) != std::string::npos);
        auto missing = loadModel(dir.filePath("absent.safetensors").toStdString());
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        auto preset = loadModel("preset:no-such-thing");
        QVERIFY(!preset.ok());
        QCOMPARE(preset.error().code, ErrorCode::InvalidArgument);
        // Weights of one architecture under another's config are refused with the culprit named.
        fs::copy_file(kFixtures + "diffclip-tiny-a/model.safetensors", dir.filePath("w.safetensors").toStdString());
        std::ofstream(dir.filePath("config.json").toStdString())
            << R"({"vision":{"img_size":32,"patch_size":8,"embed_dim":48,"depth":3,"num_heads":4,"mlp_ratio":4.0},)"
            << R"("text":{"context_length":16,"width":32,"heads":4,"layers":2},"embed_dim":24,"vocab_size":49408})";
        auto wrong = loadModel(dir.filePath("w.safetensors").toStdString());
        QVERIFY(!wrong.ok());
        QVERIFY2(wrong.error().message.find("visual.blocks.2") != std::string::npos, wrong.error().message.c_str());
    }

private:
    static std::string bundledMergesPathForTests() {
        return std::string(DIFFCLIP_SHARED_DIR) + "/data/clip/bpe_simple_vocab_16e6.txt.gz";
    }
};

QTEST_APPLESS_MAIN(TestModel)
#include "tst_model.moc"
