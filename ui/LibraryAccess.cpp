#include "LibraryAccess.h"

#include <unistd.h>

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
    // A library the user may only read (a shared one on a read-only mount, say) is opened
    // read-only, as `diffclip search` does, rather than refused.
    const bool readOnly = !mayWrite(path);
    connect(watcher, &QFutureWatcher<diffclip::Status>::finished, this, [this, watcher, guard, done, path, readOnly] {
        const diffclip::Status s = watcher->result();
        watcher->deleteLater();
        m_path = s ? path : QString();
        m_readOnly = s && readOnly;
        if (guard && done) done(s);
    });
    watcher->setFuture(QtConcurrent::run(&m_pool, [state = m_state, file, create, readOnly]() -> diffclip::Status {
        state->library.reset();  // a failed open leaves no library open, never the old one
        diffclip::LibraryOptions options;
        options.create = create;
        options.readOnly = readOnly;
        auto lib = diffclip::Library::open(file, options);
        if (!lib) return lib.error();
        state->library.emplace(std::move(lib).value());
        return diffclip::Status::success();
    }));
}

bool LibraryAccess::mayWrite(const QString& path) {
    const QByteArray file = QFile::encodeName(path);
    return !QFile::exists(path) || ::access(file.constData(), W_OK) == 0;
}

void LibraryAccess::close() {
    m_path.clear();
    m_readOnly = false;
    (void)QtConcurrent::run(&m_pool, [state = m_state] { state->library.reset(); });
}

}  // namespace diffclip::ui
