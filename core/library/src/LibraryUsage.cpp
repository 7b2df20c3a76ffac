// Library: the usage log (schema 4): searches, feedback linked to them, CSV export, clearing.

#include "LibraryInternal.h"

#include <pwd.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <unordered_map>

#include "diffclip/formats/Csv.h"
#include "diffclip/formats/Json.h"
#include "diffclip/library/UsageKpis.h"

namespace diffclip {

using namespace library_internal;

std::string searchLabel(const SearchLogRecord& record) {
    if (!record.entry.queryLabel.empty()) return record.entry.queryLabel;
    return record.rightLabel;
}

namespace {

std::string processUser() {
    std::vector<char> buffer(16384);
    struct passwd pw {};
    struct passwd* found = nullptr;
    if (::getpwuid_r(::geteuid(), &pw, buffer.data(), buffer.size(), &found) == 0 && found && found->pw_name)
        return found->pw_name;
    if (const char* user = std::getenv("USER"); user && *user) return user;
    return "uid " + std::to_string(::geteuid());
}

std::string hostName() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return "";
    return name;
}

Error readOnlyLog() {
    return makeError(ErrorCode::Io, "the library is read-only (an older library opened read-only has no usage log)");
}

Status checkLatency(double ms, const char* what) {
    if (!std::isfinite(ms) || ms < 0)
        return makeError(ErrorCode::InvalidArgument, std::string("the ") + what + " latency must be a finite number of "
                                                                                 "milliseconds >= 0");
    return Status::success();
}

// The searches' columns read by searchLog, in readSearch's order.
constexpr const char* kSearchColumns =
    "s.id, s.created_at, s.os_user, s.host, s.model_name, s.model_fingerprint, s.query_kind, s.query, "
    "COALESCE(s.query_image_id, 0), s.query_label, s.line, s.product, s.filters, s.k, s.hit_ids, s.decode_ms, "
    "s.encode_ms, s.search_ms, s.total_ms, s.best_score, s.confident, s.source";

SearchLogRecord readSearch(const Statement& st) {
    SearchLogRecord r;
    r.id = st.columnInt(0);
    SearchLogEntry& e = r.entry;
    e.createdAtMs = st.columnInt(1);
    e.osUser = st.columnText(2);
    e.host = st.columnText(3);
    e.modelName = st.columnText(4);
    e.modelFingerprint = st.columnText(5);
    e.textQuery = st.columnText(6) == "text";
    e.query = st.columnText(7);
    e.queryImageId = st.columnInt(8);
    e.queryLabel = st.columnText(9);
    e.line = st.columnText(10);
    e.product = st.columnText(11);
    e.filtersJson = st.columnText(12);
    e.k = static_cast<int>(st.columnInt(13));
    if (auto ids = parseJson(st.columnText(14)); ids && ids->is_array())
        for (const auto& id : *ids)
            if (id.is_number_integer()) e.hitIds.push_back(id.get<int64_t>());
    e.decodeMs = st.columnDouble(15);
    e.encodeMs = st.columnDouble(16);
    e.searchMs = st.columnDouble(17);
    e.totalMs = st.columnDouble(18);
    if (!st.isNull(19)) e.bestScore = st.columnDouble(19);
    if (!st.isNull(20)) e.confident = st.columnInt(20) != 0;
    e.source = st.columnText(21);
    return r;
}

std::string formatMs(double ms) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.3f", ms);
    return buffer;
}

}  // namespace

Result<int64_t> Library::logSearch(const SearchLogEntry& entry) {
    if (m_schemaVersion < 4) return readOnlyLog();
    if (entry.k < 1 || entry.k > 10000) return makeError(ErrorCode::InvalidArgument, "K must be 1..10000");
    if (entry.hitIds.size() > size_t(entry.k))
        return makeError(ErrorCode::InvalidArgument, "a search cannot show more hits than K");
    if (entry.query.empty()) return makeError(ErrorCode::InvalidArgument, "a logged search needs its query");
    for (auto [ms, what] : {std::pair{entry.decodeMs, "decode"}, {entry.encodeMs, "encode"},
                            {entry.searchMs, "search"}, {entry.totalMs, "total"}})
        if (Status s = checkLatency(ms, what); !s) return s.error();
    if (entry.bestScore && (!std::isfinite(*entry.bestScore) || *entry.bestScore < -1.0001 || *entry.bestScore > 1.0001))
        return makeError(ErrorCode::InvalidArgument, "the best score must be a cosine in [-1, 1]");
    auto filters = parseJson(entry.filtersJson.empty() ? "{}" : entry.filtersJson);
    if (!filters || !filters->is_object())
        return makeError(ErrorCode::InvalidArgument, "the search's filters must be a JSON object");
    Json hits = Json::array();
    for (int64_t id : entry.hitIds) hits.push_back(id);
    Result<Statement> st = m_db.prepare(
        "INSERT INTO searches(created_at, os_user, host, model_name, model_fingerprint, query_kind, query, "
        "query_image_id, query_label, line, product, filters, k, hit_ids, decode_ms, encode_ms, search_ms, total_ms, "
        "best_score, confident, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
        "?17, ?18, ?19, ?20, ?21)");
    if (!st) return st.error();
    st->bind(1, entry.createdAtMs > 0 ? entry.createdAtMs : nowMs())
        .bind(2, entry.osUser.empty() ? processUser() : entry.osUser)
        .bind(3, entry.host.empty() ? hostName() : entry.host)
        .bind(4, entry.modelName)
        .bind(5, entry.modelFingerprint)
        .bind(6, entry.textQuery ? "text" : "photo")
        .bind(7, entry.query);
    if (entry.queryImageId > 0) st->bind(8, entry.queryImageId);
    else st->bindNull(8);
    st->bind(9, entry.queryLabel)
        .bind(10, entry.line)
        .bind(11, entry.product)
        .bind(12, dumpJson(*filters))
        .bind(13, entry.k)
        .bind(14, dumpJson(hits))
        .bind(15, entry.decodeMs)
        .bind(16, entry.encodeMs)
        .bind(17, entry.searchMs)
        .bind(18, entry.totalMs);
    if (entry.bestScore) st->bind(19, *entry.bestScore);
    else st->bindNull(19);
    if (entry.confident) st->bind(20, *entry.confident ? 1 : 0);
    else st->bindNull(20);
    st->bind(21, entry.source);
    if (Status s = st->run(); !s) return s.error();
    return m_db.queryInt("SELECT last_insert_rowid()");
}

Status Library::addSearchFeedback(int64_t searchId, int rank, bool right, int64_t atMs) {
    if (m_schemaVersion < 4) return readOnlyLog();
    Result<FirstRow> row = queryFirst(m_db, "SELECT query, hit_ids FROM searches WHERE id = ?1", searchId);
    if (!row) return row.error();
    if (!row->found) return makeError(ErrorCode::NotFound, "no search with id " + std::to_string(searchId));
    const std::string query = row->st.columnText(0);
    std::vector<int64_t> hits;
    if (auto ids = parseJson(row->st.columnText(1)); ids && ids->is_array())
        for (const auto& id : *ids)
            if (id.is_number_integer()) hits.push_back(id.get<int64_t>());
    const int64_t when = atMs > 0 ? atMs : nowMs();
    if (rank == 0) {
        if (right) return makeError(ErrorCode::InvalidArgument, "\"none right\" cannot be a right answer");
        return runWith(m_db,
                       "INSERT INTO feedback(query, hit_image_id, correct, created_at, search_id, rank) "
                       "VALUES (?1, NULL, 0, ?2, ?3, 0)",
                       query, when, searchId);
    }
    if (rank < 0 || size_t(rank) > hits.size())
        return makeError(ErrorCode::InvalidArgument, "rank " + std::to_string(rank) + " is not among the " +
                                                         std::to_string(hits.size()) + " hits of search " +
                                                         std::to_string(searchId));
    const int64_t hit = hits[size_t(rank - 1)];
    return refersToImage(runWith(m_db,
                                 "INSERT INTO feedback(query, hit_image_id, correct, created_at, search_id, rank) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                 query, hit, right ? 1 : 0, when, searchId, rank),
                         hit);
}

Result<std::vector<SearchLogRecord>> Library::searchLog(const UsageFilter& filter) {
    if (m_schemaVersion < 4) return std::vector<SearchLogRecord>{};
    const std::string where =
        " WHERE s.created_at >= ?1 AND s.created_at < ?2 AND (?3 = '' OR s.os_user = ?3) AND "
        "(?4 = '' OR s.model_name = ?4 OR s.model_fingerprint = ?4) AND (?5 = '' OR s.line = ?5) AND "
        "(?6 = '' OR s.product = ?6)";
    Result<Statement> st = prepareWith(m_db, std::string("SELECT ") + kSearchColumns + " FROM searches s" + where +
                                                 " ORDER BY s.created_at, s.id",
                                       filter.fromMs, filter.toMs, filter.user, filter.model, filter.line,
                                       filter.product);
    if (!st) return st.error();
    auto records = collectRows<SearchLogRecord>(*st, readSearch);
    if (!records) return records.error();
    std::unordered_map<int64_t, size_t> at;
    for (size_t i = 0; i < records->size(); ++i) at[(*records)[i].id] = i;

    // Fold each search's feedback in the order it was given.
    struct Fold {
        std::map<int, bool> right;           // rank -> current judgement
        std::map<int, int64_t> firstRightAt; // rank -> first "right" since the last "none right"
        std::map<int, std::string> label;    // rank -> current label of the hit
        bool noneRight = false;
    };
    std::unordered_map<int64_t, Fold> folds;
    std::string hitLabel = kCurrentLabelSql;
    hitLabel.replace(hitLabel.find("i.id"), 4, "f.hit_image_id");
    Result<Statement> fb = prepareWith(
        m_db,
        "SELECT f.search_id, COALESCE(f.rank, 0), f.correct, f.created_at, f.hit_image_id IS NULL, " + hitLabel +
            " FROM feedback f WHERE f.search_id IN (SELECT s.id FROM searches s" + where + ") ORDER BY f.id",
        filter.fromMs, filter.toMs, filter.user, filter.model, filter.line, filter.product);
    if (!fb) return fb.error();
    Status read = forEachRow(*fb, [&](const Statement& row) {
        Fold& f = folds[row.columnInt(0)];
        const int rank = static_cast<int>(row.columnInt(1));
        const bool right = row.columnInt(2) != 0;
        const int64_t when = row.columnInt(3);
        if (rank == 0 || row.columnInt(4) != 0) {  // "none right"
            f.noneRight = true;
            f.right.clear();
            f.firstRightAt.clear();
            return;
        }
        f.right[rank] = right;
        f.label[rank] = row.columnText(5);
        if (right) {
            f.noneRight = false;
            f.firstRightAt.emplace(rank, when);  // keeps the first
        } else {
            f.firstRightAt.erase(rank);
        }
    });
    if (!read) return read.error();
    for (auto& [id, f] : folds) {
        auto it = at.find(id);
        if (it == at.end()) continue;
        SearchLogRecord& r = (*records)[it->second];
        std::optional<int64_t> firstRight;
        for (const auto& [rank, right] : f.right) {
            if (!right) continue;
            if (r.firstRightRank == 0) {
                r.firstRightRank = rank;
                r.rightLabel = f.label[rank];
            }
            const int64_t t = f.firstRightAt.count(rank) ? f.firstRightAt[rank] : r.entry.createdAtMs;
            if (!firstRight || t < *firstRight) firstRight = t;
        }
        r.noneRight = r.firstRightRank == 0 && f.noneRight;
        r.judged = r.firstRightRank > 0 || r.noneRight;
        if (firstRight) r.taskMs = std::max<int64_t>(0, *firstRight - r.entry.createdAtMs);
    }
    if (!filter.label.empty()) {
        std::vector<SearchLogRecord> kept;
        for (auto& r : *records)
            if (searchLabel(r) == filter.label) kept.push_back(std::move(r));
        return kept;
    }
    return records;
}

Result<int64_t> Library::exportUsageCsv(const std::string& csvPath, const UsageFilter& filter) {
    auto records = searchLog(filter);
    if (!records) return records.error();
    std::string out;
    appendCsvRow(out, {"id", "time_utc", "user", "host", "model", "model_fingerprint", "query_kind", "query",
                       "query_label", "line", "product", "filters", "k", "hits", "decode_ms", "encode_ms", "search_ms",
                       "total_ms", "best_score", "confident", "source", "judged", "first_right_rank", "none_right",
                       "task_ms", "label"});
    for (const SearchLogRecord& r : *records) {
        const SearchLogEntry& e = r.entry;
        char score[32] = "";
        if (e.bestScore) std::snprintf(score, sizeof score, "%.6f", *e.bestScore);
        appendCsvRow(out, std::vector<std::string>{
                              std::to_string(r.id), usage::isoUtcTime(e.createdAtMs), e.osUser, e.host, e.modelName,
                              e.modelFingerprint, e.textQuery ? "text" : "photo", e.query, e.queryLabel, e.line,
                              e.product, e.filtersJson, std::to_string(e.k), std::to_string(e.hitIds.size()),
                              formatMs(e.decodeMs), formatMs(e.encodeMs), formatMs(e.searchMs), formatMs(e.totalMs),
                              score, e.confident ? (*e.confident ? "1" : "0") : "", e.source, r.judged ? "1" : "0",
                              r.firstRightRank > 0 ? std::to_string(r.firstRightRank) : "", r.noneRight ? "1" : "0",
                              r.taskMs ? std::to_string(*r.taskMs) : "", searchLabel(r)});
    }
    if (Status s = writeFileAtomically(csvPath, out, "exporting the usage log to"); !s) return s.error();
    return int64_t(records->size());
}

Result<int64_t> Library::clearUsageLog() {
    if (m_schemaVersion < 4) return readOnlyLog();
    return withTransaction(m_db, [&]() -> Result<int64_t> {
        Result<int64_t> count = m_db.queryInt("SELECT COUNT(*) FROM searches");
        if (!count) return count.error();
        if (Status s = m_db.exec("DELETE FROM feedback WHERE search_id IS NOT NULL AND hit_image_id IS NULL;"
                                 "UPDATE feedback SET search_id = NULL, rank = NULL WHERE search_id IS NOT NULL;"
                                 "DELETE FROM searches;");
            !s)
            return s.error();
        return *count;
    });
}

}  // namespace diffclip
