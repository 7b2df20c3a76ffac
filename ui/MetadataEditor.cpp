#include "MetadataEditor.h"

#include <QFormLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>

namespace diffclip::ui {

namespace {

QString fromStd(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

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
    m_inspector = field(tr("Inspector"));
    m_notes = new QPlainTextEdit(this);
    m_notes->setAccessibleName(tr("Notes"));
    m_notes->setTabChangesFocus(true);
    m_notes->setMaximumHeight(fontMetrics().height() * 5);
    m_save = new QPushButton(tr("Save Metadata"), this);
    m_save->setObjectName(QStringLiteral("saveMetadataButton"));
    m_save->setAccessibleName(tr("Save the metadata of the current photo"));
    connect(m_save, &QPushButton::clicked, this, &MetadataEditor::saveRequested);
    auto* form = new QFormLayout(this);
    form->addRow(tr("Product:"), m_product);
    form->addRow(tr("Line:"), m_line);
    form->addRow(tr("Lot:"), m_lot);
    form->addRow(tr("Date:"), m_date);
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

}  // namespace diffclip::ui
