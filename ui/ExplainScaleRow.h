#pragma once
// The colour scale under the Explain page's panes: which scale the panes use and the line
// that always says so, with the progress and Cancel of a folder scale being computed.
// "This comparison" is a result's own scale (both panes' maps); "Whole folder" a scale over
// the same maps of every photo in the photo's folder (ExplainFolderScales), cached per folder
// and settings. While a folder scale is missing (new settings, computing, failed) the result
// keeps its own scale and the line says why; a cached one that no longer contains the maps
// (the photos changed) is computed again, once. GUI thread only.

#include <QWidget>
#include <functional>
#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;

namespace diffclip::explain {
class ExplainSession;
struct ExplainResult;
}  // namespace diffclip::explain

namespace diffclip::ui {

class ExplainFolderScales;

class ExplainScaleRow : public QWidget {
    Q_OBJECT

public:
    explicit ExplainScaleRow(QWidget* parent = nullptr);

    void setSession(std::shared_ptr<explain::ExplainSession> session) { m_session = std::move(session); }
    /// A new result (null: none); its current scale is remembered as its own.
    void adopt(std::shared_ptr<explain::ExplainResult> result);
    /// Whole folder (true) or this comparison; back to the comparison cancels a computation.
    void setFolderMode(bool folder);
    bool folderMode() const { return m_folderMode; }
    /// Puts the scale in use on the adopted result (its `scale` and `scalePhotos`), starting a
    /// folder scale's computation when it is wanted and missing, and updates the line.
    void apply();
    /// Stops a computation without changing the mode.
    void cancel();

    QString text() const;
    bool isBusy() const;
    /// Folder scales computed to the end (cache hits do not count).
    int runs() const;
    /// Test seam of the folder computation (ExplainFolderScales::setProgressHook).
    void setFolderProgressHook(std::function<void(int done, int total)> hook);

Q_SIGNALS:
    /// The line's text changed (the page repeats it as the colour bar's tooltip).
    void textChanged(const QString& text);
    /// A folder scale finished, failed or was cancelled: apply() again and redraw.
    void scaleChanged();
    /// The user pressed Cancel: the page switches back to "This comparison".
    void cancelRequested();
    /// A folder scale could not be computed (translated title and reason, the core's detail).
    void failed(const QString& title, const QString& reason, const QString& details);

private:
    void start(const QString& key);
    void finished(int errorCode, const QString& errorDetail);
    void updateText();
    QString photo() const;

    QLabel* m_label = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancel = nullptr;
    ExplainFolderScales* m_folder = nullptr;
    std::shared_ptr<explain::ExplainSession> m_session;
    std::shared_ptr<explain::ExplainResult> m_result;
    bool m_folderMode = false;
    double m_ownLow = 0, m_ownHigh = 1;
    bool m_ownDiverging = false;
    int m_leftOut = 0;        // photos the applied folder scale had to leave out
    QString m_problem;        // why the folder scale is not in use
};

}  // namespace diffclip::ui
