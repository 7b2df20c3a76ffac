#include "diffclip/formats/Sha256.h"

#include <openssl/evp.h>

#include <fstream>
#include <new>
#include <vector>

namespace diffclip {

namespace {

// Fetched once: OpenSSL 3 looks an algorithm up in its provider tables on every implicit
// EVP_sha256() use, which costs more than hashing a small photo. Never freed (process lifetime).
const EVP_MD* sha256Md() {
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    static const EVP_MD* md = [] {
        const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
        return fetched ? fetched : EVP_sha256();
    }();
    return md;
#else
    return EVP_sha256();
#endif
}

std::string toHex(const unsigned char* digest, unsigned length) {
    static const char* hex = "0123456789abcdef";
    std::string out(size_t(length) * 2, '0');
    for (unsigned i = 0; i < length; ++i) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    return out;
}

}  // namespace

void Sha256::CtxFree::operator()(evp_md_ctx_st* ctx) const { EVP_MD_CTX_free(ctx); }

Sha256::Sha256() : m_ctx(EVP_MD_CTX_new()) {
    if (!m_ctx || EVP_DigestInit_ex(m_ctx.get(), sha256Md(), nullptr) != 1) throw std::bad_alloc();
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, size_t size) {
    if (size == 0) return;
    if (EVP_DigestUpdate(m_ctx.get(), data, size) != 1) throw std::bad_alloc();
}

std::string Sha256::hexDigest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    if (EVP_DigestFinal_ex(m_ctx.get(), digest, &length) != 1) throw std::bad_alloc();
    return toHex(digest, length);
}

std::string sha256Hex(const void* data, size_t size) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    static const unsigned char none = 0;
    if (EVP_Digest(size ? data : &none, size, digest, &length, sha256Md(), nullptr) != 1) throw std::bad_alloc();
    return toHex(digest, length);
}

std::string sha256Hex(const std::string& bytes) { return sha256Hex(bytes.data(), bytes.size()); }

Result<std::string> sha256File(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(ErrorCode::NotFound, "cannot open " + path);
    Sha256 h;
    std::vector<char> buf(1 << 20);
    while (in) {
        in.read(buf.data(), std::streamsize(buf.size()));
        h.update(buf.data(), size_t(in.gcount()));
    }
    if (in.bad()) return makeError(ErrorCode::Io, "read error in " + path);
    return h.hexDigest();
}

}  // namespace diffclip
