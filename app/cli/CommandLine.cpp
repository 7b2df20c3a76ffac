#include "CommandLine.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "Output.h"

namespace diffclip::cli {

namespace {

// CLI11's formatter, kept short: the command's own usage text first, then "Arguments" and
// "Options" as two columns, the value placeholder beside each option, no type or range labels
// (the help texts say the ranges and defaults).
class HelpFormatter : public CLI::Formatter {
public:
    explicit HelpFormatter(std::string usage) : m_usage(std::move(usage)) {
        column_width(26);
        label("Positionals", "Arguments");
    }
    std::string make_help(const CLI::App* app, std::string, CLI::AppFormatMode mode) const override {
        return "Usage: " + m_usage + "\n" + make_positionals(app) + make_groups(app, mode) + make_footer(app);
    }
    std::string make_option_name(const CLI::Option* opt, bool positional) const override {
        std::string name = CLI::Formatter::make_option_name(opt, positional);
        if (auto comma = name.find(','); comma != std::string::npos) name.insert(comma + 1, " ");  // "-h, --help"
        return name;
    }
    std::string make_option_opts(const CLI::Option* opt) const override {
        if (opt->get_positional() || opt->get_type_size() == 0) return {};
        std::string out = " " + opt->get_type_name();
        if (opt->get_expected_max() > 1) out += "...";
        return out;
    }

private:
    std::string m_usage;
};

// "unknown option --modle" (its value, left over, is not worth a mention), else the stray
// positionals.
std::string describeExtras(const std::vector<std::string>& extras) {
    for (const auto& e : extras)
        if (e.size() > 1 && e[0] == '-') return "unknown option " + e.substr(0, e.find('='));
    std::string list;
    for (const auto& e : extras) list += (list.empty() ? "\"" : " \"") + e + "\"";
    return (extras.size() > 1 ? "unexpected arguments " : "unexpected argument ") + list;
}

std::string formatNumber(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

}  // namespace

CLI::Validator decimalInteger() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            const size_t digits = !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
            if (digits == text.size() || text.find_first_not_of("0123456789", digits) != std::string::npos)
                return "needs an integer, not \"" + text + "\"";
            errno = 0;
            const long long v = std::strtoll(text.c_str(), nullptr, 10);
            if (errno == ERANGE) return text + " is out of range";
            text = std::to_string(v);  // what CLI11's conversion (base prefixes allowed) reads the same
            return {};
        },
        "", "DECIMAL");
}

CLI::Validator numberIn(double lo, double hi, bool lowOpen) {
    std::string range;
    if (std::isinf(hi)) range = (lowOpen ? "> " : ">= ") + formatNumber(lo);
    else if (lowOpen) range = "in (" + formatNumber(lo) + ", " + formatNumber(hi) + "]";
    else range = "in " + formatNumber(lo) + ".." + formatNumber(hi);
    return CLI::Validator(
        [lo, hi, lowOpen, range](std::string& text) -> std::string {
            char* end = nullptr;
            errno = 0;
            const double v = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v) || v < lo || v > hi ||
                (lowOpen && v == lo))
                return "needs a number " + range + ", not \"" + text + "\"";
            return {};
        },
        "", "NUMBER");
}

CommandLine::CommandLine(std::string command, std::string synopsis)
    : CLI::App("", command), m_command(std::move(command)) {
    formatter(std::make_shared<HelpFormatter>("diffclip " + m_command + " " + synopsis));
    option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    set_help_flag();  // added last, in parse(), so that it is listed after the command's options
}

int CommandLine::parse(int argc, char** argv, int first) {
    set_help_flag("-h,--help", "show this help");
    std::vector<std::string> args;  // CLI11 takes them in reverse order
    for (int i = argc - 1; i >= first; --i) args.emplace_back(argv[i]);
    try {
        CLI::App::parse(std::move(args));
    } catch (const CLI::CallForHelp&) {
        std::cout << help();
        return kOk;
    } catch (const CLI::ParseError& e) {
        // Arguments CLI11 could not place come first: CLI11 checks the required options before
        // it reports them, but a misspelt option is the likelier mistake ("--modle x" would
        // otherwise say "--model is required"). Its own message lists them in reverse order.
        if (const auto extras = remaining(); !extras.empty()) return usageError(describeExtras(extras));
        return usageError(e.what());
    }
    return -1;
}

int CommandLine::usageError(const std::string& message) const { return usage(message, m_command); }

CLI::Option* CommandLine::addFlag(const std::string& name, bool& value, const std::string& help) {
    return add_flag(name, value, help);
}

CLI::Option* CommandLine::addText(const std::string& name, std::string& value, const std::string& placeholder,
                                  const std::string& help) {
    return add_option(name, value, help)->type_name(placeholder);
}

CLI::Option* CommandLine::addTexts(const std::string& name, std::vector<std::string>& values,
                                   const std::string& placeholder, const std::string& help) {
    return add_option(name, values, help)->type_name(placeholder)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

CLI::Option* CommandLine::addRepeated(const std::string& name, std::vector<std::string>& values,
                                      const std::string& placeholder, const std::string& help) {
    return add_option(name, values, help)
        ->type_name(placeholder)
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

CLI::Option* CommandLine::addInteger(const std::string& name, long long& value, long long lo, long long hi,
                                     const std::string& placeholder, const std::string& help) {
    CLI::Option* o = add_option(name, value, help)->type_name(placeholder)->transform(decimalInteger());
    if (hi == kNoLimit) {
        o->check(CLI::Validator(
            [lo](std::string& text) -> std::string {
                return std::stoll(text) < lo ? "needs an integer >= " + std::to_string(lo) + ", not " + text
                                             : std::string();
            },
            "", "MINIMUM"));
    } else {
        CLI::Range range(lo, hi);
        range.description("");
        o->check(range);
    }
    return o;
}

CLI::Option* CommandLine::addNumber(const std::string& name, double& value, double lo, double hi,
                                    const std::string& placeholder, const std::string& help, bool lowOpen) {
    return add_option(name, value, help)->type_name(placeholder)->check(numberIn(lo, hi, lowOpen));
}

CLI::Option* CommandLine::addChoice(const std::string& name, std::string& value,
                                    const std::vector<std::string>& choices, const std::string& placeholder,
                                    const std::string& help) {
    CLI::IsMember member(choices);
    member.description("");
    return add_option(name, value, help)->type_name(placeholder)->check(member);
}

}  // namespace diffclip::cli
