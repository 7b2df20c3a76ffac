#include "ExplainCharts.h"

#include "QCustomPlotQt.h"

#include "ChartStyle.h"

#include <QAbstractItemModel>
#include <QHBoxLayout>
#include <algorithm>
#include <optional>
#include <utility>

namespace diffclip::ui {

namespace {

QColor seriesColour(const QAbstractItemModel* m, int column) {
    return m->headerData(column, Qt::Horizontal, Qt::DecorationRole).value<QColor>();
}

// A note in the middle of a chart (no data of that kind).
void addNote(QCustomPlot* plot, const QString& text, double y, const QColor& colour) {
    auto* t = new QCPItemText(plot);
    t->position->setType(QCPItemPosition::ptAxisRectRatio);
    t->position->setCoords(0.5, y);
    t->setText(text);
    t->setColor(colour);
}

// Lines of every column over the rows (x = row index), styled by the column's UserRole:
// 0 solid with circles, 1 dashed with squares. Returns the values' range (lo > hi: none).
std::pair<double, double> addLines(QCustomPlot* plot, const QAbstractItemModel* m, const QColor& base) {
    double lo = 1e300, hi = -1e300;
    for (int c = 0; c < m->columnCount(); ++c) {
        QVector<double> x, y;
        for (int r = 0; r < m->rowCount(); ++r) {
            const QVariant v = m->data(m->index(r, c));
            if (!v.isValid()) continue;
            x << r;
            y << v.toDouble();
            lo = std::min(lo, y.back());
            hi = std::max(hi, y.back());
        }
        const QColor colour = seriesColour(m, c);
        const bool second = m->headerData(c, Qt::Horizontal, Qt::UserRole).toInt() == 1;
        QCPGraph* g = plot->addGraph();
        g->setData(x, y, true);
        g->setPen(QPen(colour, 2, second ? Qt::DashLine : Qt::SolidLine));
        g->setScatterStyle(QCPScatterStyle(second ? QCPScatterStyle::ssSquare : QCPScatterStyle::ssCircle, colour, base, 6));
        g->setName(m->headerData(c, Qt::Horizontal).toString());
    }
    return {lo, hi};
}

void setPaddedRange(QCPAxis* axis, double lo, double hi) {
    if (lo > hi) return;
    const double pad = std::max(0.05, (hi - lo) * 0.15);
    axis->setRange(lo - pad, hi + pad);
}

void setLayerAxis(QCustomPlot* plot, int rows) {
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    plot->xAxis->setTicker(ticker);
    plot->xAxis->setRange(-0.5, std::max(1, rows) - 0.5);
}

void clearPlot(QCustomPlot* plot) {
    plot->clearPlottables();
    plot->clearItems();
}

// Clears the chart and draws the columns of `m` as lines over the layers (rows) on a layer
// axis. Returns the values' range (lo > hi: none), or nothing when there are no layers.
std::optional<std::pair<double, double>> drawLayerLines(QCustomPlot* plot, const QAbstractItemModel* m,
                                                        const QColor& base) {
    clearPlot(plot);
    const int rows = m->rowCount();
    if (rows == 0) return std::nullopt;
    const auto range = addLines(plot, m, base);
    setLayerAxis(plot, rows);
    return range;
}

}  // namespace

ExplainCharts::ExplainCharts(QAbstractItemModel* lambda, QAbstractItemModel* entropy, QAbstractItemModel* region,
                             QWidget* parent)
    : QWidget(parent), m_lambda(lambda), m_entropy(entropy), m_region(region) {
    m_lambdaPlot = makePlot(tr("Lambda per layer"), tr("λ per layer"), tr("layer"), tr("λ"));
    m_entropyPlot = makePlot(tr("Entropy per layer"), tr("Entropy per layer"), tr("layer"), tr("nats"));
    m_regionPlot = makePlot(tr("Region share"), tr("Region share"), QString(), tr("share of |map|"));

    // The entropy legend in its own row under the title, so it never hides a curve.
    QCPLegend* legend = m_entropyPlot->legend;
    legend->setVisible(true);
    legend->setFont(QFont(font().family(), std::max(7, font().pointSize() - 2)));
    m_entropyPlot->axisRect()->insetLayout()->take(legend);
    m_entropyPlot->plotLayout()->insertRow(1);
    m_entropyPlot->plotLayout()->addElement(1, 0, legend);
    m_entropyPlot->plotLayout()->setRowStretchFactor(1, 0.001);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setBrush(Qt::NoBrush);
    legend->setBorderPen(Qt::NoPen);
    legend->setTextColor(palette().text().color());
    legend->setMargins(QMargins(2, 0, 2, 0));

    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_lambdaPlot, 1);
    row->addWidget(m_entropyPlot, 1);
    row->addWidget(m_regionPlot, 1);

    const std::pair<QAbstractItemModel*, void (ExplainCharts::*)()> bindings[] = {
        {m_lambda, &ExplainCharts::drawLambda}, {m_entropy, &ExplainCharts::drawEntropy}, {m_region, &ExplainCharts::drawRegion}};
    for (const auto& [model, draw] : bindings) {
        connect(model, &QAbstractItemModel::modelReset, this, draw);
        connect(model, &QAbstractItemModel::dataChanged, this, draw);
        connect(model, &QAbstractItemModel::headerDataChanged, this, draw);
        (this->*draw)();
    }
}

QCustomPlot* ExplainCharts::makePlot(const QString& name, const QString& title, const QString& xLabel,
                                     const QString& yLabel) {
    QCustomPlot* p = makeTitledChart(this, title, name, 140);
    p->xAxis->setLabel(xLabel);
    p->yAxis->setLabel(yLabel);
    applyChartPalette(p, palette());
    return p;
}

QList<QImage> ExplainCharts::images() const {
    QList<QImage> out;
    for (QCustomPlot* plot : {m_lambdaPlot, m_entropyPlot, m_regionPlot}) out << plot->toPixmap(320, 240, 3.0).toImage();
    return out;
}

void ExplainCharts::drawLambda() {
    QCustomPlot* plot = m_lambdaPlot;
    if (const auto range = drawLayerLines(plot, m_lambda, palette().base().color())) {
        if (range->first <= range->second) {
            setPaddedRange(plot->yAxis, range->first, range->second);
        } else {
            addNote(plot, tr("No λ: standard attention"), 0.5, palette().text().color());
            plot->yAxis->setRange(0, 1);
        }
    }
    plot->replot();
}

void ExplainCharts::drawEntropy() {
    QCustomPlot* plot = m_entropyPlot;
    if (const auto range = drawLayerLines(plot, m_entropy, palette().base().color())) {
        setPaddedRange(plot->yAxis, range->first, range->second);
        for (int r = 0; r < m_entropy->rowCount(); ++r) {
            if (!m_entropy->headerData(r, Qt::Vertical, Qt::UserRole).toBool()) continue;
            auto* line = new QCPItemStraightLine(plot);
            line->point1->setCoords(r, 0);
            line->point2->setCoords(r, 1);
            line->setPen(QPen(palette().text().color(), 1, Qt::DotLine));
        }
    }
    plot->replot();
}

void ExplainCharts::drawRegion() {
    QCustomPlot* plot = m_regionPlot;
    clearPlot(plot);
    const int series = m_region->columnCount();
    const QColor text = palette().text().color();
    if (series > 0) {
        QSharedPointer<QCPAxisTickerText> labels(new QCPAxisTickerText);
        bool anyValue = false;
        for (int c = 0; c < series; ++c) {
            const QVariant v = m_region->data(m_region->index(0, c));
            anyValue = anyValue || v.isValid();
            const double x = c + 1, y = v.toDouble();
            const QColor colour = seriesColour(m_region, c);
            labels->addTick(x, m_region->headerData(c, Qt::Horizontal).toString());
            auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
            bars->setWidth(0.6);
            bars->setName(m_region->headerData(c, Qt::Horizontal).toString());
            bars->setData(QVector<double>{x}, QVector<double>{y}, true);
            bars->setPen(QPen(colour));
            bars->setBrush(QColor(colour.red(), colour.green(), colour.blue(), 150));
            if (v.isValid()) {
                auto* t = new QCPItemText(plot);
                t->position->setCoords(x, std::min(0.92, y + 0.1));
                t->setText(QString::number(y, 'f', 3));
                t->setColor(text);
            }
        }
        plot->xAxis->setTicker(labels);
        plot->xAxis->setRange(0.4, series + 0.6);
        plot->yAxis->setRange(0, 1);
        const QVariant area = m_region->data(m_region->index(1, 0));
        if (area.isValid()) {
            // The share an even map gives (the region's area) as a reference line.
            auto* ref = new QCPItemStraightLine(plot);
            ref->point1->setCoords(0, area.toDouble());
            ref->point2->setCoords(1, area.toDouble());
            ref->setPen(QPen(text, 1, Qt::DashLine));
        }
        if (!anyValue) addNote(plot, tr("Shift-drag on a map\nto draw a region"), 0.4, text);
    }
    plot->replot();
}

}  // namespace diffclip::ui
