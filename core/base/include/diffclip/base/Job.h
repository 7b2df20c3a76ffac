#pragma once
// The contract of every long operation in the core (indexing, re-embedding, training, folder
// explanations, the demo, model import): it reports to a Progress sink and stops at the next
// safe point once its CancelToken is cancelled, returning ErrorCode::Cancelled. Both are small
// handles: copies share one state, so an options struct holds them by value and the caller
// keeps its own copy to watch or cancel.
//
//     Status work(const std::vector<std::string>& files, const JobControl& job) {
//         job.progress.stage("embed", files.size());
//         for (size_t i = 0; i < files.size(); ++i) {
//             if (job.cancel.cancelled()) return makeError(ErrorCode::Cancelled, "cancelled");
//             ...                                   // one unit of work
//             job.progress.update(i + 1);           // throttled
//         }
//         return Status::success();
//     }
//
// Thread safety: all members of both types may be called from any thread at once. The
// callback runs on the thread that reported, never on two threads at once, and must not call
// back into the same Progress.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "diffclip/base/Result.h"

namespace diffclip {

/// One report: the current stage, how far it is, and an optional log line.
struct ProgressUpdate {
    std::string stage;     // short English stage name ("decode", "embed", "epoch"); "" before the first
    int64_t done = 0;      // units finished in this stage, 0..total
    int64_t total = 0;     // units in this stage; 0 when not known
    std::string message;   // a log line, or "" for a plain progress step
    double seconds = 0.0;  // since the stage started
};

/// A progress sink. Default-constructed, it reports nowhere (cheap to call).
/// Delivery rules: stage() and message() always deliver; update()/advance() deliver at most
/// once per interval, plus the first and the last step of a stage (done == total), so a loop
/// may report every item without flooding a GUI.
class Progress {
public:
    using Callback = std::function<void(const ProgressUpdate&)>;

    Progress() = default;
    explicit Progress(Callback callback,
                      std::chrono::milliseconds interval = std::chrono::milliseconds(100));

    /// Starts a stage with `total` units (0: unknown); done restarts at 0.
    void stage(const std::string& name, int64_t total = 0) const;
    /// Sets the units finished in the current stage (clamped to 0..total when total > 0).
    void update(int64_t done) const;
    /// Adds `units` to the units finished.
    void advance(int64_t units = 1) const;
    /// Changes the current stage's total (e.g. once a folder scan has counted its files).
    void setTotal(int64_t total) const;
    /// A log line, delivered with the current stage and counts.
    void message(const std::string& text) const;

    /// The latest state (also what was throttled away); for polling.
    ProgressUpdate current() const;
    bool connected() const { return m_state != nullptr; }

private:
    struct State;
    void deliver(bool force, const std::string& text) const;
    void setDone(int64_t done) const;
    std::shared_ptr<State> m_state;
};

/// A cancel flag shared by every copy. Default-constructed, it can still be cancelled (each
/// token owns its flag); `CancelToken::never()` gives one that nobody holds. cancel() is one
/// lock-free atomic store, so a signal handler may call it (the command line's Ctrl-C).
class CancelToken {
public:
    CancelToken() : m_flag(std::make_shared<std::atomic<bool>>(false)) {}
    static CancelToken never() { return CancelToken(nullptr); }

    void cancel() const {
        if (m_flag) m_flag->store(true, std::memory_order_relaxed);
    }
    bool cancelled() const { return m_flag && m_flag->load(std::memory_order_relaxed); }
    /// The error a cancelled operation returns: ErrorCode::Cancelled with `what` ("indexing").
    static Error error(const std::string& what) { return makeError(ErrorCode::Cancelled, what + " cancelled"); }

private:
    explicit CancelToken(std::nullptr_t) {}
    static_assert(std::atomic<bool>::is_always_lock_free, "cancel() must be safe in a signal handler");
    std::shared_ptr<std::atomic<bool>> m_flag;
};

/// What a long operation takes: where to report and when to stop.
struct JobControl {
    Progress progress;
    CancelToken cancel = CancelToken::never();
};

}  // namespace diffclip
