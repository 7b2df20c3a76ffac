// `diffclip train`: fine-tuning and training jobs on a folder-per-class tree (docs/TRAINING.md).
#include <chrono>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "Commands.h"
#include "Output.h"
#include "ProgressOutput.h"
#include "TrainOutput.h"
#include "diffclip/library/Library.h"
#include "diffclip/model/Runtime.h"
#include "diffclip/training/Trainer.h"

namespace diffclip::cli {

namespace {

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
    const AugmentConfig defaults;
    if (!crop) a.cropScaleMin = 1.0;
    else if (a.cropScaleMin >= 1.0) a.cropScaleMin = defaults.cropScaleMin;  // the preset had it off
    a.cropRatio = !crop ? 1.0 : a.cropRatio > 1.0 ? a.cropRatio : defaults.cropRatio;
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

void printSelfSupervised(const Json& v) {
    std::cerr << static_cast<int64_t>(num(&v, "epochs_completed")) << " epochs (" << textAt(v, "stop_reason") << "), "
              << clock(num(&v, "training_seconds")) << "\n";
    for (const char* when : {"before", "after"}) {
        const Json* m = jsonFind(v, when);
        if (!m) continue;
        std::cerr << "  " << std::left << std::setw(8) << when << std::right << std::fixed << std::setprecision(3)
                  << " val loss " << num(m, "val_loss") << std::setprecision(1) << "  view match "
                  << 100.0 * num(m, "view_match") << "%";
        if (jsonFind(*m, "image_recall_at_1")) std::cerr << "  image R@1 " << 100.0 * num(m, "image_recall_at_1") << "%";
        std::cerr << "\n" << std::defaultfloat;
    }
    std::cerr << "  starter " << textAt(v, "starter") << " (train --mode scratch --init " << textAt(v, "starter") << ")\n";
    if (jsonFind(v, "package"))
        std::cerr << "  search package " << textAt(v, "package") << " (index --model " << textAt(v, "package")
                  << "; photo search only)\n";
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
    if (const Json* f = jsonFind(v, "test_time_flips")) {
        std::cerr << std::fixed << std::setprecision(1) << "  search embeddings: " << static_cast<int>(num(f, "views"))
                  << " view(s) (validation top-1 " << 100.0 * num(jsonFind(*f, "single_view"), "top1") << "% with one, "
                  << 100.0 * num(jsonFind(*f, "four_views"), "top1") << "% with four flipped views)\n" << std::defaultfloat;
    }
    const Json* learning = jsonFind(v, "learning");
    if (const Json* rt = learning ? jsonFind(*learning, "range_test") : nullptr)
        std::cerr << "  learning-rate range test: " << textAt(*rt, "rule") << "\n";
    if (jsonFind(v, "package")) std::cerr << "  package " << textAt(v, "package") << "\n";
}

}  // namespace

std::function<void(const TrainMetrics&)> metricsPrinter(const Progress& progress) {
    // The live figures every 5 seconds, as lines of the same output (so a terminal's updating
    // counts line is closed first).
    auto lastPrint = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now() -
                                                                             std::chrono::hours(1));
    return [progress, lastPrint](const TrainMetrics& p) {
        const auto now = std::chrono::steady_clock::now();
        if (now - *lastPrint < std::chrono::seconds(5)) return;
        *lastPrint = now;
        std::ostringstream line;
        if (!p.variant.empty()) line << "[" << p.variant << "] ";
        line << "epoch " << p.epoch << "/" << p.epochs;
        if (p.steps > 0) line << " step " << p.step << "/" << p.steps;
        line << std::fixed << std::setprecision(4) << " loss " << p.loss << std::setprecision(1);
        if (p.imagesPerSecond > 0) line << " " << p.imagesPerSecond << " img/s";
        if (p.valTop1 >= 0) line << " val top-1 " << 100.0 * p.valTop1 << "%";
        line << std::defaultfloat << " elapsed " << clock(p.elapsedSeconds) << " left " << clock(p.remainingSeconds);
        progress.message(line.str());
    };
}

int runTrain(int argc, char** argv) {
    CommandLine cli("train",
                    "--data FOLDER --mode contrastive|linear|scratch|self-supervised [--base MODEL] --out PACKAGE [options]\n\n"
                    "Trains on a folder-per-class tree (class = folder name; optional prompt.txt per class) and writes\n"
                    "a model package with training.json and classes.json. A checkpoint per epoch goes to\n"
                    "PACKAGE.partial/; running the same command again resumes. Ctrl-C stops after the current step\n"
                    "(the checkpoint stays). Progress goes to standard error. See docs/TRAINING.md.\n"
                    "--mode self-supervised needs no labels: it trains the vision tower on the photos of --data (any\n"
                    "folder) or of --library and writes a starter for `--mode scratch --init STARTER`.");
    // Options without a fixed default take the preset's (--preset, --mode) when not given.
    std::string data, modeName, base, out, preset = "standard", device = "auto", architecture, wiseAlpha, augment,
                init = "auto", flipViews;
    long long epochs = 0, seed = 0, batch = 0, accumulation = 1, patience = 0, imageSize = 0, freezeBlocks = 0,
              threadCount = 0;
    double timeBudget = 0.0, valSplit = 0.2, lr = 0.0, weightDecay = 0.0, labelSmoothing = 0.0, ema = 0.0;
    std::string library, searchPackage;
    double temperature = 0.0;
    bool trainText = false, compareAttention = false, noBalance = false, overwrite = false, json = false, findLr = false;
    cli.addText("--data", data, "FOLDER", "folder-per-class tree of photos (self-supervised: any folder of photos)");
    cli.addText("--library", library, "LIB", "self-supervised: train on this library's photos instead of --data");
    cli.addText("--mode", modeName, "M", "linear | contrastive | scratch | self-supervised")->required();
    cli.addText("--base", base, "MODEL", "starting model (linear, contrastive)");
    cli.addText("--out", out, "PACKAGE", "the package to write (self-supervised: the starter folder)")->required();
    cli.addText("--preset", preset, "P", "quick | standard | thorough (default standard)");
    cli.addInteger("--epochs", epochs, 1, 1000000, "N", "most epochs (linear: head iterations)");
    cli.addNumber("--time-budget", timeBudget, 0, kInfinity, "MIN", "stop cleanly after MIN minutes, keeping the best epoch");
    cli.addNumber("--val-split", valSplit, 0, 0.9, "F", "validation fraction, 0..0.9 (default 0.2)");
    cli.addInteger("--seed", seed, 0, kNoLimit, "S", "split, initialisation and augmentation seed (default 0)");
    cli.addText("--device", device, "D", "auto | cpu | cuda | cuda:N (default auto)");
    cli.addInteger("--threads", threadCount, 0, 1024, "N", "CPU threads (default: chosen for the machine)");
    cli.addInteger("--batch", batch, 1, 65536, "N", "photos per step");
    cli.addInteger("--accumulation", accumulation, 1, 1024, "N", "micro-batches per optimizer step (default 1)");
    cli.addNumber("--lr", lr, 0, kInfinity, "X", "peak learning rate", true);
    cli.addNumber("--weight-decay", weightDecay, 0, kInfinity, "X", "decoupled weight decay");
    cli.addNumber("--label-smoothing", labelSmoothing, 0, 0.5, "X", "0..0.5");
    cli.addChoice("--flip-views", flipViews, {"auto", "1", "2", "4"}, "V",
                  "contrastive, scratch: flipped views the package's search embeddings average (auto: 4 when the\n"
                  "final validation is better with them, else 1; default auto for scratch, 1 for contrastive)");
    cli.addFlag("--find-lr", findLr,
                "contrastive, scratch: a learning-rate range test before the first epoch picks the peak rate\n"
                "(within the preset's or --lr's rate / 100 .. x 10; its seconds count towards --time-budget)");
    cli.addNumber("--ema", ema, 0, 0.99999, "D",
                  "contrastive, scratch: keep a moving average of the weights with decay D per step (0 off) and\n"
                  "judge and package the average");
    cli.addInteger("--patience", patience, 0, kNoLimit, "N", "early stopping after N epochs without improvement (0 off)");
    cli.addInteger("--image-size", imageSize, 0, 1024, "N", "scratch, self-supervised: training resolution in pixels");
    cli.addText("--architecture", architecture, "A", "scratch, self-supervised: preset:NAME or config.json (default by --preset)");
    cli.addText("--init", init, "I",
                "scratch, self-supervised: auto | starter | random | STARTER_FOLDER: where the vision tower starts\n"
                "(default auto: the installed starter that fits the architecture, else random)");
    cli.addText("--package", searchPackage, "PACKAGE",
                "self-supervised: also write the model as a package, to index and search a library with before any "
                "label exists (photo search only: its text tower is untrained)");
    cli.addNumber("--temperature", temperature, 0, 1, "T", "self-supervised: NT-Xent temperature, 0 < T <= 1 (default 0.2)");
    cli.addInteger("--freeze-blocks", freezeBlocks, 0, kNoLimit, "N", "contrastive: leave the first N vision blocks frozen");
    cli.addFlag("--train-text", trainText, "contrastive: fine-tune the text tower too");
    cli.addText("--wise-alpha", wiseAlpha, "A", "contrastive: WiSE-FT weight in the package, 0..1 or auto")
        ->check([](const std::string& text) {
            std::string value = text;
            return text == "auto" || numberIn(0, 1)(value).empty() ? std::string()
                                                                   : "needs a number in 0..1 or auto, not \"" + text + "\"";
        });
    cli.addFlag("--compare-attention", compareAttention, "scratch: train standard and differential on one split");
    cli.addText("--augment", augment, "LIST", "crop,hflip,vflip,rotate,color,blur or none (default all; scratch: all but crop)");
    cli.addFlag("--no-balance", noBalance, "no class-balancing loss weights");
    cli.addFlag("--overwrite", overwrite, "replace an existing package at --out");
    cli.addFlag("--json", json, "print the summary as JSON on standard output");
    if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
    auto mode = parseTrainMode(modeName);
    if (!mode) return cli.usageError(mode.error().message);
    auto recipe = presetRecipe(*mode, preset);
    if (!recipe) return cli.usageError(recipe.error().message);
    TrainRecipe r = *recipe;
    r.base = base;
    const bool fromArchitecture = *mode == TrainMode::Scratch || *mode == TrainMode::SelfSupervised;
    const bool selfSupervised = *mode == TrainMode::SelfSupervised;
    if (!fromArchitecture && r.base.empty()) return cli.usageError("--mode " + modeName + " needs --base MODEL");
    if (fromArchitecture && !r.base.empty()) return cli.usageError("--mode " + modeName + " takes no --base");
    if (!library.empty() && !selfSupervised) return cli.usageError("--library needs --mode self-supervised");
    if (data.empty() == library.empty())
        return cli.usageError(selfSupervised ? "give --data FOLDER or --library LIB" : "--data FOLDER is required");
    if (!searchPackage.empty() && !selfSupervised) return cli.usageError("--package needs --mode self-supervised");
    if (cli.given("--temperature")) {
        if (!selfSupervised) return cli.usageError("--temperature needs --mode self-supervised");
        if (!(temperature > 0)) return cli.usageError("--temperature must be above 0");
        r.temperature = temperature;
    }
    r.timeBudgetMinutes = timeBudget;
    // With a budget and no --epochs, the budget decides how many epochs run.
    if (cli.given("--epochs")) r.epochs = static_cast<int>(epochs);
    else if (r.timeBudgetMinutes > 0 && *mode != TrainMode::Linear) r.epochs = 100000;
    r.valFraction = valSplit;
    r.seed = static_cast<uint64_t>(seed);
    r.device = device;
    if (cli.given("--batch")) r.batchSize = static_cast<int>(batch);
    r.accumulation = static_cast<int>(accumulation);
    if (cli.given("--lr")) r.learningRate = lr;
    if (cli.given("--weight-decay")) r.weightDecay = weightDecay;
    if (cli.given("--label-smoothing")) r.labelSmoothing = labelSmoothing;
    if (cli.given("--patience")) r.patience = static_cast<int>(patience);
    if (cli.given("--flip-views")) {
        if (*mode != TrainMode::Contrastive && *mode != TrainMode::Scratch)
            return cli.usageError("--flip-views needs --mode contrastive or scratch");
        r.flipViews = flipViews == "auto" ? 0 : std::stoi(flipViews);
    }
    if (findLr) {
        if (*mode != TrainMode::Contrastive && *mode != TrainMode::Scratch)
            return cli.usageError("--find-lr needs --mode contrastive or scratch");
        r.findLearningRate = true;
    }
    if (cli.given("--ema")) {
        if (*mode != TrainMode::Contrastive && *mode != TrainMode::Scratch)
            return cli.usageError("--ema needs --mode contrastive or scratch");
        r.emaDecay = ema;
    }
    if (cli.given("--image-size")) r.imageSize = imageSize;
    if (cli.given("--architecture")) r.architecture = architecture;
    if (cli.given("--init") && !fromArchitecture) return cli.usageError("--init needs --mode scratch or self-supervised");
    r.init = init;
    r.freezeBlocks = static_cast<int>(freezeBlocks);
    r.trainText = trainText;
    if (cli.given("--wise-alpha")) r.wiseAlpha = wiseAlpha == "auto" ? -1.0 : std::stod(wiseAlpha);
    r.compareAttention = compareAttention;
    if (r.compareAttention && *mode != TrainMode::Scratch) return cli.usageError("--compare-attention needs --mode scratch");
    if (noBalance) r.balanceClasses = false;
    if (cli.given("--augment")) {
        std::string err;
        if (!parseAugment(augment, r.augment, err)) return cli.usageError(err);
    }
    const int threads = configureCpuThreads(at::kFloat, static_cast<int>(threadCount));

    TrainOptions options;
    if (!library.empty()) {
        LibraryOptions lo;
        lo.readOnly = true;
        auto lib = Library::open(library, lo);
        if (!lib) return fail(lib.error());
        auto images = lib->listImages();
        if (!images) return fail(images.error());
        std::error_code ec;
        for (const auto& img : *images) {
            const std::string abs = std::filesystem::absolute(img.path, ec).string();
            if (!ec) options.photoFiles.push_back(abs);
        }
        if (options.photoFiles.empty()) return fail(makeError(ErrorCode::InvalidArgument, library + ": the library holds no photos"));
        data = library;  // recorded as the data's root in training.json
    }
    options.overwrite = overwrite;
    options.searchPackage = searchPackage;
    options.job.progress = stderrProgress("train");
    options.onMetrics = metricsPrinter(options.job.progress);
    std::cerr << "diffclip train: " << trainModeName(r.mode) << " (" << r.preset << "), " << threads << " CPU thread(s)\n";
    auto rep = [&] {
        const InterruptCancels interrupt;  // Ctrl-C stops after the current step, the checkpoint kept
        options.job.cancel = interrupt.token();
        return runTraining(data, r, out, options);
    }();
    if (!rep) return fail(rep.error());
    if (const Json* cmp = jsonFind(rep->summary, "compare_attention")) {
        for (const auto& [name, v] : cmp->items()) {
            std::cerr << name << ": ";
            printVariant(v);
        }
    } else if (selfSupervised) {
        printSelfSupervised(rep->summary);
    } else {
        printVariant(rep->summary);
    }
    if (json) printJson(rep->summary);
    return kOk;
}

}  // namespace diffclip::cli
