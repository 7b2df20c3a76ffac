// `diffclip classify` (zero-shot) and `diffclip evaluate` (retrieval on a library, accuracy on
// a folder-per-class tree).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "Commands.h"
#include "CompareModels.h"
#include "LibraryModel.h"
#include "Output.h"
#include "diffclip/indexing/Evaluate.h"
#include "diffclip/indexing/Indexer.h"
#include "diffclip/model/Precision.h"
#include "diffclip/model/Runtime.h"

namespace fs = std::filesystem;

namespace diffclip::cli {

namespace {

std::vector<std::string> splitList(const std::string& text, char sep) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, sep)) {
        const auto b = item.find_first_not_of(" \t\r"), e = item.find_last_not_of(" \t\r");
        if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    }
    return out;
}

struct Percentiles {
    int64_t count = 0;
    double p50 = 0, p95 = 0, p99 = 0, max = 0;
    static Percentiles of(std::vector<double> ms) {
        Percentiles p;
        p.count = int64_t(ms.size());
        if (ms.empty()) return p;
        std::sort(ms.begin(), ms.end());
        auto at = [&](double q) { return ms[size_t(q * double(ms.size() - 1) + 0.5)]; };
        p.p50 = at(0.5), p.p95 = at(0.95), p.p99 = at(0.99), p.max = ms.back();
        return p;
    }
    Json json() const {
        return Json::object({{"count", count}, {"p50", p50}, {"p95", p95}, {"p99", p99}, {"max", max}});
    }
    std::string text() const {
        std::ostringstream o;
        o << std::fixed << std::setprecision(1) << "p50 " << p50 << " ms, p95 " << p95 << " ms, p99 " << p99
          << " ms, max " << max << " ms";
        return o.str();
    }
};

struct LatencyReport {
    Percentiles library;  // library photos as queries (stored embeddings): the search itself
    Percentiles photo;    // photo files as queries: decode, preprocess, embed and search
    double firstMs = 0;   // the first search, which loads the embeddings and builds the index
    std::string index;
};

// Search latency as an inspector meets it, through the same Workspace the application uses:
// `queries` library photos (evenly spread) and a tenth as many photo files.
Result<LatencyReport> measureSearchLatency(const WorkspaceArgs& args, const std::string& libraryPath,
                                           const std::string& spec, int queries) {
    LatencyReport report;
    if (queries == 0) return report;
    auto wo = workspaceOptions(args);
    if (!wo) return wo.error();
    wo->library.create = false;
    wo->library.readOnly = true;
    auto ws = Workspace::open(libraryPath, spec, *wo);
    if (!ws) return ws.error();
    LibraryOptions lo;
    lo.create = false;
    lo.readOnly = true;
    auto library = Library::open(libraryPath, lo);
    if (!library) return library.error();
    auto ids = library->listImageIds(ImageFilter{{}, {}, {}, {}, ImageStatus::Ok});
    if (!ids) return ids.error();
    if (ids->empty()) return report;
    SearchOptions so;
    std::vector<double> libMs, photoMs;
    const size_t n = std::min(ids->size(), size_t(queries));
    for (size_t i = 0; i < n; ++i) {
        const int64_t id = (*ids)[i * ids->size() / n];
        auto r = (*ws)->searchLibraryPhoto(id, so, ImageFilter{});
        if (!r) return r.error();
        (i == 0 ? report.firstMs : libMs.emplace_back()) = r->seconds * 1000.0;
        report.index = r->index;
    }
    const size_t photos = std::max<size_t>(1, n / 10);
    for (size_t i = 0; i < photos; ++i) {
        auto rec = library->imageById((*ids)[(i * ids->size() / photos + ids->size() / (2 * photos)) % ids->size()]);
        if (!rec) return rec.error();
        auto r = (*ws)->searchPhoto(rec->path, so, ImageFilter{});
        if (!r) continue;  // a file moved since indexing: not a latency sample
        photoMs.push_back(r->seconds * 1000.0);
    }
    report.library = Percentiles::of(libMs);
    report.photo = Percentiles::of(photoMs);
    return report;
}

// `classify --library`: the options that go with it.
struct TagArgs {
    WorkspaceArgs workspace;
    std::string library, model;
    double minConfidence = 0.0;
    bool onlyUnlabelled = false;
    bool json = false;
};

// The encoder of the commands that embed without a workspace (--device, --dtype, --threads), made
// once for all their photos; the precision and its reason go to standard error.
Result<ClipModel> commandEncoder(const WorkspaceArgs& args, const LoadedModel& model) {
    auto device = parseDevice(args.device);
    if (!device) return device.error();
    auto choice = prepareEncoder(model.model, *device, args.dtype, int(args.threads));
    if (!choice) return choice.error();
    std::cerr << "precision: " << choice->note << "\n";
    return choice->encoder;
}

int tagLibraryPhotos(const TagArgs& args, const std::vector<ClassPrompt>& prompts,
                     const std::vector<std::string>& templates) {
    auto wo = workspaceOptions(args.workspace);
    if (!wo) return usage(wo.error().message, "classify");
    wo->library.create = false;
    auto ws = Workspace::open(args.library, args.model, *wo);
    if (!ws) return fail(ws.error());
    AutoTagOptions o;
    o.classes = prompts;
    o.templates = templates;
    o.minConfidence = args.minConfidence;
    o.onlyUnlabelled = args.onlyUnlabelled;
    auto r = (*ws)->autoTag(o);
    if (!r) return fail(r.error());
    if (args.json) {
        printJson(Json::object({{"library", args.library}, {"model", (*ws)->modelSpec()},
                                {"tagged", r->tagged}, {"skipped", r->skipped}, {"not_embedded", r->notEmbedded},
                                {"seconds", r->seconds}}));
    } else {
        std::cerr << r->tagged << " photos labelled (zero-shot), " << r->skipped << " skipped, " << r->notEmbedded
                  << " not embedded by this model\n";
    }
    return kOk;
}

}  // namespace

int runClassify(int argc, char** argv) {
    CommandLine cli("classify", "--model MODEL (--classes \"a,b,c\" | --classes-file F) [--templates F] IMAGE...\n"
                                "       classify --library LIB [--model MODEL] (--classes ... | --classes-file F) "
                                "[--templates F] [--min-confidence P] [--only-unlabelled]\n\n"
                                "Zero-shot labels with probabilities: each class is described by an ensemble of prompt "
                                "templates. With --library, labels every photo of the library from its stored embedding "
                                "(source zero-shot, the probability as confidence; manual, training and folder labels "
                                "still take precedence).\n"
                                "A classes file has one class per line: \"name\" or \"name: prompt; another prompt\". A "
                                "templates file has one template per line, \"{}\" standing for a class's prompt.");
    TagArgs args;
    std::vector<std::string> photos;
    std::string classList, classesFile, templatesFile;
    cli.add_option("IMAGE", photos, "photos to classify (without --library)");
    cli.addFlag("--json", args.json, kJsonHelp);
    cli.addText("--tokenizer", args.workspace.tokenizer, "FILE", kTokenizerHelp);
    cli.addText("--model", args.model, "MODEL", "the model");
    cli.addText("--library", args.library, "LIB", "tag the library's photos");
    cli.addText("--classes", classList, "LIST", "comma-separated class names");
    cli.addText("--classes-file", classesFile, "F", "classes with optional prompts");
    cli.addText("--templates", templatesFile, "F", "prompt templates (default: built in)");
    cli.addNumber("--min-confidence", args.minConfidence, 0, 1, "P", "store no label below probability P");
    cli.addFlag("--only-unlabelled", args.onlyUnlabelled, "skip photos that have a label");
    addWorkspaceOptions(cli, args.workspace, false);
    if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
    const bool tagLibrary = cli.given("--library");
    if (!tagLibrary && !cli.given("--model")) return cli.usageError("classify needs --model or --library");
    if (cli.given("--classes") == cli.given("--classes-file"))
        return cli.usageError("classify needs --classes or --classes-file");
    if (!tagLibrary && photos.empty()) return cli.usageError("classify needs at least one IMAGE");
    if (tagLibrary && !photos.empty()) return cli.usageError("classify --library takes no IMAGE");
    auto readFile = [](const std::string& path) -> Result<std::string> {
        std::ifstream in(path, std::ios::binary);
        if (!in) return makeError(ErrorCode::NotFound, path + ": cannot open");
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    };
    std::vector<ClassPrompt> prompts;
    if (cli.given("--classes")) {
        for (const auto& c : splitList(classList, ',')) prompts.push_back(ClassPrompt{c, {}});
        if (prompts.size() < 2) return cli.usageError("classify needs at least two classes");
    } else {
        auto text = readFile(classesFile);
        if (!text) return fail(text.error());
        auto parsed = parseClassPrompts(*text);
        if (!parsed) return fail(makeError(parsed.error().code, classesFile + ": " + parsed.error().message));
        prompts = std::move(*parsed);
    }
    std::vector<std::string> templates = defaultPromptTemplates();
    if (cli.given("--templates")) {
        auto text = readFile(templatesFile);
        if (!text) return fail(text.error());
        auto parsed = parsePromptTemplates(*text);
        if (!parsed) return fail(makeError(parsed.error().code, templatesFile + ": " + parsed.error().message));
        templates = std::move(*parsed);
    }
    std::vector<std::string> classes;
    for (const auto& c : prompts) classes.push_back(c.name);
    if (tagLibrary) return tagLibraryPhotos(args, prompts, templates);
    auto model = openModelWithChecksums(args.model, args.workspace.tokenizer, true);
    if (!model) return fail(model.error());
    auto encoder = commandEncoder(args.workspace, *model);
    if (!encoder) return fail(encoder.error());
    auto emb = classEmbeddings(*model, prompts, templates, &*encoder);
    if (!emb) return fail(emb.error());
    Json all = Json::array();
    int status = kOk;
    for (const auto& path : photos) {
        auto s = classifyPhoto(*model, *emb, classes.size(), path, DecodeOptions{}, &*encoder);
        if (!s) {
            std::cerr << "diffclip: " << s.error().message << "\n";
            status = kFailed;
            continue;
        }
        if (args.json) {
            Json probs = Json::object();
            for (size_t c = 0; c < classes.size(); ++c) probs[classes[c]] = s->probabilities[c];
            all.push_back(Json::object({{"image", path}, {"label", classes[s->best]}, {"probabilities", probs}}));
        } else {
            std::cout << path << "\t" << classes[s->best] << "\t" << std::fixed << std::setprecision(3)
                      << s->probabilities[s->best] << "\n";
        }
    }
    if (args.json) printJson(all);
    return status;
}

int runEvaluate(int argc, char** argv) {
    CommandLine cli("evaluate",
                    "(--library LIB [--k 1,5,10] | --model MODEL --data FOLDER) [--min X] [--json]\n"
                    "       diffclip evaluate --library LIB --models A,B [--k 1,5,10] [--bootstrap N] [--seed S] [--json]\n\n"
                    "With --library: leave-one-out image->image retrieval over the labelled photos (top-K hit rate = "
                    "recall@K, and mAP), per class and overall. With --data: zero-shot classification accuracy on a "
                    "folder-per-class tree. --min X exits 1 when the main figure (recall@first K, or accuracy) is "
                    "below X.\n"
                    "With --models A,B: the two models compared on the labelled photos both have embedded: hit@K, "
                    "MRR and mAP of each with paired bootstrap 95% intervals, the difference B - A, exact McNemar "
                    "(hit@K, Holm over the K values) and paired randomization (MRR, mAP) p-values, per class and "
                    "overall, and one sentence per result.");
    WorkspaceArgs args;
    std::string libraryPath, modelSpec, data, kList = "1,5,10";
    long long latencyQueries = 100;
    double minimum = -1.0;
    bool json = false;
    std::string modelPair;
    long long iterations = 10000, seed = 0;
    cli.addFlag("--json", json, kJsonHelp);
    cli.addText("--tokenizer", args.tokenizer, "FILE", kTokenizerHelp);
    cli.addText("--library", libraryPath, "LIB", "the labelled library");
    cli.addInteger("--latency-queries", latencyQueries, 0, 100000, "N",
                   "searches timed for the latency percentiles (default 100, 0: none)");
    addWorkspaceOptions(cli, args, true);
    cli.addText("--model", modelSpec, "MODEL", "the model (library mode: default the library's)");
    cli.addText("--data", data, "FOLDER", "folder-per-class tree");
    cli.addText("--k", kList, "LIST", "K values (default 1,5,10)");
    cli.addNumber("--min", minimum, 0, 1, "X", "threshold on the main figure, 0..1");
    cli.addText("--models", modelPair, "A,B", "compare two models on the library (MODEL arguments)");
    cli.addInteger("--bootstrap", iterations, 1, 10000000, "N",
                   "with --models: bootstrap resamples and randomization draws (default 10000)");
    cli.addInteger("--seed", seed, 0, kNoLimit, "S", "with --models: random seed (default 0)");
    if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
    if (cli.given("--library") == cli.given("--data")) return cli.usageError("evaluate needs --library or --data");
    if (!cli.given("--models") && (cli.given("--bootstrap") || cli.given("--seed")))
        return cli.usageError("--bootstrap and --seed go with --models");
    if (cli.given("--models") && !cli.given("--library")) return cli.usageError("--models needs --library");
    if (cli.given("--library")) {
        std::vector<int> ks;
        for (const auto& k : splitList(kList, ',')) {
            char* end = nullptr;
            const long v = std::strtol(k.c_str(), &end, 10);
            if (*end || v < 1 || v > 100000) return cli.usageError("--k needs positive integers like 1,5,10");
            if (std::find(ks.begin(), ks.end(), int(v)) != ks.end()) return cli.usageError("--k lists " + k + " twice");
            ks.push_back(int(v));
        }
        if (ks.empty()) return cli.usageError("--k needs positive integers like 1,5,10");
        if (cli.given("--models")) {
            if (cli.given("--model") || cli.given("--min") || cli.given("--latency-queries"))
                return cli.usageError("--models compares two models: it takes no --model, --min or --latency-queries");
            const std::vector<std::string> pair = splitList(modelPair, ',');
            if (pair.size() != 2) return cli.usageError("--models needs two models: --models A,B");
            if (pair[0] == pair[1]) return cli.usageError("--models names " + pair[0] + " twice: give two models");
            CompareModelsArgs ca;
            ca.library = libraryPath;
            ca.modelA = pair[0];
            ca.modelB = pair[1];
            ca.tokenizer = args.tokenizer;
            ca.ks = ks;
            ca.iterations = iterations;
            ca.seed = seed;
            ca.json = json;
            return runCompareModels(ca);
        }
        LibraryOptions lo;
        lo.create = false;
        lo.readOnly = true;
        auto library = Library::open(libraryPath, lo);
        if (!library) return fail(library.error());
        std::string spec;
        auto model = openLibraryModel(*library, modelSpec, args.tokenizer, false, spec);
        if (!model) return fail(model.error());
        auto r = evaluateRetrieval(*library, *model, ks);
        if (!r) return fail(r.error());
        // As recorded when indexing: the precisions the evaluated embeddings were made in.
        auto precisions = embeddingPrecisions(*library, *model);
        if (!precisions) return fail(precisions.error());
        std::string precision;
        for (const auto& p : *precisions) precision += (precision.empty() ? "" : ",") + p;
        const double main = r->overall.recallAtK.at(ks.front());
        auto latency = measureSearchLatency(args, libraryPath, spec, int(latencyQueries));
        if (!latency) return fail(latency.error());
        if (json) {
            auto pc = [&](const RetrievalReport::PerClass& c) {
                Json j = Json::object();
                j["queries"] = c.queries;
                for (int k : ks) j["recall@" + std::to_string(k)] = c.recallAtK.at(k);
                j["map"] = c.meanAveragePrecision;
                return j;
            };
            Json j = Json::object();
            j["library"] = libraryPath;
            j["model"] = spec;
            j["embedding_precision"] = precision;
            j["overall"] = pc(r->overall);
            Json classes = Json::object();
            for (const auto& [name, c] : r->classes) classes[name] = pc(c);
            j["classes"] = classes;
            j["excluded_duplicate_pairs"] = r->excludedDuplicates;
            if (latency->library.count) j["search_latency_ms"] = latency->library.json();
            if (latency->photo.count) j["photo_query_latency_ms"] = latency->photo.json();
            if (latency->library.count) j["first_search_ms"] = latency->firstMs;
            j["index"] = latency->index;
            printJson(j);
        } else {
            std::cout << std::left << std::setw(20) << "class" << std::setw(9) << "queries";
            for (int k : ks) std::cout << std::setw(11) << ("recall@" + std::to_string(k));
            std::cout << "mAP\n";
            auto row = [&](const std::string& name, const RetrievalReport::PerClass& c) {
                std::cout << std::left << std::setw(20) << name << std::setw(9) << c.queries << std::fixed
                          << std::setprecision(3);
                for (int k : ks) std::cout << std::setw(11) << c.recallAtK.at(k);
                std::cout << c.meanAveragePrecision << "\n";
            };
            for (const auto& [name, c] : r->classes) row(name, c);
            row("overall", r->overall);
            if (!precision.empty()) std::cout << "embeddings made in " << precision << "\n";
            if (latency->library.count)
                std::cout << "search latency (" << latency->index << " index, library photo as query, "
                          << latency->library.count << " queries): " << latency->library.text()
                          << "; first search " << std::setprecision(1) << latency->firstMs << " ms (loads the index)\n";
            if (latency->photo.count)
                std::cout << "photo query latency (decode, embed, search; " << latency->photo.count
                          << " queries): " << latency->photo.text() << "\n";
        }
        return (minimum >= 0 && main < minimum) ? kFailed : kOk;
    }
    // Folder-per-class tree, zero-shot.
    if (!cli.given("--model")) return cli.usageError("evaluate --data needs --model");
    std::error_code ec;
    if (!fs::is_directory(data, ec)) return fail(makeError(ErrorCode::NotFound, data + ": not a folder"));
    std::vector<std::string> classes;
    for (const auto& e : fs::directory_iterator(data, ec))
        if (e.is_directory()) classes.push_back(e.path().filename().string());
    std::sort(classes.begin(), classes.end());
    if (classes.size() < 2) return fail(makeError(ErrorCode::InvalidArgument, data + ": needs at least two class folders"));
    auto model = openModelWithChecksums(modelSpec, args.tokenizer, true);
    if (!model) return fail(model.error());
    auto encoder = commandEncoder(args, *model);
    if (!encoder) return fail(encoder.error());
    auto emb = classEmbeddings(*model, classes, defaultPromptTemplates(), &*encoder);
    if (!emb) return fail(emb.error());
    std::vector<int64_t> total(classes.size(), 0), correct(classes.size(), 0);
    int64_t failed = 0;
    for (size_t c = 0; c < classes.size(); ++c) {
        auto files = collectPhotoPaths({(fs::path(data) / classes[c]).string()});
        if (!files) return fail(files.error());
        for (const auto& f : *files) {
            auto s = classifyPhoto(*model, *emb, classes.size(), f, DecodeOptions{}, &*encoder);
            if (!s) {
                ++failed;
                continue;
            }
            ++total[c];
            correct[c] += s->best == c;
        }
    }
    int64_t all = 0, good = 0;
    for (size_t c = 0; c < classes.size(); ++c) all += total[c], good += correct[c];
    const double accuracy = all ? double(good) / double(all) : 0.0;
    if (json) {
        Json j = Json::object();
        j["model"] = modelSpec;
        j["data"] = data;
        j["photos"] = all;
        j["unreadable"] = failed;
        j["accuracy"] = accuracy;
        Json per = Json::object();
        for (size_t c = 0; c < classes.size(); ++c)
            per[classes[c]] = total[c] ? double(correct[c]) / double(total[c]) : 0.0;
        j["per_class_accuracy"] = per;
        printJson(j);
    } else {
        for (size_t c = 0; c < classes.size(); ++c)
            std::cout << std::left << std::setw(20) << classes[c] << std::fixed << std::setprecision(3)
                      << (total[c] ? double(correct[c]) / double(total[c]) : 0.0) << "  (" << total[c] << " photos)\n";
        std::cout << "accuracy " << std::fixed << std::setprecision(3) << accuracy << " over " << all << " photos"
                  << (failed ? ", " + std::to_string(failed) + " unreadable" : std::string()) << "\n";
    }
    return (minimum >= 0 && accuracy < minimum) ? kFailed : kOk;
}

}  // namespace diffclip::cli
