// Time and money of a proof of concept from the usage figures (UsageEconomics.h).
#include "diffclip/library/UsageEconomics.h"

#include <cmath>
#include <string>

namespace diffclip {

Status validateEconomicsInputs(const EconomicsInputs& in) {
    auto bad = [](double v) { return !std::isfinite(v) || v < 0.0; };
    if (!std::isfinite(in.beforeMinutes) || in.beforeMinutes <= 0.0)
        return makeError(ErrorCode::InvalidArgument, "the minutes a lookup took before must be above 0");
    if (bad(in.hourlyRate)) return makeError(ErrorCode::InvalidArgument, "the hourly rate must be 0 or more");
    if (bad(in.powerWatts)) return makeError(ErrorCode::InvalidArgument, "the power draw must be 0 W or more");
    if (bad(in.pricePerKwh)) return makeError(ErrorCode::InvalidArgument, "the electricity price must be 0 or more");
    if (bad(in.investment)) return makeError(ErrorCode::InvalidArgument, "the investment must be 0 or more");
    return Status::success();
}

Economics computeEconomics(const UsageKpis& k, const EconomicsInputs& in) {
    Economics e;
    e.spanDays = k.spanDays;
    if (k.spanDays > 0.0) {
        e.searchesPerMonth = double(k.searches) / k.spanDays * kDaysPerMonth;
        e.lookupsPerMonth = double(k.taskTimes) / k.spanDays * kDaysPerMonth;
    }
    e.computeSecondsPerSearch = k.meanTotalSeconds;
    e.kwhPerSearch = k.meanTotalSeconds * in.powerWatts / 3.6e6;
    e.costPer1000Searches = 1000.0 * e.kwhPerSearch * in.pricePerKwh;
    e.runningCostPerMonth = e.searchesPerMonth * e.kwhPerSearch * in.pricePerKwh;
    if (k.medianTaskSeconds) {
        e.taskMinutes = *k.medianTaskSeconds / 60.0;
        e.savedMinutesPerLookup = in.beforeMinutes - *e.taskMinutes;
        e.hoursSavedPerMonth = e.lookupsPerMonth * *e.savedMinutesPerLookup / 60.0;
        e.moneySavedPerMonth = *e.hoursSavedPerMonth * in.hourlyRate;
        const double net = *e.moneySavedPerMonth - e.runningCostPerMonth;
        if (net > 0.0 && k.spanDays > 0.0) e.paybackMonths = in.investment / net;
    }
    return e;
}

}  // namespace diffclip
