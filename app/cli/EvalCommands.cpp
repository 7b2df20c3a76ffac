// `diffclip classify` (zero-shot) and `diffclip evaluate` (retrieval on a library, accuracy on
// a folder-per-class tree).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "Commands.h"
#include "LibraryModel.h"
#include "Output.h"
#include "diffclip/indexing/Evaluate.h"
#include "diffclip/indexing/Indexer.h"

namespace fs = std::filesystem;

namespace diffclip::cli {

namespace {

const OptionSpec kJson{"json", false, false, "--json             print one JSON document on standard output"};
const OptionSpec kTokenizer{"tokenizer", true, false, "--tokenizer FILE   CLIP BPE merges (default: the model's)"};

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
Result<LatencyReport> measureSearchLatency(Args& args, const std::string& spec, int queries) {
    LatencyReport report;
    if (queries == 0) return report;
    auto wo = workspaceOptions(args);
    if (!wo) return wo.error();
    wo->library.create = false;
    wo->library.readOnly = true;
    auto ws = Workspace::open(args.value("library"), spec, *wo);
    if (!ws) return ws.error();
    LibraryOptions lo;
    lo.create = false;
    lo.readOnly = true;
    auto library = Library::open(args.value("library"), lo);
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

int tagLibraryPhotos(Args& args, const std::vector<ClassPrompt>& prompts, const std::vector<std::string>& templates) {
    double minConfidence = 0.0;
    if (!args.doubleValue("min-confidence", 0.0, minConfidence) || minConfidence < 0 || minConfidence > 1)
        return usage("--min-confidence needs a number in 0..1", "classify");
    auto wo = workspaceOptions(args);
    if (!wo) return usage(wo.error().message, "classify");
    wo->library.create = false;
    auto ws = Workspace::open(args.value("library"), args.value("model"), *wo);
    if (!ws) return fail(ws.error());
    AutoTagOptions o;
    o.classes = prompts;
    o.templates = templates;
    o.minConfidence = minConfidence;
    o.onlyUnlabelled = args.has("only-unlabelled");
    auto r = (*ws)->autoTag(o);
    if (!r) return fail(r.error());
    if (args.has("json")) {
        printJson(Json::object({{"library", args.value("library")}, {"model", (*ws)->modelSpec()},
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
    Args args;
    if (int rc = parseCommand(argc, argv, "classify",
                              "--model MODEL (--classes \"a,b,c\" | --classes-file F) [--templates F] IMAGE...\n"
                              "       classify --library LIB [--model MODEL] (--classes ... | --classes-file F) "
                              "[--templates F] [--min-confidence P] [--only-unlabelled]\n\n"
                              "Zero-shot labels with probabilities: each class is described by an ensemble of prompt "
                              "templates. With --library, labels every photo of the library from its stored embedding "
                              "(source zero-shot, the probability as confidence; manual, training and folder labels "
                              "still take precedence).\n"
                              "A classes file has one class per line: \"name\" or \"name: prompt; another prompt\". A "
                              "templates file has one template per line, \"{}\" standing for a class's prompt.",
                              {kJson, kTokenizer, {"model", true, false, "--model MODEL      the model"},
                               {"library", true, false, "--library LIB      tag the library's photos"},
                               {"classes", true, false, "--classes LIST     comma-separated class names"},
                               {"classes-file", true, false, "--classes-file F   classes with optional prompts"},
                               {"templates", true, false, "--templates F      prompt templates (default: built in)"},
                               {"min-confidence", true, false, "--min-confidence P  store no label below probability P"},
                               {"only-unlabelled", false, false, "--only-unlabelled  skip photos that have a label"},
                               {"device", true, false, "--device D         auto|cpu|cuda[:N] (default auto)"},
                               {"threads", true, false, "--threads N        CPU threads"}},
                              args);
        rc >= 0)
        return rc;
    const bool tagLibrary = args.has("library");
    if (!tagLibrary && !args.has("model")) return usage("classify needs --model or --library", "classify");
    if (args.has("classes") == args.has("classes-file")) return usage("classify needs --classes or --classes-file", "classify");
    if (!tagLibrary && args.positionals().empty()) return usage("classify needs at least one IMAGE", "classify");
    if (tagLibrary && !args.positionals().empty()) return usage("classify --library takes no IMAGE", "classify");
    auto readFile = [](const std::string& path) -> Result<std::string> {
        std::ifstream in(path, std::ios::binary);
        if (!in) return makeError(ErrorCode::NotFound, path + ": cannot open");
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    };
    std::vector<ClassPrompt> prompts;
    if (args.has("classes")) {
        for (const auto& c : splitList(args.value("classes"), ',')) prompts.push_back(ClassPrompt{c, {}});
        if (prompts.size() < 2) return usage("classify needs at least two classes", "classify");
    } else {
        auto text = readFile(args.value("classes-file"));
        if (!text) return fail(text.error());
        auto parsed = parseClassPrompts(*text);
        if (!parsed) return fail(makeError(parsed.error().code, args.value("classes-file") + ": " + parsed.error().message));
        prompts = std::move(*parsed);
    }
    std::vector<std::string> templates = defaultPromptTemplates();
    if (args.has("templates")) {
        auto text = readFile(args.value("templates"));
        if (!text) return fail(text.error());
        auto parsed = parsePromptTemplates(*text);
        if (!parsed) return fail(makeError(parsed.error().code, args.value("templates") + ": " + parsed.error().message));
        templates = std::move(*parsed);
    }
    std::vector<std::string> classes;
    for (const auto& c : prompts) classes.push_back(c.name);
    if (tagLibrary) return tagLibraryPhotos(args, prompts, templates);
    auto model = openModelWithChecksums(args.value("model"), args.value("tokenizer"), true);
    if (!model) return fail(model.error());
    auto emb = classEmbeddings(*model, prompts, templates);
    if (!emb) return fail(emb.error());
    Json all = Json::array();
    int status = kOk;
    for (const auto& path : args.positionals()) {
        auto s = classifyPhoto(*model, *emb, classes.size(), path, DecodeOptions{});
        if (!s) {
            std::cerr << "diffclip: " << s.error().message << "\n";
            status = kFailed;
            continue;
        }
        if (args.has("json")) {
            Json probs = Json::object();
            for (size_t c = 0; c < classes.size(); ++c) probs[classes[c]] = s->probabilities[c];
            all.push_back(Json::object({{"image", path}, {"label", classes[s->best]}, {"probabilities", probs}}));
        } else {
            std::cout << path << "\t" << classes[s->best] << "\t" << std::fixed << std::setprecision(3)
                      << s->probabilities[s->best] << "\n";
        }
    }
    if (args.has("json")) printJson(all);
    return status;
}

int runEvaluate(int argc, char** argv) {
    Args args;
    if (int rc = parseCommand(
            argc, argv, "evaluate",
            "(--library LIB [--k 1,5,10] | --model MODEL --data FOLDER) [--min X] [--json]\n\n"
            "With --library: leave-one-out image->image retrieval over the labelled photos (top-K hit rate = "
            "recall@K, and mAP), per class and overall. With --data: zero-shot classification accuracy on a "
            "folder-per-class tree. --min X exits 1 when the main figure (recall@first K, or accuracy) is below X.",
            {kJson, kTokenizer, {"library", true, false, "--library LIB      the labelled library"},
             {"latency-queries", true, false, "--latency-queries N  searches timed for the latency percentiles (default 100, 0: none)"},
             {"device", true, false, "--device D         auto|cpu|cuda[:N] (default auto)"},
             {"threads", true, false, "--threads N        CPU threads (default: chosen for the precision)"},
             {"index", true, false, "--index KIND       auto|exact|approximate (default auto)"},
             {"model", true, false, "--model MODEL      the model (library mode: default the library's)"},
             {"data", true, false, "--data FOLDER      folder-per-class tree"},
             {"k", true, false, "--k LIST           K values (default 1,5,10)"},
             {"min", true, false, "--min X            threshold on the main figure, 0..1"}},
            args);
        rc >= 0)
        return rc;
    double minimum = -1.0;
    if (args.has("min") && (!args.doubleValue("min", -1.0, minimum) || minimum < 0 || minimum > 1))
        return usage("--min needs a number in 0..1", "evaluate");
    if (args.has("library") == args.has("data")) return usage("evaluate needs --library or --data", "evaluate");
    if (args.has("library")) {
        std::vector<int> ks;
        for (const auto& k : splitList(args.value("k", "1,5,10"), ',')) {
            char* end = nullptr;
            const long v = std::strtol(k.c_str(), &end, 10);
            if (*end || v < 1 || v > 100000) return usage("--k needs positive integers like 1,5,10", "evaluate");
            ks.push_back(int(v));
        }
        LibraryOptions lo;
        lo.create = false;
        lo.readOnly = true;
        auto library = Library::open(args.value("library"), lo);
        if (!library) return fail(library.error());
        std::string spec;
        auto model = openLibraryModel(*library, args.value("model"), args.value("tokenizer"), false, spec);
        if (!model) return fail(model.error());
        auto r = evaluateRetrieval(*library, *model, ks);
        if (!r) return fail(r.error());
        const double main = r->overall.recallAtK.at(ks.front());
        long long latencyQueries = 100;
        if (!args.intValue("latency-queries", 100, latencyQueries) || latencyQueries < 0 || latencyQueries > 100000)
            return usage("--latency-queries must be 0..100000", "evaluate");
        auto latency = measureSearchLatency(args, spec, int(latencyQueries));
        if (!latency) return fail(latency.error());
        if (args.has("json")) {
            auto pc = [&](const RetrievalReport::PerClass& c) {
                Json j = Json::object();
                j["queries"] = c.queries;
                for (int k : ks) j["recall@" + std::to_string(k)] = c.recallAtK.at(k);
                j["map"] = c.meanAveragePrecision;
                return j;
            };
            Json j = Json::object();
            j["library"] = args.value("library");
            j["model"] = spec;
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
    if (!args.has("model")) return usage("evaluate --data needs --model", "evaluate");
    std::error_code ec;
    if (!fs::is_directory(args.value("data"), ec)) return fail(makeError(ErrorCode::NotFound, args.value("data") + ": not a folder"));
    std::vector<std::string> classes;
    for (const auto& e : fs::directory_iterator(args.value("data"), ec))
        if (e.is_directory()) classes.push_back(e.path().filename().string());
    std::sort(classes.begin(), classes.end());
    if (classes.size() < 2) return fail(makeError(ErrorCode::InvalidArgument, args.value("data") + ": needs at least two class folders"));
    auto model = openModelWithChecksums(args.value("model"), args.value("tokenizer"), true);
    if (!model) return fail(model.error());
    auto emb = classEmbeddings(*model, classes, defaultPromptTemplates());
    if (!emb) return fail(emb.error());
    std::vector<int64_t> total(classes.size(), 0), correct(classes.size(), 0);
    int64_t failed = 0;
    for (size_t c = 0; c < classes.size(); ++c) {
        auto files = collectPhotoPaths({(fs::path(args.value("data")) / classes[c]).string()});
        if (!files) return fail(files.error());
        for (const auto& f : *files) {
            auto s = classifyPhoto(*model, *emb, classes.size(), f, DecodeOptions{});
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
    if (args.has("json")) {
        Json j = Json::object();
        j["model"] = args.value("model");
        j["data"] = args.value("data");
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
