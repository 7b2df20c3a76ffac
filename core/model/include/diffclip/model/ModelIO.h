#pragma once
// Opening a MODEL argument (see ../shared/design/CLI.md) and writing our model package.
//
// A model package is a folder holding
//   config.json         architecture, preprocessing, tokenizer (ModelConfig::toJson)
//   model.safetensors   weights with the reference key names, float32
//   <merges file>       the tokenizer's BPE merges, when the model has a tokenizer
// (docs/MODEL-PACKAGE.md). Loading never runs code from a model file.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "diffclip/model/Checkpoint.h"
#include "diffclip/model/Config.h"
#include "diffclip/model/Model.h"
#include "diffclip/base/Job.h"
#include "diffclip/base/Result.h"
#include "diffclip/text/Tokenizer.h"

namespace diffclip {

struct LoadedModel {
    ClipModel model{nullptr};
    std::shared_ptr<const Tokenizer> tokenizer;   // null when the model has none
    std::string tokenizerPath;                    // where it was read from
    std::string source;                           // the MODEL argument
    std::string format;                           // "package" | "checkpoint" | "safetensors" | "preset"
    std::string configSource;                     // how the architecture was found
    std::vector<std::pair<std::string, std::string>> checksums;  // (file, sha256), when asked for
    CheckpointInfo checkpoint;                    // for format "checkpoint"
};

struct LoadOptions {
    uint64_t seed = 0;              // for preset:NAME
    std::string tokenizerPath;      // merges file; empty: the package's, else the bundled one
    bool checksums = false;         // compute sha256 of the files read
    bool requireTokenizer = false;  // fail when no tokenizer can be found
};

/// Opens a package folder, a torch checkpoint (.pt/.pth, detected by content), a
/// .safetensors file (config.json beside it, else inferred from shapes) or "preset:NAME".
/// Errors carry the path and a plain reason; hostile files give Format, never a crash.
Result<LoadedModel> loadModel(const std::string& spec, const LoadOptions& options = {});

/// Writes `model` as a package at `dir`. The folder is built beside it under a temporary
/// name and renamed into place, so a failure leaves no half-written package. An existing
/// `dir` is refused unless `overwrite`. `mergesPath` (may be empty) is copied in.
/// `job` (Job.h): stages "convert" (done/total = tensors made float32 on the CPU) and "write"
/// (done/total = files: merges, weights, config); cancel is checked between tensors and files
/// and before the rename: ErrorCode::Cancelled with the temporary folder removed and `dir`
/// untouched.
Status writePackage(const LoadedModel& model, const std::string& dir, const std::string& mergesPath,
                    bool overwrite = false, const JobControl& job = {});

/// The CLIP merges file installed with the application (share/diffclip-studio/tokenizer/),
/// found relative to the executable, or via $DIFFCLIP_DATA_DIR. Empty when not found.
std::string bundledMergesPath();

/// A short name for a MODEL argument in titles: "preset:x" stays, a package folder is its name, a
/// file keeps its folder when the file name alone says nothing (model.safetensors, checkpoint*).
std::string modelLabel(const std::string& spec);

/// True when `path` is a folder containing config.json and model.safetensors.
bool isPackage(const std::string& path);

}  // namespace diffclip
