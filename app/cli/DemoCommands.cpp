// The demo command of `diffclip`: `demo generate` writes the built-in demo data set.
#include <algorithm>
#include <csignal>
#include <iostream>

#include "Commands.h"
#include "Output.h"
#include "ProgressOutput.h"
#include "diffclip/demo/DemoData.h"

namespace diffclip::cli {

namespace {

CancelToken g_interrupted;  // cancel() is safe in a signal handler (Job.h)
extern "C" void onDemoInterrupt(int) { g_interrupted.cancel(); }

constexpr const char* kGenerateSynopsis =
    "--out DIR [--per-class N] [--seed S] [--size PIXELS] [--json]\n\n"
    "Writes the built-in demo data set: synthetic inspection photos of five surfaces (brushed and\n"
    "cast metal, painted panel, fabric, wood), one folder per class (good, scratch, crack, pit,\n"
    "stain, inclusion, dent) under DIR/photos, a ground-truth mask per photo under DIR/masks and\n"
    "plant metadata in DIR/metadata.csv. The same options always give the same files; a second\n"
    "run with the same options reuses them, other options replace them. DIR must be new, empty or\n"
    "an earlier demo folder.";

int runGenerate(int argc, char** argv) {
    CommandLine cli("demo generate", kGenerateSynopsis);
    std::string out;
    long long perClass = 40, seed = 1, size = 224;
    bool json = false;
    cli.addFlag("--json", json, kJsonHelp);
    cli.addText("--out", out, "DIR", "folder to write (created if missing)")->required();
    cli.addInteger("--per-class", perClass, 1, 100000, "N", "photos per class (default 40)");
    cli.addInteger("--seed", seed, 0, kNoLimit, "S", "random seed (default 1)");
    cli.addInteger("--size", size, 64, 2048, "PIXELS", "width and height of the photos, 64..2048 (default 224)");
    if (int rc = cli.parse(argc, argv, 3); rc >= 0) return rc;

    demo::DemoOptions o;
    o.perClass = int(perClass);
    o.seed = uint64_t(seed);
    o.imageSize = int(size);
    o.job.cancel = g_interrupted;
    o.job.progress = stderrProgress("demo");
    // Ctrl-C stops between photos; a later run with the same options finishes the folder.
    auto previous = std::signal(SIGINT, onDemoInterrupt);
    auto r = demo::generateDemoDataset(out, o);
    std::signal(SIGINT, previous);
    if (!r) return fail(r.error());

    if (json) {
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
    if (sub.empty() || sub[0] == '-') return runDemoAll(argc, argv);
#endif
    if (sub == "--help" || sub == "-h") {
        std::cout << "Usage: diffclip demo generate " << kGenerateSynopsis
                  << "\n\nRun 'diffclip demo generate --help' for its options.\n";
        return kOk;
    }
    return usage(sub.empty() ? "demo needs a subcommand: generate" : "unknown demo subcommand \"" + sub + "\"", "demo");
}

}  // namespace diffclip::cli
