#include "AddPhotosDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace diffclip::ui {

AddPhotosDialog::AddPhotosDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Add Photos"));
    m_folder = new QLineEdit(this);
    m_folder->setAccessibleName(tr("Folder to add"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    browse->setAccessibleName(tr("Choose the folder to add"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Folder of Photos"), m_folder->text());
        if (!d.isEmpty()) m_folder->setText(d);
    });
    m_labels = new QCheckBox(tr("Use the names of the folders as labels (one folder per class)"), this);
    m_csv = new QLineEdit(this);
    m_csv->setAccessibleName(tr("Metadata CSV file"));
    m_csv->setPlaceholderText(tr("optional: path,product,line,lot,date,inspector,notes"));
    auto* browseCsv = new QPushButton(tr("Browse…"), this);
    browseCsv->setAccessibleName(tr("Choose the metadata CSV file"));
    connect(browseCsv, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Metadata CSV"), m_folder->text(),
                                                       tr("CSV files (*.csv);;All files (*)"));
        if (!f.isEmpty()) m_csv->setText(f);
    });
    auto* form = new QFormLayout;
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    form->addRow(tr("&Folder:"), folderRow);
    form->addRow(QString(), m_labels);
    auto* csvRow = new QHBoxLayout;
    csvRow->addWidget(m_csv, 1);
    csvRow->addWidget(browseCsv);
    form->addRow(tr("&Metadata CSV:"), csvRow);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Add"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    resize(fontMetrics().averageCharWidth() * 90, sizeHint().height());
}

QString AddPhotosDialog::folder() const { return m_folder->text().trimmed(); }

bool AddPhotosDialog::labelsFromFolders() const { return m_labels->isChecked(); }

QString AddPhotosDialog::metadataCsv() const { return m_csv->text().trimmed(); }

}  // namespace diffclip::ui
