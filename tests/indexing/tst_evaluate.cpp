// Leave-one-out image->image retrieval (evaluateRetrieval, Evaluate.h) on small labelled
// libraries built through diffclip::Library with hand-made 3-D embeddings, so that every recall@K
// and mAP can be worked out by hand (the working is in the comments next to the numbers).
// The embeddings have small integer components (exact in the library's fp16), and every tie is
// between cosines that are exactly equal in any summation order (the same vector, or exact 0).

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "diffclip/indexing/Evaluate.h"
#include "diffclip/indexing/Indexer.h"
#include "diffclip/library/Library.h"
#include "diffclip/model/ModelIO.h"

using namespace diffclip;

namespace {

struct Photo {
    std::string name;
    std::string label;  // empty: unlabelled
    int hash;           // photos with the same number have identical files (same content hash)
    std::vector<float> embedding;  // empty: not embedded
};

std::string hashOf(int k) {
    std::string h(64, '0');
    const std::string tail = std::to_string(k);
    h.replace(64 - tail.size(), tail.size(), tail);
    return h;
}

// Exact for the fractions below (numerators and denominators well inside 2^53).
bool near(double a, double b) { return std::fabs(a - b) < 1e-12; }

QString describe(const RetrievalReport::PerClass& c) {
    QString s = QStringLiteral("queries %1").arg(c.queries);
    for (const auto& [k, r] : c.recallAtK) s += QStringLiteral(", r@%1 %2").arg(k).arg(r, 0, 'g', 17);
    return s + QStringLiteral(", mAP %1").arg(c.meanAveragePrecision, 0, 'g', 17);
}

}  // namespace

class TestEvaluate : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::optional<LoadedModel> m_model;

    // A library at `name` holding `photos` in this order (image ids 1, 2, ...), with their labels
    // and embeddings stored under the test model's fingerprint.
    std::optional<Library> build(const std::string& name, const std::vector<Photo>& photos) {
        auto lib = Library::open(m_dir.filePath(QString::fromStdString(name)).toStdString());
        if (!lib) {
            qWarning("%s", lib.error().describe().c_str());
            return std::nullopt;
        }
        auto modelId = lib->ensureModel("toy", modelFingerprint(*m_model), "{}", 3);
        if (!modelId) return std::nullopt;
        for (const Photo& p : photos) {
            ImageRecord r;
            r.path = "/toy/" + p.name + ".png";
            r.contentHash = hashOf(p.hash);
            r.size = 1000 + p.hash;
            auto id = lib->upsertImage(r);
            if (!id) return std::nullopt;
            if (!p.label.empty() && !lib->setLabel(*id, p.label, LabelSource::Manual)) return std::nullopt;
            if (!p.embedding.empty() && !lib->putEmbedding(*id, *modelId, p.embedding.data(), 3))
                return std::nullopt;
        }
        return std::optional<Library>(std::move(*lib));
    }

    void check(const RetrievalReport::PerClass& got, int64_t queries, const std::map<int, double>& recall, double map,
               const char* what) {
        const QString text = QString::fromLatin1(what) + QStringLiteral(": ") + describe(got);
        QVERIFY2(got.queries == queries, qPrintable(text));
        QVERIFY2(got.recallAtK.size() == recall.size(), qPrintable(text));
        for (const auto& [k, r] : recall) {
            QVERIFY2(got.recallAtK.count(k), qPrintable(text));
            QVERIFY2(near(got.recallAtK.at(k), r), qPrintable(text + QStringLiteral(" (r@%1 should be %2)").arg(k).arg(r)));
        }
        QVERIFY2(near(got.meanAveragePrecision, map), qPrintable(text + QStringLiteral(" (mAP should be %1)").arg(map)));
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        // Any model serves: evaluateRetrieval reads the embeddings stored under its fingerprint.
        auto model = loadModel("preset:diffclip-tiny");
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().describe().c_str());
        m_model = std::move(*model);
    }

    // Seven labelled photos in three classes, in the x-y plane unless said otherwise:
    //   id 1 c1    crack    (1,0,0)   0 deg
    //   id 2 c2    crack    (4,1,0)   14.04 deg
    //   id 3 d1    dent     (2,1,0)   26.57 deg
    //   id 4 c3    crack    (1,2,0)   63.43 deg
    //   id 5 d2    dent     (0,1,0)   90 deg
    //   id 6 s1    scratch  (0,0,1)   orthogonal to all (cosine exactly 0): a class of one photo
    //   id 7 c1dup crack    (1,0,0)   the same file as c1 (same content hash): an exact duplicate
    // plus two photos that must not count: id 8 unlabelled at (4,1,0) (it would be everyone's near
    // neighbour), id 9 labelled dent without an embedding.
    // Cosines: c1.c2 = 4/sqrt17 = .970, c1.d1 = 2/sqrt5 = .894, c1.c3 = 1/sqrt5 = .447, c1.d2 = 0,
    // c2.d1 = 9/sqrt85 = .976, c2.c3 = 6/sqrt85 = .651, c2.d2 = 1/sqrt17 = .243, d1.c3 = 4/5 = .8,
    // d1.d2 = 1/sqrt5 = .447, c3.d2 = 2/sqrt5 = .894; s1 with anything 0.
    // Ranking of each query (R: same class; duplicates of the query left out; equal cosines in
    // library order), and its first hit and average precision (mean of precision at each R):
    //   c1:    c2 R, d1, c3 R, d2, s1 (c1dup left out)   first hit 1   AP (1/1 + 2/3)/2       = 5/6
    //   c2:    d1, c1 R, c1dup R, c3 R, d2, s1            first hit 2   AP (1/2 + 2/3 + 3/4)/3 = 23/36
    //   d1:    c2, c1, c1dup, c3, d2 R, s1                first hit 5   AP 1/5
    //   c3:    d2, d1, c2 R, c1 R, c1dup R, s1            first hit 3   AP (1/3 + 2/4 + 3/5)/3 = 43/90
    //   d2:    c3, d1 R, c2, c1, s1, c1dup                first hit 2   AP 1/2
    //   s1:    no scratch among the candidates            a miss        AP 0
    //   c1dup: c2 R, d1, c3 R, d2, s1 (c1 left out)       first hit 1   AP 5/6
    // Overall (7 queries): r@1 = 2/7 (c1, c1dup), r@2 = 4/7 (+ c2, d2), r@3 = 5/7 (+ c3);
    // mAP = (150 + 115 + 36 + 86 + 90 + 0 + 150)/180 / 7 = 627/1260 = 209/420.
    // crack (c1, c2, c3, c1dup): r@1 = 2/4, r@2 = 3/4, r@3 = 4/4, mAP = (150+115+86+150)/180/4 = 167/240.
    // dent (d1, d2): r@1 = 0, r@2 = 1/2, r@3 = 1/2, mAP = (1/5 + 1/2)/2 = 7/20.
    // scratch (s1): 0, 0, 0, mAP 0. Duplicate pairs left out: c1 -> c1dup and c1dup -> c1 = 2.
    void recallAndMapWorkedOutByHand() {
        auto lib = build("hand.dclib", {{"c1", "crack", 1, {1, 0, 0}},
                                        {"c2", "crack", 2, {4, 1, 0}},
                                        {"d1", "dent", 3, {2, 1, 0}},
                                        {"c3", "crack", 4, {1, 2, 0}},
                                        {"d2", "dent", 5, {0, 1, 0}},
                                        {"s1", "scratch", 6, {0, 0, 1}},
                                        {"c1dup", "crack", 1, {1, 0, 0}},
                                        {"unlabelled", "", 8, {4, 1, 0}},
                                        {"not-embedded", "dent", 9, {}}});
        QVERIFY(lib);
        auto r = evaluateRetrieval(*lib, *m_model, {1, 2, 3});
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().describe().c_str());
        check(r->overall, 7, {{1, 2.0 / 7}, {2, 4.0 / 7}, {3, 5.0 / 7}}, 209.0 / 420, "overall");
        QCOMPARE(r->classes.size(), size_t(3));
        check(r->classes.at("crack"), 4, {{1, 2.0 / 4}, {2, 3.0 / 4}, {3, 1.0}}, 167.0 / 240, "crack");
        check(r->classes.at("dent"), 2, {{1, 0.0}, {2, 1.0 / 2}, {3, 1.0 / 2}}, 7.0 / 20, "dent");
        check(r->classes.at("scratch"), 1, {{1, 0.0}, {2, 0.0}, {3, 0.0}}, 0.0, "scratch");
        QCOMPARE(r->excludedDuplicates, int64_t(2));

        // A K beyond the candidates counts every query that has a same-class candidate at all:
        // all but s1, so 6/7; K = 5 adds d1 (first hit 5): also 6/7, K = 4 does not: 5/7.
        auto wide = evaluateRetrieval(*lib, *m_model, {4, 5, 100});
        QVERIFY(wide.ok());
        check(wide->overall, 7, {{4, 5.0 / 7}, {5, 6.0 / 7}, {100, 6.0 / 7}}, 209.0 / 420, "overall, wide K");
    }

    // Equal cosines keep the library's order (ascending image id), and that order decides:
    //   id 1 a1 class a (1,0,0); id 2 b1 class b (0,1,0); id 3 a2 class a (0,0,1): all cosines 0.
    //   a1: b1, a2 R (tie, id order)  first hit 2, AP 1/2
    //   b1: a1, a2, no b              a miss, AP 0
    //   a2: a1 R, b1 (tie, id order)  first hit 1, AP 1
    // Overall: r@1 = 1/3, r@2 = 2/3, mAP = (1/2 + 0 + 1)/3 = 1/2; a: r@1 1/2, r@2 1, mAP 3/4; b: 0.
    void tiesKeepTheLibraryOrder() {
        auto lib = build("ties.dclib", {{"a1", "a", 1, {1, 0, 0}}, {"b1", "b", 2, {0, 1, 0}}, {"a2", "a", 3, {0, 0, 1}}});
        QVERIFY(lib);
        auto r = evaluateRetrieval(*lib, *m_model, {1, 2});
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().describe().c_str());
        check(r->overall, 3, {{1, 1.0 / 3}, {2, 2.0 / 3}}, 1.0 / 2, "overall");
        check(r->classes.at("a"), 2, {{1, 1.0 / 2}, {2, 1.0}}, 3.0 / 4, "a");
        check(r->classes.at("b"), 1, {{1, 0.0}, {2, 0.0}}, 0.0, "b");
        QCOMPARE(r->excludedDuplicates, int64_t(0));
    }

    // Two identical files of one class and one photo of another: each duplicate's only same-class
    // candidate is left out, so no query can hit. x1 (1,0,0) a, x2 (1,0,0) a with x1's hash,
    // y (0,1,0) b. Every query a miss with AP 0; 2 pairs left out (x1 -> x2, x2 -> x1).
    void duplicatesAreNoHits() {
        auto lib = build("dups.dclib", {{"x1", "a", 1, {1, 0, 0}}, {"x2", "a", 1, {1, 0, 0}}, {"y", "b", 2, {0, 1, 0}}});
        QVERIFY(lib);
        auto r = evaluateRetrieval(*lib, *m_model, {1, 2});
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().describe().c_str());
        check(r->overall, 3, {{1, 0.0}, {2, 0.0}}, 0.0, "overall");
        check(r->classes.at("a"), 2, {{1, 0.0}, {2, 0.0}}, 0.0, "a");
        QCOMPARE(r->excludedDuplicates, int64_t(2));
    }

    void refusals() {
        auto lib = build("refusals.dclib", {{"a1", "a", 1, {1, 0, 0}}, {"a2", "a", 2, {0, 1, 0}}});
        QVERIFY(lib);
        QCOMPARE(evaluateRetrieval(*lib, *m_model, {}).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(evaluateRetrieval(*lib, *m_model, {1, 0}).error().code, ErrorCode::InvalidArgument);
        QVERIFY(evaluateRetrieval(*lib, *m_model, {1}).ok());

        // One labelled photo with an embedding is not enough to query anything.
        auto one = build("one.dclib", {{"a1", "a", 1, {1, 0, 0}}, {"u", "", 2, {0, 1, 0}}, {"b", "b", 3, {}}});
        QVERIFY(one);
        auto r = evaluateRetrieval(*one, *m_model, {1});
        QCOMPARE(r.error().code, ErrorCode::NotFound);
        QVERIFY2(r.error().message.find("fewer than two labelled photos") != std::string::npos, r.error().message.c_str());

        // Another model's embeddings are not this model's.
        auto other = loadModel("preset:clip-starter");
        QVERIFY2(other.ok(), other.ok() ? "" : other.error().describe().c_str());
        QCOMPARE(evaluateRetrieval(*lib, *other, {1}).error().code, ErrorCode::NotFound);
    }
};

QTEST_APPLESS_MAIN(TestEvaluate)
#include "tst_evaluate.moc"
