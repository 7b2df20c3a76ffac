#include "SearchRunner.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include "CoreCall.h"
#include "diffclip/indexing/Workspace.h"

namespace diffclip::ui {

SearchRunner::SearchRunner(QObject* parent) : QObject(parent) {}

SearchRunner::~SearchRunner() { ++m_generation; }

void SearchRunner::setWorkspace(std::shared_ptr<diffclip::Workspace> workspace) {
    m_workspace = std::move(workspace);
    invalidate();
    settle();
}

void SearchRunner::invalidate() {
    ++m_generation;  // answers still on their way belong to the queries or settings before
    m_running = -1;
}

void SearchRunner::setQueries(std::vector<SearchQuery> queries) {
    invalidate();
    m_queries = std::move(queries);
    settle();
}

void SearchRunner::resetAnswers() {
    invalidate();
    for (SearchQuery& q : m_queries) {
        q.done = false;
        q.ok = false;
    }
    settle();
}

void SearchRunner::start(const diffclip::SearchOptions& options, const diffclip::ImageFilter& filter, int preferred) {
    m_options = options;
    m_filter = filter;
    m_preferred = preferred;
    startNext();
    settle();
}

void SearchRunner::startNext() {
    if (m_running >= 0 || !m_workspace) return;
    int next = -1;
    if (m_preferred >= 0 && m_preferred < count() && !m_queries[size_t(m_preferred)].done) next = m_preferred;
    for (int i = 0; next < 0 && i < count(); ++i)
        if (!m_queries[size_t(i)].done) next = i;
    if (next < 0) return;
    m_running = next;

    const SearchQuery& q = m_queries[size_t(next)];
    const diffclip::SearchOptions options = m_options;
    const diffclip::ImageFilter filter = m_filter;
    const int generation = m_generation;
    const QImage pasted = q.pasted;  // implicitly shared: reading it on the worker is safe
    const QString path = q.path;
    const std::string text = q.text.toUtf8().toStdString();
    std::shared_ptr<diffclip::Workspace> ws = m_workspace;

    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher] {
        const Outcome outcome = watcher->result();
        watcher->deleteLater();
        finish(outcome);
    });
    watcher->setFuture(QtConcurrent::run([=]() -> Outcome {
        Outcome out;
        out.generation = generation;
        out.index = next;
        out.startedAtMs = QDateTime::currentMSecsSinceEpoch();
        auto search = [&]() -> diffclip::Result<diffclip::SearchResult> {
            if (!pasted.isNull() && !QFileInfo::exists(path) && !pasted.save(path, "PNG", 80))
                return diffclip::makeError(diffclip::ErrorCode::Io,
                                           path.toStdString() + ": could not save the pasted image (disk full?)");
            return path.isEmpty() ? ws->searchText(text, options, filter)
                                  : ws->searchPhoto(QFile::encodeName(path).toStdString(), options, filter);
        };
        out.ok = takeResult(catchCoreErrors(search, "out of memory during the search"), out.result, out.error);
        return out;
    }));
    if (!m_busySignalled) {
        m_busySignalled = true;
        Q_EMIT busyChanged(true);
    }
    Q_EMIT queryStarted(next);
}

void SearchRunner::finish(const Outcome& outcome) {
    if (outcome.generation != m_generation) return;  // superseded by newer queries or settings
    if (outcome.index < 0 || outcome.index >= count()) return;
    SearchQuery& q = m_queries[size_t(outcome.index)];
    q.done = true;
    q.ok = outcome.ok;
    q.result = outcome.result;
    q.error = outcome.error;
    q.judgements.clear();
    q.startedAtMs = outcome.startedAtMs;
    q.searchId = std::make_shared<std::atomic<qint64>>(0);  // logged by the page (SearchPage::logSearch)
    q.pasted = QImage();  // saved by now (or failed); the file is the query from here on
    m_running = -1;
    Q_EMIT queryFinished(outcome.index, outcome.ok);
    startNext();
    settle();
}

void SearchRunner::settle() {
    if (isBusy() || !m_busySignalled) return;
    m_busySignalled = false;
    Q_EMIT busyChanged(false);
}

}  // namespace diffclip::ui
