#pragma once
// SHA-256 of bytes and files (FIPS 180-4), for model file checksums and data fingerprints.

#include <cstddef>
#include <cstdint>
#include <string>

#include "diffclip/base/Result.h"

namespace diffclip {

class Sha256 {
public:
    Sha256();
    void update(const void* data, size_t size);
    /// Lower-case hex digest; the object must not be updated afterwards.
    std::string hexDigest();

private:
    void block(const uint8_t* p);
    uint32_t m_h[8];
    uint8_t m_buf[64];
    size_t m_bufLen = 0;
    uint64_t m_total = 0;
};

std::string sha256Hex(const std::string& bytes);
/// Streams the file. Errors: NotFound / Io.
Result<std::string> sha256File(const std::string& path);

}  // namespace diffclip
