#include "StatusLine.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

#include "Controls.h"
namespace diffclip::ui {

StatusLine::StatusLine(QWidget* parent) : QWidget(parent) {
    m_text = makeSelectableLabel(this, QStringLiteral("statusText"));
    m_undo = new QToolButton(this);
    m_undo->setObjectName(QStringLiteral("statusUndo"));
    m_undo->setText(tr("Undo"));
    connect(m_undo, &QToolButton::clicked, this, &StatusLine::undoRequested);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_undo);
    clear();
}

void StatusLine::say(int topic, const QString& text, const QString& undoTip) {
    m_topic = topic;
    m_text->setText(text);
    m_text->setVisible(!text.isEmpty());
    m_undo->setVisible(!undoTip.isEmpty());
    m_undo->setToolTip(undoTip);
    m_undo->setAccessibleName(undoTip);
}

void StatusLine::unsay(int topic) {
    if (topic == m_topic) clear();
}

void StatusLine::clear() { say(0, QString()); }

QString StatusLine::text() const { return m_text->text(); }

void StatusLine::setUndoEnabled(bool enabled) { m_undo->setEnabled(enabled); }

}  // namespace diffclip::ui
