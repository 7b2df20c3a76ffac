#include "diffclip/base/ThreadPool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace diffclip {

// Named, not anonymous: a type with internal linkage inside ThreadPool::State draws -Wsubobject-linkage when
// the release preset's unity build compiles this file as an include.
namespace threadpool_detail {

// One run() call: its items are claimed through `next`; the caller waits for `finished == n`.
// Workers hold it by shared_ptr, because a worker may take the job from the queue after the
// caller has returned (all items already claimed), and must then find it alive.
struct Loop {
    const std::function<void(size_t)>* fn = nullptr;  // valid while items remain unclaimed
    size_t n = 0;
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex mutex;
    std::condition_variable done;
    size_t finished = 0;           // guarded by mutex
    std::exception_ptr error;      // the first exception, guarded by mutex

    // Claims and runs items until none is left; returns how many this thread finished.
    void work() {
        size_t mine = 0;
        for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n; ++mine) {
            if (failed.load(std::memory_order_relaxed)) continue;  // skip, but count it as finished
            try {
                (*fn)(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(mutex);
                if (!error) error = std::current_exception();
                failed = true;
            }
        }
        if (mine > 0) {
            std::lock_guard<std::mutex> lock(mutex);
            finished += mine;
            if (finished == n) done.notify_all();
        }
    }
};

}  // namespace threadpool_detail

using threadpool_detail::Loop;

struct ThreadPool::State {
    unsigned size = 1;
    std::vector<std::thread> workers;
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::shared_ptr<Loop>> queue;  // one entry per worker a loop asks for
    bool stop = false;

    void workerLoop() {
        for (;;) {
            std::shared_ptr<Loop> loop;
            {
                std::unique_lock<std::mutex> lock(mutex);
                wake.wait(lock, [this] { return stop || !queue.empty(); });
                if (queue.empty()) return;  // stop, and nothing left
                loop = std::move(queue.front());
                queue.pop_front();
            }
            loop->work();
        }
    }
};

ThreadPool::ThreadPool(unsigned threads) : m_state(std::make_unique<State>()) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    m_state->size = threads;
    m_state->workers.reserve(threads - 1);
    for (unsigned i = 1; i < threads; ++i) m_state->workers.emplace_back([s = m_state.get()] { s->workerLoop(); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(m_state->mutex);
        m_state->stop = true;
    }
    m_state->wake.notify_all();
    for (auto& t : m_state->workers) t.join();
}

unsigned ThreadPool::size() const { return m_state->size; }

void ThreadPool::run(size_t n, const std::function<void(size_t)>& fn) {
    if (n == 0) return;
    auto loop = std::make_shared<Loop>();
    loop->fn = &fn;
    loop->n = n;
    // Ask for as many workers as there are items beyond the caller's first one.
    const size_t helpers = std::min<size_t>(m_state->workers.size(), n - 1);
    if (helpers > 0) {
        {
            std::lock_guard<std::mutex> lock(m_state->mutex);
            for (size_t i = 0; i < helpers; ++i) m_state->queue.push_back(loop);
        }
        if (helpers == 1)
            m_state->wake.notify_one();
        else
            m_state->wake.notify_all();
    }
    loop->work();
    std::unique_lock<std::mutex> lock(loop->mutex);
    loop->done.wait(lock, [&] { return loop->finished == n; });
    if (loop->error) std::rethrow_exception(loop->error);
}

void ThreadPool::parallelFor(size_t n, const std::function<void(size_t, size_t)>& fn, size_t parts) {
    if (n == 0) return;
    if (parts == 0) parts = m_state->size;
    parts = std::min(parts, n);
    run(parts, [&](size_t k) { fn(n * k / parts, n * (k + 1) / parts); });
}

}  // namespace diffclip
