#pragma once
// How the Search page draws one result tile: thumbnail on top, then score bar and number,
// label, file name and metadata; badges over the thumbnail for a person's judgement (✓ right,
// ✗ wrong) and for near-duplicate groups ("+N similar"). Reads SearchResultsModel's roles.

#include <QStyledItemDelegate>

namespace diffclip::ui {

class SearchHitDelegate : public QStyledItemDelegate {
    Q_OBJECT

public:
    /// `thumbnailEdge`: the thumbnail square's side in pixels (ThumbnailCache::edge()).
    explicit SearchHitDelegate(int thumbnailEdge, QObject* parent = nullptr);
    QSize tileSize(const QFontMetrics& fm) const;
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    int m_edge;
};

}  // namespace diffclip::ui
