#pragma once
// Time and money of a proof of concept (docs/POC.md, "Time and money"): from the usage log's
// figures (UsageKpis.h) and the plant's own inputs (its time study, labour rate, the machine's
// power draw, the electricity price, the investment), the hours the tool saves per month, what
// 1,000 searches cost in electricity, and the months until the investment is paid back. Plain
// C++17, pure functions (thread-safe); the desktop application and `diffclip usage kpis` share it.

#include <optional>

#include "diffclip/base/Result.h"
#include "diffclip/library/UsageKpis.h"

namespace diffclip {

/// The plant's inputs. Money is in one currency of the plant's choosing (no conversion).
struct EconomicsInputs {
    double beforeMinutes = 0.0;   // minutes one lookup took before the tool (the plant's time study), > 0
    double hourlyRate = 0.0;      // labour cost per hour of an inspector, >= 0
    double powerWatts = 0.0;      // the search machine's power draw while it searches, watts, >= 0
    double pricePerKwh = 0.0;     // electricity price per kWh, >= 0
    double investment = 0.0;      // one-off cost of introducing the tool (PC, set-up, training), >= 0
};

/// Checks the ranges above. Errors: InvalidArgument naming the input.
Status validateEconomicsInputs(const EconomicsInputs& in);

/// Average days of a Gregorian month (365.2425 / 12): per-month figures scale the period by it.
inline constexpr double kDaysPerMonth = 30.436875;

struct Economics {
    double spanDays = 0.0;            // UsageKpis::spanDays
    double searchesPerMonth = 0.0;    // searches / spanDays * kDaysPerMonth
    double lookupsPerMonth = 0.0;     // searches with a task time (a hit marked right), per month
    std::optional<double> taskMinutes;            // the median task time; none without one
    std::optional<double> savedMinutesPerLookup;  // beforeMinutes - taskMinutes (negative: slower)
    std::optional<double> hoursSavedPerMonth;     // lookupsPerMonth * savedMinutesPerLookup / 60
    std::optional<double> moneySavedPerMonth;     // hoursSavedPerMonth * hourlyRate
    double computeSecondsPerSearch = 0.0;         // UsageKpis::meanTotalSeconds
    double kwhPerSearch = 0.0;                    // computeSecondsPerSearch * powerWatts / 3,600,000
    double costPer1000Searches = 0.0;             // 1000 * kwhPerSearch * pricePerKwh
    double runningCostPerMonth = 0.0;             // searchesPerMonth * kwhPerSearch * pricePerKwh
    /// investment / (moneySavedPerMonth - runningCostPerMonth); none when that net saving is not
    /// positive or unknown (no task time yet, or no search in the period).
    std::optional<double> paybackMonths;
};

/// The figures of `kpis` under `in` (inputs assumed valid). Searches without a hit marked right
/// save nothing here: the inspector fell back to the old lookup, and the time those searches
/// took is not measured, so the saving is an upper bound for them and exact for the rest.
Economics computeEconomics(const UsageKpis& kpis, const EconomicsInputs& in);

}  // namespace diffclip
