#pragma once
// Indexing photos into a library, and searching it. Joins the model (embeddings), the imaging
// layer (decoding by content) and the library store.
//
// Kill safety: photos are written in batches, each in one transaction (file record, label,
// embedding together), so a killed indexer loses at most the batch in flight, and running it
// again skips every photo already stored unchanged. Threading: one call at a time per Library;
// decoding of the next batch runs on a helper thread while the current batch is encoded.

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "diffclip/imaging/ImageDecode.h"
#include "diffclip/library/Library.h"
#include "diffclip/model/ModelIO.h"
#include "diffclip/model/Result.h"

namespace diffclip {

struct IndexOptions {
    bool labelsFromFolders = false;  // label = name of the photo's parent folder (source "folder")
    std::string metadataCsv;         // CSV sidecar imported after indexing (Library::importMetadataCsv)
    int batchSize = 16;              // photos per encoder batch and per transaction
    DecodeOptions decode;            // pixel limit, EXIF policy (shared with search and training)
    /// Called after each batch with (photos handled, photos to handle, seconds elapsed).
    std::function<void(int64_t, int64_t, double)> progress;
    const std::atomic<bool>* cancel = nullptr;  // checked between batches
};

struct IndexSummary {
    int64_t added = 0;       // new paths
    int64_t updated = 0;     // known paths whose file changed
    int64_t unchanged = 0;   // known paths with the same size and mtime, already embedded
    int64_t failed = 0;      // unreadable or undecodable this run (reasons in `failures`)
    int64_t duplicates = 0;  // added or updated photos whose content equals another photo's
    std::vector<FailedFile> failures;
    std::optional<CsvImportReport> metadata;
    double seconds = 0.0;
    double photosPerSecond = 0.0;  // added + updated, per second of wall time
    bool cancelled = false;
};

/// Files and folders (recursive, sorted, symbolic links followed once) with an image file
/// extension (jpg, jpeg, png, tif, tiff, webp, bmp; any case). Other files are not photos and
/// are skipped silently; a file with an image extension that is not a decodable image is
/// recorded as failed with its reason.
Result<std::vector<std::string>> collectPhotoPaths(const std::vector<std::string>& paths);

/// A stable identity of the model's weights: SHA-256 over its files' checksums (or the preset
/// name and seed), so embeddings are never mixed between two models.
std::string modelFingerprint(const LoadedModel& model, uint64_t seed = 0);

/// The library's id of `model` (by fingerprint). NotFound when the library holds no
/// embeddings of it.
Result<int64_t> findModelId(Library& library, const LoadedModel& model);

/// Adds or updates the photos under `paths` with embeddings of `model`.
Result<IndexSummary> indexPhotos(Library& library, const LoadedModel& model, const std::vector<std::string>& paths,
                                 const IndexOptions& options);

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
};

/// Searches the library's photos embedded by `model` for the nearest to `query` (an
/// unnormalised embedding from the same model) and returns up to k groups of near-duplicates.
/// `isImageQuery` enables the confidence test; `exclude` drops one image id (a library photo
/// used as the query).
Result<SearchResult> searchLibrary(Library& library, const LoadedModel& model, const std::vector<float>& query,
                                   const SearchOptions& options, const ImageFilter& filter, bool isImageQuery,
                                   int64_t exclude = 0);

/// Embeds one photo file (decoded by content) or one text with `model`, unnormalised.
Result<std::vector<float>> embedPhoto(const LoadedModel& model, const std::string& path, const DecodeOptions& decode);
Result<std::vector<float>> embedText(const LoadedModel& model, const std::string& text);

}  // namespace diffclip
