// The int8 path (Runtime.h, Precision.h, ClipModelImpl::quantizeLinears): the automatic choice on
// a CPU with bf16 and on an AVX2-only CPU (chosen by setCpuCapsOverride), the int8 embeddings'
// cosine with fp32 for both attention kinds with 8-bit weights (VNNI) and 7-bit ones (AVX2), the
// fallback when the check fails, the library's record of the precision its embeddings were made
// in (Indexer.h) and the workspace that opens with it. CTest runs this twice: as is, and as
// tst_precision_avx2 with oneDNN limited to AVX2 (ONEDNN_MAX_CPU_ISA=AVX2), where the real
// kernels are those of an AVX2-only CPU (realKernels checks that they are).

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <torch/torch.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <thread>

#include "diffclip/indexing/Indexer.h"
#include "diffclip/indexing/Workspace.h"
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

bool endsWith(const std::string& s, const char* tail) {
    const std::string t(tail);
    return s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0;
}

std::string isaLimit() {
    const char* v = std::getenv("ONEDNN_MAX_CPU_ISA");
    return v ? v : "";
}

std::vector<std::string> neuPhotos(int n) {
    std::vector<std::string> photos;
    for (int i = 1; i <= n; ++i) photos.push_back(kNeu + "crazing/crazing_" + std::to_string(i) + ".jpg");
    return photos;
}

}  // namespace

class TestPrecision : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(int8Supported().ok(), int8Supported().ok() ? "" : int8Supported().error().message.c_str());
        for (const auto& p : neuPhotos(3)) QVERIFY2(fs::is_regular_file(p), p.c_str());  // a missing fixture fails
    }

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

    // The setting that picks the path in these tests: the CPU's flags as an override.
    void capsChooseThePath() {
        {
            CapsOverride avx2(kAvx2);
            const CpuCaps caps = cpuCaps();
            QVERIFY(caps.avx2 && !caps.avx512 && !caps.vnni && !caps.bf16);
            QCOMPARE(caps.source, std::string("override"));
            QVERIFY(!cpuHasFastBf16());
            QCOMPARE(preferredDtype(c10::Device(c10::kCPU)), at::kQInt8);
            QCOMPARE(automaticCpuPrecision(), std::string("int8"));
            QVERIFY2(caps.describe().rfind("avx2 (from override)", 0) == 0, caps.describe().c_str());
        }
        {
            CapsOverride bf16(kBf16);
            QVERIFY(cpuCaps().vnni && cpuCaps().bf16);
            QCOMPARE(preferredDtype(c10::Device(c10::kCPU)), at::kBFloat16);
            QCOMPARE(automaticCpuPrecision(), std::string("bf16"));
        }
        QCOMPARE(cpuCaps().source, std::string("/proc/cpuinfo"));
    }

    // What this process's oneDNN really runs: with ONEDNN_MAX_CPU_ISA=AVX2 (tst_precision_avx2) the
    // CPU counts as AVX2-only whatever it has, automatic is int8 and the weights are 7-bit, since
    // 8-bit ones saturate in AVX2's int8 products. Without the limit the weight bits follow VNNI.
    void realKernels() {
        const CpuCaps caps = cpuCaps();
        if (isaLimit() == "AVX2") {
            QVERIFY(!caps.bf16 && !caps.avx512 && !caps.vnni);
            QCOMPARE(caps.isaLimit, std::string("ONEDNN_MAX_CPU_ISA=AVX2"));
            QVERIFY2(caps.describe().find("oneDNN limited by ONEDNN_MAX_CPU_ISA=AVX2") != std::string::npos,
                     caps.describe().c_str());
            QCOMPARE(automaticCpuPrecision(), std::string("int8"));
            QCOMPARE(int8WeightBits(), 7);
        } else if (isaLimit().empty()) {
            QVERIFY(caps.isaLimit.empty());
            if (caps.vnni && caps.avx512) QCOMPARE(int8WeightBits(), 8);
            if (!caps.vnni) QCOMPARE(int8WeightBits(), 7);
        }
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

    // The int8 copy computes in int8 on float32 weights it shares with its source; it refuses
    // what it cannot do.
    void quantisedModel() {
        auto m = loadModel("preset:diffclip-tiny");
        QVERIFY(m.ok());
        ClipModel q = convertModel(m->model, c10::Device(c10::kCPU), at::kQInt8);
        QCOMPARE(q->precision(), at::kQInt8);
        QVERIFY(q->isInt8());
        QCOMPARE(q->int8WeightBits(), int8WeightBits());
        QCOMPARE(q->dtype(), at::kFloat);
        QCOMPARE(m->model->precision(), at::kFloat);  // the source is untouched
        QVERIFY(!m->model->isInt8());
        // Shared, not copied: the same storage behind every float32 weight.
        auto src = m->model->named_parameters(true);
        for (const auto& item : q->named_parameters(true))
            QVERIFY2(item.value().data_ptr() == src.find(item.key())->data_ptr(), item.key().c_str());
        QVERIFY(!q->calibrationCosine());
        QCOMPARE(embeddingPrecision(q), std::string("int8-unchecked"));
        QVERIFY(q->quantizeLinears().ok());  // idempotent
        // A float copy of an int8 model is a plain float model again.
        ClipModel back = convertModel(q, c10::Device(c10::kCPU), at::kFloat);
        QVERIFY(!back->isInt8());
        ClipModel bf = convertModel(m->model, c10::Device(c10::kCPU), at::kBFloat16);
        auto s = bf->quantizeLinears();
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::Unsupported);
        QCOMPARE(bf->precision(), at::kBFloat16);
        auto bits = ClipModel(m->model->config())->quantizeLinears(9);
        QVERIFY(!bits.ok());
        QCOMPARE(bits.error().code, ErrorCode::InvalidArgument);
    }

    // On models with the starter's widths (192, MLP 768; text 128), differential and standard
    // attention, int8 embeddings stay close to fp32 in both towers, with 8-bit weights (VNNI) and
    // with 7-bit ones (AVX2), and really differ from them (it ran in int8). These presets have
    // random weights, the hard case: every weight matters as much as any other, and quantisation
    // noise is nowhere smaller than the signal. With 8 bits they keep the check's 0.999; 7-bit
    // weights have four times the weight error and keep 0.998 (trained models do far better:
    // 0.99996 and more for NEU models trained from scratch, README "int8 on the CPU").
    void int8KeepsCosine_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("bits");
        QTest::addColumn<double>("atLeast");
        QTest::newRow("differential, avx2: 7-bit weights") << QStringLiteral("preset:diffclip-starter") << 7 << 0.998;
        QTest::newRow("differential, vnni: 8-bit weights") << QStringLiteral("preset:diffclip-starter") << 8
                                                           << kInt8MinCosine;
        QTest::newRow("standard, avx2: 7-bit weights") << QStringLiteral("preset:clip-starter") << 7 << 0.998;
        QTest::newRow("standard, vnni: 8-bit weights") << QStringLiteral("preset:clip-starter") << 8 << kInt8MinCosine;
    }
    void int8KeepsCosine() {
        QFETCH(QString, model);
        QFETCH(int, bits);
        QFETCH(double, atLeast);
        if (bits == 8 && int8WeightBits() == 7) QSKIP("8-bit weights saturate in this process's int8 kernels (AVX2)");
        auto m = loadModel(model.toStdString());
        QVERIFY(m.ok());
        ClipModel q = convertModel(m->model, c10::Device(c10::kCPU), at::kFloat);
        QVERIFY(q->quantizeLinears(bits).ok());
        QCOMPARE(q->int8WeightBits(), bits);
        const PrecisionCheck c = comparePrecision(q, m->model, calibrationBatch(m->model->config(), 8, 11));
        qInfo("%s, %d-bit weights: cosine with fp32 %.5f (images), %.5f (texts)", qPrintable(model), bits,
              c.imageCosine, c.textCosine);
        QVERIFY2(c.imageCosine >= atLeast, std::to_string(c.imageCosine).c_str());
        QVERIFY2(c.textCosine >= atLeast, std::to_string(c.textCosine).c_str());
        QVERIFY2(c.imageCosine < 0.999999 && c.textCosine < 0.999999, "int8 gave fp32's embeddings");
    }

    // The automatic choice on each kind of CPU, on the tiny preset (whose int8 check passes with a
    // margin at 7 and 8 bits: 0.9995 and more).
    void automaticChoice() {
        auto m = loadModel("preset:diffclip-tiny");
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
            QVERIFY2(c->note.rfind("int8 (automatic): cosine with fp32 ", 0) == 0, c->note.c_str());
            QVERIFY(c->encoder.ptr() != m->model.ptr());
            // The user can force fp32.
            auto f = prepareEncoder(m->model, cpu, "fp32");
            QVERIFY(f.ok());
            QCOMPARE(f->precision, at::kFloat);
            QVERIFY(!f->int8Check);
            QCOMPARE(embeddingPrecision(f->encoder), std::string("fp32"));
            QVERIFY(f->encoder.ptr() != m->model.ptr());
        }
        {
            CapsOverride bf16(kBf16);
            auto c = prepareEncoder(m->model, cpu, "auto");
            QVERIFY(c.ok());
            QCOMPARE(c->precision, at::kBFloat16);
            QVERIFY(!c->int8Check);
            QCOMPARE(embeddingPrecision(c->encoder), std::string("bf16"));
            QVERIFY2(c->note == "bf16 (automatic on a CPU with bf16)", c->note.c_str());
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
        QCOMPARE(embeddingPrecision(c->encoder), std::string("fp32"));
        QVERIFY2(c->note.rfind("fp32 (automatic): int8 reached only", 0) == 0, c->note.c_str());
        auto forced = prepareEncoder(m->model, c10::Device(c10::kCPU), "int8");
        QVERIFY(forced.ok());
        QCOMPARE(forced->precision, at::kQInt8);
        QCOMPARE(embeddingPrecision(forced->encoder), std::string("int8-unchecked"));
        QVERIFY2(forced->note.find("kept apart") != std::string::npos, forced->note.c_str());
    }

    void compatibilityTable() {
        for (const char* a : {"fp32", "bf16", "fp16", "int8", "unrecorded"}) {
            for (const char* b : {"fp32", "bf16", "fp16", "int8", "unrecorded"})
                QVERIFY(embeddingPrecisionsCompatible(a, b));
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
        const std::vector<std::string> photos = neuPhotos(3);
        auto model = loadModel("preset:diffclip-tiny");
        QVERIFY(model.ok());
        const c10::Device cpu(c10::kCPU);
        auto lib = Library::open(dir.filePath("a.dclib").toStdString());
        QVERIFY(lib.ok());
        QCOMPARE(*embeddingPrecisions(*lib, *model), std::vector<std::string>{});

        auto fp32 = prepareEncoder(model->model, cpu, "fp32");
        QVERIFY(fp32.ok());
        auto s = indexPhotos(*lib, *model, {photos[0]}, IndexOptions{}, &fp32->encoder);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(*embeddingPrecisions(*lib, *model), std::vector<std::string>{"fp32"});

        ClipModel checked = convertModel(model->model, cpu, at::kQInt8);
        checked->setCalibrationCosine(0.9995);  // as prepareEncoder records a passed check
        QCOMPARE(embeddingPrecision(checked), std::string("int8"));
        s = indexPhotos(*lib, *model, {photos[1]}, IndexOptions{}, &checked);
        QVERIFY(s.ok());
        QCOMPARE(*embeddingPrecisions(*lib, *model), (std::vector<std::string>{"fp32", "int8"}));
        QVERIFY(checkEmbeddingPrecision(*lib, *model, "int8").ok());

        ClipModel unchecked = convertModel(model->model, cpu, at::kQInt8);
        unchecked->setCalibrationCosine(0.99);
        QCOMPARE(embeddingPrecision(unchecked), std::string("int8-unchecked"));
        auto refused = checkEmbeddingPrecision(*lib, *model, "int8-unchecked");
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::Mismatch);
        s = indexPhotos(*lib, *model, {photos[2]}, IndexOptions{}, &unchecked);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::Mismatch);
        QVERIFY2(s.error().message.find("int8-unchecked") != std::string::npos, s.error().message.c_str());
        auto id = findModelId(*lib, *model);
        QVERIFY(id.ok());
        QCOMPARE(lib->loadEmbeddings(*id)->rows(), size_t(2));  // nothing lost, nothing added
        QCOMPARE(*embeddingPrecisions(*lib, *model), (std::vector<std::string>{"fp32", "int8"}));
        auto image = lib->findImageByPath(fs::weakly_canonical(photos[2]).string());
        QVERIFY(!image.ok());  // not even the photo's record

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
        QCOMPARE(*embeddingPrecisions(*other, *model), std::vector<std::string>{});
        QVERIFY(indexPhotos(*other, *model, {photos[0]}, IndexOptions{}, &fp32->encoder).ok());
        QCOMPARE(*embeddingPrecisions(*other, *model), std::vector<std::string>{"fp32"});
    }

    // Opening a library on an AVX2-only CPU: int8 after the check, said by the workspace, recorded
    // with the embeddings, searchable; fp32 when forced.
    void workspaceUsesInt8() {
        CapsOverride avx2(kAvx2);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string library = dir.filePath("w.dclib").toStdString();
        WorkspaceOptions o;
        o.device = "cpu";
        auto ws = Workspace::open(library, "preset:diffclip-tiny", o);
        QVERIFY2(ws.ok(), ws.ok() ? "" : ws.error().message.c_str());
        QCOMPARE((*ws)->precision(), std::string("int8"));
        QVERIFY((*ws)->int8CheckCosine() && *(*ws)->int8CheckCosine() >= kInt8MinCosine);
        QVERIFY2((*ws)->precisionNote().rfind("int8 (automatic)", 0) == 0, (*ws)->precisionNote().c_str());
        const auto photos = neuPhotos(3);
        auto s = (*ws)->index(photos, IndexOptions{});
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(s->added, int64_t(3));
        auto hits = (*ws)->searchPhoto(photos[0], SearchOptions{}, ImageFilter{});
        QVERIFY2(hits.ok(), hits.ok() ? "" : hits.error().message.c_str());
        QVERIFY(!hits->hits.empty());
        QVERIFY(hits->hits.front().score > 0.999);  // the photo itself, int8 query against int8 row
        ws->reset();

        o.dtype = "fp32";
        auto exact = Workspace::open(library, "preset:diffclip-tiny", o);
        QVERIFY(exact.ok());
        QCOMPARE((*exact)->precision(), std::string("fp32"));
        QVERIFY(!(*exact)->int8CheckCosine());
        // An fp32 query finds the int8-embedded photo: the two are comparable.
        auto again = (*exact)->searchPhoto(photos[0], SearchOptions{}, ImageFilter{});
        QVERIFY(again.ok());
        QVERIFY2(again->hits.front().score > kInt8MinCosine, std::to_string(again->hits.front().score).c_str());
    }

    // The encode functions may run concurrently on one int8 model (Workspace searches while it
    // indexes): two threads give what one thread gives.
    void concurrentEncoding() {
        auto m = loadModel("preset:diffclip-starter");
        QVERIFY(m.ok());
        ClipModel q = convertModel(m->model, c10::Device(c10::kCPU), at::kQInt8);
        const CalibrationBatch batch = calibrationBatch(m->model->config(), 4, 3);
        at::Tensor expectedImages, expectedTexts;
        {
            c10::InferenceMode inference;
            expectedImages = q->encodeImage(batch.images);
            expectedTexts = q->encodeText(batch.tokens);
        }
        std::atomic<int> mismatches{0};
        auto work = [&](bool images) {
            c10::InferenceMode inference;
            for (int i = 0; i < 4; ++i) {
                at::Tensor out = images ? q->encodeImage(batch.images) : q->encodeText(batch.tokens);
                if (!out.allclose(images ? expectedImages : expectedTexts, 1e-5, 1e-5)) ++mismatches;
            }
        };
        std::thread a(work, true), b(work, false), c(work, true);
        a.join();
        b.join();
        c.join();
        QCOMPARE(mismatches.load(), 0);
    }
};

QTEST_APPLESS_MAIN(TestPrecision)
#include "tst_precision.moc"
