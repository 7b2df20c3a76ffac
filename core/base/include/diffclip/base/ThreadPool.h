#pragma once
// The core's one way to run a loop on several cores: a fixed set of worker threads plus the
// calling thread, which claim the loop's indices one at a time (so uneven items balance out).
// Used by exact search (one pool per index, kept for its lifetime: a search must not pay for
// starting threads), the approximate index build and the demo's photo rendering.
// docs/SEARCH.md says why our own pool and not oneTBB.
//
// Threading: run() and parallelFor() may be called from several threads at once, also while
// the pool is busy, and from inside a loop body (their items share the workers); the calling
// thread always works on its own loop, so a call never waits for a free worker, only for the
// items others have already started. The destructor joins the workers; no call may be in
// progress then.
// Exceptions: the first exception a loop body throws is rethrown by run() once every claimed
// item has finished; items not yet claimed then are skipped.

#include <cstddef>
#include <functional>
#include <memory>

namespace diffclip {

class ThreadPool {
public:
    /// `threads` counts the calling thread: n - 1 workers are started. 0 means
    /// std::thread::hardware_concurrency() (at least 1); 1 runs every loop on the caller.
    explicit ThreadPool(unsigned threads = 0);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    /// Threads that work on a loop, the caller included (>= 1).
    unsigned size() const;

    /// Calls fn(i) for every i in [0, n), on the workers and the calling thread, and returns
    /// when all have finished. Order of calls is unspecified.
    void run(size_t n, const std::function<void(size_t)>& fn);

    /// Splits [0, n) into at most `parts` contiguous ranges of nearly equal size (0 = size())
    /// and calls fn(begin, end) once per non-empty range, as run() does. Range k is
    /// [n*k/parts, n*(k+1)/parts), so the split depends only on n and parts.
    void parallelFor(size_t n, const std::function<void(size_t, size_t)>& fn, size_t parts = 0);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

}  // namespace diffclip
