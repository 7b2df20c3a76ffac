#include "PocPage.h"

#include "diffclip/model/ModelSummary.h"

#include <QDateEdit>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

#include <limits>

#include "ChartStyle.h"
#include "CompareModelsDialog.h"
#include "DataNeedsDialog.h"
#include "ErrorText.h"
#include "PocReport.h"
#include "AppSettings.h"
#include "Controls.h"
#include "ErrorBanner.h"
#include "ErrorText.h"
#include "FlowLayout.h"
#include "LibraryAccess.h"
#include "PageTitle.h"
#include "QCustomPlotQt.h"

namespace diffclip::ui {

namespace {

constexpr int64_t kPocDayMs = 86'400'000;

QString percentText(double fraction) { return QLocale().toString(100.0 * fraction, 'f', 1) + QStringLiteral("%"); }

// "49.1% (36.6–61.7%) 28/57", or "–" without trials.
QString rateText(const diffclip::UsageHitRate& h) {
    if (h.trials == 0) return QStringLiteral("–");
    return QStringLiteral("%1 (%2–%3) %4/%5")
        .arg(percentText(h.rate), QLocale().toString(100.0 * h.low, 'f', 1), percentText(h.high))
        .arg(h.hits)
        .arg(h.trials);
}

QList<QStandardItem*> rateRow(const QString& group, const diffclip::UsageHitRates& g) {
    QList<QStandardItem*> row{new QStandardItem(group), new QStandardItem(QString::number(g.searches)),
                              new QStandardItem(QString::number(g.judged))};
    for (const auto& h : g.at) {
        auto* item = new QStandardItem(rateText(h));
        item->setData(h.trials ? QVariant(h.rate) : QVariant(), Qt::UserRole);
        row << item;
    }
    for (QStandardItem* item : row) item->setEditable(false);
    return row;
}

QTableView* makeTable(QWidget* parent, QStandardItemModel* model, const QString& name, const QString& accessible) {
    auto* t = new QTableView(parent);
    t->setObjectName(name);
    t->setAccessibleName(accessible);
    t->setModel(model);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    t->horizontalHeader()->setStretchLastSection(true);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setWordWrap(false);  // one line per row; the table scrolls sideways instead
    return t;
}

QDoubleSpinBox* moneyInput(QWidget* parent, const QString& name, double max, int decimals, const QString& suffix,
                           const QString& tip) {
    auto* b = new QDoubleSpinBox(parent);
    b->setObjectName(name);
    b->setRange(0.0, max);
    b->setDecimals(decimals);
    b->setSuffix(suffix);
    b->setGroupSeparatorShown(true);
    b->setToolTip(tip);
    return b;
}

QLineEdit* filterEdit(QWidget* parent, const QString& name, const QString& placeholder, const QString& tip) {
    auto* e = new QLineEdit(parent);
    e->setObjectName(name);
    e->setPlaceholderText(placeholder);
    e->setAccessibleName(placeholder);
    e->setToolTip(tip);
    e->setClearButtonEnabled(true);
    return e;
}

}  // namespace

PocPage::PocPage(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("pocPage"));
    m_access = new LibraryAccess(this);

    m_refresh = makeButton(tr("&Refresh"), tr("Refresh the figures"), this,
                           tr("Reads the library's usage log again with the period and filters shown."));
    connect(m_refresh, &QPushButton::clicked, this, &PocPage::refresh);
    m_compareModels = makeButton(tr("Compare &Models…"), tr("Compare two models"), this,
                                 tr("Compare two of the library's models on its labelled photos: hit rates, MRR and "
                                    "mAP with 95% intervals and p-values."));
    m_compareModels->setObjectName(QStringLiteral("compareModelsButton"));
    m_compareModels->setEnabled(false);  // until a library is open
    connect(m_compareModels, &QPushButton::clicked, this, &PocPage::openComparison);
    m_dataNeeds = makeButton(tr("Photos &Needed…"), tr("How many labelled photos are needed"), this,
                             tr("Train on growing numbers of labelled photos per class from a folder of class folders, "
                                "measure each on the same held-out photos and fit a learning curve: how many photos per "
                                "class reach the accuracy you need."));
    m_dataNeeds->setObjectName(QStringLiteral("dataNeedsButton"));
    m_dataNeeds->setEnabled(false);  // until a job centre is set
    connect(m_dataNeeds, &QPushButton::clicked, this, &PocPage::openDataNeeds);
    m_saveReport = makeButton(tr("Save Rep&ort…"), tr("Save the PoC report"), this,
                              tr("A report to sign, as PDF or HTML with its tables as CSV: the verdict, the hit rates "
                                 "with intervals, monitoring and drift, speed and cost, time and money, the two newest "
                                 "models compared, the last data-needs study, the models' provenance and the machine."));
    m_saveReport->setObjectName(QStringLiteral("saveReportButton"));
    m_saveReport->setEnabled(false);  // until a library is open
    connect(m_saveReport, &QPushButton::clicked, this, [this] { saveReport(); });

    // Period and filters.
    const QDate today = QDate::currentDate();
    m_from = new QDateEdit(today.addDays(-55), this);
    m_from->setObjectName(QStringLiteral("fromDate"));
    m_from->setCalendarPopup(true);
    m_from->setToolTip(tr("First day of the period (included)."));
    m_to = new QDateEdit(today, this);
    m_to->setObjectName(QStringLiteral("toDate"));
    m_to->setCalendarPopup(true);
    m_to->setToolTip(tr("Last day of the period (included). Monitoring compares the last days before its end "
                        "with the days before them."));
    m_label = filterEdit(this, QStringLiteral("labelFilter"), tr("Label"),
                         tr("Only searches of this label: the query photo's label when it is a library photo, "
                            "else the label of the hit marked right."));
    m_line = filterEdit(this, QStringLiteral("lineFilter"), tr("Line"),
                        tr("Only searches of this line (the query photo's, else the search's line filter)."));
    m_product = filterEdit(this, QStringLiteral("productFilter"), tr("Product"),
                           tr("Only searches of this product (the query photo's, else the search's product filter)."));
    m_user = filterEdit(this, QStringLiteral("userFilter"), tr("User"), tr("Only searches by this login name."));
    m_model = filterEdit(this, QStringLiteral("modelFilter"), tr("Model"),
                         tr("Only searches with this model (its path or fingerprint)."));
    m_recentDays = new QSpinBox(this);
    m_recentDays->setObjectName(QStringLiteral("recentDays"));
    m_recentDays->setRange(1, 365);
    m_recentDays->setValue(7);
    m_recentDays->setSuffix(tr(" days"));
    m_recentDays->setToolTip(tr("Monitoring: hit@5 over these last days against the same number of days before."));
    for (QLineEdit* e : {m_label, m_line, m_product, m_user, m_model})
        connect(e, &QLineEdit::returnPressed, this, &PocPage::refresh);

    auto* filters = new FlowLayout;
    filters->addWidget(makeGroup(this, {makeBuddyLabel(tr("&From"), m_from, this), m_from}));
    filters->addWidget(makeGroup(this, {makeBuddyLabel(tr("&To"), m_to, this), m_to}));
    for (QLineEdit* e : {m_label, m_line, m_product, m_user, m_model}) filters->addWidget(e);
    filters->addWidget(makeGroup(this, {makeBuddyLabel(tr("Recent &period"), m_recentDays, this), m_recentDays}));

    // Time and money: the plant's own inputs; money in its currency, without conversion.
    const diffclip::EconomicsInputs saved = AppSettings::economicsInputs();
    m_beforeMinutes = moneyInput(this, QStringLiteral("beforeMinutes"), 10000.0, 1, tr(" min"),
                                 tr("Minutes one lookup of a past defect took before this tool, from your time study."));
    m_beforeMinutes->setSpecialValueText(tr("not entered"));
    m_hourlyRate = moneyInput(this, QStringLiteral("hourlyRate"), 1e7, 0, QString(),
                              tr("Labour cost of one inspector hour, in your currency."));
    m_powerWatts = moneyInput(this, QStringLiteral("powerWatts"), 100000.0, 0, tr(" W"),
                              tr("Power draw of the search PC while it searches, in watts (a power meter, or the "
                                 "maker's figure)."));
    m_kwhPrice = moneyInput(this, QStringLiteral("kwhPrice"), 100000.0, 2, QString(),
                            tr("Electricity price per kWh, in your currency."));
    m_investment = moneyInput(this, QStringLiteral("investment"), 1e12, 0, QString(),
                              tr("One-off cost of introducing the tool (PC, set-up, training), in your currency."));
    m_beforeMinutes->setValue(saved.beforeMinutes);
    m_hourlyRate->setValue(saved.hourlyRate);
    m_powerWatts->setValue(saved.powerWatts);
    m_kwhPrice->setValue(saved.pricePerKwh);
    m_investment->setValue(saved.investment);
    auto* money = new FlowLayout;
    money->addWidget(makeGroup(this, {makeBuddyLabel(tr("Lookup &before"), m_beforeMinutes, this), m_beforeMinutes}));
    money->addWidget(makeGroup(this, {makeBuddyLabel(tr("&Hourly rate"), m_hourlyRate, this), m_hourlyRate}));
    money->addWidget(makeGroup(this, {makeBuddyLabel(tr("Po&wer"), m_powerWatts, this), m_powerWatts}));
    money->addWidget(makeGroup(this, {makeBuddyLabel(tr("Price per &kWh"), m_kwhPrice, this), m_kwhPrice}));
    money->addWidget(makeGroup(this, {makeBuddyLabel(tr("&Investment"), m_investment, this), m_investment}));
    for (QDoubleSpinBox* b : {m_beforeMinutes, m_hourlyRate, m_powerWatts, m_kwhPrice, m_investment})
        connect(b, QOverload<double>::of(&QDoubleSpinBox::valueChanged), this, [this] {
            AppSettings::setEconomicsInputs({m_beforeMinutes->value(), m_hourlyRate->value(), m_powerWatts->value(),
                                             m_kwhPrice->value(), m_investment->value()});
            showEconomics();
        });
    m_money = makeSelectableLabel(this, QStringLiteral("moneyText"));
    m_money->setToolTip(
        tr("Per month = the period's count ÷ its days × 30.44. Saved per lookup = the time before − the median task "
           "time; only searches with a hit marked right count as lookups (the others saved nothing). Hours saved = "
           "lookups per month × saved minutes ÷ 60; money saved = hours × hourly rate. Electricity per search = mean "
           "search time × power ÷ 3,600,000 kWh × price. Payback = investment ÷ (money saved − electricity) per "
           "month. Details in docs/POC.md."));

    m_error = new ErrorBanner(this);
    m_monitor = makeSelectableLabel(this, QStringLiteral("monitorText"));
    m_monitor->setToolTip(tr("One-sided Fisher exact test on the counts: how likely so few recent hits at 5 would be "
                             "if both periods had the same hit rate. A warning below p = 0.05."));
    m_driftLabel = makeSelectableLabel(this, QStringLiteral("driftText"));
    m_driftLabel->setToolTip(
        tr("Do the photos added in the recent period look like the earlier ones? A two-sample test on the embeddings "
           "of the library's main model: squared maximum mean discrepancy with a Gaussian kernel, p-value from 200 "
           "permutations, up to 400 photos of each side. A warning below p = 0.05: a new camera, light, product or "
           "defect, and the hit rates measured before may not hold. Details in docs/POC.md."));
    m_reportStatus = makeSelectableLabel(this, QStringLiteral("reportStatus"));
    m_summary = makeSelectableLabel(this, QStringLiteral("summaryText"));
    m_summary->setToolTip(tr("No confident match: photo searches whose best hit is below the library's confidence "
                             "threshold, of those tested. Task time: from the query to the first hit marked right "
                             "(median). Details in docs/POC.md."));

    m_chart = makeTitledChart(this, tr("Hit@5 per ISO week, with 95% Wilson intervals"), tr("Hit rate per week"),
                              fontMetrics().height() * 14);
    m_chart->setObjectName(QStringLiteral("weekChart"));
    m_chart->setToolTip(tr("Share of judged searches whose first right hit is among the first 5, per ISO week; "
                           "the bars are the 95% Wilson score interval."));

    m_rates = new QStandardItemModel(0, 6, this);
    m_rates->setHorizontalHeaderLabels({tr("Group"), tr("Searches"), tr("Judged"), tr("Hit@1"), tr("Hit@5"),
                                        tr("Hit@10")});
    for (int c = 3; c < 6; ++c)
        m_rates->horizontalHeaderItem(c)->setToolTip(
            tr("Judged searches whose first right hit is within the first K, with the 95% Wilson interval and "
               "hits/judged. A search judged \"none right\" that showed fewer than K hits is left out."));
    m_rates->horizontalHeaderItem(2)->setToolTip(
        tr("Searches with a hit marked right or marked \"none right\"."));
    m_weeks = new QStandardItemModel(0, 4, this);
    m_weeks->setHorizontalHeaderLabels({tr("Week"), tr("Hit@5"), tr("Low"), tr("High")});
    m_latency = new QStandardItemModel(0, 5, this);
    m_latency->setHorizontalHeaderLabels({tr("Day"), tr("Model"), tr("Searches"), tr("p50 (ms)"), tr("p95 (ms)")});
    m_latency->horizontalHeaderItem(3)->setToolTip(
        tr("Median and 95th percentile of the whole search time (decode, encode, search), linear interpolation."));
    m_latency->horizontalHeaderItem(4)->setToolTip(m_latency->horizontalHeaderItem(3)->toolTip());
    m_rateTable = makeTable(this, m_rates, QStringLiteral("rateTable"), tr("Hit rates"));
    m_latencyTable = makeTable(this, m_latency, QStringLiteral("latencyTable"), tr("Searches and latency per day"));

    // One above the other: side by side, the latency table got a fifth of the width and hid its
    // percentiles behind a scroll bar at the default window size.
    auto* body = new QSplitter(Qt::Vertical, this);
    body->setObjectName(QStringLiteral("pocSplitter"));
    body->addWidget(m_chart);
    body->addWidget(m_rateTable);
    body->addWidget(m_latencyTable);
    body->setStretchFactor(0, 3);
    body->setStretchFactor(1, 3);
    body->setStretchFactor(2, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(makePageHeader(tr("Proof of Concept"), this, {m_saveReport, m_dataNeeds, m_compareModels, m_refresh}));
    layout->addLayout(filters);
    layout->addWidget(m_error);
    layout->addWidget(m_reportStatus);
    layout->addWidget(m_monitor);
    layout->addWidget(m_driftLabel);
    layout->addWidget(m_summary);
    layout->addLayout(money);
    layout->addWidget(m_money);
    layout->addWidget(body, 1);
    applyChartPalette(m_chart, palette());
    showKpis(diffclip::UsageKpis{});
}

PocPage::~PocPage() = default;

void PocPage::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange && m_chart) {
        applyChartPalette(m_chart, palette());
        m_chart->replot();
    }
    QWidget::changeEvent(event);
}

void PocPage::setLibraryPath(const QString& path) {
    if (path == m_path) return;
    m_path = path;
    ++m_request;
    m_kpis.reset();
    m_drift.reset();
    m_error->clear();
    if (path.isEmpty()) {
        m_access->close();
        m_driftLabel->clear();
        m_compareModels->setEnabled(false);
        m_saveReport->setEnabled(false);
        showKpis(diffclip::UsageKpis{});
        m_summary->setText(tr("Open a library to see its figures."));
        return;
    }
    m_access->open(path, false, this, [this](diffclip::Status s) {
        if (!s)
            m_error->showError(tr("Could not read the library"), tr("The figures need the library's usage log."),
                               ErrorText::details(s.error()));
    });
    refresh();
}

void PocPage::setPeriod(const QDate& from, const QDate& to) {
    m_from->setDate(from);
    m_to->setDate(to);
}

diffclip::UsageKpiOptions PocPage::options() const {
    diffclip::UsageKpiOptions o;
    o.utcOffsetMinutes = diffclip::usage::localUtcOffsetMinutes();
    const auto dayStart = [&](const QDate& d) {
        return *diffclip::usage::dayStartMs(d.toString(Qt::ISODate).toStdString(), o.utcOffsetMinutes);
    };
    o.filter.fromMs = dayStart(m_from->date());
    o.filter.toMs = dayStart(m_to->date()) + kPocDayMs;
    o.filter.label = m_label->text().trimmed().toStdString();
    o.filter.line = m_line->text().trimmed().toStdString();
    o.filter.product = m_product->text().trimmed().toStdString();
    o.filter.user = m_user->text().trimmed().toStdString();
    o.filter.model = m_model->text().trimmed().toStdString();
    o.recentDays = m_recentDays->value();
    return o;
}

void PocPage::refresh() {
    if (m_path.isEmpty()) return;
    if (m_to->date() < m_from->date()) {
        m_error->showError(tr("The period is empty"), tr("The last day is before the first day."), QString());
        Q_EMIT refreshed(false);
        return;
    }
    const int request = ++m_request;
    // The usage figures and the photo drift in one background read; a drift that cannot be
    // computed (say, a damaged embedding) leaves the usage figures shown and says why.
    struct Figures {
        diffclip::Result<diffclip::UsageKpis> kpis;
        diffclip::Result<diffclip::EmbeddingDrift> drift;
        Figures(diffclip::Result<diffclip::UsageKpis> k, diffclip::Result<diffclip::EmbeddingDrift> d)
            : kpis(std::move(k)), drift(std::move(d)) {}
        Figures(const diffclip::Error& e) : kpis(e), drift(e) {}  // LibraryAccess reports failures so
    };
    m_refresh->setEnabled(false);
    m_compareModels->setEnabled(true);
    m_saveReport->setEnabled(true);
    m_access->run<Figures>(
        this,
        [o = options()](diffclip::Library& lib) {
            diffclip::DriftOptions d;
            d.recentDays = o.recentDays;
            d.endMs = o.filter.toMs;
            return Figures{diffclip::usageKpis(lib, o), diffclip::embeddingDrift(lib, d)};
        },
        [this, request](Figures f) {
            if (request != m_request) return;  // a newer refresh or another library
            m_refresh->setEnabled(true);
            if (!f.kpis) {
                m_error->showError(tr("Could not read the usage log"), tr("The figures are not up to date."),
                                   ErrorText::details(f.kpis.error()));
                Q_EMIT refreshed(false);
                return;
            }
            m_error->clear();
            m_kpis = *f.kpis;
            if (f.drift) {
                m_drift = *f.drift;
                showDrift();
            } else {
                m_drift.reset();
                m_driftLabel->setText(tr("Photo drift could not be computed: %1")
                                          .arg(QString::fromStdString(f.drift.error().message)));
            }
            showKpis(*f.kpis);
            Q_EMIT refreshed(true);
        });
}

QString PocPage::summaryText() const { return m_summary->text(); }
QString PocPage::moneyText() const { return m_money->text(); }
QString PocPage::driftText() const { return m_driftLabel->text(); }
QString PocPage::reportStatusText() const { return m_reportStatus->text(); }

void PocPage::saveReport(const QString& chosen) {
    if (m_path.isEmpty()) return;
    QString path = chosen;
    if (path.isEmpty()) {
        path = QFileDialog::getSaveFileName(this, tr("Save the PoC Report"),
                                            QDir(QFileInfo(m_path).absolutePath()).filePath(tr("poc-report") + QStringLiteral(".pdf")),
                                            tr("PDF (*.pdf);;HTML (*.html)"));
        if (path.isEmpty()) return;
    }
    report::PocReportRequest request;
    request.libraryPath = QFile::encodeName(QDir::toNativeSeparators(m_path)).toStdString();
    request.kpis = options();
    if (m_beforeMinutes->value() > 0)
        request.economics = diffclip::EconomicsInputs{m_beforeMinutes->value(), m_hourlyRate->value(), m_powerWatts->value(),
                                                      m_kwhPrice->value(), m_investment->value()};
    request.dataNeeds = m_lastDataNeeds;
    request.program = QStringLiteral("DiffCLIP Studio " DIFFCLIP_VERSION).toStdString();
    request.machine = {diffclip::runtimeDescription()};
    m_reportStatus->setText(tr("Writing the report…"));
    using R = diffclip::Result<report::PocReportData>;
    auto req = std::make_shared<report::PocReportRequest>(request);
    m_access->run<R>(
        this,
        [req](diffclip::Library& lib) -> R {
            // The two newest models with embeddings: the older as A, the newer as B.
            auto counts = lib.embeddingCountsByModel();
            if (!counts) return counts.error();
            std::vector<diffclip::Library::ModelEmbeddingCount> rows;
            for (const auto& c : *counts)
                if (c.embeddings > 0) rows.push_back(c);
            std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.model.id > y.model.id; });
            if (rows.size() >= 2)
                req->models = std::make_pair(diffclip::ComparedModel{rows[1].model.name, rows[1].model.fingerprint},
                                             diffclip::ComparedModel{rows[0].model.name, rows[0].model.fingerprint});
            return report::gatherPocReport(lib, *req);
        },
        [this, req, path](R r) {
            auto failed = [&](const diffclip::Error& e) {
                m_reportStatus->clear();
                m_error->showError(tr("The report could not be written"), QString::fromStdString(e.message),
                                   ErrorText::details(e));
                Q_EMIT reportSaved(false, path);
            };
            if (!r) return failed(r.error());
            if (diffclip::Status s = report::PocReport::write(path, *r, *req); !s) return failed(s.error());
            const QFileInfo info(path);
            const QString tables = info.dir().filePath(info.completeBaseName() + QStringLiteral("-tables"));
            auto files = report::PocReport::writeCsv(tables, *r, *req);
            if (!files) return failed(files.error());
            m_reportStatus->setText(tr("Report saved: %1 (tables: %2).")
                                        .arg(QDir::toNativeSeparators(path), QDir::toNativeSeparators(tables)));
            Q_EMIT reportSaved(true, path);
        });
}

void PocPage::setJobCentre(JobCentre* jobs) {
    m_jobs = jobs;
    m_dataNeeds->setEnabled(m_jobs != nullptr);
}

DataNeedsDialog* PocPage::openDataNeeds() {
    if (!m_jobs) return nullptr;
    auto* dialog = new DataNeedsDialog(m_jobs, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &DataNeedsDialog::finished, this, [this, dialog](bool ok) {
        if (ok && dialog->report()) m_lastDataNeeds = dialog->report()->toJson();  // for the report
    });
    dialog->show();
    return dialog;
}

CompareModelsDialog* PocPage::openComparison() {
    if (m_path.isEmpty()) return nullptr;
    auto* dialog = new CompareModelsDialog(m_access, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

void PocPage::showDrift() {
    if (!m_drift || m_drift->model.empty()) {
        m_driftLabel->setText(tr("Photo drift: no photo has an embedding yet."));
        m_driftLabel->setStyleSheet(QString());
        m_driftLabel->setProperty("warning", false);
        return;
    }
    const diffclip::EmbeddingDrift& d = *m_drift;
    QString text;
    if (!d.tested)
        text = tr("Photo drift: %1 photos added in the last %n days against %2 before; the test needs 10 on each side.",
                  nullptr, m_recentDays->value())
                   .arg(d.recent)
                   .arg(d.earlier);
    else {
        const QString pText = d.pValue < 0.001 ? tr("p < 0.001") : tr("p = %1").arg(QLocale().toString(d.pValue, 'f', 3));
        text = d.warning ? tr("Warning: the %1 photos added in the last %n days differ from the %2 before (%3): a new "
                              "camera, light, product or defect? Hit rates measured before may not hold.",
                              nullptr, m_recentDays->value())
                         : tr("Photo drift: the %1 photos added in the last %n days look like the %2 before (%3).",
                              nullptr, m_recentDays->value());
        text = text.arg(d.recent).arg(d.earlier).arg(pText);
    }
    m_driftLabel->setText(text);
    m_driftLabel->setStyleSheet(d.warning ? QStringLiteral("font-weight: bold;") : QString());
    m_driftLabel->setProperty("warning", d.warning);
}

void PocPage::setEconomicsInputs(const diffclip::EconomicsInputs& in) {
    m_beforeMinutes->setValue(in.beforeMinutes);
    m_hourlyRate->setValue(in.hourlyRate);
    m_powerWatts->setValue(in.powerWatts);
    m_kwhPrice->setValue(in.pricePerKwh);
    m_investment->setValue(in.investment);
    showEconomics();
}

void PocPage::showEconomics() {
    const diffclip::EconomicsInputs in{m_beforeMinutes->value(), m_hourlyRate->value(), m_powerWatts->value(),
                                       m_kwhPrice->value(), m_investment->value()};
    if (in.beforeMinutes <= 0.0) {
        m_money->setText(tr("Time and money: enter the minutes a lookup took before this tool (your time study)."));
        return;
    }
    if (!m_kpis || m_kpis->searches == 0) {
        m_money->setText(tr("Time and money: no search in the period yet."));
        return;
    }
    const diffclip::Economics e = diffclip::computeEconomics(*m_kpis, in);
    const QLocale l;
    QString text;
    if (e.savedMinutesPerLookup)
        text = tr("Time and money: %1 lookups a month with a right hit × %2 min saved (%3 min before, median task %4 min) = "
                  "%5 hours a month (%6).")
                   .arg(l.toString(e.lookupsPerMonth, 'f', 1), l.toString(*e.savedMinutesPerLookup, 'f', 2),
                        l.toString(in.beforeMinutes, 'f', 1), l.toString(*e.taskMinutes, 'f', 2),
                        l.toString(*e.hoursSavedPerMonth, 'f', 1), l.toString(*e.moneySavedPerMonth, 'f', 0));
    else
        text = tr("Time and money: no search has a hit marked right yet, so there is no task time to compare.");
    text += QLatin1Char(' ') + tr("Electricity: %1 per 1,000 searches (%2 s at %3 W), %4 a month.")
                                   .arg(l.toString(e.costPer1000Searches, 'f', 2),
                                        l.toString(e.computeSecondsPerSearch, 'f', 3), l.toString(in.powerWatts, 'f', 0),
                                        l.toString(e.runningCostPerMonth, 'f', 2));
    if (e.paybackMonths)
        text += QLatin1Char(' ') + tr("Payback of %1: %2 months.").arg(l.toString(in.investment, 'f', 0),
                                                                       l.toString(*e.paybackMonths, 'f', 1));
    else if (e.savedMinutesPerLookup)
        text += QLatin1Char(' ') + tr("No net saving: no payback.");
    m_money->setText(text);
}
QString PocPage::monitorText() const { return m_monitor->text(); }

void PocPage::showKpis(const diffclip::UsageKpis& k) {
    m_rates->removeRows(0, m_rates->rowCount());
    m_rates->appendRow(rateRow(tr("Overall"), k.overall));
    for (const auto& g : k.byLabel)
        m_rates->appendRow(rateRow(g.group.empty() ? tr("(label unknown)") : QString::fromStdString(g.group), g));
    for (const auto& g : k.byWeek) m_rates->appendRow(rateRow(tr("Week %1").arg(QString::fromStdString(g.group)), g));

    m_weeks->removeRows(0, m_weeks->rowCount());
    for (const auto& g : k.byWeek) {
        const auto& h = g.at[1];  // hit@5
        QList<QStandardItem*> row{new QStandardItem(QString::fromStdString(g.group))};
        for (double v : {h.rate, h.low, h.high}) {
            auto* item = new QStandardItem(h.trials ? percentText(v) : QStringLiteral("–"));
            item->setData(h.trials ? QVariant(v) : QVariant(), Qt::UserRole);
            row << item;
        }
        m_weeks->appendRow(row);
    }

    m_latency->removeRows(0, m_latency->rowCount());
    for (const auto& l : k.latency)
        m_latency->appendRow({new QStandardItem(QString::fromStdString(l.day)),
                              new QStandardItem(QString::fromStdString(l.model)),
                              new QStandardItem(QString::number(l.searches)),
                              new QStandardItem(QLocale().toString(l.p50Ms, 'f', 1)),
                              new QStandardItem(QLocale().toString(l.p95Ms, 'f', 1))});

    QString summary = tr("Searches in the period: %n, judged: %1", nullptr, int(k.searches)).arg(k.judged);
    if (!k.perDay.empty())
        summary += QStringLiteral(" · ") +
                   tr("per day: %1 (days with searches: %n)", nullptr, int(k.perDay.size()))
                       .arg(QLocale().toString(double(k.searches) / double(k.perDay.size()), 'f', 1));
    if (k.confidenceTested > 0)
        summary += QStringLiteral(" · ") + tr("no confident match: %1 of %2 photo searches")
                                               .arg(percentText(k.notConfidentShare))
                                               .arg(k.confidenceTested);
    if (k.medianTaskSeconds)
        summary += QStringLiteral(" · ") + tr("median task time %1 s").arg(QLocale().toString(*k.medianTaskSeconds, 'f', 1));
    m_summary->setText(summary);

    const auto& m = k.monitor;
    const QString pText = m.pValue < 0.001 ? tr("p < 0.001") : tr("p = %1").arg(QLocale().toString(m.pValue, 'f', 3));
    if (m.recentTrials == 0 || m.previousTrials == 0) {
        m_monitor->setText(tr("Monitoring: hit@5 needs judged searches in both the last %n days and the days before.",
                              nullptr, m_recentDays->value()));
        m_monitor->setStyleSheet(QString());
    } else {
        // Both sentences take the same counts; only the verdict and the emphasis differ.
        const QString sentence =
            m.warning ? tr("Warning: hit@5 over the last %n days (%1/%2) is significantly below the days "
                           "before (%3/%4), %5.",
                           nullptr, m_recentDays->value())
                      : tr("Monitoring: hit@5 over the last %n days (%1/%2) against the days before (%3/%4): no "
                           "significant drop, %5.",
                           nullptr, m_recentDays->value());
        m_monitor->setText(
            sentence.arg(m.recentHits).arg(m.recentTrials).arg(m.previousHits).arg(m.previousTrials).arg(pText));
        m_monitor->setStyleSheet(m.warning ? QStringLiteral("font-weight: bold;") : QString());
    }
    m_monitor->setProperty("warning", m.warning);
    drawChart();
    showEconomics();
}

void PocPage::drawChart() {
    m_chart->clearPlottables();
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    QVector<double> x, y, minus, plus;
    for (int r = 0; r < m_weeks->rowCount(); ++r) {
        ticker->addTick(r, m_weeks->item(r, 0)->text());
        const QVariant rate = m_weeks->item(r, 1)->data(Qt::UserRole);
        if (!rate.isValid()) continue;  // no judged search that week
        const double v = rate.toDouble() * 100.0;
        x << r;
        y << v;
        minus << v - m_weeks->item(r, 2)->data(Qt::UserRole).toDouble() * 100.0;
        plus << m_weeks->item(r, 3)->data(Qt::UserRole).toDouble() * 100.0 - v;
    }
    const QColor colour = palette().color(QPalette::Highlight);
    auto* graph = m_chart->addGraph();
    graph->setName(tr("Hit@5"));
    graph->setLineStyle(QCPGraph::lsLine);
    graph->setPen(QPen(colour, 2));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 7));
    graph->setData(x, y, true);
    auto* bars = new QCPErrorBars(m_chart->xAxis, m_chart->yAxis);
    bars->setName(tr("95% Wilson interval"));
    bars->setDataPlottable(graph);
    bars->setPen(QPen(colour, 1.5));
    bars->setData(minus, plus);
    m_chart->xAxis->setTicker(ticker);
    m_chart->xAxis->setRange(-0.5, std::max(0.5, m_weeks->rowCount() - 0.5));
    m_chart->yAxis->setRange(0, 100);
    m_chart->yAxis->setLabel(tr("Hit@5 (%)"));
    m_chart->replot();
}

}  // namespace diffclip::ui
