#pragma once
// The stable names of an enum's values (for JSON, files, settings and command lines) kept in one
// table per enum and read both ways, so that writing a name and parsing it back cannot drift apart:
//
//   constexpr EnumName<Palette> kPaletteNames[] = {{Palette::Viridis, "viridis"}, ...};
//   const char* paletteName(Palette p) { return enumName(kPaletteNames, p, "viridis"); }
//   std::optional<Palette> p = enumFromName(kPaletteNames, text);
//   Result<Palette> q = parseEnum(kPaletteNames, text, "colour map", "viridis, inferno, magma, plasma");
//   static_assert(namesEveryValue(kPaletteNames, Palette::Plasma));  // the switch's -Wswitch check

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "diffclip/base/Result.h"

namespace diffclip {

template <class E>
struct EnumName {
    E value;
    const char* name;
};

/// The name `table` gives `value`, or `fallback` when the table does not list it.
template <class E, std::size_t N>
constexpr const char* enumName(const EnumName<E> (&table)[N], E value, const char* fallback) {
    for (const EnumName<E>& entry : table) {
        if (entry.value == value) return entry.name;
    }
    return fallback;
}

/// The value `table` names `name` (exact, case-sensitive), or nothing.
template <class E, std::size_t N>
constexpr std::optional<E> enumFromName(const EnumName<E> (&table)[N], std::string_view name) {
    for (const EnumName<E>& entry : table) {
        if (name == entry.name) return entry.value;
    }
    return std::nullopt;
}

/// The value `table` names `text`, else InvalidArgument: unknown WHAT "TEXT" (CHOICES).
template <class E, std::size_t N>
Result<E> parseEnum(const EnumName<E> (&table)[N], const std::string& text, const char* what, const char* choices) {
    if (std::optional<E> value = enumFromName(table, text)) return *value;
    return makeError(ErrorCode::InvalidArgument,
                     std::string("unknown ") + what + " \"" + text + "\" (" + choices + ")");
}

/// True when `table` lists every value from 0 up to `last` once, in order: a table that misses a
/// new enumerator (or names them out of order) then fails a static_assert.
template <class E, std::size_t N>
constexpr bool namesEveryValue(const EnumName<E> (&table)[N], E last) {
    if (N != static_cast<std::size_t>(last) + 1) return false;
    for (std::size_t i = 0; i < N; ++i) {
        if (static_cast<std::size_t>(table[i].value) != i) return false;
    }
    return true;
}

}  // namespace diffclip
