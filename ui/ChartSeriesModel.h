#pragma once
// A small read-only table that a chart reads: columns are series, rows are x positions.
//   horizontal header: DisplayRole the series name, DecorationRole its QColor, UserRole an
//                      int the chart may use to tell series apart (line style, marker)
//   vertical header:   DisplayRole the row's label (a layer number, a category), UserRole true
//                      for a row the chart should mark (the layer shown), PositionRole the
//                      row's x as a double for a chart over a numeric axis (default: the row)
//   cells:             DisplayRole a double; no data where the series has no value there
// setTable() replaces everything with one model reset, so a chart listening to modelReset
// redraws once per change. GUI thread only.

#include <QAbstractTableModel>
#include <QColor>
#include <QStringList>
#include <QVector>
#include <cmath>

namespace diffclip::ui {

struct ChartTable {
    struct Series {
        QString name;
        QColor colour;
        int style = 0;
        QVector<double> values;  // one per row; NaN (or missing at the end): no value
    };
    QStringList rowLabels;   // defines the row count
    QVector<bool> markedRows;  // may be shorter than rowLabels (missing: not marked)
    QVector<double> rowPositions;  // may be shorter than rowLabels (missing: the row index)
    QVector<Series> series;
};

class ChartSeriesModel : public QAbstractTableModel {
    Q_OBJECT

public:
    /// Vertical header role of a row's x (double).
    static constexpr int PositionRole = Qt::UserRole + 1;

    using QAbstractTableModel::QAbstractTableModel;

    /// Replaces the table (an empty ChartTable clears the chart).
    void setTable(ChartTable table);
    const ChartTable& table() const { return m_table; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    ChartTable m_table;
};

}  // namespace diffclip::ui
