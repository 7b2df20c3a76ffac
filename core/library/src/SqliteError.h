#pragma once
// Private: translation of SQLite result codes into Error values (see Database.h for the table).

#include <string>

#include "diffclip/base/Result.h"

struct sqlite3;

namespace diffclip {

/// `db` may be null (then SQLite's generic text for `rc` is used).
Error sqliteError(sqlite3* db, int rc, const std::string& context);

}  // namespace diffclip
