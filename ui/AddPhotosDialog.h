#pragma once
// "Add Photos" of the Library page: the folder to add, whether its folder names are labels, and
// an optional metadata CSV. GUI thread only.

#include <QDialog>

class QCheckBox;
class QLineEdit;

namespace diffclip::ui {

class AddPhotosDialog : public QDialog {
    Q_OBJECT

public:
    explicit AddPhotosDialog(QWidget* parent = nullptr);

    /// The folder as typed, trimmed.
    QString folder() const;
    bool labelsFromFolders() const;
    /// The metadata CSV as typed, trimmed; empty: none.
    QString metadataCsv() const;

private:
    QLineEdit* m_folder = nullptr;
    QCheckBox* m_labels = nullptr;
    QLineEdit* m_csv = nullptr;
};

}  // namespace diffclip::ui
