#pragma once
// The Training page's settings: mode (linear / contrastive / scratch / self-supervised), preset, base model (the
// open workspace's model until the user picks one) or architecture and where it starts (a
// pretrained starter or random weights), the standard-vs-differential
// comparison, device, time budget and output name. Which fields apply follows the mode; all are
// locked while a training runs. GUI thread only.

#include <QString>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace diffclip::ui {

class TrainingRecipeForm : public QWidget {
    Q_OBJECT

public:
    enum class Mode { Linear, Contrastive, Scratch, SelfSupervised };

    explicit TrainingRecipeForm(QWidget* parent = nullptr);

    void setMode(Mode mode);
    Mode mode() const;
    /// "quick", "standard" or "thorough"; anything else is ignored.
    void setPreset(const QString& preset);
    QString preset() const;
    /// The base model (linear, contrastive): a MODEL argument (file, package folder, preset:NAME);
    /// empty clears it. Counts as the user's choice: the workspace no longer overrides it.
    void setBaseModel(const QString& spec);
    QString baseModel() const;
    /// The open workspace's model, the default base model until the user chooses one.
    void setDefaultBaseModel(const QString& spec);
    /// Scratch: "" (the preset's choice) or "preset:NAME".
    void setArchitecture(const QString& architecture);
    QString architecture() const;
    void setCompareAttention(bool on);  // scratch only
    bool compareAttention() const;
    /// Scratch, self-supervised: "auto" (the installed starter that fits, else random), "random",
    /// or the folder of one of the user's starters (setStartersDir) (TrainRecipe::init).
    void setInit(const QString& init);
    QString init() const;
    /// The sentence under the choice: which starter the run would use, or why none.
    QString initHint() const;
    /// Where the user's own starters (self-supervised runs) are kept; "Start from" offers each
    /// one found there. Reads the folder again.
    void setStartersDir(const QString& dir);
    void refreshStarters();
    QString device() const;
    void setTimeBudgetMinutes(double minutes);  // 0: no limit
    double timeBudgetMinutes() const;
    void setOutputName(const QString& name);
    QString outputName() const;  // trimmed, as typed
    /// The name used when none is typed (shown greyed in the field).
    void setOutputPlaceholder(const QString& name);

    /// Locks every field while a training runs.
    void setRunning(bool running);

public Q_SLOTS:
    /// A file dialog for the base model (a package is chosen through its config.json).
    void chooseBaseModel();

Q_SIGNALS:
    /// The mode or the comparison changed (the page's labels and defaults follow).
    void modeChanged();

private:
    void updateEnabled();
    void selectBase(const QString& spec);

    QComboBox* m_mode = nullptr;
    QComboBox* m_preset = nullptr;
    QComboBox* m_base = nullptr;
    QPushButton* m_baseBrowse = nullptr;
    QComboBox* m_arch = nullptr;
    QCheckBox* m_compare = nullptr;
    QComboBox* m_init = nullptr;
    QString m_startersDir;
    QLabel* m_initHint = nullptr;
    QComboBox* m_device = nullptr;
    QDoubleSpinBox* m_budget = nullptr;
    QLineEdit* m_output = nullptr;
    bool m_running = false;
    bool m_baseChosen = false;  // the user picked a base model: the workspace no longer overrides it
};

}  // namespace diffclip::ui
