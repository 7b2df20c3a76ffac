#pragma once
// Private to diffclip_training: the pieces the training modes share (Trainer.cpp split by what
// it holds). Not installed, not for the UI: it includes LibTorch.

#include <torch/torch.h>

#include <ATen/autocast_mode.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "diffclip/model/ModelIO.h"
#include "diffclip/training/Starter.h"
#include "diffclip/training/Trainer.h"

namespace diffclip {
class Tokenizer;
}

namespace diffclip::train {

namespace fs = std::filesystem;

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t);
Error torchError(const std::string& what, const std::exception& e);

// Model input for the given samples: augmented views when `aug` is set, else the evaluation view.
at::Tensor makeBatch(const Dataset& data, const std::vector<size_t>& idx, int size, const AugmentConfig* aug,
                     std::mt19937_64* rng, const PreprocessConfig& pp);
at::Tensor labelTensor(const Dataset& data, const std::vector<size_t>& idx);

// bf16 autocast on CUDA only: LibTorch's CPU autocast in 1.13 covers too few ops to pay off.
struct AutocastGuard {
    bool on;
    explicit AutocastGuard(bool cuda) : on(cuda) {
        if (on) {
            at::autocast::set_enabled(true);
            at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
        }
    }
    ~AutocastGuard() {
        if (on) {
            at::autocast::set_enabled(false);
            at::autocast::clear_cache();
        }
    }
    AutocastGuard(const AutocastGuard&) = delete;
    AutocastGuard& operator=(const AutocastGuard&) = delete;
};

// Normalised image embeddings (N, E) on the CPU, without gradients, of `views` flipped copies
// averaged (ClipModelImpl::flipAverage; 1: the photo alone).
at::Tensor embedImages(const ClipModel& model, const Dataset& data, const std::vector<size_t>& idx, int size,
                       const PreprocessConfig& pp, at::Device device, int batch, int views = 1);
at::Tensor textEmbeddings(const ClipModel& model, const at::Tensor& tokens);
double logitScaleValue(const ClipModel& model);

Status writeTextAtomic(const fs::path& path, const std::string& text);
// Members of a checkpoint's state.json, written by us but read as untrusted: a member missing or of
// another type reads as "", 0 or false.
std::string stateText(const Json& state, const char* key);
double stateNumber(const Json& state, const char* key);
bool stateFlag(const Json& state, const char* key);
Result<Json> readJsonFile(const fs::path& path);

std::string archiveKey(const std::string& name);
Status saveWeights(const ClipModel& model, const fs::path& path);
void readWeights(torch::serialize::InputArchive& ar, ClipModel& model);
Status loadWeightsFile(ClipModel& model, const fs::path& path);

std::vector<int64_t> trainCounts(const Dataset& data, const DataSplit& split);
at::Tensor classWeightTensor(const std::vector<int64_t>& counts, bool balance);

// AdamW over the parameters `trainable(name)` picks, with linear warm-up, cosine decay to the
// recipe's floor, gradient clipping and accumulation; no decay on norms, biases, lambdas (1-D or
// scalar) and embeddings / tokens. Shared by the class objective and the self-supervised one.
class StepOptimizer {
public:
    StepOptimizer(const ClipModel& model, const std::function<bool(const std::string&)>& trainable,
                  const TrainRecipe& recipe, int64_t totalSteps, int64_t warmupSteps);
    /// Back-propagates loss / accumulation; steps every `accumulation` calls (returns true then).
    bool backward(const at::Tensor& loss);
    double rateAt(int64_t step) const;
    double currentRate() const { return m_fixedRate > 0 ? m_fixedRate : rateAt(m_step); }
    /// A rate used for every step instead of the schedule (the range test); <= 0 back to the schedule.
    void setFixedRate(double rate) { m_fixedRate = rate; }
    int64_t steps() const { return m_step; }
    void setStep(int64_t step) { m_step = step; }
    void setTotalSteps(int64_t total) { m_total = std::max<int64_t>(1, total); }
    /// Weights of `model`, the optimizer state and `extra` named tensors (the weights' moving
    /// average) in one torch archive (written atomically). load fills `extra` by name when given;
    /// an archive without them leaves it as it was.
    Status save(const ClipModel& model, const std::string& path, const StateDict* extra = nullptr) const;
    Status load(ClipModel& model, const std::string& path, StateDict* extra = nullptr);

private:
    TrainRecipe m_recipe;
    int64_t m_total = 1, m_warmup = 0, m_step = 0, m_micro = 0;
    double m_fixedRate = 0.0;
    std::vector<at::Tensor> m_trainable;
    std::unique_ptr<torch::optim::AdamW> m_opt;
};

// The photos of micro-step m of an epoch: `batch` entries of the shuffled order, wrapping round.
std::vector<size_t> batchIndices(const std::vector<size_t>& order, int64_t m, int64_t batch);

// Where an epoch stands, for the live figures of a micro-step (both epoch loops).
struct EpochPace {
    int epoch = 0, planned = 0;
    int64_t stepsPerEpoch = 0, micro = 0, batch = 0;
    int64_t seen = 0;                // micro-steps done in this epoch
    double epochSeconds = 0.0;       // since the epoch began
    double lastEpochSeconds = 0.0;   // the previous epoch's length; 0 before the first
    double now = 0.0;                // training seconds over resumes
    double budgetSeconds = 0.0;      // 0: none
};
// Fills the figures that depend only on the pace (epoch, steps planned, speed, time left).
void paceMetrics(TrainMetrics& p, const EpochPace& pace);

// With a time budget, the epochs that still fit at the mean epoch time so far (3 % spare),
// between epochsDone and maxEpochs; `budgetEnds` is set when none more fit.
int epochsThatFit(int epochsDone, double now, double attemptStart, double budgetSeconds, int maxEpochs, bool& budgetEnds);

struct Job {
    const TrainRecipe& recipe;
    const TrainOptions& options;
    const Dataset& data;
    const DataSplit& split;
    at::Device device;
    double budgetSeconds = 0.0;  // for the current variant; 0 none

    void metrics(const TrainMetrics& m) const {
        if (options.onMetrics) options.onMetrics(m);
    }
    const Progress& progress() const { return options.job.progress; }
    // A log line, marked with the variant when two are compared.
    void say(const std::string& variant, const std::string& text) const {
        progress().message(variant.empty() ? text : "[" + variant + "] " + text);
    }
    bool cancelled() const { return options.job.cancel.cancelled(); }
};

std::vector<std::string> hashesOf(const Dataset& data, const std::vector<size_t>& idx);
EvalMetrics evalClassModel(const Job& job, const ClipModel& model, const at::Tensor& tokens, int views = 1);

Json classesJson(const Dataset& data, const at::Tensor& embeddings, const std::string& kind);
// Writes `model` as a package in ckpt/package (replacing one left there); returns that folder.
Result<fs::path> stagePackage(const ClipModel& model, const std::string& mergesPath, const std::string& source,
                              const fs::path& ckpt);
Status installPackage(const ClipModel& model, const std::string& mergesPath, const std::string& source,
                      const fs::path& ckpt, const fs::path& out, const Json& training, const Json& classes,
                      bool overwrite);
Json dataJson(const Dataset& data, const DataSplit& split);
Json parentJson(const LoadedModel& m);
Result<at::Tensor> promptTokens(const Dataset& data, const Tokenizer* tok, int64_t contextLength);

struct VariantInput {
    std::string variant;      // "" or "differential" / "standard"
    ClipModel model{nullptr};
    at::Tensor tokens;
    std::string mergesPath;
    Json parent;
    fs::path out, ckpt;
    const StateDict* base = nullptr;  // contrastive: the weights WiSE-FT interpolates from
};

/// Contrastive and scratch: trains one variant, returns its part of training.json.
Result<Json> trainClassVariant(Job& job, VariantInput& in);
/// The linear probe's head, logits = x·weightᵀ + bias, fitted full-batch with Adam (the recipe's
/// learning rate, weight decay, label smoothing; `epochs` iterations) from 10 × the class
/// prototypes. `after(iteration, head)` runs after each step; returning false stops the fit
/// (completed false). Returns detached tensors.
struct LinearHead {
    at::Tensor weight, bias;
    double loss = 0.0;
    bool completed = true;
};
LinearHead fitLinearHead(const at::Tensor& x, const at::Tensor& y, const at::Tensor& prototypes, const TrainRecipe& r,
                         const at::Tensor& classWeights, const std::function<bool(int, const LinearHead&)>& after);
/// Normalised class means of the rows of x (labels y in 0..classes-1); a class without rows is 0.
at::Tensor classPrototypes(const at::Tensor& x, const at::Tensor& y, int64_t classes);
/// The linear probe; the class head comes back under "_head".
Result<Json> runLinear(Job& job, const LoadedModel& base);
/// Self-supervised: trains in.model's vision tower on two augmented views per photo (NT-Xent);
/// returns its part of training.json. in.tokens is unused.
Result<Json> trainSelfSupervisedVariant(Job& job, VariantInput& in);

}  // namespace diffclip::train
