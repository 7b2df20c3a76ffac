// UTF-8, character classes and NFC for the tokenizer's text cleaning and splitting (Unicode.h).

#include "Unicode.h"

#include "UnicodeTables.h"

namespace diffclip::text_detail {

namespace uc = unicode;

// ---------------------------------------------------------------------------------------------
// UTF-8

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string toUtf8(const char32_t* begin, const char32_t* end) {
    std::string out;
    out.reserve(static_cast<std::size_t>(end - begin));
    for (const char32_t* p = begin; p != end; ++p)
        appendUtf8(out, *p);
    return out;
}

std::string toUtf8(const std::u32string& s) { return toUtf8(s.data(), s.data() + s.size()); }

char32_t decodeUtf8Step(const unsigned char* p, std::size_t n, std::size_t i, std::size_t& length) {
    const unsigned char b = p[i];
    if (b < 0x80) {
        length = 1;
        return b;
    }
    int need = 0;
    char32_t cp = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
        cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        cp = b & 0x0F;
        if (b == 0xE0)
            lo = 0xA0;  // no overlong forms
        else if (b == 0xED)
            hi = 0x9F;  // no surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        cp = b & 0x07;
        if (b == 0xF0)
            lo = 0x90;
        else if (b == 0xF4)
            hi = 0x8F;  // nothing above U+10FFFF
    } else {
        length = 1;
        return kReplacementChar;
    }
    std::size_t j = i + 1;
    for (int k = 0; k < need; ++k, ++j) {
        if (j >= n || p[j] < lo || p[j] > hi) {
            length = j - i;
            return kReplacementChar;
        }
        cp = (cp << 6) | (p[j] & 0x3F);
        lo = 0x80;
        hi = 0xBF;
    }
    length = j - i;
    return cp;
}

std::u32string fromUtf8(std::string_view text) {
    std::u32string out;
    out.reserve(text.size());
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    for (std::size_t i = 0, len = 0; i < text.size(); i += len)
        out.push_back(decodeUtf8Step(p, text.size(), i, len));
    return out;
}

// ---------------------------------------------------------------------------------------------
// Unicode table lookups (binary search over sorted ranges)

bool isLetter(char32_t c) {
    if (c < 0x80)
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    return findRange(uc::kLetters, uc::kLetterCount, c) != nullptr;
}

bool isNumber(char32_t c) {
    if (c < 0x80)
        return c >= '0' && c <= '9';
    return findRange(uc::kNumbers, uc::kNumberCount, c) != nullptr;
}

bool isSpace(char32_t c) {
    if (c < 0x80)
        return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
    return findRange(uc::kSpaces, uc::kSpaceCount, c) != nullptr;
}

bool isCased(char32_t c) { return findRange(uc::kCased, uc::kCasedCount, c) != nullptr; }
bool isCaseIgnorable(char32_t c) { return findRange(uc::kCaseIgnorable, uc::kCaseIgnorableCount, c) != nullptr; }

namespace {

uint8_t combiningClass(char32_t c) {
    if (c < 0x300)
        return 0;
    const auto* r = findRange(uc::kCombiningClasses, uc::kCombiningClassCount, c);
    return r ? r->value : 0;
}

// ---------------------------------------------------------------------------------------------
// NFC

constexpr char32_t kHangulSBase = 0xAC00, kHangulLBase = 0x1100, kHangulVBase = 0x1161, kHangulTBase = 0x11A7;
constexpr char32_t kHangulLCount = 19, kHangulVCount = 21, kHangulTCount = 28;
constexpr char32_t kHangulNCount = kHangulVCount * kHangulTCount, kHangulSCount = kHangulLCount * kHangulNCount;

void decomposeInto(char32_t c, std::u32string& out) {
    if (c >= kHangulSBase && c < kHangulSBase + kHangulSCount) {
        const char32_t s = c - kHangulSBase;
        out.push_back(kHangulLBase + s / kHangulNCount);
        out.push_back(kHangulVBase + (s % kHangulNCount) / kHangulTCount);
        if (s % kHangulTCount != 0)
            out.push_back(kHangulTBase + s % kHangulTCount);
        return;
    }
    const auto* end = uc::kDecompositions + uc::kDecompositionCount;
    const auto* it = std::lower_bound(uc::kDecompositions, end, c,
                                      [](const uc::Decomposition& d, char32_t v) { return d.cp < v; });
    if (it == end || it->cp != c) {
        out.push_back(c);
        return;
    }
    decomposeInto(it->first, out);  // depth is bounded by the data (at most four levels)
    if (it->second != 0)
        decomposeInto(it->second, out);
}

char32_t composePair(char32_t a, char32_t b) {
    if (a >= kHangulLBase && a < kHangulLBase + kHangulLCount && b >= kHangulVBase &&
        b < kHangulVBase + kHangulVCount)
        return kHangulSBase + ((a - kHangulLBase) * kHangulVCount + (b - kHangulVBase)) * kHangulTCount;
    if (a >= kHangulSBase && a < kHangulSBase + kHangulSCount && (a - kHangulSBase) % kHangulTCount == 0 &&
        b > kHangulTBase && b < kHangulTBase + kHangulTCount)
        return a + (b - kHangulTBase);
    const auto* end = uc::kCompositions + uc::kCompositionCount;
    const auto* it = std::lower_bound(uc::kCompositions, end, std::make_pair(a, b),
                                      [](const uc::Composition& c, const std::pair<char32_t, char32_t>& v) {
                                          return c.first != v.first ? c.first < v.first : c.second < v.second;
                                      });
    return (it != end && it->first == a && it->second == b) ? it->composite : 0;
}

}  // namespace

std::u32string nfc(const std::u32string& s) {
    if (std::all_of(s.begin(), s.end(), [](char32_t c) { return c < 0x300; }))
        return s;  // nothing below U+0300 decomposes or composes differently under NFC
    std::u32string d;
    d.reserve(s.size() + 8);
    for (char32_t c : s)
        decomposeInto(c, d);
    // Canonical ordering: stable sort of each run of non-starters by combining class.
    for (std::size_t i = 0; i < d.size();) {
        if (combiningClass(d[i]) == 0) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < d.size() && combiningClass(d[j]) != 0)
            ++j;
        std::stable_sort(d.begin() + static_cast<std::ptrdiff_t>(i), d.begin() + static_cast<std::ptrdiff_t>(j),
                         [](char32_t a, char32_t b) { return combiningClass(a) < combiningClass(b); });
        i = j;
    }
    // Canonical composition.
    std::u32string out;
    out.reserve(d.size());
    std::ptrdiff_t starter = -1;
    uint8_t lastClass = 0;
    for (char32_t c : d) {
        const uint8_t cls = combiningClass(c);
        if (starter >= 0) {
            const bool adjacent = static_cast<std::size_t>(starter) + 1 == out.size();
            const bool blocked = !adjacent && (lastClass == 0 || lastClass >= cls);
            if (!blocked) {
                if (char32_t composite = composePair(out[static_cast<std::size_t>(starter)], c)) {
                    out[static_cast<std::size_t>(starter)] = composite;
                    continue;
                }
            }
        }
        if (cls == 0)
            starter = static_cast<std::ptrdiff_t>(out.size());
        lastClass = cls;
        out.push_back(c);
    }
    return out;
}

}  // namespace diffclip::text_detail
