// The CLIP byte-level BPE tokenizer, behaving like OpenAI's simple_tokenizer.py.
//
// Text cleaning (cleanText), in the reference's order:
//  1. A subset of ftfy.fix_text's defaults (ftfy itself is Python-only), repeated until nothing changes:
//     - ANSI terminal escapes (ESC [ digits/; letter) are removed;
//     - mojibake: a line whose characters all come from Windows-1252/Latin-1 and whose bytes in that
//       encoding form valid UTF-8 is re-decoded as UTF-8 (up to three layers), but only with evidence:
//       a 3/4-byte sequence, a lead byte Â/Ã, or a continuation that is not ordinary punctuation after
//       a letter (so "Fuß“" stays). ftfy's badness heuristics, partial-line fixes, lost-0xA0 repair and
//       other single-byte encodings (cp1250/1251, MacRoman, cp437) are not covered;
//     - C1 controls U+0080..U+009F become their Windows-1252 characters;
//     - Latin ligatures and digraphs (ﬁ ﬂ ĳ ǆ ...) are split into letters;
//     - curly quotes U+2018..U+201B become ' and U+201C..U+201F become " (ftfy's default uncurl_quotes);
//     - control characters ftfy removes (C0 except \t \n \f \r, DEL, U+206A..U+206F, U+FEFF,
//       U+FFF9..U+FFFC) are removed;
//     - NFC normalisation.
//     Not done: fullwidth/halfwidth folding (fix_character_width; the reference cases keep "（"),
//     ftfy's own HTML unescape (only html.unescape twice, below), line-break normalisation (moot:
//     whitespace is collapsed anyway).
//  2. html.unescape twice (HTML5 named references, with and without ';', numeric references with
//     the HTML5 replacement rules).
//  3. Runs of str.isspace() characters become one space; leading/trailing whitespace is stripped.
//  4. str.lower(), including multi-code-point results and the final-sigma rule.

#include "diffclip/text/Tokenizer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <mutex>
#include <new>
#include <unordered_map>
#include <utility>

#include "UnicodeTables.h"

#if defined(DIFFCLIP_HAVE_ZLIB) && DIFFCLIP_HAVE_ZLIB
#include <zlib.h>
#define DIFFCLIP_TOKENIZER_ZLIB 1
#endif

namespace diffclip {
namespace {

namespace uc = unicode;

constexpr int32_t kMergeCount = 49152 - 256 - 2;  // the merges OpenAI CLIP uses: 48894
constexpr int32_t kByteSymbols = 256;
constexpr int32_t kFirstMergeId = 2 * kByteSymbols;
constexpr int32_t kStartId = kFirstMergeId + kMergeCount;  // 49406
constexpr int32_t kEndId = kStartId + 1;                   // 49407
constexpr int32_t kVocabSize = kEndId + 1;
constexpr std::uintmax_t kMaxFileBytes = 64u << 20;        // the real file is 1.3 MB (3.2 MB unpacked)
constexpr std::size_t kMaxDecompressedBytes = 64u << 20;
constexpr std::size_t kCacheLimit = 50000;                 // words; the cache is cleared when full
constexpr std::size_t kMaxCachedWordBytes = 256;
constexpr char32_t kReplacementChar = 0xFFFD;
constexpr const char* kStartText = "<|startoftext|>";
constexpr const char* kEndText = "<|endoftext|>";

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

// One step of UTF-8 decoding at `i`. Returns the code point, or kReplacementChar for an ill-formed
// sequence; `length` receives the bytes consumed: for errors the maximal valid prefix (at least one
// byte), which is what Python's decode(errors="replace") does.
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

template <typename T>
const T* findRange(const T* table, std::size_t count, char32_t cp) {
    const T* end = table + count;
    const T* it = std::upper_bound(table, end, cp, [](char32_t v, const T& r) { return v < r.first; });
    if (it == table)
        return nullptr;
    --it;
    return cp <= it->last ? it : nullptr;
}

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

// ---------------------------------------------------------------------------------------------
// The ftfy subset (see the comment at the top of the file)

bool isAscii(const std::u32string& s) {
    return std::all_of(s.begin(), s.end(), [](char32_t c) { return c < 0x80; });
}

std::u32string removeTerminalEscapes(const std::u32string& s) {
    if (s.find(U'\x1b') == std::u32string::npos)
        return s;
    std::u32string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == 0x1B && i + 1 < s.size() && s[i + 1] == U'[') {
            std::size_t j = i + 2;
            while (j < s.size() && ((s[j] >= U'0' && s[j] <= U'9') || s[j] == U';'))
                ++j;
            if (j < s.size() && s[j] < 0x80 && ((s[j] | 0x20) >= U'a' && (s[j] | 0x20) <= U'z')) {
                i = j;
                continue;
            }
        }
        out.push_back(s[i]);
    }
    return out;
}

// The byte a character had in Windows-1252 (or Latin-1 for C1 controls), or -1.
int sloppyCp1252Byte(char32_t c) {
    if (c < 0x80 || (c >= 0xA0 && c <= 0xFF) || (c >= 0x80 && c <= 0x9F))
        return static_cast<int>(c);
    for (int i = 0; i < 32; ++i) {
        if (uc::kCp1252High[i] == c)
            return 0x80 + i;
    }
    return -1;
}

// Continuation bytes that, read as Windows-1252, are punctuation that plausibly follows a letter.
bool isPlausibleAfterLetter(unsigned char b) {
    static constexpr unsigned char kBytes[] = {0x82, 0x84, 0x85, 0x91, 0x92, 0x93, 0x94, 0x96, 0x97, 0x99,
                                               0xA9, 0xAB, 0xAE, 0xB0, 0xB2, 0xB3, 0xB7, 0xB9, 0xBB};
    return std::find(std::begin(kBytes), std::end(kBytes), b) != std::end(kBytes);
}

// Re-decodes one line that is UTF-8 mis-read as Windows-1252/Latin-1. Returns false if it does not look so.
bool fixMojibakeLine(std::u32string& line) {
    if (isAscii(line))
        return false;
    std::string bytes;
    bytes.reserve(line.size());
    for (char32_t c : line) {
        const int b = sloppyCp1252Byte(c);
        if (b < 0)
            return false;
        bytes.push_back(static_cast<char>(b));
    }
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    bool evidence = false;
    std::u32string fixed;
    fixed.reserve(bytes.size());
    for (std::size_t i = 0, len = 0; i < bytes.size(); i += len) {
        const char32_t cp = decodeUtf8Step(p, bytes.size(), i, len);
        if (cp == kReplacementChar && !(len == 3 && p[i] == 0xEF && p[i + 1] == 0xBF && p[i + 2] == 0xBD))
            return false;  // not valid UTF-8: the text is what it says
        if (len >= 3 || (len == 2 && (p[i] == 0xC2 || p[i] == 0xC3 || !isPlausibleAfterLetter(p[i + 1]))))
            evidence = true;
        fixed.push_back(cp);
    }
    if (!evidence)
        return false;
    line = std::move(fixed);
    return true;
}

std::u32string fixMojibake(const std::u32string& s) {
    if (isAscii(s))
        return s;
    std::u32string out;
    out.reserve(s.size());
    std::size_t pos = 0;
    while (pos < s.size()) {
        std::size_t end = s.find(U'\n', pos);
        end = end == std::u32string::npos ? s.size() : end + 1;  // ftfy fixes line by line, '\n' included
        std::u32string line = s.substr(pos, end - pos);
        for (int layer = 0; layer < 3 && fixMojibakeLine(line); ++layer) {
        }
        out += line;
        pos = end;
    }
    return out;
}

const char32_t* ligatureExpansion(char32_t c) {
    switch (c) {
    case 0x0132: return U"IJ";
    case 0x0133: return U"ij";
    case 0x0149: return U"\u02BCn";
    case 0x01C4: return U"D\u017D";
    case 0x01C5: return U"D\u017E";
    case 0x01C6: return U"d\u017E";
    case 0x01C7: return U"LJ";
    case 0x01C8: return U"Lj";
    case 0x01C9: return U"lj";
    case 0x01CA: return U"NJ";
    case 0x01CB: return U"Nj";
    case 0x01CC: return U"nj";
    case 0x01F1: return U"DZ";
    case 0x01F2: return U"Dz";
    case 0x01F3: return U"dz";
    case 0xFB00: return U"ff";
    case 0xFB01: return U"fi";
    case 0xFB02: return U"fl";
    case 0xFB03: return U"ffi";
    case 0xFB04: return U"ffl";
    case 0xFB05: return U"\u017Ft";
    case 0xFB06: return U"st";
    default: return nullptr;
    }
}

bool isRemovedControl(char32_t c) {
    return c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F || (c >= 0x206A && c <= 0x206F) ||
           c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
}

// fix_c1_controls, fix_latin_ligatures, uncurl_quotes and remove_control_chars in one pass.
std::u32string fixCharacters(const std::u32string& s) {
    std::u32string out;
    out.reserve(s.size());
    for (char32_t c : s) {
        if (c >= 0x80 && c <= 0x9F)
            c = uc::kCp1252High[c - 0x80];
        if (c >= 0x2018 && c <= 0x201B) {
            out.push_back(U'\'');
        } else if (c >= 0x201C && c <= 0x201F) {
            out.push_back(U'"');
        } else if (isRemovedControl(c)) {
            continue;
        } else if (const char32_t* lig = c >= 0x132 ? ligatureExpansion(c) : nullptr) {
            out += lig;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::u32string ftfySubset(std::u32string s) {
    for (int round = 0; round < 4; ++round) {  // ftfy repeats its steps until the text is stable
        std::u32string next = nfc(fixCharacters(fixMojibake(removeTerminalEscapes(s))));
        if (next == s)
            break;
        s = std::move(next);
    }
    return s;
}

// ---------------------------------------------------------------------------------------------
// html.unescape

const uc::Entity* findEntity(std::string_view name) {
    const auto* end = uc::kEntities + uc::kEntityCount;
    const auto* it = std::lower_bound(uc::kEntities, end, name, [](const uc::Entity& e, std::string_view v) {
        return std::string_view(e.name) < v;
    });
    return (it != end && std::string_view(it->name) == name) ? it : nullptr;
}

void appendUtf8String(std::u32string& out, const char* utf8) {
    out += fromUtf8(utf8);
}

std::u32string numericReference(char32_t number, bool overflow) {
    if (!overflow) {
        for (std::size_t i = 0; i < uc::kInvalidCharRefCount; ++i) {
            if (uc::kInvalidCharRefs[i].number == number)
                return std::u32string(1, uc::kInvalidCharRefs[i].replacement);
        }
    }
    if (overflow || number > 0x10FFFF || (number >= 0xD800 && number <= 0xDFFF))
        return std::u32string(1, kReplacementChar);
    if (findRange(uc::kInvalidCodepoints, uc::kInvalidCodepointCount, number))
        return {};
    return std::u32string(1, number);
}

bool isHexDigit(char32_t c) { return (c >= U'0' && c <= U'9') || ((c | 0x20) >= U'a' && (c | 0x20) <= U'f'); }

bool isEntityNameChar(char32_t c) {
    return c != U'\t' && c != U'\n' && c != U'\f' && c != U' ' && c != U'<' && c != U'&' && c != U'#' && c != U';';
}

// Python's html.unescape: character references as the HTML5 parser reads them in text.
std::u32string htmlUnescape(const std::u32string& s) {
    if (s.find(U'&') == std::u32string::npos)
        return s;
    std::u32string out;
    out.reserve(s.size());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        if (s[i] != U'&') {
            out.push_back(s[i++]);
            continue;
        }
        const std::size_t start = i + 1;
        if (start < n && s[start] == U'#') {
            const bool hex = start + 1 < n && (s[start + 1] == U'x' || s[start + 1] == U'X');
            std::size_t j = start + (hex ? 2 : 1);
            const std::size_t digitsBegin = j;
            char32_t value = 0;
            bool overflow = false;
            while (j < n && (hex ? isHexDigit(s[j]) : (s[j] >= U'0' && s[j] <= U'9'))) {
                const char32_t c = s[j] | 0x20;
                const char32_t digit = c <= U'9' ? c - U'0' : c - U'a' + 10;
                if (value > 0x10FFFF)
                    overflow = true;  // saturate: anything this large becomes U+FFFD
                else
                    value = value * (hex ? 16 : 10) + digit;
                ++j;
            }
            if (j == digitsBegin) {
                // "&#" or "&#x" without digits: no reference here ('#' cannot start a name).
                out.push_back(s[i++]);
                continue;
            }
            if (j < n && s[j] == U';')
                ++j;
            out += numericReference(value, overflow);
            i = j;
            continue;
        }
        std::size_t j = start;
        while (j < n && j - start < 32 && isEntityNameChar(s[j]))
            ++j;
        if (j == start) {
            out.push_back(s[i++]);
            continue;
        }
        if (j < n && s[j] == U';')
            ++j;
        // Names are ASCII, so a name with anything else never matches in full, only its prefixes.
        const std::string name = toUtf8(s.data() + start, s.data() + j);
        const std::size_t length = j - start;
        bool replaced = false;
        if (const auto* e = findEntity(name)) {
            appendUtf8String(out, e->utf8);
            replaced = true;
        } else {
            for (std::size_t x = length - 1; x >= 2; --x) {  // the longest prefix that is an entity
                const std::string prefix = toUtf8(s.data() + start, s.data() + start + x);
                if (const auto* p = findEntity(prefix)) {
                    appendUtf8String(out, p->utf8);
                    out.append(s, start + x, length - x);
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced)
            out.append(s, i, j - i);
        i = j;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Whitespace and lower case

std::u32string collapseWhitespace(const std::u32string& s) {
    std::u32string out;
    out.reserve(s.size());
    bool pendingSpace = false;
    for (char32_t c : s) {
        if (isSpace(c)) {
            pendingSpace = !out.empty();
            continue;
        }
        if (pendingSpace)
            out.push_back(U' ');
        pendingSpace = false;
        out.push_back(c);
    }
    return out;
}

// Python's Final_Sigma test for a capital sigma at i.
bool isFinalSigma(const std::u32string& s, std::size_t i) {
    std::size_t j = i;
    while (j > 0 && isCaseIgnorable(s[j - 1]))
        --j;
    if (j == 0 || !isCased(s[j - 1]))
        return false;
    std::size_t k = i + 1;
    while (k < s.size() && isCaseIgnorable(s[k]))
        ++k;
    return k == s.size() || !isCased(s[k]);
}

std::u32string lowerCase(const std::u32string& s) {
    std::u32string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char32_t c = s[i];
        if (c < 0x80) {
            out.push_back(c >= U'A' && c <= U'Z' ? c + 32 : c);
            continue;
        }
        if (c == 0x3A3) {
            out.push_back(isFinalSigma(s, i) ? 0x3C2 : 0x3C3);
            continue;
        }
        if (const auto* r = findRange(uc::kLowerRuns, uc::kLowerRunCount, c)) {
            if ((c - r->first) % r->step == 0) {
                out.push_back(static_cast<char32_t>(static_cast<int64_t>(c) + r->delta));
                continue;
            }
        }
        bool multi = false;
        for (std::size_t m = 0; m < uc::kMultiLowerCount; ++m) {
            if (uc::kMultiLowers[m].cp == c) {
                appendUtf8String(out, uc::kMultiLowers[m].utf8);
                multi = true;
                break;
            }
        }
        if (!multi)
            out.push_back(c);
    }
    return out;
}

std::u32string cleanCodepoints(std::string_view text) {
    std::u32string s = ftfySubset(fromUtf8(text));
    s = htmlUnescape(htmlUnescape(s));
    return lowerCase(collapseWhitespace(s));
}

// ---------------------------------------------------------------------------------------------
// Splitting: <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+

// Case-insensitive literal match on lower-cased text: only U+017F (long s) still folds to an ASCII letter.
bool matchesAt(const std::u32string& s, std::size_t i, const char* literal) {
    for (; *literal; ++literal, ++i) {
        if (i >= s.size())
            return false;
        const char32_t c = s[i] == 0x17F ? U's' : s[i];
        if (c != static_cast<char32_t>(static_cast<unsigned char>(*literal)))
            return false;
    }
    return true;
}

enum class PieceKind { Word, Start, End };

struct Piece {
    std::size_t begin;
    std::size_t end;
    PieceKind kind;
};

// Calls emit(Piece) for each match of the reference pattern, left to right; stops when emit returns false.
template <typename Emit>
void splitPieces(const std::u32string& s, Emit&& emit) {
    static constexpr const char* kContractions[] = {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const char32_t c = s[i];
        if (c == U'<' && matchesAt(s, i, kStartText)) {
            if (!emit(Piece{i, i + std::strlen(kStartText), PieceKind::Start}))
                return;
            i += std::strlen(kStartText);
            continue;
        }
        if (c == U'<' && matchesAt(s, i, kEndText)) {
            if (!emit(Piece{i, i + std::strlen(kEndText), PieceKind::End}))
                return;
            i += std::strlen(kEndText);
            continue;
        }
        if (c == U'\'') {
            bool matched = false;
            for (const char* contraction : kContractions) {
                if (matchesAt(s, i, contraction)) {
                    const std::size_t len = std::strlen(contraction);
                    if (!emit(Piece{i, i + len, PieceKind::Word}))
                        return;
                    i += len;
                    matched = true;
                    break;
                }
            }
            if (matched)
                continue;
        }
        std::size_t j = i + 1;
        if (isLetter(c)) {
            while (j < n && isLetter(s[j]))
                ++j;
        } else if (isNumber(c)) {
            // a single digit
        } else if (!isSpace(c)) {
            while (j < n && !isSpace(s[j]) && !isLetter(s[j]) && !isNumber(s[j]))
                ++j;
        } else {
            i = j;
            continue;
        }
        if (!emit(Piece{i, j, PieceKind::Word}))
            return;
        i = j;
    }
}

// bytes_to_unicode keeps these bytes as their own character; the others move to U+0100 and up.
bool isPrintableByte(int b) { return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE; }

// The character bytes_to_unicode gives each byte.
std::array<char32_t, 256> byteSymbolChars() {
    std::array<char32_t, 256> chars{};
    char32_t next = 256;
    for (int b = 0; b < 256; ++b)
        chars[static_cast<std::size_t>(b)] = isPrintableByte(b) ? static_cast<char32_t>(b) : next++;
    return chars;
}

// Symbol ids of the bytes: the vocabulary lists the printable bytes first, then the others, each in
// byte order.
std::array<int32_t, 256> byteSymbolIds() {
    std::array<int32_t, 256> ids{};
    int32_t next = 0;
    for (int pass = 0; pass < 2; ++pass) {
        for (int b = 0; b < 256; ++b) {
            if (isPrintableByte(b) == (pass == 0))
                ids[static_cast<std::size_t>(b)] = next++;
        }
    }
    return ids;
}

uint64_t pairKey(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
}

std::string excerpt(std::string_view s) {
    return std::string(s.substr(0, 40)) + (s.size() > 40 ? "..." : "");
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct Tokenizer::Impl {
    struct Merge {
        int32_t left;
        int32_t right;
        int32_t merged;
    };

    std::array<int32_t, 256> byteIds{};
    std::vector<std::string> idBytes;  // id -> its bytes, "</w>" spelled out as the reference decoder sees it
    std::vector<Merge> merges;         // by rank
    std::unordered_map<uint64_t, int32_t> pairRanks;

    mutable std::mutex cacheMutex;
    mutable std::unordered_map<std::string, std::vector<int32_t>> cache;

    std::vector<int32_t> bpe(std::string_view bytes) const;
    std::vector<int32_t> cachedBpe(std::string_view bytes) const;
    void encodeInto(std::string_view text, std::vector<int64_t>& out, std::size_t limit) const;
};

// The reference algorithm: repeatedly take the lowest-ranked adjacent pair and merge all its
// occurrences left to right. Done with a heap of (rank, position) over a linked list, a whole
// rank's occurrences at a time, so long words cost O(n log n) and not O(n^2).
std::vector<int32_t> Tokenizer::Impl::bpe(std::string_view bytes) const {
    const std::size_t n = bytes.size();
    std::vector<int32_t> sym(n);
    for (std::size_t i = 0; i < n; ++i)
        sym[i] = byteIds[static_cast<unsigned char>(bytes[i])];
    if (n == 0)
        return sym;
    sym[n - 1] += kByteSymbols;  // the word's last symbol carries "</w>"
    if (n == 1)
        return sym;

    std::vector<int32_t> prev(n), next(n);
    std::vector<char> alive(n, 1);
    for (std::size_t i = 0; i < n; ++i) {
        prev[i] = static_cast<int32_t>(i) - 1;
        next[i] = i + 1 < n ? static_cast<int32_t>(i + 1) : -1;
    }
    using Entry = std::pair<int32_t, int32_t>;  // (rank, left position)
    std::vector<Entry> heap;
    auto push = [&](int32_t left, int32_t right) {
        auto it = pairRanks.find(pairKey(sym[static_cast<std::size_t>(left)], sym[static_cast<std::size_t>(right)]));
        if (it != pairRanks.end()) {
            heap.emplace_back(it->second, left);
            std::push_heap(heap.begin(), heap.end(), std::greater<Entry>());
        }
    };
    for (std::size_t i = 0; i + 1 < n; ++i)
        push(static_cast<int32_t>(i), static_cast<int32_t>(i + 1));

    std::vector<int32_t> batch, touched;
    while (!heap.empty()) {
        const int32_t rank = heap.front().first;
        batch.clear();
        while (!heap.empty() && heap.front().first == rank) {  // pops in position order
            batch.push_back(heap.front().second);
            std::pop_heap(heap.begin(), heap.end(), std::greater<Entry>());
            heap.pop_back();
        }
        const Merge& m = merges[static_cast<std::size_t>(rank)];
        touched.clear();
        for (int32_t pos : batch) {
            const auto p = static_cast<std::size_t>(pos);
            if (!alive[p] || sym[p] != m.left || next[p] < 0)
                continue;  // stale entry
            const auto q = static_cast<std::size_t>(next[p]);
            if (sym[q] != m.right)
                continue;
            sym[p] = m.merged;
            alive[q] = 0;
            next[p] = next[q];
            if (next[q] >= 0)
                prev[static_cast<std::size_t>(next[q])] = pos;
            touched.push_back(pos);
        }
        // New pairs enter only after the whole rank is done, as in the reference.
        for (int32_t pos : touched) {
            const auto p = static_cast<std::size_t>(pos);
            if (prev[p] >= 0)
                push(prev[p], pos);
            if (next[p] >= 0)
                push(pos, next[p]);
        }
    }
    std::vector<int32_t> out;
    for (int32_t i = 0; i >= 0; i = next[static_cast<std::size_t>(i)])
        out.push_back(sym[static_cast<std::size_t>(i)]);
    return out;
}

std::vector<int32_t> Tokenizer::Impl::cachedBpe(std::string_view bytes) const {
    if (bytes.size() > kMaxCachedWordBytes)
        return bpe(bytes);
    const std::string key(bytes);
    {
        std::lock_guard<std::mutex> lock(cacheMutex);
        auto it = cache.find(key);
        if (it != cache.end())
            return it->second;
    }
    std::vector<int32_t> ids = bpe(bytes);
    std::lock_guard<std::mutex> lock(cacheMutex);
    if (cache.size() >= kCacheLimit)
        cache.clear();  // bounded memory; common words come back quickly
    cache.emplace(key, ids);
    return ids;
}

void Tokenizer::Impl::encodeInto(std::string_view text, std::vector<int64_t>& out, std::size_t limit) const {
    const std::u32string s = cleanCodepoints(text);
    std::string bytes;
    splitPieces(s, [&](const Piece& piece) {
        if (piece.kind == PieceKind::Start) {
            out.push_back(kStartId);
        } else if (piece.kind == PieceKind::End) {
            out.push_back(kEndId);
        } else {
            bytes.clear();
            for (std::size_t i = piece.begin; i < piece.end; ++i)
                appendUtf8(bytes, s[i]);
            for (int32_t id : cachedBpe(bytes))
                out.push_back(id);
        }
        return out.size() < limit;
    });
}

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Result<Tokenizer> Tokenizer::fromMergesText(std::string_view text) {
    try {
        auto impl = std::make_unique<Impl>();
        impl->byteIds = byteSymbolIds();
        impl->idBytes.resize(kVocabSize);
        // Symbol text (bytes_to_unicode characters, UTF-8) -> id, as the merges file spells symbols.
        std::unordered_map<std::string, int32_t> symbolIds;
        symbolIds.reserve(static_cast<std::size_t>(kVocabSize) * 2);
        const std::array<char32_t, 256> symbolChars = byteSymbolChars();
        std::unordered_map<char32_t, char> charBytes;  // the reference's byte_decoder
        for (int b = 0; b < 256; ++b) {
            const int32_t id = impl->byteIds[static_cast<std::size_t>(b)];
            std::string symbol;
            appendUtf8(symbol, symbolChars[static_cast<std::size_t>(b)]);
            charBytes[symbolChars[static_cast<std::size_t>(b)]] = static_cast<char>(b);
            impl->idBytes[static_cast<std::size_t>(id)] = std::string(1, static_cast<char>(b));
            impl->idBytes[static_cast<std::size_t>(id + kByteSymbols)] = std::string(1, static_cast<char>(b)) + "</w>";
            symbolIds[symbol] = id;
            symbolIds[symbol + "</w>"] = id + kByteSymbols;
        }

        std::size_t pos = 0;
        auto nextLine = [&](std::string_view& line) {
            if (pos >= text.size())
                return false;
            std::size_t end = text.find('\n', pos);
            if (end == std::string_view::npos)
                end = text.size();
            line = text.substr(pos, end - pos);
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            pos = end + 1;
            return true;
        };
        std::string_view line;
        if (!nextLine(line) || line.find("#version") == std::string_view::npos)
            return makeError(ErrorCode::Format, "merges file line 1: expected a '#version' header, got '" +
                                                    excerpt(line) + "'");

        // Pass 1: parse and validate; later duplicates of a merged string win, as in the reference's dict.
        std::vector<std::pair<std::string, std::string>> parsed;
        parsed.reserve(kMergeCount);
        for (int32_t rank = 0; rank < kMergeCount; ++rank) {
            const int64_t lineNo = rank + 2;
            if (!nextLine(line))
                return makeError(ErrorCode::Format, "merges file ends after line " + std::to_string(lineNo - 1) +
                                                        "; CLIP needs " + std::to_string(kMergeCount) +
                                                        " merges after the header");
            const std::size_t space = line.find(' ');
            if (space == std::string_view::npos || space == 0 || space + 1 >= line.size() ||
                line.find(' ', space + 1) != std::string_view::npos)
                return makeError(ErrorCode::Format, "merges file line " + std::to_string(lineNo) +
                                                        ": expected two symbols separated by one space, got '" +
                                                        excerpt(line) + "'");
            std::string left(line.substr(0, space));
            std::string right(line.substr(space + 1));
            for (const std::string* symbol : {&left, &right}) {
                if (symbolIds.find(*symbol) == symbolIds.end())
                    return makeError(ErrorCode::Format, "merges file line " + std::to_string(lineNo) +
                                                            ": unknown symbol '" + excerpt(*symbol) + "'");
            }
            symbolIds[left + right] = kFirstMergeId + rank;
            parsed.emplace_back(std::move(left), std::move(right));
        }

        // Pass 2: ranks and merge results in final ids.
        impl->merges.resize(kMergeCount);
        impl->pairRanks.reserve(static_cast<std::size_t>(kMergeCount) * 2);
        for (int32_t rank = 0; rank < kMergeCount; ++rank) {
            const auto& [left, right] = parsed[static_cast<std::size_t>(rank)];
            const int32_t l = symbolIds.at(left);
            const int32_t r = symbolIds.at(right);
            const int32_t merged = symbolIds.at(left + right);
            impl->merges[static_cast<std::size_t>(rank)] = {l, r, merged};
            impl->pairRanks[pairKey(l, r)] = rank;
            std::string& bytes = impl->idBytes[static_cast<std::size_t>(kFirstMergeId + rank)];
            for (char32_t c : fromUtf8(left + right))
                bytes.push_back(charBytes.at(c));  // every character was checked by pass 1
        }
        impl->idBytes[kStartId] = kStartText;
        impl->idBytes[kEndId] = kEndText;
        return Tokenizer(std::move(impl));
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "out of memory while building the tokenizer");
    }
}

namespace {

#ifdef DIFFCLIP_TOKENIZER_ZLIB
Result<std::string> gunzip(const std::string& data, const std::string& path) {
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return makeError(ErrorCode::Internal, "zlib initialisation failed");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());  // data.size() <= kMaxFileBytes
    std::string out;
    std::array<char, 1 << 16> chunk{};
    int rc = Z_OK;
    for (;;) {
        zs.next_out = reinterpret_cast<Bytef*>(chunk.data());
        zs.avail_out = static_cast<uInt>(chunk.size());
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
            break;
        const std::size_t produced = chunk.size() - zs.avail_out;
        if (out.size() + produced > kMaxDecompressedBytes) {
            inflateEnd(&zs);
            return makeError(ErrorCode::Format, path + ": decompresses to more than " +
                                                    std::to_string(kMaxDecompressedBytes >> 20) + " MiB");
        }
        out.append(chunk.data(), produced);
        if (rc == Z_STREAM_END) {
            if (zs.avail_in == 0)
                break;
            if (inflateReset(&zs) != Z_OK)  // another gzip member follows, as gzip.open allows
                break;
            continue;
        }
        if (rc == Z_BUF_ERROR && produced == 0)
            break;  // no progress: the input ended early
    }
    const std::string detail = zs.msg ? zs.msg : "zlib error " + std::to_string(rc);
    inflateEnd(&zs);
    if (rc == Z_STREAM_END)
        return out;
    if (rc == Z_BUF_ERROR || rc == Z_OK)
        return makeError(ErrorCode::Format, path + ": gzip data is truncated");
    return makeError(ErrorCode::Format, path + ": corrupt gzip data (" + detail + ")");
}
#endif

}  // namespace

Result<std::string> Tokenizer::readMergesText(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
        return makeError(ErrorCode::NotFound, path + ": merges file not found");
    if (std::filesystem::is_directory(status))
        return makeError(ErrorCode::Io, path + ": is a directory, not a merges file");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        return makeError(ErrorCode::Io, path + ": cannot read the file size (" + ec.message() + ")");
    if (size > kMaxFileBytes)
        return makeError(ErrorCode::Format,
                         path + ": " + std::to_string(size) + " bytes is too large for a merges file");
    try {
        std::string data(static_cast<std::size_t>(size), '\0');
        std::ifstream in(path, std::ios::binary);
        if (!in)
            return makeError(ErrorCode::Io, path + ": cannot open the merges file");
        in.read(data.data(), static_cast<std::streamsize>(size));
        if (in.gcount() != static_cast<std::streamsize>(size))
            return makeError(ErrorCode::Io, path + ": short read");
        const bool gzipped = data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1F &&
                             static_cast<unsigned char>(data[1]) == 0x8B;
        if (!gzipped)
            return data;
#ifdef DIFFCLIP_TOKENIZER_ZLIB
        return gunzip(data, path);
#else
        return makeError(ErrorCode::Unsupported, path + ": the merges file is gzip-compressed and this build has no "
                                                        "zlib; decompress it first (gunzip -k " + path +
                                                        ") and load the .txt");
#endif
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, path + ": out of memory reading the merges file");
    }
}

Result<Tokenizer> Tokenizer::fromMergesFile(const std::string& path) {
    Result<std::string> text = readMergesText(path);
    if (!text.ok())
        return text.error();
    auto result = fromMergesText(text.value());
    if (!result.ok())
        return makeError(result.error().code, path + ": " + result.error().message);
    return result;
}

std::string Tokenizer::cleanText(std::string_view text) { return toUtf8(cleanCodepoints(text)); }

std::vector<int64_t> Tokenizer::encode(std::string_view text) const {
    std::vector<int64_t> out;
    m_impl->encodeInto(text, out, static_cast<std::size_t>(-1));
    return out;
}

std::vector<int64_t> Tokenizer::sequence(std::string_view text) const {
    std::vector<int64_t> out{kStartId};
    m_impl->encodeInto(text, out, static_cast<std::size_t>(-1));
    out.push_back(kEndId);
    return out;
}

std::vector<int64_t> Tokenizer::row(std::string_view text, int64_t contextLength) const {
    if (contextLength <= 0)
        return {};
    const auto length = static_cast<std::size_t>(contextLength);
    std::vector<int64_t> out{kStartId};
    m_impl->encodeInto(text, out, length);  // tokens beyond the row are never needed
    out.push_back(kEndId);
    if (out.size() > length) {
        out.resize(length);
        out.back() = kEndId;
    } else {
        out.resize(length, 0);
    }
    return out;
}

std::string Tokenizer::decode(const std::vector<int64_t>& ids) const {
    std::size_t begin = 0;
    std::size_t end = ids.size();
    if (end > 0 && ids[0] == kStartId)
        begin = 1;
    std::size_t last = end;
    while (last > begin && ids[last - 1] == 0)
        --last;  // zero padding counts as such only after an end token
    if (last > begin && ids[last - 1] == kEndId)
        end = last - 1;
    std::string bytes;
    for (std::size_t i = begin; i < end; ++i) {
        const int64_t id = ids[i];
        if (id >= 0 && id < kVocabSize)
            bytes += m_impl->idBytes[static_cast<std::size_t>(id)];
        else
            bytes += "\xEF\xBF\xBD";  // not a token id
    }
    // The reference decodes the bytes, then renders "</w>"; both are ASCII, so the order is immaterial.
    std::string spaced;
    spaced.reserve(bytes.size());
    for (std::size_t i = 0; i < bytes.size();) {
        if (bytes.compare(i, 4, "</w>") == 0) {
            spaced.push_back(' ');
            i += 4;
        } else {
            spaced.push_back(bytes[i++]);
        }
    }
    return toUtf8(fromUtf8(spaced));
}

int64_t Tokenizer::startToken() const { return kStartId; }
int64_t Tokenizer::endToken() const { return kEndId; }
int64_t Tokenizer::vocabSize() const { return kVocabSize; }
int64_t Tokenizer::mergeCount() const { return kMergeCount; }

}  // namespace diffclip
