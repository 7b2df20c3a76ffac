#pragma once
// The JSON value type by name only, for headers that declare functions taking or returning it;
// sources that build, read or write values include diffclip/formats/Json.h.

#include <nlohmann/json_fwd.hpp>

namespace diffclip {

/// nlohmann's JSON value with objects in insertion order, so files and --json output keep the
/// order in which they were written.
using Json = nlohmann::ordered_json;

}  // namespace diffclip
