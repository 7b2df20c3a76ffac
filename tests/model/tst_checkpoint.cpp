// readTorchCheckpoint on the fixture checkpoints (compared with model.safetensors) and on hostile
// archives written here with LibTorch's own zip writer.

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <ATen/ATen.h>
#include <caffe2/serialize/inline_container.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "diffclip/model/Checkpoint.h"
#include "diffclip/model/Safetensors.h"

#include "../support/PickleBuilder.h"

using namespace diffclip;

namespace {

QString fixture(const char* relative) {
    return QStringLiteral(DIFFCLIP_SHARED_DIR "/fixtures/") + QString::fromUtf8(relative);
}

using testsupport::PickleBuilder;

// {'epoch': 1, 'state_dict': {<body>}}; `body` adds key/value pairs.
template <typename Body>
std::string checkpointPickle(Body body) {
    PickleBuilder b;
    b.op(0x80).op(2).op('}').op('(').str("epoch").int4(1).str("state_dict").op('}').op('(');
    body(b);
    b.op('u').op('u').op('.');
    return b.bytes();
}

std::string floatBytes(const std::vector<float>& v) {
    std::string s(v.size() * sizeof(float), '\0');
    std::memcpy(s.data(), v.data(), s.size());
    return s;
}

using Records = std::vector<std::pair<std::string, std::string>>;

// Writes PATH as torch.save would: data.pkl and the storages under "<basename>/", plus version.
void writeArchive(const QString& path, const std::string* pickle, const Records& records) {
    caffe2::serialize::PyTorchStreamWriter writer(path.toStdString());
    if (pickle != nullptr) writer.writeRecord("data.pkl", pickle->data(), pickle->size());
    for (const auto& [name, data] : records) writer.writeRecord(name, data.data(), data.size());
    writer.writeEndOfFile();
}

QString describe(const Result<StateDict>& r) {
    return r.ok() ? QStringLiteral("ok") : QString::fromStdString(r.error().describe());
}

}  // namespace

class TestCheckpoint : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fixturesMatchSafetensors_data();
    void fixturesMatchSafetensors();
    void torch113Info();
    void syntheticArchiveValues();
    void sourceKeys();
    void hostileArchives_data();
    void hostileArchives();
    void truncatedFixture();
    void corruptedRecord();
    void notACheckpoint();
    void looksLikeZipChecksMagic();

private:
    QTemporaryDir m_dir;
};

void TestCheckpoint::fixturesMatchSafetensors_data() {
    QTest::addColumn<QString>("checkpoint");
    QTest::addColumn<QString>("safetensors");
    QTest::addColumn<int>("count");
    QTest::newRow("diffclip torch 2.11") << fixture("diffclip-tiny-a/checkpoint_best.pt")
                                         << fixture("diffclip-tiny-a/model.safetensors") << 97;
    QTest::newRow("diffclip torch 1.13") << fixture("diffclip-tiny-a/checkpoint_best_torch113_ordereddict.pt")
                                         << fixture("diffclip-tiny-a/model.safetensors") << 97;
    QTest::newRow("clip torch 2.11") << fixture("clip-std-tiny-a/checkpoint_best.pt")
                                     << fixture("clip-std-tiny-a/model.safetensors") << 61;
}

void TestCheckpoint::fixturesMatchSafetensors() {
    QFETCH(QString, checkpoint);
    QFETCH(QString, safetensors);
    QFETCH(int, count);
    CheckpointInfo info;
    auto loaded = readTorchCheckpoint(checkpoint.toStdString(), &info);
    QVERIFY2(loaded.ok(), qPrintable(describe(loaded)));
    auto reference = readSafetensors(safetensors.toStdString());
    QVERIFY2(reference.ok(), reference.error().describe().c_str());

    const StateDict& sd = *loaded;
    QCOMPARE(static_cast<int>(sd.size()), count);
    QCOMPARE(reference->tensors.size(), sd.size());
    QCOMPARE(info.sourceKey, std::string("state_dict"));
    QVERIFY(info.strippedModulePrefix);
    QVERIFY(info.pickleGlobals.find("torch._utils._rebuild_tensor_v2") != std::string::npos);
    QVERIFY(info.pickleGlobals.find("argparse.Namespace") != std::string::npos);
    QCOMPARE(info.topLevelKeys.at(1), std::string("state_dict"));
    for (const auto& [name, tensor] : sd) {
        QVERIFY2(name.rfind("module.", 0) == std::string::npos, name.c_str());
        const at::Tensor* expected = findTensor(reference->tensors, name);
        QVERIFY2(expected != nullptr, name.c_str());
        QVERIFY(tensor.is_contiguous());
        QVERIFY(tensor.device().is_cpu());
        QCOMPARE(tensor.scalar_type(), expected->scalar_type());
        QCOMPARE(tensor.sizes().vec(), expected->sizes().vec());
        QVERIFY2(at::equal(tensor, *expected), name.c_str());
    }
    // Owned memory: the result stays valid and writable after the reader is gone.
    at::Tensor first = sd.front().second;
    first.add_(1.0);
}

void TestCheckpoint::torch113Info() {
    CheckpointInfo info;
    auto loaded = readTorchCheckpoint(fixture("diffclip-tiny-a/checkpoint_best_torch113_ordereddict.pt").toStdString(),
                                      &info);
    QVERIFY2(loaded.ok(), qPrintable(describe(loaded)));
    QCOMPARE(info.pickleGlobals, std::string("_codecs.encode,argparse.Namespace,collections.OrderedDict,"
                                             "numpy.core.multiarray.scalar,numpy.dtype,pathlib.PosixPath,"
                                             "torch.FloatStorage,torch._utils._rebuild_tensor_v2"));
    const std::vector<std::string> keys = {"epoch", "state_dict", "best_acc1", "optimizer", "scaler", "args"};
    QCOMPARE(info.topLevelKeys, keys);
    QCOMPARE(loaded->front().first, std::string("positional_embedding"));
}

void TestCheckpoint::syntheticArchiveValues() {
    // A transposed view with an offset, a tensor sharing that storage, a half tensor, a scalar,
    // an empty tensor and a bool tensor whose bytes are not 0/1.
    const std::string pkl = checkpointPickle([](PickleBuilder& b) {
        b.str("module.t").tensor("FloatStorage", "0", 8, 2, {3, 2}, {1, 3});
        b.str("module.flat").tensor("FloatStorage", "0", 8, 0, {8}, {1});
        b.str("module.h").tensor("HalfStorage", "1", 2, 0, {2}, {1});
        b.str("module.s").tensor("LongStorage", "2", 1, 0, {}, {});
        b.str("module.e").tensor("FloatStorage", "0", 8, 8, {0, 5}, {5, 1});
        b.str("module.b").tensor("BoolStorage", "3", 3, 0, {3}, {1});
    });
    const std::string half("\x00\x3c\x00\xc0", 4);  // 1.0, -2.0
    std::string longBytes(8, '\0');
    const std::int64_t big = -1234567890123LL;
    std::memcpy(longBytes.data(), &big, 8);
    const QString path = m_dir.filePath("synthetic.pt");
    writeArchive(path, &pkl,
                 {{"data/0", floatBytes({0, 1, 2, 3, 4, 5, 6, 7})},
                  {"data/1", half},
                  {"data/2", longBytes},
                  {"data/3", std::string("\x00\x01\x07", 3)}});
    CheckpointInfo info;
    auto loaded = readTorchCheckpoint(path.toStdString(), &info);
    QVERIFY2(loaded.ok(), qPrintable(describe(loaded)));
    const StateDict& sd = *loaded;
    QCOMPARE(sd.size(), std::size_t(6));
    QVERIFY(info.strippedModulePrefix);
    QCOMPARE(sd[0].first, std::string("t"));
    const at::Tensor& t = sd[0].second;
    QCOMPARE(t.sizes().vec(), (std::vector<std::int64_t>{3, 2}));
    QVERIFY(t.is_contiguous());
    // element [i][j] = storage[2 + i + 3j]
    const std::vector<float> expected = {2, 5, 3, 6, 4, 7};
    const float* p = t.data_ptr<float>();
    for (std::size_t i = 0; i < expected.size(); ++i) QCOMPARE(p[i], expected[i]);
    QCOMPARE(sd[1].second.sum().item<float>(), 28.0f);
    QCOMPARE(sd[2].second.scalar_type(), at::kHalf);
    QCOMPARE(sd[2].second.to(at::kFloat)[1].item<float>(), -2.0f);
    QCOMPARE(sd[3].second.dim(), std::int64_t(0));
    QCOMPARE(sd[3].second.item<std::int64_t>(), big);
    QCOMPARE(sd[4].second.numel(), std::int64_t(0));
    QCOMPARE(sd[4].second.sizes().vec(), (std::vector<std::int64_t>{0, 5}));
    QCOMPARE(sd[5].second.scalar_type(), at::kBool);
    QCOMPARE(sd[5].second.to(at::kByte)[2].item<std::uint8_t>(), std::uint8_t(1));
    QCOMPARE(info.topLevelKeys, (std::vector<std::string>{"epoch", "state_dict"}));
}

void TestCheckpoint::sourceKeys() {
    const std::string data = floatBytes({1, 2, 3, 4});
    // {'model': {...}}
    PickleBuilder model;
    model.op(0x80).op(2).op('}').str("model").op('}').str("w").tensor("FloatStorage", "0", 4, 0, {4}, {1});
    model.op('s').op('s').op('.');
    const QString modelPath = m_dir.filePath("model.pt");
    writeArchive(modelPath, &model.bytes(), {{"data/0", data}});
    CheckpointInfo info;
    auto r = readTorchCheckpoint(modelPath.toStdString(), &info);
    QVERIFY2(r.ok(), qPrintable(describe(r)));
    QCOMPARE(info.sourceKey, std::string("model"));
    QVERIFY(!info.strippedModulePrefix);
    QCOMPARE(r->front().first, std::string("w"));

    // A flat dict of tensors at the top level (torch.save(model.state_dict())).
    PickleBuilder flat;
    flat.op(0x80).op(2).op('}').str("w").tensor("FloatStorage", "0", 4, 0, {2, 2}, {2, 1}).op('s').op('.');
    const QString flatPath = m_dir.filePath("flat.pt");
    writeArchive(flatPath, &flat.bytes(), {{"data/0", data}});
    r = readTorchCheckpoint(flatPath.toStdString(), &info);
    QVERIFY2(r.ok(), qPrintable(describe(r)));
    QCOMPARE(info.sourceKey, std::string());
    QCOMPARE(r->front().second.sizes().vec(), (std::vector<std::int64_t>{2, 2}));

    // No tensors anywhere.
    PickleBuilder none;
    none.op(0x80).op(2).op('}').str("epoch").int4(3).op('s').op('.');
    const QString nonePath = m_dir.filePath("none.pt");
    writeArchive(nonePath, &none.bytes(), {});
    r = readTorchCheckpoint(nonePath.toStdString(), &info);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::NotFound);
    QVERIFY2(r.error().message.find("no state_dict (top-level keys: epoch)") != std::string::npos,
             r.error().message.c_str());
}

void TestCheckpoint::hostileArchives_data() {
    QTest::addColumn<QByteArray>("pickle");
    QTest::addColumn<QStringList>("records");  // record names, each filled with 16 bytes
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("needle");
    auto add = [](const char* tag, const std::string& pkl, const QStringList& records, ErrorCode code,
                  const char* needle) {
        QTest::newRow(tag) << QByteArray(pkl.data(), static_cast<qsizetype>(pkl.size())) << records
                           << static_cast<int>(code) << QString(needle);
    };
    const QStringList data0 = {"data/0"};
    add("storage larger than its record",
        checkpointPickle([](PickleBuilder& b) { b.str("w").tensor("FloatStorage", "0", 1000000, 0, {4}, {1}); }),
        data0, ErrorCode::Format, "declares 1000000 float32 elements (4000000 bytes) but its record holds 16 bytes");
    add("offset beyond storage",
        checkpointPickle([](PickleBuilder& b) { b.str("w").tensor("FloatStorage", "0", 4, 10, {2}, {1}); }), data0,
        ErrorCode::Format, "reaches element 11 of a storage of 4");
    add("view past the end",
        checkpointPickle([](PickleBuilder& b) { b.str("w").tensor("FloatStorage", "0", 4, 0, {2, 2}, {3, 1}); }),
        data0, ErrorCode::Format, "reaches element 4 of a storage of 4");
    add("absurd shape",
        checkpointPickle([](PickleBuilder& b) {
            b.str("w").tensor("FloatStorage", "0", 4, 0, {1 << 20, 1 << 20, 1 << 20}, {0, 0, 0});
        }),
        data0, ErrorCode::Format, "absurd shape [1048576, 1048576, 1048576]");
    add("expansion by zero strides",
        checkpointPickle([](PickleBuilder& b) { b.str("w").tensor("FloatStorage", "0", 4, 0, {1 << 30}, {0}); }),
        data0, ErrorCode::Format, "absurd shape [1073741824]");
    add("huge strides",
        checkpointPickle([](PickleBuilder& b) {
            b.str("w").tensor("FloatStorage", "0", 4, 0, {2, 2, 2, 2, 2}, {0x7fffffff, 0x7fffffff, 0x7fffffff,
                                                                           0x7fffffff, 0x7fffffff});
        }),
        data0, ErrorCode::Format, "reaches element");
    std::string unknownOpcode = checkpointPickle([](PickleBuilder& b) { b.str("w").op(0xf0); });
    add("unknown opcode", unknownOpcode, data0, ErrorCode::Format, "data.pkl: unknown pickle opcode 0xf0 at offset");
    add("os.system global",
        checkpointPickle([](PickleBuilder& b) { b.str("w").global("os", "system").str("touch x").op(0x85).op('R'); }),
        data0, ErrorCode::Format, "data.pkl: refusing pickle global os.system");
    add("entry not a tensor",
        checkpointPickle([](PickleBuilder& b) {
            b.str("w").tensor("FloatStorage", "0", 4, 0, {4}, {1});
            b.str("bad").int4(5);
        }),
        data0, ErrorCode::Format, "state dict entry 'bad' is not a tensor but int 5");
    add("missing data record",
        checkpointPickle([](PickleBuilder& b) { b.str("w").tensor("FloatStorage", "7", 4, 0, {4}, {1}); }), data0,
        ErrorCode::Format, "storage record data/7 for tensor 'w' is missing");
    add("storage key escaping data/",
        checkpointPickle([](PickleBuilder& b) { b.str("w").tensor("FloatStorage", "../data.pkl", 4, 0, {4}, {1}); }),
        data0, ErrorCode::Format, "invalid storage key");
    add("non-string key",
        checkpointPickle([](PickleBuilder& b) { b.int4(3).tensor("FloatStorage", "0", 4, 0, {4}, {1}); }), data0,
        ErrorCode::Format, "state dict key is int 3");
    add("state_dict not a dict", [] {
        PickleBuilder b;
        b.op(0x80).op(2).op('}').str("state_dict").op(']').op('s').op('.');
        return b.bytes();
    }(), data0, ErrorCode::Format, "'state_dict' is list of 0 items");
    add("pickled model object", [] {
        PickleBuilder b;
        b.op(0x80).op(2).global("mymodel", "Net").op(')').op(0x81).op('.');
        return b.bytes();
    }(), data0, ErrorCode::Unsupported, "object mymodel.Net");
    add("complex storage",
        checkpointPickle([](PickleBuilder& b) { b.str("w").tensor("ComplexFloatStorage", "0", 2, 0, {2}, {1}); }),
        data0, ErrorCode::Unsupported, "unsupported storage type torch.ComplexFloatStorage");
    add("deep nesting", std::string(100000, '(') + ".", data0, ErrorCode::Format, "open MARKs");
    add("missing data.pkl", std::string(), data0, ErrorCode::Format, "no data.pkl record");
    add("big-endian",
        checkpointPickle([](PickleBuilder& b) { b.str("w").tensor("FloatStorage", "0", 4, 0, {4}, {1}); }),
        QStringList{"data/0", "byteorder=big"}, ErrorCode::Unsupported, "byte order is 'big'");
}

void TestCheckpoint::hostileArchives() {
    QFETCH(QByteArray, pickle);
    QFETCH(QStringList, records);
    QFETCH(int, code);
    QFETCH(QString, needle);
    Records recs;
    for (const QString& r : records) {
        if (r.startsWith("byteorder=")) {
            recs.emplace_back("byteorder", r.mid(10).toStdString());
        } else {
            recs.emplace_back(r.toStdString(), floatBytes({1, 2, 3, 4}));
        }
    }
    static int counter = 0;
    const QString path = m_dir.filePath(QStringLiteral("hostile%1.pt").arg(counter++));
    const std::string pkl = pickle.toStdString();
    writeArchive(path, pickle.isEmpty() ? nullptr : &pkl, recs);
    auto r = readTorchCheckpoint(path.toStdString());
    QVERIFY2(!r.ok(), "a hostile archive was accepted");
    qInfo("%s", r.error().describe().c_str());
    QCOMPARE(static_cast<int>(r.error().code), code);
    QVERIFY2(QString::fromStdString(r.error().message).contains(needle), r.error().message.c_str());
}

void TestCheckpoint::truncatedFixture() {
    QFile in(fixture("diffclip-tiny-a/checkpoint_best.pt"));
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QByteArray all = in.readAll();
    const qsizetype lengths[] = {0, 3, 4, 30, 100, 1000, 4096, all.size() / 3, all.size() / 2,
                                 all.size() - 4096, all.size() - 100, all.size() - 22, all.size() - 1};
    for (qsizetype len : lengths) {
        const QString path = m_dir.filePath(QStringLiteral("truncated%1.pt").arg(len));
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(all.left(len));
        out.close();
        auto r = readTorchCheckpoint(path.toStdString());
        QVERIFY2(!r.ok(), qPrintable(QStringLiteral("length %1 was accepted").arg(len)));
        qInfo("length %lld: %s", static_cast<long long>(len), r.error().describe().c_str());
        QCOMPARE(r.error().code, ErrorCode::Format);
        QVERIFY(!r.error().message.empty());
        QVERIFY2(r.error().message.find('\n') == std::string::npos, r.error().message.c_str());
    }
}

void TestCheckpoint::corruptedRecord() {
    // Flip the first byte of data.pkl inside an otherwise intact archive.
    const QString source = fixture("clip-std-tiny-a/checkpoint_best.pt");
    std::size_t offset = 0;
    {
        caffe2::serialize::PyTorchStreamReader reader(source.toStdString());
        offset = reader.getRecordOffset("data.pkl");
    }
    QFile in(source);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QByteArray all = in.readAll();
    QVERIFY(offset > 0 && offset < static_cast<std::size_t>(all.size()));
    QCOMPARE(static_cast<unsigned char>(all[static_cast<qsizetype>(offset)]), 0x80);
    all[static_cast<qsizetype>(offset)] = static_cast<char>(0x7f);
    const QString path = m_dir.filePath("corrupt.pt");
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(all);
    out.close();
    auto r = readTorchCheckpoint(path.toStdString());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Format);
}

void TestCheckpoint::notACheckpoint() {
    const QString text = m_dir.filePath("notes.txt");
    QFile f(text);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("this is not a checkpoint\n");
    f.close();
    auto r = readTorchCheckpoint(text.toStdString());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Format);
    QVERIFY2(r.error().message.find("not a PyTorch checkpoint") != std::string::npos, r.error().message.c_str());

    const QString legacy = m_dir.filePath("legacy.pt");
    QFile l(legacy);
    QVERIFY(l.open(QIODevice::WriteOnly));
    l.write(QByteArray("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15));
    l.close();
    r = readTorchCheckpoint(legacy.toStdString());
    QCOMPARE(r.error().code, ErrorCode::Unsupported);

    r = readTorchCheckpoint(m_dir.filePath("does-not-exist.pt").toStdString());
    QCOMPARE(r.error().code, ErrorCode::NotFound);
    r = readTorchCheckpoint(m_dir.path().toStdString());
    QCOMPARE(r.error().code, ErrorCode::Io);
    const QString empty = m_dir.filePath("empty.pt");
    QFile e(empty);
    QVERIFY(e.open(QIODevice::WriteOnly));
    e.close();
    r = readTorchCheckpoint(empty.toStdString());
    QCOMPARE(r.error().code, ErrorCode::Format);
}

void TestCheckpoint::looksLikeZipChecksMagic() {
    QVERIFY(looksLikeZip(fixture("diffclip-tiny-a/checkpoint_best.pt").toStdString()));
    QVERIFY(!looksLikeZip(fixture("diffclip-tiny-a/config.json").toStdString()));
    QVERIFY(!looksLikeZip(m_dir.filePath("missing").toStdString()));
}

QTEST_APPLESS_MAIN(TestCheckpoint)
#include "tst_checkpoint.moc"
