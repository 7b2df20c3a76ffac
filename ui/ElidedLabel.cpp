#include "ElidedLabel.h"

#include <QFontMetrics>

namespace diffclip::ui {

ElidedLabel::ElidedLabel(QWidget* parent) : QLabel(parent) {
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void ElidedLabel::setFullText(const QString& text) {
    m_text = text;
    setToolTip(text);
    elide();
    updateGeometry();
}

QSize ElidedLabel::minimumSizeHint() const { return QSize(0, QLabel::minimumSizeHint().height()); }

QSize ElidedLabel::sizeHint() const {
    return QSize(fontMetrics().horizontalAdvance(m_text) + 2 * margin(), QLabel::sizeHint().height());
}

void ElidedLabel::resizeEvent(QResizeEvent* event) {
    QLabel::resizeEvent(event);
    elide();
}

void ElidedLabel::elide() {
    QLabel::setText(fontMetrics().elidedText(m_text, Qt::ElideMiddle, contentsRect().width()));
}

}  // namespace diffclip::ui
