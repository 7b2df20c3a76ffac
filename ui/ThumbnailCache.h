#pragma once
// Photo previews off the GUI thread: loadScaledImage decodes one photo scaled down, and
// ThumbnailCache keeps the thumbnails the Search page shows (results, query strip, preview),
// decoded on a small thread pool of its own.

#include <QCache>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QString>
#include <QThreadPool>

namespace diffclip::ui {

/// Decodes `path` (EXIF orientation applied) scaled to fit `edge` × `edge` pixels. Refuses
/// images larger than the core's default pixel limit before decoding. Safe on any thread.
/// On failure returns a null image and sets `error` to a plain sentence.
QImage loadScaledImage(const QString& path, int edge, QString* error = nullptr);

/// Thumbnails by path, decoded on demand off the GUI thread. GUI thread only.
class ThumbnailCache : public QObject {
    Q_OBJECT

public:
    /// `edge`: the longest side of a thumbnail, in pixels.
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

}  // namespace diffclip::ui
