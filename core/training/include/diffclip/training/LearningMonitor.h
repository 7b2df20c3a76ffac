#pragma once
// Is the model learning? Pure logic over a run's figures (plain C++17: no LibTorch, no I/O), so
// it is tested on constructed loss histories (docs/TRAINING.md, "Training that cannot silently
// fail"):
//   - chanceLoss: the loss of a model that has learned nothing, for the loss the trainer computes;
//   - LearningMonitor: the stall / divergence detector fed once per optimizer step and per epoch;
//   - pickLearningRate: the learning-rate range test's rule.
// Every threshold is in `learning::` below, with why.
//
// Threading: a LearningMonitor belongs to one thread; the free functions have no state.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace diffclip {

namespace learning {
/// Epochs in a row that must look stalled before the detector fires. One epoch at chance can be
/// a model turning a corner; two in a row with a flat loss are a plateau.
constexpr int kStallEpochs = 2;
/// ...holding at least this many optimizer steps, so that runs with a few steps per epoch (tiny
/// data sets) are not judged on a handful of noisy batches.
constexpr int64_t kStallSteps = 30;
/// "At chance": the epoch's mean training loss within this fraction of the chance loss (±0.054
/// for ln 6). A collapsed model sits at chance to the second decimal (the field report: ln 6 from
/// the third epoch on); augmentation noise moves an epoch mean by about 0.01.
constexpr double kChanceBand = 0.03;
/// "Flat": over the stalled epochs the mean loss falls by less than this fraction of chance
/// (0.018 for ln 6), so a slow but steady descent is left alone.
constexpr double kFlatFraction = 0.01;
/// "Collapsed": the most-predicted class takes at least this share of the validation answers
/// (or at most one class is ever answered right). Chance-level logits alone do not mean a stall:
/// the model may be turning; answering one class for everything does.
constexpr double kCollapseShare = 0.9;
/// "Diverging": a non-finite loss at any step, or an epoch mean after warm-up above this many
/// times chance. A random start is within about 1.3x chance; a rate that is too high sends the
/// loss to several times chance within an epoch (the logit scale reaches 100).
constexpr double kDivergeFactor = 1.5;
/// Recovery: at most this many restarts from the initial weights...
constexpr int kMaxRestarts = 2;
/// ...each with the peak learning rate divided by this (the field report: 1e-3 and 5e-4 stalled,
/// 1e-4 learned; two divisions by 3 reach 1.1e-4 from 1e-3).
constexpr double kRestartDivisor = 3.0;
/// The range test (TrainRecipe::findLearningRate): this many optimizer steps, 10 per decade over
/// five decades, under one epoch of a 64-photo-batch run on a few thousand photos. It stops early
/// once the loss blows up.
constexpr int kRangeSteps = 50;
/// Rates tried: from the recipe's rate / kRangeBelow to rate x kRangeAbove.
constexpr double kRangeBelow = 1000.0, kRangeAbove = 100.0;
/// The rate chosen stays within rate / kPickBelow .. rate x kPickAbove: the preset's rate was
/// measured, so the test corrects it rather than replacing it.
constexpr double kPickBelow = 100.0, kPickAbove = 10.0;
}  // namespace learning

/// The loss of a model that has learned nothing: the label-smoothed cross-entropy of the best
/// constant prediction. With smoothing e over C classes, a photo of class y has the target
/// t = (1 - e) 1_y + e / C. A constant prediction q over photos whose classes come (after sampling
/// and loss weights) with shares p costs sum_y p_y sum_k -t_k log q_k = sum_k -p~_k log q_k with
/// p~ = (1 - e) p + e / C; that is smallest at q = p~, where it is the entropy H(p~).
/// Balanced sampling and balancing loss weights make p uniform, so the chance loss is ln C
/// whatever e; without balancing it is H(p~) < ln C (answering the common class scores).
/// `shares`: the effective class shares (any non-negative numbers, normalised here; classes with
/// share 0 still count in C because smoothing targets them). Returns ln C for all-zero shares.
double chanceLoss(const std::vector<double>& shares, double labelSmoothing);

/// Validation answers summarised for the collapse test, from a confusion matrix [true][predicted]:
/// the share of the most-predicted class and the number of classes with recall > 0.
struct AnswerSpread {
    double topShare = -1.0;     // 0..1; -1 when there were no validation photos
    int classesRecalled = -1;   // -1 when there were no validation photos
};
AnswerSpread answerSpread(const std::vector<std::vector<int64_t>>& confusion);

/// One epoch of a run, as the detector sees it.
struct EpochObservation {
    double loss = 0.0;          // mean training loss of the epoch (non-finite when a step's was)
    int64_t steps = 0;          // optimizer steps in the epoch
    bool afterWarmup = false;   // the epoch began at or after the end of the warm-up
    AnswerSpread answers;       // on the validation split after the epoch (unknown: the loss decides)
};

enum class LearningState { Learning, Stalled, Diverging };
const char* learningStateName(LearningState state);  // "learning" | "stalled" | "diverging"

struct LearningVerdict {
    LearningState state = LearningState::Learning;
    std::string reason;  // one English line when not Learning, e.g. "the training loss stayed at ..."
};

/// The stall / divergence detector of one run (reset it for the next). Stalled: the latest
/// kStallEpochs or more epochs in a row after warm-up (the fewest that hold at least kStallSteps
/// steps) each with a mean loss within kChanceBand of chance and collapsed answers, the loss
/// falling by less than kFlatFraction of chance over them. Diverging: a non-finite step loss, or an epoch mean after
/// warm-up above kDivergeFactor x chance.
class LearningMonitor {
public:
    /// `classes` >= 2; `chanceLoss` from chanceLoss().
    LearningMonitor(int classes, double chanceLoss);
    /// A step's loss: Diverging when it is not finite. Stateless.
    LearningVerdict step(double loss, int64_t stepIndex) const;
    /// The epochs of a run in order; the verdict uses every epoch seen since reset().
    LearningVerdict epoch(const EpochObservation& e);
    /// Whether these answers count as collapsed (unknown answers count as collapsed: the loss decides).
    static bool collapsed(const AnswerSpread& a);
    void reset();
    double chance() const { return m_chance; }

private:
    int m_classes;
    double m_chance;
    std::vector<EpochObservation> m_streak;  // the current run of stall-looking epochs
};

/// The range test's curve: one loss per step at exponentially rising rates.
struct LrRangeChoice {
    double learningRate = 0.0;  // the rate to train with
    bool fromCurve = false;     // false: the curve said nothing (flat or too short), `fallback` kept
    int minIndex = -1;          // the step at the smoothed loss's minimum (-1 when none)
    std::vector<double> smoothed;  // the smoothed loss per step considered
    std::string rule;           // one English line: what was chosen and why
};

/// The rule (after Smith, "Cyclical learning rates", and the fastai learning-rate finder):
/// smooth the losses with a bias-corrected exponential average (beta 0.7: a few dozen steps),
/// stop reading at the first non-finite value or where the smoothed loss exceeds 4x its minimum
/// so far (divergence), take the rate at the smoothed minimum and divide it by 10 (the minimum
/// sits just before the rate that blows training up; a tenth of it is where the loss still
/// falls steadily), clamped to [lo, hi]. When the smoothed minimum is less than 5% below the
/// first smoothed value, the loss did not respond to the rate within the test: `fallback` is
/// kept (clamped too). `rates` and `losses` have equal length.
LrRangeChoice pickLearningRate(const std::vector<double>& rates, const std::vector<double>& losses, double lo,
                               double hi, double fallback);

}  // namespace diffclip
