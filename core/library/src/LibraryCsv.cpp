// Library: metadata import from CSV and export of the whole library as CSV.

#include "LibraryInternal.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>

#include "diffclip/formats/Csv.h"
#include "diffclip/formats/Json.h"

namespace diffclip {

using namespace library_internal;

namespace {

std::string fileName(const std::string& path) {
    const size_t slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

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
        Status read = forEachRow(*st, [&](const Statement& row) {
            const std::string p = row.columnText(1);
            byPath.emplace(p, row.columnInt(0));
            byName.emplace(fileName(p), row.columnInt(0));
        });
        if (!read) {
            return read.error();
        }
    }

    return withTransaction(m_db, [&]() -> Result<CsvImportReport> {
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
            const std::string key =
                pathColumn < static_cast<int>(row.fields.size()) ? trim(row.fields[pathColumn]) : "";
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
        return report;
    });
}

Status Library::exportCsv(const std::string& csvPath) {
    Result<Statement> st = m_db.prepare(std::string("SELECT i.path, ") + kCurrentLabelSql +
                                        ", i.product, i.line, i.lot, i.date, i.inspector, i.notes, i.extra, i.status, "
                                        "i.error FROM images i ORDER BY i.path");
    if (!st) {
        return st.error();
    }
    std::string out = "path,label,product,line,lot,date,inspector,notes,extra,status,error\r\n";
    Status read = forEachRow(*st, [&](const Statement& row) {
        for (int c = 0; c < 11; ++c) {
            if (c > 0) {
                out += ',';
            }
            appendCsvField(out, row.columnText(c));
        }
        out += "\r\n";
    });
    if (!read) {
        return read;
    }
    return writeFileAtomically(csvPath, out, "exporting");
}

namespace library_internal {

Status writeFileAtomically(const std::string& csvPath, const std::string& out, const char* doing) {
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
                                                std::string(" while ") + doing + " " + csvPath + ": " + std::strerror(err));
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

}  // namespace library_internal

}  // namespace diffclip
