#pragma once
// How wide a line edit must be to show its whole placeholder: translations are often longer
// than the English, and Qt elides a placeholder that does not fit.

#include <QLineEdit>
#include <QStyle>

namespace diffclip::ui {

/// The width, in pixels, at which `edit` shows its placeholder uncut: the text, the frame, Qt's
/// 2 px margins on each side and the text margins. The clear button takes room only while
/// there is text, when no placeholder is shown.
inline int widthShowingPlaceholder(const QLineEdit* edit) {
    const int frame = edit->style()->pixelMetric(QStyle::PM_DefaultFrameWidth, nullptr, edit);
    return edit->fontMetrics().horizontalAdvance(edit->placeholderText()) + 2 * frame + 4 +
           edit->textMargins().left() + edit->textMargins().right();
}

}  // namespace diffclip::ui
