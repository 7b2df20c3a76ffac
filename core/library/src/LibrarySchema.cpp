// Library: the schema and its migrations, opening (and creating) a library file, settings
// (library_info) and check().

#include "LibraryInternal.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <utility>

namespace diffclip {

using namespace library_internal;

namespace {

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

// Schema v3: paths claimed by an indexing run for a model (Library::claimPaths), so that two runs
// on one library do not embed the same photo. Short-lived rows, hence no foreign key to models.
constexpr const char* kSchemaV3 = R"SQL(
CREATE TABLE claims(
    path TEXT NOT NULL,
    model_id INTEGER NOT NULL,
    run_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    PRIMARY KEY (path, model_id));
CREATE INDEX claims_by_run ON claims(run_id, done);
CREATE INDEX claims_by_expiry ON claims(expires_at);
)SQL";

// Schema v4: the usage log (UsageLog.h, docs/POC.md): one row per search, and feedback linked to
// the search it was given on with the hit's rank (rank 0 and no hit: "none right"). Feedback rows
// of earlier versions keep NULL there and read as not linked. No foreign key from feedback to
// searches: clearing the log unlinks the judgements itself (Library::clearUsageLog); a photo
// searched with may leave the library while its searches stay logged.
constexpr const char* kSchemaV4 = R"SQL(
CREATE TABLE searches(
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    os_user TEXT NOT NULL DEFAULT '',
    host TEXT NOT NULL DEFAULT '',
    model_name TEXT NOT NULL DEFAULT '',
    model_fingerprint TEXT NOT NULL DEFAULT '',
    query_kind TEXT NOT NULL CHECK (query_kind IN ('photo', 'text')),
    query TEXT NOT NULL,
    query_image_id INTEGER,
    query_label TEXT NOT NULL DEFAULT '',
    line TEXT NOT NULL DEFAULT '',
    product TEXT NOT NULL DEFAULT '',
    filters TEXT NOT NULL DEFAULT '{}',
    k INTEGER NOT NULL CHECK (k >= 1),
    hit_ids TEXT NOT NULL DEFAULT '[]',
    decode_ms REAL NOT NULL DEFAULT 0,
    encode_ms REAL NOT NULL DEFAULT 0,
    search_ms REAL NOT NULL DEFAULT 0,
    total_ms REAL NOT NULL DEFAULT 0,
    best_score REAL,
    confident INTEGER CHECK (confident IN (0, 1)),
    source TEXT NOT NULL DEFAULT '');
CREATE INDEX searches_by_time ON searches(created_at);
ALTER TABLE feedback ADD COLUMN search_id INTEGER;
ALTER TABLE feedback ADD COLUMN rank INTEGER;
)SQL";

// kMigrations[v] takes a file from user_version v to v + 1.
constexpr const char* kMigrations[] = {kSchemaV1, kSchemaV2, kSchemaV3, kSchemaV4};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == Library::kSchemaVersion,
              "one migration per schema version");

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
        Result<FirstRow> check = queryFirst(db, "PRAGMA quick_check");
        if (!check) {
            return check.error();
        }
        const std::string answer = check->found ? check->st.columnText(0) : "";
        if (!check->found || answer != "ok") {
            return makeError(ErrorCode::Format, notLibrary + " (quick_check: " + answer + ")");
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
        Result<FirstRow> wal = queryFirst(db, "PRAGMA journal_mode=WAL");
        if (!wal) {
            return wal.error();
        }
        if (lowerAscii(wal->st.columnText(0)) != "wal") {
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
    return withTransaction(m_db, [&]() -> Status {
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
        return Status::success();
    });
}

Result<Transaction> Library::begin() {
    return m_db.begin();
}

Result<int64_t> Library::dataVersion() {
    return m_db.queryInt("PRAGMA data_version");
}

Result<std::string> Library::setting(const std::string& key) {
    Result<FirstRow> row = queryFirst(m_db, "SELECT value FROM library_info WHERE key = ?1", key);
    if (!row) {
        return row.error();
    }
    return row->found ? row->st.columnText(0) : std::string();
}

Status Library::setSetting(const std::string& key, const std::string& value) {
    if (key.empty() || key == "app") {
        return makeError(ErrorCode::InvalidArgument, "unusable library setting name: " + key);
    }
    return runWith(m_db, "INSERT OR REPLACE INTO library_info(key, value) VALUES (?1, ?2)", key, value);
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
        return forEachRow(*st, [&](const Statement& row) {
            std::string line = describe(row);
            if (!line.empty()) {
                report.problems.push_back(std::move(line));
            }
        });
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

}  // namespace diffclip
