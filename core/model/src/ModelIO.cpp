#include "diffclip/model/ModelIO.h"
#include "diffclip/model/DataDirs.h"

#include <torch/torch.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "diffclip/model/Safetensors.h"
#include "diffclip/formats/Json.h"
#include "diffclip/formats/Sha256.h"

namespace fs = std::filesystem;

namespace diffclip {

namespace {

constexpr const char* kMergesName = "bpe_simple_vocab_16e6.txt.gz";

// Prefixes the path unless the reader already named it.
Error withPath(const Error& e, const std::string& path) {
    if (e.message.find(path) != std::string::npos) return e;
    return makeError(e.code, path + ": " + e.message);
}

std::string exeDir() {
    std::error_code ec;
    fs::path p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : p.parent_path().string();
}

Status attachTokenizer(LoadedModel& out, const std::string& path, bool required) {
    if (path.empty()) {
        if (required) return makeError(ErrorCode::NotFound, "no tokenizer merges file (pass --tokenizer MERGES_FILE)");
        return Status::success();
    }
    auto tok = Tokenizer::fromMergesFile(path);
    if (!tok) return withPath(tok.error(), path);
    out.tokenizer = std::make_shared<const Tokenizer>(std::move(tok.value()));
    out.tokenizerPath = path;
    return Status::success();
}

// Builds the module from a config and a state dict.
Status buildModel(LoadedModel& out, const ModelConfig& config, const StateDict& dict) {
    try {
        out.model = ClipModel(config);
        if (Status s = out.model->loadWeights(dict); !s) return s;
        out.model->eval();
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("building the model failed: ") + e.what());
    }
    return Status::success();
}

// config.json beside a weights file wins over inference; its architecture must match.
Result<ModelConfig> configFor(const fs::path& weights, const StateDict& dict, std::string& how) {
    const fs::path beside = weights.parent_path() / "config.json";
    if (fs::exists(beside)) {
        auto cfg = ModelConfig::fromFile(beside.string());
        if (!cfg) return cfg.error();
        how = "config.json beside the weights";
        return cfg;
    }
    how = "inferred from tensor shapes";
    return ModelConfig::inferFromStateDict(dict);
}

Status addChecksum(LoadedModel& out, const std::string& path) {
    auto sum = sha256File(path);
    if (!sum) return sum.error();
    out.checksums.emplace_back(fs::path(path).filename().string(), *sum);
    return Status::success();
}

}  // namespace

std::string modelLabel(const std::string& spec) {
    if (spec.rfind("preset:", 0) == 0) return spec;
    fs::path p(spec);
    if (!p.has_filename()) p = p.parent_path();
    const std::string name = p.filename().string();
    if ((name == "model.safetensors" || name.rfind("checkpoint", 0) == 0) && p.has_parent_path() &&
        !p.parent_path().filename().empty())
        return p.parent_path().filename().string() + "/" + name;
    return name;
}

bool isPackage(const std::string& path) {
    std::error_code ec;
    return fs::is_directory(path, ec) && fs::exists(fs::path(path) / "config.json", ec) &&
           fs::exists(fs::path(path) / "model.safetensors", ec);
}

std::vector<std::string> installedDataDirs() {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("DIFFCLIP_DATA_DIR"); env && *env) dirs.push_back(env);
    if (const std::string dir = exeDir(); !dir.empty())
        dirs.push_back((fs::path(dir) / ".." / "share" / "diffclip-studio").lexically_normal().string());
    return dirs;
}

std::string bundledMergesPath() {
    for (const auto& dir : installedDataDirs()) {
        const fs::path c = fs::path(dir) / "tokenizer" / kMergesName;
        std::error_code ec;
        if (fs::is_regular_file(c, ec)) return fs::weakly_canonical(c, ec).string();
    }
    return {};
}

Result<LoadedModel> loadModel(const std::string& spec, const LoadOptions& options) {
    LoadedModel out;
    out.source = spec;
    std::string mergesPath = options.tokenizerPath;
    try {
        if (spec.rfind("preset:", 0) == 0) {
            auto cfg = ModelConfig::preset(spec.substr(7));
            if (!cfg) return cfg.error();
            out.format = "preset";
            out.configSource = "preset";
            out.model = ClipModel(*cfg);
            out.model->initialiseRandom(options.seed);
            out.model->eval();
            if (mergesPath.empty()) mergesPath = bundledMergesPath();
        } else {
            std::error_code ec;
            if (!fs::exists(spec, ec)) return makeError(ErrorCode::NotFound, spec + ": no such file or folder");
            if (fs::is_directory(spec, ec)) {
                if (!isPackage(spec))
                    return makeError(ErrorCode::Format, spec + ": not a model package (config.json and model.safetensors expected)");
                const fs::path dir(spec);
                auto cfg = ModelConfig::fromFile((dir / "config.json").string());
                if (!cfg) return cfg.error();
                auto file = readSafetensors((dir / "model.safetensors").string());
                if (!file) return withPath(file.error(), (dir / "model.safetensors").string());
                out.format = "package";
                out.configSource = "package config.json";
                if (Status s = buildModel(out, *cfg, file->tensors); !s) return withPath(s.error(), spec);
                if (mergesPath.empty() && !cfg->tokenizer.merges.empty()) {
                    mergesPath = (dir / cfg->tokenizer.merges).string();
                    if (!fs::exists(mergesPath, ec))
                        return makeError(ErrorCode::NotFound, spec + ": the package names tokenizer file " +
                                                                  cfg->tokenizer.merges + ", which is missing");
                }
                if (options.checksums) {
                    for (const char* f : {"config.json", "model.safetensors"})
                        if (Status s = addChecksum(out, (dir / f).string()); !s) return s.error();
                }
            } else {
                const bool zip = looksLikeZip(spec);
                StateDict dict;
                if (zip) {
                    auto ck = readTorchCheckpoint(spec, &out.checkpoint);
                    if (!ck) return withPath(ck.error(), spec);
                    dict = std::move(ck.value());
                    out.format = "checkpoint";
                } else {
                    auto file = readSafetensors(spec);
                    if (!file) return withPath(file.error(), spec);
                    dict = std::move(file->tensors);
                    out.format = "safetensors";
                }
                auto cfg = configFor(fs::path(spec), dict, out.configSource);
                if (!cfg) return withPath(cfg.error(), spec);
                if (Status s = buildModel(out, *cfg, dict); !s) return withPath(s.error(), spec);
                if (mergesPath.empty()) mergesPath = bundledMergesPath();
                if (options.checksums)
                    if (Status s = addChecksum(out, spec); !s) return s.error();
            }
        }
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, spec + ": " + e.what());
    }
    if (Status s = attachTokenizer(out, mergesPath, options.requireTokenizer); !s) return s.error();
    if (options.checksums && !out.tokenizerPath.empty())
        if (Status s = addChecksum(out, out.tokenizerPath); !s) return s.error();
    return out;
}

Status writePackage(const LoadedModel& model, const std::string& dir, const std::string& mergesPath, bool overwrite,
                    const JobControl& job) {
    std::error_code ec;
    const fs::path target = fs::absolute(dir, ec);
    if (ec) return makeError(ErrorCode::Io, dir + ": " + ec.message());
    if (fs::exists(target, ec) && !overwrite) return makeError(ErrorCode::Io, dir + " already exists");
    const fs::path parent = target.parent_path();
    if (!fs::is_directory(parent, ec)) return makeError(ErrorCode::NotFound, parent.string() + ": no such folder");

    std::mt19937_64 rng(std::random_device{}());
    const fs::path tmp = parent / (target.filename().string() + ".tmp-" + std::to_string(rng() % 1000000000));
    auto fail = [&](const Error& e) {
        fs::remove_all(tmp, ec);
        return e;
    };
    if (!fs::create_directory(tmp, ec)) return makeError(ErrorCode::Io, tmp.string() + ": " + ec.message());
    const Error cancelled = CancelToken::error("writing the model package " + dir);

    const auto named = model.model->weights();
    job.progress.stage("convert", int64_t(named.size()));
    StateDict weights;
    for (const auto& [name, t] : named) {
        if (job.cancel.cancelled()) return fail(cancelled);
        weights.emplace_back(name, t.detach().to(at::kCPU, at::kFloat));
        job.progress.advance();
    }

    job.progress.stage("write", mergesPath.empty() ? 2 : 3);
    if (job.cancel.cancelled()) return fail(cancelled);
    ModelConfig cfg = model.model->config();
    cfg.tokenizer.merges = mergesPath.empty() ? std::string() : fs::path(mergesPath).filename().string();
    if (!mergesPath.empty()) {
        fs::copy_file(mergesPath, tmp / cfg.tokenizer.merges, ec);
        if (ec) return fail(makeError(ErrorCode::Io, "copying " + mergesPath + ": " + ec.message()));
        job.progress.advance();
        if (job.cancel.cancelled()) return fail(cancelled);
    }
    std::map<std::string, std::string> meta{{"format", "diffclip-studio-model"}, {"source", model.source}};
    if (Status s = writeSafetensors((tmp / "model.safetensors").string(), weights, meta); !s) return fail(s.error());
    job.progress.advance();
    if (job.cancel.cancelled()) return fail(cancelled);
    {
        const std::string text = dumpJson(cfg.toJson(), 2) + "\n";
        std::ofstream out(tmp / "config.json", std::ios::binary);
        out << text;
        out.flush();
        if (!out) return fail(makeError(ErrorCode::Io, "writing config.json failed (disk full?)"));
    }
    job.progress.advance();
    // The last safe point: after the rename the package is whole and stays.
    if (job.cancel.cancelled()) return fail(cancelled);
    if (fs::exists(target, ec)) {
        if (!isPackage(target.string()))
            return fail(makeError(ErrorCode::Io, dir + " exists and is not a model package; not replacing it"));
        fs::remove_all(target, ec);
        if (ec) return fail(makeError(ErrorCode::Io, "removing the old " + dir + ": " + ec.message()));
    }
    fs::rename(tmp, target, ec);
    if (ec) return fail(makeError(ErrorCode::Io, "renaming into " + dir + ": " + ec.message()));
    return Status::success();
}

}  // namespace diffclip

#include "diffclip/model/ModelSummary.h"

namespace diffclip {

Result<ModelSummary> summariseModel(const std::string& spec) {
    LoadOptions o;
    o.checksums = true;
    auto m = loadModel(spec, o);
    if (!m) return m.error();
    ModelSummary s;
    s.source = m->source;
    s.format = m->format;
    s.configSource = m->configSource;
    s.config = m->model->config();
    s.parameters = s.config.parameterCount();
    s.logitScale = m->model->logitScale();
    s.tokenizerPath = m->tokenizerPath;
    s.tokenizerMerges = m->tokenizer ? m->tokenizer->mergeCount() : 0;
    s.checksums = m->checksums;
    return s;
}

}  // namespace diffclip
