#pragma once
// The Start page: what DiffCLIP Studio is, how to get a first model (including the command
// line for the public DiffCLIP checkpoints), and the recently opened models.

#include <QWidget>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QPushButton;

namespace diffclip::ui {

class StartPage : public QWidget {
    Q_OBJECT

public:
    explicit StartPage(QWidget* parent = nullptr);

    /// Re-reads the recent models from the settings.
    void refreshRecentModels();

Q_SIGNALS:
    void openModelRequested(const QString& path);
    void chooseModelFileRequested();
    void chooseModelFolderRequested();

private:
    void openItem(QListWidgetItem* item);
    void updateButtons();

    QListWidget* m_recent = nullptr;
    QLabel* m_noRecent = nullptr;
    QPushButton* m_openRecent = nullptr;
    QPushButton* m_clearRecent = nullptr;
};

}  // namespace diffclip::ui
