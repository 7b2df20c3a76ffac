#include "ThumbnailCache.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QImageReader>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace diffclip::ui {

namespace {

// The core's default pixel limit (DecodeOptions::maxPixels): a photo the search refuses is
// not decoded for a thumbnail either.
constexpr qint64 kMaxPixels = 100'000'000;

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

}  // namespace diffclip::ui
