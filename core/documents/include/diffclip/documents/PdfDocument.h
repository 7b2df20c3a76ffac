#pragma once
// A PDF file read into the document model of PageLayout.h: page sizes, renderings to RGB8, the text
// layer as words, lines and chunks, and the figures (placed images) with their boxes and captions.
// Plain C++17 over poppler's C++ library (text, rendering) and libqpdf (figure placement); neither
// appears in this header. docs/DOCUMENTS.md says what is read, how, and what is refused.
//
// Untrusted input: every PDF is parsed in-process by poppler and qpdf, which are maintained, fuzzed
// libraries but large ones. PdfLimits bounds what this code lets them do (file size, page count,
// rendered pixels, decoded content, form nesting); a hostile file gets an Error, never a crash of
// ours, a hang or an unbounded allocation of ours. JavaScript is never run (neither library has an
// engine); PdfInfo::hasJavaScript only says that the file carries some.
//
// Page by page: open() reads the cross-reference table, the catalog and the page count only; each
// page's content is read when asked for, so a caller reports progress per page, cancels between pages
// and resumes from a page number (a 2,000-page file costs nothing up front).
//
// Threading: a PdfDocument is used by one thread at a time (poppler's and qpdf's document objects are
// not thread-safe); different PdfDocuments may be used on different threads at once.
// Ownership: a PdfDocument owns its parsers and, for openMemory, the bytes; it is movable, not copyable.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "diffclip/base/Result.h"
#include "diffclip/documents/PageLayout.h"

namespace diffclip {

/// Bounds on what one document may cost. The defaults suit manuals and catalogues on a desktop.
struct PdfLimits {
    uint64_t maxFileBytes = 512ull << 20;        // larger files are refused (Unsupported) before parsing
    int maxPages = 10000;                        // documents with more pages are refused (Unsupported)
    uint64_t maxRenderPixels = 40'000'000;       // width*height of one rendering (page or region), checked
                                                 // before poppler allocates; see PdfRenderOptions::overLimit.
                                                 // Values above 400,000,000 are treated as 400,000,000.
    uint64_t maxContentBytes = 64ull << 20;      // decoded content stream bytes walked per page for figures
                                                 // (page streams and each form XObject once)
    uint64_t maxContentTokens = 4'000'000;       // content tokens walked per page for figures, forms included
    int maxFormDepth = 8;                        // form XObjects inside form XObjects, deeper ones are skipped
    int maxFiguresPerPage = 500;                 // further figures are dropped (with a warning)
    int maxWordsPerPage = 200'000;               // further words are dropped (with a warning)
    double minFigureSide = 24.0;                 // points; smaller placed images (bullets, rules, icons) are
                                                 // not figures
};

/// The document as a whole, known after open().
struct PdfInfo {
    int pageCount = 0;               // >= 1
    int versionMajor = 0;            // the header's version, e.g. 1.7
    int versionMinor = 0;
    std::string title;               // from the Info dictionary, UTF-8, possibly empty
    std::string author;
    std::string subject;
    std::string creator;
    std::string producer;
    bool encrypted = false;          // encrypted with an empty user password (read like any viewer does)
    bool permitsCopy = true;         // the author's "copy text" permission bit (advisory; reported, not enforced)
    bool hasJavaScript = false;      // the catalog has JavaScript (OpenAction, AA, Names): never run
    bool repaired = false;           // the cross-reference table was broken and rebuilt by scanning the file
    bool figuresAvailable = true;    // false when qpdf could not read the file: pages still have text and
                                     // renderings, but no figures (the reason is in warnings)
    std::vector<std::string> warnings;  // what the parsers said while opening (at most 50 lines)
};

/// A page's size in page space, cheap to get (no content is read).
struct PageSize {
    double width = 0;    // points, as displayed (after /Rotate); > 0
    double height = 0;
    int rotation = 0;    // the page's /Rotate: 0, 90, 180 or 270 (clockwise)
};

/// What readPage extracts.
struct PageReadOptions {
    bool text = true;             // words, lines, chunks
    bool figures = true;          // placed images (libqpdf content walk)
    LayoutOptions layout;
};

/// One page read: its text layer and figures, linked by captions.
struct PageContent {
    int index = 0;                     // 0-based page number
    PageSize size;
    std::vector<PageWord> words;       // reading order, as poppler gives it
    std::vector<PageLine> lines;
    std::vector<PageChunk> chunks;
    std::vector<PageFigure> figures;   // top to bottom, then left to right
    std::vector<std::string> warnings; // what the parsers said about this page (at most 50 lines): damaged
                                       // streams, missing fonts (text is still read; rendering substitutes)
};

/// What to do when a rendering would exceed PdfLimits::maxRenderPixels.
enum class OverLimit {
    CapScale,  // render at the highest resolution that fits; PageImage::capped says so (the default)
    Refuse,    // return an Unsupported error; nothing is allocated
};

struct PdfRenderOptions {
    double dpi = 150.0;                       // pixels per inch, > 0 and at most 2400
    OverLimit overLimit = OverLimit::CapScale;
};

/// A rendering: 8-bit RGB over white paper.
struct PageImage {
    int width = 0;                 // pixels
    int height = 0;
    std::vector<uint8_t> rgb;      // 3 bytes a pixel, row-major, no padding: width*height*3 bytes
    double dpi = 0;                // the resolution used (lower than asked for when capped)
    bool capped = false;           // the pixel limit lowered the resolution
    PageBox box;                   // the page-space area shown (the whole page, or the region asked for,
                                   // clamped to the page)
};

class PdfDocument {
public:
    /// Opens a file. Errors: NotFound; Io (a directory, unreadable); Format ("empty file", "not a PDF (no
    /// %PDF- header in the first 1024 bytes)", "damaged beyond repair: ...", "no pages"); Unsupported
    /// ("password-protected: ..." (see isPasswordProtected), "file is N MiB, over the limit of M MiB",
    /// "N pages, over the limit of M"). A broken cross-reference table is rebuilt by scanning the file
    /// (PdfInfo::repaired). `path` is UTF-8.
    static Result<PdfDocument> open(const std::string& path, const PdfLimits& limits = {});

    /// The same from bytes in memory (taken over by the document). Used by the fuzzer and for files
    /// that come from elsewhere than the file system.
    static Result<PdfDocument> openMemory(std::vector<char> bytes, const PdfLimits& limits = {});

    PdfDocument(PdfDocument&&) noexcept;
    PdfDocument& operator=(PdfDocument&&) noexcept;
    ~PdfDocument();

    const PdfInfo& info() const;
    int pageCount() const;
    const PdfLimits& limits() const;

    /// The page's size and rotation. Errors: InvalidArgument (index outside [0, pageCount)), Format (the
    /// page object cannot be read or its size is not a positive finite number of points).
    Result<PageSize> pageSize(int index);

    /// Reads one page's text and figures; touches no other page's content. Errors as pageSize. A damaged
    /// content stream is not an error: what could be read is returned, with warnings.
    Result<PageContent> readPage(int index, const PageReadOptions& options = {});

    /// Renders the whole page. The pixel count at the asked resolution is computed from the page size
    /// first; over PdfLimits::maxRenderPixels the page is rendered at the highest resolution that fits
    /// (OverLimit::CapScale) or refused (OverLimit::Refuse: Unsupported, "page N would be W x H pixels at
    /// D dpi, over the limit of P"). Errors also: InvalidArgument (index, dpi), Format, Internal (poppler
    /// returned no image).
    Result<PageImage> renderPage(int index, const PdfRenderOptions& options = {});

    /// Renders only `box` (page space, clamped to the page): a figure as a reader sees it, at any
    /// resolution, without rendering the rest of the page at that resolution. The pixel limit applies to
    /// the region. Errors as renderPage, and InvalidArgument for a box outside the page.
    Result<PageImage> renderRegion(int index, const PageBox& box, const PdfRenderOptions& options = {});

    struct Impl;  // defined in PdfDocument.cpp only

private:
    static Result<PdfDocument> openWith(const std::string& path, std::vector<char>* memory, const PdfLimits& limits);
    explicit PdfDocument(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

/// True for the error open() returns for a file that needs a password (its message starts with
/// "password-protected"), so that the UI can say so in its own words.
bool isPasswordProtected(const Error& error);

/// The pixels of `image` inside `box` (page space, clamped to the image): a figure cut out of a page
/// rendering. An empty result when the box misses the image.
PageImage cropImage(const PageImage& image, const PageBox& box);

}  // namespace diffclip
