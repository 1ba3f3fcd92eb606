"""Hypothesis strategies for differential tests of template *execution*.

This module owns the random inputs of the executor's differential tests:

* :func:`typed_values` - data in the oracle's typed value encoding
  (../shared/oracle/README.md "Typed value encoding") covering every kind of
  value the oracle can build: all scalar kinds with their extremes, slices,
  arrays, maps with every orderable key kind, pointers, structs, ``error``,
  ``time.Duration``, ``oracle.T``, ``oracle.Stringer`` and shorthand JSON;
* :func:`exec_requests` - complete oracle exec requests whose template is
  generated *together with* its data, so most paths in it exist, and which
  reach every action, every builtin (with good and bad arguments), the test
  function set, ``missingkey`` options, associated templates and errors.

Every request must give the same answer on every run: outputs never contain
pointer addresses (Go prints those for pointers nested in printed values),
map iteration never depends on Go's random order, loops are bounded and
outputs stay small. To know what is safe to print, the template builder keeps
a model of the data (:class:`Val`) and of what each expression can evaluate
to; the oracle, not the model, is the judge of what the output is.

The knowledge of Go's behaviour here comes from reading text/template and fmt
and from asking the oracle, not from Go's tests.
"""

from __future__ import annotations

import dataclasses
import math
import re
import struct
from typing import Any, Callable, Iterable, Sequence

from hypothesis import strategies as st

from gen_templates import BUILTIN_FUNCS, TEST_FUNCS, go_quote
from gen_templates import _pick as pick
from gen_templates import _weighted as weighted

__all__ = [
    "GoT",
    "Val",
    "typed_values",
    "exec_requests",
    "encode_value",
    "data_kinds",
    "BUILTIN_FUNCS",
    "TEST_FUNCS",
]

Draw = Callable[[st.SearchStrategy[Any]], Any]


def chance(draw: Draw, percent: int) -> bool:
    """True with the given probability. Hypothesis favours small integers (and
    shrinks toward 0), so 0 means "no": rare features stay rare and shrink away."""
    return draw(st.integers(0, 99)) >= 100 - percent


# ===================================================================================
# Go types, as the oracle spells them
# ===================================================================================

INT_NAMES = ("int", "int8", "int16", "int32", "int64")
UINT_NAMES = ("uint", "uint8", "uint16", "uint32", "uint64", "uintptr")
FLOAT_NAMES = ("float32", "float64")
COMPLEX_NAMES = ("complex64", "complex128")
_ALIASES = {"rune": "int32", "byte": "uint8"}
_BITS = {
    "int": 64, "int8": 8, "int16": 16, "int32": 32, "int64": 64,
    "uint": 64, "uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64, "uintptr": 64,
}  # fmt: skip
_NAMED_GO = {"oracle.T": "main.T", "oracle.Stringer": "main.Stringer", "time.Duration": "time.Duration"}
_NAMED_KIND = {"oracle.T": "T", "oracle.Stringer": "Stringer", "time.Duration": "duration"}


@dataclasses.dataclass(frozen=True)
class GoT:
    """A Go type. ``kind``: ``basic`` (``name`` = bool, string, int8, rune...),
    ``named`` (``oracle.T``, ``oracle.Stringer``, ``time.Duration``), ``any``,
    ``error``, ``slice``, ``array``, ``map``, ``ptr`` or ``struct``."""

    kind: str
    name: str = ""
    elem: "GoT | None" = None
    key: "GoT | None" = None
    length: int = 0
    fields: tuple[tuple[str, "GoT"], ...] = ()

    @property
    def base(self) -> str:
        """What the template builder cares about: the basic kind name, ``T``,
        ``Stringer``, ``duration``, ``any``, ``error`` or the composite kind."""
        if self.kind == "basic":
            return _ALIASES.get(self.name, self.name)
        if self.kind == "named":
            return _NAMED_KIND[self.name]
        return self.kind

    def expr(self) -> str:
        """The type expression for the oracle's ``"t"``."""
        k = self.kind
        if k in ("basic", "named", "any", "error"):
            return self.name
        if k == "slice":
            return "[]" + self.elem.expr()
        if k == "array":
            return f"[{self.length}]{self.elem.expr()}"
        if k == "map":
            return f"map[{self.key.expr()}]{self.elem.expr()}"
        if k == "ptr":
            return "*" + self.elem.expr()
        return "struct{" + "; ".join(f"{n} {t.expr()}" for n, t in self.fields) + "}"

    def go_string(self) -> str:
        """Go's reflect.Type.String() (what ``%T`` prints)."""
        k = self.kind
        if k == "basic":
            return self.base
        if k == "named":
            return _NAMED_GO[self.name]
        if k == "any":
            return "interface {}"
        if k == "error":
            return "error"
        if k == "slice":
            return "[]" + self.elem.go_string()
        if k == "array":
            return f"[{self.length}]{self.elem.go_string()}"
        if k == "map":
            return f"map[{self.key.go_string()}]{self.elem.go_string()}"
        if k == "ptr":
            return "*" + self.elem.go_string()
        if not self.fields:
            return "struct {}"
        return "struct { " + "; ".join(f"{n} {t.go_string()}" for n, t in self.fields) + " }"


def basic(name: str) -> GoT:
    return GoT("basic", name)


def slice_of(elem: GoT) -> GoT:
    return GoT("slice", elem=elem)


def array_of(n: int, elem: GoT) -> GoT:
    return GoT("array", elem=elem, length=n)


def map_of(key: GoT, elem: GoT) -> GoT:
    return GoT("map", key=key, elem=elem)


def ptr_to(elem: GoT) -> GoT:
    return GoT("ptr", elem=elem)


def struct_of(fields: Iterable[tuple[str, GoT]]) -> GoT:
    return GoT("struct", fields=tuple(fields))


ANY = GoT("any", "any")
ERROR = GoT("error", "error")
STRING = basic("string")
BOOL = basic("bool")
INT = basic("int")
FLOAT64 = basic("float64")
COMPLEX128 = basic("complex128")
T_TYPE = GoT("named", "oracle.T")
STRINGER_TYPE = GoT("named", "oracle.Stringer")
DURATION = GoT("named", "time.Duration")
SLICE_ANY = slice_of(ANY)
MAP_STRING_ANY = map_of(STRING, ANY)

# Pseudo-types of model values that are not data (see Val).
_OPAQUE_T = GoT("opaque")
_FAILS_T = GoT("fails")
_NOVALUE_T = GoT("novalue")
_UNKNOWN_T = GoT("unknown")
_PSEUDO = (_OPAQUE_T, _FAILS_T, _NOVALUE_T, _UNKNOWN_T)

# ===================================================================================
# Values: the payload sent to the oracle plus what the template builder needs
# ===================================================================================


@dataclasses.dataclass(eq=False)
class Val:
    """A Go value: its (dynamic) type, its payload in the typed encoding, and
    its structure (``value`` for scalars and error messages, ``elems``,
    ``entries``, ``fields``, ``target``). ``nil`` marks nil slices, maps,
    pointers, errors and interfaces. ``shorthand`` values sit in interface
    slots as plain JSON. ``value is None`` on a scalar means "not known"
    (results the builder does not compute)."""

    type: GoT
    payload: Any = None
    value: Any = None
    nil: bool = False
    elems: "list[Val] | None" = None
    entries: "list[tuple[Val, Val]] | None" = None
    fields: "list[tuple[str, Val]] | None" = None
    target: "Val | None" = None
    shorthand: bool = False

    @property
    def kind(self) -> str:
        return self.type.base

    def children(self) -> list["Val"]:
        out = list(self.elems or ())
        for k, v in self.entries or ():
            out += (k, v)
        out += [v for _, v in self.fields or ()]
        if self.target is not None:
            out.append(self.target)
        return out

    def encode(self) -> Any:
        """This value in an interface slot (top-level data, ``[]any`` elements...)."""
        if self.kind == "any" and self.nil:
            return None
        if self.shorthand:
            return self.payload
        return {"t": self.type.expr(), "v": self.payload}


# Expression results the builder cannot or need not model precisely.
OPAQUE = Val(_OPAQUE_T)  # some value that is safe to print
FAILS = Val(_FAILS_T)  # evaluating it certainly fails
NOVALUE = Val(_NOVALUE_T)  # Go's invalid reflect.Value: prints "<no value>"
UNKNOWN = Val(_UNKNOWN_T)  # some value the model cannot pin down: never printed


def is_data(v: Val) -> bool:
    """Whether v models real data (not one of the pseudo values above)."""
    return v.type not in _PSEUDO


def encode_value(v: Val) -> Any:
    """The typed-JSON encoding of a value placed in an interface slot."""
    return v.encode()


def _slot_payload(static: GoT, v: Val) -> Any:
    return v.encode() if static.kind == "any" else v.payload


def _f32(x: float) -> float:
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def zero_val(t: GoT) -> Val:
    """Go's zero value of t (what an omitted struct field holds)."""
    b = t.base
    if b in ("any", "error", "slice", "map", "ptr"):
        return Val(t, None, nil=True)
    if b == "array":
        return Val(t, None, elems=[zero_val(t.elem) for _ in range(t.length)])
    if b == "struct":
        return Val(t, {}, fields=[(n, zero_val(ft)) for n, ft in t.fields])
    if b == "T":
        return Val(t, {}, fields=[("S", Val(STRING, "", "")), ("N", Val(INT, 0, 0))])
    if b == "Stringer":
        return Val(t, {}, fields=[("S", Val(STRING, "", ""))])
    if b == "string":
        return Val(t, "", "")
    if b == "bool":
        return Val(t, False, False)
    if b in FLOAT_NAMES:
        return Val(t, 0, 0.0)
    if b in COMPLEX_NAMES:
        return Val(t, [0, 0], 0j)
    return Val(t, 0, 0)  # integers and time.Duration


def has_ptr(v: Val) -> bool:
    """Whether a non-nil pointer is v or inside v (fmt prints nested ones as addresses)."""
    if v.kind == "ptr" and not v.nil:
        return True
    return any(has_ptr(c) for c in v.children())


def safe_to_print(v: Val, deref: bool) -> bool:
    """Whether printing v gives the same text on every run.

    ``deref``: the value is printed by an action ``{{x}}`` (or html/js/urlquery),
    which first follows pointers; otherwise it is an fmt argument, where only a
    pointer to a struct/array/slice/map at the top prints as ``&{...}``.
    """
    if v.type is _UNKNOWN_T:
        return False
    if not is_data(v):
        return True
    if v.kind == "ptr" and not v.nil:
        if deref:
            while v.kind == "ptr" and not v.nil:
                v = v.target
        elif v.target.kind in ("struct", "T", "Stringer", "array", "slice", "map"):
            v = v.target
        else:
            return False
    return not any(has_ptr(c) for c in v.children())


def truth(v: Val) -> bool | None:
    """Go's truth of a value (None when the builder does not know it)."""
    b = v.kind
    if v.type is _NOVALUE_T:
        return False
    if not is_data(v):
        return None
    if b in ("slice", "map"):
        return False if v.nil else bool(v.elems if b == "slice" else v.entries)
    if b == "array":
        return bool(v.elems)
    if b in ("ptr", "any", "error"):
        return not v.nil
    if b in ("struct", "T", "Stringer"):
        return True
    if v.value is None:
        return None
    if isinstance(v.value, float) and math.isnan(v.value):
        return True
    return bool(v.value)


# ===================================================================================
# Payload vocabularies
# ===================================================================================

# Strings with HTML/JS/URL specials, printf verbs, quotes, non-ASCII, controls.
_STRINGS = (
    "", "x", "abc", "a b", "Hello, World", "<b>&amp;</b>", "<a href=\"x\">'q'</a>", "100%", "%d%s",
    "tab\there", "line\nbreak", "é", "日本語", "😀", "\u2028", "\x00", "\x7f", "javascript:alert(1)",
    "a=b&c=d", "{{.}}", " ", "true", "0", "-1.5", "'", "\"", "\\", "k", "key", "Name", "x y z", "ü+ö",
)  # fmt: skip
_STRING_ALPHABET = "abcxyzABC019 _-.,:;!?%&<>='\"\\/\nté日😀"
# Map keys usable as ``.key`` (identifiers) and some that need ``index``.
_IDENT_KEYS = ("a", "b", "c", "k", "key", "Name", "x1", "_", "end", "nil", "zz", "A", "B")
_OTHER_KEYS = ("", "a b", "é", "1", "x-y", "A.B", "<k>", "日本", "%v")
_FIELD_NAMES = ("A", "B", "C", "D", "E", "Name", "Items", "M", "P", "X", "Y", "Val", "List", "Err", "Dur", "Num", "Str", "Flag", "T", "N")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_FLOATS = (
    0.0, -0.0, 1.0, -1.0, 1.5, -2.25, 0.1, 3.0, 100.0, 1e6, 1e20, 1e21, 1e-5, 1e-4, 123456789.0,
    6.02e23, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.3333333333333333, 2.5e-7,
)  # fmt: skip
_FLOAT_SPECIALS = ("NaN", "+Inf", "-Inf", "-0")
_FLOAT32S = (0.1, 1.5, 16777217.0, 3.4028234663852886e38, 1e-45, 1.17549435e-38, 0.3, 3.14159)
_DURATIONS = (0, 1, 999, 1500, 1000000, 1500000000, -3000000, "1h30m", "2h45m30.5s", "-1m", "0s", 86400000000000,
              "2562047h47m16.854775807s", "-2562047h47m16.854775808s", "90s", "1.5µs")  # fmt: skip


def _int_candidates(name: str) -> list[int]:
    bits = _BITS[_ALIASES.get(name, name)]
    if name.startswith("uint") or name in ("byte", "uintptr"):
        hi = (1 << bits) - 1
        return [0, 1, 2, 7, 10, 42, 255, hi, hi - 1, 1 << (bits - 1)]
    hi = (1 << (bits - 1)) - 1
    return [0, 1, -1, 2, 3, 5, 42, -42, 65, hi, -hi - 1, 100]


def _int_payload(draw: Draw, n: int) -> Any:
    # Integers beyond 2^53 lose precision as JSON numbers; the oracle takes strings.
    if abs(n) >= 1 << 53 or chance(draw, 10):
        return str(n)
    return n


def _float_text(f: float) -> Any:
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0 and math.copysign(1, f) < 0:
        return "-0"
    return f


# ===================================================================================
# Value generation
# ===================================================================================


class _ValueMaker:
    """Draws types and values. ``ptr_percent`` is how often composite slots
    hold pointers (they make printing a container unsafe, so it stays low)."""

    def __init__(self, draw: Draw, ptr_percent: int = 8) -> None:
        self.draw = draw
        self.ptr_percent = ptr_percent

    # -- types -------------------------------------------------------------------

    def scalar_type(self) -> GoT:
        draw = self.draw
        group = weighted(draw, [(18, "string"), (8, "bool"), (16, "int"), (14, "sized"), (12, "float"),
                                (4, "complex"), (6, "error"), (5, "duration"), (7, "T"), (4, "Stringer")])
        if group == "string":
            return STRING
        if group == "bool":
            return BOOL
        if group == "int":
            return INT
        if group == "sized":
            return basic(pick(draw, INT_NAMES[1:] + UINT_NAMES + ("rune", "byte")))
        if group == "float":
            return basic(pick(draw, ("float64", "float64", "float32")))
        if group == "complex":
            return basic(pick(draw, COMPLEX_NAMES))
        return {"error": ERROR, "duration": DURATION, "T": T_TYPE, "Stringer": STRINGER_TYPE}[group]

    def key_type(self) -> GoT:
        draw = self.draw
        choice = weighted(draw, [(50, "string"), (12, "int"), (8, "any"), (4, "bool"), (5, "float64"),
                                 (2, "float32"), (6, "sized"), (2, "complex"), (2, "array"), (2, "struct")])
        if choice == "sized":
            return basic(pick(draw, ("int8", "int16", "uint8", "uint16", "uint32", "uint64", "int64", "rune")))
        return {
            "string": STRING, "int": INT, "any": ANY, "bool": BOOL, "float64": FLOAT64,
            "float32": basic("float32"), "complex": COMPLEX128, "array": array_of(2, INT),
            "struct": struct_of((("A", INT), ("B", STRING))),
        }[choice]  # fmt: skip

    def type_(self, depth: int) -> GoT:
        draw = self.draw
        if depth <= 0:
            return self.scalar_type()
        choice = weighted(draw, [(40, "scalar"), (12, "slice"), (4, "array"), (12, "map"), (10, "struct"),
                                 (self.ptr_percent, "ptr"), (6, "any")])
        if choice == "scalar":
            return self.scalar_type()
        if choice == "slice":
            return slice_of(self.type_(depth - 1))
        if choice == "array":
            return array_of(draw(st.integers(0, 3)), self.type_(depth - 1))
        if choice == "map":
            return map_of(self.key_type(), self.type_(depth - 1))
        if choice == "struct":
            return self.struct_type(depth - 1)
        if choice == "ptr":
            return ptr_to(self.type_(depth - 1))
        return GoT("any", pick(draw, ("any", "any", "interface{}")))

    def struct_type(self, depth: int, min_fields: int = 1, max_fields: int = 4) -> GoT:
        names = self.draw(st.lists(st.sampled_from(_FIELD_NAMES), min_size=min_fields, max_size=max_fields, unique=True))
        return struct_of((n, self.type_(depth)) for n in names)

    # -- values ------------------------------------------------------------------

    def scalar(self, t: GoT) -> Val:
        draw = self.draw
        b = t.base
        if b == "string":
            s = pick(draw, _STRINGS) if chance(draw, 75) else draw(st.text(_STRING_ALPHABET, max_size=8))
            return Val(t, s, s)
        if b == "bool":
            x = draw(st.booleans())
            return Val(t, x, x)
        if b in _BITS:
            n = pick(draw, _int_candidates(t.name)) if chance(draw, 70) else draw(st.integers(-50, 300))
            bits = _BITS[b]
            lo, hi = (0, (1 << bits) - 1) if b.startswith("uint") else (-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
            n = min(max(n, lo), hi)
            return Val(t, _int_payload(draw, n), n)
        if b == "float64":
            if chance(draw, 15):
                s = pick(draw, _FLOAT_SPECIALS)
                return Val(t, s, float(s.replace("+", "")))
            f = pick(draw, _FLOATS) if chance(draw, 75) else draw(st.floats(-1e6, 1e6, width=32))
            return Val(t, _float_text(f), f)
        if b == "float32":
            if chance(draw, 10):
                s = pick(draw, _FLOAT_SPECIALS)
                return Val(t, s, float(s.replace("+", "")))
            f = pick(draw, _FLOAT32S + (0.0, 1.0, -2.5)) if chance(draw, 80) else draw(st.floats(-1e4, 1e4, width=32))
            return Val(t, _float_text(f), _f32(f))
        if b in COMPLEX_NAMES:
            re_, im = pick(draw, (0.0, 1.0, -1.5, 2.0, 1e20)), pick(draw, (0.0, 1.0, -2.0, 0.5))
            if chance(draw, 10):
                return Val(t, ["NaN", "-0"], complex(math.nan, -0.0))
            if chance(draw, 25):
                return Val(t, f"{re_!r}{'+' if im >= 0 else ''}{im!r}i", complex(re_, im))
            return Val(t, [re_, im], complex(re_, im))
        if b == "error":
            if chance(draw, 30):
                return Val(t, None, nil=True)
            msg = pick(draw, ("boom", "something failed", "", "<err>", "100% bad"))
            return Val(t, msg, msg)
        if b == "duration":
            d = pick(draw, _DURATIONS)
            return Val(t, d, d if isinstance(d, int) else None)
        if b == "T":
            s, n = pick(draw, ("a", "", "x y", "<t>", "é")), pick(draw, (0, 1, 2, -7, 42))
            payload: dict[str, Any] = {}
            if chance(draw, 85):
                payload["S"] = s
            else:
                s = ""
            if chance(draw, 80):
                payload["N"] = n
            else:
                n = 0
            return Val(t, payload, fields=[("S", Val(STRING, s, s)), ("N", Val(INT, n, n))])
        if b == "Stringer":
            s = pick(draw, ("s", "", "<b>", "a&b"))
            return Val(t, {"S": s}, fields=[("S", Val(STRING, s, s))])
        raise AssertionError(f"not a scalar type: {t}")

    def of(self, t: GoT, depth: int) -> Val:
        """A value of static type t (for ``any``, a dynamic value)."""
        draw = self.draw
        b = t.base
        if b == "any":
            return self.dynamic(depth)
        if b == "slice":
            if chance(draw, 12):
                return Val(t, None, nil=True)
            if t.elem.base == "uint8" and chance(draw, 30):
                s = pick(draw, ("hi", "", "日本", "<&>"))
                data = s.encode()
                return Val(t, s, elems=[Val(t.elem, x, x) for x in data])
            elems = [self.of(t.elem, depth - 1) for _ in range(draw(st.integers(0, 4)))]
            return Val(t, [_slot_payload(t.elem, e) for e in elems], elems=elems)
        if b == "array":
            if chance(draw, 10):
                return dataclasses.replace(zero_val(t), payload=None)
            elems = [self.of(t.elem, depth - 1) for _ in range(t.length)]
            return Val(t, [_slot_payload(t.elem, e) for e in elems], elems=elems)
        if b == "map":
            return self.map_value(t, depth)
        if b == "ptr":
            if chance(draw, 30):
                return Val(t, None, nil=True)
            target = self.of(t.elem, depth - 1)
            payload = _slot_payload(t.elem, target)
            if payload is None:
                return Val(t, None, nil=True)  # the oracle reads a null payload as a nil pointer
            return Val(t, payload, target=target)
        if b == "struct":
            payload, fields = {}, []
            for name, ft in t.fields:
                if chance(draw, 15):
                    fields.append((name, zero_val(ft)))
                    continue
                v = self.of(ft, depth - 1)
                payload[name] = _slot_payload(ft, v)
                fields.append((name, v))
            return Val(t, payload, fields=fields)
        return self.scalar(t)

    def key(self, t: GoT) -> Val:
        """A map key of type t: never NaN (NaN keys order by Go's random map order)."""
        draw = self.draw
        b = t.base
        if b == "string":
            s = pick(draw, _IDENT_KEYS) if chance(draw, 75) else pick(draw, _OTHER_KEYS)
            return Val(t, s, s)
        if b == "any":
            # Only basic types: Go orders interface keys of other types by address.
            kt = weighted(draw, [(30, STRING), (20, INT), (12, FLOAT64), (8, BOOL), (6, basic("int8")),
                                 (6, basic("uint")), (4, basic("float32")), (4, basic("int64")), (3, COMPLEX128)])
            k = self.key(kt)
            plain_json = kt in (STRING, BOOL) or kt == FLOAT64 and isinstance(k.payload, float)
            if plain_json and chance(draw, 50):
                k = dataclasses.replace(k, shorthand=True)  # "NaN"/"-0" would be strings
            return k
        if b in ("float64", "float32"):
            f = pick(draw, (0.0, 1.5, -2.0, 1e20, 0.1, 3.0, -0.0, 1e-300 if b == "float64" else 1e-30, math.inf))
            return Val(t, _float_text(f), f if b == "float64" else _f32(f))
        if b == "array":
            elems = [Val(t.elem, x, x) for x in (draw(st.integers(-2, 3)), draw(st.integers(-2, 3)))]
            return Val(t, [e.payload for e in elems], elems=elems)
        if b == "struct":
            a, s = draw(st.integers(0, 3)), pick(draw, ("", "z", "a"))
            return Val(t, {"A": a, "B": s}, fields=[("A", Val(INT, a, a)), ("B", Val(STRING, s, s))])
        return self.scalar(t)

    def map_value(self, t: GoT, depth: int) -> Val:
        draw = self.draw
        if chance(draw, 10):
            return Val(t, None, nil=True)
        entries: list[tuple[Val, Val]] = []
        seen: set[Any] = set()
        for _ in range(draw(st.integers(0, 4))):
            k = self.key(t.key)
            ident = _key_identity(k)
            if ident in seen:
                continue  # equal keys would make the surviving entry order-dependent
            seen.add(ident)
            entries.append((k, self.of(t.elem, depth - 1)))
        object_form = t.key.base in ("string",) + INT_NAMES + UINT_NAMES and chance(draw, 60)
        if object_form:
            payload = {str(k.value): _slot_payload(t.elem, v) for k, v in entries}
        else:
            payload = [[_slot_payload(t.key, k), _slot_payload(t.elem, v)] for k, v in entries]
        return Val(t, payload, entries=entries)

    def dynamic(self, depth: int) -> Val:
        """A value in an interface slot: nil, shorthand JSON or a typed value."""
        choice = weighted(self.draw, [(6, "nil"), (44, "plain"), (50, "typed")])
        if choice == "nil":
            return Val(ANY, None, nil=True)
        if choice == "typed":
            return self.of(self.type_(depth), depth)
        return self.plain(depth)

    def plain(self, depth: int) -> Val:
        """Shorthand: plain JSON, decoded as encoding/json decodes into ``any``.

        Everything inside a shorthand array or object is plain too: the oracle
        does not look for ``{"t", "v"}`` objects there (they stay two-key maps),
        only in the interface slots of *typed* containers.
        """
        draw = self.draw
        kinds = [(30, "string"), (25, "number"), (10, "bool"), (5, "null")]
        if depth > 0:
            kinds += [(12, "list"), (15, "object")]
        kind = weighted(draw, kinds)
        if kind == "string":
            return dataclasses.replace(self.scalar(STRING), shorthand=True)
        if kind == "bool":
            return dataclasses.replace(self.scalar(BOOL), shorthand=True)
        if kind == "null":
            return Val(ANY, None, nil=True)
        if kind == "number":
            f = pick(draw, (0, 1, 2, -3, 0.5, 1.5, 42, 1e6, 1e21, -0.0, 3.0, 255, 1e-7, 123456789))
            return Val(FLOAT64, f, float(f), shorthand=True)
        if kind == "list":
            elems = [self.plain(depth - 1) for _ in range(draw(st.integers(0, 4)))]
            return Val(SLICE_ANY, [e.encode() for e in elems], elems=elems, shorthand=True)
        return self.object(depth, shorthand=True)

    def object(self, depth: int, shorthand: bool, min_size: int = 0) -> Val:
        """A ``map[string]any`` (the shape JSON/YAML data takes): plain JSON
        all the way down, or typed with typed or plain values."""
        keys = self.draw(st.lists(st.sampled_from(_IDENT_KEYS + _OTHER_KEYS[:4]), min_size=min_size, max_size=5, unique=True))
        value = self.plain if shorthand else self.dynamic
        entries = [(Val(STRING, k, k), value(depth - 1)) for k in keys]
        payload = {k.value: v.encode() for k, v in entries}
        return Val(MAP_STRING_ANY, payload, entries=entries, shorthand=shorthand)

    def data(self) -> Val:
        """Top-level data: mostly structs and maps, so field paths have somewhere to go."""
        draw = self.draw
        shape = weighted(draw, [(36, "struct"), (22, "object"), (12, "typed"), (8, "ptr"), (8, "T"),
                                (6, "scalar"), (4, "nil"), (4, "list")])
        if shape == "struct":
            return self.of(self.struct_type(2, min_fields=2, max_fields=5), 3)
        if shape == "object":
            return self.object(3, shorthand=chance(draw, 70), min_size=2)
        if shape == "typed":
            return self.of(self.type_(3), 3)
        if shape == "ptr":
            return self.of(ptr_to(self.struct_type(2, min_fields=2)), 3)
        if shape == "T":
            t = pick(draw, (T_TYPE, ptr_to(T_TYPE), slice_of(T_TYPE), slice_of(ptr_to(T_TYPE)),
                            map_of(STRING, STRINGER_TYPE), array_of(2, T_TYPE)))
            return self.of(t, 2)
        if shape == "scalar":
            return self.of(self.scalar_type(), 0)
        if shape == "list":
            return self.dynamic(2) if chance(draw, 50) else self.of(slice_of(self.type_(1)), 2)
        return Val(ANY, None, nil=True)


def _key_identity(k: Val) -> Any:
    """What makes two map keys equal in Go: type and value (0 == -0)."""
    return (k.type.go_string(), repr(k.payload) if k.value is None else (k.value if k.value == k.value else "nan"))


@st.composite
def _typed_value(draw: Draw, max_depth: int) -> Any:
    maker = _ValueMaker(draw, ptr_percent=10)
    if chance(draw, 50):
        return maker.data().encode()
    return maker.dynamic(max_depth).encode()


def typed_values(max_depth: int = 3) -> st.SearchStrategy[Any]:
    """Data values in the oracle's typed encoding (typed, shorthand, or mixed),
    nested up to ``max_depth`` composite levels."""
    return _typed_value(max_depth)


# ===================================================================================
# Expressions and their possible values
# ===================================================================================


@dataclasses.dataclass
class Expr:
    """Template source for an operand or command, and the values it can have
    (``None``: unknown, so never printed). A list rather than one value
    because a range body sees each element in turn."""

    text: str
    vals: list[Val] | None
    command: bool = False  # "f a b": needs parentheses as an operand

    def operand(self) -> str:
        return f"({self.text})" if self.command else self.text

    def field(self, name: str) -> str:
        if self.command or self.text[:1] not in ".$(":
            return f"({self.text}).{name}"
        if self.text == ".":
            return "." + name
        return self.text + "." + name

    def first(self) -> Val | None:
        """A representative value: the first one that is data, not a failure."""
        for v in self.vals or ():
            if v is not FAILS:
                return v
        return None


def printable(e: Expr, deref: bool = False) -> bool:
    return e.vals is not None and all(safe_to_print(v, deref) for v in e.vals)


def _map_vals(vals: list[Val] | None, fn: Callable[[Val], Val]) -> list[Val] | None:
    if vals is None:
        return None
    return [FAILS if v is FAILS else fn(v) for v in vals]


def _str_val(s: str | None = None) -> Val:
    return Val(STRING, s, s)


def _int_val(n: int | None) -> Val:
    return Val(INT, n, n)


def _bool_val(b: bool | None = None) -> Val:
    return Val(BOOL, b, b)


def _float_val(f: float | None = None) -> Val:
    return Val(FLOAT64, f, f)


def _t_val(s: str, n: int) -> Val:
    return Val(T_TYPE, {"S": s, "N": n}, fields=[("S", _str_val(s)), ("N", _int_val(n))])


def _ptr_t_val(s: str, n: int) -> Val:
    target = _t_val(s, n)
    return Val(ptr_to(T_TYPE), target.payload, target=target)


_DURATION_METHODS = {
    "String": lambda v: _str_val(),
    "Hours": lambda v: _float_val(),
    "Minutes": lambda v: _float_val(),
    "Seconds": lambda v: _float_val(),
    "Nanoseconds": lambda v: Val(basic("int64"), None, None),
    "Milliseconds": lambda v: Val(basic("int64"), None, None),
    "Abs": lambda v: Val(DURATION, None, None),
}


def _deref(v: Val) -> Val | None:
    """Go's indirect for field access: follow pointers; None at a nil one."""
    while v.kind == "ptr":
        if v.nil:
            return None
        v = v.target
    return v


def _missing(elem: GoT, missingkey: str) -> Val:
    """What ``.key`` gives for a key the map lacks."""
    if missingkey == "error":
        return FAILS
    if missingkey == "zero":
        return zero_val(elem)
    return NOVALUE


def field_step(v: Val, name: str, missingkey: str) -> Val:
    """The value of ``v.name`` (a field, map key or niladic method), as Go evaluates it."""
    if v.type is _NOVALUE_T:
        return FAILS if missingkey == "error" else NOVALUE
    if not is_data(v):
        return FAILS if v.type is _FAILS_T else UNKNOWN
    d = _deref(v)
    if d is None or (d.kind in ("any", "error") and d.nil):
        return FAILS  # nil pointer evaluating ...
    b = d.kind
    if b == "T":
        t = dict(d.fields)
        s, n = t["S"].value, t["N"].value
        if name in t:
            return t[name]
        if name == "Str":
            return _str_val("T:" + s)
        if name == "PStr":
            return _str_val()  # fails unless addressable; a string either way
        if name == "Next":
            return _ptr_t_val(s + "+", n + 1)
        return FAILS
    if b in ("struct", "Stringer"):
        if name == "String" and b == "Stringer":
            return _str_val("<" + dict(d.fields)["S"].value + ">")
        return dict(d.fields).get(name, FAILS)
    if b == "map":
        if d.type.key.base != "string":
            return FAILS
        for k, x in d.entries or ():
            if k.value == name:
                return x
        return _missing(d.type.elem, missingkey)
    if b == "error":
        return _str_val(d.value) if name == "Error" else FAILS
    if b == "duration":
        return _DURATION_METHODS[name](d) if name in _DURATION_METHODS else FAILS
    return FAILS


def field_names(v: Val, missingkey: str) -> list[str]:
    """Names that ``.name`` can follow on v (fields, identifier map keys, methods)."""
    d = _deref(v) if is_data(v) else None
    if d is None:
        return []
    b = d.kind
    if b == "T":
        return ["S", "N", "Str", "Next", "PStr"]
    if b == "Stringer":
        return ["S", "String"]
    if b == "struct":
        return [n for n, _ in d.fields]
    if b == "map" and d.type.key.base == "string":
        return [k.value for k, _ in d.entries or () if _IDENT.match(k.value)]
    if b == "error" and not d.nil:
        return ["Error"]
    if b == "duration":
        return list(_DURATION_METHODS)
    return []


def elements(v: Val) -> list[Val]:
    d = _deref(v) if is_data(v) else None
    if d is None:
        return []
    if d.kind in ("slice", "array"):
        return list(d.elems or ())
    if d.kind == "map":
        return [x for _, x in d.entries or ()]
    return []


def key_literal(k: Val) -> str | None:
    """A template literal that ``index`` turns into exactly this key, if any."""
    b = k.kind
    if b == "string":
        return go_quote(k.value)
    if b == "bool":
        return "true" if k.value else "false"
    if b in _BITS:
        # index converts int constants to any integer key type (truncating!).
        return str(k.value) if -(1 << 63) <= k.value < (1 << 63) else None
    if b == "float64" and k.value is not None and math.isfinite(k.value):
        text = repr(k.value)
        return text if any(c in text for c in ".e") else text + ".0"
    if b == "complex128" and k.value is not None:
        c = k.value
        if not (math.isfinite(c.real) and math.isfinite(c.imag)):
            return None
        return f"{c.real!r}{'+' if math.copysign(1, c.imag) > 0 else ''}{c.imag!r}i"
    return None


# Number constants of every syntax, with the value an interface{} argument gets.
_NUMBERS: tuple[tuple[str, Any], ...] = (
    ("0", 0), ("1", 1), ("2", 2), ("3", 3), ("-1", -1), ("42", 42), ("1_000", 1000), ("0x1F", 31),
    ("0X_ff", 255), ("0o17", 15), ("017", 15), ("0b101", 5), ("'a'", 97), ("'\\n'", 10), ("'é'", 233),
    ("'\\x41'", 65), ("1.5", 1.5), ("-0.5", -0.5), ("1e3", 1000.0), ("1.", 1.0), (".5", 0.5),
    ("0x1p4", 16.0), ("6.02e23", 6.02e23), ("1e-7", 1e-7), ("-0.0", -0.0), ("2i", 2j), ("1+2i", 1 + 2j),
    ("0i", 0j), ("9223372036854775807", 9223372036854775807), ("-9223372036854775808", -9223372036854775808),
    ("18446744073709551615", "overflow"), ("1e100", 1e100), ("255", 255), ("65", 65), ("100", 100),
)  # fmt: skip


def number_val(value: Any) -> Val:
    if value == "overflow":
        return FAILS  # "18446744073709551615 overflows int"
    if isinstance(value, complex):
        return Val(COMPLEX128, None, value)
    if isinstance(value, float):
        return _float_val(value)
    return _int_val(value)


# ===================================================================================
# The template builder
# ===================================================================================

_VERBS = "vvvvvdddsssqxXobeEfgGcUtT"
_RARE_VERBS = "OFpw%!z"
_TEMPLATE_NAMES = ("sub", "row", "item", "x y", "é", "a/b.tmpl", "T", "helper")
_REQUEST_NAMES = ("t", "t", "t", "t", "page", "main.tmpl", "x y", "名前")
_MAX_TEMPLATE = 480
_TEXT_BITS = (" ", "\n", "-", ", ", "|", "[", "]", " = ", "\n  ", "<p>", "&", "é", "%", "x", "\t", ";")


class _Shared:
    """State shared by a template and the define/block bodies written for it."""

    def __init__(self, draw: Draw, funcs: bool, missingkey: str | None, faults: int, budget: int) -> None:
        self.draw = draw
        self.funcs = funcs
        self.missingkey = missingkey or "default"
        self.explicit_missingkey = missingkey is not None
        self.faults = faults  # percent chance of a deliberate mistake at each choice
        self.defines: list[str] = []
        self.associated: dict[str, str] = {}
        self.counter = 0
        self.budget = budget

    def fresh_name(self) -> str:
        self.counter += 1
        base = pick(self.draw, _TEMPLATE_NAMES) if chance(self.draw, 25) else "d"
        return f"{base}{self.counter}"


class _Builder:
    """Writes one template body for a known dot, tracking variables the way
    Go's parser scopes them (a flat list cut back at each ``{{end}}``)."""

    def __init__(self, shared: _Shared, dot: list[Val] | None, depth: int = 0) -> None:
        self.s = shared
        self.draw = shared.draw
        self.dot = dot
        self.vars: list[tuple[str, list[Val] | None]] = [("$", dot)]
        self.in_range = 0
        self.depth = depth
        self.var_counter = 0

    # -- small helpers --------------------------------------------------------

    def fault(self) -> bool:
        """Whether to make a deliberate mistake here."""
        return self.s.faults > 0 and chance(self.draw, self.s.faults)

    def action(self, body: str) -> str:
        left = "{{- " if chance(self.draw, 12) else "{{"
        right = " -}}" if chance(self.draw, 12) else "}}"
        return left + body + right

    def text(self) -> str:
        n = self.draw(st.integers(1, 3))
        return "".join(pick(self.draw, _TEXT_BITS) for _ in range(n))

    def new_var(self) -> str:
        """A variable name not used before in this template body."""
        self.var_counter += 1
        return pick(self.draw, ("$x", "$v", "$n", "$item", "$acc", "$k", "$é")) + str(self.var_counter)

    # -- operands -------------------------------------------------------------

    def roots(self) -> list[Expr]:
        out = [Expr(".", self.dot)]
        out += [Expr(name, vals) for name, vals in self.vars]
        return out

    def refs(self, max_steps: int = 3) -> list[Expr]:
        """Operands reachable from dot and the variables: field chains, map keys,
        niladic methods and ``index`` of elements."""
        out: list[Expr] = []
        frontier = self.roots()
        for _ in range(max_steps + 1):
            nxt: list[Expr] = []
            for e in frontier:
                out.append(e)
                nxt += self.children(e)
            frontier = nxt[:24]
            if not frontier:
                break
        return out[:60]

    def children(self, e: Expr) -> list[Expr]:
        v = e.first()
        if v is None:
            return []
        mk = self.s.missingkey
        out = [Expr(e.field(n), _map_vals(e.vals, lambda x, n=n: field_step(x, n, mk)), False)
               for n in field_names(v, mk)]
        d = _deref(v) if is_data(v) else None
        if d is not None and d.kind in ("slice", "array") and d.elems:
            for i in range(min(2, len(d.elems))):
                out.append(Expr(f"index {e.operand()} {i}", _map_vals(e.vals, lambda x, i=i: _index_step(x, i)), True))
        if d is not None and d.kind == "map" and d.entries:
            for k, _ in d.entries[:2]:
                lit = key_literal(k)
                if lit is not None and (k.kind != "string" or not _IDENT.match(k.value)):
                    out.append(Expr(f"index {e.operand()} {lit}",
                                    _map_vals(e.vals, lambda x, k=k: _map_index(x, k)), True))
        return out

    def ref(self, pred: Callable[[Val], bool] | None = None, printed: bool = False, deref: bool = False) -> Expr | None:
        """A random operand whose representative value satisfies pred."""
        if pred is None and self.s.explicit_missingkey and chance(self.draw, 12):
            # With a missingkey option, look up keys that are not there.
            e = self.bad_missingkey()
            if e is not None and (not printed or printable(e, deref)):
                return e
        refs = self.refs()
        if pred is not None:
            refs = [r for r in refs if r.first() is not None and pred(r.first())]
        if printed:
            refs = [r for r in refs if printable(r, deref)]
        if not refs:
            return None
        # Favour longer paths: they are what real templates do.
        return refs[-1 - self.draw(st.integers(0, len(refs) - 1))] if chance(self.draw, 50) else pick(self.draw, refs)

    def literal(self, kind: str | None = None) -> Expr:
        draw = self.draw
        kind = kind or weighted(draw, [(45, "number"), (40, "string"), (10, "bool"), (5, "nil")])
        if kind == "number":
            text, value = pick(draw, _NUMBERS)
            return Expr(text, [number_val(value)])
        if kind == "int":
            n = draw(st.integers(-3, 12))
            return Expr(str(n), [_int_val(n)])
        if kind == "string":
            s = pick(draw, _STRINGS) if chance(draw, 80) else draw(st.text(_STRING_ALPHABET, max_size=6))
            if chance(draw, 12) and "`" not in s:
                return Expr("`" + s + "`", [_str_val(s)])
            return Expr(go_quote(s), [_str_val(s)])
        if kind == "bool":
            b = chance(draw, 50)
            return Expr("true" if b else "false", [_bool_val(b)])
        return Expr("nil", [Val(ANY, None, nil=True)])

    def operand(self, printed: bool = True, pred: Callable[[Val], bool] | None = None, nil_ok: bool = True) -> Expr:
        """Any argument: a path into the data, a literal, or a nested call."""
        draw = self.draw
        if self.fault():
            return self.bad_ref()
        for _ in range(4):
            choice = weighted(draw, [(50, "ref"), (30, "lit"), (20 if self.depth < 3 else 0, "call")])
            if choice == "ref":
                e = self.ref(pred, printed=printed)
            elif choice == "lit":
                e = self.literal(None if nil_ok else pick(draw, ("number", "string", "bool")))
                if pred is not None and not (e.first() is not None and pred(e.first())):
                    e = None
            else:
                e = self.call(printed=printed)
                if pred is not None and not (e.first() is not None and pred(e.first())):
                    e = None
            if e is not None and (not printed or printable(e)):
                return e
        return self.literal("string")

    # -- deliberate mistakes ------------------------------------------------------

    def bad_ref(self) -> Expr:
        """An operand or command that goes wrong in one of Go's many ways."""
        draw = self.draw
        kind = weighted(draw, [
            (12, "nofield"), (8, "scalarfield"), (10, "nilptr"), (12, "missingkey"), (8, "fieldargs"),
            (6, "nonfunc"), (10, "method"), (12, "func"), (6, "len"), (6, "arity"), (6, "fail"),
        ])  # fmt: skip
        made = getattr(self, "bad_" + kind)()
        if made is None or not printable(made, deref=False):
            return self.bad_arity()
        return made

    def bad_nofield(self) -> Expr | None:
        e = self.ref(lambda v: _deref(v) is not None and _deref(v).kind in ("struct", "T", "Stringer", "map"))
        if e is None:
            return None
        name = pick(self.draw, ("Nope", "missing", "X", "s"))
        return Expr(e.field(name), _map_vals(e.vals, lambda x: field_step(x, name, self.s.missingkey)))

    def bad_scalarfield(self) -> Expr | None:
        e = self.ref(lambda v: v.kind in _SCALAR_KINDS or v.kind == "slice")
        return None if e is None else Expr(e.field(pick(self.draw, ("X", "Len", "A"))), [FAILS])

    def bad_nilptr(self) -> Expr | None:
        e = self.ref(lambda v: v.nil and v.kind in ("ptr", "any", "error"))
        if e is None:
            return None
        v = e.first()
        name = "Error" if v.kind == "error" else "A"
        if v.kind == "ptr" and v.type.elem.kind == "struct" and v.type.elem.fields:
            name = v.type.elem.fields[0][0]
        elif v.kind == "ptr" and v.type.elem.base == "T":
            name = pick(self.draw, ("S", "Str", "PStr"))
        return Expr(e.field(name), [FAILS])

    def bad_missingkey(self) -> Expr | None:
        e = self.ref(lambda v: _deref(v) is not None and _deref(v).kind == "map" and _deref(v).type.key.base == "string")
        if e is None:
            e = self.ref(lambda v: v.type is _NOVALUE_T)
        if e is None:
            return None
        name = pick(self.draw, ("nokey", "missing", "Other"))
        return Expr(e.field(name), _map_vals(e.vals, lambda x: field_step(x, name, self.s.missingkey)))

    def bad_fieldargs(self) -> Expr | None:
        # "A has arguments but cannot be invoked as function" / "k is not a method but has arguments"
        e = self.ref(lambda v: bool(field_names(v, self.s.missingkey)))
        if e is None:
            return None
        name = pick(self.draw, [n for n in field_names(e.first(), self.s.missingkey) if n not in ("Str", "Next", "PStr", "String", "Error") and n not in _DURATION_METHODS] or ["S"])
        return Expr(f"{e.field(name)} {self.literal('int').text}", [FAILS], True)

    def bad_nonfunc(self) -> Expr:
        # "can't give argument to non-function X"
        head = pick(self.draw, [".", "$", '"s"', "1", "true"] + [n for n, _ in self.vars[1:2]])
        return Expr(f"{head} {self.literal('int').text}", [FAILS], True)

    def bad_method(self) -> Expr | None:
        e = self.ref(lambda v: _deref(v) is not None and _deref(v).kind == "T")
        if e is None:
            return None
        call = pick(self.draw, (("Str", "1"), ("Add", ""), ("Add", '"x"'), ("Add", "1 2"), ("Sum", '"a"'),
                                ("Fail", ""), ("Add", "nil"), ("Add", "1.5"), ("Next", "1")))
        return Expr(f"{e.field(call[0])} {call[1]}".rstrip(), [FAILS], bool(call[1]))

    def bad_func(self) -> Expr | None:
        if not self.s.funcs:
            return None
        wrong = self.ref(lambda v: v.kind not in ("int", "any") and v.kind in _SCALAR_KINDS)
        text = pick(self.draw, ("add 1", "add nil 1", 'add "x" 1', "add 1.5 2", "echo", "echo 1 2", 'mkT 1 "a"',
                                "vjoin 1", "failWith 1", "zero 1", "typeOf", "add 1e3 9223372036854775807"))
        if wrong is not None and chance(self.draw, 40):
            text = f"add {wrong.operand()} 1"  # wrong type for value; expected int; got ...
        return Expr(text, [_int_val(None)] if text.startswith("add 1e3") else [FAILS], True)

    def bad_len(self) -> Expr:
        arg = self.ref(lambda v: v.nil or v.kind in _SCALAR_KINDS)
        return Expr(f"len {arg.operand() if arg is not None and chance(self.draw, 60) else 'nil'}", [FAILS], True)

    def bad_arity(self) -> Expr:
        text = pick(self.draw, ("eq 1", "lt 1", "le 1 2 3", "not", "index", "len", "len 1 2", "slice", "and", "or",
                                "html", "ne 1", "call", "print 1 | not 2", "printf 1", "printf nil", "printf", "or"))
        return Expr(text, [FAILS] if text not in ("html",) else [_str_val("")], True)

    def bad_fail(self) -> Expr | None:
        options = []
        if self.s.funcs:
            options += ["fail", 'failWith "bad thing"', 'boom "panic!"', 'failWith ""']
        t = self.ref(lambda v: _deref(v) is not None and _deref(v).kind == "T")
        if t is not None:
            options.append(t.field("Fail"))
        if not options:
            return None
        return Expr(pick(self.draw, options), [FAILS], True)

    # -- calls ------------------------------------------------------------------

    def call(self, printed: bool = True) -> Expr:
        """A command: a builtin, a test function or a method with arguments."""
        self.depth += 1
        try:
            weights = [(w, n) for n, w in _BUILTIN_WEIGHTS.items()]
            if self.s.funcs:
                weights += [(2 * w, n) for n, w in _TEST_WEIGHTS.items()]
            weights.append((14, "method"))
            name = weighted(self.draw, weights)
            e = getattr(self, "call_" + name)()
            if printed and not printable(e):
                return self.call_print_family()
            return e
        finally:
            self.depth -= 1

    def args(self, n: int, printed: bool = True, pred: Callable[[Val], bool] | None = None) -> list[Expr]:
        return [self.operand(printed=printed, pred=pred) for _ in range(n)]

    @staticmethod
    def command(name: str, args: Sequence[Expr], vals: list[Val] | None) -> Expr:
        text = " ".join([name] + [a.operand() for a in args])
        return Expr(text, vals, command=bool(args))

    # Each call_* returns an Expr; vals model the result (FAILS when it must fail).

    def call_len(self) -> Expr:
        if self.fault():
            arg = self.operand(pred=lambda v: v.kind not in ("string", "slice", "array", "map"))
        else:
            arg = self.ref(lambda v: _deref(v) is not None and _deref(v).kind in ("string", "slice", "array", "map")) or self.literal("string")
        return self.command("len", [arg], _map_vals(arg.vals, _len_of))

    def call_index(self) -> Expr:
        draw = self.draw
        container = self.ref(lambda v: _deref(v) is not None and _deref(v).kind in ("slice", "array", "map", "string"))
        if container is None or self.fault():
            container = container if container is not None and chance(draw, 50) else self.operand(printed=False)
        args, vals = [container], container.vals
        for _ in range(weighted(draw, [(75, 1), (20, 2), (5, 0)])):
            rep = next((v for v in vals or () if v is not FAILS), None)
            key = self.index_key(rep)
            args.append(key)
            k = key.first()
            vals = _map_vals(vals, lambda x, k=k: _index_any(x, k))
        return self.command("index", args, vals)

    def index_key(self, v: Val | None) -> Expr:
        """A key for ``index``: usually one that exists, sometimes out of range or of a wrong type."""
        draw = self.draw
        d = _deref(v) if v is not None and is_data(v) else None
        if d is not None and not self.fault():
            if d.kind in ("slice", "array", "string"):
                n = len(d.elems or ()) if d.kind != "string" else len(d.value.encode()) if d.value is not None else 0
                if n:
                    i = draw(st.integers(0, n - 1))
                    return Expr(str(i), [_int_val(i)])
            if d.kind == "map" and d.entries:
                k, _ = pick(draw, d.entries)
                lit = key_literal(k)
                if lit is not None:
                    return Expr(lit, [k])
        bad = weighted(draw, [(30, "big"), (15, "neg"), (20, "string"), (10, "float"), (15, "ref"), (10, "nil")])
        if bad == "big":
            return Expr("5", [_int_val(5)])
        if bad == "neg":
            return Expr("-1", [_int_val(-1)])
        if bad == "string":
            return self.literal("string")
        if bad == "float":
            return Expr("1.5", [_float_val(1.5)])
        if bad == "nil":
            return Expr("nil", [Val(ANY, None, nil=True)])
        return self.operand(printed=True)

    def call_slice(self) -> Expr:
        draw = self.draw
        container = self.ref(lambda v: _deref(v) is not None and _deref(v).kind in ("slice", "array", "string"))
        if container is None or self.fault():
            container = self.operand(printed=True) if chance(draw, 60) or container is None else container
        v = container.first()
        n = _length(v) if v is not None else None
        count = weighted(draw, [(35, 1), (35, 2), (10, 3), (10, 0)])
        idx: list[int] = []
        for _ in range(count):
            lo = idx[-1] if idx else 0
            hi = n if n is not None else 3
            if self.fault():
                idx.append(pick(draw, (hi + 2, -1, lo - 1 if lo else 9)))
            elif hi >= lo:
                idx.append(draw(st.integers(lo, hi)))
            else:
                idx.append(lo)
        args = [container] + [Expr(str(i), [_int_val(i)]) for i in idx]
        return self.command("slice", args, _map_vals(container.vals, lambda x: _slice_of(x, idx)))

    def call_not(self) -> Expr:
        if self.fault():
            return self.command("not", self.args(pick(self.draw, (0, 2)), printed=False), [FAILS])
        arg = self.operand(printed=False)
        return self.command("not", [arg], [_bool_val(None)])

    def call_and(self) -> Expr:
        return self.and_or("and")

    def call_or(self) -> Expr:
        return self.and_or("or")

    def and_or(self, name: str) -> Expr:
        draw = self.draw
        n = weighted(draw, [(60, 2), (25, 3), (10, 4), (5, 1)])
        args = [self.operand(printed=True) for _ in range(n)]
        if self.s.funcs and chance(draw, 20):
            # Short-circuit: a failing call Go never reaches (or does).
            args.append(Expr(pick(draw, ("fail", 'boom "never"', 'failWith "x"')), [FAILS], command=True))
        if any(a.vals is None for a in args):
            return self.command(name, args, None)
        vals = [v for a in args for v in a.vals]
        return self.command(name, args, vals)

    def call_compare(self, name: str) -> Expr:
        draw = self.draw
        n = 2
        if name == "eq":
            n = weighted(draw, [(70, 2), (20, 3), (5, 4), (5, 1)])
        first = self.ref(lambda v: v.kind not in ("ptr",), printed=True) if chance(draw, 70) else None
        first = first or self.literal(pick(draw, ("number", "string", "bool")))
        args = [first]
        for _ in range(n - 1):
            args.append(self.comparable_to(first.first()))
        if self.fault():
            args.append(self.operand(printed=True))
        return self.command(name, args, [_bool_val(None)])

    def comparable_to(self, v: Val | None) -> Expr:
        """An operand of the same basic kind as v (or, when faulting, any)."""
        draw = self.draw
        if v is None or self.fault():
            return self.operand(printed=True)
        b = v.kind
        same = self.ref(lambda x: x.kind == b, printed=True) if chance(draw, 35) else None
        if same is not None:
            return same
        if b in INT_NAMES or b in UINT_NAMES or b == "duration":
            n = v.value if isinstance(v.value, int) and chance(draw, 50) and -(1 << 63) <= v.value < (1 << 63) else draw(st.integers(-2, 5))
            return Expr(str(n), [_int_val(n)])
        if b in FLOAT_NAMES:
            f = v.value if isinstance(v.value, float) and math.isfinite(v.value) and chance(draw, 50) else pick(draw, (0.0, 1.5, -2.0))
            text = repr(f) if any(c in repr(f) for c in ".e") else repr(f) + ".0"
            return Expr(text, [_float_val(f)])
        if b == "string":
            s = v.value if v.value is not None and chance(draw, 50) else pick(draw, _STRINGS[:6])
            return Expr(go_quote(s), [_str_val(s)])
        if b == "bool":
            return self.literal("bool")
        return self.operand(printed=True)

    def call_eq(self) -> Expr:
        return self.call_compare("eq")

    def call_ne(self) -> Expr:
        return self.call_compare("ne")

    def call_lt(self) -> Expr:
        return self.call_compare(pick(self.draw, ("lt", "le", "gt", "ge")))

    def call_print_family(self) -> Expr:
        name = weighted(self.draw, [(30, "print"), (15, "println"), (55, "printf")])
        return getattr(self, "call_" + name)()

    def call_print(self) -> Expr:
        n = weighted(self.draw, [(10, 0), (40, 1), (30, 2), (20, 3)])
        return self.command("print", self.args(n), [_str_val()])

    def call_println(self) -> Expr:
        n = weighted(self.draw, [(10, 0), (50, 1), (40, 2)])
        return self.command("println", self.args(n), [_str_val()])

    def call_printf(self) -> Expr:
        fmt, wants = self.format_string()
        args = [self.printf_arg(w) for w in wants]
        if self.fault():
            if args and chance(self.draw, 50):
                args.pop()
            else:
                args.append(self.operand(printed=True))
        verbs = [(m.group(1), m.group(2)) for m in _SPEC.finditer(fmt)]
        if any(v == "p" for _, v in verbs) and not all(a.first() is not None and a.first().kind in _SCALAR_KINDS for a in args):
            # %p prints the address of maps, slices and pointers.
            fmt = _SPEC.sub(lambda m: m.group(0)[:-1] + "v" if m.group(2) == "p" else m.group(0), fmt)
        if any(_error_unsafe(flags, v) for flags, v in verbs):
            args = [self.literal("string") if _nested_error(a) else a for a in args]
        return self.command("printf", [Expr(go_quote(fmt), [_str_val(fmt)])] + args, [_str_val()])

    def format_string(self) -> tuple[str, list[str]]:
        """A printf format with flags, widths, precisions and argument indexes,
        and the verb each argument is meant for (``*`` for a star width)."""
        draw = self.draw
        parts, wants = [], []
        for _ in range(weighted(draw, [(8, 0), (30, 1), (30, 2), (20, 3), (12, 4)])):
            if chance(draw, 40):
                parts.append(pick(draw, ("", "x=", " ", "[", "] ", "%%", "é", ":")))
            verb = pick(draw, _VERBS) if chance(draw, 93) else pick(draw, _RARE_VERBS)
            flags = "".join(sorted(set(draw(st.text("+-# 0", max_size=2))))) if chance(draw, 30) else ""
            width = ""
            if chance(draw, 20):
                width = pick(draw, ("1", "5", "8", "12", "05", "*"))
            prec = ""
            if chance(draw, 18):
                prec = pick(draw, (".0", ".2", ".5", ".", ".*", ".10"))
            index = f"[{draw(st.integers(1, 3))}]" if chance(draw, 5) else ""
            if width == "*":
                wants.append("*")
            if prec == ".*":
                wants.append("*")
            parts.append("%" + flags + width + prec + index + verb)
            if verb not in "%!":
                wants.append(verb)
        if chance(draw, 30):
            parts.append(pick(draw, ("\n", " end", "!", "%", "%%")))
        return "".join(parts), wants

    def printf_arg(self, verb: str) -> Expr:
        draw = self.draw
        if verb == "*":
            n = pick(draw, (3, 6, -4, 0))
            return Expr(str(n), [_int_val(n)]) if chance(draw, 90) else self.literal("string")
        kinds = _VERB_KINDS.get(verb)
        if kinds and chance(draw, 65):
            e = self.ref(lambda v: v.kind in kinds, printed=True)
            if e is not None:
                return e
            if "int" in kinds:
                return self.literal("number")
            if "string" in kinds:
                return self.literal("string")
        return self.operand(printed=True)

    def call_escaper(self) -> Expr:
        name = pick(self.draw, ("html", "js", "urlquery"))
        n = weighted(self.draw, [(70, 1), (20, 2), (5, 3), (5, 0)])
        if n == 1 and chance(self.draw, 60):
            arg = self.ref(lambda v: v.kind == "string", printed=True) or self.literal("string")
            return self.command(name, [arg], [_str_val()])
        return self.command(name, self.args(n), [_str_val()])

    def call_call(self) -> Expr:
        # Data cannot hold funcs (the oracle has no func types): call always fails.
        args = [self.operand(printed=False)] + self.args(self.draw(st.integers(0, 2)), printed=False)
        if chance(self.draw, 20):
            args[0] = Expr("nil", [Val(ANY, None, nil=True)])
        elif self.s.funcs and chance(self.draw, 40):
            # A function name is a call, never a function value: "wrong number of args
            # for add", or the result is a non-function.
            fn = pick(self.draw, ("add", "echo", "zero", "nilPtr", "mkPT"))
            args[0] = Expr(fn if fn != "mkPT" else '(mkPT "p" 1)', [FAILS])
        return self.command("call", args, [FAILS])

    def call_method(self) -> Expr:
        """A method with arguments: ``.Add 1``, ``.Sum 1 2``, ``.D.Truncate 1000``."""
        draw = self.draw
        target = self.ref(lambda v: _deref(v) is not None and _deref(v).kind in ("T", "duration"))
        if target is None:
            if self.s.funcs:
                target = self.command("mkT", [self.literal("string"), Expr("3", [_int_val(3)])], [_t_val("?", 3)])
            else:
                return self.call_print_family()
        d = _deref(target.first()) if target.first() is not None else None
        if d is not None and d.kind == "duration":
            name = pick(draw, ("Truncate", "Round"))
            arg = Expr(pick(draw, ("1000", "1000000", "1000000000")), [_int_val(1000)])
            if self.fault():
                arg = self.literal("string")
            return Expr(f"{target.field(name)} {arg.operand()}", [Val(DURATION, None, None)], True)
        name = pick(draw, ("Add", "Sum", "Sum", "Add"))
        if self.fault():
            name = pick(draw, ("Add", "Str", "S", "Next", "Fail"))
            args = self.args(pick(draw, (0, 1, 2)), pred=None)
            if not args:  # .S, .Str and .Next work without arguments
                vals = _map_vals(target.vals, lambda x: field_step(x, name, self.s.missingkey))
            else:  # .Add with one argument works if it is an integer
                vals = [_int_val(None), FAILS] if name == "Add" and len(args) == 1 else [FAILS]
            return Expr(" ".join([target.field(name)] + [a.operand() for a in args]), vals, bool(args))
        n = 1 if name == "Add" else draw(st.integers(0, 3))
        args = [self.operand(pred=lambda v: v.kind in INT_NAMES + UINT_NAMES) if chance(draw, 30) else Expr(str(i), [_int_val(i)])
                for i in draw(st.lists(st.integers(-5, 20), min_size=n, max_size=n))]
        text = " ".join([target.field(name)] + [a.operand() for a in args])
        return Expr(text, [_int_val(None)], command=bool(args))

    # -- the "test" function set --------------------------------------------------

    def call_echo(self) -> Expr:
        arg = self.operand(printed=False)
        return self.command("echo", [arg], arg.vals)

    def call_add(self) -> Expr:
        if self.fault():
            args = [self.operand(), self.operand()][: pick(self.draw, (1, 2, 2))]
            return self.command("add", args, [FAILS] if len(args) < 2 else None)
        args = [self.int_operand(), self.int_operand()]
        return self.command("add", args, [_int_val(None)])

    def int_operand(self) -> Expr:
        e = self.ref(lambda v: v.kind == "int") if chance(self.draw, 40) else None
        return e or self.literal("int")

    def call_fail(self) -> Expr:
        if chance(self.draw, 50):
            return self.command("fail", [], [FAILS])
        return self.command("failWith", [self.literal("string")], [FAILS])

    def call_zero(self) -> Expr:
        return self.command("zero", [], [Val(ANY, None, nil=True)])

    def call_boom(self) -> Expr:
        return self.command("boom", [self.literal("string")], [FAILS])

    def call_vjoin(self) -> Expr:
        args = [self.literal("string")] + [self.operand(pred=lambda v: v.kind == "string") for _ in range(self.draw(st.integers(0, 3)))]
        return self.command("vjoin", args, [_str_val()])

    def call_typeOf(self) -> Expr:
        return self.command("typeOf", [self.operand(printed=False)], [_str_val()])

    def call_tlist(self) -> Expr:
        args = self.args(self.draw(st.integers(0, 3)), printed=True)
        elems = [a.first() or OPAQUE for a in args]
        if any(a.vals is None or any(has_ptr(v) for v in a.vals if is_data(v)) for a in args):
            return self.command("tlist", args, None)
        return self.command("tlist", args, [Val(SLICE_ANY, None, elems=elems)])

    def call_errVal(self) -> Expr:
        lit = self.literal("string")
        msg = lit.first().value
        return self.command("errVal", [lit], [Val(ERROR, msg, msg)])

    def call_nilPtr(self) -> Expr:
        return self.command("nilPtr", [], [Val(ptr_to(INT), None, nil=True)])

    def call_mkT(self) -> Expr:
        s, n = pick(self.draw, ("a", "", "<x>")), self.draw(st.integers(-2, 9))
        pointer = chance(self.draw, 50)
        args = [Expr(go_quote(s), [_str_val(s)]), Expr(str(n), [_int_val(n)])]
        if self.fault():
            args.reverse()
        return self.command("mkPT" if pointer else "mkT", args, [_ptr_t_val(s, n) if pointer else _t_val(s, n)])

    # -- pipelines ------------------------------------------------------------------

    def pipeline(self, printed: bool, deref: bool = True) -> Expr:
        """A whole pipeline: an operand or command, maybe piped into more commands."""
        draw = self.draw
        if self.fault():
            return self.bad_ref()
        choice = weighted(draw, [(38, "ref"), (48, "call"), (7, "lit"), (7, "pipe")])
        for _ in range(4):
            if choice == "ref":
                e = self.ref(printed=printed, deref=deref)
            elif choice == "call":
                e = self.call(printed=printed)
            elif choice == "lit":
                e = self.literal()
                if e.text == "nil":
                    e = None if not self.fault() else Expr("nil", [FAILS])  # "nil is not a command"
            else:
                e = self.piped(printed)
            if e is not None and (not printed or printable(e, deref)):
                return e
            choice = pick(draw, ("ref", "call", "lit"))
        return self.literal("string")

    def piped(self, printed: bool) -> Expr:
        """``x | f a``: the value becomes f's last argument."""
        draw = self.draw
        head = self.operand(printed=True)
        stage = weighted(draw, [(35, "printf"), (15, "print"), (15, "len"), (15, "escaper"), (10, "index"), (10, "add")])
        if stage == "printf":
            fmt = pick(draw, ("%v", "%q", "%d", "%s|", "%5.1f", "[%T]", "%x"))
            if _nested_error(head):
                fmt = "%v"
            return Expr(f"{head.operand()} | printf {go_quote(fmt)}", [_str_val()], True)
        if stage == "print":
            return Expr(f"{head.operand()} | print", [_str_val()], True)
        if stage == "len":
            return Expr(f"{head.operand()} | len", _map_vals(head.vals, _len_of), True)
        if stage == "escaper":
            return Expr(f"{head.operand()} | {pick(draw, ('html', 'js', 'urlquery'))}", [_str_val()], True)
        if stage == "index":
            container = self.ref(lambda v: _deref(v) is not None and _deref(v).kind == "map")
            if container is not None:
                k = self.index_key(container.first())
                return Expr(f"{k.operand()} | index {container.operand()}",
                            _map_vals(container.vals, lambda x: _index_any(x, k.first())), True)
        if self.s.funcs:
            return Expr(f"{self.int_operand().operand()} | add {draw(st.integers(-3, 3))}", [_int_val(None)], True)
        return Expr(f"{head.operand()} | printf \"%v\"", [_str_val()], True)

    # -- actions ----------------------------------------------------------------------

    def output(self) -> str:
        return self.action(self.pipeline(printed=True, deref=True).text)

    def print_root(self) -> str:
        """``{{.}}`` and friends on the whole dot or data: every kind gets printed."""
        root = pick(self.draw, (".", ".", "$"))
        e = Expr(root, self.dot if root == "." else self.vars[0][1])
        form = weighted(self.draw, [(40, "{x}"), (15, "print {x}"), (20, 'printf "%v" {x}'), (10, 'printf "%+v" {x}'),
                                    (10, 'printf "%#v" {x}'), (5, 'printf "%T" {x}')])
        if "%#v" in form and _nested_error(e):
            form = 'printf "%v" {x}'  # %#v shows a nested error's pointer
        if not printable(e, deref=form == "{x}"):
            form = 'printf "%T" {x}' if e.vals is not None or chance(self.draw, 50) else "len {x}"
        return self.action(form.format(x=root))

    def condition(self) -> Expr:
        draw = self.draw
        if chance(draw, 55):
            e = self.ref()
            if e is not None:
                return e
        return self.pipeline(printed=False)

    def if_(self, depth: int) -> str:
        draw = self.draw
        mark = len(self.vars)
        head = self.condition().text
        if chance(draw, 12):
            name = self.new_var()
            expr = self.pipeline(printed=False)
            head = f"{name} := {expr.text}"
            self.vars.append((name, expr.vals))
        out = self.action("if " + head) + self.items(depth + 1)
        for _ in range(weighted(draw, [(70, 0), (22, 1), (8, 2)])):
            out += self.action("else if " + self.condition().text) + self.items(depth + 1)
        if chance(draw, 50):
            out += self.action("else") + self.items(depth + 1)
        del self.vars[mark:]
        return out + self.action("end")

    def with_(self, depth: int) -> str:
        draw = self.draw
        mark = len(self.vars)
        e = self.condition()
        head = e.text
        if chance(draw, 20):
            name = self.new_var()
            head = f"{name} := {e.text}"
            self.vars.append((name, e.vals))
        saved = self.dot
        self.dot = _truthy(e.vals)
        out = self.action("with " + head) + self.items(depth + 1)
        self.dot = saved
        if chance(draw, 20):
            e2 = self.condition()
            self.dot = _truthy(e2.vals)
            out += self.action("else with " + e2.text) + self.items(depth + 1)
            self.dot = saved
        if chance(draw, 35):
            out += self.action("else") + self.items(depth + 1)
        del self.vars[mark:]
        return out + self.action("end")

    def range_target(self) -> tuple[Expr, list[Val] | None, list[Val] | None, bool]:
        """What to range over, the element and key values, and whether two
        variables are allowed (not for integers)."""
        draw = self.draw
        if self.fault() and chance(draw, 50):
            bad = weighted(draw, [(30, "string"), (20, "float"), (20, "bool"), (15, "struct"), (15, "nil")])
            if bad == "string":
                return self.literal("string"), None, None, True
            if bad == "float":
                return Expr("1.5", [_float_val(1.5)]), None, None, True
            if bad == "bool":
                return Expr("true", [_bool_val(True)]), None, None, True
            if bad == "nil":
                return Expr("nil", [FAILS]), None, None, True
            e = self.ref(lambda v: v.kind in ("struct", "T", "string", "bool"), printed=True, deref=True)
            if e is not None:
                return e, None, None, True
        choice = weighted(draw, [(55, "container"), (18, "int"), (10, "intref"), (7, "call"), (10, "slice"), (3, "nil")])
        if choice == "container":
            e = self.ref(lambda v: _deref(v) is not None and _deref(v).kind in ("slice", "array", "map"))
            if e is not None:
                return e, _elem_vals(e.vals), _key_vals(e.vals), True
        if choice == "nil":
            # Nil slices and maps run {{else}}; nil pointers and interfaces fail.
            e = self.ref(lambda v: v.nil)
            if e is not None:
                return e, None, None, True
        if choice == "intref":
            e = self.ref(lambda v: v.kind in INT_NAMES + UINT_NAMES and isinstance(v.value, int) and v.value <= 6)
            if e is not None and all(isinstance(v.value, int) and v.value <= 6 for v in e.vals or [FAILS]):
                hi = max(v.value for v in e.vals)
                return e, [_int_val(i) for i in range(max(hi, 0))] or [_int_val(0)], None, False
        if choice == "call" and self.s.funcs:
            args = self.args(draw(st.integers(0, 3)), printed=True)
            e = self.command("tlist", args, None)
            elems = [v for a in args for v in (a.vals or [OPAQUE])] if all(a.vals is not None for a in args) else None
            return e, elems, [_int_val(i) for i in range(len(args))], True
        if choice == "slice":
            e = self.ref(lambda v: _deref(v) is not None and _deref(v).kind in ("slice",))
            if e is not None:
                sliced = self.command("slice", [e, Expr("1", [_int_val(1)])], _map_vals(e.vals, lambda x: _slice_of(x, [1])))
                return sliced, _elem_vals(sliced.vals), None, True
        n = draw(st.integers(-1, 5))
        return Expr(str(n), [_int_val(n)]), [_int_val(i) for i in range(max(n, 0))] or [_int_val(0)], None, False

    def range_(self, depth: int) -> str:
        draw = self.draw
        mark = len(self.vars)
        target, elems, keys, two_ok = self.range_target()
        declared = [n for n, _ in self.vars[1:]]
        form = weighted(draw, [(45, "none"), (22, "one"), (25, "two"), (8 if declared else 0, "assign")])
        if form == "two" and not two_ok and not self.fault():
            form = "one"
        head = target.text
        if form in ("one", "two"):
            names = [self.new_var() for _ in range(1 if form == "one" else 2)]
            head = ", ".join(names) + " := " + target.text
            self.vars += list(zip(names, [elems] if form == "one" else [keys, elems]))
        elif form == "assign":
            head = self.range_assignment(declared, target, elems, keys, two_ok)
        saved = self.dot
        self.dot = elems
        self.in_range += 1
        body = self.items(depth + 1, loop=True)
        self.in_range -= 1
        self.dot = saved
        out = self.action("range " + head) + body
        if chance(draw, 30):
            # Range variables hold the whole collection in {{else}} (Go declares them
            # with the pipeline's value before iterating).
            self.vars = self.vars[:mark] + [(n, target.vals) for n, _ in self.vars[mark:]]
            out += self.action("else") + self.items(depth + 1)
        del self.vars[mark:]
        return out + self.action("end")

    def range_assignment(self, declared: list[str], target: Expr, elems: list[Val] | None,
                         keys: list[Val] | None, two_ok: bool) -> str:
        """``range $a = x`` / ``range $a, $b = x``: existing variables get the
        collection, then each key and element, and keep the last after the loop."""
        names = declared[-2:] if two_ok and len(declared) >= 2 and chance(self.draw, 50) else declared[-1:]
        if len(names) == 2 and self.fault():
            # Go's parser accepts an undeclared second variable here; exec fails.
            names[1] = self.new_var()
        during = dict(zip(names, [elems] if len(names) == 1 else [keys, elems]))
        for name, vals in during.items():
            after = None if vals is None or target.vals is None else target.vals + vals
            self.vars = [(n, after if n == name else v) for n, v in self.vars]
        return ", ".join(names) + " = " + target.text

    def accumulate(self, depth: int) -> str:
        """``$acc := ...`` then ``$acc = ...`` inside a range: variables outlive iterations."""
        draw = self.draw
        name = self.new_var()
        init = self.literal("int") if chance(draw, 60) else self.literal("string")
        target, elems, _, _ = self.range_target()
        if self.s.funcs and init.first().kind == "int":
            update = f"add {name} 1"
            vals: list[Val] | None = [_int_val(None)]
        else:
            elem_expr = Expr(".", elems)
            update = "." if printable(elem_expr) else "len ."
            vals = (elems or []) + init.vals if update == "." else [_int_val(None), *init.vals]
        text = self.action(f"{name} := {init.text}") + self.action(f"range {target.text}")
        text += self.action(f"{name} = {update}") + self.action("end")
        self.vars.append((name, vals))
        return text + self.action(name if printable(Expr(name, vals), True) else f"printf \"%T\" {name}")

    def declare(self) -> str:
        name = self.new_var()
        e = self.pipeline(printed=False)
        self.vars.append((name, e.vals))
        return self.action(f"{name} := {e.text}")

    def assign(self) -> str:
        candidates = [(n, v) for n, v in self.vars if n != "$"]
        if not candidates:
            return self.declare()
        name, old = pick(self.draw, candidates)
        e = self.pipeline(printed=False)
        merged = None if old is None or e.vals is None else old + e.vals
        self.vars = [(n, merged if n == name else v) for n, v in self.vars]
        return self.action(f"{name} = {e.text}")

    def loop_control(self) -> str:
        word = pick(self.draw, ("break", "continue"))
        if chance(self.draw, 70):
            return self.action("if " + self.condition().text) + self.action(word) + self.action("end")
        return self.action(word)

    def template_call(self, depth: int, block: bool = False) -> str:
        """``{{template}}`` / ``{{block}}`` with a body written for the value passed."""
        draw = self.draw
        s = self.s
        if chance(draw, 15) and not block:
            e = None
        else:
            e = self.condition() if chance(draw, 70) else self.pipeline(printed=False)
        name = s.fresh_name()
        dot = e.vals if e is not None else [NOVALUE]
        sub = _Builder(s, dot, depth=self.depth + 1)
        body = sub.items(depth + 1)
        arg = f" {e.text}" if e is not None else ""
        if block:
            return self.action(f"block {go_quote(name)}{arg}") + body + self.action("end")
        if chance(draw, 30):
            s.associated[name] = body
        else:
            s.defines.append(self.action(f"define {go_quote(name)}") + body + self.action("end"))
        return self.action(f"template {go_quote(name)}{arg}")

    def undefined_template(self) -> str:
        name = pick(self.draw, ("nosuch", "d1x", "", "T"))
        arg = " ." if chance(self.draw, 50) else ""
        return self.action(f"template {go_quote(name)}{arg}")  # template "nosuch" not defined

    def recursion(self) -> str:
        """A template that calls itself on a smaller value, so it terminates."""
        draw = self.draw
        s = self.s
        name = s.fresh_name()
        shape = weighted(draw, [(40, "list"), (30, "tree"), (30 if s.funcs else 0, "count")])
        if shape == "list":
            e = self.ref(lambda v: _deref(v) is not None and _deref(v).kind in ("slice", "string"), printed=True)
            arg = e.text if e is not None else go_quote(pick(draw, ("abc", "héllo", "xy")))
            body = f"{{{{if .}}}}<{{{{index . 0}}}}>{{{{template {go_quote(name)} slice . 1}}}}{{{{end}}}}"
        elif shape == "tree":
            e = self.ref(lambda v: v.kind == "map" and v.type == MAP_STRING_ANY, printed=True)
            arg = e.text if e is not None else "."
            if e is None and not printable(Expr(".", self.dot), True):
                return self.output()
            body = (f"{{{{range $k, $v := .}}}}{{{{$k}}}}:{{{{if eq (printf \"%T\" $v) \"map[string]interface {{}}\"}}}}"
                    f"({{{{template {go_quote(name)} $v}}}}){{{{else}}}}{{{{$v}}}}{{{{end}}}};{{{{end}}}}")
        else:
            arg = str(draw(st.integers(-1, 5)))
            body = f"{{{{.}}}}{{{{if gt . 0}}}},{{{{template {go_quote(name)} add . -1}}}}{{{{end}}}}"
        s.defines.append(f"{{{{define {go_quote(name)}}}}}{body}{{{{end}}}}")
        return self.action(f"template {go_quote(name)} {arg}")

    def item(self, depth: int, loop: bool) -> str:
        options: list[tuple[int, Callable[[], str]]] = [
            (14, self.text),
            (26, self.output),
            (6, self.print_root),
            (6, lambda: self.action(self.call_printf().text)),
            (6, self.declare),
            (3, lambda: self.action("/* c */")),
        ]
        if len(self.vars) > 1:
            options.append((4, self.assign))
        if loop or self.in_range:
            options.append((8, self.loop_control))
        if self.s.faults:
            options.append((1, self.undefined_template))
        if depth < 2:
            options += [
                (12, lambda: self.if_(depth)),
                (7, lambda: self.with_(depth)),
                (11, lambda: self.range_(depth)),
                (4, lambda: self.accumulate(depth)),
                (4, lambda: self.template_call(depth)),
                (2, lambda: self.template_call(depth, block=True)),
                (2, self.recursion),
            ]
        return weighted(self.draw, options)()

    def items(self, depth: int, loop: bool = False) -> str:
        out = []
        count = self.draw(st.integers(3, 9)) if depth == 0 else weighted(self.draw, [(45, 1), (30, 2), (10, 3), (15, 0)])
        for _ in range(count):
            if self.s.budget <= 0:
                break
            self.s.budget -= 1
            out.append(self.item(depth, loop))
        return "".join(out)


# A printf conversion: flags and verb (what matters for pointers inside values).
_SPEC = re.compile(r"%([-+# 0]*)(?:\*|\d+)?(?:\.(?:\*|\d+)?)?(?:\[\d+\])?(.?)", re.S)


def _error_unsafe(flags: str, verb: str) -> bool:
    """Whether fmt prints a nested error value as a pointer with this verb: it
    calls Error() only for v, s, x, X and q, and %#v shows the pointer."""
    return verb not in "vsxXqT%" or (verb == "v" and "#" in flags)


def _has_error(v: Val) -> bool:
    return v.kind == "error" and not v.nil or any(_has_error(c) for c in v.children())


def _nested_error(e: Expr) -> bool:
    """Whether a non-nil error sits inside e's value (errors are *errors.errorString)."""
    if e.vals is None:
        return True
    return any(_has_error(c) for v in e.vals if is_data(v) for c in (_deref(v) or v).children())


_SCALAR_KINDS = frozenset(("string", "bool", "float32", "float64", "complex64", "complex128") + INT_NAMES + UINT_NAMES)
_NUMERIC_KINDS = frozenset(INT_NAMES + UINT_NAMES + ("duration",))
_VERB_KINDS: dict[str, frozenset[str]] = {
    **{v: _NUMERIC_KINDS for v in "dxXobcUO"},
    **{v: frozenset(FLOAT_NAMES + COMPLEX_NAMES) for v in "eEfFgG"},
    "s": frozenset(("string", "error", "Stringer", "slice")),
    "q": frozenset(("string", "int", "int32")),
    "t": frozenset(("bool",)),
}
_BUILTIN_WEIGHTS = {
    "len": 6, "index": 10, "slice": 6, "not": 4, "and": 5, "or": 5, "eq": 8, "ne": 3, "lt": 6,
    "print_family": 22, "escaper": 7, "call": 1,
}  # fmt: skip
_TEST_WEIGHTS = {
    "echo": 10, "add": 12, "fail": 2, "zero": 6, "boom": 1, "vjoin": 8, "typeOf": 9, "tlist": 8,
    "errVal": 6, "nilPtr": 6, "mkT": 10,
}  # fmt: skip


# -- evaluation helpers for the model ------------------------------------------------------


def _length(v: Val) -> int | None:
    d = _deref(v) if is_data(v) else None
    if d is None:
        return None
    if d.kind == "string":
        return len(d.value.encode()) if d.value is not None else None
    if d.kind in ("slice", "array"):
        return len(d.elems or ())
    if d.kind == "map":
        return len(d.entries or ())
    return None


def _len_of(v: Val) -> Val:
    n = _length(v)
    if n is None and is_data(v):
        return FAILS  # len of a non-container (or of a nil pointer)
    return UNKNOWN if n is None else _int_val(n)


def _index_step(v: Val, i: int) -> Val:
    els = elements(v)
    return els[i] if i < len(els) else FAILS


def _map_index(v: Val, key: Val) -> Val:
    d = _deref(v)
    if d is None or d.kind != "map":
        return FAILS
    for k, x in d.entries or ():
        if _key_identity(k) == _key_identity(key):
            return x
    return zero_val(d.type.elem)


def _index_any(v: Val, key: Val | None) -> Val:
    """``index v key`` for the model: exact when both are known, else OPAQUE-ish."""
    if not is_data(v) or key is None or not is_data(key):
        return FAILS if key is FAILS else UNKNOWN
    if v.kind == "ptr":
        return UNKNOWN  # index does not follow pointers: "can't index item of type *..."
    if v.kind in ("slice", "array", "string"):
        if key.kind not in _NUMERIC_KINDS or not isinstance(key.value, int):
            return FAILS
        n = _length(v)
        if n is None or not 0 <= key.value < n:
            return FAILS
        if v.kind == "string":
            return Val(basic("uint8"), None, None)
        return v.elems[key.value]
    if v.kind == "map":
        kb = v.type.key.base
        if kb == "any" or key.kind == kb or (kb in _BITS and key.kind in _BITS):
            for k, x in v.entries or ():
                if kb in _BITS and isinstance(k.value, int) and isinstance(key.value, int):
                    bits = _BITS[kb]
                    if (k.value - key.value) % (1 << bits) == 0:
                        return x
                elif _key_identity(k) == _key_identity(key) or (
                    kb == "any" and k.type.go_string() == key.type.go_string() and k.value == key.value
                ):
                    return x
            return zero_val(v.type.elem)
        return FAILS
    return FAILS


def _slice_of(v: Val, idx: list[int]) -> Val:
    d = _deref(v) if is_data(v) else None
    if d is None or d.kind not in ("slice", "array", "string"):
        return FAILS
    if d.kind == "string":
        return _str_val()
    els = d.elems or []
    lo = idx[0] if idx else 0
    hi = idx[1] if len(idx) > 1 else len(els)
    if not 0 <= lo <= hi <= len(els):
        return FAILS
    t = d.type if d.kind == "slice" else slice_of(d.type.elem)
    return Val(t, None, elems=els[lo:hi])


def _elem_vals(vals: list[Val] | None) -> list[Val] | None:
    if vals is None:
        return None
    out: list[Val] = []
    for v in vals:
        if v.type is _FAILS_T:
            continue
        if not is_data(v):
            return None
        out += elements(v)
    return out or None


def _key_vals(vals: list[Val] | None) -> list[Val] | None:
    if vals is None:
        return None
    out: list[Val] = []
    for v in vals:
        d = _deref(v) if is_data(v) else None
        if d is None:
            continue
        if d.kind == "map":
            out += [k for k, _ in d.entries or ()]
        else:
            out += [_int_val(i) for i in range(len(d.elems or ()))]
    return out or [_int_val(0)]


def _truthy(vals: list[Val] | None) -> list[Val] | None:
    """The values a ``with`` body can see: only the true ones."""
    if vals is None:
        return None
    kept = [v for v in vals if truth(v) is not False and v is not FAILS]
    return kept or vals


# ===================================================================================
# Requests
# ===================================================================================

# Deliberate parse errors (a few percent of requests): Go rejects the whole set.
_PARSE_BREAKERS = (
    "{{nosuch .}}", "{{$undefined}}", "{{break}}", "{{continue}}", "{{end}}", "{{if .}}", "{{else}}",
    "{{template .}}", "{{range}}{{end}}", "{{1 | 2}}", "{{.A | nil}}", "{{$x = 1}}", "{{(.)", "{{printf}",
)  # fmt: skip


def _splice(draw: Draw, text: str, snippet: str) -> str:
    """Insert snippet between two actions (or at an end) of text."""
    spots = [0, len(text)] + [m.end() for m in re.finditer(r"\}\}", text)]
    at = pick(draw, spots)
    return text[:at] + snippet + text[at:]


def _top_dot(data: Val) -> list[Val]:
    # nil data reaches the template as no value at all (reflect.ValueOf(nil)).
    return [NOVALUE] if data.kind in ("any", "error") and data.nil else [data]


@dataclasses.dataclass
class _TemplateSet:
    """The templates of one request: main text, associated ones, what to execute."""

    text: str
    associated: dict[str, str]
    execute: str | None

    def size(self) -> int:
        return len(self.text) + sum(len(name) + len(t) for name, t in self.associated.items())


def _template_set(draw: Draw, data: Val, funcs: bool, missingkey: str | None, faults: int, budget: int) -> _TemplateSet:
    shared = _Shared(draw, funcs, missingkey, faults, budget)
    builder = _Builder(shared, _top_dot(data))
    body = builder.items(0) or builder.output()
    associated: dict[str, str] = {}
    execute = None
    roll = draw(st.integers(0, 99))
    if roll >= 90:
        # Execute another template of the set, written for the same data.
        entry = shared.fresh_name()
        entry_body = _Builder(shared, _top_dot(data)).items(0) or "entry"
        if chance(draw, 50):
            associated[entry] = entry_body
        else:
            shared.defines.append("{{define " + go_quote(entry) + "}}" + entry_body + "{{end}}")
        execute = entry
    elif roll >= 88:
        execute = "nosuch"  # no template "nosuch" associated with template "t"
    elif roll >= 85:
        # An empty {{block}} keeps the associated template parsed before it.
        name = shared.fresh_name()
        associated[name] = _Builder(shared, _top_dot(data)).items(0) or "assoc"
        body += "{{block " + go_quote(name) + " .}}{{end}}"
    defines = "".join(shared.defines)
    text = defines + body if chance(draw, 40) else body + defines
    return _TemplateSet(text, {**shared.associated, **associated}, execute)


@st.composite
def _exec_request(draw: Draw) -> dict[str, Any]:
    data = _ValueMaker(draw).data()
    funcs = chance(draw, 55)
    missingkey = weighted(draw, [(55, None), (5, "default"), (8, "invalid"), (14, "zero"), (18, "error")])
    faults = weighted(draw, [(58, 0), (27, 5), (15, 16)])
    budget = draw(st.integers(8, 20))
    for _ in range(4):
        # Keep templates modest: a set that came out too long is written again, smaller.
        tset = _template_set(draw, data, funcs, missingkey, faults, budget)
        if tset.size() <= _MAX_TEMPLATE:
            break
        budget = max(1, budget // 2)

    request: dict[str, Any] = {"name": pick(draw, _REQUEST_NAMES)}
    if request["name"] == "t" and chance(draw, 70):
        del request["name"]  # the oracle's default
    text = tset.text
    if chance(draw, 4):
        text = _splice(draw, text, pick(draw, _PARSE_BREAKERS))
    elif not funcs and chance(draw, 2):
        text = _splice(draw, text, "{{add 1 2}}")  # function "add" not defined
    request["template"] = text
    if not (data.kind == "any" and data.nil) or chance(draw, 50):
        request["data"] = data.encode()
    if funcs:
        request["funcs"] = ["test"]
    if missingkey is not None:
        request["options"] = ["missingkey=" + missingkey]
    if tset.associated:
        request["associated"] = tset.associated
    if tset.execute is not None:
        request["execute"] = tset.execute
    return request


def exec_requests() -> st.SearchStrategy[dict[str, Any]]:
    """Complete oracle exec requests: a template written for its data, the
    test function set in about half of them, ``missingkey`` options,
    associated templates and ``execute``. About a quarter end in an exec
    error and a few percent in a parse error."""
    return _exec_request()


# ===================================================================================
# Coverage helpers for tests
# ===================================================================================

_TYPE_WORDS = re.compile(r"\[\d+\]|\[\]|map\[|\*|struct\{|[A-Za-z_][A-Za-z0-9_.]*")
_KIND_OF_WORD = {"[]": "slice", "map[": "map", "*": "pointer", "struct{": "struct", "any": "interface",
                 "interface": "interface", "oracle.T": "oracle.T", "oracle.Stringer": "oracle.Stringer",
                 "time.Duration": "time.Duration", "error": "error", **_ALIASES}  # fmt: skip


def data_kinds(encoded: Any) -> set[str]:
    """The kinds of value in typed-JSON data (for coverage statistics): Go
    kinds named in type expressions, plus ``json:...`` for shorthand values."""
    kinds: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict) and len(node) == 2 and "t" in node and "v" in node:
            for word in _TYPE_WORDS.findall(node["t"]):
                kind = "array" if word.startswith("[") and word[1:-1].isdigit() else _KIND_OF_WORD.get(word, word)
                if kind in _SCALAR_KINDS or kind in _KIND_OF_WORD.values() or kind == "array":
                    kinds.add(kind)
            walk(node["v"])
        elif isinstance(node, dict):
            kinds.add("json:object")
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            kinds.add("json:array")
            for v in node:
                walk(v)
        elif node is None:
            kinds.add("json:null")
        elif isinstance(node, bool):
            kinds.add("json:bool")
        elif isinstance(node, (int, float)):
            kinds.add("json:number")
        else:
            kinds.add("json:string")

    walk(encoded)
    return kinds
