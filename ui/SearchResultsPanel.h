#pragma once
// The right side of the Search page: the search running now, notices about the current answer
// (no confident match, photos not yet embedded), the result tiles or a sentence in their
// place, the status line and a line for what the last action did (e.g. where an export went).
// It shows what the page tells it; GUI thread only.

#include <QWidget>

class QLabel;
class QListView;
class QPushButton;
class QStackedWidget;

namespace diffclip::ui {

class BusyRow;
class SearchResultsModel;

class SearchResultsPanel : public QWidget {
    Q_OBJECT

public:
    /// `model` (not owned) feeds the tiles; `thumbnailEdge` is its thumbnails' size in pixels.
    /// `canReembed`: whether the not-embedded notice offers its button (a jobs centre exists).
    SearchResultsPanel(SearchResultsModel* model, int thumbnailEdge, bool canReembed, QWidget* parent = nullptr);

    QListView* grid() const { return m_grid; }
    /// "Searching with …" with a busy bar; empty hides it.
    void setBusy(const QString& text);
    /// Shows `text` where the tiles go.
    void showSentence(const QString& text);
    /// Shows the tiles, the first one current.
    void showTiles();
    /// The amber "no confident match" note; empty text hides it.
    void setConfidenceNote(const QString& text);
    bool isConfidenceNoteShown() const;
    /// The notice of `count` photos the model has not embedded yet; 0 hides it.
    void setNotEmbedded(qint64 count, bool canStart);
    bool isNotEmbeddedShown() const;
    void setReembedEnabled(bool enabled);
    /// The "None Right" button under the tiles (feedback on the whole answer); hidden when not
    /// `visible`, greyed out when not `enabled`.
    void setNoneRightState(bool visible, bool enabled);
    QPushButton* noneRightButton() const { return m_noneRight; }
    void setStatus(const QString& text);
    /// What the last action did (export, …); empty clears it.
    void setMessage(const QString& text);
    QString message() const;

Q_SIGNALS:
    /// A tile was activated (double-click or Enter).
    void hitActivated(int row);
    void reembedRequested();
    /// "None of these hits is right" was clicked.
    void noneRightRequested();

private:
    BusyRow* m_busy = nullptr;
    QListView* m_grid = nullptr;
    QLabel* m_sentence = nullptr;
    QStackedWidget* m_stack = nullptr;
    QLabel* m_confidence = nullptr;
    QWidget* m_notEmbedded = nullptr;
    QLabel* m_notEmbeddedText = nullptr;
    QPushButton* m_reembedButton = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_noneRight = nullptr;
    QLabel* m_message = nullptr;
};

}  // namespace diffclip::ui
