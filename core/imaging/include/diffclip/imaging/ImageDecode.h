#pragma once
// Photo bytes -> 8-bit RGB, in plain C++17 + OpenCV (no LibTorch).
//
// The format is identified by content (magic bytes), never by file name, and the header is read without
// decoding, so that a hostile or oversized file is refused before any pixel buffer is allocated.
//
// EXIF orientation policy: applied by default (DecodeOptions::applyExifOrientation = true), so a photo is
// indexed, searched, shown and trained on upright. Indexing, search and training must share one
// DecodeOptions (from Settings): an index built with one policy and queried with the other compares
// rotated embeddings. Orientation is read from JPEG files (APP1 Exif, IFD0 tag 0x0112), where cameras
// put it; other formats are decoded as stored.
//
// Threading: free functions without shared state; safe to call from any thread at once.
// Ownership: inputs are borrowed for the duration of the call; results own their pixels.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "diffclip/base/Result.h"

namespace diffclip {

/// What a file's header says, read without decoding.
struct ImageInfo {
    std::string format;       // "JPEG", "PNG", "TIFF", "WebP" or "BMP"
    int width = 0;            // pixels as stored, before EXIF orientation; >= 1
    int height = 0;           // pixels as stored, before EXIF orientation; >= 1
    int channels = 0;         // stored components: 1 grey, 2 grey+alpha, 3 colour, 4 colour+alpha or CMYK
    int bitDepth = 0;         // bits per component (8 or 16 typically; BMP/WebP report 8)
    int exifOrientation = 1;  // EXIF orientation 1..8 (JPEG only); 1 (upright) when absent or invalid
};

/// Identifies the format by magic bytes and reads size, channels, depth and EXIF orientation from the header.
/// Does not decode pixels; reads only `data[0, size)`. Supported: JPEG, PNG, TIFF (II/MM), WebP (VP8, VP8L,
/// VP8X), BMP. Anything else is a Format error naming what it looks like ("empty file", "text file",
/// "GIF is not supported", "unknown format"); a truncated or inconsistent header is a Format error too.
Result<ImageInfo> probeImage(const uint8_t* data, size_t size);

/// Shared by indexing, search and training (see the EXIF policy above).
struct DecodeOptions {
    /// Largest width*height decoded; larger images are refused before decoding. Note OpenCV's own limit
    /// (OPENCV_IO_MAX_IMAGE_PIXELS, 2^30 by default, read when OpenCV loads) still applies above it.
    uint64_t maxPixels = 100'000'000;
    /// Rotate/flip JPEGs as their EXIF orientation says (width and height swap for orientations 5..8).
    bool applyExifOrientation = true;
};

/// Decoded 8-bit RGB image.
struct RgbImage8 {
    int width = 0;                // after EXIF orientation, if applied
    int height = 0;               // after EXIF orientation, if applied
    std::vector<uint8_t> pixels;  // RGB, 3 bytes a pixel, row-major, no padding: width*height*3 bytes
    ImageInfo info;               // the header as probed (stored size, before orientation)
};

/// probeImage, then the pixel limit, then cv::imdecode; every result is RGB8:
/// grey -> R=G=B; alpha -> composited over white (transparent areas become white, as in a viewer on a
/// white page; alpha is then dropped); 16-bit -> scaled to 8-bit (v/257, rounded); CMYK JPEG -> RGB;
/// BMP alpha is ignored (often unset in files). Errors: Format for unrecognised, oversized, truncated or
/// corrupt data ("cannot decode (truncated or corrupt JPEG)"). Never throws.
Result<RgbImage8> decodeImage(const uint8_t* data, size_t size, const DecodeOptions& options);

/// The file name extensions of the formats decodeImage accepts, lower case with the dot, in the order
/// probed: ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp". The one list that indexing,
/// training, explain and the UI's file dialogs use to pick photos out of folders; decoding itself
/// still goes by content, so a misnamed file is refused (or read) by what it is.
const std::vector<std::string>& photoExtensions();

/// True when `path`'s extension, in any case, is one of photoExtensions() ("A.JPG" is a photo).
bool hasPhotoExtension(const std::filesystem::path& path);

/// Reads the whole file (at most 1 GiB) and calls decodeImage. Errors: NotFound (no such file),
/// Io (a directory, unreadable, short read), Format (empty, larger than 1 GiB, or as decodeImage).
/// `path` is UTF-8.
Result<RgbImage8> decodeImageFile(const std::string& path, const DecodeOptions& options);

}  // namespace diffclip
