#include "diffclip/model/Checkpoint.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <caffe2/serialize/inline_container.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <system_error>
#include <tuple>
#include <utility>

#include "diffclip/formats/Pickle.h"
#include "diffclip/formats/ZipIndex.h"

namespace diffclip {

namespace {

// No tensor of a real checkpoint comes near these; they stop absurd shapes before allocation.
constexpr std::int64_t kMaxTensorElements = std::int64_t(1) << 36;
// A view may repeat storage elements (zero or overlapping strides), but not blow a storage up
// more than this many times (beyond a small floor).
constexpr std::int64_t kMaxExpansion = 16;
constexpr std::int64_t kExpansionFloor = std::int64_t(1) << 20;

at::ScalarType toScalarType(TorchDType dtype) {
    switch (dtype) {
    case TorchDType::Float32: return at::kFloat;
    case TorchDType::Float64: return at::kDouble;
    case TorchDType::Float16: return at::kHalf;
    case TorchDType::BFloat16: return at::kBFloat16;
    case TorchDType::Int64: return at::kLong;
    case TorchDType::Int32: return at::kInt;
    case TorchDType::Int16: return at::kShort;
    case TorchDType::Int8: return at::kChar;
    case TorchDType::UInt8: return at::kByte;
    case TorchDType::Bool: return at::kBool;
    }
    return at::kByte;
}

// Storage keys become record names; accept only what torch writes (digits, in old files also
// letters), so no key can point outside data/.
bool isSafeRecordKey(const std::string& key) {
    if (key.empty() || key.size() > 128 || key == "." || key == "..") return false;
    for (char c : key) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-' || c == '.';
        if (!ok) return false;
    }
    return key.find("..") == std::string::npos;
}

std::string firstLine(const char* text) {
    std::string s = text != nullptr ? text : "";
    const std::size_t nl = s.find('\n');
    if (nl != std::string::npos) s.resize(nl);
    return s;
}

std::string shapeText(const std::vector<std::int64_t>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) s += ", ";
        s += std::to_string(v[i]);
    }
    return s + "]";
}

bool mulOverflows(std::int64_t a, std::int64_t b, std::int64_t* out) {
    // Both operands are non-negative here.
    if (a != 0 && b > std::numeric_limits<std::int64_t>::max() / a) return true;
    *out = a * b;
    return false;
}

bool addOverflows(std::int64_t a, std::int64_t b, std::int64_t* out) {
    if (b > std::numeric_limits<std::int64_t>::max() - a) return true;
    *out = a + b;
    return false;
}

struct Record {
    at::DataPtr data;
    std::size_t size = 0;
};

class CheckpointReader {
public:
    explicit CheckpointReader(std::string path) : m_path(std::move(path)) {}

    Result<StateDict> read(CheckpointInfo* info) {
        if (Status s = checkFile(); !s) return s.error();
        // LibTorch's reader allocates each record's declared size before reading it; the index
        // first proves every record is stored and lies inside the file, which bounds those sizes.
        Result<ZipIndex> index = indexZipFile(m_path);
        if (!index) {
            return makeError(index.error().code, "checkpoint archive " + m_path + ": " + index.error().message);
        }
        m_index = std::move(*index);
        if (!m_index.entries().empty()) {
            // PyTorchStreamReader looks records up under the first entry's folder; so do we.
            const std::string& first = m_index.entries().front().name;
            const std::size_t slash = first.find('/');
            if (slash != std::string::npos) m_prefix = first.substr(0, slash + 1);
        }
        try {
            m_reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(m_path);
        } catch (const c10::Error& e) {
            return makeError(ErrorCode::Format, "cannot read checkpoint archive " + m_path + ": " +
                                                    firstLine(e.what_without_backtrace()));
        }
        if (m_reader->hasRecord("byteorder")) {
            if (Result<std::uint64_t> n = indexedSize("byteorder"); !n) return n.error();
            auto [data, size] = m_reader->getRecord("byteorder");
            std::string order(static_cast<const char*>(data.get()), size);
            while (!order.empty() && (order.back() == '\n' || order.back() == ' ')) order.pop_back();
            if (order != "little") {
                return makeError(ErrorCode::Unsupported, "checkpoint byte order is '" + order.substr(0, 16) +
                                                             "'; only little-endian is supported");
            }
        }
        if (!m_reader->hasRecord("data.pkl")) return makeError(ErrorCode::Format, "checkpoint has no data.pkl record");
        if (Result<std::uint64_t> n = indexedSize("data.pkl"); !n) return n.error();
        auto [pklData, pklSize] = m_reader->getRecord("data.pkl");
        Result<PickleDocument> parsed = parsePickle(static_cast<const std::uint8_t*>(pklData.get()), pklSize);
        if (!parsed) return makeError(parsed.error().code, "data.pkl: " + parsed.error().message);
        const PickleDocument& doc = *parsed;

        CheckpointInfo local;
        CheckpointInfo& out = info != nullptr ? *info : local;
        out = CheckpointInfo{};
        for (std::size_t i = 0; i < doc.globals().size(); ++i) {
            if (i) out.pickleGlobals += ",";
            out.pickleGlobals += doc.globals()[i];
        }

        const PickleValue& root = doc.value(doc.root());
        if (root.kind != PickleKind::Dict) {
            return makeError(ErrorCode::Unsupported,
                             "checkpoint holds " + doc.describe(doc.root()) +
                                 ", not a dict of tensors (whole pickled models are not supported)");
        }
        for (std::size_t i = 0; i < root.entries.size(); i += 2) {
            const PickleValue& key = doc.value(root.entries[i]);
            out.topLevelKeys.push_back(key.kind == PickleKind::String ? key.text : doc.describe(root.entries[i]));
        }

        PickleRef sd = kNoPickleRef;
        if (auto r = doc.dictFind(doc.root(), "state_dict")) {
            sd = *r;
            out.sourceKey = "state_dict";
        } else if (auto m = doc.dictFind(doc.root(), "model"); m && doc.value(*m).kind == PickleKind::Dict) {
            sd = *m;
            out.sourceKey = "model";
        } else if (!root.entries.empty() && allTensors(doc, doc.root())) {
            sd = doc.root();
            out.sourceKey.clear();
        } else {
            std::string keys;
            for (std::size_t i = 0; i < out.topLevelKeys.size() && i < 12; ++i) {
                keys += (i ? ", " : "") + out.topLevelKeys[i];
            }
            return makeError(ErrorCode::NotFound, "checkpoint has no state_dict (top-level keys: " + keys + ")");
        }
        if (doc.value(sd).kind != PickleKind::Dict) {
            return makeError(ErrorCode::Format, "checkpoint '" + out.sourceKey + "' is " + doc.describe(sd) +
                                                    ", not a dict");
        }

        const auto& entries = doc.value(sd).entries;
        bool allPrefixed = !entries.empty();
        for (std::size_t i = 0; i < entries.size(); i += 2) {
            const PickleValue& key = doc.value(entries[i]);
            if (key.kind != PickleKind::String) {
                return makeError(ErrorCode::Format, "state dict key is " + doc.describe(entries[i]) + ", not a string");
            }
            if (doc.value(entries[i + 1]).kind != PickleKind::Tensor) {
                return makeError(ErrorCode::Format, "state dict entry '" + key.text + "' is not a tensor but " +
                                                        doc.describe(entries[i + 1]));
            }
            if (key.text.compare(0, 7, "module.") != 0) allPrefixed = false;
        }
        out.strippedModulePrefix = allPrefixed;

        // How many state-dict tensors use each storage: a record is dropped after its last use,
        // and a record used once by a contiguous tensor becomes that tensor's memory (no copy).
        for (std::size_t i = 0; i < entries.size(); i += 2) {
            ++m_uses[doc.tensors()[doc.value(entries[i + 1]).index].storage.key];
        }
        StateDict result;
        result.reserve(entries.size() / 2);
        for (std::size_t i = 0; i < entries.size(); i += 2) {
            const std::string& name = doc.value(entries[i]).text;
            const PickleTensorRef& ref = doc.tensors()[doc.value(entries[i + 1]).index];
            Result<at::Tensor> t = makeTensor(name, ref);
            if (!t) return t.error();
            if (--m_uses[ref.storage.key] == 0) m_records.erase(ref.storage.key);
            result.emplace_back(allPrefixed ? name.substr(7) : name, std::move(*t));
        }
        return result;
    }

private:
    Status checkFile() const {
        std::error_code ec;
        const auto status = std::filesystem::status(m_path, ec);
        if (ec || !std::filesystem::exists(status)) {
            return makeError(ErrorCode::NotFound, "checkpoint file not found: " + m_path);
        }
        if (!std::filesystem::is_regular_file(status)) {
            return makeError(ErrorCode::Io, "checkpoint is not a regular file: " + m_path);
        }
        std::ifstream in(m_path, std::ios::binary);
        if (!in) return makeError(ErrorCode::Io, "cannot open checkpoint file: " + m_path);
        char magic[4] = {};
        in.read(magic, 4);
        if (in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) return {};
        if (in.gcount() >= 1 && static_cast<unsigned char>(magic[0]) == 0x80) {
            return makeError(ErrorCode::Unsupported, "checkpoint " + m_path +
                                                         " uses the legacy (pre-1.6) torch.save format; re-save it "
                                                         "with a current PyTorch");
        }
        return makeError(ErrorCode::Format, "not a PyTorch checkpoint (no zip archive): " + m_path);
    }

    static bool allTensors(const PickleDocument& doc, PickleRef dict) {
        const auto& entries = doc.value(dict).entries;
        for (std::size_t i = 0; i < entries.size(); i += 2) {
            if (doc.value(entries[i]).kind != PickleKind::String) return false;
            if (doc.value(entries[i + 1]).kind != PickleKind::Tensor) return false;
        }
        return true;
    }

    // The size of `record` (a name under the archive folder) from the index, which bounds what
    // getRecord will allocate by the file size. Called before every getRecord.
    Result<std::uint64_t> indexedSize(const std::string& record) const {
        const ZipEntry* entry = m_index.find(m_prefix + record);
        if (entry == nullptr) {
            return makeError(ErrorCode::Format, "record " + record + " is missing from the archive index");
        }
        // The index guarantees this; a failure here would mean it and LibTorch disagree.
        if (entry->uncompressedSize > m_index.fileSize()) {
            return makeError(ErrorCode::Format, "record " + record + " declares " +
                                                    std::to_string(entry->uncompressedSize) +
                                                    " bytes, more than the file holds");
        }
        return entry->uncompressedSize;
    }

    static Error storageTooSmall(const std::string& what, const PickleTensorRef& ref, std::int64_t storageBytes,
                                 std::uint64_t recordBytes) {
        return makeError(ErrorCode::Format, what + ": storage data/" + ref.storage.key + " declares " +
                                                std::to_string(ref.storage.numel) + " " +
                                                torchDTypeName(ref.storage.dtype) + " elements (" +
                                                std::to_string(storageBytes) + " bytes) but its record holds " +
                                                std::to_string(recordBytes) + " bytes");
    }

    Result<Record*> record(const std::string& key, const std::string& tensorName, const std::string& what,
                           const PickleTensorRef& ref, std::int64_t storageBytes) {
        auto it = m_records.find(key);
        if (it != m_records.end()) return &it->second;
        if (!isSafeRecordKey(key)) {
            return makeError(ErrorCode::Format, "tensor '" + tensorName + "' names an invalid storage key");
        }
        const std::string name = "data/" + key;
        if (!m_reader->hasRecord(name) || m_index.find(m_prefix + name) == nullptr) {
            return makeError(ErrorCode::Format,
                             "storage record " + name + " for tensor '" + tensorName + "' is missing");
        }
        // Refuse before getRecord allocates: the record must hold the storage and fit in the file.
        Result<std::uint64_t> indexed = indexedSize(name);
        if (!indexed) return indexed.error();
        if (static_cast<std::uint64_t>(storageBytes) > *indexed) {
            return storageTooSmall(what, ref, storageBytes, *indexed);
        }
        auto [data, size] = m_reader->getRecord(name);
        Record rec;
        rec.data = std::move(data);
        rec.size = size;
        return &m_records.emplace(key, std::move(rec)).first->second;
    }

    Result<at::Tensor> makeTensor(const std::string& name, const PickleTensorRef& ref) {
        const std::string what = "tensor '" + name + "'";
        const std::int64_t elemSize = static_cast<std::int64_t>(torchDTypeSize(ref.storage.dtype));
        std::int64_t storageBytes = 0;
        if (ref.storage.numel < 0 || mulOverflows(ref.storage.numel, elemSize, &storageBytes)) {
            return makeError(ErrorCode::Format, what + ": storage size " + std::to_string(ref.storage.numel) +
                                                    " is out of range");
        }
        Result<Record*> rec = record(ref.storage.key, name, what, ref, storageBytes);
        if (!rec) return rec.error();
        Record& r = **rec;
        // Checked again here: a cached record may have been loaded for a smaller storage.
        if (static_cast<std::uint64_t>(storageBytes) > r.size) return storageTooSmall(what, ref, storageBytes, r.size);
        if (ref.sizes.size() != ref.strides.size()) {
            return makeError(ErrorCode::Format, what + ": sizes and strides differ in rank");
        }
        std::int64_t numel = 1;
        bool empty = false;
        for (std::int64_t s : ref.sizes) {
            if (s < 0) return makeError(ErrorCode::Format, what + ": negative size in " + shapeText(ref.sizes));
            if (s == 0) empty = true;
        }
        for (std::int64_t st : ref.strides) {
            if (st < 0) return makeError(ErrorCode::Format, what + ": negative stride in " + shapeText(ref.strides));
        }
        if (ref.offset < 0) return makeError(ErrorCode::Format, what + ": negative storage offset");
        if (empty) {
            numel = 0;
        } else {
            for (std::int64_t s : ref.sizes) {
                if (mulOverflows(numel, s, &numel) || numel > kMaxTensorElements) {
                    return makeError(ErrorCode::Format, what + " has an absurd shape " + shapeText(ref.sizes));
                }
            }
        }
        // Last element touched: offset + sum((size - 1) * stride) must lie inside the storage.
        if (numel > 0) {
            std::int64_t last = ref.offset;
            for (std::size_t d = 0; d < ref.sizes.size(); ++d) {
                std::int64_t step = 0;
                if (mulOverflows(ref.sizes[d] - 1, ref.strides[d], &step) || addOverflows(last, step, &last)) {
                    return makeError(ErrorCode::Format, what + ": strides " + shapeText(ref.strides) +
                                                            " overflow the storage index");
                }
            }
            if (last >= ref.storage.numel) {
                return makeError(ErrorCode::Format, what + " (offset " + std::to_string(ref.offset) + ", sizes " +
                                                        shapeText(ref.sizes) + ", strides " + shapeText(ref.strides) +
                                                        ") reaches element " + std::to_string(last) +
                                                        " of a storage of " + std::to_string(ref.storage.numel));
            }
            std::int64_t allowed = 0;
            if (mulOverflows(ref.storage.numel, kMaxExpansion, &allowed)) allowed = kMaxTensorElements;
            if (numel > std::max(allowed, kExpansionFloor)) {
                return makeError(ErrorCode::Format, what + " has an absurd shape " + shapeText(ref.sizes) +
                                                        " for a storage of " + std::to_string(ref.storage.numel) +
                                                        " elements");
            }
        } else if (ref.offset > ref.storage.numel) {
            return makeError(ErrorCode::Format, what + ": storage offset " + std::to_string(ref.offset) +
                                                    " beyond a storage of " + std::to_string(ref.storage.numel));
        }

        const at::ScalarType type = toScalarType(ref.storage.dtype);
        if (numel == 0) return at::empty(ref.sizes, at::TensorOptions().dtype(type));
        auto* base = static_cast<std::uint8_t*>(r.data.get()) + ref.offset * elemSize;
        at::Tensor view = at::from_blob(base, ref.sizes, ref.strides, at::TensorOptions().dtype(type));
        if (view.is_contiguous() && ref.offset == 0 && type != at::kBool && m_uses[ref.storage.key] == 1) {
            // The record's buffer becomes the tensor's own memory, released with the tensor.
            auto holder = std::make_shared<at::DataPtr>(std::move(r.data));
            return at::from_blob(
                base, ref.sizes, ref.strides, [holder](void*) mutable { holder.reset(); },
                at::TensorOptions().dtype(type));
        }
        at::Tensor owned = view.clone(at::MemoryFormat::Contiguous);
        // Bytes other than 0 and 1 are not valid bools; normalise them.
        if (type == at::kBool) owned = owned.view(at::kByte).ne(0);
        return owned;
    }

    std::string m_path;
    ZipIndex m_index;
    std::string m_prefix;  // the archive's folder with its slash, e.g. "checkpoint_best/"
    std::unique_ptr<caffe2::serialize::PyTorchStreamReader> m_reader;
    std::map<std::string, Record> m_records;
    std::map<std::string, std::size_t> m_uses;  // state-dict tensors still to be built, per storage
};

}  // namespace

Result<StateDict> readTorchCheckpoint(const std::string& path, CheckpointInfo* info) {
    // LibTorch and the allocator report failures by exception; none may leave this function.
    try {
        CheckpointReader reader(path);
        return reader.read(info);
    } catch (const c10::Error& e) {
        const std::string message = firstLine(e.what_without_backtrace());
        if (message.find("allocate") != std::string::npos) {
            return makeError(ErrorCode::OutOfMemory, "out of memory while reading checkpoint " + path + ": " + message);
        }
        return makeError(ErrorCode::Format, "cannot read checkpoint " + path + ": " + message);
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "out of memory while reading checkpoint " + path);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Format, "cannot read checkpoint " + path + ": " + firstLine(e.what()));
    }
}

bool looksLikeZip(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    char magic[4] = {};
    in.read(magic, 4);
    return in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

}  // namespace diffclip
