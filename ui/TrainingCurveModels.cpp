#include "TrainingCurveModels.h"

#include <QLocale>
#include <algorithm>
#include <cmath>

#include "diffclip/training/TrainJob.h"

namespace diffclip::ui {

namespace {
enum { Loss, Validation, Rate };
}

TrainingCurveModels::TrainingCurveModels(QObject* parent)
    : QObject(parent),
      m_loss(new ChartSeriesModel(this)),
      m_validation(new ChartSeriesModel(this)),
      m_rate(new ChartSeriesModel(this)) {}

QColor TrainingCurveModels::variantColour(int index) {
    static const QColor colours[] = {QColor(0x3d, 0x6f, 0xb0), QColor(0xd0, 0x70, 0x30)};
    return colours[index % 2];
}

void TrainingCurveModels::clear() {
    m_variants.clear();
    for (ChartTable& t : m_tables) t = ChartTable{};
    for (ChartSeriesModel* m : {m_loss, m_validation, m_rate}) m->setTable({});
}

// One column per attention variant in every table, made when the variant's first point arrives
// (loading reports carry no variant yet).
int TrainingCurveModels::variantColumn(const QString& variant) {
    auto it = std::find(m_variants.begin(), m_variants.end(), variant);
    if (it != m_variants.end()) return int(it - m_variants.begin());
    ChartTable::Series s;
    s.name = variant.isEmpty() ? tr("training") : variant;
    s.colour = variantColour(int(m_variants.size()));
    s.style = variant.isEmpty() ? 0 : 1;
    for (ChartTable& t : m_tables) {
        s.values = QVector<double>(t.rowLabels.size(), std::nan(""));
        t.series << s;
    }
    m_variants.push_back(variant);
    return int(m_variants.size()) - 1;
}

void TrainingCurveModels::append(ChartTable& table, int column, double x, double y) {
    table.rowLabels << QLocale().toString(x, 'g', 4);
    table.rowPositions << x;
    for (int c = 0; c < table.series.size(); ++c) table.series[c].values << (c == column ? y : std::nan(""));
}

bool TrainingCurveModels::add(const std::vector<diffclip::TrainMetrics>& reports, bool linear) {
    bool changed[3] = {false, false, false};
    for (const auto& p : reports) {
        // x: iterations for the linear head, (fractional) epochs otherwise.
        const double x = linear ? double(p.epoch)
                                : (p.steps > 0 && p.epochs > 0 ? double(p.step) * p.epochs / double(p.steps) : double(p.epoch));
        const bool stepReport = linear ? p.epochEnd : !p.epochEnd;
        const QString variant = QString::fromStdString(p.variant);
        if (stepReport) {
            const int c = variantColumn(variant);
            append(m_tables[Loss], c, x, p.loss);
            changed[Loss] = true;
            if (p.learningRate > 0) {
                append(m_tables[Rate], c, x, p.learningRate);
                changed[Rate] = true;
            }
        }
        if (p.epochEnd && p.valTop1 >= 0) {
            append(m_tables[Validation], variantColumn(variant), linear ? x : double(p.epoch), 100.0 * p.valTop1);
            changed[Validation] = true;
        }
    }
    // A new variant adds a column to every table: all models show it.
    ChartSeriesModel* models[3] = {m_loss, m_validation, m_rate};
    bool any = false;
    for (int i = 0; i < 3; ++i) {
        if (!changed[i] && models[i]->columnCount() == m_tables[i].series.size()) continue;
        models[i]->setTable(m_tables[i]);
        any = true;
    }
    return any;
}

}  // namespace diffclip::ui
