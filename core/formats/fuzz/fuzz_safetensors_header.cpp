// libFuzzer harness for parseSafetensorsHeader. Input layout (first byte selects the mode, so
// the fuzzer need not guess an 8-byte length that matches a JSON text):
//   bit 0 of the first byte clear: [mode][8-byte LE file size][file prefix...]  raw file bytes
//   bit 0 set:                     [mode][4-byte LE data size][header JSON...]   length computed here
// Accepted headers are checked for the invariants the readers rely on, then re-encoded with
// encodeSafetensorsHeader and parsed again.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "diffclip/formats/SafetensorsHeader.h"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail)
{
    std::fprintf(stderr, "fuzz_safetensors_header: %s: %s\n", what, detail.substr(0, 2000).c_str());
    std::abort();
}

uint64_t readLe(const uint8_t* p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

void checkInvariants(const diffclip::SafetensorsHeader& h, uint64_t fileSize)
{
    using namespace diffclip;
    if (h.dataOffset != 8 + h.headerSize || h.dataOffset + h.dataSize != fileSize)
        fail("layout", "sizes do not add up");
    uint64_t cursor = 0;
    for (const auto& e : h.entries) {
        if (e.begin != cursor || e.end < e.begin || e.end > h.dataSize)
            fail("ranges", e.name);
        if (e.shape.size() > kSafetensorsMaxDims)
            fail("rank", e.name);
        uint64_t numel = 1;
        for (int64_t d : e.shape) {
            if (d < 0)
                fail("negative dim", e.name);
            numel *= static_cast<uint64_t>(d);  // cannot overflow: the parser checked
        }
        if (numel != e.numel || e.byteSize() != numel * safetensorsDtypeSize(e.dtype))
            fail("byte count", e.name);
        cursor = e.end;
    }
    if (cursor != h.dataSize)
        fail("coverage", std::to_string(cursor));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace diffclip;
    if (size < 1)
        return 0;
    std::string prefix;
    uint64_t fileSize = 0;
    if ((data[0] & 1) == 0) {
        if (size < 9)
            return 0;
        fileSize = readLe(data + 1, 8);
        prefix.assign(reinterpret_cast<const char*>(data + 9), size - 9);
    } else {
        if (size < 5)
            return 0;
        const uint64_t dataSize = readLe(data + 1, 4);
        const std::string_view json(reinterpret_cast<const char*>(data + 5), size - 5);
        std::string len(8, '\0');
        for (size_t i = 0; i < 8; ++i)
            len[i] = static_cast<char>((json.size() >> (8 * i)) & 0xFF);
        prefix = len + std::string(json);
        fileSize = prefix.size() + dataSize;
    }

    auto header = parseSafetensorsHeader(prefix, fileSize);
    if (!header) {
        const auto code = header.error().code;
        if (code != ErrorCode::Format && code != ErrorCode::Unsupported)
            fail("unexpected error code", header.error().describe());
        return 0;
    }
    checkInvariants(*header, fileSize);

    std::vector<SafetensorsTensorInfo> infos;
    for (const auto& e : header->entries)
        infos.push_back({e.name, e.dtype, e.shape});
    uint64_t dataSize = 0;
    auto encoded = encodeSafetensorsHeader(infos, header->metadata, &dataSize);
    if (!encoded) {
        // Only a header over the size limit may fail (re-encoding can grow it).
        if (encoded.error().code != ErrorCode::InvalidArgument
            || encoded.error().message.find("header would exceed") == std::string::npos)
            fail("re-encoding failed", encoded.error().describe());
        return 0;
    }
    if (dataSize != header->dataSize)
        fail("re-encoded data size", std::to_string(dataSize));
    auto reparsed = parseSafetensorsHeader(*encoded, encoded->size() + dataSize);
    if (!reparsed)
        fail("re-encoded header refused", reparsed.error().describe());
    if (reparsed->entries.size() != header->entries.size() || reparsed->metadata != header->metadata)
        fail("re-encoded header differs", "entries or metadata");
    for (size_t i = 0; i < header->entries.size(); ++i) {
        const auto& a = header->entries[i];
        const auto& b = reparsed->entries[i];
        if (a.name != b.name || a.dtype != b.dtype || a.shape != b.shape || a.begin != b.begin || a.end != b.end)
            fail("re-encoded entry differs", a.name);
    }
    return 0;
}
