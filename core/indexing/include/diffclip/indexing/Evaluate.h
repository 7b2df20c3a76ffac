#pragma once
// Zero-shot classification and the PoC figures: top-K hit rate (recall@K) and mAP of
// image->image search over a labelled library, and zero-shot accuracy on a folder-per-class tree.

#include <map>
#include <string>
#include <vector>

#include "diffclip/imaging/ImageDecode.h"
#include "diffclip/indexing/IndexTypes.h"
#include "diffclip/indexing/Prompts.h"
#include "diffclip/indexing/Retrieval.h"
#include "diffclip/library/Library.h"
#include "diffclip/model/ModelIO.h"
#include "diffclip/base/Result.h"

namespace diffclip {

/// Class text embeddings: for each class, the mean of its normalised template embeddings,
/// normalised again (a prompt ensemble). Row-major, classes.size() x embedDim. `encoder` as for
/// embedText (Indexer.h): the model converted for its precision; without it defaultEncoder(model).
Result<std::vector<float>> classEmbeddings(const LoadedModel& model, const std::vector<std::string>& classes,
                                           const std::vector<std::string>& templates,
                                           const ClipModel* encoder = nullptr);
/// Same with editable class prompts: each class's embedding is the mean over its prompt texts
/// and the templates ("{}" replaced by a prompt text; a template without "{}" is used as is).
Result<std::vector<float>> classEmbeddings(const LoadedModel& model, const std::vector<ClassPrompt>& classes,
                                           const std::vector<std::string>& templates,
                                           const ClipModel* encoder = nullptr);


struct ClassScores {
    std::vector<double> probabilities;  // softmax(logit_scale * cosine), one per class, sums to 1
    size_t best = 0;                    // index of the most probable class
};

/// Zero-shot scores of one photo (decoded by content) against class embeddings. `encoder` as for
/// embedPhoto (Indexer.h); pass one when classifying many photos, else each call prepares its own.
Result<ClassScores> classifyPhoto(const LoadedModel& model, const std::vector<float>& classEmbeddings,
                                  size_t classCount, const std::string& path, const DecodeOptions& decode,
                                  const ClipModel* encoder = nullptr);

struct RetrievalReport {
    struct PerClass {
        int64_t queries = 0;
        std::map<int, double> recallAtK;  // fraction of queries with a same-label photo in the top K
        double meanAveragePrecision = 0.0;
    };
    std::map<std::string, PerClass> classes;
    PerClass overall;          // averaged over all queries (not over classes)
    int64_t excludedDuplicates = 0;  // candidate pairs skipped because the files are identical
};

/// Leave-one-out image->image retrieval over the library's labelled photos embedded by
/// `model`: each labelled photo queries all other labelled photos; photos with the same
/// content hash as the query are left out of its candidates (exact duplicates would be trivial
/// hits). Candidates rank by cosine, equal cosines in library order (ascending image id). A
/// query is a hit at K when a photo of its label is among its first K candidates; its average
/// precision is the mean, over the photos of its label, of the precision at their ranks. A
/// query with no photo of its label among its candidates (a class of one photo) is a miss at
/// every K with AP 0. Errors: NotFound when the library has no embeddings of this model or
/// fewer than two labelled photos with embeddings; InvalidArgument for no K or K < 1.
/// The per-query rows are retrievalQueries (Retrieval.h); this is summariseRetrieval of them.
Result<RetrievalReport> evaluateRetrieval(Library& library, const LoadedModel& model, const std::vector<int>& ks);

/// The report of per-query rows: recall@K (K >= 1, all given) and mAP per label and overall,
/// every query counting (one that cannot be answered is a miss with AP 0).
RetrievalReport summariseRetrieval(const RetrievalQueries& rows, const std::vector<int>& ks);

}  // namespace diffclip
