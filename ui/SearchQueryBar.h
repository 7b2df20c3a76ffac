#pragma once
// The top of the Search page: its title, the ways to give a query (choose a photo, paste, type
// words) and Export CSV. It only says what the person asked for; the page searches.
// GUI thread only.

#include <QWidget>

class QLineEdit;
class QPushButton;

namespace diffclip::ui {

class SearchQueryBar : public QWidget {
    Q_OBJECT

public:
    explicit SearchQueryBar(QWidget* parent = nullptr);

    void setExportEnabled(bool enabled);
    /// Empties the words box (a photo query replaced the words).
    void clearText();
    /// Puts the keyboard in the words box, its text selected.
    void focusText();

Q_SIGNALS:
    void choosePhotosRequested();
    void pasteRequested();
    void exportRequested();
    /// Enter in the words box or its button.
    void textSearchRequested(const QString& text);

private:
    QLineEdit* m_text = nullptr;
    QPushButton* m_exportButton = nullptr;
};

}  // namespace diffclip::ui
