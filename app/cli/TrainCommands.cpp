// `diffclip train`: fine-tuning and training jobs on a folder-per-class tree (docs/TRAINING.md).
#include <atomic>
#include <chrono>
#include <csignal>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "Commands.h"
#include "Output.h"
#include "diffclip/model/Runtime.h"
#include "diffclip/training/Trainer.h"

namespace diffclip::cli {

namespace {

std::atomic<bool> g_cancel{false};

extern "C" void onInterrupt(int) {
    g_cancel.store(true);
    std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
    std::signal(SIGTERM, SIG_DFL);
}

std::string clock(double seconds) {
    if (seconds < 0) return "?";
    const auto s = static_cast<long long>(seconds + 0.5);
    std::ostringstream o;
    o << s / 60 << ":" << std::setw(2) << std::setfill('0') << s % 60;
    return o.str();
}

// "crop,hflip,vflip,rotate,color,blur" or "none": the parts of the augmentation left on.
bool parseAugment(const std::string& list, AugmentConfig& a, std::string& err) {
    if (list == "none") {
        a.enabled = false;
        return true;
    }
    bool crop = false, hflip = false, vflip = false, rotate = false, color = false, blur = false;
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (item == "crop") crop = true;
        else if (item == "hflip") hflip = true;
        else if (item == "vflip") vflip = true;
        else if (item == "rotate") rotate = true;
        else if (item == "color") color = true;
        else if (item == "blur") blur = true;
        else {
            err = "--augment: unknown part \"" + item + "\" (crop, hflip, vflip, rotate, color, blur, none)";
            return false;
        }
    }
    if (!crop) a.cropScaleMin = 1.0;
    a.cropRatio = crop ? a.cropRatio : 1.0;
    a.horizontalFlip = hflip;
    a.verticalFlip = vflip;
    if (!rotate) a.rotateDegrees = 0.0;
    if (!color) a.brightness = a.contrast = 0.0;
    if (!blur) a.blurProbability = 0.0;
    return true;
}

// A number member of the training summary, or `fallback` when absent or of another type.
double num(const Json* obj, const char* key, double fallback = 0.0) {
    const Json* v = obj ? jsonFind(*obj, key) : nullptr;
    return v && v->is_number() ? v->get<double>() : fallback;
}

std::string textAt(const Json& obj, const char* key) {
    const Json* v = jsonFind(obj, key);
    return v && v->is_string() ? v->get<std::string>() : std::string();
}

void printMetrics(const char* title, const Json* m) {
    if (!m) return;
    const Json* r = jsonFind(*m, "image_recall");
    std::cerr << "  " << std::left << std::setw(8) << title << std::right << std::fixed << std::setprecision(1)
              << " top-1 " << 100.0 * num(m, "top1") << "%  top-5 " << 100.0 * num(m, "top5") << "%";
    if (r && jsonFind(*r, "r@1"))
        std::cerr << "  image R@1 " << 100.0 * num(r, "r@1") << "%  R@5 " << 100.0 * num(r, "r@5") << "%  R@10 "
                  << 100.0 * num(r, "r@10") << "%";
    std::cerr << "\n" << std::defaultfloat;
}

void printVariant(const Json& v) {
    if (jsonFind(v, "attention")) std::cerr << "attention " << textAt(v, "attention");
    if (jsonFind(v, "epochs_completed")) std::cerr << ", " << static_cast<int64_t>(num(&v, "epochs_completed")) << " epochs";
    if (jsonFind(v, "stop_reason")) std::cerr << " (" << textAt(v, "stop_reason") << ")";
    if (jsonFind(v, "training_seconds")) std::cerr << ", " << clock(num(&v, "training_seconds"));
    std::cerr << "\n";
    printMetrics("before", jsonFind(v, "before"));
    printMetrics("after", jsonFind(v, "after"));
    if (const Json* w = jsonFind(v, "wise_ft")) {
        std::cerr << "  WiSE-FT top-1:";
        if (const Json* alphas = jsonFind(*w, "alphas"); alphas && alphas->is_array())
            for (const auto& e : *alphas)
                std::cerr << " a=" << std::setprecision(2) << num(&e, "alpha") << " " << std::fixed << std::setprecision(1)
                          << 100.0 * num(&e, "top1") << "%" << std::defaultfloat;
        std::cerr << std::setprecision(2) << " (package: a=" << num(w, "chosen_alpha", 1.0) << ")\n";
    }
    if (jsonFind(v, "package")) std::cerr << "  package " << textAt(v, "package") << "\n";
}

}  // namespace

int runTrain(int argc, char** argv) {
    Args args;
    if (int rc = parseCommand(
            argc, argv, "train",
            "--data FOLDER --mode contrastive|linear|scratch [--base MODEL] --out PACKAGE [options]\n\n"
            "Trains on a folder-per-class tree (class = folder name; optional prompt.txt per class) and writes\n"
            "a model package with training.json and classes.json. A checkpoint per epoch goes to\n"
            "PACKAGE.partial/; running the same command again resumes. Ctrl-C stops after the current step\n"
            "(the checkpoint stays). Progress goes to standard error. See docs/TRAINING.md.",
            {{"data", true, false, "--data FOLDER        folder-per-class tree of photos"},
             {"mode", true, false, "--mode M             linear | contrastive | scratch"},
             {"base", true, false, "--base MODEL         starting model (linear, contrastive)"},
             {"out", true, false, "--out PACKAGE        the package to write"},
             {"preset", true, false, "--preset P           quick | standard | thorough (default standard)"},
             {"epochs", true, false, "--epochs N           most epochs (linear: head iterations)"},
             {"time-budget", true, false, "--time-budget MIN    stop cleanly after MIN minutes, keeping the best epoch"},
             {"val-split", true, false, "--val-split F        validation fraction, 0..0.9 (default 0.2)"},
             {"seed", true, false, "--seed S             split, initialisation and augmentation seed (default 0)"},
             {"device", true, false, "--device D           auto | cpu | cuda | cuda:N (default auto)"},
             {"threads", true, false, "--threads N          CPU threads (default: chosen for the machine)"},
             {"batch", true, false, "--batch N            photos per step"},
             {"accumulation", true, false, "--accumulation N     micro-batches per optimizer step (default 1)"},
             {"lr", true, false, "--lr X               peak learning rate"},
             {"weight-decay", true, false, "--weight-decay X     decoupled weight decay"},
             {"label-smoothing", true, false, "--label-smoothing X  0..0.5"},
             {"patience", true, false, "--patience N         early stopping after N epochs without improvement (0 off)"},
             {"image-size", true, false, "--image-size N       scratch: training resolution in pixels"},
             {"architecture", true, false, "--architecture A     scratch: preset:NAME or config.json (default by --preset)"},
             {"freeze-blocks", true, false, "--freeze-blocks N    contrastive: leave the first N vision blocks frozen"},
             {"train-text", false, false, "--train-text         contrastive: fine-tune the text tower too"},
             {"wise-alpha", true, false, "--wise-alpha A       contrastive: WiSE-FT weight in the package, 0..1 or auto"},
             {"compare-attention", false, false, "--compare-attention  scratch: train standard and differential on one split"},
             {"augment", true, false, "--augment LIST       crop,hflip,vflip,rotate,color,blur or none (default all)"},
             {"no-balance", false, false, "--no-balance         no class-balancing loss weights"},
             {"overwrite", false, false, "--overwrite          replace an existing package at --out"},
             {"json", false, false, "--json               print the summary as JSON on standard output"}},
            args);
        rc >= 0)
        return rc;
    if (!args.has("data") || !args.has("mode") || !args.has("out")) return usage("train needs --data, --mode and --out", "train");
    auto mode = parseTrainMode(args.value("mode"));
    if (!mode) return usage(mode.error().message, "train");
    auto recipe = presetRecipe(*mode, args.value("preset", "standard"));
    if (!recipe) return usage(recipe.error().message, "train");
    TrainRecipe r = *recipe;
    r.base = args.value("base");
    if (*mode != TrainMode::Scratch && r.base.empty()) return usage("--mode " + args.value("mode") + " needs --base MODEL", "train");
    if (*mode == TrainMode::Scratch && !r.base.empty()) return usage("--mode scratch takes no --base", "train");
    long long n = 0;
    double x = 0;
    if (!args.doubleValue("time-budget", 0.0, r.timeBudgetMinutes) || r.timeBudgetMinutes < 0)
        return usage("--time-budget must be a number of minutes >= 0", "train");
    // With a budget and no --epochs, the budget decides how many epochs run.
    const long long defaultEpochs = r.timeBudgetMinutes > 0 && *mode != TrainMode::Linear ? 100000 : r.epochs;
    if (!args.intValue("epochs", defaultEpochs, n) || n < 1 || n > 1000000) return usage("--epochs must be 1..1000000", "train");
    r.epochs = static_cast<int>(n);
    if (!args.doubleValue("val-split", 0.2, r.valFraction) || r.valFraction < 0 || r.valFraction > 0.9)
        return usage("--val-split must be 0..0.9", "train");
    if (!args.intValue("seed", 0, n) || n < 0) return usage("--seed must be a number >= 0", "train");
    r.seed = static_cast<uint64_t>(n);
    r.device = args.value("device", "auto");
    if (!args.intValue("batch", r.batchSize, n) || n < 1 || n > 65536) return usage("--batch must be 1..65536", "train");
    r.batchSize = static_cast<int>(n);
    if (!args.intValue("accumulation", 1, n) || n < 1 || n > 1024) return usage("--accumulation must be 1..1024", "train");
    r.accumulation = static_cast<int>(n);
    if (!args.doubleValue("lr", r.learningRate, r.learningRate) || r.learningRate <= 0) return usage("--lr must be > 0", "train");
    if (!args.doubleValue("weight-decay", r.weightDecay, r.weightDecay) || r.weightDecay < 0)
        return usage("--weight-decay must be >= 0", "train");
    if (!args.doubleValue("label-smoothing", r.labelSmoothing, r.labelSmoothing) || r.labelSmoothing < 0 || r.labelSmoothing > 0.5)
        return usage("--label-smoothing must be 0..0.5", "train");
    if (!args.intValue("patience", r.patience, n) || n < 0) return usage("--patience must be >= 0", "train");
    r.patience = static_cast<int>(n);
    if (!args.intValue("image-size", r.imageSize, n) || n < 0 || n > 1024) return usage("--image-size must be 0..1024", "train");
    r.imageSize = n;
    r.architecture = args.value("architecture", r.architecture);
    if (!args.intValue("freeze-blocks", 0, n) || n < 0) return usage("--freeze-blocks must be >= 0", "train");
    r.freezeBlocks = static_cast<int>(n);
    r.trainText = args.has("train-text");
    if (args.has("wise-alpha")) {
        if (args.value("wise-alpha") == "auto") {
            r.wiseAlpha = -1.0;
        } else if (!args.doubleValue("wise-alpha", 1.0, x) || x < 0 || x > 1) {
            return usage("--wise-alpha must be 0..1 or auto", "train");
        } else {
            r.wiseAlpha = x;
        }
    }
    r.compareAttention = args.has("compare-attention");
    if (r.compareAttention && *mode != TrainMode::Scratch) return usage("--compare-attention needs --mode scratch", "train");
    if (args.has("no-balance")) r.balanceClasses = false;
    if (args.has("augment")) {
        std::string err;
        if (!parseAugment(args.value("augment"), r.augment, err)) return usage(err, "train");
    }
    if (!args.intValue("threads", 0, n) || n < 0 || n > 1024) return usage("--threads must be 0..1024", "train");
    const int threads = configureCpuThreads(at::kFloat, static_cast<int>(n));

    TrainOptions options;
    options.overwrite = args.has("overwrite");
    options.cancel = &g_cancel;
    auto lastPrint = std::chrono::steady_clock::now() - std::chrono::hours(1);
    options.progress = [&](const TrainProgress& p) {
        const auto now = std::chrono::steady_clock::now();
        if (p.message.empty() && now - lastPrint < std::chrono::seconds(5)) return;
        lastPrint = now;
        const std::string v = p.variant.empty() ? "" : "[" + p.variant + "] ";
        if (!p.message.empty()) {
            std::cerr << v << p.message << "\n";
            return;
        }
        std::cerr << v << p.phase << " epoch " << p.epoch << "/" << p.epochs;
        if (p.steps > 0) std::cerr << " step " << p.step << "/" << p.steps;
        std::cerr << std::fixed << std::setprecision(4) << " loss " << p.loss << std::setprecision(1);
        if (p.imagesPerSecond > 0) std::cerr << " " << p.imagesPerSecond << " img/s";
        if (p.valTop1 >= 0) std::cerr << " val top-1 " << 100.0 * p.valTop1 << "%";
        std::cerr << std::defaultfloat << " elapsed " << clock(p.elapsedSeconds) << " left " << clock(p.remainingSeconds)
                  << "\n";
    };
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    std::cerr << "diffclip train: " << trainModeName(r.mode) << " (" << r.preset << "), " << threads << " CPU thread(s)\n";
    auto rep = runTraining(args.value("data"), r, args.value("out"), options);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!rep) return fail(rep.error());
    if (const Json* cmp = jsonFind(rep->summary, "compare_attention")) {
        for (const auto& [name, v] : cmp->items()) {
            std::cerr << name << ": ";
            printVariant(v);
        }
    } else {
        printVariant(rep->summary);
    }
    if (args.has("json")) printJson(rep->summary);
    return kOk;
}

}  // namespace diffclip::cli
