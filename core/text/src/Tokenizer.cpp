// The CLIP byte-level BPE tokenizer, behaving like OpenAI's simple_tokenizer.py.
// Its parts: TextClean (ftfy subset, html.unescape, whitespace, lower case), Unicode (UTF-8,
// character classes, NFC), PreTokenizer.h (the splitting pattern), Bpe (merging and the word
// cache), Merges (loading the vocabulary).

#include "diffclip/text/Tokenizer.h"

#include <utility>

#include "TextClean.h"
#include "TokenizerImpl.h"
#include "Unicode.h"

namespace diffclip {

using namespace text_detail;

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

std::string Tokenizer::cleanText(std::string_view text) { return toUtf8(cleanCodepoints(text)); }

std::vector<int64_t> Tokenizer::encode(std::string_view text) const {
    std::vector<int64_t> out;
    m_impl->encodeInto(text, out, static_cast<std::size_t>(-1));
    return out;
}

std::vector<int64_t> Tokenizer::sequence(std::string_view text) const {
    std::vector<int64_t> out{kStartId};
    m_impl->encodeInto(text, out, static_cast<std::size_t>(-1));
    out.push_back(kEndId);
    return out;
}

std::vector<int64_t> Tokenizer::row(std::string_view text, int64_t contextLength) const {
    if (contextLength <= 0)
        return {};
    const auto length = static_cast<std::size_t>(contextLength);
    std::vector<int64_t> out{kStartId};
    m_impl->encodeInto(text, out, length);  // tokens beyond the row are never needed
    out.push_back(kEndId);
    if (out.size() > length) {
        out.resize(length);
        out.back() = kEndId;
    } else {
        out.resize(length, 0);
    }
    return out;
}

std::string Tokenizer::decode(const std::vector<int64_t>& ids) const {
    std::size_t begin = 0;
    std::size_t end = ids.size();
    if (end > 0 && ids[0] == kStartId)
        begin = 1;
    std::size_t last = end;
    while (last > begin && ids[last - 1] == 0)
        --last;  // zero padding counts as such only after an end token
    if (last > begin && ids[last - 1] == kEndId)
        end = last - 1;
    std::string bytes;
    for (std::size_t i = begin; i < end; ++i) {
        const int64_t id = ids[i];
        if (id >= 0 && id < kVocabSize)
            bytes += m_impl->idBytes[static_cast<std::size_t>(id)];
        else
            bytes += "\xEF\xBF\xBD";  // not a token id
    }
    // The reference decodes the bytes, then renders "</w>"; both are ASCII, so the order is immaterial.
    std::string spaced;
    spaced.reserve(bytes.size());
    for (std::size_t i = 0; i < bytes.size();) {
        if (bytes.compare(i, 4, "</w>") == 0) {
            spaced.push_back(' ');
            i += 4;
        } else {
            spaced.push_back(bytes[i++]);
        }
    }
    return toUtf8(fromUtf8(spaced));
}

int64_t Tokenizer::startToken() const { return kStartId; }
int64_t Tokenizer::endToken() const { return kEndId; }
int64_t Tokenizer::vocabSize() const { return kVocabSize; }
int64_t Tokenizer::mergeCount() const { return kMergeCount; }

}  // namespace diffclip
