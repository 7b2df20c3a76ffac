#include "diffclip/imaging/ImageDecode.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace diffclip {

namespace {

constexpr uint64_t kMaxFileBytes = uint64_t(1) << 30;

Error formatError(std::string message) {
    return makeError(ErrorCode::Format, std::move(message));
}

// Bounds-checked big/little-endian reads over a borrowed buffer. Every accessor checks `offset + n <= size`
// without overflow, so callers can pass offsets read from the file itself.
class Bytes {
public:
    Bytes(const uint8_t* data, size_t size) : m_data(data), m_size(size) {}

    size_t size() const { return m_size; }
    bool has(size_t offset, size_t n) const { return offset <= m_size && n <= m_size - offset; }
    bool matches(size_t offset, const char* text) const {
        const size_t n = std::strlen(text);
        return has(offset, n) && std::memcmp(m_data + offset, text, n) == 0;
    }
    uint8_t u8(size_t offset) const { return m_data[offset]; }  // callers check has() first
    uint32_t be16(size_t o) const { return uint32_t(m_data[o]) << 8 | m_data[o + 1]; }
    uint32_t le16(size_t o) const { return uint32_t(m_data[o + 1]) << 8 | m_data[o]; }
    uint32_t be32(size_t o) const { return be16(o) << 16 | be16(o + 2); }
    uint32_t le32(size_t o) const { return le16(o + 2) << 16 | le16(o); }
    uint32_t u16(size_t o, bool bigEndian) const { return bigEndian ? be16(o) : le16(o); }
    uint32_t u32(size_t o, bool bigEndian) const { return bigEndian ? be32(o) : le32(o); }
    const uint8_t* data() const { return m_data; }

private:
    const uint8_t* m_data;
    size_t m_size;
};

Status checkSize(const char* format, uint64_t width, uint64_t height) {
    if (width == 0 || height == 0)
        return formatError(std::string(format) + " header declares an empty image (" + std::to_string(width) + "x" +
                           std::to_string(height) + ")");
    if (width > INT_MAX || height > INT_MAX)
        return formatError(std::string(format) + " header declares an impossible size (" + std::to_string(width) + "x" +
                           std::to_string(height) + ")");
    return Status::success();
}

// --- TIFF IFD (TIFF files and the TIFF structure inside JPEG's APP1 Exif) ---

struct TiffFields {
    uint32_t width = 0, height = 0, samples = 1, bitsPerSample = 1, orientation = 0;
    bool hasWidth = false, hasHeight = false;
};

// Reads the first IFD of the TIFF structure at `tiff` (a view starting at the II/MM header).
Result<TiffFields> readFirstIfd(const Bytes& tiff) {
    if (!tiff.has(0, 8)) return formatError("TIFF header is truncated");
    const bool big = tiff.u8(0) == 'M';
    if (tiff.u16(2, big) != 42) return formatError("TIFF header has a bad magic number");
    const size_t ifd = tiff.u32(4, big);
    if (!tiff.has(ifd, 2))
        return formatError("TIFF first directory offset " + std::to_string(ifd) + " is out of range");
    const size_t count = tiff.u16(ifd, big);
    if (!tiff.has(ifd + 2, count * 12)) return formatError("TIFF first directory is truncated");

    TiffFields fields;
    for (size_t i = 0; i < count; ++i) {
        const size_t entry = ifd + 2 + i * 12;
        const uint32_t tag = tiff.u16(entry, big);
        const uint32_t type = tiff.u16(entry + 2, big);
        const uint32_t n = tiff.u32(entry + 4, big);
        if (n == 0 || (type != 3 && type != 4)) continue;  // only SHORT/LONG matter here
        // The first value sits inline when all values fit in 4 bytes, else at an offset.
        size_t at = entry + 8;
        const size_t bytes = size_t(n) * (type == 3 ? 2 : 4);
        if (bytes > 4) {
            at = tiff.u32(entry + 8, big);
            if (!tiff.has(at, type == 3 ? 2 : 4))
                return formatError("TIFF tag " + std::to_string(tag) + " points out of range");
        }
        const uint32_t value = type == 3 ? tiff.u16(at, big) : tiff.u32(at, big);
        switch (tag) {
            case 256:
                fields.width = value;
                fields.hasWidth = true;
                break;
            case 257:
                fields.height = value;
                fields.hasHeight = true;
                break;
            case 258:
                fields.bitsPerSample = value;
                break;
            case 274:
                fields.orientation = value;
                break;
            case 277:
                fields.samples = value;
                break;
            default:
                break;
        }
    }
    return fields;
}

// --- per-format header readers; each is called once the magic bytes matched ---

// EXIF orientation from an APP1 payload, or 0. Broken EXIF is common in real photos and does not stop
// decoding, so it is ignored rather than refused.
int exifOrientation(const Bytes& b, size_t payload, size_t payloadSize) {
    if (payloadSize < 14 || std::memcmp(b.data() + payload, "Exif\0\0", 6) != 0) return 0;
    const Bytes tiff(b.data() + payload + 6, payloadSize - 6);  // IFD offsets are relative to this header
    if (!tiff.matches(0, "II") && !tiff.matches(0, "MM")) return 0;
    auto fields = readFirstIfd(tiff);
    if (!fields || fields->orientation < 1 || fields->orientation > 8) return 0;
    return int(fields->orientation);
}

// Walks the segments from SOI to the first scan (SOS), reading SOFn and APP1 Exif.
Result<ImageInfo> probeJpeg(const Bytes& b) {
    ImageInfo info;
    info.format = "JPEG";
    bool haveFrame = false;
    size_t pos = 2;  // after SOI
    for (;;) {
        if (!b.has(pos, 2)) return formatError("JPEG header is truncated (offset " + std::to_string(pos) + ")");
        if (b.u8(pos) != 0xFF)
            return formatError("JPEG segment at offset " + std::to_string(pos) + " does not start with a marker");
        const uint8_t marker = b.u8(pos + 1);
        if (marker == 0xFF) {  // fill byte
            ++pos;
            continue;
        }
        pos += 2;
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) continue;  // standalone markers
        if (marker == 0xD9 || marker == 0xDA) {
            if (!haveFrame) return formatError("JPEG has no frame header (SOF) before its image data");
            return info;
        }
        if (!b.has(pos, 2)) return formatError("JPEG segment length is truncated");
        const size_t length = b.be16(pos);
        if (length < 2 || !b.has(pos, length))
            return formatError("JPEG segment at offset " + std::to_string(pos - 2) + " is truncated");
        const size_t payload = pos + 2;
        const size_t payloadSize = length - 2;
        pos += length;

        if (marker == 0xE1) {
            if (const int o = exifOrientation(b, payload, payloadSize); o != 0) info.exifOrientation = o;
            continue;
        }
        const bool isSof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (!isSof || haveFrame) continue;
        if (payloadSize < 6) return formatError("JPEG frame header (SOF) is truncated");
        info.bitDepth = b.u8(payload);
        info.height = int(b.be16(payload + 1));
        info.width = int(b.be16(payload + 3));
        info.channels = b.u8(payload + 5);
        if (info.height == 0)
            return formatError("JPEG declares its height later in the stream (DNL), which is not supported");
        if (auto s = checkSize("JPEG", uint64_t(info.width), uint64_t(info.height)); !s) return s.error();
        if (info.channels != 1 && info.channels != 3 && info.channels != 4)
            return formatError("JPEG has " + std::to_string(info.channels) + " components; 1, 3 or 4 expected");
        haveFrame = true;
    }
}

Result<ImageInfo> probePng(const Bytes& b) {
    // Signature (8), then the IHDR chunk: length (4), "IHDR", width, height, bit depth, colour type, ...
    if (!b.has(8, 8 + 13)) return formatError("PNG header is truncated");
    if (b.be32(8) != 13 || !b.matches(12, "IHDR")) return formatError("PNG does not start with an IHDR chunk");
    ImageInfo info;
    info.format = "PNG";
    const uint32_t width = b.be32(16), height = b.be32(20);
    if (auto s = checkSize("PNG", width, height); !s) return s.error();
    info.width = int(width);
    info.height = int(height);
    info.bitDepth = b.u8(24);
    switch (b.u8(25)) {
        case 0:
            info.channels = 1;
            break;  // grey
        case 2:
            info.channels = 3;
            break;  // RGB
        case 3:
            info.channels = 3;
            break;  // palette (may carry transparency in tRNS)
        case 4:
            info.channels = 2;
            break;  // grey + alpha
        case 6:
            info.channels = 4;
            break;  // RGBA
        default:
            return formatError("PNG has an invalid colour type " + std::to_string(b.u8(25)));
    }
    return info;
}

Result<ImageInfo> probeBmp(const Bytes& b) {
    if (!b.has(14, 4)) return formatError("BMP header is truncated");
    const uint32_t headerSize = b.le32(14);
    ImageInfo info;
    info.format = "BMP";
    info.bitDepth = 8;
    int64_t width = 0, height = 0;
    uint32_t bitCount = 0;
    if (headerSize == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sizes
        if (!b.has(14, 12)) return formatError("BMP header is truncated");
        width = b.le16(18);
        height = b.le16(20);
        bitCount = b.le16(24);
    } else if (headerSize >= 40) {  // BITMAPINFOHEADER and its successors
        if (!b.has(14, 40)) return formatError("BMP header is truncated");
        width = int32_t(b.le32(18));
        height = int32_t(b.le32(22));  // negative: rows stored top-down
        bitCount = b.le16(28);
    } else {
        return formatError("BMP has an unknown header size " + std::to_string(headerSize));
    }
    if (width < 0) return formatError("BMP declares a negative width");
    if (height < 0) height = -height;
    if (auto s = checkSize("BMP", uint64_t(width), uint64_t(height)); !s) return s.error();
    if (bitCount != 1 && bitCount != 4 && bitCount != 8 && bitCount != 16 && bitCount != 24 && bitCount != 32)
        return formatError("BMP has an invalid bit count " + std::to_string(bitCount));
    info.width = int(width);
    info.height = int(height);
    info.channels = bitCount == 32 ? 4 : 3;
    return info;
}

Result<ImageInfo> probeWebp(const Bytes& b) {
    // "RIFF" size "WEBP", then the first chunk: FourCC (4), size (4), payload at offset 20.
    if (!b.has(12, 8)) return formatError("WebP header is truncated");
    ImageInfo info;
    info.format = "WebP";
    info.bitDepth = 8;
    info.channels = 3;
    uint32_t width = 0, height = 0;
    if (b.matches(12, "VP8 ")) {  // lossy: 3-byte frame tag, start code 9D 01 2A, 14-bit sizes
        if (!b.has(20, 10)) return formatError("WebP (VP8) header is truncated");
        if (b.u8(23) != 0x9D || b.u8(24) != 0x01 || b.u8(25) != 0x2A)
            return formatError("WebP (VP8) frame has a bad start code");
        width = b.le16(26) & 0x3FFF;
        height = b.le16(28) & 0x3FFF;
    } else if (b.matches(12, "VP8L")) {  // lossless: 0x2F, then 14 bits width-1, 14 bits height-1, alpha bit
        if (!b.has(20, 5)) return formatError("WebP (VP8L) header is truncated");
        if (b.u8(20) != 0x2F) return formatError("WebP (VP8L) has a bad signature");
        const uint32_t bits = b.le32(21);
        width = (bits & 0x3FFF) + 1;
        height = ((bits >> 14) & 0x3FFF) + 1;
        if (bits & (1u << 28)) info.channels = 4;
    } else if (b.matches(12, "VP8X")) {  // extended: flags, 3 reserved, 24-bit canvas width-1 and height-1
        if (!b.has(20, 10)) return formatError("WebP (VP8X) header is truncated");
        const uint8_t flags = b.u8(20);
        if (flags & 0x02) return formatError("animated WebP is not supported");
        if (flags & 0x10) info.channels = 4;
        width = (b.le16(24) | uint32_t(b.u8(26)) << 16) + 1;
        height = (b.le16(27) | uint32_t(b.u8(29)) << 16) + 1;
    } else {
        return formatError("WebP has an unknown first chunk");
    }
    if (auto s = checkSize("WebP", width, height); !s) return s.error();
    info.width = int(width);
    info.height = int(height);
    return info;
}

Result<ImageInfo> probeTiff(const Bytes& b) {
    auto fields = readFirstIfd(b);
    if (!fields) return fields.error();
    if (!fields->hasWidth || !fields->hasHeight)
        return formatError("TIFF first directory has no ImageWidth/ImageLength");
    if (auto s = checkSize("TIFF", fields->width, fields->height); !s) return s.error();
    ImageInfo info;
    info.format = "TIFF";
    info.width = int(fields->width);
    info.height = int(fields->height);
    info.channels = int(fields->samples);
    info.bitDepth = int(fields->bitsPerSample);
    return info;
}

// Text: no control bytes other than whitespace in the first 512 bytes (UTF-8 allowed).
bool looksLikeText(const Bytes& b) {
    const size_t n = std::min<size_t>(b.size(), 512);
    for (size_t i = 0; i < n; ++i) {
        const uint8_t c = b.u8(i);
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) return false;
    }
    return true;
}

// Decoded (any depth, 1..4 channels, BGR order) -> RGB8. Alpha is composited over white.
Result<RgbImage8> toRgb8(const cv::Mat& decoded) {
    cv::Mat img8;
    switch (decoded.depth()) {
        case CV_8U:
            img8 = decoded;
            break;
        case CV_16U:
            decoded.convertTo(img8, CV_8U, 1.0 / 257.0);
            break;  // 65535 -> 255, rounded
        case CV_32F:
            decoded.convertTo(img8, CV_8U, 255.0);
            break;  // float TIFF: 0..1 assumed
        default:
            return formatError("decoded image has an unsupported sample type");
    }
    RgbImage8 out;
    out.width = img8.cols;
    out.height = img8.rows;
    out.pixels.resize(size_t(img8.cols) * size_t(img8.rows) * 3);
    cv::Mat rgb(img8.rows, img8.cols, CV_8UC3, out.pixels.data());  // writes straight into out.pixels
    switch (img8.channels()) {
        case 1:
            cv::cvtColor(img8, rgb, cv::COLOR_GRAY2RGB);
            break;
        case 3:
            cv::cvtColor(img8, rgb, cv::COLOR_BGR2RGB);
            break;
        case 2:
        case 4: {
            const int cn = img8.channels();
            for (int y = 0; y < img8.rows; ++y) {
                const uint8_t* src = img8.ptr<uint8_t>(y);
                uint8_t* dst = rgb.ptr<uint8_t>(y);
                for (int x = 0; x < img8.cols; ++x, src += cn, dst += 3) {
                    const uint32_t a = src[cn - 1];
                    const uint32_t white = 255 * (255 - a);
                    auto over = [&](uint32_t c) { return uint8_t((c * a + white + 127) / 255); };
                    if (cn == 2) {
                        dst[0] = dst[1] = dst[2] = over(src[0]);
                    } else {
                        dst[0] = over(src[2]);
                        dst[1] = over(src[1]);
                        dst[2] = over(src[0]);
                    }
                }
            }
            break;
        }
        default:
            return formatError("decoded image has " + std::to_string(img8.channels()) + " channels");
    }
    if (rgb.data != out.pixels.data()) return makeError(ErrorCode::Internal, "colour conversion reallocated");
    return out;
}

// A JPEG cut short still "decodes" in libjpeg (the rest is filled grey), so require an end-of-image marker
// after the first scan. Inside entropy-coded data 0xFF is always stuffed, so FF D9 there is a real EOI.
bool jpegHasEndMarker(const Bytes& b) {
    size_t pos = 2;
    while (pos + 1 < b.size()) {  // find the first SOS by walking segments
        if (b.u8(pos) != 0xFF) return false;
        const uint8_t marker = b.u8(pos + 1);
        if (marker == 0xFF) {
            ++pos;
            continue;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
            pos += 2;
            continue;
        }
        if (marker == 0xDA) break;
        if (marker == 0xD9 || !b.has(pos + 2, 2)) return false;
        pos += 2 + b.be16(pos + 2);
    }
    for (; pos + 1 < b.size(); ++pos)
        if (b.u8(pos) == 0xFF && b.u8(pos + 1) == 0xD9) return true;
    return false;
}

}  // namespace

Result<ImageInfo> probeImage(const uint8_t* data, size_t size) {
    if (data == nullptr || size == 0) return formatError("empty file");
    const Bytes b(data, size);
    if (b.has(0, 3) && b.u8(0) == 0xFF && b.u8(1) == 0xD8 && b.u8(2) == 0xFF) return probeJpeg(b);
    if (b.matches(0, "\x89PNG\r\n\x1a\n")) return probePng(b);
    if (b.matches(0, "II*") && b.has(3, 1) && b.u8(3) == 0) return probeTiff(b);
    if (b.matches(0, "MM") && b.has(2, 2) && b.u8(2) == 0 && b.u8(3) == 42) return probeTiff(b);
    if (b.matches(0, "RIFF") && b.matches(8, "WEBP")) return probeWebp(b);
    if (b.matches(0, "BM")) return probeBmp(b);
    if (b.matches(0, "GIF87a") || b.matches(0, "GIF89a")) return formatError("GIF is not supported");
    if (b.matches(4, "ftypheic") || b.matches(4, "ftypheix") || b.matches(4, "ftypmif1"))
        return formatError("HEIC/HEIF is not supported");
    if (b.matches(4, "ftypavif")) return formatError("AVIF is not supported");
    if (b.matches(0, "%PDF")) return formatError("PDF is not supported (not an image)");
    if (size < 8) return formatError("file is too short to be an image (" + std::to_string(size) + " bytes)");
    if (looksLikeText(b)) return formatError("text file, not an image");
    return formatError("unknown format (not JPEG, PNG, TIFF, WebP or BMP)");
}

Result<RgbImage8> decodeImage(const uint8_t* data, size_t size, const DecodeOptions& options) {
    auto probed = probeImage(data, size);
    if (!probed) return probed.error();
    const ImageInfo& info = probed.value();
    const uint64_t pixels = uint64_t(info.width) * uint64_t(info.height);
    if (pixels > options.maxPixels)
        return formatError(std::to_string(info.width) + "x" + std::to_string(info.height) +
                           " pixels exceeds the limit of " + std::to_string(options.maxPixels) +
                           "; raise it in Settings if this photo is genuine");
    if (size > size_t(INT_MAX)) return formatError("image data is larger than 2 GiB");

    const std::string corrupt = "cannot decode (truncated or corrupt " + info.format + ")";
    const bool isJpeg = info.format == "JPEG";
    if (isJpeg && !jpegHasEndMarker(Bytes(data, size))) return formatError(corrupt + ": no end-of-image marker");

    // IMREAD_UNCHANGED keeps alpha and 16 bits but never applies EXIF orientation (OpenCV skips it for that
    // flag), so JPEG (no alpha, 8-bit; CMYK converted by OpenCV) is read as colour and the rest unchanged.
    // BMP alpha is usually unset, so BMP is read as colour too.
    int flags = cv::IMREAD_UNCHANGED;
    if (isJpeg)
        flags = cv::IMREAD_COLOR | (options.applyExifOrientation ? 0 : cv::IMREAD_IGNORE_ORIENTATION);
    else if (info.format == "BMP")
        flags = cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION;
    cv::Mat decoded;
    try {
        const cv::Mat buffer(1, int(size), CV_8U, const_cast<uint8_t*>(data));  // imdecode only reads it
        decoded = cv::imdecode(buffer, flags);
    } catch (const cv::Exception& e) {
        return formatError(corrupt + ": " + e.what());
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "out of memory decoding a " + std::to_string(info.width) + "x" +
                                                     std::to_string(info.height) + " " + info.format);
    }
    if (decoded.empty()) return formatError(corrupt);
    try {
        auto out = toRgb8(decoded);
        if (!out) return out.error();
        out->info = info;
        return out;
    } catch (const cv::Exception& e) {
        return formatError("cannot convert the decoded " + info.format + " to RGB: " + e.what());
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "out of memory converting a " + info.format + " to RGB");
    }
}

const std::vector<std::string>& photoExtensions() {
    static const std::vector<std::string> extensions = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp"};
    return extensions;
}

bool hasPhotoExtension(const std::filesystem::path& path) {
    std::string ext = path.extension().string();
    for (char& c : ext)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    const auto& known = photoExtensions();
    return std::find(known.begin(), known.end(), ext) != known.end();
}

Result<RgbImage8> decodeImageFile(const std::string& path, const DecodeOptions& options) {
    namespace fs = std::filesystem;
    const fs::path fsPath = fs::u8path(path);
    std::error_code ec;
    const fs::file_status st = fs::status(fsPath, ec);
    if (!fs::exists(st)) return makeError(ErrorCode::NotFound, "no such file: " + path);
    if (fs::is_directory(st)) return makeError(ErrorCode::Io, "is a directory, not an image: " + path);
    const uintmax_t fileSize = fs::file_size(fsPath, ec);
    if (ec) return makeError(ErrorCode::Io, "cannot read the size of " + path + ": " + ec.message());
    if (fileSize == 0) return formatError("empty file: " + path);
    if (fileSize > kMaxFileBytes)
        return formatError(path + " is " + std::to_string(fileSize) + " bytes; image files over 1 GiB are refused");

    std::ifstream in(fsPath, std::ios::binary);
    if (!in) return makeError(ErrorCode::Io, "cannot open " + path + " for reading");
    std::vector<uint8_t> bytes;
    try {
        bytes.resize(size_t(fileSize));
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "out of memory reading " + path);
    }
    in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(bytes.size()));
    if (size_t(in.gcount()) != bytes.size())
        return makeError(ErrorCode::Io, "short read from " + path + " (" + std::to_string(in.gcount()) + " of " +
                                            std::to_string(bytes.size()) + " bytes)");
    auto result = decodeImage(bytes.data(), bytes.size(), options);
    if (!result) return Error{result.error().code, result.error().message + ": " + path};
    return result;
}

}  // namespace diffclip
