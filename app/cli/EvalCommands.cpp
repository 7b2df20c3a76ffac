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

}  // namespace

int runClassify(int argc, char** argv) {
    Args args;
    if (int rc = parseCommand(argc, argv, "classify",
                              "--model MODEL (--classes \"a,b,c\" | --classes-file F) IMAGE...\n\nZero-shot labels with "
                              "probabilities: each class is described by an ensemble of prompt templates.",
                              {kJson, kTokenizer, {"model", true, false, "--model MODEL      the model"},
                               {"classes", true, false, "--classes LIST     comma-separated class names"},
                               {"classes-file", true, false, "--classes-file F   one class name per line"}},
                              args);
        rc >= 0)
        return rc;
    if (!args.has("model")) return usage("classify needs --model", "classify");
    if (args.has("classes") == args.has("classes-file")) return usage("classify needs --classes or --classes-file", "classify");
    if (args.positionals().empty()) return usage("classify needs at least one IMAGE", "classify");
    std::vector<std::string> classes;
    if (args.has("classes")) {
        classes = splitList(args.value("classes"), ',');
    } else {
        std::ifstream in(args.value("classes-file"));
        if (!in) return fail(makeError(ErrorCode::NotFound, args.value("classes-file") + ": cannot open"));
        std::stringstream ss;
        ss << in.rdbuf();
        classes = splitList(ss.str(), '\n');
    }
    if (classes.size() < 2) return usage("classify needs at least two classes", "classify");
    auto model = openModelWithChecksums(args.value("model"), args.value("tokenizer"), true);
    if (!model) return fail(model.error());
    auto emb = classEmbeddings(*model, classes, defaultPromptTemplates());
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
            for (size_t c = 0; c < classes.size(); ++c) probs.set(classes[c], s->probabilities[c]);
            all.push(Json(Json::Object{{"image", path}, {"label", classes[s->best]}, {"probabilities", probs}}));
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
        if (args.has("json")) {
            auto pc = [&](const RetrievalReport::PerClass& c) {
                Json j = Json::object();
                j.set("queries", c.queries);
                for (int k : ks) j.set("recall@" + std::to_string(k), c.recallAtK.at(k));
                j.set("map", c.meanAveragePrecision);
                return j;
            };
            Json j = Json::object();
            j.set("library", args.value("library"));
            j.set("model", spec);
            j.set("overall", pc(r->overall));
            Json classes = Json::object();
            for (const auto& [name, c] : r->classes) classes.set(name, pc(c));
            j.set("classes", classes);
            j.set("excluded_duplicate_pairs", r->excludedDuplicates);
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
        j.set("model", args.value("model"));
        j.set("data", args.value("data"));
        j.set("photos", all);
        j.set("unreadable", failed);
        j.set("accuracy", accuracy);
        Json per = Json::object();
        for (size_t c = 0; c < classes.size(); ++c)
            per.set(classes[c], total[c] ? double(correct[c]) / double(total[c]) : 0.0);
        j.set("per_class_accuracy", per);
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
