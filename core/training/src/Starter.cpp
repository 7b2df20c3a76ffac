// Starters: finding the installed ones, writing one from a pretrained package, and loading one
// into a scratch model's vision tower.
#include "diffclip/training/Starter.h"

#include "TrainInternal.h"

#include <algorithm>

#include "diffclip/formats/Sha256.h"
#include "diffclip/model/DataDirs.h"
#include "diffclip/model/Safetensors.h"

namespace diffclip {

using namespace train;

namespace {

constexpr const char* kStarterFormat = "diffclip-starter/1";

bool isVisionKey(const std::string& name) { return name.rfind("visual.", 0) == 0 || name == "image_projection"; }

}  // namespace

std::vector<std::string> starterSearchDirs() {
    std::vector<std::string> dirs;
    for (const auto& dir : installedDataDirs()) dirs.push_back((fs::path(dir) / "starters").string());
    return dirs;
}

bool starterFits(const ModelConfig& from, const ModelConfig& to) {
    const VisionConfig &a = from.vision, &b = to.vision;
    return from.attention == to.attention && a.width == b.width && a.depth == b.depth && a.heads == b.heads &&
           a.patchSize == b.patchSize && a.stemChannels == b.stemChannels && a.mlpRatio == b.mlpRatio &&
           a.normEps == b.normEps && from.embedDim == to.embedDim;
}

Result<StarterInfo> readStarter(const std::string& dir) {
    const fs::path root(dir);
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return makeError(ErrorCode::NotFound, dir + ": no such starter folder");
    auto cfg = ModelConfig::fromFile((root / "config.json").string());
    if (!cfg) return makeError(cfg.error().code, dir + ": " + cfg.error().message);
    auto manifest = readJsonFile(root / "starter.json");
    if (!manifest) return manifest.error();
    const Json* format = jsonFind(*manifest, "format");
    const Json* sha = jsonFind(*manifest, "sha256");
    if (!format || !format->is_string() || format->get<std::string>() != kStarterFormat || !sha || !sha->is_string())
        return makeError(ErrorCode::Format, dir + "/starter.json: not a " + std::string(kStarterFormat) + " manifest with a sha256");
    if (!fs::is_regular_file(root / "model.safetensors", ec))
        return makeError(ErrorCode::NotFound, dir + ": model.safetensors is missing");
    StarterInfo info;
    info.dir = root.string();
    info.name = root.filename().string();
    info.config = *cfg;
    info.manifest = *manifest;
    return info;
}

std::optional<StarterInfo> findStarter(const ModelConfig& config) {
    for (const auto& base : starterSearchDirs()) {
        std::error_code ec;
        std::vector<fs::path> folders;
        for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec))
            if (it->is_directory(ec)) folders.push_back(it->path());
        std::sort(folders.begin(), folders.end());
        for (const auto& f : folders) {
            auto s = readStarter(f.string());
            if (s && starterFits(s->config, config)) return *s;
        }
    }
    return std::nullopt;
}

Status exportStarter(const std::string& package, const std::string& outDir, const Json& provenance, bool overwrite) {
    const fs::path src(package), out = fs::absolute(outDir);
    std::error_code ec;
    if (fs::exists(out, ec) && !overwrite) return makeError(ErrorCode::Io, out.string() + " already exists (use --overwrite)");
    auto cfg = ModelConfig::fromFile((src / "config.json").string());
    if (!cfg) return cfg.error();
    auto weights = readSafetensors((src / "model.safetensors").string());
    if (!weights) return weights.error();
    StateDict vision;
    try {
        for (const auto& [name, t] : weights->tensors)
            if (isVisionKey(name)) vision.emplace_back(name, t.to(at::kHalf));
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Format, package + ": " + e.what());
    }
    if (vision.empty()) return makeError(ErrorCode::Format, package + ": no vision tower weights");
    const fs::path tmp = out.string() + ".tmp";
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    if (ec) return makeError(ErrorCode::Io, "creating " + tmp.string() + ": " + ec.message());
    auto fail = [&](const Error& e) {
        fs::remove_all(tmp, ec);
        return e;
    };
    if (Status s = writeSafetensors((tmp / "model.safetensors").string(), vision, {{"format", "diffclip-starter"}}); !s)
        return fail(s.error());
    auto sha = sha256File((tmp / "model.safetensors").string());
    if (!sha) return fail(sha.error());
    if (Status s = writeTextAtomic(tmp / "config.json", cfg->toJson().dump(2) + "\n"); !s) return fail(s.error());
    Json manifest = provenance.is_object() ? provenance : Json::object();
    manifest["format"] = kStarterFormat;
    manifest["sha256"] = *sha;
    manifest["tensors"] = "visual.*, image_projection (fp16)";
    if (Status s = writeTextAtomic(tmp / "starter.json", manifest.dump(2) + "\n"); !s) return fail(s.error());
    if (overwrite) fs::remove_all(out, ec);
    fs::rename(tmp, out, ec);
    if (ec) return fail(makeError(ErrorCode::Io, "renaming " + tmp.string() + " to " + out.string() + ": " + ec.message()));
    return Status::success();
}

Result<Json> applyStarter(ClipModel& model, const StarterInfo& starter) {
    const std::string file = (fs::path(starter.dir) / "model.safetensors").string();
    if (!starterFits(starter.config, model->config()))
        return makeError(ErrorCode::Mismatch, starter.dir + ": its vision tower does not fit " + model->config().name);
    auto sha = sha256File(file);
    if (!sha) return sha.error();
    const std::string expected = jsonFind(starter.manifest, "sha256")->get<std::string>();
    if (*sha != expected)
        return makeError(ErrorCode::Format, file + ": checksum " + sha->substr(0, 12) + "... does not match starter.json (" +
                                                expected.substr(0, 12) + "...): the file is damaged or was replaced");
    auto weights = readSafetensors(file);
    if (!weights) return weights.error();
    StateDict dict = model->weights();
    const int64_t grid = model->config().vision.gridSize();
    int64_t loaded = 0;
    for (auto& [name, t] : dict) {
        if (!isVisionKey(name)) continue;
        auto it = std::find_if(weights->tensors.begin(), weights->tensors.end(), [&](const auto& w) { return w.first == name; });
        if (it == weights->tensors.end()) return makeError(ErrorCode::Format, file + ": " + name + " is missing");
        at::Tensor w = it->second.to(at::kFloat);
        if (name == "visual.pos_embed" && w.dim() == 3 && w.size(1) != t.size(1)) {
            // Another resolution: the grid of position embeddings is resized bicubically (as ViT
            // fine-tuning at a new resolution does); the class token's position is kept.
            const auto from = static_cast<int64_t>(std::llround(std::sqrt(double(w.size(1) - 1))));
            if (from * from != w.size(1) - 1) return makeError(ErrorCode::Format, file + ": pos_embed is not a square grid");
            at::Tensor g = w.narrow(1, 1, from * from).reshape({1, from, from, -1}).permute({0, 3, 1, 2});
            g = torch::nn::functional::interpolate(
                g, torch::nn::functional::InterpolateFuncOptions().size(std::vector<int64_t>{grid, grid}).mode(torch::kBicubic).align_corners(false));
            w = at::cat({w.narrow(1, 0, 1), g.permute({0, 2, 3, 1}).reshape({1, grid * grid, -1})}, 1);
        }
        if (w.sizes() != t.sizes()) return makeError(ErrorCode::Mismatch, file + ": " + name + " has the wrong shape");
        t = w;
        ++loaded;
    }
    if (Status s = model->loadWeights(dict); !s) return s.error();
    Json j = Json::object();
    j["kind"] = "starter";
    j["starter"] = starter.name;
    j["dir"] = starter.dir;
    j["sha256"] = *sha;
    j["tensors"] = loaded;
    if (const Json* p = jsonFind(starter.manifest, "pretraining")) j["pretraining"] = *p;
    return j;
}

}  // namespace diffclip
