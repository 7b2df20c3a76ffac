// Library: labels of photos and their precedence (manual > training > folder > zero-shot).

#include "LibraryInternal.h"

#include <optional>
#include <utility>

namespace diffclip {

using namespace library_internal;

// ---------------------------------------------------------------------------------------------
// labels

const char* labelSourceName(LabelSource source) {
    switch (source) {
        case LabelSource::Manual:
            return "manual";
        case LabelSource::Training:
            return "training";
        case LabelSource::Folder:
            return "folder";
        case LabelSource::ZeroShot:
            return "zero-shot";
    }
    return "manual";
}

std::optional<LabelSource> parseLabelSource(std::string_view name) {
    for (LabelSource s : {LabelSource::Manual, LabelSource::Training, LabelSource::Folder, LabelSource::ZeroShot}) {
        if (name == labelSourceName(s)) {
            return s;
        }
    }
    return std::nullopt;
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
    Result<Statement> st = m_db.prepare(
        "INSERT OR REPLACE INTO labels(image_id, label, source, confidence, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st) {
        return st.error();
    }
    st->bind(1, imageId).bind(2, label).bind(3, labelSourceName(source)).bind(4, confidence).bind(5, nowMs());
    Status s = st->run();
    if (!s && s.error().code == ErrorCode::InvalidArgument) {
        return makeError(ErrorCode::NotFound, "no image with id " + std::to_string(imageId));
    }
    return s;
}

Result<std::string> Library::label(int64_t imageId) {
    Result<Statement> st = m_db.prepare(std::string("SELECT ") + kCurrentLabelSql + " FROM images i WHERE i.id = ?1");
    if (!st) {
        return st.error();
    }
    st->bind(1, imageId);
    Result<bool> row = st->step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return makeError(ErrorCode::NotFound, "no image with id " + std::to_string(imageId));
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
    Result<Statement> st = m_db.prepare("DELETE FROM labels WHERE image_id = ?1 AND source = ?2");
    if (!st) {
        return st.error();
    }
    st->bind(1, imageId).bind(2, labelSourceName(source));
    return st->run();
}

Result<std::vector<Library::LabelEntry>> Library::labelEntries(int64_t imageId) {
    Status exists = requireImage(m_db, imageId);
    if (!exists) {
        return exists.error();
    }
    Result<Statement> st = m_db.prepare(
        "SELECT label, source, confidence, created_at FROM labels WHERE image_id = ?1 ORDER BY CASE source "
        "WHEN 'manual' THEN 0 WHEN 'training' THEN 1 WHEN 'folder' THEN 2 ELSE 3 END");
    if (!st) {
        return st.error();
    }
    st->bind(1, imageId);
    std::vector<LabelEntry> out;
    for (;;) {
        Result<bool> row = st->step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return out;
        }
        LabelEntry e;
        e.label = st->columnText(0);
        const std::optional<LabelSource> source = parseLabelSource(st->columnText(1));
        if (!source) {
            return makeError(ErrorCode::Format, "unknown label source " + st->columnText(1));
        }
        e.source = *source;
        e.confidence = st->columnDouble(2);
        e.createdAtMs = st->columnInt(3);
        out.push_back(std::move(e));
    }
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
