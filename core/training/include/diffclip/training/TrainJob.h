#pragma once
// The torch-free face of a training job (docs/TRAINING.md): mode, recipe and presets, live
// metrics, options, evaluation figures, report and runTraining. The UI includes this header; Trainer.h adds the
// LibTorch building blocks on top of it.
//
// Modes:
//   Linear       a logistic-regression head on the frozen image embeddings of a base model
//   Contrastive  fine-tunes the image tower (optionally the text tower) against the class
//                prompt embeddings, CLIP-style; early vision blocks can stay frozen
//   Scratch      trains a small DiffCLIP (both towers) from the starter or random weights
//   SelfSupervised
//                trains a vision tower on unlabelled photos: two augmented views of each photo
//                are pulled together, the batch's other photos pushed away (NT-Xent, SimCLR);
//                the result is a starter (Starter.h) for Scratch, not a model package
// The result is a model package (ModelIO.h) plus training.json (parent, recipe, data
// fingerprint, split, metrics) and classes.json (the class head).
//
// Threading: runTraining blocks its caller; the progress and metrics callbacks run on that
// thread; the cancel token may be cancelled from any thread. LibTorch's intra-op threads are set
// by the caller.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "diffclip/formats/Json.h"
#include "diffclip/base/Job.h"
#include "diffclip/base/Result.h"
#include "diffclip/training/Dataset.h"

namespace diffclip {

enum class TrainMode { Linear, Contrastive, Scratch, SelfSupervised };
const char* trainModeName(TrainMode mode);  // "linear" | "contrastive" | "scratch" | "self-supervised"
Result<TrainMode> parseTrainMode(const std::string& text);

struct TrainRecipe {
    TrainMode mode = TrainMode::Contrastive;
    std::string preset = "standard";       // quick | standard | thorough (what presetRecipe filled in)
    std::string base;                      // MODEL argument (linear, contrastive)
    std::string architecture = "preset:diffclip-mini";  // scratch, self-supervised: "preset:NAME" or a config.json path
    int64_t imageSize = 0;                 // scratch, self-supervised: training resolution in pixels (0: the architecture's)
    /// scratch, self-supervised: where the vision tower starts. "auto": the installed starter that fits the
    /// architecture (Starter.h), else random; "starter": that starter, an error when none fits;
    /// "random": random weights (for comparison); or a starter folder. The text tower always
    /// starts random. With compareAttention "auto" uses starters only when both variants have one.
    std::string init = "auto";
    int epochs = 30;                       // upper bound; the time budget may end earlier
    double timeBudgetMinutes = 0.0;        // 0: none. Training stops cleanly at the budget, best kept
    double valFraction = 0.2;              // 0 <= f < 1
    uint64_t seed = 0;                     // split, initialisation, sampling, augmentation
    std::string device = "cpu";            // parseDevice syntax
    int batchSize = 64;                    // photos per micro-batch
    int accumulation = 1;                  // micro-batches per optimizer step
    double learningRate = 1e-3;            // peak, after warm-up
    double minLearningRateRatio = 0.01;    // cosine floor as a fraction of the peak
    double weightDecay = 0.05;             // decoupled; never on norms, biases, lambdas, embeddings
    double warmupEpochs = 1.0;             // linear warm-up (at least one epoch is recommended)
    double clipNorm = 1.0;                 // gradient clipping by global norm; 0 off
    double labelSmoothing = 0.1;           // 0..0.5
    bool balanceClasses = true;            // loss weights n / (C * n_class)
    bool recoverStalls = true;             // contrastive, scratch: restart at a lower rate when the
                                           // loss stalls at chance or diverges (LearningMonitor.h)
    /// contrastive, scratch: decay per optimizer step of an exponential moving average of the
    /// weights (0 off, else 0 < d < 1). Validation judges the average, and the best epoch's
    /// average becomes the package; the live weights' figure is kept in the history.
    double emaDecay = 0.0;
    /// contrastive, scratch: before the first epoch, a learning-rate range test (a few dozen
    /// steps at rates rising from learningRate / 1000 to learningRate x 100, then back to the
    /// starting weights) picks the peak rate by pickLearningRate (LearningMonitor.h), within
    /// learningRate / 100 .. learningRate x 10; learningRate is kept when the curve says nothing.
    bool findLearningRate = false;
    /// contrastive, scratch: flipped views averaged by the package's search embeddings
    /// (PreprocessConfig::flipViews): 0 = auto, the final validation is run with 1 and 4 views
    /// and 4 kept when top-1 + image recall@1 is higher with them; else 1, 2 or 4 as given.
    /// Scratch presets: auto (small models, where 4 views cost little); contrastive: 1 (a ViT-B/16
    /// would index four times slower).
    int flipViews = 0;
    int patience = 0;                      // early stopping: epochs without val improvement; 0 off
    int freezeBlocks = 0;                  // contrastive: vision blocks (from the input) left frozen
    bool trainText = false;                // contrastive: also fine-tune the text tower
    bool compareAttention = false;         // scratch: train standard and differential on one split
    double wiseAlpha = 1.0;                // contrastive: weight of the fine-tuned model in the package
                                           // (0 base .. 1 fine-tuned); < 0 picks the best val alpha
    double temperature = 0.2;              // self-supervised: NT-Xent temperature (0 < t <= 1)
    AugmentConfig augment;

    Json toJson() const;
};

/// A recipe with the defaults of `preset` (quick | standard | thorough) for `mode`.
/// Errors: InvalidArgument for an unknown preset.
Result<TrainRecipe> presetRecipe(TrainMode mode, const std::string& preset);

/// The live figures of a run, for curves and a status line. Data, not progress: where the run
/// is and how to stop it go through TrainOptions::job like every long operation's.
struct TrainMetrics {
    std::string variant;        // "" or "differential" / "standard" when comparing
    int epoch = 0;              // 1-based, current (linear: head iteration)
    int epochs = 0;             // planned
    int64_t step = 0;           // optimizer steps done
    int64_t steps = 0;          // planned
    double loss = 0.0;          // running mean of the epoch (linear: the current full-batch loss)
    double learningRate = 0.0;  // the optimizer's current learning rate (after warm-up/cosine)
    double valTop1 = -1.0;      // last validation top-1 (0..1), -1 before the first
    /// True on the one report that closes an epoch (linear: an evaluation of the head); then
    /// valTop1 is that epoch's fresh figure and `loss` the epoch's mean. Curves plot these.
    bool epochEnd = false;
    double elapsedSeconds = 0;  // training time so far, over resumes
    double remainingSeconds = -1;  // estimate; -1 unknown
    double imagesPerSecond = 0;
};

struct TrainOptions {
    /// Progress and cancel (Job.h). Stages: "prepare" (loading the base model and decoding the
    /// photos; done/total = photo files; the linear probe also embeds them here), "evaluate"
    /// (the starting model), "epoch" (done/total = epochs of the run, re-planned under a time
    /// budget; each epoch's validation belongs to it), "evaluate" (WiSE-FT and the final
    /// figures), "package". With compareAttention the stages from the first "evaluate" run once
    /// per variant. Messages: one line per epoch, resuming, what is loaded or written. Cancel
    /// is checked between photos, before every optimizer micro-step and before the package is
    /// written: ErrorCode::Cancelled, no package, the last epoch's checkpoint kept.
    JobControl job;
    /// Live figures: every micro-step (epochEnd false) and once per epoch with the validation
    /// result (epochEnd true; the linear probe reports every 25 iterations, all epochEnd).
    /// A separate callback because it is data for plots, not progress: it is never throttled
    /// or dropped. Runs on the training thread; may be empty.
    std::function<void(const TrainMetrics&)> onMetrics;
    std::string checkpointDir;   // "" : <out>.partial
    /// Self-supervised only: absolute photo paths to train on (a library's photos) instead of the
    /// data folder (Dataset.h, loadPhotoFiles).
    std::vector<std::string> photoFiles;
    /// Self-supervised only: also write the trained model as a model package here, so a library
    /// can be indexed and searched with it before any label exists (its text tower is untrained:
    /// photo search only). "": the starter alone.
    std::string searchPackage;
    /// Train on at most this many photos per class of the training split (drawPerClass with
    /// trainDrawSeed); the validation split stays whole. 0: all. For learning curves (DataNeeds.h).
    int trainPerClass = 0;
    uint64_t trainDrawSeed = 0;
    bool overwrite = false;      // replace an existing package at `out`
    DecodeOptions decode;
};

/// Accuracy and retrieval figures on the validation split.
struct EvalMetrics {
    int64_t count = 0;
    double top1 = 0.0, top5 = 0.0;             // fractions 0..1
    double balancedAccuracy = 0.0;             // mean per-class recall over classes with photos
    std::map<int, double> recallAtK;           // image->image, K = 1, 5, 10; leave-one-out, duplicates left out
    std::vector<double> precision, recall;     // per class, 0..1 (0 when undefined)
    std::vector<std::vector<int64_t>> confusion;  // [true][predicted]
    Json toJson(const std::vector<ClassInfo>& classes) const;
};

/// Mean of the per-class recall over the classes with at least one validation photo, from a
/// confusion matrix [true][predicted]; 0 when there are none. Top-1 rewards answering the common
/// class; this does not.
double balancedAccuracy(const std::vector<std::vector<int64_t>>& confusion);

struct TrainReport {
    Json summary;           // what training.json holds (plus "package")
    std::string package;    // written package path(s), first one
};

/// Runs the job and writes the package at `out` (and out-standard / out-differential when
/// comparing attention). A checkpoint per epoch goes to options.checkpointDir; running the same
/// command again resumes from it. Errors: Cancelled (checkpoint kept, no package written),
/// InvalidArgument, NotFound, Io, Mismatch (checkpoint of another recipe or data set).
Result<TrainReport> runTraining(const std::string& dataRoot, const TrainRecipe& recipe, const std::string& out,
                                const TrainOptions& options = {});

}  // namespace diffclip
