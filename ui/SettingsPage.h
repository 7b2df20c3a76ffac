#pragma once
// The Settings page. Changes are saved at once (no Apply button); the theme applies at once,
// the language at the next start.

#include <QWidget>

#include "AppSettings.h"

class QComboBox;
class QLabel;
class QSpinBox;

namespace diffclip::ui {

class SettingsPage : public QWidget {
    Q_OBJECT

public:
    explicit SettingsPage(QWidget* parent = nullptr);

private:
    void updateRestartNote();

    LanguageChoice m_initialLanguage;
    QComboBox* m_language = nullptr;
    QComboBox* m_theme = nullptr;
    QSpinBox* m_threads = nullptr;
    QLabel* m_restartNote = nullptr;
};

}  // namespace diffclip::ui
