// Text and numbers in pickles: UTF-8 checks and decoding, integer literals and LONG bytes, and the
// escapes of protocol 0's STRING and UNICODE opcodes.

#include "PickleParser.h"

#include <algorithm>
#include <charconv>

namespace diffclip {

using namespace pickle_detail;

namespace pickle_detail {

// UTF-8 as Python's 'surrogatepass' decoder accepts it (lone surrogates allowed).
bool isValidUtf8(const std::uint8_t* p, std::size_t n) {
    std::size_t i = 0;
    while (i < n) {
        const std::uint8_t c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        std::uint8_t lo = 0x80, hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
        } else if (c == 0xe0) {
            len = 3;
            lo = 0xa0;
        } else if (c >= 0xe1 && c <= 0xef) {
            len = 3;
        } else if (c == 0xf0) {
            len = 4;
            lo = 0x90;
        } else if (c >= 0xf1 && c <= 0xf3) {
            len = 4;
        } else if (c == 0xf4) {
            len = 4;
            hi = 0x8f;
        } else {
            return false;
        }
        if (n - i < len) return false;
        if (p[i + 1] < lo || p[i + 1] > hi) return false;
        for (std::size_t k = 2; k < len; ++k) {
            if ((p[i + k] & 0xc0) != 0x80) return false;
        }
        i += len;
    }
    return true;
}

// Decodes text that isValidUtf8 accepted into code points.
std::vector<std::uint32_t> decodeUtf8(std::string_view s) {
    std::vector<std::uint32_t> out;
    out.reserve(s.size());
    const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
    std::size_t i = 0;
    while (i < s.size()) {
        const std::uint8_t c = p[i];
        std::uint32_t cp = 0;
        std::size_t len = 1;
        if (c < 0x80) {
            cp = c;
        } else if (c < 0xe0) {
            cp = c & 0x1fu;
            len = 2;
        } else if (c < 0xf0) {
            cp = c & 0x0fu;
            len = 3;
        } else {
            cp = c & 0x07u;
            len = 4;
        }
        for (std::size_t k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (p[i + k] & 0x3fu);
        out.push_back(cp);
        i += len;
    }
    return out;
}

std::string_view trimAscii(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

}  // namespace pickle_detail

namespace {

void appendUtf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool isDecimalInteger(std::string_view s) {
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
    if (s.empty()) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

PickleRef PickleParser::parseTextInt(std::string_view text) {
    text = trimAscii(text);
    if (!isDecimalInteger(text)) failFormat("invalid integer literal at offset " + std::to_string(m_opOffset));
    std::string_view digits = text;
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    std::int64_t v = 0;
    const auto res = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (res.ec == std::errc() && res.ptr == digits.data() + digits.size()) return newInt(v);
    return newBigInt(PickleKind::String, std::string(text));
}

PickleRef PickleParser::parseLongBytes(const std::uint8_t* p, std::size_t n) {
    if (n == 0) return newInt(0);
    const bool negative = (p[n - 1] & 0x80) != 0;
    bool fits = n <= 8;
    if (!fits) {
        // Wider encodings fit when the extra bytes only repeat the sign.
        const std::uint8_t fill = negative ? 0xff : 0x00;
        fits = ((p[7] & 0x80) != 0) == negative;
        for (std::size_t i = 8; i < n && fits; ++i) fits = p[i] == fill;
    }
    if (!fits) return newBigInt(PickleKind::Bytes, std::string(reinterpret_cast<const char*>(p), n));
    const std::size_t used = std::min<std::size_t>(n, 8);
    std::uint64_t u = negative ? ~std::uint64_t(0) : 0;
    for (std::size_t i = used; i-- > 0;) {
        u = (u << 8) | p[i];
    }
    std::int64_t v = 0;
    std::memcpy(&v, &u, sizeof v);
    return newInt(v);
}

std::string PickleParser::decodeEscapedString(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c != '\\') {
            out += c;
            continue;
        }
        if (++i >= s.size()) failFormat("trailing backslash in STRING at offset " + std::to_string(m_opOffset));
        const char e = s[i];
        switch (e) {
        case '\n': break;
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'v': out += '\v'; break;
        case 'x': {
            const int h1 = i + 1 < s.size() ? hexValue(s[i + 1]) : -1;
            const int h2 = i + 2 < s.size() ? hexValue(s[i + 2]) : -1;
            if (h1 < 0 || h2 < 0) {
                failFormat("invalid \\x escape in STRING at offset " + std::to_string(m_opOffset));
            }
            out += static_cast<char>(h1 * 16 + h2);
            i += 2;
            break;
        }
        default:
            if (e >= '0' && e <= '7') {
                int v = e - '0';
                for (int k = 0; k < 2 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7'; ++k) {
                    v = v * 8 + (s[++i] - '0');
                }
                out += static_cast<char>(v & 0xff);
            } else {
                out += '\\';
                out += e;
            }
        }
    }
    return out;
}

std::string PickleParser::decodeRawUnicodeEscape(std::string_view s) {
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<std::uint8_t>(s[i]);
        if (c != '\\') {
            appendUtf8(out, c);
            ++i;
            continue;
        }
        std::size_t run = 0;
        while (i + run < s.size() && s[i + run] == '\\') ++run;
        const std::size_t next = i + run;
        const bool escape = run % 2 == 1 && next < s.size() && (s[next] == 'u' || s[next] == 'U');
        out.append(escape ? run - 1 : run, '\\');
        i = next;
        if (!escape) continue;
        const std::size_t digits = s[next] == 'u' ? 4 : 8;
        if (s.size() - next - 1 < digits) failFormat("truncated \\u escape in UNICODE at offset " +
                                                     std::to_string(m_opOffset));
        std::uint32_t cp = 0;
        for (std::size_t k = 0; k < digits; ++k) {
            const int h = hexValue(s[next + 1 + k]);
            if (h < 0) failFormat("invalid \\u escape in UNICODE at offset " + std::to_string(m_opOffset));
            cp = cp * 16 + static_cast<std::uint32_t>(h);
        }
        if (cp > 0x10ffff) failFormat("code point beyond U+10FFFF in UNICODE at offset " +
                                      std::to_string(m_opOffset));
        appendUtf8(out, cp);
        i = next + 1 + digits;
    }
    return out;
}

}  // namespace diffclip
