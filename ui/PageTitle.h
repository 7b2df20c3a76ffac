#pragma once
// The large bold title at the top of a page ("Search", "Library", ...), the same on every page,
// and the header row that puts the page's main actions to its right.
// GUI thread only.

#include <QString>

#include <initializer_list>

class QHBoxLayout;
class QLabel;
class QWidget;

namespace diffclip::ui {

/// A new label showing `text` at 1.6 times the font size, bold; its accessible name is the text.
/// Owned by `parent`.
QLabel* makePageTitle(const QString& text, QWidget* parent);

/// A new row with the page's title (makePageTitle) on the left and `actions` on the right, in
/// that order. The caller adds it to a layout.
QHBoxLayout* makePageHeader(const QString& title, QWidget* parent, std::initializer_list<QWidget*> actions);

}  // namespace diffclip::ui
