// `diffclip evaluate --library LIB --models A,B`: tables per metric and one sentence per result
// (or every number as JSON), from compareModels (core/indexing Compare.h).
#include "CompareModels.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "LibraryModel.h"
#include "Output.h"
#include "ProgressOutput.h"
#include "diffclip/indexing/Compare.h"
#include "diffclip/indexing/Indexer.h"

namespace fs = std::filesystem;

namespace diffclip::cli {

namespace {

// The package folder's (or file's) name; the whole argument when that is all it has.
std::string shortName(const std::string& spec) {
    fs::path p(spec);
    if (!p.has_filename()) p = p.parent_path();  // "dir/pkg/"
    const std::string name = p.filename().string();
    return name.empty() ? spec : name;
}

std::string percent(double v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.1f", 100.0 * v);
    return buf;
}

std::string points(double v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%+.1f", 100.0 * v);
    return buf;
}

std::string pValue(const std::optional<double>& p) {
    if (!p) return "-";
    char buf[16];
    std::snprintf(buf, sizeof buf, *p < 0.001 ? "%.1e" : "%.3f", *p);
    return buf;
}

Json intervalJson(const stats::Interval& i) { return Json::array({i.low, i.high}); }

Json metricJson(const MetricComparison& m) {
    Json j = Json::object();
    j["metric"] = m.name();
    if (m.metric == RetrievalMetric::HitAtK) j["k"] = m.k;
    j["queries"] = m.queries;
    j["a"] = m.a;
    j["a_ci95"] = intervalJson(m.aInterval);
    j["b"] = m.b;
    j["b_ci95"] = intervalJson(m.bInterval);
    j["difference"] = m.difference;
    j["difference_ci95"] = intervalJson(m.differenceInterval);
    if (m.metric == RetrievalMetric::HitAtK) {
        j["only_a"] = m.onlyA;
        j["only_b"] = m.onlyB;
    }
    j["test"] = m.metric == RetrievalMetric::HitAtK ? "mcnemar-exact" : "paired-randomization";
    j["p"] = m.p ? Json(*m.p) : Json();
    if (m.metric == RetrievalMetric::HitAtK) j["p_holm"] = m.pHolm ? Json(*m.pHolm) : Json();
    return j;
}

void printTable(const ModelComparison& c, size_t index) {
    const MetricComparison& o = c.overall[index];
    const bool holm = o.metric == RetrievalMetric::HitAtK;
    std::printf("\n%s (%%; differences in points; 95%% paired bootstrap intervals)\n", o.name().c_str());
    std::printf("%-20s %7s %6s %13s %6s %13s %6s %15s %8s%s\n", "class", "queries", "A", "A 95% CI", "B", "B 95% CI",
                "B-A", "B-A 95% CI", holm ? "McNemar" : "p", holm ? "    Holm" : "");
    auto row = [&](const std::string& label, const MetricComparison& m) {
        const std::string aCi = percent(m.aInterval.low) + "-" + percent(m.aInterval.high);
        const std::string bCi = percent(m.bInterval.low) + "-" + percent(m.bInterval.high);
        const std::string dCi = points(m.differenceInterval.low) + ".." + points(m.differenceInterval.high);
        std::printf("%-20s %7lld %6s %13s %6s %13s %6s %15s %8s", label.c_str(), static_cast<long long>(m.queries),
                    percent(m.a).c_str(), aCi.c_str(), percent(m.b).c_str(), bCi.c_str(), points(m.difference).c_str(),
                    dCi.c_str(), pValue(m.p).c_str());
        if (holm) std::printf(" %8s", pValue(m.pHolm).c_str());
        std::printf("\n");
    };
    for (const auto& cc : c.classes) row(cc.label, cc.metrics[index]);
    row("overall", o);
}

}  // namespace

Result<std::pair<ComparedModel, ComparedModel>> resolveComparedModels(
    const std::string& library, const std::vector<Library::ModelEmbeddingCount>& counts, const std::string& modelA,
    const std::string& modelB, const std::string& tokenizer) {
    const std::string names[2] = {shortName(modelA), shortName(modelB)};
    const bool sameName = names[0] == names[1];
    ComparedModel models[2];
    const std::string* specs[2] = {&modelA, &modelB};
    for (int i = 0; i < 2; ++i) {
        const char* which = i == 0 ? "A" : "B";
        auto model = openModelWithChecksums(*specs[i], tokenizer, false);
        if (!model) return makeError(model.error().code, std::string("model ") + which + ": " + model.error().message);
        models[i].name = sameName ? *specs[i] : names[i];
        models[i].fingerprint = modelFingerprint(*model);
        int64_t embedded = 0;
        for (const auto& m : counts)
            if (m.model.fingerprint == models[i].fingerprint) embedded = m.embeddings;
        if (embedded == 0)
            return makeError(ErrorCode::NotFound, std::string("model ") + which + " (" + *specs[i] + ") has embedded no photos of " +
                                                      library + "; embed them with: diffclip index --library " + library +
                                                      " --model " + *specs[i]);
    }
    return std::make_pair(models[0], models[1]);
}

int runCompareModels(const CompareModelsArgs& args) {
    const auto t0 = std::chrono::steady_clock::now();
    LibraryOptions lo;
    lo.create = false;
    lo.readOnly = true;
    auto library = Library::open(args.library, lo);
    if (!library) return fail(library.error());
    auto counts = library->embeddingCountsByModel();
    if (!counts) return fail(counts.error());

    auto resolved = resolveComparedModels(args.library, *counts, args.modelA, args.modelB, args.tokenizer);
    if (!resolved) return fail(resolved.error());
    const ComparedModel models[2] = {resolved->first, resolved->second};
    const std::string* specs[2] = {&args.modelA, &args.modelB};
    CompareOptions o;
    o.ks = args.ks;
    o.iterations = args.iterations;
    o.seed = uint64_t(args.seed);
    o.job.progress = stderrProgress("evaluate");
    auto r = compareModels(*library, models[0], models[1], o);
    if (!r) return fail(r.error());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    std::vector<std::string> sentences;
    for (size_t i = 0; i < r->overall.size(); ++i) sentences.push_back(comparisonSentence(findingFor(*r, i)));

    if (args.json) {
        Json j = Json::object();
        j["library"] = args.library;
        for (int i = 0; i < 2; ++i)
            j[i == 0 ? "a" : "b"] = Json::object(
                {{"model", *specs[i]}, {"name", models[i].name}, {"fingerprint", models[i].fingerprint}});
        Json ks = Json::array();
        for (int k : r->ks) ks.push_back(k);
        j["k"] = ks;
        j["bootstrap"] = r->iterations;
        j["seed"] = r->seed;
        j["queries"] = r->queries;
        j["left_out"] = Json::object({{"embedded_by_a_only", r->embeddedByAOnly},
                                      {"embedded_by_b_only", r->embeddedByBOnly},
                                      {"no_other_photo_of_label", r->unanswerable}});
        j["excluded_duplicate_pairs"] = r->excludedDuplicates;
        Json overall = Json::array();
        for (const auto& m : r->overall) overall.push_back(metricJson(m));
        j["overall"] = overall;
        Json classes = Json::object();
        for (const auto& c : r->classes) {
            Json metrics = Json::array();
            for (const auto& m : c.metrics) metrics.push_back(metricJson(m));
            classes[c.label] = Json::object({{"queries", c.queries}, {"metrics", metrics}});
        }
        j["classes"] = classes;
        Json s = Json::array();
        for (const auto& t : sentences) s.push_back(t);
        j["sentences"] = s;
        j["seconds"] = seconds;
        printJson(j);
        return kOk;
    }
    std::printf("A: %s (%s)\nB: %s (%s)\n", models[0].name.c_str(), args.modelA.c_str(), models[1].name.c_str(),
                args.modelB.c_str());
    std::printf("%lld queries: labelled photos embedded by both models, each ranking the same photos; left out: "
                "%lld embedded by A only, %lld by B only, %lld without another photo of their label; %lld "
                "duplicate pairs skipped. Bootstrap: %lld resamples, seed %llu.\n",
                static_cast<long long>(r->queries), static_cast<long long>(r->embeddedByAOnly),
                static_cast<long long>(r->embeddedByBOnly), static_cast<long long>(r->unanswerable),
                static_cast<long long>(r->excludedDuplicates), static_cast<long long>(r->iterations),
                static_cast<unsigned long long>(r->seed));
    for (size_t i = 0; i < r->overall.size(); ++i) printTable(*r, i);
    std::printf("\n");
    for (const auto& s : sentences) std::printf("%s\n", s.c_str());
    std::fflush(stdout);
    std::cerr << "compared in " << std::fixed << std::setprecision(1) << seconds << " s\n";
    return kOk;
}

}  // namespace diffclip::cli
