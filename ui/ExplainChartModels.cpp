#include "ExplainChartModels.h"

#include <algorithm>
#include <limits>

#include "ExplainText.h"
#include "diffclip/explain/ExplainSession.h"

namespace diffclip::ui {

namespace ex = diffclip::explain;

namespace {
constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

QStringList layerLabels(int layers) {
    QStringList labels;
    for (int l = 0; l < layers; ++l) labels << QString::number(l);
    return labels;
}
}  // namespace

ExplainChartModels::ExplainChartModels(QObject* parent)
    : QObject(parent),
      m_lambda(new ChartSeriesModel(this)),
      m_entropy(new ChartSeriesModel(this)),
      m_region(new ChartSeriesModel(this)) {}

QColor ExplainChartModels::paneColour(int pane) {
    return pane == 0 ? QColor(0x1f, 0x77, 0xb4) : QColor(0xd6, 0x27, 0x28);
}

void ExplainChartModels::show(const ex::ExplainResult* result, const QRectF& region) {
    if (!result || result->panes.size() < 2) {
        m_lambda->setTable({});
        m_entropy->setTable({});
        m_region->setTable({});
        return;
    }
    const auto mode = result->request.mode;
    const bool sameModel = mode == ex::CompareMode::A1VsDifference ||
                           result->panes[0].model.spec == result->panes[1].model.spec;

    // λ per block: one series per model that has λ.
    ChartTable lambda;
    int lambdaRows = 0;
    for (int i = 0; i < 2; ++i) {
        const auto& p = result->panes[size_t(i)];
        if (p.lambdas.empty() || (i == 1 && sameModel)) continue;
        ChartTable::Series s{sameModel ? ExplainText::modelName(QString::fromStdString(p.model.spec)) : ExplainText::paneName(mode, i),
                             paneColour(i), i, {}};
        for (double v : p.lambdas) s.values << v;
        lambdaRows = std::max(lambdaRows, int(s.values.size()));
        lambda.series << s;
    }
    // Without λ the chart still spans the model's blocks.
    lambda.rowLabels = layerLabels(std::max({lambdaRows, result->panes[0].model.layers, 1}));

    // Entropy per block of both panes, the block shown marked.
    ChartTable entropy;
    int entropyRows = 0;
    for (int i = 0; i < 2; ++i) {
        const auto& p = result->panes[size_t(i)];
        ChartTable::Series s{ExplainText::paneName(mode, i), paneColour(i), i, {}};
        for (double v : p.entropy) s.values << v;
        entropyRows = std::max(entropyRows, int(s.values.size()));
        entropy.series << s;
    }
    entropy.rowLabels = layerLabels(std::max(entropyRows, 1));
    entropy.markedRows.fill(false, entropy.rowLabels.size());
    const int shown = ExplainText::shownLayer(*result);
    if (shown >= 0 && shown < entropy.markedRows.size()) entropy.markedRows[shown] = true;

    // Region share of both panes, and the area's share as the even map's reference.
    ChartTable share;
    share.rowLabels = QStringList{tr("region share"), tr("area share")};
    const ex::RegionRect rect{region.left(), region.top(), region.right(), region.bottom()};
    for (int i = 0; i < 2; ++i) {
        ChartTable::Series s{ExplainText::paneName(mode, i), paneColour(i), i, {kNoValue, kNoValue}};
        if (!region.isEmpty()) {
            auto summary = ex::summariseRegion(result->panes[size_t(i)].map, rect);
            if (summary && summary->regionShare) s.values[0] = *summary->regionShare;
            s.values[1] = region.width() * region.height();
        }
        share.series << s;
    }
    m_lambda->setTable(std::move(lambda));
    m_entropy->setTable(std::move(entropy));
    m_region->setTable(std::move(share));
}

std::optional<double> ExplainChartModels::regionShare(int pane) const {
    const QVariant v = m_region->data(m_region->index(0, pane));
    if (!v.isValid()) return std::nullopt;
    return v.toDouble();
}

}  // namespace diffclip::ui
