#pragma once
// An inline error message for a page: icon, headline, explanation, the core's detail as
// selectable text, and a Dismiss button. Colours follow the current palette (light or dark).

#include <QFrame>

class QLabel;
class QToolButton;

namespace diffclip::ui {

/// A short problem message beside the fields of a form or dialog (word-wrapped, bold, in the
/// palette's highlight colour), the inline counterpart of the banner; hidden until shown.
/// Named `objectName`, owned by `parent`.
QLabel* makeProblemLabel(const QString& objectName, QWidget* parent);

class ErrorBanner : public QFrame {
    Q_OBJECT

public:
    explicit ErrorBanner(QWidget* parent = nullptr);

    /// Shows the banner. `details` may be empty.
    void showError(const QString& title, const QString& reason, const QString& details);
    /// Hides the banner and forgets its text.
    void clear();

    QString title() const;
    QString reason() const;
    QString details() const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void updateIcon();

    QLabel* m_icon = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_reason = nullptr;
    QLabel* m_details = nullptr;
    QToolButton* m_dismiss = nullptr;
};

}  // namespace diffclip::ui
