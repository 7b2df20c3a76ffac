// indexZip on the fixture checkpoints and on zip archives built byte by byte here (hostile
// layouts the ordinary writers cannot produce), plus readTorchCheckpoint on crafted archives
// that would make LibTorch's reader allocate a terabyte without the index.

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "diffclip/model/Checkpoint.h"
#include "diffclip/formats/ZipIndex.h"
#include "../support/TestSupport.h"

using namespace diffclip;

namespace {

constexpr std::uint64_t kTiB = std::uint64_t(1) << 40;

QString fixture(const char* relative) {
    return QStringLiteral(DIFFCLIP_SHARED_DIR "/fixtures/") + QString::fromUtf8(relative);
}

void put16(std::string& s, std::uint64_t v) {
    for (int i = 0; i < 2; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put32(std::string& s, std::uint64_t v) {
    for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put64(std::string& s, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}

// miniz may verify CRCs when extracting, so the end-to-end archives carry real ones.
std::uint32_t crc32(const std::string& data) {
    std::uint32_t crc = 0xffffffffu;
    for (unsigned char c : data) {
        crc ^= c;
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

std::string localHeader(const std::string& name, std::uint16_t method, const std::string& data) {
    std::string s;
    put32(s, 0x04034b50);
    put16(s, 20);  // version needed
    put16(s, 0);   // flags
    put16(s, method);
    put32(s, 0);  // time, date
    put32(s, crc32(data));
    put32(s, data.size());
    put32(s, data.size());
    put16(s, name.size());
    put16(s, 0);
    return s + name;
}

struct Member {
    Member(std::string n, std::string d) : name(std::move(n)), data(std::move(d)) {}

    std::string name;
    std::string data;
    std::uint16_t method = 0;
    std::uint16_t flags = 0;
    std::optional<std::uint64_t> uncompressed;  // declared in the central directory (default data.size())
    std::optional<std::uint64_t> compressed;
    bool zip64Extra = false;                  // sizes and offset as 0xFFFFFFFF plus a zip64 extra field
    std::optional<std::uint64_t> localOffset;  // point the central entry here instead of writing a local header
};

struct Layout {
    bool zip64End = true;  // EOCD64 record and locator, as torch writes them
    std::optional<std::uint64_t> count;
    std::optional<std::uint64_t> cdOffset;
    std::optional<std::uint64_t> cdSize;
    std::string trailing;  // bytes after the EOCD record
};

// Data offset of member i when every member before it has a local header (no extras).
std::uint64_t dataOffsetOf(const std::vector<Member>& members, std::size_t i) {
    std::uint64_t off = 0;
    for (std::size_t k = 0; k <= i; ++k) {
        off += 30 + members[k].name.size();
        if (k < i) off += members[k].data.size();
    }
    return off;
}

std::string buildZip(const std::vector<Member>& members, const Layout& layout = {}) {
    std::string out;
    std::vector<std::uint64_t> offsets;
    for (const Member& m : members) {
        if (m.localOffset) {
            offsets.push_back(*m.localOffset);
            continue;
        }
        offsets.push_back(out.size());
        out += localHeader(m.name, m.method, m.data) + m.data;
    }
    const std::uint64_t cdOffset = out.size();
    std::string cd;
    for (std::size_t i = 0; i < members.size(); ++i) {
        const Member& m = members[i];
        const std::uint64_t uncompressed = m.uncompressed.value_or(m.data.size());
        const std::uint64_t compressed = m.compressed.value_or(m.data.size());
        std::string extra;
        if (m.zip64Extra) {
            put16(extra, 1);
            put16(extra, 24);
            put64(extra, uncompressed);
            put64(extra, compressed);
            put64(extra, offsets[i]);
        }
        put32(cd, 0x02014b50);
        put16(cd, 0x031e);
        put16(cd, 45);
        put16(cd, m.flags);
        put16(cd, m.method);
        put32(cd, 0);
        put32(cd, crc32(m.data));
        put32(cd, m.zip64Extra ? 0xffffffffu : compressed);
        put32(cd, m.zip64Extra ? 0xffffffffu : uncompressed);
        put16(cd, m.name.size());
        put16(cd, extra.size());
        put16(cd, 0);  // comment
        put16(cd, 0);  // disk
        put16(cd, 0);
        put32(cd, 0);
        put32(cd, m.zip64Extra ? 0xffffffffu : offsets[i]);
        cd += m.name + extra;
    }
    out += cd;
    const std::uint64_t count = layout.count.value_or(members.size());
    const std::uint64_t size = layout.cdSize.value_or(cd.size());
    const std::uint64_t offset = layout.cdOffset.value_or(cdOffset);
    if (layout.zip64End) {
        const std::uint64_t eocd64 = out.size();
        put32(out, 0x06064b50);
        put64(out, 44);
        put16(out, 0x031e);
        put16(out, 45);
        put32(out, 0);
        put32(out, 0);
        put64(out, count);
        put64(out, count);
        put64(out, size);
        put64(out, offset);
        put32(out, 0x07064b50);
        put32(out, 0);
        put64(out, eocd64);
        put32(out, 1);
    }
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, std::min<std::uint64_t>(count, 0xffff));
    put16(out, std::min<std::uint64_t>(count, 0xffff));
    put32(out, std::min<std::uint64_t>(size, 0xffffffffu));
    put32(out, std::min<std::uint64_t>(offset, 0xffffffffu));
    put16(out, 0);
    return out + layout.trailing;
}

// Indexes `bytes` through a callback that records the largest single read it was asked for.
Result<ZipIndex> indexTracked(const std::string& bytes, std::size_t* largestRead) {
    *largestRead = 0;
    return indexZip(bytes.size(), [&](std::uint64_t offset, std::size_t n, void* out) {
        *largestRead = std::max(*largestRead, n);
        if (offset > bytes.size() || n > bytes.size() - offset) return false;
        std::memcpy(out, bytes.data() + offset, n);
        return true;
    });
}

std::string readAll(const QString& path) {
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly)) return {};
    const QByteArray all = in.readAll();
    return std::string(all.constData(), static_cast<std::size_t>(all.size()));
}

// {'w': FloatStorage tensor of `numel` elements under key "0"}, as torch.save pickles it.
std::string tensorPickle(int numel) {
    std::string p("\x80\x02}", 3);
    auto str = [&](const std::string& s) {
        p += 'X';
        put32(p, s.size());
        p += s;
    };
    auto int4 = [&](int v) {
        p += 'J';
        put32(p, static_cast<std::uint32_t>(v));
    };
    str("w");
    p += "ctorch._utils\n_rebuild_tensor_v2\n(";
    p += '(';
    str("storage");
    p += "ctorch\nFloatStorage\n";
    str("0");
    str("cpu");
    int4(numel);
    p += "tQ";
    int4(0);
    p += '(';
    int4(numel);
    p += "t(";
    int4(1);
    p += "t\x89";
    p += "ccollections\nOrderedDict\n)RtR";
    return p + "s.";
}

std::string floats(const std::vector<float>& v) {
    std::string s(v.size() * sizeof(float), '\0');
    std::memcpy(s.data(), v.data(), s.size());
    return s;
}

}  // namespace

class TestZipIndex : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fixtures_data();
    void fixtures();
    void builtArchivesAccepted();
    void truncatedFixture();
    void truncatedBuilt();
    void hostile_data();
    void hostile();
    void overlappingEntries();
    void failingRead();
    void checkpointRefusesCompressedTerabyte();

private:
    QTemporaryDir m_dir;
};

void TestZipIndex::fixtures_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<int>("count");
    QTest::newRow("clip torch 2.11") << fixture("clip-std-tiny-a/checkpoint_best.pt") << "checkpoint_best/" << 67;
    QTest::newRow("diffclip torch 2.11") << fixture("diffclip-tiny-a/checkpoint_best.pt") << "checkpoint_best/"
                                         << 193;
    QTest::newRow("diffclip torch 1.13") << fixture("diffclip-tiny-a/checkpoint_best_torch113_ordereddict.pt")
                                         << "checkpoint_best_torch113_ordereddict/" << 189;
}

void TestZipIndex::fixtures() {
    QFETCH(QString, path);
    QFETCH(QString, prefix);
    QFETCH(int, count);
    const std::string bytes = readAll(path);
    QVERIFY(!bytes.empty());
    auto index = indexZipFile(path.toStdString());
    QVERIFY2(index.ok(), index.error().describe().c_str());
    QCOMPARE(static_cast<int>(index->entries().size()), count);
    QCOMPARE(index->fileSize(), std::uint64_t(bytes.size()));
    QVERIFY(index->zip64());  // torch always writes the zip64 end records
    const std::string pre = prefix.toStdString();
    QCOMPARE(index->entries().front().name, pre + "data.pkl");

    std::uint64_t sum = 0;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
    for (const ZipEntry& e : index->entries()) {
        QVERIFY2(e.name.rfind(pre, 0) == 0, e.name.c_str());
        QCOMPARE(e.method, std::uint16_t(0));
        QCOMPARE(e.uncompressedSize, e.compressedSize);
        QVERIFY(e.dataOffset > e.localHeaderOffset);
        QVERIFY(e.dataOffset + e.compressedSize <= bytes.size());
        QCOMPARE(index->find(e.name), &e);
        sum += e.compressedSize;
        ranges.emplace_back(e.dataOffset, e.dataOffset + e.compressedSize);
    }
    // Records are most of the file (headers, 64-byte alignment and the directory are the rest).
    QVERIFY2(sum <= bytes.size() && sum > bytes.size() * 9 / 10, qPrintable(QString::number(sum)));
    std::sort(ranges.begin(), ranges.end());
    for (std::size_t i = 1; i < ranges.size(); ++i) QVERIFY(ranges[i - 1].second <= ranges[i].first);

    const ZipEntry* pkl = index->find(pre + "data.pkl");
    QVERIFY(pkl != nullptr);
    QCOMPARE(static_cast<unsigned char>(bytes[pkl->dataOffset]), 0x80u);  // pickle PROTO opcode
    QCOMPARE(bytes[pkl->dataOffset + pkl->compressedSize - 1], '.');      // pickle STOP opcode
    const ZipEntry* data0 = index->find(pre + "data/0");
    QVERIFY(data0 != nullptr);
    QVERIFY(data0->compressedSize > 0);
    QCOMPARE(data0->dataOffset % 64, std::uint64_t(0));  // torch aligns storages
    QVERIFY(index->find(pre + "data/999999") == nullptr);
    QVERIFY(index->find("data.pkl") == nullptr);
    QVERIFY(index->find(prefix.toUpper().toStdString() + "DATA.PKL") == nullptr);  // lookups are exact

    // The in-memory variant agrees.
    auto fromBytes = indexZipBytes(bytes.data(), bytes.size());
    QVERIFY(fromBytes.ok());
    QCOMPARE(fromBytes->entries().size(), index->entries().size());
    QCOMPARE(fromBytes->entries().back().dataOffset, index->entries().back().dataOffset);
}

void TestZipIndex::builtArchivesAccepted() {
    // Without these passing, the refusals below could be the builder's fault.
    const std::vector<Member> members = {{"a/data.pkl", "pickle"}, {"a/data/0", floats({1, 2, 3, 4})}, {"a/e", ""}};
    for (bool zip64End : {false, true}) {
        for (bool zip64Extra : {false, true}) {
            std::vector<Member> m = members;
            for (Member& x : m) x.zip64Extra = zip64Extra;
            Layout layout;
            layout.zip64End = zip64End;
            const std::string zip = buildZip(m, layout);
            std::size_t largest = 0;
            auto index = indexTracked(zip, &largest);
            QVERIFY2(index.ok(), index.error().describe().c_str());
            QCOMPARE(index->zip64(), zip64End);
            QCOMPARE(index->entries().size(), std::size_t(3));
            const ZipEntry* d = index->find("a/data/0");
            QVERIFY(d != nullptr);
            QCOMPARE(d->compressedSize, std::uint64_t(16));
            QCOMPARE(d->dataOffset, dataOffsetOf(m, 1));
            QCOMPARE(zip.substr(d->dataOffset, 16), floats({1, 2, 3, 4}));
            QCOMPARE(index->find("a/e")->compressedSize, std::uint64_t(0));
        }
    }
    Layout plain;
    plain.zip64End = false;
    const std::string emptyZip = buildZip({}, plain);
    QCOMPARE(emptyZip.size(), std::size_t(22));
    auto empty = indexZipBytes(emptyZip.data(), emptyZip.size());
    QVERIFY2(empty.ok(), empty.error().describe().c_str());
    QVERIFY(empty->entries().empty());
}

void TestZipIndex::truncatedFixture() {
    const std::string all = readAll(fixture("clip-std-tiny-a/checkpoint_best.pt"));
    QVERIFY(all.size() > 100000);
    std::vector<std::size_t> lengths;
    for (std::size_t n = 0; n < 300; ++n) lengths.push_back(n);
    for (std::size_t n = 1; n <= 400; ++n) lengths.push_back(all.size() - n);  // cuts through the end records
    for (std::size_t k = 1; k < 64; ++k) lengths.push_back(all.size() * k / 64);
    for (std::size_t len : lengths) {
        const std::string cut = all.substr(0, len);
        std::size_t largest = 0;
        auto index = indexTracked(cut, &largest);
        QVERIFY2(!index.ok(), qPrintable(QStringLiteral("length %1 was accepted").arg(len)));
        QCOMPARE(index.error().code, ErrorCode::Format);
        QVERIFY(largest <= 65535 + 22);
        QVERIFY(index.error().message.find('\n') == std::string::npos);
    }
}

void TestZipIndex::truncatedBuilt() {
    for (bool zip64End : {false, true}) {
        Layout layout;
        layout.zip64End = zip64End;
        const std::string zip = buildZip({{"a/data.pkl", "pickle"}, {"a/data/0", "0123456789abcdef"}}, layout);
        for (std::size_t len = 0; len < zip.size(); ++len) {
            auto index = indexZipBytes(zip.data(), len);
            QVERIFY2(!index.ok(), qPrintable(QStringLiteral("length %1 was accepted").arg(len)));
            QCOMPARE(index.error().code, ErrorCode::Format);
        }
        QVERIFY(indexZipBytes(zip.data(), zip.size()).ok());
    }
}

void TestZipIndex::hostile_data() {
    QTest::addColumn<QByteArray>("zip");
    QTest::addColumn<QString>("needle");
    auto add = [](const char* tag, const std::string& zip, const char* needle) {
        QTest::newRow(tag) << QByteArray(zip.data(), static_cast<qsizetype>(zip.size())) << QString(needle);
    };
    const Member pkl{"a/data.pkl", "pickle"};
    const Member d0{"a/data/0", "0123456789abcdef"};

    Layout outside;
    outside.zip64End = false;
    outside.cdOffset = 0xfffffff0u;
    add("EOCD points outside", buildZip({pkl, d0}, outside), "central directory");
    Layout outside64;
    outside64.cdOffset = kTiB;
    add("EOCD64 points outside", buildZip({pkl, d0}, outside64), "lies outside the archive");
    Layout bigSize;
    bigSize.cdSize = 0xfffffff0u;
    add("central directory size too large", buildZip({pkl, d0}, bigSize), "lies outside the archive");
    Layout tooMany;
    tooMany.zip64End = false;
    tooMany.count = 0xffff;
    add("count too large", buildZip({pkl, d0}, tooMany), "declares 65535 entries but its");
    Layout tooMany64;
    tooMany64.count = std::uint64_t(1) << 60;
    add("zip64 count too large", buildZip({pkl, d0}, tooMany64), "declares 1152921504606846976 entries");
    Layout oneMore;
    oneMore.count = 3;
    add("count one too large", buildZip({pkl, d0}, oneMore), "declares 3 entries but its 110 bytes hold at most 2");
    Layout fewer;
    fewer.count = 1;
    add("count too small", buildZip({pkl, d0}, fewer), "bytes after its 1 declared entries");
    Layout trailing;
    trailing.trailing = "garbage";
    add("bytes after the EOCD", buildZip({pkl, d0}, trailing), "does not end at the end of the file");

    Member deflated = d0;
    deflated.method = 8;
    deflated.uncompressed = kTiB;
    deflated.zip64Extra = true;
    add("deflate declaring 1 TiB", buildZip({pkl, deflated}),
        "record a/data/0 is compressed; torch.save archives store records uncompressed");
    Member deflated32 = d0;
    deflated32.method = 8;
    deflated32.uncompressed = 0xfffffff0u;
    add("deflate declaring 4 GiB", buildZip({pkl, deflated32}), "is compressed");

    Member bogus = d0;
    bogus.uncompressed = kTiB;
    bogus.zip64Extra = true;
    add("zip64 stored size 1 TiB", buildZip({pkl, bogus}), "declares 1099511627776 bytes uncompressed but occupies 16");
    Member bogusBoth = bogus;
    bogusBoth.compressed = kTiB;
    add("zip64 both sizes 1 TiB", buildZip({pkl, bogusBoth}), "lies outside the archive");
    Member big32 = d0;
    big32.uncompressed = 0xfffffff0u;
    big32.compressed = 0xfffffff0u;
    add("32-bit sizes beyond the file", buildZip({pkl, big32}), "lies outside the archive");
    Member sentinel = d0;
    sentinel.uncompressed = 0xffffffffu;
    sentinel.compressed = 0xffffffffu;
    add("zip64 sentinel without extra", buildZip({pkl, sentinel}), "needs a zip64 extra field");
    {
        // A zip64 extra field too short for the two sizes it must carry.
        std::string zip = buildZip({pkl, bogus});
        const std::size_t at = zip.find(std::string("\x01\x00\x18\x00", 4));
        zip[at + 2] = 8;
        add("truncated zip64 extra", zip, "truncated zip64 extra field");
    }
    {
        // The locator points into the central directory.
        std::string zip = buildZip({pkl, d0});
        const std::size_t loc = zip.size() - 22 - 20;
        zip[loc + 8] = 0;
        zip[loc + 9] = 0;
        add("zip64 locator to nowhere", zip, "zip64 locator points at no zip64 end of central directory");
    }

    add("duplicate names", buildZip({pkl, d0, d0}), "duplicate record name a/data/0");
    add("duplicate names differing in case", buildZip({pkl, d0, {"A/DATA/0", "x"}}), "duplicate record name");
    add("NUL in a name", buildZip({pkl, {std::string("a/data/0\0x", 10), "x"}}), "contains NUL");
    add("empty name", buildZip({pkl, {"", "x"}}), "empty name");
    Member encrypted = d0;
    encrypted.flags = 1;
    add("encrypted", buildZip({pkl, encrypted}), "is encrypted");
    Member misplaced = d0;
    misplaced.localOffset = 0;  // the data.pkl local header
    add("local header of another record", buildZip({pkl, misplaced}), "local header with another name");
    Member beyond = d0;
    beyond.localOffset = 0xfffffff0u;
    add("local header beyond the file", buildZip({pkl, beyond}), "local header outside the archive");
    {
        std::string zip = buildZip({pkl, d0});
        zip[0] = 'X';
        add("no local header signature", zip, "has no local header");
    }
    {
        std::string zip = buildZip({pkl, d0});
        zip[zip.find(std::string("PK\x01\x02", 4)) + 3] = 9;
        add("bad central header", zip, "central directory entry 0 has no valid header");
    }
    add("not a zip", std::string(1000, 'x'), "no end of central directory record");
    add("empty file", std::string(), "too small");
}

void TestZipIndex::hostile() {
    QFETCH(QByteArray, zip);
    QFETCH(QString, needle);
    const std::string bytes(zip.constData(), static_cast<std::size_t>(zip.size()));
    std::size_t largest = 0;
    auto index = indexTracked(bytes, &largest);
    QVERIFY2(!index.ok(), "a hostile archive was accepted");
    qInfo("%s", index.error().describe().c_str());
    QCOMPARE(index.error().code, ErrorCode::Format);
    QVERIFY2(QString::fromStdString(index.error().message).contains(needle), index.error().message.c_str());
    QVERIFY(index.error().message.find('\n') == std::string::npos);
    QVERIFY2(largest <= 65535 + 22, qPrintable(QString::number(largest)));  // no read sized by the file's claims
}

void TestZipIndex::overlappingEntries() {
    // "a/b" lives inside the data of "a/a": a valid local header there, but the ranges overlap.
    const std::string inner = "payload";
    Member outer{"a/a", localHeader("a/b", 0, inner) + inner};
    Member nested{"a/b", inner};
    nested.localOffset = 30 + outer.name.size();
    const std::string nestedZip = buildZip({outer, nested});
    auto index = indexZipBytes(nestedZip.data(), nestedZip.size());
    QVERIFY(!index.ok());
    QCOMPARE(index.error().code, ErrorCode::Format);
    QVERIFY2(index.error().message.find("records a/a and a/b overlap") != std::string::npos,
             index.error().message.c_str());

    // A record whose (stored, consistent) size reaches into the next record's local header.
    Member first{"a/c", "xyz"};
    first.compressed = 4;
    first.uncompressed = 4;
    const std::string zip = buildZip({first, {"a/d", "uvw"}});
    auto overlap = indexZipBytes(zip.data(), zip.size());
    QVERIFY(!overlap.ok());
    QCOMPARE(overlap.error().code, ErrorCode::Format);
    QVERIFY2(overlap.error().message.find("records a/c and a/d overlap") != std::string::npos,
             overlap.error().message.c_str());
}

void TestZipIndex::failingRead() {
    const std::string zip = buildZip({{"a/data.pkl", "pickle"}});
    int calls = 0;
    auto index = indexZip(zip.size(), [&](std::uint64_t offset, std::size_t n, void* out) {
        if (++calls > 1) return false;  // the tail reads, the central directory does not
        std::memcpy(out, zip.data() + offset, n);
        return true;
    });
    QVERIFY(!index.ok());
    QCOMPARE(index.error().code, ErrorCode::Io);
    auto missing = indexZipFile(m_dir.filePath("missing.zip").toStdString());
    QCOMPARE(missing.error().code, ErrorCode::NotFound);
    auto nullRead = indexZip(100, ZipReadFn());
    QCOMPARE(nullRead.error().code, ErrorCode::Io);
}

void TestZipIndex::checkpointRefusesCompressedTerabyte() {
    QVERIFY(m_dir.isValid());
    const std::string pkl = tensorPickle(4);
    const Member pickle{"arch/data.pkl", pkl};
    const Member version{"arch/version", "3\n"};
    const Member data{"arch/data/0", floats({1, 2, 3, 4})};
    auto write = [&](const char* name, const std::vector<Member>& members) {
        const QString path = m_dir.filePath(QString::fromUtf8(name));
        QFile out(path);
        if (!out.open(QIODevice::WriteOnly)) return QString();
        const std::string zip = buildZip(members);
        out.write(zip.data(), static_cast<qint64>(zip.size()));
        return path;
    };

    // The same builder's archive with a stored record loads: LibTorch's reader accepts its zips.
    const QString good = write("good.pt", {pickle, version, data});
    auto loaded = readTorchCheckpoint(good.toStdString());
    QVERIFY2(loaded.ok(), loaded.error().describe().c_str());
    QCOMPARE(loaded->size(), std::size_t(1));
    QCOMPARE(loaded->front().first, std::string("w"));

    // data/0 deflated, declaring 1 TiB: LibTorch would allocate that before inflating.
    Member deflated = data;
    deflated.method = 8;
    deflated.uncompressed = kTiB;
    deflated.zip64Extra = true;
    const QString hostile = write("deflated.pt", {pickle, version, deflated});
    // Read with the address space capped at 1 GiB above what the process maps now: a reader that
    // allocated the declared size before looking would fail there with another error, so the
    // message below shows the record was refused from the archive's directory, before allocating.
    auto capped = [](const QString& path) {
        testsupport::AddressSpaceCap cap(std::uint64_t(1) << 30);
        auto result = readTorchCheckpoint(path.toStdString());
        return std::make_pair(cap.active(), std::move(result));
    };
    auto [capActive, r] = capped(hostile);
    QVERIFY2(capActive, "could not cap the address space (RLIMIT_AS)");
    QVERIFY(!r.ok());
    qInfo("%s", r.error().describe().c_str());
    QCOMPARE(r.error().code, ErrorCode::Format);
    QVERIFY2(r.error().message.find("record arch/data/0 is compressed; torch.save archives store records "
                                    "uncompressed") != std::string::npos,
             r.error().message.c_str());

    // Stored, but declaring 1 TiB through its zip64 extra field (miniz skips its own check then).
    Member stored = data;
    stored.uncompressed = kTiB;
    stored.zip64Extra = true;
    const QString bogus = write("bogus.pt", {pickle, version, stored});
    auto [capActive2, r2] = capped(bogus);
    QVERIFY2(capActive2, "could not cap the address space (RLIMIT_AS)");
    QVERIFY(!r2.ok());
    QCOMPARE(r2.error().code, ErrorCode::Format);
    QVERIFY2(r2.error().message.find("declares 1099511627776 bytes") != std::string::npos, r2.error().message.c_str());
}

QTEST_APPLESS_MAIN(TestZipIndex)
#include "tst_zipindex.moc"
