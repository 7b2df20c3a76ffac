#pragma once
// The Search page's filters: label (a list of the library's labels), line, product, date
// range, and further field=value conditions. Edits are announced once typing pauses, so the
// page searches again once. GUI thread only.

#include <QStringList>
#include <QWidget>

#include <optional>

#include "diffclip/library/Library.h"

class QComboBox;
class QLineEdit;
class QTimer;

namespace diffclip::ui {

class SearchFilterBar : public QWidget {
    Q_OBJECT

public:
    /// Why the filters cannot be searched, in words for the page's error banner.
    struct Problem {
        QString title;
        QString reason;
    };

    explicit SearchFilterBar(QWidget* parent = nullptr);

    /// The filters as the core takes them (line and product become where-conditions);
    /// conditions that problem() refuses are left out.
    diffclip::ImageFilter filter() const;
    /// The filters as one string, to tell whether they changed since the last search.
    QString signature() const;
    /// A condition not written as field=value; nullopt when all is well.
    std::optional<Problem> problem() const;

    /// Offers these labels, keeping the one chosen when it is still there (else "Any label").
    void setLabels(const QStringList& labels);
    /// Drops a pending changed(): the page searches with the current filters now anyway.
    void cancelPending();

public Q_SLOTS:
    /// Announces changed() after the pause, as an edit in the bar does: for settings outside
    /// it that change the answer too (the number of results).
    void scheduleChanged();

Q_SIGNALS:
    /// A filter was edited and then left alone for a moment.
    void changed();

private:
    QComboBox* m_label = nullptr;
    QLineEdit* m_line = nullptr;
    QLineEdit* m_product = nullptr;
    QLineEdit* m_dateFrom = nullptr;
    QLineEdit* m_dateTo = nullptr;
    QLineEdit* m_where = nullptr;
    QTimer* m_pause = nullptr;
};

}  // namespace diffclip::ui
