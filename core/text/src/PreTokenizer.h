#pragma once
// Private to diffclip_text: the reference's pre-tokenizer pattern, matched by hand on cleaned code
// points (no regex engine): special tokens, contractions, letter runs, single digits, other runs.

#include <cstddef>
#include <cstring>
#include <string>

#include "TokenizerImpl.h"
#include "Unicode.h"

namespace diffclip::text_detail {

// Splitting: <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+

// Case-insensitive literal match on lower-cased text: only U+017F (long s) still folds to an ASCII letter.
inline bool matchesAt(const std::u32string& s, std::size_t i, const char* literal) {
    for (; *literal; ++literal, ++i) {
        if (i >= s.size())
            return false;
        const char32_t c = s[i] == 0x17F ? U's' : s[i];
        if (c != static_cast<char32_t>(static_cast<unsigned char>(*literal)))
            return false;
    }
    return true;
}

enum class PieceKind { Word, Start, End };

struct Piece {
    std::size_t begin;
    std::size_t end;
    PieceKind kind;
};

// Calls emit(Piece) for each match of the reference pattern, left to right; stops when emit returns false.
template <typename Emit>
void splitPieces(const std::u32string& s, Emit&& emit) {
    static constexpr const char* kContractions[] = {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const char32_t c = s[i];
        if (c == U'<' && matchesAt(s, i, kStartText)) {
            if (!emit(Piece{i, i + std::strlen(kStartText), PieceKind::Start}))
                return;
            i += std::strlen(kStartText);
            continue;
        }
        if (c == U'<' && matchesAt(s, i, kEndText)) {
            if (!emit(Piece{i, i + std::strlen(kEndText), PieceKind::End}))
                return;
            i += std::strlen(kEndText);
            continue;
        }
        if (c == U'\'') {
            bool matched = false;
            for (const char* contraction : kContractions) {
                if (matchesAt(s, i, contraction)) {
                    const std::size_t len = std::strlen(contraction);
                    if (!emit(Piece{i, i + len, PieceKind::Word}))
                        return;
                    i += len;
                    matched = true;
                    break;
                }
            }
            if (matched)
                continue;
        }
        std::size_t j = i + 1;
        if (isLetter(c)) {
            while (j < n && isLetter(s[j]))
                ++j;
        } else if (isNumber(c)) {
            // a single digit
        } else if (!isSpace(c)) {
            while (j < n && !isSpace(s[j]) && !isLetter(s[j]) && !isNumber(s[j]))
                ++j;
        } else {
            i = j;
            continue;
        }
        if (!emit(Piece{i, j, PieceKind::Word}))
            return;
        i = j;
    }
}
}  // namespace diffclip::text_detail
