#pragma once
// The Training page's live curves as chart tables (ChartSeriesModel.h), filled from the
// trainer's progress reports: the only place where the curves' numbers are read from the core's
// structs (TrainingCharts then reads these models alone). Each model has one column per
// attention variant (in report order; style 1 when the variant is named, i.e. in a comparison)
// and one row per point, the row's x in ChartSeriesModel::PositionRole:
//   loss():         the running training loss at each step (linear head: at each evaluation)
//   validation():   validation top-1 in percent at each epoch's end (linear: each evaluation)
//   learningRate(): the optimizer's rate at each step
// x is the head's iteration for a linear probe, else the fractional epoch (validation: the epoch).
// GUI thread only.

#include <QObject>
#include <QString>
#include <vector>

#include "ChartSeriesModel.h"

namespace diffclip {
struct TrainMetrics;
}

namespace diffclip::ui {

class TrainingCurveModels : public QObject {
    Q_OBJECT

public:
    explicit TrainingCurveModels(QObject* parent = nullptr);

    /// Empties every curve (a new run).
    void clear();
    /// Adds the points of `reports` (in order); `linear`: x counts the head's iterations.
    /// Returns whether any curve changed (each changed model is reset once).
    bool add(const std::vector<diffclip::TrainMetrics>& reports, bool linear);

    ChartSeriesModel* loss() const { return m_loss; }
    ChartSeriesModel* validation() const { return m_validation; }
    ChartSeriesModel* learningRate() const { return m_rate; }

    /// The colour of the n-th variant on every chart.
    static QColor variantColour(int index);

private:
    int variantColumn(const QString& variant);
    static void append(ChartTable& table, int column, double x, double y);

    ChartSeriesModel* m_loss = nullptr;
    ChartSeriesModel* m_validation = nullptr;
    ChartSeriesModel* m_rate = nullptr;
    ChartTable m_tables[3];            // loss, validation, rate: what the models show
    std::vector<QString> m_variants;  // column i of every table belongs to this variant
};

}  // namespace diffclip::ui
