// Labels whose nearest neighbours disagree (LabelCheck.h), and the library's main model.
#include "diffclip/library/LabelCheck.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace diffclip {

namespace {

double dot(const std::vector<float>& a, const std::vector<float>& b, size_t dim) {
    double s = 0;
    for (size_t d = 0; d < dim; ++d) s += double(a[d]) * b[d];
    return s;
}

// The rows of `m` whose id `keep` accepts, normalised (stored embeddings are unit vectors up to
// fp16 rounding): their row numbers and vectors.
template <typename Keep>
void unitRows(const EmbeddingMatrix& m, Keep keep, std::vector<size_t>& rows, std::vector<std::vector<float>>& unit) {
    const size_t dim = size_t(std::max(0, m.dim));
    for (size_t i = 0; i < m.rows(); ++i) {
        if (!keep(m.ids[i])) continue;
        std::vector<float> v(m.row(i), m.row(i) + dim);
        double n = 0;
        for (float x : v) n += double(x) * x;
        n = std::sqrt(n);
        if (n > 0)
            for (float& x : v) x = float(x / n);
        rows.push_back(i);
        unit.push_back(std::move(v));
    }
}

// The k rows of `pool` most similar to `query` (skipping index `self`; SIZE_MAX: none) into
// `sims` as (cosine, index), most similar first, equal similarities by index so the result does
// not depend on the sort; returns how many.
size_t nearest(const std::vector<float>& query, const std::vector<std::vector<float>>& pool, size_t self, size_t k,
               size_t dim, std::vector<std::pair<double, size_t>>& sims) {
    sims.clear();
    for (size_t b = 0; b < pool.size(); ++b)
        if (b != self) sims.emplace_back(dot(query, pool[b], dim), b);
    const size_t take = std::min(sims.size(), k);
    std::partial_sort(sims.begin(), sims.begin() + long(take), sims.end(),
                      [](const auto& x, const auto& y) { return x.first > y.first || (x.first == y.first && x.second < y.second); });
    return take;
}

}  // namespace

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

namespace {

// The main model's embeddings, its name (left empty, with an empty matrix, when no model has
// any) and the current non-empty labels.
Result<EmbeddingMatrix> mainEmbeddings(Library& library, std::string& model, std::map<int64_t, std::string>& labels) {
    auto main = mainEmbeddingModel(library);
    if (!main) return main.error();
    if (!*main) return EmbeddingMatrix{};
    auto m = library.loadEmbeddings((*main)->id);
    if (!m) return m.error();
    auto current = library.currentLabels();
    if (!current) return current.error();
    for (const auto& [id, label] : *current)
        if (!label.empty()) labels[id] = label;
    model = (*main)->name;
    return m;
}

}  // namespace

Result<std::vector<LabelDoubt>> checkLabels(const EmbeddingMatrix& m, const std::map<int64_t, std::string>& labels, int k) {
    if (k < 1) return makeError(ErrorCode::InvalidArgument, "label check: k must be at least 1");
    const size_t dim = size_t(std::max(0, m.dim));
    std::vector<size_t> rows;
    std::vector<std::vector<float>> unit;
    unitRows(m, [&](int64_t id) { return labels.count(id) > 0; }, rows, unit);
    std::vector<LabelDoubt> doubts;
    std::vector<std::pair<double, size_t>> sims;
    for (size_t a = 0; a < rows.size(); ++a) {
        const size_t take = nearest(unit[a], unit, a, size_t(k), dim, sims);
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

Result<std::vector<LabelSuggestion>> suggestLabelling(const EmbeddingMatrix& m, const std::map<int64_t, std::string>& labels,
                                                      int k, int top) {
    if (k < 1) return makeError(ErrorCode::InvalidArgument, "labelling suggestions: k must be at least 1");
    if (top < 0) return makeError(ErrorCode::InvalidArgument, "labelling suggestions: top must not be negative");
    const size_t dim = size_t(std::max(0, m.dim));
    std::vector<size_t> labelledRows, openRows;
    std::vector<std::vector<float>> labelled, open;
    unitRows(m, [&](int64_t id) { return labels.count(id) > 0; }, labelledRows, labelled);
    unitRows(m, [&](int64_t id) { return labels.count(id) == 0; }, openRows, open);

    // Per unlabelled row: uncertainty and the labels from its k nearest labelled rows; its
    // distance to the nearest labelled row starts the greedy distances.
    std::vector<LabelSuggestion> cand(open.size());
    std::vector<double> distance(open.size(), 1.0);
    std::vector<std::pair<double, size_t>> sims;
    for (size_t a = 0; a < open.size(); ++a) {
        LabelSuggestion& c = cand[a];
        c.imageId = m.ids[openRows[a]];
        const size_t take = nearest(open[a], labelled, SIZE_MAX, size_t(k), dim, sims);
        std::map<std::string, double> weight;
        double total = 0;
        for (size_t t = 0; t < take; ++t) {
            const double w = std::max(0.0, sims[t].first);
            weight[labels.at(m.ids[labelledRows[sims[t].second]])] += w;
            total += w;
        }
        std::vector<std::pair<double, std::string>> ranked;
        for (const auto& [label, w] : weight) ranked.emplace_back(w, label);
        std::sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) { return x.first > y.first || (x.first == y.first && x.second < y.second); });
        if (total > 0) {
            const double second = ranked.size() > 1 ? ranked[1].first : 0.0;
            c.uncertainty = 1.0 - (ranked[0].first - second) / total;
            c.likely = ranked[0].second;
            if (ranked.size() > 1 && ranked[1].first > 0) c.runnerUp = ranked[1].second;
        }
        if (take > 0) c.novelty = std::clamp((1.0 - sims[0].first) / 2.0, 0.0, 1.0);
        distance[a] = c.novelty;
    }
    const size_t want = top == 0 ? open.size() : std::min(open.size(), size_t(top));
    std::vector<bool> taken(open.size(), false);
    std::vector<LabelSuggestion> out;
    while (out.size() < want) {
        size_t best = SIZE_MAX;
        double bestPriority = -1.0;
        for (size_t a = 0; a < open.size(); ++a) {
            if (taken[a]) continue;
            const double p = cand[a].uncertainty * distance[a];
            if (p > bestPriority || (p == bestPriority && cand[a].imageId < cand[best].imageId)) {
                bestPriority = p;
                best = a;
            }
        }
        taken[best] = true;
        cand[best].priority = bestPriority;
        out.push_back(cand[best]);
        for (size_t a = 0; a < open.size(); ++a)
            if (!taken[a]) distance[a] = std::min(distance[a], std::clamp((1.0 - dot(open[a], open[best], dim)) / 2.0, 0.0, 1.0));
    }
    return out;
}

Result<LabellingPlan> suggestLibraryLabelling(Library& library, int k, int top) {
    LabellingPlan out;
    std::map<int64_t, std::string> labels;
    auto m = mainEmbeddings(library, out.model, labels);
    if (!m) return m.error();
    if (out.model.empty()) return out;
    for (int64_t id : m->ids) (labels.count(id) ? out.labelled : out.unlabelled) += 1;
    auto s = suggestLabelling(*m, labels, k, top);
    if (!s) return s.error();
    out.suggestions = std::move(*s);
    return out;
}

Result<LabelCheck> checkLibraryLabels(Library& library, int k) {
    LabelCheck out;
    std::map<int64_t, std::string> labels;
    auto m = mainEmbeddings(library, out.model, labels);
    if (!m) return m.error();
    if (out.model.empty()) return out;
    for (int64_t id : m->ids) out.labelled += labels.count(id) ? 1 : 0;
    auto doubts = checkLabels(*m, labels, k);
    if (!doubts) return doubts.error();
    out.doubts = std::move(*doubts);
    return out;
}

}  // namespace diffclip
