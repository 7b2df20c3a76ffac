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

    /// What is set up so far, for the "Next step" box: the open library (empty: none), the
    /// active model (empty: none; with no library, the model the next library is opened with)
    /// and whether both are ready to use together (false while the library is being opened).
    void setSetupState(const QString& libraryPath, const QString& activeModel, bool workspaceReady);
    QString nextStepText() const;

Q_SIGNALS:
    void openModelRequested(const QString& path);
    void chooseModelFileRequested();
    void chooseModelFolderRequested();
    void createDefaultLibraryRequested();
    void openLibraryRequested();
    void showLibraryRequested();

private:
    void openItem(QListWidgetItem* item);
    void updateButtons();

    QLabel* m_nextStep = nullptr;
    QPushButton* m_stepModel = nullptr;
    QPushButton* m_stepCreateLibrary = nullptr;
    QPushButton* m_stepOpenLibrary = nullptr;
    QPushButton* m_stepShowLibrary = nullptr;
    QListWidget* m_recent = nullptr;
    QLabel* m_noRecent = nullptr;
    QPushButton* m_openRecent = nullptr;
    QPushButton* m_clearRecent = nullptr;
};

}  // namespace diffclip::ui
