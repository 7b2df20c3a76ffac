#pragma once
// The model registry: a folder (the root) holding one model package folder per model version,
// e.g. <XDG data>/diffclip-studio/models/<id>/ (docs/MODEL-PACKAGE.md, "The registry").
// Training writes each result there as a new version; importing copies/converts a model file
// there. This part reads only small JSON files and file times, with no LibTorch, so the
// desktop application may use it on any thread (calls are independent; no shared state).
//
// Reading never trusts a folder: a missing or malformed config.json / training.json gives an
// entry marked unusable with a plain reason, never an error for the whole listing. Folders
// whose name starts with '.' (hidden, trash), ends with ".partial" (a training run still
// writing) or contains ".tmp-" (a package being written) are not versions and are skipped.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "diffclip/base/Result.h"

namespace diffclip {

struct RegistryMetric {
    std::string name;  // stable English key, e.g. "val top-1", "val top-5", "image R@1"
    double value = 0;  // fraction 0..1 for accuracies and recalls
};

struct RegistryEntry {
    std::string id;           // the folder name, unique within the root
    std::string path;         // absolute, lexically normal path of the package folder
    bool usable = false;      // config.json and model.safetensors present and readable
    std::string problem;      // why not usable (English, one line); empty when usable
    std::string displayName;  // config "name", else the id
    std::string attention;    // "differential" | "standard" | "" (unknown)
    std::string architecture; // one line, e.g. "differential, ViT 224 px / patch 16, width 768 × 12, embed 512"
    int64_t embedDim = 0;     // joint embedding width, 0 when unknown
    // The figures of that line, for a UI that words it in the user's language; 0 when unknown.
    int64_t imageSize = 0;    // vision input side, pixels
    int64_t patchSize = 0;    // vision patch side, pixels
    int64_t visionWidth = 0;  // vision token width
    int64_t visionDepth = 0;  // vision blocks
    int64_t createdAtMs = 0;  // Unix ms, UTC: modification time of model.safetensors (else the folder)
    int64_t weightsBytes = 0; // size of model.safetensors, 0 when missing

    // From training.json, when the version came from `diffclip train` (hasTraining).
    bool hasTraining = false;
    std::string parentSpec;       // parent.spec: the model it started from (path or preset:NAME)
    std::string parentId;         // id of the parent when it is a version in the same registry
    std::string recipeMode;       // "contrastive" | "linear" | "scratch" | ...
    std::string dataFingerprint;  // data.fingerprint (SHA-256 hex of the training data)
    std::vector<RegistryMetric> metrics;  // validation metrics after training, in a fixed order
    std::string weightsFingerprint;       // SHA-256 of model.safetensors when the package records it
};

/// Lists the versions directly under `root`, newest first (ties by id). A missing root is an
/// empty registry. Errors: Io when `root` exists but cannot be read, InvalidArgument when it is
/// not a folder.
Result<std::vector<RegistryEntry>> listRegistry(const std::string& root);

/// Reads one package folder (need not be inside a registry; parentId is left empty).
/// Never fails: problems make the entry unusable.
RegistryEntry readRegistryEntry(const std::string& packageDir);

/// True when `path` names a folder directly inside `root` (after making both absolute and
/// lexically normal; no symlink is followed out of the root).
bool isInsideRegistry(const std::string& root, const std::string& path);

/// Removes the version folder `packageDir` from `root`: it is first renamed to a hidden trash
/// name inside the root (atomic on one file system, so the registry never lists a half-deleted
/// version), then deleted. Errors: InvalidArgument (not directly inside the root, or the root
/// itself), NotFound (no such folder), Io (rename or delete failed; a trash folder left behind
/// is hidden and removed by the next call).
Status removeRegistryVersion(const std::string& root, const std::string& packageDir);

/// A folder name for a new version derived from `name` (letters, digits, '-', '_' and '.'
/// kept, others become '-', at most 60 bytes) that no entry of `root` uses yet: "name",
/// "name-2", "name-3", ... Never empty, never hidden.
std::string uniqueRegistryId(const std::string& root, const std::string& name);

}  // namespace diffclip
