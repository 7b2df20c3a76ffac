// Drift of the photos (EmbeddingDrift.h): which photos are recent, which earlier, when the test is
// made, and that it warns on a shifted sample and not on one from the same distribution; then
// through a real library. The MMD statistic itself is checked by hand in tst_stats.
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <random>

#include "diffclip/library/EmbeddingDrift.h"
#include "diffclip/library/Library.h"

using namespace diffclip;

namespace {

constexpr int64_t kDay = 86'400'000;

// Unit vectors in 8 dimensions around `centre` (a unit vector) with Gaussian noise `spread`.
void addRows(EmbeddingMatrix& m, std::vector<int64_t>& at, int rows, const std::vector<float>& centre, double spread,
             int64_t addedMs, std::mt19937_64& rng) {
    std::normal_distribution<double> noise(0.0, spread);
    for (int r = 0; r < rows; ++r) {
        std::vector<float> v(8);
        double norm = 0;
        for (int k = 0; k < 8; ++k) {
            v[size_t(k)] = float(centre[size_t(k)] + noise(rng));
            norm += double(v[size_t(k)]) * v[size_t(k)];
        }
        for (float& x : v) x = float(x / std::sqrt(norm));
        m.ids.push_back(int64_t(m.ids.size()) + 1);
        m.values.insert(m.values.end(), v.begin(), v.end());
        at.push_back(addedMs);
    }
}

}  // namespace

class TestDrift : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void windowsAndVerdicts() {
        const int64_t end = 100 * kDay;
        const std::vector<float> e0{1, 0, 0, 0, 0, 0, 0, 0}, e1{0, 1, 0, 0, 0, 0, 0, 0};
        std::mt19937_64 rng(7);
        EmbeddingMatrix same;
        same.dim = 8;
        std::vector<int64_t> at;
        addRows(same, at, 60, e0, 0.3, end - 30 * kDay, rng);  // earlier
        addRows(same, at, 30, e0, 0.3, end - 2 * kDay, rng);   // recent, same distribution
        addRows(same, at, 5, e1, 0.3, end + kDay, rng);        // after the end: left out
        DriftOptions o;
        o.endMs = end;
        o.recentDays = 7;
        auto d = testEmbeddingDrift(same, at, o);
        QVERIFY(d.ok());
        QCOMPARE(d->recent, int64_t(30));
        QCOMPARE(d->earlier, int64_t(60));
        QCOMPARE(d->recentFromMs, end - 7 * kDay);
        QVERIFY(d->tested);
        QVERIFY2(!d->warning && d->pValue > 0.05, qPrintable(QString::number(d->pValue)));

        // Recent photos of another kind: the smallest p the 200 permutations can give, 1/201.
        EmbeddingMatrix shifted;
        shifted.dim = 8;
        at.clear();
        addRows(shifted, at, 60, e0, 0.3, end - 30 * kDay, rng);
        addRows(shifted, at, 30, e1, 0.3, end - kDay, rng);
        d = testEmbeddingDrift(shifted, at, o);
        QVERIFY(d.ok() && d->tested && d->warning);
        QCOMPARE(d->pValue, 1.0 / 201.0);
        QVERIFY(d->mmd2 > 0.1);

        // Sampling: at most maxPerSide per side.
        o.maxPerSide = 20;
        d = testEmbeddingDrift(shifted, at, o);
        QVERIFY(d.ok() && d->tested);
        QCOMPARE(d->recentSampled, int64_t(20));
        QCOMPARE(d->earlierSampled, int64_t(20));
        QCOMPARE(d->recent, int64_t(30));

        // Too few on a side: counted, not tested, no warning.
        o.maxPerSide = 400;
        o.recentDays = 7;
        o.minPerSide = 31;
        d = testEmbeddingDrift(shifted, at, o);
        QVERIFY(d.ok() && !d->tested && !d->warning);
        QCOMPARE(d->pValue, 1.0);
        // No end given: the window ends just after the newest photo (added end - 1 day).
        o.minPerSide = 10;
        o.endMs = 0;
        d = testEmbeddingDrift(shifted, at, o);
        QVERIFY(d.ok());
        QCOMPARE(d->recentToMs, end - kDay + 1);
        QCOMPARE(d->recent, int64_t(30));
        // Sizes that do not match.
        at.pop_back();
        QVERIFY(!testEmbeddingDrift(shifted, at, o).ok());
    }

    void throughALibrary() {
        QTemporaryDir dir;
        auto lib = Library::open(dir.filePath("d.dclib").toStdString());
        QVERIFY(lib.ok());
        // No model yet: nothing to compare.
        auto none = embeddingDrift(*lib, DriftOptions{});
        QVERIFY(none.ok() && !none->tested && none->model.empty());
        // Every photo is added now: all recent, none earlier, not tested.
        auto model = lib->ensureModel("m", "fp-m", "{}", 4);
        QVERIFY(model.ok());
        for (int i = 0; i < 12; ++i) {
            ImageRecord r;
            r.path = "/p/" + std::to_string(i) + ".png";
            r.contentHash = std::string(62, '0') + char('a' + i / 10) + char('0' + i % 10);
            auto id = lib->upsertImage(r);
            QVERIFY(id.ok());
            const float v[4] = {1.0f, float(i) / 12.0f, 0.0f, 0.0f};
            QVERIFY(lib->putEmbedding(*id, *model, v, 4).ok());
        }
        auto d = embeddingDrift(*lib, DriftOptions{});
        QVERIFY2(d.ok(), d.ok() ? "" : d.error().describe().c_str());
        QCOMPARE(d->model, std::string("m"));
        QCOMPARE(d->recent, int64_t(12));
        QCOMPARE(d->earlier, int64_t(0));
        QVERIFY(!d->tested);
    }
};

QTEST_GUILESS_MAIN(TestDrift)
#include "tst_drift.moc"
