#include "diffclip/formats/Json.h"

#include <memory>
#include <new>
#include <unordered_set>
#include <utility>
#include <vector>

namespace diffclip {

namespace {

// Builds the value from nlohmann's SAX events, refusing what nlohmann's own DOM parser accepts
// but we do not: nesting deeper than the limit (checked as each container opens; nlohmann's
// parser is iterative, so nothing recurses) and duplicate object keys.
class StrictSax {
public:
    enum class Stop { None, Syntax, Depth, Duplicate };

    StrictSax(Json& root, size_t maxDepth) : m_root(root), m_maxDepth(maxDepth) {}

    bool null() { return place(Json(nullptr)) != nullptr; }
    bool boolean(bool v) { return place(Json(v)) != nullptr; }
    bool number_integer(Json::number_integer_t v) { return place(Json(v)) != nullptr; }
    bool number_unsigned(Json::number_unsigned_t v) { return place(Json(v)) != nullptr; }
    bool number_float(Json::number_float_t v, const std::string& /*text*/) { return place(Json(v)) != nullptr; }
    bool string(std::string& v) { return place(Json(std::move(v))) != nullptr; }
    bool binary(Json::binary_t& /*v*/) { return false; }  // only binary formats produce it

    bool start_object(size_t /*elements*/) { return open(Json::value_t::object); }
    bool start_array(size_t /*elements*/) { return open(Json::value_t::array); }
    bool end_object()
    {
        m_frames.pop_back();
        return true;
    }
    bool end_array()
    {
        m_frames.pop_back();
        return true;
    }

    bool key(std::string& k)
    {
        ++m_keys;
        Frame& frame = m_frames.back();
        auto& members = frame.value->get_ref<Json::object_t&>();
        if (isDuplicate(frame, members, k)) {
            m_stop = Stop::Duplicate;
            m_duplicateKey = k;
            return false;
        }
        // Appended to the underlying vector: ordered_map's own emplace searches linearly again.
        members.emplace_back(std::move(k), nullptr);
        m_member = &members.back().second;
        return true;
    }

    template <class Exception>
    bool parse_error(size_t position, const std::string& /*token*/, const Exception& ex)
    {
        m_stop = Stop::Syntax;
        m_position = position;
        m_what = ex.what();
        return false;
    }

    Stop stop() const { return m_stop; }
    size_t position() const { return m_position; }  // characters read when a syntax error stopped it
    const std::string& what() const { return m_what; }
    size_t keyCount() const { return m_keys; }
    const std::string& duplicateKey() const { return m_duplicateKey; }

private:
    struct Frame {
        Json* value;
        // Keys of a large object, so duplicate checks stay linear in the input size.
        std::unique_ptr<std::unordered_set<std::string>> keys;
    };
    static constexpr size_t kLinearKeyCheck = 16;

    static bool isDuplicate(Frame& frame, const Json::object_t& members, const std::string& k)
    {
        if (!frame.keys) {
            if (members.size() < kLinearKeyCheck) {
                for (const auto& m : members) {
                    if (m.first == k)
                        return true;
                }
                return false;
            }
            frame.keys = std::make_unique<std::unordered_set<std::string>>();
            for (const auto& m : members)
                frame.keys->insert(m.first);
        }
        return !frame.keys->insert(k).second;
    }

    // Puts a value where the parser is: the root, the end of the open array, or the member whose
    // key came last. Containers higher up are not touched while a child is open, so the pointers
    // in m_frames stay valid.
    Json* place(Json&& v)
    {
        if (m_frames.empty()) {
            m_root = std::move(v);
            return &m_root;
        }
        Json* top = m_frames.back().value;
        if (top->is_array()) {
            auto& items = top->get_ref<Json::array_t&>();
            items.push_back(std::move(v));
            return &items.back();
        }
        *m_member = std::move(v);
        return m_member;
    }

    bool open(Json::value_t type)
    {
        if (m_frames.size() >= m_maxDepth) {
            m_stop = Stop::Depth;
            return false;
        }
        m_frames.push_back({place(Json(type)), nullptr});
        return true;
    }

    Json& m_root;
    size_t m_maxDepth;
    std::vector<Frame> m_frames;
    Json* m_member = nullptr;
    Stop m_stop = Stop::None;
    size_t m_position = 0;
    std::string m_what;
    size_t m_keys = 0;
    std::string m_duplicateKey;
};

// Text from a hostile file ends up in messages: printable ASCII only, bounded.
std::string printable(std::string_view s, size_t maxBytes)
{
    std::string out;
    const bool clipped = s.size() > maxBytes;
    for (char c : s.substr(0, maxBytes)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u >= 0x7F) ? '?' : c;
    }
    return clipped ? out + "..." : out;
}

// nlohmann's text without its exception id and line/column prefix, and with the token it last
// read (which can be a whole string of the input) shortened.
std::string syntaxDetail(std::string_view what)
{
    if (what.rfind("[json.exception.", 0) == 0) {
        if (const size_t close = what.find("] "); close != std::string_view::npos)
            what.remove_prefix(close + 2);
    }
    if (what.rfind("parse error", 0) == 0) {
        if (const size_t colon = what.find(": "); colon != std::string_view::npos)
            what.remove_prefix(colon + 2);
    }
    constexpr std::string_view kLastRead = "; last read: '";
    const size_t at = what.find(kLastRead);
    if (at == std::string_view::npos)
        return printable(what, 200);
    // The token may hold quotes itself; what follows it is nlohmann's "'; expected ..." or the end.
    std::string_view token = what.substr(at + kLastRead.size());
    std::string_view expected;
    if (const size_t end = token.rfind("'; expected "); end != std::string_view::npos) {
        expected = token.substr(end + 1);
        token = token.substr(0, end);
    } else if (!token.empty() && token.back() == '\'') {
        token.remove_suffix(1);
    }
    constexpr size_t kTail = 40;  // the end of the token is where the problem is
    const std::string shown = token.size() > kTail ? "..." + printable(token.substr(token.size() - kTail), kTail)
                                                   : printable(token, kTail);
    return printable(what.substr(0, at), 200) + "; last read: '" + shown + "'" + printable(expected, 200);
}

// Offsets of what the SAX handler refused, found again in the text read so far (which nlohmann
// has already checked): the bracket that opened one level too many, or the n-th object key.
size_t skipString(std::string_view text, size_t at)  // at: opening quote; returns one past the closing one
{
    for (size_t i = at + 1; i < text.size(); ++i) {
        if (text[i] == '\\')
            ++i;
        else if (text[i] == '"')
            return i + 1;
    }
    return text.size();
}

size_t offsetOfDepth(std::string_view text, size_t maxDepth)
{
    size_t depth = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            i = skipString(text, i) - 1;
        } else if (c == '[' || c == '{') {
            if (++depth > maxDepth)
                return i;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return text.size();
}

size_t offsetOfKey(std::string_view text, size_t ordinal)  // ordinal: 1 for the first key
{
    size_t seen = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '"')
            continue;
        const size_t start = i;
        size_t j = skipString(text, i);
        i = j - 1;
        while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r'))
            ++j;
        if (j < text.size() && text[j] == ':' && ++seen == ordinal)
            return start;
    }
    return text.size();
}

Error formatError(const std::string& what, size_t offset)
{
    return makeError(ErrorCode::Format, "invalid JSON: " + what + " (offset " + std::to_string(offset) + ")");
}

}  // namespace

Result<Json> parseJson(std::string_view text, JsonLimits limits)
{
    if (text.size() > limits.maxBytes)
        return makeError(ErrorCode::Format, "JSON input is " + std::to_string(text.size())
                                                + " bytes, more than the limit of "
                                                + std::to_string(limits.maxBytes) + " (offset 0)");
    // nlohmann skips a byte order mark; RFC 8259 forbids writing one and our formats never have one.
    if (text.rfind("\xEF\xBB\xBF", 0) == 0)
        return formatError("byte order mark", 0);
    // nlohmann's lexer takes a NUL byte outside strings for the end of the input and would accept
    // "{}\0anything"; a NUL is invalid anywhere in JSON text, so what stops there is refused.
    const size_t nul = text.find('\0');
    const auto nulError = [&] { return formatError("unexpected NUL byte", nul); };
    try {
        Json root;
        StrictSax sax(root, limits.maxDepth);
        const char* begin = text.data();
        if (Json::sax_parse(begin, begin + text.size(), &sax, Json::input_format_t::json,
                            /*strict=*/true, /*ignore_comments=*/false)) {
            if (nul != std::string_view::npos)
                return nulError();
            return root;
        }
        switch (sax.stop()) {
        case StrictSax::Stop::Depth:
            return formatError("nesting deeper than " + std::to_string(limits.maxDepth) + " levels",
                               offsetOfDepth(text, limits.maxDepth));
        case StrictSax::Stop::Duplicate:
            return formatError("duplicate object key \"" + printable(sax.duplicateKey(), 64) + "\"",
                               offsetOfKey(text, sax.keyCount()));
        case StrictSax::Stop::Syntax: {
            const size_t offset = sax.position() > 0 ? sax.position() - 1 : 0;
            if (nul != std::string_view::npos && offset >= nul)
                return nulError();
            return formatError(syntaxDetail(sax.what()), offset);
        }
        case StrictSax::Stop::None:
            break;
        }
        return makeError(ErrorCode::Internal, "JSON parse stopped without a reason");
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "out of memory while parsing JSON");
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("JSON parse failed: ") + e.what());
    }
}

std::string dumpJson(const Json& value, int indent)
{
    return value.dump(indent, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

const Json* jsonFind(const Json& object, std::string_view key)
{
    if (!object.is_object())
        return nullptr;
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

}  // namespace diffclip
