// "Check these labels" and "Label these next" (LabelCheck.h): doubts, scores, uncertainty,
// novelty and the greedy order on hand-computed cases, the library's main model, and a library
// without embeddings.
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

    // Labelled: A (1, 0) "a", B (0, 1) "b". Unlabelled, k = 2:
    //   P (0.6, 0.8): cosines 0.6 (A) and 0.8 (B): margin 0.2/1.4, uncertainty 1 − 1/7 = 0.857143,
    //     likely b; novelty (1 − 0.8)/2 = 0.1; priority 0.0857143
    //   Q (−1, 0): cosines −1 and 0, no positive weight: uncertainty 1, no label; novelty
    //     (1 − 0)/2 = 0.5; priority 0.5
    //   R (0.96, 0.28): cosines 0.96 and 0.28: margin 0.68/1.24, uncertainty 0.451613, likely a;
    //     novelty 0.02; priority 0.00903226
    //   Q2 (−0.96, 0.28): as novel as Q (0.5 to B: cosine 0.28 → 0.36 to B, and A −0.96: max cosine
    //     0.28, novelty 0.36), uncertainty 0 (only B has weight); priority 0 before Q, and after Q
    //     is picked its distance is min(0.36, (1 − 0.96)/2 = 0.02).
    //   Order: Q, P, R, Q2 (0 priority, the last).
    void suggestionsByHand() {
        EmbeddingMatrix m = matrix({{1.0f, 0.0f}, {0.0f, 1.0f}, {0.6f, 0.8f}, {-1.0f, 0.0f}, {0.96f, 0.28f}, {-0.96f, 0.28f}});
        const std::map<int64_t, std::string> labels{{1, "a"}, {2, "b"}};
        auto s = suggestLabelling(m, labels, 2, 0);
        QVERIFY(s.ok());
        QCOMPARE(s->size(), size_t(4));
        QCOMPARE(s->at(0).imageId, int64_t(4));  // Q
        QCOMPARE(s->at(0).uncertainty, 1.0);
        QVERIFY(std::fabs(s->at(0).novelty - 0.5) < 1e-6);
        QVERIFY(std::fabs(s->at(0).priority - 0.5) < 1e-6);
        QVERIFY(s->at(0).likely.empty());
        QCOMPARE(s->at(1).imageId, int64_t(3));  // P
        QVERIFY2(std::fabs(s->at(1).uncertainty - 6.0 / 7.0) < 1e-6, qPrintable(QString::number(s->at(1).uncertainty, 'g', 9)));
        QVERIFY(std::fabs(s->at(1).novelty - 0.1) < 1e-6);
        QVERIFY(std::fabs(s->at(1).priority - 0.6 / 7.0) < 1e-6);
        QCOMPARE(s->at(1).likely, std::string("b"));
        QCOMPARE(s->at(1).runnerUp, std::string("a"));
        QCOMPARE(s->at(2).imageId, int64_t(5));  // R
        QVERIFY(std::fabs(s->at(2).uncertainty - (1.0 - 0.68 / 1.24)) < 1e-6);
        QVERIFY(std::fabs(s->at(2).priority - (1.0 - 0.68 / 1.24) * 0.02) < 1e-6);
        QCOMPARE(s->at(2).likely, std::string("a"));
        QCOMPARE(s->at(3).imageId, int64_t(6));  // Q2
        QCOMPARE(s->at(3).uncertainty, 0.0);
        QVERIFY(std::fabs(s->at(3).novelty - 0.36) < 1e-6);
        QCOMPARE(s->at(3).likely, std::string("b"));
        QVERIFY(s->at(3).runnerUp.empty());
        // top 2: the first two of the same order.
        auto two = suggestLabelling(m, labels, 2, 2);
        QVERIFY(two.ok());
        QCOMPARE(two->size(), size_t(2));
        QCOMPARE(two->at(1).imageId, int64_t(3));
        QVERIFY(!suggestLabelling(m, labels, 0, 5).ok());
        QVERIFY(!suggestLabelling(m, labels, 2, -1).ok());
    }

    // Diversity: with nothing labelled every photo is equally uncertain (1) and novel (1); the
    // first pick is the lowest id, then the photo farthest from it, and a near duplicate of a pick
    // comes after a photo unlike both. Rows: X (1, 0), X' (0.998, 0.0632), Y (0, 1), Z (−1, 0).
    // After X: distances X' 0.001, Y 0.5, Z 1 → Z. After Z: Y min(0.5, 0.5) = 0.5, X' 0.001 → Y, X'.
    void suggestionsSpreadOut() {
        EmbeddingMatrix m = matrix({{1.0f, 0.0f}, {0.998f, 0.0632f}, {0.0f, 1.0f}, {-1.0f, 0.0f}});
        auto s = suggestLabelling(m, {}, 3, 0);
        QVERIFY(s.ok());
        QCOMPARE(s->size(), size_t(4));
        QCOMPARE(s->at(0).imageId, int64_t(1));
        QCOMPARE(s->at(1).imageId, int64_t(4));
        QCOMPARE(s->at(2).imageId, int64_t(3));
        QCOMPARE(s->at(3).imageId, int64_t(2));
        QCOMPARE(s->at(0).novelty, 1.0);
        QVERIFY(std::fabs(s->at(1).priority - 1.0) < 1e-6);
        QVERIFY(std::fabs(s->at(2).priority - 0.5) < 1e-6);
        // Everything labelled: nothing to suggest.
        auto none = suggestLabelling(m, {{1, "a"}, {2, "a"}, {3, "b"}, {4, "b"}}, 3, 0);
        QVERIFY(none.ok() && none->empty());
    }

    void throughALibrary() {
        QTemporaryDir dir;
        auto lib = Library::open(dir.filePath("l.dclib").toStdString());
        QVERIFY(lib.ok());
        auto empty = checkLibraryLabels(*lib, 5);
        QVERIFY(empty.ok() && empty->model.empty() && empty->doubts.empty());
        auto emptyPlan = suggestLibraryLabelling(*lib, 5, 10);
        QVERIFY(emptyPlan.ok() && emptyPlan->model.empty() && emptyPlan->suggestions.empty());
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

        // Two unlabelled photos: one at e0 among the dents (certain: uncertainty 0), one at
        // (−1, 0) unlike anything (uncertainty 1, novelty 0.5): that one first.
        std::vector<int64_t> open;
        for (int i = 0; i < 2; ++i) {
            ImageRecord r;
            r.path = "/l/u" + std::to_string(i) + ".png";
            r.contentHash = std::string(63, 'c') + char('0' + i);
            open.push_back(*lib->upsertImage(r));
            const float v[2] = {i == 0 ? 1.0f : -1.0f, 0.0f};
            QVERIFY(lib->putEmbedding(open.back(), *big, v, 2).ok());
        }
        auto plan = suggestLibraryLabelling(*lib, 3, 10);
        QVERIFY2(plan.ok(), plan.ok() ? "" : plan.error().describe().c_str());
        QCOMPARE(plan->model, std::string("big"));
        QCOMPARE(plan->labelled, int64_t(6));
        QCOMPARE(plan->unlabelled, int64_t(2));
        QCOMPARE(plan->suggestions.size(), size_t(2));
        QCOMPARE(plan->suggestions[0].imageId, open[1]);
        QCOMPARE(plan->suggestions[1].imageId, open[0]);
        QCOMPARE(plan->suggestions[1].likely, std::string("dent"));
    }
};

QTEST_GUILESS_MAIN(TestLabelCheck)
#include "tst_labelcheck.moc"
