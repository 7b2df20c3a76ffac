// libFuzzer entry point for the restricted unpickler: any bytes must give a document or an
// error, never a crash, hang or leak. Built by core/model/fuzz/CMakeLists.txt (DIFFCLIP_FUZZ).

#include <cstddef>
#include <cstdint>

#include "diffclip/formats/Pickle.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Smaller limits than the defaults keep each input fast while still reaching every limit.
    diffclip::PickleLimits limits;
    limits.maxValues = std::size_t(1) << 16;
    limits.maxStack = std::size_t(1) << 14;
    limits.maxMemo = std::size_t(1) << 14;
    auto parsed = diffclip::parsePickle(data, size, limits);
    if (parsed.ok()) {
        // Touch what consumers use so the document's invariants are exercised too.
        const diffclip::PickleDocument& doc = *parsed;
        volatile std::size_t sink = doc.describe(doc.root()).size() + doc.globals().size();
        for (const auto& t : doc.tensors()) sink = sink + t.sizes.size() + t.storage.key.size();
        (void)doc.dictFind(doc.root(), "state_dict");
        (void)sink;
    } else {
        volatile std::size_t sink = parsed.error().message.size();
        (void)sink;
    }
    return 0;
}
