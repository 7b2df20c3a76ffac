#pragma once
// A line at the bottom of a page that says what the last action did ("Labelled 5 photos …"),
// with an Undo button where the action can be undone, and that forgets it once it no longer
// holds. Each text has a topic (a number the page defines), so that a later outcome of the
// same kind replaces or clears it while one of another kind leaves it. GUI thread only.

#include <QWidget>

class QLabel;
class QToolButton;

namespace diffclip::ui {

class StatusLine : public QWidget {
    Q_OBJECT

public:
    explicit StatusLine(QWidget* parent = nullptr);

    /// Shows `text` about `topic`; a non-empty `undoTip` offers Undo (the tip says what it undoes).
    void say(int topic, const QString& text, const QString& undoTip = QString());
    /// Clears the line when it speaks of `topic`.
    void unsay(int topic);
    void clear();
    QString text() const;
    /// Whether there is still something to undo (the button stays, disabled, when not).
    void setUndoEnabled(bool enabled);

Q_SIGNALS:
    void undoRequested();

private:
    int m_topic = 0;
    QLabel* m_text = nullptr;
    QToolButton* m_undo = nullptr;
};

}  // namespace diffclip::ui
