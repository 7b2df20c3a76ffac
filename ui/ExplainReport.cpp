#include "ExplainReport.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QFontMetrics>
#include <QLocale>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <algorithm>

#include "ExplainText.h"
#include "diffclip/explain/ExplainSession.h"

namespace diffclip::ui {

namespace ex = diffclip::explain;

QImage toQImage(const RgbImage8& img) {
    if (img.width <= 0 || img.height <= 0 || img.pixels.size() < size_t(img.width) * size_t(img.height) * 3)
        return {};
    return QImage(img.pixels.data(), img.width, img.height, img.width * 3, QImage::Format_RGB888).copy();
}

ExplainFigure ExplainReport::figure(const ex::ExplainResult& result, const ex::RenderedPanes& rendered,
                                    const QRectF& region) {
    ExplainFigure out;
    if (result.panes.size() < 2 || rendered.overlays.size() < 2) return out;
    // The photo as the model saw it, at the panes' size (an overlay without colour).
    ex::OverlayOptions plain;
    plain.opacity = 0;
    plain.displaySize = rendered.overlays[0].width;
    auto photo = ex::renderOverlay(result.panes[0].crop, result.panes[0].map, result.scale, plain);
    if (!photo) return out;
    QImage images[3] = {toQImage(*photo), {}, {}};
    for (int i = 0; i < 2; ++i) {
        RgbImage8 map = rendered.overlays[size_t(i)];
        if (!region.isEmpty()) ex::drawRegionOutline(map, region.left(), region.top(), region.right(), region.bottom());
        images[i + 1] = toQImage(map);
    }
    const QImage bar = toQImage(rendered.colourBar);
    const QString titles[3] = {QFileInfo(QString::fromStdString(result.request.photoPath)).fileName(),
                               ExplainText::paneTitle(result, 0), ExplainText::paneTitle(result, 1)};
    const QString caption = ExplainText::caption(result);

    QFont titleFont;
    titleFont.setPixelSize(13);
    QFont captionFont;
    captionFont.setPixelSize(12);
    const QFontMetrics tm(titleFont), cm(captionFont);
    const int margin = 10, h = images[0].height();
    // Titles wrap (at most three lines) rather than lose their end.
    int titleBand = tm.height();
    for (int i = 0; i < 3; ++i)
        titleBand = std::max(titleBand, std::min(3 * tm.lineSpacing(),
                                                 tm.boundingRect(QRect(0, 0, images[i].width(), 1000), Qt::TextWordWrap, titles[i]).height()));
    titleBand += 8;
    int width = margin;
    for (const QImage& img : images) width += img.width() + margin;
    width += bar.width() + margin;
    const int captionWidth = width - 2 * margin;
    const int captionHeight = cm.boundingRect(QRect(0, 0, captionWidth, 10000), Qt::TextWordWrap, caption).height();
    const int body = std::max(h, bar.height());
    out.image = QImage(width, margin + titleBand + body + 6 + captionHeight + margin, QImage::Format_RGB32);
    out.image.fill(Qt::white);
    QPainter p(&out.image);
    p.setPen(Qt::black);
    int x = margin;
    const int y = margin + titleBand;
    for (int i = 0; i < 3; ++i) {
        p.drawImage(QPoint(x, y), images[i]);
        out.panes[i] = QRect(x, y, images[i].width(), images[i].height());
        p.setFont(titleFont);
        p.drawText(QRect(x, margin, images[i].width(), titleBand - 6), Qt::AlignLeft | Qt::AlignBottom | Qt::TextWordWrap,
                   titles[i]);
        x += images[i].width() + margin;
    }
    p.drawImage(QPoint(x, y), bar);
    p.setFont(captionFont);
    p.drawText(QRect(margin, y + body + 6, captionWidth, captionHeight), Qt::TextWordWrap, caption);
    return out;
}

bool ExplainReport::writePng(const QString& path, const ExplainFigure& figure) {
    return !figure.image.isNull() && figure.image.save(path, "PNG");
}

QStringList ExplainReport::settingsLines(const ExplainReportInputs& in) {
    const ex::ExplainResult& result = *in.result;
    const ex::ExplainRequest& r = result.request;
    QStringList lines;
    lines << tr("Photo: %1").arg(QDir::cleanPath(QFileInfo(QString::fromStdString(r.photoPath)).absoluteFilePath()));
    lines << tr("Comparison: %1").arg(ExplainText::modeName(r.mode));
    for (int i = 0; i < int(result.panes.size()); ++i)
        lines << tr("Pane %1: %2 (%3)")
                     .arg(i + 1)
                     .arg(ExplainText::paneTitle(result, i),
                          QDir::cleanPath(QString::fromStdString(result.panes[size_t(i)].model.spec)));
    QStringList method{ExplainText::methodName(r.method)};
    if (r.method == ex::MapMethod::Similarity) method << tr("the layer does not apply (final tokens)");
    else method << tr("layer %1").arg(ExplainText::shownLayer(result));
    if (r.method == ex::MapMethod::Attention || r.method == ex::MapMethod::Rollout) method << ExplainText::headName(r.head);
    method << tr("opacity %1").arg(in.opacity, 0, 'f', 2);
    lines << tr("Method: %1").arg(method.join(QStringLiteral(" · ")));
    if (r.query.kind != ex::ExplainQuery::Kind::None) lines << tr("Query: %1").arg(QString::fromStdString(r.query.value));
    if (!in.region.isEmpty())
        lines << tr("Region (crop fraction): x %1–%2, y %3–%4")
                     .arg(in.region.left(), 0, 'f', 3)
                     .arg(in.region.right(), 0, 'f', 3)
                     .arg(in.region.top(), 0, 'f', 3)
                     .arg(in.region.bottom(), 0, 'f', 3);
    return lines;
}

void ExplainReport::paint(QPainter& p, const QRect& page, QPaintDevice* device, const ExplainReportInputs& in) {
    p.fillRect(page, Qt::white);
    p.setPen(Qt::black);
    const int margin = 60;
    int y = margin;
    const int width = page.width() - 2 * margin;
    QFont title = p.font();
    title.setPointSize(16);
    title.setBold(true);
    p.setFont(title);
    p.drawText(QRect(margin, y, width, 60), Qt::AlignLeft | Qt::AlignVCenter, tr("Explain report"));
    y += 70;
    QFont body = p.font();
    body.setPointSize(9);
    body.setBold(false);
    p.setFont(body);
    const QFontMetrics fm(body, device);
    auto paragraph = [&](const QString& text) {
        const QRect br = fm.boundingRect(QRect(margin, y, width, 1000), Qt::TextWordWrap, text);
        p.drawText(QRect(margin, y, width, br.height()), Qt::TextWordWrap, text);
        y += br.height() + 6;
    };
    for (const QString& line : settingsLines(in)) paragraph(line);
    y += 10;
    const ExplainFigure fig = figure(*in.result, *in.rendered, in.region);
    if (!fig.image.isNull()) {
        const QSize s = fig.image.size().scaled(width, page.height() / 2, Qt::KeepAspectRatio);
        p.drawImage(QRect(margin, y, s.width(), s.height()), fig.image);
        y += s.height() + 20;
    }
    for (int i = 0; i < 2; ++i) paragraph(tr("%1: %2").arg(ExplainText::paneTitle(*in.result, i), in.numbers[i]));
    y += 10;
    const int chartW = (width - 20) / 3;
    const int chartH = std::min(page.height() - y - margin, chartW * 3 / 4);
    if (chartH > 40) {
        int x = margin;
        for (const QImage& chart : in.charts) {
            if (!chart.isNull()) p.drawImage(QRect(x, y, chartW, chartH), chart);
            x += chartW + 10;
        }
    }
    QFont small = body;
    small.setPointSize(7);
    p.setFont(small);
    p.setPen(Qt::darkGray);
    p.drawText(QRect(margin, page.height() - margin, width, margin / 2), Qt::AlignLeft | Qt::AlignVCenter,
               tr("DiffCLIP Studio %1 · %2")
                   .arg(QStringLiteral(DIFFCLIP_VERSION),
                        QLocale().toString(QDateTime::currentDateTime(), QLocale::ShortFormat)));
}

bool ExplainReport::writePdf(const QString& path, const ExplainReportInputs& inputs) {
    if (!inputs.result || !inputs.rendered) return false;
    QPdfWriter pdf(path);
    pdf.setPageSize(QPageSize(QPageSize::A4));
    pdf.setResolution(150);
    pdf.setTitle(tr("DiffCLIP Studio explain report"));
    pdf.setCreator(QStringLiteral("DiffCLIP Studio"));
    QPainter p;
    if (!p.begin(&pdf)) return false;
    paint(p, p.viewport(), &pdf, inputs);
    p.end();
    return QFileInfo(path).size() > 0;
}

QImage ExplainReport::preview(int width, const ExplainReportInputs& inputs) {
    if (!inputs.result || !inputs.rendered || width <= 0) return {};
    QImage img(width, width * 297 / 210, QImage::Format_RGB32);
    // The PDF's 150 dpi, so text has the same size relative to the page.
    img.setDotsPerMeterX(5906);
    img.setDotsPerMeterY(5906);
    img.fill(Qt::white);
    QPainter p(&img);
    paint(p, img.rect(), &img, inputs);
    return img;
}

}  // namespace diffclip::ui
