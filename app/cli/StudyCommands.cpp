// `diffclip study data-needs`: how many labelled photos per class a model needs (DataNeeds.h,
// docs/POC.md "How many labelled photos").
#include <iomanip>
#include <iostream>
#include <sstream>

#include "Commands.h"
#include "Output.h"
#include "ProgressOutput.h"
#include "diffclip/model/Runtime.h"
#include "diffclip/training/DataNeeds.h"

namespace diffclip::cli {

namespace {

constexpr const char* kStudySynopsis = "Usage: diffclip study data-needs --data TREE --mode linear|scratch [options]\n";

std::string pct(double v) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(1) << 100.0 * v;
    return o.str();
}

std::string photos(double n) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(n < 10 ? 1 : 0) << n;
    return o.str();
}

void printReport(const DataNeedsReport& r) {
    std::cout << "data needs (" << r.mode << ", " << r.base << "): top-1 on " << r.heldOut << " held-out photos\n";
    std::cout << "  " << std::left << std::setw(10) << "N/class" << std::setw(10) << "trained" << std::setw(7) << "draws"
              << std::setw(10) << "top-1 %" << std::setw(18) << "95% interval" << std::setw(12) << "balanced %"
              << "seconds\n";
    for (const auto& p : r.points) {
        double balanced = 0.0;
        for (double b : p.balanced) balanced += b;
        balanced /= static_cast<double>(p.balanced.size());
        std::cout << "  " << std::left << std::setw(10) << (p.requested == 0 ? std::string("all") : std::to_string(p.requested))
                  << std::setw(10) << photos(p.perClass) << std::setw(7) << p.top1.size() << std::setw(10) << pct(p.mean)
                  << std::setw(18) << (pct(p.interval.low) + " - " + pct(p.interval.high)) << std::setw(12) << pct(balanced)
                  << std::fixed << std::setprecision(1) << p.seconds << "\n"
                  << std::defaultfloat;
    }
    if (!r.curve) {
        std::cout << "learning curve: none (" << r.curveNote << ")\n";
    } else {
        const auto& c = *r.curve;
        std::cout << std::fixed << std::setprecision(3) << "learning curve: top-1(n) = " << c.a << " - " << c.b << " * n^-"
                  << c.c << " (weighted RMS residual " << pct(c.rmse) << " points; n = photos per class)\n"
                  << std::defaultfloat;
        const std::string limit = photos(2.0 * c.maxN);
        if (r.needed) {
            std::cout << "for " << pct(r.target) << " % top-1: about " << photos(*r.needed) << " photos per class";
            std::cout << " (range " << (r.neededLow ? photos(*r.neededLow) : std::string("?")) << " to "
                      << (r.neededHigh ? photos(*r.neededHigh) : "more than " + limit) << ")\n";
        } else {
            std::cout << "for " << pct(r.target) << " % top-1: not reached within " << limit
                      << " photos per class (twice the most measured; no extrapolation past that): label more photos and "
                         "measure again, or train a stronger model\n";
        }
    }
    std::cout << "total " << std::fixed << std::setprecision(1) << r.seconds << " s\n" << std::defaultfloat;
}

int runDataNeedsCommand(int argc, char** argv) {
    CommandLine cli("study data-needs",
                    "--data TREE --mode linear|scratch [--base MODEL] [--sizes 5,10,20,50,all] [--repeats R] [options]\n\n"
                    "How many labelled photos per class a model needs: for each N, trains on N photos per class of the\n"
                    "folder-per-class TREE (R random draws), measures top-1 on one fixed held-out split, and fits a\n"
                    "learning curve top-1(n) = a - b*n^-c through the means. Says the N that reaches --target, with a\n"
                    "range, and never extrapolates past twice the largest N measured. --mode linear fits a head on the\n"
                    "frozen embeddings of --base (a model package or a starter; default: the installed starter);\n"
                    "--mode scratch runs `train --mode scratch` for every draw with --minutes-per-run each.\n"
                    "Progress goes to standard error; Ctrl-C stops. See docs/POC.md.");
    std::string data, modeName, base, sizesText = "5,10,20,50,all", device = "auto", preset = "standard";
    long long repeats = 3, seed = 0, threads = 0;
    double target = 0.9, valSplit = 0.2, minutesPerRun = 2.0;
    bool json = false;
    cli.addText("--data", data, "TREE", "folder-per-class tree of labelled photos")->required();
    cli.addText("--mode", modeName, "M", "linear | scratch")->required();
    cli.addText("--base", base, "MODEL", "linear: model package or starter folder (default: the installed starter)");
    cli.addText("--sizes", sizesText, "LIST", "photos per class to measure, e.g. 5,10,20,50,all (default)");
    cli.addInteger("--repeats", repeats, 1, 100, "R", "random draws per size (default 3)");
    cli.addNumber("--target", target, 0, 1, "F", "the top-1 to find N for, 0..1 (default 0.9)");
    cli.addNumber("--val-split", valSplit, 0.01, 0.9, "F", "held-out fraction, 0.01..0.9 (default 0.2)");
    cli.addInteger("--seed", seed, 0, kNoLimit, "S", "the held-out split's seed (default 0)");
    cli.addNumber("--minutes-per-run", minutesPerRun, 0.05, kInfinity, "MIN", "scratch: time budget of each run (default 2)");
    cli.addText("--preset", preset, "P", "quick | standard | thorough: the training recipe (default standard)");
    cli.addText("--device", device, "D", "auto | cpu | cuda | cuda:N (default auto)");
    cli.addInteger("--threads", threads, 0, 1024, "N", "CPU threads (default: chosen for the machine)");
    cli.addFlag("--json", json, kJsonHelp);
    if (int rc = cli.parse(argc, argv, 3); rc >= 0) return rc;
    auto mode = parseTrainMode(modeName);
    if (!mode) return cli.usageError(mode.error().message);
    if (*mode != TrainMode::Linear && *mode != TrainMode::Scratch) return cli.usageError("--mode must be linear or scratch");
    if (*mode == TrainMode::Scratch && !base.empty()) return cli.usageError("--mode scratch takes no --base");
    if (*mode == TrainMode::Linear && cli.given("--minutes-per-run")) return cli.usageError("--minutes-per-run needs --mode scratch");
    auto sizes = parseDataSizes(sizesText);
    if (!sizes) return cli.usageError("--" + sizes.error().message);
    auto recipe = presetRecipe(*mode, preset);
    if (!recipe) return cli.usageError(recipe.error().message);
    DataNeedsRequest req;
    req.dataRoot = data;
    req.mode = *mode;
    req.base = base;
    req.sizes = *sizes;
    req.repeats = static_cast<int>(repeats);
    req.target = target;
    req.recipe = *recipe;
    req.recipe.valFraction = valSplit;
    req.recipe.seed = static_cast<uint64_t>(seed);
    req.recipe.device = device;
    if (*mode == TrainMode::Scratch) {
        req.recipe.timeBudgetMinutes = minutesPerRun;
        req.recipe.epochs = 100000;  // the budget decides
    }
    const int used = configureCpuThreads(at::kFloat, static_cast<int>(threads));
    JobControl job;
    job.progress = stderrProgress("study");
    std::cerr << "diffclip study data-needs: " << modeName << ", sizes " << sizesText << ", " << repeats << " draw(s) each, "
              << used << " CPU thread(s)\n";
    auto rep = [&] {
        const InterruptCancels interrupt;  // Ctrl-C stops the study at its next draw or batch
        job.cancel = interrupt.token();
        return runDataNeeds(req, job);
    }();
    if (!rep) return fail(rep.error());
    if (json)
        printJson(rep->toJson());
    else
        printReport(*rep);
    return kOk;
}

}  // namespace

int runStudy(int argc, char** argv) {
    const std::string sub = argc >= 3 ? argv[2] : "";
    if (sub == "--help" || sub == "-h") {
        std::cout << kStudySynopsis
                  << "\n  data-needs   how many labelled photos per class reach a target top-1 (learning curve)\n"
                     "Run 'diffclip study data-needs --help' for its options.\n";
        return kOk;
    }
    if (sub == "data-needs") return runDataNeedsCommand(argc, argv);
    std::cerr << "diffclip: " << (sub.empty() ? "study needs a subcommand" : "unknown study subcommand \"" + sub + "\"")
              << "\n" << kStudySynopsis << "Try 'diffclip study --help'.\n";
    return kUsage;
}

}  // namespace diffclip::cli
