#include "diffclip/explain/Render.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "diffclip/base/EnumNames.h"

namespace diffclip::explain {

namespace {

using Rgb = std::array<uint8_t, 3>;

// ColorBrewer RdBu (9 classes), centre first: towards red for positive, blue for negative.
constexpr Rgb kNeutral{247, 247, 247};
constexpr Rgb kPositive[] = {{247, 247, 247}, {253, 219, 199}, {244, 165, 130}, {214, 96, 77}, {178, 24, 43}};
constexpr Rgb kNegative[] = {{247, 247, 247}, {209, 229, 240}, {146, 197, 222}, {67, 147, 195}, {33, 102, 172}};

int cvPalette(Palette p) {
    switch (p) {
        case Palette::Viridis: return cv::COLORMAP_VIRIDIS;
        case Palette::Inferno: return cv::COLORMAP_INFERNO;
        case Palette::Magma: return cv::COLORMAP_MAGMA;
        case Palette::Plasma: return cv::COLORMAP_PLASMA;
    }
    return cv::COLORMAP_VIRIDIS;
}

// 256 RGB colours of an OpenCV colour map, built once (thread-safe static initialisation).
const std::vector<Rgb>& sequentialLut(Palette p) {
    static const std::array<std::vector<Rgb>, 4> luts = [] {
        std::array<std::vector<Rgb>, 4> out;
        cv::Mat ramp(1, 256, CV_8UC1);
        for (int i = 0; i < 256; ++i) ramp.at<uint8_t>(0, i) = uint8_t(i);
        for (size_t k = 0; k < out.size(); ++k) {
            cv::Mat bgr;
            cv::applyColorMap(ramp, bgr, cvPalette(Palette(k)));
            for (int i = 0; i < 256; ++i) {
                const auto c = bgr.at<cv::Vec3b>(0, i);
                out[k].push_back(Rgb{c[2], c[1], c[0]});
            }
        }
        return out;
    }();
    return luts[size_t(p)];
}

RgbImage8 fromMat(const cv::Mat& bgr) {
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    RgbImage8 out;
    out.width = rgb.cols;
    out.height = rgb.rows;
    out.pixels.assign(rgb.data, rgb.data + size_t(rgb.cols) * size_t(rgb.rows) * 3);
    return out;
}

cv::Mat toMat(const RgbImage8& image) {
    cv::Mat rgb(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.pixels.data()));
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    return bgr;
}

Status checkImage(const RgbImage8& image, const char* what) {
    if (image.width < 1 || image.height < 1 ||
        image.pixels.size() != size_t(image.width) * size_t(image.height) * 3)
        return makeError(ErrorCode::InvalidArgument, std::string(what) + ": not a valid RGB image");
    return Status::success();
}

std::string formatValue(double v) {
    if (std::fabs(v) < 1e-12) return "0";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

// Draws `text` inside `width` pixels: shrinks the font down to 0.3, then cuts with "..".
void putFitted(cv::Mat& canvas, std::string text, cv::Point origin, int width, double scale) {
    const int font = cv::FONT_HERSHEY_SIMPLEX;
    int base = 0;
    while (scale > 0.3 && cv::getTextSize(text, font, scale, 1, &base).width > width) scale -= 0.05;
    while (text.size() > 2 && cv::getTextSize(text, font, scale, 1, &base).width > width)
        text = text.substr(0, text.size() - 3) + "..";
    cv::putText(canvas, text, origin, font, scale, cv::Scalar(20, 20, 20), 1, cv::LINE_AA);
}

template <typename T, typename F>
Result<T> guarded(const char* what, F&& body) {
    try {
        return body();
    } catch (const cv::Exception& e) {
        return makeError(ErrorCode::Internal, std::string(what) + ": " + e.what());
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, std::string(what) + ": out of memory");
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string(what) + ": " + e.what());
    }
}

}  // namespace

constexpr EnumName<Palette> kPaletteNames[] = {
    {Palette::Viridis, "viridis"}, {Palette::Inferno, "inferno"}, {Palette::Magma, "magma"},
    {Palette::Plasma, "plasma"}};
static_assert(namesEveryValue(kPaletteNames, Palette::Plasma));

const char* paletteName(Palette p) { return enumName(kPaletteNames, p, "viridis"); }

Result<Palette> parsePalette(const std::string& text) {
    return parseEnum(kPaletteNames, text, "colour map", "viridis, inferno, magma, plasma");
}

Result<ColourScale> sharedScale(const std::vector<const PatchGrid*>& maps) {
    if (maps.empty()) return makeError(ErrorCode::InvalidArgument, "no maps to scale");
    ColourScale s;
    double largest = 0, largestAbs = 0;
    for (const PatchGrid* m : maps) {
        if (!m) return makeError(ErrorCode::InvalidArgument, "no map");
        if (Status st = checkGrid(*m, "map"); !st) return st.error();
        s.diverging = s.diverging || m->isSigned;
        for (float v : m->values) {
            largest = std::max(largest, double(v));
            largestAbs = std::max(largestAbs, std::fabs(double(v)));
        }
    }
    if (s.diverging) {
        s.high = largestAbs > 0 ? largestAbs : 1.0;
        s.low = -s.high;
    } else {
        s.low = 0;
        s.high = largest > 0 ? largest : 1.0;
    }
    return s;
}

Rgb neutralColour() { return kNeutral; }

Rgb colourOf(double value, const ColourScale& scale, Palette palette) {
    if (scale.diverging) {
        const double m = std::max(std::fabs(scale.low), std::fabs(scale.high));
        double t = std::isnan(value) ? -1.0 : m > 0 ? std::clamp(value / m, -1.0, 1.0) : 0.0;
        const Rgb* stops = t >= 0 ? kPositive : kNegative;
        t = std::fabs(t) * 4.0;
        const int i = std::min(3, int(t));
        const double f = t - i;
        Rgb c{};
        for (int k = 0; k < 3; ++k) c[size_t(k)] = uint8_t(std::lround(stops[i][size_t(k)] * (1 - f) + stops[i + 1][size_t(k)] * f));
        return c;
    }
    const double span = scale.high - scale.low;
    double t = span > 0 ? (value - scale.low) / span : 0.0;
    if (!std::isfinite(t)) t = 0;
    return sequentialLut(palette)[size_t(std::lround(std::clamp(t, 0.0, 1.0) * 255.0))];
}

Result<RgbImage8> renderOverlay(const RgbImage8& photo, const PatchGrid& map, const ColourScale& scale,
                                const OverlayOptions& options) {
    if (Status s = checkImage(photo, "photo"); !s) return s.error();
    if (Status s = checkGrid(map, "map"); !s) return s.error();
    if (!(options.opacity >= 0 && options.opacity <= 1))
        return makeError(ErrorCode::InvalidArgument, "opacity must be between 0 and 1");
    if (options.displaySize < 0 || options.displaySize > 8192)
        return makeError(ErrorCode::InvalidArgument, "display size must be 0..8192 pixels");
    return guarded<RgbImage8>("overlay", [&] {
        cv::Mat rgb(photo.height, photo.width, CV_8UC3, const_cast<uint8_t*>(photo.pixels.data()));
        cv::Mat base = rgb;
        if (options.displaySize > 0) {
            const int w = options.displaySize;
            const int h = std::max(1, int(std::lround(double(options.displaySize) * photo.height / photo.width)));
            cv::resize(rgb, base, cv::Size(w, h), 0, 0, cv::INTER_LINEAR);
        }
        cv::Mat grid(map.rows, map.cols, CV_32F, const_cast<float*>(map.values.data()));
        cv::Mat up;
        cv::resize(grid, up, base.size(), 0, 0, options.smooth ? cv::INTER_LINEAR : cv::INTER_NEAREST);
        RgbImage8 out;
        out.width = base.cols;
        out.height = base.rows;
        out.pixels.resize(size_t(base.cols) * size_t(base.rows) * 3);
        const double a = options.opacity;
        for (int y = 0; y < base.rows; ++y) {
            const auto* src = base.ptr<uint8_t>(y);
            const float* val = up.ptr<float>(y);
            uint8_t* dst = out.pixels.data() + size_t(y) * size_t(base.cols) * 3;
            for (int x = 0; x < base.cols; ++x) {
                const Rgb c = colourOf(val[x], scale, options.palette);
                for (int k = 0; k < 3; ++k)
                    dst[3 * x + k] = uint8_t(std::lround((1 - a) * src[3 * x + k] + a * c[size_t(k)]));
            }
        }
        return out;
    });
}

Result<RgbImage8> renderColourBar(const ColourScale& scale, Palette palette, int height) {
    if (height < 32 || height > 8192) return makeError(ErrorCode::InvalidArgument, "colour bar height must be 32..8192");
    if (!(scale.high > scale.low)) return makeError(ErrorCode::InvalidArgument, "the colour scale is empty");
    return guarded<RgbImage8>("colour bar", [&] {
        const int font = cv::FONT_HERSHEY_SIMPLEX;
        const double fontScale = 0.4;
        const int pad = 8, barWidth = 16, tick = 4;
        std::vector<double> ticks;
        for (int i = 0; i <= 4; ++i) ticks.push_back(scale.low + (scale.high - scale.low) * i / 4.0);
        if (scale.diverging) ticks[2] = 0.0;  // exactly zero at the neutral centre, never "-1e-17"
        int labelWidth = 0, base = 0;
        for (double t : ticks) labelWidth = std::max(labelWidth, cv::getTextSize(formatValue(t), font, fontScale, 1, &base).width);
        cv::Mat canvas(height, barWidth + tick + 4 + labelWidth + 2, CV_8UC3, cv::Scalar(255, 255, 255));
        const int top = pad, bottom = height - pad - 1;
        for (int y = top; y <= bottom; ++y) {
            const double v = scale.high - (scale.high - scale.low) * double(y - top) / double(bottom - top);
            const Rgb c = colourOf(v, scale, palette);
            cv::line(canvas, cv::Point(0, y), cv::Point(barWidth - 1, y), cv::Scalar(c[2], c[1], c[0]));
        }
        cv::rectangle(canvas, cv::Point(0, top), cv::Point(barWidth - 1, bottom), cv::Scalar(60, 60, 60));
        for (double t : ticks) {
            const int y = int(std::lround(top + (scale.high - t) / (scale.high - scale.low) * (bottom - top)));
            cv::line(canvas, cv::Point(barWidth, y), cv::Point(barWidth + tick - 1, y), cv::Scalar(60, 60, 60));
            const auto size = cv::getTextSize(formatValue(t), font, fontScale, 1, &base);
            cv::putText(canvas, formatValue(t), {barWidth + tick + 2, y + size.height / 2}, font, fontScale,
                        cv::Scalar(20, 20, 20), 1, cv::LINE_AA);
        }
        return fromMat(canvas);
    });
}

void drawRegionOutline(RgbImage8& image, double x0, double y0, double x1, double y1) {
    if (!checkImage(image, "image")) return;
    const int W = image.width, H = image.height;
    auto edge = [](double v, int n, bool upper) {
        const double p = std::clamp(std::isfinite(v) ? v : 0.0, 0.0, 1.0) * n;
        return upper ? int(std::ceil(p - 1e-9)) - 1 : int(std::floor(p + 1e-9));
    };
    const int left = edge(std::min(x0, x1), W, false), right = edge(std::max(x0, x1), W, true);
    const int top = edge(std::min(y0, y1), H, false), bottom = edge(std::max(y0, y1), H, true);
    if (right < left || bottom < top) return;
    auto put = [&](int x, int y, uint8_t v) {
        if (x < 0 || y < 0 || x >= W || y >= H) return;
        uint8_t* px = image.pixels.data() + (size_t(y) * size_t(W) + size_t(x)) * 3;
        px[0] = px[1] = px[2] = v;
    };
    // Black ring outside first, then the white border pixels on top.
    for (int pass = 0; pass < 2; ++pass) {
        const int d = pass == 0 ? 1 : 0;
        const uint8_t v = pass == 0 ? 0 : 255;
        for (int x = left - d; x <= right + d; ++x) {
            put(x, top - d, v);
            put(x, bottom + d, v);
        }
        for (int y = top - d; y <= bottom + d; ++y) {
            put(left - d, y, v);
            put(right + d, y, v);
        }
    }
}

Result<RgbImage8> composeComparison(const std::vector<Pane>& panes, const ColourScale& scale, Palette palette,
                                    const std::string& caption, std::vector<PixelRect>* placed) {
    if (panes.empty()) return makeError(ErrorCode::InvalidArgument, "no panes to compose");
    for (const Pane& p : panes) {
        if (Status s = checkImage(p.image, "pane"); !s) return s.error();
        if (p.image.height != panes[0].image.height)
            return makeError(ErrorCode::Mismatch, "the panes of a comparison must have the same height");
    }
    auto bar = renderColourBar(scale, palette, std::max(32, panes[0].image.height));
    if (!bar) return bar.error();
    return guarded<RgbImage8>("comparison", [&] {
        const int margin = 10, titleBand = 24, captionBand = caption.empty() ? 0 : 24;
        const int h = panes[0].image.height;
        int width = margin;
        for (const Pane& p : panes) width += p.image.width + margin;
        width += bar->width + margin;
        const int height = margin + titleBand + std::max(h, bar->height) + captionBand + margin;
        cv::Mat canvas(height, width, CV_8UC3, cv::Scalar(255, 255, 255));
        int x = margin;
        const int y = margin + titleBand;
        if (placed) placed->clear();
        for (const Pane& p : panes) {
            toMat(p.image).copyTo(canvas(cv::Rect(x, y, p.image.width, p.image.height)));
            if (placed) placed->push_back({x, y, p.image.width, p.image.height});
            putFitted(canvas, p.title, {x, y - 7}, p.image.width, 0.45);
            x += p.image.width + margin;
        }
        toMat(*bar).copyTo(canvas(cv::Rect(x, y, bar->width, bar->height)));
        if (!caption.empty()) putFitted(canvas, caption, {margin, y + h + 17}, width - 2 * margin, 0.4);
        return fromMat(canvas);
    });
}

Status writePng(const RgbImage8& image, const std::string& path) {
    if (Status s = checkImage(image, "image"); !s) return s;
    auto written = guarded<bool>("PNG", [&] { return cv::imwrite(path, toMat(image)); });
    if (!written) return makeError(ErrorCode::Io, path + ": cannot write PNG (" + written.error().message + ")");
    if (!*written) return makeError(ErrorCode::Io, path + ": cannot write PNG");
    return Status::success();
}

Result<RgbImage8> cropLikeModel(const RgbImage8& photo, const PreprocessConfig& config) {
    if (Status s = checkImage(photo, "photo"); !s) return s.error();
    if (config.cropSize < 1 || config.resizeShorter < config.cropSize)
        return makeError(ErrorCode::InvalidArgument, "preprocessing must resize to at least the crop size");
    return guarded<RgbImage8>("crop", [&] {
        // Same geometry as preprocessImage (core/imaging/src/Preprocess.cpp).
        cv::Mat src(photo.height, photo.width, CV_8UC3, const_cast<uint8_t*>(photo.pixels.data()));
        const double s = double(config.resizeShorter) / double(std::min(photo.width, photo.height));
        const int w = std::max<int>(int(config.cropSize), int(std::lround(photo.width * s)));
        const int h = std::max<int>(int(config.cropSize), int(std::lround(photo.height * s)));
        const int interp = config.interpolation == "bicubic" ? cv::INTER_CUBIC
                           : config.interpolation == "area"  ? cv::INTER_AREA
                           : config.interpolation == "nearest" ? cv::INTER_NEAREST
                                                               : cv::INTER_LINEAR;
        cv::Mat resized = src;
        if (w != photo.width || h != photo.height) cv::resize(src, resized, cv::Size(w, h), 0, 0, interp);
        const int c = int(config.cropSize);
        const int x0 = int(std::lround((w - c) / 2.0)), y0 = int(std::lround((h - c) / 2.0));
        cv::Mat crop = resized(cv::Rect(x0, y0, c, c)).clone();
        RgbImage8 out;
        out.width = c;
        out.height = c;
        out.pixels.assign(crop.data, crop.data + size_t(c) * size_t(c) * 3);
        out.info = photo.info;
        return out;
    });
}

Result<PatchGrid> loadRegionMask(const std::string& path, int photoWidth, int photoHeight,
                                 const PreprocessConfig& config, int rows, int cols) {
    if (rows < 1 || cols < 1) return makeError(ErrorCode::InvalidArgument, "the patch grid is empty");
    auto decoded = decodeImageFile(path, DecodeOptions{});
    if (!decoded) return decoded.error();
    const RgbImage8& m = *decoded;
    const bool gridSized = m.width == cols && m.height == rows;
    if (!gridSized && (m.width != photoWidth || m.height != photoHeight))
        return makeError(ErrorCode::Mismatch, path + ": the mask is " + std::to_string(m.width) + "x" +
                                                  std::to_string(m.height) + " but must be the photo's size (" +
                                                  std::to_string(photoWidth) + "x" + std::to_string(photoHeight) +
                                                  ") or the patch grid's (" + std::to_string(cols) + "x" +
                                                  std::to_string(rows) + ")");
    return guarded<PatchGrid>("mask", [&]() -> PatchGrid {
        // Binary inside/outside from the grey value, as 0 / 255 in all three channels so the
        // photo's crop geometry applies unchanged.
        RgbImage8 binary = m;
        for (size_t i = 0; i < binary.pixels.size(); i += 3) {
            const int grey = (int(m.pixels[i]) + int(m.pixels[i + 1]) + int(m.pixels[i + 2])) / 3;
            const uint8_t v = grey >= 128 ? 255 : 0;
            binary.pixels[i] = binary.pixels[i + 1] = binary.pixels[i + 2] = v;
        }
        PatchGrid g;
        g.rows = rows;
        g.cols = cols;
        g.values.resize(size_t(rows) * size_t(cols));
        cv::Mat cover;
        if (gridSized) {
            cover = cv::Mat(rows, cols, CV_8UC3, binary.pixels.data()).clone();
        } else {
            PreprocessConfig areaConfig = config;
            areaConfig.interpolation = "area";  // fractional cover at the edges, not resampling ringing
            auto crop = cropLikeModel(binary, areaConfig);
            if (!crop) throw std::runtime_error(crop.error().message);
            cv::Mat c(crop->height, crop->width, CV_8UC3, crop->pixels.data());
            cv::resize(c, cover, cv::Size(cols, rows), 0, 0, cv::INTER_AREA);
        }
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) g.values[size_t(r * cols + c)] = float(cover.at<cv::Vec3b>(r, c)[0]) / 255.f;
        return g;
    });
}

}  // namespace diffclip::explain
