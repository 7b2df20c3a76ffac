#pragma once
// Where a CLIP / DiffCLIP vision tower looks, and why a photo matched a query (GitHub issue 5,
// "Attention explorer"). docs/EXPLAIN.md states exactly what each map computes.
//
// Maps are over the patch grid (PatchGrid.h), for one photo at a time. Inputs are borrowed;
// results own their data. Threading: the functions share no state and may run concurrently on
// one model (ClipModel's encode functions are const); grad mode is thread-local and each
// function sets the mode it needs itself. Errors come back as Result values (InvalidArgument
// for bad layer/head/component choices, Unsupported for a signed rollout whose lambda is >= 1,
// OutOfMemory, Internal for a LibTorch failure); nothing throws.

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "diffclip/explain/PatchGrid.h"
#include "diffclip/model/Model.h"
#include "diffclip/base/Result.h"

namespace diffclip::explain {

enum class Method {
    Attention,   // CLS-to-patch attention of one block
    Rollout,     // attention rolled out through the blocks up to one block
    Similarity,  // final patch tokens projected into the joint space vs the target (cosine)
    Gradient,    // gradient of cos(image, target) w.r.t. a block's input tokens, times the tokens
};

/// Which matrix of a block. Auto: A1 - lambda*A2 for differential models, A for standard ones.
enum class Component { Auto, A1, A2, Difference, Standard };

enum class HeadMode { Mean, Max, Single };
struct HeadChoice {
    HeadMode mode = HeadMode::Mean;
    int64_t head = 0;  // for Single: 0 .. heads-1 (differential: effective heads, H/2)
};

/// Rollout of signed differential maps (docs/EXPLAIN.md, "Rollout").
enum class SignedRollout {
    Normalised,  // rows divided by their sum (1 - lambda), then 0.5 A + 0.5 I: signed result
    Absolute,    // |A1 - lambda*A2| rolled out like standard attention: non-negative result
};

const char* methodName(Method m);           // "attention" | "rollout" | "similarity" | "gradient"
const char* componentName(Component c);     // "auto" | "a1" | "a2" | "diff" | "a"
Result<Method> parseMethod(const std::string& text);
Result<Component> parseComponent(const std::string& text);
/// "mean" | "max" | a head index (decimal, >= 0).
Result<HeadChoice> parseHeads(const std::string& text);
std::string describeHeads(const HeadChoice& heads);  // "mean" | "max" | "head 3"

/// Auto resolved for the model's attention kind; InvalidArgument when the component does not
/// exist in that kind (A1/A2/Difference for standard attention, Standard for differential).
Result<Component> resolveComponent(AttentionKind kind, Component c);

/// Number of heads maps have per block: H for standard attention, H/2 for differential.
int64_t mapHeads(const ModelConfig& config);

/// CLS-to-patch rows of one block, per head: (B, heads, P) float32 on the maps' device.
/// `component` must be resolved (not Auto).
Result<at::Tensor> clsToPatches(const AttentionMaps& block, Component component);

/// Reduces dimension 1 (heads) of a (B, heads, ...) tensor: mean, max or one head.
Result<at::Tensor> reduceHeads(const at::Tensor& perHead, const HeadChoice& heads);

/// Rollout through blocks 0..lastLayer (inclusive): (B, N, N) float32, R = Â_last ... Â_0.
/// Standard/A1/A2: Â = rownorm(0.5 M + 0.5 I) with M the head-reduced map (Abnar & Zuidema 2020).
/// Difference: as SignedRollout says. Errors: InvalidArgument for a bad layer or head,
/// Unsupported when a Normalised signed rollout meets a row sum below 1e-3 (lambda near or above 1).
Result<at::Tensor> attentionRollout(const std::vector<AttentionMaps>& blocks, Component component,
                                    const HeadChoice& heads, int64_t lastLayer,
                                    SignedRollout mode = SignedRollout::Normalised);

/// (P) or (1, P) values -> a rows x cols grid (copied to the CPU as float32).
Result<PatchGrid> toGrid(const at::Tensor& values, int rows, int cols, bool isSigned);

/// One forward pass of one photo with every block's maps captured (no gradients recorded).
struct AttentionCapture {
    std::vector<AttentionMaps> blocks;  // one per vision block, batch 1
    at::Tensor embedding;               // (E) float32, not normalised
};
/// image: (3, S, S) normalised as the model's preprocessing makes it, S = vision.imageSize.
Result<AttentionCapture> captureAttention(const ClipModel& model, const at::Tensor& image);

struct ExplainOptions {
    Method method = Method::Attention;
    Component component = Component::Auto;
    HeadChoice heads;
    int64_t layer = -1;  // block index 0..depth-1; -1: the last block
    SignedRollout rollout = SignedRollout::Normalised;
};

struct Explanation {
    PatchGrid map;
    std::string title;            // short ASCII text for a figure: "A1-lambda*A2, block 11, mean"
    Component component = Component::Auto;  // resolved (attention and rollout)
    int64_t layer = -1;           // resolved block index
    std::vector<double> lambdas;  // per block up to `layer` (differential models), else empty
    double similarity = 0;        // cosine(image, target); 0 without a target
    bool hasTarget = false;
};

/// Attention / rollout maps from a capture (no forward pass). `model` gives the grid and kind.
Result<Explanation> explainAttention(const ModelConfig& config, const AttentionCapture& capture,
                                     const ExplainOptions& options, const at::Tensor& target = {});

/// Any method for one photo. `target`: (E) float32 query embedding (an image's or a text's),
/// required by Similarity and Gradient; with Attention/Rollout it only sets `similarity`.
Result<Explanation> explainImage(const ClipModel& model, const at::Tensor& image, const ExplainOptions& options,
                                 const at::Tensor& target = {});

/// The pieces of the gradient map, from one forward and one backward pass:
/// s = cos(image embedding, target), h = the tokens entering block `layer` (hidden[layer]).
/// The gradient map is map[j] = sum_c tokenGradient[j, c] * tokens[j, c] over the patch tokens
/// j = 1..P (docs/EXPLAIN.md); imageGradient comes from the same backward pass and lets the
/// tests check the chain against finite differences of s.
struct SimilarityGradient {
    double similarity = 0;      // s
    at::Tensor tokens;          // (1 + P, width) h, the weights' dtype, detached (token 0 = CLS)
    at::Tensor tokenGradient;   // (1 + P, width) ds/dh, the weights' dtype
    at::Tensor imageGradient;   // (3, S, S) ds/d(normalised input), the weights' dtype
};
/// image: (3, S, S) normalised; target: (E) query embedding; layer 0..depth-1 (-1: the last).
/// Works under the caller's inference mode or no-grad guard (it sets its own, thread-local).
Result<SimilarityGradient> similarityGradient(const ClipModel& model, const at::Tensor& image,
                                              const at::Tensor& target, int64_t layer);

/// Deletion and insertion curves of `map` (docs/EXPLAIN.md): patches are set to 0 in the
/// normalised input (the preprocessing mean colour) or revealed from it, in rankPatches order,
/// at `steps` + 1 evenly spaced shares; the score is cos(image, target), with the photo's own
/// embedding as the target when `target` is undefined. steps 1..256; batches of `batch` images.
Result<FaithfulnessCurves> faithfulness(const ClipModel& model, const at::Tensor& image, const PatchGrid& map,
                                        const at::Tensor& target, int steps, int64_t batch = 8);

}  // namespace diffclip::explain
