#pragma once
// The PoC page: the plant's figures from the library's usage log (diffclip/library/UsageKpis.h,
// docs/POC.md, "Figures from the usage log"): hit@1/5/10 with 95% Wilson intervals overall, per
// label and per ISO week (a chart of hit@5 per week with the interval as error bars), the share of
// "no confident match" answers, searches per day, latency p50/p95 per day and model, the median
// task time, and the monitoring warning when hit@5 dropped significantly. Every figure's tooltip
// says how it is computed. The figures are read on the page's own library connection
// (LibraryAccess: a worker thread), never on the GUI thread.

#include <QDate>
#include <QString>
#include <QWidget>

#include <memory>
#include <optional>

#include "diffclip/formats/Json.h"
#include "diffclip/library/EmbeddingDrift.h"
#include "diffclip/library/UsageEconomics.h"
#include "diffclip/library/UsageKpis.h"

class QCustomPlot;
class QDateEdit;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QStandardItemModel;
class QTableView;

namespace diffclip::ui {

class CompareModelsDialog;
class DataNeedsDialog;
class JobCentre;
class ErrorBanner;
class LibraryAccess;

class PocPage : public QWidget {
    Q_OBJECT

public:
    explicit PocPage(QWidget* parent = nullptr);
    ~PocPage() override;

    /// Where "Photos needed…" runs its study; the button stays off without one. Must outlive the page.
    void setJobCentre(JobCentre* jobs);
    /// The library whose usage log is shown; empty: none (the page says so). Refreshes.
    void setLibraryPath(const QString& path);
    QString libraryPath() const { return m_path; }
    /// The period, both days included (local time).
    void setPeriod(const QDate& from, const QDate& to);

    // For tests and the screenshots.
    const std::optional<diffclip::UsageKpis>& kpis() const { return m_kpis; }
    /// Rows: overall, then one per label, then one per ISO week (column 0 names the group).
    QStandardItemModel* rateModel() const { return m_rates; }
    /// Rows: one per ISO week with hit@5 and its interval (the chart's data).
    QStandardItemModel* weekModel() const { return m_weeks; }
    QStandardItemModel* latencyModel() const { return m_latency; }
    QCustomPlot* chart() const { return m_chart; }
    QString summaryText() const;
    QString monitorText() const;
    /// The photo-drift sentence (EmbeddingDrift.h), refreshed with the figures.
    QString driftText() const;
    const std::optional<diffclip::EmbeddingDrift>& drift() const { return m_drift; }
    /// The time-and-money sentence ("" until the minutes a lookup took before are entered).
    QString moneyText() const;
    QString reportStatusText() const;
    /// Sets the time-and-money inputs (as the user would type them) and shows the figures.
    void setEconomicsInputs(const diffclip::EconomicsInputs& inputs);
    const ErrorBanner* errorBanner() const { return m_error; }

public Q_SLOTS:
    /// Opens "Compare two models" on the open library (non-modal, deleted on close); nullptr
    /// without a library.
    CompareModelsDialog* openComparison();
    /// Opens "How many labelled photos?" (DataNeedsDialog; non-modal, deleted on close); nullptr
    /// without a job centre. It needs no library: it reads a folder of class folders.
    DataNeedsDialog* openDataNeeds();
    /// Writes the PoC report (report/PocReport.h) of the period and filters shown to `path`
    /// (.pdf or .html; asks with a file dialog when empty) and its tables as CSV into
    /// "<path without extension>-tables/": the time-and-money inputs when the minutes before are
    /// set, the two newest models with embeddings compared (older as A), and the last data-needs
    /// study run from this page. Reads on the library's worker, writes on the GUI thread; emits
    /// reportSaved.
    void saveReport(const QString& path = QString());
    /// Reads the log with the period and filters shown and updates every figure.
    void refresh();

Q_SIGNALS:
    /// The figures of the last refresh are shown (or its error).
    void refreshed(bool ok);
    /// A report was written (ok, its path) or failed (the error banner says why).
    void reportSaved(bool ok, const QString& path);

protected:
    void changeEvent(QEvent* event) override;

private:
    void showKpis(const diffclip::UsageKpis& k);
    /// The time-and-money sentence from the last figures and the inputs shown (saved too).
    void showEconomics();
    void showDrift();
    void drawChart();
    diffclip::UsageKpiOptions options() const;

    LibraryAccess* m_access = nullptr;
    QString m_path;
    int m_request = 0;
    std::optional<diffclip::UsageKpis> m_kpis;
    QDateEdit* m_from = nullptr;
    QDateEdit* m_to = nullptr;
    QLineEdit* m_label = nullptr;
    QLineEdit* m_line = nullptr;
    QLineEdit* m_product = nullptr;
    QLineEdit* m_user = nullptr;
    QLineEdit* m_model = nullptr;
    QSpinBox* m_recentDays = nullptr;
    QPushButton* m_refresh = nullptr;
    QPushButton* m_compareModels = nullptr;
    QPushButton* m_dataNeeds = nullptr;
    QPushButton* m_saveReport = nullptr;
    QLabel* m_reportStatus = nullptr;
    diffclip::Json m_lastDataNeeds;  // the last data-needs study run from this page (report input)
    JobCentre* m_jobs = nullptr;
    ErrorBanner* m_error = nullptr;
    QLabel* m_monitor = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_driftLabel = nullptr;
    std::optional<diffclip::EmbeddingDrift> m_drift;
    // Time and money (UsageEconomics.h): the plant's inputs, kept in AppSettings, and the figures.
    QDoubleSpinBox* m_beforeMinutes = nullptr;
    QDoubleSpinBox* m_hourlyRate = nullptr;
    QDoubleSpinBox* m_powerWatts = nullptr;
    QDoubleSpinBox* m_kwhPrice = nullptr;
    QDoubleSpinBox* m_investment = nullptr;
    QLabel* m_money = nullptr;
    QCustomPlot* m_chart = nullptr;
    QStandardItemModel* m_rates = nullptr;
    QStandardItemModel* m_weeks = nullptr;
    QStandardItemModel* m_latency = nullptr;
    QTableView* m_rateTable = nullptr;
    QTableView* m_latencyTable = nullptr;
};

}  // namespace diffclip::ui
