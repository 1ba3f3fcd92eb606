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
    """Go's unicode.IsPrint / strconv.IsPrint: letters, marks, numbers,
    punctuation, symbols and the ASCII space."""
    if ch == " ":
        return True
    if ch < "\x7f":
        return ch > " "
    return unicodedata.category(ch) not in _NOT_PRINT_CATEGORIES


_SIMPLE_ESCAPES = {
    0x07: "\\a",
    0x08: "\\b",
    0x0C: "\\f",
    0x0A: "\\n",
    0x0D: "\\r",
    0x09: "\\t",
    0x0B: "\\v",
}


def _escape_rune(r: int, quote_char: str, ascii_only: bool = False) -> str:
    ch = chr(r)
    if ch == quote_char or ch == "\\":
        return "\\" + ch
    if ascii_only:
        if r < 0x80 and is_print(ch):
            return ch
    elif is_print(ch):
        return ch
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


def _quote_with(s: str, quote_char: str, ascii_only: bool) -> str:
    out = [quote_char]
    for ch in s:
        o = ord(ch)
        if 0xDC80 <= o <= 0xDCFF:  # an invalid byte of the Go string
            out.append("\\x%02x" % (o - 0xDC00))
        elif o < 0x7F and ch != quote_char and ch != "\\" and o >= 0x20:
            out.append(ch)
        else:
            out.append(_escape_rune(o, quote_char, ascii_only))
    out.append(quote_char)
    return "".join(out)


def quote(s: str) -> str:
    """Go's strconv.Quote."""
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return '"' + s + '"'
    return _quote_with(s, '"', False)


def quote_ascii(s: str) -> str:
    """Go's strconv.QuoteToASCII."""
    return _quote_with(s, '"', True)


def quote_rune(r: int, ascii_only: bool = False) -> str:
    """Go's strconv.QuoteRune (invalid runes print as U+FFFD)."""
    if r < 0 or r > 0x10FFFF or 0xD800 <= r <= 0xDFFF:
        r = 0xFFFD
    return "'" + _escape_rune(r, "'", ascii_only) + "'"


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
