#!/usr/bin/env python3
"""Generates core/text/src/UnicodeTables.{h,cpp}: the Unicode and HTML data the CLIP tokenizer needs.

Only the Python standard library is used (unicodedata, html, html.entities, codecs), so the tables
describe exactly what the reference tokenizer's Python sees: general categories for the split
pattern, str.isspace, str.lower (with its Final_Sigma rule), NFC, html.unescape.

Usage: python3 tools/gen_unicode_tables.py [--check]
  --check  exit 1 if the files on disk differ from what this Python would generate.
"""

import html
import html.entities
import os
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_H = os.path.join(ROOT, "core", "text", "src", "UnicodeTables.h")
OUT_CPP = os.path.join(ROOT, "core", "text", "src", "UnicodeTables.cpp")
MAX_CP = 0x110000
SURROGATES = range(0xD800, 0xE000)


def all_chars():
    for cp in range(MAX_CP):
        if cp not in SURROGATES:
            yield cp, chr(cp)


def ranges_of(predicate):
    """Sorted, merged [first, last] ranges of the code points where predicate(char) holds."""
    out = []
    for cp, ch in all_chars():
        if predicate(ch):
            if out and out[-1][1] == cp - 1:
                out[-1][1] = cp
            else:
                out.append([cp, cp])
    return out


def valued_ranges(value_of):
    """[first, last, value] ranges of code points with the same non-zero value."""
    out = []
    for cp, ch in all_chars():
        v = value_of(ch)
        if not v:
            continue
        if out and out[-1][1] == cp - 1 and out[-1][2] == v:
            out[-1][1] = cp
        else:
            out.append([cp, cp, v])
    return out


def lower_tables():
    """Single-code-point lower mappings as (first, last, step, delta) runs, multi-code-point ones apart."""
    single, multi = [], []
    for cp, ch in all_chars():
        low = ch.lower()
        if low == ch:
            continue
        if len(low) == 1:
            single.append((cp, ord(low) - cp))
        else:
            multi.append((cp, low))
    runs = []
    for cp, delta in single:
        if runs:
            first, last, step, d = runs[-1]
            gap = cp - last
            # A step-2 run must not cover a skipped code point that has a mapping of its own.
            skipped_ok = gap == 1 or chr(last + 1).lower() == chr(last + 1)
            if d == delta and skipped_ok and ((step == 0 and gap in (1, 2)) or (step and gap == step)):
                runs[-1] = [first, cp, cp - last, d]
                continue
        runs.append([cp, cp, 0, delta])
    for r in runs:
        if r[2] == 0:
            r[2] = 1
    # Self-check: the runs reproduce str.lower() exactly.
    mapped = {}
    for first, last, step, delta in runs:
        for cp in range(first, last + 1, step):
            assert cp not in mapped
            mapped[cp] = cp + delta
    assert mapped == {cp: cp + delta for cp, delta in single}
    return runs, multi


def is_cased(ch):
    return ch.islower() or ch.isupper() or unicodedata.category(ch) == "Lt"


def is_case_ignorable(ch):
    """Probe Python's own Final_Sigma rule, which skips Case_Ignorable characters."""
    if is_cased(ch):
        # Cased and ignorable: skipped, so the space before decides (not cased: no final sigma).
        return (" " + ch + "\u03a3").lower()[-1] == "\u03c3"
    return ("A" + ch + "\u03a3").lower()[-1] == "\u03c2"


def canonical_decomposition(ch):
    d = unicodedata.decomposition(ch)
    if not d or d.startswith("<"):
        return None
    return [int(x, 16) for x in d.split()]


def c_string(s):
    """A C++ string literal holding the UTF-8 bytes of s."""
    out, after_escape = [], False
    for b in s.encode("utf-8"):
        if 0x20 <= b < 0x7F and chr(b) not in '"\\?':
            if after_escape and chr(b) in "0123456789abcdefABCDEF":
                out.append('""')  # a hex escape would swallow the digit
            out.append(chr(b))
            after_escape = False
        else:
            out.append("\\x%02x" % b)
            after_escape = True
    return '"' + "".join(out) + '"'


def emit_rows(items, width=120, indent="    "):
    """Items separated by spaces, wrapped to lines of at most `width` columns."""
    lines, line = [], indent
    for item in items:
        if line != indent and len(line) + 1 + len(item) > width:
            lines.append(line)
            line = indent
        line = line + (" " if line != indent else "") + item
    if line != indent:
        lines.append(line)
    return "\n".join(lines)


def generate():
    letters = ranges_of(lambda c: unicodedata.category(c).startswith("L"))
    numbers = ranges_of(lambda c: unicodedata.category(c).startswith("N"))
    spaces = ranges_of(lambda c: c.isspace())
    cased = ranges_of(is_cased)
    ignorable = ranges_of(is_case_ignorable)
    lower_runs, lower_multi = lower_tables()
    ccc = valued_ranges(unicodedata.combining)

    decomp = []
    for cp, ch in all_chars():
        d = canonical_decomposition(ch)
        if d:
            assert len(d) <= 2, hex(cp)
            decomp.append((cp, d[0], d[1] if len(d) == 2 else 0))
    # A pair composes when the composite is a primary composite: NFC of its decomposition gives it back
    # (this leaves out composition exclusions and non-starter decompositions without listing them).
    compose = sorted((a, b, cp) for cp, a, b in decomp
                     if b and unicodedata.normalize("NFC", chr(a) + chr(b)) == chr(cp))

    entities = sorted(html.entities.html5.items(), key=lambda kv: kv[0].encode("utf-8"))
    for name, _ in entities:
        assert name.isascii() and len(name) <= 32
    invalid_charrefs = sorted(html._invalid_charrefs.items())  # pylint: disable=protected-access
    for _, value in invalid_charrefs:
        assert len(value) == 1
    invalid_codepoints = []
    for cp in sorted(html._invalid_codepoints):  # pylint: disable=protected-access
        if invalid_codepoints and invalid_codepoints[-1][1] == cp - 1:
            invalid_codepoints[-1][1] = cp
        else:
            invalid_codepoints.append([cp, cp])
    cp1252 = []
    for b in range(0x80, 0xA0):
        try:
            cp1252.append(ord(bytes([b]).decode("cp1252")))
        except UnicodeDecodeError:
            cp1252.append(b)  # undefined in Windows-1252: read as the Latin-1 C1 control

    version = unicodedata.unidata_version
    head = ("// Generated by tools/gen_unicode_tables.py from Python %s's unicodedata (Unicode %s) and\n"
            "// html.entities; do not edit. Regenerate: python3 tools/gen_unicode_tables.py\n"
            % (".".join(map(str, sys.version_info[:3])), version))

    h = head + """#pragma once
// Internal to diffclip_formats: data tables for the tokenizer's text cleaning and splitting.

#include <cstddef>
#include <cstdint>

namespace diffclip::unicode {

inline constexpr const char* kUnicodeVersion = "%s";

struct Range {
    char32_t first;
    char32_t last;
};
struct ValueRange {
    char32_t first;
    char32_t last;
    uint8_t value;
};
// Maps cp to cp + delta for cp = first, first + step, ... <= last.
struct LowerRun {
    char32_t first;
    char32_t last;
    uint8_t step;
    int32_t delta;
};
struct MultiLower {
    char32_t cp;
    const char* utf8;
};
struct Decomposition {
    char32_t cp;
    char32_t first;
    char32_t second;  // 0 for a singleton decomposition
};
struct Composition {
    char32_t first;
    char32_t second;
    char32_t composite;
};
struct Entity {
    const char* name;  // without '&'; with ';' when the entity needs one
    const char* utf8;
};
struct CharRef {
    char32_t number;
    char32_t replacement;
};

// All arrays are sorted by their first field; ranges do not overlap.
extern const Range kLetters[];  // general category L*
extern const std::size_t kLetterCount;
extern const Range kNumbers[];  // general category N*
extern const std::size_t kNumberCount;
extern const Range kSpaces[];  // str.isspace()
extern const std::size_t kSpaceCount;
extern const Range kCased[];  // Cased (Final_Sigma context)
extern const std::size_t kCasedCount;
extern const Range kCaseIgnorable[];  // Case_Ignorable (Final_Sigma context)
extern const std::size_t kCaseIgnorableCount;
extern const LowerRun kLowerRuns[];  // str.lower() for single-code-point results
extern const std::size_t kLowerRunCount;
extern const MultiLower kMultiLowers[];  // str.lower() results of several code points
extern const std::size_t kMultiLowerCount;
extern const ValueRange kCombiningClasses[];  // non-zero canonical combining classes
extern const std::size_t kCombiningClassCount;
extern const Decomposition kDecompositions[];  // canonical, one level (apply recursively)
extern const std::size_t kDecompositionCount;
extern const Composition kCompositions[];  // primary composites, sorted by (first, second)
extern const std::size_t kCompositionCount;
extern const Entity kEntities[];  // html.entities.html5, sorted by name bytes
extern const std::size_t kEntityCount;
extern const CharRef kInvalidCharRefs[];  // html.unescape's replacements for bad numeric references
extern const std::size_t kInvalidCharRefCount;
extern const Range kInvalidCodepoints[];  // numeric references html.unescape drops
extern const std::size_t kInvalidCodepointCount;
extern const char32_t kCp1252High[32];  // Windows-1252 bytes 0x80..0x9F (undefined ones as C1 controls)

}  // namespace diffclip::unicode
""" % version

    def range_table(name, rows, count_name):
        body = emit_rows(["{0x%X, 0x%X}," % (a, b) for a, b in rows])
        return "const Range %s[] = {\n%s\n};\nconst std::size_t %s = sizeof(%s) / sizeof(%s[0]);\n" % (
            name, body, count_name, name, name)

    parts = [head, '#include "UnicodeTables.h"\n\nnamespace diffclip::unicode {\n']
    parts.append(range_table("kLetters", letters, "kLetterCount"))
    parts.append(range_table("kNumbers", numbers, "kNumberCount"))
    parts.append(range_table("kSpaces", spaces, "kSpaceCount"))
    parts.append(range_table("kCased", cased, "kCasedCount"))
    parts.append(range_table("kCaseIgnorable", ignorable, "kCaseIgnorableCount"))
    parts.append("const LowerRun kLowerRuns[] = {\n%s\n};\n" % emit_rows(
        ["{0x%X, 0x%X, %d, %d}," % tuple(r) for r in lower_runs]))
    parts.append("const std::size_t kLowerRunCount = sizeof(kLowerRuns) / sizeof(kLowerRuns[0]);\n")
    parts.append("const MultiLower kMultiLowers[] = {\n%s\n};\n" % emit_rows(
        ["{0x%X, %s}," % (cp, c_string(s)) for cp, s in lower_multi]))
    parts.append("const std::size_t kMultiLowerCount = sizeof(kMultiLowers) / sizeof(kMultiLowers[0]);\n")
    parts.append("const ValueRange kCombiningClasses[] = {\n%s\n};\n" % emit_rows(
        ["{0x%X, 0x%X, %d}," % tuple(r) for r in ccc]))
    parts.append("const std::size_t kCombiningClassCount = sizeof(kCombiningClasses) / sizeof(kCombiningClasses[0]);\n")
    parts.append("const Decomposition kDecompositions[] = {\n%s\n};\n" % emit_rows(
        ["{0x%X, 0x%X, 0x%X}," % r for r in decomp]))
    parts.append("const std::size_t kDecompositionCount = sizeof(kDecompositions) / sizeof(kDecompositions[0]);\n")
    parts.append("const Composition kCompositions[] = {\n%s\n};\n" % emit_rows(
        ["{0x%X, 0x%X, 0x%X}," % r for r in compose]))
    parts.append("const std::size_t kCompositionCount = sizeof(kCompositions) / sizeof(kCompositions[0]);\n")
    parts.append("const Entity kEntities[] = {\n%s\n};\n" % emit_rows(
        ["{%s, %s}," % (c_string(n), c_string(v)) for n, v in entities]))
    parts.append("const std::size_t kEntityCount = sizeof(kEntities) / sizeof(kEntities[0]);\n")
    parts.append("const CharRef kInvalidCharRefs[] = {\n%s\n};\n" % emit_rows(
        ["{0x%X, 0x%X}," % (n, ord(v)) for n, v in invalid_charrefs]))
    parts.append("const std::size_t kInvalidCharRefCount = sizeof(kInvalidCharRefs) / sizeof(kInvalidCharRefs[0]);\n")
    parts.append(range_table("kInvalidCodepoints", invalid_codepoints, "kInvalidCodepointCount"))
    parts.append("const char32_t kCp1252High[32] = {\n%s\n};\n" % emit_rows(["0x%X," % c for c in cp1252]))
    parts.append("\n}  // namespace diffclip::unicode\n")
    return h, "\n".join(parts)


def main():
    check = "--check" in sys.argv[1:]
    h, cpp = generate()
    stale = False
    for path, text in ((OUT_H, h), (OUT_CPP, cpp)):
        old = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                old = f.read()
        if old == text:
            continue
        stale = True
        if not check:
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            print("wrote", os.path.relpath(path, ROOT))
    if check and stale:
        print("UnicodeTables.{h,cpp} are out of date; run tools/gen_unicode_tables.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
