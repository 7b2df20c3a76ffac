#include "diffclip/indexing/Evaluate.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "diffclip/imaging/Preprocess.h"
#include "diffclip/indexing/Indexer.h"
#include "diffclip/model/Runtime.h"

namespace diffclip {

namespace {

std::string className(const std::string& raw) {
    std::string s = raw;
    std::replace(s.begin(), s.end(), '_', ' ');
    std::replace(s.begin(), s.end(), '-', ' ');
    return s;
}

at::Tensor normalised(const at::Tensor& x) { return x / x.norm(2, -1, true).clamp_min(1e-12); }

}  // namespace

Result<std::vector<float>> classEmbeddings(const LoadedModel& model, const std::vector<std::string>& classes,
                                           const std::vector<std::string>& templates, const ClipModel* encoder) {
    std::vector<ClassPrompt> prompts;
    for (const auto& c : classes) prompts.push_back(ClassPrompt{c, {className(c)}});
    return classEmbeddings(model, prompts, templates, encoder);
}

Result<std::vector<float>> classEmbeddings(const LoadedModel& model, const std::vector<ClassPrompt>& classes,
                                           const std::vector<std::string>& templates, const ClipModel* encoder) {
    if (!model.tokenizer) return makeError(ErrorCode::NotFound, "the model has no tokenizer");
    if (classes.empty()) return makeError(ErrorCode::InvalidArgument, "no classes given");
    if (templates.empty()) return makeError(ErrorCode::InvalidArgument, "no prompt templates given");
    const int64_t L = model.model->config().text.contextLength;
    std::vector<int64_t> ids;
    std::vector<int64_t> perClass;  // prompts of each class
    for (const auto& c : classes) {
        const std::vector<std::string> texts = c.prompts.empty() ? std::vector<std::string>{className(c.name)} : c.prompts;
        int64_t count = 0;
        for (const auto& text : texts) {
            for (const auto& t : templates) {
                std::string prompt = t;
                const auto pos = prompt.find("{}");
                if (pos != std::string::npos) prompt.replace(pos, 2, text);
                auto row = model.tokenizer->row(prompt, L);
                ids.insert(ids.end(), row.begin(), row.end());
                ++count;
            }
        }
        perClass.push_back(count);
    }
    try {
        ClipModel enc = encoder ? *encoder : defaultEncoder(model);
        c10::InferenceMode inference;
        const int64_t total = int64_t(ids.size()) / L;
        at::Tensor tokens = at::tensor(ids, at::kLong).view({total, L});
        std::vector<at::Tensor> parts;
        for (int64_t b = 0; b < total; b += 64)
            parts.push_back(enc->encodeText(tokens.slice(0, b, std::min(total, b + 64)).to(enc->device())).cpu());
        at::Tensor e = normalised(at::cat(parts));
        std::vector<at::Tensor> rows;
        int64_t at0 = 0;
        for (int64_t n : perClass) {
            rows.push_back(normalised(e.slice(0, at0, at0 + n).mean(0)));
            at0 += n;
        }
        at::Tensor out = at::stack(rows).contiguous();
        return std::vector<float>(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("encoding the class prompts failed: ") + e.what());
    }
}

Result<ClassScores> classifyPhoto(const LoadedModel& model, const std::vector<float>& classEmb, size_t classCount,
                                  const std::string& path, const DecodeOptions& decode, const ClipModel* encoder) {
    auto v = embedPhoto(model, path, decode, encoder);
    if (!v) return v.error();
    const int64_t dim = int64_t(v->size());
    if (classCount == 0 || classEmb.size() != classCount * size_t(dim))
        return makeError(ErrorCode::Mismatch, "class embeddings do not match the model");
    at::Tensor img = normalised(at::from_blob(v->data(), {dim}, at::kFloat));
    at::Tensor cls = at::from_blob(const_cast<float*>(classEmb.data()), {int64_t(classCount), dim}, at::kFloat);
    at::Tensor p = at::softmax(at::matmul(cls, img).to(at::kDouble) * model.model->logitScale(), 0);
    ClassScores out;
    out.probabilities.assign(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
    out.best = size_t(std::max_element(out.probabilities.begin(), out.probabilities.end()) - out.probabilities.begin());
    return out;
}

Result<RetrievalQueries> retrievalQueries(Library& library, int64_t modelId, const std::vector<int64_t>* only) {
    auto matrix = library.loadEmbeddings(modelId);
    if (!matrix) return matrix.error();
    auto images = library.listImages();
    if (!images) return images.error();
    auto labels = library.currentLabels();
    if (!labels) return labels.error();
    std::unordered_map<int64_t, const ImageRecord*> byId;
    for (const auto& r : *images) byId[r.id] = &r;
    std::unordered_map<int64_t, const std::string*> labelOf;
    for (const auto& [id, l] : *labels)
        if (!l.empty()) labelOf[id] = &l;

    // Labelled photos with an embedding (within `only`), their label index and content hash.
    std::vector<size_t> rows;
    std::vector<int> label;
    std::vector<std::string> hash, names;
    std::unordered_map<std::string, int> labelIndex;
    for (size_t i = 0; i < matrix->rows(); ++i) {
        const int64_t id = matrix->ids[i];
        if (only && !std::binary_search(only->begin(), only->end(), id)) continue;
        auto l = labelOf.find(id);
        if (l == labelOf.end() || !byId.count(id)) continue;
        auto [it, inserted] = labelIndex.emplace(*l->second, int(names.size()));
        if (inserted) names.push_back(*l->second);
        rows.push_back(i);
        label.push_back(it->second);
        hash.push_back(byId[id]->contentHash);
    }
    RetrievalQueries out;
    if (rows.size() < 2) return out;
    const int64_t n = int64_t(rows.size()), dim = matrix->dim;
    at::Tensor x = at::empty({n, dim}, at::kFloat);
    for (int64_t i = 0; i < n; ++i) std::copy_n(matrix->row(rows[size_t(i)]), dim, x[i].data_ptr<float>());
    x = normalised(x);

    out.queries.reserve(size_t(n));
    const int64_t chunk = 256;
    for (int64_t q0 = 0; q0 < n; q0 += chunk) {
        const int64_t q1 = std::min(n, q0 + chunk);
        at::Tensor scores = at::matmul(x.slice(0, q0, q1), x.t()).contiguous();
        for (int64_t q = q0; q < q1; ++q) {
            const float* s = scores[q - q0].data_ptr<float>();
            std::vector<int64_t> order;
            order.reserve(size_t(n));
            for (int64_t j = 0; j < n; ++j) {
                if (j == q) continue;
                if (!hash[size_t(j)].empty() && hash[size_t(j)] == hash[size_t(q)]) {
                    ++out.excludedDuplicates;
                    continue;
                }
                order.push_back(j);
            }
            std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return s[a] > s[b]; });
            const int c = label[size_t(q)];
            RetrievalQuery row;
            row.imageId = matrix->ids[rows[size_t(q)]];
            row.label = names[size_t(c)];
            row.candidates = int64_t(order.size());
            double ap = 0.0;
            for (size_t r = 0; r < order.size(); ++r) {
                if (label[size_t(order[r])] == c) {
                    ++row.relevant;
                    ap += double(row.relevant) / double(r + 1);
                    if (row.firstHitRank == 0) row.firstHitRank = int64_t(r) + 1;
                }
            }
            row.averagePrecision = row.relevant ? ap / double(row.relevant) : 0.0;
            row.reciprocalRank = row.firstHitRank ? 1.0 / double(row.firstHitRank) : 0.0;
            out.queries.push_back(std::move(row));
        }
    }
    return out;
}

RetrievalReport summariseRetrieval(const RetrievalQueries& rows, const std::vector<int>& ks) {
    RetrievalReport report;
    report.excludedDuplicates = rows.excludedDuplicates;
    std::map<std::string, double> apSum;
    std::map<std::string, std::map<int, int64_t>> hits;
    double apAll = 0.0;
    std::map<int, int64_t> hitsAll;
    for (const RetrievalQuery& q : rows.queries) {
        ++report.classes[q.label].queries;
        apSum[q.label] += q.averagePrecision;
        apAll += q.averagePrecision;
        for (int k : ks) {
            hits[q.label][k] += q.hitAt(k);
            hitsAll[k] += q.hitAt(k);
        }
    }
    for (auto& [name, pc] : report.classes) {
        pc.meanAveragePrecision = apSum[name] / double(pc.queries);
        for (int k : ks) pc.recallAtK[k] = double(hits[name][k]) / double(pc.queries);
    }
    const int64_t n = int64_t(rows.queries.size());
    report.overall.queries = n;
    report.overall.meanAveragePrecision = n ? apAll / double(n) : 0.0;
    for (int k : ks) report.overall.recallAtK[k] = n ? double(hitsAll[k]) / double(n) : 0.0;
    return report;
}

Result<RetrievalReport> evaluateRetrieval(Library& library, const LoadedModel& model, const std::vector<int>& ks) {
    if (ks.empty()) return makeError(ErrorCode::InvalidArgument, "no K given");
    for (int k : ks)
        if (k < 1) return makeError(ErrorCode::InvalidArgument, "K must be positive");
    auto modelId = findModelId(library, model);
    if (!modelId) return modelId.error();
    auto rows = retrievalQueries(library, *modelId);
    if (!rows) return rows.error();
    if (rows->queries.size() < 2)
        return makeError(ErrorCode::NotFound, "the library has fewer than two labelled photos");
    return summariseRetrieval(*rows, ks);
}

}  // namespace diffclip
