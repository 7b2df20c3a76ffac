#pragma once
// "How many photos?" on the PoC page (docs/POC.md, "How many labelled photos"): the data-needs
// study (diffclip/training/DataNeeds.h) on a folder-per-class tree as a job of the jobs centre:
// for each size N, draws of N photos per class are trained (a linear head on a base model's
// frozen embeddings, or a scratch run from the starter) and measured on one fixed held-out
// split. The dialog shows the points with their 95% intervals, the fitted learning curve with
// its band, the target line, a table fed to the chart, and one sentence saying how many photos
// per class reach the target (never extrapolated past twice the largest N measured).
// GUI thread only; the study runs on a JobCentre worker and is cancelled when the dialog closes.

#include <QDialog>

#include <memory>
#include <optional>

#include "diffclip/training/DataNeeds.h"

class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStandardItemModel;
class QTableView;

namespace diffclip::ui {

class JobCentre;

class DataNeedsDialog : public QDialog {
    Q_OBJECT

public:
    /// `jobs` must outlive the dialog.
    explicit DataNeedsDialog(JobCentre* jobs, QWidget* parent = nullptr);
    ~DataNeedsDialog() override;

    // For tests and scripted use.
    QLineEdit* folderEdit() const { return m_folder; }
    QLineEdit* baseEdit() const { return m_base; }
    QLineEdit* sizesEdit() const { return m_sizes; }
    QSpinBox* drawsBox() const { return m_draws; }
    QDoubleSpinBox* targetBox() const { return m_target; }
    QComboBox* modeBox() const { return m_mode; }
    QDoubleSpinBox* minutesBox() const { return m_minutes; }
    /// Rows: one per size (N asked, trained per class, draws, mean top-1, interval low, high);
    /// the chart is drawn from it (values in Qt::UserRole, fractions 0..1).
    QStandardItemModel* pointModel() const { return m_points; }
    QCustomPlot* chart() const { return m_chart; }
    QString verdictText() const;
    QString statusText() const;
    const std::optional<diffclip::DataNeedsReport>& report() const { return m_report; }
    int jobId() const { return m_jobId; }

public Q_SLOTS:
    /// Checks the inputs and submits the study (emits finished(false) at once when they are wrong).
    void start();
    void cancel();

Q_SIGNALS:
    /// The study ended: true with a report shown, false on an error or cancel (status says which).
    void finished(bool ok);

protected:
    void done(int result) override;
    void changeEvent(QEvent* event) override;

private:
    void showReport(const diffclip::DataNeedsReport& r);
    void drawChart();
    void updateControls();
    void onJobChanged(int id);

    JobCentre* m_jobs = nullptr;
    QLineEdit* m_folder = nullptr;
    QComboBox* m_mode = nullptr;
    QLineEdit* m_base = nullptr;
    QLineEdit* m_sizes = nullptr;
    QSpinBox* m_draws = nullptr;
    QDoubleSpinBox* m_target = nullptr;
    QDoubleSpinBox* m_minutes = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_verdict = nullptr;
    QCustomPlot* m_chart = nullptr;
    QStandardItemModel* m_points = nullptr;
    QTableView* m_table = nullptr;
    std::optional<diffclip::DataNeedsReport> m_report;
    int m_jobId = 0;
};

}  // namespace diffclip::ui
