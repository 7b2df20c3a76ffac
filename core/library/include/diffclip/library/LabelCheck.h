#pragma once
// "Check these labels" (docs/POC.md): labelled photos whose nearest labelled neighbours, by the
// embeddings of the library's main model, mostly carry another label. A wrong label makes every
// figure that uses it wrong (hit rates, training), and a person can check a short ranked list.
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

}  // namespace diffclip
