#include "TrainingPage.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStandardPaths>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <mutex>

#include "AppSettings.h"
#include "Controls.h"
#include "ErrorBanner.h"
#include "ErrorText.h"
#include "JobCentre.h"
#include "LabelTree.h"
#include "TrainingCharts.h"
#include "TrainingCurveModels.h"
#include "TrainingResults.h"
#include "TrainingText.h"
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
}  // namespace

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
    m_data = new TrainingDataPanel(settings);
    connect(m_data, &TrainingDataPanel::libraryLabelsRequested, this, &TrainingPage::useLibraryLabels);
    connect(m_data, &TrainingDataPanel::listingChanged, this, &TrainingPage::onListingChanged);
    col->addWidget(m_data, 1);
    auto* trainBox = new QGroupBox(tr("Training"), settings);
    auto* trainCol = new QVBoxLayout(trainBox);
    m_recipe = new TrainingRecipeForm(trainBox);
    m_recipe->setStartersDir(startersDir());
    connect(m_recipe, &TrainingRecipeForm::modeChanged, this, [this] {
        if (!m_data->folder().isEmpty() && m_recipe->outputName().isEmpty())
            m_recipe->setOutputPlaceholder(defaultOutputName());
        if (!isBusy()) showReadiness();
    });
    trainCol->addWidget(m_recipe);
    col->addWidget(trainBox);

    m_start = new QPushButton(tr("Start Training"), settings);
    m_start->setDefault(true);
    connect(m_start, &QPushButton::clicked, this, [this] { start(); });
    m_cancel = new QPushButton(tr("Cancel"), settings);
    connect(m_cancel, &QPushButton::clicked, this, &TrainingPage::cancel);
    col->addLayout(makeButtonRow({m_start, m_cancel}));

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
    m_status = new QLabel(right);
    m_status->setObjectName(QStringLiteral("trainingStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    rcol->addWidget(m_status);
    m_curves = new TrainingCurveModels(this);
    m_charts = new TrainingCharts(m_curves->loss(), m_curves->validation(), m_curves->learningRate(), right);
    rcol->addWidget(m_charts);
    m_results = new TrainingResults(right);
    connect(m_results, &TrainingResults::activateRequested, this, &TrainingPage::activateRequested);
    rcol->addWidget(m_results, 1);
    split->addWidget(right);
    split->setStretchFactor(1, 1);

    m_poll = new QTimer(this);
    m_poll->setInterval(kPollMs);
    connect(m_poll, &QTimer::timeout, this, &TrainingPage::drainFeed);

    m_charts->setXLabel(mode() == Mode::Linear ? tr("iteration") : tr("epoch"));
    showReadiness();
    updateControls();
}

TrainingPage::~TrainingPage() {
    // The job may outlive the page (the centre owns it); it only ever touches the shared feed.
    if (m_jobId && m_jobs) m_jobs->cancel(m_jobId);
}

// ---------------------------------------------------------------- settings

void TrainingPage::setDataFolder(const QString& folder) { m_data->setFolder(folder); }

QString TrainingPage::dataFolder() const { return m_data->folder(); }

const QList<TrainingPage::ClassEntry>& TrainingPage::classPreview() const { return m_data->classes(); }

bool TrainingPage::isListing() const { return m_data->isListing(); }

void TrainingPage::setMode(Mode mode) { m_recipe->setMode(mode); }

TrainingPage::Mode TrainingPage::mode() const { return m_recipe->mode(); }

void TrainingPage::setPreset(const QString& preset) { m_recipe->setPreset(preset); }

QString TrainingPage::preset() const { return m_recipe->preset(); }

void TrainingPage::setBaseModel(const QString& spec) { m_recipe->setBaseModel(spec); }

QString TrainingPage::baseModel() const { return m_recipe->baseModel(); }

void TrainingPage::setArchitecture(const QString& architecture) { m_recipe->setArchitecture(architecture); }

QString TrainingPage::architecture() const { return m_recipe->architecture(); }

void TrainingPage::setTimeBudgetMinutes(double minutes) { m_recipe->setTimeBudgetMinutes(minutes); }

void TrainingPage::setCompareAttention(bool on) { m_recipe->setCompareAttention(on); }

void TrainingPage::setOutputName(const QString& name) { m_recipe->setOutputName(name); }

QString TrainingPage::outputName() const { return m_recipe->outputName(); }

void TrainingPage::setRegistryDir(const QString& dir) {
    m_registryDir = dir;
    m_recipe->setStartersDir(startersDir());
}

QString TrainingPage::startersDir() const { return QDir(m_registryDir).filePath(QStringLiteral(".starters")); }

QString TrainingPage::checkpointDir() const {
    const QString name = TrainingText::folderName(outputName().isEmpty() ? defaultOutputName() : outputName());
    return QDir(m_registryDir).filePath(QStringLiteral(".checkpoints/") + name);
}

QString TrainingPage::packagePath() const { return m_results->packagePath(); }

const diffclip::Json& TrainingPage::summary() const { return m_results->summary(); }

QCustomPlot* TrainingPage::lossPlot() const { return m_charts->lossPlot(); }

QCustomPlot* TrainingPage::validationPlot() const { return m_charts->validationPlot(); }

QCustomPlot* TrainingPage::learningRatePlot() const { return m_charts->learningRatePlot(); }

ConfusionMatrixView* TrainingPage::confusionView() const { return m_results->confusionView(); }

QTableWidget* TrainingPage::previewTable() const { return m_data->previewTable(); }

QTableWidget* TrainingPage::summaryTable() const { return m_results->summaryTable(); }

QTableWidget* TrainingPage::perClassTable() const { return m_results->perClassTable(); }

QPushButton* TrainingPage::activateButton() const { return m_results->activateButton(); }

void TrainingPage::setWorkspace(std::shared_ptr<diffclip::Workspace> workspace) {
    m_workspace = std::move(workspace);
    if (m_workspace) m_recipe->setDefaultBaseModel(QString::fromStdString(m_workspace->modelSpec()));
    updateControls();
}

void TrainingPage::chooseDataFolder() { m_data->chooseFolder(); }

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

void TrainingPage::onListingChanged() {
    if (m_data->isListing()) {
        updateControls();
        return;
    }
    // A start error about the data described the data as it was; the data has changed.
    if (m_dataErrorShown) {
        m_error->clear();
        m_dataErrorShown = false;
    }
    if (m_recipe->outputName().isEmpty() && !m_data->folder().isEmpty())
        m_recipe->setOutputPlaceholder(defaultOutputName());
    if (m_startWhenListed) {
        m_startWhenListed = false;
        submit();
    } else if (m_jobId == 0) {
        showReadiness();
    }
    updateControls();
}

// What the user can do next, while no training runs.
void TrainingPage::showReadiness() {
    const QString root = m_data->folder();
    const int classes = int(m_data->classes().size());
    if (root.isEmpty()) m_status->setText(tr("Choose a data folder, then start."));
    else if (m_data->isListing() || m_data->listedFolder() != root) m_status->setText(tr("Listing the classes…"));
    else if (!m_data->listedFolderExists()) m_status->setText(tr("The data folder does not exist; choose another one."));
    else if (mode() == Mode::SelfSupervised)
        m_status->setText(tr("Self-supervised training uses every photo under the folder, in class folders or not, and "
                             "writes a starter for later training runs. Check the settings, then start."));
    else if (classes < 2)
        m_status->setText(tr("Training needs at least two classes: subfolders with photos in them. This folder has %n.",
                             nullptr, classes));
    else m_status->setText(tr("Ready to train on %1 classes. Check the settings, then start.").arg(classes));  // >= 2
}

void TrainingPage::updateControls() {
    const bool running = m_jobId != 0;
    m_recipe->setRunning(running);
    m_data->setLocked(running || m_startWhenListed);
    m_data->setLibraryLabelsAvailable(!running && m_workspace && m_mirrorJobId == 0);
    m_start->setEnabled(!running && m_mirrorJobId == 0 && !m_startWhenListed);
    m_cancel->setEnabled(running);
    m_results->setRunning(running);
}

QString TrainingPage::defaultOutputName() const {
    static const char* names[] = {"linear", "contrastive", "scratch", "self-supervised"};
    const QString data = TrainingText::folderName(QFileInfo(dataFolder()).fileName());
    return QStringLiteral("%1-%2-%3")
        .arg(data.isEmpty() ? QStringLiteral("model") : data, QLatin1String(names[int(mode())]),
             QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm")));
}

// ---------------------------------------------------------------- running

void TrainingPage::startError(const QString& reason, bool aboutData) {
    m_error->showError(tr("Cannot start training"), reason, QString());
    m_dataErrorShown = aboutData;
}

bool TrainingPage::start() {
    if (isBusy() || !m_jobs) return false;
    m_error->clear();
    m_dataErrorShown = false;
    const QString root = dataFolder();
    if (root.isEmpty()) {
        startError(tr("Choose a folder with one subfolder of photos per class."), true);
        return false;
    }
    if (!QFileInfo(root).isDir()) {
        startError(tr("The folder “%1” does not exist.").arg(QDir::toNativeSeparators(root)), true);
        return false;
    }
    if (mode() == Mode::SelfSupervised) return submit();  // any photos, no classes needed
    if (m_data->isListing() || m_data->listedFolder() != root) {
        // The preview does not show this folder yet: start once its classes are listed.
        m_startWhenListed = true;
        if (!m_data->isListing()) m_data->setFolder(root);
        m_status->setText(tr("Listing the classes…"));
        updateControls();
        return true;
    }
    return submit();
}

// Checks the rest of the settings against the listed classes and submits the job.
bool TrainingPage::submit() {
    const QString root = dataFolder();
    const int classes = int(m_data->classes().size());
    const bool selfSupervised = mode() == Mode::SelfSupervised;
    if (classes < 2 && !selfSupervised) {
        startError(tr("Training needs at least two classes: subfolders with photos in them. “%1” has %n.", nullptr, classes)
                       .arg(QDir::toNativeSeparators(root)),
                   true);
        showReadiness();
        return false;
    }
    const Mode md = mode();
    auto recipe = diffclip::presetRecipe(md == Mode::Linear          ? diffclip::TrainMode::Linear
                                         : md == Mode::Contrastive   ? diffclip::TrainMode::Contrastive
                                         : md == Mode::SelfSupervised ? diffclip::TrainMode::SelfSupervised
                                                                      : diffclip::TrainMode::Scratch,
                                         preset().toStdString());
    if (!recipe) {
        m_error->showError(tr("Cannot start training"), tr("Unknown preset."), ErrorText::details(recipe.error()));
        m_dataErrorShown = false;
        return false;
    }
    diffclip::TrainRecipe r = *recipe;
    if (md != Mode::Scratch && md != Mode::SelfSupervised) {
        const QString base = baseModel();
        if (base.isEmpty()) {
            startError(tr("Choose the base model to start from (the active model is the default)."), false);
            return false;
        }
        r.base = QFile::encodeName(base).toStdString();
    } else {
        if (!architecture().isEmpty()) r.architecture = architecture().toStdString();
        r.compareAttention = md == Mode::Scratch && m_recipe->compareAttention();
        r.init = QFile::encodeName(m_recipe->init()).toStdString();
    }
    r.device = m_recipe->device().toStdString();
    r.timeBudgetMinutes = m_recipe->timeBudgetMinutes();
    // As on the command line: with a budget, the budget decides how many epochs run.
    if (r.timeBudgetMinutes > 0 && md != Mode::Linear) r.epochs = 100000;

    QString name = TrainingText::folderName(outputName());
    if (name.isEmpty()) name = defaultOutputName();
    const QString out = QDir(selfSupervised ? startersDir() : m_registryDir).filePath(name);
    // A self-supervised run writes the starter and, under the same name in the registry, the model
    // as a package for photo search before any label (Models page: activate it to index with it).
    const QString searchPackage = selfSupervised ? QDir(m_registryDir).filePath(name) : QString();
    const QStringList outs = r.compareAttention ? QStringList{out + QStringLiteral("-differential"), out + QStringLiteral("-standard")}
                             : selfSupervised   ? QStringList{out, searchPackage}
                                                : QStringList{out};
    for (const QString& o : outs)
        if (QFileInfo::exists(o)) {
            startError((selfSupervised ? tr("A starter named “%1” already exists. Choose another output name.")
                                       : tr("A model named “%1” already exists. Choose another output name."))
                           .arg(QFileInfo(o).fileName()),
                       false);
            return false;
        }
    for (const QString& folder : {QFileInfo(out).absolutePath(), m_registryDir})
        if (!QDir().mkpath(folder)) {
            startError(tr("The model folder “%1” cannot be made.").arg(QDir::toNativeSeparators(folder)), false);
            return false;
        }
    m_recipe->setOutputName(name);
    // A starter's checkpoint stays beside it (out.partial), a package's under the registry.
    m_runCheckpoint = selfSupervised ? out + QStringLiteral(".partial") : checkpointDir();
    m_runMode = md;
    m_results->clear();
    m_curves->clear();
    m_charts->setXLabel(md == Mode::Linear ? tr("iteration") : tr("epoch"));

    auto feed = std::make_shared<Feed>();
    m_feed = feed;
    diffclip::TrainOptions options;
    options.checkpointDir = QFile::encodeName(m_runCheckpoint).toStdString();
    options.searchPackage = QFile::encodeName(searchPackage).toStdString();
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
                return JobOutcome::failure(TrainingText::failureReason(rep.error().code), ErrorText::details(rep.error()));
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
    if (m_startWhenListed) {
        m_startWhenListed = false;
        showReadiness();
        updateControls();
    }
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
    m_curves->add(batch, linear);
    // Status line and progress bar: the newest figures.
    const diffclip::TrainMetrics& p = batch.back();
    if (p.steps > 0) {
        m_progress->setRange(0, int(std::min<int64_t>(p.steps, 1 << 30)));
        m_progress->setValue(int(std::min<int64_t>(p.step, 1 << 30)));
    }
    m_status->setText(TrainingText::progressLine(p, linear));
}

void TrainingPage::onJobFinished(int state, const QString& reason, const QString& details) {
    drainFeed();
    m_poll->stop();
    m_jobId = 0;
    m_progress->setRange(0, 1);
    const auto st = JobState(state);
    if (st == JobState::Succeeded) {
        diffclip::Json summary;
        {
            std::lock_guard<std::mutex> lock(m_feed->mutex);
            summary = m_feed->summary;
            if (!summary.contains("package") && !summary.contains("compare_attention"))
                summary["package"] = m_feed->package;
        }
        m_progress->setValue(1);
        if (m_runMode == Mode::SelfSupervised) {
            // A starter, not a model: the results table of a class model does not apply.
            const diffclip::Json* after = summary.is_object() ? diffclip::jsonFind(summary, "after") : nullptr;
            const diffclip::Json* match = after ? diffclip::jsonFind(*after, "view_match") : nullptr;
            const diffclip::Json* starter = diffclip::jsonFind(summary, "starter");
            const QString path = starter && starter->is_string() ? QString::fromStdString(starter->get<std::string>()) : QString();
            m_recipe->refreshStarters();
            const diffclip::Json* package = diffclip::jsonFind(summary, "package");
            m_status->setText(tr("Finished. The starter is %1 (two views of a photo matched %2 % of the time on held-out "
                                 "photos). Choose it under “Start from” to train a model from it. The same model is in "
                                 "the registry as %3: activate it on the Models page to search photos before any label "
                                 "(not words: its text side is untrained).")
                                  .arg(QDir::toNativeSeparators(path),
                                       match && match->is_number() ? QLocale().toString(100.0 * match->get<double>(), 'f', 1)
                                                                   : QStringLiteral("–"),
                                       package && package->is_string()
                                           ? QDir::toNativeSeparators(QString::fromStdString(package->get<std::string>()))
                                           : QStringLiteral("–")));
            m_recipe->setOutputName(QString());
            m_recipe->setOutputPlaceholder(defaultOutputName());
            updateControls();
            Q_EMIT trainingFinished(true);
            return;
        }
        m_results->showSummary(std::move(summary));
        m_status->setText(tr("Finished. The new model is %1.").arg(QDir::toNativeSeparators(packagePath())));
        m_recipe->setOutputName(QString());  // the next run gets a new name
        m_recipe->setOutputPlaceholder(defaultOutputName());
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

}  // namespace diffclip::ui
