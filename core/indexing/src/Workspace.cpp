#include "diffclip/indexing/Workspace.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <cmath>
#include <mutex>
#include <unordered_map>

#include "diffclip/base/EnumNames.h"
#include "diffclip/formats/Json.h"
#include "diffclip/imaging/Preprocess.h"
#include "diffclip/indexing/Evaluate.h"
#include "diffclip/indexing/Indexer.h"
#include "diffclip/model/Precision.h"
#include "diffclip/model/Runtime.h"
#include "diffclip/search/ApproximateIndex.h"
#include "diffclip/search/ExactIndex.h"

namespace diffclip {

constexpr EnumName<IndexKind> kIndexKindNames[] = {
    {IndexKind::Auto, "auto"}, {IndexKind::Exact, "exact"}, {IndexKind::Approximate, "approximate"}};
static_assert(namesEveryValue(kIndexKindNames, IndexKind::Approximate));

const char* indexKindName(IndexKind kind) { return enumName(kIndexKindNames, kind, "auto"); }

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

bool filterIsEmpty(const ImageFilter& f) {
    return f.label.empty() && f.dateFrom.empty() && f.dateTo.empty() && f.where.empty() && !f.status;
}

float dot(const float* a, const float* b, int dim) {
    double s = 0;
    for (int d = 0; d < dim; ++d) s += double(a[d]) * b[d];
    return float(s);
}

}  // namespace

struct Workspace::Impl {
    std::string libraryPath;
    std::string spec;
    WorkspaceOptions options;
    LoadedModel model;
    ClipModel encoder{nullptr};  // `model` on its device in its precision
    std::string precision;       // embeddingPrecision(encoder)
    std::string precisionNote;   // why (EncoderChoice::note)
    std::optional<double> int8CheckCosine;
    std::string fingerprint;
    std::atomic<int64_t> modelId{0};

    std::mutex writeMutex;  // guards `writer`
    Library writer;
    std::mutex searchMutex;  // guards `reader` and the cache below
    Library reader;

    // The search cache: the active model's embeddings (L2-normalised rows) and an index over them.
    bool cacheValid = false;
    int64_t cachedDataVersion = -1;
    Library::EmbeddingStamp stamp;
    EmbeddingMatrix matrix;
    std::unordered_map<int64_t, size_t> rowOf;
    std::unique_ptr<ExactIndex> exact;
    std::unique_ptr<ApproximateIndex> approx;
    std::vector<float> nnScores;  // the library's nearest-neighbour cosines, sorted
    int64_t notEmbedded = 0;
    IndexKind lastKind = IndexKind::Exact;

    Impl(Library w, Library r) : writer(std::move(w)), reader(std::move(r)) {}

    Status refreshCache();
    // Whether queries this encoder embeds may be compared with the stored embeddings.
    Status queryPrecisionFits();
    Result<SearchResult> search(const std::vector<float>& query, const SearchOptions& options, const ImageFilter& filter,
                                bool isImageQuery, int64_t exclude, Clock::time_point t0);
};

Workspace::Workspace(std::unique_ptr<Impl> impl) : m(std::move(impl)) {}
Workspace::~Workspace() = default;

Result<std::unique_ptr<Workspace>> Workspace::open(const std::string& libraryPath, const std::string& modelSpec,
                                                   const WorkspaceOptions& options, const JobControl& job) {
    if (options.batchSize < 1 || options.batchSize > 4096)
        return makeError(ErrorCode::InvalidArgument, "batch size must be 1..4096");
    auto writer = Library::open(libraryPath, options.library);
    if (!writer) return writer.error();
    LibraryOptions readOptions = options.library;
    readOptions.create = false;
    auto reader = Library::open(libraryPath, readOptions);
    if (!reader) return reader.error();

    std::string spec = modelSpec;
    if (spec.empty()) {
        auto active = writer->setting("active_model");
        if (!active) return active.error();
        spec = *active;
        if (spec.empty()) {
            auto models = writer->models();
            if (!models) return models.error();
            if (models->empty())
                return makeError(ErrorCode::NotFound, "the library has no photos indexed yet: choose a model");
            spec = models->front().name;
        }
    }
    job.progress.stage("load");
    LoadOptions lo;
    lo.checksums = true;  // the fingerprint binds embeddings to these exact weights
    lo.tokenizerPath = options.tokenizer;
    auto model = loadModel(spec, lo);
    if (!model) return model.error();
    if (job.cancel.cancelled()) return CancelToken::error("opening the library");

    auto device = parseDevice(options.device);
    if (!device) return device.error();
    auto choice = prepareEncoder(model->model, *device, options.dtype, options.threads);
    if (!choice) return choice.error();

    auto impl = std::make_unique<Impl>(std::move(*writer), std::move(*reader));
    impl->libraryPath = libraryPath;
    impl->spec = spec;
    impl->options = options;
    impl->model = std::move(*model);
    impl->fingerprint = modelFingerprint(impl->model);
    impl->encoder = choice->encoder;
    impl->precision = embeddingPrecision(impl->encoder);
    impl->precisionNote = choice->note;
    if (choice->int8Check) impl->int8CheckCosine = choice->int8Check->minimum();
    auto id = findModelId(impl->writer, impl->model);
    if (id) impl->modelId = *id;
    else if (id.error().code != ErrorCode::NotFound) return id.error();
    // The last point before anything is written.
    if (job.cancel.cancelled()) return CancelToken::error("opening the library");
    // The model chosen here becomes the library's active model. A library that cannot be written
    // (read-only file, full disk) keeps its own and can still be searched: writes report the error.
    if (!options.library.readOnly) (void)impl->writer.setSetting("active_model", spec);
    {
        // Load the embeddings and build the index now, so that the first search is as quick as
        // the others (the application opens a workspace as a job, before anyone searches).
        job.progress.stage("cache");
        std::lock_guard<std::mutex> lock(impl->searchMutex);
        if (Status s = impl->refreshCache(); !s) return s.error();
    }
    return std::unique_ptr<Workspace>(new Workspace(std::move(impl)));
}

const std::string& Workspace::libraryPath() const { return m->libraryPath; }
const std::string& Workspace::modelSpec() const { return m->spec; }
const WorkspaceOptions& Workspace::options() const { return m->options; }
int64_t Workspace::modelId() const { return m->modelId.load(); }
const std::string& Workspace::precision() const { return m->precision; }
const std::string& Workspace::precisionNote() const { return m->precisionNote; }
std::optional<double> Workspace::int8CheckCosine() const { return m->int8CheckCosine; }

Status Workspace::Impl::queryPrecisionFits() {
    std::lock_guard<std::mutex> lock(searchMutex);
    return checkEmbeddingPrecision(reader, model, precision);
}

IndexKind Workspace::lastIndexKind() const {
    std::lock_guard<std::mutex> lock(m->searchMutex);
    return m->lastKind;
}

Result<IndexSummary> Workspace::index(const std::vector<std::string>& paths, const IndexOptions& options) {
    std::lock_guard<std::mutex> lock(m->writeMutex);
    IndexOptions o = options;
    if (o.batchSize == IndexOptions{}.batchSize) o.batchSize = m->options.batchSize;
    auto summary = indexPhotos(m->writer, m->model, paths, o, &m->encoder);
    auto id = findModelId(m->writer, m->model);
    if (id) m->modelId = *id;
    return summary;
}

Result<IndexSummary> Workspace::reembed(const IndexOptions& options) {
    std::lock_guard<std::mutex> lock(m->writeMutex);
    const ModelConfig& cfg = m->model.model->config();
    auto id = m->writer.ensureModel(m->model.source, m->fingerprint, dumpJson(cfg.toJson()), int(cfg.embedDim));
    if (!id) return id.error();
    m->modelId = *id;
    auto missing = m->writer.imagesWithoutEmbedding(*id);
    if (!missing) return missing.error();
    IndexSummary summary;
    if (missing->empty()) return summary;
    std::vector<std::string> paths;
    paths.reserve(missing->size());
    for (const auto& r : *missing) paths.push_back(r.path);
    IndexOptions o = options;
    o.labelsFromFolders = false;  // labels already stored stay as they are
    o.metadataCsv.clear();
    if (o.batchSize == IndexOptions{}.batchSize) o.batchSize = m->options.batchSize;
    // A library photo whose file is gone has no path to collect: record it as failed rather
    // than leaving it waiting for an embedding forever.
    std::vector<std::string> present;
    for (const auto& r : *missing) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(r.path, ec)) {
            present.push_back(r.path);
        } else {
            const std::string reason = "the file is no longer there";
            if (Status s = m->writer.recordFailure(r.path, r.size, r.mtimeNs, reason, FailureCode::Missing); !s)
                return s.error();
            ++summary.failed;
            summary.failures.push_back(FailedFile{r.path, r.size, r.mtimeNs, reason, FailureCode::Missing});
        }
    }
    if (present.empty()) return summary;
    auto done = indexPhotos(m->writer, m->model, present, o, &m->encoder);
    if (!done) return done.error();
    done->failed += summary.failed;
    done->failures.insert(done->failures.end(), summary.failures.begin(), summary.failures.end());
    return done;
}

Result<int64_t> Workspace::notEmbeddedCount() {
    std::lock_guard<std::mutex> lock(m->searchMutex);
    if (Status s = m->refreshCache(); !s) return s.error();
    return m->notEmbedded;
}

Status Workspace::Impl::refreshCache() {
    auto version = reader.dataVersion();
    if (!version) return version.error();
    if (cacheValid && *version == cachedDataVersion) return {};
    if (modelId.load() == 0) {
        auto id = findModelId(reader, model);
        if (id) modelId = *id;
        else if (id.error().code != ErrorCode::NotFound) return id.error();
    }
    const int64_t mid = modelId.load();
    if (mid == 0) {
        auto all = reader.listImageIds(ImageFilter{{}, {}, {}, {}, ImageStatus::Ok});
        if (!all) return all.error();
        matrix = EmbeddingMatrix{};
        rowOf.clear();
        exact.reset();
        approx.reset();
        nnScores.clear();
        notEmbedded = int64_t(all->size());
        cachedDataVersion = *version;
        cacheValid = true;
        return {};
    }
    auto missing = reader.imagesWithoutEmbedding(mid);
    if (!missing) return missing.error();
    notEmbedded = int64_t(missing->size());
    auto newStamp = reader.embeddingStamp(mid);
    if (!newStamp) return newStamp.error();
    cachedDataVersion = *version;
    if (cacheValid && *newStamp == stamp) return {};

    auto loaded = reader.loadEmbeddings(mid);
    if (!loaded) return loaded.error();
    matrix = std::move(*loaded);
    stamp = *newStamp;
    rowOf.clear();
    for (size_t i = 0; i < matrix.rows(); ++i) {
        rowOf[matrix.ids[i]] = i;
        float* r = matrix.values.data() + i * size_t(matrix.dim);
        const float n = std::sqrt(std::max(dot(r, r, matrix.dim), 1e-30f));
        for (int d = 0; d < matrix.dim; ++d) r[d] /= n;
    }
    exact.reset();
    approx.reset();
    nnScores.clear();
    if (matrix.rows() > 0) {
        const bool wantApprox =
            options.index == IndexKind::Approximate ||
            (options.index == IndexKind::Auto && int64_t(matrix.rows()) >= options.approximateFrom);
        if (wantApprox) {
            ApproximateIndex::Options ao;
            ao.keepExact = false;  // the normalised matrix above re-ranks: no second fp32 copy
            approx = std::make_unique<ApproximateIndex>();
            if (Status s = approx->build(matrix.values.data(), matrix.rows(), matrix.dim, matrix.ids.data(), ao); !s)
                return s;
        } else {
            ExactIndex::Options eo;
            eo.keepExact = false;  // the normalised matrix above re-ranks: no second fp32 copy
            exact = std::make_unique<ExactIndex>(eo);
            if (Status s = exact->reset(matrix.dim); !s) return s;
            if (Status s = exact->add(matrix.values.data(), matrix.rows(), matrix.ids.data()); !s) return s;
        }
        // The library's own nearest-neighbour scores (sampled photos against all the others):
        // they calibrate the confidence test and the near-duplicate threshold (docs/SEARCH.md).
        if (matrix.rows() >= 10) {
            const size_t samples = std::min<size_t>(matrix.rows(), 500);
            std::vector<size_t> sampleRows(samples);
            std::vector<float> queries(samples * size_t(matrix.dim));
            for (size_t s = 0; s < samples; ++s) {
                sampleRows[s] = s * matrix.rows() / samples;
                std::copy_n(matrix.row(sampleRows[s]), matrix.dim, queries.data() + s * size_t(matrix.dim));
            }
            // The exact index answers 64 samples per pass over the rows.
            std::vector<std::vector<Hit>> found(samples);
            if (exact) {
                for (size_t s0 = 0; s0 < samples; s0 += 64) {
                    const size_t nq = std::min<size_t>(64, samples - s0);
                    auto batch = exact->searchBatch(queries.data() + s0 * size_t(matrix.dim), nq, 8);
                    if (!batch) return batch.error();
                    std::move(batch->begin(), batch->end(), found.begin() + long(s0));
                }
            } else {
                for (size_t s = 0; s < samples; ++s) {
                    auto hits = approx->search(matrix.row(sampleRows[s]), 8);
                    if (!hits) return hits.error();
                    found[s] = std::move(*hits);
                }
            }
            for (size_t s = 0; s < samples; ++s) {
                const size_t row = sampleRows[s];
                float best = -2.0f;
                for (const auto& h : found[s])
                    if (h.id != matrix.ids[row]) best = std::max(best, dot(matrix.row(row), matrix.row(rowOf[h.id]), matrix.dim));
                if (best > -2.0f) nnScores.push_back(best);
            }
            std::sort(nnScores.begin(), nnScores.end());
        }
    }
    cacheValid = true;
    return {};
}

Result<SearchResult> Workspace::Impl::search(const std::vector<float>& query, const SearchOptions& options,
                                             const ImageFilter& filter, bool isImageQuery, int64_t exclude,
                                             Clock::time_point t0) {
    const int k = options.k;
    if (k < 1 || k > 10000) return makeError(ErrorCode::InvalidArgument, "top-K must be 1..10000");
    const auto searchStart = Clock::now();
    std::lock_guard<std::mutex> lock(searchMutex);
    if (Status s = refreshCache(); !s) return s.error();
    SearchResult result;
    result.notEmbedded = notEmbedded;
    if (matrix.rows() == 0) {
        result.seconds = secondsSince(t0);
        result.searchSeconds = secondsSince(searchStart);
        return result;
    }
    if (int(query.size()) != matrix.dim)
        return makeError(ErrorCode::Mismatch, "the query embedding does not match the library's embeddings");

    std::unique_ptr<Filter> allow;
    if (!filterIsEmpty(filter) || exclude != 0) {
        allow = std::make_unique<Filter>(matrix.rows(), false);
        if (filterIsEmpty(filter)) {
            allow = std::make_unique<Filter>(matrix.rows(), true);
            result.searched = int64_t(matrix.rows());
        } else {
            auto ids = reader.listImageIds(filter);
            if (!ids) return ids.error();
            for (int64_t id : *ids) {
                auto it = rowOf.find(id);
                if (it != rowOf.end()) {
                    allow->set(it->second);
                    ++result.searched;
                }
            }
        }
        if (auto it = rowOf.find(exclude); it != rowOf.end() && allow->allows(it->second)) {
            allow->set(it->second, false);
            --result.searched;
        }
    } else {
        result.searched = int64_t(matrix.rows());
    }

    if (options.nearDuplicateCosine > 0) {
        result.nearDuplicateThreshold = options.nearDuplicateCosine;
    } else if (!nnScores.empty()) {
        // Near-duplicates are ten times closer than a typical nearest neighbour (median).
        const double median = nnScores[nnScores.size() / 2];
        result.nearDuplicateThreshold = 1.0 - 0.1 * std::max(0.0, 1.0 - median);
    }

    // Candidates by the index's (quantised) scores, re-ranked with the normalised fp32 rows;
    // more than k so that near-duplicates folded into groups still leave k groups.
    const size_t fetch = size_t(k) * 4 + 8;
    std::vector<float> q = query;
    const float qn = std::sqrt(std::max(dot(q.data(), q.data(), int(q.size())), 1e-30f));
    for (auto& x : q) x /= qn;
    auto candidates = exact ? exact->search(q.data(), std::max<size_t>(fetch * 2, 64), allow.get())
                            : approx->search(q.data(), std::max<size_t>(fetch * 2, 64), allow.get());
    if (!candidates) return candidates.error();
    lastKind = exact ? IndexKind::Exact : IndexKind::Approximate;
    result.index = indexKindName(lastKind);
    for (auto& h : *candidates) h.score = dot(q.data(), matrix.row(rowOf.at(h.id)), matrix.dim);
    std::stable_sort(candidates->begin(), candidates->end(), [](const Hit& a, const Hit& b) { return a.score > b.score; });
    if (candidates->size() > fetch) candidates->resize(fetch);

    for (const auto& h : *candidates) {
        auto image = reader.imageById(h.id);
        if (!image) {
            if (image.error().code == ErrorCode::NotFound) continue;  // removed since the cache was built
            return image.error();
        }
        SearchHit hit;
        hit.image = std::move(*image);
        hit.score = h.score;
        auto label = reader.label(h.id);
        if (label) hit.label = *label;
        // Greedy grouping in score order: a hit joins the first group whose leader is the same
        // file or alike beyond the threshold.
        SearchHit* group = nullptr;
        for (auto& leader : result.hits) {
            const bool sameFile = !hit.image.contentHash.empty() && hit.image.contentHash == leader.image.contentHash;
            if (sameFile || dot(matrix.row(rowOf.at(leader.image.id)), matrix.row(rowOf.at(h.id)), matrix.dim) >=
                                result.nearDuplicateThreshold) {
                group = &leader;
                break;
            }
        }
        if (group) group->nearDuplicates.push_back(std::move(hit));
        else if (result.hits.size() < size_t(k)) result.hits.push_back(std::move(hit));
    }
    // Confidence: a query is a confident match when its best score reaches the 5th percentile
    // of the library's nearest-neighbour scores.
    if (isImageQuery && !nnScores.empty() && !result.hits.empty()) {
        result.threshold = nnScores[size_t(double(nnScores.size() - 1) * 0.05)];
        result.confident = result.hits.front().score >= result.threshold;
    }
    result.seconds = secondsSince(t0);
    result.searchSeconds = secondsSince(searchStart);
    return result;
}

Result<SearchResult> Workspace::searchPhoto(const std::string& path, const SearchOptions& options,
                                            const ImageFilter& filter) {
    const auto t0 = Clock::now();
    if (Status s = m->queryPrecisionFits(); !s) return s.error();
    EmbedTiming timing;
    auto v = embedPhoto(m->model, path, DecodeOptions{}, &m->encoder, &timing);
    if (!v) return v.error();
    auto r = m->search(*v, options, filter, true, 0, t0);
    if (r) {
        r->decodeSeconds = timing.decodeSeconds;
        r->encodeSeconds = timing.encodeSeconds;
    }
    return r;
}

Result<SearchResult> Workspace::searchLibraryPhoto(int64_t imageId, const SearchOptions& options,
                                                   const ImageFilter& filter) {
    const auto t0 = Clock::now();
    EmbedTiming timing;  // stays zero when the stored embedding is used
    std::vector<float> v;
    {
        std::lock_guard<std::mutex> lock(m->searchMutex);
        if (Status s = m->refreshCache(); !s) return s.error();
        auto it = m->rowOf.find(imageId);
        if (it != m->rowOf.end()) v.assign(m->matrix.row(it->second), m->matrix.row(it->second) + m->matrix.dim);
    }
    if (v.empty()) {
        // Not embedded by this model yet: embed the file now.
        std::string path;
        {
            std::lock_guard<std::mutex> lock(m->searchMutex);
            auto image = m->reader.imageById(imageId);
            if (!image) return image.error();
            path = image->path;
        }
        if (Status s = m->queryPrecisionFits(); !s) return s.error();
        auto e = embedPhoto(m->model, path, DecodeOptions{}, &m->encoder, &timing);
        if (!e) return e.error();
        v = std::move(*e);
    }
    auto r = m->search(v, options, filter, true, imageId, t0);
    if (r) {
        r->decodeSeconds = timing.decodeSeconds;
        r->encodeSeconds = timing.encodeSeconds;
    }
    return r;
}

Result<SearchResult> Workspace::searchText(const std::string& text, const SearchOptions& options,
                                           const ImageFilter& filter) {
    const auto t0 = Clock::now();
    if (text.empty()) return makeError(ErrorCode::InvalidArgument, "the search text is empty");
    if (Status s = m->queryPrecisionFits(); !s) return s.error();
    auto v = embedText(m->model, text, &m->encoder);
    if (!v) return v.error();
    const double encodeSeconds = secondsSince(t0);
    auto r = m->search(*v, options, filter, false, 0, t0);
    if (r) r->encodeSeconds = encodeSeconds;
    return r;
}

Result<AutoTagSummary> Workspace::autoTag(const AutoTagOptions& options) {
    const auto t0 = Clock::now();
    if (options.classes.size() < 2) return makeError(ErrorCode::InvalidArgument, "at least two classes are needed");
    if (options.minConfidence < 0 || options.minConfidence > 1)
        return makeError(ErrorCode::InvalidArgument, "the minimum confidence must be between 0 and 1");
    std::lock_guard<std::mutex> lock(m->writeMutex);
    const auto templates = options.templates.empty() ? defaultPromptTemplates() : options.templates;
    if (Status s = checkEmbeddingPrecision(m->writer, m->model, m->precision); !s) return s.error();
    auto classEmb = classEmbeddings(m->model, options.classes, templates, &m->encoder);
    if (!classEmb) return classEmb.error();
    AutoTagSummary summary;
    const int64_t mid = m->modelId.load();
    if (mid == 0) {
        auto all = m->writer.listImageIds(ImageFilter{{}, {}, {}, {}, ImageStatus::Ok});
        if (!all) return all.error();
        summary.notEmbedded = int64_t(all->size());
        return summary;
    }
    auto missing = m->writer.imagesWithoutEmbedding(mid);
    if (!missing) return missing.error();
    summary.notEmbedded = int64_t(missing->size());
    auto matrix = m->writer.loadEmbeddings(mid);
    if (!matrix) return matrix.error();
    const size_t classes = options.classes.size();
    const int dim = matrix->dim;
    if (classEmb->size() != classes * size_t(dim))
        return makeError(ErrorCode::Mismatch, "class embeddings do not match the library's embeddings");
    const double scale = m->model.model->logitScale();
    const int64_t total = int64_t(matrix->rows());
    const int64_t batch = 500;
    options.job.progress.stage("tag", total);
    for (int64_t b = 0; b < total; b += batch) {
        auto tx = m->writer.begin();
        if (!tx) return tx.error();
        for (int64_t i = b; i < std::min(total, b + batch); ++i) {
            const int64_t id = matrix->ids[size_t(i)];
            if (options.onlyUnlabelled) {
                auto current = m->writer.label(id);
                if (!current) return current.error();
                if (!current->empty()) {
                    ++summary.skipped;
                    continue;
                }
            }
            const float* v = matrix->row(size_t(i));
            const double norm = std::sqrt(std::max(double(dot(v, v, dim)), 1e-30));
            std::vector<double> logits(classes);
            for (size_t c = 0; c < classes; ++c) logits[c] = scale * dot(v, classEmb->data() + c * size_t(dim), dim) / norm;
            const double top = *std::max_element(logits.begin(), logits.end());
            double sum = 0;
            for (auto& l : logits) sum += (l = std::exp(l - top));
            const size_t best = size_t(std::max_element(logits.begin(), logits.end()) - logits.begin());
            const double p = logits[best] / sum;
            if (p < options.minConfidence) {
                ++summary.skipped;
                continue;
            }
            if (Status s = m->writer.setLabel(id, options.classes[best].name, LabelSource::ZeroShot, p); !s)
                return s.error();
            ++summary.tagged;
        }
        if (Status s = tx->commit(); !s) return s.error();
        const int64_t done = std::min(total, b + batch);
        options.job.progress.update(done);
        if (options.job.cancel.cancelled())
            return makeError(ErrorCode::Cancelled, "auto-tagging cancelled after " + std::to_string(done) + " of " +
                                                       std::to_string(total) + " photos; their labels are stored");
    }
    summary.seconds = secondsSince(t0);
    return summary;
}

}  // namespace diffclip
