#include "SearchPage.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QLocale>
#include <QMimeData>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

#include "AppSettings.h"
#include "ErrorBanner.h"
#include "ErrorText.h"
#include "HitDetail.h"
#include "JobCentre.h"
#include "LibraryAccess.h"
#include "PhotoFormats.h"
#include "SearchCsv.h"
#include "SearchFilterBar.h"
#include "SearchQueryBar.h"
#include "SearchQueryPanel.h"
#include "SearchResultsModel.h"
#include "SearchResultsPanel.h"
#include "SearchRunner.h"
#include "diffclip/indexing/SearchLog.h"
#include "diffclip/indexing/Workspace.h"
#include "diffclip/library/Library.h"

namespace diffclip::ui {

namespace {

constexpr int kThumbnailEdge = 160;
constexpr int kMaxQueries = 50;  // photos taken from one drop; a whole archive is a job for indexing

}  // namespace

SearchPage::SearchPage(JobCentre* jobs, QWidget* parent) : QWidget(parent), m_jobs(jobs) {
    setObjectName(QStringLiteral("searchPage"));
    setAcceptDrops(true);

    m_thumbnails = new ThumbnailCache(kThumbnailEdge, this);
    m_results = new SearchResultsModel(m_thumbnails, this);
    m_access = new LibraryAccess(this);
    m_runner = new SearchRunner(this);

    m_queryBar = new SearchQueryBar(this);
    connect(m_queryBar, &SearchQueryBar::choosePhotosRequested, this, &SearchPage::choosePhotos);
    connect(m_queryBar, &SearchQueryBar::pasteRequested, this, &SearchPage::paste);
    connect(m_queryBar, &SearchQueryBar::exportRequested, this, &SearchPage::exportResultsAs);
    connect(m_queryBar, &SearchQueryBar::textSearchRequested, this, &SearchPage::searchText);

    // ---- filters: a change searches again once typing pauses ----
    m_filters = new SearchFilterBar(this);
    connect(m_filters, &SearchFilterBar::changed, this, [this] {
        if (m_filters->signature() != m_appliedFilter) searchAgain();  // leaving a field unchanged is no change
    });

    m_error = new ErrorBanner(this);

    // ---- left: the query; right: its results ----
    m_queryPanel = new SearchQueryPanel(m_thumbnails, this);
    connect(m_queryPanel, &SearchQueryPanel::currentChanged, this, [this](int row) {
        if (row != m_current) setCurrentQuery(row);
    });
    m_resultsPanel = new SearchResultsPanel(m_results, kThumbnailEdge, m_jobs != nullptr, this);
    connect(m_resultsPanel, &SearchResultsPanel::hitActivated, this, &SearchPage::openHit);
    connect(m_resultsPanel, &SearchResultsPanel::reembedRequested, this, &SearchPage::startReembedding);
    connect(m_resultsPanel, &SearchResultsPanel::noneRightRequested, this, &SearchPage::markNoneRight);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_queryPanel);
    m_splitter->addWidget(m_resultsPanel);
    m_splitter->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_queryBar);
    layout->addWidget(m_filters);
    layout->addWidget(m_error);
    layout->addWidget(m_splitter, 1);

    // Keyboard: active while focus is anywhere in the page. A focused line edit keeps its own
    // Ctrl+V (it takes the key first), so pasting text into a filter still works.
    auto addShortcut = [this](const QKeySequence& keys, const QString& name, auto slot) {
        auto* a = new QAction(name, this);
        a->setShortcut(keys);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
    };
    addShortcut(QKeySequence::Open, tr("Choose Photo"), &SearchPage::choosePhotos);
    addShortcut(QKeySequence::Paste, tr("Paste Image"), &SearchPage::paste);
    addShortcut(QKeySequence::Find, tr("Text Search"), &SearchPage::focusTextSearch);

    connect(m_runner, &SearchRunner::queryStarted, this, [this](int index) {
        m_queryPanel->updateQuery(m_runner->queries(), index, index);
        updateBusyUi();
    });
    connect(m_runner, &SearchRunner::queryFinished, this, &SearchPage::onQueryFinished);
    connect(m_runner, &SearchRunner::busyChanged, this, [this](bool busy) {
        updateBusyUi();
        Q_EMIT busyChanged(busy);
    });
    connect(m_thumbnails, &ThumbnailCache::ready, this, [this](const QString& path) {
        const auto& queries = m_runner->queries();
        for (int i = 0; i < int(queries.size()); ++i)
            if (queries[size_t(i)].path == path) m_queryPanel->updateQuery(queries, i, m_runner->running());
        if (m_current >= 0 && queries[size_t(m_current)].path == path)
            m_queryPanel->showQuery(&queries[size_t(m_current)]);
    });
    // Indexing, labelling and re-embedding jobs change what the filters can offer.
    if (m_jobs) connect(m_jobs, &JobCentre::jobFinished, this, &SearchPage::refreshFilterChoices);

    showCurrent();
}

SearchPage::~SearchPage() = default;

void SearchPage::setWorkspace(std::shared_ptr<diffclip::Workspace> workspace) {
    m_workspace = std::move(workspace);
    m_runner->setWorkspace(m_workspace);
    setQueries({});
    m_error->clear();
    m_bannerTopic = Topic::None;
    if (!m_workspace) {
        ++m_choicesRequest;
        m_access->close();
        m_filters->clearChoices();
        return;
    }
    // A connection of the page's own for the filter choices and the judgements; requests
    // queue behind the opening.
    m_access->open(QString::fromStdString(m_workspace->libraryPath()), false, this, [this](diffclip::Status s) {
        if (!s)
            showBanner(Topic::Choices, tr("Could not read the library"),
                       tr("The filters offer no choices and judgements cannot be saved until the library can be read."),
                       ErrorText::details(s.error()));
    });
    refreshFilterChoices();
}

bool SearchPage::isBusy() const { return m_runner->isBusy(); }

int SearchPage::queryCount() const { return m_runner->count(); }

// ---------------------------------------------------------------------------------------------
// Queries

void SearchPage::choosePhotos() {
    const QString filter = tr("Photos (%1);;All files (*)").arg(photoFilePatterns());
    const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Choose Query Photos"), AppSettings::photoFolder(), filter);
    if (paths.isEmpty()) return;
    AppSettings::rememberPhotoFolder(paths.first());
    searchPhotos(paths);
}

void SearchPage::focusTextSearch() { m_queryBar->focusText(); }

void SearchPage::searchPhotos(const QStringList& paths) {
    bool truncated = false;
    std::vector<SearchQuery> queries = photoQueries(paths, kMaxQueries, &truncated);
    if (queries.empty()) {
        showBanner(Topic::Input, tr("No photos to search with"),
                   tr("The dropped folders hold no JPEG, PNG, TIFF, WebP or BMP files."),
                   paths.join(QLatin1Char('\n')));
        return;
    }
    setQueries(std::move(queries));
    if (truncated)
        showBanner(Topic::Input, tr("Only the first %1 photos are searched").arg(kMaxQueries),
                   tr("To compare many photos with the library, index them and use the Library page."), QString());
}

void SearchPage::searchText(const QString& rawText) {
    const QString text = rawText.simplified();
    if (text.isEmpty()) return;
    SearchQuery q;
    q.text = text;
    std::vector<SearchQuery> queries;
    queries.push_back(std::move(q));
    setQueries(std::move(queries));
}

bool SearchPage::searchMime(const QMimeData* mime) {
    const QStringList files = localPaths(mime);
    if (!files.isEmpty()) {
        searchPhotos(files);
        return true;
    }
    // An image without a file (copied or dragged from a browser or viewer). The core searches
    // files: the image is written as PNG (on the worker, not here).
    const QImage img = mime && mime->hasImage() ? qvariant_cast<QImage>(mime->imageData()) : QImage();
    if (img.isNull() || !m_pasteDir.isValid()) return false;
    std::vector<SearchQuery> queries;
    queries.push_back(pastedQuery(img, m_pasteDir.path(), ++m_pasteCount));
    setQueries(std::move(queries));
    return true;
}

bool SearchPage::pasteFromClipboard() {
    if (searchMime(QApplication::clipboard()->mimeData())) return true;
    showBanner(Topic::Input, tr("Nothing to paste"),
               tr("The clipboard holds no image. Copy a photo or an image file, then paste again."), QString());
    return false;
}

void SearchPage::setQueries(std::vector<SearchQuery> queries) {
    m_runner->setQueries(std::move(queries));
    const auto& qs = m_runner->queries();
    m_current = qs.empty() ? -1 : 0;
    m_appliedFilter = m_filters->signature();
    m_filters->cancelPending();
    m_error->clear();
    m_bannerTopic = Topic::None;
    m_resultsPanel->setMessage(QString());  // the last export spoke of the queries before
    if (m_detail) m_detail->close();
    // The box holds the words of the text query on screen, never those of an earlier one.
    if (!qs.empty() && !qs.front().isText()) m_queryBar->clearText();
    m_queryPanel->setQueries(qs, m_current, m_runner->running());
    if (!qs.empty() && !m_workspace)
        showBanner(Topic::Input, tr("No library is open"),
                   tr("Open or create a library first: the search compares your photo with its photos."), QString());
    startSearches();
}

void SearchPage::setCurrentQuery(int index) {
    if (index < 0 || index >= queryCount()) return;
    m_current = index;
    m_runner->setPreferred(index);  // an unanswered query on screen is searched next
    m_queryPanel->setCurrent(index);
    showCurrent();
}

bool SearchPage::isQueryDone(int index) const {
    return index >= 0 && index < queryCount() && m_runner->queries()[size_t(index)].done;
}

diffclip::ImageFilter SearchPage::currentFilter() const { return m_filters->filter(); }

void SearchPage::searchAgain() {
    m_filters->cancelPending();
    if (const auto problem = m_filters->problem()) {
        // The results of the last valid filters stay; the banner says what to fix.
        showBanner(Topic::Filter, problem->title, problem->reason, QString());
        return;
    }
    clearBanner(Topic::Filter);
    if (queryCount() == 0) return;
    m_runner->resetAnswers();
    m_appliedFilter = m_filters->signature();
    m_error->clear();
    m_bannerTopic = Topic::None;
    m_resultsPanel->setMessage(QString());
    for (int i = 0; i < queryCount(); ++i) m_queryPanel->updateQuery(m_runner->queries(), i, -1);
    startSearches();
}

void SearchPage::startSearches() {
    if (const auto problem = m_filters->problem()) {
        showBanner(Topic::Filter, problem->title, problem->reason, QString());
    } else {
        diffclip::SearchOptions options;
        options.k = m_filters->topK();
        m_runner->start(options, m_filters->filter(), m_current);
    }
    showCurrent();
    updateBusyUi();
}

void SearchPage::onQueryFinished(int index, bool ok) {
    m_queryPanel->updateQuery(m_runner->queries(), index, m_runner->running());
    if (ok) logSearch(index);
    if (ok) readJudgements(index);
    if (index == m_current) showCurrent();
    Q_EMIT queryFinished(index, ok);
}

void SearchPage::logSearch(int index) {
    // Every answered search goes into the library's usage log (docs/POC.md), on the library's
    // worker; feedback requests queued after it read the id from the query's slot there.
    if (!m_workspace || !m_access->isOpen() || m_access->isReadOnly()) return;
    const SearchQuery& q = m_runner->queries()[size_t(index)];
    using Logged = diffclip::Result<int64_t>;
    m_access->run<Logged>(
        this,
        [ws = m_workspace, key = q.feedbackKey().toStdString(), text = q.isText(), filter = m_runner->filter(),
         k = m_runner->options().k, result = q.result, started = q.startedAtMs,
         slot = q.searchId](diffclip::Library& lib) -> Logged {
            auto id = lib.logSearch(diffclip::searchLogEntry(lib, *ws, key, text, 0, filter, k, result, started, "app"));
            if (id) slot->store(*id);
            return id;
        },
        [this](Logged r) {
            if (!r)
                m_resultsPanel->setMessage(tr("This search was not logged in the library's usage log: %1")
                                               .arg(QString::fromStdString(r.error().message)));
        });
}

void SearchPage::markNoneRight() {
    if (m_current < 0 || !m_access->isOpen()) return;
    const SearchQuery& q = m_runner->queries()[size_t(m_current)];
    m_resultsPanel->setNoneRightState(true, false);  // one click, one row
    m_access->run<diffclip::Status>(
        this,
        [slot = q.searchId](diffclip::Library& lib) -> diffclip::Status {
            // Read on the library's worker, after the search's own log request.
            const qint64 id = slot->load();
            if (id <= 0)
                return diffclip::makeError(diffclip::ErrorCode::NotFound, "this search is not in the usage log");
            return lib.addSearchFeedback(id, 0, false);
        },
        [this](diffclip::Status s) {
            m_resultsPanel->setNoneRightState(!m_resultsPanel->noneRightButton()->isHidden(), true);
            m_resultsPanel->setMessage(s ? tr("Recorded: none of these hits is right.")
                                         : tr("Not recorded: %1").arg(QString::fromStdString(s.error().message)));
        });
}

void SearchPage::readJudgements(int index) {
    using Current = diffclip::Result<std::vector<diffclip::Library::FeedbackRecord>>;
    const std::string key = m_runner->queries()[size_t(index)].feedbackKey().toStdString();
    const int generation = m_runner->generation();
    // The tiles show no badge when the library cannot be read; the hit window says why.
    m_access->run<Current>(
        this, [key](diffclip::Library& lib) { return lib.currentFeedback(key); },
        [this, index, generation](Current r) {
            if (!r || generation != m_runner->generation() || index >= queryCount()) return;
            SearchQuery& q = m_runner->queries()[size_t(index)];
            q.judgements.clear();
            for (const auto& f : *r) q.judgements[f.hitImageId] = f.right;
            if (index == m_current) m_results->setJudgements(q.judgements);
        });
}

// ---------------------------------------------------------------------------------------------
// Showing

void SearchPage::showCurrent() {
    const SearchQuery* q = m_current >= 0 ? &m_runner->queries()[size_t(m_current)] : nullptr;
    clearBanner(Topic::Query);  // a failed query's message goes with it
    m_queryPanel->showQuery(q);
    m_resultsPanel->setConfidenceNote(QString());
    m_resultsPanel->setNotEmbedded(0, false);
    m_resultsPanel->setStatus(QString());
    // "None Right" for an answer with hits, when the library takes feedback.
    m_resultsPanel->setNoneRightState(q && q->done && q->ok && !q->result.hits.empty(),
                                      m_access->isOpen() && !m_access->isReadOnly());
    if (!q || !q->done || !q->ok) m_results->clear();
    const QString noLibrary = tr("No library is open. Open a library to search its photos.");
    if (!q) {
        m_resultsPanel->showSentence(m_workspace ? tr("Drop a defect photo here, paste one with Ctrl+V, choose one "
                                                      "with Ctrl+O, or type words above and press Enter.")
                                                 : noLibrary);
    } else if (!q->done) {
        m_resultsPanel->showSentence(!m_workspace          ? noLibrary
                                     : m_filters->problem() ? tr("Not searched: the filters are not valid (see the "
                                                                 "message above).")
                                                            : tr("Searching…"));
    } else if (!q->ok) {
        showBanner(Topic::Query, tr("Could not search with %1").arg(SearchQueryPanel::title(*q)),
                   ErrorText::searchReason(q->error.code, !q->isText()), ErrorText::details(q->error));
        m_resultsPanel->showSentence(tr("No results: the search failed (see the message above)."));
    } else {
        const diffclip::SearchResult& r = q->result;
        m_results->setResult(r, q->judgements);
        if (r.hits.empty())
            m_resultsPanel->showSentence(r.searched == 0 ? tr("No photos pass the filters, or none are embedded by "
                                                              "this model yet.")
                                                         : tr("No results."));
        else
            m_resultsPanel->showTiles();
        if (r.confident.has_value() && !*r.confident && !r.hits.empty())
            m_resultsPanel->setConfidenceNote(
                tr("No confident match. The best score, %1, is below this library's own threshold of %2: "
                   "this photo is further from the library than 95% of its photos are from their nearest "
                   "neighbour. The closest photos are listed anyway.")
                    .arg(double(r.hits.front().score), 0, 'f', 3)
                    .arg(r.threshold, 0, 'f', 3));
        m_resultsPanel->setNotEmbedded(r.notEmbedded, m_reembedJob == 0);
        m_resultsPanel->setStatus(statusText());
    }
    updateExportButton();
}

void SearchPage::updateExportButton() {
    m_queryBar->setExportEnabled(anyHits(m_runner->queries()));
}

QString SearchPage::statusText() const {
    if (m_current < 0) return {};
    const SearchQuery& q = m_runner->queries()[size_t(m_current)];
    if (!q.done || !q.ok) return {};
    const diffclip::SearchResult& r = q.result;
    QString s = tr("%n result(s) from %1 photos in %2 s", nullptr, int(r.hits.size()))
                    .arg(QLocale().toString(qlonglong(r.searched)))
                    .arg(r.seconds, 0, 'f', 2);
    // Confidence speaks of a best hit; with none (the filters let no photo through) it says nothing.
    if (r.hits.empty()) return s;
    if (r.confident.has_value())
        s += QStringLiteral(" · ") + tr("threshold %1").arg(r.threshold, 0, 'f', 3);
    else if (q.isText())
        s += QStringLiteral(" · ") + tr("text scores are not calibrated");
    else
        s += QStringLiteral(" · ") + tr("library too small to judge confidence");
    return s;
}

HitDetail* SearchPage::hitDetail() const { return m_detail.data(); }

bool SearchPage::isNoConfidentMatchShown() const { return m_resultsPanel->isConfidenceNoteShown(); }
bool SearchPage::isNotEmbeddedShown() const { return m_resultsPanel->isNotEmbeddedShown(); }

void SearchPage::updateBusyUi() {
    const int running = m_runner->running();
    QString text;
    if (running >= 0) {
        text = tr("Searching with %1…").arg(SearchQueryPanel::title(m_runner->queries()[size_t(running)]));
        if (queryCount() > 1) text += QLatin1Char(' ') + tr("(%1 of %2)").arg(running + 1).arg(queryCount());
    }
    m_resultsPanel->setBusy(text);
}

void SearchPage::showBanner(Topic topic, const QString& title, const QString& reason, const QString& details) {
    m_error->showError(title, reason, details);
    m_bannerTopic = topic;
}

void SearchPage::clearBanner(Topic topic) {
    if (m_bannerTopic != topic) return;
    m_error->clear();
    m_bannerTopic = Topic::None;
}

void SearchPage::refreshFilterChoices() {
    if (!m_workspace) return;
    using Choices = diffclip::Result<SearchFilterBar::Choices>;
    const int request = ++m_choicesRequest;
    m_access->run<Choices>(
        this,
        [](diffclip::Library& lib) { return SearchFilterBar::readChoices(lib); },
        [this, request](Choices r) {
            if (request != m_choicesRequest) return;  // another library, or a newer reading, by now
            if (!r) {
                showBanner(Topic::Choices, tr("Could not list the library's labels"),
                           tr("The label filter offers no choices until the library can be read."),
                           ErrorText::details(r.error()));
                return;
            }
            clearBanner(Topic::Choices);
            m_filters->setChoices(*r);
        });
}

void SearchPage::startReembedding() {
    if (!m_jobs || !m_workspace || m_reembedJob != 0) return;
    m_resultsPanel->setReembedEnabled(false);
    QPointer<SearchPage> self(this);
    m_reembedJob = m_jobs->submitReembedding(m_workspace, diffclip::IndexOptions{}, [self](const JobInfo& info) {
        if (!self) return;
        self->m_reembedJob = 0;
        if (info.state == JobState::Succeeded) {
            self->clearBanner(Topic::Reembed);
            self->refreshFilterChoices();
            self->searchAgain();
        } else if (info.state == JobState::Failed) {
            self->showBanner(Topic::Reembed, tr("Embedding the missing photos failed"), info.outcome.errorReason,
                             info.outcome.errorDetails);
            self->m_resultsPanel->setReembedEnabled(true);
        } else {
            self->m_resultsPanel->setReembedEnabled(true);
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Hits, export, drops

void SearchPage::openHit(int row) {
    if (m_current < 0) return;
    const diffclip::SearchHit* hit = m_results->hitAt(row);
    if (!hit) return;
    if (m_detail) m_detail->close();
    const diffclip::SearchResult& r = m_results->result();
    m_detail = new HitDetail(m_access, m_runner->queries()[size_t(m_current)], *hit, r.threshold,
                             r.confident.has_value(), this);
    m_detail->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_detail, &HitDetail::explainRequested, this, &SearchPage::explainRequested);
    // The tile shows the judgement at once; the query keeps it for when it is shown again.
    connect(m_detail, &HitDetail::feedbackStored, this,
            [this, index = m_current, generation = m_runner->generation()](qint64 id, bool right) {
                if (generation != m_runner->generation() || index >= queryCount()) return;
                m_runner->queries()[size_t(index)].judgements[id] = right;
                if (index == m_current) m_results->setJudgement(id, right);
            });
    m_detail->show();
}

bool SearchPage::exportResults(const QString& csvPath) {
    if (!anyHits(m_runner->queries())) {
        showBanner(Topic::Export, tr("Nothing to export"), tr("There are no search results yet."), QString());
        return false;
    }
    const SearchCsvOutcome out = writeSearchCsv(csvPath, m_runner->queries());
    if (!out.ok()) {
        showBanner(Topic::Export, tr("Could not export the results"),
                   out.failure == SearchCsvOutcome::Failure::Create
                       ? tr("The file could not be created. Check the folder exists and you may write there.")
                       : tr("Writing the file failed. Check that the disk is not full."),
                   out.detail);
        m_resultsPanel->setMessage(QString());
        return false;
    }
    clearBanner(Topic::Export);
    m_resultsPanel->setMessage(
        tr("Exported %n row(s) to %1", nullptr, out.rows).arg(QDir::toNativeSeparators(csvPath)));
    return true;
}

void SearchPage::exportResultsAs() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Search Results"),
                                                      QStringLiteral("search-results.csv"), tr("CSV files (*.csv)"));
    if (!path.isEmpty()) exportResults(path);
}

void SearchPage::dragEnterEvent(QDragEnterEvent* event) {
    const QMimeData* mime = event->mimeData();
    if (!localPaths(mime).isEmpty() || (mime && mime->hasImage())) event->acceptProposedAction();
}

void SearchPage::dropEvent(QDropEvent* event) {
    if (searchMime(event->mimeData())) event->acceptProposedAction();
}

}  // namespace diffclip::ui
