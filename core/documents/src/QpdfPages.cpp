#include "QpdfPages.h"

#include <qpdf/Buffer.hh>
#include <qpdf/BufferInputSource.hh>
#include <qpdf/Pipeline.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFTokenizer.hh>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

namespace diffclip::detail {

namespace {

constexpr int kMaxTreeDepth = 64;       // page tree and /Parent chains; real files use 3-5 levels
constexpr size_t kMaxGraphicsStack = 1024;
constexpr size_t kMaxTokenBytes = 1u << 20;
constexpr int kMaxBadTokens = 10000;

void addWarning(std::vector<std::string>& warnings, std::string line) {
    if (warnings.size() < 50 && std::find(warnings.begin(), warnings.end(), line) == warnings.end())
        warnings.push_back(std::move(line));
}

std::string describe(const QPDFExc& e) {
    std::string s = e.getMessageDetail();
    if (e.getFilePosition() > 0) s += " (offset " + std::to_string(e.getFilePosition()) + ")";
    return s;
}

// PDF matrices [a b c d e f]: (x, y) -> (a x + c y + e, b x + d y + f).
struct Matrix {
    double a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;
    void apply(double x, double y, double& ox, double& oy) const {
        ox = a * x + c * y + e;
        oy = b * x + d * y + f;
    }
    // `m` applied first, then this: what `m cm` makes of the current matrix.
    Matrix after(const Matrix& m) const {
        return Matrix{m.a * a + m.b * c, m.a * b + m.b * d, m.c * a + m.d * c, m.c * b + m.d * d,
                      m.e * a + m.f * c + e, m.e * b + m.f * d + f};
    }
    bool finite() const {
        return std::isfinite(a) && std::isfinite(b) && std::isfinite(c) && std::isfinite(d) && std::isfinite(e) &&
               std::isfinite(f);
    }
};

// An axis-aligned box in default user space (y up); invalid until a point is added.
struct UBox {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    bool valid = false;
    void add(double x, double y) {
        if (!std::isfinite(x) || !std::isfinite(y)) return;
        if (!valid) { x0 = x1 = x; y0 = y1 = y; valid = true; return; }
        x0 = std::min(x0, x); x1 = std::max(x1, x);
        y0 = std::min(y0, y); y1 = std::max(y1, y);
    }
    UBox intersected(const UBox& o) const {
        if (!valid || !o.valid) return UBox{};
        UBox r{std::max(x0, o.x0), std::max(y0, o.y0), std::min(x1, o.x1), std::min(y1, o.y1), true};
        if (r.x1 <= r.x0 || r.y1 <= r.y0) r.valid = false;
        return r;
    }
};

UBox transformed(const Matrix& m, double x0, double y0, double x1, double y1) {
    UBox b;
    double x = 0, y = 0;
    m.apply(x0, y0, x, y); b.add(x, y);
    m.apply(x1, y0, x, y); b.add(x, y);
    m.apply(x0, y1, x, y); b.add(x, y);
    m.apply(x1, y1, x, y); b.add(x, y);
    return b;
}

bool readNumbers(QPDFObjectHandle array, double* out, int n) {
    if (!array.isArray() || array.getArrayNItems() != n) return false;
    for (int i = 0; i < n; ++i) {
        QPDFObjectHandle item = array.getArrayItem(i);
        if (!item.isNumber()) return false;
        out[i] = item.getNumericValue();
        if (!std::isfinite(out[i])) return false;
    }
    return true;
}

int intKey(QPDFObjectHandle dict, const char* key) {
    if (!dict.isDictionary()) return 0;
    QPDFObjectHandle v = dict.getKey(key);
    if (!v.isInteger()) return 0;
    const long long n = v.getIntValue();
    return n > 0 && n <= (1 << 30) ? int(n) : 0;
}

// Collects decoded stream bytes up to a budget; past it, stops qpdf's decoder by throwing (qpdf
// catches it, reports the stream as not decoded, and we keep what came before).
class LimitedSink : public Pipeline {
public:
    LimitedSink(std::string& out, uint64_t& budget) : Pipeline("diffclip content", nullptr), m_out(out), m_budget(budget) {}
    void write(unsigned char const* data, size_t len) override {
        if (len > m_budget) {
            m_overflow = true;
            throw std::length_error("decoded content over the limit");
        }
        m_out.append(reinterpret_cast<const char*>(data), len);
        m_budget -= len;
    }
    void finish() override {}
    bool overflow() const { return m_overflow; }

private:
    std::string& m_out;
    uint64_t& m_budget;
    bool m_overflow = false;
};

struct RawFigure {
    UBox box;
    int imageWidth = 0;
    int imageHeight = 0;
    FigureSource source = FigureSource::ImageXObject;
    bool imageMask = false;
    int formDepth = 0;
};

// Walks content streams the way a renderer places things, but only tracks what a figure's box needs:
// the current transformation matrix (q, Q, cm), rectangular clips (the bounding box of a clipping path),
// image XObjects (Do), inline images (BI/ID/EI) and form XObjects (Do, recursively, bounded).
class Walker {
public:
    Walker(const PdfLimits& limits, std::vector<std::string>& warnings)
        : m_limits(limits), m_warnings(warnings), m_bytesLeft(limits.maxContentBytes),
          m_tokensLeft(limits.maxContentTokens) {}

    std::vector<RawFigure> figures;

    // Decodes a stream (or an array of streams) into `out` within the byte budget.
    bool decode(QPDFObjectHandle streamOrArray, std::string& out, const char* what) {
        std::vector<QPDFObjectHandle> streams;
        if (streamOrArray.isStream()) {
            streams.push_back(streamOrArray);
        } else if (streamOrArray.isArray()) {
            const int n = std::min(streamOrArray.getArrayNItems(), 10000);
            for (int i = 0; i < n; ++i) {
                QPDFObjectHandle s = streamOrArray.getArrayItem(i);
                if (s.isStream()) streams.push_back(s);
            }
        }
        bool allOk = true;
        for (auto& s : streams) {
            LimitedSink sink(out, m_bytesLeft);
            bool ok = false;
            try {
                bool filtered = false;
                ok = s.pipeStreamData(&sink, &filtered, 0, qpdf_dl_generalized, true, false);
            } catch (const std::exception&) {
                ok = false;
            }
            if (sink.overflow()) {
                addWarning(m_warnings, std::string("figures: decoded ") + what + " over the limit of " +
                                           std::to_string(m_limits.maxContentBytes >> 20) + " MiB; the rest not searched");
                m_stopped = true;
                return false;
            }
            if (!ok) {
                addWarning(m_warnings, std::string("figures: a ") + what + " could not be decoded; read what was there");
                allOk = false;
            }
            out += '\n';  // streams of one page are concatenated with white space between them
        }
        return allOk;
    }

    void run(const std::string& content, QPDFObjectHandle resources, const Matrix& ctm0, const UBox& clip0, int depth) {
        if (m_stopped || content.empty()) return;
        // The buffer only borrows `content`, which outlives this call.
        Buffer buffer(reinterpret_cast<unsigned char*>(const_cast<char*>(content.data())), content.size());
        auto input = std::make_shared<BufferInputSource>("content", &buffer, false);
        QPDFTokenizer tokenizer;
        tokenizer.allowEOF();

        struct GState { Matrix ctm; UBox clip; };
        GState gs{ctm0, clip0};
        std::vector<GState> stack;
        size_t droppedPushes = 0;
        double nums[6] = {0, 0, 0, 0, 0, 0};
        int numCount = 0;  // numbers since the last operator (only the last six are kept)
        std::string lastName;
        UBox path;
        bool pendingClip = false;
        int badTokens = 0;
        // Inline image dictionary state (between BI and ID).
        bool inInline = false;
        bool expectKey = true;
        int arrayDepth = 0;
        std::string inlineKey;
        int inlineW = 0, inlineH = 0;
        bool inlineMask = false;

        while (!m_stopped) {
            if (m_tokensLeft == 0) {
                addWarning(m_warnings, "figures: more than " + std::to_string(m_limits.maxContentTokens) +
                                           " content tokens on this page; the rest not searched");
                m_stopped = true;
                break;
            }
            --m_tokensLeft;
            QPDFTokenizer::Token t = tokenizer.readToken(input, "content", true, kMaxTokenBytes);
            const auto type = t.getType();
            if (type == QPDFTokenizer::tt_eof) break;
            if (type == QPDFTokenizer::tt_bad) {
                if (++badTokens > kMaxBadTokens) {
                    addWarning(m_warnings, "figures: content stream too damaged to read further");
                    break;
                }
                if (static_cast<size_t>(input->tell()) >= content.size()) break;
                numCount = 0;
                continue;
            }
            if (inInline) {
                switch (type) {
                case QPDFTokenizer::tt_array_open: ++arrayDepth; continue;
                case QPDFTokenizer::tt_array_close:
                    if (arrayDepth > 0 && --arrayDepth == 0) expectKey = true;
                    continue;
                case QPDFTokenizer::tt_name:
                    if (arrayDepth > 0) continue;
                    if (expectKey) { inlineKey = t.getValue(); expectKey = false; }
                    else expectKey = true;
                    continue;
                case QPDFTokenizer::tt_integer:
                case QPDFTokenizer::tt_real: {
                    if (arrayDepth > 0) continue;
                    const double v = std::strtod(t.getValue().c_str(), nullptr);
                    const int iv = std::isfinite(v) && v > 0 && v < double(1 << 30) ? int(v) : 0;
                    if (inlineKey == "/W" || inlineKey == "/Width") inlineW = iv;
                    if (inlineKey == "/H" || inlineKey == "/Height") inlineH = iv;
                    expectKey = true;
                    continue;
                }
                case QPDFTokenizer::tt_bool:
                    if (arrayDepth == 0 && (inlineKey == "/IM" || inlineKey == "/ImageMask")) inlineMask = t.getValue() == "true";
                    if (arrayDepth == 0) expectKey = true;
                    continue;
                case QPDFTokenizer::tt_word:
                    if (t.getValue() != "ID") { if (arrayDepth == 0) expectKey = true; continue; }
                    break;
                default:
                    if (arrayDepth == 0) expectKey = true;
                    continue;
                }
                // "ID": one white-space byte, then the image data up to EI.
                char ch = 0;
                input->read(&ch, 1);
                tokenizer.expectInlineImage(input);
                QPDFTokenizer::Token data = tokenizer.readToken(input, "inline image", true, 0);
                inInline = false;
                if (data.getType() != QPDFTokenizer::tt_inline_image) {
                    addWarning(m_warnings, "figures: an inline image has no end (EI)");
                    break;
                }
                addFigure(transformed(gs.ctm, 0, 0, 1, 1).intersected(gs.clip), inlineW, inlineH,
                          FigureSource::InlineImage, inlineMask, depth);
                numCount = 0;
                continue;
            }
            switch (type) {
            case QPDFTokenizer::tt_integer:
            case QPDFTokenizer::tt_real: {
                const double v = std::strtod(t.getValue().c_str(), nullptr);
                nums[size_t(numCount % 6)] = std::isfinite(v) ? v : 0.0;
                ++numCount;
                continue;
            }
            case QPDFTokenizer::tt_name:
                lastName = t.getValue();
                continue;
            case QPDFTokenizer::tt_word:
                break;
            default:
                continue;  // strings, arrays, dictionaries, booleans: operands we do not use
            }
            const std::string& op = t.getValue();
            const int n = numCount;
            numCount = 0;
            // The i-th of the last `count` numbers before the operator (the caller checks n >= count).
            auto arg = [&](int count, int i) { return nums[size_t((n - count + i) % 6)]; };
            if (op == "q") {
                if (stack.size() < kMaxGraphicsStack) stack.push_back(gs);
                else ++droppedPushes;
            } else if (op == "Q") {
                if (droppedPushes > 0) --droppedPushes;
                else if (!stack.empty()) { gs = stack.back(); stack.pop_back(); }
            } else if (op == "cm") {
                if (n < 6) continue;
                Matrix m{arg(6, 0), arg(6, 1), arg(6, 2), arg(6, 3), arg(6, 4), arg(6, 5)};
                Matrix next = gs.ctm.after(m);
                if (next.finite()) gs.ctm = next;
            } else if (op == "m" || op == "l") {
                if (n < 2) continue;
                addPoint(path, gs.ctm, arg(2, 0), arg(2, 1));
            } else if (op == "c") {
                if (n < 6) continue;
                for (int i = 0; i < 6; i += 2) addPoint(path, gs.ctm, arg(6, i), arg(6, i + 1));
            } else if (op == "v" || op == "y") {
                if (n < 4) continue;
                for (int i = 0; i < 4; i += 2) addPoint(path, gs.ctm, arg(4, i), arg(4, i + 1));
            } else if (op == "re") {
                if (n < 4) continue;
                const double x = arg(4, 0), y = arg(4, 1), w = arg(4, 2), h = arg(4, 3);
                addPoint(path, gs.ctm, x, y);
                addPoint(path, gs.ctm, x + w, y);
                addPoint(path, gs.ctm, x, y + h);
                addPoint(path, gs.ctm, x + w, y + h);
            } else if (op == "W" || op == "W*") {
                pendingClip = true;
            } else if (op == "n" || op == "f" || op == "F" || op == "f*" || op == "S" || op == "s" || op == "B" ||
                       op == "B*" || op == "b" || op == "b*") {
                if (pendingClip) {
                    gs.clip = path.valid ? gs.clip.intersected(path) : UBox{};
                    pendingClip = false;
                }
                path = UBox{};
            } else if (op == "Do") {
                doXObject(resources, lastName, gs.ctm, gs.clip, depth);
            } else if (op == "BI") {
                inInline = true;
                expectKey = true;
                arrayDepth = 0;
                inlineKey.clear();
                inlineW = inlineH = 0;
                inlineMask = false;
            }
        }
    }

    bool stopped() const { return m_stopped; }

private:
    static void addPoint(UBox& path, const Matrix& ctm, double x, double y) {
        double px = 0, py = 0;
        ctm.apply(x, y, px, py);
        path.add(px, py);
    }

    void addFigure(const UBox& box, int w, int h, FigureSource source, bool mask, int depth) {
        if (!box.valid) return;
        if (figures.size() >= size_t(m_limits.maxFiguresPerPage) * 4 + 64) {  // before merging duplicates
            if (!m_figureOverflow)
                addWarning(m_warnings, "figures: more than " + std::to_string(m_limits.maxFiguresPerPage) +
                                           " images on this page; the rest not listed");
            m_figureOverflow = true;
            return;
        }
        figures.push_back(RawFigure{box, w, h, source, mask, depth});
    }

    void doXObject(QPDFObjectHandle resources, const std::string& name, const Matrix& ctm, const UBox& clip, int depth) {
        if (name.empty() || !resources.isDictionary()) return;
        QPDFObjectHandle xobjects = resources.getKey("/XObject");
        if (!xobjects.isDictionary()) return;
        QPDFObjectHandle x = xobjects.getKey(name);
        if (!x.isStream()) return;
        QPDFObjectHandle dict = x.getDict();
        QPDFObjectHandle subtype = dict.getKey("/Subtype");
        if (!subtype.isName()) return;
        if (subtype.getName() == "/Image") {
            QPDFObjectHandle mask = dict.getKey("/ImageMask");
            addFigure(transformed(ctm, 0, 0, 1, 1).intersected(clip), intKey(dict, "/Width"), intKey(dict, "/Height"),
                      FigureSource::ImageXObject, mask.isBool() && mask.getBoolValue(), depth);
            return;
        }
        if (subtype.getName() != "/Form") return;
        if (depth + 1 > m_limits.maxFormDepth) {
            addWarning(m_warnings, "figures: form XObjects nested deeper than " + std::to_string(m_limits.maxFormDepth) +
                                       " levels not searched");
            return;
        }
        double mv[6] = {1, 0, 0, 1, 0, 0};
        Matrix formCtm = ctm;
        if (readNumbers(dict.getKey("/Matrix"), mv, 6)) {
            Matrix next = ctm.after(Matrix{mv[0], mv[1], mv[2], mv[3], mv[4], mv[5]});
            if (next.finite()) formCtm = next;
        }
        UBox formClip = clip;
        double bb[4];
        if (readNumbers(dict.getKey("/BBox"), bb, 4))
            formClip = clip.intersected(transformed(formCtm, std::min(bb[0], bb[2]), std::min(bb[1], bb[3]),
                                                    std::max(bb[0], bb[2]), std::max(bb[1], bb[3])));
        if (!formClip.valid) return;
        QPDFObjectHandle formResources = dict.getKey("/Resources");
        if (!formResources.isDictionary()) formResources = resources;  // old files let forms inherit
        const QPDFObjGen key = x.getObjGen();
        auto it = m_forms.find(key);
        if (it == m_forms.end()) {
            std::string content;
            decode(x, content, "form XObject");
            it = m_forms.emplace(key, std::move(content)).first;
        }
        run(it->second, formResources, formCtm, formClip, depth + 1);
    }

    const PdfLimits& m_limits;
    std::vector<std::string>& m_warnings;
    uint64_t m_bytesLeft;
    uint64_t m_tokensLeft;
    bool m_stopped = false;
    bool m_figureOverflow = false;
    std::map<QPDFObjGen, std::string> m_forms;  // decoded once per page, however often drawn
};

}  // namespace

void UserToPage::map(double x, double y, double& px, double& py) const {
    switch (rotation) {
    case 90: px = y - cropY0; py = x - cropX0; break;
    case 180: px = cropX1 - x; py = y - cropY0; break;
    case 270: px = cropY1 - y; py = cropX1 - x; break;
    default: px = x - cropX0; py = cropY1 - y; break;
    }
}

PageBox UserToPage::mapBox(double x0, double y0, double x1, double y1) const {
    double ax = 0, ay = 0, bx = 0, by = 0;
    map(x0, y0, ax, ay);
    map(x1, y1, bx, by);
    return PageBox{std::min(ax, bx), std::min(ay, by), std::max(ax, bx), std::max(ay, by)};
}

struct QpdfPages::State {
    QPDF qpdf;
    std::vector<QPDFObjectHandle> pages;
    bool walked = false;
};

QpdfPages::QpdfPages() : m(std::make_unique<State>()) {}
QpdfPages::~QpdfPages() = default;

std::unique_ptr<QpdfPages> QpdfPages::open(const std::string& path, const char* bytes, size_t size, std::string& error) {
    std::unique_ptr<QpdfPages> p(new QpdfPages());
    try {
        p->m->qpdf.setSuppressWarnings(true);
        p->m->qpdf.setAttemptRecovery(true);
        if (bytes) p->m->qpdf.processMemoryFile("document", bytes, size);
        else p->m->qpdf.processFile(path.c_str());
        for (const QPDFExc& w : p->m->qpdf.getWarnings()) {
            const std::string line = describe(w);
            if (line.find("reconstruct") != std::string::npos || line.find("damaged") != std::string::npos ||
                line.find("xref") != std::string::npos)
                p->m_repaired = true;
            addWarning(p->m_openWarnings, "qpdf: " + line);
        }
        // The catalog must be there for anything else to work.
        if (!p->m->qpdf.getRoot().isDictionary()) {
            error = "no document catalog";
            return nullptr;
        }
    } catch (const QPDFExc& e) {
        error = describe(e);
        return nullptr;
    } catch (const std::exception& e) {
        error = e.what();
        return nullptr;
    }
    return p;
}

bool QpdfPages::hasJavaScript() {
    try {
        QPDFObjectHandle root = m->qpdf.getRoot();
        auto isJs = [](QPDFObjectHandle action) {
            if (!action.isDictionary()) return false;
            QPDFObjectHandle s = action.getKey("/S");
            return (s.isName() && s.getName() == "/JavaScript") || action.hasKey("/JS");
        };
        if (isJs(root.getKey("/OpenAction"))) return true;
        QPDFObjectHandle aa = root.getKey("/AA");
        if (aa.isDictionary()) {
            for (const auto& key : aa.getKeys())
                if (isJs(aa.getKey(key))) return true;
        }
        QPDFObjectHandle names = root.getKey("/Names");
        if (names.isDictionary() && names.hasKey("/JavaScript")) return true;
    } catch (const std::exception&) {
    }
    return false;
}

int QpdfPages::pageCount(int maxPages) {
    if (m->walked) return int(m->pages.size());
    m->walked = true;
    try {
        QPDFObjectHandle root = m->qpdf.getRoot().getKey("/Pages");
        std::vector<std::pair<QPDFObjectHandle, int>> stack{{root, 0}};
        std::set<QPDFObjGen> seen;
        size_t nodes = 0;
        const size_t maxNodes = size_t(maxPages) * 4 + 1000;
        while (!stack.empty() && m->pages.size() <= size_t(maxPages) && ++nodes <= maxNodes) {
            auto [node, depth] = stack.back();
            stack.pop_back();
            if (!node.isDictionary()) continue;
            if (node.isIndirect() && !seen.insert(node.getObjGen()).second) continue;  // a loop
            if (node.hasKey("/Kids")) {
                QPDFObjectHandle kids = node.getKey("/Kids");
                if (!kids.isArray() || depth >= kMaxTreeDepth) continue;
                const int n = std::min(kids.getArrayNItems(), int(maxNodes));
                for (int i = n - 1; i >= 0; --i) stack.emplace_back(kids.getArrayItem(i), depth + 1);
            } else if (depth > 0) {
                m->pages.push_back(node);
            }
        }
        m->qpdf.getWarnings();  // drop what the walk said; poppler's view of the tree is the one reported
    } catch (const std::exception&) {
        m->pages.clear();
    }
    return int(m->pages.size());
}

std::vector<PageFigure> QpdfPages::findFigures(int index, const UserToPage& map, const PdfLimits& limits,
                                               std::vector<std::string>& warnings) {
    std::vector<PageFigure> out;
    if (index < 0 || size_t(index) >= m->pages.size()) return out;
    try {
        QPDFObjectHandle page = m->pages[size_t(index)];
        // /Resources is inherited from the page tree when the page has none.
        QPDFObjectHandle resources = page.getKey("/Resources");
        QPDFObjectHandle node = page;
        for (int i = 0; i < kMaxTreeDepth && !resources.isDictionary(); ++i) {
            node = node.getKey("/Parent");
            if (!node.isDictionary()) break;
            resources = node.getKey("/Resources");
        }
        Walker walker(limits, warnings);
        std::string content;
        walker.decode(page.getKey("/Contents"), content, "page content stream");
        UBox crop;
        crop.add(map.cropX0, map.cropY0);
        crop.add(map.cropX1, map.cropY1);
        walker.run(content, resources, Matrix{}, crop, 0);
        for (const RawFigure& f : walker.figures) {
            PageFigure pf;
            pf.box = map.mapBox(f.box.x0, f.box.y0, f.box.x1, f.box.y1);
            pf.imageWidth = f.imageWidth;
            pf.imageHeight = f.imageHeight;
            pf.source = f.source;
            pf.imageMask = f.imageMask;
            pf.formDepth = f.formDepth;
            out.push_back(pf);
        }
    } catch (const QPDFExc& e) {
        addWarning(warnings, "figures: " + describe(e));
    } catch (const std::exception& e) {
        addWarning(warnings, std::string("figures: ") + e.what());
    }
    for (const QPDFExc& w : m->qpdf.getWarnings()) addWarning(warnings, "qpdf: " + describe(w));
    return out;
}

}  // namespace diffclip::detail
