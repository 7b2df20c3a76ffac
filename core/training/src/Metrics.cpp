// Evaluation on the validation split: accuracy, balanced accuracy, per-class figures, confusion,
// image->image recall.
#include "TrainInternal.h"

#include <limits>

namespace diffclip {

double balancedAccuracy(const std::vector<std::vector<int64_t>>& confusion) {
    double sum = 0.0;
    int present = 0;
    for (size_t t = 0; t < confusion.size(); ++t) {
        int64_t actual = 0;
        for (int64_t n : confusion[t]) actual += n;
        if (actual == 0) continue;  // no validation photo: its recall is undefined, not 0
        ++present;
        sum += t < confusion[t].size() ? static_cast<double>(confusion[t][t]) / static_cast<double>(actual) : 0.0;
    }
    return present ? sum / present : 0.0;
}

EvalMetrics computeMetrics(const at::Tensor& logits, const at::Tensor& labels, const at::Tensor& emb,
                           const std::vector<std::string>& hashes, int64_t classes) {
    EvalMetrics m;
    m.count = labels.size(0);
    m.confusion.assign(static_cast<size_t>(classes), std::vector<int64_t>(static_cast<size_t>(classes), 0));
    m.precision.assign(static_cast<size_t>(classes), 0.0);
    m.recall.assign(static_cast<size_t>(classes), 0.0);
    if (m.count == 0) return m;
    const auto lab = labels.contiguous();
    const auto labA = lab.accessor<int64_t, 1>();
    const int64_t k5 = std::min<int64_t>(5, classes);
    const auto top = std::get<1>(logits.topk(k5, 1)).contiguous();
    const auto topA = top.accessor<int64_t, 2>();
    int64_t hit1 = 0, hit5 = 0;
    for (int64_t i = 0; i < m.count; ++i) {
        const int64_t y = labA[i], p = topA[i][0];
        ++m.confusion[static_cast<size_t>(y)][static_cast<size_t>(p)];
        hit1 += p == y;
        for (int64_t k = 0; k < k5; ++k) hit5 += topA[i][k] == y;
    }
    m.top1 = static_cast<double>(hit1) / static_cast<double>(m.count);
    m.top5 = static_cast<double>(hit5) / static_cast<double>(m.count);
    for (size_t c = 0; c < static_cast<size_t>(classes); ++c) {
        int64_t predicted = 0, actual = 0;
        for (size_t o = 0; o < static_cast<size_t>(classes); ++o) {
            predicted += m.confusion[o][c];
            actual += m.confusion[c][o];
        }
        const auto tp = static_cast<double>(m.confusion[c][c]);
        m.precision[c] = predicted ? tp / static_cast<double>(predicted) : 0.0;
        m.recall[c] = actual ? tp / static_cast<double>(actual) : 0.0;
    }
    m.balancedAccuracy = balancedAccuracy(m.confusion);
    // Image->image retrieval inside the split: the query itself and identical files are left out.
    const int64_t kmax = std::min<int64_t>(10, m.count - 1);
    if (kmax > 0) {
        auto mask = torch::zeros({m.count, m.count}, torch::kBool);
        auto maskA = mask.accessor<bool, 2>();
        for (int64_t i = 0; i < m.count; ++i)
            for (int64_t j = 0; j < m.count; ++j)
                maskA[i][j] = i == j || hashes[static_cast<size_t>(i)] == hashes[static_cast<size_t>(j)];
        auto sim = emb.matmul(emb.t()).masked_fill(mask, -std::numeric_limits<float>::infinity());
        const auto nn = std::get<1>(sim.topk(kmax, 1)).contiguous();
        const auto nnA = nn.accessor<int64_t, 2>();
        for (int k : {1, 5, 10}) {
            int64_t hits = 0;
            for (int64_t i = 0; i < m.count; ++i)
                for (int64_t r = 0; r < std::min<int64_t>(k, kmax); ++r)
                    if (labA[nnA[i][r]] == labA[i]) {
                        ++hits;
                        break;
                    }
            m.recallAtK[k] = static_cast<double>(hits) / static_cast<double>(m.count);
        }
    }
    return m;
}

}  // namespace diffclip

namespace diffclip::train {

EvalMetrics evalClassModel(const Job& job, const ClipModel& model, const at::Tensor& tokens, int views) {
    torch::NoGradGuard ng;
    const auto& cfg = model->config();
    auto emb = embedImages(model, job.data, job.split.val, static_cast<int>(cfg.vision.imageSize), cfg.preprocess,
                           job.device, 128, views);
    auto txt = textEmbeddings(model, tokens).cpu();
    auto logits = emb.matmul(txt.t()) * logitScaleValue(model);
    return computeMetrics(logits, labelTensor(job.data, job.split.val), emb, hashesOf(job.data, job.split.val),
                          static_cast<int64_t>(job.data.classes.size()));
}

}  // namespace diffclip::train

namespace diffclip {

Json EvalMetrics::toJson(const std::vector<ClassInfo>& classes) const {
    Json j = Json::object();
    j["count"] = count;
    j["top1"] = top1;
    j["top5"] = top5;
    j["balanced_accuracy"] = balancedAccuracy;
    Json r = Json::object();
    for (const auto& [k, v] : recallAtK) r["r@" + std::to_string(k)] = v;
    j["image_recall"] = r;
    Json per = Json::array();
    for (size_t c = 0; c < classes.size() && c < precision.size(); ++c) {
        Json e = Json::object();
        e["class"] = classes[c].name;
        e["precision"] = precision[c];
        e["recall"] = recall[c];
        per.push_back(e);
    }
    j["per_class"] = per;
    Json conf = Json::array();
    for (const auto& row : confusion) {
        Json jr = Json::array();
        for (auto v : row) jr.push_back(v);
        conf.push_back(jr);
    }
    j["confusion"] = conf;
    return j;
}

}  // namespace diffclip
