#pragma once
// Typed access to the user's settings (QSettings, organisation and application names set by
// main()). One place for the keys, so pages and main() agree on them. GUI thread only.

#include <QByteArray>
#include <QString>
#include <QStringList>

#include "diffclip/library/UsageEconomics.h"

namespace diffclip::ui {

enum class LanguageChoice { System, English, Japanese };
enum class ThemeChoice { System, Light, Dark };

class AppSettings {
public:
    static LanguageChoice language();
    static void setLanguage(LanguageChoice choice);

    static ThemeChoice theme();
    static void setTheme(ThemeChoice choice);

    /// CPU threads for model computations; 0 lets the core choose for the machine.
    static int cpuThreads();
    static void setCpuThreads(int threads);
    static constexpr int kMaxCpuThreads = 256;

    /// Most recently opened models first, at most kMaxRecentModels.
    static QStringList recentModels();
    static void addRecentModel(const QString& path);
    static void removeRecentModel(const QString& path);
    static void clearRecentModels();
    static constexpr int kMaxRecentModels = 10;

    static QByteArray windowGeometry();
    static QByteArray windowState();
    static void setWindowGeometry(const QByteArray& geometry, const QByteArray& state);

    static QByteArray modelsSplitterState();
    static void setModelsSplitterState(const QByteArray& state);

    /// Where models run: "auto" (the GPU when there is one), "cpu" or "cuda".
    static QString device();
    static void setDevice(const QString& device);

    /// Precision of the encoders (WorkspaceOptions::dtype): "auto" (bf16 on a GPU or a CPU with
    /// bf16, else int8 when it keeps cosine >= 0.999 with fp32 on the check made at load, else
    /// fp32), "fp32", "bf16" or "int8". Anything else reads as "auto".
    static QString precision();
    static void setPrecision(const QString& precision);

    /// Photos per encoder batch for indexing, re-embedding and auto-tagging.
    static int batchSize();
    static void setBatchSize(int size);
    static constexpr int kMinBatchSize = 1;
    static constexpr int kMaxBatchSize = 1024;
    static constexpr int kDefaultBatchSize = 16;

    /// The library offered by "New Library…" and on a first start: the saved choice, else
    /// builtinLibraryPath().
    static QString defaultLibraryPath();
    static void setDefaultLibraryPath(const QString& path);  // empty: back to the built-in one
    /// <XDG data home>/diffclip-studio/library.dclib, e.g. ~/.local/share/diffclip-studio/library.dclib.
    static QString builtinLibraryPath();

    /// The model registry: one model package folder per version, directly under
    /// <XDG data home>/diffclip-studio/models (e.g. ~/.local/share/diffclip-studio/models).
    /// Trained and imported models are written there; the Models page lists it.
    static QString modelRegistryDir();
    /// Finished jobs kept across sessions: <XDG data home>/diffclip-studio/jobs.json.
    static QString jobHistoryFile();

    /// Most recently opened libraries first, at most kMaxRecentLibraries; the first is the one
    /// reopened at start.
    static QStringList recentLibraries();
    static void addRecentLibrary(const QString& path);
    static void removeRecentLibrary(const QString& path);
    static void clearRecentLibraries();
    static constexpr int kMaxRecentLibraries = 10;

    static QByteArray librarySplitterState();
    static void setLibrarySplitterState(const QByteArray& state);

    // Where file dialogs open. A dialog given no folder (or a missing one) opens wherever the
    // last dialog of the session was, e.g. a model's folder; these give each kind its own place.
    /// Photo choosers: the folder of the last photo (or folder of photos) chosen, kept across
    /// sessions, while it exists; else the user's Pictures folder, else home.
    static QString photoFolder();
    /// Remembers the folder of `path` (a photo, or a folder of photos) for photoFolder().
    static void rememberPhotoFolder(const QString& path);
    /// "New Library…": defaultLibraryPath(), its folder made when missing (else a file in home).
    static QString newLibraryPath();

    /// The PoC page's time-and-money inputs (UsageEconomics.h); all 0 until the user enters them.
    static diffclip::EconomicsInputs economicsInputs();
    static void setEconomicsInputs(const diffclip::EconomicsInputs& inputs);
};

}  // namespace diffclip::ui
