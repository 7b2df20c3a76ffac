#pragma once
// safetensors files (https://github.com/huggingface/safetensors format): read and write
// with full validation. The header parsing itself lives in SafetensorsHeader.h (no LibTorch).

#include <map>
#include <string>

#include "diffclip/base/Result.h"
#include "diffclip/model/StateDict.h"

namespace diffclip {

struct SafetensorsFile {
    StateDict tensors;                             // in file order (by data offset)
    std::map<std::string, std::string> metadata;   // the optional "__metadata__" object
};

/// Reads and validates the whole file. Errors: NotFound/Io for the file, Format for any
/// malformed or hostile content (see SafetensorsHeader.h), never a crash.
Result<SafetensorsFile> readSafetensors(const std::string& path);
/// Same, from bytes in memory (tests, fuzzing).
Result<SafetensorsFile> readSafetensorsBytes(const std::string& bytes);

/// Writes tensors (any CPU/CUDA device, any supported dtype; non-contiguous is fine) with
/// optional string metadata. Atomic: writes PATH.tmp-XXXX, fsyncs, then renames over PATH,
/// so a full disk or a kill never leaves a half-written file under PATH. Errors: Io.
Status writeSafetensors(const std::string& path, const StateDict& tensors,
                        const std::map<std::string, std::string>& metadata = {});

}  // namespace diffclip
