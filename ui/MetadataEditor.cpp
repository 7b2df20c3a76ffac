#include "MetadataEditor.h"
#include "StdText.h"

#include <QDate>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>

#include "Controls.h"
#include "ErrorBanner.h"

namespace diffclip::ui {

MetadataEditor::MetadataEditor(QWidget* parent) : QGroupBox(tr("Metadata"), parent) {
    auto field = [this](const QString& accessible) {
        auto* e = new QLineEdit(this);
        e->setAccessibleName(accessible);
        return e;
    };
    m_product = field(tr("Product"));
    m_line = field(tr("Line"));
    m_lot = field(tr("Lot"));
    m_date = field(tr("Date"));
    m_date->setPlaceholderText(tr("YYYY-MM-DD"));
    m_dateProblem = makeProblemLabel(QStringLiteral("metadataDateProblem"), this);
    // Once the date is edited again, the message speaks of text that is gone.
    connect(m_date, &QLineEdit::textEdited, m_dateProblem, &QLabel::hide);
    m_inspector = field(tr("Inspector"));
    m_notes = new QPlainTextEdit(this);
    m_notes->setAccessibleName(tr("Notes"));
    m_notes->setTabChangesFocus(true);
    m_notes->setMaximumHeight(fontMetrics().height() * 5);
    m_save = makeButton(tr("Save Metadata"), tr("Save the metadata of the current photo"), this);
    m_save->setObjectName(QStringLiteral("saveMetadataButton"));
    connect(m_save, &QPushButton::clicked, this, &MetadataEditor::saveRequested);
    auto* form = new QFormLayout(this);
    form->addRow(tr("Product:"), m_product);
    form->addRow(tr("Line:"), m_line);
    form->addRow(tr("Lot:"), m_lot);
    form->addRow(tr("Date:"), m_date);
    form->addRow(QString(), m_dateProblem);
    form->addRow(tr("Inspector:"), m_inspector);
    form->addRow(tr("Notes:"), m_notes);
    form->addRow(QString(), m_save);
}

void MetadataEditor::setValues(const diffclip::ImageRecord& values) {
    m_product->setText(fromStd(values.product));
    m_line->setText(fromStd(values.line));
    m_lot->setText(fromStd(values.lot));
    m_date->setText(fromStd(values.date));
    m_inspector->setText(fromStd(values.inspector));
    m_notes->setPlainText(fromStd(values.notes));
    m_dateProblem->hide();
}

diffclip::ImageRecord MetadataEditor::values() const {
    diffclip::ImageRecord m;
    m.product = m_product->text().trimmed().toStdString();
    m.line = m_line->text().trimmed().toStdString();
    m.lot = m_lot->text().trimmed().toStdString();
    m.date = m_date->text().trimmed().toStdString();
    m.inspector = m_inspector->text().trimmed().toStdString();
    m.notes = m_notes->toPlainText().trimmed().toStdString();
    return m;
}

bool MetadataEditor::check() {
    const QString typed = m_date->text().trimmed();
    const std::optional<QString> iso = isoDate(typed);
    if (!iso) {
        const QDate example(2026, 1, 15);
        m_dateProblem->setText(tr("“%1” is not a date. Type it as YYYY-MM-DD (for example %2) or as %3.")
                                   .arg(typed, example.toString(Qt::ISODate),
                                        QLocale().toString(example, QLocale::ShortFormat)));
        m_dateProblem->show();
        m_date->setFocus();
        return false;
    }
    if (*iso != typed) m_date->setText(*iso);  // show what is stored
    m_dateProblem->hide();
    return true;
}

std::optional<QString> MetadataEditor::isoDate(const QString& typed, const QLocale& locale) {
    const QString text = typed.trimmed();
    if (text.isEmpty() || diffclip::isIsoDate(text.toStdString())) return text;
    // The short format, with a four-digit year also where it has two ("M/d/yy": 1/15/2026).
    const QString format = locale.dateFormat(QLocale::ShortFormat);
    const bool twoDigitYear = !format.contains(QLatin1String("yyyy"));
    QStringList formats;
    if (twoDigitYear) formats << QString(format).replace(QLatin1String("yy"), QLatin1String("yyyy"));
    formats << format;
    for (const QString& f : formats) {
        QDate date = locale.toDate(text, f);
        if (!date.isValid()) continue;
        // Qt 6.4 reads "yy" as 19yy; inspection photos are of this century.
        if (!f.contains(QLatin1String("yyyy"))) date = date.addYears(100);
        return date.toString(Qt::ISODate);
    }
    return std::nullopt;
}

}  // namespace diffclip::ui
