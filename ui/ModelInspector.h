#pragma once
// The Models page's inspection part: model files and package folders opened to see what they
// are (architecture, preprocessing, checksums), listed in a session list with the chosen one's
// summary (ModelSummaryView) or a hint when none is open. Opening runs diffclip::summariseModel
// on a worker thread, one model at a time in request order; a model already open is read again.
// The watcher is parented to the inspector, so a result for a deleted inspector is dropped.
// GUI thread only.

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QWidget>

class QListView;
class QPushButton;
class QSplitter;
class QStackedWidget;

namespace diffclip::ui {

class ModelListModel;
class ModelSummaryView;

class ModelInspector : public QWidget {
    Q_OBJECT

public:
    explicit ModelInspector(QWidget* parent = nullptr);

    /// Queues `path` (cleaned, absolute) to be opened; returns at once.
    void openModel(const QString& path);
    bool isBusy() const { return !m_loadingPath.isEmpty(); }
    /// The model being read now (empty: none) and how many wait behind it.
    QString loadingPath() const { return m_loadingPath; }
    int queuedCount() const { return int(m_queue.size()); }
    int modelCount() const;
    /// Path of the model whose summary is shown; empty when none.
    QString currentModelPath() const;
    const ModelSummaryView* summaryView() const { return m_summary; }

    QByteArray splitterState() const;
    void restoreSplitterState(const QByteArray& state);

public Q_SLOTS:
    void closeCurrentModel();
    void copySummary();

Q_SIGNALS:
    void modelOpened(const QString& path);
    /// `reason` is translated; `details` is the core's English detail.
    void openFailed(const QString& path, const QString& reason, const QString& details);
    /// A model started or stopped being read; loadingPath() and queuedCount() changed.
    void loadingChanged();

private:
    struct Outcome;
    void startNextLoad();
    void finishLoad(const Outcome& outcome);
    void showRow(int row);

    ModelListModel* m_models = nullptr;
    QListView* m_list = nullptr;
    QPushButton* m_closeButton = nullptr;
    QPushButton* m_copyButton = nullptr;
    QSplitter* m_splitter = nullptr;
    QStackedWidget* m_detailStack = nullptr;
    ModelSummaryView* m_summary = nullptr;
    QWidget* m_emptyState = nullptr;
    QWidget* m_summaryPane = nullptr;

    QString m_loadingPath;  // empty when idle
    QStringList m_queue;    // waiting behind m_loadingPath
};

}  // namespace diffclip::ui
