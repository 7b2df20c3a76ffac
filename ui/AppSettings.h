#pragma once
// Typed access to the user's settings (QSettings, organisation and application names set by
// main()). One place for the keys, so pages and main() agree on them. GUI thread only.

#include <QByteArray>
#include <QString>
#include <QStringList>

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
};

}  // namespace diffclip::ui
