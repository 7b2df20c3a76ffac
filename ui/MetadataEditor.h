#pragma once
// The metadata form of the Library page's detail pane: product, line, lot, date, inspector and
// notes of one photo, and the Save button. The date is stored as ISO text (date filters compare
// text): the form converts a date typed in the user's short format and refuses anything else,
// with the reason beside the field. GUI thread only.

#include <QGroupBox>
#include <QLocale>

#include <optional>

#include "diffclip/library/Library.h"

class QLabel;
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
    /// Checks the fields before a save: a date in the locale's short format is converted to ISO
    /// (and shown so); a date that is neither is refused with a message beside the field, which
    /// keeps what was typed. False: refused.
    bool check();

    /// `typed` as an ISO date (diffclip::isIsoDate): ISO text as it is, a date in `locale`'s
    /// short format converted (a two-digit year read as 20yy), empty as empty; nullopt: not a date.
    static std::optional<QString> isoDate(const QString& typed, const QLocale& locale = QLocale());

Q_SIGNALS:
    void saveRequested();

private:
    QLineEdit* m_product = nullptr;
    QLineEdit* m_line = nullptr;
    QLineEdit* m_lot = nullptr;
    QLineEdit* m_date = nullptr;
    QLabel* m_dateProblem = nullptr;
    QLineEdit* m_inspector = nullptr;
    QPlainTextEdit* m_notes = nullptr;
    QPushButton* m_save = nullptr;
};

}  // namespace diffclip::ui
