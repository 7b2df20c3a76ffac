// Labels whose nearest neighbours disagree (LabelCheck.h), and the library's main model.
#include "diffclip/library/LabelCheck.h"

#include <algorithm>
#include <cmath>

namespace diffclip {

Result<std::optional<ModelRecord>> mainEmbeddingModel(Library& library) {
    auto counts = library.embeddingCountsByModel();
    if (!counts) return counts.error();
    const Library::ModelEmbeddingCount* best = nullptr;
    for (const auto& c : *counts)
        if (c.embeddings > 0 && (!best || c.embeddings > best->embeddings ||
                                 (c.embeddings == best->embeddings && c.model.id > best->model.id)))
            best = &c;
    if (!best) return std::optional<ModelRecord>();
    return std::optional<ModelRecord>(best->model);
}

Result<std::vector<LabelDoubt>> checkLabels(const EmbeddingMatrix& m, const std::map<int64_t, std::string>& labels, int k) {
    if (k < 1) return makeError(ErrorCode::InvalidArgument, "label check: k must be at least 1");
    const size_t dim = size_t(std::max(0, m.dim));
    // The labelled rows, normalised (stored embeddings are unit vectors up to fp16 rounding).
    std::vector<size_t> rows;
    std::vector<std::vector<float>> unit;
    for (size_t i = 0; i < m.rows(); ++i) {
        if (!labels.count(m.ids[i])) continue;
        std::vector<float> v(m.row(i), m.row(i) + dim);
        double n = 0;
        for (float x : v) n += double(x) * x;
        n = std::sqrt(n);
        if (n > 0)
            for (float& x : v) x = float(x / n);
        rows.push_back(i);
        unit.push_back(std::move(v));
    }
    std::vector<LabelDoubt> doubts;
    std::vector<std::pair<double, size_t>> sims;
    for (size_t a = 0; a < rows.size(); ++a) {
        sims.clear();
        for (size_t b = 0; b < rows.size(); ++b) {
            if (a == b) continue;
            double s = 0;
            for (size_t d = 0; d < dim; ++d) s += double(unit[a][d]) * unit[b][d];
            sims.emplace_back(s, b);
        }
        const size_t take = std::min(sims.size(), size_t(k));
        // Most similar first; equal similarities by row, so the result does not depend on the sort.
        std::partial_sort(sims.begin(), sims.begin() + long(take), sims.end(),
                          [](const auto& x, const auto& y) { return x.first > y.first || (x.first == y.first && x.second < y.second); });
        const std::string& own = labels.at(m.ids[rows[a]]);
        std::map<std::string, double> weight;
        double total = 0, against = 0;
        int disagreeing = 0;
        for (size_t t = 0; t < take; ++t) {
            const std::string& other = labels.at(m.ids[rows[sims[t].second]]);
            const double w = std::max(0.0, sims[t].first);
            weight[other] += w;
            total += w;
            if (other != own) {
                against += w;
                ++disagreeing;
            }
        }
        std::string suggested = own;
        double best = weight.count(own) ? weight[own] : 0.0;
        for (const auto& [label, w] : weight)
            if (w > best) {
                best = w;
                suggested = label;
            }
        if (suggested == own || total <= 0) continue;
        LabelDoubt d;
        d.imageId = m.ids[rows[a]];
        d.label = own;
        d.suggested = suggested;
        d.neighbours = int(take);
        d.disagreeing = disagreeing;
        d.score = against / total;
        doubts.push_back(d);
    }
    std::sort(doubts.begin(), doubts.end(), [](const LabelDoubt& x, const LabelDoubt& y) {
        return x.score > y.score || (x.score == y.score && x.imageId < y.imageId);
    });
    return doubts;
}

Result<LabelCheck> checkLibraryLabels(Library& library, int k) {
    LabelCheck out;
    auto model = mainEmbeddingModel(library);
    if (!model) return model.error();
    if (!*model) return out;
    out.model = (*model)->name;
    auto m = library.loadEmbeddings((*model)->id);
    if (!m) return m.error();
    auto current = library.currentLabels();
    if (!current) return current.error();
    std::map<int64_t, std::string> labels;
    for (const auto& [id, label] : *current)
        if (!label.empty()) labels[id] = label;
    for (int64_t id : m->ids) out.labelled += labels.count(id) ? 1 : 0;
    auto doubts = checkLabels(*m, labels, k);
    if (!doubts) return doubts.error();
    out.doubts = std::move(*doubts);
    return out;
}

}  // namespace diffclip
