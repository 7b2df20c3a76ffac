// The epoch loop of contrastive and scratch training: schedule, time budget, validation, best
// epoch, early stopping, the per-epoch checkpoint from which the same command resumes, and the
// learning monitor's restarts (LearningMonitor.h).
#include "TrainInternal.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "diffclip/formats/Sha256.h"
#include "diffclip/training/LearningMonitor.h"

namespace diffclip::train {

namespace {

// The learning-rate range test: kRangeSteps steps at exponentially rising fixed rates on the
// run's own photos (augmented, drawn from a seed of their own), then pickLearningRate. The caller
// puts the starting weights back; the record goes to training.json under learning.range_test.
Result<Json> rangeTest(const Job& job, const VariantInput& in, ClassTrainer& probe, int64_t batch,
                       double& chosen) {
    const TrainRecipe& r = job.recipe;
    const ClipModel model = probe.model();
    const int size = static_cast<int>(model->config().vision.imageSize);
    const auto t0 = Clock::now();
    const double lo = r.learningRate / learning::kRangeBelow, hi = r.learningRate * learning::kRangeAbove;
    std::mt19937_64 rng(r.seed * 0x9E3779B97F4A7C15ULL + 0xD1B54A32D192ED03ULL);
    std::vector<size_t> order = job.split.train;
    shuffleIndices(order, rng);
    const int64_t accum = std::max(1, r.accumulation);
    std::vector<double> rates, losses;
    job.progress().stage("learning rate", learning::kRangeSteps);
    job.say(in.variant, "learning-rate range test: " + std::to_string(learning::kRangeSteps) + " steps from " +
                            std::to_string(lo) + " to " + std::to_string(hi));
    double lowest = 0.0;
    int64_t m = 0;
    for (int i = 0; i < learning::kRangeSteps; ++i) {
        const double rate = lo * std::pow(hi / lo, static_cast<double>(i) / (learning::kRangeSteps - 1));
        probe.setFixedRate(rate);
        double sum = 0.0;
        for (int64_t a = 0; a < accum; ++a, ++m) {
            if (job.cancelled())
                return makeError(ErrorCode::Cancelled, "training cancelled during the learning-rate range test");
            const std::vector<size_t> idx = batchIndices(order, m, batch);
            sum += probe.microStep(makeBatch(job.data, idx, size, &r.augment, &rng, model->config().preprocess),
                                   labelTensor(job.data, idx));
        }
        const double loss = sum / static_cast<double>(accum);
        rates.push_back(rate);
        losses.push_back(loss);
        job.progress().update(i + 1);
        if (!std::isfinite(loss)) break;
        lowest = i == 0 ? loss : std::min(lowest, loss);
        if (loss > 4.0 * lowest) break;  // blown up: later rates only make it worse
    }
    const LrRangeChoice c = pickLearningRate(rates, losses, r.learningRate / learning::kPickBelow,
                                             r.learningRate * learning::kPickAbove, r.learningRate);
    chosen = c.learningRate;
    job.say(in.variant, "learning rate " + std::to_string(chosen) + ": " + c.rule);
    Json j = Json::object();
    j["rates"] = rates;
    j["losses"] = losses;
    j["from_curve"] = c.fromCurve;
    j["learning_rate"] = chosen;
    j["rule"] = c.rule;
    j["seconds"] = secondsSince(t0);
    return j;
}

}  // namespace

Result<Json> trainClassVariant(Job& job, VariantInput& in) {
    const TrainRecipe& r = job.recipe;
    const Dataset& data = job.data;
    const DataSplit& split = job.split;
    ClipModel model = in.model;
    const ModelConfig& cfg = model->config();
    const int size = static_cast<int>(cfg.vision.imageSize);
    const auto ntrain = static_cast<int64_t>(split.train.size());
    const int64_t batch = std::max<int64_t>(1, std::min<int64_t>(r.batchSize, ntrain));
    const int64_t accum = std::max(1, r.accumulation);
    const int64_t micro = std::max<int64_t>(accum, (ntrain / batch) / accum * accum);
    const int64_t stepsPerEpoch = micro / accum;
    const bool trainText = r.mode == TrainMode::Scratch || r.trainText;
    const auto warmup = static_cast<int64_t>(std::llround(r.warmupEpochs * static_cast<double>(stepsPerEpoch)));
    const std::vector<int64_t> counts = trainCounts(data, split);
    const at::Tensor classWeights = classWeightTensor(counts, r.balanceClasses);

    // The learning monitor: chance is the loss of the best constant answer under the class
    // shares the loss sees (uniform when balanced). A restart reloads these starting weights.
    std::vector<double> shares;
    for (int64_t c : counts) shares.push_back(r.balanceClasses ? (c > 0 ? 1.0 : 0.0) : static_cast<double>(c));
    LearningMonitor monitor(static_cast<int>(data.classes.size()), chanceLoss(shares, r.labelSmoothing));
    StateDict own;  // contrastive starts from in.base, which is kept anyway
    if (!in.base)
        for (const auto& [n, t] : model->weights()) own.emplace_back(n, t.detach().cpu().clone());
    const StateDict& initial = in.base ? *in.base : own;
    double peakLr = r.learningRate;  // lowered by each restart
    int attempt = 0;                 // restarts so far
    double attemptStart = 0.0;       // training seconds when the current attempt began
    Json restarts = Json::array();
    Json rangeRecord;  // the range test's, when the recipe asks for one
    std::string learningState = learningStateName(LearningState::Learning), learningReason;
    auto makeTrainer = [&](double lr) {
        TrainRecipe rr = r;
        rr.learningRate = lr;
        return std::make_unique<ClassTrainer>(model, in.tokens, rr, trainText, r.epochs * stepsPerEpoch, warmup,
                                              classWeights);
    };
    std::unique_ptr<ClassTrainer> trainer;

    const std::string recipeHash = sha256Hex(dumpJson(r.toJson()) + "|" + in.variant);
    int epochsDone = 0, planned = r.epochs, bestEpoch = 0, sinceBest = 0;
    double elapsed = 0.0, bestTop1 = -1.0;
    bool finished = false;
    std::string stopReason = "epochs";
    Json before, history = Json::array();

    std::error_code ec;
    fs::create_directories(in.ckpt, ec);
    if (ec) return makeError(ErrorCode::Io, in.ckpt.string() + ": " + ec.message());
    // checkpoint-E.pt is written first, then state.json names it, then the older one goes: a kill
    // at any point leaves a state.json whose checkpoint file is complete.
    const fs::path statePath = in.ckpt / "state.json", bestPath = in.ckpt / "best.pt";
    std::string ckptName;
    TrainMetrics prog;
    prog.variant = in.variant;
    if (fs::exists(statePath, ec)) {
        auto st = readJsonFile(statePath);
        if (!st) return st.error();
        const Json& s = *st;
        auto str = [&](const char* k) { return stateText(s, k); };
        auto num = [&](const char* k) { return stateNumber(s, k); };
        if (str("recipe_hash") != recipeHash || str("data_fingerprint") != data.fingerprint)
            return makeError(ErrorCode::Mismatch, in.ckpt.string() +
                                                      " holds a checkpoint of another recipe or data set; remove it to start afresh");
        ckptName = str("checkpoint");
        if (num("learning_rate") > 0) peakLr = num("learning_rate");
        attempt = static_cast<int>(num("attempt"));
        attemptStart = num("attempt_start_seconds");
        if (const Json* rs = jsonFind(s, "restarts"); rs && rs->is_array()) restarts = *rs;
        if (!str("learning_state").empty()) learningState = str("learning_state");
        learningReason = str("learning_reason");
        if (const Json* rt = jsonFind(s, "range_test")) rangeRecord = *rt;
        trainer = makeTrainer(peakLr);
        if (Status l = trainer->load((in.ckpt / ckptName).string()); !l) return l.error();
        epochsDone = static_cast<int>(num("epoch"));
        planned = static_cast<int>(num("planned_epochs"));
        elapsed = num("elapsed_seconds");
        bestTop1 = num("best_top1");
        bestEpoch = static_cast<int>(num("best_epoch"));
        sinceBest = static_cast<int>(num("since_best"));
        finished = stateFlag(s, "finished");
        stopReason = str("stop_reason");
        if (const Json* b = jsonFind(s, "before")) before = *b;
        if (const Json* h = jsonFind(s, "history"); h && h->is_array()) history = *h;
        trainer->setStep(static_cast<int64_t>(num("step")));
        trainer->setTotalSteps(planned * stepsPerEpoch);
        // The monitor sees the current attempt's epochs again, so it decides as an uninterrupted run.
        for (const Json& h : history) {
            auto hnum = [&](const char* k) { return stateNumber(h, k); };
            if (static_cast<int>(hnum("attempt")) != attempt || stateFlag(h, "partial")) continue;
            EpochObservation o;
            o.loss = hnum("loss");
            o.steps = static_cast<int64_t>(hnum("steps"));
            o.afterWarmup = stateFlag(h, "after_warmup");
            o.answers.topShare = hnum("val_top_share");
            o.answers.classesRecalled = static_cast<int>(hnum("val_classes_recalled"));
            monitor.epoch(o);
        }
        job.say(in.variant, "resuming after epoch " + std::to_string(epochsDone) + " from " + in.ckpt.string());
    } else {
        job.progress().stage("evaluate", 1);
        job.say(in.variant, "evaluating the starting model");
        before = evalClassModel(job, model, in.tokens).toJson(data.classes);
        job.progress().update(1);
        if (r.findLearningRate) {
            // Its time counts towards the budget; the chosen rate is the run's from here on.
            const auto t = Clock::now();
            auto probe = makeTrainer(r.learningRate);
            auto found = rangeTest(job, in, *probe, batch, peakLr);
            if (!found) return found.error();
            rangeRecord = *found;
            probe.reset();
            if (Status s = model->loadWeights(initial); !s) return s.error();
            elapsed = secondsSince(t);
            attemptStart = elapsed;  // epoch times for the budget's plan leave the test out
        }
        trainer = makeTrainer(peakLr);
    }

    auto saveState = [&]() -> Status {
        Json s = Json::object();
        s["format"] = "diffclip-training-checkpoint/1";
        s["recipe_hash"] = recipeHash;
        s["data_fingerprint"] = data.fingerprint;
        s["variant"] = in.variant;
        s["epoch"] = epochsDone;
        s["step"] = trainer->steps();
        s["planned_epochs"] = planned;
        s["elapsed_seconds"] = elapsed;
        s["best_top1"] = bestTop1;
        s["best_epoch"] = bestEpoch;
        s["since_best"] = sinceBest;
        s["finished"] = finished;
        s["stop_reason"] = stopReason;
        s["learning_rate"] = peakLr;
        s["attempt"] = attempt;
        s["attempt_start_seconds"] = attemptStart;
        s["restarts"] = restarts;
        s["learning_state"] = learningState;
        s["learning_reason"] = learningReason;
        if (!rangeRecord.is_null()) s["range_test"] = rangeRecord;
        // Sampling and augmentation draw from a generator seeded by (seed, epoch), so the epoch
        // number is the whole sampler position; the optimizer state is in checkpoint.pt.
        s["rng"] = "mt19937_64(seed, epoch)";
        s["before"] = before;
        s["history"] = history;
        const std::string name = "checkpoint-" + std::to_string(epochsDone) + (finished ? "-final" : "") + ".pt";
        s["checkpoint"] = name;
        if (Status st = trainer->save((in.ckpt / name).string()); !st) return st;
        if (Status st = writeTextAtomic(statePath, dumpJson(s, 1)); !st) return st;
        std::error_code rmEc;
        if (!ckptName.empty() && ckptName != name) fs::remove(in.ckpt / ckptName, rmEc);
        ckptName = name;
        return Status::success();
    };

    const auto runStart = Clock::now();
    const double elapsedAtStart = elapsed;
    auto now = [&] { return elapsedAtStart + secondsSince(runStart); };
    double lastEpochSeconds = 0.0;
    // One stage for the whole run (done = epochs, validation included), so the time left is the
    // run's; the curves get every step through onMetrics.
    job.progress().stage("epoch", planned);
    job.progress().update(epochsDone);
    while (!finished && epochsDone < planned) {
        const int epoch = epochsDone + 1;
        std::mt19937_64 rng(r.seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(epoch) * 0xBF58476D1CE4E5B9ULL +
                            (in.variant == "standard" ? 0x94D049BB133111EBULL : 0ULL));
        std::vector<size_t> order = split.train;
        shuffleIndices(order, rng);
        double lossSum = 0.0;
        int64_t seen = 0;
        bool budgetHit = false;
        LearningVerdict verdict;
        const int64_t firstStep = trainer->steps();
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
            auto images = makeBatch(data, idx, size, &r.augment, &rng, cfg.preprocess);
            const double loss = trainer->microStep(images, labelTensor(data, idx));
            lossSum += loss;
            ++seen;
            // A non-finite loss ends the epoch: every later step would be NaN too.
            verdict = monitor.step(loss, trainer->steps());
            prog.step = trainer->steps();
            prog.loss = lossSum / static_cast<double>(seen);
            prog.learningRate = trainer->currentLearningRate();
            paceMetrics(prog, {epoch, planned, stepsPerEpoch, micro, batch, seen, secondsSince(t0), lastEpochSeconds, now(),
                               job.budgetSeconds});
            job.metrics(prog);
            if (verdict.state != LearningState::Learning) break;
        }
        if (seen == 0) {
            finished = true;
            stopReason = "time budget";
            break;
        }
        const double trainSeconds = secondsSince(t0);
        // The monitor watches the live weights; with a moving average, the average is what the
        // best epoch is judged on (and saved from).
        const EvalMetrics live = evalClassModel(job, model, in.tokens);
        EvalMetrics averaged;
        if (trainer->hasAverage()) {
            trainer->swapAverage();
            averaged = evalClassModel(job, model, in.tokens);
        }
        const EvalMetrics& m = trainer->hasAverage() ? averaged : live;
        EpochObservation obs;
        obs.loss = lossSum / static_cast<double>(seen);
        obs.steps = trainer->steps() - firstStep;
        obs.afterWarmup = firstStep >= warmup;
        obs.answers = answerSpread(live.confusion);
        if (verdict.state == LearningState::Learning && !budgetHit) verdict = monitor.epoch(obs);
        Json h = Json::object();
        h["epoch"] = epoch;
        h["loss"] = obs.loss;
        h["val_top1"] = m.top1;
        h["val_balanced_accuracy"] = m.balancedAccuracy;
        if (trainer->hasAverage()) {
            h["val_top1_live"] = live.top1;
            h["val_balanced_accuracy_live"] = live.balancedAccuracy;
        }
        h["learning_rate"] = trainer->currentLearningRate();
        h["seconds"] = secondsSince(t0);
        h["images_per_second"] = static_cast<double>(seen * batch) / std::max(1e-9, trainSeconds);
        h["partial"] = budgetHit;
        h["attempt"] = attempt;
        h["steps"] = obs.steps;
        h["after_warmup"] = obs.afterWarmup;
        h["val_top_share"] = obs.answers.topShare;
        h["val_classes_recalled"] = obs.answers.classesRecalled;
        if (verdict.state != LearningState::Learning) h["learning"] = learningStateName(verdict.state);
        history.push_back(h);
        prog.valTop1 = m.top1;
        const bool diverged = verdict.state == LearningState::Diverging;
        if (!diverged && (m.count == 0 || m.top1 > bestTop1)) {  // diverged weights may be NaN
            bestTop1 = m.top1;
            bestEpoch = epoch;
            sinceBest = 0;
            if (Status s = saveWeights(model, bestPath); !s) return s.error();
        } else {
            ++sinceBest;
        }
        trainer->swapAverage();  // back to the live weights (no-op without an average)
        lastEpochSeconds = secondsSince(t0);
        if (verdict.state != LearningState::Learning) {
            const std::string what = learningStateName(verdict.state);
            if (r.recoverStalls && attempt < learning::kMaxRestarts && !budgetHit) {
                // Restart from the starting weights at a lower peak rate, with a fresh schedule.
                const double lower = peakLr / learning::kRestartDivisor;
                Json e = Json::object();
                e["attempt"] = attempt;
                e["epoch"] = epoch;
                e["state"] = what;
                e["reason"] = verdict.reason;
                e["learning_rate"] = peakLr;
                e["new_learning_rate"] = lower;
                restarts.push_back(e);
                std::ostringstream say;
                say << "not learning (" << what << "): " << verdict.reason << "; restarting from the starting weights at learning rate "
                    << lower << " (restart " << attempt + 1 << " of " << learning::kMaxRestarts << ")";
                job.say(in.variant, "epoch " + std::to_string(epoch) + " loss " + std::to_string(obs.loss) + " val top-1 " +
                                        std::to_string(m.top1));
                job.say(in.variant, say.str());
                if (Status s = model->loadWeights(initial); !s) return s.error();
                peakLr = lower;
                ++attempt;
                trainer = makeTrainer(peakLr);
                monitor.reset();
                std::error_code rmEc;
                fs::remove(bestPath, rmEc);
                epochsDone = 0;
                planned = r.epochs;
                bestTop1 = -1.0;
                bestEpoch = 0;
                sinceBest = 0;
                stopReason = "epochs";
                elapsed = now();
                attemptStart = elapsed;
                if (Status s = saveState(); !s) return s.error();
                job.progress().setTotal(planned);
                job.progress().update(0);
                continue;
            }
            // Out of restarts (or recovery off): stop and say so; the best epoch so far is kept.
            learningState = what;
            learningReason = verdict.reason;
            job.say(in.variant, "not learning (" + what + "): " + verdict.reason +
                                    (r.recoverStalls ? "; no restart left, stopping" : "; stopping (recovery off)"));
            // Diverged weights may be NaN: without a best epoch the package holds the starting weights.
            if (diverged && !fs::exists(bestPath, ec))
                if (Status s = model->loadWeights(initial); !s) return s.error();
            if (!budgetHit) epochsDone = epoch;
            finished = true;
            stopReason = what;
            elapsed = now();
            if (Status s = saveState(); !s) return s.error();
            break;
        }
        if (!budgetHit) epochsDone = epoch;
        // With a budget, the cosine schedule is planned to end with it: after every epoch the
        // epochs that still fit (at the mean epoch time so far, 3% spare) are re-estimated, so a
        // machine that gets busier shortens the schedule instead of cutting it off at a high rate.
        if (job.budgetSeconds > 0 && !budgetHit && epochsDone > 0) {
            bool ends = false;
            planned = epochsThatFit(epochsDone, now(), attemptStart, job.budgetSeconds, r.epochs, ends);
            if (ends) stopReason = "time budget";
            trainer->setTotalSteps(static_cast<int64_t>(planned) * stepsPerEpoch);
        }
        if (r.patience > 0 && sinceBest >= r.patience) {
            finished = true;
            stopReason = "early stopping";
        }
        if (budgetHit) {
            finished = true;
            stopReason = "time budget";
        }
        elapsed = now();
        if (Status s = saveState(); !s) return s.error();
        std::ostringstream msg;
        msg << "epoch " << epoch << "/" << planned << " loss " << lossSum / static_cast<double>(seen) << " val top-1 "
            << m.top1 << " balanced accuracy " << m.balancedAccuracy;
        prog.epoch = epoch;
        prog.epochs = planned;
        prog.loss = lossSum / static_cast<double>(seen);
        prog.learningRate = trainer->currentLearningRate();
        prog.elapsedSeconds = elapsed;
        prog.epochEnd = true;
        job.metrics(prog);
        prog.epochEnd = false;
        job.progress().setTotal(planned);
        job.progress().update(epochsDone);
        job.say(in.variant, msg.str());
    }
    if (job.cancelled()) return makeError(ErrorCode::Cancelled, "training cancelled before writing the package");

    // The best epoch's weights become the package.
    if (fs::exists(bestPath, ec))
        if (Status s = loadWeightsFile(model, bestPath); !s) return s.error();
    Json wise;
    job.progress().stage("evaluate", in.base ? 6 : 1);  // WiSE-FT's five mixes, then the final figures
    if (in.base) {
        job.say(in.variant, "WiSE-FT weight interpolation");
        StateDict ft;
        for (const auto& [n, t] : model->weights()) ft.emplace_back(n, t.detach().cpu().clone());
        auto mix = [&](double a) {
            StateDict out;
            for (const auto& [n, t] : ft) {
                const at::Tensor* b = findTensor(*in.base, n);
                out.emplace_back(n, b ? (b->to(torch::kFloat) * (1.0 - a) + t * a) : t);
            }
            return out;
        };
        wise = Json::array();
        double bestAlpha = 1.0, bestAlphaTop1 = -1.0;
        for (double a : {0.0, 0.25, 0.5, 0.75, 1.0}) {
            ClipModel tmp(cfg);
            if (Status s = tmp->loadWeights(mix(a)); !s) return s.error();
            tmp->to(job.device);
            const EvalMetrics m = evalClassModel(job, tmp, in.tokens);
            job.progress().advance();
            Json e = Json::object();
            e["alpha"] = a;
            e["top1"] = m.top1;
            e["top5"] = m.top5;
            wise.push_back(e);
            if (m.top1 >= bestAlphaTop1) {  // ties go to the more fine-tuned weights
                bestAlphaTop1 = m.top1;
                bestAlpha = a;
            }
        }
        const double chosen = r.wiseAlpha < 0 ? bestAlpha : std::min(1.0, r.wiseAlpha);
        if (chosen != 1.0)
            if (Status s = model->loadWeights(mix(chosen)); !s) return s.error();
        Json w = Json::object();
        w["alphas"] = wise;
        w["chosen_alpha"] = chosen;
        wise = w;
    }
    job.say(in.variant, "final evaluation");
    // Test-time flips: measured with one and four views; the package's search embeddings use
    // the views chosen (auto: the better of the two on top-1 + image recall@1, ties to one).
    const EvalMetrics single = evalClassModel(job, model, in.tokens, 1);
    const EvalMetrics flipped = evalClassModel(job, model, in.tokens, 4);
    auto searchScore = [](const EvalMetrics& m) {
        const auto r1 = m.recallAtK.find(1);
        return m.top1 + (r1 == m.recallAtK.end() ? 0.0 : r1->second);
    };
    int views = r.flipViews;
    if (views == 0) views = searchScore(flipped) > searchScore(single) ? 4 : 1;
    const EvalMetrics after = views == 1 ? single : views == 4 ? flipped : evalClassModel(job, model, in.tokens, views);
    if (Status s = model->setFlipViews(views); !s) return s.error();
    job.progress().advance();
    Json flips = Json::object();
    flips["setting"] = r.flipViews == 0 ? Json("auto") : Json(r.flipViews);
    flips["views"] = views;
    flips["single_view"] = single.toJson(data.classes);
    flips["four_views"] = flipped.toJson(data.classes);
    job.say(in.variant, "search embeddings average " + std::to_string(views) + " view(s): validation top-1 " +
                            std::to_string(single.top1) + " with one, " + std::to_string(flipped.top1) + " with four");

    Json v = Json::object();
    if (!in.variant.empty()) v["variant"] = in.variant;
    v["attention"] = attentionKindName(cfg.attention);
    v["parameters"] = cfg.parameterCount();
    v["before"] = before;
    v["after"] = after.toJson(data.classes);
    v["test_time_flips"] = flips;
    if (!wise.is_null()) v["wise_ft"] = wise;
    v["epochs_completed"] = epochsDone;
    v["planned_epochs"] = planned;
    v["best_epoch"] = bestEpoch;
    v["stop_reason"] = stopReason;
    v["training_seconds"] = elapsed;
    v["history"] = history;
    Json learn = Json::object();
    learn["chance_loss"] = monitor.chance();
    learn["state"] = learningState;
    if (!learningReason.empty()) learn["reason"] = learningReason;
    learn["recover"] = r.recoverStalls;
    learn["learning_rate"] = peakLr;
    learn["restarts"] = restarts;
    if (!rangeRecord.is_null()) learn["range_test"] = rangeRecord;
    v["learning"] = learn;
    v["parent"] = in.parent;
    return v;
}

}  // namespace diffclip::train
