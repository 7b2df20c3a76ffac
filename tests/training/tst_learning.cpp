// Is the model learning? The monitor's pure logic on hand-built figures: balanced accuracy,
// the chance loss, the answer spread, the stall / divergence detector and the range-test rule.
// No LibTorch in this file, so it builds and runs in seconds.
#include <QtTest>

#include <cmath>
#include <limits>
#include <vector>

#include "diffclip/training/LearningMonitor.h"
#include "diffclip/training/TrainJob.h"

using namespace diffclip;

namespace {

// Rows: true class, columns: predicted (the EvalMetrics convention).
//   true 0: 8 1 1   recall 8/10 = 0.80
//   true 1: 1 3 0   recall 3/4  = 0.75
//   true 2: 0 1 1   recall 1/2  = 0.50
// top-1 = (8 + 3 + 1) / 16 = 0.75; balanced accuracy = (0.80 + 0.75 + 0.50) / 3 = 0.68333...
// Predicted per class: 9, 5, 2 (most-predicted share 9/16); every class recalled at least once.
const std::vector<std::vector<int64_t>> kConfusion = {{8, 1, 1}, {1, 3, 0}, {0, 1, 1}};

// An epoch after warm-up whose validation answers all went to one class.
EpochObservation collapsedEpoch(double loss, int64_t steps) {
    EpochObservation e;
    e.loss = loss;
    e.steps = steps;
    e.afterWarmup = true;
    // Six classes (10 validation photos of the first, 4 of each other), every answer class 0.
    std::vector<std::vector<int64_t>> confusion(6, std::vector<int64_t>(6, 0));
    for (size_t c = 0; c < 6; ++c) confusion[c][0] = c == 0 ? 10 : 4;
    e.answers = answerSpread(confusion);
    return e;
}

}  // namespace

class TestLearning : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void balancedAccuracyByHand() {
        QVERIFY(std::fabs(balancedAccuracy(kConfusion) - (0.80 + 0.75 + 0.50) / 3.0) < 1e-12);
        // A class without validation photos is left out of the mean, not counted as 0.
        QVERIFY(std::fabs(balancedAccuracy({{3, 1, 0}, {0, 0, 0}, {1, 0, 1}}) - (0.75 + 0.5) / 2.0) < 1e-12);
        // Answering the common class for everything: top-1 10/14, balanced accuracy 1/3.
        QVERIFY(std::fabs(balancedAccuracy({{10, 0, 0}, {2, 0, 0}, {2, 0, 0}}) - 1.0 / 3.0) < 1e-12);
        QCOMPARE(balancedAccuracy({}), 0.0);
    }

    void chanceLossIsTheBestConstantPrediction() {
        // Balanced shares: ln C whatever the smoothing.
        QVERIFY(std::fabs(chanceLoss({1, 1, 1}, 0.0) - std::log(3.0)) < 1e-12);
        QVERIFY(std::fabs(chanceLoss({5, 5, 5}, 0.3) - std::log(3.0)) < 1e-12);
        QVERIFY(std::fabs(chanceLoss({0, 0, 0, 0, 0, 0}, 0.1) - std::log(6.0)) < 1e-12);
        // Shares 0.8 / 0.1 / 0.1: H = -(0.8 ln 0.8 + 2 * 0.1 ln 0.1) = 0.639032.
        QVERIFY(std::fabs(chanceLoss({8, 1, 1}, 0.0) - 0.639031859650177) < 1e-9);
        // Smoothing 0.3: shares 0.7 * p + 0.1 = 0.66 / 0.17 / 0.17, H = 0.876706.
        QVERIFY(std::fabs(chanceLoss({8, 1, 1}, 0.3) - 0.8767055192715371) < 1e-9);
    }

    void answerSpreadByHand() {
        const AnswerSpread a = answerSpread(kConfusion);
        QVERIFY(std::fabs(a.topShare - 9.0 / 16.0) < 1e-12);
        QCOMPARE(a.classesRecalled, 3);
        QVERIFY(!LearningMonitor::collapsed(a));
        const AnswerSpread one = answerSpread({{5, 0, 0}, {3, 0, 0}, {2, 0, 0}});
        QCOMPARE(one.topShare, 1.0);
        QCOMPARE(one.classesRecalled, 1);
        QVERIFY(LearningMonitor::collapsed(one));
        const AnswerSpread none = answerSpread({{0, 0}, {0, 0}});
        QCOMPARE(none.topShare, -1.0);
        QVERIFY(LearningMonitor::collapsed(none));  // unknown: the loss decides
    }

    void stallAtChanceFires() {
        const double chance = std::log(6.0);
        LearningMonitor mon(6, chance);
        EpochObservation warm = collapsedEpoch(1.95, 20);
        warm.afterWarmup = false;
        QCOMPARE(mon.epoch(warm).state, LearningState::Learning);  // warm-up is never judged
        // At ln 6 to the third decimal: one epoch is not enough, the second (40 steps) is.
        QCOMPARE(mon.epoch(collapsedEpoch(1.793, 20)).state, LearningState::Learning);
        const LearningVerdict v = mon.epoch(collapsedEpoch(1.792, 20));
        QCOMPARE(v.state, LearningState::Stalled);
        QVERIFY2(v.reason.find("1.792") != std::string::npos, v.reason.c_str());
        QCOMPARE(std::string(learningStateName(v.state)), std::string("stalled"));

        // Few steps per epoch: 2 x 10 steps are not yet 30, the third epoch makes it.
        mon.reset();
        QCOMPARE(mon.epoch(collapsedEpoch(1.791, 10)).state, LearningState::Learning);
        QCOMPARE(mon.epoch(collapsedEpoch(1.792, 10)).state, LearningState::Learning);
        QCOMPARE(mon.epoch(collapsedEpoch(1.791, 10)).state, LearningState::Stalled);

        // A real run (3 classes, 4 steps an epoch): one epoch still settling (1.117) then flat at
        // ln 3 = 1.0986. The shortest window of >= 30 steps is 8 epochs; while it holds the
        // settling epoch the loss falls by 0.018 (> 1% of ln 3) over it, so it fires one epoch later.
        LearningMonitor three(3, std::log(3.0));
        QCOMPARE(three.epoch(collapsedEpoch(1.117, 4)).state, LearningState::Learning);
        for (int i = 0; i < 7; ++i) QCOMPARE(three.epoch(collapsedEpoch(1.0986, 4)).state, LearningState::Learning);
        QCOMPARE(three.epoch(collapsedEpoch(1.0986, 4)).state, LearningState::Stalled);
    }

    void learningRunsDoNotFire() {
        const double chance = std::log(6.0);
        // A run that learns: the loss leaves chance after warm-up.
        LearningMonitor mon(6, chance);
        for (double loss : {1.95, 1.70, 1.45, 1.20, 0.95, 0.80, 0.70})
            QCOMPARE(mon.epoch(collapsedEpoch(loss, 20)).state, LearningState::Learning);
        // At chance but spreading its answers over the classes: turning, not stalled.
        mon.reset();
        EpochObservation spread = collapsedEpoch(1.79, 20);
        // Each class answered right 3 times in 4 and confused with its pair's other class (0-1, 2-3, 4-5) once.
        std::vector<std::vector<int64_t>> confusion(6, std::vector<int64_t>(6, 0));
        for (size_t c = 0; c < 6; ++c) {
            confusion[c][c] = 3;
            confusion[c][c ^ 1] = 1;
        }
        spread.answers = answerSpread(confusion);
        for (int i = 0; i < 6; ++i) QCOMPARE(mon.epoch(spread).state, LearningState::Learning);
        // Inside the chance band but falling 0.03 an epoch (more than 1% of ln 6): left alone.
        mon.reset();
        for (double loss : {1.83, 1.80, 1.77, 1.74})
            QCOMPARE(mon.epoch(collapsedEpoch(loss, 20)).state, LearningState::Learning);
    }

    void divergenceFires() {
        const double chance = std::log(6.0);
        LearningMonitor mon(6, chance);
        QCOMPARE(mon.step(2.5, 3).state, LearningState::Learning);
        const LearningVerdict nan = mon.step(std::numeric_limits<double>::quiet_NaN(), 7);
        QCOMPARE(nan.state, LearningState::Diverging);
        QVERIFY2(nan.reason.find("step 7") != std::string::npos, nan.reason.c_str());
        QCOMPARE(mon.step(std::numeric_limits<double>::infinity(), 8).state, LearningState::Diverging);
        // 3.0 > 1.5 x ln 6 = 2.69: diverging after warm-up, tolerated during it.
        EpochObservation high = collapsedEpoch(3.0, 20);
        high.afterWarmup = false;
        QCOMPARE(mon.epoch(high).state, LearningState::Learning);
        high.afterWarmup = true;
        QCOMPARE(mon.epoch(high).state, LearningState::Diverging);
        QCOMPARE(mon.epoch(collapsedEpoch(2.6, 20)).state, LearningState::Learning);
        QCOMPARE(mon.epoch(collapsedEpoch(std::numeric_limits<double>::quiet_NaN(), 20)).state,
                 LearningState::Diverging);
    }

    void rangeTestRule() {
        std::vector<double> rates, losses;
        for (int i = 0; i < 50; ++i) {
            rates.push_back(1e-6 * std::pow(10.0, i / 10.0));
            losses.push_back(i <= 20 ? 2.0 : i <= 35 ? 1.0 : 100.0);
        }
        // The smoothed loss falls towards 1.0 until step 35; at step 36 it exceeds 4x its minimum.
        LrRangeChoice c = pickLearningRate(rates, losses, 1e-7, 1.0, 5e-4);
        QVERIFY(c.fromCurve);
        QCOMPARE(c.minIndex, 35);
        QCOMPARE(c.smoothed.size(), size_t(36));
        QVERIFY(std::fabs(c.learningRate - rates[35] / 10.0) < 1e-15);
        // Clamped to the range.
        c = pickLearningRate(rates, losses, 1e-3, 1.0, 5e-4);
        QCOMPARE(c.learningRate, 1e-3);
        // A flat curve says nothing: the fallback is kept.
        c = pickLearningRate(rates, std::vector<double>(50, 1.79), 1e-7, 1.0, 5e-4);
        QVERIFY(!c.fromCurve);
        QCOMPARE(c.learningRate, 5e-4);
        // Too short to read.
        c = pickLearningRate({1e-4, 1e-3}, {2.0, 1.0}, 1e-7, 1.0, 5e-4);
        QVERIFY(!c.fromCurve);
        QCOMPARE(c.minIndex, -1);
    }
};

QTEST_GUILESS_MAIN(TestLearning)
#include "tst_learning.moc"
