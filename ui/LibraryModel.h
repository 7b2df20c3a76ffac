#pragma once
// The library's photos as a list model (one row per ImageRecord with its current label) and
// the proxy that filters and sorts them for the Library page's thumbnail grid. Thumbnails come
// from a ThumbnailLoader (decoded off the GUI thread, cached). GUI thread only.

#include <QAbstractListModel>
#include <QHash>
#include <QSortFilterProxyModel>

#include <vector>

#include "diffclip/library/Library.h"

namespace diffclip::ui {

class ThumbnailLoader;

class LibraryModel : public QAbstractListModel {
    Q_OBJECT

public:
    enum Role {
        IdRole = Qt::UserRole + 1,  // qlonglong
        PathRole,                   // QString
        LabelRole,                  // QString, empty when unlabelled
        DateRole,                   // QString (ISO text, as stored)
        AddedRole,                  // qlonglong, ms since the epoch
        ProductRole,
        LineRole,
        SearchTextRole,             // lower-case text the free-text filter matches
    };

    explicit LibraryModel(QObject* parent = nullptr);
    ~LibraryModel() override;

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role) const override;

    /// Replaces every row. `labels` are (id, current label) pairs (Library::currentLabels).
    void setImages(std::vector<diffclip::ImageRecord> images,
                   const std::vector<std::pair<int64_t, std::string>>& labels);
    void clear();
    /// Updates the current label of the listed ids (those not listed keep theirs).
    void setLabels(const std::vector<std::pair<int64_t, std::string>>& labels);
    /// Replaces the record of the row with image.id.
    void updateImage(const diffclip::ImageRecord& image);

    int rowOf(qint64 id) const;
    const diffclip::ImageRecord* image(qint64 id) const;
    QString labelOf(qint64 id) const;

    void setThumbnailSide(int side);
    int thumbnailSide() const;
    /// Thumbnails decoded so far (for tests and the status line).
    int thumbnailsReady() const;

private:
    struct Row {
        diffclip::ImageRecord image;
        QString label;
        QString name;
        QString path;
    };
    void thumbnailReady(const QString& path);

    std::vector<Row> m_rows;
    QHash<qint64, int> m_rowOfId;
    QHash<QString, int> m_rowOfPath;
    ThumbnailLoader* m_thumbnails;
};

/// Filters (label, line, product, date range, free text) and sort keys for the grid.
class LibraryFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT

public:
    enum class SortKey { Name, Date, Label, Added };

    explicit LibraryFilterProxy(QObject* parent = nullptr);

    /// Empty: any label.
    void setLabelFilter(const QString& label);
    /// Only photos without a label (overrides setLabelFilter).
    void setUnlabelledOnly(bool on);
    void setLineFilter(const QString& line);        // empty: any
    void setProductFilter(const QString& product);  // empty: any
    void setDateRange(const QString& from, const QString& to);  // ISO text, empty: open
    void setText(const QString& text);
    void setSortKey(SortKey key, Qt::SortOrder order);
    /// With `on`, shows only the photos in `ranking` (image id → place, 0 first), in that order
    /// whatever the sort key and order; `notes` (image id → one line) lead their tooltips. The
    /// other filters still apply. Off: every photo again, sorted by the key.
    void setRanking(bool on, const QHash<qlonglong, int>& ranking = {}, const QHash<qlonglong, QString>& notes = {});
    bool isRanked() const { return m_ranked; }
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    QString m_label;
    bool m_unlabelledOnly = false;
    QString m_line;
    QString m_product;
    QString m_from;
    QString m_to;
    QString m_text;
    SortKey m_key = SortKey::Name;
    bool m_ranked = false;
    QHash<qlonglong, int> m_ranking;
    QHash<qlonglong, QString> m_notes;
};

}  // namespace diffclip::ui
