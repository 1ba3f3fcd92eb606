"""Sprig's network and URL functions: ``getHostByName`` (sprig's network.go)
and ``urlParse``/``urlJoin`` (sprig's url.go).

``urlParse`` and ``urlJoin`` follow Go's net/url as of Go 1.27 (url.go):
``Parse`` with its checks and error texts (``parse "x": first path segment in
URL cannot contain colon``, ``invalid port ":x" after host``...), percent
decoding per URL part, the escaping ``URL.String`` does, ``Hostname`` and
``Userinfo.String``. Bracketed hosts are checked with net/netip's
``ParseAddr`` (also here, with its error texts; gotmpl.sprig.crypto uses it
for ``net.ParseIP``). Sprig panics where url.Parse fails; the panic text is
the function's error.

``getHostByName`` resolves with the system resolver (Go's ``net.LookupHost``
through getaddrinfo) and picks one address at random; no address (a failed
lookup) makes Go's ``rand.Intn(0)`` panic: ``invalid argument to Intn``.
"""

from __future__ import annotations

import dataclasses
import random
import socket
from typing import Any

from .. import values as V
from ..strconv import from_go_bytes, go_bytes, quote
from . import sprig_func

__all__ = ["parse_addr", "parse_ip", "AddrError", "url_parse", "URLError", "GoURL"]


# --- net/netip.ParseAddr ----------------------------------------------------------------------


class AddrError(ValueError):
    """netip's parseAddrError."""

    def __init__(self, text: bytes, msg: str, at: bytes = b"") -> None:
        s = f"ParseAddr({quote(from_go_bytes(text))}): {msg}"
        if at:
            s += f" (at {quote(from_go_bytes(at))})"
        super().__init__(s)


def _ipv4_fields(text: bytes, s: bytes) -> bytes:
    fields = []
    val = digits = 0
    for i, c in enumerate(s):
        if 0x30 <= c <= 0x39:
            if digits == 1 and val == 0:
                raise AddrError(text, "IPv4 field has octet with leading zero")
            val = val * 10 + c - 0x30
            digits += 1
            if val > 255:
                raise AddrError(text, "IPv4 field has value >255")
        elif c == 0x2E:
            if i == 0 or i == len(s) - 1 or s[i - 1] == 0x2E:
                raise AddrError(text, "IPv4 field must have at least one digit", s[i:])
            if len(fields) == 3:
                raise AddrError(text, "IPv4 address too long")
            fields.append(val)
            val = digits = 0
        else:
            raise AddrError(text, "unexpected character", s[i:])
    if len(fields) < 3:
        raise AddrError(text, "IPv4 address too short")
    fields.append(val)
    return bytes(fields)


def _hex_value(c: int) -> int:
    if 0x30 <= c <= 0x39:
        return c - 0x30
    if 0x61 <= c <= 0x66:
        return c - 0x61 + 10
    if 0x41 <= c <= 0x46:
        return c - 0x41 + 10
    return -1


def _ipv6(text: bytes) -> tuple[bytes, bytes]:
    s = text
    zone = b""
    pct = s.find(b"%")
    if pct >= 0:
        s, zone = s[:pct], s[pct + 1 :]
        if not zone:
            raise AddrError(text, "zone must be a non-empty string")
    ip = bytearray(16)
    ellipsis = -1
    if s[:2] == b"::":
        ellipsis = 0
        s = s[2:]
        if not s:
            return bytes(ip), zone
    i = 0
    while i < 16:
        off = 0
        acc = 0
        while off < len(s):
            h = _hex_value(s[off])
            if h < 0:
                break
            acc = (acc << 4) + h
            if off > 3:
                raise AddrError(text, "each group must have 4 or less digits", s)
            if acc > 0xFFFF:
                raise AddrError(text, "IPv6 field has value >=2^16", s)
            off += 1
        if off == 0:
            raise AddrError(text, "each colon-separated field must have at least one digit", s)
        if off < len(s) and s[off] == 0x2E:
            if ellipsis < 0 and i != 12:
                raise AddrError(text, "embedded IPv4 address must replace the final 2 fields of the address", s)
            if i + 4 > 16:
                raise AddrError(text, "too many hex fields to fit an embedded IPv4 at the end of the address", s)
            end = len(text) - (len(zone) + 1 if zone else 0)
            ip[i : i + 4] = _ipv4_fields(text, text[end - len(s) : end])
            s = b""
            i += 4
            break
        ip[i] = acc >> 8
        ip[i + 1] = acc & 0xFF
        i += 2
        s = s[off:]
        if not s:
            break
        if s[0] != 0x3A:
            raise AddrError(text, "unexpected character, want colon", s)
        if len(s) == 1:
            raise AddrError(text, "colon must be followed by more characters", s)
        s = s[1:]
        if s[0] == 0x3A:
            if ellipsis >= 0:
                raise AddrError(text, "multiple :: in address", s)
            ellipsis = i
            s = s[1:]
            if not s:
                break
    if s:
        raise AddrError(text, "trailing garbage after address", s)
    if i < 16:
        if ellipsis < 0:
            raise AddrError(text, "address string too short")
        n = 16 - i
        ip[ellipsis + n : 16] = ip[ellipsis:i]
        ip[ellipsis : ellipsis + n] = bytes(n)
    elif ellipsis >= 0:
        raise AddrError(text, "the :: must expand to at least one field of zeros")
    return bytes(ip), zone


def parse_addr(text: bytes) -> tuple[bytes, bytes]:
    """Go's netip.ParseAddr: (4 or 16 address bytes, zone); raises AddrError."""
    for c in text:
        if c == 0x2E:
            return _ipv4_fields(text, text), b""
        if c == 0x3A:
            return _ipv6(text)
        if c == 0x25:
            raise AddrError(text, "missing IPv6 address")
    raise AddrError(text, "unable to parse IP")


def parse_ip(text: str) -> bytes | None:
    """Go's net.ParseIP: 16 bytes (IPv4 as IPv4-mapped), or None."""
    try:
        addr, zone = parse_addr(go_bytes(text))
    except AddrError:
        return None
    if zone:
        return None
    return addr if len(addr) == 16 else b"\x00" * 10 + b"\xff\xff" + addr


# --- net/url ----------------------------------------------------------------------------------

ENCODE_PATH, ENCODE_PATH_SEGMENT, ENCODE_HOST, ENCODE_ZONE, ENCODE_USER_PASSWORD, ENCODE_QUERY_COMPONENT, ENCODE_FRAGMENT = range(7)


def _should_escape(c: int, mode: int) -> bool:
    """Go's shouldEscape (gen_encoding_table.go)."""
    if 0x61 <= c <= 0x7A or 0x41 <= c <= 0x5A or 0x30 <= c <= 0x39:
        return False
    ch = chr(c)
    if mode in (ENCODE_HOST, ENCODE_ZONE) and ch in "!$&'()*+,;=:[]<>\"":
        return False
    if ch in "-_.~":
        return False
    if ch in "$&+,/:;=?@":
        if mode == ENCODE_PATH:
            return ch == "?"
        if mode == ENCODE_PATH_SEGMENT:
            return ch in "/;,?"
        if mode == ENCODE_USER_PASSWORD:
            return ch in "@/?:"
        if mode == ENCODE_QUERY_COMPONENT:
            return True
        if mode == ENCODE_FRAGMENT:
            return False
    if mode == ENCODE_FRAGMENT and ch in "!()*":
        return False
    return True


def _is_hex(c: int) -> bool:
    return _hex_value(c) >= 0


class URLError(ValueError):
    """An error of net/url (its text is Go's)."""


def _unescape(s: bytes, mode: int) -> bytes:
    """Go's unescape (raises URLError)."""
    n = 0
    has_plus = False
    i = 0
    while i < len(s):
        c = s[i]
        if c == 0x25:
            n += 1
            if i + 2 >= len(s) or not _is_hex(s[i + 1]) or not _is_hex(s[i + 2]):
                bad = s[i : i + 3]
                raise URLError("invalid URL escape " + quote(from_go_bytes(bad)))
            if mode == ENCODE_HOST and _hex_value(s[i + 1]) < 8 and s[i : i + 3] != b"%25":
                raise URLError("invalid URL escape " + quote(from_go_bytes(s[i : i + 3])))
            if mode == ENCODE_ZONE:
                v = _hex_value(s[i + 1]) << 4 | _hex_value(s[i + 2])
                if s[i : i + 3] != b"%25" and v != 0x20 and _should_escape(v, ENCODE_HOST):
                    raise URLError("invalid URL escape " + quote(from_go_bytes(s[i : i + 3])))
            i += 3
        elif c == 0x2B:
            has_plus = mode == ENCODE_QUERY_COMPONENT
            i += 1
        else:
            if mode in (ENCODE_HOST, ENCODE_ZONE) and c < 0x80 and _should_escape(c, mode):
                raise URLError("invalid character " + quote(chr(c)) + " in host name")
            i += 1
    if n == 0 and not has_plus:
        return s
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c == 0x25:
            out.append(_hex_value(s[i + 1]) << 4 | _hex_value(s[i + 2]))
            i += 3
            continue
        out.append(0x20 if c == 0x2B and mode == ENCODE_QUERY_COMPONENT else c)
        i += 1
    return bytes(out)


def _escape(s: bytes, mode: int) -> bytes:
    """Go's escape."""
    out = bytearray()
    for c in s:
        if c == 0x20 and mode == ENCODE_QUERY_COMPONENT:
            out.append(0x2B)
        elif _should_escape(c, mode):
            out += b"%%%02X" % c
        else:
            out.append(c)
    return bytes(out)


@dataclasses.dataclass
class Userinfo:
    username: bytes
    password: bytes = b""
    password_set: bool = False

    def string(self) -> bytes:
        s = _escape(self.username, ENCODE_USER_PASSWORD)
        if self.password_set:
            s += b":" + _escape(self.password, ENCODE_USER_PASSWORD)
        return s


@dataclasses.dataclass
class GoURL:
    """Go's url.URL (the fields sprig reads and writes)."""

    scheme: bytes = b""
    opaque: bytes = b""
    user: Userinfo | None = None
    host: bytes = b""
    path: bytes = b""
    raw_path: bytes = b""
    omit_host: bool = False
    force_query: bool = False
    raw_query: bytes = b""
    fragment: bytes = b""
    raw_fragment: bytes = b""

    def set_path(self, p: bytes) -> None:
        path = _unescape(p, ENCODE_PATH)
        self.path = path
        self.raw_path = b"" if _escape(path, ENCODE_PATH) == p else p

    def set_fragment(self, f: bytes) -> None:
        frag = _unescape(f, ENCODE_FRAGMENT)
        self.fragment = frag
        self.raw_fragment = b"" if _escape(frag, ENCODE_FRAGMENT) == f else f

    def escaped_path(self) -> bytes:
        if self.raw_path and _valid_encoded(self.raw_path, ENCODE_PATH):
            try:
                if _unescape(self.raw_path, ENCODE_PATH) == self.path:
                    return self.raw_path
            except URLError:
                pass
        if self.path == b"*":
            return b"*"
        return _escape(self.path, ENCODE_PATH)

    def escaped_fragment(self) -> bytes:
        if self.raw_fragment and _valid_encoded(self.raw_fragment, ENCODE_FRAGMENT):
            try:
                if _unescape(self.raw_fragment, ENCODE_FRAGMENT) == self.fragment:
                    return self.raw_fragment
            except URLError:
                pass
        return _escape(self.fragment, ENCODE_FRAGMENT)

    def hostname(self) -> bytes:
        host = self.host
        colon = host.rfind(b":")
        if colon != -1 and _valid_optional_port(host[colon:]):
            host = host[:colon]
        if host.startswith(b"[") and host.endswith(b"]"):
            host = host[1:-1]
        return host

    def string(self) -> bytes:
        """Go's URL.String."""
        out = bytearray()
        if self.scheme:
            out += self.scheme + b":"
        if self.opaque:
            out += self.opaque
        else:
            if self.scheme or self.host or self.user is not None:
                if not (self.omit_host and not self.host and self.user is None):
                    if self.host or self.path or self.user is not None:
                        out += b"//"
                    if self.user is not None:
                        out += self.user.string() + b"@"
                    if self.host:
                        out += _escape(self.host, ENCODE_HOST)
            path = self.escaped_path()
            if self.omit_host and not self.host and self.user is None and path.startswith(b"//"):
                out += b"%2F"
                path = path[1:]
            if path and path[:1] != b"/" and self.host:
                out += b"/"
            if not out and b":" in path.split(b"/", 1)[0]:
                out += b"./"
            out += path
        if self.force_query or self.raw_query:
            out += b"?" + self.raw_query
        if self.fragment:
            out += b"#" + self.escaped_fragment()
        return bytes(out)


def _valid_encoded(s: bytes, mode: int) -> bool:
    for c in s:
        if chr(c) in "!$&'()*+,;=:@[]%":
            continue
        if _should_escape(c, mode):
            return False
    return True


def _valid_optional_port(port: bytes) -> bool:
    if not port:
        return True
    if port[:1] != b":":
        return False
    return all(0x30 <= c <= 0x39 for c in port[1:])


def _get_scheme(raw: bytes) -> tuple[bytes, bytes]:
    for i, c in enumerate(raw):
        if 0x61 <= c <= 0x7A or 0x41 <= c <= 0x5A:
            continue
        if 0x30 <= c <= 0x39 or c in (0x2B, 0x2D, 0x2E):
            if i == 0:
                return b"", raw
            continue
        if c == 0x3A:
            if i == 0:
                raise URLError("missing protocol scheme")
            return raw[:i], raw[i + 1 :]
        return b"", raw
    return b"", raw


_USERINFO_OK = frozenset(b"-._:~!$&'()*+,;=%@")


def _valid_userinfo(s: bytes) -> bool:
    text = from_go_bytes(s)
    for r in text:
        if r.isascii() and (r.isalnum() or ord(r) in _USERINFO_OK):
            continue
        return False
    return True


def _parse_host(scheme: bytes, host: bytes) -> bytes:
    open_idx = host.rfind(b"[")
    if open_idx > 0:
        raise URLError("invalid IP-literal")
    if open_idx == 0:
        close_idx = host.rfind(b"]")
        if close_idx < 0:
            raise URLError("missing ']' in host")
        colon_port = host[close_idx + 1 :]
        if not _valid_optional_port(colon_port):
            raise URLError(f"invalid port {quote(from_go_bytes(colon_port))} after host")
        unescaped_port = _unescape(colon_port, ENCODE_HOST)
        hostname = host[1:close_idx]
        zone_idx = hostname.find(b"%25")
        if zone_idx >= 0:
            unescaped = _unescape(hostname[:zone_idx], ENCODE_HOST) + _unescape(hostname[zone_idx:], ENCODE_ZONE)
        else:
            unescaped = _unescape(hostname, ENCODE_HOST)
        try:
            addr, _zone = parse_addr(unescaped)
        except AddrError as e:
            raise URLError(f"invalid host: {e}") from None
        if len(addr) == 4:
            raise URLError("invalid IP-literal")
        return b"[" + unescaped + b"]" + unescaped_port
    i = host.find(b":")
    if i != -1:
        last = host.rfind(b":")
        if last != i and scheme not in (b"http", b"https"):
            i = last
        colon_port = host[i:]
        if not _valid_optional_port(colon_port):
            raise URLError(f"invalid port {quote(from_go_bytes(colon_port))} after host")
    return _unescape(host, ENCODE_HOST)


def _parse_authority(scheme: bytes, authority: bytes) -> tuple[Userinfo | None, bytes]:
    i = authority.rfind(b"@")
    host = _parse_host(scheme, authority if i < 0 else authority[i + 1 :])
    if i < 0:
        return None, host
    userinfo = authority[:i]
    if not _valid_userinfo(userinfo):
        raise URLError("net/url: invalid userinfo")
    if b":" not in userinfo:
        return Userinfo(_unescape(userinfo, ENCODE_USER_PASSWORD)), host
    username, _, password = userinfo.partition(b":")
    return (
        Userinfo(_unescape(username, ENCODE_USER_PASSWORD), _unescape(password, ENCODE_USER_PASSWORD), True),
        host,
    )


def _parse(raw: bytes) -> GoURL:
    """Go's parse(rawURL, viaRequest=false)."""
    if any(c < 0x20 or c == 0x7F for c in raw):
        raise URLError("net/url: invalid control character in URL")
    url = GoURL()
    if raw == b"*":
        url.path = b"*"
        return url
    scheme, rest = _get_scheme(raw)
    url.scheme = scheme.lower()
    if rest.endswith(b"?") and rest.count(b"?") == 1:
        url.force_query = True
        rest = rest[:-1]
    else:
        rest, _, url.raw_query = rest.partition(b"?")
    if not rest.startswith(b"/"):
        if url.scheme:
            url.opaque = rest
            return url
        if b":" in rest.split(b"/", 1)[0]:
            raise URLError("first path segment in URL cannot contain colon")
    if (url.scheme or not rest.startswith(b"///")) and rest.startswith(b"//"):
        authority, rest = rest[2:], b""
        slash = authority.find(b"/")
        if slash >= 0:
            authority, rest = authority[:slash], authority[slash:]
        url.user, url.host = _parse_authority(url.scheme, authority)
    elif url.scheme and rest.startswith(b"/"):
        url.omit_host = True
    url.set_path(rest)
    return url


def url_parse(raw: str) -> GoURL:
    """Go's url.Parse (raises URLError with ``parse "...": ...``)."""
    data = go_bytes(raw)
    u, _, frag = data.partition(b"#")
    try:
        url = _parse(u)
    except URLError as e:
        raise URLError(f"parse {quote(from_go_bytes(u))}: {e}") from None
    if not frag:
        return url
    try:
        url.set_fragment(frag)
    except URLError as e:
        raise URLError(f"parse {quote(raw)}: {e}") from None
    return url


# --- sprig's functions ----------------------------------------------------------------------


@sprig_func("urlParse", "func(string) map[string]interface {}")
def url_parse_func(v: str) -> dict[str, Any]:
    try:
        url = url_parse(v)
    except URLError as e:
        raise V.GoError(f"unable to parse url: {e}") from None
    text = from_go_bytes
    return {
        "scheme": text(url.scheme),
        "host": text(url.host),
        "hostname": text(url.hostname()),
        "path": text(url.path),
        "query": text(url.raw_query),
        "opaque": text(url.opaque),
        "fragment": text(url.fragment),
        "userinfo": text(url.user.string()) if url.user is not None else "",
    }


def _dict_get(d: Any, key: str) -> bytes:
    """sprig's dictGetOrEmpty: a string entry, "" when absent; another kind panics."""
    if type(d) is dict:
        if key not in d:
            return b""
        value = d[key]
    else:
        data = d.data or {}
        if key not in data:
            return b""
        value = data[key]
    if value is None or value is V.MISSING:
        raise V.GoError("runtime error: invalid memory address or nil pointer dereference")
    t = V.type_of(value)
    if t.kind != V.Kind.STRING:
        raise V.GoError(f"unable to parse {key} key, must be of type string, but {t.kind} found")
    return go_bytes(V.unwrap_scalar(value))


@sprig_func("urlJoin", "func(map[string]interface {}) string")
def url_join(d: Any) -> str:
    url = GoURL(
        scheme=_dict_get(d, "scheme"),
        host=_dict_get(d, "host"),
        path=_dict_get(d, "path"),
        raw_query=_dict_get(d, "query"),
        opaque=_dict_get(d, "opaque"),
        fragment=_dict_get(d, "fragment"),
    )
    userinfo = _dict_get(d, "userinfo")
    if userinfo:
        try:
            url.user = url_parse(from_go_bytes(b"proto://" + userinfo + b"@host")).user
        except URLError as e:
            raise V.GoError(f"unable to parse userinfo in dict: {e}") from None
    return from_go_bytes(url.string())


@sprig_func("getHostByName", "func(string) string")
def get_host_by_name(name: str) -> str:
    addrs: list[str] = []
    try:
        infos = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError):
        infos = []
    for info in infos:
        addr = str(info[4][0])
        if addr not in addrs:
            addrs.append(addr)
    if not addrs:
        raise V.GoError("invalid argument to Intn")
    return random.choice(addrs)
