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
    Result<Statement> st =
        m_db.prepare("INSERT INTO feedback(query, hit_image_id, correct, created_at) VALUES (?1, ?2, ?3, ?4)");
    if (!st) {
        return st.error();
    }
    st->bind(1, query).bind(2, hitImageId).bind(3, right ? 1 : 0).bind(4, nowMs());
    Status s = st->run();
    // The only constraint that can fail is the foreign key to images.
    if (!s && s.error().code == ErrorCode::InvalidArgument) {
        return makeError(ErrorCode::NotFound, "no image with id " + std::to_string(hitImageId));
    }
    return s;
}

namespace {

constexpr const char* kFeedbackColumns = "id, query, COALESCE(hit_image_id, 0), correct, created_at";

Library::FeedbackRecord readFeedback(const Statement& st) {
    Library::FeedbackRecord r;
    r.id = st.columnInt(0);
    r.query = st.columnText(1);
    r.hitImageId = st.columnInt(2);
    r.right = st.columnInt(3) != 0;
    r.createdAtMs = st.columnInt(4);
    return r;
}

}  // namespace

Result<std::vector<Library::FeedbackRecord>> Library::feedback(int64_t hitImageId) {
    Result<Statement> st = m_db.prepare(std::string("SELECT ") + kFeedbackColumns +
                                        " FROM feedback WHERE ?1 <= 0 OR hit_image_id = ?1 ORDER BY id");
    if (!st) {
        return st.error();
    }
    st->bind(1, hitImageId);
    return collectRows<FeedbackRecord>(*st, readFeedback);
}

Result<std::vector<Library::FeedbackRecord>> Library::feedbackHistory(const std::string& query, int64_t hitImageId) {
    Result<Statement> st = m_db.prepare(std::string("SELECT ") + kFeedbackColumns +
                                        " FROM feedback WHERE hit_image_id = ?1 AND query = ?2 ORDER BY id");
    if (!st) {
        return st.error();
    }
    st->bind(1, hitImageId).bind(2, query);
    return collectRows<FeedbackRecord>(*st, readFeedback);
}

Result<std::vector<Library::FeedbackRecord>> Library::currentFeedback(const std::string& query) {
    // The newest row per hit; feedback holds a person's clicks, small enough to scan by query.
    Result<Statement> st = m_db.prepare(std::string("SELECT ") + kFeedbackColumns +
                                        " FROM feedback f WHERE query = ?1 AND id = (SELECT MAX(g.id) FROM feedback g "
                                        "WHERE g.query = f.query AND g.hit_image_id = f.hit_image_id) "
                                        "ORDER BY hit_image_id");
    if (!st) {
        return st.error();
    }
    st->bind(1, query);
    return collectRows<FeedbackRecord>(*st, readFeedback);
}

}  // namespace diffclip
