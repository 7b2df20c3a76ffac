#pragma once
// The photo file formats as the UI offers them: file-dialog patterns, QDir name filters and a
// name check, all built from the core's one list (photoExtensions() in ImageDecode.h), so the
// pages pick the same files as indexing and training do. Pure functions; any thread.

#include <QString>
#include <QStringList>

namespace diffclip::ui {

/// "*.jpg", "*.jpeg", ... for QDir::entryList (which matches them in any case).
const QStringList& photoNameFilters();

/// "*.jpg *.jpeg *.png ..." for a file dialog's filter, e.g. tr("Photos (%1)").arg(photoFilePatterns()).
QString photoFilePatterns();

/// True when the file name's extension, in any case, is a photo extension.
bool isPhotoFileName(const QString& fileName);

}  // namespace diffclip::ui
