#include "JsonLegacy.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <system_error>

namespace diffclip::legacy {

// ---------------------------------------------------------------------------------------------
// Construction and access

Json::Json(bool b) : m_type(Type::Bool), m_bool(b) {}
Json::Json(int v) : m_type(Type::Number), m_isInt(true), m_int(v), m_num(static_cast<double>(v)) {}
Json::Json(int64_t v) : m_type(Type::Number), m_isInt(true), m_int(v), m_num(static_cast<double>(v)) {}
Json::Json(uint64_t v) : m_type(Type::Number), m_num(static_cast<double>(v))
{
    if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        m_isInt = true;
        m_int = static_cast<int64_t>(v);
    }
}
Json::Json(double v) : m_type(Type::Number), m_num(v) {}
Json::Json(const char* s) : m_type(Type::String), m_str(s ? s : "") {}
Json::Json(std::string s) : m_type(Type::String), m_str(std::move(s)) {}
Json::Json(Array a) : m_type(Type::Array), m_arr(std::move(a)) {}
Json::Json(Object o) : m_type(Type::Object), m_obj(std::move(o)) {}

double Json::asDouble(double fallback) const
{
    if (!isNumber())
        return fallback;
    return m_isInt ? static_cast<double>(m_int) : m_num;
}

int64_t Json::asInt(int64_t fallback) const
{
    if (!isNumber())
        return fallback;
    if (m_isInt)
        return m_int;
    // Doubles convert only when integral and in range; anything else would silently change value.
    // 2^63 is exactly representable, so the upper bound is exclusive.
    if (!std::isfinite(m_num) || std::trunc(m_num) != m_num || m_num < -9223372036854775808.0
        || m_num >= 9223372036854775808.0)
        return fallback;
    return static_cast<int64_t>(m_num);
}

const std::string& Json::asString() const
{
    static const std::string empty;
    return isString() ? m_str : empty;
}

const Json::Array& Json::asArray() const
{
    static const Array empty;
    return isArray() ? m_arr : empty;
}

const Json::Object& Json::asObject() const
{
    static const Object empty;
    return isObject() ? m_obj : empty;
}

Json::Array& Json::mutableArray()
{
    if (isNull())
        m_type = Type::Array;
    if (!isArray())
        *this = Json(Array{});  // another type is replaced, as for null; callers check first
    return m_arr;
}

Json::Object& Json::mutableObject()
{
    if (isNull())
        m_type = Type::Object;
    if (!isObject())
        *this = Json(Object{});
    return m_obj;
}

const Json* Json::find(std::string_view key) const
{
    if (!isObject())
        return nullptr;
    for (const auto& member : m_obj) {
        if (member.first == key)
            return &member.second;
    }
    return nullptr;
}

Json& Json::set(std::string key, Json value)
{
    Object& obj = mutableObject();
    for (auto& member : obj) {
        if (member.first == key) {
            member.second = std::move(value);
            return member.second;
        }
    }
    obj.emplace_back(std::move(key), std::move(value));
    return obj.back().second;
}

Json& Json::push(Json value)
{
    Array& arr = mutableArray();
    arr.push_back(std::move(value));
    return arr.back();
}

size_t Json::size() const
{
    if (isArray())
        return m_arr.size();
    if (isObject())
        return m_obj.size();
    return 0;
}

// ---------------------------------------------------------------------------------------------
// UTF-8

namespace {

// Length of the valid UTF-8 sequence starting at s[i] (RFC 3629: no overlongs, no surrogates,
// nothing above U+10FFFF), or 0 when invalid or truncated.
size_t utf8SequenceLength(std::string_view s, size_t i)
{
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    if (c < 0x80)
        return 1;
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;  // overlong
        else if (c == 0xED)
            hi = 0x9F;  // UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;  // overlong
        else if (c == 0xF4)
            hi = 0x8F;  // above U+10FFFF
    } else {
        return 0;
    }
    if (s.size() - i < len)
        return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi)
        return 0;
    for (size_t k = 2; k < len; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80)
            return 0;
    }
    return len;
}

void appendUtf8(std::string& out, uint32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// ---------------------------------------------------------------------------------------------
// Parser: recursive descent, recursion bounded by limits.maxDepth.

class Parser {
public:
    Parser(std::string_view text, Json::ParseLimits limits) : m_text(text), m_limits(limits) {}

    Result<Json> run()
    {
        if (m_text.size() > m_limits.maxBytes)
            return makeError(ErrorCode::Format, "JSON input is " + std::to_string(m_text.size())
                                                    + " bytes, more than the limit of "
                                                    + std::to_string(m_limits.maxBytes) + " (offset 0)");
        Json value;
        skipSpace();
        if (!parseValue(value, 0))
            return m_error;
        skipSpace();
        if (m_pos != m_text.size()) {
            fail("unexpected data after the JSON value");
            return m_error;
        }
        return value;
    }

private:
    bool fail(const std::string& what) { return failAt(what, m_pos); }
    bool failAt(const std::string& what, size_t offset)
    {
        m_error = makeError(ErrorCode::Format, "invalid JSON: " + what + " (offset " + std::to_string(offset) + ")");
        return false;
    }

    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return m_text[m_pos]; }

    void skipSpace()
    {
        while (!atEnd()) {
            const char c = peek();
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                break;
            ++m_pos;
        }
    }

    bool expectLiteral(std::string_view word)
    {
        if (m_text.substr(m_pos, word.size()) != word)
            return fail("unknown literal");
        m_pos += word.size();
        return true;
    }

    bool parseValue(Json& out, size_t depth)
    {
        if (atEnd())
            return fail("unexpected end of input, expected a value");
        switch (peek()) {
        case '{': return parseObject(out, depth + 1);
        case '[': return parseArray(out, depth + 1);
        case '"': {
            std::string s;
            if (!parseString(s))
                return false;
            out = Json(std::move(s));
            return true;
        }
        case 't':
            if (!expectLiteral("true"))
                return false;
            out = Json(true);
            return true;
        case 'f':
            if (!expectLiteral("false"))
                return false;
            out = Json(false);
            return true;
        case 'n':
            if (!expectLiteral("null"))
                return false;
            out = Json();
            return true;
        default:
            if (peek() == '-' || (peek() >= '0' && peek() <= '9'))
                return parseNumber(out);
            return fail("unexpected character, expected a value");
        }
    }

    bool enter(size_t depth)
    {
        if (depth > m_limits.maxDepth)
            return fail("nesting deeper than " + std::to_string(m_limits.maxDepth) + " levels");
        return true;
    }

    bool parseArray(Json& out, size_t depth)
    {
        if (!enter(depth))
            return false;
        ++m_pos;  // '['
        Json::Array items;
        skipSpace();
        if (!atEnd() && peek() == ']') {
            ++m_pos;
            out = Json(std::move(items));
            return true;
        }
        for (;;) {
            skipSpace();
            items.emplace_back();
            if (!parseValue(items.back(), depth))
                return false;
            skipSpace();
            if (atEnd())
                return fail("unexpected end of input inside an array");
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == ']') {
                ++m_pos;
                break;
            }
            return fail("expected ',' or ']' in an array");
        }
        out = Json(std::move(items));
        return true;
    }

    bool parseObject(Json& out, size_t depth)
    {
        if (!enter(depth))
            return false;
        ++m_pos;  // '{'
        Json::Object members;
        std::vector<size_t> keyOffsets;
        skipSpace();
        if (!atEnd() && peek() == '}') {
            ++m_pos;
            out = Json(std::move(members));
            return true;
        }
        for (;;) {
            skipSpace();
            if (atEnd() || peek() != '"')
                return fail(atEnd() ? "unexpected end of input, expected an object key" : "expected a string key");
            keyOffsets.push_back(m_pos);
            std::string key;
            if (!parseString(key))
                return false;
            skipSpace();
            if (atEnd() || peek() != ':')
                return fail("expected ':' after an object key");
            ++m_pos;
            skipSpace();
            members.emplace_back(std::move(key), Json());
            if (!parseValue(members.back().second, depth))
                return false;
            skipSpace();
            if (atEnd())
                return fail("unexpected end of input inside an object");
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == '}') {
                ++m_pos;
                break;
            }
            return fail("expected ',' or '}' in an object");
        }
        if (!checkDuplicates(members, keyOffsets))
            return false;
        out = Json(std::move(members));
        return true;
    }

    // Objects may be large (a safetensors header has one member per tensor), so sort indices
    // instead of comparing all pairs.
    bool checkDuplicates(const Json::Object& members, const std::vector<size_t>& offsets)
    {
        std::vector<size_t> order(members.size());
        for (size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
            const int c = members[a].first.compare(members[b].first);
            return c != 0 ? c < 0 : a < b;
        });
        for (size_t i = 1; i < order.size(); ++i) {
            if (members[order[i]].first == members[order[i - 1]].first) {
                const size_t later = std::max(order[i], order[i - 1]);
                return failAt("duplicate object key \"" + printable(members[later].first) + "\"", offsets[later]);
            }
        }
        return true;
    }

    // Key text for messages: clipped, control characters replaced.
    static std::string printable(const std::string& s)
    {
        std::string out;
        for (char c : s.substr(0, 64))
            out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
        if (s.size() > 64)
            out += "...";
        return out;
    }

    bool parseHex4(uint32_t& out)
    {
        if (m_text.size() - m_pos < 4)
            return fail("truncated \\u escape");
        out = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = m_text[m_pos + i];
            uint32_t d;
            if (c >= '0' && c <= '9')
                d = static_cast<uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f')
                d = static_cast<uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                d = static_cast<uint32_t>(c - 'A' + 10);
            else
                return failAt("invalid hex digit in a \\u escape", m_pos + i);
            out = out * 16 + d;
        }
        m_pos += 4;
        return true;
    }

    bool parseString(std::string& out)
    {
        ++m_pos;  // opening quote
        for (;;) {
            if (atEnd())
                return fail("unterminated string");
            const unsigned char c = static_cast<unsigned char>(peek());
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (c < 0x20)
                return fail("unescaped control character in a string");
            if (c == '\\') {
                if (!parseEscape(out))
                    return false;
                continue;
            }
            if (c < 0x80) {
                // Copy a run of plain ASCII at once.
                size_t end = m_pos + 1;
                while (end < m_text.size()) {
                    const unsigned char d = static_cast<unsigned char>(m_text[end]);
                    if (d < 0x20 || d >= 0x80 || d == '"' || d == '\\')
                        break;
                    ++end;
                }
                out.append(m_text.data() + m_pos, end - m_pos);
                m_pos = end;
                continue;
            }
            const size_t len = utf8SequenceLength(m_text, m_pos);
            if (len == 0)
                return fail("invalid UTF-8 in a string");
            out.append(m_text.data() + m_pos, len);
            m_pos += len;
        }
    }

    bool parseEscape(std::string& out)
    {
        const size_t start = m_pos;
        ++m_pos;  // backslash
        if (atEnd())
            return fail("unterminated escape");
        const char e = peek();
        ++m_pos;
        switch (e) {
        case '"': out += '"'; return true;
        case '\\': out += '\\'; return true;
        case '/': out += '/'; return true;
        case 'b': out += '\b'; return true;
        case 'f': out += '\f'; return true;
        case 'n': out += '\n'; return true;
        case 'r': out += '\r'; return true;
        case 't': out += '\t'; return true;
        case 'u': break;
        default: return failAt("invalid escape", start);
        }
        uint32_t cp = 0;
        if (!parseHex4(cp))
            return false;
        if (cp >= 0xDC00 && cp <= 0xDFFF)
            return failAt("lone low surrogate in a \\u escape", start);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (m_text.size() - m_pos < 2 || m_text[m_pos] != '\\' || m_text[m_pos + 1] != 'u')
                return failAt("high surrogate not followed by a low surrogate", start);
            m_pos += 2;
            uint32_t low = 0;
            if (!parseHex4(low))
                return false;
            if (low < 0xDC00 || low > 0xDFFF)
                return failAt("high surrogate not followed by a low surrogate", start);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        appendUtf8(out, cp);
        return true;
    }

    bool parseNumber(Json& out)
    {
        const size_t start = m_pos;
        bool integral = true;
        if (peek() == '-')
            ++m_pos;
        const auto digits = [&]() {
            size_t n = 0;
            while (!atEnd() && peek() >= '0' && peek() <= '9') {
                ++m_pos;
                ++n;
            }
            return n;
        };
        if (atEnd() || peek() < '0' || peek() > '9')
            return fail("expected a digit");
        if (peek() == '0') {
            ++m_pos;
            if (!atEnd() && peek() >= '0' && peek() <= '9')
                return fail("leading zero in a number");
        } else {
            digits();
        }
        const size_t intEnd = m_pos;
        if (!atEnd() && peek() == '.') {
            integral = false;
            ++m_pos;
            if (digits() == 0)
                return fail("expected a digit after the decimal point");
        }
        const size_t mantissaEnd = m_pos;
        if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
            integral = false;
            ++m_pos;
            if (!atEnd() && (peek() == '+' || peek() == '-'))
                ++m_pos;
            if (digits() == 0)
                return fail("expected a digit in the exponent");
        }
        const char* first = m_text.data() + start;
        const char* last = m_text.data() + m_pos;
        if (integral) {
            int64_t v = 0;
            const auto r = std::from_chars(first, last, v);
            if (r.ec == std::errc() && r.ptr == last) {
                out = Json(v);
                return true;
            }
            // Too large for int64: fall through and keep it as a double.
        }
        double d = 0.0;
        const auto r = std::from_chars(first, last, d);
        if (r.ec == std::errc::result_out_of_range) {
            if (!underflows(start, intEnd, mantissaEnd))
                return failAt("number out of range", start);
            d = (*first == '-') ? -0.0 : 0.0;
        } else if (r.ec != std::errc() || r.ptr != last) {
            return failAt("malformed number", start);
        }
        out = Json(d);
        return true;
    }

    // Decides whether an out-of-range number is too small (rounds to zero) rather than too large:
    // the decimal exponent of its first significant digit is negative.
    bool underflows(size_t start, size_t intEnd, size_t mantissaEnd) const
    {
        int64_t firstDigitExp = 0;
        bool found = false;
        size_t i = start + (m_text[start] == '-' ? 1 : 0);
        int64_t pos = static_cast<int64_t>(intEnd - i) - 1;  // exponent of the first integer digit
        for (; i < mantissaEnd; ++i) {
            const char c = m_text[i];
            if (c == '.')
                continue;
            if (c != '0') {
                firstDigitExp = pos;
                found = true;
                break;
            }
            --pos;
        }
        if (!found)
            return true;  // zero mantissa cannot overflow
        int64_t exp = 0;
        size_t e = mantissaEnd;
        if (e < m_pos) {
            ++e;  // 'e'
            bool neg = false;
            if (m_text[e] == '+' || m_text[e] == '-')
                neg = m_text[e++] == '-';
            for (; e < m_pos; ++e) {
                exp = exp * 10 + (m_text[e] - '0');
                if (exp > 1000000000)
                    break;  // far beyond any double either way
            }
            if (neg)
                exp = -exp;
        }
        return firstDigitExp + exp < 0;
    }

    std::string_view m_text;
    Json::ParseLimits m_limits;
    size_t m_pos = 0;
    Error m_error;
};

// ---------------------------------------------------------------------------------------------
// Writer

void dumpString(std::string& out, const std::string& s)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            // Invalid UTF-8 (only possible in strings built in code) becomes U+FFFD so the output
            // is always valid JSON.
            const size_t len = utf8SequenceLength(s, i);
            if (len == 0) {
                out += "\xEF\xBF\xBD";
                ++i;
            } else {
                out.append(s, i, len);
                i += len;
            }
            continue;
        }
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7F) {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xF];
            } else {
                out += static_cast<char>(c);
            }
        }
        ++i;
    }
    out += '"';
}

void dumpDouble(std::string& out, double v)
{
    if (!std::isfinite(v)) {
        out += "null";  // JSON has no NaN or infinity
        return;
    }
    // std::to_chars without a precision gives the shortest text that reads back to the same
    // double, independent of the C locale.
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    std::string text(buf, r.ptr);
    // Keep a marker of non-integer type so the value reads back as a double, not an integer.
    if (text.find_first_of(".e") == std::string::npos)
        text += ".0";
    out += text;
}

void newline(std::string& out, int indent, int level)
{
    out += '\n';
    out.append(static_cast<size_t>(indent) * static_cast<size_t>(level), ' ');
}

}  // namespace

Result<Json> Json::parse(std::string_view text, ParseLimits limits)
{
    try {
        return Parser(text, limits).run();
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "out of memory while parsing JSON");
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("JSON parse failed: ") + e.what());
    }
}

namespace {

void dumpValue(std::string& out, const Json& v, int indent, int level)
{
    switch (v.type()) {
    case Json::Type::Null: out += "null"; break;
    case Json::Type::Bool: out += v.asBool() ? "true" : "false"; break;
    case Json::Type::Number:
        if (v.isInteger())
            out += std::to_string(v.asInt());
        else
            dumpDouble(out, v.asDouble());
        break;
    case Json::Type::String: dumpString(out, v.asString()); break;
    case Json::Type::Array: {
        const auto& arr = v.asArray();
        out += '[';
        for (size_t i = 0; i < arr.size(); ++i) {
            if (i > 0)
                out += ',';
            if (indent >= 0)
                newline(out, indent, level + 1);
            dumpValue(out, arr[i], indent, level + 1);
        }
        if (indent >= 0 && !arr.empty())
            newline(out, indent, level);
        out += ']';
        break;
    }
    case Json::Type::Object: {
        const auto& obj = v.asObject();
        out += '{';
        for (size_t i = 0; i < obj.size(); ++i) {
            if (i > 0)
                out += ',';
            if (indent >= 0)
                newline(out, indent, level + 1);
            dumpString(out, obj[i].first);
            out += indent >= 0 ? ": " : ":";
            dumpValue(out, obj[i].second, indent, level + 1);
        }
        if (indent >= 0 && !obj.empty())
            newline(out, indent, level);
        out += '}';
        break;
    }
    }
}

}  // namespace

std::string Json::dump(int indent) const
{
    std::string out;
    dumpValue(out, *this, indent, 0);
    return out;
}

}  // namespace diffclip::legacy
