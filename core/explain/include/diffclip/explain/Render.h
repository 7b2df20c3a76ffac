#pragma once
// Pictures of patch maps (diffclip_explainrender, OpenCV inside; this header is plain C++):
// the map upsampled to the photo as the model saw it, coloured on an explicit scale, blended
// over the photo, with a colour bar that shows real values. Comparisons share one scale, so
// two panes (or a folder of photos) are never silently min-max normalised each on its own.
//
// Images are 8-bit RGB (diffclip::RgbImage8, row-major, no padding). Threading: free functions
// without shared state, safe from any thread. Errors as Result values; nothing throws.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "diffclip/explain/PatchGrid.h"
#include "diffclip/imaging/ImageDecode.h"
#include "diffclip/model/Config.h"
#include "diffclip/base/Result.h"

namespace diffclip::explain {

/// Sequential colour maps (OpenCV's) for non-negative maps; signed maps always use the
/// diverging blue-white-red map with zero at its neutral colour.
enum class Palette { Viridis, Inferno, Magma, Plasma };
const char* paletteName(Palette p);  // "viridis" | "inferno" | "magma" | "plasma"
Result<Palette> parsePalette(const std::string& text);

/// A value range mapped onto the colours. Diverging scales are symmetric: low == -high, and
/// zero maps to neutralColour(). Sequential scales run from `low` (first colour) to `high`.
struct ColourScale {
    double low = 0;
    double high = 1;
    bool diverging = false;
};

/// One scale for every map given: diverging over [-m, m] (m = largest |v|) when any map is
/// signed, else sequential over [0, largest v]. A scale whose maps are all zero spans [0, 1]
/// (or [-1, 1]) so it stays drawable. InvalidArgument for no maps or a malformed one.
Result<ColourScale> sharedScale(const std::vector<const PatchGrid*>& maps);

/// The colour a value gets (RGB): clamped to the scale; NaN gives the lowest colour.
std::array<uint8_t, 3> colourOf(double value, const ColourScale& scale, Palette palette);
/// The diverging map's centre, where a signed scale puts zero (RGB).
std::array<uint8_t, 3> neutralColour();

struct OverlayOptions {
    double opacity = 0.55;   // weight of the colours over the photo, 0 .. 1
    Palette palette = Palette::Viridis;
    bool smooth = true;      // bilinear upsampling of the grid; false: one flat block per patch
    int displaySize = 0;     // side of the rendered pane in pixels; 0: the photo's own size
};

/// The photo (square, as the model saw it: cropLikeModel) with `map` upsampled and blended on top.
Result<RgbImage8> renderOverlay(const RgbImage8& photo, const PatchGrid& map, const ColourScale& scale,
                                const OverlayOptions& options);

/// A vertical colour bar `height` pixels tall with tick labels of real values (5 ticks; a
/// diverging bar always labels 0 at its centre).
Result<RgbImage8> renderColourBar(const ColourScale& scale, Palette palette, int height);

/// Outlines a region given in normalised coordinates of `image` (0..1, x right, y down; the
/// corners in any order, clamped to the image): a 1-pixel white line on the region's border
/// pixels and a 1-pixel black line just outside it, so it shows on any colour. An empty region
/// (after clamping) draws nothing. Pixel bounds: x from floor(x0 * W) to ceil(x1 * W) - 1.
void drawRegionOutline(RgbImage8& image, double x0, double y0, double x1, double y1);

struct Pane {
    std::string title;  // ASCII; shrunk or cut to fit the pane
    RgbImage8 image;
};

/// Where a pane landed in a composed comparison, in pixels of the figure.
struct PixelRect {
    int x = 0, y = 0, width = 0, height = 0;
};

/// Panes side by side (same height), each with its title above, one colour bar for the shared
/// scale at the right and `caption` (ASCII, may be empty) below. White background.
/// `placed` (may be null) receives each pane's rectangle in the figure, in the panes' order.
Result<RgbImage8> composeComparison(const std::vector<Pane>& panes, const ColourScale& scale, Palette palette,
                                    const std::string& caption, std::vector<PixelRect>* placed = nullptr);

/// Writes a PNG (UTF-8 path). Io error when it cannot be written.
Status writePng(const RgbImage8& image, const std::string& path);

/// The square crop the model sees: shorter side resized to resizeShorter, centre crop of
/// cropSize, with the same geometry and interpolation as preprocessImage (Preprocess.h).
Result<RgbImage8> cropLikeModel(const RgbImage8& photo, const PreprocessConfig& config);

/// A region as patch-cover weights (fraction of each patch inside, 0..1) from a mask image:
/// either a rows x cols image (one pixel per patch), or a photo-sized mask (photoWidth x
/// photoHeight, as decoded) that is cropped like the photo and averaged over each patch.
/// A pixel is inside when its grey value is >= 128. Errors: NotFound/Format from decoding,
/// Mismatch when the mask has neither size.
Result<PatchGrid> loadRegionMask(const std::string& path, int photoWidth, int photoHeight,
                                 const PreprocessConfig& config, int rows, int cols);

}  // namespace diffclip::explain
