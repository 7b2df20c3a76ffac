#pragma once
// The jobs centre: runs long operations (indexing, re-embedding, auto-tagging, opening a
// workspace, and any callable other pages submit) on its own worker threads, never on the GUI
// thread. It is the UI's one adapter of the core's job contract (diffclip/base/Job.h): each
// job's function gets a JobControl whose Progress lands in the job's info (stage, counts, time
// left of the stage) and log, and whose CancelToken is the one cancel(id) sets. Jobs keep a log
// and stay listed with their outcome after they end. The object itself lives on the GUI
// thread; its signals arrive there.

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>

#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "diffclip/base/Job.h"
#include "diffclip/indexing/Workspace.h"

namespace diffclip::ui {

enum class JobKind { Indexing, Reembedding, AutoTagging, OpenWorkspace, Other };
enum class JobState { Queued, Running, Succeeded, Failed, Cancelled };

/// How a job ended; made by the job's function on its worker thread.
struct JobOutcome {
    JobState state = JobState::Succeeded;  // Succeeded, Failed or Cancelled
    QString summary;                       // one translated line shown in the list
    QString errorReason;                   // Failed: translated, what went wrong and what to do
    QString errorDetails;                  // Failed: the core's English detail

    static JobOutcome success(const QString& summary);
    static JobOutcome cancelled(const QString& summary);
    static JobOutcome failure(const QString& reason, const QString& details);
};

/// A snapshot of one job, as the Jobs page shows it.
struct JobInfo {
    int id = 0;
    JobKind kind = JobKind::Other;
    QString title;
    JobState state = JobState::Queued;
    QString stage;     // the core's current stage name (English, e.g. "decode+embed"); see stageText()
    qint64 done = 0;   // units done in the stage
    qint64 total = 0;  // units in the stage; 0: unknown (indeterminate progress)
    double elapsedSeconds = 0.0;
    double secondsLeft = -1.0;  // of the current stage, from its own rate; < 0: unknown
    QDateTime started;
    QDateTime finished;
    JobOutcome outcome;  // valid once finished
    QStringList log;
    bool cancelRequested = false;
    bool earlierSession = false;  // restored from the history file, not run by this process

    bool isFinished() const { return state != JobState::Queued && state != JobState::Running; }
};

/// What a job's function gets: the job contract to hand to the core, and the job's log. Both
/// may be used from any thread; reports reach the GUI thread as queued calls.
class JobContext {
public:
    /// Pass this to the core (IndexOptions::job, TrainOptions::job, folderScale(..., job), ...).
    /// Its Progress sets the job's stage, counts and time left (throttled by the contract to 10
    /// reports a second) and adds its messages to the log; its CancelToken is cancelled by
    /// JobCentre::cancel(id). Jobs written in the UI use the same: control().cancel.cancelled().
    const diffclip::JobControl& control() const { return m_control; }
    /// Adds a (translated) line to the job's log.
    void log(const QString& line) const;

private:
    friend class JobCentre;
    JobContext(class JobCentre* centre, int id, diffclip::CancelToken cancel);
    class JobCentre* m_centre;
    int m_id;
    diffclip::JobControl m_control;
};

class JobCentre : public QObject {
    Q_OBJECT

public:
    using Function = std::function<JobOutcome(const JobContext&)>;
    /// Runs on the GUI thread when the job has ended, before jobFinished is emitted.
    using Finished = std::function<void(const JobInfo&)>;

    /// `maxParallel`: jobs that may run at once; the others wait in order.
    explicit JobCentre(QObject* parent = nullptr, int maxParallel = 2);
    /// Cancels every job and waits for the running ones to stop at their next batch boundary.
    ~JobCentre() override;

    /// Queues `function` and returns the job's id. Exceptions it throws become a failure.
    int submit(JobKind kind, const QString& title, Function function, Finished whenFinished = {});

    /// Adds photos (files or folders) to the workspace's library with its model.
    int submitIndexing(std::shared_ptr<diffclip::Workspace> workspace, const QStringList& paths,
                       diffclip::IndexOptions options, Finished whenFinished = {});
    /// Embeds, with the workspace's model, the library photos it has not embedded yet.
    int submitReembedding(std::shared_ptr<diffclip::Workspace> workspace, diffclip::IndexOptions options,
                          Finished whenFinished = {});
    /// Zero-shot labels for the library's photos.
    int submitAutoTagging(std::shared_ptr<diffclip::Workspace> workspace, diffclip::AutoTagOptions options,
                          Finished whenFinished = {});

    void cancel(int id);
    void cancelAll();
    /// Removes finished jobs from the list (and from the history file, when there is one).
    void clearFinished();

    /// Keeps finished jobs across sessions in `path` (JSON, the newest kHistoryMax jobs, written
    /// atomically after each job ends) and lists the jobs found there as finished ones of an
    /// earlier session. A missing file is an empty history; an unreadable or damaged one is
    /// set aside as `path`.damaged and the history starts empty (the reason is returned).
    /// Returns an empty string when all went well. Call once, before submitting jobs.
    QString setHistoryFile(const QString& path);
    static constexpr int kHistoryMax = 200;

    /// Jobs in submission order.
    std::vector<JobInfo> jobs() const;
    /// A copy of job `id`; id 0 when unknown.
    JobInfo job(int id) const;
    int activeCount() const;

    static QString stateText(JobState state);
    static QString kindText(JobKind kind);
    /// A core stage name in words ("decode+embed" -> "Decoding and embedding"); names it does
    /// not know are shown as they are.
    static QString stageText(const QString& stage);
    /// "1 h 05 min", "3 min 20 s", "12 s".
    static QString durationText(double seconds);

Q_SIGNALS:
    void jobAdded(int id);
    void jobChanged(int id);
    void jobFinished(int id, diffclip::ui::JobState state);
    void jobsRemoved();
    void activeCountChanged(int active);

private:
    friend class JobContext;
    struct Entry {
        JobInfo info;
        diffclip::CancelToken cancel;
        Finished whenFinished;
        qint64 startMs = 0;
    };
    void onProgress(int id, const diffclip::ProgressUpdate& update);
    void onLog(int id, const QString& line);
    void onStarted(int id);
    void onFinished(int id, const JobOutcome& outcome);
    void saveHistory() const;

    QThreadPool m_pool;
    std::vector<int> m_order;
    std::map<int, Entry> m_entries;
    int m_nextId = 1;
    QString m_historyFile;
};

}  // namespace diffclip::ui

Q_DECLARE_METATYPE(diffclip::ui::JobState)
