// Tests of the photo library store: schema and open checks, records, embeddings, labels,
// filters, CSV, check(), read-only and concurrent access, rollback and killed writers.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <chrono>
#include <cmath>
#include <map>
#include <random>

#include "diffclip/library/Database.h"
#include "diffclip/library/Library.h"
#include "../support/LibrarySupport.h"
#include "../support/TestSupport.h"

using namespace diffclip;
using testsupport::rawExec;
using testsupport::rawInt;

namespace {

std::string hashOf(int k) {
    std::string h(64, '0');
    const std::string tail = std::to_string(k);
    h.replace(64 - tail.size(), tail.size(), tail);
    return h;
}

ImageRecord image(const std::string& path, int k) {
    ImageRecord r;
    r.path = path;
    r.contentHash = hashOf(k);
    r.size = 1000 + k;
    r.mtimeNs = 1700000000123456789LL + k;
    r.width = 640;
    r.height = 480;
    return r;
}

// A CSV import's counts as one line (or why it failed), for one comparison.
QString counts(const Result<CsvImportReport>& r) {
    if (!r) return QString::fromStdString(r.error().describe());
    return QStringLiteral("%1 rows, %2 matched, %3 unmatched").arg(r->rows).arg(r->matched).arg(r->unmatched);
}

}  // namespace

class TestLibrary : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(m_dir.isValid()); }

    void createAndReopen() {
        const std::string file = path("a.dclib");
        {
            auto lib = Library::open(file);
            QVERIFY2(lib.ok(), lib.error().describe().c_str());
            QCOMPARE(lib->openedSchemaVersion(), 0);
            QVERIFY(lib->upsertImage(image("/photos/a.png", 1)).ok());
        }
        auto lib = Library::open(file);
        QVERIFY2(lib.ok(), lib.error().describe().c_str());
        QCOMPARE(lib->openedSchemaVersion(), Library::kSchemaVersion);
        QVERIFY(lib->findImageByPath("/photos/a.png").ok());
        auto missing = Library::open(path("none.dclib"), {false, false, 5000});
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
    }

    void migrationMarker() {
        const std::string file = path("m.dclib");
        QVERIFY(Library::open(file).ok());
        QCOMPARE(rawInt(file, "PRAGMA user_version"), int64_t(Library::kSchemaVersion));
        QCOMPARE(rawInt(file, "PRAGMA application_id"), int64_t(Library::kApplicationId));
        QCOMPARE(rawInt(file, "SELECT COUNT(*) FROM library_info WHERE key = 'app'"), int64_t(1));
        auto db = Database::open(file, {});
        QVERIFY(db.ok());
        auto st = db->prepare("PRAGMA journal_mode");
        QVERIFY(st.ok());
        QVERIFY(st->step().ok());
        QCOMPARE(QString::fromStdString(st->columnText(0)), QString("wal"));
    }

    void newerVersionRefused() {
        const std::string file = path("new.dclib");
        QVERIFY(Library::open(file).ok());
        QVERIFY(rawExec(file, "PRAGMA user_version = 99"));
        auto lib = Library::open(file);
        QVERIFY(!lib.ok());
        QCOMPARE(lib.error().code, ErrorCode::Unsupported);
        QVERIFY(lib.error().message.find("newer DiffCLIP Studio") != std::string::npos);
        QCOMPARE(rawInt(file, "PRAGMA user_version"), int64_t(99));  // left alone
    }

    void foreignSqliteRefused() {
        const std::string file = path("other.sqlite");
        QVERIFY(rawExec(file, "CREATE TABLE songs(title TEXT); INSERT INTO songs VALUES ('x')"));
        auto lib = Library::open(file);
        QVERIFY(!lib.ok());
        QCOMPARE(lib.error().code, ErrorCode::Format);
        QVERIFY(lib.error().message.find("not a DiffCLIP library") != std::string::npos);
        QCOMPARE(rawInt(file, "SELECT COUNT(*) FROM songs"), int64_t(1));
        QCOMPARE(rawInt(file, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'images'"), int64_t(0));
    }

    void textFileRefused() {
        const std::string file = path("notes.txt");
        QFile f(QString::fromStdString(file));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("this is not a database, just some notes\n").repeated(200));
        f.close();
        auto lib = Library::open(file);
        QVERIFY(!lib.ok());
        QCOMPARE(lib.error().code, ErrorCode::Format);
        QVERIFY(lib.error().message.find("not a DiffCLIP library or damaged") != std::string::npos);
    }

    void upsertRoundTrip() {
        auto lib = Library::open(path("u.dclib"));
        QVERIFY(lib.ok());
        ImageRecord r = image("/photos/scratch/1.png", 7);
        r.product = "bracket";
        r.lot = "L-17";
        r.date = "2024-05-02";
        r.extraJson = R"({"shift":"night"})";
        auto id = lib->upsertImage(r);
        QVERIFY(id.ok());
        auto got = lib->findImageByPath(r.path);
        QVERIFY(got.ok());
        QCOMPARE(got->id, *id);
        QCOMPARE(QString::fromStdString(got->contentHash), QString::fromStdString(r.contentHash));
        QCOMPARE(got->size, r.size);
        QCOMPARE(got->mtimeNs, r.mtimeNs);
        QCOMPARE(got->width, 640);
        QCOMPARE(got->height, 480);
        QCOMPARE(QString::fromStdString(got->product), QString("bracket"));
        QCOMPARE(QString::fromStdString(got->extraJson), QString(R"({"shift":"night"})"));
        QVERIFY(got->status == ImageStatus::Ok);
        QVERIFY(got->addedAtMs > 0);

        // A changed file: new facts, same id, metadata and added_at kept.
        ImageRecord changed = image(r.path, 8);
        auto id2 = lib->upsertImage(changed);
        QVERIFY(id2.ok());
        QCOMPARE(*id2, *id);
        auto again = lib->findImageByPath(r.path);
        QVERIFY(again.ok());
        QCOMPARE(again->size, changed.size);
        QCOMPARE(again->mtimeNs, changed.mtimeNs);
        QCOMPARE(QString::fromStdString(again->contentHash), QString::fromStdString(hashOf(8)));
        QCOMPARE(QString::fromStdString(again->lot), QString("L-17"));
        QCOMPARE(QString::fromStdString(again->extraJson), QString(R"({"shift":"night"})"));
        QCOMPARE(again->addedAtMs, got->addedAtMs);

        auto nf = lib->findImageByPath("/nowhere.png");
        QVERIFY(!nf.ok());
        QCOMPARE(nf.error().code, ErrorCode::NotFound);

        QVERIFY(lib->upsertImage(image("/photos/copy.png", 8)).ok());
        auto dups = lib->imagesWithSameHash(hashOf(8));
        QVERIFY(dups.ok());
        QCOMPARE(dups->size(), size_t(2));
        ImageRecord bad = image("/photos/bad.png", 9);
        bad.extraJson = "[1,2]";
        QCOMPARE(lib->upsertImage(bad).error().code, ErrorCode::InvalidArgument);
    }

    void fp16Conversion() {
        QCOMPARE(floatToHalf(1.0f), uint16_t(0x3c00));
        QCOMPARE(floatToHalf(-2.0f), uint16_t(0xc000));
        QCOMPARE(floatToHalf(65504.0f), uint16_t(0x7bff));
        QCOMPARE(floatToHalf(65520.0f), uint16_t(0x7c00));
        QCOMPARE(floatToHalf(std::ldexp(1.0f, -24)), uint16_t(0x0001));
        QCOMPARE(floatToHalf(1.0f + std::ldexp(1.0f, -11)), uint16_t(0x3c00));  // tie -> even
        QCOMPARE(floatToHalf(1.0f + 3 * std::ldexp(1.0f, -11)), uint16_t(0x3c02));  // tie -> even (up)
        for (uint32_t h = 0; h < 0x7c00; ++h) {  // every finite positive half reads back exactly
            QCOMPARE(floatToHalf(halfToFloat(static_cast<uint16_t>(h))), static_cast<uint16_t>(h));
        }
    }

    void embeddingsRoundTrip() {
        auto lib = Library::open(path("e.dclib"));
        QVERIFY(lib.ok());
        const int dim = 512;
        auto model = lib->ensureModel("diffclip-b16", "fp-1", R"({"embed_dim":512})", dim);
        QVERIFY(model.ok());
        auto same = lib->ensureModel("diffclip-b16", "fp-1", "{}", dim);
        QVERIFY(same.ok());
        QCOMPARE(*same, *model);
        QCOMPARE(lib->ensureModel("x", "fp-1", "{}", 256).error().code, ErrorCode::Mismatch);
        QCOMPARE(lib->ensureModel("x", "fp-2", "{not json", 256).error().code, ErrorCode::InvalidArgument);

        std::vector<int64_t> ids;
        for (int k = 0; k < 5; ++k) {
            auto id = lib->upsertImage(image("/p/" + std::to_string(k) + ".png", k));
            QVERIFY(id.ok());
            ids.push_back(*id);
        }
        std::mt19937 rng(42);
        std::normal_distribution<float> normal;
        std::vector<std::vector<float>> vectors(ids.size(), std::vector<float>(dim));
        for (auto& v : vectors) {
            double norm = 0;
            for (float& x : v) {
                x = normal(rng);
                norm += double(x) * x;
            }
            for (float& x : v) {
                x = static_cast<float>(x / std::sqrt(norm));
            }
        }
        for (size_t k : {3, 0, 4, 1, 2}) {  // stored out of order
            QVERIFY(lib->putEmbedding(ids[k], *model, vectors[k].data(), dim).ok());
        }
        QCOMPARE(lib->putEmbedding(ids[0], *model, vectors[0].data(), 256).error().code, ErrorCode::Mismatch);
        QCOMPARE(lib->putEmbedding(99999, *model, vectors[0].data(), dim).error().code, ErrorCode::NotFound);
        auto has = lib->hasEmbedding(ids[2], *model);
        QVERIFY(has.ok() && *has);
        auto other = lib->ensureModel("clip", "fp-3", "{}", dim);
        QVERIFY(other.ok());
        has = lib->hasEmbedding(ids[2], *other);
        QVERIFY(has.ok() && !*has);

        auto m = lib->loadEmbeddings(*model);
        QVERIFY2(m.ok(), m.error().describe().c_str());
        QCOMPARE(m->dim, dim);
        QCOMPARE(m->rows(), ids.size());
        QCOMPARE(m->values.size(), ids.size() * dim);
        float maxErr = 0;
        for (size_t r = 0; r < m->rows(); ++r) {
            QCOMPARE(m->ids[r], ids[r]);  // ascending image id
            for (int c = 0; c < dim; ++c) {
                maxErr = std::max(maxErr, std::fabs(m->row(r)[c] - vectors[r][c]));
            }
        }
        QVERIFY2(maxErr <= 1e-3f, std::to_string(maxErr).c_str());
        auto m2 = lib->loadEmbeddings(*model);
        QVERIFY(m2.ok());
        QVERIFY(m2->ids == m->ids && m2->values == m->values);
        QCOMPARE(lib->loadEmbeddings(777).error().code, ErrorCode::NotFound);
    }

    void labelsPrecedence() {
        auto lib = Library::open(path("l.dclib"));
        QVERIFY(lib.ok());
        auto id = lib->upsertImage(image("/p/a.png", 1));
        QVERIFY(id.ok());
        QCOMPARE(QString::fromStdString(*lib->label(*id)), QString());
        QVERIFY(lib->setLabel(*id, "scratch", LabelSource::ZeroShot, 0.6).ok());
        QCOMPARE(QString::fromStdString(*lib->label(*id)), QString("scratch"));
        QVERIFY(lib->setLabel(*id, "dent", LabelSource::Folder).ok());
        QCOMPARE(QString::fromStdString(*lib->label(*id)), QString("dent"));
        QVERIFY(lib->setLabel(*id, "crack", LabelSource::Training, 0.9).ok());
        QCOMPARE(QString::fromStdString(*lib->label(*id)), QString("crack"));
        QVERIFY(lib->setLabel(*id, "ok", LabelSource::Manual).ok());
        QCOMPARE(QString::fromStdString(*lib->label(*id)), QString("ok"));
        QVERIFY(lib->setLabel(*id, "rust", LabelSource::ZeroShot, 0.7).ok());  // replaces, still loses
        QCOMPARE(QString::fromStdString(*lib->label(*id)), QString("ok"));
        QCOMPARE(rawInt(path("l.dclib"), "SELECT COUNT(*) FROM labels"), int64_t(4));
        QCOMPARE(lib->setLabel(*id, "x", LabelSource::Manual, 1.5).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(lib->setLabel(424242, "x", LabelSource::Manual).error().code, ErrorCode::NotFound);
        QCOMPARE(lib->label(424242).error().code, ErrorCode::NotFound);
        auto id2 = lib->upsertImage(image("/p/b.png", 2));
        QVERIFY(lib->setLabel(*id2, "dent", LabelSource::Folder).ok());
        auto all = lib->labels();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), size_t(2));
        QCOMPARE(QString::fromStdString((*all)[0]), QString("dent"));
        QCOMPARE(QString::fromStdString((*all)[1]), QString("ok"));
    }

    void filters() {
        auto lib = Library::open(path("f.dclib"));
        QVERIFY(lib.ok());
        const char* dates[] = {"2024-01-10", "2024-02-15", "2024-02-29T23:10:00", "2024-03-01"};
        std::vector<int64_t> ids;
        for (int k = 0; k < 4; ++k) {
            ImageRecord r = image("/p/" + std::to_string(k) + ".png", k);
            r.date = dates[k];
            r.line = k % 2 == 0 ? "A" : "B";
            r.extraJson = k == 1 ? R"({"camera":"cam 2"})" : "{}";
            auto id = lib->upsertImage(r);
            QVERIFY(id.ok());
            ids.push_back(*id);
            QVERIFY(lib->setLabel(*id, k < 2 ? "dent" : "scratch", LabelSource::Folder).ok());
        }
        QVERIFY(lib->recordFailure("/p/broken.png", 10, 20, "not an image").ok());
        auto count = [&](const ImageFilter& f) {
            auto r = lib->listImages(f);
            return r.ok() ? int(r->size()) : -1;
        };
        QCOMPARE(count({}), 5);
        ImageFilter f;
        f.label = "dent";
        QCOMPARE(count(f), 2);
        f = {};
        f.dateFrom = "2024-02-01";
        f.dateTo = "2024-02-29";
        QCOMPARE(count(f), 2);  // the timestamp on the last day counts
        f = {};
        f.where = {{"line", "A"}};
        QCOMPARE(count(f), 2);
        f.where = {{"camera", "cam 2"}};
        auto one = lib->listImages(f);
        QVERIFY(one.ok());
        QCOMPARE(one->size(), size_t(1));
        QCOMPARE(one->front().id, ids[1]);
        f.where = {{"bad\"key", "x"}};
        QVERIFY(!lib->listImages(f).ok());
        // A field that is neither a column nor any photo's extra key is refused, not an empty
        // result; the message names it and lists the fields there are.
        f.where = {{"label", "dent"}};
        auto unknown = lib->listImageIds(f);
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(unknown.error().message.find("unknown filter field \"label\"") != std::string::npos,
                 unknown.error().message.c_str());
        QVERIFY2(unknown.error().message.find("path, product, line, lot, date, inspector, notes, camera") !=
                     std::string::npos,
                 unknown.error().message.c_str());
        QCOMPARE(lib->listImages(f).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(lib->checkFilter(f).error().code, ErrorCode::InvalidArgument);
        f.where = {{" Camera", "cam 2"}};  // extra keys are case-sensitive
        QVERIFY(!lib->checkFilter(f).ok());
        f.where = {{"LINE", "A"}, {" camera ", "cam 9"}};  // columns are not; a known key may match nothing
        QVERIFY(lib->checkFilter(f).ok());
        QCOMPARE(count(f), 0);
        auto fields = lib->filterFields();
        QVERIFY(fields.ok());
        QCOMPARE(*fields, (std::vector<std::string>{"path", "product", "line", "lot", "date", "inspector", "notes",
                                                   "camera"}));
        auto lines = lib->columnValues("Line");
        QVERIFY(lines.ok());
        QCOMPARE(*lines, (std::vector<std::string>{"A", "B"}));
        QVERIFY(lib->columnValues("product")->empty());  // no product set on these photos
        QCOMPARE(lib->columnValues("camera").error().code, ErrorCode::InvalidArgument);
        QCOMPARE(lib->columnValues("path").error().code, ErrorCode::InvalidArgument);
        f = {};
        f.status = ImageStatus::Failed;
        QCOMPARE(count(f), 1);
        f.status = ImageStatus::Ok;
        f.label = "scratch";
        f.where = {{"line", "B"}};
        QCOMPARE(count(f), 1);
    }

    void failuresListed() {
        auto lib = Library::open(path("fail.dclib"));
        QVERIFY(lib.ok());
        QVERIFY(lib->upsertImage(image("/p/good.png", 1)).ok());
        QVERIFY(lib->recordFailure("/p/bad.png", 12, 34, "truncated PNG").ok());
        QVERIFY(lib->recordFailure("/p/good.png", 5, 6, "unreadable").ok());
        auto fails = lib->failures();
        QVERIFY(fails.ok());
        QCOMPARE(fails->size(), size_t(2));
        QCOMPARE(QString::fromStdString(fails->at(0).path), QString("/p/bad.png"));
        QCOMPARE(QString::fromStdString(fails->at(0).reason), QString("truncated PNG"));
        QCOMPARE(fails->at(0).size, int64_t(12));
        QCOMPARE(fails->at(0).mtimeNs, int64_t(34));
        // Indexing it successfully later clears the failure.
        QVERIFY(lib->upsertImage(image("/p/good.png", 1)).ok());
        QCOMPARE(lib->failures()->size(), size_t(1));
    }

    void failureCodesStored() {
        auto lib = Library::open(path("codes.dclib"));
        QVERIFY(lib.ok());
        QVERIFY(lib->recordFailure("/p/a.png", 1, 2, "text file, not an image", FailureCode::NotAnImage).ok());
        QVERIFY(lib->recordFailure("/p/b.png", 3, 4, "cannot decode (truncated or corrupt JPEG)", FailureCode::Damaged)
                    .ok());
        QVERIFY(lib->recordFailure("/p/c.png", 5, 6, "unreadable").ok());  // no code given
        auto fails = lib->failures();
        QVERIFY(fails.ok());
        QCOMPARE(fails->size(), size_t(3));
        QVERIFY(fails->at(0).code == FailureCode::NotAnImage);
        QCOMPARE(QString::fromStdString(fails->at(0).reason), QString("text file, not an image"));
        QVERIFY(fails->at(1).code == FailureCode::Damaged);
        QVERIFY(fails->at(2).code == FailureCode::Unknown);
        // A later failure replaces the code; a success clears it with the failure.
        QVERIFY(lib->recordFailure("/p/a.png", 1, 2, "the file is no longer there", FailureCode::Missing).ok());
        QVERIFY(lib->failures()->at(0).code == FailureCode::Missing);
        QVERIFY(lib->upsertImage(image("/p/b.png", 2)).ok());
        QCOMPARE(lib->failures()->size(), size_t(2));
        // The stored names are stable; a name from a newer program reads as Unknown.
        for (FailureCode c : {FailureCode::Unreadable, FailureCode::Missing, FailureCode::TooLarge,
                              FailureCode::NotAnImage, FailureCode::Damaged, FailureCode::OutOfMemory,
                              FailureCode::ModelInput}) {
            QVERIFY(std::string(failureCodeName(c)).size() > 0);
            QVERIFY(parseFailureCode(failureCodeName(c)) == c);
        }
        QCOMPARE(QString(failureCodeName(FailureCode::TooLarge)), QString("too-large"));
        QVERIFY(parseFailureCode("") == FailureCode::Unknown);
        QVERIFY(parseFailureCode("melted") == FailureCode::Unknown);
    }

    void schemaOneIsMigratedAndReadableReadOnly() {
        // A library as version 1 wrote it: no error_code column (nor claims table), a failure
        // with its English reason.
        const std::string file = path("v1.dclib");
        QVERIFY(Library::open(file).ok());
        QVERIFY(rawExec(file, "DROP TABLE searches; ALTER TABLE feedback DROP COLUMN search_id; "
                              "ALTER TABLE feedback DROP COLUMN rank; "
                              "DROP TABLE claims; ALTER TABLE images DROP COLUMN error_code; PRAGMA user_version = 1;"
                              "INSERT INTO images(path, added_at, status, error) "
                              "VALUES ('/p/old.jpg', 0, 'failed', 'truncated JPEG')"));
        {
            // Read-only (a share nobody may write): still readable, the failure without a code.
            auto ro = Library::open(file, {true, false, 5000});
            QVERIFY2(ro.ok(), ro.error().describe().c_str());
            QCOMPARE(ro->openedSchemaVersion(), 1);
            auto fails = ro->failures();
            QVERIFY2(fails.ok(), fails.error().describe().c_str());
            QCOMPARE(fails->size(), size_t(1));
            QVERIFY(fails->front().code == FailureCode::Unknown);
            QCOMPARE(rawInt(file, "PRAGMA user_version"), int64_t(1));  // not migrated
        }
        auto lib = Library::open(file);
        QVERIFY(lib.ok());
        QCOMPARE(lib->openedSchemaVersion(), 1);
        QCOMPARE(rawInt(file, "PRAGMA user_version"), int64_t(Library::kSchemaVersion));
        auto fails = lib->failures();
        QVERIFY(fails.ok());
        QCOMPARE(QString::fromStdString(fails->front().reason), QString("truncated JPEG"));  // kept
        QVERIFY(fails->front().code == FailureCode::Unknown);
        QVERIFY(lib->recordFailure("/p/new.jpg", 1, 1, "larger than 1 GiB", FailureCode::TooLarge).ok());
        QCOMPARE(QString::fromStdString(lib->failures()->front().path), QString("/p/new.jpg"));  // by path
        QVERIFY(lib->failures()->front().code == FailureCode::TooLarge);
        QVERIFY(lib->check()->clean());
    }

    void isoDates() {
        for (const char* good : {"2026-01-15", "2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31",
                                 "2024-02-29T23:10:00", "2024-05-31 10:00", "2024-05-31T10:00:05.123Z",
                                 "2024-05-31T10:00:60", "2024-05-31T10:00+09:00", "2024-05-31T10:00:00-05:30"}) {
            QVERIFY2(isIsoDate(good), good);
        }
        for (const char* bad : {"", "15/01/2026", "01/15/2026", "2026/01/15", "2026-1-15", "2026-01-5", "26-01-15",
                                "2023-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00",
                                "0000-01-01", "2026-01-15T", "2026-01-15T25:00", "2026-01-15T10:60",
                                "2026-01-15T10", "2026-01-15 10:00:61", "2026-01-15T10:00:00.", "2026-01-15x",
                                "2026-01-15T10:00+9", "2026-01-15T10:00Zz", " 2026-01-15",
                                "\xEF\xBC\x92" "026-01-15"}) {
            QVERIFY2(!isIsoDate(bad), bad);
        }
    }

    void nonIsoDatesRefused() {
        auto lib = Library::open(path("dates.dclib"));
        QVERIFY(lib.ok());
        ImageRecord r = image("/p/d/a.png", 1);
        r.date = "2026-01-14";
        auto a = lib->upsertImage(r);
        auto b = lib->upsertImage(image("/p/d/b.png", 2));
        QVERIFY(a.ok() && b.ok());

        // The editor's path: refused whole, nothing written.
        ImageRecord m;
        m.product = "hinge";
        m.date = "15/01/2026";
        const Status refused = lib->updateMetadata(*a, m);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(refused.error().message.find("15/01/2026") != std::string::npos, refused.error().message.c_str());
        auto back = lib->imageById(*a);
        QCOMPARE(QString::fromStdString(back->date), QString("2026-01-14"));
        QCOMPARE(QString::fromStdString(back->product), QString());
        m.date = "2026-01-15";
        QVERIFY(lib->updateMetadata(*a, m).ok());
        m.date.clear();  // clearing is fine
        QVERIFY(lib->updateMetadata(*b, m).ok());

        // The indexer's path.
        ImageRecord c = image("/p/d/c.png", 3);
        c.date = "2026.01.15";
        auto added = lib->upsertImage(c);
        QVERIFY(!added.ok());
        QCOMPARE(added.error().code, ErrorCode::InvalidArgument);
        QVERIFY(!lib->findImageByPath("/p/d/c.png").ok());

        // CSV: the bad date of line 3 is reported and left out, the rest of the file imported.
        auto rep = importCsv(*lib, "dates.csv",
                             "path,date,lot\n"
                             "/p/d/a.png,2026-01-20,L1\n"
                             "/p/d/b.png,20/01/2026,L2\n"
                             "missing.png,bad,L3\n");
        QCOMPARE(counts(rep), QString("3 rows, 2 matched, 1 unmatched"));
        QCOMPARE(rep->rejected.size(), size_t(1));  // unmatched rows are not checked
        QCOMPARE(rep->rejected[0].line, int64_t(3));
        QCOMPARE(QString::fromStdString(rep->rejected[0].column), QString("date"));
        QCOMPARE(QString::fromStdString(rep->rejected[0].value), QString("20/01/2026"));
        QCOMPARE(QString::fromStdString(lib->imageById(*a)->date), QString("2026-01-20"));
        auto rb = lib->imageById(*b);
        QCOMPARE(QString::fromStdString(rb->date), QString());  // as before
        QCOMPARE(QString::fromStdString(rb->lot), QString("L2"));  // the rest of the row applied
        ImageFilter jan;
        jan.dateFrom = "2026-01-01";
        jan.dateTo = "2026-01-31";
        QCOMPARE(lib->listImages(jan)->size(), size_t(1));
    }

    void csvImportExport() {
        auto lib = Library::open(path("c.dclib"));
        QVERIFY(lib.ok());
        auto a = lib->upsertImage(image("/photos/line1/a.png", 1));
        auto b = lib->upsertImage(image("/photos/line2/b.png", 2));
        QVERIFY(a.ok() && b.ok());
        QVERIFY(lib->setLabel(*a, "dent, deep", LabelSource::Manual).ok());
        auto rep = importCsv(*lib, "meta.csv",
                             "\xEF\xBB\xBF" "File,Product,Lot,Date,Notes,Camera\r\n"
                             "/photos/line1/a.png,\"bracket, left\",L1,2024-05-01,\"said \"\"bad\"\"\nsecond line\",cam1\r\n"
                             "b.png,hinge,L2,2024-05-02,,\"cam, 2\"\r\n"
                             "missing.png,x,y,z,,\r\n"
                             "\r\n");
        QCOMPARE(counts(rep), QString("3 rows, 2 matched, 1 unmatched"));
        QCOMPARE(QString::fromStdString(rep->unmatchedExamples.at(0)), QString("missing.png"));
        auto ra = lib->findImageByPath("/photos/line1/a.png");
        QVERIFY(ra.ok());
        QCOMPARE(QString::fromStdString(ra->product), QString("bracket, left"));
        QCOMPARE(QString::fromStdString(ra->notes), QString("said \"bad\"\nsecond line"));
        QCOMPARE(QString::fromStdString(ra->extraJson), QString(R"({"Camera":"cam1"})"));
        auto rb = lib->findImageByPath("/photos/line2/b.png");
        QVERIFY(rb.ok());
        QCOMPARE(QString::fromStdString(rb->lot), QString("L2"));
        QCOMPARE(QString::fromStdString(rb->extraJson), QString(R"({"Camera":"cam, 2"})"));

        QCOMPARE(importCsv(*lib, "bad.csv", "path,notes\n/photos/line1/a.png,\"unterminated\n").error().code,
                 ErrorCode::Format);
        QCOMPARE(lib->importMetadataCsv(path("nope.csv")).error().code, ErrorCode::NotFound);

        const std::string out = path("export.csv");
        QVERIFY(lib->exportCsv(out).ok());
        QFile e(QString::fromStdString(out));
        QVERIFY(e.open(QIODevice::ReadOnly));
        const QByteArray text = e.readAll();
        QVERIFY(text.startsWith("path,label,product,line,lot,date,inspector,notes,extra,status,error\r\n"));
        QVERIFY(text.contains("/photos/line1/a.png,\"dent, deep\",\"bracket, left\",,L1,2024-05-01,,"
                              "\"said \"\"bad\"\"\nsecond line\",\"{\"\"Camera\"\":\"\"cam1\"\"}\",ok,\r\n"));
        QVERIFY(text.contains("/photos/line2/b.png,,hinge,,L2,2024-05-02,,,"));
        // No temporary file left behind.
        QDir dir(m_dir.path());
        QCOMPARE(dir.entryList({"export.csv*"}, QDir::Files).size(), 1);
    }

    void checkFindsInjectedProblems() {
        const std::string file = path("k.dclib");
        {
            auto lib = Library::open(file);
            QVERIFY(lib.ok());
            auto id = lib->upsertImage(image("/p/a.png", 1));
            auto model = lib->ensureModel("m", "fp", "{}", 4);
            const float v[4] = {1, 0, 0, 0};
            QVERIFY(lib->putEmbedding(*id, *model, v, 4).ok());
            auto rep = lib->check();
            QVERIFY(rep.ok());
            QVERIFY2(rep->clean(), rep->clean() ? "" : rep->problems.front().c_str());
        }
        // A second connection with raw SQL (foreign keys are off by default there).
        QVERIFY(rawExec(file, "INSERT INTO images(path, added_at, status) VALUES ('/p/nohash.png', 0, 'ok');"
                              "INSERT INTO embeddings VALUES (999, 1, 4, 'f16', zeroblob(8));"
                              "INSERT INTO images(path, content_hash, added_at) VALUES ('/p/b.png', 'ab', 0);"
                              "INSERT INTO embeddings SELECT id, 1, 3, 'f16', zeroblob(6) FROM images "
                              "WHERE path = '/p/b.png';"));
        auto lib = Library::open(file);
        QVERIFY(lib.ok());
        auto rep = lib->check();
        QVERIFY(rep.ok());
        QCOMPARE(rep->problems.size(), size_t(3));
        auto has = [&](const char* needle) {
            for (const auto& p : rep->problems) {
                if (p.find(needle) != std::string::npos) {
                    return true;
                }
            }
            return false;
        };
        QVERIFY(has("missing row"));
        QVERIFY(has("without a content hash"));
        QVERIFY(has("has size 3"));
        auto m = lib->loadEmbeddings(1);
        QVERIFY(!m.ok());
        QCOMPARE(m.error().code, ErrorCode::Format);
    }

    void readOnlyRefusesWrites() {
        const std::string file = path("ro.dclib");
        {
            auto lib = Library::open(file);
            QVERIFY(lib.ok());
            QVERIFY(lib->upsertImage(image("/p/a.png", 1)).ok());
        }
        {
            auto lib = Library::open(file, {true, false, 5000});
            QVERIFY2(lib.ok(), lib.error().describe().c_str());
            QVERIFY(lib->findImageByPath("/p/a.png").ok());
            auto w = lib->upsertImage(image("/p/b.png", 2));
            QVERIFY(!w.ok());
            QCOMPARE(w.error().code, ErrorCode::Io);
            QVERIFY2(w.error().message.find("the library is read-only") != std::string::npos,
                     w.error().message.c_str());
            QVERIFY(!lib->recordFailure("/p/a.png", 1, 1, "x").ok());
        }
        auto lib = Library::open(file);
        QVERIFY(lib.ok());
        auto a = lib->findImageByPath("/p/a.png");
        QVERIFY(a.ok());
        QVERIFY(a->status == ImageStatus::Ok);
        QVERIFY(!lib->findImageByPath("/p/b.png").ok());
    }

    void secondWriterGetsBusy() {
        const std::string file = path("busy.dclib");
        auto holder = Library::open(file);
        QVERIFY(holder.ok());
        auto writer = Library::open(file, {false, true, 200});
        QVERIFY(writer.ok());
        QVERIFY(writer->upsertImage(image("/p/before.png", 1)).ok());
        {
            auto tx = holder->begin();
            QVERIFY(tx.ok());
            QVERIFY(holder->upsertImage(image("/p/holder.png", 2)).ok());
            auto w = writer->upsertImage(image("/p/writer.png", 3));
            QVERIFY(!w.ok());
            QCOMPARE(w.error().code, ErrorCode::Io);
            QVERIFY2(w.error().message.find("the library is busy: another program is writing to it") !=
                         std::string::npos,
                     w.error().message.c_str());
            auto wtx = writer->begin();
            QVERIFY(!wtx.ok());
            // The reader side still works and does not see the uncommitted row.
            QVERIFY(writer->findImageByPath("/p/before.png").ok());
            QCOMPARE(writer->findImageByPath("/p/holder.png").error().code, ErrorCode::NotFound);
            QVERIFY(tx->commit().ok());
        }
        QVERIFY(writer->findImageByPath("/p/holder.png").ok());
        QCOMPARE(writer->findImageByPath("/p/writer.png").error().code, ErrorCode::NotFound);
        QVERIFY(writer->upsertImage(image("/p/writer.png", 3)).ok());
        auto rep = writer->check();
        QVERIFY(rep.ok() && rep->clean());
        QCOMPARE(writer->listImages()->size(), size_t(3));
    }

    void uncommittedTransactionRollsBack() {
        auto lib = Library::open(path("tx.dclib"));
        QVERIFY(lib.ok());
        {
            auto tx = lib->begin();
            QVERIFY(tx.ok());
            QVERIFY(lib->upsertImage(image("/p/gone.png", 1)).ok());
            auto model = lib->ensureModel("m", "fp", "{}", 2);  // nested savepoint inside the batch
            QVERIFY(model.ok());
        }
        QCOMPARE(lib->findImageByPath("/p/gone.png").error().code, ErrorCode::NotFound);
        QCOMPARE(rawInt(path("tx.dclib"), "SELECT COUNT(*) FROM models"), int64_t(0));
        {
            auto tx = lib->begin();
            QVERIFY(tx.ok());
            QVERIFY(lib->upsertImage(image("/p/kept.png", 2)).ok());
            QVERIFY(tx->commit().ok());
        }
        QVERIFY(lib->findImageByPath("/p/kept.png").ok());
    }

    void killedWriterLeavesConsistentLibrary() {
        const std::string file = path("kill.dclib");
        {
            auto lib = Library::open(file);
            QVERIFY(lib.ok());
        }
        const testsupport::ForkedChild child = testsupport::forkWithPipe([&](int fd) {
            auto lib = Library::open(file);
            if (!lib.ok()) {
                _exit(2);
            }
            auto model = lib->ensureModel("m", "fp", "{}", 8);
            const float v[8] = {0.5f, -0.5f, 0.5f, -0.5f, 0, 0, 0, 0};
            for (int batch = 0; batch < 2; ++batch) {
                auto tx = lib->begin();
                for (int k = 0; k < 50; ++k) {
                    auto id = lib->upsertImage(image("/b" + std::to_string(batch) + "/" + std::to_string(k), k));
                    if (!id.ok() || !lib->putEmbedding(*id, *model, v, 8).ok() ||
                        !lib->setLabel(*id, "dent", LabelSource::Folder).ok()) {
                        _exit(3);
                    }
                }
                if (batch == 0) {
                    if (!tx->commit().ok()) {
                        _exit(4);
                    }
                } else {
                    const char c = 'x';  // half way through batch 1: tell the parent, then wait
                    if (::write(fd, &c, 1) != 1) {
                        _exit(5);
                    }
                    for (;;) {
                        ::pause();
                    }
                }
            }
        });
        QVERIFY(child.pid > 0);
        char c = 0;
        const ssize_t n = ::read(child.readFd, &c, 1);
        ::kill(child.pid, SIGKILL);
        int wstatus = 0;
        ::waitpid(child.pid, &wstatus, 0);
        ::close(child.readFd);
        QCOMPARE(n, ssize_t(1));
        QVERIFY(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL);

        auto lib = Library::open(file);
        QVERIFY2(lib.ok(), lib.error().describe().c_str());
        auto rep = lib->check();
        QVERIFY(rep.ok());
        QVERIFY(rep->clean());
        auto all = lib->listImages();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), size_t(50));
        for (const auto& r : *all) {
            QVERIFY(r.path.rfind("/b0/", 0) == 0);
        }
        auto m = lib->loadEmbeddings(1);
        QVERIFY(m.ok());
        QCOMPARE(m->rows(), size_t(50));
        QVERIFY(lib->upsertImage(image("/after.png", 1)).ok());  // writable again
    }

    // A process killed while creating a library leaves either no file or a complete library,
    // never an empty one that a reader would call damaged.
    void killedCreatorLeavesNoHalfLibrary() {
        QDir dir(QString::fromStdString(path("create")));
        QVERIFY(dir.mkpath("."));
        // The kill delays come from a printed seed: DIFFCLIP_TEST_SEED=N replays a failing run.
        const std::uint64_t seed = testsupport::testSeed("killedCreatorLeavesNoHalfLibrary");
        const std::string replay = "DIFFCLIP_TEST_SEED=" + std::to_string(seed);
        std::mt19937_64 rng(seed);
        // How long one creation takes here (a loaded machine takes far longer than an idle one):
        // the kill delays are drawn as a fraction of 0..2 times that, so that some kills land
        // before the library is linked into place and some after, whatever the machine's speed.
        // The duration only places the kills; nothing is asserted about it.
        const auto started = std::chrono::steady_clock::now();
        const pid_t timed = ::fork();
        QVERIFY(timed >= 0);
        if (timed == 0) {
            _exit(Library::open(dir.filePath("timing.dclib").toStdString()).ok() ? 0 : 2);
        }
        int timedStatus = 0;
        QCOMPARE(::waitpid(timed, &timedStatus, 0), timed);
        QVERIFY(WIFEXITED(timedStatus) && WEXITSTATUS(timedStatus) == 0);
        const double creationUs =
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count();
        qInfo("one creation took %.0f us; kills land within 0..%.0f us", creationUs, 2 * creationUs);
        // A loaded machine can be much slower in the rounds than in the timing run: each round
        // that left no file widens the window by a quarter, so some kills land after the link.
        double windowUs = creationUs;
        int complete = 0;
        for (int round = 0; round < 40; ++round) {
            const std::string file = dir.filePath(QString("r%1.dclib").arg(round)).toStdString();
            const double fraction = std::uniform_real_distribution<double>(0.0, 2.0)(rng);
            const pid_t pid = ::fork();
            QVERIFY(pid >= 0);
            if (pid == 0) {
                _exit(Library::open(file).ok() ? 0 : 2);
            }
            const int delayUs = int(fraction * windowUs);
            ::usleep(useconds_t(delayUs));
            ::kill(pid, SIGKILL);
            int wstatus = 0;
            ::waitpid(pid, &wstatus, 0);
            if (!QFile::exists(QString::fromStdString(file))) {
                windowUs *= 1.25;
                continue;
            }
            const std::string where =
                "round " + std::to_string(round) + ", killed after " + std::to_string(delayUs) + " us (" + replay + "): ";
            auto lib = Library::open(file, {true, false, 5000});
            QVERIFY2(lib.ok(), (where + (lib.ok() ? "" : lib.error().describe())).c_str());
            QVERIFY2(lib->openedSchemaVersion() == Library::kSchemaVersion,
                     (where + "schema version " + std::to_string(lib->openedSchemaVersion())).c_str());
            ++complete;
        }
        QVERIFY2(complete > 0, replay.c_str());  // some rounds got far enough to be checked
        // A finished creation leaves only the library (and SQLite's files while it is open).
        const std::string file = dir.filePath("done.dclib").toStdString();
        auto lib = Library::open(file);
        QVERIFY(lib.ok());
        for (const QString& name : dir.entryList(QDir::Files)) {
            QVERIFY2(!name.startsWith("done") || name == "done.dclib" || name.endsWith("-wal") || name.endsWith("-shm"),
                     qPrintable(name));
        }
        // An empty file a user created is still made into a library when opened for writing.
        QFile empty(dir.filePath("empty.dclib"));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.close();
        auto made = Library::open(empty.fileName().toStdString());
        QVERIFY2(made.ok(), made.error().describe().c_str());
        QCOMPARE(made->openedSchemaVersion(), 0);
    }

    void editingFromTheApplication() {
        ImageRecord r = image("/p/e.png", 7);
        r.product = "bracket";
        r.line = "L1";
        r.notes = "first";
        auto lib = Library::open(path("e.dclib"));
        QVERIFY(lib.ok());
        auto id = lib->upsertImage(r);
        QVERIFY(id.ok());
        auto other = lib->upsertImage(image("/p/f.png", 8));
        QVERIFY(other.ok());

        // updateMetadata writes exactly what it is given: empty strings clear.
        ImageRecord m;
        m.product = "hinge";
        m.lot = "A-17";
        m.date = "2024-05-02";
        m.inspector = "佐藤";
        m.path = "/ignored.png";
        QVERIFY(lib->updateMetadata(*id, m).ok());
        auto back = lib->findImageByPath("/p/e.png");
        QVERIFY(back.ok());
        QCOMPARE(QString::fromStdString(back->product), QString("hinge"));
        QCOMPARE(QString::fromStdString(back->line), QString());
        QCOMPARE(QString::fromStdString(back->lot), QString("A-17"));
        QCOMPARE(QString::fromStdString(back->date), QString("2024-05-02"));
        QCOMPARE(QString::fromStdString(back->inspector), QString::fromUtf8("佐藤"));
        QCOMPARE(QString::fromStdString(back->notes), QString());
        QCOMPARE(QString::fromStdString(back->contentHash), QString::fromStdString(hashOf(7)));
        QCOMPARE(lib->updateMetadata(424242, m).error().code, ErrorCode::NotFound);

        // Labels of every source, in precedence order; clearing one uncovers the next.
        QVERIFY(lib->setLabel(*id, "dent", LabelSource::Folder).ok());
        QVERIFY(lib->setLabel(*id, "scratch", LabelSource::ZeroShot, 0.25).ok());
        QVERIFY(lib->setLabel(*id, "crack", LabelSource::Manual).ok());
        auto entries = lib->labelEntries(*id);
        QVERIFY(entries.ok());
        QCOMPARE(entries->size(), size_t(3));
        QCOMPARE(QString::fromStdString((*entries)[0].label), QString("crack"));
        QVERIFY((*entries)[0].source == LabelSource::Manual);
        QVERIFY((*entries)[1].source == LabelSource::Folder);
        QVERIFY((*entries)[2].source == LabelSource::ZeroShot);
        QCOMPARE((*entries)[2].confidence, 0.25);
        QVERIFY((*entries)[0].createdAtMs > 0);
        QVERIFY(lib->clearLabel(*id, LabelSource::Manual).ok());
        QCOMPARE(QString::fromStdString(*lib->label(*id)), QString("dent"));
        QVERIFY(lib->clearLabel(*id, LabelSource::Manual).ok());  // nothing left to clear: fine
        QCOMPARE(lib->clearLabel(424242, LabelSource::Manual).error().code, ErrorCode::NotFound);
        QCOMPARE(lib->labelEntries(424242).error().code, ErrorCode::NotFound);
        auto none = lib->labelEntries(*other);
        QVERIFY(none.ok());
        QVERIFY(none->empty());

        auto current = lib->currentLabels();
        QVERIFY(current.ok());
        QCOMPARE(current->size(), size_t(1));
        QCOMPARE((*current)[0].first, *id);
        QCOMPARE(QString::fromStdString((*current)[0].second), QString("dent"));
        QVERIFY(lib->setLabel(*other, "ok", LabelSource::Manual).ok());
        current = lib->currentLabels();
        QCOMPARE(current->size(), size_t(2));
        QCOMPARE((*current)[1].first, *other);
        auto report = lib->check();
        QVERIFY(report.ok());
        QVERIFY(report->clean());
    }

    void feedbackStoredAndRead() {
        auto lib = Library::open(path("feedback.dclib"));
        QVERIFY2(lib.ok(), lib.error().describe().c_str());
        auto a = lib->upsertImage(image("/photos/a.png", 1));
        auto b = lib->upsertImage(image("/photos/b.png", 2));
        QVERIFY(a.ok() && b.ok());
        QVERIFY(lib->addFeedback("/queries/q1.png", *a, true).ok());
        QVERIFY(lib->addFeedback("/queries/q1.png", *b, false).ok());
        QVERIFY(lib->addFeedback("text:scratch near the edge", *b, true).ok());
        auto all = lib->feedback();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), size_t(3));
        QCOMPARE(QString::fromStdString((*all)[0].query), QString("/queries/q1.png"));
        QCOMPARE((*all)[0].hitImageId, *a);
        QVERIFY((*all)[0].right);
        QVERIFY(!(*all)[1].right);
        QVERIFY((*all)[2].createdAtMs > 0);
        auto onlyB = lib->feedback(*b);
        QVERIFY(onlyB.ok());
        QCOMPARE(onlyB->size(), size_t(2));
        QCOMPARE(QString::fromStdString((*onlyB)[1].query), QString("text:scratch near the edge"));

        Status missing = lib->addFeedback("/queries/q1.png", 999, true);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        Status empty = lib->addFeedback("", *a, true);
        QVERIFY(!empty.ok());
        QCOMPARE(empty.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(lib->feedback()->size(), size_t(3));  // failures stored nothing

        // A changed mind: b for q1 was wrong, then right, then wrong again. The history keeps
        // all three in order; the current judgement is the last.
        QVERIFY(lib->addFeedback("/queries/q1.png", *b, true).ok());
        QVERIFY(lib->addFeedback("/queries/q1.png", *b, false).ok());
        auto history = lib->feedbackHistory("/queries/q1.png", *b);
        QVERIFY(history.ok());
        QCOMPARE(history->size(), size_t(3));
        QVERIFY(!(*history)[0].right);
        QVERIFY((*history)[1].right);
        QVERIFY(!(*history)[2].right);
        for (size_t k = 1; k < history->size(); ++k) {
            QVERIFY((*history)[k].id > (*history)[k - 1].id);  // told apart even within one millisecond
            QVERIFY((*history)[k].createdAtMs >= (*history)[k - 1].createdAtMs);
        }
        QVERIFY(lib->feedbackHistory("/queries/q1.png", 999)->empty());
        QVERIFY(lib->feedbackHistory("/queries/other.png", *a)->empty());
        auto current = lib->currentFeedback("/queries/q1.png");
        QVERIFY(current.ok());
        QCOMPARE(current->size(), size_t(2));  // a (right, once) and b (wrong, latest of three)
        QCOMPARE((*current)[0].hitImageId, *a);
        QVERIFY((*current)[0].right);
        QCOMPARE((*current)[1].hitImageId, *b);
        QVERIFY(!(*current)[1].right);
        QCOMPARE((*current)[1].id, history->back().id);
        auto text = lib->currentFeedback("text:scratch near the edge");
        QCOMPARE(text->size(), size_t(1));
        QVERIFY(text->front().right);
        QVERIFY(lib->currentFeedback("/queries/never.png")->empty());
        QCOMPARE(lib->feedback()->size(), size_t(5));  // nothing replaced: every judgement is a row
    }

    // The Models page's view of the library: embeddings per model, removing one model's
    // embeddings in one transaction, and the active-model history used for roll back.
    void modelsInUseAndActiveHistory() {
        auto lib = Library::open(path("models.dclib"));
        QVERIFY2(lib.ok(), lib.error().describe().c_str());
        const int dim = 4;
        auto a = lib->ensureModel("/reg/a", "fp-a", "{}", dim);
        auto b = lib->ensureModel("/reg/b", "fp-b", "{}", dim);
        auto c = lib->ensureModel("/reg/c", "fp-c", "{}", dim);
        QVERIFY(a.ok() && b.ok() && c.ok());
        std::vector<int64_t> ids;
        for (int k = 0; k < 5; ++k) {
            auto id = lib->upsertImage(image("/m/" + std::to_string(k) + ".png", k));
            QVERIFY(id.ok());
            ids.push_back(*id);
        }
        const float v[dim] = {0.5f, -0.5f, 0.25f, 1.0f};
        for (int64_t id : ids) QVERIFY(lib->putEmbedding(id, *a, v, dim).ok());
        for (int k = 0; k < 3; ++k) QVERIFY(lib->putEmbedding(ids[size_t(k)], *b, v, dim).ok());

        auto counts = lib->embeddingCountsByModel();
        QVERIFY2(counts.ok(), counts.error().describe().c_str());
        QCOMPARE(counts->size(), size_t(3));
        std::map<std::string, int64_t> byFp;
        for (const auto& m : *counts) byFp[m.model.fingerprint] = m.embeddings;
        QCOMPARE(byFp["fp-a"], int64_t(5));
        QCOMPARE(byFp["fp-b"], int64_t(3));
        QCOMPARE(byFp["fp-c"], int64_t(0));

        // Removing B takes its 3 embeddings and its model row, nothing of A.
        auto removed = lib->deleteModelEmbeddings(*b);
        QVERIFY2(removed.ok(), removed.error().describe().c_str());
        QCOMPARE(*removed, int64_t(3));
        counts = lib->embeddingCountsByModel();
        QVERIFY(counts.ok());
        QCOMPARE(counts->size(), size_t(2));
        for (const auto& m : *counts) QVERIFY(m.model.fingerprint != "fp-b");
        QCOMPARE(lib->embeddingStamp(*a)->count, int64_t(5));
        QCOMPARE(lib->deleteModelEmbeddings(*b).error().code, ErrorCode::NotFound);
        QCOMPARE(lib->deleteModelEmbeddings(12345).error().code, ErrorCode::NotFound);
        QCOMPARE(lib->embeddingStamp(*a)->count, int64_t(5));  // a failed delete removed nothing
        auto report = lib->check();
        QVERIFY(report.ok());
        QVERIFY(report->clean());

        // History: newest first, no duplicates, bounded; active_model follows.
        QVERIFY(lib->activeModelHistory()->empty());
        QCOMPARE(lib->recordActiveModel("").error().code, ErrorCode::InvalidArgument);
        QVERIFY(lib->recordActiveModel("/reg/a").ok());
        QVERIFY(lib->recordActiveModel("/reg/b").ok());
        QCOMPARE(*lib->setting("active_model"), std::string("/reg/b"));
        auto history = lib->activeModelHistory();
        QVERIFY(history.ok());
        QCOMPARE(*history, (std::vector<std::string>{"/reg/b", "/reg/a"}));
        QVERIFY(lib->recordActiveModel("/reg/a").ok());  // roll back: A moves to the front
        QCOMPARE(*lib->activeModelHistory(), (std::vector<std::string>{"/reg/a", "/reg/b"}));
        for (int k = 0; k < 30; ++k) QVERIFY(lib->recordActiveModel("/reg/x" + std::to_string(k)).ok());
        history = lib->activeModelHistory();
        QCOMPARE(history->size(), Library::kActiveModelHistoryMax);
        QCOMPARE(history->front(), std::string("/reg/x29"));

        // Garbage in the setting (another program, a hand edit) reads as no history.
        QVERIFY(lib->setSetting("active_model_history", "{not json").ok());
        QVERIFY(lib->activeModelHistory()->empty());
        QVERIFY(lib->setSetting("active_model_history", R"(["/reg/a", 5, null, "", {"x": 1}])").ok());
        QCOMPARE(*lib->activeModelHistory(), (std::vector<std::string>{"/reg/a"}));
        QVERIFY(lib->recordActiveModel("/reg/b").ok());  // x29 was active until now
        QCOMPARE(*lib->activeModelHistory(), (std::vector<std::string>{"/reg/b", "/reg/x29", "/reg/a"}));

        // A model made active without a history (a workspace opened with it) is kept as the
        // one to roll back to.
        auto fresh = Library::open(path("models2.dclib"));
        QVERIFY(fresh.ok());
        QVERIFY(fresh->setSetting("active_model", "/reg/first").ok());
        QVERIFY(fresh->recordActiveModel("/reg/second").ok());
        QCOMPARE(*fresh->activeModelHistory(), (std::vector<std::string>{"/reg/second", "/reg/first"}));
        QVERIFY(fresh->setSetting("active_model", "/reg/third").ok());
        QVERIFY(fresh->recordActiveModel("/reg/first").ok());
        QCOMPARE(*fresh->activeModelHistory(),
                 (std::vector<std::string>{"/reg/first", "/reg/third", "/reg/second"}));
    }

private:
    std::string path(const char* name) const { return QDir(m_dir.path()).filePath(name).toStdString(); }
    // Writes `text` as the file `name` in the test's folder and imports it into `lib`.
    Result<CsvImportReport> importCsv(Library& lib, const char* name, const QByteArray& text) {
        testsupport::writeFile(QString::fromStdString(path(name)), text);
        return lib.importMetadataCsv(path(name));
    }
    QTemporaryDir m_dir;
};

QTEST_APPLESS_MAIN(TestLibrary)
#include "tst_library.moc"
