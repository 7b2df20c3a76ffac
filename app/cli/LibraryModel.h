#pragma once
// Shared by the library and evaluation commands.

#include <string>

#include "diffclip/model/ModelIO.h"

namespace diffclip::cli {

/// Opens MODEL with file checksums: the library binds embeddings to the weights' fingerprint.
Result<LoadedModel> openModelWithChecksums(const std::string& spec, const std::string& tokenizer, bool needTokenizer);

}  // namespace diffclip::cli
