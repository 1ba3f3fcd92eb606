"""Function sets: the one home for the names and (with execution) the functions
templates can call.

Go's parser rejects calls to functions that are not defined, so the parser needs
the names of Go's builtins and of the functions registered with
``Template.funcs`` before parsing. The builtins' implementations arrive with the
executor; their names are fixed by Go.
"""

from __future__ import annotations

import unicodedata

__all__ = ["BUILTIN_NAMES", "TEST_FUNC_NAMES", "SPRIG_FUNC_NAMES", "istio_func_names", "func_set_names", "check_func_name"]

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
    "mustLast", "mustMerge", "mustMergeOverwrite", "mustPrepend", "mustRegexFind",
    "mustRegexFindAll", "mustRegexMatch", "mustRegexReplaceAll",
    "mustRegexReplaceAllLiteral", "mustRegexSplit", "mustRest", "mustReverse", "mustSlice",
    "mustToDate", "mustToJson", "mustToPrettyJson", "mustToRawJson", "mustUniq",
    "mustWithout", "must_date_modify", "nindent", "nospace", "now", "omit", "osBase",
    "osClean", "osDir", "osExt", "osIsAbs", "pick", "pluck", "plural", "prepend", "quote",
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


def func_set_names(spec: str) -> frozenset[str]:
    """Names of a function set as the oracle names them: "test", "sprig", "istio[@X.Y[.Z]]"."""
    if spec == "test":
        return TEST_FUNC_NAMES
    if spec == "sprig":
        return SPRIG_FUNC_NAMES
    if spec == "istio" or spec.startswith("istio@"):
        return istio_func_names(parse_istio_version(spec))
    raise ValueError(f"unknown function set {spec!r}")
