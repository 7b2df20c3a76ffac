#pragma once
// One query of the Search page — a photo, a pasted image or words — with its answer once
// searched, and the ways queries are made from what a person drops, pastes or chooses.

#include <QImage>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <vector>

#include "SearchResultsModel.h"
#include "diffclip/base/Result.h"
#include "diffclip/indexing/IndexTypes.h"

class QMimeData;

namespace diffclip::ui {

struct SearchQuery {
    QString path;   // photo query (for a pasted image: where its PNG is saved); empty for text
    QString text;   // text query; empty for photos
    QImage pasted;  // a pasted or dragged-in image, until the search has saved it to `path`
    bool fromClipboard = false;  // pasted or dragged in without a file: titled "Pasted image"
    bool done = false;           // answered (results or an error)
    bool ok = false;
    diffclip::SearchResult result;
    diffclip::Error error;
    /// The person's current judgement of each hit (read after the search, updated as they judge).
    SearchResultsModel::Judgements judgements;
    /// When the answered search started (Unix ms) and its id in the library's usage log: set on
    /// the library's worker thread once the search is logged (0 until then, or when it was not),
    /// read there by the feedback requests queued after it. A new answer gets a new slot.
    qint64 startedAtMs = 0;
    std::shared_ptr<std::atomic<qint64>> searchId = std::make_shared<std::atomic<qint64>>(0);

    bool isText() const { return !text.isEmpty(); }
    /// The key stored with feedback: the photo's path, or "text:" and the words.
    QString feedbackKey() const { return isText() ? QStringLiteral("text:") + text : path; }
};

/// Whether any of `queries` was answered with at least one hit (something to export).
bool anyHits(const std::vector<SearchQuery>& queries);

/// Local paths of the URLs in a drop or paste, in order; empty for none.
QStringList localPaths(const QMimeData* mime);

/// One photo query per file of `paths`; a folder gives the photos directly inside it (JPEG,
/// PNG, TIFF, WebP, BMP by name), sorted. At most `max` queries; `truncated` says whether more
/// were left out. Reads the file system (folder listings only).
std::vector<SearchQuery> photoQueries(const QStringList& paths, int max, bool* truncated);

/// A query of an image without a file: saved as `folder`/pasted-`n`.png when it is searched.
SearchQuery pastedQuery(const QImage& image, const QString& folder, int n);

}  // namespace diffclip::ui
