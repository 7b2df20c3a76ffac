// Tests of the strict JSON parser and deterministic writer (diffclip/formats/Json.h).

#include <QtTest/QtTest>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "diffclip/formats/Json.h"

using diffclip::ErrorCode;
using diffclip::Json;

namespace {

// Parses text that must be refused; returns the error message for further checks.
std::string refuse(const std::string& text, Json::ParseLimits limits = {})
{
    auto r = Json::parse(text, limits);
    if (r.ok())
        return "<accepted>";
    if (r.error().code != ErrorCode::Format)
        return "<wrong code: " + r.error().describe() + ">";
    return r.error().message;
}

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

class TestJson : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parsesScalars()
    {
        auto r = Json::parse(" [null, true, false, 0, -0, 12, -34, 1.5, -2.5e3, 1E2, \"x\"] ");
        QVERIFY2(r.ok(), r.error().describe().c_str());
        const auto& a = r->asArray();
        QCOMPARE(a.size(), size_t(11));
        QVERIFY(a[0].isNull());
        QCOMPARE(a[1].asBool(), true);
        QCOMPARE(a[2].asBool(true), false);
        QVERIFY(a[3].isInteger());
        QCOMPARE(a[3].asInt(7), int64_t(0));
        QVERIFY(a[5].isInteger());
        QCOMPARE(a[5].asInt(), int64_t(12));
        QCOMPARE(a[6].asInt(), int64_t(-34));
        QVERIFY(a[7].isNumber() && !a[7].isInteger());
        QCOMPARE(a[7].asDouble(), 1.5);
        QCOMPARE(a[8].asDouble(), -2500.0);
        QVERIFY(!a[9].isInteger());
        QCOMPARE(a[9].asDouble(), 100.0);
        QCOMPARE(a[9].asInt(), int64_t(100));  // integral double converts
        QCOMPARE(a[7].asInt(-1), int64_t(-1)); // 1.5 does not
        QCOMPARE(a[10].asString(), std::string("x"));
        QCOMPARE(a[10].asInt(5), int64_t(5));
        QVERIFY(a[1].asString().empty());
    }

    void integerLimits()
    {
        auto r = Json::parse("[9223372036854775807, -9223372036854775808, 9223372036854775808]");
        QVERIFY(r.ok());
        const auto& a = r->asArray();
        QVERIFY(a[0].isInteger());
        QCOMPARE(a[0].asInt(), std::numeric_limits<int64_t>::max());
        QVERIFY(a[1].isInteger());
        QCOMPARE(a[1].asInt(), std::numeric_limits<int64_t>::min());
        QVERIFY(!a[2].isInteger());
        QCOMPARE(a[2].asDouble(), 9223372036854775808.0);
        QCOMPARE(a[2].asInt(-1), int64_t(-1));  // out of int64 range
        QVERIFY(Json(uint64_t(5)).isInteger());
        QVERIFY(!Json(std::numeric_limits<uint64_t>::max()).isInteger());
    }

    void extremeNumbers()
    {
        auto tiny = Json::parse("[1e-400, -1e-400, 0.0000e999999999999]");
        QVERIFY2(tiny.ok(), tiny.error().describe().c_str());
        QCOMPARE(tiny->asArray()[0].asDouble(1.0), 0.0);
        QVERIFY(std::signbit(tiny->asArray()[1].asDouble()));
        QCOMPARE(tiny->asArray()[2].asDouble(1.0), 0.0);
        QVERIFY(refuse("1e400").find("out of range") != std::string::npos);
        QVERIFY(refuse("-1e400").find("out of range") != std::string::npos);
        auto huge = Json::parse("100000e-3000000000000000000000");
        QVERIFY(huge.ok());
        QCOMPARE(huge->asDouble(1.0), 0.0);
        QVERIFY(refuse("0.000001e3000000000000000000000").find("out of range") != std::string::npos);
    }

    void objectsKeepOrderAndFind()
    {
        auto r = Json::parse("{\"b\": 1, \"a\": {\"c\": [1, 2]}, \"\": null}");
        QVERIFY(r.ok());
        QVERIFY(r->isObject());
        QCOMPARE(r->size(), size_t(3));
        QCOMPARE(r->asObject()[0].first, std::string("b"));
        QCOMPARE(r->asObject()[1].first, std::string("a"));
        const Json* a = r->find("a");
        QVERIFY(a != nullptr);
        QCOMPARE(a->find("c")->size(), size_t(2));
        QVERIFY(r->contains(""));
        QVERIFY(!r->contains("z"));
        QVERIFY(r->find("b")->find("x") == nullptr);  // find on non-object
    }

    void stringsAndEscapes()
    {
        auto r = Json::parse("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"\\u00e9\\u4e2d\", \"\\ud83d\\ude00\", \"\\u0000x\", \"é中😀\"]");
        QVERIFY2(r.ok(), r.error().describe().c_str());
        const auto& a = r->asArray();
        QCOMPARE(a[0].asString(), std::string("\"\\/\b\f\n\r\t"));
        QCOMPARE(a[1].asString(), std::string("\xC3\xA9\xE4\xB8\xAD"));
        QCOMPARE(a[2].asString(), std::string("\xF0\x9F\x98\x80"));
        QCOMPARE(a[3].asString(), std::string("\0x", 2));
        QCOMPARE(a[4].asString(), std::string("\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80"));
    }

    void refusesSurrogatesAndBadEscapes()
    {
        QVERIFY(refuse("\"\\ud83d\"").find("surrogate") != std::string::npos);
        QVERIFY(refuse("\"\\ud83dx\"").find("surrogate") != std::string::npos);
        QVERIFY(refuse("\"\\ud83d\\u0041\"").find("surrogate") != std::string::npos);
        QVERIFY(refuse("\"\\ude00\"").find("surrogate") != std::string::npos);
        QVERIFY(refuse("\"\\x\"").find("escape") != std::string::npos);
        QVERIFY(refuse("\"\\u12g4\"").find("hex") != std::string::npos);
        QVERIFY(refuse("\"\\u12").find("\\u") != std::string::npos);
        QVERIFY(refuse("\"a\tb\"").find("control") != std::string::npos);
    }

    void refusesInvalidUtf8()
    {
        const char* bad[] = {
            "\"\x80\"",              // lone continuation
            "\"\xC0\xAF\"",          // overlong '/'
            "\"\xE0\x80\xAF\"",      // overlong
            "\"\xED\xA0\x80\"",      // encoded surrogate
            "\"\xF4\x90\x80\x80\"",  // above U+10FFFF
            "\"\xF5\x80\x80\x80\"",
            "\"\xFF\"",
            "\"\xE4\xB8\"",          // truncated sequence
            "\"\xE4\xB8",            // truncated at the end of input
        };
        for (const char* text : bad) {
            const std::string msg = refuse(text);
            QVERIFY2(msg.find("UTF-8") != std::string::npos, msg.c_str());
            QVERIFY2(msg.find("offset 1") != std::string::npos, msg.c_str());
        }
    }

    void refusesMalformed_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("offset");
        QTest::newRow("empty") << "" << 0;
        QTest::newRow("spaces") << "   " << 3;
        QTest::newRow("trailing comma array") << "[1,]" << 3;
        QTest::newRow("trailing comma object") << "{\"a\":1,}" << 7;
        QTest::newRow("comment") << "[1] // x" << 4;
        QTest::newRow("single quotes") << "['a']" << 1;
        QTest::newRow("unquoted key") << "{a:1}" << 1;
        QTest::newRow("missing colon") << "{\"a\" 1}" << 5;
        QTest::newRow("leading zero") << "01" << 1;
        QTest::newRow("plus") << "+1" << 0;
        QTest::newRow("dot first") << ".5" << 0;
        QTest::newRow("dot last") << "1." << 2;
        QTest::newRow("bare exponent") << "1e" << 2;
        QTest::newRow("NaN") << "NaN" << 0;
        QTest::newRow("Infinity") << "[Infinity]" << 1;
        QTest::newRow("truth") << "tru" << 0;
        QTest::newRow("two values") << "1 2" << 2;
        QTest::newRow("unclosed array") << "[1, 2" << 5;
        QTest::newRow("unclosed object") << "{\"a\": 1" << 7;
        QTest::newRow("unterminated string") << "\"abc" << 4;
        QTest::newRow("vertical tab space") << "\v1" << 0;
        QTest::newRow("minus alone") << "-" << 1;
    }

    void refusesMalformed()
    {
        QFETCH(QString, text);
        QFETCH(int, offset);
        const std::string msg = refuse(text.toStdString());
        QVERIFY2(msg.find("offset " + std::to_string(offset) + ")") != std::string::npos, msg.c_str());
    }

    void refusesBom()
    {
        QVERIFY(refuse("\xEF\xBB\xBF{}").find("offset 0") != std::string::npos);
    }

    void refusesDuplicateKeys()
    {
        std::string msg = refuse("{\"a\": 1, \"b\": 2, \"a\": 3}");
        QVERIFY2(msg.find("duplicate") != std::string::npos && msg.find("\"a\"") != std::string::npos, msg.c_str());
        QVERIFY2(msg.find("offset 17") != std::string::npos, msg.c_str());
        // Same key written with an escape is still a duplicate.
        msg = refuse("{\"k\": {\"\\u0041\": 1, \"A\": 2}}");
        QVERIFY2(msg.find("duplicate") != std::string::npos, msg.c_str());
        // Many keys: checked without quadratic cost, last one duplicates the first.
        std::string big = "{";
        for (int i = 0; i < 200000; ++i)
            big += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
        QVERIFY(Json::parse(big.substr(0, big.size() - 1) + "}").ok());
        big += "\"k0\":1}";
        msg = refuse(big);
        QVERIFY2(msg.find("duplicate object key \"k0\"") != std::string::npos, msg.c_str());
    }

    void depthAndSizeLimits()
    {
        Json::ParseLimits limits;
        limits.maxDepth = 3;
        QVERIFY(Json::parse("[[[1]]]", limits).ok());
        QVERIFY(Json::parse("[{\"a\":[1]}]", limits).ok());
        std::string msg = refuse("[[[[1]]]]", limits);
        QVERIFY2(msg.find("nesting") != std::string::npos && msg.find("offset 3") != std::string::npos, msg.c_str());
        // Very deep input with the default limit: refused, not a stack overflow.
        const std::string deep = std::string(100000, '[') + std::string(100000, ']');
        msg = refuse(deep);
        QVERIFY2(msg.find("nesting deeper than 64") != std::string::npos, msg.c_str());
        const std::string deepObj = [] {
            std::string s;
            for (int i = 0; i < 10000; ++i)
                s += "{\"a\":";
            return s;
        }();
        QVERIFY(refuse(deepObj).find("nesting") != std::string::npos);

        limits = {};
        limits.maxBytes = 10;
        QVERIFY(Json::parse("[1,2,3,4]", limits).ok());
        msg = refuse("[1,2,3,4,5]", limits);
        QVERIFY2(msg.find("limit") != std::string::npos, msg.c_str());
    }

    void dumpCompactAndPretty()
    {
        Json root = Json::object();
        root.set("name", "tiny");
        root.set("n", 3);
        root.set("list", Json(Json::Array{1, 2.5, nullptr, true, "s"}));
        root.set("empty", Json::array());
        root.set("obj", Json::object());
        root.set("n", 4);  // replaces, keeps position
        QCOMPARE(root.size(), size_t(5));
        QCOMPARE(root.dump(), std::string("{\"name\":\"tiny\",\"n\":4,\"list\":[1,2.5,null,true,\"s\"],\"empty\":[],\"obj\":{}}"));
        const std::string pretty = root.dump(2);
        QCOMPARE(pretty, std::string("{\n  \"name\": \"tiny\",\n  \"n\": 4,\n  \"list\": [\n    1,\n    2.5,\n"
                                     "    null,\n    true,\n    \"s\"\n  ],\n  \"empty\": [],\n  \"obj\": {}\n}"));
        auto back = Json::parse(pretty);
        QVERIFY(back.ok());
        QCOMPARE(back->dump(), root.dump());
    }

    void dumpEscapes()
    {
        const std::string s = std::string("a\"b\\c\n\t\x01\x1f\x7f", 10) + std::string(1, '\0') + "\xC3\xA9";
        const std::string out = Json(s).dump();
        QCOMPARE(out, std::string("\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\\u007f\\u0000\xC3\xA9\""));
        auto back = Json::parse(out);
        QVERIFY(back.ok());
        QCOMPARE(back->asString(), s);
        // Invalid UTF-8 built in code is written as U+FFFD, so the output stays valid JSON.
        const std::string fixed = Json(std::string("x\xFFy")).dump();
        QCOMPARE(fixed, std::string("\"x\xEF\xBF\xBDy\""));
        QVERIFY(Json::parse(fixed).ok());
    }

    void dumpDoubles()
    {
        QCOMPARE(Json(0.1).dump(), std::string("0.1"));
        QCOMPARE(Json(1.0).dump(), std::string("1.0"));
        QCOMPARE(Json(-0.0).dump(), std::string("-0.0"));
        QCOMPARE(Json(1e300).dump(), std::string("1e+300"));
        QCOMPARE(Json(std::nan("")).dump(), std::string("null"));
        QCOMPARE(Json(std::numeric_limits<double>::infinity()).dump(), std::string("null"));
        QCOMPARE(Json(-std::numeric_limits<double>::infinity()).dump(), std::string("null"));
        QCOMPARE(Json(int64_t(-42)).dump(), std::string("-42"));
        const double values[] = {1.0 / 3.0, 2.0 / 3.0, 5e-324, 1.7976931348623157e308, 123456789.125,
                                 0.30000000000000004, 1e-7, 6.02214076e23, 3.0f};
        for (double v : values) {
            const std::string text = Json(v).dump();
            auto back = Json::parse(text);
            QVERIFY2(back.ok(), text.c_str());
            QVERIFY2(!back->isInteger(), text.c_str());
            QCOMPARE(back->asDouble(), v);  // bit-exact round trip
            QVERIFY2(text.size() <= 24, text.c_str());
        }
        QCOMPARE(Json(1.0 / 3.0).dump(), std::string("0.3333333333333333"));
    }

    void valueSemantics()
    {
        Json a = Json::object();
        a.set("list", Json(Json::Array{1, 2}));
        Json b = a;  // deep copy
        b.set("x", 1);
        b.mutableObject()[0].second.push(3);
        QCOMPARE(a.dump(), std::string("{\"list\":[1,2]}"));
        QCOMPARE(b.dump(), std::string("{\"list\":[1,2,3],\"x\":1}"));
        Json n;
        n.push("p");
        QVERIFY(n.isArray());
        QCOMPARE(n.size(), size_t(1));
        Json m;
        m.set("k", "v");
        QVERIFY(m.isObject());
        QVERIFY(Json(5).asArray().empty());
        QVERIFY(Json(5).asObject().empty());
        QCOMPARE(Json(5).size(), size_t(0));
    }

    void parsesFixtureConfigs()
    {
        const std::string dir = std::string(DIFFCLIP_SHARED_DIR) + "/fixtures/";
        for (const char* name : {"diffclip-tiny-a/config.json", "clip-std-tiny-a/config.json",
                                 "tokenizer-cases.json", "diffclip-vitb16-state-dict-shapes.json"}) {
            const std::string text = readFile(dir + name);
            QVERIFY2(!text.empty(), name);
            auto r = Json::parse(text);
            QVERIFY2(r.ok(), (std::string(name) + ": " + r.error().describe()).c_str());
            // Dump is deterministic and reads back to the same document.
            auto again = Json::parse(r->dump(4));
            QVERIFY(again.ok());
            QCOMPARE(again->dump(), r->dump());
        }
        auto cfg = Json::parse(readFile(dir + "diffclip-tiny-a/config.json"));
        QVERIFY(cfg.ok());
        const Json* vision = cfg->find("vision");
        QVERIFY(vision && vision->isObject());
        QCOMPARE(vision->find("img_size")->asInt(), int64_t(32));
        QCOMPARE(vision->find("patch_size")->asInt(), int64_t(8));
        QCOMPARE(cfg->find("embed_dim")->asInt(), int64_t(24));
    }
};

QTEST_APPLESS_MAIN(TestJson)
#include "tst_json.moc"
