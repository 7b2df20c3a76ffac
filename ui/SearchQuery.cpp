#include "SearchQuery.h"

#include <QDir>
#include <QFileInfo>
#include <QMimeData>
#include <QUrl>

#include "PhotoFormats.h"

namespace diffclip::ui {

bool anyHits(const std::vector<SearchQuery>& queries) {
    for (const SearchQuery& q : queries)
        if (q.done && q.ok && !q.result.hits.empty()) return true;
    return false;
}

QStringList localPaths(const QMimeData* mime) {
    QStringList out;
    if (!mime || !mime->hasUrls()) return out;
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile()) out << url.toLocalFile();
    return out;
}

std::vector<SearchQuery> photoQueries(const QStringList& paths, int max, bool* truncated) {
    std::vector<SearchQuery> queries;
    *truncated = false;
    for (const QString& raw : paths) {
        const QFileInfo info(raw);
        QStringList files;
        if (info.isDir()) {
            const QDir dir(info.absoluteFilePath());
            for (const QString& name : dir.entryList(photoNameFilters(), QDir::Files | QDir::Readable, QDir::Name))
                files << dir.filePath(name);
        } else {
            files << info.absoluteFilePath();
        }
        for (const QString& f : files) {
            if (int(queries.size()) >= max) {
                *truncated = true;
                return queries;
            }
            SearchQuery q;
            q.path = QDir::cleanPath(f);
            queries.push_back(std::move(q));
        }
    }
    return queries;
}

SearchQuery pastedQuery(const QImage& image, const QString& folder, int n) {
    SearchQuery q;
    q.path = QDir(folder).filePath(QStringLiteral("pasted-%1.png").arg(n));
    q.pasted = image;
    q.fromClipboard = true;
    return q;
}

}  // namespace diffclip::ui
