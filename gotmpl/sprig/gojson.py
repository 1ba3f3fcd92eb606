"""Go 1.27's encoding/json over gotmpl values, for sprig's JSON functions
(defaults.go: toJson, toPrettyJson, toRawJson, fromJson and their must* forms).

Go 1.27 builds encoding/json on encoding/json/v2 with the v1 options, and the
texts show it: syntax errors are jsontext's, rewritten into v1's words
("invalid character 'x' looking for beginning of value", "invalid escape
sequence `\\x` in string"), a number beyond float64 names its JSON pointer
("cannot unmarshal number 1e400 into .0 of type float64"), invalid UTF-8 is
written as a raw U+FFFD, map keys are any value that marshals as a string or
number, struct tags are parsed by v2's rules.

* :func:`marshal` - json.Marshal (``escape_html=False``: an Encoder with
  SetEscapeHTML(false), as toRawJson uses);
* :func:`indent` - json.Indent of compact output (MarshalIndent);
* :func:`unmarshal` - json.Unmarshal into ``interface {}``: dicts, lists,
  float64, string, bool, nil; (value, error).

(injector/funcs.py has an encoder for Istio's functions, which swallow its
errors; gotmpl cannot import injector, and sprig needs the error texts.)
"""

from __future__ import annotations

import base64
import dataclasses
import math
import struct
import sys
from typing import Any

from .. import values as V
from ..gotime import GoTime, format_year
from ..strconv import (
    NumError,
    format_float,
    from_go_bytes,
    go_bytes,
    go_is_print,
    go_quote,
    go_quote_rune,
    parse_float,
    unquote,
)
from .gounicode import is_letter, is_number, is_space, is_upper

__all__ = ["JSONError", "indent", "marshal", "quote", "unmarshal"]

Kind = V.Kind


class JSONError(V.GoError):
    """An encoding/json error (its text is Go's)."""


# --- encoding: scalars ---------------------------------------------------------------------------------

_HEX = "0123456789abcdef"
_SHORT_ESCAPES = {0x5C: "\\\\", 0x22: '\\"', 0x08: "\\b", 0x0C: "\\f", 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}


def quote(s: str, escape_html: bool = True) -> str:
    """jsonwire.AppendQuote with v1's escaping: a Go string as JSON text."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if o < 0x80:
            if o in _SHORT_ESCAPES:
                out.append(_SHORT_ESCAPES[o])
            elif o < 0x20 or escape_html and ch in "<>&":
                out.append("\\u00" + _HEX[o >> 4] + _HEX[o & 0xF])
            else:
                out.append(ch)
        elif 0xDC80 <= o <= 0xDCFF:
            out.append("\ufffd")  # an invalid byte
        elif o == 0x2028 or o == 0x2029:
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _round32(f: float) -> float:
    return struct.unpack("<f", struct.pack("<f", f))[0]


_F32_1EM6 = _round32(1e-6)
_F32_1E21 = _round32(1e21)


def float_text(f: float, bits: int) -> str:
    """jsonwire.AppendFloat: 'f' layout, 'e' outside [1e-6, 1e21), e-07 -> e-7."""
    if math.isinf(f) or math.isnan(f):
        raise JSONError(f"json: unsupported value: {format_float(f, 'g', -1, bits)}")
    a = abs(f)
    fmt = "f"
    if a != 0:
        lo, hi = (1e-6, 1e21) if bits == 64 else (_F32_1EM6, _F32_1E21)
        if a < lo or a >= hi:
            fmt = "e"
    text = format_float(f, fmt, -1, bits)
    if fmt == "e":
        n = len(text)
        if n >= 4 and text[n - 4] == "e" and text[n - 3] == "-" and text[n - 2] == "0":
            text = text[: n - 2] + text[n - 1 :]
    return text


def _time_text(g: GoTime) -> str:
    """time.Time's JSON: RFC 3339 with nanoseconds (unquoted)."""
    if not 0 <= g.year <= 9999:
        raise JSONError("json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: year outside of range [0,9999]")
    w = g.when
    text = f"{format_year(g.year)}-{w.month:02d}-{w.day:02d}T{w.hour:02d}:{w.minute:02d}:{w.second:02d}"
    if g.nanos:
        text += "." + f"{g.nanos:09d}".rstrip("0")
    off = w.utcoffset()
    secs = int(off.total_seconds()) if off is not None else 0
    if secs == 0:
        return text + "Z"
    sign = "-" if secs < 0 else "+"
    minutes = abs(secs) // 60
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


# --- encoding: struct fields (v2's makeStructFields under v1 options) ----------------------------------


def tag_lookup(tag: str, key: str) -> str | None:
    """reflect.StructTag.Lookup."""
    while tag:
        tag = tag.lstrip(" ")
        if not tag:
            break
        i = 0
        while i < len(tag) and tag[i] > " " and tag[i] not in ':"\x7f':
            i += 1
        if i == 0 or i + 1 >= len(tag) or tag[i] != ":" or tag[i + 1] != '"':
            break
        name = tag[:i]
        tag = tag[i + 1 :]
        i = 1
        while i < len(tag) and tag[i] != '"':
            if tag[i] == "\\":
                i += 1
            i += 1
        if i >= len(tag):
            break
        qvalue, tag = tag[: i + 1], tag[i + 1 :]
        if key == name:
            try:
                return unquote(qvalue)
            except ValueError:
                return None
    return None


def _is_exported(name: str) -> bool:
    return bool(name) and not name.startswith("_") and is_upper(ord(name[0]))


def _letter_or_digit(ch: str) -> bool:
    return ch == "_" or is_letter(ord(ch)) or is_number(ord(ch))


def _consume_option(text: str, allow_quoted: bool) -> tuple[str, int, bool]:
    """v2's consumeTagOption: (option, length, ok)."""
    comma = text.find(",")
    end = len(text) if comma < 0 else comma
    if text and (text[0] == "_" or is_letter(ord(text[0]))):
        n = 1
        while n < len(text) and _letter_or_digit(text[n]):
            n += 1
        return text[:n], n, True
    if text.startswith("'") and allow_quoted:
        buf = ['"']
        escaped = False
        for n in range(1, len(text)):
            ch = text[n]
            if escaped:
                if ch == "'":
                    buf.pop()
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                buf.append("\\")
            elif ch == "'":
                buf.append('"')
                try:
                    return unquote("".join(buf)), n + 1, True
                except ValueError:
                    return text[:end], end, False
            buf.append(ch)
    return text[:end], end, False


@dataclasses.dataclass(frozen=True)
class JSONTag:
    """A struct field's `json` tag as encoding/json/v2 parses it under the v1
    options (malformed options are skipped, not errors). ``name`` is None when
    the tag gives none (or an invalid one)."""

    name: str | None = None
    omitempty: bool = False
    omitzero: bool = False
    string: bool = False
    embed: bool = False
    format: str = ""


def parse_json_tag(tag: str) -> JSONTag:
    """v2's parseFieldOptions for a `json` tag's value (the one home of that
    grammar: sprig's encoder here and Istio's in injector.funcs use it)."""
    name = None
    if tag and not tag.startswith(","):
        n = next((i for i, c in enumerate(tag) if c in ",\\'\"`"), len(tag))
        raw, ok = tag[:n], True
        if not tag[n:].startswith(",") and n != len(tag):
            raw, n, ok = _consume_option(tag, False)
        if ok:
            name = "".join("\ufffd" if "\udc80" <= c <= "\udcff" else c for c in raw)  # []rune(name)
        tag = tag[n:]
    flags = {"omitempty": False, "omitzero": False, "string": False, "embed": False}
    fmt = ""
    while tag:
        if tag[0] == ",":
            tag = tag[1:]
            if not tag:
                break
        opt, n, _ = _consume_option(tag, False)
        tag = tag[n:]
        if opt in flags:
            flags[opt] = True
        elif opt in ("case", "format") and tag.startswith(":"):
            rest = tag[1:]
            value, n, ok = _consume_option(rest, opt == "format")
            if ok and (opt == "case" or value):
                tag = rest[n:]
                if opt == "format":
                    fmt = value
            else:
                tag = rest
    return JSONTag(name, format=fmt, **flags)


class _Field:
    """One JSON object member of a struct type."""

    __slots__ = ("embed", "format", "go_name", "has_name", "name", "omitempty", "omitzero", "path", "quoted", "type")

    def __init__(self, f: V.StructField, tag: str | None, path: tuple[V.StructField, ...]) -> None:
        parsed = parse_json_tag(tag or "")
        self.go_name = f.name
        self.name = parsed.name if parsed.name is not None else f.name
        self.has_name = parsed.name is not None
        self.path = path
        self.type = f.type
        self.omitempty, self.omitzero, self.embed, self.format = parsed.omitempty, parsed.omitzero, parsed.embed, parsed.format
        ft = self.type.elem if self.type.kind == Kind.PTR and self.type.name is None else self.type
        self.quoted = parsed.string and (
            ft.kind in (Kind.BOOL, Kind.STRING) or ft.kind in V.INT_KINDS or ft.kind in V.UINT_KINDS or ft.kind in V.FLOAT_KINDS
        )


class _Layout:
    __slots__ = ("fields", "format_error")

    def __init__(self, fields: list[_Field], format_error: str | None) -> None:
        self.fields = fields
        self.format_error = format_error


_LAYOUTS: dict[int, _Layout] = {}


def _indirect_type(t: V.GoType) -> V.GoType:
    return t.elem if t.kind == Kind.PTR and t.name is None else t


def _layout(t: V.GoType) -> _Layout:
    """The encoded fields of a struct type: breadth-first through embedded
    structs, the dominant field per name (shallowest, else the only one with
    a tag name, else none), in field order."""
    cached = _LAYOUTS.get(id(t))
    if cached is not None:
        return cached
    found: list[_Field] = []
    format_error: str | None = None
    queue: list[tuple[V.GoType, tuple[V.StructField, ...], bool]] = [(t, (), True)]
    seen = {id(t)}
    while queue:
        st, path, visit = queue.pop(0)
        for f in st.fields:
            tag = tag_lookup(f.tag, "json")
            if tag == "-" or (not _is_exported(f.name) and not f.embedded):
                continue
            jf = _Field(f, tag, path + (f,))
            target = _indirect_type(f.type)
            if f.embedded and not jf.has_name and target.kind == Kind.STRUCT:
                if visit:
                    queue.append((target, jf.path, id(target) not in seen))
                seen.add(id(target))
                continue
            if not _is_exported(f.name):
                continue
            found.append(jf)
            if jf.format and format_error is None:
                format_error = f"json: unsupported value: Go struct field {f.name} has unsupported `format` tag option"
    by_name: dict[str, list[_Field]] = {}
    for jf in found:
        by_name.setdefault(jf.name, []).append(jf)
    keep: set[int] = set()
    for group in by_name.values():
        group.sort(key=lambda jf: (len(jf.path), not jf.has_name))
        if len(group) == 1 or len(group[0].path) != len(group[1].path) or group[0].has_name != group[1].has_name:
            keep.add(id(group[0]))
    layout = _Layout([jf for jf in found if id(jf) in keep], format_error)
    layout.fields.sort(key=lambda jf: _path_order(t, jf.path))
    _LAYOUTS[id(t)] = layout
    return layout


def _path_order(t: V.GoType, path: tuple[V.StructField, ...]) -> tuple[int, ...]:
    order = []
    for f in path:
        order.append(t.fields.index(f))
        t = _indirect_type(f.type)
    return tuple(order)


def _field_value(v: Any, path: tuple[V.StructField, ...]) -> Any:
    """The value at a field path; MISSING through a nil embedded pointer."""
    for i, f in enumerate(path):
        if i and type(v) is V.Ptr:
            if v.target is None:
                return V.MISSING
            v = V.coerce(v.type.elem, v.target)
        v = V.get_field(v, f)
    return v


def value_length(v: Any) -> int:
    """len() of a gotmpl string, slice, array or map value (nil: 0)."""
    cls = type(v)
    if cls is V.Slice:
        return len(v.items or ())
    if cls is V.Map:
        return len(v.data or ())
    if cls is V.Array:
        return len(v.items)
    if cls is V.Typed:
        return len(v.value)
    return len(v)


def _is_empty_value(v: Any, t: V.GoType) -> bool:
    """omitempty's legacy (v1) definition, by the field's static type."""
    k = t.kind
    if k in (Kind.ARRAY, Kind.MAP, Kind.SLICE, Kind.STRING):
        return value_length(v) == 0
    if k == Kind.BOOL or k in V.NUMBER_KINDS:
        return V.unwrap_scalar(v) == 0
    if k in (Kind.INTERFACE, Kind.PTR):
        return V.is_nil(v) or type(v) is V.NilInterface
    return False


def _is_zero(v: Any, t: V.GoType) -> bool:
    """omitzero: IsZero() where the type has one (time.Time), else reflect's IsZero."""
    if isinstance(v, GoTime):
        return v == GoTime()
    k = t.kind
    if k == Kind.INTERFACE:
        return v is None or v is V.MISSING or type(v) is V.NilInterface
    if k == Kind.PTR and _indirect_type(t) is V.type_of(GoTime()) and not V.is_nil(v):
        return _is_zero(V.coerce(t.elem, v.target), t.elem)
    if k == Kind.STRUCT:
        return all(_is_zero(x, f.type) for f, x in V.struct_fields(v))
    if k == Kind.ARRAY:
        return all(_is_zero(x, t.elem) for x in V.elements(v))
    if k in (Kind.SLICE, Kind.MAP, Kind.PTR, Kind.FUNC, Kind.CHAN):
        return V.is_nil(v)
    x = V.unwrap_scalar(v)
    if k in V.FLOAT_KINDS:
        return x == 0 and math.copysign(1.0, x) > 0
    if k in V.COMPLEX_KINDS:
        return x == 0 and math.copysign(1.0, x.real) > 0 and math.copysign(1.0, x.imag) > 0
    return not x


# --- encoding: the encoder ----------------------------------------------------------------------------


def _escape_token(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def truncate_pointer(s: str, n: int) -> str:
    """jsonwire.TruncatePointer (by bytes)."""
    b = go_bytes(s)
    if len(b) <= n:
        return s
    i, j = n // 2, len(b) - n // 2
    k = b[:i].rfind(b"/")
    if k > 0:
        i = k
    k = b[j:].find(b"/")
    if k >= 0:
        j += k + 1
    while i > 0 and (b[i - 1] & 0xC0) == 0x80 or i > 0 and i < len(b) and (b[i] & 0xC0) == 0x80:
        i -= 1
    while j < len(b) and (b[j] & 0xC0) == 0x80:
        j += 1
    mid_slashes = b[i:j].count(b"/")
    middle = "…" if mid_slashes == 0 else "…/…" if mid_slashes == 1 else "…/…/…"
    if b[i:j].startswith(b"/") and middle != "…":
        middle = middle[1:]
    if b[i:j].endswith(b"/") and middle != "…":
        middle = middle[:-1]
    return from_go_bytes(b[:i] + middle.encode() + b[j:])


class _NonStringName(Exception):
    pass


_FLOAT64 = V.FLOAT64


class _Encoder:
    """One Marshal call: the output so far and the JSON pointer of the value being written."""

    def __init__(self, escape_html: bool) -> None:
        self.html = escape_html
        self.out: list[str] = []
        self.path: list[str] = []

    def offset(self) -> int:
        return len(go_bytes("".join(self.out)))

    def value(self, v: Any, t: V.GoType | None) -> None:
        if t is None or t.kind == Kind.INTERFACE:
            if v is None or v is V.MISSING or type(v) is V.NilInterface:
                self.out.append("null")
                return
            t = V.type_of(v)
        if isinstance(v, GoTime):
            self.out.append('"' + _time_text(v) + '"')
            return
        k = t.kind
        out = self.out
        if k == Kind.BOOL:
            out.append("true" if V.unwrap_scalar(v) else "false")
        elif k in V.INT_KINDS or k in V.UINT_KINDS:
            out.append(str(V.unwrap_scalar(v)))
        elif k in V.FLOAT_KINDS:
            out.append(float_text(float(V.unwrap_scalar(v)), V.BITS[k]))
        elif k == Kind.STRING:
            out.append(quote(V.unwrap_scalar(v), self.html))
        elif k == Kind.PTR:
            if type(v) is not V.Ptr:
                out.append("{}")  # an error value: *errors.errorString has no exported fields
            elif v.target is None:
                out.append("null")
            else:
                self.value(V.coerce(t.elem, v.target), t.elem)
        elif k == Kind.STRUCT:
            self.struct(v, t)
        elif k == Kind.MAP:
            self.map(v, t)
        elif k == Kind.SLICE:
            self.slice(v, t)
        elif k == Kind.ARRAY:
            self.array(V.elements(v), t.elem)
        else:
            raise JSONError(f"json: unsupported type: {t}")

    def slice(self, v: Any, t: V.GoType) -> None:
        if V.is_nil(v):
            self.out.append("null")
        elif t.elem.kind == Kind.UINT8 and not t.elem.methods:
            data = v if type(v) is bytes else bytes(V.unwrap_scalar(x) & 0xFF for x in V.elements(v))
            self.out.append('"' + base64.b64encode(data).decode("ascii") + '"')
        else:
            self.array(V.elements(v), t.elem)

    def array(self, items: list, elem: V.GoType) -> None:
        self.out.append("[")
        for i, x in enumerate(items):
            if i:
                self.out.append(",")
            self.path.append(str(i))
            self.value(x, elem)
            self.path.pop()
        self.out.append("]")

    def key_name(self, k: Any, kt: V.GoType) -> str:
        """A map key as an object member name (numbers as their text)."""
        t = kt
        if t.kind == Kind.INTERFACE:
            if k is None or k is V.MISSING or type(k) is V.NilInterface:
                raise _NonStringName
            t = V.type_of(k)
            if t is _FLOAT64:
                raise _NonStringName  # any's fast path writes a number token
        while t.kind == Kind.PTR:
            if type(k) is not V.Ptr or k.target is None:
                raise _NonStringName
            k, t = V.coerce(t.elem, k.target), t.elem
        if isinstance(k, GoTime):
            return _time_text(k)
        if t.kind == Kind.STRING:
            return V.unwrap_scalar(k)
        if t.kind in V.INT_KINDS or t.kind in V.UINT_KINDS:
            return str(V.unwrap_scalar(k))
        if t.kind in V.FLOAT_KINDS:
            return float_text(float(V.unwrap_scalar(k)), V.BITS[t.kind])
        raise _NonStringName

    def map(self, v: Any, t: V.GoType) -> None:
        if V.is_nil(v):
            self.out.append("null")
            return
        items = V.map_items(v)
        if not items:
            self.out.append("{}")
            return
        self.out.append("{")
        members = []
        for k, x in items:
            try:
                name = self.key_name(k, t.key)
            except _NonStringName:
                pointer = "".join("/" + token for token in self.path)
                where = f" within {go_quote(truncate_pointer(pointer, 100))}" if pointer else ""
                raise JSONError(
                    f"json: unsupported value: jsontext: object member name must be a string{where} after offset {self.offset() + 1}"
                ) from None
            members.append((go_bytes(name), name, x))
        members.sort(key=lambda m: m[0])
        for i, (_, name, x) in enumerate(members):
            if i:
                self.out.append(",")
            self.out.append(quote(name, self.html))
            self.out.append(":")
            self.path.append(_escape_token(name))
            self.value(x, t.elem)
            self.path.pop()
        self.out.append("}")

    def struct(self, v: Any, t: V.GoType) -> None:
        layout = _layout(t)
        if layout.format_error:
            raise JSONError(layout.format_error)
        self.out.append("{")
        first = True
        for f in layout.fields:
            fv = _field_value(v, f.path)
            if fv is V.MISSING:
                continue
            if f.omitzero and _is_zero(fv, f.type) or f.omitempty and _is_empty_value(fv, f.type):
                continue
            if not first:
                self.out.append(",")
            first = False
            self.out.append(quote(f.name, self.html))
            self.out.append(":")
            self.path.append(_escape_token(f.name))
            if f.quoted:
                self.quoted(fv, f.type)
            else:
                self.value(fv, f.type)
            self.path.pop()
        self.out.append("}")

    def quoted(self, v: Any, t: V.GoType) -> None:
        """A field with the `string` option: its JSON inside a JSON string (through one pointer)."""
        if t.kind == Kind.PTR:
            if type(v) is not V.Ptr or v.target is None:
                self.out.append("null")
                return
            v, t = V.coerce(t.elem, v.target), t.elem
        inner = _Encoder(self.html)
        inner.value(v, t)
        text = "".join(inner.out)
        self.out.append(quote(text, False) if t.kind == Kind.STRING else '"' + text + '"')


def marshal(v: Any, escape_html: bool = True) -> str:
    """json.Marshal(v) as text; raises JSONError with Go's text."""
    enc = _Encoder(escape_html)
    try:
        enc.value(v, None)
    except RecursionError:
        raise JSONError("json: unsupported value: encountered a cycle") from None
    return from_go_bytes(go_bytes("".join(enc.out)))


def indent(text: str, prefix: str = "", step: str = "  ") -> str:
    """json.Indent of valid compact JSON (what MarshalIndent does after Marshal)."""
    out: list[str] = []
    depth = 0
    pending = False  # after an opening bracket: a newline unless it closes at once
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if pending and c not in "]}":
            out.append("\n" + prefix + step * depth)
        if c == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            pending = False
            i = j + 1
            continue
        if c in "[{":
            depth += 1
            out.append(c)
            pending = True
        elif c in "]}":
            depth -= 1
            if not pending:
                out.append("\n" + prefix + step * depth)
            out.append(c)
            pending = False
        elif c == ",":
            out.append(",\n" + prefix + step * depth)
            pending = False
        elif c == ":":
            out.append(": ")
            pending = False
        else:
            out.append(c)
            pending = False
        i += 1
    return "".join(out)


# --- decoding ------------------------------------------------------------------------------------------

_WS = frozenset(b" \t\r\n")
_MAX_DEPTH = 10000
_EOF = "unexpected end of JSON input"


def _quote_rune_at(b: bytes, i: int) -> str:
    """jsonwire.QuoteRune of the rune at b[i:]."""
    n = _rune_len(b, i)
    if n == 0:
        return "'\\x" + format(b[i], "x") + "'"
    return go_quote_rune(ord(b[i : i + n].decode("utf-8")))


def _rune_len(b: bytes, i: int) -> int:
    """Length of the valid UTF-8 sequence at b[i] (0: invalid)."""
    c = b[i]
    if c < 0x80:
        return 1
    n = 2 if 0xC2 <= c <= 0xDF else 3 if 0xE0 <= c <= 0xEF else 4 if 0xF0 <= c <= 0xF4 else 0
    if n == 0 or i + n > len(b):
        return 0
    try:
        b[i : i + n].decode("utf-8")
    except UnicodeDecodeError:
        return 0
    return n


def _full_rune(b: bytes, i: int) -> bool:
    """utf8.FullRune(b[i:]): False only for a valid but truncated prefix."""
    rest = b[i : i + 4]
    c = rest[0]
    n = 2 if 0xC2 <= c <= 0xDF else 3 if 0xE0 <= c <= 0xEF else 4 if 0xF0 <= c <= 0xF4 else 1
    if len(rest) >= n:
        return True
    # A prefix shorter than n: full (invalid) as soon as a byte cannot continue it.
    lo, hi = 0x80, 0xBF
    if c == 0xE0:
        lo = 0xA0
    elif c == 0xED:
        hi = 0x9F
    elif c == 0xF0:
        lo = 0x90
    elif c == 0xF4:
        hi = 0x8F
    if len(rest) >= 2 and not lo <= rest[1] <= hi:
        return True
    for x in rest[2:]:
        if not 0x80 <= x <= 0xBF:
            return True
    return False


def _invalid_char(b: bytes, i: int, where: str) -> JSONError:
    return JSONError(f"invalid character {_quote_rune_at(b, i)} {where}")


def _invalid_escape(what: bytes) -> JSONError:
    """jsonwire's InvalidTextError for an escape sequence (v1 wording)."""
    text = from_go_bytes(what)
    label = "surrogate pair" if len(what) > 6 else "escape sequence"
    need = any(
        c == "`" or "\udc80" <= c <= "\udcff" or c == "\ufffd" or is_space(ord(c)) or not go_is_print(ord(c)) for c in text
    )
    if len(text) == 1:
        shown = _quote_rune_at(what, 0)
    elif need:
        shown = go_quote(text)
    else:
        shown = "`" + text + "`"
    return JSONError(f"invalid {label} {shown} in string")


def _hex4(b: bytes) -> int | None:
    if len(b) != 4:
        return None
    try:
        return int(b, 16) if all(c in b"0123456789abcdefABCDEF" for c in b) else None
    except ValueError:
        return None


def _escaped_utf16_prefix(b: bytes, lower_half: bool) -> bool:
    for i, c in enumerate(b):
        if i == 0 and c != 0x5C or i == 1 and c != 0x75:
            return False
        if i == 2 and lower_half and c not in b"dD":
            return False
        if i == 3 and lower_half and c not in b"cdefCDEF":
            return False
        if 2 <= i < 6 and c not in b"0123456789abcdefABCDEF":
            return False
    return True


class _Reader:
    """jsontext's validation of one JSON value (CheckNextValue, then checkEOF)
    followed by v1's decoding into ``interface {}``; both in one pass."""

    def __init__(self, data: bytes) -> None:
        self.b = data
        self.i = 0
        self.number_error: JSONError | None = None

    def ws(self) -> None:
        b, i, n = self.b, self.i, len(self.b)
        while i < n and b[i] in _WS:
            i += 1
        self.i = i

    def need(self) -> int:
        """Skip whitespace; the next byte (EOF is an error)."""
        self.ws()
        if self.i >= len(self.b):
            raise JSONError(_EOF)
        return self.b[self.i]

    def document(self) -> Any:
        self.need()
        v = self.value(0, [])
        self.ws()
        if self.i < len(self.b):
            raise _invalid_char(self.b, self.i, "after top-level value")
        return v

    def value(self, depth: int, path: list[str]) -> Any:
        c = self.b[self.i]
        if c == 0x7B:
            return self.obj(depth, path)
        if c == 0x5B:
            return self.arr(depth, path)
        if c == 0x22:
            return self.string()
        if c == 0x2D or 0x30 <= c <= 0x39:
            return self.number(path)
        if c == 0x6E:
            return self.literal("null", None)
        if c == 0x66:
            return self.literal("false", False)
        if c == 0x74:
            return self.literal("true", True)
        raise _invalid_char(self.b, self.i, "looking for beginning of value")

    def literal(self, word: str, value: Any) -> Any:
        b, i = self.b, self.i
        for k, ch in enumerate(word.encode()):
            if i + k >= len(b):
                raise JSONError(_EOF)
            if b[i + k] != ch:
                raise _invalid_char(b, i + k, f"in literal {word} (expecting {go_quote_rune(ch)})")
        self.i = i + len(word)
        return value

    def obj(self, depth: int, path: list[str]) -> dict:
        if depth == _MAX_DEPTH:
            raise JSONError("exceeded max depth")
        self.i += 1
        out: dict[str, Any] = {}
        if self.need() == 0x7D:
            self.i += 1
            return out
        while True:
            if self.need() != 0x22:
                raise _invalid_char(self.b, self.i, "looking for beginning of object key string")
            name = self.string()
            if self.need() != 0x3A:
                raise _invalid_char(self.b, self.i, "after object key")
            self.i += 1
            self.need()
            path.append(_escape_token(name))
            out[name] = self.value(depth + 1, path)
            path.pop()
            c = self.need()
            if c == 0x2C:
                self.i += 1
                continue
            if c == 0x7D:
                self.i += 1
                return out
            raise _invalid_char(self.b, self.i, "after object key:value pair")

    def arr(self, depth: int, path: list[str]) -> list:
        if depth == _MAX_DEPTH:
            raise JSONError("exceeded max depth")
        self.i += 1
        out: list[Any] = []
        if self.need() == 0x5D:
            self.i += 1
            return out
        while True:
            self.need()
            path.append(str(len(out)))
            out.append(self.value(depth + 1, path))
            path.pop()
            c = self.need()
            if c == 0x2C:
                self.i += 1
                continue
            if c == 0x5D:
                self.i += 1
                return out
            raise _invalid_char(self.b, self.i, "after array element")

    def digits(self) -> int:
        b, i, n = self.b, self.i, len(self.b)
        start = i
        while i < n and 0x30 <= b[i] <= 0x39:
            i += 1
        self.i = i
        return i - start

    def expect_digit(self) -> None:
        if self.i >= len(self.b):
            raise JSONError(_EOF)
        if not 0x30 <= self.b[self.i] <= 0x39:
            raise _invalid_char(self.b, self.i, "in numeric literal")

    def number(self, path: list[str]) -> float:
        b = self.b
        start = self.i
        if b[self.i] == 0x2D:
            self.i += 1
            self.expect_digit()
        if b[self.i] == 0x30:
            self.i += 1
        else:
            self.digits()
        if self.i < len(b) and b[self.i] == 0x2E:
            self.i += 1
            self.expect_digit()
            self.digits()
        if self.i < len(b) and b[self.i] in b"eE":
            self.i += 1
            if self.i < len(b) and b[self.i] in b"+-":
                self.i += 1
            self.expect_digit()
            self.digits()
        text = b[start : self.i].decode("ascii")
        try:
            return parse_float(text, 64)
        except NumError:
            if self.number_error is None:
                self.number_error = _number_error(text, path)
            return 0.0

    def string(self) -> str:
        """A JSON string (validated as jsontext does with invalid UTF-8 allowed), unquoted."""
        b, n = self.b, len(self.b)
        i = self.i + 1
        out = bytearray()
        while True:
            if i >= n:
                raise JSONError(_EOF)
            c = b[i]
            if c == 0x22:
                self.i = i + 1
                return from_go_bytes(bytes(out))
            if c == 0x5C:
                if i + 2 > n:
                    raise JSONError(_EOF)
                e = b[i + 1]
                simple = _SIMPLE_ESCAPES.get(e)
                if simple is not None:
                    out += simple
                    i += 2
                    continue
                if e != 0x75:
                    raise _invalid_escape(b[i : i + 2])
                if i + 6 > n:
                    if _escaped_utf16_prefix(b[i:], False):
                        raise JSONError(_EOF)
                    raise _invalid_escape(b[i:])
                r = _hex4(b[i + 2 : i + 6])
                if r is None:
                    raise _invalid_escape(b[i : i + 6])
                i += 6
                if 0xD800 <= r < 0xE000:
                    r2 = _hex4(b[i + 2 : i + 6]) if b[i : i + 2] == b"\\u" else None
                    if 0xD800 <= r < 0xDC00 and r2 is not None and 0xDC00 <= r2 < 0xE000:
                        r = 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00)
                        i += 6
                    else:
                        r = 0xFFFD
                out += chr(r).encode("utf-8")
                continue
            if c < 0x20:
                raise _invalid_char(b, i, "in string")
            if c < 0x80:
                out.append(c)
                i += 1
                continue
            size = _rune_len(b, i)
            if size:
                out += b[i : i + size]
                i += size
                continue
            if not _full_rune(b, i):
                raise JSONError(_EOF)
            out += "\ufffd".encode()
            i += 1


_SIMPLE_ESCAPES = {0x22: b'"', 0x5C: b"\\", 0x2F: b"/", 0x62: b"\b", 0x66: b"\f", 0x6E: b"\n", 0x72: b"\r", 0x74: b"\t"}


def _number_error(text: str, path: list[str]) -> JSONError:
    """v1's UnmarshalTypeError for a number beyond float64, at its JSON pointer."""
    field = ".".join(path)
    if not field:
        return JSONError(f"json: cannot unmarshal number {text} into Go value of type float64")
    last = field[field.rfind(".") + 1 :]
    into = "" if last and last.strip("0123456789") == "" else "Go struct field "
    return JSONError(f"json: cannot unmarshal number {text} into {into}.{field} of type float64")


def unmarshal(text: str) -> tuple[Any, JSONError | None]:
    """json.Unmarshal into ``interface {}``: (value, error). A syntax error
    leaves nil; a number beyond float64 decodes as 0 and is the error (the
    first one)."""
    r = _Reader(go_bytes(text))
    limit = sys.getrecursionlimit()
    needed = 2 * _MAX_DEPTH + 1000
    if needed > limit:
        sys.setrecursionlimit(needed)  # Python 3.11 recursion does not grow the C stack
    try:
        v = r.document()
    except JSONError as e:
        return None, e
    finally:
        if needed > limit:
            sys.setrecursionlimit(limit)
    return v, r.number_error
