#include "DataNeedsDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include <cmath>
#include <mutex>
#include <set>

#include "ChartStyle.h"
#include "Controls.h"
#include "ErrorText.h"
#include "JobCentre.h"
#include "QCustomPlotQt.h"

namespace diffclip::ui {

namespace {

QString pct(double fraction) { return QLocale().toString(100.0 * fraction, 'f', 1); }

QString photos(double n) { return QLocale().toString(n, 'f', n < 10 ? 1 : 0); }

// The study's result, handed from the job's worker thread to the dialog.
struct Outcome {
    std::mutex mutex;
    std::optional<diffclip::DataNeedsReport> report;
};

QStandardItem* cell(const QString& text, const QVariant& value = QVariant()) {
    auto* item = new QStandardItem(text);
    item->setEditable(false);
    if (value.isValid()) item->setData(value, Qt::UserRole);
    return item;
}

}  // namespace

DataNeedsDialog::DataNeedsDialog(JobCentre* jobs, QWidget* parent) : QDialog(parent), m_jobs(jobs) {
    setObjectName(QStringLiteral("dataNeedsDialog"));
    setWindowTitle(tr("How Many Labelled Photos?"));
    m_folder = new QLineEdit(this);
    m_folder->setObjectName(QStringLiteral("dataNeedsFolder"));
    m_folder->setPlaceholderText(tr("A folder with one subfolder of photos per class"));
    auto* browse = makeButton(tr("&Browse…"), tr("Choose the folder of class folders"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Folder of Class Folders"), m_folder->text());
        if (!d.isEmpty()) m_folder->setText(QDir::toNativeSeparators(d));
    });
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);

    m_mode = new QComboBox(this);
    m_mode->setObjectName(QStringLiteral("dataNeedsMode"));
    m_mode->addItem(tr("Linear head on a base model (fast)"), int(diffclip::TrainMode::Linear));
    m_mode->addItem(tr("Train from the starter (scratch; minutes per draw)"), int(diffclip::TrainMode::Scratch));
    m_mode->setToolTip(tr("Linear: the photos are embedded once by the base model and each draw fits only a class head "
                          "(seconds). Scratch: every draw is a full training run of the chosen minutes."));
    m_base = new QLineEdit(this);
    m_base->setObjectName(QStringLiteral("dataNeedsBase"));
    m_base->setPlaceholderText(tr("The installed starter"));
    m_base->setToolTip(tr("Linear: the model package or starter folder whose frozen embeddings the heads are fitted on. "
                          "Empty: the starter installed with the application."));
    m_sizes = new QLineEdit(QStringLiteral("5,10,20,50,all"), this);
    m_sizes->setObjectName(QStringLiteral("dataNeedsSizes"));
    m_sizes->setToolTip(tr("Photos per class to train on, separated by commas; “all” uses every training photo. "
                           "A learning curve needs three different sizes or more."));
    m_draws = new QSpinBox(this);
    m_draws->setObjectName(QStringLiteral("dataNeedsDraws"));
    m_draws->setRange(1, 100);
    m_draws->setValue(3);
    m_draws->setToolTip(tr("Random draws of each size: their spread gives the 95% interval (Student's t). Draws are "
                           "nested: the draw of 10 holds the draw of 5."));
    m_target = new QDoubleSpinBox(this);
    m_target->setObjectName(QStringLiteral("dataNeedsTarget"));
    m_target->setRange(1.0, 100.0);
    m_target->setDecimals(1);
    m_target->setValue(90.0);
    m_target->setSuffix(QStringLiteral(" %"));
    m_target->setToolTip(tr("The top-1 accuracy on the held-out photos the plant needs; the curve says how many "
                            "photos per class reach it."));
    m_minutes = new QDoubleSpinBox(this);
    m_minutes->setObjectName(QStringLiteral("dataNeedsMinutes"));
    m_minutes->setRange(0.1, 600.0);
    m_minutes->setDecimals(1);
    m_minutes->setValue(2.0);
    m_minutes->setSuffix(tr(" min"));
    m_minutes->setToolTip(tr("Scratch: the time budget of each training run. The study takes about sizes × draws × "
                             "this."));
    connect(m_mode, qOverload<int>(&QComboBox::currentIndexChanged), this, &DataNeedsDialog::updateControls);

    auto* form = new QFormLayout;
    form->addRow(makeBuddyLabel(tr("Photo &folder:"), m_folder, this), folderRow);
    form->addRow(makeBuddyLabel(tr("&Mode:"), m_mode, this), m_mode);
    form->addRow(makeBuddyLabel(tr("Base mo&del:"), m_base, this), m_base);
    form->addRow(makeBuddyLabel(tr("&Sizes per class:"), m_sizes, this), m_sizes);
    form->addRow(makeBuddyLabel(tr("D&raws per size:"), m_draws, this), m_draws);
    form->addRow(makeBuddyLabel(tr("&Target top-1:"), m_target, this), m_target);
    form->addRow(makeBuddyLabel(tr("Minutes &per draw:"), m_minutes, this), m_minutes);

    m_start = makeButton(tr("St&art"), tr("Start the study"), this,
                         tr("Trains on growing numbers of photos per class and measures each on the same held-out "
                            "photos (docs/POC.md)."));
    m_start->setDefault(true);
    connect(m_start, &QPushButton::clicked, this, &DataNeedsDialog::start);
    m_cancel = makeButton(tr("&Cancel Study"), tr("Cancel the study"), this);
    connect(m_cancel, &QPushButton::clicked, this, &DataNeedsDialog::cancel);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("dataNeedsProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_status = makeSelectableLabel(this, QStringLiteral("dataNeedsStatus"));
    m_status->setText(tr("Choose a folder of class folders and start."));
    m_verdict = makeSelectableLabel(this, QStringLiteral("dataNeedsVerdict"));
    QFont bold = m_verdict->font();
    bold.setBold(true);
    m_verdict->setFont(bold);

    m_chart = makeTitledChart(this, tr("Top-1 on the held-out photos by photos per class"), tr("Learning curve"),
                              fontMetrics().height() * 20);
    m_chart->setObjectName(QStringLiteral("dataNeedsChart"));
    m_points = new QStandardItemModel(0, 6, this);
    m_points->setHorizontalHeaderLabels({tr("Asked per class"), tr("Trained per class"), tr("Draws"), tr("Top-1 %"),
                                         tr("95% interval"), tr("Balanced accuracy %")});
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("dataNeedsTable"));
    m_table->setModel(m_points);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setMinimumHeight(fontMetrics().height() * 8);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* top = new QHBoxLayout;
    top->addLayout(form, 1);
    auto* actions = new QVBoxLayout;
    actions->addStretch(1);
    actions->addWidget(m_start);
    actions->addWidget(m_cancel);
    top->addLayout(actions);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(m_verdict);
    layout->addWidget(m_chart, 2);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    resize(fontMetrics().averageCharWidth() * 120, fontMetrics().height() * 56);
    connect(m_jobs, &JobCentre::jobChanged, this, &DataNeedsDialog::onJobChanged);
    updateControls();
    drawChart();
}

DataNeedsDialog::~DataNeedsDialog() {
    if (m_jobId && m_jobs) m_jobs->cancel(m_jobId);
}

void DataNeedsDialog::done(int result) {
    cancel();  // a study still running stops at its next draw or batch
    QDialog::done(result);
}

void DataNeedsDialog::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) drawChart();
    QDialog::changeEvent(event);
}

QString DataNeedsDialog::verdictText() const { return m_verdict->text(); }
QString DataNeedsDialog::statusText() const { return m_status->text(); }

void DataNeedsDialog::updateControls() {
    const bool running = m_jobId != 0;
    const bool linear = m_mode->currentData().toInt() == int(diffclip::TrainMode::Linear);
    for (QWidget* w : std::initializer_list<QWidget*>{m_folder, m_mode, m_sizes, m_draws, m_target}) w->setEnabled(!running);
    m_base->setEnabled(!running && linear);
    m_minutes->setEnabled(!running && !linear);
    m_start->setEnabled(!running);
    m_cancel->setEnabled(running);
}

void DataNeedsDialog::cancel() {
    if (m_jobId && m_jobs) m_jobs->cancel(m_jobId);
}

void DataNeedsDialog::start() {
    if (m_jobId) return;
    const QString folder = QDir::fromNativeSeparators(m_folder->text().trimmed());
    if (folder.isEmpty() || !QFileInfo(folder).isDir()) {
        m_status->setText(folder.isEmpty() ? tr("Choose the folder of class folders first.")
                                           : tr("“%1” is not a folder.").arg(QDir::toNativeSeparators(folder)));
        Q_EMIT finished(false);
        return;
    }
    auto sizes = diffclip::parseDataSizes(m_sizes->text().toStdString());
    if (!sizes) {
        m_status->setText(tr("Sizes: write numbers of photos per class separated by commas, and “all” (for example "
                             "5,10,20,50,all)."));
        Q_EMIT finished(false);
        return;
    }
    const auto mode = diffclip::TrainMode(m_mode->currentData().toInt());
    auto recipe = diffclip::presetRecipe(mode, "standard");
    if (!recipe) return;
    diffclip::DataNeedsRequest req;
    req.dataRoot = QFile::encodeName(folder).toStdString();
    req.mode = mode;
    if (mode == diffclip::TrainMode::Linear)
        req.base = QFile::encodeName(QDir::fromNativeSeparators(m_base->text().trimmed())).toStdString();
    req.sizes = *sizes;
    req.repeats = m_draws->value();
    req.target = m_target->value() / 100.0;
    req.recipe = *recipe;
    req.recipe.valFraction = 0.2;
    req.recipe.device = "auto";
    if (mode == diffclip::TrainMode::Scratch) {
        req.recipe.timeBudgetMinutes = m_minutes->value();
        req.recipe.epochs = 100000;  // the budget decides, as on the command line
    }
    m_report.reset();
    m_points->removeRows(0, m_points->rowCount());
    m_verdict->clear();
    drawChart();
    auto outcome = std::make_shared<Outcome>();
    QPointer<DataNeedsDialog> self(this);
    m_jobId = m_jobs->submit(
        JobKind::Other, tr("How many photos: %1").arg(QFileInfo(folder).fileName()),
        [req, outcome](const JobContext& ctx) {
            auto rep = diffclip::runDataNeeds(req, ctx.control());
            if (!rep) {
                if (rep.error().code == diffclip::ErrorCode::Cancelled) return JobOutcome::cancelled(tr("Study cancelled."));
                return JobOutcome::failure(tr("The study could not run: %1").arg(QString::fromStdString(rep.error().message)),
                                           ErrorText::details(rep.error()));
            }
            const int measured = int(rep->points.size());
            {
                std::lock_guard<std::mutex> lock(outcome->mutex);
                outcome->report = std::move(*rep);
            }
            return JobOutcome::success(tr("Measured %n size(s).", nullptr, measured));
        },
        [self, outcome](const JobInfo& info) {
            if (!self) return;
            self->m_jobId = 0;
            self->m_progress->setRange(0, 1);
            self->m_progress->setValue(info.state == JobState::Succeeded ? 1 : 0);
            self->updateControls();
            std::optional<diffclip::DataNeedsReport> rep;
            {
                std::lock_guard<std::mutex> lock(outcome->mutex);
                rep = outcome->report;
            }
            if (info.state == JobState::Succeeded && rep) {
                self->showReport(*rep);
                Q_EMIT self->finished(true);
                return;
            }
            self->m_status->setText(info.state == JobState::Cancelled ? tr("Cancelled; nothing was kept.")
                                                                       : info.outcome.errorReason);
            Q_EMIT self->finished(false);
        });
    m_status->setText(tr("Starting…"));
    m_progress->setRange(0, 0);
    updateControls();
}

void DataNeedsDialog::onJobChanged(int id) {
    if (id != m_jobId || !m_jobId) return;
    const JobInfo j = m_jobs->job(id);
    if (j.stage.isEmpty()) return;
    QString line = j.stage == QLatin1String("run") ? tr("Training and measuring the draws…")
                   : j.stage == QLatin1String("embed") ? tr("Embedding the photos with the base model…")
                                                        : tr("%1…").arg(JobCentre::stageText(j.stage));
    if (j.total > 0) line += QLatin1Char(' ') + tr("%1 of %2").arg(QLocale().toString(j.done), QLocale().toString(j.total));
    if (!j.log.isEmpty() && j.stage == QLatin1String("run")) line += QStringLiteral(" · ") + j.log.last();
    m_status->setText(line);
    m_progress->setRange(0, j.total > 0 ? int(std::min<qint64>(j.total, 1 << 30)) : 0);
    if (j.total > 0) m_progress->setValue(int(std::min<qint64>(j.done, 1 << 30)));
}

void DataNeedsDialog::showReport(const diffclip::DataNeedsReport& r) {
    m_report = r;
    m_points->removeRows(0, m_points->rowCount());
    for (const auto& p : r.points) {
        double balanced = 0.0;
        for (double b : p.balanced) balanced += b;
        balanced /= double(std::max<size_t>(1, p.balanced.size()));
        m_points->appendRow({cell(p.requested == 0 ? tr("all") : QLocale().toString(p.requested), p.requested),
                             cell(photos(p.perClass), p.perClass), cell(QLocale().toString(int(p.top1.size()))),
                             cell(pct(p.mean), p.mean),
                             cell(QStringLiteral("%1–%2").arg(pct(p.interval.low), pct(p.interval.high)),
                                  QVariant::fromValue(QPointF(p.interval.low, p.interval.high))),
                             cell(pct(balanced), balanced)});
    }
    m_status->setText(tr("%1: top-1 on %n held-out photos (the same for every draw), %2 s in all.", nullptr, int(r.heldOut))
                          .arg(r.mode == "linear" ? tr("Linear heads on %1").arg(QString::fromStdString(r.base))
                                                  : tr("Training runs (%1)").arg(QString::fromStdString(r.base)))
                          .arg(QLocale().toString(r.seconds, 'f', 0)));
    const QString target = pct(r.target);
    if (!r.curve) {
        std::set<double> distinct;
        for (const auto& p : r.points) distinct.insert(p.perClass);
        m_verdict->setText(distinct.size() < 3 ? tr("Measure at least three different sizes for a learning curve.")
                                               : tr("The learning curve could not be fitted: %1")
                                                     .arg(QString::fromStdString(r.curveNote)));
    } else if (r.needed) {
        const QString high = r.neededHigh ? photos(*r.neededHigh) : tr("more than %1").arg(photos(2.0 * r.curve->maxN));
        const QString low = r.neededLow ? photos(*r.neededLow) : photos(*r.needed);
        m_verdict->setText(tr("About %1 labelled photos per class reach %2 % top-1 (range %3 to %4).")
                               .arg(photos(*r.needed), target, low, high));
    } else {
        m_verdict->setText(tr("The curve does not reach %1 % top-1 within %2 photos per class (twice the most measured; "
                              "it is not extended further). Label more photos and measure again, or train a stronger model.")
                               .arg(target, photos(2.0 * r.curve->maxN)));
    }
    drawChart();
}

void DataNeedsDialog::drawChart() {
    applyChartPalette(m_chart, palette());
    m_chart->clearPlottables();
    m_chart->clearItems();
    const QColor colour = palette().color(QPalette::Highlight);
    QVector<double> x, y, minus, plus;
    double maxN = 1.0, minN = 1e9;
    for (int row = 0; row < m_points->rowCount(); ++row) {
        const double n = m_points->item(row, 1)->data(Qt::UserRole).toDouble();
        const double v = m_points->item(row, 3)->data(Qt::UserRole).toDouble() * 100.0;
        const QPointF ci = m_points->item(row, 4)->data(Qt::UserRole).toPointF();
        x << n;
        y << v;
        minus << v - ci.x() * 100.0;
        plus << ci.y() * 100.0 - v;
        maxN = std::max(maxN, n);
        minN = std::min(minN, n);
    }
    if (minN > maxN) minN = 1.0;
    const double xHigh = m_report && m_report->curve ? 2.0 * m_report->curve->maxN : maxN;
    // The fitted curve and its band, sampled evenly on the logarithmic axis up to 2·maxN.
    if (m_report && m_report->curve) {
        auto sample = [&](const diffclip::stats::LearningCurve& c) {
            QVector<double> cx, cy;
            const double lo = std::log(std::max(1.0, minN * 0.8)), hi = std::log(xHigh);
            for (int i = 0; i <= 80; ++i) {
                const double n = std::exp(lo + (hi - lo) * i / 80.0);
                cx << n;
                cy << std::clamp(c.at(n), 0.0, 1.0) * 100.0;
            }
            return std::make_pair(cx, cy);
        };
        if (m_report->lower && m_report->upper) {
            QColor band = colour;
            band.setAlpha(50);
            auto* low = m_chart->addGraph();
            auto* high = m_chart->addGraph();
            auto [lx, ly] = sample(*m_report->lower);
            auto [hx, hy] = sample(*m_report->upper);
            low->setData(lx, ly, true);
            high->setData(hx, hy, true);
            low->setPen(Qt::NoPen);
            high->setPen(Qt::NoPen);
            high->setBrush(band);
            high->setChannelFillGraph(low);
            high->setName(tr("Band from the intervals"));
            low->removeFromLegend();
        }
        auto* curve = m_chart->addGraph();
        auto [cx, cy] = sample(*m_report->curve);
        curve->setData(cx, cy, true);
        curve->setPen(QPen(colour, 2));
        curve->setName(tr("Fitted curve a − b·n^−c"));
    }
    auto* points = m_chart->addGraph();
    points->setName(tr("Mean of the draws"));
    points->setLineStyle(QCPGraph::lsNone);
    points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 8));
    points->setPen(QPen(colour.darker(130), 2));
    points->setData(x, y, true);
    auto* bars = new QCPErrorBars(m_chart->xAxis, m_chart->yAxis);
    bars->setName(tr("95% interval over the draws"));
    bars->setDataPlottable(points);
    bars->setPen(QPen(colour.darker(130), 1.5));
    bars->setData(minus, plus);
    if (m_report) {
        auto* target = m_chart->addGraph();
        target->setData(QVector<double>{std::max(1.0, minN * 0.8), xHigh},
                        QVector<double>{m_report->target * 100.0, m_report->target * 100.0});
        QPen dashed(palette().color(QPalette::WindowText), 1, Qt::DashLine);
        target->setPen(dashed);
        target->setName(tr("Target"));
    }
    m_chart->xAxis->setScaleType(QCPAxis::stLogarithmic);
    // Ticks at the sizes measured (and at 2·N, where the curve stops): the numbers the table has.
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (double n : x) ticker->addTick(n, photos(n));
    if (m_report && m_report->curve) ticker->addTick(xHigh, photos(xHigh));
    if (x.isEmpty())
        for (double n : {1.0, 10.0, 100.0}) ticker->addTick(n, photos(n));
    m_chart->xAxis->setTicker(ticker);
    m_chart->xAxis->setRange(std::max(0.8, minN * 0.7), std::max(xHigh * 1.1, minN * 2.0));
    m_chart->xAxis->setLabel(tr("Labelled photos per class"));
    m_chart->yAxis->setRange(0, 100);
    m_chart->yAxis->setLabel(tr("Top-1 (%)"));
    m_chart->legend->setVisible(m_report.has_value());
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    m_chart->legend->setFont(small);
    m_chart->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    m_chart->replot();
}

}  // namespace diffclip::ui
