#include "diffclip/model/StateDict.h"

namespace diffclip {

const at::Tensor* findTensor(const StateDict& dict, const std::string& name) {
    for (const auto& [key, tensor] : dict) {
        if (key == name) return &tensor;
    }
    return nullptr;
}

}  // namespace diffclip
