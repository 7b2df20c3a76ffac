#pragma once
// The command line's one adapter of the job contract (diffclip/base/Job.h): the progress of a
// long operation (index, train, demo, import, explain --folder) printed on standard error.
// Standard output stays for results (--json), so progress never mixes into them.

#include <string>

#include "diffclip/base/Job.h"

namespace diffclip::cli {

/// A Progress that prints "<label>: <stage> <done>/<total>, <rate>/s, <seconds> s left" (rate
/// and time left of the current stage) at most twice a second, plus the last step of each
/// stage, and every message as its own line "<label>: <message>". On a terminal the counts
/// rewrite one line; in a log each report is a line. A stage's start (nothing done yet) is not
/// printed, so a command that fails before doing any work prints only its one error line.
/// The returned handle and its copies may be used from any thread (the contract serialises
/// the printing).
Progress stderrProgress(const std::string& label);

/// While it lives, Ctrl-C or SIGTERM cancels `token()` (the job stops at its next step and keeps
/// its checkpoint) and restores the default handlers, so a second Ctrl-C ends the process at
/// once; the defaults come back when it ends. One at a time, on the main thread.
class InterruptCancels {
public:
    InterruptCancels();
    ~InterruptCancels();
    InterruptCancels(const InterruptCancels&) = delete;
    InterruptCancels& operator=(const InterruptCancels&) = delete;
    const CancelToken& token() const;
};

}  // namespace diffclip::cli
