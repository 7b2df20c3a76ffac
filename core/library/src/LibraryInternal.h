#pragma once
// Private helpers shared by the Library*.cpp files (one file per part of the library; see
// docs/ARCHITECTURE.md). Not installed; sqlite3.h stays out of it as well.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "diffclip/library/Library.h"

namespace diffclip::library_internal {

inline int64_t nowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Current label after precedence (manual > training > folder > zero-shot), as an SQL expression
// over the images table aliased `i`.
inline constexpr const char* kCurrentLabelSql =
    "(SELECT l.label FROM labels l WHERE l.image_id = i.id ORDER BY CASE l.source "
    "WHEN 'manual' THEN 0 WHEN 'training' THEN 1 WHEN 'folder' THEN 2 ELSE 3 END LIMIT 1)";

inline constexpr const char* kImageColumns =
    "i.id, i.path, i.content_hash, i.size, i.mtime_ns, i.width, i.height, i.added_at, i.product, i.line, "
    "i.lot, i.date, i.inspector, i.notes, i.extra, i.status, i.error";

// Prepares `sql` and binds `args` to ?1, ?2, ... in order.
template <class... Args>
Result<Statement> prepareWith(Database& db, std::string_view sql, const Args&... args) {
    Result<Statement> st = db.prepare(sql);
    if (st) {
        int index = 0;
        (st->bind(++index, args), ...);
    }
    return st;
}

// Prepares `sql` with `args` and runs it to completion (for INSERT/UPDATE/DELETE).
template <class... Args>
Status runWith(Database& db, std::string_view sql, const Args&... args) {
    Result<Statement> st = prepareWith(db, sql, args...);
    if (!st) {
        return st.error();
    }
    return st->run();
}

// A statement stepped once: `found` says whether it stands on a row.
struct FirstRow {
    Statement st;
    bool found = false;
};

// Prepares `sql` with `args` and steps to its first row, if there is one.
template <class... Args>
Result<FirstRow> queryFirst(Database& db, std::string_view sql, const Args&... args) {
    Result<Statement> st = prepareWith(db, sql, args...);
    if (!st) {
        return st.error();
    }
    Result<bool> row = st->step();
    if (!row) {
        return row.error();
    }
    return FirstRow{std::move(st).value(), *row};
}

// Like queryFirst, but a query without a row fails with `missing`; the statement stands on the row.
template <class... Args>
Result<Statement> queryRow(Database& db, const Error& missing, std::string_view sql, const Args&... args) {
    Result<FirstRow> first = queryFirst(db, sql, args...);
    if (!first) {
        return first.error();
    }
    if (!first->found) {
        return missing;
    }
    return std::move(first->st);
}

// Runs body() in a transaction (Database::begin) and commits it when body succeeds; when body
// fails, the transaction rolls back. body returns a Status or a Result.
template <class Body>
auto withTransaction(Database& db, Body body) -> decltype(body()) {
    Result<Transaction> tx = db.begin();
    if (!tx) {
        return tx.error();
    }
    auto outcome = body();
    if (!outcome) {
        return outcome;
    }
    if (Status committed = tx->commit(); !committed) {
        return committed.error();
    }
    return outcome;
}

// Steps `st` to its end, calling eachRow(st) for every row. eachRow returns nothing, or a Status
// whose failure stops the walk and is returned.
template <class EachRow>
Status forEachRow(Statement& st, EachRow eachRow) {
    for (;;) {
        Result<bool> row = st.step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return Status::success();
        }
        if constexpr (std::is_void_v<decltype(eachRow(std::as_const(st)))>) {
            eachRow(std::as_const(st));
        } else if (Status s = eachRow(std::as_const(st)); !s) {
            return s;
        }
    }
}

// Steps `st` to its end and returns readRow(st) of every row, in order.
template <class T, class ReadRow>
Result<std::vector<T>> collectRows(Statement& st, ReadRow readRow) {
    std::vector<T> out;
    if (Status s = forEachRow(st, [&](const Statement& row) { out.push_back(readRow(row)); }); !s) {
        return s.error();
    }
    return out;
}

inline ImageRecord readImage(const Statement& st) {
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

inline std::string lowerAscii(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}


inline std::string trim(const std::string& s) {
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

// The error of a missing image: NotFound "no image with id N".
inline Error noImage(int64_t imageId) {
    return makeError(ErrorCode::NotFound, "no image with id " + std::to_string(imageId));
}

// The outcome of writing a row that refers to an image: the only constraint such a write can fail
// is the foreign key to images, so a failed constraint (InvalidArgument) becomes noImage.
inline Status refersToImage(Status written, int64_t imageId) {
    if (!written && written.error().code == ErrorCode::InvalidArgument) {
        return noImage(imageId);
    }
    return written;
}

// Writes `out` into a temporary file next to `csvPath` (mode 0644) that is then renamed over it,
// so readers never see a half-written file. Io errors name the file, "disk full" for ENOSPC;
// `doing` ("exporting") goes into the message.
Status writeFileAtomically(const std::string& csvPath, const std::string& out, const char* doing);

// NotFound unless an image has this id; lets updates report a wrong id instead of doing nothing.
Status requireImage(Database& db, int64_t imageId);

}  // namespace diffclip::library_internal
