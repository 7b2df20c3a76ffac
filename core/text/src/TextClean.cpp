// The reference's text cleaning: the ftfy subset, html.unescape, whitespace and lower case
// (TextClean.h describes each step).

#include "TextClean.h"

#include <algorithm>
#include <cstring>

#include "Unicode.h"
#include "UnicodeTables.h"

namespace diffclip::text_detail {

namespace uc = unicode;

namespace {

// ---------------------------------------------------------------------------------------------
// The ftfy subset (see TextClean.h)

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
    // A reference may end with ';', which then belongs to it.
    auto withSemicolon = [&](std::size_t end) { return end < n && s[end] == U';' ? end + 1 : end; };
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
            out += numericReference(value, overflow);
            i = withSemicolon(j);
            continue;
        }
        std::size_t j = start;
        while (j < n && j - start < 32 && isEntityNameChar(s[j]))
            ++j;
        if (j == start) {
            out.push_back(s[i++]);
            continue;
        }
        j = withSemicolon(j);
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

}  // namespace

std::u32string cleanCodepoints(std::string_view text) {
    std::u32string s = ftfySubset(fromUtf8(text));
    s = htmlUnescape(htmlUnescape(s));
    return lowerCase(collapseWhitespace(s));
}

}  // namespace diffclip::text_detail
