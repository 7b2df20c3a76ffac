#pragma once
// Light and dark themes as palettes on the Fusion style. "System" restores the style and
// palette the platform gave the application at start.

#include "AppSettings.h"

namespace diffclip::ui {

/// Applies `theme` to qApp. The first call records the platform's style and palette, so call
/// it once at start (before changing either) even when the theme is System. GUI thread only.
void applyTheme(ThemeChoice theme);

}  // namespace diffclip::ui
