#include "ErrorText.h"

#include "diffclip/library/Library.h"

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

QString ErrorText::libraryReason(diffclip::ErrorCode code) {
    using diffclip::ErrorCode;
    switch (code) {
    case ErrorCode::Ok:
        break;
    case ErrorCode::InvalidArgument:
        return tr("A value given is not usable. Check the entries and try again.");
    case ErrorCode::NotFound:
        return tr("A file, folder, photo or model that is needed does not exist.");
    case ErrorCode::Io:
        return tr("The library or a photo could not be read or written: another program may be writing to "
                  "the library, the disk may be full, or you may lack permission. Nothing was lost.");
    case ErrorCode::Format:
        return tr("The file is not a DiffCLIP library or is damaged. It was not changed.");
    case ErrorCode::Unsupported:
        return tr("This library was made by a newer DiffCLIP Studio, or uses something this version does not "
                  "support.");
    case ErrorCode::Mismatch:
        return tr("The model does not fit the embeddings or settings stored in the library.");
    case ErrorCode::Cancelled:
        return tr("The work was cancelled. What was finished before is kept.");
    case ErrorCode::OutOfMemory:
        return tr("There is not enough memory. Try a smaller batch size in Settings.");
    case ErrorCode::Internal:
        break;
    }
    return tr("An unexpected error occurred. Please report it together with the details below.");
}

QString ErrorText::photoReason(diffclip::ErrorCode code) {
    using diffclip::ErrorCode;
    switch (code) {
    case ErrorCode::NotFound:
        return tr("The photo does not exist: it may have been moved, renamed or deleted.");
    case ErrorCode::Io:
        return tr("The photo could not be read. Check that you may read it and that the disk works.");
    case ErrorCode::Format:
        return tr("The file is not a photo that DiffCLIP Studio can read (JPEG, PNG, TIFF, WebP or BMP), or it is "
                  "damaged or truncated. The details say what it was found to be.");
    case ErrorCode::Unsupported:
        return tr("The photo is stored in a way DiffCLIP Studio does not support.");
    case ErrorCode::OutOfMemory:
        return tr("There is not enough memory to decode this photo.");
    default:
        break;
    }
    return libraryReason(code);
}

QString ErrorText::searchReason(diffclip::ErrorCode code, bool photo) {
    using diffclip::ErrorCode;
    switch (code) {
    case ErrorCode::NotFound:
        return photo ? tr("The photo does not exist any more, or it was moved.")
                     : tr("Something the search needs is missing from the library or the model.");
    case ErrorCode::Format:
        return tr("This file is not an image DiffCLIP Studio can read (JPEG, PNG, TIFF, WebP or BMP), "
                  "or it is damaged or too large.");
    case ErrorCode::Io:
        return tr("A file could not be read, or the library is busy. Check the file and try again.");
    case ErrorCode::Unsupported:
        return photo ? tr("The model cannot search with this photo.")
                     : tr("The model cannot search by text: it has no tokenizer.");
    case ErrorCode::InvalidArgument:
        return tr("The search settings are not valid. Check the filters.");
    case ErrorCode::Mismatch:
        return tr("The library's photos were embedded by another model. Re-embed them with this one.");
    case ErrorCode::OutOfMemory:
        return tr("There is not enough memory for this search.");
    case ErrorCode::Cancelled:
        return tr("The search was cancelled.");
    case ErrorCode::Ok:
    case ErrorCode::Internal:
        break;
    }
    return tr("An unexpected error occurred. Please report it together with the details below.");
}

QString ErrorText::failureReason(diffclip::FailureCode code) {
    using diffclip::FailureCode;
    switch (code) {
    case FailureCode::Unknown:
        break;
    case FailureCode::Unreadable:
        return tr("The file could not be opened or read. Check that you may read it and that the disk works.");
    case FailureCode::Missing:
        return tr("The file is no longer there: it was moved, renamed or deleted.");
    case FailureCode::TooLarge:
        return tr("The file is too large: over 1 GiB, or more pixels than photos may have.");
    case FailureCode::NotAnImage:
        return tr("Not a photo format DiffCLIP Studio reads (JPEG, PNG, TIFF, WebP, BMP), or its start is damaged.");
    case FailureCode::Damaged:
        return tr("The photo is damaged or incomplete, for example cut off while copying.");
    case FailureCode::OutOfMemory:
        return tr("There was not enough memory to decode this photo.");
    case FailureCode::ModelInput:
        return tr("The model could not prepare this photo as its input. Please report it with the details.");
    }
    return {};
}

QString ErrorText::details(const diffclip::Error& error) { return QString::fromStdString(error.describe()); }

}  // namespace diffclip::ui
