"""Sprig's checksums (sprig's crypto.go: ``sha1sum``, ``sha256sum``,
``adler32sum``). Sprig v3.2.3 has no ``sha512sum``. Hex digests are lower
case; ``adler32sum`` prints the checksum in decimal (``fmt.Sprintf("%d")``).
"""

from __future__ import annotations

import hashlib
import zlib

from ..strconv import go_bytes
from . import sprig_func

__all__: list[str] = []


@sprig_func("sha1sum", "func(string) string")
def sha1sum(s: str) -> str:
    return hashlib.sha1(go_bytes(s)).hexdigest()


@sprig_func("sha256sum", "func(string) string")
def sha256sum(s: str) -> str:
    return hashlib.sha256(go_bytes(s)).hexdigest()


@sprig_func("adler32sum", "func(string) string")
def adler32sum(s: str) -> str:
    return str(zlib.adler32(go_bytes(s)))
