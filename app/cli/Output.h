#pragma once
// Shared helpers of the `diffclip` commands: exit codes, messages, JSON printing.

#include <iostream>
#include <string>

#include "diffclip/formats/Json.h"
#include "diffclip/base/Result.h"

namespace diffclip::cli {

enum Exit { kOk = 0, kFailed = 1, kUsage = 2 };

/// One-line reason on standard error; returns kFailed.
inline int fail(const Error& e) {
    std::cerr << "diffclip: " << e.message << "\n";
    return kFailed;
}
inline int usage(const std::string& message, const std::string& command) {
    std::cerr << "diffclip: " << message << "\nTry 'diffclip " << command << " --help'.\n";
    return kUsage;
}
inline void printJson(const Json& j) { std::cout << dumpJson(j, 2) << "\n"; }

}  // namespace diffclip::cli
