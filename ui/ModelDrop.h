#pragma once
// Which dropped or chosen paths can be models: .pt / .pth / .safetensors files and folders
// (a model package is a folder). The core decides for certain when it opens them.

#include <QString>
#include <QStringList>

class QMimeData;

namespace diffclip::ui {

/// True for an existing folder or a file named *.pt, *.pth or *.safetensors (any case).
bool looksLikeModelPath(const QString& path);

/// The local paths in `mime` that look like models, in drop order; empty when none do.
QStringList modelPathsFromMimeData(const QMimeData* mime);

}  // namespace diffclip::ui
