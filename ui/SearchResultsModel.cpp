#include "SearchResultsModel.h"

#include <QApplication>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QImageReader>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QPainterPath>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace diffclip::ui {

namespace {

// The core's default pixel limit (DecodeOptions::maxPixels): a photo the search refuses is
// not decoded for a thumbnail either.
constexpr qint64 kMaxPixels = 100'000'000;

QString fromUtf8(const std::string& s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

}  // namespace

QImage loadScaledImage(const QString& path, int edge, QString* error) {
    auto fail = [error](const QString& why) {
        if (error) *error = why;
        return QImage();
    };
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (!size.isValid()) {
        if (!QFileInfo::exists(path)) return fail(QCoreApplication::translate("SearchResultsModel", "The file is missing."));
        return fail(QCoreApplication::translate("SearchResultsModel", "Not a readable image."));
    }
    if (qint64(size.width()) * size.height() > kMaxPixels)
        return fail(QCoreApplication::translate("SearchResultsModel", "The image is too large to show."));
    // Let the decoder scale (JPEG decodes at 1/2, 1/4, 1/8 directly): much faster than a full decode.
    if (size.width() > edge || size.height() > edge) reader.setScaledSize(size.scaled(edge, edge, Qt::KeepAspectRatio));
    QImage img = reader.read();
    if (img.isNull()) return fail(reader.errorString());
    return img;
}

// ---------------------------------------------------------------------------------------------

ThumbnailCache::ThumbnailCache(int edge, QObject* parent) : QObject(parent), m_edge(edge) {
    m_pool.setMaxThreadCount(2);
    m_cache.setMaxCost(96 * 1024);  // KiB: about 1000 thumbnails of 160 px
}

ThumbnailCache::~ThumbnailCache() {
    m_pool.clear();  // queued decodes are not needed any more
    m_pool.waitForDone();
}

QImage ThumbnailCache::thumbnail(const QString& path) {
    if (path.isEmpty()) return {};
    if (const QImage* hit = m_cache.object(path)) return *hit;
    if (m_pending.contains(path) || m_failed.contains(path)) return {};
    m_pending.insert(path);
    auto* watcher = new QFutureWatcher<QImage>(this);
    connect(watcher, &QFutureWatcher<QImage>::finished, this, [this, watcher, path] {
        const QImage img = watcher->future().resultCount() > 0 ? watcher->result() : QImage();
        watcher->deleteLater();
        m_pending.remove(path);
        if (img.isNull()) {
            m_failed.insert(path);
        } else {
            const int cost = std::max(1, int(img.sizeInBytes() / 1024));
            m_cache.insert(path, new QImage(img), cost);
        }
        Q_EMIT ready(path);
    });
    const int edge = m_edge;
    watcher->setFuture(QtConcurrent::run(&m_pool, [path, edge] { return loadScaledImage(path, edge); }));
    return {};
}

// ---------------------------------------------------------------------------------------------

SearchResultsModel::SearchResultsModel(ThumbnailCache* thumbnails, QObject* parent)
    : QAbstractListModel(parent), m_thumbnails(thumbnails) {
    connect(m_thumbnails, &ThumbnailCache::ready, this, &SearchResultsModel::thumbnailReady);
}

void SearchResultsModel::setResult(const diffclip::SearchResult& result) {
    beginResetModel();
    m_result = result;
    endResetModel();
}

void SearchResultsModel::clear() { setResult({}); }

const diffclip::SearchHit* SearchResultsModel::hitAt(int row) const {
    if (row < 0 || row >= int(m_result.hits.size())) return nullptr;
    return &m_result.hits[size_t(row)];
}

int SearchResultsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_result.hits.size());
}

QVariant SearchResultsModel::data(const QModelIndex& index, int role) const {
    const diffclip::SearchHit* hit = index.isValid() ? hitAt(index.row()) : nullptr;
    if (!hit) return {};
    const QString path = fromUtf8(hit->image.path);
    switch (role) {
    case Qt::DisplayRole:
        return QFileInfo(path).fileName();
    case Qt::DecorationRole:
        return m_thumbnails->thumbnail(path);
    case Qt::ToolTipRole: {
        QString tip = path + QLatin1Char('\n') + tr("Score: %1").arg(double(hit->score), 0, 'f', 3);
        if (!hit->label.empty()) tip += QLatin1Char('\n') + tr("Label: %1").arg(fromUtf8(hit->label));
        const QString meta = metadataDetails(hit->image);
        if (!meta.isEmpty()) tip += QLatin1Char('\n') + meta;
        if (!hit->nearDuplicates.empty()) tip += QLatin1Char('\n') + tr("%n similar photo(s) in this group", nullptr, int(hit->nearDuplicates.size()));
        return tip;
    }
    case Qt::AccessibleTextRole:
        return tr("%1, score %2, label %3")
            .arg(QFileInfo(path).fileName())
            .arg(double(hit->score), 0, 'f', 3)
            .arg(hit->label.empty() ? tr("none") : fromUtf8(hit->label));
    case ScoreRole:
        return double(hit->score);
    case LabelRole:
        return fromUtf8(hit->label);
    case PathRole:
        return path;
    case ImageIdRole:
        return qint64(hit->image.id);
    case MetadataRole:
        return metadataLine(hit->image);
    case SimilarCountRole:
        return int(hit->nearDuplicates.size());
    case BelowThresholdRole:
        return m_result.confident.has_value() && double(hit->score) < m_result.threshold;
    case ThumbnailFailedRole:
        return m_thumbnails->failed(path);
    default:
        return {};
    }
}

void SearchResultsModel::thumbnailReady(const QString& path) {
    for (int row = 0; row < int(m_result.hits.size()); ++row) {
        if (fromUtf8(m_result.hits[size_t(row)].image.path) == path) {
            const QModelIndex i = index(row);
            Q_EMIT dataChanged(i, i, {Qt::DecorationRole, ThumbnailFailedRole});
        }
    }
}

QString SearchResultsModel::metadataLine(const diffclip::ImageRecord& image) {
    QStringList parts;
    for (const std::string* s : {&image.product, &image.line, &image.date, &image.lot})
        if (!s->empty()) parts << fromUtf8(*s);
    return parts.join(QStringLiteral(" · "));
}

QString SearchResultsModel::metadataDetails(const diffclip::ImageRecord& image) {
    QStringList lines;
    const std::pair<QString, const std::string*> fields[] = {
        {tr("Product"), &image.product}, {tr("Line"), &image.line},           {tr("Lot"), &image.lot},
        {tr("Date"), &image.date},       {tr("Inspector"), &image.inspector}, {tr("Notes"), &image.notes},
    };
    for (const auto& [name, value] : fields)
        if (!value->empty()) lines << tr("%1: %2").arg(name, fromUtf8(*value));
    const QJsonObject extra = QJsonDocument::fromJson(QByteArray::fromStdString(image.extraJson)).object();
    for (auto it = extra.begin(); it != extra.end(); ++it) {
        const QString v = it.value().isString() ? it.value().toString()
                                                : QString::fromUtf8(QJsonDocument(QJsonObject{{it.key(), it.value()}})
                                                                        .toJson(QJsonDocument::Compact));
        if (!v.isEmpty()) lines << tr("%1: %2").arg(it.key(), v);
    }
    return lines.join(QLatin1Char('\n'));
}

// ---------------------------------------------------------------------------------------------

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

    // "+N similar" badge in the thumbnail's top-right corner.
    const int similar = index.data(SearchResultsModel::SimilarCountRole).toInt();
    if (similar > 0) {
        const QString badge = tr("+%1 similar").arg(similar);
        const int w = fm.horizontalAdvance(badge) + 10;
        const QRect b(thumb.right() - w - 2, thumb.top() + 2, w, fm.height() + 4);
        p->setPen(Qt::NoPen);
        p->setBrush(QColor(0, 0, 0, 170));
        p->drawRoundedRect(b, 4, 4);
        p->setPen(Qt::white);
        p->drawText(b, Qt::AlignCenter, badge);
    }

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
