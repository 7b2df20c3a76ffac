#pragma once
// The hits of one search as an item model (one row per near-duplicate group), with the
// judgement a person gave each hit for this query. SearchHitDelegate draws the rows as tiles;
// thumbnails come from the page's ThumbnailCache. GUI thread only.

#include <QAbstractListModel>

#include <map>

#include "ThumbnailCache.h"
#include "diffclip/indexing/IndexTypes.h"

namespace diffclip::ui {

class SearchResultsModel : public QAbstractListModel {
    Q_OBJECT

public:
    enum Role {
        ScoreRole = Qt::UserRole + 1,  // float: cosine similarity of the group's best photo
        LabelRole,                     // QString: current label, empty when none
        PathRole,                      // QString: the photo's path
        ImageIdRole,                   // qint64: library id
        MetadataRole,                  // QString: product · line · date · lot, one line
        SimilarCountRole,              // int: near-duplicates folded into this tile
        BelowThresholdRole,            // bool: the score is under the library's confidence threshold
        ThumbnailFailedRole,           // bool: the photo could not be shown
        JudgementRole,                 // int: the current judgement for this query, 1 right, -1 wrong, 0 none
    };
    /// Current judgement (true: right match) by library image id.
    using Judgements = std::map<qint64, bool>;

    /// `thumbnails` (not owned) must outlive the model.
    explicit SearchResultsModel(ThumbnailCache* thumbnails, QObject* parent = nullptr);

    void setResult(const diffclip::SearchResult& result, const Judgements& judgements = {});
    /// The judgements of this query's hits (read from the library after the search).
    void setJudgements(const Judgements& judgements);
    /// One hit judged now (the hit window saved it).
    void setJudgement(qint64 imageId, bool right);
    void clear();
    const diffclip::SearchResult& result() const { return m_result; }
    /// The group's best hit (with its near-duplicates), or null for a row out of range.
    const diffclip::SearchHit* hitAt(int row) const;

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    /// "product · line · date · lot" of the set fields; empty when none is set.
    static QString metadataLine(const diffclip::ImageRecord& image);
    /// Every set metadata field as "Name: value" lines, the extra JSON object included.
    static QString metadataDetails(const diffclip::ImageRecord& image);
    /// "right match" / "wrong match", as the page, the tiles and the hit window say it.
    static QString judgementText(bool right);

private:
    void thumbnailReady(const QString& path);

    ThumbnailCache* m_thumbnails;
    diffclip::SearchResult m_result;
    Judgements m_judgements;
};

}  // namespace diffclip::ui
