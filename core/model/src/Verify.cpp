#include "diffclip/model/Verify.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <regex>

#include "diffclip/model/Safetensors.h"

namespace diffclip {

Result<VerifyReport> verifyModel(const ClipModel& model, const std::string& referencePath, double atol,
                                 c10::Device device) {
    auto ref = readSafetensors(referencePath);
    if (!ref) return makeError(ref.error().code, referencePath + ": " + ref.error().message);

    const at::Tensor* image = findTensor(ref->tensors, "input.image");
    const at::Tensor* text = findTensor(ref->tensors, "input.text");
    if (!image && !text) return makeError(ErrorCode::Format, referencePath + ": holds neither input.image nor input.text");

    static const std::regex mapKey(R"((vision|text)\.blocks\.(\d+)\.attn\.(a1|a2|lambda|diff|a))");
    bool wantVisionMaps = false, wantTextMaps = false;
    for (const auto& [name, t] : ref->tensors) {
        std::smatch m;
        if (name == "input.image" || name == "input.text" || name == "output.image_embed" ||
            name == "output.text_embed" || name == "output.logit_scale")
            continue;
        if (!std::regex_match(name, m, mapKey))
            return makeError(ErrorCode::Format, referencePath + ": unknown reference entry \"" + name + "\"");
        (m[1] == "vision" ? wantVisionMaps : wantTextMaps) = true;
    }
    if ((findTensor(ref->tensors, "output.image_embed") || wantVisionMaps) && !image)
        return makeError(ErrorCode::Format, referencePath + ": image outputs without input.image");
    if ((findTensor(ref->tensors, "output.text_embed") || wantTextMaps) && !text)
        return makeError(ErrorCode::Format, referencePath + ": text outputs without input.text");

    ClipModel m = (model->device() == device && model->dtype() == at::kFloat)
                      ? model
                      : convertModel(model, device, at::kFloat);
    const auto& cfg = m->config();
    torch::NoGradGuard noGrad;
    at::Tensor imageEmbed, textEmbed;
    std::vector<AttentionMaps> visionMaps, textMaps;
    try {
        if (image) {
            const int64_t s = cfg.vision.imageSize;
            if (image->dim() != 4 || image->size(1) != 3 || image->size(2) != s || image->size(3) != s)
                return makeError(ErrorCode::Mismatch, "input.image has shape " + c10::str(image->sizes()) +
                                                          ", the model takes (B, 3, " + std::to_string(s) + ", " +
                                                          std::to_string(s) + ")");
            imageEmbed = m->encodeImage(*image, wantVisionMaps ? &visionMaps : nullptr).cpu();
        }
        if (text) {
            if (text->dim() != 2 || text->size(1) > cfg.text.contextLength || at::isFloatingType(text->scalar_type()))
                return makeError(ErrorCode::Mismatch, "input.text must be (B, L<=" + std::to_string(cfg.text.contextLength) +
                                                          ") integer token ids");
            if (text->numel() && (text->min().item<int64_t>() < 0 || text->max().item<int64_t>() >= cfg.text.vocabSize))
                return makeError(ErrorCode::Mismatch, "input.text holds token ids outside the vocabulary");
            textEmbed = m->encodeText(*text, wantTextMaps ? &textMaps : nullptr).cpu();
        }
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("running the model failed: ") + e.what());
    }

    VerifyReport report;
    report.atol = atol;
    report.device = device.str();
    report.passed = true;
    for (const auto& [name, expected] : ref->tensors) {
        if (name == "input.image" || name == "input.text") continue;
        at::Tensor ours;
        if (name == "output.image_embed") ours = imageEmbed;
        else if (name == "output.text_embed") ours = textEmbed;
        else if (name == "output.logit_scale") ours = torch::tensor({m->logitScale()}, at::kDouble);
        else {
            std::smatch mm;
            std::regex_match(name, mm, mapKey);
            const auto& maps = mm[1] == "vision" ? visionMaps : textMaps;
            const size_t layer = std::stoul(mm[2]);
            const std::string kind = mm[3];
            if (layer < maps.size()) {
                const AttentionMaps& a = maps[layer];
                ours = kind == "a1" ? a.a1 : kind == "a2" ? a.a2 : kind == "lambda" ? a.lambda : kind == "diff" ? a.diff : a.a;
            }
        }
        VerifyEntry e;
        e.name = name;
        e.shape = expected.sizes().vec();
        if (!ours.defined()) {
            e.maxAbsError = std::numeric_limits<double>::infinity();
            e.note = "the model does not produce this output (wrong attention kind or depth?)";
        } else {
            at::Tensor a = ours.detach().cpu().to(at::kDouble), b = expected.to(at::kDouble);
            if (a.numel() != b.numel() || (a.dim() > 1 && a.sizes() != b.sizes())) {
                e.maxAbsError = std::numeric_limits<double>::infinity();
                e.note = "shape " + c10::str(a.sizes()) + " differs from the reference";
            } else {
                e.maxAbsError = a.numel() == 0 ? 0.0 : (a.reshape(-1) - b.reshape(-1)).abs().max().item<double>();
                if (std::isnan(e.maxAbsError)) e.maxAbsError = std::numeric_limits<double>::infinity();
            }
        }
        e.passed = e.maxAbsError <= atol;
        report.passed = report.passed && e.passed;
        report.maxAbsError = std::max(report.maxAbsError, e.maxAbsError);
        report.entries.push_back(std::move(e));
    }
    return report;
}

}  // namespace diffclip
