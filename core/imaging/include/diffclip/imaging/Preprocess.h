#pragma once
// Photo -> model input: decode with OpenCV, then the model's own preprocessing (resize the
// shorter side, centre crop, normalise). Threading: free functions, safe from any thread.
// EXIF orientation policy: applied (the photo is shown and embedded upright).

#include <ATen/core/Tensor.h>

#include <string>

#include "diffclip/model/Config.h"
#include "diffclip/model/Result.h"

namespace diffclip {

/// Decoded 8-bit RGB image, row-major, 3 bytes a pixel.
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> pixels;
};

/// Reads and decodes a photo file. Grey, alpha and 16-bit images become RGB8.
/// Errors: NotFound/Io for the file, Format when it is not a decodable image.
Result<RgbImage> decodeImageFile(const std::string& path);

/// (3, crop, crop) float32 tensor, normalised with the config's mean/std.
at::Tensor preprocessImage(const RgbImage& image, const PreprocessConfig& config);

/// decodeImageFile + preprocessImage.
Result<at::Tensor> loadImageForModel(const std::string& path, const PreprocessConfig& config);

}  // namespace diffclip
