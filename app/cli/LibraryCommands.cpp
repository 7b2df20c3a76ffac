// The library commands of `diffclip`: index, search, library check, export.
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <iomanip>
#include <iostream>

#include <unistd.h>

#include "Commands.h"
#include "LibraryModel.h"
#include "Output.h"
#include "diffclip/indexing/Indexer.h"
#include "diffclip/indexing/Workspace.h"

namespace diffclip::cli {

namespace {

const OptionSpec kJson{"json", false, false, "--json             print one JSON document on standard output"};
const OptionSpec kLibrary{"library", true, false, "--library LIB      the library file (created by index)"};
const OptionSpec kTokenizer{"tokenizer", true, false, "--tokenizer FILE   CLIP BPE merges (default: the model's)"};

Json imageJson(const ImageRecord& r, const std::string& label) {
    Json j = Json::object();
    j.set("path", r.path);
    j.set("label", label.empty() ? Json() : Json(label));
    j.set("width", r.width);
    j.set("height", r.height);
    for (auto [key, value] : {std::pair{"product", &r.product}, {"line", &r.line}, {"lot", &r.lot}, {"date", &r.date},
                              {"inspector", &r.inspector}, {"notes", &r.notes}})
        if (!value->empty()) j.set(key, *value);
    auto extra = Json::parse(r.extraJson);
    if (extra && extra->isObject() && extra->size() > 0) j.set("extra", *extra);
    return j;
}

const OptionSpec kDevice{"device", true, false, "--device D         auto|cpu|cuda[:N] (default auto)"};
const OptionSpec kThreads{"threads", true, false, "--threads N        CPU threads (default: chosen for the precision)"};

int failLibrary(const Error& e, const std::string& path) {
    return fail(e.message.find(path) != std::string::npos ? e : makeError(e.code, path + ": " + e.message));
}

}  // namespace

Result<WorkspaceOptions> workspaceOptions(Args& args) {
    WorkspaceOptions o;
    o.device = args.has("device") ? args.value("device") : "auto";
    o.tokenizer = args.value("tokenizer");
    long long threads = 0;
    if (!args.intValue("threads", 0, threads) || threads < 0 || threads > 1024)
        return makeError(ErrorCode::InvalidArgument, "--threads must be 0..1024");
    o.threads = int(threads);
    if (args.has("index")) {
        const std::string kind = args.value("index");
        if (kind == "auto") o.index = IndexKind::Auto;
        else if (kind == "exact") o.index = IndexKind::Exact;
        else if (kind == "approximate") o.index = IndexKind::Approximate;
        else return makeError(ErrorCode::InvalidArgument, "--index must be auto, exact or approximate");
    }
    return o;
}

Result<LoadedModel> openModelWithChecksums(const std::string& spec, const std::string& tokenizer, bool needTokenizer) {
    LoadOptions o;
    o.checksums = true;  // the fingerprint binds embeddings to these exact weights
    o.tokenizerPath = tokenizer;
    o.requireTokenizer = needTokenizer;
    return loadModel(spec, o);
}

Result<LoadedModel> openLibraryModel(Library& library, const std::string& spec, const std::string& tokenizer,
                                     bool needTokenizer, std::string& usedSpec) {
    usedSpec = spec;
    if (usedSpec.empty()) {
        auto active = library.setting("active_model");
        if (!active) return active.error();
        usedSpec = *active;
    }
    if (usedSpec.empty()) {
        auto models = library.models();
        if (!models) return models.error();
        if (models->empty()) return makeError(ErrorCode::NotFound, "the library has no photos indexed yet");
        usedSpec = models->front().name;
    }
    return openModelWithChecksums(usedSpec, tokenizer, needTokenizer);
}

int runIndex(int argc, char** argv) {
    Args args;
    if (int rc = parseCommand(argc, argv, "index",
                              "--library LIB --model MODEL [--labels-from-folders] [--metadata CSV] [PATH...]\n\n"
                              "Adds or updates photos (files or folders, recursive) with their embeddings. Incremental "
                              "(unchanged files are skipped) and resumable (batches are committed as they finish).\n"
                              "Without PATH, embeds the library's photos that MODEL has not embedded yet (after a "
                              "change of model). MODEL becomes the library's active model.",
                              {kJson, kLibrary, kTokenizer, kDevice, kThreads,
                               {"model", true, false, "--model MODEL      the model"},
                               {"labels-from-folders", false, false, "--labels-from-folders  label = parent folder name"},
                               {"metadata", true, false, "--metadata CSV     metadata sidecar (path or file column)"},
                               {"batch", true, false, "--batch N          photos per batch (default 16)"},
                               {"max-pixels", true, false, "--max-pixels N     refuse larger photos (default 100000000)"}},
                              args);
        rc >= 0)
        return rc;
    if (!args.has("library") || !args.has("model")) return usage("index needs --library and --model", "index");
    long long batch = 16, maxPixels = 100000000;
    if (!args.intValue("batch", 16, batch) || !args.intValue("max-pixels", 100000000, maxPixels) || batch < 1 ||
        batch > 4096 || maxPixels < 1)
        return usage(args.error().empty() ? "--batch must be 1..4096, --max-pixels positive" : args.error(), "index");
    auto wo = workspaceOptions(args);
    if (!wo) return usage(wo.error().message, "index");
    wo->batchSize = int(batch);
    auto workspace = Workspace::open(args.value("library"), args.value("model"), *wo);
    if (!workspace) return failLibrary(workspace.error(), args.value("library"));
    IndexOptions o;
    o.labelsFromFolders = args.has("labels-from-folders");
    o.metadataCsv = args.value("metadata");
    o.batchSize = int(batch);
    o.decode.maxPixels = uint64_t(maxPixels);
    const bool tty = isatty(STDERR_FILENO);
    double lastShown = -1.0;
    o.progress = [&](int64_t done, int64_t total, double seconds) {
        // At most twice a second; one updating line on a terminal, plain lines in a log.
        if (done != total && seconds - lastShown < 0.5) return;
        lastShown = seconds;
        const double rate = seconds > 0 ? double(done) / seconds : 0.0;
        const double left = rate > 0 ? double(total - done) / rate : 0.0;
        std::fprintf(stderr, "%sindexing: %lld/%lld photos, %.1f photos/s, %.0f s left%s", tty ? "\r" : "",
                     (long long)done, (long long)total, rate, left, tty && done != total ? "   " : "\n");
    };
    auto s = args.positionals().empty() ? (*workspace)->reembed(o) : (*workspace)->index(args.positionals(), o);
    if (!s) return failLibrary(s.error(), args.value("library"));
    if (args.has("json")) {
        Json j = Json::object();
        j.set("library", args.value("library"));
        j.set("added", s->added);
        j.set("updated", s->updated);
        j.set("unchanged", s->unchanged);
        j.set("duplicates", s->duplicates);
        Json failed = Json::array();
        for (const auto& f : s->failures) failed.push(Json(Json::Object{{"path", f.path}, {"reason", f.reason}}));
        j.set("failed", failed);
        j.set("seconds", s->seconds);
        j.set("photos_per_second", s->photosPerSecond);
        j.set("steady_photos_per_second", s->steadyPhotosPerSecond);
        if (s->metadata) {
            j.set("metadata_rows", s->metadata->rows);
            j.set("metadata_matched", s->metadata->matched);
            j.set("metadata_unmatched", s->metadata->unmatched);
        }
        printJson(j);
    } else {
        std::cerr << s->added << " added, " << s->updated << " updated, " << s->unchanged << " unchanged, "
                  << s->failed << " failed, " << s->duplicates << " exact duplicates (" << std::fixed
                  << std::setprecision(1) << s->seconds << " s)\n";
        for (const auto& f : s->failures) std::cerr << "  failed: " << f.path << ": " << f.reason << "\n";
        if (s->metadata)
            for (const auto& c : s->metadata->rejected)
                std::cerr << "  metadata line " << c.line << ": the date \"" << c.value
                          << "\" is not YYYY-MM-DD; not imported\n";
    }
    return kOk;
}

int runSearch(int argc, char** argv) {
    Args args;
    if (int rc = parseCommand(
            argc, argv, "search",
            "--library LIB (--image FILE | --text TEXT) [--top K] [--label L] [--since DATE] [--until DATE] "
            "[--where FIELD=VALUE]... [--json]\n\nFinds the library photos most similar to a photo or a text. Uses the "
            "model the library was last indexed with unless --model names another.",
            {kJson, kLibrary, kTokenizer, kDevice, kThreads,
             {"model", true, false, "--model MODEL      the model (default: the library's active model)"},
             {"index", true, false, "--index KIND       auto|exact|approximate (default auto: exact below 1,000,000 photos)"},
             {"image", true, false, "--image FILE       query photo (in the library or not)"},
             {"text", true, false, "--text TEXT        query text"},
             {"top", true, false, "--top K            hits to return (default 10)"},
             {"label", true, false, "--label L          only photos labelled L"},
             {"since", true, false, "--since DATE       only photos dated DATE or later (YYYY-MM-DD)"},
             {"until", true, false, "--until DATE       only photos dated DATE or earlier"},
             {"where", true, false, "--where F=V        only photos whose field F equals V (repeatable)"},
             {"duplicate-cosine", true, false,
              "--duplicate-cosine X  group hits at least this alike as one part (default: calibrated; >1: off)"}},
            args);
        rc >= 0)
        return rc;
    if (!args.has("library")) return usage("search needs --library", "search");
    if (args.has("image") == args.has("text")) return usage("search needs either --image or --text", "search");
    long long top = 10;
    if (!args.intValue("top", 10, top) || top < 1 || top > 10000) return usage("--top must be 1..10000", "search");
    auto wo = workspaceOptions(args);
    if (!wo) return usage(wo.error().message, "search");
    wo->library.create = false;
    // Searching writes nothing but the active model: a library the user may only read is searched read-only.
    if (::access(args.value("library").c_str(), W_OK) != 0) wo->library.readOnly = true;
    auto workspace = Workspace::open(args.value("library"), args.value("model"), *wo);
    if (!workspace) return failLibrary(workspace.error(), args.value("library"));
    const std::string spec = (*workspace)->modelSpec();
    ImageFilter filter;
    filter.label = args.value("label");
    filter.dateFrom = args.value("since");
    filter.dateTo = args.value("until");
    filter.status = ImageStatus::Ok;
    for (const auto& w : args.values("where")) {
        const auto eq = w.find('=');
        if (eq == std::string::npos || eq == 0) return usage("--where needs FIELD=VALUE", "search");
        filter.where.emplace_back(w.substr(0, eq), w.substr(eq + 1));
    }
    SearchOptions so;
    so.k = int(top);
    if (!args.doubleValue("duplicate-cosine", 0.0, so.nearDuplicateCosine) || so.nearDuplicateCosine < 0)
        return usage("--duplicate-cosine needs a positive number", "search");
    Result<SearchResult> r = makeError(ErrorCode::Internal, "no query");
    if (args.has("image")) {
        // A library photo does not find itself: search with its stored embedding, leaving it out.
        std::error_code ec;
        const auto canonical = std::filesystem::weakly_canonical(args.value("image"), ec).string();
        LibraryOptions ro;
        ro.readOnly = true;
        ro.create = false;
        int64_t known = 0;
        if (auto lib = Library::open(args.value("library"), ro); lib)
            if (auto rec = lib->findImageByPath(canonical); rec && rec->status == ImageStatus::Ok) known = rec->id;
        r = known ? (*workspace)->searchLibraryPhoto(known, so, filter) : (*workspace)->searchPhoto(args.value("image"), so, filter);
    } else {
        r = (*workspace)->searchText(args.value("text"), so, filter);
    }
    if (!r) return fail(r.error());
    if (r->notEmbedded > 0)
        std::cerr << r->notEmbedded << " photos are not embedded by this model yet and were not searched; run "
                  << "`diffclip index --library " << args.value("library") << " --model " << spec << "`\n";
    if (args.has("json")) {
        Json j = Json::object();
        j.set("query", args.has("image") ? args.value("image") : args.value("text"));
        j.set("model", spec);
        j.set("searched", r->searched);
        j.set("not_embedded", r->notEmbedded);
        j.set("index", r->index);
        j.set("seconds", r->seconds);
        j.set("confident", r->confident ? Json(*r->confident) : Json());
        if (r->confident) j.set("confidence_threshold", r->threshold);
        j.set("near_duplicate_threshold", r->nearDuplicateThreshold);
        Json hits = Json::array();
        for (const auto& h : r->hits) {
            Json x = imageJson(h.image, h.label);
            x.set("score", double(h.score));
            Json dups = Json::array();
            for (const auto& d : h.nearDuplicates) {
                Json y = imageJson(d.image, d.label);
                y.set("score", double(d.score));
                dups.push(y);
            }
            x.set("near_duplicates", dups);
            hits.push(x);
        }
        j.set("hits", hits);
        printJson(j);
    } else {
        if (r->confident && !*r->confident)
            std::cout << "No confident match: the best score " << std::fixed << std::setprecision(3)
                      << (r->hits.empty() ? 0.0 : r->hits.front().score) << " is below this library's threshold "
                      << r->threshold << ". The closest photos:\n";
        for (size_t i = 0; i < r->hits.size(); ++i)
            std::cout << std::setw(3) << i + 1 << "  " << std::fixed << std::setprecision(3) << r->hits[i].score << "  "
                      << (r->hits[i].label.empty() ? "-" : r->hits[i].label) << "  " << r->hits[i].image.path
                      << (r->hits[i].nearDuplicates.empty()
                              ? std::string()
                              : "  (+" + std::to_string(r->hits[i].nearDuplicates.size()) + " near-duplicates)")
                      << "\n";
        if (r->hits.empty()) std::cout << "No photo matches the filters.\n";
    }
    return kOk;
}

int runLibrary(int argc, char** argv) {
    if (argc < 3 || std::string(argv[2]) != "check") {
        if (argc >= 3 && (std::string(argv[2]) == "--help" || std::string(argv[2]) == "-h")) {
            std::cout << "Usage: diffclip library check LIB [--json]\n\nChecks a library's integrity and consistency.\n";
            return kOk;
        }
        return usage("usage: diffclip library check LIB", "library");
    }
    Args args;
    if (!args.parse(argc, argv, 3, {kJson})) return usage(args.error(), "library");
    if (args.positionals().size() != 1) return usage("library check takes exactly one LIB", "library");
    LibraryOptions lo;
    lo.create = false;
    lo.readOnly = true;
    auto library = Library::open(args.positionals()[0], lo);
    if (!library) return failLibrary(library.error(), args.positionals()[0]);
    auto report = library->check();
    if (!report) return fail(report.error());
    auto images = library->listImages();
    auto failures = library->failures();
    if (args.has("json")) {
        Json j = Json::object();
        j.set("library", args.positionals()[0]);
        j.set("clean", report->clean());
        Json problems = Json::array();
        for (const auto& p : report->problems) problems.push(p);
        j.set("problems", problems);
        if (images) j.set("images", int64_t(images->size()));
        if (failures) j.set("failed_files", int64_t(failures->size()));
        printJson(j);
    } else {
        for (const auto& p : report->problems) std::cout << "problem: " << p << "\n";
        std::cout << (report->clean() ? "clean" : "NOT clean") << ": " << (images ? images->size() : 0) << " photos, "
                  << (failures ? failures->size() : 0) << " failed files\n";
    }
    return report->clean() ? kOk : kFailed;
}

int runExport(int argc, char** argv) {
    Args args;
    if (int rc = parseCommand(argc, argv, "export", "--library LIB --csv FILE\n\nWrites every photo with its label and "
                                                    "metadata as CSV.",
                              {kLibrary, {"csv", true, false, "--csv FILE         the CSV file to write"}}, args);
        rc >= 0)
        return rc;
    if (!args.has("library") || !args.has("csv")) return usage("export needs --library and --csv", "export");
    LibraryOptions lo;
    lo.create = false;
    lo.readOnly = true;
    auto library = Library::open(args.value("library"), lo);
    if (!library) return failLibrary(library.error(), args.value("library"));
    if (Status s = library->exportCsv(args.value("csv")); !s) return fail(s.error());
    return kOk;
}

}  // namespace diffclip::cli
