// The model commands of `diffclip`: inspect, import, verify, tokenize, embed, bench.
#include <torch/torch.h>

#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "Commands.h"
#include "Output.h"
#include "diffclip/model/Bench.h"
#include "diffclip/model/ModelIO.h"
#include "diffclip/model/Runtime.h"
#include "diffclip/model/Verify.h"
#ifdef DIFFCLIP_HAVE_IMAGING
#include "diffclip/imaging/Preprocess.h"
#endif

namespace diffclip::cli {

namespace {

const OptionSpec kJson{"json", false, false, "--json             print one JSON document on standard output"};
const OptionSpec kDevice{"device", true, false, "--device D         auto | cpu | cuda | cuda:N (default auto)"};
const OptionSpec kThreads{"threads", true, false, "--threads N        CPU threads (default: chosen for the machine)"};
const OptionSpec kHelp{"help", false, false, "--help             show this help"};
const OptionSpec kSeed{"seed", true, false, "--seed S           seed of preset:NAME weights (default 0)"};
const OptionSpec kTokenizer{"tokenizer", true, false,
                            "--tokenizer FILE   CLIP BPE merges file (default: the model's, else the bundled one)"};

std::string withCommas(int64_t v) {
    std::string s = std::to_string(v), out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i && (s.size() - i) % 3 == 0 && s[i - 1] != '-') out += ',';
        out += s[i];
    }
    return out;
}

// Device and threads common to the commands that run the model.
bool setupDevice(Args& args, c10::Device& device, int& threads, std::string& err) {
    auto d = parseDevice(args.value("device", "auto"));
    if (!d) {
        err = d.error().message;
        return false;
    }
    device = *d;
    long long t = 0;
    if (!args.intValue("threads", 0, t) || t < 0 || t > 1024) {
        err = args.error().empty() ? "--threads must be 0..1024" : args.error();
        return false;
    }
    threads = int(t);
    return true;
}

Result<LoadedModel> openModel(Args& args, const std::string& spec, bool needTokenizer, bool checksums = false) {
    long long seed = 0;
    if (!args.intValue("seed", 0, seed)) return makeError(ErrorCode::InvalidArgument, args.error());
    LoadOptions o;
    o.seed = uint64_t(seed);
    o.tokenizerPath = args.value("tokenizer");
    o.requireTokenizer = needTokenizer;
    o.checksums = checksums;
    return loadModel(spec, o);
}

Json configJson(const LoadedModel& m) {
    const ModelConfig& c = m.model->config();
    Json j = c.toJson();
    j["parameters"] = c.parameterCount();
    j["logit_scale"] = m.model->logitScale();
    return j;
}

}  // namespace

int parseCommand(int argc, char** argv, const std::string& command, const std::string& synopsis,
                 std::vector<OptionSpec> specs, Args& args) {
    specs.push_back(kHelp);
    if (!args.parse(argc, argv, 2, specs)) return usage(args.error(), command);
    if (args.has("help")) {
        std::cout << "Usage: diffclip " << command << " " << synopsis << "\n\nOptions:\n";
        for (const auto& s : specs) std::cout << "  " << s.help << "\n";
        return kOk;
    }
    return -1;
}

int runInspect(int argc, char** argv) {
    Args args;
    if (int rc = parseCommand(argc, argv, "inspect", "MODEL [--json]\n\nShows a model's architecture, parameter count, "
                                                     "preprocessing, tokenizer and file checksums.",
                              {kJson, kSeed, kTokenizer}, args);
        rc >= 0)
        return rc;
    if (args.positionals().size() != 1) return usage("inspect takes exactly one MODEL", "inspect");
    auto m = openModel(args, args.positionals()[0], false, true);
    if (!m) return fail(m.error());
    const ModelConfig& c = m->model->config();
    if (args.has("json")) {
        Json j = Json::object();
        j["source"] = m->source;
        j["format"] = m->format;
        j["config_source"] = m->configSource;
        j["config"] = configJson(*m);
        Json files = Json::array();
        for (const auto& [f, sum] : m->checksums) files.push_back(Json::object({{"file", f}, {"sha256", sum}}));
        j["files"] = files;
        Json tok = Json::object();
        tok["path"] = m->tokenizerPath;
        tok["merges"] = m->tokenizer ? Json(m->tokenizer->mergeCount()) : Json();
        j["tokenizer"] = tok;
        if (m->format == "checkpoint") {
            Json ck = Json::object();
            ck["tensors_from"] = m->checkpoint.sourceKey;
            ck["stripped_module_prefix"] = m->checkpoint.strippedModulePrefix;
            ck["pickle_globals"] = m->checkpoint.pickleGlobals;
            Json keys = Json::array();
            for (const auto& k : m->checkpoint.topLevelKeys) keys.push_back(k);
            ck["top_level_keys"] = keys;
            j["checkpoint"] = ck;
        }
        printJson(j);
        return kOk;
    }
    const bool diff = c.attention == AttentionKind::Differential;
    auto heads = [&](int64_t h) {
        return std::to_string(h) + (diff ? " (" + std::to_string(h / 2) + " differential pairs)" : "");
    };
    std::cout << "Model:          " << m->source << "  [" << m->format << ", architecture " << m->configSource << "]\n"
              << "Name:           " << (c.name.empty() ? "-" : c.name) << "\n"
              << "Attention:      " << attentionKindName(c.attention)
              << (diff ? " (lambda_init " + std::to_string(c.lambdaInit).substr(0, 4) + ")" : "") << "\n"
              << "Vision tower:   " << c.vision.imageSize << " px, patch " << c.vision.patchSize << ", width "
              << c.vision.width << ", depth " << c.vision.depth << ", heads " << heads(c.vision.heads) << ", MLP "
              << c.vision.mlpWidth() << ", LayerNorm eps " << c.vision.normEps << "\n"
              << "Text tower:     context " << c.text.contextLength << ", vocab " << c.text.vocabSize << ", width "
              << c.text.width << ", layers " << c.text.layers << ", heads " << heads(c.text.heads) << "\n"
              << "Joint embedding: " << c.embedDim << ", logit scale " << m->model->logitScale() << "\n"
              << "Parameters:     " << withCommas(c.parameterCount()) << "\n"
              << "Preprocessing:  shorter side to " << c.preprocess.resizeShorter << " (" << c.preprocess.interpolation
              << "), centre crop " << c.preprocess.cropSize << ", mean (" << c.preprocess.mean[0] << ", "
              << c.preprocess.mean[1] << ", " << c.preprocess.mean[2] << "), std (" << c.preprocess.std[0] << ", "
              << c.preprocess.std[1] << ", " << c.preprocess.std[2] << ")\n"
              << "Tokenizer:      "
              << (m->tokenizer ? "CLIP BPE, " + withCommas(m->tokenizer->mergeCount()) + " merges, " + m->tokenizerPath
                               : std::string("none"))
              << "\n";
    if (m->format == "checkpoint")
        std::cout << "Checkpoint:     tensors from '" << m->checkpoint.sourceKey << "'"
                  << (m->checkpoint.strippedModulePrefix ? ", 'module.' prefix removed" : "")
                  << "; pickle globals: " << m->checkpoint.pickleGlobals << "\n";
    for (const auto& [f, sum] : m->checksums) std::cout << "sha256          " << sum << "  " << f << "\n";
    return kOk;
}

int runImport(int argc, char** argv) {
    Args args;
    if (int rc = parseCommand(argc, argv, "import",
                              "MODEL --out PACKAGE [--tokenizer MERGES_FILE]\n\nConverts a checkpoint, a safetensors "
                              "file or a preset into a model package (config.json + model.safetensors + merges).",
                              {kJson, kSeed, kTokenizer, {"out", true, false, "--out PACKAGE      folder to create"},
                               {"overwrite", false, false, "--overwrite        replace an existing package"}},
                              args);
        rc >= 0)
        return rc;
    if (args.positionals().size() != 1) return usage("import takes exactly one MODEL", "import");
    if (!args.has("out")) return usage("import needs --out PACKAGE", "import");
    auto m = openModel(args, args.positionals()[0], false);
    if (!m) return fail(m.error());
    if (Status s = writePackage(*m, args.value("out"), m->tokenizerPath, args.has("overwrite")); !s) return fail(s.error());
    if (args.has("json")) {
        Json j = Json::object();
        j["package"] = args.value("out");
        j["source"] = m->source;
        j["config"] = configJson(*m);
        j["tokenizer"] = m->tokenizerPath;
        printJson(j);
    } else {
        std::cerr << "Wrote model package " << args.value("out") << " ("
                  << withCommas(m->model->config().parameterCount()) << " parameters"
                  << (m->tokenizer ? ", with tokenizer" : ", no tokenizer") << ")\n";
    }
    return kOk;
}

int runVerify(int argc, char** argv) {
    Args args;
    if (int rc = parseCommand(argc, argv, "verify",
                              "--model MODEL --reference REF.safetensors [--atol 1e-4]\n\nRuns the model on the inputs "
                              "stored in REF and compares every output in REF; exits 1 if any differs by more than atol.",
                              {kJson, kDevice, kThreads, kSeed, kTokenizer,
                               {"model", true, false, "--model MODEL      the model to check"},
                               {"reference", true, false, "--reference FILE   reference outputs (.safetensors)"},
                               {"atol", true, false, "--atol X           largest absolute error allowed (default 1e-4)"}},
                              args);
        rc >= 0)
        return rc;
    if (!args.has("model") || !args.has("reference")) return usage("verify needs --model and --reference", "verify");
    double atol = 1e-4;
    if (!args.doubleValue("atol", 1e-4, atol) || !(atol >= 0)) return usage("--atol needs a non-negative number", "verify");
    c10::Device device(c10::kCPU);
    int threads = 0;
    std::string err;
    if (!setupDevice(args, device, threads, err)) return usage(err, "verify");
    configureCpuThreads(at::kFloat, threads);
    auto m = openModel(args, args.value("model"), false);
    if (!m) return fail(m.error());
    auto report = verifyModel(m->model, args.value("reference"), atol, device);
    if (!report) return fail(report.error());
    if (args.has("json")) {
        Json j = Json::object();
        j["model"] = args.value("model");
        j["reference"] = args.value("reference");
        j["device"] = report->device;
        j["atol"] = atol;
        j["passed"] = report->passed;
        j["max_abs_error"] = report->maxAbsError;
        Json entries = Json::array();
        for (const auto& e : report->entries) {
            Json x = Json::object();
            x["name"] = e.name;
            Json shape = Json::array();
            for (auto s : e.shape) shape.push_back(s);
            x["shape"] = shape;
            x["max_abs_error"] = e.maxAbsError;
            x["passed"] = e.passed;
            if (!e.note.empty()) x["note"] = e.note;
            entries.push_back(x);
        }
        j["entries"] = entries;
        printJson(j);
    } else {
        size_t width = 10;
        for (const auto& e : report->entries) width = std::max(width, e.name.size());
        for (const auto& e : report->entries) {
            std::ostringstream shape;
            shape << "(";
            for (size_t i = 0; i < e.shape.size(); ++i) shape << (i ? ", " : "") << e.shape[i];
            shape << ")";
            std::cout << std::left << std::setw(int(width) + 2) << e.name << std::setw(18) << shape.str()
                      << "max abs error " << std::scientific << std::setprecision(3) << e.maxAbsError
                      << std::defaultfloat << (e.passed ? "  ok" : "  FAIL") << (e.note.empty() ? "" : "  " + e.note)
                      << "\n";
        }
        std::cout << (report->passed ? "PASSED" : "FAILED") << ": " << report->entries.size()
                  << " outputs, largest absolute error " << std::scientific << std::setprecision(3)
                  << report->maxAbsError << " (atol " << atol << ", " << report->device << ")\n";
    }
    return report->passed ? kOk : kFailed;
}

int runTokenize(int argc, char** argv) {
    Args args;
    if (int rc = parseCommand(argc, argv, "tokenize",
                              "[--vocab MERGES_FILE] [--context N] TEXT...\n\nPrints one JSON array of token ids per "
                              "TEXT: with --context 0 (default) the whole sequence [start, ..., end]; with N > 0 the "
                              "padded row of length N the model sees (long texts keep the end token in the last slot).",
                              {kJson, {"vocab", true, false, "--vocab FILE       CLIP BPE merges (default: the bundled one)"},
                               {"context", true, false, "--context N        row length (default 0: no padding)"}},
                              args);
        rc >= 0)
        return rc;
    long long context = 0;
    if (!args.intValue("context", 0, context) || context < 0 || context > 65536)
        return usage("--context needs an integer 0..65536", "tokenize");
    if (args.positionals().empty()) return usage("tokenize needs at least one TEXT", "tokenize");
    std::string path = args.value("vocab", bundledMergesPath());
    if (path.empty()) return fail(makeError(ErrorCode::NotFound, "no merges file: pass --vocab MERGES_FILE"));
    auto tok = Tokenizer::fromMergesFile(path);
    if (!tok) return fail(makeError(tok.error().code, path + ": " + tok.error().message));
    Json all = Json::array();
    for (const auto& text : args.positionals()) {
        auto ids = context > 0 ? tok->row(text, context) : tok->sequence(text);
        Json row = Json::array();
        for (auto id : ids) row.push_back(id);
        if (args.has("json")) all.push_back(Json::object({{"text", text}, {"ids", row}}));
        else std::cout << dumpJson(row) << "\n";
    }
    if (args.has("json")) printJson(all);
    return kOk;
}

int runEmbed(int argc, char** argv) {
    Args args;
    if (int rc = parseCommand(argc, argv, "embed",
                              "--model MODEL (--image FILE... | --text TEXT...) [--raw] [--json]\n\nPrints embeddings, "
                              "L2-normalised unless --raw. Human output: one line per input, tab-separated.",
                              {kJson, kDevice, kThreads, kSeed, kTokenizer,
                               {"model", true, false, "--model MODEL      the model"},
                               {"image", true, true, "--image FILE...    photos to embed"},
                               {"text", true, true, "--text TEXT...     texts to embed"},
                               {"raw", false, false, "--raw              do not normalise"},
                               {"dtype", true, false, "--dtype D          auto | fp32 | bf16 | fp16 (default auto)"}},
                              args);
        rc >= 0)
        return rc;
    if (!args.has("model")) return usage("embed needs --model", "embed");
    const auto images = args.values("image");
    const auto texts = args.values("text");
    if (images.empty() == texts.empty()) return usage("embed needs either --image or --text", "embed");
    c10::Device device(c10::kCPU);
    int threads = 0;
    std::string err;
    if (!setupDevice(args, device, threads, err)) return usage(err, "embed");
    at::ScalarType dtype = preferredDtype(device);
    if (args.value("dtype", "auto") != "auto") {
        auto d = parseDtype(args.value("dtype"));
        if (!d) return usage(d.error().message, "embed");
        dtype = *d;
    }
    if (Status s = checkDtypeSupported(device, dtype); !s) return fail(s.error());
    auto m = openModel(args, args.value("model"), !texts.empty());
    if (!m) return fail(m.error());
    configureCpuThreads(dtype, threads);
    ClipModel model = convertModel(m->model, device, dtype);
    c10::InferenceMode inference;
    at::Tensor out;
    try {
        if (!texts.empty()) {
            const int64_t L = model->config().text.contextLength;
            std::vector<int64_t> flat;
            for (const auto& t : texts) {
                auto row = m->tokenizer->row(t, L);
                flat.insert(flat.end(), row.begin(), row.end());
            }
            at::Tensor tokens = at::tensor(flat, at::kLong).view({int64_t(texts.size()), L});
            out = model->encodeText(tokens);
        } else {
#ifdef DIFFCLIP_HAVE_IMAGING
            std::vector<at::Tensor> batch;
            for (const auto& path : images) {
                auto t = loadImageForModel(path, model->config().preprocess);
                if (!t) return fail(t.error());
                batch.push_back(*t);
            }
            at::Tensor input = at::stack(batch);
            if (input.size(-1) != model->config().vision.imageSize)
                return fail(makeError(ErrorCode::Mismatch, "the model's preprocessing crops to " +
                                                               std::to_string(input.size(-1)) + " px but it takes " +
                                                               std::to_string(model->config().vision.imageSize)));
            out = model->encodeImage(input);
#else
            return fail(makeError(ErrorCode::Unsupported, "this build has no image decoding (built without OpenCV)"));
#endif
        }
    } catch (const std::exception& e) {
        return fail(makeError(ErrorCode::Internal, std::string("encoding failed: ") + e.what()));
    }
    out = out.to(at::kFloat).cpu();
    if (!args.has("raw")) out = out / out.norm(2, -1, true).clamp_min(1e-12);
    const auto& inputs = texts.empty() ? images : texts;
    Json list = Json::array();
    for (int64_t i = 0; i < out.size(0); ++i) {
        Json vec = Json::array();
        auto row = out[i];
        for (int64_t k = 0; k < row.size(0); ++k) vec.push_back(double(row[k].item<float>()));
        if (args.has("json")) {
            list.push_back(Json::object({{"input", inputs[size_t(i)]}, {"embedding", vec}}));
        } else {
            std::cout << inputs[size_t(i)];
            for (const auto& v : vec) std::cout << '\t' << dumpJson(v);
            std::cout << "\n";
        }
    }
    if (args.has("json")) {
        Json j = Json::object();
        j["model"] = args.value("model");
        j["kind"] = texts.empty() ? "image" : "text";
        j["normalised"] = !args.has("raw");
        j["dtype"] = dtypeName(dtype);
        j["embeddings"] = list;
        printJson(j);
    }
    return kOk;
}

int runBench(int argc, char** argv) {
    Args args;
    if (int rc = parseCommand(argc, argv, "bench",
                              "--model MODEL [--device D] [--batch N] [--dtype fp32|bf16|fp16] [--iters N] "
                              "[--what image|text|both] [--json]\n\nMeasures encoder throughput on random input after "
                              "warm-up, and the cosine similarity of reduced-precision embeddings with fp32 ones.",
                              {kJson, kDevice, kThreads, kSeed, kTokenizer,
                               {"model", true, false, "--model MODEL      the model (preset:NAME is fine)"},
                               {"batch", true, false, "--batch N          inputs per forward (default 8)"},
                               {"dtype", true, false, "--dtype D          auto | fp32 | bf16 | fp16 (default auto)"},
                               {"iters", true, false, "--iters N          timed forwards (default 5)"},
                               {"warmup", true, false, "--warmup N         untimed forwards first (default 1)"},
                               {"what", true, false, "--what W           image | text | both (default both)"},
                               {"no-compare", false, false, "--no-compare       skip the fp32 comparison"},
                               {"explicit-attention", false, false,
                                "--explicit-attention  do not use fused attention kernels"}},
                              args);
        rc >= 0)
        return rc;
    if (!args.has("model")) return usage("bench needs --model", "bench");
    BenchOptions o;
    long long batch = 8, iters = 5, warmup = 1;
    if (!args.intValue("batch", 8, batch) || !args.intValue("iters", 5, iters) || !args.intValue("warmup", 1, warmup))
        return usage(args.error(), "bench");
    if (batch < 1 || batch > 65536 || iters < 1 || iters > 100000 || warmup < 0 || warmup > 1000)
        return usage("--batch, --iters or --warmup out of range", "bench");
    const std::string what = args.value("what", "both");
    if (what != "image" && what != "text" && what != "both") return usage("--what must be image, text or both", "bench");
    std::string err;
    if (!setupDevice(args, o.device, o.threads, err)) return usage(err, "bench");
    o.dtype = preferredDtype(o.device);
    if (args.value("dtype", "auto") != "auto") {
        auto d = parseDtype(args.value("dtype"));
        if (!d) return usage(d.error().message, "bench");
        o.dtype = *d;
    }
    o.batch = batch;
    o.iters = int(iters);
    o.warmup = int(warmup);
    o.images = what != "text";
    o.texts = what != "image";
    o.compareWithFp32 = !args.has("no-compare");
    auto m = openModel(args, args.value("model"), false);
    if (!m) return fail(m.error());
    if (args.has("explicit-attention")) m->model->setAttentionPath(AttentionPath::Explicit);
    auto r = runBench(m->model, o);
    if (!r) return fail(r.error());
    if (args.has("json")) {
        Json j = Json::object();
        j["model"] = args.value("model");
        j["device"] = r->device;
        j["dtype"] = r->dtype;
        j["batch"] = r->batch;
        j["iters"] = r->iters;
        j["threads"] = r->threads;
        j["attention"] = r->attention;
        j["libtorch"] = libtorchVersion();
        j["images_per_second"] = o.images ? Json(r->imagesPerSecond) : Json();
        j["prompts_per_second"] = o.texts ? Json(r->promptsPerSecond) : Json();
        j["image_batch_ms"] = o.images ? Json(r->imageBatchMs) : Json();
        j["text_batch_ms"] = o.texts ? Json(r->textBatchMs) : Json();
        j["image_cosine_min_vs_fp32"] = o.images && o.compareWithFp32 ? Json(r->imageCosineMin) : Json();
        j["text_cosine_min_vs_fp32"] = o.texts && o.compareWithFp32 ? Json(r->textCosineMin) : Json();
        j["peak_memory_bytes"] = r->peakMemoryBytes;
        printJson(j);
    } else {
        std::cout << std::fixed << std::setprecision(2) << "device " << r->device << ", " << r->dtype << ", batch "
                  << r->batch << ", " << r->iters << " iterations, " << r->threads << " threads, " << r->attention
                  << " attention, LibTorch " << libtorchVersion() << "\n";
        if (o.images)
            std::cout << "image encoder: " << r->imagesPerSecond << " images/s (" << r->imageBatchMs << " ms a batch)"
                      << (o.compareWithFp32 && o.dtype != at::kFloat
                              ? ", min cosine vs fp32 " + std::to_string(r->imageCosineMin)
                              : std::string())
                      << "\n";
        if (o.texts)
            std::cout << "text encoder:  " << r->promptsPerSecond << " prompts/s (" << r->textBatchMs << " ms a batch)"
                      << (o.compareWithFp32 && o.dtype != at::kFloat
                              ? ", min cosine vs fp32 " + std::to_string(r->textCosineMin)
                              : std::string())
                      << "\n";
        std::cout << "peak memory:   " << std::setprecision(1) << double(r->peakMemoryBytes) / (1 << 20) << " MiB\n";
    }
    return kOk;
}

}  // namespace diffclip::cli
