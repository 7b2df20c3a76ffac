#pragma once
// Indexing photos into a library, and searching it. Joins the model (embeddings), the imaging
// layer (decoding by content) and the library store.
//
// Kill safety: photos are written in batches, each in one transaction (file record, label,
// embedding together), so a killed indexer loses at most the batch in flight, and running it
// again skips every photo already stored unchanged. Threading: one call at a time per Library;
// decoding of the next batch runs on a helper thread while the current batch is encoded.
// Several calls (threads or processes, each with its own Library) may index one library file at
// once: each claims a batch's photos before decoding them (Library::claimPaths), so every photo
// is embedded once, and the others count it in IndexSummary::indexedByAnotherRun.

#include <optional>
#include <string>
#include <vector>

#include "diffclip/indexing/IndexTypes.h"
#include "diffclip/library/Library.h"
#include "diffclip/model/ModelIO.h"
#include "diffclip/base/Result.h"

namespace diffclip {

/// Files and folders (recursive, sorted, symbolic links followed once) with an image file
/// extension (hasPhotoExtension: jpg, jpeg, png, tif, tiff, webp, bmp; any case). Other files are not photos and
/// are skipped silently; a file with an image extension that is not a decodable image is
/// recorded as failed with its reason.
Result<std::vector<std::string>> collectPhotoPaths(const std::vector<std::string>& paths);

/// A stable identity of the model's weights: SHA-256 over its files' checksums (or the preset
/// name and seed), so embeddings are never mixed between two models.
std::string modelFingerprint(const LoadedModel& model, uint64_t seed = 0);

/// The library's id of `model` (by fingerprint). NotFound when the library holds no
/// embeddings of it.
Result<int64_t> findModelId(Library& library, const LoadedModel& model);

/// Adds or updates the photos under `paths` with embeddings of `model`. `encoder` (optional) is
/// `model` already converted for its device and precision (prepareEncoder, convertModel); without
/// it defaultEncoder(model) is made for the call. The precision of the embeddings is checked
/// against and added to the library's record (embeddingPrecisions) before any photo is decoded
/// and again in each batch's transaction: Mismatch, with nothing written, when it cannot be
/// mixed with the precisions already stored for this model (Precision.h
/// embeddingPrecisionsCompatible).
Result<IndexSummary> indexPhotos(Library& library, const LoadedModel& model, const std::vector<std::string>& paths,
                                 const IndexOptions& options, const ClipModel* encoder = nullptr);

/// Wall time of embedPhoto's two steps, seconds.
struct EmbedTiming {
    double decodeSeconds = 0.0;  // reading, decoding and preprocessing the file
    double encodeSeconds = 0.0;  // the image encoder
};

/// `encoder` as for indexPhotos; `timing` (optional) receives the time of each step.
Result<std::vector<float>> embedPhoto(const LoadedModel& model, const std::string& path, const DecodeOptions& decode,
                                      const ClipModel* encoder = nullptr, EmbedTiming* timing = nullptr);
Result<std::vector<float>> embedText(const LoadedModel& model, const std::string& text,
                                     const ClipModel* encoder = nullptr);

/// The CPU copy of `model` in the automatic precision (prepareEncoder "auto": bf16 on a CPU with
/// bf16, else int8 when it passes the check against fp32, else fp32), with CPU threads set for it.
ClipModel defaultEncoder(const LoadedModel& model);

/// The precisions the library's embeddings of `model` were made in, as recorded by indexing
/// (library_info "embedding_precision:<fingerprint>"; Precision.h embeddingPrecision), sorted:
/// e.g. {"fp32", "int8"}. Empty when the library holds none of its embeddings; {"unrecorded"}
/// for embeddings stored before the record existed (fp32 or bf16: mixed with either freely).
Result<std::vector<std::string>> embeddingPrecisions(Library& library, const LoadedModel& model);
/// Whether a query or embedding made in `precision` may be compared with the library's
/// embeddings of `model`: Mismatch, naming both, when not (an "int8-unchecked" encoder against
/// other embeddings, or the reverse).
Status checkEmbeddingPrecision(Library& library, const LoadedModel& model, const std::string& precision);

}  // namespace diffclip
