// The restricted unpickler's machine: input, stack, marks and memo, the opcode loop and the final
// check of the value graph (PickleParser.h lists the other parts).

#include "PickleParser.h"

#include <algorithm>
#include <charconv>
#include <exception>
#include <limits>
#include <new>

namespace diffclip {

using namespace pickle_detail;

namespace pickle_detail {

[[noreturn]] void fail(ErrorCode code, std::string message) { throw ParseFailure{makeError(code, std::move(message))}; }
[[noreturn]] void failFormat(std::string message) { fail(ErrorCode::Format, std::move(message)); }

}  // namespace pickle_detail

namespace {

std::string hexByte(std::uint8_t b) {
    static const char* digits = "0123456789abcdef";
    std::string s = "0x";
    s += digits[b >> 4];
    s += digits[b & 15];
    return s;
}

}  // namespace

Result<PickleDocument> PickleParser::run() {
    try {
        // Real pickles create about one value per 4-8 bytes; a bounded guess saves regrowth.
        m_doc.m_values.reserve(std::min({m_size / 4 + 16, std::size_t(1) << 16, m_limits.maxValues}));
        parse();
        validateGraph();
        m_doc.m_globals.assign(m_globals.begin(), m_globals.end());
        return std::move(m_doc);
    } catch (const ParseFailure& f) {
        return f.error;
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "out of memory while parsing pickle");
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("pickle parser: ") + e.what());
    }
}

const std::uint8_t* PickleParser::take(std::size_t n, const char* what) {
    if (n > remaining()) {
        failFormat("truncated pickle: " + std::string(what) + " at offset " + std::to_string(m_opOffset) +
                   " needs " + std::to_string(n) + " bytes, " + std::to_string(remaining()) + " left");
    }
    const std::uint8_t* p = m_data + m_pos;
    m_pos += n;
    return p;
}

std::uint64_t PickleParser::readLE(std::size_t n, const char* what) {
    const std::uint8_t* p = take(n, what);
    std::uint64_t v = 0;
    for (std::size_t i = n; i-- > 0;) v = (v << 8) | p[i];
    return v;
}

std::int32_t PickleParser::readI32(const char* what) {
    const auto u = static_cast<std::uint32_t>(readLE(4, what));
    std::int32_t v = 0;
    std::memcpy(&v, &u, sizeof v);
    return v;
}

std::string_view PickleParser::readLine(const char* what) {
    const void* nl = remaining() == 0 ? nullptr : std::memchr(m_data + m_pos, '\n', remaining());
    if (nl == nullptr) failFormat("truncated pickle: " + std::string(what) + " at offset " +
                                  std::to_string(m_opOffset) + " has no end of line");
    const auto* end = static_cast<const std::uint8_t*>(nl);
    const std::size_t len = static_cast<std::size_t>(end - (m_data + m_pos));
    std::string_view line(reinterpret_cast<const char*>(m_data + m_pos), len);
    m_pos += len + 1;
    return line;
}

std::size_t PickleParser::checkLength(std::uint64_t len, const char* what) {
    if (len > m_limits.maxStringBytes) {
        failFormat(std::string(what) + " of " + std::to_string(len) + " bytes at offset " +
                   std::to_string(m_opOffset) + " exceeds the limit of " + std::to_string(m_limits.maxStringBytes));
    }
    if (len > remaining()) {
        failFormat("truncated pickle: " + std::string(what) + " at offset " + std::to_string(m_opOffset) +
                   " declares " + std::to_string(len) + " bytes, " + std::to_string(remaining()) + " left");
    }
    return static_cast<std::size_t>(len);
}

void PickleParser::push(PickleRef r) {
    if (m_stack.size() >= m_limits.maxStack) {
        failFormat("pickle stack deeper than " + std::to_string(m_limits.maxStack) + " values at offset " +
                   std::to_string(m_opOffset));
    }
    m_stack.push_back(r);
}

PickleRef PickleParser::pop() {
    if (m_stack.size() <= frameBase()) failFormat("pickle stack underflow at offset " + std::to_string(m_opOffset));
    const PickleRef r = m_stack.back();
    m_stack.pop_back();
    return r;
}

PickleRef PickleParser::top() {
    if (m_stack.size() <= frameBase()) failFormat("pickle stack underflow at offset " + std::to_string(m_opOffset));
    return m_stack.back();
}

std::vector<PickleRef> PickleParser::popMark() {
    if (m_marks.empty()) failFormat("pickle opcode at offset " + std::to_string(m_opOffset) + " needs a MARK");
    const std::size_t base = m_marks.back();
    m_marks.pop_back();
    std::vector<PickleRef> items(m_stack.begin() + static_cast<std::ptrdiff_t>(base), m_stack.end());
    m_stack.resize(base);
    return items;
}

void PickleParser::memoPut(std::uint64_t key) {
    const PickleRef r = top();
    auto it = m_memo.find(key);
    if (it != m_memo.end()) {
        it->second = r;
        return;
    }
    if (m_memo.size() >= m_limits.maxMemo) {
        failFormat("pickle memo larger than " + std::to_string(m_limits.maxMemo) + " entries at offset " +
                   std::to_string(m_opOffset));
    }
    m_memo.emplace(key, r);
}

void PickleParser::memoGet(std::uint64_t key) {
    auto it = m_memo.find(key);
    if (it == m_memo.end()) {
        failFormat("pickle memo key " + std::to_string(key) + " is missing (GET at offset " +
                   std::to_string(m_opOffset) + ")");
    }
    push(it->second);
}

std::uint64_t PickleParser::parseMemoKey(std::string_view line) {
    line = trimAscii(line);
    std::uint64_t key = 0;
    const auto res = std::from_chars(line.data(), line.data() + line.size(), key);
    if (line.empty() || res.ec != std::errc() || res.ptr != line.data() + line.size())
        failFormat("invalid memo key in PUT/GET at offset " + std::to_string(m_opOffset));
    return key;
}

void PickleParser::parse() {
    while (true) {
        m_opOffset = m_pos;
        if (m_pos >= m_size) failFormat("truncated pickle: no STOP opcode before the end (" +
                                        std::to_string(m_size) + " bytes)");
        const std::uint8_t op = m_data[m_pos++];
        switch (op) {
        case 0x80: {  // PROTO
            const std::uint8_t v = readU8("PROTO");
            if (v > 5) failFormat("unsupported pickle protocol " + std::to_string(v));
            m_doc.m_protocol = v;
            break;
        }
        case 0x95: {  // FRAME: a length hint; the opcodes inside are read as usual
            const std::uint64_t len = readLE(8, "FRAME");
            if (len > remaining()) failFormat("truncated pickle: FRAME at offset " + std::to_string(m_opOffset) +
                                              " runs past the end");
            break;
        }
        case '.': {  // STOP
            if (!m_marks.empty()) failFormat("STOP inside an open MARK at offset " + std::to_string(m_opOffset));
            if (m_stack.size() != 1) {
                failFormat("STOP at offset " + std::to_string(m_opOffset) + " with " +
                           std::to_string(m_stack.size()) + " values on the stack");
            }
            m_doc.m_root = m_stack.back();
            return;
        }
        case '(':  // MARK
            if (m_marks.size() >= m_limits.maxDepth) {
                failFormat("more than " + std::to_string(m_limits.maxDepth) + " open MARKs at offset " +
                           std::to_string(m_opOffset));
            }
            m_marks.push_back(m_stack.size());
            break;
        case '0':  // POP: pops the mark itself when the current frame is empty, as Python does
            if (m_stack.size() > frameBase()) {
                m_stack.pop_back();
            } else {
                popMark();
            }
            break;
        case '1': popMark(); break;  // POP_MARK
        case '2': push(top()); break;  // DUP
        case 'N': push(singleton(m_none, PickleKind::None, false)); break;
        case 0x88: push(singleton(m_true, PickleKind::Bool, true)); break;
        case 0x89: push(singleton(m_false, PickleKind::Bool, false)); break;
        case 'I': {  // INT
            const std::string_view line = readLine("INT");
            if (line == "01") {
                push(singleton(m_true, PickleKind::Bool, true));
            } else if (line == "00") {
                push(singleton(m_false, PickleKind::Bool, false));
            } else {
                push(parseTextInt(line));
            }
            break;
        }
        case 'L': {  // LONG
            std::string_view line = readLine("LONG");
            if (!line.empty() && line.back() == 'L') line.remove_suffix(1);
            push(parseTextInt(line));
            break;
        }
        case 'F': {  // FLOAT
            const std::string_view line = trimAscii(readLine("FLOAT"));
            double d = 0;
            const auto res = std::from_chars(line.data(), line.data() + line.size(), d);
            if (line.empty() || res.ec != std::errc() || res.ptr != line.data() + line.size()) {
                failFormat("invalid FLOAT literal at offset " + std::to_string(m_opOffset));
            }
            const PickleRef r = newValue(PickleKind::Float);
            val(r).floatValue = d;
            push(r);
            break;
        }
        case 'J': push(newInt(readI32("BININT"))); break;
        case 'K': push(newInt(readU8("BININT1"))); break;
        case 'M': push(newInt(static_cast<std::int64_t>(readLE(2, "BININT2")))); break;
        case 0x8a: {  // LONG1
            const std::size_t n = readU8("LONG1");
            push(parseLongBytes(take(n, "LONG1"), n));
            break;
        }
        case 0x8b: {  // LONG4
            const std::int32_t n = readI32("LONG4");
            if (n < 0) failFormat("negative LONG4 length at offset " + std::to_string(m_opOffset));
            const std::size_t len = checkLength(static_cast<std::uint64_t>(n), "LONG4");
            push(parseLongBytes(take(len, "LONG4"), len));
            break;
        }
        case 'G': {  // BINFLOAT, big-endian
            const std::uint8_t* p = take(8, "BINFLOAT");
            std::uint64_t u = 0;
            for (int i = 0; i < 8; ++i) u = (u << 8) | p[i];
            double d = 0;
            std::memcpy(&d, &u, sizeof d);
            const PickleRef r = newValue(PickleKind::Float);
            val(r).floatValue = d;
            push(r);
            break;
        }
        case 'S': {  // STRING: a quoted Python 2 repr
            const std::string_view line = readLine("STRING");
            if (line.size() < 2 || line.front() != line.back() || (line.front() != '\'' && line.front() != '"')) {
                failFormat("STRING argument at offset " + std::to_string(m_opOffset) + " is not quoted");
            }
            push(newLegacyString(decodeEscapedString(line.substr(1, line.size() - 2))));
            break;
        }
        case 'T': {  // BINSTRING
            const std::int32_t n = readI32("BINSTRING");
            if (n < 0) failFormat("negative BINSTRING length at offset " + std::to_string(m_opOffset));
            const std::size_t len = checkLength(static_cast<std::uint64_t>(n), "BINSTRING");
            const std::uint8_t* p = take(len, "BINSTRING");
            push(newLegacyString(std::string(reinterpret_cast<const char*>(p), len)));
            break;
        }
        case 'U': {  // SHORT_BINSTRING
            const std::size_t len = checkLength(readU8("SHORT_BINSTRING"), "SHORT_BINSTRING");
            const std::uint8_t* p = take(len, "SHORT_BINSTRING");
            push(newLegacyString(std::string(reinterpret_cast<const char*>(p), len)));
            break;
        }
        case 'V': {  // UNICODE
            const std::string_view line = readLine("UNICODE");
            if (line.size() > m_limits.maxStringBytes) checkLength(line.size(), "UNICODE");
            push(newText(PickleKind::String, decodeRawUnicodeEscape(line)));
            break;
        }
        case 'X':
        case 0x8c:
        case 0x8d: {  // BINUNICODE, SHORT_BINUNICODE, BINUNICODE8
            const char* what = op == 'X' ? "BINUNICODE" : op == 0x8c ? "SHORT_BINUNICODE" : "BINUNICODE8";
            const std::uint64_t n = readLE(op == 'X' ? 4 : op == 0x8c ? 1 : 8, what);
            const std::size_t len = checkLength(n, what);
            push(newString(take(len, what), len));
            break;
        }
        case 'B':
        case 'C':
        case 0x8e:
        case 0x96: {  // BINBYTES, SHORT_BINBYTES, BINBYTES8, BYTEARRAY8
            const char* what = op == 'B'    ? "BINBYTES"
                               : op == 'C'  ? "SHORT_BINBYTES"
                               : op == 0x8e ? "BINBYTES8"
                                            : "BYTEARRAY8";
            const std::uint64_t n = readLE(op == 'B' ? 4 : op == 'C' ? 1 : 8, what);
            const std::size_t len = checkLength(n, what);
            const std::uint8_t* p = take(len, what);
            push(newText(PickleKind::Bytes, std::string(reinterpret_cast<const char*>(p), len)));
            break;
        }
        case ')': push(makeSequence(PickleKind::Tuple, {})); break;
        case 't': push(makeSequence(PickleKind::Tuple, popMark())); break;
        case 0x85:
        case 0x86:
        case 0x87: {  // TUPLE1..3
            const std::size_t n = static_cast<std::size_t>(op - 0x84);
            std::vector<PickleRef> items(n);
            for (std::size_t i = n; i-- > 0;) items[i] = pop();
            push(makeSequence(PickleKind::Tuple, std::move(items)));
            break;
        }
        case ']': push(makeSequence(PickleKind::List, {})); break;
        case 'l': push(makeSequence(PickleKind::List, popMark())); break;
        case 'a': {  // APPEND
            const PickleRef item = pop();
            appendTo(top(), item);
            break;
        }
        case 'e': {  // APPENDS
            const std::vector<PickleRef> items = popMark();
            const PickleRef target = top();
            for (PickleRef item : items) appendTo(target, item);
            break;
        }
        case '}': push(newValue(PickleKind::Dict)); break;
        case 'd': push(makeDict(popMark())); break;
        case 's': {  // SETITEM
            const PickleRef value = pop();
            const PickleRef key = pop();
            setItem(top(), key, value);
            break;
        }
        case 'u': {  // SETITEMS
            const std::vector<PickleRef> items = popMark();
            if (items.size() % 2 != 0) failFormat("odd number of items for SETITEMS at offset " +
                                                  std::to_string(m_opOffset));
            const PickleRef target = top();
            for (std::size_t i = 0; i < items.size(); i += 2) setItem(target, items[i], items[i + 1]);
            break;
        }
        case 0x8f: push(makeSequence(PickleKind::Set, {})); break;  // EMPTY_SET
        case 0x90: {  // ADDITEMS
            const std::vector<PickleRef> items = popMark();
            const PickleRef target = top();
            for (PickleRef item : items) appendTo(target, item, true);
            break;
        }
        case 0x91: push(makeSequence(PickleKind::Set, popMark())); break;  // FROZENSET
        case 'p': memoPut(parseMemoKey(readLine("PUT"))); break;
        case 'q': memoPut(readU8("BINPUT")); break;
        case 'r': memoPut(readLE(4, "LONG_BINPUT")); break;
        case 0x94: memoPut(m_memo.size()); break;  // MEMOIZE
        case 'g': memoGet(parseMemoKey(readLine("GET"))); break;
        case 'h': memoGet(readU8("BINGET")); break;
        case 'j': memoGet(readLE(4, "LONG_BINGET")); break;
        case 'c': {  // GLOBAL
            const std::string module(readLine("GLOBAL"));
            const std::string name(readLine("GLOBAL"));
            push(makeGlobal(module, name));
            break;
        }
        case 0x93: {  // STACK_GLOBAL
            const PickleRef nameRef = pop();
            const PickleRef moduleRef = pop();
            if (val(nameRef).kind != PickleKind::String || val(moduleRef).kind != PickleKind::String) {
                failFormat("STACK_GLOBAL at offset " + std::to_string(m_opOffset) + " needs two strings");
            }
            const std::string_view module = val(moduleRef).text;
            const std::string_view name = val(nameRef).text;
            push(makeGlobal(module, name));
            break;
        }
        case 'i': {  // INST: class from two lines, arguments since the MARK
            const std::string module(readLine("INST"));
            const std::string name(readLine("INST"));
            const PickleRef cls = makeGlobal(module, name);
            const PickleRef args = makeSequence(PickleKind::Tuple, popMark());
            push(callGlobal(cls, args, kNoPickleRef));
            break;
        }
        case 'o': {  // OBJ: class and arguments since the MARK
            std::vector<PickleRef> items = popMark();
            if (items.empty()) failFormat("OBJ without a class at offset " + std::to_string(m_opOffset));
            const PickleRef cls = items.front();
            items.erase(items.begin());
            const PickleRef args = makeSequence(PickleKind::Tuple, std::move(items));
            push(callGlobal(cls, args, kNoPickleRef));
            break;
        }
        case 'R': {  // REDUCE
            const PickleRef args = pop();
            const PickleRef callable = pop();
            push(callGlobal(callable, args, kNoPickleRef));
            break;
        }
        case 0x81: {  // NEWOBJ
            const PickleRef args = pop();
            const PickleRef cls = pop();
            push(callGlobal(cls, args, kNoPickleRef));
            break;
        }
        case 0x92: {  // NEWOBJ_EX
            const PickleRef kwargs = pop();
            const PickleRef args = pop();
            const PickleRef cls = pop();
            if (val(kwargs).kind != PickleKind::Dict) {
                failFormat("NEWOBJ_EX keyword arguments at offset " + std::to_string(m_opOffset) +
                           " are not a dict");
            }
            push(callGlobal(cls, args, kwargs));
            break;
        }
        case 'b': {  // BUILD
            const PickleRef state = pop();
            build(top(), state);
            break;
        }
        case 'Q': push(makeStorage(pop())); break;  // BINPERSID
        case 'P':
            failFormat("unsupported pickle opcode PERSID (0x50) at offset " + std::to_string(m_opOffset) +
                       ": text persistent ids are not torch storages");
        case 0x82:
        case 0x83:
        case 0x84:
            failFormat("unsupported pickle opcode EXT" + std::to_string(op == 0x82 ? 1 : op == 0x83 ? 2 : 4) +
                       " (" + hexByte(op) + ") at offset " + std::to_string(m_opOffset) +
                       ": the extension registry is not supported");
        case 0x97:
        case 0x98:
            failFormat(std::string("unsupported pickle opcode ") +
                       (op == 0x97 ? "NEXT_BUFFER" : "READONLY_BUFFER") + " (" + hexByte(op) + ") at offset " +
                       std::to_string(m_opOffset) + ": out-of-band buffers are not supported");
        default:
            failFormat("unknown pickle opcode " + hexByte(op) + " at offset " + std::to_string(m_opOffset));
        }
    }
}

void PickleParser::validateGraph() {
    const auto& values = m_doc.m_values;
    std::vector<std::uint8_t> color(values.size(), 0);  // 0 new, 1 on the path, 2 done
    std::vector<std::uint32_t> height(values.size(), 0);
    struct Frame {
        PickleRef ref;
        std::size_t next;
    };
    auto childAt = [&](const PickleValue& v, std::size_t i) -> PickleRef {
        if (i < v.items.size()) return v.items[i];
        i -= v.items.size();
        if (i < v.entries.size()) return v.entries[i];
        i -= v.entries.size();
        if (i == 0) return v.args;
        if (i == 1) return v.kwargs;
        if (i == 2) return v.state;
        return kNoPickleRef - 1;  // end marker
    };
    std::vector<Frame> path;
    path.push_back({m_doc.m_root, 0});
    color[m_doc.m_root] = 1;
    while (!path.empty()) {
        Frame& f = path.back();
        const PickleRef child = childAt(values[f.ref], f.next++);
        if (child == kNoPickleRef - 1) {
            std::uint32_t h = 0;
            const PickleValue& v = values[f.ref];
            for (std::size_t i = 0;; ++i) {
                const PickleRef c = childAt(v, i);
                if (c == kNoPickleRef - 1) break;
                if (c != kNoPickleRef) h = std::max(h, height[c]);
            }
            height[f.ref] = h + 1;
            if (height[f.ref] > m_limits.maxDepth) {
                failFormat("pickle nesting deeper than " + std::to_string(m_limits.maxDepth) + " levels");
            }
            color[f.ref] = 2;
            path.pop_back();
            continue;
        }
        if (child == kNoPickleRef || color[child] == 2) continue;
        if (color[child] == 1) failFormat("pickle contains a recursive structure (a value contains itself)");
        if (path.size() >= m_limits.maxDepth) {
            failFormat("pickle nesting deeper than " + std::to_string(m_limits.maxDepth) + " levels");
        }
        color[child] = 1;
        path.push_back({child, 0});
    }
}

}  // namespace diffclip
