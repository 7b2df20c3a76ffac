#include "ConfusionMatrixView.h"
#include "StdText.h"

#include <QEvent>
#include <QFontMetrics>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace diffclip::ui {

namespace {

// Relative luminance (sRGB, WCAG) to choose dark or light text on a cell.
double luminance(const QColor& c) {
    auto lin = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF());
}

constexpr int kMaxLabelChars = 18;

QString shortLabel(const QString& s) { return s.size() > kMaxLabelChars ? s.left(kMaxLabelChars - 1) + QChar(0x2026) : s; }

}  // namespace

ConfusionMatrixView::ConfusionMatrixView(QWidget* parent) : QWidget(parent) {
    setAccessibleName(tr("Confusion matrix"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ConfusionMatrixView::setMatrix(const QStringList& classes, const std::vector<std::vector<qint64>>& counts) {
    bool square = counts.size() == size_t(classes.size());
    for (const auto& row : counts) square = square && row.size() == counts.size();
    if (!square || classes.isEmpty()) {
        clear();
        return;
    }
    m_classes = classes;
    m_counts = counts;
    setAccessibleDescription(tr("%n classes, rows are the true class, columns the predicted class", nullptr,
                                int(classes.size())));
    updateGeometry();
    update();
}

void ConfusionMatrixView::clear() {
    m_classes.clear();
    m_counts.clear();
    setAccessibleDescription(QString());
    updateGeometry();
    update();
}

qint64 ConfusionMatrixView::count(int trueClass, int predicted) const {
    if (trueClass < 0 || predicted < 0 || trueClass >= classCount() || predicted >= classCount()) return 0;
    return m_counts[size_t(trueClass)][size_t(predicted)];
}

qint64 ConfusionMatrixView::total() const {
    qint64 t = 0;
    for (const auto& row : m_counts)
        for (qint64 v : row) t += v;
    return t;
}

QSize ConfusionMatrixView::sizeHint() const {
    const QFontMetrics fm(font());
    const int cell = fm.height() * 2;
    const int n = std::max(2, classCount());
    const int label = fm.horizontalAdvance(QString(kMaxLabelChars / 2, QLatin1Char('m')));
    return {label + cell * n + fm.height() * 2, label + cell * n + fm.height() * 2};
}

QSize ConfusionMatrixView::minimumSizeHint() const {
    const QFontMetrics fm(font());
    return {fm.height() * 12, fm.height() * 10};
}

void ConfusionMatrixView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) update();
    QWidget::changeEvent(event);
}

void ConfusionMatrixView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.base());
    const QFontMetrics fm(font());
    if (m_classes.isEmpty()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, tr("The confusion matrix appears when training ends."));
        return;
    }
    const int n = classCount();
    int labelW = 0;
    for (const QString& c : m_classes) labelW = std::max(labelW, fm.horizontalAdvance(shortLabel(c)));
    labelW += fm.averageCharWidth() * 2;
    const int axisH = fm.height() + 4;  // "predicted" / "true" captions
    // Column labels are drawn rotated, so they need labelW of height as well.
    const int left = axisH + labelW, top = axisH + labelW;
    const int cell = std::max(fm.height() + 4, std::min((width() - left - 4) / n, (height() - top - 4) / n));
    const QRect grid(left, top, cell * n, cell * n);

    p.setPen(pal.color(QPalette::Text));
    p.drawText(QRect(left, 0, grid.width(), axisH), Qt::AlignCenter, tr("predicted"));
    p.save();
    p.translate(0, top + grid.height() / 2);
    p.rotate(-90);
    p.drawText(QRect(-grid.height() / 2, 0, grid.height(), axisH), Qt::AlignCenter, tr("true"));
    p.restore();

    const QColor low = pal.color(QPalette::Base), high = pal.color(QPalette::Highlight);
    const QColor wrong = QColor(0xd0, 0x50, 0x40);  // off-diagonal mass in a warm tone
    for (int r = 0; r < n; ++r) {
        qint64 rowSum = 0;
        for (qint64 v : m_counts[size_t(r)]) rowSum += v;
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QRect(axisH, top + r * cell, labelW - fm.averageCharWidth(), cell), Qt::AlignRight | Qt::AlignVCenter,
                   shortLabel(m_classes[r]));
        for (int c = 0; c < n; ++c) {
            const qint64 v = m_counts[size_t(r)][size_t(c)];
            const double share = rowSum > 0 ? double(v) / double(rowSum) : 0.0;
            const QColor fill = mix(low, r == c ? high : wrong, v > 0 ? 0.15 + 0.85 * share : 0.0);
            const QRect cellRect(left + c * cell, top + r * cell, cell, cell);
            p.fillRect(cellRect, fill);
            p.setPen(luminance(fill) > 0.4 ? QColor(Qt::black) : QColor(Qt::white));
            if (cell >= fm.height()) p.drawText(cellRect, Qt::AlignCenter, QString::number(v));
        }
    }
    // Column labels, rotated to fit narrow cells.
    p.setPen(pal.color(QPalette::Text));
    for (int c = 0; c < n; ++c) {
        p.save();
        p.translate(left + c * cell + cell / 2 + fm.ascent() / 2, top - fm.averageCharWidth());
        p.rotate(-90);
        p.drawText(QPoint(0, 0), shortLabel(m_classes[c]));
        p.restore();
    }
    p.setPen(pal.color(QPalette::Mid));
    p.drawRect(grid.adjusted(0, 0, -1, -1));
}

}  // namespace diffclip::ui
