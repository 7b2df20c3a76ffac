#pragma once
// One map pane of the Explain page: the overlay in a QGraphicsView with wheel (or +/−) zoom,
// drag to pan, 0 to fit, shift-drag to draw a region, and the scene position under the
// cursor reported through callbacks. GUI thread only.

#include <QGraphicsView>
#include <QImage>
#include <functional>

class QGraphicsPixmapItem;
class QGraphicsRectItem;

namespace diffclip::ui {

class ExplainView : public QGraphicsView {
public:
    explicit ExplainView(QWidget* parent);

    /// Shows `image` (scene coordinates are its pixels); the first image after a clear is fitted.
    void setImage(const QImage& image);
    /// Shows nothing, and no region.
    void clearImage();
    QSizeF imageSize() const;
    /// The region in scene pixels; an empty rect hides it.
    void setRegionRect(const QRectF& sceneRect);
    void fitAll();

    std::function<void(const QPointF&)> onHover;    // scene position under the cursor
    std::function<void(const QRectF&)> onRegion;    // a region drawn, scene pixels
    std::function<void()> onViewChanged;            // zoom or scroll changed

protected:
    void wheelEvent(QWheelEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;
    void resizeEvent(QResizeEvent* e) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    void changed() {
        if (onViewChanged) onViewChanged();
    }

    QGraphicsPixmapItem* m_pixmap = nullptr;
    QGraphicsRectItem* m_region = nullptr;
    QGraphicsRectItem* m_outline = nullptr;
    bool m_drawing = false;
    QPointF m_start;
};

}  // namespace diffclip::ui
