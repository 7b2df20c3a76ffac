#pragma once
// Mirrors the library's current labels as a folder-per-class tree on disk (what training and
// `diffclip evaluate` read): <target>/<label>/<photo file>, as symbolic links or copies.
// Idempotent: a second run changes nothing; after relabelling, a run moves only what changed.
// The files it made are listed in <target>/.diffclip-mirror, so it never removes anything it
// did not make. Runs on a worker thread (a JobCentre job); opens its own library connection.

#include <QString>
#include <QStringList>

#include "JobCentre.h"
#include "diffclip/base/Job.h"
#include "diffclip/base/Result.h"

namespace diffclip::ui {

enum class MirrorMode { Link, Copy };

struct MirrorReport {
    int created = 0;    // links or copies made
    int unchanged = 0;  // already in place
    int removed = 0;    // made by an earlier run, no longer labelled so
    int skipped = 0;    // a file of the user's own is in the way, or the photo is missing
    QStringList problems;  // one line per skipped photo (first ones only)
    bool cancelled = false;  // stopped early: what was made is kept and listed in the manifest
};

/// The folder name for a label: path separators, control characters and a leading dot become
/// '_', so a label can never leave the target folder.
QString labelFolderName(const QString& label);

/// `job` (diffclip/base/Job.h): one stage "mirror", done/total = labelled photos. Cancel is
/// checked between photos; a cancelled run still writes the manifest (so the next run knows
/// what it made) and returns its report with `cancelled` set rather than an error.
diffclip::Result<MirrorReport> mirrorLabels(const QString& libraryPath, const QString& targetDir, MirrorMode mode,
                                            const diffclip::JobControl& job = {});

/// The job function that runs mirrorLabels() for the Library and Training pages: progress,
/// the problems in the job's log, and one summary line (made, in place, removed, skipped).
JobCentre::Function mirrorLabelsJob(const QString& libraryPath, const QString& targetDir, MirrorMode mode);

}  // namespace diffclip::ui
