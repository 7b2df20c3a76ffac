#pragma once
// The left side of the Search page: the query on screen (photo preview or the words), its
// path, and the strip of queries when several photos were dropped at once, each with its
// state ("waiting", "searching…", results, "failed"). GUI thread only.

#include <QWidget>

#include <vector>

class QLabel;
class QListWidget;

namespace diffclip::ui {

struct SearchQuery;
class ThumbnailCache;

class SearchQueryPanel : public QWidget {
    Q_OBJECT

public:
    /// `thumbnails` (not owned) decodes the previews.
    explicit SearchQueryPanel(ThumbnailCache* thumbnails, QWidget* parent = nullptr);

    /// Lists `queries` (the strip shows only for two or more) with `current` selected.
    void setQueries(const std::vector<SearchQuery>& queries, int current, int running);
    /// Updates the strip entry of query `index`.
    void updateQuery(const std::vector<SearchQuery>& queries, int index, int running);
    void setCurrent(int index);
    /// Shows the query on screen; null: none yet (an invitation to drop a photo).
    void showQuery(const SearchQuery* query);

    /// "Pasted image", the words in quotes, or the photo's file name.
    static QString title(const SearchQuery& query);

Q_SIGNALS:
    /// The person chose another query in the strip.
    void currentChanged(int index);

private:
    ThumbnailCache* m_thumbnails;
    QLabel* m_preview = nullptr;
    QLabel* m_name = nullptr;
    QListWidget* m_strip = nullptr;
    QLabel* m_stripLabel = nullptr;  // shown with the strip only
};

}  // namespace diffclip::ui
