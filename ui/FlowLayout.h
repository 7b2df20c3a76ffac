#pragma once
// A layout that places its items left to right and starts a new row where the next one does
// not fit, so that a row of buttons or filters wraps in a narrow window instead of making the
// window wider (the flow layout of Qt's examples, reduced). Items keep their size hints; a row
// is as tall as its tallest item. Put widgets that belong together (a label and its field) in
// one container widget so that they wrap as one. GUI thread only.

#include <QLayout>
#include <QList>

namespace diffclip::ui {

class FlowLayout : public QLayout {
public:
    /// Spacing between items in pixels; -1: the style's layout spacing.
    explicit FlowLayout(QWidget* parent = nullptr, int horizontalSpacing = -1, int verticalSpacing = -1);
    ~FlowLayout() override;

    void addItem(QLayoutItem* item) override;
    int count() const override;
    QLayoutItem* itemAt(int index) const override;
    QLayoutItem* takeAt(int index) override;
    Qt::Orientations expandingDirections() const override;
    bool hasHeightForWidth() const override;
    int heightForWidth(int width) const override;
    /// As wide as the widest item: everything narrower wraps.
    QSize minimumSize() const override;
    /// All items in one row.
    QSize sizeHint() const override;
    void setGeometry(const QRect& rect) override;

private:
    /// Places the items in `rect` (or only measures, with `apply` false); returns the height used.
    int arrange(const QRect& rect, bool apply) const;
    int gap(Qt::Orientation orientation) const;

    QList<QLayoutItem*> m_items;
    int m_horizontalSpacing;
    int m_verticalSpacing;
};

}  // namespace diffclip::ui
