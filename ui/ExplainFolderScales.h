#pragma once
// The Explain page's folder-wide colour scales: which photos a folder scale spans (the photo
// files directly in the current photo's folder), the key a scale is cached under (folder,
// photo count, models and settings), the cache, and the one computation that runs at a time
// on a worker thread with progress and cancel (ExplainSession::folderScale). A newer start()
// cancels the running one; a cancelled or superseded computation that still finishes is
// cached all the same. The page decides when a scale applies (ExplainPage::applyScale).
// GUI thread only; the session is shared with the worker.

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

#include "diffclip/base/Job.h"

namespace diffclip::explain {
class ExplainSession;
struct ExplainRequest;
struct FolderScale;
}  // namespace diffclip::explain

namespace diffclip::ui {

class ExplainFolderScales : public QObject {
    Q_OBJECT

public:
    explicit ExplainFolderScales(QObject* parent = nullptr);
    ~ExplainFolderScales() override;

    /// The photos a folder scale of `photo` spans: files with a photo extension (PhotoFormats.h)
    /// directly in its folder, by name, `photo` always among them.
    static QStringList photosBeside(const QString& photo);
    /// The cache key of a folder scale for `request`'s models and settings over `photos`.
    static QString key(const QString& photo, const QStringList& photos, const explain::ExplainRequest& request);

    std::shared_ptr<explain::FolderScale> cached(const QString& key) const { return m_cache.value(key); }
    void forget(const QString& key) { m_cache.remove(key); }

    /// Computes the scale of `request` over `photos` into the cache under `key`.
    void start(const std::shared_ptr<explain::ExplainSession>& session, const explain::ExplainRequest& request,
               const QStringList& photos, const QString& key);
    /// Asks the running computation to stop (it reports finished with ErrorCode::Cancelled).
    void cancel();
    bool isRunning() const { return m_running; }
    QString runningKey() const { return m_runningKey; }
    /// Computations finished to the end (cache hits do not count).
    int runs() const { return m_runs; }

    /// Test seam: called on the worker thread at each of its progress reports (photos done,
    /// photos in all), after that photo and before the next one, which comes only once the hook
    /// returns. A test blocks in it to hold the job at a known point, e.g. to cancel it there
    /// deterministically. It applies to computations started afterwards; the application never
    /// sets it. Empty (the default) clears it.
    using ProgressHook = std::function<void(int done, int total)>;
    void setProgressHook(ProgressHook hook) { m_hook = std::move(hook); }

Q_SIGNALS:
    /// Photos done of the running computation.
    void progress(int done, int total);
    /// The running computation ended: `errorCode` 0 when the scale is cached, else the core's
    /// ErrorCode (Cancelled after cancel()) and its English detail.
    void finished(const QString& key, int errorCode, const QString& errorDetail);

private:
    void done(int generation, const QString& key, std::shared_ptr<explain::FolderScale> scale, int errorCode,
              const QString& errorDetail);

    QHash<QString, std::shared_ptr<explain::FolderScale>> m_cache;
    CancelToken m_cancel = CancelToken::never();  // of the running computation
    QString m_runningKey;
    bool m_running = false;
    int m_generation = 0;
    int m_runs = 0;
    ProgressHook m_hook;  // test seam, see setProgressHook()
};

}  // namespace diffclip::ui
