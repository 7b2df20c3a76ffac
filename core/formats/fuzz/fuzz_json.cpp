// libFuzzer harness for Json::parse and Json::dump. Besides memory errors (ASan/UBSan) it checks
// a round-trip property: whatever parses must dump to text that parses back to the same dump,
// compact and pretty-printed alike.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "diffclip/formats/Json.h"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail)
{
    std::fprintf(stderr, "fuzz_json: %s: %s\n", what, detail.substr(0, 2000).c_str());
    std::abort();  // libFuzzer reports it as a crash and saves the input
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using diffclip::Json;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    Json::ParseLimits limits;
    limits.maxDepth = 64;
    limits.maxBytes = 1u << 20;
    auto parsed = Json::parse(text, limits);
    if (!parsed) {
        if (parsed.error().code != diffclip::ErrorCode::Format)
            fail("unexpected error code", parsed.error().describe());
        if (parsed.error().message.find("(offset ") == std::string::npos)
            fail("error without offset", parsed.error().message);
        return 0;
    }
    const std::string compact = parsed->dump();
    auto again = Json::parse(compact, limits);
    if (!again)
        fail("dump does not parse", again.error().describe() + " in " + compact);
    if (again->dump() != compact)
        fail("dump is not stable", compact);
    const std::string pretty = parsed->dump(2);
    auto fromPretty = Json::parse(pretty, limits);
    if (!fromPretty || fromPretty->dump() != compact)
        fail("pretty dump does not read back", pretty);
    // Copies are deep and compare equal through their dumps.
    Json copy = *parsed;
    if (copy.dump() != compact)
        fail("copy differs", compact);
    return 0;
}
