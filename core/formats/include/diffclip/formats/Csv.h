#pragma once
// CSV as RFC 4180 has it, over UTF-8 bytes (passed through unchanged): the one reader and
// writer of the project (library metadata import and export, the demo data set's metadata,
// the Search page's export).
//
// Reading: quoted fields, "" escapes, CR LF or LF line ends, an optional UTF-8 byte order mark.
// Writing: fields joined by commas, records ended by CR LF; a field is quoted when it holds a
// comma, a quote, CR or LF (RFC 4180) or begins or ends with a space (which spreadsheet
// programs and many readers would otherwise trim); quotes inside are doubled.
// Formula injection: fields beginning with = + - @ are written as they are, not prefixed or
// quoted, because exports must read back unchanged (paths, notes); whoever opens an export in
// a spreadsheet program treats it as data from the photos' owners.
//
// Threading: pure functions; any thread.

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "diffclip/base/Result.h"

namespace diffclip {

struct CsvRow {
    std::vector<std::string> fields;
    size_t line = 0;  // 1-based line where the row starts
};

/// Every record of `text`. A last record without a line end counts; an empty line is a record
/// with one empty field. Errors: Format with the line of an unterminated quote or stray text
/// after a closing quote.
Result<std::vector<CsvRow>> parseCsv(std::string_view text);

/// `field` as one CSV field, quoted when needed (see above).
std::string csvField(std::string_view field);
/// Appends csvField(field) to `out`.
void appendCsvField(std::string& out, std::string_view field);
/// Appends one record: the fields, comma-separated, then CR LF.
void appendCsvRow(std::string& out, const std::vector<std::string>& fields);
void appendCsvRow(std::string& out, std::initializer_list<std::string_view> fields);

}  // namespace diffclip
