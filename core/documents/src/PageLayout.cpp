#include "diffclip/documents/PageLayout.h"

#include <algorithm>
#include <cmath>
#include <cctype>
#include <cstring>
#include <limits>
#include <tuple>

namespace diffclip {

PageBox PageBox::intersected(const PageBox& o) const {
    return PageBox{std::max(x0, o.x0), std::max(y0, o.y0), std::min(x1, o.x1), std::min(y1, o.y1)};
}

PageBox PageBox::united(const PageBox& o) const {
    if (empty()) return o;
    if (o.empty()) return *this;
    return PageBox{std::min(x0, o.x0), std::min(y0, o.y0), std::max(x1, o.x1), std::max(y1, o.y1)};
}

namespace {

double overlap(double a0, double a1, double b0, double b1) { return std::min(a1, b1) - std::max(a0, b0); }

// Decodes one UTF-8 code point at `i` (advancing it); invalid bytes come back as U+FFFD, one byte each.
char32_t nextCodePoint(const std::string& s, size_t& i) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = 0;
    char32_t cp = 0;
    if (c < 0x80) { ++i; return c; }
    if ((c & 0xE0) == 0xC0) { extra = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { extra = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { extra = 3; cp = c & 0x07; }
    else { ++i; return 0xFFFD; }
    if (i + size_t(extra) >= s.size()) { ++i; return 0xFFFD; }
    for (int k = 1; k <= extra; ++k) {
        const auto cc = static_cast<unsigned char>(s[i + size_t(k)]);
        if ((cc & 0xC0) != 0x80) { ++i; return 0xFFFD; }
        cp = (cp << 6) | (cc & 0x3F);
    }
    i += size_t(extra) + 1;
    return cp;
}

bool isCjk(char32_t c) {
    return (c >= 0x1100 && c <= 0x11FF) ||    // Hangul Jamo
           (c >= 0x2E80 && c <= 0x2FDF) ||    // CJK radicals, Kangxi
           (c >= 0x3000 && c <= 0x30FF) ||    // CJK symbols and punctuation, hiragana, katakana
           (c >= 0x3100 && c <= 0x31FF) ||    // bopomofo, Hangul compatibility, kanbun, katakana ext.
           (c >= 0x3400 && c <= 0x4DBF) ||    // CJK extension A
           (c >= 0x4E00 && c <= 0x9FFF) ||    // CJK unified ideographs
           (c >= 0xAC00 && c <= 0xD7AF) ||    // Hangul syllables
           (c >= 0xF900 && c <= 0xFAFF) ||    // CJK compatibility ideographs
           (c >= 0xFF00 && c <= 0xFFEF) ||    // half-width and full-width forms
           (c >= 0x20000 && c <= 0x3FFFF);    // CJK extensions B and later
}

char32_t firstCodePoint(const std::string& s) {
    if (s.empty()) return 0;
    size_t i = 0;
    return nextCodePoint(s, i);
}

char32_t lastCodePoint(const std::string& s) {
    if (s.empty()) return 0;
    size_t start = s.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80 && s.size() - start < 4) --start;
    return nextCodePoint(s, start);
}

// The gap allowed between a figure and its caption, from the caption's mean line height.
double captionGapFor(const PageChunk& chunk, const LayoutOptions& o) {
    const double lineHeight = chunk.lineCount > 0 ? chunk.box.height() / chunk.lineCount : chunk.box.height();
    return std::max(o.minCaptionGap, o.captionGap * lineHeight);
}

}  // namespace

bool containsCjk(const std::string& utf8) {
    for (size_t i = 0; i < utf8.size();) {
        if (isCjk(nextCodePoint(utf8, i))) return true;
    }
    return false;
}

bool startsWithCaptionLabel(const std::string& utf8) {
    // Latin labels need a word boundary after them ("Figure 2", "Fig.3"), not "Figures show".
    static const char* const latin[] = {"figure", "fig.", "fig", "photo", "image", "table", "plate", "exhibit"};
    std::string lower;
    for (size_t i = 0; i < utf8.size() && i < 16; ++i) lower += char(std::tolower(static_cast<unsigned char>(utf8[i])));
    for (const char* label : latin) {
        const size_t n = std::strlen(label);
        if (lower.compare(0, n, label) != 0) continue;
        if (lower.size() == n) return true;
        const char next = lower[n];
        if (label[n - 1] == '.' || next == ' ' || next == ':' || next == '.' || std::isdigit(static_cast<unsigned char>(next)))
            return true;
    }
    // Japanese and Chinese labels must be followed by a number (図1, 写真 2, 表３): 図面 (drawing) and
    // 表面 (surface) are ordinary words in a manual.
    static const char* const cjk[] = {"図", "写真", "表", "画像", "圖", "图"};
    for (const char* label : cjk) {
        const size_t n = std::strlen(label);
        if (utf8.compare(0, n, label) != 0) continue;
        size_t i = n;
        while (i < utf8.size() && utf8[i] == ' ') ++i;
        if (i >= utf8.size()) continue;
        const char32_t c = nextCodePoint(utf8, i);
        if ((c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19)) return true;  // ASCII or full-width digit
    }
    return false;
}

std::vector<PageLine> groupLines(const std::vector<PageWord>& words, const LayoutOptions& o) {
    std::vector<PageLine> lines;
    for (int i = 0; i < int(words.size()); ++i) {
        const PageWord& w = words[size_t(i)];
        bool join = false;
        if (!lines.empty()) {
            const PageLine& line = lines.back();
            const PageWord& prev = words[size_t(line.firstWord + line.wordCount - 1)];
            const double minH = std::min(w.box.height(), line.box.height());
            const double maxH = std::max(w.box.height(), line.box.height());
            const double vOverlap = overlap(w.box.y0, w.box.y1, line.box.y0, line.box.y1);
            const double gap = w.box.x0 - prev.box.x1;
            join = minH > 0 && vOverlap >= o.sameLineOverlap * minH && gap >= -0.5 * minH && gap <= o.maxWordGap * maxH;
        }
        if (join) {
            PageLine& line = lines.back();
            const PageWord& prev = words[size_t(line.firstWord + line.wordCount - 1)];
            if (prev.spaceAfter) line.text += ' ';
            line.text += w.text;
            line.box = line.box.united(w.box);
            ++line.wordCount;
        } else {
            lines.push_back(PageLine{w.box, i, 1, w.text});
        }
    }
    return lines;
}

std::vector<PageChunk> groupChunks(const std::vector<PageLine>& lines, const std::vector<PageFigure>& figures,
                                   const LayoutOptions& o) {
    std::vector<PageChunk> chunks;
    for (int i = 0; i < int(lines.size()); ++i) {
        const PageLine& line = lines[size_t(i)];
        bool join = false;
        if (!chunks.empty()) {
            const PageChunk& chunk = chunks.back();
            const PageLine& prev = lines[size_t(chunk.firstLine + chunk.lineCount - 1)];
            const double minH = std::min(line.box.height(), prev.box.height());
            const double maxH = std::max(line.box.height(), prev.box.height());
            const double gap = line.box.y0 - prev.box.y1;
            join = minH > 0 && maxH <= o.maxHeightRatio * minH && gap >= -0.5 * minH && gap <= o.maxLineGap * maxH &&
                   overlap(line.box.x0, line.box.x1, chunk.box.x0, chunk.box.x1) > 0;
            // A figure between the two lines separates them (a caption below, body text above).
            for (const PageFigure& f : figures) {
                if (!join) break;
                if (f.box.y0 >= prev.box.y1 - 0.5 * minH && f.box.y1 <= line.box.y0 + 0.5 * minH &&
                    overlap(f.box.x0, f.box.x1, chunk.box.x0, chunk.box.x1) > 0)
                    join = false;
            }
        }
        if (join) {
            PageChunk& chunk = chunks.back();
            // No space where a CJK line wraps into a CJK line: Japanese has none between words.
            if (!(isCjk(lastCodePoint(chunk.text)) && isCjk(firstCodePoint(line.text)))) chunk.text += ' ';
            chunk.text += line.text;
            chunk.box = chunk.box.united(line.box);
            ++chunk.lineCount;
        } else {
            chunks.push_back(PageChunk{line.box, i, 1, line.text, false, -1});
        }
    }
    for (PageChunk& c : chunks) c.hasCjk = containsCjk(c.text);
    return chunks;
}

void linkCaptions(std::vector<PageChunk>& chunks, std::vector<PageFigure>& figures, const LayoutOptions& o) {
    for (auto& c : chunks) c.figure = -1;
    for (auto& f : figures) f.caption = -1;
    // (rank, distance, figure, chunk): labelled chunks first (rank 0), then below (1), then above (2).
    std::vector<std::tuple<int, double, int, int>> pairs;
    for (int fi = 0; fi < int(figures.size()); ++fi) {
        const PageBox& f = figures[size_t(fi)].box;
        for (int ci = 0; ci < int(chunks.size()); ++ci) {
            const PageChunk& c = chunks[size_t(ci)];
            const double hOverlap = overlap(f.x0, f.x1, c.box.x0, c.box.x1);
            if (hOverlap < 0.5 * std::min(f.width(), c.box.width())) continue;
            const double maxGap = captionGapFor(c, o);
            const double below = c.box.y0 - f.y1;  // gap from the figure's bottom to the chunk's top
            const double above = f.y0 - c.box.y1;  // gap from the chunk's bottom to the figure's top
            const double slack = -2.0;             // touching or overlapping by a hair still counts
            const bool labelled = startsWithCaptionLabel(c.text);
            if (below >= slack && below <= maxGap) {
                pairs.emplace_back(labelled ? 0 : 1, std::max(0.0, below), fi, ci);
            } else if (above >= slack && above <= maxGap && (labelled || c.lineCount <= o.maxCaptionLinesAbove)) {
                pairs.emplace_back(labelled ? 0 : 2, std::max(0.0, above), fi, ci);
            }
        }
    }
    std::sort(pairs.begin(), pairs.end());
    for (const auto& [rank, distance, fi, ci] : pairs) {
        (void)rank;
        (void)distance;
        if (figures[size_t(fi)].caption >= 0 || chunks[size_t(ci)].figure >= 0) continue;
        figures[size_t(fi)].caption = ci;
        chunks[size_t(ci)].figure = fi;
    }
}

std::vector<PageFigure> tidyFigures(std::vector<PageFigure> figures, double pageWidth, double pageHeight,
                                    double minSide, int maxCount) {
    const PageBox page{0, 0, pageWidth, pageHeight};
    std::vector<PageFigure> kept;
    for (PageFigure& f : figures) {
        if (!std::isfinite(f.box.x0) || !std::isfinite(f.box.y0) || !std::isfinite(f.box.x1) || !std::isfinite(f.box.y1))
            continue;
        f.box = f.box.intersected(page);
        if (f.box.empty() || f.box.width() < minSide || f.box.height() < minSide) continue;
        kept.push_back(f);
    }
    // Bands: one pass down columns, one along rows, each after a sort, so that hostile pages with
    // thousands of images cost n log n.
    constexpr double tol = 1.0;
    auto mergePass = [&](bool vertical) {
        std::sort(kept.begin(), kept.end(), [vertical](const PageFigure& a, const PageFigure& b) {
            return vertical ? std::tie(a.box.x0, a.box.x1, a.box.y0) < std::tie(b.box.x0, b.box.x1, b.box.y0)
                            : std::tie(a.box.y0, a.box.y1, a.box.x0) < std::tie(b.box.y0, b.box.y1, b.box.x0);
        });
        std::vector<PageFigure> out;
        for (const PageFigure& f : kept) {
            if (!out.empty()) {
                PageFigure& a = out.back();
                const bool sameBand = vertical ? std::abs(a.box.x0 - f.box.x0) <= tol && std::abs(a.box.x1 - f.box.x1) <= tol
                                               : std::abs(a.box.y0 - f.box.y0) <= tol && std::abs(a.box.y1 - f.box.y1) <= tol;
                const double gap = vertical ? f.box.y0 - a.box.y1 : f.box.x0 - a.box.x1;
                if (sameBand && std::abs(gap) <= tol) {
                    if (vertical) {
                        a.imageWidth = std::max(a.imageWidth, f.imageWidth);
                        a.imageHeight += f.imageHeight;
                    } else {
                        a.imageHeight = std::max(a.imageHeight, f.imageHeight);
                        a.imageWidth += f.imageWidth;
                    }
                    a.box = a.box.united(f.box);
                    continue;
                }
            }
            out.push_back(f);
        }
        kept = std::move(out);
    };
    mergePass(true);
    mergePass(false);
    std::vector<PageFigure> unique;
    for (const PageFigure& f : kept) {
        bool duplicate = false;
        for (PageFigure& u : unique) {
            const double inter = f.box.intersected(u.box).area();
            const double uni = f.box.area() + u.box.area() - inter;
            if (uni > 0 && inter >= 0.9 * uni) {
                if (int64_t(f.imageWidth) * f.imageHeight > int64_t(u.imageWidth) * u.imageHeight) u = f;
                duplicate = true;
                break;
            }
        }
        if (!duplicate) unique.push_back(f);
    }
    std::stable_sort(unique.begin(), unique.end(), [](const PageFigure& a, const PageFigure& b) {
        const double ba = std::floor(a.box.y0 / 4.0), bb = std::floor(b.box.y0 / 4.0);
        return ba != bb ? ba < bb : a.box.x0 < b.box.x0;
    });
    if (maxCount >= 0 && unique.size() > size_t(maxCount)) unique.resize(size_t(maxCount));
    return unique;
}

}  // namespace diffclip
