// The objective and optimizer of contrastive and scratch training: label-smoothed, class-weighted
// cross-entropy over image-prompt cosines, AdamW with warm-up and cosine decay.
#include "TrainInternal.h"

#include <algorithm>
#include <cmath>

namespace diffclip {

using namespace train;

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

}  // namespace diffclip
