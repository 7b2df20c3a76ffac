#include "diffclip/registry/RegistryImport.h"

#include <filesystem>
#include <system_error>

#include "diffclip/model/ModelIO.h"
#include "diffclip/registry/ModelRegistry.h"

namespace diffclip {

Result<std::string> importIntoRegistry(const std::string& registryRoot, const std::string& spec,
                                       const std::string& tokenizerPath, const JobControl& job) {
    namespace fs = std::filesystem;
    if (registryRoot.empty()) return makeError(ErrorCode::InvalidArgument, "no model registry folder given");
    job.progress.stage("read");
    LoadOptions options;
    options.tokenizerPath = tokenizerPath;
    auto model = loadModel(spec, options);
    if (!model) return model.error();
    if (job.cancel.cancelled()) return CancelToken::error("importing " + spec);
    std::error_code ec;
    fs::create_directories(registryRoot, ec);
    if (ec) return makeError(ErrorCode::Io, "cannot create the model registry " + registryRoot + ": " + ec.message());
    // Name the version after the model; a nameless one after its file.
    std::string name = model->model->config().name;
    if (name.empty()) {
        fs::path p(spec);
        if (p.filename().empty()) p = p.parent_path();
        name = p.has_extension() && !fs::is_directory(p, ec) ? p.stem().string() : p.filename().string();
    }
    const std::string dir = (fs::path(registryRoot) / uniqueRegistryId(registryRoot, name)).string();
    if (Status s = writePackage(*model, dir, model->tokenizerPath, false, job); !s) return s.error();
    return readRegistryEntry(dir).path;
}

}  // namespace diffclip
