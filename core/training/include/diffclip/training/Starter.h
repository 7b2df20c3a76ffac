#pragma once
// Starters: vision towers pretrained once by the project (`diffclip pretrain`, on formula-driven
// images it generates itself) and installed with the application, so that `train --mode
// scratch` starts from learned edges, lines and blobs instead of random weights
// (docs/TRAINING.md, "Starters").
//
// A starter is a folder:
//   config.json         the architecture (ModelConfig::toJson) it was pretrained with
//   model.safetensors   fp16: the vision tower (visual.*) and image_projection only
//   starter.json        format "diffclip-starter/1", the SHA-256 of model.safetensors, the
//                       pretraining recipe, the generator's parameters and the compute used
// Torch-free: the UI includes this header to say which starter a run would use.

#include <optional>
#include <string>
#include <vector>

#include "diffclip/base/Result.h"
#include "diffclip/formats/Json.h"
#include "diffclip/model/Config.h"

namespace diffclip {

struct StarterInfo {
    std::string dir;      // the starter folder
    std::string name;     // its folder name, e.g. "diffclip-mini-conv"
    ModelConfig config;   // what it was pretrained as
    Json manifest;        // starter.json
};

/// Where installed starters are looked for, in order: $DIFFCLIP_DATA_DIR/starters, then
/// <executable>/../share/diffclip-studio/starters.
std::vector<std::string> starterSearchDirs();

/// True when a starter pretrained as `from` can initialise the vision tower of `to`: same
/// attention kind, width, depth, heads, patch size, stem, MLP ratio, norm eps and joint
/// embedding width. The image size may differ (position embeddings are interpolated).
bool starterFits(const ModelConfig& from, const ModelConfig& to);

/// Reads one starter folder: config.json and starter.json parsed and checked (format, the
/// weights file present). The weights' checksum is checked when they are loaded. Errors:
/// NotFound, Format.
Result<StarterInfo> readStarter(const std::string& dir);

/// The first installed starter (starterSearchDirs(), folders by name) that fits `config`;
/// nullopt when none does. Unreadable starter folders are passed over.
std::optional<StarterInfo> findStarter(const ModelConfig& config);

/// Writes a starter folder at `outDir` from a trained model package: the vision tower and image
/// projection as fp16, config.json, and starter.json with `provenance` merged in (recipe, data,
/// compute). Built under a temporary name and renamed; an existing `outDir` is refused unless
/// `overwrite`. Errors: NotFound, Format, Io.
Status exportStarter(const std::string& package, const std::string& outDir, const Json& provenance,
                     bool overwrite = false);

}  // namespace diffclip
