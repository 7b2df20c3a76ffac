#pragma once
// One search hit opened from the Search page: the query and the hit side by side, the hit's
// score, label and metadata, its near-duplicates, and Right / Wrong buttons that store the
// judgement in the library's feedback table (on a worker thread; the library is opened as a
// connection of its own, as Library.h allows).

#include <QDialog>
#include <QString>

#include "diffclip/indexing/IndexTypes.h"

class QLabel;
class QPushButton;

namespace diffclip::ui {

class ErrorBanner;
struct SearchQuery;

class HitDetail : public QDialog {
    Q_OBJECT

public:
    /// `query` is what the hit answered (a photo or words); judgements go to `libraryPath`.
    HitDetail(const QString& libraryPath, const SearchQuery& query, const diffclip::SearchHit& hit, double threshold,
              bool thresholdKnown, QWidget* parent = nullptr);

    qint64 hitImageId() const { return qint64(m_hit.image.id); }
    /// Whether a Right/Wrong answer is being saved now.
    bool isSaving() const { return m_saving; }
    const ErrorBanner* errorBanner() const { return m_error; }

public Q_SLOTS:
    /// Stores the judgement; `feedbackStored` or the error banner follows.
    void markRight();
    void markWrong();

Q_SIGNALS:
    void feedbackStored(qint64 hitImageId, bool right);
    void feedbackFailed(const QString& reason);
    /// "Why did this match?": open the Explain page on the hit with the query photo as target.
    void explainRequested(const QString& queryPath, const QString& hitPath);

private:
    void store(bool right);
    void showPreview(QLabel* target, const QString& path);

    QString m_libraryPath;
    QString m_feedbackKey;  // SearchQuery::feedbackKey() of the query
    diffclip::SearchHit m_hit;
    QLabel* m_queryImage = nullptr;
    QLabel* m_hitImage = nullptr;
    QLabel* m_feedbackState = nullptr;
    QPushButton* m_right = nullptr;
    QPushButton* m_wrong = nullptr;
    ErrorBanner* m_error = nullptr;
    bool m_saving = false;
};

}  // namespace diffclip::ui
