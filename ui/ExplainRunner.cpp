#include "ExplainRunner.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include "diffclip/explain/ExplainSession.h"

namespace diffclip::ui {

namespace ex = diffclip::explain;

ExplainRunner::ExplainRunner(QObject* parent) : QObject(parent) {}

ExplainRunner::~ExplainRunner() { cancel(); }

void ExplainRunner::cancel() {
    m_cancel.cancel();
}

void ExplainRunner::drop() {
    cancel();
    ++m_generation;
    m_busy = false;
}

void ExplainRunner::run(const ex::ExplainRequest& request, const ex::RenderOptions& render) {
    if (!m_session) return;
    cancel();
    m_cancel = CancelToken();
    const int generation = ++m_generation;
    m_busy = true;
    auto* watcher = new QFutureWatcher<ExplainAnswer>(this);
    connect(watcher, &QFutureWatcher<ExplainAnswer>::finished, this, [this, watcher, generation] {
        const ExplainAnswer answer = watcher->result();
        watcher->deleteLater();
        if (generation != m_generation) return;  // superseded
        m_busy = false;
        if (answer.error.code != ErrorCode::Cancelled || answer.result) Q_EMIT answered(answer);
    });
    auto session = m_session;
    const CancelToken cancel = m_cancel;
    watcher->setFuture(QtConcurrent::run([session, cancel, request, render]() -> ExplainAnswer {
        ExplainAnswer a;
        auto res = session->explain(request, cancel);
        if (!res) {
            a.error = res.error();
            if (a.error.code == ErrorCode::Cancelled) return a;
            // A photo that cannot be read is said as such, not as the model's problem.
            if (auto photo = decodeImageFile(request.photoPath, DecodeOptions{}); !photo) {
                a.error = photo.error();
                a.fault = ExplainAnswer::Fault::Photo;
                a.file = QString::fromStdString(request.photoPath);
            } else if (request.query.kind == ex::ExplainQuery::Kind::Photo) {
                if (auto query = decodeImageFile(request.query.value, DecodeOptions{}); !query) {
                    a.error = query.error();
                    a.fault = ExplainAnswer::Fault::Query;
                    a.file = QString::fromStdString(request.query.value);
                }
            }
            return a;
        }
        auto rendered = ex::renderPanes(*res, render);
        if (!rendered) {
            a.error = rendered.error();
            return a;
        }
        a.result = std::make_shared<ex::ExplainResult>(std::move(*res));
        a.rendered = std::make_shared<ex::RenderedPanes>(std::move(*rendered));
        return a;
    }));
}

}  // namespace diffclip::ui
