#include "diffclip/registry/ModelRegistry.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

#include "diffclip/formats/Json.h"

namespace diffclip {

namespace fs = std::filesystem;

namespace {

// config.json and training.json are small; anything larger is not ours.
constexpr uintmax_t kMaxJsonBytes = 16u << 20;
constexpr const char* kTrashPrefix = ".trash-";

std::string normalPath(const std::string& p) {
    std::error_code ec;
    fs::path abs = fs::absolute(fs::path(p), ec);
    if (ec) abs = fs::path(p);
    std::string s = abs.lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

int64_t toUnixMs(fs::file_time_type t) {
    // C++17 has no clock_cast: carry the offset between the file clock and the system clock.
    const auto now = fs::file_time_type::clock::now();
    const auto sys = std::chrono::system_clock::now() +
                     std::chrono::duration_cast<std::chrono::system_clock::duration>(t - now);
    return std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
}

// Reads a small JSON object file. Empty error text: success.
std::string readJsonObject(const fs::path& file, Json& out) {
    std::error_code ec;
    const uintmax_t size = fs::file_size(file, ec);
    if (ec) return file.filename().string() + " cannot be read: " + ec.message();
    if (size > kMaxJsonBytes) return file.filename().string() + " is too large (" + std::to_string(size) + " bytes)";
    std::ifstream in(file, std::ios::binary);
    if (!in) return file.filename().string() + " cannot be opened";
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return file.filename().string() + " cannot be read";
    auto parsed = parseJson(ss.str());
    if (!parsed) return file.filename().string() + " is not valid JSON (" + parsed.error().message + ")";
    if (!parsed->is_object()) return file.filename().string() + " is not a JSON object";
    out = std::move(parsed).value();
    return {};
}

std::string stringAt(const Json& j, std::string_view key) {
    const Json* v = jsonFind(j, key);
    return v && v->is_string() ? v->get<std::string>() : std::string();
}

// A positive integer member, else 0 (strings, fractions, negatives and huge values are ignored).
int64_t positiveIntAt(const Json& j, std::string_view key) {
    const Json* v = jsonFind(j, key);
    if (!v || !v->is_number()) return 0;
    const auto d = v->get<double>();
    if (!(d >= 1 && d <= 1e9) || d != static_cast<double>(static_cast<int64_t>(d))) return 0;
    return static_cast<int64_t>(d);
}

// A finite number member; false when absent or not a number.
bool numberAt(const Json& j, std::string_view key, double& out) {
    const Json* v = jsonFind(j, key);
    if (!v || !v->is_number()) return false;
    const auto d = v->get<double>();
    if (!(d == d) || d > 1e300 || d < -1e300) return false;
    out = d;
    return true;
}

// Printable one-line text: control characters (and newlines) become spaces, length bounded.
std::string cleanText(const std::string& s, size_t maxBytes = 200) {
    std::string out;
    out.reserve(std::min(s.size(), maxBytes));
    for (unsigned char c : s) {
        if (out.size() >= maxBytes) break;
        out.push_back(c < 0x20 || c == 0x7f ? ' ' : static_cast<char>(c));
    }
    if (out.size() < s.size()) {
        // Truncated: do not end inside a UTF-8 sequence.
        while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
        if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
    }
    return out;
}

bool isHex64(const std::string& s) {
    if (s.size() != 64) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

void readConfig(const Json& cfg, RegistryEntry& e) {
    e.displayName = cleanText(stringAt(cfg, "name"));
    const Json* att = jsonFind(cfg, "attention");
    e.attention = att && att->is_string() ? cleanText(att->get<std::string>(), 32) : std::string("differential");
    e.embedDim = positiveIntAt(cfg, "embed_dim");
    std::string arch = e.attention;
    if (const Json* v = jsonFind(cfg, "vision")) {
        const int64_t img = positiveIntAt(*v, "img_size"), patch = positiveIntAt(*v, "patch_size");
        const int64_t width = positiveIntAt(*v, "embed_dim"), depth = positiveIntAt(*v, "depth");
        e.imageSize = img;
        e.patchSize = patch;
        e.visionWidth = width;
        e.visionDepth = depth;
        if (img && patch) arch += ", ViT " + std::to_string(img) + " px / patch " + std::to_string(patch);
        if (width && depth) arch += ", width " + std::to_string(width) + " \xC3\x97 " + std::to_string(depth);
    }
    if (e.embedDim) arch += ", embed " + std::to_string(e.embedDim);
    e.architecture = arch;
}

void readTraining(const Json& t, RegistryEntry& e) {
    e.hasTraining = true;
    if (const Json* p = jsonFind(t, "parent")) e.parentSpec = cleanText(stringAt(*p, "spec"), 4096);
    e.recipeMode = cleanText(stringAt(t, "mode"), 40);
    if (e.recipeMode.empty())
        if (const Json* r = jsonFind(t, "recipe")) e.recipeMode = cleanText(stringAt(*r, "mode"), 40);
    if (const Json* d = jsonFind(t, "data")) {
        const std::string fp = stringAt(*d, "fingerprint");
        if (isHex64(fp)) e.dataFingerprint = fp;
    }
    if (const Json* after = jsonFind(t, "after")) {
        double v = 0;
        if (numberAt(*after, "top1", v)) e.metrics.push_back({"val top-1", v});
        if (numberAt(*after, "top5", v)) e.metrics.push_back({"val top-5", v});
        if (const Json* ir = jsonFind(*after, "image_recall"))
            if (numberAt(*ir, "r@1", v)) e.metrics.push_back({"image R@1", v});
    }
    if (const Json* before = jsonFind(t, "before")) {
        double v = 0;
        if (numberAt(*before, "top1", v)) e.metrics.push_back({"before top-1", v});
    }
    const std::string w = stringAt(t, "weights_sha256");
    if (isHex64(w)) e.weightsFingerprint = w;
}

bool skippedName(const std::string& name) {
    if (name.empty() || name[0] == '.') return true;
    if (name.find(".tmp-") != std::string::npos) return true;  // writePackage's folder being written
    const std::string partial = ".partial";
    return name.size() >= partial.size() && name.compare(name.size() - partial.size(), partial.size(), partial) == 0;
}

std::string sanitiseId(const std::string& name) {
    std::string out;
    for (unsigned char c : name) {
        if (out.size() >= 60) break;
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '_' || c == '.';
        const char ch = keep ? static_cast<char>(c) : '-';
        if (ch == '-' && !out.empty() && out.back() == '-') continue;  // no runs of dashes
        out.push_back(ch);
    }
    while (!out.empty() && (out.front() == '.' || out.front() == '-')) out.erase(out.begin());
    while (!out.empty() && (out.back() == '-' || out.back() == '.')) out.pop_back();
    // ".partial" would hide it from the listing.
    const std::string partial = ".partial";
    if (out.size() >= partial.size() && out.compare(out.size() - partial.size(), partial.size(), partial) == 0)
        out.replace(out.size() - partial.size(), 1, "-");
    return out.empty() ? std::string("model") : out;
}

}  // namespace

RegistryEntry readRegistryEntry(const std::string& packageDir) {
    RegistryEntry e;
    e.path = normalPath(packageDir);
    e.id = fs::path(e.path).filename().string();
    std::error_code ec;
    const fs::path dir(e.path);
    if (!fs::is_directory(dir, ec)) {
        e.problem = "not a folder";
        e.displayName = e.id;
        return e;
    }
    if (auto t = fs::last_write_time(dir, ec); !ec) e.createdAtMs = toUnixMs(t);

    std::vector<std::string> problems;
    const fs::path weights = dir / "model.safetensors";
    if (fs::is_regular_file(weights, ec)) {
        const uintmax_t size = fs::file_size(weights, ec);
        if (!ec) e.weightsBytes = static_cast<int64_t>(size);
        if (auto t = fs::last_write_time(weights, ec); !ec) e.createdAtMs = toUnixMs(t);
        if (e.weightsBytes < 8) problems.push_back("model.safetensors is empty or truncated");
    } else {
        problems.push_back("model.safetensors is missing");
    }

    const fs::path config = dir / "config.json";
    if (fs::is_regular_file(config, ec)) {
        Json cfg;
        if (std::string err = readJsonObject(config, cfg); !err.empty())
            problems.push_back(err);
        else
            readConfig(cfg, e);
    } else {
        problems.push_back("config.json is missing");
    }

    const fs::path training = dir / "training.json";
    if (fs::exists(training, ec)) {
        Json t;
        // A damaged training record leaves the model usable: only its history is unknown.
        if (std::string err = readJsonObject(training, t); err.empty()) readTraining(t, e);
    }
    if (e.displayName.empty()) e.displayName = e.id;
    if (!problems.empty()) {
        e.problem = problems.front();
        for (size_t i = 1; i < problems.size(); ++i) e.problem += "; " + problems[i];
    }
    e.usable = problems.empty();
    return e;
}

Result<std::vector<RegistryEntry>> listRegistry(const std::string& root) {
    std::vector<RegistryEntry> out;
    std::error_code ec;
    const fs::path r(normalPath(root));
    if (!fs::exists(r, ec)) return out;
    if (!fs::is_directory(r, ec)) return makeError(ErrorCode::InvalidArgument, r.string() + " is not a folder");
    fs::directory_iterator it(r, ec), end;
    if (ec) return makeError(ErrorCode::Io, r.string() + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
        if (ec) return makeError(ErrorCode::Io, r.string() + ": " + ec.message());
        const std::string name = it->path().filename().string();
        if (skippedName(name)) continue;
        std::error_code sec;
        if (!it->is_directory(sec)) continue;  // stray files are not versions
        out.push_back(readRegistryEntry(it->path().string()));
    }
    // Parents inside the registry, by path.
    for (auto& e : out) {
        if (e.parentSpec.empty()) continue;
        const std::string parent = normalPath(e.parentSpec);
        for (const auto& p : out)
            if (&p != &e && p.path == parent) e.parentId = p.id;
    }
    std::sort(out.begin(), out.end(), [](const RegistryEntry& a, const RegistryEntry& b) {
        return a.createdAtMs != b.createdAtMs ? a.createdAtMs > b.createdAtMs : a.id < b.id;
    });
    return out;
}

bool isInsideRegistry(const std::string& root, const std::string& path) {
    if (root.empty() || path.empty()) return false;
    const fs::path r(normalPath(root));
    const fs::path p(normalPath(path));
    return p.has_parent_path() && p.parent_path() == r && p.filename() != "." && p.filename() != "..";
}

Status removeRegistryVersion(const std::string& root, const std::string& packageDir) {
    if (!isInsideRegistry(root, packageDir))
        return makeError(ErrorCode::InvalidArgument,
                         packageDir + " is not a model version inside the registry " + root + "; not deleting it");
    const fs::path r(normalPath(root));
    const fs::path p(normalPath(packageDir));
    std::error_code ec;
    const auto st = fs::symlink_status(p, ec);
    if (ec || !fs::exists(st)) return makeError(ErrorCode::NotFound, p.string() + " does not exist");
    if (!fs::is_directory(st)) return makeError(ErrorCode::InvalidArgument, p.string() + " is not a folder");

    // Left-overs of an earlier interrupted delete go first.
    for (fs::directory_iterator it(r, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind(kTrashPrefix, 0) == 0) {
            std::error_code rec;
            fs::remove_all(it->path(), rec);
        }
    }
    std::random_device rd;
    fs::path trash;
    for (int attempt = 0; attempt < 8; ++attempt) {
        trash = r / (std::string(kTrashPrefix) + p.filename().string() + "-" + std::to_string(rd() % 1000000));
        if (!fs::exists(trash, ec)) break;
    }
    fs::rename(p, trash, ec);
    if (ec) return makeError(ErrorCode::Io, "cannot move " + p.string() + " aside: " + ec.message());
    fs::remove_all(trash, ec);
    if (ec) return makeError(ErrorCode::Io, "moved " + p.string() + " aside but could not delete it: " + ec.message());
    return Status::success();
}

std::string uniqueRegistryId(const std::string& root, const std::string& name) {
    const std::string base = sanitiseId(name);
    const fs::path r(normalPath(root));
    std::error_code ec;
    if (!fs::exists(r / base, ec) && !fs::exists(r / (base + ".partial"), ec)) return base;
    for (int n = 2;; ++n) {
        const std::string id = base + "-" + std::to_string(n);
        if (!fs::exists(r / id, ec) && !fs::exists(r / (id + ".partial"), ec)) return id;
    }
}

}  // namespace diffclip
