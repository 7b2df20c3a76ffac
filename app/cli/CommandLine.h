#pragma once
// The arguments of one `diffclip` command, parsed with CLI11 (Debian libcli11-dev; header-only,
// so the model-only build on LibTorch alone keeps the whole command line).
//
// What ../shared/design/CLI.md and the man page promise, and how it maps onto CLI11:
// - long options as "--name value" or "--name=value"; options bound to a std::vector take
//   several values ("--text a b c", up to the next option) and may be repeated;
// - positionals anywhere between the options, "--" ends the options;
// - "--help" (or "-h") prints the command's help on standard output and exits 0;
// - a usage error (unknown option, missing value, malformed or out-of-range number, missing
//   required option) prints "diffclip: " and one line naming the option, then a pointer to
//   --help, on standard error, and exits 2;
// - a single-value option given twice keeps its last value (as the earlier parser did, so that
//   scripts can append an override).

#include <CLI/CLI.hpp>

#include <limits>
#include <string>

namespace diffclip::cli {

/// Help texts of options several commands share.
inline constexpr const char* kJsonHelp = "print one JSON document on standard output";
inline constexpr const char* kTokenizerHelp = "CLIP BPE merges (default: the model's)";

class CommandLine : public CLI::App {
public:
    /// `command` as typed after `diffclip` ("verify", "library check"). `synopsis` follows it on
    /// the help's usage line; after a blank line it may go on with a description.
    CommandLine(std::string command, std::string synopsis);

    /// Parses argv[first..argc). Returns -1 to go on, else the exit status (help printed: 0,
    /// usage error printed: 2).
    int parse(int argc, char** argv, int first = 2);

    /// Whether the option (with its dashes, "--model") was given.
    bool given(const std::string& name) const { return count(name) > 0; }

    /// A usage error found after parsing: the message and the --help pointer on standard error.
    /// Returns 2.
    int usageError(const std::string& message) const;

    const std::string& command() const { return m_command; }

    /// A flag ("--json").
    CLI::Option* addFlag(const std::string& name, bool& value, const std::string& help);
    /// An option with one value.
    CLI::Option* addText(const std::string& name, std::string& value, const std::string& placeholder,
                         const std::string& help);
    /// An option with one or more values ("--image a.jpg b.jpg"); repeating it adds more.
    CLI::Option* addTexts(const std::string& name, std::vector<std::string>& values, const std::string& placeholder,
                          const std::string& help);
    /// An option that may be repeated, one value each time ("--where a=b --where c=d").
    CLI::Option* addRepeated(const std::string& name, std::vector<std::string>& values,
                             const std::string& placeholder, const std::string& help);
    /// An integer in lo..hi, written in decimal (CLI11's own conversion reads "010" as octal and
    /// "0x10" as hexadecimal; the earlier parser and every script read decimal).
    CLI::Option* addInteger(const std::string& name, long long& value, long long lo, long long hi,
                            const std::string& placeholder, const std::string& help);
    /// A finite number in lo..hi; with `lowOpen`, lo itself is refused.
    CLI::Option* addNumber(const std::string& name, double& value, double lo, double hi,
                           const std::string& placeholder, const std::string& help, bool lowOpen = false);
    /// One of a few words ("--what image|text|both").
    CLI::Option* addChoice(const std::string& name, std::string& value, const std::vector<std::string>& choices,
                           const std::string& placeholder, const std::string& help);

private:
    std::string m_command;
};

/// CLI11 validators of the commands (see addInteger, addNumber).
CLI::Validator decimalInteger();
CLI::Validator numberIn(double lo, double hi, bool lowOpen = false);

constexpr long long kNoLimit = std::numeric_limits<long long>::max();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

}  // namespace diffclip::cli
