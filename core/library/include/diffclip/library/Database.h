#pragma once
// Small RAII wrappers over the SQLite C API: a connection (Database), a prepared statement
// (Statement) and a transaction that rolls back unless committed (Transaction).
// The vendor header stays private: only opaque forward declarations appear here.
//
// Errors are values. Every SQLite result code is translated in one place:
//   SQLITE_BUSY / SQLITE_LOCKED  -> ErrorCode::Io "the library is busy: another program is writing to it"
//                                   (returned only after the connection's busy timeout has elapsed)
//   SQLITE_FULL                  -> ErrorCode::Io "disk full"
//   SQLITE_READONLY              -> ErrorCode::Io "the library is read-only"
//   SQLITE_CORRUPT / SQLITE_NOTADB -> ErrorCode::Format "not a DiffCLIP library or damaged"
//   SQLITE_CONSTRAINT            -> ErrorCode::InvalidArgument, SQLITE_NOMEM -> OutOfMemory,
//   SQLITE_CANTOPEN / IOERR / PERM -> Io, anything else -> Internal.
// The message starts with the fixed text above and adds the context and SQLite's detail in
// parentheses.
//
// Threading: connections are opened in SQLite's multi-thread mode (no per-connection mutex), so a
// Database and its Statements must be used by one thread at a time; transactions are connection
// state anyway. Open one Database per thread; distinct Databases may run in parallel.
// Never carry an open Database across fork(): open it again in the child.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "diffclip/base/Result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace diffclip {

class Database;

/// A prepared statement. Binding errors are remembered and reported by the next step(), so
/// binds can be chained. Parameter indexes start at 1, column indexes at 0 (SQLite's rules).
/// Must not outlive the Database that prepared it.
class Statement {
public:
    Statement() = default;
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
    Statement& bind(int index, double value);
    /// The text is copied by SQLite; it need not outlive the call.
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    /// Blob of `size` bytes, copied by SQLite.
    Statement& bindBlob(int index, const void* data, size_t size);
    Statement& bindNull(int index);

    /// Runs one step: true when a row is available, false when the statement is done.
    Result<bool> step();
    /// Runs to completion, ignoring rows (for INSERT/UPDATE/DELETE).
    Status run();
    /// Makes the statement ready to run again; bindings are kept unless rebound.
    void reset();

    bool isNull(int column) const;
    int64_t columnInt(int column) const;
    double columnDouble(int column) const;
    std::string columnText(int column) const;  // empty for NULL
    const void* columnBlob(int column) const;  // valid until the next step/reset
    int columnBytes(int column) const;

private:
    friend class Database;
    Statement(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
    void noteBindError(int rc, int index);

    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
    Error m_bindError;
    bool m_bindFailed = false;
};

/// A transaction that rolls back when destroyed without commit(). The outermost one is
/// BEGIN IMMEDIATE (it takes the write lock at once, so "busy" shows up at begin, not at the
/// first write); nested ones are savepoints. Must not outlive its Database.
class Transaction {
public:
    Transaction() = default;
    ~Transaction();
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&& other) noexcept;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    /// Makes the changes durable (as durable as the connection's synchronous setting allows).
    /// After a failure the transaction is still open and is rolled back by the destructor.
    Status commit();
    /// Rolls back now; a no-op when already finished.
    void rollback();
    bool active() const { return m_db != nullptr; }

private:
    friend class Database;
    Transaction(sqlite3* db, bool savepoint) : m_db(db), m_savepoint(savepoint) {}
    // The raw handle (not the Database object) so that moving the owning Database or Library
    // while a transaction is open stays safe.
    sqlite3* m_db = nullptr;
    bool m_savepoint = false;  // false: BEGIN IMMEDIATE/COMMIT; true: SAVEPOINT/RELEASE
};

/// One SQLite connection. Move-only; closing happens in the destructor.
class Database {
public:
    struct OpenOptions {
        bool readOnly = false;     // SQLITE_OPEN_READONLY: every write fails with "read-only"
        bool create = true;        // create the file when missing (ignored when readOnly)
        int busyTimeoutMs = 5000;  // how long a write waits for another writer, milliseconds, >= 0
    };

    Database() = default;
    ~Database();
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    /// Opens (or creates) the file. Does not read it yet: a file that is not SQLite is only
    /// detected by the first query. Errors: NotFound (missing and !create), Io.
    static Result<Database> open(const std::string& path, const OpenOptions& options);

    bool isOpen() const { return m_db != nullptr; }
    Result<Statement> prepare(std::string_view sql);
    /// Runs one or more statements without results.
    Status exec(const std::string& sql);
    /// First column of the first row as an integer (for pragmas and counts).
    Result<int64_t> queryInt(const std::string& sql);
    /// Starts a transaction, or a savepoint inside an open one.
    Result<Transaction> begin();
    bool inTransaction() const;
    int64_t lastInsertId() const;
    /// Rows changed by the last INSERT/UPDATE/DELETE.
    int64_t changes() const;
    void setBusyTimeout(int milliseconds);

    /// Translates an SQLite result code into an Error, with `context` saying what was being done.
    Error error(int rc, const std::string& context) const;

private:
    explicit Database(sqlite3* db) : m_db(db) {}
    void close();

    sqlite3* m_db = nullptr;
};

}  // namespace diffclip
