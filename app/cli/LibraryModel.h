#pragma once
// Shared by the library and evaluation commands.

#include <string>

#include "diffclip/library/Library.h"
#include "diffclip/model/ModelIO.h"

namespace diffclip::cli {

/// Opens MODEL with file checksums: the library binds embeddings to the weights' fingerprint.
Result<LoadedModel> openModelWithChecksums(const std::string& spec, const std::string& tokenizer, bool needTokenizer);

/// The model to query `library` with: `spec` when given, else the model the library was last
/// indexed with (its recorded MODEL argument). `usedSpec` receives the one opened.
Result<LoadedModel> openLibraryModel(Library& library, const std::string& spec, const std::string& tokenizer,
                                     bool needTokenizer, std::string& usedSpec);

}  // namespace diffclip::cli
