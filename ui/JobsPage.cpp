#include "JobsPage.h"

#include <QColor>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "Controls.h"
#include "JobCentre.h"
#include "PageTitle.h"

namespace diffclip::ui {

namespace {

enum Column { TitleColumn, StateColumn, ProgressColumn, TimeColumn, OutcomeColumn, ColumnCount };
constexpr int kIdRole = Qt::UserRole + 1;

}  // namespace

JobsPage::JobsPage(JobCentre* jobs, QWidget* parent) : QWidget(parent), m_jobs(jobs) {
    setObjectName(QStringLiteral("jobsPage"));

    auto* intro = new QLabel(tr("Long work runs here in the background: adding photos, re-embedding, auto-tagging "
                                "and opening libraries. You can keep working meanwhile. Cancelling stops after the "
                                "current batch; what was finished before is kept."),
                             this);
    intro->setWordWrap(true);

    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("jobsList"));
    m_list->setAccessibleName(tr("Jobs"));
    m_list->setColumnCount(ColumnCount);
    m_list->setHeaderLabels({tr("Job"), tr("State"), tr("Progress"), tr("Time"), tr("Outcome")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->header()->setStretchLastSection(true);
    const int ch = fontMetrics().averageCharWidth();
    m_list->setColumnWidth(TitleColumn, ch * 40);
    m_list->setColumnWidth(StateColumn, ch * 22);  // room for a stage ("Decoding and embedding")
    m_list->setColumnWidth(ProgressColumn, ch * 24);
    m_list->setColumnWidth(TimeColumn, ch * 22);
    connect(m_list, &QTreeWidget::currentItemChanged, this, &JobsPage::updateDetails);

    m_empty = new QLabel(tr("No jobs yet. Adding photos on the Library page starts one."), this);
    m_empty->setObjectName(QStringLiteral("jobsEmptyLabel"));
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setAlignment(Qt::AlignCenter);

    m_cancel = makeButton(tr("Cancel Job"), tr("Cancel the selected job"), this);
    m_cancel->setObjectName(QStringLiteral("cancelJobButton"));
    connect(m_cancel, &QPushButton::clicked, this, &JobsPage::cancelSelected);
    m_clear = makeButton(tr("Clear Finished"), tr("Remove finished jobs from the list"), this);
    connect(m_clear, &QPushButton::clicked, m_jobs, &JobCentre::clearFinished);

    m_detailTitle = new QLabel(this);
    m_detailTitle->setWordWrap(true);
    m_log = new QPlainTextEdit(this);
    m_log->setObjectName(QStringLiteral("jobLog"));
    m_log->setAccessibleName(tr("Log of the selected job"));
    m_log->setReadOnly(true);
    m_log->setPlaceholderText(tr("Select a job to see its log."));

    auto* top = new QWidget(this);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_list, 1);
    topLayout->addWidget(m_empty);
    topLayout->addLayout(makeButtonRow({m_cancel, m_clear}));
    auto* bottom = new QWidget(this);
    auto* bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->addWidget(m_detailTitle);
    bottomLayout->addWidget(m_log, 1);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(top);
    splitter->addWidget(bottom);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(makePageTitle(tr("Jobs"), this));
    layout->addWidget(intro);
    layout->addWidget(splitter, 1);

    connect(m_jobs, &JobCentre::jobAdded, this, &JobsPage::addJob);
    connect(m_jobs, &JobCentre::jobChanged, this, &JobsPage::updateJob);
    connect(m_jobs, &JobCentre::jobsRemoved, this, &JobsPage::rebuild);
    rebuild();
}

void JobsPage::rebuild() {
    const int selected = selectedJob();
    m_list->clear();
    m_items.clear();
    m_bars.clear();
    for (const JobInfo& j : m_jobs->jobs()) addJob(j.id);
    if (selected) selectJob(selected);
    updateDetails();
}

void JobsPage::addJob(int id) {
    auto* item = new QTreeWidgetItem(m_list);
    item->setData(TitleColumn, kIdRole, id);
    auto* bar = new QProgressBar(m_list);
    bar->setAccessibleName(tr("Progress"));
    bar->setMaximumHeight(fontMetrics().height() + 4);
    m_list->setItemWidget(item, ProgressColumn, bar);
    m_items.insert(id, item);
    m_bars.insert(id, bar);
    updateJob(id);
    if (!m_list->currentItem()) m_list->setCurrentItem(item);
}

void JobsPage::updateJob(int id) {
    QTreeWidgetItem* item = m_items.value(id);
    QProgressBar* bar = m_bars.value(id);
    if (!item || !bar) return;
    const JobInfo j = m_jobs->job(id);
    item->setText(TitleColumn, j.title);
    item->setToolTip(TitleColumn, j.title);
    // A running job shows its stage (what the core reports, in words); the others their state.
    QString state = JobCentre::stateText(j.state);
    if (j.state == JobState::Running && !j.stage.isEmpty()) state = JobCentre::stageText(j.stage);
    if (j.cancelRequested && j.state == JobState::Running) state = tr("Cancelling…");
    item->setText(StateColumn, state);
    item->setToolTip(StateColumn, state);

    if (j.state == JobState::Running && j.total <= 0) {
        bar->setRange(0, 0);  // the core reports no count (yet): indeterminate
    } else {
        // Scaled to 0..1000: counts may exceed an int.
        bar->setRange(0, 1000);
        const int v = j.total > 0 ? int(1000.0 * double(j.done) / double(j.total)) : 0;
        bar->setValue(j.state == JobState::Succeeded ? 1000 : v);
        bar->setFormat(j.total > 0 ? tr("%1 of %2").arg(QLocale().toString(j.done), QLocale().toString(j.total))
                                   : QString());
    }

    QString time;
    if (j.state == JobState::Running)
        time = j.secondsLeft >= 0 ? tr("%1 left").arg(JobCentre::durationText(j.secondsLeft)) : tr("estimating…");
    else if (j.isFinished())
        time = tr("took %1").arg(JobCentre::durationText(j.elapsedSeconds));
    // Jobs of an earlier session say when they ended, since "took 3 min" alone reads as today.
    if (j.earlierSession && j.finished.isValid())
        time = tr("%1, ended %2").arg(time, QLocale().toString(j.finished, QLocale::ShortFormat));
    item->setText(TimeColumn, time);
    const QString outcome = j.state == JobState::Failed ? j.outcome.errorReason : j.outcome.summary;
    item->setText(OutcomeColumn, outcome);
    item->setToolTip(OutcomeColumn, outcome);
    if (j.state == JobState::Failed) item->setForeground(StateColumn, QColor(0xc0, 0x39, 0x2b));
    m_empty->setVisible(m_items.isEmpty());
    m_list->setVisible(!m_items.isEmpty());
    if (selectedJob() == id) updateDetails();
}

int JobsPage::selectedJob() const {
    const QTreeWidgetItem* item = m_list->currentItem();
    return item ? item->data(TitleColumn, kIdRole).toInt() : 0;
}

void JobsPage::selectJob(int id) {
    if (QTreeWidgetItem* item = m_items.value(id)) m_list->setCurrentItem(item);
}

QString JobsPage::logText() const { return m_log->toPlainText(); }

void JobsPage::cancelSelected() {
    if (const int id = selectedJob()) m_jobs->cancel(id);
}

void JobsPage::updateDetails() {
    const int id = selectedJob();
    const JobInfo j = m_jobs->job(id);
    m_empty->setVisible(m_items.isEmpty());
    m_list->setVisible(!m_items.isEmpty());
    m_cancel->setEnabled(id != 0 && !j.isFinished() && !j.cancelRequested);
    m_clear->setEnabled(m_jobs->activeCount() < int(m_items.size()));
    if (id == 0) {
        m_detailTitle->clear();
        m_log->clear();
        return;
    }
    QString state = JobCentre::stateText(j.state);
    if (j.state == JobState::Running && !j.stage.isEmpty())
        state = tr("%1: %2").arg(state, JobCentre::stageText(j.stage));
    m_detailTitle->setText(QStringLiteral("%1 — %2").arg(j.title, state));
    const QString text = j.log.join(QLatin1Char('\n'));
    if (text != m_log->toPlainText()) {
        QScrollBar* sb = m_log->verticalScrollBar();
        const bool atEnd = sb->value() == sb->maximum();
        m_log->setPlainText(text);
        if (atEnd) sb->setValue(sb->maximum());  // follow the log unless the user scrolled up
    }
}

}  // namespace diffclip::ui
