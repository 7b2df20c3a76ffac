#pragma once
// A library opened together with its active model and an in-memory search index: what the
// desktop application and long-running commands work on. Free of LibTorch headers (the model
// is held behind a pointer), so ui/ may include it.
//
// Threading: every member may be called from any thread, and searches may run while index()
// or reembed() writes (they use separate SQLite connections; a search sees the batches
// committed before it started). Writes are serialised among themselves. Calls block for the
// duration of the work (model loading takes seconds, indexing minutes): the application calls
// them from worker threads, never from the GUI thread.
//
// Embeddings are bound to the model that made them: a search compares the query only with the
// photos embedded by the active model; photos not yet embedded by it are counted in
// SearchResult::notEmbedded and brought up to date by reembed() (lazily, as a job).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "diffclip/indexing/IndexTypes.h"
#include "diffclip/library/Library.h"
#include "diffclip/base/Job.h"
#include "diffclip/base/Result.h"

namespace diffclip {

/// Which search structure serves a query (docs/SEARCH.md).
enum class IndexKind {
    Auto,         // exact up to WorkspaceOptions::approximateFrom photos, approximate above
    Exact,        // int8 scan + fp32 re-rank over every embedding (ExactIndex)
    Approximate,  // inverted lists (IVF) over int8 rows (ApproximateIndex), recall measured by bench_exact_search
};
const char* indexKindName(IndexKind kind);  // "auto" | "exact" | "approximate"

struct WorkspaceOptions {
    std::string device = "auto";  // "auto" | "cpu" | "cuda[:N]"
    std::string dtype = "auto";   // "auto" | "fp32" | "bf16" | "fp16" | "int8" (Precision.h prepareEncoder)
    int threads = 0;              // CPU threads; 0 = chosen for the precision (configureCpuThreads)
    int batchSize = 16;           // photos per encoder batch (indexing, re-embedding, auto-tagging)
    IndexKind index = IndexKind::Auto;
    int64_t approximateFrom = 1'000'000;  // photos at which Auto switches to the approximate index (docs/SEARCH.md)
    std::string tokenizer;        // CLIP merges file; empty: the model's or the bundled one
    /// How the library file is opened (create when missing, read-only). A library the user may
    /// not write to can still be searched with readOnly; writes then fail with a clear error.
    LibraryOptions library;
};

struct AutoTagOptions {
    std::vector<ClassPrompt> classes;     // at least two
    std::vector<std::string> templates;   // empty: defaultPromptTemplates() (Evaluate.h)
    double minConfidence = 0.0;           // softmax probability below which no label is stored, 0..1
    bool onlyUnlabelled = false;          // skip photos that already have a current label
    /// Progress and cancel (Job.h): one stage "tag" (done/total = embedded photos looked at).
    /// Labels are stored 500 photos to a transaction; cancel is checked after each one and
    /// returns ErrorCode::Cancelled with the stored labels kept.
    JobControl job;
};

struct AutoTagSummary {
    int64_t tagged = 0;      // labels stored (source zero-shot, with confidence)
    int64_t skipped = 0;     // below minConfidence or already labelled
    int64_t notEmbedded = 0; // photos without an embedding of the active model (run reembed)
    double seconds = 0.0;
};

class Workspace {
public:
    /// Opens (or creates) the library at `libraryPath` and loads `modelSpec` (a MODEL argument,
    /// see CLI.md). An empty spec uses the model the library was last indexed with; NotFound
    /// when it has none. Errors of the library or the model are passed through.
    /// `job` (Job.h): stages "load" (the model) and "cache" (the library's embeddings into the
    /// search index); a cancel between them returns ErrorCode::Cancelled and changes nothing.
    static Result<std::unique_ptr<Workspace>> open(const std::string& libraryPath, const std::string& modelSpec,
                                                   const WorkspaceOptions& options = {}, const JobControl& job = {});
    ~Workspace();
    Workspace(const Workspace&) = delete;
    Workspace& operator=(const Workspace&) = delete;

    const std::string& libraryPath() const;
    const std::string& modelSpec() const;
    const WorkspaceOptions& options() const;
    /// The library's id of the active model; 0 before anything was embedded with it.
    int64_t modelId() const;
    /// The precision the encoder runs in, as the library records it with its embeddings: "fp32",
    /// "bf16", "fp16", "int8" (passed the check against fp32) or "int8-unchecked" (forced, below
    /// the threshold: never mixed with others). Fixed while open.
    const std::string& precision() const;
    /// One English line: the precision and why (e.g. the int8 check's cosines), for logs.
    const std::string& precisionNote() const;
    /// The smallest cosine with fp32 on the int8 check, when int8 was tried at open.
    std::optional<double> int8CheckCosine() const;

    /// Adds or updates photos (files or folders) with the active model (indexPhotos); progress
    /// and cancel through options.job.
    Result<IndexSummary> index(const std::vector<std::string>& paths, const IndexOptions& options);
    /// Embeds with the active model every readable library photo that lacks its embedding
    /// (after a change of model). Resumable and kill-safe like index(), with the same stages.
    Result<IndexSummary> reembed(const IndexOptions& options);
    /// Library photos (status Ok) without an embedding of the active model.
    Result<int64_t> notEmbeddedCount();

    /// Queries embedded by the encoder (photo files, texts, photos not embedded yet) need a
    /// precision that may be compared with the library's embeddings of the model (Indexer.h
    /// checkEmbeddingPrecision): Mismatch otherwise.
    /// Image query from a photo file (inside or outside the library).
    Result<SearchResult> searchPhoto(const std::string& path, const SearchOptions& options, const ImageFilter& filter);
    /// Image query from a library photo (left out of its own results).
    Result<SearchResult> searchLibraryPhoto(int64_t imageId, const SearchOptions& options, const ImageFilter& filter);
    /// Text query (needs a model with a tokenizer).
    Result<SearchResult> searchText(const std::string& text, const SearchOptions& options, const ImageFilter& filter);

    /// Zero-shot labels for the library's photos from their stored embeddings (no decoding),
    /// stored with source zero-shot and their probability as confidence.
    Result<AutoTagSummary> autoTag(const AutoTagOptions& options);

    /// Which index served the last search, and how many rows it holds.
    IndexKind lastIndexKind() const;

private:
    struct Impl;
    explicit Workspace(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m;
};

}  // namespace diffclip
