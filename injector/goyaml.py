"""ghodss/yaml (sigs.k8s.io/yaml) over gopkg.in/yaml.v2, as Istio's kube-inject uses it.

This module owns the YAML half of kube-inject's round trip:

* :func:`yaml_to_json`: ghodss ``YAMLToJSON`` - YAML parsed with yaml.v2's
  YAML 1.1 resolution (``yes``/``on`` booleans, ``0777`` octal, ``1e3``
  floats, timestamps kept as strings, merge keys, later duplicate keys win),
  map keys turned into strings, and - given a target Go type - YAML numbers
  and booleans headed for Go ``string`` fields turned into strings exactly as
  ghodss does (``15001`` -> ``"15001"``, floats with 32-bit shortest
  formatting). :func:`unmarshal` adds the typed decoding of
  :mod:`injector.gojson`.
* :func:`marshal`: ghodss ``Marshal`` = Go's JSON, re-read by yaml.v2 (so
  integral JSON numbers become ints) and written by yaml.v2 2.4.0's emitter:
  keys sorted with yaml.v2's natural order, block style, sequences under a key
  not indented, plain scalars where yaml.v2 would read them back as the same
  string, else single or double quotes, literal blocks for multi-line
  strings, long lines folded at 80 columns.
* :func:`split_documents`: Kubernetes' YAML multi-document reader.

PyYAML does the parsing (its composer gives the node tree with each scalar's
style); resolution and construction follow yaml.v2 instead of PyYAML.
"""

from __future__ import annotations

import base64
import functools
import math
import re
from typing import Any

import yaml as _pyyaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from gotmpl import values as V
from gotmpl.strconv import NumError, format_float, parse_float, parse_int, parse_uint

from . import gojson

__all__ = [
    "YAMLError",
    "load",
    "yaml_to_json",
    "unmarshal",
    "marshal",
    "split_documents",
]


class YAMLError(ValueError):
    """A ghodss/yaml.v2 error; ``str()`` follows their messages. ``line`` and
    ``column`` (1-based, 0 when unknown) say where the parser stopped, for our
    own error reports (yaml.v2's messages often omit the line)."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


def _marked(e: Exception) -> YAMLError:
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    if mark is None and isinstance(e, _pyyaml.reader.ReaderError):
        return YAMLError(_pyyaml_message(e))
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    return YAMLError(_pyyaml_message(e), line, column)


# --- parsing with PyYAML, resolving like yaml.v2 --------------------------------------------------

_PLAIN = "!plain"  # our tag for untagged plain scalars (yaml.v2's implicit scalars)
_QUOTED = "!quoted"  # untagged quoted scalars: always strings in yaml.v2

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
BINARY_TAG = "tag:yaml.org,2002:binary"
MERGE_TAG = "tag:yaml.org,2002:merge"
_RESOLVABLE = {"", STR_TAG, BOOL_TAG, INT_TAG, FLOAT_TAG, NULL_TAG, TIMESTAMP_TAG}


class _Resolver(BaseResolver):
    """Leaves resolution to us: marks untagged scalars as plain or quoted."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _QUOTED
        if kind is SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return self.DEFAULT_MAPPING_TAG


class _Loader(Reader, Scanner, Parser, Composer, _Resolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Resolver.__init__(self)


try:  # libyaml's parser (yaml.v2 is a Go port of libyaml): the fast path
    from yaml._yaml import CParser as _CParser

    class _CLoader(_CParser, _Resolver):
        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            _Resolver.__init__(self)

except ImportError:  # pragma: no cover - PyYAML without libyaml
    _CLoader = None  # type: ignore[assignment,misc]


def _first_node(text: str) -> Any:
    """The node of the first document (yaml.v2 Unmarshal reads only that one).
    libyaml parses; on an error the pure-Python parser runs again to word the
    error as yaml.v2 does (the messages and lines tests pin)."""
    if _CLoader is not None:
        try:
            loader = _CLoader(text)
            try:
                return loader.get_node() if loader.check_node() else None
            finally:
                loader.dispose()
        except _pyyaml.YAMLError:
            pass
    try:
        loader = _Loader(text)
    except _pyyaml.YAMLError as e:
        raise _marked(e) from None
    try:
        if loader.check_node():
            return loader.get_node()
        return None
    except _pyyaml.YAMLError as e:
        raise _marked(e) from None
    finally:
        loader.dispose()


def _pyyaml_message(e: Exception) -> str:
    """A PyYAML error as yaml.v2 words it: libyaml's problem text, and the line
    yaml.v2's parser.fail() picks (scanner errors 1-based, parser errors the
    0-based line of the problem, else the context's, else none)."""
    problem = getattr(e, "problem", None) or str(e)
    context = getattr(e, "context", None) or ""
    alias = re.match(r"found undefined alias '?(.*?)'?$", problem)
    if isinstance(e, _pyyaml.composer.ComposerError) and alias:
        return f"yaml: unknown anchor '{alias.group(1)}' referenced"
    if isinstance(e, _pyyaml.reader.ReaderError):
        return "yaml: control characters are not allowed"
    problem = _libyaml_problem(problem, context)
    pm, cm = getattr(e, "problem_mark", None), getattr(e, "context_mark", None)
    line = 0
    if pm is not None and pm.line != 0:
        line = pm.line + (1 if isinstance(e, _pyyaml.scanner.ScannerError) else 0)
    elif cm is not None and cm.line != 0:
        line = cm.line
    return f"yaml: line {line}: {problem}" if line else f"yaml: {problem}"


# PyYAML's problem texts -> libyaml's (the messages yaml.v2 reports).
_PROBLEMS = [
    (r"expected ',' or '\]', but got", "did not find expected ',' or ']'"),
    (r"expected ',' or '\}', but got", "did not find expected ',' or '}'"),
    (r"expected the node content, but found", "did not find expected node content"),
    (r"expected '<document start>', but found", "did not find expected <document start>"),
    (r"found character .* that cannot start any token", "found character that cannot start any token"),
    (r"mapping values are not allowed here", "mapping values are not allowed in this context"),
    (r"mapping keys are not allowed here", "mapping keys are not allowed in this context"),
    (r"sequence entries are not allowed here", "block sequence entries are not allowed in this context"),
    (r"found unknown escape character", "found unknown escape character"),
    (r"found unexpected document separator", "found unexpected document indicator"),
    (r"expected a comment or a line break, but found", "did not find expected comment or line break"),
    (r"found undefined tag handle", "found undefined tag handle"),
]


def _libyaml_problem(problem: str, context: str) -> str:
    if problem.startswith("expected <block end>, but found"):
        if "block collection" in context:
            return "did not find expected '-' indicator"
        return "did not find expected key"
    for pattern, text in _PROBLEMS:
        if re.match(pattern, problem):
            return text
    return problem


_RESOLVE_MAP: dict[str, tuple[str, Any]] = {}
for _vals, _tag, _v in (
    (("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), BOOL_TAG, True),
    (("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), BOOL_TAG, False),
    (("", "~", "null", "Null", "NULL"), NULL_TAG, None),
    ((".nan", ".NaN", ".NAN"), FLOAT_TAG, math.nan),
    ((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), FLOAT_TAG, math.inf),
    (("-.inf", "-.Inf", "-.INF"), FLOAT_TAG, -math.inf),
    (("<<",), MERGE_TAG, "<<"),
):
    for _s in _vals:
        _RESOLVE_MAP[_s] = (_tag, _v)

_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")


def _hint(s: str) -> str:
    if s == "":
        return "N"
    c = s[0]
    if c in "+-":
        return "S"
    if "0" <= c <= "9":
        return "D"
    if c in "yYnNtTfFoO~":
        return "M"
    if c == ".":
        return "."
    return ""


def resolve(tag: str, text: str) -> tuple[str, Any]:
    """yaml.v2's resolve: the tag a scalar resolves to and its value (int for
    int64/uint64, float, bool, None, str). Raises YAMLError where yaml.v2 fails."""
    if tag not in _RESOLVABLE:
        return tag, text
    rtag, out = _resolve_untagged(tag, text)
    if tag in ("", rtag, STR_TAG, BINARY_TAG):
        return rtag, out
    if tag == FLOAT_TAG and rtag == INT_TAG:
        return FLOAT_TAG, float(out)
    raise YAMLError(f"yaml: cannot decode {_short_tag(rtag)} `{text}` as a {_short_tag(tag)}")


def _short_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def _resolve_untagged(tag: str, s: str) -> tuple[str, Any]:
    hint = _hint(s)
    if not hint or tag in (STR_TAG, BINARY_TAG):
        return STR_TAG, s
    if s in _RESOLVE_MAP:
        return _RESOLVE_MAP[s]
    if hint == ".":
        try:
            return FLOAT_TAG, parse_float(s, 64)
        except NumError:
            return STR_TAG, s
    if hint in ("D", "S"):
        if tag in ("", TIMESTAMP_TAG) and _is_timestamp(s):
            return TIMESTAMP_TAG, s
        plain = s.replace("_", "")
        for parse in (_parse_int_base0, _parse_uint_base0):
            n = parse(plain)
            if n is not None:
                return INT_TAG, n
        if _YAML_STYLE_FLOAT.match(plain):
            try:
                return FLOAT_TAG, parse_float(plain, 64)
            except NumError:
                pass
        if plain.startswith("0b") or plain.startswith("-0b"):
            n = _parse_binary(plain)
            if n is not None:
                return INT_TAG, n
    return STR_TAG, s


def _parse_int_base0(s: str) -> int | None:
    try:
        return parse_int(s, 0, 64)
    except NumError:
        return None


def _parse_uint_base0(s: str) -> int | None:
    try:
        return parse_uint(s, 0, 64)
    except NumError:
        return None


def _parse_binary(plain: str) -> int | None:
    neg = plain.startswith("-")
    digits = plain[3:] if neg else plain[2:]
    try:
        if neg:
            n = -parse_uint(digits, 2, 64)
            # yaml.v2 wraps -0b... through int(intv) without a range check.
            return ((n + (1 << 63)) % (1 << 64)) - (1 << 63) if n >= -(1 << 63) else None
        return parse_int(digits, 2, 64)
    except NumError:
        if not neg:
            try:
                return parse_uint(digits, 2, 64)
            except NumError:
                return None
        return None


_TS_DATE = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_TS_CLOCK = r"(\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,](\d+))?"
_TIMESTAMP_FORMATS = (
    re.compile(_TS_DATE + "T" + _TS_CLOCK + r"(Z|[+-]\d\d:\d\d)\Z"),
    re.compile(_TS_DATE + "t" + _TS_CLOCK + r"(Z|[+-]\d\d:\d\d)\Z"),
    re.compile(_TS_DATE + " " + _TS_CLOCK + r"()\Z"),
    re.compile(_TS_DATE + r"()()()()()\Z"),
)


def _is_timestamp(s: str) -> bool:
    """yaml.v2's parseTimestamp: Go's time.Parse with its four layouts."""
    if len(s) < 5 or not s[:4].isdigit() or not s[:4].isascii() or s[4] != "-":
        return False
    for pattern in _TIMESTAMP_FORMATS:
        m = pattern.match(s)
        if m is None:
            continue
        year, month, day, hour, minute, sec, _frac, zone = m.groups()
        if not 1 <= int(month) <= 12:
            continue
        if not 1 <= int(day) <= _days_in(int(month), int(year)):
            continue
        if hour and not (int(hour) < 24 and int(minute) < 60 and int(sec) < 60):
            continue
        if zone and zone != "Z" and (int(zone[1:3]) > 24 or int(zone[4:6]) > 60):
            continue
        return True
    return False


def _days_in(month: int, year: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


class _Map:
    """yaml.v2's map[interface{}]interface{}: keys compared as Go values (1, 1.0,
    true and "1" are different keys), insertion order kept for determinism."""

    __slots__ = ("entries",)

    def __init__(self) -> None:
        self.entries: dict[tuple, tuple[Any, Any]] = {}

    def set(self, key: Any, value: Any) -> None:
        self.entries[_go_key(key)] = (key, value)


def _go_key(key: Any) -> tuple:
    if isinstance(key, bool):
        return ("bool", key)
    if isinstance(key, int):
        return ("int", key)
    if isinstance(key, float):
        return ("float", key) if key == key else ("nan", id(key))
    if key is None:
        return ("nil",)
    return ("str", key)


class _Builder:
    """yaml.v2's decoder into interface{} over a PyYAML node graph (where an
    alias is the anchored node object itself, met again)."""

    def __init__(self) -> None:
        self.active: set[int] = set()
        self.seen: set[int] = set()
        self.decode_count = 0
        self.alias_count = 0
        self.alias_depth = 0

    def build(self, node: Any) -> Any:
        if id(node) in self.active:
            raise YAMLError("yaml: anchor value contains itself")
        if id(node) in self.seen and node.value:
            return self.alias(node)
        self.seen.add(id(node))
        self.count()
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.build(child) for child in node.value]
            out = _Map()
            self.fill(node, out)
            return out
        finally:
            self.active.discard(id(node))

    def alias(self, node: Any) -> Any:
        self.count()  # the alias node itself
        self.alias_depth += 1
        self.seen.discard(id(node))
        try:
            return self.build(node)
        finally:
            self.seen.add(id(node))
            self.alias_depth -= 1

    def count(self) -> None:
        """yaml.v2's guard against alias bombs (decode.go allowedAliasRatio)."""
        self.decode_count += 1
        if self.alias_depth:
            self.alias_count += 1
        if self.alias_count > 100 and self.decode_count > 1000:
            low, high = 400_000, 4_000_000
            if self.decode_count <= low:
                ratio = 0.99
            elif self.decode_count >= high:
                ratio = 0.10
            else:
                ratio = 0.99 - 0.89 * ((self.decode_count - low) / (high - low))
            if self.alias_count / self.decode_count > ratio:
                raise YAMLError("yaml: document contains excessive aliasing")

    def scalar(self, node: ScalarNode) -> Any:
        if node.tag == _QUOTED:
            return node.value
        tag = "" if node.tag == _PLAIN else node.tag
        rtag, out = resolve(tag, node.value)
        if rtag == BINARY_TAG:
            try:
                data = base64.b64decode(out, validate=False)
            except ValueError:
                raise YAMLError("yaml: !!binary value contains invalid base64 data") from None
            return data.decode("utf-8", "surrogateescape")
        if rtag == TIMESTAMP_TAG:
            return node.value  # yaml.v2 keeps timestamps as strings in interface{}
        return out

    def fill(self, node: MappingNode, out: _Map) -> None:
        for key_node, value_node in node.value:
            if _is_merge(key_node):
                self.merge(value_node, out)
                continue
            key = self.build(key_node)
            if isinstance(key, (list, _Map)):
                raise YAMLError(f"yaml: invalid map key: {_go_repr(key)}")
            out.set(key, self.build(value_node))

    def merge(self, node: Any, out: _Map) -> None:
        if isinstance(node, MappingNode):
            self.guarded_fill(node, out)
        elif isinstance(node, SequenceNode):
            # Earlier maps take precedence: merge them last.
            for child in reversed(node.value):
                if not isinstance(child, MappingNode):
                    raise YAMLError("yaml: map merge requires map or sequence of maps as the value")
                self.guarded_fill(child, out)
        else:
            raise YAMLError("yaml: map merge requires map or sequence of maps as the value")

    def guarded_fill(self, node: MappingNode, out: _Map) -> None:
        if id(node) in self.active:
            raise YAMLError("yaml: anchor value contains itself")
        self.active.add(id(node))
        try:
            self.fill(node, out)
        finally:
            self.active.discard(id(node))


def _is_merge(node: Any) -> bool:
    return isinstance(node, ScalarNode) and node.value == "<<" and node.tag in (_PLAIN, MERGE_TAG)


def _go_repr(v: Any) -> str:
    if isinstance(v, list):
        return "[]interface {}{...}"
    return "map[interface {}]interface {}{...}"


def load(text: str) -> Any:
    """yaml.v2 Unmarshal of the first document into interface{}: dicts (keys as
    parsed: str, int, float, bool or None; Python merges keys Go keeps apart,
    such as 1 and true - yaml_to_json does not), lists, str, int, float, bool, None."""
    node = _first_node(text)
    if node is None:
        return None
    return _plain_maps(_Builder().build(node))


def _plain_maps(v: Any) -> Any:
    if isinstance(v, _Map):
        return {key: _plain_maps(x) for key, x in v.entries.values()}
    if isinstance(v, list):
        return [_plain_maps(x) for x in v]
    return v


# --- YAMLToJSON ---------------------------------------------------------------------------------


def yaml_to_json(text: str, target: str | V.GoType | None = None) -> Any:
    """ghodss yaml.YAMLToJSON (with ``target``: the conversion yaml.Unmarshal does
    for that Go type), as the JSON-like value json.Unmarshal would read:
    dicts with string keys, lists, str, int, float, bool, None."""
    return Document(text).json(target)


class Document:
    """One parsed YAML document, converted to JSON as often as needed (kube-inject
    reads apiVersion/kind first, then converts for the kind's Go type)."""

    __slots__ = ("_built",)

    def __init__(self, text: str) -> None:
        try:
            node = _first_node(text)
            self._built = None if node is None else _Builder().build(node)
        except YAMLError as e:
            raise YAMLError(f"error converting YAML to JSON: {e}", e.line, e.column) from None

    def json(self, target: str | V.GoType | None = None) -> Any:
        """yaml_to_json of the document's text."""
        if self._built is None:
            return None
        t = gojson.go_type(target) if isinstance(target, str) else target
        try:
            return _to_json(self._built, t)
        except YAMLError as e:
            raise YAMLError(f"error converting YAML to JSON: {e}", e.line, e.column) from None


def _resolve_target(t: V.GoType | None) -> V.GoType | None:
    """ghodss's indirect(): through pointers; a type with UnmarshalJSON ends the
    type-directed conversion (None)."""
    while t is not None:
        if gojson.has_custom_json(t):
            return None
        if t.kind != V.Kind.PTR:
            return t
        t = t.elem
    return None


def _to_json(obj: Any, target: V.GoType | None) -> Any:
    t = _resolve_target(target)
    if isinstance(obj, _Map):
        out: dict[str, Any] = {}
        for key, value in obj.entries.values():
            key_text = _key_string(key, value)
            out[key_text] = _to_json(value, _field_target(t, key_text))
        return out
    if isinstance(obj, list):
        elem = t.elem if t is not None and t.kind == V.Kind.SLICE else None
        return [_to_json(x, elem) for x in obj]
    if t is not None and t.kind == V.Kind.STRING and obj is not None and not isinstance(obj, str):
        return _scalar_as_string(obj)
    if isinstance(obj, float) and (math.isinf(obj) or math.isnan(obj)):
        raise YAMLError(f"json: unsupported value: {format_float(obj, 'g', -1, 64)}")
    return obj


def _field_target(t: V.GoType | None, key: str) -> V.GoType | None:
    """The Go type ghodss converts a mapping value for: the struct field json
    would pick (only its outermost Go field when promoted), a map's element."""
    if t is None:
        return None
    if t.kind == V.Kind.STRUCT:
        f = gojson.json_field(t, key)
        if f is None:
            return None
        first = t.field(f.index[0])
        return first.type if first is not None else None
    if t.kind == V.Kind.MAP:
        return t.elem
    return None


def _scalar_as_string(v: Any) -> Any:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return format_float(v, "g", -1, 32)
    return v


def _key_string(key: Any, value: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int) and -(1 << 63) <= key < (1 << 63):
        return str(key)
    if isinstance(key, float):
        s = format_float(key, "g", -1, 32)
        return {"+Inf": ".inf", "-Inf": "-.inf", "NaN": ".nan"}.get(s, s)
    go_type = "uint64" if isinstance(key, int) else "%!s(<nil>)"
    raise YAMLError(f"Unsupported map key of type: {go_type}, key: {_go_sharp(key)}, value: {_go_sharp(value)}")


def _go_sharp(v: Any) -> str:
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return hex(v) if v >= (1 << 63) else str(v)
    if isinstance(v, str):
        return gojson.json_string(v, False)
    return repr(v)


def unmarshal(text: str, type_name: str | V.GoType, path: str = "") -> Any:
    """ghodss yaml.Unmarshal into Go type ``type_name``: the gotmpl value of the
    decoded object. Errors: YAMLError / gojson.JSONError with ghodss' prefixes."""
    doc = yaml_to_json(text, type_name)
    try:
        return gojson.decode(doc, type_name, path)
    except gojson.JSONError as e:
        err = gojson.JSONError(f"error unmarshaling JSON: {e}", e.path, e.what, e.gotype)
        raise err from None


# --- Marshal: JSON through yaml.v2 -------------------------------------------------------------------


def marshal(value: Any, omitzero: bool = False) -> str:
    """ghodss yaml.Marshal: ``value`` (JSON-like Python, or a gotmpl value, which
    is encoded with gojson.encode first) as yaml.v2 writes it."""
    try:
        if isinstance(value, (V.Struct, V.Slice, V.Map, V.Ptr, V.Typed, V.Array)):
            value = gojson.encode(value, omitzero=omitzero)
        doc = _as_yaml_value(value)
    except gojson.JSONError as e:
        raise YAMLError(f"error marshaling into JSON: {e}") from None
    return _Emitter().document(doc)


_INT64_MIN, _UINT64_LIMIT = -(1 << 63), 1 << 64
# Characters yaml.v2's reader refuses that Go's JSON writes raw (it escapes the
# other control characters), so Marshal fails on them.
_NOT_ALLOWED = re.compile("[\x7f-\x84\x86-\x9f\ufffe\uffff]")


def _as_yaml_value(v: Any) -> Any:
    """What yaml.v2 Unmarshal gives for Go's JSON of v: ints for integral
    number text, floats otherwise; strings with invalid bytes as U+FFFD."""
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, str):
        return _json_clean_string(v)
    if isinstance(v, int):
        if _INT64_MIN <= v < _UINT64_LIMIT:
            return v
        return float(v)
    if isinstance(v, float):
        return _json_number(gojson.json_float_text(v))
    if isinstance(v, (list, tuple)):
        return [_as_yaml_value(x) for x in v]
    if isinstance(v, dict):
        items = []
        for k, x in v.items():
            if isinstance(k, bool) or not isinstance(k, (str, int)):
                raise YAMLError(f"error marshaling into JSON: json: unsupported type: map key {type(k).__name__}")
            items.append((_json_clean_string(str(k), key=True), _as_yaml_value(x)))
        # Go's JSON object had unique keys; Python dicts too.
        items.sort(key=functools.cmp_to_key(_key_cmp))
        return _Mapping(items)
    if isinstance(v, (V.Struct, V.Slice, V.Map, V.Ptr, V.Typed, V.Array)):
        return _as_yaml_value(gojson.encode(v))
    raise YAMLError(f"error marshaling into JSON: json: unsupported type: {type(v).__name__}")


_SURROGATE = re.compile("[\ud800-\udfff]")


@functools.lru_cache(maxsize=16384)
def _json_clean_string(s: str, key: bool = False) -> str:
    """The string yaml.v2 reads back from Go's JSON text of s (a key if ``key``)."""
    if _SURROGATE.search(s):
        s = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in s)
    if _NOT_ALLOWED.search(s):
        raise YAMLError("error converting JSON to YAML: yaml: control characters are not allowed")
    if key and ("\x85" in s or len(gojson.json_string(s)) - 2 >= _MAX_SIMPLE_KEY):
        # In the JSON text the key is a flow simple key: it must stay on one
        # line (NEL is a line break to YAML) and within 1024 characters.
        raise YAMLError("error converting JSON to YAML: yaml: line 1: did not find expected ',' or '}'")
    if "\x85" in s:
        s = _fold_nel(s)
    return s


# The longest JSON-escaped key yaml.v2 still takes as a simple key in {"key":...}.
_MAX_SIMPLE_KEY = 1023


def _fold_nel(s: str) -> str:
    """Go's JSON leaves U+0085 (NEL) unescaped, and inside the double-quoted
    scalar yaml.v2 then reads a line break: line folding as in scanner.go
    (spaces before a break dropped, one break -> one space, more -> newlines)."""
    out: list[str] = []
    i, n = 0, len(s)
    while i < n:
        while i < n and s[i] not in " \x85":
            out.append(s[i])
            i += 1
        spaces: list[str] = []
        breaks = 0
        while i < n and s[i] in " \x85":
            if s[i] == " ":
                if not breaks:
                    spaces.append(" ")
            else:
                breaks += 1
                # A document marker starting the new line ends the scalar: an error.
                if s[i + 1 : i + 4] in ("---", "...") and i + 4 < n and s[i + 4] in " \x85":
                    raise YAMLError("error converting JSON to YAML: yaml: found unexpected document indicator")
            i += 1
        if breaks:
            out.append(" " if breaks == 1 else "\n" * (breaks - 1))
        else:
            out.extend(spaces)
    return "".join(out)


def _json_number(text: str) -> Any:
    """yaml.v2's reading of a JSON number literal."""
    if "." not in text and "e" not in text and "E" not in text:
        n = int(text)
        if _INT64_MIN <= n < _UINT64_LIMIT:
            return n
    return float(text)


class _Mapping:
    """A yaml.v2 mapping in emission order."""

    __slots__ = ("items",)

    def __init__(self, items: list[tuple[str, Any]]) -> None:
        self.items = items


def _wrap_int64(n: int) -> int:
    n &= (1 << 64) - 1
    return n - (1 << 64) if n >= 1 << 63 else n


def _key_cmp(a: tuple[str, Any], b: tuple[str, Any]) -> int:
    return -1 if _key_less(a[0], b[0]) else (1 if _key_less(b[0], a[0]) else 0)


def _key_less(a: str, b: str) -> bool:
    """yaml.v2's keyList.Less for two string keys: letters after other runes,
    digit runs compared as numbers."""
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        al, bl = ca.isalpha(), cb.isalpha()
        if al and bl:
            return ca < cb
        if al or bl:
            return bl
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and a[j].isdecimal():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdecimal():
            an = _wrap_int64(an * 10 + ord(a[ai]) - 48)
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdecimal():
            bn = _wrap_int64(bn * 10 + ord(b[bi]) - 48)
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


# --- the yaml.v2 emitter -----------------------------------------------------------------------------

PLAIN, SINGLE, DOUBLE, LITERAL = "plain", "single", "double", "literal"


def _is_printable(c: str) -> bool:
    o = ord(c)
    return o == 0x0A or 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or (0xE000 <= o <= 0xFFFD and o != 0xFEFF)


_BREAKS = re.compile("[\r\n\x85\u2028\u2029]")


def _is_break(c: str) -> bool:
    return c in "\r\n\x85\u2028\u2029"


def _is_blankz(s: str, i: int) -> bool:
    return i >= len(s) or s[i] in " \t\r\n\x85\u2028\u2029\x00"


_BASE60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")


def _is_base60_float(s: str) -> bool:
    if not s or not (s[0] in "+-" or "0" <= s[0] <= "9") or ":" not in s:
        return False
    return _BASE60.match(s) is not None


class _Analysis:
    __slots__ = ("multiline", "flow_plain", "block_plain", "single_quoted", "block")

    def __init__(self, multiline: bool, flow_plain: bool, block_plain: bool, single_quoted: bool, block: bool):
        self.multiline = multiline
        self.flow_plain = flow_plain
        self.block_plain = block_plain
        self.single_quoted = single_quoted
        self.block = block


@functools.lru_cache(maxsize=4096)
@functools.lru_cache(maxsize=8192)
def _analyze(value: str) -> _Analysis:
    """yaml_emitter_analyze_scalar: which styles can write this scalar."""
    if not value:
        return _Analysis(False, False, True, True, False)
    block_ind = flow_ind = line_breaks = special = False
    leading_space = leading_break = trailing_space = trailing_break = False
    break_space = space_break = previous_space = previous_break = False
    if value.startswith("---") or value.startswith("..."):
        block_ind = flow_ind = True
    preceded_by_ws = True
    n = len(value)
    for i, c in enumerate(value):
        followed_by_ws = i + 1 >= n or value[i + 1] in " \t\r\n\x85\u2028\u2029"
        if i == 0:
            if c in "#,[]{}&*!|>'\"%@`":
                flow_ind = block_ind = True
            elif c in "?:":
                flow_ind = True
                if followed_by_ws:
                    block_ind = True
            elif c == "-" and followed_by_ws:
                flow_ind = block_ind = True
        else:
            if c in ",?[]{}":
                flow_ind = True
            elif c == ":":
                flow_ind = True
                if followed_by_ws:
                    block_ind = True
            elif c == "#" and preceded_by_ws:
                flow_ind = block_ind = True
        if not _is_printable(c):
            special = True
        if c == " ":
            if i == 0:
                leading_space = True
            if i == n - 1:
                trailing_space = True
            if previous_break:
                break_space = True
            previous_space, previous_break = True, False
        elif _is_break(c):
            line_breaks = True
            if i == 0:
                leading_break = True
            if i == n - 1:
                trailing_break = True
            if previous_space:
                space_break = True
            previous_space, previous_break = False, True
        else:
            previous_space = previous_break = False
        preceded_by_ws = _is_blankz(value, i)
    flow_plain = block_plain = single = block = True
    if leading_space or leading_break or trailing_space or trailing_break:
        flow_plain = block_plain = False
    if trailing_space:
        block = False
    if break_space:
        flow_plain = block_plain = single = False
    if space_break or special:
        flow_plain = block_plain = single = block = False
    if line_breaks:
        flow_plain = block_plain = False
    if flow_ind:
        flow_plain = False
    if block_ind:
        block_plain = False
    return _Analysis(line_breaks, flow_plain, block_plain, single, block)


@functools.lru_cache(maxsize=8192)
def _string_style(s: str) -> str:
    """encoder.stringv: the style yaml.v2 asks for."""
    if "\n" in s:
        return LITERAL
    rtag, _ = _resolve_untagged("", s)
    if rtag == STR_TAG and not _is_base60_float(s):
        return PLAIN
    return DOUBLE


def _scalar_text(v: Any) -> tuple[str, str]:
    """(text, requested style) of a scalar as yaml.v2's encoder emits it."""
    if v is None:
        return "null", PLAIN
    if v is True:
        return "true", PLAIN
    if v is False:
        return "false", PLAIN
    if isinstance(v, int):
        return str(v), PLAIN
    if isinstance(v, float):
        s = format_float(v, "g", -1, 64)
        return {"+Inf": ".inf", "-Inf": "-.inf", "NaN": ".nan"}.get(s, s), PLAIN
    return v, _string_style(v)


class _Emitter:
    """A port of the parts of yaml.v2's emitter (emitterc.go) that Marshal of
    maps, sequences and scalars reaches: block style, flow only for ``{}``/``[]``."""

    best_indent = 2
    best_width = 80

    def __init__(self) -> None:
        self.out: list[str] = []
        self.column = 0
        self.whitespace = True
        self.indention = True
        self.indent = -1
        self.indents: list[int] = []
        self.flow_level = 0
        self.root_context = self.sequence_context = self.mapping_context = self.simple_key_context = False

    # -- output primitives --

    def put(self, c: str) -> None:
        self.out.append(c)
        self.column += 1

    def put_break(self) -> None:
        self.out.append("\n")
        self.column = 0

    def write(self, c: str) -> None:
        self.out.append(c)
        self.column += 1

    def write_break(self, c: str) -> None:
        if c == "\n":
            self.put_break()
        else:
            self.out.append(c)
            self.column = 0

    def write_indent(self) -> None:
        indent = max(self.indent, 0)
        if not self.indention or self.column > indent or (self.column == indent and not self.whitespace):
            self.put_break()
        if self.column < indent:
            self.out.append(" " * (indent - self.column))
            self.column = indent
        self.whitespace = True
        self.indention = True

    def write_indicator(self, indicator: str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) -> None:
        if need_whitespace and not self.whitespace:
            self.put(" ")
        for c in indicator:
            self.write(c)
        self.whitespace = is_whitespace
        self.indention = self.indention and is_indention

    def increase_indent(self, flow: bool, indentless: bool) -> None:
        self.indents.append(self.indent)
        if self.indent < 0:
            self.indent = self.best_indent if flow else 0
        elif not indentless:
            self.indent += self.best_indent

    def pop_indent(self) -> None:
        self.indent = self.indents.pop()

    # -- structure --

    def document(self, value: Any) -> str:
        self.emit_node(value, root=True, sequence=False, mapping=False, simple_key=False)
        self.write_indent()  # document end
        return "".join(self.out)

    def emit_node(self, value: Any, root: bool, sequence: bool, mapping: bool, simple_key: bool) -> None:
        self.root_context = root
        self.sequence_context = sequence
        self.mapping_context = mapping
        self.simple_key_context = simple_key
        if isinstance(value, _Mapping):
            if self.flow_level or not value.items:
                self.emit_flow_empty("{", "}")
            else:
                self.emit_block_mapping(value)
        elif isinstance(value, list):
            if self.flow_level or not value:
                self.emit_flow_empty("[", "]")
            else:
                self.emit_block_sequence(value)
        else:
            text, style = _scalar_text(value)
            self.emit_scalar(text, style)

    def emit_flow_empty(self, open_: str, close: str) -> None:
        self.write_indicator(open_, True, True, False)
        self.increase_indent(True, False)
        self.flow_level += 1
        self.flow_level -= 1
        self.pop_indent()
        self.write_indicator(close, False, False, False)

    def emit_block_sequence(self, items: list) -> None:
        self.increase_indent(False, self.mapping_context and not self.indention)
        for item in items:
            self.write_indent()
            self.write_indicator("-", True, False, True)
            self.emit_node(item, root=False, sequence=True, mapping=False, simple_key=False)
        self.pop_indent()

    def emit_block_mapping(self, mapping: _Mapping) -> None:
        self.increase_indent(False, False)
        for key, value in mapping.items:
            self.write_indent()
            key_text, key_style = _scalar_text(key)
            if self.check_simple_key(key_text):
                self.emit_node(key, root=False, sequence=False, mapping=True, simple_key=True)
                self.write_indicator(":", False, False, False)
            else:
                self.write_indicator("?", True, False, True)
                self.emit_node(key, root=False, sequence=False, mapping=True, simple_key=False)
                self.write_indent()
                self.write_indicator(":", True, False, True)
            self.emit_node(value, root=False, sequence=False, mapping=True, simple_key=False)
        self.pop_indent()

    def check_simple_key(self, text: str) -> bool:
        if _analyze(text).multiline:
            return False
        return len(text.encode("utf-8")) <= 128

    # -- scalars --

    def select_style(self, text: str, style: str) -> str:
        a = _analyze(text)
        if self.simple_key_context and a.multiline:
            style = DOUBLE
        if style == PLAIN:
            if (self.flow_level and not a.flow_plain) or (not self.flow_level and not a.block_plain):
                style = SINGLE
            if not text and (self.flow_level or self.simple_key_context):
                style = SINGLE
        if style == SINGLE and not a.single_quoted:
            style = DOUBLE
        if style == LITERAL and (not a.block or self.flow_level or self.simple_key_context):
            style = DOUBLE
        return style

    def emit_scalar(self, text: str, requested: str) -> None:
        style = self.select_style(text, requested)
        self.increase_indent(True, False)
        allow_breaks = not self.simple_key_context
        if style == PLAIN:
            self.write_plain(text, allow_breaks)
        elif style == SINGLE:
            self.write_single_quoted(text, allow_breaks)
        elif style == DOUBLE:
            self.write_double_quoted(text, allow_breaks)
        else:
            self.write_literal(text)
        self.pop_indent()

    def write_plain(self, value: str, allow_breaks: bool) -> None:
        if not self.whitespace:
            self.put(" ")
        if (" " not in value or self.column + len(value) <= self.best_width) and not _BREAKS.search(value):
            # No line break can happen in it: write it whole.
            self.out.append(value)
            self.column += len(value)
            self.whitespace = False
            self.indention = False
            return
        spaces = breaks = False
        n = len(value)
        i = 0
        while i < n:
            c = value[i]
            if c == " ":
                nxt_space = i + 1 < n and value[i + 1] == " "
                if allow_breaks and not spaces and self.column > self.best_width and not nxt_space:
                    self.write_indent()
                else:
                    self.write(c)
                spaces = True
            elif _is_break(c):
                if not breaks and c == "\n":
                    self.put_break()
                self.write_break(c)
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.write(c)
                self.indention = False
                spaces = breaks = False
            i += 1
        self.whitespace = False
        self.indention = False

    def write_single_quoted(self, value: str, allow_breaks: bool) -> None:
        self.write_indicator("'", True, False, False)
        spaces = breaks = False
        n = len(value)
        for i, c in enumerate(value):
            if c == " ":
                nxt_space = i + 1 < n and value[i + 1] == " "
                if allow_breaks and not spaces and self.column > self.best_width and 0 < i < n - 1 and not nxt_space:
                    self.write_indent()
                else:
                    self.write(c)
                spaces = True
            elif _is_break(c):
                if not breaks and c == "\n":
                    self.put_break()
                self.write_break(c)
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                if c == "'":
                    self.put("'")
                self.write(c)
                self.indention = False
                spaces = breaks = False
        self.write_indicator("'", False, False, False)
        self.whitespace = False
        self.indention = False

    _ESCAPES = {
        0x00: "0", 0x07: "a", 0x08: "b", 0x09: "t", 0x0A: "n", 0x0B: "v", 0x0C: "f", 0x0D: "r",
        0x1B: "e", 0x22: '"', 0x5C: "\\", 0x85: "N", 0xA0: "_", 0x2028: "L", 0x2029: "P",
    }  # fmt: skip

    def write_double_quoted(self, value: str, allow_breaks: bool) -> None:
        self.write_indicator('"', True, False, False)
        # yaml.v2 tests for a BOM at the start of the value, not at each character.
        starts_with_bom = value.startswith("\ufeff")
        spaces = False
        n = len(value)
        for i, c in enumerate(value):
            o = ord(c)
            if not _is_printable(c) or starts_with_bom or _is_break(c) or c in '"\\':
                self.put("\\")
                esc = self._ESCAPES.get(o)
                if esc is not None:
                    self.put(esc)
                elif o <= 0xFF:
                    for d in f"x{o:02X}":
                        self.put(d)
                elif o <= 0xFFFF:
                    for d in f"u{o:04X}":
                        self.put(d)
                else:
                    for d in f"U{o:08X}":
                        self.put(d)
                spaces = False
            elif c == " ":
                if allow_breaks and not spaces and self.column > self.best_width and 0 < i < n - 1:
                    self.write_indent()
                    if i + 1 < n and value[i + 1] == " ":
                        self.put("\\")
                else:
                    self.write(c)
                spaces = True
            else:
                self.write(c)
                spaces = False
        self.write_indicator('"', False, False, False)
        self.whitespace = False
        self.indention = False

    def write_block_hints(self, value: str) -> None:
        if value and (value[0] == " " or _is_break(value[0])):
            self.write_indicator(str(self.best_indent), False, False, False)
        chomp = ""
        if not value or not _is_break(value[-1]):
            chomp = "-"
        elif len(value) == 1 or _is_break(value[-2]):
            chomp = "+"
        if chomp:
            self.write_indicator(chomp, False, False, False)

    def write_literal(self, value: str) -> None:
        self.write_indicator("|", True, False, False)
        self.write_block_hints(value)
        self.put_break()
        self.indention = True
        self.whitespace = True
        breaks = True
        for c in value:
            if _is_break(c):
                self.write_break(c)
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.write(c)
                self.indention = False
                breaks = False


# --- Kubernetes' YAML document reader ----------------------------------------------------------------


def split_documents(text: str) -> list[str]:
    """k8s.io/apimachinery's YAMLReader: documents separated by lines that are
    ``---`` plus optional trailing whitespace; every line comes back ending in
    ``\\n`` (``\\r\\n`` too becomes ``\\n``); zero-length documents are skipped, a
    document of blank lines or comments is not."""
    docs: list[str] = []
    buffer: list[str] = []
    for line in _lines(text):
        if line.startswith("---") and not line[3:].rstrip(_GO_SPACE):
            if buffer:
                docs.append("".join(buffer))
                buffer = []
            continue
        buffer.append(line)
    if buffer:
        docs.append("".join(buffer))
    return docs


# unicode.IsSpace for the characters a line can end with after "---".
_GO_SPACE = (
    " \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _lines(text: str) -> list[str]:
    """bufio ReadLine plus the "\\n" LineReader appends: "\\n" or "\\r\\n" end a line;
    a last line without a line end still gets its "\\n"."""
    parts = text.split("\n")
    out = [(p[:-1] if p.endswith("\r") else p) + "\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1] + "\n")
    return out


# --- locating a JSON path in the YAML text -------------------------------------------------------------

_PATH_PART = re.compile(r"\[(\d+)\]|\.?([^.\[]+)")


def node_at(text: str, path: str) -> Any:
    """The PyYAML node of the first document at a decoder path such as
    ``containers[0].ports[1].containerPort`` (keys matched case-insensitively,
    as encoding/json matches them), or the deepest node reached; None when the
    text does not parse. For error reports: its ``start_mark`` is the line."""
    try:
        node = _first_node(text)
    except YAMLError:
        return None
    for m in _PATH_PART.finditer(path):
        index, key = m.group(1), m.group(2)
        nxt = None
        if index is not None and isinstance(node, _pyyaml.SequenceNode):
            i = int(index)
            nxt = node.value[i] if i < len(node.value) else None
        elif key is not None and isinstance(node, _pyyaml.MappingNode):
            folded = key.casefold()
            for k, v in node.value:
                if isinstance(k, _pyyaml.ScalarNode) and k.value.casefold() == folded:
                    nxt = v
        if nxt is None:
            break
        node = nxt
    return node
