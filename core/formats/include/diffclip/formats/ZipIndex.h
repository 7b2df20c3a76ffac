#pragma once
// The structure of a zip archive (as torch.save writes it), parsed and validated without LibTorch
// and before any record is read, so that no later reader can be made to allocate more than the
// file holds.
//
// LibTorch's zip reader (miniz inside PyTorchStreamReader) allocates a record's declared
// uncompressed size before it reads a byte of it. torch.save stores every record uncompressed,
// so a valid checkpoint never declares more than the file holds; this index proves that first.
//
// What is checked: the End Of Central Directory record is the last "PK\5\6" signature in the
// final 64 KiB + 22 bytes (the one miniz picks) and its comment ends exactly at the end of the
// file; ZIP64 (locator, EOCD64 record, zip64 extra fields) is followed the way miniz follows
// it, and 32-bit fields must be either the 0xFFFF.. sentinel or equal to their 64-bit value;
// the central directory lies inside the file, holds exactly its declared entries and bytes,
// and no more entries than its size allows. Every entry: single disk, not encrypted, method 0
// (stored), uncompressedSize == compressedSize, a name without NUL that is unique (ASCII
// case-insensitively, as miniz looks names up), a local header with the same name, and data
// between the local header and the central directory, not overlapping any other entry.
// All arithmetic is overflow-checked; failures are ErrorCode::Format (ErrorCode::Io when the
// read callback fails), never exceptions.
//
// Thread safety: free functions on caller-owned data; safe to call concurrently. A ZipIndex
// is an immutable value after construction.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "diffclip/base/Result.h"

namespace diffclip {

/// A central directory larger than this (bytes) is refused: about 600k torch records, far more
/// than any checkpoint holds, and it bounds the memory the index itself takes.
inline constexpr std::uint64_t kZipMaxCentralDirectoryBytes = std::uint64_t(64) << 20;

/// One record of the archive. All offsets and sizes are bytes from the start of the file.
struct ZipEntry {
    std::string name;                    // full name in the archive, e.g. "checkpoint/data/0"
    std::uint16_t method = 0;            // compression method; always 0 (stored) once indexed
    std::uint64_t compressedSize = 0;    // bytes the record occupies in the file
    std::uint64_t uncompressedSize = 0;  // bytes a reader will allocate; == compressedSize
    std::uint64_t localHeaderOffset = 0;
    std::uint64_t dataOffset = 0;        // first data byte: after the local header, name and extra
};

/// The validated entries of one archive.
class ZipIndex {
public:
    /// Entries in central directory order.
    const std::vector<ZipEntry>& entries() const { return m_entries; }
    /// The entry named exactly `name` (case-sensitive), or nullptr. O(log n).
    const ZipEntry* find(std::string_view name) const;
    /// Size of the file the index was built for (bytes).
    std::uint64_t fileSize() const { return m_fileSize; }
    /// Whether the archive carries a ZIP64 end of central directory record.
    bool zip64() const { return m_zip64; }

private:
    friend class ZipIndexBuilder;
    std::vector<ZipEntry> m_entries;
    std::vector<std::size_t> m_byName;  // indices into m_entries, sorted by ASCII-lowercased name
    std::uint64_t m_fileSize = 0;
    bool m_zip64 = false;
};

/// Reads exactly `size` bytes at `offset` into `out`; false on any failure. Called only with
/// ranges inside the file size given to indexZip, each at most 64 KiB + 22 bytes or one central
/// directory (<= kZipMaxCentralDirectoryBytes).
using ZipReadFn = std::function<bool(std::uint64_t offset, std::size_t size, void* out)>;

/// Indexes an archive of `fileSize` bytes read through `read` (only the tail, the central
/// directory and the local headers are read, never record data).
Result<ZipIndex> indexZip(std::uint64_t fileSize, const ZipReadFn& read);

/// Indexes an archive held in memory (`size` bytes at `data`; data may be null when size is 0).
Result<ZipIndex> indexZipBytes(const void* data, std::size_t size);

/// Indexes the archive at `path`. NotFound/Io when the file cannot be opened or read.
Result<ZipIndex> indexZipFile(const std::string& path);

}  // namespace diffclip
