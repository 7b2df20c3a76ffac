#pragma once
// The Models page: open model files or package folders (dialog, drag and drop, recent list),
// list the models opened in this session and show the chosen one's summary. Opening runs
// on a worker thread, one model at a time in request order; the window stays usable.

#include <QString>
#include <QStringList>
#include <QWidget>

#include "diffclip/model/ModelSummary.h"

class QLabel;
class QListView;
class QProgressBar;
class QPushButton;
class QSplitter;
class QStackedWidget;

namespace diffclip::ui {

class ErrorBanner;
class ModelListModel;
class ModelSummaryView;

class ModelsPage : public QWidget {
    Q_OBJECT

public:
    explicit ModelsPage(QWidget* parent = nullptr);

    /// Queues `path` (file or package folder) to be opened. A model already open is read
    /// again, so a changed file can be refreshed. Returns at once; watch the signals.
    void openModel(const QString& path);

    bool isBusy() const { return !m_loadingPath.isEmpty(); }
    int modelCount() const;
    /// Path of the model whose summary is shown; empty when none.
    QString currentModelPath() const;
    const ModelSummaryView* summaryView() const { return m_summary; }
    const ErrorBanner* errorBanner() const { return m_error; }

    QByteArray splitterState() const;
    void restoreSplitterState(const QByteArray& state);

public Q_SLOTS:
    void chooseModelFile();
    void chooseModelFolder();
    void closeCurrentModel();
    void copySummary();

Q_SIGNALS:
    void modelOpened(const QString& path);
    /// `reason` is translated; `details` is the core's English detail.
    void openFailed(const QString& path, const QString& reason, const QString& details);
    void busyChanged(bool busy);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    struct Outcome {
        QString path;
        bool ok = false;
        diffclip::ModelSummary summary;
        diffclip::Error error;
    };

    void startNextLoad();
    void finishLoad(const Outcome& outcome);
    void showRow(int row);
    void updateBusyUi();

    ModelListModel* m_models = nullptr;
    QListView* m_list = nullptr;
    QPushButton* m_closeButton = nullptr;
    QPushButton* m_copyButton = nullptr;
    QWidget* m_busyPanel = nullptr;
    QProgressBar* m_busyBar = nullptr;
    QLabel* m_busyLabel = nullptr;
    ErrorBanner* m_error = nullptr;
    QSplitter* m_splitter = nullptr;
    QStackedWidget* m_detailStack = nullptr;
    ModelSummaryView* m_summary = nullptr;
    QWidget* m_emptyState = nullptr;
    QWidget* m_summaryPane = nullptr;

    QString m_loadingPath;  // empty when idle
    QStringList m_queue;    // waiting behind m_loadingPath
};

}  // namespace diffclip::ui
