#include "ModelDrop.h"

#include <QDropEvent>
#include <QFileInfo>
#include <QMimeData>
#include <QUrl>

namespace diffclip::ui {

bool looksLikeModelPath(const QString& path) {
    const QFileInfo info(path);
    if (info.isDir()) return true;
    const QString suffix = info.suffix().toLower();
    return suffix == QLatin1String("pt") || suffix == QLatin1String("pth") || suffix == QLatin1String("safetensors");
}

QStringList modelPathsFromMimeData(const QMimeData* mime) {
    QStringList paths;
    if (!mime || !mime->hasUrls()) return paths;
    const QList<QUrl> urls = mime->urls();
    for (const QUrl& url : urls) {
        if (!url.isLocalFile()) continue;
        const QString path = url.toLocalFile();
        if (looksLikeModelPath(path)) paths.append(path);
    }
    return paths;
}

QStringList acceptModelPaths(QDropEvent* event) {
    QStringList paths = modelPathsFromMimeData(event->mimeData());
    if (!paths.isEmpty()) event->acceptProposedAction();
    return paths;
}

}  // namespace diffclip::ui
