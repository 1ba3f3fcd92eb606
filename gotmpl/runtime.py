"""Run-time support for compiled templates: Go's exec.go semantics, one helper each.

The compiler (gotmpl/compiler.py) turns each template into Python source that
calls these helpers: field and method resolution (``eval_field``), function
calls with Go's argument checking and conversion (``call_func``), pipelines'
interface stripping, truthiness (``truth``), printing (``print_value``), range
iteration (``range_items``) and variable look-up errors. Every helper takes the
node Go would report an error at, so errors read exactly as Go's
``template: NAME:LINE:COL: executing "NAME" at <NODE>: ...``.

Values are gotmpl.values' model; ``MISSING`` is Go's invalid reflect.Value.
"""

from __future__ import annotations

import enum
import inspect
from typing import Any, Callable, Iterator

from . import values as V
from .nodes import (
    BoolNode,
    IdentifierNode,
    NilNode,
    Node,
    NumberNode,
    StringNode,
)
from .values import MISSING, GoType, Kind, Ptr, Typed

__all__ = ["ExecError", "State", "MAX_EXEC_DEPTH"]

MAX_EXEC_DEPTH = 100000  # Go's maxExecDepth


class ExecError(Exception):
    """An execution error with Go's text (``str(err)``); ``name`` is the template
    being executed. Output written before the error is kept."""

    def __init__(self, message: str, name: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.name = name

    def __str__(self) -> str:
        return self.message


class GoFunc:
    """A function templates can call: its Go type and the Python callable.

    ``raw`` functions (Go's reflect.Value parameters) receive gotmpl values as
    they are, MISSING included; others receive converted arguments.
    """

    __slots__ = ("name", "type", "fn", "builtin", "raw", "needs_state")

    def __init__(
        self,
        name: str,
        type_: GoType,
        fn: Callable[..., Any],
        builtin: bool = False,
        raw: bool = False,
        needs_state: bool = False,
    ) -> None:
        self.name = name
        self.type = type_
        self.fn = fn
        self.builtin = builtin
        self.raw = raw
        self.needs_state = needs_state  # called with S=<the execution state>


class LimitExceeded(ExecError):
    """An execution stopped by a time or output limit (``kind`` says which)."""

    def __init__(self, message: str, kind: str, output_prefix: int) -> None:
        super().__init__(message)
        self.kind = kind
        self.output_prefix = output_prefix  # how many output pieces precede the limit


class State:
    """One execution: the template set, options, output, the call depth and the
    optional limits (a wall-clock deadline, a maximum output size in bytes)."""

    __slots__ = (
        "tset",
        "name",
        "missingkey",
        "out",
        "depth",
        "funcs",
        "limited",
        "deadline",
        "timeout",
        "max_output",
        "addressable",
        "trace",
        "_ticks",
        "_measured",
        "_size",
    )

    def __init__(
        self,
        tset: Any,
        name: str,
        out: list[str],
        funcs: dict[str, GoFunc],
        missingkey: str,
        timeout: float | None = None,
        max_output: int | None = None,
    ) -> None:
        self.tset = tset  # the gotmpl.template.Template used for look-ups
        # With traced code: (index in out, template name, line, text node or
        # None) before each write, to map output back to the template.
        self.trace: list[tuple[int, str, int, str | None]] | None = None
        self.name = name  # the template executing now (for error messages)
        self.missingkey = missingkey
        self.out = out
        self.depth = 0
        self.funcs = funcs
        self.limited = timeout is not None or max_output is not None
        self.timeout = timeout
        self.deadline = None if timeout is None else _now() + timeout
        self.max_output = max_output
        # ids of struct values Go would hold addressable (slice elements, fields
        # reached through pointers): their pointer-receiver methods are callable.
        self.addressable: dict[int, Any] = {}
        self._ticks = 0
        self._measured = 0
        self._size = 0


def _now() -> float:
    import time

    return time.monotonic()


def tick(S: State) -> None:
    """Called on every loop iteration and template call of a limited execution."""
    S._ticks += 1
    if S._ticks & 255:
        return
    check_limits(S)


def check_limits(S: State) -> None:
    if S.max_output is not None:
        out = S.out
        size = S._size
        for i in range(S._measured, len(out)):
            size += len(out[i].encode("utf-8", "surrogateescape")) if not out[i].isascii() else len(out[i])
            if size > S.max_output:
                raise LimitExceeded(f"output limit of {S.max_output} bytes exceeded", "output", i)
        S._size = size
        S._measured = len(out)
    if S.deadline is not None and _now() > S.deadline:
        from .gotime import format_duration

        raise LimitExceeded(f"execution timed out after {format_duration(int(S.timeout * 1e9))}", "time", len(S.out))


# --- errors -------------------------------------------------------------------------------------


def fail(S: State, node: Node | None, message: str) -> ExecError:
    """Go's state.errorf: the error, located at ``node`` (Go's s.node)."""
    name = S.name
    if node is None:
        return ExecError(f"template: {name}: {message}", name)
    tree = node.tree
    loc, ctx = tree.error_context(node)
    return ExecError(f'template: {loc}: executing "{_go_quote(name)}" at <{ctx}>: {message}', name)


def _go_quote(name: str) -> str:
    from .strconv import quote

    return quote(name)[1:-1]


def type_name(v: Any) -> str:
    t = V.type_of(v)
    return str(t) if t is not None else "<nil>"


# --- values: indirection, interfaces ---------------------------------------------------------------


def indirect(v: Any) -> tuple[Any, bool]:
    """Go's indirect: through pointers and interfaces; (value, hit nil)."""
    while True:
        cls = type(v)
        if cls is Ptr:
            if v.target is None:
                return v, True
            v = v.target
            continue
        if v is None:
            return None, True
        if cls is V.NilInterface:
            return v, True
        if isinstance(v, V.GoError):
            # An error value is a *errors.errorString: indirect reaches the struct.
            return V.Struct(V.ERROR_VALUE_TYPE.elem, {"s": str(v)}), False
        return v, False


def strip(v: Any) -> Any:
    """The interface unwrapping Go applies after each pipeline command:
    a nil interface becomes no value."""
    return MISSING if v is None else v


def sprint(v: Any) -> str:
    from .gofmt import sprint as _sprint

    return _sprint(v)


# --- truth, printing ------------------------------------------------------------------------------


def truth(v: Any) -> bool:
    """Go's isTrue(indirectInterface(v)) (ok is always true for gotmpl values)."""
    cls = type(v)
    if cls is bool:
        return v
    if cls is str or cls is list or cls is dict or cls is tuple or cls is bytes:
        return len(v) > 0
    if cls is int or cls is float or cls is complex:
        return v != 0
    if v is None or v is MISSING or cls is V.NilInterface:
        return False
    if cls is Typed:
        x = v.value
        return len(x) > 0 if type(x) is str else bool(x)
    if cls is V.Slice:
        return bool(v.items)
    if cls is V.Map:
        return bool(v.data)
    if cls is V.Array:
        return v.type.length > 0
    if cls is Ptr:
        return v.target is not None
    if cls is V.Func:
        return v.fn is not None
    if isinstance(v, enum.Enum):
        x = v.value
        return len(x) > 0 if isinstance(x, str) else bool(x)
    t = V.type_of(v)
    if t.kind == Kind.STRUCT:
        return True
    if t.kind == Kind.FUNC:
        return True
    if t.kind in (Kind.SLICE, Kind.MAP, Kind.STRING):
        return len(v) > 0
    return bool(v)


def print_value(S: State, node: Node, v: Any) -> str:
    """What ``{{pipeline}}`` writes: Go's printableValue + fmt.Fprint."""
    cls = type(v)
    if cls is str:
        return v
    if cls is int:
        return str(v)
    if cls is bool:
        return "true" if v else "false"
    if cls is Typed:
        methods = v.type.methods
        if not methods:
            if type(v.value) is int:
                return str(v.value)
        elif "Error" not in methods:
            m = methods.get("String")
            if m is not None and (not m.pointer_receiver or id(v) in S.addressable):
                try:
                    text = m.call(v)
                except Exception:  # Go's fmt reports the panic: take the general path
                    pass
                else:
                    if type(text) is str:
                        return text
    if v is MISSING or v is None:
        return "<no value>"
    if cls is V.NilInterface:
        return "<nil>"
    if cls is Ptr:
        # Through the pointers (Go's indirect): what a pointer points at is
        # addressable, what an interface holds is not.
        addressable = False
        while type(v) is Ptr and v.target is not None:
            addressable = v.type.elem is None or v.type.elem.kind != Kind.INTERFACE
            v = v.target
    else:
        addressable = id(v) in S.addressable
    t = V.type_of(v)
    if addressable and t is not None and V.prints_through_pointer(t):
        # printableValue: T has no Error/String but *T has, and v is addressable.
        return sprint(Ptr(V.ptr_to(t), v))
    if t is not None and t.kind in (Kind.FUNC, Kind.CHAN) and not _has_print_method(v):
        raise fail(S, node, f"can't print {node} of type {t}")
    return sprint(v)


def _has_print_method(v: Any) -> bool:
    return V.method_of(v, "Error") is not None or V.method_of(v, "String") is not None


# --- fields and methods ------------------------------------------------------------------------------


class Member:
    """What ``.Name`` resolved to: a field value (and its slot's static type when
    that is an interface), or a method with its signature."""

    __slots__ = ("value", "method", "func_type", "static")

    def __init__(
        self,
        value: Any = MISSING,
        method: Callable[..., Any] | None = None,
        func_type: GoType | None = None,
        static: GoType | None = None,
    ) -> None:
        self.value = value
        self.method = method
        self.func_type = func_type
        self.static = static


def field(S: State, node: Node, receiver: Any, name: str, prev: Any = None, prev_name: str | None = None, call_node: Node | None = None) -> Any:
    """``receiver.name`` with no arguments: one step of a field chain (``.A.B``).

    Errors name the receiver's static type, which Go knows and Python does not:
    ``prev`` is that type when ``prev_name`` is None (an interface type, or None
    for the value's own type); otherwise the receiver was ``prev.prev_name`` and
    the type is worked out from there, only when an error needs it.
    """
    cls = type(receiver)
    if cls is dict:
        try:
            return receiver[name]
        except (KeyError, TypeError):
            pass
    else:
        getter = _fast_getter(receiver, cls, name)
        if getter is not None:
            value = getter(receiver)
            if value is not _SLOW:
                return value
    static = prev if prev_name is None else slot_static(S, prev, prev_name)
    m = member(S, node, receiver, name, False, static)
    if m.method is not None:
        check_arity(S, node, name, m.func_type, 0, False)
        return invoke(S, call_node or node, name, m.method, m.func_type, [], False)
    return m.value


def slot_static(S: State, holder: Any, name: str) -> GoType | None:
    """The static type of ``holder.name`` when it is an interface, else None."""
    if type(holder) is dict:
        return V.ANY
    target, is_nil = indirect(holder)
    if is_nil or target is MISSING:
        return None
    found = V.find_method(_innermost_pointer(holder), name, True)
    if found is not None:
        results = found[0].func_type.results
        return results[0] if results and results[0].kind == Kind.INTERFACE else None
    t = V.type_of(target)
    if t.kind == Kind.STRUCT:
        f = _struct_field(t, target, name)
        if f is None and t.has_embedded:
            path = t.field_path(name)
            f = path[-1] if path is not None else None
        return f.type if f is not None and f.type.kind == Kind.INTERFACE else None
    if t.kind == Kind.MAP:
        return t.elem if t.elem.kind == Kind.INTERFACE else None
    return None


def call_failed(S: State, node: Node, name: str, err: BaseException) -> ExecError:
    """Go's "error calling NAME: ..." for a function that failed or panicked."""
    if isinstance(err, ExecError):
        return err
    if isinstance(err, RecursionError):
        return fail(S, node, f"error calling {name}: stack overflow")
    return fail(S, node, f"error calling {name}: {error_text(err)}")


def chain_site(names: tuple[str, ...], node: Node, call_node: Node) -> Callable[..., Any]:
    """A field chain (``.A.B.C``) compiled into one function.

    Each step first tries the shapes that need no checks: a map[string]... key,
    or a plain field of a struct type this step has met before (through a
    pointer or not; learned per site); anything else goes through ``_step``,
    which caches getters for Python objects and falls back to Go's general
    rules (methods, missing keys, errors). The steps are unrolled in generated
    code: each keeps its receiver, which error messages need.
    """
    lines = ["def site(S, r0, static=None):"]
    env: dict[str, Any] = {"Ptr": Ptr, "Struct": V.Struct, "step": _step}
    for i, name in enumerate(names):
        via_ptr, direct, objects = set(), set(), set()
        env[f"P{i}"], env[f"D{i}"], env[f"O{i}"] = via_ptr, direct, objects
        q = repr(name)
        prev = "static" if i == 0 else f"r{i - 1}"
        prev_name = "None" if i == 0 else repr(names[i - 1])
        lines += [
            f"    c = type(r{i})",
            f"    if c is dict and {q} in r{i}: r{i + 1} = r{i}[{q}]",
            f"    elif c is Ptr and type(r{i}.target) is Struct and r{i}.target.type in P{i}: r{i + 1} = r{i}.target.fields[{q}]",
            f"    elif c is Struct and r{i}.type in D{i}: r{i + 1} = r{i}.fields[{q}]",
            f"    elif c in O{i}: r{i + 1} = getattr(r{i}, {q})",
            f"    else: r{i + 1} = step(S, r{i}, {q}, {prev}, {prev_name}, P{i}, D{i}, O{i}, NODE, CALL)",
        ]
    lines.append(f"    return r{len(names)}")
    env["NODE"], env["CALL"] = node, call_node
    exec(compile("\n".join(lines), "<chain site>", "exec"), env)  # noqa: S102 - names appear only via repr()
    return env["site"]


def _step(
    S: State, r: Any, name: str, prev: Any, prev_name: str | None, via_ptr: set, direct: set, objects: set, node: Node, call_node: Node
) -> Any:
    """A chain step off the fast paths: learn the receiver's shape for next time,
    then read the field (Go's general rules when it is not a plain field)."""
    cls = type(r)
    getter = _fast_getter(r, cls, name) if cls is not dict else None
    if getter is not None:
        if getattr(getter, "_struct_fields", False):
            (via_ptr if cls is Ptr else direct).add(r.target.type if cls is Ptr and r.target is not None else r.type)
        elif getattr(getter, "_natural_attr", False):
            objects.add(cls)
        value = getter(r)
        if value is not _SLOW:
            return value
    return field(S, node, r, name, prev, prev_name, call_node)


_VIA_PTR = object()  # a plain field of a Struct reached through a Ptr
_DIRECT = object()  # a plain field of a Struct


def _step_kind(receiver: Any, cls: type, name: str) -> Any:
    getter = _make_getter(receiver, cls, name)
    if getter is None:
        return None
    if getattr(getter, "_struct_fields", False):
        return _VIA_PTR if cls is Ptr else _DIRECT
    return getter


_SLOW = object()
_FAST: dict[tuple[Any, str], Callable[[Any], Any] | None] = {}


def _fast_getter(receiver: Any, cls: type, name: str) -> Callable[[Any], Any] | None:
    """A cached getter for plain struct fields (no method of that name, exported,
    not needing addressability), keyed by the receiver's type; None: slow path."""
    key = (receiver.type if cls is Ptr or cls is V.Struct else cls, name)
    try:
        return _FAST[key]
    except KeyError:
        pass
    except TypeError:
        return None
    getter = _FAST[key] = _make_getter(receiver, cls, name)
    return getter


def _make_getter(receiver: Any, cls: type, name: str) -> Callable[[Any], Any] | None:
    if name.startswith("_") or cls in _SCALARS or receiver is MISSING or receiver is None:
        return None
    if cls in (V.Slice, V.Map, V.Array, V.Func, V.NilInterface):
        return None
    through_ptr = cls is Ptr
    if through_ptr:
        t = receiver.type.elem
        if t is None or t.kind != Kind.STRUCT or receiver.type.methods:
            return None
    else:
        t = V.type_of(receiver)
        if t is None or t.kind != Kind.STRUCT:
            return None
    if name in t.method_table():
        return None
    f = t.field(name)
    # Struct and array fields, and values with pointer methods, may be addressable
    # (a per-value fact): general path.
    if f is None or not f.exported or _addressability_matters(f.type):
        return None
    ft = f.type
    natural = V.natural_for(ft)
    attr = f.attr or f.name
    if t.py_class is None:
        if through_ptr:
            getter = lambda r: r.target.fields[name] if r.target is not None else _SLOW  # noqa: E731
        else:
            getter = lambda r: r.fields[name]  # noqa: E731
        getter._struct_fields = True  # type: ignore[attr-defined]
        return getter
    coerce = V.coerce
    py_class = t.py_class
    if through_ptr:

        def get_through_pointer(r: Any) -> Any:
            target = r.target
            if target is None or type(target) is not py_class:
                return _SLOW
            raw = getattr(target, attr, None)
            return raw if natural and raw is not None else coerce(ft, raw)

        return get_through_pointer

    def get(r: Any) -> Any:
        raw = getattr(r, attr, None)
        return raw if natural and raw is not None else coerce(ft, raw)

    # A natural field read by the attribute of the same name can be inlined,
    # unless a None value needs coercing (nil slices/maps of natural types).
    get._natural_attr = natural and attr == name and ft not in (V.MAP_STRING_ANY, V.SLICE_ANY)  # type: ignore[attr-defined]
    return get


def member(S: State, node: Node, receiver: Any, name: str, has_args: bool, static: GoType | None = None) -> Member:
    """Go's evalField up to the call: find the method or field ``name``."""
    if receiver is MISSING:
        if S.missingkey == "error":
            raise fail(S, node, f"nil data; no entry for key {_quote(name)}")
        return Member(MISSING)
    if static is None and isinstance(receiver, V.GoError) and receiver.typed_error:
        static = V.ERROR
    typ = static if static is not None else V.type_of(receiver)
    target, is_nil = indirect(receiver)
    if target is None or type(target) is V.NilInterface:
        raise fail(S, node, f"nil pointer evaluating {typ}.{name}")
    addressable = _reached_through_pointer(receiver) or id(receiver) in S.addressable
    found = V.find_method(_innermost_pointer(receiver), name, addressable)
    if found is not None:
        m, recv = found
        if recv is None and not m.pointer_receiver and not m.promoted:
            ptr = _innermost_pointer(receiver)
            type_name = str(ptr.type.elem) if type(ptr) is Ptr else ""

            def nil_deref(*args: Any) -> Any:
                raise V.NilReceiverPanic(type_name, name)

            return Member(method=nil_deref, func_type=m.func_type)
        if recv is None:
            return Member(method=lambda *args: _call_nil_receiver(m, args), func_type=m.func_type)
        return Member(method=lambda *args: m.call(recv, *args), func_type=m.func_type)
    if is_nil:
        # A nil pointer: Go reports it unless the pointee has no such field.
        etyp = target.type.elem
        if etyp is not None and etyp.kind == Kind.STRUCT and _struct_field(etyp, target, name) is None and etyp.field_path(name) is None:
            raise fail(S, node, f"can't evaluate field {name} in type {typ}")
        raise fail(S, node, f"nil pointer evaluating {typ}.{name}")
    t = V.type_of(target)
    kind = t.kind
    if kind == Kind.STRUCT:
        f = _struct_field(t, target, name)
        if f is not None:
            if name.startswith("_") or not f.exported:
                raise fail(S, node, f"{name} is an unexported field of struct type {typ}")
            if has_args:
                raise fail(S, node, f"{name} has arguments but cannot be invoked as function")
            value = _field_value(target, f)
            if addressable and (f.type.kind in _ADDRESSABLE_KINDS or _addressability_matters(f.type)):
                value = mark_addressable(S, value)
            return Member(value, static=f.type if f.type.kind == Kind.INTERFACE else None)
        path = t.field_path(name) if t.has_embedded else None
        if path is not None:
            return _promoted_field(S, node, target, path, addressable, typ, name, has_args)
    elif kind == Kind.MAP:
        key_type = t.key
        if key_type is V.STRING or key_type.kind == Kind.INTERFACE:
            if has_args:
                raise fail(S, node, f"{name} is not a method but has arguments")
            return Member(_map_field(S, node, target, t, name), static=t.elem if t.elem.kind == Kind.INTERFACE else None)
    raise fail(S, node, f"can't evaluate field {name} in type {typ}")


def _promoted_field(
    S: State, node: Node, target: Any, path: tuple, addressable: bool, typ: GoType, name: str, has_args: bool
) -> Member:
    """A field promoted from an embedded struct: reflect's FieldByIndexErr (a nil
    embedded pointer on the way is an error), checked in Go's order."""
    value = target
    err = None
    last = len(path) - 1
    for i, f in enumerate(path):
        value = _field_value(value, f)
        if i < last and type(value) is Ptr:
            if value.target is None:
                err = f"reflect: indirection through nil pointer to embedded struct field {_type_name_only(f.type.elem)}"
                break
            value = value.target
            addressable = True  # what a pointer points at is addressable
    f = path[-1]
    if name.startswith("_") or not f.exported:
        raise fail(S, node, f"{name} is an unexported field of struct type {typ}")
    if err is not None:
        raise fail(S, node, err)
    if has_args:
        raise fail(S, node, f"{name} has arguments but cannot be invoked as function")
    if addressable and _addressability_matters(f.type):
        value = mark_addressable(S, value)
    return Member(value, static=f.type if f.type.kind == Kind.INTERFACE else None)


def _type_name_only(t: GoType) -> str:
    """reflect's Type.Name(): a named type's name without its package."""
    return t.name.rsplit(".", 1)[-1] if t.name is not None else ""


_ADDRESSABLE_KINDS = frozenset({Kind.ARRAY, Kind.STRUCT})


def _addressability_matters(t: GoType) -> bool:
    """Whether being addressable changes what a value of type t can do: arrays
    can be sliced, pointer-receiver methods called (String/Error when printed)."""
    if t.kind in _ADDRESSABLE_KINDS:
        return True
    methods = t.methods if t._embeds is False else t.method_table()
    return bool(methods) and any(m.pointer_receiver for m in methods.values())


def _call_nil_receiver(m: V.Method, args: tuple) -> Any:
    """A pointer-receiver method called through a nil pointer: methods written to
    be nil-safe answer; others fail as Go's nil dereference does."""
    try:
        return m.call(None, *args)
    except (AttributeError, TypeError):
        raise V.NilReceiverPanic() from None


def mark_addressable(S: State, v: Any) -> Any:
    """Note that v is addressable in Go (a slice element, a field of an
    addressable struct): arrays can be sliced, pointer methods called."""
    cls = type(v)
    if cls is V.Array:
        return v if v.addressable else V.Array(v.type, v.items, True)
    if cls is Typed:
        # A scalar of a type with pointer-receiver methods: a copy of its own, so
        # the same stored value reached another way is not addressable too.
        v = Typed(v.type, v.value)
    elif v is None or v is MISSING or cls in _SCALARS:
        return v
    S.addressable[id(v)] = v  # held, so its id is not reused during the execution
    return v


_SCALARS = frozenset({str, int, float, bool, complex, bytes, Typed})


def _reached_through_pointer(v: Any) -> bool:
    """Whether the value under v's pointers is addressable: reached by
    dereferencing a pointer, not by unwrapping an interface."""
    if type(v) is not Ptr:
        return False
    addressable = False
    while type(v) is Ptr and v.target is not None:
        addressable = v.type.elem is None or v.type.elem.kind != Kind.INTERFACE
        v = v.target
    return addressable


def _innermost_pointer(v: Any) -> Any:
    """Go's evalField looks methods up on the address of the fully indirected
    value: for **T the inner *T, for a pointer to an interface what it holds."""
    while type(v) is Ptr and v.target is not None and (type(v.target) is Ptr or v.type.elem.kind == Kind.INTERFACE):
        v = v.target
    return v


def _struct_field(t: GoType, obj: Any, name: str) -> V.StructField | None:
    f = t.field(name)
    if f is not None:
        return f
    if not t.fields and type(obj) is not V.Struct and not name.startswith("_"):
        # A plain Python object: its public data attributes are its fields.
        attrs = getattr(obj, "__dict__", None)
        if attrs is not None and name in attrs:
            x = attrs[name]
            if not callable(x) and not inspect.ismodule(x):
                return V.StructField(name, V.ANY, attr=name)
    return None


def _field_value(obj: Any, f: V.StructField) -> Any:
    if type(obj) is V.Struct:
        return obj.fields[f.name]
    raw = getattr(obj, f.attr or f.name, None)
    return raw if V.natural_for(f.type) and raw is not None else V.coerce(f.type, raw)


def _map_field(S: State, node: Node, m: Any, t: GoType, name: str) -> Any:
    if type(m) is dict:
        data = m
        key: Any = name
    else:
        data = m.data or {}
        key = V.IfaceKey(name) if t.key.kind == Kind.INTERFACE else name
    try:
        x = data[key]
    except KeyError:
        action = S.missingkey
        if action == "invalid":
            return MISSING
        if action == "zero":
            return V.zero_value(t.elem)
        raise fail(S, node, f"map has no entry for key {_quote(name)}")
    if type(m) is dict or V.natural_for(t.elem):
        return x
    return V.coerce(t.elem, x)


def _quote(s: str) -> str:
    from .strconv import quote

    return quote(s)


# --- calls ----------------------------------------------------------------------------------------------


def check_arity(S: State, node: Node, name: str, ftype: GoType, nargs: int, has_final: bool) -> None:
    """Go's evalCall checks before any argument is evaluated."""
    num_in = nargs + (1 if has_final else 0)
    nparams = len(ftype.params)
    if ftype.variadic:
        if num_in < nparams - 1:
            raise fail(S, node, f"wrong number of args for {name}: want at least {nparams - 1} got {nargs}")
    elif num_in != nparams:
        raise fail(S, node, f"wrong number of args for {name}: want {nparams} got {num_in}")
    nout = len(ftype.results)
    if nout == 2 and ftype.results[1] is not V.ERROR:
        raise fail(S, node, f"invalid function signature for {name}: second return value should be error; is {ftype.results[1]}")
    if nout not in (1, 2):
        raise fail(S, node, f"function {name} has {nout} return values; should be 1 or 2")


def param_type(ftype: GoType, i: int) -> GoType:
    """The type of argument i (variadic arguments take the slice's element type)."""
    params = ftype.params
    if ftype.variadic and i >= len(params) - 1:
        return params[-1].elem
    return params[i]


def final_type(ftype: GoType, nargs: int) -> GoType:
    """The type the piped-in final value must have (Go's evalCall)."""
    params = ftype.params
    t = params[-1]
    if ftype.variadic:
        num_in = nargs + 1
        num_fixed = len(params) - 1
        t = params[num_in - 1] if num_in - 1 < num_fixed else t.elem
    return t


REFLECT_VALUE = V.named("reflect.Value", V.struct_of([]))


def can_be_nil(t: GoType) -> bool:
    return t.kind in V.NILABLE_KINDS or t is REFLECT_VALUE


def validate(S: State, node: Node, v: Any, t: GoType | None) -> Any:
    """Go's validateType: make v a value of type t or fail."""
    if v is MISSING:
        if t is None:
            return MISSING
        if can_be_nil(t):
            return V.zero_value(t) if t is not REFLECT_VALUE else MISSING
        raise fail(S, node, f"invalid value; expected {t}")
    if t is None or t is REFLECT_VALUE:
        return v
    if t is V.ANY:
        if type(v) is V.NilInterface:
            return None
        return v.as_any() if isinstance(v, V.GoError) else v
    vt = V.type_of(v)
    if vt is t or vt.assignable_to(t):
        return v
    if v is None:  # a nil interface of type interface {}
        raise fail(S, node, f"wrong type for value; expected {t}; got interface {{}}")
    if vt.kind == Kind.PTR and vt.elem is not None and vt.elem.assignable_to(t):
        if v.target is None:
            raise fail(S, node, f"dereference of nil pointer of type {t}")
        return V.coerce(vt.elem, v.target) if not isinstance(v.target, V._WRAPPERS) else v.target
    if id(v) in S.addressable and V.ptr_to(vt).assignable_to(t):
        # An addressable value goes to a pointer parameter as its address.
        return Ptr(V.ptr_to(vt), v)
    raise fail(S, node, f"wrong type for value; expected {t}; got {vt}")


def literal_arg(S: State, node: Node, t: GoType | None, dot: Any) -> Any:
    """Go's evalArg for a constant node (bool, number, string, nil) and type t."""
    if isinstance(node, NilNode):
        if t is not None and can_be_nil(t):
            return V.zero_value(t) if t is not REFLECT_VALUE else MISSING
        raise fail(S, node, f"cannot assign nil to {t}")
    if t is None:
        raise fail(S, node, f"can't handle {node} for arg of type <nil>")
    k = t.kind
    if k == Kind.BOOL:
        if isinstance(node, BoolNode):
            return node.true if t is V.BOOL else Typed(t, node.true)
        raise fail(S, node, f"expected bool; found {node}")
    if k in V.COMPLEX_KINDS:
        if isinstance(node, NumberNode) and node.is_complex:
            return node.complex128 if t is V.COMPLEX128 else Typed(t, _round_complex(t, node.complex128))
        raise fail(S, node, f"expected complex; found {node}")
    if k in V.FLOAT_KINDS:
        if isinstance(node, NumberNode) and node.is_float:
            return node.float64 if t is V.FLOAT64 else Typed(t, _round_float(t, node.float64))
        raise fail(S, node, f"expected float; found {node}")
    if k in V.INT_KINDS:
        if isinstance(node, NumberNode) and node.is_int:
            return node.int64 if t is V.INT else Typed(t, wrap_int(node.int64, k))
        raise fail(S, node, f"expected integer; found {node}")
    if k == Kind.INTERFACE and t.name is None or t is REFLECT_VALUE:
        return empty_interface_literal(S, node)
    if k == Kind.STRING:
        if isinstance(node, StringNode):
            return node.text if t is V.STRING else Typed(t, node.text)
        raise fail(S, node, f"expected string; found {node}")
    if k in V.UINT_KINDS:
        if isinstance(node, NumberNode) and node.is_uint:
            return Typed(t, wrap_int(node.uint64, k))
        raise fail(S, node, f"expected unsigned integer; found {node}")
    raise fail(S, node, f"can't handle {node} for arg of type {t}")


def empty_interface_literal(S: State, node: Node) -> Any:
    """Go's evalEmptyInterface for constants."""
    if isinstance(node, BoolNode):
        return node.true
    if isinstance(node, StringNode):
        return node.text
    if isinstance(node, NumberNode):
        return ideal_constant(S, node)
    raise fail(S, node, f"can't handle assignment of {node} to empty interface argument")


def ideal_constant(S: State, n: NumberNode) -> Any:
    """Go's idealConstant: the type an untyped number constant takes."""
    text = n.text
    if n.is_complex:
        return n.complex128
    if n.is_float and not _is_hex_int(text) and not text.startswith("'") and any(c in text for c in ".eEpP"):
        return n.float64
    if n.is_int:
        return n.int64
    if n.is_uint:
        raise fail(S, n, f"{text} overflows int")
    return MISSING


def _is_hex_int(s: str) -> bool:
    return len(s) > 2 and s[0] == "0" and s[1] in "xX" and "p" not in s and "P" not in s


_INT_LIMITS = {Kind.INT8: 8, Kind.INT16: 16, Kind.INT32: 32, Kind.INT64: 64, Kind.INT: 64}
_UINT_LIMITS = {Kind.UINT8: 8, Kind.UINT16: 16, Kind.UINT32: 32, Kind.UINT64: 64, Kind.UINT: 64, Kind.UINTPTR: 64}


def wrap_int(x: int, kind: str) -> int:
    """reflect's SetInt/SetUint: the value truncated to the kind's width."""
    if kind in _UINT_LIMITS:
        return x & ((1 << _UINT_LIMITS[kind]) - 1)
    bits = _INT_LIMITS[kind]
    x &= (1 << bits) - 1
    return x - (1 << bits) if x >= 1 << (bits - 1) else x


def _round_float(t: GoType, f: float) -> float:
    if t.kind == Kind.FLOAT32:
        import struct

        try:
            return struct.unpack("<f", struct.pack("<f", f))[0]
        except OverflowError:
            return float("inf") if f > 0 else float("-inf")
    return f


def _round_complex(t: GoType, c: complex) -> complex:
    if t.kind == Kind.COMPLEX64:
        return complex(_round_float(V.FLOAT32, c.real), _round_float(V.FLOAT32, c.imag))
    return c


def to_python_arg(v: Any, t: GoType) -> Any:
    """What a Python function receives for an argument of Go type t: basic unnamed
    sized scalars arrive as plain numbers/strings, everything else as is."""
    if type(v) is Typed and t.name is None and t.kind not in (Kind.INTERFACE,):
        return v.value
    return v


def invoke(
    S: State, node: Node, name: str, fn: Callable[..., Any], ftype: GoType, args: list, builtin_raw: bool, with_state: bool = False
) -> Any:
    """Call with converted arguments (the piped value last); Go's safeCall error
    wrapping, and the result seen as the declared result type."""
    if not builtin_raw:
        params = ftype.params
        if ftype.variadic:
            fixed = len(params) - 1
            conv = [to_python_arg(a, params[i] if i < fixed else params[-1].elem) for i, a in enumerate(args)]
        else:
            conv = [to_python_arg(a, params[i]) for i, a in enumerate(args)]
    else:
        conv = args
    try:
        result = fn(*conv, S=S) if with_state else fn(*conv)
    except ExecError:
        raise
    except RecursionError:
        raise fail(S, node, f"error calling {name}: stack overflow")
    except Exception as e:  # the function's error result, or a panic
        raise fail(S, node, f"error calling {name}: {error_text(e)}") from None
    if builtin_raw:
        return result
    rt = ftype.results[0] if ftype.results else V.ANY
    if rt is V.ANY or V.natural_for(rt) and result is not None:
        return result
    if rt is V.ERROR and isinstance(result, V.GoError):
        return result.as_error_interface()
    return V.coerce(rt, result)


def error_text(e: BaseException) -> str:
    """The text Go prints for an error a function returned or panicked with."""
    if isinstance(e, V.GoError):
        return str(e)
    text = str(e)
    if isinstance(e, KeyError) and len(e.args) == 1 and isinstance(e.args[0], str):
        text = e.args[0]
    return text


# --- functions by name ------------------------------------------------------------------------------


def callee_name(v: Any) -> str:
    """reflect.Value.String() of a piped-in function value (``call``'s error name)."""
    if v is MISSING:
        return "<invalid Value>"
    t = V.type_of(v)
    if t.kind == Kind.STRING:
        return V.unwrap_scalar(v)
    return f"<{t} Value>"


def lookup_template(S: State, node: Node, name: str) -> Any:
    """Go's walkTemplate checks: the template exists and the depth limit."""
    tmpl = S.tset.lookup(name)
    if tmpl is None:
        raise fail(S, node, f"template {_quote(name)} not defined")
    if S.depth == MAX_EXEC_DEPTH:
        raise fail(S, node, f"exceeded maximum template depth ({MAX_EXEC_DEPTH})")
    return S.tset._compiled(tmpl, S.trace is not None)


def find_function(S: State, node: IdentifierNode, name: str) -> GoFunc:
    fn = S.funcs.get(name)
    if fn is None:
        raise fail(S, node, f"{_quote(name)} is not a defined function")
    return fn


# --- range --------------------------------------------------------------------------------------------------


def range_items(S: State, node: Node, v: Any, two_vars: bool) -> list | Iterator:
    """The (index, element) pairs ``{{range}}`` visits (none: ``{{else}}`` runs).
    Raises Go's error for values range cannot iterate."""
    v, is_nil = indirect(v)
    cls = type(v)
    if cls is list or cls is tuple:
        return list(enumerate(v))
    if cls is dict:
        if all(type(k) is str for k in v):
            keys = sorted(v) if all(k.isascii() for k in v) else sorted(v, key=lambda k: k.encode("utf-8", "surrogateescape"))
            return [(k, v[k]) for k in keys]
        return V.sorted_map_items(v)
    if v is MISSING:
        return []
    if cls is int:
        return _int_range(S, node, v, two_vars, None)
    if cls is V.Slice or (cls is V.Array and v.addressable):
        elems = V.elements(v)
        et = v.type.elem
        if et.kind in _ADDRESSABLE_KINDS or (et.methods and _addressability_matters(et)):
            elems = [mark_addressable(S, e) for e in elems]
        return list(enumerate(elems))
    if cls is V.Array:
        return list(enumerate(V.elements(v)))
    if cls is bytes:
        return list(enumerate(V.elements(v)))
    if cls is V.Map:
        return V.sorted_map_items(v)
    t = V.type_of(v) if not is_nil else V.type_of(v)
    if t is not None and (t.kind in V.INT_KINDS or t.kind in V.UINT_KINDS) and not is_nil:
        return _int_range(S, node, V.unwrap_scalar(v), two_vars, t)
    if _is_iterator(v):
        return _iterate(S, node, v, two_vars)
    if cls is V.Func and v.fn is not None and _is_iterator(v.fn):
        return _iterate(S, node, v.fn, two_vars)
    raise fail(S, node, f"range can't iterate over {'<nil>' if type(v) is V.NilInterface else sprint(v)}")


def range_static(v: Any) -> tuple[GoType | None, GoType | None]:
    """The static types of range's keys and elements when they are interfaces
    (Go names them in field errors on ``$k``/``$v``/dot), else None."""
    v, _ = indirect(v)
    cls = type(v)
    if cls is list or cls is tuple:
        return None, V.ANY
    if cls is dict:
        return (V.ANY if not all(type(k) is str for k in v) and not all(type(k) is int for k in v) else None), V.ANY
    if cls in (V.Slice, V.Array, V.Map):
        t = v.type
        key = t.key if cls is V.Map and t.key.kind == Kind.INTERFACE else None
        return key, (t.elem if t.elem.kind == Kind.INTERFACE else None)
    return None, None


def _int_range(S: State, node: Node, n: int, two_vars: bool, t: GoType | None) -> Iterator:
    if two_vars:
        shown = sprint(Typed(t, n) if t is not None else n)
        raise fail(S, node, f"can't use {shown} to iterate over more than one variable")
    if t is None:
        return ((MISSING, i) for i in range(n))
    return ((MISSING, Typed(t, i)) for i in range(n))


def _is_iterator(v: Any) -> bool:
    if isinstance(v, (str, bytes, dict, list, tuple)) or isinstance(v, V._WRAPPERS):
        return False
    return inspect.isgenerator(v) or hasattr(v, "__next__") or (
        hasattr(v, "__iter__") and not dataclasses_is(v) and not isinstance(v, enum.Enum)
    )


def dataclasses_is(v: Any) -> bool:
    import dataclasses

    return dataclasses.is_dataclass(v)


def _iterate(S: State, node: Node, it: Any, two_vars: bool) -> Iterator:
    """Go 1.23 iterator functions: a Python iterable yields one value per step, or
    (key, value) pairs when range declares two variables."""
    for x in it:
        if two_vars:
            if isinstance(x, tuple) and len(x) == 2:
                yield x[0], x[1]
            else:
                yield x, MISSING
        else:
            yield MISSING, x


# --- variables ---------------------------------------------------------------------------------------------


class BreakElse(Exception):
    """{{break}} in a range's {{else}}: Go's inner range recovers it, so it ends
    only that range statement, not the enclosing loop."""


def undefined_variable(S: State, node: Node, name: str) -> ExecError:
    return fail(S, node, f"undefined variable: {name}")
