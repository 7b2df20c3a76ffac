#include "BusyRow.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

namespace diffclip::ui {

BusyRow::BusyRow(const QString& barName, int barChars, QWidget* parent) : QWidget(parent) {
    auto* bar = new QProgressBar(this);
    bar->setRange(0, 0);
    bar->setTextVisible(false);
    bar->setAccessibleName(barName);
    bar->setMaximumWidth(fontMetrics().averageCharWidth() * barChars);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("busyLabel"));
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(bar);
    row->addWidget(m_text, 1);
    hide();
}

void BusyRow::say(const QString& text) {
    m_text->setText(text);
    setVisible(!text.isEmpty());
}

}  // namespace diffclip::ui
