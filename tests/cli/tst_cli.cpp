// The `diffclip` command line as scripts use it: exit codes, JSON output, hostile files.
#include <QtTest>

#include <cmath>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>

#include "../support/CliRun.h"

namespace {

const QString kShared = QStringLiteral(DIFFCLIP_SHARED_DIR);
const QString kFixtures = kShared + "/fixtures/";

}  // namespace

using namespace testsupport;  // Run, diffclip(), json(), readFile(), writeFile()

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The commands' own help: helpOfEveryCommand.
    void helpAndVersion() {
        Run h = diffclip({"--help"});
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.out.contains("verify"));
        QVERIFY(h.out.contains("demo generate"));
        Run v = diffclip({"--version"});
        QCOMPARE(v.exitCode, 0);
        QVERIFY(v.out.contains("LibTorch"));
    }

    // Usage errors exit 2; those about one option also name it: usageErrorsNameTheOption.
    void usageErrorsExitTwo() {
        QCOMPARE(diffclip({}).exitCode, 2);
        QCOMPARE(diffclip({"frobnicate"}).exitCode, 2);
        QCOMPARE(diffclip({"embed", "--model", "preset:diffclip-tiny"}).exitCode, 2);
        QCOMPARE(diffclip({"verify", "--model", "x", "--reference", "y", "--device", "tpu"}).exitCode, 2);
    }

    // The argument syntax of CLI.md (parsed by CLI11): usage errors exit 2 with one line that
    // names the option, then a pointer to the command's --help.
    void usageErrorsNameTheOption_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("named");
        QTest::newRow("unknown option") << QStringList{"verify", "--no-such-option"} << "--no-such-option";
        QTest::newRow("unknown option with value") << QStringList{"tokenize", "--contxt=8", "a"} << "--contxt";
        QTest::newRow("missing value") << QStringList{"verify", "--model"} << "--model";
        QTest::newRow("missing required option") << QStringList{"verify", "--model", "x"} << "--reference";
        QTest::newRow("not a number") << QStringList{"bench", "--model", "preset:diffclip-tiny", "--batch", "zero"}
                                      << "--batch";
        QTest::newRow("trailing junk") << QStringList{"tokenize", "--context", "8x", "a"} << "--context";
        QTest::newRow("hexadecimal") << QStringList{"tokenize", "--context", "0x10", "a"} << "--context";
        QTest::newRow("integer overflow")
            << QStringList{"tokenize", "--context", "99999999999999999999", "a"} << "--context";
        QTest::newRow("integer out of range") << QStringList{"tokenize", "--context=70000", "a"} << "--context";
        QTest::newRow("negative") << QStringList{"inspect", "preset:diffclip-tiny", "--seed", "-1"} << "--seed";
        QTest::newRow("number malformed")
            << QStringList{"verify", "--model", "x", "--reference", "y", "--atol", "1e-4x"} << "--atol";
        QTest::newRow("number out of range")
            << QStringList{"verify", "--model", "x", "--reference", "y", "--atol", "-1"} << "--atol";
        QTest::newRow("not a number at all")
            << QStringList{"verify", "--model", "x", "--reference", "y", "--atol", "nan"} << "--atol";
        QTest::newRow("not a choice")
            << QStringList{"bench", "--model", "preset:diffclip-tiny", "--what", "audio"} << "--what";
        QTest::newRow("stray argument") << QStringList{"verify", "--model", "x", "--reference", "y", "extra"}
                                        << "extra";
    }
    void usageErrorsNameTheOption() {
        QFETCH(QStringList, args);
        QFETCH(QString, named);
        Run r = diffclip(args);
        QVERIFY(!r.crashed);
        QVERIFY2(r.exitCode == 2, r.err.constData());
        QVERIFY(r.out.isEmpty());
        const QList<QByteArray> lines = r.err.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);  // the reason, then "Try 'diffclip COMMAND --help'."
        QVERIFY2(lines[0].startsWith("diffclip: "), r.err.constData());
        QVERIFY2(lines[0].contains(named.toUtf8()), r.err.constData());
        QVERIFY2(lines[1].startsWith("Try 'diffclip " + args[0].toUtf8() + " --help'"), r.err.constData());
    }

    void optionValueSyntaxes() {
        // "--name value" and "--name=value" are the same; numbers are decimal (a leading zero is
        // no octal prefix); a repeated single-value option keeps its last value.
        const QString vocab = kShared + "/data/clip/bpe_simple_vocab_16e6.txt.gz";
        Run spaced = diffclip({"tokenize", "--vocab", vocab, "--context", "8", "a photo of a scratch"});
        QCOMPARE(spaced.exitCode, 0);
        QCOMPARE(spaced.out.trimmed(), QByteArray("[49406,320,1125,539,320,13258,49407,0]"));
        for (const QStringList& args : {QStringList{"tokenize", "--vocab=" + vocab, "--context=8", "a photo of a scratch"},
                                        QStringList{"tokenize", "--context", "008", "a photo of a scratch"},
                                        QStringList{"tokenize", "--context", "4", "--context", "8", "a photo of a scratch"},
                                        QStringList{"tokenize", "a photo of a scratch", "--context", "8"}}) {
            Run r = diffclip(args);
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QCOMPARE(r.out, spaced.out);
        }
        // "--" ends the options: a text may start with dashes.
        Run dashes = diffclip({"tokenize", "--context", "8", "--", "--json"});
        QCOMPARE(dashes.exitCode, 0);
        QCOMPARE(dashes.out.count('\n'), 1);
    }

    void multiValueOption() {
        // --text takes every value up to the next option, and may be repeated.
        Run r = diffclip({"embed", "--model", "preset:diffclip-tiny", "--text", "a scratch", "a crack", "a stain",
                          "--json", "--text", "a dent", "--dtype=fp32"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto doc = json(r);
        const auto e = doc["embeddings"].toArray();
        QCOMPARE(e.size(), 4);
        QStringList inputs;
        for (const auto& x : e) inputs << x.toObject()["input"].toString();
        QCOMPARE(inputs, (QStringList{"a scratch", "a crack", "a stain", "a dent"}));
        QCOMPARE(doc["dtype"].toString(), QString("fp32"));
        // An option that takes one value leaves the next word to the positionals.
        Run one = diffclip({"tokenize", "--context", "8", "a", "b"});
        QCOMPARE(one.exitCode, 0);
        QCOMPARE(one.out.count('\n'), 2);
    }

    void helpOfEveryCommand_data() {
        QTest::addColumn<QStringList>("command");
        QTest::addColumn<QStringList>("options");
        QTest::newRow("inspect") << QStringList{"inspect"} << QStringList{"MODEL", "--json", "--seed", "--tokenizer"};
        QTest::newRow("import") << QStringList{"import"} << QStringList{"MODEL", "--out", "--overwrite", "--tokenizer"};
        QTest::newRow("verify") << QStringList{"verify"}
                                << QStringList{"--model", "--reference", "--atol", "--device", "--threads", "--json"};
        QTest::newRow("tokenize") << QStringList{"tokenize"} << QStringList{"TEXT", "--vocab", "--context"};
        QTest::newRow("embed") << QStringList{"embed"}
                               << QStringList{"--model", "--image", "--text", "--raw", "--dtype", "--json"};
        QTest::newRow("bench") << QStringList{"bench"}
                               << QStringList{"--model", "--batch", "--dtype", "--iters", "--rounds", "--warmup",
                                              "--what", "--no-compare", "--explicit-attention", "--device"};
        QTest::newRow("index") << QStringList{"index"}
                               << QStringList{"PATH", "--library", "--model", "--labels-from-folders", "--metadata",
                                              "--batch", "--max-pixels", "--dtype"};
        QTest::newRow("search") << QStringList{"search"}
                                << QStringList{"--library", "--image", "--text", "--top", "--label", "--since",
                                               "--until", "--where", "--model", "--index", "--duplicate-cosine", "--dtype"};
        QTest::newRow("classify") << QStringList{"classify"}
                                  << QStringList{"IMAGE", "--model", "--library", "--classes", "--classes-file",
                                                 "--templates", "--min-confidence", "--only-unlabelled", "--dtype"};
        QTest::newRow("evaluate") << QStringList{"evaluate"}
                                  << QStringList{"--library", "--k", "--model", "--data", "--min", "--latency-queries",
                                                 "--models", "--bootstrap", "--seed", "--dtype"};
        QTest::newRow("export") << QStringList{"export"} << QStringList{"--library", "--csv"};
        QTest::newRow("library check") << QStringList{"library", "check"} << QStringList{"LIB", "--json"};
        QTest::newRow("library check-labels") << QStringList{"library", "check-labels"}
                                              << QStringList{"LIB", "--k", "--top", "--json"};
        QTest::newRow("train") << QStringList{"train"}
                               << QStringList{"--data", "--mode", "--base", "--out", "--preset", "--epochs",
                                              "--time-budget", "--val-split", "--seed", "--augment", "--overwrite",
                                              "--library", "--init", "--temperature"};
        QTest::newRow("explain") << QStringList{"explain"}
                                 << QStringList{"--model", "--image", "--folder", "--masks", "--layer", "--head",
                                                "--method", "--against", "--text", "--compare", "--diff-vs-a1", "--out"};
        QTest::newRow("demo") << QStringList{"demo"} << QStringList{"--dir", "--per-class", "--minutes", "--no-open"};
        QTest::newRow("demo generate") << QStringList{"demo", "generate"}
                                       << QStringList{"--out", "--per-class", "--seed", "--size", "--json"};
    }
    void helpOfEveryCommand() {
        QFETCH(QStringList, command);
        QFETCH(QStringList, options);
        Run r = diffclip(command + QStringList{"--help"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.err.isEmpty());
        QVERIFY2(r.out.startsWith("Usage: diffclip " + command.join(' ').toUtf8() + " "), r.out.constData());
        QVERIFY(r.out.contains("\nOptions:\n"));
        QVERIFY(r.out.contains("--help"));
        for (const QString& o : options) {
            // Each option (or positional) on a line of its own, at the start of the left column.
            const QRegularExpression line("\n  " + QRegularExpression::escape(o) + "[ \n]");
            QVERIFY2(line.match(QString::fromUtf8(r.out)).hasMatch(), qPrintable(o + " not listed:\n" + r.out));
        }
        // The short form too, and --help wins over missing required options.
        QCOMPARE(diffclip(command + QStringList{"-h"}).out, r.out);
    }

    void verifyAllFixtures_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("reference");
        for (const char* f : {"checkpoint_best.pt", "checkpoint_best_torch113_ordereddict.pt", "model.safetensors"})
            QTest::newRow(f) << kFixtures + "diffclip-tiny-a/" + f << kFixtures + "diffclip-tiny-a/expected.safetensors";
        for (const char* f : {"checkpoint_best.pt", "model.safetensors"})
            QTest::newRow(QByteArray("std-") + f)
                << kFixtures + "clip-std-tiny-a/" + f << kFixtures + "clip-std-tiny-a/expected.safetensors";
    }
    void verifyAllFixtures() {
        QFETCH(QString, model);
        QFETCH(QString, reference);
        Run r = diffclip({"verify", "--model", model, "--reference", reference, "--atol", "1e-4", "--json"});
        QCOMPARE(r.exitCode, 0);
        auto doc = json(r);
        QVERIFY(doc["passed"].toBool());
        QVERIFY(doc["max_abs_error"].toDouble() < 1e-4);
        QVERIFY(doc["entries"].toArray().size() >= 5);
    }

    void verifyFailsAgainstOtherReference() {
        // The standard model's outputs do not match the differential reference: exit 1.
        Run r = diffclip({"verify", "--model", kFixtures + "clip-std-tiny-a/model.safetensors", "--reference",
                          kFixtures + "diffclip-tiny-a/expected.safetensors"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.out.contains("FAIL"));
        // An impossible tolerance fails the right model too.
        Run strict = diffclip({"verify", "--model", kFixtures + "diffclip-tiny-a/model.safetensors", "--reference",
                               kFixtures + "diffclip-tiny-a/expected.safetensors", "--atol", "0"});
        QCOMPARE(strict.exitCode, 1);
    }

    void tokenizeReproducesReferenceCases() {
        auto doc = QJsonDocument::fromJson(readFile(kFixtures + "tokenizer-cases.json")).object();
        const auto cases = doc["cases"].toArray();
        QVERIFY(cases.size() >= 30);
        QStringList args{"tokenize", "--vocab", kShared + "/data/clip/bpe_simple_vocab_16e6.txt.gz", "--"};
        for (const auto& c : cases) args << c.toObject()["text"].toString();
        Run r = diffclip(args);
        QCOMPARE(r.exitCode, 0);
        const auto lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), cases.size());
        for (int i = 0; i < cases.size(); ++i) {
            auto got = QJsonDocument::fromJson(lines[i]).array();
            QCOMPARE(got, cases[i].toObject()["ids"].toArray());
        }
        // Padding to --context with the bundled vocabulary: optionValueSyntaxes.
    }

    void importInspectEmbedRoundTrip() {
        QTemporaryDir dir;
        const QString pkg = dir.filePath("tiny.diffclip");
        Run imp = diffclip({"import", kFixtures + "diffclip-tiny-a/checkpoint_best.pt", "--out", pkg});
        QCOMPARE(imp.exitCode, 0);
        QVERIFY(QFile::exists(pkg + "/model.safetensors"));
        QVERIFY(QFile::exists(pkg + "/config.json"));
        QVERIFY(QFile::exists(pkg + "/bpe_simple_vocab_16e6.txt.gz"));
        Run again = diffclip({"import", kFixtures + "diffclip-tiny-a/checkpoint_best.pt", "--out", pkg});
        QCOMPARE(again.exitCode, 1);  // never overwrites silently

        Run ver = diffclip({"verify", "--model", pkg, "--reference", kFixtures + "diffclip-tiny-a/expected.safetensors"});
        QCOMPARE(ver.exitCode, 0);

        Run ins = diffclip({"inspect", pkg, "--json"});
        QCOMPARE(ins.exitCode, 0);
        auto info = json(ins);
        QCOMPARE(info["format"].toString(), QString("package"));
        auto cfg = info["config"].toObject();
        QCOMPARE(cfg["attention"].toString(), QString("differential"));
        QCOMPARE(cfg["vision"].toObject()["depth"].toInt(), 2);
        QCOMPARE(cfg["vision"].toObject()["num_heads"].toInt(), 4);
        QCOMPARE(info["files"].toArray().size(), 3);
        QCOMPARE(info["files"].toArray()[0].toObject()["sha256"].toString().size(), 64);

        Run emb = diffclip({"embed", "--model", pkg, "--text", "a photo of a scratch", "pitted surface", "--json"});
        QCOMPARE(emb.exitCode, 0);
        auto e = json(emb)["embeddings"].toArray();
        QCOMPARE(e.size(), 2);
        const auto v = e[0].toObject()["embedding"].toArray();
        QCOMPARE(v.size(), 24);
        double norm = 0;
        for (const auto& x : v) norm += x.toDouble() * x.toDouble();
        QVERIFY(qAbs(norm - 1.0) < 1e-3);
    }

    void embedImages() {
        const QString photo = kShared + "/data/neu-cls/scratches/scratches_1.jpg";
        Run r = diffclip({"embed", "--model", "preset:diffclip-tiny", "--image", photo, photo, "--json", "--dtype", "fp32"});
        QCOMPARE(r.exitCode, 0);
        auto e = json(r)["embeddings"].toArray();
        QCOMPARE(e.size(), 2);
        // The same photo twice: the same embedding up to the GEMM's rounding per row.
        const auto a = e[0].toObject()["embedding"].toArray(), b = e[1].toObject()["embedding"].toArray();
        QCOMPARE(a.size(), 24);
        for (int i = 0; i < a.size(); ++i) QVERIFY(qAbs(a[i].toDouble() - b[i].toDouble()) < 1e-5);
        QTemporaryDir dir;
        writeFile(dir.filePath("fake.jpg"), "not a jpeg at all");
        Run bad = diffclip({"embed", "--model", "preset:diffclip-tiny", "--image", dir.filePath("fake.jpg")});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY(bad.err.contains("fake.jpg"));
    }

    void hostileModelFilesFailCleanly_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("name");
        const QByteArray pt = readFile(kFixtures + "diffclip-tiny-a/checkpoint_best.pt");
        const QByteArray st = readFile(kFixtures + "diffclip-tiny-a/model.safetensors");
        QVERIFY(!pt.isEmpty() && !st.isEmpty());
        QTest::newRow("empty") << QByteArray() << "empty.pt";
        QTest::newRow("text") << QByteArray("hello\n") << "text.pt";
        QTest::newRow("pt cut in half") << pt.left(pt.size() / 2) << "half.pt";
        QTest::newRow("pt cut at end") << pt.left(pt.size() - 100) << "end.pt";
        QTest::newRow("pt zip header only") << pt.left(64) << "head.pt";
        QTest::newRow("safetensors cut") << st.left(st.size() / 3) << "cut.safetensors";
        QByteArray huge = st;
        for (int i = 0; i < 8; ++i) huge[i] = char(0x7f);
        QTest::newRow("safetensors huge header") << huge << "huge.safetensors";
        QByteArray flipped = st;
        flipped[9] = '[';
        QTest::newRow("safetensors not an object") << flipped << "flip.safetensors";
    }
    void hostileModelFilesFailCleanly() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, name);
        QTemporaryDir dir;
        writeFile(dir.filePath(name), bytes);
        for (const char* cmd : {"inspect", "import"}) {
            QStringList args{cmd, dir.filePath(name)};
            if (QByteArray(cmd) == "import") args << "--out" << dir.filePath("pkg");
            Run r = diffclip(args);
            QVERIFY(!r.crashed);
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.startsWith("diffclip: "), r.err.constData());
            QCOMPARE(r.err.count('\n'), 1);  // one clear line
            QVERIFY(!QFile::exists(dir.filePath("pkg")));
        }
    }

    void benchReportsFigures() {
        Run r = diffclip({"bench", "--model", "preset:diffclip-tiny", "--device", "cpu", "--batch", "2", "--iters", "1",
                          "--dtype", "bf16", "--json"});
        QCOMPARE(r.exitCode, 0);
        auto j = json(r);
        for (const char* key : {"images_per_second", "prompts_per_second", "batch", "device", "dtype", "peak_memory_bytes"})
            QVERIFY2(j.contains(key), key);
        // Throughput is a figure to read, not to assert; what must hold is its arithmetic: a batch
        // of 2 in image_batch_ms milliseconds is 2 * 1000 / image_batch_ms per second.
        for (const char* kind : {"image", "text"}) {
            const QString perSecond = QString::fromLatin1(kind == QByteArray("image") ? "images_per_second"
                                                                                      : "prompts_per_second");
            const double batchMs = j[QStringLiteral("%1_batch_ms").arg(QLatin1String(kind))].toDouble(-1);
            QVERIFY2(batchMs > 0, kind);
            QVERIFY2(std::fabs(j[perSecond].toDouble() - 2 * 1000.0 / batchMs) <= 1e-9 * j[perSecond].toDouble(),
                     qPrintable(perSecond));
        }
        QCOMPARE(j["iters"].toInt(), 1);
        QCOMPARE(j["batch"].toInt(), 2);
        QCOMPARE(j["dtype"].toString(), QString("bf16"));
        QVERIFY(j["image_cosine_min_vs_fp32"].toDouble() >= 0.999);
    }

    // int8 is timed against fp32 in the same run, round by round; the speed-up is the median of
    // the rounds' ratios (with one round: the ratio of the two figures), the CPU is named.
    void benchInt8AgainstFp32() {
        Run r = diffclip({"bench", "--model", "preset:diffclip-tiny", "--device", "cpu", "--batch", "2", "--iters", "1",
                          "--dtype", "int8", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        auto j = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(j["dtype"].toString(), QString("int8"));
        QCOMPARE(j["rounds"].toInt(), 1);
        QVERIFY(j["int8_weight_bits"].toInt() == 7 || j["int8_weight_bits"].toInt() == 8);
        QVERIFY(!j["cpu"].toString().isEmpty());
        for (const char* kind : {"image", "text"}) {
            const QString k = QLatin1String(kind);
            const QString ours = k == QLatin1String("image") ? "images_per_second" : "prompts_per_second";
            const double fp32 = j["fp32_" + ours].toDouble(-1), mine = j[ours].toDouble(-1);
            QVERIFY2(fp32 > 0 && mine > 0, kind);
            QVERIFY2(std::fabs(j[k + "_speedup_vs_fp32"].toDouble() - mine / fp32) <= 1e-9 * mine / fp32, kind);
            QCOMPARE(j[k + "_rounds_per_second"].toArray().size(), 1);
            QCOMPARE(j["fp32_" + k + "_rounds_per_second"].toArray().size(), 1);
            QVERIFY2(j[k + "_cosine_min_vs_fp32"].toDouble() >= 0.999, kind);
        }
    }
};

DIFFCLIP_TEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
