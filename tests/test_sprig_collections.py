"""Sprig's lists, dicts, reflection and arithmetic against Go (gotmpl.sprig's
lists, dicts, reflection and mathfuncs modules).

Go is the judge: every case is rendered by the oracle built with sprig and by
gotmpl with ``sprig_funcs()`` (tests/sprig_support.py), and output and error
text must be identical. Arguments travel as data in the oracle's typed
encoding, ``{{fn .a0 .a1 ...}}`` over a ``map[string]any``, so ints, int64s,
float64s, sized ints, nil slices and maps, arrays and named types reach the
functions exactly typed. Each call is printed twice, with ``%v`` and ``%#v``
(which names the types), and functions that change their arguments (``set``,
``unset``, the merges) print the arguments afterwards too.

Go ranges over maps in random order: ``keys`` goes through ``sortAlpha``, and
``values`` is printed whole only for maps of at most one key. Pointers (error
values are ``*errors.errorString``) print as addresses that no reimplementation
can know: where gotmpl prints its fixed address, Go's may have any address
(:func:`compare_all`); the tables below check pointees instead.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import hypothesis_examples
from gotmpl.gofmt import FAKE_ADDRESS
from sprig_support import need_sprig, ours, output_bytes, request, typed

EXAMPLES = hypothesis_examples(30)


@pytest.fixture(scope="module")
def go(oracle: Any) -> Any:
    """The session's oracle, which must have sprig."""
    need_sprig(oracle)
    return oracle


_FAKE = re.escape(hex(FAKE_ADDRESS).encode())


def _same(got: dict, want: dict) -> bool:
    """Identical error, phase and output, but for addresses where ours has FAKE_ADDRESS."""
    if (got["error"], got["phase"]) != (want["error"], want["phase"]):
        return False
    a, b = output_bytes(got), output_bytes(want)
    if a == b:
        return True
    parts = re.split(_FAKE, a)
    if len(parts) == 1:
        return False
    pattern = b"0x[0-9a-f]+".join(re.escape(p) for p in parts)
    return re.fullmatch(pattern, b, re.S) is not None


def compare_all(go: Any, cases: list[tuple[str, Any]]) -> None:
    """Go and gotmpl on every (template, data) case, in one oracle round trip."""
    reqs = [request(t, d) for t, d in cases]
    bad = []
    for r, want in zip(reqs, go.run_many(reqs)):
        assert want["phase"] != "request", (r, want)
        got = ours(r)
        if not _same(got, want):
            bad.append(f"{r}\n ours: {got}\n   go: {want}")
    assert not bad, "\n\n".join(bad[:6]) + f"\n({len(bad)} of {len(reqs)} differ)"


# --- values, in the oracle's typed encoding ---------------------------------------------------------

_KEYS = st.sampled_from(["a", "b", "c", "é", ""])
_NUM_STRINGS = ["1", "0x1f", "2.0", "-3", "1e3", "NaN", "true", "", "07", "1_000", "+Inf", " 4", "9223372036854775808"]
_STRINGS = st.one_of(st.text(alphabet="ab01 .-xé", max_size=4), st.sampled_from(_NUM_STRINGS))
_FLOATS = st.one_of(
    st.sampled_from([0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.1, 0.7, 1e21, 1e-7, 123.456, -3.75, 9.223372036854776e18]),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(allow_nan=False, allow_infinity=False),
)


def _float(f: float) -> dict:
    return typed("float64", repr(f))


_INTS = st.one_of(
    st.integers(-4, 4).map(lambda n: typed("int", n)),
    st.sampled_from([2**63 - 1, -(2**63), 2**31, -1, 0]).map(lambda n: typed("int64", str(n))),
    st.integers(-128, 127).map(lambda n: typed("int8", n)),
    st.integers(0, 2**64 - 1).map(lambda n: typed("uint64", str(n))),
    st.integers(0, 255).map(lambda n: typed("uint8", n)),
    st.integers(-(2**31), 2**31 - 1).map(lambda n: typed("int32", n)),
    st.integers(-3, 3).map(lambda n: typed("time.Duration", n)),
)
_NUMBERS = st.one_of(
    _INTS,
    _FLOATS.map(_float),
    st.sampled_from(["NaN", "+Inf", "-Inf"]).map(lambda s: typed("float64", s)),
    st.sampled_from([0.5, 1.25, -2.5, 3.4028234663852886e38]).map(lambda f: typed("float32", repr(f))),
    st.integers(-5, 5),  # shorthand: float64
    _STRINGS,
    st.booleans(),
    st.none(),
)
_SCALARS = st.one_of(
    st.integers(-3, 3).map(lambda n: typed("int", n)),
    st.integers(-3, 3).map(lambda n: typed("int64", n)),
    st.integers(0, 3).map(lambda n: typed("uint8", n)),
    st.sampled_from([0.0, 1.0, 1.5, -2.5]).map(_float),
    st.integers(-3, 3),  # shorthand float64
    _STRINGS,
    st.booleans(),
    st.none(),
    st.sampled_from(["boom", ""]).map(lambda s: typed("error", s)),
    st.builds(lambda s, n: typed("oracle.T", {"S": s, "N": n}), st.sampled_from(["", "x"]), st.integers(0, 2)),
    st.sampled_from([0, 1500]).map(lambda n: typed("time.Duration", n)),
    st.builds(lambda a: typed("struct{A int; B any}", {"A": a}), st.integers(0, 1)),
    st.just(typed("complex128", [1, -2])),
)


def _lists(elem: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.lists(elem, max_size=4).map(lambda xs: typed("[]any", xs)),
        st.lists(elem, max_size=3),  # shorthand []any
        st.lists(st.integers(-3, 3), max_size=4).map(lambda xs: typed("[]int", xs)),
        st.lists(_STRINGS, max_size=3).map(lambda xs: typed("[]string", xs)),
        st.sampled_from(["[]any", "[]int", "[]string"]).map(lambda t: typed(t, None)),
        st.lists(st.integers(-3, 3), min_size=2, max_size=2).map(lambda xs: typed("[2]int", xs)),
        st.just(typed("[0]string", [])),
        st.text(alphabet="ab", max_size=3).map(lambda s: typed("[]byte", s)),
        st.lists(st.sampled_from([0.5, 0.0]), max_size=2).map(lambda xs: typed("[]float64", xs)),
    )


def _maps(elem: st.SearchStrategy, max_size: int = 3) -> st.SearchStrategy:
    return st.one_of(
        st.dictionaries(_KEYS, elem, max_size=max_size).map(lambda d: typed("map[string]any", d)),
        st.dictionaries(_KEYS, elem, max_size=max_size),  # shorthand
        st.just(typed("map[string]any", None)),
        st.dictionaries(_KEYS, st.integers(-3, 3), max_size=max_size).map(lambda d: typed("map[string]int", d)),
        st.dictionaries(_KEYS, _STRINGS, max_size=max_size).map(lambda d: typed("map[string]string", d)),
        st.just(typed("map[string]int", None)),
        st.dictionaries(st.integers(0, 3).map(str), _STRINGS, max_size=2).map(lambda d: typed("map[int]string", d)),
    )


VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(_lists(inner), _maps(inner)), max_leaves=8)
LISTISH = st.one_of(_lists(VALUES), VALUES)
# Maps as sprig's dict functions take them (map[string]interface {}), and now and then anything else.
DICTS = st.recursive(
    st.dictionaries(_KEYS, _SCALARS, max_size=3).map(lambda d: typed("map[string]any", d)),
    lambda inner: st.dictionaries(_KEYS, st.one_of(_SCALARS, inner, _lists(_SCALARS)), max_size=3).map(
        lambda d: typed("map[string]any", d)
    ),
    max_leaves=6,
)
MAPISH = st.one_of(DICTS, DICTS, st.just(typed("map[string]any", None)), _maps(_SCALARS), VALUES)
KEYS = st.one_of(_KEYS, _KEYS, VALUES)
_SMALL_INTS = st.integers(-4, 6).map(lambda n: typed("int", n))
INT_ARG = st.one_of(_SMALL_INTS, _SMALL_INTS, _NUMBERS)


# --- running calls ------------------------------------------------------------------------------------


def _call(fn: str, n: int) -> str:
    return fn + "".join(f" .a{i}" for i in range(n))


def _data(args: list) -> dict:
    return typed("map[string]any", {f"a{i}": a for i, a in enumerate(args)})


def check(go: Any, fn: str, args: list, *, after: bool = False, pipe: str = "", plain_only: bool = False) -> None:
    """``fn`` on args in Go and gotmpl, printed with %v and %#v; ``after`` also
    prints the arguments after the call; ``pipe`` post-processes the result."""
    call = _call(fn, len(args))
    if pipe:
        call = f"{call} | {pipe}"
    data = _data(args)
    cases = [("{{" + call + "}}", data)]
    if not plain_only:
        cases.append(('{{printf "%#v" (' + call + ")}}", data))
    if after:
        shown = " ".join(f".a{i}" for i in range(len(args)))
        fmt = "|".join(["%#v"] * (len(args) + 1))
        cases.append((f'{{{{$r := {call}}}}}{{{{printf "{fmt}" $r {shown}}}}}', data))
    compare_all(go, cases)


def _pick(data: st.DataObject, *fns: str) -> str:
    return data.draw(st.sampled_from(fns), label="fn")


# --- lists ---------------------------------------------------------------------------------------------

ONE_LIST = [
    "first", "mustFirst", "last", "mustLast", "rest", "mustRest", "initial", "mustInitial",
    "reverse", "mustReverse", "uniq", "mustUniq", "compact", "mustCompact",
]  # fmt: skip


@pytest.mark.parametrize("fn", ONE_LIST)
@settings(max_examples=EXAMPLES)
@given(lst=LISTISH)
def test_one_list(go: Any, fn: str, lst: Any) -> None:
    check(go, fn, [lst])


@pytest.mark.parametrize("fn", ["push", "append", "mustPush", "mustAppend", "prepend", "mustPrepend"])
@settings(max_examples=EXAMPLES)
@given(lst=LISTISH, v=VALUES)
def test_push_prepend(go: Any, fn: str, lst: Any, v: Any) -> None:
    check(go, fn, [lst, v], after=True)


@pytest.mark.parametrize("fn", ["has", "mustHas"])
@settings(max_examples=EXAMPLES)
@given(needle=VALUES, lst=LISTISH)
def test_has(go: Any, fn: str, needle: Any, lst: Any) -> None:
    check(go, fn, [needle, lst])


@pytest.mark.parametrize("fn", ["without", "mustWithout"])
@settings(max_examples=EXAMPLES)
@given(lst=LISTISH, omit=st.lists(_SCALARS, max_size=3))
def test_without(go: Any, fn: str, lst: Any, omit: list) -> None:
    check(go, fn, [lst, *omit])


_INDEXES = st.one_of(INT_ARG, st.sampled_from(["1", "2.0", "x"]), st.none())


@pytest.mark.parametrize("fn", ["slice", "mustSlice"])
@settings(max_examples=EXAMPLES)
@given(lst=LISTISH, idx=st.lists(_INDEXES, max_size=3))
def test_slice(go: Any, fn: str, lst: Any, idx: list) -> None:
    check(go, fn, [lst, *idx])


@settings(max_examples=EXAMPLES)
@given(lists=st.lists(LISTISH, max_size=3))
def test_concat(go: Any, lists: list) -> None:
    check(go, "concat", lists)


@pytest.mark.parametrize("fn", ["chunk", "mustChunk"])
@settings(max_examples=EXAMPLES)
@given(size=INT_ARG, lst=LISTISH)
def test_chunk(go: Any, fn: str, size: Any, lst: Any) -> None:
    check(go, fn, [size, lst])


@pytest.mark.parametrize("fn", ["list", "tuple"])
@settings(max_examples=EXAMPLES)
@given(args=st.lists(VALUES, max_size=4))
def test_list(go: Any, fn: str, args: list) -> None:
    check(go, fn, args)


@settings(max_examples=EXAMPLES)
@given(
    data=st.data(),
    lst=LISTISH,
    v=VALUES,
    idx=st.lists(st.integers(-1, 9).map(lambda n: typed("int", n)), min_size=1, max_size=2),
)
def test_capacity_through_slice(go: Any, data: st.DataObject, lst: Any, v: Any, idx: list) -> None:
    """Results built by append keep Go's capacity, which sprig's slice can reach."""
    fn = _pick(data, "append", "prepend", "uniq", "compact", "without", "concat", "rest", "reverse")
    args = [lst, v] if fn in ("append", "prepend", "without", "concat") else [lst]
    names = " ".join(f".a{i}" for i in range(len(args)))
    n = len(args)
    bounds = " ".join(f".a{n + i}" for i in range(len(idx)))
    compare_all(go, [("{{slice (" + f"{fn} {names}) {bounds}" + "}}", _data([*args, *idx]))])


# --- dicts ---------------------------------------------------------------------------------------------


@settings(max_examples=EXAMPLES)
@given(args=st.lists(st.one_of(_KEYS, VALUES), max_size=5))
def test_dict(go: Any, args: list) -> None:
    check(go, "dict", args)


@pytest.mark.parametrize("fn", ["get", "hasKey", "unset"])
@settings(max_examples=EXAMPLES)
@given(d=MAPISH, key=KEYS)
def test_get_haskey_unset(go: Any, fn: str, d: Any, key: Any) -> None:
    check(go, fn, [d, key], after=True)


@settings(max_examples=EXAMPLES)
@given(d=MAPISH, key=KEYS, v=VALUES)
def test_set(go: Any, d: Any, key: Any, v: Any) -> None:
    check(go, "set", [d, key, v], after=True)


@pytest.mark.parametrize("fn", ["pick", "omit"])
@settings(max_examples=EXAMPLES)
@given(d=MAPISH, keys=st.lists(KEYS, max_size=3))
def test_pick_omit(go: Any, fn: str, d: Any, keys: list) -> None:
    check(go, fn, [d, *keys])


@settings(max_examples=EXAMPLES)
@given(key=KEYS, dicts=st.lists(MAPISH, max_size=3))
def test_pluck(go: Any, key: Any, dicts: list) -> None:
    check(go, "pluck", [key, *dicts])


@settings(max_examples=EXAMPLES)
@given(dicts=st.lists(MAPISH, max_size=3))
def test_keys(go: Any, dicts: list) -> None:
    """Go's key order is random: compared through sortAlpha."""
    check(go, "keys", dicts, pipe="sortAlpha")
    check(go, "keys", dicts, pipe="len", plain_only=True)


@settings(max_examples=EXAMPLES)
@given(d=st.one_of(_maps(VALUES, max_size=1), MAPISH))
def test_values(go: Any, d: Any) -> None:
    """Go's order is random: printed whole for at most one key, else sorted as strings."""
    payload = d.get("v") if isinstance(d, dict) and set(d) == {"t", "v"} else d
    if isinstance(payload, (dict, list)) and len(payload) <= 1 or payload is None:
        check(go, "values", [d])
    else:
        check(go, "values", [d], pipe="sortAlpha", plain_only=True)


_DIG_DICTS = st.recursive(
    st.dictionaries(st.sampled_from(["a", "b"]), _SCALARS, max_size=2).map(lambda d: typed("map[string]any", d)),
    lambda inner: st.dictionaries(st.sampled_from(["a", "b"]), st.one_of(inner, _SCALARS, _maps(_SCALARS)), max_size=2).map(
        lambda d: typed("map[string]any", d)
    ),
    max_leaves=6,
)


@settings(max_examples=EXAMPLES)
@given(
    keys=st.lists(st.one_of(st.sampled_from(["a", "b"]), st.sampled_from(["a", "b"]), _SCALARS), max_size=3),
    default=_SCALARS,
    d=st.one_of(_DIG_DICTS, _DIG_DICTS, MAPISH),
)
def test_dig(go: Any, keys: list, default: Any, d: Any) -> None:
    check(go, "dig", [*keys, default, d])


# Maps to merge: overlapping keys, nested maps of several types, slices, nils, empties.
_MERGE_LEAVES = st.one_of(
    _SCALARS,
    _lists(_SCALARS),
    st.just(typed("map[string]any", {})),
    st.just(typed("map[string]any", None)),
    st.dictionaries(st.sampled_from(["x", "y"]), st.integers(0, 2), max_size=2).map(lambda d: typed("map[string]int", d)),
    st.dictionaries(st.sampled_from(["x", "y"]), _STRINGS, max_size=2).map(lambda d: typed("map[string]string", d)),
    st.just(typed("map[string]int", None)),
    st.dictionaries(st.integers(0, 2).map(str), st.integers(0, 2), max_size=2).map(lambda d: typed("map[int]int", d)),
    st.builds(lambda a, b: typed("struct{A int; B any}", {"A": a, "B": b}), st.integers(0, 1), _SCALARS),
)
MERGE_MAPS = st.recursive(
    st.dictionaries(st.sampled_from(["a", "b", "c"]), _MERGE_LEAVES, max_size=3).map(lambda d: typed("map[string]any", d)),
    lambda inner: st.dictionaries(st.sampled_from(["a", "b", "c", "x"]), st.one_of(_MERGE_LEAVES, inner), max_size=3).map(
        lambda d: typed("map[string]any", d)
    ),
    max_leaves=8,
)
MERGE_ARGS = st.one_of(MERGE_MAPS, MERGE_MAPS, MERGE_MAPS, st.just(typed("map[string]any", None)), _maps(_SCALARS))


@pytest.mark.parametrize("fn", ["merge", "mustMerge", "mergeOverwrite", "mustMergeOverwrite"])
@settings(max_examples=EXAMPLES)
@given(dst=MERGE_ARGS, srcs=st.lists(MERGE_ARGS, max_size=3))
def test_merge(go: Any, fn: str, dst: Any, srcs: list) -> None:
    check(go, fn, [dst, *srcs], after=True)


@pytest.mark.parametrize("fn", ["deepCopy", "mustDeepCopy"])
@settings(max_examples=EXAMPLES)
@given(v=st.one_of(VALUES, MERGE_MAPS))
def test_deep_copy(go: Any, fn: str, v: Any) -> None:
    check(go, fn, [v])


# --- reflection ------------------------------------------------------------------------------------------

_TYPE_NAMES = st.sampled_from([
    "int", "int64", "float64", "string", "bool", "[]interface {}", "map[string]interface {}", "[]int",
    "main.T", "*errors.errorString", "errors.errorString", "<nil>", "time.Duration", "uint8", "[2]int",
])  # fmt: skip
_KIND_NAMES = st.sampled_from(
    ["int", "int64", "float64", "string", "bool", "slice", "map", "struct", "ptr", "array", "invalid", "complex128"]
)


@pytest.mark.parametrize("fn", ["typeOf", "kindOf"])
@settings(max_examples=EXAMPLES)
@given(v=VALUES)
def test_type_kind_of(go: Any, fn: str, v: Any) -> None:
    check(go, fn, [v], plain_only=True)


@pytest.mark.parametrize("fn", ["typeIs", "typeIsLike", "kindIs"])
@settings(max_examples=EXAMPLES)
@given(target=st.one_of(_TYPE_NAMES, _KIND_NAMES, _SCALARS), v=VALUES)
def test_type_kind_is(go: Any, fn: str, target: Any, v: Any) -> None:
    check(go, fn, [target, v], plain_only=True)


@settings(max_examples=EXAMPLES)
@given(a=VALUES, b=VALUES, same=st.booleans())
def test_deep_equal(go: Any, a: Any, b: Any, same: bool) -> None:
    check(go, "deepEqual", [a, a if same else b], plain_only=True)
    # Equal by construction: two decodings of the same data, and a deep copy.
    compare_all(go, [("{{deepEqual .a0 .a1}} {{deepEqual .a0 (deepCopy .a0)}}", _data([a, a]))])


# time.Time values print differently with %#v in gotmpl.gofmt (a GoStringer it
# does not have yet): compared through %v only.
_TIMES = st.sampled_from(["2020-01-02T03:04:05Z", "2020-01-02T05:04:05+02:00", "2020-01-02T04:04:05+01:00"]).map(
    lambda s: typed("time.Time", s)
)


@settings(max_examples=EXAMPLES)
@given(data=st.data(), xs=st.lists(st.one_of(_TIMES, _SCALARS), min_size=1, max_size=4))
def test_times(go: Any, data: st.DataObject, xs: list) -> None:
    """DeepEqual on time.Time: the same instant in another zone is another value."""
    fn = _pick(data, "uniq", "has", "without", "deepEqual", "deepCopy", "typeOf", "kindOf")
    lst = typed("[]any", xs)
    args = {"uniq": [lst], "has": [xs[0], typed("[]any", xs[1:])], "without": [lst, *xs[:2]],
            "deepEqual": xs[:2] if len(xs) > 1 else [xs[0], xs[0]], "deepCopy": [lst],
            "typeOf": [xs[0]], "kindOf": [xs[0]]}[fn]  # fmt: skip
    check(go, fn, args, plain_only=True)


# --- arithmetic ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", ["add", "addf", "mul", "max", "biggest", "min", "maxf", "minf", "subf", "divf", "mulf"])
@settings(max_examples=EXAMPLES)
@given(args=st.lists(_NUMBERS, max_size=4))
def test_variadic_arithmetic(go: Any, fn: str, args: list) -> None:
    check(go, fn, args)


@pytest.mark.parametrize("fn", ["sub", "div", "mod"])
@settings(max_examples=EXAMPLES)
@given(a=_NUMBERS, b=_NUMBERS)
def test_binary_arithmetic(go: Any, fn: str, a: Any, b: Any) -> None:
    check(go, fn, [a, b])


@pytest.mark.parametrize("fn", ["add1", "add1f", "floor", "ceil"])
@settings(max_examples=EXAMPLES)
@given(a=_NUMBERS)
def test_unary_arithmetic(go: Any, fn: str, a: Any) -> None:
    check(go, fn, [a])


@settings(max_examples=EXAMPLES)
@given(
    a=st.one_of(_NUMBERS, _FLOATS.map(_float)),
    places=st.one_of(
        st.integers(-4, 20).map(lambda n: typed("int", n)), st.integers(-400, 400).map(lambda n: typed("int", n)), _NUMBERS
    ),
    opt=st.lists(st.one_of(st.sampled_from([0.5, 0.0, 0.3, 1.0, -0.5]).map(_float), _NUMBERS), max_size=2),
)
def test_round(go: Any, a: Any, places: Any, opt: list) -> None:
    check(go, "round", [a, places, *opt])


_SMALL_INT = st.integers(-12, 12).map(lambda n: typed("int", n))
_SEQ_INT = st.one_of(_SMALL_INT, _SMALL_INT, _SMALL_INT, _NUMBERS)


@settings(max_examples=EXAMPLES)
@given(n=_SEQ_INT)
def test_until(go: Any, n: Any) -> None:
    check(go, "until", [n])


@settings(max_examples=EXAMPLES)
@given(args=st.lists(_SEQ_INT, min_size=3, max_size=3))
def test_until_step(go: Any, args: list) -> None:
    check(go, "untilStep", args)


@settings(max_examples=EXAMPLES)
@given(args=st.lists(_SEQ_INT, max_size=4))
def test_seq(go: Any, args: list) -> None:
    check(go, "seq", args, plain_only=True)


# --- hand-picked cases -------------------------------------------------------------------------------------

def _m(**entries: Any) -> dict:
    return typed("map[string]any", entries)


CASES: list[tuple[str, Any]] = [
    # Errors and panics of the list family, through text/template's recovery.
    ("{{first 1}}", None),
    ("{{mustLast .}}", typed("map[string]int", {"a": 1})),
    ("{{rest nil}}", None),
    ("{{has 1 nil}} {{mustHas 1 nil}}", None),
    ("{{has 1 2}}", None),
    ("{{concat (list 1) 2}}", None),
    ("{{printf \"%#v\" (concat)}} {{printf \"%#v\" (concat (list) (list))}}", None),
    ("{{slice . 0 1}}", typed("[3]int", [1, 2, 3])),
    ("{{slice . 0 0}}", typed("[0]int", [])),
    ("{{slice \"abc\" 1}}", None),
    ("{{slice (list 1 2 3) 2 1}}", None),
    ("{{slice (slice (list 1 2 3 4) 1 2) 0 3}}", None),
    ("{{printf \"%#v\" (slice . 1)}}", typed("[]byte", "abc")),
    ("{{printf \"%#v\" (slice (slice . 0 1) 0 2)}}", typed("[]byte", "abc")),
    ("{{slice (append (list 1 2 3) 4) 0 6}} {{slice (prepend (list 1 2) 0) 0 4}}", None),
    ("{{slice (concat (list 1 2 3) (list 4 5)) 0 8}} {{slice (uniq (list 1 1 2 3 4 5)) 3 8}}", None),
    ("{{slice (until 5) 2 8}} {{slice (untilStep 0 20 2) 0 16}}", None),
    ("{{slice (keys (dict \"a\" 1 \"b\" 2 \"c\" 3)) 0 4 | len}}", None),
    ("{{chunk 0 (list 1 2)}}", None),
    ("{{chunk 0 (list 1)}}", None),
    ("{{chunk 0 (list)}}", None),
    ("{{chunk -1 (list)}} {{chunk -2 (list 1)}} {{chunk -2 (list 1 2 3)}}", None),
    ("{{chunk -1 (list 1 2 3 4 5)}}", None),
    ("{{chunk 3 (until 8)}} {{chunk 9 (list 1)}}", None),
    ("{{uniq (list 1 1 \"1\" 1.0 nil nil (list 1) (list 1) (dict) (dict))}}", None),
    ("{{without (list 1 2 (list 3)) (list 3) 1}}", None),
    ("{{uniq .}}", typed("[]any", [{"t": "float64", "v": "NaN"}, {"t": "float64", "v": "NaN"}])),
    ("{{compact (list 0 1 \"\" nil (list) (dict) false true 0.0 .)}}", typed("[]int", None)),
    # Dicts.
    ("{{set . \"a\" 1}}", typed("map[string]any", None)),
    ("{{unset . \"a\"}} {{hasKey . \"a\"}} {{get . \"a\"}}", typed("map[string]any", None)),
    ("{{$d := dict \"a\" 1}}{{$_ := set $d \"b\" 2}}{{$_ := unset $d \"a\"}}{{$d}}", None),
    ("{{dict 1 2 3}} {{dict nil 1 .}}", typed("oracle.Stringer", {"S": "s"})),
    ("{{dig \"a\" 1}}", None),
    ("{{dig \"a\" \"b\" \"d\" .}}", typed("map[string]any", {"a": typed("map[string]string", {"b": "x"})})),
    ("{{dig \"a\" \"b\" \"d\" .}}", typed("map[string]any", {"a": typed("map[string]any", None)})),
    ("{{dig \"a\" \"d\" .}}", typed("map[string]string", {"a": "x"})),
    ("{{pluck \"a\" (dict \"a\" 1) . (dict \"a\" nil)}}", typed("map[string]any", None)),
    # Merges: nested maps are merged in place, even inside a source merged earlier.
    ("{{$a := dict \"x\" (dict \"p\" 1)}}{{$b := dict}}{{$c := dict \"x\" (dict \"q\" 2)}}{{merge $b $a $c}} {{$a}}", None),
    ("{{merge nil nil}} {{printf \"%#v\" (merge nil nil)}} {{merge nil (dict)}} {{printf \"%#v\" (merge nil (dict))}}", None),
    ("{{mergeOverwrite (dict \"a\" (dict \"b\" 1)) (dict \"a\" 2)}} {{merge (dict \"a\" (dict \"b\" 1)) (dict \"a\" 2)}}", None),
    ("{{mergeOverwrite (dict \"a\" 0) (dict \"a\" (dict \"b\" 1))}} {{merge (dict \"a\" 0) (dict \"a\" (dict \"b\" 1))}}", None),
    ("{{index (merge .d .s) \"a\"}}", typed("map[string]any", {"d": typed("map[string]any", {"a": typed("*int", 0)}),
                                                                "s": typed("map[string]any", {"a": typed("*int", 5)})})),
    ("{{$r := merge .d .s}}{{index $r \"a\" | deepCopy}}",
     typed("map[string]any", {"d": typed("map[string]any", {"a": typed("*int", 0)}),
                              "s": typed("map[string]any", {"a": typed("*int", 5)})})),
    ("{{$r := mergeOverwrite .d .s}}{{printf \"%v\" (index .d \"a\")}}",
     typed("map[string]any", {"d": typed("map[string]any", {"a": typed("*struct{A int; B string}", {"A": 1})}),
                              "s": typed("map[string]any", {"a": typed("*struct{A int; B string}", {"B": "x"})})})),
    ("{{$r := merge .d .s}}{{printf \"%v\" (index .d \"a\")}}",
     typed("map[string]any", {"d": typed("map[string]any", {"a": typed("*struct{A int; B string}", {"A": 1})}),
                              "s": typed("map[string]any", {"a": typed("*struct{A int; B string}", {"A": 2, "B": "x"})})})),
    ("{{mustMerge .d .s}}", typed("map[string]any", {"d": typed("map[string]any", {"a": typed("*struct{A int}", {"A": 1})}),
                                                      "s": typed("map[string]any", {"a": typed("map[string]any", {"A": 2})})})),
    ("{{merge .d .s}}|", typed("map[string]any", {"d": typed("map[string]any", {"a": typed("*struct{A int}", {"A": 1})}),
                                                   "s": typed("map[string]any", {"a": typed("map[string]any", {"A": 2})})})),
    # mergo copies the source error's struct into the destination's: the error value itself changes.
    ("{{$r := mergeOverwrite (dict \"a\" .e1) (dict \"a\" .e2)}}{{.e1}} {{$r}} {{merge (dict \"a\" .e2) (dict \"a\" .e3)}} {{.e2}}",
     _m(e1=typed("error", "x"), e2=typed("error", "y"), e3=typed("error", "z"))),
    ("{{mergeOverwrite .d .s}}", typed("map[string]any", {"d": typed("map[string]any", {"a": typed("map[string]any", {"x": 1})}),
                                                           "s": typed("map[string]any", {"a": typed("struct{A int}", {"A": 2})})})),
    ("{{merge .d .s}}", typed("map[string]any", {"d": typed("map[string]any", {"a": typed("map[string]int", {"x": 1})}),
                                                  "s": typed("map[string]any", {"a": typed("map[string]string", {"y": "s"})})})),
    ("{{merge .d .s}}", typed("map[string]any", {"d": typed("map[string]any", {"a": typed("map[string]int", None)}),
                                                  "s": typed("map[string]any", {"a": typed("struct{A int}", {"A": 2})})})),
    ("{{merge .d .s}}", typed("map[string]any", {"d": typed("map[string]any", {"a": typed("struct{A int; B any}", {"A": 0})}),
                                                  "s": typed("map[string]any", {"a": typed("struct{A int; B any}", {"A": 2, "B": 1})})})),
    ("{{merge .d .s}}", typed("map[string]any", {"d": typed("map[string]any", {"a": typed("struct{A int}", {"A": 0})}),
                                                  "s": typed("map[string]any", {"a": typed("map[string]any", {"A": 2})})})),
    # Merges reaching through pointers (mergo changes pointees in place) and mismatched types.
    *[
        (f"{{{{$r := {fn} .d .s}}}}{{{{{show}}}}}", typed("map[string]any", {"d": _m(a=d), "s": _m(a=s)}))
        for fn, show, d, s in [
            ("merge", "index .d \"a\"", typed("*map[string]any", {"x": 1}), typed("map[string]any", {"x": 2, "y": 3})),
            ("mergeOverwrite", "index .d \"a\"", typed("*map[string]any", {"x": 1}), typed("map[string]any", {"x": 2})),
            ("mergeOverwrite", "index .d \"a\"", typed("*map[string]any", {"x": 1}), typed("*map[string]any", {"x": 2})),
            ("merge", "index .d \"a\"", typed("*map[string]any", None), typed("*map[string]any", {"x": 2})),
            ("merge", "index .d \"a\"", typed("*int", 0), typed("*string", "x")),
            ("mergeOverwrite", "index .d \"a\"", typed("*int", 1), typed("*int", 2)),
            ("mergeOverwrite", "index .d \"a\"", typed("*int", 1), typed("*int", None)),
            ("merge", "index $r \"a\"", typed("*int", None), typed("*int", 3)),
            ("merge", "index $r \"a\"", 0, typed("*int", 3)),
            ("mergeOverwrite", "index $r \"a\"", 1, typed("*int", 3)),
            ("mergeOverwrite", "(index .d \"a\").M", typed("*struct{A int; M map[string]int}", {"A": 1, "M": {"j": 2}}),
             typed("*struct{A int; M map[string]int}", {"A": 5, "M": {"k": 1}})),
            ("merge", "index .d \"a\"", typed("*struct{A int}", {"A": 0}), typed("struct{A int}", {"A": 5})),
            ("merge", "index .d \"a\"", typed("*struct{A int}", {"A": 0}), typed("struct{B int}", {"B": 5})),
            ("merge", "index .d \"a\"", typed("struct{A int; B any}", {"A": 0}), typed("struct{A int}", {"A": 5})),
            ("merge", "index .d \"a\"", typed("map[int]int", {"1": 1}), typed("map[string]any", {"x": 5})),
            ("mergeOverwrite", "index .d \"a\"", typed("map[string]int", {"x": 1}), typed("map[string]any", {"x": 5})),
            ("mergeOverwrite", "index .d \"a\"", typed("map[string][]int", {"x": [1], "y": None}),
             typed("map[string][]int", {"x": [5], "y": [6], "z": None})),
            ("merge", ".d", typed("[]int", None), typed("[]string", ["a"])),
            ("mergeOverwrite", ".d", typed("error", "x"), typed("error", "y")),
            ("merge", ".d", typed("error", "x"), typed("error", "y")),
            ("merge", ".d.a.S", typed("*oracle.T", {"S": "", "N": 0}), typed("*oracle.T", {"S": "y", "N": 2})),
            ("merge", ".d.a", typed("*any", None), typed("*any", 5)),
            ("mergeOverwrite", ".d.a", typed("*any", 1), typed("*any", "s")),
            ("merge", ".d.a", typed("*struct{X any}", {"X": 1}), typed("*struct{X any}", {"X": "s"})),
            ("mergeOverwrite", ".d.a", typed("*struct{X any}", {"X": typed("map[string]any", {"p": 1})}),
             typed("*struct{X any}", {"X": typed("map[string]any", {"q": 1})})),
        ]
    ],
    # deepCopy.
    ("{{deepCopy nil}}", None),
    ("{{mustDeepCopy .}}", typed("error", "boom")),
    ("{{$c := deepCopy .}}[{{index $c 0}}] {{index $c 1}}", typed("[]any", [typed("error", "boom"), typed("*int", 3)])),
    ("{{$c := deepCopy .}}{{index $c 0}} {{index $c 1 | printf \"%#v\"}}", typed("[]*int", [1, None])),
    ("{{printf \"%#v\" (deepCopy .)}}", typed("struct{P *int; M map[string]int; S []int; E struct{}; I any; Er error; A [0]int}", {})),
    ("{{(deepCopy .).Next.S}}", typed("*oracle.T", {"S": "x", "N": 2})),
    ("{{$c := deepCopy .}}{{$_ := set (index $c \"m\") \"k\" 2}}{{.}} {{$c}}", typed("map[string]any", {"m": {"k": 1}})),
    ("{{slice (deepCopy (append (list 1) 2)) 0 2}}", None),
    # Reflection.
    ("{{typeOf nil}} {{kindOf nil}} {{typeIs \"<nil>\" nil}} {{kindIs \"invalid\" nil}}", None),
    ("{{typeOf .}} {{kindOf .}} {{typeIsLike \"main.T\" .}} {{typeIs \"*main.T\" .}}", typed("*oracle.T", {"S": "x"})),
    ("{{typeOf .}} {{kindOf .}}", typed("error", "e")),
    ("{{typeOf .}} {{kindOf .}}", typed("map[int][]*string", {})),
    ("{{typeOf (list)}} {{typeOf (dict)}} {{typeOf (until 2)}} {{typeOf (keys)}} {{typeOf (chunk 1 (list 1))}}", None),
    ("{{deepEqual (list) (rest (list))}} {{deepEqual . .}} {{deepEqual (list .) (list .)}}", typed("float64", "NaN")),
    ("{{deepEqual .a .b}}", typed("map[string]any", {"a": typed("error", "x"), "b": typed("error", "x")})),
    ("{{deepEqual .a .b}}", typed("map[string]any", {"a": typed("*int", 1), "b": typed("*int", 1)})),
    ("{{deepEqual .a .b}}", typed("map[string]any", {"a": typed("[]int", None), "b": typed("[]int", [])})),
    ("{{deepEqual .a .b}}", typed("map[string]any", {"a": typed("map[string]int", None), "b": typed("map[string]int", {})})),
    ("{{deepEqual .a .b}} {{deepEqual .a .c}} {{deepEqual .c .d}} {{deepEqual .c (deepCopy .c)}} {{uniq (list .a .b .c .d)}}",
     _m(a=typed("time.Time", "2020-01-02T03:04:05Z"), b=typed("time.Time", "2020-01-02T03:04:05Z"),
        c=typed("time.Time", "2020-01-02T05:04:05+02:00"), d=typed("time.Time", "2020-01-02T05:04:05+02:00"))),
    # Arithmetic edges.
    ("{{div 1 0}}", None),
    ("{{mod 1 0}}", None),
    ("{{div .a -1}} {{mod .a -1}} {{mul .a -1}} {{sub .a 1}} {{add1 .b}} {{add .b 1}}",
     typed("map[string]any", {"a": typed("int64", str(-(2**63))), "b": typed("int64", str(2**63 - 1))})),
    ("{{divf 1 0}} ", None),
    ("{{addf 1 \"+Inf\"}}", None),
    ("{{divf 1 3 3}} {{divf 2 3}} {{divf -2 3}} {{divf 1e-20 3}} {{divf -1e-20 3}} {{divf 1 1e-300}}", None),
    ("{{mulf 1e300 1e300}} {{mulf -1e300 1e300}} {{mulf 1e-300 1e-300}} {{mulf -1e-300 1e-300}} {{subf 0 0}}", None),
    ("{{addf 0.1 0.2}} {{subf 0.3 0.1}} {{mulf 0.1 3}} {{add1f 0.1}} {{addf}} {{mulf 5}}", None),
    ("{{round 2.675 2}} {{round -0.4 0}} {{round 0.5 0 0.6}} {{round 1 -1}} {{round 1e308 5}} {{round 5e-324 300}}", None),
    ("{{round \"+Inf\" 2}} {{round \"NaN\" 2}} {{round \"-Inf\" 2}} {{floor \"-Inf\"}} {{ceil \"NaN\"}}", None),
    ("{{maxf \"NaN\" \"+Inf\"}} {{minf \"NaN\" \"-Inf\"}} {{maxf 0 -0.0}} {{minf 0 -0.0}} {{maxf -0.0 0}}", None),
    ("{{seq}} {{seq 0}} {{seq -2}} {{seq 3 1}} {{seq 1 2 3 4}} {{seq 1 -1 5}} {{seq 5 1 1}} {{seq 5 0 1}} {{seq 1 0 5}}", None),
    ("{{randInt 2 2}}", None),
    ("{{randInt -9223372036854775808 9223372036854775807}}", None),
    ("{{range until 20}}{{$r := randInt -2 3}}{{and (ge $r -2) (lt $r 3)}}{{end}} {{randInt 7 8}}", None),
    ("{{until 0}} {{untilStep 0 5 0}} {{untilStep 5 0 0}} {{untilStep 5 0 -2}} {{untilStep 0 5 -1}}", None),
]


def test_cases(go: Any) -> None:
    compare_all(go, CASES)


def test_endless_sequences_are_refused() -> None:
    """Where Go appends until memory or time runs out (or its int counter wraps and
    the loop never ends), gotmpl reports an error instead (not a Go behaviour)."""
    from gotmpl.sprig.mathfuncs import MAX_SEQUENCE, until_step

    assert until_step(0, 5, 2) == [0, 2, 4]
    assert until_step(2**63 - 3, 2**63 - 1, 1) == [2**63 - 3, 2**63 - 2]
    assert until_step(2**63 - 6, 2**63 - 1, 5) == [2**63 - 6]
    for args in [(2**63 - 6, 2**63 - 1, 4), (-(2**63) + 1, -(2**63), -5), (0, MAX_SEQUENCE + 1, 1)]:
        with pytest.raises(Exception, match="too long"):
            until_step(*args)
