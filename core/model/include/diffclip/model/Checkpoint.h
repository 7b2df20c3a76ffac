#pragma once
// PyTorch `torch.save` checkpoints (zip archives with a pickle), as the public DiffCLIP
// release ships them. Read with our own restricted unpickler (Pickle.h): no code is ever run,
// unknown objects become inert placeholders, every size and offset is checked.

#include <string>
#include <vector>

#include "diffclip/base/Result.h"
#include "diffclip/model/StateDict.h"

namespace diffclip {

struct CheckpointInfo {
    std::string pickleGlobals;     // the globals the pickle names, comma-separated, sorted
    std::string sourceKey;         // where the tensors came from: "state_dict", "model", or "" (top level)
    bool strippedModulePrefix = false;  // keys began with "module." (DataParallel)
    std::vector<std::string> topLevelKeys;  // keys of the top-level dict, for `inspect`
};

/// Reads a checkpoint file and returns the model tensors: the tensors under `state_dict`
/// (or `model`, or the top level when it is itself a flat dict of tensors), with a leading
/// "module." stripped. Everything else (optimizer state, args, numpy scalars) is parsed
/// inertly and dropped. Errors: NotFound/Io for the file; Format for malformed or hostile
/// archives (truncated zip, storage declared larger than its record, offsets or shapes out
/// of range, unknown opcodes, nesting deeper than the limit).
Result<StateDict> readTorchCheckpoint(const std::string& path, CheckpointInfo* info = nullptr);

/// True when the first bytes look like a zip archive (PK\x03\x04).
bool looksLikeZip(const std::string& path);

}  // namespace diffclip
