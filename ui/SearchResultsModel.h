#pragma once
// The hits of one search as an item model (one row per near-duplicate group), the tile
// delegate that draws them (thumbnail, score bar, label, metadata, "+N similar" badge), and
// the thumbnail cache they share with the rest of the Search page. Thumbnails are decoded on
// a small thread pool of their own, never on the GUI thread.

#include <QAbstractListModel>
#include <QCache>
#include <QImage>
#include <QSet>
#include <QSize>
#include <QStyledItemDelegate>
#include <QThreadPool>

#include "diffclip/indexing/IndexTypes.h"

namespace diffclip::ui {

/// Decodes `path` (EXIF orientation applied) scaled to fit `edge` × `edge` pixels. Refuses
/// images larger than the core's default pixel limit before decoding. Safe on any thread.
/// On failure returns a null image and sets `error` to a plain sentence.
QImage loadScaledImage(const QString& path, int edge, QString* error = nullptr);

/// Thumbnails by path, decoded on demand off the GUI thread. GUI thread only.
class ThumbnailCache : public QObject {
    Q_OBJECT

public:
    explicit ThumbnailCache(int edge, QObject* parent = nullptr);
    ~ThumbnailCache() override;

    int edge() const { return m_edge; }
    /// The thumbnail when decoded; otherwise starts decoding it (once) and returns a null
    /// image. `ready` follows when it is done (also when it failed).
    QImage thumbnail(const QString& path);
    /// True when decoding `path` failed (missing, unreadable or not an image).
    bool failed(const QString& path) const { return m_failed.contains(path); }
    /// Decodes still pending or running.
    int pending() const { return int(m_pending.size()); }

Q_SIGNALS:
    void ready(const QString& path);

private:
    int m_edge;
    QThreadPool m_pool;  // its own threads, so thumbnails never queue behind a search
    QCache<QString, QImage> m_cache;
    QSet<QString> m_pending;
    QSet<QString> m_failed;
};

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
    };

    explicit SearchResultsModel(ThumbnailCache* thumbnails, QObject* parent = nullptr);

    void setResult(const diffclip::SearchResult& result);
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

private:
    void thumbnailReady(const QString& path);

    ThumbnailCache* m_thumbnails;
    diffclip::SearchResult m_result;
};

/// Draws one result tile: thumbnail on top, then score bar and number, label, file name and
/// metadata; a "+N similar" badge over the thumbnail for near-duplicate groups.
class SearchHitDelegate : public QStyledItemDelegate {
    Q_OBJECT

public:
    explicit SearchHitDelegate(int thumbnailEdge, QObject* parent = nullptr);
    QSize tileSize(const QFontMetrics& fm) const;
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    int m_edge;
};

}  // namespace diffclip::ui
