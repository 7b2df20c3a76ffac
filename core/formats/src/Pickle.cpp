#include "diffclip/formats/Pickle.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <new>
#include <set>
#include <unordered_map>
#include <utility>

namespace diffclip {

namespace {

constexpr std::size_t kMaxRank = 64;
constexpr std::size_t kMaxGlobalName = 512;  // module or qualified name of a GLOBAL

// Thrown inside the parser only; parsePickle turns it into an Error.
struct ParseFailure {
    Error error;
};

[[noreturn]] void fail(ErrorCode code, std::string message) { throw ParseFailure{makeError(code, std::move(message))}; }
[[noreturn]] void failFormat(std::string message) { fail(ErrorCode::Format, std::move(message)); }

std::string hexByte(std::uint8_t b) {
    static const char* digits = "0123456789abcdef";
    std::string s = "0x";
    s += digits[b >> 4];
    s += digits[b & 15];
    return s;
}

struct StorageType {
    const char* name;
    TorchDType dtype;
};

// torch.<name> storage classes; UntypedStorage is what torch >= 2 writes for raw byte storages.
constexpr StorageType kStorageTypes[] = {
    {"FloatStorage", TorchDType::Float32}, {"DoubleStorage", TorchDType::Float64},
    {"HalfStorage", TorchDType::Float16},  {"BFloat16Storage", TorchDType::BFloat16},
    {"LongStorage", TorchDType::Int64},    {"IntStorage", TorchDType::Int32},
    {"ShortStorage", TorchDType::Int16},   {"CharStorage", TorchDType::Int8},
    {"ByteStorage", TorchDType::UInt8},    {"BoolStorage", TorchDType::Bool},
    {"UntypedStorage", TorchDType::UInt8},
};

// Modules (and dotted prefixes) whose globals only a hostile pickle would name.
const std::set<std::string, std::less<>>& dangerousModules() {
    static const std::set<std::string, std::less<>> modules = {
        "os", "posix", "nt", "subprocess", "sys", "shutil", "importlib", "runpy", "socket", "pickle",
        "_pickle", "cPickle", "marshal", "ctypes", "_ctypes", "code", "codeop", "pty", "commands", "popen2",
        "webbrowser", "multiprocessing", "_posixsubprocess", "asyncio", "signal", "threading", "_thread",
        "thread", "io", "_io", "tempfile", "operator", "_operator", "functools", "_functools", "types", "inspect",
        "gc", "pdb", "bdb", "timeit", "trace", "profile", "cProfile", "zipimport", "pkgutil", "site", "urllib",
        "urllib2", "http", "httplib", "ftplib", "smtplib", "telnetlib", "socketserver", "ssl", "select",
        "selectors", "mmap", "fcntl", "resource", "pwd", "grp", "glob", "fileinput", "dill", "cloudpickle",
        "joblib", "requests", "ensurepip", "venv", "distutils", "setuptools", "pip", "torch.hub", "torch.load",
        "torch.serialization.load", "torch.utils.cpp_extension", "numpy.load", "numpy.lib.npyio",
    };
    return modules;
}

// The only builtins a data pickle needs: plain types. Everything else there (eval, exec,
// getattr, __import__, open, compile, ...) is refused.
bool isSafeBuiltin(std::string_view name) {
    static const char* const safe[] = {"set",   "frozenset", "bytearray", "bytes", "complex", "slice",
                                       "range", "object",    "int",       "float", "str",     "list",
                                       "tuple", "dict",      "bool",      "Ellipsis", "NotImplemented"};
    for (const char* s : safe) {
        if (name == s) return true;
    }
    return false;
}

std::vector<std::string_view> splitDots(std::string_view s) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = s.find('.', start);
        parts.push_back(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return parts;
}

bool isRefusedGlobal(std::string_view module, std::string_view name) {
    if (module == "builtins" || module == "__builtin__") return !isSafeBuiltin(name);
    const auto& bad = dangerousModules();
    const std::string full = std::string(module) + "." + std::string(name);
    // Every dotted prefix of module.name: "os", "os.path", "torch.hub", "torch.load", ...
    for (std::size_t dot = full.find('.'); ; dot = full.find('.', dot + 1)) {
        const std::string_view prefix = std::string_view(full).substr(0, dot);
        if (bad.count(prefix) != 0) return true;
        if (dot == std::string::npos) break;
    }
    // A dotted name walks attributes; refuse walks through a dangerous module or a dunder.
    const auto parts = splitDots(name);
    const bool copyregNew = (module == "copyreg" || module == "copy_reg") &&
                            (name == "__newobj__" || name == "__newobj_ex__");
    for (std::string_view part : parts) {
        if (parts.size() > 1 && bad.count(part) != 0) return true;
        if (!copyregNew && part.size() >= 4 && part.substr(0, 2) == "__" && part.substr(part.size() - 2) == "__")
            return true;
    }
    return false;
}

bool isValidGlobalName(std::string_view s) {
    if (s.empty() || s.front() == '.' || s.back() == '.') return false;
    char prev = 0;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '.';
        if (!ok || (c == '.' && prev == '.')) return false;
        prev = c;
    }
    return true;
}

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

std::string_view trimAscii(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

bool isDecimalInteger(std::string_view s) {
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
    if (s.empty()) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string lowerNoDashes(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '-' || c == '_' || c == ' ') continue;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

}  // namespace

const char* torchDTypeName(TorchDType dtype) {
    switch (dtype) {
    case TorchDType::Float32: return "float32";
    case TorchDType::Float64: return "float64";
    case TorchDType::Float16: return "float16";
    case TorchDType::BFloat16: return "bfloat16";
    case TorchDType::Int64: return "int64";
    case TorchDType::Int32: return "int32";
    case TorchDType::Int16: return "int16";
    case TorchDType::Int8: return "int8";
    case TorchDType::UInt8: return "uint8";
    case TorchDType::Bool: return "bool";
    }
    return "unknown";
}

std::size_t torchDTypeSize(TorchDType dtype) {
    switch (dtype) {
    case TorchDType::Float64:
    case TorchDType::Int64: return 8;
    case TorchDType::Float32:
    case TorchDType::Int32: return 4;
    case TorchDType::Float16:
    case TorchDType::BFloat16:
    case TorchDType::Int16: return 2;
    case TorchDType::Int8:
    case TorchDType::UInt8:
    case TorchDType::Bool: return 1;
    }
    return 1;
}

const char* pickleKindName(PickleKind kind) {
    switch (kind) {
    case PickleKind::None: return "none";
    case PickleKind::Bool: return "bool";
    case PickleKind::Int: return "int";
    case PickleKind::Float: return "float";
    case PickleKind::String: return "str";
    case PickleKind::Bytes: return "bytes";
    case PickleKind::Tuple: return "tuple";
    case PickleKind::List: return "list";
    case PickleKind::Dict: return "dict";
    case PickleKind::Set: return "set";
    case PickleKind::Global: return "global";
    case PickleKind::Object: return "object";
    case PickleKind::Storage: return "storage";
    case PickleKind::Tensor: return "tensor";
    }
    return "unknown";
}

std::optional<PickleRef> PickleDocument::dictFind(PickleRef dict, std::string_view key) const {
    if (dict >= m_values.size() || m_values[dict].kind != PickleKind::Dict) return std::nullopt;
    const auto& entries = m_values[dict].entries;
    std::optional<PickleRef> found;
    for (std::size_t i = 0; i + 1 < entries.size(); i += 2) {
        const PickleValue& k = m_values[entries[i]];
        if (k.kind == PickleKind::String && k.text == key) found = entries[i + 1];
    }
    return found;
}

std::string PickleDocument::describe(PickleRef ref) const {
    if (ref >= m_values.size()) return "nothing";
    const PickleValue& v = m_values[ref];
    switch (v.kind) {
    case PickleKind::None: return "None";
    case PickleKind::Bool: return v.boolValue ? "bool True" : "bool False";
    case PickleKind::Int: return "int " + std::to_string(v.intValue);
    case PickleKind::Float: return "float " + std::to_string(v.floatValue);
    case PickleKind::String: {
        std::string shown = v.text.size() > 40 ? v.text.substr(0, 40) + "..." : v.text;
        return "str '" + shown + "'";
    }
    case PickleKind::Bytes: return "bytes of length " + std::to_string(v.text.size());
    case PickleKind::Tuple:
    case PickleKind::List:
    case PickleKind::Set:
        return std::string(pickleKindName(v.kind)) + " of " + std::to_string(v.items.size()) + " items";
    case PickleKind::Dict: return "dict of " + std::to_string(v.entries.size() / 2) + " items";
    case PickleKind::Global: return "global " + v.text + "." + v.name;
    case PickleKind::Object: return "object " + v.text + "." + v.name;
    case PickleKind::Storage: return "storage '" + m_storages[v.index].key + "'";
    case PickleKind::Tensor: return "tensor";
    }
    return "unknown";
}

class PickleParser {
public:
    PickleParser(const std::uint8_t* data, std::size_t size, const PickleLimits& limits)
        : m_data(data), m_size(size), m_limits(limits) {}

    Result<PickleDocument> run() {
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

private:
    // ---- input ----
    std::size_t remaining() const { return m_size - m_pos; }

    const std::uint8_t* take(std::size_t n, const char* what) {
        if (n > remaining()) {
            failFormat("truncated pickle: " + std::string(what) + " at offset " + std::to_string(m_opOffset) +
                       " needs " + std::to_string(n) + " bytes, " + std::to_string(remaining()) + " left");
        }
        const std::uint8_t* p = m_data + m_pos;
        m_pos += n;
        return p;
    }
    std::uint8_t readU8(const char* what) { return *take(1, what); }
    std::uint64_t readLE(std::size_t n, const char* what) {
        const std::uint8_t* p = take(n, what);
        std::uint64_t v = 0;
        for (std::size_t i = n; i-- > 0;) v = (v << 8) | p[i];
        return v;
    }
    std::int32_t readI32(const char* what) {
        const auto u = static_cast<std::uint32_t>(readLE(4, what));
        std::int32_t v = 0;
        std::memcpy(&v, &u, sizeof v);
        return v;
    }
    std::string_view readLine(const char* what) {
        const void* nl = remaining() == 0 ? nullptr : std::memchr(m_data + m_pos, '\n', remaining());
        if (nl == nullptr) failFormat("truncated pickle: " + std::string(what) + " at offset " +
                                      std::to_string(m_opOffset) + " has no end of line");
        const auto* end = static_cast<const std::uint8_t*>(nl);
        const std::size_t len = static_cast<std::size_t>(end - (m_data + m_pos));
        std::string_view line(reinterpret_cast<const char*>(m_data + m_pos), len);
        m_pos += len + 1;
        return line;
    }
    std::size_t checkLength(std::uint64_t len, const char* what) {
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

    // ---- values ----
    PickleValue& val(PickleRef r) { return m_doc.m_values[r]; }

    PickleRef newValue(PickleKind kind) {
        if (m_doc.m_values.size() >= m_limits.maxValues || m_doc.m_values.size() >= kNoPickleRef - 1) {
            failFormat("pickle creates more than " + std::to_string(m_limits.maxValues) + " values (offset " +
                       std::to_string(m_opOffset) + ")");
        }
        m_doc.m_values.emplace_back();
        m_doc.m_values.back().kind = kind;
        return static_cast<PickleRef>(m_doc.m_values.size() - 1);
    }
    PickleRef newInt(std::int64_t v) {
        const PickleRef r = newValue(PickleKind::Int);
        val(r).intValue = v;
        return r;
    }
    PickleRef newText(PickleKind kind, std::string text) {
        const PickleRef r = newValue(kind);
        val(r).text = std::move(text);
        return r;
    }
    PickleRef newString(const std::uint8_t* p, std::size_t n) {
        if (!isValidUtf8(p, n)) failFormat("invalid UTF-8 in string at offset " + std::to_string(m_opOffset));
        return newText(PickleKind::String, std::string(reinterpret_cast<const char*>(p), n));
    }
    // Python 2 `str` (STRING, BINSTRING): text when it is UTF-8 (torch.load decodes it so), else bytes.
    PickleRef newLegacyString(std::string s) {
        const bool utf8 = isValidUtf8(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
        return newText(utf8 ? PickleKind::String : PickleKind::Bytes, std::move(s));
    }
    PickleRef singleton(PickleRef& slot, PickleKind kind, bool b) {
        if (slot == kNoPickleRef) {
            slot = newValue(kind);
            val(slot).boolValue = b;
        }
        return slot;
    }
    // Integers beyond int64 stay inert: builtins.int with the raw encoding as its argument.
    PickleRef newBigInt(PickleKind payloadKind, std::string payload) {
        const PickleRef payloadRef = newText(payloadKind, std::move(payload));
        const PickleRef args = makeSequence(PickleKind::Tuple, {payloadRef});
        return newObject("builtins", "int", args, kNoPickleRef);
    }
    PickleRef newObject(std::string module, std::string name, PickleRef args, PickleRef kwargs) {
        const PickleRef r = newValue(PickleKind::Object);
        val(r).text = std::move(module);
        val(r).name = std::move(name);
        val(r).args = args;
        val(r).kwargs = kwargs;
        if (args != kNoPickleRef) raiseHeight(r, args);
        if (kwargs != kNoPickleRef) raiseHeight(r, kwargs);
        return r;
    }

    void raiseHeight(PickleRef container, PickleRef child) {
        const std::uint32_t h = val(child).height + 1;
        if (h > val(container).height) {
            if (h > m_limits.maxDepth) {
                failFormat("pickle nesting deeper than " + std::to_string(m_limits.maxDepth) + " levels at offset " +
                           std::to_string(m_opOffset));
            }
            val(container).height = h;
        }
    }
    // Evaluated globals and key comparisons copy or scan data already parsed, so memo
    // references could make the work grow faster than the input; it has its own budget.
    void charge(std::size_t units) {
        m_derived += units;
        if (m_derived > m_limits.maxDerivedBytes) {
            failFormat("pickle expands to more than " + std::to_string(m_limits.maxDerivedBytes) +
                       " bytes of copied data (offset " + std::to_string(m_opOffset) + ")");
        }
    }
    void checkContainerSize(std::size_t n) {
        if (n > m_limits.maxContainerItems) {
            failFormat("pickle container of more than " + std::to_string(m_limits.maxContainerItems) +
                       " items at offset " + std::to_string(m_opOffset));
        }
    }
    PickleRef makeSequence(PickleKind kind, std::vector<PickleRef> items) {
        checkContainerSize(items.size());
        const PickleRef r = newValue(kind);
        for (PickleRef item : items) raiseHeight(r, item);
        val(r).items = std::move(items);
        return r;
    }
    PickleRef makeDict(const std::vector<PickleRef>& flat) {
        if (flat.size() % 2 != 0) failFormat("odd number of items for a dict at offset " + std::to_string(m_opOffset));
        const PickleRef r = newValue(PickleKind::Dict);
        for (std::size_t i = 0; i < flat.size(); i += 2) dictSet(r, flat[i], flat[i + 1]);
        return r;
    }

    // Python dict semantics for the keys we can compare (str, bytes, numbers, None, bool):
    // setting an existing key replaces its value in place. Other keys (tuples, objects) append.
    struct KeyId {
        char cls = 0;             // 'n' None, 'i' integral number or bool, 'f' other float, 's' str, 'b' bytes
        std::uint64_t bits = 0;   // the number
        const std::string* text = nullptr;
    };
    std::optional<KeyId> keyIdentity(PickleRef key) {
        const PickleValue& k = val(key);
        KeyId id;
        switch (k.kind) {
        case PickleKind::None: id.cls = 'n'; return id;
        case PickleKind::String:
        case PickleKind::Bytes:
            id.cls = k.kind == PickleKind::String ? 's' : 'b';
            id.text = &k.text;
            return id;
        case PickleKind::Bool:
            id.cls = 'i';
            id.bits = k.boolValue ? 1 : 0;
            return id;
        case PickleKind::Int:
            id.cls = 'i';
            id.bits = static_cast<std::uint64_t>(k.intValue);
            return id;
        case PickleKind::Float: {
            const double d = k.floatValue;
            if (d != d) return std::nullopt;  // NaN keys never compare equal
            if (d >= -9.2e18 && d <= 9.2e18 && d == static_cast<double>(static_cast<std::int64_t>(d))) {
                id.cls = 'i';
                id.bits = static_cast<std::uint64_t>(static_cast<std::int64_t>(d));
            } else {
                id.cls = 'f';
                std::memcpy(&id.bits, &d, sizeof d);
            }
            return id;
        }
        default: return std::nullopt;
        }
    }
    std::uint64_t keyHash(PickleRef dict, const KeyId& id) {
        std::uint64_t h = id.bits;
        if (id.text != nullptr) {
            charge(id.text->size());
            h = std::hash<std::string_view>{}(*id.text);
        }
        h ^= (static_cast<std::uint64_t>(static_cast<unsigned char>(id.cls)) << 56) + 0x9e3779b97f4a7c15ull +
             (static_cast<std::uint64_t>(dict) << 6) + (static_cast<std::uint64_t>(dict) >> 2);
        return h * 0xff51afd7ed558ccdull;
    }
    bool sameKey(const KeyId& a, PickleRef other) {
        const std::optional<KeyId> b = keyIdentity(other);
        if (!b || a.cls != b->cls || a.bits != b->bits) return false;
        if (a.text == nullptr) return true;
        charge(a.text->size());
        return *a.text == *b->text;
    }
    void dictSet(PickleRef dict, PickleRef key, PickleRef value) {
        const std::optional<KeyId> id = keyIdentity(key);
        std::uint64_t hash = 0;
        if (id) {
            hash = keyHash(dict, *id);
            const auto range = m_dictIndex.equal_range(hash);
            for (auto it = range.first; it != range.second; ++it) {
                if (it->second.first != dict) continue;
                const std::uint32_t pos = it->second.second;
                if (sameKey(*id, val(dict).entries[pos])) {
                    val(dict).entries[pos + 1] = value;
                    raiseHeight(dict, value);
                    return;
                }
            }
        }
        checkContainerSize(val(dict).entries.size() / 2 + 1);
        raiseHeight(dict, key);
        raiseHeight(dict, value);
        if (id) m_dictIndex.emplace(hash, std::make_pair(dict, static_cast<std::uint32_t>(val(dict).entries.size())));
        val(dict).entries.push_back(key);
        val(dict).entries.push_back(value);
    }
    void appendTo(PickleRef target, PickleRef item, bool toSet = false) {
        const PickleKind kind = val(target).kind;
        const bool ok = toSet ? kind == PickleKind::Set : (kind == PickleKind::List || kind == PickleKind::Object);
        if (!ok) {
            failFormat(std::string(toSet ? "ADDITEMS on a " : "APPEND to a ") + pickleKindName(kind) + " at offset " +
                       std::to_string(m_opOffset));
        }
        checkContainerSize(val(target).items.size() + 1);
        raiseHeight(target, item);
        val(target).items.push_back(item);
    }
    void setItem(PickleRef target, PickleRef key, PickleRef value) {
        const PickleKind kind = val(target).kind;
        if (kind == PickleKind::Dict) {
            dictSet(target, key, value);
        } else if (kind == PickleKind::Object) {
            checkContainerSize(val(target).entries.size() / 2 + 1);
            raiseHeight(target, key);
            raiseHeight(target, value);
            val(target).entries.push_back(key);
            val(target).entries.push_back(value);
        } else {
            failFormat(std::string("SETITEM on a ") + pickleKindName(kind) + " at offset " +
                       std::to_string(m_opOffset));
        }
    }

    // ---- stack, marks, memo ----
    std::size_t frameBase() const { return m_marks.empty() ? 0 : m_marks.back(); }
    void push(PickleRef r) {
        if (m_stack.size() >= m_limits.maxStack) {
            failFormat("pickle stack deeper than " + std::to_string(m_limits.maxStack) + " values at offset " +
                       std::to_string(m_opOffset));
        }
        m_stack.push_back(r);
    }
    PickleRef pop() {
        if (m_stack.size() <= frameBase()) failFormat("pickle stack underflow at offset " + std::to_string(m_opOffset));
        const PickleRef r = m_stack.back();
        m_stack.pop_back();
        return r;
    }
    PickleRef top() {
        if (m_stack.size() <= frameBase()) failFormat("pickle stack underflow at offset " + std::to_string(m_opOffset));
        return m_stack.back();
    }
    std::vector<PickleRef> popMark() {
        if (m_marks.empty()) failFormat("pickle opcode at offset " + std::to_string(m_opOffset) + " needs a MARK");
        const std::size_t base = m_marks.back();
        m_marks.pop_back();
        std::vector<PickleRef> items(m_stack.begin() + static_cast<std::ptrdiff_t>(base), m_stack.end());
        m_stack.resize(base);
        return items;
    }
    void memoPut(std::uint64_t key) {
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
    void memoGet(std::uint64_t key) {
        auto it = m_memo.find(key);
        if (it == m_memo.end()) {
            failFormat("pickle memo key " + std::to_string(key) + " is missing (GET at offset " +
                       std::to_string(m_opOffset) + ")");
        }
        push(it->second);
    }
    std::uint64_t parseMemoKey(std::string_view line) {
        line = trimAscii(line);
        std::uint64_t key = 0;
        const auto res = std::from_chars(line.data(), line.data() + line.size(), key);
        if (line.empty() || res.ec != std::errc() || res.ptr != line.data() + line.size())
            failFormat("invalid memo key in PUT/GET at offset " + std::to_string(m_opOffset));
        return key;
    }

    // ---- numbers ----
    PickleRef parseTextInt(std::string_view text) {
        text = trimAscii(text);
        if (!isDecimalInteger(text)) failFormat("invalid integer literal at offset " + std::to_string(m_opOffset));
        std::string_view digits = text;
        if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
        std::int64_t v = 0;
        const auto res = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (res.ec == std::errc() && res.ptr == digits.data() + digits.size()) return newInt(v);
        return newBigInt(PickleKind::String, std::string(text));
    }
    PickleRef parseLongBytes(const std::uint8_t* p, std::size_t n) {
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

    // ---- text opcodes of protocol 0 ----
    std::string decodeEscapedString(std::string_view s) {
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
    // Python's raw-unicode-escape: bytes are Latin-1 except \uXXXX and \UXXXXXXXX escapes
    // (an escape only when an odd number of backslashes precedes the u).
    std::string decodeRawUnicodeEscape(std::string_view s) {
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

    // ---- globals and calls ----
    PickleRef makeGlobal(std::string_view module, std::string_view name) {
        if (module.size() > kMaxGlobalName || name.size() > kMaxGlobalName || !isValidGlobalName(module) ||
            !isValidGlobalName(name)) {
            failFormat("invalid pickle global name at offset " + std::to_string(m_opOffset));
        }
        // Owned copies first: the views may point into values that newValue() moves.
        std::string moduleText(module);
        std::string nameText(name);
        if (isRefusedGlobal(moduleText, nameText)) failFormat("refusing pickle global " + moduleText + "." + nameText);
        m_globals.insert(moduleText + "." + nameText);
        const PickleRef r = newValue(PickleKind::Global);
        val(r).text = std::move(moduleText);
        val(r).name = std::move(nameText);
        return r;
    }

    // The arguments of a call as a list of refs; `what` names the callee for messages.
    const std::vector<PickleRef>& tupleItems(PickleRef args, const std::string& what) {
        if (val(args).kind != PickleKind::Tuple) {
            failFormat("arguments of " + what + " at offset " + std::to_string(m_opOffset) + " are a " +
                       pickleKindName(val(args).kind) + ", not a tuple");
        }
        return val(args).items;
    }

    PickleRef callGlobal(PickleRef callable, PickleRef args, PickleRef kwargs) {
        if (val(callable).kind != PickleKind::Global) {
            failFormat(std::string("call of a ") + pickleKindName(val(callable).kind) + ", not a global, at offset " +
                       std::to_string(m_opOffset));
        }
        const std::string module = val(callable).text;
        const std::string name = val(callable).name;
        const std::string full = module + "." + name;
        charge(val(args).items.size());
        const std::vector<PickleRef> a = tupleItems(args, full);
        const bool noKwargs = kwargs == kNoPickleRef ||
                              (val(kwargs).kind == PickleKind::Dict && val(kwargs).entries.empty());
        if (!noKwargs) return newObject(module, name, args, kwargs);

        if (module == "collections" && (name == "OrderedDict" || name == "defaultdict")) {
            return makeDictFromArgs(full, a, name == "defaultdict");
        }
        if ((module == "builtins" || module == "__builtin__") && (name == "set" || name == "frozenset")) {
            if (a.empty()) return makeSequence(PickleKind::Set, {});
            const PickleKind k = val(a[0]).kind;
            if (a.size() == 1 && (k == PickleKind::List || k == PickleKind::Tuple || k == PickleKind::Set)) {
                charge(val(a[0]).items.size());
                return makeSequence(PickleKind::Set, val(a[0]).items);
            }
            return newObject(module, name, args, kwargs);
        }
        if ((module == "builtins" || module == "__builtin__") && name == "bytearray") {
            if (a.empty()) return newText(PickleKind::Bytes, {});
            if (a.size() == 1 && val(a[0]).kind == PickleKind::Bytes) {
                charge(val(a[0]).text.size());
                return newText(PickleKind::Bytes, val(a[0]).text);
            }
            if (a.size() == 2) {
                if (auto r = encodeString(a[0], a[1])) return *r;
            }
            return newObject(module, name, args, kwargs);
        }
        if (module == "_codecs" && name == "encode") {
            const bool strict = a.size() == 2 || (a.size() == 3 && val(a[2]).kind == PickleKind::String &&
                                                  val(a[2]).text == "strict");
            if (strict) {
                if (auto r = encodeString(a[0], a[1])) return *r;
            }
            return newObject(module, name, args, kwargs);
        }
        if (module == "torch._utils" && name == "_rebuild_tensor_v2") return makeTensor(a);
        if (module == "torch._utils" && (name == "_rebuild_parameter" || name == "_rebuild_parameter_with_state")) {
            if (a.size() < 2 || val(a[0]).kind != PickleKind::Tensor) {
                failFormat(full + " at offset " + std::to_string(m_opOffset) + " does not wrap a tensor");
            }
            const PickleValue& grad = val(a[1]);
            m_doc.m_tensors[val(a[0]).index].requiresGrad =
                grad.kind == PickleKind::Bool ? grad.boolValue : (grad.kind == PickleKind::Int && grad.intValue != 0);
            return a[0];
        }
        if ((module == "copyreg" || module == "copy_reg") && name == "_reconstructor" && !a.empty() &&
            val(a[0]).kind == PickleKind::Global) {
            // Protocol 0/1 instances: an inert object of the class named in the first argument.
            return newObject(val(a[0]).text, val(a[0]).name, args, kwargs);
        }
        return newObject(module, name, args, kwargs);
    }

    PickleRef makeDictFromArgs(const std::string& full, const std::vector<PickleRef>& a, bool isDefaultDict) {
        const PickleRef dict = newValue(PickleKind::Dict);
        // defaultdict(factory[, mapping]): the factory is dropped, the mapping copied.
        const std::size_t first = isDefaultDict ? 1 : 0;
        if (a.size() <= first) return dict;
        if (a.size() > first + 1) {
            failFormat("unexpected arguments for " + full + " at offset " + std::to_string(m_opOffset));
        }
        const PickleRef src = a[first];
        const PickleKind k = val(src).kind;
        if (k == PickleKind::Dict) {
            charge(val(src).entries.size());
            const std::vector<PickleRef> entries = val(src).entries;
            for (std::size_t i = 0; i + 1 < entries.size(); i += 2) dictSet(dict, entries[i], entries[i + 1]);
            return dict;
        }
        if (k != PickleKind::List && k != PickleKind::Tuple) {
            failFormat("unexpected arguments for " + full + " at offset " + std::to_string(m_opOffset));
        }
        charge(val(src).items.size());
        const std::vector<PickleRef> pairs = val(src).items;
        for (PickleRef pair : pairs) {
            const PickleValue& p = val(pair);
            if ((p.kind != PickleKind::Tuple && p.kind != PickleKind::List) || p.items.size() != 2) {
                failFormat("unexpected arguments for " + full + " at offset " + std::to_string(m_opOffset));
            }
            const PickleRef key = p.items[0];
            const PickleRef value = p.items[1];
            dictSet(dict, key, value);
        }
        return dict;
    }

    // _codecs.encode(text, encoding): a pure data transform (how numpy scalars carry their bytes).
    std::optional<PickleRef> encodeString(PickleRef textRef, PickleRef encodingRef) {
        if (val(textRef).kind != PickleKind::String || val(encodingRef).kind != PickleKind::String) return std::nullopt;
        if (val(encodingRef).text.size() > 32) return std::nullopt;
        const std::string enc = lowerNoDashes(val(encodingRef).text);
        charge(val(textRef).text.size());
        if (enc == "utf8") return newText(PickleKind::Bytes, val(textRef).text);
        std::uint32_t maxCode = 0;
        if (enc == "latin1" || enc == "iso88591" || enc == "l1" || enc == "iso885911987") {
            maxCode = 0xff;
        } else if (enc == "ascii" || enc == "usascii") {
            maxCode = 0x7f;
        } else {
            return std::nullopt;
        }
        std::string out;
        for (std::uint32_t cp : decodeUtf8(val(textRef).text)) {
            if (cp > maxCode) {
                failFormat("_codecs.encode at offset " + std::to_string(m_opOffset) + ": character " +
                           std::to_string(cp) + " cannot be encoded as " + val(encodingRef).text);
            }
            out += static_cast<char>(cp);
        }
        return newText(PickleKind::Bytes, std::move(out));
    }

    std::int64_t intArg(PickleRef r, const char* what) {
        const PickleValue& v = val(r);
        if (v.kind != PickleKind::Int) {
            failFormat(std::string("tensor ") + what + " at offset " + std::to_string(m_opOffset) + " is a " +
                       pickleKindName(v.kind) + ", not an int");
        }
        if (v.intValue < 0) {
            failFormat(std::string("negative tensor ") + what + " at offset " + std::to_string(m_opOffset));
        }
        return v.intValue;
    }
    std::vector<std::int64_t> intTuple(PickleRef r, const char* what) {
        const PickleValue& v = val(r);
        if (v.kind != PickleKind::Tuple && v.kind != PickleKind::List) {
            failFormat(std::string("tensor ") + what + " at offset " + std::to_string(m_opOffset) + " is a " +
                       pickleKindName(v.kind) + ", not a tuple");
        }
        if (v.items.size() > kMaxRank) {
            failFormat("tensor of rank " + std::to_string(v.items.size()) + " at offset " + std::to_string(m_opOffset) +
                       " exceeds " + std::to_string(kMaxRank));
        }
        std::vector<std::int64_t> out;
        const std::vector<PickleRef> items = v.items;
        for (PickleRef item : items) out.push_back(intArg(item, what));
        return out;
    }

    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    PickleRef makeTensor(const std::vector<PickleRef>& a) {
        if (a.size() < 6 || a.size() > 7) {
            failFormat("torch._utils._rebuild_tensor_v2 at offset " + std::to_string(m_opOffset) + " takes 6 or 7 " +
                       "arguments, got " + std::to_string(a.size()));
        }
        if (val(a[0]).kind != PickleKind::Storage) {
            failFormat("torch._utils._rebuild_tensor_v2 at offset " + std::to_string(m_opOffset) +
                       " is not given a storage but a " + pickleKindName(val(a[0]).kind));
        }
        PickleTensorRef t;
        t.storage = m_doc.m_storages[val(a[0]).index];
        t.offset = intArg(a[1], "storage offset");
        t.sizes = intTuple(a[2], "size");
        t.strides = intTuple(a[3], "stride");
        if (t.sizes.size() != t.strides.size()) {
            failFormat("tensor at offset " + std::to_string(m_opOffset) + " has " + std::to_string(t.sizes.size()) +
                       " sizes but " + std::to_string(t.strides.size()) + " strides");
        }
        const PickleValue& grad = val(a[4]);
        t.requiresGrad = grad.kind == PickleKind::Bool && grad.boolValue;
        m_doc.m_tensors.push_back(std::move(t));
        const PickleRef r = newValue(PickleKind::Tensor);
        val(r).index = static_cast<std::uint32_t>(m_doc.m_tensors.size() - 1);
        return r;
    }

    // ('storage', torch.<T>Storage, key, location, numel), as torch.save writes it.
    PickleRef makeStorage(PickleRef pid) {
        const std::string where = " at offset " + std::to_string(m_opOffset);
        if (val(pid).kind != PickleKind::Tuple) {
            failFormat("persistent id" + where + " is a " + pickleKindName(val(pid).kind) + ", not a storage tuple");
        }
        if (val(pid).items.size() != 5) failFormat("persistent id" + where + " is not a torch storage reference");
        const std::vector<PickleRef> a = val(pid).items;
        const bool tagged = !a.empty() &&
                            (val(a[0]).kind == PickleKind::String || val(a[0]).kind == PickleKind::Bytes) &&
                            val(a[0]).text == "storage";
        if (!tagged || a.size() != 5) failFormat("persistent id" + where + " is not a torch storage reference");
        const PickleValue& type = val(a[1]);
        if (type.kind != PickleKind::Global) failFormat("storage type" + where + " is not a global");
        std::optional<TorchDType> dtype;
        if (type.text == "torch") {
            for (const auto& st : kStorageTypes) {
                if (type.name == st.name) dtype = st.dtype;
            }
        }
        if (!dtype) {
            const std::string full = type.text + "." + type.name;
            const bool looksLikeStorage = type.text == "torch" && type.name.size() > 7 &&
                                          type.name.compare(type.name.size() - 7, 7, "Storage") == 0;
            if (looksLikeStorage) fail(ErrorCode::Unsupported, "unsupported storage type " + full + where);
            failFormat("persistent id" + where + " names " + full + ", which is not a torch storage type");
        }
        if (val(a[2]).kind != PickleKind::String) failFormat("storage key" + where + " is not a string");
        if (val(a[3]).kind != PickleKind::String) failFormat("storage location" + where + " is not a string");
        if (val(a[4]).kind != PickleKind::Int || val(a[4]).intValue < 0) {
            failFormat("storage size" + where + " is not a non-negative int");
        }
        PickleStorageRef s;
        s.key = val(a[2]).text;
        s.location = val(a[3]).text;
        s.dtype = *dtype;
        s.numel = val(a[4]).intValue;
        m_doc.m_storages.push_back(std::move(s));
        const PickleRef r = newValue(PickleKind::Storage);
        val(r).index = static_cast<std::uint32_t>(m_doc.m_storages.size() - 1);
        return r;
    }

    void build(PickleRef target, PickleRef state) {
        PickleValue& t = val(target);
        switch (t.kind) {
        case PickleKind::Object:
        case PickleKind::Dict:  // OrderedDict attributes such as `_metadata`: the dict stays a dict
            t.state = state;
            raiseHeight(target, state);
            return;
        case PickleKind::Tensor:  // tensor attributes (__setstate__ of subclasses): not needed
            return;
        default:
            failFormat(std::string("BUILD on a ") + pickleKindName(t.kind) + " at offset " +
                       std::to_string(m_opOffset));
        }
    }

    // ---- the opcode loop ----
    void parse() {
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

    // Exact check of what the running heights approximate (containers may gain children after
    // being nested): no cycles, and no path from the root longer than maxDepth. Iterative.
    void validateGraph() {
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

Result<PickleDocument> parsePickle(const std::uint8_t* data, std::size_t size, const PickleLimits& limits) {
    if (data == nullptr && size != 0) return makeError(ErrorCode::InvalidArgument, "pickle: null data");
    static const std::uint8_t empty = 0;
    PickleParser parser(data != nullptr ? data : &empty, size, limits);
    return parser.run();
}

Result<PickleDocument> parsePickle(std::string_view bytes, const PickleLimits& limits) {
    return parsePickle(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), limits);
}

}  // namespace diffclip
