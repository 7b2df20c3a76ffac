// runTraining: checks the recipe, loads the base model or builds the scratch architecture, reads
// and splits the data, runs the mode and writes the package(s).
#include "TrainInternal.h"

#include "diffclip/model/Runtime.h"
#include "diffclip/text/Tokenizer.h"

namespace diffclip {

using namespace train;

namespace {

// The starter of each variant for recipe.init (TrainJob.h). "auto" takes starters only when every
// variant has one, so a comparison never sets a pretrained side against a random one.
Result<std::vector<std::optional<StarterInfo>>> resolveStarters(const std::string& init,
                                                                 const std::vector<ModelConfig>& configs) {
    std::vector<std::optional<StarterInfo>> out(configs.size());
    if (init == "random") return out;
    if (init == "auto" || init == "starter") {
        for (size_t i = 0; i < configs.size(); ++i) {
            out[i] = findStarter(configs[i]);
            if (!out[i] && init == "starter")
                return makeError(ErrorCode::NotFound, "no installed starter fits " + configs[i].name +
                                                          " (--init random trains from random weights)");
        }
        if (std::any_of(out.begin(), out.end(), [](const auto& s) { return !s; })) out.assign(configs.size(), std::nullopt);
        return out;
    }
    auto s = readStarter(init);
    if (!s) return s.error();
    for (size_t i = 0; i < configs.size(); ++i) {
        if (!starterFits(s->config, configs[i]))
            return makeError(ErrorCode::Mismatch, init + ": the starter's vision tower (" + s->config.name +
                                                      ") does not fit " + configs[i].name);
        out[i] = *s;
    }
    return out;
}

// The self-supervised result as a starter (Starter.h): the model is written as a package in the
// checkpoint folder, then its vision tower exported with the run's record as "pretraining".
Status writeStarterFrom(const ClipModel& model, const fs::path& ckpt, const fs::path& out, const Json& training,
                        bool overwrite) {
    auto staging = stagePackage(model, "", "diffclip train (self-supervised)", ckpt);
    if (!staging) return staging.error();
    Json p = Json::object();
    p["command"] = "diffclip train --mode self-supervised";
    for (const char* k : {"recipe", "data", "epochs_completed", "stop_reason", "training_seconds", "libtorch", "device",
                          "temperature", "before", "after", "parent"})
        if (const Json* v = jsonFind(training, k)) p[k] = *v;
    if (Json* d = p.contains("data") ? &p["data"] : nullptr) d->erase("skipped_examples");
    Json provenance = Json::object();
    provenance["pretraining"] = p;
    return exportStarter(staging->string(), out.string(), provenance, overwrite);
}

}  // namespace

Result<TrainReport> runTraining(const std::string& dataRoot, const TrainRecipe& recipe, const std::string& out,
                                const TrainOptions& options) {
    try {
        const TrainRecipe& r = recipe;
        if (r.batchSize < 1 || r.accumulation < 1 || r.epochs < 1)
            return makeError(ErrorCode::InvalidArgument, "batch, accumulation and epochs must be at least 1");
        if (!(r.learningRate > 0) || r.weightDecay < 0 || r.labelSmoothing < 0 || r.labelSmoothing > 0.5 ||
            r.timeBudgetMinutes < 0 || r.warmupEpochs < 0)
            return makeError(ErrorCode::InvalidArgument, "learning rate, weight decay, label smoothing or budget out of range");
        if (r.compareAttention && r.mode != TrainMode::Scratch)
            return makeError(ErrorCode::InvalidArgument, "--compare-attention needs --mode scratch");
        const bool fromArchitecture = r.mode == TrainMode::Scratch || r.mode == TrainMode::SelfSupervised;
        const bool selfSupervised = r.mode == TrainMode::SelfSupervised;
        if (selfSupervised && !(r.temperature > 0.0 && r.temperature <= 1.0))
            return makeError(ErrorCode::InvalidArgument, "the self-supervised temperature must be in (0, 1]");
        if (selfSupervised && !r.augment.enabled)
            return makeError(ErrorCode::InvalidArgument,
                             "self-supervised training needs augmentation: the two views of a photo must differ");
        if (!fromArchitecture && r.base.empty())
            return makeError(ErrorCode::InvalidArgument, std::string(trainModeName(r.mode)) + " training needs a base model");
        auto device = parseDevice(r.device);
        if (!device) return device.error();
        if (out.empty()) return makeError(ErrorCode::InvalidArgument, "no output package given");
        const fs::path outPath = fs::absolute(out);
        std::vector<fs::path> outs;
        if (r.compareAttention)
            outs = {outPath.string() + "-differential", outPath.string() + "-standard"};
        else
            outs = {outPath};
        std::error_code ec;
        for (const auto& o : outs) {
            if (fs::exists(o, ec) && !options.overwrite)
                return makeError(ErrorCode::Io, o.string() + " already exists (use --overwrite)");
            if (selfSupervised && fs::exists(o, ec) && !fs::exists(o / "starter.json", ec))
                return makeError(ErrorCode::Io, o.string() + " exists and is not a starter; not replacing it");
        }
        if (!options.searchPackage.empty()) {
            if (!selfSupervised) return makeError(ErrorCode::InvalidArgument, "a search package is written by self-supervised training only");
            const fs::path p = fs::absolute(options.searchPackage);
            if (fs::exists(p, ec) && !options.overwrite) return makeError(ErrorCode::Io, p.string() + " already exists (use --overwrite)");
            if (fs::exists(p, ec) && !isPackage(p.string()))
                return makeError(ErrorCode::Io, p.string() + " exists and is not a model package; not replacing it");
        }
        const fs::path ckptRoot = options.checkpointDir.empty() ? fs::path(outPath.string() + ".partial")
                                                                : fs::absolute(options.checkpointDir);
        torch::manual_seed(r.seed);

        const Progress& progress = options.job.progress;
        progress.stage("prepare");
        LoadedModel base;
        ModelConfig scratchCfg;
        std::shared_ptr<const Tokenizer> scratchTok;
        std::string scratchMerges;
        int64_t size = 0;
        if (fromArchitecture) {
            const std::string arch = r.architecture;
            auto cfg = arch.rfind("preset:", 0) == 0 ? ModelConfig::preset(arch.substr(7)) : ModelConfig::fromFile(arch);
            if (!cfg) return cfg.error();
            scratchCfg = *cfg;
            if (r.imageSize > 0)
                scratchCfg.vision.imageSize = scratchCfg.preprocess.resizeShorter = scratchCfg.preprocess.cropSize = r.imageSize;
            // The text tower reads CLIP BPE ids when the bundled merges are there, else raw bytes.
            scratchMerges = bundledMergesPath();
            if (!scratchMerges.empty()) {
                auto tok = Tokenizer::fromMergesFile(scratchMerges);
                if (tok) scratchTok = std::make_shared<Tokenizer>(std::move(*tok));
                else scratchMerges.clear();
            }
            if (!scratchTok) {
                scratchCfg.text.vocabSize = kByteTokenizerVocab;
                scratchCfg.tokenizer.kind = "byte-level";
            } else {
                scratchCfg.text.vocabSize = scratchTok->vocabSize();
                scratchCfg.tokenizer.kind = "clip-bpe";
            }
            if (Status s = scratchCfg.validate(); !s) return s.error();
            size = scratchCfg.vision.imageSize;
        } else {
            progress.message("loading " + r.base);
            LoadOptions lo;
            lo.checksums = true;
            lo.requireTokenizer = r.mode == TrainMode::Contrastive;
            auto m = loadModel(r.base, lo);
            if (!m) return m.error();
            base = std::move(*m);
            base.model->to(*device);
            size = base.model->config().vision.imageSize;
        }
        // The variants and where each vision tower starts, settled before the photos are read
        // (a wrong --init fails at once).
        std::vector<std::string> variants = r.compareAttention ? std::vector<std::string>{"differential", "standard"}
                                                               : std::vector<std::string>{""};
        std::vector<ModelConfig> configs;
        for (const auto& variant : variants) {
            ModelConfig c = scratchCfg;
            if (variant == "standard") {
                c.attention = AttentionKind::Standard;
                c.vision.normEps = 1e-6;
                c.name += " (standard attention)";
            }
            configs.push_back(c);
        }
        std::vector<std::optional<StarterInfo>> starters(variants.size());
        if (fromArchitecture) {
            auto s = resolveStarters(r.init, configs);
            if (!s) return s.error();
            starters = *s;
        }
        // Augmenting modes cache 1.5x the input size, so random crops keep detail.
        const int cacheSize = static_cast<int>(r.mode == TrainMode::Linear || !r.augment.enabled ? size : (size * 3 + 1) / 2);
        progress.message("decoding photos under " + dataRoot);
        auto data = !selfSupervised ? loadDataset(dataRoot, cacheSize, options.decode, options.job)
                    : options.photoFiles.empty() ? loadPhotoTree(dataRoot, cacheSize, options.decode, options.job)
                                                 : loadPhotoFiles(options.photoFiles, cacheSize, options.decode, options.job);
        if (!data) return data.error();
        auto split = splitDataset(*data, r.valFraction, r.seed);
        if (!split) return split.error();
        if (options.trainPerClass > 0) split->train = drawPerClass(*data, split->train, options.trainPerClass, options.trainDrawSeed);
        if (split->train.empty()) return makeError(ErrorCode::InvalidArgument, "no photos left to train on");
        Job job{r, options, *data, *split, *device, r.timeBudgetMinutes * 60.0};

        Json summary = Json::object();
        summary["format"] = "diffclip-training/1";
        summary["mode"] = trainModeName(r.mode);
        summary["recipe"] = r.toJson();
        summary["data"] = dataJson(*data, *split);
        if (options.trainPerClass > 0) {
            summary["data"]["train_per_class"] = options.trainPerClass;
            summary["data"]["train_draw_seed"] = static_cast<uint64_t>(options.trainDrawSeed);
        }
        summary["libtorch"] = libtorchVersion();
        summary["device"] = device->str();
        TrainReport report;

        if (r.mode == TrainMode::Linear) {
            auto v = runLinear(job, base);
            if (!v) return v.error();
            Json head, training = summary;
            for (const auto& [k, val] : v->items()) {
                if (k == "_head")
                    head = val;
                else
                    training[k] = val;
            }
            progress.stage("package");
            progress.message("writing " + outs[0].string());
            fs::create_directories(ckptRoot, ec);
            if (Status s = installPackage(base.model, base.tokenizerPath, "diffclip train (linear probe)", ckptRoot,
                                          outs[0], training, head, options.overwrite);
                !s)
                return s.error();
            fs::remove_all(ckptRoot, ec);
            training["package"] = outs[0].string();
            report.summary = training;
            report.package = outs[0].string();
            return report;
        }

        if (fromArchitecture)
            for (size_t vi = 0; vi < variants.size(); ++vi)
                job.say(variants[vi], starters[vi] ? "vision tower from the starter " + starters[vi]->dir
                                                   : std::string("vision tower from random weights (init ") + r.init + ")");
        if (r.compareAttention) job.budgetSeconds /= 2.0;  // the same time for each side
        StateDict baseWeights;
        if (r.mode == TrainMode::Contrastive)
            for (const auto& [n, t] : base.model->weights()) baseWeights.emplace_back(n, t.detach().cpu().clone());
        Json compare = Json::object();
        for (size_t vi = 0; vi < variants.size(); ++vi) {
            VariantInput in;
            in.variant = variants[vi];
            in.out = outs[vi];
            in.ckpt = ckptRoot / (in.variant.empty() ? std::string("run") : in.variant);
            const Tokenizer* tok = nullptr;
            if (fromArchitecture) {
                const ModelConfig& c = configs[vi];
                in.model = ClipModel(c);
                in.model->initialiseRandom(r.seed);
                Json init = Json::object();
                init["kind"] = "random";
                if (starters[vi]) {
                    auto applied = applyStarter(in.model, *starters[vi]);
                    if (!applied) return applied.error();
                    init = *applied;
                }
                in.model->to(*device);
                in.mergesPath = scratchMerges;
                tok = scratchTok.get();
                Json p = Json::object();
                p["architecture"] = r.architecture;
                p["config"] = c.toJson();
                p["init_seed"] = static_cast<uint64_t>(r.seed);
                p["init"] = init;
                in.parent = p;
            } else {
                in.model = base.model;
                in.mergesPath = base.tokenizerPath;
                in.base = &baseWeights;
                in.parent = parentJson(base);
                tok = base.tokenizer.get();
            }
            if (selfSupervised) {
                auto v = trainSelfSupervisedVariant(job, in);
                if (!v) return v.error();
                Json training = summary;
                for (const auto& [k, val] : v->items()) training[k] = val;
                progress.stage("package");
                job.say(in.variant, "writing the starter " + in.out.string());
                in.model->to(at::kCPU);
                if (Status s = writeStarterFrom(in.model, in.ckpt, in.out, training, options.overwrite); !s) return s.error();
                training["starter"] = in.out.string();
                if (!options.searchPackage.empty()) {
                    // The same weights as a package for photo search; no class head, an untrained text tower.
                    const fs::path p = fs::absolute(options.searchPackage);
                    job.say(in.variant, "writing the search package " + p.string());
                    Json classes = Json::object();
                    classes["kind"] = "none";
                    classes["classes"] = Json::array();
                    if (Status s = installPackage(in.model, in.mergesPath, "diffclip train (self-supervised)", in.ckpt, p,
                                                  training, classes, options.overwrite);
                        !s)
                        return s.error();
                    training["package"] = p.string();
                }
                fs::remove_all(ckptRoot, ec);
                report.summary = training;
                report.package = in.out.string();
                return report;
            }
            auto tokens = promptTokens(*data, tok, in.model->config().text.contextLength);
            if (!tokens) return tokens.error();
            in.tokens = *tokens;
            auto v = trainClassVariant(job, in);
            if (!v) return v.error();
            Json training = summary;
            for (const auto& [k, val] : v->items()) training[k] = val;
            progress.stage("package");
            job.say(in.variant, "writing " + in.out.string());
            torch::NoGradGuard ng;
            auto txt = textEmbeddings(in.model, in.tokens).cpu();
            Json head = classesJson(*data, txt, "text-prompts");
            head["logit_scale"] = logitScaleValue(in.model);
            in.model->to(at::kCPU);
            if (Status s = installPackage(in.model, in.mergesPath, std::string("diffclip train (") + trainModeName(r.mode) + ")",
                                          in.ckpt, in.out, training, head, options.overwrite);
                !s)
                return s.error();
            fs::remove_all(in.ckpt, ec);
            training["package"] = in.out.string();
            if (vi == 0) report.package = in.out.string();
            if (r.compareAttention)
                compare[in.variant] = training;
            else
                report.summary = training;
        }
        fs::remove_all(ckptRoot, ec);
        if (r.compareAttention) {
            Json s = summary;
            s["compare_attention"] = compare;
            report.summary = s;
        }
        return report;
    } catch (const c10::Error& e) {
        return torchError("training", e);
    } catch (const std::exception& e) {
        return torchError("training", e);
    }
}

}  // namespace diffclip
