#pragma once
// Where the application's installed data (tokenizer, starters) is looked for.

#include <string>
#include <vector>

namespace diffclip {

/// In search order: $DIFFCLIP_DATA_DIR when set and not empty, then
/// <folder of the executable>/../share/diffclip-studio (an installation, or a build tree, which
/// lays its data out the same way). The folders need not exist. Any thread.
std::vector<std::string> installedDataDirs();

}  // namespace diffclip
