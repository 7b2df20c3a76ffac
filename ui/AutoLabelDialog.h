#pragma once
// The auto-label dialog of the Library page: the classes with their prompt texts, the prompt
// templates, the minimum confidence and whether labelled photos are skipped. The texts use the
// format of `diffclip classify --classes-file` / `--templates` (Prompts.h), so a plant can move
// its prompts between the command line and the application. GUI thread only.

#include <QDialog>
#include <QString>
#include <QStringList>

#include "diffclip/indexing/Workspace.h"

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;

namespace diffclip::ui {

/// What the dialog edits; stored in the library (library_info keys below) so the next run, and
/// everyone else using the library, starts from the same prompts.
struct AutoLabelSettings {
    QString classes;         // one class per line: "name" or "name: prompt; another prompt"
    QString templates;       // one template per line, "{}" replaced by a prompt text
    double minConfidence = 0.5;  // 0..1: below it no label is stored
    bool onlyUnlabelled = true;

    static constexpr const char* kClassesKey = "autolabel_classes";
    static constexpr const char* kTemplatesKey = "autolabel_templates";
    static constexpr const char* kMinConfidenceKey = "autolabel_min_confidence";
    static constexpr const char* kOnlyUnlabelledKey = "autolabel_only_unlabelled";

    /// The built-in templates, one per line.
    static QString defaultTemplates();
    /// One line per class name (no prompt texts: the name is the prompt).
    static QString classesFromNames(const QStringList& names);
    /// Checks the texts and makes the options for Workspace::autoTag. On a problem returns false
    /// and sets `error` to one sentence for the user.
    bool toOptions(diffclip::AutoTagOptions* options, QString* error) const;
    /// The settings stored in `library`; unset or unusable values keep their defaults (the
    /// templates: defaultTemplates()). Runs on the library's worker thread.
    static diffclip::Result<AutoLabelSettings> load(diffclip::Library& library);
    /// Stores the settings in `library`. Runs on the library's worker thread.
    diffclip::Status store(diffclip::Library& library) const;
};

class AutoLabelDialog : public QDialog {
    Q_OBJECT

public:
    /// `currentClasses`: the library's labels, offered by "Use the library's classes".
    AutoLabelDialog(const AutoLabelSettings& settings, const QStringList& currentClasses, QWidget* parent = nullptr);

    AutoLabelSettings settings() const;
    /// The options of the accepted dialog (valid after exec() returned Accepted).
    const diffclip::AutoTagOptions& options() const { return m_options; }

public Q_SLOTS:
    void accept() override;

private:
    QStringList m_currentClasses;
    QPlainTextEdit* m_classes = nullptr;
    QPlainTextEdit* m_templates = nullptr;
    QDoubleSpinBox* m_minConfidence = nullptr;
    QCheckBox* m_onlyUnlabelled = nullptr;
    QLabel* m_problem = nullptr;
    diffclip::AutoTagOptions m_options;
};

}  // namespace diffclip::ui
