#pragma once
// The proof-of-concept figures computed from a library's usage log (UsageLog.h): hit@1/5/10 from
// feedback with 95% Wilson intervals (overall, per label, per ISO week), the share of "no
// confident match" answers, searches per day, latency percentiles per day and model, the median
// task time, and the monitoring test of hit@5 (recent period against the one before). Plain
// C++17 without LibTorch or Qt, so the desktop application and `diffclip usage kpis` share it.
// docs/POC.md, "Figures from the usage log", says how each figure is computed.
//
// Threading: computeUsageKpis is pure (thread-safe); usageKpis reads through the given Library
// (that Library's one-thread contract applies).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diffclip/base/Result.h"
#include "diffclip/library/UsageLog.h"

namespace diffclip {

class Library;

/// The K values of the hit rates.
inline constexpr std::array<int, 3> kUsageKs = {1, 5, 10};

/// A hit rate with its 95% Wilson score interval; rate and bounds are fractions in [0, 1].
struct UsageHitRate {
    int64_t hits = 0;
    int64_t trials = 0;  // judged searches that tell whether a right hit was within the first K
    double rate = 0.0;   // hits / trials (0 when trials == 0)
    double low = 0.0;    // Wilson interval; [0, 1] when trials == 0
    double high = 1.0;
};

/// hit@1, hit@5, hit@10 (kUsageKs order) of a group of searches.
struct UsageHitRates {
    std::string group;   // "" overall; the label; the ISO week ("2026-W49")
    int64_t searches = 0;  // searches in the group (judged or not)
    int64_t judged = 0;
    std::array<UsageHitRate, 3> at;
};

struct UsageDayCount {
    std::string day;  // YYYY-MM-DD in the period's time zone
    int64_t searches = 0;
};

struct UsageLatency {
    std::string day;
    std::string model;     // model name
    int64_t searches = 0;
    double p50Ms = 0.0;    // total latency percentiles, milliseconds (linear interpolation, type 7)
    double p95Ms = 0.0;
};

/// Monitoring: is hit@5 over the recent period significantly below the previous period?
struct UsageMonitor {
    int64_t recentFromMs = 0, recentToMs = 0;      // [from, to)
    int64_t previousFromMs = 0, previousToMs = 0;  // the same length just before
    int64_t recentHits = 0, recentTrials = 0;
    int64_t previousHits = 0, previousTrials = 0;
    /// One-sided Fisher exact test (stats::fisherLowerTail) that the recent hit@5 is lower; 1
    /// when either period has no judged search.
    double pValue = 1.0;
    bool warning = false;  // pValue < 0.05 and the recent rate is below the previous one
};

struct UsageKpis {
    int64_t fromMs = 0, toMs = 0;         // the period read, [from, to)
    int64_t searches = 0;                 // logged searches that pass the filters
    int64_t judged = 0;                   // of them, with feedback that tells (a right hit or "none right")
    UsageHitRates overall;
    std::vector<UsageHitRates> byLabel;   // sorted by label; "" (unknown label) last
    std::vector<UsageHitRates> byWeek;    // ISO weeks in order
    int64_t confidenceTested = 0;         // searches whose confidence was tested (photo queries)
    int64_t notConfident = 0;             // of them, answered "no confident match"
    double notConfidentShare = 0.0;       // notConfident / confidenceTested (0 when none tested)
    std::vector<UsageDayCount> perDay;    // days with at least one search, in order
    std::vector<UsageLatency> latency;    // per day, then model name
    int64_t taskTimes = 0;                // searches with a task time (a hit marked right)
    std::optional<double> medianTaskSeconds;
    double meanTotalSeconds = 0.0;        // mean total latency of the searches (the compute a search costs)
    /// Days the figures cover: the filter's period when both ends are set, else from the first to
    /// the last day with a search, both included; 0 without searches.
    double spanDays = 0.0;
    UsageMonitor monitor;
};

struct UsageKpiOptions {
    UsageFilter filter;           // period [fromMs, toMs) and label/line/product/user/model
    /// The time zone of days and weeks, minutes east of UTC (Japan: 540). Days, weeks and the
    /// CLI's --from/--to dates are taken in it.
    int utcOffsetMinutes = 0;
    /// Monitoring: the recent period is the last `recentDays` days before filter.toMs (or before
    /// the newest search when toMs is open), the previous period the `recentDays` days before it.
    int recentDays = 7;
    double alpha = 0.05;
};

/// The figures of `records` (already filtered, as Library::searchLog returns them). `options`
/// gives the period, time zone and monitoring window; only its label filter is applied here
/// (the rest is for the record).
UsageKpis computeUsageKpis(const std::vector<SearchLogRecord>& records, const UsageKpiOptions& options);

/// Reads the log through `library` (the filter of `options`, and for monitoring the previous
/// period too) and computes the figures. Errors: those of Library::searchLog.
Result<UsageKpis> usageKpis(Library& library, const UsageKpiOptions& options);

// ---- calendar helpers (proleptic Gregorian, no time zone database) ----
namespace usage {
/// Days since 1970-01-01 of a civil date.
int64_t daysFromCivil(int64_t year, unsigned month, unsigned day);
/// "YYYY-MM-DD" of a day number.
std::string civilDay(int64_t days);
/// The day number of `ms` (Unix ms) in a zone `utcOffsetMinutes` east of UTC.
int64_t dayOf(int64_t ms, int utcOffsetMinutes);
/// ISO 8601 week of a day number: "YYYY-Www" (the week-numbering year: 2024-12-30 is 2025-W01).
std::string isoWeek(int64_t days);
/// "YYYY-MM-DDTHH:MM:SS.mmmZ" of Unix ms.
std::string isoUtcTime(int64_t ms);
/// Unix ms of the start of the day "YYYY-MM-DD" in the zone; nullopt when not such a date.
std::optional<int64_t> dayStartMs(std::string_view isoDate, int utcOffsetMinutes);
/// This machine's current offset from UTC in minutes (localtime_r's tm_gmtoff).
int localUtcOffsetMinutes();
}  // namespace usage

}  // namespace diffclip
