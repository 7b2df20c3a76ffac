#include "LibraryAccess.h"

#include <QFile>

namespace diffclip::ui {

LibraryAccess::LibraryAccess(QObject* parent) : QObject(parent) {
    m_pool.setMaxThreadCount(1);  // one connection, one user at a time (Library.h)
    m_pool.setExpiryTimeout(-1);  // keep the thread: the connection stays warm on it
}

LibraryAccess::~LibraryAccess() {
    m_pool.clear();
    m_pool.waitForDone();
}

void LibraryAccess::open(const QString& path, bool create, QObject* context,
                         std::function<void(diffclip::Status)> done) {
    const std::string file = QFile::encodeName(path).toStdString();
    auto* watcher = new QFutureWatcher<diffclip::Status>(this);
    QPointer<QObject> guard(context);
    connect(watcher, &QFutureWatcher<diffclip::Status>::finished, this, [this, watcher, guard, done, path] {
        const diffclip::Status s = watcher->result();
        watcher->deleteLater();
        m_path = s ? path : QString();
        if (guard && done) done(s);
    });
    watcher->setFuture(QtConcurrent::run(&m_pool, [state = m_state, file, create]() -> diffclip::Status {
        state->library.reset();  // a failed open leaves no library open, never the old one
        diffclip::LibraryOptions options;
        options.create = create;
        auto lib = diffclip::Library::open(file, options);
        if (!lib) return lib.error();
        state->library.emplace(std::move(lib).value());
        return diffclip::Status::success();
    }));
}

void LibraryAccess::close() {
    m_path.clear();
    (void)QtConcurrent::run(&m_pool, [state = m_state] { state->library.reset(); });
}

}  // namespace diffclip::ui
