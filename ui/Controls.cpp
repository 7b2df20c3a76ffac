#include "Controls.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace diffclip::ui {

QPushButton* makeButton(const QString& text, const QString& accessibleName, QWidget* parent, const QString& toolTip) {
    auto* button = new QPushButton(text, parent);
    button->setAccessibleName(accessibleName);
    if (!toolTip.isEmpty()) button->setToolTip(toolTip);
    return button;
}

QLabel* makeBuddyLabel(const QString& text, QWidget* buddy, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    label->setBuddy(buddy);
    return label;
}

QWidget* makeGroup(QWidget* parent, std::initializer_list<QWidget*> widgets, int spacing) {
    auto* group = new QWidget(parent);
    auto* row = new QHBoxLayout(group);
    row->setContentsMargins(0, 0, 0, 0);
    if (spacing >= 0) row->setSpacing(spacing);
    for (QWidget* w : widgets) row->addWidget(w);
    return group;
}

QHBoxLayout* makeButtonRow(std::initializer_list<QWidget*> buttons) {
    auto* row = new QHBoxLayout;
    for (QWidget* b : buttons) row->addWidget(b);
    row->addStretch(1);
    return row;
}

QDialogButtonBox* makeOkCancelButtons(QDialog* dialog, const QString& okText) {
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(okText);
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    return buttons;
}

QLabel* makeSelectableLabel(QWidget* parent, const QString& objectName) {
    auto* label = new QLabel(parent);
    if (!objectName.isEmpty()) label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

void setBold(QWidget* widget) {
    QFont f = widget->font();
    f.setBold(true);
    widget->setFont(f);
}

}  // namespace diffclip::ui
