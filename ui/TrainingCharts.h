#pragma once
// The Training page's three live charts (QCustomPlot): training loss, validation top-1 and
// learning rate, each drawn from an item model laid out as TrainingCurveModels.h describes
// (one line per column, x from the rows' ChartSeriesModel::PositionRole) and redrawn when the
// model is reset. The loss and rate axes start at zero and validation spans 0..100 %, so a flat
// curve stays readable. The models are borrowed and must outlive the charts. GUI thread only.

#include <QString>
#include <QWidget>

class QAbstractItemModel;
class QCustomPlot;

namespace diffclip::ui {

class TrainingCharts : public QWidget {
    Q_OBJECT

public:
    TrainingCharts(QAbstractItemModel* loss, QAbstractItemModel* validation, QAbstractItemModel* learningRate,
                   QWidget* parent = nullptr);

    /// The x axes' label ("iteration" for a linear probe, "epoch" otherwise).
    void setXLabel(const QString& label);

    QCustomPlot* lossPlot() const { return m_lossPlot; }
    QCustomPlot* validationPlot() const { return m_valPlot; }
    QCustomPlot* learningRatePlot() const { return m_ratePlot; }

protected:
    void changeEvent(QEvent* event) override;

private:
    QCustomPlot* makePlot(const QString& title, const QString& yLabel);
    void draw(QCustomPlot* plot, const QAbstractItemModel* model);
    void applyPalette();

    QAbstractItemModel* m_loss;
    QAbstractItemModel* m_validation;
    QAbstractItemModel* m_rate;
    QCustomPlot* m_lossPlot = nullptr;
    QCustomPlot* m_valPlot = nullptr;
    QCustomPlot* m_ratePlot = nullptr;
};

}  // namespace diffclip::ui
