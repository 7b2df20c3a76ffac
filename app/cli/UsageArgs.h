#pragma once
// Options that `usage kpis` and `report` share: the period, the search filters and monitoring
// window, the plant's time-and-money inputs, and opening a library for reading its log.

#include <string>

#include "CommandLine.h"
#include "diffclip/library/Library.h"
#include "diffclip/library/UsageEconomics.h"
#include "diffclip/library/UsageKpis.h"

namespace diffclip::cli {

struct PeriodArgs {
    std::string from, to;
};

/// --from DATE, --to DATE.
void addPeriod(CommandLine& cli, PeriodArgs& p);

/// The period as [fromMs, toMs) in the zone `offset` minutes east of UTC; an error message for a
/// bad date, else "".
std::string applyPeriod(const PeriodArgs& p, int offset, UsageFilter& f);

/// The period, --label/--line/--product/--user/--model into `o.filter`, and --recent-days.
struct KpiArgs {
    PeriodArgs period;
    long long recentDays = 7;
};
void addKpiOptions(CommandLine& cli, UsageKpiOptions& o, KpiArgs& args);
/// Applies the period and monitoring window in this machine's time zone; "" or a usage error.
std::string applyKpiOptions(const KpiArgs& args, UsageKpiOptions& o);

/// --before-minutes, --hourly-rate, --power-watts, --kwh-price, --investment.
void addEconomicsOptions(CommandLine& cli, EconomicsInputs& money);
/// Whether --before-minutes was given (so the figures are asked for); `error` is set to a usage
/// error when the other inputs come without it or are out of range.
bool economicsGiven(const CommandLine& cli, const EconomicsInputs& money, std::string& error);

/// Opens an existing library (read-only unless `write`); errors name the path.
Result<Library> openLog(const std::string& path, bool write);

}  // namespace diffclip::cli
