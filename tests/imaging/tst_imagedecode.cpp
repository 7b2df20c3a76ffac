// Tests of content-based probing and decoding to RGB8 (diffclip/imaging/ImageDecode.h): the NEU photos,
// then the product's acceptance cases (empty, truncated, mislabelled, oversized, 16-bit, CMYK, EXIF-rotated,
// alpha, other formats, hostile bytes). Every crafted file is built here, in memory or in a QTemporaryDir.

#include <QtTest/QtTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#ifdef DIFFCLIP_HAVE_LIBJPEG
#include <jpeglib.h>
#endif

#include "diffclip/imaging/ImageDecode.h"
#include "../support/TestSupport.h"

using diffclip::DecodeOptions;
using diffclip::ErrorCode;
using Bytes = std::vector<uint8_t>;

Q_DECLARE_METATYPE(std::vector<int>)

namespace {

const std::string kNeuDir = std::string(DIFFCLIP_SHARED_DIR) + "/data/neu-cls";

Bytes readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void writeBytes(const std::string& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

Bytes encode(const std::string& ext, const cv::Mat& image, const std::vector<int>& params = {}) {
    std::vector<uchar> buf;
    if (!cv::imencode(ext, image, buf, params)) return {};
    return Bytes(buf.begin(), buf.end());
}

// Refusal message, or a marker that makes QVERIFY(contains) fail with a readable value.
std::string refusal(const Bytes& bytes, const DecodeOptions& options = {}) {
    auto r = diffclip::decodeImage(bytes.data(), bytes.size(), options);
    if (r.ok()) return "<decoded>";
    if (r.error().code != ErrorCode::Format) return "<wrong code: " + r.error().describe() + ">";
    return r.error().message;
}

std::string probeRefusal(const Bytes& bytes) {
    auto r = diffclip::probeImage(bytes.data(), bytes.size());
    if (r.ok()) return "<probed as " + r->format + ">";
    if (r.error().code != ErrorCode::Format) return "<wrong code: " + r.error().describe() + ">";
    return r.error().message;
}

// What the probe reads from the header, "FORMAT WxH, C channels, D-bit", or why it refused, for
// one comparison.
QString probed(const Bytes& bytes) {
    auto r = diffclip::probeImage(bytes.data(), bytes.size());
    if (!r) return QString::fromStdString("<refused: " + r.error().describe() + ">");
    return QStringLiteral("%1 %2x%3, %4 channels, %5-bit")
        .arg(QString::fromStdString(r->format))
        .arg(r->width)
        .arg(r->height)
        .arg(r->channels)
        .arg(r->bitDepth);
}

// OpenCV's BGR(A) reference as our RGB byte layout.
Bytes referenceRgb(const cv::Mat& bgr) {
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, bgr.channels() == 1 ? cv::COLOR_GRAY2RGB : cv::COLOR_BGR2RGB);
    return Bytes(rgb.datastart, rgb.dataend);
}

// Deterministic BGR test pattern, odd sizes so row padding would show.
cv::Mat pattern(int width, int height, int type = CV_8UC3) {
    cv::Mat m(height, width, type);
    std::mt19937 rng(7);
    const int cn = m.channels();
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < cn; ++c) {
                const int v = int((x * 37 + y * 11 + c * 71 + int(rng() % 5)) % 256);
                if (m.depth() == CV_16U)
                    m.ptr<uint16_t>(y)[x * cn + c] = uint16_t(v * 257 + (x % 200));
                else
                    m.ptr<uint8_t>(y)[x * cn + c] = uint8_t(v);
            }
    return m;
}

uint32_t crc32(const uint8_t* p, size_t n) {
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; ++i) {
        crc ^= p[i];
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

void putBe32(Bytes& out, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(uint8_t(v >> s));
}

void pngChunk(Bytes& out, const char* type, const Bytes& data) {
    putBe32(out, uint32_t(data.size()));
    const size_t start = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data.begin(), data.end());
    putBe32(out, crc32(out.data() + start, out.size() - start));
}

// A well-formed PNG that declares width x height RGB8 but carries a tiny IDAT.
Bytes hugePng(uint32_t width, uint32_t height) {
    Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    Bytes ihdr;
    putBe32(ihdr, width);
    putBe32(ihdr, height);
    ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});
    pngChunk(png, "IHDR", ihdr);
    pngChunk(png, "IDAT", {0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01});  // zlib of one 0 byte
    pngChunk(png, "IEND", {});
    return png;
}

// APP1 Exif segment holding IFD0 with one Orientation (0x0112) SHORT entry.
Bytes exifSegment(int orientation, bool bigEndian) {
    Bytes tiff;
    auto u16 = [&](uint32_t v) {
        if (bigEndian)
            tiff.insert(tiff.end(), {uint8_t(v >> 8), uint8_t(v)});
        else
            tiff.insert(tiff.end(), {uint8_t(v), uint8_t(v >> 8)});
    };
    auto u32 = [&](uint32_t v) {
        if (bigEndian) {
            u16(v >> 16);
            u16(v & 0xFFFF);
        } else {
            u16(v & 0xFFFF);
            u16(v >> 16);
        }
    };
    tiff.insert(tiff.end(),
                bigEndian ? std::initializer_list<uint8_t>{'M', 'M'} : std::initializer_list<uint8_t>{'I', 'I'});
    u16(42);
    u32(8);  // IFD0 right after the header
    u16(1);  // one entry
    u16(0x0112);
    u16(3);  // SHORT
    u32(1);
    u16(uint32_t(orientation));
    u16(0);  // padding of the 4-byte value field
    u32(0);  // no next IFD
    Bytes seg = {0xFF, 0xE1};
    const size_t len = 2 + 6 + tiff.size();
    seg.insert(seg.end(), {uint8_t(len >> 8), uint8_t(len)});
    seg.insert(seg.end(), {'E', 'x', 'i', 'f', 0, 0});
    seg.insert(seg.end(), tiff.begin(), tiff.end());
    return seg;
}

Bytes spliceAfterSoi(const Bytes& jpeg, const Bytes& segment) {
    // Sized once and filled: GCC 12 misreports vector::insert into a 2-byte vector (-Warray-bounds).
    Bytes out(jpeg.size() + segment.size());
    std::copy(jpeg.begin(), jpeg.begin() + 2, out.begin());
    std::copy(segment.begin(), segment.end(), out.begin() + 2);
    std::copy(jpeg.begin() + 2, jpeg.end(), out.begin() + 2 + std::ptrdiff_t(segment.size()));
    return out;
}

std::vector<std::string> neuPhotos() {
    std::vector<std::string> paths;
    QDirIterator it(QString::fromStdString(kNeuDir), {QStringLiteral("*.jpg")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) paths.push_back(it.next().toStdString());
    std::sort(paths.begin(), paths.end());
    return paths;
}

}  // namespace

class TestImageDecode : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void neuPhotosProbeAsJpeg200();
    void neuSampleDecodesLikeImread();
    void emptyFile();
    void truncatedJpeg();
    void textFileNamedJpg();
    void hugePngRefusedBeforeDecoding();
    void png16Bit();
    void cmykJpeg();
    void exifOrientation_data();
    void exifOrientation();
    void greyPng();
    void rgbaPngOverWhite();
    void roundTrips_data();
    void roundTrips();
    void craftedHeaders();
    void gifRefused();
    void randomBytesRefused();
    void prefixesAndMutationsNeverCrash();
    void fileErrors();
    void photoExtensions();
    void photoExtensionNames_data();
    void photoExtensionNames();

private:
    QTemporaryDir m_tmp;
    std::string tmpPath(const char* name) const { return m_tmp.filePath(QString::fromLatin1(name)).toStdString(); }
};

void TestImageDecode::neuPhotosProbeAsJpeg200() {
    const auto paths = neuPhotos();
    QCOMPARE(int(paths.size()), 1800);
    for (const auto& path : paths) {
        const Bytes bytes = readBytes(path);
        auto info = diffclip::probeImage(bytes.data(), bytes.size());
        QVERIFY2(info.ok(), (path + ": " + info.error().describe()).c_str());
        QCOMPARE(info->format, std::string("JPEG"));
        QCOMPARE(info->width, 200);
        QCOMPARE(info->height, 200);
        QCOMPARE(info->channels, 3);
        QCOMPARE(info->bitDepth, 8);
        QCOMPARE(info->exifOrientation, 1);
    }
}

void TestImageDecode::neuSampleDecodesLikeImread() {
    const auto paths = neuPhotos();
    QVERIFY(!paths.empty());
    int checked = 0;
    for (size_t i = 0; i < paths.size(); i += 30, ++checked) {
        auto img = diffclip::decodeImageFile(paths[i], DecodeOptions{});
        QVERIFY2(img.ok(), (paths[i] + ": " + img.error().describe()).c_str());
        QCOMPARE(img->width, 200);
        QCOMPARE(img->height, 200);
        QVERIFY(img->pixels == referenceRgb(cv::imread(paths[i], cv::IMREAD_COLOR)));
    }
    QCOMPARE(checked, 60);
}

void TestImageDecode::emptyFile() {
    QVERIFY(m_tmp.isValid());
    const std::string path = tmpPath("empty.jpg");
    writeBytes(path, {});
    auto r = diffclip::decodeImageFile(path, DecodeOptions{});
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Format);
    QVERIFY2(r.error().message.find("empty file") != std::string::npos, r.error().message.c_str());
    QCOMPARE(probeRefusal({}), std::string("empty file"));
    QVERIFY(!diffclip::probeImage(nullptr, 0).ok());
}

void TestImageDecode::truncatedJpeg() {
    const Bytes whole = readBytes(kNeuDir + "/crazing/crazing_1.jpg");
    QVERIFY(whole.size() > 1000);
    const Bytes half(whole.begin(), whole.begin() + long(whole.size() / 2));
    // The header survives, so the probe still sees a 200x200 JPEG; the body does not.
    auto info = diffclip::probeImage(half.data(), half.size());
    QVERIFY(info.ok());
    QCOMPARE(info->width, 200);
    const std::string message = refusal(half);
    QVERIFY2(message.find("cannot decode (truncated or corrupt JPEG)") == 0, message.c_str());
    // Cut inside the header: the probe itself refuses.
    const Bytes head(whole.begin(), whole.begin() + 30);
    QVERIFY2(probeRefusal(head).find("truncated") != std::string::npos, probeRefusal(head).c_str());
}

void TestImageDecode::textFileNamedJpg() {
    const std::string path = tmpPath("notes.jpg");
    const std::string text = "Batch 42: three scratches near the edge.\nInspector: K.\n";
    writeBytes(path, Bytes(text.begin(), text.end()));
    auto r = diffclip::decodeImageFile(path, DecodeOptions{});
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Format);
    QVERIFY2(r.error().message.find("text file") != std::string::npos, r.error().message.c_str());
}

void TestImageDecode::hugePngRefusedBeforeDecoding() {
    const Bytes png = hugePng(60000, 60000);
    QCOMPARE(probed(png), QStringLiteral("PNG 60000x60000, 3 channels, 8-bit"));

    // Refused from the header, not after a 10.8 GB allocation: under an address-space cap of
    // 256 MiB above what the process maps now, a decoder that allocated first would fail with
    // another message.
    std::string message;
    {
        testsupport::AddressSpaceCap cap(std::uint64_t(256) << 20);
        QVERIFY2(cap.active(), "could not cap the address space (RLIMIT_AS)");
        message = refusal(png);
    }
    QCOMPARE(message, std::string("60000x60000 pixels exceeds the limit of 100000000; raise it in Settings if this "
                                  "photo is genuine"));

    // With our limit raised, OpenCV's own limit (2^30 by default) must still refuse it without a crash.
    if (qEnvironmentVariableIsEmpty("OPENCV_IO_MAX_IMAGE_PIXELS")) {
        DecodeOptions generous;
        generous.maxPixels = 4'000'000'000ull;
        const std::string again = refusal(png, generous);
        QVERIFY2(again.find("cannot decode") == 0, again.c_str());
    }
    // A small image with this header shape decodes, so the limit is what refused the big one.
    DecodeOptions tight;
    tight.maxPixels = 99;
    QVERIFY(refusal(hugePng(10, 10), tight).find("10x10 pixels exceeds the limit of 99") == 0);
}

void TestImageDecode::png16Bit() {
    const cv::Mat bgr16 = pattern(41, 29, CV_16UC3);
    const Bytes png = encode(".png", bgr16);
    QVERIFY(!png.empty());
    auto img = diffclip::decodeImage(png.data(), png.size(), DecodeOptions{});
    QVERIFY2(img.ok(), img.error().describe().c_str());
    QCOMPARE(img->info.bitDepth, 16);
    QCOMPARE(img->info.channels, 3);
    QCOMPARE(img->width, 41);
    QCOMPARE(img->height, 29);
    for (int y = 0; y < 29; y += 7)
        for (int x = 0; x < 41; x += 5)
            for (int c = 0; c < 3; ++c) {
                const int expected = int(std::lround(bgr16.ptr<uint16_t>(y)[x * 3 + (2 - c)] / 257.0));
                QCOMPARE(int(img->pixels[(size_t(y) * 41 + size_t(x)) * 3 + size_t(c)]), expected);
            }
}

void TestImageDecode::cmykJpeg() {
#ifdef DIFFCLIP_HAVE_LIBJPEG
    // libjpeg writes a 4-component JPEG with an Adobe marker; samples stored inverted as Adobe does
    // (255 = no ink). Left half pure red (M+Y ink), right half black (K ink).
    const int width = 64, height = 48;
    std::vector<uint8_t> rows(size_t(width) * height * 4);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            uint8_t* p = &rows[(size_t(y) * width + size_t(x)) * 4];
            const bool red = x < width / 2;
            p[0] = 255;            // C: none
            p[1] = red ? 0 : 255;  // M
            p[2] = red ? 0 : 255;  // Y
            p[3] = red ? 255 : 0;  // K
        }
    jpeg_compress_struct cinfo{};
    jpeg_error_mgr jerr{};
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    unsigned char* buffer = nullptr;
    unsigned long bufferSize = 0;
    jpeg_mem_dest(&cinfo, &buffer, &bufferSize);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = 4;
    cinfo.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 95, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = &rows[size_t(cinfo.next_scanline) * width * 4];
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    const Bytes jpeg(buffer, buffer + bufferSize);
    jpeg_destroy_compress(&cinfo);
    std::free(buffer);

    auto img = diffclip::decodeImage(jpeg.data(), jpeg.size(), DecodeOptions{});
    QVERIFY2(img.ok(), img.error().describe().c_str());
    QCOMPARE(img->info.channels, 4);
    QCOMPARE(img->width, width);
    QCOMPARE(img->height, height);
    auto at = [&](int x, int y, int c) { return int(img->pixels[(size_t(y) * width + size_t(x)) * 3 + size_t(c)]); };
    QVERIFY2(
        at(10, 24, 0) > 230 && at(10, 24, 1) < 25 && at(10, 24, 2) < 25,
        qPrintable(
            QStringLiteral("red half decoded as %1,%2,%3").arg(at(10, 24, 0)).arg(at(10, 24, 1)).arg(at(10, 24, 2))));
    QVERIFY2(at(50, 24, 0) < 25 && at(50, 24, 1) < 25 && at(50, 24, 2) < 25, "black half is not black");
#else
    // CMYK JPEG decoding is a product claim: a build that cannot test it fails instead of passing.
    QFAIL("built without libjpeg headers, so the CMYK JPEG cannot be written: install libjpeg-dev "
          "(tools/install-deps.sh) and configure again");
#endif
}

void TestImageDecode::exifOrientation_data() {
    QTest::addColumn<bool>("bigEndian");
    QTest::newRow("Exif in Motorola order") << true;
    QTest::newRow("Exif in Intel order") << false;
}

void TestImageDecode::exifOrientation() {
    QFETCH(bool, bigEndian);
    // A real photo cropped to 200x120 so that a rotation shows in the size.
    const cv::Mat photo = cv::imread(kNeuDir + "/scratches/scratches_10.jpg", cv::IMREAD_COLOR);
    QVERIFY(!photo.empty());
    const Bytes plain = encode(".jpg", photo(cv::Rect(0, 0, 200, 120)).clone(), {cv::IMWRITE_JPEG_QUALITY, 92});
    const Bytes rotated = spliceAfterSoi(plain, exifSegment(6, bigEndian));

    auto info = diffclip::probeImage(rotated.data(), rotated.size());
    QVERIFY2(info.ok(), info.error().describe().c_str());
    QCOMPARE(info->exifOrientation, 6);
    QCOMPARE(info->width, 200);
    QCOMPARE(info->height, 120);

    cv::Mat stored;  // the pixels as stored, decoded by OpenCV from the file without EXIF
    cv::cvtColor(cv::imdecode(plain, cv::IMREAD_COLOR), stored, cv::COLOR_BGR2RGB);
    cv::Mat clockwise;
    cv::rotate(stored, clockwise, cv::ROTATE_90_CLOCKWISE);

    auto upright = diffclip::decodeImage(rotated.data(), rotated.size(), DecodeOptions{});
    QVERIFY2(upright.ok(), upright.error().describe().c_str());
    QCOMPARE(upright->width, 120);
    QCOMPARE(upright->height, 200);
    QVERIFY(upright->pixels == Bytes(clockwise.datastart, clockwise.dataend));

    DecodeOptions asStored;
    asStored.applyExifOrientation = false;
    auto raw = diffclip::decodeImage(rotated.data(), rotated.size(), asStored);
    QVERIFY2(raw.ok(), raw.error().describe().c_str());
    QCOMPARE(raw->width, 200);
    QCOMPARE(raw->height, 120);
    QVERIFY(raw->pixels == Bytes(stored.datastart, stored.dataend));
}

void TestImageDecode::greyPng() {
    const cv::Mat grey = pattern(33, 17, CV_8UC1);
    const Bytes png = encode(".png", grey);
    auto img = diffclip::decodeImage(png.data(), png.size(), DecodeOptions{});
    QVERIFY2(img.ok(), img.error().describe().c_str());
    QCOMPARE(img->info.channels, 1);
    QVERIFY(img->pixels == referenceRgb(grey));
}

void TestImageDecode::rgbaPngOverWhite() {
    cv::Mat bgra(2, 3, CV_8UC4);
    // Columns: transparent blue, half-transparent black, opaque green; same in both rows.
    for (int y = 0; y < 2; ++y) {
        bgra.at<cv::Vec4b>(y, 0) = cv::Vec4b(255, 0, 0, 0);
        bgra.at<cv::Vec4b>(y, 1) = cv::Vec4b(0, 0, 0, 128);
        bgra.at<cv::Vec4b>(y, 2) = cv::Vec4b(0, 255, 0, 255);
    }
    const Bytes png = encode(".png", bgra);
    auto img = diffclip::decodeImage(png.data(), png.size(), DecodeOptions{});
    QVERIFY2(img.ok(), img.error().describe().c_str());
    QCOMPARE(img->info.channels, 4);
    const Bytes expectedRow = {255, 255, 255, 127, 127, 127, 0, 255, 0};
    QVERIFY(Bytes(img->pixels.begin(), img->pixels.begin() + 9) == expectedRow);
    QVERIFY(Bytes(img->pixels.begin() + 9, img->pixels.end()) == expectedRow);
}

void TestImageDecode::roundTrips_data() {
    QTest::addColumn<QString>("ext");
    QTest::addColumn<QString>("format");
    QTest::addColumn<bool>("lossless");
    QTest::addColumn<std::vector<int>>("params");
    QTest::newRow("BMP") << ".bmp"
                         << "BMP" << true << std::vector<int>{};
    QTest::newRow("TIFF") << ".tiff"
                          << "TIFF" << true << std::vector<int>{};
    QTest::newRow("WebP lossless (VP8L)") << ".webp"
                                          << "WebP" << true << std::vector<int>{cv::IMWRITE_WEBP_QUALITY, 101};
    QTest::newRow("WebP lossy (VP8)") << ".webp"
                                      << "WebP" << false << std::vector<int>{cv::IMWRITE_WEBP_QUALITY, 90};
    QTest::newRow("PNG") << ".png"
                         << "PNG" << true << std::vector<int>{};
    QTest::newRow("JPEG") << ".jpg"
                          << "JPEG" << false << std::vector<int>{};
}

void TestImageDecode::roundTrips() {
    QFETCH(QString, ext);
    QFETCH(QString, format);
    QFETCH(bool, lossless);
    QFETCH(std::vector<int>, params);
    const cv::Mat bgr = pattern(37, 23);
    const Bytes bytes = encode(ext.toStdString(), bgr, params);
    // Every row is a format the product decodes (docs/ARCHITECTURE.md): an OpenCV build that cannot
    // write one leaves that claim untested, which fails rather than passes.
    QVERIFY2(!bytes.empty(), qPrintable(QStringLiteral("OpenCV could not write %1 (%2), so decoding it is untested")
                                            .arg(format, ext)));
    auto info = diffclip::probeImage(bytes.data(), bytes.size());
    QVERIFY2(info.ok(), info.error().describe().c_str());
    QCOMPARE(QString::fromStdString(info->format), format);
    QCOMPARE(info->width, 37);
    QCOMPARE(info->height, 23);
    auto img = diffclip::decodeImage(bytes.data(), bytes.size(), DecodeOptions{});
    QVERIFY2(img.ok(), img.error().describe().c_str());
    QCOMPARE(img->width, 37);
    QCOMPARE(img->height, 23);
    QCOMPARE(img->pixels.size(), size_t(37 * 23 * 3));
    const Bytes reference = referenceRgb(lossless ? bgr : cv::imdecode(cv::Mat(bytes), cv::IMREAD_COLOR));
    QVERIFY(img->pixels == reference);
}

void TestImageDecode::craftedHeaders() {
    // Big-endian TIFF: ImageWidth SHORT 300, ImageLength LONG 70000, SamplesPerPixel 1, BitsPerSample 16.
    Bytes tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 4};
    auto entry = [&](uint16_t tag, uint16_t type, uint32_t value) {
        tiff.insert(tiff.end(), {uint8_t(tag >> 8), uint8_t(tag), 0, uint8_t(type), 0, 0, 0, 1});
        if (type == 3)
            tiff.insert(tiff.end(), {uint8_t(value >> 8), uint8_t(value), 0, 0});
        else
            putBe32(tiff, value);
    };
    entry(256, 3, 300);
    entry(257, 4, 70000);
    entry(258, 3, 16);
    entry(277, 3, 1);
    putBe32(tiff, 0);
    QCOMPARE(probed(tiff), QStringLiteral("TIFF 300x70000, 1 channels, 16-bit"));
    // Its directory cut off: refused, not read past the end.
    QVERIFY(probeRefusal(Bytes(tiff.begin(), tiff.begin() + 30)).find("TIFF") != std::string::npos);

    // VP8X canvas 4000x3000 with alpha; and the animation flag is refused.
    Bytes webp = {'R', 'I', 'F', 'F', 0, 0,    0, 0, 'W', 'E',  'B',  'P',  'V',  'P',  '8',
                  'X', 10,  0,   0,   0, 0x10, 0, 0, 0,   0x9F, 0x0F, 0x00, 0xB7, 0x0B, 0x00};
    QCOMPARE(probed(webp), QStringLiteral("WebP 4000x3000, 4 channels, 8-bit"));
    webp[20] |= 0x02;
    QCOMPARE(probeRefusal(webp), std::string("animated WebP is not supported"));

    // BMP with a 40-byte header, 24 bits, top-down (negative height).
    Bytes bmp(54, 0);
    bmp[0] = 'B';
    bmp[1] = 'M';
    bmp[14] = 40;
    bmp[18] = 0x10;  // width 16
    const int32_t h = -9;
    std::memcpy(&bmp[22], &h, 4);  // little-endian hosts only, which is all this project builds for
    bmp[28] = 24;
    auto b = diffclip::probeImage(bmp.data(), bmp.size());
    QVERIFY2(b.ok(), b.error().describe().c_str());
    QCOMPARE(b->width, 16);
    QCOMPARE(b->height, 9);

    // PNG with width 0.
    QVERIFY(probeRefusal(hugePng(0, 5)).find("empty image") != std::string::npos);
}

void TestImageDecode::gifRefused() {
    const std::string gif = std::string("GIF89a\x01\x00\x01\x00\x80\x00\x00", 13) + std::string(20, '\0') + ";";
    const std::string message = refusal(Bytes(gif.begin(), gif.end()));
    QCOMPARE(message, std::string("GIF is not supported"));
}

void TestImageDecode::randomBytesRefused() {
    std::mt19937 rng(20240601);
    for (int round = 0; round < 50; ++round) {
        Bytes bytes(size_t(64 + rng() % 4096));
        for (auto& v : bytes) v = uint8_t(rng());
        if (bytes[0] == 0xFF || bytes[0] == 0x89 || bytes[0] == 'I' || bytes[0] == 'M' || bytes[0] == 'R' ||
            bytes[0] == 'B' || bytes[0] == 'G')
            bytes[0] = 0x00;  // keep clear of every magic number
        const std::string message = refusal(bytes);
        QVERIFY2(message.find("unknown format") == 0, message.c_str());
    }
}

void TestImageDecode::prefixesAndMutationsNeverCrash() {
    // Every prefix of each format's header, then random byte flips in the header: a result or a Format
    // error, never a crash or a read past the end (run under ASan to see the latter).
    const cv::Mat bgr = pattern(21, 13);
    std::vector<Bytes> samples = {readBytes(kNeuDir + "/patches/patches_1.jpg"),
                                  encode(".png", bgr),
                                  encode(".tiff", bgr),
                                  encode(".bmp", bgr),
                                  encode(".webp", bgr),
                                  spliceAfterSoi(encode(".jpg", bgr), exifSegment(8, false))};
    std::mt19937 rng(99);
    for (const Bytes& sample : samples) {
        QVERIFY(!sample.empty());
        const size_t headerLen = std::min<size_t>(sample.size(), 700);
        for (size_t n = 0; n <= headerLen; ++n) {
            auto r = diffclip::probeImage(sample.data(), n);
            QVERIFY(r.ok() || r.error().code == ErrorCode::Format);
        }
        for (int round = 0; round < 300; ++round) {
            Bytes mutated = sample;
            for (int k = 0; k < 4; ++k) mutated[rng() % headerLen] = uint8_t(rng());
            auto r = diffclip::probeImage(mutated.data(), mutated.size());
            QVERIFY(r.ok() || r.error().code == ErrorCode::Format);
            if (round % 10 == 0) {  // full decodes are slower; a sample of them
                DecodeOptions small;
                small.maxPixels = 1'000'000;
                auto d = diffclip::decodeImage(mutated.data(), mutated.size(), small);
                QVERIFY2(d.ok() || d.error().code == ErrorCode::Format, d.error().describe().c_str());
                if (d.ok()) QCOMPARE(d->pixels.size(), size_t(d->width) * size_t(d->height) * 3);
            }
        }
    }
}

void TestImageDecode::fileErrors() {
    auto missing = diffclip::decodeImageFile(tmpPath("nope.jpg"), DecodeOptions{});
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code, ErrorCode::NotFound);
    auto dir = diffclip::decodeImageFile(m_tmp.path().toStdString(), DecodeOptions{});
    QVERIFY(!dir.ok());
    QCOMPARE(dir.error().code, ErrorCode::Io);
    // The message names the file so the UI can show which photo failed.
    const std::string gifPath = tmpPath("photo.jpg");
    writeBytes(gifPath, {'G', 'I', 'F', '8', '7', 'a', 1, 0, 1, 0, 0, 0, 0});
    auto gif = diffclip::decodeImageFile(gifPath, DecodeOptions{});
    QVERIFY(!gif.ok());
    QVERIFY2(gif.error().message == "GIF is not supported: " + gifPath, gif.error().message.c_str());
}

// The one list of photo extensions names exactly formats the decoder reads: a photo written
// by OpenCV under each extension decodes.
void TestImageDecode::photoExtensions() {
    const std::vector<std::string> expected = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp"};
    QCOMPARE(diffclip::photoExtensions(), expected);
    cv::Mat bgr(6, 8, CV_8UC3, cv::Scalar(40, 120, 200));
    for (const std::string& ext : diffclip::photoExtensions()) {
        std::vector<uchar> encoded;
        QVERIFY2(cv::imencode(ext, bgr, encoded), ext.c_str());
        auto img = diffclip::decodeImage(encoded.data(), encoded.size(), DecodeOptions{});
        QVERIFY2(img.ok(), (ext + ": " + (img.ok() ? std::string() : img.error().describe())).c_str());
        QCOMPARE(img->width, 8);
        QCOMPARE(img->height, 6);
    }
}

void TestImageDecode::photoExtensionNames_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("photo");
    QTest::newRow("jpg") << "a/b.jpg" << true;
    QTest::newRow("upper case") << "B.JPG" << true;
    QTest::newRow("mixed case tiff") << "scan.TiFf" << true;
    QTest::newRow("webp") << "x.webp" << true;
    QTest::newRow("bmp") << "x.bmp" << true;
    QTest::newRow("gif") << "x.gif" << false;
    QTest::newRow("no extension") << "jpg" << false;
    QTest::newRow("hidden file named .jpg") << ".jpg" << false;
    QTest::newRow("photo extension in the folder") << "p.jpg/notes" << false;
    QTest::newRow("double extension") << "x.jpg.txt" << false;
    QTest::newRow("trailing dot") << "x.jpg." << false;
}

void TestImageDecode::photoExtensionNames() {
    QFETCH(QString, path);
    QFETCH(bool, photo);
    QCOMPARE(diffclip::hasPhotoExtension(std::filesystem::path(path.toStdString())), photo);
}

QTEST_APPLESS_MAIN(TestImageDecode)
#include "tst_imagedecode.moc"
