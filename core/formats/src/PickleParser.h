#pragma once
// Private to diffclip_formats: the restricted unpickler's machine (see Pickle.h for the policy).
// Its parts live in several files by what they hold:
//   PickleParser.cpp   input, stack, marks and memo, the opcode loop, the final graph check
//   PickleValues.cpp   building the value tree: scalars, containers, dict keys, height limits
//   PickleText.cpp     UTF-8 checks, integer literals, protocol-0 string escapes
//   PickleGlobals.cpp  the global policy, calls of globals, torch tensor/storage rebuilding
//   Pickle.cpp         the public API: names, PickleDocument accessors, parsePickle

#include "diffclip/formats/Pickle.h"

#include <cstdint>
#include <cstring>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace diffclip {

namespace pickle_detail {

// Thrown inside the parser only; PickleParser::run turns it into an Error.
struct ParseFailure {
    Error error;
};

[[noreturn]] void fail(ErrorCode code, std::string message);
[[noreturn]] void failFormat(std::string message);

// UTF-8 as Python's 'surrogatepass' decoder accepts it (lone surrogates allowed).
bool isValidUtf8(const std::uint8_t* p, std::size_t n);
// Decodes text that isValidUtf8 accepted into code points.
std::vector<std::uint32_t> decodeUtf8(std::string_view s);
// Without leading and trailing spaces, tabs and carriage returns.
std::string_view trimAscii(std::string_view s);

}  // namespace pickle_detail

class PickleParser {
public:
    PickleParser(const std::uint8_t* data, std::size_t size, const PickleLimits& limits)
        : m_data(data), m_size(size), m_limits(limits) {}

    Result<PickleDocument> run();

private:
    // ---- input (PickleParser.cpp) ----
    std::size_t remaining() const { return m_size - m_pos; }
    std::uint8_t readU8(const char* what) { return *take(1, what); }
    const std::uint8_t* take(std::size_t n, const char* what);
    std::uint64_t readLE(std::size_t n, const char* what);
    std::int32_t readI32(const char* what);
    std::string_view readLine(const char* what);
    std::size_t checkLength(std::uint64_t len, const char* what);

    // ---- values (PickleValues.cpp) ----
    PickleValue& val(PickleRef r) { return m_doc.m_values[r]; }
    PickleRef newValue(PickleKind kind);
    PickleRef newInt(std::int64_t v);
    PickleRef newText(PickleKind kind, std::string text);
    PickleRef newString(const std::uint8_t* p, std::size_t n);
    // Python 2 `str` (STRING, BINSTRING): text when it is UTF-8 (torch.load decodes it so), else bytes.
    PickleRef newLegacyString(std::string s);
    PickleRef singleton(PickleRef& slot, PickleKind kind, bool b);
    // Integers beyond int64 stay inert: builtins.int with the raw encoding as its argument.
    PickleRef newBigInt(PickleKind payloadKind, std::string payload);
    PickleRef newObject(std::string module, std::string name, PickleRef args, PickleRef kwargs);
    void raiseHeight(PickleRef container, PickleRef child);
    // Evaluated globals and key comparisons copy or scan data already parsed, so memo
    // references could make the work grow faster than the input; it has its own budget.
    void charge(std::size_t units);
    void checkContainerSize(std::size_t n);
    PickleRef makeSequence(PickleKind kind, std::vector<PickleRef> items);
    PickleRef makeDict(const std::vector<PickleRef>& flat);
    // Python dict semantics for the keys we can compare (str, bytes, numbers, None, bool):
    // setting an existing key replaces its value in place. Other keys (tuples, objects) append.
    struct KeyId {
        char cls = 0;             // 'n' None, 'i' integral number or bool, 'f' other float, 's' str, 'b' bytes
        std::uint64_t bits = 0;   // the number
        const std::string* text = nullptr;
    };
    std::optional<KeyId> keyIdentity(PickleRef key);
    std::uint64_t keyHash(PickleRef dict, const KeyId& id);
    bool sameKey(const KeyId& a, PickleRef other);
    void dictSet(PickleRef dict, PickleRef key, PickleRef value);
    void appendTo(PickleRef target, PickleRef item, bool toSet = false);
    void setItem(PickleRef target, PickleRef key, PickleRef value);

    // ---- stack, marks, memo (PickleParser.cpp) ----
    std::size_t frameBase() const { return m_marks.empty() ? 0 : m_marks.back(); }
    void push(PickleRef r);
    PickleRef pop();
    PickleRef top();
    std::vector<PickleRef> popMark();
    void memoPut(std::uint64_t key);
    void memoGet(std::uint64_t key);
    std::uint64_t parseMemoKey(std::string_view line);

    // ---- numbers (PickleText.cpp) ----
    PickleRef parseTextInt(std::string_view text);
    PickleRef parseLongBytes(const std::uint8_t* p, std::size_t n);

    // ---- text opcodes of protocol 0 (PickleText.cpp) ----
    std::string decodeEscapedString(std::string_view s);
    // Python's raw-unicode-escape: bytes are Latin-1 except \uXXXX and \UXXXXXXXX escapes
    // (an escape only when an odd number of backslashes precedes the u).
    std::string decodeRawUnicodeEscape(std::string_view s);

    // ---- globals and calls (PickleGlobals.cpp) ----
    PickleRef makeGlobal(std::string_view module, std::string_view name);
    // The arguments of a call as a list of refs; `what` names the callee for messages.
    const std::vector<PickleRef>& tupleItems(PickleRef args, const std::string& what);
    PickleRef callGlobal(PickleRef callable, PickleRef args, PickleRef kwargs);
    PickleRef makeDictFromArgs(const std::string& full, const std::vector<PickleRef>& a, bool isDefaultDict);
    // _codecs.encode(text, encoding): a pure data transform (how numpy scalars carry their bytes).
    std::optional<PickleRef> encodeString(PickleRef textRef, PickleRef encodingRef);
    std::int64_t intArg(PickleRef r, const char* what);
    std::vector<std::int64_t> intTuple(PickleRef r, const char* what);
    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    PickleRef makeTensor(const std::vector<PickleRef>& a);
    // ('storage', torch.<T>Storage, key, location, numel), as torch.save writes it.
    PickleRef makeStorage(PickleRef pid);
    void build(PickleRef target, PickleRef state);

    // ---- the opcode loop (PickleParser.cpp) ----
    void parse();
    // Exact check of what the running heights approximate (containers may gain children after
    // being nested): no cycles, and no path from the root longer than maxDepth. Iterative.
    void validateGraph();

    const std::uint8_t* m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
    std::size_t m_opOffset = 0;
    PickleLimits m_limits;
    PickleDocument m_doc;
    std::vector<PickleRef> m_stack;
    std::vector<std::size_t> m_marks;
    std::unordered_map<std::uint64_t, PickleRef> m_memo;
    // hash of (dict, key) -> (dict, position of the key in its entries)
    std::unordered_multimap<std::uint64_t, std::pair<PickleRef, std::uint32_t>> m_dictIndex;
    std::uint64_t m_derived = 0;  // bytes and items produced by copying rather than by reading
    std::set<std::string> m_globals;
    PickleRef m_none = kNoPickleRef;
    PickleRef m_true = kNoPickleRef;
    PickleRef m_false = kNoPickleRef;
};

}  // namespace diffclip
