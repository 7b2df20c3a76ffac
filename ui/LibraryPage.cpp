#include "LibraryPage.h"
#include "StdText.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTreeWidget>
#include <QUndoStack>
#include <QVBoxLayout>

#include "AddPhotosDialog.h"
#include "AppSettings.h"
#include "AutoLabelDialog.h"
#include "Controls.h"
#include "ErrorBanner.h"
#include "ErrorText.h"
#include "FailedFilesView.h"
#include "JobCentre.h"
#include "LabelCommand.h"
#include "LabelTree.h"
#include "LibraryAccess.h"
#include "diffclip/library/LabelCheck.h"
#include "LibraryFilterBar.h"
#include "LibraryHeader.h"
#include "LibraryModel.h"
#include "MetadataEditor.h"
#include "ModelListModel.h"
#include "PhotoDetailsPane.h"
#include "PhotoGrid.h"
#include "StatusLine.h"
#include "diffclip/indexing/Workspace.h"

namespace diffclip::ui {

namespace {


struct Snapshot {
    std::vector<diffclip::ImageRecord> images;
    std::vector<std::pair<int64_t, std::string>> labels;
    std::vector<diffclip::FailedFile> failures;
    std::vector<std::string> classes;
};

}  // namespace

LibraryPage::LibraryPage(JobCentre* jobs, QWidget* parent) : QWidget(parent), m_jobs(jobs) {
    setObjectName(QStringLiteral("libraryPage"));
    m_access = new LibraryAccess(this);
    m_model = new LibraryModel(this);
    m_proxy = new LibraryFilterProxy(this);
    m_proxy->setSourceModel(m_model);
    m_undo = new QUndoStack(this);

    m_header = new LibraryHeader(this);
    connect(m_header, &LibraryHeader::openRequested, this, &LibraryPage::chooseLibraryToOpen);
    connect(m_header, &LibraryHeader::createRequested, this, &LibraryPage::chooseLibraryToCreate);
    connect(m_header, &LibraryHeader::addPhotosRequested, this, &LibraryPage::chooseFolderToAdd);
    connect(m_header, &LibraryHeader::autoLabelRequested, this, &LibraryPage::showAutoLabelDialog);
    connect(m_header, &LibraryHeader::mirrorRequested, this, &LibraryPage::chooseMirrorFolder);

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
        auto* makeDefault = makeButton(tr("Create the Default Library"), tr("Create the default library"), m_emptyState,
                                       QDir::toNativeSeparators(AppSettings::defaultLibraryPath()));
        connect(makeDefault, &QPushButton::clicked, this, &LibraryPage::createDefaultLibrary);
        auto* l = new QVBoxLayout(m_emptyState);
        l->addStretch(1);
        l->addWidget(text);
        l->addWidget(makeDefault, 0, Qt::AlignCenter);
        l->addStretch(2);
        text->setMaximumWidth(fontMetrics().averageCharWidth() * 90);
        l->setAlignment(text, Qt::AlignHCenter);
    }

    // The photos tab: filters, grid and details.
    m_filters = new LibraryFilterBar(m_model, m_proxy, this);
    connect(m_filters, &LibraryFilterBar::filtersApplied, this, &LibraryPage::updateState);
    connect(m_filters, &LibraryFilterBar::showChanged, this, &LibraryPage::updateRanking);
    m_grid = new PhotoGrid(m_model, m_proxy, this);
    connect(m_grid->selectionModel(), &QItemSelectionModel::selectionChanged, this, &LibraryPage::updateDetails);
    connect(m_grid->selectionModel(), &QItemSelectionModel::currentChanged, this, &LibraryPage::updateDetails);
    connect(m_grid, &PhotoGrid::classKeyPressed, this, &LibraryPage::labelSelectedWithClass);
    connect(m_grid, &PhotoGrid::clearKeyPressed, this, [this] { labelSelected(QString()); });
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &LibraryPage::updateState);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &LibraryPage::updateState);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &LibraryPage::updateState);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &LibraryPage::updateState);

    QAction* undo = m_undo->createUndoAction(this, tr("Undo Label Change"));
    undo->setShortcut(QKeySequence::Undo);
    undo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(undo);
    QAction* redo = m_undo->createRedoAction(this, tr("Redo Label Change"));
    // Both common bindings on every platform theme (some themes map Redo to only one of them).
    redo->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    redo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(redo);

    m_details = new PhotoDetailsPane(this);
    connect(m_details, &PhotoDetailsPane::labelRequested, this, &LibraryPage::labelSelected);
    connect(m_details->metadataEditor(), &MetadataEditor::saveRequested, this, &LibraryPage::saveMetadata);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_grid);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({m_details->minimumWidth() * 3, m_details->minimumWidth()});

    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(QStringLiteral("photoCount"));
    auto* photosTab = new QWidget(this);
    auto* photosLayout = new QVBoxLayout(photosTab);
    photosLayout->addWidget(m_filters);
    photosLayout->addWidget(m_splitter, 1);
    photosLayout->addWidget(m_countLabel);

    m_failed = new FailedFilesView(this);
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(photosTab, tr("Photos"));
    m_tabs->addTab(m_failed, tr("Failed Files"));

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_emptyState);
    m_stack->addWidget(m_tabs);

    // What the last action did, with Undo after a label change.
    m_status = new StatusLine(this);
    connect(m_status, &StatusLine::undoRequested, m_undo, &QUndoStack::undo);
    connect(m_undo, &QUndoStack::canUndoChanged, m_status, &StatusLine::setUndoEnabled);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    layout->addWidget(m_workspaceNote);
    layout->addWidget(m_error);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_status);

    refreshClasses({});
    setWorkspace(nullptr);
    updateDetails();
}

LibraryPage::~LibraryPage() = default;

QString LibraryPage::libraryPath() const { return m_access->path(); }

QString LibraryPage::statusText() const { return m_status->text(); }

QListView* LibraryPage::photoView() const { return m_grid; }

QTreeWidget* LibraryPage::failuresView() const { return m_failed->list(); }

void LibraryPage::say(Topic topic, const QString& text, bool offerUndo) {
    m_status->say(int(topic), text, offerUndo ? tr("Undo the last label change (Ctrl+Z)") : QString());
    m_status->setUndoEnabled(m_undo->canUndo());
}

QByteArray LibraryPage::splitterState() const { return m_splitter->saveState(); }

void LibraryPage::restoreSplitterState(const QByteArray& state) {
    if (!state.isEmpty()) m_splitter->restoreState(state);
}

void LibraryPage::beginRequest() { ++m_pending; }

void LibraryPage::endRequest() { m_pending = qMax(0, m_pending - 1); }

void LibraryPage::showError(const QString& title, const diffclip::Error& error, Topic topic) {
    m_error->showError(title, ErrorText::libraryReason(error.code), ErrorText::details(error));
    m_errorTopic = topic;
    m_status->unsay(int(topic));  // it spoke of an earlier success of the same kind
}

void LibraryPage::showProblem(const QString& title, const QString& reason, Topic topic) {
    m_error->showError(title, reason, QString());
    m_errorTopic = topic;
    m_status->unsay(int(topic));
}

void LibraryPage::clearProblem(Topic topic) {
    if (m_errorTopic == topic) m_error->clear();
}

void LibraryPage::openLibrary(const QString& rawPath, bool create) {
    if (rawPath.isEmpty()) return;
    const QString path = QDir::cleanPath(QFileInfo(rawPath).absoluteFilePath());
    if (create && !QDir().mkpath(QFileInfo(path).absolutePath())) {
        showProblem(tr("Could not create “%1”").arg(QDir::toNativeSeparators(path)),
                    tr("The folder for the library could not be created. Check that you may write there."),
                    Topic::Library);
        Q_EMIT libraryFailed(path, m_error->reason());
        return;
    }
    m_openingPath = path;
    beginRequest();
    m_access->open(path, create, this, [this, path](diffclip::Status s) {
        endRequest();
        m_openingPath.clear();
        if (!s) {
            showError(tr("Could not open the library “%1”").arg(QDir::toNativeSeparators(path)), s.error(),
                      Topic::Library);
            m_model->clear();
            m_failed->clear();
            updateState();
            Q_EMIT libraryFailed(path, m_error->reason());
            return;
        }
        m_error->clear();
        m_status->clear();  // what was said was about the library open before
        m_undo->clear();    // label steps belong to the library they were made in
        AppSettings::addRecentLibrary(path);
        m_header->setPath(QDir::toNativeSeparators(path));
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
                showError(tr("Could not read the library"), r.error(), Topic::Library);
                return;
            }
            const std::vector<qint64> selected = selectedIds();
            m_model->setImages(std::move(r->images), r->labels);
            m_failed->setFailures(r->failures);
            m_tabs->setTabText(1, r->failures.empty() ? tr("Failed Files")
                                                      : tr("Failed Files (%1)").arg(qlonglong(r->failures.size())));
            refreshClasses(r->classes);
            m_filters->applySort();
            selectIds(selected);
            if (m_filters->show() != LibraryFilterBar::Show::All) updateRanking();  // new photos and labels count
            Q_EMIT reloaded();
        });
}

void LibraryPage::updateRanking() {
    const LibraryFilterBar::Show show = m_filters->show();
    const int request = ++m_rankRequest;
    if (show == LibraryFilterBar::Show::All || !m_access->isOpen()) {
        m_proxy->setRanking(false);
        m_status->unsay(int(Topic::Ranking));
        updateState();
        return;
    }
    // One worker call gives the ranking, the notes and the sentence; the notes and sentence are
    // made on the GUI thread (tr) from the plain results.
    struct Ranked {
        std::string model;
        int64_t labelled = 0, unlabelled = 0;
        std::vector<diffclip::LabelSuggestion> next;
        std::vector<diffclip::LabelDoubt> doubts;
    };
    constexpr int kNeighbours = 10, kNextPhotos = 50;
    beginRequest();
    m_access->run<diffclip::Result<Ranked>>(
        this,
        [show](diffclip::Library& lib) -> diffclip::Result<Ranked> {
            Ranked r;
            if (show == LibraryFilterBar::Show::LabelNext) {
                auto plan = diffclip::suggestLibraryLabelling(lib, kNeighbours, kNextPhotos);
                if (!plan) return plan.error();
                r.model = plan->model;
                r.labelled = plan->labelled;
                r.unlabelled = plan->unlabelled;
                r.next = std::move(plan->suggestions);
            } else {
                auto check = diffclip::checkLibraryLabels(lib, kNeighbours);
                if (!check) return check.error();
                r.model = check->model;
                r.labelled = check->labelled;
                r.doubts = std::move(check->doubts);
            }
            return r;
        },
        [this, show, request](diffclip::Result<Ranked> r) {
            endRequest();
            if (request != m_rankRequest) return;  // another view was chosen meanwhile
            if (!r) {
                m_proxy->setRanking(false);
                showError(tr("Could not rank the photos"), r.error(), Topic::Ranking);
                return;
            }
            QHash<qlonglong, int> rank;
            QHash<qlonglong, QString> notes;
            const QString model = QDir::toNativeSeparators(fromStd(r->model));
            QString sentence;
            if (r->model.empty()) {
                sentence = tr("Ranking needs photos with embeddings: add photos with a model first.");
            } else if (show == LibraryFilterBar::Show::LabelNext) {
                for (size_t i = 0; i < r->next.size(); ++i) {
                    const auto& s = r->next[i];
                    rank.insert(s.imageId, int(i));
                    QString guess = s.likely.empty() ? tr("nothing similar is labelled")
                                    : s.runnerUp.empty() ? tr("likely “%1”").arg(fromStd(s.likely))
                                                         : tr("likely “%1” or “%2”").arg(fromStd(s.likely), fromStd(s.runnerUp));
                    notes.insert(s.imageId, tr("Label next, #%1: uncertainty %2, unlike the labelled photos %3; %4.")
                                                .arg(i + 1)
                                                .arg(QLocale().toString(s.uncertainty, 'f', 2),
                                                     QLocale().toString(s.novelty, 'f', 2), guess));
                }
                sentence = r->unlabelled == 0
                               ? tr("Label these next: every photo with an embedding is labelled (model %1).").arg(model)
                               : tr("Label these next: %1 of %n unlabelled photos, the most useful first: those the "
                                    "labelled neighbours disagree on and those unlike anything labelled (model %2).",
                                    nullptr, int(r->unlabelled))
                                     .arg(r->next.size())
                                     .arg(model);
            } else {
                for (size_t i = 0; i < r->doubts.size(); ++i) {
                    const auto& d = r->doubts[i];
                    rank.insert(d.imageId, int(i));
                    notes.insert(d.imageId, tr("Check this label: %1 of its %2 nearest labelled photos are not “%3”; "
                                               "they suggest “%4” (score %5).")
                                                .arg(d.disagreeing)
                                                .arg(d.neighbours)
                                                .arg(fromStd(d.label), fromStd(d.suggested),
                                                     QLocale().toString(d.score, 'f', 2)));
                }
                sentence = r->doubts.empty()
                               ? tr("Check these labels: no label is doubted by its nearest neighbours (model %1).").arg(model)
                               : tr("Check these labels: %n labelled photo(s) whose nearest neighbours mostly carry "
                                    "another label, the most doubtful first; the tooltip says which (model %1).",
                                    nullptr, int(r->doubts.size()))
                                     .arg(model);
            }
            m_proxy->setRanking(true, rank, notes);
            say(Topic::Ranking, sentence);
            updateState();
        });
}

void LibraryPage::showProblem(const QString& title, const QString& reason, const QString& details) {
    m_error->showError(title, reason, details);
    m_errorTopic = Topic::Other;
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
    if (paths.isEmpty() || !readyToAddPhotos()) return 0;
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

bool LibraryPage::readyToAddPhotos() {
    if (m_workspace && m_access->isOpen()) return true;
    showProblem(tr("Cannot add photos yet"),
                !m_access->isOpen() ? tr("Open or create a library first.")
                                    : tr("Adding photos needs a model to embed them. Open a model on the "
                                         "Models page, then add the folder again."),
                Topic::AddPhotos);
    return false;
}

void LibraryPage::labelSelected(const QString& label) {
    const std::vector<qint64> ids = selectedIds();
    if (ids.empty() || !m_access->isOpen()) return;
    auto change = std::make_shared<LabelChange>();
    change->ids.assign(ids.begin(), ids.end());
    change->label = label.trimmed().toStdString();
    const QString text = label.isEmpty() ? tr("Clear the label of %n photo(s)", nullptr, int(ids.size()))
                                         : tr("Label %n photo(s) “%1”", nullptr, int(ids.size())).arg(label);
    QPointer<LibraryPage> self(this);
    auto apply = [self](const std::shared_ptr<LabelChange>& c, bool undo) {
        if (self) self->applyLabelChange(c, undo);
    };
    m_undo->push(new LabelCommand(std::move(change), apply, text));  // push() runs redo()
}

void LibraryPage::labelSelectedWithClass(int index) {
    if (index >= 0 && index < m_classes.size()) labelSelected(m_classes[index]);
}

void LibraryPage::applyLabelChange(const std::shared_ptr<LabelChange>& change, bool undo) {
    beginRequest();
    m_access->run<diffclip::Result<LabelOutcome>>(
        this, [change, undo](diffclip::Library& lib) { return diffclip::ui::applyLabelChange(lib, *change, undo); },
        [this, change, undo](diffclip::Result<LabelOutcome> r) {
            endRequest();
            if (!r) {
                showError(tr("The label could not be stored"), r.error(), Topic::Label);
                return;
            }
            clearProblem(Topic::Label);
            m_model->setLabels(r->current);
            refreshClasses(r->classes);
            updateDetails();
            // English has no plural forms file: one and many are separate texts.
            const int n = int(change->ids.size());
            const QString label = fromStd(change->label);
            if (undo)
                say(Topic::Label, n == 1 ? tr("Undone: the photo has its earlier label again.")
                                         : tr("Undone: the %n photos have their earlier labels again.", nullptr, n));
            else if (label.isEmpty())
                say(Topic::Label,
                    n == 1 ? tr("Cleared the label of 1 photo.") : tr("Cleared the label of %n photos.", nullptr, n),
                    true);
            else
                say(Topic::Label,
                    (n == 1 ? tr("Labelled 1 photo “%1”.") : tr("Labelled %n photos “%1”.", nullptr, n)).arg(label),
                    true);
            Q_EMIT labelsChanged();
        });
}

void LibraryPage::refreshClasses(const std::vector<std::string>& labels) {
    m_classes.clear();
    for (const auto& l : labels) m_classes << fromStd(l);
    m_details->setClasses(m_classes);
    m_filters->refreshChoices(m_classes);
}

void LibraryPage::updateState() {
    const bool open = m_access->isOpen();
    m_stack->setCurrentWidget(open ? static_cast<QWidget*>(m_tabs) : m_emptyState);
    m_header->setPossible(open && !m_access->isReadOnly(), open && m_workspace && !m_access->isReadOnly(),
                          open && !m_classes.isEmpty());
    if (!open) m_header->setPath(QString());
    const QLocale l;
    m_countLabel->setText(tr("%1 photos, %2 shown, %3 selected")
                              .arg(l.toString(m_model->rowCount()), l.toString(m_proxy->rowCount()),
                                   l.toString(qlonglong(m_grid->selectionModel()->selectedIndexes().size()))));
}

std::vector<qint64> LibraryPage::selectedIds() const { return m_grid->selectedIds(); }

void LibraryPage::selectIds(const std::vector<qint64>& ids) {
    m_grid->selectIds(ids);
    updateDetails();
}

void LibraryPage::updateDetails() {
    updateState();
    const std::vector<qint64> ids = selectedIds();
    const qint64 id = m_grid->currentId();
    const diffclip::ImageRecord* rec = m_model->image(id);
    m_details->showSelection(int(ids.size()), rec);
    if (!rec) return;
    beginRequest();
    m_access->run<diffclip::Result<std::vector<diffclip::Library::LabelEntry>>>(
        this, [id](diffclip::Library& lib) { return lib.labelEntries(id); },
        [this, id](diffclip::Result<std::vector<diffclip::Library::LabelEntry>> r) {
            endRequest();
            if (id != m_details->currentId()) return;
            if (r) m_details->setLabelEntries(*r);
            else m_details->setLabelEntriesError(ErrorText::details(r.error()));
        });
}

void LibraryPage::setMetadataFields(const diffclip::ImageRecord& values) {
    m_details->metadataEditor()->setValues(values);
}

void LibraryPage::saveMetadata() {
    const int64_t id = m_details->currentId();
    if (id == 0) return;
    if (!m_details->metadataEditor()->check()) {
        m_status->unsay(int(Topic::Metadata));  // an earlier "Saved" is no longer the state of the form
        return;
    }
    const diffclip::ImageRecord m = m_details->metadataEditor()->values();
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
                showError(tr("The metadata could not be saved"), r.error(), Topic::Metadata);
                return;
            }
            clearProblem(Topic::Metadata);
            m_model->updateImage(*r);
            m_filters->refreshChoices(m_classes);
            say(Topic::Metadata,
                tr("Saved the metadata of %1.").arg(QFileInfo(QFile::decodeName(r->path.c_str())).fileName()));
            Q_EMIT labelsChanged();
        });
}

void LibraryPage::showAutoLabelDialog() {
    if (!m_access->isOpen() || !m_workspace) {
        showProblem(tr("Cannot label automatically"),
                    tr("Automatic labels need a library and a model. Open a model on the Models page first."),
                    Topic::AutoLabel);
        return;
    }
    // The prompts are stored in the library, so the dialog opens with what was used last time.
    using Stored = Result<AutoLabelSettings>;
    m_access->run<Stored>(this, &AutoLabelSettings::load, [this](Stored stored) {
        AutoLabelSettings initial = stored ? *stored : AutoLabelSettings{};
        if (!stored) initial.templates = AutoLabelSettings::defaultTemplates();
        if (initial.classes.trimmed().isEmpty()) initial.classes = AutoLabelSettings::classesFromNames(m_classes);
        auto* dialog = new AutoLabelDialog(initial, m_classes, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QDialog::accepted, this, [this, dialog] {
            const AutoLabelSettings chosen = dialog->settings();
            m_access->run<Status>(
                this, [chosen](diffclip::Library& lib) { return chosen.store(lib); },
                [this](Status saved) {
                    if (!saved)
                        showError(tr("The prompts were not saved in the library"), saved.error(), Topic::AutoLabel);
                });
            autoLabel(dialog->options());
        });
        dialog->open();
    });
}

int LibraryPage::autoLabel(const diffclip::AutoTagOptions& options) {
    if (!m_workspace || options.classes.size() < 2) {
        showProblem(tr("Cannot label automatically"),
                    !m_workspace ? tr("Automatic labels need a model. Open a model on the Models page first.")
                                 : tr("Automatic labels need at least two classes."),
                    Topic::AutoLabel);
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
    if (!readyToAddPhotos()) return;  // before anything is typed into a dialog that cannot succeed
    // The dialog checks its entries itself and stays open on a problem.
    auto* dialog = new AddPhotosDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const QString folder = dialog->folder();
        if (addPaths({folder}, dialog->labelsFromFolders(), dialog->metadataCsv()) > 0) {
            clearProblem(Topic::AddPhotos);
            say(Topic::AddPhotos, tr("Adding the photos of “%1”; the Jobs page shows the progress.")
                    .arg(QDir::toNativeSeparators(folder)));
        }
    });
    dialog->open();
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
