// The proof-of-concept figures from the usage log (UsageKpis.h, docs/POC.md).

#include "diffclip/library/UsageKpis.h"

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>

#include "diffclip/library/Library.h"
#include "diffclip/stats/Stats.h"

namespace diffclip {

namespace usage {

// Howard Hinnant's civil-date algorithms (public domain), valid far beyond the years used here.
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

struct Civil {
    int64_t year;
    unsigned month, day;
};

Civil civilFromDays(int64_t z) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t y = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2), m, d};
}

int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

constexpr int64_t kDayMs = 86'400'000;

}  // namespace

std::string civilDay(int64_t days) {
    const Civil c = civilFromDays(days);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02u", static_cast<long long>(c.year), c.month, c.day);
    return buffer;
}

int64_t dayOf(int64_t ms, int utcOffsetMinutes) {
    return floorDiv(ms + int64_t(utcOffsetMinutes) * 60'000, kDayMs);
}

std::string isoWeek(int64_t days) {
    // ISO weekday 1 (Monday) .. 7; 1970-01-01 was a Thursday (4).
    const int64_t weekday = (days + 3) - floorDiv(days + 3, 7) * 7 + 1;
    const int64_t thursday = days - (weekday - 1) + 3;  // the Thursday of the same ISO week
    const int64_t year = civilFromDays(thursday).year;
    const int64_t week = (thursday - daysFromCivil(year, 1, 1)) / 7 + 1;
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04lld-W%02lld", static_cast<long long>(year), static_cast<long long>(week));
    return buffer;
}

std::string isoUtcTime(int64_t ms) {
    const int64_t days = floorDiv(ms, kDayMs);
    const int64_t rest = ms - days * kDayMs;
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%sT%02lld:%02lld:%02lld.%03lldZ", civilDay(days).c_str(),
                  static_cast<long long>(rest / 3'600'000), static_cast<long long>(rest / 60'000 % 60),
                  static_cast<long long>(rest / 1000 % 60), static_cast<long long>(rest % 1000));
    return buffer;
}

std::optional<int64_t> dayStartMs(std::string_view text, int utcOffsetMinutes) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
    auto number = [&](size_t at, size_t n) {
        int v = 0;
        for (size_t i = at; i < at + n; ++i) v = v * 10 + (text[i] - '0');
        return v;
    };
    const int y = number(0, 4), m = number(5, 2), d = number(8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1) return std::nullopt;
    const int64_t days = daysFromCivil(y, unsigned(m), unsigned(d));
    if (civilDay(days) != text) return std::nullopt;  // 2026-02-30 and the like
    return days * kDayMs - int64_t(utcOffsetMinutes) * 60'000;
}

int localUtcOffsetMinutes() {
    const time_t now = ::time(nullptr);
    struct tm local {};
    if (!::localtime_r(&now, &local)) return 0;
    return static_cast<int>(local.tm_gmtoff / 60);
}

}  // namespace usage

namespace {

constexpr int64_t kUsageDayMs = 86'400'000;

// Adds one judged search to the hit counts. Rules (docs/POC.md): a right hit within the first K
// is a hit; a right hit further down is a miss; "none right" is a miss at K only when the search
// showed at least K hits (it says nothing about ranks it did not show).
void countSearch(UsageHitRates& g, const SearchLogRecord& r) {
    ++g.searches;
    if (!r.judged) return;
    ++g.judged;
    for (size_t i = 0; i < kUsageKs.size(); ++i) {
        const int K = kUsageKs[i];
        UsageHitRate& h = g.at[i];
        if (r.firstRightRank > 0) {
            ++h.trials;
            if (r.firstRightRank <= K) ++h.hits;
        } else if (r.noneRight && r.entry.k >= K) {
            ++h.trials;
        }
    }
}

void finishRates(UsageHitRates& g) {
    for (UsageHitRate& h : g.at) {
        h.rate = h.trials > 0 ? double(h.hits) / double(h.trials) : 0.0;
        const stats::Interval ci = stats::wilson(h.hits, h.trials);
        h.low = ci.low;
        h.high = ci.high;
    }
}

// hit@5 counts of the searches within [from, to).
std::pair<int64_t, int64_t> hitAt5(const std::vector<SearchLogRecord>& records, int64_t from, int64_t to) {
    UsageHitRates g;
    for (const auto& r : records)
        if (r.entry.createdAtMs >= from && r.entry.createdAtMs < to) countSearch(g, r);
    return {g.at[1].hits, g.at[1].trials};
}

}  // namespace

UsageKpis computeUsageKpis(const std::vector<SearchLogRecord>& all, const UsageKpiOptions& options) {
    const UsageFilter& f = options.filter;
    const int offset = options.utcOffsetMinutes;
    UsageKpis k;
    k.fromMs = f.fromMs;
    k.toMs = f.toMs;
    std::vector<const SearchLogRecord*> records;
    for (const auto& r : all)
        if (r.entry.createdAtMs >= f.fromMs && r.entry.createdAtMs < f.toMs &&
            (f.label.empty() || searchLabel(r) == f.label))
            records.push_back(&r);

    std::map<std::string, UsageHitRates> byLabel, byWeek;
    std::map<int64_t, int64_t> perDay;
    std::map<std::pair<int64_t, std::string>, std::vector<double>> latency;
    std::vector<double> taskSeconds;
    for (const SearchLogRecord* r : records) {
        ++k.searches;
        countSearch(k.overall, *r);
        countSearch(byLabel[searchLabel(*r)], *r);
        const int64_t day = usage::dayOf(r->entry.createdAtMs, offset);
        countSearch(byWeek[usage::isoWeek(day)], *r);
        ++perDay[day];
        latency[{day, r->entry.modelName}].push_back(r->entry.totalMs);
        if (r->entry.confident) {
            ++k.confidenceTested;
            if (!*r->entry.confident) ++k.notConfident;
        }
        if (r->taskMs) taskSeconds.push_back(double(*r->taskMs) / 1000.0);
        k.meanTotalSeconds += r->entry.totalMs / 1000.0;
    }
    if (k.searches > 0) k.meanTotalSeconds /= double(k.searches);
    if (f.fromMs > 0 && f.toMs < std::numeric_limits<int64_t>::max())
        k.spanDays = double(f.toMs - f.fromMs) / double(kUsageDayMs);
    else if (!perDay.empty())
        k.spanDays = double(perDay.rbegin()->first - perDay.begin()->first + 1);
    k.judged = k.overall.judged;
    finishRates(k.overall);
    for (auto& [label, g] : byLabel) {
        if (label.empty()) continue;
        g.group = label;
        finishRates(g);
        k.byLabel.push_back(g);
    }
    if (auto it = byLabel.find(""); it != byLabel.end()) {
        finishRates(it->second);
        k.byLabel.push_back(it->second);
    }
    for (auto& [week, g] : byWeek) {
        g.group = week;
        finishRates(g);
        k.byWeek.push_back(g);
    }
    k.notConfidentShare = k.confidenceTested > 0 ? double(k.notConfident) / double(k.confidenceTested) : 0.0;
    for (const auto& [day, n] : perDay) k.perDay.push_back({usage::civilDay(day), n});
    for (auto& [key, values] : latency) {
        UsageLatency l;
        l.day = usage::civilDay(key.first);
        l.model = key.second;
        l.searches = int64_t(values.size());
        l.p50Ms = stats::percentile(values, 0.5);
        l.p95Ms = stats::percentile(values, 0.95);
        k.latency.push_back(l);
    }
    k.taskTimes = int64_t(taskSeconds.size());
    if (!taskSeconds.empty()) k.medianTaskSeconds = stats::percentile(taskSeconds, 0.5);

    // Monitoring: the last recentDays days of the period against the recentDays days before.
    UsageMonitor& m = k.monitor;
    int64_t end = f.toMs;
    if (end == std::numeric_limits<int64_t>::max()) {
        end = 0;
        for (const SearchLogRecord* r : records) end = std::max(end, r->entry.createdAtMs + 1);
    }
    const int64_t window = int64_t(std::max(1, options.recentDays)) * kUsageDayMs;
    m.recentToMs = end;
    m.recentFromMs = end - window;
    m.previousToMs = m.recentFromMs;
    m.previousFromMs = m.recentFromMs - window;
    std::vector<SearchLogRecord> labelled;  // the label filter holds for the monitor too
    for (const auto& r : all)
        if (f.label.empty() || searchLabel(r) == f.label) labelled.push_back(r);
    std::tie(m.recentHits, m.recentTrials) = hitAt5(labelled, m.recentFromMs, m.recentToMs);
    std::tie(m.previousHits, m.previousTrials) = hitAt5(labelled, m.previousFromMs, m.previousToMs);
    m.pValue = stats::fisherLowerTail(m.recentHits, m.recentTrials, m.previousHits, m.previousTrials);
    const bool lower = m.recentTrials > 0 && m.previousTrials > 0 &&
                       double(m.recentHits) / double(m.recentTrials) < double(m.previousHits) / double(m.previousTrials);
    m.warning = lower && m.pValue < options.alpha;
    return k;
}

Result<UsageKpis> usageKpis(Library& library, const UsageKpiOptions& options) {
    // Read the period and, for monitoring, the previous window before its end.
    UsageFilter read = options.filter;
    read.label.clear();  // applied after the feedback is folded (computeUsageKpis)
    const int64_t window = int64_t(std::max(1, options.recentDays)) * kUsageDayMs;
    if (read.toMs != std::numeric_limits<int64_t>::max()) {
        read.fromMs = std::min(read.fromMs, read.toMs - 2 * window);
    } else {
        read.fromMs = std::numeric_limits<int64_t>::min();  // the newest search sets the end
    }
    auto records = library.searchLog(read);
    if (!records) return records.error();
    return computeUsageKpis(*records, options);
}

}  // namespace diffclip
