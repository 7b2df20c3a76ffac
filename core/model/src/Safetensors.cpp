// safetensors read/write on LibTorch. Byte order: the format is little-endian and tensor bytes
// are copied as they are, so this assumes a little-endian host (checked at compile time).

#include "diffclip/model/Safetensors.h"

#include <ATen/ATen.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <vector>

#include "diffclip/formats/SafetensorsHeader.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors support assumes a little-endian host"
#endif

namespace diffclip {

namespace {

at::ScalarType toScalarType(SafetensorsDtype dtype)
{
    switch (dtype) {
    case SafetensorsDtype::F64: return at::kDouble;
    case SafetensorsDtype::F32: return at::kFloat;
    case SafetensorsDtype::F16: return at::kHalf;
    case SafetensorsDtype::BF16: return at::kBFloat16;
    case SafetensorsDtype::I64: return at::kLong;
    case SafetensorsDtype::I32: return at::kInt;
    case SafetensorsDtype::I16: return at::kShort;
    case SafetensorsDtype::I8: return at::kChar;
    case SafetensorsDtype::U8: return at::kByte;
    case SafetensorsDtype::Bool: return at::kBool;
    }
    return at::kFloat;
}

std::optional<SafetensorsDtype> fromScalarType(at::ScalarType type)
{
    switch (type) {
    case at::kDouble: return SafetensorsDtype::F64;
    case at::kFloat: return SafetensorsDtype::F32;
    case at::kHalf: return SafetensorsDtype::F16;
    case at::kBFloat16: return SafetensorsDtype::BF16;
    case at::kLong: return SafetensorsDtype::I64;
    case at::kInt: return SafetensorsDtype::I32;
    case at::kShort: return SafetensorsDtype::I16;
    case at::kChar: return SafetensorsDtype::I8;
    case at::kByte: return SafetensorsDtype::U8;
    case at::kBool: return SafetensorsDtype::Bool;
    default: return std::nullopt;
    }
}

std::string errnoText(int err) { return std::strerror(err); }

// Copies `size` bytes at `offset` of the source into `dst`; false with an error on failure.
using ReadAt = std::function<Status(uint64_t offset, void* dst, size_t size)>;

Result<SafetensorsFile> readFrom(const ReadAt& readAt, uint64_t fileSize)
{
    std::string prefix(static_cast<size_t>(std::min<uint64_t>(fileSize, 8)), '\0');
    if (Status s = readAt(0, prefix.data(), prefix.size()); !s)
        return s.error();
    auto length = readSafetensorsHeaderLength(prefix, fileSize);
    if (!length)
        return length.error();
    prefix.resize(static_cast<size_t>(8 + *length));
    if (Status s = readAt(8, prefix.data() + 8, static_cast<size_t>(*length)); !s)
        return s.error();
    auto header = parseSafetensorsHeader(prefix, fileSize);
    if (!header)
        return header.error();
    prefix = std::string();  // the header may be large; free it before the tensors

    SafetensorsFile file;
    file.metadata = std::move(header->metadata);
    file.tensors.reserve(header->entries.size());
    for (const auto& entry : header->entries) {
        at::Tensor t = at::empty(at::IntArrayRef(entry.shape), at::TensorOptions().dtype(toScalarType(entry.dtype)));
        const size_t bytes = static_cast<size_t>(entry.byteSize());
        if (bytes > 0) {
            if (Status s = readAt(header->dataOffset + entry.begin, t.data_ptr(), bytes); !s)
                return s.error();
        }
        if (entry.dtype == SafetensorsDtype::Bool) {
            // Bytes other than 0 and 1 are not valid bool values in C++.
            const auto* p = static_cast<const unsigned char*>(t.data_ptr());
            for (size_t i = 0; i < bytes; ++i) {
                if (p[i] > 1)
                    return makeError(ErrorCode::Format, "safetensors: tensor \"" + entry.name
                                                            + "\": BOOL byte " + std::to_string(i) + " is "
                                                            + std::to_string(p[i]) + ", not 0 or 1");
            }
        }
        file.tensors.emplace_back(entry.name, std::move(t));
    }
    return file;
}

template <typename F>
auto guarded(const char* what, F&& body) -> decltype(body())
{
    try {
        return body();
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, std::string("safetensors: out of memory while ") + what);
    } catch (const c10::Error& e) {
        const std::string msg = e.what_without_backtrace();
        const bool oom = msg.find("alloc") != std::string::npos || msg.find("memory") != std::string::npos;
        return makeError(oom ? ErrorCode::OutOfMemory : ErrorCode::Internal,
                         std::string("safetensors: ") + what + ": " + msg.substr(0, msg.find('\n')));
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("safetensors: ") + what + ": " + e.what());
    }
}

// Closes a descriptor on every path out of a scope.
class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }
    int release() { const int fd = m_fd; m_fd = -1; return fd; }
    void reset()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd;
};

bool writeAll(int fd, const void* data, size_t size, int& err)
{
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        // Large writes are split so a single call never exceeds what the kernel accepts at once.
        const ssize_t n = ::write(fd, p, std::min<size_t>(size, size_t(1) << 30));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
            return false;
        }
        if (n == 0) {
            err = EIO;
            return false;
        }
        p += n;
        size -= static_cast<size_t>(n);
    }
    return true;
}

std::string parentDir(const std::string& path)
{
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Result<SafetensorsFile> readSafetensors(const std::string& path)
{
    return guarded("reading a file", [&]() -> Result<SafetensorsFile> {
        Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (fd.get() < 0) {
            const int err = errno;
            return makeError(err == ENOENT ? ErrorCode::NotFound : ErrorCode::Io,
                             "cannot open " + path + ": " + errnoText(err));
        }
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0)
            return makeError(ErrorCode::Io, "cannot stat " + path + ": " + errnoText(errno));
        if (!S_ISREG(st.st_mode))
            return makeError(ErrorCode::Io, "cannot read " + path + ": not a regular file");
        const auto fileSize = static_cast<uint64_t>(st.st_size);
        const ReadAt readAt = [&](uint64_t offset, void* dst, size_t size) -> Status {
            char* p = static_cast<char*>(dst);
            while (size > 0) {
                const ssize_t n = ::pread(fd.get(), p, std::min<size_t>(size, size_t(1) << 30),
                                          static_cast<off_t>(offset));
                if (n < 0) {
                    if (errno == EINTR)
                        continue;
                    return makeError(ErrorCode::Io, "cannot read " + path + ": " + errnoText(errno));
                }
                if (n == 0)  // the file shrank after fstat
                    return makeError(ErrorCode::Io, "cannot read " + path + ": unexpected end of file");
                p += n;
                offset += static_cast<uint64_t>(n);
                size -= static_cast<size_t>(n);
            }
            return Status::success();
        };
        auto result = readFrom(readAt, fileSize);
        if (!result && result.error().code == ErrorCode::Format)
            return makeError(ErrorCode::Format, path + ": " + result.error().message);
        return result;
    });
}

Result<SafetensorsFile> readSafetensorsBytes(const std::string& bytes)
{
    return guarded("reading bytes", [&]() -> Result<SafetensorsFile> {
        const ReadAt readAt = [&](uint64_t offset, void* dst, size_t size) -> Status {
            if (offset > bytes.size() || size > bytes.size() - offset)
                return makeError(ErrorCode::Internal, "safetensors: read past the end of the buffer");
            std::memcpy(dst, bytes.data() + offset, size);
            return Status::success();
        };
        return readFrom(readAt, bytes.size());
    });
}

Status writeSafetensors(const std::string& path, const StateDict& tensors,
                        const std::map<std::string, std::string>& metadata)
{
    std::string tempPath;
    auto removeTemp = [&]() {
        if (!tempPath.empty())
            ::unlink(tempPath.c_str());
        tempPath.clear();
    };
    Result<bool> result = guarded("writing a file", [&]() -> Result<bool> {
        std::vector<SafetensorsTensorInfo> infos;
        infos.reserve(tensors.size());
        for (const auto& [name, tensor] : tensors) {
            if (!tensor.defined())
                return makeError(ErrorCode::InvalidArgument, "safetensors: tensor \"" + name + "\" is undefined");
            if (tensor.layout() != at::kStrided)
                return makeError(ErrorCode::Unsupported, "safetensors: tensor \"" + name + "\" is not dense");
            const auto dtype = fromScalarType(tensor.scalar_type());
            if (!dtype)
                return makeError(ErrorCode::Unsupported, "safetensors: tensor \"" + name + "\" has dtype "
                                                             + std::string(c10::toString(tensor.scalar_type()))
                                                             + ", which the format writer does not support");
            infos.push_back({name, *dtype, tensor.sizes().vec()});
        }
        uint64_t dataSize = 0;
        auto header = encodeSafetensorsHeader(infos, metadata, &dataSize);
        if (!header)
            return header.error();

        std::string pattern = path + ".tmp-XXXXXX";
        Fd fd(::mkostemp(pattern.data(), O_CLOEXEC));
        if (fd.get() < 0)
            return makeError(ErrorCode::Io, "cannot create a temporary file beside " + path + ": " + errnoText(errno));
        tempPath = pattern;
        // mkstemp makes the file private (0600); a model file is ordinary data.
        ::fchmod(fd.get(), 0644);

        int err = 0;
        auto ioError = [&](int e) { return makeError(ErrorCode::Io, "cannot write " + path + ": " + errnoText(e)); };
        if (!writeAll(fd.get(), header->data(), header->size(), err))
            return ioError(err);
        uint64_t written = 0;
        for (const auto& entry : tensors) {
            // One CPU contiguous copy at a time keeps peak memory at the largest tensor.
            const at::Tensor cpu = entry.second.detach().to(at::kCPU).contiguous();
            const size_t bytes = cpu.numel() * cpu.element_size();
            if (bytes > 0 && !writeAll(fd.get(), cpu.data_ptr(), bytes, err))
                return ioError(err);
            written += bytes;
        }
        if (written != dataSize)
            return makeError(ErrorCode::Internal, "safetensors: wrote " + std::to_string(written) + " data bytes, expected "
                                                      + std::to_string(dataSize));
        if (::fsync(fd.get()) != 0)
            return ioError(errno);
        if (::close(fd.release()) != 0)
            return ioError(errno);
        if (::rename(tempPath.c_str(), path.c_str()) != 0)
            return ioError(errno);
        tempPath.clear();
        // Make the rename itself durable; failure here leaves a complete file, so it is not an error.
        Fd dir(::open(parentDir(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (dir.get() >= 0)
            ::fsync(dir.get());
        return true;
    });
    removeTemp();
    if (!result)
        return result.error();
    return Status::success();
}

}  // namespace diffclip
