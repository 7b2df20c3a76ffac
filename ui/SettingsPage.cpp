#include "SettingsPage.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include "AppSettings.h"
#include "Theme.h"

namespace diffclip::ui {

namespace {

QLabel* note(const QString& text, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setForegroundRole(QPalette::PlaceholderText);
    return l;
}

// A control with its explanation under it, as one form field.
QWidget* withNote(QWidget* control, QLabel* noteLabel, QWidget* parent) {
    auto* box = new QWidget(parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(control, 0, Qt::AlignLeft);
    layout->addWidget(noteLabel);
    return box;
}

}  // namespace

SettingsPage::SettingsPage(QWidget* parent) : QWidget(parent), m_initialLanguage(AppSettings::language()) {
    setObjectName(QStringLiteral("settingsPage"));

    auto* title = new QLabel(tr("Settings"), this);
    QFont f = title->font();
    f.setPointSizeF(f.pointSizeF() * 1.6);
    f.setBold(true);
    title->setFont(f);

    // Appearance
    m_language = new QComboBox(this);
    m_language->setObjectName(QStringLiteral("languageCombo"));
    m_language->setAccessibleName(tr("Language"));
    m_language->addItem(tr("System default"), int(LanguageChoice::System));
    // Each language is named in itself, so anyone can find their own.
    m_language->addItem(QStringLiteral("English"), int(LanguageChoice::English));
    m_language->addItem(QStringLiteral("日本語"), int(LanguageChoice::Japanese));
    m_language->setCurrentIndex(m_language->findData(int(AppSettings::language())));
    m_restartNote = note(QString(), this);
    m_restartNote->setObjectName(QStringLiteral("restartNote"));
    connect(m_language, &QComboBox::currentIndexChanged, this, [this] {
        AppSettings::setLanguage(LanguageChoice(m_language->currentData().toInt()));
        updateRestartNote();
    });

    m_theme = new QComboBox(this);
    m_theme->setObjectName(QStringLiteral("themeCombo"));
    m_theme->setAccessibleName(tr("Theme"));
    m_theme->addItem(tr("System default"), int(ThemeChoice::System));
    m_theme->addItem(tr("Light"), int(ThemeChoice::Light));
    m_theme->addItem(tr("Dark"), int(ThemeChoice::Dark));
    m_theme->setCurrentIndex(m_theme->findData(int(AppSettings::theme())));
    connect(m_theme, &QComboBox::currentIndexChanged, this, [this] {
        const auto choice = ThemeChoice(m_theme->currentData().toInt());
        AppSettings::setTheme(choice);
        applyTheme(choice);
    });

    auto* appearance = new QGroupBox(tr("Appearance"), this);
    auto* appearanceForm = new QFormLayout(appearance);
    appearanceForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto* languageLabel = new QLabel(tr("&Language:"), this);
    languageLabel->setBuddy(m_language);
    appearanceForm->addRow(languageLabel, withNote(m_language, m_restartNote, this));
    auto* themeLabel = new QLabel(tr("&Theme:"), this);
    themeLabel->setBuddy(m_theme);
    appearanceForm->addRow(themeLabel, withNote(m_theme,
                                                note(tr("Light and Dark use the Fusion style; System default uses "
                                                        "the look of your desktop."),
                                                     this),
                                                this));

    // Performance
    m_threads = new QSpinBox(this);
    m_threads->setObjectName(QStringLiteral("cpuThreadsSpin"));
    m_threads->setAccessibleName(tr("CPU threads"));
    m_threads->setRange(0, AppSettings::kMaxCpuThreads);
    m_threads->setSpecialValueText(tr("Automatic"));
    m_threads->setValue(AppSettings::cpuThreads());
    connect(m_threads, &QSpinBox::valueChanged, this, [](int v) { AppSettings::setCpuThreads(v); });

    auto* performance = new QGroupBox(tr("Performance"), this);
    auto* performanceForm = new QFormLayout(performance);
    performanceForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto* threadsLabel = new QLabel(tr("CPU t&hreads:"), this);
    threadsLabel->setBuddy(m_threads);
    performanceForm->addRow(threadsLabel,
                            withNote(m_threads,
                                     note(tr("Threads used when a model runs on the CPU. Automatic (0) picks a "
                                             "number that suits this processor and precision. Logical processors "
                                             "in this computer: %1.")
                                              .arg(QThread::idealThreadCount()),
                                          this),
                                     this));

    // Explanations read best at a limited width; measured in characters, so DPI-safe.
    auto* column = new QWidget(this);
    column->setMaximumWidth(fontMetrics().averageCharWidth() * 110);
    auto* columnLayout = new QVBoxLayout(column);
    columnLayout->setContentsMargins(0, 0, 0, 0);
    columnLayout->addWidget(title);
    columnLayout->addWidget(appearance);
    columnLayout->addWidget(performance);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(column);
    layout->addStretch(1);

    updateRestartNote();
}

void SettingsPage::updateRestartNote() {
    // Only a change made here is pending; a --lang override of this session is not.
    if (AppSettings::language() != m_initialLanguage)
        m_restartNote->setText(tr("The new language is used after you restart DiffCLIP Studio."));
    else
        m_restartNote->setText(tr("A change of language takes effect after a restart."));
}

}  // namespace diffclip::ui
