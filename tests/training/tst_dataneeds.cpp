// The data-needs study (DataNeeds.h): size lists, nested per-class draws on a hand-built data
// set, a linear study on synthetic photos (points, draws, intervals, held-out split, curve,
// JSON), a starter folder as the base, a scratch study that leaves no package behind, and the
// refusals (one class, no sizes, bad repeats or target, cancel).
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>

#include "diffclip/training/DataNeeds.h"
#include "TrainTestData.h"

using namespace diffclip;
using namespace diffclip::testdata;
namespace fs = std::filesystem;

namespace {

// A data set of labels only (drawPerClass reads nothing else): class c holds `counts[c]` samples.
Dataset labelsOnly(const std::vector<int>& counts) {
    Dataset d;
    for (size_t c = 0; c < counts.size(); ++c) {
        d.classes.push_back(ClassInfo{"c" + std::to_string(c), "", false});
        for (int i = 0; i < counts[c]; ++i) {
            Sample s;
            s.label = static_cast<int>(c);
            d.samples.push_back(s);
        }
    }
    return d;
}

size_t countOf(const Dataset& d, const std::vector<size_t>& idx, int label) {
    return static_cast<size_t>(std::count_if(idx.begin(), idx.end(), [&](size_t i) { return d.samples[i].label == label; }));
}

DataNeedsRequest linearRequest(const fs::path& root) {
    DataNeedsRequest r;
    r.dataRoot = root.string();
    r.mode = TrainMode::Linear;
    r.base = "preset:diffclip-tiny";
    r.sizes = {2, 4, 6, 0};
    r.repeats = 3;
    r.recipe = *presetRecipe(TrainMode::Linear, "standard");
    r.recipe.epochs = 60;
    r.recipe.valFraction = 0.25;
    r.recipe.device = "cpu";
    return r;
}

}  // namespace

class TstDataNeeds : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sizesParse() {
        auto s = parseDataSizes(" 20, 5,all,10,5 ");
        QVERIFY(s.ok());
        QCOMPARE(*s, (std::vector<int>{5, 10, 20, 0}));  // ascending, all last, no repeats
        QVERIFY(!parseDataSizes("").ok());
        QVERIFY(!parseDataSizes("5,x").ok());
        QVERIFY(!parseDataSizes("0").ok());
        QVERIFY(!parseDataSizes("-3").ok());
        QVERIFY(!parseDataSizes("5.5").ok());
        QVERIFY(parseDataSizes("5.5").error().message.find("5.5") != std::string::npos);
    }

    // Classes of 10, 3 and 6 samples. N = 4 takes 4, 3 (all there is) and 4; the draw of 2 is a
    // subset of the draw of 4 for the same seed; another seed draws differently; 0 is the pool.
    void drawsAreNestedAndCapped() {
        const Dataset d = labelsOnly({10, 3, 6});
        std::vector<size_t> pool(d.samples.size());
        for (size_t i = 0; i < pool.size(); ++i) pool[i] = i;
        const auto four = drawPerClass(d, pool, 4, 7);
        QCOMPARE(four.size(), size_t(11));
        QCOMPARE(countOf(d, four, 0), size_t(4));
        QCOMPARE(countOf(d, four, 1), size_t(3));
        QCOMPARE(countOf(d, four, 2), size_t(4));
        QVERIFY(std::is_sorted(four.begin(), four.end()));
        const auto two = drawPerClass(d, pool, 2, 7);
        QCOMPARE(two.size(), size_t(6));
        for (size_t i : two) QVERIFY(std::binary_search(four.begin(), four.end(), i));
        QCOMPARE(drawPerClass(d, pool, 4, 7), four);  // deterministic
        bool differs = false;
        for (uint64_t seed = 8; seed < 12 && !differs; ++seed) differs = drawPerClass(d, pool, 4, seed) != four;
        QVERIFY(differs);
        QCOMPARE(drawPerClass(d, pool, 0, 7), pool);
        // Only pool members are drawn.
        const std::vector<size_t> part{0, 1, 2, 10, 11};
        const auto fromPart = drawPerClass(d, part, 2, 3);
        QCOMPARE(fromPart.size(), size_t(4));
        for (size_t i : fromPart) QVERIFY(std::find(part.begin(), part.end(), i) != part.end());
    }

    void linearStudy() {
        QTemporaryDir tmp;
        const fs::path root = fs::path(tmp.path().toStdString()) / "tree";
        makeTree(root, 12);  // clean 13, dent 13 (a copy), scratch_mark 12; 0.25 held out
        std::vector<std::string> stages;
        JobControl job;
        job.progress = Progress([&](const ProgressUpdate& u) {
            if (stages.empty() || stages.back() != u.stage) stages.push_back(u.stage);
        });
        auto rep = runDataNeeds(linearRequest(root), job);
        QVERIFY2(rep.ok(), rep.ok() ? "" : rep.error().message.c_str());
        QCOMPARE(rep->mode, std::string("linear"));
        QCOMPARE(rep->classes.size(), size_t(3));
        QCOMPARE(rep->points.size(), size_t(4));
        int64_t pool = 0;
        for (auto n : rep->trainPool) pool += n;
        QCOMPARE(pool + rep->heldOut, int64_t(38));
        // The split of train (valFraction 0.25, seed 0): the held-out photos are the same for
        // every draw, so `all` is one draw on the whole pool.
        const auto& all = rep->points.back();
        QCOMPARE(all.requested, 0);
        QCOMPARE(all.top1.size(), size_t(1));
        QCOMPARE(all.interval.low, all.top1[0]);
        QCOMPARE(all.interval.high, all.top1[0]);
        QCOMPARE(all.perClass, double(pool) / 3.0);
        for (size_t i = 0; i + 1 < rep->points.size(); ++i) {
            const auto& p = rep->points[i];
            QCOMPARE(p.top1.size(), size_t(3));
            QCOMPARE(p.balanced.size(), size_t(3));
            QCOMPARE(p.perClass, double(p.requested));  // every class has more than 6
            const double mean = (p.top1[0] + p.top1[1] + p.top1[2]) / 3.0;
            QVERIFY(std::fabs(p.mean - mean) < 1e-12);
            const auto ci = stats::meanInterval95(p.top1);
            QCOMPARE(p.interval.low, std::clamp(ci.low, 0.0, 1.0));
            QCOMPARE(p.interval.high, std::clamp(ci.high, 0.0, 1.0));
            for (double v : p.top1) QVERIFY(v >= 0.0 && v <= 1.0);
        }
        // Four distinct sizes: a curve (or a reason), and the JSON says the same.
        QVERIFY(rep->curve.has_value() || !rep->curveNote.empty());
        const Json j = rep->toJson();
        QCOMPARE(j["format"].get<std::string>(), std::string("diffclip-data-needs/1"));
        QCOMPARE(j["points"].size(), size_t(4));
        QCOMPARE(j["points"][3]["requested"].get<std::string>(), std::string("all"));
        QCOMPARE(j["points"][0]["requested"].get<int>(), 2);
        QCOMPARE(j["held_out"].get<int64_t>(), rep->heldOut);
        QCOMPARE(stages, (std::vector<std::string>{"prepare", "embed", "run"}));
        // Deterministic: the same request gives the same figures.
        auto again = runDataNeeds(linearRequest(root), JobControl{});
        QVERIFY(again.ok());
        for (size_t i = 0; i < rep->points.size(); ++i) QCOMPARE(again->points[i].top1, rep->points[i].top1);
    }

    void twoSizesGiveNoCurve() {
        QTemporaryDir tmp;
        const fs::path root = fs::path(tmp.path().toStdString()) / "tree";
        makeTree(root, 8);
        auto req = linearRequest(root);
        req.sizes = {2, 4};
        req.repeats = 1;
        auto rep = runDataNeeds(req, JobControl{});
        QVERIFY(rep.ok());
        QVERIFY(!rep->curve);
        QVERIFY(!rep->needed);
        QVERIFY(rep->curveNote.find("three") != std::string::npos);
        QVERIFY(rep->toJson()["curve"].is_null());
    }

    // The shipped starter as the base (a starter folder, not a package).
    void starterBase() {
        QTemporaryDir tmp;
        const fs::path root = fs::path(tmp.path().toStdString()) / "tree";
        makeTree(root, 8);
        auto req = linearRequest(root);
        req.base = (fs::path(DIFFCLIP_SOURCE_DIR) / "resources" / "starters" / "diffclip-mini").string();
        req.sizes = {2, 0};
        req.repeats = 1;
        auto rep = runDataNeeds(req, JobControl{});
        QVERIFY2(rep.ok(), rep.ok() ? "" : rep.error().message.c_str());
        QVERIFY(rep->base.find("starter") == 0);
        QCOMPARE(rep->points.size(), size_t(2));
    }

    void scratchStudyLeavesNothing() {
        QTemporaryDir tmp;
        const fs::path root = fs::path(tmp.path().toStdString()) / "tree";
        const fs::path work = fs::path(tmp.path().toStdString()) / "work";
        makeTree(root, 6);
        fs::create_directories(work);
        DataNeedsRequest req;
        req.dataRoot = root.string();
        req.mode = TrainMode::Scratch;
        req.sizes = {2, 0};
        req.repeats = 2;
        req.workDir = work.string();
        req.recipe = *presetRecipe(TrainMode::Scratch, "quick");
        req.recipe.architecture = "preset:diffclip-tiny";
        req.recipe.init = "random";
        req.recipe.epochs = 1;
        req.recipe.batchSize = 8;
        req.recipe.valFraction = 0.25;
        req.recipe.device = "cpu";
        auto rep = runDataNeeds(req, JobControl{});
        QVERIFY2(rep.ok(), rep.ok() ? "" : rep.error().message.c_str());
        QCOMPARE(rep->points.size(), size_t(2));
        QCOMPARE(rep->points[0].top1.size(), size_t(2));
        QCOMPARE(rep->points[1].top1.size(), size_t(1));
        QCOMPARE(rep->points[0].perClass, 2.0);
        QVERIFY(fs::is_empty(work));  // every run's package and checkpoint removed
    }

    void refusals() {
        QTemporaryDir tmp;
        const fs::path root = fs::path(tmp.path().toStdString()) / "tree";
        makeTree(root, 6);
        auto req = linearRequest(root);
        req.sizes.clear();
        QCOMPARE(runDataNeeds(req, JobControl{}).error().code, ErrorCode::InvalidArgument);
        req = linearRequest(root);
        req.repeats = 0;
        QCOMPARE(runDataNeeds(req, JobControl{}).error().code, ErrorCode::InvalidArgument);
        req = linearRequest(root);
        req.target = 1.5;
        QCOMPARE(runDataNeeds(req, JobControl{}).error().code, ErrorCode::InvalidArgument);
        req = linearRequest(root);
        req.mode = TrainMode::Contrastive;
        QCOMPARE(runDataNeeds(req, JobControl{}).error().code, ErrorCode::InvalidArgument);
        req = linearRequest(root);
        req.recipe.valFraction = 0.0;  // no held-out photos to measure on
        QCOMPARE(runDataNeeds(req, JobControl{}).error().code, ErrorCode::InvalidArgument);
        req = linearRequest(root);
        req.base = (fs::path(tmp.path().toStdString()) / "no-such-model").string();
        QVERIFY(!runDataNeeds(req, JobControl{}).ok());
        // One class: nothing to tell apart.
        const fs::path one = fs::path(tmp.path().toStdString()) / "one";
        fs::create_directories(one / "only");
        for (int i = 0; i < 6; ++i) writeBmp(one / "only" / ("p" + std::to_string(i) + ".bmp"), 24, 20, 0, i);
        req = linearRequest(one);
        auto r = runDataNeeds(req, JobControl{});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        // Cancelled before it starts: Cancelled, nothing else.
        JobControl cancelled;
        cancelled.cancel = CancelToken();
        cancelled.cancel.cancel();
        auto c = runDataNeeds(linearRequest(root), cancelled);
        QVERIFY(!c.ok());
        QCOMPARE(c.error().code, ErrorCode::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TstDataNeeds)
#include "tst_dataneeds.moc"
