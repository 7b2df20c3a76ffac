#pragma once
// The header of a safetensors file, parsed and validated without LibTorch (so it can be fuzzed).
//
// File layout: 8-byte little-endian header length N, then N bytes of UTF-8 JSON (padded with
// spaces), then the data section. The JSON maps tensor names to {dtype, shape, data_offsets},
// where data_offsets = [begin, end) are byte offsets relative to the start of the data section,
// plus an optional "__metadata__" object of string values.
//
// Validation is strict, since files come from the internet: exact member sets, known dtypes,
// shapes whose byte size matches the offsets (with overflow checks), and ranges that tile the
// data section exactly (start at 0, no gaps, no overlaps, end at the data size).
// Thread safety: free functions on caller-owned data; safe to call concurrently.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diffclip/base/Result.h"

namespace diffclip {

/// Element types we read and write. Other safetensors types (U16, F8_E4M3, ...) are refused
/// as ErrorCode::Unsupported.
enum class SafetensorsDtype { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool };

/// Bytes per element (1, 2, 4 or 8).
size_t safetensorsDtypeSize(SafetensorsDtype dtype);
/// The name used in the header ("F32", "BOOL", ...).
const char* safetensorsDtypeName(SafetensorsDtype dtype);
/// The dtype for a header name (case-sensitive), or nullopt when it is not one we handle.
std::optional<SafetensorsDtype> safetensorsDtypeFromName(std::string_view name);

inline constexpr uint64_t kSafetensorsMaxHeaderBytes = 100ull << 20;  // N above this is refused
inline constexpr size_t kSafetensorsMaxEntries = 1000000;            // tensors per file
inline constexpr size_t kSafetensorsMaxDims = 8;

struct SafetensorsEntry {
    std::string name;
    SafetensorsDtype dtype = SafetensorsDtype::F32;
    std::vector<int64_t> shape;  // empty for a scalar; every dimension >= 0
    uint64_t numel = 0;          // product of shape (1 for a scalar)
    uint64_t begin = 0;          // byte range [begin, end) relative to the data section
    uint64_t end = 0;

    uint64_t byteSize() const { return end - begin; }
};

struct SafetensorsHeader {
    uint64_t headerSize = 0;  // N, the JSON length including padding
    uint64_t dataOffset = 0;  // 8 + N: where the data section starts in the file
    uint64_t dataSize = 0;    // file size - dataOffset
    std::vector<SafetensorsEntry> entries;  // sorted by begin (file order)
    std::map<std::string, std::string> metadata;
};

/// Reads the header length N from the first 8 bytes (`prefix` may hold more) and checks it
/// against the file size: N >= 2, N <= kSafetensorsMaxHeaderBytes, 8 + N <= fileSize.
/// Errors: Format.
Result<uint64_t> readSafetensorsHeaderLength(std::string_view prefix, uint64_t fileSize);

/// Parses and validates the header. `prefix` holds the file's first bytes, at least 8 + N of
/// them (more is fine and ignored); `fileSize` is the size of the whole file in bytes.
/// Errors: Format (naming the tensor and the problem), Unsupported for a known but unhandled
/// dtype. Never reads past `prefix`.
Result<SafetensorsHeader> parseSafetensorsHeader(std::string_view prefix, uint64_t fileSize);

/// What the writer needs to know of a tensor; offsets are assigned in the given order.
struct SafetensorsTensorInfo {
    std::string name;
    SafetensorsDtype dtype = SafetensorsDtype::F32;
    std::vector<int64_t> shape;
};

/// Builds the first bytes of a file: the 8-byte length and the JSON header (tensors in the
/// given order, contiguous offsets from 0, then "__metadata__" when not empty), padded with
/// spaces so the data section starts at a multiple of 8. `dataSize` receives the byte count the
/// data section must have. Errors: InvalidArgument for duplicate or reserved names, negative
/// dimensions, too many dimensions or sizes that overflow.
Result<std::string> encodeSafetensorsHeader(const std::vector<SafetensorsTensorInfo>& tensors,
                                            const std::map<std::string, std::string>& metadata,
                                            uint64_t* dataSize = nullptr);

}  // namespace diffclip
