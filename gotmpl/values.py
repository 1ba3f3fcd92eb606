"""The Go value model: what a Python value is to a template.

Go's executor sees every value through reflection: a type and a value. gotmpl
keeps Python values as they are wherever Python's own types say enough, and
wraps them only where Go's type must be stated explicitly:

==========================  ===============================================
Python                      Go
==========================  ===============================================
``None``                    a nil interface (``<nil>``)
``bool``, ``int``           ``bool``, ``int`` (64-bit; beyond that an error)
``float``, ``complex``      ``float64``, ``complex128``
``str``                     ``string`` (bytes that are not UTF-8 are lone
                            surrogates, see gotmpl.strconv)
``bytes``                   ``[]uint8``
``list``, ``tuple``         ``[]interface {}``
``dict``                    ``map[string]interface {}`` (other key types:
                            ``map[int]...`` or ``map[interface {}]...``)
dataclass / object          a struct (``main.ClassName``, or ``__go_type__``):
                            public attributes are fields, public methods are
                            methods; dataclass annotations give field types
``Typed(t, x)``             a scalar of type t: ``int8``, ``float32``, a named
                            type such as ``time.Duration``
``Slice``, ``Array``,       typed containers (a ``None`` payload is a nil
``Map``, ``Ptr``            slice / map / pointer)
``Struct(t, fields)``       a struct of a type made at run time
``MISSING``                 no value at all (Go's invalid reflect.Value)
==========================  ===============================================

Struct fields may be embedded (``StructField.embedded``; ``struct{T; X int}``
in type expressions; ``Annotated[T, EMBEDDED]`` on a class attribute named as
its type): their fields and methods are promoted as Go's selector rules say
(``GoType.field_path``, ``GoType.method_table``).

:class:`GoType` describes Go types; ``type_of(v)`` gives a value's type and the
helpers below (length, index, map access, fields, methods, ordering of map
keys) give the executor and gotmpl.gofmt the reflection they need.
:func:`from_typed_json` decodes the Go oracle's typed value encoding.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import math
import re
import struct
import types as _pytypes
import typing
from typing import Any, Callable, Iterable

__all__ = [
    "MISSING",
    "GoType",
    "Kind",
    "Typed",
    "Slice",
    "Array",
    "Map",
    "Ptr",
    "Struct",
    "Func",
    "GoError",
    "type_of",
    "kind_of",
    "parse_type",
    "from_typed_json",
    "go_type_of_annotation",
    "register_named_type",
    "Int8",
    "Int16",
    "Int32",
    "Int64",
    "Uint",
    "Uint8",
    "Uint16",
    "Uint32",
    "Uint64",
    "Float32",
    "Complex64",
    "go_signature",
    "pointer_receiver",
    "signature_type",
    "method_of",
    "find_method",
    "zero_value",
    "coerce",
    "EMBEDDED",
]


class _Missing:
    """Go's invalid reflect.Value: no value at all (prints as ``<no value>``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING = _Missing()


class Kind:
    """reflect.Kind names."""

    BOOL = "bool"
    INT = "int"
    INT8 = "int8"
    INT16 = "int16"
    INT32 = "int32"
    INT64 = "int64"
    UINT = "uint"
    UINT8 = "uint8"
    UINT16 = "uint16"
    UINT32 = "uint32"
    UINT64 = "uint64"
    UINTPTR = "uintptr"
    FLOAT32 = "float32"
    FLOAT64 = "float64"
    COMPLEX64 = "complex64"
    COMPLEX128 = "complex128"
    STRING = "string"
    ARRAY = "array"
    CHAN = "chan"
    FUNC = "func"
    INTERFACE = "interface"
    MAP = "map"
    PTR = "ptr"
    SLICE = "slice"
    STRUCT = "struct"


INT_KINDS = frozenset({Kind.INT, Kind.INT8, Kind.INT16, Kind.INT32, Kind.INT64})
UINT_KINDS = frozenset({Kind.UINT, Kind.UINT8, Kind.UINT16, Kind.UINT32, Kind.UINT64, Kind.UINTPTR})
FLOAT_KINDS = frozenset({Kind.FLOAT32, Kind.FLOAT64})
COMPLEX_KINDS = frozenset({Kind.COMPLEX64, Kind.COMPLEX128})
NUMBER_KINDS = INT_KINDS | UINT_KINDS | FLOAT_KINDS | COMPLEX_KINDS
BITS = {
    Kind.INT: 64, Kind.INT8: 8, Kind.INT16: 16, Kind.INT32: 32, Kind.INT64: 64,
    Kind.UINT: 64, Kind.UINT8: 8, Kind.UINT16: 16, Kind.UINT32: 32, Kind.UINT64: 64, Kind.UINTPTR: 64,
    Kind.FLOAT32: 32, Kind.FLOAT64: 64, Kind.COMPLEX64: 64, Kind.COMPLEX128: 128,
}  # fmt: skip
NILABLE_KINDS = frozenset({Kind.CHAN, Kind.FUNC, Kind.INTERFACE, Kind.MAP, Kind.PTR, Kind.SLICE})


class GoError(Exception):
    """An error a Go function returned (or panicked with); ``str`` is its text.

    ``typed_error`` marks a value held in an ``error``-typed slot (a struct field,
    an element, a function result declared ``error``): Go keeps that static type
    through pipelines (an interface with methods is not unwrapped) and names it
    in field errors; in an ``interface {}`` slot the value is just its dynamic
    type, ``*errors.errorString``.
    """

    typed_error = False

    def as_error_interface(self) -> "GoError":
        if self.typed_error:
            return self
        e = GoError(str(self))
        e.typed_error = True
        return e

    def as_any(self) -> "GoError":
        if not self.typed_error:
            return self
        return GoError(str(self))


# --- types ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StructField:
    name: str
    type: "GoType"
    tag: str = ""
    attr: str = ""  # the Python attribute holding it ("" = same as name)
    # An embedded (anonymous) field: its name is its type's name, and its fields
    # and methods are promoted into the enclosing struct (Go's selector rules).
    embedded: bool = False

    @property
    def exported(self) -> bool:
        return not self.name.startswith("_")


@dataclasses.dataclass
class Method:
    """A method of a named type: its Go signature and how to call it."""

    name: str
    func_type: "GoType"  # without the receiver
    call: Callable[..., Any]  # call(receiver, *args)
    pointer_receiver: bool = False
    # Promoted from an embedded field: ``call`` walks there from the outer struct
    # (a nil pointer on the way panics as Go's generated wrapper does).
    promoted: bool = False


class GoType:
    """A Go type. Types are interned: equal types are the same object."""

    __slots__ = (
        "kind",
        "name",
        "elem",
        "key",
        "length",
        "fields",
        "params",
        "results",
        "variadic",
        "methods",
        "py_class",
        "_str",
        "_field_index",
        "_embeds",
        "_paths",
        "_mtable",
        "__weakref__",
    )

    def __init__(self, kind: str, name: str | None = None) -> None:
        self.kind = kind
        self.name = name
        self.elem: GoType | None = None
        self.key: GoType | None = None
        self.length = 0
        self.fields: tuple[StructField, ...] = ()
        self.params: tuple[GoType, ...] = ()
        self.results: tuple[GoType, ...] = ()
        self.variadic = False
        self.methods: dict[str, Method] = {}
        self.py_class: type | None = None
        self._str: str | None = None
        self._field_index: dict[str, StructField] | None = None
        self._embeds: bool | None = None  # has embedded fields (computed on first use)
        self._paths: dict[str, tuple[StructField, ...] | None] | None = None
        self._mtable: dict[str, Method] | None = None

    def __repr__(self) -> str:
        return f"<GoType {self}>"

    def __str__(self) -> str:
        if self._str is None:
            self._str = self.name if self.name is not None else _type_string(self)
        return self._str

    # --- relations -----------------------------------------------------------------

    def field(self, name: str) -> StructField | None:
        """The struct's own field ``name`` (promoted fields: field_path)."""
        if self._field_index is None:
            self._field_index = {f.name: f for f in self.fields}
        return self._field_index.get(name)

    @property
    def has_embedded(self) -> bool:
        e = self._embeds
        if e is None:
            e = self._embeds = self.kind == Kind.STRUCT and any(f.embedded for f in self.fields)
        return e

    def field_path(self, name: str) -> tuple[StructField, ...] | None:
        """reflect's Type.FieldByName: the fields from this struct down to the
        field ``name``, promoted ones included (the shallowest depth wins; two at
        the same depth annihilate each other), or None."""
        f = self.field(name)
        if f is not None:
            return (f,)
        if not self.has_embedded:
            return None
        paths = self._paths
        if paths is None:
            paths = self._paths = {}
        try:
            return paths[name]
        except KeyError:
            path = paths[name] = _field_by_name(self, name)
            return path

    def method_table(self) -> dict[str, "Method"]:
        """Every method of T and *T: the declared ones plus those promoted from
        embedded fields. A method marked pointer_receiver is only in *T's method
        set (callable on an addressable T). Computed on first use: types are
        complete (fields, methods of the embedded types) before templates run."""
        if self._embeds is False or not self.has_embedded:
            return self.methods
        table = self._mtable
        if table is None:
            table = self._mtable = {**_promoted_methods(self), **self.methods}
        return table

    def assignable_to(self, other: "GoType") -> bool:
        """Go's AssignableTo, for the types gotmpl has (no channels)."""
        if self is other:
            return True
        if other.kind == Kind.INTERFACE:
            return implements(self, other)
        # Identical underlying types and at least one of them unnamed.
        if self.name is not None and other.name is not None:
            return False
        return _underlying_key(self) == _underlying_key(other)

    def method_set(self, pointer: bool) -> dict[str, Method]:
        table = self.method_table()
        if pointer:
            return table
        return {n: m for n, m in table.items() if not m.pointer_receiver}

    @property
    def comparable(self) -> bool:
        if self.kind in (Kind.SLICE, Kind.MAP, Kind.FUNC):
            return False
        if self.kind == Kind.ARRAY:
            return self.elem.comparable
        if self.kind == Kind.STRUCT:
            return all(f.type.comparable for f in self.fields)
        return True


def _underlying_key(t: GoType) -> tuple:
    if t.kind in (Kind.SLICE, Kind.PTR):
        return (t.kind, t.elem)
    if t.kind == Kind.ARRAY:
        return (t.kind, t.length, t.elem)
    if t.kind == Kind.MAP:
        return (t.kind, t.key, t.elem)
    if t.kind == Kind.STRUCT:
        return (t.kind, tuple((f.name, f.type, f.tag, f.embedded) for f in t.fields))
    if t.kind == Kind.FUNC:
        return (t.kind, t.params, t.results, t.variadic)
    return (t.kind,)


# --- embedded fields: promotion (Go's selector rules) ------------------------------------------


def _embedded_target(f: StructField) -> GoType | None:
    """The type an embedded field T or *T contributes fields and methods from."""
    t = f.type
    if t.kind == Kind.PTR and t.name is None:
        t = t.elem
    return t


def _field_by_name(t: GoType, name: str) -> tuple[StructField, ...] | None:
    """reflect's structType.FieldByNameFunc: breadth first, one depth level at a
    time; a name found more than once at the shallowest depth where it occurs
    (or inside a struct type reached twice at that depth) is not found."""
    nxt: list[tuple[GoType, tuple[StructField, ...]]] = [(t, ())]
    next_count: dict[GoType, int] | None = None
    visited: set[GoType] = set()
    while nxt:
        current, nxt = nxt, []
        count = next_count or {}
        next_count = None
        result = None
        for typ, index in current:
            if typ in visited:
                continue
            visited.add(typ)
            for f in typ.fields:
                if f.name == name:
                    if count.get(typ, 0) > 1 or result is not None:
                        return None  # annihilated
                    result = index + (f,)
                    continue
                if result is not None or not f.embedded:
                    continue
                ntyp = _embedded_target(f)
                if ntyp is None or ntyp.kind != Kind.STRUCT:
                    continue
                if next_count is None:
                    next_count = {}
                if next_count.get(ntyp, 0) > 0:
                    next_count[ntyp] = 2
                    continue
                next_count[ntyp] = 2 if count.get(typ, 0) > 1 else 1
                nxt.append((ntyp, index + (f,)))
        if result is not None:
            return result
    return None


def _method_set(t: GoType, is_ptr: bool) -> dict[str, tuple[Method, tuple[StructField, ...]]]:
    """go/types NewMethodSet of T (or *T): name -> (method, embedded fields from T
    down to its receiver). Shallower names (fields or methods) hide deeper ones; a
    name twice at its shallowest depth is a collision and in neither set."""
    base: dict[str, tuple[Method, tuple[StructField, ...]] | None] = {}
    # (type, path, indirect, multiples)
    current: list[tuple[GoType, tuple[StructField, ...], bool, bool]] = [(t, (), is_ptr, False)]
    seen: set[GoType] = set()
    while current:
        nxt: list[tuple[GoType, tuple[StructField, ...], bool, bool]] = []
        fset: set[str] = set()
        mset: dict[str, tuple[Method, tuple[StructField, ...]] | None] = {}

        def add_one(m: Method, path: tuple[StructField, ...], indirect: bool, multiples: bool) -> None:
            if not multiples and m.name not in mset and (indirect or not m.pointer_receiver):
                mset[m.name] = (m, path)
            else:
                mset[m.name] = None  # collision

        for typ, path, indirect, multiples in current:
            if typ.name is not None:
                if typ in seen:
                    continue
                seen.add(typ)
                if typ.kind != Kind.INTERFACE:
                    for m in typ.methods.values():
                        add_one(m, path, indirect, multiples)
            if typ.kind == Kind.STRUCT:
                for f in typ.fields:
                    fset.add(f.name)
                    if f.embedded:
                        et = _embedded_target(f)
                        if et is not None:
                            nxt.append((et, path + (f,), indirect or et is not f.type, multiples))
            elif typ.kind == Kind.INTERFACE:
                for name in _INTERFACE_METHODS.get(typ, ()):
                    add_one(_interface_method(name), path, True, multiples)
        for k, m in mset.items():
            if k not in base:
                base[k] = None if k in fset else m
        for k in fset:
            if k not in base:
                base[k] = None
        # Consolidate multiples: a type reached twice at one depth collides with itself.
        current = []
        index: dict[GoType, int] = {}
        for e in nxt:
            i = index.get(e[0])
            if i is not None:
                current[i] = (*current[i][:3], True)
            else:
                index[e[0]] = len(current)
                current.append(e)
    return {k: v for k, v in base.items() if v is not None}


def _interface_method(name: str) -> Method:
    """A method of an embedded error / fmt.Stringer field: the dynamic value's."""

    def call(v: Any, *args: Any) -> Any:
        if v is None or type(v) is NilInterface:
            raise GoError(NIL_DEREFERENCE)
        bound = method_of(v, name)
        if bound is None:  # pragma: no cover - the value was assigned to the interface
            raise GoError(NIL_DEREFERENCE)
        return bound(*args)

    return Method(name, func_of([], [STRING]), call)


NIL_DEREFERENCE = "runtime error: invalid memory address or nil pointer dereference"


def _promoted_methods(t: GoType) -> dict[str, Method]:
    """The methods embedded fields promote into struct type t: those in T's
    method set, and (marked pointer_receiver) those only in *T's."""
    value_set = _method_set(t, False)
    pointer_set = _method_set(t, True)
    out: dict[str, Method] = {}
    for name, (m, path) in pointer_set.items():
        if not path:
            continue  # declared on t itself
        out[name] = Method(name, m.func_type, _promoted_call(path, m), name not in value_set, promoted=True)
    return out


def _promoted_call(path: tuple[StructField, ...], m: Method) -> Callable[..., Any]:
    """Go's promoted-method wrapper: from the outer struct through the embedded
    fields to the method's receiver; a nil pointer on the way panics."""
    last = len(path) - 1
    nil_ok = m.pointer_receiver

    def call(receiver: Any, *args: Any) -> Any:
        v = receiver
        if v is None:
            raise GoError(NIL_DEREFERENCE)
        for i, f in enumerate(path):
            v = get_field(v, f)
            k = f.type.kind
            if k == Kind.PTR:
                if type(v) is not Ptr or v.target is None:
                    if i == last and nil_ok:
                        # A pointer method on a nil receiver: nil-safe methods answer;
                        # others fail as Go's nil dereference does.
                        try:
                            return m.call(None, *args)
                        except (AttributeError, TypeError):
                            raise GoError(NIL_DEREFERENCE) from None
                    raise GoError(NIL_DEREFERENCE)
                v = v.target
            elif k == Kind.INTERFACE:
                v = None if type(v) is NilInterface else v
        return m.call(v, *args)

    return call


def implements(t: GoType, iface: GoType) -> bool:
    """Whether t has iface's methods (only the empty interface, error and
    fmt.Stringer matter to templates)."""
    needed = _INTERFACE_METHODS.get(iface, ())
    methods = t.method_table() if t.kind != Kind.PTR else (t.elem.method_table() if t.elem is not None else {})
    if t.kind == Kind.INTERFACE:
        return all(m in _INTERFACE_METHODS.get(t, ()) for m in needed)
    if t.kind != Kind.PTR:
        methods = t.method_set(False)
    return all(m in methods for m in needed)


def _type_string(t: GoType) -> str:
    k = t.kind
    if k == Kind.SLICE:
        return "[]" + str(t.elem)
    if k == Kind.ARRAY:
        return f"[{t.length}]{t.elem}"
    if k == Kind.PTR:
        return "*" + str(t.elem)
    if k == Kind.MAP:
        return f"map[{t.key}]{t.elem}"
    if k == Kind.INTERFACE:
        return "interface {}"
    if k == Kind.STRUCT:
        if not t.fields:
            return "struct {}"
        parts = []
        for f in t.fields:
            part = str(f.type) if f.embedded else f"{f.name} {f.type}"
            if f.tag:
                from .strconv import quote

                part += " " + quote(f.tag)
            parts.append(part)
        return "struct { " + "; ".join(parts) + " }"
    if k == Kind.FUNC:
        params = [str(p) for p in t.params]
        if t.variadic and params:
            params[-1] = "..." + str(t.params[-1].elem)
        s = "func(" + ", ".join(params) + ")"
        if len(t.results) == 1:
            s += " " + str(t.results[0])
        elif t.results:
            s += " (" + ", ".join(str(r) for r in t.results) + ")"
        return s
    return k


_INTERN: dict[tuple, GoType] = {}


def _interned(key: tuple, make: Callable[[], GoType]) -> GoType:
    t = _INTERN.get(key)
    if t is None:
        t = _INTERN[key] = make()
    return t


def basic(kind: str) -> GoType:
    return _interned(("basic", kind), lambda: GoType(kind))


BOOL = basic(Kind.BOOL)
INT = basic(Kind.INT)
INT8 = basic(Kind.INT8)
INT16 = basic(Kind.INT16)
INT32 = basic(Kind.INT32)
INT64 = basic(Kind.INT64)
UINT = basic(Kind.UINT)
UINT8 = basic(Kind.UINT8)
UINT16 = basic(Kind.UINT16)
UINT32 = basic(Kind.UINT32)
UINT64 = basic(Kind.UINT64)
UINTPTR = basic(Kind.UINTPTR)
FLOAT32 = basic(Kind.FLOAT32)
FLOAT64 = basic(Kind.FLOAT64)
COMPLEX64 = basic(Kind.COMPLEX64)
COMPLEX128 = basic(Kind.COMPLEX128)
STRING = basic(Kind.STRING)
ANY = _interned(("interface",), lambda: GoType(Kind.INTERFACE))
ERROR = _interned(("named", "error"), lambda: GoType(Kind.INTERFACE, "error"))
STRINGER = _interned(("named", "fmt.Stringer"), lambda: GoType(Kind.INTERFACE, "fmt.Stringer"))
_INTERFACE_METHODS = {ANY: (), ERROR: ("Error",), STRINGER: ("String",)}


def slice_of(elem: GoType) -> GoType:
    def make() -> GoType:
        t = GoType(Kind.SLICE)
        t.elem = elem
        return t

    return _interned(("slice", elem), make)


def array_of(length: int, elem: GoType) -> GoType:
    def make() -> GoType:
        t = GoType(Kind.ARRAY)
        t.elem, t.length = elem, length
        return t

    return _interned(("array", length, elem), make)


def ptr_to(elem: GoType) -> GoType:
    def make() -> GoType:
        t = GoType(Kind.PTR)
        t.elem = elem
        return t

    return _interned(("ptr", elem), make)


def map_of(key: GoType, elem: GoType) -> GoType:
    def make() -> GoType:
        t = GoType(Kind.MAP)
        t.key, t.elem = key, elem
        return t

    return _interned(("map", key, elem), make)


def struct_of(fields: Iterable[StructField]) -> GoType:
    fields = tuple(fields)

    def make() -> GoType:
        t = GoType(Kind.STRUCT)
        t.fields = fields
        return t

    return _interned(("struct", tuple((f.name, f.type, f.tag, f.embedded) for f in fields)), make)


def func_of(params: Iterable[GoType], results: Iterable[GoType], variadic: bool = False) -> GoType:
    params, results = tuple(params), tuple(results)

    def make() -> GoType:
        t = GoType(Kind.FUNC)
        t.params, t.results, t.variadic = params, results, variadic
        return t

    return _interned(("func", params, results, variadic), make)


def named(name: str, underlying: GoType, methods: dict[str, Method] | None = None) -> GoType:
    """A named type (``time.Duration``, ``main.T``) over an underlying type."""

    t = _interned(("named", name), lambda: distinct_named(name, underlying))
    if methods:
        t.methods.update(methods)
    return t


def distinct_named(name: str, underlying: GoType) -> GoType:
    """A named type that is not interned: two of the same name are different
    types, as Go's same-named types of different packages (or, for the
    injector, of different Istio releases) are."""
    t = GoType(underlying.kind, name)
    t.elem, t.key, t.length = underlying.elem, underlying.key, underlying.length
    t.fields = underlying.fields
    t.params, t.results, t.variadic = underlying.params, underlying.results, underlying.variadic
    return t


SLICE_ANY = slice_of(ANY)
MAP_STRING_ANY = map_of(STRING, ANY)
BYTES = slice_of(UINT8)
MAP_INT_ANY = map_of(INT, ANY)
MAP_ANY_ANY = map_of(ANY, ANY)


# --- typed values ---------------------------------------------------------------------------


class Typed:
    """A scalar whose Go type is not its Python type's natural one."""

    __slots__ = ("type", "value")

    def __init__(self, type_: GoType, value: Any) -> None:
        self.type = type_
        self.value = value

    def __repr__(self) -> str:
        return f"{self.type}({self.value!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Typed) and other.type is self.type and _same(other.value, self.value)

    def __hash__(self) -> int:
        return hash((id(self.type), self.value))


def _same(a: Any, b: Any) -> bool:
    return a == b and type(a) is type(b)


class Slice:
    """``[]T``; ``items`` None is a nil slice. A slice made by slicing keeps its
    capacity: ``backing[offset:offset+cap]`` are the elements it may grow into
    when sliced again (Go's ``s[lo:hi]`` can reach past ``len(s)``)."""

    __slots__ = ("type", "items", "backing", "offset", "cap")

    def __init__(
        self, type_: GoType, items: list | None, backing: list | None = None, offset: int = 0, cap: int | None = None
    ) -> None:
        self.type = type_
        self.items = items
        self.backing = backing
        self.offset = offset
        self.cap = cap

    def __repr__(self) -> str:
        return f"{self.type}({self.items!r})"

    def __len__(self) -> int:
        return len(self.items) if self.items is not None else 0


class Array:
    """``[N]T``. ``addressable`` marks an array reached through a pointer or a
    slice element (Go can slice only those)."""

    __slots__ = ("type", "items", "addressable")

    def __init__(self, type_: GoType, items: list, addressable: bool = False) -> None:
        self.type = type_
        self.items = items
        self.addressable = addressable

    def __repr__(self) -> str:
        return f"{self.type}({self.items!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Array) and other.type is self.type and self.items == other.items

    def __hash__(self) -> int:
        return hash((id(self.type), tuple(self.items)))


class Map:
    """``map[K]V``; ``data`` None is a nil map. Keys are held as values of K."""

    __slots__ = ("type", "data")

    def __init__(self, type_: GoType, data: dict | None) -> None:
        self.type = type_
        self.data = data

    def __repr__(self) -> str:
        return f"{self.type}({self.data!r})"


class Ptr:
    """``*T``; ``target`` None is a nil pointer. Pointers compare by identity."""

    __slots__ = ("type", "target")

    def __init__(self, type_: GoType, target: Any) -> None:
        self.type = type_
        self.target = target

    def __repr__(self) -> str:
        return f"&{self.target!r}" if self.target is not None else f"({self.type})(nil)"


class Struct:
    """A struct of a type made at run time (``struct { A int }``)."""

    __slots__ = ("type", "fields")

    def __init__(self, type_: GoType, fields: dict[str, Any]) -> None:
        self.type = type_
        self.fields = fields

    def __repr__(self) -> str:
        return f"{self.type}{self.fields!r}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Struct) and other.type is self.type and other.fields == self.fields

    def __hash__(self) -> int:
        return hash((id(self.type), tuple(self.fields.items())))


class Func:
    """A function value with a Go signature (``call`` and methods use it)."""

    __slots__ = ("type", "fn")

    def __init__(self, type_: GoType, fn: Callable[..., Any] | None) -> None:
        self.type = type_
        self.fn = fn

    def __repr__(self) -> str:
        return f"<{self.type}>"


# --- Python classes as struct types -------------------------------------------------------

Int8 = typing.Annotated[int, INT8]
Int16 = typing.Annotated[int, INT16]
Int32 = typing.Annotated[int, INT32]
Int64 = typing.Annotated[int, INT64]
Uint = typing.Annotated[int, UINT]
Uint8 = typing.Annotated[int, UINT8]
Uint16 = typing.Annotated[int, UINT16]
Uint32 = typing.Annotated[int, UINT32]
Uint64 = typing.Annotated[int, UINT64]
Float32 = typing.Annotated[float, FLOAT32]
Complex64 = typing.Annotated[complex, COMPLEX64]

_PY_BASIC = {str: STRING, int: INT, float: FLOAT64, bool: BOOL, complex: COMPLEX128, bytes: BYTES}
_CLASS_TYPES: dict[type, GoType] = {}


def go_type_of_annotation(ann: Any) -> GoType:
    """The Go type a Python type annotation stands for."""
    if isinstance(ann, GoType):
        return ann
    if ann is Any or ann is object or ann is None or ann is type(None):
        return ANY
    origin = typing.get_origin(ann)
    args = typing.get_args(ann)
    if origin is typing.Annotated:
        for meta in args[1:]:
            if isinstance(meta, GoType):
                return meta
        return go_type_of_annotation(args[0])
    if origin in (typing.Union, _pytypes.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(args) == 2:
            return ptr_to(go_type_of_annotation(rest[0]))
        return ANY
    if origin in (list, tuple, typing.Sequence, Iterable) or ann in (list, tuple):
        if origin is tuple and args and (len(args) != 2 or args[1] is not Ellipsis):
            return SLICE_ANY
        return slice_of(go_type_of_annotation(args[0])) if args else SLICE_ANY
    if origin in (dict, typing.Mapping) or ann is dict:
        if args:
            return map_of(go_type_of_annotation(args[0]), go_type_of_annotation(args[1]))
        return MAP_STRING_ANY
    if ann in _PY_BASIC:
        return _PY_BASIC[ann]
    if isinstance(ann, type):
        return class_type(ann)
    return ANY


def class_type(cls: type) -> GoType:
    """The Go type of instances of a Python class (a struct, or a named basic type
    for enums), built once per class."""
    t = _CLASS_TYPES.get(cls)
    if t is not None:
        return t
    name = getattr(cls, "__go_type__", None) or "main." + cls.__name__
    if issubclass(cls, enum.Enum):
        values = [m.value for m in cls]
        base = STRING if values and all(isinstance(v, str) for v in values) else INT
        t = GoType(base.kind, name)
    elif cls in _PY_BASIC:
        return _PY_BASIC[cls]
    else:
        t = GoType(Kind.STRUCT, name)
    t.py_class = cls
    _CLASS_TYPES[cls] = t  # before the fields: classes may refer to themselves
    if t.kind == Kind.STRUCT:
        t.fields = tuple(_class_fields(cls))
    t.methods = _class_methods(cls)
    return t


class _EmbeddedMarker:
    def __repr__(self) -> str:
        return "EMBEDDED"


# ``Annotated[Meta, EMBEDDED]`` on a class attribute: an embedded field (Go's
# ``struct { Meta; ... }``), whose fields and methods are promoted. The
# attribute should be named as the type is (``Meta: Annotated[Meta, EMBEDDED]``).
EMBEDDED = _EmbeddedMarker()


def _is_embedded(ann: Any) -> bool:
    return typing.get_origin(ann) is typing.Annotated and any(m is EMBEDDED for m in typing.get_args(ann)[1:])


def _class_fields(cls: type) -> list[StructField]:
    try:
        hints = typing.get_type_hints(cls, include_extras=True)
    except Exception:
        hints = {}
    if dataclasses.is_dataclass(cls):
        names = [f.name for f in dataclasses.fields(cls)]
    else:
        names = list(hints)
    out = []
    for n in names:
        if n.startswith("_"):
            continue
        ann = hints.get(n, Any)
        out.append(StructField(n, go_type_of_annotation(ann), attr=n, embedded=_is_embedded(ann)))
    return out


def pointer_receiver(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a method as having a pointer receiver (callable only through a pointer)."""
    fn.__go_pointer_receiver__ = True  # type: ignore[attr-defined]
    return fn


def _class_members(cls: type) -> dict[str, Any]:
    """Public attributes defined on the class and its bases (enum classes hide
    theirs from inspect.getmembers)."""
    found: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if klass is object or klass in (enum.Enum, int, str, enum.IntEnum):
            continue
        for name, member in vars(klass).items():
            found[name] = member
    return found


def _class_methods(cls: type) -> dict[str, Method]:
    methods = {}
    for name, static in _class_members(cls).items():
        if name.startswith("_") or isinstance(static, (staticmethod, classmethod, property, type)):
            continue
        if issubclass(cls, enum.Enum) and (name in ("name", "value") or isinstance(static, enum.Enum)):
            continue
        member = getattr(cls, name, None)
        if not callable(member) or isinstance(member, type):
            continue
        fn_type = signature_type(member, skip_self=True)
        pointer = bool(getattr(member, "__go_pointer_receiver__", False))
        # A pointer-receiver method may be called on a nil pointer (Go's
        # generated getters are nil-safe): call the function itself with None.
        caller = _nil_safe_caller(member) if pointer and inspect.isfunction(member) else _method_caller(name)
        methods[name] = Method(name, fn_type, caller, pointer)
    return methods


def _nil_safe_caller(fn: Callable[..., Any]) -> Callable[..., Any]:
    def call(receiver: Any, *args: Any) -> Any:
        return fn(receiver, *args)

    return call


def _method_caller(name: str) -> Callable[..., Any]:
    def call(receiver: Any, *args: Any) -> Any:
        return getattr(receiver, name)(*args)

    return call


def signature_type(fn: Callable[..., Any], skip_self: bool = False) -> GoType:
    """The Go func type of a Python callable: annotated parameters give Go
    types (unannotated ones are interface {}), *args makes it variadic; a
    ``__go_signature__`` attribute (a GoType or type text) wins."""
    explicit = getattr(fn, "__go_signature__", None)
    if explicit is not None:
        return explicit if isinstance(explicit, GoType) else parse_type(explicit)
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return func_of([], [ANY], variadic=False)
    try:
        hints = typing.get_type_hints(fn, include_extras=True)
    except Exception:
        hints = {}
    params = []
    variadic = False
    items = list(sig.parameters.values())
    if skip_self and items and items[0].name == "self":
        items = items[1:]
    for p in items:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            if p.default is not p.empty:
                continue
            params.append(go_type_of_annotation(hints.get(p.name, Any)))
        elif p.kind == p.VAR_POSITIONAL:
            params.append(slice_of(go_type_of_annotation(hints.get(p.name, Any))))
            variadic = True
    ret = hints.get("return", Any)
    results = [go_type_of_annotation(ret)] if ret is not None and ret is not type(None) else [ANY]
    return func_of(params, results, variadic)


# --- the type of a value ---------------------------------------------------------------------

class NilInterface:
    """A nil value of an interface type with methods (a nil ``error``). Unlike a
    nil ``interface {}`` (None), Go does not unwrap it after a pipeline command,
    so ``.Field`` on it and ``range`` over it fail naming its type."""

    __slots__ = ("type",)

    def __init__(self, type_: GoType) -> None:
        self.type = type_

    def __repr__(self) -> str:
        return f"{self.type}(nil)"


NIL_ERROR = NilInterface(ERROR)


_WRAPPERS = (Typed, Slice, Array, Map, Ptr, Struct, Func, NilInterface)


def type_of(v: Any) -> GoType | None:
    """The dynamic Go type of a value (None for MISSING; ANY for a nil interface)."""
    cls = type(v)
    t = _NATURAL.get(cls)
    if t is not None:
        return t
    if cls in _WRAPPER_SET:
        return v.type
    if v is None:
        return ANY
    if v is MISSING:
        return None
    if cls is dict:
        return _dict_type(v)
    if isinstance(v, GoError) or isinstance(v, BaseException):
        return ERROR_VALUE_TYPE
    if callable(v) and not isinstance(v, type) and (inspect.isfunction(v) or inspect.isbuiltin(v) or inspect.ismethod(v)):
        return signature_type(v)
    if cls in _PY_BASIC:
        return _PY_BASIC[cls]
    for base, t in _PY_BASIC_SUB:
        if isinstance(v, base) and not isinstance(v, enum.Enum):
            return t
    return class_type(cls)


_NATURAL = {str: STRING, bool: BOOL, int: INT, float: FLOAT64, list: SLICE_ANY, tuple: SLICE_ANY, bytes: BYTES, complex: COMPLEX128}
_PY_BASIC_SUB = [(bool, BOOL), (int, INT), (float, FLOAT64), (str, STRING), (bytes, BYTES), (complex, COMPLEX128)]
_WRAPPER_SET = frozenset(_WRAPPERS)
# The dynamic type of error values (Go's *errors.errorString).
ERROR_VALUE_TYPE = ptr_to(named("errors.errorString", struct_of([StructField("s", STRING)])))
ERROR_VALUE_TYPE.methods["Error"] = Method("Error", func_of([], [STRING]), lambda e: str(e))


def _dict_type(d: dict) -> GoType:
    """map[string]interface {} for string keys; other key sets follow Go's map
    rules: all ints -> map[int]..., anything else map[interface {}]...."""
    kinds = {type(k) for k in d}
    if not kinds or kinds == {str}:
        return MAP_STRING_ANY
    if kinds == {int}:
        return MAP_INT_ANY
    return MAP_ANY_ANY


def kind_of(v: Any) -> str | None:
    t = type_of(v)
    return t.kind if t is not None else None


def unwrap_scalar(v: Any) -> Any:
    """The Python number/string/bool inside a scalar value."""
    return v.value if type(v) is Typed else (v.value if isinstance(v, enum.Enum) else v)


# --- coercion: a raw Python value seen through a static Go type --------------------------------


def natural_for(t: GoType) -> bool:
    """Whether raw Python values of this static type need no wrapper."""
    return t in _NATURAL_TYPES or t is ANY or (t.py_class is not None and t.kind == Kind.STRUCT)


_NATURAL_TYPES = frozenset({STRING, BOOL, INT, FLOAT64, COMPLEX128, SLICE_ANY, MAP_STRING_ANY, BYTES})


def coerce(t: GoType, raw: Any) -> Any:
    """The value of static type t that a raw Python value stands for."""
    if natural_for(t):
        if t is MAP_STRING_ANY and raw is None:
            return Map(t, None)
        if t is SLICE_ANY and raw is None:
            return Slice(t, None)
        return raw
    if isinstance(raw, _WRAPPERS) and raw.type is t:
        return raw
    k = t.kind
    if k == Kind.INTERFACE:  # error, fmt.Stringer: a nil stays typed, errors keep the static type
        if raw is None:
            return zero_value(t)
        if t is ERROR and isinstance(raw, BaseException) and not isinstance(raw, GoError):
            raw = GoError(str(raw))
        return raw.as_error_interface() if isinstance(raw, GoError) and t is ERROR else raw
    if k == Kind.PTR:
        if isinstance(raw, Ptr):
            return raw
        return Ptr(t, raw)
    if k == Kind.SLICE:
        if isinstance(raw, Slice):
            return Slice(t, raw.items)
        if t.elem is UINT8 and isinstance(raw, (bytes, bytearray)):
            return raw if t is BYTES else Slice(t, list(raw))
        return Slice(t, list(raw) if raw is not None else None)
    if k == Kind.ARRAY:
        return Array(t, list(raw.items if isinstance(raw, Array) else raw))
    if k == Kind.MAP:
        if isinstance(raw, Map):
            return Map(t, raw.data)
        return Map(t, raw)
    if k == Kind.STRUCT:
        return raw
    if k == Kind.FUNC:
        return raw if isinstance(raw, Func) else Func(t, raw)
    if isinstance(raw, Typed):
        return Typed(t, raw.value)
    if t.py_class is not None:
        return raw
    if raw is None:
        return zero_value(t)
    return Typed(t, raw)




def zero_value(t: GoType) -> Any:
    """Go's reflect.Zero(t)."""
    k = t.kind
    if k == Kind.INTERFACE:
        if t is ERROR:
            return NIL_ERROR
        return None if t.name is None else NilInterface(t)
    if t in _ZEROS:
        return _ZEROS[t]
    if k in INT_KINDS or k in UINT_KINDS:
        return Typed(t, 0)
    if k in FLOAT_KINDS:
        return Typed(t, 0.0)
    if k in COMPLEX_KINDS:
        return Typed(t, 0j)
    if k == Kind.STRING:
        return Typed(t, "")
    if k == Kind.BOOL:
        return Typed(t, False)
    if k == Kind.SLICE:
        return Slice(t, None)
    if k == Kind.MAP:
        return Map(t, None)
    if k == Kind.PTR:
        return Ptr(t, None)
    if k == Kind.ARRAY:
        return Array(t, [zero_value(t.elem) for _ in range(t.length)])
    if k == Kind.FUNC:
        return Func(t, None)
    if k == Kind.STRUCT:
        if t.py_class is not None:
            try:
                return t.py_class()
            except TypeError:
                pass
        return Struct(t, {f.name: zero_value(f.type) for f in t.fields})
    return None


_ZEROS = {STRING: "", BOOL: False, INT: 0, FLOAT64: 0.0, COMPLEX128: 0j}


# --- reflection helpers ------------------------------------------------------------------------


def is_nil(v: Any) -> bool:
    """Go's isNil in funcs.go: invalid values and nil chans/funcs/interfaces/maps/pointers/slices."""
    if v is None or v is MISSING:
        return True
    cls = type(v)
    if cls is Ptr:
        return v.target is None
    if cls is Slice:
        return v.items is None
    if cls is Map:
        return v.data is None
    if cls is Func:
        return v.fn is None
    if cls is NilInterface:
        return True
    return False


def struct_fields(v: Any) -> list[tuple[StructField, Any]]:
    """The fields of a struct value, in order, as (field, value of its type)."""
    t = type_of(v)
    if type(v) is Struct:
        return [(f, v.fields.get(f.name, MISSING)) for f in t.fields]
    out = []
    for f in t.fields:
        raw = getattr(v, f.attr or f.name, None)
        out.append((f, coerce(f.type, raw)))
    return out


def get_field(v: Any, f: StructField) -> Any:
    if type(v) is Struct:
        return v.fields[f.name]
    return coerce(f.type, getattr(v, f.attr or f.name, None))


def elements(v: Any) -> list:
    """The elements of a slice or array value, each as a value of the element type."""
    cls = type(v)
    if cls is list or cls is tuple:
        return list(v)
    if cls is bytes:
        return [Typed(UINT8, b) for b in v]
    items = v.items or []
    elem = v.type.elem
    if natural_for(elem):
        return list(items)
    return [coerce(elem, x) for x in items]


def map_items(v: Any) -> list[tuple[Any, Any]]:
    """(key, value) pairs of a map, as values of its key and element types."""
    if type(v) is dict:
        return list(v.items())
    data = v.data or {}
    kt, et = v.type.key, v.type.elem
    nk, ne = natural_for(kt), natural_for(et)
    if kt.kind == Kind.INTERFACE:
        return [(k.value if type(k) is IfaceKey else k, x if ne else coerce(et, x)) for k, x in data.items()]
    return [(k if nk else coerce(kt, k), x if ne else coerce(et, x)) for k, x in data.items()]


def map_key(t: GoType, key: Any) -> Any:
    """The Python dict key a Go map key value is stored under."""
    if t.kind == Kind.INTERFACE:
        return IfaceKey(key)
    if type(key) is Typed:
        return key.value
    return key


# --- ordering of map keys (Go's internal/fmtsort) --------------------------------------------------

# Observed order of Go 1.27's built-in types as interface map keys (the linker's order
# of type descriptors); other types follow, ordered by their type strings.
_BASIC_TYPE_RANK = {
    t: i
    for i, t in enumerate(
        [STRING, INT8, UINT8, INT16, UINT16, INT32, UINT32, INT64, UINT64, INT, UINT, UINTPTR,
         COMPLEX64, COMPLEX128, FLOAT32, FLOAT64, BOOL]
    )
}  # fmt: skip


def _type_order(t: GoType) -> tuple:
    rank = _BASIC_TYPE_RANK.get(t)
    if rank is not None:
        return (0, rank, "")
    s = str(t)
    return (2 if s.startswith("struct {") else 1, 0, s)


def compare_keys(a: Any, b: Any) -> int:
    """fmtsort's compare: -1, 0 or 1."""
    if a is None or b is None:
        if a is None and b is None:
            return 0
        return -1 if a is None else 1
    ta, tb = type_of(a), type_of(b)
    if ta is not tb:
        oa, ob = _type_order(ta), _type_order(tb)
        return -1 if oa < ob else (1 if oa > ob else 0)
    k = ta.kind
    if k == Kind.STRING:
        x, y = _go_bytes(unwrap_scalar(a)), _go_bytes(unwrap_scalar(b))
        return (x > y) - (x < y)
    if k in FLOAT_KINDS:
        x, y = float(unwrap_scalar(a)), float(unwrap_scalar(b))
        if x < y:
            return -1
        if x > y:
            return 1
        if math.isnan(x) and not math.isnan(y):
            return -1
        if math.isnan(y) and not math.isnan(x):
            return 1
        return 0
    if k in COMPLEX_KINDS:
        x, y = complex(unwrap_scalar(a)), complex(unwrap_scalar(b))
        c = compare_keys(Typed(FLOAT64, x.real), Typed(FLOAT64, y.real))
        return c if c else compare_keys(Typed(FLOAT64, x.imag), Typed(FLOAT64, y.imag))
    if k == Kind.BOOL or k in INT_KINDS or k in UINT_KINDS:
        x, y = int(unwrap_scalar(a)), int(unwrap_scalar(b))
        return (x > y) - (x < y)
    if k == Kind.PTR:
        x, y = id(a.target) if a.target is not None else 0, id(b.target) if b.target is not None else 0
        return (x > y) - (x < y)
    if k == Kind.ARRAY:
        for x, y in zip(elements(a), elements(b)):
            c = compare_keys(x, y)
            if c:
                return c
        return 0
    if k == Kind.STRUCT:
        for (_, x), (_, y) in zip(struct_fields(a), struct_fields(b)):
            c = compare_keys(x, y)
            if c:
                return c
        return 0
    return 0


def _go_bytes(s: str) -> bytes:
    return s.encode("utf-8", "surrogateescape")


def sorted_map_items(v: Any) -> list[tuple[Any, Any]]:
    """Map entries in Go's fmtsort order (what range and printing use)."""
    import functools

    items = map_items(v)
    if type(v) is dict and all(type(k) is str for k in v):
        if all(k.isascii() for k in v):
            return sorted(items, key=lambda kv: kv[0])
        return sorted(items, key=lambda kv: _go_bytes(kv[0]))
    return sorted(items, key=functools.cmp_to_key(lambda x, y: compare_keys(x[0], y[0])))


# --- named types gotmpl knows ------------------------------------------------------------------

_TYPE_DECODERS: dict[GoType, Callable[[Any, str], Any]] = {}


def register_named_type(name: str, gotype: GoType, decode: Callable[[Any, str], Any]) -> None:
    """Make a named type known to parse_type / from_typed_json (e.g. a test twin of
    the oracle's ``oracle.T``). ``decode(payload, path)`` builds a value."""
    _NAMED_TYPES[name] = gotype
    _TYPE_DECODERS[gotype] = decode


_NAMED_TYPES: dict[str, GoType] = {}


# --- parsing Go type expressions -----------------------------------------------------------------

_BASIC_NAMES = {
    "bool": BOOL, "string": STRING, "int": INT, "int8": INT8, "int16": INT16, "int32": INT32,
    "rune": INT32, "int64": INT64, "uint": UINT, "uint8": UINT8, "byte": UINT8, "uint16": UINT16,
    "uint32": UINT32, "uint64": UINT64, "uintptr": UINTPTR, "float32": FLOAT32, "float64": FLOAT64,
    "complex64": COMPLEX64, "complex128": COMPLEX128, "any": ANY, "error": ERROR,
}  # fmt: skip
_TYPE_TOKEN = re.compile(r'\s*(\.\.\.|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?|\d+|"(?:[^"\\]|\\.)*"|`[^`]*`|[\[\]{}();,*])')


def _named_type_for(name: str, text: str) -> GoType:
    """The type an embedded field names (a type name, not a type literal)."""
    t = _BASIC_NAMES.get(name) or _NAMED_TYPES.get(name)
    if t is None:
        raise ValueError(f"bad type {text!r}: unknown type name {name}")
    return t


def _embedded_name(type_name: str) -> str:
    """An embedded field's name: its type's name without the package."""
    return type_name.rsplit(".", 1)[-1]


def parse_type(text: str) -> GoType:
    """A Go type expression (``map[string][]*struct{X any}``) as a GoType."""
    tokens = _TYPE_TOKEN.findall(text)
    if "".join(tokens).replace(" ", "") != re.sub(r"\s+", "", text) and not any('"' in t or "`" in t for t in tokens):
        raise ValueError(f"bad type {text!r}")
    pos = 0

    def peek() -> str:
        return tokens[pos] if pos < len(tokens) else ""

    def take(expected: str | None = None) -> str:
        nonlocal pos
        tok = peek()
        if expected is not None and tok != expected:
            raise ValueError(f"bad type {text!r}: expected {expected!r}")
        pos += 1
        return tok

    def parse() -> GoType:
        tok = take()
        if tok == "*":
            return ptr_to(parse())
        if tok == "(":
            t = parse()
            take(")")
            return t
        if tok == "[":
            if peek() == "]":
                take()
                return slice_of(parse())
            n = int(take())
            take("]")
            return array_of(n, parse())
        if tok == "map":
            take("[")
            k = parse()
            take("]")
            if not k.comparable:
                raise ValueError(f"bad type {text!r}: invalid map key type {k}")
            return map_of(k, parse())
        if tok == "interface":
            take("{")
            take("}")
            return ANY
        if tok == "struct":
            take("{")
            fields: list[StructField] = []
            while peek() != "}":
                embedded = False
                if peek() == "*":  # an embedded *T
                    take()
                    base = _named_type_for(take(), text)
                    ft, names, embedded = ptr_to(base), [_embedded_name(str(base))], True
                else:
                    names = [take()]
                    if peek() in (";", "}") or peek().startswith(('"', "`")):  # an embedded T
                        ft = _named_type_for(names[0], text)
                        names, embedded = [_embedded_name(names[0])], True
                if not embedded:
                    while peek() == ",":
                        take()
                        names.append(take())
                    ft = parse()
                tag = ""
                if peek().startswith(('"', "`")):
                    from .strconv import unquote

                    tag = unquote(take())
                fields.extend(StructField(n, ft, tag, embedded=embedded) for n in names)
                if peek() == ";":
                    take()
            take("}")
            return struct_of(fields)
        if tok == "func":
            take("(")
            params, variadic = [], False
            while peek() != ")":
                if peek() == "...":
                    take()
                    params.append(slice_of(parse()))
                    variadic = True
                else:
                    params.append(parse())
                if peek() == ",":
                    take()
            take(")")
            results = []
            if peek() == "(":
                take()
                while peek() != ")":
                    results.append(parse())
                    if peek() == ",":
                        take()
                take(")")
            elif peek() and peek() not in (")", ",", "]", ";", "}"):
                results.append(parse())
            return func_of(params, results, variadic)
        if tok in _BASIC_NAMES:
            return _BASIC_NAMES[tok]
        if tok in _NAMED_TYPES:
            return _NAMED_TYPES[tok]
        raise ValueError(f"bad type {text!r}: unknown type name {tok}")

    t = parse()
    if pos != len(tokens):
        raise ValueError(f"bad type {text!r}")
    return t


# --- the oracle's typed JSON encoding ------------------------------------------------------------


def from_typed_json(obj: Any, path: str = "data") -> Any:
    """Decode the Go oracle's typed value encoding (../shared/oracle/README.md).

    ``{"t": TYPE, "v": PAYLOAD}`` is a value of that Go type; any other JSON
    value is "shorthand", decoded as encoding/json decodes into ``any``
    (numbers become float64). Raises ValueError naming the path of a bad part.
    """
    if _is_typed(obj):
        t = parse_type_at(obj["t"], path)
        value = decode_as(obj["v"], t, path)
        # The result lands in an interface {} slot: a nil error becomes nil, an
        # error value just its dynamic type.
        if type(value) is NilInterface:
            return None
        return value.as_any() if isinstance(value, GoError) else value
    return _plain(obj, path)


def parse_type_at(text: Any, path: str) -> GoType:
    if not isinstance(text, str):
        raise ValueError(f'{path}: "t" must be a string')
    try:
        return parse_type(text)
    except (ValueError, IndexError) as e:
        raise ValueError(f"{path}: {e}") from None


def _is_typed(obj: Any) -> bool:
    return type(obj) is dict and len(obj) == 2 and "t" in obj and "v" in obj


def _plain(obj: Any, path: str) -> Any:
    """Shorthand JSON as encoding/json gives it to ``any``; inside it, a
    ``{"t": ..., "v": ...}`` object is just a map (as in the oracle)."""
    if type(obj) is bool or obj is None or type(obj) is str:
        return obj
    if type(obj) is int or type(obj) is float:
        return float(obj)
    if type(obj) is list:
        return [_plain(x, f"{path}[{i}]") for i, x in enumerate(obj)]
    if type(obj) is dict:
        return {k: _plain(x, f"{path}.{k}") for k, x in obj.items()}
    raise ValueError(f"{path}: unsupported JSON value {obj!r}")


def _describe(j: Any) -> str:
    if j is None:
        return "null"
    if type(j) is bool:
        return "a boolean"
    if type(j) is str:
        return "a string"
    if type(j) in (int, float):
        return "a number"
    if type(j) is list:
        return "an array"
    return "an object"


def _num_text(j: Any, path: str, t: GoType) -> str:
    if type(j) in (int, float) and type(j) is not bool:
        return repr(j) if type(j) is float else str(j)
    if type(j) is str:
        return j
    raise ValueError(f"{path}: cannot decode {_describe(j)} as {t}")


def _float_payload(j: Any, bits: int, path: str) -> float:
    from .strconv import NumError, parse_float

    if type(j) in (int, float) and type(j) is not bool:
        text = repr(j) if type(j) is float else str(j)
    elif type(j) is str:
        text = j
    else:
        raise ValueError(f"{path}: expected a number or numeric string for float{bits}, got {_describe(j)}")
    try:
        return parse_float(text, bits)
    except NumError:
        raise ValueError(f"{path}: bad float{bits} {text!r}") from None


def _round32(f: float) -> float:
    return struct.unpack("<f", struct.pack("<f", f))[0]


def decode_as(j: Any, t: GoType, path: str) -> Any:
    """A payload decoded as a value of Go type t (the oracle's decodeAs)."""
    from .strconv import NumError, parse_int, parse_uint

    decoder = _TYPE_DECODERS.get(t)
    if decoder is not None:
        return decoder(j, path)
    k = t.kind

    def bad() -> ValueError:
        return ValueError(f"{path}: cannot decode {_describe(j)} as {t}")

    if k == Kind.BOOL:
        if type(j) is not bool:
            raise bad()
        return j if t is BOOL else Typed(t, j)
    if k == Kind.STRING:
        if type(j) is not str:
            raise bad()
        return j if t is STRING else Typed(t, j)
    if k in INT_KINDS:
        s = _num_text(j, path, t)
        try:
            n = parse_int(s, 10, BITS[k])
        except NumError:
            raise ValueError(f"{path}: bad {t} {s!r}") from None
        return n if t is INT else Typed(t, n)
    if k in UINT_KINDS:
        s = _num_text(j, path, t)
        try:
            n = parse_uint(s, 10, BITS[k])
        except NumError:
            raise ValueError(f"{path}: bad {t} {s!r}") from None
        return Typed(t, n)
    if k in FLOAT_KINDS:
        f = _float_payload(j, BITS[k], path)
        return f if t is FLOAT64 else Typed(t, f)
    if k in COMPLEX_KINDS:
        half = BITS[k] // 2
        if type(j) is list:
            if len(j) != 2:
                raise ValueError(f"{path}: complex payload must be [re, im]")
            c = complex(_float_payload(j[0], half, path + "[0]"), _float_payload(j[1], half, path + "[1]"))
        elif type(j) is str:
            c = _parse_complex(j, path, t)
        else:
            raise bad()
        if half == 32:
            c = complex(_round32(c.real), _round32(c.imag))
        return c if t is COMPLEX128 else Typed(t, c)
    if k == Kind.INTERFACE:
        if j is None:
            return zero_value(t)
        if t is ERROR:
            if type(j) is not str:
                raise ValueError(f"{path}: error payload must be null or a string")
            return GoError(j).as_error_interface()
        v = from_typed_json(j, path)
        return v
    if k == Kind.SLICE:
        if j is None:
            return Slice(t, None)
        if type(j) is str and t.elem.kind == Kind.UINT8:
            data = j.encode("utf-8", "surrogateescape")
            return data if t is BYTES else Slice(t, [Typed(t.elem, b) for b in data])
        if type(j) is not list:
            raise bad()
        items = [decode_as(x, t.elem, f"{path}[{i}]") for i, x in enumerate(j)]
        if t is SLICE_ANY:
            return items
        if t is BYTES:
            return bytes(unwrap_scalar(x) for x in items)
        return Slice(t, items)
    if k == Kind.ARRAY:
        if j is None:
            return zero_value(t)
        if type(j) is not list or len(j) != t.length:
            raise ValueError(f"{path}: array {t} needs exactly {t.length} elements")
        return Array(t, [decode_as(x, t.elem, f"{path}[{i}]") for i, x in enumerate(j)])
    if k == Kind.MAP:
        if j is None:
            return Map(t, None)
        data = {}
        if type(j) is dict:
            for ks, x in j.items():
                key = _decode_key(ks, t.key, f"{path}[{ks!r}]")
                data[map_key(t.key, key)] = decode_as(x, t.elem, f"{path}.{ks}")
        elif type(j) is list:
            for i, pair in enumerate(j):
                if type(pair) is not list or len(pair) != 2:
                    raise ValueError(f"{path}[{i}]: map pairs must be [key, value]")
                key = decode_as(pair[0], t.key, f"{path}[{i}][0]")
                try:
                    hash(key)
                except TypeError:
                    raise ValueError(f"{path}[{i}][0]: unhashable map key of type {type_of(key)}") from None
                data[map_key(t.key, key)] = decode_as(pair[1], t.elem, f"{path}[{i}][1]")
        else:
            raise bad()
        if t is MAP_STRING_ANY:
            return data
        return Map(t, data)
    if k == Kind.PTR:
        if j is None:
            return Ptr(t, None)
        return Ptr(t, decode_as(j, t.elem, path))
    if k == Kind.STRUCT:
        if type(j) is not dict:
            raise bad()
        fields = {}
        for f in t.fields:
            fields[f.name] = decode_as(j[f.name], f.type, f"{path}.{f.name}") if f.name in j else zero_value(f.type)
        unknown = set(j) - {f.name for f in t.fields}
        if unknown:
            raise ValueError(f"{path}: unknown field {sorted(unknown)[0]} in {t}")
        return Struct(t, fields)
    raise ValueError(f"{path}: unsupported type {t}")


def _decode_key(ks: str, kt: GoType, path: str) -> Any:
    if kt.kind == Kind.STRING:
        return ks if kt is STRING else Typed(kt, ks)
    if kt.kind in INT_KINDS or kt.kind in UINT_KINDS:
        return decode_as(ks, kt, path)
    if kt.kind == Kind.INTERFACE:
        return ks
    raise ValueError(f"{path}: object keys can only be strings or integers for {kt}; use [key, value] pairs")


def _parse_complex(s: str, path: str, t: GoType) -> complex:
    text = s.strip().replace("i", "j")
    try:
        return complex(text)
    except ValueError:
        raise ValueError(f"{path}: bad {t} {s!r}") from None


# --- methods -------------------------------------------------------------------------------------


class NilReceiverPanic(GoError):
    """Calling a value-receiver method through a nil pointer: Go's wrapper panics."""

    def __init__(self, type_name: str = "", method: str = "") -> None:
        if "." in type_name:
            bare = type_name.rsplit(".", 1)[1]
            text = f"value method {type_name}.{method} called using nil *{bare} pointer"
        else:
            text = "runtime error: invalid memory address or nil pointer dereference"
        super().__init__(text)


def find_method(v: Any, name: str, addressable: bool = False) -> tuple[Method, Any] | None:
    """The method ``name`` in v's method set and the receiver to call it with.

    Through a pointer every method of the pointee's type is available (value and
    pointer receivers); on a value only value-receiver methods are, unless the
    value is addressable. Through a nil pointer the receiver is None: calling a
    value-receiver method then panics in Go (NilReceiverPanic).
    """
    if name.startswith("_"):
        return None
    cls = type(v)
    if cls is Ptr:
        if v.type.elem is not None and v.type.elem.kind == Kind.INTERFACE:
            return None  # a pointer to an interface has no methods
        target = v.target
        t = type_of(target) if target is not None else v.type.elem
        if t is None:
            return None
        m = (t.methods if t._embeds is False else t.method_table()).get(name)
        if m is None:
            m = v.type.methods.get(name)
            return (m, v) if m is not None else None
        return m, target
    t = type_of(v)
    if t is None:
        return None
    m = (t.methods if t._embeds is False else t.method_table()).get(name)
    if m is None or (m.pointer_receiver and not addressable):
        return None
    return m, v


def prints_through_pointer(t: GoType) -> bool:
    """text/template's printableValue: T implements neither error nor
    fmt.Stringer but *T does (so an addressable T prints through its address)."""
    table = t.method_table()
    if not table or t.kind == Kind.PTR or t.kind == Kind.INTERFACE:
        return False
    found = False
    for name in ("Error", "String"):
        m = table.get(name)
        if m is not None and not m.func_type.params and not m.func_type.variadic:
            if not m.pointer_receiver:
                return False
            found = True
    return found


def method_of(v: Any, name: str, addressable: bool = False) -> Callable[..., Any] | None:
    """The bound method ``name`` of v (see find_method), or None."""
    found = find_method(v, name, addressable)
    if found is None:
        return None
    m, receiver = found
    if receiver is None and not m.pointer_receiver and not m.promoted:
        type_name = str(v.type.elem) if type(v) is Ptr else ""

        def nil_receiver(*args: Any) -> Any:
            raise NilReceiverPanic(type_name, name)

        return nil_receiver
    return lambda *args: m.call(receiver, *args)


class IfaceKey:
    """A key of a map whose key type is an interface: Go tells float64(1), int(1)
    and true apart, Python dicts would not."""

    __slots__ = ("value", "_key")

    def __init__(self, value: Any) -> None:
        self.value = value
        t = type_of(value)
        self._key = (id(t), unwrap_scalar(value) if t is not None and t.kind not in (Kind.PTR,) else id(value))

    def __hash__(self) -> int:
        return hash(self._key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IfaceKey) and self._key == other._key

    def __repr__(self) -> str:
        return f"IfaceKey({self.value!r})"


def go_signature(text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a Python function or method an explicit Go signature, e.g.
    ``@go_signature("func(string, ...int) (string, error)")``. Raising an
    exception is the function's error result."""

    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn.__go_signature__ = parse_type(text)  # type: ignore[attr-defined]
        return fn

    return mark
