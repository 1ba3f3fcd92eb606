"""Embedded struct fields, promotion, printing addressable values, and the
Kubernetes types that need them.

Go's truth for the generic part comes from GO_PROGRAM below (the oracle cannot
build embedded structs or types with pointer-receiver String methods): its
answers, from Go 1.27.3, are recorded in GO_ANSWERS, every case is rendered by
gotmpl with Python twins of the Go types and compared, and
test_go_answers_are_current re-runs the program when a Go toolchain is at hand
(``go run`` of a single file, standard library only, offline).
It covers reflect's FieldByName (promotion by depth, ambiguity, shadowing, a nil
embedded pointer on the way), method sets with promoted methods (value or
pointer receivers, embedded values or pointers, addressable or not), fmt of
structs with embedded fields, text/template's printableValue (an addressable T
whose *T has String/Error prints through it) and time.Time's year format.

The Kubernetes part checks injector/gojson's types: promoted fields through
ProbeHandler, ObjectMeta and TypeMeta, metav1.Time's promoted String, and the
String() methods of generated.pb.go (../shared/gotypes generatedStringFormats),
with expectations written from those formats.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import pathlib
import shutil
import subprocess
from typing import Annotated, Any, Callable, Optional

import pytest

from gotmpl import Template
from gotmpl import values as V
from gotmpl.gotime import DURATION, GoTime

E = V.EMBEDDED

GO_PROGRAM = r'''
// Go truth for tests/test_embedded.py: embedded fields, promotion, printing of
// addressable values, time.Time years. Prints one JSON object per case.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/template"
	"time"
)

type Inner struct {
	X    int
	Name string
}

func (i Inner) Hello() string   { return "hello " + i.Name }
func (i *Inner) PHello() string { return "phello " + i.Name }

type Outer struct {
	Inner
	Y int
}

type OuterP struct {
	*Inner
	Y int
}

type Deep struct{ Outer }

type A struct{ Dup int }
type B struct{ Dup int }
type Amb struct {
	A
	B
	Z int
}

type MA struct{}

func (MA) M() string { return "MA.M" }

type FB struct{ M string }
type MixAmb struct {
	MA
	FB
}

type Shadow struct {
	Inner
	Name string
}

type VStringer struct{ S string }

func (v VStringer) String() string { return "[" + v.S + "]" }

type PStringer struct{ S string }

func (p *PStringer) String() string { return "<" + p.S + ">" }

type PErr struct{ S string }

func (p *PErr) Error() string { return "err:" + p.S }

type Named int

func (n *Named) String() string { return fmt.Sprintf("named(%d)", int(*n)) }

type WithStr struct {
	VStringer
	Q int
}
type WithPStr struct {
	PStringer
	Q int
}
type WithPStrP struct {
	*PStringer
	Q int
}

type Holder struct {
	P   PStringer
	PP  *PStringer
	E   PErr
	N   Named
	Ns  []Named
	Arr [2]PStringer
	Sl  []PStringer
	M   map[string]PStringer
	W   WithPStr
	WP  WithPStrP
	I   any
	WS  WithStr
}

func holder() Holder {
	return Holder{P: PStringer{"a"}, PP: &PStringer{"b"}, E: PErr{"e"}, N: 3, Ns: []Named{4},
		Arr: [2]PStringer{{"x"}, {"y"}}, Sl: []PStringer{{"s1"}}, M: map[string]PStringer{"k": {"m"}},
		W: WithPStr{PStringer{"w"}, 1}, WP: WithPStrP{&PStringer{"wp"}, 2}, I: PStringer{"i"}, WS: WithStr{VStringer{"ws"}, 3}}
}

const holderTemplate = `{{.P}}|{{.PP}}|{{.E}}|{{.N}}|{{.Arr}}|{{index .Arr 0}}|{{.Sl}}|{{index .Sl 0}}|{{range .Sl}}{{.}}{{end}}|{{range $i, $e := .Sl}}{{$e}}{{end}}|{{range .Ns}}{{.}}{{end}}|{{.M}}|{{index .M "k"}}|{{.M.k}}|{{range .M}}{{.}}{{end}}|{{.W}}|{{.WP}}|{{.I}}|{{.WS}}|{{printf "%v" .P}}|{{with .P}}{{.}}{{end}}|{{$x := .P}}{{$x}}|{{.P.S}}|{{.P | print}}|{{(.P)}}`

type result struct {
	Name   string  `json:"name"`
	Output string  `json:"output"`
	Error  *string `json:"error"`
}

func run(name, text string, data any) {
	r := result{Name: name}
	t, err := template.New("t").Parse(text)
	if err == nil {
		var b strings.Builder
		err = t.Execute(&b, data)
		r.Output = b.String()
	}
	if err != nil {
		s := err.Error()
		r.Error = &s
	}
	line, _ := json.Marshal(r)
	os.Stdout.Write(append(line, '\n'))
}

func marshal(name string, v any) {
	b, err := json.Marshal(v)
	r := result{Name: name, Output: string(b)}
	if err != nil {
		s := err.Error()
		r.Error = &s
	}
	line, _ := json.Marshal(r)
	os.Stdout.Write(append(line, '\n'))
}

const typeProbe = `{{printf "%T|%v|%+v|%#v" . . . .}}`

func main() {
	o := Outer{Inner{1, "in"}, 2}
	run("fmt_outer", typeProbe, o)
	run("fmt_outerp_nil", `{{printf "%T|%v|%+v|%#v" . . . .}}`, OuterP{nil, 3})
	run("fmt_literal", typeProbe, struct {
		Inner
		X string
	}{Inner{5, "n"}, "x"})
	run("fmt_literal_ptr_duration", typeProbe, struct {
		*Inner
		time.Duration
	}{nil, 5})
	run("promoted", "{{.X}} {{.Name}} {{.Y}} {{.Inner.X}} {{.Hello}}", o)
	run("promoted_ptr_method_value", "{{.PHello}}", o)
	run("promoted_ptr_method_pointer", "{{.PHello}}", &o)
	run("promoted_through_embedded_pointer", "{{.X}} {{.PHello}} {{.Hello}}", OuterP{&Inner{1, "in"}, 2})
	run("nil_embedded_field", "{{.X}}", OuterP{nil, 3})
	run("nil_embedded_field_pointer", "{{.X}}", &OuterP{nil, 3})
	run("nil_embedded_method", "{{.Hello}}", OuterP{nil, 3})
	run("nil_embedded_ptr_method", "{{.PHello}}", OuterP{nil, 3})
	run("nil_embedded_other_fields", "{{.Y}} {{.Inner}}", OuterP{nil, 3})
	run("ambiguous_other", "{{.Z}} {{.A.Dup}}", Amb{})
	run("ambiguous_field", "{{.Dup}}", Amb{})
	run("method_and_field_same_depth", "{{.M}}", MixAmb{FB: FB{"field"}})
	run("shadowed", "{{.Name}} {{.Inner.Name}} {{.X}}", Shadow{Inner{1, "in"}, "out"})
	run("deep", "{{.X}} {{.Hello}} {{.Y}}", Deep{o})
	run("deep_ptr_method_value", "{{.PHello}}", Deep{o})
	run("deep_ptr_method_pointer", "{{.PHello}}", &Deep{o})
	run("promoted_string", `{{.}} {{.String}} {{printf "%v %+v" . .}}`, WithStr{VStringer{"v"}, 1})
	run("promoted_ptr_string_value", "{{.}}", WithPStr{PStringer{"p"}, 1})
	run("promoted_ptr_string_pointer", "{{.}}", &WithPStr{PStringer{"p"}, 1})
	run("promoted_string_embedded_pointer", "{{.}}", WithPStrP{&PStringer{"p"}, 1})
	run("promoted_string_nil_embedded_pointer", "{{.}}", WithPStrP{nil, 1})
	run("nil_outer_promoted_method", "{{.Hello}}", (*Outer)(nil))
	run("nil_outer_promoted_field", "{{.X}}", (*Outer)(nil))
	run("nil_outer_no_field", "{{.Nope}}", (*Outer)(nil))
	run("holder_value", holderTemplate, holder())
	h := holder()
	run("holder_pointer", holderTemplate, &h)
	run("holder_slice", "{{range .}}{{.P}}{{.N}}{{end}}|{{index . 0 | print}}", []Holder{holder()})
	run("holder_map", "{{range .}}{{.P}}{{.N}}{{end}}", map[string]Holder{"a": holder()})
	run("holder_pointer_map", "{{range .}}{{.P}}{{.N}}{{end}}", map[string]*Holder{"a": &h})
	run("pointer_in_interface", "{{.}}", any(&PStringer{"z"}))
	run("variables", "{{$p := .P}}{{$p}} {{with $q := .P}}{{$q}}{{end}}", &h)
	for _, y := range []int{1, 0, -1, -5, 99, 999, 10000, 12345, -12345} {
		run(fmt.Sprintf("year_%d", y), "{{.}}", time.Date(y, 3, 4, 5, 6, 7, 8, time.UTC))
	}
	run("year_zero_value", "{{.}}", time.Time{})
	marshal("json_embedded", struct {
		Inner
		X string
	}{Inner{5, "n"}, "x"})
	marshal("json_embedded_nil_pointer", struct {
		*Inner
		Y int
	}{nil, 1})
	marshal("json_embedded_pointer", struct {
		*Inner
		Y int
	}{&Inner{2, "q"}, 1})
	run("time_fixed_zone", "{{.}}", time.Date(0, 12, 31, 23, 0, 0, 0, time.FixedZone("", -90*60)))
}
'''

GO_ANSWERS: dict[str, tuple[str, str | None]] = {
    'fmt_outer': ('main.Outer|{{1 in} 2}|{Inner:{X:1 Name:in} Y:2}|main.Outer{Inner:main.Inner{X:1, Name:"in"}, Y:2}', None),
    'fmt_outerp_nil': ('main.OuterP|{<nil> 3}|{Inner:<nil> Y:3}|main.OuterP{Inner:(*main.Inner)(nil), Y:3}', None),
    'fmt_literal': ('struct { main.Inner; X string }|{{5 n} x}|{Inner:{X:5 Name:n} X:x}|struct { main.Inner; X string }{Inner:main.Inner{X:5, Name:"n"}, X:"x"}', None),
    'fmt_literal_ptr_duration': ('struct { *main.Inner; time.Duration }|5ns|5ns|struct { *main.Inner; time.Duration }{Inner:(*main.Inner)(nil), Duration:5}', None),
    'promoted': ('1 in 2 1 hello in', None),
    'promoted_ptr_method_value': ('', 'template: t:1:2: executing "t" at <.PHello>: can\'t evaluate field PHello in type main.Outer'),
    'promoted_ptr_method_pointer': ('phello in', None),
    'promoted_through_embedded_pointer': ('1 phello in hello in', None),
    'nil_embedded_field': ('', 'template: t:1:2: executing "t" at <.X>: reflect: indirection through nil pointer to embedded struct field Inner'),
    'nil_embedded_field_pointer': ('', 'template: t:1:2: executing "t" at <.X>: reflect: indirection through nil pointer to embedded struct field Inner'),
    'nil_embedded_method': ('', 'template: t:1:2: executing "t" at <.Hello>: error calling Hello: runtime error: invalid memory address or nil pointer dereference'),
    'nil_embedded_ptr_method': ('', 'template: t:1:2: executing "t" at <.PHello>: error calling PHello: runtime error: invalid memory address or nil pointer dereference'),
    'nil_embedded_other_fields': ('3 <nil>', None),
    'ambiguous_other': ('0 0', None),
    'ambiguous_field': ('', 'template: t:1:2: executing "t" at <.Dup>: can\'t evaluate field Dup in type main.Amb'),
    'method_and_field_same_depth': ('field', None),
    'shadowed': ('out in 1', None),
    'deep': ('1 hello in 2', None),
    'deep_ptr_method_value': ('', 'template: t:1:2: executing "t" at <.PHello>: can\'t evaluate field PHello in type main.Deep'),
    'deep_ptr_method_pointer': ('phello in', None),
    'promoted_string': ('[v] [v] [v] [v]', None),
    'promoted_ptr_string_value': ('{{p} 1}', None),
    'promoted_ptr_string_pointer': ('<p>', None),
    'promoted_string_embedded_pointer': ('<p>', None),
    'promoted_string_nil_embedded_pointer': ('%!v(PANIC=String method: runtime error: invalid memory address or nil pointer dereference)', None),
    'nil_outer_promoted_method': ('', 'template: t:1:2: executing "t" at <.Hello>: error calling Hello: runtime error: invalid memory address or nil pointer dereference'),
    'nil_outer_promoted_field': ('', 'template: t:1:2: executing "t" at <.X>: nil pointer evaluating *main.Outer.X'),
    'nil_outer_no_field': ('', 'template: t:1:2: executing "t" at <.Nope>: can\'t evaluate field Nope in type *main.Outer'),
    'holder_value': ('{a}|<b>|{e}|3|[{x} {y}]|{x}|[{s1}]|<s1>|<s1>|<s1>|named(4)|map[k:{m}]|{m}|{m}|{m}|{{w} 1}|<wp>|{i}|[ws]|{a}|{a}|{a}|a|{a}|{a}', None),
    'holder_pointer': ('<a>|<b>|err:e|named(3)|[{x} {y}]|<x>|[{s1}]|<s1>|<s1>|<s1>|named(4)|map[k:{m}]|{m}|{m}|{m}|<w>|<wp>|{i}|[ws]|{a}|<a>|<a>|a|{a}|<a>', None),
    'holder_slice': ('<a>named(3)|{{a} <b> {e} 3 [4] [{x} {y}] [{s1}] map[k:{m}] {{w} 1} <wp> {i} [ws]}', None),
    'holder_map': ('{a}3', None),
    'holder_pointer_map': ('<a>named(3)', None),
    'pointer_in_interface': ('<z>', None),
    'variables': ('<a> <a>', None),
    'year_1': ('0001-03-04 05:06:07.000000008 +0000 UTC', None),
    'year_0': ('0000-03-04 05:06:07.000000008 +0000 UTC', None),
    'year_-1': ('-0001-03-04 05:06:07.000000008 +0000 UTC', None),
    'year_-5': ('-0005-03-04 05:06:07.000000008 +0000 UTC', None),
    'year_99': ('0099-03-04 05:06:07.000000008 +0000 UTC', None),
    'year_999': ('0999-03-04 05:06:07.000000008 +0000 UTC', None),
    'year_10000': ('10000-03-04 05:06:07.000000008 +0000 UTC', None),
    'year_12345': ('12345-03-04 05:06:07.000000008 +0000 UTC', None),
    'year_-12345': ('-12345-03-04 05:06:07.000000008 +0000 UTC', None),
    'year_zero_value': ('0001-01-01 00:00:00 +0000 UTC', None),
    'json_embedded': ('{"Name":"n","X":"x"}', None),
    'json_embedded_nil_pointer': ('{"Y":1}', None),
    'json_embedded_pointer': ('{"X":2,"Name":"q","Y":1}', None),
    'time_fixed_zone': ('0000-12-31 23:00:00 -0130 -0130', None),
}


# --- Python twins of GO_PROGRAM's types ---------------------------------------------------------


@dataclasses.dataclass
class Inner:
    __go_type__ = "main.Inner"
    X: int = 0
    Name: str = ""

    def Hello(self) -> str:
        return "hello " + self.Name

    @V.pointer_receiver
    def PHello(self) -> str:
        return "phello " + self.Name


@dataclasses.dataclass
class Outer:
    __go_type__ = "main.Outer"
    Inner: Annotated[Inner, E] = dataclasses.field(default_factory=Inner)
    Y: int = 0


@dataclasses.dataclass
class OuterP:
    __go_type__ = "main.OuterP"
    Inner: Annotated[Optional[Inner], E] = None
    Y: int = 0


@dataclasses.dataclass
class Deep:
    __go_type__ = "main.Deep"
    Outer: Annotated[Outer, E] = dataclasses.field(default_factory=Outer)


@dataclasses.dataclass
class A:
    __go_type__ = "main.A"
    Dup: int = 0


@dataclasses.dataclass
class B:
    __go_type__ = "main.B"
    Dup: int = 0


@dataclasses.dataclass
class Amb:
    __go_type__ = "main.Amb"
    A: Annotated[A, E] = dataclasses.field(default_factory=A)
    B: Annotated[B, E] = dataclasses.field(default_factory=B)
    Z: int = 0


@dataclasses.dataclass
class MA:
    __go_type__ = "main.MA"

    def M(self) -> str:
        return "MA.M"


@dataclasses.dataclass
class FB:
    __go_type__ = "main.FB"
    M: str = ""


@dataclasses.dataclass
class MixAmb:
    __go_type__ = "main.MixAmb"
    MA: Annotated[MA, E] = dataclasses.field(default_factory=MA)
    FB: Annotated[FB, E] = dataclasses.field(default_factory=FB)


@dataclasses.dataclass
class Shadow:
    __go_type__ = "main.Shadow"
    Inner: Annotated[Inner, E] = dataclasses.field(default_factory=Inner)
    Name: str = ""


@dataclasses.dataclass
class VStringer:
    __go_type__ = "main.VStringer"
    S: str = ""

    def String(self) -> str:
        return "[" + self.S + "]"


@dataclasses.dataclass
class PStringer:
    __go_type__ = "main.PStringer"
    S: str = ""

    @V.pointer_receiver
    def String(self) -> str:
        return "<" + self.S + ">"


@dataclasses.dataclass
class PErr:
    __go_type__ = "main.PErr"
    S: str = ""

    @V.pointer_receiver
    def Error(self) -> str:
        return "err:" + self.S


@dataclasses.dataclass
class WithStr:
    __go_type__ = "main.WithStr"
    VStringer: Annotated[VStringer, E] = dataclasses.field(default_factory=VStringer)
    Q: int = 0


@dataclasses.dataclass
class WithPStr:
    __go_type__ = "main.WithPStr"
    PStringer: Annotated[PStringer, E] = dataclasses.field(default_factory=PStringer)
    Q: int = 0


@dataclasses.dataclass
class WithPStrP:
    __go_type__ = "main.WithPStrP"
    PStringer: Annotated[Optional[PStringer], E] = None
    Q: int = 0


NAMED = V.named("main.Named", V.INT)
NAMED.methods["String"] = V.Method(
    "String", V.func_of([], [V.STRING]), lambda n: f"named({V.unwrap_scalar(n)})", pointer_receiver=True
)
V.register_named_type("main.Inner", V.class_type(Inner), lambda j, path: Inner(**j))
PS = V.class_type(PStringer)
HOLDER = V.named(
    "main.Holder",
    V.struct_of(
        [
            V.StructField("P", PS),
            V.StructField("PP", V.ptr_to(PS)),
            V.StructField("E", V.class_type(PErr)),
            V.StructField("N", NAMED),
            V.StructField("Ns", V.slice_of(NAMED)),
            V.StructField("Arr", V.array_of(2, PS)),
            V.StructField("Sl", V.slice_of(PS)),
            V.StructField("M", V.map_of(V.STRING, PS)),
            V.StructField("W", V.class_type(WithPStr)),
            V.StructField("WP", V.class_type(WithPStrP)),
            V.StructField("I", V.ANY),
            V.StructField("WS", V.class_type(WithStr)),
        ]
    ),
)


def holder() -> V.Struct:
    return V.Struct(
        HOLDER,
        {
            "P": PStringer("a"),
            "PP": V.Ptr(V.ptr_to(PS), PStringer("b")),
            "E": PErr("e"),
            "N": V.Typed(NAMED, 3),
            "Ns": V.Slice(V.slice_of(NAMED), [V.Typed(NAMED, 4)]),
            "Arr": V.Array(V.array_of(2, PS), [PStringer("x"), PStringer("y")]),
            "Sl": V.Slice(V.slice_of(PS), [PStringer("s1")]),
            "M": V.Map(V.map_of(V.STRING, PS), {"k": PStringer("m")}),
            "W": WithPStr(PStringer("w"), 1),
            "WP": WithPStrP(PStringer("wp"), 2),
            "I": PStringer("i"),
            "WS": WithStr(VStringer("ws"), 3),
        },
    )


def ptr(v: Any) -> V.Ptr:
    return V.Ptr(V.ptr_to(V.type_of(v)), v)


def nil_ptr(cls: type) -> V.Ptr:
    return V.Ptr(V.ptr_to(V.class_type(cls)), None)


HOLDER_TEMPLATE = (
    '{{.P}}|{{.PP}}|{{.E}}|{{.N}}|{{.Arr}}|{{index .Arr 0}}|{{.Sl}}|{{index .Sl 0}}|{{range .Sl}}{{.}}{{end}}'
    '|{{range $i, $e := .Sl}}{{$e}}{{end}}|{{range .Ns}}{{.}}{{end}}|{{.M}}|{{index .M "k"}}|{{.M.k}}'
    '|{{range .M}}{{.}}{{end}}|{{.W}}|{{.WP}}|{{.I}}|{{.WS}}|{{printf "%v" .P}}|{{with .P}}{{.}}{{end}}'
    "|{{$x := .P}}{{$x}}|{{.P.S}}|{{.P | print}}|{{(.P)}}"
)
TYPE_PROBE = '{{printf "%T|%v|%+v|%#v" . . . .}}'


def _literal() -> V.Struct:
    return V.Struct(V.parse_type("struct{main.Inner; X string}"), {"Inner": Inner(5, "n"), "X": "x"})


def _literal_ptr_duration() -> V.Struct:
    t = V.parse_type("struct{*main.Inner; time.Duration}")
    return V.Struct(t, {"Inner": V.Ptr(V.ptr_to(V.class_type(Inner)), None), "Duration": V.Typed(DURATION, 5)})


def _holder_ptr() -> V.Ptr:
    return V.Ptr(V.ptr_to(HOLDER), holder())


OUTER = lambda: Outer(Inner(1, "in"), 2)  # noqa: E731

# name -> (template, data): the same requests as GO_PROGRAM's.
CASES: dict[str, tuple[str, Callable[[], Any]]] = {
    "fmt_outer": (TYPE_PROBE, OUTER),
    "fmt_outerp_nil": (TYPE_PROBE, lambda: OuterP(None, 3)),
    "fmt_literal": (TYPE_PROBE, _literal),
    "fmt_literal_ptr_duration": (TYPE_PROBE, _literal_ptr_duration),
    "promoted": ("{{.X}} {{.Name}} {{.Y}} {{.Inner.X}} {{.Hello}}", OUTER),
    "promoted_ptr_method_value": ("{{.PHello}}", OUTER),
    "promoted_ptr_method_pointer": ("{{.PHello}}", lambda: ptr(OUTER())),
    "promoted_through_embedded_pointer": ("{{.X}} {{.PHello}} {{.Hello}}", lambda: OuterP(Inner(1, "in"), 2)),
    "nil_embedded_field": ("{{.X}}", lambda: OuterP(None, 3)),
    "nil_embedded_field_pointer": ("{{.X}}", lambda: ptr(OuterP(None, 3))),
    "nil_embedded_method": ("{{.Hello}}", lambda: OuterP(None, 3)),
    "nil_embedded_ptr_method": ("{{.PHello}}", lambda: OuterP(None, 3)),
    "nil_embedded_other_fields": ("{{.Y}} {{.Inner}}", lambda: OuterP(None, 3)),
    "ambiguous_other": ("{{.Z}} {{.A.Dup}}", Amb),
    "ambiguous_field": ("{{.Dup}}", Amb),
    "method_and_field_same_depth": ("{{.M}}", lambda: MixAmb(FB=FB("field"))),
    "shadowed": ("{{.Name}} {{.Inner.Name}} {{.X}}", lambda: Shadow(Inner(1, "in"), "out")),
    "deep": ("{{.X}} {{.Hello}} {{.Y}}", lambda: Deep(OUTER())),
    "deep_ptr_method_value": ("{{.PHello}}", lambda: Deep(OUTER())),
    "deep_ptr_method_pointer": ("{{.PHello}}", lambda: ptr(Deep(OUTER()))),
    "promoted_string": ('{{.}} {{.String}} {{printf "%v %+v" . .}}', lambda: WithStr(VStringer("v"), 1)),
    "promoted_ptr_string_value": ("{{.}}", lambda: WithPStr(PStringer("p"), 1)),
    "promoted_ptr_string_pointer": ("{{.}}", lambda: ptr(WithPStr(PStringer("p"), 1))),
    "promoted_string_embedded_pointer": ("{{.}}", lambda: WithPStrP(PStringer("p"), 1)),
    "promoted_string_nil_embedded_pointer": ("{{.}}", lambda: WithPStrP(None, 1)),
    "nil_outer_promoted_method": ("{{.Hello}}", lambda: nil_ptr(Outer)),
    "nil_outer_promoted_field": ("{{.X}}", lambda: nil_ptr(Outer)),
    "nil_outer_no_field": ("{{.Nope}}", lambda: nil_ptr(Outer)),
    "holder_value": (HOLDER_TEMPLATE, holder),
    "holder_pointer": (HOLDER_TEMPLATE, _holder_ptr),
    "holder_slice": ("{{range .}}{{.P}}{{.N}}{{end}}|{{index . 0 | print}}", lambda: V.Slice(V.slice_of(HOLDER), [holder()])),
    "holder_map": ("{{range .}}{{.P}}{{.N}}{{end}}", lambda: V.Map(V.map_of(V.STRING, HOLDER), {"a": holder()})),
    "holder_pointer_map": (
        "{{range .}}{{.P}}{{.N}}{{end}}",
        lambda: V.Map(V.map_of(V.STRING, V.ptr_to(HOLDER)), {"a": _holder_ptr()}),
    ),
    "pointer_in_interface": ("{{.}}", lambda: ptr(PStringer("z"))),
    "variables": ("{{$p := .P}}{{$p}} {{with $q := .P}}{{$q}}{{end}}", _holder_ptr),
    "year_zero_value": ("{{.}}", GoTime),
    "time_fixed_zone": (
        "{{.}}",
        lambda: GoTime.date(0, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(minutes=-90))),
    ),
}
# json.Marshal (template None): embedded structs' fields are promoted, a nil
# embedded pointer's are left out (injector.gojson's encoding/json).
CASES["json_embedded"] = (None, _literal)
CASES["json_embedded_nil_pointer"] = (
    None,
    lambda: V.Struct(V.parse_type("struct{*main.Inner; Y int}"), {"Inner": V.Ptr(V.ptr_to(V.class_type(Inner)), None), "Y": 1}),
)
CASES["json_embedded_pointer"] = (
    None,
    lambda: V.Struct(
        V.parse_type("struct{*main.Inner; Y int}"), {"Inner": V.Ptr(V.ptr_to(V.class_type(Inner)), Inner(2, "q")), "Y": 1}
    ),
)
for _year in (1, 0, -1, -5, 99, 999, 10000, 12345, -12345):
    CASES[f"year_{_year}"] = ("{{.}}", lambda y=_year: GoTime.date(y, 3, 4, 5, 6, 7, 8))


def render(template: str, data: Any) -> tuple[str, str | None]:
    """Output and error text, as the Go program reports them."""
    out = io.StringIO()
    try:
        Template("t").parse(template).execute(out, data)
    except Exception as e:  # noqa: BLE001 - the error text is compared
        return out.getvalue(), str(e)
    return out.getvalue(), None


def test_cases_cover_the_go_program() -> None:
    assert set(CASES) == set(GO_ANSWERS)


@pytest.mark.parametrize("name", sorted(GO_ANSWERS))
def test_same_as_go(name: str) -> None:
    template, data = CASES[name]
    if template is None:
        gojson = pytest.importorskip("injector.gojson")
        assert (gojson.dumps(gojson.encode(data())), None) == GO_ANSWERS[name]
        return
    assert render(template, data()) == GO_ANSWERS[name]


def _go_toolchain() -> str | None:
    found = os.environ.get("GO") or shutil.which("go")
    if found:
        return found
    cache = pathlib.Path(os.environ.get("ORACLE_CACHE_DIR") or pathlib.Path.home() / ".cache" / "gotmpl-oracle")
    for candidate in sorted(cache.glob("venv/lib/python*/site-packages/go/bin/go")):
        return str(candidate)
    return None


def test_go_answers_are_current(tmp_path: pathlib.Path) -> None:
    go = _go_toolchain()
    if go is None:
        pytest.skip("no Go toolchain (GO, PATH or the oracle's cache)")
    (tmp_path / "main.go").write_text(GO_PROGRAM)
    cache = pathlib.Path(os.environ.get("ORACLE_CACHE_DIR") or pathlib.Path.home() / ".cache" / "gotmpl-oracle")
    env = {
        **os.environ,
        "GOTOOLCHAIN": "local",
        "GOPROXY": "off",
        "GOFLAGS": "",
        "CGO_ENABLED": "0",
        "GOCACHE": str(cache / "gocache" if (cache / "gocache").is_dir() else tmp_path / "gocache"),
        "GOPATH": str(tmp_path / "gopath"),
    }
    proc = subprocess.run([go, "run", "main.go"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        pytest.skip(f"go run failed: {proc.stderr[-500:]}")
    answers = {}
    for line in proc.stdout.splitlines():
        d = json.loads(line)
        answers[d["name"]] = (d["output"], d["error"])
    assert answers == GO_ANSWERS


# --- the value model --------------------------------------------------------------------------


def test_embedded_fields_in_type_expressions() -> None:
    t = V.parse_type('struct{time.Duration; X int; *time.Time "tag"; error}')
    assert [(f.name, f.embedded) for f in t.fields] == [("Duration", True), ("X", False), ("Time", True), ("error", True)]
    assert str(t) == 'struct { time.Duration; X int; *time.Time "tag"; error }'
    # An embedded field makes another type than a field of the same name and type.
    assert V.parse_type("struct{time.Duration}") is not V.parse_type("struct{Duration time.Duration}")
    with pytest.raises(ValueError, match="unknown type name"):
        V.parse_type("struct{nope.T}")
    data = V.from_typed_json({"t": "struct{time.Duration; X int}", "v": {"Duration": "1s", "X": 2}})
    assert Template("t").parse("{{.Seconds}} {{.X}} {{.Duration}} {{.}}").render(data) == "1 2 1s 1s"  # the struct has Duration's String


def test_field_path_follows_reflect() -> None:
    deep = V.class_type(Deep)
    assert [f.name for f in deep.field_path("X")] == ["Outer", "Inner", "X"]
    assert [f.name for f in deep.field_path("Y")] == ["Outer", "Y"]
    assert V.class_type(Amb).field_path("Dup") is None
    assert [f.name for f in V.class_type(Shadow).field_path("Name")] == ["Name"]
    assert deep.field_path("Nope") is None


def test_method_sets_with_promotion() -> None:
    outer, outer_p = V.class_type(Outer), V.class_type(OuterP)
    assert sorted(outer.method_set(False)) == ["Hello"]
    assert sorted(outer.method_set(True)) == ["Hello", "PHello"]
    assert sorted(outer_p.method_set(False)) == ["Hello", "PHello"]
    assert V.class_type(MixAmb).method_table().get("M") is None  # a field M at the same depth
    assert V.implements(V.class_type(WithStr), V.STRINGER)
    assert not V.implements(V.class_type(WithPStr), V.STRINGER)
    assert V.implements(V.ptr_to(V.class_type(WithPStr)), V.STRINGER)


def test_embedded_interface_promotes_its_methods() -> None:
    t = V.parse_type("struct{error; X int}")
    assert Template("t").parse("{{.Error}}|{{.}}").render(V.Struct(t, {"error": V.GoError("boom"), "X": 1})) == "boom|boom"
    out, err = render("{{.Error}}", V.Struct(t, {"error": V.NIL_ERROR, "X": 1}))
    assert err.endswith("error calling Error: runtime error: invalid memory address or nil pointer dereference")


def test_embedded_pointer_type_in_slot_keeps_static_type() -> None:
    # A promoted interface field keeps its static type in later errors.
    t = V.parse_type("struct{main.Inner; E error}")
    data = V.Struct(V.parse_type("struct{X struct{main.Inner; E error}}"), {"X": V.Struct(t, {"Inner": Inner(), "E": V.NIL_ERROR})})
    out, err = render("{{.X.E.Foo}}", data)
    assert err.endswith("nil pointer evaluating error.Foo")


# --- time.Time ---------------------------------------------------------------------------------


def test_go_time_years_and_zero_value() -> None:
    assert GoTime().String() == "0001-01-01 00:00:00 +0000 UTC"
    assert V.zero_value(V.parse_type("time.Time")) == GoTime()
    assert GoTime.date(-1, 1, 1).year == -1 and GoTime.date(-1, 1, 1).String().startswith("-0001-01-01 ")
    assert GoTime.date(1, 1, 1) == GoTime()
    assert GoTime.date(400, 2, 29).String() == "0400-02-29 00:00:00 +0000 UTC"
    # Converting to UTC crosses datetime's first year.
    early = GoTime.date(1, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert early.utc().String() == "0000-12-31 23:30:00 +0000 UTC"
    assert early == early.utc()


# --- Kubernetes types (injector.gojson) ---------------------------------------------------------

gojson = pytest.importorskip("injector.gojson")

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {
        "name": "web-0",
        "namespace": "prod",
        "labels": {"b": "2", "a": "1", "B": "0"},
        "creationTimestamp": "2024-01-02T03:04:05Z",
        "deletionTimestamp": "2024-01-02T04:00:00+01:00",
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "uid": "u-1", "controller": True}],
        "finalizers": ["f1", "f2"],
    },
    "spec": {
        "containers": [
            {
                "name": "app",
                "image": "nginx:1.25",
                "command": ["sh", "-c"],
                "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                "env": [
                    {"name": "A", "value": "1"},
                    {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                    {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1m"}}},
                ],
                "resources": {"limits": {"memory": "1Gi", "cpu": "500m"}, "requests": {"cpu": "100m"}},
                "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 5},
                "livenessProbe": {"tcpSocket": {"port": 8080}},
                "securityContext": {"runAsUser": 1337, "runAsNonRoot": True, "capabilities": {"add": ["NET_ADMIN"]}},
            }
        ],
        "volumes": [{"name": "cache", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}}],
        "terminationGracePeriodSeconds": 30,
        "nodeSelector": {"zone": "a", "disk": "ssd"},
    },
}


def _pod(kube: tuple[int, int] | None = None) -> V.Ptr:
    """The Pod as Istio's injector executes with it: behind a pointer."""
    t = gojson.go_type("corev1.Pod", kube)
    return V.Ptr(V.ptr_to(t), gojson.decode(POD, t))


def _k8s(template: str, data: Any) -> str:
    return Template("t").parse(template).render(data)


def test_promoted_kubernetes_fields() -> None:
    pod = _pod()
    t = "{{.Name}} {{.Namespace}} {{.Kind}} {{.APIVersion}}|{{with index .Spec.Containers 0}}{{.ReadinessProbe.HTTPGet.Path}} {{.ReadinessProbe.HTTPGet.Port}} {{.LivenessProbe.TCPSocket.Port}}{{end}}"
    assert _k8s(t, pod) == "web-0 prod Pod v1|/ready http 8080"
    deployment = gojson.decode({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}}, "appsv1.Deployment")
    assert _k8s("{{.Name}}/{{.ObjectMeta.Name}}/{{.Kind}}", deployment) == "d/d/Deployment"
    # A nil embedded pointer on the way is Go's reflect error.
    t = V.parse_type("struct{X int}")
    holder = V.Struct(V.parse_type("struct{R *struct{X int}}"), {"R": V.Ptr(V.ptr_to(t), None)})
    assert render("{{.R.X}}", holder)[1].endswith("nil pointer evaluating *struct { X int }.X")


def test_metav1_time_prints_with_time_times_string() -> None:
    pod = _pod()
    t = '{{.ObjectMeta.CreationTimestamp}}|{{.CreationTimestamp.Time}}|{{printf "%v" .CreationTimestamp}}|{{.DeletionTimestamp}}|{{.DeletionGracePeriodSeconds}}'
    assert _k8s(t, pod) == (
        "2024-01-02 03:04:05 +0000 UTC|2024-01-02 03:04:05 +0000 UTC|2024-01-02 03:04:05 +0000 UTC"
        "|2024-01-02 03:00:00 +0000 UTC|<nil>"
    )
    zero = gojson.decode({"metadata": {}}, "corev1.Pod")
    assert _k8s("{{.CreationTimestamp}}|{{.DeletionTimestamp}}|{{printf \"%v\" .DeletionTimestamp}}", zero) == (
        "0001-01-01 00:00:00 +0000 UTC|<nil>|<nil>"
    )


QUANTITY_500M = "{{500 -3} {<nil>} 500m DecimalSI}"
QUANTITY_100M = "{{100 -3} {<nil>} 100m DecimalSI}"
QUANTITY_1GI = "{{1073741824 0} {<nil>} 1Gi BinarySI}"

# corev1.Container's generated String() for POD's container, written field by
# field from STRING_FORMATS["corev1.Container"] and the formats it reaches.
CONTAINER = "".join(
    [
        "&Container{Name:app,Image:nginx:1.25,Command:[sh -c],Args:[],WorkingDir:,",
        # repeated: each element's String() without its first "&".
        "Ports:[]ContainerPort{ContainerPort{Name:http,HostPort:0,ContainerPort:8080,Protocol:TCP,HostIP:,},},",
        "Env:[]EnvVar{EnvVar{Name:A,Value:1,ValueFrom:nil,},",
        "EnvVar{Name:POD,Value:,ValueFrom:&EnvVarSource{FieldRef:&ObjectFieldSelector{APIVersion:,FieldPath:metadata.name,},",
        "ResourceFieldRef:nil,ConfigMapKeyRef:nil,SecretKeyRef:nil,FileKeyRef:nil,},},",
        # Divisor: "%v" of a Quantity copy (no String: pointer receiver) is the raw struct.
        "EnvVar{Name:CPU,Value:,ValueFrom:&EnvVarSource{FieldRef:nil,ResourceFieldRef:&ResourceFieldSelector{ContainerName:,",
        "Resource:limits.cpu,Divisor:{{1 -3} {<nil>} 1m DecimalSI},},ConfigMapKeyRef:nil,SecretKeyRef:nil,FileKeyRef:nil,},},},",
        # A struct value field: its String() with the first "&" removed; maps sorted, values copies.
        f"Resources:ResourceRequirements{{Limits:ResourceList{{cpu: {QUANTITY_500M},memory: {QUANTITY_1GI},}},",
        f"Requests:ResourceList{{cpu: {QUANTITY_100M},}},Claims:[]ResourceClaim{{}},}},",
        "VolumeMounts:[]VolumeMount{},",
        # Pointer fields: their String() as is ("nil" for nil); IntOrString copies print raw.
        "LivenessProbe:&Probe{ProbeHandler:ProbeHandler{Exec:nil,HTTPGet:nil,TCPSocket:&TCPSocketAction{Port:{0 8080 },Host:,},GRPC:nil,},",
        "InitialDelaySeconds:0,TimeoutSeconds:0,PeriodSeconds:0,SuccessThreshold:0,FailureThreshold:0,TerminationGracePeriodSeconds:nil,},",
        "ReadinessProbe:&Probe{ProbeHandler:ProbeHandler{Exec:nil,HTTPGet:&HTTPGetAction{Path:/ready,Port:{1 0 http},Host:,Scheme:,",
        "HTTPHeaders:[]HTTPHeader{},},TCPSocket:nil,GRPC:nil,},InitialDelaySeconds:0,TimeoutSeconds:0,PeriodSeconds:5,",
        "SuccessThreshold:0,FailureThreshold:0,TerminationGracePeriodSeconds:nil,},",
        "Lifecycle:nil,TerminationMessagePath:,ImagePullPolicy:,",
        # valueToStringGenerated: "*" and the pointee, or nil.
        "SecurityContext:&SecurityContext{Capabilities:&Capabilities{Add:[NET_ADMIN],Drop:[],},Privileged:nil,SELinuxOptions:nil,",
        "RunAsUser:*1337,RunAsNonRoot:*true,ReadOnlyRootFilesystem:nil,AllowPrivilegeEscalation:nil,RunAsGroup:nil,ProcMount:nil,",
        "WindowsOptions:nil,SeccompProfile:nil,AppArmorProfile:nil,},",
        "Stdin:false,StdinOnce:false,TTY:false,EnvFrom:[]EnvFromSource{},TerminationMessagePolicy:,VolumeDevices:[]VolumeDevice{},",
        "StartupProbe:nil,ResizePolicy:[]ContainerResizePolicy{},RestartPolicy:nil,RestartPolicyRules:[]ContainerRestartRule{},}",
    ]
)

OBJECT_META = "".join(
    [
        "&ObjectMeta{Name:web-0,GenerateName:,Namespace:prod,SelfLink:,UID:,ResourceVersion:,Generation:0,",
        # A metav1.Time value: "%v" (time.Time's promoted String); a *metav1.Time the same through the pointer.
        "CreationTimestamp:2024-01-02 03:04:05 +0000 UTC,DeletionTimestamp:2024-01-02 03:00:00 +0000 UTC,",
        "DeletionGracePeriodSeconds:nil,",
        # Keys sorted as strings (bytes): "B" < "a" < "b"; a nil map prints its braces too.
        "Labels:map[string]string{B: 0,a: 1,b: 2,},Annotations:map[string]string{},",
        "OwnerReferences:[]OwnerReference{OwnerReference{Kind:StatefulSet,Name:web,UID:u-1,APIVersion:apps/v1,Controller:*true,",
        "BlockOwnerDeletion:nil,},},Finalizers:[f1 f2],ManagedFields:[]ManagedFieldsEntry{},}",
    ]
)


def test_generated_string_of_addressable_values() -> None:
    pod = _pod()
    # index and range give addressable elements: the pointer's String() prints.
    assert _k8s("{{index .Spec.Containers 0}}", pod) == CONTAINER
    assert _k8s("{{range .Spec.Containers}}{{.}}{{end}}", pod) == CONTAINER
    # Fields reached through the data pointer are addressable too.
    assert _k8s("{{.ObjectMeta}}", pod) == OBJECT_META
    assert _k8s("{{(index .Spec.Containers 0).ReadinessProbe.HTTPGet}}", pod) == (
        "&HTTPGetAction{Path:/ready,Port:{1 0 http},Host:,Scheme:,HTTPHeaders:[]HTTPHeader{},}"
    )
    # A *Quantity prints through its String() (canonical form).
    assert _k8s("{{(index .Spec.Volumes 0).EmptyDir}}", pod) == "&EmptyDirVolumeSource{Medium:Memory,SizeLimit:1Gi,}"
    # The Pod itself: ObjectMeta (another package) is "%v" of a copy, with "ObjectMeta"
    # replaced once and the first "&" removed; Spec and Status their own String().
    out = _k8s("{{.}}", pod)
    meta = _k8s('{{printf "%v" .ObjectMeta}}', pod)
    assert out.startswith("&Pod{ObjectMeta:" + meta + ",Spec:PodSpec{Volumes:[]Volume{Volume{Name:cache,VolumeSource:VolumeSource{HostPath:nil,EmptyDir:&EmptyDirVolumeSource{Medium:Memory,SizeLimit:1Gi,},")
    assert ",Containers:[]Container{" + CONTAINER[1:] + ",}," in out
    assert ",TerminationGracePeriodSeconds:*30,ActiveDeadlineSeconds:nil," in out
    assert ",NodeSelector:map[string]string{disk: ssd,zone: a,}," in out
    assert out.endswith(",Resources:nil,NodeAllocatableResourceClaimStatuses:[]NodeAllocatableResourceClaimStatus{},},}")


def test_generated_string_nil_receivers_and_copies() -> None:
    pod = _pod()
    # A nil pointer of a type with the generated String() prints "nil", also in printf.
    assert _k8s('{{.Spec.SecurityContext}}|{{.Spec.Affinity}}|{{printf "%v" .Spec.DNSConfig}}', pod) == "nil|nil|nil"
    # Copies are not addressable: printf and map values print Go's plain struct form.
    plain = _k8s('{{printf "%v" (index .Spec.Containers 0).ReadinessProbe.HTTPGet}}', pod)
    assert plain == "&HTTPGetAction{Path:/ready,Port:{1 0 http},Host:,Scheme:,HTTPHeaders:[]HTTPHeader{},}"  # a pointer
    plain = _k8s('{{printf "%v" (index .Spec.Containers 0).Ports}}', pod)
    assert plain == "[{http 0 8080 TCP }]"
    plain = _k8s('{{with index .Spec.Containers 0}}{{range $k, $v := .Resources.Limits}}{{$k}}={{$v}};{{end}}{{end}}', pod)
    assert plain == f"cpu={QUANTITY_500M};memory={QUANTITY_1GI};"
    # Inside fmt's plain form, pointers with the generated String() print through it.
    plain = _k8s('{{printf "%v" (index .Spec.Containers 0).ReadinessProbe}}', pod)
    assert plain.startswith("&Probe{ProbeHandler:ProbeHandler{Exec:nil,HTTPGet:&HTTPGetAction{")
    plain = _k8s('{{printf "%v" (index .Spec.Containers 0)}}', pod)
    assert plain.startswith("{app nginx:1.25 [sh -c] []  [{http 0 8080 TCP }] [] [{A 1 nil} {POD  &EnvVarSource{FieldRef:")
    # LivenessProbe and ReadinessProbe through their String(); nil StartupProbe and Lifecycle "nil".
    assert " [] [] [] &Probe{ProbeHandler:ProbeHandler{Exec:nil,HTTPGet:nil,TCPSocket:&TCPSocketAction{" in plain
    assert ",} &Probe{ProbeHandler:ProbeHandler{Exec:nil,HTTPGet:&HTTPGetAction{" in plain
    assert ",} nil nil    &SecurityContext{" in plain


def test_generated_string_cross_package_fields() -> None:
    deployment = gojson.decode(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "d"},
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "web"}},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"securityContext": {"runAsUser": 1}, "containers": [{"name": "c", "image": "i"}]},
                },
            },
        },
        "appsv1.Deployment",
    )
    data = V.Ptr(V.ptr_to(V.type_of(deployment)), deployment)
    selector = "&LabelSelector{MatchLabels:map[string]string{app: web,},MatchExpressions:[]LabelSelectorRequirement{},}"
    assert _k8s("{{.Spec.Selector}}", data) == selector
    assert _k8s("{{.Spec.Strategy}}", data) == (
        # *IntOrString: its String(), which says "<nil>" for a nil receiver.
        "&DeploymentStrategy{Type:RollingUpdate,RollingUpdate:&RollingUpdateDeployment{MaxUnavailable:25%,MaxSurge:<nil>,},}"
    )
    spec = _k8s("{{.Spec}}", data)
    # *metav1.LabelSelector from another package: "%v" (its String()) with the type renamed once.
    assert spec.startswith("&DeploymentSpec{Replicas:*3,Selector:&v1." + selector[1:] + ",Template:")
    # PodTemplateSpec from another package: "%v" of a copy, the first "&" removed: that of the
    # pod's security context, printed by its String() inside fmt's plain form.
    template = _k8s('{{printf "%v" .Spec.Template}}', data)
    assert "&PodSecurityContext{" in template
    stripped = template.replace("&", "", 1)
    assert ",Template:" + stripped + ",Strategy:DeploymentStrategy{Type:RollingUpdate," in spec
    assert spec.endswith(",MinReadySeconds:0,RevisionHistoryLimit:nil,Paused:false,ProgressDeadlineSeconds:nil,}")
    statefulset = gojson.decode(
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "spec": {"volumeClaimTemplates": [{"metadata": {"name": "data"}}]}},
        "appsv1.StatefulSet",
    )
    spec = _k8s("{{.Spec}}", V.Ptr(V.ptr_to(V.type_of(statefulset)), statefulset))
    claim = _k8s('{{printf "%v" (index .Spec.VolumeClaimTemplates 0)}}', statefulset)
    assert claim.startswith("{{ } {data ")  # TypeMeta, then ObjectMeta
    # Elements of another package's type: "%v" of each (copies), then ",".
    assert ",VolumeClaimTemplates:[]PersistentVolumeClaim{" + claim + ",},ServiceName:," in spec


def test_generated_string_of_older_kubernetes_types() -> None:
    probe = {"httpGet": {"path": "/ready", "port": 80}, "periodSeconds": 5}
    t = gojson.go_type("corev1.Probe", (1, 9))
    value = gojson.decode(probe, t)
    # Kubernetes 1.9's Probe embedded "Handler", without GRPC or TerminationGracePeriodSeconds.
    assert _k8s("{{.}}", V.Ptr(V.ptr_to(t), value)) == (
        "&Probe{Handler:Handler{Exec:nil,HTTPGet:&HTTPGetAction{Path:/ready,Port:{0 80 },Host:,Scheme:,HTTPHeaders:[]HTTPHeader{},},"
        "TCPSocket:nil,},InitialDelaySeconds:0,TimeoutSeconds:0,PeriodSeconds:5,SuccessThreshold:0,FailureThreshold:0,}"
    )
    assert _k8s("{{.HTTPGet.Path}} {{.Handler.HTTPGet.Port}}", V.Ptr(V.ptr_to(t), value)) == "/ready 80"


def test_hand_written_value_strings() -> None:
    entry = gojson.decode(
        {"managedFields": [{"manager": "m", "fieldsType": "FieldsV1", "fieldsV1": {"f:a": {}}, "time": "2024-01-02T03:04:05Z"}]},
        "metav1.ObjectMeta",
    )
    data = V.Ptr(V.ptr_to(V.type_of(entry)), entry)
    assert _k8s("{{(index .ManagedFields 0).FieldsV1}}", data) == '{"f:a":{}}'
    assert _k8s("{{index .ManagedFields 0}}", data) == (
        '&ManagedFieldsEntry{Manager:m,Operation:,APIVersion:,Time:2024-01-02 03:04:05 +0000 UTC,FieldsType:FieldsV1,'
        'FieldsV1:{"f:a":{}},Subresource:,}'
    )
    name = V.Typed(gojson.go_type("corev1.ResourceName"), "cpu")
    assert _k8s('{{.}} {{printf "%q" .}}', name) == 'cpu "cpu"'
