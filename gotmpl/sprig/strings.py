"""Sprig's string functions: sprig's strings.go, the string entries of
functions.go (trim, upper, repeat, contains, splitList, atoi, fail...), the
conversions ``int``/``int64``/``float64``/``toDecimal`` (numeric.go),
``sortAlpha`` (list.go), and what they call in Masterminds/goutils (abbrev,
wrap, initials, nospace, swapcase, untitle, random strings) and
huandu/xstrings (camelcase, snakecase, kebabcase, shuffle).

Go strings are bytes: functions that index, slice or compare do it on the
UTF-8 bytes (gotmpl.strconv.go_bytes), functions that range over runes see an
invalid byte as U+FFFD (gotmpl.sprig.gounicode.rune_of). Go's runtime panics
(string slicing, strings.Repeat) are raised with Go's text, which the template
reports as ``error calling NAME: ...``.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from typing import Any

from .. import values as V
from ..gofmt import sprint, sprintf
from ..strconv import ErrRange, NumError, from_go_bytes, go_bytes, parse_int
from . import sprig_func
from .cast import (
    is_nil_interface,
    strval,
    to_float64,
    to_int,
    to_int64,
    to_string_slice,
    wrap_int64,
)
from .gounicode import (
    is_digit,
    is_letter,
    is_lower,
    is_number,
    is_punct,
    is_space,
    is_title,
    is_upper,
    rune_of,
    to_lower,
    to_title,
    to_upper,
)

MAX_INT = (1 << 63) - 1
MIN_INT = -(1 << 63)
# Go's largest allocation on amd64: larger makes are "len out of range" panics.
_GO_MAX_ALLOC = 1 << 48
# Below that Go would try to allocate (and die out of memory); we refuse earlier.
_MAX_ALLOC = 1 << 30
_STRING_SLICE = V.slice_of(V.STRING)


# --- Go runtime helpers ------------------------------------------------------------------------


def _panic(msg: str) -> V.GoError:
    return V.GoError(msg)


def _slice_error(lo: int | None, hi: int | None, length: int) -> V.GoError | None:
    """Go's bounds check of ``s[lo:hi]`` on a string (None: in range)."""
    if hi is not None:
        if hi < 0:
            return _panic(f"runtime error: slice bounds out of range [:{hi}]")
        if hi > length:
            return _panic(f"runtime error: slice bounds out of range [:{hi}] with length {length}")
    top = length if hi is None else hi
    if lo is not None:
        if lo < 0:
            return _panic(f"runtime error: slice bounds out of range [{lo}:]")
        if lo > top:
            return _panic(f"runtime error: slice bounds out of range [{lo}:{top}]")
    return None


def _slice(s: str, lo: int | None, hi: int | None) -> str:
    """Go's ``s[lo:hi]`` (bytes), panicking as Go does."""
    b = go_bytes(s)
    err = _slice_error(lo, hi, len(b))
    if err is not None:
        raise err
    return from_go_bytes(b[lo:hi])


def _check_alloc(n: int) -> None:
    """A make of n bytes: Go's panic beyond its address space; ours beyond _MAX_ALLOC."""
    if n > _GO_MAX_ALLOC:
        raise _panic("runtime error: makeslice: len out of range")
    if n > _MAX_ALLOC:
        raise _panic("runtime: out of memory (gotmpl refuses allocations Go would attempt)")


def go_repeat(s: str, count: int) -> str:
    """strings.Repeat."""
    if count == 0:
        return ""
    if count == 1:
        return s
    if count < 0:
        raise _panic("strings: negative Repeat count")
    b = go_bytes(s)
    n = len(b) * count
    if n > MAX_INT:
        raise _panic("strings: Repeat output length overflow")
    _check_alloc(n)
    return from_go_bytes(b * count)


def _map_runes(s: str, fn: Callable[[int], int]) -> str:
    """strings.Map with a rune mapping that never drops: invalid bytes become U+FFFD."""
    return "".join(chr(fn(rune_of(ch))) for ch in s)


def _runes(s: str) -> list[int]:
    """``[]rune(s)``."""
    return [rune_of(ch) for ch in s]


def _string(runes: list[int]) -> str:
    """``string(runes)`` (runes here are always valid)."""
    return "".join(map(chr, runes))


# --- the Go standard library's string functions --------------------------------------------------


def go_to_upper(s: str) -> str:
    """strings.ToUpper."""
    if s.isascii():
        return s.upper()
    return _map_runes(s, to_upper)


def go_to_lower(s: str) -> str:
    """strings.ToLower."""
    if s.isascii():
        return s.lower()
    return _map_runes(s, to_lower)


def _is_separator(r: int) -> bool:
    """strings.Title's isSeparator."""
    if r <= 0x7F:
        c = chr(r)
        return not (c.isascii() and (c.isalnum() or c == "_"))
    if is_letter(r) or is_digit(r):
        return False
    return is_space(r)


def go_title(s: str) -> str:
    """strings.Title: title-case the first letter of each word."""
    out = []
    prev = 0x20
    for ch in s:
        r = rune_of(ch)
        out.append(chr(to_title(r)) if _is_separator(prev) else chr(r))
        prev = r
    return "".join(out)


def go_trim_space(s: str) -> str:
    """strings.TrimSpace."""
    i, j = 0, len(s)
    while i < j and is_space(rune_of(s[i])):
        i += 1
    while j > i and is_space(rune_of(s[j - 1])):
        j -= 1
    return s[i:j]


def go_trim(s: str, cutset: str) -> str:
    """strings.Trim: remove leading and trailing runes contained in cutset."""
    if s == "" or cutset == "":
        return s
    cut = {rune_of(c) for c in cutset}
    i, j = 0, len(s)
    while i < j and rune_of(s[i]) in cut:
        i += 1
    while j > i and rune_of(s[j - 1]) in cut:
        j -= 1
    return s[i:j]


def _explode(s: str, n: int) -> list[str]:
    """strings' explode: one string per UTF-8 sequence (invalid bytes alone)."""
    if n < 0 or n > len(s):
        n = len(s)
    out = list(s[: n - 1]) if n > 0 else []
    if n > 0:
        out.append(s[n - 1 :])
    return out


def go_split_n(s: str, sep: str, n: int) -> list[str] | None:
    """strings.SplitN (None for n == 0: Go's nil slice)."""
    if n == 0:
        return None
    if sep == "":
        return _explode(s, n)
    b, bs = go_bytes(s), go_bytes(sep)
    parts = b.split(bs) if n < 0 else b.split(bs, n - 1)
    return [from_go_bytes(p) for p in parts]


def go_replace_all(s: str, old: str, new: str) -> str:
    """strings.Replace(s, old, new, -1)."""
    b, bo, bn = go_bytes(s), go_bytes(old), go_bytes(new)
    if bo == b"":
        chunks = [bn]
        for ch in s:
            chunks.append(go_bytes(ch))
            chunks.append(bn)
        return from_go_bytes(b"".join(chunks))
    return from_go_bytes(b.replace(bo, bn))


def go_atoi(s: str) -> int:
    """strconv.Atoi's value, error or not (sprig drops the error): 0 on bad
    syntax, the clamped value when out of range."""
    try:
        return parse_int(s, 10, 64)
    except NumError as e:
        if e.err == ErrRange:
            return MIN_INT if s.startswith("-") else MAX_INT
        return 0


# --- goutils -----------------------------------------------------------------------------------


def abbreviate_full(s: bytes, offset: int, max_width: int) -> bytes | None:
    """goutils.AbbreviateFull on bytes; None for its errors."""
    if s == b"":
        return b""
    if max_width < 4:
        return None
    n = len(s)
    if n <= max_width:
        return s
    offset = min(offset, n)
    if wrap_int64(n - offset) < max_width - 3:  # Go's int arithmetic wraps
        offset = n - (max_width - 3)
    if offset <= 4:
        return s[: max_width - 3] + b"..."
    if max_width < 7:
        return None
    if wrap_int64(offset + max_width - 3) < n:
        rest = abbreviate_full(s[offset:], 0, max_width - 3)
        return b"..." + (rest if rest is not None else b"")
    return b"..." + s[n - (max_width - 3) :]


def wrap_custom(s: str, wrap_length: int, newline: str, wrap_long_words: bool) -> str:
    """goutils.WrapCustom (byte-based)."""
    if s == "":
        return ""
    nl = go_bytes(newline) if newline != "" else b"\n"
    wrap_length = max(wrap_length, 1)
    b = go_bytes(s)
    n = len(b)
    offset = 0
    out = bytearray()
    while n - offset > wrap_length:
        if b[offset] == 0x20:
            offset += 1
            continue
        end = wrap_length + offset + 1
        space = b[offset:end].rfind(b" ") + offset
        if space >= offset:
            out += b[offset:space] + nl
            offset = space + 1
        elif wrap_long_words:
            end = wrap_length + offset
            out += b[offset:end] + nl
            offset += wrap_length
        else:
            end = wrap_length + offset
            index = b[end:].find(b" ")
            if index == -1:
                out += b[offset:]
                offset = n
            else:
                space = index + end
                out += b[offset:space] + nl
                offset = space + 1
    out += b[offset:]
    return from_go_bytes(bytes(out))


def initials_of(s: str) -> str:
    """goutils.Initials: the first byte of each whitespace-separated word, each
    byte taken as a rune (so a UTF-8 lead byte comes out as Latin-1)."""
    out = []
    gap = True
    for byte in go_bytes(s):
        if is_space(byte):
            gap = True
        elif gap:
            out.append(chr(byte))
            gap = False
    return "".join(out)


def delete_white_space(s: str) -> str:
    """goutils.DeleteWhiteSpace: byte-wise, bytes taken as runes (Latin-1)."""
    b = go_bytes(s)
    kept = [byte for byte in b if not is_space(byte)]
    if len(kept) == len(b):
        return s
    return "".join(map(chr, kept))


def uncapitalize(s: str) -> str:
    """goutils.Uncapitalize with whitespace delimiters."""
    if s == "":
        return s
    runes = _runes(s)
    nxt = True
    for i, r in enumerate(runes):
        if is_space(r):
            nxt = True
        elif nxt:
            runes[i] = to_lower(r)
            nxt = False
    return _string(runes)


def swap_case(s: str) -> str:
    """goutils.SwapCase (title case after whitespace)."""
    if s == "":
        return s
    runes = _runes(s)
    whitespace = True
    for i, r in enumerate(runes):
        if is_upper(r) or is_title(r):
            runes[i] = to_lower(r)
            whitespace = False
        elif is_lower(r):
            runes[i] = to_title(r) if whitespace else to_upper(r)
            whitespace = False
        else:
            whitespace = is_space(r)
    return _string(runes)


_ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"
_ASCII = "".join(chr(c) for c in range(32, 127))


def crypto_random(count: int, alphabet: str) -> str:
    """goutils.CryptoRandom* with a fixed alphabet ("" for a negative count)."""
    if count <= 0:
        return ""
    _check_alloc(count * 4)  # make([]rune, count)
    return "".join(secrets.choice(alphabet) for _ in range(count))


# --- xstrings ----------------------------------------------------------------------------------

_INVALID, _NUMBER, _UPPER, _ALPHABET, _CONNECTOR, _PUNCT, _OTHER = range(7)


def _is_connector(r: int) -> bool:
    return r == 0x2D or r == 0x5F or is_space(r)


def _is_alphabet(r: int) -> bool:
    """xstrings' isAlphabet: a letter but not a CJK ideograph."""
    if not is_letter(r):
        return False
    if r < 0x3400:
        return True
    if 0x4E00 <= r <= 0x9FCC or 0x3400 <= r <= 0x4D85 or 0x20000 <= r <= 0x2B81D:
        return False
    return True


def _next_valid_rune(runes: list[int], pos: int, prev: int) -> tuple[int, int]:
    """xstrings' nextValidRune at runes[pos:]: skip RuneErrors; (rune, runes consumed)."""
    size = 0
    for i in range(pos, len(runes)):
        size += 1
        if runes[i] != 0xFFFD:
            return runes[i], size
    return prev, size


def _next_word(runes: list[int], start: int) -> tuple[int, int]:
    """xstrings' nextWord at runes[start:]: (word type, end of the word); the
    remaining string starts at the end."""
    n = len(runes)
    if start >= n:
        return _INVALID, n
    r, size = _next_valid_rune(runes, start, 0xFFFD)
    pos = start + size
    if r == 0xFFFD:
        return _INVALID, pos

    def run(r: int, keep: Callable[[int], bool]) -> int:
        nonlocal pos
        while pos < n:
            r, size = _next_valid_rune(runes, pos, r)
            if not keep(r):
                break
            pos += size
        return pos

    if _is_connector(r):
        return _CONNECTOR, run(r, _is_connector)
    if is_punct(r):
        return _PUNCT, run(r, is_punct)
    if is_upper(r):
        if pos < n:
            r, size = _next_valid_rune(runes, pos, r)
            if is_upper(r):
                prev_size = size
                pos += size
                while pos < n:
                    r, size = _next_valid_rune(runes, pos, r)
                    if not is_upper(r):
                        break
                    prev_size = size
                    pos += size
                if pos < n and _is_alphabet(r):
                    pos -= prev_size  # "HTTPStatus": the S starts the next word
            elif _is_alphabet(r):
                pos += size
                run(r, _lower_alphabet)
        return _UPPER, pos
    if _is_alphabet(r):
        return _ALPHABET, run(r, _lower_alphabet)
    if is_number(r):
        return _NUMBER, run(r, is_number)
    return _OTHER, run(r, _other)


def _lower_alphabet(r: int) -> bool:
    return _is_alphabet(r) and not is_upper(r)


def _other(r: int) -> bool:
    return not (_is_connector(r) or _is_alphabet(r) or is_number(r) or is_punct(r))


def _to_lower(buf: list[str], wt: int, word: str, connector: str) -> None:
    """xstrings' toLower: upper-case and connector words are lowered rune by rune."""
    if wt != _UPPER and wt != _CONNECTOR:
        buf.append(word)
        return
    for ch in word:
        r = rune_of(ch)
        if _is_connector(r):
            buf.append(connector)
        elif is_upper(r):
            buf.append(chr(to_lower(r)))
        else:
            buf.append(chr(r))


def camel_to_lower(s: str, connector: str) -> str:
    """xstrings' camelCaseToLowerCase (ToSnakeCase, ToKebabCase)."""
    if s == "":
        return ""
    runes = _runes(s)
    n = len(runes)
    buf: list[str] = []
    start = 0
    wt, end = _next_word(runes, start)

    def advance() -> None:
        nonlocal wt, start, end
        start = end
        wt, end = _next_word(runes, start)

    while end < n:
        if wt != _CONNECTOR:
            _to_lower(buf, wt, s[start:end], connector)
        prev, last = wt, s[start:end]
        advance()
        if prev == _NUMBER:
            while wt == _ALPHABET or wt == _NUMBER:
                _to_lower(buf, wt, s[start:end], connector)
                advance()
            if wt not in (_INVALID, _PUNCT, _CONNECTOR):
                buf.append(connector)
        elif prev == _CONNECTOR:
            _to_lower(buf, prev, last, connector)
        elif prev == _PUNCT:
            pass
        else:
            if wt != _NUMBER:
                if wt != _CONNECTOR and wt != _PUNCT:
                    buf.append(connector)
                continue
            if end >= n:
                continue
            last = s[start:end]
            advance()
            if wt != _ALPHABET:
                _to_lower(buf, _NUMBER, last, connector)
                if wt != _CONNECTOR and wt != _PUNCT:
                    buf.append(connector)
                continue
            buf.append(connector)
            _to_lower(buf, _NUMBER, last, connector)
            while wt == _ALPHABET or wt == _NUMBER:
                _to_lower(buf, wt, s[start:end], connector)
                advance()
            if wt not in (_INVALID, _CONNECTOR, _PUNCT):
                buf.append(connector)
    _to_lower(buf, wt, s[start:end], connector)
    return from_go_bytes(go_bytes("".join(buf)))


def to_camel_case(s: str) -> str:
    """xstrings.ToCamelCase."""
    if s == "":
        return ""
    buf: list[int] = []
    runes = _runes(s)
    i = 0
    r0 = 0
    size = 0
    while i < len(runes):
        r0 = runes[i]
        size = 1
        i += 1
        if not _is_connector(r0):
            r0 = to_upper(r0)
            break
        buf.append(r0)
    if i >= len(runes):
        if size != 0:
            buf.append(r0)
        return _string(buf)
    while i < len(runes):
        r1 = r0
        r0 = runes[i]
        i += 1
        if _is_connector(r0) and _is_connector(r1):
            buf.append(r1)
            continue
        if _is_connector(r1):
            r0 = to_upper(r0)
        else:
            r0 = to_lower(r0)
            buf.append(r1)
    buf.append(r0)
    return _string(buf)


def shuffle(s: str) -> str:
    """xstrings.Shuffle: the runes in random order."""
    if s == "":
        return s
    runes = _runes(s)
    random.shuffle(runes)
    return _string(runes)


# --- the functions -------------------------------------------------------------------------------


@sprig_func("hello", "func() string")
def hello() -> str:
    return "Hello!"


@sprig_func("abbrev", "func(int, string) string")
def abbrev(width: int, s: str) -> str:
    if width < 4:
        return s
    r = abbreviate_full(go_bytes(s), 0, width)
    return from_go_bytes(r) if r is not None else ""


@sprig_func("abbrevboth", "func(int, int, string) string")
def abbrevboth(left: int, right: int, s: str) -> str:
    if right < 4 or left > 0 and right < 7:
        return s
    r = abbreviate_full(go_bytes(s), left, right)
    return from_go_bytes(r) if r is not None else ""


@sprig_func("trunc", "func(int, string) string")
def trunc(c: int, s: str) -> str:
    b = go_bytes(s)
    if c < 0 and len(b) + c > 0:
        return from_go_bytes(b[len(b) + c :])
    if c >= 0 and len(b) > c:
        return from_go_bytes(b[:c])
    return s


@sprig_func("trim", "func(string) string")
def trim(s: str) -> str:
    return go_trim_space(s)


@sprig_func("upper", "func(string) string")
def upper(s: str) -> str:
    return go_to_upper(s)


@sprig_func("lower", "func(string) string")
def lower(s: str) -> str:
    return go_to_lower(s)


@sprig_func("title", "func(string) string")
def title(s: str) -> str:
    return go_title(s)


@sprig_func("untitle", "func(string) string")
def untitle(s: str) -> str:
    return uncapitalize(s)


@sprig_func("substr", "func(int, int, string) string")
def substr(start: int, end: int, s: str) -> str:
    if start < 0:
        return _slice(s, None, end)
    if end < 0 or end > len(go_bytes(s)):
        return _slice(s, start, None)
    return _slice(s, start, end)


@sprig_func("repeat", "func(int, string) string")
def repeat(count: int, s: str) -> str:
    return go_repeat(s, count)


@sprig_func("trimall", "func(string, string) string")
def trimall(a: str, b: str) -> str:
    return go_trim(b, a)


@sprig_func("trimAll", "func(string, string) string")
def trim_all(a: str, b: str) -> str:
    return go_trim(b, a)


@sprig_func("trimSuffix", "func(string, string) string")
def trim_suffix(a: str, b: str) -> str:
    bb, ba = go_bytes(b), go_bytes(a)
    return from_go_bytes(bb[: len(bb) - len(ba)]) if ba and bb.endswith(ba) else b


@sprig_func("trimPrefix", "func(string, string) string")
def trim_prefix(a: str, b: str) -> str:
    bb, ba = go_bytes(b), go_bytes(a)
    return from_go_bytes(bb[len(ba) :]) if ba and bb.startswith(ba) else b


@sprig_func("nospace", "func(string) string")
def nospace(s: str) -> str:
    return delete_white_space(s)


@sprig_func("initials", "func(string) string")
def initials(s: str) -> str:
    return initials_of(s)


@sprig_func("randAlphaNum", "func(int) string")
def rand_alpha_num(count: int) -> str:
    return crypto_random(count, _ALPHA + _DIGITS)


@sprig_func("randAlpha", "func(int) string")
def rand_alpha(count: int) -> str:
    return crypto_random(count, _ALPHA)


@sprig_func("randAscii", "func(int) string")
def rand_ascii(count: int) -> str:
    return crypto_random(count, _ASCII)


@sprig_func("randNumeric", "func(int) string")
def rand_numeric(count: int) -> str:
    return crypto_random(count, _DIGITS)


@sprig_func("swapcase", "func(string) string")
def swapcase(s: str) -> str:
    return swap_case(s)


@sprig_func("shuffle", "func(string) string")
def shuffle_fn(s: str) -> str:
    return shuffle(s)


@sprig_func("snakecase", "func(string) string")
def snakecase(s: str) -> str:
    return camel_to_lower(s, "_")


@sprig_func("camelcase", "func(string) string")
def camelcase(s: str) -> str:
    return to_camel_case(s)


@sprig_func("kebabcase", "func(string) string")
def kebabcase(s: str) -> str:
    return camel_to_lower(s, "-")


@sprig_func("wrap", "func(int, string) string")
def wrap(length: int, s: str) -> str:
    return wrap_custom(s, length, "", False)


@sprig_func("wrapWith", "func(int, string, string) string")
def wrap_with(length: int, sep: str, s: str) -> str:
    return wrap_custom(s, length, sep, True)


@sprig_func("contains", "func(string, string) bool")
def contains(substr: str, s: str) -> bool:
    return go_bytes(substr) in go_bytes(s)


@sprig_func("hasPrefix", "func(string, string) bool")
def has_prefix(prefix: str, s: str) -> bool:
    return go_bytes(s).startswith(go_bytes(prefix))


@sprig_func("hasSuffix", "func(string, string) bool")
def has_suffix(suffix: str, s: str) -> bool:
    return go_bytes(s).endswith(go_bytes(suffix))


@sprig_func("quote", "func(...interface {}) string")
def quote(*args: Any) -> str:
    return " ".join(sprintf("%q", strval(a)) for a in args if not is_nil_interface(a))


@sprig_func("squote", "func(...interface {}) string")
def squote(*args: Any) -> str:
    return " ".join(sprintf("'%v'", a) for a in args if not is_nil_interface(a))


@sprig_func("cat", "func(...interface {}) string")
def cat(*args: Any) -> str:
    kept = [a for a in args if not is_nil_interface(a)]
    return sprintf(" ".join(["%v"] * len(kept)), *kept)


@sprig_func("indent", "func(int, string) string")
def indent(spaces: int, s: str) -> str:
    pad = go_repeat(" ", spaces)
    return pad + s.replace("\n", "\n" + pad)


@sprig_func("nindent", "func(int, string) string")
def nindent(spaces: int, s: str) -> str:
    return "\n" + indent(spaces, s)


@sprig_func("replace", "func(string, string, string) string")
def replace(old: str, new: str, src: str) -> str:
    return go_replace_all(src, old, new)


@sprig_func("plural", "func(string, string, int) string")
def plural(one: str, many: str, count: int) -> str:
    return one if count == 1 else many


@sprig_func("toString", "func(interface {}) string")
def to_string(v: Any) -> str:
    return strval(v)


@sprig_func("atoi", "func(string) int")
def atoi(s: str) -> int:
    return go_atoi(s)


@sprig_func("int64", "func(interface {}) int64")
def int64_fn(v: Any) -> int:
    return to_int64(v)


@sprig_func("int", "func(interface {}) int")
def int_fn(v: Any) -> int:
    return to_int(v)


@sprig_func("float64", "func(interface {}) float64")
def float64_fn(v: Any) -> float:
    return to_float64(v)


@sprig_func("toDecimal", "func(interface {}) int64")
def to_decimal(v: Any) -> int:
    try:
        return parse_int(sprint(v), 8, 64)
    except NumError:
        return 0


@sprig_func("split", "func(string, string) map[string]string")
def split(sep: str, orig: str) -> dict[str, str]:
    parts = go_split_n(orig, sep, -1) or []
    return {f"_{i}": p for i, p in enumerate(parts)}


@sprig_func("splitList", "func(string, string) []string")
def split_list(sep: str, orig: str) -> list[str] | None:
    return go_split_n(orig, sep, -1)


@sprig_func("splitn", "func(string, int, string) map[string]string")
def splitn(sep: str, n: int, orig: str) -> dict[str, str]:
    parts = go_split_n(orig, sep, n) or []
    return {f"_{i}": p for i, p in enumerate(parts)}


@sprig_func("toStrings", "func(interface {}) []string")
def to_strings(v: Any) -> list[str] | None:
    return to_string_slice(v)


@sprig_func("join", "func(string, interface {}) string")
def join(sep: str, v: Any) -> str:
    return from_go_bytes(go_bytes(sep.join(to_string_slice(v) or [])))  # pieces may join into UTF-8


@sprig_func("sortAlpha", "func(interface {}) []string")
def sort_alpha(v: Any) -> list[str] | None:
    target = v
    if type(target) is V.Ptr:
        if target.target is None:
            return [strval(v)]
        target = V.coerce(target.type.elem, target.target)
    t = V.type_of(target)
    if t is None or t.kind not in (V.Kind.SLICE, V.Kind.ARRAY):
        return [strval(v)]
    items = to_string_slice(v)
    if items is None:
        return None
    items.sort(key=go_bytes)
    if type(v) is V.Slice and v.items is not None and v.type is _STRING_SLICE:
        v.items[:] = items  # sort.Strings sorts the caller's []string in place
    return items


@sprig_func("fail", "func(string) (string, error)")
def fail(msg: str) -> str:
    raise V.GoError(msg)
