"""Python twins of the Go oracle's test helpers (../shared/oracle/funcs.go).

This module owns gotmpl's side of the oracle's custom Go code, so that the
differential executor tests can hand the same data and functions to both:

* :class:`T` - twin of ``oracle.T`` (Go type ``main.T``): a named struct with
  value-receiver methods ``Str``, ``Add``, ``Sum``, ``Fail``, ``Next`` and the
  pointer-receiver method ``PStr``;
* :class:`Stringer` - twin of ``oracle.Stringer`` (``main.Stringer``), whose
  ``String()`` is ``"<" + S + ">"``;
* :data:`TEST_FUNCS` - twins of the oracle's function set ``"test"``, each
  with its exact Go signature.

Importing the module registers ``oracle.T`` and ``oracle.Stringer`` with
:func:`gotmpl.values.register_named_type`, so ``from_typed_json`` decodes the
oracle's typed encoding of these types (also inside ``*T``, ``[]T``, maps...)
into the twins, and makes :data:`TEST_FUNCS` the function set ``"test"`` of
:mod:`gotmpl.batch` (``"funcs": ["test"]`` in requests).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

from gotmpl import values
from gotmpl.values import GoError, Ptr, go_signature, pointer_receiver

__all__ = ["T", "Stringer", "T_TYPE", "PTR_T_TYPE", "STRINGER_TYPE", "TEST_FUNCS", "make_t", "make_pt"]

_INT_BITS = 64


def _wrap_int(n: int) -> int:
    """Go's int arithmetic wraps around at 64 bits instead of growing."""
    n &= (1 << _INT_BITS) - 1
    return n - (1 << _INT_BITS) if n >> (_INT_BITS - 1) else n


# --- oracle.T ----------------------------------------------------------------------------


@dataclasses.dataclass(unsafe_hash=True)
class T:
    """Twin of ``oracle.T``: ``struct { S string; N int }`` with methods."""

    __go_type__ = "main.T"

    S: str = ""
    N: int = 0

    @go_signature("func() string")
    def Str(self) -> str:
        return "T:" + self.S

    @go_signature("func(int) int")
    def Add(self, n: int) -> int:
        return _wrap_int(self.N + n)

    @go_signature("func(...int) int")
    def Sum(self, *xs: int) -> int:
        total = self.N
        for x in xs:
            total = _wrap_int(total + x)
        return total

    @go_signature("func() (string, error)")
    def Fail(self) -> str:
        raise GoError("T.Fail: " + self.S)

    # Signature "func() *main.T": set by _register, since main.T must exist first.
    def Next(self) -> Any:
        return make_pt(self.S + "+", _wrap_int(self.N + 1))

    @pointer_receiver
    @go_signature("func() string")
    def PStr(self) -> str:
        return "*T:" + self.S


@dataclasses.dataclass(unsafe_hash=True)
class Stringer:
    """Twin of ``oracle.Stringer``: ``struct { S string }`` implementing fmt.Stringer."""

    __go_type__ = "main.Stringer"

    S: str = ""

    @go_signature("func() string")
    def String(self) -> str:
        return "<" + self.S + ">"


def _describe(j: Any) -> str:
    """How the oracle names a JSON value in its decoding errors."""
    if isinstance(j, bool):
        return "a boolean"
    return {str: "a string", int: "a number", float: "a number", list: "an array"}.get(type(j), "an object")


def _struct_decoder(cls: type, field_types: dict[str, values.GoType]) -> Callable[[Any, str], Any]:
    """A decoder for register_named_type: the payload is an object of field
    payloads, like the oracle's decodeAs for structs (missing fields are zero,
    unknown fields are errors naming the path)."""

    def decode(payload: Any, path: str) -> Any:
        if payload is None:
            return cls()  # the oracle gives a struct's zero value for null
        if type(payload) is not dict:
            raise ValueError(f"{path}: cannot decode {_describe(payload)} as {cls.__go_type__}")
        unknown = sorted(set(payload) - set(field_types))
        if unknown:
            raise ValueError(f"{path}: {cls.__go_type__} has no field {unknown[0]}")
        kwargs = {}
        for name, gotype in field_types.items():
            if name in payload:
                kwargs[name] = values.unwrap_scalar(values.decode_as(payload[name], gotype, f"{path}.{name}"))
        return cls(**kwargs)

    return decode


def _register() -> tuple[values.GoType, values.GoType]:
    t_type = values.class_type(T)
    stringer_type = values.class_type(Stringer)
    for go_name, oracle_name, cls, gotype, fields in (
        ("main.T", "oracle.T", T, t_type, {"S": values.STRING, "N": values.INT}),
        ("main.Stringer", "oracle.Stringer", Stringer, stringer_type, {"S": values.STRING}),
    ):
        decoder = _struct_decoder(cls, fields)
        values.register_named_type(oracle_name, gotype, decoder)
        # decode_as finds decoders by the type's Go name (main.T), so register that
        # spelling as well; without it nested values ([]oracle.T) would decode as
        # plain Structs without methods.
        values.register_named_type(go_name, gotype, decoder)
    # Next returns *main.T: that type only exists now, so its signature (and the
    # method record class_type built from the provisional one) is fixed up here.
    next_sig = values.parse_type("func() *main.T")
    T.Next.__go_signature__ = next_sig  # type: ignore[attr-defined]
    t_type.methods["Next"] = dataclasses.replace(t_type.methods["Next"], func_type=next_sig)
    return t_type, stringer_type


T_TYPE, STRINGER_TYPE = _register()
PTR_T_TYPE = values.ptr_to(T_TYPE)


def make_t(s: str, n: int) -> T:
    return T(s, n)


def make_pt(s: str, n: int) -> Ptr:
    return Ptr(PTR_T_TYPE, T(s, n))


# --- function set "test" ---------------------------------------------------------------------


@go_signature("func(interface {}) interface {}")
def _echo(x: Any) -> Any:
    return x


@go_signature("func(int, int) int")
def _add(a: int, b: int) -> int:
    return _wrap_int(a + b)


@go_signature("func() (string, error)")
def _fail() -> str:
    raise GoError("fail: intentional error")


@go_signature("func(string) (string, error)")
def _fail_with(msg: str) -> str:
    raise GoError(msg)


@go_signature("func() interface {}")
def _zero() -> Any:
    return None


@go_signature("func(string) string")
def _boom(msg: str) -> str:
    # A Go panic; text/template recovers it into "error calling boom: msg",
    # the same text an error result gives.
    raise GoError(msg)


@go_signature("func(string, ...string) string")
def _vjoin(sep: str, *xs: str) -> str:
    return sep.join(xs)


@go_signature("func(interface {}) string")
def _type_of(x: Any) -> str:
    from gotmpl.gofmt import sprintf  # imported late: gofmt is written in parallel

    return sprintf("%T", x)


@go_signature("func(...interface {}) []interface {}")
def _tlist(*xs: Any) -> list:
    return list(xs)


@go_signature("func(string) error")
def _err_val(msg: str) -> GoError:
    return GoError(msg)


@go_signature("func() *int")
def _nil_ptr() -> Ptr:
    return Ptr(values.ptr_to(values.INT), None)


@go_signature("func(string, int) main.T")
def _mk_t(s: str, n: int) -> T:
    return make_t(s, n)


@go_signature("func(string, int) *main.T")
def _mk_pt(s: str, n: int) -> Ptr:
    return make_pt(s, n)


TEST_FUNCS: dict[str, Callable[..., Any]] = {
    "echo": _echo,
    "add": _add,
    "fail": _fail,
    "failWith": _fail_with,
    "zero": _zero,
    "boom": _boom,
    "vjoin": _vjoin,
    "typeOf": _type_of,
    "tlist": _tlist,
    "errVal": _err_val,
    "nilPtr": _nil_ptr,
    "mkT": _mk_t,
    "mkPT": _mk_pt,
}


def _register_func_set() -> None:
    from gotmpl import batch

    batch.FUNC_SETS["test"] = TEST_FUNCS


_register_func_set()
