#include "ThumbnailLoader.h"

#include <QGuiApplication>
#include <QImageReader>
#include <QPainter>
#include <QPalette>
#include <QThread>

namespace diffclip::ui {

namespace {

constexpr int kCachedThumbnails = 2000;  // about 2000 × 128² × 4 B = 130 MB at most

}  // namespace

ThumbnailLoader::ThumbnailLoader(QObject* parent) : QObject(parent), m_cache(kCachedThumbnails) {
    // Two decoders: enough to fill a screen quickly, without starving the jobs of CPU.
    m_decoders.setMaxThreadCount(qBound(1, QThread::idealThreadCount() / 2, 2));
}

ThumbnailLoader::~ThumbnailLoader() {
    m_decoders.clear();
    m_decoders.waitForDone();
}

QPixmap ThumbnailLoader::thumbnail(const QString& path, bool broken) {
    if (const QPixmap* p = m_cache.object(path)) return *p;
    if (broken) return placeholder(true);
    if (!m_pending.contains(path)) {
        m_pending.insert(path);
        const int side = m_side;
        // The destructor waits for the workers, so `this` outlives every decode; a queued call
        // whose context is gone by then is dropped by Qt.
        m_decoders.start([this, path, side] {
            QImageReader reader(path);
            reader.setAutoTransform(true);  // EXIF orientation, as indexing and search use
            const QSize size = reader.size();
            if (size.isValid()) reader.setScaledSize(size.scaled(side, side, Qt::KeepAspectRatio));
            QImage image = reader.read();
            if (!image.isNull() && image.width() > side) image = image.scaled(side, side, Qt::KeepAspectRatio);
            QMetaObject::invokeMethod(this, [this, path, image] { decoded(path, image); }, Qt::QueuedConnection);
        });
    }
    return placeholder(false);
}

void ThumbnailLoader::setSide(int side) {
    if (side == m_side) return;
    m_side = side;
    m_cache.clear();
    m_placeholder = QPixmap();
    m_broken = QPixmap();
}

QPixmap ThumbnailLoader::placeholder(bool broken) {
    QPixmap& p = broken ? m_broken : m_placeholder;
    if (!p.isNull()) return p;
    p = QPixmap(m_side, m_side);
    p.fill(Qt::transparent);
    QPainter painter(&p);
    const QPalette pal = QGuiApplication::palette();
    painter.setPen(QPen(pal.color(QPalette::Mid), 1));
    painter.setBrush(pal.color(QPalette::AlternateBase));
    painter.drawRoundedRect(QRectF(0.5, 0.5, m_side - 1, m_side - 1), 4, 4);
    if (broken) {
        // A crossed frame: the file could not be read (the reason is in Failed files).
        painter.setPen(QPen(pal.color(QPalette::Dark), 2));
        const int m = m_side / 3;
        painter.drawLine(m, m, m_side - m, m_side - m);
        painter.drawLine(m_side - m, m, m, m_side - m);
    }
    return p;
}

void ThumbnailLoader::decoded(const QString& path, const QImage& image) {
    m_pending.remove(path);
    m_cache.insert(path, new QPixmap(image.isNull() ? placeholder(true) : QPixmap::fromImage(image)));
    Q_EMIT thumbnailReady(path);
}

}  // namespace diffclip::ui
