#include "TrainingRecipeForm.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

#include "AppSettings.h"
#include "Controls.h"
#include "ModelListModel.h"
#include "diffclip/training/Starter.h"
#include "diffclip/training/TrainJob.h"

namespace diffclip::ui {

TrainingRecipeForm::TrainingRecipeForm(QWidget* parent) : QWidget(parent) {
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    m_mode = new QComboBox(this);
    m_mode->addItem(tr("Linear probe (fast, base model frozen)"), int(Mode::Linear));
    m_mode->addItem(tr("Contrastive fine-tuning"), int(Mode::Contrastive));
    m_mode->addItem(tr("From scratch (small DiffCLIP)"), int(Mode::Scratch));
    m_mode->addItem(tr("Self-supervised (unlabelled photos → a starter)"), int(Mode::SelfSupervised));
    form->addRow(tr("&Mode:"), m_mode);
    m_preset = new QComboBox(this);
    m_preset->addItem(tr("Quick"), QStringLiteral("quick"));
    m_preset->addItem(tr("Standard"), QStringLiteral("standard"));
    m_preset->addItem(tr("Thorough"), QStringLiteral("thorough"));
    m_preset->setCurrentIndex(1);
    form->addRow(tr("&Preset:"), m_preset);
    m_base = new QComboBox(this);
    m_base->setEditable(true);
    m_base->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    // Room for a package and its file ("diffclip-tiny-a/model.safetensors") beside Choose….
    m_base->setMinimumContentsLength(26);
    m_base->setObjectName(QStringLiteral("baseModel"));
    m_base->setAccessibleName(tr("Base model"));
    for (const QString& m : AppSettings::recentModels()) m_base->addItem(ModelListModel::displayName(m), m);
    m_base->setCurrentIndex(-1);
    connect(m_base, QOverload<int>::of(&QComboBox::activated), this, [this] { m_baseChosen = true; });
    connect(m_base, &QComboBox::currentIndexChanged, this, [this] {
        const QString spec = baseModel();
        m_base->setToolTip(spec.isEmpty() ? QString() : QDir::toNativeSeparators(spec));
    });
    m_baseBrowse = makeButton(tr("Choose…"), tr("Choose the base model"), this);
    connect(m_baseBrowse, &QPushButton::clicked, this, &TrainingRecipeForm::chooseBaseModel);
    auto* baseField = new QWidget(this);
    auto* baseRow = new QHBoxLayout(baseField);
    baseRow->setContentsMargins(0, 0, 0, 0);
    baseRow->addWidget(m_base, 1);
    baseRow->addWidget(m_baseBrowse);
    // A label of its own: a row holding a layout gets no buddy, so the mnemonic would show.
    form->addRow(makeBuddyLabel(tr("&Base model:"), m_base, this), baseField);
    m_arch = new QComboBox(this);
    m_arch->addItem(tr("By preset"), QString());
    m_arch->addItem(tr("DiffCLIP tiny (32 px, for trials)"), QStringLiteral("preset:diffclip-tiny"));
    m_arch->addItem(tr("DiffCLIP mini (64 px)"), QStringLiteral("preset:diffclip-mini"));
    m_arch->addItem(tr("DiffCLIP starter (96 px)"), QStringLiteral("preset:diffclip-starter"));
    form->addRow(tr("&Architecture:"), m_arch);
    // Where the vision tower starts (TrainRecipe::init); the hint names the starter that fits.
    m_init = new QComboBox(this);
    m_init->setObjectName(QStringLiteral("initChoice"));
    m_init->addItem(tr("Pretrained starter"), QStringLiteral("auto"));
    m_init->addItem(tr("Random weights (for comparison)"), QStringLiteral("random"));
    m_initHint = new QLabel(this);
    m_initHint->setObjectName(QStringLiteral("initHint"));
    m_initHint->setWordWrap(true);
    m_initHint->setForegroundRole(QPalette::PlaceholderText);
    auto* initField = new QWidget(this);
    auto* initBox = new QVBoxLayout(initField);
    initBox->setContentsMargins(0, 0, 0, 0);
    initBox->addWidget(m_init);
    initBox->addWidget(m_initHint);
    form->addRow(makeBuddyLabel(tr("&Start from:"), m_init, this), initField);
    m_compare = new QCheckBox(tr("Compare standard and differential attention"), this);
    m_compare->setToolTip(tr("Train a standard-attention and a differential-attention model on the same split, each "
                             "with half of the time budget."));
    form->addRow(QString(), m_compare);
    m_device = new QComboBox(this);
    m_device->addItem(tr("Automatic"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(tr("GPU (CUDA)"), QStringLiteral("cuda"));
    m_device->setCurrentIndex(std::max(0, m_device->findData(AppSettings::device())));
    form->addRow(tr("&Device:"), m_device);
    m_budget = new QDoubleSpinBox(this);
    m_budget->setRange(0.0, 7 * 24 * 60.0);
    m_budget->setDecimals(1);
    m_budget->setSuffix(tr(" min"));
    m_budget->setSpecialValueText(tr("No limit"));
    m_budget->setToolTip(tr("Training stops cleanly at this time and keeps the best epoch. With a limit, the limit "
                            "decides how many epochs run."));
    form->addRow(tr("&Time budget:"), m_budget);
    m_output = new QLineEdit(this);
    m_output->setAccessibleName(tr("Output name"));
    m_output->setToolTip(tr("The new model's folder name in the model registry. Starting again with the same name "
                            "after a cancel resumes from the checkpoint."));
    form->addRow(tr("&Output name:"), m_output);

    connect(m_mode, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this] {
        updateEnabled();
        Q_EMIT modeChanged();
    });
    connect(m_compare, &QCheckBox::toggled, this, [this] {
        updateEnabled();
        Q_EMIT modeChanged();
    });
    for (QComboBox* box : {m_arch, m_preset, m_init})
        connect(box, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &TrainingRecipeForm::updateEnabled);
    updateEnabled();
}

void TrainingRecipeForm::setMode(Mode mode) { m_mode->setCurrentIndex(m_mode->findData(int(mode))); }

TrainingRecipeForm::Mode TrainingRecipeForm::mode() const { return Mode(m_mode->currentData().toInt()); }

void TrainingRecipeForm::setPreset(const QString& preset) {
    const int i = m_preset->findData(preset);
    if (i >= 0) m_preset->setCurrentIndex(i);
}

QString TrainingRecipeForm::preset() const { return m_preset->currentData().toString(); }

void TrainingRecipeForm::setBaseModel(const QString& spec) {
    m_baseChosen = true;
    if (spec.isEmpty()) {
        m_base->setCurrentIndex(-1);
        m_base->setEditText(QString());
        return;
    }
    selectBase(spec);
}

void TrainingRecipeForm::setDefaultBaseModel(const QString& spec) {
    if (!m_baseChosen && !spec.isEmpty()) selectBase(spec);
}

void TrainingRecipeForm::selectBase(const QString& spec) {
    int i = m_base->findData(spec);
    if (i < 0) {
        m_base->insertItem(0, ModelListModel::displayName(spec), spec);
        i = 0;
    }
    m_base->setCurrentIndex(i);
}

QString TrainingRecipeForm::baseModel() const {
    const QString text = m_base->currentText().trimmed();
    const int i = m_base->currentIndex();
    // An item shows a short name; typed text is a path or spec of its own.
    if (i >= 0 && m_base->itemText(i) == text) return m_base->itemData(i).toString();
    return text;
}

void TrainingRecipeForm::setArchitecture(const QString& architecture) {
    const int i = m_arch->findData(architecture);
    if (i >= 0) m_arch->setCurrentIndex(i);
}

QString TrainingRecipeForm::architecture() const { return m_arch->currentData().toString(); }

void TrainingRecipeForm::setCompareAttention(bool on) { m_compare->setChecked(on); }

bool TrainingRecipeForm::compareAttention() const { return m_compare->isChecked(); }

void TrainingRecipeForm::setInit(const QString& init) {
    const int i = m_init->findData(init);
    if (i >= 0) m_init->setCurrentIndex(i);
}

QString TrainingRecipeForm::init() const { return m_init->currentData().toString(); }

void TrainingRecipeForm::setStartersDir(const QString& dir) {
    m_startersDir = dir;
    refreshStarters();
}

void TrainingRecipeForm::refreshStarters() {
    const QString chosen = init();
    const QSignalBlocker block(m_init);
    while (m_init->count() > 2) m_init->removeItem(2);  // keep "auto" and "random"
    if (!m_startersDir.isEmpty()) {
        const QDir dir(m_startersDir);
        for (const QString& name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
            if (QFileInfo::exists(dir.filePath(name + QStringLiteral("/starter.json"))))
                m_init->addItem(tr("Your starter “%1”").arg(name), dir.filePath(name));
    }
    const int again = m_init->findData(chosen);
    m_init->setCurrentIndex(again < 0 ? 0 : again);
    updateEnabled();
}

QString TrainingRecipeForm::initHint() const {
    if (init() == QLatin1String("random")) return tr("The vision tower starts from random weights.");
    if (init() != QLatin1String("auto")) {
        auto s = readStarter(QFile::encodeName(init()).toStdString());
        if (!s) return tr("This starter cannot be read: %1").arg(QString::fromStdString(s.error().message));
        return tr("The vision tower starts from your starter “%1”; the text tower starts from random weights.")
            .arg(QString::fromStdString(s->name));
    }
    std::string arch = architecture().toStdString();
    if (arch.empty()) {
        auto r = presetRecipe(TrainMode::Scratch, preset().toStdString());
        if (r) arch = r->architecture;
    }
    auto cfg = arch.rfind("preset:", 0) == 0 ? ModelConfig::preset(arch.substr(7)) : ModelConfig::fromFile(arch);
    if (!cfg) return QString();
    std::optional<StarterInfo> starter = findStarter(*cfg);
    if (mode() == Mode::Scratch && m_compare->isChecked()) {
        ModelConfig standard = *cfg;
        standard.attention = AttentionKind::Standard;
        standard.vision.normEps = 1e-6;
        const std::optional<StarterInfo> standardStarter = findStarter(standard);
        if (starter && !standardStarter)
            return tr("No starter is installed for standard attention, so both compared models start from random "
                      "weights.");
        if (starter && standardStarter)
            return tr("Both compared models start from installed starters pretrained the same way: “%1” "
                      "(differential attention) and “%2” (standard attention); the text towers start from random "
                      "weights.")
                .arg(QString::fromStdString(starter->name), QString::fromStdString(standardStarter->name));
    }
    if (!starter) return tr("No installed starter fits this architecture: the vision tower starts from random weights.");
    return tr("The vision tower starts from the installed starter “%1”, pretrained on generated formula images; "
              "the text tower starts from random weights.")
        .arg(QString::fromStdString(starter->name));
}

QString TrainingRecipeForm::device() const { return m_device->currentData().toString(); }

void TrainingRecipeForm::setTimeBudgetMinutes(double minutes) { m_budget->setValue(minutes); }

double TrainingRecipeForm::timeBudgetMinutes() const { return m_budget->value(); }

void TrainingRecipeForm::setOutputName(const QString& name) { m_output->setText(name); }

QString TrainingRecipeForm::outputName() const { return m_output->text().trimmed(); }

void TrainingRecipeForm::setOutputPlaceholder(const QString& name) { m_output->setPlaceholderText(name); }

void TrainingRecipeForm::setRunning(bool running) {
    m_running = running;
    updateEnabled();
}

void TrainingRecipeForm::chooseBaseModel() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Base Model"), QString(),
                                                      tr("Models (*.safetensors *.pt *.pth config.json);;All files (*)"));
    // A model package is its folder (config.json + model.safetensors), as on the Explain page.
    if (!path.isEmpty())
        setBaseModel(QFileInfo(path).fileName() == QLatin1String("config.json") ? QFileInfo(path).absolutePath() : path);
}

void TrainingRecipeForm::updateEnabled() {
    // Self-supervised training builds a vision tower like a scratch run, from no base model.
    const bool scratch = mode() == Mode::Scratch || mode() == Mode::SelfSupervised;
    m_base->setEnabled(!scratch && !m_running);
    m_baseBrowse->setEnabled(!scratch && !m_running);
    m_arch->setEnabled(scratch && !m_running);
    m_compare->setEnabled(mode() == Mode::Scratch && !m_running);
    m_init->setEnabled(scratch && !m_running);
    m_initHint->setVisible(scratch);
    if (scratch) m_initHint->setText(initHint());
    for (QWidget* w : std::initializer_list<QWidget*>{m_mode, m_preset, m_device, m_budget, m_output})
        w->setEnabled(!m_running);
}

}  // namespace diffclip::ui
