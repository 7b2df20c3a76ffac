#include "AppSettings.h"

#include <cmath>

#include "diffclip/model/ModelSummary.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <initializer_list>
#include <utility>

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
const QString kEconomics = QStringLiteral("poc/economics");

QString normalisedPath(const QString& path) { return QDir::cleanPath(path); }

// A most-recent-first list of paths under `key`: at most `max`, no empty or repeated entries.
QStringList recentList(const QString& key, int max) {
    QStringList list = QSettings().value(key).toStringList();
    list.removeAll(QString());
    list.removeDuplicates();
    return list.mid(0, max);
}

void addToRecentList(const QString& key, int max, const QString& path) {
    const QString p = normalisedPath(path);
    QStringList list = recentList(key, max);
    list.removeAll(p);
    list.prepend(p);
    QSettings().setValue(key, list.mid(0, max));
}

void removeFromRecentList(const QString& key, int max, const QString& path) {
    QStringList list = recentList(key, max);
    list.removeAll(normalisedPath(path));
    QSettings().setValue(key, list);
}

// A file or folder under <XDG data home>/diffclip-studio.
QString dataPath(const QString& name) {
    // GenericDataLocation is $XDG_DATA_HOME (~/.local/share); the folder is named like the
    // program, as its installed data under share/diffclip-studio.
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
        .filePath(QStringLiteral("diffclip-studio/") + name);
}

// Choices are stored as words, not enum numbers, so the file stays readable and survives
// reordering; System is "system", and a missing or unknown word reads as System.
template <typename Choice>
using ChoiceWords = std::initializer_list<std::pair<Choice, const char*>>;

const ChoiceWords<LanguageChoice> kLanguageWords = {{LanguageChoice::English, "en"}, {LanguageChoice::Japanese, "ja"}};
const ChoiceWords<ThemeChoice> kThemeWords = {{ThemeChoice::Light, "light"}, {ThemeChoice::Dark, "dark"}};

template <typename Choice>
Choice readChoice(const QString& key, ChoiceWords<Choice> words) {
    const QString v = QSettings().value(key).toString();
    for (const auto& [choice, word] : words)
        if (v == QLatin1String(word)) return choice;
    return Choice::System;
}

template <typename Choice>
void writeChoice(const QString& key, ChoiceWords<Choice> words, Choice choice) {
    const char* value = "system";
    for (const auto& [c, word] : words)
        if (c == choice) value = word;
    QSettings().setValue(key, QString::fromLatin1(value));
}

}  // namespace

LanguageChoice AppSettings::language() { return readChoice(kLanguage, kLanguageWords); }
void AppSettings::setLanguage(LanguageChoice choice) { writeChoice(kLanguage, kLanguageWords, choice); }

ThemeChoice AppSettings::theme() { return readChoice(kTheme, kThemeWords); }
void AppSettings::setTheme(ThemeChoice choice) { writeChoice(kTheme, kThemeWords, choice); }

int AppSettings::cpuThreads() {
    bool ok = false;
    const int v = QSettings().value(kCpuThreads, 0).toInt(&ok);
    return ok && v >= 0 && v <= kMaxCpuThreads ? v : 0;
}

void AppSettings::setCpuThreads(int threads) {
    QSettings().setValue(kCpuThreads, qBound(0, threads, kMaxCpuThreads));
    setCpuThreadPreference(qBound(0, threads, kMaxCpuThreads));
}

QStringList AppSettings::recentModels() { return recentList(kRecent, kMaxRecentModels); }
void AppSettings::addRecentModel(const QString& path) { addToRecentList(kRecent, kMaxRecentModels, path); }
void AppSettings::removeRecentModel(const QString& path) { removeFromRecentList(kRecent, kMaxRecentModels, path); }

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

QString AppSettings::builtinLibraryPath() { return dataPath(QStringLiteral("library.dclib")); }
QString AppSettings::modelRegistryDir() { return dataPath(QStringLiteral("models")); }
QString AppSettings::jobHistoryFile() { return dataPath(QStringLiteral("jobs.json")); }

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

QStringList AppSettings::recentLibraries() { return recentList(kRecentLibraries, kMaxRecentLibraries); }
void AppSettings::addRecentLibrary(const QString& path) {
    addToRecentList(kRecentLibraries, kMaxRecentLibraries, path);
}
void AppSettings::removeRecentLibrary(const QString& path) {
    removeFromRecentList(kRecentLibraries, kMaxRecentLibraries, path);
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

diffclip::EconomicsInputs AppSettings::economicsInputs() {
    // Five numbers as text ("5, 3000, 120, 30, 100000" in the settings file); anything unreadable
    // or out of range reads as 0 (not entered).
    const QStringList v = QSettings().value(kEconomics).toStringList();
    double x[5] = {0, 0, 0, 0, 0};
    for (int i = 0; i < 5 && i < v.size(); ++i) {
        bool ok = false;
        const double d = v[i].trimmed().toDouble(&ok);
        x[i] = ok && std::isfinite(d) && d >= 0.0 ? d : 0.0;
    }
    return diffclip::EconomicsInputs{x[0], x[1], x[2], x[3], x[4]};
}

void AppSettings::setEconomicsInputs(const diffclip::EconomicsInputs& in) {
    QStringList v;
    for (double d : {in.beforeMinutes, in.hourlyRate, in.powerWatts, in.pricePerKwh, in.investment})
        v << QString::number(d, 'g', 17);
    QSettings().setValue(kEconomics, v);
}

}  // namespace diffclip::ui
