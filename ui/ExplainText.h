#pragma once
// The Explain page's words, built in the UI through tr() from the core's plain values. The
// core's own titles and captions are ASCII English for the command line's figures (OpenCV
// draws them); everything the desktop application shows or exports is made here, so it is
// translated and spells the formula one way: "A1 − λA2" (U+2212 minus, λ).
// Plain functions of their arguments: any thread, no state.

#include <QCoreApplication>
#include <QString>

namespace diffclip::explain {
struct ExplainResult;
enum class MapMethod;
enum class CompareMode;
}  // namespace diffclip::explain

namespace diffclip::ui {

class ExplainText {
    Q_DECLARE_TR_FUNCTIONS(ExplainText)

public:
    /// "A1 − λA2".
    static QString formula();
    /// A model's short name from its MODEL spec: a package's folder name for its
    /// model.safetensors ("diffclip-tiny-a"), "folder/checkpoint…" for a checkpoint, else the
    /// file name (or the spec itself, e.g. "preset:…").
    static QString modelName(const QString& spec);
    /// The method as the method chooser names it ("Similarity to query").
    static QString methodName(explain::MapMethod method);
    /// The comparison as the comparison chooser names it.
    static QString modeName(explain::CompareMode mode);
    /// kHeadMean, kHeadMax or a head index: "mean of heads", "max of heads", "head 3".
    static QString headName(int head);
    /// Short names of the panes for legends and charts: "A"/"B" or "A1"/"A1 − λA2".
    static QString paneName(explain::CompareMode mode, int pane);
    /// The title of pane 0 or 1 of `result`: what the map is, its block and heads, and in
    /// Mode::TwoModels which model ("A · diffclip-tiny-a: A1 − λA2, block 1, mean of heads").
    static QString paneTitle(const explain::ExplainResult& result, int pane);
    /// The block a result's maps were computed at (the last one when the request said -1).
    static int shownLayer(const explain::ExplainResult& result);
    /// The figure's caption: method, kind and range of the shared scale, what it spans, query.
    static QString caption(const explain::ExplainResult& result);
};

}  // namespace diffclip::ui
