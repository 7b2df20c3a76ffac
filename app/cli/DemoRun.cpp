// `diffclip demo` without a subcommand: the built-in demo from start to finish. Generates the
// synthetic data set, trains the starter model on it, indexes the photos into a demo library,
// measures what the demo shows (search hit rate, attention inside the defect masks) and opens
// the application on it. Every step reuses what an earlier run left.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>

#include "Commands.h"
#include "Output.h"
#include "ProgressOutput.h"
#include "diffclip/demo/DemoData.h"
#include "diffclip/explain/Explain.h"
#include "diffclip/explain/Render.h"
#include "diffclip/imaging/Preprocess.h"
#include "diffclip/indexing/Evaluate.h"
#include "diffclip/indexing/Workspace.h"
#include "diffclip/model/Runtime.h"
#include "diffclip/training/Trainer.h"

namespace fs = std::filesystem;

namespace diffclip::cli {

namespace {

CancelToken g_stop;  // Ctrl-C: every step stops at its next safe point (cancel() is signal-safe)
constexpr long long kDefaultPerClass = 120;  // the demo recipe's data size (docs/TRAINING.md)
extern "C" void onDemoRunInterrupt(int) { g_stop.cancel(); }

std::string defaultDemoDir() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/diffclip-studio/demo";
    if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/share/diffclip-studio/demo";
    return "diffclip-demo";
}

struct MaskShare {
    int64_t photos = 0;
    double massInside = 0;  // mean share of the map's |mass| inside the mask
    double areaInside = 0;  // mean share of the patches' area inside the mask
};

// Attention rollout of the trained model on the first `perClass` photos of each defect class,
// against the ground-truth masks.
Result<MaskShare> attentionInMasks(const LoadedModel& model, const demo::DemoSummary& data, int perClass) {
    MaskShare out;
    const ModelConfig& cfg = model.model->config();
    const int grid = int(cfg.vision.gridSize());
    explain::ExplainOptions eo;
    eo.method = explain::Method::Rollout;
    // The absolute rollout is defined for every trained lambda; the signed one is not once a
    // block's lambda reaches 1 (its rows sum to 1 - lambda), which training can reach.
    eo.rollout = explain::SignedRollout::Absolute;
    for (const auto& cls : data.classes) {
        std::vector<fs::path> photos;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(fs::path(data.photosDir) / cls, ec))
            if (e.is_regular_file()) photos.push_back(e.path());
        std::sort(photos.begin(), photos.end());
        for (size_t i = 0; i < photos.size() && int(i) < perClass; ++i) {
            const fs::path mask = fs::path(data.masksDir) / cls / (photos[i].stem().string() + ".png");
            if (!fs::exists(mask)) continue;
            auto decoded = decodeImageFile(photos[i].string(), DecodeOptions{});
            if (!decoded) return decoded.error();
            auto region = explain::loadRegionMask(mask.string(), decoded->width, decoded->height, cfg.preprocess, grid, grid);
            if (!region) return region.error();
            double area = 0;
            for (float w : region->values) area += w;
            if (area <= 0) continue;  // the "good" class has empty masks
            auto input = loadImageForModel(photos[i].string(), cfg.preprocess, DecodeOptions{});
            if (!input) return input.error();
            auto ex = explain::explainImage(model.model, *input, eo);
            if (!ex) return ex.error();
            auto summary = explain::summarise(ex->map, &*region);
            if (!summary) return summary.error();
            out.massInside += summary->regionShare.value_or(0.0);
            out.areaInside += area / double(region->values.size());
            ++out.photos;
        }
    }
    if (out.photos > 0) {
        out.massInside /= double(out.photos);
        out.areaInside /= double(out.photos);
    }
    return out;
}

/// Validation top-1 (0..1) that training recorded in the package's training.json; -1 when the
/// file or the figure is missing (a package made by something else).
double validationTop1(const std::string& modelDir) {
    std::ifstream f(fs::path(modelDir) / "training.json", std::ios::binary);
    if (!f) return -1;
    const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto j = parseJson(text);
    if (!j) return -1;
    const Json* after = jsonFind(*j, "after");
    const Json* top1 = after ? jsonFind(*after, "top1") : nullptr;
    return top1 && top1->is_number() ? top1->get<double>() : -1;
}

}  // namespace

int runDemoAll(int argc, char** argv) {
    CommandLine cli("demo",
                    "[--dir DIR] [--per-class N] [--minutes M] [--threads N] [--no-open] [--json]\n\n"
                    "The built-in demo: writes synthetic inspection photos with defect masks, trains the starter model\n"
                    "on them (about M minutes on the CPU), indexes them into a demo library, prints the search hit\n"
                    "rate and how much of the model's attention falls inside the defects, and opens the application\n"
                    "on the library. A second run reuses the photos, the model and the library.\n"
                    "'diffclip demo generate' writes the photos only.");
    std::string dir = defaultDemoDir();
    long long perClass = kDefaultPerClass, threads = 0;
    double minutes = 4.0;
    bool json = false, noOpen = false;
    cli.addFlag("--json", json, kJsonHelp);
    cli.addText("--dir", dir, "DIR", "where the demo lives (default ~/.local/share/diffclip-studio/demo)");
    cli.addInteger("--per-class", perClass, 4, 10000, "N", "photos per class (default 120)");
    cli.addNumber("--minutes", minutes, 0, 600, "M", "training time budget (default 4)", true);
    cli.addInteger("--threads", threads, 0, 1024, "N", "CPU threads (default: chosen for the machine)");
    cli.addFlag("--no-open", noOpen, "do not open the application at the end");
    if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
    // As `diffclip train` does: one intra-op thread beside OpenBLAS's own pool (two pools on the
    // same cores oversubscribe them) and tensor memory kept in the heap.
    configureCpuThreads(at::kFloat, int(threads));
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return fail(makeError(ErrorCode::Io, dir + ": cannot create the demo folder: " + ec.message()));
    auto previous = std::signal(SIGINT, onDemoRunInterrupt);
    struct Restore {
        void (*handler)(int);
        ~Restore() { std::signal(SIGINT, handler); }
    } restore{previous};
    // The demo's own stages are "generate", "train", "index" and "evaluate"; each step reports
    // its finer stages (Job.h) through the same control, so one adapter prints them all.
    JobControl job;
    job.progress = stderrProgress("demo");
    job.cancel = g_stop;
    auto interrupted = [](const Error& e) {
        return e.code == ErrorCode::Cancelled
                   ? makeError(ErrorCode::Cancelled, "the demo was interrupted; run it again to go on")
                   : e;
    };

    // 1. Photos.
    std::cerr << "demo 1/4: photos in " << dir << "/data\n";
    demo::DemoOptions dopt;
    dopt.perClass = int(perClass);
    dopt.job = job;
    auto data = demo::generateDemoDataset(dir + "/data", dopt);
    if (!data) return fail(interrupted(data.error()));

    // 2. The starter model, trained from scratch on the photos.
    const std::string modelDir = dir + "/model";
    if (isPackage(modelDir)) {
        std::cerr << "demo 2/4: reusing the trained model " << modelDir << "\n";
    } else {
        std::cerr << "demo 2/4: training the starter model (" << minutes << " min budget)\n";
        auto recipe = presetRecipe(TrainMode::Scratch, "standard");
        if (!recipe) return fail(recipe.error());
        // The mini from the shipped starter (init "auto") at 96 px, so the small defects keep a
        // few pixels (a 12 x 12 patch grid), with the scratch preset's rate, batch and
        // augmentation; the time budget, not an epoch count, ends training. Measured against the
        // earlier random-weight recipe (patch 12, rate 1e-4, batch 16) in docs/TRAINING.md.
        recipe->timeBudgetMinutes = minutes;
        recipe->epochs = 400;
        recipe->architecture = "preset:diffclip-mini";
        recipe->imageSize = 96;
        job.progress.stage("train");
        TrainOptions to;
        to.job = job;
        auto trained = runTraining(data->photosDir, *recipe, modelDir, to);
        if (!trained) return fail(interrupted(trained.error()));
    }

    // 3. The demo library.
    const std::string libraryPath = dir + "/demo.dclib";
    std::cerr << "demo 3/4: indexing into " << libraryPath << "\n";
    auto ws = Workspace::open(libraryPath, modelDir);
    if (!ws) return fail(ws.error());
    job.progress.stage("index");
    IndexOptions io;
    io.labelsFromFolders = true;
    io.metadataCsv = data->metadataCsv;
    io.job = job;
    auto indexed = (*ws)->index({data->photosDir}, io);
    if (!indexed) return fail(interrupted(indexed.error()));

    // 4. What the demo shows, measured.
    std::cerr << "demo 4/4: measuring search and attention\n";
    job.progress.stage("evaluate");
    LoadOptions lo;
    lo.checksums = true;
    auto model = loadModel(modelDir, lo);
    if (!model) return fail(model.error());
    LibraryOptions ro;
    ro.readOnly = true;
    auto library = Library::open(libraryPath, ro);
    if (!library) return fail(library.error());
    auto retrieval = evaluateRetrieval(*library, *model, {1, 5});
    if (!retrieval) return fail(retrieval.error());
    auto masks = attentionInMasks(*model, *data, 10);
    if (!masks) return fail(masks.error());
    const double r1 = retrieval->overall.recallAtK.at(1), r5 = retrieval->overall.recallAtK.at(5);
    const double valTop1 = validationTop1(modelDir);

    if (json) {
        Json j = Json::object();
        j["dir"] = dir;
        j["library"] = libraryPath;
        j["model"] = modelDir;
        j["photos"] = data->photos;
        j["recall@1"] = r1;
        j["recall@5"] = r5;
        j["map"] = retrieval->overall.meanAveragePrecision;
        j["val_top1"] = valTop1;  // -1: not recorded
        j["attention_in_masks"] = masks->massInside;
        j["mask_area"] = masks->areaInside;
        j["mask_photos"] = masks->photos;
        printJson(j);
    } else {
        std::cout << std::fixed << std::setprecision(1) << "Demo library: " << libraryPath << " (" << data->photos
                  << " photos, model " << modelDir << ")\n"
                  << "Search hit rate (leave-one-out, same class): top-1 " << 100 * r1 << "%, top-5 " << 100 * r5
                  << "%, mAP " << 100 * retrieval->overall.meanAveragePrecision << "%\n";
        if (valTop1 >= 0)
            std::cout << "Classification on the held-out 20%: top-1 " << 100 * valTop1 << "% (" << data->classes.size()
                      << " classes)\n";
        std::cout << "Attention rollout inside the defect masks: " << 100 * masks->massInside
                  << "% of the attention on " << 100 * masks->areaInside << "% of the area (" << masks->photos
                  << " photos)\n";
    }
    if (noOpen) return kOk;

    // Open the application next to this executable on the demo.
    std::error_code selfEc;
    const fs::path self = fs::read_symlink("/proc/self/exe", selfEc);
    const fs::path studio = self.parent_path() / "diffclip-studio";
    if (selfEc || !fs::exists(studio))
        return fail(makeError(ErrorCode::NotFound, "diffclip-studio was not found next to diffclip; open " +
                                                       libraryPath + " in it yourself"));
    std::cerr << "Opening DiffCLIP Studio on the demo library\n";
    std::cout.flush();
    const std::string studioPath = studio.string(), modelAbs = fs::absolute(modelDir).string(),
                      libAbs = fs::absolute(libraryPath).string();
    execl(studioPath.c_str(), studioPath.c_str(), "--library", libAbs.c_str(), "--model", modelAbs.c_str(),
          static_cast<char*>(nullptr));
    return fail(makeError(ErrorCode::Io, "could not start " + studioPath));
}

}  // namespace diffclip::cli
