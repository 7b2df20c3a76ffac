#include "diffclip/base/Job.h"

#include <algorithm>
#include <mutex>

namespace diffclip {

struct Progress::State {
    Callback callback;
    std::chrono::steady_clock::duration interval;
    std::mutex mutex;  // guards everything below and serialises the callback
    ProgressUpdate now;
    std::chrono::steady_clock::time_point stageStart = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point lastDelivered{};
    bool deliveredAny = false;
    bool stepDelivered = false;  // the stage's first update() has been delivered
};

Progress::Progress(Callback callback, std::chrono::milliseconds interval)
    : m_state(std::make_shared<State>()) {
    m_state->callback = std::move(callback);
    m_state->interval = interval;
}

void Progress::deliver(bool force, const std::string& text) const {
    // Called with the mutex held.
    State& s = *m_state;
    const auto t = std::chrono::steady_clock::now();
    s.now.seconds = std::chrono::duration<double>(t - s.stageStart).count();
    const bool last = s.now.total > 0 && s.now.done >= s.now.total;
    if (!force && !last && s.deliveredAny && t - s.lastDelivered < s.interval) return;
    s.lastDelivered = t;
    s.deliveredAny = true;
    if (!s.callback) return;
    ProgressUpdate u = s.now;
    u.message = text;
    s.callback(u);
}

void Progress::stage(const std::string& name, int64_t total) const {
    if (!m_state) return;
    std::lock_guard<std::mutex> lock(m_state->mutex);
    m_state->now = ProgressUpdate{name, 0, std::max<int64_t>(total, 0), {}, 0.0};
    m_state->stageStart = std::chrono::steady_clock::now();
    m_state->stepDelivered = false;
    deliver(true, {});
}

void Progress::update(int64_t done) const {
    if (!m_state) return;
    std::lock_guard<std::mutex> lock(m_state->mutex);
    setDone(done);
}

void Progress::advance(int64_t units) const {
    if (!m_state) return;
    std::lock_guard<std::mutex> lock(m_state->mutex);
    setDone(m_state->now.done + units);
}

void Progress::setDone(int64_t done) const {
    // Called with the mutex held.
    ProgressUpdate& u = m_state->now;
    const bool wasDone = u.total > 0 && u.done >= u.total;
    u.done = u.total > 0 ? std::clamp<int64_t>(done, 0, u.total) : std::max<int64_t>(done, 0);
    if (wasDone && u.done >= u.total) return;  // the last step of a stage is delivered once
    // The first step of a stage always arrives: it shows that work started and gives a rate.
    const bool first = !m_state->stepDelivered;
    m_state->stepDelivered = true;
    deliver(first, {});
}

void Progress::setTotal(int64_t total) const {
    if (!m_state) return;
    std::lock_guard<std::mutex> lock(m_state->mutex);
    m_state->now.total = std::max<int64_t>(total, 0);
    deliver(true, {});
}

void Progress::message(const std::string& text) const {
    if (!m_state) return;
    std::lock_guard<std::mutex> lock(m_state->mutex);
    deliver(true, text);
}

ProgressUpdate Progress::current() const {
    if (!m_state) return {};
    std::lock_guard<std::mutex> lock(m_state->mutex);
    ProgressUpdate u = m_state->now;
    u.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_state->stageStart).count();
    return u;
}

}  // namespace diffclip
