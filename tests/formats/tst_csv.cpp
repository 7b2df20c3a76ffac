// The CSV reader and writer (RFC 4180): quoting of commas, quotes, line breaks and edge spaces,
// the formula policy, records, round trips through the reader, and malformed input.

#include <QtTest/QtTest>

#include <string>
#include <vector>

#include "diffclip/formats/Csv.h"

using namespace diffclip;

namespace {

std::vector<std::vector<std::string>> fieldsOf(const std::vector<CsvRow>& rows) {
    std::vector<std::vector<std::string>> out;
    for (const CsvRow& r : rows) out.push_back(r.fields);
    return out;
}

}  // namespace

class TestCsv : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void quoting_data() {
        QTest::addColumn<QByteArray>("field");
        QTest::addColumn<QByteArray>("written");
        QTest::newRow("plain") << QByteArray("scratch") << QByteArray("scratch");
        QTest::newRow("empty") << QByteArray("") << QByteArray("");
        QTest::newRow("inner space") << QByteArray("line 3") << QByteArray("line 3");
        QTest::newRow("comma") << QByteArray("a,b") << QByteArray("\"a,b\"");
        QTest::newRow("quote") << QByteArray("6\" bolt") << QByteArray("\"6\"\" bolt\"");
        QTest::newRow("only a quote") << QByteArray("\"") << QByteArray("\"\"\"\"");
        QTest::newRow("LF") << QByteArray("a\nb") << QByteArray("\"a\nb\"");
        QTest::newRow("CR LF") << QByteArray("a\r\nb") << QByteArray("\"a\r\nb\"");
        QTest::newRow("leading space") << QByteArray(" a") << QByteArray("\" a\"");
        QTest::newRow("trailing space") << QByteArray("a ") << QByteArray("\"a \"");
        QTest::newRow("one space") << QByteArray(" ") << QByteArray("\" \"");
        QTest::newRow("tab") << QByteArray("a\tb") << QByteArray("a\tb");
        // UTF-8 passes through byte for byte.
        QTest::newRow("utf-8") << QByteArray("\xe5\x82\xb7 \xe3\x81\x82") << QByteArray("\xe5\x82\xb7 \xe3\x81\x82");
        // The formula policy: written as it is (an export must read back unchanged).
        QTest::newRow("formula =") << QByteArray("=1+2") << QByteArray("=1+2");
        QTest::newRow("formula + - @") << QByteArray("+1;-2;@A") << QByteArray("+1;-2;@A");
    }
    void quoting() {
        QFETCH(QByteArray, field);
        QFETCH(QByteArray, written);
        const std::string f(field.constData(), size_t(field.size()));
        const std::string w(written.constData(), size_t(written.size()));
        QCOMPARE(csvField(f), w);
        std::string out = "x,";
        appendCsvField(out, f);
        QCOMPARE(out, "x," + w);
        // Whatever the writer makes, the reader gives back.
        auto rows = parseCsv(w + "\r\n");
        QVERIFY(rows.ok());
        QCOMPARE(rows->size(), size_t(1));
        QCOMPARE(rows->front().fields, std::vector<std::string>{f});
    }

    void records() {
        std::string out;
        appendCsvRow(out, {"path", "label", "notes"});
        appendCsvRow(out, std::vector<std::string>{"a/b.jpg", "", "dent, 2 mm"});
        appendCsvRow(out, std::vector<std::string>{});
        QCOMPARE(out, std::string("path,label,notes\r\na/b.jpg,,\"dent, 2 mm\"\r\n\r\n"));
        auto rows = parseCsv(out);
        QVERIFY(rows.ok());
        const std::vector<std::vector<std::string>> expected = {
            {"path", "label", "notes"}, {"a/b.jpg", "", "dent, 2 mm"}, {""}};
        QCOMPARE(fieldsOf(*rows), expected);
        QCOMPARE((*rows)[1].line, size_t(2));
    }

    void reading() {
        // LF and CR LF line ends, a BOM, a quoted field over two lines, no line end at the end.
        auto rows = parseCsv("\xEF\xBB\xBFh1,h2\n\"multi\nline\",x\r\nlast,\"q\"\"\"");
        QVERIFY(rows.ok());
        const std::vector<std::vector<std::string>> expected = {{"h1", "h2"}, {"multi\nline", "x"}, {"last", "q\""}};
        QCOMPARE(fieldsOf(*rows), expected);
        QCOMPARE((*rows)[0].line, size_t(1));
        QCOMPARE((*rows)[1].line, size_t(2));
        QCOMPARE((*rows)[2].line, size_t(4));
        // A trailing comma is an empty last field; nothing at all is no record.
        auto trailing = parseCsv("a,\n");
        QVERIFY(trailing.ok());
        QCOMPARE(trailing->front().fields, (std::vector<std::string>{"a", ""}));
        auto empty = parseCsv("");
        QVERIFY(empty.ok());
        QVERIFY(empty->empty());
    }

    void malformed_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("unterminated") << QByteArray("a,b\n\"open,\nstill open")
                                      << "unterminated quoted CSV field starting on line 2";
        QTest::newRow("text after quote") << QByteArray("a\n\"q\"x,b") << "text after a closing quote on CSV line 2";
    }
    void malformed() {
        QFETCH(QByteArray, text);
        QFETCH(QString, message);
        auto rows = parseCsv(std::string_view(text.constData(), size_t(text.size())));
        QVERIFY(!rows.ok());
        QCOMPARE(rows.error().code, ErrorCode::Format);
        QCOMPARE(QString::fromStdString(rows.error().message), message);
    }
};

QTEST_APPLESS_MAIN(TestCsv)
#include "tst_csv.moc"
