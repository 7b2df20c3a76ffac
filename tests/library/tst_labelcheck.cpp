// "Check these labels" (LabelCheck.h): doubts and scores on hand-computed cases, the order, the
// library's main model, and a library without embeddings.
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>

#include "diffclip/library/LabelCheck.h"
#include "diffclip/library/Library.h"

using namespace diffclip;

namespace {

EmbeddingMatrix matrix(const std::vector<std::vector<float>>& rows) {
    EmbeddingMatrix m;
    m.dim = int(rows.front().size());
    for (size_t i = 0; i < rows.size(); ++i) {
        m.ids.push_back(int64_t(i) + 1);
        m.values.insert(m.values.end(), rows[i].begin(), rows[i].end());
    }
    return m;
}

}  // namespace

class TestLabelCheck : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void byHand() {
        // Four photos at e0 (three "dent", one "scratch"), two at e1 ("scratch"), k = 3.
        //   the scratch at e0: neighbours the three dents (cosine 1 each) -> score 3/3 = 1, suggests dent
        //   a dent at e0: two dents and the scratch at cosine 1, then 0: 1/3 against -> its own label wins
        //   a scratch at e1: the other scratch (1) and two photos at e0 (cosine 0): weight 1 of 1 agrees
        const std::vector<float> e0{1, 0}, e1{0, 1};
        EmbeddingMatrix m = matrix({e0, e0, e0, e0, e1, e1});
        std::map<int64_t, std::string> labels{{1, "dent"}, {2, "dent"}, {3, "dent"}, {4, "scratch"}, {5, "scratch"},
                                              {6, "scratch"}};
        auto d = checkLabels(m, labels, 3);
        QVERIFY(d.ok());
        QCOMPARE(d->size(), size_t(1));
        QCOMPARE(d->at(0).imageId, int64_t(4));
        QCOMPARE(d->at(0).suggested, std::string("dent"));
        QCOMPARE(d->at(0).score, 1.0);
        QCOMPARE(d->at(0).disagreeing, 3);
        QCOMPARE(d->at(0).neighbours, 3);

        // Weighted, k = 3, rows a (1, 0), b (0.8, 0.6), b (0.6, 0.8), a (0.28, 0.96), and one unlabelled
        // row that takes no part. Row 1 (a): b at 0.8 and 0.6, a at 0.28: 1.4 of 1.68 against
        // (0.8333333). Row 4 (a): b at 0.936 and 0.8, a at 0.28: 1.736 of 2.016 (0.8611111), first.
        EmbeddingMatrix w = matrix({{1.0f, 0.0f}, {0.8f, 0.6f}, {0.6f, 0.8f}, {0.28f, 0.96f}, {1.0f, 0.0f}});
        std::map<int64_t, std::string> wl{{1, "a"}, {2, "b"}, {3, "b"}, {4, "a"}};
        auto dw = checkLabels(w, wl, 3);
        QVERIFY(dw.ok());
        QVERIFY(dw->size() >= 2);
        QCOMPARE(dw->at(0).imageId, int64_t(4));
        QVERIFY2(std::fabs(dw->at(0).score - 1.736 / 2.016) < 1e-6, qPrintable(QString::number(dw->at(0).score, 'g', 9)));
        const auto first = std::find_if(dw->begin(), dw->end(), [](const LabelDoubt& x) { return x.imageId == 1; });
        QVERIFY(first != dw->end());
        QVERIFY2(std::fabs(first->score - 1.4 / 1.68) < 1e-6, qPrintable(QString::number(first->score, 'g', 9)));
        QCOMPARE(first->suggested, std::string("b"));
        for (size_t i = 1; i < dw->size(); ++i) QVERIFY(dw->at(i - 1).score >= dw->at(i).score);  // highest first

        QVERIFY(!checkLabels(m, labels, 0).ok());
        // Nothing labelled: nothing to doubt.
        auto none = checkLabels(m, {}, 3);
        QVERIFY(none.ok() && none->empty());
    }

    void throughALibrary() {
        QTemporaryDir dir;
        auto lib = Library::open(dir.filePath("l.dclib").toStdString());
        QVERIFY(lib.ok());
        auto empty = checkLibraryLabels(*lib, 5);
        QVERIFY(empty.ok() && empty->model.empty() && empty->doubts.empty());
        // Two models: the one with more embeddings is the main one.
        auto small = lib->ensureModel("small", "fp-small", "{}", 2);
        auto big = lib->ensureModel("big", "fp-big", "{}", 2);
        QVERIFY(small.ok() && big.ok());
        std::vector<int64_t> ids;
        for (int i = 0; i < 6; ++i) {
            ImageRecord r;
            r.path = "/l/" + std::to_string(i) + ".png";
            r.contentHash = std::string(63, 'b') + char('0' + i);
            ids.push_back(*lib->upsertImage(r));
            const float v[2] = {i < 4 ? 1.0f : 0.0f, i < 4 ? 0.0f : 1.0f};
            QVERIFY(lib->putEmbedding(ids.back(), *big, v, 2).ok());
            QVERIFY(lib->setLabel(ids.back(), i < 3 || i == 5 ? "dent" : "scratch", LabelSource::Manual).ok());
        }
        QVERIFY(lib->putEmbedding(ids[0], *small, std::vector<float>{1.0f, 0.0f}.data(), 2).ok());
        auto main = mainEmbeddingModel(*lib);
        QVERIFY(main.ok() && main->has_value());
        QCOMPARE((*main)->name, std::string("big"));
        auto c = checkLibraryLabels(*lib, 3);
        QVERIFY2(c.ok(), c.ok() ? "" : c.error().describe().c_str());
        QCOMPARE(c->model, std::string("big"));
        QCOMPARE(c->labelled, int64_t(6));
        // Photo 3 (a scratch among three dents at e0) sees three dents: score 1, suggests dent. At e1,
        // photos 4 (scratch) and 5 (dent) each see the other at cosine 1 and e0 photos at 0: all
        // weight says otherwise, score 1 each. Equal scores go by image id.
        QCOMPARE(c->doubts.size(), size_t(3));
        QCOMPARE(c->doubts[0].imageId, ids[3]);
        QCOMPARE(c->doubts[0].suggested, std::string("dent"));
        QCOMPARE(c->doubts[1].imageId, ids[4]);
        QCOMPARE(c->doubts[1].suggested, std::string("dent"));
        QCOMPARE(c->doubts[2].imageId, ids[5]);
        QCOMPARE(c->doubts[2].suggested, std::string("scratch"));
        for (const auto& d : c->doubts) QCOMPARE(d.score, 1.0);
    }
};

QTEST_GUILESS_MAIN(TestLabelCheck)
#include "tst_labelcheck.moc"
