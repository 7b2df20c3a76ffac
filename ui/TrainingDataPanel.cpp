#include "TrainingDataPanel.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <climits>

#include "AppSettings.h"
#include "ErrorText.h"
#include "diffclip/training/Dataset.h"

namespace diffclip::ui {

// What a worker read from the tree.
struct TrainingDataPanel::Listing {
    QString root;
    bool exists = false;
    bool failed = false;    // the tree could not be listed: `error` says why
    diffclip::Error error;
    QList<ClassEntry> classes;
};

TrainingDataPanel::Listing TrainingDataPanel::listTree(const QString& root) {
    Listing out;
    out.root = root;
    if (root.isEmpty()) return out;
    auto tree = diffclip::listClassTree(QFile::encodeName(root).toStdString());
    if (!tree) {
        out.failed = true;
        out.error = tree.error();
        out.exists = tree.error().code != diffclip::ErrorCode::NotFound;
        return out;
    }
    out.exists = true;
    for (const auto& folder : *tree) {
        ClassEntry e;
        e.name = QFile::decodeName(folder.info.name.c_str());
        e.photos = int(std::min<size_t>(folder.files.size(), size_t(INT_MAX)));
        e.prompt = QString::fromStdString(folder.info.prompt);
        e.customPrompt = folder.info.customPrompt;
        out.classes << e;
    }
    return out;
}

TrainingDataPanel::TrainingDataPanel(QWidget* parent) : QGroupBox(tr("Data"), parent) {
    auto* col = new QVBoxLayout(this);
    auto* folderRow = new QHBoxLayout;
    m_folder = new QLineEdit(this);
    m_folder->setPlaceholderText(tr("Folder with one subfolder per class"));
    m_folder->setAccessibleName(tr("Data folder"));
    connect(m_folder, &QLineEdit::editingFinished, this, [this] {
        if (folder() != m_listed || m_listing) list();
    });
    m_browse = new QPushButton(tr("Choose…"), this);
    connect(m_browse, &QPushButton::clicked, this, &TrainingDataPanel::chooseFolder);
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(m_browse);
    col->addLayout(folderRow);
    m_libraryLabels = new QPushButton(tr("Use the Library's Labels"), this);
    m_libraryLabels->setToolTip(tr("Mirror the open library's labels as one folder per class (links to the photos) "
                                   "and train on that."));
    connect(m_libraryLabels, &QPushButton::clicked, this, &TrainingDataPanel::libraryLabelsRequested);
    col->addWidget(m_libraryLabels);
    m_preview = new QTableWidget(0, 3, this);
    m_preview->setObjectName(QStringLiteral("classPreview"));
    m_preview->setAccessibleName(tr("Classes"));
    m_preview->setHorizontalHeaderLabels({tr("Class"), tr("Photos"), tr("Prompt")});
    m_preview->horizontalHeader()->setStretchLastSection(true);
    m_preview->verticalHeader()->hide();
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->setSelectionMode(QAbstractItemView::NoSelection);
    m_preview->setMinimumHeight(fontMetrics().height() * 7);
    col->addWidget(m_preview, 1);
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("classPreviewNote"));
    m_note->setWordWrap(true);
    col->addWidget(m_note);
    showListing(Listing{});
}

TrainingDataPanel::~TrainingDataPanel() = default;

QString TrainingDataPanel::folder() const { return QDir::fromNativeSeparators(m_folder->text().trimmed()); }

int TrainingDataPanel::photoCount() const {
    int n = 0;
    for (const ClassEntry& e : m_classes) n += e.photos;
    return n;
}

void TrainingDataPanel::setFolder(const QString& folder) {
    m_folder->setText(QDir::toNativeSeparators(folder));
    list();
}

void TrainingDataPanel::chooseFolder() {
    const QString chosen = QFileDialog::getExistingDirectory(this, tr("Folder with One Subfolder per Class"),
                                                             folder().isEmpty() ? AppSettings::photoFolder() : folder());
    if (!chosen.isEmpty()) setFolder(chosen);
}

void TrainingDataPanel::setLocked(bool locked) {
    m_folder->setEnabled(!locked);
    m_browse->setEnabled(!locked);
}

void TrainingDataPanel::setLibraryLabelsAvailable(bool available) { m_libraryLabels->setEnabled(available); }

void TrainingDataPanel::list() {
    const int generation = ++m_generation;
    const QString root = folder();
    m_listing = true;
    m_note->setText(root.isEmpty() ? QString() : tr("Listing the classes of “%1”…").arg(QDir::toNativeSeparators(root)));
    Q_EMIT listingChanged();
    // The watcher is parented to the panel: if the panel goes away first, the result is dropped.
    auto* watcher = new QFutureWatcher<Listing>(this);
    connect(watcher, &QFutureWatcher<Listing>::finished, this, [this, watcher, generation] {
        const Listing listing = watcher->result();
        watcher->deleteLater();
        if (generation != m_generation) return;  // a newer listing is on its way
        m_listing = false;
        showListing(listing);
        Q_EMIT listingChanged();
    });
    watcher->setFuture(QtConcurrent::run(&TrainingDataPanel::listTree, root));
}

void TrainingDataPanel::showListing(const Listing& listing) {
    m_listed = listing.root;
    m_listedExists = listing.exists;
    m_classes = listing.classes;
    m_preview->setRowCount(int(m_classes.size()));
    for (int r = 0; r < m_classes.size(); ++r) {
        const ClassEntry& e = m_classes[r];
        m_preview->setItem(r, 0, new QTableWidgetItem(e.name));
        auto* n = new QTableWidgetItem(QLocale().toString(e.photos));
        n->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_preview->setItem(r, 1, n);
        auto* p = new QTableWidgetItem(e.prompt);
        p->setToolTip(e.customPrompt ? tr("From prompt.txt") : tr("Default prompt"));
        m_preview->setItem(r, 2, p);
    }
    m_preview->resizeColumnsToContents();
    const QString root = QDir::toNativeSeparators(listing.root);
    m_note->setToolTip(QString());
    if (listing.root.isEmpty()) {
        m_note->setText(tr("Each subfolder is a class; its name is the label."));
    } else if (!listing.exists) {
        m_note->setText(tr("The folder “%1” does not exist.").arg(root));
    } else if (listing.failed) {
        m_note->setText(tr("The folder “%1” cannot be read completely.").arg(root));
        m_note->setToolTip(ErrorText::details(listing.error));
    } else {
        m_note->setText(tr("%n class(es), %1 photos.", nullptr, int(m_classes.size())).arg(QLocale().toString(photoCount())));
    }
}

}  // namespace diffclip::ui
