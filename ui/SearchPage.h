#pragma once
// The Search page: find the library photos most like a query photo (dropped, pasted, or
// chosen) or a text. Several dropped photos are searched one after another and listed as a
// query strip; choosing one shows its results. Results are near-duplicate groups in a grid,
// with score, label, metadata and the person's judgement; filters narrow the photos searched.
// A result opens in a HitDetail window, where a person marks it right or wrong.
//
// The page wires its parts: SearchQueryBar (query sources, export), SearchQueryPanel (query
// preview and strip), SearchFilterBar (filters, number of results), SearchResultsPanel
// (tiles, notices, status, the last action's message), SearchRunner (searches on worker
// threads; a newer query supersedes an older one, whose late answer is dropped), SearchCsv
// (export), ThumbnailCache, and a LibraryAccess of its own for the filter choices and the
// judgements. The GUI thread only lays out results.

#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QWidget>

#include <memory>
#include <vector>

#include "SearchQuery.h"
#include "diffclip/indexing/IndexTypes.h"

class QMimeData;
class QSplitter;

namespace diffclip {
class Workspace;
}

namespace diffclip::ui {

class ErrorBanner;
class HitDetail;
class JobCentre;
class LibraryAccess;
class SearchFilterBar;
class SearchQueryBar;
class SearchQueryPanel;
class SearchResultsModel;
class SearchResultsPanel;
class SearchRunner;
class ThumbnailCache;

class SearchPage : public QWidget {
    Q_OBJECT

public:
    /// `jobs` (may be null) runs re-embedding when the library has photos the model lacks;
    /// its finished jobs (indexing, labelling) also refresh the filter choices.
    explicit SearchPage(JobCentre* jobs, QWidget* parent = nullptr);
    ~SearchPage() override;

    /// The library and model to search; null closes it (queries and results are cleared).
    void setWorkspace(std::shared_ptr<diffclip::Workspace> workspace);
    std::shared_ptr<diffclip::Workspace> workspace() const { return m_workspace; }

    /// Replaces the queries with these photos (folders: the photos directly inside) and
    /// searches each in turn. Returns at once.
    void searchPhotos(const QStringList& paths);
    /// Replaces the queries with one text query.
    void searchText(const QString& text);
    /// Searches the clipboard's image (saved as a temporary PNG) or copied photo files.
    /// False (with a message) when the clipboard holds neither.
    bool pasteFromClipboard();
    /// Writes every query's results as CSV (query, rank, group, path, score, label, metadata)
    /// and says where below the results. False with the error banner shown when it cannot be
    /// written.
    bool exportResults(const QString& csvPath);
    /// Opens the result in `row` of the current query in a HitDetail dialog (not modal).
    void openHit(int row);

    // State, for the main window and tests.
    bool isBusy() const;
    int queryCount() const;
    int currentQuery() const { return m_current; }
    void setCurrentQuery(int index);
    /// Whether query `index` has an answer (results or an error).
    bool isQueryDone(int index) const;
    SearchResultsModel* resultsModel() const { return m_results; }
    const ErrorBanner* errorBanner() const { return m_error; }
    /// The open hit dialog; null when none is open.
    HitDetail* hitDetail() const;
    /// The filters as the core takes them (line and product become where-conditions).
    diffclip::ImageFilter currentFilter() const;
    /// "12 results from 300 photos in 0.21 s" for the current query; empty while none.
    QString statusText() const;
    bool isNoConfidentMatchShown() const;
    bool isNotEmbeddedShown() const;

public Q_SLOTS:
    void choosePhotos();
    void paste() { pasteFromClipboard(); }
    void focusTextSearch();
    void exportResultsAs();
    /// Searches all queries again (filters or K changed).
    void searchAgain();
    /// Reads the label, line, product and field choices of the filters again (the library's
    /// labels or metadata changed), keeping what the person chose.
    void refreshFilterChoices();

Q_SIGNALS:
    /// A query of the current set was answered (`ok` false: the error banner says why).
    void queryFinished(int index, bool ok);
    void busyChanged(bool busy);
    /// The hit dialog asked why a hit matched its query photo.
    void explainRequested(const QString& queryPath, const QString& hitPath);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    /// What the error banner speaks of, so that a later success clears only its own message.
    enum class Topic { None, Query, Input, Filter, Export, Choices, Reembed };

    void setQueries(std::vector<SearchQuery> queries);
    /// Searches the photo files or the image of a drop or paste; false when it holds neither.
    bool searchMime(const QMimeData* mime);
    /// Starts the unanswered queries, unless the filters are not valid (then the banner says why).
    void startSearches();
    void onQueryFinished(int index, bool ok);
    /// Logs the answered query `index` in the usage log (not for a read-only library).
    void logSearch(int index);
    /// Records "none of the hits is right" on the current query's logged search.
    void markNoneRight();
    void readJudgements(int index);
    void showCurrent();
    void updateBusyUi();
    void updateExportButton();
    void startReembedding();
    void showBanner(Topic topic, const QString& title, const QString& reason, const QString& details);
    void clearBanner(Topic topic);

    JobCentre* m_jobs;
    std::shared_ptr<diffclip::Workspace> m_workspace;
    LibraryAccess* m_access = nullptr;
    SearchRunner* m_runner = nullptr;
    int m_current = -1;
    QTemporaryDir m_pasteDir;
    int m_pasteCount = 0;

    ThumbnailCache* m_thumbnails = nullptr;
    SearchResultsModel* m_results = nullptr;
    SearchQueryPanel* m_queryPanel = nullptr;
    SearchFilterBar* m_filters = nullptr;
    SearchResultsPanel* m_resultsPanel = nullptr;
    SearchQueryBar* m_queryBar = nullptr;
    ErrorBanner* m_error = nullptr;
    Topic m_bannerTopic = Topic::None;
    QSplitter* m_splitter = nullptr;
    QPointer<HitDetail> m_detail;
    int m_reembedJob = 0;
    int m_choicesRequest = 0;  // a newer reading of the filter choices makes older answers stale
    QString m_appliedFilter;   // SearchFilterBar::signature() of the searches on screen
};

}  // namespace diffclip::ui
