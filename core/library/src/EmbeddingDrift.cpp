// Drift of the photos: recent embeddings against earlier ones (EmbeddingDrift.h).
#include "diffclip/library/EmbeddingDrift.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <unordered_map>

#include "diffclip/library/LabelCheck.h"
#include "diffclip/stats/Stats.h"

namespace diffclip {

namespace {

constexpr int64_t kDriftDayMs = 86'400'000;

// Up to `max` of `rows`, drawn without replacement by a seeded partial shuffle, in ascending order.
std::vector<size_t> sample(std::vector<size_t> rows, size_t max, std::mt19937_64& rng) {
    if (rows.size() <= max) return rows;
    for (size_t i = 0; i < max; ++i) {
        std::uniform_int_distribution<size_t> pick(i, rows.size() - 1);
        std::swap(rows[i], rows[pick(rng)]);
    }
    rows.resize(max);
    std::sort(rows.begin(), rows.end());
    return rows;
}

std::vector<float> gather(const EmbeddingMatrix& m, const std::vector<size_t>& rows) {
    std::vector<float> out;
    out.reserve(rows.size() * size_t(m.dim));
    for (size_t r : rows) out.insert(out.end(), m.row(r), m.row(r) + m.dim);
    return out;
}

}  // namespace

Result<EmbeddingDrift> testEmbeddingDrift(const EmbeddingMatrix& m, const std::vector<int64_t>& addedAtMs,
                                          const DriftOptions& o) {
    if (addedAtMs.size() != m.rows() || m.values.size() != m.rows() * size_t(std::max(0, m.dim)))
        return makeError(ErrorCode::InvalidArgument, "drift: one add time per embedding row is needed");
    EmbeddingDrift d;
    int64_t end = o.endMs;
    if (end <= 0)
        for (int64_t t : addedAtMs)
            if (t != INT64_MAX) end = std::max(end, t + 1);
    d.recentToMs = end;
    d.recentFromMs = end - int64_t(std::max(1, o.recentDays)) * kDriftDayMs;
    std::vector<size_t> recent, earlier;
    for (size_t i = 0; i < m.rows(); ++i) {
        if (addedAtMs[i] >= end) continue;
        (addedAtMs[i] >= d.recentFromMs ? recent : earlier).push_back(i);
    }
    d.recent = int64_t(recent.size());
    d.earlier = int64_t(earlier.size());
    if (recent.size() < std::max<size_t>(2, o.minPerSide) || earlier.size() < std::max<size_t>(2, o.minPerSide))
        return d;
    std::mt19937_64 rng(o.seed);
    recent = sample(std::move(recent), o.maxPerSide, rng);
    earlier = sample(std::move(earlier), o.maxPerSide, rng);
    d.recentSampled = int64_t(recent.size());
    d.earlierSampled = int64_t(earlier.size());
    auto t = stats::mmdPermutationTest(gather(m, recent), recent.size(), gather(m, earlier), earlier.size(),
                                       size_t(m.dim), o.permutations, o.seed + 1);
    if (!t) return t.error();
    d.tested = true;
    d.mmd2 = t->mmd2;
    d.bandwidth = t->bandwidth;
    d.pValue = t->pValue;
    d.warning = d.pValue < o.alpha;
    return d;
}

Result<EmbeddingDrift> embeddingDrift(Library& library, const DriftOptions& o) {
    auto model = mainEmbeddingModel(library);
    if (!model) return model.error();
    if (!*model) return EmbeddingDrift{};
    auto m = library.loadEmbeddings((*model)->id);
    if (!m) return m.error();
    auto images = library.listImages();
    if (!images) return images.error();
    std::unordered_map<int64_t, int64_t> added;
    for (const auto& img : *images) added[img.id] = img.addedAtMs;
    // Rows of images no longer listed (none: embeddings go with their image) count as added now.
    std::vector<int64_t> at;
    at.reserve(m->rows());
    for (int64_t id : m->ids) {
        auto it = added.find(id);
        at.push_back(it == added.end() ? INT64_MAX : it->second);
    }
    auto d = testEmbeddingDrift(*m, at, o);
    if (d) d->model = (*model)->name;
    return d;
}

}  // namespace diffclip
