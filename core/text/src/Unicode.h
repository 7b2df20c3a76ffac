#pragma once
// Private to diffclip_text: UTF-8 encoding and decoding (Python's errors="replace" rules),
// character classes from the generated tables (UnicodeTables.h) and NFC normalisation.
// Threading: pure functions over constant tables; safe from any thread.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace diffclip::text_detail {

inline constexpr char32_t kReplacementChar = 0xFFFD;

void appendUtf8(std::string& out, char32_t cp);
std::string toUtf8(const char32_t* begin, const char32_t* end);
std::string toUtf8(const std::u32string& s);
// One step of UTF-8 decoding at `i`. Returns the code point, or kReplacementChar for an ill-formed
// sequence; `length` receives the bytes consumed: for errors the maximal valid prefix (at least one
// byte), which is what Python's decode(errors="replace") does.
char32_t decodeUtf8Step(const unsigned char* p, std::size_t n, std::size_t i, std::size_t& length);
std::u32string fromUtf8(std::string_view text);

// Binary search over sorted ranges (the generated tables): the range holding cp, or nullptr.
template <typename T>
const T* findRange(const T* table, std::size_t count, char32_t cp) {
    const T* end = table + count;
    const T* it = std::upper_bound(table, end, cp, [](char32_t v, const T& r) { return v < r.first; });
    if (it == table)
        return nullptr;
    --it;
    return cp <= it->last ? it : nullptr;
}

// str.isalpha / isnumeric / isspace of Python 3.11, and the case properties of the final-sigma rule.
bool isLetter(char32_t c);
bool isNumber(char32_t c);
bool isSpace(char32_t c);
bool isCased(char32_t c);
bool isCaseIgnorable(char32_t c);

// Canonical composition (NFC) with Hangul.
std::u32string nfc(const std::u32string& s);

}  // namespace diffclip::text_detail
