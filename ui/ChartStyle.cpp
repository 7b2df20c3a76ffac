#include "ChartStyle.h"

#include "QCustomPlotQt.h"

#include <QPalette>

namespace diffclip::ui {

QCustomPlot* makeTitledChart(QWidget* parent, const QString& title, const QString& accessibleName, int minimumHeight) {
    auto* p = new QCustomPlot(parent);
    p->setAccessibleName(accessibleName);
    p->setMinimumHeight(minimumHeight);
    p->plotLayout()->insertRow(0);
    const QFont font = parent->font();
    p->plotLayout()->addElement(0, 0, new QCPTextElement(p, title, QFont(font.family(), font.pointSize(), QFont::Bold)));
    return p;
}

void applyChartPalette(QCustomPlot* plot, const QPalette& palette) {
    const QColor text = palette.color(QPalette::Text);
    plot->setBackground(palette.base());
    for (QCPAxis* a : {plot->xAxis, plot->yAxis}) {
        a->setBasePen(QPen(text));
        a->setTickPen(QPen(text));
        a->setSubTickPen(QPen(text));
        a->setTickLabelColor(text);
        a->setLabelColor(text);
    }
    if (auto* t = qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0))) t->setTextColor(text);
}

}  // namespace diffclip::ui
