"""Sprig's regular expression functions (sprig's regex.go) with Go's ``regexp``
semantics, matched by RE2 (``google-re2``), never by Python's ``re``.

Go's regexp and RE2 share syntax and leftmost-first matching; what Go's
package adds on top is reproduced here over byte offsets (Go strings are
bytes; gotmpl's strings carry non-UTF-8 bytes as surrogate escapes):

* :class:`GoRegexp` wraps one compiled pattern: ``find`` at a position with
  the whole text as context (``^``, ``\\b`` look behind the position);
* the iteration of Go's ``FindAll``/``Split`` (an empty match right after a
  previous match is dropped) and of ``ReplaceAll`` (no replacement of an empty
  match adjacent to the previous one), and the ``$1``/``${name}`` expansion of
  ``Regexp.Expand``;
* text that is not valid UTF-8: Go reads each bad byte as U+FFFD; RE2 would
  not match it at all, so such text is matched in a copy where every bad byte
  is U+FFFD and offsets are mapped back;
* matches start at rune boundaries only (RE2 also tries empty-width matches
  inside a multibyte rune);
* Go 1.27's Unicode class names (``\\p{Letter}``, ``\\pl``, ``\\p{greek}``,
  ``Any``/``Assigned``/``ASCII``, ``C`` with the unassigned code points,
  ``Cn``, ``LC``) rewritten into what RE2 knows (_rewrite_unicode_classes);
* compile errors in Go's words (``error parsing regexp: missing closing ):
  `(```), mapped from RE2's (the mapping is :data:`_RE2_CODES`), plus what
  RE2 accepts and Go rejects (``\\C``, non-ASCII capture names) and Go's
  nesting limit.

``regexFind`` and friends use ``regexp.MustCompile``: a bad pattern panics with
``regexp: Compile(`...`): error parsing regexp: ...``; the ``must`` variants
return the error itself.
"""

from __future__ import annotations

import unicodedata
from typing import Callable, Iterator

import re2
from re2 import _re2

from ..strconv import can_backquote, from_go_bytes, go_bytes, go_quote
from . import sprig_func

__all__ = ["GoRegexp", "RegexpError", "compile_regexp", "must_compile", "quote_meta"]


class RegexpError(ValueError):
    """Go's ``*syntax.Error``: ``error parsing regexp: CODE: `ARG```."""

    def __init__(self, code: str, arg: str) -> None:
        super().__init__(f"error parsing regexp: {code}: `{arg}`")
        self.code = code
        self.arg = arg


# RE2's error texts (re2/regexp.cc CodeText) -> Go's ErrorCode texts (regexp/syntax).
_RE2_CODES = {
    "missing ]": "missing closing ]",
    "missing )": "missing closing )",
    "unexpected )": "unexpected )",
    "trailing \\": "trailing backslash at end of expression",
    "no argument for repetition operator": "missing argument to repetition operator",
    "invalid repetition size": "invalid repeat count",
    "bad repetition operator": "invalid nested repetition operator",
    "invalid perl operator": "invalid or unsupported Perl syntax",
    "invalid UTF-8": "invalid UTF-8",
    "invalid named capture group": "invalid named capture",
    "invalid escape sequence": "invalid escape sequence",
    "invalid character class range": "invalid character class range",
    "invalid character class": "invalid character class",
    "pattern too large - compile failed": "expression too large",
    "pattern too large - reverse compile failed": "expression too large",
    "bad nesting depth": "expression nests too deeply",
}

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
# Go has no memory budget, only limits on the parsed expression; give RE2 room
# so that what Go compiles, RE2 compiles.
_OPTIONS.max_mem = 256 << 20

_UNANCHORED = _re2.RE2.Anchor.UNANCHORED
_NULL = (-1, -1)


def _map_error(pattern: bytes, text: str) -> RegexpError:
    """RE2's compile error as Go's."""
    code, sep, arg = text.partition(": ")
    go_code = _RE2_CODES.get(code if sep else text)
    if go_code is None:
        return RegexpError("regexp/syntax: internal error", from_go_bytes(pattern))
    if go_code == "trailing backslash at end of expression":
        arg = ""
    elif go_code == "invalid UTF-8":
        if _invalid_utf8_arg(pattern) is None:
            # RE2 says so for a "\\x{" at the very end; Go: a bad escape.
            return RegexpError("invalid escape sequence", from_go_bytes(pattern[pattern.rfind(b"\\x{") :]))
        arg = _invalid_utf8_arg(pattern)
    elif go_code == "expression too large":
        arg = from_go_bytes(pattern)
    elif go_code == "invalid repeat count" and arg.endswith("}?"):
        arg = arg[:-1]  # RE2 includes a non-greedy mark; Go does not
    elif go_code == "invalid escape sequence" and arg in ("\\p", "\\P"):
        go_code = "invalid character class range"  # a bare \p at the end of a class
    elif go_code == "invalid nested repetition operator":
        bad = _bad_repeat_count(arg)
        if bad is not None:  # Go checks the count before the nesting
            return RegexpError("invalid repeat count", bad)
    return RegexpError(go_code, arg)


def _bad_repeat_count(ops: str) -> str | None:
    """The last ``{n,m}`` of a run of repetition operators when Go rejects its
    count (over 1000, or min > max)."""
    text = ops[:-1] if ops.endswith("?") else ops
    if not text.endswith("}") or "{" not in text:
        return None
    count = text[text.rfind("{") :]
    lo, comma, hi = count[1:-1].partition(",")
    if not lo.isdigit() or (hi and not hi.isdigit()):
        return None
    low = int(lo)
    high = int(hi) if hi else (-1 if comma else low)
    if low > 1000 or high > 1000 or (high >= 0 and low > high):
        return count
    return None


def _original_error(pattern: bytes, err: RegexpError) -> RegexpError:
    """An error RE2 reported on a rewritten pattern (see
    _rewrite_unicode_classes), in the pattern's own words where possible."""
    original = _re2.RE2(pattern, _OPTIONS)
    if not original.ok():
        again = _map_error(pattern, original.error().decode("utf-8", "replace"))
        if again.code == err.code and go_bytes(again.arg) in pattern:
            return again
    if err.code in ("missing closing )", "unexpected )"):
        return RegexpError(err.code, from_go_bytes(pattern))
    return err


def _error_position(pattern: bytes, err: RegexpError) -> int:
    """Roughly where Go's parser meets an error: at its argument's first
    occurrence; a missing ``)`` is only found at the end."""
    if err.code == "missing closing )" or not err.arg:
        return len(pattern)
    if err.code == "unexpected )":
        return _unbalanced_paren(pattern)
    found = pattern.find(go_bytes(err.arg))
    return found if found >= 0 else len(pattern)


def _unbalanced_paren(pattern: bytes) -> int:
    """Where the first ``)`` without its ``(`` is."""
    depth = 0
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == 0x5C:
            if pattern[i + 1 : i + 2] == b"Q":
                end = pattern.find(b"\\E", i + 2)
                i = len(pattern) if end < 0 else end + 2
                continue
            i += 2
            continue
        if c == 0x5B:
            i = _skip_class(pattern, i)
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return len(pattern)


def _invalid_utf8_arg(pattern: bytes) -> str | None:
    """Go reports invalid UTF-8 with the rest of the pattern from the bad
    byte (None: the pattern is valid UTF-8)."""
    i = 0
    while i < len(pattern):
        _, width, ok = _decode_rune(pattern, i)
        if not ok:
            return from_go_bytes(pattern[i:])
        i += width
    return None


def _go_only_error(pattern: bytes) -> tuple[int, RegexpError] | None:
    """What RE2 accepts and Go's parser rejects, first in pattern order: the
    ``\\C`` escape (any byte) and capture names beyond ASCII letters, digits
    and ``_``. Text inside ``\\Q...\\E`` is literal; classes are skipped."""
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == 0x5C:  # backslash
            nxt = pattern[i + 1 : i + 2]
            if nxt == b"Q":
                end = pattern.find(b"\\E", i + 2)
                if end < 0:
                    return None
                i = end + 2
                continue
            if nxt == b"C":
                return i, RegexpError("invalid escape sequence", "\\C")
            i += 2
            continue
        if c == 0x5B:  # [
            i = _skip_class(pattern, i)
            continue
        if c == 0x28 and pattern[i + 1 : i + 2] == b"?":
            for prefix in (b"(?P<", b"(?<"):
                if pattern.startswith(prefix, i):
                    close = pattern.find(b">", i)
                    if close < 0:
                        break
                    name = pattern[i + len(prefix) : close]
                    if not all(ch == 0x5F or 0x30 <= ch <= 0x39 or 0x41 <= (ch | 0x20) - 0x20 <= 0x5A for ch in name):
                        return i, RegexpError("invalid named capture", from_go_bytes(pattern[i : close + 1]))
                    break
        i += 1
    return None


def _skip_class(pattern: bytes, i: int) -> int:
    """The index after the character class starting at ``[`` (i)."""
    n = len(pattern)
    j = i + 1
    if pattern[j : j + 1] == b"^":
        j += 1
    if pattern[j : j + 1] == b"]":
        j += 1
    while j < n and pattern[j] != 0x5D:
        if pattern[j] == 0x5C:
            j += 2
        elif pattern.startswith(b"[:", j) and pattern.find(b":]", j + 2) >= 0:
            j = pattern.find(b":]", j + 2) + 2
        else:
            j += 1
    return j + 1


# Go's maxHeight: a parse tree deeper than this is "expression nests too deeply".
_MAX_HEIGHT = 1000


def _skip_class(pattern: bytes, i: int) -> int:
    """The index after the character class starting at ``pattern[i] == "["``
    (``]`` first is literal; ``[:alpha:]`` inside is one item)."""
    n = len(pattern)
    j = i + 1
    if j < n and pattern[j] == 0x5E:
        j += 1
    if j < n and pattern[j] == 0x5D:
        j += 1
    while j < n and pattern[j] != 0x5D:
        if pattern[j] == 0x5C:
            j += 2
        elif pattern.startswith(b"[:", j) and (end := pattern.find(b":]", j + 2)) >= 0:
            j = end + 2
        else:
            j += 1
    return j + 1


def _capture_names(pattern: bytes) -> list[str] | None:
    """Go's SubexpNames: every capturing group's name in order ("" for
    unnamed, index 0 the whole match). RE2's name map keeps one index per
    name, but Go lets a name repeat and ``$name`` means the first of them
    that took part in the match."""
    names = [""]
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == 0x5C:  # an escape; \Q...\E is literal text
            if pattern.startswith(b"\\Q", i):
                end = pattern.find(b"\\E", i + 2)
                i = n if end < 0 else end + 2
            else:
                i += 2
            continue
        if c == 0x5B:
            i = _skip_class(pattern, i)
            continue
        if c == 0x28:
            if pattern.startswith(b"(?P<", i) or (pattern.startswith(b"(?<", i)):
                start = i + (4 if pattern[i + 2] == 0x50 else 3)
                end = pattern.find(b">", start)
                if end < 0:
                    return None
                names.append(from_go_bytes(pattern[start:end]))
                i = end + 1
                continue
            if not pattern.startswith(b"(?", i):
                names.append("")
        i += 1
    return names


def _capture_depth(pattern: bytes) -> int:
    """How deeply groups nest (an estimate of Go's parse tree height: each
    group adds at least one level above the innermost expression). Only
    patterns with that many parentheses can reach Go's limit."""
    if pattern.count(b"(") < _MAX_HEIGHT:
        return 0
    depth = best = 0
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == 0x5C:
            i += 2
            continue
        if c == 0x5B:  # a class: skip to its closing bracket
            j = i + 1
            if j < n and pattern[j] == 0x5E:
                j += 1
            if j < n and pattern[j] == 0x5D:
                j += 1
            while j < n and pattern[j] != 0x5D:
                j += 2 if pattern[j] == 0x5C else 1
            i = j + 1
            continue
        if c == 0x28:
            depth += 1
            best = max(best, depth)
        elif c == 0x29:
            depth -= 1
        i += 1
    return best


# --- Unicode class names as Go 1.27 reads them -------------------------------------------
#
# Go looks \p{Name} up case- and underscore-insensitively, with Unicode's long
# category names (\p{Letter}) and Any/Assigned/ASCII; its \pC includes the
# unassigned code points (Cn), which it also knows as a category, and it has
# LC. RE2 knows exact names only: such classes are rewritten before RE2 sees
# them, as RE2 names or as explicit code point ranges (from Python's
# unicodedata, whose Unicode version may be older than Go's).

_GO_CATEGORIES = frozenset(
    "C Cc Cf Cn Co Cs L LC Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs".split()
)
_CATEGORY_ALIASES = {
    "Cased_Letter": "LC", "Close_Punctuation": "Pe", "Combining_Mark": "M", "Connector_Punctuation": "Pc",
    "Control": "Cc", "Currency_Symbol": "Sc", "Dash_Punctuation": "Pd", "Decimal_Number": "Nd",
    "Enclosing_Mark": "Me", "Final_Punctuation": "Pf", "Format": "Cf", "Initial_Punctuation": "Pi",
    "Letter": "L", "Letter_Number": "Nl", "Line_Separator": "Zl", "Lowercase_Letter": "Ll", "Mark": "M",
    "Math_Symbol": "Sm", "Modifier_Letter": "Lm", "Modifier_Symbol": "Sk", "Nonspacing_Mark": "Mn",
    "Number": "N", "Open_Punctuation": "Ps", "Other": "C", "Other_Letter": "Lo", "Other_Number": "No",
    "Other_Punctuation": "Po", "Other_Symbol": "So", "Paragraph_Separator": "Zp", "Private_Use": "Co",
    "Punctuation": "P", "Separator": "Z", "Space_Separator": "Zs", "Spacing_Mark": "Mc", "Surrogate": "Cs",
    "Symbol": "S", "Titlecase_Letter": "Lt", "Unassigned": "Cn", "Uppercase_Letter": "Lu",
    "cntrl": "Cc", "digit": "Nd", "punct": "P",
}  # fmt: skip
# Unicode 17's scripts (Go 1.27's unicode.Scripts).
_GO_SCRIPTS = (
    "Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali Beria_Erfe "
    "Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian Chakma Cham "
    "Cherokee Chorasmian Common Coptic Cuneiform Cypriot Cypro_Minoan Cyrillic Deseret Devanagari Dives_Akuru Dogra "
    "Duployan Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Garay Georgian Glagolitic Gothic Grantha Greek Gujarati "
    "Gunjala_Gondi Gurmukhi Gurung_Khema Han Hangul Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic "
    "Inherited Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kawi Kayah_Li "
    "Kharoshthi Khitan_Small_Script Khmer Khojki Khudawadi Kirat_Rai Lao Latin Lepcha Limbu Linear_A Linear_B Lisu "
    "Lycian Lydian Mahajani Makasar Malayalam Mandaic Manichaean Marchen Masaram_Gondi Medefaidrin Meetei_Mayek "
    "Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi Mongolian Mro Multani Myanmar Nabataean "
    "Nag_Mundari Nandinagari New_Tai_Lue Newa Nko Nushu Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Ol_Onal Old_Hungarian "
    "Old_Italic Old_North_Arabian Old_Permic Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Old_Uyghur Oriya "
    "Osage Osmanya Pahawh_Hmong Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic Samaritan "
    "Saurashtra Sharada Shavian Siddham Sidetic SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese Sunuwar "
    "Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Tai_Yo Takri Tamil Tangsa Tangut Telugu Thaana "
    "Thai Tibetan Tifinagh Tirhuta Todhri Tolong_Siki Toto Tulu_Tigalari Ugaritic Vai Vithkuqi Wancho Warang_Citi "
    "Yezidi Yi Zanabazar_Square"
).split()


def _canonical_name(name: str) -> str:
    """Go's canonicalName: first letter upper case, the rest lower case,
    without ``_``, ``-`` and spaces."""
    out = []
    first = True
    for c in name:
        if c in "_- ":
            continue
        if first:
            out.append(c.upper() if "a" <= c <= "z" else c)
            first = False
        else:
            out.append(c.lower() if "A" <= c <= "Z" else c)
    return "".join(out)


_CANONICAL_CATEGORIES = {_canonical_name(c): c for c in _GO_CATEGORIES}
_CANONICAL_ALIASES = {_canonical_name(a): c for a, c in _CATEGORY_ALIASES.items()}
_CANONICAL_SCRIPTS = {_canonical_name(s): s for s in _GO_SCRIPTS}
_RE2_KNOWS: dict[str, bool] = {}
_RANGES: dict[str, list[tuple[int, int]]] = {}


def _re2_knows(name: str) -> bool:
    known = _RE2_KNOWS.get(name)
    if known is None:
        known = _RE2_KNOWS[name] = _re2.RE2(b"\\p{" + name.encode() + b"}", _OPTIONS).ok()
    return known


def _category_ranges(name: str) -> list[tuple[int, int]]:
    """Code point ranges of a category (C includes Cn, LC is Lu|Ll|Lt,
    ``Assigned`` is everything but Cn, ``ASCII`` 0-127) from unicodedata."""
    ranges = _RANGES.get(name)
    if ranges is not None:
        return ranges
    if name == "ASCII":
        ranges = [(0, 0x7F)]
    else:
        tests = {
            "C": lambda cat: cat[0] == "C",
            "Cn": lambda cat: cat == "Cn",
            "LC": lambda cat: cat in ("Lu", "Ll", "Lt"),
            "Assigned": lambda cat: cat != "Cn",
        }
        test = tests[name]
        ranges = []
        for cp in range(0x110000):
            if test(unicodedata.category(chr(cp))):
                if ranges and ranges[-1][1] == cp - 1:
                    ranges[-1] = (ranges[-1][0], cp)
                else:
                    ranges.append((cp, cp))
    _RANGES[name] = ranges
    return ranges


def _negate(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    nxt = 0
    for lo, hi in ranges:
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= 0x10FFFF:
        out.append((nxt, 0x10FFFF))
    return out


def _ranges_text(ranges: list[tuple[int, int]], in_class: bool) -> bytes:
    body = "".join(f"\\x{{{lo:X}}}" if lo == hi else f"\\x{{{lo:X}}}-\\x{{{hi:X}}}" for lo, hi in ranges)
    if not body:  # nothing: a class that cannot match
        body = "^\\x00-\\x{10FFFF}" if not in_class else ""
    return (body if in_class else "[" + body + "]").encode()


def _re2_class(negated: bool, name: str, in_class: bool) -> bytes | None:
    """The RE2 text for Go's ``\\p{name}`` (``\\P`` when negated), or None to
    leave it as written (names neither knows; RE2 then reports Go's error)."""
    if name.startswith("^"):
        negated = not negated
        name = name[1:]
    canon = _canonical_name(name)
    if canon == "Any":
        return b"\\P{Any}" if negated else b"\\p{Any}"
    special = {"Assigned": "Assigned", "Ascii": "ASCII", "Lc": "LC"}.get(canon)
    category = special or _CANONICAL_CATEGORIES.get(canon) or _CANONICAL_ALIASES.get(canon)
    if category is None:
        script = _CANONICAL_SCRIPTS.get(canon)
        if script is None or not _re2_knows(script):
            return None
        return ("\\P{%s}" if negated else "\\p{%s}").encode() % script.encode()
    if category in ("C", "Cn", "LC", "Assigned", "ASCII"):
        ranges = _category_ranges(category)
        return _ranges_text(_negate(ranges) if negated else ranges, in_class)
    return ("\\P{%s}" if negated else "\\p{%s}").encode() % category.encode()


def _class_name_at(pattern: bytes, i: int) -> tuple[int, bool, str] | None:
    """At ``\\p``/``\\P`` (i): (end, negated, name), as Go's parseUnicodeClass
    reads it, or None when malformed (left for RE2 to report)."""
    negated = pattern[i + 1] == 0x50
    j = i + 2
    if j >= len(pattern):
        return None
    if pattern[j] == 0x7B:  # {
        close = pattern.find(b"}", j)
        if close < 0:
            return None
        name = pattern[j + 1 : close]
        end = close + 1
    else:
        _, width, ok = _decode_rune(pattern, j)
        if not ok:
            return None
        name = pattern[j : j + width]
        end = j + width
    try:
        return end, negated, name.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _rewrite_unicode_classes(pattern: bytes) -> bytes:
    """Go's ``\\p{...}`` classes in RE2's terms (see _re2_class)."""
    if b"\\p" not in pattern and b"\\P" not in pattern:
        return pattern
    out = bytearray()
    i = 0
    n = len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == 0x5C and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt == 0x51:  # \Q...\E is literal
                end = pattern.find(b"\\E", i + 2)
                end = n if end < 0 else end + 2
                out += pattern[i:end]
                i = end
                continue
            if nxt in (0x70, 0x50):
                parsed = _class_name_at(pattern, i)
                if parsed is not None:
                    end, negated, name = parsed
                    text = _re2_class(negated, name, in_class)
                    if text is not None:
                        out += text
                        i = end
                        continue
            out += pattern[i : i + 2]
            i += 2
            continue
        if c == 0x5B and not in_class:
            in_class = True
            start = i
            i += 1
            if pattern[i : i + 1] == b"^":
                i += 1
            if pattern[i : i + 1] == b"]":
                i += 1
            out += pattern[start:i]
            continue
        if in_class and pattern.startswith(b"[:", i) and pattern.find(b":]", i + 2) >= 0:
            end = pattern.find(b":]", i + 2) + 2
            out += pattern[i:end]
            i = end
            continue
        if in_class and c == 0x5D:
            in_class = False
        out.append(c)
        i += 1
    return bytes(out)


# --- UTF-8 as Go decodes it ------------------------------------------------------------


def _decode_rune(b: bytes, i: int) -> tuple[int, int, bool]:
    """Go's utf8.DecodeRune at i: (rune, width, valid); an invalid byte is
    (U+FFFD, 1, False)."""
    c = b[i]
    if c < 0x80:
        return c, 1, True
    if 0xC2 <= c <= 0xDF:
        need, lo, hi = 1, 0x80, 0xBF
    elif 0xE0 <= c <= 0xEF:
        need = 2
        lo, hi = (0xA0, 0xBF) if c == 0xE0 else ((0x80, 0x9F) if c == 0xED else (0x80, 0xBF))
    elif 0xF0 <= c <= 0xF4:
        need = 3
        lo, hi = (0x90, 0xBF) if c == 0xF0 else ((0x80, 0x8F) if c == 0xF4 else (0x80, 0xBF))
    else:
        return 0xFFFD, 1, False
    if i + need >= len(b) or not lo <= b[i + 1] <= hi:
        return 0xFFFD, 1, False
    for k in range(2, need + 1):
        if not 0x80 <= b[i + k] <= 0xBF:
            return 0xFFFD, 1, False
    r = c & (0x7F >> (need + 1))
    for k in range(1, need + 1):
        r = r << 6 | (b[i + k] & 0x3F)
    return r, need + 1, True


def _rune_width(b: bytes, i: int) -> int:
    """Width of the rune at i (0 at the end), as Go's input.step sees it."""
    if i >= len(b):
        return 0
    return _decode_rune(b, i)[1]


_FFFD = "\ufffd".encode()


class _Subject:
    """The text RE2 searches, and how its offsets map back to the Go string.

    Valid UTF-8 is searched as is. Otherwise each byte Go would decode as an
    invalid rune becomes U+FFFD (three bytes) and ``back`` maps every offset of
    the copy that is a rune boundary to the original's.
    """

    __slots__ = ("orig", "text", "back", "fwd")

    def __init__(self, orig: bytes) -> None:
        self.orig = orig
        self.back: dict[int, int] | None = None
        self.fwd: list[int] | None = None
        try:
            orig.decode("utf-8")
            self.text = orig
            return
        except UnicodeDecodeError:
            pass
        out = bytearray()
        back: dict[int, int] = {}
        fwd: list[int] = []
        i = 0
        while i < len(orig):
            back[len(out)] = i
            _, width, ok = _decode_rune(orig, i)
            for _k in range(width):
                fwd.append(len(out))
            out += orig[i : i + width] if ok else _FFFD
            i += width
        back[len(out)] = len(orig)
        fwd.append(len(out))
        self.text = bytes(out)
        self.back = back
        self.fwd = fwd

    def to_orig(self, pos: int) -> int:
        return pos if self.back is None else self.back[pos]

    def to_text(self, pos: int) -> int:
        return pos if self.fwd is None else self.fwd[pos]


# --- the compiled pattern -------------------------------------------------------------


class GoRegexp:
    """A compiled Go regexp (``regexp.Compile``), matched by RE2."""

    __slots__ = ("expr", "_re", "num_subexp", "subexp_names")

    def __init__(self, expr: str) -> None:
        pattern = go_bytes(expr)
        self.expr = expr
        rewritten = _rewrite_unicode_classes(pattern)
        compiled = _re2.RE2(rewritten, _OPTIONS)
        go_only = _go_only_error(pattern)
        if not compiled.ok():
            err = _map_error(pattern, compiled.error().decode("utf-8", "replace"))
            if rewritten is not pattern and go_bytes(err.arg) not in pattern:
                err = _original_error(pattern, err)
            if go_only is not None and go_only[0] < _error_position(pattern, err):
                raise go_only[1]
            raise err
        if go_only is not None:
            raise go_only[1]
        if _capture_depth(pattern) >= _MAX_HEIGHT:
            raise RegexpError("expression nests too deeply", expr)
        self._re = compiled
        self.num_subexp = compiled.NumberOfCapturingGroups()
        names = _capture_names(pattern)
        if names is None or len(names) != self.num_subexp + 1:
            names = [""] * (self.num_subexp + 1)
            for name, index in compiled.NamedCapturingGroups():
                names[index] = from_go_bytes(name)
        self.subexp_names = names

    def _find(self, subject: _Subject, pos: int) -> list[tuple[int, int]] | None:
        """The leftmost-first match at or after ``pos`` (offsets in the
        original text; (-1, -1) for groups that did not take part)."""
        text = subject.text
        start = subject.to_text(pos)
        while True:
            spans = self._re.Match(_UNANCHORED, text, start, len(text))
            if spans[0] == _NULL:
                return None
            # RE2 also tries empty-width matches inside a multibyte rune; Go
            # only starts at rune boundaries: look again from the next one.
            first = spans[0][0]
            if first >= len(text) or not 0x80 <= text[first] <= 0xBF:
                break
            start = first + 1
            while start < len(text) and 0x80 <= text[start] <= 0xBF:
                start += 1
        if subject.back is None:
            return spans
        return [s if s == _NULL else (subject.to_orig(s[0]), subject.to_orig(s[1])) for s in spans]

    def match(self, s: bytes) -> bool:
        """Go's ``MatchString``."""
        return self._find(_Subject(s), 0) is not None

    def find(self, s: bytes) -> bytes | None:
        """Go's ``FindString`` (None: no match)."""
        m = self._find(_Subject(s), 0)
        return None if m is None else s[m[0][0] : m[0][1]]

    def find_submatch(self, s: bytes) -> list[bytes | None] | None:
        """Go's ``FindStringSubmatch`` (None for groups that did not match)."""
        m = self._find(_Subject(s), 0)
        if m is None:
            return None
        return [None if a < 0 else s[a:b] for a, b in m]

    def matches(self, s: bytes, limit: int) -> Iterator[list[tuple[int, int]]]:
        """Go's ``matches`` iterator behind FindAll*: successive matches, an
        empty match right after the previous match skipped; at most ``limit``
        (negative: no limit)."""
        if limit == 0:
            return
        subject = _Subject(s)
        end = len(s)
        pos = 0
        prev_end = -1
        while pos <= end:
            m = self._find(subject, pos)
            if m is None:
                return
            accept = True
            if m[0][1] == pos:
                if m[0][0] == prev_end:
                    accept = False
                width = _rune_width(s, pos)
                pos = pos + width if width > 0 else end + 1
            else:
                pos = m[0][1]
            prev_end = m[0][1]
            if accept:
                yield m
                if limit > 0:
                    limit -= 1
                    if limit == 0:
                        return

    def find_all(self, s: bytes, n: int) -> list[bytes] | None:
        """Go's ``FindAllString`` (None: no match, a nil slice)."""
        out = [s[m[0][0] : m[0][1]] for m in self.matches(s, n)]
        return out or None

    def split(self, s: bytes, n: int) -> list[bytes] | None:
        """Go's ``Regexp.Split``."""
        if n == 0:
            return None
        if self.expr and not s:
            return [b""]
        pieces: list[bytes] = []
        beg = end = 0
        for m in self.matches(s, n):
            if n > 0 and len(pieces) >= n - 1:
                break
            end = m[0][0]
            if m[0][1] != 0:
                pieces.append(s[beg:end])
            beg = m[0][1]
        if end != len(s):
            pieces.append(s[beg:])
        return pieces

    def replace_all(self, src: bytes, repl: Callable[[bytes, list[tuple[int, int]]], bytes]) -> bytes:
        """Go's ``replaceAll``: ``repl(src, match)`` for each match; an empty
        match right after the previous one is not replaced."""
        subject = _Subject(src)
        out = bytearray()
        last_end = 0
        search = 0
        end = len(src)
        while search <= end:
            m = self._find(subject, search)
            if m is None:
                break
            a0, a1 = m[0]
            out += src[last_end:a0]
            if a1 > last_end or a0 == 0:
                out += repl(src, m)
            last_end = a1
            width = _rune_width(src, search)
            if search + width > a1:
                search += width
            elif search + 1 > a1:
                search += 1
            else:
                search = a1
        out += src[last_end:]
        return bytes(out)

    def expand(self, template: bytes, src: bytes, match: list[tuple[int, int]]) -> bytes:
        """Go's ``Regexp.expand``: ``$$``, ``$1``, ``$name``, ``${name}``."""
        out = bytearray()
        while template:
            i = template.find(b"$")
            if i < 0:
                break
            out += template[:i]
            template = template[i + 1 :]
            if template[:1] == b"$":
                out += b"$"
                template = template[1:]
                continue
            parsed = _extract(template)
            if parsed is None:
                out += b"$"
                continue
            name, num, template = parsed
            if num >= 0:
                if num < len(match) and match[num][0] >= 0:
                    out += src[match[num][0] : match[num][1]]
            else:
                for k, sub in enumerate(self.subexp_names):
                    if name == sub and k < len(match) and match[k][0] >= 0:
                        out += src[match[k][0] : match[k][1]]
                        break
        out += template
        return bytes(out)


def _is_name_rune(r: int, valid: bool) -> bool:
    if not valid:
        return False
    if r == 0x5F:
        return True
    cat = unicodedata.category(chr(r))
    return cat.startswith("L") or cat == "Nd"


def _extract(s: bytes) -> tuple[str, int, bytes] | None:
    """Go's ``extract``: the name after ``$`` (letters, digits, ``_``, or
    braced), its number (-1 if not a number without leading zeros), the rest."""
    if not s:
        return None
    brace = s[:1] == b"{"
    if brace:
        s = s[1:]
    i = 0
    while i < len(s):
        r, width, ok = _decode_rune(s, i)
        if not _is_name_rune(r, ok):
            break
        i += width
    if i == 0:
        return None
    name = s[:i]
    if brace:
        if i >= len(s) or s[i : i + 1] != b"}":
            return None
        i += 1
    num = 0
    for c in name:
        if not 0x30 <= c <= 0x39 or num >= 100_000_000:
            num = -1
            break
        num = num * 10 + c - 0x30
    if name[:1] == b"0" and len(name) > 1:
        num = -1
    return from_go_bytes(name), num, s[i:]


_CACHE: dict[str, GoRegexp] = {}
_CACHE_MAX = 512


def compile_regexp(expr: str) -> GoRegexp:
    """Go's ``regexp.Compile`` (raises RegexpError); compiled patterns are cached."""
    r = _CACHE.get(expr)
    if r is None:
        r = GoRegexp(expr)
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        _CACHE[expr] = r
    return r


def _go_quote_for_panic(s: str) -> str:
    """regexp's quote(): backquoted when possible, else strconv.Quote."""
    return "`" + s + "`" if can_backquote(s) else go_quote(s)


class MustCompilePanic(ValueError):
    """The panic of ``regexp.MustCompile``."""


def must_compile(expr: str) -> GoRegexp:
    """Go's ``regexp.MustCompile``: a bad pattern panics."""
    try:
        return compile_regexp(expr)
    except RegexpError as e:
        raise MustCompilePanic(f"regexp: Compile({_go_quote_for_panic(expr)}): {e}") from None


_SPECIAL = frozenset(b"\\.+*?()|[]{}^$")


def quote_meta(s: str) -> str:
    """Go's ``regexp.QuoteMeta``: a backslash before every metacharacter byte."""
    out = bytearray()
    for c in go_bytes(s):
        if c in _SPECIAL:
            out.append(0x5C)
        out.append(c)
    return from_go_bytes(bytes(out))


def _strings(items: list[bytes] | None) -> list[str] | None:
    return None if items is None else [from_go_bytes(x) for x in items]


# --- sprig's functions ------------------------------------------------------------------


def _find_all(r: GoRegexp, s: str, n: int) -> list[str] | None:
    return _strings(r.find_all(go_bytes(s), n))


def _find(r: GoRegexp, s: str) -> str:
    found = r.find(go_bytes(s))
    return "" if found is None else from_go_bytes(found)


def _replace_all(r: GoRegexp, s: str, repl: str) -> str:
    template = go_bytes(repl)
    return from_go_bytes(r.replace_all(go_bytes(s), lambda src, m: r.expand(template, src, m)))


def _replace_all_literal(r: GoRegexp, s: str, repl: str) -> str:
    literal = go_bytes(repl)
    return from_go_bytes(r.replace_all(go_bytes(s), lambda src, m: literal))


def _split(r: GoRegexp, s: str, n: int) -> list[str] | None:
    return _strings(r.split(go_bytes(s), n))


@sprig_func("regexMatch", "func(string, string) bool")
def regex_match(regex: str, s: str) -> bool:
    try:
        return compile_regexp(regex).match(go_bytes(s))
    except RegexpError:
        return False


@sprig_func("mustRegexMatch", "func(string, string) (bool, error)")
def must_regex_match(regex: str, s: str) -> bool:
    return compile_regexp(regex).match(go_bytes(s))


@sprig_func("regexFindAll", "func(string, string, int) []string")
def regex_find_all(regex: str, s: str, n: int) -> list[str] | None:
    return _find_all(must_compile(regex), s, n)


@sprig_func("mustRegexFindAll", "func(string, string, int) ([]string, error)")
def must_regex_find_all(regex: str, s: str, n: int) -> list[str] | None:
    return _find_all(compile_regexp(regex), s, n)


@sprig_func("regexFind", "func(string, string) string")
def regex_find(regex: str, s: str) -> str:
    return _find(must_compile(regex), s)


@sprig_func("mustRegexFind", "func(string, string) (string, error)")
def must_regex_find(regex: str, s: str) -> str:
    return _find(compile_regexp(regex), s)


@sprig_func("regexReplaceAll", "func(string, string, string) string")
def regex_replace_all(regex: str, s: str, repl: str) -> str:
    return _replace_all(must_compile(regex), s, repl)


@sprig_func("mustRegexReplaceAll", "func(string, string, string) (string, error)")
def must_regex_replace_all(regex: str, s: str, repl: str) -> str:
    return _replace_all(compile_regexp(regex), s, repl)


@sprig_func("regexReplaceAllLiteral", "func(string, string, string) string")
def regex_replace_all_literal(regex: str, s: str, repl: str) -> str:
    return _replace_all_literal(must_compile(regex), s, repl)


@sprig_func("mustRegexReplaceAllLiteral", "func(string, string, string) (string, error)")
def must_regex_replace_all_literal(regex: str, s: str, repl: str) -> str:
    return _replace_all_literal(compile_regexp(regex), s, repl)


@sprig_func("regexSplit", "func(string, string, int) []string")
def regex_split(regex: str, s: str, n: int) -> list[str] | None:
    return _split(must_compile(regex), s, n)


@sprig_func("mustRegexSplit", "func(string, string, int) ([]string, error)")
def must_regex_split(regex: str, s: str, n: int) -> list[str] | None:
    return _split(compile_regexp(regex), s, n)


@sprig_func("regexQuoteMeta", "func(string) string")
def regex_quote_meta(s: str) -> str:
    return quote_meta(s)
