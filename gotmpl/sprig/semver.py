"""Sprig's ``semver`` and ``semverCompare`` (sprig's semver.go) over
Masterminds/semver v3.2.0 (version.go, constraints.go): version parsing with
its coercions (``v1.2`` is 1.2.0), constraint syntax (``^`` ``~`` ``~>``,
``x``/``X``/``*`` wildcards, ``a - b`` ranges, ``,`` and ``||``, the
comparison operators) and its error texts.

The library's own regular expressions are Go regexps; they run on
gotmpl.sprig.regex (RE2 with Go's semantics), so every corner of them (the
``|`` inside its character classes, the empty operator alternative) behaves
as in Go.

``semver`` returns a ``*semver.Version``: a struct with unexported fields and
the library's methods (``Major``, ``Minor``, ``Patch``, ``Prerelease``,
``Metadata``, ``Original``, ``String``, ``IncMajor``/``IncMinor``/``IncPatch``,
``SetPrerelease``/``SetMetadata``, ``Compare``/``LessThan``/``GreaterThan``/
``Equal``, ``MarshalJSON``/``MarshalText``), so templates can call them.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

from .. import values as V
from ..strconv import NumError, go_bytes, parse_uint
from . import sprig_func
from .regex import compile_regexp

__all__ = ["VERSION", "SemverError", "new_version", "new_constraint", "check", "version_value"]


class SemverError(ValueError):
    """An error the semver library returns (its text is Go's)."""


ERR_INVALID_SEMVER = "Invalid Semantic Version"
ERR_SEGMENT_STARTS_ZERO = "Version segment starts with 0"
ERR_INVALID_METADATA = "Invalid Metadata string"
ERR_INVALID_PRERELEASE = "Invalid Prerelease string"

_SEMVER = (
    r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?"
    r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
    r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
)
_CV = (
    r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?"
    r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
    r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
)
_OPS = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^"
_VERSION_RE = "^" + _SEMVER + "$"
_CONSTRAINT_RE = rf"^\s*({_OPS})\s*({_CV})\s*$"
_RANGE_RE = rf"\s*({_CV})\s+-\s+({_CV})\s*"
_FIND_RE = rf"({_OPS})\s*({_CV})"
_VALID_RE = rf"^(\s*({_OPS})\s*({_CV})\s*)((?:\s+|,\s*)({_OPS})\s*({_CV})\s*)*$"

_NUM = frozenset("0123456789")
_ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789")


# --- Version ------------------------------------------------------------------------------


@dataclasses.dataclass
class Version:
    major: int
    minor: int
    patch: int
    pre: str
    metadata: str
    original: str

    def string(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.pre:
            text += "-" + self.pre
        if self.metadata:
            text += "+" + self.metadata
        return text

    def v_prefix(self) -> str:
        return "v" if self.original[:1] == "v" else ""


def _submatch(regexp: str, s: str) -> list[str] | None:
    m = compile_regexp(regexp).find_submatch(go_bytes(s))
    if m is None:
        return None
    return ["" if g is None else g.decode("utf-8", "surrogateescape") for g in m]


def _contains_only(s: str, allowed: frozenset[str]) -> bool:
    return all(c in allowed for c in s)


def _validate_prerelease(p: str) -> None:
    for part in p.split("."):
        if _contains_only(part, _NUM):
            if len(part) > 1 and part[0] == "0":
                raise SemverError(ERR_SEGMENT_STARTS_ZERO)
        elif not _contains_only(part, _ALLOWED):
            raise SemverError(ERR_INVALID_PRERELEASE)


def _validate_metadata(m: str) -> None:
    for part in m.split("."):
        if not _contains_only(part, _ALLOWED):
            raise SemverError(ERR_INVALID_METADATA)


def _segment(text: str) -> int:
    try:
        return parse_uint(text, 10, 64)
    except NumError as e:
        raise SemverError(f"Error parsing version segment: {e}") from None


def new_version(v: str) -> Version:
    """semver.NewVersion (raises SemverError)."""
    m = _submatch(_VERSION_RE, v)
    if m is None:
        raise SemverError(ERR_INVALID_SEMVER)
    version = Version(_segment(m[1]), 0, 0, m[5], m[8], v)
    if m[2]:
        version.minor = _segment(m[2][1:])
    if m[3]:
        version.patch = _segment(m[3][1:])
    if version.pre:
        _validate_prerelease(version.pre)
    if version.metadata:
        _validate_metadata(version.metadata)
    return version


def _compare_segment(a: int, b: int) -> int:
    return (a > b) - (a < b)


def _compare_pre_part(s: str, o: str) -> int:
    if s == o:
        return 0
    if s == "":
        return -1
    if o == "":
        return 1
    try:
        oi: int | None = parse_uint(o, 10, 64)
    except NumError:
        oi = None
    try:
        si: int | None = parse_uint(s, 10, 64)
    except NumError:
        si = None
    if oi is None and si is None:
        return 1 if go_bytes(s) > go_bytes(o) else -1
    if oi is None:
        return -1
    if si is None:
        return 1
    return 1 if si > oi else -1


def _compare_prerelease(v: str, o: str) -> int:
    sparts, oparts = v.split("."), o.split(".")
    for i in range(max(len(sparts), len(oparts))):
        s = sparts[i] if i < len(sparts) else ""
        t = oparts[i] if i < len(oparts) else ""
        d = _compare_pre_part(s, t)
        if d:
            return d
    return 0


def compare(v: Version, o: Version) -> int:
    """Version.Compare: -1, 0 or 1 (metadata ignored, a prerelease is lower)."""
    for a, b in ((v.major, o.major), (v.minor, o.minor), (v.patch, o.patch)):
        d = _compare_segment(a, b)
        if d:
            return d
    if v.pre == "" and o.pre == "":
        return 0
    if v.pre == "":
        return 1
    if o.pre == "":
        return -1
    return _compare_prerelease(v.pre, o.pre)


# --- constraints ----------------------------------------------------------------------------


@dataclasses.dataclass
class Constraint:
    con: Version
    orig: str
    origfunc: str
    minor_dirty: bool = False
    patch_dirty: bool = False
    dirty: bool = False


def _is_x(s: str) -> bool:
    return s in ("x", "*", "X")


def _parse_constraint(c: str) -> Constraint:
    if not c:
        return Constraint(Version(0, 0, 0, "", "", "0.0.0"), c, "", dirty=True)
    m = _submatch(_CONSTRAINT_RE, c)
    if m is None:
        raise SemverError(f"improper constraint: {c}")
    ver = m[2]
    minor_dirty = patch_dirty = dirty = False
    if _is_x(m[3]) or m[3] == "":
        ver = f"0.0.0{m[6]}"
        dirty = True
    elif _is_x(m[4][1:] if m[4].startswith(".") else m[4]) or m[4] == "":
        minor_dirty = dirty = True
        ver = f"{m[3]}.0.0{m[6]}"
    elif _is_x(m[5][1:] if m[5].startswith(".") else m[5]) or m[5] == "":
        dirty = patch_dirty = True
        ver = f"{m[3]}{m[4]}.0{m[6]}"
    try:
        con = new_version(ver)
    except SemverError:
        raise SemverError("constraint Parser Error") from None
    return Constraint(con, m[2], m[1], minor_dirty, patch_dirty, dirty)


def _rewrite_range(i: str) -> str:
    r = compile_regexp(_RANGE_RE)
    src = go_bytes(i)
    found = list(r.matches(src, -1))
    if not found:
        return i
    o = i
    for m in found:
        whole = src[m[0][0] : m[0][1]].decode("utf-8", "surrogateescape")
        lo = src[m[1][0] : m[1][1]].decode("utf-8", "surrogateescape")
        hi = src[m[11][0] : m[11][1]].decode("utf-8", "surrogateescape")
        o = o.replace(whole, f">= {lo}, <= {hi}", 1)
    return o


def new_constraint(c: str) -> list[list[Constraint]]:
    """semver.NewConstraint: OR groups of AND-ed constraints."""
    c = _rewrite_range(c)
    groups = []
    for v in c.split("||"):
        if not compile_regexp(_VALID_RE).match(go_bytes(v)):
            raise SemverError(f"improper constraint: {v}")
        found = compile_regexp(_FIND_RE).find_all(go_bytes(v), -1)
        parts = [x.decode("utf-8", "surrogateescape") for x in found] if found else [v]
        groups.append([_parse_constraint(s) for s in parts])
    return groups


def _pre_excluded(v: Version, c: Constraint) -> bool:
    return v.pre != "" and c.con.pre == ""


def _not_equal(v: Version, c: Constraint) -> bool:
    if c.dirty:
        if _pre_excluded(v, c):
            return False
        if c.con.major != v.major:
            return True
        if c.con.minor != v.minor and not c.minor_dirty:
            return True
        if c.minor_dirty:
            return False
        if c.con.patch != v.patch and not c.patch_dirty:
            return True
        if c.patch_dirty:
            if v.pre != "" or c.con.pre != "":
                return _compare_prerelease(v.pre, c.con.pre) != 0
            return False
    return compare(v, c.con) != 0


def _greater_than(v: Version, c: Constraint) -> bool:
    if _pre_excluded(v, c):
        return False
    if not c.dirty:
        return compare(v, c.con) == 1
    if v.major > c.con.major:
        return True
    if v.major < c.con.major or c.minor_dirty:
        return False
    if c.patch_dirty:
        return v.minor > c.con.minor
    return compare(v, c.con) == 1


def _less_than(v: Version, c: Constraint) -> bool:
    return not _pre_excluded(v, c) and compare(v, c.con) < 0


def _greater_equal(v: Version, c: Constraint) -> bool:
    return not _pre_excluded(v, c) and compare(v, c.con) >= 0


def _less_equal(v: Version, c: Constraint) -> bool:
    if _pre_excluded(v, c):
        return False
    if not c.dirty:
        return compare(v, c.con) <= 0
    if v.major > c.con.major:
        return False
    if v.major == c.con.major and v.minor > c.con.minor and not c.minor_dirty:
        return False
    return True


def _tilde(v: Version, c: Constraint) -> bool:
    if _pre_excluded(v, c):
        return False
    if compare(v, c.con) < 0:
        return False
    if c.con.major == 0 and c.con.minor == 0 and c.con.patch == 0 and not c.minor_dirty and not c.patch_dirty:
        return True
    if v.major != c.con.major:
        return False
    if v.minor != c.con.minor and not c.minor_dirty:
        return False
    return True


def _tilde_or_equal(v: Version, c: Constraint) -> bool:
    if _pre_excluded(v, c):
        return False
    if c.dirty:
        return _tilde(v, c)
    return compare(v, c.con) == 0


def _caret(v: Version, c: Constraint) -> bool:
    if _pre_excluded(v, c):
        return False
    if compare(v, c.con) < 0:
        return False
    if c.con.major > 0 or c.minor_dirty:
        return v.major == c.con.major
    if c.con.major == 0 and v.major > 0:
        return False
    if c.con.minor > 0 or c.patch_dirty:
        return v.minor == c.con.minor
    if c.con.minor == 0 and v.minor > 0:
        return False
    return c.con.patch == v.patch


_OPERATORS: dict[str, Callable[[Version, Constraint], bool]] = {
    "": _tilde_or_equal,
    "=": _tilde_or_equal,
    "!=": _not_equal,
    ">": _greater_than,
    "<": _less_than,
    ">=": _greater_equal,
    "=>": _greater_equal,
    "<=": _less_equal,
    "=<": _less_equal,
    "~": _tilde,
    "~>": _tilde,
    "^": _caret,
}


def check(groups: list[list[Constraint]], v: Version) -> bool:
    """Constraints.Check: some OR group whose constraints all hold."""
    return any(all(_OPERATORS[c.origfunc](v, c) for c in group) for group in groups)


# --- *semver.Version as a template value ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _GoField(V.StructField):
    """A struct field exported by Go's rule: an upper case first letter."""

    @property
    def exported(self) -> bool:
        return self.name[:1].isupper()


VERSION = V.named(
    "semver.Version",
    V.struct_of(
        [
            _GoField("major", V.UINT64),
            _GoField("minor", V.UINT64),
            _GoField("patch", V.UINT64),
            _GoField("pre", V.STRING),
            _GoField("metadata", V.STRING),
            _GoField("original", V.STRING),
        ]
    ),
)
VERSION_PTR = V.ptr_to(VERSION)


def version_value(v: Version) -> V.Struct:
    """A semver.Version value."""
    return V.Struct(
        VERSION,
        {
            "major": V.Typed(V.UINT64, v.major),
            "minor": V.Typed(V.UINT64, v.minor),
            "patch": V.Typed(V.UINT64, v.patch),
            "pre": v.pre,
            "metadata": v.metadata,
            "original": v.original,
        },
    )


def _version_of(s: Any) -> Version:
    """The Version a semver.Version struct value holds."""
    f = s.fields
    return Version(
        V.unwrap_scalar(f["major"]),
        V.unwrap_scalar(f["minor"]),
        V.unwrap_scalar(f["patch"]),
        f["pre"],
        f["metadata"],
        f["original"],
    )


def _arg_version(p: Any) -> Version:
    """A ``*Version`` argument; Go dereferences it (a nil one panics)."""
    if type(p) is V.Ptr:
        p = p.target
    if p is None:
        raise V.GoError("runtime error: invalid memory address or nil pointer dereference")
    return _version_of(p)


def _next(v: Version, **changes: Any) -> V.Struct:
    nxt = dataclasses.replace(v, **changes)
    nxt.original = v.v_prefix() + nxt.string()
    return version_value(nxt)


def _inc_patch(s: Any) -> V.Struct:
    v = _version_of(s)
    if v.pre:
        return _next(v, metadata="", pre="")
    return _next(v, metadata="", pre="", patch=(v.patch + 1) & ((1 << 64) - 1))


def _inc_minor(s: Any) -> V.Struct:
    v = _version_of(s)
    return _next(v, metadata="", pre="", patch=0, minor=(v.minor + 1) & ((1 << 64) - 1))


def _inc_major(s: Any) -> V.Struct:
    v = _version_of(s)
    return _next(v, metadata="", pre="", patch=0, minor=0, major=(v.major + 1) & ((1 << 64) - 1))


def _set_prerelease(s: Any, pre: str) -> V.Struct:
    v = _version_of(s)
    if pre:
        _validate_prerelease(pre)
    return _next(v, pre=pre)


def _set_metadata(s: Any, metadata: str) -> V.Struct:
    v = _version_of(s)
    if metadata:
        _validate_metadata(metadata)
    return _next(v, metadata=metadata)


def _json_text(s: Any) -> bytes:
    from ..strconv import quote

    return quote(_version_of(s).string()).encode("utf-8", "surrogateescape")


def _methods() -> dict[str, V.Method]:
    string = V.func_of([], [V.STRING])
    uint64 = V.func_of([], [V.UINT64])
    version = V.func_of([], [VERSION])
    with_error = V.func_of([V.STRING], [VERSION, V.ERROR])
    predicate = V.func_of([VERSION_PTR], [V.BOOL])
    bytes_error = V.func_of([], [V.BYTES, V.ERROR])

    def field(name: str) -> Callable[[Any], Any]:
        return lambda s: s.fields[name]

    def relation(test: Callable[[int], bool]) -> Callable[[Any, Any], bool]:
        return lambda s, o: test(compare(_version_of(s), _arg_version(o)))

    methods = [
        V.Method("String", string, lambda s: _version_of(s).string()),
        V.Method("Original", string, field("original"), pointer_receiver=True),
        V.Method("Major", uint64, field("major")),
        V.Method("Minor", uint64, field("minor")),
        V.Method("Patch", uint64, field("patch")),
        V.Method("Prerelease", string, field("pre")),
        V.Method("Metadata", string, field("metadata")),
        V.Method("IncPatch", version, _inc_patch),
        V.Method("IncMinor", version, _inc_minor),
        V.Method("IncMajor", version, _inc_major),
        V.Method("SetPrerelease", with_error, _set_prerelease),
        V.Method("SetMetadata", with_error, _set_metadata),
        V.Method("LessThan", predicate, relation(lambda d: d < 0), pointer_receiver=True),
        V.Method("GreaterThan", predicate, relation(lambda d: d > 0), pointer_receiver=True),
        V.Method("Equal", predicate, relation(lambda d: d == 0), pointer_receiver=True),
        V.Method(
            "Compare",
            V.func_of([VERSION_PTR], [V.INT]),
            lambda s, o: compare(_version_of(s), _arg_version(o)),
            pointer_receiver=True,
        ),
        V.Method("MarshalJSON", bytes_error, _json_text),
        V.Method("MarshalText", bytes_error, lambda s: _version_of(s).string().encode("utf-8", "surrogateescape")),
    ]
    return {m.name: m for m in methods}


VERSION.methods.update(_methods())


def _decode_version(j: Any, path: str) -> Any:
    if type(j) is not str:
        raise ValueError(f"{path}: a semver.Version is given as its version string")
    try:
        return version_value(new_version(j))
    except SemverError as e:
        raise ValueError(f"{path}: {e}") from None


V.register_named_type("semver.Version", VERSION, _decode_version)


# --- sprig's functions ------------------------------------------------------------------------


@sprig_func("semverCompare", "func(string, string) (bool, error)")
def semver_compare(constraint: str, version: str) -> bool:
    groups = new_constraint(constraint)
    return check(groups, new_version(version))


@sprig_func("semver", "func(string) (*semver.Version, error)")
def semver(version: str) -> V.Ptr:
    return V.Ptr(VERSION_PTR, version_value(new_version(version)))
