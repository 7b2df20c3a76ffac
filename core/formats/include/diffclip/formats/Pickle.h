#pragma once
// A restricted unpickler: turns Python pickle bytes (protocols 0-5) into an inert value tree.
// Nothing in the pickle is ever executed or imported. Plain C++17, no LibTorch, so it can be
// fuzzed on its own (core/model/fuzz/fuzz_pickle.cpp).
//
// Policy for globals (GLOBAL, STACK_GLOBAL, INST, OBJ):
//  - Refused, failing the whole parse with "refusing pickle global MODULE.NAME": any global of a
//    module that can run code or touch the system (os, posix, nt, subprocess, sys, shutil,
//    importlib, runpy, socket, pickle, marshal, ctypes, code, operator, functools, io, ... and
//    their submodules), every `builtins`/`__builtin__` name except plain data types (set,
//    frozenset, bytearray, int, float, ...), names with a dunder component (`__import__`), and
//    dotted names that pass through such a module (`pathlib` + `os.system`). This list is a
//    diagnosis of hostile files; safety itself comes from never calling anything.
//  - Rebuilt as data: collections.OrderedDict / defaultdict (-> Dict), builtins set/frozenset
//    (-> Set), _codecs.encode(str, 'latin1'|'utf-8') (-> Bytes, the pure transform numpy scalars
//    use), torch._utils._rebuild_tensor_v2 with a ('storage', torch.<T>Storage, key, location,
//    numel) persistent id (-> Tensor reference), torch._utils._rebuild_parameter(_with_state)
//    (-> the wrapped Tensor reference).
//  - Everything else becomes an Object placeholder remembering module, name, args and the
//    state a BUILD gives it. BUILD on a Dict (an OrderedDict's `_metadata`) keeps the dict.
//
// Limits (PickleLimits) end the parse with a Format error naming the limit: nesting depth,
// stack size, memo size, items per container, total values, string length, and data copied
// from memoised values (so a small pickle cannot make the parser copy gigabytes). Lengths are always
// checked against the remaining input first and all integer arithmetic is overflow-checked.
// Values shared through the memo stay shared (the result is a DAG); a pickle whose values form a
// cycle is refused, so every consumer may walk the tree without cycle checks.
//
// Threading: parsePickle is reentrant; a PickleDocument is an immutable value once returned and
// may be read from several threads.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diffclip/base/Result.h"

namespace diffclip {

/// Element types of the torch storage classes we accept (torch.FloatStorage -> Float32, ...).
enum class TorchDType : std::uint8_t { Float32, Float64, Float16, BFloat16, Int64, Int32, Int16, Int8, UInt8, Bool };

/// "float32", "int64", ...
const char* torchDTypeName(TorchDType dtype);
/// Bytes per element (1, 2, 4 or 8).
std::size_t torchDTypeSize(TorchDType dtype);

/// One storage named by a persistent id ('storage', torch.<T>Storage, key, location, numel).
struct PickleStorageRef {
    std::string key;          // record name below data/ in the archive (as written, unchecked)
    std::string location;     // "cpu", "cuda:0", ...
    TorchDType dtype = TorchDType::Float32;
    std::int64_t numel = 0;   // declared elements, >= 0 (not yet compared with any record)
};

/// A tensor from torch._utils._rebuild_tensor_v2: a strided view into a storage. Offset, sizes
/// and strides are in elements; the parser checks only types, signs and rank, the checkpoint
/// reader checks that the view lies inside the storage.
struct PickleTensorRef {
    PickleStorageRef storage;
    std::int64_t offset = 0;             // >= 0
    std::vector<std::int64_t> sizes;     // each >= 0, rank <= 64
    std::vector<std::int64_t> strides;   // same rank, each >= 0
    bool requiresGrad = false;
};

enum class PickleKind : std::uint8_t {
    None,
    Bool,
    Int,      // fits in int64; larger integers become Object placeholders "builtins.int"
    Float,
    String,   // UTF-8 text (validated)
    Bytes,
    Tuple,
    List,
    Dict,     // also OrderedDict / defaultdict
    Set,      // also frozenset; items kept as pickled (no deduplication)
    Global,   // a reference to a global that was not called (module, name)
    Object,   // placeholder for any other global's instance (module, name, args, state)
    Storage,  // result of a storage persistent id (index into storages())
    Tensor,   // result of _rebuild_tensor_v2 (index into tensors())
};

/// "none", "int", "dict", ...
const char* pickleKindName(PickleKind kind);

/// Index of a value inside its PickleDocument.
using PickleRef = std::uint32_t;
inline constexpr PickleRef kNoPickleRef = 0xffffffffu;

struct PickleValue {
    PickleKind kind = PickleKind::None;
    bool boolValue = false;
    std::int64_t intValue = 0;
    double floatValue = 0.0;
    std::string text;                 // String/Bytes: payload; Global/Object: module
    std::string name;                 // Global/Object: the global's (possibly dotted) name
    std::vector<PickleRef> items;     // Tuple/List/Set: elements; Object: items APPENDed to it
    std::vector<PickleRef> entries;   // Dict and Object (SETITEMs): key0, value0, key1, value1, ...
    PickleRef args = kNoPickleRef;    // Object: the argument tuple it was built from
    PickleRef kwargs = kNoPickleRef;  // Object: keyword arguments (NEWOBJ_EX)
    PickleRef state = kNoPickleRef;   // Object/Dict: what BUILD gave it
    std::uint32_t index = 0;          // Storage/Tensor: index into storages()/tensors()
    std::uint32_t height = 1;         // internal: nesting height while parsing
};

/// The parsed pickle: an arena of values addressed by PickleRef. Immutable once returned.
class PickleDocument {
public:
    PickleRef root() const { return m_root; }
    /// The value behind a ref taken from this document (refs are always valid here).
    const PickleValue& value(PickleRef ref) const { return m_values[ref]; }
    std::size_t valueCount() const { return m_values.size(); }
    const std::vector<PickleStorageRef>& storages() const { return m_storages; }
    const std::vector<PickleTensorRef>& tensors() const { return m_tensors; }
    /// Every global the pickle names, as "module.name", sorted, without duplicates.
    const std::vector<std::string>& globals() const { return m_globals; }
    /// The protocol from the PROTO opcode (0 when there is none).
    int protocol() const { return m_protocol; }

    /// The value stored under the string key `key` of a Dict, if any (last one wins).
    std::optional<PickleRef> dictFind(PickleRef dict, std::string_view key) const;
    /// Short one-line description for messages: `int 7`, `str 'abc'`, `object argparse.Namespace`.
    std::string describe(PickleRef ref) const;

private:
    friend class PickleParser;
    std::vector<PickleValue> m_values;
    std::vector<PickleStorageRef> m_storages;
    std::vector<PickleTensorRef> m_tensors;
    std::vector<std::string> m_globals;
    PickleRef m_root = kNoPickleRef;
    int m_protocol = 0;
};

struct PickleLimits {
    std::size_t maxDepth = 1000;               // nesting of containers/objects, and open MARKs
    std::size_t maxStack = std::size_t(1) << 20;   // values on the stack at once
    std::size_t maxMemo = std::size_t(1) << 22;    // memo entries
    std::size_t maxContainerItems = std::size_t(1) << 24;  // elements of one list/dict/tuple/set
    std::size_t maxValues = std::size_t(1) << 21;  // values created in total (~170 bytes each)
    std::size_t maxStringBytes = std::size_t(1) << 30;  // one str/bytes value
    // Work not paid for by input bytes: data copied by evaluated globals (set(list),
    // bytearray(bytes), _codecs.encode) and dict keys hashed or compared, through the memo.
    std::size_t maxDerivedBytes = std::size_t(1) << 28;
};

/// Parses pickle bytes. Errors: Format for malformed, truncated or hostile input (unknown
/// opcode with its byte and offset, refused global, limit exceeded, memo misuse, cycle);
/// Unsupported for a well-formed storage of a dtype we do not handle. Never throws.
Result<PickleDocument> parsePickle(const std::uint8_t* data, std::size_t size, const PickleLimits& limits = {});
Result<PickleDocument> parsePickle(std::string_view bytes, const PickleLimits& limits = {});

}  // namespace diffclip
