#pragma once
// A named, ordered set of tensors: what checkpoints and safetensors files hold.

#include <ATen/core/Tensor.h>

#include <string>
#include <utility>
#include <vector>

#include "diffclip/model/StateDictFwd.h"

namespace diffclip {

// StateDict (StateDictFwd.h): ordered (file order) list of (name, tensor). Names are unique.
// Tensors read from files are CPU, contiguous, and own their memory.

/// Pointer to the tensor called `name`, or nullptr.
const at::Tensor* findTensor(const StateDict& dict, const std::string& name);

}  // namespace diffclip
