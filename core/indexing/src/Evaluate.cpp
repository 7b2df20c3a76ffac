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
                                           const std::vector<std::string>& templates) {
    std::vector<ClassPrompt> prompts;
    for (const auto& c : classes) prompts.push_back(ClassPrompt{c, {className(c)}});
    return classEmbeddings(model, prompts, templates);
}

Result<std::vector<float>> classEmbeddings(const LoadedModel& model, const std::vector<ClassPrompt>& classes,
                                           const std::vector<std::string>& templates) {
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
        ClipModel enc = defaultEncoder(model);
        c10::InferenceMode inference;
        const int64_t total = int64_t(ids.size()) / L;
        at::Tensor tokens = at::tensor(ids, at::kLong).view({total, L});
        std::vector<at::Tensor> parts;
        for (int64_t b = 0; b < total; b += 64) parts.push_back(enc->encodeText(tokens.slice(0, b, std::min(total, b + 64))));
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

Result<RetrievalReport> evaluateRetrieval(Library& library, const LoadedModel& model, const std::vector<int>& ks) {
    if (ks.empty()) return makeError(ErrorCode::InvalidArgument, "no K given");
    for (int k : ks)
        if (k < 1) return makeError(ErrorCode::InvalidArgument, "K must be positive");
    auto modelId = findModelId(library, model);
    if (!modelId) return modelId.error();
    auto matrix = library.loadEmbeddings(*modelId);
    if (!matrix) return matrix.error();
    auto images = library.listImages();
    if (!images) return images.error();
    std::unordered_map<int64_t, const ImageRecord*> byId;
    for (const auto& r : *images) byId[r.id] = &r;

    // Labelled photos with an embedding, their label index and content hash.
    std::vector<size_t> rows;
    std::vector<int> label;
    std::vector<std::string> hash, names;
    std::unordered_map<std::string, int> labelIndex;
    for (size_t i = 0; i < matrix->rows(); ++i) {
        auto l = library.label(matrix->ids[i]);
        if (!l || l->empty() || !byId.count(matrix->ids[i])) continue;
        auto [it, inserted] = labelIndex.emplace(*l, int(names.size()));
        if (inserted) names.push_back(*l);
        rows.push_back(i);
        label.push_back(it->second);
        hash.push_back(byId[matrix->ids[i]]->contentHash);
    }
    if (rows.size() < 2) return makeError(ErrorCode::NotFound, "the library has fewer than two labelled photos");
    const int64_t n = int64_t(rows.size()), dim = matrix->dim;
    at::Tensor x = at::empty({n, dim}, at::kFloat);
    for (int64_t i = 0; i < n; ++i) std::copy_n(matrix->row(rows[size_t(i)]), dim, x[i].data_ptr<float>());
    x = normalised(x);

    RetrievalReport report;
    std::vector<RetrievalReport::PerClass> perClass(names.size());
    std::vector<double> apSum(names.size(), 0.0);
    double apAll = 0.0;
    std::map<int, int64_t> hitsAll;
    std::vector<std::map<int, int64_t>> hitsClass(names.size());
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
                    ++report.excludedDuplicates;
                    continue;
                }
                order.push_back(j);
            }
            std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return s[a] > s[b]; });
            const int c = label[size_t(q)];
            int64_t relevant = 0;
            double ap = 0.0;
            int64_t firstHit = -1;
            for (size_t r = 0; r < order.size(); ++r) {
                if (label[size_t(order[r])] == c) {
                    ++relevant;
                    ap += double(relevant) / double(r + 1);
                    if (firstHit < 0) firstHit = int64_t(r);
                }
            }
            ap = relevant ? ap / double(relevant) : 0.0;
            apAll += ap;
            apSum[size_t(c)] += ap;
            ++perClass[size_t(c)].queries;
            for (int k : ks) {
                const bool hit = firstHit >= 0 && firstHit < k;
                hitsAll[k] += hit;
                hitsClass[size_t(c)][k] += hit;
            }
        }
    }
    for (size_t c = 0; c < names.size(); ++c) {
        auto& pc = perClass[c];
        pc.meanAveragePrecision = pc.queries ? apSum[c] / double(pc.queries) : 0.0;
        for (int k : ks) pc.recallAtK[k] = pc.queries ? double(hitsClass[c][k]) / double(pc.queries) : 0.0;
        report.classes[names[c]] = pc;
    }
    report.overall.queries = n;
    report.overall.meanAveragePrecision = apAll / double(n);
    for (int k : ks) report.overall.recallAtK[k] = double(hitsAll[k]) / double(n);
    return report;
}

}  // namespace diffclip
