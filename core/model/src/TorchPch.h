#pragma once
// Precompiled for every translation unit of diffclip_model (see CMakeLists.txt).
#include <torch/torch.h>
