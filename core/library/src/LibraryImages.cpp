// Library: photos and their metadata (add, update, record failures, list and filter), ISO
// dates and failure codes.

#include "LibraryInternal.h"

#include <iterator>
#include <utility>

#include "diffclip/base/EnumNames.h"
#include "diffclip/formats/Json.h"

namespace diffclip {

using namespace library_internal;

namespace {

const char* statusName(ImageStatus s) {
    return s == ImageStatus::Ok ? "ok" : "failed";
}

// Metadata columns a `where` condition may name (lower case); other fields are keys of `extra`.
constexpr const char* kFilterColumns[] = {"path", "product", "line", "lot", "date", "inspector", "notes"};

bool isFilterColumn(const std::string& lowerField) {
    return std::find(std::begin(kFilterColumns), std::end(kFilterColumns), lowerField) != std::end(kFilterColumns);
}

// A key usable inside the JSON path "$.\"key\"" (no quote, no control character).
bool usableExtraKey(const std::string& key) {
    return std::none_of(key.begin(), key.end(),
                        [](char c) { return c == '"' || static_cast<unsigned char>(c) < 0x20; });
}

// The `n` decimal digits at `pos` of `s` as a number, or -1.
int digitsAt(std::string_view s, size_t pos, size_t n) {
    if (pos + n > s.size()) {
        return -1;
    }
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

Status requireIsoDate(const std::string& date, const std::string& where) {
    if (date.empty() || isIsoDate(date)) {
        return Status::success();
    }
    return makeError(ErrorCode::InvalidArgument,
                     "the date \"" + date + "\" is not an ISO date (YYYY-MM-DD): " + where);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// dates and failure codes

bool isIsoDate(std::string_view s) {
    const int y = digitsAt(s, 0, 4);
    const int m = digitsAt(s, 5, 2);
    const int d = digitsAt(s, 8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1 || s[4] != '-' || s[7] != '-') {
        return false;
    }
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > kDays[m - 1] + (m == 2 && leap ? 1 : 0)) {
        return false;
    }
    if (s.size() == 10) {
        return true;
    }
    // A time of day: "T" or " ", HH:MM, optional :SS and fraction, optional zone.
    const int hh = digitsAt(s, 11, 2);
    const int mm = digitsAt(s, 14, 2);
    if ((s[10] != 'T' && s[10] != ' ') || hh < 0 || hh > 23 || s.size() < 16 || s[13] != ':' || mm < 0 ||
        mm > 59) {
        return false;
    }
    size_t pos = 16;
    if (pos < s.size() && s[pos] == ':') {
        const int ss = digitsAt(s, pos + 1, 2);
        if (ss < 0 || ss > 60) {  // 60: a leap second
            return false;
        }
        pos += 3;
        if (pos < s.size() && s[pos] == '.') {
            size_t end = pos + 1;
            while (end < s.size() && s[end] >= '0' && s[end] <= '9') {
                ++end;
            }
            if (end == pos + 1) {
                return false;
            }
            pos = end;
        }
    }
    if (pos == s.size()) {
        return true;
    }
    if (s[pos] == 'Z') {
        return pos + 1 == s.size();
    }
    const int zh = digitsAt(s, pos + 1, 2);
    const int zm = digitsAt(s, pos + 4, 2);
    return (s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size() && s[pos + 3] == ':' && zh >= 0 && zh <= 14 &&
           zm >= 0 && zm <= 59;
}

// Unknown is stored as "" (NULL in the column), the name every unknown name also reads as.
constexpr EnumName<FailureCode> kFailureCodeNames[] = {
    {FailureCode::Unknown, ""}, {FailureCode::Unreadable, "unreadable"}, {FailureCode::Missing, "missing"},
    {FailureCode::TooLarge, "too-large"}, {FailureCode::NotAnImage, "not-an-image"}, {FailureCode::Damaged, "damaged"},
    {FailureCode::OutOfMemory, "out-of-memory"}, {FailureCode::ModelInput, "model-input"}};
static_assert(namesEveryValue(kFailureCodeNames, FailureCode::ModelInput));

const char* failureCodeName(FailureCode code) { return enumName(kFailureCodeNames, code, ""); }

FailureCode parseFailureCode(std::string_view name) {
    return enumFromName(kFailureCodeNames, name).value_or(FailureCode::Unknown);
}

// ---------------------------------------------------------------------------------------------
// images

Result<ImageRecord> Library::findImageByPath(const std::string& path) {
    Result<Statement> st = queryRow(m_db, makeError(ErrorCode::NotFound, "no image with path " + path),
                                    std::string("SELECT ") + kImageColumns + " FROM images i WHERE i.path = ?1", path);
    if (!st) {
        return st.error();
    }
    return readImage(*st);
}

Result<int64_t> Library::upsertImage(const ImageRecord& image) {
    if (image.path.empty()) {
        return makeError(ErrorCode::InvalidArgument, "an image needs a path");
    }
    std::string extra = image.extraJson.empty() ? std::string("{}") : image.extraJson;
    Result<Json> parsed = parseJson(extra);
    if (!parsed || !parsed->is_object()) {
        return makeError(ErrorCode::InvalidArgument, "extra metadata must be a JSON object: " + image.path);
    }
    if (Status date = requireIsoDate(image.date, image.path); !date) {
        return date.error();
    }
    Result<Statement> st = m_db.prepare(
        "INSERT INTO images(path, content_hash, size, mtime_ns, width, height, added_at, product, line, lot, date, "
        "inspector, notes, extra, status, error) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULLIF(?8, ''), NULLIF(?9, ''), NULLIF(?10, ''), NULLIF(?11, ''), "
        "NULLIF(?12, ''), NULLIF(?13, ''), ?14, 'ok', NULL) "
        "ON CONFLICT(path) DO UPDATE SET content_hash = excluded.content_hash, size = excluded.size, "
        "mtime_ns = excluded.mtime_ns, width = excluded.width, height = excluded.height, "
        "product = COALESCE(excluded.product, product), line = COALESCE(excluded.line, line), "
        "lot = COALESCE(excluded.lot, lot), date = COALESCE(excluded.date, date), "
        "inspector = COALESCE(excluded.inspector, inspector), notes = COALESCE(excluded.notes, notes), "
        "extra = CASE WHEN excluded.extra = '{}' THEN extra ELSE excluded.extra END, status = 'ok', error = NULL, "
        "error_code = NULL "
        "RETURNING id");
    if (!st) {
        return st.error();
    }
    st->bind(1, image.path)
        .bind(3, image.size)
        .bind(4, image.mtimeNs)
        .bind(5, image.width)
        .bind(6, image.height)
        .bind(7, nowMs())
        .bind(8, image.product)
        .bind(9, image.line)
        .bind(10, image.lot)
        .bind(11, image.date)
        .bind(12, image.inspector)
        .bind(13, image.notes)
        .bind(14, parsed->dump());
    if (image.contentHash.empty()) {
        st->bindNull(2);
    } else {
        st->bind(2, image.contentHash);
    }
    Result<bool> row = st->step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return makeError(ErrorCode::Internal, "upsert returned no id: " + image.path);
    }
    const int64_t id = st->columnInt(0);
    Status done = st->run();  // finish the statement so its write is complete
    if (!done) {
        return done.error();
    }
    return id;
}

Status Library::recordFailure(const std::string& path, int64_t size, int64_t mtimeNs, const std::string& reason,
                              FailureCode code) {
    if (path.empty()) {
        return makeError(ErrorCode::InvalidArgument, "a failure needs a path");
    }
    return runWith(m_db,
                   "INSERT INTO images(path, size, mtime_ns, added_at, status, error, error_code) "
                   "VALUES (?1, ?2, ?3, ?4, 'failed', ?5, NULLIF(?6, '')) "
                   "ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
                   "status = 'failed', error = excluded.error, error_code = excluded.error_code",
                   path, size, mtimeNs, nowMs(), reason, failureCodeName(code));
}

Result<std::vector<int64_t>> Library::imagesWithSameHash(const std::string& hash) {
    Result<Statement> st =
        prepareWith(m_db, "SELECT id FROM images WHERE content_hash = ?1 AND status = 'ok' ORDER BY id", hash);
    if (!st) {
        return st.error();
    }
    return collectRows<int64_t>(*st, [](const Statement& s) -> int64_t { return s.columnInt(0); });
}

Result<std::pair<std::string, std::vector<std::string>>> Library::filterSql(const std::string& columns,
                                                                            const ImageFilter& filter) const {
    std::string sql = "SELECT " + columns + " FROM images i WHERE 1";
    std::vector<std::string> args;
    auto param = [&](std::string value) {
        args.push_back(std::move(value));
        return "?" + std::to_string(args.size());
    };
    if (!filter.label.empty()) {
        sql += std::string(" AND ") + kCurrentLabelSql + " = " + param(filter.label);
    }
    if (!filter.dateFrom.empty()) {
        sql += " AND i.date >= " + param(filter.dateFrom);
    }
    if (!filter.dateTo.empty()) {
        // "2024-05-31T10:00" > "2024-05-31" as text; compare on the date prefix for the upper bound.
        const std::string to = param(filter.dateTo);
        sql += " AND substr(i.date, 1, length(" + to + ")) <= " + to;
    }
    if (filter.status) {
        sql += " AND i.status = " + param(statusName(*filter.status));
    }
    for (const auto& [rawField, value] : filter.where) {
        const std::string field = lowerAscii(trim(rawField));
        if (field.empty()) {
            return makeError(ErrorCode::InvalidArgument, "empty field name in a filter");
        }
        if (isFilterColumn(field)) {
            sql += " AND i." + field + " = " + param(value);
            continue;
        }
        if (!usableExtraKey(rawField)) {
            return makeError(ErrorCode::InvalidArgument, "unusable metadata field name: " + rawField);
        }
        const std::string jsonPath = "$.\"" + trim(rawField) + "\"";
        const std::string pathParam = param(jsonPath);
        sql += " AND CAST(json_extract(i.extra, " + pathParam + ") AS TEXT) = " + param(value);
    }
    sql += " ORDER BY i.id";
    return std::make_pair(std::move(sql), std::move(args));
}

Result<std::vector<ImageRecord>> Library::listImages(const ImageFilter& filter) {
    if (Status known = checkFilter(filter); !known) {
        return known.error();
    }
    auto q = filterSql(kImageColumns, filter);
    if (!q) {
        return q.error();
    }
    const auto& [sql, args] = *q;
    Result<Statement> st = m_db.prepare(sql);
    if (!st) {
        return st.error();
    }
    for (size_t k = 0; k < args.size(); ++k) {
        st->bind(static_cast<int>(k + 1), args[k]);
    }
    return collectRows<ImageRecord>(*st, [](const Statement& s) -> ImageRecord { return readImage(s); });
}

Result<std::vector<std::string>> Library::filterFields() {
    std::vector<std::string> out(std::begin(kFilterColumns), std::end(kFilterColumns));
    Result<Statement> st =
        m_db.prepare("SELECT DISTINCT j.key FROM images i, json_each(i.extra) j ORDER BY j.key");
    if (!st) {
        return st.error();
    }
    auto keys = collectRows<std::string>(*st, [](const Statement& s) -> std::string { return s.columnText(0); });
    if (!keys) {
        return keys.error();
    }
    // A key spelt like a column ("Line") is read as the column by filterSql, so it is not offered.
    for (std::string& key : *keys) {
        if (!key.empty() && usableExtraKey(key) && !isFilterColumn(lowerAscii(trim(key)))) {
            out.push_back(std::move(key));
        }
    }
    return out;
}

Status Library::checkFilter(const ImageFilter& filter) {
    for (const auto& where : filter.where) {
        const std::string field = trim(where.first);
        if (field.empty() || isFilterColumn(lowerAscii(field)) || !usableExtraKey(field)) {
            continue;  // columns always exist; filterSql refuses empty and unusable names itself
        }
        Result<FirstRow> row = queryFirst(
            m_db, "SELECT EXISTS (SELECT 1 FROM images WHERE json_type(extra, ?1) IS NOT NULL)", "$.\"" + field + "\"");
        if (!row) {
            return row.error();
        }
        if (row->found && row->st.columnInt(0) != 0) {
            continue;
        }
        auto known = filterFields();
        if (!known) {
            return known.error();
        }
        std::string message = "unknown filter field \"" + field + "\"";
        if (lowerAscii(field) == "label") {
            message += " (labels have a filter of their own)";
        }
        message += "; known fields: ";
        for (size_t k = 0; k < known->size(); ++k) {
            message += (k ? ", " : "") + (*known)[k];
        }
        return makeError(ErrorCode::InvalidArgument, message);
    }
    return Status::success();
}

Result<std::vector<std::string>> Library::columnValues(const std::string& rawField) {
    const std::string field = lowerAscii(trim(rawField));
    if (!isFilterColumn(field) || field == "path") {
        return makeError(ErrorCode::InvalidArgument, "no metadata column named \"" + rawField + "\"");
    }
    // `field` is one of the fixed column names checked above, never user text in the SQL.
    Result<Statement> st = m_db.prepare("SELECT DISTINCT " + field + " FROM images WHERE status = 'ok' AND " +
                                        field + " <> '' ORDER BY 1");
    if (!st) {
        return st.error();
    }
    return collectRows<std::string>(*st, [](const Statement& s) -> std::string { return s.columnText(0); });
}

Result<std::vector<FailedFile>> Library::failures() {
    // A schema 1 file opened read-only has no error_code column: its failures have no code.
    const char* code = m_schemaVersion >= 2 ? "error_code" : "NULL";
    Result<Statement> st = m_db.prepare(std::string("SELECT path, size, mtime_ns, error, ") + code +
                                        " FROM images WHERE status = 'failed' ORDER BY path");
    if (!st) {
        return st.error();
    }
    return collectRows<FailedFile>(*st, [](const Statement& s) -> FailedFile {
        return FailedFile{s.columnText(0), s.columnInt(1), s.columnInt(2), s.columnText(3),
                          parseFailureCode(s.columnText(4))};
    });
}

Result<std::vector<int64_t>> Library::listImageIds(const ImageFilter& filter) {
    if (Status known = checkFilter(filter); !known) {
        return known.error();
    }
    auto q = filterSql("i.id", filter);
    if (!q) {
        return q.error();
    }
    Result<Statement> st = m_db.prepare(q->first);
    if (!st) {
        return st.error();
    }
    for (size_t k = 0; k < q->second.size(); ++k) {
        st->bind(static_cast<int>(k + 1), q->second[k]);
    }
    return collectRows<int64_t>(*st, [](const Statement& s) -> int64_t { return s.columnInt(0); });
}

Result<ImageRecord> Library::imageById(int64_t id) {
    Result<Statement> st =
        queryRow(m_db, noImage(id), std::string("SELECT ") + kImageColumns + " FROM images i WHERE i.id = ?1", id);
    if (!st) {
        return st.error();
    }
    return readImage(*st);
}

// ---------------------------------------------------------------------------------------------
// metadata edited in the desktop application

Status library_internal::requireImage(Database& db, int64_t imageId) {
    Result<Statement> st = queryRow(db, noImage(imageId), "SELECT 1 FROM images WHERE id = ?1", imageId);
    if (!st) {
        return st.error();
    }
    return Status::success();
}

Status Library::updateMetadata(int64_t imageId, const ImageRecord& metadata) {
    Status exists = requireImage(m_db, imageId);
    if (!exists) {
        return exists;
    }
    if (Status date = requireIsoDate(metadata.date, "image " + std::to_string(imageId)); !date) {
        return date;
    }
    return runWith(m_db,
                   "UPDATE images SET product = NULLIF(?2, ''), line = NULLIF(?3, ''), lot = NULLIF(?4, ''), "
                   "date = NULLIF(?5, ''), inspector = NULLIF(?6, ''), notes = NULLIF(?7, '') WHERE id = ?1",
                   imageId, metadata.product, metadata.line, metadata.lot, metadata.date, metadata.inspector,
                   metadata.notes);
}

}  // namespace diffclip
