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

namespace train {

StepOptimizer::StepOptimizer(const ClipModel& model, const std::function<bool(const std::string&)>& trainable,
                             const TrainRecipe& recipe, int64_t totalSteps, int64_t warmupSteps)
    : m_recipe(recipe), m_total(std::max<int64_t>(1, totalSteps)), m_warmup(std::max<int64_t>(0, warmupSteps)) {
    std::vector<at::Tensor> decay, noDecay;
    for (auto& p : model->named_parameters()) {
        const std::string& n = p.key();
        const bool train = trainable(n);
        p.value().set_requires_grad(train);
        if (!train) continue;
        m_trainable.push_back(p.value());
        const bool embedding = (n.find("embed") != std::string::npos && n.find("patch_embed") == std::string::npos) ||
                               n.find("cls_token") != std::string::npos;
        (p.value().dim() <= 1 || embedding ? noDecay : decay).push_back(p.value());
    }
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(
                                   torch::optim::AdamWOptions(recipe.learningRate).weight_decay(recipe.weightDecay).betas({0.9, 0.98})));
    groups.emplace_back(noDecay, std::make_unique<torch::optim::AdamWOptions>(
                                     torch::optim::AdamWOptions(recipe.learningRate).weight_decay(0.0).betas({0.9, 0.98})));
    m_opt = std::make_unique<torch::optim::AdamW>(std::move(groups),
                                                  torch::optim::AdamWOptions(recipe.learningRate).betas({0.9, 0.98}));
}

double StepOptimizer::rateAt(int64_t s) const {
    const double peak = m_recipe.learningRate;
    if (s < m_warmup) return peak * static_cast<double>(s + 1) / static_cast<double>(m_warmup);
    const double p = std::min(1.0, static_cast<double>(s - m_warmup) / static_cast<double>(std::max<int64_t>(1, m_total - m_warmup)));
    const double floor = m_recipe.minLearningRateRatio;
    return peak * (floor + (1.0 - floor) * 0.5 * (1.0 + std::cos(3.14159265358979323846 * p)));
}

bool StepOptimizer::backward(const at::Tensor& loss) {
    const int accum = std::max(1, m_recipe.accumulation);
    (loss / static_cast<double>(accum)).backward();
    if (++m_micro % accum != 0) return false;
    const double lr = currentRate();
    for (auto& g : m_opt->param_groups()) static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
    if (m_recipe.clipNorm > 0) torch::nn::utils::clip_grad_norm_(m_trainable, m_recipe.clipNorm);
    m_opt->step();
    m_opt->zero_grad();
    ++m_step;
    return true;
}

Status StepOptimizer::save(const ClipModel& model, const std::string& path, const StateDict* extra) const {
    try {
        torch::serialize::OutputArchive ar, optAr;
        for (const auto& p : model->named_parameters()) ar.write(archiveKey(p.key()), p.value().detach().cpu());
        m_opt->save(optAr);
        ar.write("optimizer", optAr);
        if (extra) {
            torch::serialize::OutputArchive exAr;
            for (const auto& [n, t] : *extra) exAr.write(archiveKey(n), t.detach().cpu());
            ar.write("extra", exAr);
        }
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

Status StepOptimizer::load(ClipModel& model, const std::string& path, StateDict* extra) {
    try {
        torch::serialize::InputArchive ar, optAr, exAr;
        ar.load_from(path, model->device());
        readWeights(ar, model);
        ar.read("optimizer", optAr);
        m_opt->load(optAr);
        if (extra && ar.try_read("extra", exAr)) {
            torch::NoGradGuard ng;
            for (auto& [n, t] : *extra) {
                at::Tensor v;
                if (!exAr.try_read(archiveKey(n), v)) throw std::runtime_error("no " + n + " in its moving average");
                if (!v.sizes().equals(t.sizes())) throw std::runtime_error("moving average of " + n + " has another shape");
                t.copy_(v);
            }
        }
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Format, "reading checkpoint " + path + ": " + e.what());
    }
    return Status::success();
}

}  // namespace train

// ---------------------------------------------------------------- ClassTrainer

struct ClassTrainer::Impl {
    ClipModel model{nullptr};
    at::Tensor tokens, classWeights, logitScale, cachedText;
    TrainRecipe recipe;
    bool trainText = false;
    std::unique_ptr<StepOptimizer> opt;
    // The weights' exponential moving average (recipe.emaDecay > 0), by parameter name, on the
    // model's device; empty when off.
    StateDict ema;

    void updateEma() {
        torch::NoGradGuard ng;
        // Bias-corrected start (as in TensorFlow's ExponentialMovingAverage with num_updates):
        // early steps follow the weights closely, so the average does not hold the start for long.
        const double n = static_cast<double>(opt->steps());
        const double d = std::min(recipe.emaDecay, (1.0 + n) / (10.0 + n));
        size_t i = 0;
        for (const auto& p : model->named_parameters()) ema[i++].second.mul_(d).add_(p.value().detach(), 1.0 - d);
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
    d.classWeights = classWeights.defined() ? classWeights.to(model->device()) : classWeights;
    for (auto& p : model->named_parameters())
        if (p.key() == "logit_scale") d.logitScale = p.value();
    auto trainable = [&recipe, trainText](const std::string& n) {
        const bool vision = n.rfind("visual.", 0) == 0 || n == "image_projection";
        if (vision && n.rfind("visual.blocks.", 0) == 0) return std::atoi(n.c_str() + 14) >= recipe.freezeBlocks;
        if (vision && recipe.freezeBlocks > 0 &&
            (n.rfind("visual.patch_embed", 0) == 0 || n == "visual.cls_token" || n == "visual.pos_embed"))
            return false;
        return vision || n == "logit_scale" || trainText;
    };
    d.opt = std::make_unique<StepOptimizer>(model, trainable, recipe, totalSteps, warmupSteps);
    if (recipe.emaDecay > 0) {
        torch::NoGradGuard ng;
        for (const auto& p : model->named_parameters()) d.ema.emplace_back(p.key(), p.value().detach().clone());
    }
}

ClassTrainer::~ClassTrainer() = default;

double ClassTrainer::microStep(const at::Tensor& images, const at::Tensor& labels) {
    torch::AutoGradMode grad(true);
    auto loss = m_impl->forwardLoss(images, labels);
    if (m_impl->opt->backward(loss) && !m_impl->ema.empty()) m_impl->updateEma();
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

int64_t ClassTrainer::steps() const { return m_impl->opt->steps(); }
double ClassTrainer::currentLearningRate() const { return m_impl->opt->currentRate(); }
ClipModel ClassTrainer::model() const { return m_impl->model; }
void ClassTrainer::setStep(int64_t step) { m_impl->opt->setStep(step); }
void ClassTrainer::setTotalSteps(int64_t total) { m_impl->opt->setTotalSteps(total); }
void ClassTrainer::setFixedRate(double rate) { m_impl->opt->setFixedRate(rate); }

bool ClassTrainer::hasAverage() const { return !m_impl->ema.empty(); }

void ClassTrainer::swapAverage() {
    if (m_impl->ema.empty()) return;
    torch::NoGradGuard ng;
    size_t i = 0;
    for (auto& p : m_impl->model->named_parameters()) {
        at::Tensor& avg = m_impl->ema[i++].second;
        at::Tensor live = p.value().detach().clone();
        p.value().detach().copy_(avg);
        avg.copy_(live);
    }
    m_impl->cachedText = at::Tensor();
}

Status ClassTrainer::save(const std::string& path) const {
    return m_impl->opt->save(m_impl->model, path, m_impl->ema.empty() ? nullptr : &m_impl->ema);
}

Status ClassTrainer::load(const std::string& path) {
    m_impl->cachedText = at::Tensor();
    return m_impl->opt->load(m_impl->model, path, m_impl->ema.empty() ? nullptr : &m_impl->ema);
}

}  // namespace diffclip
