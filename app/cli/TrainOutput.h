#pragma once
// What `train` and `pretrain` print while a training job runs.

#include <functional>

#include "diffclip/base/Job.h"
#include "diffclip/training/TrainJob.h"

namespace diffclip::cli {

/// The live figures (epoch, step, loss, images/s, validation top-1, elapsed and left) as one
/// progress message at most every 5 seconds. Runs on the training thread.
std::function<void(const TrainMetrics&)> metricsPrinter(const Progress& progress);

}  // namespace diffclip::cli
