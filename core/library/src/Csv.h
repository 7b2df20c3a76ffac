#pragma once
// Private: an RFC 4180 CSV reader (quoted fields, "" escapes, CR LF or LF line ends, UTF-8 BOM).

#include <string>
#include <string_view>
#include <vector>

#include "diffclip/base/Result.h"

namespace diffclip {

struct CsvRow {
    std::vector<std::string> fields;
    size_t line = 0;  // 1-based line where the row starts
};

/// Errors: Format with the line of an unterminated quote or stray text after a closing quote.
Result<std::vector<CsvRow>> parseCsv(std::string_view text);

}  // namespace diffclip
