#pragma once
// Translated wording for the core's error codes. The core's English detail is shown beside
// it, untranslated, because it names the exact place and cause (useful in a support request).

#include <QCoreApplication>
#include <QString>

#include "diffclip/base/Result.h"

namespace diffclip {
enum class FailureCode;
}

namespace diffclip::ui {

class ErrorText {
    Q_DECLARE_TR_FUNCTIONS(ErrorText)

public:
    /// One or two sentences saying what went wrong when opening a model, and what to do.
    static QString modelOpenReason(diffclip::ErrorCode code);
    /// What went wrong with a library, photos or a job on them, and what to do.
    static QString libraryReason(diffclip::ErrorCode code);
    /// What went wrong reading a photo (decoding by content: JPEG, PNG, TIFF, WebP, BMP), and what to do.
    static QString photoReason(diffclip::ErrorCode code);
    /// What went wrong with a search by a photo (`photo`) or by words, and what to do.
    static QString searchReason(diffclip::ErrorCode code, bool photo);
    /// Why a file could not be added to the library, in the user's language; empty for
    /// FailureCode::Unknown (failures recorded without a code), where the English reason is all there is.
    static QString failureReason(diffclip::FailureCode code);
    /// The core's detail ("format: safetensors header ...") as a QString.
    static QString details(const diffclip::Error& error);
};

}  // namespace diffclip::ui
