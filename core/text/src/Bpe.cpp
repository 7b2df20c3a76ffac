// Byte-level BPE: the byte symbols of bytes_to_unicode and the merge loop with its word cache.

#include "TokenizerImpl.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "PreTokenizer.h"
#include "TextClean.h"
#include "Unicode.h"

namespace diffclip {

using namespace text_detail;

namespace {

constexpr std::size_t kCacheLimit = 50000;                 // words; the cache is cleared when full
constexpr std::size_t kMaxCachedWordBytes = 256;

// bytes_to_unicode keeps these bytes as their own character; the others move to U+0100 and up.
bool isPrintableByte(int b) { return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE; }

}  // namespace

namespace text_detail {

std::array<char32_t, 256> byteSymbolChars() {
    std::array<char32_t, 256> chars{};
    char32_t next = 256;
    for (int b = 0; b < 256; ++b)
        chars[static_cast<std::size_t>(b)] = isPrintableByte(b) ? static_cast<char32_t>(b) : next++;
    return chars;
}

std::array<int32_t, 256> byteSymbolIds() {
    std::array<int32_t, 256> ids{};
    int32_t next = 0;
    for (int pass = 0; pass < 2; ++pass) {
        for (int b = 0; b < 256; ++b) {
            if (isPrintableByte(b) == (pass == 0))
                ids[static_cast<std::size_t>(b)] = next++;
        }
    }
    return ids;
}

}  // namespace text_detail


// The reference algorithm: repeatedly take the lowest-ranked adjacent pair and merge all its
// occurrences left to right. Done with a heap of (rank, position) over a linked list, a whole
// rank's occurrences at a time, so long words cost O(n log n) and not O(n^2).
std::vector<int32_t> Tokenizer::Impl::bpe(std::string_view bytes) const {
    const std::size_t n = bytes.size();
    std::vector<int32_t> sym(n);
    for (std::size_t i = 0; i < n; ++i)
        sym[i] = byteIds[static_cast<unsigned char>(bytes[i])];
    if (n == 0)
        return sym;
    sym[n - 1] += kByteSymbols;  // the word's last symbol carries "</w>"
    if (n == 1)
        return sym;

    std::vector<int32_t> prev(n), next(n);
    std::vector<char> alive(n, 1);
    for (std::size_t i = 0; i < n; ++i) {
        prev[i] = static_cast<int32_t>(i) - 1;
        next[i] = i + 1 < n ? static_cast<int32_t>(i + 1) : -1;
    }
    using Entry = std::pair<int32_t, int32_t>;  // (rank, left position)
    std::vector<Entry> heap;
    auto push = [&](int32_t left, int32_t right) {
        auto it = pairRanks.find(pairKey(sym[static_cast<std::size_t>(left)], sym[static_cast<std::size_t>(right)]));
        if (it != pairRanks.end()) {
            heap.emplace_back(it->second, left);
            std::push_heap(heap.begin(), heap.end(), std::greater<Entry>());
        }
    };
    for (std::size_t i = 0; i + 1 < n; ++i)
        push(static_cast<int32_t>(i), static_cast<int32_t>(i + 1));

    std::vector<int32_t> batch, touched;
    while (!heap.empty()) {
        const int32_t rank = heap.front().first;
        batch.clear();
        while (!heap.empty() && heap.front().first == rank) {  // pops in position order
            batch.push_back(heap.front().second);
            std::pop_heap(heap.begin(), heap.end(), std::greater<Entry>());
            heap.pop_back();
        }
        const Merge& m = merges[static_cast<std::size_t>(rank)];
        touched.clear();
        for (int32_t pos : batch) {
            const auto p = static_cast<std::size_t>(pos);
            if (!alive[p] || sym[p] != m.left || next[p] < 0)
                continue;  // stale entry
            const auto q = static_cast<std::size_t>(next[p]);
            if (sym[q] != m.right)
                continue;
            sym[p] = m.merged;
            alive[q] = 0;
            next[p] = next[q];
            if (next[q] >= 0)
                prev[static_cast<std::size_t>(next[q])] = pos;
            touched.push_back(pos);
        }
        // New pairs enter only after the whole rank is done, as in the reference.
        for (int32_t pos : touched) {
            const auto p = static_cast<std::size_t>(pos);
            if (prev[p] >= 0)
                push(prev[p], pos);
            if (next[p] >= 0)
                push(pos, next[p]);
        }
    }
    std::vector<int32_t> out;
    for (int32_t i = 0; i >= 0; i = next[static_cast<std::size_t>(i)])
        out.push_back(sym[static_cast<std::size_t>(i)]);
    return out;
}

std::vector<int32_t> Tokenizer::Impl::cachedBpe(std::string_view bytes) const {
    if (bytes.size() > kMaxCachedWordBytes)
        return bpe(bytes);
    const std::string key(bytes);
    {
        std::lock_guard<std::mutex> lock(cacheMutex);
        auto it = cache.find(key);
        if (it != cache.end())
            return it->second;
    }
    std::vector<int32_t> ids = bpe(bytes);
    std::lock_guard<std::mutex> lock(cacheMutex);
    if (cache.size() >= kCacheLimit)
        cache.clear();  // bounded memory; common words come back quickly
    cache.emplace(key, ids);
    return ids;
}

void Tokenizer::Impl::encodeInto(std::string_view text, std::vector<int64_t>& out, std::size_t limit) const {
    const std::u32string s = cleanCodepoints(text);
    std::string bytes;
    splitPieces(s, [&](const Piece& piece) {
        if (piece.kind == PieceKind::Start) {
            out.push_back(kStartId);
        } else if (piece.kind == PieceKind::End) {
            out.push_back(kEndId);
        } else {
            bytes.clear();
            for (std::size_t i = piece.begin; i < piece.end; ++i)
                appendUtf8(bytes, s[i]);
            for (int32_t id : cachedBpe(bytes))
                out.push_back(id);
        }
        return out.size() < limit;
    });
}

}  // namespace diffclip
