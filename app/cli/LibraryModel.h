#pragma once
// Shared by the library and evaluation commands.

#include <string>

#include "Args.h"
#include "diffclip/indexing/Workspace.h"
#include "diffclip/library/Library.h"
#include "diffclip/model/ModelIO.h"

namespace diffclip::cli {

/// Opens MODEL with file checksums: the library binds embeddings to the weights' fingerprint.
Result<LoadedModel> openModelWithChecksums(const std::string& spec, const std::string& tokenizer, bool needTokenizer);

/// The model to query `library` with: `spec` when given, else the model the library was last
/// indexed with or set active (its recorded MODEL argument). `usedSpec` receives the one opened.
Result<LoadedModel> openLibraryModel(Library& library, const std::string& spec, const std::string& tokenizer,
                                     bool needTokenizer, std::string& usedSpec);

/// Workspace options from --device, --threads, --tokenizer and --index. InvalidArgument for bad values.
Result<WorkspaceOptions> workspaceOptions(Args& args);

}  // namespace diffclip::cli
