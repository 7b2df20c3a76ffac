#pragma once
// SHA-256 of bytes and files (FIPS 180-4), for photo content hashes, model file checksums and
// data fingerprints. Computed by OpenSSL's libcrypto (EVP), which uses the CPU's SHA
// instructions (x86 SHA-NI, ARMv8 SHA2) where present; docs/ARCHITECTURE.md has the figures.
//
// Threading: a Sha256 object is used by one thread at a time; the free functions are reentrant.
// Errors: OpenSSL can only fail here when it cannot allocate; that is reported as
// std::bad_alloc, as any string allocation of the same call would be.

#include <cstddef>
#include <memory>
#include <string>

#include "diffclip/base/Result.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace diffclip {

/// Incremental hashing of a message given in pieces. Move-only.
class Sha256 {
public:
    Sha256();  // throws std::bad_alloc
    ~Sha256();
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    /// Appends `size` bytes at `data` (borrowed for the call; may be null when size is 0).
    void update(const void* data, size_t size);
    /// Lower-case hex digest (64 characters); the object must not be updated afterwards.
    std::string hexDigest();

private:
    struct CtxFree {
        void operator()(evp_md_ctx_st* ctx) const;
    };
    std::unique_ptr<evp_md_ctx_st, CtxFree> m_ctx;
};

/// Lower-case hex digest of `bytes`.
std::string sha256Hex(const std::string& bytes);
/// Lower-case hex digest of `size` bytes at `data` (may be null when size is 0).
std::string sha256Hex(const void* data, size_t size);
/// Streams the file (`path` UTF-8) in 1 MiB reads. Errors: NotFound (cannot open), Io (read error).
Result<std::string> sha256File(const std::string& path);

}  // namespace diffclip
