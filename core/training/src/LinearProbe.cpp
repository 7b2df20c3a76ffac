// The linear probe: a logistic-regression head on the frozen image embeddings of the base model.
#include "TrainInternal.h"

namespace diffclip::train {

at::Tensor classPrototypes(const at::Tensor& x, const at::Tensor& y, int64_t classes) {
    auto proto = torch::zeros({classes, x.size(1)});
    proto.index_add_(0, y, x);
    return torch::nn::functional::normalize(proto, torch::nn::functional::NormalizeFuncOptions().dim(1));
}

LinearHead fitLinearHead(const at::Tensor& x, const at::Tensor& y, const at::Tensor& prototypes, const TrainRecipe& r,
                         const at::Tensor& classWeights, const std::function<bool(int, const LinearHead&)>& after) {
    LinearHead head;
    // Full batch: each iteration is one epoch of one step.
    head.weight = (prototypes * 10.0).clone().set_requires_grad(true);
    head.bias = torch::zeros({prototypes.size(0)}).set_requires_grad(true);
    torch::optim::Adam opt({head.weight, head.bias}, torch::optim::AdamOptions(r.learningRate));
    for (int it = 0; it < r.epochs; ++it) {
        opt.zero_grad();
        auto l = classificationLoss(x.matmul(head.weight.t()) + head.bias, y, classWeights, r.labelSmoothing) +
                 r.weightDecay * head.weight.pow(2).sum();
        l.backward();
        opt.step();
        head.loss = l.item<double>();
        if (after && !after(it, head)) {
            head.completed = false;
            break;
        }
    }
    head.weight = head.weight.detach();
    head.bias = head.bias.detach();
    return head;
}

Result<Json> runLinear(Job& job, const LoadedModel& base) {
    const TrainRecipe& r = job.recipe;
    const Dataset& data = job.data;
    const ClipModel& model = base.model;
    const auto& cfg = model->config();
    const int size = static_cast<int>(cfg.vision.imageSize);
    TrainMetrics prog;
    job.progress().message("embedding " + std::to_string(data.samples.size()) + " photos with the frozen image tower");
    // The head reads what the base's search embeddings are (its flipped views included).
    const int views = static_cast<int>(cfg.preprocess.flipViews);
    auto tr = embedImages(model, data, job.split.train, size, cfg.preprocess, job.device, 64, views);
    if (job.cancelled()) return makeError(ErrorCode::Cancelled, "training cancelled");
    auto va = embedImages(model, data, job.split.val, size, cfg.preprocess, job.device, 64, views);
    auto ytr = labelTensor(data, job.split.train), yva = labelTensor(data, job.split.val);
    const auto C = static_cast<int64_t>(data.classes.size());
    const auto hashes = hashesOf(data, job.split.val);

    // Prototypes (normalised class means) start the head and stand in for zero-shot without text.
    auto proto = classPrototypes(tr, ytr, C);
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

    job.progress().stage("epoch", r.epochs);
    const auto t0 = Clock::now();
    const LinearHead fitted = fitLinearHead(tr, ytr, proto, r, classWeightTensor(trainCounts(data, job.split), r.balanceClasses),
                                            [&](int it, const LinearHead& h) {
        if (job.cancelled()) return false;
        job.progress().update(it + 1);
        if (it % 25 == 0 || it + 1 == r.epochs) {
            prog.epoch = it + 1;
            prog.epochs = r.epochs;
            prog.step = it + 1;
            prog.steps = r.epochs;
            prog.loss = h.loss;
            prog.learningRate = r.learningRate;  // plain Adam, no schedule
            // The head is tiny, so its validation top-1 is cheap enough to follow as a curve.
            if (yva.numel() > 0) {
                torch::NoGradGuard ng;
                prog.valTop1 = (va.matmul(h.weight.t()) + h.bias).argmax(1).eq(yva).to(torch::kDouble).mean().item<double>();
            }
            prog.epochEnd = true;
            prog.elapsedSeconds = secondsSince(t0);
            prog.remainingSeconds = prog.elapsedSeconds / (it + 1) * (r.epochs - it - 1);
            job.metrics(prog);
            prog.epochEnd = false;
        }
        return true;
    });
    if (!fitted.completed) return makeError(ErrorCode::Cancelled, "training cancelled");
    const at::Tensor& W = fitted.weight;
    const at::Tensor& b = fitted.bias;
    const double loss = fitted.loss;
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

}  // namespace diffclip::train
