// The identity of a process and whether it still runs (ProcessIdentity.h). Linux reads /proc;
// elsewhere the boot id stays empty, so no holder is ever found gone there.

#include "diffclip/base/ProcessIdentity.h"

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/types.h>
#include <unistd.h>
#include <csignal>
#define DIFFCLIP_HAS_POSIX_PROCESSES 1
#endif

namespace diffclip {

namespace pid_detail {

constexpr char kRunIdTag[] = "dc1";

std::string firstLine(const std::string& file) {
    std::ifstream in(file);
    std::string line;
    if (!in || !std::getline(in, line)) return {};
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line;
}

std::string withoutBars(std::string s) {
    for (char& c : s)
        if (c == '|' || c == '\n' || c == '\r') c = '_';
    return s;
}

std::string hostName() {
#ifdef DIFFCLIP_HAS_POSIX_PROCESSES
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) == 0) return withoutBars(name);
#endif
    return {};
}

std::string bootId() {
#ifdef __linux__
    return withoutBars(firstLine("/proc/sys/kernel/random/boot_id"));
#else
    return {};
#endif
}

// "pid:[4026531836]" -> "4026531836".
std::string pidNamespace() {
#ifdef __linux__
    char target[128] = {};
    const ssize_t n = ::readlink("/proc/self/ns/pid", target, sizeof target - 1);
    if (n <= 0) return {};
    const std::string link(target, size_t(n));
    const size_t open = link.find('['), close = link.rfind(']');
    if (open == std::string::npos || close == std::string::npos || close <= open + 1) return {};
    return link.substr(open + 1, close - open - 1);
#else
    return {};
#endif
}

struct StatFields {
    char state = '?';
    uint64_t startTime = 0;
};

// /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and ')', so the fields are
// counted from the last ')'. nullopt when the file cannot be read or parsed.
std::optional<StatFields> readStat(int64_t pid) {
#ifdef __linux__
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    if (!in) return std::nullopt;
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    const size_t close = text.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(text.substr(close + 1));
    StatFields out;
    std::string field;
    // Field 3 is the state, field 22 the start time.
    for (int number = 3; number <= 22 && fields >> field; ++number) {
        if (number == 3) out.state = field.empty() ? '?' : field[0];
        if (number == 22) {
            try {
                out.startTime = std::stoull(field);
            } catch (...) {
                return std::nullopt;
            }
            return out;
        }
    }
    return std::nullopt;
#else
    (void)pid;
    return std::nullopt;
#endif
}

std::vector<std::string> split(const std::string& s, char separator) {
    std::vector<std::string> out;
    size_t from = 0;
    for (;;) {
        const size_t at = s.find(separator, from);
        out.push_back(s.substr(from, at == std::string::npos ? std::string::npos : at - from));
        if (at == std::string::npos) return out;
        from = at + 1;
    }
}

std::optional<uint64_t> decimal(const std::string& s) {
    if (s.empty() || s.size() > 19) return std::nullopt;
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + uint64_t(c - '0');
    }
    return v;
}

}  // namespace pid_detail

ProcessIdentity currentProcessIdentity() {
    static std::mutex mutex;
    static ProcessIdentity cached;
    std::lock_guard<std::mutex> lock(mutex);
#ifdef DIFFCLIP_HAS_POSIX_PROCESSES
    const int64_t pid = int64_t(::getpid());
#else
    const int64_t pid = 0;
#endif
    if (cached.pid != pid || cached.host.empty()) {
        cached.host = pid_detail::hostName();
        cached.bootId = pid_detail::bootId();
        cached.pidNamespace = pid_detail::pidNamespace();
        cached.pid = pid;
        cached.startTime = processStartTime(pid).value_or(0);
    }
    return cached;
}

std::optional<uint64_t> processStartTime(int64_t pid) {
    if (pid <= 0) return std::nullopt;
    const std::optional<pid_detail::StatFields> stat = pid_detail::readStat(pid);
    if (!stat || stat->state == 'Z' || stat->state == 'X') return std::nullopt;
    return stat->startTime;
}

std::string makeRunId(const ProcessIdentity& holder, const std::string& unique) {
    return std::string(pid_detail::kRunIdTag) + '|' + pid_detail::withoutBars(holder.host) + '|' +
           pid_detail::withoutBars(holder.bootId) + '|' + pid_detail::withoutBars(holder.pidNamespace) + '|' +
           std::to_string(holder.pid) + '|' + std::to_string(holder.startTime) + '|' + pid_detail::withoutBars(unique);
}

std::string newRunId() {
    std::random_device device;
    char unique[24];
    std::snprintf(unique, sizeof unique, "%08x%08x", unsigned(device()), unsigned(device()));
    return makeRunId(currentProcessIdentity(), unique);
}

std::optional<ProcessIdentity> runIdHolder(const std::string& runId) {
    const std::vector<std::string> parts = pid_detail::split(runId, '|');
    if (parts.size() != 7 || parts[0] != pid_detail::kRunIdTag) return std::nullopt;
    const std::optional<uint64_t> pid = pid_detail::decimal(parts[4]), start = pid_detail::decimal(parts[5]);
    if (!pid || !start) return std::nullopt;
    ProcessIdentity holder;
    holder.host = parts[1];
    holder.bootId = parts[2];
    holder.pidNamespace = parts[3];
    holder.pid = int64_t(*pid);
    holder.startTime = *start;
    return holder;
}

bool holderIsGone(const ProcessIdentity& holder) {
#if defined(__linux__) && defined(DIFFCLIP_HAS_POSIX_PROCESSES)
    const ProcessIdentity self = currentProcessIdentity();
    // Another machine, boot or container (or unknown ones): its pids mean nothing here.
    if (holder.pid <= 0 || holder.host.empty() || holder.bootId.empty() || holder.pidNamespace.empty() ||
        holder.host != self.host || holder.bootId != self.bootId || holder.pidNamespace != self.pidNamespace) {
        return false;
    }
    if (holder.pid > int64_t(INT32_MAX)) return false;
    // kill(pid, 0) sees every process of the namespace, also another user's (EPERM) where
    // /proc is mounted with hidepid; only ESRCH says there is none.
    if (::kill(pid_t(holder.pid), 0) != 0 && errno == ESRCH) return true;
    const std::optional<pid_detail::StatFields> stat = pid_detail::readStat(holder.pid);
    if (!stat) return false;                                    // exists, but cannot be read: assume it is the holder
    if (stat->state == 'Z' || stat->state == 'X') return true;  // ended, not yet reaped
    // Without a recorded start time a reused pid cannot be told apart: assume the holder.
    return holder.startTime != 0 && stat->startTime != holder.startTime;
#else
    (void)holder;
    return false;
#endif
}

bool runHolderIsGone(const std::string& runId) {
    const std::optional<ProcessIdentity> holder = runIdHolder(runId);
    return holder && holderIsGone(*holder);
}

}  // namespace diffclip
