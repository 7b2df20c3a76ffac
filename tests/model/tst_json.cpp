// Tests of the strict JSON reader and the deterministic writer (diffclip/formats/Json.h):
// nlohmann::ordered_json behind parseJson / dumpJson.

#include <QtTest/QtTest>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "diffclip/formats/Json.h"

using diffclip::dumpJson;
using diffclip::ErrorCode;
using diffclip::Json;
using diffclip::jsonFind;
using diffclip::JsonLimits;
using diffclip::parseJson;

namespace {

// Parses text that must be refused; returns the error message for further checks.
std::string refuse(const std::string& text, JsonLimits limits = {})
{
    auto r = parseJson(text, limits);
    if (r.ok())
        return "<accepted>";
    if (r.error().code != ErrorCode::Format)
        return "<wrong code: " + r.error().describe() + ">";
    return r.error().message;
}

bool has(const std::string& message, const std::string& part) { return message.find(part) != std::string::npos; }

// Checks that `text` is refused with a message that contains `part` and names byte `offset`.
void checkRefused(const std::string& text, const std::string& part, int offset)
{
    const std::string msg = refuse(text);
    QVERIFY2(has(msg, part), msg.c_str());
    QVERIFY2(has(msg, "(offset " + std::to_string(offset) + ")"), msg.c_str());
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
        auto r = parseJson(" [null, true, false, 0, -0, 12, -34, 1.5, -2.5e3, 1E2, \"x\"] ");
        QVERIFY2(r.ok(), r.error().describe().c_str());
        const Json& a = *r;
        QVERIFY(a.is_array());
        QCOMPARE(a.size(), size_t(11));
        QVERIFY(a[0].is_null());
        QCOMPARE(a[1].get<bool>(), true);
        QCOMPARE(a[2].get<bool>(), false);
        QVERIFY(a[3].is_number_integer());
        QCOMPARE(a[3].get<int64_t>(), int64_t(0));
        QVERIFY(a[4].is_number_integer());  // "-0" is an integer, as written
        QVERIFY(a[5].is_number_unsigned());  // non-negative integers read as uint64
        QCOMPARE(a[5].get<int64_t>(), int64_t(12));
        QVERIFY(a[6].is_number_integer() && !a[6].is_number_unsigned());
        QCOMPARE(a[6].get<int64_t>(), int64_t(-34));
        QVERIFY(a[7].is_number_float());
        QCOMPARE(a[7].get<double>(), 1.5);
        QCOMPARE(a[8].get<double>(), -2500.0);
        QVERIFY(a[9].is_number_float());  // an exponent makes a double, even when integral
        QCOMPARE(a[9].get<double>(), 100.0);
        QCOMPARE(a[10].get<std::string>(), std::string("x"));
        QVERIFY(!a[10].is_number());
    }

    void integerLimits()
    {
        auto r = parseJson("[9223372036854775807, -9223372036854775808, 18446744073709551615, 18446744073709551616]");
        QVERIFY(r.ok());
        const Json& a = *r;
        QVERIFY(a[0].is_number_integer());
        QCOMPARE(a[0].get<int64_t>(), std::numeric_limits<int64_t>::max());
        QVERIFY(a[1].is_number_integer());
        QCOMPARE(a[1].get<int64_t>(), std::numeric_limits<int64_t>::min());
        QVERIFY(a[2].is_number_unsigned());
        QCOMPARE(a[2].get<uint64_t>(), std::numeric_limits<uint64_t>::max());
        QVERIFY(a[3].is_number_float());  // beyond uint64: kept as a double
        QCOMPARE(a[3].get<double>(), 18446744073709551616.0);
        QCOMPARE(dumpJson(*r), std::string("[9223372036854775807,-9223372036854775808,18446744073709551615,"
                                           "1.8446744073709552e+19]"));
    }

    void extremeNumbers()
    {
        auto tiny = parseJson("[1e-400, -1e-400, 0.0000e999999999999]");
        QVERIFY2(tiny.ok(), tiny.error().describe().c_str());
        QCOMPARE((*tiny)[0].get<double>(), 0.0);
        QVERIFY(std::signbit((*tiny)[1].get<double>()));
        QCOMPARE((*tiny)[2].get<double>(), 0.0);
        QVERIFY(has(refuse("1e400"), "number overflow"));
        QVERIFY(has(refuse("-1e400"), "number overflow"));
        auto huge = parseJson("100000e-3000000000000000000000");
        QVERIFY(huge.ok());
        QCOMPARE(huge->get<double>(), 0.0);
        QVERIFY(has(refuse("0.000001e3000000000000000000000"), "number overflow"));
    }

    void objectsKeepOrderAndFind()
    {
        auto r = parseJson("{\"b\": 1, \"a\": {\"c\": [1, 2]}, \"\": null}");
        QVERIFY(r.ok());
        QVERIFY(r->is_object());
        QCOMPARE(r->size(), size_t(3));
        QCOMPARE(r->begin().key(), std::string("b"));
        QCOMPARE(std::next(r->begin()).key(), std::string("a"));
        const Json* a = jsonFind(*r, "a");
        QVERIFY(a != nullptr);
        QCOMPARE(jsonFind(*a, "c")->size(), size_t(2));
        QVERIFY(jsonFind(*r, "") != nullptr);
        QVERIFY(jsonFind(*r, "z") == nullptr);
        QVERIFY(jsonFind(*jsonFind(*r, "b"), "x") == nullptr);  // a number has no members
        QVERIFY(jsonFind(Json::array({1}), "0") == nullptr);
        QVERIFY(jsonFind(Json(), "x") == nullptr);
    }

    void stringsAndEscapes()
    {
        auto r = parseJson("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"\\u00e9\\u4e2d\", \"\\ud83d\\ude00\", \"\\u0000x\", \"é中😀\"]");
        QVERIFY2(r.ok(), r.error().describe().c_str());
        const Json& a = *r;
        QCOMPARE(a[0].get<std::string>(), std::string("\"\\/\b\f\n\r\t"));
        QCOMPARE(a[1].get<std::string>(), std::string("\xC3\xA9\xE4\xB8\xAD"));
        QCOMPARE(a[2].get<std::string>(), std::string("\xF0\x9F\x98\x80"));
        QCOMPARE(a[3].get<std::string>(), std::string("\0x", 2));
        QCOMPARE(a[4].get<std::string>(), std::string("\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80"));
    }

    void refusesSurrogatesAndBadEscapes_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("part");
        QTest::addColumn<int>("offset");
        QTest::newRow("lone high") << QByteArray("\"\\ud83d\"") << "surrogate" << 7;
        QTest::newRow("high then text") << QByteArray("\"\\ud83dx\"") << "surrogate" << 7;
        QTest::newRow("high then not low") << QByteArray("\"\\ud83d\\u0041\"") << "surrogate" << 12;
        QTest::newRow("lone low") << QByteArray("\"\\ude00\"") << "surrogate" << 6;
        QTest::newRow("unknown escape") << QByteArray("\"\\x\"") << "after backslash" << 2;
        QTest::newRow("bad hex") << QByteArray("\"\\u12g4\"") << "hex digits" << 5;
        QTest::newRow("short \\u") << QByteArray("\"\\u12") << "\\u" << 5;
        QTest::newRow("raw tab") << QByteArray("\"a\tb\"") << "control character" << 2;
    }

    void refusesSurrogatesAndBadEscapes()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, part);
        QFETCH(int, offset);
        checkRefused(text.toStdString(), part.toStdString(), offset);
    }

    void refusesInvalidUtf8_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("offset");  // the first byte that cannot continue valid UTF-8
        QTest::newRow("lone continuation") << QByteArray("\"\x80\"") << 1;
        QTest::newRow("overlong slash") << QByteArray("\"\xC0\xAF\"") << 1;
        QTest::newRow("overlong 3 bytes") << QByteArray("\"\xE0\x80\xAF\"") << 2;
        QTest::newRow("encoded surrogate") << QByteArray("\"\xED\xA0\x80\"") << 2;
        QTest::newRow("above U+10FFFF") << QByteArray("\"\xF4\x90\x80\x80\"") << 2;
        QTest::newRow("F5 lead") << QByteArray("\"\xF5\x80\x80\x80\"") << 1;
        QTest::newRow("FF") << QByteArray("\"\xFF\"") << 1;
        QTest::newRow("truncated sequence") << QByteArray("\"\xE4\xB8\"") << 3;
        QTest::newRow("truncated at the end") << QByteArray("\"\xE4\xB8") << 3;
        QTest::newRow("in a key") << QByteArray("{\"a\xFF\": 1}") << 3;
    }

    void refusesInvalidUtf8()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, offset);
        checkRefused(text.toStdString(), "UTF-8", offset);
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
        QTest::newRow("block comment") << "/* x */ 1" << 0;
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
        QTest::newRow("truth") << "tru" << 3;  // where the literal turned out short
        QTest::newRow("two values") << "1 2" << 2;
        QTest::newRow("unclosed array") << "[1, 2" << 5;
        QTest::newRow("unclosed object") << "{\"a\": 1" << 7;
        QTest::newRow("unterminated string") << "\"abc" << 4;
        QTest::newRow("vertical tab space") << "\v1" << 0;
        QTest::newRow("minus alone") << "-" << 1;
    }

    void refusesNul()
    {
        // nlohmann's lexer would end the input at a NUL outside strings and accept the rest unread.
        QVERIFY(has(refuse(std::string("{}\0{\"a\":1}", 10)), "unexpected NUL byte (offset 2)"));
        QVERIFY(has(refuse(std::string("[1,\0 2]", 7)), "unexpected NUL byte (offset 3)"));
        QVERIFY(has(refuse(std::string("[1 1,\0]", 7)), "(offset 3)"));  // the earlier error wins
        QVERIFY(has(refuse(std::string("\"a\0\"", 4)), "unexpected NUL byte (offset 2)"));  // raw, in a string
        QVERIFY(parseJson("\"\\u0000\"").ok());  // escaped, it is a character like any other
    }

    void refusesMalformed()
    {
        QFETCH(QString, text);
        QFETCH(int, offset);
        checkRefused(text.toStdString(), "invalid JSON: ", offset);
    }

    void refusesBom()
    {
        // nlohmann would skip it; RFC 8259 forbids writing one and none of our formats has one.
        QVERIFY(has(refuse("\xEF\xBB\xBF{}"), "byte order mark (offset 0)"));
    }

    void messagesStayShortAndPrintable()
    {
        // nlohmann quotes the token it last read, which can be a whole hostile string.
        const std::string text = "[\"" + std::string(100000, 'x') + "\xFF\"]";
        const std::string msg = refuse(text);
        QVERIFY2(has(msg, "UTF-8") && has(msg, "(offset 100002)"), msg.c_str());
        QVERIFY2(msg.size() < 300, msg.c_str());
        for (char c : msg)
            QVERIFY2(static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F, msg.c_str());
    }

    void refusesDuplicateKeys()
    {
        std::string msg = refuse("{\"a\": 1, \"b\": 2, \"a\": 3}");
        QVERIFY2(has(msg, "duplicate object key \"a\""), msg.c_str());
        QVERIFY2(has(msg, "(offset 17)"), msg.c_str());
        // Same key written with an escape is still a duplicate; the offset is where it starts.
        msg = refuse("{\"k\": {\"\\u0041\": 1, \"A\": 2}}");
        QVERIFY2(has(msg, "duplicate object key \"A\"") && has(msg, "(offset 20)"), msg.c_str());
        // Equal keys in different objects are fine, and a key text inside a value is no key.
        QVERIFY(parseJson("[{\"a\": 1}, {\"a\": {\"a\": \"\\\"a\\\":\"}}]").ok());
        // Many keys: checked without quadratic cost, last one duplicates the first.
        std::string big = "{";
        for (int i = 0; i < 200000; ++i)
            big += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
        auto many = parseJson(big.substr(0, big.size() - 1) + "}");
        QVERIFY(many.ok());
        QCOMPARE(many->size(), size_t(200000));
        QCOMPARE(std::prev(many->end()).key(), std::string("k199999"));
        const size_t lastKey = big.size();
        big += "\"k0\":1}";
        msg = refuse(big);
        QVERIFY2(has(msg, "duplicate object key \"k0\""), msg.c_str());
        QVERIFY2(has(msg, "(offset " + std::to_string(lastKey) + ")"), msg.c_str());
    }

    void depthAndSizeLimits()
    {
        JsonLimits limits;
        limits.maxDepth = 3;
        QVERIFY(parseJson("[[[1]]]", limits).ok());
        QVERIFY(parseJson("[{\"a\":[1]}]", limits).ok());
        QVERIFY(parseJson("[\"[[[[\", {\"{{{{\": [\"]]]]\"]}]", limits).ok());  // brackets in strings
        std::string msg = refuse("[[[[1]]]]", limits);
        QVERIFY2(has(msg, "nesting deeper than 3 levels") && has(msg, "(offset 3)"), msg.c_str());
        msg = refuse("[\"[[\", {\"a\": [[1]]}]", limits);
        QVERIFY2(has(msg, "nesting") && has(msg, "(offset 14)"), msg.c_str());
        // A million levels with the default limit: refused at level 65, without deep recursion.
        const std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
        msg = refuse(deep);
        QVERIFY2(has(msg, "nesting deeper than 64 levels") && has(msg, "(offset 64)"), msg.c_str());
        const std::string deepObj = [] {
            std::string s;
            for (int i = 0; i < 100000; ++i)
                s += "{\"a\":";
            return s;
        }();
        QVERIFY(has(refuse(deepObj), "nesting"));

        limits = {};
        limits.maxBytes = 10;
        QVERIFY(parseJson("[1,2,3,4]", limits).ok());
        msg = refuse("[1,2,3,4,5]", limits);
        QVERIFY2(has(msg, "11 bytes, more than the limit of 10"), msg.c_str());
    }

    void dumpCompactAndPretty()
    {
        Json root = Json::object();
        root["name"] = "tiny";
        root["n"] = 3;
        root["list"] = Json::array({1, 2.5, nullptr, true, "s"});
        root["empty"] = Json::array();
        root["obj"] = Json::object();
        root["n"] = 4;  // replaces, keeps position
        QCOMPARE(root.size(), size_t(5));
        QCOMPARE(dumpJson(root), std::string("{\"name\":\"tiny\",\"n\":4,\"list\":[1,2.5,null,true,\"s\"],\"empty\":[],\"obj\":{}}"));
        const std::string pretty = dumpJson(root, 2);
        QCOMPARE(pretty, std::string("{\n  \"name\": \"tiny\",\n  \"n\": 4,\n  \"list\": [\n    1,\n    2.5,\n"
                                     "    null,\n    true,\n    \"s\"\n  ],\n  \"empty\": [],\n  \"obj\": {}\n}"));
        auto back = parseJson(pretty);
        QVERIFY(back.ok());
        QCOMPARE(dumpJson(*back), dumpJson(root));
    }

    void dumpEscapes()
    {
        const std::string s = std::string("a\"b\\c\n\t\x01\x1f\x7f", 10) + std::string(1, '\0') + "\xC3\xA9";
        const std::string out = dumpJson(Json(s));
        QCOMPARE(out, std::string("\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\x7f\\u0000\xC3\xA9\""));
        auto back = parseJson(out);
        QVERIFY(back.ok());
        QCOMPARE(back->get<std::string>(), s);
        // Invalid UTF-8 built in code (a file name, say) is written as U+FFFD, so the output
        // stays valid JSON instead of nlohmann throwing.
        const std::string fixed = dumpJson(Json(std::string("x\xFFy")));
        QCOMPARE(fixed, std::string("\"x\xEF\xBF\xBDy\""));
        QVERIFY(parseJson(fixed).ok());
        Json keyed = Json::object();
        keyed[std::string("k\xC0")] = 1;
        QCOMPARE(dumpJson(keyed), std::string("{\"k\xEF\xBF\xBD\":1}"));
    }

    void dumpDoubles()
    {
        QCOMPARE(dumpJson(Json(0.1)), std::string("0.1"));
        QCOMPARE(dumpJson(Json(1.0)), std::string("1.0"));
        QCOMPARE(dumpJson(Json(-0.0)), std::string("-0.0"));
        QCOMPARE(dumpJson(Json(1e300)), std::string("1e+300"));
        QCOMPARE(dumpJson(Json(1e-6)), std::string("1e-06"));
        QCOMPARE(dumpJson(Json(std::nan(""))), std::string("null"));
        QCOMPARE(dumpJson(Json(std::numeric_limits<double>::infinity())), std::string("null"));
        QCOMPARE(dumpJson(Json(-std::numeric_limits<double>::infinity())), std::string("null"));
        QCOMPARE(dumpJson(Json(int64_t(-42))), std::string("-42"));
        QCOMPARE(dumpJson(Json(std::numeric_limits<uint64_t>::max())), std::string("18446744073709551615"));
        const double values[] = {1.0 / 3.0, 2.0 / 3.0, 5e-324, 1.7976931348623157e308, 123456789.125,
                                 0.30000000000000004, 1e-7, 6.02214076e23, 3.0f};
        for (double v : values) {
            const std::string text = dumpJson(Json(v));
            auto back = parseJson(text);
            QVERIFY2(back.ok(), text.c_str());
            QVERIFY2(back->is_number_float(), text.c_str());
            QCOMPARE(back->get<double>(), v);  // bit-exact round trip
            QVERIFY2(text.size() <= 24, text.c_str());
        }
        QCOMPARE(dumpJson(Json(1.0 / 3.0)), std::string("0.3333333333333333"));
    }

    void parsesFixtureConfigs()
    {
        const std::string dir = std::string(DIFFCLIP_SHARED_DIR) + "/fixtures/";
        for (const char* name : {"diffclip-tiny-a/config.json", "clip-std-tiny-a/config.json",
                                 "tokenizer-cases.json", "diffclip-vitb16-state-dict-shapes.json"}) {
            const std::string text = readFile(dir + name);
            QVERIFY2(!text.empty(), name);
            auto r = parseJson(text);
            QVERIFY2(r.ok(), (std::string(name) + ": " + r.error().describe()).c_str());
            // The tree built from SAX events is the one nlohmann's own parser builds.
            QVERIFY2(*r == Json::parse(text), name);
            // Dump is deterministic and reads back to the same document.
            auto again = parseJson(dumpJson(*r, 4));
            QVERIFY(again.ok());
            QVERIFY(*again == *r);
            QCOMPARE(dumpJson(*again), dumpJson(*r));
        }
        auto cfg = parseJson(readFile(dir + "diffclip-tiny-a/config.json"));
        QVERIFY(cfg.ok());
        const Json* vision = jsonFind(*cfg, "vision");
        QVERIFY(vision && vision->is_object());
        QCOMPARE(vision->at("img_size").get<int64_t>(), int64_t(32));
        QCOMPARE(vision->at("patch_size").get<int64_t>(), int64_t(8));
        QCOMPARE(cfg->at("embed_dim").get<int64_t>(), int64_t(24));
    }
};

QTEST_APPLESS_MAIN(TestJson)
#include "tst_json.moc"
