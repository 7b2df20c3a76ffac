#pragma once
// The Explain page's exports, made in the UI so that every word in them is translated and the
// formula reads "A1 − λA2" (the core's own figure is drawn by OpenCV in ASCII for the command
// line):
// - the comparison figure: the photo as the model saw it, both map panes (the region, if any,
//   outlined on them by the core's drawRegionOutline), the colour bar with real values, a
//   title over each pane and the caption under them, on white;
// - the one-page A4 report (PDF, or an image of it): the settings, the figure, both panes'
//   numbers, the three charts, the program version and the date.
// Plain functions of their inputs; GUI thread (the charts are widgets).

#include <QCoreApplication>
#include <QImage>
#include <QRect>
#include <QRectF>
#include <QString>
#include <QStringList>

class QPainter;
class QPaintDevice;

namespace diffclip {
struct RgbImage8;
}
namespace diffclip::explain {
struct ExplainResult;
struct RenderedPanes;
}  // namespace diffclip::explain

namespace diffclip::ui {

/// A deep copy of the core's RGB image (null when it is empty or malformed).
QImage toQImage(const RgbImage8& image);

struct ExplainFigure {
    QImage image;    // null when there is nothing to show
    QRect panes[3];  // where the photo, map pane 0 and map pane 1 lie in `image`
};

/// What the report shows besides the result: all borrowed for the call.
struct ExplainReportInputs {
    const explain::ExplainResult* result = nullptr;
    const explain::RenderedPanes* rendered = nullptr;
    QRectF region;          // normalised crop coordinates; empty: none
    double opacity = 0.55;  // of the maps over the photo, 0..1
    QString numbers[2];     // the panes' numbers as the page shows them
    QImage charts[3];       // λ, entropy and region share charts
};

class ExplainReport {
    Q_DECLARE_TR_FUNCTIONS(ExplainReport)

public:
    /// The comparison figure of a result as drawn (`rendered`), with `region` outlined.
    static ExplainFigure figure(const explain::ExplainResult& result, const explain::RenderedPanes& rendered,
                                const QRectF& region);
    /// Writes the figure as PNG; false when it cannot be written.
    static bool writePng(const QString& path, const ExplainFigure& figure);
    /// Writes the report as a one-page A4 PDF at 150 dpi; false when it cannot be written.
    static bool writePdf(const QString& path, const ExplainReportInputs& inputs);
    /// The report page as an image `width` pixels wide (A4 proportions, text sized as in the PDF).
    static QImage preview(int width, const ExplainReportInputs& inputs);

private:
    static void paint(QPainter& painter, const QRect& page, QPaintDevice* device, const ExplainReportInputs& inputs);
    static QStringList settingsLines(const ExplainReportInputs& inputs);
};

}  // namespace diffclip::ui
