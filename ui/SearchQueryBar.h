#pragma once
// The top of the Search page: its title, the ways to give a query (choose a photo, paste, type
// words), the number of results, and Export CSV. It only says what the person asked for;
// the page searches. GUI thread only.

#include <QWidget>

class QLineEdit;
class QPushButton;
class QSpinBox;

namespace diffclip::ui {

class SearchQueryBar : public QWidget {
    Q_OBJECT

public:
    explicit SearchQueryBar(QWidget* parent = nullptr);

    /// Results (near-duplicate groups) to ask for, 1..200.
    int topK() const;

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
    void topKChanged(int k);

private:
    QLineEdit* m_text = nullptr;
    QSpinBox* m_topK = nullptr;
    QPushButton* m_exportButton = nullptr;
};

}  // namespace diffclip::ui
