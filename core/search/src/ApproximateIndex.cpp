#include "diffclip/search/ApproximateIndex.h"

#include <algorithm>
#include <cmath>
#include <random>

#ifdef DIFFCLIP_HAVE_FAISS
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#endif

namespace diffclip {

#ifdef DIFFCLIP_HAVE_FAISS

namespace {

// FAISS labels are row positions; the selector reads the caller's allow-list over them.
struct FilterSelector final : faiss::IDSelector {
    explicit FilterSelector(const Filter& f) : filter(f) {}
    bool is_member(idx_t id) const override { return id >= 0 && filter.allows(static_cast<size_t>(id)); }
    const Filter& filter;
};

bool normaliseRows(std::vector<float>& rows, size_t n, int dim) {
    for (size_t i = 0; i < n; ++i) {
        float* r = rows.data() + i * size_t(dim);
        double s = 0;
        for (int d = 0; d < dim; ++d) s += double(r[d]) * r[d];
        if (!std::isfinite(s) || s <= 0) return false;
        const float inv = float(1.0 / std::sqrt(s));
        for (int d = 0; d < dim; ++d) r[d] *= inv;
    }
    return true;
}

}  // namespace

struct ApproximateIndex::Impl {
    std::unique_ptr<faiss::IndexFlatIP> quantizer;
    std::unique_ptr<faiss::IndexIVFScalarQuantizer> index;
    std::vector<int64_t> ids;
    int dim = 0;
    size_t nprobe = 1;
};

ApproximateIndex::ApproximateIndex() : m_impl(std::make_unique<Impl>()) {}
ApproximateIndex::~ApproximateIndex() = default;

bool ApproximateIndex::available() { return true; }

Status ApproximateIndex::build(const float* rows, size_t n, int dim, const int64_t* ids, const Options& options) {
    if (n < 1 || rows == nullptr || ids == nullptr) return makeError(ErrorCode::InvalidArgument, "no rows to index");
    if (dim < 1 || dim > 65536) return makeError(ErrorCode::InvalidArgument, "embedding dimension must be 1..65536");
    std::vector<float> data(rows, rows + n * size_t(dim));
    if (!normaliseRows(data, n, dim))
        return makeError(ErrorCode::InvalidArgument, "a row is zero or not finite and cannot be normalised");

    size_t nlist = options.nlist ? options.nlist : size_t(2.0 * std::sqrt(double(n)));
    nlist = std::clamp<size_t>(nlist, 1, std::max<size_t>(1, n / 39));
    const size_t nprobe = std::min(nlist, options.nprobe ? options.nprobe : std::max<size_t>(16, nlist / 32));
    const size_t trainRows = std::min(n, options.trainRows ? options.trainRows : 40 * nlist);

    // Training sample: a seeded random subset, so the lists do not follow insertion order.
    std::vector<float> train;
    if (trainRows < n) {
        std::vector<size_t> pick(n);
        for (size_t i = 0; i < n; ++i) pick[i] = i;
        std::mt19937_64 rng(options.seed);
        for (size_t i = 0; i < trainRows; ++i) std::swap(pick[i], pick[i + rng() % (n - i)]);
        train.resize(trainRows * size_t(dim));
        for (size_t i = 0; i < trainRows; ++i)
            std::copy_n(data.data() + pick[i] * size_t(dim), dim, train.data() + i * size_t(dim));
    }
    auto fresh = std::make_unique<Impl>();
    try {
        fresh->quantizer = std::make_unique<faiss::IndexFlatIP>(dim);
        fresh->index = std::make_unique<faiss::IndexIVFScalarQuantizer>(
            fresh->quantizer.get(), size_t(dim), nlist, faiss::ScalarQuantizer::QT_8bit, faiss::METRIC_INNER_PRODUCT,
            false);
        fresh->index->cp.seed = int(options.seed & 0x7fffffff);
        fresh->index->cp.niter = 10;  // coarse lists need no converged k-means; build time matters
        fresh->index->train(faiss::Index::idx_t(trainRows), train.empty() ? data.data() : train.data());
        std::vector<faiss::Index::idx_t> positions(n);
        for (size_t i = 0; i < n; ++i) positions[i] = faiss::Index::idx_t(i);
        fresh->index->add_with_ids(faiss::Index::idx_t(n), data.data(), positions.data());
    } catch (const faiss::FaissException& e) {
        return makeError(ErrorCode::Internal, std::string("building the approximate index failed: ") + e.what());
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "not enough memory for the approximate index");
    }
    fresh->ids.assign(ids, ids + n);
    fresh->dim = dim;
    fresh->nprobe = nprobe;
    m_impl = std::move(fresh);
    return {};
}

Result<std::vector<Hit>> ApproximateIndex::search(const float* query, size_t k, const Filter* allow) const {
    const Impl& m = *m_impl;
    if (!m.index) return makeError(ErrorCode::InvalidArgument, "the approximate index is empty");
    if (query == nullptr) return makeError(ErrorCode::InvalidArgument, "no query");
    std::vector<float> q(query, query + m.dim);
    if (!normaliseRows(q, 1, m.dim)) return makeError(ErrorCode::InvalidArgument, "the query is zero or not finite");
    k = std::min(k, m.ids.size());
    std::vector<Hit> out;
    if (k == 0) return out;
    std::vector<float> scores(k);
    std::vector<faiss::Index::idx_t> labels(k);
    faiss::SearchParametersIVF params;
    params.nprobe = m.nprobe;
    std::unique_ptr<FilterSelector> selector;
    if (allow) {
        selector = std::make_unique<FilterSelector>(*allow);
        params.sel = selector.get();
    }
    try {
        m.index->search(1, q.data(), faiss::Index::idx_t(k), scores.data(), labels.data(), &params);
    } catch (const faiss::FaissException& e) {
        return makeError(ErrorCode::Internal, std::string("approximate search failed: ") + e.what());
    }
    for (size_t i = 0; i < k; ++i) {
        if (labels[i] < 0) break;  // fewer allowed rows in the visited lists
        out.push_back(Hit{m.ids[size_t(labels[i])], scores[i]});
    }
    return out;
}

int ApproximateIndex::dim() const { return m_impl->dim; }
size_t ApproximateIndex::size() const { return m_impl->ids.size(); }
size_t ApproximateIndex::nlist() const { return m_impl->index ? m_impl->index->nlist : 0; }
size_t ApproximateIndex::nprobe() const { return m_impl->nprobe; }
void ApproximateIndex::setNprobe(size_t nprobe) { m_impl->nprobe = std::clamp<size_t>(nprobe, 1, std::max<size_t>(1, nlist())); }
size_t ApproximateIndex::memoryBytes() const {
    if (!m_impl->index) return 0;
    // One byte per dimension per row, the list ids, and the centroids.
    return m_impl->ids.size() * (size_t(m_impl->dim) + 2 * sizeof(int64_t)) +
           m_impl->index->nlist * size_t(m_impl->dim) * sizeof(float);
}

#else  // no FAISS

struct ApproximateIndex::Impl {};
ApproximateIndex::ApproximateIndex() : m_impl(std::make_unique<Impl>()) {}
ApproximateIndex::~ApproximateIndex() = default;
bool ApproximateIndex::available() { return false; }
Status ApproximateIndex::build(const float*, size_t, int, const int64_t*, const Options&) {
    return makeError(ErrorCode::Unsupported, "this build has no approximate index (FAISS was not found)");
}
Result<std::vector<Hit>> ApproximateIndex::search(const float*, size_t, const Filter*) const {
    return makeError(ErrorCode::Unsupported, "this build has no approximate index (FAISS was not found)");
}
int ApproximateIndex::dim() const { return 0; }
size_t ApproximateIndex::size() const { return 0; }
size_t ApproximateIndex::nlist() const { return 0; }
size_t ApproximateIndex::nprobe() const { return 0; }
void ApproximateIndex::setNprobe(size_t) {}
size_t ApproximateIndex::memoryBytes() const { return 0; }

#endif

}  // namespace diffclip
