#pragma once
// Private to diffclip_text: the reference's text cleaning before splitting.
//
// Text cleaning (Tokenizer::cleanText), in the reference's order:
//  1. A subset of ftfy.fix_text's defaults (ftfy itself is Python-only), repeated until nothing changes:
//     - ANSI terminal escapes (ESC [ digits/; letter) are removed;
//     - mojibake: a line whose characters all come from Windows-1252/Latin-1 and whose bytes in that
//       encoding form valid UTF-8 is re-decoded as UTF-8 (up to three layers), but only with evidence:
//       a 3/4-byte sequence, a lead byte Â/Ã, or a continuation that is not ordinary punctuation after
//       a letter (so "Fuß“" stays). ftfy's badness heuristics, partial-line fixes, lost-0xA0 repair and
//       other single-byte encodings (cp1250/1251, MacRoman, cp437) are not covered;
//     - C1 controls U+0080..U+009F become their Windows-1252 characters;
//     - Latin ligatures and digraphs (ﬁ ﬂ ĳ ǆ ...) are split into letters;
//     - curly quotes U+2018..U+201B become ' and U+201C..U+201F become " (ftfy's default uncurl_quotes);
//     - control characters ftfy removes (C0 except \t \n \f \r, DEL, U+206A..U+206F, U+FEFF,
//       U+FFF9..U+FFFC) are removed;
//     - NFC normalisation.
//     Not done: fullwidth/halfwidth folding (fix_character_width; the reference cases keep "（"),
//     ftfy's own HTML unescape (only html.unescape twice, below), line-break normalisation (moot:
//     whitespace is collapsed anyway).
//  2. html.unescape twice (HTML5 named references, with and without ';', numeric references with
//     the HTML5 replacement rules).
//  3. Runs of str.isspace() characters become one space; leading/trailing whitespace is stripped.
//  4. str.lower(), including multi-code-point results and the final-sigma rule.
//
// Threading: pure functions over constant tables; safe from any thread.

#include <string>
#include <string_view>

namespace diffclip::text_detail {

/// UTF-8 text (ill-formed bytes become U+FFFD) -> cleaned, lower-cased code points.
std::u32string cleanCodepoints(std::string_view text);

}  // namespace diffclip::text_detail
