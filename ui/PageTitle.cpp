#include "PageTitle.h"

#include <QHBoxLayout>
#include <QLabel>

namespace diffclip::ui {

QLabel* makePageTitle(const QString& text, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    QFont f = label->font();
    f.setPointSizeF(f.pointSizeF() * 1.6);
    f.setBold(true);
    label->setFont(f);
    label->setAccessibleName(text);
    return label;
}

QHBoxLayout* makePageHeader(const QString& title, QWidget* parent, std::initializer_list<QWidget*> actions) {
    auto* header = new QHBoxLayout;
    header->addWidget(makePageTitle(title, parent));
    header->addStretch(1);
    for (QWidget* w : actions) header->addWidget(w);
    return header;
}

}  // namespace diffclip::ui
