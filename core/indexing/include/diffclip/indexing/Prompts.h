#pragma once
// Class prompts and prompt templates for zero-shot labelling, as plain text: the CLI's
// --classes-file / --templates files and the application's auto-label editor use one format.
// No LibTorch; the embeddings are made in Evaluate.h / Workspace.h.

#include <string>
#include <vector>

#include "diffclip/indexing/IndexTypes.h"
#include "diffclip/base/Result.h"

namespace diffclip {

/// Prompt templates averaged per class ("{}" is the class name, with '_' and '-' read as spaces).
std::vector<std::string> defaultPromptTemplates();

/// Reads class prompts: one class per line, "name" or "name: prompt text; another prompt";
/// blank lines and lines starting with '#' are skipped. InvalidArgument for a line without a
/// name or fewer than two classes.
Result<std::vector<ClassPrompt>> parseClassPrompts(const std::string& text);
/// Reads prompt templates: one per line (blank lines and '#' comments skipped); at least one.
Result<std::vector<std::string>> parsePromptTemplates(const std::string& text);

}  // namespace diffclip
