#pragma once
// A one-line label that shows as much of its text as fits, eliding the middle ("/home/…/lib.dclib"),
// with the whole text as its tooltip, so a long path never makes the window wider. GUI thread only.

#include <QLabel>

namespace diffclip::ui {

class ElidedLabel : public QLabel {
    Q_OBJECT

public:
    explicit ElidedLabel(QWidget* parent = nullptr);

    /// Shows `text` (elided to the label's width) and sets it as the tooltip.
    void setFullText(const QString& text);
    QString fullText() const { return m_text; }
    /// Any width: the text is elided to what the layout gives.
    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void elide();
    QString m_text;
};

}  // namespace diffclip::ui
