#pragma once
// Formula-driven pretraining images: classes defined by a formula instead of by photos, after
// FractalDB (Kataoka et al., ACCV 2020: iterated function systems) and RCDB (Kataoka et al.,
// CVPR 2022: radial contours). A vision tower pretrained to tell these classes apart learns
// edges, thin lines, contours, blobs and textures, which is what grey steel surfaces and
// binarised circuit-board crops are made of, without a licensed photo set.
//
// Two kinds of class, alternating (even index: fractal, odd: contour):
//   Fractal  an IFS of 2..4 contractive affine maps; the chaos game's point cloud is the shape.
//            A class is kept only if its cloud, fitted into a 64x64 raster, hits
//            kMinFractalFill..kMaxFractalFill of the pixels (FractalDB's filling-rate filter:
//            no dust, no lines).
//   Contour  2..6 concentric closed polygons (3..16 vertices) whose radius is modulated by a
//            few class-specific harmonics and a class-specific noise amplitude, drawn as thin
//            anti-aliased lines; kept if the rings are 200..700 px long on a 64x64 raster
//            (their filling rate then lies in kMinContourFill..kMaxContourFill).
// Per instance (image) the class identity stays, and what a camera would change varies: one map
// parameter (fractal) or the noise phase (contour) is jittered slightly, the shape is rotated,
// maybe flipped, scaled by 0.8..1.2 and shifted, and it is drawn in a random grey on a textured
// grey background with sensor noise and sometimes a slight blur.
//
// Determinism: makeFormulaClasses decides with SplitMix64 and + - * / sqrt only (the file is
// built with -ffp-contract=off), so its classes are the same on every platform (a contour's
// `fill` is drawn with OpenCV and may differ in the last pixels). renderFormulaImage
// and writeFormulaTree also use OpenCV's drawing and filtering: byte-identical for a given build
// of OpenCV, not promised across OpenCV versions.
// Threading: every function is reentrant and may run on several threads at once; nothing is
// shared. writeFormulaTree itself renders on several threads.

#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "diffclip/base/Job.h"
#include "diffclip/base/Result.h"

namespace diffclip::demo {

/// Version of the class sampling, rendering and tree layout; writeFormulaTree refuses a tree
/// whose manifest names another one instead of mixing images of two generators.
constexpr int kFormulaGeneratorVersion = 3;  // 2: contours chosen on their ring length; 3: word prompts

/// Filling rate (share of the pixels of a 64x64 raster that the shape covers): a fractal must
/// reach the minimum to be kept and stay below the maximum (a filled square teaches nothing
/// either); contours, chosen on their length, were measured within their range (2,000 classes
/// of seeds 1..5: fractals 0.150..0.678, contours 0.034..0.338).
constexpr double kMinFractalFill = 0.15, kMaxFractalFill = 0.80;
constexpr double kMinContourFill = 0.02, kMaxContourFill = 0.60;

enum class FormulaKind { Fractal, Contour };

/// x' = a*x + b*y + e,  y' = c*x + d*y + f. Chosen with probability p (proportional to |ad - bc|).
struct AffineMap {
    double a = 0, b = 0, c = 0, d = 0, e = 0, f = 0;
    double p = 0;
};

/// One category. A plain value: copy it freely.
struct FormulaClass {
    int index = 0;                  // position in makeFormulaClasses' list: the class label
    FormulaKind kind = FormulaKind::Fractal;
    uint64_t seed = 0;              // the class's own stream (derived from the list's seed)
    double fill = 0;                // filling rate measured when the class was accepted, 0..1

    // Fractal: 2..4 maps, each with largest singular value <= 0.9 and |det| >= 0.02; p sums to 1.
    std::vector<AffineMap> maps;

    // Contour. Radii are fractions of the image side before the instance's scale.
    int vertices = 0;               // per polygon, 3..16
    int rings = 0;                  // concentric polygons, 2..6
    double innerRadius = 0;         // radius of the innermost ring, 0.06..0.16
    double ringGap = 0;             // radius added per ring, 0.03..0.08
    std::vector<int> harmonics;     // 1..3 angular frequencies (1..8) of the radius profile
    std::vector<double> amplitudes; // relative amplitude of each harmonic, 0..0.3
    std::vector<double> phases;     // radians, the class's phase of each harmonic
    double noise = 0;               // relative amplitude of the per-vertex noise, 0..0.25
    int thickness = 1;              // line width in pixels at sizes up to 192, 1 or 2
};

/// `count` classes (1..9999), deterministic from `seed` on every platform. Even indices are
/// fractals and odd ones contours, so both kinds have about half. Costs about 0.5-1 ms a class
/// (fractals are drawn until one passes the filling-rate filter). count < 1 gives an empty list.
std::vector<FormulaClass> makeFormulaClasses(int count, uint64_t seed);

/// The filling rate of the class's base shape (no per-instance variation) on a 64x64 raster:
/// for a fractal the value its acceptance filter used; for a contour, its drawn lines
/// (coverage above 1/4).
double formulaFillRate(const FormulaClass& c);

/// Image `instance` (>= 0) of class `c`: CV_8UC3 BGR (three equal channels), size x size.
/// `size` must be 32..1024 and instance >= 0; otherwise an empty Mat is returned.
/// Deterministic for (class, instance, size, seed); `seed` is the data set's seed (the class's
/// own seed is mixed in), so one class list can yield several independent image sets.
/// Fractals are drawn with size*size*3/4 chaos-game points, splatted bilinearly.
cv::Mat renderFormulaImage(const FormulaClass& c, int instance, int size, uint64_t seed);

/// The text prompt of class c (0..4095): "a formula image: WORD WORD." with a pair of common
/// words that no other class below 4096 has.
std::string formulaClassPrompt(int c);

/// Writes (or completes) a class-per-folder tree for pretraining:
///   root/formula-NNN/NNNN.png     image NNNN (0-based instance) of class NNN (0-based), 8-bit
///                                 grey PNG (renderFormulaImage's equal channels, stored once)
///   root/formula-NNN/prompt.txt   formulaClassPrompt(NNN)
///   root/manifest.json            generator, version, seed, classes, per_class, size,
///                                 fractal_classes, contour_classes
/// classes 1..999, perClass 1..9999, size 32..1024 (else InvalidArgument).
/// Resumable and idempotent: every file is written under "<name>.tmp" and renamed, files that
/// exist are kept, and leftover .tmp files are removed; a second call writes nothing.
/// A root holding a manifest with other parameters or another version, or holding files but no
/// manifest, is refused with Mismatch (naming the folder) and left as it is.
/// A root that cannot be created or written (read-only, a file in the way) gives Io with the
/// path and the reason. Cancel is checked before each image: Cancelled, with what was written
/// kept. Progress: stage "generate", done/total = images written or found.
/// `threads`: render threads including the caller, 0 = all cores (at most 16); the output does
/// not depend on it.
Status writeFormulaTree(const std::string& root, int classes, int perClass, int size, uint64_t seed,
                        const JobControl& job, int threads = 0);

}  // namespace diffclip::demo
