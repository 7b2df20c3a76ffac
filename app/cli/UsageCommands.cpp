// `diffclip usage export|clear|kpis`: the library's usage log (UsageLog.h) and the PoC figures
// computed from it (UsageKpis.h, docs/POC.md). Nothing leaves the machine.
#include <unistd.h>

#include <cstdio>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>

#include "Commands.h"
#include "Output.h"
#include "UsageArgs.h"
#include "diffclip/library/EmbeddingDrift.h"
#include "diffclip/library/Library.h"
#include "diffclip/library/UsageEconomics.h"
#include "diffclip/library/UsageKpis.h"

namespace diffclip::cli {

namespace {

const char* const kUsageSynopsis =
    "usage: diffclip usage export --library LIB --out FILE.csv [--from DATE] [--to DATE]\n"
    "       diffclip usage clear --library LIB --yes\n"
    "       diffclip usage kpis --library LIB [--from DATE] [--to DATE] [--label L] [--line L] [--product P]\n"
    "                           [--user U] [--model M] [--recent-days N] [--json]\n";

const char* const kUsageHelp =
    "\nThe usage log: every search of the desktop application and of `diffclip search` is logged in the\n"
    "library with its feedback. It stays in the library file; nothing leaves the machine.\n"
    "  export  write the log as CSV (one row per search, with its feedback)\n"
    "  clear   remove every logged search (asks for --yes); judgements of hits are kept\n"
    "  kpis    hit@1/5/10 from feedback with 95% Wilson intervals (overall, per label, per ISO week),\n"
    "          share of \"no confident match\", searches per day, latency p50/p95 per day and model,\n"
    "          median task time, and a warning when hit@5 dropped significantly (docs/POC.md)\n"
    "Dates are YYYY-MM-DD in this machine's time zone, both ends included.\n";

std::string percent(double fraction) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f%%", 100.0 * fraction);
    return buffer;
}

std::string rateText(const UsageHitRate& h) {
    if (h.trials == 0) return "-";
    return percent(h.rate) + " [" + percent(h.low) + ", " + percent(h.high) + "] " + std::to_string(h.hits) + "/" +
           std::to_string(h.trials);
}

Json rateJson(const UsageHitRates& g) {
    Json j = Json::object();
    j["searches"] = g.searches;
    j["judged"] = g.judged;
    for (size_t i = 0; i < kUsageKs.size(); ++i) {
        const UsageHitRate& h = g.at[i];
        j["hit@" + std::to_string(kUsageKs[i])] = Json::object({{"hits", h.hits},
                                                                 {"trials", h.trials},
                                                                 {"rate", h.trials ? Json(h.rate) : Json()},
                                                                 {"ci95", Json::array({h.low, h.high})}});
    }
    return j;
}

std::string dayText(int64_t ms, int offset) {
    return ms == std::numeric_limits<int64_t>::min() || ms == std::numeric_limits<int64_t>::max()
               ? std::string("-")
               : usage::civilDay(usage::dayOf(ms, offset));
}

int runUsageExport(int argc, char** argv) {
    CommandLine cli("usage export", "--library LIB --out FILE.csv [--from DATE] [--to DATE]\n\nWrites the usage log as "
                                    "CSV (RFC 4180, UTF-8): one row per search with its feedback (docs/POC.md).");
    std::string library, out;
    PeriodArgs period;
    cli.addText("--library", library, "LIB", "the library file")->required();
    cli.addText("--out", out, "FILE", "the CSV file to write (replaced atomically)")->required();
    addPeriod(cli, period);
    if (int rc = cli.parse(argc, argv, 3); rc >= 0) return rc;
    UsageFilter f;
    if (auto bad = applyPeriod(period, usage::localUtcOffsetMinutes(), f); !bad.empty()) return cli.usageError(bad);
    auto lib = openLog(library, false);
    if (!lib) return fail(lib.error());
    auto n = lib->exportUsageCsv(out, f);
    if (!n) return fail(n.error());
    std::cerr << *n << " searches written to " << out << "\n";
    return kOk;
}

int runUsageClear(int argc, char** argv) {
    CommandLine cli("usage clear", "--library LIB --yes\n\nRemoves every logged search and its \"none right\" marks in "
                                   "one transaction. Judgements of hits stay (they are the photos' feedback), no "
                                   "longer linked to a search. Export the log first to keep it.");
    std::string library;
    bool yes = false;
    cli.addText("--library", library, "LIB", "the library file")->required();
    cli.addFlag("--yes", yes, "confirm: the logged searches cannot be brought back");
    if (int rc = cli.parse(argc, argv, 3); rc >= 0) return rc;
    if (!yes)
        return cli.usageError("clearing removes every logged search of " + library +
                              " for good; add --yes to confirm (export it first with `diffclip usage export`)");
    if (::access(library.c_str(), F_OK) == 0 && ::access(library.c_str(), W_OK) != 0)
        return fail(makeError(ErrorCode::Io, library + ": the library is read-only; the log cannot be cleared"));
    auto lib = openLog(library, true);
    if (!lib) return fail(lib.error());
    auto n = lib->clearUsageLog();
    if (!n) return fail(makeError(n.error().code, library + ": " + n.error().message));
    std::cerr << *n << " logged searches removed from " << library << "\n";
    return kOk;
}

int runUsageKpis(int argc, char** argv) {
    CommandLine cli("usage kpis", "--library LIB [--from DATE] [--to DATE] [--label L] [--line L] [--product P] "
                                  "[--user U] [--model M] [--recent-days N] [--before-minutes M [--hourly-rate X] "
                                  "[--power-watts W] [--kwh-price P] [--investment I]] [--drift] [--json]\n\nThe PoC figures from "
                                  "the usage log; with --before-minutes also the time and money they mean (hours saved "
                                  "per month, cost per 1,000 searches, payback); with --drift whether the photos added "
                                  "recently look like the earlier ones. docs/POC.md says how each is computed.");
    std::string library;
    KpiArgs args;
    UsageKpiOptions o;
    bool json = false;
    cli.addFlag("--json", json, kJsonHelp);
    cli.addText("--library", library, "LIB", "the library file")->required();
    addKpiOptions(cli, o, args);
    EconomicsInputs money;
    addEconomicsOptions(cli, money);
    bool drift = false;
    cli.addFlag("--drift", drift,
                "also test whether the photos added in the recent period drift from the earlier ones (reads every "
                "embedding of the library's main model)");
    if (int rc = cli.parse(argc, argv, 3); rc >= 0) return rc;
    std::string moneyError;
    const bool withMoney = economicsGiven(cli, money, moneyError);
    if (!moneyError.empty()) return cli.usageError(moneyError);
    if (auto bad = applyKpiOptions(args, o); !bad.empty()) return cli.usageError(bad);
    auto lib = openLog(library, false);
    if (!lib) return fail(lib.error());
    auto k = usageKpis(*lib, o);
    if (!k) return fail(k.error());
    const int off = o.utcOffsetMinutes;
    const UsageMonitor& m = k->monitor;
    const Economics e = computeEconomics(*k, money);
    EmbeddingDrift shift;
    if (drift) {
        DriftOptions dopt;
        dopt.recentDays = o.recentDays;
        dopt.endMs = o.filter.toMs == std::numeric_limits<int64_t>::max() ? 0 : o.filter.toMs;
        auto got = embeddingDrift(*lib, dopt);
        if (!got) return fail(makeError(got.error().code, library + ": " + got.error().message));
        shift = *got;
    }
    auto optional = [](const std::optional<double>& v) { return v ? Json(*v) : Json(); };
    if (json) {
        Json j = Json::object();
        j["library"] = library;
        j["from"] = args.period.from.empty() ? Json() : Json(args.period.from);
        j["to"] = args.period.to.empty() ? Json() : Json(args.period.to);
        j["utc_offset_minutes"] = off;
        j["searches"] = k->searches;
        j["judged"] = k->judged;
        j["overall"] = rateJson(k->overall);
        Json labels = Json::array();
        for (const auto& g : k->byLabel) {
            Json x = rateJson(g);
            x["label"] = g.group.empty() ? Json() : Json(g.group);
            labels.push_back(x);
        }
        j["by_label"] = labels;
        Json weeks = Json::array();
        for (const auto& g : k->byWeek) {
            Json x = rateJson(g);
            x["week"] = g.group;
            weeks.push_back(x);
        }
        j["by_week"] = weeks;
        j["confidence_tested"] = k->confidenceTested;
        j["not_confident"] = k->notConfident;
        j["not_confident_share"] = k->confidenceTested ? Json(k->notConfidentShare) : Json();
        Json days = Json::array();
        for (const auto& d : k->perDay) days.push_back(Json::object({{"day", d.day}, {"searches", d.searches}}));
        j["searches_per_day"] = days;
        Json lat = Json::array();
        for (const auto& l : k->latency)
            lat.push_back(Json::object({{"day", l.day},
                                        {"model", l.model},
                                        {"searches", l.searches},
                                        {"p50_ms", l.p50Ms},
                                        {"p95_ms", l.p95Ms}}));
        j["latency"] = lat;
        j["task_times"] = k->taskTimes;
        j["median_task_seconds"] = k->medianTaskSeconds ? Json(*k->medianTaskSeconds) : Json();
        j["monitor"] = Json::object({{"recent_from", dayText(m.recentFromMs, off)},
                                     {"recent_to", dayText(m.recentToMs - 1, off)},
                                     {"recent_hits", m.recentHits},
                                     {"recent_trials", m.recentTrials},
                                     {"previous_from", dayText(m.previousFromMs, off)},
                                     {"previous_to", dayText(m.previousToMs - 1, off)},
                                     {"previous_hits", m.previousHits},
                                     {"previous_trials", m.previousTrials},
                                     {"p_value", m.pValue},
                                     {"warning", m.warning}});
        j["mean_total_seconds"] = k->meanTotalSeconds;
        if (drift)
            j["drift"] = Json::object({{"model", shift.model},
                                       {"recent_from", dayText(shift.recentFromMs, off)},
                                       {"recent_to", dayText(shift.recentToMs - 1, off)},
                                       {"recent", shift.recent},
                                       {"earlier", shift.earlier},
                                       {"recent_sampled", shift.recentSampled},
                                       {"earlier_sampled", shift.earlierSampled},
                                       {"tested", shift.tested},
                                       {"mmd2", shift.mmd2},
                                       {"p_value", shift.pValue},
                                       {"warning", shift.warning}});
        j["span_days"] = k->spanDays;
        if (withMoney)
            j["economics"] = Json::object({{"before_minutes", money.beforeMinutes},
                                           {"hourly_rate", money.hourlyRate},
                                           {"power_watts", money.powerWatts},
                                           {"kwh_price", money.pricePerKwh},
                                           {"investment", money.investment},
                                           {"searches_per_month", e.searchesPerMonth},
                                           {"lookups_per_month", e.lookupsPerMonth},
                                           {"task_minutes", optional(e.taskMinutes)},
                                           {"saved_minutes_per_lookup", optional(e.savedMinutesPerLookup)},
                                           {"hours_saved_per_month", optional(e.hoursSavedPerMonth)},
                                           {"money_saved_per_month", optional(e.moneySavedPerMonth)},
                                           {"compute_seconds_per_search", e.computeSecondsPerSearch},
                                           {"cost_per_1000_searches", e.costPer1000Searches},
                                           {"running_cost_per_month", e.runningCostPerMonth},
                                           {"payback_months", optional(e.paybackMonths)}});
        printJson(j);
        return kOk;
    }
    std::cout << k->searches << " searches, " << k->judged << " with feedback that tells (a right hit or none right)\n";
    std::cout << "hit@K (95% Wilson interval, hits/judged):\n";
    auto row = [](const std::string& name, const UsageHitRates& g) {
        std::cout << "  " << std::left << std::setw(16) << name << std::right;
        for (size_t i = 0; i < kUsageKs.size(); ++i)
            std::cout << "  @" << kUsageKs[i] << " " << std::left << std::setw(28) << rateText(g.at[i]) << std::right;
        std::cout << "\n";
    };
    row("overall", k->overall);
    if (!k->byLabel.empty()) std::cout << "per label:\n";
    for (const auto& g : k->byLabel) row(g.group.empty() ? "(unknown)" : g.group, g);
    if (!k->byWeek.empty()) std::cout << "per ISO week:\n";
    for (const auto& g : k->byWeek) row(g.group, g);
    std::cout << "no confident match: "
              << (k->confidenceTested ? percent(k->notConfidentShare) : std::string("-")) << " of "
              << k->confidenceTested << " photo searches tested\n";
    std::cout << "searches per day:\n";
    for (const auto& d : k->perDay) std::cout << "  " << d.day << "  " << d.searches << "\n";
    std::cout << "latency (total, ms) per day and model:\n";
    for (const auto& l : k->latency)
        std::cout << "  " << l.day << "  p50 " << std::fixed << std::setprecision(1) << l.p50Ms << "  p95 " << l.p95Ms
                  << "  (" << l.searches << ")  " << l.model << "\n";
    std::cout << "median task time (query to first \"right\"): ";
    if (k->medianTaskSeconds) std::cout << std::fixed << std::setprecision(1) << *k->medianTaskSeconds << " s over "
                                        << k->taskTimes << " searches\n";
    else std::cout << "-\n";
    std::cout << "monitoring hit@5: " << dayText(m.recentFromMs, off) << ".." << dayText(m.recentToMs - 1, off) << " "
              << m.recentHits << "/" << m.recentTrials << " against " << dayText(m.previousFromMs, off) << ".."
              << dayText(m.previousToMs - 1, off) << " " << m.previousHits << "/" << m.previousTrials;
    // With no judged search on one side there is nothing to test; a p of 1 would read as a result.
    if (m.recentTrials == 0 || m.previousTrials == 0)
        std::cout << ", not tested (needs judged searches in both periods)\n";
    else
        std::cout << ", one-sided Fisher p = " << std::setprecision(3) << m.pValue << "\n";
    if (m.warning)
        std::cout << "WARNING: hit@5 over the recent period is significantly below the previous period (p = "
                  << std::setprecision(3) << m.pValue << " < 0.05)\n";
    if (drift) {
        std::cout << "photo drift";
        if (!shift.model.empty()) std::cout << " (" << shift.model << ")";
        std::cout << ": " << shift.recent << " photos added " << dayText(shift.recentFromMs, off) << ".."
                  << dayText(shift.recentToMs - 1, off) << " against " << shift.earlier << " before";
        if (!shift.tested)
            std::cout << ", not tested (needs 10 photos with embeddings on each side)\n";
        else
            std::cout << std::defaultfloat << std::setprecision(4) << ", MMD² " << shift.mmd2 << ", permutation p = "
                      << std::setprecision(3) << shift.pValue << "\n";
        if (shift.warning)
            std::cout << "WARNING: the recent photos differ from the earlier ones (p = " << std::setprecision(3) << shift.pValue
                      << " < 0.05): a new camera, light, product or defect? Hit rates measured before may not hold.\n";
    }
    if (withMoney) {
        std::cout << std::fixed << std::setprecision(1) << "time and money (" << k->spanDays << " days scaled to a month of "
                  << std::setprecision(2) << kDaysPerMonth << " days):\n"
                  << std::setprecision(1) << "  searches per month " << e.searchesPerMonth << ", with a right hit "
                  << e.lookupsPerMonth << "\n";
        if (e.savedMinutesPerLookup)
            std::cout << "  task time " << std::setprecision(2) << *e.taskMinutes << " min against " << money.beforeMinutes
                      << " min before: " << *e.savedMinutesPerLookup << " min saved per lookup, " << std::setprecision(1)
                      << *e.hoursSavedPerMonth << " hours (" << std::setprecision(0) << *e.moneySavedPerMonth
                      << ") per month\n";
        else
            std::cout << "  hours saved: - (no search has a hit marked right yet, so there is no task time)\n";
        std::cout << std::setprecision(3) << "  compute " << e.computeSecondsPerSearch << " s per search: "
                  << std::setprecision(2) << e.costPer1000Searches << " per 1,000 searches in electricity, "
                  << e.runningCostPerMonth << " per month\n";
        if (e.paybackMonths)
            std::cout << std::setprecision(1) << "  payback of " << std::setprecision(0) << money.investment << ": "
                      << std::setprecision(1) << *e.paybackMonths << " months\n";
        else
            std::cout << "  payback: - (no net saving measured)\n";
    }
    return kOk;
}

}  // namespace

int runUsage(int argc, char** argv) {
    const std::string sub = argc >= 3 ? argv[2] : "";
    if (sub == "--help" || sub == "-h") {
        std::cout << kUsageSynopsis << kUsageHelp;
        return kOk;
    }
    if (sub == "export") return runUsageExport(argc, argv);
    if (sub == "clear") return runUsageClear(argc, argv);
    if (sub == "kpis") return runUsageKpis(argc, argv);
    std::cerr << "diffclip: " << (sub.empty() ? "usage needs a subcommand" : "unknown usage subcommand \"" + sub + "\"")
              << "\n" << kUsageSynopsis << "Try 'diffclip usage --help'.\n";
    return kUsage;
}

}  // namespace diffclip::cli
