#include "UsageArgs.h"

#include <limits>

namespace diffclip::cli {

void addPeriod(CommandLine& cli, PeriodArgs& p) {
    cli.addText("--from", p.from, "DATE", "first day (YYYY-MM-DD, local time; default: the first search)");
    cli.addText("--to", p.to, "DATE", "last day, included (default: the last search)");
}

std::string applyPeriod(const PeriodArgs& p, int offset, UsageFilter& f) {
    if (!p.from.empty()) {
        auto ms = usage::dayStartMs(p.from, offset);
        if (!ms) return "--from must be a date YYYY-MM-DD, not \"" + p.from + "\"";
        f.fromMs = *ms;
    } else {
        f.fromMs = std::numeric_limits<int64_t>::min();
    }
    if (!p.to.empty()) {
        auto ms = usage::dayStartMs(p.to, offset);
        if (!ms) return "--to must be a date YYYY-MM-DD, not \"" + p.to + "\"";
        f.toMs = *ms + 86'400'000;
    }
    if (f.toMs <= f.fromMs) return "--to is before --from";
    return "";
}

void addKpiOptions(CommandLine& cli, UsageKpiOptions& o, KpiArgs& args) {
    addPeriod(cli, args.period);
    cli.addText("--label", o.filter.label, "L", "only searches of this label (query photo's, else the right hit's)");
    cli.addText("--line", o.filter.line, "L", "only searches of this line");
    cli.addText("--product", o.filter.product, "P", "only searches of this product");
    cli.addText("--user", o.filter.user, "U", "only searches by this login name");
    cli.addText("--model", o.filter.model, "M", "only searches with this model (MODEL argument or fingerprint)");
    cli.addInteger("--recent-days", args.recentDays, 1, 3650, "N",
                   "monitoring: the last N days against the N days before (default 7)");
}

std::string applyKpiOptions(const KpiArgs& args, UsageKpiOptions& o) {
    o.utcOffsetMinutes = usage::localUtcOffsetMinutes();
    o.recentDays = int(args.recentDays);
    return applyPeriod(args.period, o.utcOffsetMinutes, o.filter);
}

void addEconomicsOptions(CommandLine& cli, EconomicsInputs& money) {
    cli.addNumber("--before-minutes", money.beforeMinutes, 0, kInfinity, "M",
                  "time and money: minutes one lookup took before the tool (your time study)", true);
    cli.addNumber("--hourly-rate", money.hourlyRate, 0, kInfinity, "X", "labour cost per inspector hour (default 0)");
    cli.addNumber("--power-watts", money.powerWatts, 0, kInfinity, "W", "the search PC's power draw while searching (default 0)");
    cli.addNumber("--kwh-price", money.pricePerKwh, 0, kInfinity, "P", "electricity price per kWh (default 0)");
    cli.addNumber("--investment", money.investment, 0, kInfinity, "I", "one-off cost of the tool, for the payback (default 0)");
}

bool economicsGiven(const CommandLine& cli, const EconomicsInputs& money, std::string& error) {
    const bool given = cli.given("--before-minutes");
    for (const char* option : {"--hourly-rate", "--power-watts", "--kwh-price", "--investment"})
        if (cli.given(option) && !given) {
            error = std::string(option) + " needs --before-minutes";
            return false;
        }
    if (given)
        if (Status s = validateEconomicsInputs(money); !s) error = s.error().message;
    return given;
}

Result<Library> openLog(const std::string& path, bool write) {
    LibraryOptions lo;
    lo.create = false;
    lo.readOnly = !write;
    auto lib = Library::open(path, lo);
    if (!lib && lib.error().message.find(path) == std::string::npos)
        return makeError(lib.error().code, path + ": " + lib.error().message);
    return lib;
}

}  // namespace diffclip::cli
