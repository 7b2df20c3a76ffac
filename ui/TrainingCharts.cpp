#include "TrainingCharts.h"

#include "QCustomPlotQt.h"

#include <QAbstractItemModel>
#include <QHBoxLayout>
#include <algorithm>

#include "ChartSeriesModel.h"
#include "ChartStyle.h"

namespace diffclip::ui {

namespace {
constexpr int kPlotHeight = 150;
}

TrainingCharts::TrainingCharts(QAbstractItemModel* loss, QAbstractItemModel* validation,
                               QAbstractItemModel* learningRate, QWidget* parent)
    : QWidget(parent), m_loss(loss), m_validation(validation), m_rate(learningRate) {
    m_lossPlot = makePlot(tr("Training loss"), tr("loss"));
    m_valPlot = makePlot(tr("Validation top-1"), tr("%"));
    m_ratePlot = makePlot(tr("Learning rate"), tr("rate"));
    m_ratePlot->yAxis->setNumberFormat(QStringLiteral("gb"));
    m_ratePlot->yAxis->setNumberPrecision(2);
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    for (QCustomPlot* p : {m_lossPlot, m_valPlot, m_ratePlot}) row->addWidget(p, 1);

    const std::pair<QCustomPlot*, QAbstractItemModel*> bindings[] = {
        {m_lossPlot, m_loss}, {m_valPlot, m_validation}, {m_ratePlot, m_rate}};
    for (const auto& [plot, model] : bindings) {
        connect(model, &QAbstractItemModel::modelReset, this, [this, plot = plot, model = model] { draw(plot, model); });
        draw(plot, model);
    }
    applyPalette();
}

QCustomPlot* TrainingCharts::makePlot(const QString& title, const QString& yLabel) {
    QCustomPlot* p = makeTitledChart(this, title, title, kPlotHeight);
    p->yAxis->setLabel(yLabel);
    p->xAxis->ticker()->setTickCount(3);  // the plots are narrow: few, readable labels
    p->yAxis->ticker()->setTickCount(4);
    return p;
}

void TrainingCharts::setXLabel(const QString& label) {
    for (QCustomPlot* p : {m_lossPlot, m_valPlot, m_ratePlot}) {
        p->xAxis->setLabel(label);
        p->replot();
    }
}

void TrainingCharts::draw(QCustomPlot* plot, const QAbstractItemModel* model) {
    plot->clearGraphs();
    bool legend = false;
    bool anyPoint = false;
    double top = 0.0;
    for (int c = 0; c < model->columnCount(); ++c) {
        QVector<double> x, y;
        for (int r = 0; r < model->rowCount(); ++r) {
            const QVariant v = model->data(model->index(r, c));
            if (!v.isValid()) continue;
            x << model->headerData(r, Qt::Vertical, ChartSeriesModel::PositionRole).toDouble();
            y << v.toDouble();
            top = std::max(top, y.back());
        }
        const QColor colour = model->headerData(c, Qt::Horizontal, Qt::DecorationRole).value<QColor>();
        QCPGraph* g = plot->addGraph();
        g->setData(x, y);
        g->setPen(QPen(colour, 2));
        g->setName(model->headerData(c, Qt::Horizontal).toString());
        if (plot == m_valPlot) g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, 5));
        legend = legend || model->headerData(c, Qt::Horizontal, Qt::UserRole).toInt() == 1;
        anyPoint = anyPoint || !x.isEmpty();
    }
    plot->legend->setVisible(legend);
    if (anyPoint) plot->rescaleAxes();
    else plot->xAxis->setRange(0, 1);
    // Fixed or zero-based ranges, so a flat curve (a constant rate, 0 %) stays readable.
    if (plot == m_valPlot) plot->yAxis->setRange(-3, 103);
    else plot->yAxis->setRange(0, top > 0 ? top * 1.15 : 1.0);
    plot->replot();
}

void TrainingCharts::applyPalette() {
    const QColor text = palette().color(QPalette::Text);
    for (QCustomPlot* p : {m_lossPlot, m_valPlot, m_ratePlot}) {
        applyChartPalette(p, palette());
        for (QCPAxis* a : {p->xAxis, p->yAxis}) a->grid()->setPen(QPen(palette().color(QPalette::Mid), 0, Qt::DotLine));
        p->legend->setBrush(palette().base());
        p->legend->setTextColor(text);
        p->legend->setBorderPen(QPen(palette().color(QPalette::Mid)));
        p->replot();
    }
}

void TrainingCharts::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) applyPalette();
    QWidget::changeEvent(event);
}

}  // namespace diffclip::ui
