#include "LabelCommand.h"

namespace diffclip::ui {

diffclip::Result<LabelOutcome> applyLabelChange(diffclip::Library& lib, LabelChange& change, bool undo) {
    auto tx = lib.begin();
    if (!tx) return tx.error();
    if (!change.previousKnown) {
        change.previous.clear();
        for (int64_t id : change.ids) {
            auto entries = lib.labelEntries(id);
            if (!entries) return entries.error();
            std::optional<std::string> manual;
            for (const auto& e : *entries)
                if (e.source == diffclip::LabelSource::Manual) manual = e.label;
            change.previous.push_back(manual);
        }
        change.previousKnown = true;
    }
    for (size_t i = 0; i < change.ids.size(); ++i) {
        const int64_t id = change.ids[i];
        const std::optional<std::string> target =
            undo ? change.previous[i]
                 : (change.label.empty() ? std::nullopt : std::optional<std::string>(change.label));
        diffclip::Status s = target ? lib.setLabel(id, *target, diffclip::LabelSource::Manual)
                                    : lib.clearLabel(id, diffclip::LabelSource::Manual);
        if (!s) return s.error();
    }
    diffclip::Status committed = tx->commit();
    if (!committed) return committed.error();
    LabelOutcome out;
    for (int64_t id : change.ids) {
        auto l = lib.label(id);
        if (!l) return l.error();
        out.current.emplace_back(id, *l);
    }
    auto classes = lib.labels();
    if (!classes) return classes.error();
    out.classes = std::move(classes).value();
    return out;
}

}  // namespace diffclip::ui
