// The model commands of `diffclip`: inspect, import, verify, tokenize, embed, bench.
#include <torch/torch.h>

#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "Commands.h"
#include "Output.h"
#include "ProgressOutput.h"
#include "diffclip/model/Bench.h"
#include "diffclip/model/ModelIO.h"
#include "diffclip/model/Precision.h"
#include "diffclip/model/Runtime.h"
#include "diffclip/model/Verify.h"
#ifdef DIFFCLIP_HAVE_IMAGING
#include "diffclip/imaging/Preprocess.h"
#endif

namespace diffclip::cli {

namespace {

// The options of the commands that open a model (--seed, --tokenizer) and run it (--device, --threads).
struct ModelArgs {
    std::string device = "auto";
    long long threads = 0;
    long long seed = 0;
    std::string tokenizer;
};

void addModelOptions(CommandLine& cli, ModelArgs& a) {
    cli.addInteger("--seed", a.seed, 0, kNoLimit, "S", "seed of preset:NAME weights (default 0)");
    cli.addText("--tokenizer", a.tokenizer, "FILE", "CLIP BPE merges file (default: the model's, else the bundled one)");
}

void addDeviceOptions(CommandLine& cli, ModelArgs& a) {
    cli.addText("--device", a.device, "D", "auto | cpu | cuda | cuda:N (default auto)");
    cli.addInteger("--threads", a.threads, 0, 1024, "N", "CPU threads (default: chosen for the machine)");
}

// ", conv stem 24-48-96" for a convolutional stem, else nothing.
std::string stemText(const VisionConfig& v) {
    std::string s;
    for (int64_t ch : v.stemChannels) s += (s.empty() ? ", conv stem " : "-") + std::to_string(ch);
    return s;
}

std::string withCommas(int64_t v) {
    std::string s = std::to_string(v), out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i && (s.size() - i) % 3 == 0 && s[i - 1] != '-') out += ',';
        out += s[i];
    }
    return out;
}

// Device and threads common to the commands that run the model.
bool setupDevice(const ModelArgs& args, c10::Device& device, int& threads, std::string& err) {
    auto d = parseDevice(args.device);
    if (!d) {
        err = d.error().message;
        return false;
    }
    device = *d;
    threads = int(args.threads);
    return true;
}

Result<LoadedModel> openModel(const ModelArgs& args, const std::string& spec, bool needTokenizer, bool checksums = false) {
    LoadOptions o;
    o.seed = uint64_t(args.seed);
    o.tokenizerPath = args.tokenizer;
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

int runInspect(int argc, char** argv) {
    CommandLine cli("inspect", "MODEL [--json]\n\nShows a model's architecture, parameter count, preprocessing, "
                               "tokenizer and file checksums.");
    ModelArgs args;
    std::string spec;
    bool json = false;
    cli.add_option("MODEL", spec, "model package, checkpoint, .safetensors file or preset:NAME")->required();
    cli.addFlag("--json", json, kJsonHelp);
    addModelOptions(cli, args);
    if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
    auto m = openModel(args, spec, false, true);
    if (!m) return fail(m.error());
    const ModelConfig& c = m->model->config();
    if (json) {
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
              << "Vision tower:   " << c.vision.imageSize << " px, patch " << c.vision.patchSize << stemText(c.vision)
              << ", width "
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
    CommandLine cli("import", "MODEL --out PACKAGE [--tokenizer MERGES_FILE]\n\nConverts a checkpoint, a safetensors "
                              "file or a preset into a model package (config.json + model.safetensors + merges).");
    ModelArgs args;
    std::string spec, out;
    bool json = false, overwrite = false;
    cli.add_option("MODEL", spec, "checkpoint, .safetensors file, model package or preset:NAME")->required();
    cli.addFlag("--json", json, kJsonHelp);
    addModelOptions(cli, args);
    cli.addText("--out", out, "PACKAGE", "folder to create")->required();
    cli.addFlag("--overwrite", overwrite, "replace an existing package");
    if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
    JobControl job;
    job.progress = stderrProgress("import");
    job.progress.stage("read");
    auto m = openModel(args, spec, false);
    if (!m) return fail(m.error());
    if (Status s = writePackage(*m, out, m->tokenizerPath, overwrite, job); !s) return fail(s.error());
    if (json) {
        Json j = Json::object();
        j["package"] = out;
        j["source"] = m->source;
        j["config"] = configJson(*m);
        j["tokenizer"] = m->tokenizerPath;
        printJson(j);
    } else {
        std::cerr << "Wrote model package " << out << " ("
                  << withCommas(m->model->config().parameterCount()) << " parameters"
                  << (m->tokenizer ? ", with tokenizer" : ", no tokenizer") << ")\n";
    }
    return kOk;
}

int runVerify(int argc, char** argv) {
    CommandLine cli("verify", "--model MODEL --reference REF.safetensors [--atol 1e-4]\n\nRuns the model on the inputs "
                              "stored in REF and compares every output in REF; exits 1 if any differs by more than atol.");
    ModelArgs args;
    std::string model, reference;
    double atol = 1e-4;
    bool json = false;
    cli.addFlag("--json", json, kJsonHelp);
    addDeviceOptions(cli, args);
    addModelOptions(cli, args);
    cli.addText("--model", model, "MODEL", "the model to check")->required();
    cli.addText("--reference", reference, "FILE", "reference outputs (.safetensors)")->required();
    cli.addNumber("--atol", atol, 0, kInfinity, "X", "largest absolute error allowed (default 1e-4)");
    if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
    c10::Device device(c10::kCPU);
    int threads = 0;
    std::string err;
    if (!setupDevice(args, device, threads, err)) return cli.usageError(err);
    configureCpuThreads(at::kFloat, threads);
    auto m = openModel(args, model, false);
    if (!m) return fail(m.error());
    auto report = verifyModel(m->model, reference, atol, device);
    if (!report) return fail(report.error());
    if (json) {
        Json j = Json::object();
        j["model"] = model;
        j["reference"] = reference;
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
    CommandLine cli("tokenize", "[--vocab MERGES_FILE] [--context N] TEXT...\n\nPrints one JSON array of token ids per "
                                "TEXT: with --context 0 (default) the whole sequence [start, ..., end]; with N > 0 the "
                                "padded row of length N the model sees (long texts keep the end token in the last slot).\n"
                                "Texts that start with a dash go after \"--\".");
    std::vector<std::string> texts;
    std::string path;
    long long context = 0;
    bool json = false;
    cli.add_option("TEXT", texts, "texts to tokenize")->required();
    cli.addFlag("--json", json, kJsonHelp);
    cli.addText("--vocab", path, "FILE", "CLIP BPE merges (default: the bundled one)");
    cli.addInteger("--context", context, 0, 65536, "N", "row length (default 0: no padding)");
    if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
    if (path.empty()) path = bundledMergesPath();
    if (path.empty()) return fail(makeError(ErrorCode::NotFound, "no merges file: pass --vocab MERGES_FILE"));
    auto tok = Tokenizer::fromMergesFile(path);
    if (!tok) return fail(makeError(tok.error().code, path + ": " + tok.error().message));
    Json all = Json::array();
    for (const auto& text : texts) {
        auto ids = context > 0 ? tok->row(text, context) : tok->sequence(text);
        Json row = Json::array();
        for (auto id : ids) row.push_back(id);
        if (json) all.push_back(Json::object({{"text", text}, {"ids", row}}));
        else std::cout << dumpJson(row) << "\n";
    }
    if (json) printJson(all);
    return kOk;
}

int runEmbed(int argc, char** argv) {
    CommandLine cli("embed", "--model MODEL (--image FILE... | --text TEXT...) [--raw] [--json]\n\nPrints embeddings, "
                             "L2-normalised unless --raw. Human output: one line per input, tab-separated.");
    ModelArgs args;
    std::string modelSpec, dtypeArg = "auto";
    std::vector<std::string> images, texts;
    bool json = false, raw = false;
    cli.addFlag("--json", json, kJsonHelp);
    addDeviceOptions(cli, args);
    addModelOptions(cli, args);
    cli.addText("--model", modelSpec, "MODEL", "the model")->required();
    cli.addTexts("--image", images, "FILE", "photos to embed");
    cli.addTexts("--text", texts, "TEXT", "texts to embed");
    cli.addFlag("--raw", raw, "do not normalise");
    cli.addText("--dtype", dtypeArg, "D",
                "auto | fp32 | bf16 | fp16 | int8 (default auto: bf16 on a GPU or a CPU with bf16, else int8 when "
                "it passes the check against fp32 at load, else fp32)");
    if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
    if (images.empty() == texts.empty()) return cli.usageError("embed needs either --image or --text");
    c10::Device device(c10::kCPU);
    int threads = 0;
    std::string err;
    if (!setupDevice(args, device, threads, err)) return cli.usageError(err);
    if (dtypeArg != "auto")
        if (auto d = parseDtype(dtypeArg); !d) return cli.usageError(d.error().message);
    auto m = openModel(args, modelSpec, !texts.empty());
    if (!m) return fail(m.error());
    auto choice = prepareEncoder(m->model, device, dtypeArg, threads);
    if (!choice) return fail(choice.error());
    std::cerr << "precision: " << choice->note << "\n";
    const at::ScalarType dtype = choice->precision;
    ClipModel model = choice->encoder;
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
            // --raw: the encoder's output as it is (parity checks); else what a library stores.
            out = raw ? model->encodeImage(input) : model->searchEmbedding(input);
#else
            return fail(makeError(ErrorCode::Unsupported, "this build has no image decoding (built without OpenCV)"));
#endif
        }
    } catch (const std::exception& e) {
        return fail(makeError(ErrorCode::Internal, std::string("encoding failed: ") + e.what()));
    }
    out = out.to(at::kFloat).cpu();
    if (!raw) out = out / out.norm(2, -1, true).clamp_min(1e-12);
    const auto& inputs = texts.empty() ? images : texts;
    Json list = Json::array();
    for (int64_t i = 0; i < out.size(0); ++i) {
        Json vec = Json::array();
        auto row = out[i];
        for (int64_t k = 0; k < row.size(0); ++k) vec.push_back(double(row[k].item<float>()));
        if (json) {
            list.push_back(Json::object({{"input", inputs[size_t(i)]}, {"embedding", vec}}));
        } else {
            std::cout << inputs[size_t(i)];
            for (const auto& v : vec) std::cout << '\t' << dumpJson(v);
            std::cout << "\n";
        }
    }
    if (json) {
        Json j = Json::object();
        j["model"] = modelSpec;
        j["kind"] = texts.empty() ? "image" : "text";
        j["normalised"] = !raw;
        j["dtype"] = dtypeName(dtype);
        j["precision"] = embeddingPrecision(model);
        j["precision_note"] = choice->note;
        j["embeddings"] = list;
        printJson(j);
    }
    return kOk;
}

int runBench(int argc, char** argv) {
    CommandLine cli("bench", "--model MODEL [--device D] [--batch N] [--dtype fp32|bf16|fp16|int8] [--iters N] "
                             "[--rounds N] [--what image|text|both] [--json]\n\nMeasures encoder throughput on random "
                             "input after warm-up and, for other precisions, fp32's in the same run (alternating "
                             "round by round) and the cosine similarity of their embeddings with fp32 ones.");
    ModelArgs args;
    std::string model, dtypeArg = "auto", what = "both";
    long long batch = 8, iters = 5, warmup = 1, rounds = 1;
    bool json = false, noCompare = false, explicitAttention = false;
    cli.addFlag("--json", json, kJsonHelp);
    addDeviceOptions(cli, args);
    addModelOptions(cli, args);
    cli.addText("--model", model, "MODEL", "the model (preset:NAME is fine)")->required();
    cli.addInteger("--batch", batch, 1, 65536, "N", "inputs per forward (default 8)");
    cli.addText("--dtype", dtypeArg, "D",
                "auto | fp32 | bf16 | fp16 | int8 (default auto: bf16 on a GPU or a CPU with bf16, else int8, "
                "unchecked)");
    cli.addInteger("--iters", iters, 1, 100000, "N", "timed forwards per round (default 5)");
    cli.addInteger("--rounds", rounds, 1, 1000, "N",
                   "rounds, each timing the precision and then fp32; medians are reported (default 1)");
    cli.addInteger("--warmup", warmup, 0, 1000, "N", "untimed forwards first (default 1)");
    cli.addChoice("--what", what, {"image", "text", "both"}, "W", "image | text | both (default both)");
    cli.addFlag("--no-compare", noCompare, "skip the fp32 baseline and comparison");
    cli.addFlag("--explicit-attention", explicitAttention, "do not use fused attention kernels");
    if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
    BenchOptions o;
    std::string err;
    if (!setupDevice(args, o.device, o.threads, err)) return cli.usageError(err);
    o.dtype = preferredDtype(o.device);
    if (dtypeArg != "auto") {
        auto d = parseDtype(dtypeArg);
        if (!d) return cli.usageError(d.error().message);
        o.dtype = *d;
    }
    o.batch = batch;
    o.iters = int(iters);
    o.rounds = int(rounds);
    o.warmup = int(warmup);
    o.images = what != "text";
    o.texts = what != "image";
    o.compareWithFp32 = !noCompare;
    auto m = openModel(args, model, false);
    if (!m) return fail(m.error());
    if (explicitAttention) m->model->setAttentionPath(AttentionPath::Explicit);
    auto r = runBench(m->model, o);
    if (!r) return fail(r.error());
    const bool baseline = o.compareWithFp32 && o.dtype != at::kFloat;
    if (json) {
        auto list = [](const std::vector<double>& v) {
            Json a = Json::array();
            for (double x : v) a.push_back(x);
            return a;
        };
        Json j = Json::object();
        j["model"] = model;
        j["device"] = r->device;
        j["dtype"] = r->dtype;
        j["batch"] = r->batch;
        j["iters"] = r->iters;
        j["rounds"] = o.rounds;
        j["threads"] = r->threads;
        j["attention"] = r->attention;
        j["libtorch"] = libtorchVersion();
        j["cpu"] = r->cpuFlags;
        j["load_average_start"] = r->loadAverageStart >= 0 ? Json(r->loadAverageStart) : Json();
        j["load_average_end"] = r->loadAverageEnd >= 0 ? Json(r->loadAverageEnd) : Json();
        j["int8_weight_bits"] = r->int8WeightBits ? Json(r->int8WeightBits) : Json();
        j["images_per_second"] = o.images ? Json(r->imagesPerSecond) : Json();
        j["prompts_per_second"] = o.texts ? Json(r->promptsPerSecond) : Json();
        j["image_batch_ms"] = o.images ? Json(r->imageBatchMs) : Json();
        j["text_batch_ms"] = o.texts ? Json(r->textBatchMs) : Json();
        j["image_cosine_min_vs_fp32"] = o.images && baseline ? Json(r->imageCosineMin) : Json();
        j["text_cosine_min_vs_fp32"] = o.texts && baseline ? Json(r->textCosineMin) : Json();
        j["fp32_threads"] = baseline ? Json(r->fp32Threads) : Json();
        j["fp32_images_per_second"] = o.images && baseline ? Json(r->fp32ImagesPerSecond) : Json();
        j["fp32_prompts_per_second"] = o.texts && baseline ? Json(r->fp32PromptsPerSecond) : Json();
        j["image_speedup_vs_fp32"] = o.images && baseline ? Json(r->imageSpeedup) : Json();
        j["text_speedup_vs_fp32"] = o.texts && baseline ? Json(r->textSpeedup) : Json();
        j["image_rounds_per_second"] = list(r->imageRoundsPerSecond);
        j["fp32_image_rounds_per_second"] = list(r->fp32ImageRoundsPerSecond);
        j["text_rounds_per_second"] = list(r->textRoundsPerSecond);
        j["fp32_text_rounds_per_second"] = list(r->fp32TextRoundsPerSecond);
        j["peak_memory_bytes"] = r->peakMemoryBytes;
        printJson(j);
    } else {
        std::cout << std::fixed << std::setprecision(2) << "device " << r->device << ", " << r->dtype
                  << (r->int8WeightBits ? " (" + std::to_string(r->int8WeightBits) + "-bit weights)" : std::string())
                  << ", batch " << r->batch << ", " << o.rounds << " x " << r->iters << " iterations, " << r->threads
                  << " threads, " << r->attention << " attention, LibTorch " << libtorchVersion() << "\n"
                  << "CPU: " << r->cpuFlags;
        if (r->loadAverageStart >= 0)
            std::cout << "; load average " << std::setprecision(1) << r->loadAverageStart << " -> " << r->loadAverageEnd
                      << " while timing" << std::setprecision(2);
        std::cout << "\n";
        auto versus = [&](double fp32, double speedup, double cosine) {
            if (!baseline) return std::string();
            std::ostringstream s;
            s << std::fixed << std::setprecision(2) << "; fp32 " << fp32 << " (" << r->fp32Threads << " threads), "
              << speedup << "x" << (o.rounds > 1 ? " (median of the rounds' ratios)" : "") << "; min cosine vs fp32 "
              << std::setprecision(6) << cosine;
            return s.str();
        };
        if (o.images)
            std::cout << "image encoder: " << r->imagesPerSecond << " images/s (" << r->imageBatchMs << " ms a batch)"
                      << versus(r->fp32ImagesPerSecond, r->imageSpeedup, r->imageCosineMin) << "\n";
        if (o.texts)
            std::cout << "text encoder:  " << r->promptsPerSecond << " prompts/s (" << r->textBatchMs << " ms a batch)"
                      << versus(r->fp32PromptsPerSecond, r->textSpeedup, r->textCosineMin) << "\n";
        std::cout << "peak memory:   " << std::setprecision(1) << double(r->peakMemoryBytes) / (1 << 20) << " MiB\n";
    }
    return kOk;
}

}  // namespace diffclip::cli
