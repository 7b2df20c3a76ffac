// Globals in pickles: the refusal policy (Pickle.h), calls of globals rebuilt as data or kept as inert
// placeholders, and torch's tensor and storage rebuilding.

#include "PickleParser.h"

#include <functional>

namespace diffclip {

using namespace pickle_detail;

namespace {

constexpr std::size_t kMaxRank = 64;
constexpr std::size_t kMaxGlobalName = 512;  // module or qualified name of a GLOBAL

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

std::string lowerNoDashes(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '-' || c == '_' || c == ' ') continue;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

}  // namespace

PickleRef PickleParser::makeGlobal(std::string_view module, std::string_view name) {
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

const std::vector<PickleRef>& PickleParser::tupleItems(PickleRef args, const std::string& what) {
    if (val(args).kind != PickleKind::Tuple) {
        failFormat("arguments of " + what + " at offset " + std::to_string(m_opOffset) + " are a " +
                   pickleKindName(val(args).kind) + ", not a tuple");
    }
    return val(args).items;
}

PickleRef PickleParser::callGlobal(PickleRef callable, PickleRef args, PickleRef kwargs) {
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

PickleRef PickleParser::makeDictFromArgs(const std::string& full, const std::vector<PickleRef>& a, bool isDefaultDict) {
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

std::optional<PickleRef> PickleParser::encodeString(PickleRef textRef, PickleRef encodingRef) {
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

std::int64_t PickleParser::intArg(PickleRef r, const char* what) {
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

std::vector<std::int64_t> PickleParser::intTuple(PickleRef r, const char* what) {
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

PickleRef PickleParser::makeTensor(const std::vector<PickleRef>& a) {
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

PickleRef PickleParser::makeStorage(PickleRef pid) {
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

void PickleParser::build(PickleRef target, PickleRef state) {
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

}  // namespace diffclip
