// The stall / divergence detector and the range test's rule: plain C++ over numbers.
#include "diffclip/training/LearningMonitor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "diffclip/base/EnumNames.h"

namespace diffclip {

namespace {

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string general(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

}  // namespace

double chanceLoss(const std::vector<double>& shares, double labelSmoothing) {
    const auto c = static_cast<double>(shares.size());
    if (shares.empty()) return 0.0;
    double total = 0.0;
    for (double s : shares) total += std::max(0.0, s);
    if (!(total > 0.0)) return std::log(c);
    double h = 0.0;
    for (double s : shares) {
        const double p = (1.0 - labelSmoothing) * std::max(0.0, s) / total + labelSmoothing / c;
        if (p > 0.0) h -= p * std::log(p);
    }
    return h;
}

AnswerSpread answerSpread(const std::vector<std::vector<int64_t>>& confusion) {
    AnswerSpread a;
    const size_t n = confusion.size();
    std::vector<int64_t> predicted(n, 0);
    int64_t total = 0;
    int recalled = 0;
    for (size_t t = 0; t < n; ++t) {
        for (size_t p = 0; p < n && p < confusion[t].size(); ++p) {
            predicted[p] += confusion[t][p];
            total += confusion[t][p];
        }
        if (t < confusion[t].size() && confusion[t][t] > 0) ++recalled;
    }
    if (total == 0) return a;
    a.topShare = static_cast<double>(*std::max_element(predicted.begin(), predicted.end())) / static_cast<double>(total);
    a.classesRecalled = recalled;
    return a;
}

constexpr EnumName<LearningState> kLearningStateNames[] = {
    {LearningState::Learning, "learning"}, {LearningState::Stalled, "stalled"},
    {LearningState::Diverging, "diverging"}};
static_assert(namesEveryValue(kLearningStateNames, LearningState::Diverging));

const char* learningStateName(LearningState state) { return enumName(kLearningStateNames, state, "?"); }

LearningMonitor::LearningMonitor(int classes, double chanceLoss) : m_classes(std::max(2, classes)), m_chance(chanceLoss) {}

void LearningMonitor::reset() { m_streak.clear(); }

bool LearningMonitor::collapsed(const AnswerSpread& a) {
    if (a.topShare < 0) return true;
    return a.topShare >= learning::kCollapseShare || a.classesRecalled <= 1;
}

LearningVerdict LearningMonitor::step(double loss, int64_t stepIndex) const {
    if (std::isfinite(loss)) return {};
    return {LearningState::Diverging, "the training loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite") +
                                          " at step " + std::to_string(stepIndex)};
}

LearningVerdict LearningMonitor::epoch(const EpochObservation& e) {
    if (!std::isfinite(e.loss)) {
        m_streak.clear();
        return {LearningState::Diverging, "the training loss is not finite"};
    }
    if (!e.afterWarmup) {
        m_streak.clear();
        return {};
    }
    if (e.loss > learning::kDivergeFactor * m_chance) {
        m_streak.clear();
        return {LearningState::Diverging, "the training loss rose to " + fixed(e.loss, 3) + ", above " +
                                              fixed(learning::kDivergeFactor, 1) + " x chance (" + fixed(m_chance, 3) + ")"};
    }
    const bool atChance = std::fabs(e.loss - m_chance) <= learning::kChanceBand * m_chance;
    if (!atChance || !collapsed(e.answers)) {
        m_streak.clear();
        return {};
    }
    m_streak.push_back(e);
    // Judge the shortest recent window that is long enough, so that one early epoch still
    // descending towards chance does not hide the plateau after it.
    int64_t steps = 0;
    for (const auto& s : m_streak) steps += s.steps;
    while (static_cast<int>(m_streak.size()) > learning::kStallEpochs &&
           steps - m_streak.front().steps >= learning::kStallSteps) {
        steps -= m_streak.front().steps;
        m_streak.erase(m_streak.begin());
    }
    if (static_cast<int>(m_streak.size()) < learning::kStallEpochs || steps < learning::kStallSteps) return {};
    const double fall = m_streak.front().loss - m_streak.back().loss;
    if (fall >= learning::kFlatFraction * m_chance) return {};  // still descending
    double mean = 0.0;
    for (const auto& s : m_streak) mean += s.loss;
    mean /= static_cast<double>(m_streak.size());
    std::string why = "the training loss stayed at " + fixed(mean, 3) + " (chance " + fixed(m_chance, 3) + ") for " +
                      std::to_string(m_streak.size()) + " epochs";
    const AnswerSpread& last = m_streak.back().answers;
    if (last.topShare >= 0)
        why += " and it gave one answer to " + fixed(100.0 * last.topShare, 0) + "% of the validation photos (" +
               std::to_string(last.classesRecalled) + " of " + std::to_string(m_classes) + " classes recognised)";
    return {LearningState::Stalled, why};
}

LrRangeChoice pickLearningRate(const std::vector<double>& rates, const std::vector<double>& losses, double lo,
                               double hi, double fallback) {
    LrRangeChoice c;
    const auto clampRate = [&](double v) { return std::min(hi, std::max(lo, v)); };
    c.learningRate = clampRate(fallback);
    const size_t n = std::min(rates.size(), losses.size());
    constexpr double kBeta = 0.7, kBlowUp = 4.0, kMinDrop = 0.05;
    double avg = 0.0, best = 0.0;
    for (size_t i = 0; i < n; ++i) {
        if (!std::isfinite(losses[i])) break;
        avg = kBeta * avg + (1.0 - kBeta) * losses[i];
        const double s = avg / (1.0 - std::pow(kBeta, static_cast<double>(i + 1)));
        if (c.minIndex >= 0 && s > kBlowUp * best) break;
        c.smoothed.push_back(s);
        if (c.minIndex < 0 || s < best) {
            best = s;
            c.minIndex = static_cast<int>(i);
        }
    }
    if (c.smoothed.size() < 3) {
        c.minIndex = -1;
        c.rule = "the range test was too short to read; kept " + general(c.learningRate);
        return c;
    }
    const double start = c.smoothed.front();
    if (best > (1.0 - kMinDrop) * start) {
        c.rule = "the loss did not fall by 5% during the range test (" + fixed(start, 3) + " to at best " +
                 fixed(best, 3) + "); kept " + general(c.learningRate);
        return c;
    }
    const double atMin = rates[static_cast<size_t>(c.minIndex)];
    c.learningRate = clampRate(atMin / 10.0);
    c.fromCurve = true;
    c.rule = "smoothed loss lowest (" + fixed(best, 3) + ") at " + general(atMin) + "; a tenth of it, within [" +
             general(lo) + ", " + general(hi) + "]: " + general(c.learningRate);
    return c;
}

}  // namespace diffclip
