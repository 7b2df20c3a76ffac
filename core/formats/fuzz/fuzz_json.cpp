// libFuzzer harness for parseJson and dumpJson. Besides memory errors (ASan/UBSan) it checks:
// what parses is the value nlohmann's own parser builds from the same text (our SAX handler
// builds the tree itself), and dumps to text that parses back to the same value and the same
// dump, compact and pretty-printed alike. Refusals must be Format errors with an offset.

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
    using diffclip::dumpJson;
    using diffclip::Json;
    using diffclip::parseJson;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    diffclip::JsonLimits limits;
    limits.maxDepth = 64;
    limits.maxBytes = 1u << 20;
    auto parsed = parseJson(text, limits);
    if (!parsed) {
        if (parsed.error().code != diffclip::ErrorCode::Format)
            fail("unexpected error code", parsed.error().describe());
        if (parsed.error().message.find("(offset ") == std::string::npos)
            fail("error without offset", parsed.error().message);
        return 0;
    }
    const Json reference = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (reference.is_discarded() || reference != *parsed)
        fail("nlohmann's parser reads another value", dumpJson(*parsed));
    const std::string compact = dumpJson(*parsed);
    auto again = parseJson(compact, limits);
    if (!again)
        fail("dump does not parse", again.error().describe() + " in " + compact);
    if (*again != *parsed)
        fail("dump reads back to another value", compact);
    if (dumpJson(*again) != compact)
        fail("dump is not stable", compact);
    const std::string pretty = dumpJson(*parsed, 2);
    auto fromPretty = parseJson(pretty, limits);
    if (!fromPretty || dumpJson(*fromPretty) != compact)
        fail("pretty dump does not read back", pretty);
    return 0;
}
