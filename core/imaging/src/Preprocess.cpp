#include "diffclip/imaging/Preprocess.h"

#include <ATen/ATen.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstring>

namespace diffclip {

namespace {
int cvInterpolation(const std::string& name) {
    if (name == "bicubic") return cv::INTER_CUBIC;
    if (name == "area") return cv::INTER_AREA;
    if (name == "nearest") return cv::INTER_NEAREST;
    return cv::INTER_LINEAR;
}
}  // namespace

at::Tensor preprocessImage(const RgbImage8& image, const PreprocessConfig& config) {
    cv::Mat src(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.pixels.data()));
    const double scale = double(config.resizeShorter) / double(std::min(image.width, image.height));
    const int w = std::max<int>(int(config.cropSize), int(std::lround(image.width * scale)));
    const int h = std::max<int>(int(config.cropSize), int(std::lround(image.height * scale)));
    cv::Mat resized;
    if (w == image.width && h == image.height) resized = src;
    else cv::resize(src, resized, cv::Size(w, h), 0, 0, cvInterpolation(config.interpolation));
    const int c = int(config.cropSize);
    // Centre crop, rounding the offset like torchvision's CenterCrop.
    const int x0 = int(std::lround((w - c) / 2.0)), y0 = int(std::lround((h - c) / 2.0));
    cv::Mat crop = resized(cv::Rect(x0, y0, c, c)).clone();
    at::Tensor t = at::from_blob(crop.data, {c, c, 3}, at::kByte).permute({2, 0, 1}).to(at::kFloat).div_(255.0);
    at::Tensor mean = at::tensor({config.mean[0], config.mean[1], config.mean[2]}, at::kFloat).view({3, 1, 1});
    at::Tensor std = at::tensor({config.std[0], config.std[1], config.std[2]}, at::kFloat).view({3, 1, 1});
    return ((t - mean) / std).contiguous();
}

Result<at::Tensor> loadImageForModel(const std::string& path, const PreprocessConfig& config,
                                     const DecodeOptions& decode) {
    auto img = decodeImageFile(path, decode);
    if (!img) return img.error();
    try {
        return preprocessImage(*img, config);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, path + ": preprocessing failed: " + e.what());
    }
}

}  // namespace diffclip
