#include "Localization.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include "AppSettings.h"

namespace diffclip::ui {

QStringList supportedLanguages() { return {QStringLiteral("en"), QStringLiteral("ja")}; }

QString resolveLanguage(const QString& commandLine) {
    if (supportedLanguages().contains(commandLine)) return commandLine;
    switch (AppSettings::language()) {
    case LanguageChoice::English: return QStringLiteral("en");
    case LanguageChoice::Japanese: return QStringLiteral("ja");
    case LanguageChoice::System: break;
    }
    // uiLanguages() honours LANGUAGE as well as LANG/LC_MESSAGES, as desktops expect.
    const QStringList preferred = QLocale::system().uiLanguages();
    for (const QString& tag : preferred) {
        if (tag.startsWith(QLatin1String("ja"))) return QStringLiteral("ja");
        if (tag.startsWith(QLatin1String("en"))) return QStringLiteral("en");
    }
    return QStringLiteral("en");
}

bool installTranslators(const QString& language) {
    const QLocale locale(language);
    // Keep the system's number and date conventions when they already belong to this language
    // (en_GB stays en_GB); otherwise use the chosen language's own.
    if (QLocale::system().language() != locale.language()) QLocale::setDefault(locale);
    if (language == QLatin1String("en")) return true;

    auto* qtTranslator = new QTranslator(QCoreApplication::instance());
    if (qtTranslator->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qtTranslator);
    else
        delete qtTranslator;

    auto* appTranslator = new QTranslator(QCoreApplication::instance());
    if (!appTranslator->load(QStringLiteral(":/i18n/diffclip_") + language)) {
        delete appTranslator;
        return false;
    }
    QCoreApplication::installTranslator(appTranslator);
    return true;
}

}  // namespace diffclip::ui
