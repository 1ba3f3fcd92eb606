"""Sprig's base64/base32 functions (sprig's strings.go: ``b64enc``, ``b64dec``,
``b32enc``, ``b32dec``) over Go's ``encoding/base64`` and ``encoding/base32``
StdEncoding.

Decoding follows Go's decoders byte for byte: ``\\r`` and ``\\n`` are skipped,
padding is required, and a bad input is reported at Go's offset
(``illegal base64 data at input byte 4``); sprig returns that error text as the
result. Strings are Go byte strings (gotmpl.strconv's surrogate escapes).
"""

from __future__ import annotations

import base64

from ..strconv import from_go_bytes, go_bytes
from . import sprig_func

__all__ = ["b64_decode", "b32_decode", "CorruptInputError"]

_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B32_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B64_MAP = {c: i for i, c in enumerate(_B64_ALPHABET)}
_B32_MAP = {c: i for i, c in enumerate(_B32_ALPHABET)}
_PAD = ord("=")
_NEWLINES = (ord("\n"), ord("\r"))


class CorruptInputError(ValueError):
    """Go's base64/base32 ``CorruptInputError``: the offset of the bad byte."""

    def __init__(self, kind: str, offset: int) -> None:
        super().__init__(f"illegal {kind} data at input byte {offset}")
        self.offset = offset


def _b64_quantum(src: bytes, si: int, out: bytearray) -> tuple[int, bool]:
    """Go's decodeQuantum: decode one 4-byte group from ``si``; returns the
    next index and whether the input ended (padding or end of data)."""
    dbuf = [0, 0, 0, 0]
    dlen = 4
    j = 0
    while j < 4:
        if len(src) == si:
            if j == 0:
                return si, True
            raise CorruptInputError("base64", si - j)
        c = src[si]
        si += 1
        v = _B64_MAP.get(c)
        if v is not None:
            dbuf[j] = v
            j += 1
            continue
        if c in _NEWLINES:
            continue
        if c != _PAD:
            raise CorruptInputError("base64", si - 1)
        # Padding: the end of the data.
        if j < 2:
            raise CorruptInputError("base64", si - 1)
        if j == 2:
            while si < len(src) and src[si] in _NEWLINES:
                si += 1
            if si == len(src):
                raise CorruptInputError("base64", len(src))
            if src[si] != _PAD:
                raise CorruptInputError("base64", si - 1)
            si += 1
        while si < len(src) and src[si] in _NEWLINES:
            si += 1
        trailing = si < len(src)
        dlen = j
        _b64_emit(dbuf, dlen, out)
        if trailing:
            raise CorruptInputError("base64", si)
        return si, True
    _b64_emit(dbuf, dlen, out)
    return si, False


def _b64_emit(dbuf: list[int], dlen: int, out: bytearray) -> None:
    val = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3]
    out.extend(val.to_bytes(3, "big")[: dlen - 1])


def b64_decode(data: bytes) -> bytes:
    """Go's ``base64.StdEncoding.DecodeString`` (raises CorruptInputError)."""
    out = bytearray()
    si = 0
    while si < len(data):
        si, end = _b64_quantum(data, si, out)
        if end:
            break
    return bytes(out)


def b32_decode(data: bytes) -> bytes:
    """Go's ``base32.StdEncoding.DecodeString`` (raises CorruptInputError)."""
    src = bytes(c for c in data if c not in _NEWLINES)
    olen = len(src)
    out = bytearray()
    pos = 0
    end = False
    while pos < olen and not end:
        dbuf = [0] * 8
        dlen = 8
        j = 0
        while j < 8:
            if pos == olen:
                raise CorruptInputError("base32", olen - (olen - pos) - j)
            c = src[pos]
            pos += 1
            rest = olen - pos
            if c == _PAD and j >= 2 and rest < 8:
                if rest + j < 7:
                    raise CorruptInputError("base32", olen)
                for k in range(7 - j):
                    if rest > k and src[pos + k] != _PAD:
                        raise CorruptInputError("base32", olen - rest + k - 1)
                dlen, end = j, True
                if dlen in (1, 3, 6):
                    raise CorruptInputError("base32", olen - rest - 1)
                break
            v = _B32_MAP.get(c)
            if v is None:
                raise CorruptInputError("base32", olen - rest - 1)
            dbuf[j] = v
            j += 1
        _b32_emit(dbuf, dlen, out)
    return bytes(out)


_B32_BYTES = {8: 5, 7: 4, 5: 3, 4: 2, 2: 1}


def _b32_emit(dbuf: list[int], dlen: int, out: bytearray) -> None:
    val = 0
    for d in dbuf:
        val = val << 5 | d
    out.extend(val.to_bytes(5, "big")[: _B32_BYTES.get(dlen, 0)])


@sprig_func("b64enc", "func(string) string")
def b64enc(v: str) -> str:
    return base64.b64encode(go_bytes(v)).decode("ascii")


@sprig_func("b64dec", "func(string) string")
def b64dec(v: str) -> str:
    try:
        return from_go_bytes(b64_decode(go_bytes(v)))
    except CorruptInputError as e:
        return str(e)


@sprig_func("b32enc", "func(string) string")
def b32enc(v: str) -> str:
    return base64.b32encode(go_bytes(v)).decode("ascii")


@sprig_func("b32dec", "func(string) string")
def b32dec(v: str) -> str:
    try:
        return from_go_bytes(b32_decode(go_bytes(v)))
    except CorruptInputError as e:
        return str(e)
