#pragma once
// The Explain page (GitHub issue 5): where a model looks in a photo, and why a photo matched a
// query, as two synchronised panes on ONE shared colour scale: model A beside model B, or A1
// beside A1 - lambda*A2 of one DiffCLIP model. A layer slider, head and method selectors, an
// opacity slider, the value under the cursor, a region of interest (shift-drag) with its share
// of each map, charts of lambda and entropy per layer and of the region share, a colour bar with
// real values, and PNG / PDF export (the region outlined on both map panes).
//
// Colour scale: "This comparison" spans the two panes' maps; "Whole folder" spans the same
// maps of every photo in the current photo's folder (computed on a worker thread with progress
// and cancel, cached per folder and settings). The label under the panes always says which
// scale the panes use; while a folder scale is missing (new settings, computing, failed) it
// says so and the panes use the comparison's scale.
//
// The model work runs on worker threads through the torch-free ExplainSession facade; a newer
// request supersedes (and cancels) an older one, whose late answer is dropped. The GUI thread
// only draws results.

#include <QHash>
#include <QImage>
#include <QRect>
#include <QRectF>
#include <QStringList>
#include <QString>
#include <QWidget>
#include <memory>
#include <optional>
#include <utility>

#include "diffclip/base/Job.h"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QGraphicsView;
class QLabel;
class QLineEdit;
class QPaintDevice;
class QPainter;
class QProgressBar;
class QPushButton;
class QSlider;
class QTimer;

namespace diffclip::explain {
class ExplainSession;
struct ExplainResult;
struct FolderScale;
struct RenderedPanes;
}  // namespace diffclip::explain

namespace diffclip::ui {

class ErrorBanner;
class ExplainView;

class ExplainPage : public QWidget {
    Q_OBJECT

public:
    enum class Mode { TwoModels, A1VsDifference };
    enum class Method { Attention, Rollout, Similarity, Gradient };
    enum class ScaleMode { Comparison, Folder };

    explicit ExplainPage(QWidget* parent = nullptr);
    ~ExplainPage() override;

    /// Model A (a MODEL spec: the workspace's model). Re-explains the current photo.
    void setModelA(const QString& spec);
    /// Model B, compared with A in Mode::TwoModels. Empty: A is shown in both panes.
    void setModelB(const QString& spec);
    QString modelA() const { return m_modelA; }
    QString modelB() const { return m_modelB; }

    /// The photo to explain; returns at once (the maps arrive later).
    void setPhoto(const QString& path);
    QString photo() const { return m_photo; }
    void setMode(Mode mode);
    void setMethod(Method method);
    /// Query of similarity / gradient maps: an existing photo file, else a text.
    void setQuery(const QString& photoPathOrText);
    void setLayer(int layer);
    int layer() const;
    /// -1: mean over heads, -2: max, else a head index.
    void setHead(int head);
    void setOpacity(double opacity);
    /// Folder: one scale over every photo of the current photo's folder (same settings).
    void setScaleMode(ScaleMode mode);
    ScaleMode scaleMode() const;
    /// Region of interest in the model's input crop, normalised 0..1; an empty rect clears it.
    void setRegion(const QRectF& normalised);
    QRectF region() const { return m_region; }
    /// Region share of pane 0 or 1 (nullopt without a region or a result).
    std::optional<double> regionShare(int pane) const;
    /// The map value at normalised crop coordinates of a pane (nullopt without a result).
    std::optional<double> valueAt(int pane, const QPointF& normalised) const;

    /// Writes the composed comparison (photo, both panes, colour bar, caption) as PNG.
    bool exportPng(const QString& path);
    /// Writes a one-page PDF report: both maps, the settings and the numbers, the charts.
    bool exportPdf(const QString& path);
    /// The PDF report's page as an image `width` pixels wide (A4 proportions); null without maps.
    QImage reportPreview(int width) const;

    // State, for the main window and tests.
    bool isBusy() const { return m_running; }
    bool hasResult() const;
    int resultCount() const { return m_resultCount; }
    QImage paneImage(int pane) const;
    const ErrorBanner* errorBanner() const { return m_error; }
    QSlider* layerSlider() const { return m_layer; }
    QCustomPlot* lambdaPlot() const { return m_lambdaPlot; }
    QCustomPlot* entropyPlot() const { return m_entropyPlot; }
    QCustomPlot* regionPlot() const { return m_regionPlot; }
    QGraphicsView* paneView(int pane) const;
    QString statusText() const;
    /// The value range of the shown colour bar and panes (nullopt without a result).
    std::optional<std::pair<double, double>> colourBarRange() const;
    /// Photos the shown scale spans: 0 for the comparison's own scale.
    int scalePhotos() const;
    /// The text that says which scale is in use ("Scale: folder of 3 photos, max |v| = ...").
    QString scaleText() const;
    bool isFolderScaleBusy() const { return m_folderRunning; }
    /// Folder scales computed to the end (cache hits do not count).
    int folderScaleRuns() const { return m_folderRuns; }
    /// Where map pane 0 or 1 lies in the exported PNG (empty without a result).
    QRect exportPaneRect(int pane) const;

public Q_SLOTS:
    /// "Why did this match?": explains `hitPath` with `queryPath` as the target (similarity).
    void explainMatch(const QString& queryPath, const QString& hitPath);
    void choosePhoto();
    void chooseModelB();
    void chooseQueryPhoto();
    void exportPngAs();
    void exportPdfAs();

Q_SIGNALS:
    /// A request was answered (`ok` false: the error banner says why).
    void explained(bool ok);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void schedule();
    void start();
    void finish(int generation, std::shared_ptr<explain::ExplainResult> result,
                std::shared_ptr<explain::RenderedPanes> rendered, const QString& errorTitle, int errorCode,
                const QString& errorDetail);
    void rerender();
    void showPanes();
    void updateNumbers();
    void updateCharts();
    void updateControls();
    void showValue(int pane, const QPointF& scenePos);
    void regionDrawn(const QRectF& sceneRect);
    void paintReport(QPainter& painter, const QRect& page, QPaintDevice* device) const;
    void showError(const QString& title, const QString& reason, const QString& details);
    void applyScale();
    void startFolderScale(const QString& key);
    void folderScaleDone(int generation, const QString& key, std::shared_ptr<explain::FolderScale> scale,
                         int errorCode, const QString& errorDetail);
    void updateScaleLabel();
    QString folderKey(QStringList* photos) const;

    ErrorBanner* m_error = nullptr;
    QPushButton* m_photoButton = nullptr;
    QLabel* m_photoLabel = nullptr;
    QComboBox* m_mode = nullptr;
    QLabel* m_modelALabel = nullptr;
    QPushButton* m_modelBButton = nullptr;
    QLabel* m_modelBLabel = nullptr;
    QComboBox* m_method = nullptr;
    QLineEdit* m_query = nullptr;
    QPushButton* m_queryButton = nullptr;
    QSlider* m_layer = nullptr;
    QLabel* m_layerLabel = nullptr;
    QComboBox* m_head = nullptr;
    QSlider* m_opacity = nullptr;
    QPushButton* m_clearRegion = nullptr;
    QPushButton* m_exportPng = nullptr;
    QPushButton* m_exportPdf = nullptr;
    ExplainView* m_views[2] = {nullptr, nullptr};
    QLabel* m_titles[2] = {nullptr, nullptr};
    QLabel* m_numbers[2] = {nullptr, nullptr};
    QLabel* m_colourBar = nullptr;
    QLabel* m_status = nullptr;
    QCustomPlot* m_lambdaPlot = nullptr;
    QCustomPlot* m_entropyPlot = nullptr;
    QCustomPlot* m_regionPlot = nullptr;
    QComboBox* m_scaleMode = nullptr;
    QLabel* m_scaleLabel = nullptr;
    QProgressBar* m_folderProgress = nullptr;
    QPushButton* m_folderCancel = nullptr;
    QTimer* m_debounce = nullptr;

    QString m_modelA, m_modelB, m_photo;
    QRectF m_region;
    std::shared_ptr<explain::ExplainSession> m_session;
    std::shared_ptr<explain::ExplainResult> m_result;
    std::shared_ptr<explain::RenderedPanes> m_rendered;
    diffclip::CancelToken m_cancel = diffclip::CancelToken::never();  // of the explanation in flight
    int m_generation = 0;
    int m_resultCount = 0;
    bool m_running = false;
    bool m_updatingControls = false;
    QString m_valueText;

    // The comparison's own scale (m_result->scale holds the one in use).
    double m_ownLow = 0, m_ownHigh = 1;
    bool m_ownDiverging = false;
    // Folder scales by folderKey(); the running job's key and its cancel token.
    QHash<QString, std::shared_ptr<explain::FolderScale>> m_folderScales;
    QString m_folderRunningKey;
    diffclip::CancelToken m_folderCancelToken = diffclip::CancelToken::never();
    bool m_folderRunning = false;
    int m_folderGeneration = 0;
    int m_appliedLeftOut = 0;  // photos the applied folder scale had to leave out
    int m_folderRuns = 0;
    QString m_folderProblem;  // why the folder scale is not in use, shown in the label
    std::pair<double, double> m_renderedRange{0, 1};  // the scale m_rendered was drawn with
    QRectF m_renderedRegion;                          // the region outlined in m_rendered's figure

};

}  // namespace diffclip::ui
