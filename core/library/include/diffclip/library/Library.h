#pragma once
// The photo library: one SQLite file holding the indexed photos, their metadata and labels,
// the models used to embed them, the embeddings, job history and search feedback.
//
// Concurrency contract:
//   - A Library is one SQLite connection: use it from one thread at a time (one Library per
//     thread; the UI keeps one writer thread). It is move-only; do not move it while a
//     Transaction from begin() is open on another object that still needs it.
//   - Two processes (or two Library objects) may open the same file. The file is in WAL mode,
//     so readers never block and never see a half-written batch. Only one may write at a time:
//     a second writer waits up to LibraryOptions::busyTimeoutMs and then gets ErrorCode::Io
//     "the library is busy: another program is writing to it"; its own data is left untouched.
//   - A process killed in the middle of a transaction leaves the file consistent: the batch
//     is rolled back on the next open.
//   - Never carry an open Library across fork(); open it again in the child.
//
// Timestamps (added_at, created_at, ...) are Unix time in milliseconds, UTC.
// Durability: synchronous=NORMAL in WAL mode: a power loss may lose the last committed
// transactions, never the file's consistency.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "diffclip/library/Database.h"
#include "diffclip/library/UsageLog.h"
#include "diffclip/base/Result.h"

namespace diffclip {

enum class ImageStatus { Ok, Failed };

/// Where a label came from. When an image has labels from several sources, the current label is
/// the first present in this precedence: Manual > Training > Folder > ZeroShot.
enum class LabelSource { Manual, Training, Folder, ZeroShot };

/// "manual", "training", "folder", "zero-shot" (the strings stored in the file).
const char* labelSourceName(LabelSource source);
std::optional<LabelSource> parseLabelSource(std::string_view name);

/// True when `text` is an ISO 8601 date the library stores: "YYYY-MM-DD" naming a real day
/// (years 0001..9999), optionally followed by 'T' or one space and "HH:MM", then optional ":SS",
/// a fraction (".123") and "Z" or "+HH:MM"/"-HH:MM". Only such dates (or none) are stored, because
/// date filters compare the text: "15/01/2026" would silently fall outside every range.
bool isIsoDate(std::string_view text);

/// One photo. Strings are UTF-8; an empty metadata string means "not set".
struct ImageRecord {
    int64_t id = 0;               // assigned by the library; ignored by upsertImage
    std::string path;             // as given by the indexer (absolute paths recommended); unique key
    std::string contentHash;      // SHA-256 of the file bytes, 64 lower-case hex digits
    int64_t size = 0;             // bytes
    int64_t mtimeNs = 0;          // modification time, nanoseconds since the Unix epoch
    int width = 0;                // pixels, 0 when unknown
    int height = 0;               // pixels, 0 when unknown
    int64_t addedAtMs = 0;        // first time the path was added; set by the library
    std::string product;
    std::string line;
    std::string lot;
    std::string date;             // empty, or ISO 8601 as isIsoDate() accepts; compared as text
    std::string inspector;
    std::string notes;
    std::string extraJson = "{}"; // JSON object of further metadata (string values from CSV import)
    ImageStatus status = ImageStatus::Ok;
    std::string error;            // why indexing failed (status Failed), else empty
};

/// Why a file could not be added, as a stable code the desktop application translates (the
/// English `reason` beside it keeps the exact detail).
enum class FailureCode {
    Unknown,      // recorded without a code (schema 1 libraries, older programs): show `reason`
    Unreadable,   // the file could not be opened or read (permissions, I/O error)
    Missing,      // the file is no longer there
    TooLarge,     // over 1 GiB, or more pixels than the decoding limit
    NotAnImage,   // not JPEG, PNG, TIFF, WebP or BMP, or its header is damaged
    Damaged,      // a supported format whose image data is truncated or corrupt
    OutOfMemory,  // decoding ran out of memory
    ModelInput,   // the model's preprocessing failed on the decoded photo
};

/// "unreadable", "missing", "too-large", "not-an-image", "damaged", "out-of-memory",
/// "model-input" (the strings stored in the file); "" for Unknown.
const char* failureCodeName(FailureCode code);
/// The code of a stored name; Unknown for "" and for names this version does not know.
FailureCode parseFailureCode(std::string_view name);

struct FailedFile {
    std::string path;
    int64_t size = 0;
    int64_t mtimeNs = 0;
    std::string reason;  // one English line
    FailureCode code = FailureCode::Unknown;
};

/// Embeddings of one model: row i of `values` (dim floats, row-major, contiguous) belongs to
/// image ids[i]. Rows are ordered by image id ascending, so the order is stable across calls.
struct EmbeddingMatrix {
    std::vector<int64_t> ids;
    std::vector<float> values;  // ids.size() * dim
    int dim = 0;
    size_t rows() const { return ids.size(); }
    const float* row(size_t i) const { return values.data() + i * static_cast<size_t>(dim); }
};

/// Filters for listImages; empty members do not filter. All given conditions must hold.
struct ImageFilter {
    std::string label;     // current label (after precedence) equals this
    std::string dateFrom;  // date >= dateFrom (text comparison of ISO dates), inclusive
    std::string dateTo;    // date <= dateTo, inclusive; "2024-05-31" also keeps "2024-05-31T..." values
    /// field=value: field is path, product, line, lot, date, inspector, notes, or else a key of
    /// the extra JSON object (compared as text). Keys must not contain '"' or control characters.
    std::vector<std::pair<std::string, std::string>> where;
    std::optional<ImageStatus> status;
};

/// A cell of a metadata CSV that was not imported; the rest of its row was.
struct CsvRejectedCell {
    int64_t line = 0;     // 1-based line of the row in the file
    std::string column;   // "date"
    std::string value;    // the cell as written
};

struct CsvImportReport {
    int64_t rows = 0;       // data rows read (header excluded, blank lines skipped)
    int64_t matched = 0;    // rows applied to exactly one image
    int64_t unmatched = 0;  // rows whose path/file matched no image, or several (ambiguous file name)
    std::vector<std::string> unmatchedExamples;  // the first few unmatched path/file values
    /// Every refused cell of a matched row, in file order: a date that is not ISO (isIsoDate)
    /// keeps the date stored before; the row's other cells are applied.
    std::vector<CsvRejectedCell> rejected;
};

struct CheckReport {
    std::vector<std::string> problems;  // one English line each; empty when the library is sound
    bool clean() const { return problems.empty(); }
};

/// A model whose embeddings the library holds. `name` is what the indexer recorded: the MODEL
/// argument it was given (a package path, checkpoint, or preset:NAME).
struct ModelRecord {
    int64_t id = 0;
    std::string name;
    std::string fingerprint;
    int dim = 0;
    int64_t createdAtMs = 0;
};

struct LibraryOptions {
    bool readOnly = false;     // every write fails with ErrorCode::Io "the library is read-only"
    bool create = true;        // create a new library when the file is missing or empty
    int busyTimeoutMs = 5000;  // how long a write waits for another writer, milliseconds
};

class Library {
public:
    /// 2 added images.error_code (FailureCode of failed files); 3 the claims table (indexing
    /// runs working on one library at once); 4 the usage log (the searches table, and
    /// feedback.search_id / feedback.rank linking a judgement to a logged search).
    static constexpr int kSchemaVersion = 4;
    /// The oldest schema a read-only connection reads: later versions only added columns, which
    /// read as empty there, so a library on a share nobody may write stays browsable.
    static constexpr int kOldestReadableSchema = 1;
    /// PRAGMA application_id of a DiffCLIP library: "DCLB".
    static constexpr int32_t kApplicationId = 0x44434C42;

    /// Opens or creates a library. Sets WAL, busy timeout, foreign keys and synchronous=NORMAL,
    /// runs PRAGMA quick_check (reads the whole file: about a second per GB) and migrates older
    /// schemas forward in one transaction (not when readOnly). A non-library file is never modified.
    /// A missing file is created complete or not at all: it is built as "<path>.creating-<pid>"
    /// and linked into place, so a process killed meanwhile leaves no empty library behind.
    /// Errors: NotFound (missing and !create or readOnly); Format "not a DiffCLIP library or
    /// damaged" (text file, another program's SQLite file, failed quick_check); Unsupported
    /// (made by a newer DiffCLIP Studio, or a schema older than kOldestReadableSchema opened
    /// read-only); Io (busy, permissions).
    static Result<Library> open(const std::string& path, const LibraryOptions& options = {});

    Library(Library&&) noexcept = default;
    Library& operator=(Library&&) noexcept = default;
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;

    const std::string& path() const { return m_path; }
    /// The user_version found at open (before migration).
    int openedSchemaVersion() const { return m_openedVersion; }

    /// Starts a batch: writes made until commit() become visible (and durable) together; a
    /// Transaction destroyed without commit rolls everything back. Calls inside an open batch
    /// join it. Callers indexing folders commit every N images (a few hundred is a good N).
    Result<Transaction> begin();

    // ---- images ----
    /// Errors: NotFound when no image has this path.
    Result<ImageRecord> findImageByPath(const std::string& path);
    /// Inserts the image or updates the row with the same path; returns its id. File facts
    /// (hash, size, mtime, width, height) are always written and status becomes Ok; metadata
    /// strings left empty (and extraJson "{}" or empty) keep the values already stored.
    /// Errors: InvalidArgument (no path, extra not a JSON object, date not ISO: isIsoDate).
    Result<int64_t> upsertImage(const ImageRecord& image);
    /// Marks `path` as failed with `reason` (one English line) and `code` (insert or update);
    /// its metadata and labels are kept.
    Status recordFailure(const std::string& path, int64_t size, int64_t mtimeNs, const std::string& reason,
                         FailureCode code = FailureCode::Unknown);
    /// Ids (ascending) of the images with status Ok whose content hash equals `hash`.
    Result<std::vector<int64_t>> imagesWithSameHash(const std::string& hash);
    /// Images that pass `filter`, by id. Errors: InvalidArgument for a `where` field that
    /// checkFilter() refuses.
    Result<std::vector<ImageRecord>> listImages(const ImageFilter& filter = {});
    Result<std::vector<FailedFile>> failures();
    /// The fields a `where` condition may name: the columns (path, product, line, lot, date,
    /// inspector, notes) in that order, then the keys of the photos' extra metadata, sorted.
    Result<std::vector<std::string>> filterFields();
    /// Ok when every `where` field of `filter` is a column or a key of at least one photo's
    /// extra metadata. Otherwise InvalidArgument: `unknown filter field "F"; known fields: ...`
    /// (a misspelt field would silently match nothing). One short query per extra-key field.
    Status checkFilter(const ImageFilter& filter);
    /// Distinct non-empty values of the column `field` (product, line, lot, date, inspector or
    /// notes; case-insensitive), sorted: the choices a filter offers. InvalidArgument otherwise.
    Result<std::vector<std::string>> columnValues(const std::string& field);

    // ---- models and embeddings ----
    /// Id of the model with this fingerprint, registering it when new. configJson must be valid
    /// JSON; dim in [1, 65536]. Errors: Mismatch when the fingerprint is known with another dim.
    Result<int64_t> ensureModel(const std::string& name, const std::string& fingerprint,
                                const std::string& configJson, int dim);
    /// Every registered model, most recently registered first.
    Result<std::vector<ModelRecord>> models();
    /// Stores (or replaces) an image's embedding as IEEE fp16, round-to-nearest-even, little
    /// endian. Accuracy: relative error <= 2^-11 (4.9e-4) for |x| in [6.1e-5, 65504]; for the
    /// components of a unit vector (|x| <= 1) the absolute error is <= 2^-12 (2.5e-4).
    /// `v` points to `dim` floats, read during the call only. Errors: InvalidArgument (null,
    /// non-finite or |x| > 65504), Mismatch (dim differs from the model's), NotFound.
    Status putEmbedding(int64_t imageId, int64_t modelId, const float* v, int dim);
    /// All embeddings of a model as float32, ordered by image id. Errors: NotFound (no such
    /// model), Format (a stored vector of the wrong size; run check()).
    Result<EmbeddingMatrix> loadEmbeddings(int64_t modelId);
    Result<bool> hasEmbedding(int64_t imageId, int64_t modelId);
    /// Images (status Ok) that have no embedding of `modelId`, ordered by id: what a change of
    /// model leaves to re-embed.
    Result<std::vector<ImageRecord>> imagesWithoutEmbedding(int64_t modelId);
    /// Changes whenever embeddings of `modelId` are added, replaced or removed: (count, largest
    /// row id, sum of image ids). Cheap enough to ask before each search (one index scan).
    struct EmbeddingStamp {
        int64_t count = 0;
        int64_t maxRowId = 0;
        int64_t idSum = 0;
        bool operator==(const EmbeddingStamp& o) const
        {
            return count == o.count && maxRowId == o.maxRowId && idSum == o.idSum;
        }
        bool operator!=(const EmbeddingStamp& o) const { return !(*this == o); }
    };
    Result<EmbeddingStamp> embeddingStamp(int64_t modelId);
    /// PRAGMA data_version of this connection: changes when another connection commits.
    Result<int64_t> dataVersion();
    /// Ids (ascending) of the images that pass `filter` (same rules and errors as listImages).
    Result<std::vector<int64_t>> listImageIds(const ImageFilter& filter = {});
    /// Errors: NotFound when no image has this id.
    Result<ImageRecord> imageById(int64_t id);
    /// Library-wide settings (library_info table), e.g. "active_model" (the MODEL argument the
    /// library is searched with). An unset key reads as an empty string.
    Result<std::string> setting(const std::string& key);
    Status setSetting(const std::string& key, const std::string& value);

    // ---- models in use (the desktop application's model registry) ----
    /// Every registered model with the number of embeddings the library holds for it (0 for a
    /// model whose embeddings were all removed), most recently registered first.
    struct ModelEmbeddingCount {
        ModelRecord model;
        int64_t embeddings = 0;
    };
    Result<std::vector<ModelEmbeddingCount>> embeddingCountsByModel();
    /// Removes the model `modelId` and all its embeddings in one transaction; returns how many
    /// embeddings went. Labels (also zero-shot ones) stay. Errors: NotFound (no such model).
    Result<int64_t> deleteModelEmbeddings(int64_t modelId);
    /// The models made active for this library, newest first (the "active_model_history"
    /// setting, a JSON array of MODEL arguments; unreadable content reads as empty).
    Result<std::vector<std::string>> activeModelHistory();
    /// Sets "active_model" to `spec` and puts it first in the history, the model active until
    /// now second (an earlier occurrence is moved, at most kActiveModelHistoryMax kept), in one
    /// transaction. InvalidArgument: empty `spec`.
    Status recordActiveModel(const std::string& spec);
    static constexpr size_t kActiveModelHistoryMax = 20;

    // ---- labels ----
    /// Sets the image's label for this source, replacing that source's previous one.
    /// confidence in [0, 1] (1 for manual and folder labels).
    Status setLabel(int64_t imageId, const std::string& label, LabelSource source, double confidence = 1.0);
    /// The current label after precedence; empty when the image has none. NotFound: no image.
    Result<std::string> label(int64_t imageId);
    /// Distinct current labels of all images, sorted.
    Result<std::vector<std::string>> labels();

    // ---- CSV ----
    /// Imports metadata from a CSV file (RFC 4180: header row, quoted fields, "" escapes,
    /// commas and newlines inside quotes, UTF-8 with or without BOM). Columns (case-insensitive):
    /// path or file (required), product, line, lot, date, inspector, notes; any other column goes
    /// into the extra JSON object. A row matches an image by exact path, else by file name when
    /// exactly one image has that name. Empty cells leave stored values unchanged. A date that is
    /// not ISO (isIsoDate) is not imported and is listed in the report's `rejected` with its line;
    /// the other cells of its row are. All rows are applied in one transaction. Errors:
    /// NotFound/Io (file), Format (malformed CSV, with line), InvalidArgument (no path/file column).
    Result<CsvImportReport> importMetadataCsv(const std::string& csvPath);
    /// Writes all images (path, label, product, line, lot, date, inspector, notes, extra, status,
    /// error) as RFC 4180 CSV with CRLF line ends, into a temporary file next to `csvPath` that is
    /// then renamed over it, so readers never see a half-written file.
    Status exportCsv(const std::string& csvPath);

    // ---- maintenance ----
    /// Runs integrity_check and foreign_key_check and looks for embeddings whose dim or size
    /// differs from their model's, Ok images without a hash, and duplicate paths.
    Result<CheckReport> check();

    // ---- editing from the desktop application ----
    /// One stored label of an image (an image has at most one per source).
    struct LabelEntry {
        std::string label;
        LabelSource source = LabelSource::Manual;
        double confidence = 1.0;
        int64_t createdAtMs = 0;
    };
    /// Sets the metadata strings (product, line, lot, date, inspector, notes) of the image to
    /// exactly the values of `metadata` (an empty string clears the field, unlike upsertImage);
    /// the other members of `metadata` are ignored. Errors: NotFound when no image has this id;
    /// InvalidArgument when the date is not empty and not ISO (isIsoDate), nothing written.
    Status updateMetadata(int64_t imageId, const ImageRecord& metadata);
    /// Removes the image's label of `source`; the next source in precedence becomes current.
    /// No error when it has none. Errors: NotFound when no image has this id.
    Status clearLabel(int64_t imageId, LabelSource source);
    /// The image's labels of every source, in precedence order (current label first).
    /// Errors: NotFound when no image has this id.
    Result<std::vector<LabelEntry>> labelEntries(int64_t imageId);
    /// (image id, current label) of every image that has a label, ordered by id: one query
    /// instead of label() per image.
    Result<std::vector<std::pair<int64_t, std::string>>> currentLabels();

    // ---- search feedback ----
    /// One judgement of a search hit by a person.
    struct FeedbackRecord {
        int64_t id = 0;
        std::string query;       // what was searched: a photo's path, or "text:" and the words
        int64_t hitImageId = 0;  // rows go with their photo when it leaves the library
        bool right = false;      // true: the hit is a right answer for the query
        int64_t createdAtMs = 0;
        int64_t searchId = 0;    // the logged search it was given on (schema 4); 0: not linked
        int rank = 0;            // the hit's rank in that search (1-based); 0: not linked
    };
    /// Stores that `hitImageId` is a right (or wrong) answer to `query`. Each call adds a row,
    /// so a changed mind is kept as history; readers take the latest per (query, hit). Rows are
    /// never updated or deleted (only with their photo), and `id` grows with every row, so
    /// judgements made within the same millisecond (`createdAtMs`) are still ordered.
    /// Errors: InvalidArgument (empty query), NotFound (no image with this id), Io.
    Status addFeedback(const std::string& query, int64_t hitImageId, bool right);
    /// Stored feedback, oldest first; `hitImageId` > 0 keeps only that hit's rows.
    Result<std::vector<FeedbackRecord>> feedback(int64_t hitImageId = 0);
    /// Every judgement of `hitImageId` for `query`, oldest first: the last one is the current
    /// judgement, the others what it replaced. Empty when the hit was never judged.
    Result<std::vector<FeedbackRecord>> feedbackHistory(const std::string& query, int64_t hitImageId);
    /// The current (latest) judgement of each hit judged for `query`, by hit id ascending:
    /// one query for a whole result list.
    Result<std::vector<FeedbackRecord>> currentFeedback(const std::string& query);

    // ---- usage log (schema 4; UsageLog.h, docs/POC.md) ----
    /// Logs one search; returns its id (> 0, growing). Empty osUser / host are filled with the
    /// process's login name and this machine's host name, createdAtMs 0 with now. Errors:
    /// InvalidArgument (k outside 1..10000, a negative or non-finite latency, a score outside
    /// [-1, 1], filtersJson not a JSON object, more hits than k), Io (read-only library, busy,
    /// disk full: SQLite's text), Unsupported (a schema 3 library opened read-only).
    Result<int64_t> logSearch(const SearchLogEntry& entry);
    /// Records feedback on logged search `searchId`: `rank` (1-based, among its hits) is right or
    /// wrong; rank 0 with right == false means "none of the hits is right". The row goes to the
    /// feedback table under the search's query key (so feedbackHistory sees it), with the search
    /// and rank. atMs 0: now. Errors: NotFound "no search with id N" (also after clearUsageLog),
    /// InvalidArgument (rank outside 1..hits of the search, rank 0 with right), Io.
    Status addSearchFeedback(int64_t searchId, int rank, bool right, int64_t atMs = 0);
    /// The logged searches that pass `filter` (period, user, model, line, product, label), oldest
    /// first, each with its feedback folded (SearchLogRecord). A library opened read-only with a
    /// schema before 4 has no log: empty.
    Result<std::vector<SearchLogRecord>> searchLog(const UsageFilter& filter = {});
    /// Writes searchLog(filter) as RFC 4180 CSV (UTF-8, CRLF, header row; columns in
    /// docs/POC.md, "The usage log"), atomically (a temporary file renamed over `csvPath`).
    /// Returns the number of searches written. Errors: Io (cannot write, disk full).
    Result<int64_t> exportUsageCsv(const std::string& csvPath, const UsageFilter& filter = {});
    /// Removes every logged search in one transaction; returns how many went. The "none right"
    /// marks go with them; judgements of hits stay (they are the photos' feedback, kept for
    /// evaluation and training), unlinked from the search. Errors: Io (read-only, busy).
    Result<int64_t> clearUsageLog();

    // ---- claims: indexing runs working on one library at once ----
    // A run claims the paths of a batch for its model before decoding them, so two runs never
    // embed the same photo with the same model. Claims expire (wall clock, milliseconds), so a killed run blocks nothing for long;
    // machines sharing a library over the network need roughly synchronised clocks. A run id
    // made by newRunId() (base/ProcessIdentity.h) names its process: an unfinished claim whose
    // holder was a process of this machine (same boot) that no longer runs is taken over at once.
    enum class Claim {
        Claimed,  // held by this run now (also when it already was)
        Busy,     // held by another run whose claim has not expired: ask again later
        Done,     // another run finished it (stored or failed) within its claim's time: skip it
    };
    /// In one short transaction: drops expired claims, then claims each of `paths` with model
    /// `modelId` for `runId` until now + ttlMs unless another run holds it (an unfinished claim
    /// whose holder is certainly gone, runHolderIsGone(), is taken over). One entry per path,
    /// in order. Errors: InvalidArgument (empty runId, ttlMs < 1), Io (busy, read-only).
    Result<std::vector<Claim>> claimPaths(const std::vector<std::string>& paths, int64_t modelId,
                                          const std::string& runId, int64_t ttlMs);
    /// Extends the run's unfinished claims to now + ttlMs.
    Status renewClaims(const std::string& runId, int64_t ttlMs);
    /// Marks the run's claims of `paths` done until now + ttlMs, so that a run waiting for them
    /// counts them as handled instead of doing them again. Call it in the batch's transaction, so
    /// the photos and the mark become visible together.
    Status finishClaims(const std::vector<std::string>& paths, int64_t modelId, const std::string& runId,
                        int64_t ttlMs);
    /// Drops the run's unfinished claims (when it ends or is cancelled); done ones expire.
    Status releaseClaims(const std::string& runId);

private:
    Library(Database db, std::string path, int openedVersion)
        : m_db(std::move(db)),
          m_path(std::move(path)),
          m_openedVersion(openedVersion),
          m_schemaVersion(openedVersion) {}
    /// open() once the file exists (or may be created in place, as open() does for a new one).
    static Result<Library> openExisting(const std::string& path, const LibraryOptions& options);
    Status migrate();
    /// The feedback columns of schema 4 (search_id, rank) as SQL, or zeros on an older file.
    const char* linkColumns() const;
    /// SQL "SELECT <columns> FROM images i WHERE ..." for `filter`, with its text arguments.
    Result<std::pair<std::string, std::vector<std::string>>> filterSql(const std::string& columns,
                                                                      const ImageFilter& filter) const;

    Database m_db;
    std::string m_path;
    int m_openedVersion = 0;
    int m_schemaVersion = 0;  // of the file now: kSchemaVersion after migrate(), else as opened
};

/// IEEE 754 binary16 conversion used for stored embeddings (round to nearest, ties to even;
/// overflow gives infinity; NaN stays NaN).
uint16_t floatToHalf(float value);
float halfToFloat(uint16_t half);

}  // namespace diffclip
