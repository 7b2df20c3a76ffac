// The int8 path (Runtime.h, Precision.h, ClipModelImpl::quantizeLinears): the automatic choice on
// a CPU with bf16 and on an AVX2-only CPU (chosen by setCpuCapsOverride), the int8 embeddings'
// cosine with fp32 on a realistic width, the fallback when the check fails, and the library's
// record of the precision its embeddings were made in (Indexer.h admitEmbeddingPrecision).

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <string>

#include "diffclip/indexing/Indexer.h"
#include "diffclip/library/Library.h"
#include "diffclip/model/ModelIO.h"
#include "diffclip/model/ModelSummary.h"
#include "diffclip/model/Precision.h"
#include "diffclip/model/Runtime.h"

using namespace diffclip;
namespace fs = std::filesystem;

namespace {

const char* kAvx2 = "fpu sse4_2 avx avx2 fma";                                  // no VNNI, no bf16
const char* kBf16 = "avx2 avx512f avx512bw avx512_vnni avx512_bf16";            // VNNI and bf16
const std::string kNeu = std::string(DIFFCLIP_SHARED_DIR) + "/data/neu-cls/";

// Restores the detected CPU features when a test function ends, passed or not.
struct CapsOverride {
    explicit CapsOverride(const char* flags) { setCpuCapsOverride(flags); }
    ~CapsOverride() { setCpuCapsOverride(""); }
};

at::Tensor rows(const std::vector<std::vector<double>>& v) {
    at::Tensor t = at::empty({int64_t(v.size()), int64_t(v[0].size())}, at::kDouble);
    for (size_t i = 0; i < v.size(); ++i)
        for (size_t j = 0; j < v[i].size(); ++j) t[int64_t(i)][int64_t(j)] = v[i][j];
    return t;
}

}  // namespace

class TestPrecision : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(int8Supported().ok(), int8Supported().ok() ? "" : int8Supported().error().message.c_str()); }

    void namesAndParsing() {
        QCOMPARE(*parseDtype("int8"), at::kQInt8);
        QCOMPARE(std::string(dtypeName(at::kQInt8)), std::string("int8"));
        auto bad = parseDtype("int4");
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);
        QVERIFY(bad.error().message.find("int8") != std::string::npos);  // lists what is accepted
        QVERIFY(checkDtypeSupported(c10::Device(c10::kCPU), at::kQInt8).ok());
    }

    // minRowCosine on rows worked out by hand: (1,0)·(1,0) = 1; (1,1)·(1,0) = 1/sqrt2; (0,2)·(0,-3) = -1.
    void cosineByHand() {
        QCOMPARE(minRowCosine(rows({{1, 0}, {1, 1}}), rows({{1, 0}, {1, 0}})), 1.0 / std::sqrt(2.0));
        QCOMPARE(minRowCosine(rows({{1, 0}, {0, 2}}), rows({{3, 0}, {0, -3}})), -1.0);
        QCOMPARE(minRowCosine(rows({{2, 1}}), rows({{4, 2}})), 1.0);
        PrecisionCheck c;
        c.imageCosine = 0.9995;
        c.textCosine = 0.998;
        QCOMPARE(c.minimum(), 0.998);
    }

    void capsChooseThePath() {
        {
            CapsOverride avx2(kAvx2);
            const CpuCaps caps = cpuCaps();
            QVERIFY(caps.avx2 && !caps.avx512 && !caps.vnni && !caps.bf16);
            QCOMPARE(caps.source, std::string("override"));
            QVERIFY(!cpuHasFastBf16());
            QCOMPARE(preferredDtype(c10::Device(c10::kCPU)), at::kQInt8);
            QCOMPARE(automaticCpuPrecision(), std::string("int8"));
            QCOMPARE(int8WeightBits(), 7);  // u8 x s8 pairs would saturate 16 bits with 8-bit weights
        }
        {
            CapsOverride bf16(kBf16);
            QVERIFY(cpuCaps().vnni && cpuCaps().bf16);
            QCOMPARE(preferredDtype(c10::Device(c10::kCPU)), at::kBFloat16);
            QCOMPARE(automaticCpuPrecision(), std::string("bf16"));
            QCOMPARE(int8WeightBits(), 8);
        }
        QCOMPARE(cpuCaps().source, std::string("/proc/cpuinfo"));
    }

    void calibrationBatchIsFixed() {
        auto m = loadModel("preset:diffclip-tiny");
        QVERIFY(m.ok());
        const auto& cfg = m->model->config();
        CalibrationBatch a = calibrationBatch(cfg), b = calibrationBatch(cfg);
        QCOMPARE(a.images.sizes().vec(), (std::vector<int64_t>{4, 3, cfg.vision.imageSize, cfg.vision.imageSize}));
        QCOMPARE(a.tokens.sizes().vec(), (std::vector<int64_t>{4, cfg.text.contextLength}));
        QVERIFY(a.images.equal(b.images) && a.tokens.equal(b.tokens));
        // Each row's end token (the largest id) at a different place, every id inside the vocabulary.
        at::Tensor ends = a.tokens.argmax(1);
        std::set<int64_t> distinct;
        for (int64_t i = 0; i < 4; ++i) distinct.insert(ends[i].item<int64_t>());
        QCOMPARE(distinct.size(), size_t(4));
        QVERIFY(a.tokens.max().item<int64_t>() == cfg.text.vocabSize - 1);
        QVERIFY(a.tokens.min().item<int64_t>() >= 0);
    }

    // The int8 copy computes in int8 while keeping float32 weights; it refuses what it cannot do.
    void quantisedModel() {
        auto m = loadModel("preset:diffclip-tiny");
        QVERIFY(m.ok());
        ClipModel q = convertModel(m->model, c10::Device(c10::kCPU), at::kQInt8);
        QCOMPARE(q->precision(), at::kQInt8);
        QCOMPARE(q->dtype(), at::kFloat);
        QCOMPARE(m->model->precision(), at::kFloat);  // the source is untouched
        QVERIFY(!q->calibrationCosine());
        QCOMPARE(embeddingPrecision(q), std::string("int8-unchecked"));
        QVERIFY(q->quantizeLinears().ok());  // idempotent
        ClipModel bf = convertModel(m->model, c10::Device(c10::kCPU), at::kBFloat16);
        auto s = bf->quantizeLinears();
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::Unsupported);
        QCOMPARE(bf->precision(), at::kBFloat16);
        auto bits = ClipModel(m->model->config())->quantizeLinears(9);
        QVERIFY(!bits.ok());
        QCOMPARE(bits.error().code, ErrorCode::InvalidArgument);
    }

    // On a model with the starter's widths (192, MLP 768; text 128), int8 embeddings keep cosine
    // >= 0.999 with fp32 in both towers, with 8-bit weights (VNNI) and with 7-bit ones (AVX2).
    void int8KeepsCosine_data() {
        QTest::addColumn<QString>("caps");
        QTest::newRow("avx2: 7-bit weights") << QString::fromLatin1(kAvx2);
        QTest::newRow("vnni: 8-bit weights") << QString::fromLatin1(kBf16);
    }
    void int8KeepsCosine() {
        QFETCH(QString, caps);
        CapsOverride override(caps.toLatin1().constData());
        auto m = loadModel("preset:diffclip-starter");
        QVERIFY(m.ok());
        ClipModel q = convertModel(m->model, c10::Device(c10::kCPU), at::kQInt8);
        const PrecisionCheck c = comparePrecision(q, m->model, calibrationBatch(m->model->config(), 8, 11));
        QVERIFY2(c.imageCosine >= kInt8MinCosine, std::to_string(c.imageCosine).c_str());
        QVERIFY2(c.textCosine >= kInt8MinCosine, std::to_string(c.textCosine).c_str());
        QVERIFY(c.imageCosine < 1.0);  // it really ran in int8
    }

    void automaticChoice() {
        auto m = loadModel("preset:diffclip-starter");
        QVERIFY(m.ok());
        const c10::Device cpu(c10::kCPU);
        {
            CapsOverride avx2(kAvx2);
            auto c = prepareEncoder(m->model, cpu, "auto");
            QVERIFY2(c.ok(), c.ok() ? "" : c.error().message.c_str());
            QCOMPARE(c->precision, at::kQInt8);
            QVERIFY(c->int8Check && c->int8Check->minimum() >= kInt8MinCosine);
            QCOMPARE(c->encoder->precision(), at::kQInt8);
            QCOMPARE(embeddingPrecision(c->encoder), std::string("int8"));
            QVERIFY2(c->note.rfind("int8 (automatic)", 0) == 0, c->note.c_str());
            QVERIFY(c->encoder.ptr() != m->model.ptr());
            // The user can force fp32.
            auto f = prepareEncoder(m->model, cpu, "fp32");
            QVERIFY(f.ok());
            QCOMPARE(f->precision, at::kFloat);
            QVERIFY(!f->int8Check);
            QCOMPARE(embeddingPrecision(f->encoder), std::string("fp32"));
        }
        {
            CapsOverride bf16(kBf16);
            auto c = prepareEncoder(m->model, cpu, "auto");
            QVERIFY(c.ok());
            QCOMPARE(c->precision, at::kBFloat16);
            QVERIFY(!c->int8Check);
            QCOMPARE(embeddingPrecision(c->encoder), std::string("bf16"));
            // int8 can be asked for on such a CPU too.
            auto i = prepareEncoder(m->model, cpu, "int8");
            QVERIFY(i.ok());
            QCOMPARE(i->precision, at::kQInt8);
            QVERIFY2(i->note.rfind("int8 (chosen)", 0) == 0, i->note.c_str());
        }
        auto bad = prepareEncoder(m->model, cpu, "int4");
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);
        auto half = prepareEncoder(m->model, cpu, "fp16");
        QVERIFY(!half.ok());
        QCOMPARE(half.error().code, ErrorCode::Unsupported);
    }

    // A model whose normalised activations have one huge channel that the next layer ignores:
    // quantised per tensor, every other channel rounds to zero, so int8 fails the check.
    // Automatic then keeps fp32 and says why; a forced int8 is kept but marked as unchecked.
    void failedCheckFallsBack() {
        CapsOverride avx2(kAvx2);
        auto m = loadModel("preset:diffclip-starter");
        QVERIFY(m.ok());
        {
            torch::NoGradGuard noGrad;
            auto endsWith = [](const std::string& s, const char* tail) {
                const std::string t(tail);
                return s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0;
            };
            int norms = 0, inputs = 0;
            for (auto& p : m->model->named_parameters(true)) {
                const std::string& k = p.key();
                if (endsWith(k, "norm1.weight") || endsWith(k, "norm2.weight") || endsWith(k, "ln_1.weight") ||
                    endsWith(k, "ln_2.weight")) {
                    p.value()[0] = 3000.0;
                    ++norms;
                }
                for (const char* in : {"q_proj.weight", "k_proj.weight", "v_proj.weight", "qkv.weight", "in_proj_weight",
                                       "fc1.weight", "c_fc.weight"})
                    if (endsWith(k, in)) {
                        p.value().select(1, 0).zero_();
                        ++inputs;
                    }
            }
            QVERIFY(norms > 0 && inputs > 0);
        }
        auto c = prepareEncoder(m->model, c10::Device(c10::kCPU), "auto");
        QVERIFY(c.ok());
        QVERIFY(c->int8Check);
        QVERIFY2(c->int8Check->minimum() < kInt8MinCosine, std::to_string(c->int8Check->minimum()).c_str());
        QCOMPARE(c->precision, at::kFloat);
        QCOMPARE(c->encoder->precision(), at::kFloat);
        QVERIFY2(c->note.rfind("fp32 (automatic): int8 reached only", 0) == 0, c->note.c_str());
        auto forced = prepareEncoder(m->model, c10::Device(c10::kCPU), "int8");
        QVERIFY(forced.ok());
        QCOMPARE(forced->precision, at::kQInt8);
        QCOMPARE(embeddingPrecision(forced->encoder), std::string("int8-unchecked"));
        QVERIFY2(forced->note.find("kept apart") != std::string::npos, forced->note.c_str());
    }

    void compatibilityTable() {
        for (const char* a : {"fp32", "bf16", "fp16", "int8"}) {
            for (const char* b : {"fp32", "bf16", "fp16", "int8"}) QVERIFY(embeddingPrecisionsCompatible(a, b));
            QVERIFY(!embeddingPrecisionsCompatible(a, "int8-unchecked"));
            QVERIFY(!embeddingPrecisionsCompatible("int8-unchecked", a));
        }
        QVERIFY(embeddingPrecisionsCompatible("int8-unchecked", "int8-unchecked"));
    }

    // The library records the precisions of each model's embeddings; unchecked int8 embeddings are
    // refused next to others without losing anything, and are accepted in a library of their own.
    void libraryRecordsPrecision() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        std::vector<std::string> photos;
        for (int i = 1; i <= 3; ++i) photos.push_back(kNeu + "crazing/crazing_" + std::to_string(i) + ".jpg");
        for (const auto& p : photos) QVERIFY2(fs::is_regular_file(p), p.c_str());  // a missing fixture fails
        auto model = loadModel("preset:diffclip-tiny");
        QVERIFY(model.ok());
        const c10::Device cpu(c10::kCPU);
        auto lib = Library::open(dir.filePath("a.dclib").toStdString());
        QVERIFY(lib.ok());

        auto fp32 = prepareEncoder(model->model, cpu, "fp32");
        QVERIFY(fp32.ok());
        auto s = indexPhotos(*lib, *model, {photos[0]}, IndexOptions{}, &fp32->encoder);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(*embeddingPrecisions(*lib, *model), std::vector<std::string>{"fp32"});

        ClipModel checked = convertModel(model->model, cpu, at::kQInt8);
        checked->setCalibrationCosine(0.9995);  // as prepareEncoder records a passed check
        s = indexPhotos(*lib, *model, {photos[1]}, IndexOptions{}, &checked);
        QVERIFY(s.ok());
        QCOMPARE(*embeddingPrecisions(*lib, *model), (std::vector<std::string>{"fp32", "int8"}));

        ClipModel unchecked = convertModel(model->model, cpu, at::kQInt8);
        unchecked->setCalibrationCosine(0.99);
        s = indexPhotos(*lib, *model, {photos[2]}, IndexOptions{}, &unchecked);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::Mismatch);
        QVERIFY2(s.error().message.find("int8-unchecked") != std::string::npos, s.error().message.c_str());
        auto id = findModelId(*lib, *model);
        QVERIFY(id.ok());
        QCOMPARE(lib->loadEmbeddings(*id)->rows(), size_t(2));  // nothing lost, nothing added
        QCOMPARE(*embeddingPrecisions(*lib, *model), (std::vector<std::string>{"fp32", "int8"}));

        // A library of its own takes them, and then refuses fp32 ones.
        auto other = Library::open(dir.filePath("b.dclib").toStdString());
        QVERIFY(other.ok());
        QVERIFY(indexPhotos(*other, *model, {photos[2]}, IndexOptions{}, &unchecked).ok());
        QCOMPARE(*embeddingPrecisions(*other, *model), std::vector<std::string>{"int8-unchecked"});
        auto mixed = indexPhotos(*other, *model, {photos[0]}, IndexOptions{}, &fp32->encoder);
        QVERIFY(!mixed.ok());
        QCOMPARE(mixed.error().code, ErrorCode::Mismatch);
        // Once that model's embeddings are gone, the record no longer binds.
        id = findModelId(*other, *model);
        QVERIFY(id.ok());
        QVERIFY(other->deleteModelEmbeddings(*id).ok());
        QVERIFY(indexPhotos(*other, *model, {photos[0]}, IndexOptions{}, &fp32->encoder).ok());
        QCOMPARE(*embeddingPrecisions(*other, *model), std::vector<std::string>{"fp32"});
    }
};

QTEST_APPLESS_MAIN(TestPrecision)
#include "tst_precision.moc"
