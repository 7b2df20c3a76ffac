#include "Args.h"

#include <cerrno>
#include <cstdlib>

namespace diffclip::cli {

bool Args::parse(int argc, char** argv, int first, const std::vector<OptionSpec>& specs) {
    std::map<std::string, const OptionSpec*> byName;
    for (const auto& s : specs) byName[s.name] = &s;
    bool onlyPositionals = false;
    for (int i = first; i < argc; ++i) {
        std::string arg = argv[i];
        if (onlyPositionals || arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
            if (arg == "--") {
                onlyPositionals = true;
                continue;
            }
            m_positionals.push_back(arg);
            continue;
        }
        std::string name = arg.substr(2), inlineValue;
        bool hasInline = false;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
            hasInline = true;
        }
        auto it = byName.find(name);
        if (it == byName.end()) {
            m_error = "unknown option --" + name;
            return false;
        }
        const OptionSpec& spec = *it->second;
        auto& slot = m_values[name];
        if (!spec.takesValue) {
            if (hasInline) {
                m_error = "option --" + name + " takes no value";
                return false;
            }
            slot.push_back("1");
            continue;
        }
        if (hasInline) {
            slot.push_back(inlineValue);
        } else if (i + 1 < argc) {
            slot.push_back(argv[++i]);
        } else {
            m_error = "option --" + name + " needs a value";
            return false;
        }
        if (spec.multi && !hasInline) {
            while (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) slot.push_back(argv[++i]);
        }
    }
    return true;
}

std::string Args::value(const std::string& name, const std::string& fallback) const {
    auto it = m_values.find(name);
    return (it == m_values.end() || it->second.empty()) ? fallback : it->second.back();
}

std::vector<std::string> Args::values(const std::string& name) const {
    auto it = m_values.find(name);
    return it == m_values.end() ? std::vector<std::string>{} : it->second;
}

bool Args::intValue(const std::string& name, long long fallback, long long& out) {
    if (!has(name)) {
        out = fallback;
        return true;
    }
    const std::string v = value(name);
    char* end = nullptr;
    errno = 0;
    out = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || errno == ERANGE) {
        m_error = "--" + name + " needs an integer, not \"" + v + "\"";
        return false;
    }
    return true;
}

bool Args::doubleValue(const std::string& name, double fallback, double& out) {
    if (!has(name)) {
        out = fallback;
        return true;
    }
    const std::string v = value(name);
    char* end = nullptr;
    errno = 0;
    out = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || errno == ERANGE) {
        m_error = "--" + name + " needs a number, not \"" + v + "\"";
        return false;
    }
    return true;
}

}  // namespace diffclip::cli
