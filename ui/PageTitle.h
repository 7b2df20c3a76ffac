#pragma once
// The large bold title at the top of a page ("Search", "Library", ...), the same on every page.
// GUI thread only.

#include <QString>

class QLabel;
class QWidget;

namespace diffclip::ui {

/// A new label showing `text` at 1.6 times the font size, bold; its accessible name is the text.
/// Owned by `parent`.
QLabel* makePageTitle(const QString& text, QWidget* parent);

}  // namespace diffclip::ui
