#include "SettingsPage.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include <initializer_list>
#include <utility>

#include "AppSettings.h"
#include "Controls.h"
#include "PageTitle.h"
#include "Theme.h"
#include "diffclip/indexing/Workspace.h"
#include "diffclip/model/ModelSummary.h"

namespace diffclip::ui {

namespace {

QLabel* note(const QString& text, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setForegroundRole(QPalette::PlaceholderText);
    return l;
}

// A control with its explanation under it, as one form field.
QWidget* withNote(QWidget* control, QLabel* noteLabel, QWidget* parent) {
    auto* box = new QWidget(parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(control, 0, Qt::AlignLeft);
    layout->addWidget(noteLabel);
    return box;
}

// A form row: `label` for `control` (its mnemonic focuses the control) and `explanation` under
// the control; at `row`, or at the end when it is -1.
void addRow(QFormLayout* form, const QString& label, QWidget* control, QLabel* explanation, QWidget* parent,
            int row = -1) {
    form->insertRow(row, makeBuddyLabel(label, control, parent), withNote(control, explanation, parent));
}

// A drop-down list of `choices` (text, stored value) showing `current`.
QComboBox* choiceCombo(const QString& objectName, const QString& accessibleName,
                       std::initializer_list<std::pair<QString, QVariant>> choices, const QVariant& current,
                       QWidget* parent) {
    auto* combo = new QComboBox(parent);
    combo->setObjectName(objectName);
    combo->setAccessibleName(accessibleName);
    for (const auto& [text, value] : choices) combo->addItem(text, value);
    combo->setCurrentIndex(qMax(0, combo->findData(current)));
    return combo;
}

}  // namespace

SettingsPage::SettingsPage(QWidget* parent) : QWidget(parent), m_initialLanguage(AppSettings::language()) {
    setObjectName(QStringLiteral("settingsPage"));

    QLabel* title = makePageTitle(tr("Settings"), this);

    // Appearance
    m_language = choiceCombo(QStringLiteral("languageCombo"), tr("Language"),
                             {{tr("System default"), int(LanguageChoice::System)},
                              // Each language is named in itself, so anyone can find their own.
                              {QStringLiteral("English"), int(LanguageChoice::English)},
                              {QStringLiteral("日本語"), int(LanguageChoice::Japanese)}},
                             int(AppSettings::language()), this);
    m_restartNote = note(QString(), this);
    m_restartNote->setObjectName(QStringLiteral("restartNote"));
    connect(m_language, &QComboBox::currentIndexChanged, this, [this] {
        AppSettings::setLanguage(LanguageChoice(m_language->currentData().toInt()));
        updateRestartNote();
    });

    m_theme = choiceCombo(QStringLiteral("themeCombo"), tr("Theme"),
                          {{tr("System default"), int(ThemeChoice::System)},
                           {tr("Light"), int(ThemeChoice::Light)},
                           {tr("Dark"), int(ThemeChoice::Dark)}},
                          int(AppSettings::theme()), this);
    connect(m_theme, &QComboBox::currentIndexChanged, this, [this] {
        const auto choice = ThemeChoice(m_theme->currentData().toInt());
        AppSettings::setTheme(choice);
        applyTheme(choice);
    });

    auto* appearance = new QGroupBox(tr("Appearance"), this);
    auto* appearanceForm = new QFormLayout(appearance);
    appearanceForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    addRow(appearanceForm, tr("&Language:"), m_language, m_restartNote, this);
    addRow(appearanceForm, tr("&Theme:"), m_theme,
           note(tr("Light and Dark use the Fusion style; System default uses the look of your desktop."), this), this);

    // Performance
    m_threads = new QSpinBox(this);
    m_threads->setObjectName(QStringLiteral("cpuThreadsSpin"));
    m_threads->setAccessibleName(tr("CPU threads"));
    m_threads->setRange(0, AppSettings::kMaxCpuThreads);
    m_threads->setSpecialValueText(tr("Automatic"));
    m_threads->setValue(AppSettings::cpuThreads());
    connect(m_threads, &QSpinBox::valueChanged, this, [](int v) { AppSettings::setCpuThreads(v); });

    auto* performance = new QGroupBox(tr("Performance"), this);
    auto* performanceForm = new QFormLayout(performance);
    performanceForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    addRow(performanceForm, tr("CPU t&hreads:"), m_threads,
           note(tr("Threads used when a model runs on the CPU. Automatic (0) picks a number that suits this "
                   "processor and precision. Logical processors in this computer: %1.")
                    .arg(QThread::idealThreadCount()),
                this),
           this);

    m_device = choiceCombo(QStringLiteral("deviceCombo"), tr("Device"),
                           {{tr("Automatic (GPU when available)"), QStringLiteral("auto")},
                            {tr("CPU"), QStringLiteral("cpu")},
                            {tr("GPU (CUDA)"), QStringLiteral("cuda")}},
                           AppSettings::device(), this);
    connect(m_device, &QComboBox::currentIndexChanged, this,
            [this] { AppSettings::setDevice(m_device->currentData().toString()); });
    addRow(performanceForm, tr("&Device:"), m_device,
           note(tr("Where models run. Automatic uses an NVIDIA GPU when one is usable and the CPU otherwise. "
                   "Applies the next time a library or model is opened."),
                this),
           this, 0);

    // What "Automatic" means on this computer: bf16, int8 (kept only when the check at load passes) or fp32.
    const QString automatic = QString::fromStdString(diffclip::automaticCpuPrecision());
    m_precision = new QComboBox(this);
    m_precision->setObjectName(QStringLiteral("precisionCombo"));
    m_precision->setAccessibleName(tr("Precision"));
    m_precision->addItem(automatic == QLatin1String("int8")
                             ? tr("Automatic (int8 on this processor when it passes the check, else fp32)")
                             : tr("Automatic (%1 on this processor)").arg(automatic),
                         QStringLiteral("auto"));
    m_precision->addItem(tr("fp32 (exact, slowest)"), QStringLiteral("fp32"));
    m_precision->addItem(tr("bf16"), QStringLiteral("bf16"));
    m_precision->addItem(tr("int8 (processor only)"), QStringLiteral("int8"));
    m_precision->setCurrentIndex(qMax(0, m_precision->findData(AppSettings::precision())));
    connect(m_precision, &QComboBox::currentIndexChanged, this,
            [this] { AppSettings::setPrecision(m_precision->currentData().toString()); });
    m_precisionInUse = note(QString(), this);
    m_precisionInUse->setObjectName(QStringLiteral("precisionInUse"));
    m_precisionInUse->setForegroundRole(QPalette::WindowText);
    auto* precisionBox = withNote(m_precision,
                                  note(tr("How models compute. Automatic uses bf16 on a GPU or on a processor with "
                                          "bf16 instructions; on other processors int8, when its results stay within "
                                          "0.1 % of fp32 on a check made each time a model is opened, else fp32. "
                                          "Choose fp32 to compute exactly. Applies the next time a library or "
                                          "model is opened."),
                                       this),
                                  this);
    precisionBox->layout()->addWidget(m_precisionInUse);
    auto* precisionLabel = new QLabel(tr("&Precision:"), this);
    precisionLabel->setBuddy(m_precision);
    performanceForm->insertRow(1, precisionLabel, precisionBox);
    setWorkspace(nullptr);

    m_batch = new QSpinBox(this);
    m_batch->setObjectName(QStringLiteral("batchSizeSpin"));
    m_batch->setAccessibleName(tr("Batch size"));
    m_batch->setRange(AppSettings::kMinBatchSize, AppSettings::kMaxBatchSize);
    m_batch->setValue(AppSettings::batchSize());
    connect(m_batch, &QSpinBox::valueChanged, this, [](int v) { AppSettings::setBatchSize(v); });
    addRow(performanceForm, tr("&Batch size:"), m_batch,
           note(tr("Photos embedded together when adding photos, re-embedding or auto-tagging. Larger batches "
                   "are faster on a GPU and need more memory; each batch is saved to the library as it "
                   "finishes."),
                this),
           this);

    // Library
    m_libraryPath = new QLineEdit(this);
    m_libraryPath->setObjectName(QStringLiteral("defaultLibraryEdit"));
    m_libraryPath->setAccessibleName(tr("Default library location"));
    m_libraryPath->setText(QDir::toNativeSeparators(AppSettings::defaultLibraryPath()));
    connect(m_libraryPath, &QLineEdit::editingFinished, this, [this] {
        const QString p = QDir::fromNativeSeparators(m_libraryPath->text().trimmed());
        AppSettings::setDefaultLibraryPath(p == AppSettings::builtinLibraryPath() ? QString() : p);
        m_libraryPath->setText(QDir::toNativeSeparators(AppSettings::defaultLibraryPath()));
    });
    auto* browse = makeButton(tr("Browse…"), tr("Choose the default library location"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Default Library"), AppSettings::newLibraryPath(),
                                                       tr("DiffCLIP libraries (*.dclib)"),
                                                       nullptr, QFileDialog::DontConfirmOverwrite);
        if (p.isEmpty()) return;
        AppSettings::setDefaultLibraryPath(p);
        m_libraryPath->setText(QDir::toNativeSeparators(AppSettings::defaultLibraryPath()));
    });
    auto* reset = makeButton(tr("Reset"), tr("Use the built-in default library location"), this);
    connect(reset, &QPushButton::clicked, this, [this] {
        AppSettings::setDefaultLibraryPath(QString());
        m_libraryPath->setText(QDir::toNativeSeparators(AppSettings::defaultLibraryPath()));
    });
    auto* pathRow = new QWidget(this);
    auto* pathLayout = new QHBoxLayout(pathRow);
    pathLayout->setContentsMargins(0, 0, 0, 0);
    pathLayout->addWidget(m_libraryPath, 1);
    pathLayout->addWidget(browse);
    pathLayout->addWidget(reset);
    auto* forget = makeButton(tr("Forget Recent Libraries"), tr("Clear the list of recently opened libraries"), this);
    connect(forget, &QPushButton::clicked, this, [] { AppSettings::clearRecentLibraries(); });
    auto* libraryBox = new QGroupBox(tr("Library"), this);
    auto* libraryForm = new QFormLayout(libraryBox);
    libraryForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto* pathBox = new QWidget(this);
    auto* pathBoxLayout = new QVBoxLayout(pathBox);
    pathBoxLayout->setContentsMargins(0, 0, 0, 0);
    pathBoxLayout->addWidget(pathRow);
    pathBoxLayout->addWidget(note(tr("Where “Create the Default Library” and “New Library…” put the library file. "
                                     "Built in: %1. The last library you opened is opened again at start.")
                                      .arg(QDir::toNativeSeparators(AppSettings::builtinLibraryPath())),
                                  this));
    pathBoxLayout->addWidget(forget, 0, Qt::AlignLeft);
    libraryForm->addRow(makeBuddyLabel(tr("Default &location:"), m_libraryPath, this), pathBox);

    // Explanations read best at a limited width; measured in characters, so DPI-safe.
    auto* column = new QWidget(this);
    column->setMaximumWidth(fontMetrics().averageCharWidth() * 110);
    auto* columnLayout = new QVBoxLayout(column);
    columnLayout->setContentsMargins(0, 0, 0, 0);
    columnLayout->addWidget(title);
    columnLayout->addWidget(appearance);
    columnLayout->addWidget(performance);
    columnLayout->addWidget(libraryBox);
    // Scrolls when the window is short, rather than squeezing the notes.
    auto* holder = new QWidget(this);
    auto* holderLayout = new QVBoxLayout(holder);
    holderLayout->addWidget(column);
    holderLayout->addStretch(1);
    auto* scroll = new QScrollArea(this);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setWidget(holder);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    updateRestartNote();
}

void SettingsPage::setWorkspace(const std::shared_ptr<diffclip::Workspace>& workspace) {
    if (!workspace) {
        m_precisionInUse->setText(tr("In use: shown once a library is open with a model."));
        m_precisionInUse->setToolTip(QString());
        return;
    }
    const QString precision = QString::fromStdString(workspace->precision());
    const auto cosine = workspace->int8CheckCosine();
    QString text;
    if (precision == QLatin1String("int8") && cosine)
        text = tr("In use: int8 (cosine %1 with fp32 on the check at load).").arg(*cosine, 0, 'f', 5);
    else if (precision == QLatin1String("int8-unchecked") && cosine)
        text = tr("In use: int8, below the check (cosine %1 with fp32): its embeddings are kept apart from fp32 "
                  "ones.")
                   .arg(*cosine, 0, 'f', 5);
    else if (cosine)
        text = tr("In use: %1 (int8 reached only cosine %2 with fp32 on the check at load).")
                   .arg(precision)
                   .arg(*cosine, 0, 'f', 5);
    else
        text = tr("In use: %1.").arg(precision);
    m_precisionInUse->setText(text);
    // The core's English line with the reason, as elsewhere for details.
    m_precisionInUse->setToolTip(QString::fromStdString(workspace->precisionNote()));
}

void SettingsPage::updateRestartNote() {
    // Only a change made here is pending; a --lang override of this session is not.
    if (AppSettings::language() != m_initialLanguage)
        m_restartNote->setText(tr("The new language is used after you restart DiffCLIP Studio."));
    else
        m_restartNote->setText(tr("A change of language takes effect after a restart."));
}

}  // namespace diffclip::ui
