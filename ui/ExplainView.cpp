#include "ExplainView.h"

#include <QGraphicsPixmapItem>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>
#include <cmath>

namespace diffclip::ui {

ExplainView::ExplainView(QWidget* parent) : QGraphicsView(parent) {
    setScene(new QGraphicsScene(this));
    m_pixmap = scene()->addPixmap(QPixmap());
    m_pixmap->setTransformationMode(Qt::SmoothTransformation);
    m_region = scene()->addRect(QRectF(), QPen(Qt::white, 0, Qt::DashLine), QBrush(QColor(255, 255, 255, 40)));
    m_region->setZValue(2);
    m_region->setVisible(false);
    m_outline = scene()->addRect(QRectF(), QPen(Qt::black, 0));
    m_outline->setZValue(3);
    m_outline->setVisible(false);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setMouseTracking(true);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setRenderHint(QPainter::SmoothPixmapTransform);
    setMinimumSize(160, 160);
    setFocusPolicy(Qt::StrongFocus);
    setBackgroundBrush(palette().window());
}

void ExplainView::setImage(const QImage& image) {
    const bool first = m_pixmap->pixmap().isNull();
    m_pixmap->setPixmap(QPixmap::fromImage(image));
    scene()->setSceneRect(QRectF(QPointF(0, 0), QSizeF(image.size())));
    if (first) fitAll();
}

void ExplainView::clearImage() {
    m_pixmap->setPixmap(QPixmap());
    setRegionRect(QRectF());
}

QSizeF ExplainView::imageSize() const { return m_pixmap->pixmap().size(); }

void ExplainView::setRegionRect(const QRectF& sceneRect) {
    m_region->setRect(sceneRect);
    m_outline->setRect(sceneRect.adjusted(-1, -1, 1, 1));
    m_region->setVisible(!sceneRect.isEmpty());
    m_outline->setVisible(!sceneRect.isEmpty());
}

void ExplainView::fitAll() {
    if (!m_pixmap->pixmap().isNull()) fitInView(m_pixmap, Qt::KeepAspectRatio);
    changed();
}

void ExplainView::wheelEvent(QWheelEvent* e) {
    const double f = std::pow(1.0015, e->angleDelta().y());
    scale(f, f);
    changed();
    e->accept();
}

void ExplainView::keyPressEvent(QKeyEvent* e) {
    if (e->key() == Qt::Key_Plus || e->key() == Qt::Key_Equal) {
        scale(1.25, 1.25);
    } else if (e->key() == Qt::Key_Minus) {
        scale(0.8, 0.8);
    } else if (e->key() == Qt::Key_0) {
        fitAll();
        return;
    } else {
        QGraphicsView::keyPressEvent(e);
        return;
    }
    changed();
}

void ExplainView::resizeEvent(QResizeEvent* e) {
    QGraphicsView::resizeEvent(e);
    fitAll();
}

void ExplainView::mousePressEvent(QMouseEvent* e) {
    if (e->button() == Qt::LeftButton && (e->modifiers() & Qt::ShiftModifier)) {
        m_drawing = true;
        m_start = mapToScene(e->position().toPoint());
        setRegionRect(QRectF(m_start, m_start));
        e->accept();
        return;
    }
    QGraphicsView::mousePressEvent(e);
}

void ExplainView::mouseMoveEvent(QMouseEvent* e) {
    const QPointF p = mapToScene(e->position().toPoint());
    if (m_drawing) {
        setRegionRect(QRectF(m_start, p).normalized());
        e->accept();
    } else {
        QGraphicsView::mouseMoveEvent(e);
    }
    if (onHover) onHover(p);
}

void ExplainView::mouseReleaseEvent(QMouseEvent* e) {
    if (m_drawing && e->button() == Qt::LeftButton) {
        m_drawing = false;
        const QRectF r = QRectF(m_start, mapToScene(e->position().toPoint())).normalized();
        if (onRegion) onRegion(r);
        e->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(e);
}

void ExplainView::scrollContentsBy(int dx, int dy) {
    QGraphicsView::scrollContentsBy(dx, dy);
    changed();
}

}  // namespace diffclip::ui
