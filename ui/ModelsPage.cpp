#include "ModelsPage.h"
#include "StdText.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QPointer>
#include <QPushButton>
#include <QShowEvent>
#include <QSplitter>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "AppSettings.h"
#include "BusyRow.h"
#include "Controls.h"
#include "ErrorBanner.h"
#include "ErrorText.h"
#include "JobCentre.h"
#include "ModelDrop.h"
#include "ModelInspector.h"
#include "ModelListModel.h"
#include "PageTitle.h"
#include "RegistryModel.h"
#include "RegistryJobs.h"
#include "RegistryPanel.h"
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


}  // namespace

ModelsPage::ModelsPage(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("modelsPage"));
    setAcceptDrops(true);

    auto* openFile =
        makeButton(tr("Open Model…"), tr("Open model file"), this, tr("Open a .pt, .pth or .safetensors file"));
    openFile->setObjectName(QStringLiteral("openModelButton"));
    connect(openFile, &QPushButton::clicked, this, &ModelsPage::chooseModelFile);
    auto* openFolder =
        makeButton(tr("Open Package Folder…"), tr("Open model package folder"), this,
                   tr("Open a model package: a folder with config.json and model.safetensors"));
    connect(openFolder, &QPushButton::clicked, this, &ModelsPage::chooseModelFolder);

    auto* importButton =
        makeButton(tr("&Import into Registry…"), tr("Import a model file into the registry"), this,
                   tr("Copy or convert a .pt, .pth or .safetensors file into the model registry"));
    importButton->setObjectName(QStringLiteral("importModelButton"));
    connect(importButton, &QPushButton::clicked, this, &ModelsPage::chooseModelToImport);

    QHBoxLayout* header = makePageHeader(tr("Models"), this, {importButton, openFile, openFolder});

    auto* intro = new QLabel(tr("The registry keeps every imported and trained model version; the active one is used "
                                "to search the open library. Open a DiffCLIP or CLIP model below to see its "
                                "architecture, preprocessing and checksums, or drop a .pt, .pth or .safetensors file "
                                "or a model package folder here."),
                             this);
    intro->setWordWrap(true);

    // Busy indicator: an indeterminate bar, because the core reports no progress while it
    // reads and checks a model.
    m_busyRow = new BusyRow(tr("Opening model"), 24, this);
    m_busyRow->label()->setWordWrap(true);

    m_error = new ErrorBanner(this);

    m_inspector = new ModelInspector(this);
    connect(m_inspector, &ModelInspector::loadingChanged, this, &ModelsPage::updateBusyUi);
    connect(m_inspector, &ModelInspector::modelOpened, this, [this](const QString& path) {
        m_error->clear();
        // A model opened here becomes the one the workspace opens with (MainWindow), so an
        // earlier registry activation no longer decides.
        m_activated.clear();
        refreshLibraryState();
        Q_EMIT modelOpened(path);
    });
    connect(m_inspector, &ModelInspector::openFailed, this,
            [this](const QString& path, const QString& reason, const QString& details) {
                m_error->showError(tr("Could not open “%1”").arg(ModelListModel::displayName(path)), reason, details);
                Q_EMIT openFailed(path, reason, details);
            });

    m_registryPanel = new RegistryPanel(this);
    m_registry = m_registryPanel->model();
    connect(m_registryPanel, &RegistryPanel::selectionChanged, this, [this] {
        showRegistryDetails();
        updateRegistryButtons();
    });
    connect(m_registryPanel, &RegistryPanel::activateRequested, this, &ModelsPage::activateSelectedModel);
    connect(m_registryPanel, &RegistryPanel::rollBackRequested, this, &ModelsPage::rollBack);
    connect(m_registryPanel, &RegistryPanel::deleteRequested, this, &ModelsPage::deleteSelectedModel);
    connect(m_registryPanel, &RegistryPanel::refreshRequested, this, &ModelsPage::refreshRegistry);

    m_pageSplitter = new QSplitter(Qt::Vertical, this);
    m_pageSplitter->setObjectName(QStringLiteral("modelsPageSplitter"));
    m_pageSplitter->setChildrenCollapsible(false);
    m_pageSplitter->addWidget(m_registryPanel);
    m_pageSplitter->addWidget(m_inspector);
    m_pageSplitter->setStretchFactor(0, 3);
    m_pageSplitter->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(intro);
    layout->addWidget(m_busyRow);
    layout->addWidget(m_error);
    layout->addWidget(m_pageSplitter, 1);

    setRegistryRoot(AppSettings::modelRegistryDir());
}

bool ModelsPage::isBusy() const { return m_inspector->isBusy(); }

int ModelsPage::modelCount() const { return m_inspector->modelCount(); }

QString ModelsPage::currentModelPath() const { return m_inspector->currentModelPath(); }

const ModelSummaryView* ModelsPage::summaryView() const { return m_inspector->summaryView(); }

const RegistryModel* ModelsPage::registryModel() const { return m_registry; }

QByteArray ModelsPage::splitterState() const { return m_inspector->splitterState(); }

void ModelsPage::restoreSplitterState(const QByteArray& state) { m_inspector->restoreSplitterState(state); }

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
    m_inspector->openModel(canonicalModelPath(rawPath));
}

void ModelsPage::closeCurrentModel() { m_inspector->closeCurrentModel(); }

void ModelsPage::copySummary() { m_inspector->copySummary(); }

void ModelsPage::updateBusyUi() {
    const bool busy = m_inspector->isBusy();
    QString text;
    if (busy) {
        text = tr("Opening “%1”… Reading and checking the weights can take a while for large models.")
                   .arg(ModelListModel::displayName(m_inspector->loadingPath()));
        if (m_inspector->queuedCount() > 0) text += QLatin1Char(' ') + tr("%1 more waiting.").arg(m_inspector->queuedCount());
    }
    m_busyRow->say(text);
    if (busy != m_busy) {
        m_busy = busy;
        Q_EMIT busyChanged(busy);
    }
}

void ModelsPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (!event->spontaneous()) refreshRegistry();
}

void ModelsPage::dragEnterEvent(QDragEnterEvent* event) { acceptModelPaths(event); }

void ModelsPage::dropEvent(QDropEvent* event) {
    for (const QString& p : acceptModelPaths(event)) openModel(p);
}

// ---------------------------------------------------------------------------------------------
// The registry

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
    if (selected.isEmpty() || !selectRegistryModel(selected)) m_registryPanel->selectFirstIfNone();
    showRegistryDetails();
    updateRegistryButtons();
    refreshLibraryState();
}

bool ModelsPage::selectRegistryModel(const QString& packagePath) { return m_registryPanel->select(packagePath); }

QString ModelsPage::selectedRegistryPath() const { return m_registryPanel->selectedPath(); }

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
        // A model opened here is already the active model of the library opened next.
        const QString active = workspaceModelPath();
        m_registryPanel->setLibraryText(
            active.isEmpty() ? tr("No library is open: open one on the Library page to choose its active model.")
                             : tr("No library is open. The active model %1 is used for the library you open or "
                                  "create next.")
                                   .arg(ModelListModel::displayName(active)));
        m_counts.clear();
        m_registryPanel->embeddingsTable()->setCounts(m_counts, m_activePath);
        updateRegistryButtons();
        Q_EMIT libraryStateRefreshed();
        return;
    }
    auto* watcher = new QFutureWatcher<LibraryModelState>(this);
    connect(watcher, &QFutureWatcher<LibraryModelState>::finished, this, [this, watcher, generation] {
        const LibraryModelState state = watcher->result();
        watcher->deleteLater();
        if (generation != m_stateGeneration) return;  // a newer read is on its way
        if (!state.ok) {
            // A library that is not there yet (being created) or busy: keep what is shown.
            m_registryPanel->setLibraryText(tr("Library %1 could not be read: %2")
                                                .arg(QDir::toNativeSeparators(m_libraryPath),
                                                     ErrorText::libraryReason(state.error.code)));
            Q_EMIT libraryStateRefreshed();
            return;
        }
        // The open workspace's model is what the library searches with; the stored setting is
        // the fallback before one is open.
        if (!m_workspace) m_activePath = cleanOrEmpty(state.active);
        m_history = state.history;
        m_counts = state.counts;
        for (EmbeddingCount& row : m_counts) {
            const int r = row.name.isEmpty() ? -1 : m_registry->rowOf(row.name);
            if (r >= 0) row.registryId = fromStd(m_registry->entryAt(r).id);
        }
        m_registry->setActivePath(m_activePath);
        const int activeRow = m_activePath.isEmpty() ? -1 : m_registry->rowOf(m_activePath);
        const QString activeText = m_activePath.isEmpty()
                                       ? tr("none yet")
                                       : activeRow >= 0 ? fromStd(m_registry->entryAt(activeRow).displayName)
                                                        : QDir::toNativeSeparators(m_activePath);
        m_registryPanel->setLibraryText(tr("Library %1 — active model: %2")
                                            .arg(QDir::toNativeSeparators(m_libraryPath), activeText));
        m_registryPanel->embeddingsTable()->setCounts(m_counts, m_activePath);
        showRegistryDetails();
        updateRegistryButtons();
        Q_EMIT libraryStateRefreshed();
    });
    watcher->setFuture(QtConcurrent::run([path = m_libraryPath] { return readLibraryModelState(path); }));
}

void ModelsPage::showRegistryDetails() {
    m_registryPanel->showDetails(m_registryRoot, m_counts, !m_libraryPath.isEmpty());
}

void ModelsPage::updateRegistryButtons() {
    const int row = m_registry->rowOf(selectedRegistryPath());
    const bool has = row >= 0;
    const bool usable = has && m_registry->entryAt(row).usable;
    const bool isActive = has && QDir::cleanPath(m_registry->pathAt(row)) == m_activePath;
    const bool canWork = m_jobs != nullptr && !m_activating;
    m_registryPanel->setActions(canWork && usable && !isActive && !m_libraryPath.isEmpty(),
                                canWork && !m_libraryPath.isEmpty() && !rollBackTarget().isEmpty(),
                                m_jobs != nullptr && has && !isActive, rollBackTarget());
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
        registryError(title, tr("This model version cannot be used: %1").arg(fromStd(entry.problem)), {});
        return;
    }
    if (m_activating) return;  // one activation at a time; the button is disabled meanwhile
    m_activating = true;
    m_error->clear();
    updateRegistryButtons();
    const QString library = m_libraryPath;
    m_jobs->submit(
        JobKind::Other, tr("Make %1 active").arg(fromStd(entry.displayName)),
        RegistryJobs::activate(library, path),
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
        RegistryJobs::remove(library, root, path),
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
    bool alsoEmbeddings = false;
    if (!m_registryPanel->confirmDelete(path, m_libraryPath.isEmpty() ? 0 : embedded, &alsoEmbeddings)) return;
    deleteModel(path, alsoEmbeddings);
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
    m_registryPanel->setImportText(
        tr("Importing “%1”… (progress in the Jobs page)").arg(ModelListModel::displayName(path)));
    auto created = std::make_shared<QString>();
    const QString root = m_registryRoot;
    m_jobs->submit(
        JobKind::Other, tr("Import %1 into the registry").arg(ModelListModel::displayName(path)),
        RegistryJobs::import(root, path, created),
        [self = QPointer<ModelsPage>(this), created, title](const JobInfo& info) {
            if (!self) return;
            if (--self->m_importJobs == 0) self->m_registryPanel->setImportText(QString());
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
