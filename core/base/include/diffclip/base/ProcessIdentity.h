#pragma once
// Who holds something: the identity of a process, written into an id (the run id of an indexing
// run's claims, Library::claimPaths) so that another process can later tell whether the holder
// still runs. A run killed with SIGKILL, a crash or a power loss cleans nothing up; its claims
// would block other runs until they expire. With the holder's identity in the run id, a process
// on the same machine sees at once that the holder is gone and takes its claims over.
//
// The identity: host name, the Linux boot id (/proc/sys/kernel/random/boot_id: it changes at
// every boot, so a pid from before a reboot is never checked against today's processes), the
// pid namespace (/proc/self/ns/pid: containers of one host share the boot id, but not their
// pids), the pid, and the process's start time (/proc/<pid>/stat field 22, clock ticks since
// boot: a pid the kernel reused since belongs to a process with another start time).
//
// holderIsGone() answers true only when it is certain: same host, boot and pid namespace, and
// the pid names no process, a zombie, or a process that started at another time. Anything it
// cannot read (another host, a library on a network share, another container, no /proc, a
// platform other than Linux, an id in an older format) answers false, and the caller falls back
// on what it did without (for claims: their time to live).

#include <cstdint>
#include <optional>
#include <string>

namespace diffclip {

struct ProcessIdentity {
    std::string host;          // gethostname(); '|' replaced by '_'
    std::string bootId;        // the Linux boot id; empty where unknown
    std::string pidNamespace;  // the inode number of /proc/self/ns/pid; empty where unknown
    int64_t pid = 0;
    uint64_t startTime = 0;  // /proc/<pid>/stat field 22; 0 where unknown
};

/// This process (read once, then cached; a fork()ed child reads its own pid and start time).
ProcessIdentity currentProcessIdentity();

/// The start time of a running process (/proc/<pid>/stat field 22); nullopt when there is no
/// such process, it is a zombie, or it cannot be read.
std::optional<uint64_t> processStartTime(int64_t pid);

/// A run id naming `holder`, unique through `unique` (e.g. random digits; no '|'):
/// "dc1|host|boot id|pid namespace|pid|start time|unique".
std::string makeRunId(const ProcessIdentity& holder, const std::string& unique);
/// makeRunId(currentProcessIdentity(), 64 random bits in hex).
std::string newRunId();
/// The holder a run id names; nullopt for ids in another format (older versions' "pid-random").
std::optional<ProcessIdentity> runIdHolder(const std::string& runId);

/// True when `holder` was a process of this host, boot and pid namespace that no longer runs
/// (see the top of this file); false when it runs or when that cannot be known.
bool holderIsGone(const ProcessIdentity& holder);
/// holderIsGone() of the holder that `runId` names; false for ids in another format.
bool runHolderIsGone(const std::string& runId);

}  // namespace diffclip
