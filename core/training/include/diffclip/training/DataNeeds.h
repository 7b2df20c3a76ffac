#pragma once
// How many labelled photos per class a plant needs (docs/POC.md, "How many labelled photos"):
// for each size N, train on N photos per class of a folder-per-class tree (several random draws),
// measure top-1 on one fixed held-out split, and fit a learning curve through the means.
//
//   linear   a logistic-regression head on the frozen image embeddings of a base model (a model
//            package or a starter); the photos are embedded once, each draw only fits a head
//   scratch  a full `train --mode scratch` run per draw, each with the same time budget
//
// The held-out split is the recipe's (valFraction, seed) and the same for every run. Draws are
// nested (Dataset.h, drawPerClass): repeat r's draw of N photos holds its draw of any smaller N.
// A size at or above every class's training photos ("all") is one draw, run once.
// Torch-free: the UI includes this header.
//
// Threading: runDataNeeds blocks its caller; progress runs on that thread; the cancel token may
// be cancelled from any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "diffclip/base/Job.h"
#include "diffclip/base/Result.h"
#include "diffclip/formats/Json.h"
#include "diffclip/stats/Stats.h"
#include "diffclip/training/TrainJob.h"

namespace diffclip {

struct DataNeedsRequest {
    std::string dataRoot;                 // folder-per-class tree
    TrainMode mode = TrainMode::Linear;   // Linear or Scratch
    /// Linear: a model package or a starter folder; "" the installed starter of the recipe's
    /// architecture (Starter.h). Scratch: unused (the recipe's init decides).
    std::string base;
    std::vector<int> sizes;               // photos per class, each >= 1; 0 stands for "all"
    int repeats = 3;                      // random draws per size, 1..100
    double target = 0.9;                  // the top-1 (0..1) whose N the curve is asked for
    /// Linear: learning rate, weight decay, label smoothing, iterations (epochs), balance.
    /// Scratch: the recipe of every run; timeBudgetMinutes is per run. Both: valFraction and seed
    /// make the held-out split; device.
    TrainRecipe recipe;
    DecodeOptions decode;
    /// Scratch: where runs write their packages and checkpoints (removed after each run); ""
    /// the system's temporary folder.
    std::string workDir;
};

struct DataNeedsPoint {
    int requested = 0;             // N asked for; 0: all
    double perClass = 0.0;         // mean photos per class actually trained on
    std::vector<double> top1;      // per draw, 0..1, on the held-out split
    std::vector<double> balanced;  // per draw: mean per-class recall
    double mean = 0.0;             // mean of top1
    stats::Interval interval;      // 95% interval of the mean over draws (meanInterval95), clipped to [0, 1]
    double seconds = 0.0;          // wall time of this size's draws
};

struct DataNeedsReport {
    std::string mode;                    // "linear" | "scratch"
    std::string base;                    // what the linear runs embedded with (path), or the scratch init
    std::vector<std::string> classes;
    std::vector<int64_t> trainPool;      // training photos available per class
    int64_t heldOut = 0;                 // photos in the held-out split
    std::vector<DataNeedsPoint> points;  // in the order of the sizes asked for, ascending N
    /// acc(n) = a − b·n^−c through the means; `lower` and `upper` through the intervals' ends
    /// (the band the curve may lie in). Absent when fewer than three distinct sizes were
    /// measured or the fit failed (curveNote says why).
    std::optional<stats::LearningCurve> curve, lower, upper;
    std::string curveNote;
    double target = 0.0;
    /// Photos per class the curve needs for `target`: the central estimate and its range (the
    /// upper curve gives the fewest, the lower the most). Absent where that curve stays below
    /// the target up to twice the largest N measured: no extrapolation past that.
    std::optional<double> needed, neededLow, neededHigh;
    double seconds = 0.0;
    Json toJson() const;
};

/// Runs the study. Progress stages: "prepare" (decoding; done/total = photo files), "embed"
/// (linear; photos), "run" (done/total = draws over all sizes); one message per draw.
/// Errors: InvalidArgument (no sizes, repeats out of range, a mode other than linear or scratch,
/// a tree with fewer than two classes), NotFound (base), Cancelled, and those of training.
Result<DataNeedsReport> runDataNeeds(const DataNeedsRequest& request, const JobControl& job);

/// Parses "5,10,20,50,all" into sizes (all = 0), ascending and without repeats. Errors:
/// InvalidArgument naming the bad item.
Result<std::vector<int>> parseDataSizes(const std::string& text);

}  // namespace diffclip
