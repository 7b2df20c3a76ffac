#pragma once
// Choosing and installing the user-interface language. English is the source language;
// Japanese comes from translations/diffclip_ja.ts, compiled into the resources at :/i18n.

#include <QString>
#include <QStringList>

namespace diffclip::ui {

/// Language codes the application has: "en", "ja".
QStringList supportedLanguages();

/// The language to use: `commandLine` when it is a supported code, else the saved setting,
/// else Japanese when the system's preferred UI language is Japanese, else English.
QString resolveLanguage(const QString& commandLine = QString());

/// Installs the application's translator and Qt's own (qtbase_*.qm from Qt's translations
/// folder, when present) on qApp, and makes numbers follow that language when the system
/// locale speaks another. Returns false when the application's translation is missing.
/// Call once, before any widget is created.
bool installTranslators(const QString& language);

}  // namespace diffclip::ui
