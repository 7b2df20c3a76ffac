#include "SearchHitDelegate.h"

#include <QPainter>

#include <algorithm>

#include "SearchResultsModel.h"

namespace diffclip::ui {

SearchHitDelegate::SearchHitDelegate(int thumbnailEdge, QObject* parent)
    : QStyledItemDelegate(parent), m_edge(thumbnailEdge) {}

QSize SearchHitDelegate::tileSize(const QFontMetrics& fm) const {
    const int pad = 6;
    // Thumbnail, score bar row, label, file name, metadata.
    return {m_edge + 2 * pad, m_edge + 2 * pad + fm.height() * 4 + 3 * pad};
}

QSize SearchHitDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const {
    return tileSize(option.fontMetrics);
}

void SearchHitDelegate::paint(QPainter* p, const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QStyleOptionViewItem opt(option);
    initStyleOption(&opt, index);
    const QPalette& pal = opt.palette;
    const QFontMetrics fm = opt.fontMetrics;
    const int pad = 6;
    const QRect r = opt.rect.adjusted(2, 2, -2, -2);
    p->save();
    p->setRenderHint(QPainter::Antialiasing, true);

    // Background and selection/focus frame.
    const bool selected = opt.state & QStyle::State_Selected;
    p->setPen(Qt::NoPen);
    p->setBrush(selected ? pal.color(QPalette::Highlight) : pal.color(QPalette::Base));
    p->drawRoundedRect(r, 6, 6);
    if (opt.state & QStyle::State_HasFocus) {
        p->setPen(QPen(pal.color(QPalette::Highlight).darker(130), 2));
        p->setBrush(Qt::NoBrush);
        p->drawRoundedRect(r.adjusted(1, 1, -1, -1), 6, 6);
    }
    const QColor text = pal.color(selected ? QPalette::HighlightedText : QPalette::Text);
    QColor dim = text;
    dim.setAlphaF(0.7f);

    // Thumbnail, centred in its square; a plain note when it cannot be shown.
    const QRect thumb(r.left() + pad, r.top() + pad, m_edge, m_edge);
    const QImage img = index.data(Qt::DecorationRole).value<QImage>();
    if (!img.isNull()) {
        const QSize s = img.size().scaled(thumb.size(), Qt::KeepAspectRatio);
        const QRect target(thumb.left() + (thumb.width() - s.width()) / 2, thumb.top() + (thumb.height() - s.height()) / 2,
                           s.width(), s.height());
        p->drawImage(target, img);
    } else {
        p->setPen(Qt::NoPen);
        p->setBrush(pal.color(QPalette::AlternateBase));
        p->drawRect(thumb);
        p->setPen(dim);
        const bool failed = index.data(SearchResultsModel::ThumbnailFailedRole).toBool();
        p->drawText(thumb.adjusted(4, 4, -4, -4), Qt::AlignCenter | Qt::TextWordWrap,
                    failed ? tr("Photo not available") : tr("Loading…"));
    }

    // Badges over the thumbnail: white text on a dark or coloured pill, legible on any photo.
    auto badge = [&](const QString& words, const QColor& fill, bool right) {
        const int w = fm.horizontalAdvance(words) + 10;
        const QRect b(right ? thumb.right() - w - 2 : thumb.left() + 2, thumb.top() + 2, w, fm.height() + 4);
        p->setPen(Qt::NoPen);
        p->setBrush(fill);
        p->drawRoundedRect(b, 4, 4);
        p->setPen(Qt::white);
        p->drawText(b, Qt::AlignCenter, words);
    };
    // A person's judgement of this hit for this query, top left.
    const int judgement = index.data(SearchResultsModel::JudgementRole).toInt();
    if (judgement > 0) badge(tr("✓ right"), QColor(0x2e, 0x7d, 0x32, 230), false);
    if (judgement < 0) badge(tr("✗ wrong"), QColor(0xc6, 0x28, 0x28, 230), false);
    // "+N similar" for a near-duplicate group, top right.
    const int similar = index.data(SearchResultsModel::SimilarCountRole).toInt();
    if (similar > 0) badge(tr("+%1 similar").arg(similar), QColor(0, 0, 0, 170), true);

    // Score bar: cosine in [0, 1] as a fraction of the width; muted when under the threshold.
    const double score = index.data(SearchResultsModel::ScoreRole).toDouble();
    const bool below = index.data(SearchResultsModel::BelowThresholdRole).toBool();
    int y = thumb.bottom() + pad;
    const QString scoreText = QString::number(score, 'f', 3);
    const int scoreW = fm.horizontalAdvance(QStringLiteral("-0.000")) + 4;
    const QRect bar(r.left() + pad, y + fm.height() / 2 - 3, r.width() - 2 * pad - scoreW, 6);
    p->setPen(Qt::NoPen);
    p->setBrush(pal.color(QPalette::Mid));
    p->drawRoundedRect(bar, 3, 3);
    const double frac = std::clamp(score, 0.0, 1.0);
    QRect fill = bar;
    fill.setWidth(int(bar.width() * frac));
    p->setBrush(below ? QColor(0xb0, 0x80, 0x30) : QColor(0x2e, 0x8b, 0x57));
    if (fill.width() > 0) p->drawRoundedRect(fill, 3, 3);
    p->setPen(text);
    p->drawText(QRect(bar.right() + 4, y, scoreW, fm.height()), Qt::AlignRight | Qt::AlignVCenter, scoreText);
    y += fm.height() + pad / 2;

    // Label (bold), file name, metadata: each elided to one line.
    const int tw = r.width() - 2 * pad;
    QFont bold = opt.font;
    bold.setBold(true);
    p->setFont(bold);
    const QString label = index.data(SearchResultsModel::LabelRole).toString();
    p->drawText(QRect(r.left() + pad, y, tw, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                QFontMetrics(bold).elidedText(label.isEmpty() ? tr("(no label)") : label, Qt::ElideRight, tw));
    y += fm.height();
    p->setFont(opt.font);
    p->setPen(text);
    p->drawText(QRect(r.left() + pad, y, tw, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                fm.elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideMiddle, tw));
    y += fm.height();
    p->setPen(dim);
    p->drawText(QRect(r.left() + pad, y, tw, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                fm.elidedText(index.data(SearchResultsModel::MetadataRole).toString(), Qt::ElideRight, tw));
    p->restore();
}

}  // namespace diffclip::ui
