#pragma once
// Shared by the demo and formula-image tests: reading a written tree and comparing images.

#include <QDir>
#include <QDirIterator>
#include <QFile>

#include <map>

#include <opencv2/core.hpp>

namespace diffclip::demotest {

inline QByteArray readFile(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// Every file below `root`, relative path -> bytes.
inline std::map<QString, QByteArray> tree(const QString& root) {
    std::map<QString, QByteArray> files;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        files[QDir(root).relativeFilePath(path)] = readFile(path);
    }
    return files;
}

/// Creates parent/name as a folder nobody may write, and lets everyone enter both folders (the
/// writer under test may be a child running as another user). Its path, or empty on failure.
inline QString makeReadOnlyFolder(const QString& parent, const QString& name) {
    const QString ro = parent + "/" + name;
    const bool ok = QDir(parent).mkdir(name) &&
                    QFile::setPermissions(parent, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                      QFileDevice::ExeOwner | QFileDevice::ReadOther |
                                                      QFileDevice::ExeOther) &&
                    QFile::setPermissions(ro, QFileDevice::ReadOwner | QFileDevice::ExeOwner | QFileDevice::ReadOther |
                                                  QFileDevice::ExeOther);
    return ok ? ro : QString();
}

/// Same size, type and pixels.
inline bool sameMat(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

}  // namespace diffclip::demotest
