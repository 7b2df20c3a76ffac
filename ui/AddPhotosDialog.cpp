#include "AddPhotosDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "Controls.h"
#include "ErrorBanner.h"

namespace diffclip::ui {

namespace {

// Whether the CSV header `line` names a "path" or "file" column, as Library::importMetadataCsv
// needs (case-insensitive, quotes and a UTF-8 BOM allowed). A quick look, not a CSV parser: the
// import reports anything else with its line.
bool namesPathColumn(QByteArray line) {
    if (line.startsWith("\xEF\xBB\xBF")) line.remove(0, 3);
    for (QByteArray field : line.trimmed().split(',')) {
        field = field.trimmed();
        if (field.size() >= 2 && field.startsWith('"') && field.endsWith('"')) field = field.mid(1, field.size() - 2);
        field = field.trimmed().toLower();
        if (field == "path" || field == "file") return true;
    }
    return false;
}

}  // namespace

AddPhotosDialog::AddPhotosDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Add Photos"));
    m_folder = new QLineEdit(this);
    m_folder->setAccessibleName(tr("Folder to add"));
    auto* browse = makeButton(tr("Browse…"), tr("Choose the folder to add"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Folder of Photos"), m_folder->text());
        if (!d.isEmpty()) m_folder->setText(d);
    });
    m_labels = new QCheckBox(tr("Use the names of the folders as labels (one folder per class)"), this);
    m_csv = new QLineEdit(this);
    m_csv->setAccessibleName(tr("Metadata CSV file"));
    m_csv->setPlaceholderText(tr("optional: path,product,line,lot,date,inspector,notes"));
    auto* browseCsv = makeButton(tr("Browse…"), tr("Choose the metadata CSV file"), this);
    connect(browseCsv, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Metadata CSV"), m_folder->text(),
                                                       tr("CSV files (*.csv);;All files (*)"));
        if (!f.isEmpty()) m_csv->setText(f);
    });
    m_problem = makeProblemLabel(QStringLiteral("addPhotosProblem"), this);
    for (QLineEdit* e : {m_folder, m_csv}) connect(e, &QLineEdit::textChanged, m_problem, &QLabel::hide);

    // The rows' fields are layouts (entry and Browse), so the labels are made here with their
    // buddies: QFormLayout sets a buddy only for a widget field, and "&Folder:" would show as typed.
    auto* form = new QFormLayout;
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    form->addRow(makeBuddyLabel(tr("&Folder:"), m_folder, this), folderRow);
    form->addRow(QString(), m_labels);
    auto* csvRow = new QHBoxLayout;
    csvRow->addWidget(m_csv, 1);
    csvRow->addWidget(browseCsv);
    form->addRow(makeBuddyLabel(tr("&Metadata CSV:"), m_csv, this), csvRow);
    QDialogButtonBox* buttons = makeOkCancelButtons(this, tr("Add"));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    resize(fontMetrics().averageCharWidth() * 90, sizeHint().height());
}

QString AddPhotosDialog::folder() const { return m_folder->text().trimmed(); }

bool AddPhotosDialog::labelsFromFolders() const { return m_labels->isChecked(); }

QString AddPhotosDialog::metadataCsv() const { return m_csv->text().trimmed(); }

QString AddPhotosDialog::problem(QLineEdit** field) const {
    if (field) *field = m_folder;
    const QString folder = this->folder();
    if (folder.isEmpty()) return tr("Type or choose the folder of photos to add.");
    const QFileInfo dir(folder);
    const QString shown = QDir::toNativeSeparators(folder);
    if (!dir.exists())
        return tr("The folder “%1” does not exist. Check the path, or choose the folder with Browse.").arg(shown);
    if (!dir.isDir()) return tr("“%1” is a file, not a folder.").arg(shown);
    if (!dir.isReadable() || !dir.isExecutable()) return tr("You may not read the folder “%1”.").arg(shown);

    const QString csv = metadataCsv();
    if (csv.isEmpty()) return {};
    if (field) *field = m_csv;
    const QString shownCsv = QDir::toNativeSeparators(csv);
    const QFileInfo info(csv);
    if (!info.exists()) return tr("The metadata CSV “%1” does not exist.").arg(shownCsv);
    if (info.isDir()) return tr("“%1” is a folder, not a CSV file.").arg(shownCsv);
    QFile file(csv);
    if (!file.open(QIODevice::ReadOnly)) return tr("You may not read the metadata CSV “%1”.").arg(shownCsv);
    if (!namesPathColumn(file.readLine(64 * 1024)))
        return tr("The first line of “%1” names no “path” or “file” column, so its rows cannot be matched to "
                  "photos.")
            .arg(shownCsv);
    return {};
}

void AddPhotosDialog::accept() {
    QLineEdit* field = nullptr;
    const QString p = problem(&field);
    if (p.isEmpty()) {
        QDialog::accept();
        return;
    }
    m_problem->setText(p);
    m_problem->show();
    field->setFocus();
}

}  // namespace diffclip::ui
