#include "AutoLabelDialog.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "Controls.h"
#include "ErrorBanner.h"
#include "diffclip/indexing/Prompts.h"

namespace diffclip::ui {

namespace {

// A multi-line field of the dialog; Tab moves on to the next field rather than typing a tab.
QPlainTextEdit* textField(const QString& text, const QString& accessibleName, const QString& toolTip, QWidget* parent) {
    auto* field = new QPlainTextEdit(text, parent);
    field->setAccessibleName(accessibleName);
    field->setToolTip(toolTip);
    field->setTabChangesFocus(true);
    return field;
}

}  // namespace

QString AutoLabelSettings::defaultTemplates() {
    QStringList lines;
    for (const auto& t : diffclip::defaultPromptTemplates()) lines << QString::fromStdString(t);
    return lines.join(QLatin1Char('\n'));
}

QString AutoLabelSettings::classesFromNames(const QStringList& names) {
    QStringList lines;
    // A ':' or '#' in a label would be read as prompt text or a comment; such names are kept
    // out of the generated text rather than silently changed.
    for (const QString& n : names)
        if (!n.contains(QLatin1Char(':')) && !n.startsWith(QLatin1Char('#'))) lines << n;
    return lines.join(QLatin1Char('\n'));
}

diffclip::Result<AutoLabelSettings> AutoLabelSettings::load(diffclip::Library& lib) {
    AutoLabelSettings st;
    auto classes = lib.setting(kClassesKey);
    auto templates = lib.setting(kTemplatesKey);
    auto minConf = lib.setting(kMinConfidenceKey);
    auto only = lib.setting(kOnlyUnlabelledKey);
    if (!classes) return classes.error();
    st.classes = QString::fromStdString(*classes);
    st.templates = templates && !templates->empty() ? QString::fromStdString(*templates) : defaultTemplates();
    bool ok = false;
    const double v = minConf ? QString::fromStdString(*minConf).toDouble(&ok) : 0.0;
    if (ok && v >= 0.0 && v <= 1.0) st.minConfidence = v;
    if (only && !only->empty()) st.onlyUnlabelled = *only != "0";
    return st;
}

diffclip::Status AutoLabelSettings::store(diffclip::Library& lib) const {
    const std::pair<const char*, std::string> values[] = {
        {kClassesKey, classes.toStdString()},
        {kTemplatesKey, templates.toStdString()},
        {kMinConfidenceKey, QString::number(minConfidence).toStdString()},
        {kOnlyUnlabelledKey, onlyUnlabelled ? "1" : "0"}};
    for (const auto& [key, value] : values)
        if (auto saved = lib.setSetting(key, value); !saved) return saved;
    return diffclip::Status{};
}

bool AutoLabelSettings::toOptions(diffclip::AutoTagOptions* options, QString* error) const {
    auto classList = diffclip::parseClassPrompts(classes.toStdString());
    if (!classList) {
        // parseClassPrompts has two reasons: a line without a name, or fewer than two classes.
        *error = classList.error().message.rfind("a class line has no name", 0) == 0
                     ? QCoreApplication::translate("AutoLabelDialog", "A class line has no name before the ':'.")
                     : QCoreApplication::translate("AutoLabelDialog", "Give at least two classes, one per line.");
        return false;
    }
    auto templateList = diffclip::parsePromptTemplates(templates.toStdString());
    if (!templateList) {
        *error = QCoreApplication::translate("AutoLabelDialog", "Give at least one prompt template.");
        return false;
    }
    if (!(minConfidence >= 0.0 && minConfidence <= 1.0)) {
        *error = QCoreApplication::translate("AutoLabelDialog", "The minimum confidence must be between 0 and 100 %.");
        return false;
    }
    options->classes = std::move(*classList);
    options->templates = std::move(*templateList);
    options->minConfidence = minConfidence;
    options->onlyUnlabelled = onlyUnlabelled;
    return true;
}

AutoLabelDialog::AutoLabelDialog(const AutoLabelSettings& settings, const QStringList& currentClasses, QWidget* parent)
    : QDialog(parent), m_currentClasses(currentClasses) {
    setWindowTitle(tr("Auto-Label"));
    auto* intro = new QLabel(
        tr("Each photo gets the class whose prompts its picture matches best (zero-shot, from the stored "
           "embeddings). Labels set by hand or taken from folders always take precedence."),
        this);
    intro->setWordWrap(true);

    m_classes = textField(settings.classes, tr("Classes and their prompts"),
                          tr("One class per line: \"name\" or \"name: prompt text; another prompt\". "
                             "Lines starting with # are ignored."),
                          this);
    auto* useLibrary = new QPushButton(tr("Use the Library's Classes"), this);
    useLibrary->setEnabled(!currentClasses.isEmpty());
    connect(useLibrary, &QPushButton::clicked, this,
            [this] { m_classes->setPlainText(AutoLabelSettings::classesFromNames(m_currentClasses)); });

    m_templates = textField(settings.templates, tr("Prompt templates"),
                            tr("One template per line; {} is replaced by each prompt text. A class's "
                               "embedding is the mean over its prompts and these templates."),
                            this);
    auto* resetTemplates = new QPushButton(tr("Default Templates"), this);
    connect(resetTemplates, &QPushButton::clicked, this,
            [this] { m_templates->setPlainText(AutoLabelSettings::defaultTemplates()); });

    m_minConfidence = new QDoubleSpinBox(this);
    m_minConfidence->setRange(0.0, 100.0);
    m_minConfidence->setDecimals(0);
    m_minConfidence->setSingleStep(5.0);
    m_minConfidence->setSuffix(QStringLiteral(" %"));
    m_minConfidence->setValue(settings.minConfidence * 100.0);
    m_minConfidence->setAccessibleName(tr("Minimum confidence"));
    m_minConfidence->setToolTip(tr("Photos whose best class is less probable than this keep no label."));

    m_onlyUnlabelled = new QCheckBox(tr("Only photos without a label"), this);
    m_onlyUnlabelled->setChecked(settings.onlyUnlabelled);

    m_problem = makeProblemLabel(QStringLiteral("autoLabelProblem"), this);

    auto* classesRow = new QHBoxLayout;
    classesRow->addWidget(m_classes, 1);
    classesRow->addWidget(useLibrary, 0, Qt::AlignTop);
    auto* templatesRow = new QHBoxLayout;
    templatesRow->addWidget(m_templates, 1);
    templatesRow->addWidget(resetTemplates, 0, Qt::AlignTop);
    auto* form = new QFormLayout;
    form->addRow(tr("&Classes:"), classesRow);
    form->addRow(tr("&Templates:"), templatesRow);
    form->addRow(tr("&Minimum confidence:"), m_minConfidence);
    form->addRow(QString(), m_onlyUnlabelled);
    qobject_cast<QLabel*>(form->labelForField(classesRow))->setBuddy(m_classes);
    qobject_cast<QLabel*>(form->labelForField(templatesRow))->setBuddy(m_templates);

    QDialogButtonBox* buttons = makeOkCancelButtons(this, tr("Label Photos"));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form, 1);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    connect(m_classes, &QPlainTextEdit::textChanged, this, [this] { m_problem->hide(); });
    connect(m_templates, &QPlainTextEdit::textChanged, this, [this] { m_problem->hide(); });
    resize(fontMetrics().height() * 40, fontMetrics().height() * 30);
}

AutoLabelSettings AutoLabelDialog::settings() const {
    AutoLabelSettings s;
    s.classes = m_classes->toPlainText();
    s.templates = m_templates->toPlainText();
    s.minConfidence = m_minConfidence->value() / 100.0;
    s.onlyUnlabelled = m_onlyUnlabelled->isChecked();
    return s;
}

void AutoLabelDialog::accept() {
    QString problem;
    if (!settings().toOptions(&m_options, &problem)) {
        m_problem->setText(problem);
        m_problem->show();
        return;
    }
    QDialog::accept();
}

}  // namespace diffclip::ui
