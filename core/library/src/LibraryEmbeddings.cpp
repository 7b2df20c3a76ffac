// Library: models, embeddings (stored as fp16) and the active-model history.

#include "LibraryInternal.h"

#include <cmath>
#include <cstring>

#include "diffclip/formats/Json.h"

namespace diffclip {

using namespace library_internal;

namespace {

// The models row of `modelId` standing on its dim column; NotFound when there is none.
Result<Statement> queryModelDim(Database& db, int64_t modelId) {
    return queryRow(db, makeError(ErrorCode::NotFound, "no model with id " + std::to_string(modelId)),
                    "SELECT dim FROM models WHERE id = ?1", modelId);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// fp16

uint16_t floatToHalf(float value) {
    uint32_t x = 0;
    std::memcpy(&x, &value, sizeof x);
    const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    const uint32_t absx = x & 0x7fffffffu;
    if (absx >= 0x7f800000u) {  // infinity or NaN (NaN keeps a quiet payload bit)
        return static_cast<uint16_t>(sign | 0x7c00u | (absx > 0x7f800000u ? 0x200u : 0u));
    }
    if (absx >= 0x477ff000u) {  // >= 65520: rounds to infinity
        return static_cast<uint16_t>(sign | 0x7c00u);
    }
    if (absx < 0x38800000u) {  // below 2^-14: subnormal half (or zero)
        float a = 0.0f;
        std::memcpy(&a, &absx, sizeof a);
        // Scaling by 2^24 is exact; nearbyint rounds half to even in the default mode. A result
        // of 1024 is the encoding of the smallest normal number, which is right.
        const auto m = static_cast<uint32_t>(std::nearbyint(a * 16777216.0f));
        return static_cast<uint16_t>(sign | m);
    }
    const uint32_t mant = absx & 0x7fffffu;
    const uint32_t exp = (absx >> 23) - 127u + 15u;
    uint32_t h = (exp << 10) | (mant >> 13);
    const uint32_t rest = mant & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u) != 0)) {
        ++h;  // a carry into the exponent is the correct rounding
    }
    return static_cast<uint16_t>(sign | h);
}

float halfToFloat(uint16_t half) {
    const uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
    const uint32_t exp = (half >> 10) & 0x1fu;
    const uint32_t mant = half & 0x3ffu;
    if (exp == 0) {
        const float v = std::ldexp(static_cast<float>(mant), -24);
        return sign != 0 ? -v : v;
    }
    uint32_t bits = 0;
    if (exp == 31) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp - 15u + 127u) << 23) | (mant << 13);
    }
    float f = 0.0f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

Result<std::vector<ImageRecord>> Library::imagesWithoutEmbedding(int64_t modelId) {
    Result<Statement> st = prepareWith(m_db,
                                       std::string("SELECT ") + kImageColumns +
                                           " FROM images i WHERE i.status = 'ok' AND NOT EXISTS (SELECT 1 FROM "
                                           "embeddings e WHERE e.image_id = i.id AND e.model_id = ?1) ORDER BY i.id",
                                       modelId);
    if (!st) {
        return st.error();
    }
    return collectRows<ImageRecord>(*st, [](const Statement& s) -> ImageRecord { return readImage(s); });
}

Result<Library::EmbeddingStamp> Library::embeddingStamp(int64_t modelId) {
    Result<FirstRow> row = queryFirst(
        m_db,
        "SELECT COUNT(*), COALESCE(MAX(rowid), 0), COALESCE(SUM(image_id), 0) FROM embeddings WHERE model_id = ?1",
        modelId);
    if (!row) {
        return row.error();
    }
    EmbeddingStamp stamp;
    stamp.count = row->st.columnInt(0);
    stamp.maxRowId = row->st.columnInt(1);
    stamp.idSum = row->st.columnInt(2);
    return stamp;
}

// ---------------------------------------------------------------------------------------------
// models and embeddings
Result<std::vector<std::string>> Library::activeModelHistory() {
    Result<std::string> text = setting("active_model_history");
    if (!text) {
        return text.error();
    }
    std::vector<std::string> out;
    if (text->empty()) {
        return out;
    }
    Result<Json> parsed = parseJson(*text);
    if (!parsed || !parsed->is_array()) {
        return out;  // damaged by hand or another program: forget the history, keep working
    }
    for (const Json& v : *parsed) {
        if (v.is_string() && !v.get_ref<const std::string&>().empty() && out.size() < kActiveModelHistoryMax) {
            out.push_back(v.get<std::string>());
        }
    }
    return out;
}

Status Library::recordActiveModel(const std::string& spec) {
    if (spec.empty()) {
        return makeError(ErrorCode::InvalidArgument, "no model given to make active");
    }
    return withTransaction(m_db, [&]() -> Status {
        Result<std::vector<std::string>> history = activeModelHistory();
        if (!history) {
            return history.error();
        }
        // The model active until now comes second even when it was set without a history (by
        // opening a workspace, or by an older version), so it can be rolled back to.
        Result<std::string> previous = setting("active_model");
        if (!previous) {
            return previous.error();
        }
        Json list = Json::array();
        list.push_back(spec);
        if (!previous->empty() && *previous != spec) {
            list.push_back(*previous);
        }
        for (const std::string& h : *history) {
            if (h != spec && h != *previous && list.size() < kActiveModelHistoryMax) {
                list.push_back(h);
            }
        }
        if (Status s = setSetting("active_model", spec); !s) {
            return s;
        }
        if (Status s = setSetting("active_model_history", dumpJson(list)); !s) {
            return s;
        }
        return Status::success();
    });
}

Result<std::vector<Library::ModelEmbeddingCount>> Library::embeddingCountsByModel() {
    Result<Statement> q = m_db.prepare(
        "SELECT m.id, m.name, m.fingerprint, m.dim, m.created_at, "
        "(SELECT COUNT(*) FROM embeddings e WHERE e.model_id = m.id) "
        "FROM models m ORDER BY m.created_at DESC, m.id DESC");
    if (!q) {
        return q.error();
    }
    return collectRows<ModelEmbeddingCount>(*q, [](const Statement& s) -> ModelEmbeddingCount {
        return ModelEmbeddingCount{ModelRecord{s.columnInt(0), s.columnText(1), s.columnText(2),
                                               static_cast<int>(s.columnInt(3)), s.columnInt(4)},
                                   s.columnInt(5)};
    });
}

Result<int64_t> Library::deleteModelEmbeddings(int64_t modelId) {
    return withTransaction(m_db, [&]() -> Result<int64_t> {
        Result<FirstRow> count = queryFirst(m_db, "SELECT COUNT(*) FROM embeddings WHERE model_id = ?1", modelId);
        if (!count) {
            return count.error();
        }
        const int64_t removed = count->st.columnInt(0);
        if (Status s = runWith(m_db, "DELETE FROM embeddings WHERE model_id = ?1", modelId); !s) {
            return s.error();
        }
        if (Status s = runWith(m_db, "DELETE FROM models WHERE id = ?1", modelId); !s) {
            return s.error();
        }
        if (m_db.changes() != 1) {
            return makeError(ErrorCode::NotFound, "the library has no model with id " + std::to_string(modelId));
        }
        return removed;
    });
}


Result<std::vector<ModelRecord>> Library::models() {
    Result<Statement> q =
        m_db.prepare("SELECT id, name, fingerprint, dim, created_at FROM models ORDER BY created_at DESC, id DESC");
    if (!q) {
        return q.error();
    }
    return collectRows<ModelRecord>(*q, [](const Statement& s) -> ModelRecord {
        return ModelRecord{s.columnInt(0), s.columnText(1), s.columnText(2), static_cast<int>(s.columnInt(3)),
                           s.columnInt(4)};
    });
}

Result<int64_t> Library::ensureModel(const std::string& name, const std::string& fingerprint,
                                     const std::string& configJson, int dim) {
    if (fingerprint.empty()) {
        return makeError(ErrorCode::InvalidArgument, "a model needs a fingerprint");
    }
    if (dim < 1 || dim > 65536) {
        return makeError(ErrorCode::InvalidArgument, "embedding size out of range [1, 65536]: " + std::to_string(dim));
    }
    Result<Json> config = parseJson(configJson.empty() ? std::string("{}") : configJson);
    if (!config) {
        return makeError(ErrorCode::InvalidArgument, "model config is not valid JSON: " + config.error().message);
    }
    return withTransaction(m_db, [&]() -> Result<int64_t> {
        Result<FirstRow> find = queryFirst(m_db, "SELECT id, dim FROM models WHERE fingerprint = ?1", fingerprint);
        if (!find) {
            return find.error();
        }
        if (find->found) {
            const int64_t id = find->st.columnInt(0);
            if (find->st.columnInt(1) != dim) {
                return makeError(ErrorCode::Mismatch, "model " + fingerprint + " is registered with embedding size " +
                                                          std::to_string(find->st.columnInt(1)) + ", not " +
                                                          std::to_string(dim));
            }
            find->st.reset();
            return id;
        }
        find->st.reset();
        Status s = runWith(
            m_db, "INSERT INTO models(name, fingerprint, config_json, dim, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            name, fingerprint, config->dump(), dim, nowMs());
        if (!s) {
            return s.error();
        }
        return m_db.lastInsertId();
    });
}

Status Library::putEmbedding(int64_t imageId, int64_t modelId, const float* v, int dim) {
    if (v == nullptr || dim < 1) {
        return makeError(ErrorCode::InvalidArgument, "empty embedding");
    }
    Result<Statement> model = queryModelDim(m_db, modelId);
    if (!model) {
        return model.error();
    }
    if (model->columnInt(0) != dim) {
        return makeError(ErrorCode::Mismatch, "embedding has " + std::to_string(dim) + " values, the model " +
                                                  std::to_string(model->columnInt(0)));
    }
    model->reset();
    std::vector<unsigned char> blob(static_cast<size_t>(dim) * 2);
    for (int k = 0; k < dim; ++k) {
        if (!std::isfinite(v[k]) || std::fabs(v[k]) > 65504.0f) {
            return makeError(ErrorCode::InvalidArgument,
                             "embedding value " + std::to_string(k) + " is not finite or too large for fp16");
        }
        const uint16_t h = floatToHalf(v[k]);
        blob[2 * static_cast<size_t>(k)] = static_cast<unsigned char>(h & 0xff);
        blob[2 * static_cast<size_t>(k) + 1] = static_cast<unsigned char>(h >> 8);
    }
    Result<Statement> st = prepareWith(
        m_db,
        "INSERT OR REPLACE INTO embeddings(image_id, model_id, dim, dtype, vector) VALUES (?1, ?2, ?3, 'f16', ?4)",
        imageId, modelId, dim);
    if (!st) {
        return st.error();
    }
    st->bindBlob(4, blob.data(), blob.size());
    return refersToImage(st->run(), imageId);
}

Result<EmbeddingMatrix> Library::loadEmbeddings(int64_t modelId) {
    Result<Statement> model = queryModelDim(m_db, modelId);
    if (!model) {
        return model.error();
    }
    EmbeddingMatrix m;
    m.dim = static_cast<int>(model->columnInt(0));
    model->reset();
    const auto dim = static_cast<size_t>(m.dim);
    Result<int64_t> count =
        m_db.queryInt("SELECT COUNT(*) FROM embeddings WHERE model_id = " + std::to_string(modelId));
    if (!count) {
        return count.error();
    }
    m.ids.reserve(static_cast<size_t>(*count));
    m.values.reserve(static_cast<size_t>(*count) * dim);
    Result<Statement> st = prepareWith(
        m_db, "SELECT image_id, dim, dtype, vector FROM embeddings WHERE model_id = ?1 ORDER BY image_id", modelId);
    if (!st) {
        return st.error();
    }
    Status read = forEachRow(*st, [&](const Statement& row) -> Status {
        const int64_t imageId = row.columnInt(0);
        const std::string dtype = row.columnText(2);
        const size_t width = dtype == "f32" ? 4 : 2;
        const auto* bytes = static_cast<const unsigned char*>(row.columnBlob(3));
        const auto size = static_cast<size_t>(row.columnBytes(3));
        if (row.columnInt(1) != m.dim || size != dim * width || bytes == nullptr) {
            return makeError(ErrorCode::Format, "the embedding of image " + std::to_string(imageId) +
                                                    " has the wrong size for its model (run library check)");
        }
        m.ids.push_back(imageId);
        for (size_t k = 0; k < dim; ++k) {
            if (width == 2) {
                m.values.push_back(halfToFloat(static_cast<uint16_t>(bytes[2 * k] | (bytes[2 * k + 1] << 8))));
            } else {
                const uint32_t bits =
                    static_cast<uint32_t>(bytes[4 * k]) | (static_cast<uint32_t>(bytes[4 * k + 1]) << 8) |
                    (static_cast<uint32_t>(bytes[4 * k + 2]) << 16) | (static_cast<uint32_t>(bytes[4 * k + 3]) << 24);
                float f = 0.0f;
                std::memcpy(&f, &bits, sizeof f);
                m.values.push_back(f);
            }
        }
        return Status::success();
    });
    if (!read) {
        return read.error();
    }
    return m;
}

Result<bool> Library::hasEmbedding(int64_t imageId, int64_t modelId) {
    Result<FirstRow> row =
        queryFirst(m_db, "SELECT 1 FROM embeddings WHERE image_id = ?1 AND model_id = ?2", imageId, modelId);
    if (!row) {
        return row.error();
    }
    return row->found;
}

}  // namespace diffclip
