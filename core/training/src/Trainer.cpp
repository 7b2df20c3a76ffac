#include "diffclip/training/Trainer.h"

#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <limits>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "diffclip/model/ModelIO.h"
#include "diffclip/model/Runtime.h"
#include "diffclip/formats/Sha256.h"
#include "diffclip/text/Tokenizer.h"

namespace fs = std::filesystem;

namespace diffclip {

// ---------------------------------------------------------------- recipe

const char* trainModeName(TrainMode mode) {
    switch (mode) {
    case TrainMode::Linear: return "linear";
    case TrainMode::Contrastive: return "contrastive";
    case TrainMode::Scratch: return "scratch";
    }
    return "?";
}

Result<TrainMode> parseTrainMode(const std::string& text) {
    if (text == "linear") return TrainMode::Linear;
    if (text == "contrastive") return TrainMode::Contrastive;
    if (text == "scratch") return TrainMode::Scratch;
    return makeError(ErrorCode::InvalidArgument, "unknown mode \"" + text + "\" (linear, contrastive, scratch)");
}

Json TrainRecipe::toJson() const {
    Json j = Json::object();
    j["mode"] = trainModeName(mode);
    j["preset"] = preset;
    if (mode != TrainMode::Scratch) j["base"] = base;
    if (mode == TrainMode::Scratch) {
        j["architecture"] = architecture;
        j["image_size"] = imageSize;
        j["compare_attention"] = compareAttention;
    }
    j["epochs"] = epochs;
    j["time_budget_minutes"] = timeBudgetMinutes;
    j["val_fraction"] = valFraction;
    j["seed"] = static_cast<uint64_t>(seed);
    j["batch_size"] = batchSize;
    j["accumulation"] = accumulation;
    j["learning_rate"] = learningRate;
    j["min_learning_rate_ratio"] = minLearningRateRatio;
    j["weight_decay"] = weightDecay;
    j["warmup_epochs"] = warmupEpochs;
    j["clip_norm"] = clipNorm;
    j["label_smoothing"] = labelSmoothing;
    j["balance_classes"] = balanceClasses;
    j["patience"] = patience;
    if (mode == TrainMode::Contrastive) {
        j["freeze_blocks"] = freezeBlocks;
        j["train_text"] = trainText;
        j["wise_alpha"] = wiseAlpha;
    }
    j["augment"] = augment.toJson();
    return j;
}

Result<TrainRecipe> presetRecipe(TrainMode mode, const std::string& preset) {
    const int level = preset == "quick" ? 0 : preset == "standard" ? 1 : preset == "thorough" ? 2 : -1;
    if (level < 0)
        return makeError(ErrorCode::InvalidArgument, "unknown preset \"" + preset + "\" (quick, standard, thorough)");
    TrainRecipe r;
    r.mode = mode;
    r.preset = preset;
    switch (mode) {
    case TrainMode::Linear:
        r.epochs = 300;  // full-batch iterations of the head
        r.learningRate = 0.01;
        r.weightDecay = 1e-4;
        r.labelSmoothing = 0.0;
        r.augment.enabled = false;
        break;
    case TrainMode::Contrastive:
        // Small steps keep the pretrained features (Wortsman et al.: fine-tune gently, then WiSE-FT).
        r.epochs = std::array<int, 3>{3, 10, 25}[level];
        r.learningRate = 1e-5;
        r.weightDecay = 0.1;
        r.batchSize = 32;
        r.warmupEpochs = 0.5;
        r.labelSmoothing = 0.1;
        r.patience = std::array<int, 3>{0, 3, 5}[level];
        r.augment.cropScaleMin = 0.5;
        break;
    case TrainMode::Scratch:
        // A ViT from scratch needs many epochs, heavy augmentation and label smoothing.
        r.epochs = std::array<int, 3>{15, 60, 150}[level];
        r.architecture = level < 2 ? "preset:diffclip-mini" : "preset:diffclip-starter";
        r.imageSize = 0;  // the architecture's own (64 px mini, 96 px starter)
        r.learningRate = 1e-3;
        r.weightDecay = 0.05;
        r.batchSize = 64;
        r.warmupEpochs = std::array<double, 3>{1.0, 3.0, 5.0}[level];
        r.labelSmoothing = 0.1;
        r.patience = 0;  // the cosine schedule ends the run
        break;
    }
    return r;
}

// ---------------------------------------------------------------- helpers

namespace {

using Clock = std::chrono::steady_clock;

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

at::Tensor labelTensor(const Dataset& data, const std::vector<size_t>& idx) {
    std::vector<int64_t> l(idx.size());
    for (size_t i = 0; i < idx.size(); ++i) l[i] = data.samples[idx[i]].label;
    return torch::tensor(l, torch::kLong);
}

// bf16 autocast on CUDA only: LibTorch's CPU autocast in 1.13 covers too few ops to pay off.
struct AutocastGuard {
    bool on;
    explicit AutocastGuard(bool cuda) : on(cuda) {
        if (on) {
            at::autocast::set_enabled(true);
            at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
        }
    }
    ~AutocastGuard() {
        if (on) {
            at::autocast::set_enabled(false);
            at::autocast::clear_cache();
        }
    }
    AutocastGuard(const AutocastGuard&) = delete;
    AutocastGuard& operator=(const AutocastGuard&) = delete;
};

// Normalised image embeddings (N, E) on the CPU, without gradients.
at::Tensor embedImages(const ClipModel& model, const Dataset& data, const std::vector<size_t>& idx, int size,
                       const PreprocessConfig& pp, at::Device device, int batch) {
    torch::NoGradGuard ng;
    AutocastGuard ac(device.is_cuda());
    std::vector<at::Tensor> parts;
    for (size_t b = 0; b < idx.size(); b += static_cast<size_t>(batch)) {
        std::vector<size_t> chunk(idx.begin() + static_cast<std::ptrdiff_t>(b),
                                  idx.begin() + static_cast<std::ptrdiff_t>(std::min(idx.size(), b + static_cast<size_t>(batch))));
        auto e = model->encodeImage(makeBatch(data, chunk, size, nullptr, nullptr, pp).to(device));
        parts.push_back(torch::nn::functional::normalize(e.to(torch::kFloat), torch::nn::functional::NormalizeFuncOptions().dim(1)).cpu());
    }
    if (parts.empty()) return torch::zeros({0, model->config().embedDim});
    return torch::cat(parts);
}

at::Tensor textEmbeddings(const ClipModel& model, const at::Tensor& tokens) {
    auto t = model->encodeText(tokens.to(model->device())).to(torch::kFloat);
    return torch::nn::functional::normalize(t, torch::nn::functional::NormalizeFuncOptions().dim(1));
}

double logitScaleValue(const ClipModel& model) { return std::min(100.0, model->logitScale()); }

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

Status writeTextAtomic(const fs::path& path, const std::string& text) {
    const fs::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary);
        out << text;
        out.flush();
        if (!out) return makeError(ErrorCode::Io, "writing " + tmp.string() + " failed (disk full?)");
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) return makeError(ErrorCode::Io, "renaming " + tmp.string() + ": " + ec.message());
    return Status::success();
}

Result<Json> readJsonFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(ErrorCode::NotFound, path.string() + ": cannot open");
    std::stringstream ss;
    ss << in.rdbuf();
    auto j = parseJson(ss.str());
    if (!j) return makeError(ErrorCode::Format, path.string() + ": " + j.error().message);
    return j;
}

std::string archiveKey(const std::string& name) {
    std::string k = name;  // archive attribute names may not contain '.'
    std::replace(k.begin(), k.end(), '.', '|');
    return "w|" + k;
}

Status saveWeights(const ClipModel& model, const fs::path& path) {
    try {
        torch::serialize::OutputArchive ar;
        for (const auto& p : model->named_parameters()) ar.write(archiveKey(p.key()), p.value().detach().cpu());
        const fs::path tmp = path.string() + ".tmp";
        ar.save_to(tmp.string());
        std::error_code ec;
        fs::rename(tmp, path, ec);
        if (ec) return makeError(ErrorCode::Io, "renaming " + tmp.string() + ": " + ec.message());
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Io, "writing " + path.string() + ": " + e.what());
    }
    return Status::success();
}

void readWeights(torch::serialize::InputArchive& ar, ClipModel& model) {
    torch::NoGradGuard ng;
    for (auto& p : model->named_parameters()) {
        at::Tensor t;
        ar.read(archiveKey(p.key()), t);
        p.value().copy_(t);
    }
}

Status loadWeightsFile(ClipModel& model, const fs::path& path) {
    try {
        torch::serialize::InputArchive ar;
        ar.load_from(path.string());
        readWeights(ar, model);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Format, path.string() + ": " + e.what());
    }
    return Status::success();
}

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

}  // namespace

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

Json EvalMetrics::toJson(const std::vector<ClassInfo>& classes) const {
    Json j = Json::object();
    j["count"] = count;
    j["top1"] = top1;
    j["top5"] = top5;
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

at::Tensor classificationLoss(const at::Tensor& logits, const at::Tensor& labels, const at::Tensor& classWeights,
                              double labelSmoothing) {
    const int64_t c = logits.size(1);
    auto logp = torch::log_softmax(logits.to(torch::kFloat), 1);
    auto target = torch::full_like(logp, labelSmoothing / static_cast<double>(c));
    target.scatter_(1, labels.view({-1, 1}), 1.0 - labelSmoothing + labelSmoothing / static_cast<double>(c));
    auto nll = -(target * logp).sum(1);
    if (!classWeights.defined()) return nll.mean();
    auto w = classWeights.to(logits.device()).index_select(0, labels);
    return (nll * w).sum() / w.sum().clamp_min(1e-12);
}

// ---------------------------------------------------------------- ClassTrainer

struct ClassTrainer::Impl {
    ClipModel model{nullptr};
    at::Tensor tokens, classWeights, logitScale, cachedText;
    TrainRecipe recipe;
    bool trainText = false;
    int64_t totalSteps = 1, warmupSteps = 0, step = 0, micro = 0;
    std::vector<at::Tensor> trainable;
    std::unique_ptr<torch::optim::AdamW> opt;

    double lrAt(int64_t s) const {
        const double peak = recipe.learningRate;
        if (s < warmupSteps) return peak * static_cast<double>(s + 1) / static_cast<double>(warmupSteps);
        const double p = std::min(1.0, static_cast<double>(s - warmupSteps) /
                                           static_cast<double>(std::max<int64_t>(1, totalSteps - warmupSteps)));
        return peak * (recipe.minLearningRateRatio + (1.0 - recipe.minLearningRateRatio) * 0.5 * (1.0 + std::cos(3.14159265358979323846 * p)));
    }
    at::Tensor text() {
        if (trainText) return textEmbeddings(model, tokens);
        if (!cachedText.defined()) {
            torch::NoGradGuard ng;
            cachedText = textEmbeddings(model, tokens);
        }
        return cachedText;
    }
    at::Tensor forwardLoss(const at::Tensor& images, const at::Tensor& labels) {
        AutocastGuard ac(model->device().is_cuda());
        auto img = torch::nn::functional::normalize(model->encodeImage(images.to(model->device())).to(torch::kFloat),
                                                    torch::nn::functional::NormalizeFuncOptions().dim(1));
        // CLIP clamps the learned temperature at 100.
        auto scale = logitScale.exp().clamp_max(100.0);
        auto logits = scale * img.matmul(text().t());
        return classificationLoss(logits, labels.to(model->device()), classWeights, recipe.labelSmoothing);
    }
};

ClassTrainer::ClassTrainer(ClipModel model, at::Tensor tokens, const TrainRecipe& recipe, bool trainText,
                           int64_t totalSteps, int64_t warmupSteps, at::Tensor classWeights)
    : m_impl(std::make_unique<Impl>()) {
    auto& d = *m_impl;
    d.model = model;
    d.tokens = tokens.to(model->device());
    d.recipe = recipe;
    d.trainText = trainText;
    d.totalSteps = std::max<int64_t>(1, totalSteps);
    d.warmupSteps = std::max<int64_t>(0, warmupSteps);
    d.classWeights = classWeights.defined() ? classWeights.to(model->device()) : classWeights;
    std::vector<at::Tensor> decay, noDecay;
    for (auto& p : model->named_parameters()) {
        const std::string& n = p.key();
        const bool vision = n.rfind("visual.", 0) == 0 || n == "image_projection";
        bool train = vision || n == "logit_scale" || trainText;
        if (vision && n.rfind("visual.blocks.", 0) == 0) {
            const int block = std::atoi(n.c_str() + 14);
            train = block >= recipe.freezeBlocks;
        } else if (vision && recipe.freezeBlocks > 0 &&
                   (n.rfind("visual.patch_embed", 0) == 0 || n == "visual.cls_token" || n == "visual.pos_embed")) {
            train = false;
        }
        p.value().set_requires_grad(train);
        if (n == "logit_scale") d.logitScale = p.value();
        if (!train) continue;
        d.trainable.push_back(p.value());
        // No decay on norms, biases, lambdas (all 1-D or scalar) and embeddings / tokens.
        const bool embedding = (n.find("embed") != std::string::npos && n.find("patch_embed") == std::string::npos) ||
                               n.find("cls_token") != std::string::npos;
        (p.value().dim() <= 1 || embedding ? noDecay : decay).push_back(p.value());
    }
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(
                                   torch::optim::AdamWOptions(recipe.learningRate).weight_decay(recipe.weightDecay).betas({0.9, 0.98})));
    groups.emplace_back(noDecay, std::make_unique<torch::optim::AdamWOptions>(
                                     torch::optim::AdamWOptions(recipe.learningRate).weight_decay(0.0).betas({0.9, 0.98})));
    d.opt = std::make_unique<torch::optim::AdamW>(std::move(groups),
                                                  torch::optim::AdamWOptions(recipe.learningRate).betas({0.9, 0.98}));
}

ClassTrainer::~ClassTrainer() = default;

double ClassTrainer::microStep(const at::Tensor& images, const at::Tensor& labels) {
    auto& d = *m_impl;
    torch::AutoGradMode grad(true);
    const int accum = std::max(1, d.recipe.accumulation);
    auto loss = d.forwardLoss(images, labels);
    (loss / static_cast<double>(accum)).backward();
    if (++d.micro % accum == 0) {
        const double lr = d.lrAt(d.step);
        for (auto& g : d.opt->param_groups()) static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
        if (d.recipe.clipNorm > 0) torch::nn::utils::clip_grad_norm_(d.trainable, d.recipe.clipNorm);
        d.opt->step();
        d.opt->zero_grad();
        ++d.step;
    }
    return loss.item<double>();
}

double ClassTrainer::evalLoss(const at::Tensor& images, const at::Tensor& labels) {
    torch::NoGradGuard ng;
    return m_impl->forwardLoss(images, labels).item<double>();
}

at::Tensor ClassTrainer::classEmbeddings() {
    torch::NoGradGuard ng;
    return textEmbeddings(m_impl->model, m_impl->tokens).cpu();
}

int64_t ClassTrainer::steps() const { return m_impl->step; }
double ClassTrainer::currentLearningRate() const { return m_impl->lrAt(m_impl->step); }
ClipModel ClassTrainer::model() const { return m_impl->model; }
void ClassTrainer::setStep(int64_t step) { m_impl->step = step; }
void ClassTrainer::setTotalSteps(int64_t total) { m_impl->totalSteps = std::max<int64_t>(1, total); }

Status ClassTrainer::save(const std::string& path) const {
    try {
        torch::serialize::OutputArchive ar, optAr;
        for (const auto& p : m_impl->model->named_parameters()) ar.write(archiveKey(p.key()), p.value().detach().cpu());
        m_impl->opt->save(optAr);
        ar.write("optimizer", optAr);
        const std::string tmp = path + ".tmp";
        ar.save_to(tmp);
        std::error_code ec;
        fs::rename(tmp, path, ec);
        if (ec) return makeError(ErrorCode::Io, "renaming " + tmp + ": " + ec.message());
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Io, "writing checkpoint " + path + ": " + e.what());
    }
    return Status::success();
}

Status ClassTrainer::load(const std::string& path) {
    try {
        torch::serialize::InputArchive ar, optAr;
        ar.load_from(path, m_impl->model->device());
        readWeights(ar, m_impl->model);
        ar.read("optimizer", optAr);
        m_impl->opt->load(optAr);
        m_impl->cachedText = at::Tensor();
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Format, "reading checkpoint " + path + ": " + e.what());
    }
    return Status::success();
}

// ---------------------------------------------------------------- jobs

namespace {

struct Job {
    const TrainRecipe& recipe;
    const TrainOptions& options;
    const Dataset& data;
    const DataSplit& split;
    at::Device device;
    double budgetSeconds = 0.0;  // for the current variant; 0 none

    void metrics(const TrainMetrics& m) const {
        if (options.onMetrics) options.onMetrics(m);
    }
    const Progress& progress() const { return options.job.progress; }
    // A log line, marked with the variant when two are compared.
    void say(const std::string& variant, const std::string& text) const {
        progress().message(variant.empty() ? text : "[" + variant + "] " + text);
    }
    bool cancelled() const { return options.job.cancel.cancelled(); }
};

std::vector<std::string> hashesOf(const Dataset& data, const std::vector<size_t>& idx) {
    std::vector<std::string> h;
    for (size_t i : idx) h.push_back(data.samples[i].sha256);
    return h;
}

EvalMetrics evalClassModel(const Job& job, const ClipModel& model, const at::Tensor& tokens) {
    torch::NoGradGuard ng;
    const auto& cfg = model->config();
    auto emb = embedImages(model, job.data, job.split.val, static_cast<int>(cfg.vision.imageSize), cfg.preprocess,
                           job.device, 128);
    auto txt = textEmbeddings(model, tokens).cpu();
    auto logits = emb.matmul(txt.t()) * logitScaleValue(model);
    return computeMetrics(logits, labelTensor(job.data, job.split.val), emb, hashesOf(job.data, job.split.val),
                          static_cast<int64_t>(job.data.classes.size()));
}

Json classesJson(const Dataset& data, const at::Tensor& embeddings, const std::string& kind) {
    Json list = Json::array();
    auto e = embeddings.contiguous().to(torch::kFloat).cpu();
    for (size_t c = 0; c < data.classes.size(); ++c) {
        Json item = Json::object();
        item["name"] = data.classes[c].name;
        item["prompt"] = data.classes[c].prompt;
        item["custom_prompt"] = data.classes[c].customPrompt;
        Json v = Json::array();
        for (int64_t k = 0; k < e.size(1); ++k) v.push_back(static_cast<double>(e[static_cast<int64_t>(c)][k].item<float>()));
        item["embedding"] = v;
        list.push_back(item);
    }
    Json j = Json::object();
    j["format"] = "diffclip-class-head/1";
    j["kind"] = kind;
    j["classes"] = list;
    return j;
}

Status installPackage(const ClipModel& model, const std::string& mergesPath, const std::string& source,
                      const fs::path& ckpt, const fs::path& out, const Json& training, const Json& classes,
                      bool overwrite) {
    std::error_code ec;
    const fs::path staging = ckpt / "package";
    fs::remove_all(staging, ec);
    LoadedModel lm;
    lm.model = model;
    lm.source = source;
    if (Status s = writePackage(lm, staging.string(), mergesPath, true); !s) return s;
    if (Status s = writeTextAtomic(staging / "training.json", dumpJson(training, 2) + "\n"); !s) return s;
    if (Status s = writeTextAtomic(staging / "classes.json", dumpJson(classes) + "\n"); !s) return s;
    if (fs::exists(out, ec)) {
        if (!overwrite) return makeError(ErrorCode::Io, out.string() + " already exists (use --overwrite)");
        if (!isPackage(out.string()))
            return makeError(ErrorCode::Io, out.string() + " exists and is not a model package; not replacing it");
        fs::remove_all(out, ec);
        if (ec) return makeError(ErrorCode::Io, "removing the old " + out.string() + ": " + ec.message());
    }
    fs::rename(staging, out, ec);
    if (ec) return makeError(ErrorCode::Io, "renaming into " + out.string() + ": " + ec.message());
    return Status::success();
}

struct VariantInput {
    std::string variant;      // "" or "differential" / "standard"
    ClipModel model{nullptr};
    at::Tensor tokens;
    std::string mergesPath;
    Json parent;
    fs::path out, ckpt;
    const StateDict* base = nullptr;  // contrastive: the weights WiSE-FT interpolates from
};

Result<Json> trainClassVariant(Job& job, VariantInput& in) {
    const TrainRecipe& r = job.recipe;
    const Dataset& data = job.data;
    const DataSplit& split = job.split;
    ClipModel model = in.model;
    const ModelConfig& cfg = model->config();
    const int size = static_cast<int>(cfg.vision.imageSize);
    const auto ntrain = static_cast<int64_t>(split.train.size());
    const int64_t batch = std::max<int64_t>(1, std::min<int64_t>(r.batchSize, ntrain));
    const int64_t accum = std::max(1, r.accumulation);
    const int64_t micro = std::max<int64_t>(accum, (ntrain / batch) / accum * accum);
    const int64_t stepsPerEpoch = micro / accum;
    const bool trainText = r.mode == TrainMode::Scratch || r.trainText;
    const auto warmup = static_cast<int64_t>(std::llround(r.warmupEpochs * static_cast<double>(stepsPerEpoch)));
    ClassTrainer trainer(model, in.tokens, r, trainText, r.epochs * stepsPerEpoch, warmup,
                         classWeightTensor(trainCounts(data, split), r.balanceClasses));

    const std::string recipeHash = sha256Hex(dumpJson(r.toJson()) + "|" + in.variant);
    int epochsDone = 0, planned = r.epochs, bestEpoch = 0, sinceBest = 0;
    double elapsed = 0.0, bestTop1 = -1.0;
    bool finished = false;
    std::string stopReason = "epochs";
    Json before, history = Json::array();

    std::error_code ec;
    fs::create_directories(in.ckpt, ec);
    if (ec) return makeError(ErrorCode::Io, in.ckpt.string() + ": " + ec.message());
    // checkpoint-E.pt is written first, then state.json names it, then the older one goes: a kill
    // at any point leaves a state.json whose checkpoint file is complete.
    const fs::path statePath = in.ckpt / "state.json", bestPath = in.ckpt / "best.pt";
    std::string ckptName;
    TrainMetrics prog;
    prog.variant = in.variant;
    if (fs::exists(statePath, ec)) {
        auto st = readJsonFile(statePath);
        if (!st) return st.error();
        const Json& s = *st;
        // Written by us, but read as untrusted: a member of another type reads as absent.
        auto str = [&](const char* k) {
            const Json* v = jsonFind(s, k);
            return v && v->is_string() ? v->get<std::string>() : std::string();
        };
        if (str("recipe_hash") != recipeHash || str("data_fingerprint") != data.fingerprint)
            return makeError(ErrorCode::Mismatch, in.ckpt.string() +
                                                      " holds a checkpoint of another recipe or data set; remove it to start afresh");
        ckptName = str("checkpoint");
        if (Status l = trainer.load((in.ckpt / ckptName).string()); !l) return l.error();
        auto num = [&](const char* k) {
            const Json* v = jsonFind(s, k);
            return v && v->is_number() ? v->get<double>() : 0.0;
        };
        epochsDone = static_cast<int>(num("epoch"));
        planned = static_cast<int>(num("planned_epochs"));
        elapsed = num("elapsed_seconds");
        bestTop1 = num("best_top1");
        bestEpoch = static_cast<int>(num("best_epoch"));
        sinceBest = static_cast<int>(num("since_best"));
        const Json* done = jsonFind(s, "finished");
        finished = done && done->is_boolean() && done->get<bool>();
        stopReason = str("stop_reason");
        if (const Json* b = jsonFind(s, "before")) before = *b;
        if (const Json* h = jsonFind(s, "history"); h && h->is_array()) history = *h;
        trainer.setStep(static_cast<int64_t>(num("step")));
        trainer.setTotalSteps(planned * stepsPerEpoch);
        job.say(in.variant, "resuming after epoch " + std::to_string(epochsDone) + " from " + in.ckpt.string());
    } else {
        job.progress().stage("evaluate", 1);
        job.say(in.variant, "evaluating the starting model");
        before = evalClassModel(job, model, in.tokens).toJson(data.classes);
        job.progress().update(1);
    }

    auto saveState = [&]() -> Status {
        Json s = Json::object();
        s["format"] = "diffclip-training-checkpoint/1";
        s["recipe_hash"] = recipeHash;
        s["data_fingerprint"] = data.fingerprint;
        s["variant"] = in.variant;
        s["epoch"] = epochsDone;
        s["step"] = trainer.steps();
        s["planned_epochs"] = planned;
        s["elapsed_seconds"] = elapsed;
        s["best_top1"] = bestTop1;
        s["best_epoch"] = bestEpoch;
        s["since_best"] = sinceBest;
        s["finished"] = finished;
        s["stop_reason"] = stopReason;
        // Sampling and augmentation draw from a generator seeded by (seed, epoch), so the epoch
        // number is the whole sampler position; the optimizer state is in checkpoint.pt.
        s["rng"] = "mt19937_64(seed, epoch)";
        s["before"] = before;
        s["history"] = history;
        const std::string name = "checkpoint-" + std::to_string(epochsDone) + (finished ? "-final" : "") + ".pt";
        s["checkpoint"] = name;
        if (Status st = trainer.save((in.ckpt / name).string()); !st) return st;
        if (Status st = writeTextAtomic(statePath, dumpJson(s, 1)); !st) return st;
        std::error_code rmEc;
        if (!ckptName.empty() && ckptName != name) fs::remove(in.ckpt / ckptName, rmEc);
        ckptName = name;
        return Status::success();
    };

    const auto runStart = Clock::now();
    const double elapsedAtStart = elapsed;
    auto now = [&] { return elapsedAtStart + secondsSince(runStart); };
    double lastEpochSeconds = 0.0;
    // One stage for the whole run (done = epochs, validation included), so the time left is the
    // run's; the curves get every step through onMetrics.
    job.progress().stage("epoch", planned);
    job.progress().update(epochsDone);
    while (!finished && epochsDone < planned) {
        const int epoch = epochsDone + 1;
        std::mt19937_64 rng(r.seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(epoch) * 0xBF58476D1CE4E5B9ULL +
                            (in.variant == "standard" ? 0x94D049BB133111EBULL : 0ULL));
        std::vector<size_t> order = split.train;
        shuffleIndices(order, rng);
        double lossSum = 0.0;
        int64_t seen = 0;
        bool budgetHit = false;
        const auto t0 = Clock::now();
        for (int64_t m = 0; m < micro; ++m) {
            if (job.cancelled())
                return makeError(ErrorCode::Cancelled, "training cancelled; run the same command to resume from " +
                                                           in.ckpt.string());
            if (job.budgetSeconds > 0 && now() >= job.budgetSeconds) {
                budgetHit = true;
                break;
            }
            std::vector<size_t> idx(static_cast<size_t>(batch));
            for (int64_t i = 0; i < batch; ++i)
                idx[static_cast<size_t>(i)] = order[static_cast<size_t>((m * batch + i) % ntrain)];
            auto images = makeBatch(data, idx, size, &r.augment, &rng, cfg.preprocess);
            lossSum += trainer.microStep(images, labelTensor(data, idx));
            ++seen;
            prog.epoch = epoch;
            prog.epochs = planned;
            prog.step = trainer.steps();
            prog.steps = static_cast<int64_t>(planned) * stepsPerEpoch;
            prog.loss = lossSum / static_cast<double>(seen);
            prog.learningRate = trainer.currentLearningRate();
            prog.epochEnd = false;
            const double dt = secondsSince(t0);
            prog.imagesPerSecond = dt > 0 ? static_cast<double>(seen * batch) / dt : 0.0;
            prog.elapsedSeconds = now();
            const double epochEstimate = lastEpochSeconds > 0 ? lastEpochSeconds
                                                              : dt / static_cast<double>(seen) * static_cast<double>(micro);
            double remaining = epochEstimate * (planned - epoch) + std::max(0.0, epochEstimate - dt);
            if (job.budgetSeconds > 0) remaining = std::min(remaining, std::max(0.0, job.budgetSeconds - now()));
            prog.remainingSeconds = remaining;
            job.metrics(prog);
        }
        if (seen == 0) {
            finished = true;
            stopReason = "time budget";
            break;
        }
        const double trainSeconds = secondsSince(t0);
        const EvalMetrics m = evalClassModel(job, model, in.tokens);
        Json h = Json::object();
        h["epoch"] = epoch;
        h["loss"] = lossSum / static_cast<double>(seen);
        h["val_top1"] = m.top1;
        h["learning_rate"] = trainer.currentLearningRate();
        h["seconds"] = secondsSince(t0);
        h["images_per_second"] = static_cast<double>(seen * batch) / std::max(1e-9, trainSeconds);
        h["partial"] = budgetHit;
        history.push_back(h);
        prog.valTop1 = m.top1;
        if (m.count == 0 || m.top1 > bestTop1) {
            bestTop1 = m.top1;
            bestEpoch = epoch;
            sinceBest = 0;
            if (Status s = saveWeights(model, bestPath); !s) return s.error();
        } else {
            ++sinceBest;
        }
        lastEpochSeconds = secondsSince(t0);
        if (!budgetHit) epochsDone = epoch;
        // With a budget, the cosine schedule is planned to end with it: after every epoch the
        // epochs that still fit (at the mean epoch time so far, 3% spare) are re-estimated, so a
        // machine that gets busier shortens the schedule instead of cutting it off at a high rate.
        if (job.budgetSeconds > 0 && !budgetHit && epochsDone > 0) {
            const double mean = now() / epochsDone;
            const int fit = epochsDone + static_cast<int>(std::floor((0.97 * job.budgetSeconds - now()) / std::max(1e-3, mean)));
            planned = std::clamp(fit, epochsDone, r.epochs);
            if (planned == epochsDone && fit <= epochsDone) stopReason = "time budget";
            trainer.setTotalSteps(static_cast<int64_t>(planned) * stepsPerEpoch);
        }
        if (r.patience > 0 && sinceBest >= r.patience) {
            finished = true;
            stopReason = "early stopping";
        }
        if (budgetHit) {
            finished = true;
            stopReason = "time budget";
        }
        elapsed = now();
        if (Status s = saveState(); !s) return s.error();
        std::ostringstream msg;
        msg << "epoch " << epoch << "/" << planned << " loss " << lossSum / static_cast<double>(seen) << " val top-1 "
            << m.top1;
        prog.epoch = epoch;
        prog.epochs = planned;
        prog.loss = lossSum / static_cast<double>(seen);
        prog.learningRate = trainer.currentLearningRate();
        prog.elapsedSeconds = elapsed;
        prog.epochEnd = true;
        job.metrics(prog);
        prog.epochEnd = false;
        job.progress().setTotal(planned);
        job.progress().update(epochsDone);
        job.say(in.variant, msg.str());
    }
    if (job.cancelled()) return makeError(ErrorCode::Cancelled, "training cancelled before writing the package");

    // The best epoch's weights become the package.
    if (fs::exists(bestPath, ec))
        if (Status s = loadWeightsFile(model, bestPath); !s) return s.error();
    Json wise;
    job.progress().stage("evaluate", in.base ? 6 : 1);  // WiSE-FT's five mixes, then the final figures
    if (in.base) {
        job.say(in.variant, "WiSE-FT weight interpolation");
        StateDict ft;
        for (const auto& [n, t] : model->weights()) ft.emplace_back(n, t.detach().cpu().clone());
        auto mix = [&](double a) {
            StateDict out;
            for (const auto& [n, t] : ft) {
                const at::Tensor* b = findTensor(*in.base, n);
                out.emplace_back(n, b ? (b->to(torch::kFloat) * (1.0 - a) + t * a) : t);
            }
            return out;
        };
        wise = Json::array();
        double bestAlpha = 1.0, bestAlphaTop1 = -1.0;
        for (double a : {0.0, 0.25, 0.5, 0.75, 1.0}) {
            ClipModel tmp(cfg);
            if (Status s = tmp->loadWeights(mix(a)); !s) return s.error();
            tmp->to(job.device);
            const EvalMetrics m = evalClassModel(job, tmp, in.tokens);
            job.progress().advance();
            Json e = Json::object();
            e["alpha"] = a;
            e["top1"] = m.top1;
            e["top5"] = m.top5;
            wise.push_back(e);
            if (m.top1 >= bestAlphaTop1) {  // ties go to the more fine-tuned weights
                bestAlphaTop1 = m.top1;
                bestAlpha = a;
            }
        }
        const double chosen = r.wiseAlpha < 0 ? bestAlpha : std::min(1.0, r.wiseAlpha);
        if (chosen != 1.0)
            if (Status s = model->loadWeights(mix(chosen)); !s) return s.error();
        Json w = Json::object();
        w["alphas"] = wise;
        w["chosen_alpha"] = chosen;
        wise = w;
    }
    job.say(in.variant, "final evaluation");
    const EvalMetrics after = evalClassModel(job, model, in.tokens);
    job.progress().advance();

    Json v = Json::object();
    if (!in.variant.empty()) v["variant"] = in.variant;
    v["attention"] = attentionKindName(cfg.attention);
    v["parameters"] = cfg.parameterCount();
    v["before"] = before;
    v["after"] = after.toJson(data.classes);
    if (!wise.is_null()) v["wise_ft"] = wise;
    v["epochs_completed"] = epochsDone;
    v["planned_epochs"] = planned;
    v["best_epoch"] = bestEpoch;
    v["stop_reason"] = stopReason;
    v["training_seconds"] = elapsed;
    v["history"] = history;
    v["parent"] = in.parent;
    return v;
}

Json dataJson(const Dataset& data, const DataSplit& split) {
    std::vector<int64_t> tr(data.classes.size(), 0), va(data.classes.size(), 0);
    for (size_t i : split.train) ++tr[static_cast<size_t>(data.samples[i].label)];
    for (size_t i : split.val) ++va[static_cast<size_t>(data.samples[i].label)];
    Json cls = Json::array();
    for (size_t c = 0; c < data.classes.size(); ++c) {
        Json e = Json::object();
        e["name"] = data.classes[c].name;
        e["prompt"] = data.classes[c].prompt;
        e["train"] = tr[c];
        e["val"] = va[c];
        cls.push_back(e);
    }
    Json j = Json::object();
    j["root"] = data.root;
    j["fingerprint"] = data.fingerprint;
    j["photos"] = static_cast<int64_t>(data.samples.size());
    j["classes"] = cls;
    j["skipped"] = static_cast<int64_t>(data.skipped.size());
    Json sk = Json::array();
    for (size_t i = 0; i < data.skipped.size() && i < 20; ++i) sk.push_back(data.skipped[i]);
    j["skipped_examples"] = sk;
    Json s = Json::object();
    s["seed"] = static_cast<uint64_t>(split.seed);
    s["val_fraction"] = split.valFraction;
    s["train"] = static_cast<int64_t>(split.train.size());
    s["val"] = static_cast<int64_t>(split.val.size());
    s["duplicate_groups"] = split.duplicateGroups;
    j["split"] = s;
    return j;
}

Json parentJson(const LoadedModel& m) {
    Json p = Json::object();
    p["spec"] = m.source;
    p["format"] = m.format;
    p["name"] = m.model->config().name;
    p["attention"] = attentionKindName(m.model->config().attention);
    Json sums = Json::object();
    for (const auto& [file, sha] : m.checksums) sums[file] = sha;
    p["checksums"] = sums;
    return p;
}

Result<at::Tensor> promptTokens(const Dataset& data, const Tokenizer* tok, int64_t contextLength) {
    std::vector<int64_t> flat;
    for (const auto& c : data.classes) {
        auto row = tok ? tok->row(c.prompt, contextLength) : byteTokenRow(c.prompt, contextLength);
        flat.insert(flat.end(), row.begin(), row.end());
    }
    return torch::tensor(flat, torch::kLong).view({static_cast<int64_t>(data.classes.size()), contextLength});
}

Result<Json> runLinear(Job& job, const LoadedModel& base) {
    const TrainRecipe& r = job.recipe;
    const Dataset& data = job.data;
    const ClipModel& model = base.model;
    const auto& cfg = model->config();
    const int size = static_cast<int>(cfg.vision.imageSize);
    TrainMetrics prog;
    job.progress().message("embedding " + std::to_string(data.samples.size()) + " photos with the frozen image tower");
    auto tr = embedImages(model, data, job.split.train, size, cfg.preprocess, job.device, 64);
    if (job.cancelled()) return makeError(ErrorCode::Cancelled, "training cancelled");
    auto va = embedImages(model, data, job.split.val, size, cfg.preprocess, job.device, 64);
    auto ytr = labelTensor(data, job.split.train), yva = labelTensor(data, job.split.val);
    const auto C = static_cast<int64_t>(data.classes.size());
    const auto hashes = hashesOf(data, job.split.val);

    // Prototypes (normalised class means) start the head and stand in for zero-shot without text.
    auto proto = torch::zeros({C, tr.size(1)});
    proto.index_add_(0, ytr, tr);
    proto = torch::nn::functional::normalize(proto, torch::nn::functional::NormalizeFuncOptions().dim(1));
    Json before;
    std::string beforeMethod;
    job.progress().stage("evaluate", 1);
    if (base.tokenizer) {
        torch::NoGradGuard ng;
        auto tokens = promptTokens(data, base.tokenizer.get(), cfg.text.contextLength);
        auto txt = textEmbeddings(model, *tokens).cpu();
        before = computeMetrics(va.matmul(txt.t()) * logitScaleValue(model), yva, va, hashes, C).toJson(data.classes);
        beforeMethod = "zero-shot (class prompts)";
    } else {
        before = computeMetrics(va.matmul(proto.t()), yva, va, hashes, C).toJson(data.classes);
        beforeMethod = "nearest class mean";
    }
    job.progress().update(1);

    // The head trains full-batch: each iteration is one epoch of one step.
    job.progress().stage("epoch", r.epochs);
    auto W = (proto * 10.0).clone().set_requires_grad(true);
    auto b = torch::zeros({C}).set_requires_grad(true);
    torch::optim::Adam opt({W, b}, torch::optim::AdamOptions(r.learningRate));
    auto weights = classWeightTensor(trainCounts(data, job.split), r.balanceClasses);
    double loss = 0.0;
    const auto t0 = Clock::now();
    for (int it = 0; it < r.epochs; ++it) {
        if (job.cancelled()) return makeError(ErrorCode::Cancelled, "training cancelled");
        opt.zero_grad();
        auto l = classificationLoss(tr.matmul(W.t()) + b, ytr, weights, r.labelSmoothing) + r.weightDecay * W.pow(2).sum();
        l.backward();
        opt.step();
        loss = l.item<double>();
        job.progress().update(it + 1);
        if (it % 25 == 0 || it + 1 == r.epochs) {
            prog.epoch = it + 1;
            prog.epochs = r.epochs;
            prog.step = it + 1;
            prog.steps = r.epochs;
            prog.loss = loss;
            prog.learningRate = r.learningRate;  // plain Adam, no schedule
            // The head is tiny, so its validation top-1 is cheap enough to follow as a curve.
            if (yva.numel() > 0) {
                torch::NoGradGuard ng;
                prog.valTop1 = (va.matmul(W.t()) + b).argmax(1).eq(yva).to(torch::kDouble).mean().item<double>();
            }
            prog.epochEnd = true;
            prog.elapsedSeconds = secondsSince(t0);
            prog.remainingSeconds = prog.elapsedSeconds / (it + 1) * (r.epochs - it - 1);
            job.metrics(prog);
            prog.epochEnd = false;
        }
    }
    torch::NoGradGuard ng;
    job.progress().stage("evaluate", 1);
    const EvalMetrics after = computeMetrics(va.matmul(W.t()) + b, yva, va, hashes, C);
    job.progress().update(1);
    Json v = Json::object();
    v["attention"] = attentionKindName(cfg.attention);
    v["before"] = before;
    v["before_method"] = beforeMethod;
    v["after"] = after.toJson(data.classes);
    v["final_loss"] = loss;
    v["parent"] = parentJson(base);
    Json head = classesJson(data, torch::nn::functional::normalize(W.detach(), torch::nn::functional::NormalizeFuncOptions().dim(1)), "linear-probe");
    // The exact head: logits = weight . normalise(image_embedding) + bias.
    Json wj = Json::array(), bj = Json::array();
    auto Wd = W.detach().contiguous();
    for (int64_t c = 0; c < C; ++c) {
        Json row = Json::array();
        for (int64_t k = 0; k < Wd.size(1); ++k) row.push_back(static_cast<double>(Wd[c][k].item<float>()));
        wj.push_back(row);
        bj.push_back(static_cast<double>(b[c].item<float>()));
    }
    head["weight"] = wj;
    head["bias"] = bj;
    v["_head"] = head;
    return v;
}

}  // namespace

Result<TrainReport> runTraining(const std::string& dataRoot, const TrainRecipe& recipe, const std::string& out,
                                const TrainOptions& options) {
    try {
        const TrainRecipe& r = recipe;
        if (r.batchSize < 1 || r.accumulation < 1 || r.epochs < 1)
            return makeError(ErrorCode::InvalidArgument, "batch, accumulation and epochs must be at least 1");
        if (!(r.learningRate > 0) || r.weightDecay < 0 || r.labelSmoothing < 0 || r.labelSmoothing > 0.5 ||
            r.timeBudgetMinutes < 0 || r.warmupEpochs < 0)
            return makeError(ErrorCode::InvalidArgument, "learning rate, weight decay, label smoothing or budget out of range");
        if (r.compareAttention && r.mode != TrainMode::Scratch)
            return makeError(ErrorCode::InvalidArgument, "--compare-attention needs --mode scratch");
        if (r.mode != TrainMode::Scratch && r.base.empty())
            return makeError(ErrorCode::InvalidArgument, std::string(trainModeName(r.mode)) + " training needs a base model");
        auto device = parseDevice(r.device);
        if (!device) return device.error();
        if (out.empty()) return makeError(ErrorCode::InvalidArgument, "no output package given");
        const fs::path outPath = fs::absolute(out);
        std::vector<fs::path> outs;
        if (r.compareAttention)
            outs = {outPath.string() + "-differential", outPath.string() + "-standard"};
        else
            outs = {outPath};
        std::error_code ec;
        for (const auto& o : outs)
            if (fs::exists(o, ec) && !options.overwrite)
                return makeError(ErrorCode::Io, o.string() + " already exists (use --overwrite)");
        const fs::path ckptRoot = options.checkpointDir.empty() ? fs::path(outPath.string() + ".partial")
                                                                : fs::absolute(options.checkpointDir);
        torch::manual_seed(r.seed);

        const Progress& progress = options.job.progress;
        progress.stage("prepare");
        LoadedModel base;
        ModelConfig scratchCfg;
        std::shared_ptr<const Tokenizer> scratchTok;
        std::string scratchMerges;
        int64_t size = 0;
        if (r.mode == TrainMode::Scratch) {
            const std::string arch = r.architecture;
            auto cfg = arch.rfind("preset:", 0) == 0 ? ModelConfig::preset(arch.substr(7)) : ModelConfig::fromFile(arch);
            if (!cfg) return cfg.error();
            scratchCfg = *cfg;
            if (r.imageSize > 0)
                scratchCfg.vision.imageSize = scratchCfg.preprocess.resizeShorter = scratchCfg.preprocess.cropSize = r.imageSize;
            // The text tower reads CLIP BPE ids when the bundled merges are there, else raw bytes.
            scratchMerges = bundledMergesPath();
            if (!scratchMerges.empty()) {
                auto tok = Tokenizer::fromMergesFile(scratchMerges);
                if (tok) scratchTok = std::make_shared<Tokenizer>(std::move(*tok));
                else scratchMerges.clear();
            }
            if (!scratchTok) {
                scratchCfg.text.vocabSize = kByteTokenizerVocab;
                scratchCfg.tokenizer.kind = "byte-level";
            } else {
                scratchCfg.text.vocabSize = scratchTok->vocabSize();
                scratchCfg.tokenizer.kind = "clip-bpe";
            }
            if (Status s = scratchCfg.validate(); !s) return s.error();
            size = scratchCfg.vision.imageSize;
        } else {
            progress.message("loading " + r.base);
            LoadOptions lo;
            lo.checksums = true;
            lo.requireTokenizer = r.mode == TrainMode::Contrastive;
            auto m = loadModel(r.base, lo);
            if (!m) return m.error();
            base = std::move(*m);
            base.model->to(*device);
            size = base.model->config().vision.imageSize;
        }
        // Augmenting modes cache 1.5x the input size, so random crops keep detail.
        const int cacheSize = static_cast<int>(r.mode == TrainMode::Linear || !r.augment.enabled ? size : (size * 3 + 1) / 2);
        progress.message("decoding photos under " + dataRoot);
        auto data = loadDataset(dataRoot, cacheSize, options.decode, options.job);
        if (!data) return data.error();
        auto split = splitDataset(*data, r.valFraction, r.seed);
        if (!split) return split.error();
        if (split->train.empty()) return makeError(ErrorCode::InvalidArgument, "no photos left to train on");
        Job job{r, options, *data, *split, *device, r.timeBudgetMinutes * 60.0};

        Json summary = Json::object();
        summary["format"] = "diffclip-training/1";
        summary["mode"] = trainModeName(r.mode);
        summary["recipe"] = r.toJson();
        summary["data"] = dataJson(*data, *split);
        summary["libtorch"] = libtorchVersion();
        summary["device"] = device->str();
        TrainReport report;

        if (r.mode == TrainMode::Linear) {
            auto v = runLinear(job, base);
            if (!v) return v.error();
            Json head, training = summary;
            for (const auto& [k, val] : v->items()) {
                if (k == "_head")
                    head = val;
                else
                    training[k] = val;
            }
            progress.stage("package");
            progress.message("writing " + outs[0].string());
            fs::create_directories(ckptRoot, ec);
            if (Status s = installPackage(base.model, base.tokenizerPath, "diffclip train (linear probe)", ckptRoot,
                                          outs[0], training, head, options.overwrite);
                !s)
                return s.error();
            fs::remove_all(ckptRoot, ec);
            training["package"] = outs[0].string();
            report.summary = training;
            report.package = outs[0].string();
            return report;
        }

        std::vector<std::string> variants = r.compareAttention ? std::vector<std::string>{"differential", "standard"}
                                                               : std::vector<std::string>{""};
        if (r.compareAttention) job.budgetSeconds /= 2.0;  // the same time for each side
        StateDict baseWeights;
        if (r.mode == TrainMode::Contrastive)
            for (const auto& [n, t] : base.model->weights()) baseWeights.emplace_back(n, t.detach().cpu().clone());
        Json compare = Json::object();
        for (size_t vi = 0; vi < variants.size(); ++vi) {
            VariantInput in;
            in.variant = variants[vi];
            in.out = outs[vi];
            in.ckpt = ckptRoot / (in.variant.empty() ? std::string("run") : in.variant);
            const Tokenizer* tok = nullptr;
            if (r.mode == TrainMode::Scratch) {
                ModelConfig c = scratchCfg;
                if (in.variant == "standard") {
                    c.attention = AttentionKind::Standard;
                    c.vision.normEps = 1e-6;
                    c.name += " (standard attention)";
                }
                in.model = ClipModel(c);
                in.model->initialiseRandom(r.seed);
                in.model->to(*device);
                in.mergesPath = scratchMerges;
                tok = scratchTok.get();
                Json p = Json::object();
                p["architecture"] = r.architecture;
                p["config"] = c.toJson();
                p["init_seed"] = static_cast<uint64_t>(r.seed);
                in.parent = p;
            } else {
                in.model = base.model;
                in.mergesPath = base.tokenizerPath;
                in.base = &baseWeights;
                in.parent = parentJson(base);
                tok = base.tokenizer.get();
            }
            auto tokens = promptTokens(*data, tok, in.model->config().text.contextLength);
            if (!tokens) return tokens.error();
            in.tokens = *tokens;
            auto v = trainClassVariant(job, in);
            if (!v) return v.error();
            Json training = summary;
            for (const auto& [k, val] : v->items()) training[k] = val;
            progress.stage("package");
            job.say(in.variant, "writing " + in.out.string());
            torch::NoGradGuard ng;
            auto txt = textEmbeddings(in.model, in.tokens).cpu();
            Json head = classesJson(*data, txt, "text-prompts");
            head["logit_scale"] = logitScaleValue(in.model);
            in.model->to(at::kCPU);
            if (Status s = installPackage(in.model, in.mergesPath, std::string("diffclip train (") + trainModeName(r.mode) + ")",
                                          in.ckpt, in.out, training, head, options.overwrite);
                !s)
                return s.error();
            fs::remove_all(in.ckpt, ec);
            training["package"] = in.out.string();
            if (vi == 0) report.package = in.out.string();
            if (r.compareAttention)
                compare[in.variant] = training;
            else
                report.summary = training;
        }
        fs::remove_all(ckptRoot, ec);
        if (r.compareAttention) {
            Json s = summary;
            s["compare_attention"] = compare;
            report.summary = s;
        }
        return report;
    } catch (const c10::Error& e) {
        return torchError("training", e);
    } catch (const std::exception& e) {
        return torchError("training", e);
    }
}

}  // namespace diffclip
