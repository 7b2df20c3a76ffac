#pragma once
// The usage log of a library (schema 4): one row per search made from the desktop application or
// `diffclip search`, and the feedback given on it (the rank of the hit marked right, or "none
// right"). It stays in the library file: nothing leaves the machine. docs/POC.md says how the
// figures of UsageKpis.h are computed from it.
//
// Units and conventions:
//   - Times are Unix time in milliseconds, UTC (as every timestamp of the library).
//   - Latencies are milliseconds of wall-clock time, >= 0.
//   - Ranks are 1-based positions in the printed / shown list of hits (near-duplicate groups
//     count once, as shown).
//   - Scores are cosine similarities in [-1, 1].
// Threading: these are plain values; the Library members that read and write them follow the
// Library's one-connection-per-thread contract.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace diffclip {

/// What a search asked, how long it took and what it answered: one row of the `searches` table.
struct SearchLogEntry {
    int64_t createdAtMs = 0;      // when the query was made; 0: now (set by the library)
    std::string osUser;           // login name; empty: the process's user (set by the library)
    std::string host;             // host name; empty: this machine's (set by the library)
    std::string modelName;        // the MODEL argument the search ran with
    std::string modelFingerprint; // the library's fingerprint of its weights ("" when unknown)
    bool textQuery = false;       // "text" or "photo" query
    /// The feedback key of the query (Library::addFeedback): the photo's path, or "text:" and the
    /// words. Feedback linked to the search is stored under this key, so the hit panel's history
    /// of a (query, hit) sees it too.
    std::string query;
    int64_t queryImageId = 0;     // the library photo searched with, 0 when not a library photo
    std::string queryLabel;       // that photo's current label when it was searched ("" unknown)
    /// The line and product the search concerns: the query photo's metadata when it is a library
    /// photo, else the value the search was filtered on (line=/product=), else "".
    std::string line;
    std::string product;
    std::string filtersJson = "{}";  // the search's filters as a JSON object (label, since, until, where)
    int k = 10;                   // hits asked for (1..10000)
    /// The image ids of the hits shown, best first (index i = rank i + 1).
    std::vector<int64_t> hitIds;
    double decodeMs = 0.0;        // reading and decoding the query photo (0 for text and stored photos)
    double encodeMs = 0.0;        // the model's encoding of the query (tokenising included)
    double searchMs = 0.0;        // ranking the library's embeddings, grouping, reading the hits
    double totalMs = 0.0;         // the whole search as the user waited for it (>= the sum of the others)
    std::optional<double> bestScore;  // the first hit's score; none without hits
    std::optional<bool> confident;    // the confidence test's answer; none when it was not made
    std::string source;           // "app" or "cli"
};

/// A logged search with the feedback given on it, folded (Library::searchLog).
struct SearchLogRecord {
    int64_t id = 0;
    SearchLogEntry entry;
    /// Feedback: the current judgement of each hit judged within this search (latest row per
    /// hit), and "none right" marks. A "none right" mark clears the hits marked right before it;
    /// a hit marked right after it clears the mark.
    bool judged = false;          // some hit is marked right now, or "none right" is
    bool noneRight = false;       // judged and no hit is right
    int firstRightRank = 0;       // smallest rank of a hit marked right now; 0 when none
    std::string rightLabel;       // current label of the hit at firstRightRank ("" when none)
    /// Time from the query to the first "right" mark of a hit that is still right (task time);
    /// none when no hit is right.
    std::optional<int64_t> taskMs;
};

/// Which searches to read; empty strings do not filter.
struct UsageFilter {
    int64_t fromMs = 0;             // created_at >= fromMs
    int64_t toMs = INT64_MAX;       // created_at < toMs
    std::string label;              // the search's label (query photo's label, else the right hit's)
    std::string line;
    std::string product;
    std::string user;               // os_user
    std::string model;              // model name or fingerprint
};

/// The label a search is counted under in per-label figures: the query photo's label when the
/// query is a labelled library photo, else the label of the first hit marked right, else "".
std::string searchLabel(const SearchLogRecord& record);

}  // namespace diffclip
