// The recipe: mode names, the recipe's JSON form and the presets per mode.
#include "diffclip/training/TrainJob.h"

#include <array>

#include "diffclip/base/EnumNames.h"

namespace diffclip {

constexpr EnumName<TrainMode> kTrainModeNames[] = {
    {TrainMode::Linear, "linear"}, {TrainMode::Contrastive, "contrastive"}, {TrainMode::Scratch, "scratch"},
    {TrainMode::SelfSupervised, "self-supervised"}};
static_assert(namesEveryValue(kTrainModeNames, TrainMode::SelfSupervised));

const char* trainModeName(TrainMode mode) { return enumName(kTrainModeNames, mode, "?"); }

Result<TrainMode> parseTrainMode(const std::string& text) {
    return parseEnum(kTrainModeNames, text, "mode", "linear, contrastive, scratch, self-supervised");
}

Json TrainRecipe::toJson() const {
    Json j = Json::object();
    j["mode"] = trainModeName(mode);
    j["preset"] = preset;
    const bool fromArchitecture = mode == TrainMode::Scratch || mode == TrainMode::SelfSupervised;
    if (!fromArchitecture) j["base"] = base;
    if (fromArchitecture) {
        j["architecture"] = architecture;
        j["image_size"] = imageSize;
        j["init"] = init;
    }
    if (mode == TrainMode::Scratch) j["compare_attention"] = compareAttention;
    if (mode == TrainMode::SelfSupervised) j["temperature"] = temperature;
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
    if (mode != TrainMode::Linear) j["recover_stalls"] = recoverStalls;
    // Only when on, so checkpoints of runs without one keep their recipe hash.
    if (emaDecay > 0 && (mode == TrainMode::Contrastive || mode == TrainMode::Scratch)) j["ema_decay"] = emaDecay;
    if (findLearningRate && (mode == TrainMode::Contrastive || mode == TrainMode::Scratch)) j["find_learning_rate"] = true;
    if (mode == TrainMode::Contrastive || mode == TrainMode::Scratch) {
        if (flipViews == 0) j["flip_views"] = "auto";
        else j["flip_views"] = flipViews;
    }
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
        r.flipViews = 1;
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
        // No random resized crop: a crop of 35 % of the photo often cuts away a defect that the
        // label is about (DeepPCB's crops centre the defect). Measured 10 minutes each, one
        // thread, seed 0 (docs/TRAINING.md): DeepPCB top-1 60.2 % with crops, 66.4 % without;
        // NEU 97.5 % and 97.8 % (image recall@1 95.8 % and 97.2 %).
        r.augment.cropScaleMin = 1.0;
        r.augment.cropRatio = 1.0;
        break;
    case TrainMode::SelfSupervised:
        // SimCLR's recipe scaled to a small tower on a CPU: the views differ by crop, flips,
        // rotation, brightness, contrast and blur (the default augmentation, crops included: two
        // crops of one photo are the pair); a gentler rate than scratch, as it usually starts
        // from the starter. Measured in docs/TRAINING.md ("Self-supervised").
        r.epochs = std::array<int, 3>{10, 40, 100}[level];
        r.architecture = "preset:diffclip-mini";
        r.learningRate = 3e-4;
        r.weightDecay = 0.05;
        r.batchSize = 64;
        r.warmupEpochs = 1.0;
        r.labelSmoothing = 0.0;
        r.balanceClasses = false;
        r.valFraction = 0.1;
        break;
    }
    return r;
}

}  // namespace diffclip
