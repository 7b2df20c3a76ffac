// The data-needs study (DataNeeds.h): learning curves from repeated draws of N photos per class.
#include "diffclip/training/DataNeeds.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "TrainInternal.h"

namespace diffclip {

namespace {

using train::Clock;
using train::secondsSince;
namespace fs = std::filesystem;

struct Figures {
    double top1 = 0.0, balanced = 0.0;
};

// Top-1 and balanced accuracy of class logits against labels.
Figures figuresOf(const at::Tensor& logits, const at::Tensor& labels, int64_t classes) {
    Figures f;
    if (labels.numel() == 0) return f;
    auto pred = logits.argmax(1);
    f.top1 = pred.eq(labels).to(torch::kDouble).mean().item<double>();
    std::vector<std::vector<int64_t>> confusion(static_cast<size_t>(classes), std::vector<int64_t>(static_cast<size_t>(classes), 0));
    auto p = pred.contiguous(), y = labels.contiguous();
    const int64_t* pp = p.data_ptr<int64_t>();
    const int64_t* yp = y.data_ptr<int64_t>();
    for (int64_t i = 0; i < y.numel(); ++i) ++confusion[static_cast<size_t>(yp[i])][static_cast<size_t>(pp[i])];
    f.balanced = balancedAccuracy(confusion);
    return f;
}

double num(const Json& obj, const char* key) {
    const Json* v = jsonFind(obj, key);
    return v && v->is_number() ? v->get<double>() : 0.0;
}

// The model whose frozen image tower the linear runs embed with: a starter folder, a package, or
// the installed starter of the recipe's architecture.
Result<ClipModel> linearBase(const DataNeedsRequest& req, std::string& described) {
    std::error_code ec;
    std::optional<StarterInfo> starter;
    if (req.base.empty()) {
        const std::string& arch = req.recipe.architecture;
        auto cfg = arch.rfind("preset:", 0) == 0 ? ModelConfig::preset(arch.substr(7)) : ModelConfig::fromFile(arch);
        if (!cfg) return cfg.error();
        starter = findStarter(*cfg);
        if (!starter)
            return makeError(ErrorCode::NotFound, "no installed starter fits " + arch + ": give a base model (--base)");
    } else if (fs::exists(fs::path(req.base) / "starter.json", ec)) {
        auto s = readStarter(req.base);
        if (!s) return s.error();
        starter = *s;
    }
    if (starter) {
        ClipModel m(starter->config);
        m->initialiseRandom(req.recipe.seed);
        auto applied = applyStarter(m, *starter);
        if (!applied) return applied.error();
        described = "starter " + starter->dir;
        return m;
    }
    LoadOptions lo;
    lo.checksums = true;
    auto m = loadModel(req.base, lo);
    if (!m) return m.error();
    described = req.base;
    return m->model;
}

// Normalised embeddings of the given photos, in batches of 64, with progress and cancel.
Result<at::Tensor> embedWithProgress(const ClipModel& model, const Dataset& data, const std::vector<size_t>& idx,
                                     at::Device device, const JobControl& job, int64_t& done) {
    const auto& cfg = model->config();
    std::vector<at::Tensor> parts;
    for (size_t b = 0; b < idx.size(); b += 64) {
        if (job.cancel.cancelled()) return makeError(ErrorCode::Cancelled, "study cancelled");
        std::vector<size_t> chunk(idx.begin() + static_cast<std::ptrdiff_t>(b),
                                  idx.begin() + static_cast<std::ptrdiff_t>(std::min(idx.size(), b + 64)));
        parts.push_back(train::embedImages(model, data, chunk, static_cast<int>(cfg.vision.imageSize), cfg.preprocess, device, 64,
                                                  static_cast<int>(cfg.preprocess.flipViews)));
        done += static_cast<int64_t>(chunk.size());
        job.progress.update(done);
    }
    if (parts.empty()) return torch::zeros({0, cfg.embedDim});
    return torch::cat(parts);
}

// Positions in `pool` of the indices of `subset` (both ascending).
std::vector<int64_t> positionsIn(const std::vector<size_t>& pool, const std::vector<size_t>& subset) {
    std::vector<int64_t> out;
    out.reserve(subset.size());
    size_t j = 0;
    for (size_t i = 0; i < pool.size() && j < subset.size(); ++i)
        if (pool[i] == subset[j]) {
            out.push_back(static_cast<int64_t>(i));
            ++j;
        }
    return out;
}

double meanPerClass(const Dataset& data, const std::vector<size_t>& subset) {
    std::vector<int64_t> n(data.classes.size(), 0);
    for (size_t i : subset) ++n[static_cast<size_t>(data.samples[i].label)];
    double s = 0.0;
    for (auto v : n) s += static_cast<double>(v);
    return data.classes.empty() ? 0.0 : s / static_cast<double>(data.classes.size());
}

std::string percent(double v) {
    std::ostringstream o;
    o.setf(std::ios::fixed);
    o.precision(1);
    o << 100.0 * v << " %";
    return o.str();
}

void fitCurves(DataNeedsReport& rep) {
    std::vector<double> n, mean, low, high;
    for (const auto& p : rep.points) {
        n.push_back(p.perClass);
        mean.push_back(p.mean);
        low.push_back(p.interval.low);
        high.push_back(p.interval.high);
    }
    if (std::set<double>(n.begin(), n.end()).size() < 3) {
        rep.curveNote = "a learning curve needs at least three different sizes";
        return;
    }
    auto c = stats::fitLearningCurve(n, mean);
    if (!c) {
        rep.curveNote = c.error().message;
        return;
    }
    rep.curve = *c;
    if (auto l = stats::fitLearningCurve(n, low)) rep.lower = *l;
    if (auto h = stats::fitLearningCurve(n, high)) rep.upper = *h;
    rep.needed = rep.curve->sizeFor(rep.target);
    if (rep.upper) rep.neededLow = rep.upper->sizeFor(rep.target);
    if (rep.lower) rep.neededHigh = rep.lower->sizeFor(rep.target);
}

Json curveJson(const std::optional<stats::LearningCurve>& c) {
    if (!c) return nullptr;
    return Json::object({{"a", c->a}, {"b", c->b}, {"c", c->c}, {"rmse", c->rmse}, {"max_n", c->maxN}});
}

Json optionalJson(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

}  // namespace

Result<std::vector<int>> parseDataSizes(const std::string& text) {
    std::set<int> sizes;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
        if (b == std::string::npos) continue;
        item = item.substr(b, e - b + 1);
        if (item == "all") {
            sizes.insert(0);
            continue;
        }
        size_t used = 0;
        long v = 0;
        try {
            v = std::stol(item, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != item.size() || v < 1 || v > 1000000)
            return makeError(ErrorCode::InvalidArgument, "sizes: \"" + item + "\" is not a number of photos per class (1 or more) or all");
        sizes.insert(static_cast<int>(v));
    }
    if (sizes.empty()) return makeError(ErrorCode::InvalidArgument, "sizes: none given");
    std::vector<int> out;
    for (int v : sizes)
        if (v > 0) out.push_back(v);
    if (sizes.count(0)) out.push_back(0);  // all: the largest
    return out;
}

Json DataNeedsReport::toJson() const {
    Json j = Json::object();
    j["format"] = "diffclip-data-needs/1";
    j["mode"] = mode;
    j["base"] = base;
    j["held_out"] = heldOut;
    Json cls = Json::array();
    for (size_t c = 0; c < classes.size(); ++c)
        cls.push_back(Json::object({{"name", classes[c]}, {"train_pool", c < trainPool.size() ? trainPool[c] : 0}}));
    j["classes"] = cls;
    Json pts = Json::array();
    for (const auto& p : points) {
        Json e = Json::object();
        e["requested"] = p.requested == 0 ? Json("all") : Json(p.requested);
        e["per_class"] = p.perClass;
        e["top1"] = p.top1;
        e["balanced_accuracy"] = p.balanced;
        e["mean"] = p.mean;
        e["interval"] = Json::array({p.interval.low, p.interval.high});
        e["seconds"] = p.seconds;
        pts.push_back(e);
    }
    j["points"] = pts;
    j["curve"] = curveJson(curve);
    j["curve_lower"] = curveJson(lower);
    j["curve_upper"] = curveJson(upper);
    if (!curveNote.empty()) j["curve_note"] = curveNote;
    j["target"] = target;
    j["needed"] = optionalJson(needed);
    j["needed_low"] = optionalJson(neededLow);
    j["needed_high"] = optionalJson(neededHigh);
    j["seconds"] = seconds;
    return j;
}

Result<DataNeedsReport> runDataNeeds(const DataNeedsRequest& req, const JobControl& job) {
    try {
        if (req.mode != TrainMode::Linear && req.mode != TrainMode::Scratch)
            return makeError(ErrorCode::InvalidArgument, "the data-needs study runs --mode linear or scratch");
        if (req.sizes.empty()) return makeError(ErrorCode::InvalidArgument, "no sizes to measure");
        if (req.repeats < 1 || req.repeats > 100) return makeError(ErrorCode::InvalidArgument, "repeats must be 1..100");
        if (!(req.target > 0.0 && req.target <= 1.0)) return makeError(ErrorCode::InvalidArgument, "the target must be in (0, 1]");
        if (!(req.recipe.valFraction > 0.0 && req.recipe.valFraction < 1.0))
            return makeError(ErrorCode::InvalidArgument, "the study needs a held-out split (validation fraction in (0, 1))");
        auto device = parseDevice(req.recipe.device);
        if (!device) return device.error();
        const auto t0 = Clock::now();
        DataNeedsReport rep;
        rep.mode = trainModeName(req.mode);
        rep.target = req.target;

        job.progress.stage("prepare");
        ClipModel base{nullptr};
        int cacheSize = 64;
        if (req.mode == TrainMode::Linear) {
            auto m = linearBase(req, rep.base);
            if (!m) return m.error();
            base = *m;
            base->to(*device);
            base->eval();
            cacheSize = static_cast<int>(base->config().vision.imageSize);
        } else {
            rep.base = "init " + req.recipe.init;
        }
        // Scratch runs decode the tree themselves; this pass only lists it and fixes the split
        // at the smallest decode size (the split depends on the files, not on their pixels).
        auto data = loadDataset(req.dataRoot, cacheSize, req.decode, job);
        if (!data) return data.error();
        if (data->classes.size() < 2) return makeError(ErrorCode::InvalidArgument, req.dataRoot + ": the study needs two or more classes");
        auto split = splitDataset(*data, req.recipe.valFraction, req.recipe.seed);
        if (!split) return split.error();
        if (split->val.empty() || split->train.empty()) return makeError(ErrorCode::InvalidArgument, "too few photos for a held-out split");
        for (const auto& c : data->classes) rep.classes.push_back(c.name);
        rep.trainPool = train::trainCounts(*data, *split);
        rep.heldOut = static_cast<int64_t>(split->val.size());
        const int64_t largestPool = *std::max_element(rep.trainPool.begin(), rep.trainPool.end());
        const auto C = static_cast<int64_t>(data->classes.size());

        // Draws per size: a size that takes every training photo is one draw.
        std::vector<int> runsOf;
        int64_t totalRuns = 0;
        for (int n : req.sizes) {
            runsOf.push_back(n == 0 || n >= largestPool ? 1 : req.repeats);
            totalRuns += runsOf.back();
        }

        at::Tensor trEmb, vaEmb, trLabels, vaLabels;
        if (req.mode == TrainMode::Linear) {
            job.progress.stage("embed", static_cast<int64_t>(split->train.size() + split->val.size()));
            job.progress.message("embedding " + std::to_string(split->train.size() + split->val.size()) +
                                 " photos with the frozen image tower of " + rep.base);
            int64_t done = 0;
            auto tr = embedWithProgress(base, *data, split->train, *device, job, done);
            if (!tr) return tr.error();
            auto va = embedWithProgress(base, *data, split->val, *device, job, done);
            if (!va) return va.error();
            trEmb = *tr;
            vaEmb = *va;
            trLabels = train::labelTensor(*data, split->train);
            vaLabels = train::labelTensor(*data, split->val);
        }

        job.progress.stage("run", totalRuns);
        int64_t runsDone = 0;
        for (size_t si = 0; si < req.sizes.size(); ++si) {
            const int n = req.sizes[si];
            DataNeedsPoint point;
            point.requested = n;
            const auto ts = Clock::now();
            for (int r = 0; r < runsOf[si]; ++r) {
                if (job.cancel.cancelled()) return makeError(ErrorCode::Cancelled, "study cancelled");
                const auto subset = drawPerClass(*data, split->train, n, static_cast<uint64_t>(r));
                point.perClass = meanPerClass(*data, subset);
                Figures f;
                if (req.mode == TrainMode::Linear) {
                    torch::manual_seed(req.recipe.seed);
                    auto pos = torch::tensor(positionsIn(split->train, subset), torch::kLong);
                    auto x = trEmb.index_select(0, pos), y = trLabels.index_select(0, pos);
                    std::vector<int64_t> counts(static_cast<size_t>(C), 0);
                    for (size_t i : subset) ++counts[static_cast<size_t>(data->samples[i].label)];
                    const auto head = train::fitLinearHead(
                        x, y, train::classPrototypes(x, y, C), req.recipe,
                        train::classWeightTensor(counts, req.recipe.balanceClasses),
                        [&](int, const train::LinearHead&) { return !job.cancel.cancelled(); });
                    if (!head.completed) return makeError(ErrorCode::Cancelled, "study cancelled");
                    torch::NoGradGuard ng;
                    f = figuresOf(vaEmb.matmul(head.weight.t()) + head.bias, vaLabels, C);
                } else {
                    const fs::path work = req.workDir.empty() ? fs::temp_directory_path() : fs::path(req.workDir);
                    const fs::path out = work / ("diffclip-data-needs-" + std::to_string(n) + "-" + std::to_string(r) + "-" +
                                                 std::to_string(static_cast<long long>(std::chrono::system_clock::now().time_since_epoch().count())));
                    TrainOptions to;
                    to.job.cancel = job.cancel;
                    // The run's own log lines (one per epoch) go on in the study's log; its stages
                    // would hide the study's, so they stay inside.
                    const Progress outer = job.progress;
                    to.job.progress = Progress([outer](const ProgressUpdate& u) {
                        if (!u.message.empty()) outer.message("  " + u.message);
                    });
                    to.trainPerClass = n;
                    to.trainDrawSeed = static_cast<uint64_t>(r);
                    to.decode = req.decode;
                    auto trained = runTraining(req.dataRoot, req.recipe, out.string(), to);
                    std::error_code ec;
                    fs::remove_all(out, ec);
                    fs::remove_all(out.string() + ".partial", ec);
                    // The run's own checkpoint went with it: a cancelled study starts again from the top.
                    if (!trained && trained.error().code == ErrorCode::Cancelled)
                        return makeError(ErrorCode::Cancelled, "study cancelled");
                    if (!trained) return trained.error();
                    const Json* after = jsonFind(trained->summary, "after");
                    if (!after) return makeError(ErrorCode::Format, "a scratch run reported no validation figures");
                    f.top1 = num(*after, "top1");
                    f.balanced = num(*after, "balanced_accuracy");
                }
                point.top1.push_back(f.top1);
                point.balanced.push_back(f.balanced);
                job.progress.update(++runsDone);
                job.progress.message((n == 0 ? std::string("all") : std::to_string(n)) + " per class, draw " +
                                     std::to_string(r + 1) + "/" + std::to_string(runsOf[si]) + ": top-1 " + percent(f.top1) +
                                     ", balanced " + percent(f.balanced));
            }
            point.seconds = secondsSince(ts);
            const auto ci = stats::meanInterval95(point.top1);
            point.mean = 0.0;
            for (double v : point.top1) point.mean += v;
            point.mean /= static_cast<double>(point.top1.size());
            point.interval = {std::clamp(ci.low, 0.0, 1.0), std::clamp(ci.high, 0.0, 1.0)};
            rep.points.push_back(point);
        }
        fitCurves(rep);
        rep.seconds = secondsSince(t0);
        return rep;
    } catch (const c10::Error& e) {
        return train::torchError("data-needs study", e);
    } catch (const std::exception& e) {
        return train::torchError("data-needs study", e);
    }
}

}  // namespace diffclip
