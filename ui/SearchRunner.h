#pragma once
// Runs the Search page's queries against the workspace, one at a time on a worker thread (the
// Workspace is thread-safe): the query on screen first, then the others in order. Replacing
// the queries or searching again starts a new generation; late answers of an older one are
// dropped. GUI thread only; the searches themselves never run on it.

#include <QObject>

#include <memory>
#include <vector>

#include "SearchQuery.h"
#include "diffclip/indexing/IndexTypes.h"
#include "diffclip/library/Library.h"

namespace diffclip {
class Workspace;
}

namespace diffclip::ui {

class SearchRunner : public QObject {
    Q_OBJECT

public:
    explicit SearchRunner(QObject* parent = nullptr);
    /// Late answers must not reach a destroyed runner's owner.
    ~SearchRunner() override;

    /// Where queries are searched; null: nothing runs (queries wait).
    void setWorkspace(std::shared_ptr<diffclip::Workspace> workspace);

    /// Replaces the queries; nothing is searched until start(). Answers of the old ones on
    /// their way are dropped (busyChanged(false) when one was running).
    void setQueries(std::vector<SearchQuery> queries);
    /// Marks every query unanswered, so that start() searches them all again.
    void resetAnswers();
    /// The query to search next when it is unanswered (the one on screen).
    void setPreferred(int index) { m_preferred = index; }
    /// Searches the unanswered queries with these settings (`preferred` first, when valid).
    /// busyChanged(false) follows when nothing is left to run (also when nothing could start).
    void start(const diffclip::SearchOptions& options, const diffclip::ImageFilter& filter, int preferred);

    const std::vector<SearchQuery>& queries() const { return m_queries; }
    std::vector<SearchQuery>& queries() { return m_queries; }
    int count() const { return int(m_queries.size()); }
    /// The query being searched now; -1 when idle.
    int running() const { return m_running; }
    bool isBusy() const { return m_running >= 0; }
    /// Bumped whenever the queries or the search settings change.
    int generation() const { return m_generation; }
    /// The settings of the searches started last (those of every answer of this generation).
    const diffclip::SearchOptions& options() const { return m_options; }
    const diffclip::ImageFilter& filter() const { return m_filter; }

Q_SIGNALS:
    void queryStarted(int index);
    /// Query `index` has its answer (in queries()); `ok` false: its `error` says why.
    void queryFinished(int index, bool ok);
    void busyChanged(bool busy);

private:
    struct Outcome {
        int generation = 0;
        int index = 0;
        qint64 startedAtMs = 0;  // wall clock, Unix ms
        bool ok = false;
        diffclip::SearchResult result;
        diffclip::Error error;
    };
    void invalidate();
    void startNext();
    void finish(const Outcome& outcome);
    /// busyChanged(false) once idle, when busyChanged(true) was the last said.
    void settle();

    std::shared_ptr<diffclip::Workspace> m_workspace;
    std::vector<SearchQuery> m_queries;
    diffclip::SearchOptions m_options;
    diffclip::ImageFilter m_filter;
    int m_preferred = -1;
    int m_running = -1;
    int m_generation = 0;
    bool m_busySignalled = false;
};

}  // namespace diffclip::ui
