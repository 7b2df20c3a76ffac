#include "LabelTree.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSaveFile>
#include <QSet>

#include <map>

#include "ErrorText.h"
#include "diffclip/library/Library.h"

namespace diffclip::ui {

namespace {

const QString kManifest = QStringLiteral(".diffclip-mirror");
constexpr int kMaxProblems = 50;

QSet<QString> readManifest(const QDir& target) {
    QSet<QString> out;
    QFile f(target.filePath(kManifest));
    if (!f.open(QIODevice::ReadOnly)) return out;
    const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString& l : lines) {
        // Only plain relative paths one level deep: a tampered manifest cannot reach outside.
        const QStringList parts = l.split(QLatin1Char('/'));
        if (parts.size() == 2 && !parts[0].isEmpty() && !parts[1].isEmpty() && !parts.contains(QStringLiteral("..")))
            out.insert(l);
    }
    return out;
}

bool sameFile(const QString& a, const QString& b) {
    return QFileInfo(a).canonicalFilePath() == QFileInfo(b).canonicalFilePath();
}

}  // namespace

QString labelFolderName(const QString& label) {
    QString out;
    out.reserve(label.size());
    for (const QChar c : label) out += (c == QLatin1Char('/') || c == QLatin1Char('\\') || c.unicode() < 0x20) ? QLatin1Char('_') : c;
    out = out.trimmed();
    if (out.isEmpty() || out.startsWith(QLatin1Char('.'))) out.prepend(QLatin1Char('_'));
    return out;
}

diffclip::Result<MirrorReport> mirrorLabels(const QString& libraryPath, const QString& targetDir, MirrorMode mode,
                                            const diffclip::JobControl& job) {
    diffclip::LibraryOptions options;
    options.create = false;
    auto lib = diffclip::Library::open(QFile::encodeName(libraryPath).toStdString(), options);
    if (!lib) return lib.error();
    diffclip::ImageFilter okOnly;
    okOnly.status = diffclip::ImageStatus::Ok;
    auto images = lib->listImages(okOnly);
    if (!images) return images.error();
    auto labels = lib->currentLabels();
    if (!labels) return labels.error();

    QHash<qint64, QString> labelOf;
    for (const auto& [id, label] : *labels) labelOf.insert(id, QString::fromStdString(label));

    // Desired tree: relative path -> source. A file name used twice in one class gets the image
    // id in front, for all its holders, so the names stay the same from run to run.
    QHash<QString, int> nameCount;
    for (const auto& im : *images) {
        const QString label = labelOf.value(im.id);
        if (label.isEmpty()) continue;
        nameCount[labelFolderName(label) + QLatin1Char('/') + QFileInfo(QFile::decodeName(im.path.c_str())).fileName()]++;
    }
    std::map<QString, QString> desired;
    for (const auto& im : *images) {
        const QString label = labelOf.value(im.id);
        if (label.isEmpty()) continue;
        const QString src = QFile::decodeName(im.path.c_str());
        const QString folder = labelFolderName(label);
        const QString name = QFileInfo(src).fileName();
        QString rel = folder + QLatin1Char('/') + name;
        if (nameCount.value(rel) > 1) rel = folder + QLatin1Char('/') + QString::number(im.id) + QLatin1Char('-') + name;
        desired.emplace(rel, src);
    }

    QDir target(targetDir);
    if (!target.mkpath(QStringLiteral(".")))
        return diffclip::makeError(diffclip::ErrorCode::Io, "cannot create folder " + targetDir.toStdString());
    const QSet<QString> before = readManifest(target);
    QSet<QString> made;
    MirrorReport report;
    auto problem = [&report](const QString& line) {
        ++report.skipped;
        if (report.problems.size() < kMaxProblems) report.problems << line;
    };

    qint64 done = 0;
    job.progress.stage("mirror", qint64(desired.size()));
    for (const auto& [rel, src] : desired) {
        if (job.cancel.cancelled()) {
            report.cancelled = true;
            break;
        }
        if (done > 0) job.progress.update(done);  // photos finished before this one
        ++done;
        const QString dest = target.filePath(rel);
        const QFileInfo info(dest);
        const QFileInfo srcInfo(src);
        if (!srcInfo.exists()) {
            problem(QCoreApplication::translate("diffclip::ui::LabelTree", "%1: the photo no longer exists").arg(QDir::toNativeSeparators(src)));
            continue;
        }
        if (info.exists() || info.isSymLink()) {
            const bool inPlace = mode == MirrorMode::Link ? info.isSymLink() && sameFile(info.symLinkTarget(), src)
                                                          : !info.isSymLink() && info.size() == srcInfo.size();
            if (inPlace && (before.contains(rel) || mode == MirrorMode::Link)) {
                made.insert(rel);
                ++report.unchanged;
                continue;
            }
            if (!before.contains(rel)) {
                problem(QCoreApplication::translate("diffclip::ui::LabelTree", "%1: a file that DiffCLIP Studio did not make is in the way")
                            .arg(QDir::toNativeSeparators(dest)));
                continue;
            }
            QFile::remove(dest);
        }
        if (!target.mkpath(rel.section(QLatin1Char('/'), 0, 0))) {
            problem(QCoreApplication::translate("diffclip::ui::LabelTree", "%1: cannot create the folder").arg(QDir::toNativeSeparators(dest)));
            continue;
        }
        bool ok = false;
        if (mode == MirrorMode::Link) {
            ok = QFile::link(srcInfo.absoluteFilePath(), dest);
        } else {
            // Copy under a temporary name first, so a stopped run never leaves a half file.
            const QString part = dest + QStringLiteral(".part");
            QFile::remove(part);
            ok = QFile::copy(src, part) && QFile::rename(part, dest);
            if (!ok) QFile::remove(part);
        }
        if (!ok) {
            problem(QCoreApplication::translate("diffclip::ui::LabelTree", "%1: could not be written").arg(QDir::toNativeSeparators(dest)));
            continue;
        }
        made.insert(rel);
        ++report.created;
    }

    // What an earlier run made and is no longer wanted (relabelled or unlabelled photos).
    QSet<QString> keep = made;
    if (!report.cancelled) {
        for (const QString& rel : before) {
            if (desired.count(rel)) continue;
            const QString dest = target.filePath(rel);
            const QFileInfo info(dest);
            if ((info.exists() || info.isSymLink()) && !QFile::remove(dest)) {
                keep.insert(rel);
                continue;
            }
            ++report.removed;
            target.rmdir(rel.section(QLatin1Char('/'), 0, 0));  // only when empty
        }
    } else {
        keep.unite(before);
    }

    QSaveFile manifest(target.filePath(kManifest));
    if (!manifest.open(QIODevice::WriteOnly))
        return diffclip::makeError(diffclip::ErrorCode::Io, "cannot write " + manifest.fileName().toStdString());
    QStringList lines(keep.begin(), keep.end());
    lines.sort();
    manifest.write(lines.join(QLatin1Char('\n')).toUtf8() + '\n');
    if (!manifest.commit())
        return diffclip::makeError(diffclip::ErrorCode::Io, "cannot write " + manifest.fileName().toStdString());
    if (!report.cancelled) job.progress.update(done);
    return report;
}

JobCentre::Function mirrorLabelsJob(const QString& libraryPath, const QString& targetDir, MirrorMode mode) {
    return [libraryPath, targetDir, mode](const JobContext& ctx) {
        auto r = mirrorLabels(libraryPath, targetDir, mode, ctx.control());
        if (!r) return JobOutcome::failure(ErrorText::libraryReason(r.error().code), ErrorText::details(r.error()));
        for (const QString& p : r->problems) ctx.log(p);
        const QString text = QCoreApplication::translate("diffclip::ui::LabelTree",
                                                         "%1 made, %2 already in place, %3 removed, %4 skipped")
                                 .arg(r->created)
                                 .arg(r->unchanged)
                                 .arg(r->removed)
                                 .arg(r->skipped);
        return r->cancelled ? JobOutcome::cancelled(text) : JobOutcome::success(text);
    };
}

}  // namespace diffclip::ui
