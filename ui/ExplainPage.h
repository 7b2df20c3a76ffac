#pragma once
// The Explain page (GitHub issue 5): where a model looks in a photo, and why a photo matched a
// query, as two synchronised panes on ONE shared colour scale: model A beside model B, or A1
// beside A1 - lambda*A2 of one DiffCLIP model. A layer slider, head and method selectors, an
// opacity slider, the value under the cursor, a region of interest (shift-drag) with its share
// of each map, charts of lambda and entropy per layer and of the region share, a colour bar with
// real values, and PNG / PDF export.
//
// The model work runs on worker threads through the torch-free ExplainSession facade; a newer
// request supersedes (and cancels) an older one, whose late answer is dropped. The GUI thread
// only draws results.

#include <QImage>
#include <QRectF>
#include <QString>
#include <QWidget>
#include <atomic>
#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QGraphicsView;
class QLabel;
class QLineEdit;
class QPaintDevice;
class QPainter;
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
class ExplainView;

class ExplainPage : public QWidget {
    Q_OBJECT

public:
    enum class Mode { TwoModels, A1VsDifference };
    enum class Method { Attention, Rollout, Similarity, Gradient };

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
    QTimer* m_debounce = nullptr;

    QString m_modelA, m_modelB, m_photo;
    QRectF m_region;
    std::shared_ptr<explain::ExplainSession> m_session;
    std::shared_ptr<explain::ExplainResult> m_result;
    std::shared_ptr<explain::RenderedPanes> m_rendered;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    int m_generation = 0;
    int m_resultCount = 0;
    bool m_running = false;
    bool m_updatingControls = false;
    QString m_valueText;
};

}  // namespace diffclip::ui
