#include "ErrorText.h"

#include "diffclip/library/Library.h"

namespace diffclip::ui {

namespace {

using diffclip::ErrorCode;

// What each error code means where it happened, one column per situation (source texts of
// ErrorText's translations). Codes without a row (Ok, Internal) and null texts fall through as
// the functions below say.
struct Reasons {
    ErrorCode code;
    const char* modelOpen;
    const char* library;
    const char* photo;       // null: the library's text
    const char* searchPhoto;
    const char* searchText;  // null: the same as for a photo
};

const Reasons kReasons[] = {
    {ErrorCode::InvalidArgument,
     QT_TRANSLATE_NOOP("ErrorText",
                       "The model's settings are not usable (for example, sizes that do not fit together)."),
     QT_TRANSLATE_NOOP("ErrorText", "A value given is not usable. Check the entries and try again."), nullptr,
     QT_TRANSLATE_NOOP("ErrorText", "The search settings are not valid. Check the filters."), nullptr},
    {ErrorCode::NotFound,
     QT_TRANSLATE_NOOP("ErrorText", "The file or folder does not exist, or a file the model needs is missing."),
     QT_TRANSLATE_NOOP("ErrorText", "A file, folder, photo or model that is needed does not exist."),
     QT_TRANSLATE_NOOP("ErrorText", "The photo does not exist: it may have been moved, renamed or deleted."),
     QT_TRANSLATE_NOOP("ErrorText", "The photo does not exist any more, or it was moved."),
     QT_TRANSLATE_NOOP("ErrorText", "Something the search needs is missing from the library or the model.")},
    {ErrorCode::Io,
     QT_TRANSLATE_NOOP("ErrorText", "The file could not be read. Check that you may read it and that the disk works."),
     QT_TRANSLATE_NOOP("ErrorText",
                       "The library or a photo could not be read or written: another program may be writing to "
                       "the library, the disk may be full, or you may lack permission. Nothing was lost."),
     QT_TRANSLATE_NOOP("ErrorText", "The photo could not be read. Check that you may read it and that the disk works."),
     QT_TRANSLATE_NOOP("ErrorText", "A file could not be read, or the library is busy. Check the file and try again."),
     nullptr},
    {ErrorCode::Format,
     QT_TRANSLATE_NOOP("ErrorText",
                       "This is not a model file that DiffCLIP Studio can read, or it is damaged or truncated. "
                       "Nothing in the file was run."),
     QT_TRANSLATE_NOOP("ErrorText", "The file is not a DiffCLIP library or is damaged. It was not changed."),
     QT_TRANSLATE_NOOP("ErrorText",
                       "The file is not a photo that DiffCLIP Studio can read (JPEG, PNG, TIFF, WebP or BMP), or it is "
                       "damaged or truncated. The details say what it was found to be."),
     QT_TRANSLATE_NOOP("ErrorText",
                       "This file is not an image DiffCLIP Studio can read (JPEG, PNG, TIFF, WebP or BMP), "
                       "or it is damaged or too large."),
     nullptr},
    {ErrorCode::Unsupported,
     QT_TRANSLATE_NOOP("ErrorText", "The file is well-formed but uses something DiffCLIP Studio does not support."),
     QT_TRANSLATE_NOOP("ErrorText",
                       "This library was made by a newer DiffCLIP Studio, or uses something this version does not "
                       "support."),
     QT_TRANSLATE_NOOP("ErrorText", "The photo is stored in a way DiffCLIP Studio does not support."),
     QT_TRANSLATE_NOOP("ErrorText", "The model cannot search with this photo."),
     QT_TRANSLATE_NOOP("ErrorText", "The model cannot search by text: it has no tokenizer.")},
    {ErrorCode::Mismatch,
     QT_TRANSLATE_NOOP("ErrorText",
                       "The weights do not fit the model's architecture: tensor shapes and configuration disagree."),
     QT_TRANSLATE_NOOP("ErrorText", "The model does not fit the embeddings or settings stored in the library."),
     nullptr,
     QT_TRANSLATE_NOOP("ErrorText",
                       "The library's photos were embedded by another model. Re-embed them with this one."),
     nullptr},
    {ErrorCode::Cancelled, QT_TRANSLATE_NOOP("ErrorText", "Opening the model was cancelled."),
     QT_TRANSLATE_NOOP("ErrorText", "The work was cancelled. What was finished before is kept."), nullptr,
     QT_TRANSLATE_NOOP("ErrorText", "The search was cancelled."), nullptr},
    {ErrorCode::OutOfMemory, QT_TRANSLATE_NOOP("ErrorText", "There is not enough memory to open this model."),
     QT_TRANSLATE_NOOP("ErrorText", "There is not enough memory. Try a smaller batch size in Settings."),
     QT_TRANSLATE_NOOP("ErrorText", "There is not enough memory to decode this photo."),
     QT_TRANSLATE_NOOP("ErrorText", "There is not enough memory for this search."), nullptr},
};

const char* const kUnexpected =
    QT_TRANSLATE_NOOP("ErrorText", "An unexpected error occurred. Please report it together with the details below.");

// The row of `code`, or null (Ok, Internal).
const Reasons* reasons(ErrorCode code) {
    for (const Reasons& r : kReasons)
        if (r.code == code) return &r;
    return nullptr;
}

}  // namespace

QString ErrorText::modelOpenReason(diffclip::ErrorCode code) {
    const Reasons* r = reasons(code);
    return tr(r ? r->modelOpen : kUnexpected);
}

QString ErrorText::libraryReason(diffclip::ErrorCode code) {
    const Reasons* r = reasons(code);
    return tr(r ? r->library : kUnexpected);
}

QString ErrorText::photoReason(diffclip::ErrorCode code) {
    const Reasons* r = reasons(code);
    return r && r->photo ? tr(r->photo) : libraryReason(code);
}

QString ErrorText::searchReason(diffclip::ErrorCode code, bool photo) {
    const Reasons* r = reasons(code);
    if (!r) return tr(kUnexpected);
    return tr(!photo && r->searchText ? r->searchText : r->searchPhoto);
}

QString ErrorText::failureReason(diffclip::FailureCode code) {
    using diffclip::FailureCode;
    static const std::pair<FailureCode, const char*> kFailures[] = {
        {FailureCode::Unreadable,
         QT_TRANSLATE_NOOP("ErrorText", "The file could not be opened or read. Check that you may read it and that "
                                        "the disk works.")},
        {FailureCode::Missing,
         QT_TRANSLATE_NOOP("ErrorText", "The file is no longer there: it was moved, renamed or deleted.")},
        {FailureCode::TooLarge,
         QT_TRANSLATE_NOOP("ErrorText", "The file is too large: over 1 GiB, or more pixels than photos may have.")},
        {FailureCode::NotAnImage,
         QT_TRANSLATE_NOOP("ErrorText", "Not a photo format DiffCLIP Studio reads (JPEG, PNG, TIFF, WebP, BMP), or its "
                                        "start is damaged.")},
        {FailureCode::Damaged,
         QT_TRANSLATE_NOOP("ErrorText", "The photo is damaged or incomplete, for example cut off while copying.")},
        {FailureCode::OutOfMemory, QT_TRANSLATE_NOOP("ErrorText", "There was not enough memory to decode this photo.")},
        {FailureCode::ModelInput,
         QT_TRANSLATE_NOOP("ErrorText",
                           "The model could not prepare this photo as its input. Please report it with the details.")},
    };
    for (const auto& [c, text] : kFailures)
        if (c == code) return tr(text);
    return {};  // FailureCode::Unknown: the English reason is all there is
}

QString ErrorText::details(const diffclip::Error& error) { return QString::fromStdString(error.describe()); }

}  // namespace diffclip::ui
