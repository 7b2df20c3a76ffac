#pragma once
// Shared by the library and evaluation commands.

#include <string>

#include "CommandLine.h"
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

/// The options of the commands that open a library with a model (Workspace).
struct WorkspaceArgs {
    std::string device = "auto";
    std::string dtype = "auto";
    long long threads = 0;
    std::string tokenizer;
    std::string index = "auto";
};

/// --device, --dtype and --threads, and --index with `withIndex` (--tokenizer is each command's own).
void addWorkspaceOptions(CommandLine& cli, WorkspaceArgs& args, bool withIndex);

/// Workspace options from --device, --dtype, --threads, --tokenizer and --index.
Result<WorkspaceOptions> workspaceOptions(const WorkspaceArgs& args);

}  // namespace diffclip::cli
