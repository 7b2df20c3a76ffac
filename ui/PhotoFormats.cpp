#include "PhotoFormats.h"

#include <filesystem>

#include "diffclip/imaging/ImageDecode.h"

namespace diffclip::ui {

const QStringList& photoNameFilters() {
    static const QStringList filters = [] {
        QStringList out;
        for (const std::string& ext : diffclip::photoExtensions())
            out << QLatin1Char('*') + QString::fromStdString(ext);
        return out;
    }();
    return filters;
}

QString photoFilePatterns() { return photoNameFilters().join(QLatin1Char(' ')); }

bool isPhotoFileName(const QString& fileName) {
    return diffclip::hasPhotoExtension(std::filesystem::path(fileName.toStdString()));
}

}  // namespace diffclip::ui
