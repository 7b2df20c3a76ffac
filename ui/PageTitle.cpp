#include "PageTitle.h"

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

}  // namespace diffclip::ui
