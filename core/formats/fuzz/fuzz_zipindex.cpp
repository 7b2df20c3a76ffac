// libFuzzer entry point for the zip archive index: any bytes must give an index or an error,
// never a crash, hang or leak; an accepted index must keep its promises (checked here, and a
// broken promise aborts so libFuzzer reports it). Built by core/model/fuzz/CMakeLists.txt.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "diffclip/formats/ZipIndex.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto index = diffclip::indexZipBytes(data, size);
    if (!index.ok()) {
        volatile std::size_t sink = index.error().message.size();
        (void)sink;
        return 0;
    }
    std::uint64_t claimed = 0;
    for (const diffclip::ZipEntry& e : index->entries()) {
        // Stored, inside the file, after the local header: what Checkpoint.cpp relies on.
        if (e.method != 0 || e.uncompressedSize != e.compressedSize) std::abort();
        if (e.dataOffset < e.localHeaderOffset || e.dataOffset > size || e.compressedSize > size - e.dataOffset) {
            std::abort();
        }
        claimed += e.compressedSize;
        if (index->find(e.name) != &e) std::abort();
    }
    // Data ranges do not overlap, so together they fit in the file.
    if (claimed > size) std::abort();
    return 0;
}
