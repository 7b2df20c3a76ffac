#pragma once
// How wide a line edit must be to show its whole placeholder: translations are often longer
// than the English, and Qt elides a placeholder that does not fit.

#include <QLineEdit>
#include <QStyle>

namespace diffclip::ui {

/// The width, in pixels, at which `edit` shows its placeholder uncut: the text, the frame,
/// Qt's 2 px margins on each side, the text margins, and room for the clear button (Qt gives
/// it room only while there is text, but the field should not jump when typing starts).
inline int widthShowingPlaceholder(const QLineEdit* edit) {
    const QStyle* style = edit->style();
    int chrome = 2 * style->pixelMetric(QStyle::PM_DefaultFrameWidth, nullptr, edit) + 4 + edit->textMargins().left() +
                 edit->textMargins().right();
    if (edit->isClearButtonEnabled())
        chrome += style->pixelMetric(QStyle::PM_LineEditIconSize, nullptr, edit) + 6 +
                  style->pixelMetric(QStyle::PM_LineEditIconMargin, nullptr, edit);
    return edit->fontMetrics().horizontalAdvance(edit->placeholderText()) + chrome;
}

}  // namespace diffclip::ui
