#include "ExplainText.h"

#include <QDir>
#include <QFileInfo>
#include <algorithm>

#include "diffclip/explain/ExplainSession.h"

namespace diffclip::ui {

namespace ex = diffclip::explain;

QString ExplainText::formula() { return tr("A1 − λA2"); }

QString ExplainText::modelName(const QString& spec) {
    const QFileInfo info(spec);
    const QString name = info.fileName();
    if (name == QLatin1String("model.safetensors")) return info.dir().dirName();
    if (name.startsWith(QLatin1String("checkpoint"))) return info.dir().dirName() + QLatin1Char('/') + name;
    return name.isEmpty() ? spec : name;
}

QString ExplainText::methodName(ex::MapMethod method) {
    switch (method) {
    case ex::MapMethod::Attention: return tr("Attention");
    case ex::MapMethod::Rollout: return tr("Rollout");
    case ex::MapMethod::Similarity: return tr("Similarity to query");
    case ex::MapMethod::Gradient: return tr("Gradient × input");
    }
    return {};
}

QString ExplainText::modeName(ex::CompareMode mode) {
    return mode == ex::CompareMode::TwoModels ? tr("Model A vs model B")
                                              : tr("A1 vs %1 (one DiffCLIP model)").arg(formula());
}

QString ExplainText::headName(int head) {
    if (head == ex::kHeadMean) return tr("mean of heads");
    if (head == ex::kHeadMax) return tr("max of heads");
    return tr("head %1").arg(head);
}

QString ExplainText::paneName(ex::CompareMode mode, int pane) {
    if (mode == ex::CompareMode::TwoModels) return pane == 0 ? tr("A") : tr("B");
    return pane == 0 ? tr("A1") : formula();
}

int ExplainText::shownLayer(const ex::ExplainResult& result) {
    if (result.request.layer >= 0) return result.request.layer;
    return result.panes.empty() ? 0 : std::max(0, result.panes.front().model.layers - 1);
}

QString ExplainText::paneTitle(const ex::ExplainResult& result, int pane) {
    if (pane < 0 || pane >= int(result.panes.size())) return {};
    const ex::ExplainRequest& r = result.request;
    const ex::PaneMaps& p = result.panes[size_t(pane)];
    // Which attention matrix: the same rule as the core (Explain.h, Component::Auto).
    QString matrix;
    if (r.mode == ex::CompareMode::A1VsDifference) matrix = pane == 0 ? tr("A1") : formula();
    else matrix = p.model.differential ? formula() : tr("A");
    const int layer = r.layer >= 0 ? r.layer : std::max(0, p.model.layers - 1);
    QString title;
    switch (r.method) {
    case ex::MapMethod::Attention:
        //: %1 the attention matrix (A1, A1 − λA2 or A), %2 the block, %3 the heads
        title = tr("%1, block %2, %3").arg(matrix).arg(layer).arg(headName(r.head));
        break;
    case ex::MapMethod::Rollout:
        if (r.absoluteRollout && matrix == formula()) matrix = QStringLiteral("|%1|").arg(matrix);
        //: %1 the attention matrix, %2 the last block rolled out, %3 the heads
        title = tr("rollout of %1 to block %2, %3").arg(matrix).arg(layer).arg(headName(r.head));
        break;
    case ex::MapMethod::Similarity: title = tr("patch similarity to the query"); break;
    case ex::MapMethod::Gradient: title = tr("gradient × input at block %1").arg(layer); break;
    }
    if (r.mode == ex::CompareMode::TwoModels)
        //: %1 the model's short name, %2 the map
        title = (pane == 0 ? tr("A · %1: %2") : tr("B · %1: %2")).arg(modelName(QString::fromStdString(p.model.spec)), title);
    return title;
}

QString ExplainText::caption(const ex::ExplainResult& result) {
    const ex::ExplainRequest& r = result.request;
    const QString low = QString::number(result.scale.low, 'g', 3), high = QString::number(result.scale.high, 'g', 3);
    QString text = result.scale.diverging
                       //: %1 the method, %2 and %3 the scale's lowest and highest value
                       ? tr("%1; diverging scale %2 to %3, shared by both panes").arg(methodName(r.method), low, high)
                       : tr("%1; sequential scale %2 to %3, shared by both panes").arg(methodName(r.method), low, high);
    if (result.scalePhotos == 1) text += tr(" of the 1 photo of the folder");
    else if (result.scalePhotos > 1) text += tr(" of all %n photos of the folder", nullptr, result.scalePhotos);
    const QString query = QString::fromStdString(r.query.value);
    if (r.query.kind == ex::ExplainQuery::Kind::Text) text += tr("; query: “%1”").arg(query);
    else if (r.query.kind == ex::ExplainQuery::Kind::Photo) text += tr("; query: %1").arg(QFileInfo(query).fileName());
    return text;
}

}  // namespace diffclip::ui
