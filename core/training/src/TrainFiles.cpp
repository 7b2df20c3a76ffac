// Files of a run: atomic text writes, JSON reads and the weight archives of checkpoints.
#include "TrainInternal.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace diffclip::train {

Status writeTextAtomic(const fs::path& path, const std::string& text) {
    const fs::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary);
        out << text;
        out.flush();
        if (!out) return makeError(ErrorCode::Io, "writing " + tmp.string() + " failed (disk full?)");
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) return makeError(ErrorCode::Io, "renaming " + tmp.string() + ": " + ec.message());
    return Status::success();
}

Result<Json> readJsonFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(ErrorCode::NotFound, path.string() + ": cannot open");
    std::stringstream ss;
    ss << in.rdbuf();
    auto j = parseJson(ss.str());
    if (!j) return makeError(ErrorCode::Format, path.string() + ": " + j.error().message);
    return j;
}

std::string stateText(const Json& state, const char* key) {
    const Json* v = jsonFind(state, key);
    return v && v->is_string() ? v->get<std::string>() : std::string();
}

double stateNumber(const Json& state, const char* key) {
    const Json* v = jsonFind(state, key);
    return v && v->is_number() ? v->get<double>() : 0.0;
}

bool stateFlag(const Json& state, const char* key) {
    const Json* v = jsonFind(state, key);
    return v && v->is_boolean() && v->get<bool>();
}

std::string archiveKey(const std::string& name) {
    std::string k = name;  // archive attribute names may not contain '.'
    std::replace(k.begin(), k.end(), '.', '|');
    return "w|" + k;
}

Status saveWeights(const ClipModel& model, const fs::path& path) {
    try {
        torch::serialize::OutputArchive ar;
        for (const auto& p : model->named_parameters()) ar.write(archiveKey(p.key()), p.value().detach().cpu());
        const fs::path tmp = path.string() + ".tmp";
        ar.save_to(tmp.string());
        std::error_code ec;
        fs::rename(tmp, path, ec);
        if (ec) return makeError(ErrorCode::Io, "renaming " + tmp.string() + ": " + ec.message());
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Io, "writing " + path.string() + ": " + e.what());
    }
    return Status::success();
}

void readWeights(torch::serialize::InputArchive& ar, ClipModel& model) {
    torch::NoGradGuard ng;
    for (auto& p : model->named_parameters()) {
        at::Tensor t;
        ar.read(archiveKey(p.key()), t);
        p.value().copy_(t);
    }
}

Status loadWeightsFile(ClipModel& model, const fs::path& path) {
    try {
        torch::serialize::InputArchive ar;
        ar.load_from(path.string());
        readWeights(ar, model);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Format, path.string() + ": " + e.what());
    }
    return Status::success();
}

}  // namespace diffclip::train
