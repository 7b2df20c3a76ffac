#pragma once
// A layout that places its items left to right at their size hints and wraps to a new row
// when the width runs out, so a bar of controls stays whole in a narrow window instead of
// forcing it wider. Height follows width (heightForWidth). Items are not stretched; keep a
// label and its control together by putting both in one small widget. GUI thread only.

#include <QLayout>
#include <QList>

namespace diffclip::ui {

class FlowLayout : public QLayout {
public:
    explicit FlowLayout(QWidget* parent = nullptr);
    ~FlowLayout() override;

    void addItem(QLayoutItem* item) override;
    int count() const override { return int(m_items.size()); }
    QLayoutItem* itemAt(int index) const override { return m_items.value(index); }
    QLayoutItem* takeAt(int index) override;
    Qt::Orientations expandingDirections() const override { return {}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    void setGeometry(const QRect& rect) override;
    /// The widest item (plus margins): the narrowest the bar can be.
    QSize minimumSize() const override;
    /// All items on one row.
    QSize sizeHint() const override;

private:
    int arrange(const QRect& rect, bool apply) const;
    int gap(Qt::Orientation o) const;

    QList<QLayoutItem*> m_items;
};

}  // namespace diffclip::ui
