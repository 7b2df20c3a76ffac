#include "ModelsPage.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QHeaderView>
#include <QListView>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPointer>
#include <QPushButton>
#include <QShortcut>
#include <QShowEvent>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "AppSettings.h"
#include "ErrorBanner.h"
#include "ErrorText.h"
#include "JobCentre.h"
#include "ModelDrop.h"
#include "ModelListModel.h"
#include "ModelSummaryView.h"
#include "RegistryModel.h"
#include "diffclip/indexing/Workspace.h"
#include "diffclip/library/Library.h"
#include "diffclip/registry/ModelRegistry.h"
#include "diffclip/registry/RegistryImport.h"

namespace diffclip::ui {

namespace {

QString canonicalModelPath(const QString& path) {
    const QFileInfo info(path);
    return QDir::cleanPath(info.absoluteFilePath());
}

QLabel* pageTitle(const QString& text, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    QFont f = l->font();
    f.setPointSizeF(f.pointSizeF() * 1.6);
    f.setBold(true);
    l->setFont(f);
    l->setAccessibleName(text);
    return l;
}

}  // namespace

ModelsPage::ModelsPage(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("modelsPage"));
    setAcceptDrops(true);

    auto* openFile = new QPushButton(tr("Open Model…"), this);
    openFile->setObjectName(QStringLiteral("openModelButton"));
    openFile->setToolTip(tr("Open a .pt, .pth or .safetensors file"));
    openFile->setAccessibleName(tr("Open model file"));
    connect(openFile, &QPushButton::clicked, this, &ModelsPage::chooseModelFile);
    auto* openFolder = new QPushButton(tr("Open Package Folder…"), this);
    openFolder->setToolTip(tr("Open a model package: a folder with config.json and model.safetensors"));
    openFolder->setAccessibleName(tr("Open model package folder"));
    connect(openFolder, &QPushButton::clicked, this, &ModelsPage::chooseModelFolder);

    auto* importButton = new QPushButton(tr("&Import into Registry…"), this);
    importButton->setObjectName(QStringLiteral("importModelButton"));
    importButton->setToolTip(tr("Copy or convert a .pt, .pth or .safetensors file into the model registry"));
    importButton->setAccessibleName(tr("Import a model file into the registry"));
    connect(importButton, &QPushButton::clicked, this, &ModelsPage::chooseModelToImport);

    auto* header = new QHBoxLayout;
    header->addWidget(pageTitle(tr("Models"), this));
    header->addStretch(1);
    header->addWidget(importButton);
    header->addWidget(openFile);
    header->addWidget(openFolder);

    auto* intro = new QLabel(tr("The registry keeps every imported and trained model version; the active one is used "
                                "to search the open library. Open a DiffCLIP or CLIP model below to see its "
                                "architecture, preprocessing and checksums, or drop a .pt, .pth or .safetensors file "
                                "or a model package folder here."),
                             this);
    intro->setWordWrap(true);

    // Busy indicator: an indeterminate bar, because the core reports no progress while it
    // reads and checks a model.
    m_busyPanel = new QWidget(this);
    m_busyBar = new QProgressBar(m_busyPanel);
    m_busyBar->setRange(0, 0);
    m_busyBar->setTextVisible(false);
    m_busyBar->setAccessibleName(tr("Opening model"));
    m_busyBar->setMaximumWidth(fontMetrics().averageCharWidth() * 24);
    m_busyLabel = new QLabel(m_busyPanel);
    m_busyLabel->setObjectName(QStringLiteral("busyLabel"));
    m_busyLabel->setWordWrap(true);
    auto* busyRow = new QHBoxLayout(m_busyPanel);
    busyRow->setContentsMargins(0, 0, 0, 0);
    busyRow->addWidget(m_busyBar);
    busyRow->addWidget(m_busyLabel, 1);
    m_busyPanel->hide();

    m_error = new ErrorBanner(this);

    // Left: the models opened in this session.
    m_models = new ModelListModel(this);
    m_list = new QListView(this);
    m_list->setObjectName(QStringLiteral("openModelsList"));
    m_list->setModel(m_models);
    m_list->setAccessibleName(tr("Open models"));
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setUniformItemSizes(true);
    m_list->setTextElideMode(Qt::ElideMiddle);  // the tooltip has the full path
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { showRow(current.row()); });
    auto* del = new QShortcut(QKeySequence::Delete, m_list, nullptr, nullptr, Qt::WidgetShortcut);
    connect(del, &QShortcut::activated, this, &ModelsPage::closeCurrentModel);

    m_closeButton = new QPushButton(tr("Close Model"), this);
    m_closeButton->setToolTip(tr("Remove the selected model from this list (the file is not touched)"));
    m_closeButton->setAccessibleName(tr("Close selected model"));
    connect(m_closeButton, &QPushButton::clicked, this, &ModelsPage::closeCurrentModel);

    auto* listLabel = new QLabel(tr("Open models:"), this);
    listLabel->setBuddy(m_list);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(listLabel);
    leftLayout->addWidget(m_list, 1);
    leftLayout->addWidget(m_closeButton, 0, Qt::AlignLeft);

    // Right: the chosen model's summary, or a hint when nothing is open.
    auto* emptyLabel = new QLabel(tr("No model is open.\nChoose Open Model… or drop a model file or package folder "
                                     "onto this window."),
                                  this);
    emptyLabel->setObjectName(QStringLiteral("emptyStateLabel"));
    emptyLabel->setAlignment(Qt::AlignCenter);
    emptyLabel->setWordWrap(true);
    emptyLabel->setForegroundRole(QPalette::PlaceholderText);
    m_emptyState = emptyLabel;

    m_summary = new ModelSummaryView(this);
    m_copyButton = new QPushButton(tr("Copy Summary"), this);
    m_copyButton->setToolTip(tr("Copy the whole summary as text, for a report or a support request"));
    m_copyButton->setAccessibleName(tr("Copy model summary"));
    connect(m_copyButton, &QPushButton::clicked, this, &ModelsPage::copySummary);
    m_summaryPane = new QWidget(this);
    auto* paneLayout = new QVBoxLayout(m_summaryPane);
    paneLayout->setContentsMargins(0, 0, 0, 0);
    paneLayout->addWidget(m_summary, 1);
    paneLayout->addWidget(m_copyButton, 0, Qt::AlignRight);

    m_detailStack = new QStackedWidget(this);
    m_detailStack->addWidget(m_emptyState);
    m_detailStack->addWidget(m_summaryPane);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(left);
    m_splitter->addWidget(m_detailStack);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 3);
    const int listWidth = fontMetrics().averageCharWidth() * 36;
    m_splitter->setSizes({listWidth, listWidth * 3});

    auto* inspectTitle = new QLabel(tr("Inspect model files"), this);
    QFont bold = inspectTitle->font();
    bold.setBold(true);
    inspectTitle->setFont(bold);
    auto* inspect = new QWidget(this);
    auto* inspectLayout = new QVBoxLayout(inspect);
    inspectLayout->setContentsMargins(0, 0, 0, 0);
    inspectLayout->addWidget(inspectTitle);
    inspectLayout->addWidget(m_splitter, 1);

    m_pageSplitter = new QSplitter(Qt::Vertical, this);
    m_pageSplitter->setObjectName(QStringLiteral("modelsPageSplitter"));
    m_pageSplitter->setChildrenCollapsible(false);
    m_pageSplitter->addWidget(buildRegistryPanel());
    m_pageSplitter->addWidget(inspect);
    m_pageSplitter->setStretchFactor(0, 3);
    m_pageSplitter->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(intro);
    layout->addWidget(m_busyPanel);
    layout->addWidget(m_error);
    layout->addWidget(m_pageSplitter, 1);

    showRow(-1);
    setRegistryRoot(AppSettings::modelRegistryDir());
}

int ModelsPage::modelCount() const { return m_models->rowCount(); }

QString ModelsPage::currentModelPath() const { return m_models->pathAt(m_list->currentIndex().row()); }

QByteArray ModelsPage::splitterState() const { return m_splitter->saveState(); }

void ModelsPage::restoreSplitterState(const QByteArray& state) {
    if (!state.isEmpty()) m_splitter->restoreState(state);
}

void ModelsPage::chooseModelFile() {
    QString start;
    const QStringList recent = AppSettings::recentModels();
    if (!recent.isEmpty()) start = QFileInfo(recent.first()).absolutePath();
    const QString filter = tr("Models (*.pt *.pth *.safetensors);;All files (*)");
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Model"), start, filter);
    if (!path.isEmpty()) openModel(path);
}

void ModelsPage::chooseModelFolder() {
    const QString path = QFileDialog::getExistingDirectory(this, tr("Open Model Package Folder"));
    if (!path.isEmpty()) openModel(path);
}

void ModelsPage::openModel(const QString& rawPath) {
    if (rawPath.isEmpty()) return;
    const QString path = canonicalModelPath(rawPath);
    if (path == m_loadingPath || m_queue.contains(path)) return;
    m_queue.append(path);
    if (!isBusy()) startNextLoad();
    updateBusyUi();
}

void ModelsPage::startNextLoad() {
    if (m_queue.isEmpty()) return;
    m_loadingPath = m_queue.takeFirst();
    Q_EMIT busyChanged(true);

    // The watcher is parented to the page: if the page goes away first, the result is dropped.
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher] {
        const Outcome outcome = watcher->result();
        watcher->deleteLater();
        finishLoad(outcome);
    });
    const std::string spec = QFile::encodeName(m_loadingPath).toStdString();
    watcher->setFuture(QtConcurrent::run([path = m_loadingPath, spec]() -> Outcome {
        Outcome out;
        out.path = path;
        try {
            auto result = diffclip::summariseModel(spec);
            out.ok = result.ok();
            if (result.ok())
                out.summary = std::move(result).value();
            else
                out.error = result.error();
        } catch (const std::bad_alloc&) {
            out.error = diffclip::makeError(diffclip::ErrorCode::OutOfMemory, spec + ": out of memory");
        } catch (const std::exception& e) {
            out.error = diffclip::makeError(diffclip::ErrorCode::Internal, spec + ": " + e.what());
        }
        return out;
    }));
    updateBusyUi();
}

void ModelsPage::finishLoad(const Outcome& outcome) {
    m_loadingPath.clear();
    if (outcome.ok) {
        m_error->clear();
        // A model opened here becomes the one the workspace opens with (MainWindow), so an
        // earlier registry activation no longer decides.
        m_activated.clear();
        const int row = m_models->addOrReplace(outcome.path, outcome.summary);
        m_list->setCurrentIndex(m_models->index(row));
        showRow(row);  // also when the row was current already (a reload)
        Q_EMIT modelOpened(outcome.path);
    } else {
        const QString reason = ErrorText::modelOpenReason(outcome.error.code);
        const QString details = ErrorText::details(outcome.error);
        const QString title = tr("Could not open “%1”").arg(ModelListModel::displayName(outcome.path));
        m_error->showError(title, reason, details);
        Q_EMIT openFailed(outcome.path, reason, details);
    }
    if (!m_queue.isEmpty()) {
        startNextLoad();
    } else {
        updateBusyUi();
        Q_EMIT busyChanged(false);
    }
}

void ModelsPage::showRow(int row) {
    const bool has = row >= 0 && row < m_models->rowCount();
    if (has) m_summary->setSummary(m_models->pathAt(row), m_models->summaryAt(row));
    m_detailStack->setCurrentWidget(has ? m_summaryPane : m_emptyState);
    m_closeButton->setEnabled(has);
    m_copyButton->setEnabled(has);
}

void ModelsPage::closeCurrentModel() {
    const int row = m_list->currentIndex().row();
    if (row < 0) return;
    m_models->removeRow(row);
    // The view moves the current index to a neighbour; show whatever is current now.
    showRow(m_list->currentIndex().row());
}

void ModelsPage::copySummary() {
    if (m_list->currentIndex().isValid()) QApplication::clipboard()->setText(m_summary->toPlainText());
}

void ModelsPage::updateBusyUi() {
    if (!isBusy()) {
        m_busyPanel->hide();
        return;
    }
    QString text = tr("Opening “%1”… Reading and checking the weights can take a while for large models.")
                       .arg(ModelListModel::displayName(m_loadingPath));
    if (!m_queue.isEmpty()) text += QLatin1Char(' ') + tr("%1 more waiting.").arg(m_queue.size());
    m_busyLabel->setText(text);
    m_busyPanel->show();
}

void ModelsPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (!event->spontaneous()) refreshRegistry();
}

void ModelsPage::dragEnterEvent(QDragEnterEvent* event) {
    if (!modelPathsFromMimeData(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void ModelsPage::dropEvent(QDropEvent* event) {
    const QStringList paths = modelPathsFromMimeData(event->mimeData());
    if (paths.isEmpty()) return;
    event->acceptProposedAction();
    for (const QString& p : paths) openModel(p);
}

// ---------------------------------------------------------------------------------------------
// The registry

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }
std::string encoded(const QString& path) { return QFile::encodeName(path).toStdString(); }
QString cleanOrEmpty(const QString& path) { return path.isEmpty() ? QString() : QDir::cleanPath(path); }

// What the page reads from the library (on a worker thread).
struct LibraryState {
    bool ok = false;
    diffclip::Error error;
    QString active;
    QStringList history;
    std::vector<diffclip::Library::ModelEmbeddingCount> counts;
};

LibraryState readLibraryState(const QString& libraryPath) {
    LibraryState out;
    diffclip::LibraryOptions options;
    options.readOnly = true;
    options.create = false;
    auto lib = diffclip::Library::open(encoded(libraryPath), options);
    if (!lib) {
        out.error = lib.error();
        return out;
    }
    auto active = lib->setting("active_model");
    auto history = lib->activeModelHistory();
    auto counts = lib->embeddingCountsByModel();
    if (!active || !history || !counts) {
        out.error = !active ? active.error() : !history ? history.error() : counts.error();
        return out;
    }
    out.ok = true;
    out.active = QFile::decodeName(active->c_str());
    for (const auto& h : *history) out.history << QFile::decodeName(h.c_str());
    out.counts = std::move(*counts);
    return out;
}

}  // namespace

QWidget* ModelsPage::buildRegistryPanel() {
    auto* panel = new QWidget(this);
    auto* title = new QLabel(tr("Model registry"), panel);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    m_libraryLabel = new QLabel(panel);
    m_libraryLabel->setObjectName(QStringLiteral("registryLibraryLabel"));
    m_libraryLabel->setWordWrap(true);
    m_libraryLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_registry = new RegistryModel(this);
    m_registryView = new QTableView(panel);
    m_registryView->setObjectName(QStringLiteral("registryView"));
    m_registryView->setModel(m_registry);
    m_registryView->setAccessibleName(tr("Model versions in the registry"));
    m_registryView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_registryView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_registryView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_registryView->setTabKeyNavigation(false);  // Tab leaves the table for the buttons
    m_registryView->verticalHeader()->hide();
    m_registryView->setWordWrap(false);
    m_registryView->horizontalHeader()->setStretchLastSection(true);
    m_registryView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_registryView->horizontalHeader()->setSectionResizeMode(RegistryModel::ArchitectureColumn, QHeaderView::Interactive);
    m_registryView->setTextElideMode(Qt::ElideMiddle);
    title->setBuddy(m_registryView);
    connect(m_registryView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        showRegistryDetails();
        updateRegistryButtons();
    });
    connect(m_registryView, &QTableView::activated, this, [this] { activateSelectedModel(); });
    auto* del = new QShortcut(QKeySequence::Delete, m_registryView, nullptr, nullptr, Qt::WidgetShortcut);
    connect(del, &QShortcut::activated, this, &ModelsPage::deleteSelectedModel);

    m_activateButton = new QPushButton(tr("Make &Active"), panel);
    m_activateButton->setObjectName(QStringLiteral("makeActiveButton"));
    m_activateButton->setAccessibleName(tr("Make the selected model active for this library"));
    m_activateButton->setToolTip(tr("Search the open library with the selected model; photos it has not embedded yet "
                                    "are embedded as a job (Enter in the list does the same)"));
    connect(m_activateButton, &QPushButton::clicked, this, &ModelsPage::activateSelectedModel);
    m_rollBackButton = new QPushButton(tr("&Roll Back"), panel);
    m_rollBackButton->setObjectName(QStringLiteral("rollBackButton"));
    m_rollBackButton->setAccessibleName(tr("Make the previously active model active again"));
    connect(m_rollBackButton, &QPushButton::clicked, this, &ModelsPage::rollBack);
    m_deleteButton = new QPushButton(tr("&Delete…"), panel);
    m_deleteButton->setObjectName(QStringLiteral("deleteModelButton"));
    m_deleteButton->setAccessibleName(tr("Delete the selected model version"));
    m_deleteButton->setToolTip(tr("Delete the selected model version from the registry (the active model cannot be "
                                  "deleted)"));
    connect(m_deleteButton, &QPushButton::clicked, this, &ModelsPage::deleteSelectedModel);
    auto* refresh = new QPushButton(tr("Re&fresh"), panel);
    refresh->setAccessibleName(tr("List the registry again"));
    connect(refresh, &QPushButton::clicked, this, &ModelsPage::refreshRegistry);
    m_importLabel = new QLabel(panel);
    m_importLabel->setObjectName(QStringLiteral("importLabel"));
    m_importLabel->hide();
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_activateButton);
    buttons->addWidget(m_rollBackButton);
    buttons->addWidget(m_deleteButton);
    buttons->addWidget(refresh);
    buttons->addWidget(m_importLabel, 1);

    m_registryDetails = new QLabel(panel);
    m_registryDetails->setObjectName(QStringLiteral("registryDetails"));
    m_registryDetails->setWordWrap(true);
    m_registryDetails->setTextFormat(Qt::RichText);
    m_registryDetails->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_registryDetails->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_registryDetails->setAccessibleName(tr("Details of the selected model version"));
    // Long paths must not widen the pane at the list's expense: the text wraps to the width given.
    m_registryDetails->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_registryDetails->setMinimumWidth(fontMetrics().averageCharWidth() * 30);

    auto* embeddingsTitle = new QLabel(tr("Embeddings in this library:"), panel);
    m_embeddingsTable = new QTableWidget(0, 2, panel);
    m_embeddingsTable->setObjectName(QStringLiteral("embeddingsTable"));
    m_embeddingsTable->setAccessibleName(tr("Embeddings in this library per model"));
    m_embeddingsTable->setHorizontalHeaderLabels({tr("Model"), tr("Embeddings")});
    m_embeddingsTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_embeddingsTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_embeddingsTable->setTabKeyNavigation(false);
    m_embeddingsTable->verticalHeader()->hide();
    m_embeddingsTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_embeddingsTable->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    embeddingsTitle->setBuddy(m_embeddingsTable);

    auto* left = new QWidget(panel);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_registryView, 1);
    leftLayout->addLayout(buttons);
    auto* right = new QWidget(panel);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_registryDetails);
    rightLayout->addWidget(embeddingsTitle);
    rightLayout->addWidget(m_embeddingsTable, 1);
    auto* split = new QSplitter(Qt::Horizontal, panel);
    split->setChildrenCollapsible(false);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 1);
    const int detailsWidth = fontMetrics().averageCharWidth() * 48;
    split->setSizes({detailsWidth * 2, detailsWidth});

    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title);
    layout->addWidget(m_libraryLabel);
    layout->addWidget(split, 1);
    return panel;
}

void ModelsPage::setJobCentre(JobCentre* jobs) {
    if (m_jobs) disconnect(m_jobs, nullptr, this, nullptr);
    m_jobs = jobs;
    if (m_jobs)
        connect(m_jobs, &JobCentre::jobFinished, this, [this](int id) {
            const JobKind kind = m_jobs->job(id).kind;
            if (kind == JobKind::Indexing || kind == JobKind::Reembedding) refreshLibraryState();
        });
    updateRegistryButtons();
}

void ModelsPage::setRegistryRoot(const QString& root) {
    m_registryRoot = cleanOrEmpty(root);
    refreshRegistry();
}

void ModelsPage::refreshRegistry() {
    const QString selected = selectedRegistryPath();
    auto list = diffclip::listRegistry(encoded(m_registryRoot));
    if (!list) {
        m_registry->setEntries({});
        registryError(tr("The model registry could not be read"), ErrorText::modelOpenReason(list.error().code),
                      ErrorText::details(list.error()));
    } else {
        m_registry->setEntries(std::move(*list));
    }
    m_registry->setActivePath(m_activePath);
    if (!selected.isEmpty() && !selectRegistryModel(selected) && m_registry->rowCount() > 0)
        m_registryView->setCurrentIndex(m_registry->index(0, 0));
    else if (selected.isEmpty() && m_registry->rowCount() > 0)
        m_registryView->setCurrentIndex(m_registry->index(0, 0));
    showRegistryDetails();
    updateRegistryButtons();
    refreshLibraryState();
}

bool ModelsPage::selectRegistryModel(const QString& packagePath) {
    const int row = m_registry->rowOf(packagePath);
    if (row < 0) return false;
    m_registryView->setCurrentIndex(m_registry->index(row, 0));
    return true;
}

QString ModelsPage::selectedRegistryPath() const {
    if (!m_registryView) return {};
    return m_registry->pathAt(m_registryView->currentIndex().row());
}

QString ModelsPage::workspaceModelPath() const {
    return !m_activated.isEmpty() ? m_activated : currentModelPath();
}

QString ModelsPage::rollBackTarget() const {
    for (const QString& h : m_history)
        if (cleanOrEmpty(h) != m_activePath) return h;
    return {};
}

void ModelsPage::setLibraryPath(const QString& path) {
    if (cleanOrEmpty(path) == m_libraryPath) return;
    m_libraryPath = cleanOrEmpty(path);
    m_activePath.clear();
    m_history.clear();
    m_counts.clear();
    m_activated.clear();
    m_pendingReembed.clear();
    m_registry->setActivePath({});
    refreshLibraryState();
}

void ModelsPage::setWorkspace(std::shared_ptr<diffclip::Workspace> workspace) {
    m_workspace = std::move(workspace);
    if (m_workspace) {
        const QString lib = cleanOrEmpty(QFile::decodeName(m_workspace->libraryPath().c_str()));
        if (lib != m_libraryPath) setLibraryPath(lib);
        m_activePath = cleanOrEmpty(QFile::decodeName(m_workspace->modelSpec().c_str()));
        m_registry->setActivePath(m_activePath);
        if (!m_pendingReembed.isEmpty() && m_pendingReembed == m_activePath) {
            m_pendingReembed.clear();
            startReembedding();
        }
    }
    showRegistryDetails();
    updateRegistryButtons();
    refreshLibraryState();
}

void ModelsPage::refreshLibraryState() {
    const int generation = ++m_stateGeneration;
    if (m_libraryPath.isEmpty()) {
        m_libraryLabel->setText(tr("No library is open: open one on the Library page to choose its active model."));
        m_counts.clear();
        fillEmbeddingsTable();
        updateRegistryButtons();
        Q_EMIT libraryStateRefreshed();
        return;
    }
    auto* watcher = new QFutureWatcher<LibraryState>(this);
    connect(watcher, &QFutureWatcher<LibraryState>::finished, this, [this, watcher, generation] {
        const LibraryState state = watcher->result();
        watcher->deleteLater();
        if (generation != m_stateGeneration) return;  // a newer read is on its way
        if (!state.ok) {
            // A library that is not there yet (being created) or busy: keep what is shown.
            m_libraryLabel->setText(tr("Library %1 could not be read: %2")
                                        .arg(QDir::toNativeSeparators(m_libraryPath),
                                             ErrorText::libraryReason(state.error.code)));
            Q_EMIT libraryStateRefreshed();
            return;
        }
        // The open workspace's model is what the library searches with; the stored setting is
        // the fallback before one is open.
        if (!m_workspace) m_activePath = cleanOrEmpty(state.active);
        m_history = state.history;
        m_counts.clear();
        for (const auto& c : state.counts) {
            EmbeddingCount row;
            row.name = QFile::decodeName(c.model.name.c_str());
            row.fingerprint = qs(c.model.fingerprint);
            row.embeddings = c.embeddings;
            const int r = row.name.isEmpty() ? -1 : m_registry->rowOf(row.name);
            if (r >= 0) row.registryId = qs(m_registry->entryAt(r).id);
            m_counts << row;
        }
        m_registry->setActivePath(m_activePath);
        const int activeRow = m_activePath.isEmpty() ? -1 : m_registry->rowOf(m_activePath);
        const QString activeText = m_activePath.isEmpty()
                                       ? tr("none yet")
                                       : activeRow >= 0 ? qs(m_registry->entryAt(activeRow).displayName)
                                                        : QDir::toNativeSeparators(m_activePath);
        m_libraryLabel->setText(tr("Library %1 — active model: %2")
                                    .arg(QDir::toNativeSeparators(m_libraryPath), activeText));
        fillEmbeddingsTable();
        showRegistryDetails();
        updateRegistryButtons();
        Q_EMIT libraryStateRefreshed();
    });
    watcher->setFuture(QtConcurrent::run([path = m_libraryPath] { return readLibraryState(path); }));
}

void ModelsPage::fillEmbeddingsTable() {
    m_embeddingsTable->setRowCount(0);
    const QLocale locale;
    for (const EmbeddingCount& c : m_counts) {
        const int row = m_embeddingsTable->rowCount();
        m_embeddingsTable->insertRow(row);
        QString name;
        if (!c.registryId.isEmpty())
            name = c.registryId;
        else if (c.name.startsWith(QLatin1String("preset:")))
            name = c.name;
        else
            //: %1 the first digits of the model's fingerprint, %2 the path the library recorded
            name = tr("Not in the registry (fingerprint %1…, recorded as %2)")
                       .arg(c.fingerprint.left(12), QDir::toNativeSeparators(c.name));
        if (!m_activePath.isEmpty() && cleanOrEmpty(c.name) == m_activePath) name = tr("%1 (active)").arg(name);
        auto* nameItem = new QTableWidgetItem(name);
        nameItem->setToolTip(tr("%1\nFingerprint %2").arg(QDir::toNativeSeparators(c.name), c.fingerprint));
        auto* countItem = new QTableWidgetItem(locale.toString(c.embeddings));
        countItem->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_embeddingsTable->setItem(row, 0, nameItem);
        m_embeddingsTable->setItem(row, 1, countItem);
    }
}

void ModelsPage::showRegistryDetails() {
    const int row = m_registryView->currentIndex().row();
    if (row < 0 || row >= m_registry->rowCount()) {
        m_registryDetails->setText(
            m_registry->rowCount() == 0
                ? tr("The registry is empty. Import a model file, or train one on the Training page; each "
                     "version is kept in %1.")
                      .arg(QDir::toNativeSeparators(m_registryRoot).toHtmlEscaped())
                : QString());
        return;
    }
    const diffclip::RegistryEntry& e = m_registry->entryAt(row);
    auto line = [](const QString& key, const QString& value) {
        // A zero-width space after each separator lets long paths wrap in the narrow pane.
        QString v = value.toHtmlEscaped();
        v.replace(QDir::separator(), QString(QDir::separator()) + QChar(0x200B));
        return QStringLiteral("<b>%1</b> %2<br>").arg(key.toHtmlEscaped(), v);
    };
    QString html = QStringLiteral("<p>");
    html += line(tr("Name:"), qs(e.displayName));
    html += line(tr("Folder:"), QDir::toNativeSeparators(qs(e.path)));
    if (!e.usable) html += line(tr("Unusable:"), qs(e.problem));
    if (!e.architecture.empty()) html += line(tr("Architecture:"), qs(e.architecture));
    if (e.weightsBytes > 0) html += line(tr("Weights:"), QLocale().formattedDataSize(e.weightsBytes));
    if (e.hasTraining) {
        html += line(tr("Trained from:"), e.parentSpec.empty() ? tr("unknown") : QDir::toNativeSeparators(qs(e.parentSpec)));
        html += line(tr("Recipe:"), RegistryModel::modeText(qs(e.recipeMode)));
        if (!e.dataFingerprint.empty()) html += line(tr("Data fingerprint:"), qs(e.dataFingerprint));
        if (!e.metrics.empty()) html += line(tr("Validation:"), RegistryModel::metricsText(e));
    } else {
        html += line(tr("Origin:"), tr("imported (no training record)"));
    }
    if (!e.weightsFingerprint.empty()) html += line(tr("Weights SHA-256:"), qs(e.weightsFingerprint));
    qint64 embedded = -1;
    for (const EmbeddingCount& c : m_counts)
        if (cleanOrEmpty(c.name) == QDir::cleanPath(qs(e.path))) embedded = c.embeddings;
    if (!m_libraryPath.isEmpty())
        html += line(tr("In this library:"), embedded < 0 ? tr("no embeddings") : tr("%n embedding(s)", nullptr, int(embedded)));
    html += QStringLiteral("</p>");
    m_registryDetails->setText(html);
}

void ModelsPage::updateRegistryButtons() {
    const int row = m_registryView->currentIndex().row();
    const bool has = row >= 0 && row < m_registry->rowCount();
    const bool usable = has && m_registry->entryAt(row).usable;
    const bool isActive = has && QDir::cleanPath(m_registry->pathAt(row)) == m_activePath;
    const bool canWork = m_jobs != nullptr && !m_activating;
    m_activateButton->setEnabled(canWork && usable && !isActive && !m_libraryPath.isEmpty());
    m_rollBackButton->setEnabled(canWork && !m_libraryPath.isEmpty() && !rollBackTarget().isEmpty());
    m_deleteButton->setEnabled(m_jobs != nullptr && has && !isActive);
    m_rollBackButton->setToolTip(rollBackTarget().isEmpty()
                                     ? tr("No earlier model of this library to go back to")
                                     : tr("Make %1 active again").arg(QDir::toNativeSeparators(rollBackTarget())));
}

void ModelsPage::registryError(const QString& title, const QString& reason, const QString& details) {
    m_error->showError(title, reason, details);
    Q_EMIT registryActionFailed(reason);
}

void ModelsPage::activateSelectedModel() {
    const QString path = selectedRegistryPath();
    if (!path.isEmpty()) activateModel(path);
}

void ModelsPage::activateModel(const QString& packagePath) {
    const QString path = cleanOrEmpty(QFileInfo(packagePath).absoluteFilePath());
    const QString title = tr("Could not make “%1” active").arg(ModelListModel::displayName(path));
    if (m_libraryPath.isEmpty()) {
        registryError(title, tr("No library is open. Open or create one on the Library page first."), {});
        return;
    }
    if (!m_jobs) {
        registryError(title, tr("Background jobs are not available in this window."), {});
        return;
    }
    const diffclip::RegistryEntry entry = diffclip::readRegistryEntry(encoded(path));
    if (!entry.usable) {
        registryError(title, tr("This model version cannot be used: %1").arg(qs(entry.problem)), {});
        return;
    }
    if (m_activating) return;  // one activation at a time; the button is disabled meanwhile
    m_activating = true;
    m_error->clear();
    updateRegistryButtons();
    const QString library = m_libraryPath;
    m_jobs->submit(
        JobKind::Other, tr("Make %1 active").arg(qs(entry.displayName)),
        [library, path](const JobContext& ctx) {
            ctx.log(tr("Storing %1 as the active model of %2")
                        .arg(QDir::toNativeSeparators(path), QDir::toNativeSeparators(library)));
            diffclip::LibraryOptions options;
            options.create = false;
            auto lib = diffclip::Library::open(encoded(library), options);
            if (!lib) return JobOutcome::failure(ErrorText::libraryReason(lib.error().code), ErrorText::details(lib.error()));
            if (diffclip::Status s = lib->recordActiveModel(encoded(path)); !s)
                return JobOutcome::failure(ErrorText::libraryReason(s.error().code), ErrorText::details(s.error()));
            return JobOutcome::success(tr("Active model changed; the library is reopened with it"));
        },
        [self = QPointer<ModelsPage>(this), path, title](const JobInfo& info) {
            if (!self) return;
            self->m_activating = false;
            if (info.state != JobState::Succeeded) {
                self->registryError(title, info.outcome.errorReason, info.outcome.errorDetails);
                self->updateRegistryButtons();
                return;
            }
            // What recordActiveModel stored, until the library is read again.
            const QString previous = self->m_activePath;
            self->m_history.removeAll(path);
            if (!previous.isEmpty() && previous != path) {
                self->m_history.removeAll(previous);
                self->m_history.prepend(previous);
            }
            self->m_history.prepend(path);
            self->m_activated = path;
            self->m_pendingReembed = path;
            self->m_activePath = path;
            self->m_registry->setActivePath(path);
            self->updateRegistryButtons();
            self->refreshLibraryState();
            Q_EMIT self->activeModelChanged(path);
        });
}

void ModelsPage::rollBack() {
    const QString target = rollBackTarget();
    if (target.isEmpty()) {
        registryError(tr("Nothing to roll back to"),
                      tr("This library has had no other active model yet. Make another model active first."), {});
        return;
    }
    activateModel(target);
}

void ModelsPage::startReembedding() {
    if (!m_jobs || !m_workspace) return;
    m_jobs->submitReembedding(m_workspace, diffclip::IndexOptions{}, [self = QPointer<ModelsPage>(this)](const JobInfo& info) {
        if (!self) return;
        if (info.state == JobState::Failed)
            self->registryError(tr("The library could not be re-embedded with the new model"), info.outcome.errorReason,
                                info.outcome.errorDetails);
        self->refreshLibraryState();
        Q_EMIT self->reembedFinished(info.state == JobState::Succeeded);
    });
}

bool ModelsPage::deleteModel(const QString& packagePath, bool deleteEmbeddings) {
    const QString path = cleanOrEmpty(QFileInfo(packagePath).absoluteFilePath());
    const QString title = tr("Could not delete “%1”").arg(ModelListModel::displayName(path));
    if (!m_jobs) {
        registryError(title, tr("Background jobs are not available in this window."), {});
        return false;
    }
    if (!diffclip::isInsideRegistry(encoded(m_registryRoot), encoded(path))) {
        registryError(title, tr("Only model versions inside the registry folder %1 can be deleted here.")
                                 .arg(QDir::toNativeSeparators(m_registryRoot)),
                      {});
        return false;
    }
    if (!m_activePath.isEmpty() && path == m_activePath) {
        registryError(title,
                      tr("It is the active model of the open library. Make another model active (or roll back) "
                         "first, then delete this one."),
                      {});
        return false;
    }
    m_error->clear();
    const QString library = deleteEmbeddings ? m_libraryPath : QString();
    const QString root = m_registryRoot;
    m_jobs->submit(
        JobKind::Other, tr("Delete model %1").arg(ModelListModel::displayName(path)),
        [library, root, path](const JobContext& ctx) {
            if (!library.isEmpty()) {
                diffclip::LibraryOptions options;
                options.create = false;
                auto lib = diffclip::Library::open(encoded(library), options);
                if (!lib)
                    return JobOutcome::failure(ErrorText::libraryReason(lib.error().code), ErrorText::details(lib.error()));
                auto models = lib->models();
                if (!models)
                    return JobOutcome::failure(ErrorText::libraryReason(models.error().code),
                                               ErrorText::details(models.error()));
                for (const auto& m : *models) {
                    if (cleanOrEmpty(QFile::decodeName(m.name.c_str())) != path) continue;
                    auto removed = lib->deleteModelEmbeddings(m.id);
                    if (!removed)
                        return JobOutcome::failure(ErrorText::libraryReason(removed.error().code),
                                                   ErrorText::details(removed.error()));
                    ctx.log(tr("Removed %n embedding(s) from the library", nullptr, int(*removed)));
                }
            }
            if (diffclip::Status s = diffclip::removeRegistryVersion(encoded(root), encoded(path)); !s)
                return JobOutcome::failure(ErrorText::modelOpenReason(s.error().code), ErrorText::details(s.error()));
            return JobOutcome::success(tr("Deleted %1").arg(QDir::toNativeSeparators(path)));
        },
        [self = QPointer<ModelsPage>(this), path, title](const JobInfo& info) {
            if (!self) return;
            self->refreshRegistry();
            if (info.state != JobState::Succeeded) {
                self->registryError(title, info.outcome.errorReason, info.outcome.errorDetails);
                return;
            }
            Q_EMIT self->modelDeleted(path);
        });
    return true;
}

void ModelsPage::deleteSelectedModel() {
    const QString path = selectedRegistryPath();
    if (path.isEmpty()) return;
    if (QDir::cleanPath(path) == m_activePath) {
        deleteModel(path, false);  // refused with the reason in the banner
        return;
    }
    qint64 embedded = 0;
    for (const EmbeddingCount& c : m_counts)
        if (cleanOrEmpty(c.name) == QDir::cleanPath(path)) embedded += c.embeddings;
    QMessageBox box(QMessageBox::Question, tr("Delete Model Version"),
                    tr("Delete “%1” from the model registry?\nThe folder %2 is removed; this cannot be undone.")
                        .arg(ModelListModel::displayName(path), QDir::toNativeSeparators(path)),
                    QMessageBox::Cancel, this);
    QPushButton* yes = box.addButton(tr("Delete"), QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    QCheckBox* alsoEmbeddings = nullptr;
    if (!m_libraryPath.isEmpty() && embedded > 0) {
        alsoEmbeddings = new QCheckBox(tr("Also delete its %n embedding(s) from this library", nullptr, int(embedded)), &box);
        box.setCheckBox(alsoEmbeddings);
    }
    box.exec();
    if (box.clickedButton() != yes) return;
    deleteModel(path, alsoEmbeddings && alsoEmbeddings->isChecked());
}

void ModelsPage::chooseModelToImport() {
    const QString filter = tr("Models (*.pt *.pth *.safetensors);;All files (*)");
    const QString path = QFileDialog::getOpenFileName(this, tr("Import Model into Registry"), QString(), filter);
    if (!path.isEmpty()) importModel(path);
}

void ModelsPage::importModel(const QString& rawPath) {
    if (rawPath.isEmpty()) return;
    const QString path = rawPath.startsWith(QLatin1String("preset:")) ? rawPath : canonicalModelPath(rawPath);
    const QString title = tr("Could not import “%1”").arg(ModelListModel::displayName(path));
    if (!m_jobs) {
        registryError(title, tr("Background jobs are not available in this window."), {});
        return;
    }
    m_error->clear();
    ++m_importJobs;
    m_importLabel->setText(tr("Importing “%1”… (progress in the Jobs page)").arg(ModelListModel::displayName(path)));
    m_importLabel->show();
    auto created = std::make_shared<QString>();
    const QString root = m_registryRoot;
    m_jobs->submit(
        JobKind::Other, tr("Import %1 into the registry").arg(ModelListModel::displayName(path)),
        [root, path, created](const JobContext& ctx) {
            ctx.log(tr("Reading and checking %1").arg(QDir::toNativeSeparators(path)));
            auto r = diffclip::importIntoRegistry(encoded(root), encoded(path), {}, ctx.control());
            if (!r && r.error().code == diffclip::ErrorCode::Cancelled)
                return JobOutcome::cancelled(tr("Cancelled; nothing was added to the registry."));
            if (!r) return JobOutcome::failure(ErrorText::modelOpenReason(r.error().code), ErrorText::details(r.error()));
            *created = QFile::decodeName(r->c_str());
            return JobOutcome::success(tr("Added %1 to the registry").arg(QDir::toNativeSeparators(*created)));
        },
        [self = QPointer<ModelsPage>(this), created, title](const JobInfo& info) {
            if (!self) return;
            if (--self->m_importJobs == 0) self->m_importLabel->hide();
            self->refreshRegistry();
            if (info.state == JobState::Cancelled) return;  // nothing was added; nothing went wrong
            if (info.state != JobState::Succeeded) {
                self->registryError(title, info.outcome.errorReason, info.outcome.errorDetails);
                return;
            }
            self->selectRegistryModel(*created);
            Q_EMIT self->modelImported(*created);
        });
}

}  // namespace diffclip::ui
