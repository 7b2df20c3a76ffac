#include "ErrorText.h"

namespace diffclip::ui {

QString ErrorText::modelOpenReason(diffclip::ErrorCode code) {
    using diffclip::ErrorCode;
    switch (code) {
    case ErrorCode::Ok:
        break;
    case ErrorCode::InvalidArgument:
        return tr("The model's settings are not usable (for example, sizes that do not fit together).");
    case ErrorCode::NotFound:
        return tr("The file or folder does not exist, or a file the model needs is missing.");
    case ErrorCode::Io:
        return tr("The file could not be read. Check that you may read it and that the disk works.");
    case ErrorCode::Format:
        return tr("This is not a model file that DiffCLIP Studio can read, or it is damaged or truncated. "
                  "Nothing in the file was run.");
    case ErrorCode::Unsupported:
        return tr("The file is well-formed but uses something DiffCLIP Studio does not support.");
    case ErrorCode::Mismatch:
        return tr("The weights do not fit the model's architecture: tensor shapes and configuration disagree.");
    case ErrorCode::Cancelled:
        return tr("Opening the model was cancelled.");
    case ErrorCode::OutOfMemory:
        return tr("There is not enough memory to open this model.");
    case ErrorCode::Internal:
        break;
    }
    return tr("An unexpected error occurred. Please report it together with the details below.");
}

QString ErrorText::details(const diffclip::Error& error) { return QString::fromStdString(error.describe()); }

}  // namespace diffclip::ui
