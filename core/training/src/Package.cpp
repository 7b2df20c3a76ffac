// The result: class head (classes.json), the training.json parts on data and parent, and the
// atomic install of the package.
#include "TrainInternal.h"

namespace diffclip::train {

Json classesJson(const Dataset& data, const at::Tensor& embeddings, const std::string& kind) {
    Json list = Json::array();
    auto e = embeddings.contiguous().to(torch::kFloat).cpu();
    for (size_t c = 0; c < data.classes.size(); ++c) {
        Json item = Json::object();
        item["name"] = data.classes[c].name;
        item["prompt"] = data.classes[c].prompt;
        item["custom_prompt"] = data.classes[c].customPrompt;
        Json v = Json::array();
        for (int64_t k = 0; k < e.size(1); ++k) v.push_back(static_cast<double>(e[static_cast<int64_t>(c)][k].item<float>()));
        item["embedding"] = v;
        list.push_back(item);
    }
    Json j = Json::object();
    j["format"] = "diffclip-class-head/1";
    j["kind"] = kind;
    j["classes"] = list;
    return j;
}

Result<fs::path> stagePackage(const ClipModel& model, const std::string& mergesPath, const std::string& source,
                              const fs::path& ckpt) {
    std::error_code ec;
    const fs::path staging = ckpt / "package";
    fs::remove_all(staging, ec);
    LoadedModel lm;
    lm.model = model;
    lm.source = source;
    if (Status s = writePackage(lm, staging.string(), mergesPath, true); !s) return s.error();
    return staging;
}

Status installPackage(const ClipModel& model, const std::string& mergesPath, const std::string& source,
                      const fs::path& ckpt, const fs::path& out, const Json& training, const Json& classes,
                      bool overwrite) {
    std::error_code ec;
    auto staged = stagePackage(model, mergesPath, source, ckpt);
    if (!staged) return staged.error();
    const fs::path& staging = *staged;
    if (Status s = writeTextAtomic(staging / "training.json", dumpJson(training, 2) + "\n"); !s) return s;
    if (Status s = writeTextAtomic(staging / "classes.json", dumpJson(classes) + "\n"); !s) return s;
    if (fs::exists(out, ec)) {
        if (!overwrite) return makeError(ErrorCode::Io, out.string() + " already exists (use --overwrite)");
        if (!isPackage(out.string()))
            return makeError(ErrorCode::Io, out.string() + " exists and is not a model package; not replacing it");
        fs::remove_all(out, ec);
        if (ec) return makeError(ErrorCode::Io, "removing the old " + out.string() + ": " + ec.message());
    }
    fs::rename(staging, out, ec);
    if (ec) return makeError(ErrorCode::Io, "renaming into " + out.string() + ": " + ec.message());
    return Status::success();
}

Json dataJson(const Dataset& data, const DataSplit& split) {
    std::vector<int64_t> tr(data.classes.size(), 0), va(data.classes.size(), 0);
    for (size_t i : split.train) ++tr[static_cast<size_t>(data.samples[i].label)];
    for (size_t i : split.val) ++va[static_cast<size_t>(data.samples[i].label)];
    Json cls = Json::array();
    for (size_t c = 0; c < data.classes.size(); ++c) {
        Json e = Json::object();
        e["name"] = data.classes[c].name;
        e["prompt"] = data.classes[c].prompt;
        e["train"] = tr[c];
        e["val"] = va[c];
        cls.push_back(e);
    }
    Json j = Json::object();
    j["root"] = data.root;
    j["fingerprint"] = data.fingerprint;
    j["photos"] = static_cast<int64_t>(data.samples.size());
    j["classes"] = cls;
    j["skipped"] = static_cast<int64_t>(data.skipped.size());
    Json sk = Json::array();
    for (size_t i = 0; i < data.skipped.size() && i < 20; ++i) sk.push_back(data.skipped[i]);
    j["skipped_examples"] = sk;
    Json s = Json::object();
    s["seed"] = static_cast<uint64_t>(split.seed);
    s["val_fraction"] = split.valFraction;
    s["train"] = static_cast<int64_t>(split.train.size());
    s["val"] = static_cast<int64_t>(split.val.size());
    s["duplicate_groups"] = split.duplicateGroups;
    j["split"] = s;
    return j;
}

Json parentJson(const LoadedModel& m) {
    Json p = Json::object();
    p["spec"] = m.source;
    p["format"] = m.format;
    p["name"] = m.model->config().name;
    p["attention"] = attentionKindName(m.model->config().attention);
    Json sums = Json::object();
    for (const auto& [file, sha] : m.checksums) sums[file] = sha;
    p["checksums"] = sums;
    return p;
}

}  // namespace diffclip::train
