#pragma once
// The Explain page's three charts (QCustomPlot), each drawn from an item model laid out as
// ChartSeriesModel.h describes and redrawn when the model is reset or changed:
//   λ per layer (lines; a note when the model has no series: standard attention),
//   entropy per layer (lines, a legend row, the marked row as a dotted vertical line),
//   region share (one bar per series from row 0, row 1 as the dashed even-map reference;
//   a hint to draw a region when there are no values).
// The models are borrowed and must outlive the charts. GUI thread only.

#include <QImage>
#include <QList>
#include <QWidget>

class QAbstractItemModel;
class QCustomPlot;

namespace diffclip::ui {

class ExplainCharts : public QWidget {
    Q_OBJECT

public:
    ExplainCharts(QAbstractItemModel* lambda, QAbstractItemModel* entropy, QAbstractItemModel* region,
                  QWidget* parent = nullptr);

    QCustomPlot* lambdaPlot() const { return m_lambdaPlot; }
    QCustomPlot* entropyPlot() const { return m_entropyPlot; }
    QCustomPlot* regionPlot() const { return m_regionPlot; }
    /// The three charts as images (320 x 240 points at 3x) for a report.
    QList<QImage> images() const;

private:
    QCustomPlot* makePlot(const QString& name, const QString& title, const QString& xLabel, const QString& yLabel);
    void drawLambda();
    void drawEntropy();
    void drawRegion();

    QAbstractItemModel* m_lambda;
    QAbstractItemModel* m_entropy;
    QAbstractItemModel* m_region;
    QCustomPlot* m_lambdaPlot = nullptr;
    QCustomPlot* m_entropyPlot = nullptr;
    QCustomPlot* m_regionPlot = nullptr;
};

}  // namespace diffclip::ui
