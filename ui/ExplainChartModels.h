#pragma once
// The item models behind the Explain page's three charts, filled from an explain result: the
// only place where the charts' numbers are read from the core's structs (ExplainCharts then
// reads these models alone). Layout of each (ChartSeriesModel.h):
//   lambda():  one row per block, one column per model with λ (none for standard attention;
//              one when both panes show the same model)
//   entropy(): one row per block, one column per pane, in nats; the block shown is marked
//   region():  one column per pane; row 0 the region's share of |map| (0..1), row 1 the
//              region's share of the area (what an even map gives); no values without a region
// GUI thread only.

#include <QObject>
#include <QRectF>
#include <optional>

#include "ChartSeriesModel.h"

namespace diffclip::explain {
struct ExplainResult;
}

namespace diffclip::ui {

class ExplainChartModels : public QObject {
    Q_OBJECT

public:
    explicit ExplainChartModels(QObject* parent = nullptr);

    /// Fills the models from `result` (null: empty models) with the region in the crop's
    /// normalised coordinates (empty: none). `result` is read during the call only.
    void show(const explain::ExplainResult* result, const QRectF& region);

    ChartSeriesModel* lambda() const { return m_lambda; }
    ChartSeriesModel* entropy() const { return m_entropy; }
    ChartSeriesModel* region() const { return m_region; }
    /// Region share of pane 0 or 1 as last shown (nullopt without a region or a result).
    std::optional<double> regionShare(int pane) const;

    /// The colour of pane 0 (blue) or 1 (red) in every chart.
    static QColor paneColour(int pane);

private:
    ChartSeriesModel* m_lambda = nullptr;
    ChartSeriesModel* m_entropy = nullptr;
    ChartSeriesModel* m_region = nullptr;
};

}  // namespace diffclip::ui
