#pragma once
// The CLIP byte-level BPE tokenizer (OpenAI CLIP / DiffCLIP), from a merges file.
// Thread safety: a constructed Tokenizer is immutable except for an internal cache guarded
// by a mutex; encode() may be called from several threads at once.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "diffclip/base/Result.h"

namespace diffclip {

class Tokenizer {
public:
    /// Loads `bpe_simple_vocab_16e6.txt(.gz)`: a header line then merges in rank order.
    /// gzip is detected by content. Errors: NotFound/Io, Format (bad gzip, bad merge line).
    static Result<Tokenizer> fromMergesFile(const std::string& path);
    /// Same, from the decompressed text of such a file.
    static Result<Tokenizer> fromMergesText(std::string_view text);
    /// The text of a merges file, gunzipped when it is gzip (same errors as fromMergesFile).
    static Result<std::string> readMergesText(const std::string& path);

    /// The text cleaning the reference applies before splitting: basic ftfy-style fixes,
    /// HTML unescape (twice), whitespace collapse, strip, lower-case. UTF-8 in and out;
    /// invalid UTF-8 bytes become U+FFFD.
    static std::string cleanText(std::string_view text);

    /// BPE token ids of the cleaned text, without start/end tokens.
    std::vector<int64_t> encode(std::string_view text) const;
    /// [start] + encode(text) + [end]: the whole sequence, no padding or truncation.
    std::vector<int64_t> sequence(std::string_view text) const;
    /// The row the model sees, exactly `contextLength` ids: the sequence zero-padded, or when
    /// longer, cut to contextLength with the end token placed in the last slot (open_clip's
    /// rule, so the text tower still reads its embedding at an end token). contextLength 1 gives
    /// just the end token; 0 or less an empty row.
    std::vector<int64_t> row(std::string_view text, int64_t contextLength) const;
    /// Text of ids like the reference decoder ("</w>" rendered as a space, broken UTF-8 as U+FFFD).
    /// The framing is dropped: a leading start token, and a final end token with any zero padding
    /// after it (so decode(row(...)) gives the prompt). Special tokens elsewhere appear as their
    /// text, as in the reference; ids outside the vocabulary appear as U+FFFD.
    std::string decode(const std::vector<int64_t>& ids) const;

    int64_t startToken() const;  // 49406 with the CLIP merges
    int64_t endToken() const;    // 49407
    int64_t vocabSize() const;   // 49408
    int64_t mergeCount() const;  // 48894

    Tokenizer(Tokenizer&&) noexcept;
    Tokenizer& operator=(Tokenizer&&) noexcept;
    ~Tokenizer();

private:
    struct Impl;
    explicit Tokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace diffclip
