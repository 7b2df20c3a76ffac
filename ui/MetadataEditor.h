#pragma once
// The metadata form of the Library page's detail pane: product, line, lot, date, inspector and
// notes of one photo, and the Save button. GUI thread only.

#include <QGroupBox>

#include "diffclip/library/Library.h"

class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace diffclip::ui {

class MetadataEditor : public QGroupBox {
    Q_OBJECT

public:
    explicit MetadataEditor(QWidget* parent = nullptr);

    /// Shows the metadata strings of `values` (the other members are ignored).
    void setValues(const diffclip::ImageRecord& values);
    /// The fields as typed, trimmed.
    diffclip::ImageRecord values() const;

Q_SIGNALS:
    void saveRequested();

private:
    QLineEdit* m_product = nullptr;
    QLineEdit* m_line = nullptr;
    QLineEdit* m_lot = nullptr;
    QLineEdit* m_date = nullptr;
    QLineEdit* m_inspector = nullptr;
    QPlainTextEdit* m_notes = nullptr;
    QPushButton* m_save = nullptr;
};

}  // namespace diffclip::ui
