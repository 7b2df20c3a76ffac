#pragma once
// Thumbnails of photo files for the Library page's grid: decoded off the GUI thread by
// QImageReader with a scaled size (EXIF orientation applied, as indexing and search do) on at
// most two worker threads, and kept in a bounded cache. GUI thread only; the workers only decode.

#include <QCache>
#include <QObject>
#include <QPixmap>
#include <QSet>
#include <QString>
#include <QThreadPool>

namespace diffclip::ui {

class ThumbnailLoader : public QObject {
    Q_OBJECT

public:
    explicit ThumbnailLoader(QObject* parent = nullptr);
    /// Drops the queued decodes and waits for the running ones.
    ~ThumbnailLoader() override;

    /// The cached thumbnail of `path`; else a placeholder, and the decode is queued
    /// (thumbnailReady follows). `broken`: the file is known to be unreadable, only the crossed
    /// placeholder is returned.
    QPixmap thumbnail(const QString& path, bool broken);
    /// Longest side of a thumbnail in pixels; changing it empties the cache.
    void setSide(int side);
    int side() const { return m_side; }
    /// Thumbnails decoded so far and still cached.
    int ready() const { return int(m_cache.size()); }

Q_SIGNALS:
    /// The thumbnail of `path` is in the cache now (a crossed placeholder when it could not be read).
    void thumbnailReady(const QString& path);

private:
    void decoded(const QString& path, const QImage& image);
    QPixmap placeholder(bool broken);

    int m_side = 128;
    QCache<QString, QPixmap> m_cache;
    QSet<QString> m_pending;
    QThreadPool m_decoders;
    QPixmap m_placeholder;
    QPixmap m_broken;
};

}  // namespace diffclip::ui
