#pragma once
// The hand-written JSON value that diffclip/formats/Json.h replaced, kept only so bench_json can
// compare the two (never part of the product).
// A small JSON value with a strict, bounded parser and a deterministic writer.
// Used for model configs, safetensors headers and the CLI's --json output. It lives in the
// model target so that target needs nothing beyond LibTorch and the standard library.
// Thread safety: values are plain data; distinct values may be used from distinct threads.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "diffclip/base/Result.h"

namespace diffclip::legacy {

class Json {
public:
    enum class Type { Null, Bool, Number, String, Array, Object };
    using Array = std::vector<Json>;
    // Object keeps insertion order for output; lookups are linear (objects here are small).
    using Object = std::vector<std::pair<std::string, Json>>;

    Json() = default;                       // null
    Json(std::nullptr_t) {}                 // NOLINT
    Json(bool b);                           // NOLINT
    Json(int v);                            // NOLINT
    Json(int64_t v);                        // NOLINT
    Json(uint64_t v);                       // NOLINT
    Json(double v);                         // NOLINT
    Json(const char* s);                    // NOLINT
    Json(std::string s);                    // NOLINT
    Json(Array a);                          // NOLINT
    Json(Object o);                         // NOLINT
    static Json array() { return Json(Array{}); }
    static Json object() { return Json(Object{}); }

    Type type() const { return m_type; }
    bool isNull() const { return m_type == Type::Null; }
    bool isBool() const { return m_type == Type::Bool; }
    bool isNumber() const { return m_type == Type::Number; }
    bool isString() const { return m_type == Type::String; }
    bool isArray() const { return m_type == Type::Array; }
    bool isObject() const { return m_type == Type::Object; }
    /// True for numbers written without fraction or exponent that fit int64.
    bool isInteger() const { return m_type == Type::Number && m_isInt; }

    bool asBool(bool fallback = false) const { return isBool() ? m_bool : fallback; }
    double asDouble(double fallback = 0.0) const;
    int64_t asInt(int64_t fallback = 0) const;
    const std::string& asString() const;  // empty string when not a string
    const Array& asArray() const;         // empty when not an array
    const Object& asObject() const;       // empty when not an object
    Array& mutableArray();                // converts null to an empty array first
    Object& mutableObject();              // converts null to an empty object first

    /// Object member or nullptr. Duplicate keys are refused by the parser, so the first wins.
    const Json* find(std::string_view key) const;
    bool contains(std::string_view key) const { return find(key) != nullptr; }
    /// Sets (replaces or appends) an object member; converts null to object.
    Json& set(std::string key, Json value);
    /// Appends to an array; converts null to array.
    Json& push(Json value);
    size_t size() const;

    struct ParseLimits {
        size_t maxDepth = 64;         // nesting of arrays/objects
        size_t maxBytes = 100u << 20; // input size
    };
    /// Strict RFC 8259 parse: no comments, no trailing commas, no duplicate object keys,
    /// valid UTF-8 and escapes only. Errors are ErrorCode::Format with the byte offset.
    static Result<Json> parse(std::string_view text, ParseLimits limits);
    static Result<Json> parse(std::string_view text) { return parse(text, ParseLimits{}); }

    /// Compact when indent < 0, else pretty-printed with that many spaces. Doubles are
    /// written with the shortest representation that reads back to the same value.
    std::string dump(int indent = -1) const;

private:
    Type m_type = Type::Null;
    bool m_bool = false;
    bool m_isInt = false;
    int64_t m_int = 0;
    double m_num = 0.0;
    std::string m_str;
    // Held by value so copies are deep (value semantics); std::vector allows the incomplete
    // element type here since C++17.
    Array m_arr;
    Object m_obj;
};

}  // namespace diffclip::legacy
