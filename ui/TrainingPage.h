#pragma once
// The Training page (docs/TRAINING.md, "The Training page"): trains a new model package from a
// folder-per-class tree (or the library's labels, mirrored as such a tree) with runTraining as a
// JobCentre job. While it runs: progress, time left, cancel, and live curves of loss, validation
// top-1 and learning rate. At the end: before/after figures, per-class precision and recall, a
// confusion matrix, and Activate for the new package (written to the model registry).
//
// The page runs the job and wires its parts, one file each: TrainingDataPanel (the data folder
// and its classes, listed off the GUI thread by the core's listClassTree), TrainingRecipeForm
// (the settings), TrainingCurveModels + TrainingCharts (the curves, fed by item models),
// TrainingResults (the validation figures and Activate) and TrainingText (words through tr()).
// The status line always says what is next: choose a folder, ready with N classes, the
// running epoch, or how the last run ended; a start error about the data goes when the data changes.
//
// Threading: GUI thread only. The job's progress reaches the page through a mutex-guarded
// queue polled by a timer, so a worker never touches a widget or a possibly deleted page.

#include <QList>
#include <QPointer>
#include <QString>
#include <QWidget>

#include <memory>

#include "TrainingDataPanel.h"
#include "TrainingRecipeForm.h"
#include "diffclip/formats/Json.h"

namespace diffclip {
class Workspace;
}

class QCustomPlot;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTimer;

namespace diffclip::ui {

class ConfusionMatrixView;
class ErrorBanner;
class JobCentre;
class TrainingCharts;
class TrainingCurveModels;
class TrainingResults;

class TrainingPage : public QWidget {
    Q_OBJECT

public:
    using Mode = TrainingRecipeForm::Mode;
    /// One class folder of the chosen tree, as the preview lists it.
    using ClassEntry = TrainingDataPanel::ClassEntry;

    TrainingPage(JobCentre* jobs, QWidget* parent = nullptr);
    ~TrainingPage() override;

    /// Chooses the data folder and lists its classes again (on a worker thread: watch
    /// isListing(); classPreview() belongs to the folder once it is false).
    void setDataFolder(const QString& folder);
    QString dataFolder() const;
    const QList<ClassEntry>& classPreview() const;
    bool isListing() const;

    void setMode(Mode mode);
    Mode mode() const;
    /// "quick", "standard" or "thorough"; anything else is ignored.
    void setPreset(const QString& preset);
    QString preset() const;
    /// The base model (linear, contrastive): a MODEL argument (file, package folder, preset:NAME).
    void setBaseModel(const QString& spec);
    QString baseModel() const;
    /// Scratch: "" (the preset's choice) or "preset:NAME".
    void setArchitecture(const QString& architecture);
    QString architecture() const;
    void setTimeBudgetMinutes(double minutes);  // 0: no limit
    void setCompareAttention(bool on);          // scratch only
    void setOutputName(const QString& name);
    QString outputName() const;
    /// Where packages are written (default AppSettings::modelRegistryDir()); checkpoints go to
    /// <registry>/.checkpoints/<name>, so the registry lists only finished packages.
    void setRegistryDir(const QString& dir);
    QString registryDir() const { return m_registryDir; }
    QString checkpointDir() const;
    /// Where self-supervised runs write their starters: <registry>/.starters/<name> (not model
    /// packages, so the registry does not list them); "Start from" offers each one.
    QString startersDir() const;

    /// Starts training with the current settings. Returns false (and says why in the page)
    /// when the settings or data cannot be used or a training is already running. While the
    /// data folder's classes are still being listed it returns true and starts (or says why
    /// not) once they are: isBusy() is true meanwhile.
    bool start();
    void cancel();
    bool isBusy() const { return m_jobId != 0 || m_mirrorJobId != 0 || m_startWhenListed; }
    int jobId() const { return m_jobId; }
    /// The package of the last successful run (for a comparison, the variant shown); empty when none.
    QString packagePath() const;
    /// training.json of the last successful run (with "package").
    const diffclip::Json& summary() const;

    // Views, for tests and the screenshot tool.
    ErrorBanner* errorBanner() const { return m_error; }
    QCustomPlot* lossPlot() const;
    QCustomPlot* validationPlot() const;
    QCustomPlot* learningRatePlot() const;
    ConfusionMatrixView* confusionView() const;
    QTableWidget* previewTable() const;
    QTableWidget* summaryTable() const;
    QTableWidget* perClassTable() const;
    QLabel* statusLabel() const { return m_status; }
    QPushButton* activateButton() const;
    QPushButton* startButton() const { return m_start; }

public Q_SLOTS:
    /// The main window's workspace: its model is the default base model, its library the
    /// source of "library labels".
    void setWorkspace(std::shared_ptr<diffclip::Workspace> workspace);
    /// Mirrors the open library's labels as a class-folder tree (a job) and uses it as the data.
    void useLibraryLabels();
    void chooseDataFolder();

Q_SIGNALS:
    /// The user asked to make this package the active model.
    void activateRequested(const QString& packagePath);
    /// A training job was submitted.
    void jobStarted(int id);
    /// The training job ended: succeeded (a package is written), failed or was cancelled.
    void trainingFinished(bool succeeded);

private:
    struct Feed;
    bool submit();
    /// Shows why start() refused; `aboutData`: the reason is the data, so it goes when the data changes.
    void startError(const QString& reason, bool aboutData);
    void onListingChanged();
    void showReadiness();
    void updateControls();
    void drainFeed();
    void onJobFinished(int state, const QString& reason, const QString& details);
    QString defaultOutputName() const;

    QPointer<JobCentre> m_jobs;  // the main window may delete the centre before its pages
    std::shared_ptr<diffclip::Workspace> m_workspace;
    QString m_registryDir;

    ErrorBanner* m_error = nullptr;
    TrainingDataPanel* m_data = nullptr;
    TrainingRecipeForm* m_recipe = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    TrainingCurveModels* m_curves = nullptr;
    TrainingCharts* m_charts = nullptr;
    TrainingResults* m_results = nullptr;
    QTimer* m_poll = nullptr;

    int m_jobId = 0;
    int m_mirrorJobId = 0;
    bool m_startWhenListed = false;  // start() waits for the data folder's listing
    bool m_dataErrorShown = false;   // the banner says why the data cannot be used: stale once it changes
    Mode m_runMode = Mode::Linear;
    std::shared_ptr<Feed> m_feed;
    QString m_runCheckpoint;
};

}  // namespace diffclip::ui
