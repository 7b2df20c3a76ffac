// Library: labels of photos and their precedence (manual > training > folder > zero-shot).

#include "LibraryInternal.h"

#include <optional>
#include <utility>

#include "diffclip/base/EnumNames.h"

namespace diffclip {

using namespace library_internal;

// ---------------------------------------------------------------------------------------------
// labels

constexpr EnumName<LabelSource> kLabelSourceNames[] = {
    {LabelSource::Manual, "manual"}, {LabelSource::Training, "training"}, {LabelSource::Folder, "folder"},
    {LabelSource::ZeroShot, "zero-shot"}};
static_assert(namesEveryValue(kLabelSourceNames, LabelSource::ZeroShot));

const char* labelSourceName(LabelSource source) { return enumName(kLabelSourceNames, source, "manual"); }

std::optional<LabelSource> parseLabelSource(std::string_view name) {
    return enumFromName(kLabelSourceNames, name);
}

// ---------------------------------------------------------------------------------------------
// labels

Status Library::setLabel(int64_t imageId, const std::string& label, LabelSource source, double confidence) {
    if (label.empty()) {
        return makeError(ErrorCode::InvalidArgument, "empty label");
    }
    if (!(confidence >= 0.0 && confidence <= 1.0)) {
        return makeError(ErrorCode::InvalidArgument, "label confidence outside [0, 1]");
    }
    return refersToImage(runWith(m_db,
                                 "INSERT OR REPLACE INTO labels(image_id, label, source, confidence, created_at) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5)",
                                 imageId, label, labelSourceName(source), confidence, nowMs()),
                         imageId);
}

Result<std::string> Library::label(int64_t imageId) {
    Result<Statement> st = queryRow(
        m_db, noImage(imageId), std::string("SELECT ") + kCurrentLabelSql + " FROM images i WHERE i.id = ?1", imageId);
    if (!st) {
        return st.error();
    }
    return st->columnText(0);
}

Result<std::vector<std::string>> Library::labels() {
    Result<Statement> st = m_db.prepare(std::string("SELECT DISTINCT lbl FROM (SELECT ") + kCurrentLabelSql +
                                        " AS lbl FROM images i) WHERE lbl IS NOT NULL ORDER BY lbl");
    if (!st) {
        return st.error();
    }
    return collectRows<std::string>(*st, [](const Statement& s) -> std::string { return s.columnText(0); });
}

Status Library::clearLabel(int64_t imageId, LabelSource source) {
    Status exists = requireImage(m_db, imageId);
    if (!exists) {
        return exists;
    }
    return runWith(m_db, "DELETE FROM labels WHERE image_id = ?1 AND source = ?2", imageId, labelSourceName(source));
}

Result<std::vector<Library::LabelEntry>> Library::labelEntries(int64_t imageId) {
    Status exists = requireImage(m_db, imageId);
    if (!exists) {
        return exists.error();
    }
    Result<Statement> st = prepareWith(m_db,
                                       "SELECT label, source, confidence, created_at FROM labels WHERE image_id = ?1 "
                                       "ORDER BY CASE source WHEN 'manual' THEN 0 WHEN 'training' THEN 1 "
                                       "WHEN 'folder' THEN 2 ELSE 3 END",
                                       imageId);
    if (!st) {
        return st.error();
    }
    std::vector<LabelEntry> out;
    Status read = forEachRow(*st, [&](const Statement& row) -> Status {
        LabelEntry e;
        e.label = row.columnText(0);
        const std::optional<LabelSource> source = parseLabelSource(row.columnText(1));
        if (!source) {
            return makeError(ErrorCode::Format, "unknown label source " + row.columnText(1));
        }
        e.source = *source;
        e.confidence = row.columnDouble(2);
        e.createdAtMs = row.columnInt(3);
        out.push_back(std::move(e));
        return Status::success();
    });
    if (!read) {
        return read.error();
    }
    return out;
}

Result<std::vector<std::pair<int64_t, std::string>>> Library::currentLabels() {
    Result<Statement> st = m_db.prepare(std::string("SELECT id, lbl FROM (SELECT i.id AS id, ") + kCurrentLabelSql +
                                        " AS lbl FROM images i) WHERE lbl IS NOT NULL ORDER BY id");
    if (!st) {
        return st.error();
    }
    return collectRows<std::pair<int64_t, std::string>>(*st, [](const Statement& s) -> std::pair<int64_t, std::string> {
        return {s.columnInt(0), s.columnText(1)};
    });
}

}  // namespace diffclip
