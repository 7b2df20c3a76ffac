#pragma once
// The Training page's words and names, built through tr() from the core's plain values: the
// status line of a progress report, figures as shown in its tables, and why a training could
// not run. Plain functions of their arguments: any thread, no state.

#include <QCoreApplication>
#include <QString>

#include "diffclip/base/Result.h"

namespace diffclip {
struct TrainMetrics;
}

namespace diffclip::ui {

class TrainingText {
    Q_DECLARE_TR_FUNCTIONS(TrainingText)

public:
    /// A fraction 0..1 as "87.5 %" in the user's locale; "–" for a negative (no figure).
    static QString percent(double fraction);
    /// Seconds as "m:ss"; "?" for a negative.
    static QString clock(double seconds);
    /// What the user can do about a failed training, by the core's error code.
    static QString failureReason(diffclip::ErrorCode code);
    /// The status line of one progress report ("[differential] Epoch 3 of 15 · loss 0.4321 · …");
    /// empty for a report that says nothing new. `linear`: iterations of the head, not epochs.
    static QString progressLine(const diffclip::TrainMetrics& progress, bool linear);
    /// "Differential attention" / "Standard attention" for a compared variant's key.
    static QString variantName(const QString& key);
    /// A folder name from free text: no separators, no leading dot, nothing a file system rejects.
    static QString folderName(QString text);
};

}  // namespace diffclip::ui
