// The restricted unpickler on hand-made pickles, CPython-made pickles of every protocol, hostile
// input, limits, and the real data.pkl of the fixture checkpoints.

#include <QFile>
#include <QtTest>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "diffclip/formats/Pickle.h"

#include "../support/PickleBuilder.h"

using namespace diffclip;

// A literal with embedded NUL bytes as a std::string.
#define BYTES(lit) std::string(lit, sizeof(lit) - 1)

namespace {

std::string fromHex(const char* hex) {
    std::string out;
    for (std::size_t i = 0; hex[i] != 0 && hex[i + 1] != 0; i += 2) {
        auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
        out += static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
    }
    return out;
}

using testsupport::PickleBuilder;

// The bytes of a stored (uncompressed) zip entry whose name ends with `suffix`, found through
// the central directory (torch writes sizes only there).
std::string zipEntry(const QByteArray& zip, const std::string& suffix) {
    auto u16 = [&](qsizetype at) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(zip[at])) |
               static_cast<std::uint32_t>(static_cast<unsigned char>(zip[at + 1])) << 8;
    };
    auto u32 = [&](qsizetype at) { return u16(at) | u16(at + 2) << 16; };
    qsizetype eocd = -1;
    for (qsizetype i = zip.size() - 22; i >= 0; --i) {
        if (u32(i) == 0x06054b50u) {
            eocd = i;
            break;
        }
    }
    if (eocd < 0) return {};
    qsizetype at = u32(eocd + 16);
    const std::uint32_t count = u16(eocd + 10);
    for (std::uint32_t e = 0; e < count && at + 46 <= zip.size(); ++e) {
        const std::uint32_t compSize = u32(at + 20);
        const std::uint32_t nameLen = u16(at + 28);
        const std::uint32_t extraLen = u16(at + 30);
        const std::uint32_t commentLen = u16(at + 32);
        const std::uint32_t local = u32(at + 42);
        const std::string name = zip.mid(at + 46, nameLen).toStdString();
        if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
            const qsizetype data = local + 30 + u16(local + 26) + u16(local + 28);
            return zip.mid(data, compSize).toStdString();
        }
        at += 46 + nameLen + extraLen + commentLen;
    }
    return {};
}

std::string fixturePickle(const char* relative) {
    QFile f(QStringLiteral(DIFFCLIP_SHARED_DIR "/fixtures/") + QString::fromUtf8(relative));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return zipEntry(f.readAll(), "/data.pkl");
}

const PickleValue& at(const PickleDocument& doc, PickleRef dict, const char* key) {
    static const PickleValue missing{};
    const auto r = doc.dictFind(dict, key);
    return r ? doc.value(*r) : missing;
}

// pickle.dumps(SAMPLE, protocol=N) by CPython 3.11, where SAMPLE =
// {'a': 42, 'b': 12345678901234567890, 'c': 1.25, 'd': 'été', 'e': [True, False, None, -7, 2**40, -2**63],
//  'f': (1, 2, 'x'), 'g': b'\x00\xffA', 'h': {3, 4}, 'i': frozenset([5]), 'k': [], 'l': ()}
const char* const kSamplePickles[] = {
    // protocol 0
    "286470300a56610a70310a4934320a7356620a70320a4c31323334353637383930313233343536373839304c0a735663"
    "0a70330a46312e32350a7356640a70340a56e974e90a70350a7356650a70360a286c70370a4930310a614930300a614e"
    "61492d370a614c313039393531313632373737364c0a614c2d393232333337323033363835343737353830384c0a6173"
    "56660a70380a2849310a49320a56780a70390a747031300a7356670a7031310a635f636f646563730a656e636f64650a"
    "7031320a28565c7530303030ff410a7031330a566c6174696e310a7031340a747031350a527031360a7356680a703137"
    "0a635f5f6275696c74696e5f5f0a7365740a7031380a28286c7031390a49330a6149340a61747032300a527032310a73"
    "56690a7032320a635f5f6275696c74696e5f5f0a66726f7a656e7365740a7032330a28286c7032340a49350a61747032"
    "350a527032360a73566b0a7032370a286c7032380a73566c0a7032390a2874732e",
    // protocol 1
    "7d71002858010000006171014b2a58010000006271024c31323334353637383930313233343536373839304c0a580100"
    "0000637103473ff400000000000058010000006471045805000000c3a974c3a9710558010000006571065d7107284930"
    "310a4930300a4e4af9ffffff4c313039393531313632373737364c0a4c2d393232333337323033363835343737353830"
    "384c0a655801000000667108284b014b02580100000078710974710a580100000067710b635f636f646563730a656e63"
    "6f64650a710c28580400000000c3bf41710d58060000006c6174696e31710e74710f5271105801000000687111635f5f"
    "6275696c74696e5f5f0a7365740a7112285d7113284b034b04657471145271155801000000697116635f5f6275696c74"
    "696e5f5f0a66726f7a656e7365740a7117285d71184b056174711952711a58010000006b711b5d711c58010000006c71"
    "1d29752e",
    // protocol 2
    "80027d71002858010000006171014b2a58010000006271028a09d20a1feb8ca954ab005801000000637103473ff40000"
    "0000000058010000006471045805000000c3a974c3a9710558010000006571065d71072888894e4af9ffffff8a060000"
    "000000018a0800000000000000806558010000006671084b014b02580100000078710987710a580100000067710b635f"
    "636f646563730a656e636f64650a710c580400000000c3bf41710d58060000006c6174696e31710e86710f5271105801"
    "000000687111635f5f6275696c74696e5f5f0a7365740a71125d7113284b034b04658571145271155801000000697116"
    "635f5f6275696c74696e5f5f0a66726f7a656e7365740a71175d71184b056185711952711a58010000006b711b5d711c"
    "58010000006c711d29752e",
    // protocol 3
    "80037d71002858010000006171014b2a58010000006271028a09d20a1feb8ca954ab005801000000637103473ff40000"
    "0000000058010000006471045805000000c3a974c3a9710558010000006571065d71072888894e4af9ffffff8a060000"
    "000000018a0800000000000000806558010000006671084b014b02580100000078710987710a580100000067710b4303"
    "00ff41710c580100000068710d636275696c74696e730a7365740a710e5d710f284b034b046585711052711158010000"
    "00697112636275696c74696e730a66726f7a656e7365740a71135d71144b056185711552711658010000006b71175d71"
    "1858010000006c711929752e",
    // protocol 4
    "8004958d000000000000007d94288c0161944b2a8c0162948a09d20a1feb8ca954ab008c016394473ff4000000000000"
    "8c0164948c05c3a974c3a9948c0165945d942888894e4af9ffffff8a060000000000018a080000000000000080658c01"
    "66944b014b028c01789487948c016794430300ff41948c0168948f94284b034b04908c016994284b0591948c016b945d"
    "948c016c9429752e",
    // protocol 5
    "8005958d000000000000007d94288c0161944b2a8c0162948a09d20a1feb8ca954ab008c016394473ff4000000000000"
    "8c0164948c05c3a974c3a9948c0165945d942888894e4af9ffffff8a060000000000018a080000000000000080658c01"
    "66944b014b028c01789487948c016794430300ff41948c0168948f94284b034b04908c016994284b0591948c016b945d"
    "948c016c9429752e",
};

Error parseError(const std::string& bytes, const PickleLimits& limits = {}) {
    auto r = parsePickle(bytes, limits);
    if (r.ok()) return makeError(ErrorCode::Ok, "parsed although it should not");
    return r.error();
}

}  // namespace

class TestPickle : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cpythonPicklesOfEveryProtocol_data();
    void cpythonPicklesOfEveryProtocol();
    void handMadeOpcodes();
    void memoAndStackOpcodes();
    void dictKeysReplaceInPlace();
    void unknownGlobalBecomesPlaceholder();
    void orderedDictWithMetadataStaysDict();
    void dangerousGlobalsAreRefused_data();
    void dangerousGlobalsAreRefused();
    void tensorReferences();
    void badTensorReferences_data();
    void badTensorReferences();
    void unknownAndUnsupportedOpcodes_data();
    void unknownAndUnsupportedOpcodes();
    void malformedStructure_data();
    void malformedStructure();
    void deepNestingIsRefused_data();
    void deepNestingIsRefused();
    void deepNestingWithinRaisedLimitNeedsNoRecursion();
    void cyclesAreRefused();
    void limitsAreEnforced();
    void lengthsBeyondInput();
    void realCheckpointPickles_data();
    void realCheckpointPickles();
    void torch113PickleHasNumpyAndPathObjects();
    void truncatedRealPickleAtEveryLength();
    void mutatedRealPickleNeverCrashes();
};

void TestPickle::cpythonPicklesOfEveryProtocol_data() {
    QTest::addColumn<int>("protocol");
    for (int p = 0; p <= 5; ++p) QTest::newRow(qPrintable(QStringLiteral("protocol %1").arg(p))) << p;
}

void TestPickle::cpythonPicklesOfEveryProtocol() {
    QFETCH(int, protocol);
    auto parsed = parsePickle(fromHex(kSamplePickles[protocol]));
    QVERIFY2(parsed.ok(), parsed.error().describe().c_str());
    const PickleDocument& doc = *parsed;
    QCOMPARE(doc.protocol(), protocol >= 2 ? protocol : 0);
    const PickleRef root = doc.root();
    QCOMPARE(doc.value(root).kind, PickleKind::Dict);
    QCOMPARE(doc.value(root).entries.size(), std::size_t(22));

    QCOMPARE(at(doc, root, "a").kind, PickleKind::Int);
    QCOMPARE(at(doc, root, "a").intValue, std::int64_t(42));
    // Beyond int64: an inert builtins.int placeholder, never a wrong number.
    QCOMPARE(at(doc, root, "b").kind, PickleKind::Object);
    QCOMPARE(at(doc, root, "b").text, std::string("builtins"));
    QCOMPARE(at(doc, root, "b").name, std::string("int"));
    QCOMPARE(at(doc, root, "c").kind, PickleKind::Float);
    QCOMPARE(at(doc, root, "c").floatValue, 1.25);
    QCOMPARE(at(doc, root, "d").kind, PickleKind::String);
    QCOMPARE(at(doc, root, "d").text, std::string("\xc3\xa9t\xc3\xa9"));

    const PickleValue& e = at(doc, root, "e");
    QCOMPARE(e.kind, PickleKind::List);
    QCOMPARE(e.items.size(), std::size_t(6));
    QCOMPARE(doc.value(e.items[0]).kind, PickleKind::Bool);
    QCOMPARE(doc.value(e.items[0]).boolValue, true);
    QCOMPARE(doc.value(e.items[1]).boolValue, false);
    QCOMPARE(doc.value(e.items[2]).kind, PickleKind::None);
    QCOMPARE(doc.value(e.items[3]).intValue, std::int64_t(-7));
    QCOMPARE(doc.value(e.items[4]).intValue, std::int64_t(1) << 40);
    QCOMPARE(doc.value(e.items[5]).intValue, std::numeric_limits<std::int64_t>::min());

    const PickleValue& f = at(doc, root, "f");
    QCOMPARE(f.kind, PickleKind::Tuple);
    QCOMPARE(f.items.size(), std::size_t(3));
    QCOMPARE(doc.value(f.items[1]).intValue, std::int64_t(2));
    QCOMPARE(doc.value(f.items[2]).text, std::string("x"));

    // Protocols 0-2 write bytes as _codecs.encode('\x00\xffA', 'latin1'): evaluated as data.
    QCOMPARE(at(doc, root, "g").kind, PickleKind::Bytes);
    QCOMPARE(at(doc, root, "g").text, std::string("\x00\xff" "A", 3));
    QCOMPARE(at(doc, root, "h").kind, PickleKind::Set);
    QCOMPARE(at(doc, root, "h").items.size(), std::size_t(2));
    QCOMPARE(at(doc, root, "i").kind, PickleKind::Set);
    QCOMPARE(at(doc, root, "i").items.size(), std::size_t(1));
    QCOMPARE(doc.value(at(doc, root, "i").items[0]).intValue, std::int64_t(5));
    QCOMPARE(at(doc, root, "k").kind, PickleKind::List);
    QVERIFY(at(doc, root, "k").items.empty());
    QCOMPARE(at(doc, root, "l").kind, PickleKind::Tuple);
}

void TestPickle::handMadeOpcodes() {
    PickleBuilder b;
    b.proto(4).op(0x95).le(0, 8);  // FRAME (length is only a hint)
    b.op(']').mark();
    b.op(0x8a).le(8, 1).le(0x8000000000000000ull, 8);                  // LONG1 int64 min
    b.op(0x8a).le(9, 1).le(0xffffffffffffffffull, 8).le(0xff, 1);      // LONG1 -1 padded with a sign byte
    b.op(0x8a).le(9, 1).le(0, 8).le(1, 1);                             // LONG1 2**64: placeholder
    b.op(0x8b).le(2, 4).le(0x7fff, 2);                                 // LONG4 bytes ff 7f: 32767
    b.op(0x8a).le(0, 1);                                               // LONG1 of no bytes: 0
    b.op('M').le(65535, 2);                                            // BININT2
    b.int4(-123456);                                                   // BININT
    b.op('G').raw(std::string("\xc0\x09\x21\xfb\x54\x44\x2d\x18", 8)); // BINFLOAT -pi
    b.op(0x8c).le(3, 1).raw("abc");                                    // SHORT_BINUNICODE
    b.op(0x8d).le(2, 8).raw("hi");                                     // BINUNICODE8
    b.op('B').le(2, 4).raw(std::string("\x00\x01", 2));                // BINBYTES
    b.op('C').le(1, 1).raw("z");                                       // SHORT_BINBYTES
    b.op(0x8e).le(1, 8).raw("y");                                      // BINBYTES8
    b.op(0x96).le(1, 8).raw("w");                                      // BYTEARRAY8
    b.op('T').le(3, 4).raw("old");                                     // BINSTRING
    b.op('U').le(2, 1).raw(std::string("\xff\xfe", 2));                // SHORT_BINSTRING, not UTF-8: bytes
    b.op('S').raw("'a\\x41\\n\\101'\n");                               // STRING with escapes
    b.op('V').raw("caf\\u00e9 \\\\u0041\n");                           // UNICODE raw-unicode-escape
    b.op('I').raw("-17\n").op('I').raw("01\n");                        // INT, INT as bool
    b.op('L').raw("99L\n").op('F').raw("2.5\n");                       // LONG, FLOAT
    b.op(')').op('N').op(0x85).op('N').op('N').op(0x86).op('N').op('N').op('N').op(0x87);  // tuples
    b.mark().int1(1).op('l');                                          // LIST
    b.mark().str("k").int1(2).op('d');                                 // DICT
    b.op(0x8f).mark().int1(7).int1(8).op(0x90);                        // EMPTY_SET ADDITEMS
    b.mark().int1(9).op(0x91);                                         // FROZENSET
    b.op('e').stop();                                                  // APPENDS
    auto parsed = parsePickle(b.bytes());
    QVERIFY2(parsed.ok(), parsed.error().describe().c_str());
    const PickleDocument& doc = *parsed;
    const PickleValue& list = doc.value(doc.root());
    QCOMPARE(list.kind, PickleKind::List);
    QCOMPARE(list.items.size(), std::size_t(30));
    auto item = [&](std::size_t i) -> const PickleValue& { return doc.value(list.items[i]); };
    QCOMPARE(item(0).intValue, std::numeric_limits<std::int64_t>::min());
    QCOMPARE(item(1).intValue, std::int64_t(-1));
    QCOMPARE(item(2).kind, PickleKind::Object);
    QCOMPARE(item(2).name, std::string("int"));
    QCOMPARE(item(3).intValue, std::int64_t(0x7fff));
    QCOMPARE(item(4).intValue, std::int64_t(0));
    QCOMPARE(item(5).intValue, std::int64_t(65535));
    QCOMPARE(item(6).intValue, std::int64_t(-123456));
    QVERIFY(std::abs(item(7).floatValue + 3.141592653589793) < 1e-15);
    QCOMPARE(item(8).text, std::string("abc"));
    QCOMPARE(item(9).text, std::string("hi"));
    QCOMPARE(item(10).kind, PickleKind::Bytes);
    QCOMPARE(item(10).text, std::string("\x00\x01", 2));
    QCOMPARE(item(11).text, std::string("z"));
    QCOMPARE(item(12).text, std::string("y"));
    QCOMPARE(item(13).kind, PickleKind::Bytes);
    QCOMPARE(item(14).kind, PickleKind::String);
    QCOMPARE(item(14).text, std::string("old"));
    QCOMPARE(item(15).kind, PickleKind::Bytes);
    QCOMPARE(item(16).text, std::string("aA\nA"));
    QCOMPARE(item(17).text, std::string("caf\xc3\xa9 \\\\u0041"));
    QCOMPARE(item(18).intValue, std::int64_t(-17));
    QCOMPARE(item(19).kind, PickleKind::Bool);
    QCOMPARE(item(20).intValue, std::int64_t(99));
    QCOMPARE(item(21).floatValue, 2.5);
    QCOMPARE(item(22).items.size(), std::size_t(0));
    QCOMPARE(item(23).items.size(), std::size_t(1));
    QCOMPARE(item(24).items.size(), std::size_t(2));
    QCOMPARE(item(25).items.size(), std::size_t(3));
    QCOMPARE(item(26).kind, PickleKind::List);
    QCOMPARE(item(27).kind, PickleKind::Dict);
    QCOMPARE(doc.value(*doc.dictFind(list.items[27], "k")).intValue, std::int64_t(2));
    QCOMPARE(item(28).kind, PickleKind::Set);
    QCOMPARE(item(28).items.size(), std::size_t(2));
    QCOMPARE(item(29).kind, PickleKind::Set);
    QCOMPARE(doc.protocol(), 4);
}

void TestPickle::memoAndStackOpcodes() {
    PickleBuilder b;
    b.proto(2).op(']').op('q').le(0, 1);                 // list, BINPUT 0
    b.str("shared").op('r').le(70000, 4);                // LONG_BINPUT 70000
    b.op('a');                                           // APPEND 'shared'
    b.op('j').le(70000, 4).op('a');                      // LONG_BINGET, APPEND again
    b.op(']').op(0x94).op('0');                          // list, MEMOIZE (key 2), POP
    b.op('h').le(2, 1).op('a');                          // BINGET 2 -> APPEND that list
    b.int1(5).op('p').raw("9\n").op('0');                // PUT 9, POP
    b.op('g').raw("9\n").op('a');                        // GET 9, APPEND
    b.int1(6).op('a');                                   // 6
    b.op('2').op('g').raw("9\n").op('a').op('0');       // DUP the list, append into it, POP the duplicate
    b.mark().int1(1).int1(2).op('1');                    // POP_MARK discards both
    b.mark().op('0');                                    // POP on an empty frame pops the mark
    b.op('h').le(0, 1).op('0');                          // BINGET the list itself, POP
    b.stop();
    auto parsed = parsePickle(b.bytes());
    QVERIFY2(parsed.ok(), parsed.error().describe().c_str());
    const PickleDocument& doc = *parsed;
    const PickleValue& list = doc.value(doc.root());
    QCOMPARE(list.items.size(), std::size_t(6));
    QCOMPARE(list.items[0], list.items[1]);  // memo GET yields the same value, not a copy
    QCOMPARE(doc.value(list.items[0]).text, std::string("shared"));
    QCOMPARE(doc.value(list.items[2]).kind, PickleKind::List);
    QCOMPARE(doc.value(list.items[3]).intValue, std::int64_t(5));
    QCOMPARE(doc.value(list.items[4]).intValue, std::int64_t(6));
    QCOMPARE(list.items[3], list.items[5]);

    // GET of a key never PUT.
    const Error missing = parseError(PickleBuilder().proto(2).op('h').le(7, 1).stop().bytes());
    QCOMPARE(missing.code, ErrorCode::Format);
    QVERIFY2(missing.message.find("memo key 7 is missing") != std::string::npos, missing.message.c_str());
    const Error missingText = parseError(PickleBuilder().op('g').raw("12\n").stop().bytes());
    QVERIFY2(missingText.message.find("memo key 12") != std::string::npos, missingText.message.c_str());
    // PUT with nothing on the stack, and a malformed PUT key.
    QVERIFY(parseError(PickleBuilder().proto(2).op('q').le(0, 1).stop().bytes()).message.find("underflow") !=
            std::string::npos);
    QVERIFY(parseError(PickleBuilder().int1(1).op('p').raw("-1\n").stop().bytes()).message.find("memo key") !=
            std::string::npos);
}

void TestPickle::dictKeysReplaceInPlace() {
    // {'a': 1, 'b': 2, 'a': 3, 1: 'x', True: 'y'} -> {'a': 3, 'b': 2, 1: 'y'} as in Python.
    PickleBuilder b;
    b.proto(2).op('}').mark().str("a").int1(1).str("b").int1(2).str("a").int1(3);
    b.int1(1).str("x").op(0x88).str("y").op('u').stop();
    auto parsed = parsePickle(b.bytes());
    QVERIFY2(parsed.ok(), parsed.error().describe().c_str());
    const PickleDocument& doc = *parsed;
    const PickleValue& d = doc.value(doc.root());
    QCOMPARE(d.entries.size(), std::size_t(6));
    QCOMPARE(doc.value(d.entries[0]).text, std::string("a"));
    QCOMPARE(doc.value(d.entries[1]).intValue, std::int64_t(3));
    QCOMPARE(doc.value(d.entries[3]).intValue, std::int64_t(2));
    QCOMPARE(doc.value(d.entries[5]).text, std::string("y"));
}

void TestPickle::unknownGlobalBecomesPlaceholder() {
    // mymod.Thing(1, 'two') with BUILD state {'x': 3}; argparse.Namespace via STACK_GLOBAL + NEWOBJ.
    PickleBuilder b;
    b.proto(4).op('}').mark();
    b.str("thing").global("mymod.sub", "Thing").int1(1).str("two").op(0x86).op('R');
    b.op('}').str("x").int1(3).op('s').op('b');
    b.str("ns").op(0x8c).le(8, 1).raw("argparse").op(0x8c).le(9, 1).raw("Namespace").op(0x93);
    b.op(')').op(0x81).op('}').str("lr").op('G').raw(std::string("\x3f\x50\x62\x4d\xd2\xf1\xa9\xfc", 8)).op('s');
    b.op('b');
    b.str("kw").global("mymod", "Other").op(')').op('}').str("k").int1(4).op('s').op(0x92);
    b.op('u').stop();
    auto parsed = parsePickle(b.bytes());
    QVERIFY2(parsed.ok(), parsed.error().describe().c_str());
    const PickleDocument& doc = *parsed;
    const PickleValue& thing = at(doc, doc.root(), "thing");
    QCOMPARE(thing.kind, PickleKind::Object);
    QCOMPARE(thing.text, std::string("mymod.sub"));
    QCOMPARE(thing.name, std::string("Thing"));
    QCOMPARE(doc.value(thing.args).items.size(), std::size_t(2));
    QCOMPARE(doc.value(doc.value(thing.args).items[1]).text, std::string("two"));
    QCOMPARE(doc.value(*doc.dictFind(thing.state, "x")).intValue, std::int64_t(3));
    const PickleValue& ns = at(doc, doc.root(), "ns");
    QCOMPARE(ns.kind, PickleKind::Object);
    QCOMPARE(ns.text + "." + ns.name, std::string("argparse.Namespace"));
    QVERIFY(std::abs(doc.value(*doc.dictFind(ns.state, "lr")).floatValue - 0.001) < 1e-12);
    const PickleValue& kw = at(doc, doc.root(), "kw");
    QCOMPARE(kw.kind, PickleKind::Object);
    QCOMPARE(doc.value(kw.kwargs).entries.size(), std::size_t(2));
    QCOMPARE(doc.describe(*doc.dictFind(doc.root(), "ns")), std::string("object argparse.Namespace"));
    const std::vector<std::string> expected = {"argparse.Namespace", "mymod.Other", "mymod.sub.Thing"};
    QCOMPARE(doc.globals(), expected);
}

void TestPickle::orderedDictWithMetadataStaysDict() {
    // OrderedDict() filled by SETITEMS, then BUILD with {'_metadata': OrderedDict(...)}, as torch 1.13 saves.
    PickleBuilder b;
    b.proto(2).global("collections", "OrderedDict").op('q').le(3, 1).op(')').op('R');
    b.mark().str("w").int1(1).str("v").int1(2).op('u');
    b.op('}').str("_metadata").op('h').le(3, 1).op(')').op('R').str("").op('}').str("version").int1(1).op('s');
    b.op('s').op('s').op('b').stop();
    auto parsed = parsePickle(b.bytes());
    QVERIFY2(parsed.ok(), parsed.error().describe().c_str());
    const PickleDocument& doc = *parsed;
    const PickleValue& d = doc.value(doc.root());
    QCOMPARE(d.kind, PickleKind::Dict);
    QCOMPARE(d.entries.size(), std::size_t(4));
    QCOMPARE(doc.value(d.entries[2]).text, std::string("v"));
    QVERIFY(d.state != kNoPickleRef);
    QVERIFY(doc.dictFind(d.state, "_metadata").has_value());
    // OrderedDict built from a list of pairs, and defaultdict(list) with its factory dropped.
    PickleBuilder pairs;
    pairs.proto(2).op(']');
    pairs.global("collections", "OrderedDict").op(']').str("p").int1(1).op(0x86).op('a').op(0x85).op('R').op('a');
    pairs.global("collections", "defaultdict").global("builtins", "list").op(0x85).op('R');
    pairs.str("q").int1(2).op('s').op('a').stop();
    auto parsed2 = parsePickle(pairs.bytes());
    QVERIFY2(parsed2.ok(), parsed2.error().describe().c_str());
    const PickleValue& both = parsed2->value(parsed2->root());
    QCOMPARE(both.items.size(), std::size_t(2));
    QCOMPARE(parsed2->value(both.items[0]).kind, PickleKind::Dict);
    QCOMPARE(parsed2->value(*parsed2->dictFind(both.items[0], "p")).intValue, std::int64_t(1));
    QCOMPARE(parsed2->value(both.items[1]).kind, PickleKind::Dict);
    QCOMPARE(parsed2->value(*parsed2->dictFind(both.items[1], "q")).intValue, std::int64_t(2));
}

void TestPickle::dangerousGlobalsAreRefused_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("global");
    auto add = [](const char* tag, const std::string& bytes, const char* global) {
        QTest::newRow(tag) << QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size())) << QString(global);
    };
    add("os.system", PickleBuilder().proto(2).global("os", "system").str("id").op(0x85).op('R').stop().bytes(),
        "os.system");
    add("posix.system", PickleBuilder().global("posix", "system").stop().bytes(), "posix.system");
    add("nt.system", PickleBuilder().global("nt", "system").stop().bytes(), "nt.system");
    add("subprocess", PickleBuilder().global("subprocess", "Popen").stop().bytes(), "subprocess.Popen");
    add("builtins.eval", PickleBuilder().global("builtins", "eval").stop().bytes(), "builtins.eval");
    add("__builtin__.getattr", PickleBuilder().global("__builtin__", "getattr").stop().bytes(),
        "__builtin__.getattr");
    add("builtins.__import__", PickleBuilder().global("builtins", "__import__").stop().bytes(),
        "builtins.__import__");
    add("sys.modules", PickleBuilder().global("sys", "modules").stop().bytes(), "sys.modules");
    add("shutil.rmtree", PickleBuilder().global("shutil", "rmtree").stop().bytes(), "shutil.rmtree");
    add("importlib submodule", PickleBuilder().global("importlib.machinery", "SourceFileLoader").stop().bytes(),
        "importlib.machinery.SourceFileLoader");
    add("os.path via submodule", PickleBuilder().global("os.path", "join").stop().bytes(), "os.path.join");
    add("dotted walk through os", PickleBuilder().global("pathlib", "os.system").stop().bytes(), "pathlib.os.system");
    add("dunder walk", PickleBuilder().global("collections", "OrderedDict.__init__.__globals__").stop().bytes(),
        "collections.OrderedDict.__init__.__globals__");
    add("torch.load", PickleBuilder().global("torch", "load").stop().bytes(), "torch.load");
    add("STACK_GLOBAL", PickleBuilder().proto(4).str("os").str("system").op(0x93).stop().bytes(), "os.system");
    add("INST", PickleBuilder().mark().str("ls").op('i').raw("os\nsystem\n").stop().bytes(), "os.system");
    add("hidden after good data",
        PickleBuilder().proto(2).op(']').int1(1).op('a').global("runpy", "run_path").op('a').stop().bytes(),
        "runpy.run_path");
}

void TestPickle::dangerousGlobalsAreRefused() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, global);
    const Error e = parseError(bytes.toStdString());
    QCOMPARE(e.code, ErrorCode::Format);
    QCOMPARE(QString::fromStdString(e.message), QStringLiteral("refusing pickle global ") + global);
}

void TestPickle::tensorReferences() {
    PickleBuilder b;
    b.proto(2).op('}').mark();
    b.str("w").tensor("FloatStorage", "0", 6, 0, {2, 3}, {3, 1});
    b.str("h").tensor("HalfStorage", "1", 10, 4, {3}, {2});
    // _rebuild_parameter(tensor, True, OrderedDict())
    b.str("p").global("torch._utils", "_rebuild_parameter").mark().tensor("BFloat16Storage", "2", 4, 0, {4}, {1});
    b.op(0x88).global("collections", "OrderedDict").op(')').op('R').op('t').op('R');
    b.str("s").tensor("LongStorage", "3", 1, 0, {}, {});
    b.str("b").tensor("UntypedStorage", "4", 8, 0, {8}, {1});
    b.op('u').stop();
    auto parsed = parsePickle(b.bytes());
    QVERIFY2(parsed.ok(), parsed.error().describe().c_str());
    const PickleDocument& doc = *parsed;
    QCOMPARE(doc.tensors().size(), std::size_t(5));
    const PickleValue& w = at(doc, doc.root(), "w");
    QCOMPARE(w.kind, PickleKind::Tensor);
    const PickleTensorRef& tw = doc.tensors()[w.index];
    QCOMPARE(tw.storage.key, std::string("0"));
    QCOMPARE(tw.storage.location, std::string("cpu"));
    QCOMPARE(tw.storage.dtype, TorchDType::Float32);
    QCOMPARE(tw.storage.numel, std::int64_t(6));
    QCOMPARE(tw.sizes, (std::vector<std::int64_t>{2, 3}));
    QCOMPARE(tw.strides, (std::vector<std::int64_t>{3, 1}));
    QCOMPARE(tw.requiresGrad, false);
    const PickleTensorRef& th = doc.tensors()[at(doc, doc.root(), "h").index];
    QCOMPARE(th.storage.dtype, TorchDType::Float16);
    QCOMPARE(th.offset, std::int64_t(4));
    const PickleValue& p = at(doc, doc.root(), "p");
    QCOMPARE(p.kind, PickleKind::Tensor);
    QCOMPARE(doc.tensors()[p.index].storage.dtype, TorchDType::BFloat16);
    QCOMPARE(doc.tensors()[p.index].requiresGrad, true);
    QVERIFY(doc.tensors()[at(doc, doc.root(), "s").index].sizes.empty());
    QCOMPARE(doc.tensors()[at(doc, doc.root(), "b").index].storage.dtype, TorchDType::UInt8);
    QCOMPARE(torchDTypeSize(TorchDType::BFloat16), std::size_t(2));
    QCOMPARE(std::string(torchDTypeName(TorchDType::Int64)), std::string("int64"));
}

void TestPickle::badTensorReferences_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("needle");
    auto add = [](const char* tag, const PickleBuilder& b, ErrorCode code, const char* needle) {
        const std::string& s = b.bytes();
        QTest::newRow(tag) << QByteArray(s.data(), static_cast<qsizetype>(s.size())) << static_cast<int>(code)
                           << QString(needle);
    };
    PickleBuilder complexType;
    complexType.proto(2).tensor("ComplexFloatStorage", "0", 4, 0, {4}, {1}).stop();
    add("complex storage", complexType, ErrorCode::Unsupported, "unsupported storage type torch.ComplexFloatStorage");
    PickleBuilder notStorage;
    notStorage.proto(2).mark().str("storage").global("mymod", "Thing").str("0").str("cpu").int1(4).op('t').op('Q');
    notStorage.stop();
    add("non-storage type", notStorage, ErrorCode::Format, "not a torch storage type");
    add("persistent id not a tuple", PickleBuilder().proto(2).str("x").op('Q').stop(), ErrorCode::Format,
        "not a storage tuple");
    add("persistent id wrong tag", PickleBuilder().proto(2).mark().str("module").op('t').op('Q').stop(),
        ErrorCode::Format, "not a torch storage reference");
    PickleBuilder negativeNumel;
    negativeNumel.proto(2).mark().str("storage").global("torch", "FloatStorage").str("0").str("cpu").int4(-1);
    negativeNumel.op('t').op('Q').stop();
    add("negative numel", negativeNumel, ErrorCode::Format, "storage size");
    PickleBuilder negativeStride;
    negativeStride.proto(2).tensor("FloatStorage", "0", 4, 0, {2}, {-1}).stop();
    add("negative stride", negativeStride, ErrorCode::Format, "negative tensor stride");
    PickleBuilder rank;
    rank.proto(2).tensor("FloatStorage", "0", 4, 0, {2, 2}, {1}).stop();
    add("rank mismatch", rank, ErrorCode::Format, "2 sizes but 1 strides");
    PickleBuilder notStorageArg;
    notStorageArg.proto(2).global("torch._utils", "_rebuild_tensor_v2").mark().int1(1).int1(0).intTuple({1});
    notStorageArg.intTuple({1}).op(0x89).op('}').op('t').op('R').stop();
    add("rebuild without storage", notStorageArg, ErrorCode::Format, "not given a storage");
    PickleBuilder paramOfInt;
    paramOfInt.proto(2).global("torch._utils", "_rebuild_parameter").int1(1).op(0x88).op('}').op(0x87).op('R');
    paramOfInt.stop();
    add("parameter of an int", paramOfInt, ErrorCode::Format, "does not wrap a tensor");
    add("text persistent id", PickleBuilder().op('P').raw("0\n").stop(), ErrorCode::Format, "PERSID");
}

void TestPickle::badTensorReferences() {
    QFETCH(QByteArray, bytes);
    QFETCH(int, code);
    QFETCH(QString, needle);
    const Error e = parseError(bytes.toStdString());
    QCOMPARE(static_cast<int>(e.code), code);
    QVERIFY2(QString::fromStdString(e.message).contains(needle), e.message.c_str());
}

void TestPickle::unknownAndUnsupportedOpcodes_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message");
    QTest::newRow("0xff") << QByteArray("\x80\x02K\x01\xff.", 6) << "unknown pickle opcode 0xff at offset 4";
    QTest::newRow("0x00") << QByteArray("\x00", 1) << "unknown pickle opcode 0x00 at offset 0";
    QTest::newRow("EXT1") << QByteArray("\x80\x02\x82\x01.", 5)
                          << "unsupported pickle opcode EXT1 (0x82) at offset 2: the extension registry is not "
                             "supported";
    QTest::newRow("NEXT_BUFFER") << QByteArray("\x80\x05\x97.", 4)
                                 << "unsupported pickle opcode NEXT_BUFFER (0x97) at offset 2: out-of-band buffers "
                                    "are not supported";
    QTest::newRow("protocol 6") << QByteArray("\x80\x06N.", 4) << "unsupported pickle protocol 6";
}

void TestPickle::unknownAndUnsupportedOpcodes() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    const Error e = parseError(bytes.toStdString());
    QCOMPARE(e.code, ErrorCode::Format);
    QCOMPARE(QString::fromStdString(e.message), message);
}

void TestPickle::malformedStructure_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("needle");
    auto add = [](const char* tag, const std::string& s, const char* needle) {
        QTest::newRow(tag) << QByteArray(s.data(), static_cast<qsizetype>(s.size())) << QString(needle);
    };
    add("empty input", "", "no STOP");
    add("no STOP", PickleBuilder().proto(2).op('N').bytes(), "no STOP");
    add("STOP on empty stack", ".", "0 values on the stack");
    add("STOP with two values", "NN.", "2 values on the stack");
    add("STOP inside MARK", "N(.", "open MARK");
    add("APPEND on empty", "a.", "underflow");
    add("APPEND below the mark", "](K\x01" "a.", "underflow");
    add("SETITEM on a list", "]K\x01K\x02s.", "SETITEM on a list");
    add("APPEND to a tuple", ")K\x01" "a.", "APPEND to a tuple");
    add("TUPLE without MARK", "K\x01t.", "needs a MARK");
    add("odd DICT", "(K\x01" "d.", "odd number");
    add("BUILD on an int", "K\x01K\x02" "b.", "BUILD on a int");
    add("REDUCE on a non-global", "K\x01)R.", "not a global");
    add("REDUCE with non-tuple args", "cmymod\nf\nK\x01R.", "not a tuple");
    add("STACK_GLOBAL of ints", "K\x01K\x02\x93.", "needs two strings");
    add("invalid global name", "cos system\nx\n.", "invalid pickle global name");
    add("invalid UTF-8", std::string("X\x02\x00\x00\x00\xc3\x28.", 8), "invalid UTF-8");
    add("STRING not quoted", "Sabc\n.", "not quoted");
    add("bad INT", "I12x\n.", "invalid integer");
    add("bad FLOAT", "Fzz\n.", "invalid FLOAT");
    add("latin1 of a wide char", BYTES("c_codecs\nencode\nX\x03\x00\x00\x00\xe2\x82\xacX\x06\x00\x00\x00latin1\x86R."),
        "cannot be encoded");
    add("negative BINSTRING", std::string("T\xff\xff\xff\xff.", 6), "negative BINSTRING");
    add("truncated \\u", "V\\u12\n.", "truncated \\u escape");
}

void TestPickle::malformedStructure() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, needle);
    const Error e = parseError(bytes.toStdString());
    QCOMPARE(e.code, ErrorCode::Format);
    QVERIFY2(QString::fromStdString(e.message).contains(needle), e.message.c_str());
}

void TestPickle::deepNestingIsRefused_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("needle");
    constexpr int n = 100000;
    // 100,000 lists, each appended into the one below.
    std::string appended = "\x80\x02" + std::string(n, ']') + std::string(n - 1, 'a') + ".";
    QTest::newRow("nested lists by APPEND") << QByteArray::fromStdString(appended) << "nesting deeper than 1000";
    // [[[...]]] as protocol 0 writes it: MARK ... LIST.
    std::string marked = std::string(n, '(') + std::string(n, 'l') + ".";
    QTest::newRow("nested lists by MARK") << QByteArray::fromStdString(marked) << "more than 1000 open MARKs";
    // ((((None,),),),) by TUPLE1.
    std::string tuples = "N" + std::string(n, '\x85') + ".";
    QTest::newRow("nested tuples") << QByteArray::fromStdString(tuples) << "nesting deeper than 1000";
    // Nested dicts: {'k': {'k': ...}} built inside out.
    // {'k': {'k': ...}} as Python writes it: all dicts and keys first, then the SETITEMs.
    PickleBuilder dicts;
    dicts.op('}');
    for (int i = 0; i < n; ++i) dicts.str("k").op('}');
    dicts.raw(std::string(n, 's')).stop();
    QTest::newRow("nested dicts via SETITEM") << QByteArray::fromStdString(dicts.bytes()) << "nesting deeper than 1000";
    // A list that gains depth after it was nested: caught by the final exact check.
    PickleBuilder late;
    late.op(']').op('q').le(0, 1).op(0x85);  // ([],) with the inner list memoised
    late.op('h').le(0, 1);                   // the inner list again
    late.raw("N" + std::string(998, '\x85')).op('a').op('0').stop();
    QTest::newRow("depth added after nesting") << QByteArray::fromStdString(late.bytes()) << "nesting deeper than 1000";
}

void TestPickle::deepNestingIsRefused() {
    malformedStructure();  // the same check on this function's rows: a Format error naming the reason
}

void TestPickle::deepNestingWithinRaisedLimitNeedsNoRecursion() {
    // With the depth limit raised, 100,000 nested lists parse and validate without recursion
    // (no stack overflow) and the document is released without recursion too.
    constexpr int n = 100000;
    const std::string bytes = std::string(n, ']') + std::string(n - 1, 'a') + ".";
    PickleLimits limits;
    limits.maxDepth = 200000;
    auto parsed = parsePickle(bytes, limits);
    QVERIFY2(parsed.ok(), parsed.error().describe().c_str());
    PickleRef r = parsed->root();
    int depth = 1;
    while (!parsed->value(r).items.empty()) {
        r = parsed->value(r).items[0];
        ++depth;
    }
    QCOMPARE(depth, n);
}

void TestPickle::cyclesAreRefused() {
    // l = []; l.append(l)
    const Error self = parseError(BYTES("]q\x00h\x00" "a."));
    QCOMPARE(self.code, ErrorCode::Format);
    QVERIFY2(self.message.find("recursive") != std::string::npos, self.message.c_str());
    // d = {}; d['me'] = (d,)
    const Error viaTuple = parseError(BYTES("}q\x00X\x02\x00\x00\x00meh\x00\x85s."));
    QVERIFY2(viaTuple.message.find("recursive") != std::string::npos, viaTuple.message.c_str());
}

void TestPickle::limitsAreEnforced() {
    const std::string tenInts = "(" + std::string("K\x01", 2) + "K\x02K\x03K\x04K\x05K\x06K\x07K\x08K\x09K\x0al.";
    QVERIFY(parsePickle(tenInts).ok());
    PickleLimits small;
    small.maxContainerItems = 5;
    QVERIFY(parseError(tenInts, small).message.find("more than 5 items") != std::string::npos);
    small = {};
    small.maxValues = 8;
    QVERIFY(parseError(tenInts, small).message.find("more than 8 values") != std::string::npos);
    small = {};
    small.maxStack = 4;
    QVERIFY(parseError(tenInts, small).message.find("stack deeper than 4") != std::string::npos);
    small = {};
    small.maxStringBytes = 3;
    QVERIFY(parseError(BYTES("X\x04\x00\x00\x00" "abcd."), small).message.find("exceeds the limit of 3") !=
            std::string::npos);
    small = {};
    small.maxMemo = 2;
    QVERIFY(parseError(BYTES("]q\x00q\x01q\x02."), small).message.find("memo larger than 2") != std::string::npos);
    QVERIFY(parsePickle(BYTES("]q\x00q\x01q\x01."), small).ok());  // overwriting a key adds nothing
    // set(L) again and again on one memoised list: copies are charged although the input is small.
    PickleBuilder amp;
    amp.proto(2).op(']').op('q').le(0, 1).op('(');
    for (int i = 0; i < 100; ++i) amp.int1(i);
    amp.op('e').op('0').global("builtins", "set").op('q').le(1, 1).op('0').op(']');
    for (int i = 0; i < 50; ++i) amp.op('h').le(1, 1).op('h').le(0, 1).op(0x85).op('R').op('a');
    amp.stop();
    auto amplified = parsePickle(amp.bytes());
    QVERIFY2(amplified.ok(), amplified.error().describe().c_str());
    QCOMPARE(amplified->value(amplified->root()).items.size(), std::size_t(50));
    QCOMPARE(amplified->value(amplified->value(amplified->root()).items[49]).items.size(), std::size_t(100));
    small = {};
    small.maxDerivedBytes = 1000;
    const Error copied = parseError(amp.bytes(), small);
    QVERIFY2(copied.message.find("more than 1000 bytes of copied data") != std::string::npos, copied.message.c_str());
    // A global name longer than any real one.
    PickleBuilder longName;
    longName.proto(4).str("mymod").str(std::string(600, 'a')).op(0x93).stop();
    QVERIFY(parseError(longName.bytes()).message.find("invalid pickle global name") != std::string::npos);
    small = {};
    small.maxDepth = 3;
    QVERIFY(parsePickle("N\x85\x85.", small).ok());
    QVERIFY(parseError("N\x85\x85\x85.", small).message.find("nesting deeper than 3") != std::string::npos);
}

void TestPickle::lengthsBeyondInput() {
    // Declared lengths are never trusted beyond the input, however large.
    const Error u4 = parseError(std::string("X\xff\xff\xff\x00" "ab.", 8));
    QVERIFY2(u4.message.find("truncated pickle: BINUNICODE") != std::string::npos, u4.message.c_str());
    const Error u8 = parseError(std::string("\x8d\xff\xff\xff\xff\xff\xff\xff\x7f" "ab.", 12));
    QVERIFY2(u8.message.find("exceeds the limit") != std::string::npos, u8.message.c_str());
    const Error b8 = parseError(std::string("\x8e\x00\x00\x00\x00\x01\x00\x00\x00" "ab.", 12));
    QVERIFY2(b8.message.find("BINBYTES8") != std::string::npos, b8.message.c_str());
    const Error frame = parseError(std::string("\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\xff" "N.", 13));
    QVERIFY2(frame.message.find("FRAME") != std::string::npos, frame.message.c_str());
    const Error long4 = parseError(std::string("\x8b\x00\x00\x00\x40" "ab.", 8));
    QVERIFY2(long4.message.find("LONG4") != std::string::npos, long4.message.c_str());
    const Error line = parseError("cos");
    QVERIFY2(line.message.find("no end of line") != std::string::npos, line.message.c_str());
}

void TestPickle::realCheckpointPickles_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("tensors");
    QTest::addColumn<int>("epoch");
    QTest::addColumn<QString>("model");
    QTest::addColumn<QStringList>("keys");
    const QStringList full = {"epoch", "state_dict", "best_acc1", "optimizer", "scaler", "args"};
    QTest::newRow("diffclip torch 2.11") << "diffclip-tiny-a/checkpoint_best.pt" << 97 << 7 << "DiffCLIP_tiny" << full;
    QTest::newRow("diffclip torch 1.13") << "diffclip-tiny-a/checkpoint_best_torch113_ordereddict.pt" << 97 << 7
                                         << "DiffCLIP_tiny" << full;
    QTest::newRow("clip torch 2.11") << "clip-std-tiny-a/checkpoint_best.pt" << 61 << 39 << "CLIP_VITB16"
                                     << QStringList{"epoch", "state_dict", "best_acc1", "args"};
}

void TestPickle::realCheckpointPickles() {
    QFETCH(QString, file);
    QFETCH(int, tensors);
    QFETCH(int, epoch);
    QFETCH(QString, model);
    QFETCH(QStringList, keys);
    const std::string bytes = fixturePickle(file.toUtf8().constData());
    QVERIFY2(bytes.size() > 1000, "fixture data.pkl not found");
    auto parsed = parsePickle(bytes);
    QVERIFY2(parsed.ok(), parsed.error().describe().c_str());
    const PickleDocument& doc = *parsed;
    QCOMPARE(doc.protocol(), 2);
    const PickleValue& root = doc.value(doc.root());
    QCOMPARE(root.kind, PickleKind::Dict);
    QStringList rootKeys;
    for (std::size_t i = 0; i < root.entries.size(); i += 2) {
        rootKeys << QString::fromStdString(doc.value(root.entries[i]).text);
    }
    QCOMPARE(rootKeys, keys);
    QCOMPARE(at(doc, doc.root(), "epoch").intValue, std::int64_t(epoch));

    const PickleValue& sd = at(doc, doc.root(), "state_dict");
    QCOMPARE(sd.kind, PickleKind::Dict);
    QCOMPARE(sd.entries.size(), std::size_t(2 * tensors));
    for (std::size_t i = 0; i < sd.entries.size(); i += 2) {
        QCOMPARE(doc.value(sd.entries[i]).text.rfind("module.", 0), std::size_t(0));
        QCOMPARE(doc.value(sd.entries[i + 1]).kind, PickleKind::Tensor);
    }
    const PickleTensorRef& first = doc.tensors()[doc.value(sd.entries[1]).index];
    QCOMPARE(first.storage.dtype, TorchDType::Float32);
    QCOMPARE(first.storage.location, std::string("cpu"));
    QVERIFY(first.storage.numel > 0);
    QCOMPARE(first.sizes.size(), first.strides.size());
    if (tensors == 97) {
        QCOMPARE(doc.value(sd.entries[0]).text, std::string("module.positional_embedding"));
        QCOMPARE(first.storage.key, std::string("0"));
        QCOMPARE(first.storage.numel, std::int64_t(512));
        QCOMPARE(first.sizes, (std::vector<std::int64_t>{16, 32}));
        QCOMPARE(first.strides, (std::vector<std::int64_t>{32, 1}));
    }

    const PickleValue& args = at(doc, doc.root(), "args");
    QCOMPARE(args.kind, PickleKind::Object);
    QCOMPARE(args.text + "." + args.name, std::string("argparse.Namespace"));
    QCOMPARE(QString::fromStdString(at(doc, args.state, "model").text), model);
    if (keys.contains("scaler")) {
        QCOMPARE(at(doc, doc.root(), "optimizer").kind, PickleKind::Dict);
        const auto scaler = doc.dictFind(doc.root(), "scaler");
        QVERIFY(scaler.has_value());
        QCOMPARE(at(doc, *scaler, "scale").floatValue, 65536.0);
    }
}

void TestPickle::torch113PickleHasNumpyAndPathObjects() {
    const std::string bytes = fixturePickle("diffclip-tiny-a/checkpoint_best_torch113_ordereddict.pt");
    auto parsed = parsePickle(bytes);
    QVERIFY2(parsed.ok(), parsed.error().describe().c_str());
    const PickleDocument& doc = *parsed;
    const std::vector<std::string> globals = {"_codecs.encode",
                                              "argparse.Namespace",
                                              "collections.OrderedDict",
                                              "numpy.core.multiarray.scalar",
                                              "numpy.dtype",
                                              "pathlib.PosixPath",
                                              "torch.FloatStorage",
                                              "torch._utils._rebuild_tensor_v2"};
    QCOMPARE(doc.globals(), globals);
    // The OrderedDict kept its `_metadata` attribute as BUILD state and stayed a dict.
    const PickleValue& sd = at(doc, doc.root(), "state_dict");
    QCOMPARE(sd.kind, PickleKind::Dict);
    QVERIFY(doc.dictFind(sd.state, "_metadata").has_value());
    // best_acc1 = numpy.float64(12.5): scalar(dtype('f8'), _codecs.encode(...) -> 8 bytes).
    const PickleValue& acc = at(doc, doc.root(), "best_acc1");
    QCOMPARE(acc.kind, PickleKind::Object);
    QCOMPARE(acc.text + "." + acc.name, std::string("numpy.core.multiarray.scalar"));
    const PickleValue& accArgs = doc.value(acc.args);
    QCOMPARE(accArgs.items.size(), std::size_t(2));
    const PickleValue& dtype = doc.value(accArgs.items[0]);
    QCOMPARE(dtype.text + "." + dtype.name, std::string("numpy.dtype"));
    QVERIFY(dtype.state != kNoPickleRef);
    const PickleValue& raw = doc.value(accArgs.items[1]);
    QCOMPARE(raw.kind, PickleKind::Bytes);
    QCOMPARE(raw.text.size(), std::size_t(8));
    double acc1 = 0;
    std::memcpy(&acc1, raw.text.data(), 8);
    QCOMPARE(acc1, 12.5);
    const PickleValue& args = at(doc, doc.root(), "args");
    const PickleValue& outputDir = at(doc, args.state, "output_dir");
    QCOMPARE(outputDir.text + "." + outputDir.name, std::string("pathlib.PosixPath"));
    QCOMPARE(doc.value(doc.value(outputDir.args).items[2]).text, std::string("run-7"));
}

void TestPickle::truncatedRealPickleAtEveryLength() {
    const std::string bytes = fixturePickle("diffclip-tiny-a/checkpoint_best_torch113_ordereddict.pt");
    QVERIFY(bytes.size() > 20000);
    QVERIFY(parsePickle(bytes).ok());
    int failures = 0;
    for (std::size_t len = 0; len < bytes.size(); ++len) {
        auto r = parsePickle(std::string_view(bytes.data(), len));
        if (r.ok() || r.error().code != ErrorCode::Format || r.error().message.empty()) {
            ++failures;
            if (failures < 5) qWarning("length %zu: unexpected result", len);
        }
    }
    QCOMPARE(failures, 0);
}

void TestPickle::mutatedRealPickleNeverCrashes() {
    // A deterministic smoke test beside the fuzzer: flipped bytes give a value or an error.
    const std::string bytes = fixturePickle("clip-std-tiny-a/checkpoint_best.pt");
    QVERIFY(bytes.size() > 1000);
    std::mt19937 rng(1234);
    int errors = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string m = bytes;
        for (int k = 0; k < 3; ++k) m[rng() % m.size()] = static_cast<char>(rng() & 0xff);
        auto r = parsePickle(m);
        if (!r.ok()) {
            ++errors;
            QVERIFY(!r.error().message.empty());
        }
    }
    QVERIFY(errors > 0);
}

QTEST_APPLESS_MAIN(TestPickle)
#include "tst_pickle.moc"
