#include "diffclip/formats/SafetensorsHeader.h"

#include <algorithm>
#include <limits>
#include <set>

#include "diffclip/formats/Json.h"

namespace diffclip {

namespace {

struct DtypeInfo {
    SafetensorsDtype dtype;
    const char* name;
    size_t size;
};

constexpr DtypeInfo kDtypes[] = {
    {SafetensorsDtype::F64, "F64", 8},  {SafetensorsDtype::F32, "F32", 4}, {SafetensorsDtype::F16, "F16", 2},
    {SafetensorsDtype::BF16, "BF16", 2}, {SafetensorsDtype::I64, "I64", 8}, {SafetensorsDtype::I32, "I32", 4},
    {SafetensorsDtype::I16, "I16", 2},  {SafetensorsDtype::I8, "I8", 1},   {SafetensorsDtype::U8, "U8", 1},
    {SafetensorsDtype::Bool, "BOOL", 1},
};

// Types the safetensors format defines that we do not handle: Unsupported, not Format.
constexpr const char* kKnownUnsupported[] = {"U16", "U32", "U64", "C64", "F8_E4M3", "F8_E5M2", "F8_E8M0",
                                             "F6_E2M3", "F6_E3M2", "F4", "I4", "U4"};

// Names from a hostile file end up in messages: clip them and hide control bytes.
// (Not named quoted: std::quoted, found by argument-dependent lookup, would win for std::string.)
std::string quotedText(std::string_view s)
{
    std::string out = "\"";
    for (char c : s.substr(0, 80))
        out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
    if (s.size() > 80)
        out += "...";
    return out + "\"";
}

Error formatError(const std::string& what) { return makeError(ErrorCode::Format, "safetensors: " + what); }
Error tensorError(std::string_view name, const std::string& what)
{
    return formatError("tensor " + quotedText(name) + ": " + what);
}

// a * b, or nullopt on uint64 overflow.
std::optional<uint64_t> mulChecked(uint64_t a, uint64_t b)
{
    if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a)
        return std::nullopt;
    return a * b;
}

Result<SafetensorsEntry> parseEntry(const std::string& name, const Json& value)
{
    if (!value.is_object())
        return tensorError(name, "entry is not an object");
    for (const auto& [key, member] : value.items()) {
        if (key != "dtype" && key != "shape" && key != "data_offsets")
            return tensorError(name, "unexpected member " + quotedText(key));
    }
    const Json* dtype = jsonFind(value, "dtype");
    const Json* shape = jsonFind(value, "shape");
    const Json* offsets = jsonFind(value, "data_offsets");
    if (!dtype || !shape || !offsets)
        return tensorError(name, std::string("missing ") + (!dtype ? "dtype" : !shape ? "shape" : "data_offsets"));

    SafetensorsEntry entry;
    entry.name = name;
    if (!dtype->is_string())
        return tensorError(name, "dtype is not a string");
    const std::string& dtypeName = dtype->get_ref<const std::string&>();
    const auto parsed = safetensorsDtypeFromName(dtypeName);
    if (!parsed) {
        const bool known = std::any_of(std::begin(kKnownUnsupported), std::end(kKnownUnsupported),
                                       [&](const char* n) { return dtypeName == n; });
        if (known)
            return makeError(ErrorCode::Unsupported, "safetensors: tensor " + quotedText(name) + ": dtype "
                                                         + quotedText(dtypeName) + " is not supported");
        return tensorError(name, "unknown dtype " + quotedText(dtypeName));
    }
    entry.dtype = *parsed;

    if (!shape->is_array())
        return tensorError(name, "shape is not an array");
    if (shape->size() > kSafetensorsMaxDims)
        return tensorError(name, "shape has " + std::to_string(shape->size()) + " dimensions, more than "
                                     + std::to_string(kSafetensorsMaxDims));
    uint64_t numel = 1;
    for (const Json& dim : *shape) {
        if (!dim.is_number_integer())
            return tensorError(name, "shape holds a value that is not an integer");
        if (!dim.is_number_unsigned())  // the parser reads only negative integers as signed
            return tensorError(name, "shape has a negative dimension (" + std::to_string(dim.get<int64_t>()) + ")");
        const auto d = dim.get<uint64_t>();
        if (d > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            return tensorError(name, "shape has a dimension too large (" + std::to_string(d) + ")");
        entry.shape.push_back(static_cast<int64_t>(d));
        const auto next = mulChecked(numel, d);
        if (!next)
            return tensorError(name, "element count overflows");
        numel = *next;
    }
    entry.numel = numel;
    const auto bytes = mulChecked(numel, safetensorsDtypeSize(entry.dtype));
    if (!bytes)
        return tensorError(name, "byte size overflows");

    if (!offsets->is_array() || offsets->size() != 2)
        return tensorError(name, "data_offsets is not an array of two integers");
    const Json& b = (*offsets)[0];
    const Json& e = (*offsets)[1];
    if (!b.is_number_unsigned() || !e.is_number_unsigned())
        return tensorError(name, "data_offsets must be two non-negative integers");
    entry.begin = b.get<uint64_t>();
    entry.end = e.get<uint64_t>();
    if (entry.end < entry.begin)
        return tensorError(name, "data_offsets end " + std::to_string(entry.end) + " is before begin "
                                     + std::to_string(entry.begin));
    if (entry.end - entry.begin != *bytes)
        return tensorError(name, "data_offsets span " + std::to_string(entry.end - entry.begin)
                                     + " bytes but dtype and shape need " + std::to_string(*bytes));
    return entry;
}

}  // namespace

size_t safetensorsDtypeSize(SafetensorsDtype dtype)
{
    for (const auto& info : kDtypes) {
        if (info.dtype == dtype)
            return info.size;
    }
    return 1;
}

const char* safetensorsDtypeName(SafetensorsDtype dtype)
{
    for (const auto& info : kDtypes) {
        if (info.dtype == dtype)
            return info.name;
    }
    return "?";
}

std::optional<SafetensorsDtype> safetensorsDtypeFromName(std::string_view name)
{
    for (const auto& info : kDtypes) {
        if (name == info.name)
            return info.dtype;
    }
    return std::nullopt;
}

Result<uint64_t> readSafetensorsHeaderLength(std::string_view prefix, uint64_t fileSize)
{
    if (fileSize < 8 || prefix.size() < 8)
        return formatError("file is " + std::to_string(fileSize) + " bytes, too short for a header");
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | static_cast<unsigned char>(prefix[static_cast<size_t>(i)]);
    if (n < 2)
        return formatError("header length " + std::to_string(n) + " is too small");
    if (n > kSafetensorsMaxHeaderBytes)
        return formatError("header length " + std::to_string(n) + " exceeds the limit of "
                           + std::to_string(kSafetensorsMaxHeaderBytes) + " bytes");
    if (n > fileSize - 8)
        return formatError("header length " + std::to_string(n) + " runs past the end of the file ("
                           + std::to_string(fileSize) + " bytes; truncated?)");
    return n;
}

Result<SafetensorsHeader> parseSafetensorsHeader(std::string_view prefix, uint64_t fileSize)
{
    try {
        auto length = readSafetensorsHeaderLength(prefix, fileSize);
        if (!length)
            return length.error();
        SafetensorsHeader header;
        header.headerSize = *length;
        header.dataOffset = 8 + header.headerSize;
        header.dataSize = fileSize - header.dataOffset;
        if (prefix.size() < header.dataOffset)
            return formatError("header is truncated (" + std::to_string(prefix.size()) + " of "
                               + std::to_string(header.dataOffset) + " bytes available)");

        // A valid header nests three levels (object, entry, shape): anything deeper is hostile.
        JsonLimits limits;
        limits.maxDepth = 4;
        limits.maxBytes = static_cast<size_t>(kSafetensorsMaxHeaderBytes);
        const std::string_view text = prefix.substr(8, static_cast<size_t>(header.headerSize));
        auto json = parseJson(text, limits);
        if (!json)
            return formatError("header at file byte 8: " + json.error().message);
        if (!json->is_object())
            return formatError("header JSON is not an object");
        if (json->size() > kSafetensorsMaxEntries + 1)
            return formatError("header has " + std::to_string(json->size()) + " entries, more than "
                               + std::to_string(kSafetensorsMaxEntries));

        header.entries.reserve(json->size());
        for (const auto& [name, value] : json->items()) {
            if (name == "__metadata__") {
                if (!value.is_object())
                    return formatError("__metadata__ is not an object");
                for (const auto& [key, item] : value.items()) {
                    if (!item.is_string())
                        return formatError("__metadata__ value " + quotedText(key) + " is not a string");
                    header.metadata.emplace(key, item.get<std::string>());
                }
                continue;
            }
            auto entry = parseEntry(name, value);
            if (!entry)
                return entry.error();
            header.entries.push_back(std::move(entry.value()));
        }
        if (header.entries.size() > kSafetensorsMaxEntries)
            return formatError("header has " + std::to_string(header.entries.size()) + " tensors, more than "
                               + std::to_string(kSafetensorsMaxEntries));

        // Taken in order of begin, the ranges must tile [0, dataSize) exactly.
        std::stable_sort(header.entries.begin(), header.entries.end(),
                         [](const SafetensorsEntry& a, const SafetensorsEntry& b) {
                             return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
                         });
        uint64_t cursor = 0;
        const SafetensorsEntry* previous = nullptr;
        for (const auto& entry : header.entries) {
            if (entry.end > header.dataSize)
                return tensorError(entry.name, "data_offsets end " + std::to_string(entry.end)
                                                   + " is past the end of the data section ("
                                                   + std::to_string(header.dataSize) + " bytes)");
            if (entry.begin < cursor)
                return tensorError(entry.name, "data_offsets [" + std::to_string(entry.begin) + ", "
                                                   + std::to_string(entry.end) + ") overlap tensor "
                                                   + quotedText(previous ? previous->name : "") + " (ends at "
                                                   + std::to_string(cursor) + ")");
            if (entry.begin > cursor)
                return tensorError(entry.name, "gap of " + std::to_string(entry.begin - cursor)
                                                   + " bytes before data_offsets begin " + std::to_string(entry.begin));
            cursor = entry.end;
            previous = &entry;
        }
        if (cursor != header.dataSize)
            return formatError("data section is " + std::to_string(header.dataSize) + " bytes but the tensors cover "
                               + std::to_string(cursor) + " (truncated or trailing data)");
        return header;
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "safetensors: out of memory while reading the header");
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("safetensors: header parse failed: ") + e.what());
    }
}

Result<std::string> encodeSafetensorsHeader(const std::vector<SafetensorsTensorInfo>& tensors,
                                            const std::map<std::string, std::string>& metadata,
                                            uint64_t* dataSize)
{
    try {
        if (tensors.size() > kSafetensorsMaxEntries)
            return makeError(ErrorCode::InvalidArgument, "safetensors: more than " + std::to_string(kSafetensorsMaxEntries)
                                                             + " tensors");
        Json root = Json::object();
        // Appended to ordered_map's underlying vector: names are checked for duplicates here, and
        // ordered_map's own insertion searches linearly (quadratic for many tensors).
        auto& members = root.get_ref<Json::object_t&>();
        members.reserve(tensors.size() + 1);
        std::set<std::string_view> names;
        uint64_t offset = 0;
        for (const auto& t : tensors) {
            if (t.name == "__metadata__")
                return makeError(ErrorCode::InvalidArgument, "safetensors: \"__metadata__\" is reserved");
            if (!names.insert(t.name).second)
                return makeError(ErrorCode::InvalidArgument, "safetensors: duplicate tensor name " + quotedText(t.name));
            if (t.shape.size() > kSafetensorsMaxDims)
                return makeError(ErrorCode::InvalidArgument, "safetensors: tensor " + quotedText(t.name) + " has more than "
                                                                 + std::to_string(kSafetensorsMaxDims) + " dimensions");
            uint64_t bytes = safetensorsDtypeSize(t.dtype);
            Json shape = Json::array();
            for (int64_t d : t.shape) {
                const auto next = d < 0 ? std::nullopt : mulChecked(bytes, static_cast<uint64_t>(d));
                if (!next)
                    return makeError(ErrorCode::InvalidArgument,
                                     "safetensors: tensor " + quotedText(t.name) + " has a bad shape");
                bytes = *next;
                shape.push_back(d);
            }
            if (bytes > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) - offset)
                return makeError(ErrorCode::InvalidArgument, "safetensors: total size overflows");
            Json entry = Json::object();
            entry["dtype"] = safetensorsDtypeName(t.dtype);
            entry["shape"] = std::move(shape);
            entry["data_offsets"] = Json::array({offset, offset + bytes});
            members.emplace_back(t.name, std::move(entry));
            offset += bytes;
        }
        if (!metadata.empty()) {
            Json meta = Json::object();
            for (const auto& [key, value] : metadata)
                meta[key] = value;
            members.emplace_back("__metadata__", std::move(meta));
        }
        std::string text = dumpJson(root);
        text.append((8 - text.size() % 8) % 8, ' ');
        if (text.size() > kSafetensorsMaxHeaderBytes)
            return makeError(ErrorCode::InvalidArgument, "safetensors: header would exceed "
                                                             + std::to_string(kSafetensorsMaxHeaderBytes) + " bytes");
        std::string out(8, '\0');
        uint64_t n = text.size();
        for (size_t i = 0; i < 8; ++i, n >>= 8)
            out[i] = static_cast<char>(n & 0xFF);
        out += text;
        if (dataSize)
            *dataSize = offset;
        return out;
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "safetensors: out of memory while building the header");
    }
}

}  // namespace diffclip
