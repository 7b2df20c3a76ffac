// Class prompt and template files (Prompts.h): plain C++, shared by the CLI and the application.
#include "diffclip/indexing/Prompts.h"

namespace diffclip {

std::vector<std::string> defaultPromptTemplates() {
    return {"a photo of {}.", "a close-up photo of {}.", "a photo of {} on a surface.", "an inspection photo of {}.",
            "a photo of a {} defect."};
}

namespace {

std::string trimmed(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::vector<std::string> contentLines(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = trimmed(text.substr(start, end - start));
        if (!line.empty() && line[0] != '#') out.push_back(std::move(line));
        start = end + 1;
    }
    return out;
}

}  // namespace

Result<std::vector<ClassPrompt>> parseClassPrompts(const std::string& text) {
    std::vector<ClassPrompt> out;
    for (const auto& line : contentLines(text)) {
        ClassPrompt c;
        const auto colon = line.find(':');
        c.name = trimmed(line.substr(0, colon));
        if (c.name.empty()) return makeError(ErrorCode::InvalidArgument, "a class line has no name: " + line);
        if (colon != std::string::npos) {
            std::string rest = line.substr(colon + 1);
            size_t s0 = 0;
            while (s0 <= rest.size()) {
                size_t s1 = rest.find(';', s0);
                if (s1 == std::string::npos) s1 = rest.size();
                std::string prompt = trimmed(rest.substr(s0, s1 - s0));
                if (!prompt.empty()) c.prompts.push_back(prompt);
                s0 = s1 + 1;
            }
        }
        out.push_back(std::move(c));
    }
    if (out.size() < 2) return makeError(ErrorCode::InvalidArgument, "at least two classes are needed");
    return out;
}

Result<std::vector<std::string>> parsePromptTemplates(const std::string& text) {
    auto lines = contentLines(text);
    if (lines.empty()) return makeError(ErrorCode::InvalidArgument, "no prompt templates given");
    return lines;
}

}  // namespace diffclip
