#include "AppSettings.h"

#include "diffclip/model/ModelSummary.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace diffclip::ui {

namespace {

const QString kLanguage = QStringLiteral("ui/language");
const QString kTheme = QStringLiteral("ui/theme");
const QString kCpuThreads = QStringLiteral("compute/cpuThreads");
const QString kRecent = QStringLiteral("models/recent");
const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
const QString kSplitter = QStringLiteral("models/splitter");
const QString kDevice = QStringLiteral("compute/device");
const QString kPrecision = QStringLiteral("compute/precision");
const QString kBatchSize = QStringLiteral("compute/batchSize");
const QString kDefaultLibrary = QStringLiteral("library/defaultPath");
const QString kRecentLibraries = QStringLiteral("library/recent");
const QString kLibrarySplitter = QStringLiteral("library/splitter");
const QString kPhotoFolder = QStringLiteral("dialogs/photoFolder");

QStringList cleanList(QStringList list, int max) {
    list.removeAll(QString());
    list.removeDuplicates();
    return list.mid(0, max);
}

// Stored as words, not enum numbers, so the file stays readable and survives reordering.
QString languageKey(LanguageChoice c) {
    switch (c) {
    case LanguageChoice::English: return QStringLiteral("en");
    case LanguageChoice::Japanese: return QStringLiteral("ja");
    case LanguageChoice::System: break;
    }
    return QStringLiteral("system");
}

QString themeKey(ThemeChoice c) {
    switch (c) {
    case ThemeChoice::Light: return QStringLiteral("light");
    case ThemeChoice::Dark: return QStringLiteral("dark");
    case ThemeChoice::System: break;
    }
    return QStringLiteral("system");
}

QString normalisedPath(const QString& path) { return QDir::cleanPath(path); }

}  // namespace

LanguageChoice AppSettings::language() {
    const QString v = QSettings().value(kLanguage).toString();
    if (v == QLatin1String("en")) return LanguageChoice::English;
    if (v == QLatin1String("ja")) return LanguageChoice::Japanese;
    return LanguageChoice::System;
}

void AppSettings::setLanguage(LanguageChoice choice) { QSettings().setValue(kLanguage, languageKey(choice)); }

ThemeChoice AppSettings::theme() {
    const QString v = QSettings().value(kTheme).toString();
    if (v == QLatin1String("light")) return ThemeChoice::Light;
    if (v == QLatin1String("dark")) return ThemeChoice::Dark;
    return ThemeChoice::System;
}

void AppSettings::setTheme(ThemeChoice choice) { QSettings().setValue(kTheme, themeKey(choice)); }

int AppSettings::cpuThreads() {
    bool ok = false;
    const int v = QSettings().value(kCpuThreads, 0).toInt(&ok);
    return ok && v >= 0 && v <= kMaxCpuThreads ? v : 0;
}

void AppSettings::setCpuThreads(int threads) {
    QSettings().setValue(kCpuThreads, qBound(0, threads, kMaxCpuThreads));
    setCpuThreadPreference(qBound(0, threads, kMaxCpuThreads));
}

QStringList AppSettings::recentModels() {
    QStringList list = QSettings().value(kRecent).toStringList();
    list.removeAll(QString());
    list.removeDuplicates();
    return list.mid(0, kMaxRecentModels);
}

void AppSettings::addRecentModel(const QString& path) {
    const QString p = normalisedPath(path);
    QStringList list = recentModels();
    list.removeAll(p);
    list.prepend(p);
    QSettings().setValue(kRecent, list.mid(0, kMaxRecentModels));
}

void AppSettings::removeRecentModel(const QString& path) {
    QStringList list = recentModels();
    list.removeAll(normalisedPath(path));
    QSettings().setValue(kRecent, list);
}

void AppSettings::clearRecentModels() { QSettings().remove(kRecent); }

QByteArray AppSettings::windowGeometry() { return QSettings().value(kGeometry).toByteArray(); }
QByteArray AppSettings::windowState() { return QSettings().value(kState).toByteArray(); }

void AppSettings::setWindowGeometry(const QByteArray& geometry, const QByteArray& state) {
    QSettings s;
    s.setValue(kGeometry, geometry);
    s.setValue(kState, state);
}

QByteArray AppSettings::modelsSplitterState() { return QSettings().value(kSplitter).toByteArray(); }
void AppSettings::setModelsSplitterState(const QByteArray& state) { QSettings().setValue(kSplitter, state); }

QString AppSettings::device() {
    const QString v = QSettings().value(kDevice).toString();
    return v == QLatin1String("cpu") || v == QLatin1String("cuda") ? v : QStringLiteral("auto");
}

void AppSettings::setDevice(const QString& device) { QSettings().setValue(kDevice, device); }

QString AppSettings::precision() {
    const QString v = QSettings().value(kPrecision).toString();
    for (const char* known : {"fp32", "bf16", "int8"})
        if (v == QLatin1String(known)) return v;
    return QStringLiteral("auto");
}

void AppSettings::setPrecision(const QString& precision) { QSettings().setValue(kPrecision, precision); }

int AppSettings::batchSize() {
    bool ok = false;
    const int v = QSettings().value(kBatchSize, kDefaultBatchSize).toInt(&ok);
    return ok && v >= kMinBatchSize && v <= kMaxBatchSize ? v : kDefaultBatchSize;
}

void AppSettings::setBatchSize(int size) { QSettings().setValue(kBatchSize, qBound(kMinBatchSize, size, kMaxBatchSize)); }

QString AppSettings::builtinLibraryPath() {
    // GenericDataLocation is $XDG_DATA_HOME (~/.local/share); the folder is named like the
    // program, as its installed data under share/diffclip-studio.
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
        .filePath(QStringLiteral("diffclip-studio/library.dclib"));
}

QString AppSettings::modelRegistryDir() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
        .filePath(QStringLiteral("diffclip-studio/models"));
}

QString AppSettings::jobHistoryFile() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
        .filePath(QStringLiteral("diffclip-studio/jobs.json"));
}

QString AppSettings::defaultLibraryPath() {
    const QString v = QSettings().value(kDefaultLibrary).toString();
    return v.isEmpty() ? builtinLibraryPath() : v;
}

void AppSettings::setDefaultLibraryPath(const QString& path) {
    if (path.isEmpty())
        QSettings().remove(kDefaultLibrary);
    else
        QSettings().setValue(kDefaultLibrary, normalisedPath(path));
}

QStringList AppSettings::recentLibraries() {
    return cleanList(QSettings().value(kRecentLibraries).toStringList(), kMaxRecentLibraries);
}

void AppSettings::addRecentLibrary(const QString& path) {
    const QString p = normalisedPath(path);
    QStringList list = recentLibraries();
    list.removeAll(p);
    list.prepend(p);
    QSettings().setValue(kRecentLibraries, list.mid(0, kMaxRecentLibraries));
}

void AppSettings::removeRecentLibrary(const QString& path) {
    QStringList list = recentLibraries();
    list.removeAll(normalisedPath(path));
    QSettings().setValue(kRecentLibraries, list);
}

void AppSettings::clearRecentLibraries() { QSettings().remove(kRecentLibraries); }

QByteArray AppSettings::librarySplitterState() { return QSettings().value(kLibrarySplitter).toByteArray(); }
void AppSettings::setLibrarySplitterState(const QByteArray& state) { QSettings().setValue(kLibrarySplitter, state); }

QString AppSettings::photoFolder() {
    const QString last = QSettings().value(kPhotoFolder).toString();
    if (!last.isEmpty() && QFileInfo(last).isDir()) return last;
    const QString pictures = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    return !pictures.isEmpty() && QFileInfo(pictures).isDir() ? pictures : QDir::homePath();
}

void AppSettings::rememberPhotoFolder(const QString& path) {
    if (path.isEmpty()) return;
    const QFileInfo info(path);
    QSettings().setValue(kPhotoFolder, normalisedPath(info.isDir() ? info.absoluteFilePath() : info.absolutePath()));
}

QString AppSettings::newLibraryPath() {
    const QString path = defaultLibraryPath();
    if (QDir().mkpath(QFileInfo(path).absolutePath())) return path;
    return QDir::home().filePath(QFileInfo(path).fileName());
}

}  // namespace diffclip::ui
