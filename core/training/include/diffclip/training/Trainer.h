#pragma once
// Fine-tuning and training jobs on a folder-per-class tree (docs/TRAINING.md): the job's
// torch-free types and runTraining live in TrainJob.h; this header adds the LibTorch building
// blocks (loss, ClassTrainer, byte-level prompts) used by the trainer and its tests.

#include <ATen/core/Tensor.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "diffclip/formats/Json.h"
#include "diffclip/model/Model.h"
#include "diffclip/base/Result.h"
#include "diffclip/training/Dataset.h"
#include "diffclip/training/Starter.h"
#include "diffclip/training/TrainJob.h"

namespace diffclip {

/// Loads a starter's vision tower and image projection into `model` (on the CPU, float32):
/// checksum checked, position embeddings resized bicubically to the model's grid; every other
/// weight is kept. Returns the record training.json keeps as parent.init. Errors: Mismatch (does
/// not fit), Format (damaged), NotFound/Io.
Result<Json> applyStarter(ClipModel& model, const StarterInfo& starter);

// ---- Building blocks, exposed for tests ----

/// Cross-entropy with label smoothing and per-class weights (weights may be undefined).
at::Tensor classificationLoss(const at::Tensor& logits, const at::Tensor& labels, const at::Tensor& classWeights,
                              double labelSmoothing);

/// Optimizer and objective for Contrastive / Scratch: image embeddings against class text
/// embeddings (text recomputed per step when the text tower trains). Not thread-safe.
class ClassTrainer {
public:
    /// `tokens`: (C, L) int64 class prompts. `totalSteps` for the cosine schedule.
    ClassTrainer(ClipModel model, at::Tensor tokens, const TrainRecipe& recipe, bool trainText, int64_t totalSteps,
                 int64_t warmupSteps, at::Tensor classWeights);
    ~ClassTrainer();
    /// Forward + backward of one micro-batch (images (B,3,S,S) normalised, labels (B) int64);
    /// steps the optimizer every `accumulation` calls. Returns the loss value.
    double microStep(const at::Tensor& images, const at::Tensor& labels);
    /// The loss without gradients.
    double evalLoss(const at::Tensor& images, const at::Tensor& labels);
    /// Class text embeddings (C, E), normalised, without gradients.
    at::Tensor classEmbeddings();
    int64_t steps() const;
    double currentLearningRate() const;
    ClipModel model() const;
    /// True when the recipe keeps a moving average of the weights (TrainRecipe::emaDecay > 0).
    bool hasAverage() const;
    /// Exchanges the model's weights with their moving average; a second call restores them.
    /// Evaluate between the two calls to judge the average. No-op without one.
    void swapAverage();
    Status save(const std::string& path) const;  // weights + optimizer state + average (torch archive)
    Status load(const std::string& path);
    void setStep(int64_t step);
    void setTotalSteps(int64_t total);  // the cosine schedule's length
    /// Every later step at this rate instead of the schedule (the range test); <= 0: the schedule.
    void setFixedRate(double rate);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// NT-Xent (SimCLR's loss): a (N, E) and b (N, E) are normalised embeddings of two views of the
/// same N photos; each of the 2N views must find its pair among the other 2N - 1 at `temperature`.
/// The mean cross-entropy over the 2N views.
at::Tensor ntXentLoss(const at::Tensor& a, const at::Tensor& b, double temperature);
/// Share (0..1) of the views of a whose most similar view of b is its own pair, averaged with the
/// same from b to a.
double viewMatchAccuracy(const at::Tensor& a, const at::Tensor& b);

/// Validation figures from class logits (N, C), labels (N) int64 and normalised image embeddings
/// (N, E) on the CPU; `hashes` (N) mark identical files, which image recall leaves out.
EvalMetrics computeMetrics(const at::Tensor& logits, const at::Tensor& labels, const at::Tensor& emb,
                           const std::vector<std::string>& hashes, int64_t classes);

/// Byte-level prompt row for a text tower without a merges file: ids 1..256 are bytes + 1,
/// 257 start, 258 end (the largest id, which the text tower reads), zero-padded to contextLength.
std::vector<int64_t> byteTokenRow(const std::string& text, int64_t contextLength);
constexpr int64_t kByteTokenizerVocab = 259;

}  // namespace diffclip
