#pragma once
// The Search page's CSV export: one row per photo of every answered query (the best of each
// near-duplicate group and its members), written to a temporary file beside the target and
// renamed over it, so a failed export never leaves half a file.

#include <QString>

#include <vector>

namespace diffclip::ui {

struct SearchQuery;

struct SearchCsvOutcome {
    enum class Failure { None, Create, Write };
    Failure failure = Failure::None;
    QString detail;  // the system's words on a failure
    int rows = 0;    // data rows written (header excluded)
    bool ok() const { return failure == Failure::None; }
};

/// Writes the results of the answered queries of `queries` to `path`: columns query, rank,
/// group, path, score, label, product, line, lot, date, inspector, notes, extra (UTF-8, CRLF,
/// RFC 4180 quoting). A text query's key is "text:" and its words.
SearchCsvOutcome writeSearchCsv(const QString& path, const std::vector<SearchQuery>& queries);

}  // namespace diffclip::ui
