#include "ErrorBanner.h"
#include "StdText.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include "Controls.h"

namespace diffclip::ui {

QLabel* makeProblemLabel(const QString& objectName, QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: palette(highlight); font-weight: bold;"));
    label->hide();
    return label;
}

namespace {

const QColor kErrorRed(0xd9, 0x3b, 0x3b);

}  // namespace

ErrorBanner::ErrorBanner(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("errorBanner"));
    setAccessibleName(tr("Error message"));
    // Screen readers announce it like a message box.
    setAccessibleDescription(tr("Shows why the last action failed"));

    m_icon = new QLabel(this);
    m_icon->setAlignment(Qt::AlignTop);
    m_title = makeSelectableLabel(this, QStringLiteral("errorTitle"));
    m_title->setTextFormat(Qt::PlainText);
    setBold(m_title);
    m_reason = makeSelectableLabel(this, QStringLiteral("errorReason"));
    m_reason->setTextFormat(Qt::PlainText);
    m_details = makeSelectableLabel(this, QStringLiteral("errorDetails"));
    m_details->setTextFormat(Qt::PlainText);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_details->setAccessibleName(tr("Error details"));

    m_dismiss = new QToolButton(this);
    m_dismiss->setText(tr("Dismiss"));
    m_dismiss->setToolTip(tr("Hide this message"));
    m_dismiss->setAccessibleName(tr("Dismiss error message"));
    m_dismiss->setAutoRaise(true);
    connect(m_dismiss, &QToolButton::clicked, this, &ErrorBanner::clear);

    auto* text = new QVBoxLayout;
    text->addWidget(m_title);
    text->addWidget(m_reason);
    text->addWidget(m_details);
    auto* row = new QHBoxLayout(this);
    row->addWidget(m_icon, 0, Qt::AlignTop);
    row->addLayout(text, 1);
    row->addWidget(m_dismiss, 0, Qt::AlignTop);
    updateIcon();
    hide();
}

void ErrorBanner::showError(const QString& title, const QString& reason, const QString& details) {
    m_title->setText(title);
    m_reason->setText(reason);
    m_details->setText(details.isEmpty() ? QString() : tr("Details: %1").arg(details));
    m_details->setVisible(!details.isEmpty());
    setAccessibleDescription(title + QLatin1Char('\n') + reason);
    show();
}

void ErrorBanner::clear() {
    hide();
    m_title->clear();
    m_reason->clear();
    m_details->clear();
}

QString ErrorBanner::title() const { return m_title->text(); }
QString ErrorBanner::reason() const { return m_reason->text(); }
QString ErrorBanner::details() const { return m_details->text(); }

void ErrorBanner::paintEvent(QPaintEvent* event) {
    // A tint of red over the window colour reads as "error" on light and dark palettes alike.
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor window = palette().color(QPalette::Window);
    const qreal radius = fontMetrics().height() / 3.0;
    p.setPen(QPen(mix(window, kErrorRed, 0.7), 1));
    p.setBrush(mix(window, kErrorRed, 0.14));
    p.drawRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius);
    QFrame::paintEvent(event);
}

void ErrorBanner::changeEvent(QEvent* event) {
    if (event->type() == QEvent::StyleChange) updateIcon();
    QFrame::changeEvent(event);
}

void ErrorBanner::updateIcon() {
    const int size = style()->pixelMetric(QStyle::PM_MessageBoxIconSize, nullptr, this);
    const QIcon icon = style()->standardIcon(QStyle::SP_MessageBoxCritical, nullptr, this);
    m_icon->setPixmap(icon.pixmap(QSize(size, size), devicePixelRatioF()));
}

}  // namespace diffclip::ui
