#pragma once
// Calls into the core from the UI's worker threads (QtConcurrent::run). The core reports errors
// as values, but an allocation can still fail and a bug can still throw: nothing may leave a
// worker as an exception, so what is thrown becomes an Error too. Any thread.

#include <exception>
#include <new>
#include <string>
#include <utility>

#include "diffclip/base/Result.h"

namespace diffclip::ui {

/// Returns what `call` (returning a diffclip::Result<T>) returns; std::bad_alloc becomes an
/// OutOfMemory error saying `outOfMemory`, any other std::exception an Internal error with
/// `context` before its message.
template <typename Call>
auto catchCoreErrors(Call&& call, const std::string& outOfMemory, const std::string& context = std::string())
    -> decltype(call()) {
    try {
        return call();
    } catch (const std::bad_alloc&) {
        return diffclip::makeError(diffclip::ErrorCode::OutOfMemory, outOfMemory);
    } catch (const std::exception& e) {
        return diffclip::makeError(diffclip::ErrorCode::Internal, context + e.what());
    }
}

/// Moves `result`'s value into `value`, or its error into `error`; true for a value.
template <typename T>
bool takeResult(diffclip::Result<T>&& result, T& value, diffclip::Error& error) {
    if (!result.ok()) {
        error = result.error();
        return false;
    }
    value = std::move(result).value();
    return true;
}

}  // namespace diffclip::ui
