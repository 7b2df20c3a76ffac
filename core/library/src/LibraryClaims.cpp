// Library: claims of indexing runs (which run embeds which photo when several index one library).

#include "LibraryInternal.h"

#include <map>

#include "diffclip/base/ProcessIdentity.h"

namespace diffclip {

using namespace library_internal;

namespace {

Status checkRun(const std::string& runId, int64_t ttlMs) {
    if (runId.empty() || ttlMs < 1) {
        return makeError(ErrorCode::InvalidArgument, "a claim needs a run id and a positive time to live");
    }
    return Status::success();
}

}  // namespace

Result<std::vector<Library::Claim>> Library::claimPaths(const std::vector<std::string>& paths, int64_t modelId,
                                                        const std::string& runId, int64_t ttlMs) {
    if (Status s = checkRun(runId, ttlMs); !s) {
        return s.error();
    }
    // BEGIN IMMEDIATE: the check and the claim happen under the write lock, so two runs can
    // never both see a path free.
    return withTransaction(m_db, [&]() -> Result<std::vector<Claim>> {
        const int64_t now = nowMs();
        if (Status s = runWith(m_db, "DELETE FROM claims WHERE expires_at <= ?1", now); !s) {
            return s.error();
        }
        // Takes a free path, or renews this run's own claim; leaves another run's live one alone.
        Result<Statement> take = m_db.prepare(
            "INSERT INTO claims(path, model_id, run_id, expires_at, done) VALUES (?1, ?4, ?2, ?3, 0) "
            "ON CONFLICT(path, model_id) DO UPDATE SET expires_at = excluded.expires_at, done = 0 "
            "WHERE run_id = excluded.run_id");
        Result<Statement> holder = m_db.prepare("SELECT done, run_id FROM claims WHERE path = ?1 AND model_id = ?2");
        // Takes over an unfinished claim of a run whose process is gone (killed, crashed).
        Result<Statement> takeOver = m_db.prepare(
            "UPDATE claims SET run_id = ?3, expires_at = ?4, done = 0 "
            "WHERE path = ?1 AND model_id = ?5 AND run_id = ?2 AND done = 0");
        if (!take) {
            return take.error();
        }
        if (!holder) {
            return holder.error();
        }
        if (!takeOver) {
            return takeOver.error();
        }
        // Whether each other run met here has ended: asked once per run id and call.
        std::map<std::string, bool> gone;
        auto holderGone = [&gone](const std::string& other) {
            auto it = gone.find(other);
            if (it == gone.end()) it = gone.emplace(other, runHolderIsGone(other)).first;
            return it->second;
        };
        std::vector<Claim> out;
        out.reserve(paths.size());
        for (const std::string& path : paths) {
            take->reset();
            take->bind(1, path).bind(2, runId).bind(3, now + ttlMs).bind(4, modelId);
            if (Status s = take->run(); !s) {
                return s.error();
            }
            if (m_db.changes() == 1) {
                out.push_back(Claim::Claimed);
                continue;
            }
            holder->reset();
            holder->bind(1, path).bind(2, modelId);
            Result<bool> row = holder->step();
            if (!row) {
                return row.error();
            }
            const bool done = *row && holder->columnInt(0) != 0;
            const std::string other = *row ? holder->columnText(1) : std::string();
            holder->reset();
            if (done) {
                out.push_back(Claim::Done);  // its photo was stored (or failed) whether that run still runs or not
                continue;
            }
            if (*row && holderGone(other)) {
                takeOver->reset();
                takeOver->bind(1, path).bind(2, other).bind(3, runId).bind(4, now + ttlMs).bind(5, modelId);
                if (Status s = takeOver->run(); !s) {
                    return s.error();
                }
                if (m_db.changes() == 1) {
                    out.push_back(Claim::Claimed);
                    continue;
                }
            }
            out.push_back(Claim::Busy);
        }
        return out;
    });
}

Status Library::renewClaims(const std::string& runId, int64_t ttlMs) {
    if (Status s = checkRun(runId, ttlMs); !s) {
        return s;
    }
    return runWith(m_db, "UPDATE claims SET expires_at = ?2 WHERE run_id = ?1 AND done = 0", runId, nowMs() + ttlMs);
}

Status Library::finishClaims(const std::vector<std::string>& paths, int64_t modelId, const std::string& runId,
                             int64_t ttlMs) {
    if (Status s = checkRun(runId, ttlMs); !s) {
        return s;
    }
    Result<Statement> st =
        m_db.prepare("UPDATE claims SET done = 1, expires_at = ?3 WHERE path = ?1 AND model_id = ?4 AND run_id = ?2");
    if (!st) {
        return st.error();
    }
    const int64_t until = nowMs() + ttlMs;
    for (const std::string& path : paths) {
        st->reset();
        st->bind(1, path).bind(2, runId).bind(3, until).bind(4, modelId);
        if (Status s = st->run(); !s) {
            return s;
        }
    }
    return Status::success();
}

Status Library::releaseClaims(const std::string& runId) {
    return runWith(m_db, "DELETE FROM claims WHERE run_id = ?1 AND done = 0", runId);
}

}  // namespace diffclip
