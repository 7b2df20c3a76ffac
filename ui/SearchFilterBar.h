#pragma once
// The Search page's filters: label (a list of the library's labels), line and product (with
// the library's values offered as completions), date range, further field=value conditions,
// and the number of results. Edits are announced once typing pauses, so the page searches
// again once. One row where the width shows every field whole, else two. GUI thread only.

#include <QStringList>
#include <QWidget>

#include <optional>

#include "diffclip/library/Library.h"

class QComboBox;
class QCompleter;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTimer;

namespace diffclip::ui {

class SearchFilterBar : public QWidget {
    Q_OBJECT

public:
    /// What the library offers to filter by (Library::labels, columnValues, filterFields).
    struct Choices {
        QStringList labels;
        QStringList lines;
        QStringList products;
        QStringList fields;  // names a field=value condition may use
    };
    /// Why the filters cannot be searched, in words for the page's error banner.
    struct Problem {
        QString title;
        QString reason;
    };

    explicit SearchFilterBar(QWidget* parent = nullptr);

    /// The filters as the core takes them (line and product become where-conditions);
    /// conditions that problem() refuses are left out.
    diffclip::ImageFilter filter() const;
    /// Results (near-duplicate groups) to ask for, 1..200.
    int topK() const;
    /// The filters and the number of results as one string, to tell whether they changed
    /// since the last search.
    QString signature() const;
    /// A condition not written as field=value, or naming a field the library does not have
    /// (checked once the choices are known; the core checks again); nullopt when all is well.
    std::optional<Problem> problem() const;

    /// Offers these choices, keeping what is chosen and typed (a label no longer in the
    /// library falls back to "Any label", and the filters count as changed).
    void setChoices(const Choices& choices);
    /// Forgets the library's choices (no library open).
    void clearChoices();
    /// Drops a pending changed(): the page searches with the current filters now anyway.
    void cancelPending();

    /// Reads the choices from `lib` (on the library's worker thread, not the GUI thread).
    static diffclip::Result<Choices> readChoices(diffclip::Library& lib);

protected:
    void resizeEvent(QResizeEvent* event) override;

Q_SIGNALS:
    /// A filter was edited and then left alone for a moment.
    void changed();

private:
    void scheduleChanged();
    /// Lays the fields out in one row when `width` shows them all whole, else in two.
    void arrange(int width);

    QComboBox* m_label = nullptr;
    QLineEdit* m_line = nullptr;
    QLineEdit* m_product = nullptr;
    QLineEdit* m_dateFrom = nullptr;
    QLineEdit* m_dateTo = nullptr;
    QLineEdit* m_where = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_topKLabel = nullptr;
    QSpinBox* m_topK = nullptr;
    QHBoxLayout* m_rows[2] = {nullptr, nullptr};
    int m_rowCount = 0;  // as laid out now; 0 before the first arrange()
    QCompleter* m_lineChoices = nullptr;
    QCompleter* m_productChoices = nullptr;
    QStringList m_fields;
    QTimer* m_pause = nullptr;
};

}  // namespace diffclip::ui
