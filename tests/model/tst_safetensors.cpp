// Tests of safetensors reading and writing (diffclip/model/Safetensors.h, SafetensorsHeader.h):
// the shared fixtures, bit-exact round trips, hostile files and failing writes.

#include <QtTest/QtTest>

#include <ATen/ATen.h>

#include <grp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "diffclip/model/Safetensors.h"
#include "diffclip/formats/SafetensorsHeader.h"

using namespace diffclip;

namespace {

std::string fixture(const char* rel) { return std::string(DIFFCLIP_SHARED_DIR) + "/fixtures/" + rel; }

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void writeFile(const std::string& path, const std::string& bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string le64(uint64_t n)
{
    std::string out(8, '\0');
    for (size_t i = 0; i < 8; ++i, n >>= 8)
        out[i] = static_cast<char>(n & 0xFF);
    return out;
}

// A file from a raw header text and a data section of `dataSize` zero bytes.
std::string makeFile(const std::string& header, size_t dataSize)
{
    return le64(header.size()) + header + std::string(dataSize, '\0');
}

bool bitEqual(const at::Tensor& a, const at::Tensor& b)
{
    if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes())
        return false;
    const at::Tensor ca = a.contiguous();
    const at::Tensor cb = b.contiguous();
    const size_t bytes = static_cast<size_t>(ca.numel()) * ca.element_size();
    return bytes == 0 || std::memcmp(ca.data_ptr(), cb.data_ptr(), bytes) == 0;
}

QStringList entries(const QString& dir)
{
    return QDir(dir).entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::Hidden);
}

}  // namespace

class TestSafetensors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsDiffclipFixture()
    {
        auto r = readSafetensors(fixture("diffclip-tiny-a/model.safetensors"));
        QVERIFY2(r.ok(), r.error().describe().c_str());
        const StateDict& sd = r->tensors;
        QCOMPARE(sd.size(), size_t(97));
        QVERIFY(r->metadata.empty());
        QCOMPARE(sd.front().first, std::string("image_projection"));  // file order
        const at::Tensor* tok = findTensor(sd, "token_embedding.weight");
        QVERIFY(tok != nullptr);
        QCOMPARE(tok->sizes().vec(), (std::vector<int64_t>{49408, 32}));
        const at::Tensor* pos = findTensor(sd, "visual.pos_embed");
        QVERIFY(pos != nullptr);
        QCOMPARE(pos->sizes().vec(), (std::vector<int64_t>{1, 17, 48}));
        const at::Tensor* scale = findTensor(sd, "logit_scale");
        QVERIFY(scale != nullptr);
        QCOMPARE(scale->dim(), int64_t(0));
        int64_t total = 0;
        for (const auto& [name, t] : sd) {
            QCOMPARE(t.scalar_type(), at::kFloat);
            QVERIFY(t.is_contiguous());
            QVERIFY2(at::isfinite(t).all().item<bool>(), name.c_str());
            total += t.numel();
        }
        // The data section is exactly the tensors' bytes.
        const std::string bytes = readFile(fixture("diffclip-tiny-a/model.safetensors"));
        QCOMPARE(uint64_t(total) * 4, uint64_t(bytes.size()) - 8 - 9544);
        // Random weights: not all zero, so the bytes really were copied.
        QVERIFY(tok->abs().sum().item<double>() > 0.0);

        auto fromBytes = readSafetensorsBytes(bytes);
        QVERIFY(fromBytes.ok());
        QCOMPARE(fromBytes->tensors.size(), sd.size());
        for (size_t i = 0; i < sd.size(); ++i) {
            QCOMPARE(fromBytes->tensors[i].first, sd[i].first);
            QVERIFY(bitEqual(fromBytes->tensors[i].second, sd[i].second));
        }
    }

    void readsClipFixture()
    {
        auto r = readSafetensors(fixture("clip-std-tiny-a/model.safetensors"));
        QVERIFY2(r.ok(), r.error().describe().c_str());
        QCOMPARE(r->tensors.size(), size_t(61));
        const at::Tensor* proj = findTensor(r->tensors, "image_projection");
        QVERIFY(proj != nullptr);
        QCOMPARE(proj->sizes().vec(), (std::vector<int64_t>{48, 24}));
        for (const auto& [name, t] : r->tensors)
            QVERIFY2(at::isfinite(t).all().item<bool>(), name.c_str());

        auto expected = readSafetensors(fixture("diffclip-tiny-a/expected.safetensors"));
        QVERIFY2(expected.ok(), expected.error().describe().c_str());
        const at::Tensor* text = findTensor(expected->tensors, "input.text");
        QVERIFY(text != nullptr);
        QCOMPARE(text->scalar_type(), at::kLong);
        QCOMPARE(text->sizes().vec(), (std::vector<int64_t>{3, 16}));
        QCOMPARE(text->max().item<int64_t>(), int64_t(49407));  // end-of-text token present
    }

    void roundTripBitExact()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("rt.safetensors").toStdString();
        at::manual_seed(7);
        const at::Tensor f32 = at::randn({3, 5});
        at::Tensor f32Special = at::tensor({0.0f, -0.0f, INFINITY, -INFINITY, NAN, 1e-45f});
        const at::Tensor nonContiguous = at::randn({4, 6}).t().slice(0, 1, 5);
        QVERIFY(!nonContiguous.is_contiguous());
        StateDict sd = {
            {"f32", f32},
            {"f32.special", f32Special},
            {"f16", at::randn({2, 3, 4}).to(at::kHalf)},
            {"bf16", at::randn({7}).to(at::kBFloat16)},
            {"f64", at::randn({2, 2}, at::kDouble)},
            {"i64", at::tensor({int64_t(-1), int64_t(1) << 62, INT64_MIN, int64_t(0)})},
            {"i32", at::randint(-1000, 1000, {5}, at::kInt)},
            {"i16", at::randint(-1000, 1000, {5}, at::kShort)},
            {"i8", at::randint(-100, 100, {3}, at::kChar)},
            {"u8", at::randint(0, 255, {3}, at::kByte)},
            {"bool", at::randn({9}) > 0},
            {"noncontiguous", nonContiguous},
            {"scalar", at::scalar_tensor(3.5)},
            {"empty", at::empty({0, 4})},
            {"z.last", at::ones({1})},
        };
        Status s = writeSafetensors(path, sd);
        QVERIFY2(s.ok(), s.error().describe().c_str());
        QCOMPARE(entries(dir.path()), QStringList{"rt.safetensors"});  // no temp file left

        auto r = readSafetensors(path);
        QVERIFY2(r.ok(), r.error().describe().c_str());
        QCOMPARE(r->tensors.size(), sd.size());
        for (size_t i = 0; i < sd.size(); ++i) {
            QCOMPARE(r->tensors[i].first, sd[i].first);  // written in the given order
            QVERIFY2(bitEqual(r->tensors[i].second, sd[i].second), sd[i].first.c_str());
            QVERIFY(r->tensors[i].second.is_contiguous());
        }
        QVERIFY(r->metadata.empty());

        // Header layout: length N is a multiple of 8 (so the data is aligned), padding is spaces.
        const std::string bytes = readFile(path);
        auto n = readSafetensorsHeaderLength(bytes, bytes.size());
        QVERIFY(n.ok());
        QCOMPARE(*n % 8, uint64_t(0));
        QVERIFY(bytes[8] == '{');
        auto header = parseSafetensorsHeader(bytes, bytes.size());
        QVERIFY2(header.ok(), header.error().describe().c_str());
        QCOMPARE(header->entries.size(), sd.size());
        QCOMPARE(header->entries[0].begin, uint64_t(0));
        QCOMPARE(header->dataOffset + header->dataSize, uint64_t(bytes.size()));

        // Overwriting an existing file replaces it atomically.
        s = writeSafetensors(path, {{"only", at::zeros({2})}});
        QVERIFY(s.ok());
        r = readSafetensors(path);
        QVERIFY(r.ok());
        QCOMPARE(r->tensors.size(), size_t(1));
    }

    void metadataRoundTrip()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("m.safetensors").toStdString();
        const std::map<std::string, std::string> meta = {
            {"format", "pt"}, {"note", "quote \" backslash \\ newline \n tab \t"}, {"unicode", "\xC3\xA9\xE4\xB8\xAD"},
            {"", "empty key"}};
        QVERIFY(writeSafetensors(path, {{"w", at::ones({2, 2})}}, meta).ok());
        auto r = readSafetensors(path);
        QVERIFY2(r.ok(), r.error().describe().c_str());
        QVERIFY(r->metadata == meta);
        QCOMPARE(r->tensors.size(), size_t(1));

        // Metadata only, no tensors.
        QVERIFY(writeSafetensors(path, {}, meta).ok());
        r = readSafetensors(path);
        QVERIFY2(r.ok(), r.error().describe().c_str());
        QVERIFY(r->tensors.empty());
        QVERIFY(r->metadata == meta);
    }

    void writerRefusesBadInput()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("bad.safetensors").toStdString();
        Status s = writeSafetensors(path, {{"a", at::ones({1})}, {"a", at::ones({1})}});
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::InvalidArgument);
        s = writeSafetensors(path, {{"__metadata__", at::ones({1})}});
        QCOMPARE(s.error().code, ErrorCode::InvalidArgument);
        s = writeSafetensors(path, {{"u", at::Tensor()}});
        QCOMPARE(s.error().code, ErrorCode::InvalidArgument);
        s = writeSafetensors(path, {{"c", at::ones({2}, at::kComplexFloat)}});
        QCOMPARE(s.error().code, ErrorCode::Unsupported);
        QVERIFY(entries(dir.path()).isEmpty());
    }

    void truncatedFiles()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("t.safetensors").toStdString();
        QVERIFY(writeSafetensors(path, {{"a", at::randn({3})}, {"b", at::randn({2, 2}).to(at::kHalf)}},
                                 {{"k", "v"}})
                    .ok());
        const std::string good = readFile(path);
        QVERIFY(readSafetensorsBytes(good).ok());
        const std::string cutPath = dir.filePath("cut.safetensors").toStdString();
        for (size_t cut = 0; cut < good.size(); ++cut) {
            const std::string bytes = good.substr(0, cut);
            auto r = readSafetensorsBytes(bytes);
            QVERIFY2(!r.ok(), std::to_string(cut).c_str());
            QVERIFY2(r.error().code == ErrorCode::Format, r.error().describe().c_str());
            if (cut % 7 == 0 || cut < 10) {
                writeFile(cutPath, bytes);
                auto f = readSafetensors(cutPath);
                QVERIFY(!f.ok());
                QCOMPARE(f.error().code, ErrorCode::Format);
                QVERIFY2(f.error().message.find(cutPath) != std::string::npos, f.error().message.c_str());
            }
        }
        auto r = readSafetensorsBytes(good.substr(0, 5));
        QVERIFY2(r.error().message.find("too short") != std::string::npos, r.error().message.c_str());
        r = readSafetensorsBytes(good.substr(0, good.size() - 1));
        QVERIFY2(r.error().message.find("data section") != std::string::npos, r.error().message.c_str());
        // Trailing bytes are refused too.
        r = readSafetensorsBytes(good + "x");
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Format);
    }

    void hostileFiles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expect");
        auto add = [](const char* tag, const std::string& bytes, const char* expect) {
            QTest::newRow(tag) << QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size())) << QString(expect);
        };
        const std::string okEntry = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        add("header length larger than file", le64(100) + "{}", "past the end of the file");
        add("header length 2^63", le64(uint64_t(1) << 63) + "{}", "exceeds the limit");
        add("header length 2^64-1", le64(~uint64_t(0)) + "{}", "exceeds the limit");
        add("header length 1", le64(1) + "{", "too small");
        add("non-JSON header", makeFile("not json", 0), "invalid JSON");
        add("JSON array header", makeFile("[1, 2]  ", 0), "not an object");
        add("JSON string header", makeFile("\"str\"", 0), "not an object");
        add("overlapping offsets",
            makeFile("{" + okEntry + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12),
            "tensor \"b\": data_offsets [4, 12) overlap tensor \"a\"");
        add("same range twice",
            makeFile("{" + okEntry + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8),
            "overlap");
        add("gap between offsets",
            makeFile("{" + okEntry + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20),
            "tensor \"b\": gap of 4 bytes");
        add("not starting at 0", makeFile("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]}}", 4),
            "tensor \"a\": gap of 2 bytes");
        add("offsets past the end", makeFile("{" + okEntry + "}", 4), "tensor \"a\": data_offsets end 8 is past the end");
        add("data size mismatch", makeFile("{" + okEntry + "}", 12), "data section is 12 bytes but the tensors cover 8");
        add("shape vs byte count",
            makeFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8),
            "tensor \"a\": data_offsets span 8 bytes but dtype and shape need 12");
        add("begin after end", makeFile("{\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8),
            "before begin");
        add("bad dtype", makeFile("{\"a\":{\"dtype\":\"F99\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8),
            "tensor \"a\": unknown dtype \"F99\"");
        add("dtype not a string", makeFile("{\"a\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}", 8),
            "dtype is not a string");
        add("duplicate keys", makeFile("{" + okEntry + "," + okEntry + "}", 8), "duplicate object key \"a\"");
        add("nesting 10000 deep",
            makeFile("{\"a\":" + std::string(10000, '[') + std::string(10000, ']') + "}", 0), "nesting");
        add("invalid UTF-8 name",
            makeFile("{\"a\xff\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "UTF-8");
        add("negative dimension", makeFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8),
            "tensor \"a\": shape has a negative dimension (-2)");
        add("fractional dimension",
            makeFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 8), "not an integer");
        add("too many dimensions",
            makeFile("{\"a\":{\"dtype\":\"U8\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,1]}}", 1),
            "9 dimensions");
        add("dimension beyond int64",
            makeFile("{\"a\":{\"dtype\":\"U8\",\"shape\":[9223372036854775808],\"data_offsets\":[0,0]}}", 0),
            "shape has a dimension too large (9223372036854775808)");
        add("element count overflow",
            makeFile("{\"a\":{\"dtype\":\"U8\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}", 0),
            "element count overflows");
        add("byte size overflow",
            makeFile("{\"a\":{\"dtype\":\"F64\",\"shape\":[4611686018427387904],\"data_offsets\":[0,0]}}", 0),
            "byte size overflows");
        add("huge offsets",
            makeFile("{\"a\":{\"dtype\":\"U8\",\"shape\":[9223372036854775807],"
                     "\"data_offsets\":[0,9223372036854775807]}}",
                     0),
            "past the end");
        add("negative offset", makeFile("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[-1,0]}}", 1),
            "non-negative");
        add("three offsets", makeFile("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1,2]}}", 1),
            "two integers");
        add("missing shape", makeFile("{\"a\":{\"dtype\":\"U8\",\"data_offsets\":[0,1]}}", 1), "missing shape");
        add("extra member",
            makeFile("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"x\":1}}", 1),
            "unexpected member \"x\"");
        add("entry not an object", makeFile("{\"a\":[1]}", 0), "tensor \"a\": entry is not an object");
        add("metadata not strings", makeFile("{\"__metadata__\":{\"k\":1}}", 0), "__metadata__ value \"k\"");
        add("metadata not an object", makeFile("{\"__metadata__\":[]}", 0), "__metadata__ is not an object");
        add("bool byte 2", makeFile("{\"a\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[0,1]}}", 0) + "\x02",
            "not 0 or 1");
        add("lone surrogate name", makeFile("{\"\\ud800\":{}}", 0), "surrogate");
        add("trailing garbage after JSON", makeFile("{} x", 0), "expected end of input (offset 3)");
    }

    void hostileFiles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expect);
        const std::string data(bytes.constData(), static_cast<size_t>(bytes.size()));
        auto r = readSafetensorsBytes(data);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().code == ErrorCode::Format, r.error().describe().c_str());
        QVERIFY2(r.error().message.find(expect.toStdString()) != std::string::npos, r.error().describe().c_str());
        // Same through the file reader.
        QTemporaryDir dir;
        const std::string path = dir.filePath("h.safetensors").toStdString();
        writeFile(path, data);
        auto f = readSafetensors(path);
        QVERIFY(!f.ok());
        QCOMPARE(f.error().code, ErrorCode::Format);
        QVERIFY2(f.error().message.find(expect.toStdString()) != std::string::npos, f.error().describe().c_str());
    }

    void unsupportedDtype()
    {
        auto r = readSafetensorsBytes(makeFile("{\"a\":{\"dtype\":\"U16\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Unsupported);
        QVERIFY2(r.error().message.find("\"U16\"") != std::string::npos, r.error().message.c_str());
    }

    void acceptsEdgeCases()
    {
        // Zero-size tensors share an offset; scalar shape []; empty header object.
        auto r = readSafetensorsBytes(makeFile(
            "{\"z\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]},"
            "\"s\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[0,4]},"
            "\"y\":{\"dtype\":\"F16\",\"shape\":[0],\"data_offsets\":[4,4]}}   ",
            4));
        QVERIFY2(r.ok(), r.error().describe().c_str());
        QCOMPARE(r->tensors.size(), size_t(3));
        QCOMPARE(r->tensors[0].first, std::string("s"));  // sorted by offset
        QCOMPARE(r->tensors[0].second.dim(), int64_t(0));
        QCOMPARE(r->tensors[1].second.numel(), int64_t(0));
        r = readSafetensorsBytes(makeFile("{}", 0));
        QVERIFY2(r.ok(), r.error().describe().c_str());
        QVERIFY(r->tensors.empty());
    }

    void missingAndSpecialPaths()
    {
        QTemporaryDir dir;
        auto r = readSafetensors(dir.filePath("absent.safetensors").toStdString());
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::NotFound);
        r = readSafetensors(dir.path().toStdString());
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Io);
        Status s = writeSafetensors(dir.filePath("no/such/dir/x.safetensors").toStdString(), {{"a", at::ones({1})}});
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::Io);
        QVERIFY2(s.error().message.find("No such file or directory") != std::string::npos, s.error().message.c_str());
    }

    void fullDisk()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("full.safetensors").toStdString();
        struct rlimit old {};
        QVERIFY(getrlimit(RLIMIT_FSIZE, &old) == 0);
        struct sigaction ignore {}, previous {};
        ignore.sa_handler = SIG_IGN;
        QVERIFY(sigaction(SIGXFSZ, &ignore, &previous) == 0);
        struct rlimit small = old;
        small.rlim_cur = 64 * 1024;
        QVERIFY(setrlimit(RLIMIT_FSIZE, &small) == 0);
        const Status s = writeSafetensors(path, {{"big", at::zeros({1 << 16})}});  // 256 KiB
        setrlimit(RLIMIT_FSIZE, &old);
        sigaction(SIGXFSZ, &previous, nullptr);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::Io);
        QVERIFY2(s.error().message.find(std::strerror(EFBIG)) != std::string::npos, s.error().message.c_str());
        QVERIFY2(s.error().message.find(path) != std::string::npos, s.error().message.c_str());
        QVERIFY(entries(dir.path()).isEmpty());  // neither target nor temp file

        // An existing file is left untouched by a failed write.
        QVERIFY(writeSafetensors(path, {{"small", at::ones({4})}}).ok());
        const std::string before = readFile(path);
        QVERIFY(sigaction(SIGXFSZ, &ignore, &previous) == 0);
        QVERIFY(setrlimit(RLIMIT_FSIZE, &small) == 0);
        const Status again = writeSafetensors(path, {{"big", at::zeros({1 << 16})}});
        setrlimit(RLIMIT_FSIZE, &old);
        sigaction(SIGXFSZ, &previous, nullptr);
        QCOMPARE(again.error().code, ErrorCode::Io);
        QCOMPARE(readFile(path), before);
        QCOMPARE(entries(dir.path()), QStringList{"full.safetensors"});
    }

    void nonWritableDirectory()
    {
        QTemporaryDir dir;
        const QString sub = dir.filePath("ro");
        QVERIFY(QDir().mkdir(sub));
        QVERIFY(::chmod(dir.path().toLocal8Bit().constData(), 0755) == 0);
        QVERIFY(::chmod(sub.toLocal8Bit().constData(), 0555) == 0);
        const std::string target = (sub + "/x.safetensors").toStdString();
        const StateDict sd = {{"a", at::ones({1})}};
        // Root ignores directory permissions: run the write in a child that drops to "nobody".
        enum { Refused = 0, Wrote = 1, OtherError = 2, NoSetuid = 3 };
        int outcome = OtherError;
        std::string message;
        if (geteuid() == 0) {
            const pid_t pid = fork();
            QVERIFY(pid >= 0);
            if (pid == 0) {
                // Supplementary groups first (root's group 0 could otherwise still grant access).
                if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
                    _exit(NoSetuid);
                const Status s = writeSafetensors(target, sd);
                if (s.ok())
                    _exit(Wrote);
                const bool refused = s.error().code == ErrorCode::Io
                    && s.error().message.find(std::strerror(EACCES)) != std::string::npos;
                _exit(refused ? Refused : OtherError);
            }
            int status = 0;
            QVERIFY(waitpid(pid, &status, 0) == pid);
            QVERIFY(WIFEXITED(status));
            outcome = WEXITSTATUS(status);
            QVERIFY2(outcome != NoSetuid, "running as root, the child could not drop to uid/gid 65534, so the "
                                          "permission path is untested");
        } else {
            const Status s = writeSafetensors(target, sd);
            message = s.ok() ? "" : s.error().describe();
            outcome = s.ok() ? Wrote
                             : (s.error().code == ErrorCode::Io && message.find(std::strerror(EACCES)) != std::string::npos
                                    ? Refused
                                    : OtherError);
        }
        ::chmod(sub.toLocal8Bit().constData(), 0755);
        QVERIFY2(outcome == Refused, (std::to_string(outcome) + " " + message).c_str());
        QVERIFY(entries(sub).isEmpty());
    }

    void encodeHeaderRefusesBadShapes()
    {
        uint64_t dataSize = 0;
        auto h = encodeSafetensorsHeader({{"a", SafetensorsDtype::F32, {2, 3}}, {"b", SafetensorsDtype::Bool, {}}}, {},
                                         &dataSize);
        QVERIFY(h.ok());
        QCOMPARE(dataSize, uint64_t(25));
        QCOMPARE(h->size() % 8, size_t(0));
        auto parsed = parseSafetensorsHeader(*h + std::string(25, '\0'), h->size() + 25);
        QVERIFY2(parsed.ok(), parsed.error().describe().c_str());
        QCOMPARE(parsed->entries[1].begin, uint64_t(24));
        QCOMPARE(encodeSafetensorsHeader({{"a", SafetensorsDtype::F32, {-1}}}, {}).error().code,
                 ErrorCode::InvalidArgument);
        QCOMPARE(encodeSafetensorsHeader({{"a", SafetensorsDtype::F64, {int64_t(1) << 62, 4}}}, {}).error().code,
                 ErrorCode::InvalidArgument);
    }
};

QTEST_APPLESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
