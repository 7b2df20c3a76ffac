// Known-answer tests of SHA-256 (FIPS 180-4 examples and padding boundaries), streaming in
// pieces split at odd offsets, moves, and files (content, missing file, a directory).

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>
#include <string>
#include <utility>

#include "diffclip/formats/Sha256.h"

using namespace diffclip;

namespace {

// 1000 bytes covering every byte value: (31 i + 7) mod 256. Digest from Python's hashlib.
std::string patternMessage() {
    std::string m(1000, '\0');
    for (size_t i = 0; i < m.size(); ++i) m[i] = char((i * 31 + 7) % 256);
    return m;
}
const char* const kPatternDigest = "5097e7d587352f5097062ae679f37bda5802d9f875aba14c8cb4d1a188ada179";
const char* const kMillionA = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

}  // namespace

class TestSha256 : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void knownAnswers_data() {
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QString>("digest");
        // FIPS 180-4 / NIST CSRC examples.
        QTest::newRow("empty") << QByteArray() << "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        QTest::newRow("abc") << QByteArray("abc") << "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        QTest::newRow("448 bits") << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                                  << "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
        QTest::newRow("896 bits")
            << QByteArray("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                          "mnopqrstnopqrstu")
            << "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1";
        QTest::newRow("1,000,000 x a") << QByteArray(1000000, 'a') << kMillionA;
        // Padding boundaries: 55 bytes still fit the length in one block, 56 need a second, 64 is a whole block.
        QTest::newRow("55 x a") << QByteArray(55, 'a') << "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318";
        QTest::newRow("56 x a") << QByteArray(56, 'a') << "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a";
        QTest::newRow("64 x a") << QByteArray(64, 'a') << "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb";
    }
    void knownAnswers() {
        QFETCH(QByteArray, message);
        QFETCH(QString, digest);
        const std::string bytes(message.constData(), size_t(message.size()));
        QCOMPARE(QString::fromStdString(sha256Hex(bytes)), digest);
        QCOMPARE(QString::fromStdString(sha256Hex(bytes.data(), bytes.size())), digest);
        Sha256 h;
        h.update(bytes.data(), bytes.size());
        QCOMPARE(QString::fromStdString(h.hexDigest()), digest);
    }

    // The same digest whatever the pieces: cuts at odd offsets, inside and across 64-byte blocks,
    // and empty updates (with a null pointer) between them.
    void streamingAtOddOffsets() {
        const std::string m = patternMessage();
        QCOMPARE(sha256Hex(m), std::string(kPatternDigest));
        for (const std::vector<size_t>& cuts : std::vector<std::vector<size_t>>{
                 {1}, {3, 63}, {63, 64, 65}, {7, 127, 128, 129, 511, 999}, {55, 56, 57, 119, 120}, {500}}) {
            Sha256 h;
            size_t at = 0;
            for (size_t cut : cuts) {
                h.update(m.data() + at, cut - at);
                h.update(nullptr, 0);
                at = cut;
            }
            h.update(m.data() + at, m.size() - at);
            QCOMPARE(h.hexDigest(), std::string(kPatternDigest));
        }
        // One byte at a time, and the million-a vector in pieces of 4093 bytes (a prime).
        Sha256 bytewise;
        for (char c : m) bytewise.update(&c, 1);
        QCOMPARE(bytewise.hexDigest(), std::string(kPatternDigest));
        const std::string a(4093, 'a');
        Sha256 h;
        size_t left = 1000000;
        while (left > 0) {
            const size_t n = std::min(left, a.size());
            h.update(a.data(), n);
            left -= n;
        }
        QCOMPARE(h.hexDigest(), std::string(kMillionA));
    }

    void moveKeepsTheStream() {
        const std::string m = patternMessage();
        Sha256 a;
        a.update(m.data(), 333);
        Sha256 b(std::move(a));
        b.update(m.data() + 333, 300);
        Sha256 c;
        c = std::move(b);
        c.update(m.data() + 633, m.size() - 633);
        QCOMPARE(c.hexDigest(), std::string(kPatternDigest));
    }

    void files() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath(QStringLiteral("pattern.bin")).toStdString();
        {
            // Over 1 MiB, so the file is read in more than one piece.
            std::ofstream out(path, std::ios::binary);
            for (int i = 0; i < 1000; ++i) out << std::string(1000, 'a');
            out << std::string(48576 + 1000, 'a');
        }
        auto sum = sha256File(path);
        QVERIFY2(sum.ok(), sum.ok() ? "" : sum.error().describe().c_str());
        QCOMPARE(*sum, sha256Hex(std::string(1049576, 'a')));

        const std::string empty = dir.filePath(QStringLiteral("empty.bin")).toStdString();
        { std::ofstream out(empty, std::ios::binary); }
        QCOMPARE(*sha256File(empty), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));

        auto missing = sha256File(dir.filePath(QStringLiteral("none.bin")).toStdString());
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        QVERIFY(missing.error().message.find("none.bin") != std::string::npos);

        auto folder = sha256File(dir.path().toStdString());
        QVERIFY(!folder.ok());
        QCOMPARE(folder.error().code, ErrorCode::Io);
    }
};

QTEST_APPLESS_MAIN(TestSha256)
#include "tst_sha256.moc"
