// Formula-driven pretraining images (FractalDB-like IFS fractals, RCDB-like radial contours)
// and the class-per-folder tree that pretraining reads. See FormulaImages.h for the contract.
// Built with -ffp-contract=off (core/demo/CMakeLists.txt): the class list must not depend on
// whether the compiler fuses a*b+c, or a platform with FMA would accept other fractals.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "Files.h"
#include "Random.h"
#include "diffclip/base/ThreadPool.h"
#include "diffclip/demo/FormulaImages.h"
#include "diffclip/formats/Json.h"

namespace diffclip::demo {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFormulaGeneratorName = "diffclip-formula";
constexpr int kFillRaster = 64;              // the filling-rate raster (FractalDB measures on a small one)
constexpr int kFillPoints = 20000;           // chaos-game points for the filling rate
constexpr int kBurnIn = 20;                  // first points, still off the attractor, are dropped
constexpr double kMaxSingular = 0.9;         // contraction of a class's maps: the game converges
constexpr double kMaxSingularJittered = 0.97;
constexpr double kMinDet = 0.02;             // below: a map that squashes the plane to a line
constexpr double kMinContourLength = 200;     // ring length (px at 64x64): keeps the fill in range
constexpr double kMaxContourLength = 700;
constexpr int kMaxAttempts = 100000;         // draws per class before giving up (never reached in tests)

/// Largest singular value of [[a b] [c d]] (closed form: no iteration, exact arithmetic only).
double largestSingular(const AffineMap& m) {
    const double t = m.a * m.a + m.b * m.b + m.c * m.c + m.d * m.d;
    const double det = m.a * m.d - m.b * m.c;
    const double disc = std::max(0.0, t * t - 4.0 * det * det);
    return std::sqrt((t + std::sqrt(disc)) / 2.0);
}

bool usable(const AffineMap& m, double maxSingular) {
    return std::fabs(m.a * m.d - m.b * m.c) >= kMinDet && largestSingular(m) <= maxSingular;
}

void setProbabilities(std::vector<AffineMap>& maps) {
    double sum = 0;
    for (const auto& m : maps) sum += std::fabs(m.a * m.d - m.b * m.c);
    for (auto& m : maps) m.p = std::fabs(m.a * m.d - m.b * m.c) / sum;
}

/// The chaos game: `count` points of the attractor (after the burn-in), as x,y pairs.
std::vector<float> chaosGame(const std::vector<AffineMap>& maps, int count, Rng& rng) {
    std::vector<double> cumulative;
    double acc = 0;
    for (const auto& m : maps) cumulative.push_back(acc += m.p);
    std::vector<float> pts;
    pts.reserve(size_t(count) * 2);
    double x = 0, y = 0;
    for (int i = 0; i < count + kBurnIn; ++i) {
        const double u = rng.uniform() * acc;
        size_t k = 0;
        while (k + 1 < maps.size() && u >= cumulative[k]) ++k;
        const AffineMap& m = maps[k];
        const double nx = m.a * x + m.b * y + m.e;
        const double ny = m.c * x + m.d * y + m.f;
        x = nx;
        y = ny;
        if (i >= kBurnIn) {
            pts.push_back(float(x));
            pts.push_back(float(y));
        }
    }
    return pts;
}

struct Box {
    double cx = 0, cy = 0, extent = 0;  // centre and the longer side
};

Box boundingBox(const std::vector<float>& pts) {
    double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
    for (size_t i = 0; i + 1 < pts.size(); i += 2) {
        x0 = std::min(x0, double(pts[i]));
        x1 = std::max(x1, double(pts[i]));
        y0 = std::min(y0, double(pts[i + 1]));
        y1 = std::max(y1, double(pts[i + 1]));
    }
    if (pts.empty()) return {};
    return {(x0 + x1) / 2, (y0 + y1) / 2, std::max(x1 - x0, y1 - y0)};
}

/// Share of a 64x64 raster hit by the cloud fitted into it (aspect kept, so a line stays thin).
double fractalFill(const std::vector<AffineMap>& maps, uint64_t seed) {
    Rng rng(seed);
    const std::vector<float> pts = chaosGame(maps, kFillPoints, rng);
    const Box box = boundingBox(pts);
    if (!(box.extent > 1e-9) || !std::isfinite(box.extent)) return 0;
    std::vector<unsigned char> hit(size_t(kFillRaster * kFillRaster), 0);
    const double s = (kFillRaster - 1e-6) / box.extent;
    for (size_t i = 0; i + 1 < pts.size(); i += 2) {
        const int px = int(std::floor((pts[i] - box.cx) * s + kFillRaster / 2.0));
        const int py = int(std::floor((pts[i + 1] - box.cy) * s + kFillRaster / 2.0));
        if (px >= 0 && py >= 0 && px < kFillRaster && py < kFillRaster) hit[size_t(py * kFillRaster + px)] = 1;
    }
    int count = 0;
    for (unsigned char h : hit) count += h;
    return double(count) / double(kFillRaster * kFillRaster);
}

/// Where a shape lands in the image: rotation, mirror, scale and shift (the camera's part).
struct Placement {
    double cosA = 1, sinA = 0;
    bool flip = false;
    double scale = 1;        // pixels per shape unit
    double tx = 0, ty = 0;   // image position of the shape's centre, pixels

    cv::Point2d apply(double x, double y) const {
        if (flip) x = -x;
        return {tx + scale * (cosA * x - sinA * y), ty + scale * (sinA * x + cosA * y)};
    }
};

Placement drawPlacement(Rng& rng, int size, double fit) {
    Placement p;
    const double angle = rng.uniform(0, 2 * kPi);
    p.cosA = std::cos(angle);
    p.sinA = std::sin(angle);
    p.flip = rng.chance(0.5);
    p.scale = size * fit * rng.uniform(0.8, 1.2);
    p.tx = size / 2.0 + size * rng.uniform(-0.08, 0.08);
    p.ty = size / 2.0 + size * rng.uniform(-0.08, 0.08);
    return p;
}

/// Coverage 0..1 of a fractal instance: the cloud splatted bilinearly (anti-aliased) and
/// saturated, so a region hit once or a hundred times both read as solid.
cv::Mat renderFractal(const FormulaClass& c, int size, Rng& rng) {
    std::vector<AffineMap> maps = c.maps;
    // FractalDB's intra-category variation: one parameter of one map scaled by 0.85..1.15.
    const size_t k = size_t(rng.range(0, int(maps.size()) - 1));
    const int which = rng.range(0, 5);
    const double w = rng.uniform(0.85, 1.15);
    AffineMap jittered = maps[k];
    double* params[6] = {&jittered.a, &jittered.b, &jittered.c, &jittered.d, &jittered.e, &jittered.f};
    *params[which] *= w;
    if (usable(jittered, kMaxSingularJittered)) maps[k] = jittered;
    setProbabilities(maps);

    const std::vector<float> pts = chaosGame(maps, size * size * 3 / 4, rng);
    const Box box = boundingBox(pts);
    Placement place = drawPlacement(rng, size, 0.8);
    cv::Mat acc = cv::Mat::zeros(size, size, CV_32F);
    if (!(box.extent > 1e-9) || !std::isfinite(box.extent)) return acc;
    place.scale /= box.extent;
    for (size_t i = 0; i + 1 < pts.size(); i += 2) {
        const cv::Point2d q = place.apply(pts[i] - box.cx, pts[i + 1] - box.cy);
        const double fx = q.x - 0.5, fy = q.y - 0.5;  // pixel centres at +0.5
        const int x0 = int(std::floor(fx)), y0 = int(std::floor(fy));
        const float ax = float(fx - x0), ay = float(fy - y0);
        const float wts[4] = {(1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay};
        for (int j = 0; j < 4; ++j) {
            const int x = x0 + (j & 1), y = y0 + (j >> 1);
            if (x >= 0 && y >= 0 && x < size && y < size) acc.at<float>(y, x) += wts[j];
        }
    }
    cv::Mat coverage(size, size, CV_32F);
    for (int y = 0; y < size; ++y) {
        const float* a = acc.ptr<float>(y);
        float* o = coverage.ptr<float>(y);
        for (int x = 0; x < size; ++x) o[x] = 1.0f - std::exp(-1.5f * a[x]);
    }
    return coverage;
}

/// The polygons of a contour class. `noisePhase` moves the per-vertex noise, `phaseJitter`
/// the harmonics (radians); all radii are in shape units (1 = image side at scale 1).
std::vector<std::vector<cv::Point2d>> contourShape(const FormulaClass& c, double noisePhase, double phaseJitter) {
    std::vector<std::vector<cv::Point2d>> rings;
    for (int r = 0; r < c.rings; ++r) {
        const double base = c.innerRadius + r * c.ringGap;
        std::vector<cv::Point2d> poly;
        for (int i = 0; i < c.vertices; ++i) {
            const double theta = 2 * kPi * i / c.vertices;
            double f = 1;
            for (size_t h = 0; h < c.harmonics.size(); ++h)
                f += c.amplitudes[h] * std::cos(c.harmonics[h] * theta + c.phases[h] + phaseJitter);
            // Irregular but smooth along the ring and between rings: two incommensurate steps.
            f += c.noise * std::sin(2.399963 * i + 1.7 * r + noisePhase);
            const double radius = base * std::max(0.05, f);
            poly.emplace_back(radius * std::cos(theta), radius * std::sin(theta));
        }
        rings.push_back(std::move(poly));
    }
    return rings;
}

/// Coverage 0..1 of contour lines drawn with OpenCV's anti-aliasing (sub-pixel positions).
cv::Mat drawContours(const std::vector<std::vector<cv::Point2d>>& rings, const Placement& place, int size,
                     int thickness) {
    constexpr int kShift = 4;
    cv::Mat mask = cv::Mat::zeros(size, size, CV_8U);
    std::vector<std::vector<cv::Point>> polys;
    for (const auto& ring : rings) {
        std::vector<cv::Point> poly;
        for (const auto& v : ring) {
            const cv::Point2d q = place.apply(v.x, v.y);
            poly.emplace_back(int(std::lround(q.x * (1 << kShift))), int(std::lround(q.y * (1 << kShift))));
        }
        polys.push_back(std::move(poly));
    }
    cv::polylines(mask, polys, true, cv::Scalar(255), thickness, cv::LINE_AA, kShift);
    cv::Mat coverage;
    mask.convertTo(coverage, CV_32F, 1.0 / 255);
    return coverage;
}

double contourFill(const FormulaClass& c) {
    Placement place;
    place.scale = kFillRaster;
    place.tx = place.ty = kFillRaster / 2.0;
    const cv::Mat cov = drawContours(contourShape(c, 0, 0), place, kFillRaster, 1);
    return double(cv::countNonZero(cov > 0.25)) / double(kFillRaster * kFillRaster);
}

FormulaClass makeFractal(FormulaClass c) {
    Rng rng(c.seed);
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
        const int n = rng.range(2, 4);
        std::vector<AffineMap> maps;
        while (int(maps.size()) < n) {
            AffineMap m;
            m.a = rng.uniform(-1, 1);
            m.b = rng.uniform(-1, 1);
            m.c = rng.uniform(-1, 1);
            m.d = rng.uniform(-1, 1);
            m.e = rng.uniform(-1, 1);
            m.f = rng.uniform(-1, 1);
            if (usable(m, kMaxSingular)) maps.push_back(m);
        }
        setProbabilities(maps);
        const double fill = fractalFill(maps, deriveSeed(c.seed, 1));
        if (fill >= kMinFractalFill && fill <= kMaxFractalFill) {
            c.maps = std::move(maps);
            c.fill = fill;
            return c;
        }
    }
    return c;  // not reached in practice; an empty map list renders a blank shape
}

FormulaClass makeContour(FormulaClass c) {
    Rng rng(c.seed);
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
        c.vertices = rng.range(3, 16);
        c.rings = rng.range(2, 6);
        c.innerRadius = rng.uniform(0.06, 0.16);
        c.ringGap = std::min(rng.uniform(0.03, 0.08), (0.40 - c.innerRadius) / (c.rings - 1));
        const int nh = rng.range(1, 3);
        c.harmonics.clear();
        c.amplitudes.clear();
        c.phases.clear();
        for (int h = 0; h < nh; ++h) {
            c.harmonics.push_back(rng.range(1, 8));
            c.amplitudes.push_back(rng.uniform(0, 0.3));
            c.phases.push_back(rng.uniform(0, 2 * kPi));
        }
        c.noise = rng.uniform(0, 0.25);
        c.thickness = rng.range(1, 2);
        // Accepted on the rings' total length (circles of the base radii, in pixels of the
        // 64x64 raster): plain arithmetic, so the choice is the same on every platform, where
        // the drawn filling rate goes through libm's cos and OpenCV's rasteriser.
        double length = 0;
        for (int r = 0; r < c.rings; ++r) length += 2 * kPi * (c.innerRadius + r * c.ringGap) * kFillRaster;
        if (length >= kMinContourLength && length <= kMaxContourLength) {
            c.fill = contourFill(c);
            return c;
        }
    }
    return c;
}

/// A smooth random field, zero mean, about -1..1: a few random values upsampled.
cv::Mat lowFrequency(Rng& rng, int size, int rows, int cols) {
    cv::Mat grid(rows, cols, CV_32F), up;
    for (int y = 0; y < rows; ++y)
        for (int x = 0; x < cols; ++x) grid.at<float>(y, x) = float(rng.uniform(-1, 1));
    cv::resize(grid, up, cv::Size(size, size), 0, 0, cv::INTER_CUBIC);
    return up;
}

/// Near-normal sensor noise at a fraction of Box-Muller's cost (it was half the render time):
/// the sum of the four 16-bit parts of one draw (Irwin-Hall), scaled to unit variance.
inline double approxNormal(Rng& rng) {
    const uint64_t v = rng.next();
    const double sum = double(v & 0xFFFF) + double((v >> 16) & 0xFFFF) + double((v >> 32) & 0xFFFF) + double(v >> 48);
    return (sum / 65535.0 - 2.0) * 1.7320508075688772;  // variance of each part 1/12: sqrt(12/4)
}

/// Puts the shape's coverage on a grey inspection-like background.
cv::Mat composite(const cv::Mat& coverage, Rng& rng) {
    const int size = coverage.rows;
    const double bg = rng.uniform(50, 200);
    double contrast = rng.uniform(50, 130) * (rng.chance(0.5) ? 1 : -1);
    if (bg + contrast > 250 || bg + contrast < 5) contrast = -contrast;  // keep it visible
    const double fg = std::clamp(bg + contrast, 5.0, 250.0);

    cv::Mat texture = lowFrequency(rng, size, 6, 6) * float(rng.uniform(4, 18));
    if (rng.chance(0.4)) {  // rolling streaks, as on strip steel, across or along
        const bool across = rng.chance(0.5);
        const int n = std::max(4, size / 4);
        cv::Mat line = across ? lowFrequency(rng, size, n, 1) : lowFrequency(rng, size, 1, n);
        texture += line * float(rng.uniform(3, 10));
    }
    const cv::Mat shapeTexture = lowFrequency(rng, size, 4, 4) * float(rng.uniform(0, 12));
    const double noise = rng.uniform(1.5, 7);

    cv::Mat grey(size, size, CV_32F);
    for (int y = 0; y < size; ++y) {
        const float* cov = coverage.ptr<float>(y);
        const float* tex = texture.ptr<float>(y);
        const float* st = shapeTexture.ptr<float>(y);
        float* o = grey.ptr<float>(y);
        for (int x = 0; x < size; ++x) {
            const double back = bg + tex[x], front = fg + st[x];
            o[x] = float(back + cov[x] * (front - back) + noise * approxNormal(rng));
        }
    }
    if (rng.chance(0.3)) {
        const double sigma = rng.uniform(0.5, 1.2);
        cv::GaussianBlur(grey, grey, cv::Size(), sigma, sigma, cv::BORDER_REFLECT);
    }
    cv::Mat grey8, bgr;
    grey.convertTo(grey8, CV_8U);  // rounds and saturates
    cv::cvtColor(grey8, bgr, cv::COLOR_GRAY2BGR);
    return bgr;
}

std::string classFolder(int index) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "formula-%03d", index);
    return buf;
}

std::string imageName(int instance) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d.png", instance);
    return buf;
}

Json manifestJson(int classes, int perClass, int size, uint64_t seed) {
    Json j = Json::object();
    j["generator"] = kFormulaGeneratorName;
    j["version"] = int64_t(kFormulaGeneratorVersion);
    j["seed"] = std::to_string(seed);  // text: a 64-bit seed does not survive a JSON double
    j["classes"] = int64_t(classes);
    j["per_class"] = int64_t(perClass);
    j["size"] = int64_t(size);
    j["fractal_classes"] = int64_t((classes + 1) / 2);  // even indices
    j["contour_classes"] = int64_t(classes / 2);
    return j;
}

}  // namespace

std::vector<FormulaClass> makeFormulaClasses(int count, uint64_t seed) {
    std::vector<FormulaClass> out;
    if (count < 1) return out;
    count = std::min(count, 9999);
    out.reserve(size_t(count));
    for (int i = 0; i < count; ++i) {
        FormulaClass c;
        c.index = i;
        c.seed = deriveSeed(seed, uint64_t(i) + 1);  // class i is the same in every list length
        c.kind = i % 2 == 0 ? FormulaKind::Fractal : FormulaKind::Contour;
        out.push_back(c.kind == FormulaKind::Fractal ? makeFractal(c) : makeContour(c));
    }
    return out;
}

double formulaFillRate(const FormulaClass& c) {
    if (c.kind == FormulaKind::Fractal) return c.maps.empty() ? 0.0 : fractalFill(c.maps, deriveSeed(c.seed, 1));
    return c.vertices >= 3 && c.rings >= 1 ? contourFill(c) : 0.0;
}

cv::Mat renderFormulaImage(const FormulaClass& c, int instance, int size, uint64_t seed) {
    if (size < 32 || size > 1024 || instance < 0) return {};
    Rng rng(deriveSeed(deriveSeed(c.seed, seed), uint64_t(instance)));
    cv::Mat coverage;
    if (c.kind == FormulaKind::Fractal) {
        if (c.maps.empty()) return {};
        coverage = renderFractal(c, size, rng);
    } else {
        if (c.vertices < 3 || c.rings < 1) return {};
        const double noisePhase = rng.uniform(0, 2 * kPi);
        const double phaseJitter = rng.uniform(-0.15, 0.15);
        const Placement place = drawPlacement(rng, size, 1.0);
        const int thickness = std::max(1, int(std::lround(c.thickness * std::max(1.0, size / 192.0))));
        coverage = drawContours(contourShape(c, noisePhase, phaseJitter), place, size, thickness);
    }
    return composite(coverage, rng);
}

std::string formulaClassPrompt(int c) {
    // Two common words per class, each one CLIP BPE token: a random text tower already tells
    // such prompts apart (numbers differing in one digit start nearly equal), so pretraining
    // spends its steps on the images. Class c takes word c % 64 and word (5a + 17k + 3) % 64
    // (a = c % 64, k = c / 64): distinct pairs for every c < 4096.
    static const char* const kWords[64] = {
        "apple", "river", "stone", "cloud", "tiger", "lemon", "piano", "candle", "forest", "rocket", "silver", "garden",
        "window", "dragon", "pepper", "castle", "butter", "planet", "mirror", "coffee", "island", "jacket", "violin",
        "hammer", "orange", "bridge", "pencil", "summer", "winter", "rabbit", "ticket", "marble", "anchor", "basket",
        "circle", "desert", "engine", "feather", "ginger", "harbor", "jungle", "kettle", "ladder", "meadow", "needle",
        "oyster", "parrot", "quartz", "ribbon", "saddle", "tunnel", "valley", "walnut", "yellow", "zebra", "bottle",
        "copper", "dollar", "falcon", "glacier", "helmet", "monkey", "rubber", "spider"};
    const int a = c % 64, k = c / 64;
    return std::string("a formula image: ") + kWords[a] + " " + kWords[(5 * a + 17 * k + 3) % 64] + ".";
}

Status writeFormulaTree(const std::string& root, int classes, int perClass, int size, uint64_t seed,
                        const JobControl& job, int threads) {
    if (root.empty()) return makeError(ErrorCode::InvalidArgument, "no output folder given for the formula images");
    if (classes < 1 || classes > 999) return makeError(ErrorCode::InvalidArgument, "formula classes must be 1..999");
    if (perClass < 1 || perClass > 9999)
        return makeError(ErrorCode::InvalidArgument, "formula images per class must be 1..9999");
    if (size < 32 || size > 1024) return makeError(ErrorCode::InvalidArgument, "formula image size must be 32..1024");

    const fs::path dir(root);
    const int64_t total = int64_t(classes) * perClass;
    job.progress.stage("generate", total);
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) return ioError("write into", dir, "it is not a folder");
    fs::create_directories(dir, ec);
    if (ec) return ioError("create folder", dir, ec.message());

    const fs::path manifestPath = dir / "manifest.json";
    const Json wanted = manifestJson(classes, perClass, size, seed);
    if (fs::exists(manifestPath, ec)) {
        std::ifstream f(manifestPath, std::ios::binary);
        if (!f) return ioError("read", manifestPath, std::strerror(errno));
        const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        auto have = parseJson(text);
        if (!have || *have != wanted)
            return makeError(ErrorCode::Mismatch, root +
                                                      " holds formula images made with other parameters or another "
                                                      "generator version (manifest.json); choose a new folder");
    } else {
        // A manifest write cut short is the one thing a run leaves before its manifest exists.
        fs::remove(dir / "manifest.json.tmp", ec);
        const bool empty = fs::is_empty(dir, ec);
        if (ec) return ioError("read folder", dir, ec.message());
        if (!empty)
            return makeError(ErrorCode::Mismatch,
                             root + " is not empty and holds no formula manifest; choose a new or empty folder");
        if (Status s = writeTextAtomic(manifestPath, dumpJson(wanted, 2) + "\n"); !s) return s;
    }

    struct Item {
        int cls = 0, instance = 0;
        fs::path path;
    };
    std::vector<Item> todo;
    int64_t found = 0;
    for (int c = 0; c < classes; ++c) {
        const fs::path folder = dir / classFolder(c);
        fs::create_directories(folder, ec);
        if (ec) return ioError("create folder", folder, ec.message());
        // A .tmp left by an interrupted run is never whole: drop it (the image is redone below).
        for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
            if (it->path().extension() == ".tmp") fs::remove(it->path(), ec);
        if (ec) return ioError("read folder", folder, ec.message());
        const fs::path prompt = folder / "prompt.txt";
        if (!fs::is_regular_file(prompt, ec))
            if (Status s = writeTextAtomic(prompt, formulaClassPrompt(c) + "\n"); !s) return s;
        for (int i = 0; i < perClass; ++i) {
            fs::path path = folder / imageName(i);
            if (fs::is_regular_file(path, ec))
                ++found;
            else
                todo.push_back({c, i, std::move(path)});
        }
    }
    job.progress.update(found);
    if (todo.empty()) return {};

    // The classes are drawn only when an image is missing: a complete tree costs a folder scan.
    const std::vector<FormulaClass> list = makeFormulaClasses(classes, seed);
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    ThreadPool pool(threads > 0 ? unsigned(threads) : std::min(hw, 16u));
    std::vector<std::optional<Error>> errors(todo.size());
    std::atomic<bool> failed{false}, skipped{false};
    pool.run(todo.size(), [&](size_t k) {
        if (failed.load(std::memory_order_relaxed)) return;
        if (job.cancel.cancelled()) {
            skipped = true;
            return;
        }
        const Item& item = todo[k];
        const cv::Mat image = renderFormulaImage(list[size_t(item.cls)], item.instance, size, seed);
        std::vector<uchar> png;
        try {
            // One channel: the three are equal, and a grey PNG is a third of the bytes to
            // compress and store (a reader asking for colour gets the same BGR image back).
            cv::Mat grey;
            cv::extractChannel(image, grey, 0);
            cv::imencode(".png", grey, png, {cv::IMWRITE_PNG_COMPRESSION, 3});
        } catch (const cv::Exception& ex) {
            errors[k] = makeError(ErrorCode::Internal, std::string("encoding a formula image failed: ") + ex.what());
            failed = true;
            return;
        }
        if (Status s = writeFileAtomic(item.path, png); !s) {
            errors[k] = s.error();
            failed = true;
            return;
        }
        job.progress.advance(1);
    });
    for (const auto& e : errors)
        if (e) return *e;
    if (skipped)
        return makeError(ErrorCode::Cancelled, "formula image generation cancelled; what was written stays and a "
                                               "later call with the same parameters finishes it");
    return {};
}

}  // namespace diffclip::demo
