#pragma once
// A confusion matrix drawn as a class x class grid: rows are the true class, columns the
// predicted one, each cell shows its count and is shaded by the share of its row (so a small
// class is as readable as a large one). Colours come from the palette, so it reads in light and
// dark themes; the text colour is picked per cell for contrast. GUI thread only.

#include <QStringList>
#include <QWidget>

#include <vector>

namespace diffclip::ui {

class ConfusionMatrixView : public QWidget {
    Q_OBJECT

public:
    explicit ConfusionMatrixView(QWidget* parent = nullptr);

    /// `counts[true][predicted]`, classes.size() x classes.size(); anything else clears the view.
    void setMatrix(const QStringList& classes, const std::vector<std::vector<qint64>>& counts);
    void clear();

    int classCount() const { return int(m_classes.size()); }
    const QStringList& classes() const { return m_classes; }
    qint64 count(int trueClass, int predicted) const;
    /// The sum of every cell (the number of validation photos).
    qint64 total() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    QStringList m_classes;
    std::vector<std::vector<qint64>> m_counts;
};

}  // namespace diffclip::ui
