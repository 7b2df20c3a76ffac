#pragma once
// "Check these labels" (docs/POC.md): labelled photos whose nearest labelled neighbours, by the
// embeddings of the library's main model, mostly carry another label. A wrong label makes every
// figure that uses it wrong (hit rates, training), and a person can check a short ranked list.
// "Label these next": unlabelled photos ranked so that each label added teaches the most: those
// the labelled neighbours disagree on (uncertainty) and those unlike anything labelled or already
// picked (diversity).
// Plain C++17 (brute-force cosine neighbours: seconds for ten thousand photos). Threading:
// checkLabels is pure; checkLibraryLabels reads through the given Library (its one-thread
// contract applies).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "diffclip/base/Result.h"
#include "diffclip/library/Library.h"

namespace diffclip {

/// The model whose embeddings the library's analyses use: the one with the most embeddings (ties:
/// the newer one); nullopt when no model has any.
Result<std::optional<ModelRecord>> mainEmbeddingModel(Library& library);

struct LabelDoubt {
    int64_t imageId = 0;
    std::string label;      // the photo's current label
    std::string suggested;  // the label with the most neighbour weight
    int neighbours = 0;     // labelled neighbours looked at (k, fewer in a small library)
    int disagreeing = 0;    // of them, with another label than the photo's
    /// Weight of the disagreeing neighbours over the weight of all (weight: cosine similarity,
    /// negative ones count 0), in [0, 1]; 1 when every close photo says otherwise.
    double score = 0.0;
};

/// For each labelled row of `m` (labels: image id -> label), its k nearest other labelled rows
/// by cosine similarity; a doubt when the suggested label differs from its own. Doubts sorted by
/// score (highest first), then by image id. Errors: InvalidArgument (k < 1).
Result<std::vector<LabelDoubt>> checkLabels(const EmbeddingMatrix& m, const std::map<int64_t, std::string>& labels, int k);

struct LabelCheck {
    std::string model;          // "" when no model has embeddings
    int64_t labelled = 0;       // labelled photos with an embedding of it
    std::vector<LabelDoubt> doubts;
};

/// checkLabels on the library's main model and current labels.
Result<LabelCheck> checkLibraryLabels(Library& library, int k);

/// One unlabelled photo worth labelling next.
struct LabelSuggestion {
    int64_t imageId = 0;
    /// 1 − margin, the margin being (weight of the best label − weight of the runner-up) over the
    /// weight of all among the k nearest labelled photos (weight: cosine, negative ones 0); 1
    /// when no labelled photo is similar at all, in [0, 1].
    double uncertainty = 1.0;
    /// (1 − cosine) / 2 to the most similar labelled photo, in [0, 1]; 1 when none is labelled.
    double novelty = 1.0;
    /// uncertainty × the distance (1 − cosine) / 2 to the nearest labelled or already suggested
    /// photo, when it was picked: what the greedy order maximises.
    double priority = 0.0;
    std::string likely;    // the label with the most neighbour weight ("" when none)
    std::string runnerUp;  // the second ("" when none)
};

/// Greedy ranking of the unlabelled rows of `m` (rows whose id is not in `labels`): each step
/// takes the row of highest priority, then lowers the distance of the rest to it, so near
/// duplicates of a pick fall back. Ties go to the lower image id. At most `top` suggestions (0:
/// every unlabelled row). Errors: InvalidArgument (k < 1, top < 0).
Result<std::vector<LabelSuggestion>> suggestLabelling(const EmbeddingMatrix& m, const std::map<int64_t, std::string>& labels,
                                                      int k, int top);

struct LabellingPlan {
    std::string model;          // "" when no model has embeddings
    int64_t labelled = 0;       // labelled photos with an embedding of it
    int64_t unlabelled = 0;     // unlabelled photos with an embedding of it
    std::vector<LabelSuggestion> suggestions;
};

/// suggestLabelling on the library's main model and current labels.
Result<LabellingPlan> suggestLibraryLabelling(Library& library, int k, int top);

}  // namespace diffclip
