#pragma once
// Manual labels of the Library page as undo steps: a LabelChange sets (or clears) the manual
// label of some photos, and its undo restores exactly the manual labels they had before.
// applyLabelChange() runs on LibraryAccess's worker; LabelCommand lives on the GUI thread.

#include <QUndoCommand>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "diffclip/library/Library.h"

namespace diffclip::ui {

/// One label change of one or more photos.
struct LabelChange {
    std::vector<int64_t> ids;
    std::string label;  // empty: clear the manual label
    /// The manual labels before the change, read in the worker at the first redo, before
    /// anything is written; touched only on LibraryAccess's (serial) worker.
    std::vector<std::optional<std::string>> previous;
    bool previousKnown = false;
};

/// What a change left: the current label of each changed photo, and the library's classes.
struct LabelOutcome {
    std::vector<std::pair<int64_t, std::string>> current;
    std::vector<std::string> classes;
};

/// Applies `change` (or, with `undo`, restores the previous labels) in one transaction: all
/// photos of the step, or none. Worker thread.
diffclip::Result<LabelOutcome> applyLabelChange(diffclip::Library& library, LabelChange& change, bool undo);

/// The undo step; `apply(change, undo)` stores it (asynchronously). `text` names the step
/// (QUndoStack's undo/redo action texts).
class LabelCommand : public QUndoCommand {
public:
    using Apply = std::function<void(const std::shared_ptr<LabelChange>&, bool undo)>;
    LabelCommand(std::shared_ptr<LabelChange> change, Apply apply, const QString& text)
        : QUndoCommand(text), m_change(std::move(change)), m_apply(std::move(apply)) {}
    void redo() override { m_apply(m_change, false); }
    void undo() override { m_apply(m_change, true); }

private:
    std::shared_ptr<LabelChange> m_change;
    Apply m_apply;
};

}  // namespace diffclip::ui
