#pragma once
// The usage-log row of a finished search (UsageLog.h), made the same way by `diffclip search`
// and the desktop application's Search page. Free of LibTorch headers (ui/ includes it).

#include <cstdint>
#include <string>

#include "diffclip/indexing/IndexTypes.h"
#include "diffclip/library/Library.h"

namespace diffclip {

class Workspace;

/// The row for `result`, a search made through `workspace` (model name and fingerprint) with
/// `filter` and `k`, started at `startedAtMs` (Unix ms; 0: now). `queryKey` is the feedback key
/// (the photo's path, or "text:" and the words). The query photo's label, line and product come
/// from `library` when it is a library photo (`queryImageId`, or else found by its path); line
/// and product otherwise from the filter's line= / product= conditions. Latencies are the
/// result's split in milliseconds. `source` is "app" or "cli". Reads `library` only; failures to
/// read leave those fields empty.
SearchLogEntry searchLogEntry(Library& library, const Workspace& workspace, const std::string& queryKey, bool text,
                              int64_t queryImageId, const ImageFilter& filter, int k, const SearchResult& result,
                              int64_t startedAtMs, const std::string& source);

}  // namespace diffclip
