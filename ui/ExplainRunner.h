#pragma once
// Runs the Explain page's requests on worker threads through the torch-free ExplainSession:
// the maps and their overlays. Only the newest request counts: run() cancels the one before,
// whose late answer is dropped; a cancelled request is never answered. A failed request says
// which input was at fault: when the photo or the query photo cannot be decoded, the answer
// carries the decoder's error and that file (decoding again costs little next to the model
// work, and only a failure pays for it). GUI thread; the session is shared with the workers.

#include <QObject>
#include <QString>
#include <memory>

#include "diffclip/base/Job.h"
#include "diffclip/base/Result.h"

namespace diffclip::explain {
class ExplainSession;
struct ExplainRequest;
struct ExplainResult;
struct RenderOptions;
struct RenderedPanes;
}  // namespace diffclip::explain

namespace diffclip::ui {

struct ExplainAnswer {
    std::shared_ptr<explain::ExplainResult> result;  // null when the request failed
    std::shared_ptr<explain::RenderedPanes> rendered;
    diffclip::Error error;
    enum class Fault { Other, Photo, Query };
    Fault fault = Fault::Other;  // Photo / Query: that file could not be decoded
    QString file;                // the photo or query photo at fault
};

class ExplainRunner : public QObject {
    Q_OBJECT

public:
    explicit ExplainRunner(QObject* parent = nullptr);
    ~ExplainRunner() override;

    void setSession(std::shared_ptr<explain::ExplainSession> session) { m_session = std::move(session); }
    /// Starts `request` (rendered with `render`), superseding the running one.
    void run(const explain::ExplainRequest& request, const explain::RenderOptions& render);
    /// Asks the running request to stop early (it is then not answered).
    void cancel();
    /// Cancels and forgets the running request: nothing is answered until the next run().
    void drop();
    bool isBusy() const { return m_busy; }

Q_SIGNALS:
    /// The newest request's answer (never a cancelled one).
    void answered(const diffclip::ui::ExplainAnswer& answer);

private:
    std::shared_ptr<explain::ExplainSession> m_session;
    CancelToken m_cancel = CancelToken::never();  // of the request in flight
    int m_generation = 0;
    bool m_busy = false;
};

}  // namespace diffclip::ui
