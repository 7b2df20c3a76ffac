#pragma once
// Which dropped or chosen paths can be models: .pt / .pth / .safetensors files and folders
// (a model package is a folder). The core decides for certain when it opens them.

#include <QString>
#include <QStringList>

class QDropEvent;
class QMimeData;

namespace diffclip::ui {

/// True for an existing folder or a file named *.pt, *.pth or *.safetensors (any case).
bool looksLikeModelPath(const QString& path);

/// The local paths in `mime` that look like models, in drop order; empty when none do.
QStringList modelPathsFromMimeData(const QMimeData* mime);

/// The model paths that `event` (a drag entering, or a drop) carries; accepts its proposed
/// action when there are any, so a window or page takes only models.
QStringList acceptModelPaths(QDropEvent* event);

}  // namespace diffclip::ui
