"""Go's strconv for gotmpl: quoting, unquoting and number parsing with Go's rules and error texts.

A Go string is a sequence of bytes. gotmpl represents it as a Python ``str`` whose
UTF-8 encoding with the ``surrogateescape`` error handler gives those bytes: valid
UTF-8 is ordinary text, and each byte that is not part of valid UTF-8 is the lone
surrogate U+DC80+byte. :func:`go_bytes` and :func:`from_go_bytes` convert; every
function here that produces a Go string returns that canonical form, so equal Go
strings are equal Python strings.

Number parsing follows Go's ``strconv.ParseInt``/``ParseUint``/``ParseFloat`` with
base 0 (Go literal syntax: ``0x``, ``0o``, ``0b``, leading-zero octal, ``_``
separators, hex floats with a ``p`` exponent) and raises :class:`NumError`, whose
text is Go's ``*strconv.NumError`` text.
"""

from __future__ import annotations

import math
import unicodedata

__all__ = [
    "ErrSyntax",
    "NumError",
    "go_bytes",
    "from_go_bytes",
    "is_print",
    "quote",
    "quote_rune",
    "unquote",
    "unquote_char",
    "parse_uint",
    "parse_int",
    "parse_float",
    "float_to_int64_exact",
    "float_to_uint64_exact",
]

ErrSyntax = "invalid syntax"
ErrRange = "value out of range"

MAX_UINT64 = (1 << 64) - 1
MIN_INT64 = -(1 << 63)
MAX_INT64 = (1 << 63) - 1


class NumError(ValueError):
    """A failed conversion, printed as Go prints ``*strconv.NumError``.

    ``func`` is empty for errors that Go reports as the bare ``ErrSyntax``
    (``strconv.Unquote`` returns ``invalid syntax`` without context).
    """

    def __init__(self, func: str, num: str, err: str) -> None:
        self.func = func
        self.num = num
        self.err = err
        super().__init__(str(self))

    def __str__(self) -> str:
        if not self.func:
            return self.err
        return f"strconv.{self.func}: parsing {quote(self.num)}: {self.err}"


def go_bytes(s: str) -> bytes:
    """The bytes of a Go string held as a Python str."""
    return s.encode("utf-8", "surrogateescape")


def from_go_bytes(b: bytes) -> str:
    """The canonical Python str of a Go string's bytes."""
    return b.decode("utf-8", "surrogateescape")


# --- printing -----------------------------------------------------------------

_NOT_PRINT_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})


def is_print(ch: str) -> bool:
    """Go's unicode.IsPrint / strconv.IsPrint for one character (Go 1.27's Unicode)."""
    return go_is_print(ord(ch))


_SIMPLE_ESCAPES = {
    0x07: "\\a",
    0x08: "\\b",
    0x0C: "\\f",
    0x0A: "\\n",
    0x0D: "\\r",
    0x09: "\\t",
    0x0B: "\\v",
}


def quote(s: str) -> str:
    """Go's strconv.Quote."""
    return go_quote(s)


def quote_rune(r: int) -> str:
    """Go's strconv.QuoteRune (invalid runes print as U+FFFD)."""
    return go_quote_rune(r)


# --- unquoting ------------------------------------------------------------------

_UNHEX = {c: int(c, 16) for c in "0123456789abcdefABCDEF"}
_SIMPLE_UNESCAPES = {
    ord("a"): 0x07,
    ord("b"): 0x08,
    ord("f"): 0x0C,
    ord("n"): 0x0A,
    ord("r"): 0x0D,
    ord("t"): 0x09,
    ord("v"): 0x0B,
    ord("\\"): 0x5C,
}


def _decode_rune(b: bytes, i: int) -> tuple[int, int]:
    """utf8.DecodeRune: (rune, size); invalid encodings give (0xFFFD, 1)."""
    c = b[i]
    if c < 0x80:
        return c, 1
    for size in (2, 3, 4):
        chunk = b[i : i + size]
        if len(chunk) < size:
            break
        try:
            s = chunk.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(s) == 1:
            return ord(s), size
    return 0xFFFD, 1


def unquote_char(b: bytes, i: int, quote_byte: int) -> tuple[int, bool, int]:
    """Go's strconv.UnquoteChar on ``b[i:]``: (value, multibyte, next index).

    Raises NumError(ErrSyntax) as Go returns ErrSyntax.
    """
    n = len(b)
    if i >= n:
        raise NumError("", "", ErrSyntax)
    c = b[i]
    if c == quote_byte and quote_byte in (0x27, 0x22):
        raise NumError("", "", ErrSyntax)
    if c >= 0x80:
        r, size = _decode_rune(b, i)
        return r, True, i + size
    if c != 0x5C:
        return c, False, i + 1
    if i + 1 >= n:
        raise NumError("", "", ErrSyntax)
    c = b[i + 1]
    i += 2
    simple = _SIMPLE_UNESCAPES.get(c)
    if simple is not None:
        return simple, False, i
    if c in (0x78, 0x75, 0x55):  # x u U
        width = {0x78: 2, 0x75: 4, 0x55: 8}[c]
        digits = b[i : i + width]
        if len(digits) < width:
            raise NumError("", "", ErrSyntax)
        v = 0
        for d in digits.decode("latin-1"):
            x = _UNHEX.get(d)
            if x is None:
                raise NumError("", "", ErrSyntax)
            v = v << 4 | x
        i += width
        if c == 0x78:
            return v, False, i
        if v > 0x10FFFF or 0xD800 <= v <= 0xDFFF:
            raise NumError("", "", ErrSyntax)
        return v, True, i
    if 0x30 <= c <= 0x37:
        v = c - 0x30
        digits = b[i : i + 2]
        if len(digits) < 2:
            raise NumError("", "", ErrSyntax)
        for d in digits:
            x = d - 0x30
            if x < 0 or x > 7:
                raise NumError("", "", ErrSyntax)
            v = (v << 3) | x
        if v > 255:
            raise NumError("", "", ErrSyntax)
        return v, False, i + 2
    if c in (0x27, 0x22):
        if c != quote_byte:
            raise NumError("", "", ErrSyntax)
        return c, False, i
    raise NumError("", "", ErrSyntax)


def _append_rune(buf: bytearray, r: int, multibyte: bool) -> None:
    if r < 0x80 or not multibyte:
        buf.append(r & 0xFF)
    else:
        buf += chr(r).encode("utf-8", "surrogatepass")


def unquote(s: str) -> str:
    """Go's strconv.Unquote for "...", `...` and '...' literals."""
    b = go_bytes(s)
    if len(b) < 2:
        raise NumError("", "", ErrSyntax)
    q = b[0]
    end = b.find(bytes([q]), 1)
    if end < 0:
        raise NumError("", "", ErrSyntax)
    if q == 0x60:  # raw string: carriage returns are dropped
        if end != len(b) - 1:
            raise NumError("", "", ErrSyntax)
        return from_go_bytes(b[1:end].replace(b"\r", b""))
    if q not in (0x22, 0x27):
        raise NumError("", "", ErrSyntax)
    body = b[1:end]
    if end == len(b) - 1 and 0x5C not in body and 0x0A not in body:
        if q == 0x22:
            try:
                body.decode("utf-8")
                return from_go_bytes(body)
            except UnicodeDecodeError:
                pass
        elif body:
            r, size = _decode_rune(body, 0)
            if size == len(body) and (r != 0xFFFD or size != 1):
                return from_go_bytes(body)
    buf = bytearray()
    i = 1
    n = len(b)
    while i < n and b[i] != q:
        if b[i] == 0x0A:
            raise NumError("", "", ErrSyntax)
        r, multibyte, i = unquote_char(b, i, q)
        _append_rune(buf, r, multibyte)
        if q == 0x27:
            break
    if not (i < n and b[i] == q) or i + 1 != n:
        raise NumError("", "", ErrSyntax)
    return from_go_bytes(bytes(buf))


# --- integers ---------------------------------------------------------------------


def _underscore_ok(s: str) -> bool:
    """Go's underscoreOK: '_' only between digits (a base prefix counts as one)."""
    saw = "^"
    i = 0
    if s[:1] in ("+", "-"):
        s = s[1:]
    hexa = False
    if len(s) >= 2 and s[0] == "0" and s[1] in "bBoOxX":
        i = 2
        saw = "0"
        hexa = s[1] in "xX"
    while i < len(s):
        c = s[i]
        if "0" <= c <= "9" or hexa and c in "abcdefABCDEF":
            saw = "0"
        elif c == "_":
            if saw != "0":
                return False
            saw = "_"
        else:
            if saw == "_":
                return False
            saw = "!"
        i += 1
    return saw != "_"


def _digit_value(c: str) -> int:
    if "0" <= c <= "9":
        return ord(c) - 48
    lc = c.lower()
    if "a" <= lc <= "z" and c.isascii():
        return ord(lc) - 87
    return 99


def parse_uint(s: str, base: int = 0, bits: int = 64, func: str = "ParseUint") -> int:
    """Go's strconv.ParseUint."""
    if s == "":
        raise NumError(func, s, ErrSyntax)
    base0 = base == 0
    s0 = s
    if base == 0:
        base = 10
        if s[0] == "0":
            if len(s) >= 3 and s[1] in "bB":
                base, s = 2, s[2:]
            elif len(s) >= 3 and s[1] in "oO":
                base, s = 8, s[2:]
            elif len(s) >= 3 and s[1] in "xX":
                base, s = 16, s[2:]
            else:
                base, s = 8, s[1:]
    max_val = (1 << bits) - 1
    n = 0
    underscores = False
    for c in s:
        if c == "_" and base0:
            underscores = True
            continue
        d = _digit_value(c)
        if d >= base:
            raise NumError(func, s0, ErrSyntax)
        n = n * base + d
        if n > max_val:
            # Go keeps scanning for syntax errors only up to the overflow point.
            raise NumError(func, s0, ErrRange)
    if underscores and not _underscore_ok(s0):
        raise NumError(func, s0, ErrSyntax)
    return n


def parse_int(s: str, base: int = 0, bits: int = 64) -> int:
    """Go's strconv.ParseInt."""
    if s == "":
        raise NumError("ParseInt", s, ErrSyntax)
    s0 = s
    neg = False
    if s[0] == "+":
        s = s[1:]
    elif s[0] == "-":
        neg = True
        s = s[1:]
    try:
        un = parse_uint(s, base, bits, "ParseInt")
    except NumError as e:
        if e.err != ErrRange:
            raise NumError("ParseInt", s0, e.err) from None
        raise NumError("ParseInt", s0, ErrRange) from None
    cutoff = 1 << (bits - 1)
    if not neg and un >= cutoff or neg and un > cutoff:
        raise NumError("ParseInt", s0, ErrRange)
    return -un if neg else un


# --- floats -------------------------------------------------------------------------


def _special_float(s: str) -> float | None:
    """Go's special(): inf / infinity / nan, any case, with an optional sign."""
    low = s.lower()
    sign = 1.0
    body = low
    if low[:1] in ("+", "-"):
        sign = -1.0 if low[0] == "-" else 1.0
        body = low[1:]
    if body in ("inf", "infinity"):
        return sign * math.inf
    if low == "nan":
        return math.nan
    return None


def _scan_float(s: str) -> tuple[bool, bool, bool]:
    """Check Go's readFloat syntax over the whole string: (ok, hex, underscores)."""
    i = 0
    n = len(s)
    if i < n and s[i] in "+-":
        i += 1
    hexa = False
    if i + 2 < n and s[i] == "0" and s[i + 1] in "xX":
        hexa = True
        i += 2
    digits = "0123456789abcdefABCDEF" if hexa else "0123456789"
    saw_dot = saw_digits = underscores = False
    while i < n:
        c = s[i]
        if c == "_":
            underscores = True
        elif c == ".":
            if saw_dot:
                break
            saw_dot = True
        elif c in digits:
            saw_digits = True
        else:
            break
        i += 1
    if not saw_digits:
        return False, hexa, underscores
    exp_chars = "pP" if hexa else "eE"
    if i < n and s[i] in exp_chars:
        i += 1
        if i >= n:
            return False, hexa, underscores
        if s[i] in "+-":
            i += 1
        if i >= n or not "0" <= s[i] <= "9":
            return False, hexa, underscores
        while i < n and ("0" <= s[i] <= "9" or s[i] == "_"):
            if s[i] == "_":
                underscores = True
            i += 1
    elif hexa:
        return False, hexa, underscores
    if i != n:
        return False, hexa, underscores
    return True, hexa, underscores


def parse_float(s: str, bits: int = 64) -> float:
    """Go's strconv.ParseFloat (bits 64; 32 rounds to float32 precision)."""
    special = _special_float(s)
    if special is not None:
        return special
    ok, hexa, underscores = _scan_float(s)
    if not ok or (underscores and not _underscore_ok(s)):
        raise NumError("ParseFloat", s, ErrSyntax)
    clean = s.replace("_", "")
    try:
        if hexa:
            value = float.fromhex(clean)
        else:
            value = float(clean)
    except OverflowError:
        raise NumError("ParseFloat", s, ErrRange) from None
    except ValueError:
        raise NumError("ParseFloat", s, ErrSyntax) from None
    if bits == 32:
        value = _round_float32(value, s)
    if math.isinf(value):
        raise NumError("ParseFloat", s, ErrRange)
    return value


def _round_float32(value: float, s: str) -> float:
    import struct

    try:
        return struct.unpack("<f", struct.pack("<f", value))[0]
    except OverflowError:
        raise NumError("ParseFloat", s, ErrRange) from None


def float_to_int64_exact(f: float) -> int | None:
    """The int64 equal to f, as Go's ``float64(int64(f)) == f`` test finds it, else None."""
    if math.isfinite(f) and f == int(f) and MIN_INT64 <= f < 2.0**63:
        return int(f)
    return None


def float_to_uint64_exact(f: float) -> int | None:
    """The uint64 equal to f, as Go's ``float64(uint64(f)) == f`` test finds it, else None."""
    if math.isfinite(f) and f == int(f) and 0 <= f < 2.0**64:
        return int(f)
    return None


# =====================================================================================
# Formatting for gotmpl.gofmt: Go 1.27's IsPrint, quoting, FormatInt and FormatFloat.
# (Added after the parsing functions above, which stay as they are.)
# =====================================================================================

import bisect as _bisect
import re as _re
import struct as _struct

# Code points that Go 1.27's strconv.IsPrint (Unicode 17.0) calls printable but that
# Python 3.11's unicodedata (Unicode 14.0) leaves unassigned (category Cn). Derived by
# comparing Go's IsPrint with is_print over every code point; every entry was Cn in
# Python, so the difference is purely newly assigned characters.
_PRINT_SINCE_UNICODE_14 = (
    (0x88F, 0x88F), (0x897, 0x897), (0xC5C, 0xC5C), (0xCDC, 0xCDC), (0xCF3, 0xCF3), (0xECE, 0xECE),
    (0x1ACF, 0x1ADD), (0x1AE0, 0x1AEB), (0x1B4E, 0x1B4F), (0x1B7F, 0x1B7F), (0x1C89, 0x1C8A),
    (0x20C1, 0x20C1), (0x2427, 0x2429), (0x2B96, 0x2B96), (0x2FFC, 0x2FFF), (0x31E4, 0x31E5),
    (0x31EF, 0x31EF), (0xA7CB, 0xA7CF), (0xA7D2, 0xA7D2), (0xA7D4, 0xA7D4), (0xA7DA, 0xA7DC),
    (0xA7F1, 0xA7F1), (0xFBC3, 0xFBD2), (0xFD90, 0xFD91), (0xFDC8, 0xFDCE), (0x1000C, 0x1000C),
    (0x105C0, 0x105F3), (0x10940, 0x10959), (0x10D40, 0x10D65), (0x10D69, 0x10D85),
    (0x10D8E, 0x10D8F), (0x10EC2, 0x10EC7), (0x10ED0, 0x10ED8), (0x10EFA, 0x10EFF),
    (0x1123F, 0x11241), (0x11380, 0x11389), (0x1138B, 0x1138B), (0x1138E, 0x1138E),
    (0x11390, 0x113B5), (0x113B7, 0x113C0), (0x113C2, 0x113C2), (0x113C5, 0x113C5),
    (0x113C7, 0x113CA), (0x113CC, 0x113D5), (0x113D7, 0x113D8), (0x113E1, 0x113E2),
    (0x116D0, 0x116E3), (0x11B00, 0x11B09), (0x11B60, 0x11B67), (0x11BC0, 0x11BE1),
    (0x11BF0, 0x11BF9), (0x11DB0, 0x11DDB), (0x11DE0, 0x11DE9), (0x11F00, 0x11F10),
    (0x11F12, 0x11F3A), (0x11F3E, 0x11F5A), (0x1342F, 0x1342F), (0x13440, 0x13455),
    (0x13460, 0x143FA), (0x16100, 0x16139), (0x16D40, 0x16D79), (0x16EA0, 0x16EB8),
    (0x16EBB, 0x16ED3), (0x16FF2, 0x16FF6), (0x187F8, 0x187FF), (0x18CFF, 0x18CFF),
    (0x18D09, 0x18D1E), (0x18D80, 0x18DF2), (0x1B132, 0x1B132), (0x1B155, 0x1B155),
    (0x1CC00, 0x1CCFC), (0x1CD00, 0x1CEB3), (0x1CEBA, 0x1CED0), (0x1CEE0, 0x1CEF0),
    (0x1D2C0, 0x1D2D3), (0x1DF25, 0x1DF2A), (0x1E030, 0x1E06D), (0x1E08F, 0x1E08F),
    (0x1E4D0, 0x1E4F9), (0x1E5D0, 0x1E5FA), (0x1E5FF, 0x1E5FF), (0x1E6C0, 0x1E6DE),
    (0x1E6E0, 0x1E6F5), (0x1E6FE, 0x1E6FF), (0x1F6D8, 0x1F6D8), (0x1F6DC, 0x1F6DC),
    (0x1F774, 0x1F77F), (0x1F7D9, 0x1F7D9), (0x1F8B2, 0x1F8BB), (0x1F8C0, 0x1F8C1),
    (0x1F8D0, 0x1F8D8), (0x1FA54, 0x1FA57), (0x1FA75, 0x1FA77), (0x1FA87, 0x1FA8A),
    (0x1FA8E, 0x1FA8F), (0x1FAAD, 0x1FAAF), (0x1FABB, 0x1FABF), (0x1FAC6, 0x1FAC6),
    (0x1FAC8, 0x1FAC8), (0x1FACD, 0x1FACF), (0x1FADA, 0x1FADC), (0x1FADF, 0x1FADF),
    (0x1FAE8, 0x1FAEA), (0x1FAEF, 0x1FAEF), (0x1FAF7, 0x1FAF8), (0x1FBCB, 0x1FBEF),
    (0x1FBFA, 0x1FBFA), (0x2B739, 0x2B73F), (0x2CEA2, 0x2CEAD), (0x2EBF0, 0x2EE5D),
    (0x31350, 0x33479),
)
_PRINT_SINCE_STARTS = tuple(a for a, _ in _PRINT_SINCE_UNICODE_14)
# Go's isGraphic list: the spaces that IsGraphic accepts beyond IsPrint.
_GRAPHIC_EXTRA = frozenset({0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000})


def go_is_print(r: int) -> bool:
    """Go 1.27's strconv.IsPrint for a rune (Unicode 17.0, not Python's database)."""
    if r < 0x7F:
        return r >= 0x20
    if r > 0x10FFFF or 0xD800 <= r <= 0xDFFF:
        return False
    cat = unicodedata.category(chr(r))
    if cat == "Cn":
        i = _bisect.bisect_right(_PRINT_SINCE_STARTS, r) - 1
        return i >= 0 and r <= _PRINT_SINCE_UNICODE_14[i][1]
    return cat not in _NOT_PRINT_CATEGORIES


def go_is_graphic(r: int) -> bool:
    """Go 1.27's strconv.IsGraphic: IsPrint plus the Unicode space separators."""
    return go_is_print(r) or r in _GRAPHIC_EXTRA


_BACKQUOTE_BAD = _re.compile("[\x00-\x08\x0a-\x1f`\x7f\ufeff\udc80-\udcff]")


def can_backquote(s: str) -> bool:
    """Go's strconv.CanBackquote: no control characters but tab, no backquote,
    no DEL, no BOM and valid UTF-8 (lone surrogates are invalid bytes)."""
    return _BACKQUOTE_BAD.search(s) is None


def _go_escape(r: int, quote_char: str, ascii_only: bool, graphic_only: bool) -> str:
    """Go's appendEscapedRune for one valid rune."""
    if r == ord(quote_char) or r == 0x5C:
        return "\\" + chr(r)
    if ascii_only:
        if r < 0x80 and go_is_print(r):
            return chr(r)
    elif go_is_print(r) or graphic_only and r in _GRAPHIC_EXTRA:
        return chr(r)
    simple = _SIMPLE_ESCAPES.get(r)
    if simple is not None:
        return simple
    if r < 0x20 or r == 0x7F:
        return "\\x%02x" % r
    if r > 0x10FFFF or 0xD800 <= r <= 0xDFFF:
        r = 0xFFFD
    if r < 0x10000:
        return "\\u%04x" % r
    return "\\U%08x" % r


_PLAIN_ASCII = _re.compile('[\x20\x21\x23-\x5b\x5d-\x7e]*')


def quote_with(s: str, quote_char: str = '"', ascii_only: bool = False, graphic_only: bool = False) -> str:
    """Go's strconv quoteWith over a Go string held as a Python str (lone
    surrogates U+DC80..U+DCFF are invalid bytes and print as ``\\xHH``)."""
    if quote_char == '"' and _PLAIN_ASCII.fullmatch(s):
        return '"' + s + '"'
    out = [quote_char]
    for ch in s:
        o = ord(ch)
        if 0x20 <= o < 0x7F and ch != quote_char and ch != "\\":
            out.append(ch)
        elif 0xDC80 <= o <= 0xDCFF:
            out.append("\\x%02x" % (o - 0xDC00))
        else:
            out.append(_go_escape(o, quote_char, ascii_only, graphic_only))
    out.append(quote_char)
    return "".join(out)


def go_quote(s: str) -> str:
    """Go 1.27's strconv.Quote (IsPrint of Unicode 17.0)."""
    return quote_with(s, '"', False, False)


def quote_to_ascii(s: str) -> str:
    """Go 1.27's strconv.QuoteToASCII."""
    return quote_with(s, '"', True, False)


def quote_to_graphic(s: str) -> str:
    """Go 1.27's strconv.QuoteToGraphic."""
    return quote_with(s, '"', False, True)


def quote_rune_with(r: int, ascii_only: bool = False, graphic_only: bool = False) -> str:
    """Go's quoteRuneWith: invalid runes (negative, surrogates, > U+10FFFF) print as U+FFFD."""
    if r < 0 or r > 0x10FFFF or 0xD800 <= r <= 0xDFFF:
        r = 0xFFFD
    return "'" + _go_escape(r, "'", ascii_only, graphic_only) + "'"


def go_quote_rune(r: int) -> str:
    """Go 1.27's strconv.QuoteRune."""
    return quote_rune_with(r, False, False)


def quote_rune_to_ascii(r: int) -> str:
    """Go 1.27's strconv.QuoteRuneToASCII."""
    return quote_rune_with(r, True, False)


def quote_rune_to_graphic(r: int) -> str:
    """Go 1.27's strconv.QuoteRuneToGraphic."""
    return quote_rune_with(r, False, True)


# --- integers -----------------------------------------------------------------------

_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def format_uint(u: int, base: int = 10) -> str:
    """Go's strconv.FormatUint (lower-case digits, base 2..36)."""
    if not 2 <= base <= 36:
        raise ValueError("strconv: illegal AppendInt/FormatInt base")
    if base == 10:
        return str(u)
    if base == 16:
        return format(u, "x")
    if base == 8:
        return format(u, "o")
    if base == 2:
        return format(u, "b")
    if u == 0:
        return "0"
    out = []
    while u:
        u, d = divmod(u, base)
        out.append(_DIGITS36[d])
    return "".join(reversed(out))


def format_int(i: int, base: int = 10) -> str:
    """Go's strconv.FormatInt."""
    return "-" + format_uint(-i, base) if i < 0 else format_uint(i, base)


# --- floats -------------------------------------------------------------------------

_F32 = _struct.Struct("<f")
_U32 = _struct.Struct("<I")
_F64 = _struct.Struct("<d")
_U64 = _struct.Struct("<Q")

# (mantissa bits, exponent bits, bias) of Go's float32 and float64.
_FLOAT_INFO = {32: (23, 8, -127), 64: (52, 11, -1023)}


def to_float32(f: float) -> float:
    """float32(f): the nearest float32 (as a Python float); beyond its range, ±Inf."""
    try:
        return _F32.unpack(_F32.pack(f))[0]
    except OverflowError:
        return math.copysign(math.inf, f)


def _float_bits(f: float, bitsize: int) -> int:
    if bitsize == 32:
        try:
            packed = _F32.pack(f)
        except OverflowError:
            packed = _F32.pack(math.copysign(math.inf, f))
        return _U32.unpack(packed)[0]
    return _U64.unpack(_F64.pack(f))[0]


def _log10_pow2(x: int) -> int:
    """⌊x·log₁₀2⌋ as Go computes it."""
    return (x * 78913) >> 18


def _skewed(e: int) -> int:
    """⌊log₁₀(¾·2**e)⌋ as Go computes it."""
    return (e * 631305 - 261663) >> 21


def _scaled(n: int, e2: int, p10: int) -> tuple[int, int, int]:
    """n·2**e2·10**p10 as (floor, remainder, denominator)."""
    num, den = n, 1
    if e2 >= 0:
        num <<= e2
    else:
        den <<= -e2
    if p10 >= 0:
        num *= 10**p10
    else:
        den *= 10**-p10
    q, r = divmod(num, den)
    return q, r, den


def shortest_digits(mant: int, exp2: int, mant_bits: int, normal_min_exp: int) -> tuple[str, int]:
    """Go's shortFloat for mant·2**exp2 (mant with its implicit bit, exp2 the
    exponent of its last bit): the fewest digits that parse back to the same
    float, nearest to it among those (ties to even). Returns (digits without
    trailing zeros, decimal point position). Exact integer arithmetic in place of
    Go's 128-bit scaling, which Go proves exact."""
    q = exp2  # the exponent of one ulp
    # A power of two has a closer lower neighbour, unless it is the smallest normal.
    if mant == 1 << mant_bits and q + mant_bits > normal_min_exp:
        p = -_skewed(q)
        lo = 4 * mant - 1
    else:
        p = -_log10_pow2(q)
        lo = 4 * mant - 2
    hi = 4 * mant + 2
    odd = mant & 1
    fl, rem, _ = _scaled(lo, q - 2, p)
    dmin = fl + (1 if rem or odd else 0)
    fl, rem, _ = _scaled(hi, q - 2, p)
    dmax = fl - (1 if odd and not rem else 0)
    d = dmax // 10
    if d * 10 >= dmin:
        p -= 1
    else:
        d = dmin
        if d < dmax:
            fl, rem, den = _scaled(mant, q, p)
            twice = 2 * rem
            if twice > den or twice == den and fl & 1:
                fl += 1
            d = fl
    digits = str(d)
    dp = len(digits) - p
    return digits.rstrip("0"), dp


def float64_shortest_digits(x: float) -> tuple[str, int]:
    """Shortest round-trip digits of a positive float64 from Python's repr
    (same digits as Go's shortFloat; tests check this against it)."""
    r = repr(x)
    mantissa, _, e = r.partition("e")
    intpart, _, frac = mantissa.partition(".")
    digits = intpart + frac
    dp = len(intpart) + (int(e) if e else 0)
    stripped = digits.lstrip("0")
    dp -= len(digits) - len(stripped)
    return stripped.rstrip("0"), dp


def _fixed_digits(x: float, fmt: str, prec: int) -> tuple[str, int]:
    """Correctly rounded digits of positive x for a precision (Go rounds the exact
    binary value half to even, as Python's own formatting does)."""
    if fmt == "f":
        s = "%.*f" % (prec, x)
        intpart, _, frac = s.partition(".")
        digits = intpart + frac
        dp = len(intpart)
    else:
        n = prec + 1 if fmt in "eE" else max(prec, 1)
        s = "%.*e" % (n - 1, x)
        mantissa, _, e = s.partition("e")
        digits = mantissa.replace(".", "")
        dp = int(e) + 1
    stripped = digits.lstrip("0")
    if not stripped:
        return "", 0
    dp -= len(digits) - len(stripped)
    return stripped.rstrip("0"), dp


def _fmt_efg(neg: bool, s: str, dp: int, prec: int, fmt: str, shortest: bool) -> str:
    """Go's fmtEFG: lay out digits s (decimal point at dp) as %e, %f or %g."""
    nd = len(s)
    if fmt == "g" or fmt == "G":
        eprec = prec
        if eprec > nd and nd >= dp:
            eprec = nd
        if shortest:
            eprec = 6
        exp = dp - 1
        if exp < -4 or exp >= eprec:
            if prec > nd:
                prec = nd
            prec -= 1
            fmt = "e" if fmt == "g" else "E"
        else:
            if prec > dp:
                prec = nd
            prec = max(prec - dp, 0)
            fmt = "f"
    out = ["-"] if neg else []
    if fmt == "e" or fmt == "E":
        out.append(s[0] if nd else "0")
        if prec > 0:
            out.append(".")
            more = s[1 : min(nd, prec + 1)]
            out.append(more)
            out.append("0" * (prec - len(more)))
        exp = dp - 1 if nd else 0
        out.append(fmt)
        if exp < 0:
            out.append("-")
            exp = -exp
        else:
            out.append("+")
        out.append("%02d" % exp)
        return "".join(out)
    if fmt == "f":
        if dp > 0:
            m = min(nd, dp)
            out.append(s[:m])
            out.append("0" * (dp - m))
        else:
            out.append("0")
        if prec > 0:
            out.append(".")
            lz = min(prec, max(0, -dp))
            off = dp + lz
            m = min(prec - lz, max(0, nd - off))
            out.append("0" * lz)
            out.append(s[off : off + m])
            out.append("0" * max(0, prec - lz - m))
        return "".join(out)
    return "%" + fmt


def _fmt_b(neg: bool, mant: int, exp: int) -> str:
    """Go's %b float form: -ddddp±ddd."""
    return ("-" if neg else "") + str(mant) + "p" + ("+" if exp >= 0 else "") + str(exp)


_MASK64 = (1 << 64) - 1


def _fmt_x(prec: int, fmt: str, neg: bool, mant: int, exp: int, mant_bits: int) -> str:
    """Go's fmtX: -0x1.yyyyp±ddd, with Go's 64-bit wrap-around arithmetic."""
    if mant == 0:
        exp = 0
    mant <<= 60 - mant_bits
    while mant != 0 and mant & (1 << 60) == 0:
        mant <<= 1
        exp -= 1
    if 0 <= prec < 15:
        shift = prec * 4
        extra = (mant << shift) & ((1 << 60) - 1)
        mant >>= 60 - shift
        if extra | (mant & 1) > 1 << 59:
            mant += 1
        mant <<= 60 - shift
        if mant & (1 << 61):
            mant >>= 1
            exp += 1
    hexdigits = "0123456789ABCDEF" if fmt == "X" else "0123456789abcdef"
    out = ["-"] if neg else []
    out.append("0" + fmt + "01"[(mant >> 60) & 1])
    mant = (mant << 4) & _MASK64
    if prec < 0 and mant != 0:
        out.append(".")
        while mant != 0:
            out.append(hexdigits[(mant >> 60) & 15])
            mant = (mant << 4) & _MASK64
    elif prec > 0:
        out.append(".")
        for _ in range(prec):
            out.append(hexdigits[(mant >> 60) & 15])
            mant = (mant << 4) & _MASK64
    out.append("P" if fmt == "X" else "p")
    if exp < 0:
        out.append("-")
        exp = -exp
    else:
        out.append("+")
    out.append("%02d" % exp)
    return "".join(out)


_C_LIKE = {"e": "%.*e", "E": "%.*E", "f": "%.*f", "g": "%.*g", "G": "%.*G"}


def format_float(f: float, fmt: str = "g", prec: int = -1, bitsize: int = 64) -> str:
    """Go's strconv.FormatFloat: fmt one of b e E f g G x X; prec -1 is the
    shortest representation that round-trips at bitsize (32 or 64)."""
    mant_bits, exp_bits, bias = _FLOAT_INFO[bitsize]
    bits = _float_bits(f, bitsize)
    neg = bits >> (exp_bits + mant_bits) != 0
    exp = (bits >> mant_bits) & ((1 << exp_bits) - 1)
    mant = bits & ((1 << mant_bits) - 1)
    if exp == (1 << exp_bits) - 1:
        if mant:
            return "NaN"
        return "-Inf" if neg else "+Inf"
    if exp == 0:
        exp = 1
    else:
        mant |= 1 << mant_bits
    exp += bias
    if fmt == "b":
        return _fmt_b(neg, mant, exp - mant_bits)
    if fmt == "x" or fmt == "X":
        return _fmt_x(prec, fmt, neg, mant, exp, mant_bits)
    if fmt not in ("e", "E", "f", "g", "G"):
        return "%" + fmt
    if mant == 0:
        return _fmt_efg(neg, "", 0, prec, fmt, prec < 0)
    if prec < 0:
        if bitsize == 64:
            digits, dp = float64_shortest_digits(abs(f))
        else:
            digits, dp = shortest_digits(mant, exp - mant_bits, mant_bits, bias + 1)
        nd = len(digits)
        if fmt == "e" or fmt == "E":
            prec = max(nd - 1, 0)
        elif fmt == "f":
            prec = max(nd - dp, 0)
        else:
            prec = nd
        return _fmt_efg(neg, digits, dp, prec, fmt, True)
    x = abs(f) if bitsize == 64 else abs(_F32.unpack(_U32.pack(bits))[0])
    if fmt in _C_LIKE:
        # With a precision, C's %e/%E/%f/%g/%G (correctly rounded, half to even,
        # two-digit exponents, %g's trailing zeros dropped) lay out exactly like Go.
        return ("-" if neg else "") + _C_LIKE[fmt] % (prec, x)
    if (fmt == "g" or fmt == "G") and prec == 0:
        prec = 1
    digits, dp = _fixed_digits(x, fmt, prec)
    return _fmt_efg(neg, digits, dp, prec, fmt, False)
