#pragma once
// One search hit opened from the Search page: the query and the hit side by side, the hit's
// score, label and metadata, its near-duplicates, and the person's judgement of it
// (HitFeedbackPanel: current judgement, history, Right / Wrong buttons). Enter closes the
// window; it never records a judgement.

#include <QDialog>
#include <QString>

#include "diffclip/indexing/IndexTypes.h"

class QLabel;

namespace diffclip::ui {

class ErrorBanner;
class HitFeedbackPanel;
class LibraryAccess;
struct SearchQuery;

class HitDetail : public QDialog {
    Q_OBJECT

public:
    /// `access` (not owned; may be null or closed) is the library the judgements go to;
    /// `query` is what the hit answered (a photo or words).
    HitDetail(LibraryAccess* access, const SearchQuery& query, const diffclip::SearchHit& hit, double threshold,
              bool thresholdKnown, QWidget* parent = nullptr);

    qint64 hitImageId() const { return qint64(m_hit.image.id); }
    /// Whether a Right/Wrong answer is being saved now.
    bool isSaving() const;
    /// The judgement panel's error banner (reading or saving a judgement failed).
    const ErrorBanner* errorBanner() const;

Q_SIGNALS:
    /// A judgement was stored (true: right match).
    void feedbackStored(qint64 hitImageId, bool right);
    /// "Why did this match?": open the Explain page on the hit with the query photo as target.
    void explainRequested(const QString& queryPath, const QString& hitPath);

private:
    void showPreview(QLabel* target, const QString& path);

    diffclip::SearchHit m_hit;
    QLabel* m_queryImage = nullptr;
    QLabel* m_hitImage = nullptr;
    HitFeedbackPanel* m_feedback = nullptr;
};

}  // namespace diffclip::ui
