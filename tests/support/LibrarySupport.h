#pragma once
// Raw SQL on a library file, beside the library's own code (tst_library, tst_claims): to read
// what it stored and to make files as older versions or other programs left them. Header only.

#include <cstdint>
#include <string>

#include "diffclip/library/Database.h"

namespace testsupport {

/// The first column of the first row of `sql`, run on `file` through a connection of its own;
/// -1 when it cannot be run.
inline std::int64_t rawInt(const std::string& file, const std::string& sql) {
    auto db = diffclip::Database::open(file, {});
    if (!db) return -1;
    auto v = db->queryInt(sql);
    return v ? *v : -1;
}

/// Runs `sql` on `file` (created when missing) through a connection of its own, with foreign
/// keys off as SQLite's default; false when it fails.
inline bool rawExec(const std::string& file, const std::string& sql) {
    auto db = diffclip::Database::open(file, {});
    return db && db->exec(sql).ok();
}

}  // namespace testsupport
