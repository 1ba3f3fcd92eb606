"""Function sets: the one home for the functions templates can call.

Go's builtins (and, or, not, len, index, slice, print, printf, println, html,
js, urlquery, eq, ne, lt, le, gt, ge, call) with Go's semantics and error texts,
the names of the other sets the parser must know (the Go oracle's "test" set,
sprig, Istio's injector functions by release), and the conversion of Python
callables into template functions (``as_go_func``).

The builtins take Go's reflect.Value parameters where Go's do, so they receive
gotmpl values as they are (MISSING included); see gotmpl.values.
"""

from __future__ import annotations

import unicodedata
import urllib.parse
from typing import Any, Callable

from . import values as V
from .values import MISSING, Kind, Typed

__all__ = ["BUILTIN_NAMES", "TEST_FUNC_NAMES", "SPRIG_FUNC_NAMES", "istio_func_names", "func_set_names", "check_func_name", "sprig_funcs"]

# Go's builtins() in text/template/funcs.go.
BUILTIN_NAMES = frozenset(
    {
        "and",
        "call",
        "html",
        "index",
        "slice",
        "js",
        "len",
        "not",
        "or",
        "print",
        "printf",
        "println",
        "urlquery",
        "eq",
        "ge",
        "gt",
        "le",
        "lt",
        "ne",
    }
)


def _is_letter(ch: str) -> bool:
    return ch == "_" or ch.isalpha()


def _is_digit(ch: str) -> bool:
    return unicodedata.category(ch) == "Nd"


def check_func_name(name: str) -> None:
    """Go's goodName check in Template.Funcs: raise ValueError with Go's panic text."""
    ok = bool(name) and all(
        _is_letter(ch) or (i > 0 and _is_digit(ch)) for i, ch in enumerate(name)
    )
    if not ok:
        from .strconv import quote

        raise ValueError(f"function name {quote(name)} is not a valid identifier")


# The oracle's "test" function set (tests/gofuncs.py has their Python twins).
TEST_FUNC_NAMES = frozenset(
    {"echo", "add", "fail", "failWith", "zero", "boom", "vjoin", "typeOf", "tlist", "errVal", "nilPtr", "mkT", "mkPT"}
)

# The names of sprig v3.2.3's TxtFuncMap (what Helm and Istio >= 1.8 merge in).
SPRIG_FUNC_NAMES = frozenset(
    {
    "abbrev", "abbrevboth", "add", "add1", "add1f", "addf", "adler32sum", "ago", "all",
    "any", "append", "atoi", "b32dec", "b32enc", "b64dec", "b64enc", "base", "bcrypt",
    "biggest", "buildCustomCert", "camelcase", "cat", "ceil", "chunk", "clean", "coalesce",
    "compact", "concat", "contains", "date", "dateInZone", "dateModify", "date_in_zone",
    "date_modify", "decryptAES", "deepCopy", "deepEqual", "default", "derivePassword",
    "dict", "dig", "dir", "div", "divf", "duration", "durationRound", "empty", "encryptAES",
    "env", "expandenv", "ext", "fail", "first", "float64", "floor", "fromJson", "genCA",
    "genCAWithKey", "genPrivateKey", "genSelfSignedCert", "genSelfSignedCertWithKey",
    "genSignedCert", "genSignedCertWithKey", "get", "getHostByName", "has", "hasKey",
    "hasPrefix", "hasSuffix", "hello", "htmlDate", "htmlDateInZone", "htpasswd", "indent",
    "initial", "initials", "int", "int64", "isAbs", "join", "kebabcase", "keys", "kindIs",
    "kindOf", "last", "list", "lower", "max", "maxf", "merge", "mergeOverwrite", "min",
    "minf", "mod", "mul", "mulf", "mustAppend", "mustChunk", "mustCompact",
    "mustDateModify", "mustDeepCopy", "mustFirst", "mustFromJson", "mustHas", "mustInitial",
    "mustLast", "mustMerge", "mustMergeOverwrite", "mustPrepend", "mustPush", "mustRegexFind",
    "mustRegexFindAll", "mustRegexMatch", "mustRegexReplaceAll",
    "mustRegexReplaceAllLiteral", "mustRegexSplit", "mustRest", "mustReverse", "mustSlice",
    "mustToDate", "mustToJson", "mustToPrettyJson", "mustToRawJson", "mustUniq",
    "mustWithout", "must_date_modify", "nindent", "nospace", "now", "omit", "osBase",
    "osClean", "osDir", "osExt", "osIsAbs", "pick", "pluck", "push", "plural", "prepend", "quote",
    "randAlpha", "randAlphaNum", "randAscii", "randBytes", "randInt", "randNumeric",
    "regexFind", "regexFindAll", "regexMatch", "regexQuoteMeta", "regexReplaceAll",
    "regexReplaceAllLiteral", "regexSplit", "repeat", "replace", "rest", "reverse", "round",
    "semver", "semverCompare", "seq", "set", "sha1sum", "sha256sum", "shuffle", "slice",
    "snakecase", "sortAlpha", "split", "splitList", "splitn", "squote", "sub", "subf",
    "substr", "swapcase", "ternary", "title", "toDate", "toDecimal", "toJson",
    "toPrettyJson", "toRawJson", "toString", "toStrings", "trim", "trimAll", "trimPrefix",
    "trimSuffix", "trimall", "trunc", "tuple", "typeIs", "typeIsLike", "typeOf", "uniq",
    "unixEpoch", "unset", "until", "untilStep", "untitle", "upper", "urlJoin", "urlParse",
    "uuidv4", "values", "without", "wrap", "wrapWith",
    }
)

# Istio's injector FuncMap by release: (first release, names added, names removed).
# Istio >= 1.8 also merges sprig's TxtFuncMap, underneath its own functions.
_ISTIO_FUNC_CHANGES: tuple[tuple[tuple[int, int, int], frozenset[str], frozenset[str]], ...] = (
    ((0, 6, 0), frozenset({"formatDuration"}), frozenset()),
    ((0, 8, 0), frozenset({"isset", "includeInboundPorts"}), frozenset()),
    ((1, 0, 3), frozenset({"annotation", "applicationPorts", "excludeInboundPort", "toJson"}), frozenset()),
    (
        (1, 1, 0),
        frozenset({"kubevirtInterfaces", "valueOrDefault", "toJSON", "fromJSON", "toYaml", "indent", "directory"}),
        frozenset(),
    ),
    ((1, 2, 0), frozenset({"contains", "render"}), frozenset()),
    ((1, 3, 0), frozenset({"structToJSON", "toLower"}), frozenset()),
    ((1, 4, 0), frozenset({"protoToJSON"}), frozenset()),
    ((1, 5, 0), frozenset({"env"}), frozenset()),
    ((1, 8, 0), frozenset({"appendMultusNetwork"}), frozenset()),
    ((1, 9, 0), frozenset(), frozenset({"render"})),
    ((1, 15, 0), frozenset({"excludeInterfaces"}), frozenset()),
    ((1, 18, 0), frozenset({"omit", "strdict", "toJsonMap"}), frozenset()),
    ((1, 21, 0), frozenset({"mergeMaps"}), frozenset()),
    ((1, 30, 0), frozenset({"omitNil", "otelResourceAttributes"}), frozenset()),
)
ISTIO_LATEST = (1, 30, 99)
_ISTIO_SPRIG_FROM = (1, 8, 0)
# From 1.19 Istio's own toJson is gone; sprig's toJson (merged underneath) remains.


def parse_istio_version(spec: str) -> tuple[int, int, int]:
    """"istio", "istio@1.8" or "istio@1.8.6" -> (major, minor, patch); the bare set is
    the newest release, X.Y means its last patch."""
    if spec == "istio":
        return ISTIO_LATEST
    rest = spec.removeprefix("istio@").removeprefix("v")
    parts = rest.split(".")
    if not spec.startswith("istio@") or not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"bad istio function set {spec!r}: want istio@MAJOR.MINOR[.PATCH]")
    nums = [int(p) for p in parts] + [99] * (3 - len(parts))
    version = (nums[0], nums[1], nums[2])
    if version < (0, 5, 0):
        raise ValueError(f"bad istio function set {spec!r}: versions before 0.5 are not supported")
    return version


def istio_func_names(version: tuple[int, int, int]) -> frozenset[str]:
    """The names in Istio's injector FuncMap for a release."""
    names: set[str] = set(SPRIG_FUNC_NAMES) if version >= _ISTIO_SPRIG_FROM else set()
    for first, added, removed in _ISTIO_FUNC_CHANGES:
        if version >= first:
            names |= added
            names -= removed
    return frozenset(names)


def sprig_funcs() -> dict[str, Callable[..., Any]]:
    """Sprig v3.2.3's TxtFuncMap (gotmpl.sprig), for ``Template.funcs``."""
    from .sprig import sprig_funcs as all_sprig

    return all_sprig()


def func_set_names(spec: str) -> frozenset[str]:
    """Names of a function set as the oracle names them: "test", "sprig", "istio[@X.Y[.Z]]"."""
    if spec == "test":
        return TEST_FUNC_NAMES
    if spec == "sprig":
        return SPRIG_FUNC_NAMES
    if spec == "istio" or spec.startswith("istio@"):
        return istio_func_names(parse_istio_version(spec))
    raise ValueError(f"unknown function set {spec!r}")


# --- the builtins --------------------------------------------------------------------------------


def _reflect_sig(n_fixed: int, variadic: bool, results: str) -> V.GoType:
    from .runtime import REFLECT_VALUE

    params = [REFLECT_VALUE] * n_fixed
    if variadic:
        params.append(V.slice_of(REFLECT_VALUE))
    res = {
        "value": [REFLECT_VALUE],
        "value,error": [REFLECT_VALUE, V.ERROR],
        "int,error": [V.INT, V.ERROR],
        "bool": [V.BOOL],
        "bool,error": [V.BOOL, V.ERROR],
    }[results]
    return V.func_of(params, res, variadic)


def _indirect_interface(v: Any) -> Any:
    """Go's indirectInterface: a nil interface is no value."""
    return MISSING if v is None or type(v) is V.NilInterface else v


class _GoErr(V.GoError):
    """A builtin's error result."""


def _index_arg(index: Any, cap: int) -> int:
    """Go's indexArg."""
    if index is MISSING or index is None:
        raise _GoErr("cannot index slice/array with nil")
    t = V.type_of(index)
    if t.kind in V.INT_KINDS:
        x = V.unwrap_scalar(index)
    elif t.kind in V.UINT_KINDS:
        # Go converts with int64(index.Uint()): huge unsigned values wrap negative.
        x = V.unwrap_scalar(index)
        if x >= 1 << 63:
            x -= 1 << 64
    else:
        raise _GoErr(f"cannot index slice/array with type {t}")
    if x < 0 or x > cap:
        raise _GoErr(f"index out of range: {x}")
    return x


def _prepare_map_key(index: Any, key_type: V.GoType) -> Any:
    """Go's prepareArg for a map key."""
    if index is MISSING:
        if key_type.kind not in V.NILABLE_KINDS:
            raise _GoErr(f"value is nil; should be of type {key_type}")
        return V.zero_value(key_type)
    t = V.type_of(index)
    if t is key_type or t.assignable_to(key_type):
        return index
    if (t.kind in V.INT_KINDS or t.kind in V.UINT_KINDS) and (key_type.kind in V.INT_KINDS or key_type.kind in V.UINT_KINDS):
        from .runtime import wrap_int

        x = wrap_int(V.unwrap_scalar(index), key_type.kind)
        return x if key_type is V.INT else Typed(key_type, x)
    raise _GoErr(f"value has type {t}; should be {key_type}")


def _map_len(m: Any) -> int:
    return len(m) if type(m) is dict else len(m.data or {})


def _string_bytes(s: Any) -> bytes:
    return V.unwrap_scalar(s).encode("utf-8", "surrogateescape")


def builtin_index(item: Any, *indexes: Any, S: Any = None) -> Any:
    """Go's index: item[i][j]...; missing map keys give the element type's zero."""
    if len(indexes) == 1 and type(indexes[0]) is str:
        # Fast path: one string key into a map with string keys.
        cls = type(item)
        if cls is dict:
            if item and all(type(k) is str for k in item):
                return item.get(indexes[0])
        elif cls is V.Map and item.type.key is V.STRING:
            data = item.data
            elem = item.type.elem
            if data is not None and indexes[0] in data:
                x = data[indexes[0]]
                return x if V.natural_for(elem) else V.coerce(elem, x)
            return V.zero_value(elem)
    from .runtime import _addressability_matters, indirect, mark_addressable

    item = _indirect_interface(item)
    if item is MISSING:
        raise _GoErr("index of untyped nil")
    for index in indexes:
        index = _indirect_interface(index)
        through_pointer = type(item) is V.Ptr
        item, is_nil = indirect(item)
        if is_nil:
            raise _GoErr("index of nil pointer")
        cls = type(item)
        if through_pointer and cls is V.Array and not item.addressable:
            item = V.Array(item.type, item.items, True)  # what a pointer points at is addressable
        if cls is list or cls is tuple:
            item = item[_checked(index, len(item), "slice")]
            continue
        t = V.type_of(item)
        k = t.kind
        if k == Kind.STRING:
            data = _string_bytes(item)
            item = Typed(V.UINT8, data[_checked(index, len(data), "string")])
        elif k in (Kind.SLICE, Kind.ARRAY):
            elems = V.elements(item)
            x = elems[_checked(index, len(elems), k)]
            if (k == Kind.SLICE or item.addressable) and S is not None and _addressability_matters(t.elem):
                x = mark_addressable(S, x)  # slice elements are addressable
            item = x
        elif k == Kind.MAP:
            key = _prepare_map_key(index, t.key)
            if t.key.kind == Kind.INTERFACE and key is not None and type(key) is not V.NilInterface:
                kt = V.type_of(key)
                if kt is not None and not kt.comparable:
                    # Go's map access checks the key even in an empty map,
                    # with another message than the hashing of a real lookup.
                    if _map_len(item) == 0:
                        raise _GoErr(f"hash of unhashable type: {kt}")
                    raise _GoErr(f"runtime error: hash of unhashable type {kt}")
            if cls is dict:
                data = item
                dkey = key
            else:
                data = item.data or {}
                dkey = V.map_key(t.key, key)
            try:
                x = data[dkey]
            except (KeyError, TypeError):
                item = V.zero_value(t.elem)
            else:
                item = x if cls is dict or V.natural_for(t.elem) else V.coerce(t.elem, x)
        else:
            raise _GoErr(f"can't index item of type {t}")
    return item


def _checked(index: Any, length: int, kind: str) -> int:
    """indexArg allows index == len; reflect's Index then panics."""
    x = _index_arg(index, length)
    if x >= length:
        raise _GoErr(f"reflect: {kind} index out of range")
    return x


def builtin_slice(item: Any, *indexes: Any) -> Any:
    """Go's slice: item[i:j:k], with Go's capacity rules for slices."""
    from .runtime import indirect

    item = _indirect_interface(item)
    if item is MISSING:
        raise _GoErr("slice of untyped nil")
    # The pointee of a pointer is addressable: an array behind one can be sliced.
    through_pointer = type(item) is V.Ptr
    item, is_nil = indirect(item)
    if is_nil:
        raise _GoErr("slice of nil pointer")
    if len(indexes) > 3:
        raise _GoErr(f"too many slice indexes: {len(indexes)}")
    t = V.type_of(item)
    k = t.kind
    cls = type(item)
    backing: list = []
    offset = 0
    if k == Kind.STRING:
        if len(indexes) == 3:
            raise _GoErr("cannot 3-index slice a string")
        data = _string_bytes(item)
        cap = length = len(data)
    elif k in (Kind.SLICE, Kind.ARRAY):
        if cls is V.Slice and item.backing is not None:
            backing, offset, cap = item.backing, item.offset, item.cap
            length = len(item.items)
        else:
            backing = list(item.items or []) if cls in (V.Slice, V.Array) else list(item)
            cap = length = len(backing)
    else:
        raise _GoErr(f"can't slice item of type {t}")
    idx = [0, length, 0]
    for i, index in enumerate(indexes):
        idx[i] = _index_arg(index, cap)
    if idx[0] > idx[1]:
        raise _GoErr(f"invalid slice index: {idx[0]} > {idx[1]}")
    if len(indexes) == 3 and idx[1] > idx[2]:
        raise _GoErr(f"invalid slice index: {idx[1]} > {idx[2]}")
    if k == Kind.ARRAY and not (item.addressable or through_pointer):
        which = "Slice3" if len(indexes) == 3 else "Slice"
        raise _GoErr(f"reflect.Value.{which}: slice of unaddressable array")
    lo, hi = idx[0], idx[1]
    if k == Kind.STRING:
        out = data[lo:hi].decode("utf-8", "surrogateescape")
        return out if t is V.STRING else Typed(t, out)
    new_cap = (idx[2] if len(indexes) == 3 else cap) - lo
    raw = backing[offset + lo : offset + hi]
    st = t if k == Kind.SLICE else V.slice_of(t.elem)
    if cap == 0 and V.is_nil(item) or cls is V.Slice and item.items is None:
        return V.Slice(st, None)  # slicing a nil slice gives a nil slice
    if new_cap == len(raw):
        if st is V.SLICE_ANY:
            return raw
        if st is V.BYTES:
            return bytes(V.unwrap_scalar(x) for x in raw)
        return V.Slice(st, raw)
    return V.Slice(st, raw, backing, offset + lo, new_cap)


def builtin_len(item: Any) -> int:
    """Go's len."""
    from .runtime import indirect

    item, is_nil = indirect(item)
    if is_nil:
        raise _GoErr("len of nil pointer")
    cls = type(item)
    if cls is str:
        return len(item.encode("utf-8", "surrogateescape")) if not item.isascii() else len(item)
    if cls in (list, tuple, dict, bytes):
        return len(item)
    if item is MISSING:
        raise _GoErr("reflect: call of reflect.Value.Type on zero Value")
    t = V.type_of(item)
    if t.kind == Kind.STRING:
        return len(_string_bytes(item))
    if t.kind in (Kind.SLICE, Kind.MAP):
        return len(item.items or []) if t.kind == Kind.SLICE and type(item) is V.Slice else len(V.map_items(item) if t.kind == Kind.MAP else V.elements(item))
    if t.kind == Kind.ARRAY:
        return t.length
    raise _GoErr(f"len of type {t}")


def builtin_not(arg: Any) -> bool:
    from .runtime import truth

    return not truth(_indirect_interface(arg))


_BAD_COMPARISON_TYPE = "invalid type for comparison"


def _basic_kind(v: Any) -> str | None:
    t = V.type_of(v)
    if t is None:
        return None
    k = t.kind
    if k == Kind.BOOL:
        return "bool"
    if k in V.INT_KINDS:
        return "int"
    if k in V.UINT_KINDS:
        return "uint"
    if k in V.FLOAT_KINDS:
        return "float"
    if k in V.COMPLEX_KINDS:
        return "complex"
    if k == Kind.STRING:
        return "string"
    return None


def _scalar(v: Any) -> Any:
    x = V.unwrap_scalar(v)
    return x.encode("utf-8", "surrogateescape") if isinstance(x, str) else x


def _type_str(v: Any) -> str:
    t = V.type_of(v)
    return str(t) if t is not None else "<nil>"


def _go_equal(a: Any, b: Any) -> bool:
    """Go's interface equality (same dynamic type and ==) for comparable values."""
    ta, tb = V.type_of(a), V.type_of(b)
    if ta is not tb:
        return False
    if not ta.comparable:  # values held in interface fields: Go's == panics
        raise _GoErr(f"runtime error: comparing uncomparable type {ta}")
    k = ta.kind
    if k == Kind.PTR:
        return a is b or (type(a) is V.Ptr and type(b) is V.Ptr and a.target is b.target)
    if k == Kind.STRUCT:
        return all(_go_equal(x, y) for (_, x), (_, y) in zip(V.struct_fields(a), V.struct_fields(b)))
    if k == Kind.ARRAY:
        return all(_go_equal(x, y) for x, y in zip(V.elements(a), V.elements(b)))
    if k == Kind.INTERFACE:
        return a is b
    if k == Kind.FUNC:
        return False
    return _scalar(a) == _scalar(b)


def _eq_one(arg1: Any, k1: str | None, arg: Any) -> bool:
    k2 = _basic_kind(arg)
    if k1 != k2:
        if k1 == "int" and k2 == "uint":
            x = V.unwrap_scalar(arg1)
            return x >= 0 and x == V.unwrap_scalar(arg)
        if k1 == "uint" and k2 == "int":
            y = V.unwrap_scalar(arg)
            return y >= 0 and V.unwrap_scalar(arg1) == y
        if arg1 is not MISSING and arg is not MISSING:
            raise _GoErr(f"incompatible types for comparison: {_type_str(arg1)} and {_type_str(arg)}")
        return False
    if k1 is not None:
        return _scalar(arg1) == _scalar(arg)
    t1, t2 = V.type_of(arg1), V.type_of(arg)
    if not (t1 is None or t2 is None or t1.kind == t2.kind):
        from .gofmt import sprintf

        raise _GoErr(f"non-comparable types {sprintf('%s', arg1)}: {t1}, {t2}: {sprintf('%v', arg)}")
    if V.is_nil(arg1) or V.is_nil(arg):
        return V.is_nil(arg) == V.is_nil(arg1)
    if not t2.comparable:
        from .gofmt import sprintf

        raise _GoErr(f"non-comparable type {sprintf('%s', arg)}: {t2}")
    return _go_equal(arg1, arg)


def builtin_eq(arg1: Any, *arg2: Any) -> bool:
    """Go's eq: arg1 == any of arg2 (basic kinds; ints and uints compare by value)."""
    if len(arg2) == 1 and type(arg1) is str and type(arg2[0]) is str:
        return arg1 == arg2[0]
    arg1 = _indirect_interface(arg1)
    if not arg2:
        raise _GoErr("missing argument for comparison")
    k1 = _basic_kind(arg1)
    for arg in arg2:
        if _eq_one(arg1, k1, _indirect_interface(arg)):
            return True
    return False


def builtin_ne(arg1: Any, arg2: Any) -> bool:
    if type(arg1) is str and type(arg2) is str:
        return arg1 != arg2
    return not builtin_eq(arg1, arg2)


def builtin_lt(arg1: Any, arg2: Any) -> bool:
    arg1 = _indirect_interface(arg1)
    k1 = _basic_kind(arg1)
    if k1 is None:
        raise _GoErr(_BAD_COMPARISON_TYPE)
    arg2 = _indirect_interface(arg2)
    k2 = _basic_kind(arg2)
    if k2 is None:
        raise _GoErr(_BAD_COMPARISON_TYPE)
    x, y = V.unwrap_scalar(arg1), V.unwrap_scalar(arg2)
    if k1 != k2:
        if k1 == "int" and k2 == "uint":
            return x < 0 or x < y
        if k1 == "uint" and k2 == "int":
            return y >= 0 and x < y
        raise _GoErr(f"incompatible types for comparison: {_type_str(arg1)} and {_type_str(arg2)}")
    if k1 in ("bool", "complex"):
        raise _GoErr(_BAD_COMPARISON_TYPE)
    if k1 == "string":
        return _scalar(arg1) < _scalar(arg2)
    return x < y


def builtin_le(arg1: Any, arg2: Any) -> bool:
    return builtin_lt(arg1, arg2) or builtin_eq(arg1, arg2)


def builtin_gt(arg1: Any, arg2: Any) -> bool:
    return not builtin_le(arg1, arg2)


def builtin_ge(arg1: Any, arg2: Any) -> bool:
    return not builtin_lt(arg1, arg2)


def _eval_args(args: tuple) -> str:
    """Go's evalArgs: one string as is, else fmt.Sprint of printable values."""
    from .gofmt import sprint
    from .runtime import indirect

    if len(args) == 1 and type(args[0]) is str:
        return args[0]
    printable = []
    for a in args:
        if type(a) is V.Ptr:
            a, _ = indirect(a)
        if a is None or a is MISSING:
            a = "<no value>"
        printable.append(a)
    return sprint(*printable)


_HTML_ESCAPES = {"\0": "\ufffd", '"': "&#34;", "'": "&#39;", "&": "&amp;", "<": "&lt;", ">": "&gt;"}


def html_escape(s: str) -> str:
    """Go's HTMLEscapeString."""
    if not any(c in s for c in "'\"&<>\0"):
        return s
    return "".join(_HTML_ESCAPES.get(c, c) for c in s)


def builtin_html(*args: Any) -> str:
    return html_escape(_eval_args(args))


_JS_ESCAPES = {"\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E", "&": "\\u0026", "=": "\\u003D"}


def js_escape(s: str) -> str:
    """Go's JSEscapeString."""
    from .strconv import is_print

    out = []
    for c in s:
        o = ord(c)
        esc = _JS_ESCAPES.get(c)
        if esc is not None:
            out.append(esc)
        elif o < 0x20:
            out.append("\\u00%02X" % o)
        elif o < 0x80 or 0xDC80 <= o <= 0xDCFF:
            out.append(c)
        elif is_print(c):
            out.append(c)
        else:
            out.append("\\u%04X" % o)
    return "".join(out)


def builtin_js(*args: Any) -> str:
    return js_escape(_eval_args(args))


def query_escape(s: str) -> str:
    """Go's url.QueryEscape."""
    data = s.encode("utf-8", "surrogateescape")
    return urllib.parse.quote_plus(data, safe="-_.~")


def builtin_urlquery(*args: Any) -> str:
    return query_escape(_eval_args(args))


def builtin_print(*args: Any) -> str:
    from .gofmt import sprint

    return sprint(*args)


def builtin_println(*args: Any) -> str:
    from .gofmt import sprintln

    return sprintln(*args)


def builtin_printf(fmt: str, *args: Any) -> str:
    from .gofmt import sprintf

    return sprintf(fmt, *args)


def _truth(v: Any) -> bool:
    from .runtime import truth

    return truth(_indirect_interface(v))


def builtin_call(name: str, fn: Any, *args: Any) -> Any:
    """Go's call: the function value fn called with args (Go's prepareArg rules)."""
    fn = _indirect_interface(fn)
    if fn is MISSING:
        raise _GoErr("call of nil")
    t = V.type_of(fn)
    if t.kind != Kind.FUNC:
        raise _GoErr(f"non-function {name} of type {t}")
    nout = len(t.results)
    if not (nout == 1 or nout == 2 and t.results[1] is V.ERROR):
        if nout == 2:
            raise _GoErr(f"invalid function signature for {name}: second return value should be error; is {t.results[1]}")
        raise _GoErr(f"function {name} has {nout} return values; should be 1 or 2")
    num_in = len(t.params)
    if t.variadic:
        if len(args) < num_in - 1:
            raise _GoErr(f"wrong number of args for {name}: got {len(args)} want at least {num_in - 1}")
    elif len(args) != num_in:
        raise _GoErr(f"wrong number of args for {name}: got {len(args)} want {num_in}")
    from .runtime import param_type, to_python_arg

    argv = []
    for i, a in enumerate(args):
        a = _indirect_interface(a)
        pt = param_type(t, i)
        try:
            a = _prepare_map_key(a, pt) if pt is not V.ANY else (None if a is MISSING else a)
        except _GoErr as e:
            raise _GoErr(f"arg {i}: {e}") from None
        argv.append(to_python_arg(a, pt))
    call = fn.fn if type(fn) is V.Func else fn
    if call is None:
        raise _GoErr("runtime error: invalid memory address or nil pointer dereference")
    result = call(*argv)
    rt = t.results[0]
    if rt is V.ANY or (V.natural_for(rt) and result is not None):
        return result
    return V.coerce(rt, result)


def _builtin_table() -> dict[str, Any]:
    from .runtime import GoFunc

    any_variadic_string = V.func_of([V.slice_of(V.ANY)], [V.STRING], True)
    table = {
        "and": GoFunc("and", _reflect_sig(1, True, "value"), None, builtin=True, raw=True),
        "or": GoFunc("or", _reflect_sig(1, True, "value"), None, builtin=True, raw=True),
        "call": GoFunc("call", _reflect_sig(1, True, "value"), builtin_call, builtin=True, raw=True),
        "html": GoFunc("html", any_variadic_string, builtin_html, builtin=True),
        "js": GoFunc("js", any_variadic_string, builtin_js, builtin=True),
        "urlquery": GoFunc("urlquery", any_variadic_string, builtin_urlquery, builtin=True),
        "print": GoFunc("print", any_variadic_string, builtin_print, builtin=True),
        "println": GoFunc("println", any_variadic_string, builtin_println, builtin=True),
        "printf": GoFunc("printf", V.func_of([V.STRING, V.slice_of(V.ANY)], [V.STRING], True), builtin_printf, builtin=True),
        "index": GoFunc("index", _reflect_sig(1, True, "value,error"), builtin_index, builtin=True, raw=True, needs_state=True),
        "slice": GoFunc("slice", _reflect_sig(1, True, "value,error"), builtin_slice, builtin=True, raw=True),
        "len": GoFunc("len", _reflect_sig(1, False, "int,error"), builtin_len, builtin=True, raw=True),
        "not": GoFunc("not", _reflect_sig(1, False, "bool"), builtin_not, builtin=True, raw=True),
        "eq": GoFunc("eq", _reflect_sig(1, True, "bool,error"), builtin_eq, builtin=True, raw=True),
        "ne": GoFunc("ne", _reflect_sig(2, False, "bool,error"), builtin_ne, builtin=True, raw=True),
        "lt": GoFunc("lt", _reflect_sig(2, False, "bool,error"), builtin_lt, builtin=True, raw=True),
        "le": GoFunc("le", _reflect_sig(2, False, "bool,error"), builtin_le, builtin=True, raw=True),
        "gt": GoFunc("gt", _reflect_sig(2, False, "bool,error"), builtin_gt, builtin=True, raw=True),
        "ge": GoFunc("ge", _reflect_sig(2, False, "bool,error"), builtin_ge, builtin=True, raw=True),
    }
    return table


_BUILTINS: dict[str, Any] | None = None


def builtins() -> dict[str, Any]:
    """Go's builtin functions as GoFunc records (built once)."""
    global _BUILTINS
    if _BUILTINS is None:
        _BUILTINS = _builtin_table()
    return _BUILTINS


def as_go_func(name: str, fn: Callable[..., Any]) -> Any:
    """A Python callable as a template function; its Go signature comes from
    ``__go_signature__`` or its annotations (see values.signature_type)."""
    from .runtime import GoFunc

    if isinstance(fn, V.Func):
        return GoFunc(name, fn.type, fn.fn)
    return GoFunc(name, V.signature_type(fn), fn)
