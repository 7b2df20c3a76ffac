// `diffclip`: the command line of DiffCLIP Studio (see docs/CLI.md).
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>

#include "Commands.h"
#include "Output.h"

using namespace diffclip::cli;

namespace {

void printUsage() {
    std::cout << "Usage: diffclip COMMAND [OPTIONS]\n"
                 "\n"
                 "DiffCLIP Studio on the command line: the same core as the desktop application.\n"
                 "\n"
                 "Model commands:\n"
                 "  inspect   show a model's architecture, parameters, preprocessing and checksums\n"
                 "  import    convert a checkpoint or safetensors file into a model package\n"
                 "  verify    compare a model's outputs with reference outputs\n"
                 "  tokenize  show the token ids of texts\n"
                 "  embed     print image or text embeddings\n"
                 "  bench     measure encoder throughput\n"
                 "\n"
                 "Library commands (a library is one SQLite file):\n"
                 "  index     add or update photos with their embeddings\n"
                 "  search    find the library photos most similar to a photo or a text (logged;\n"
                 "            --feedback RANK|none records which hit was right)\n"
                 "  export    write the photos, labels and metadata as CSV\n"
                 "  classify  zero-shot labels of photos with probabilities\n"
                 "  evaluate  top-K hit rate and mAP of a labelled library, or accuracy on a folder tree\n"
                 "  library check   check a library's integrity\n"
                 "  library check-labels | label-next   labels worth a second look; unlabelled photos\n"
                 "            worth labelling next (uncertain and unlike the labelled ones)\n"
                 "  usage export|clear|kpis   the search log: CSV export, clearing, hit rates with\n"
                 "            intervals, latency and task time (nothing leaves the machine)\n"
                 "  report    the PoC report as PDF or HTML (and CSV): verdict, hit rates with intervals,\n"
                 "            cost, payback, two models compared, data needs, provenance (en, ja)\n"
                 "  explain   attention, rollout and why-it-matched maps of a photo, as PNG\n"
                 "  train     fine-tune or train a model on a folder-per-class tree (linear, contrastive, scratch)\n"
                 "  study data-needs   how many labelled photos per class reach a target top-1 (learning\n"
                 "            curve from repeated draws on a fixed held-out split)\n"
                 "  pretrain  pretrain a starter vision tower on generated formula images (what train\n"
                 "            --mode scratch starts from)\n"
                 "\n"
                 "Demo:\n"
                 "  demo generate   write the built-in demo data set (synthetic defect photos, masks,\n"
                 "                  metadata) to try the other commands on\n"
                 "\n"
                 "A MODEL is a model package folder, a DiffCLIP checkpoint_best.pt, a .safetensors file\n"
                 "(config.json beside it, or inferred from tensor shapes), or preset:NAME for random\n"
                 "weights of a named architecture (preset:diffclip-vit-b16, preset:clip-vit-b16, ...).\n"
                 "\n"
                 "Options for every command: --json, --device auto|cpu|cuda[:N], --threads N, --help.\n"
                 "Exit status: 0 success, 1 failure (reason on standard error), 2 bad usage.\n"
                 "Run 'diffclip COMMAND --help' for a command's options.\n";
}

}  // namespace

int main(int argc, char** argv) {
    // A file size limit (ulimit -f) must surface as a write error with a clear message, not kill
    // the process in the middle of a batch.
    std::signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        printUsage();
        return kUsage;
    }
    const std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        printUsage();
        return kOk;
    }
    if (command == "--version" || command == "version") {
        printVersion();
        return kOk;
    }
    for (const Command& c : commands()) {
        if (command == c.name) return c.run(argc, argv);
    }
    std::cerr << "diffclip: unknown command \"" << command << "\"\nTry 'diffclip --help'.\n";
    return kUsage;
}
