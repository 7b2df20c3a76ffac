// Procedural inspection photos: a surface texture, at most one defect, lighting and a camera.
// The image is built in float BGR in [0, 1]: colour (albedo) x illumination + specular, then
// defocus, sensor noise and 8-bit quantisation. Each part draws from its own random stream,
// so removing the defect leaves every other pixel as it was (the tests rely on it).
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "Random.h"
#include "diffclip/demo/DemoData.h"

namespace diffclip::demo {

namespace {

// Stream tags of one photo's seed.
enum : uint64_t { kTagSurface = 1, kTagLight = 2, kTagCamera = 3, kTagDefect = 4 };

cv::Mat whiteNoise(Rng& rng, int rows, int cols) {
    cv::Mat m(rows, cols, CV_32F);
    for (int y = 0; y < rows; ++y) {
        float* p = m.ptr<float>(y);
        for (int x = 0; x < cols; ++x) p[x] = float(rng.normal());
    }
    return m;
}

/// Zero-mean, unit-deviation field.
cv::Mat standardise(cv::Mat m) {
    cv::Scalar mean, dev;
    cv::meanStdDev(m, mean, dev);
    m -= mean[0];
    if (dev[0] > 1e-9) m *= 1.0 / dev[0];
    return m;
}

/// Noise with features about `sigma` pixels across.
cv::Mat smoothNoise(Rng& rng, int n, double sigma) {
    cv::Mat m = whiteNoise(rng, n, n);
    if (sigma > 0.3) cv::GaussianBlur(m, m, cv::Size(), sigma, sigma, cv::BORDER_REFLECT);
    return standardise(m);
}

/// Blotchy low-frequency field: a coarse random grid interpolated up.
cv::Mat lowFrequency(Rng& rng, int n, int cells) {
    cv::Mat grid = whiteNoise(rng, cells, cells), up;
    cv::resize(grid, up, cv::Size(n, n), 0, 0, cv::INTER_CUBIC);
    return standardise(up);
}

/// Streaks `length` pixels long at `angleDeg` (0 = horizontal): white noise blurred along one
/// direction, made on a larger canvas and rotated so no corner is left empty.
cv::Mat streaks(Rng& rng, int n, int length, double angleDeg) {
    const int big = int(std::ceil(n * 1.45)) + 2;
    cv::Mat m = whiteNoise(rng, big, big);
    cv::blur(m, m, cv::Size(std::max(1, length) | 1, 1), cv::Point(-1, -1), cv::BORDER_REFLECT);
    const cv::Mat rot = cv::getRotationMatrix2D(cv::Point2f(big / 2.0f, big / 2.0f), angleDeg, 1.0);
    cv::Mat turned;
    cv::warpAffine(m, turned, rot, m.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
    const int off = (big - n) / 2;
    return standardise(turned(cv::Rect(off, off, n, n)).clone());
}

cv::Mat solid(int n, cv::Vec3f bgr) { return cv::Mat(n, n, CV_32FC3, cv::Scalar(bgr[0], bgr[1], bgr[2])); }

/// colour *= (1 + amount * field), per pixel, all channels.
void modulate(cv::Mat& colour, const cv::Mat& field, double amount) {
    for (int y = 0; y < colour.rows; ++y) {
        auto* c = colour.ptr<cv::Vec3f>(y);
        const float* f = field.ptr<float>(y);
        for (int x = 0; x < colour.cols; ++x) c[x] *= float(1.0 + amount * f[x]);
    }
}

cv::Vec3f jitter(Rng& rng, cv::Vec3f c, double amount) {
    const double k = 1.0 + rng.uniform(-amount, amount);
    return cv::Vec3f(float(c[0] * k), float(c[1] * k), float(c[2] * k));
}

struct SurfaceLayer {
    cv::Mat colour;   // CV_32FC3 albedo
    cv::Mat gloss;    // CV_32F specular added on top of the lit colour
    double scale = 1; // texture scale (camera distance): defects scale with it
    double grainAngle = 0; // radians: brushing, grain or weave direction
};

SurfaceLayer brushedMetal(Rng& rng, int n, double s) {
    SurfaceLayer L;
    const double g = rng.uniform(0.52, 0.70);
    L.colour = solid(n, cv::Vec3f(float(g + 0.025), float(g + 0.01), float(g)));
    const double angle = (rng.chance(0.5) ? 0.0 : 90.0) + rng.uniform(-18, 18);
    L.grainAngle = angle * kPi / 180.0;
    modulate(L.colour, streaks(rng, n, int(70 * s), angle), 0.07);
    modulate(L.colour, streaks(rng, n, int(18 * s), angle), 0.035);
    modulate(L.colour, lowFrequency(rng, n, 4), 0.03);
    // Brushed metal shows a bright band across the brushing direction.
    const double centre = rng.uniform(-0.3, 0.3) * n, width = rng.uniform(0.15, 0.4) * n;
    const double amp = rng.uniform(0.06, 0.22);
    const double ca = std::cos(L.grainAngle), sa = std::sin(L.grainAngle);
    L.gloss = cv::Mat(n, n, CV_32F);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) {
            const double along = (x - n / 2.0) * ca + (y - n / 2.0) * sa - centre;
            L.gloss.at<float>(y, x) = float(amp * std::exp(-along * along / (width * width)));
        }
    return L;
}

SurfaceLayer castMetal(Rng& rng, int n, double s) {
    SurfaceLayer L;
    const double g = rng.uniform(0.33, 0.52);
    L.colour = solid(n, cv::Vec3f(float(g), float(g + 0.01), float(g + 0.03)));
    modulate(L.colour, smoothNoise(rng, n, 0.7 * s), 0.09);
    modulate(L.colour, smoothNoise(rng, n, 2.2 * s), 0.07);
    modulate(L.colour, lowFrequency(rng, n, 6), 0.06);
    L.gloss = cv::Mat::zeros(n, n, CV_32F);
    L.grainAngle = rng.uniform(0, kPi);
    return L;
}

SurfaceLayer paintedPanel(Rng& rng, int n, double s) {
    static const std::array<cv::Vec3f, 7> palette = {
        cv::Vec3f(0.74f, 0.76f, 0.76f),  // light grey
        cv::Vec3f(0.58f, 0.36f, 0.12f),  // signal blue
        cv::Vec3f(0.24f, 0.46f, 0.22f),  // machine green
        cv::Vec3f(0.10f, 0.42f, 0.88f),  // safety orange
        cv::Vec3f(0.66f, 0.82f, 0.86f),  // cream
        cv::Vec3f(0.30f, 0.30f, 0.31f),  // anthracite
        cv::Vec3f(0.12f, 0.72f, 0.86f),  // signal yellow
    };
    SurfaceLayer L;
    L.colour = solid(n, jitter(rng, palette[size_t(rng.range(0, int(palette.size()) - 1))], 0.08));
    modulate(L.colour, smoothNoise(rng, n, 1.6 * s), 0.018);  // orange peel
    modulate(L.colour, lowFrequency(rng, n, 3), 0.02);
    // The reflection of a lamp: a soft elliptical highlight somewhere on the panel.
    const double cx = rng.uniform(0.1, 0.9) * n, cy = rng.uniform(0.1, 0.9) * n;
    const double rx = rng.uniform(0.2, 0.5) * n, ry = rng.uniform(0.1, 0.3) * n, amp = rng.uniform(0.05, 0.3);
    L.gloss = cv::Mat(n, n, CV_32F);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) {
            const double q = (x - cx) * (x - cx) / (rx * rx) + (y - cy) * (y - cy) / (ry * ry);
            L.gloss.at<float>(y, x) = float(amp * std::exp(-q));
        }
    L.grainAngle = rng.uniform(0, kPi);
    return L;
}

SurfaceLayer fabric(Rng& rng, int n, double s) {
    static const std::array<cv::Vec3f, 5> palette = {
        cv::Vec3f(0.32f, 0.17f, 0.10f),  // navy
        cv::Vec3f(0.45f, 0.45f, 0.46f),  // grey
        cv::Vec3f(0.52f, 0.66f, 0.74f),  // beige
        cv::Vec3f(0.20f, 0.38f, 0.36f),  // olive
        cv::Vec3f(0.14f, 0.14f, 0.15f),  // charcoal
    };
    SurfaceLayer L;
    const cv::Vec3f base = jitter(rng, palette[size_t(rng.range(0, int(palette.size()) - 1))], 0.1);
    const double period = rng.uniform(4.5, 7.5) * s;
    const double angle = rng.uniform(-0.25, 0.25);
    L.grainAngle = angle;
    const double ca = std::cos(angle), sa = std::sin(angle);
    // Each thread has its own shade, as real yarn does.
    std::vector<float> warpShade(512), weftShade(512);
    for (auto& v : warpShade) v = float(rng.normal() * 0.06);
    for (auto& v : weftShade) v = float(rng.normal() * 0.06);
    L.colour = cv::Mat(n, n, CV_32FC3);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) {
            const double u = (x * ca + y * sa) / period + 200.0, v = (-x * sa + y * ca) / period + 200.0;
            const int iu = int(std::floor(u)), iv = int(std::floor(v));
            const double fu = u - iu, fv = v - iv;
            const bool warpOnTop = ((iu + iv) & 1) == 0;  // plain weave: over one, under one
            const double profile = warpOnTop ? std::sin(kPi * fv) : std::sin(kPi * fu);
            const double shade = warpOnTop ? warpShade[size_t(iv & 511)] : weftShade[size_t(iu & 511)];
            L.colour.at<cv::Vec3f>(y, x) = base * float(0.62 + 0.45 * profile + shade);
        }
    modulate(L.colour, smoothNoise(rng, n, 0.8), 0.05);  // fuzz
    cv::GaussianBlur(L.colour, L.colour, cv::Size(), 0.6);
    L.gloss = cv::Mat::zeros(n, n, CV_32F);
    return L;
}

SurfaceLayer wood(Rng& rng, int n, double s) {
    static const std::array<cv::Vec3f, 4> palette = {
        cv::Vec3f(0.50f, 0.68f, 0.82f),  // pine
        cv::Vec3f(0.33f, 0.50f, 0.68f),  // oak
        cv::Vec3f(0.22f, 0.33f, 0.52f),  // cherry
        cv::Vec3f(0.17f, 0.24f, 0.32f),  // walnut
    };
    SurfaceLayer L;
    const cv::Vec3f base = jitter(rng, palette[size_t(rng.range(0, int(palette.size()) - 1))], 0.08);
    const double angleDeg = (rng.chance(0.5) ? 0.0 : 90.0) + rng.uniform(-10, 10);
    L.grainAngle = angleDeg * kPi / 180.0;
    const double ca = std::cos(L.grainAngle), sa = std::sin(L.grainAngle);
    const double period = rng.uniform(9, 22) * s, sharp = rng.uniform(3, 8);
    // Growth rings: a slowly drifting phase (so rings widen and narrow), bent gently by knots
    // far outside the frame, plus a finer wobble.
    const cv::Mat warp = lowFrequency(rng, n, 2), warpFine = lowFrequency(rng, n, 7), blotch = lowFrequency(rng, n, 5);
    const double warpAmp = rng.uniform(3, 9) * s, drift = rng.uniform(0.2, 0.6);
    L.colour = cv::Mat(n, n, CV_32FC3);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) {
            const double across = -x * sa + y * ca, along = x * ca + y * sa;  // grain runs along grainAngle
            const double w = warpAmp * warp.at<float>(y, x) + 0.25 * warpAmp * warpFine.at<float>(y, x);
            const double phase = (across + w) / period + drift * std::sin(across / (3.7 * period) + along / (9.0 * n));
            const double ring = std::pow(0.5 + 0.5 * std::sin(2 * kPi * phase), sharp);
            L.colour.at<cv::Vec3f>(y, x) = base * float(1.04 - 0.28 * ring + 0.04 * blotch.at<float>(y, x));
        }
    modulate(L.colour, streaks(rng, n, int(40 * s), angleDeg), 0.05);  // fibres
    L.gloss = cv::Mat(n, n, CV_32F, cv::Scalar(rng.uniform(0.0, 0.05)));  // varnish sheen
    return L;
}

// ---- defects -------------------------------------------------------------------------------

struct DefectLayer {
    cv::Mat alpha;  // CV_32F in [0, 1]: where and how strongly the defect shows
    cv::Mat mask;   // CV_8U 0/255
};

cv::Point fixedPoint(double x, double y) { return cv::Point(int(std::lround(x * 16)), int(std::lround(y * 16))); }

/// Draws an anti-aliased polyline into a float layer, each segment with its own strength.
void drawPath(cv::Mat& layer, const std::vector<cv::Point2d>& pts, const std::vector<double>& strength,
              int thickness) {
    cv::Mat canvas = cv::Mat::zeros(layer.size(), CV_8U);  // anti-aliasing needs 8 bits
    for (size_t i = 1; i < pts.size(); ++i) {
        const double v = std::clamp(strength[i], 0.0, 1.0) * 255.0;
        cv::line(canvas, fixedPoint(pts[i - 1].x, pts[i - 1].y), fixedPoint(pts[i].x, pts[i].y), cv::Scalar(v),
                 thickness, cv::LINE_AA, 4);
    }
    cv::Mat f;
    canvas.convertTo(f, CV_32F, 1.0 / 255.0);
    cv::max(layer, f, layer);
}

cv::Mat maskFrom(const cv::Mat& alpha, double threshold, int grow) {
    cv::Mat m = alpha > threshold;
    if (grow > 0)
        cv::dilate(m, m, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * grow + 1, 2 * grow + 1)));
    return m;
}

/// A point inside the central part of the frame (defects sit anywhere but the very edge).
cv::Point2d somewhere(Rng& rng, int n, double margin) {
    return cv::Point2d(rng.uniform(margin, 1 - margin) * n, rng.uniform(margin, 1 - margin) * n);
}

void scratch(Rng& rng, int n, double s, cv::Mat& colour, cv::Mat& shade, DefectLayer& d, double k) {
    const cv::Point2d c = somewhere(rng, n, 0.22);
    const double len = rng.uniform(0.22, 0.75) * n, a = rng.uniform(0, kPi);
    const cv::Point2d dir(std::cos(a), std::sin(a)), perp(-std::sin(a), std::cos(a));
    const cv::Point2d p0 = c - dir * (len / 2), p2 = c + dir * (len / 2);
    const cv::Point2d p1 = c + perp * (rng.uniform(-0.12, 0.12) * len);  // slight curve
    std::vector<cv::Point2d> pts, shadow;
    std::vector<double> strength;
    const int steps = 40;
    const double fadeIn = rng.uniform(0.05, 0.3), fadeOut = rng.uniform(0.05, 0.3);
    // 3-11 px wide at 224 (with the camera distance): still a line at the demo model's 96 px.
    const int width = std::max(3, int(std::lround(rng.uniform(2.5, 4.0) * s)));
    for (int i = 0; i <= steps; ++i) {
        const double t = double(i) / steps;
        const cv::Point2d p = (1 - t) * (1 - t) * p0 + 2 * (1 - t) * t * p1 + t * t * p2;
        pts.push_back(p);
        shadow.push_back(p + perp * (0.6 * width + 0.6));
        strength.push_back(std::min({1.0, t / fadeIn, (1 - t) / fadeOut}) * rng.uniform(0.75, 1.0));
    }
    cv::Mat line = cv::Mat::zeros(n, n, CV_32F), groove = cv::Mat::zeros(n, n, CV_32F);
    drawPath(line, pts, strength, width);
    drawPath(groove, shadow, strength, std::max(1, width / 2));
    // A scratch exposes brighter material and its groove casts a thin shadow beside it.
    const double lift = rng.uniform(0.35, 0.75) * k;
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) {
            const float a1 = line.at<float>(y, x), a2 = groove.at<float>(y, x);
            if (a1 <= 0 && a2 <= 0) continue;
            cv::Vec3f& px = colour.at<cv::Vec3f>(y, x);
            px = px * float(1 - lift * a1) + cv::Vec3f(0.92f, 0.93f, 0.95f) * float(lift * a1);
            shade.at<float>(y, x) *= float(1 - 0.35 * k * a2 * (1 - a1));
        }
    cv::max(line, groove, d.alpha);
    d.mask = maskFrom(d.alpha, 0.1, 1);
}

/// `grain`: wood splits along its grain (radians); other materials crack in any direction.
void crack(Rng& rng, int n, double s, cv::Mat& colour, DefectLayer& d, double k, std::optional<double> grain) {
    cv::Mat layer = cv::Mat::zeros(n, n, CV_32F);
    auto walk = [&](cv::Point2d p, double heading, double len, double maxStrength) {
        std::vector<cv::Point2d> pts{p};
        std::vector<double> strength{0};
        const double step = 2.5 * std::max(0.6, s);
        double a = heading;
        const int steps = std::max(4, int(len / step));
        for (int i = 1; i <= steps; ++i) {
            // Jagged but going somewhere: each turn is pulled back towards the main heading.
            a += rng.normal() * 0.45 - 0.25 * (a - heading);
            p += cv::Point2d(std::cos(a), std::sin(a)) * step;
            p.x = std::clamp(p.x, 2.0, n - 3.0);
            p.y = std::clamp(p.y, 2.0, n - 3.0);
            const double t = double(i) / steps;
            pts.push_back(p);
            strength.push_back(maxStrength * std::min(1.0, 4 * std::min(t, 1 - t) + 0.25) * rng.uniform(0.7, 1.0));
        }
        drawPath(layer, pts, strength, std::max(3, int(std::lround(rng.uniform(2.2, 3.6) * s))));
        return pts;
    };
    const cv::Point2d start = somewhere(rng, n, 0.25);
    const double free = rng.uniform(0, 2 * kPi), len = rng.uniform(0.3, 0.7) * n;
    const double heading = grain ? *grain + (free < kPi ? 0.0 : kPi) + rng.uniform(-0.12, 0.12) : free;
    const auto main = walk(start, heading, len, 1.0);
    const int branches = rng.range(0, 2);
    for (int b = 0; b < branches; ++b) {
        const cv::Point2d from = main[size_t(rng.range(int(main.size()) / 4, int(main.size()) * 3 / 4))];
        walk(from, heading + (rng.chance(0.5) ? 1 : -1) * rng.uniform(0.4, 1.0), len * rng.uniform(0.2, 0.45), 0.8);
    }
    const double dark = rng.uniform(0.55, 0.85) * k;
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x)
            if (const float a = layer.at<float>(y, x); a > 0)
                colour.at<cv::Vec3f>(y, x) *= float(1 - dark * a);
    d.alpha = layer;
    d.mask = maskFrom(layer, 0.1, 1);
}

void pits(Rng& rng, int n, double s, cv::Mat& colour, cv::Mat& shade, DefectLayer& d, double k,
          cv::Point2d light) {
    const cv::Point2d c = somewhere(rng, n, 0.18);
    const int count = rng.chance(0.55) ? 1 : rng.range(2, 5);
    d.alpha = cv::Mat::zeros(n, n, CV_32F);
    for (int i = 0; i < count; ++i) {
        const cv::Point2d p = i == 0 ? c : c + cv::Point2d(rng.normal(), rng.normal()) * (20 * s);
        const double r = rng.uniform(6.0, 12.0) * s * (i == 0 ? 1.0 : 0.7);
        const int x0 = std::max(0, int(p.x - 2 * r - 2)), x1 = std::min(n - 1, int(p.x + 2 * r + 2));
        const int y0 = std::max(0, int(p.y - 2 * r - 2)), y1 = std::min(n - 1, int(p.y + 2 * r + 2));
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x) {
                const double dx = (x - p.x) / r, dy = (y - p.y) / r, q = std::sqrt(dx * dx + dy * dy);
                if (q >= 1.4) continue;
                const double facing = q > 1e-6 ? (dx * light.x + dy * light.y) / q : 0.0;
                float& sh = shade.at<float>(y, x);
                if (q < 1.0) {
                    // A crater: dark floor, its wall towards the light in shadow.
                    const double depth = std::sqrt(1 - q * q);
                    sh *= float(1 - k * (0.45 * depth + 0.25 * std::max(0.0, -facing) * q + 0.1));
                    colour.at<cv::Vec3f>(y, x) *= float(1 - 0.25 * k * depth);
                } else {
                    // The raised rim catches the light on the far side.
                    const double rim = std::sin(kPi * (q - 1.0) / 0.4);
                    sh *= float(1 + 0.35 * k * rim * std::max(0.0, facing));
                }
                d.alpha.at<float>(y, x) = std::max(d.alpha.at<float>(y, x), float(q < 1.0 ? 1.0 : (1.4 - q) / 0.4));
            }
    }
    d.mask = maskFrom(d.alpha, 0.0, 0);
}

void stain(Rng& rng, int n, double s, cv::Mat& colour, DefectLayer& d, double k) {
    const cv::Point2d c = somewhere(rng, n, 0.25);
    // At most about a quarter of the frame across: a stain, not a different surface.
    const double rx = std::min(rng.uniform(20, 50) * s, 0.26 * n), ry = rx * rng.uniform(0.5, 1.0);
    const double a = rng.uniform(0, kPi), ca = std::cos(a), sa = std::sin(a);
    const cv::Mat wobble = lowFrequency(rng, n, std::max(4, int(n / (rx * 0.8))));
    const cv::Mat mottle = smoothNoise(rng, n, 2.5 * s);
    // What shows depends on the surface: a dark film is lost on dark cloth and a whitish
    // residue on bright metal, so each surface gets the kinds that would be noticed on it.
    enum Kind { Oil, Rust, Water, Residue };
    const cv::Scalar mean = cv::mean(colour);
    const double brightness = (mean[0] + mean[1] + mean[2]) / 3;
    const std::vector<Kind> kinds = brightness > 0.5   ? std::vector<Kind>{Oil, Rust, Water}
                                    : brightness < 0.25 ? std::vector<Kind>{Rust, Residue}
                                                        : std::vector<Kind>{Oil, Rust, Water, Residue};
    const Kind kind = kinds[size_t(rng.range(0, int(kinds.size()) - 1))];
    const double opacity = rng.uniform(0.5, 0.9) * std::max(k, 0.6);  // faint stains vanish in texture
    d.alpha = cv::Mat::zeros(n, n, CV_32F);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) {
            const double u = ((x - c.x) * ca + (y - c.y) * sa) / rx, v = (-(x - c.x) * sa + (y - c.y) * ca) / ry;
            const double field = 1 - (u * u + v * v) + 0.45 * wobble.at<float>(y, x);
            if (field <= 0) continue;
            const double smooth = std::min(1.0, field / 0.45);
            // Soft, ragged edge and an uneven film, not a flat sticker.
            double al = smooth * smooth * (3 - 2 * smooth) * std::clamp(0.8 + 0.25 * mottle.at<float>(y, x), 0.0, 1.0);
            if (kind == Water) al = std::min(1.0, 0.35 * al + 2.5 * al * (1 - al) + 0.05);  // tide line
            d.alpha.at<float>(y, x) = float(al);
            cv::Vec3f& px = colour.at<cv::Vec3f>(y, x);
            cv::Vec3f stained;
            switch (kind) {
            case Oil: stained = px.mul(cv::Vec3f(0.5f, 0.55f, 0.58f)); break;          // darker, slightly brown
            case Rust: stained = cv::Vec3f(0.12f, 0.27f, 0.55f) * float(0.7 + 0.6 * px[1]); break;  // orange-brown
            case Water: stained = px * 0.72f; break;                                    // a darker rim
            case Residue: stained = px * 0.6f + cv::Vec3f(0.85f, 0.86f, 0.84f) * 0.4f; break;  // whitish film
            }
            const float w = float(opacity * al);
            px = px * (1 - w) + stained * w;
        }
    d.mask = maskFrom(d.alpha, 0.12, 0);
}

void inclusion(Rng& rng, int n, double s, cv::Mat& colour, DefectLayer& d, double k) {
    const cv::Point2d c = somewhere(rng, n, 0.18);
    const bool stringer = rng.chance(0.4);  // elongated, as rolled or drawn material has them
    const double r = rng.uniform(7.0, 13.0) * s, a = rng.uniform(0, kPi);
    const double elong = stringer ? rng.uniform(2.5, 5.0) : rng.uniform(1.0, 1.6);
    const int corners = rng.range(6, 10);
    std::vector<cv::Point> poly;
    for (int i = 0; i < corners; ++i) {
        const double t = 2 * kPi * i / corners + rng.uniform(-0.25, 0.25);
        const double rr = r * rng.uniform(0.6, 1.25);
        const double lx = std::cos(t) * rr * elong, ly = std::sin(t) * rr;
        poly.push_back(fixedPoint(c.x + lx * std::cos(a) - ly * std::sin(a), c.y + lx * std::sin(a) + ly * std::cos(a)));
    }
    cv::Mat canvas = cv::Mat::zeros(n, n, CV_8U);
    cv::fillPoly(canvas, std::vector<std::vector<cv::Point>>{poly}, cv::Scalar(255), cv::LINE_AA, 4);
    if (rng.chance(0.4)) {  // a few fragments broken off beside it
        for (int i = rng.range(1, 3); i > 0; --i) {
            const cv::Point2d f = c + cv::Point2d(std::cos(a), std::sin(a)) * (r * elong * rng.uniform(1.3, 2.2) *
                                                                                 (rng.chance(0.5) ? 1 : -1));
            cv::circle(canvas, fixedPoint(f.x, f.y), int(std::lround(rng.uniform(0.8, 1.8) * s * 16)), cv::Scalar(255),
                       cv::FILLED, cv::LINE_AA, 4);
        }
    }
    canvas.convertTo(d.alpha, CV_32F, 1.0 / 255.0);
    static const std::array<cv::Vec3f, 4> material = {
        cv::Vec3f(0.06f, 0.06f, 0.07f),  // slag
        cv::Vec3f(0.10f, 0.16f, 0.28f),  // oxide
        cv::Vec3f(0.16f, 0.15f, 0.14f),  // dirt under paint
        cv::Vec3f(0.80f, 0.80f, 0.78f),  // bright silicate
    };
    const cv::Vec3f m = material[size_t(rng.range(0, 3))];
    const cv::Mat grain = smoothNoise(rng, n, 0.6);
    const double cover = rng.uniform(0.6, 1.0) * std::max(0.7, k);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x)
            if (const float al = d.alpha.at<float>(y, x); al > 0) {
                cv::Vec3f& px = colour.at<cv::Vec3f>(y, x);
                const float w = float(cover * al);
                px = px * (1 - w) + m * float(w * (1 + 0.15 * grain.at<float>(y, x)));
            }
    d.mask = maskFrom(d.alpha, 0.1, 1);
}

void dent(Rng& rng, int n, double s, cv::Mat& colour, cv::Mat& shade, DefectLayer& d, double k,
          cv::Point2d light) {
    const cv::Point2d c = somewhere(rng, n, 0.25);
    // At most about half the frame across, as for stains.
    const double rx = std::min(rng.uniform(20, 48) * s, 0.24 * n), ry = rx * rng.uniform(0.55, 1.0), a = rng.uniform(0, kPi);
    const double ca = std::cos(a), sa = std::sin(a);
    // Height (1 - q^2)^2 inside the ellipse: smooth, zero with zero slope on its border.
    cv::Mat h = cv::Mat::zeros(n, n, CV_32F);
    d.alpha = cv::Mat::zeros(n, n, CV_32F);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) {
            const double u = ((x - c.x) * ca + (y - c.y) * sa) / rx, v = (-(x - c.x) * sa + (y - c.y) * ca) / ry;
            const double q2 = u * u + v * v;
            if (q2 >= 1) continue;
            h.at<float>(y, x) = float(-(1 - q2) * (1 - q2));
            d.alpha.at<float>(y, x) = float(1 - q2);
        }
    cv::Mat gx, gy;
    cv::Sobel(h, gx, CV_32F, 1, 0, 3, 1.0 / 8);
    cv::Sobel(h, gy, CV_32F, 0, 1, 3, 1.0 / 8);
    double maxSlope = 1e-6;
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) maxSlope = std::max(maxSlope, double(std::hypot(gx.at<float>(y, x), gy.at<float>(y, x))));
    // Lit from `light`: the wall facing it brightens, the far wall darkens; the texture bends.
    const double contrast = rng.uniform(0.35, 0.6) * k, bend = rng.uniform(1.0, 3.0) * s;
    cv::Mat mapX(n, n, CV_32F), mapY(n, n, CV_32F);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) {
            const double sx = gx.at<float>(y, x) / maxSlope, sy = gy.at<float>(y, x) / maxSlope;
            shade.at<float>(y, x) *= float(1 - contrast * (sx * light.x + sy * light.y));
            mapX.at<float>(y, x) = float(x + bend * sx);
            mapY.at<float>(y, x) = float(y + bend * sy);
        }
    cv::Mat bent;
    cv::remap(colour, bent, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_REFLECT);
    // Copy back only inside the dent, so nothing outside changes.
    bent.copyTo(colour, d.alpha > 0);
    d.mask = maskFrom(d.alpha, 0.0, 0);
}

}  // namespace

Result<Sample> renderSample(const SampleSpec& spec) {
    const int n = spec.size;
    if (n < 64 || n > 2048) return makeError(ErrorCode::InvalidArgument, "demo image size must be 64..2048 pixels");
    try {
        Rng surfaceRng(deriveSeed(spec.seed, kTagSurface)), lightRng(deriveSeed(spec.seed, kTagLight));
        Rng cameraRng(deriveSeed(spec.seed, kTagCamera)), defectRng(deriveSeed(spec.seed, kTagDefect));
        const double unit = n / 224.0;  // every length is designed at 224 pixels
        const double s = unit * surfaceRng.uniform(0.7, 1.45);  // camera distance
        SurfaceLayer L;
        switch (spec.surface) {
        case Surface::BrushedMetal: L = brushedMetal(surfaceRng, n, s); break;
        case Surface::CastMetal: L = castMetal(surfaceRng, n, s); break;
        case Surface::PaintedPanel: L = paintedPanel(surfaceRng, n, s); break;
        case Surface::Fabric: L = fabric(surfaceRng, n, s); break;
        case Surface::Wood: L = wood(surfaceRng, n, s); break;
        }
        cv::Mat colour = L.colour;

        // Lighting: brightness, a linear fall-off from the lamp side, vignetting, colour temperature.
        const double lightAngle = lightRng.uniform(0, 2 * kPi);
        const cv::Point2d light(std::cos(lightAngle), std::sin(lightAngle));  // towards the lamp
        const double brightness = lightRng.uniform(0.78, 1.18), falloff = lightRng.uniform(0.05, 0.45);
        const double vignette = lightRng.uniform(0.0, 0.3), warmth = lightRng.uniform(-0.05, 0.05);
        cv::Mat shade(n, n, CV_32F);
        for (int y = 0; y < n; ++y)
            for (int x = 0; x < n; ++x) {
                const double dx = (x - n / 2.0) / n, dy = (y - n / 2.0) / n;
                shade.at<float>(y, x) =
                    float(brightness * (1 + falloff * (dx * light.x + dy * light.y)) * (1 - vignette * 2 * (dx * dx + dy * dy)));
            }

        Sample out;
        DefectLayer d;
        d.mask = cv::Mat::zeros(n, n, CV_8U);
        if (spec.defect) {
            const double k = defectRng.uniform(0.6, 1.0);  // how visible this one is
            // Inspection photos are close-ups of the defect: sized so that every kind still shows
            // at the demo model's 96 px (tests/demo: at least 12 pixels change visibly there).
            const double ds = unit * defectRng.uniform(1.2, 1.9) * (s / unit);
            switch (*spec.defect) {
            case Defect::Scratch: scratch(defectRng, n, ds, colour, shade, d, k); break;
            case Defect::Crack:
                crack(defectRng, n, ds, colour, d, k, spec.surface == Surface::Wood ? std::optional<double>(L.grainAngle) : std::nullopt);
                break;
            case Defect::Pit: pits(defectRng, n, ds, colour, shade, d, k, light); break;
            case Defect::Stain: stain(defectRng, n, ds, colour, d, k); break;
            case Defect::Inclusion: inclusion(defectRng, n, ds, colour, d, k); break;
            case Defect::Dent: dent(defectRng, n, ds, colour, shade, d, k, light); break;
            }
        }

        const cv::Vec3f temperature(float(1 - warmth), 1.0f, float(1 + warmth));
        cv::Mat lit(n, n, CV_32FC3);
        for (int y = 0; y < n; ++y)
            for (int x = 0; x < n; ++x) {
                const cv::Vec3f c = colour.at<cv::Vec3f>(y, x).mul(temperature);
                const float g = L.gloss.at<float>(y, x) * shade.at<float>(y, x);
                lit.at<cv::Vec3f>(y, x) = c * shade.at<float>(y, x) + cv::Vec3f(g, g, g);
            }

        // Camera: a little defocus and sensor noise (the same noise with or without the defect).
        const double blur = cameraRng.uniform(0.0, 0.9) * unit, noise = cameraRng.uniform(0.004, 0.018);
        if (blur > 0.3) cv::GaussianBlur(lit, lit, cv::Size(), blur);
        cv::Mat grain = whiteNoise(cameraRng, n, n * 3).reshape(3, n);
        lit += grain * noise;
        lit.convertTo(out.image, CV_8UC3, 255.0);  // saturates to 0..255
        out.mask = d.mask;
        return out;
    } catch (const cv::Exception& e) {
        return makeError(ErrorCode::Internal, std::string("rendering a demo photo failed: ") + e.what());
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "out of memory while rendering a demo photo");
    }
}

}  // namespace diffclip::demo
