"""Hand-picked execution requests (inputs only; Go's answers come from the oracle,
live or recorded by tests/record_goldens.py), plus the oracle's own smoke cases
read from ../shared/oracle/test.sh."""

from __future__ import annotations

import re

from oracle import shared_dir


def tv(t: str, v: object) -> dict:
    return {"t": t, "v": v}


NIL_A = tv("map[string]any", {"A": None})
T1 = tv("oracle.T", {"S": "x", "N": 1})
PT1 = tv("*oracle.T", {"S": "x", "N": 1})

# (template, data[, extra request fields])
CASES: list[tuple] = [
    ("plain", None),
    ("{{.}}", None),
    ("{{.}}", "text"),
    ("{{.}}", 1.5),
    ("{{.}}", tv("int", 42)),
    ("{{.}}", tv("int8", -8)),
    ("{{.}}", tv("uint64", "18446744073709551615")),
    ("{{.}}", tv("float32", 0.1)),
    ("{{.}}", tv("complex128", [1, -2])),
    ("{{.}}", tv("[]int", [1, 2, 3])),
    ("{{.}}", tv("[]int", None)),
    ("{{.}}", tv("[3]string", ["a", "b", "c"])),
    ("{{.}}", tv("map[string]int", {"b": 2, "a": 1})),
    ("{{.}}", tv("map[int]string", [[10, "x"], [-1, "y"]])),
    ("{{.}}", tv("map[float64]int", [[2.5, 1], [-1, 2]])),
    ("{{.}}", tv("map[bool]int", [[True, 1], [False, 2]])),
    ("{{.}}", tv("*int", 5)),
    ("{{.}}", tv("*int", None)),
    ("{{.}}", tv("struct{A int; B string}", {"A": 1, "B": "x"})),
    ("{{.}}", tv("*struct{A int; B string}", {"A": 1, "B": "x"})),
    ("{{.}}", tv("error", "boom")),
    ("{{.}}", tv("time.Duration", "1h30m")),
    ("{{.}}", tv("time.Duration", 1500)),
    ("{{.}}", T1),
    ("{{.}}", PT1),
    ("{{.}}", tv("oracle.Stringer", {"S": "s"})),
    ("{{.}}", [1, "a", True, None, {"k": [1.5]}]),
    ("{{.}}", {"a": 1000000, "b": 1e21, "c": 0.000001, "d": 123456789}),
    ("{{.A.B}}", NIL_A),
    ("{{.A}}", NIL_A),
    ("{{.missing}}", {}),
    ("{{.missing}}", {}, {"options": ["missingkey=error"]}),
    ("{{.missing}}", {}, {"options": ["missingkey=zero"]}),
    ("{{.missing}}", tv("map[string]int", {}), {"options": ["missingkey=zero"]}),
    ("{{.x}}", None, {"options": ["missingkey=error"]}),
    ("{{index . \"k\"}}|{{index . \"no\"}}", tv("map[string]string", {"k": "v"})),
    ("{{index . \"k\"}}|{{index . \"no\"}}", {"k": "v"}),
    ("{{index . 1 0}}", tv("[][]int", [[1], [2]])),
    ("{{index . 5}}", [1]),
    ("{{index . 1}}", "ab"),
    # A huge unsigned index wraps negative in Go's message.
    ("{{index .L .I}}", tv("struct{L []int; I uint}", {"L": [1], "I": "18446744073709551615"})),
    # An uncomparable key into a map with interface keys: Go checks it even
    # when the map is empty, with another message than a real lookup's.
    ("{{index .M .K}}", tv("struct{M map[any]int; K any}", {"M": None, "K": tv("[]int", [1])})),
    ("{{index .M .K}}", tv("struct{M map[any]int; K any}", {"M": [[1, 2]], "K": tv("map[int]int", [])})),
    ("{{index . .}}", tv("map[any]string", [])),
    # After a short-circuit and/or, an error names the operand evaluated last.
    ("{{.Add (or 0 . .)}}", T1, {"name": "t"}),
    ("{{.Add (and 1 .S .)}}", T1),
    ("{{.Add (\"\" | or 0)}}", T1),
    # An array behind a pointer is addressable, so slice accepts it.
    ("{{slice .A 1 2}}", tv("struct{A *[3]int}", {"A": [1, 2, 3]})),
    ("{{slice .A 1 2}}", tv("struct{A [3]int}", {"A": [1, 2, 3]})),
    ("{{slice .A 1 2}}", tv("struct{A any}", {"A": tv("*[3]int", [1, 2, 3])})),
    # Invalid UTF-8 inside an error message reaches JSON as U+FFFD.
    ("{{eq . .}}", tv("[]uint8", [0, 128, 0])),
    ("{{index .}}", 3),
    ("{{index . true}}", tv("map[bool]int", [[True, 1]])),
    ("{{index . 1}}", tv("map[int8]string", [[1, "one"]])),
    ("{{slice . 1 2}}|{{slice . 1}}|{{slice .}}", tv("[]int", [1, 2, 3])),
    ("{{slice . 1 2}}", "héllo"),
    ("{{slice . 1 2 3}}", "abc"),
    ("{{slice . 2 1}}", [1, 2, 3]),
    ("{{slice . 0 1 2}}", tv("[]int", [1, 2, 3])),
    ("{{len .}}", "héllo"),
    ("{{len .}}", 3),
    ("{{len .}}", tv("[4]int", [1, 2, 3, 4])),
    ("{{and 1 0 2}}|{{and 1 2}}|{{or 0 \"\" 3}}|{{or 0 \"\"}}|{{not 0}}|{{not .}}", [1]),
    ("{{and .A .A.B}}", NIL_A),
    ("{{or 1 .A.B}}", NIL_A),
    ("{{and}}", None),
    ("{{eq 1 1}}|{{eq 1 2 1}}|{{eq \"a\" \"a\"}}|{{ne 1 2}}|{{lt 1 2}}|{{le 2 2}}|{{gt 1.5 1.0}}|{{ge \"b\" \"a\"}}", None),
    ("{{eq . 1}}", tv("uint8", 1)),
    ("{{eq . 1}}", tv("int8", 1)),
    ("{{eq . 1.0}}", 1.0),
    ("{{eq . 1}}", 1.0),
    ("{{lt . 1}}", tv("uint", 1)),
    ("{{lt . -1}}", tv("uint", 1)),
    ("{{lt true false}}", None),
    ("{{eq .A .B}}", tv("struct{A []int; B []int}", {"A": [1], "B": [1]})),
    ("{{eq .A .B}}", tv("struct{A *int; B *int}", {"A": None, "B": None})),
    ("{{eq . nil}}", None),
    ("{{eq}}", None),
    ("{{eq 1}}", None),
    ("{{print 1 2 \"a\" \"b\" 3 nil .}}", None),
    ("{{println 1 \"a\"}}", None),
    ("{{printf \"%v %d %s %q %x %5.2f %-4s| %+v %#v %T %%\" . . . . . . . . . . .}}", tv("int", 7)),
    ("{{printf \"%s %v %d\" .}}", "x"),
    ("{{printf \"%[2]d %[1]d\" 1 2}}", None),
    ("{{printf \"%*d|%.*f\" 5 1 2 3.14159}}", None),
    ("{{printf \"%d\" 1 2}}", None),
    ("{{printf \"%!\"}}", None),
    ("{{printf \"%e %g %f\" 1e21 1e-7 123456.789}}", None),
    ("{{printf \"%x % x %X\" . . .}}", "héllo"),
    ("{{printf \"%q %+q %#q\" . . .}}", "日本\n"),
    ("{{printf \"%c %U %#U\" 9731 9731 9731}}", None),
    ("{{printf \"%t %v\" true false}}", None),
    ("{{printf \"%v|%+v|%#v\" . . .}}", T1),
    ("{{printf \"%v|%s\" . .}}", tv("error", "bad")),
    ("{{printf \"%T\" 1}}|{{printf \"%T\" 1.0}}|{{printf \"%T\" 'a'}}|{{printf \"%T\" 1i}}|{{printf \"%T\" 0x10}}|{{printf \"%T\" 1e3}}", None),
    ("{{html .}}|{{js .}}|{{urlquery .}}", "<a href=\"x\">'&'</a> é=\u2028"),
    ("{{html 1 \"<\" nil}}|{{js nil}}|{{urlquery \"a b\" \"&\"}}", None),
    ("{{if .}}y{{else}}n{{end}}", 0),
    ("{{if .}}y{{else}}n{{end}}", tv("struct{}", {})),
    ("{{if .}}y{{else}}n{{end}}", tv("[0]int", [])),
    ("{{if .}}y{{else}}n{{end}}", tv("*int", None)),
    ("{{if .}}y{{else}}n{{end}}", tv("float64", "NaN")),
    ("{{if .}}y{{else}}n{{end}}", tv("complex64", [0, 0])),
    ("{{if .A}}a{{else if .B}}b{{else}}c{{end}}", {"A": False, "B": "x"}),
    ("{{with .A}}{{.}}{{else with .B}}[{{.}}]{{else}}none{{end}}", {"A": "", "B": 0}),
    ("{{with $x := .}}{{$x}}{{end}}", "v"),
    ("{{range .}}{{.}},{{end}}", [1, 2]),
    ("{{range $i, $e := .}}{{$i}}={{$e}};{{end}}", tv("map[string]int", {"b": 2, "a": 1})),
    ("{{range $i, $e := .}}{{$i}}={{$e}};{{else}}empty{{end}}", []),
    ("{{range $e := .}}{{$e}}{{else}}[{{$e}}]{{end}}", tv("[]int", [])),
    ("{{range 3}}{{.}}{{end}}", None),
    ("{{range $i := 3}}{{$i}}{{end}}", None),
    ("{{range $i, $j := 3}}{{end}}", None),
    ("{{range .}}{{.}}{{end}}", tv("int8", 3)),
    ("{{range .}}{{.}}{{end}}", "abc"),
    ("{{range .}}{{.}}{{end}}", 1.5),
    ("{{range .}}{{.}}{{end}}", tv("*[]int", [1, 2])),
    ("{{range .}}{{.}}{{end}}", tv("*int", None)),
    ("{{range .}}{{if eq . 2}}{{break}}{{end}}{{.}}{{end}}", [1, 2, 3]),
    ("{{range .}}{{if eq . 2}}{{continue}}{{end}}{{.}}{{end}}", [1, 2, 3]),
    ("{{$x := 0}}{{range .}}{{$x = .}}{{end}}{{$x}}", [1, 2, 3]),
    ("{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}", None),
    ("{{range $i, $v = .}}{{end}}", [1]),
    ("{{$i := 0}}{{$v := 0}}{{range $i, $v = .}}{{end}}{{$i}}{{$v}}", ["a", "b"]),
    ('{{define "t1"}}[{{.}}]{{end}}{{template "t1" .}}{{template "t1"}}{{template "t1" 5}}', "d"),
    ('{{template "nope"}}', None),
    ('{{block "b" .}}<{{.}}>{{end}}', "x"),
    ('{{define "r"}}{{if .}}{{len .}}{{template "r" (slice . 1)}}{{end}}{{end}}{{template "r" .}}', [1, 2, 3]),
    ("{{$}}|{{$.A}}", {"A": 1}),
    ("{{.Str}}|{{.Add 2}}|{{.Sum 1 2 3}}|{{.Sum}}|{{.Next.N}}|{{.Next.Next.S}}", T1),
    ("{{.PStr}}", T1),
    ("{{.PStr}}", PT1),
    ("{{.Fail}}", T1),
    ("{{.Add}}", T1),
    ("{{.Add \"x\"}}", T1),
    ("{{.S 1}}", T1),
    ("{{.Nope}}", T1),
    ("{{.a 1}}", {"a": 1}),
    ("{{1 | .a}}", {"a": 1}),
    ("{{echo 1}}|{{add 1 2}}|{{vjoin \",\" \"a\" \"b\"}}|{{typeOf .}}|{{tlist 1 \"a\"}}|{{zero}}|{{nilPtr}}", 1.5, {"funcs": ["test"]}),
    ("{{mkT \"a\" 1}}|{{mkPT \"b\" 2}}|{{(mkT \"c\" 3).Str}}|{{(mkPT \"d\" 4).PStr}}", None, {"funcs": ["test"]}),
    ("{{fail}}", None, {"funcs": ["test"]}),
    ("{{failWith \"custom\"}}", None, {"funcs": ["test"]}),
    ("{{boom \"oops\"}}", None, {"funcs": ["test"]}),
    ("{{errVal \"e\"}}", None, {"funcs": ["test"]}),
    ("{{add 1.5 2}}", None, {"funcs": ["test"]}),
    ("{{add 1}}", None, {"funcs": ["test"]}),
    ("{{add . 2}}", 1.5, {"funcs": ["test"]}),
    ("{{add . 2}}", tv("int", 1), {"funcs": ["test"]}),
    ("{{add \"1\" 2}}", None, {"funcs": ["test"]}),
    ("{{add nil 2}}", None, {"funcs": ["test"]}),
    ("{{1 | add 2}}", None, {"funcs": ["test"]}),
    ("{{echo .missing}}|{{echo nil}}", {}, {"funcs": ["test"]}),
    ("{{call .F 1}}", None),
    ("{{call 1}}", None),
    ("{{call echo 1}}", None, {"funcs": ["test"]}),
    ("{{. 1}}", None),
    ("{{\"s\" 1}}", None),
    ("{{nil}}", None),
    ("{{1 | 2}}", None),
    ("{{(1).X}}", None),
    ("{{(.).X}}", {"X": 5}),
    ("{{9223372036854775808}}", None),
    ("{{0x10}}|{{1e3}}|{{'a'}}|{{1.0}}|{{-0}}|{{2i}}|{{0x1p3}}", None),
    ("{{$x := 1}}{{$x}}{{$x = 2}}{{$x}}", None),
    ("{{.A.B.C}}", {"A": {"B": {"C": "deep"}}}),
    ("{{.A.B.C}}", {"A": {"B": 1}}),
    ("{{.A.B}}", tv("struct{A *struct{B int}}", {"A": None})),
    ("{{.A.C}}", tv("struct{A *struct{B int}}", {"A": None})),
    ("{{.a}}", tv("struct{A int}", {"A": 1})),
    ("{{.}}", tv("map[string]*int", {"k": None})),
    ("{{range .}}{{.}}{{end}}", tv("[]any", [None, 1])),
    ("before {{.A}} mid {{.B.C}}", tv("*struct{A int; B *struct{C int}}", {"A": 1, "B": None})),
    ("{{- . -}} x {{- . -}}", "a"),
    # time.Time's String: years padded to four digits (year 1 too), year 0; +00:00
    # is the oracle's (UTC) local zone; the zero Time inside structs.
    ("{{.}}|{{printf \"%v\" .}}", tv("time.Time", "0001-01-01T00:00:00Z")),
    ("{{.}}", tv("time.Time", "0000-02-29T23:59:59.000000001-00:30")),
    ("{{.}}", tv("time.Time", "0042-01-02T03:04:05+00:00")),
    ("{{.}}|{{.T}}|{{.P}}", tv("struct{T time.Time; P *time.Time}", {})),
    # Pointer methods need an addressable value: slice elements, elements of an
    # addressable array and what pointers point at are; map values, elements of
    # an array copy and interface contents are not.
    ("{{range .}}{{.PStr}}{{end}}|{{(index . 0).PStr}}", tv("[]oracle.T", [{"S": "a"}])),
    ("{{range $k, $v := .}}{{$v.PStr}}{{end}}", tv("map[string]oracle.T", {"k": {"S": "m"}})),
    ("{{(index .A 0).PStr}}", tv("*struct{A [1]oracle.T}", {"A": [{"S": "x"}]})),
    ("{{(index .A 0).PStr}}", tv("struct{A [1]oracle.T}", {"A": [{"S": "x"}]})),
    ("{{.I.PStr}}", tv("*struct{I any}", {"I": tv("oracle.T", {"S": "i"})})),
    ("{{with .T}}{{.PStr}}{{end}}|{{$t := .T}}{{$t.PStr}}", tv("*struct{T oracle.T}", {"T": {"S": "w"}})),
    ("{{.T.PStr}}", tv("struct{T oracle.T}", {"T": {"S": "v"}})),
]


def all_requests() -> list[dict]:
    """Every hand-picked case as an exec request, then the oracle's smoke cases."""
    out = []
    for case in CASES:
        req: dict = {"template": case[0], "data": case[1]}
        if len(case) > 2:
            req.update(case[2])
        out.append(req)
    return out + oracle_smoke_requests()


def oracle_smoke_requests() -> list[dict]:
    """The requests of the oracle's smoke test (../shared/oracle/test.sh), without its
    expected answers: the live oracle supplies those."""
    shared = shared_dir()
    if shared is None:
        return []
    path = shared / "oracle" / "test.sh"
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    found = re.search(r"^CASES = (\[.*?^\])$", text, re.S | re.M)
    if found is None:
        return []
    cases = eval(found.group(1), {"tv": tv, "OK": None, "__builtins__": {}})  # noqa: S307 - trusted file, no builtins
    reqs = []
    for case in cases:
        req = case[0]
        funcs = req.get("funcs") or []
        if req.get("mode", "exec") == "exec" and not any(f == "sprig" or f.startswith("istio") for f in funcs):
            reqs.append(req)
    return reqs
