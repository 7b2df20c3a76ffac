#include "diffclip/library/Database.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <iterator>
#include <utility>

#include "SqliteError.h"

namespace diffclip {

namespace {

// The table of Database.h: primary result codes (SQLITE_OK, 0, pads the shorter lists), our code and
// the fixed text.
struct SqliteErrorKind {
    int codes[3];
    ErrorCode code;
    const char* text;
};

constexpr SqliteErrorKind kSqliteErrorKinds[] = {
    {{SQLITE_BUSY, SQLITE_LOCKED}, ErrorCode::Io, "the library is busy: another program is writing to it"},
    {{SQLITE_FULL}, ErrorCode::Io, "disk full"},
    {{SQLITE_READONLY}, ErrorCode::Io, "the library is read-only"},
    {{SQLITE_CORRUPT, SQLITE_NOTADB}, ErrorCode::Format, "not a DiffCLIP library or damaged"},
    {{SQLITE_CONSTRAINT}, ErrorCode::InvalidArgument, "constraint failed"},
    {{SQLITE_NOMEM}, ErrorCode::OutOfMemory, "out of memory"},
    {{SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_AUTH}, ErrorCode::Io, "cannot open or access the library file"},
    {{SQLITE_IOERR}, ErrorCode::Io, "input/output error"},
    {{SQLITE_TOOBIG, SQLITE_RANGE, SQLITE_MISMATCH}, ErrorCode::InvalidArgument, "value not accepted"},
};

}  // namespace

Error sqliteError(sqlite3* db, int rc, const std::string& context) {
    std::string detail = context;
    const char* text = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if (text != nullptr && *text != '\0') {
        detail += ": ";
        detail += text;
    }
    const std::string suffix = " (" + detail + ")";
    const int primary = rc & 0xff;
    for (const SqliteErrorKind& kind : kSqliteErrorKinds) {
        if (primary != SQLITE_OK &&
            std::find(std::begin(kind.codes), std::end(kind.codes), primary) != std::end(kind.codes)) {
            return makeError(kind.code, kind.text + suffix);
        }
    }
    return makeError(ErrorCode::Internal, "database error" + suffix);
}

// ---------------------------------------------------------------------------------------------
// Statement

Statement::~Statement() { sqlite3_finalize(m_stmt); }

Statement::Statement(Statement&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_stmt(std::exchange(other.m_stmt, nullptr)),
      m_bindError(std::move(other.m_bindError)), m_bindFailed(std::exchange(other.m_bindFailed, false)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_db = std::exchange(other.m_db, nullptr);
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_bindError = std::move(other.m_bindError);
        m_bindFailed = std::exchange(other.m_bindFailed, false);
    }
    return *this;
}

void Statement::noteBindError(int rc, int index) {
    if (rc != SQLITE_OK && !m_bindFailed) {
        m_bindFailed = true;
        m_bindError = sqliteError(m_db, rc, "binding parameter " + std::to_string(index));
    }
}

Statement& Statement::bind(int index, int64_t value) {
    noteBindError(sqlite3_bind_int64(m_stmt, index, value), index);
    return *this;
}

Statement& Statement::bind(int index, double value) {
    noteBindError(sqlite3_bind_double(m_stmt, index, value), index);
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    noteBindError(sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8), index);
    return *this;
}

Statement& Statement::bindBlob(int index, const void* data, size_t size) {
    noteBindError(sqlite3_bind_blob64(m_stmt, index, data, size, SQLITE_TRANSIENT), index);
    return *this;
}

Statement& Statement::bindNull(int index) {
    noteBindError(sqlite3_bind_null(m_stmt, index), index);
    return *this;
}

Result<bool> Statement::step() {
    if (m_stmt == nullptr) {
        return makeError(ErrorCode::Internal, "step on an empty statement");
    }
    if (m_bindFailed) {
        return m_bindError;
    }
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    // Reset right away so a failed statement does not keep a read transaction open.
    Error e = sqliteError(m_db, rc, "running a statement");
    sqlite3_reset(m_stmt);
    return e;
}

Status Statement::run() {
    for (;;) {
        Result<bool> r = step();
        if (!r) {
            return r.error();
        }
        if (!*r) {
            return Status::success();
        }
    }
}

void Statement::reset() { sqlite3_reset(m_stmt); }

bool Statement::isNull(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }
int64_t Statement::columnInt(int column) const { return sqlite3_column_int64(m_stmt, column); }
double Statement::columnDouble(int column) const { return sqlite3_column_double(m_stmt, column); }

std::string Statement::columnText(int column) const {
    const unsigned char* text = sqlite3_column_text(m_stmt, column);
    if (text == nullptr) {
        return {};
    }
    return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(m_stmt, column)));
}

const void* Statement::columnBlob(int column) const { return sqlite3_column_blob(m_stmt, column); }
int Statement::columnBytes(int column) const { return sqlite3_column_bytes(m_stmt, column); }

// ---------------------------------------------------------------------------------------------
// Transaction

Transaction::~Transaction() { rollback(); }

Transaction::Transaction(Transaction&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_savepoint(other.m_savepoint) {}

Transaction& Transaction::operator=(Transaction&& other) noexcept {
    if (this != &other) {
        rollback();
        m_db = std::exchange(other.m_db, nullptr);
        m_savepoint = other.m_savepoint;
    }
    return *this;
}

Status Transaction::commit() {
    if (m_db == nullptr) {
        return makeError(ErrorCode::Internal, "commit of a transaction that is not open");
    }
    const char* sql = m_savepoint ? "RELEASE dc_sp" : "COMMIT";
    const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        return sqliteError(m_db, rc, "committing a transaction");
    }
    m_db = nullptr;
    return Status::success();
}

void Transaction::rollback() {
    if (m_db == nullptr) {
        return;
    }
    // SQLite may already have rolled back on its own (disk full, I/O error); the statements
    // below then fail harmlessly.
    if (m_savepoint) {
        sqlite3_exec(m_db, "ROLLBACK TO dc_sp; RELEASE dc_sp", nullptr, nullptr, nullptr);
    } else if (sqlite3_get_autocommit(m_db) == 0) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    m_db = nullptr;
}

// ---------------------------------------------------------------------------------------------
// Database

Database::~Database() { close(); }

Database::Database(Database&& other) noexcept : m_db(std::exchange(other.m_db, nullptr)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        close();
        m_db = std::exchange(other.m_db, nullptr);
    }
    return *this;
}

void Database::close() {
    if (m_db != nullptr) {
        // sqlite3_close_v2 defers the close until leftover statements are finalized.
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

Result<Database> Database::open(const std::string& path, const OpenOptions& options) {
    if (path.empty()) {
        return makeError(ErrorCode::InvalidArgument, "empty library path");
    }
    struct stat st {};
    const bool exists = ::stat(path.c_str(), &st) == 0;
    if (!exists && (options.readOnly || !options.create)) {
        return makeError(ErrorCode::NotFound, "library file not found: " + path);
    }
    if (exists && S_ISDIR(st.st_mode)) {
        return makeError(ErrorCode::InvalidArgument, "library path is a folder: " + path);
    }
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (options.readOnly) {
        flags |= SQLITE_OPEN_READONLY;
    } else {
        flags |= SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0);
    }
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    Database db(raw);  // owns the handle even when opening failed
    if (rc != SQLITE_OK) {
        return sqliteError(raw, rc, "opening " + path);
    }
    sqlite3_extended_result_codes(raw, 1);
    db.setBusyTimeout(options.busyTimeoutMs);
    if (options.readOnly && sqlite3_exec(raw, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr) != SQLITE_OK &&
        (sqlite3_errcode(raw) & 0xff) == SQLITE_READONLY) {
        // A WAL library whose folder the user may not write: SQLite cannot create the shared-memory
        // file readers need. Nobody can change such a file through this account, so it is read as
        // immutable (no locking, no WAL index).
        std::string uri = "file:";
        for (char c : path) {
            if (c == '%' || c == '?' || c == '#') {
                static const char* hex = "0123456789ABCDEF";
                uri += '%';
                uri += hex[(static_cast<unsigned char>(c) >> 4) & 15];
                uri += hex[static_cast<unsigned char>(c) & 15];
            } else {
                uri += c;
            }
        }
        uri += "?immutable=1";
        sqlite3* immutable = nullptr;
        const int rc2 = sqlite3_open_v2(uri.c_str(), &immutable, flags | SQLITE_OPEN_URI, nullptr);
        Database again(immutable);
        if (rc2 != SQLITE_OK) {
            return sqliteError(immutable, rc2, "opening " + path);
        }
        sqlite3_extended_result_codes(immutable, 1);
        again.setBusyTimeout(options.busyTimeoutMs);
        return again;
    }
    return db;
}

void Database::setBusyTimeout(int milliseconds) { sqlite3_busy_timeout(m_db, milliseconds < 0 ? 0 : milliseconds); }

Result<Statement> Database::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return sqliteError(m_db, rc, "preparing a statement");
    }
    return Statement(m_db, stmt);
}

Status Database::exec(const std::string& sql) {
    const int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        return sqliteError(m_db, rc, "running SQL");
    }
    return Status::success();
}

Result<int64_t> Database::queryInt(const std::string& sql) {
    Result<Statement> st = prepare(sql);
    if (!st) {
        return st.error();
    }
    Result<bool> row = st->step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return makeError(ErrorCode::NotFound, "query returned no row");
    }
    return st->columnInt(0);
}

Result<Transaction> Database::begin() {
    const bool nested = sqlite3_get_autocommit(m_db) == 0;
    const int rc = sqlite3_exec(m_db, nested ? "SAVEPOINT dc_sp" : "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        return sqliteError(m_db, rc, "starting a transaction");
    }
    return Transaction(m_db, nested);
}

bool Database::inTransaction() const { return m_db != nullptr && sqlite3_get_autocommit(m_db) == 0; }
int64_t Database::lastInsertId() const { return sqlite3_last_insert_rowid(m_db); }
int64_t Database::changes() const { return sqlite3_changes64(m_db); }

Error Database::error(int rc, const std::string& context) const { return sqliteError(m_db, rc, context); }

}  // namespace diffclip
