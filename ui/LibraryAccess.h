#pragma once
// The application's own connection to the open library, used from one worker thread at a time
// (a pool of one thread runs the requests in order), so the GUI thread never waits on SQLite.
// Requests are functions of `diffclip::Library&` returning a Result/Status; their value comes
// back on the GUI thread. A request made while no library is open returns NotFound.

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>
#include <memory>
#include <optional>

#include "diffclip/library/Library.h"

namespace diffclip::ui {

class LibraryAccess : public QObject {
    Q_OBJECT

public:
    explicit LibraryAccess(QObject* parent = nullptr);
    /// Waits for the request running now (queued ones are dropped).
    ~LibraryAccess() override;

    /// Opens `path` (creating it when `create`), replacing the library open before.
    /// `done` runs on the GUI thread with the outcome.
    void open(const QString& path, bool create, QObject* context, std::function<void(diffclip::Status)> done);
    /// Closes the library (after the queued requests).
    void close();

    /// Path of the open library (GUI thread's view: set when open() succeeded); empty when none.
    QString path() const { return m_path; }
    bool isOpen() const { return !m_path.isEmpty(); }
    /// True when the open library was opened read-only because this user may not write it:
    /// browsing and searching work, every write fails with a clear "read-only" error.
    bool isReadOnly() const { return m_readOnly; }
    /// Whether this user may write `path` (an existing file); a missing file counts as writable.
    static bool mayWrite(const QString& path);

    /// Runs `work` on the worker; `done` runs on the GUI thread unless `context` is gone.
    /// R is Result<T> or Status.
    template <class R>
    void run(QObject* context, std::function<R(diffclip::Library&)> work, std::function<void(R)> done) {
        auto* watcher = new QFutureWatcher<std::shared_ptr<R>>(this);
        QPointer<QObject> guard(context);
        connect(watcher, &QFutureWatcher<std::shared_ptr<R>>::finished, this, [watcher, guard, done] {
            std::shared_ptr<R> r = watcher->result();
            watcher->deleteLater();
            if (guard && done) done(std::move(*r));
        });
        watcher->setFuture(QtConcurrent::run(&m_pool, [state = m_state, work]() -> std::shared_ptr<R> {
            if (!state->library)
                return std::make_shared<R>(diffclip::makeError(diffclip::ErrorCode::NotFound, "no library is open"));
            try {
                return std::make_shared<R>(work(*state->library));
            } catch (const std::exception& e) {
                return std::make_shared<R>(diffclip::makeError(diffclip::ErrorCode::Internal, e.what()));
            }
        }));
    }

private:
    struct State {
        std::optional<diffclip::Library> library;  // touched only by the worker
    };
    QThreadPool m_pool;
    std::shared_ptr<State> m_state = std::make_shared<State>();
    QString m_path;
    bool m_readOnly = false;
};

}  // namespace diffclip::ui
