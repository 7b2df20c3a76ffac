#include "diffclip/training/Dataset.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "diffclip/formats/Sha256.h"

namespace fs = std::filesystem;

namespace diffclip {

namespace {

std::string readPrompt(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
        const auto b = line.find_first_not_of(" \t\r\n"), e = line.find_last_not_of(" \t\r\n");
        if (b != std::string::npos) return line.substr(b, e - b + 1);
    }
    return {};
}

// Resize the shorter side to `size` (area filter when shrinking), then centre-crop a square.
std::vector<uint8_t> cacheSquare(const RgbImage8& img, int size) {
    cv::Mat src(img.height, img.width, CV_8UC3, const_cast<uint8_t*>(img.pixels.data()));
    const double scale = static_cast<double>(size) / std::min(img.width, img.height);
    const int w = std::max(size, static_cast<int>(std::lround(img.width * scale)));
    const int h = std::max(size, static_cast<int>(std::lround(img.height * scale)));
    cv::Mat resized;
    cv::resize(src, resized, cv::Size(w, h), 0, 0, scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
    cv::Mat crop = resized(cv::Rect((w - size) / 2, (h - size) / 2, size, size)).clone();
    return std::vector<uint8_t>(crop.data, crop.data + static_cast<size_t>(size) * size * 3);
}

}  // namespace

double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0); }

void shuffleIndices(std::vector<size_t>& v, std::mt19937_64& rng) {
    for (size_t i = v.size(); i > 1; --i) {
        const auto j = static_cast<size_t>(uniform01(rng) * static_cast<double>(i));
        std::swap(v[i - 1], v[std::min(j, i - 1)]);
    }
}

std::string defaultClassPrompt(const std::string& className) {
    std::string name = className;
    std::replace(name.begin(), name.end(), '_', ' ');
    std::replace(name.begin(), name.end(), '-', ' ');
    return "a photo of " + name + ".";
}

Result<std::vector<ClassFolder>> listClassTree(const std::string& root) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return makeError(ErrorCode::NotFound, root + ": no such folder");
    std::vector<std::string> classNames;
    for (const auto& entry : fs::directory_iterator(root, ec))
        if (entry.is_directory(ec) && entry.path().filename().string().rfind('.', 0) != 0)
            classNames.push_back(entry.path().filename().string());
    if (ec) return makeError(ErrorCode::Io, root + ": " + ec.message());
    std::sort(classNames.begin(), classNames.end());

    std::vector<ClassFolder> out;
    for (const auto& name : classNames) {
        ClassFolder folder;
        const fs::path dir = fs::path(root) / name;
        for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
             it.increment(ec)) {
            if (!it->is_regular_file(ec) || !hasPhotoExtension(it->path())) continue;
            folder.files.push_back(fs::relative(it->path(), root, ec).generic_string());
        }
        if (ec) return makeError(ErrorCode::Io, dir.string() + ": " + ec.message());
        if (folder.files.empty()) continue;  // a folder without photos is not a class
        std::sort(folder.files.begin(), folder.files.end());
        folder.info.name = name;
        folder.info.prompt = readPrompt(dir / "prompt.txt");
        folder.info.customPrompt = !folder.info.prompt.empty();
        if (!folder.info.customPrompt) folder.info.prompt = defaultClassPrompt(name);
        out.push_back(std::move(folder));
    }
    return out;
}

namespace {

struct Pending {
    std::string rel;
    fs::path path;
    int label;
};

// Hashes, decodes and caches `files` into a dataset of `classes`; files that cannot be read or
// decoded are listed in skipped. Refuses a class left without a decodable photo.
Result<Dataset> decodeInto(std::string root, std::vector<Pending> files, std::vector<ClassInfo> classes, int cacheSize,
                           const DecodeOptions& decode, const JobControl& job) {
    Dataset data;
    data.root = std::move(root);
    data.cacheSize = cacheSize;
    std::sort(files.begin(), files.end(), [](const Pending& a, const Pending& b) { return a.rel < b.rel; });
    job.progress.setTotal(static_cast<int64_t>(files.size()));
    int64_t finished = 0;
    for (const auto& f : files) {
        if (finished > 0) job.progress.update(finished);  // files finished before this one
        ++finished;
        if (job.cancel.cancelled()) return makeError(ErrorCode::Cancelled, "loading the photos was cancelled");
        std::ifstream in(f.path, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        if (!in && !in.eof()) {
            data.skipped.push_back(f.rel + ": cannot read");
            continue;
        }
        const std::string bytes = ss.str();
        auto img = decodeImage(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), decode);
        if (!img) {
            data.skipped.push_back(f.rel + ": " + img.error().message);
            continue;
        }
        data.samples.push_back({f.rel, sha256Hex(bytes), f.label});
        data.pixels.push_back(cacheSquare(*img, cacheSize));
    }
    job.progress.update(finished);
    if (data.samples.empty() && !files.empty())
        return makeError(ErrorCode::InvalidArgument, "none of the " + std::to_string(files.size()) +
                                                         " photos could be decoded (" + data.skipped.front() + ")");
    // Classes whose photos were all undecodable would have no samples; refuse rather than train on nothing.
    std::vector<int64_t> counts(classes.size(), 0);
    for (const auto& s : data.samples) ++counts[static_cast<size_t>(s.label)];
    for (size_t c = 0; c < classes.size(); ++c)
        if (counts[c] == 0)
            return makeError(ErrorCode::InvalidArgument, "class \"" + classes[c].name + "\" has no decodable photos");
    data.classes = std::move(classes);

    Sha256 h;
    for (const auto& s : data.samples) {
        const std::string line = s.relativePath + "\t" + s.sha256 + "\t" + data.classes[static_cast<size_t>(s.label)].name + "\n";
        h.update(line.data(), line.size());
    }
    data.fingerprint = h.hexDigest();
    return data;
}

Status checkCacheSize(int cacheSize) {
    if (cacheSize < 8 || cacheSize > 4096) return makeError(ErrorCode::InvalidArgument, "cache size must be 8..4096 pixels");
    return Status::success();
}

ClassInfo unlabelledClass() {
    ClassInfo c;
    c.name = "photos";
    c.prompt = defaultClassPrompt("photos");
    return c;
}

Result<Dataset> unlabelled(Result<Dataset> data) {
    if (data) data->labelled = false;
    return data;
}

}  // namespace

Result<Dataset> loadDataset(const std::string& root, int cacheSize, const DecodeOptions& decode,
                            const JobControl& job) {
    if (Status s = checkCacheSize(cacheSize); !s) return s.error();
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return makeError(ErrorCode::NotFound, root + ": no such folder");
    auto tree = listClassTree(root);
    if (!tree) return tree.error();
    std::vector<Pending> files;
    std::vector<ClassInfo> classes;
    for (auto& folder : *tree) {
        const int label = static_cast<int>(classes.size());
        for (auto& rel : folder.files) files.push_back({rel, fs::path(root) / rel, label});
        classes.push_back(std::move(folder.info));
    }
    if (classes.size() < 2)
        return makeError(ErrorCode::InvalidArgument, root + ": needs at least two class folders with photos");
    return decodeInto(root, std::move(files), std::move(classes), cacheSize, decode, job);
}

Result<Dataset> loadPhotoTree(const std::string& root, int cacheSize, const DecodeOptions& decode, const JobControl& job) {
    if (Status s = checkCacheSize(cacheSize); !s) return s.error();
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return makeError(ErrorCode::NotFound, root + ": no such folder");
    auto tree = listClassTree(root);
    if (!tree) return tree.error();
    if (tree->size() >= 2) return loadDataset(root, cacheSize, decode, job);
    std::vector<Pending> files;
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory(ec) && it->path().filename().string().rfind('.', 0) == 0) {
            it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file(ec) || !hasPhotoExtension(it->path())) continue;
        files.push_back({fs::relative(it->path(), root, ec).generic_string(), it->path(), 0});
    }
    if (ec) return makeError(ErrorCode::Io, root + ": " + ec.message());
    if (files.empty()) return makeError(ErrorCode::InvalidArgument, root + ": no photos below this folder");
    return unlabelled(decodeInto(root, std::move(files), {unlabelledClass()}, cacheSize, decode, job));
}

Result<Dataset> loadPhotoFiles(const std::vector<std::string>& paths, int cacheSize, const DecodeOptions& decode,
                               const JobControl& job) {
    if (Status s = checkCacheSize(cacheSize); !s) return s.error();
    std::vector<Pending> files;
    std::set<std::string> seen;
    for (const auto& p : paths) {
        const fs::path path(p);
        if (!path.is_absolute()) return makeError(ErrorCode::InvalidArgument, p + ": not an absolute path");
        const std::string rel = path.lexically_normal().generic_string().substr(1);
        if (seen.insert(rel).second) files.push_back({rel, path, 0});
    }
    if (files.empty()) return makeError(ErrorCode::InvalidArgument, "no photos given");
    return unlabelled(decodeInto("/", std::move(files), {unlabelledClass()}, cacheSize, decode, job));
}

Result<DataSplit> splitDataset(const Dataset& data, double valFraction, uint64_t seed) {
    if (!(valFraction >= 0.0 && valFraction < 1.0))
        return makeError(ErrorCode::InvalidArgument, "validation fraction must be in [0, 1)");
    // Group identical files; a group's label is the label of its first file (by path).
    std::map<std::string, std::vector<size_t>> groups;
    for (size_t i = 0; i < data.samples.size(); ++i) groups[data.samples[i].sha256].push_back(i);
    DataSplit split;
    split.seed = seed;
    split.valFraction = valFraction;
    std::vector<std::vector<const std::vector<size_t>*>> perClass(data.classes.size());
    for (const auto& [hash, members] : groups) {
        if (members.size() > 1) ++split.duplicateGroups;
        perClass[static_cast<size_t>(data.samples[members.front()].label)].push_back(&members);
    }
    for (size_t c = 0; c < perClass.size(); ++c) {
        auto& gs = perClass[c];  // in hash order: independent of file system order
        std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ULL + c + 1);
        std::vector<size_t> order(gs.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        shuffleIndices(order, rng);
        size_t total = 0;
        for (const auto* g : gs) total += g->size();
        auto want = static_cast<size_t>(std::lround(valFraction * static_cast<double>(total)));
        if (valFraction > 0.0 && total >= 2 && want == 0) want = 1;
        if (want >= total && total > 0) want = total - 1;  // keep at least one photo to train on
        size_t taken = 0;
        for (size_t i : order) {
            const auto* g = gs[i];
            const bool toVal = taken < want && taken + g->size() <= want + g->size() / 2;
            auto& side = toVal ? split.val : split.train;
            side.insert(side.end(), g->begin(), g->end());
            if (toVal) taken += g->size();
        }
    }
    std::sort(split.train.begin(), split.train.end());
    std::sort(split.val.begin(), split.val.end());
    return split;
}

std::vector<size_t> drawPerClass(const Dataset& data, const std::vector<size_t>& pool, int perClass, uint64_t seed) {
    if (perClass <= 0) return pool;
    std::vector<std::vector<size_t>> byClass(data.classes.size());
    for (size_t i : pool) byClass[static_cast<size_t>(data.samples[i].label)].push_back(i);
    std::vector<size_t> out;
    for (size_t c = 0; c < byClass.size(); ++c) {
        auto& members = byClass[c];
        std::sort(members.begin(), members.end());  // independent of the pool's order
        std::mt19937_64 rng(seed * 0xD1B54A32D192ED03ULL + c + 1);
        shuffleIndices(members, rng);
        const size_t take = std::min(members.size(), static_cast<size_t>(perClass));
        out.insert(out.end(), members.begin(), members.begin() + static_cast<std::ptrdiff_t>(take));
    }
    std::sort(out.begin(), out.end());
    return out;
}

Json AugmentConfig::toJson() const {
    Json j = Json::object();
    j["enabled"] = enabled;
    j["crop_scale_min"] = cropScaleMin;
    j["crop_ratio"] = cropRatio;
    j["horizontal_flip"] = horizontalFlip;
    j["vertical_flip"] = verticalFlip;
    j["rotate_degrees"] = rotateDegrees;
    j["brightness"] = brightness;
    j["contrast"] = contrast;
    j["blur_probability"] = blurProbability;
    j["blur_sigma_max"] = blurSigmaMax;
    return j;
}

void centreView(const uint8_t* src, int srcSize, int outSize, uint8_t* out) {
    cv::Mat s(srcSize, srcSize, CV_8UC3, const_cast<uint8_t*>(src));
    cv::Mat o(outSize, outSize, CV_8UC3, out);
    if (srcSize == outSize)
        s.copyTo(o);
    else
        cv::resize(s, o, o.size(), 0, 0, srcSize > outSize ? cv::INTER_AREA : cv::INTER_LINEAR);
}

void augmentImage(const uint8_t* src, int srcSize, int outSize, const AugmentConfig& c, std::mt19937_64& rng,
                  uint8_t* out) {
    // Every random draw happens whether or not its part is enabled, so switching one part off
    // does not change the others' draws.
    const double area = c.cropScaleMin + (1.0 - c.cropScaleMin) * uniform01(rng);
    const double logR = std::log(std::max(1.0, c.cropRatio));
    const double ratio = std::exp((2.0 * uniform01(rng) - 1.0) * logR);
    const double ux = uniform01(rng), uy = uniform01(rng);
    const bool hflip = uniform01(rng) < 0.5, vflip = uniform01(rng) < 0.5;
    const double angle = (2.0 * uniform01(rng) - 1.0) * c.rotateDegrees;
    const double bright = (2.0 * uniform01(rng) - 1.0) * c.brightness;
    const double contrast = 1.0 + (2.0 * uniform01(rng) - 1.0) * c.contrast;
    const bool blur = uniform01(rng) < c.blurProbability;
    const double sigma = 0.1 + (c.blurSigmaMax - 0.1) * uniform01(rng);
    if (!c.enabled) {
        centreView(src, srcSize, outSize, out);
        return;
    }
    const double s = static_cast<double>(srcSize);
    double cw = std::sqrt(area * ratio) * s, ch = std::sqrt(area / ratio) * s;
    cw = std::min(cw, s);
    ch = std::min(ch, s);
    const double x0 = ux * (s - cw), y0 = uy * (s - ch);
    // One affine map: output pixel -> crop (with flips) -> rotation about the crop centre.
    const double sx = cw / outSize, sy = ch / outSize;
    const double cx = x0 + cw / 2, cy = y0 + ch / 2;
    const double a = angle * CV_PI / 180.0, ca = std::cos(a), sa = std::sin(a);
    const double fx = hflip ? -1.0 : 1.0, fy = vflip ? -1.0 : 1.0;
    // src = C + R * F * S * (out - outCentre)
    const double o2 = outSize / 2.0;
    const double m00 = ca * fx * sx, m01 = -sa * fy * sy, m10 = sa * fx * sx, m11 = ca * fy * sy;
    cv::Mat M = (cv::Mat_<double>(2, 3) << m00, m01, cx - m00 * o2 - m01 * o2, m10, m11, cy - m10 * o2 - m11 * o2);
    cv::Mat in(srcSize, srcSize, CV_8UC3, const_cast<uint8_t*>(src));
    cv::Mat o(outSize, outSize, CV_8UC3, out);
    cv::warpAffine(in, o, M, o.size(), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_REFLECT_101);
    if (blur && c.blurProbability > 0.0) cv::GaussianBlur(o, o, cv::Size(0, 0), sigma);
    if (c.brightness > 0.0 || c.contrast > 0.0) {
        const cv::Scalar mean = cv::mean(o);
        const double m = (mean[0] + mean[1] + mean[2]) / 3.0;
        // v' = (v - m) * contrast + m + bright*255
        o.convertTo(o, CV_8UC3, contrast, (1.0 - contrast) * m + bright * 255.0);
    }
}

}  // namespace diffclip
