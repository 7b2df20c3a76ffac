#pragma once
// What the QCustomPlot charts of the Explain and Training pages share: a bold title over the
// plot, and axes, ticks, labels and title in the palette's text colour on its base colour (so
// the charts follow the light and dark themes). GUI thread only.

#include <QString>

class QCustomPlot;
class QPalette;
class QWidget;

namespace diffclip::ui {

/// A new chart owned by `parent`, titled `title` in `parent`'s font, bold; `accessibleName`
/// for screen readers; at least `minimumHeight` pixels high.
QCustomPlot* makeTitledChart(QWidget* parent, const QString& title, const QString& accessibleName, int minimumHeight);

/// Colours a chart made by makeTitledChart() with `palette`: base background; axes, ticks,
/// labels and title in the text colour.
void applyChartPalette(QCustomPlot* plot, const QPalette& palette);

}  // namespace diffclip::ui
