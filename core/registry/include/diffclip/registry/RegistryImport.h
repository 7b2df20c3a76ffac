#pragma once
// Adding a model file to the model registry (ModelRegistry.h). Declared without LibTorch types
// so the desktop application can call it; the work (opening and checking the model, writing
// the package) happens in the LibTorch model library. Any thread; slow (reads the whole file).

#include <string>

#include "diffclip/base/Job.h"
#include "diffclip/base/Result.h"

namespace diffclip {

/// Opens `spec` (a checkpoint, .safetensors file, package folder or preset:NAME) as
/// loadModel() does, validating everything, and writes it as a new package folder directly
/// under `registryRoot` (created when missing) named after the model (uniqueRegistryId), the
/// way `diffclip import` writes one: under a temporary name, then renamed into place.
/// `tokenizerPath` empty: the model's own merges, else the bundled ones. Returns the new
/// package's path. `job` (Job.h): stages "read" (opening and checking the file; no count),
/// then writePackage's "convert" and "write"; cancel is checked after reading and at
/// writePackage's safe points: ErrorCode::Cancelled, nothing left in the registry (the
/// temporary folder is removed). Errors: those of loadModel and writePackage (NotFound,
/// Format, Io, ...).
Result<std::string> importIntoRegistry(const std::string& registryRoot, const std::string& spec,
                                       const std::string& tokenizerPath = {}, const JobControl& job = {});

}  // namespace diffclip
