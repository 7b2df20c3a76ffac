#pragma once
// A small command-line parser for `diffclip`: GNU-style long options ("--name value",
// "--name=value"), flags, positionals, and options that take several values
// ("--text a b c" up to the next option). Plain C++ so the CLI builds with LibTorch alone.

#include <map>
#include <set>
#include <string>
#include <vector>

namespace diffclip::cli {

struct OptionSpec {
    std::string name;         // without leading dashes
    bool takesValue = false;
    bool multi = false;       // takes one or more values
    std::string help;         // "--name VALUE  text"
};

class Args {
public:
    /// Parses argv[first..]. Returns false and sets error() on unknown options or missing values.
    bool parse(int argc, char** argv, int first, const std::vector<OptionSpec>& specs);
    const std::string& error() const { return m_error; }

    bool has(const std::string& name) const { return m_values.count(name) > 0; }
    std::string value(const std::string& name, const std::string& fallback = {}) const;
    std::vector<std::string> values(const std::string& name) const;
    const std::vector<std::string>& positionals() const { return m_positionals; }

    /// Integer / number options; false with error() set when malformed.
    bool intValue(const std::string& name, long long fallback, long long& out);
    bool doubleValue(const std::string& name, double fallback, double& out);

private:
    std::map<std::string, std::vector<std::string>> m_values;
    std::vector<std::string> m_positionals;
    std::string m_error;
};

}  // namespace diffclip::cli
