#pragma once
// The Library page's "Failed files" tab: the files that were found but could not be added, with
// the reason of each (Library::failures()) in the user's language, from its code, and the core's
// English detail as the tooltip. Failures stored without a code show the English text. GUI thread only.

#include <QWidget>

#include <vector>

#include "diffclip/library/Library.h"

class QTreeWidget;

namespace diffclip::ui {

class FailedFilesView : public QWidget {
    Q_OBJECT

public:
    explicit FailedFilesView(QWidget* parent = nullptr);

    /// Lists `failures` (replacing the list before).
    void setFailures(const std::vector<diffclip::FailedFile>& failures);
    void clear();
    /// One row per file: column 0 the path, column 1 the reason.
    QTreeWidget* list() const { return m_list; }

private:
    QTreeWidget* m_list = nullptr;
};

}  // namespace diffclip::ui
