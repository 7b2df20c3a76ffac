#pragma once
// Private to diffclip_text: the tokenizer's vocabulary layout and its state. Loading the merges
// (Merges.cpp) fills a Tokenizer::Impl; Bpe.cpp encodes with it; Tokenizer.cpp is the public API.

#include "diffclip/text/Tokenizer.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace diffclip {

namespace text_detail {

inline constexpr int32_t kMergeCount = 49152 - 256 - 2;  // the merges OpenAI CLIP uses: 48894
inline constexpr int32_t kByteSymbols = 256;
inline constexpr int32_t kFirstMergeId = 2 * kByteSymbols;
inline constexpr int32_t kStartId = kFirstMergeId + kMergeCount;  // 49406
inline constexpr int32_t kEndId = kStartId + 1;                   // 49407
inline constexpr int32_t kVocabSize = kEndId + 1;
inline constexpr const char* kStartText = "<|startoftext|>";
inline constexpr const char* kEndText = "<|endoftext|>";

// The character bytes_to_unicode gives each byte.
std::array<char32_t, 256> byteSymbolChars();
// Symbol ids of the bytes: the vocabulary lists the printable bytes first, then the others, each in
// byte order.
std::array<int32_t, 256> byteSymbolIds();

inline uint64_t pairKey(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
}

}  // namespace text_detail

struct Tokenizer::Impl {
    struct Merge {
        int32_t left;
        int32_t right;
        int32_t merged;
    };

    std::array<int32_t, 256> byteIds{};
    std::vector<std::string> idBytes;  // id -> its bytes, "</w>" spelled out as the reference decoder sees it
    std::vector<Merge> merges;         // by rank
    std::unordered_map<uint64_t, int32_t> pairRanks;

    mutable std::mutex cacheMutex;
    mutable std::unordered_map<std::string, std::vector<int32_t>> cache;

    std::vector<int32_t> bpe(std::string_view bytes) const;
    std::vector<int32_t> cachedBpe(std::string_view bytes) const;
    void encodeInto(std::string_view text, std::vector<int64_t>& out, std::size_t limit) const;
};

}  // namespace diffclip
