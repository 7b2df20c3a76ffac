#pragma once
// Monitoring the photos themselves (docs/POC.md, "Drift of the photos"): do the photos added to
// the library recently look like the ones before them? A two-sample test on the embeddings of one
// model: the squared maximum mean discrepancy with a Gaussian kernel and its permutation p-value
// (stats::mmdPermutationTest), on random samples of both sets. A new camera, lighting, product or
// defect moves the recent photos away; the warning then says the hit rates measured before may no
// longer hold. Plain C++17. Threading: embeddingDrift reads through the given Library (its
// one-thread contract applies); testEmbeddingDrift is pure.

#include <cstdint>
#include <string>
#include <vector>

#include "diffclip/base/Result.h"
#include "diffclip/library/Library.h"

namespace diffclip {

struct DriftOptions {
    int64_t endMs = 0;        // the recent window ends here (exclusive); 0: after the newest photo
    int recentDays = 7;       // photos added in the last recentDays days are "recent"
    size_t maxPerSide = 400;  // random sample of each side (the kernel matrix is (2·max)² doubles)
    size_t minPerSide = 10;   // fewer photos on a side: not tested
    int64_t permutations = 200;
    uint64_t seed = 0;        // sampling and permutations
    double alpha = 0.05;
};

struct EmbeddingDrift {
    std::string model;            // the model whose embeddings were compared ("" when none)
    int64_t recentFromMs = 0, recentToMs = 0;
    int64_t recent = 0, earlier = 0;       // photos with an embedding on each side
    int64_t recentSampled = 0, earlierSampled = 0;
    bool tested = false;          // both sides had at least minPerSide photos
    double mmd2 = 0.0, bandwidth = 0.0;
    double pValue = 1.0;          // 1 when not tested
    bool warning = false;         // tested and pValue < alpha
};

/// The test on given embeddings: rows of `m` whose image was added in [endMs - recentDays,
/// endMs) against those added before; `addedAtMs` holds the add time of each row of `m` (same
/// order). Photos added at or after endMs are left out. Errors: InvalidArgument (sizes differ).
Result<EmbeddingDrift> testEmbeddingDrift(const EmbeddingMatrix& m, const std::vector<int64_t>& addedAtMs,
                                          const DriftOptions& options);

/// Reads the embeddings of the library's main model (mainEmbeddingModel, LabelCheck.h) and the
/// photos' add times, then tests. No model or no embeddings: not tested.
Result<EmbeddingDrift> embeddingDrift(Library& library, const DriftOptions& options);

}  // namespace diffclip
