#pragma once
// The Library page's detail pane beside the grid: the selection's name, the label box (assign
// or clear the manual label, the stored labels of every source, the class keys) and the
// metadata form of the current photo. Scrolls when the window is short. GUI thread only.

#include <QScrollArea>
#include <QStringList>

#include <vector>

#include "diffclip/library/Library.h"

class QComboBox;
class QLabel;
class QPushButton;

namespace diffclip::ui {

class MetadataEditor;

class PhotoDetailsPane : public QScrollArea {
    Q_OBJECT

public:
    explicit PhotoDetailsPane(QWidget* parent = nullptr);

    /// Offers `classes` to assign and names the keys 1..9 of the first nine.
    void setClasses(const QStringList& classes);
    /// Shows a selection of `count` photos whose current one is `current` (null: none). The
    /// metadata form is refilled only when the current photo changed, so typing is kept.
    void showSelection(int count, const diffclip::ImageRecord* current);
    /// Id of the photo the metadata form shows; 0: none.
    qint64 currentId() const { return m_currentId; }
    /// The current photo's stored labels, current first (Library::labelEntries).
    void setLabelEntries(const std::vector<diffclip::Library::LabelEntry>& entries);
    /// Says that the labels could not be read.
    void setLabelEntriesError(const QString& details);

    MetadataEditor* metadataEditor() const { return m_metadata; }

Q_SIGNALS:
    /// Assign (non-empty `label`) or clear the manual label of the selected photos.
    void labelRequested(const QString& label);

private:
    qint64 m_currentId = 0;
    QLabel* m_title = nullptr;
    QLabel* m_classHint = nullptr;
    QComboBox* m_labelEdit = nullptr;
    QPushButton* m_assign = nullptr;
    QPushButton* m_clear = nullptr;
    QLabel* m_sources = nullptr;
    MetadataEditor* m_metadata = nullptr;
};

}  // namespace diffclip::ui
