// The library commands of `diffclip`: index, search, library check, export.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>

#include "Commands.h"
#include "LibraryModel.h"
#include "Output.h"
#include "ProgressOutput.h"
#include "diffclip/indexing/Indexer.h"
#include "diffclip/indexing/SearchLog.h"
#include "diffclip/indexing/Workspace.h"
#include "diffclip/library/LabelCheck.h"

namespace diffclip::cli {

namespace {

const char* const kLibraryHelp = "the library file (created by index)";

Json imageJson(const ImageRecord& r, const std::string& label) {
    Json j = Json::object();
    j["path"] = r.path;
    j["label"] = label.empty() ? Json() : Json(label);
    j["width"] = r.width;
    j["height"] = r.height;
    for (auto [key, value] : {std::pair{"product", &r.product}, {"line", &r.line}, {"lot", &r.lot}, {"date", &r.date},
                              {"inspector", &r.inspector}, {"notes", &r.notes}})
        if (!value->empty()) j[key] = *value;
    auto extra = parseJson(r.extraJson);
    if (extra && extra->is_object() && !extra->empty()) j["extra"] = *extra;
    return j;
}

int failLibrary(const Error& e, const std::string& path) {
    return fail(e.message.find(path) != std::string::npos ? e : makeError(e.code, path + ": " + e.message));
}

// An existing library, read only (the commands that only look at it).
Result<Library> openExisting(const std::string& path) {
    LibraryOptions lo;
    lo.create = false;
    lo.readOnly = true;
    return Library::open(path, lo);
}

}  // namespace

void addWorkspaceOptions(CommandLine& cli, WorkspaceArgs& args, bool withIndex) {
    cli.addText("--device", args.device, "D", "auto|cpu|cuda[:N] (default auto)");
    cli.addChoice("--dtype", args.dtype, {"auto", "fp32", "bf16", "fp16", "int8"}, "D",
                  "auto|fp32|bf16|fp16|int8 (default auto: bf16 on a GPU or a CPU with bf16, else int8 when it "
                  "passes the check against fp32 at load, else fp32)");
    cli.addInteger("--threads", args.threads, 0, 1024, "N", "CPU threads (default: chosen for the precision)");
    if (withIndex)
        cli.addChoice("--index", args.index, {"auto", "exact", "approximate"}, "KIND",
                      "auto|exact|approximate (default auto: exact below 1,000,000 photos)");
}

Result<WorkspaceOptions> workspaceOptions(const WorkspaceArgs& args) {
    WorkspaceOptions o;
    o.device = args.device;
    o.dtype = args.dtype;
    o.tokenizer = args.tokenizer;
    o.threads = int(args.threads);
    if (args.index == "auto") o.index = IndexKind::Auto;
    else if (args.index == "exact") o.index = IndexKind::Exact;
    else if (args.index == "approximate") o.index = IndexKind::Approximate;
    else return makeError(ErrorCode::InvalidArgument, "--index must be auto, exact or approximate");
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
    CommandLine cli("index", "--library LIB --model MODEL [--labels-from-folders] [--metadata CSV] [PATH...]\n\n"
                             "Adds or updates photos (files or folders, recursive) with their embeddings. Incremental "
                             "(unchanged files are skipped) and resumable (batches are committed as they finish). "
                             "Runs at the same time on one library share the work: each photo is embedded once.\n"
                             "Without PATH, embeds the library's photos that MODEL has not embedded yet (after a "
                             "change of model). MODEL becomes the library's active model.");
    WorkspaceArgs args;
    std::string library, model, metadata;
    std::vector<std::string> paths;
    long long batch = 16, maxPixels = 100000000;
    bool json = false, labelsFromFolders = false;
    cli.add_option("PATH", paths, "photos or folders of photos (recursive)");
    cli.addFlag("--json", json, kJsonHelp);
    cli.addText("--library", library, "LIB", kLibraryHelp)->required();
    cli.addText("--tokenizer", args.tokenizer, "FILE", kTokenizerHelp);
    addWorkspaceOptions(cli, args, false);
    cli.addText("--model", model, "MODEL", "the model")->required();
    cli.addFlag("--labels-from-folders", labelsFromFolders, "label = parent folder name");
    cli.addText("--metadata", metadata, "CSV", "metadata sidecar (path or file column)");
    cli.addInteger("--batch", batch, 1, 4096, "N", "photos per batch (default 16)");
    cli.addInteger("--max-pixels", maxPixels, 1, kNoLimit, "N", "refuse larger photos (default 100000000)");
    if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
    auto wo = workspaceOptions(args);
    if (!wo) return cli.usageError(wo.error().message);
    wo->batchSize = int(batch);
    auto workspace = Workspace::open(library, model, *wo);
    if (!workspace) return failLibrary(workspace.error(), library);
    std::cerr << "precision: " << (*workspace)->precisionNote() << "\n";
    IndexOptions o;
    o.labelsFromFolders = labelsFromFolders;
    o.metadataCsv = metadata;
    o.batchSize = int(batch);
    o.decode.maxPixels = uint64_t(maxPixels);
    o.job.progress = stderrProgress("index");
    auto s = paths.empty() ? (*workspace)->reembed(o) : (*workspace)->index(paths, o);
    if (!s) return failLibrary(s.error(), library);
    if (json) {
        Json j = Json::object();
        j["library"] = library;
        j["added"] = s->added;
        j["updated"] = s->updated;
        j["unchanged"] = s->unchanged;
        j["indexed_by_another_run"] = s->indexedByAnotherRun;
        j["duplicates"] = s->duplicates;
        Json failed = Json::array();
        for (const auto& f : s->failures) failed.push_back(Json::object({{"path", f.path}, {"reason", f.reason}}));
        j["failed"] = failed;
        j["seconds"] = s->seconds;
        j["photos_per_second"] = s->photosPerSecond;
        j["steady_photos_per_second"] = s->steadyPhotosPerSecond;
        j["precision"] = (*workspace)->precision();
        if (s->metadata) {
            j["metadata_rows"] = s->metadata->rows;
            j["metadata_matched"] = s->metadata->matched;
            j["metadata_unmatched"] = s->metadata->unmatched;
        }
        printJson(j);
    } else {
        std::cerr << s->added << " added, " << s->updated << " updated, " << s->unchanged << " unchanged, ";
        // Only when another `index` ran on the library at the same time: the counts then add up.
        if (s->indexedByAnotherRun > 0) std::cerr << s->indexedByAnotherRun << " indexed by another run, ";
        std::cerr << s->failed << " failed, " << s->duplicates << " exact duplicates (" << std::fixed
                  << std::setprecision(1) << s->seconds << " s)\n";
        for (const auto& f : s->failures) std::cerr << "  failed: " << f.path << ": " << f.reason << "\n";
        if (s->metadata)
            for (const auto& c : s->metadata->rejected)
                std::cerr << "  metadata line " << c.line << ": the date \"" << c.value
                          << "\" is not YYYY-MM-DD; not imported\n";
    }
    return kOk;
}

namespace {

int64_t searchClockMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

int runSearch(int argc, char** argv) {
    CommandLine cli("search", "--library LIB (--image FILE | --text TEXT) [--top K] [--label L] [--since DATE] "
                              "[--until DATE] [--where FIELD=VALUE]... [--feedback RANK|none] [--json]\n\nFinds the "
                              "library photos most similar to a photo or a text. Uses the model the library was last "
                              "indexed with unless --model names another. Every search is logged in the library "
                              "(time, user, host, model, query, filters, K, latency, best score, confidence; "
                              "`diffclip usage`); nothing leaves the machine. --feedback records which printed hit "
                              "is the first right one (RANK, 1-based) or that none is.");
    WorkspaceArgs args;
    std::string library, model, image, text;
    std::vector<std::string> where;
    long long top = 10;
    SearchOptions so;
    ImageFilter filter;
    bool json = false;
    cli.addFlag("--json", json, kJsonHelp);
    cli.addText("--library", library, "LIB", kLibraryHelp)->required();
    cli.addText("--tokenizer", args.tokenizer, "FILE", kTokenizerHelp);
    addWorkspaceOptions(cli, args, true);
    cli.addText("--model", model, "MODEL", "the model (default: the library's active model)");
    cli.addText("--image", image, "FILE", "query photo (in the library or not)");
    cli.addText("--text", text, "TEXT", "query text");
    cli.addInteger("--top", top, 1, 10000, "K", "hits to return (default 10)");
    cli.addText("--label", filter.label, "L", "only photos labelled L");
    cli.addText("--since", filter.dateFrom, "DATE", "only photos dated DATE or later (YYYY-MM-DD)");
    cli.addText("--until", filter.dateTo, "DATE", "only photos dated DATE or earlier");
    cli.addRepeated("--where", where, "F=V", "only photos whose field F equals V (repeatable)");
    cli.addNumber("--duplicate-cosine", so.nearDuplicateCosine, 0, kInfinity, "X",
                  "group hits at least this alike as one part (default: calibrated; >1: off)");
    std::string feedback;
    cli.addText("--feedback", feedback, "RANK|none",
                "record feedback on this search: the printed hit RANK (1-based) is the first right one, or none is");
    if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
    const bool byImage = cli.given("--image");
    if (byImage == cli.given("--text")) return cli.usageError("search needs either --image or --text");
    int feedbackRank = -1;  // -1: no feedback; 0: none right
    if (cli.given("--feedback")) {
        if (feedback == "none") {
            feedbackRank = 0;
        } else {
            const bool digits = !feedback.empty() && feedback.size() <= 6 &&
                                feedback.find_first_not_of("0123456789") == std::string::npos;
            feedbackRank = digits ? std::stoi(feedback) : -1;
            if (feedbackRank < 1 || feedbackRank > top)
                return cli.usageError("--feedback must be \"none\" or a rank from 1 to " + std::to_string(top) +
                                      " (the number of hits asked for), not \"" + feedback + "\"");
        }
    }
    filter.status = ImageStatus::Ok;
    for (const auto& w : where) {
        const auto eq = w.find('=');
        if (eq == std::string::npos || eq == 0) return cli.usageError("--where needs FIELD=VALUE");
        filter.where.emplace_back(w.substr(0, eq), w.substr(eq + 1));
    }
    if (!filter.where.empty()) {
        // An unknown field would match nothing and read as "no similar photo": a usage error.
        LibraryOptions ro;
        ro.readOnly = true;
        ro.create = false;
        if (auto lib = Library::open(library, ro); lib)
            if (Status known = lib->checkFilter(filter); !known) return cli.usageError(known.error().message);
    }
    so.k = int(top);
    auto wo = workspaceOptions(args);
    if (!wo) return cli.usageError(wo.error().message);
    wo->library.create = false;
    // Searching writes nothing but the active model: a library the user may only read is searched read-only.
    if (::access(library.c_str(), W_OK) != 0) wo->library.readOnly = true;
    auto workspace = Workspace::open(library, model, *wo);
    if (!workspace) return failLibrary(workspace.error(), library);
    const std::string spec = (*workspace)->modelSpec();
    Result<SearchResult> r = makeError(ErrorCode::Internal, "no query");
    const int64_t startedAtMs = searchClockMs();
    std::string queryKey = "text:" + text;
    int64_t queryImageId = 0;
    if (byImage) {
        // A library photo does not find itself: search with its stored embedding, leaving it out.
        std::error_code ec;
        const auto canonical = std::filesystem::weakly_canonical(image, ec).string();
        LibraryOptions ro;
        ro.readOnly = true;
        ro.create = false;
        int64_t known = 0;
        if (auto lib = Library::open(library, ro); lib)
            if (auto rec = lib->findImageByPath(canonical); rec && rec->status == ImageStatus::Ok) known = rec->id;
        r = known ? (*workspace)->searchLibraryPhoto(known, so, filter) : (*workspace)->searchPhoto(image, so, filter);
        queryKey = canonical.empty() ? image : canonical;
        queryImageId = known;
    } else {
        r = (*workspace)->searchText(text, so, filter);
    }
    if (!r) return fail(r.error());

    // The usage log: every search is logged; feedback from --feedback is linked to it.
    int64_t searchId = 0;
    std::string logProblem;
    {
        LibraryOptions lo;
        lo.create = false;
        lo.readOnly = ::access(library.c_str(), W_OK) != 0;
        auto lib = Library::open(library, lo);
        if (!lib) {
            logProblem = lib.error().message;
        } else {
            auto id = lib->logSearch(
                searchLogEntry(*lib, **workspace, queryKey, !byImage, queryImageId, filter, int(top), *r, startedAtMs,
                               "cli"));
            if (id) searchId = *id;
            else logProblem = id.error().message;
            if (id && feedbackRank > 0 && size_t(feedbackRank) > r->hits.size()) {
                logProblem = "--feedback " + std::to_string(feedbackRank) + ": only " + std::to_string(r->hits.size()) +
                             " hits were found";
            } else if (id && feedbackRank >= 0) {
                if (Status s = lib->addSearchFeedback(*id, feedbackRank, feedbackRank > 0); !s)
                    logProblem = "feedback not recorded: " + s.error().message;
            }
        }
    }
    const bool feedbackOutOfRange = feedbackRank > 0 && size_t(feedbackRank) > r->hits.size();
    if (r->notEmbedded > 0)
        std::cerr << r->notEmbedded << " photos are not embedded by this model yet and were not searched; run "
                  << "`diffclip index --library " << library << " --model " << spec << "`\n";
    if (json) {
        Json j = Json::object();
        j["query"] = byImage ? image : text;
        j["model"] = spec;
        j["searched"] = r->searched;
        j["not_embedded"] = r->notEmbedded;
        j["index"] = r->index;
        j["seconds"] = r->seconds;
        j["search_id"] = searchId > 0 ? Json(searchId) : Json();
        j["latency_ms"] = Json::object({{"decode", r->decodeSeconds * 1000.0},
                                        {"encode", r->encodeSeconds * 1000.0},
                                        {"search", r->searchSeconds * 1000.0},
                                        {"total", r->seconds * 1000.0}});
        if (feedbackRank >= 0 && logProblem.empty())
            j["feedback"] = feedbackRank == 0 ? Json("none") : Json(feedbackRank);
        j["confident"] = r->confident ? Json(*r->confident) : Json();
        if (r->confident) j["confidence_threshold"] = r->threshold;
        j["near_duplicate_threshold"] = r->nearDuplicateThreshold;
        Json hits = Json::array();
        for (const auto& h : r->hits) {
            Json x = imageJson(h.image, h.label);
            x["score"] = double(h.score);
            Json dups = Json::array();
            for (const auto& d : h.nearDuplicates) {
                Json y = imageJson(d.image, d.label);
                y["score"] = double(d.score);
                dups.push_back(y);
            }
            x["near_duplicates"] = dups;
            hits.push_back(x);
        }
        j["hits"] = hits;
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
    if (feedbackOutOfRange) {
        // A rank beyond the hits is bad usage; the search itself is logged when the log could be written.
        if (searchId == 0) std::cerr << "diffclip: note: the search was not logged: " << logProblem << "\n";
        return cli.usageError("--feedback " + std::to_string(feedbackRank) + ": only " +
                              std::to_string(r->hits.size()) + " hits were found" +
                              (searchId > 0 ? "; the search is logged without feedback" : ""));
    }
    if (!logProblem.empty()) {
        // The search itself worked; only --feedback makes the log's failure the command's.
        if (feedbackRank >= 0) return fail(makeError(ErrorCode::Io, library + ": " + logProblem));
        std::cerr << "diffclip: note: the search was not logged: " << logProblem << "\n";
    }
    return kOk;
}

// The options `check-labels` and `label-next` share: LIB, --k, --top, --json.
struct NeighbourArgs {
    std::string path;
    long long k = 10, top = 20;
    bool json = false;
};

// Parses them; -1 to go on, else the exit status.
int parseNeighbourArgs(CommandLine& cli, int argc, char** argv, NeighbourArgs& a, const char* kHelp, const char* topHelp) {
    cli.add_option("LIB", a.path, "the library file")->required();
    cli.addInteger("--k", a.k, 1, 1000, "N", kHelp);
    cli.addInteger("--top", a.top, 1, kNoLimit, "N", topHelp);
    cli.addFlag("--json", a.json, kJsonHelp);
    return cli.parse(argc, argv, 3);
}

// `diffclip library check-labels`: labelled photos whose nearest neighbours mostly carry another label.
int runCheckLabels(int argc, char** argv) {
    CommandLine cli("library check-labels",
                    "LIB [--k N] [--top N] [--json]\n\nLists labelled photos whose nearest labelled neighbours (by the "
                    "embeddings of the library's\nmain model) mostly carry another label, most doubtful first: "
                    "labels worth a second look.");
    NeighbourArgs a;
    if (int rc = parseNeighbourArgs(cli, argc, argv, a, "neighbours looked at per photo (default 10)", "doubts printed (default 20)");
        rc >= 0)
        return rc;
    const std::string& path = a.path;
    const long long k = a.k, top = a.top;
    const bool json = a.json;
    auto library = openExisting(path);
    if (!library) return failLibrary(library.error(), path);
    auto check = checkLibraryLabels(*library, int(k));
    if (!check) return fail(check.error());
    std::map<int64_t, std::string> paths;
    if (auto images = library->listImages())
        for (const auto& img : *images) paths[img.id] = img.path;
    const size_t shown = std::min(check->doubts.size(), size_t(top));
    if (json) {
        Json j = Json::object();
        j["library"] = path;
        j["model"] = check->model;
        j["labelled"] = check->labelled;
        j["k"] = k;
        j["doubts_total"] = int64_t(check->doubts.size());
        Json list = Json::array();
        for (size_t i = 0; i < shown; ++i) {
            const LabelDoubt& d = check->doubts[i];
            list.push_back(Json::object({{"path", paths[d.imageId]},
                                         {"label", d.label},
                                         {"suggested", d.suggested},
                                         {"score", d.score},
                                         {"disagreeing", d.disagreeing},
                                         {"neighbours", d.neighbours}}));
        }
        j["doubts"] = list;
        printJson(j);
        return kOk;
    }
    if (check->model.empty()) {
        std::cout << "No photo has an embedding yet: index the library first.\n";
        return kOk;
    }
    std::cout << check->doubts.size() << " of " << check->labelled << " labelled photos have neighbours that mostly say "
              << "otherwise (model " << check->model << ", " << k << " neighbours):\n";
    for (size_t i = 0; i < shown; ++i) {
        const LabelDoubt& d = check->doubts[i];
        std::cout << std::fixed << std::setprecision(2) << "  " << d.score << "  " << d.label << " -> " << d.suggested
                  << "  (" << d.disagreeing << "/" << d.neighbours << ")  " << paths[d.imageId] << "\n";
    }
    return kOk;
}

// `diffclip library label-next`: unlabelled photos whose labels would teach the most.
int runLabelNext(int argc, char** argv) {
    CommandLine cli("library label-next",
                    "LIB [--k N] [--top N] [--json]\n\nLists unlabelled photos to label next, most useful first: those "
                    "whose nearest labelled\nneighbours (by the embeddings of the library's main model) disagree, and "
                    "those unlike any\nlabelled or already listed photo, so near duplicates do not crowd the list.");
    NeighbourArgs a;
    if (int rc = parseNeighbourArgs(cli, argc, argv, a, "labelled neighbours looked at per photo (default 10)",
                                    "photos listed (default 20)");
        rc >= 0)
        return rc;
    const std::string& path = a.path;
    const long long k = a.k, top = a.top;
    const bool json = a.json;
    auto library = openExisting(path);
    if (!library) return failLibrary(library.error(), path);
    auto plan = suggestLibraryLabelling(*library, int(k), int(std::min<long long>(top, 1 << 30)));
    if (!plan) return fail(plan.error());
    std::map<int64_t, std::string> paths;
    if (auto images = library->listImages())
        for (const auto& img : *images) paths[img.id] = img.path;
    if (json) {
        Json j = Json::object();
        j["library"] = path;
        j["model"] = plan->model;
        j["labelled"] = plan->labelled;
        j["unlabelled"] = plan->unlabelled;
        j["k"] = k;
        Json list = Json::array();
        for (const LabelSuggestion& s : plan->suggestions)
            list.push_back(Json::object({{"path", paths[s.imageId]},
                                         {"priority", s.priority},
                                         {"uncertainty", s.uncertainty},
                                         {"novelty", s.novelty},
                                         {"likely", s.likely},
                                         {"runner_up", s.runnerUp}}));
        j["suggestions"] = list;
        printJson(j);
        return kOk;
    }
    if (plan->model.empty()) {
        std::cout << "No photo has an embedding yet: index the library first.\n";
        return kOk;
    }
    if (plan->unlabelled == 0) {
        std::cout << "Every embedded photo is labelled (model " << plan->model << ").\n";
        return kOk;
    }
    std::cout << plan->suggestions.size() << " of " << plan->unlabelled << " unlabelled photos to label next (model "
              << plan->model << ", " << plan->labelled << " labelled, " << k << " neighbours):\n"
              << "  priority  uncertain  novel  likely (runner-up)  photo\n";
    for (const LabelSuggestion& s : plan->suggestions)
        std::cout << std::fixed << std::setprecision(3) << "  " << std::setw(8) << s.priority << "  " << std::setw(9)
                  << s.uncertainty << "  " << std::setw(5) << s.novelty << "  "
                  << (s.likely.empty() ? std::string("-") : s.likely + (s.runnerUp.empty() ? "" : " (" + s.runnerUp + ")"))
                  << "  " << paths[s.imageId] << "\n";
    return kOk;
}

int runLibrary(int argc, char** argv) {
    if (argc >= 3 && std::string(argv[2]) == "check-labels") return runCheckLabels(argc, argv);
    if (argc >= 3 && std::string(argv[2]) == "label-next") return runLabelNext(argc, argv);
    if (argc < 3 || std::string(argv[2]) != "check") {
        if (argc >= 3 && (std::string(argv[2]) == "--help" || std::string(argv[2]) == "-h")) {
            std::cout << "Usage: diffclip library check LIB [--json]\n"
                         "       diffclip library check-labels LIB [--k N] [--top N] [--json]\n"
                         "       diffclip library label-next LIB [--k N] [--top N] [--json]\n\n"
                         "check: a library's integrity and consistency. check-labels: labels whose nearest\n"
                         "neighbours say otherwise. label-next: unlabelled photos whose labels would teach the most.\n";
            return kOk;
        }
        return usage("usage: diffclip library check LIB | check-labels LIB | label-next LIB", "library");
    }
    CommandLine cli("library check", "LIB [--json]\n\nChecks a library's integrity and consistency.");
    std::string path;
    bool json = false;
    cli.add_option("LIB", path, "the library file")->required();
    cli.addFlag("--json", json, kJsonHelp);
    if (int rc = cli.parse(argc, argv, 3); rc >= 0) return rc;
    auto library = openExisting(path);
    if (!library) return failLibrary(library.error(), path);
    auto report = library->check();
    if (!report) return fail(report.error());
    auto images = library->listImages();
    auto failures = library->failures();
    if (json) {
        Json j = Json::object();
        j["library"] = path;
        j["clean"] = report->clean();
        Json problems = Json::array();
        for (const auto& p : report->problems) problems.push_back(p);
        j["problems"] = problems;
        if (images) j["images"] = int64_t(images->size());
        if (failures) j["failed_files"] = int64_t(failures->size());
        printJson(j);
    } else {
        for (const auto& p : report->problems) std::cout << "problem: " << p << "\n";
        std::cout << (report->clean() ? "clean" : "NOT clean") << ": " << (images ? images->size() : 0) << " photos, "
                  << (failures ? failures->size() : 0) << " failed files\n";
    }
    return report->clean() ? kOk : kFailed;
}

int runExport(int argc, char** argv) {
    CommandLine cli("export", "--library LIB --csv FILE\n\nWrites every photo with its label and metadata as CSV.");
    std::string path, csv;
    cli.addText("--library", path, "LIB", kLibraryHelp)->required();
    cli.addText("--csv", csv, "FILE", "the CSV file to write")->required();
    if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
    auto library = openExisting(path);
    if (!library) return failLibrary(library.error(), path);
    if (Status s = library->exportCsv(csv); !s) return fail(s.error());
    return kOk;
}

}  // namespace diffclip::cli
