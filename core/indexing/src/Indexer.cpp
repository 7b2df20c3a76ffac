#include "diffclip/indexing/Indexer.h"

#include <torch/torch.h>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <unordered_map>
#include <unordered_set>

#include "diffclip/imaging/Preprocess.h"
#include "diffclip/model/Precision.h"
#include "diffclip/model/Runtime.h"
#include "diffclip/formats/Sha256.h"
#include "diffclip/search/ExactIndex.h"

namespace fs = std::filesystem;

namespace diffclip {

namespace {

bool hasPhotoExtension(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".tif" || ext == ".tiff" || ext == ".webp" ||
           ext == ".bmp";
}

struct Candidate {
    std::string path;
    int64_t size = 0;
    int64_t mtimeNs = 0;
    bool known = false;  // the path is already in the library
};

// One decoded (or failed) photo of a batch.
struct Prepared {
    Candidate file;
    std::string hash;
    int width = 0, height = 0;
    at::Tensor input;   // (3, S, S), undefined on failure
    std::string error;  // why it failed
};

std::vector<Prepared> prepareBatch(const std::vector<Candidate>& files, size_t begin, size_t end,
                                   const PreprocessConfig& pre, const DecodeOptions& decode, int64_t imageSize) {
    std::vector<Prepared> out;
    for (size_t i = begin; i < end; ++i) {
        Prepared p;
        p.file = files[i];
        std::ifstream in(p.file.path, std::ios::binary);
        std::string bytes;
        if (!in) {
            p.error = "cannot open the file";
        } else if (p.file.size > (int64_t(1) << 30)) {
            p.error = "larger than 1 GiB";
        } else {
            bytes.resize(size_t(p.file.size));
            if (!in.read(bytes.data(), std::streamsize(bytes.size()))) p.error = "read error";
        }
        if (p.error.empty()) {
            p.hash = sha256Hex(bytes);
            auto img = decodeImage(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), decode);
            if (!img) {
                p.error = img.error().message;
            } else {
                p.width = img->width;
                p.height = img->height;
                try {
                    p.input = preprocessImage(*img, pre);
                    if (p.input.size(-1) != imageSize) p.error = "the model's preprocessing does not match its input size";
                } catch (const std::exception& e) {
                    p.error = std::string("preprocessing failed: ") + e.what();
                }
            }
        }
        out.push_back(std::move(p));
    }
    return out;
}

int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

Result<std::vector<std::string>> collectPhotoPaths(const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    for (const auto& p : paths) {
        std::error_code ec;
        const fs::path path = fs::absolute(p, ec);
        auto st = fs::status(path, ec);
        if (ec || !fs::exists(st)) return makeError(ErrorCode::NotFound, p + ": no such file or folder");
        if (fs::is_regular_file(st)) {
            out.push_back(fs::weakly_canonical(path, ec).string());
            continue;
        }
        if (!fs::is_directory(st)) return makeError(ErrorCode::InvalidArgument, p + ": not a file or folder");
        fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
        if (ec) return makeError(ErrorCode::Io, p + ": " + ec.message());
        for (; it != end; it.increment(ec)) {
            if (ec) return makeError(ErrorCode::Io, p + ": " + ec.message());
            if (it->is_regular_file(ec) && hasPhotoExtension(it->path()))
                out.push_back(fs::weakly_canonical(it->path(), ec).string());
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string modelFingerprint(const LoadedModel& model, uint64_t seed) {
    std::string text = model.model->config().toJson().dump();
    if (model.format == "preset") text += "|" + model.source + "|seed=" + std::to_string(seed);
    for (const auto& [file, sum] : model.checksums)
        if (file.find("bpe_") == std::string::npos) text += "|" + sum;  // weights, not the tokenizer
    return sha256Hex(text);
}

Result<int64_t> findModelId(Library& library, const LoadedModel& model) {
    const std::string fp = modelFingerprint(model);
    auto models = library.models();
    if (!models) return models.error();
    for (const auto& m : *models)
        if (m.fingerprint == fp) return m.id;
    return makeError(ErrorCode::NotFound, "the library holds no embeddings of this model; index the photos with it first");
}

ClipModel defaultEncoder(const LoadedModel& model) {
    auto choice = prepareEncoder(model.model, c10::Device(c10::kCPU), "auto");
    if (choice) return choice->encoder;
    configureCpuThreads(at::kFloat, 0);
    return convertModel(model.model, c10::Device(c10::kCPU), at::kFloat);
}

namespace {
std::string precisionKey(const std::string& fingerprint) { return "embedding_precision:" + fingerprint; }

std::vector<std::string> splitPrecisions(const std::string& text) {
    std::vector<std::string> out;
    size_t at = 0;
    while (at < text.size()) {
        size_t comma = text.find(',', at);
        if (comma == std::string::npos) comma = text.size();
        if (comma > at) out.push_back(text.substr(at, comma - at));
        at = comma + 1;
    }
    return out;
}
}  // namespace

Result<std::vector<std::string>> embeddingPrecisions(Library& library, const LoadedModel& model) {
    auto recorded = library.setting(precisionKey(modelFingerprint(model)));
    if (!recorded) return recorded.error();
    return splitPrecisions(*recorded);
}

Result<std::string> admitEmbeddingPrecision(Library& library, const LoadedModel& model, int64_t modelId,
                                           const std::string& precision) {
    const std::string fingerprint = modelFingerprint(model);
    auto recorded = library.setting(precisionKey(fingerprint));
    if (!recorded) return recorded.error();
    std::vector<std::string> known = splitPrecisions(*recorded);
    auto counts = library.embeddingCountsByModel();
    if (!counts) return counts.error();
    int64_t stored = 0;
    for (const auto& c : *counts)
        if (c.model.id == modelId) stored = c.embeddings;
    // A record outlives deleted embeddings; with none stored, nothing can be mixed. Libraries made
    // before the record existed hold fp32 or bf16 embeddings.
    if (stored == 0) known.clear();
    else if (known.empty()) known.push_back("fp32");
    for (const auto& k : known)
        if (!embeddingPrecisionsCompatible(k, precision))
            return makeError(ErrorCode::Mismatch,
                             "the library holds " + k + " embeddings of this model, which cannot be mixed with " +
                                 precision + " ones (int8 embeddings that did not pass the check against fp32 stay "
                                             "apart): index with the same precision, or into another library");
    if (std::find(known.begin(), known.end(), precision) == known.end()) known.push_back(precision);
    std::sort(known.begin(), known.end());
    std::string joined;
    for (const auto& k : known) joined += (joined.empty() ? "" : ",") + k;
    return joined;
}

Result<IndexSummary> indexPhotos(Library& library, const LoadedModel& model, const std::vector<std::string>& paths,
                                 const IndexOptions& options, const ClipModel* givenEncoder) {
    const auto t0 = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    if (options.batchSize < 1 || options.batchSize > 4096)
        return makeError(ErrorCode::InvalidArgument, "batch size must be 1..4096");
    auto files = collectPhotoPaths(paths);
    if (!files) return files.error();
    const ModelConfig& cfg = model.model->config();
    auto modelId = library.ensureModel(model.source, modelFingerprint(model), cfg.toJson().dump(), int(cfg.embedDim));
    if (!modelId) return modelId.error();

    IndexSummary summary;
    std::vector<Candidate> todo;
    for (const auto& path : *files) {
        struct stat st {};
        Candidate c;
        c.path = path;
        if (::stat(path.c_str(), &st) == 0) {
            c.size = st.st_size;
            c.mtimeNs = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
        }
        auto known = library.findImageByPath(path);
        if (known) {
            c.known = true;
            if (known->status == ImageStatus::Ok && known->size == c.size && known->mtimeNs == c.mtimeNs) {
                auto has = library.hasEmbedding(known->id, *modelId);
                if (!has) return has.error();
                if (*has) {
                    ++summary.unchanged;
                    continue;
                }
            }
        } else if (known.error().code != ErrorCode::NotFound) {
            return known.error();
        }
        todo.push_back(std::move(c));
    }

    ClipModel encoder = givenEncoder ? *givenEncoder : ClipModel(nullptr);
    if (!encoder && !todo.empty()) encoder = defaultEncoder(model);
    // The precision record, written with the first batch.
    std::string precisions;
    if (!todo.empty()) {
        auto admitted = admitEmbeddingPrecision(library, model, *modelId, embeddingPrecision(encoder));
        if (!admitted) return admitted.error();
        precisions = *admitted;
    }
    const size_t batch = size_t(options.batchSize);
    auto launch = [&](size_t begin) {
        return std::async(std::launch::async, prepareBatch, std::cref(todo), begin, std::min(todo.size(), begin + batch),
                          cfg.preprocess, options.decode, cfg.vision.imageSize);
    };
    std::future<std::vector<Prepared>> next;
    if (!todo.empty()) next = launch(0);
    int64_t handled = 0, firstBatchPhotos = 0;
    double firstBatchEnd = 0.0;
    for (size_t begin = 0; begin < todo.size(); begin += batch) {
        std::vector<Prepared> items = next.get();
        // Decode the next batch while this one is encoded.
        if (begin + batch < todo.size()) next = launch(begin + batch);
        std::vector<at::Tensor> inputs;
        for (const auto& p : items)
            if (p.error.empty()) inputs.push_back(p.input);
        at::Tensor emb;
        if (!inputs.empty()) {
            try {
                c10::InferenceMode inference;
                emb = encoder->encodeImage(at::stack(inputs).to(encoder->device())).to(at::kCPU).contiguous();
            } catch (const std::exception& e) {
                return makeError(ErrorCode::Internal, std::string("encoding failed: ") + e.what());
            }
        }
        auto tx = library.begin();
        if (!tx) return tx.error();
        if (begin == 0)
            if (Status s = library.setSetting(precisionKey(modelFingerprint(model)), precisions); !s) return s.error();
        int64_t row = 0;
        for (const auto& p : items) {
            if (!p.error.empty()) {
                if (Status s = library.recordFailure(p.file.path, p.file.size, p.file.mtimeNs, p.error); !s) return s.error();
                ++summary.failed;
                summary.failures.push_back(FailedFile{p.file.path, p.file.size, p.file.mtimeNs, p.error});
                continue;
            }
            ImageRecord rec;
            rec.path = p.file.path;
            rec.contentHash = p.hash;
            rec.size = p.file.size;
            rec.mtimeNs = p.file.mtimeNs;
            rec.width = p.width;
            rec.height = p.height;
            rec.addedAtMs = nowMs();
            auto id = library.upsertImage(rec);
            if (!id) return id.error();
            const float* v = emb[row++].data_ptr<float>();
            if (Status s = library.putEmbedding(*id, *modelId, v, int(cfg.embedDim)); !s) return s.error();
            if (options.labelsFromFolders) {
                const std::string folder = fs::path(p.file.path).parent_path().filename().string();
                if (!folder.empty())
                    if (Status s = library.setLabel(*id, folder, LabelSource::Folder, 1.0); !s) return s.error();
            }
            auto same = library.imagesWithSameHash(p.hash);
            if (!same) return same.error();
            if (same->size() > 1) ++summary.duplicates;
            ++(p.file.known ? summary.updated : summary.added);
        }
        if (Status s = tx->commit(); !s) return s.error();
        handled += int64_t(items.size());
        if (begin == 0) {
            firstBatchEnd = elapsed();
            firstBatchPhotos = handled;
        }
        if (options.progress) options.progress(handled, int64_t(todo.size()), elapsed());
        if (options.cancel && options.cancel->load()) {
            summary.cancelled = true;
            if (next.valid()) next.wait();
            break;
        }
    }
    if (!options.metadataCsv.empty() && !summary.cancelled) {
        auto csv = library.importMetadataCsv(options.metadataCsv);
        if (!csv) return csv.error();
        summary.metadata = *csv;
    }
    summary.seconds = elapsed();
    summary.photosPerSecond = summary.seconds > 0 ? double(summary.added + summary.updated) / summary.seconds : 0.0;
    if (handled > firstBatchPhotos && summary.seconds > firstBatchEnd)
        summary.steadyPhotosPerSecond = double(handled - firstBatchPhotos) / (summary.seconds - firstBatchEnd);
    return summary;
}

Result<std::vector<float>> embedPhoto(const LoadedModel& model, const std::string& path, const DecodeOptions& decode,
                                      const ClipModel* givenEncoder) {
    auto input = loadImageForModel(path, model.model->config().preprocess, decode);
    if (!input) return input.error();
    try {
        ClipModel enc = givenEncoder ? *givenEncoder : defaultEncoder(model);
        c10::InferenceMode inference;
        at::Tensor e = enc->encodeImage(input->unsqueeze(0).to(enc->device()))[0].to(at::kCPU).contiguous();
        return std::vector<float>(e.data_ptr<float>(), e.data_ptr<float>() + e.numel());
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("encoding failed: ") + e.what());
    }
}

Result<std::vector<float>> embedText(const LoadedModel& model, const std::string& text, const ClipModel* givenEncoder) {
    if (!model.tokenizer) return makeError(ErrorCode::NotFound, "the model has no tokenizer");
    const int64_t L = model.model->config().text.contextLength;
    auto row = model.tokenizer->row(text, L);
    try {
        ClipModel enc = givenEncoder ? *givenEncoder : defaultEncoder(model);
        c10::InferenceMode inference;
        at::Tensor tokens = at::tensor(row, at::kLong).view({1, L}).to(enc->device());
        at::Tensor e = enc->encodeText(tokens)[0].to(at::kCPU).contiguous();
        return std::vector<float>(e.data_ptr<float>(), e.data_ptr<float>() + e.numel());
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("encoding failed: ") + e.what());
    }
}

}  // namespace diffclip
