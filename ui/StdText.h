#pragma once
// Conversions between the core's strings (UTF-8 std::string, local 8-bit file names) and Qt's.
// One copy for every page: the unity build of the release preset compiles several UI files as
// one translation unit, where file-local copies of the same helper would collide.

#include <QColor>
#include <QDir>
#include <QFile>
#include <QString>

#include <string>

namespace diffclip::ui {

/// The core's UTF-8 text as a QString.
inline QString fromStd(const std::string& s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

/// A path as the core's file functions take it (the local 8-bit encoding Qt uses for file names).
inline std::string encoded(const QString& path) { return QFile::encodeName(path).toStdString(); }

/// `path` with "." and ".." resolved and separators normalised; empty stays empty.
inline QString cleanOrEmpty(const QString& path) { return path.isEmpty() ? QString() : QDir::cleanPath(path); }

/// The colour `t` of the way from `a` to `b` (t in [0, 1]), channel by channel.
inline QColor mix(const QColor& a, const QColor& b, double t) {
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t), float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

}  // namespace diffclip::ui
