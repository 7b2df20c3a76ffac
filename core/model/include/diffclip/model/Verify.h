#pragma once
// Parity check of a model against reference outputs (see CLI.md, `diffclip verify`).

#include <c10/core/Device.h>

#include <string>
#include <vector>

#include "diffclip/model/Model.h"
#include "diffclip/base/Result.h"

namespace diffclip {

struct VerifyEntry {
    std::string name;            // reference key, e.g. "vision.blocks.0.attn.diff"
    std::vector<int64_t> shape;  // reference shape
    double maxAbsError = 0.0;    // largest |ours - reference|; +inf when shapes differ
    bool passed = false;
    std::string note;            // why it failed, when it did for a reason other than the tolerance
};

struct VerifyReport {
    std::vector<VerifyEntry> entries;  // in the reference file's order, inputs excluded
    double maxAbsError = 0.0;
    double atol = 1e-4;
    bool passed = false;
    std::string device;
};

/// Runs `model` (float32, on `device`) on the reference inputs (`input.image`: normalised
/// (B,3,S,S) float; `input.text`: (B,L) token ids) and compares every output in the file:
/// output.image_embed, output.text_embed, output.logit_scale, and attention maps
/// {vision,text}.blocks.{i}.attn.{a1,a2,lambda,diff} (differential) or .a (standard).
/// Errors: the file cannot be read, has no input, or holds a key that is not one of these.
/// A failed comparison is not an error: it is in the report.
Result<VerifyReport> verifyModel(const ClipModel& model, const std::string& referencePath, double atol,
                                 c10::Device device);

}  // namespace diffclip
