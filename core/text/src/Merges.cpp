// Loading the vocabulary: the merges file (plain or gzip) read with size limits, validated, and
// turned into merge ranks and the id -> bytes table.

#include "TokenizerImpl.h"

#include <filesystem>
#include <fstream>
#include <new>
#include <utility>

#include "Unicode.h"

#if defined(DIFFCLIP_HAVE_ZLIB) && DIFFCLIP_HAVE_ZLIB
#include <zlib.h>
#define DIFFCLIP_TOKENIZER_ZLIB 1
#endif

namespace diffclip {

using namespace text_detail;

namespace {

constexpr std::uintmax_t kMaxFileBytes = 64u << 20;        // the real file is 1.3 MB (3.2 MB unpacked)
constexpr std::size_t kMaxDecompressedBytes = 64u << 20;

std::string excerpt(std::string_view s) {
    return std::string(s.substr(0, 40)) + (s.size() > 40 ? "..." : "");
}

#ifdef DIFFCLIP_TOKENIZER_ZLIB
Result<std::string> gunzip(const std::string& data, const std::string& path) {
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return makeError(ErrorCode::Internal, "zlib initialisation failed");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());  // data.size() <= kMaxFileBytes
    std::string out;
    std::array<char, 1 << 16> chunk{};
    int rc = Z_OK;
    for (;;) {
        zs.next_out = reinterpret_cast<Bytef*>(chunk.data());
        zs.avail_out = static_cast<uInt>(chunk.size());
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
            break;
        const std::size_t produced = chunk.size() - zs.avail_out;
        if (out.size() + produced > kMaxDecompressedBytes) {
            inflateEnd(&zs);
            return makeError(ErrorCode::Format, path + ": decompresses to more than " +
                                                    std::to_string(kMaxDecompressedBytes >> 20) + " MiB");
        }
        out.append(chunk.data(), produced);
        if (rc == Z_STREAM_END) {
            if (zs.avail_in == 0)
                break;
            if (inflateReset(&zs) != Z_OK)  // another gzip member follows, as gzip.open allows
                break;
            continue;
        }
        if (rc == Z_BUF_ERROR && produced == 0)
            break;  // no progress: the input ended early
    }
    const std::string detail = zs.msg ? zs.msg : "zlib error " + std::to_string(rc);
    inflateEnd(&zs);
    if (rc == Z_STREAM_END)
        return out;
    if (rc == Z_BUF_ERROR || rc == Z_OK)
        return makeError(ErrorCode::Format, path + ": gzip data is truncated");
    return makeError(ErrorCode::Format, path + ": corrupt gzip data (" + detail + ")");
}
#endif

}  // namespace

Result<Tokenizer> Tokenizer::fromMergesText(std::string_view text) {
    try {
        auto impl = std::make_unique<Impl>();
        impl->byteIds = byteSymbolIds();
        impl->idBytes.resize(kVocabSize);
        // Symbol text (bytes_to_unicode characters, UTF-8) -> id, as the merges file spells symbols.
        std::unordered_map<std::string, int32_t> symbolIds;
        symbolIds.reserve(static_cast<std::size_t>(kVocabSize) * 2);
        const std::array<char32_t, 256> symbolChars = byteSymbolChars();
        std::unordered_map<char32_t, char> charBytes;  // the reference's byte_decoder
        for (int b = 0; b < 256; ++b) {
            const int32_t id = impl->byteIds[static_cast<std::size_t>(b)];
            std::string symbol;
            appendUtf8(symbol, symbolChars[static_cast<std::size_t>(b)]);
            charBytes[symbolChars[static_cast<std::size_t>(b)]] = static_cast<char>(b);
            impl->idBytes[static_cast<std::size_t>(id)] = std::string(1, static_cast<char>(b));
            impl->idBytes[static_cast<std::size_t>(id + kByteSymbols)] = std::string(1, static_cast<char>(b)) + "</w>";
            symbolIds[symbol] = id;
            symbolIds[symbol + "</w>"] = id + kByteSymbols;
        }

        std::size_t pos = 0;
        auto nextLine = [&](std::string_view& line) {
            if (pos >= text.size())
                return false;
            std::size_t end = text.find('\n', pos);
            if (end == std::string_view::npos)
                end = text.size();
            line = text.substr(pos, end - pos);
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            pos = end + 1;
            return true;
        };
        std::string_view line;
        if (!nextLine(line) || line.find("#version") == std::string_view::npos)
            return makeError(ErrorCode::Format, "merges file line 1: expected a '#version' header, got '" +
                                                    excerpt(line) + "'");

        // Pass 1: parse and validate; later duplicates of a merged string win, as in the reference's dict.
        std::vector<std::pair<std::string, std::string>> parsed;
        parsed.reserve(kMergeCount);
        for (int32_t rank = 0; rank < kMergeCount; ++rank) {
            const int64_t lineNo = rank + 2;
            if (!nextLine(line))
                return makeError(ErrorCode::Format, "merges file ends after line " + std::to_string(lineNo - 1) +
                                                        "; CLIP needs " + std::to_string(kMergeCount) +
                                                        " merges after the header");
            const std::size_t space = line.find(' ');
            if (space == std::string_view::npos || space == 0 || space + 1 >= line.size() ||
                line.find(' ', space + 1) != std::string_view::npos)
                return makeError(ErrorCode::Format, "merges file line " + std::to_string(lineNo) +
                                                        ": expected two symbols separated by one space, got '" +
                                                        excerpt(line) + "'");
            std::string left(line.substr(0, space));
            std::string right(line.substr(space + 1));
            for (const std::string* symbol : {&left, &right}) {
                if (symbolIds.find(*symbol) == symbolIds.end())
                    return makeError(ErrorCode::Format, "merges file line " + std::to_string(lineNo) +
                                                            ": unknown symbol '" + excerpt(*symbol) + "'");
            }
            symbolIds[left + right] = kFirstMergeId + rank;
            parsed.emplace_back(std::move(left), std::move(right));
        }

        // Pass 2: ranks and merge results in final ids.
        impl->merges.resize(kMergeCount);
        impl->pairRanks.reserve(static_cast<std::size_t>(kMergeCount) * 2);
        for (int32_t rank = 0; rank < kMergeCount; ++rank) {
            const auto& [left, right] = parsed[static_cast<std::size_t>(rank)];
            const int32_t l = symbolIds.at(left);
            const int32_t r = symbolIds.at(right);
            const int32_t merged = symbolIds.at(left + right);
            impl->merges[static_cast<std::size_t>(rank)] = {l, r, merged};
            impl->pairRanks[pairKey(l, r)] = rank;
            std::string& bytes = impl->idBytes[static_cast<std::size_t>(kFirstMergeId + rank)];
            for (char32_t c : fromUtf8(left + right))
                bytes.push_back(charBytes.at(c));  // every character was checked by pass 1
        }
        impl->idBytes[kStartId] = kStartText;
        impl->idBytes[kEndId] = kEndText;
        return Tokenizer(std::move(impl));
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "out of memory while building the tokenizer");
    }
}

Result<std::string> Tokenizer::readMergesText(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
        return makeError(ErrorCode::NotFound, path + ": merges file not found");
    if (std::filesystem::is_directory(status))
        return makeError(ErrorCode::Io, path + ": is a directory, not a merges file");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        return makeError(ErrorCode::Io, path + ": cannot read the file size (" + ec.message() + ")");
    if (size > kMaxFileBytes)
        return makeError(ErrorCode::Format,
                         path + ": " + std::to_string(size) + " bytes is too large for a merges file");
    try {
        std::string data(static_cast<std::size_t>(size), '\0');
        std::ifstream in(path, std::ios::binary);
        if (!in)
            return makeError(ErrorCode::Io, path + ": cannot open the merges file");
        in.read(data.data(), static_cast<std::streamsize>(size));
        if (in.gcount() != static_cast<std::streamsize>(size))
            return makeError(ErrorCode::Io, path + ": short read");
        const bool gzipped = data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1F &&
                             static_cast<unsigned char>(data[1]) == 0x8B;
        if (!gzipped)
            return data;
#ifdef DIFFCLIP_TOKENIZER_ZLIB
        return gunzip(data, path);
#else
        return makeError(ErrorCode::Unsupported, path + ": the merges file is gzip-compressed and this build has no "
                                                        "zlib; decompress it first (gunzip -k " + path +
                                                        ") and load the .txt");
#endif
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, path + ": out of memory reading the merges file");
    }
}

Result<Tokenizer> Tokenizer::fromMergesFile(const std::string& path) {
    Result<std::string> text = readMergesText(path);
    if (!text.ok())
        return text.error();
    auto result = fromMergesText(text.value());
    if (!result.ok())
        return makeError(result.error().code, path + ": " + result.error().message);
    return result;
}

}  // namespace diffclip
