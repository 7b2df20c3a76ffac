#pragma once
// Private to diffclip_demo: the atomic file writes of the demo data set and the formula images.

#include <filesystem>
#include <string>
#include <vector>

#include "diffclip/base/Result.h"

namespace diffclip::demo {

/// Io error "cannot WHAT PATH: REASON".
Error ioError(const std::string& what, const std::filesystem::path& path, const std::string& reason);

/// Written to "<path>.tmp" and renamed, so a file under its own name is always whole; the
/// temporary is removed when writing or renaming fails.
Status writeFileAtomic(const std::filesystem::path& path, const std::vector<unsigned char>& bytes);
Status writeTextAtomic(const std::filesystem::path& path, const std::string& text);

}  // namespace diffclip::demo
