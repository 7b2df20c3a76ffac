#include "ExplainPanes.h"

#include <QGridLayout>
#include <QLabel>
#include <QScrollBar>
#include <algorithm>

#include "Controls.h"
#include "ExplainReport.h"
#include "ExplainText.h"
#include "ExplainView.h"
#include "diffclip/explain/ExplainSession.h"

namespace diffclip::ui {

namespace ex = diffclip::explain;

ExplainPanes::ExplainPanes(QWidget* parent) : QWidget(parent) {
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    for (int i = 0; i < 2; ++i) {
        m_titles[i] = new QLabel(this);
        m_titles[i]->setAlignment(Qt::AlignCenter);
        m_titles[i]->setWordWrap(true);
        setBold(m_titles[i]);
        m_views[i] = new ExplainView(this);
        m_views[i]->setAccessibleName(i == 0 ? tr("Left map") : tr("Right map"));
        m_views[i]->setToolTip(tr("Wheel or +/− to zoom, drag to pan, 0 to fit, shift-drag to draw a region"));
        m_numbers[i] = new QLabel(this);
        m_numbers[i]->setWordWrap(true);
        m_numbers[i]->setMinimumHeight(2 * m_numbers[i]->fontMetrics().lineSpacing() + 4);
        m_numbers[i]->setAlignment(Qt::AlignTop | Qt::AlignLeft);
        m_numbers[i]->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_numbers[i]->setAccessibleName(i == 0 ? tr("Left map numbers") : tr("Right map numbers"));
        grid->addWidget(m_titles[i], 0, i);
        grid->addWidget(m_views[i], 1, i);
        grid->addWidget(m_numbers[i], 2, i);
        grid->setColumnStretch(i, 1);
    }
    m_colourBar = new QLabel(this);
    m_colourBar->setAccessibleName(tr("Colour bar"));
    m_colourBar->setAlignment(Qt::AlignCenter);
    m_colourBar->setMinimumWidth(60);
    grid->addWidget(m_colourBar, 1, 2);
    grid->setRowStretch(1, 1);

    for (int i = 0; i < 2; ++i) {
        ExplainView* self = m_views[i];
        ExplainView* other = m_views[1 - i];
        // Linked zoom and pan.
        self->onViewChanged = [self, other] {
            static bool syncing = false;
            if (syncing) return;
            syncing = true;
            other->setTransform(self->transform());
            other->horizontalScrollBar()->setValue(self->horizontalScrollBar()->value());
            other->verticalScrollBar()->setValue(self->verticalScrollBar()->value());
            syncing = false;
        };
        self->onHover = [this, i](const QPointF& p) {
            const QSizeF size = m_views[i]->imageSize();
            if (!size.isEmpty()) hover(i, QPointF(p.x() / size.width(), p.y() / size.height()));
        };
        self->onRegion = [this](const QRectF& r) {
            const QSizeF size = m_views[0]->imageSize();
            if (size.isEmpty() || r.width() < 2 || r.height() < 2) {
                Q_EMIT regionDrawn(QRectF());
                return;
            }
            const QRectF n(r.left() / size.width(), r.top() / size.height(), r.width() / size.width(),
                           r.height() / size.height());
            Q_EMIT regionDrawn(n.intersected(QRectF(0, 0, 1, 1)));
        };
    }
}

void ExplainPanes::show(std::shared_ptr<const ex::ExplainResult> shown, const ex::RenderedPanes& rendered,
                        const QRectF& region, const std::function<std::optional<double>(int)>& regionShare) {
    m_result = std::move(shown);
    const ex::ExplainResult& result = *m_result;
    for (int i = 0; i < 2 && i < int(rendered.overlays.size()) && i < int(result.panes.size()); ++i) {
        m_views[i]->setImage(toQImage(rendered.overlays[size_t(i)]));
        m_titles[i]->setText(ExplainText::paneTitle(result, i));
        m_titles[i]->setToolTip(QString::fromStdString(result.panes[size_t(i)].model.spec));
        const auto& p = result.panes[size_t(i)];
        const auto& s = p.summary;
        QString text = tr("Entropy %1 nats (%2 of max) · top-10% share %3")
                           .arg(s.entropy, 0, 'f', 3)
                           .arg(s.normalisedEntropy, 0, 'f', 2)
                           .arg(s.top10Share, 0, 'f', 3);
        if (p.map.isSigned) text += tr(" · positive share %1").arg(s.positiveShare, 0, 'f', 3);
        if (auto r = regionShare(i)) text += tr(" · region share %1").arg(*r, 0, 'f', 3);
        if (p.hasTarget) text += tr(" · similarity %1").arg(p.similarity, 0, 'f', 3);
        m_numbers[i]->setText(text);
    }
    setRegion(region);
    QImage bar = toQImage(rendered.colourBar);
    const int h = std::max(100, m_views[0]->viewport()->height());
    if (!bar.isNull() && bar.height() > h) bar = bar.scaledToHeight(h, Qt::SmoothTransformation);
    m_colourBar->setPixmap(QPixmap::fromImage(bar));
}

void ExplainPanes::clear() {
    m_result.reset();
    for (int i = 0; i < 2; ++i) {
        m_views[i]->clearImage();
        m_titles[i]->clear();
        m_titles[i]->setToolTip({});
        m_numbers[i]->clear();
    }
    m_colourBar->clear();
}

void ExplainPanes::setRegion(const QRectF& region) {
    for (ExplainView* v : m_views) {
        const QSizeF s = v->imageSize();
        v->setRegionRect(region.isEmpty() || s.isEmpty()
                             ? QRectF()
                             : QRectF(region.left() * s.width(), region.top() * s.height(), region.width() * s.width(),
                                      region.height() * s.height()));
    }
}

std::optional<double> ExplainPanes::valueAt(int pane, const QPointF& n) const {
    if (!m_result || pane < 0 || pane >= int(m_result->panes.size())) return std::nullopt;
    const auto& map = m_result->panes[size_t(pane)].map;
    if (map.empty() || n.x() < 0 || n.y() < 0 || n.x() >= 1 || n.y() >= 1) return std::nullopt;
    const int r = std::clamp(int(n.y() * map.rows), 0, map.rows - 1);
    const int c = std::clamp(int(n.x() * map.cols), 0, map.cols - 1);
    return map.values[size_t(r) * size_t(map.cols) + size_t(c)];
}

void ExplainPanes::hover(int pane, const QPointF& n) {
    const auto v = valueAt(pane, n);
    if (!v) return;
    const auto& map = m_result->panes[size_t(pane)].map;
    const int r = std::clamp(int(n.y() * map.rows), 0, map.rows - 1);
    const int c = std::clamp(int(n.x() * map.cols), 0, map.cols - 1);
    const double other = valueAt(1 - pane, n).value_or(0);
    Q_EMIT valueHovered(tr("Patch (row %1, column %2): left %3, right %4")
                            .arg(r)
                            .arg(c)
                            .arg(pane == 0 ? *v : other, 0, 'g', 4)
                            .arg(pane == 1 ? *v : other, 0, 'g', 4));
}

void ExplainPanes::setColourBarToolTip(const QString& text) { m_colourBar->setToolTip(text); }

QString ExplainPanes::title(int pane) const { return pane == 0 || pane == 1 ? m_titles[pane]->text() : QString(); }
QString ExplainPanes::numbers(int pane) const { return pane == 0 || pane == 1 ? m_numbers[pane]->text() : QString(); }

}  // namespace diffclip::ui
