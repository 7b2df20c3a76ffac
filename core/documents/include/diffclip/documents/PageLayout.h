#pragma once
// What a document page holds, as plain values (no poppler, no qpdf, no Qt), and the layout steps
// that turn words into lines, chunks and captions. PdfDocument fills these; the library, search and
// the viewer use them without knowing where they came from.
//
// Page space: points (1/72 inch), origin at the top-left corner of the page as a reader shows it
// (the crop box, with the page's /Rotate applied), x to the right, y down. Word boxes, figure boxes
// and renderings all use it, so a box drawn on a rendering at D dpi is the box times D/72.
//
// Threading: free functions without shared state; safe from any thread at once.

#include <cstdint>
#include <string>
#include <vector>

namespace diffclip {

/// An axis-aligned rectangle in page space (points, y down). Empty when x1 <= x0 or y1 <= y0.
struct PageBox {
    double x0 = 0;  // left
    double y0 = 0;  // top
    double x1 = 0;  // right
    double y1 = 0;  // bottom

    double width() const { return x1 - x0; }
    double height() const { return y1 - y0; }
    bool empty() const { return !(x1 > x0 && y1 > y0); }
    double area() const { return empty() ? 0.0 : width() * height(); }
    PageBox intersected(const PageBox& o) const;
    PageBox united(const PageBox& o) const;  // the bounding box of both (an empty box is ignored)
};

/// One word as the PDF's text layer has it (poppler's text box: roughly a word; Japanese text without
/// spaces comes as runs of characters between spaces or font changes).
struct PageWord {
    std::string text;         // UTF-8, never empty
    PageBox box;              // page space
    bool spaceAfter = false;  // the PDF puts a space (or a gap as wide as one) after this word
};

/// Words that share a baseline, in reading order.
struct PageLine {
    PageBox box;         // union of its words' boxes
    int firstWord = 0;   // index into PageContent::words
    int wordCount = 0;   // >= 1
    std::string text;    // words joined: a space where PageWord::spaceAfter says so, else nothing
};

/// A block of consecutive lines: a paragraph, a caption, a heading, a table cell. The unit that gets a
/// text embedding (English) and keyword search (every language) later.
struct PageChunk {
    PageBox box;          // union of its lines' boxes
    int firstLine = 0;    // index into PageContent::lines
    int lineCount = 0;    // >= 1
    std::string text;     // lines joined by one space, or by nothing between two CJK characters
    bool hasCjk = false;  // contains Han, kana, Hangul or full-width forms: searched by keywords only
                          // (CLIP's vocabulary is English; docs/DOCUMENTS.md)
    int figure = -1;      // the figure this chunk is the caption of (index into PageContent::figures), or -1
};

/// How a figure was drawn in the page's content stream.
enum class FigureSource {
    ImageXObject,  // `/Name Do` of an image XObject, on the page or inside form XObjects
    InlineImage,   // `BI ... ID ... EI` in the content stream
};

/// An image placed on the page: where a reader sees it.
struct PageFigure {
    PageBox box;               // page space: the placed image's bounding box, clipped to the page and to
                               // rectangular clips (a rotated or sheared image gets its bounding box)
    int imageWidth = 0;        // pixels of the image as stored in the PDF (0 when unknown)
    int imageHeight = 0;
    FigureSource source = FigureSource::ImageXObject;
    bool imageMask = false;    // a 1-bit stencil painted in the fill colour (line art, logos)
    int formDepth = 0;         // how many form XObjects deep it was drawn (0: the page itself)
    int caption = -1;          // the chunk that is its caption (index into PageContent::chunks), or -1
};

/// Layout thresholds, in points or as fractions of a line's height. Defaults suit body text of
/// 8-14 pt; see docs/DOCUMENTS.md for why each is what it is.
struct LayoutOptions {
    double sameLineOverlap = 0.5;   // two words share a line when their vertical overlap is at least this
                                    // fraction of the smaller height
    double maxWordGap = 3.0;        // ... and the gap between them is at most this many line heights
    double maxLineGap = 0.7;        // a line continues a chunk when the gap above it is at most this many
                                    // line heights (of the taller line)
    double maxHeightRatio = 1.5;    // ... and the taller line is at most this many times the shorter
    double captionGap = 1.5;        // a caption is at most this many line heights (at least minCaptionGap)
    double minCaptionGap = 12.0;    //   below or above its figure
    int maxCaptionLinesAbove = 3;   // a chunk above a figure without a caption label has at most this many lines
};

/// Groups words (in the PDF's reading order) into lines: a word starts a new line when it does not
/// overlap the current line vertically enough, lies to the left of the previous word, or is further
/// from it than LayoutOptions::maxWordGap line heights.
std::vector<PageLine> groupLines(const std::vector<PageWord>& words, const LayoutOptions& options = {});

/// Groups consecutive lines into chunks: a line joins the chunk above it when the vertical gap is small,
/// the heights are similar, the two overlap horizontally and no figure lies between them.
std::vector<PageChunk> groupChunks(const std::vector<PageLine>& lines, const std::vector<PageFigure>& figures,
                                   const LayoutOptions& options = {});

/// Links each figure to at most one caption chunk and back (PageFigure::caption, PageChunk::figure).
/// Candidates overlap the figure horizontally by at least half the narrower of the two and lie within
/// the caption gap below or above it. A chunk that starts with a caption label ("Figure", "Fig.",
/// "Photo", "Table", "図", "写真", "表", ...) wins; otherwise the nearest chunk below, then the nearest
/// above (at most maxCaptionLinesAbove lines). Pairs are taken nearest first, each chunk at most once.
void linkCaptions(std::vector<PageChunk>& chunks, std::vector<PageFigure>& figures, const LayoutOptions& options = {});

/// Turns the images a content stream placed into the page's figures: boxes clipped to the page
/// (pageWidth x pageHeight points); those narrower or lower than `minSide` points dropped (bullets,
/// rules, icons); strips that share both edges and touch (images cut into bands) merged into one;
/// near-duplicates (overlap >= 90% of the union) kept once, the one with more pixels; sorted top to
/// bottom (in 4-point bands), then left to right; at most `maxCount` kept.
std::vector<PageFigure> tidyFigures(std::vector<PageFigure> figures, double pageWidth, double pageHeight,
                                    double minSide, int maxCount);

/// True when the UTF-8 text holds a CJK character (Han, kana, Hangul, CJK punctuation, full-width forms).
bool containsCjk(const std::string& utf8);

/// True when the chunk text starts with a caption label (see linkCaptions).
bool startsWithCaptionLabel(const std::string& utf8);

}  // namespace diffclip
