#pragma once
// The Library page's header: the title, the open library's path (elided in the middle) and the
// buttons Open, New, Add Folder, Auto-Label and Mirror Labels, which wrap onto a second row when
// the page is narrow. It only says what was asked; the page decides. GUI thread only.

#include <QWidget>

class QPushButton;

namespace diffclip::ui {

class ElidedLabel;

class LibraryHeader : public QWidget {
    Q_OBJECT

public:
    explicit LibraryHeader(QWidget* parent = nullptr);

    /// The open library's path (native separators); empty: none open.
    void setPath(const QString& path);
    /// Enables the buttons for what can be done now.
    void setPossible(bool addPhotos, bool autoLabel, bool mirror);

Q_SIGNALS:
    void openRequested();
    void createRequested();
    void addPhotosRequested();
    void autoLabelRequested();
    void mirrorRequested();

private:
    ElidedLabel* m_path = nullptr;
    QPushButton* m_addFolder = nullptr;
    QPushButton* m_autoLabel = nullptr;
    QPushButton* m_mirror = nullptr;
};

}  // namespace diffclip::ui
