// The usage-log row of a finished search (SearchLog.h).

#include "diffclip/indexing/SearchLog.h"

#include <algorithm>

#include "diffclip/formats/Json.h"
#include "diffclip/indexing/Workspace.h"

namespace diffclip {

SearchLogEntry searchLogEntry(Library& lib, const Workspace& ws, const std::string& queryKey, bool text,
                              int64_t queryImageId, const ImageFilter& filter, int k, const SearchResult& r,
                              int64_t startedAtMs, const std::string& source) {
    SearchLogEntry e;
    e.createdAtMs = startedAtMs;
    e.modelName = ws.modelSpec();
    if (auto models = lib.models(); models)
        for (const auto& m : *models)
            if (m.id == ws.modelId()) e.modelFingerprint = m.fingerprint;
    e.textQuery = text;
    e.query = queryKey;
    if (!text && queryImageId <= 0)
        if (auto image = lib.findImageByPath(queryKey); image && image->status == ImageStatus::Ok) queryImageId = image->id;
    e.queryImageId = std::max<int64_t>(0, queryImageId);
    if (e.queryImageId > 0) {
        if (auto label = lib.label(e.queryImageId); label) e.queryLabel = *label;
        if (auto image = lib.imageById(e.queryImageId); image) {
            e.line = image->line;
            e.product = image->product;
        }
    }
    Json filters = Json::object();
    if (!filter.label.empty()) filters["label"] = filter.label;
    if (!filter.dateFrom.empty()) filters["since"] = filter.dateFrom;
    if (!filter.dateTo.empty()) filters["until"] = filter.dateTo;
    if (!filter.where.empty()) {
        Json where = Json::object();
        for (const auto& [field, value] : filter.where) {
            where[field] = value;
            if (field == "line" && e.line.empty()) e.line = value;
            if (field == "product" && e.product.empty()) e.product = value;
        }
        filters["where"] = where;
    }
    e.filtersJson = dumpJson(filters);
    e.k = std::clamp(k, 1, 10000);
    for (const auto& h : r.hits) {
        if (e.hitIds.size() >= size_t(e.k)) break;
        e.hitIds.push_back(h.image.id);
    }
    e.decodeMs = std::max(0.0, r.decodeSeconds * 1000.0);
    e.encodeMs = std::max(0.0, r.encodeSeconds * 1000.0);
    e.searchMs = std::max(0.0, r.searchSeconds * 1000.0);
    e.totalMs = std::max(0.0, r.seconds * 1000.0);
    if (!r.hits.empty()) e.bestScore = std::clamp(double(r.hits.front().score), -1.0, 1.0);
    e.confident = r.confident;
    e.source = source;
    return e;
}

}  // namespace diffclip
