#pragma once
// A person's judgement of one search hit for one query, in the hit window: the current
// judgement and its history (read from the library's feedback table), and buttons to judge.
// Once judged, the button for the other answer reads "Change to …" and says what it
// replaces; no button is a default one, so Enter never records a judgement. Every judgement
// is a new row (Library::addFeedback): the history is never rewritten.
// Library reads and writes go through the page's LibraryAccess worker. GUI thread only.

#include <QPointer>
#include <QString>
#include <QWidget>

#include <atomic>
#include <memory>

#include <optional>
#include <vector>

#include "diffclip/library/Library.h"

class QLabel;
class QPushButton;

namespace diffclip::ui {

class ErrorBanner;
class LibraryAccess;

class HitFeedbackPanel : public QWidget {
    Q_OBJECT

public:
    /// `access` (not owned; null or closed: judging is off, with a note) is the open library;
    /// `queryKey` is SearchQuery::feedbackKey(). Reads the history at once. `searchId` (read on
    /// the library's worker when a judgement is stored; null or 0: not logged) and `rank` (the
    /// hit's 1-based place in the results; 0: unknown) link judgements to the logged search.
    HitFeedbackPanel(LibraryAccess* access, const QString& queryKey, qint64 hitImageId, QWidget* parent = nullptr,
                     std::shared_ptr<const std::atomic<qint64>> searchId = nullptr, int rank = 0);

    /// Whether the history is being read or a judgement saved now (the buttons wait).
    bool isBusy() const { return m_loading || m_saving; }
    bool isSaving() const { return m_saving; }
    /// The current judgement (true: right match); nullopt when none (or not read yet).
    std::optional<bool> current() const;
    const ErrorBanner* errorBanner() const { return m_error; }

public Q_SLOTS:
    /// Stores a judgement (a new row); feedbackStored or the error banner follows. Does
    /// nothing while busy, without an open library, or for the current judgement.
    void markRight();
    void markWrong();

Q_SIGNALS:
    void feedbackStored(qint64 hitImageId, bool right);

private:
    void load();
    void store(bool right);
    /// Buttons, state line and history from m_history; `outcome` leads the state line.
    void showHistory(const QString& outcome = QString());
    QString when(qint64 ms) const;

    QPointer<LibraryAccess> m_access;
    std::string m_key;
    qint64 m_hitId;
    std::shared_ptr<const std::atomic<qint64>> m_searchId;
    int m_rank = 0;
    std::vector<diffclip::Library::FeedbackRecord> m_history;  // oldest first
    QLabel* m_state = nullptr;
    QLabel* m_historyText = nullptr;
    QPushButton* m_right = nullptr;
    QPushButton* m_wrong = nullptr;
    ErrorBanner* m_error = nullptr;
    bool m_loading = false;
    bool m_saving = false;
};

}  // namespace diffclip::ui
