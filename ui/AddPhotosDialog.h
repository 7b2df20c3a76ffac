#pragma once
// "Add Photos" of the Library page: the folder to add, whether its folder names are labels, and
// an optional metadata CSV. Add checks them first (the folder exists and may be read; the CSV
// exists, may be read and names a path or file column) and, on a problem, stays open with the
// message and what was typed. GUI thread only.

#include <QDialog>

class QCheckBox;
class QLabel;
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
    /// Why the entries cannot be added (one sentence), or empty when they can; `field` (may be
    /// null) is set to the entry at fault.
    QString problem(QLineEdit** field = nullptr) const;

public Q_SLOTS:
    /// Closes as accepted when problem() is empty; else shows it and keeps the dialog open.
    void accept() override;

private:
    QLineEdit* m_folder = nullptr;
    QCheckBox* m_labels = nullptr;
    QLineEdit* m_csv = nullptr;
    QLabel* m_problem = nullptr;
};

}  // namespace diffclip::ui
