#pragma once
// The Library page's thumbnail grid: a QListView in icon mode over the filter proxy, sized from
// the font (DPI-safe), with extended selection and the labelling keys (1..9 pick the first nine
// classes, 0 clears) as shortcuts of the grid. GUI thread only.

#include <QListView>

#include <vector>

namespace diffclip::ui {

class LibraryFilterProxy;
class LibraryModel;

class PhotoGrid : public QListView {
    Q_OBJECT

public:
    static constexpr int kClassKeys = 9;

    /// Shows `proxy`, whose source is `model`; sets the model's thumbnail size. Neither is owned.
    PhotoGrid(LibraryModel* model, LibraryFilterProxy* proxy, QWidget* parent = nullptr);

    /// Image ids of the selected photos, ascending.
    std::vector<qint64> selectedIds() const;
    /// Selects the photos with these ids that the filters show (others are deselected); the
    /// first becomes the current one.
    void selectIds(const std::vector<qint64>& ids);
    /// Id of the current photo when it is selected, else of the first selected; 0: none.
    qint64 currentId() const;

Q_SIGNALS:
    /// Key 1..9 was pressed: `index` 0..8 of the class list.
    void classKeyPressed(int index);
    /// Key 0 was pressed: clear the manual label.
    void clearKeyPressed();

private:
    LibraryModel* m_model;
    LibraryFilterProxy* m_proxy;
};

}  // namespace diffclip::ui
