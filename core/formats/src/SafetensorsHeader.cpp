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
std::string quoted(std::string_view s)
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
    return formatError("tensor " + quoted(name) + ": " + what);
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
    if (!value.isObject())
        return tensorError(name, "entry is not an object");
    for (const auto& member : value.asObject()) {
        if (member.first != "dtype" && member.first != "shape" && member.first != "data_offsets")
            return tensorError(name, "unexpected member " + quoted(member.first));
    }
    const Json* dtype = value.find("dtype");
    const Json* shape = value.find("shape");
    const Json* offsets = value.find("data_offsets");
    if (!dtype || !shape || !offsets)
        return tensorError(name, std::string("missing ") + (!dtype ? "dtype" : !shape ? "shape" : "data_offsets"));

    SafetensorsEntry entry;
    entry.name = name;
    if (!dtype->isString())
        return tensorError(name, "dtype is not a string");
    const auto parsed = safetensorsDtypeFromName(dtype->asString());
    if (!parsed) {
        const bool known = std::any_of(std::begin(kKnownUnsupported), std::end(kKnownUnsupported),
                                       [&](const char* n) { return dtype->asString() == n; });
        if (known)
            return makeError(ErrorCode::Unsupported, "safetensors: tensor " + quoted(name) + ": dtype "
                                                         + quoted(dtype->asString()) + " is not supported");
        return tensorError(name, "unknown dtype " + quoted(dtype->asString()));
    }
    entry.dtype = *parsed;

    if (!shape->isArray())
        return tensorError(name, "shape is not an array");
    if (shape->size() > kSafetensorsMaxDims)
        return tensorError(name, "shape has " + std::to_string(shape->size()) + " dimensions, more than "
                                     + std::to_string(kSafetensorsMaxDims));
    uint64_t numel = 1;
    for (const Json& dim : shape->asArray()) {
        if (!dim.isInteger())
            return tensorError(name, "shape holds a value that is not an integer");
        if (dim.asInt() < 0)
            return tensorError(name, "shape has a negative dimension (" + std::to_string(dim.asInt()) + ")");
        entry.shape.push_back(dim.asInt());
        const auto next = mulChecked(numel, static_cast<uint64_t>(dim.asInt()));
        if (!next)
            return tensorError(name, "element count overflows");
        numel = *next;
    }
    entry.numel = numel;
    const auto bytes = mulChecked(numel, safetensorsDtypeSize(entry.dtype));
    if (!bytes)
        return tensorError(name, "byte size overflows");

    if (!offsets->isArray() || offsets->size() != 2)
        return tensorError(name, "data_offsets is not an array of two integers");
    const Json& b = offsets->asArray()[0];
    const Json& e = offsets->asArray()[1];
    if (!b.isInteger() || !e.isInteger() || b.asInt() < 0 || e.asInt() < 0)
        return tensorError(name, "data_offsets must be two non-negative integers");
    entry.begin = static_cast<uint64_t>(b.asInt());
    entry.end = static_cast<uint64_t>(e.asInt());
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
        Json::ParseLimits limits;
        limits.maxDepth = 4;
        limits.maxBytes = static_cast<size_t>(kSafetensorsMaxHeaderBytes);
        const std::string_view text = prefix.substr(8, static_cast<size_t>(header.headerSize));
        auto json = Json::parse(text, limits);
        if (!json)
            return formatError("header at file byte 8: " + json.error().message);
        if (!json->isObject())
            return formatError("header JSON is not an object");
        const auto& members = json->asObject();
        if (members.size() > kSafetensorsMaxEntries + 1)
            return formatError("header has " + std::to_string(members.size()) + " entries, more than "
                               + std::to_string(kSafetensorsMaxEntries));

        header.entries.reserve(members.size());
        for (const auto& member : members) {
            if (member.first == "__metadata__") {
                if (!member.second.isObject())
                    return formatError("__metadata__ is not an object");
                for (const auto& kv : member.second.asObject()) {
                    if (!kv.second.isString())
                        return formatError("__metadata__ value " + quoted(kv.first) + " is not a string");
                    header.metadata.emplace(kv.first, kv.second.asString());
                }
                continue;
            }
            auto entry = parseEntry(member.first, member.second);
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
                                                   + quoted(previous ? previous->name : "") + " (ends at "
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
        Json::Object& members = root.mutableObject();
        members.reserve(tensors.size() + 1);
        std::set<std::string_view> names;
        uint64_t offset = 0;
        for (const auto& t : tensors) {
            if (t.name == "__metadata__")
                return makeError(ErrorCode::InvalidArgument, "safetensors: \"__metadata__\" is reserved");
            if (!names.insert(t.name).second)
                return makeError(ErrorCode::InvalidArgument, "safetensors: duplicate tensor name " + quoted(t.name));
            if (t.shape.size() > kSafetensorsMaxDims)
                return makeError(ErrorCode::InvalidArgument, "safetensors: tensor " + quoted(t.name) + " has more than "
                                                                 + std::to_string(kSafetensorsMaxDims) + " dimensions");
            uint64_t bytes = safetensorsDtypeSize(t.dtype);
            Json shape = Json::array();
            for (int64_t d : t.shape) {
                const auto next = d < 0 ? std::nullopt : mulChecked(bytes, static_cast<uint64_t>(d));
                if (!next)
                    return makeError(ErrorCode::InvalidArgument,
                                     "safetensors: tensor " + quoted(t.name) + " has a bad shape");
                bytes = *next;
                shape.push(d);
            }
            if (bytes > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) - offset)
                return makeError(ErrorCode::InvalidArgument, "safetensors: total size overflows");
            Json entry = Json::object();
            entry.set("dtype", safetensorsDtypeName(t.dtype));
            entry.set("shape", std::move(shape));
            entry.set("data_offsets", Json(Json::Array{Json(offset), Json(offset + bytes)}));
            members.emplace_back(t.name, std::move(entry));
            offset += bytes;
        }
        if (!metadata.empty()) {
            Json meta = Json::object();
            for (const auto& kv : metadata)
                meta.mutableObject().emplace_back(kv.first, Json(kv.second));
            members.emplace_back("__metadata__", std::move(meta));
        }
        std::string text = root.dump();
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
