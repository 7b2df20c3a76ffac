#include "diffclip/indexing/Indexer.h"

#include <torch/torch.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "diffclip/base/ProcessIdentity.h"
#include "diffclip/imaging/ImageDecode.h"
#include "diffclip/imaging/Preprocess.h"
#include "diffclip/model/Precision.h"
#include "diffclip/model/Runtime.h"
#include "diffclip/formats/Json.h"
#include "diffclip/formats/Sha256.h"
#include "diffclip/search/ExactIndex.h"

namespace fs = std::filesystem;

namespace diffclip {

namespace {

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
    FailureCode code = FailureCode::Unknown;
};

// The code of a photo decodeImage refused: the probe tells a file that is no image of ours (or
// whose header is broken) from a picture too large or with broken data.
FailureCode decodeFailureCode(const Error& error, const std::string& bytes, const DecodeOptions& decode) {
    if (error.code == ErrorCode::OutOfMemory) return FailureCode::OutOfMemory;
    auto info = probeImage(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    if (!info) return FailureCode::NotAnImage;
    if (uint64_t(info->width) * uint64_t(info->height) > decode.maxPixels) return FailureCode::TooLarge;
    return FailureCode::Damaged;
}

std::vector<Prepared> prepareBatch(const std::vector<Candidate>& files, const PreprocessConfig& pre,
                                   const DecodeOptions& decode, int64_t imageSize) {
    std::vector<Prepared> out;
    for (const Candidate& file : files) {
        Prepared p;
        p.file = file;
        std::ifstream in(p.file.path, std::ios::binary);
        std::string bytes;
        if (!in) {
            p.error = "cannot open the file";
            p.code = FailureCode::Unreadable;
        } else if (p.file.size > (int64_t(1) << 30)) {
            p.error = "larger than 1 GiB";
            p.code = FailureCode::TooLarge;
        } else {
            bytes.resize(size_t(p.file.size));
            if (!in.read(bytes.data(), std::streamsize(bytes.size()))) {
                p.error = "read error";
                p.code = FailureCode::Unreadable;
            }
        }
        if (p.error.empty()) {
            p.hash = sha256Hex(bytes);
            auto img = decodeImage(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), decode);
            if (!img) {
                p.error = img.error().message;
                p.code = decodeFailureCode(img.error(), bytes, decode);
            } else {
                p.width = img->width;
                p.height = img->height;
                try {
                    p.input = preprocessImage(*img, pre);
                    if (p.input.size(-1) != imageSize) {
                        p.error = "the model's preprocessing does not match its input size";
                        p.code = FailureCode::ModelInput;
                    }
                } catch (const std::exception& e) {
                    p.error = std::string("preprocessing failed: ") + e.what();
                    p.code = FailureCode::ModelInput;
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

// How long a claim holds without renewal (a run renews after every batch, so a batch must take
// less), and how often a run waiting for photos another run holds asks again. The run id
// (newRunId, ProcessIdentity.h) names this process, so that a run on this machine takes over the
// claims of a killed one at once instead of waiting for them to expire.
constexpr int64_t kClaimTtlMs = 2 * 60 * 1000;
constexpr auto kClaimPoll = std::chrono::milliseconds(200);

// Hands out a run's photos in claimed batches (Library::claimPaths), so that runs indexing one
// library at once never embed the same photo. A photo another run holds goes to the back and is
// asked for again once the fresh ones are out; one another run has finished, or that turns out
// stored when claimed, counts as indexed by another run.
class ClaimQueue {
public:
    ClaimQueue(Library& library, std::vector<Candidate> todo, int64_t modelId)
        : m_library(library), m_todo(std::move(todo)), m_modelId(modelId), m_runId(newRunId()) {}
    ~ClaimQueue() {
        if (m_claimed) (void)m_library.releaseClaims(m_runId);  // best effort: they expire anyway
    }
    ClaimQueue(const ClaimQueue&) = delete;
    ClaimQueue& operator=(const ClaimQueue&) = delete;

    size_t size() const { return m_todo.size(); }
    int64_t byAnotherRun() const { return m_byAnotherRun; }
    const std::string& runId() const { return m_runId; }

    // Up to `n` photos now claimed by this run. With `wait`, polls while only photos held by
    // other runs are left (call it holding no unfinished claim, or two runs could wait for each
    // other until the claims expire); without, returns what is free now (maybe nothing).
    // ErrorCode::Cancelled when `cancel` fires while waiting.
    Result<std::vector<Candidate>> take(size_t n, bool wait, const CancelToken& cancel) {
        std::vector<Candidate> out;
        size_t fruitless = 0;  // deferred photos asked for in a row, all still held elsewhere
        while (out.size() < n) {
            std::vector<Candidate> ask;
            const bool fresh = m_next < m_todo.size();
            if (fresh) {
                while (ask.size() < n - out.size() && m_next < m_todo.size()) ask.push_back(m_todo[m_next++]);
            } else if (m_deferred.empty()) {
                break;
            } else if (fruitless >= m_deferred.size()) {  // a whole round without progress
                if (!out.empty() || !wait) break;
                if (cancel.cancelled()) return CancelToken::error("indexing");
                std::this_thread::sleep_for(kClaimPoll);
                fruitless = 0;
                continue;
            } else {
                const size_t k = std::min(n - out.size(), m_deferred.size());
                ask.assign(m_deferred.begin(), m_deferred.begin() + std::ptrdiff_t(k));
                m_deferred.erase(m_deferred.begin(), m_deferred.begin() + std::ptrdiff_t(k));
            }
            std::vector<std::string> paths;
            for (const Candidate& c : ask) paths.push_back(c.path);
            auto claims = m_library.claimPaths(paths, m_modelId, m_runId, kClaimTtlMs);
            if (!claims) return claims.error();
            m_claimed = true;
            std::vector<std::string> storedMeanwhile;
            bool progress = false;
            for (size_t i = 0; i < ask.size(); ++i) {
                if ((*claims)[i] == Library::Claim::Busy) {
                    m_deferred.push_back(std::move(ask[i]));
                    continue;
                }
                progress = true;
                if ((*claims)[i] == Library::Claim::Done) {
                    ++m_byAnotherRun;
                    continue;
                }
                auto stored = storedNow(ask[i]);
                if (!stored) return stored.error();
                if (*stored) {
                    ++m_byAnotherRun;
                    storedMeanwhile.push_back(ask[i].path);
                } else {
                    out.push_back(std::move(ask[i]));
                }
            }
            if (!storedMeanwhile.empty())
                if (Status s = m_library.finishClaims(storedMeanwhile, m_modelId, m_runId, kClaimTtlMs); !s)
                    return s.error();
            if (!fresh) fruitless = progress ? 0 : fruitless + ask.size();
        }
        return out;
    }

private:
    // Whether another run stored the photo, unchanged and embedded, after this run's scan (its
    // claim has expired since, or it never claimed). Refreshes `known` for the summary.
    Result<bool> storedNow(Candidate& c) {
        auto known = m_library.findImageByPath(c.path);
        if (!known) {
            if (known.error().code != ErrorCode::NotFound) return known.error();
            return false;
        }
        c.known = true;
        if (known->status != ImageStatus::Ok || known->size != c.size || known->mtimeNs != c.mtimeNs) return false;
        return m_library.hasEmbedding(known->id, m_modelId);
    }

    Library& m_library;
    std::vector<Candidate> m_todo;
    size_t m_next = 0;
    std::deque<Candidate> m_deferred;  // held by another run when asked for
    int64_t m_modelId = 0;
    std::string m_runId;
    int64_t m_byAnotherRun = 0;
    bool m_claimed = false;  // a run with nothing to do writes nothing, not even a release
};

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
    // The dump's text is part of the fingerprint libraries store: it must not change.
    std::string text = dumpJson(model.model->config().toJson());
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

// The record of the precisions a model's embeddings were made in: library_info
// "embedding_precision:<fingerprint>" = sorted names joined by commas.
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

std::string joinPrecisions(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    std::string joined;
    for (const auto& p : v) joined += (joined.empty() ? "" : ",") + p;
    return joined;
}

// What the library's embeddings of the model (library id `modelId`, 0: none yet) were made in.
Result<std::vector<std::string>> storedPrecisions(Library& library, const std::string& fingerprint, int64_t modelId) {
    auto recorded = library.setting(precisionKey(fingerprint));
    if (!recorded) return recorded.error();
    int64_t stored = 0;
    if (modelId > 0) {
        auto counts = library.embeddingCountsByModel();
        if (!counts) return counts.error();
        for (const auto& c : *counts)
            if (c.model.id == modelId) stored = c.embeddings;
    }
    // A record outlives deleted embeddings: with none stored, nothing can be mixed. Embeddings
    // stored before the record existed were made in fp32 or bf16.
    if (stored == 0) return std::vector<std::string>{};
    std::vector<std::string> known = splitPrecisions(*recorded);
    if (known.empty()) known.push_back("unrecorded");
    return known;
}

Status compatibleWith(const std::vector<std::string>& stored, const std::string& precision) {
    for (const auto& k : stored)
        if (!embeddingPrecisionsCompatible(k, precision))
            return makeError(ErrorCode::Mismatch,
                             "the library holds " + (k == "unrecorded" ? std::string("fp32/bf16") : k) +
                                 " embeddings of this model, which cannot be compared with " + precision +
                                 " ones (int8 that did not pass the check against fp32 stays apart): use the same "
                                 "precision (e.g. fp32), or another library");
    return Status::success();
}

// In the caller's write transaction: checks `precision` against the record and stores it there.
// `full` (a run's first batch) also drops what the record says of embeddings deleted since.
Status admitEmbeddingPrecision(Library& library, const std::string& fingerprint, int64_t modelId,
                               const std::string& precision, bool full) {
    auto recorded = library.setting(precisionKey(fingerprint));
    if (!recorded) return recorded.error();
    std::vector<std::string> known = splitPrecisions(*recorded);
    const bool listed = std::find(known.begin(), known.end(), precision) != known.end();
    bool fits = true;
    for (const auto& k : known) fits = fits && embeddingPrecisionsCompatible(k, precision);
    if (listed && fits && !full) return Status::success();  // the common case: one read, no write
    auto stored = storedPrecisions(library, fingerprint, modelId);
    if (!stored) return stored.error();
    if (Status s = compatibleWith(*stored, precision); !s) return s;
    stored->push_back(precision);
    const std::string record = joinPrecisions(*stored);
    if (record == *recorded) return Status::success();
    return library.setSetting(precisionKey(fingerprint), record);
}

}  // namespace

Result<std::vector<std::string>> embeddingPrecisions(Library& library, const LoadedModel& model) {
    auto id = findModelId(library, model);
    if (!id) {
        if (id.error().code == ErrorCode::NotFound) return std::vector<std::string>{};
        return id.error();
    }
    return storedPrecisions(library, modelFingerprint(model), *id);
}

Status checkEmbeddingPrecision(Library& library, const LoadedModel& model, const std::string& precision) {
    // Per query: the record alone answers when it fits (one read); counting embeddings is for
    // the rare rest (no record, or a record it does not fit, perhaps of deleted embeddings).
    auto recorded = library.setting(precisionKey(modelFingerprint(model)));
    if (!recorded) return recorded.error();
    const std::vector<std::string> known = splitPrecisions(*recorded);
    bool fits = !known.empty();
    for (const auto& k : known) fits = fits && embeddingPrecisionsCompatible(k, precision);
    if (fits) return Status::success();
    auto stored = embeddingPrecisions(library, model);
    if (!stored) return stored.error();
    return compatibleWith(*stored, precision);
}

Result<IndexSummary> indexPhotos(Library& library, const LoadedModel& model, const std::vector<std::string>& paths,
                                 const IndexOptions& options, const ClipModel* givenEncoder) {
    const auto t0 = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    if (options.batchSize < 1 || options.batchSize > 4096)
        return makeError(ErrorCode::InvalidArgument, "batch size must be 1..4096");
    const JobControl& job = options.job;
    job.progress.stage("scan");
    auto files = collectPhotoPaths(paths);
    if (!files) return files.error();
    job.progress.setTotal(int64_t(files->size()));
    const ModelConfig& cfg = model.model->config();
    auto modelId = library.ensureModel(model.source, modelFingerprint(model), dumpJson(cfg.toJson()), int(cfg.embedDim));
    if (!modelId) return modelId.error();

    IndexSummary summary;
    std::vector<Candidate> todo;
    for (const auto& path : *files) {
        // Nothing is written while scanning (ensureModel's row aside), so any file is a safe point.
        if (job.cancel.cancelled()) return CancelToken::error("indexing");
        job.progress.advance();
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

    ClaimQueue queue(library, std::move(todo), *modelId);
    const int64_t total = int64_t(queue.size());
    ClipModel encoder = givenEncoder ? *givenEncoder : ClipModel(nullptr);
    if (!encoder && total > 0) encoder = defaultEncoder(model);
    // Checked now, before anything is decoded, and again with each batch's write (another run
    // may have stored embeddings in the meantime).
    const std::string fingerprint = modelFingerprint(model);
    const std::string precision = encoder ? embeddingPrecision(encoder) : std::string();
    if (total > 0) {
        auto stored = storedPrecisions(library, fingerprint, *modelId);
        if (!stored) return stored.error();
        if (Status s = compatibleWith(*stored, precision); !s) return s.error();
    }
    bool admitted = false;  // the record checked in full once in this run
    const size_t batch = size_t(options.batchSize);
    auto launch = [&](std::vector<Candidate> batchFiles) {
        return std::async(std::launch::async, prepareBatch, std::move(batchFiles), cfg.preprocess, options.decode,
                          cfg.vision.imageSize);
    };
    int64_t handled = 0, firstBatchPhotos = 0, reported = 0;
    double firstBatchEnd = 0.0;
    auto cancelled = [&] {
        return makeError(ErrorCode::Cancelled, "indexing cancelled after " + std::to_string(handled) + " of " +
                                                   std::to_string(total) +
                                                   " photos; those are stored, and running it again goes on");
    };
    // Photos another run handled count as done too, so the stage reaches its total.
    auto report = [&] {
        if (handled + queue.byAnotherRun() != reported) job.progress.update(reported = handled + queue.byAnotherRun());
    };
    std::future<std::vector<Prepared>> next;
    job.progress.stage("decode+embed", total);
    for (bool first = true;; first = false) {
        if (!next.valid()) {
            // Nothing in flight and every claim of this run finished: waiting blocks no other run.
            auto claimed = queue.take(batch, true, job.cancel);
            if (!claimed) return claimed.error().code == ErrorCode::Cancelled ? cancelled() : claimed.error();
            report();
            if (claimed->empty()) break;
            next = launch(std::move(*claimed));
        }
        std::vector<Prepared> items = next.get();
        // Claim and decode the next batch while this one is encoded (without waiting: this
        // batch's claims are held).
        auto more = queue.take(batch, false, job.cancel);
        if (!more) return more.error();
        if (!more->empty()) next = launch(std::move(*more));
        std::vector<at::Tensor> inputs;
        std::vector<std::string> batchPaths;
        for (const auto& p : items) {
            batchPaths.push_back(p.file.path);
            if (p.error.empty()) inputs.push_back(p.input);
        }
        at::Tensor emb;
        if (!inputs.empty()) {
            try {
                c10::InferenceMode inference;
                emb = encoder->searchEmbedding(at::stack(inputs).to(encoder->device())).to(at::kCPU).contiguous();
            } catch (const std::exception& e) {
                return makeError(ErrorCode::Internal, std::string("encoding failed: ") + e.what());
            }
        }
        auto tx = library.begin();
        if (!tx) return tx.error();
        if (emb.defined()) {
            if (Status s = admitEmbeddingPrecision(library, fingerprint, *modelId, precision, !admitted); !s)
                return s.error();
            admitted = true;
        }
        int64_t row = 0;
        for (const auto& p : items) {
            if (!p.error.empty()) {
                if (Status s = library.recordFailure(p.file.path, p.file.size, p.file.mtimeNs, p.error, p.code); !s)
                    return s.error();
                ++summary.failed;
                summary.failures.push_back(FailedFile{p.file.path, p.file.size, p.file.mtimeNs, p.error, p.code});
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
        // Done with the photos in the same commit, so a run waiting for them never sees them
        // free before they are stored; the next batch's claims are renewed with it.
        if (Status s = library.finishClaims(batchPaths, *modelId, queue.runId(), kClaimTtlMs); !s) return s.error();
        if (Status s = library.renewClaims(queue.runId(), kClaimTtlMs); !s) return s.error();
        if (Status s = tx->commit(); !s) return s.error();
        handled += int64_t(items.size());
        if (first) {
            firstBatchEnd = elapsed();
            firstBatchPhotos = handled;
        }
        report();
        if (job.cancel.cancelled()) return cancelled();
    }
    if (!options.metadataCsv.empty()) {
        // One transaction, no count to report; a stage of its own so a slow CSV is not taken
        // for a stalled embedding.
        job.progress.stage("commit");
        auto csv = library.importMetadataCsv(options.metadataCsv);
        if (!csv) return csv.error();
        summary.metadata = *csv;
    }
    summary.indexedByAnotherRun = queue.byAnotherRun();
    summary.seconds = elapsed();
    summary.photosPerSecond = summary.seconds > 0 ? double(summary.added + summary.updated) / summary.seconds : 0.0;
    if (handled > firstBatchPhotos && summary.seconds > firstBatchEnd)
        summary.steadyPhotosPerSecond = double(handled - firstBatchPhotos) / (summary.seconds - firstBatchEnd);
    return summary;
}

Result<std::vector<float>> embedPhoto(const LoadedModel& model, const std::string& path, const DecodeOptions& decode,
                                      const ClipModel* givenEncoder, EmbedTiming* timing) {
    using TimingClock = std::chrono::steady_clock;
    const auto t0 = TimingClock::now();
    auto input = loadImageForModel(path, model.model->config().preprocess, decode);
    if (!input) return input.error();
    const auto t1 = TimingClock::now();
    try {
        ClipModel enc = givenEncoder ? *givenEncoder : defaultEncoder(model);
        c10::InferenceMode inference;
        at::Tensor e = enc->searchEmbedding(input->unsqueeze(0).to(enc->device()))[0].to(at::kCPU).contiguous();
        if (timing) {
            timing->decodeSeconds = std::chrono::duration<double>(t1 - t0).count();
            timing->encodeSeconds = std::chrono::duration<double>(TimingClock::now() - t1).count();
        }
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
