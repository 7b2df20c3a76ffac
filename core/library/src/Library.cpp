#include "diffclip/library/Library.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <unordered_map>

#include "diffclip/formats/Csv.h"
#include "diffclip/formats/Json.h"

namespace diffclip {

namespace {

int64_t nowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

const char* statusName(ImageStatus s) {
    return s == ImageStatus::Ok ? "ok" : "failed";
}

// Current label after precedence (manual > training > folder > zero-shot), as an SQL expression
// over the images table aliased `i`.
constexpr const char* kCurrentLabelSql =
    "(SELECT l.label FROM labels l WHERE l.image_id = i.id ORDER BY CASE l.source "
    "WHEN 'manual' THEN 0 WHEN 'training' THEN 1 WHEN 'folder' THEN 2 ELSE 3 END LIMIT 1)";

constexpr const char* kImageColumns =
    "i.id, i.path, i.content_hash, i.size, i.mtime_ns, i.width, i.height, i.added_at, i.product, i.line, "
    "i.lot, i.date, i.inspector, i.notes, i.extra, i.status, i.error";

// Steps `st` to its end and returns readRow(st) of every row, in order.
template <class T, class ReadRow>
Result<std::vector<T>> collectRows(Statement& st, ReadRow readRow) {
    std::vector<T> out;
    for (;;) {
        Result<bool> row = st.step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return out;
        }
        out.push_back(readRow(st));
    }
}

ImageRecord readImage(const Statement& st) {
    ImageRecord r;
    r.id = st.columnInt(0);
    r.path = st.columnText(1);
    r.contentHash = st.columnText(2);
    r.size = st.columnInt(3);
    r.mtimeNs = st.columnInt(4);
    r.width = static_cast<int>(st.columnInt(5));
    r.height = static_cast<int>(st.columnInt(6));
    r.addedAtMs = st.columnInt(7);
    r.product = st.columnText(8);
    r.line = st.columnText(9);
    r.lot = st.columnText(10);
    r.date = st.columnText(11);
    r.inspector = st.columnText(12);
    r.notes = st.columnText(13);
    r.extraJson = st.columnText(14);
    if (r.extraJson.empty()) {
        r.extraJson = "{}";
    }
    r.status = st.columnText(15) == "failed" ? ImageStatus::Failed : ImageStatus::Ok;
    r.error = st.columnText(16);
    return r;
}

// Schema v1. Every later version adds one entry to kMigrations (never edits this one).
constexpr const char* kSchemaV1 = R"SQL(
CREATE TABLE library_info(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO library_info(key, value) VALUES ('app', 'DiffCLIP Studio library');
CREATE TABLE images(
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    content_hash TEXT,
    size INTEGER NOT NULL DEFAULT 0,
    mtime_ns INTEGER NOT NULL DEFAULT 0,
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    added_at INTEGER NOT NULL,
    product TEXT, line TEXT, lot TEXT, date TEXT, inspector TEXT, notes TEXT,
    extra TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'failed')),
    error TEXT);
CREATE INDEX images_by_hash ON images(content_hash);
CREATE INDEX images_by_date ON images(date);
CREATE INDEX images_by_status ON images(status);
CREATE TABLE labels(
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('folder', 'manual', 'zero-shot', 'training')),
    confidence REAL NOT NULL DEFAULT 1.0,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (image_id, source));
CREATE INDEX labels_by_label ON labels(label);
CREATE TABLE models(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    fingerprint TEXT NOT NULL UNIQUE,
    config_json TEXT NOT NULL DEFAULT '{}',
    dim INTEGER NOT NULL CHECK (dim > 0),
    created_at INTEGER NOT NULL);
CREATE TABLE embeddings(
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    dim INTEGER NOT NULL,
    dtype TEXT NOT NULL CHECK (dtype IN ('f16', 'f32')),
    vector BLOB NOT NULL,
    PRIMARY KEY (image_id, model_id));
CREATE INDEX embeddings_by_model ON embeddings(model_id, image_id);
CREATE TABLE jobs(
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    detail TEXT,
    started_at INTEGER,
    finished_at INTEGER);
CREATE TABLE feedback(
    id INTEGER PRIMARY KEY,
    query TEXT NOT NULL,
    hit_image_id INTEGER REFERENCES images(id) ON DELETE CASCADE,
    correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
    created_at INTEGER NOT NULL);
CREATE INDEX feedback_by_hit ON feedback(hit_image_id);
)SQL";

// Schema v2: a machine-readable reason beside the English one of failed files (FailureCode).
// Rows failed before it keep a NULL code and are shown with their English text.
constexpr const char* kSchemaV2 = "ALTER TABLE images ADD COLUMN error_code TEXT;";

// kMigrations[v] takes a file from user_version v to v + 1.
constexpr const char* kMigrations[] = {kSchemaV1, kSchemaV2};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == Library::kSchemaVersion,
              "one migration per schema version");

std::string lowerAscii(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}

// Metadata columns a `where` condition may name (lower case); other fields are keys of `extra`.
constexpr const char* kFilterColumns[] = {"path", "product", "line", "lot", "date", "inspector", "notes"};

bool isFilterColumn(const std::string& lowerField) {
    return std::find(std::begin(kFilterColumns), std::end(kFilterColumns), lowerField) != std::end(kFilterColumns);
}

// A key usable inside the JSON path "$.\"key\"" (no quote, no control character).
bool usableExtraKey(const std::string& key) {
    return std::none_of(key.begin(), key.end(),
                        [](char c) { return c == '"' || static_cast<unsigned char>(c) < 0x20; });
}

std::string trim(const std::string& s) {
    size_t b = 0;
    size_t e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t')) {
        ++b;
    }
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) {
        --e;
    }
    return s.substr(b, e - b);
}

// The `n` decimal digits at `pos` of `s` as a number, or -1.
int digitsAt(std::string_view s, size_t pos, size_t n) {
    if (pos + n > s.size()) {
        return -1;
    }
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

Status requireIsoDate(const std::string& date, const std::string& where) {
    if (date.empty() || isIsoDate(date)) {
        return Status::success();
    }
    return makeError(ErrorCode::InvalidArgument,
                     "the date \"" + date + "\" is not an ISO date (YYYY-MM-DD): " + where);
}

std::string fileName(const std::string& path) {
    const size_t slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// fp16

uint16_t floatToHalf(float value) {
    uint32_t x = 0;
    std::memcpy(&x, &value, sizeof x);
    const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    const uint32_t absx = x & 0x7fffffffu;
    if (absx >= 0x7f800000u) {  // infinity or NaN (NaN keeps a quiet payload bit)
        return static_cast<uint16_t>(sign | 0x7c00u | (absx > 0x7f800000u ? 0x200u : 0u));
    }
    if (absx >= 0x477ff000u) {  // >= 65520: rounds to infinity
        return static_cast<uint16_t>(sign | 0x7c00u);
    }
    if (absx < 0x38800000u) {  // below 2^-14: subnormal half (or zero)
        float a = 0.0f;
        std::memcpy(&a, &absx, sizeof a);
        // Scaling by 2^24 is exact; nearbyint rounds half to even in the default mode. A result
        // of 1024 is the encoding of the smallest normal number, which is right.
        const auto m = static_cast<uint32_t>(std::nearbyint(a * 16777216.0f));
        return static_cast<uint16_t>(sign | m);
    }
    const uint32_t mant = absx & 0x7fffffu;
    const uint32_t exp = (absx >> 23) - 127u + 15u;
    uint32_t h = (exp << 10) | (mant >> 13);
    const uint32_t rest = mant & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u) != 0)) {
        ++h;  // a carry into the exponent is the correct rounding
    }
    return static_cast<uint16_t>(sign | h);
}

float halfToFloat(uint16_t half) {
    const uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
    const uint32_t exp = (half >> 10) & 0x1fu;
    const uint32_t mant = half & 0x3ffu;
    if (exp == 0) {
        const float v = std::ldexp(static_cast<float>(mant), -24);
        return sign != 0 ? -v : v;
    }
    uint32_t bits = 0;
    if (exp == 31) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp - 15u + 127u) << 23) | (mant << 13);
    }
    float f = 0.0f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

Result<std::vector<ImageRecord>> Library::imagesWithoutEmbedding(int64_t modelId) {
    Result<Statement> st = m_db.prepare(std::string("SELECT ") + kImageColumns +
                                        " FROM images i WHERE i.status = 'ok' AND NOT EXISTS (SELECT 1 FROM "
                                        "embeddings e WHERE e.image_id = i.id AND e.model_id = ?1) ORDER BY i.id");
    if (!st) {
        return st.error();
    }
    st->bind(1, modelId);
    return collectRows<ImageRecord>(*st, [](const Statement& s) -> ImageRecord { return readImage(s); });
}

Result<Library::EmbeddingStamp> Library::embeddingStamp(int64_t modelId) {
    Result<Statement> st = m_db.prepare(
        "SELECT COUNT(*), COALESCE(MAX(rowid), 0), COALESCE(SUM(image_id), 0) FROM embeddings WHERE model_id = ?1");
    if (!st) {
        return st.error();
    }
    st->bind(1, modelId);
    Result<bool> row = st->step();
    if (!row) {
        return row.error();
    }
    EmbeddingStamp stamp;
    stamp.count = st->columnInt(0);
    stamp.maxRowId = st->columnInt(1);
    stamp.idSum = st->columnInt(2);
    return stamp;
}

Result<int64_t> Library::dataVersion() {
    return m_db.queryInt("PRAGMA data_version");
}

Result<std::vector<int64_t>> Library::listImageIds(const ImageFilter& filter) {
    if (Status known = checkFilter(filter); !known) {
        return known.error();
    }
    auto q = filterSql("i.id", filter);
    if (!q) {
        return q.error();
    }
    Result<Statement> st = m_db.prepare(q->first);
    if (!st) {
        return st.error();
    }
    for (size_t k = 0; k < q->second.size(); ++k) {
        st->bind(static_cast<int>(k + 1), q->second[k]);
    }
    return collectRows<int64_t>(*st, [](const Statement& s) -> int64_t { return s.columnInt(0); });
}

Result<std::string> Library::setting(const std::string& key) {
    Result<Statement> st = m_db.prepare("SELECT value FROM library_info WHERE key = ?1");
    if (!st) {
        return st.error();
    }
    st->bind(1, key);
    Result<bool> row = st->step();
    if (!row) {
        return row.error();
    }
    return *row ? st->columnText(0) : std::string();
}

Status Library::setSetting(const std::string& key, const std::string& value) {
    if (key.empty() || key == "app") {
        return makeError(ErrorCode::InvalidArgument, "unusable library setting name: " + key);
    }
    Result<Statement> st = m_db.prepare("INSERT OR REPLACE INTO library_info(key, value) VALUES (?1, ?2)");
    if (!st) {
        return st.error();
    }
    st->bind(1, key).bind(2, value);
    Result<bool> done = st->step();
    if (!done) {
        return done.error();
    }
    return {};
}

Result<ImageRecord> Library::imageById(int64_t id) {
    Result<Statement> st = m_db.prepare(std::string("SELECT ") + kImageColumns + " FROM images i WHERE i.id = ?1");
    if (!st) {
        return st.error();
    }
    st->bind(1, id);
    Result<bool> row = st->step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return makeError(ErrorCode::NotFound, "no image with id " + std::to_string(id));
    }
    return readImage(*st);
}

// ---------------------------------------------------------------------------------------------
// dates and failure codes

bool isIsoDate(std::string_view s) {
    const int y = digitsAt(s, 0, 4);
    const int m = digitsAt(s, 5, 2);
    const int d = digitsAt(s, 8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1 || s[4] != '-' || s[7] != '-') {
        return false;
    }
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > kDays[m - 1] + (m == 2 && leap ? 1 : 0)) {
        return false;
    }
    if (s.size() == 10) {
        return true;
    }
    // A time of day: "T" or " ", HH:MM, optional :SS and fraction, optional zone.
    const int hh = digitsAt(s, 11, 2);
    const int mm = digitsAt(s, 14, 2);
    if ((s[10] != 'T' && s[10] != ' ') || hh < 0 || hh > 23 || s.size() < 16 || s[13] != ':' || mm < 0 ||
        mm > 59) {
        return false;
    }
    size_t pos = 16;
    if (pos < s.size() && s[pos] == ':') {
        const int ss = digitsAt(s, pos + 1, 2);
        if (ss < 0 || ss > 60) {  // 60: a leap second
            return false;
        }
        pos += 3;
        if (pos < s.size() && s[pos] == '.') {
            size_t end = pos + 1;
            while (end < s.size() && s[end] >= '0' && s[end] <= '9') {
                ++end;
            }
            if (end == pos + 1) {
                return false;
            }
            pos = end;
        }
    }
    if (pos == s.size()) {
        return true;
    }
    if (s[pos] == 'Z') {
        return pos + 1 == s.size();
    }
    const int zh = digitsAt(s, pos + 1, 2);
    const int zm = digitsAt(s, pos + 4, 2);
    return (s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size() && s[pos + 3] == ':' && zh >= 0 && zh <= 14 &&
           zm >= 0 && zm <= 59;
}

const char* failureCodeName(FailureCode code) {
    switch (code) {
        case FailureCode::Unknown:
            return "";
        case FailureCode::Unreadable:
            return "unreadable";
        case FailureCode::Missing:
            return "missing";
        case FailureCode::TooLarge:
            return "too-large";
        case FailureCode::NotAnImage:
            return "not-an-image";
        case FailureCode::Damaged:
            return "damaged";
        case FailureCode::OutOfMemory:
            return "out-of-memory";
        case FailureCode::ModelInput:
            return "model-input";
    }
    return "";
}

FailureCode parseFailureCode(std::string_view name) {
    for (FailureCode c : {FailureCode::Unreadable, FailureCode::Missing, FailureCode::TooLarge, FailureCode::NotAnImage,
                          FailureCode::Damaged, FailureCode::OutOfMemory, FailureCode::ModelInput}) {
        if (name == failureCodeName(c)) {
            return c;
        }
    }
    return FailureCode::Unknown;
}

// ---------------------------------------------------------------------------------------------
// labels

const char* labelSourceName(LabelSource source) {
    switch (source) {
        case LabelSource::Manual:
            return "manual";
        case LabelSource::Training:
            return "training";
        case LabelSource::Folder:
            return "folder";
        case LabelSource::ZeroShot:
            return "zero-shot";
    }
    return "manual";
}

std::optional<LabelSource> parseLabelSource(std::string_view name) {
    for (LabelSource s : {LabelSource::Manual, LabelSource::Training, LabelSource::Folder, LabelSource::ZeroShot}) {
        if (name == labelSourceName(s)) {
            return s;
        }
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// open and migrations

namespace {

void removeSqliteFiles(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        ::unlink((path + suffix).c_str());
    }
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

}  // namespace

Result<Library> Library::open(const std::string& path, const LibraryOptions& options) {
    struct stat st {};
    bool created = false;
    if (options.create && !options.readOnly && ::stat(path.c_str(), &st) != 0 && errno == ENOENT) {
        // A new library is built beside its final name and linked into place complete, so a
        // process killed while creating it never leaves an empty or schema-less file behind.
        const std::string building = path + ".creating-" + std::to_string(::getpid());
        removeSqliteFiles(building);
        {
            Result<Library> fresh = openExisting(building, options);
            if (!fresh) {
                removeSqliteFiles(building);
                Error e = fresh.error();
                e.message = replaceAll(e.message, building, path);
                return e;
            }
        }  // closing the only connection checkpoints the WAL into the file
        created = ::link(building.c_str(), path.c_str()) == 0;
        if (!created && errno != EEXIST && ::stat(path.c_str(), &st) != 0) {
            // File systems without hard links (FAT, some network shares): rename, unless
            // another process created the library meanwhile.
            if (::rename(building.c_str(), path.c_str()) != 0) {
                const std::string reason = std::strerror(errno);
                removeSqliteFiles(building);
                return makeError(ErrorCode::Io, "cannot create the library " + path + ": " + reason);
            }
            created = true;
        }
        removeSqliteFiles(building);
    }
    Result<Library> lib = openExisting(path, options);
    if (lib && created) {
        lib->m_openedVersion = 0;  // new to the caller, though built before this open
    }
    return lib;
}

Result<Library> Library::openExisting(const std::string& path, const LibraryOptions& options) {
    Database::OpenOptions dbOptions;
    dbOptions.readOnly = options.readOnly;
    dbOptions.create = options.create;
    dbOptions.busyTimeoutMs = options.busyTimeoutMs;
    Result<Database> opened = Database::open(path, dbOptions);
    if (!opened) {
        return opened.error();
    }
    Database db = std::move(opened).value();
    const std::string notLibrary = "not a DiffCLIP library or damaged: " + path;

    // quick_check reads every page: a text file fails here with NOTADB, a damaged one lists problems.
    {
        Result<Statement> st = db.prepare("PRAGMA quick_check");
        if (!st) {
            return st.error();
        }
        Result<bool> row = st->step();
        if (!row) {
            return row.error();
        }
        if (!*row || st->columnText(0) != "ok") {
            return makeError(ErrorCode::Format, notLibrary + " (quick_check: " + (*row ? st->columnText(0) : "") + ")");
        }
    }
    Result<int64_t> appId = db.queryInt("PRAGMA application_id");
    Result<int64_t> version = db.queryInt("PRAGMA user_version");
    Result<int64_t> objects = db.queryInt("SELECT COUNT(*) FROM sqlite_schema");
    for (const auto* r : {&appId, &version, &objects}) {
        if (!*r) {
            return r->error();
        }
    }
    const bool empty = *appId == 0 && *version == 0 && *objects == 0;
    if (!empty) {
        if (*appId != kApplicationId) {
            return makeError(ErrorCode::Format, notLibrary + " (an SQLite file of another program)");
        }
        if (*version > kSchemaVersion) {
            return makeError(ErrorCode::Unsupported, "the library was made by a newer DiffCLIP Studio (schema " +
                                                         std::to_string(*version) + ", this program knows up to " +
                                                         std::to_string(kSchemaVersion) + "): " + path);
        }
        Result<int64_t> marker = db.queryInt("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'library_info'");
        if (!marker || *marker != 1) {
            return makeError(ErrorCode::Format, notLibrary + " (the library_info table is missing)");
        }
    } else if (options.readOnly || !options.create) {
        return makeError(ErrorCode::Format, notLibrary + " (the file is empty)");
    }
    if (*version < kOldestReadableSchema && options.readOnly) {
        return makeError(ErrorCode::Unsupported,
                         "the library has an older schema and must be opened for writing once "
                         "to be upgraded: " +
                             path);
    }

    if (!options.readOnly) {
        // WAL keeps readers and one writer apart and makes a killed writer's batch vanish.
        Result<Statement> wal = db.prepare("PRAGMA journal_mode=WAL");
        if (!wal) {
            return wal.error();
        }
        Result<bool> row = wal->step();
        if (!row) {
            return row.error();
        }
        if (lowerAscii(wal->columnText(0)) != "wal") {
            return makeError(ErrorCode::Io, "cannot switch the library to WAL mode: " + path);
        }
    }
    Status pragmas = db.exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL");
    if (!pragmas) {
        return pragmas.error();
    }

    Library lib(std::move(db), path, static_cast<int>(*version));
    if (*version < kSchemaVersion && !options.readOnly) {
        Status migrated = lib.migrate();
        if (!migrated) {
            return migrated.error();
        }
        lib.m_schemaVersion = kSchemaVersion;
    }
    return lib;
}

Status Library::migrate() {
    Result<Transaction> tx = m_db.begin();
    if (!tx) {
        return tx.error();
    }
    // Another process may have migrated between our check and our write lock.
    Result<int64_t> current = m_db.queryInt("PRAGMA user_version");
    if (!current) {
        return current.error();
    }
    for (int v = static_cast<int>(*current); v < kSchemaVersion; ++v) {
        Status s = m_db.exec(kMigrations[v]);
        if (!s) {
            return s;
        }
    }
    // Both pragmas write the database header inside the transaction.
    Status s = m_db.exec("PRAGMA application_id=" + std::to_string(kApplicationId) +
                         "; PRAGMA user_version=" + std::to_string(kSchemaVersion));
    if (!s) {
        return s;
    }
    return tx->commit();
}

Result<Transaction> Library::begin() {
    return m_db.begin();
}

// ---------------------------------------------------------------------------------------------
// images

Result<ImageRecord> Library::findImageByPath(const std::string& path) {
    Result<Statement> st = m_db.prepare(std::string("SELECT ") + kImageColumns + " FROM images i WHERE i.path = ?1");
    if (!st) {
        return st.error();
    }
    st->bind(1, path);
    Result<bool> row = st->step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return makeError(ErrorCode::NotFound, "no image with path " + path);
    }
    return readImage(*st);
}

Result<int64_t> Library::upsertImage(const ImageRecord& image) {
    if (image.path.empty()) {
        return makeError(ErrorCode::InvalidArgument, "an image needs a path");
    }
    std::string extra = image.extraJson.empty() ? std::string("{}") : image.extraJson;
    Result<Json> parsed = parseJson(extra);
    if (!parsed || !parsed->is_object()) {
        return makeError(ErrorCode::InvalidArgument, "extra metadata must be a JSON object: " + image.path);
    }
    if (Status date = requireIsoDate(image.date, image.path); !date) {
        return date.error();
    }
    Result<Statement> st = m_db.prepare(
        "INSERT INTO images(path, content_hash, size, mtime_ns, width, height, added_at, product, line, lot, date, "
        "inspector, notes, extra, status, error) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULLIF(?8, ''), NULLIF(?9, ''), NULLIF(?10, ''), NULLIF(?11, ''), "
        "NULLIF(?12, ''), NULLIF(?13, ''), ?14, 'ok', NULL) "
        "ON CONFLICT(path) DO UPDATE SET content_hash = excluded.content_hash, size = excluded.size, "
        "mtime_ns = excluded.mtime_ns, width = excluded.width, height = excluded.height, "
        "product = COALESCE(excluded.product, product), line = COALESCE(excluded.line, line), "
        "lot = COALESCE(excluded.lot, lot), date = COALESCE(excluded.date, date), "
        "inspector = COALESCE(excluded.inspector, inspector), notes = COALESCE(excluded.notes, notes), "
        "extra = CASE WHEN excluded.extra = '{}' THEN extra ELSE excluded.extra END, status = 'ok', error = NULL, "
        "error_code = NULL "
        "RETURNING id");
    if (!st) {
        return st.error();
    }
    st->bind(1, image.path)
        .bind(3, image.size)
        .bind(4, image.mtimeNs)
        .bind(5, image.width)
        .bind(6, image.height)
        .bind(7, nowMs())
        .bind(8, image.product)
        .bind(9, image.line)
        .bind(10, image.lot)
        .bind(11, image.date)
        .bind(12, image.inspector)
        .bind(13, image.notes)
        .bind(14, parsed->dump());
    if (image.contentHash.empty()) {
        st->bindNull(2);
    } else {
        st->bind(2, image.contentHash);
    }
    Result<bool> row = st->step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return makeError(ErrorCode::Internal, "upsert returned no id: " + image.path);
    }
    const int64_t id = st->columnInt(0);
    Status done = st->run();  // finish the statement so its write is complete
    if (!done) {
        return done.error();
    }
    return id;
}

Status Library::recordFailure(const std::string& path, int64_t size, int64_t mtimeNs, const std::string& reason,
                              FailureCode code) {
    if (path.empty()) {
        return makeError(ErrorCode::InvalidArgument, "a failure needs a path");
    }
    Result<Statement> st = m_db.prepare(
        "INSERT INTO images(path, size, mtime_ns, added_at, status, error, error_code) "
        "VALUES (?1, ?2, ?3, ?4, 'failed', ?5, NULLIF(?6, '')) "
        "ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, status = 'failed', "
        "error = excluded.error, error_code = excluded.error_code");
    if (!st) {
        return st.error();
    }
    st->bind(1, path).bind(2, size).bind(3, mtimeNs).bind(4, nowMs()).bind(5, reason).bind(6, failureCodeName(code));
    return st->run();
}

Result<std::vector<int64_t>> Library::imagesWithSameHash(const std::string& hash) {
    Result<Statement> st = m_db.prepare("SELECT id FROM images WHERE content_hash = ?1 AND status = 'ok' ORDER BY id");
    if (!st) {
        return st.error();
    }
    st->bind(1, hash);
    return collectRows<int64_t>(*st, [](const Statement& s) -> int64_t { return s.columnInt(0); });
}

Result<std::pair<std::string, std::vector<std::string>>> Library::filterSql(const std::string& columns,
                                                                            const ImageFilter& filter) const {
    std::string sql = "SELECT " + columns + " FROM images i WHERE 1";
    std::vector<std::string> args;
    auto param = [&](std::string value) {
        args.push_back(std::move(value));
        return "?" + std::to_string(args.size());
    };
    if (!filter.label.empty()) {
        sql += std::string(" AND ") + kCurrentLabelSql + " = " + param(filter.label);
    }
    if (!filter.dateFrom.empty()) {
        sql += " AND i.date >= " + param(filter.dateFrom);
    }
    if (!filter.dateTo.empty()) {
        // "2024-05-31T10:00" > "2024-05-31" as text; compare on the date prefix for the upper bound.
        const std::string to = param(filter.dateTo);
        sql += " AND substr(i.date, 1, length(" + to + ")) <= " + to;
    }
    if (filter.status) {
        sql += " AND i.status = " + param(statusName(*filter.status));
    }
    for (const auto& [rawField, value] : filter.where) {
        const std::string field = lowerAscii(trim(rawField));
        if (field.empty()) {
            return makeError(ErrorCode::InvalidArgument, "empty field name in a filter");
        }
        if (isFilterColumn(field)) {
            sql += " AND i." + field + " = " + param(value);
            continue;
        }
        if (!usableExtraKey(rawField)) {
            return makeError(ErrorCode::InvalidArgument, "unusable metadata field name: " + rawField);
        }
        const std::string jsonPath = "$.\"" + trim(rawField) + "\"";
        const std::string pathParam = param(jsonPath);
        sql += " AND CAST(json_extract(i.extra, " + pathParam + ") AS TEXT) = " + param(value);
    }
    sql += " ORDER BY i.id";
    return std::make_pair(std::move(sql), std::move(args));
}

Result<std::vector<ImageRecord>> Library::listImages(const ImageFilter& filter) {
    if (Status known = checkFilter(filter); !known) {
        return known.error();
    }
    auto q = filterSql(kImageColumns, filter);
    if (!q) {
        return q.error();
    }
    const auto& [sql, args] = *q;
    Result<Statement> st = m_db.prepare(sql);
    if (!st) {
        return st.error();
    }
    for (size_t k = 0; k < args.size(); ++k) {
        st->bind(static_cast<int>(k + 1), args[k]);
    }
    return collectRows<ImageRecord>(*st, [](const Statement& s) -> ImageRecord { return readImage(s); });
}

Result<std::vector<std::string>> Library::filterFields() {
    std::vector<std::string> out(std::begin(kFilterColumns), std::end(kFilterColumns));
    Result<Statement> st =
        m_db.prepare("SELECT DISTINCT j.key FROM images i, json_each(i.extra) j ORDER BY j.key");
    if (!st) {
        return st.error();
    }
    auto keys = collectRows<std::string>(*st, [](const Statement& s) -> std::string { return s.columnText(0); });
    if (!keys) {
        return keys.error();
    }
    // A key spelt like a column ("Line") is read as the column by filterSql, so it is not offered.
    for (std::string& key : *keys) {
        if (!key.empty() && usableExtraKey(key) && !isFilterColumn(lowerAscii(trim(key)))) {
            out.push_back(std::move(key));
        }
    }
    return out;
}

Status Library::checkFilter(const ImageFilter& filter) {
    for (const auto& where : filter.where) {
        const std::string field = trim(where.first);
        if (field.empty() || isFilterColumn(lowerAscii(field)) || !usableExtraKey(field)) {
            continue;  // columns always exist; filterSql refuses empty and unusable names itself
        }
        Result<Statement> st =
            m_db.prepare("SELECT EXISTS (SELECT 1 FROM images WHERE json_type(extra, ?1) IS NOT NULL)");
        if (!st) {
            return st.error();
        }
        st->bind(1, "$.\"" + field + "\"");
        Result<bool> row = st->step();
        if (!row) {
            return row.error();
        }
        if (*row && st->columnInt(0) != 0) {
            continue;
        }
        auto known = filterFields();
        if (!known) {
            return known.error();
        }
        std::string message = "unknown filter field \"" + field + "\"";
        if (lowerAscii(field) == "label") {
            message += " (labels have a filter of their own)";
        }
        message += "; known fields: ";
        for (size_t k = 0; k < known->size(); ++k) {
            message += (k ? ", " : "") + (*known)[k];
        }
        return makeError(ErrorCode::InvalidArgument, message);
    }
    return Status::success();
}

Result<std::vector<std::string>> Library::columnValues(const std::string& rawField) {
    const std::string field = lowerAscii(trim(rawField));
    if (!isFilterColumn(field) || field == "path") {
        return makeError(ErrorCode::InvalidArgument, "no metadata column named \"" + rawField + "\"");
    }
    // `field` is one of the fixed column names checked above, never user text in the SQL.
    Result<Statement> st = m_db.prepare("SELECT DISTINCT " + field + " FROM images WHERE status = 'ok' AND " +
                                        field + " <> '' ORDER BY 1");
    if (!st) {
        return st.error();
    }
    return collectRows<std::string>(*st, [](const Statement& s) -> std::string { return s.columnText(0); });
}

Result<std::vector<FailedFile>> Library::failures() {
    // A schema 1 file opened read-only has no error_code column: its failures have no code.
    const char* code = m_schemaVersion >= 2 ? "error_code" : "NULL";
    Result<Statement> st = m_db.prepare(std::string("SELECT path, size, mtime_ns, error, ") + code +
                                        " FROM images WHERE status = 'failed' ORDER BY path");
    if (!st) {
        return st.error();
    }
    return collectRows<FailedFile>(*st, [](const Statement& s) -> FailedFile {
        return FailedFile{s.columnText(0), s.columnInt(1), s.columnInt(2), s.columnText(3),
                          parseFailureCode(s.columnText(4))};
    });
}

// ---------------------------------------------------------------------------------------------
// models and embeddings
Result<std::vector<std::string>> Library::activeModelHistory() {
    Result<std::string> text = setting("active_model_history");
    if (!text) {
        return text.error();
    }
    std::vector<std::string> out;
    if (text->empty()) {
        return out;
    }
    Result<Json> parsed = parseJson(*text);
    if (!parsed || !parsed->is_array()) {
        return out;  // damaged by hand or another program: forget the history, keep working
    }
    for (const Json& v : *parsed) {
        if (v.is_string() && !v.get_ref<const std::string&>().empty() && out.size() < kActiveModelHistoryMax) {
            out.push_back(v.get<std::string>());
        }
    }
    return out;
}

Status Library::recordActiveModel(const std::string& spec) {
    if (spec.empty()) {
        return makeError(ErrorCode::InvalidArgument, "no model given to make active");
    }
    Result<Transaction> tx = m_db.begin();
    if (!tx) {
        return tx.error();
    }
    Result<std::vector<std::string>> history = activeModelHistory();
    if (!history) {
        return history.error();
    }
    // The model active until now comes second even when it was set without a history (by
    // opening a workspace, or by an older version), so it can be rolled back to.
    Result<std::string> previous = setting("active_model");
    if (!previous) {
        return previous.error();
    }
    Json list = Json::array();
    list.push_back(spec);
    if (!previous->empty() && *previous != spec) {
        list.push_back(*previous);
    }
    for (const std::string& h : *history) {
        if (h != spec && h != *previous && list.size() < kActiveModelHistoryMax) {
            list.push_back(h);
        }
    }
    if (Status s = setSetting("active_model", spec); !s) {
        return s;
    }
    if (Status s = setSetting("active_model_history", dumpJson(list)); !s) {
        return s;
    }
    return tx->commit();
}

Result<std::vector<Library::ModelEmbeddingCount>> Library::embeddingCountsByModel() {
    Result<Statement> q = m_db.prepare(
        "SELECT m.id, m.name, m.fingerprint, m.dim, m.created_at, "
        "(SELECT COUNT(*) FROM embeddings e WHERE e.model_id = m.id) "
        "FROM models m ORDER BY m.created_at DESC, m.id DESC");
    if (!q) {
        return q.error();
    }
    return collectRows<ModelEmbeddingCount>(*q, [](const Statement& s) -> ModelEmbeddingCount {
        return ModelEmbeddingCount{ModelRecord{s.columnInt(0), s.columnText(1), s.columnText(2),
                                               static_cast<int>(s.columnInt(3)), s.columnInt(4)},
                                   s.columnInt(5)};
    });
}

Result<int64_t> Library::deleteModelEmbeddings(int64_t modelId) {
    Result<Transaction> tx = m_db.begin();
    if (!tx) {
        return tx.error();
    }
    Result<Statement> count = m_db.prepare("SELECT COUNT(*) FROM embeddings WHERE model_id = ?1");
    if (!count) {
        return count.error();
    }
    count->bind(1, modelId);
    Result<bool> row = count->step();
    if (!row) {
        return row.error();
    }
    const int64_t removed = count->columnInt(0);
    Result<Statement> del = m_db.prepare("DELETE FROM embeddings WHERE model_id = ?1");
    if (!del) {
        return del.error();
    }
    del->bind(1, modelId);
    if (Result<bool> done = del->step(); !done) {
        return done.error();
    }
    Result<Statement> delModel = m_db.prepare("DELETE FROM models WHERE id = ?1");
    if (!delModel) {
        return delModel.error();
    }
    delModel->bind(1, modelId);
    if (Result<bool> done = delModel->step(); !done) {
        return done.error();
    }
    if (m_db.changes() != 1) {
        return makeError(ErrorCode::NotFound, "the library has no model with id " + std::to_string(modelId));
    }
    if (Status s = tx->commit(); !s) {
        return s.error();
    }
    return removed;
}


Result<std::vector<ModelRecord>> Library::models() {
    Result<Statement> q =
        m_db.prepare("SELECT id, name, fingerprint, dim, created_at FROM models ORDER BY created_at DESC, id DESC");
    if (!q) {
        return q.error();
    }
    return collectRows<ModelRecord>(*q, [](const Statement& s) -> ModelRecord {
        return ModelRecord{s.columnInt(0), s.columnText(1), s.columnText(2), static_cast<int>(s.columnInt(3)),
                           s.columnInt(4)};
    });
}

Result<int64_t> Library::ensureModel(const std::string& name, const std::string& fingerprint,
                                     const std::string& configJson, int dim) {
    if (fingerprint.empty()) {
        return makeError(ErrorCode::InvalidArgument, "a model needs a fingerprint");
    }
    if (dim < 1 || dim > 65536) {
        return makeError(ErrorCode::InvalidArgument, "embedding size out of range [1, 65536]: " + std::to_string(dim));
    }
    Result<Json> config = parseJson(configJson.empty() ? std::string("{}") : configJson);
    if (!config) {
        return makeError(ErrorCode::InvalidArgument, "model config is not valid JSON: " + config.error().message);
    }
    Result<Transaction> tx = m_db.begin();
    if (!tx) {
        return tx.error();
    }
    Result<Statement> find = m_db.prepare("SELECT id, dim FROM models WHERE fingerprint = ?1");
    if (!find) {
        return find.error();
    }
    find->bind(1, fingerprint);
    Result<bool> row = find->step();
    if (!row) {
        return row.error();
    }
    if (*row) {
        const int64_t id = find->columnInt(0);
        if (find->columnInt(1) != dim) {
            return makeError(ErrorCode::Mismatch, "model " + fingerprint + " is registered with embedding size " +
                                                      std::to_string(find->columnInt(1)) + ", not " +
                                                      std::to_string(dim));
        }
        find->reset();
        Status c = tx->commit();
        if (!c) {
            return c.error();
        }
        return id;
    }
    find->reset();
    Result<Statement> ins =
        m_db.prepare("INSERT INTO models(name, fingerprint, config_json, dim, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!ins) {
        return ins.error();
    }
    ins->bind(1, name).bind(2, fingerprint).bind(3, config->dump()).bind(4, dim).bind(5, nowMs());
    Status s = ins->run();
    if (!s) {
        return s.error();
    }
    const int64_t id = m_db.lastInsertId();
    Status c = tx->commit();
    if (!c) {
        return c.error();
    }
    return id;
}

Status Library::putEmbedding(int64_t imageId, int64_t modelId, const float* v, int dim) {
    if (v == nullptr || dim < 1) {
        return makeError(ErrorCode::InvalidArgument, "empty embedding");
    }
    Result<Statement> model = m_db.prepare("SELECT dim FROM models WHERE id = ?1");
    if (!model) {
        return model.error();
    }
    model->bind(1, modelId);
    Result<bool> row = model->step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return makeError(ErrorCode::NotFound, "no model with id " + std::to_string(modelId));
    }
    if (model->columnInt(0) != dim) {
        return makeError(ErrorCode::Mismatch, "embedding has " + std::to_string(dim) + " values, the model " +
                                                  std::to_string(model->columnInt(0)));
    }
    model->reset();
    std::vector<unsigned char> blob(static_cast<size_t>(dim) * 2);
    for (int k = 0; k < dim; ++k) {
        if (!std::isfinite(v[k]) || std::fabs(v[k]) > 65504.0f) {
            return makeError(ErrorCode::InvalidArgument,
                             "embedding value " + std::to_string(k) + " is not finite or too large for fp16");
        }
        const uint16_t h = floatToHalf(v[k]);
        blob[2 * static_cast<size_t>(k)] = static_cast<unsigned char>(h & 0xff);
        blob[2 * static_cast<size_t>(k) + 1] = static_cast<unsigned char>(h >> 8);
    }
    Result<Statement> st = m_db.prepare(
        "INSERT OR REPLACE INTO embeddings(image_id, model_id, dim, dtype, vector) VALUES (?1, ?2, ?3, 'f16', ?4)");
    if (!st) {
        return st.error();
    }
    st->bind(1, imageId).bind(2, modelId).bind(3, dim).bindBlob(4, blob.data(), blob.size());
    Status s = st->run();
    if (!s && s.error().code == ErrorCode::InvalidArgument) {
        return makeError(ErrorCode::NotFound, "no image with id " + std::to_string(imageId));
    }
    return s;
}

Result<EmbeddingMatrix> Library::loadEmbeddings(int64_t modelId) {
    Result<Statement> model = m_db.prepare("SELECT dim FROM models WHERE id = ?1");
    if (!model) {
        return model.error();
    }
    model->bind(1, modelId);
    Result<bool> row = model->step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return makeError(ErrorCode::NotFound, "no model with id " + std::to_string(modelId));
    }
    EmbeddingMatrix m;
    m.dim = static_cast<int>(model->columnInt(0));
    model->reset();
    const auto dim = static_cast<size_t>(m.dim);
    Result<int64_t> count =
        m_db.queryInt("SELECT COUNT(*) FROM embeddings WHERE model_id = " + std::to_string(modelId));
    if (!count) {
        return count.error();
    }
    m.ids.reserve(static_cast<size_t>(*count));
    m.values.reserve(static_cast<size_t>(*count) * dim);
    Result<Statement> st =
        m_db.prepare("SELECT image_id, dim, dtype, vector FROM embeddings WHERE model_id = ?1 ORDER BY image_id");
    if (!st) {
        return st.error();
    }
    st->bind(1, modelId);
    for (;;) {
        Result<bool> r = st->step();
        if (!r) {
            return r.error();
        }
        if (!*r) {
            break;
        }
        const int64_t imageId = st->columnInt(0);
        const std::string dtype = st->columnText(2);
        const size_t width = dtype == "f32" ? 4 : 2;
        const auto* bytes = static_cast<const unsigned char*>(st->columnBlob(3));
        const auto size = static_cast<size_t>(st->columnBytes(3));
        if (st->columnInt(1) != m.dim || size != dim * width || bytes == nullptr) {
            return makeError(ErrorCode::Format, "the embedding of image " + std::to_string(imageId) +
                                                    " has the wrong size for its model (run library check)");
        }
        m.ids.push_back(imageId);
        for (size_t k = 0; k < dim; ++k) {
            if (width == 2) {
                m.values.push_back(halfToFloat(static_cast<uint16_t>(bytes[2 * k] | (bytes[2 * k + 1] << 8))));
            } else {
                const uint32_t bits =
                    static_cast<uint32_t>(bytes[4 * k]) | (static_cast<uint32_t>(bytes[4 * k + 1]) << 8) |
                    (static_cast<uint32_t>(bytes[4 * k + 2]) << 16) | (static_cast<uint32_t>(bytes[4 * k + 3]) << 24);
                float f = 0.0f;
                std::memcpy(&f, &bits, sizeof f);
                m.values.push_back(f);
            }
        }
    }
    return m;
}

Result<bool> Library::hasEmbedding(int64_t imageId, int64_t modelId) {
    Result<Statement> st = m_db.prepare("SELECT 1 FROM embeddings WHERE image_id = ?1 AND model_id = ?2");
    if (!st) {
        return st.error();
    }
    st->bind(1, imageId).bind(2, modelId);
    return st->step();
}

// ---------------------------------------------------------------------------------------------
// labels

Status Library::setLabel(int64_t imageId, const std::string& label, LabelSource source, double confidence) {
    if (label.empty()) {
        return makeError(ErrorCode::InvalidArgument, "empty label");
    }
    if (!(confidence >= 0.0 && confidence <= 1.0)) {
        return makeError(ErrorCode::InvalidArgument, "label confidence outside [0, 1]");
    }
    Result<Statement> st = m_db.prepare(
        "INSERT OR REPLACE INTO labels(image_id, label, source, confidence, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st) {
        return st.error();
    }
    st->bind(1, imageId).bind(2, label).bind(3, labelSourceName(source)).bind(4, confidence).bind(5, nowMs());
    Status s = st->run();
    if (!s && s.error().code == ErrorCode::InvalidArgument) {
        return makeError(ErrorCode::NotFound, "no image with id " + std::to_string(imageId));
    }
    return s;
}

Result<std::string> Library::label(int64_t imageId) {
    Result<Statement> st = m_db.prepare(std::string("SELECT ") + kCurrentLabelSql + " FROM images i WHERE i.id = ?1");
    if (!st) {
        return st.error();
    }
    st->bind(1, imageId);
    Result<bool> row = st->step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return makeError(ErrorCode::NotFound, "no image with id " + std::to_string(imageId));
    }
    return st->columnText(0);
}

Result<std::vector<std::string>> Library::labels() {
    Result<Statement> st = m_db.prepare(std::string("SELECT DISTINCT lbl FROM (SELECT ") + kCurrentLabelSql +
                                        " AS lbl FROM images i) WHERE lbl IS NOT NULL ORDER BY lbl");
    if (!st) {
        return st.error();
    }
    return collectRows<std::string>(*st, [](const Statement& s) -> std::string { return s.columnText(0); });
}

// ---------------------------------------------------------------------------------------------
// CSV

Result<CsvImportReport> Library::importMetadataCsv(const std::string& csvPath) {
    std::ifstream in(csvPath, std::ios::binary);
    if (!in) {
        return makeError(access(csvPath.c_str(), F_OK) == 0 ? ErrorCode::Io : ErrorCode::NotFound,
                         "cannot read CSV file " + csvPath);
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    Result<std::vector<CsvRow>> parsed = parseCsv(buffer.str());
    if (!parsed) {
        return makeError(parsed.error().code, parsed.error().message + " in " + csvPath);
    }
    const std::vector<CsvRow>& rows = *parsed;
    if (rows.empty()) {
        return makeError(ErrorCode::InvalidArgument, "CSV file has no header row: " + csvPath);
    }
    static const char* const kKnown[] = {"product", "line", "lot", "date", "inspector", "notes"};
    int pathColumn = -1;
    std::vector<std::string> names;
    for (size_t c = 0; c < rows[0].fields.size(); ++c) {
        std::string name = trim(rows[0].fields[c]);
        const std::string lower = lowerAscii(name);
        const bool known = std::find(std::begin(kKnown), std::end(kKnown), lower) != std::end(kKnown);
        if ((lower == "path" || lower == "file") && pathColumn < 0) {
            pathColumn = static_cast<int>(c);
        }
        names.push_back(known || lower == "path" || lower == "file" ? lower : name);
    }
    if (pathColumn < 0) {
        return makeError(ErrorCode::InvalidArgument, "CSV file has no path or file column: " + csvPath);
    }

    // Match rows against all paths in memory: one scan instead of one per row.
    std::unordered_map<std::string, int64_t> byPath;
    std::unordered_multimap<std::string, int64_t> byName;
    {
        Result<Statement> st = m_db.prepare("SELECT id, path FROM images");
        if (!st) {
            return st.error();
        }
        for (;;) {
            Result<bool> row = st->step();
            if (!row) {
                return row.error();
            }
            if (!*row) {
                break;
            }
            const std::string p = st->columnText(1);
            byPath.emplace(p, st->columnInt(0));
            byName.emplace(fileName(p), st->columnInt(0));
        }
    }

    Result<Transaction> tx = m_db.begin();
    if (!tx) {
        return tx.error();
    }
    Result<Statement> read = m_db.prepare("SELECT extra FROM images WHERE id = ?1");
    Result<Statement> write = m_db.prepare(
        "UPDATE images SET product = COALESCE(NULLIF(?2, ''), product), line = COALESCE(NULLIF(?3, ''), line), "
        "lot = COALESCE(NULLIF(?4, ''), lot), date = COALESCE(NULLIF(?5, ''), date), "
        "inspector = COALESCE(NULLIF(?6, ''), inspector), notes = COALESCE(NULLIF(?7, ''), notes), extra = ?8 "
        "WHERE id = ?1");
    if (!read) {
        return read.error();
    }
    if (!write) {
        return write.error();
    }
    CsvImportReport report;
    for (size_t r = 1; r < rows.size(); ++r) {
        const CsvRow& row = rows[r];
        if (row.fields.size() == 1 && row.fields[0].empty()) {
            continue;  // blank line
        }
        if (row.fields.size() > names.size()) {
            return makeError(ErrorCode::Format, "CSV line " + std::to_string(row.line) + " has " +
                                                    std::to_string(row.fields.size()) + " fields, the header " +
                                                    std::to_string(names.size()) + ": " + csvPath);
        }
        ++report.rows;
        const std::string key = pathColumn < static_cast<int>(row.fields.size()) ? trim(row.fields[pathColumn]) : "";
        int64_t id = -1;
        if (auto it = byPath.find(key); it != byPath.end()) {
            id = it->second;
        } else if (byName.count(fileName(key)) == 1) {
            id = byName.find(fileName(key))->second;
        }
        if (key.empty() || id < 0) {
            ++report.unmatched;
            if (report.unmatchedExamples.size() < 10) {
                report.unmatchedExamples.push_back(key);
            }
            continue;
        }
        std::map<std::string, std::string> known;
        read->reset();
        read->bind(1, id);
        Result<bool> got = read->step();
        if (!got) {
            return got.error();
        }
        Result<Json> extra = parseJson(*got ? read->columnText(0) : std::string("{}"));
        Json object = extra && extra->is_object() ? std::move(extra).value() : Json::object();
        read->reset();
        for (size_t c = 0; c < row.fields.size(); ++c) {
            if (static_cast<int>(c) == pathColumn || names[c].empty()) {
                continue;
            }
            const std::string value = trim(row.fields[c]);
            if (names[c] == "date" && !value.empty() && !isIsoDate(value)) {
                // Not imported: the stored date stays, the rest of the row is applied.
                report.rejected.push_back(CsvRejectedCell{static_cast<int64_t>(row.line), "date", value});
            } else if (std::find(std::begin(kKnown), std::end(kKnown), names[c]) != std::end(kKnown)) {
                known[names[c]] = value;
            } else if (!value.empty()) {
                object[names[c]] = value;
            }
        }
        write->reset();
        write->bind(1, id)
            .bind(2, known["product"])
            .bind(3, known["line"])
            .bind(4, known["lot"])
            .bind(5, known["date"])
            .bind(6, known["inspector"])
            .bind(7, known["notes"])
            .bind(8, dumpJson(object));
        Status s = write->run();
        if (!s) {
            return s.error();
        }
        ++report.matched;
    }
    Status c = tx->commit();
    if (!c) {
        return c.error();
    }
    return report;
}

Status Library::exportCsv(const std::string& csvPath) {
    Result<Statement> st = m_db.prepare(std::string("SELECT i.path, ") + kCurrentLabelSql +
                                        ", i.product, i.line, i.lot, i.date, i.inspector, i.notes, i.extra, i.status, "
                                        "i.error FROM images i ORDER BY i.path");
    if (!st) {
        return st.error();
    }
    std::string out = "path,label,product,line,lot,date,inspector,notes,extra,status,error\r\n";
    for (;;) {
        Result<bool> row = st->step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            break;
        }
        for (int c = 0; c < 11; ++c) {
            if (c > 0) {
                out += ',';
            }
            appendCsvField(out, st->columnText(c));
        }
        out += "\r\n";
    }
    std::string tmpl = csvPath + ".tmp-XXXXXX";
    const int fd = mkstemp(tmpl.data());
    if (fd < 0) {
        return makeError(ErrorCode::Io,
                         "cannot create a temporary file next to " + csvPath + ": " + std::strerror(errno));
    }
    size_t written = 0;
    while (written < out.size()) {
        const ssize_t n = ::write(fd, out.data() + written, out.size() - written);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            const int err = errno;
            ::close(fd);
            ::unlink(tmpl.c_str());
            return makeError(ErrorCode::Io, (err == ENOSPC ? std::string("disk full") : std::string("cannot write")) +
                                                " while exporting " + csvPath + ": " + std::strerror(err));
        }
        written += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(tmpl.c_str());
        return makeError(ErrorCode::Io, "cannot write " + csvPath + ": " + std::strerror(errno));
    }
    ::chmod(tmpl.c_str(), 0644);  // mkstemp creates 0600; an export is meant to be shared
    if (std::rename(tmpl.c_str(), csvPath.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmpl.c_str());
        return makeError(ErrorCode::Io, "cannot replace " + csvPath + ": " + std::strerror(err));
    }
    return Status::success();
}

// ---------------------------------------------------------------------------------------------
// check

Result<CheckReport> Library::check() {
    CheckReport report;
    auto collect = [&](const std::string& sql, auto describe) -> Status {
        Result<Statement> st = m_db.prepare(sql);
        if (!st) {
            return st.error();
        }
        for (;;) {
            Result<bool> row = st->step();
            if (!row) {
                return row.error();
            }
            if (!*row) {
                return Status::success();
            }
            std::string line = describe(*st);
            if (!line.empty()) {
                report.problems.push_back(std::move(line));
            }
        }
    };
    const std::pair<std::string, std::function<std::string(const Statement&)>> checks[] = {
        {"PRAGMA integrity_check",
         [](const Statement& s) { return s.columnText(0) == "ok" ? std::string() : "integrity: " + s.columnText(0); }},
        {"PRAGMA foreign_key_check",
         [](const Statement& s) {
             return "row " + s.columnText(1) + " of " + s.columnText(0) + " refers to a missing row of " +
                    s.columnText(2);
         }},
        {"SELECT e.image_id, e.dim, m.dim, m.name FROM embeddings e JOIN models m ON m.id = e.model_id "
         "WHERE e.dim != m.dim OR length(e.vector) != e.dim * (CASE e.dtype WHEN 'f32' THEN 4 ELSE 2 END)",
         [](const Statement& s) {
             return "embedding of image " + s.columnText(0) + " has size " + s.columnText(1) + " but model " +
                    s.columnText(3) + " has " + s.columnText(2) + " (or its vector is truncated)";
         }},
        {"SELECT path FROM images WHERE status = 'ok' AND (content_hash IS NULL OR content_hash = '')",
         [](const Statement& s) { return "image marked ok without a content hash: " + s.columnText(0); }},
        {"SELECT path, COUNT(*) FROM images GROUP BY path HAVING COUNT(*) > 1",
         [](const Statement& s) { return "path listed " + s.columnText(1) + " times: " + s.columnText(0); }},
    };
    for (const auto& [sql, describe] : checks) {
        Status s = collect(sql, describe);
        if (!s) {
            return s.error();
        }
    }
    return report;
}

// ---------------------------------------------------------------------------------------------
// editing from the desktop application

namespace {

// NotFound unless an image has this id; lets updates report a wrong id instead of doing nothing.
Status requireImage(Database& db, int64_t imageId) {
    Result<Statement> st = db.prepare("SELECT 1 FROM images WHERE id = ?1");
    if (!st) {
        return st.error();
    }
    st->bind(1, imageId);
    Result<bool> row = st->step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return makeError(ErrorCode::NotFound, "no image with id " + std::to_string(imageId));
    }
    return Status::success();
}

}  // namespace

Status Library::updateMetadata(int64_t imageId, const ImageRecord& metadata) {
    Status exists = requireImage(m_db, imageId);
    if (!exists) {
        return exists;
    }
    if (Status date = requireIsoDate(metadata.date, "image " + std::to_string(imageId)); !date) {
        return date;
    }
    Result<Statement> st = m_db.prepare(
        "UPDATE images SET product = NULLIF(?2, ''), line = NULLIF(?3, ''), lot = NULLIF(?4, ''), "
        "date = NULLIF(?5, ''), inspector = NULLIF(?6, ''), notes = NULLIF(?7, '') WHERE id = ?1");
    if (!st) {
        return st.error();
    }
    st->bind(1, imageId)
        .bind(2, metadata.product)
        .bind(3, metadata.line)
        .bind(4, metadata.lot)
        .bind(5, metadata.date)
        .bind(6, metadata.inspector)
        .bind(7, metadata.notes);
    return st->run();
}

Status Library::clearLabel(int64_t imageId, LabelSource source) {
    Status exists = requireImage(m_db, imageId);
    if (!exists) {
        return exists;
    }
    Result<Statement> st = m_db.prepare("DELETE FROM labels WHERE image_id = ?1 AND source = ?2");
    if (!st) {
        return st.error();
    }
    st->bind(1, imageId).bind(2, labelSourceName(source));
    return st->run();
}

Result<std::vector<Library::LabelEntry>> Library::labelEntries(int64_t imageId) {
    Status exists = requireImage(m_db, imageId);
    if (!exists) {
        return exists.error();
    }
    Result<Statement> st = m_db.prepare(
        "SELECT label, source, confidence, created_at FROM labels WHERE image_id = ?1 ORDER BY CASE source "
        "WHEN 'manual' THEN 0 WHEN 'training' THEN 1 WHEN 'folder' THEN 2 ELSE 3 END");
    if (!st) {
        return st.error();
    }
    st->bind(1, imageId);
    std::vector<LabelEntry> out;
    for (;;) {
        Result<bool> row = st->step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return out;
        }
        LabelEntry e;
        e.label = st->columnText(0);
        const std::optional<LabelSource> source = parseLabelSource(st->columnText(1));
        if (!source) {
            return makeError(ErrorCode::Format, "unknown label source " + st->columnText(1));
        }
        e.source = *source;
        e.confidence = st->columnDouble(2);
        e.createdAtMs = st->columnInt(3);
        out.push_back(std::move(e));
    }
}

Result<std::vector<std::pair<int64_t, std::string>>> Library::currentLabels() {
    Result<Statement> st = m_db.prepare(std::string("SELECT id, lbl FROM (SELECT i.id AS id, ") + kCurrentLabelSql +
                                        " AS lbl FROM images i) WHERE lbl IS NOT NULL ORDER BY id");
    if (!st) {
        return st.error();
    }
    return collectRows<std::pair<int64_t, std::string>>(*st, [](const Statement& s) -> std::pair<int64_t, std::string> {
        return {s.columnInt(0), s.columnText(1)};
    });
}

// ---------------------------------------------------------------------------------------------
// Search feedback

Status Library::addFeedback(const std::string& query, int64_t hitImageId, bool right) {
    if (query.empty()) {
        return makeError(ErrorCode::InvalidArgument, "feedback without a query");
    }
    Result<Statement> st =
        m_db.prepare("INSERT INTO feedback(query, hit_image_id, correct, created_at) VALUES (?1, ?2, ?3, ?4)");
    if (!st) {
        return st.error();
    }
    st->bind(1, query).bind(2, hitImageId).bind(3, right ? 1 : 0).bind(4, nowMs());
    Status s = st->run();
    // The only constraint that can fail is the foreign key to images.
    if (!s && s.error().code == ErrorCode::InvalidArgument) {
        return makeError(ErrorCode::NotFound, "no image with id " + std::to_string(hitImageId));
    }
    return s;
}

namespace {

constexpr const char* kFeedbackColumns = "id, query, COALESCE(hit_image_id, 0), correct, created_at";

Library::FeedbackRecord readFeedback(const Statement& st) {
    Library::FeedbackRecord r;
    r.id = st.columnInt(0);
    r.query = st.columnText(1);
    r.hitImageId = st.columnInt(2);
    r.right = st.columnInt(3) != 0;
    r.createdAtMs = st.columnInt(4);
    return r;
}

}  // namespace

Result<std::vector<Library::FeedbackRecord>> Library::feedback(int64_t hitImageId) {
    Result<Statement> st = m_db.prepare(std::string("SELECT ") + kFeedbackColumns +
                                        " FROM feedback WHERE ?1 <= 0 OR hit_image_id = ?1 ORDER BY id");
    if (!st) {
        return st.error();
    }
    st->bind(1, hitImageId);
    return collectRows<FeedbackRecord>(*st, readFeedback);
}

Result<std::vector<Library::FeedbackRecord>> Library::feedbackHistory(const std::string& query, int64_t hitImageId) {
    Result<Statement> st = m_db.prepare(std::string("SELECT ") + kFeedbackColumns +
                                        " FROM feedback WHERE hit_image_id = ?1 AND query = ?2 ORDER BY id");
    if (!st) {
        return st.error();
    }
    st->bind(1, hitImageId).bind(2, query);
    return collectRows<FeedbackRecord>(*st, readFeedback);
}

Result<std::vector<Library::FeedbackRecord>> Library::currentFeedback(const std::string& query) {
    // The newest row per hit; feedback holds a person's clicks, small enough to scan by query.
    Result<Statement> st = m_db.prepare(std::string("SELECT ") + kFeedbackColumns +
                                        " FROM feedback f WHERE query = ?1 AND id = (SELECT MAX(g.id) FROM feedback g "
                                        "WHERE g.query = f.query AND g.hit_image_id = f.hit_image_id) "
                                        "ORDER BY hit_image_id");
    if (!st) {
        return st.error();
    }
    st->bind(1, query);
    return collectRows<FeedbackRecord>(*st, readFeedback);
}

}  // namespace diffclip
