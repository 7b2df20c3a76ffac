// The demo command of `diffclip`: `demo generate` writes the built-in demo data set.
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>

#include <unistd.h>

#include "Commands.h"
#include "Output.h"
#include "diffclip/demo/DemoData.h"

namespace diffclip::cli {

namespace {

std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the SIGINT handler needs a lock-free flag");
extern "C" void onDemoInterrupt(int) { g_interrupted.store(true); }

constexpr const char* kGenerateSynopsis =
    "demo generate --out DIR [--per-class N] [--seed S] [--size PIXELS] [--json]\n\n"
    "Writes the built-in demo data set: synthetic inspection photos of five surfaces (brushed and\n"
    "cast metal, painted panel, fabric, wood), one folder per class (good, scratch, crack, pit,\n"
    "stain, inclusion, dent) under DIR/photos, a ground-truth mask per photo under DIR/masks and\n"
    "plant metadata in DIR/metadata.csv. The same options always give the same files; a second\n"
    "run with the same options reuses them, other options replace them. DIR must be new, empty or\n"
    "an earlier demo folder.";

int runGenerate(int argc, char** argv) {
    const std::vector<OptionSpec> specs = {
        {"json", false, false, "--json             print one JSON document on standard output"},
        {"out", true, false, "--out DIR          folder to write (created if missing)"},
        {"per-class", true, false, "--per-class N      photos per class (default 40)"},
        {"seed", true, false, "--seed S           random seed (default 1)"},
        {"size", true, false, "--size PIXELS      width and height of the photos, 64..2048 (default 224)"},
        {"help", false, false, "--help             show this help"},
    };
    Args args;
    if (!args.parse(argc, argv, 3, specs)) return usage(args.error(), "demo generate");
    if (args.has("help")) {
        std::cout << "Usage: diffclip " << kGenerateSynopsis << "\n\nOptions:\n";
        for (const auto& s : specs) std::cout << "  " << s.help << "\n";
        return kOk;
    }
    if (!args.positionals().empty()) return usage("demo generate takes no positional arguments", "demo generate");
    if (!args.has("out")) return usage("demo generate needs --out DIR", "demo generate");
    long long perClass = 40, seed = 1, size = 224;
    if (!args.intValue("per-class", 40, perClass) || !args.intValue("seed", 1, seed) ||
        !args.intValue("size", 224, size))
        return usage(args.error(), "demo generate");
    if (perClass < 1 || perClass > 100000) return usage("--per-class must be 1..100000", "demo generate");
    if (seed < 0) return usage("--seed must not be negative", "demo generate");
    if (size < 64 || size > 2048) return usage("--size must be 64..2048", "demo generate");

    demo::DemoOptions o;
    o.perClass = int(perClass);
    o.seed = uint64_t(seed);
    o.imageSize = int(size);
    o.cancel = &g_interrupted;
    const bool tty = isatty(STDERR_FILENO);
    int64_t lastShown = -1;
    o.progress = [&](int64_t done, int64_t total) {
        // About every 5 %; one updating line on a terminal, plain lines in a log.
        if (done != total && done - lastShown < std::max<int64_t>(1, total / 20)) return;
        lastShown = done;
        std::fprintf(stderr, "%sdemo: %lld/%lld photos%s", tty ? "\r" : "", (long long)done, (long long)total,
                     tty && done != total ? "   " : "\n");
    };
    // Ctrl-C stops between photos; a later run with the same options finishes the folder.
    auto previous = std::signal(SIGINT, onDemoInterrupt);
    auto r = demo::generateDemoDataset(args.value("out"), o);
    std::signal(SIGINT, previous);
    if (!r) return fail(r.error());

    if (args.has("json")) {
        Json j = Json::object();
        j["out"] = r->root;
        j["photos_dir"] = r->photosDir;
        j["masks_dir"] = r->masksDir;
        j["metadata_csv"] = r->metadataCsv;
        Json classes = Json::array();
        for (const auto& c : r->classes) classes.push_back(c);
        j["classes"] = classes;
        j["photos"] = r->photos;
        j["per_class"] = int64_t(perClass);
        j["seed"] = int64_t(seed);
        j["image_size"] = int64_t(size);
        j["written"] = r->written;
        j["reused"] = r->reused;
        printJson(j);
    } else {
        std::cerr << (r->reused ? "Reused" : "Wrote") << " the demo data set in " << r->root << ": " << r->photos
                  << " photos in " << r->classes.size() << " classes (" << r->written << " written)\n"
                  << "Next: diffclip index --library demo.db --model MODEL --labels-from-folders --metadata "
                  << r->metadataCsv << " " << r->photosDir << "\n";
    }
    return kOk;
}

}  // namespace

int runDemo(int argc, char** argv) {
    const std::string sub = argc >= 3 ? argv[2] : "";
    if (sub == "generate") return runGenerate(argc, argv);
#ifdef DIFFCLIP_HAVE_DEMO_RUN
    // Without a subcommand (options only): the whole demo.
    if (sub.empty() || sub.rfind("--", 0) == 0) return runDemoAll(argc, argv);
#endif
    if (sub == "--help" || sub == "-h") {
        std::cout << "Usage: diffclip " << kGenerateSynopsis << "\n\nRun 'diffclip demo generate --help' for its options.\n";
        return kOk;
    }
    return usage(sub.empty() ? "demo needs a subcommand: generate" : "unknown demo subcommand \"" + sub + "\"", "demo");
}

}  // namespace diffclip::cli
