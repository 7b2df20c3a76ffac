#pragma once
// Labelled training data from a folder-per-class tree, its deterministic split and
// fingerprint, the in-memory photo cache and the augmentation (plain C++17 + OpenCV, no LibTorch).
//
// Layout (docs/TRAINING.md):
//   ROOT/<class name>/**/<photo>     every photo below a top-level folder has that folder's label
//   ROOT/<class name>/prompt.txt     optional: first non-empty line is the class's text prompt
// Photos are recognised by extension (hasPhotoExtension, ImageDecode.h) and decoded by
// content; files that cannot be decoded are skipped and listed in Dataset::skipped.
//
// Threading: free functions without shared state. Ownership: results own their data.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "diffclip/imaging/ImageDecode.h"
#include "diffclip/formats/Json.h"
#include "diffclip/base/Job.h"
#include "diffclip/base/Result.h"

namespace diffclip {

struct ClassInfo {
    std::string name;     // the folder name
    std::string prompt;   // text prompt for the text tower
    bool customPrompt = false;  // true when read from prompt.txt
};

struct Sample {
    std::string relativePath;  // '/'-separated, relative to the root
    std::string sha256;        // content hash (lower-case hex)
    int label = 0;             // index into Dataset::classes
};

/// A decoded, labelled folder tree with every photo cached as a centre square of
/// `cacheSize` x `cacheSize` RGB8 pixels (the shorter side resized, then centre-cropped).
struct Dataset {
    std::string root;
    std::vector<ClassInfo> classes;      // sorted by name
    std::vector<Sample> samples;         // sorted by relativePath
    std::vector<std::vector<uint8_t>> pixels;  // one per sample, cacheSize*cacheSize*3 bytes
    int cacheSize = 0;
    std::vector<std::string> skipped;    // "relative/path: reason"
    /// False for unlabelled photos (loadPhotoTree without class folders, loadPhotoFiles): one
    /// class named "photos" holds them all.
    bool labelled = true;
    /// SHA-256 over the sorted lines "relativePath\tsha256\tclassName\n": equal for equal trees.
    std::string fingerprint;
};

/// Default prompt of a class without prompt.txt: "a photo of {name}." with '_' and '-' as spaces.
std::string defaultClassPrompt(const std::string& className);

/// One class of a folder-per-class tree, as listed before any photo is opened.
struct ClassFolder {
    ClassInfo info;
    std::vector<std::string> files;  // photo files below the folder: '/'-separated, relative to the root, sorted
};

/// Lists the classes of the tree at `root` exactly as loadDataset reads them, without opening a
/// photo (cheap enough for a preview, but it walks the whole tree: call it off the GUI thread):
/// top-level folders whose name does not start with '.', each with at least one photo file (by
/// extension) anywhere below it, sorted by name, with their prompts. Fewer than two classes is
/// not an error here. Errors: NotFound (no such folder), Io (a folder cannot be listed).
Result<std::vector<ClassFolder>> listClassTree(const std::string& root);

/// Lists, hashes, decodes and caches the tree. `cacheSize` (pixels, 8..4096) is the side of the
/// cached square. Reports inside the caller's current stage of `job` (setTotal to the photo
/// files found, one unit per file) and checks its cancel token between files. Errors: NotFound
/// (no root), InvalidArgument (fewer than 2 classes with photos, bad cacheSize), Cancelled.
Result<Dataset> loadDataset(const std::string& root, int cacheSize, const DecodeOptions& decode,
                            const JobControl& job = {});

/// Photos for self-supervised training. A tree with two or more class folders loads as
/// loadDataset does (the labels are kept, for figures only); any other folder loads every photo
/// file below it, at any depth (folders starting with '.' skipped), as one unlabelled class.
/// Errors: NotFound, InvalidArgument (no decodable photo, bad cacheSize), Cancelled.
Result<Dataset> loadPhotoTree(const std::string& root, int cacheSize, const DecodeOptions& decode,
                              const JobControl& job = {});

/// Unlabelled photos from a list of absolute file paths (a library's photos): root is "/" and
/// each relativePath the path without its leading '/'. Duplicated paths are read once.
/// Errors: InvalidArgument (a relative path, no decodable photo), Cancelled.
Result<Dataset> loadPhotoFiles(const std::vector<std::string>& files, int cacheSize, const DecodeOptions& decode,
                               const JobControl& job = {});

struct DataSplit {
    std::vector<size_t> train;  // sample indices, ascending
    std::vector<size_t> val;    // sample indices, ascending
    uint64_t seed = 0;
    double valFraction = 0.0;
    int64_t duplicateGroups = 0;  // content hashes held by more than one file
};

/// Stratified split: per class, round(valFraction * n) photos go to validation (at least one
/// when the class has two or more and valFraction > 0). Files with identical content are a
/// group that always lands on one side (the group follows the label of its first file).
/// Deterministic for a given dataset, fraction (0 <= f < 1) and seed on every platform.
Result<DataSplit> splitDataset(const Dataset& data, double valFraction, uint64_t seed);

/// At most `perClass` photos of each class from `pool` (sample indices), drawn at random with
/// `seed`; a class with fewer keeps all of its photos. Draws are nested: for one seed the draw
/// of N photos holds the draw of any smaller N, so a learning curve compares growing sets, not
/// unrelated ones. perClass 0 returns the pool. The result is ascending.
std::vector<size_t> drawPerClass(const Dataset& data, const std::vector<size_t>& pool, int perClass, uint64_t seed);

/// Augmentation for inspection photos; every part can be switched off (docs/TRAINING.md).
struct AugmentConfig {
    bool enabled = true;
    double cropScaleMin = 0.35;       // random resized crop: area fraction in [min, 1]
    double cropRatio = 4.0 / 3.0;     // aspect ratio in [1/r, r]
    bool horizontalFlip = true;       // p = 0.5
    bool verticalFlip = true;         // p = 0.5 (inspection photos rarely have an "up")
    double rotateDegrees = 10.0;      // uniform in [-d, d]; 0 off; borders are reflected
    double brightness = 0.2;          // add uniform [-b, b] (in 0..1 units); 0 off
    double contrast = 0.2;            // scale about the mean by uniform [1-c, 1+c]; 0 off
    double blurProbability = 0.2;     // Gaussian blur with sigma uniform in [0.1, blurSigmaMax]
    double blurSigmaMax = 1.2;        // pixels at the output size

    Json toJson() const;
};

/// One augmented view of a cached square (src: srcSize^2 RGB8) into `out` (outSize^2 RGB8).
/// Uses only `rng`, so equal rng state gives equal pixels.
void augmentImage(const uint8_t* src, int srcSize, int outSize, const AugmentConfig& config, std::mt19937_64& rng,
                  uint8_t* out);
/// The evaluation view: the whole cached square resized to outSize (same as the model's
/// resize-shorter + centre-crop preprocessing of the original photo).
void centreView(const uint8_t* src, int srcSize, int outSize, uint8_t* out);

/// Uniform double in [0, 1) from 53 random bits (identical on every platform, unlike
/// std::uniform_real_distribution).
double uniform01(std::mt19937_64& rng);
/// Fisher-Yates shuffle with uniform01 (platform-independent).
void shuffleIndices(std::vector<size_t>& v, std::mt19937_64& rng);

}  // namespace diffclip
