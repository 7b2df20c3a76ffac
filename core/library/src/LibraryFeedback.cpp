// Library: search feedback (judgements of hits, kept as history).

#include "LibraryInternal.h"



namespace diffclip {

using namespace library_internal;

// ---------------------------------------------------------------------------------------------
// Search feedback

Status Library::addFeedback(const std::string& query, int64_t hitImageId, bool right) {
    if (query.empty()) {
        return makeError(ErrorCode::InvalidArgument, "feedback without a query");
    }
    return refersToImage(
        runWith(m_db, "INSERT INTO feedback(query, hit_image_id, correct, created_at) VALUES (?1, ?2, ?3, ?4)", query,
                hitImageId, right ? 1 : 0, nowMs()),
        hitImageId);
}

namespace {

constexpr const char* kFeedbackColumns = "id, query, COALESCE(hit_image_id, 0), correct, created_at";
// Schema 4 links feedback to a logged search; older files (read-only) read as not linked.
constexpr const char* kFeedbackLinkColumns = ", COALESCE(search_id, 0), COALESCE(rank, 0)";
constexpr const char* kFeedbackNoLinkColumns = ", 0, 0";

Library::FeedbackRecord readFeedback(const Statement& st) {
    Library::FeedbackRecord r;
    r.id = st.columnInt(0);
    r.query = st.columnText(1);
    r.hitImageId = st.columnInt(2);
    r.right = st.columnInt(3) != 0;
    r.createdAtMs = st.columnInt(4);
    r.searchId = st.columnInt(5);
    r.rank = static_cast<int>(st.columnInt(6));
    return r;
}

}  // namespace

const char* Library::linkColumns() const {
    return m_schemaVersion >= 4 ? kFeedbackLinkColumns : kFeedbackNoLinkColumns;
}

Result<std::vector<Library::FeedbackRecord>> Library::feedback(int64_t hitImageId) {
    Result<Statement> st = prepareWith(
        m_db,
        std::string("SELECT ") + kFeedbackColumns + linkColumns() + " FROM feedback WHERE ?1 <= 0 OR hit_image_id = ?1 ORDER BY id",
        hitImageId);
    if (!st) {
        return st.error();
    }
    return collectRows<FeedbackRecord>(*st, readFeedback);
}

Result<std::vector<Library::FeedbackRecord>> Library::feedbackHistory(const std::string& query, int64_t hitImageId) {
    Result<Statement> st = prepareWith(
        m_db,
        std::string("SELECT ") + kFeedbackColumns + linkColumns() + " FROM feedback WHERE hit_image_id = ?1 AND query = ?2 ORDER BY id",
        hitImageId, query);
    if (!st) {
        return st.error();
    }
    return collectRows<FeedbackRecord>(*st, readFeedback);
}

Result<std::vector<Library::FeedbackRecord>> Library::currentFeedback(const std::string& query) {
    // The newest row per hit; feedback holds a person's clicks, small enough to scan by query.
    Result<Statement> st =
        prepareWith(m_db,
                    std::string("SELECT ") + kFeedbackColumns + linkColumns() +
                        " FROM feedback f WHERE query = ?1 AND id = (SELECT MAX(g.id) FROM feedback g "
                        "WHERE g.query = f.query AND g.hit_image_id = f.hit_image_id) "
                        "ORDER BY hit_image_id",
                    query);
    if (!st) {
        return st.error();
    }
    return collectRows<FeedbackRecord>(*st, readFeedback);
}

}  // namespace diffclip
