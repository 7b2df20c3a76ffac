#pragma once
// "Compare two models" on the PoC page (docs/POC.md, "Comparing two models"): two of the open
// library's models (those with embeddings), compared on its labelled photos with compareModels
// (Compare.h) on the library's worker thread: hit@1/5/10, MRR and mAP of each with paired
// bootstrap intervals, the difference B − A, exact McNemar (Holm over the K values) or paired
// randomization p-values, a table per class, and one sentence per result in the interface's
// language. GUI thread only; the comparison runs on the LibraryAccess worker and is cancelled
// when the dialog closes.

#include <QDialog>

#include <memory>
#include <optional>

#include "diffclip/base/Job.h"
#include "diffclip/indexing/Compare.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QStandardItemModel;
class QTableView;

namespace diffclip::ui {

class BusyRow;
class LibraryAccess;

class CompareModelsDialog : public QDialog {
    Q_OBJECT

public:
    /// `access` must outlive the dialog and have the library open.
    explicit CompareModelsDialog(LibraryAccess* access, QWidget* parent = nullptr);
    ~CompareModelsDialog() override;

    // For tests.
    QComboBox* modelA() const { return m_a; }
    QComboBox* modelB() const { return m_b; }
    void setIterations(int iterations);
    /// Rows: the overall hit@K, MRR and mAP, then per class (column 0 names the metric and class).
    QStandardItemModel* resultModel() const { return m_results; }
    QString sentences() const;
    const std::optional<diffclip::ModelComparison>& comparison() const { return m_comparison; }

public Q_SLOTS:
    /// Lists the library's models with embeddings (emits modelsListed).
    void listModels();
    /// Compares the two chosen models (emits compared).
    void compare();

Q_SIGNALS:
    void modelsListed(bool ok);
    void compared(bool ok);

protected:
    void done(int result) override;

private:
    void showComparison(const diffclip::ModelComparison& c);
    QString sentence(const diffclip::ComparisonFinding& f) const;
    void setBusy(bool busy);

    LibraryAccess* m_access = nullptr;
    QComboBox* m_a = nullptr;
    QComboBox* m_b = nullptr;
    QSpinBox* m_iterations = nullptr;
    QPushButton* m_compare = nullptr;
    BusyRow* m_busy = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_sentences = nullptr;
    QStandardItemModel* m_results = nullptr;
    QTableView* m_table = nullptr;
    std::vector<diffclip::ComparedModel> m_models;
    std::optional<diffclip::ModelComparison> m_comparison;
    diffclip::CancelToken m_cancel;
    int m_request = 0;
};

}  // namespace diffclip::ui
