// Helpers shared by the training modes: timing, errors, batches, embeddings, class counts, prompts.
#include "TrainInternal.h"

#include <algorithm>
#include <cmath>

#include "diffclip/text/Tokenizer.h"

namespace diffclip::train {

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

Error torchError(const std::string& what, const std::exception& e) {
    std::string msg = e.what();
    if (const auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
    if (msg.find("out of memory") != std::string::npos || msg.find("alloc") != std::string::npos)
        return makeError(ErrorCode::OutOfMemory, what + ": " + msg);
    return makeError(ErrorCode::Internal, what + ": " + msg);
}

// Model input for the given samples: augmented views when `aug` is set, else the evaluation view.
at::Tensor makeBatch(const Dataset& data, const std::vector<size_t>& idx, int size, const AugmentConfig* aug,
                     std::mt19937_64* rng, const PreprocessConfig& pp) {
    const size_t pixels = static_cast<size_t>(size) * static_cast<size_t>(size) * 3;
    auto buf = torch::empty({static_cast<int64_t>(idx.size()), size, size, 3}, torch::kUInt8);
    auto* base = buf.data_ptr<uint8_t>();
    for (size_t i = 0; i < idx.size(); ++i) {
        const uint8_t* src = data.pixels[idx[i]].data();
        if (aug)
            augmentImage(src, data.cacheSize, size, *aug, *rng, base + i * pixels);
        else
            centreView(src, data.cacheSize, size, base + i * pixels);
    }
    auto mean = torch::tensor({pp.mean[0], pp.mean[1], pp.mean[2]}, torch::kFloat).view({1, 3, 1, 1});
    auto stdv = torch::tensor({pp.std[0], pp.std[1], pp.std[2]}, torch::kFloat).view({1, 3, 1, 1});
    return buf.permute({0, 3, 1, 2}).to(torch::kFloat).div_(255.0).sub_(mean).div_(stdv).contiguous();
}

std::vector<size_t> batchIndices(const std::vector<size_t>& order, int64_t m, int64_t batch) {
    std::vector<size_t> idx(static_cast<size_t>(batch));
    for (int64_t i = 0; i < batch; ++i) idx[static_cast<size_t>(i)] = order[static_cast<size_t>(m * batch + i) % order.size()];
    return idx;
}

void paceMetrics(TrainMetrics& p, const EpochPace& e) {
    p.epoch = e.epoch;
    p.epochs = e.planned;
    p.steps = static_cast<int64_t>(e.planned) * e.stepsPerEpoch;
    p.epochEnd = false;
    p.imagesPerSecond = e.epochSeconds > 0 ? static_cast<double>(e.seen * e.batch) / e.epochSeconds : 0.0;
    p.elapsedSeconds = e.now;
    const double epochEstimate = e.lastEpochSeconds > 0
                                     ? e.lastEpochSeconds
                                     : e.epochSeconds / static_cast<double>(std::max<int64_t>(1, e.seen)) * static_cast<double>(e.micro);
    double remaining = epochEstimate * (e.planned - e.epoch) + std::max(0.0, epochEstimate - e.epochSeconds);
    if (e.budgetSeconds > 0) remaining = std::min(remaining, std::max(0.0, e.budgetSeconds - e.now));
    p.remainingSeconds = remaining;
}

int epochsThatFit(int epochsDone, double now, double attemptStart, double budgetSeconds, int maxEpochs, bool& budgetEnds) {
    const double mean = (now - attemptStart) / std::max(1, epochsDone);
    const int fit = epochsDone + static_cast<int>(std::floor((0.97 * budgetSeconds - now) / std::max(1e-3, mean)));
    const int planned = std::clamp(fit, epochsDone, maxEpochs);
    budgetEnds = planned == epochsDone && fit <= epochsDone;
    return planned;
}

at::Tensor labelTensor(const Dataset& data, const std::vector<size_t>& idx) {
    std::vector<int64_t> l(idx.size());
    for (size_t i = 0; i < idx.size(); ++i) l[i] = data.samples[idx[i]].label;
    return torch::tensor(l, torch::kLong);
}

// Normalised image embeddings (N, E) on the CPU, without gradients.
at::Tensor embedImages(const ClipModel& model, const Dataset& data, const std::vector<size_t>& idx, int size,
                       const PreprocessConfig& pp, at::Device device, int batch, int views) {
    torch::NoGradGuard ng;
    AutocastGuard ac(device.is_cuda());
    std::vector<at::Tensor> parts;
    for (size_t b = 0; b < idx.size(); b += static_cast<size_t>(batch)) {
        std::vector<size_t> chunk(idx.begin() + static_cast<std::ptrdiff_t>(b),
                                  idx.begin() + static_cast<std::ptrdiff_t>(std::min(idx.size(), b + static_cast<size_t>(batch))));
        parts.push_back(model->flipAverage(makeBatch(data, chunk, size, nullptr, nullptr, pp).to(device), views).cpu());
    }
    if (parts.empty()) return torch::zeros({0, model->config().embedDim});
    return torch::cat(parts);
}

at::Tensor textEmbeddings(const ClipModel& model, const at::Tensor& tokens) {
    auto t = model->encodeText(tokens.to(model->device())).to(torch::kFloat);
    return torch::nn::functional::normalize(t, torch::nn::functional::NormalizeFuncOptions().dim(1));
}

double logitScaleValue(const ClipModel& model) { return std::min(100.0, model->logitScale()); }

std::vector<int64_t> trainCounts(const Dataset& data, const DataSplit& split) {
    std::vector<int64_t> n(data.classes.size(), 0);
    for (size_t i : split.train) ++n[static_cast<size_t>(data.samples[i].label)];
    return n;
}

at::Tensor classWeightTensor(const std::vector<int64_t>& counts, bool balance) {
    if (!balance) return {};
    int64_t total = 0;
    for (auto c : counts) total += c;
    std::vector<float> w(counts.size());
    for (size_t c = 0; c < counts.size(); ++c)
        w[c] = counts[c] ? static_cast<float>(total) / static_cast<float>(counts.size() * static_cast<size_t>(counts[c])) : 0.f;
    return torch::tensor(w, torch::kFloat);
}

std::vector<std::string> hashesOf(const Dataset& data, const std::vector<size_t>& idx) {
    std::vector<std::string> h;
    for (size_t i : idx) h.push_back(data.samples[i].sha256);
    return h;
}

Result<at::Tensor> promptTokens(const Dataset& data, const Tokenizer* tok, int64_t contextLength) {
    std::vector<int64_t> flat;
    for (const auto& c : data.classes) {
        auto row = tok ? tok->row(c.prompt, contextLength) : byteTokenRow(c.prompt, contextLength);
        flat.insert(flat.end(), row.begin(), row.end());
    }
    return torch::tensor(flat, torch::kLong).view({static_cast<int64_t>(data.classes.size()), contextLength});
}

}  // namespace diffclip::train

namespace diffclip {

std::vector<int64_t> byteTokenRow(const std::string& text, int64_t contextLength) {
    if (contextLength <= 0) return {};
    std::vector<int64_t> row{257};
    for (unsigned char ch : Tokenizer::cleanText(text)) {
        if (static_cast<int64_t>(row.size()) + 1 >= contextLength) break;
        row.push_back(static_cast<int64_t>(ch) + 1);
    }
    row.push_back(258);
    if (static_cast<int64_t>(row.size()) > contextLength) {
        row.resize(static_cast<size_t>(contextLength));
        row.back() = 258;
    }
    row.resize(static_cast<size_t>(contextLength), 0);
    return row;
}

}  // namespace diffclip
