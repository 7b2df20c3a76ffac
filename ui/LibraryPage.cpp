#include "LibraryPage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTreeWidget>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>
#include <optional>

#include "AppSettings.h"
#include "AutoLabelDialog.h"
#include "ErrorBanner.h"
#include "ErrorText.h"
#include "JobCentre.h"
#include "LabelTree.h"
#include "LibraryAccess.h"
#include "LibraryModel.h"
#include "ModelListModel.h"
#include "diffclip/indexing/Workspace.h"

namespace diffclip::ui {

namespace {

constexpr int kClassKeys = 9;

QLabel* pageTitle(const QString& text, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    QFont f = l->font();
    f.setPointSizeF(f.pointSizeF() * 1.6);
    f.setBold(true);
    l->setFont(f);
    return l;
}

QString fromStd(const std::string& s) { return QString::fromStdString(s); }

QString sourceText(diffclip::LabelSource s) {
    switch (s) {
    case diffclip::LabelSource::Manual: return LibraryPage::tr("manual");
    case diffclip::LabelSource::Training: return LibraryPage::tr("training");
    case diffclip::LabelSource::Folder: return LibraryPage::tr("folder");
    case diffclip::LabelSource::ZeroShot: return LibraryPage::tr("zero-shot");
    }
    return {};
}

struct Snapshot {
    std::vector<diffclip::ImageRecord> images;
    std::vector<std::pair<int64_t, std::string>> labels;
    std::vector<diffclip::FailedFile> failures;
    std::vector<std::string> classes;
};

struct LabelOutcome {
    std::vector<std::pair<int64_t, std::string>> current;
    std::vector<std::string> classes;
};

// Folder, labels-from-folders and metadata CSV for "Add Folder…".
class AddFolderDialog : public QDialog {
public:
    explicit AddFolderDialog(QWidget* parent) : QDialog(parent) {
        setWindowTitle(LibraryPage::tr("Add Photos"));
        folder = new QLineEdit(this);
        folder->setAccessibleName(LibraryPage::tr("Folder to add"));
        auto* browse = new QPushButton(LibraryPage::tr("Browse…"), this);
        browse->setAccessibleName(LibraryPage::tr("Choose the folder to add"));
        connect(browse, &QPushButton::clicked, this, [this] {
            const QString d = QFileDialog::getExistingDirectory(this, LibraryPage::tr("Folder of Photos"), folder->text());
            if (!d.isEmpty()) folder->setText(d);
        });
        labels = new QCheckBox(LibraryPage::tr("Use the names of the folders as labels (one folder per class)"), this);
        csv = new QLineEdit(this);
        csv->setAccessibleName(LibraryPage::tr("Metadata CSV file"));
        csv->setPlaceholderText(LibraryPage::tr("optional: path,product,line,lot,date,inspector,notes"));
        auto* browseCsv = new QPushButton(LibraryPage::tr("Browse…"), this);
        browseCsv->setAccessibleName(LibraryPage::tr("Choose the metadata CSV file"));
        connect(browseCsv, &QPushButton::clicked, this, [this] {
            const QString f = QFileDialog::getOpenFileName(this, LibraryPage::tr("Metadata CSV"), folder->text(),
                                                           LibraryPage::tr("CSV files (*.csv);;All files (*)"));
            if (!f.isEmpty()) csv->setText(f);
        });
        auto* form = new QFormLayout;
        auto* folderRow = new QHBoxLayout;
        folderRow->addWidget(folder, 1);
        folderRow->addWidget(browse);
        form->addRow(LibraryPage::tr("&Folder:"), folderRow);
        form->addRow(QString(), labels);
        auto* csvRow = new QHBoxLayout;
        csvRow->addWidget(csv, 1);
        csvRow->addWidget(browseCsv);
        form->addRow(LibraryPage::tr("&Metadata CSV:"), csvRow);
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
        buttons->button(QDialogButtonBox::Ok)->setText(LibraryPage::tr("Add"));
        connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        auto* layout = new QVBoxLayout(this);
        layout->addLayout(form);
        layout->addWidget(buttons);
        resize(fontMetrics().averageCharWidth() * 90, sizeHint().height());
    }
    QLineEdit* folder;
    QCheckBox* labels;
    QLineEdit* csv;
};

}  // namespace

// One label change of one or more photos, as an undo step. The previous manual labels are read
// in the worker at the first redo, before anything is written.
struct LibraryPage::LabelChange {
    std::vector<int64_t> ids;
    std::string label;  // empty: clear the manual label
    std::vector<std::optional<std::string>> previous;
    bool previousKnown = false;  // touched only on LibraryAccess's worker (serial)
};

class LabelCommand : public QUndoCommand {
public:
    LabelCommand(LibraryPage* page, std::shared_ptr<LibraryPage::LabelChange> change, const QString& text)
        : QUndoCommand(text), m_page(page), m_change(std::move(change)) {}
    void redo() override {
        if (m_page) m_page->applyLabelChange(m_change, false);
    }
    void undo() override {
        if (m_page) m_page->applyLabelChange(m_change, true);
    }

private:
    QPointer<LibraryPage> m_page;
    std::shared_ptr<LibraryPage::LabelChange> m_change;
};

LibraryPage::LibraryPage(JobCentre* jobs, QWidget* parent) : QWidget(parent), m_jobs(jobs) {
    setObjectName(QStringLiteral("libraryPage"));
    m_access = new LibraryAccess(this);
    m_model = new LibraryModel(this);
    m_proxy = new LibraryFilterProxy(this);
    m_proxy->setSourceModel(m_model);
    m_undo = new QUndoStack(this);

    // Header
    m_pathLabel = new QLabel(this);
    m_pathLabel->setObjectName(QStringLiteral("libraryPathLabel"));
    m_pathLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_pathLabel->setForegroundRole(QPalette::PlaceholderText);
    auto* open = new QPushButton(tr("Open Library…"), this);
    open->setAccessibleName(tr("Open a library file"));
    connect(open, &QPushButton::clicked, this, &LibraryPage::chooseLibraryToOpen);
    auto* create = new QPushButton(tr("New Library…"), this);
    create->setAccessibleName(tr("Create a new library file"));
    connect(create, &QPushButton::clicked, this, &LibraryPage::chooseLibraryToCreate);
    m_addFolder = new QPushButton(tr("Add Folder…"), this);
    m_addFolder->setObjectName(QStringLiteral("addFolderButton"));
    m_addFolder->setAccessibleName(tr("Add a folder of photos to the library"));
    connect(m_addFolder, &QPushButton::clicked, this, &LibraryPage::chooseFolderToAdd);
    m_mirror = new QPushButton(tr("Mirror Labels…"), this);
    m_mirror->setAccessibleName(tr("Mirror the labels as one folder per class"));
    m_mirror->setToolTip(tr("Make a folder per class with links to (or copies of) the labelled photos, for training"));
    connect(m_mirror, &QPushButton::clicked, this, &LibraryPage::chooseMirrorFolder);
    m_autoLabel = new QPushButton(tr("Auto-Label…"), this);
    m_autoLabel->setAccessibleName(tr("Label the unlabelled photos automatically"));
    m_autoLabel->setToolTip(tr("Give photos the class whose prompts their picture matches best (zero-shot, "
                               "from the stored embeddings), with editable prompts and a minimum confidence. "
                               "Labels you set by hand always win."));
    connect(m_autoLabel, &QPushButton::clicked, this, &LibraryPage::showAutoLabelDialog);
    auto* header = new QHBoxLayout;
    header->addWidget(pageTitle(tr("Library"), this));
    header->addWidget(m_pathLabel, 1);
    header->addWidget(open);
    header->addWidget(create);
    header->addWidget(m_addFolder);
    header->addWidget(m_autoLabel);
    header->addWidget(m_mirror);

    m_workspaceNote = new QLabel(this);
    m_workspaceNote->setObjectName(QStringLiteral("workspaceNote"));
    m_workspaceNote->setWordWrap(true);
    m_error = new ErrorBanner(this);

    // Empty state: no library open.
    m_emptyState = new QWidget(this);
    {
        auto* text = new QLabel(tr("No library is open.\n\nA library is one file that holds your photos' paths, "
                                   "metadata, labels and embeddings; the photos stay where they are. Create the "
                                   "default library, or open or create one elsewhere (for example on a shared "
                                   "drive)."),
                                m_emptyState);
        text->setObjectName(QStringLiteral("libraryEmptyLabel"));
        text->setWordWrap(true);
        text->setAlignment(Qt::AlignCenter);
        auto* makeDefault = new QPushButton(tr("Create the Default Library"), m_emptyState);
        makeDefault->setAccessibleName(tr("Create the default library"));
        makeDefault->setToolTip(QDir::toNativeSeparators(AppSettings::defaultLibraryPath()));
        connect(makeDefault, &QPushButton::clicked, this, &LibraryPage::createDefaultLibrary);
        auto* l = new QVBoxLayout(m_emptyState);
        l->addStretch(1);
        l->addWidget(text);
        l->addWidget(makeDefault, 0, Qt::AlignCenter);
        l->addStretch(2);
        text->setMaximumWidth(fontMetrics().averageCharWidth() * 90);
        l->setAlignment(text, Qt::AlignHCenter);
    }

    // Filters
    m_labelFilter = new QComboBox(this);
    m_labelFilter->setAccessibleName(tr("Filter by label"));
    m_lineFilter = new QComboBox(this);
    m_lineFilter->setAccessibleName(tr("Filter by line"));
    m_productFilter = new QComboBox(this);
    m_productFilter->setAccessibleName(tr("Filter by product"));
    auto* dateValidator =
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{0,4}(-\\d{0,2}(-\\d{0,2})?)?")), this);
    m_dateFrom = new QLineEdit(this);
    m_dateFrom->setAccessibleName(tr("Dates from"));
    m_dateFrom->setPlaceholderText(tr("YYYY-MM-DD"));
    m_dateFrom->setValidator(dateValidator);
    m_dateTo = new QLineEdit(this);
    m_dateTo->setAccessibleName(tr("Dates to"));
    m_dateTo->setPlaceholderText(tr("YYYY-MM-DD"));
    m_dateTo->setValidator(dateValidator);
    const int dateWidth = fontMetrics().averageCharWidth() * 14;
    m_dateFrom->setMaximumWidth(dateWidth);
    m_dateTo->setMaximumWidth(dateWidth);
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("libraryTextFilter"));
    m_text->setAccessibleName(tr("Filter by text"));
    m_text->setPlaceholderText(tr("Find in names, labels and metadata"));
    m_text->setClearButtonEnabled(true);
    m_sort = new QComboBox(this);
    m_sort->setAccessibleName(tr("Sort by"));
    m_sort->addItem(tr("Name"), int(LibraryFilterProxy::SortKey::Name));
    m_sort->addItem(tr("Date"), int(LibraryFilterProxy::SortKey::Date));
    m_sort->addItem(tr("Label"), int(LibraryFilterProxy::SortKey::Label));
    m_sort->addItem(tr("Date added"), int(LibraryFilterProxy::SortKey::Added));
    m_order = new QComboBox(this);
    m_order->setAccessibleName(tr("Sort order"));
    m_order->addItem(tr("Ascending"), int(Qt::AscendingOrder));
    m_order->addItem(tr("Descending"), int(Qt::DescendingOrder));
    connect(m_labelFilter, &QComboBox::currentIndexChanged, this, &LibraryPage::applyFilters);
    connect(m_lineFilter, &QComboBox::currentIndexChanged, this, &LibraryPage::applyFilters);
    connect(m_productFilter, &QComboBox::currentIndexChanged, this, &LibraryPage::applyFilters);
    connect(m_dateFrom, &QLineEdit::textChanged, this, &LibraryPage::applyFilters);
    connect(m_dateTo, &QLineEdit::textChanged, this, &LibraryPage::applyFilters);
    connect(m_text, &QLineEdit::textChanged, this, &LibraryPage::applyFilters);
    connect(m_sort, &QComboBox::currentIndexChanged, this, &LibraryPage::applySort);
    connect(m_order, &QComboBox::currentIndexChanged, this, &LibraryPage::applySort);

    auto* filters = new QHBoxLayout;
    auto addLabelled = [this, filters](const QString& text, QWidget* w) {
        auto* l = new QLabel(text, this);
        l->setBuddy(w);
        filters->addWidget(l);
        filters->addWidget(w);
    };
    addLabelled(tr("La&bel:"), m_labelFilter);
    addLabelled(tr("L&ine:"), m_lineFilter);
    addLabelled(tr("&Product:"), m_productFilter);
    addLabelled(tr("Dates:"), m_dateFrom);
    filters->addWidget(new QLabel(QStringLiteral("–"), this));
    filters->addWidget(m_dateTo);
    filters->addStretch(1);
    auto* filters2 = new QHBoxLayout;
    auto* findLabel = new QLabel(tr("&Find:"), this);
    findLabel->setBuddy(m_text);
    filters2->addWidget(findLabel);
    filters2->addWidget(m_text, 1);
    auto* sortLabel = new QLabel(tr("&Sort by:"), this);
    sortLabel->setBuddy(m_sort);
    filters2->addWidget(sortLabel);
    filters2->addWidget(m_sort);
    filters2->addWidget(m_order);

    // The grid
    m_view = new QListView(this);
    m_view->setObjectName(QStringLiteral("photoGrid"));
    m_view->setAccessibleName(tr("Photos"));
    m_view->setModel(m_proxy);
    m_view->setViewMode(QListView::IconMode);
    m_view->setResizeMode(QListView::Adjust);
    m_view->setMovement(QListView::Static);
    m_view->setUniformItemSizes(true);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->setWordWrap(false);
    m_view->setSpacing(fontMetrics().averageCharWidth());
    const int side = fontMetrics().height() * 7;  // DPI-safe thumbnail size
    m_model->setThumbnailSide(side);
    m_view->setIconSize(QSize(side, side));
    m_view->setGridSize(QSize(side + fontMetrics().averageCharWidth() * 4, side + fontMetrics().height() * 2));
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &LibraryPage::updateDetails);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &LibraryPage::updateDetails);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &LibraryPage::updateState);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &LibraryPage::updateState);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &LibraryPage::updateState);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &LibraryPage::updateState);
    for (int i = 0; i < kClassKeys; ++i) {
        auto* key = new QShortcut(QKeySequence(Qt::Key(Qt::Key_1 + i)), m_view, nullptr, nullptr, Qt::WidgetShortcut);
        connect(key, &QShortcut::activated, this, [this, i] { labelSelectedWithClass(i); });
    }
    auto* clearKey = new QShortcut(QKeySequence(Qt::Key_0), m_view, nullptr, nullptr, Qt::WidgetShortcut);
    connect(clearKey, &QShortcut::activated, this, [this] { labelSelected(QString()); });

    QAction* undo = m_undo->createUndoAction(this, tr("Undo Label Change"));
    undo->setShortcut(QKeySequence::Undo);
    undo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(undo);
    QAction* redo = m_undo->createRedoAction(this, tr("Redo Label Change"));
    // Both common bindings on every platform theme (some themes map Redo to only one of them).
    redo->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    redo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(redo);

    // Details of the current photo: label and metadata.
    m_detailTitle = new QLabel(this);
    m_detailTitle->setObjectName(QStringLiteral("photoDetailTitle"));
    m_detailTitle->setWordWrap(true);
    QFont bold = m_detailTitle->font();
    bold.setBold(true);
    m_detailTitle->setFont(bold);
    m_classHint = new QLabel(this);
    m_classHint->setObjectName(QStringLiteral("classHint"));
    m_classHint->setWordWrap(true);
    m_classHint->setForegroundRole(QPalette::PlaceholderText);
    m_labelEdit = new QComboBox(this);
    m_labelEdit->setEditable(true);
    m_labelEdit->setInsertPolicy(QComboBox::NoInsert);
    m_labelEdit->setAccessibleName(tr("Label to assign"));
    m_labelEdit->lineEdit()->setPlaceholderText(tr("class name"));
    m_assign = new QPushButton(tr("Assign"), this);
    m_assign->setAccessibleName(tr("Assign the label to the selected photos"));
    connect(m_assign, &QPushButton::clicked, this, [this] {
        const QString l = m_labelEdit->currentText().trimmed();
        if (!l.isEmpty()) labelSelected(l);
    });
    connect(m_labelEdit->lineEdit(), &QLineEdit::returnPressed, m_assign, &QPushButton::click);
    m_clearLabel = new QPushButton(tr("Clear"), this);
    m_clearLabel->setAccessibleName(tr("Remove the manual label of the selected photos"));
    connect(m_clearLabel, &QPushButton::clicked, this, [this] { labelSelected(QString()); });
    m_labelSources = new QLabel(this);
    m_labelSources->setObjectName(QStringLiteral("labelSources"));
    m_labelSources->setWordWrap(true);
    auto* labelBox = new QGroupBox(tr("Label"), this);
    auto* labelLayout = new QVBoxLayout(labelBox);
    auto* labelRow = new QHBoxLayout;
    labelRow->addWidget(m_labelEdit, 1);
    labelRow->addWidget(m_assign);
    labelRow->addWidget(m_clearLabel);
    labelLayout->addLayout(labelRow);
    labelLayout->addWidget(m_labelSources);
    labelLayout->addWidget(m_classHint);

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
    m_saveMetadata = new QPushButton(tr("Save Metadata"), this);
    m_saveMetadata->setObjectName(QStringLiteral("saveMetadataButton"));
    m_saveMetadata->setAccessibleName(tr("Save the metadata of the current photo"));
    connect(m_saveMetadata, &QPushButton::clicked, this, &LibraryPage::saveMetadata);
    auto* metaBox = new QGroupBox(tr("Metadata"), this);
    auto* metaForm = new QFormLayout(metaBox);
    metaForm->addRow(tr("Product:"), m_product);
    metaForm->addRow(tr("Line:"), m_line);
    metaForm->addRow(tr("Lot:"), m_lot);
    metaForm->addRow(tr("Date:"), m_date);
    metaForm->addRow(tr("Inspector:"), m_inspector);
    metaForm->addRow(tr("Notes:"), m_notes);
    metaForm->addRow(QString(), m_saveMetadata);

    m_detailPane = new QWidget(this);
    auto* detailLayout = new QVBoxLayout(m_detailPane);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_detailTitle);
    detailLayout->addWidget(labelBox);
    detailLayout->addWidget(metaBox);
    detailLayout->addStretch(1);
    auto* detailScroll = new QScrollArea(this);
    detailScroll->setWidgetResizable(true);
    detailScroll->setFrameShape(QFrame::NoFrame);
    detailScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    detailScroll->setWidget(m_detailPane);
    // Wide enough for the form and the label buttons in either language; measured, so DPI-safe.
    const int paneMin = fontMetrics().averageCharWidth() * 44;
    m_detailPane->setMinimumWidth(paneMin);
    detailScroll->setMinimumWidth(paneMin + detailScroll->verticalScrollBar()->sizeHint().width());

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(detailScroll);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({paneMin * 3, paneMin});

    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(QStringLiteral("photoCount"));
    auto* photosTab = new QWidget(this);
    auto* photosLayout = new QVBoxLayout(photosTab);
    photosLayout->addLayout(filters);
    photosLayout->addLayout(filters2);
    photosLayout->addWidget(m_splitter, 1);
    photosLayout->addWidget(m_countLabel);

    m_failures = new QTreeWidget(this);
    m_failures->setObjectName(QStringLiteral("failedFilesList"));
    m_failures->setAccessibleName(tr("Files that could not be added"));
    m_failures->setHeaderLabels({tr("File"), tr("Reason")});
    m_failures->setRootIsDecorated(false);
    m_failures->setUniformRowHeights(true);
    m_failures->setColumnWidth(0, fontMetrics().averageCharWidth() * 70);
    auto* failTab = new QWidget(this);
    auto* failLayout = new QVBoxLayout(failTab);
    auto* failIntro = new QLabel(tr("These files were found but could not be added: unreadable, damaged, too large, "
                                    "or not a supported image format (JPEG, PNG, TIFF, WebP, BMP). They are tried "
                                    "again when you add their folder again."),
                                 failTab);
    failIntro->setWordWrap(true);
    failLayout->addWidget(failIntro);
    failLayout->addWidget(m_failures, 1);

    m_tabs = new QTabWidget(this);
    m_tabs->addTab(photosTab, tr("Photos"));
    m_tabs->addTab(failTab, tr("Failed Files"));

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_emptyState);
    m_stack->addWidget(m_tabs);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_workspaceNote);
    layout->addWidget(m_error);
    layout->addWidget(m_stack, 1);

    refreshClasses({});
    updateFilterChoices();
    setWorkspace(nullptr);
    updateState();
    updateDetails();
}

LibraryPage::~LibraryPage() = default;

QString LibraryPage::libraryPath() const { return m_access->path(); }

QByteArray LibraryPage::splitterState() const { return m_splitter->saveState(); }

void LibraryPage::restoreSplitterState(const QByteArray& state) {
    if (!state.isEmpty()) m_splitter->restoreState(state);
}

void LibraryPage::beginRequest() { ++m_pending; }

void LibraryPage::endRequest() { m_pending = qMax(0, m_pending - 1); }

void LibraryPage::showError(const QString& title, const diffclip::Error& error) {
    m_error->showError(title, ErrorText::libraryReason(error.code), ErrorText::details(error));
}

void LibraryPage::openLibrary(const QString& rawPath, bool create) {
    if (rawPath.isEmpty()) return;
    const QString path = QDir::cleanPath(QFileInfo(rawPath).absoluteFilePath());
    if (create && !QDir().mkpath(QFileInfo(path).absolutePath())) {
        m_error->showError(tr("Could not create “%1”").arg(QDir::toNativeSeparators(path)),
                           tr("The folder for the library could not be created. Check that you may write there."),
                           QString());
        Q_EMIT libraryFailed(path, m_error->reason());
        return;
    }
    m_openingPath = path;
    beginRequest();
    m_access->open(path, create, this, [this, path](diffclip::Status s) {
        endRequest();
        m_openingPath.clear();
        if (!s) {
            showError(tr("Could not open the library “%1”").arg(QDir::toNativeSeparators(path)), s.error());
            m_model->clear();
            m_failures->clear();
            updateState();
            Q_EMIT libraryFailed(path, m_error->reason());
            return;
        }
        m_error->clear();
        m_undo->clear();  // label steps belong to the library they were made in
        AppSettings::addRecentLibrary(path);
        m_pathLabel->setText(QDir::toNativeSeparators(path));
        m_pathLabel->setToolTip(QDir::toNativeSeparators(path));
        reload();
        setWorkspace(m_workspace);  // the note says when the library is read-only
        Q_EMIT libraryOpened(path);
    });
}

void LibraryPage::reload() {
    if (!m_access->isOpen()) return;
    beginRequest();
    m_access->run<diffclip::Result<Snapshot>>(
        this,
        [](diffclip::Library& lib) -> diffclip::Result<Snapshot> {
            Snapshot s;
            auto images = lib.listImages();
            if (!images) return images.error();
            auto labels = lib.currentLabels();
            if (!labels) return labels.error();
            auto failures = lib.failures();
            if (!failures) return failures.error();
            auto classes = lib.labels();
            if (!classes) return classes.error();
            // Failed files are listed in their own view, not in the grid.
            for (auto& im : *images)
                if (im.status == diffclip::ImageStatus::Ok) s.images.push_back(std::move(im));
            s.labels = std::move(labels).value();
            s.failures = std::move(failures).value();
            s.classes = std::move(classes).value();
            return s;
        },
        [this](diffclip::Result<Snapshot> r) {
            endRequest();
            if (!r) {
                showError(tr("Could not read the library"), r.error());
                return;
            }
            const std::vector<qint64> selected = selectedIds();
            m_model->setImages(std::move(r->images), r->labels);
            m_failures->clear();
            for (const auto& f : r->failures) {
                auto* item = new QTreeWidgetItem(m_failures);
                const QString path = QDir::toNativeSeparators(QFile::decodeName(f.path.c_str()));
                item->setText(0, path);
                item->setToolTip(0, path);
                item->setText(1, fromStd(f.reason));
                item->setToolTip(1, fromStd(f.reason));
            }
            m_tabs->setTabText(1, r->failures.empty() ? tr("Failed Files")
                                                      : tr("Failed Files (%1)").arg(qlonglong(r->failures.size())));
            refreshClasses(r->classes);
            updateFilterChoices();
            applySort();
            selectIds(selected);
            updateState();
            updateDetails();
            Q_EMIT reloaded();
        });
}

void LibraryPage::showProblem(const QString& title, const QString& reason, const QString& details) {
    m_error->showError(title, reason, details);
}

void LibraryPage::setWorkspace(std::shared_ptr<diffclip::Workspace> workspace) {
    m_workspace = std::move(workspace);
    // The model in use is "the active model" here as on every page (docs/ARCHITECTURE.md).
    const QString activeName = ModelListModel::displayName(m_activeModel);
    if (m_workspace) {
        m_workspaceNote->setText(tr("Photos are added and embedded with the active model %1.")
                                     .arg(QDir::toNativeSeparators(fromStd(m_workspace->modelSpec()))));
        m_workspaceNote->setForegroundRole(QPalette::PlaceholderText);
    } else if (m_openingWorkspace) {
        m_workspaceNote->setText(m_activeModel.isEmpty() ? tr("Opening the library with its active model…")
                                                         : tr("Opening the library with the active model %1…").arg(activeName));
        m_workspaceNote->setForegroundRole(QPalette::PlaceholderText);
    } else if (!m_activeModel.isEmpty() && !m_access->isOpen()) {
        m_workspaceNote->setText(tr("The active model is %1. Open or create a library to add photos with it.")
                                     .arg(activeName));
        m_workspaceNote->setForegroundRole(QPalette::WindowText);
    } else {
        m_workspaceNote->setText(tr("No model is active. You can browse, label and describe photos; to add photos, "
                                    "open a model on the Models page (it embeds the photos for search)."));
        m_workspaceNote->setForegroundRole(QPalette::WindowText);
    }
    if (m_access->isReadOnly()) {
        m_workspaceNote->setText(tr("This library is read-only for you: you can browse and search it, but labels, "
                                    "metadata and new photos cannot be saved."));
        m_workspaceNote->setForegroundRole(QPalette::WindowText);
    }
    updateState();
}

void LibraryPage::setActiveModel(const QString& spec, bool opening) {
    if (spec == m_activeModel && opening == m_openingWorkspace) return;
    m_activeModel = spec;
    m_openingWorkspace = opening;
    setWorkspace(m_workspace);
}

int LibraryPage::addPaths(const QStringList& paths, bool labelsFromFolders, const QString& metadataCsv) {
    if (paths.isEmpty()) return 0;
    if (!m_workspace || !m_access->isOpen()) {
        m_error->showError(tr("Cannot add photos yet"),
                           !m_access->isOpen() ? tr("Open or create a library first.")
                                               : tr("Adding photos needs a model to embed them. Open a model on the "
                                                    "Models page, then add the folder again."),
                           QString());
        return 0;
    }
    diffclip::IndexOptions options;
    options.labelsFromFolders = labelsFromFolders;
    options.metadataCsv = QFile::encodeName(metadataCsv).toStdString();
    options.batchSize = AppSettings::batchSize();
    QPointer<LibraryPage> self(this);
    const int id = m_jobs->submitIndexing(m_workspace, paths, options, [self](const JobInfo&) {
        if (self) self->reload();  // whatever the outcome: finished batches are committed
    });
    Q_EMIT jobStarted(id);
    return id;
}

void LibraryPage::labelSelected(const QString& label) {
    const std::vector<qint64> ids = selectedIds();
    if (ids.empty() || !m_access->isOpen()) return;
    auto change = std::make_shared<LabelChange>();
    change->ids.assign(ids.begin(), ids.end());
    change->label = label.trimmed().toStdString();
    const QString text = label.isEmpty() ? tr("Clear the label of %n photo(s)", nullptr, int(ids.size()))
                                         : tr("Label %n photo(s) “%1”", nullptr, int(ids.size())).arg(label);
    m_undo->push(new LabelCommand(this, std::move(change), text));  // push() runs redo()
}

void LibraryPage::labelSelectedWithClass(int index) {
    if (index >= 0 && index < m_classes.size()) labelSelected(m_classes[index]);
}

void LibraryPage::applyLabelChange(const std::shared_ptr<LabelChange>& change, bool undo) {
    beginRequest();
    m_access->run<diffclip::Result<LabelOutcome>>(
        this,
        [change, undo](diffclip::Library& lib) -> diffclip::Result<LabelOutcome> {
            auto tx = lib.begin();  // all photos of the step, or none
            if (!tx) return tx.error();
            if (!change->previousKnown) {
                change->previous.clear();
                for (int64_t id : change->ids) {
                    auto entries = lib.labelEntries(id);
                    if (!entries) return entries.error();
                    std::optional<std::string> manual;
                    for (const auto& e : *entries)
                        if (e.source == diffclip::LabelSource::Manual) manual = e.label;
                    change->previous.push_back(manual);
                }
                change->previousKnown = true;
            }
            for (size_t i = 0; i < change->ids.size(); ++i) {
                const int64_t id = change->ids[i];
                const std::optional<std::string> target =
                    undo ? change->previous[i]
                         : (change->label.empty() ? std::nullopt : std::optional<std::string>(change->label));
                diffclip::Status s = target ? lib.setLabel(id, *target, diffclip::LabelSource::Manual)
                                            : lib.clearLabel(id, diffclip::LabelSource::Manual);
                if (!s) return s.error();
            }
            diffclip::Status committed = tx->commit();
            if (!committed) return committed.error();
            LabelOutcome out;
            for (int64_t id : change->ids) {
                auto l = lib.label(id);
                if (!l) return l.error();
                out.current.emplace_back(id, *l);
            }
            auto classes = lib.labels();
            if (!classes) return classes.error();
            out.classes = std::move(classes).value();
            return out;
        },
        [this](diffclip::Result<LabelOutcome> r) {
            endRequest();
            if (!r) {
                showError(tr("The label could not be stored"), r.error());
                return;
            }
            m_model->setLabels(r->current);
            refreshClasses(r->classes);
            updateFilterChoices();
            updateDetails();
            Q_EMIT labelsChanged();
        });
}

void LibraryPage::refreshClasses(const std::vector<std::string>& labels) {
    m_classes.clear();
    for (const auto& l : labels) m_classes << fromStd(l);
    QStringList keys;
    for (int i = 0; i < m_classes.size() && i < kClassKeys; ++i)
        keys << QStringLiteral("%1 %2").arg(i + 1).arg(m_classes[i]);
    m_classHint->setText(m_classes.isEmpty()
                             ? tr("Type a class name and press Assign. The first nine classes then get the keys 1–9 "
                                  "in the photo grid; 0 clears, Ctrl+Z undoes.")
                             : tr("Keys in the photo grid: %1 · 0 clears · Ctrl+Z undoes")
                                   .arg(keys.join(QStringLiteral(" · "))));
    const QString typed = m_labelEdit->currentText();
    m_labelEdit->clear();
    m_labelEdit->addItems(m_classes);
    m_labelEdit->setEditText(typed);
}

void LibraryPage::updateFilterChoices() {
    auto refill = [](QComboBox* box, const QString& allText, const QStringList& values, const QString& noneText) {
        const QString current = box->currentIndex() > (noneText.isEmpty() ? 0 : 1) ? box->currentText() : QString();
        const int currentIndex = box->currentIndex();
        const QSignalBlocker block(box);
        box->clear();
        box->addItem(allText);
        if (!noneText.isEmpty()) box->addItem(noneText);
        box->addItems(values);
        const int again = current.isEmpty() ? qMax(0, qMin(currentIndex, noneText.isEmpty() ? 0 : 1))
                                            : box->findText(current);
        box->setCurrentIndex(again < 0 ? 0 : again);
    };
    QStringList lines, products;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const QModelIndex i = m_model->index(r);
        const QString line = i.data(LibraryModel::LineRole).toString();
        const QString product = i.data(LibraryModel::ProductRole).toString();
        if (!line.isEmpty() && !lines.contains(line)) lines << line;
        if (!product.isEmpty() && !products.contains(product)) products << product;
    }
    lines.sort(Qt::CaseInsensitive);
    products.sort(Qt::CaseInsensitive);
    refill(m_labelFilter, tr("All labels"), m_classes, tr("No label"));
    refill(m_lineFilter, tr("All lines"), lines, QString());
    refill(m_productFilter, tr("All products"), products, QString());
    applyFilters();
}

void LibraryPage::applyFilters() {
    const int li = m_labelFilter->currentIndex();
    m_proxy->setUnlabelledOnly(li == 1);
    m_proxy->setLabelFilter(li >= 2 ? m_labelFilter->currentText() : QString());
    m_proxy->setLineFilter(m_lineFilter->currentIndex() <= 0 ? QString() : m_lineFilter->currentText());
    m_proxy->setProductFilter(m_productFilter->currentIndex() <= 0 ? QString() : m_productFilter->currentText());
    m_proxy->setDateRange(m_dateFrom->text(), m_dateTo->text());
    m_proxy->setText(m_text->text());
    updateState();
}

void LibraryPage::applySort() {
    m_proxy->setSortKey(LibraryFilterProxy::SortKey(m_sort->currentData().toInt()),
                        Qt::SortOrder(m_order->currentData().toInt()));
}

void LibraryPage::updateState() {
    const bool open = m_access->isOpen();
    m_stack->setCurrentWidget(open ? static_cast<QWidget*>(m_tabs) : m_emptyState);
    m_addFolder->setEnabled(open && !m_access->isReadOnly());
    m_mirror->setEnabled(open && !m_classes.isEmpty());
    m_autoLabel->setEnabled(open && m_workspace && !m_access->isReadOnly());
    if (!open) m_pathLabel->setText(tr("No library open"));
    const QLocale l;
    m_countLabel->setText(tr("%1 photos, %2 shown, %3 selected")
                              .arg(l.toString(m_model->rowCount()), l.toString(m_proxy->rowCount()),
                                   l.toString(qlonglong(m_view->selectionModel()->selectedIndexes().size()))));
}

std::vector<qint64> LibraryPage::selectedIds() const {
    std::vector<qint64> ids;
    const QModelIndexList rows = m_view->selectionModel()->selectedIndexes();
    for (const QModelIndex& i : rows) ids.push_back(i.data(LibraryModel::IdRole).toLongLong());
    std::sort(ids.begin(), ids.end());
    return ids;
}

void LibraryPage::selectIds(const std::vector<qint64>& ids) {
    QItemSelection selection;
    QModelIndex first;
    for (qint64 id : ids) {
        const int row = m_model->rowOf(id);
        if (row < 0) continue;
        const QModelIndex p = m_proxy->mapFromSource(m_model->index(row));
        if (!p.isValid()) continue;
        selection.select(p, p);
        if (!first.isValid()) first = p;
    }
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (first.isValid()) m_view->selectionModel()->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
    updateDetails();
}

void LibraryPage::updateDetails() {
    updateState();
    const std::vector<qint64> ids = selectedIds();
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    const qint64 id = current.isValid() && m_view->selectionModel()->isSelected(current)
                          ? current.data(LibraryModel::IdRole).toLongLong()
                          : (ids.empty() ? 0 : ids.front());
    const bool any = !ids.empty();
    m_assign->setEnabled(any);
    m_clearLabel->setEnabled(any);
    m_labelEdit->setEnabled(any);
    const diffclip::ImageRecord* rec = m_model->image(id);
    for (QWidget* w : {static_cast<QWidget*>(m_product), static_cast<QWidget*>(m_line), static_cast<QWidget*>(m_lot),
                       static_cast<QWidget*>(m_date), static_cast<QWidget*>(m_inspector),
                       static_cast<QWidget*>(m_notes), static_cast<QWidget*>(m_saveMetadata)})
        w->setEnabled(rec != nullptr);
    if (!any) {
        m_detailTitle->setText(tr("Select photos to label them or edit their metadata."));
        m_labelSources->clear();
    } else if (ids.size() == 1) {
        m_detailTitle->setText(QFileInfo(QFile::decodeName(rec ? rec->path.c_str() : "")).fileName());
    } else {
        m_detailTitle->setText(tr("%n photos selected; the metadata below is of the current one.", nullptr,
                                  int(ids.size())));
    }
    if (id != m_detailId || !rec) {  // the same photo again: keep what the user is typing
        m_detailId = rec ? id : 0;
        diffclip::ImageRecord empty;
        setMetadataFields(rec ? *rec : empty);
    }
    if (!rec) {
        m_labelSources->clear();
        return;
    }
    beginRequest();
    m_access->run<diffclip::Result<std::vector<diffclip::Library::LabelEntry>>>(
        this, [id](diffclip::Library& lib) { return lib.labelEntries(id); },
        [this, id](diffclip::Result<std::vector<diffclip::Library::LabelEntry>> r) {
            endRequest();
            if (id != m_detailId) return;
            if (!r) {
                m_labelSources->setText(tr("Labels could not be read: %1").arg(ErrorText::details(r.error())));
                return;
            }
            if (r->empty()) {
                m_labelSources->setText(tr("No label yet."));
                return;
            }
            QStringList parts;
            for (size_t i = 0; i < r->size(); ++i) {
                const auto& e = (*r)[i];
                QString part = QStringLiteral("%1 (%2").arg(fromStd(e.label), sourceText(e.source));
                if (e.source == diffclip::LabelSource::ZeroShot || e.source == diffclip::LabelSource::Training)
                    part += QStringLiteral(", %1").arg(QLocale().toString(e.confidence, 'f', 2));
                part += QLatin1Char(')');
                parts << (i == 0 ? tr("Current: %1").arg(part) : part);
            }
            m_labelSources->setText(parts.join(QStringLiteral(" · ")));
        });
}

void LibraryPage::setMetadataFields(const diffclip::ImageRecord& values) {
    m_product->setText(fromStd(values.product));
    m_line->setText(fromStd(values.line));
    m_lot->setText(fromStd(values.lot));
    m_date->setText(fromStd(values.date));
    m_inspector->setText(fromStd(values.inspector));
    m_notes->setPlainText(fromStd(values.notes));
}

void LibraryPage::saveMetadata() {
    if (m_detailId == 0) return;
    diffclip::ImageRecord m;
    m.product = m_product->text().trimmed().toStdString();
    m.line = m_line->text().trimmed().toStdString();
    m.lot = m_lot->text().trimmed().toStdString();
    m.date = m_date->text().trimmed().toStdString();
    m.inspector = m_inspector->text().trimmed().toStdString();
    m.notes = m_notes->toPlainText().trimmed().toStdString();
    const int64_t id = m_detailId;
    beginRequest();
    m_access->run<diffclip::Result<diffclip::ImageRecord>>(
        this,
        [id, m](diffclip::Library& lib) -> diffclip::Result<diffclip::ImageRecord> {
            diffclip::Status s = lib.updateMetadata(id, m);
            if (!s) return s.error();
            return lib.imageById(id);
        },
        [this](diffclip::Result<diffclip::ImageRecord> r) {
            endRequest();
            if (!r) {
                showError(tr("The metadata could not be saved"), r.error());
                return;
            }
            m_error->clear();
            m_model->updateImage(*r);
            updateFilterChoices();
            Q_EMIT labelsChanged();
        });
}

void LibraryPage::showAutoLabelDialog() {
    if (!m_access->isOpen() || !m_workspace) {
        m_error->showError(tr("Cannot label automatically"),
                           tr("Automatic labels need a library and a model. Open a model on the Models page first."),
                           QString());
        return;
    }
    // The prompts are stored in the library, so the dialog opens with what was used last time.
    using Stored = Result<AutoLabelSettings>;
    m_access->run<Stored>(
        this,
        [](diffclip::Library& lib) -> Stored {
            AutoLabelSettings st;
            auto classes = lib.setting(AutoLabelSettings::kClassesKey);
            auto templates = lib.setting(AutoLabelSettings::kTemplatesKey);
            auto minConf = lib.setting(AutoLabelSettings::kMinConfidenceKey);
            auto only = lib.setting(AutoLabelSettings::kOnlyUnlabelledKey);
            if (!classes) return classes.error();
            st.classes = fromStd(*classes);
            st.templates = templates && !templates->empty() ? fromStd(*templates) : AutoLabelSettings::defaultTemplates();
            bool ok = false;
            const double v = minConf ? QString::fromStdString(*minConf).toDouble(&ok) : 0.0;
            if (ok && v >= 0.0 && v <= 1.0) st.minConfidence = v;
            if (only && !only->empty()) st.onlyUnlabelled = *only != "0";
            return st;
        },
        [this](Stored stored) {
            AutoLabelSettings initial = stored ? *stored : AutoLabelSettings{};
            if (!stored) initial.templates = AutoLabelSettings::defaultTemplates();
            if (initial.classes.trimmed().isEmpty()) initial.classes = AutoLabelSettings::classesFromNames(m_classes);
            auto* dialog = new AutoLabelDialog(initial, m_classes, this);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            connect(dialog, &QDialog::accepted, this, [this, dialog] {
                const AutoLabelSettings chosen = dialog->settings();
                m_access->run<Status>(
                    this,
                    [chosen](diffclip::Library& lib) -> Status {
                        const std::pair<const char*, std::string> values[] = {
                            {AutoLabelSettings::kClassesKey, chosen.classes.toStdString()},
                            {AutoLabelSettings::kTemplatesKey, chosen.templates.toStdString()},
                            {AutoLabelSettings::kMinConfidenceKey, QString::number(chosen.minConfidence).toStdString()},
                            {AutoLabelSettings::kOnlyUnlabelledKey, chosen.onlyUnlabelled ? "1" : "0"}};
                        for (const auto& [key, value] : values)
                            if (auto saved = lib.setSetting(key, value); !saved) return saved;
                        return Status{};
                    },
                    [this](Status saved) {
                        if (!saved)
                            m_error->showError(tr("The prompts were not saved in the library"),
                                               ErrorText::libraryReason(saved.error().code),
                                               ErrorText::details(saved.error()));
                    });
                autoLabel(dialog->options());
            });
            dialog->open();
        });
}

int LibraryPage::autoLabel(const diffclip::AutoTagOptions& options) {
    if (!m_workspace || options.classes.size() < 2) {
        m_error->showError(tr("Cannot label automatically"),
                           !m_workspace ? tr("Automatic labels need a model. Open a model on the Models page first.")
                                        : tr("Automatic labels need at least two classes."),
                           QString());
        return 0;
    }
    QPointer<LibraryPage> self(this);
    const int id = m_jobs->submitAutoTagging(m_workspace, options, [self](const JobInfo&) {
        if (self) self->reload();
    });
    Q_EMIT jobStarted(id);
    return id;
}

int LibraryPage::mirrorLabels(const QString& folder, MirrorMode mode) {
    if (!m_access->isOpen() || folder.isEmpty()) return 0;
    const QString library = m_access->path();
    const int id = m_jobs->submit(
        JobKind::Other, tr("Mirror labels to %1").arg(QDir::toNativeSeparators(folder)),
        mirrorLabelsJob(library, folder, mode));
    Q_EMIT jobStarted(id);
    return id;
}

void LibraryPage::chooseLibraryToOpen() {
    const QStringList recent = AppSettings::recentLibraries();
    const QString start = recent.isEmpty() ? QFileInfo(AppSettings::defaultLibraryPath()).absolutePath()
                                           : QFileInfo(recent.first()).absolutePath();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Library"), start,
                                                      tr("DiffCLIP libraries (*.dclib);;All files (*)"));
    if (!path.isEmpty()) openLibrary(path, false);
}

void LibraryPage::chooseLibraryToCreate() {
    QString path = QFileDialog::getSaveFileName(this, tr("New Library"), AppSettings::newLibraryPath(),
                                                tr("DiffCLIP libraries (*.dclib)"));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".dclib");
    openLibrary(path, true);
}

void LibraryPage::createDefaultLibrary() { openLibrary(AppSettings::defaultLibraryPath(), true); }

void LibraryPage::chooseFolderToAdd() {
    AddFolderDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted) return;
    const QString folder = dialog.folder->text().trimmed();
    if (folder.isEmpty() || !QFileInfo(folder).exists()) {
        m_error->showError(tr("Cannot add photos"), tr("The folder “%1” does not exist.").arg(folder), QString());
        return;
    }
    addPaths({folder}, dialog.labels->isChecked(), dialog.csv->text().trimmed());
}

void LibraryPage::chooseMirrorFolder() {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Folder for the Class Folders"));
    if (folder.isEmpty()) return;
    QMessageBox box(QMessageBox::Question, tr("Mirror Labels"),
                    tr("Make one folder per class in “%1” with links to the labelled photos, or with copies of "
                       "them? Links take no space; copies also work on other computers. Running it again updates "
                       "the folders and never touches files it did not make.")
                        .arg(QDir::toNativeSeparators(folder)),
                    QMessageBox::Cancel, this);
    QPushButton* links = box.addButton(tr("Links"), QMessageBox::AcceptRole);
    QPushButton* copies = box.addButton(tr("Copies"), QMessageBox::AcceptRole);
    box.exec();
    if (box.clickedButton() == links) mirrorLabels(folder, MirrorMode::Link);
    else if (box.clickedButton() == copies) mirrorLabels(folder, MirrorMode::Copy);
}

}  // namespace diffclip::ui
