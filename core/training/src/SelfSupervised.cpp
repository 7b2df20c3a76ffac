// Self-supervised training of the vision tower on unlabelled photos (SimCLR, Chen et al. 2020):
// two augmented views of each photo are pulled together and pushed away from the other photos
// of the batch (NT-Xent) in the normalised embedding space the library searches. Epoch loop,
// time budget, per-epoch checkpoint and resume as the class loop has them; the last epoch's
// weights are the result (the contrastive loss keeps improving; there is no label to pick a
// "best" epoch by).
#include "TrainInternal.h"

#include <cmath>
#include <limits>
#include <sstream>

#include "diffclip/formats/Sha256.h"

namespace diffclip {

at::Tensor ntXentLoss(const at::Tensor& a, const at::Tensor& b, double temperature) {
    const int64_t n = a.size(0);
    auto z = torch::cat({a, b}, 0).to(torch::kFloat);
    auto sim = z.matmul(z.t()) / temperature;
    // A view is never its own candidate.
    sim = sim.masked_fill(torch::eye(2 * n, torch::TensorOptions().dtype(torch::kBool).device(sim.device())),
                          -std::numeric_limits<float>::infinity());
    auto target = torch::cat({torch::arange(n, 2 * n), torch::arange(0, n)}).to(sim.device());
    return torch::nn::functional::cross_entropy(sim, target);
}

double viewMatchAccuracy(const at::Tensor& a, const at::Tensor& b) {
    const int64_t n = a.size(0);
    if (n == 0) return 0.0;
    auto sim = a.to(torch::kFloat).matmul(b.to(torch::kFloat).t());
    auto ids = torch::arange(n);
    const double ab = sim.argmax(1).cpu().eq(ids).sum().item<double>();
    const double ba = sim.argmax(0).cpu().eq(ids).sum().item<double>();
    return (ab + ba) / (2.0 * static_cast<double>(n));
}

}  // namespace diffclip

namespace diffclip::train {

namespace {

at::Tensor embedViews(const ClipModel& model, const at::Tensor& views) {
    return torch::nn::functional::normalize(model->encodeImage(views.to(model->device())).to(torch::kFloat),
                                            torch::nn::functional::NormalizeFuncOptions().dim(1));
}

struct SelfSupEval {
    double loss = 0.0, viewMatch = 0.0;
    double recallAt1 = -1.0;  // labelled trees only: image->image recall@1 of the centre views
    Json toJson() const {
        Json j = Json::object();
        j["val_loss"] = loss;
        j["view_match"] = viewMatch;
        if (recallAt1 >= 0) j["image_recall_at_1"] = recallAt1;
        return j;
    }
};

// The validation figures: the NT-Xent loss over all validation photos at once and how often a
// view's nearest neighbour is its own pair, on views drawn from a fixed seed (equal every
// epoch); with labels, the search figure of the plain photos too.
SelfSupEval evaluate(const Job& job, const ClipModel& model) {
    torch::NoGradGuard ng;
    SelfSupEval e;
    const auto& val = job.split.val;
    if (val.size() < 2) return e;
    const auto& cfg = model->config();
    const int size = static_cast<int>(cfg.vision.imageSize);
    std::mt19937_64 rng(job.recipe.seed * 0x9E3779B97F4A7C15ULL + 0x5E1F5u);
    std::vector<at::Tensor> a, b;
    for (size_t s = 0; s < val.size(); s += 128) {
        std::vector<size_t> chunk(val.begin() + static_cast<std::ptrdiff_t>(s),
                                  val.begin() + static_cast<std::ptrdiff_t>(std::min(val.size(), s + 128)));
        a.push_back(embedViews(model, makeBatch(job.data, chunk, size, &job.recipe.augment, &rng, cfg.preprocess)).cpu());
        b.push_back(embedViews(model, makeBatch(job.data, chunk, size, &job.recipe.augment, &rng, cfg.preprocess)).cpu());
    }
    auto za = torch::cat(a), zb = torch::cat(b);
    e.loss = ntXentLoss(za, zb, job.recipe.temperature).item<double>();
    e.viewMatch = viewMatchAccuracy(za, zb);
    if (job.data.labelled) {
        auto emb = embedImages(model, job.data, val, size, cfg.preprocess, job.device, 128);
        const auto classes = static_cast<int64_t>(job.data.classes.size());
        auto m = computeMetrics(torch::zeros({emb.size(0), classes}), labelTensor(job.data, val), emb,
                                hashesOf(job.data, val), classes);
        if (m.recallAtK.count(1)) e.recallAt1 = m.recallAtK.at(1);
    }
    return e;
}

bool visionParameter(const std::string& n) { return n.rfind("visual.", 0) == 0 || n == "image_projection"; }

}  // namespace

Result<Json> trainSelfSupervisedVariant(Job& job, VariantInput& in) {
    const TrainRecipe& r = job.recipe;
    ClipModel model = in.model;
    const ModelConfig& cfg = model->config();
    const int size = static_cast<int>(cfg.vision.imageSize);
    const auto ntrain = static_cast<int64_t>(job.split.train.size());
    if (ntrain < 2) return makeError(ErrorCode::InvalidArgument, "self-supervised training needs at least two photos to train on");
    // Every step needs at least two photos: the other photos of the batch are the negatives.
    const int64_t batch = std::max<int64_t>(2, std::min<int64_t>(r.batchSize, ntrain));
    const int64_t accum = std::max(1, r.accumulation);
    const int64_t micro = std::max<int64_t>(accum, (ntrain / batch) / accum * accum);
    const int64_t stepsPerEpoch = micro / accum;
    const auto warmup = static_cast<int64_t>(std::llround(r.warmupEpochs * static_cast<double>(stepsPerEpoch)));
    StepOptimizer opt(model, visionParameter, r, r.epochs * stepsPerEpoch, warmup);

    const std::string recipeHash = sha256Hex(dumpJson(r.toJson()) + "|self-supervised");
    int epochsDone = 0, planned = r.epochs;
    double elapsed = 0.0;
    bool finished = false;
    std::string stopReason = "epochs";
    Json before, history = Json::array();
    std::error_code ec;
    fs::create_directories(in.ckpt, ec);
    if (ec) return makeError(ErrorCode::Io, in.ckpt.string() + ": " + ec.message());
    const fs::path statePath = in.ckpt / "state.json";
    std::string ckptName;
    if (fs::exists(statePath, ec)) {
        auto st = readJsonFile(statePath);
        if (!st) return st.error();
        auto str = [&](const char* k) { return stateText(*st, k); };
        auto num = [&](const char* k) { return stateNumber(*st, k); };
        if (str("recipe_hash") != recipeHash || str("data_fingerprint") != job.data.fingerprint)
            return makeError(ErrorCode::Mismatch, in.ckpt.string() +
                                                      " holds a checkpoint of another recipe or data set; remove it to start afresh");
        ckptName = str("checkpoint");
        if (Status l = opt.load(model, (in.ckpt / ckptName).string()); !l) return l.error();
        epochsDone = static_cast<int>(num("epoch"));
        planned = std::max(epochsDone, static_cast<int>(num("planned_epochs")));
        elapsed = num("elapsed_seconds");
        finished = stateFlag(*st, "finished");
        stopReason = str("stop_reason");
        if (const Json* b = jsonFind(*st, "before")) before = *b;
        if (const Json* h = jsonFind(*st, "history"); h && h->is_array()) history = *h;
        opt.setStep(static_cast<int64_t>(num("step")));
        opt.setTotalSteps(planned * stepsPerEpoch);
        job.say(in.variant, "resuming after epoch " + std::to_string(epochsDone) + " from " + in.ckpt.string());
    } else {
        job.progress().stage("evaluate", 1);
        job.say(in.variant, "evaluating the starting model");
        before = evaluate(job, model).toJson();
        job.progress().update(1);
    }
    auto saveState = [&]() -> Status {
        Json s = Json::object();
        s["format"] = "diffclip-training-checkpoint/1";
        s["recipe_hash"] = recipeHash;
        s["data_fingerprint"] = job.data.fingerprint;
        s["epoch"] = epochsDone;
        s["step"] = opt.steps();
        s["planned_epochs"] = planned;
        s["elapsed_seconds"] = elapsed;
        s["finished"] = finished;
        s["stop_reason"] = stopReason;
        s["rng"] = "mt19937_64(seed, epoch)";
        s["before"] = before;
        s["history"] = history;
        const std::string name = "checkpoint-" + std::to_string(epochsDone) + (finished ? "-final" : "") + ".pt";
        s["checkpoint"] = name;
        if (Status st = opt.save(model, (in.ckpt / name).string()); !st) return st;
        if (Status st = writeTextAtomic(statePath, dumpJson(s, 1)); !st) return st;
        std::error_code rmEc;
        if (!ckptName.empty() && ckptName != name) fs::remove(in.ckpt / ckptName, rmEc);
        ckptName = name;
        return Status::success();
    };

    const auto runStart = Clock::now();
    const double elapsedAtStart = elapsed;
    auto now = [&] { return elapsedAtStart + secondsSince(runStart); };
    TrainMetrics prog;
    double lastEpochSeconds = 0.0;
    job.progress().stage("epoch", planned);
    job.progress().update(epochsDone);
    while (!finished && epochsDone < planned) {
        const int epoch = epochsDone + 1;
        std::mt19937_64 rng(r.seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(epoch) * 0xBF58476D1CE4E5B9ULL);
        std::vector<size_t> order = job.split.train;
        shuffleIndices(order, rng);
        double lossSum = 0.0;
        int64_t seen = 0;
        bool budgetHit = false, diverged = false;
        const auto t0 = Clock::now();
        for (int64_t m = 0; m < micro; ++m) {
            if (job.cancelled())
                return makeError(ErrorCode::Cancelled, "training cancelled; run the same command to resume from " +
                                                           in.ckpt.string());
            if (job.budgetSeconds > 0 && now() >= job.budgetSeconds) {
                budgetHit = true;
                break;
            }
            const std::vector<size_t> idx = batchIndices(order, m, batch);
            auto a = makeBatch(job.data, idx, size, &r.augment, &rng, cfg.preprocess);
            auto b = makeBatch(job.data, idx, size, &r.augment, &rng, cfg.preprocess);
            torch::AutoGradMode grad(true);
            at::Tensor z;
            {
                AutocastGuard ac(model->device().is_cuda());
                z = embedViews(model, torch::cat({a, b}, 0));
            }
            auto loss = ntXentLoss(z.narrow(0, 0, batch), z.narrow(0, batch, batch), r.temperature);
            const double value = loss.item<double>();
            if (!std::isfinite(value)) {
                diverged = true;
                break;
            }
            opt.backward(loss);
            lossSum += value;
            ++seen;
            prog.step = opt.steps();
            prog.loss = lossSum / static_cast<double>(seen);
            prog.learningRate = opt.currentRate();
            paceMetrics(prog, {epoch, planned, stepsPerEpoch, micro, batch, seen, secondsSince(t0), lastEpochSeconds, now(),
                               job.budgetSeconds});
            job.metrics(prog);
        }
        if (diverged) {
            // The weights after a non-finite loss are not trusted: go back to the last epoch's.
            stopReason = "diverging";
            finished = true;
            if (!ckptName.empty()) {
                if (Status l = opt.load(model, (in.ckpt / ckptName).string()); !l) return l.error();
            } else {
                return makeError(ErrorCode::Internal, "the self-supervised loss became non-finite in the first epoch (learning rate " +
                                                          std::to_string(r.learningRate) + "); try a lower --lr");
            }
            job.say(in.variant, "the loss became non-finite in epoch " + std::to_string(epoch) +
                                    "; keeping the weights of epoch " + std::to_string(epochsDone));
            elapsed = now();
            if (Status s = saveState(); !s) return s.error();
            break;
        }
        if (seen == 0) {
            finished = true;
            stopReason = "time budget";
            break;
        }
        const SelfSupEval ev = evaluate(job, model);
        Json h = ev.toJson();
        h["epoch"] = epoch;
        h["loss"] = lossSum / static_cast<double>(seen);
        h["learning_rate"] = opt.currentRate();
        h["seconds"] = secondsSince(t0);
        h["images_per_second"] = static_cast<double>(seen * batch) / std::max(1e-9, secondsSince(t0));
        h["partial"] = budgetHit;
        history.push_back(h);
        lastEpochSeconds = secondsSince(t0);
        if (!budgetHit) epochsDone = epoch;
        if (job.budgetSeconds > 0 && !budgetHit && epochsDone > 0) {
            // As the class loop: the cosine schedule is re-planned to end with the budget.
            bool ends = false;
            planned = epochsThatFit(epochsDone, now(), 0.0, job.budgetSeconds, r.epochs, ends);
            if (ends) stopReason = "time budget";
            opt.setTotalSteps(static_cast<int64_t>(planned) * stepsPerEpoch);
        }
        if (budgetHit) {
            finished = true;
            stopReason = "time budget";
        }
        elapsed = now();
        if (Status s = saveState(); !s) return s.error();
        std::ostringstream msg;
        msg << "epoch " << epoch << "/" << planned << " loss " << lossSum / static_cast<double>(seen) << " val loss "
            << ev.loss << " view match " << ev.viewMatch;
        if (ev.recallAt1 >= 0) msg << " image recall@1 " << ev.recallAt1;
        prog.epoch = epoch;
        prog.epochs = planned;
        prog.loss = lossSum / static_cast<double>(seen);
        prog.valTop1 = ev.viewMatch;
        prog.learningRate = opt.currentRate();
        prog.elapsedSeconds = elapsed;
        prog.epochEnd = true;
        job.metrics(prog);
        prog.epochEnd = false;
        job.progress().setTotal(planned);
        job.progress().update(epochsDone);
        job.say(in.variant, msg.str());
    }
    if (job.cancelled()) return makeError(ErrorCode::Cancelled, "training cancelled before writing the starter");
    job.progress().stage("evaluate", 1);
    job.say(in.variant, "final evaluation");
    const SelfSupEval after = evaluate(job, model);
    job.progress().advance();
    Json v = Json::object();
    v["attention"] = attentionKindName(cfg.attention);
    v["parameters"] = cfg.parameterCount();
    v["temperature"] = r.temperature;
    v["before"] = before;
    v["after"] = after.toJson();
    v["epochs_completed"] = epochsDone;
    v["planned_epochs"] = planned;
    v["stop_reason"] = stopReason;
    v["training_seconds"] = elapsed;
    v["history"] = history;
    v["parent"] = in.parent;
    return v;
}

}  // namespace diffclip::train
