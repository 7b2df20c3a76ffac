#include "ElidedText.h"

#include <QStyle>
#include <QStyleOptionFrame>
#include <algorithm>

namespace diffclip::ui {

namespace {

// Elided in the middle, but a path keeps its last part whole ("/work/…/scratches_1.jpg"):
// the file name is what tells photos apart.
QString elide(const QFontMetrics& fm, const QString& text, int width) {
    if (fm.horizontalAdvance(text) <= width) return text;
    const int slash = text.lastIndexOf(QLatin1Char('/'));
    const QString dots = QStringLiteral("…");
    if (slash > 0 && fm.horizontalAdvance(dots + text.mid(slash)) <= width) {
        const QString name = text.mid(slash);
        int lo = 0, hi = slash;  // the longest start of the folder that still fits
        while (lo < hi) {
            const int mid = (lo + hi + 1) / 2;
            if (fm.horizontalAdvance(text.left(mid) + dots + name) <= width) lo = mid;
            else hi = mid - 1;
        }
        return text.left(lo) + dots + name;
    }
    return fm.elidedText(text, Qt::ElideMiddle, width);
}

}  // namespace

ElidedLabel::ElidedLabel(QWidget* parent) : QLabel(parent) {
    setTextFormat(Qt::PlainText);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void ElidedLabel::setFullText(const QString& text) {
    // The tooltip follows the text unless the caller set one of its own.
    if (toolTip().isEmpty() || toolTip() == m_full) setToolTip(text);
    m_full = text;
    refresh();
    updateGeometry();
}

void ElidedLabel::setPreferredWidth(int pixels) {
    m_preferred = pixels;
    updateGeometry();
}

QSize ElidedLabel::sizeHint() const {
    const int full = fontMetrics().horizontalAdvance(m_full) + 2 * margin() + 4;
    return QSize(m_preferred > 0 ? std::min(full, m_preferred) : full, QLabel::sizeHint().height());
}

QSize ElidedLabel::minimumSizeHint() const {
    // Room for a few characters and the ellipsis; the rest is elided.
    return QSize(std::min(sizeHint().width(), fontMetrics().averageCharWidth() * 8), QLabel::minimumSizeHint().height());
}

void ElidedLabel::resizeEvent(QResizeEvent* event) {
    QLabel::resizeEvent(event);
    refresh();
}

void ElidedLabel::refresh() {
    const int room = std::max(0, contentsRect().width() - 2 * margin());
    const QString shown = elide(fontMetrics(), m_full, room);
    if (shown != text()) setText(shown);
}

ElidedLineEdit::ElidedLineEdit(QWidget* parent) : QLineEdit(parent) {
    connect(this, &QLineEdit::textEdited, this, [this](const QString& text) {
        m_full = text;
        setToolTip(m_full);
        // The clear button edits without focus and without editingFinished.
        if (!hasFocus()) {
            refresh();
            Q_EMIT editingFinished();
        }
    });
}

void ElidedLineEdit::setFullText(const QString& text) {
    m_full = text;
    setToolTip(text);
    if (hasFocus()) setText(text);
    else refresh();
}

void ElidedLineEdit::setPreferredCharacters(int characters) {
    m_characters = characters;
    updateGeometry();
}

QSize ElidedLineEdit::sizeHint() const {
    QSize s = QLineEdit::sizeHint();
    s.setWidth(std::max(s.width(), fontMetrics().averageCharWidth() * m_characters));
    return s;
}

void ElidedLineEdit::focusInEvent(QFocusEvent* event) {
    if (text() != m_full) setText(m_full);
    QLineEdit::focusInEvent(event);
}

void ElidedLineEdit::focusOutEvent(QFocusEvent* event) {
    // editingFinished (emitted by the base) must see the full text.
    QLineEdit::focusOutEvent(event);
    refresh();
}

void ElidedLineEdit::resizeEvent(QResizeEvent* event) {
    QLineEdit::resizeEvent(event);
    if (!hasFocus()) refresh();
}

void ElidedLineEdit::refresh() {
    if (hasFocus()) return;
    QStyleOptionFrame option;
    initStyleOption(&option);
    // The text area: the frame, the text margins (2 px a side inside QLineEdit, a character to
    // spare) and the clear button (a small icon and its margins) taken off.
    const QRect area = style()->subElementRect(QStyle::SE_LineEditContents, &option, this);
    const QMargins m = textMargins();
    int room = area.width() - m.left() - m.right() - 4 - fontMetrics().averageCharWidth();
    if (isClearButtonEnabled() && !m_full.isEmpty())
        room -= style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this) + 10;
    const QString shown = elide(fontMetrics(), m_full, std::max(0, room));
    if (shown != text()) setText(shown);
}

}  // namespace diffclip::ui
