#pragma once
// The Training page (docs/TRAINING.md, "The Training page"): trains a new model package from a
// folder-per-class tree (or the library's labels, mirrored as such a tree) with runTraining as a
// JobCentre job. Settings: mode (linear / contrastive / scratch), preset, base model or
// architecture, device, time budget, standard-vs-differential comparison, output name. While it
// runs: progress, time left, cancel, and live curves of loss, validation top-1 and learning
// rate. At the end: before/after figures, per-class precision and recall, a confusion matrix,
// and Activate for the new package (written to the model registry).
//
// Threading: GUI thread only. The job's progress reaches the page through a mutex-guarded
// queue polled by a timer, so a worker never touches a widget or a possibly deleted page.

#include <QList>
#include <QPointer>
#include <QString>
#include <QWidget>

#include <memory>
#include <vector>

#include "diffclip/formats/Json.h"

namespace diffclip {
class Workspace;
}

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QTableWidget;
class QTimer;

namespace diffclip::ui {

class ConfusionMatrixView;
class ErrorBanner;
class JobCentre;

class TrainingPage : public QWidget {
    Q_OBJECT

public:
    enum class Mode { Linear, Contrastive, Scratch };

    /// One class folder of the chosen tree, as the preview lists it.
    struct ClassEntry {
        QString name;
        int photos = 0;       // files with a photo extension below the folder (not decoded yet)
        QString prompt;       // prompt.txt's first non-empty line, else the default prompt
        bool customPrompt = false;
    };
    /// Lists a folder-per-class tree the way the trainer reads it (top-level, non-hidden folders
    /// with at least one photo file; photos by extension, anywhere below). Classes sorted by
    /// name. Does not decode anything; an unreadable or missing root gives an empty list.
    static QList<ClassEntry> scanClassTree(const QString& root);

    TrainingPage(JobCentre* jobs, QWidget* parent = nullptr);
    ~TrainingPage() override;

    /// Chooses the data folder and refreshes the class preview.
    void setDataFolder(const QString& folder);
    QString dataFolder() const;
    const QList<ClassEntry>& classPreview() const { return m_classes; }

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

    /// Starts training with the current settings. Returns false (and says why in the page)
    /// when the settings or data cannot be used or a training is already running.
    bool start();
    void cancel();
    bool isBusy() const { return m_jobId != 0 || m_mirrorJobId != 0; }
    int jobId() const { return m_jobId; }
    /// The package of the last successful run (for a comparison, the variant shown); empty when none.
    QString packagePath() const;
    /// training.json of the last successful run (with "package").
    const diffclip::Json& summary() const { return m_summary; }

    // Views, for tests and the screenshot tool.
    ErrorBanner* errorBanner() const { return m_error; }
    QCustomPlot* lossPlot() const { return m_lossPlot; }
    QCustomPlot* validationPlot() const { return m_valPlot; }
    QCustomPlot* learningRatePlot() const { return m_lrPlot; }
    ConfusionMatrixView* confusionView() const { return m_confusion; }
    QTableWidget* previewTable() const { return m_preview; }
    QTableWidget* summaryTable() const { return m_summaryTable; }
    QTableWidget* perClassTable() const { return m_perClass; }
    QLabel* statusLabel() const { return m_status; }
    QPushButton* activateButton() const { return m_activate; }
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

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Feed;
    void updateControls();
    void refreshPreview();
    void resetCharts();
    void styleCharts();
    void drainFeed();
    void onJobFinished(int state, const QString& reason, const QString& details);
    void showResults();
    void showVariant(const QString& variant);
    QString defaultOutputName() const;
    void chooseBaseModel();

    QPointer<JobCentre> m_jobs;  // the main window may delete the centre before its pages
    std::shared_ptr<diffclip::Workspace> m_workspace;
    QString m_registryDir;
    QList<ClassEntry> m_classes;
    bool m_baseChosen = false;  // the user picked a base model: the workspace no longer overrides it

    ErrorBanner* m_error = nullptr;
    QLineEdit* m_folder = nullptr;
    QPushButton* m_libraryLabels = nullptr;
    QTableWidget* m_preview = nullptr;
    QLabel* m_previewNote = nullptr;
    QComboBox* m_mode = nullptr;
    QComboBox* m_preset = nullptr;
    QComboBox* m_base = nullptr;
    QPushButton* m_baseBrowse = nullptr;
    QComboBox* m_arch = nullptr;
    QComboBox* m_device = nullptr;
    QDoubleSpinBox* m_budget = nullptr;
    QCheckBox* m_compare = nullptr;
    QLineEdit* m_output = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QCustomPlot* m_lossPlot = nullptr;
    QCustomPlot* m_valPlot = nullptr;
    QCustomPlot* m_lrPlot = nullptr;
    QComboBox* m_variant = nullptr;
    QTableWidget* m_summaryTable = nullptr;
    QTableWidget* m_perClass = nullptr;
    ConfusionMatrixView* m_confusion = nullptr;
    QPushButton* m_activate = nullptr;
    QTimer* m_poll = nullptr;

    int m_jobId = 0;
    int m_mirrorJobId = 0;
    Mode m_runMode = Mode::Linear;
    std::shared_ptr<Feed> m_feed;
    std::vector<QString> m_graphVariants;  // graph i of each plot belongs to this variant
    diffclip::Json m_summary;
    QString m_runCheckpoint;
};

}  // namespace diffclip::ui
