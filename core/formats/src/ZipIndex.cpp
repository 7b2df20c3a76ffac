#include "diffclip/formats/ZipIndex.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <exception>
#include <limits>
#include <new>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace diffclip {

namespace {

constexpr std::uint32_t kEocdSig = 0x06054b50;
constexpr std::uint32_t kEocd64LocatorSig = 0x07064b50;
constexpr std::uint32_t kEocd64Sig = 0x06064b50;
constexpr std::uint32_t kCentralSig = 0x02014b50;
constexpr std::uint32_t kLocalSig = 0x04034b50;
constexpr std::uint64_t kEocdSize = 22;
constexpr std::uint64_t kEocd64LocatorSize = 20;
constexpr std::uint64_t kEocd64Size = 56;
constexpr std::uint64_t kEocd64MinRecordSize = 44;  // the record's own size field excludes its first 12 bytes
constexpr std::uint64_t kCentralSize = 46;
constexpr std::uint64_t kLocalSize = 30;
constexpr std::uint64_t kMaxComment = 0xffff;
constexpr std::uint16_t kZip64ExtraId = 0x0001;
constexpr std::uint16_t kMax16 = 0xffff;
constexpr std::uint32_t kMax32 = 0xffffffff;
// General purpose flags: 0 = encrypted, 6 = strong encryption, 13 = encrypted central directory.
constexpr std::uint16_t kEncryptionFlags = (1u << 0) | (1u << 6) | (1u << 13);

std::uint16_t le16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
std::uint32_t le32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) |
           (std::uint32_t(p[3]) << 24);
}
std::uint64_t le64(const std::uint8_t* p) { return std::uint64_t(le32(p)) | (std::uint64_t(le32(p + 4)) << 32); }

// [offset, offset + size) lies inside [0, limit), without overflow.
bool fits(std::uint64_t offset, std::uint64_t size, std::uint64_t limit) {
    return size <= limit && offset <= limit - size;
}

char foldAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// miniz compares names ASCII case-insensitively; so do lookups and the duplicate check.
bool foldedLess(std::string_view a, std::string_view b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                        [](char x, char y) { return foldAscii(x) < foldAscii(y); });
}
bool foldedEqual(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return foldAscii(x) == foldAscii(y); });
}

// Names come from the file: keep messages one printable line of bounded length.
std::string printable(std::string_view name) {
    constexpr std::size_t kMax = 120;
    std::string out;
    for (std::size_t i = 0; i < name.size() && i < kMax; ++i) {
        const char c = name[i];
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    if (name.size() > kMax) out += "...";
    return out;
}

Error formatError(std::string message) { return makeError(ErrorCode::Format, "zip archive: " + std::move(message)); }

}  // namespace

// Builds a ZipIndex; a friend so the index stays immutable for everyone else.
class ZipIndexBuilder {
public:
    ZipIndexBuilder(std::uint64_t fileSize, const ZipReadFn& read) : m_read(read) { m_index.m_fileSize = fileSize; }

    Result<ZipIndex> build() {
        if (Status s = readEnd(); !s) return s.error();
        if (Status s = readCentralDirectory(); !s) return s.error();
        if (Status s = checkNames(); !s) return s.error();
        if (Status s = checkOverlaps(); !s) return s.error();
        return std::move(m_index);
    }

private:
    Status read(std::uint64_t offset, std::size_t size, void* out, const char* what) const {
        if (!fits(offset, size, m_index.m_fileSize)) return formatError(std::string(what) + " lies outside the file");
        if (size == 0) return {};
        if (!m_read || !m_read(offset, size, out)) {
            return makeError(ErrorCode::Io, std::string("zip archive: cannot read ") + what + " (" +
                                                 std::to_string(size) + " bytes at offset " +
                                                 std::to_string(offset) + ")");
        }
        return {};
    }

    // Locates the EOCD (and ZIP64 records) and sets m_cdOffset, m_cdSize, m_count.
    Status readEnd() {
        const std::uint64_t fileSize = m_index.m_fileSize;
        if (fileSize < kEocdSize) {
            return formatError("file of " + std::to_string(fileSize) + " bytes is too small to be a zip archive");
        }
        const std::uint64_t tailSize = std::min<std::uint64_t>(fileSize, kMaxComment + kEocdSize);
        const std::uint64_t tailStart = fileSize - tailSize;
        std::vector<std::uint8_t> tail(static_cast<std::size_t>(tailSize));
        if (Status s = read(tailStart, tail.size(), tail.data(), "archive tail"); !s) return s;
        // The last signature with room for a whole record after it: the one miniz picks.
        std::uint64_t eocd = 0;
        bool found = false;
        for (std::size_t i = tail.size() - kEocdSize + 1; i-- > 0;) {
            if (le32(&tail[i]) == kEocdSig) {
                eocd = tailStart + i;
                found = true;
                break;
            }
        }
        if (!found) return formatError("no end of central directory record (not a zip archive, or truncated)");
        const std::uint8_t* e = &tail[static_cast<std::size_t>(eocd - tailStart)];
        const std::uint16_t disk = le16(e + 4);
        const std::uint16_t cdDisk = le16(e + 6);
        const std::uint16_t entriesHere = le16(e + 8);
        const std::uint16_t entries = le16(e + 10);
        const std::uint32_t cdSize = le32(e + 12);
        const std::uint32_t cdOffset = le32(e + 16);
        const std::uint16_t commentSize = le16(e + 20);
        // A comment that does not end at the end of the file means trailing data or a fake record.
        if (eocd + kEocdSize + commentSize != fileSize) {
            return formatError("end of central directory record at offset " + std::to_string(eocd) + " with a " +
                               std::to_string(commentSize) + "-byte comment does not end at the end of the file (" +
                               std::to_string(fileSize) + " bytes)");
        }

        std::uint64_t cdEnd = eocd;  // the central directory must end before the records that follow it
        m_cdOffset = cdOffset;
        m_cdSize = cdSize;
        m_count = entries;
        // miniz uses the ZIP64 record whenever a locator sits right before the EOCD; so must we.
        std::uint8_t loc[kEocd64LocatorSize];
        if (eocd >= kEocd64LocatorSize) {
            const std::uint64_t locOffset = eocd - kEocd64LocatorSize;
            if (Status s = read(locOffset, sizeof loc, loc, "zip64 locator"); !s) return s;
            if (le32(loc) == kEocd64LocatorSig) {
                if (Status s = readEocd64(locOffset, loc, &cdEnd); !s) return s;
                const bool consistent = (disk == 0 || disk == kMax16) && (cdDisk == 0 || cdDisk == kMax16) &&
                                        (entriesHere == kMax16 || entriesHere == m_count) &&
                                        (entries == kMax16 || entries == m_count) &&
                                        (cdSize == kMax32 || cdSize == m_cdSize) &&
                                        (cdOffset == kMax32 || cdOffset == m_cdOffset);
                if (!consistent) {
                    return formatError("end of central directory record disagrees with the zip64 record");
                }
            }
        }
        if (!m_index.m_zip64 && (disk != 0 || cdDisk != 0 || entriesHere != entries)) {
            return formatError("multi-disk archives are not supported");
        }
        if (!fits(m_cdOffset, m_cdSize, cdEnd)) {
            return formatError("central directory (" + std::to_string(m_cdSize) + " bytes at offset " +
                               std::to_string(m_cdOffset) + ") lies outside the archive (its end records start at " +
                               std::to_string(cdEnd) + ")");
        }
        if (m_cdSize > kZipMaxCentralDirectoryBytes) {
            return formatError("central directory of " + std::to_string(m_cdSize) + " bytes exceeds the limit of " +
                               std::to_string(kZipMaxCentralDirectoryBytes));
        }
        if (m_count > m_cdSize / kCentralSize) {
            return formatError("central directory declares " + std::to_string(m_count) + " entries but its " +
                               std::to_string(m_cdSize) + " bytes hold at most " +
                               std::to_string(m_cdSize / kCentralSize));
        }
        return {};
    }

    Status readEocd64(std::uint64_t locOffset, const std::uint8_t* loc, std::uint64_t* cdEnd) {
        const std::uint32_t eocd64Disk = le32(loc + 4);
        const std::uint64_t eocd64 = le64(loc + 8);
        const std::uint32_t disks = le32(loc + 16);
        if (eocd64Disk != 0 || disks > 1) return formatError("multi-disk zip64 archives are not supported");
        if (!fits(eocd64, kEocd64Size, locOffset)) {
            return formatError("zip64 locator points outside the archive (offset " + std::to_string(eocd64) + ")");
        }
        std::uint8_t r[kEocd64Size];
        if (Status s = read(eocd64, sizeof r, r, "zip64 end of central directory record"); !s) return s;
        if (le32(r) != kEocd64Sig) {
            return formatError("zip64 locator points at no zip64 end of central directory record (offset " +
                               std::to_string(eocd64) + ")");
        }
        const std::uint64_t recordSize = le64(r + 4);
        if (recordSize < kEocd64MinRecordSize || !fits(eocd64 + 12, recordSize, locOffset)) {
            return formatError("zip64 end of central directory record has a bad size " + std::to_string(recordSize));
        }
        if (le32(r + 16) != 0 || le32(r + 20) != 0) return formatError("multi-disk zip64 archives are not supported");
        const std::uint64_t entriesHere = le64(r + 24);
        m_count = le64(r + 32);
        m_cdSize = le64(r + 40);
        m_cdOffset = le64(r + 48);
        if (entriesHere != m_count) return formatError("multi-disk zip64 archives are not supported");
        m_index.m_zip64 = true;
        *cdEnd = eocd64;
        return {};
    }

    Status readCentralDirectory() {
        std::vector<std::uint8_t> cd(static_cast<std::size_t>(m_cdSize));
        if (Status s = read(m_cdOffset, cd.size(), cd.data(), "central directory"); !s) return s;
        m_index.m_entries.reserve(static_cast<std::size_t>(m_count));
        std::size_t pos = 0;
        for (std::uint64_t i = 0; i < m_count; ++i) {
            const std::string where = "central directory entry " + std::to_string(i);
            if (!fits(pos, kCentralSize, cd.size()) || le32(&cd[pos]) != kCentralSig) {
                return formatError(where + " has no valid header (offset " + std::to_string(m_cdOffset + pos) + ")");
            }
            const std::uint8_t* h = &cd[pos];
            const std::size_t nameSize = le16(h + 28);
            const std::size_t extraSize = le16(h + 30);
            const std::size_t commentSize = le16(h + 32);
            const std::size_t total = kCentralSize + nameSize + extraSize + commentSize;
            if (!fits(pos, total, cd.size())) return formatError(where + " runs past the central directory");
            ZipEntry entry;
            entry.name.assign(reinterpret_cast<const char*>(h + kCentralSize), nameSize);
            Result<ZipEntry> checked = checkEntry(std::move(entry), h, h + kCentralSize + nameSize, extraSize, where);
            if (!checked) return checked.error();
            m_index.m_entries.push_back(std::move(*checked));
            pos += total;
        }
        if (pos != cd.size()) {
            return formatError("central directory holds " + std::to_string(cd.size() - pos) +
                               " bytes after its " + std::to_string(m_count) + " declared entries");
        }
        return {};
    }

    Result<ZipEntry> checkEntry(ZipEntry entry, const std::uint8_t* h, const std::uint8_t* extra,
                                std::size_t extraSize, const std::string& where) const {
        if (entry.name.empty()) return formatError(where + " has an empty name");
        const std::string shown = printable(entry.name);
        if (entry.name.find('\0') != std::string::npos) return formatError("record name '" + shown + "' contains NUL");
        const std::uint16_t flags = le16(h + 8);
        entry.method = le16(h + 10);
        if ((flags & kEncryptionFlags) != 0) return formatError("record " + shown + " is encrypted");
        if (entry.method != 0) {
            return formatError("record " + shown + " is compressed; torch.save archives store records uncompressed "
                               "(method " + std::to_string(entry.method) + ")");
        }
        if (le16(h + 34) != 0) return formatError("record " + shown + " is on another disk");
        entry.compressedSize = le32(h + 20);
        entry.uncompressedSize = le32(h + 24);
        entry.localHeaderOffset = le32(h + 42);
        if (Status s = applyZip64Extra(&entry, extra, extraSize, shown); !s) return s.error();
        if (entry.uncompressedSize != entry.compressedSize) {
            return formatError("stored record " + shown + " declares " + std::to_string(entry.uncompressedSize) +
                               " bytes uncompressed but occupies " + std::to_string(entry.compressedSize));
        }

        // The local header: inside the entries area, same name; its name and extra lengths place the data.
        std::vector<std::uint8_t> local(kLocalSize + entry.name.size());
        if (!fits(entry.localHeaderOffset, local.size(), m_cdOffset)) {
            return formatError("record " + shown + " has its local header outside the archive (offset " +
                               std::to_string(entry.localHeaderOffset) + ")");
        }
        if (Status s = read(entry.localHeaderOffset, local.size(), local.data(), "local header"); !s) return s.error();
        if (le32(local.data()) != kLocalSig) {
            return formatError("record " + shown + " has no local header at offset " +
                               std::to_string(entry.localHeaderOffset));
        }
        if (le16(local.data() + 8) != entry.method || (le16(local.data() + 6) & kEncryptionFlags) != 0) {
            return formatError("record " + shown + " has a local header that disagrees with the central directory");
        }
        if (le16(local.data() + 26) != entry.name.size() ||
            std::memcmp(local.data() + kLocalSize, entry.name.data(), entry.name.size()) != 0) {
            return formatError("record " + shown + " has a local header with another name");
        }
        const std::uint64_t headerEnd = entry.localHeaderOffset + local.size();
        const std::uint16_t localExtraSize = le16(local.data() + 28);
        if (!fits(headerEnd, localExtraSize, m_cdOffset)) {
            return formatError("record " + shown + " has a local extra field that runs past its records");
        }
        entry.dataOffset = headerEnd + localExtraSize;
        if (!fits(entry.dataOffset, entry.compressedSize, m_cdOffset)) {
            return formatError("record " + shown + " (" + std::to_string(entry.compressedSize) + " bytes at offset " +
                               std::to_string(entry.dataOffset) + ") lies outside the archive's " +
                               std::to_string(m_cdOffset) + " bytes of records");
        }
        return entry;
    }

    // Replaces 0xFFFFFFFF sizes/offset with the zip64 extra field's values, in the order the
    // format (and miniz) reads them: uncompressed size, compressed size, local header offset.
    static Status applyZip64Extra(ZipEntry* entry, const std::uint8_t* extra, std::size_t size,
                                  const std::string& shown) {
        bool seen = false;
        std::size_t pos = 0;
        while (pos < size) {
            if (size - pos < 4) return formatError("record " + shown + " has a malformed extra field");
            const std::uint16_t id = le16(extra + pos);
            const std::size_t fieldSize = le16(extra + pos + 2);
            pos += 4;
            if (fieldSize > size - pos) return formatError("record " + shown + " has a malformed extra field");
            if (id == kZip64ExtraId) {
                // miniz reads the first one; a second could mean something else to another reader.
                if (seen) return formatError("record " + shown + " has two zip64 extra fields");
                seen = true;
                const std::uint8_t* p = extra + pos;
                std::size_t left = fieldSize;
                for (std::uint64_t* v : {&entry->uncompressedSize, &entry->compressedSize, &entry->localHeaderOffset}) {
                    if (*v != kMax32) continue;
                    if (left < 8) return formatError("record " + shown + " has a truncated zip64 extra field");
                    *v = le64(p);
                    p += 8;
                    left -= 8;
                }
            }
            pos += fieldSize;
        }
        const bool needed = entry->uncompressedSize == kMax32 || entry->compressedSize == kMax32 ||
                            entry->localHeaderOffset == kMax32;
        if (needed && !seen) return formatError("record " + shown + " needs a zip64 extra field but has none");
        return {};
    }

    Status checkNames() {
        auto& entries = m_index.m_entries;
        auto& byName = m_index.m_byName;
        byName.resize(entries.size());
        for (std::size_t i = 0; i < byName.size(); ++i) byName[i] = i;
        std::stable_sort(byName.begin(), byName.end(),
                         [&](std::size_t a, std::size_t b) { return foldedLess(entries[a].name, entries[b].name); });
        for (std::size_t i = 1; i < byName.size(); ++i) {
            if (foldedEqual(entries[byName[i - 1]].name, entries[byName[i]].name)) {
                return formatError("duplicate record name " + printable(entries[byName[i]].name));
            }
        }
        return {};
    }

    Status checkOverlaps() const {
        const auto& entries = m_index.m_entries;
        std::vector<std::size_t> order(entries.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return entries[a].localHeaderOffset < entries[b].localHeaderOffset;
        });
        for (std::size_t i = 1; i < order.size(); ++i) {
            const ZipEntry& prev = entries[order[i - 1]];
            const ZipEntry& next = entries[order[i]];
            // dataOffset + compressedSize cannot overflow: checkEntry bounded it by the file size.
            if (prev.dataOffset + prev.compressedSize > next.localHeaderOffset) {
                return formatError("records " + printable(prev.name) + " and " + printable(next.name) + " overlap");
            }
        }
        return {};
    }

    const ZipReadFn& m_read;
    ZipIndex m_index;
    std::uint64_t m_cdOffset = 0;
    std::uint64_t m_cdSize = 0;
    std::uint64_t m_count = 0;
};

const ZipEntry* ZipIndex::find(std::string_view name) const {
    auto it = std::lower_bound(m_byName.begin(), m_byName.end(), name,
                               [&](std::size_t i, std::string_view n) { return foldedLess(m_entries[i].name, n); });
    // Names are unique case-insensitively, so at most one candidate can match exactly.
    if (it == m_byName.end() || m_entries[*it].name != name) return nullptr;
    return &m_entries[*it];
}

Result<ZipIndex> indexZip(std::uint64_t fileSize, const ZipReadFn& read) {
    try {
        return ZipIndexBuilder(fileSize, read).build();
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "zip archive: out of memory while indexing");
    } catch (const std::exception& e) {
        // Only a throwing read callback gets here; the parser itself does not throw.
        return makeError(ErrorCode::Io, std::string("zip archive: ") + e.what());
    }
}

Result<ZipIndex> indexZipBytes(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    return indexZip(size, [bytes, size](std::uint64_t offset, std::size_t n, void* out) {
        if (offset > size || n > size - offset) return false;
        std::memcpy(out, bytes + offset, n);
        return true;
    });
}

Result<ZipIndex> indexZipFile(const std::string& path) {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) {
        const bool missing = ec == std::errc::no_such_file_or_directory;
        return makeError(missing ? ErrorCode::NotFound : ErrorCode::Io,
                         "cannot open zip archive " + path + ": " + ec.message());
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(ErrorCode::Io, "cannot open zip archive " + path);
    return indexZip(size, [&in](std::uint64_t offset, std::size_t n, void* out) {
        if (offset > static_cast<std::uint64_t>(std::numeric_limits<std::streamoff>::max())) return false;
        in.clear();
        in.seekg(static_cast<std::streamoff>(offset));
        in.read(static_cast<char*>(out), static_cast<std::streamsize>(n));
        return in.gcount() == static_cast<std::streamsize>(n);
    });
}

}  // namespace diffclip
