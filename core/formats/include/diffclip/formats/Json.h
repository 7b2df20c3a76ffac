#pragma once
// JSON for model configs, safetensors headers, registry, training and library files and the
// CLI's --json output: nlohmann::ordered_json (header-only, so the model target still needs
// nothing beyond LibTorch), read through a strict, bounded parser and written deterministically.
//
// Reading untrusted text: use parseJson, never Json::parse (which throws and accepts duplicate
// keys). Reading values: check the type first (is_object, contains, is_number_integer, ...) or
// use jsonFind; get<T>() and value() throw on a type mismatch, and no nlohmann exception may
// leave the core. Writing: dumpJson, never Json::dump (which throws on invalid UTF-8).
// Thread safety: values are plain data; distinct values may be used from distinct threads.

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "diffclip/base/Result.h"
#include "diffclip/formats/JsonFwd.h"

static_assert(NLOHMANN_JSON_VERSION_MAJOR == 3 && NLOHMANN_JSON_VERSION_MINOR >= 11,
              "nlohmann-json 3.11 or newer is needed (ordered_json lookups by string_view)");

namespace diffclip {

struct JsonLimits {
    size_t maxDepth = 64;          // nesting of arrays and objects; the top-level value is depth 1
    size_t maxBytes = 100u << 20;  // input size in bytes
};

/// Strict RFC 8259 parse of untrusted text: no comments, no trailing commas, no byte order mark,
/// no NUL byte, no duplicate object keys, valid UTF-8 and escapes only, numbers that overflow a double refused
/// (those that underflow read as 0). The depth limit is checked as each array or object opens,
/// so hostile nesting is refused after maxDepth levels without deep recursion; the size limit is
/// checked before anything is read. Errors are ErrorCode::Format, "invalid JSON: <what> (offset
/// N)" with N the 0-based byte offset where the problem was found; OutOfMemory when allocation
/// fails. Integers read as int64 when negative and uint64 otherwise (is_number_integer() covers
/// both); integers beyond uint64 read as doubles.
Result<Json> parseJson(std::string_view text, JsonLimits limits = {});

/// Compact when indent < 0, else pretty-printed with that many spaces per level. Deterministic:
/// members in insertion order; doubles in the shortest form that reads back to the same value
/// (integral ones with ".0"), NaN and infinities as null; invalid UTF-8 in strings as U+FFFD.
std::string dumpJson(const Json& value, int indent = -1);

/// The member `key` of `object`, or nullptr when `object` is not an object or has no such member.
/// The pointer stays valid until `object` is modified or destroyed.
const Json* jsonFind(const Json& object, std::string_view key);

}  // namespace diffclip
