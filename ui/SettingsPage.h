#pragma once
// The Settings page. Changes are saved at once (no Apply button); the theme applies at once,
// the language at the next start, device, precision and batch size at the next opening of a library or
// model, the default library location at the next "New Library…".

#include <QWidget>

#include <memory>

#include "AppSettings.h"

namespace diffclip {
class Workspace;
}

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace diffclip::ui {

class SettingsPage : public QWidget {
    Q_OBJECT

public:
    explicit SettingsPage(QWidget* parent = nullptr);

    /// Shows the precision the open workspace's encoder runs in (none: nothing is open).
    void setWorkspace(const std::shared_ptr<diffclip::Workspace>& workspace);

private:
    void updateRestartNote();

    LanguageChoice m_initialLanguage;
    QComboBox* m_language = nullptr;
    QComboBox* m_theme = nullptr;
    QSpinBox* m_threads = nullptr;
    QComboBox* m_device = nullptr;
    QComboBox* m_precision = nullptr;
    QLabel* m_precisionInUse = nullptr;
    QSpinBox* m_batch = nullptr;
    QLineEdit* m_libraryPath = nullptr;
    QLabel* m_restartNote = nullptr;
};

}  // namespace diffclip::ui
