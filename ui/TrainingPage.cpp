#include "TrainingPage.h"

// qcustomplot.h uses Qt's lower-case keywords, which this library turns off (QT_NO_KEYWORDS).
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTextStream>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>
#include <mutex>

#include "AppSettings.h"
#include "ConfusionMatrixView.h"
#include "ErrorBanner.h"
#include "ErrorText.h"
#include "JobCentre.h"
#include "LabelTree.h"
#include "ModelListModel.h"
#include "PhotoFormats.h"
#include "diffclip/indexing/Workspace.h"
#include "diffclip/training/TrainJob.h"

namespace diffclip::ui {

// Live figures from the worker thread, collected until the GUI timer takes them; also the
// result. (Where the run is, its stage, reaches the page through the JobCentre.)
struct TrainingPage::Feed {
    std::mutex mutex;
    std::vector<diffclip::TrainMetrics> pending;
    diffclip::Json summary;
    std::string package;
};

namespace {

constexpr int kPollMs = 100;
constexpr int kPlotHeight = 150;

QString defaultPrompt(const QString& name) {
    return QString::fromStdString(diffclip::defaultClassPrompt(name.toStdString()));
}

// A folder name from free text: no separators, no leading dot, nothing the file system rejects.
QString safeName(QString s) {
    s = s.trimmed();
    for (QChar& c : s)
        if (c == QLatin1Char('/') || c == QLatin1Char('\\') || c == QLatin1Char(':') || c.category() == QChar::Other_Control)
            c = QLatin1Char('_');
    while (s.startsWith(QLatin1Char('.'))) s[0] = QLatin1Char('_');
    return s;
}

QString percent(double fraction) {
    return fraction < 0 ? QStringLiteral("–") : QLocale().toString(100.0 * fraction, 'f', 1) + QStringLiteral(" %");
}

double num(const diffclip::Json* j, const char* key, double fallback = -1.0) {
    if (!j) return fallback;
    const diffclip::Json* v = jsonFind(*j, key);
    return v && v->is_number() ? v->get<double>() : fallback;
}

QString clockText(double seconds) {
    if (seconds < 0) return QStringLiteral("?");
    const auto s = qint64(seconds + 0.5);
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString trainingReason(diffclip::ErrorCode code) {
    switch (code) {
    case diffclip::ErrorCode::InvalidArgument:
        return TrainingPage::tr("The data or the settings cannot be used for training. The details say which.");
    case diffclip::ErrorCode::NotFound:
        return TrainingPage::tr("A folder or model was not found. Check the data folder and the base model.");
    case diffclip::ErrorCode::Mismatch:
        return TrainingPage::tr("A checkpoint with this output name belongs to other settings or data. Choose another "
                                "output name, or remove the checkpoint folder named in the details.");
    case diffclip::ErrorCode::Io:
        return TrainingPage::tr("Writing the model or its checkpoint failed. Check the free space and permissions of "
                                "the model folder.");
    case diffclip::ErrorCode::OutOfMemory:
        return TrainingPage::tr("Training ran out of memory. Choose the quick preset, a smaller architecture or the "
                                "CPU.");
    default: return ErrorText::modelOpenReason(code);
    }
}

}  // namespace

QList<TrainingPage::ClassEntry> TrainingPage::scanClassTree(const QString& root) {
    QList<ClassEntry> out;
    const QDir dir(root);
    if (root.isEmpty() || !dir.exists()) return out;
    const QFileInfoList folders = dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo& f : folders) {
        if (f.fileName().startsWith(QLatin1Char('.'))) continue;
        ClassEntry e;
        e.name = f.fileName();
        QDirIterator it(f.absoluteFilePath(), QDir::Files, QDirIterator::Subdirectories | QDirIterator::FollowSymlinks);
        while (it.hasNext()) {
            it.next();
            // Hidden folders inside a class are skipped, like the trainer does.
            if (it.filePath().mid(f.absoluteFilePath().size()).contains(QStringLiteral("/."))) continue;
            if (isPhotoFileName(it.fileName())) ++e.photos;  // as the trainer
        }
        if (e.photos == 0) continue;
        e.prompt = defaultPrompt(e.name);
        QFile prompt(f.absoluteFilePath() + QStringLiteral("/prompt.txt"));
        if (prompt.open(QIODevice::ReadOnly | QIODevice::Text)) {
            QTextStream in(&prompt);
            while (!in.atEnd()) {
                const QString line = in.readLine().trimmed();
                if (!line.isEmpty()) {
                    e.prompt = line;
                    e.customPrompt = true;
                    break;
                }
            }
        }
        out << e;
    }
    return out;
}

TrainingPage::TrainingPage(JobCentre* jobs, QWidget* parent)
    : QWidget(parent), m_jobs(jobs), m_registryDir(AppSettings::modelRegistryDir()) {
    setObjectName(QStringLiteral("trainingPage"));
    auto* outer = new QVBoxLayout(this);
    m_error = new ErrorBanner(this);
    outer->addWidget(m_error);
    auto* split = new QSplitter(Qt::Horizontal, this);
    outer->addWidget(split, 1);

    // ---- Settings (left).
    auto* settings = new QWidget;
    auto* col = new QVBoxLayout(settings);
    col->setContentsMargins(0, 0, 0, 0);

    auto* dataBox = new QGroupBox(tr("Data"), settings);
    auto* dataCol = new QVBoxLayout(dataBox);
    auto* folderRow = new QHBoxLayout;
    m_folder = new QLineEdit(dataBox);
    m_folder->setPlaceholderText(tr("Folder with one subfolder per class"));
    m_folder->setAccessibleName(tr("Data folder"));
    connect(m_folder, &QLineEdit::editingFinished, this, &TrainingPage::refreshPreview);
    auto* browse = new QPushButton(tr("Choose…"), dataBox);
    connect(browse, &QPushButton::clicked, this, &TrainingPage::chooseDataFolder);
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    dataCol->addLayout(folderRow);
    m_libraryLabels = new QPushButton(tr("Use the Library's Labels"), dataBox);
    m_libraryLabels->setToolTip(tr("Mirror the open library's labels as one folder per class (links to the photos) "
                                   "and train on that."));
    connect(m_libraryLabels, &QPushButton::clicked, this, &TrainingPage::useLibraryLabels);
    dataCol->addWidget(m_libraryLabels);
    m_preview = new QTableWidget(0, 3, dataBox);
    m_preview->setObjectName(QStringLiteral("classPreview"));
    m_preview->setAccessibleName(tr("Classes"));
    m_preview->setHorizontalHeaderLabels({tr("Class"), tr("Photos"), tr("Prompt")});
    m_preview->horizontalHeader()->setStretchLastSection(true);
    m_preview->verticalHeader()->hide();
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->setSelectionMode(QAbstractItemView::NoSelection);
    m_preview->setMinimumHeight(fontMetrics().height() * 7);
    dataCol->addWidget(m_preview, 1);
    m_previewNote = new QLabel(dataBox);
    m_previewNote->setWordWrap(true);
    dataCol->addWidget(m_previewNote);
    col->addWidget(dataBox, 1);

    auto* trainBox = new QGroupBox(tr("Training"), settings);
    auto* form = new QFormLayout(trainBox);
    m_mode = new QComboBox(trainBox);
    m_mode->addItem(tr("Linear probe (fast, base model frozen)"), int(Mode::Linear));
    m_mode->addItem(tr("Contrastive fine-tuning"), int(Mode::Contrastive));
    m_mode->addItem(tr("From scratch (small DiffCLIP)"), int(Mode::Scratch));
    form->addRow(tr("&Mode:"), m_mode);
    m_preset = new QComboBox(trainBox);
    m_preset->addItem(tr("Quick"), QStringLiteral("quick"));
    m_preset->addItem(tr("Standard"), QStringLiteral("standard"));
    m_preset->addItem(tr("Thorough"), QStringLiteral("thorough"));
    m_preset->setCurrentIndex(1);
    form->addRow(tr("&Preset:"), m_preset);
    auto* baseRow = new QHBoxLayout;
    m_base = new QComboBox(trainBox);
    m_base->setEditable(true);
    m_base->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_base->setMinimumContentsLength(16);
    m_base->setAccessibleName(tr("Base model"));
    for (const QString& m : AppSettings::recentModels()) m_base->addItem(ModelListModel::displayName(m), m);
    m_base->setCurrentIndex(-1);
    connect(m_base, QOverload<int>::of(&QComboBox::activated), this, [this] { m_baseChosen = true; });
    m_baseBrowse = new QPushButton(tr("Choose…"), trainBox);
    connect(m_baseBrowse, &QPushButton::clicked, this, &TrainingPage::chooseBaseModel);
    baseRow->addWidget(m_base, 1);
    baseRow->addWidget(m_baseBrowse);
    // A label of its own: a row holding a layout gets no buddy, so the mnemonic would show.
    auto* baseLabel = new QLabel(tr("&Base model:"), trainBox);
    baseLabel->setBuddy(m_base);
    form->addRow(baseLabel, baseRow);
    m_arch = new QComboBox(trainBox);
    m_arch->addItem(tr("By preset"), QString());
    m_arch->addItem(tr("DiffCLIP tiny (32 px, for trials)"), QStringLiteral("preset:diffclip-tiny"));
    m_arch->addItem(tr("DiffCLIP mini (64 px)"), QStringLiteral("preset:diffclip-mini"));
    m_arch->addItem(tr("DiffCLIP starter (96 px)"), QStringLiteral("preset:diffclip-starter"));
    form->addRow(tr("&Architecture:"), m_arch);
    m_compare = new QCheckBox(tr("Compare standard and differential attention"), trainBox);
    m_compare->setToolTip(tr("Train a standard-attention and a differential-attention model on the same split, each "
                             "with half of the time budget."));
    form->addRow(QString(), m_compare);
    m_device = new QComboBox(trainBox);
    m_device->addItem(tr("Automatic"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(tr("GPU (CUDA)"), QStringLiteral("cuda"));
    m_device->setCurrentIndex(std::max(0, m_device->findData(AppSettings::device())));
    form->addRow(tr("&Device:"), m_device);
    m_budget = new QDoubleSpinBox(trainBox);
    m_budget->setRange(0.0, 7 * 24 * 60.0);
    m_budget->setDecimals(1);
    m_budget->setSuffix(tr(" min"));
    m_budget->setSpecialValueText(tr("No limit"));
    m_budget->setToolTip(tr("Training stops cleanly at this time and keeps the best epoch. With a limit, the limit "
                            "decides how many epochs run."));
    form->addRow(tr("&Time budget:"), m_budget);
    m_output = new QLineEdit(trainBox);
    m_output->setAccessibleName(tr("Output name"));
    m_output->setToolTip(tr("The new model's folder name in the model registry. Starting again with the same name "
                            "after a cancel resumes from the checkpoint."));
    form->addRow(tr("&Output name:"), m_output);
    col->addWidget(trainBox);

    auto* buttons = new QHBoxLayout;
    m_start = new QPushButton(tr("Start Training"), settings);
    m_start->setDefault(true);
    connect(m_start, &QPushButton::clicked, this, [this] { start(); });
    m_cancel = new QPushButton(tr("Cancel"), settings);
    connect(m_cancel, &QPushButton::clicked, this, &TrainingPage::cancel);
    buttons->addWidget(m_start);
    buttons->addWidget(m_cancel);
    buttons->addStretch(1);
    col->addLayout(buttons);

    auto* scroll = new QScrollArea;
    scroll->setWidget(settings);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(fontMetrics().averageCharWidth() * 44);
    split->addWidget(scroll);

    // ---- Progress, curves and results (right).
    auto* right = new QWidget;
    auto* rcol = new QVBoxLayout(right);
    rcol->setContentsMargins(0, 0, 0, 0);
    m_progress = new QProgressBar(right);
    m_progress->setAccessibleName(tr("Training progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    rcol->addWidget(m_progress);
    m_status = new QLabel(tr("Choose a data folder, then start."), right);
    m_status->setObjectName(QStringLiteral("trainingStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    rcol->addWidget(m_status);

    auto makePlot = [this](const QString& name, const QString& yLabel) {
        auto* p = new QCustomPlot(this);
        p->setAccessibleName(name);
        p->setMinimumHeight(kPlotHeight);
        p->plotLayout()->insertRow(0);
        p->plotLayout()->addElement(0, 0, new QCPTextElement(p, name, QFont(font().family(), font().pointSize(), QFont::Bold)));
        p->yAxis->setLabel(yLabel);
        p->xAxis->ticker()->setTickCount(3);  // the plots are narrow: few, readable labels
        p->yAxis->ticker()->setTickCount(4);
        return p;
    };
    m_lossPlot = makePlot(tr("Training loss"), tr("loss"));
    m_valPlot = makePlot(tr("Validation top-1"), tr("%"));
    m_lrPlot = makePlot(tr("Learning rate"), tr("rate"));
    m_lrPlot->yAxis->setNumberFormat(QStringLiteral("gb"));
    m_lrPlot->yAxis->setNumberPrecision(2);
    auto* plots = new QHBoxLayout;
    for (QCustomPlot* p : {m_lossPlot, m_valPlot, m_lrPlot}) plots->addWidget(p, 1);
    rcol->addLayout(plots);

    auto* resultsBox = new QGroupBox(tr("Result on the validation photos"), right);
    auto* results = new QGridLayout(resultsBox);
    m_variant = new QComboBox(resultsBox);
    m_variant->setAccessibleName(tr("Attention variant"));
    connect(m_variant, QOverload<int>::of(&QComboBox::activated), this,
            [this] { showVariant(m_variant->currentData().toString()); });
    results->addWidget(m_variant, 0, 0);
    m_activate = new QPushButton(tr("Activate This Model"), resultsBox);
    m_activate->setToolTip(tr("Use the new model for the library, search and explanations."));
    connect(m_activate, &QPushButton::clicked, this, [this] {
        const QString p = packagePath();
        if (!p.isEmpty()) Q_EMIT activateRequested(p);
    });
    results->addWidget(m_activate, 0, 1, Qt::AlignRight);
    m_summaryTable = new QTableWidget(0, 2, resultsBox);
    m_summaryTable->setObjectName(QStringLiteral("beforeAfter"));
    m_summaryTable->setAccessibleName(tr("Before and after"));
    m_summaryTable->setHorizontalHeaderLabels({tr("Before"), tr("After")});
    m_perClass = new QTableWidget(0, 3, resultsBox);
    m_perClass->setObjectName(QStringLiteral("perClass"));
    m_perClass->setAccessibleName(tr("Per class"));
    m_perClass->setHorizontalHeaderLabels({tr("Class"), tr("Precision"), tr("Recall")});
    m_perClass->verticalHeader()->hide();
    for (QTableWidget* t : {m_summaryTable, m_perClass}) {
        t->setEditTriggers(QAbstractItemView::NoEditTriggers);
        t->setWordWrap(false);
        t->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    }
    m_perClass->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    auto* tables = new QVBoxLayout;
    tables->addWidget(m_summaryTable, 1);
    tables->addWidget(m_perClass, 1);
    results->addLayout(tables, 1, 0);
    m_confusion = new ConfusionMatrixView(resultsBox);
    results->addWidget(m_confusion, 1, 1);
    results->setColumnStretch(0, 1);
    results->setColumnStretch(1, 1);
    results->setRowStretch(1, 1);
    rcol->addWidget(resultsBox, 1);
    split->addWidget(right);
    split->setStretchFactor(1, 1);

    m_poll = new QTimer(this);
    m_poll->setInterval(kPollMs);
    connect(m_poll, &QTimer::timeout, this, &TrainingPage::drainFeed);

    connect(m_mode, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &TrainingPage::updateControls);
    connect(m_compare, &QCheckBox::toggled, this, &TrainingPage::updateControls);
    styleCharts();
    resetCharts();
    refreshPreview();
    updateControls();
}

TrainingPage::~TrainingPage() {
    // The job may outlive the page (the centre owns it); it only ever touches the shared feed.
    if (m_jobId && m_jobs) m_jobs->cancel(m_jobId);
}

// ---------------------------------------------------------------- settings

void TrainingPage::setDataFolder(const QString& folder) {
    m_folder->setText(QDir::toNativeSeparators(folder));
    refreshPreview();
}

QString TrainingPage::dataFolder() const { return QDir::fromNativeSeparators(m_folder->text().trimmed()); }

void TrainingPage::setMode(Mode mode) { m_mode->setCurrentIndex(m_mode->findData(int(mode))); }

TrainingPage::Mode TrainingPage::mode() const { return Mode(m_mode->currentData().toInt()); }

void TrainingPage::setPreset(const QString& preset) {
    const int i = m_preset->findData(preset);
    if (i >= 0) m_preset->setCurrentIndex(i);
}

QString TrainingPage::preset() const { return m_preset->currentData().toString(); }

void TrainingPage::setBaseModel(const QString& spec) {
    m_baseChosen = true;
    if (spec.isEmpty()) {
        m_base->setCurrentIndex(-1);
        m_base->setEditText(QString());
        return;
    }
    int i = m_base->findData(spec);
    if (i < 0) {
        m_base->insertItem(0, ModelListModel::displayName(spec), spec);
        i = 0;
    }
    m_base->setCurrentIndex(i);
}

QString TrainingPage::baseModel() const {
    const QString text = m_base->currentText().trimmed();
    const int i = m_base->currentIndex();
    // An item shows a short name; typed text is a path or spec of its own.
    if (i >= 0 && m_base->itemText(i) == text) return m_base->itemData(i).toString();
    return text;
}

void TrainingPage::setArchitecture(const QString& architecture) {
    const int i = m_arch->findData(architecture);
    if (i >= 0) m_arch->setCurrentIndex(i);
}

QString TrainingPage::architecture() const { return m_arch->currentData().toString(); }

void TrainingPage::setTimeBudgetMinutes(double minutes) { m_budget->setValue(minutes); }

void TrainingPage::setCompareAttention(bool on) { m_compare->setChecked(on); }

void TrainingPage::setOutputName(const QString& name) { m_output->setText(name); }

QString TrainingPage::outputName() const { return m_output->text().trimmed(); }

void TrainingPage::setRegistryDir(const QString& dir) { m_registryDir = dir; }

QString TrainingPage::checkpointDir() const {
    const QString name = safeName(outputName().isEmpty() ? defaultOutputName() : outputName());
    return QDir(m_registryDir).filePath(QStringLiteral(".checkpoints/") + name);
}

void TrainingPage::setWorkspace(std::shared_ptr<diffclip::Workspace> workspace) {
    m_workspace = std::move(workspace);
    if (m_workspace && !m_baseChosen) {
        const QString spec = QString::fromStdString(m_workspace->modelSpec());
        int i = m_base->findData(spec);
        if (i < 0) {
            m_base->insertItem(0, ModelListModel::displayName(spec), spec);
            i = 0;
        }
        m_base->setCurrentIndex(i);
    }
    updateControls();
}

void TrainingPage::chooseDataFolder() {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Folder with One Subfolder per Class"), dataFolder());
    if (!folder.isEmpty()) setDataFolder(folder);
}

void TrainingPage::chooseBaseModel() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Base Model"), QString(),
        tr("Models (*.safetensors *.pt *.pth config.json);;All files (*)"));
    // A model package is its folder (config.json + model.safetensors), as on the Explain page.
    if (!path.isEmpty())
        setBaseModel(QFileInfo(path).fileName() == QLatin1String("config.json") ? QFileInfo(path).absolutePath() : path);
}

void TrainingPage::useLibraryLabels() {
    if (!m_workspace || m_mirrorJobId || !m_jobs) return;
    const QString library = QString::fromStdString(m_workspace->libraryPath());
    const QString target = QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
                               .filePath(QStringLiteral("diffclip-studio/training-data/") + QFileInfo(library).completeBaseName());
    if (!QDir().mkpath(target)) {
        m_error->showError(tr("Cannot use the library's labels"),
                           tr("The folder “%1” cannot be made.").arg(QDir::toNativeSeparators(target)), QString());
        return;
    }
    QPointer<TrainingPage> self(this);
    m_mirrorJobId = m_jobs->submit(
        JobKind::Other, tr("Mirror labels for training"),
        mirrorLabelsJob(library, target, MirrorMode::Link),
        [self, target](const JobInfo& info) {
            if (!self) return;
            self->m_mirrorJobId = 0;
            if (info.state == JobState::Succeeded) {
                self->setDataFolder(target);
            } else if (info.state == JobState::Failed) {
                self->m_error->showError(tr("Cannot use the library's labels"), info.outcome.errorReason,
                                         info.outcome.errorDetails);
            }
            self->updateControls();
        });
    Q_EMIT jobStarted(m_mirrorJobId);
    updateControls();
}

void TrainingPage::refreshPreview() {
    const QString root = dataFolder();
    m_classes = scanClassTree(root);
    m_preview->setRowCount(int(m_classes.size()));
    int photos = 0;
    for (int r = 0; r < m_classes.size(); ++r) {
        const ClassEntry& e = m_classes[r];
        photos += e.photos;
        m_preview->setItem(r, 0, new QTableWidgetItem(e.name));
        auto* n = new QTableWidgetItem(QLocale().toString(e.photos));
        n->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_preview->setItem(r, 1, n);
        auto* p = new QTableWidgetItem(e.prompt);
        p->setToolTip(e.customPrompt ? tr("From prompt.txt") : tr("Default prompt"));
        m_preview->setItem(r, 2, p);
    }
    m_preview->resizeColumnsToContents();
    if (root.isEmpty()) m_previewNote->setText(tr("Each subfolder is a class; its name is the label."));
    else if (!QFileInfo(root).isDir()) m_previewNote->setText(tr("The folder “%1” does not exist.").arg(QDir::toNativeSeparators(root)));
    else m_previewNote->setText(tr("%n class(es), %1 photos.", nullptr, int(m_classes.size())).arg(QLocale().toString(photos)));
    if (m_output->text().trimmed().isEmpty() && !root.isEmpty()) m_output->setPlaceholderText(defaultOutputName());
    updateControls();
}

void TrainingPage::updateControls() {
    const bool scratch = mode() == Mode::Scratch;
    const bool running = m_jobId != 0;
    m_base->setEnabled(!scratch && !running);
    m_baseBrowse->setEnabled(!scratch && !running);
    m_arch->setEnabled(scratch && !running);
    m_compare->setEnabled(scratch && !running);
    for (QWidget* w : std::initializer_list<QWidget*>{m_folder, m_mode, m_preset, m_device, m_budget, m_output})
        w->setEnabled(!running);
    m_libraryLabels->setEnabled(!running && m_workspace && m_mirrorJobId == 0);
    m_start->setEnabled(!running && m_mirrorJobId == 0);
    m_cancel->setEnabled(running);
    m_activate->setEnabled(!running && !packagePath().isEmpty());
    m_variant->setVisible(m_variant->count() > 1);
}

QString TrainingPage::defaultOutputName() const {
    static const char* names[] = {"linear", "contrastive", "scratch"};
    const QString data = safeName(QFileInfo(dataFolder()).fileName());
    return QStringLiteral("%1-%2-%3")
        .arg(data.isEmpty() ? QStringLiteral("model") : data, QLatin1String(names[int(mode())]),
             QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm")));
}

// ---------------------------------------------------------------- running

bool TrainingPage::start() {
    if (isBusy() || !m_jobs) return false;
    m_error->clear();
    refreshPreview();
    const QString root = dataFolder();
    if (root.isEmpty()) {
        m_error->showError(tr("Cannot start training"), tr("Choose a folder with one subfolder of photos per class."),
                           QString());
        return false;
    }
    if (!QFileInfo(root).isDir()) {
        m_error->showError(tr("Cannot start training"),
                           tr("The folder “%1” does not exist.").arg(QDir::toNativeSeparators(root)), QString());
        return false;
    }
    if (m_classes.size() < 2) {
        m_error->showError(tr("Cannot start training"),
                           tr("Training needs at least two classes: subfolders with photos in them. “%1” has %n.",
                              nullptr, int(m_classes.size()))
                               .arg(QDir::toNativeSeparators(root)),
                           QString());
        return false;
    }
    const Mode md = mode();
    auto recipe = diffclip::presetRecipe(md == Mode::Linear ? diffclip::TrainMode::Linear
                                         : md == Mode::Contrastive ? diffclip::TrainMode::Contrastive
                                                                   : diffclip::TrainMode::Scratch,
                                         preset().toStdString());
    if (!recipe) {
        m_error->showError(tr("Cannot start training"), tr("Unknown preset."), ErrorText::details(recipe.error()));
        return false;
    }
    diffclip::TrainRecipe r = *recipe;
    if (md != Mode::Scratch) {
        const QString base = baseModel();
        if (base.isEmpty()) {
            m_error->showError(tr("Cannot start training"),
                               tr("Choose the base model to start from (the active model is the default)."), QString());
            return false;
        }
        r.base = QFile::encodeName(base).toStdString();
    } else {
        if (!architecture().isEmpty()) r.architecture = architecture().toStdString();
        r.compareAttention = m_compare->isChecked();
    }
    r.device = m_device->currentData().toString().toStdString();
    r.timeBudgetMinutes = m_budget->value();
    // As on the command line: with a budget, the budget decides how many epochs run.
    if (r.timeBudgetMinutes > 0 && md != Mode::Linear) r.epochs = 100000;

    QString name = safeName(outputName());
    if (name.isEmpty()) name = defaultOutputName();
    const QString out = QDir(m_registryDir).filePath(name);
    const QStringList outs = r.compareAttention ? QStringList{out + QStringLiteral("-differential"), out + QStringLiteral("-standard")}
                                                : QStringList{out};
    for (const QString& o : outs)
        if (QFileInfo::exists(o)) {
            m_error->showError(tr("Cannot start training"),
                               tr("A model named “%1” already exists. Choose another output name.").arg(QFileInfo(o).fileName()),
                               QString());
            return false;
        }
    if (!QDir().mkpath(m_registryDir)) {
        m_error->showError(tr("Cannot start training"),
                           tr("The model folder “%1” cannot be made.").arg(QDir::toNativeSeparators(m_registryDir)), QString());
        return false;
    }
    m_output->setText(name);
    m_runCheckpoint = checkpointDir();
    m_runMode = md;
    m_summary = diffclip::Json();
    m_variant->clear();
    m_summaryTable->setRowCount(0);
    m_perClass->setRowCount(0);
    m_confusion->clear();
    resetCharts();

    auto feed = std::make_shared<Feed>();
    m_feed = feed;
    diffclip::TrainOptions options;
    options.checkpointDir = QFile::encodeName(m_runCheckpoint).toStdString();
    const std::string dataRoot = QFile::encodeName(root).toStdString();
    const std::string outPath = QFile::encodeName(out).toStdString();
    const bool linear = md == Mode::Linear;
    QPointer<TrainingPage> self(this);
    m_jobId = m_jobs->submit(
        JobKind::Other, tr("Train %1").arg(name),
        [feed, options, dataRoot, outPath, r, linear](const JobContext& ctx) mutable {
            options.job = ctx.control();
            options.onMetrics = [feed](const diffclip::TrainMetrics& p) {
                std::lock_guard<std::mutex> lock(feed->mutex);
                feed->pending.push_back(p);
            };
            auto rep = diffclip::runTraining(dataRoot, r, outPath, options);
            if (!rep) {
                if (rep.error().code == diffclip::ErrorCode::Cancelled)
                    return JobOutcome::cancelled(linear ? tr("Cancelled; nothing was written.")
                                                        : tr("Cancelled, checkpoint kept; running it again resumes."));
                return JobOutcome::failure(trainingReason(rep.error().code), ErrorText::details(rep.error()));
            }
            {
                std::lock_guard<std::mutex> lock(feed->mutex);
                feed->summary = rep->summary;
                feed->package = rep->package;
            }
            return JobOutcome::success(tr("Wrote %1").arg(QFile::decodeName(rep->package.c_str())));
        },
        [self](const JobInfo& info) {
            if (self) self->onJobFinished(int(info.state), info.outcome.errorReason, info.outcome.errorDetails);
        });
    m_status->setText(tr("Starting…"));
    m_progress->setRange(0, 0);
    m_poll->start();
    updateControls();
    Q_EMIT jobStarted(m_jobId);
    return true;
}

void TrainingPage::cancel() {
    if (!m_jobs) return;
    if (m_jobId) m_jobs->cancel(m_jobId);
    if (m_mirrorJobId) m_jobs->cancel(m_mirrorJobId);
}

void TrainingPage::drainFeed() {
    if (!m_feed) return;
    // Outside the epochs (loading, decoding, evaluating, writing) the job's stage says what
    // happens; during them the figures below do.
    if (m_jobId && m_jobs) {
        const JobInfo j = m_jobs->job(m_jobId);
        if (!j.stage.isEmpty() && j.stage != QLatin1String("epoch")) {
            QString line = tr("%1…").arg(JobCentre::stageText(j.stage));
            if (j.total > 0)
                line += QLatin1Char(' ') + tr("%1 of %2").arg(QLocale().toString(j.done), QLocale().toString(j.total));
            m_status->setText(line);
            m_progress->setRange(0, j.total > 0 ? int(std::min<qint64>(j.total, 1 << 30)) : 0);
            if (j.total > 0) m_progress->setValue(int(std::min<qint64>(j.done, 1 << 30)));
        }
    }
    std::vector<diffclip::TrainMetrics> batch;
    {
        std::lock_guard<std::mutex> lock(m_feed->mutex);
        batch.swap(m_feed->pending);
    }
    if (batch.empty()) return;
    const bool linear = m_runMode == Mode::Linear;
    bool changed = false;
    for (const auto& p : batch) {
        const QString variant = QString::fromStdString(p.variant);
        // One graph per attention variant, in the same colour on all three plots, made when the
        // variant's first point arrives (loading reports carry no variant yet).
        auto graphIndex = [this, &variant]() {
            auto it = std::find(m_graphVariants.begin(), m_graphVariants.end(), variant);
            if (it != m_graphVariants.end()) return int(it - m_graphVariants.begin());
            static const QColor colours[] = {QColor(0x3d, 0x6f, 0xb0), QColor(0xd0, 0x70, 0x30)};
            const QColor c = colours[m_graphVariants.size() % 2];
            for (QCustomPlot* plot : {m_lossPlot, m_valPlot, m_lrPlot}) {
                QCPGraph* g = plot->addGraph();
                g->setPen(QPen(c, 2));
                g->setName(variant.isEmpty() ? tr("training") : variant);
                if (plot == m_valPlot) g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, c, 5));
                plot->legend->setVisible(!variant.isEmpty());
            }
            m_graphVariants.push_back(variant);
            return int(m_graphVariants.size()) - 1;
        };
        // x: iterations for the linear head, (fractional) epochs otherwise.
        const double x = linear ? double(p.epoch)
                                : (p.steps > 0 && p.epochs > 0 ? double(p.step) * p.epochs / double(p.steps) : double(p.epoch));
        const bool stepReport = linear ? p.epochEnd : !p.epochEnd;
        if (stepReport) {
            const int gi = graphIndex();
            m_lossPlot->graph(gi)->addData(x, p.loss);
            if (p.learningRate > 0) m_lrPlot->graph(gi)->addData(x, p.learningRate);
            changed = true;
        }
        if (p.epochEnd && p.valTop1 >= 0) {
            m_valPlot->graph(graphIndex())->addData(linear ? x : double(p.epoch), 100.0 * p.valTop1);
            changed = true;
        }
        // Status line and progress bar.
        const QString v = variant.isEmpty() ? QString() : QStringLiteral("[%1] ").arg(variant);
        QString line = linear ? tr("Iteration %1 of %2").arg(p.epoch).arg(p.epochs)
                              : tr("Epoch %1 of %2").arg(p.epoch).arg(p.epochs);
        line += QStringLiteral(" · ") + tr("loss %1").arg(QLocale().toString(p.loss, 'f', 4));
        if (p.valTop1 >= 0) line += QStringLiteral(" · ") + tr("validation top-1 %1").arg(percent(p.valTop1));
        if (p.imagesPerSecond > 0)
            line += QStringLiteral(" · ") + tr("%1 photos/s").arg(QLocale().toString(p.imagesPerSecond, 'f', 1));
        line += QStringLiteral(" · ") + tr("elapsed %1").arg(clockText(p.elapsedSeconds));
        if (p.remainingSeconds >= 0)
            line += QStringLiteral(" · ") + tr("about %1 left").arg(JobCentre::durationText(p.remainingSeconds));
        if (p.steps > 0) {
            m_progress->setRange(0, int(std::min<int64_t>(p.steps, 1 << 30)));
            m_progress->setValue(int(std::min<int64_t>(p.step, 1 << 30)));
        }
        m_status->setText(v + line);
    }
    if (changed) {
        for (QCustomPlot* plot : {m_lossPlot, m_valPlot, m_lrPlot}) {
            plot->rescaleAxes();
            // Fixed or zero-based ranges, so a flat curve (a constant rate, 0 %) stays readable.
            if (plot == m_valPlot) {
                plot->yAxis->setRange(-3, 103);
            } else {
                double top = 0.0;
                for (int g = 0; g < plot->graphCount(); ++g) {
                    bool found = false;
                    const QCPRange r = plot->graph(g)->getValueRange(found);
                    if (found) top = std::max(top, r.upper);
                }
                plot->yAxis->setRange(0, top > 0 ? top * 1.15 : 1.0);
            }
            plot->replot();
        }
    }
}

void TrainingPage::onJobFinished(int state, const QString& reason, const QString& details) {
    drainFeed();
    m_poll->stop();
    m_jobId = 0;
    m_progress->setRange(0, 1);
    const auto st = JobState(state);
    if (st == JobState::Succeeded) {
        {
            std::lock_guard<std::mutex> lock(m_feed->mutex);
            m_summary = m_feed->summary;
            if (!m_summary.contains("package") && !m_summary.contains("compare_attention"))
                m_summary["package"] = m_feed->package;
        }
        m_progress->setValue(1);
        showResults();
        m_status->setText(tr("Finished. The new model is %1.").arg(QDir::toNativeSeparators(packagePath())));
        m_output->clear();  // the next run gets a new name
        m_output->setPlaceholderText(defaultOutputName());
    } else if (st == JobState::Cancelled) {
        m_progress->setValue(0);
        m_status->setText(m_runMode == Mode::Linear
                              ? tr("Cancelled; nothing was written.")
                              : tr("Cancelled, checkpoint kept; running it again with the same name resumes (%1).")
                                    .arg(QDir::toNativeSeparators(m_runCheckpoint)));
    } else {
        m_progress->setValue(0);
        m_status->setText(tr("Training failed."));
        m_error->showError(tr("Training failed"), reason, details);
    }
    updateControls();
    Q_EMIT trainingFinished(st == JobState::Succeeded);
}

// ---------------------------------------------------------------- results

void TrainingPage::showResults() {
    m_variant->clear();
    if (const diffclip::Json* cmp = jsonFind(m_summary, "compare_attention"); cmp && cmp->is_object()) {
        for (const auto& item : cmp->items()) {
            const QString n = QString::fromStdString(item.key());
            m_variant->addItem(n == QLatin1String("differential") ? tr("Differential attention") : tr("Standard attention"), n);
        }
    }
    showVariant(m_variant->count() > 0 ? m_variant->itemData(0).toString() : QString());
    updateControls();
}

void TrainingPage::showVariant(const QString& variant) {
    const diffclip::Json* v = &m_summary;
    if (!variant.isEmpty()) {
        const diffclip::Json* cmp = jsonFind(m_summary, "compare_attention");
        v = cmp ? jsonFind(*cmp, variant.toStdString()) : nullptr;
    }
    if (!v) return;
    const diffclip::Json* before = jsonFind(*v, "before");
    const diffclip::Json* after = jsonFind(*v, "after");
    struct Row {
        QString label;
        std::function<double(const diffclip::Json*)> get;
    };
    auto recall = [](const char* k) {
        return [k](const diffclip::Json* m) { return num(m ? jsonFind(*m, "image_recall") : nullptr, k); };
    };
    const std::vector<Row> rows = {
        {tr("Top-1 accuracy"), [](const diffclip::Json* m) { return num(m, "top1"); }},
        {tr("Top-5 accuracy"), [](const diffclip::Json* m) { return num(m, "top5"); }},
        {tr("Image recall@1"), recall("r@1")},
        {tr("Image recall@5"), recall("r@5")},
        {tr("Image recall@10"), recall("r@10")},
    };
    m_summaryTable->setRowCount(int(rows.size()));
    QStringList labels;
    for (int i = 0; i < int(rows.size()); ++i) {
        labels << rows[size_t(i)].label;
        for (int c = 0; c < 2; ++c) {
            auto* item = new QTableWidgetItem(percent(rows[size_t(i)].get(c == 0 ? before : after)));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_summaryTable->setItem(i, c, item);
        }
    }
    m_summaryTable->setVerticalHeaderLabels(labels);
    QString beforeTip = tr("The starting model: zero-shot with the class prompts, or the nearest class mean.");
    if (const diffclip::Json* bm = jsonFind(*v, "before_method"); bm && bm->is_string())
        beforeTip = QString::fromStdString(bm->get<std::string>());
    m_summaryTable->horizontalHeaderItem(0)->setToolTip(beforeTip);

    // Per-class precision / recall and the confusion matrix, after training.
    QStringList classes;
    m_perClass->setRowCount(0);
    if (const diffclip::Json* per = after ? jsonFind(*after, "per_class") : nullptr; per && per->is_array()) {
        m_perClass->setRowCount(int(per->size()));
        int r = 0;
        for (const auto& e : *per) {
            const diffclip::Json* cls = jsonFind(e, "class");
            const QString name = QString::fromStdString(cls && cls->is_string() ? cls->get<std::string>() : std::string());
            classes << name;
            m_perClass->setItem(r, 0, new QTableWidgetItem(name));
            for (int c = 0; c < 2; ++c) {
                auto* item = new QTableWidgetItem(percent(num(&e, c == 0 ? "precision" : "recall")));
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                m_perClass->setItem(r, c + 1, item);
            }
            ++r;
        }
    }
    std::vector<std::vector<qint64>> counts;
    if (const diffclip::Json* conf = after ? jsonFind(*after, "confusion") : nullptr; conf && conf->is_array())
        for (const auto& row : *conf) {
            std::vector<qint64> rr;
            if (row.is_array())
                for (const auto& x : row) rr.push_back(x.is_number_integer() ? x.get<qint64>() : 0);
            counts.push_back(std::move(rr));
        }
    m_confusion->setMatrix(classes, counts);
}

QString TrainingPage::packagePath() const {
    const QString variant = m_variant->count() > 1 ? m_variant->currentData().toString() : QString();
    const diffclip::Json* v = &m_summary;
    if (!variant.isEmpty()) {
        const diffclip::Json* cmp = jsonFind(m_summary, "compare_attention");
        v = cmp ? jsonFind(*cmp, variant.toStdString()) : nullptr;
    }
    const diffclip::Json* p = v ? jsonFind(*v, "package") : nullptr;
    return p && p->is_string() ? QFile::decodeName(p->get<std::string>().c_str()) : QString();
}

// ---------------------------------------------------------------- charts

void TrainingPage::resetCharts() {
    m_graphVariants.clear();
    const QString x = mode() == Mode::Linear ? tr("iteration") : tr("epoch");
    for (QCustomPlot* p : {m_lossPlot, m_valPlot, m_lrPlot}) {
        p->clearGraphs();
        p->xAxis->setLabel(x);
        p->xAxis->setRange(0, 1);
        p->legend->setVisible(false);
        p->replot();
    }
    m_valPlot->yAxis->setRange(-3, 103);
}

void TrainingPage::styleCharts() {
    const QColor text = palette().color(QPalette::Text);
    for (QCustomPlot* p : {m_lossPlot, m_valPlot, m_lrPlot}) {
        p->setBackground(palette().base());
        for (QCPAxis* a : {p->xAxis, p->yAxis}) {
            a->setBasePen(QPen(text));
            a->setTickPen(QPen(text));
            a->setSubTickPen(QPen(text));
            a->setTickLabelColor(text);
            a->setLabelColor(text);
            a->grid()->setPen(QPen(palette().color(QPalette::Mid), 0, Qt::DotLine));
        }
        if (auto* t = qobject_cast<QCPTextElement*>(p->plotLayout()->element(0, 0))) t->setTextColor(text);
        p->legend->setBrush(palette().base());
        p->legend->setTextColor(text);
        p->legend->setBorderPen(QPen(palette().color(QPalette::Mid)));
        p->replot();
    }
}

void TrainingPage::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) styleCharts();
    QWidget::changeEvent(event);
}

}  // namespace diffclip::ui
