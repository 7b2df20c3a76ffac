#pragma once
// The Search page: find the library photos most like a query photo (dropped, pasted, or
// chosen) or a text. Several dropped photos are searched one after another and listed as a
// query strip; choosing one shows its results. Results are near-duplicate groups in a grid,
// with score, label and metadata; filters narrow the photos searched. A result opens in a
// HitDetail dialog, where a person marks it right or wrong.
//
// Searching runs on worker threads (the Workspace is thread-safe); a newer query supersedes
// an older one, whose late answer is dropped. The GUI thread only lays out results.

#include <QImage>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

#include "diffclip/indexing/IndexTypes.h"

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QSplitter;
class QStackedWidget;
class QTimer;

namespace diffclip {
class Workspace;
}

namespace diffclip::ui {

class ErrorBanner;
class HitDetail;
class JobCentre;
class SearchResultsModel;
class ThumbnailCache;

class SearchPage : public QWidget {
    Q_OBJECT

public:
    /// `jobs` (may be null) runs re-embedding when the library has photos the model lacks.
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
    /// Writes every query's results as CSV (query, rank, group, path, score, label, metadata).
    /// False with the error banner shown when it cannot be written.
    bool exportResults(const QString& csvPath);
    /// Opens the result in `row` of the current query in a HitDetail dialog (not modal).
    void openHit(int row);

    // State, for the main window and tests.
    bool isBusy() const { return m_running >= 0; }
    int queryCount() const { return int(m_queries.size()); }
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
    struct Query {
        QString path;  // photo query; empty for text
        QString text;  // text query; empty for photos
        QImage pasted; // a pasted image not yet saved to `path`
        bool done = false;
        bool ok = false;
        diffclip::SearchResult result;
        diffclip::Error error;
    };
    struct Outcome {
        int generation = 0;
        int index = 0;
        bool ok = false;
        diffclip::SearchResult result;
        diffclip::Error error;
    };

    void setQueries(std::vector<Query> queries);
    void startNext();
    void finishSearch(const Outcome& outcome);
    void showCurrent();
    void showQueryPreview();
    void updateQueryStripItem(int index);
    void updateBusyUi();
    void refreshLabels();
    void startReembedding();
    bool parseWhere(std::vector<std::pair<std::string, std::string>>* out, QString* bad) const;
    QString queryTitle(const Query& q) const;
    /// The filters and K as one string, to tell whether they changed since the last search.
    QString filterSignature() const;

    JobCentre* m_jobs;
    std::shared_ptr<diffclip::Workspace> m_workspace;
    std::vector<Query> m_queries;
    int m_current = -1;
    int m_running = -1;     // index of the query being searched for this generation, -1 when idle
    int m_generation = 0;   // bumped whenever the queries or filters change
    QTemporaryDir m_pasteDir;
    int m_pasteCount = 0;

    ThumbnailCache* m_thumbnails = nullptr;
    SearchResultsModel* m_results = nullptr;
    QListView* m_grid = nullptr;
    QListWidget* m_strip = nullptr;
    QLabel* m_queryPreview = nullptr;
    QLabel* m_queryName = nullptr;
    QLineEdit* m_text = nullptr;
    QSpinBox* m_topK = nullptr;
    QComboBox* m_label = nullptr;
    QLineEdit* m_line = nullptr;
    QLineEdit* m_product = nullptr;
    QLineEdit* m_dateFrom = nullptr;
    QLineEdit* m_dateTo = nullptr;
    QLineEdit* m_where = nullptr;
    QPushButton* m_exportButton = nullptr;
    QWidget* m_busyPanel = nullptr;
    QProgressBar* m_busyBar = nullptr;
    QLabel* m_busyLabel = nullptr;
    QLabel* m_status = nullptr;
    ErrorBanner* m_error = nullptr;
    QLabel* m_confidence = nullptr;
    QWidget* m_notEmbedded = nullptr;
    QLabel* m_notEmbeddedText = nullptr;
    QPushButton* m_reembedButton = nullptr;
    QStackedWidget* m_resultStack = nullptr;
    QLabel* m_emptyState = nullptr;
    QSplitter* m_splitter = nullptr;
    QTimer* m_rerunTimer = nullptr;
    QPointer<HitDetail> m_detail;
    int m_reembedJob = 0;
    QString m_appliedFilter;  // filterSignature() of the searches on screen
};

}  // namespace diffclip::ui
