"""Sprig's encoding, hash, path, environment, regex, semver, URL, date, UUID,
network and crypto functions (gotmpl.sprig.encoding ... osenv) against the Go
oracle built with sprig v3.2.3.

Deterministic functions are compared with Go on Hypothesis-generated
arguments (and wrong types, nil and empty values): output bytes, error text
and phase must be identical (tests/sprig_support.py). Functions that read the
clock or a random source are checked by properties instead: formats, lengths,
parseability, and that each side accepts what the other produced (Go decrypts
our encryptAES, signs with our CA, and the other way round); certificates are
parsed and verified with ``cryptography``.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import time
from typing import Any

import pytest
from conftest import hypothesis_examples
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sprig_support import compare, compare_many, need_sprig, ours, request, typed

from gotmpl.sprig.crypto import bcrypt_verify
from gotmpl.sprig.dates import UTC, format_time, unix_time

EXAMPLES = hypothesis_examples(30)
FEW = hypothesis_examples(10)
SETTINGS = settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def go(oracle: Any) -> Any:
    """The session's oracle, which must have sprig."""
    need_sprig(oracle)
    return oracle


def data(**values: Any) -> dict[str, Any]:
    """A typed map[string]any: plain strings stay strings, (type, value) pairs are typed."""
    out = {}
    for k, v in values.items():
        out[k] = typed(*v) if isinstance(v, tuple) else v
    return typed("map[string]any", out)


def render(template: str, d: Any = None) -> dict[str, Any]:
    """gotmpl's response (output, error, phase) for a sprig template."""
    return ours(request(template, d))


def go_render(go: Any, template: str, d: Any = None) -> dict[str, Any]:
    resp = go.run(request(template, d))
    assert resp["phase"] != "request", resp
    return resp


# --- value strategies ---------------------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FF), max_size=16)
LONG_TEXT = st.text(st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FF), max_size=40)
SHORT_INT = st.integers(-(2**40), 2**40)

# Values of many Go types, for wrong-type and nil arguments.
ANY_VALUE = st.one_of(
    TEXT.map(lambda s: typed("string", s)),
    st.integers(-1000, 1000).map(lambda i: typed("int", i)),
    SHORT_INT.map(lambda i: typed("int64", i)),
    st.integers(-1000, 1000).map(lambda i: typed("int32", i)),
    st.integers(0, 1000).map(lambda i: typed("uint32", i)),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda f: typed("float64", f)),
    st.booleans().map(lambda b: typed("bool", b)),
    st.just(None),
    st.just(typed("[]any", [])),
    st.lists(TEXT, max_size=3).map(lambda xs: typed("[]string", xs)),
    st.lists(TEXT, max_size=3).map(lambda xs: typed("[]any", xs)),
    st.dictionaries(st.sampled_from(["scheme", "host", "path", "a"]), TEXT, max_size=3).map(lambda m: typed("map[string]any", m)),
    st.just(typed("map[string]any", None)),
    st.just(typed("time.Time", "2021-03-04T05:06:07.5+01:00")),
    st.just(typed("time.Time", "0001-01-01T00:00:00Z")),
    st.just(typed("*time.Time", None)),
    st.just(typed("time.Duration", "1h")),
)


# --- encoding, hashes, paths, env ------------------------------------------------------------------

B64ISH = st.text(st.sampled_from(list("ABCabc019+/=\n\r xyzMZXW6QG") + ["é"]), max_size=24)


@SETTINGS
@given(s=TEXT, junk=B64ISH)
def test_encoding_and_hashes(go: Any, s: str, junk: str) -> None:
    compare(
        go,
        "{{ b64enc .s }}|{{ b64dec .s }}|{{ b32enc .s }}|{{ b32dec .s }}|{{ b64dec (b64enc .s) }}|{{ b32dec (b32enc .s) }}"
        "|{{ b64dec .j }}|{{ b32dec .j }}|{{ sha1sum .s }}|{{ sha256sum .s }}|{{ adler32sum .s }}|{{ adler32sum .j }}",
        data(s=s, j=junk),
    )


PATHISH = st.text(st.sampled_from(["/", ".", "..", "a", "b.c", " ", "x.", ".d", "é"]), max_size=10).map(str)


@SETTINGS
@given(p=st.lists(st.sampled_from(["/", ".", "..", "a", "b.c", " ", "x.", ".d", "é", "//"]), max_size=8).map("".join))
def test_paths(go: Any, p: str) -> None:
    names = ["base", "dir", "clean", "ext", "isAbs"]
    funcs = names + ["os" + n[0].upper() + n[1:] for n in names]
    compare(go, "|".join("{{ %s .p }}" % f for f in funcs), data(p=p))


ENV_TEXT = st.lists(
    st.sampled_from(["$", "{", "}", "PATH", "HOME", "NOPE_XYZ", "_", "1", "*", "a", " ", "$$", "${}", "${PATH}", "-", "é"]),
    max_size=8,
).map("".join)


@SETTINGS
@given(s=ENV_TEXT, name=st.sampled_from(["PATH", "HOME", "", "NOPE_XYZ", "PATH ", "1", "$PATH"]))
def test_env_and_expandenv(go: Any, s: str, name: str) -> None:
    compare(go, "{{ env .n }}|{{ expandenv .s }}", data(s=s, n=name))


# --- regular expressions ------------------------------------------------------------------------------

RX_ATOMS = ["a", "b", ".", "\\b", "\\B", "^", "$", "(?m)^", "(?m)$", "\\s", "\\w+", "[ab]", "[^a]", "é", "x*", "(a)",
            "(?P<n>b)", "(a|)", "()", "a?", "(?i)A", "\\d+", "\\pL", "\\p{Greek}", "[[:alpha:]]", "(?s).", "(?U)a+"]  # fmt: skip


@st.composite
def regexes(draw: Any) -> str:
    out = ""
    for _ in range(draw(st.integers(0, 4))):
        atom = draw(st.sampled_from(RX_ATOMS))
        if draw(st.booleans()):
            atom = "(?:" + atom + ")" + draw(st.sampled_from(["*", "+", "?", "*?", "{0,2}", "{2}"]))
        out += atom
        if draw(st.integers(0, 6)) == 0:
            out += "|"
    return out


RX_TEXT = st.text(st.sampled_from(list("ab é\n1xAα_")), max_size=10)
REPLACEMENTS = st.sampled_from(["<$0>", "$1", "${1}x", "$1x", "$n", "${n}", "$$", "$", "${", "$01", "[$2]", "${name}", "-", ""])


@SETTINGS
@given(p=regexes(), s=RX_TEXT, n=st.integers(-2, 3), r=REPLACEMENTS)
def test_regex_functions(go: Any, p: str, s: str, n: int, r: str) -> None:
    compare(
        go,
        '{{ regexMatch .p .s }}|{{ printf "%q" (regexFind .p .s) }}|{{ printf "%q" (regexFindAll .p .s .n) }}'
        '|{{ printf "%q" (regexSplit .p .s .n) }}|{{ printf "%q" (regexReplaceAll .p .s .r) }}'
        '|{{ printf "%q" (regexReplaceAllLiteral .p .s .r) }}|{{ regexQuoteMeta .p }}'
        '|{{ mustRegexMatch .p .s }}|{{ mustRegexFind .p .s }}|{{ mustRegexFindAll .p .s .n }}'
        '|{{ mustRegexSplit .p .s .n }}|{{ mustRegexReplaceAll .p .s .r }}|{{ mustRegexReplaceAllLiteral .p .s .r }}',
        data(p=p, s=s, r=r, n=("int", n)),
    )


RX_ERROR_TOKENS = ["(", ")", "[", "]", "*", "+", "?", "{", "}", "{2}", "{1,3}", "{3,1}", "{1001}", "|", "\\", "\\d", "\\p",
                   "\\pL", "\\p{Greek}", "\\p{X}", "(?", "(?i)", "(?P<", ">", "a", "-", "^", ":", "[:alpha:]", "[:x:]",
                   "\\Q", "\\E", "\\x", "\\x{", "41", "\\8", "\\C", "\\z", "\\Z", "é", "(?:", "(?-", "i", "U", ","]  # fmt: skip


@SETTINGS
@given(p=st.lists(st.sampled_from(RX_ERROR_TOKENS), min_size=1, max_size=6).map("".join))
def test_regex_compile_errors(go: Any, p: str) -> None:
    compare(go, '{{ mustRegexMatch .p "a" }}|{{ regexMatch .p "a" }}|{{ regexFind .p "a" }}', data(p=p))


def test_regex_cases(go: Any) -> None:
    cases = [
        '{{ printf "%q" (regexFindAll "." "a\\xffb\\xc3" -1) }}',
        '{{ printf "%q" (regexFindAll "\\\\x{FFFD}" "a\\xff\\xfe" -1) }}',
        '{{ printf "%q" (regexSplit "" "a\\xffé" -1) }}',
        '{{ printf "%q" (regexReplaceAll "" "a\\xffé" "-") }}',
        '{{ printf "%q" (regexFindAll "\\\\B" "é" -1) }}',
        '{{ regexReplaceAll "(?P<é>a)" "xa" "${é}" }}',
        '{{ regexFind "(" "" }}',
        '{{ regexFind "`(" "" }}',
        '{{ regexMatch "\\\\pC" "\\u0378" }} {{ regexMatch "\\\\p{letter}" "α" }} {{ regexMatch "\\\\p{Assigned}" "a" }}',
        '{{ regexQuoteMeta "a.b*c\\\\d$^[]{}()|+?" }}',
        '{{ regexSplit "a" "" 5 }} {{ regexSplit "" "" 5 }} {{ regexSplit "a" "bab" 0 }} {{ regexFindAll "a" "aaa" 0 }}',
        '{{ regexMatch "(" "" }}',
    ]
    compare_many(go, [(c, None) for c in cases])


# --- semver ---------------------------------------------------------------------------------------

VERSION = st.lists(
    st.sampled_from(["v", "1", "0", "01", "2", "10", ".", ".", "-", "+", "alpha", "beta.1", "rc-1", "x", "99999999999999999999", ".."]),
    min_size=1,
    max_size=7,
).map("".join)
CONSTRAINT_TOKENS = [">=", "<=", "<", ">", "=", "!=", "~", "~>", "^", "=>", " ", "||", ", ", " - ", "1", "1.2", "1.2.3",
                     "1.x", "*", "X", "v2", "0.0", "0", "1.2.3-beta", "2.0.0-rc.1", "0.1"]  # fmt: skip
CONSTRAINT = st.lists(st.sampled_from(CONSTRAINT_TOKENS), max_size=6).map("".join)


@SETTINGS
@given(v=VERSION, c=CONSTRAINT)
def test_semver(go: Any, v: str, c: str) -> None:
    compare(go, "{{ semverCompare .c .v }}", data(v=v, c=c))
    compare(
        go,
        "{{ $v := semver .v }}{{ $v }} {{ $v.Major }} {{ $v.Minor }} {{ $v.Patch }} {{ $v.Prerelease }} {{ $v.Metadata }}"
        " {{ $v.Original }} {{ $v.IncPatch }} {{ $v.IncMinor }} {{ $v.IncMajor }} {{ $v.Compare (semver \"1.2.3\") }}"
        " {{ $v.LessThan (semver \"1.2.3-a\") }} {{ $v.Equal $v }} {{ printf \"%v %T\" $v.IncMajor $v }}",
        data(v=v),
    )


def test_semver_cases(go: Any) -> None:
    cases = [
        '{{ semverCompare "^1.2.x" "1.9.0-rc" }} {{ semverCompare "1.2 - 1.4.5" "1.4.5" }} {{ semverCompare "!=1.x" "1.2.0" }}',
        '{{ semverCompare "1.|" "1.2.0" }}',
        '{{ semverCompare "" "1.2.0" }}',
        '{{ semverCompare ">=1.0.0-alpha, <1.0.0" "1.0.0-beta.2" }} {{ semverCompare "* || <1" "0.1.0" }}',
        '{{ (semver "1.2.3").major }}',
        '{{ (semver "v1.2.3-rc").IncPatch.Original }}',
        '{{ (semver "1.2.3").SetPrerelease "01" }}',
        '{{ (semver "1.2.3").SetMetadata "a.b" }} {{ (semver "v1.2.3").SetPrerelease "rc.1" }}',
        '{{ (semver "1.2.3").MarshalJSON }} {{ (semver "1.2.3").MarshalText }}',
        '{{ semver "1.2.3" | printf "%T" }}',
    ]
    compare_many(go, [(c, None) for c in cases])


# --- URLs, network -----------------------------------------------------------------------------------

URL_TOKENS = ["http", "https", "ftp", "x", ":", "//", "/", "?", "#", "@", "[", "]", "::1", "fe80::1%25eth0", "1.2.3.4", "%",
              "%41", "%zz", "%2", "%25", " ", "a", "b.c", ":80", ":x", "é", "+", "*", "user:pa ss", "..", ";", "=", "&",
              "\x7f", "'", "!", "%0a", "[::ffff:1.2.3.4]"]  # fmt: skip
URLISH = st.lists(st.sampled_from(URL_TOKENS), max_size=7).map("".join)
URL_KEYS = ["scheme", "host", "path", "query", "opaque", "fragment", "userinfo"]


@SETTINGS
@given(u=URLISH, parts=st.dictionaries(st.sampled_from(URL_KEYS), URLISH, max_size=7))
def test_url_parse_and_join(go: Any, u: str, parts: dict[str, str]) -> None:
    compare(go, "{{ urlParse .u }}", data(u=u))
    compare(go, "{{ urlJoin .d }}", data(d=("map[string]any", parts)))


def test_url_cases(go: Any) -> None:
    compare_many(
        go,
        [
            ("{{ urlJoin .d }}", data(d=("map[string]any", {"host": typed("int", 1)}))),
            ("{{ urlJoin .d }}", data(d=("map[string]any", {"host": None}))),
            ("{{ urlJoin .d }}", data(d=("map[string]any", {"path": typed("[]string", [])}))),
            ("{{ urlJoin .d }}", data(d=("map[string]any", {"userinfo": "a/b", "host": "h"}))),
            ("{{ urlJoin (urlParse .u) }}", data(u="https://u:p@h:1/p%2Fq?q#f g")),
            ("{{ getHostByName \"\" }}", None),
        ],
    )


def test_get_host_by_name_localhost() -> None:
    resp = render('{{ getHostByName "localhost" }}')
    assert resp["error"] is None and resp["output"] in ("127.0.0.1", "::1")


# --- dates -------------------------------------------------------------------------------------------

LAYOUT_TOKENS = ["2006", "06", "01", "1", "Jan", "January", "02", "2", "_2", "Mon", "Monday", "15", "03", "3", "04", "4",
                 "05", "5", "PM", "pm", "MST", "-0700", "-07:00", "-07", "Z0700", "Z07:00", "Z07", "-070000", "Z070000",
                 "-07:00:00", "Z07:00:00", ".000", ".999", ",000", ".9", ".000000000", "002", "__2", "_2006", " ", "-",
                 ":", "T", "x", "Janx", "Mone", "0", "7", "J", "é", ".", ","]  # fmt: skip
LAYOUTS = st.lists(st.sampled_from(LAYOUT_TOKENS), max_size=8).map("".join)
ZONES = st.sampled_from(["UTC", "Local", "", "America/New_York", "Asia/Kathmandu", "Europe/London", "Australia/Lord_Howe",
                         "Pacific/Chatham", "bogus", "../etc", "America", "EST5EDT", "Etc/GMT+5", "utc", "Asia/Tehran",
                         "zone.tab", "/etc/localtime"])  # fmt: skip
OFFSETS = st.sampled_from(["Z", "+05:30", "-08:00", "+00:00", "+14:00", "-00:30", "+01:00"])


@st.composite
def go_times(draw: Any) -> str:
    """An RFC 3339 time the oracle decodes as time.Time."""
    when = draw(st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)))
    nanos = draw(st.sampled_from([0, 500_000_000, 123_456_789, 1]))
    frac = f".{nanos:09d}" if nanos else ""
    w = when
    stamp = f"{w.year:04d}-{w.month:02d}-{w.day:02d}T{w.hour:02d}:{w.minute:02d}:{w.second:02d}"
    return stamp + frac + draw(OFFSETS)


UNIX = st.one_of(
    st.integers(-(2**34), 2**34).map(lambda i: ("int64", i)),
    st.integers(-(2**31), 2**31 - 1).map(lambda i: ("int32", i)),
    st.integers(-(2**34), 2**34).map(lambda i: ("int", i)),
)


@SETTINGS
@given(t=go_times(), u=UNIX, layout=LAYOUTS, zone=ZONES)
def test_date_formatting(go: Any, t: str, u: tuple[str, int], layout: str, zone: str) -> None:
    compare(
        go,
        "{{ date .l .t }}|{{ dateInZone .l .t .z }}|{{ date_in_zone .l .u .z }}|{{ date .l .u }}|{{ htmlDate .t }}"
        "|{{ htmlDateInZone .u .z }}|{{ unixEpoch .t }}|{{ .t }}",
        data(t=("time.Time", t), u=u, l=layout, z=zone),
    )


DURATION_TOKENS = ["-", "+", "1", "0", "12", ".5", ".", "h", "m", "s", "ms", "us", "µs", "ns", "x", "d", "99999999999",
                   "2562047", "9223372036854775807"]  # fmt: skip
DURATIONS = st.lists(st.sampled_from(DURATION_TOKENS), max_size=5).map("".join)


@SETTINGS
@given(t=go_times(), d=DURATIONS, n=st.integers(-(2**63), 2**63 - 1), s=st.sampled_from(["90", "-5", "x", "", "99999999999999999999", "-99999999999999999999", "1e3", " 1"]))
def test_durations_and_modify(go: Any, t: str, d: str, n: int, s: str) -> None:
    compare(
        go,
        "{{ dateModify .d .t }}|{{ date_modify .d .t }}|{{ durationRound .d }}|{{ durationRound .n }}|{{ duration .n }}"
        "|{{ duration .s }}|{{ duration 5 }}|{{ durationRound 5 }}",
        data(t=("time.Time", t), d=d, n=("int64", n), s=s),
    )
    compare(go, "{{ mustDateModify .d .t }}", data(t=("time.Time", t), d=d))


@SETTINGS
@given(t=go_times(), layout=LAYOUTS, mutation=st.sampled_from(["", "x", "0", " ", "é"]), where=st.integers(0, 40), junk=TEXT)
def test_to_date(go: Any, t: str, layout: str, mutation: str, where: int, junk: str) -> None:
    base = unix_time(0, 0, UTC)
    # A value in the layout (what Go's Format of some time gives), maybe damaged.
    resp = render("{{ date .l .t }}", data(l=layout, t=("time.Time", t)))
    value = resp["output"] if resp["error"] is None else format_time(base, layout)
    value = value[:where] + mutation + value[where + len(mutation) :]
    compare_many(
        go,
        [
            ("{{ toDate .l .v }}|{{ mustToDate .l .v }}", data(l=layout, v=value)),
            ("{{ toDate .l .v }}|{{ mustToDate .l .v }}", data(l=layout, v=junk)),
        ],
    )


def test_date_cases(go: Any) -> None:
    cases = [
        '{{ mustToDate "2006-01-02" "2020-13-01" }}',
        '{{ mustToDate "2006-002" "2020-366" }} {{ mustToDate "2006-002 Jan" "2020-060 Feb" }}',
        '{{ mustToDate "2006-002" "2021-366" }}',
        '{{ mustToDate "15:04:05" "10:11:12.1234" }} {{ mustToDate "MST" "GMT+3" }} {{ mustToDate "MST" "CEST" }}',
        '{{ mustToDate "2006 é" "2020 ê" }}',
        '{{ mustToDate "2006-01-02T15:04:05Z07:00" "2020-01-02T03:04:05.5+01:00" }}',
        '{{ mustToDate "Z0700" "+2500" }}',
        '{{ ago "x" }} {{ ago .u }} {{ durationRound .u }}',
        '{{ date "2006" .np }}',
        '{{ date "2006-01-02 15:04:05.000000000 MST" .p }}',
        '{{ mustDateModify "1.5" .u }}',
        '{{ dateModify "-1000000h" .u }}',
    ]
    d = data(u=("time.Time", "0001-01-01T00:00:00Z"), np=("*time.Time", None), p=("*time.Time", "2020-02-29T23:59:59.999999999-07:00"))
    compare_many(go, [(c, d) for c in cases])


def _go_time_seconds(text: str) -> float:
    """Unix seconds of Go's Time.String() output ("2006-01-02 15:04:05.999 -0700 MST")."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(\.\d+)? ([+-]\d{4}) \S+", text)
    assert m, text
    when = dt.datetime.strptime(m.group(1) + " " + m.group(3), "%Y-%m-%d %H:%M:%S %z")
    return when.timestamp() + float(m.group(2) or 0)


def test_now_properties(go: Any) -> None:
    template = '{{ now }}|{{ printf "%T" now }}|{{ now | unixEpoch }}|{{ now | date "2006-01-02" }}|{{ ago "x" }}|{{ now | htmlDate }}'
    before = time.time()
    mine = render(template)
    theirs = go_render(go, template)
    after = time.time()
    for resp in (mine, theirs):
        assert resp["error"] is None, resp
        stamp, type_name, epoch, day, ago, html = resp["output"].split("|")
        if resp is theirs:
            stamp = stamp.split(" m=")[0]  # Go prints the monotonic clock reading
        assert before - 2 <= _go_time_seconds(stamp) <= after + 2
        assert type_name == "time.Time"
        assert before - 2 <= int(epoch) <= after + 2
        assert day == html and re.fullmatch(r"\d{4}-\d\d-\d\d", day)
        assert ago == "0s"
    assert mine["output"].split("|")[3] == theirs["output"].split("|")[3] or before // 86400 != after // 86400


# --- signatures: wrong types, nil, empty ----------------------------------------------------------------

DETERMINISTIC = {
    "b64enc": 1, "b64dec": 1, "b32enc": 1, "b32dec": 1, "sha1sum": 1, "sha256sum": 1, "adler32sum": 1,
    "base": 1, "dir": 1, "clean": 1, "ext": 1, "isAbs": 1, "osBase": 1, "osDir": 1, "osClean": 1, "osExt": 1,
    "osIsAbs": 1, "env": 1, "expandenv": 1, "regexMatch": 2, "mustRegexMatch": 2, "regexFind": 2,
    "mustRegexFind": 2, "regexFindAll": 3, "mustRegexFindAll": 3, "regexSplit": 3, "mustRegexSplit": 3,
    "regexReplaceAll": 3, "mustRegexReplaceAll": 3, "regexReplaceAllLiteral": 3,
    "mustRegexReplaceAllLiteral": 3, "regexQuoteMeta": 1, "semver": 1, "semverCompare": 2, "urlParse": 1,
    "urlJoin": 1, "unixEpoch": 1, "dateModify": 2, "mustDateModify": 2, "toDate": 2, "mustToDate": 2,
    "duration": 1, "decryptAES": 2, "htpasswd": 2, "buildCustomCert": 2, "genCAWithKey": 3,
    "genSelfSignedCertWithKey": 5, "genSignedCertWithKey": 6, "genPrivateKey": 1, "randBytes": 1,
}  # fmt: skip


@settings(max_examples=hypothesis_examples(60), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(DETERMINISTIC)), args=st.lists(ANY_VALUE, min_size=6, max_size=6), extra=st.booleans())
def test_argument_types(go: Any, name: str, args: list[Any], extra: bool) -> None:
    arity = DETERMINISTIC[name] + (1 if extra else 0)
    values = {f"a{i}": a for i, a in enumerate(args[:arity])}
    template = "{{ %s %s }}" % (name, " ".join(f".a{i}" for i in range(arity)))
    if name in ("genPrivateKey", "randBytes", "htpasswd"):
        # Valid arguments make random output: compare the argument errors only.
        error = go_render(go, template, typed("map[string]any", values))["error"] or ""
        assume("wrong type" in error or "wrong number" in error or "invalid value" in error)
    compare(go, template, typed("map[string]any", values))


# --- crypto: deterministic ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def go_keys(go: Any) -> dict[str, str]:
    """Keys and a CA made by Go."""
    templates = {
        "ec": '{{ genPrivateKey "ecdsa" }}',
        "ed": '{{ genPrivateKey "ed25519" }}',
        "ca": "{{ $ca := genCA \"go-ca\" 30 }}{{ $ca.Cert }}|{{ $ca.Key }}",
        "ca2": "{{ $ca := genCA \"go-ca2\" 30 }}{{ $ca.Cert }}|{{ $ca.Key }}",
    }
    out = {k: go_render(go, t)["output"] for k, t in templates.items()}
    out["ca_cert"], out["ca_key"] = out.pop("ca").split("|")
    out["ca2_cert"], out["ca2_key"] = out.pop("ca2").split("|")
    out["dsa"] = dsa.generate_private_key(1024).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()
    return out


def b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


def test_crypto_error_paths(go: Any, go_keys: dict[str, str]) -> None:
    k = go_keys
    def lst(*xs: Any) -> tuple[str, list[Any]]:
        return ("[]any", list(xs))

    d = data(
        eck=k["ec"], edk=k["ed"], dsak=k["dsa"], cacert=k["ca_cert"], cakey=k["ca_key"], ca2key=k["ca2_key"],
        bc=b64(k["ca_cert"]), bk=b64(k["ca_key"]), bad="x!",
        bogus=b64("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        l1=lst(1), l2=lst("1.2.3"), l3=lst(3), l4=lst("é"), l5=lst("::1%eth0"), l6=lst(None), l7=lst("bad"),
    )  # fmt: skip
    cases = [
        "{{ buildCustomCert .bc .bk }}", "{{ buildCustomCert .bad .bk }}", "{{ buildCustomCert .bc .bad }}",
        "{{ buildCustomCert .bk .bk }}", "{{ buildCustomCert .bc .bc }}", "{{ buildCustomCert .bogus .bk }}",
        '{{ genCAWithKey "x" 1 .dsak }}', '{{ genCAWithKey "x" 1 "nope" }}', '{{ genCAWithKey "x" 1 .cacert }}',
        '{{ genSelfSignedCertWithKey "x" .l1 nil 1 .eck }}', '{{ genSelfSignedCertWithKey "x" .l2 nil 1 .eck }}',
        '{{ genSelfSignedCertWithKey "x" nil .l3 1 .eck }}', '{{ genSelfSignedCertWithKey "x" nil .l4 1 .eck }}',
        '{{ genSelfSignedCert "x" .l5 nil 1 }}', '{{ genSelfSignedCert "x" .l6 nil 1 }}',
        '{{ $c := buildCustomCert .bc .bk }}{{ genSignedCertWithKey "x" nil nil 1 $c .dsak }}',
        '{{ $c := buildCustomCert .bc (b64enc .ca2key) }}{{ genSignedCertWithKey "x" nil nil 1 $c .eck }}',
        '{{ $c := buildCustomCert .bc .bk }}{{ genSignedCertWithKey "x" .l7 nil 1 $c .eck }}',
        '{{ $c := buildCustomCert .bc .bk }}{{ genSignedCertWithKey "x" nil nil 1 $c "junk" }}',
        '{{ genSignedCert "x" nil nil 1 .cacert }}',
        '{{ htpasswd "a:b" "x" }}', "{{ randBytes 0 }}", "{{ randBytes -1 }}", '{{ genPrivateKey "foo" }}',
        '{{ decryptAES "pw" "" }}|{{ encryptAES "pw" "" }}',
    ]  # fmt: skip
    compare_many(go, [(c, d) for c in cases])


B64_BLOCKS = st.lists(st.sampled_from(["AAAA", "AAAAAAAAAAAAAAAAAAAAAA==", "AAAAAAAAAAAAAAAAAAAAAAAA", "\n", "=", "A", "abc", "////"]), max_size=6).map("".join)


@SETTINGS
@given(password=LONG_TEXT, plaintext=LONG_TEXT, junk=B64_BLOCKS)
def test_decrypt_aes_go_ciphertext(go: Any, password: str, plaintext: str, junk: str) -> None:
    """Go encrypts; Go's and our decryptAES agree on its ciphertext and on junk."""
    enc = go_render(go, "{{ encryptAES .p .s }}", data(p=password, s=plaintext))
    assert enc["error"] is None
    compare(go, "{{ decryptAES .p .c }}", data(p=password, c=enc["output"]))
    compare(go, "{{ decryptAES .p .c }}", data(p=password, c=junk))
    assert render("{{ decryptAES .p .c }}", data(p=password, c=enc["output"]))["output"] == plaintext


@SETTINGS
@given(password=LONG_TEXT, plaintext=LONG_TEXT)
def test_encrypt_aes_go_decrypts(go: Any, password: str, plaintext: str) -> None:
    enc = render("{{ encryptAES .p .s }}", data(p=password, s=plaintext))
    assert enc["error"] is None
    if plaintext:
        raw = base64.b64decode(enc["output"])
        assert len(raw) % 16 == 0 and len(raw) >= 32
    back = go_render(go, "{{ decryptAES .p .c }}", data(p=password, c=enc["output"]))
    assert (back["output"], back["error"]) == (plaintext, None)


@settings(max_examples=FEW, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    counter=st.integers(0, 2**32 - 1),
    kind=st.sampled_from(["maximum", "long", "medium", "short", "basic", "pin", "nope"]),
    password=TEXT,
    user=TEXT,
    site=TEXT,
)
def test_derive_password(go: Any, counter: int, kind: str, password: str, user: str, site: str) -> None:
    compare(go, "{{ derivePassword .c .k .p .u .s }}", data(c=("uint32", counter), k=kind, p=password, u=user, s=site))


# --- crypto and randomness: properties --------------------------------------------------------------


def test_uuid_and_rand_bytes() -> None:
    out = render("{{ uuidv4 }} {{ uuidv4 }} {{ randBytes 24 }} {{ randBytes 1 }}")
    assert out["error"] is None
    a, b, r24, r1 = out["output"].split(" ")
    pattern = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    assert re.fullmatch(pattern, a) and re.fullmatch(pattern, b) and a != b
    assert len(base64.b64decode(r24, validate=True)) == 24 and len(base64.b64decode(r1, validate=True)) == 1


@settings(max_examples=3, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(password=TEXT, user=TEXT.filter(lambda u: ":" not in u))
def test_bcrypt_and_htpasswd(password: str, user: str) -> None:
    out = render("{{ bcrypt .p }}|{{ htpasswd .u .p }}", data(p=password, u=user))
    assert out["error"] is None
    hashed, line = out["output"].split("|", 1)
    assert re.fullmatch(r"\$2a\$10\$[./A-Za-z0-9]{53}", hashed)
    assert bcrypt_verify(password.encode(), hashed) and not bcrypt_verify(password.encode() + b"x", hashed)
    name, _, hashed2 = line.rpartition(":")
    assert name == user and hashed2 != hashed and bcrypt_verify(password.encode(), hashed2)


def test_gen_private_key() -> None:
    out = render('{{ genPrivateKey "rsa" }}|{{ genPrivateKey "" }}|{{ genPrivateKey "ecdsa" }}|{{ genPrivateKey "ed25519" }}|{{ genPrivateKey "dsa" }}')
    assert out["error"] is None
    pems = out["output"].split("|")
    headers = ["RSA PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY", "DSA PRIVATE KEY"]
    keys = []
    for pem, header in zip(pems, headers):
        assert pem.startswith(f"-----BEGIN {header}-----\n") and pem.endswith(f"-----END {header}-----\n")
        keys.append(serialization.load_pem_private_key(pem.encode(), password=None))
    assert isinstance(keys[0], rsa.RSAPrivateKey) and keys[0].key_size == 4096
    assert isinstance(keys[2], ec.EllipticCurvePrivateKey) and keys[2].curve.name == "secp256r1"
    assert isinstance(keys[3], ed25519.Ed25519PrivateKey)
    assert isinstance(keys[4], dsa.DSAPrivateKey) and keys[4].key_size == 2048
    assert keys[4].parameters().parameter_numbers().q.bit_length() == 256


def _cert(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


def _check_cert(cert: x509.Certificate, cn: str, days: int, is_ca: bool, dns: list[str], ips: list[str]) -> None:
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == cn
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert lifetime == dt.timedelta(days=days)
    assert abs(cert.not_valid_before_utc.timestamp() - time.time()) < 60
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is is_ca
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.key_encipherment
    assert usage.value.key_cert_sign is is_ca
    ext = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(ext) == [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    if dns or ips:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert san.get_values_for_type(x509.DNSName) == dns
        assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == ips
    assert 0 < cert.serial_number < 2**128


def _split_cert(output: str) -> tuple[str, str]:
    cert, key = output.split("|||")
    return cert, key


def test_generated_certificates(go: Any, go_keys: dict[str, str]) -> None:
    d = data(
        ips=("[]any", ["10.0.0.1", "::1", "::ffff:1.2.3.4"]),
        dns=("[]any", ["a.example", "b"]),
        eck=go_keys["ec"],
        edk=go_keys["ed"],
    )
    template = (
        '{{ $ca := genCA "my-ca" 3 }}{{ $ca.Cert }}|||{{ $ca.Key }}'
        '@@{{ $s := genSelfSignedCert "self" .ips .dns 7 }}{{ $s.Cert }}|||{{ $s.Key }}'
        '@@{{ $l := genSignedCert "leaf" .ips .dns 2 $ca }}{{ $l.Cert }}|||{{ $l.Key }}'
        '@@{{ $e := genCAWithKey "ec-ca" 1 .eck }}{{ $e.Cert }}|||{{ $e.Key }}'
        '@@{{ $x := genSignedCertWithKey "ed-leaf" nil .dns 1 $e .edk }}{{ $x.Cert }}|||{{ $x.Key }}'
        '@@{{ $y := genSelfSignedCertWithKey "" .ips nil 1 .edk }}{{ $y.Cert }}|||{{ $y.Key }}'
    )
    out = render(template, d)
    assert out["error"] is None, out
    (ca_c, ca_k), (s_c, s_k), (l_c, l_k), (e_c, e_k), (x_c, x_k), (y_c, y_k) = [_split_cert(p) for p in out["output"].split("@@")]
    ca, self_signed, leaf, ec_ca, ed_leaf, no_cn = map(_cert, (ca_c, s_c, l_c, e_c, x_c, y_c))
    ips = ["10.0.0.1", "::1", "1.2.3.4"]
    _check_cert(ca, "my-ca", 3, True, [], [])
    _check_cert(self_signed, "self", 7, False, ["a.example", "b"], ips)
    _check_cert(leaf, "leaf", 2, False, ["a.example", "b"], ips)
    _check_cert(ec_ca, "ec-ca", 1, True, [], [])
    _check_cert(ed_leaf, "ed-leaf", 1, False, ["a.example", "b"], [])
    assert list(no_cn.subject) == [] and no_cn.extensions.get_extension_for_class(x509.SubjectAlternativeName).critical
    for cert, issuer in ((ca, ca), (self_signed, self_signed), (leaf, ca), (ec_ca, ec_ca), (ed_leaf, ec_ca), (no_cn, no_cn)):
        cert.verify_directly_issued_by(issuer)
    ski = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    assert len(ski) == 20
    assert leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier == ski
    # Keys: a new RSA 2048 key unless one was given (then the same key, re-encoded as sprig does).
    for key_pem in (ca_k, s_k, l_k):
        key = serialization.load_pem_private_key(key_pem.encode(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048 and key_pem.startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert e_k == go_keys["ec"] and x_k == go_keys["ed"] and y_k == go_keys["ed"]
    assert leaf.public_key() == serialization.load_pem_private_key(l_k.encode(), password=None).public_key()

    # Go accepts what we made: it rebuilds our CA and signs with its key, and our leaf verifies.
    gd = data(c=b64(ca_c), k=b64(ca_k), lc=b64(l_c), lk=b64(l_k))
    resp = go_render(go, '{{ $ca := buildCustomCert .c .k }}{{ $ca.Cert | len }}|{{ (buildCustomCert .lc .lk).Key | len }}|{{ (genSignedCert "go-leaf" nil nil 1 $ca).Cert }}', gd)
    assert resp["error"] is None, resp
    ca_len, key_len, go_leaf = resp["output"].split("|", 2)
    assert int(ca_len) == len(ca_c) and int(key_len) == len(l_k)
    _cert(go_leaf).verify_directly_issued_by(ca)

    # And we accept what Go made.
    mine = render('{{ $ca := buildCustomCert .c .k }}{{ (genSignedCert "our-leaf" nil nil 1 $ca).Cert }}', data(c=b64(go_keys["ca_cert"]), k=b64(go_keys["ca_key"])))
    assert mine["error"] is None, mine
    _cert(mine["output"]).verify_directly_issued_by(_cert(go_keys["ca_cert"]))
