#pragma once
// Leave-one-out image->image retrieval over a labelled library, one row per query: the rows
// that evaluateRetrieval (Evaluate.h) summarises and compareModels (Compare.h) pairs between two
// models. No LibTorch in this header, so the desktop application can include it.

#include <cstdint>
#include <string>
#include <vector>

#include "diffclip/base/Result.h"
#include "diffclip/library/Library.h"

namespace diffclip {

/// How one labelled photo fared as a query against the other labelled photos.
struct RetrievalQuery {
    int64_t imageId = 0;
    std::string label;
    int64_t candidates = 0;     // photos ranked for it (itself and its exact duplicates left out)
    int64_t relevant = 0;       // of those, photos with its label
    int64_t firstHitRank = 0;   // 1-based rank of the first photo with its label; 0: none (relevant == 0)
    double reciprocalRank = 0;  // 1 / firstHitRank, 0 when none
    double averagePrecision = 0;  // mean of the precision at the rank of each relevant photo, 0 when none

    /// A photo of its label among the first k candidates (k >= 1).
    bool hitAt(int k) const { return firstHitRank > 0 && firstHitRank <= k; }
    /// Whether any candidate has its label: a query that no model can answer otherwise.
    bool answerable() const { return relevant > 0; }
};

struct RetrievalQueries {
    std::vector<RetrievalQuery> queries;  // ascending image id
    int64_t excludedDuplicates = 0;       // (query, candidate) pairs skipped as identical files
};

/// Every labelled photo that the library model `modelId` (Library::models()) has embedded
/// queries all the others by cosine of the stored embeddings; equal cosines keep ascending image
/// id. Photos with the query's content hash are left out of its candidates (an exact duplicate is
/// a trivial hit). With `only` (ascending image ids), photos outside it take no part, neither as
/// queries nor as candidates (two models compared on the same photos). Fewer than two photos give
/// an empty list, not an error. Errors: NotFound (no such model), Format (damaged embeddings),
/// Io. Runs on the calling thread; `library` is used for the duration of the call only.
Result<RetrievalQueries> retrievalQueries(Library& library, int64_t modelId, const std::vector<int64_t>* only = nullptr);

}  // namespace diffclip
