#include "ExplainScaleRow.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <cmath>

#include "Controls.h"
#include "ErrorText.h"
#include "ExplainFolderScales.h"
#include "diffclip/explain/ExplainSession.h"

namespace diffclip::ui {

namespace ex = diffclip::explain;

ExplainScaleRow::ExplainScaleRow(QWidget* parent) : QWidget(parent), m_folder(new ExplainFolderScales(this)) {
    m_label = makeSelectableLabel(this);
    m_label->setAccessibleName(tr("Scale in use"));
    m_progress = new QProgressBar(this);
    m_progress->setAccessibleName(tr("Folder scale progress"));
    m_progress->setMaximumWidth(200);
    m_progress->setFormat(tr("%v of %m photos"));
    m_progress->setVisible(false);
    m_cancel = makeButton(tr("Cancel"), tr("Cancel the folder scale"), this);
    m_cancel->setVisible(false);
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_label, 1);
    row->addWidget(m_progress);
    row->addWidget(m_cancel);

    connect(m_cancel, &QPushButton::clicked, this, [this] {
        cancel();
        Q_EMIT cancelRequested();
    });
    connect(m_folder, &ExplainFolderScales::progress, this, [this](int done, int total) {
        m_progress->setRange(0, total);
        m_progress->setValue(done);
        updateText();
    });
    connect(m_folder, &ExplainFolderScales::finished, this,
            [this](const QString&, int code, const QString& detail) { finished(code, detail); });
    updateText();
}

void ExplainScaleRow::adopt(std::shared_ptr<ex::ExplainResult> result) {
    m_result = std::move(result);
    m_problem.clear();
    if (m_result) {
        m_ownLow = m_result->scale.low;
        m_ownHigh = m_result->scale.high;
        m_ownDiverging = m_result->scale.diverging;
    }
    updateText();
}

void ExplainScaleRow::setFolderMode(bool folder) {
    m_folderMode = folder;
    m_problem.clear();
    if (!folder) cancel();
}

void ExplainScaleRow::cancel() { m_folder->cancel(); }
QString ExplainScaleRow::text() const { return m_label->text(); }
bool ExplainScaleRow::isBusy() const { return m_folder->isRunning(); }
int ExplainScaleRow::runs() const { return m_folder->runs(); }
QString ExplainScaleRow::photo() const { return m_result ? QString::fromStdString(m_result->request.photoPath) : QString(); }

void ExplainScaleRow::apply() {
    if (!m_result) {
        updateText();
        return;
    }
    m_result->scale.low = m_ownLow;
    m_result->scale.high = m_ownHigh;
    m_result->scale.diverging = m_ownDiverging;
    m_result->scalePhotos = 0;
    m_leftOut = 0;
    if (m_folderMode) {
        const QString key = ExplainFolderScales::key(photo(), ExplainFolderScales::photosBeside(photo()), m_result->request);
        if (auto folder = m_folder->cached(key)) {
            const Status applied = ex::applyFolderScale(*m_result, *folder);
            if (applied) {
                m_leftOut = int(folder->failed.size());
            } else {
                // Computed for photos that have changed since: compute it again, once.
                m_folder->forget(key);
                const bool retry = m_problem.isEmpty();
                m_problem = retry ? tr("the folder's photos changed; computing it again")
                                  : QString::fromStdString(applied.error().message);
                if (retry) start(key);
            }
        } else if ((!m_folder->isRunning() || m_folder->runningKey() != key) && m_problem.isEmpty()) {
            start(key);
        }
    }
    updateText();
}

void ExplainScaleRow::start(const QString& key) {
    if (!m_result || !m_session) return;
    m_folder->start(m_session, m_result->request, ExplainFolderScales::photosBeside(photo()), key);
    m_progress->setVisible(true);
    m_cancel->setVisible(true);
}

void ExplainScaleRow::finished(int errorCode, const QString& errorDetail) {
    m_progress->setVisible(false);
    m_cancel->setVisible(false);
    if (errorCode != 0 && ErrorCode(errorCode) != ErrorCode::Cancelled) {
        const Error e{ErrorCode(errorCode), errorDetail.toStdString()};
        m_problem = tr("it could not be computed (%1)").arg(errorDetail);
        // A folder where no photo could be read fails with that photo's error.
        const bool photoError = e.code == ErrorCode::Format || e.code == ErrorCode::NotFound || e.code == ErrorCode::Io;
        Q_EMIT failed(tr("The folder scale could not be computed"),
                      photoError ? ErrorText::photoReason(e.code) : ErrorText::libraryReason(e.code),
                      ErrorText::details(e));
    }
    Q_EMIT scaleChanged();
}

void ExplainScaleRow::updateText() {
    QString text;
    if (!m_result) {
        text = tr("Scale: explain a photo first");
    } else {
        const double m = std::max(std::fabs(m_result->scale.low), std::fabs(m_result->scale.high));
        const QString value = QString::number(m, 'g', 4);
        if (m_result->scalePhotos > 0) {
            // No English plural forms are loaded: one string for one photo, one for several.
            text = m_result->scalePhotos == 1
                       ? tr("Scale: folder of 1 photo, max |v| = %1").arg(value)
                       : tr("Scale: folder of %n photos, max |v| = %1", nullptr, m_result->scalePhotos).arg(value);
            if (m_leftOut == 1) text += tr(" (1 unreadable photo left out)");
            else if (m_leftOut > 1) text += tr(" (%n unreadable photos left out)", nullptr, m_leftOut);
        } else {
            text = tr("Scale: this comparison, max |v| = %1").arg(value);
            if (m_folderMode) {
                if (m_folder->isRunning())
                    text += tr(" — the folder scale is being computed (%1 of %2 photos)")
                                .arg(m_progress->value())
                                .arg(m_progress->maximum());
                else if (!m_problem.isEmpty())
                    text += tr(" — not the folder's: %1").arg(m_problem);
            }
        }
    }
    if (text == m_label->text()) return;
    m_label->setText(text);
    Q_EMIT textChanged(text);
}

void ExplainScaleRow::setFolderProgressHook(std::function<void(int, int)> hook) {
    m_folder->setProgressHook(std::move(hook));
}

}  // namespace diffclip::ui
