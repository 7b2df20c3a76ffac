#pragma once
// The Explain page's two map panes side by side: each an ExplainView with its title above and
// its numbers below, the colour bar at the right. Zoom and pan are linked; hovering reports
// the normalised crop position, shift-drag a drawn region. GUI thread only.

#include <QRectF>
#include <QWidget>
#include <functional>
#include <memory>
#include <optional>

class QLabel;

namespace diffclip::explain {
struct ExplainResult;
struct RenderedPanes;
}  // namespace diffclip::explain

namespace diffclip::ui {

class ExplainView;

class ExplainPanes : public QWidget {
    Q_OBJECT

public:
    explicit ExplainPanes(QWidget* parent = nullptr);

    /// Shows `rendered` with the titles and numbers of `result` (kept for the values under the
    /// cursor), the region (normalised crop coordinates; empty: none) outlined, and
    /// `regionShare(pane)` in the numbers.
    void show(std::shared_ptr<const explain::ExplainResult> result, const explain::RenderedPanes& rendered,
              const QRectF& region, const std::function<std::optional<double>(int)>& regionShare);
    /// Shows nothing: no maps, titles, numbers or colour bar.
    void clear();
    /// Only the region outline (when the maps stay).
    void setRegion(const QRectF& region);
    void setColourBarToolTip(const QString& text);

    ExplainView* view(int pane) const { return pane == 0 || pane == 1 ? m_views[pane] : nullptr; }
    QString title(int pane) const;
    QString numbers(int pane) const;
    /// The map value of `pane` at normalised crop coordinates (nullopt outside or without maps).
    std::optional<double> valueAt(int pane, const QPointF& normalised) const;

Q_SIGNALS:
    /// The values of both maps at the patch under the cursor, in words.
    void valueHovered(const QString& text);
    /// A region was drawn (normalised crop coordinates, clipped to 0..1); empty: a click.
    void regionDrawn(const QRectF& normalised);

private:
    void hover(int pane, const QPointF& normalised);

    std::shared_ptr<const explain::ExplainResult> m_result;
    ExplainView* m_views[2] = {nullptr, nullptr};
    QLabel* m_titles[2] = {nullptr, nullptr};
    QLabel* m_numbers[2] = {nullptr, nullptr};
    QLabel* m_colourBar = nullptr;
};

}  // namespace diffclip::ui
