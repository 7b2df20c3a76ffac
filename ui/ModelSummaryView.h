#pragma once
// Read-only view of one model's summary: architecture of both towers, parameters,
// preprocessing, tokenizer and file checksums, in one aligned form with section headings.
// Values are selectable, so they can be copied into a report.

#include <QHash>
#include <QScrollArea>
#include <QString>
#include <QVector>

#include "diffclip/model/ModelSummary.h"

class QFormLayout;
class QLabel;

namespace diffclip::ui {

class ModelSummaryView : public QScrollArea {
    Q_OBJECT

public:
    explicit ModelSummaryView(QWidget* parent = nullptr);

    void setSummary(const QString& path, const diffclip::ModelSummary& summary);

    /// The displayed value of a field ("attention", "vision.depth", "parameters", ...);
    /// empty for an unknown key. Checksums: "sha256:<file name>".
    QString fieldText(const QString& key) const;
    /// Every section and value as plain text, for the clipboard.
    QString toPlainText() const;

private:
    // One line of the form, for toPlainText(): a heading, a "label: value" field, or a
    // free-standing line within a section (such as a checksum) at `indent` levels.
    struct Row {
        QLabel* label = nullptr;  // null for headings and free-standing lines
        QLabel* value = nullptr;
        int indent = 0;           // 0: section heading
    };

    void addSection(const QString& title);
    void addField(const QString& key, const QString& label);
    void setField(const QString& key, const QString& text);
    void rebuildChecksums(const diffclip::ModelSummary& summary);

    QLabel* m_title = nullptr;
    QLabel* m_path = nullptr;
    QFormLayout* m_form = nullptr;
    QHash<QString, QLabel*> m_fields;
    QVector<Row> m_rows;
    int m_checksumStart = 0;  // form row where the checksum rows begin (they are rebuilt)
};

}  // namespace diffclip::ui
