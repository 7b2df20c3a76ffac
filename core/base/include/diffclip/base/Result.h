#pragma once
// Errors cross the core boundary as values. A Result<T> holds either a value or an Error
// with a machine-readable code (mapped to translated text by the UI) and an English detail.

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace diffclip {

enum class ErrorCode {
    Ok = 0,
    InvalidArgument,  // the caller passed something unusable (bad option, bad shape)
    NotFound,         // a file, key or record does not exist
    Io,               // reading or writing failed (permissions, full disk, short read)
    Format,           // a file is malformed, truncated or hostile
    Unsupported,      // well-formed, but a feature we do not handle
    Mismatch,         // shapes, configs or outputs do not agree
    Cancelled,        // the user or a cancel token stopped the work
    OutOfMemory,      // an allocation failed (host or device)
    Internal,         // a bug: something that should not happen
};

/// Short stable English name of a code ("format", "io", ...), for logs and JSON.
const char* errorCodeName(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;  // one line, English, says what and where

    /// "format: safetensors header is not valid JSON (offset 17)"
    std::string describe() const;
};

inline Error makeError(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

/// Either a T or an Error. Cheap to move; never throws on access misuse (use ok() first).
template <typename T>
class Result {
public:
    Result(T value) : m_value(std::move(value)) {}         // NOLINT(google-explicit-constructor)
    Result(Error error) : m_error(std::move(error)) {}     // NOLINT(google-explicit-constructor)

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }

    T& value() & { return *m_value; }
    const T& value() const& { return *m_value; }
    T&& value() && { return std::move(*m_value); }
    T* operator->() { return &*m_value; }
    const T* operator->() const { return &*m_value; }
    T& operator*() & { return *m_value; }
    const T& operator*() const& { return *m_value; }

    const Error& error() const { return m_error; }

private:
    std::optional<T> m_value;
    Error m_error;
};

/// Result of an operation that yields nothing but may fail.
class Status {
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error)), m_ok(false) {}  // NOLINT(google-explicit-constructor)
    static Status success() { return {}; }

    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error& error() const { return m_error; }

private:
    Error m_error;
    bool m_ok = true;
};

}  // namespace diffclip
