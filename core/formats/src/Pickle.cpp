#include "PickleParser.h"

namespace diffclip {

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
