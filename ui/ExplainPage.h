#pragma once
// The Explain page (GitHub issue 5): where a model looks in a photo, and why a photo matched a
// query, as two synchronised panes on ONE shared colour scale: model A beside model B, or A1
// beside A1 − λA2 of one DiffCLIP model. A layer slider, head and method selectors, an
// opacity slider, the value under the cursor, a region of interest (shift-drag) with its share
// of each map, charts of λ and entropy per layer and of the region share, a colour bar with
// real values, and PNG / PDF export (the region outlined on both map panes).
//
// The page runs the requests and wires its parts: ExplainToolbar (the controls, and which
// choices can work), ExplainPanes (the two ExplainViews with titles and numbers),
// ExplainScaleRow (the colour scale in use, folder scales through ExplainFolderScales),
// ExplainChartModels + ExplainCharts (the charts, fed by item models), ExplainReport (figure,
// PNG and PDF) and ExplainText (every word, through tr()).
//
// What is shown always belongs together: the panes, their titles, numbers, charts and the
// exports describe one result. A request that fails, or settings that cannot work (a query
// method without a query), clear them and disable the exports; a new photo starts without a
// region.
//
// Colour scale: "This comparison" spans the two panes' maps; "Whole folder" spans the same
// maps of every photo in the current photo's folder (computed on a worker thread with progress
// and cancel, cached per folder and settings). The label under the panes always says which
// scale the panes use; while a folder scale is missing (new settings, computing, failed) it
// says so and the panes use the comparison's scale.
//
// The model work runs on worker threads (ExplainRunner, through the torch-free ExplainSession
// facade); a newer request supersedes (and cancels) an older one, whose late answer is dropped.
// The GUI thread only draws results.

#include <QImage>
#include <QRect>
#include <QRectF>
#include <QString>
#include <QWidget>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

class QCustomPlot;
class QGraphicsView;
class QLabel;
class QPushButton;
class QSlider;
class QTimer;

namespace diffclip::explain {
class ExplainSession;
struct ExplainResult;
struct RenderedPanes;
}  // namespace diffclip::explain

namespace diffclip::ui {

class ErrorBanner;
class ExplainChartModels;
class ExplainCharts;
class ExplainPanes;
class ExplainRunner;
class ExplainScaleRow;
class ExplainToolbar;
struct ExplainAnswer;
struct ExplainReportInputs;

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

    /// The photo to explain; returns at once (the maps arrive later). Another photo than the
    /// current one clears the region.
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

    /// Writes the composed comparison (photo, both panes, colour bar, caption) as PNG and
    /// says where in the status line.
    bool exportPng(const QString& path);
    /// Writes a one-page PDF report (both maps, the settings and the numbers, the charts) and
    /// says where in the status line.
    bool exportPdf(const QString& path);
    /// The PDF report's page as an image `width` pixels wide (A4 proportions); null without maps.
    QImage reportPreview(int width) const;

    // State, for the main window and tests.
    bool isBusy() const;
    bool hasResult() const;
    int resultCount() const { return m_resultCount; }
    QImage paneImage(int pane) const;
    /// The title over pane 0 or 1 (empty without a result).
    QString paneTitle(int pane) const;
    /// The numbers under pane 0 or 1 (empty without a result).
    QString paneNumbers(int pane) const;
    const ErrorBanner* errorBanner() const { return m_error; }
    ExplainToolbar* toolbar() const { return m_bar; }
    QSlider* layerSlider() const;
    QCustomPlot* lambdaPlot() const;
    QCustomPlot* entropyPlot() const;
    QCustomPlot* regionPlot() const;
    QPushButton* exportPngButton() const { return m_exportPng; }
    QPushButton* exportPdfButton() const { return m_exportPdf; }
    QGraphicsView* paneView(int pane) const;
    QString statusText() const;
    /// The value range of the shown colour bar and panes (nullopt without a result).
    std::optional<std::pair<double, double>> colourBarRange() const;
    /// Photos the shown scale spans: 0 for the comparison's own scale.
    int scalePhotos() const;
    /// The text that says which scale is in use ("Scale: folder of 3 photos, max |v| = ...").
    QString scaleText() const;
    bool isFolderScaleBusy() const;
    /// Folder scales computed to the end (cache hits do not count).
    int folderScaleRuns() const;

    /// Test seam: called on the folder-scale worker thread at each of its progress reports
    /// (photos done, photos in all), after that photo and before the next one, which comes only
    /// once the hook returns. A test blocks in it to hold the job at a known point, e.g. to cancel
    /// it there deterministically. It applies to folder scales started afterwards; the
    /// application never sets it. Empty (the default) clears it.
    void setFolderScaleProgressHook(std::function<void(int done, int total)> hook);
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
    void buildLayout();
    void connectControls();
    void schedule();
    void start();
    QString whyNotPossible() const;
    void finish(const ExplainAnswer& answer);
    void clearResult();
    void rerender();
    void showResult();
    void updateControls();
    ExplainReportInputs reportInputs() const;
    /// An export to `path` by `write`: the error banner says `failed` when it fails, the status
    /// line `saved` (%1: the file) when it worked; nothing is written without a result.
    bool exportWith(const QString& path, const std::function<bool()>& write, const QString& failed,
                    const QString& saved);
    QString resultPhoto() const;
    void applyScale();
    /// A photo chosen in a file dialog titled `title` (its folder remembered); empty when cancelled.
    QString askForPhoto(const QString& title);

    ErrorBanner* m_error = nullptr;
    ExplainToolbar* m_bar = nullptr;
    ExplainPanes* m_panes = nullptr;
    ExplainScaleRow* m_scale = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_clearRegion = nullptr;
    QPushButton* m_exportPng = nullptr;
    QPushButton* m_exportPdf = nullptr;
    ExplainChartModels* m_chartModels = nullptr;
    ExplainCharts* m_charts = nullptr;
    ExplainRunner* m_runner = nullptr;
    QTimer* m_debounce = nullptr;

    QString m_modelA, m_modelB, m_photo;
    QRectF m_region;
    std::shared_ptr<explain::ExplainSession> m_session;
    std::shared_ptr<explain::ExplainResult> m_result;
    std::shared_ptr<explain::RenderedPanes> m_rendered;
    int m_resultCount = 0;
    bool m_updatingControls = false;
    QString m_layerModel;  // model A of the layer slider's range: another model starts at its last layer
    std::pair<double, double> m_renderedRange{0, 1};  // the scale m_rendered was drawn with
};

}  // namespace diffclip::ui
