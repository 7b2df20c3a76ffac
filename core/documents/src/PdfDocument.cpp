#include "diffclip/documents/PdfDocument.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <new>
#include <system_error>

#include "QpdfPages.h"

namespace diffclip {

namespace {

constexpr size_t kMaxMessages = 50;
constexpr uint64_t kHardMaxPixels = 400'000'000;  // PdfLimits::maxRenderPixels is clamped to this
constexpr double kMaxDpi = 2400.0;
constexpr double kMaxPageSide = 1'000'000.0;      // points (353 m); poppler ignores UserUnit, so real
                                                  // pages are at most 14,400 points (200 inches)
constexpr int kMaxPixelSide = 1 << 20;

// poppler reports through one process-wide callback; each thread points it at its own list while it
// works, so that messages land with the document and page they concern and nothing goes to stderr.
thread_local std::vector<std::string>* t_messages = nullptr;

void collectPopplerMessage(const std::string& message, void*) {
    if (!t_messages || t_messages->size() >= kMaxMessages) return;
    std::string line = "poppler: " + message;
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
    if (std::find(t_messages->begin(), t_messages->end(), line) == t_messages->end()) t_messages->push_back(line);
}

class CollectMessages {
public:
    explicit CollectMessages(std::vector<std::string>& into) : m_previous(t_messages) {
        static std::once_flag once;
        std::call_once(once, [] { poppler::set_debug_error_function(collectPopplerMessage, nullptr); });
        t_messages = &into;
    }
    ~CollectMessages() { t_messages = m_previous; }
    CollectMessages(const CollectMessages&) = delete;
    CollectMessages& operator=(const CollectMessages&) = delete;

private:
    std::vector<std::string>* m_previous;
};

std::string utf8(const poppler::ustring& text) {
    const poppler::byte_array bytes = text.to_utf8();
    std::string s(bytes.data(), bytes.size());
    while (!s.empty() && s.back() == '\0') s.pop_back();
    return s;
}

std::string trimmed(std::string s) {
    const auto notSpace = [](unsigned char c) { return !(c == ' ' || c == '\t' || c == '\r' || c == '\n'); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
    s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
    return s;
}

void appendUnique(std::vector<std::string>& into, const std::vector<std::string>& lines) {
    for (const auto& l : lines)
        if (into.size() < kMaxMessages && std::find(into.begin(), into.end(), l) == into.end()) into.push_back(l);
}

bool mentionsRepair(const std::string& line) {
    return line.find("reconstruct") != std::string::npos || line.find("xref") != std::string::npos ||
           line.find("damaged") != std::string::npos;
}

std::string mib(uint64_t bytes) { return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MiB"; }

// "%PDF-x.y" within the first 1024 bytes, as readers accept it.
bool findHeader(const char* data, size_t size, int& major, int& minor) {
    const size_t n = std::min<size_t>(size, 1024);
    for (size_t i = 0; i + 5 <= n; ++i) {
        if (std::memcmp(data + i, "%PDF-", 5) != 0) continue;
        major = minor = 0;
        if (i + 7 < size && data[i + 5] >= '0' && data[i + 5] <= '9' && data[i + 6] == '.' && data[i + 7] >= '0' &&
            data[i + 7] <= '9') {
            major = data[i + 5] - '0';
            minor = data[i + 7] - '0';
        }
        return true;
    }
    return false;
}

std::string pageName(int index) { return "page " + std::to_string(index + 1); }

}  // namespace

struct PdfDocument::Impl {
    std::vector<char> bytes;  // openMemory: the parsers read it in place, so it is destroyed last
    std::unique_ptr<poppler::document> doc;
    std::unique_ptr<detail::QpdfPages> qpdf;
    PdfInfo info;
    PdfLimits limits;

    struct OpenedPage {
        std::unique_ptr<poppler::page> page;
        PageSize size;
        detail::UserToPage map;
    };
    Result<OpenedPage> openPage(int index);
    Result<PageImage> render(int index, const PageBox* region, const PdfRenderOptions& options);
};

Result<PdfDocument> PdfDocument::openWith(const std::string& path, std::vector<char>* memory, const PdfLimits& limits) {
    auto impl = std::make_unique<Impl>();
    impl->limits = limits;
    PdfInfo& info = impl->info;

    // Size and header first: a clear reason for the commonest mistakes, and nothing big parsed.
    char head[1024];
    size_t headSize = 0;
    if (memory) {
        if (memory->empty()) return makeError(ErrorCode::Format, "empty file");
        if (memory->size() > limits.maxFileBytes)
            return makeError(ErrorCode::Unsupported, "file is " + mib(memory->size()) + ", over the limit of " + mib(limits.maxFileBytes));
        if (memory->size() > size_t(INT32_MAX)) return makeError(ErrorCode::Unsupported, "file is over 2 GiB");
        headSize = std::min(memory->size(), sizeof head);
        std::memcpy(head, memory->data(), headSize);
        impl->bytes = std::move(*memory);
    } else {
        std::error_code ec;
        const auto status = std::filesystem::status(path, ec);
        if (ec || !std::filesystem::exists(status)) return makeError(ErrorCode::NotFound, "no such file: " + path);
        if (std::filesystem::is_directory(status)) return makeError(ErrorCode::Io, "is a directory: " + path);
        const uintmax_t size = std::filesystem::file_size(path, ec);
        if (ec) return makeError(ErrorCode::Io, "cannot read " + path + ": " + ec.message());
        if (size == 0) return makeError(ErrorCode::Format, "empty file");
        if (size > limits.maxFileBytes)
            return makeError(ErrorCode::Unsupported, "file is " + mib(size) + ", over the limit of " + mib(limits.maxFileBytes));
        std::ifstream in(path, std::ios::binary);
        if (!in) return makeError(ErrorCode::Io, "cannot open " + path);
        in.read(head, sizeof head);
        headSize = size_t(in.gcount());
    }
    if (!findHeader(head, headSize, info.versionMajor, info.versionMinor))
        return makeError(ErrorCode::Format, "not a PDF (no %PDF- header in the first 1024 bytes)");

    std::vector<std::string> messages;
    {
        CollectMessages collect(messages);
        try {
            poppler::document* d = memory ? poppler::document::load_from_raw_data(impl->bytes.data(), int(impl->bytes.size()))
                                          : poppler::document::load_from_file(path);
            impl->doc.reset(d);
        } catch (const std::bad_alloc&) {
            return makeError(ErrorCode::OutOfMemory, "out of memory while opening the PDF");
        } catch (const std::exception& e) {
            return makeError(ErrorCode::Format, std::string("damaged beyond repair: ") + e.what());
        }
    }
    if (!impl->doc) {
        std::string why = messages.empty() ? "poppler could not read it" : messages.front();
        return makeError(ErrorCode::Format, "damaged beyond repair: " + why);
    }
    if (impl->doc->is_locked())
        return makeError(ErrorCode::Unsupported,
                         "password-protected: the PDF needs a password to open (or uses an encryption we cannot open)");
    const int pages = impl->doc->pages();
    if (pages <= 0) return makeError(ErrorCode::Format, "no pages (a damaged or truncated file)");
    if (pages > limits.maxPages)
        return makeError(ErrorCode::Unsupported,
                         std::to_string(pages) + " pages, over the limit of " + std::to_string(limits.maxPages));
    info.pageCount = pages;
    {
        CollectMessages collect(messages);
        info.title = utf8(impl->doc->get_title());
        info.author = utf8(impl->doc->get_author());
        info.subject = utf8(impl->doc->get_subject());
        info.creator = utf8(impl->doc->get_creator());
        info.producer = utf8(impl->doc->get_producer());
        info.encrypted = impl->doc->is_encrypted();
        info.permitsCopy = impl->doc->has_permission(poppler::perm_copy);
    }
    for (const auto& m : messages)
        if (mentionsRepair(m)) info.repaired = true;
    appendUnique(info.warnings, messages);

    // qpdf: figure placement only. A file it cannot read keeps its text and renderings.
    std::string qpdfError;
    impl->qpdf = detail::QpdfPages::open(path, memory ? impl->bytes.data() : nullptr, impl->bytes.size(), qpdfError);
    if (!impl->qpdf) {
        info.figuresAvailable = false;
        appendUnique(info.warnings, {"figures: qpdf cannot read this file (" + qpdfError + "); pages have text but no figures"});
    } else {
        info.repaired = info.repaired || impl->qpdf->repaired();
        appendUnique(info.warnings, impl->qpdf->openWarnings());
        info.hasJavaScript = impl->qpdf->hasJavaScript();
        const int qpdfPages = impl->qpdf->pageCount(limits.maxPages);
        if (qpdfPages != pages) {
            // The two parsers read a broken page tree differently: page i would not be the same page.
            info.figuresAvailable = false;
            impl->qpdf.reset();
            appendUnique(info.warnings, {"figures: the page tree is damaged (poppler reads " + std::to_string(pages) +
                                         " pages, qpdf " + std::to_string(qpdfPages) + "); pages have text but no figures"});
        }
    }
    return PdfDocument(std::move(impl));
}

Result<PdfDocument::Impl::OpenedPage> PdfDocument::Impl::openPage(int index) {
    if (index < 0 || index >= info.pageCount)
        return makeError(ErrorCode::InvalidArgument,
                         "page index " + std::to_string(index) + " outside [0, " + std::to_string(info.pageCount) + ")");
    OpenedPage opened;
    std::vector<std::string> ignored;
    CollectMessages collect(ignored);
    opened.page.reset(doc->create_page(index));
    if (!opened.page) return makeError(ErrorCode::Format, pageName(index) + " cannot be read (damaged page tree)");
    const poppler::rectf crop = opened.page->page_rect(poppler::crop_box);
    const double w = crop.width(), h = crop.height();
    if (!std::isfinite(w) || !std::isfinite(h) || !std::isfinite(crop.x()) || !std::isfinite(crop.y()) || w <= 0 || h <= 0)
        return makeError(ErrorCode::Format, pageName(index) + " has no valid size");
    if (w > kMaxPageSide || h > kMaxPageSide)
        return makeError(ErrorCode::Unsupported, pageName(index) + " is " + std::to_string(int64_t(w)) + " x " +
                                                     std::to_string(int64_t(h)) + " points; pages over 1,000,000 points are not read");
    switch (opened.page->orientation()) {
    case poppler::page::landscape: opened.size.rotation = 90; break;
    case poppler::page::upside_down: opened.size.rotation = 180; break;
    case poppler::page::seascape: opened.size.rotation = 270; break;
    default: opened.size.rotation = 0; break;
    }
    const bool sideways = opened.size.rotation == 90 || opened.size.rotation == 270;
    opened.size.width = sideways ? h : w;
    opened.size.height = sideways ? w : h;
    opened.map = detail::UserToPage{crop.x(), crop.y(), crop.x() + w, crop.y() + h, opened.size.rotation};
    return opened;
}

Result<PdfDocument> PdfDocument::open(const std::string& path, const PdfLimits& limits) {
    try {
        return openWith(path, nullptr, limits);
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "out of memory opening " + path);
    }
}

Result<PdfDocument> PdfDocument::openMemory(std::vector<char> bytes, const PdfLimits& limits) {
    try {
        return openWith("", &bytes, limits);
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "out of memory opening the PDF");
    }
}

PdfDocument::PdfDocument(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
PdfDocument::PdfDocument(PdfDocument&&) noexcept = default;
PdfDocument& PdfDocument::operator=(PdfDocument&&) noexcept = default;
PdfDocument::~PdfDocument() = default;

const PdfInfo& PdfDocument::info() const { return m_impl->info; }
int PdfDocument::pageCount() const { return m_impl->info.pageCount; }
const PdfLimits& PdfDocument::limits() const { return m_impl->limits; }

Result<PageSize> PdfDocument::pageSize(int index) {
    auto opened = m_impl->openPage(index);
    if (!opened) return opened.error();
    return opened->size;
}

Result<PageContent> PdfDocument::readPage(int index, const PageReadOptions& options) {
    try {
        auto opened = m_impl->openPage(index);
        if (!opened) return opened.error();
        PageContent content;
        content.index = index;
        content.size = opened->size;
        const PdfLimits& limits = m_impl->limits;
        std::vector<std::string> messages;
        if (options.text) {
            CollectMessages collect(messages);
            std::vector<poppler::text_box> boxes = opened->page->text_list();
            for (const poppler::text_box& b : boxes) {
                if (content.words.size() >= size_t(limits.maxWordsPerPage)) {
                    appendUnique(content.warnings, {"text: more than " + std::to_string(limits.maxWordsPerPage) +
                                                    " words on this page; the rest dropped"});
                    break;
                }
                std::string text = trimmed(utf8(b.text()));
                const poppler::rectf r = b.bbox();
                if (text.empty() || !std::isfinite(r.x()) || !std::isfinite(r.y()) || !std::isfinite(r.width()) ||
                    !std::isfinite(r.height()))
                    continue;
                content.words.push_back(PageWord{std::move(text), PageBox{r.x(), r.y(), r.x() + r.width(), r.y() + r.height()},
                                                 b.has_space_after()});
            }
        }
        if (options.figures && m_impl->qpdf) {
            std::vector<PageFigure> raw = m_impl->qpdf->findFigures(index, opened->map, limits, content.warnings);
            content.figures = tidyFigures(std::move(raw), content.size.width, content.size.height, limits.minFigureSide,
                                          limits.maxFiguresPerPage);
        }
        appendUnique(content.warnings, messages);
        if (options.text) {
            content.lines = groupLines(content.words, options.layout);
            content.chunks = groupChunks(content.lines, content.figures, options.layout);
            linkCaptions(content.chunks, content.figures, options.layout);
        }
        return content;
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "out of memory reading " + pageName(index));
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Format, pageName(index) + ": " + e.what());
    }
}

Result<PageImage> PdfDocument::Impl::render(int index, const PageBox* region, const PdfRenderOptions& options) {
    double dpi = options.dpi;
    if (!std::isfinite(dpi) || dpi <= 0 || dpi > kMaxDpi)
        return makeError(ErrorCode::InvalidArgument, "resolution must be in (0, 2400] dpi");
    auto opened = openPage(index);
    if (!opened) return opened.error();
    const PageBox page{0, 0, opened->size.width, opened->size.height};
    PageBox box = page;
    if (region) {
        box = region->intersected(page);
        if (box.empty()) return makeError(ErrorCode::InvalidArgument, "the region lies outside " + pageName(index));
    }
    const uint64_t maxPixels = std::min(std::max<uint64_t>(limits.maxRenderPixels, 1), kHardMaxPixels);
    // Pixel rectangle of `box` at `d` dpi, as poppler will allocate it (whole pixels covering the box).
    auto pixels = [&](double d, int64_t& x, int64_t& y, int64_t& w, int64_t& h) {
        const double s = d / 72.0;
        x = int64_t(std::floor(box.x0 * s));
        y = int64_t(std::floor(box.y0 * s));
        w = std::max<int64_t>(1, int64_t(std::ceil(box.x1 * s)) - x);
        h = std::max<int64_t>(1, int64_t(std::ceil(box.y1 * s)) - y);
    };
    int64_t px = 0, py = 0, pw = 0, ph = 0;
    pixels(dpi, px, py, pw, ph);
    const auto fits = [&] { return uint64_t(pw) * uint64_t(ph) <= maxPixels && pw <= kMaxPixelSide && ph <= kMaxPixelSide; };
    bool capped = false;
    if (!fits()) {
        if (options.overLimit == OverLimit::Refuse)
            return makeError(ErrorCode::Unsupported, pageName(index) + " would be " + std::to_string(pw) + " x " +
                                                         std::to_string(ph) + " pixels at " + std::to_string(int(dpi)) +
                                                         " dpi, over the limit of " + std::to_string(maxPixels));
        // Scale down by the area ratio, then nudge: whole-pixel rounding can leave it a hair over.
        for (int i = 0; i < 64 && !fits(); ++i) {
            const double ratio = std::min(std::sqrt(double(maxPixels) / (double(pw) * double(ph))),
                                          double(kMaxPixelSide) / double(std::max(pw, ph)));
            dpi *= std::min(ratio, 1.0) * 0.995;
            pixels(dpi, px, py, pw, ph);
        }
        if (!fits() || !(dpi > 0)) return makeError(ErrorCode::Unsupported, pageName(index) + " cannot be rendered within the pixel limit");
        capped = true;
    }
    poppler::image image;
    {
        std::vector<std::string> ignored;
        CollectMessages collect(ignored);
        poppler::page_renderer renderer;
        renderer.set_render_hints(poppler::page_renderer::antialiasing | poppler::page_renderer::text_antialiasing);
        renderer.set_image_format(poppler::image::format_rgb24);
        renderer.set_paper_color(0xffffffffu);
        image = region ? renderer.render_page(opened->page.get(), dpi, dpi, int(px), int(py), int(pw), int(ph))
                       : renderer.render_page(opened->page.get(), dpi, dpi);
    }
    if (!image.is_valid() || image.width() <= 0 || image.height() <= 0)
        return makeError(ErrorCode::Internal, pageName(index) + " could not be rendered");
    PageImage out;
    out.width = image.width();
    out.height = image.height();
    out.dpi = dpi;
    out.capped = capped;
    const double s = 72.0 / dpi;
    out.box = region ? PageBox{double(px) * s, double(py) * s, double(px + out.width) * s, double(py + out.height) * s} : page;
    out.rgb.resize(size_t(out.width) * size_t(out.height) * 3);
    const char* src = image.const_data();
    const size_t stride = size_t(image.bytes_per_row());
    for (int y = 0; y < out.height; ++y) {
        const auto* row = reinterpret_cast<const uint8_t*>(src + size_t(y) * stride);
        uint8_t* dst = out.rgb.data() + size_t(y) * size_t(out.width) * 3;
        switch (image.format()) {
        case poppler::image::format_rgb24: std::memcpy(dst, row, size_t(out.width) * 3); break;
        case poppler::image::format_bgr24:
            for (int x = 0; x < out.width; ++x) {
                dst[3 * x] = row[3 * x + 2]; dst[3 * x + 1] = row[3 * x + 1]; dst[3 * x + 2] = row[3 * x];
            }
            break;
        case poppler::image::format_argb32:  // little-endian 0xAARRGGBB: B, G, R, A in memory
            for (int x = 0; x < out.width; ++x) {
                dst[3 * x] = row[4 * x + 2]; dst[3 * x + 1] = row[4 * x + 1]; dst[3 * x + 2] = row[4 * x];
            }
            break;
        case poppler::image::format_gray8:
            for (int x = 0; x < out.width; ++x) dst[3 * x] = dst[3 * x + 1] = dst[3 * x + 2] = row[x];
            break;
        default:
            return makeError(ErrorCode::Internal, pageName(index) + " was rendered in an unexpected pixel format");
        }
    }
    return out;
}

Result<PageImage> PdfDocument::renderPage(int index, const PdfRenderOptions& options) {
    try {
        return m_impl->render(index, nullptr, options);
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "out of memory rendering " + pageName(index));
    }
}

Result<PageImage> PdfDocument::renderRegion(int index, const PageBox& box, const PdfRenderOptions& options) {
    if (!std::isfinite(box.x0) || !std::isfinite(box.y0) || !std::isfinite(box.x1) || !std::isfinite(box.y1) || box.empty())
        return makeError(ErrorCode::InvalidArgument, "the region is empty or not finite");
    try {
        return m_impl->render(index, &box, options);
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "out of memory rendering " + pageName(index));
    }
}

bool isPasswordProtected(const Error& error) {
    return error.code == ErrorCode::Unsupported && error.message.rfind("password-protected", 0) == 0;
}

PageImage cropImage(const PageImage& image, const PageBox& box) {
    PageImage out;
    if (image.width <= 0 || image.height <= 0 || !(image.dpi > 0)) return out;
    const double s = image.dpi / 72.0;
    const auto clampX = [&](double v) { return int64_t(std::clamp(v, 0.0, double(image.width))); };
    const auto clampY = [&](double v) { return int64_t(std::clamp(v, 0.0, double(image.height))); };
    if (!std::isfinite(box.x0) || !std::isfinite(box.y0) || !std::isfinite(box.x1) || !std::isfinite(box.y1)) return out;
    const int64_t x0 = clampX(std::floor((box.x0 - image.box.x0) * s)), x1 = clampX(std::ceil((box.x1 - image.box.x0) * s));
    const int64_t y0 = clampY(std::floor((box.y0 - image.box.y0) * s)), y1 = clampY(std::ceil((box.y1 - image.box.y0) * s));
    if (x1 <= x0 || y1 <= y0) return out;
    out.width = int(x1 - x0);
    out.height = int(y1 - y0);
    out.dpi = image.dpi;
    out.capped = image.capped;
    out.box = PageBox{image.box.x0 + double(x0) / s, image.box.y0 + double(y0) / s, image.box.x0 + double(x1) / s,
                      image.box.y0 + double(y1) / s};
    out.rgb.resize(size_t(out.width) * size_t(out.height) * 3);
    for (int64_t y = y0; y < y1; ++y)
        std::memcpy(out.rgb.data() + size_t(y - y0) * size_t(out.width) * 3,
                    image.rgb.data() + (size_t(y) * size_t(image.width) + size_t(x0)) * 3, size_t(out.width) * 3);
    return out;
}

}  // namespace diffclip
