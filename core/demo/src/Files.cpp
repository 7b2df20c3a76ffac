#include "Files.h"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace diffclip::demo {

namespace fs = std::filesystem;

Error ioError(const std::string& what, const fs::path& path, const std::string& reason) {
    return makeError(ErrorCode::Io, "cannot " + what + " " + path.string() + ": " + reason);
}

Status writeFileAtomic(const fs::path& path, const std::vector<unsigned char>& bytes) {
    const fs::path tmp = path.string() + ".tmp";
    std::error_code ec;
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f) return ioError("write", tmp, std::strerror(errno));
        f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
        f.close();
        if (!f) {
            const std::string reason = std::strerror(errno);
            fs::remove(tmp, ec);
            return ioError("write", tmp, reason);
        }
    }
    fs::rename(tmp, path, ec);
    if (ec) {
        const std::string reason = ec.message();
        fs::remove(tmp, ec);
        return ioError("write", path, reason);
    }
    return {};
}

Status writeTextAtomic(const fs::path& path, const std::string& text) {
    return writeFileAtomic(path, std::vector<unsigned char>(text.begin(), text.end()));
}

}  // namespace diffclip::demo
