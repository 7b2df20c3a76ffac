#pragma once
// A label and a line edit that show long texts (file paths, model names) elided in the middle
// when there is not enough room, with the full text in the tooltip, so a long name never
// forces the window wider and both its start and its end stay readable; a path keeps its file
// name whole ("/work/…/scratches_1.jpg"). GUI thread only.

#include <QLabel>
#include <QLineEdit>

namespace diffclip::ui {

class ElidedLabel : public QLabel {
    Q_OBJECT

public:
    explicit ElidedLabel(QWidget* parent = nullptr);
    /// The text to show (elided to the width the label gets); also the tooltip unless one is set.
    void setFullText(const QString& text);
    QString fullText() const { return m_full; }
    /// At most `pixels` wide when room is plenty (the label's size hint).
    void setPreferredWidth(int pixels);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void refresh();

    QString m_full;
    int m_preferred = 0;
};

/// The full text is what the user typed; while the field has no focus it shows it elided.
/// Read it with fullText() (text() may be the elided form). The clear button counts as an
/// edit: it emits editingFinished() too, so one signal tells that the text was changed.
class ElidedLineEdit : public QLineEdit {
    Q_OBJECT

public:
    explicit ElidedLineEdit(QWidget* parent = nullptr);
    void setFullText(const QString& text);
    QString fullText() const { return m_full; }
    /// Wide enough for `characters` average characters (the size hint).
    void setPreferredCharacters(int characters);
    QSize sizeHint() const override;

protected:
    void focusInEvent(QFocusEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void refresh();

    QString m_full;
    int m_characters = 30;
};

}  // namespace diffclip::ui
