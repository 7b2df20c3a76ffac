#pragma once
// The Training page's results on the validation photos, from a run's training.json: the
// before/after table (top-1, top-5, image recall@1/5/10), per-class precision and recall, the
// confusion matrix, and "Activate This Model". For a standard-vs-differential comparison a
// chooser picks the variant shown (and activated). GUI thread only.

#include <QGroupBox>
#include <QString>

#include "diffclip/formats/Json.h"

class QComboBox;
class QPushButton;
class QTableWidget;

namespace diffclip::ui {

class ConfusionMatrixView;

class TrainingResults : public QGroupBox {
    Q_OBJECT

public:
    explicit TrainingResults(QWidget* parent = nullptr);

    /// Shows a run's training.json (with "package", or "compare_attention" holding one per variant).
    void showSummary(diffclip::Json summary);
    /// Empties the tables and the matrix (a new run starts).
    void clear();
    const diffclip::Json& summary() const { return m_summary; }
    /// The package of the variant shown; empty when none.
    QString packagePath() const;
    /// Activate is offered only while no training runs.
    void setRunning(bool running);

    QTableWidget* summaryTable() const { return m_summaryTable; }
    QTableWidget* perClassTable() const { return m_perClass; }
    ConfusionMatrixView* confusionView() const { return m_confusion; }
    QPushButton* activateButton() const { return m_activate; }

Q_SIGNALS:
    /// The user asked to make this package the active model.
    void activateRequested(const QString& packagePath);

private:
    void showVariant(const QString& variant);
    void updateControls();

    diffclip::Json m_summary;
    bool m_running = false;
    QComboBox* m_variant = nullptr;
    QTableWidget* m_summaryTable = nullptr;
    QTableWidget* m_perClass = nullptr;
    ConfusionMatrixView* m_confusion = nullptr;
    QPushButton* m_activate = nullptr;
};

}  // namespace diffclip::ui
