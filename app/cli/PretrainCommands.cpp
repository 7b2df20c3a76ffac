// `diffclip pretrain`: the reproducible recipe of the shipped starters. Formula-driven images
// (fractals and contours, generated here) become a classification task on which a scratch
// model's vision tower is trained; the result is exported as a starter (Starter.h).
#include <csignal>
#include <filesystem>
#include <iomanip>
#include <sstream>
#include <iostream>

#include "Commands.h"
#include "Output.h"
#include "ProgressOutput.h"
#include "TrainOutput.h"
#include "diffclip/demo/FormulaImages.h"
#include "diffclip/model/Runtime.h"
#include "diffclip/training/Starter.h"
#include "diffclip/training/TrainJob.h"

namespace diffclip::cli {

namespace {

namespace fs = std::filesystem;

CancelToken g_pretrainCancel;  // cancel() is safe in a signal handler (Job.h)
extern "C" void onPretrainInterrupt(int) { g_pretrainCancel.cancel(); }

constexpr const char* kSynopsis =
    "--out STARTER [--architecture preset:NAME] [--classes N] [--per-class N] [--time-budget MIN] [options]\n\n"
    "Pretrains a vision tower on formula-driven images (fractals and contours generated from --seed;\n"
    "no photo is involved) and writes it as a starter: STARTER/config.json, model.safetensors (fp16,\n"
    "vision tower only) and starter.json (recipe, data, compute, checksum). Installed under\n"
    "share/diffclip-studio/starters/, a starter is where `train --mode scratch` begins by default.\n"
    "The images and the training checkpoint live in STARTER.work/: running the same command again\n"
    "resumes (a --time-budget counts over resumes). See docs/TRAINING.md, \"Starters\".";

}  // namespace

int runPretrain(int argc, char** argv) {
    CommandLine cli("pretrain", kSynopsis);
    std::string out, architecture = "preset:diffclip-mini", device = "auto", work;
    long long classes = 128, perClass = 100, seed = 0, epochs = 0, threadCount = 0, batch = 0, imageSize = 0;
    double timeBudget = 0.0, lr = 0.0;
    bool overwrite = false, json = false;
    cli.addText("--out", out, "STARTER", "the starter folder to write")->required();
    cli.addText("--architecture", architecture, "A", "preset:NAME or config.json (default preset:diffclip-mini)");
    cli.addInteger("--image-size", imageSize, 0, 1024, "N", "training resolution in pixels (default the architecture's)");
    cli.addInteger("--classes", classes, 2, 10000, "N", "formula classes (default 128)");
    cli.addInteger("--per-class", perClass, 2, 100000, "N", "images per class (default 100)");
    cli.addInteger("--seed", seed, 0, kNoLimit, "S", "generator, split and initialisation seed (default 0)");
    cli.addNumber("--time-budget", timeBudget, 0, kInfinity, "MIN", "training minutes over all resumes (0: by --epochs)");
    cli.addInteger("--epochs", epochs, 1, 1000000, "N", "most epochs (default 60 without a budget)");
    cli.addInteger("--batch", batch, 1, 65536, "N", "photos per step (default 64)");
    cli.addNumber("--lr", lr, 0, kInfinity, "X", "peak learning rate (default 1e-3)", true);
    cli.addText("--device", device, "D", "auto | cpu | cuda | cuda:N (default auto)");
    cli.addInteger("--threads", threadCount, 0, 1024, "N", "CPU threads (default: chosen for the machine)");
    cli.addText("--work", work, "DIR", "images and checkpoint (default STARTER.work)");
    cli.addFlag("--overwrite", overwrite, "replace an existing starter at --out");
    cli.addFlag("--json", json, kJsonHelp);
    if (int rc = cli.parse(argc, argv); rc >= 0) return rc;

    const fs::path outPath = fs::absolute(out);
    std::error_code ec;
    if (fs::exists(outPath, ec) && !overwrite) return fail(makeError(ErrorCode::Io, outPath.string() + " already exists (use --overwrite)"));
    const fs::path workDir = work.empty() ? fs::path(outPath.string() + ".work") : fs::absolute(work);
    auto recipe = presetRecipe(TrainMode::Scratch, "standard");
    if (!recipe) return fail(recipe.error());
    TrainRecipe r = *recipe;
    r.architecture = architecture;
    r.imageSize = imageSize;
    r.init = "random";
    // All augmentations, random resized crops included (the shipped starters were made so;
    // the scratch preset leaves crops out for photos, docs/TRAINING.md).
    r.augment = AugmentConfig{};
    r.seed = static_cast<uint64_t>(seed);
    r.device = device;
    r.valFraction = 0.1;
    r.timeBudgetMinutes = timeBudget;
    r.epochs = epochs > 0 ? int(epochs) : timeBudget > 0 ? 100000 : 60;
    if (batch > 0) r.batchSize = int(batch);
    if (cli.given("--lr")) r.learningRate = lr;
    // The size images are generated at: training crops 1.5x its input (TrainJob.h), so the same.
    auto cfg = r.architecture.rfind("preset:", 0) == 0 ? ModelConfig::preset(r.architecture.substr(7))
                                                        : ModelConfig::fromFile(r.architecture);
    if (!cfg) return fail(cfg.error());
    const int trainSize = int(imageSize > 0 ? imageSize : cfg->vision.imageSize);
    const int genSize = std::max(32, (trainSize * 3 + 1) / 2);
    const int threads = configureCpuThreads(at::kFloat, static_cast<int>(threadCount));

    JobControl job;
    job.cancel = g_pretrainCancel;
    job.progress = stderrProgress("pretrain");
    std::signal(SIGINT, onPretrainInterrupt);
    std::signal(SIGTERM, onPretrainInterrupt);
    const fs::path images = workDir / "images";
    std::cerr << "diffclip pretrain: " << classes << " formula classes x " << perClass << " images at " << genSize
              << " px under " << images.string() << ", " << threads << " CPU thread(s)\n";
    if (Status s = demo::writeFormulaTree(images.string(), int(classes), int(perClass), genSize, r.seed, job); !s)
        return fail(s.error());
    TrainOptions options;
    options.job = job;
    options.overwrite = true;  // the package in the work folder is an intermediate
    options.onMetrics = metricsPrinter(job.progress);
    auto rep = runTraining(images.string(), r, (workDir / "model").string(), options);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!rep) return fail(rep.error());

    Json provenance = Json::object();
    Json p = Json::object();
    p["command"] = "diffclip pretrain";
    p["generator"] = Json::object({{"kind", "formula (fractal + contour)"},
                                   {"version", demo::kFormulaGeneratorVersion},
                                   {"classes", classes},
                                   {"per_class", perClass},
                                   {"size", genSize},
                                   {"seed", static_cast<uint64_t>(seed)}});
    for (const char* k : {"recipe", "epochs_completed", "best_epoch", "stop_reason", "training_seconds", "libtorch",
                          "device", "learning"})
        if (const Json* v = jsonFind(rep->summary, k)) p[k] = *v;
    // The validation figures without the per-class table and confusion matrix (classes x classes).
    if (const Json* after = jsonFind(rep->summary, "after")) {
        Json figures = Json::object();
        for (const char* k : {"count", "top1", "top5", "balanced_accuracy", "image_recall"})
            if (const Json* v = jsonFind(*after, k)) figures[k] = *v;
        p["after"] = figures;
    }
    p["cpu"] = cpuCaps().describe();
    p["threads"] = threads;
    provenance["pretraining"] = p;
    if (Status s = exportStarter((workDir / "model").string(), outPath.string(), provenance, overwrite); !s) return fail(s.error());
    auto starter = readStarter(outPath.string());
    if (!starter) return fail(starter.error());
    std::string top1 = "-";
    if (const Json* after = jsonFind(rep->summary, "after"))
        if (const Json* t = jsonFind(*after, "top1"); t && t->is_number()) {
            std::ostringstream v;
            v << std::fixed << std::setprecision(1) << 100.0 * t->get<double>() << "%";
            top1 = v.str();
        }
    std::cerr << "starter written to " << outPath.string() << "\n  sha256 "
              << jsonFind(starter->manifest, "sha256")->get<std::string>() << "\n  pretraining validation top-1 " << top1
              << "\n";
    if (json) printJson(starter->manifest);
    return kOk;
}

}  // namespace diffclip::cli
