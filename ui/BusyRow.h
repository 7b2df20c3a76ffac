#pragma once
// A row that says what the page is busy with when the core reports no progress for it (opening
// a model, one search): a moving, indeterminate bar and a line of text, hidden while there is
// nothing to say. GUI thread only.

#include <QWidget>

class QLabel;

namespace diffclip::ui {

class BusyRow : public QWidget {
    Q_OBJECT

public:
    /// `barName`: the bar's accessible name; `barChars`: the bar's width at most, in average
    /// characters. The text label is named "busyLabel".
    BusyRow(const QString& barName, int barChars, QWidget* parent = nullptr);

    /// Shows `text` beside the bar; an empty text hides the row.
    void say(const QString& text);
    QLabel* label() const { return m_text; }

private:
    QLabel* m_text = nullptr;
};

}  // namespace diffclip::ui
