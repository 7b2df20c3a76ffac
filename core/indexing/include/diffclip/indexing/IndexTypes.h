#pragma once
// Value types of indexing and search, free of LibTorch headers so that the desktop application
// (ui/, which never includes LibTorch) can use them. Functions live in Indexer.h / Workspace.h.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "diffclip/base/Job.h"
#include "diffclip/imaging/ImageDecode.h"
#include "diffclip/library/Library.h"

namespace diffclip {

struct IndexOptions {
    bool labelsFromFolders = false;  // label = name of the photo's parent folder (source "folder")
    std::string metadataCsv;         // CSV sidecar imported after indexing (Library::importMetadataCsv)
    int batchSize = 16;              // photos per encoder batch and per transaction
    DecodeOptions decode;            // pixel limit, EXIF policy (shared with search and training)
    /// Progress and cancel (Job.h). Stages, in order: "scan" (paths found and compared with the
    /// library; done/total = files), "decode+embed" (done/total = photos to add or update,
    /// counted once their batch is committed), then "commit" when a metadata CSV is given (its
    /// import, one transaction; no count). Cancel is checked while scanning and after each
    /// batch's commit; the call then returns ErrorCode::Cancelled with every committed batch kept.
    /// "decode+embed" counts photos another run indexed too, and may pause while another run
    /// holds the last ones (cancel is checked while waiting).
    JobControl job;
};

struct IndexSummary {
    int64_t added = 0;       // new paths
    int64_t updated = 0;     // known paths whose file changed
    int64_t unchanged = 0;   // known paths with the same size and mtime, already embedded
    int64_t failed = 0;      // unreadable or undecodable this run (reasons in `failures`)
    int64_t duplicates = 0;  // added or updated photos whose content equals another photo's
    /// Photos this run found to do that another run indexing the same library at the same time
    /// claimed and stored (or recorded as failed) first (Library::claimPaths). added + updated +
    /// unchanged + failed + indexedByAnotherRun = the photos found.
    int64_t indexedByAnotherRun = 0;
    std::vector<FailedFile> failures;
    std::optional<CsvImportReport> metadata;
    double seconds = 0.0;
    double photosPerSecond = 0.0;  // added + updated, per second of wall time
    /// Photos encoded per second after the first batch (which also pays the encoder's one-time
    /// warm-up); 0 with fewer than two batches.
    double steadyPhotosPerSecond = 0.0;
};

struct SearchHit {
    ImageRecord image;
    std::string label;  // current label, empty when none
    float score = 0;    // cosine similarity
    /// Photos of the same part: identical files, or embeddings alike beyond the near-duplicate
    /// threshold (SearchResult::nearDuplicateThreshold). Shown as one group, best first.
    std::vector<SearchHit> nearDuplicates;
};

struct SearchOptions {
    int k = 10;  // groups to return
    /// Cosine at or above which two hits are one part. 0 (default): calibrated from the library
    /// (docs/SEARCH.md); above 1: only identical files are grouped.
    double nearDuplicateCosine = 0.0;
};

struct SearchResult {
    std::vector<SearchHit> hits;  // best first
    int64_t searched = 0;         // photos with an embedding of this model that passed the filter
    /// Image queries: whether the best hit reaches the library's own confidence threshold (see
    /// docs/SEARCH.md); unset for text queries and libraries of fewer than 10 photos.
    std::optional<bool> confident;
    double threshold = 0.0;       // the threshold used, when `confident` is set
    double nearDuplicateThreshold = 2.0;  // cosine used for grouping (above 1: identical files only)
    /// Library photos (status Ok) that the active model has not embedded yet: not searched.
    int64_t notEmbedded = 0;
    std::string index = "exact";  // the index that served the query: "exact" | "approximate"
    double seconds = 0.0;         // wall time of the search, embedding the query included
    /// Its parts (seconds, wall time): reading and decoding the query photo (0 for text and for a
    /// library photo whose stored embedding is used), the model's encoding (tokenising and
    /// preprocessing included), and the search proper (ranking, grouping, reading the hits).
    double decodeSeconds = 0.0;
    double encodeSeconds = 0.0;
    double searchSeconds = 0.0;
};

/// Class descriptions for zero-shot labelling. Each class has a name (stored as the label) and
/// one or more prompt texts; "{}" in a template is replaced by a prompt text.
struct ClassPrompt {
    std::string name;
    std::vector<std::string> prompts;  // empty: the name itself
};

}  // namespace diffclip
