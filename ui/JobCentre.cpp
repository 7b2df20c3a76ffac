#include "JobCentre.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QMetaObject>
#include <QSaveFile>

#include <algorithm>
#include <exception>
#include <new>

#include "ErrorText.h"

namespace diffclip::ui {

namespace {

constexpr int kMaxLoggedFailures = 200;  // a log of thousands of lines helps nobody

std::vector<std::string> toStdPaths(const QStringList& paths) {
    std::vector<std::string> out;
    out.reserve(size_t(paths.size()));
    for (const QString& p : paths) out.push_back(QFile::encodeName(p).toStdString());
    return out;
}

QString indexSummaryText(const diffclip::IndexSummary& s) {
    const QLocale l;
    return JobCentre::tr("%1 added, %2 updated, %3 unchanged, %4 failed, %5 duplicates (%6 photos/s)")
        .arg(l.toString(qlonglong(s.added)), l.toString(qlonglong(s.updated)), l.toString(qlonglong(s.unchanged)),
             l.toString(qlonglong(s.failed)), l.toString(qlonglong(s.duplicates)),
             l.toString(s.photosPerSecond, 'f', 1)) +
           // Another indexing run on the same library took these photos (only when there was one).
           (s.indexedByAnotherRun > 0
                ? JobCentre::tr("; %1 indexed by another run").arg(l.toString(qlonglong(s.indexedByAnotherRun)))
                : QString());
}

void logIndexSummary(const JobContext& ctx, const diffclip::IndexSummary& s) {
    ctx.log(indexSummaryText(s));
    int n = 0;
    for (const auto& f : s.failures) {
        if (++n > kMaxLoggedFailures) {
            ctx.log(JobCentre::tr("… and %1 more failed files (see Failed files on the Library page).")
                        .arg(qlonglong(s.failures.size()) - kMaxLoggedFailures));
            break;
        }
        const QString reason = ErrorText::failureReason(f.code);
        //: %1 is a file, %2 the reason
        ctx.log(JobCentre::tr("Failed: %1 — %2")
                    .arg(QFile::decodeName(f.path.c_str()),
                         reason.isEmpty() ? QString::fromStdString(f.reason) : reason));
    }
    if (s.metadata) {
        ctx.log(JobCentre::tr("Metadata CSV: %1 rows, %2 matched, %3 unmatched")
                    .arg(s.metadata->rows)
                    .arg(s.metadata->matched)
                    .arg(s.metadata->unmatched));
        for (const auto& cell : s.metadata->rejected)
            ctx.log(JobCentre::tr("Metadata CSV line %1: the date “%2” is not YYYY-MM-DD and was not imported.")
                        .arg(cell.line)
                        .arg(QString::fromStdString(cell.value)));
    }
}

// A cancelled operation returns no summary: what it finished is in its last progress report.
JobOutcome cancelledOutcome(const JobContext& ctx, const diffclip::Error& e) {
    ctx.log(QString::fromStdString(e.message));
    const diffclip::ProgressUpdate last = ctx.control().progress.current();
    if (last.total > 0)
        return JobOutcome::cancelled(JobCentre::tr("Cancelled during “%1” after %2 of %3; what was finished is kept.")
                                         .arg(JobCentre::stageText(QString::fromStdString(last.stage)),
                                              QLocale().toString(qlonglong(last.done)),
                                              QLocale().toString(qlonglong(last.total))));
    return JobOutcome::cancelled(JobCentre::tr("Cancelled; what was finished is kept."));
}

JobOutcome indexOutcome(const JobContext& ctx, const diffclip::Result<diffclip::IndexSummary>& r) {
    if (!r && r.error().code == diffclip::ErrorCode::Cancelled) return cancelledOutcome(ctx, r.error());
    if (!r) return JobOutcome::failure(ErrorText::libraryReason(r.error().code), ErrorText::details(r.error()));
    logIndexSummary(ctx, *r);
    return JobOutcome::success(indexSummaryText(*r));
}

using IndexRun = std::function<diffclip::Result<diffclip::IndexSummary>(const diffclip::IndexOptions&)>;

// An indexing job: logs `line`, then runs `index` with `options` under the job's control and
// reports its summary.
JobCentre::Function indexJob(const QString& line, diffclip::IndexOptions options, IndexRun index) {
    return [line, options, index = std::move(index)](const JobContext& ctx) mutable {
        options.job = ctx.control();
        ctx.log(line);
        return indexOutcome(ctx, index(options));
    };
}

}  // namespace

JobOutcome JobOutcome::success(const QString& summary) { return {JobState::Succeeded, summary, {}, {}}; }
JobOutcome JobOutcome::cancelled(const QString& summary) { return {JobState::Cancelled, summary, {}, {}}; }
JobOutcome JobOutcome::failure(const QString& reason, const QString& details) {
    return {JobState::Failed, {}, reason, details};
}

JobContext::JobContext(JobCentre* centre, int id, diffclip::CancelToken cancel) : m_centre(centre), m_id(id) {
    // The contract throttles (100 ms), so the GUI thread gets at most ten reports a second per job.
    m_control.progress = diffclip::Progress([centre, id](const diffclip::ProgressUpdate& u) {
        QMetaObject::invokeMethod(
            centre, [centre, id, u] { centre->onProgress(id, u); }, Qt::QueuedConnection);
    });
    m_control.cancel = std::move(cancel);
}

void JobContext::log(const QString& line) const {
    QMetaObject::invokeMethod(m_centre, [c = m_centre, id = m_id, line] { c->onLog(id, line); }, Qt::QueuedConnection);
}

JobCentre::JobCentre(QObject* parent, int maxParallel) : QObject(parent) {
    qRegisterMetaType<diffclip::ui::JobState>();
    m_pool.setMaxThreadCount(qMax(1, maxParallel));
}

JobCentre::~JobCentre() {
    cancelAll();
    // The core stops at its next batch boundary; waiting keeps the library's last batch whole
    // and keeps `this` alive for the jobs' queued reports (dropped with the object afterwards).
    m_pool.waitForDone();
}

int JobCentre::submit(JobKind kind, const QString& title, Function function, Finished whenFinished) {
    const int id = m_nextId++;
    Entry e;
    e.info.id = id;
    e.info.kind = kind;
    e.info.title = title;
    e.whenFinished = std::move(whenFinished);
    auto cancel = e.cancel;
    m_entries.emplace(id, std::move(e));
    m_order.push_back(id);
    Q_EMIT jobAdded(id);
    Q_EMIT activeCountChanged(activeCount());

    m_pool.start([this, id, cancel, fn = std::move(function)] {
        const JobContext ctx(this, id, cancel);
        JobOutcome outcome;
        if (cancel.cancelled()) {
            outcome = JobOutcome::cancelled(tr("Cancelled before it started."));
        } else {
            QMetaObject::invokeMethod(this, [this, id] { onStarted(id); }, Qt::QueuedConnection);
            try {
                outcome = fn(ctx);
            } catch (const std::bad_alloc&) {
                outcome = JobOutcome::failure(ErrorText::libraryReason(diffclip::ErrorCode::OutOfMemory),
                                              QStringLiteral("out of memory"));
            } catch (const std::exception& ex) {
                outcome = JobOutcome::failure(ErrorText::libraryReason(diffclip::ErrorCode::Internal),
                                              QString::fromLocal8Bit(ex.what()));
            }
        }
        QMetaObject::invokeMethod(this, [this, id, outcome] { onFinished(id, outcome); }, Qt::QueuedConnection);
    });
    return id;
}

int JobCentre::submitIndexing(std::shared_ptr<diffclip::Workspace> workspace, const QStringList& paths,
                              diffclip::IndexOptions options, Finished whenFinished) {
    const QString what = paths.size() == 1 ? QDir::toNativeSeparators(paths.first())
                                           : tr("%n items", nullptr, int(paths.size()));
    const QString spec = QString::fromStdString(workspace->modelSpec());
    return submit(JobKind::Indexing, tr("Add photos: %1").arg(what),
                  indexJob(tr("Indexing %1 with %2").arg(paths.join(QStringLiteral(", ")), spec), std::move(options),
                           [workspace, files = toStdPaths(paths)](const diffclip::IndexOptions& o) {
                               return workspace->index(files, o);
                           }),
                  std::move(whenFinished));
}

int JobCentre::submitReembedding(std::shared_ptr<diffclip::Workspace> workspace, diffclip::IndexOptions options,
                                 Finished whenFinished) {
    const QString spec = QString::fromStdString(workspace->modelSpec());
    return submit(JobKind::Reembedding, tr("Re-embed the library"),
                  indexJob(tr("Embedding the photos that %1 has not embedded yet").arg(spec), std::move(options),
                           [workspace](const diffclip::IndexOptions& o) { return workspace->reembed(o); }),
                  std::move(whenFinished));
}

int JobCentre::submitAutoTagging(std::shared_ptr<diffclip::Workspace> workspace, diffclip::AutoTagOptions options,
                                 Finished whenFinished) {
    return submit(
        JobKind::AutoTagging, tr("Auto-tag the library"),
        [workspace, options](const JobContext& ctx) mutable {
            options.job = ctx.control();
            auto r = workspace->autoTag(options);
            if (!r && r.error().code == diffclip::ErrorCode::Cancelled) return cancelledOutcome(ctx, r.error());
            if (!r) return JobOutcome::failure(ErrorText::libraryReason(r.error().code), ErrorText::details(r.error()));
            const QString text = tr("%1 labelled, %2 skipped, %3 not embedded yet")
                                     .arg(r->tagged)
                                     .arg(r->skipped)
                                     .arg(r->notEmbedded);
            ctx.log(text);
            return JobOutcome::success(text);
        },
        std::move(whenFinished));
}

void JobCentre::cancel(int id) {
    auto it = m_entries.find(id);
    if (it == m_entries.end() || it->second.info.isFinished()) return;
    it->second.cancel.cancel();
    if (!it->second.info.cancelRequested) {
        it->second.info.cancelRequested = true;
        it->second.info.log << tr("Cancel requested; stopping after the current batch.");
        Q_EMIT jobChanged(id);
    }
}

void JobCentre::cancelAll() {
    for (int id : m_order) cancel(id);
}

void JobCentre::clearFinished() {
    std::vector<int> keep;
    for (int id : m_order) {
        if (m_entries.at(id).info.isFinished())
            m_entries.erase(id);
        else
            keep.push_back(id);
    }
    m_order = std::move(keep);
    saveHistory();
    Q_EMIT jobsRemoved();
}

namespace {

// Stable names in the history file (the enums' numbers may change).
const std::pair<JobKind, const char*> kKindNames[] = {{JobKind::Indexing, "indexing"},
                                                      {JobKind::Reembedding, "reembedding"},
                                                      {JobKind::AutoTagging, "autotagging"},
                                                      {JobKind::OpenWorkspace, "open-workspace"},
                                                      {JobKind::Other, "other"}};
const std::pair<JobState, const char*> kStateNames[] = {
    {JobState::Succeeded, "succeeded"}, {JobState::Failed, "failed"}, {JobState::Cancelled, "cancelled"}};
// The last lines of each job's log. The file is rewritten on the GUI thread when a job ends:
// 200 jobs x 50 lines of ~100 characters keep it near 1 MB (200 lines each would be 4 MB).
constexpr int kHistoryLogLines = 50;

template <class E, size_t N>
QString nameOf(const std::pair<E, const char*> (&names)[N], E value) {
    for (const auto& [v, n] : names)
        if (v == value) return QString::fromLatin1(n);
    return {};
}

template <class E, size_t N>
bool valueOf(const std::pair<E, const char*> (&names)[N], const QString& name, E* value) {
    for (const auto& [v, n] : names)
        if (name == QLatin1String(n)) {
            *value = v;
            return true;
        }
    return false;
}

}  // namespace

QString JobCentre::setHistoryFile(const QString& path) {
    m_historyFile = path;
    QFile file(path);
    if (!file.exists()) return {};
    QString problem;
    QJsonArray jobs;
    if (!file.open(QIODevice::ReadOnly)) {
        problem = tr("The job history %1 could not be read: %2").arg(QDir::toNativeSeparators(path), file.errorString());
    } else {
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(file.read(16 * 1024 * 1024), &error);
        file.close();
        if (error.error != QJsonParseError::NoError || !doc.isObject() ||
            doc.object().value(QStringLiteral("format")).toInt() != 1)
            problem = tr("The job history %1 is damaged; it was set aside and a new one started.")
                          .arg(QDir::toNativeSeparators(path));
        else
            jobs = doc.object().value(QStringLiteral("jobs")).toArray();
    }
    if (!problem.isEmpty()) {
        QFile::remove(path + QStringLiteral(".damaged"));
        QFile::rename(path, path + QStringLiteral(".damaged"));
        return problem;
    }
    for (const QJsonValue& v : std::as_const(jobs)) {
        const QJsonObject o = v.toObject();
        Entry entry;
        JobInfo& info = entry.info;
        // Entries that do not read back whole are skipped rather than shown half-filled.
        if (!valueOf(kKindNames, o.value(QStringLiteral("kind")).toString(), &info.kind) ||
            !valueOf(kStateNames, o.value(QStringLiteral("state")).toString(), &info.state))
            continue;
        info.id = m_nextId++;
        info.title = o.value(QStringLiteral("title")).toString();
        info.started = QDateTime::fromString(o.value(QStringLiteral("started")).toString(), Qt::ISODateWithMs);
        info.finished = QDateTime::fromString(o.value(QStringLiteral("finished")).toString(), Qt::ISODateWithMs);
        info.elapsedSeconds = std::max(0.0, o.value(QStringLiteral("seconds")).toDouble());
        info.done = o.value(QStringLiteral("done")).toInteger();
        info.total = o.value(QStringLiteral("total")).toInteger();
        info.outcome.state = info.state;
        info.outcome.summary = o.value(QStringLiteral("summary")).toString();
        info.outcome.errorReason = o.value(QStringLiteral("error")).toString();
        info.outcome.errorDetails = o.value(QStringLiteral("details")).toString();
        for (const QJsonValue& line : o.value(QStringLiteral("log")).toArray()) info.log << line.toString();
        info.earlierSession = true;
        m_order.push_back(info.id);
        m_entries.emplace(info.id, std::move(entry));
        Q_EMIT jobAdded(info.id);
    }
    return {};
}

void JobCentre::saveHistory() const {
    if (m_historyFile.isEmpty()) return;
    std::vector<const JobInfo*> finished;
    for (int id : m_order)
        if (m_entries.at(id).info.isFinished()) finished.push_back(&m_entries.at(id).info);
    if (finished.size() > size_t(kHistoryMax)) finished.erase(finished.begin(), finished.end() - kHistoryMax);
    QJsonArray jobs;
    for (const JobInfo* info : finished) {
        QJsonArray log;
        for (qsizetype i = std::max<qsizetype>(0, info->log.size() - kHistoryLogLines); i < info->log.size(); ++i)
            log.append(info->log[i]);
        jobs.append(QJsonObject{{QStringLiteral("kind"), nameOf(kKindNames, info->kind)},
                                {QStringLiteral("state"), nameOf(kStateNames, info->state)},
                                {QStringLiteral("title"), info->title},
                                {QStringLiteral("started"), info->started.toString(Qt::ISODateWithMs)},
                                {QStringLiteral("finished"), info->finished.toString(Qt::ISODateWithMs)},
                                {QStringLiteral("seconds"), info->elapsedSeconds},
                                {QStringLiteral("done"), info->done},
                                {QStringLiteral("total"), info->total},
                                {QStringLiteral("summary"), info->outcome.summary},
                                {QStringLiteral("error"), info->outcome.errorReason},
                                {QStringLiteral("details"), info->outcome.errorDetails},
                                {QStringLiteral("log"), log}});
    }
    // The history is a convenience: a full disk or a read-only home loses it, never a job.
    QDir().mkpath(QFileInfo(m_historyFile).absolutePath());
    QSaveFile file(m_historyFile);
    if (!file.open(QIODevice::WriteOnly)) return;
    file.write(QJsonDocument(QJsonObject{{QStringLiteral("format"), 1}, {QStringLiteral("jobs"), jobs}})
                   .toJson(QJsonDocument::Compact));
    file.commit();
}

std::vector<JobInfo> JobCentre::jobs() const {
    std::vector<JobInfo> out;
    out.reserve(m_order.size());
    for (int id : m_order) out.push_back(m_entries.at(id).info);
    return out;
}

JobInfo JobCentre::job(int id) const {
    auto it = m_entries.find(id);
    return it == m_entries.end() ? JobInfo{} : it->second.info;
}

int JobCentre::activeCount() const {
    int n = 0;
    for (const auto& [id, e] : m_entries) n += e.info.isFinished() ? 0 : 1;
    return n;
}

void JobCentre::onStarted(int id) {
    auto it = m_entries.find(id);
    if (it == m_entries.end()) return;
    JobInfo& info = it->second.info;
    info.state = JobState::Running;
    info.started = QDateTime::currentDateTime();
    it->second.startMs = QDateTime::currentMSecsSinceEpoch();
    info.log << tr("Started at %1").arg(QLocale().toString(info.started.time(), QLocale::ShortFormat));
    Q_EMIT jobChanged(id);
}

void JobCentre::onProgress(int id, const diffclip::ProgressUpdate& u) {
    auto it = m_entries.find(id);
    if (it == m_entries.end() || it->second.info.isFinished()) return;
    JobInfo& info = it->second.info;
    info.stage = QString::fromStdString(u.stage);
    info.done = u.done;
    info.total = u.total;
    info.elapsedSeconds = double(QDateTime::currentMSecsSinceEpoch() - it->second.startMs) / 1000.0;
    // Per stage: stages run at different rates (scanning vs embedding), so only the current
    // stage's own rate says anything about its rest. Linear extrapolation: honest enough once a
    // few batches are done.
    info.secondsLeft =
        u.done > 0 && u.total >= u.done && u.seconds > 0 ? u.seconds * double(u.total - u.done) / double(u.done) : -1.0;
    if (!u.message.empty()) info.log << QString::fromStdString(u.message);
    Q_EMIT jobChanged(id);
}

void JobCentre::onLog(int id, const QString& line) {
    auto it = m_entries.find(id);
    if (it == m_entries.end()) return;
    it->second.info.log << line;
    Q_EMIT jobChanged(id);
}

void JobCentre::onFinished(int id, const JobOutcome& outcome) {
    auto it = m_entries.find(id);
    if (it == m_entries.end()) return;
    JobInfo& info = it->second.info;
    info.state = outcome.state;
    info.outcome = outcome;
    info.finished = QDateTime::currentDateTime();
    if (it->second.startMs > 0)
        info.elapsedSeconds = double(QDateTime::currentMSecsSinceEpoch() - it->second.startMs) / 1000.0;
    info.secondsLeft = -1.0;
    if (outcome.state == JobState::Failed) {
        info.log << tr("Failed: %1").arg(outcome.errorReason);
        if (!outcome.errorDetails.isEmpty()) info.log << outcome.errorDetails;
    } else {
        info.log << tr("%1 after %2: %3").arg(stateText(outcome.state), durationText(info.elapsedSeconds),
                                             outcome.summary);
    }
    const JobInfo snapshot = info;
    saveHistory();
    Finished callback = std::move(it->second.whenFinished);
    if (callback) callback(snapshot);
    Q_EMIT jobChanged(id);
    Q_EMIT jobFinished(id, snapshot.state);
    Q_EMIT activeCountChanged(activeCount());
}

QString JobCentre::stateText(JobState state) {
    switch (state) {
    case JobState::Queued: return tr("Waiting");
    case JobState::Running: return tr("Running");
    case JobState::Succeeded: return tr("Finished");
    case JobState::Failed: return tr("Failed");
    case JobState::Cancelled: return tr("Cancelled");
    }
    return {};
}

QString JobCentre::kindText(JobKind kind) {
    switch (kind) {
    case JobKind::Indexing: return tr("Indexing");
    case JobKind::Reembedding: return tr("Re-embedding");
    case JobKind::AutoTagging: return tr("Auto-tagging");
    case JobKind::OpenWorkspace: return tr("Opening");
    case JobKind::Other: return tr("Task");
    }
    return {};
}

QString JobCentre::stageText(const QString& stage) {
    // The stage names of the core's long operations (docs/ARCHITECTURE.md, "Long operations").
    static const std::pair<const char*, const char*> kStages[] = {
        {"scan", QT_TRANSLATE_NOOP("diffclip::ui::JobCentre", "Scanning")},
        {"decode+embed", QT_TRANSLATE_NOOP("diffclip::ui::JobCentre", "Decoding and embedding")},
        {"commit", QT_TRANSLATE_NOOP("diffclip::ui::JobCentre", "Finishing")},
        {"tag", QT_TRANSLATE_NOOP("diffclip::ui::JobCentre", "Labelling")},
        {"load", QT_TRANSLATE_NOOP("diffclip::ui::JobCentre", "Loading the model")},
        {"cache", QT_TRANSLATE_NOOP("diffclip::ui::JobCentre", "Loading the embeddings")},
        {"prepare", QT_TRANSLATE_NOOP("diffclip::ui::JobCentre", "Preparing the photos")},
        {"epoch", QT_TRANSLATE_NOOP("diffclip::ui::JobCentre", "Training")},
        {"evaluate", QT_TRANSLATE_NOOP("diffclip::ui::JobCentre", "Evaluating")},
        {"package", QT_TRANSLATE_NOOP("diffclip::ui::JobCentre", "Writing the model")},
        {"explain", QT_TRANSLATE_NOOP("diffclip::ui::JobCentre", "Explaining")},
        {"generate", QT_TRANSLATE_NOOP("diffclip::ui::JobCentre", "Generating photos")},
        {"read", QT_TRANSLATE_NOOP("diffclip::ui::JobCentre", "Reading")},
        {"convert", QT_TRANSLATE_NOOP("diffclip::ui::JobCentre", "Converting")},
        {"write", QT_TRANSLATE_NOOP("diffclip::ui::JobCentre", "Writing")},
        {"mirror", QT_TRANSLATE_NOOP("diffclip::ui::JobCentre", "Mirroring labels")},
    };
    for (const auto& [name, text] : kStages)
        if (stage == QLatin1String(name)) return tr(text);
    return stage;
}

QString JobCentre::durationText(double seconds) {
    const qint64 s = qint64(seconds + 0.5);
    if (s >= 3600) return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (s >= 60) return tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return tr("%1 s").arg(s);
}

}  // namespace diffclip::ui
