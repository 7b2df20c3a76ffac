#include "ExplainFolderScales.h"
#include "PhotoFormats.h"

#include <chrono>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

#include "diffclip/explain/ExplainSession.h"

namespace diffclip::ui {

namespace ex = diffclip::explain;

ExplainFolderScales::ExplainFolderScales(QObject* parent) : QObject(parent) {}

ExplainFolderScales::~ExplainFolderScales() { cancel(); }

QStringList ExplainFolderScales::photosBeside(const QString& photo) {
    const QFileInfo info(photo);
    const QDir dir = info.absoluteDir();
    QStringList out;
    for (const QString& name : dir.entryList(photoNameFilters(), QDir::Files | QDir::Readable, QDir::Name))
        out << dir.absoluteFilePath(name);
    if (!out.contains(info.absoluteFilePath())) out << info.absoluteFilePath();
    return out;
}

QString ExplainFolderScales::key(const QString& photo, const QStringList& photos, const ex::ExplainRequest& r) {
    const auto str = [](const std::string& s) { return QString::fromStdString(s); };
    QStringList parts;
    parts << QFileInfo(photo).absolutePath() << QString::number(photos.size()) << str(r.modelA)
          << (r.mode == ex::CompareMode::TwoModels ? str(r.modelB) : QString()) << QString::number(int(r.mode))
          << QString::number(int(r.method)) << QString::number(r.layer) << QString::number(r.head)
          << QString::number(int(r.absoluteRollout)) << QString::number(int(r.query.kind)) << str(r.query.value);
    return parts.join(QChar(0x1f));
}

void ExplainFolderScales::cancel() {
    m_cancel.cancel();
}

void ExplainFolderScales::start(const std::shared_ptr<ex::ExplainSession>& session, const ex::ExplainRequest& request,
                                const QStringList& photos, const QString& key) {
    cancel();
    std::vector<std::string> list;
    for (const QString& p : photos) list.push_back(p.toStdString());
    m_cancel = CancelToken();
    const int generation = ++m_generation;
    m_running = true;
    m_runningKey = key;
    struct Outcome {
        std::shared_ptr<ex::FolderScale> scale;
        diffclip::Error error;
    };
    auto* watcher = new QFutureWatcher<Outcome>(this);
    const int total = int(list.size());
    connect(watcher, &QFutureWatcher<Outcome>::progressValueChanged, this, [this, generation, total](int done) {
        if (generation == m_generation) Q_EMIT progress(done, total);
    });
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, generation, key] {
        const Outcome o = watcher->future().resultCount() > 0
                              ? watcher->result()
                              : Outcome{nullptr, makeError(ErrorCode::Internal, "the folder scale gave no result")};
        watcher->deleteLater();
        done(generation, key, o.scale, int(o.error.code), QString::fromStdString(o.error.message));
    });
    const CancelToken cancel = m_cancel;
    auto hook = m_hook;
    watcher->setFuture(QtConcurrent::run([session, cancel, request, list, hook](QPromise<Outcome>& promise) {
        promise.setProgressRange(0, int(list.size()));
        // The page's own bar and Cancel button rather than the Jobs page: a folder scale belongs
        // to the page's current settings and is dropped (cancelled) as soon as they change.
        JobControl job;
        job.cancel = cancel;
        job.progress = Progress(
            [&promise, &hook](const ProgressUpdate& u) {
                if (hook && u.done > 0) hook(int(u.done), int(u.total));
                promise.setProgressValue(int(u.done));
            },
            std::chrono::milliseconds(0));
        auto res = session->folderScale(request, list, job);
        Outcome o;
        if (res) o.scale = std::make_shared<ex::FolderScale>(std::move(*res));
        else o.error = res.error();
        promise.addResult(o);
    }));
    Q_EMIT progress(0, total);
}

void ExplainFolderScales::done(int generation, const QString& key, std::shared_ptr<ex::FolderScale> scale,
                               int errorCode, const QString& errorDetail) {
    if (scale) {
        m_cache.insert(key, scale);
        ++m_runs;
    }
    if (generation != m_generation) return;  // superseded; a finished scale is still cached
    m_running = false;
    m_runningKey.clear();
    Q_EMIT finished(key, scale ? 0 : errorCode, errorDetail);
}

}  // namespace diffclip::ui
