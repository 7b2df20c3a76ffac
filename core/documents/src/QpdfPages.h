#pragma once
// The libqpdf side of PdfDocument: the page list (our own walk of the page tree, bounded), JavaScript
// detection, and the figure walk over content streams. Private to diffclip_documents.

#include <memory>
#include <string>
#include <vector>

#include "diffclip/documents/PageLayout.h"
#include "diffclip/documents/PdfDocument.h"

namespace diffclip::detail {

/// Maps default user space (PDF units, y up) to page space (points, top-left origin, /Rotate applied).
struct UserToPage {
    double cropX0 = 0, cropY0 = 0, cropX1 = 0, cropY1 = 0;  // the crop box in user space, normalised
    int rotation = 0;                                       // 0, 90, 180, 270 clockwise

    void map(double x, double y, double& px, double& py) const;
    /// The page-space bounding box of a user-space box.
    PageBox mapBox(double x0, double y0, double x1, double y1) const;
};

class QpdfPages {
public:
    /// Opens with qpdf (warnings suppressed and collected). On failure returns null and sets `error`.
    /// `bytes`/`size` must outlive the object when given; otherwise `path` is read.
    static std::unique_ptr<QpdfPages> open(const std::string& path, const char* bytes, size_t size,
                                           std::string& error);
    ~QpdfPages();

    /// What qpdf said while opening; `repaired` when it rebuilt the cross-reference table.
    const std::vector<std::string>& openWarnings() const { return m_openWarnings; }
    bool repaired() const { return m_repaired; }
    bool hasJavaScript();

    /// The leaves of the page tree in order, walked iteratively (depth <= 64, loops skipped), at most
    /// `maxPages + 1` entries. Built on first use.
    int pageCount(int maxPages);

    /// The figures of page `index` (which must be < pageCount()) in page space, before filtering by
    /// size; warnings appended.
    std::vector<PageFigure> findFigures(int index, const UserToPage& map, const PdfLimits& limits,
                                        std::vector<std::string>& warnings);

private:
    QpdfPages();
    struct State;
    std::unique_ptr<State> m;
    std::vector<std::string> m_openWarnings;
    bool m_repaired = false;
};

}  // namespace diffclip::detail
