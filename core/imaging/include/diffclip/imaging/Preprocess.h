#pragma once
// Photo -> model input: decode by content (ImageDecode.h), then the model's own preprocessing
// (resize the shorter side, centre crop, normalise). Threading: free functions, safe from any
// thread. EXIF orientation: as DecodeOptions says (applied by default).

#include <ATen/core/Tensor.h>

#include <string>

#include "diffclip/imaging/ImageDecode.h"
#include "diffclip/model/Config.h"
#include "diffclip/base/Result.h"

namespace diffclip {

/// (3, crop, crop) float32 tensor, normalised with the config's mean/std.
at::Tensor preprocessImage(const RgbImage8& image, const PreprocessConfig& config);

/// decodeImageFile + preprocessImage. Errors as decodeImageFile's.
Result<at::Tensor> loadImageForModel(const std::string& path, const PreprocessConfig& config,
                                     const DecodeOptions& decode = DecodeOptions{});

}  // namespace diffclip
