#pragma once
// The Library page's filter bar: what to show (all photos, "label these next", "check these
// labels"), label, line, product, date range and free text, and the sort key and order, applied
// to a LibraryFilterProxy as they change. The two ranked views are computed by the page
// (showChanged); the bar only offers them. GUI thread only.

#include <QStringList>
#include <QWidget>

class QComboBox;
class QLineEdit;

namespace diffclip::ui {

class LibraryFilterProxy;
class LibraryModel;

class LibraryFilterBar : public QWidget {
    Q_OBJECT

public:
    enum class Show { All, LabelNext, CheckLabels };

    /// Filters `proxy` (not owned), whose source `model` gives the lines and products offered.
    LibraryFilterBar(LibraryModel* model, LibraryFilterProxy* proxy, QWidget* parent = nullptr);

    /// Offers `classes` and the model's current lines and products, keeping each choice still
    /// offered, then applies the filters.
    void refreshChoices(const QStringList& classes);
    /// Applies the sort key and order chosen.
    void applySort();
    Show show() const;
    void setShow(Show show);

Q_SIGNALS:
    /// The user chose another view in "Show" (the page computes the ranking of a ranked one).
    void showChanged(diffclip::ui::LibraryFilterBar::Show show);
    /// The filters were applied again (the proxy's rows may have changed).
    void filtersApplied();

private:
    void applyFilters();

    LibraryModel* m_model;
    LibraryFilterProxy* m_proxy;
    QComboBox* m_show = nullptr;
    QComboBox* m_label = nullptr;
    QComboBox* m_line = nullptr;
    QComboBox* m_product = nullptr;
    QLineEdit* m_dateFrom = nullptr;
    QLineEdit* m_dateTo = nullptr;
    QLineEdit* m_text = nullptr;
    QComboBox* m_sort = nullptr;
    QComboBox* m_order = nullptr;
};

}  // namespace diffclip::ui
