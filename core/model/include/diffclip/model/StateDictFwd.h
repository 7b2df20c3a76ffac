#pragma once
// The StateDict type without LibTorch's headers, for headers that only pass it along
// (so that Qt code can include them: ui/ never includes LibTorch).

#include <string>
#include <utility>
#include <vector>

namespace at {
class Tensor;
}

namespace diffclip {
/// See StateDict.h.
using StateDict = std::vector<std::pair<std::string, at::Tensor>>;
}  // namespace diffclip
