"""Field paths checked against Go types (gotmpl.typecheck, injector.schema).

Each rule with failing and passing templates; the flow the checker follows
(if/with/range, variables, {{template}} calls, function results); .Values
against a values sample; schemas by name and from a type-table file; the Go
oracle confirming that what the checker calls an error fails in Go for every
value of the type (and what it accepts does not); and every saved upstream
runtime template checking clean against its own release's schema.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

import pytest
from oracle import shared_dir
from upstream import RUNTIME, find_templates, runtime_templates, version_key

from gotmpl import Template
from gotmpl import values as V
from gotmpl.diagnostics import ERROR, WARNING, Diagnostic
from gotmpl.typecheck import (
    FIELD_OF_SLICE,
    SCHEMA_PROVIDERS,
    UNKNOWN_FIELD,
    UNKNOWN_VALUE_KEY,
    check_types,
    load_schema,
)
from injector import gojson
from injector.funcs import istio_funcs
from injector.schema import sidecar_template_data
from injector.versions import parse_version, release

SCHEMA_11 = sidecar_template_data("1.1")
SCHEMA_17 = sidecar_template_data("1.7")


def trees_of(tmpl: Template) -> dict:
    """The set's trees, the main template first."""
    out = {tmpl.name: tmpl.tree}
    for t in tmpl.templates():
        if t.tree is not None:
            out.setdefault(t.name, t.tree)
    return out


def check(src: str, root: V.GoType | None = SCHEMA_11, values: Any = None, funcs: dict | None = None) -> list[Diagnostic]:
    tmpl = Template("t")
    if funcs:
        tmpl.funcs(funcs)
    return check_types(trees_of(tmpl.parse(src)), root, "t.yaml", values)


def messages(diags: list[Diagnostic]) -> list[str]:
    return [d.message for d in diags]


def errors(diags: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.severity == ERROR]


# --- unknown-field ------------------------------------------------------------------------------------


def test_unknown_field_with_did_you_mean_and_position() -> None:
    diags = check("a: 1\nb: {{ .ObjectMeta.Lables }}\n")
    assert diags == [
        Diagnostic("t.yaml", 2, 18, ERROR, "no field Lables in ObjectMeta (did you mean Labels?)", UNKNOWN_FIELD)
    ]


def test_known_fields_pass() -> None:
    src = "{{ .ObjectMeta.Labels }}{{ .ObjectMeta.Name }}{{ .Spec.ServiceAccountName }}{{ .DeploymentMeta.Namespace }}"
    assert check(src) == []


def test_did_you_mean_ignores_case_and_transpositions() -> None:
    assert messages(check("{{ .objectMeta }}")) == ["no field objectMeta in SidecarTemplateData (did you mean ObjectMeta?)"]
    assert messages(check("{{ range .Spec.Containers }}{{ .Nmae }}{{ end }}")) == [
        "no field Nmae in Container (did you mean Name?)"
    ]
    # Nothing close: no suggestion.
    assert messages(check("{{ .Spec.Zzzz }}")) == ["no field Zzzz in PodSpec"]


def test_position_points_at_the_offending_field() -> None:
    (d,) = check("x\n  {{ .Spec.Containers.Name }}")
    assert (d.line, d.column) == (2, 22)
    (d,) = check("{{ $m := .ObjectMeta }}{{ $m.Name.X }}")
    assert (d.line, d.column) == (1, 34)
    (d,) = check("{{ (index .Spec.Containers 0).Nme }}")
    assert (d.line, d.column) == (1, 30)


def test_release_fields() -> None:
    # 1.1's SidecarTemplateData has no Values (added in 1.2); 1.7 has TypeMeta.
    assert messages(check("{{ .Values }}")) == ["no field Values in SidecarTemplateData"]
    assert check("{{ .Values.x }}{{ .TypeMeta.Kind }}", SCHEMA_17) == []
    assert messages(check("{{ .TypeMeta }}", sidecar_template_data("0.5"))) == ["no field TypeMeta in SidecarTemplateData"]


def test_methods_resolve_before_fields() -> None:
    # Generated String() (pointer receiver) of Kubernetes types, protobuf getters.
    assert check("{{ .ObjectMeta.String }}{{ .ProxyConfig.GetDrainDuration.Seconds }}") == []
    assert check("{{ .ProxyConfig.GetTracing.GetZipkin.GetAddress }}{{ .ProxyConfig.InterceptionMode.String }}") == []
    assert messages(check("{{ .ProxyConfig.InterceptionMode.Strin }}")) == [
        "no method Strin in ProxyConfig_InboundInterceptionMode (did you mean String?)"
    ]
    # A method's result type is followed.
    assert messages(check("{{ .ObjectMeta.String.Foo }}")) == ["String is a string; it has no field Foo"]


def test_oneof_members_only_through_getters() -> None:
    # Go holds a oneof member behind an interface field: .Tracing.Zipkin does not exist.
    assert check("{{ .ProxyConfig.Tracing.Tracer }}{{ .ProxyConfig.Tracing.GetZipkin.Address }}") == []
    assert messages(check("{{ .ProxyConfig.Tracing.Zipkin }}")) == [
        "no field Zipkin in Tracing (did you mean GetZipkin?)"
    ]


class Base:
    Inner: int = 0

    def Hello(self) -> str:
        return "hi"


class Outer:
    Base: Annotated[Base, V.EMBEDDED]
    Own: str = ""


def test_embedded_promotion_of_fields_and_methods() -> None:
    root = V.ptr_to(V.class_type(Outer))
    assert check("{{ .Own }}{{ .Inner }}{{ .Hello }}{{ .Base.Inner }}", root) == []
    assert messages(check("{{ .Innr }}", root)) == ["no field Innr in Outer (did you mean Inner?)"]


def test_unexported_fields_are_errors() -> None:
    hidden = V.distinct_named("main.T", V.struct_of([V.StructField("secret", V.STRING), V.StructField("Open", V.INT)]))
    assert messages(check("{{ .Open }}{{ .secret }}", hidden)) == [
        "secret is an unexported field of T; templates cannot read it"
    ]


# --- field-of-slice ---------------------------------------------------------------------------------------


def test_field_of_slice() -> None:
    assert check("{{ .Spec.Containers.Name }}") == [
        Diagnostic("t.yaml", 1, 20, ERROR, "Containers is a slice; use range or index", FIELD_OF_SLICE)
    ]
    assert check("{{ range .Spec.Containers }}{{ .Name }}{{ end }}{{ (index .Spec.Containers 0).Name }}") == []


def test_field_of_map_with_named_keys_array_scalar_and_dot() -> None:
    src = "{{ range .Spec.Containers }}{{ .Resources.Limits.cpu }}{{ end }}"
    assert messages(check(src)) == [
        "Limits is a map with v1.ResourceName keys; field syntax looks up string keys only: use range"
    ]
    assert messages(check("{{ .ObjectMeta.Name.First }}")) == ["Name is a string; it has no field First"]
    assert messages(check("{{ with .Spec.Containers }}{{ .Image }}{{ end }}")) == ["dot is a slice; use range or index"]
    arr = V.struct_of([V.StructField("A", V.array_of(2, V.INT))])
    assert messages(check("{{ .A.X }}", arr)) == ["A is an array; use range or index"]
    ints = V.struct_of([V.StructField("M", V.map_of(V.INT, V.STRING))])
    assert messages(check("{{ .M.x }}", ints)) == ["M is a map with int keys; field syntax looks up string keys only: use range"]


# --- maps ----------------------------------------------------------------------------------------------------


def test_string_keyed_map_lookups_are_never_errors() -> None:
    assert check("{{ .ObjectMeta.Annotations.foo }}{{ .ObjectMeta.Labels.app }}{{ .ProxyConfig.ProxyMetadata.X }}", SCHEMA_17) == []


def test_below_a_map_lookup_failures_are_warnings() -> None:
    # Go fails only when the key is present (a missing key passes silently).
    (d,) = check("{{ .ObjectMeta.Labels.app.Foo }}")
    assert (d.severity, d.rule, d.message) == (WARNING, FIELD_OF_SLICE, "app is a string; it has no field Foo")
    # `with` proves the key present: an error again.
    (d,) = check("{{ with .ObjectMeta.Labels.app }}{{ .Foo }}{{ end }}")
    assert d.severity == ERROR


# --- flow: if / with / range / variables / templates --------------------------------------------------------


def test_with_changes_dot_and_else_keeps_it() -> None:
    src = "{{ with .Spec }}{{ .Containers }}{{ .Lables }}{{ else }}{{ .ObjectMeta }}{{ .Foo }}{{ end }}"
    assert messages(check(src)) == ["no field Lables in PodSpec", "no field Foo in SidecarTemplateData"]
    src = "{{ with .Spec.SecurityContext }}{{ .RunAsUser }}{{ else with .ObjectMeta }}{{ .Nam }}{{ end }}"
    assert messages(check(src)) == ["no field Nam in ObjectMeta (did you mean Name?)"]


def test_if_keeps_dot_and_checks_its_condition() -> None:
    src = "{{ if .Spec.HostNetwork }}{{ .ObjectMeta.Name }}{{ end }}{{ if .Spec.HostNetwrk }}{{ end }}"
    assert messages(check(src)) == ["no field HostNetwrk in PodSpec (did you mean HostNetwork?)"]


def test_range_element_and_key_types() -> None:
    src = (
        "{{ range $i, $c := .Spec.Containers }}{{ $c.Image }}{{ $c.Imge }}{{ $i.X }}{{ .Ports }}{{ end }}"
        "{{ range $k, $v := .ObjectMeta.Labels }}{{ $k.A }}{{ $v.B }}{{ end }}"
        "{{ range $c := .Spec.Containers }}{{ $c.Nme }}{{ end }}"
    )
    assert messages(check(src)) == [
        "no field Imge in Container (did you mean Image?)",
        "$i is an int; it has no field X",
        "$k is a string; it has no field A",
        "$v is a string; it has no field B",
        "no field Nme in Container (did you mean Name?)",
    ]
    # Range over an integer (Go 1.22+): dot is a number of the same type.
    assert messages(check("{{ range 3 }}{{ .X }}{{ end }}")) == ["dot is an int; it has no field X"]
    small = V.struct_of([V.StructField("N", V.INT8)])
    assert messages(check("{{ range $e := .N }}{{ $e.X }}{{ end }}", small)) == ["$e is an int8; it has no field X"]
    # The else branch keeps the outer dot.
    assert messages(check("{{ range .Spec.Volumes }}{{ .Name }}{{ else }}{{ .Spec.Volume }}{{ end }}")) == [
        "no field Volume in PodSpec (did you mean Volumes?)"
    ]


def test_range_over_channels_and_iterators() -> None:
    ch = V.GoType(V.Kind.CHAN)
    ch.elem = V.STRING
    seq2 = V.func_of([V.func_of([V.INT, V.STRING], [V.BOOL])], [])
    root = V.struct_of([V.StructField("C", ch), V.StructField("S", seq2)])
    src = "{{ range .C }}{{ .X }}{{ end }}{{ range $k, $v := .S }}{{ $k.Y }}{{ $v.Z }}{{ end }}"
    assert messages(check(src, root)) == [
        "dot is a string; it has no field X",
        "$k is an int; it has no field Y",
        "$v is a string; it has no field Z",
    ]


def test_variables_declared_and_assigned() -> None:
    assert messages(check("{{ $m := .ObjectMeta }}{{ $m.Name }}{{ $m.Lables }}")) == [
        "no field Lables in ObjectMeta (did you mean Labels?)"
    ]
    # `$` is dot of the template being executed.
    assert messages(check("{{ with .Spec }}{{ $.ObjectMeta.Nme }}{{ end }}")) == [
        "no field Nme in ObjectMeta (did you mean Name?)"
    ]
    # Assigned a different type somewhere: the variable may hold either, unchecked.
    src = "{{ $x := .ObjectMeta }}{{ if .Spec }}{{ $x = .Spec }}{{ end }}{{ $x.Labels }}{{ $x.Containers }}"
    assert check(src) == []
    # Assigned the same type: still checked.
    src = "{{ $x := .ObjectMeta }}{{ $x = .DeploymentMeta }}{{ $x.Lables }}"
    assert messages(check(src)) == ["no field Lables in ObjectMeta (did you mean Labels?)"]
    # In a range body the first iteration sees the declared type (Go fails there
    # first); after the loop the variable may hold either.
    src = "{{ $x := .ObjectMeta }}{{ range .Spec.Containers }}{{ $x.Image }}{{ $x = . }}{{ end }}{{ $x.Image }}"
    assert messages(check(src)) == ["no field Image in ObjectMeta"]


def test_variables_are_scoped_to_their_control_structure() -> None:
    src = "{{ $x := .Spec }}{{ with .ObjectMeta }}{{ $x := . }}{{ $x.Name }}{{ end }}{{ $x.Name }}"
    assert messages(check(src)) == ["no field Name in PodSpec"]


def test_template_calls_pass_the_argument_type() -> None:
    src = '{{ define "meta" }}{{ .Name }}{{ .Lables }}{{ end }}{{ template "meta" .ObjectMeta }}'
    (d,) = check(src)
    assert (d.line, d.column, d.message) == (1, 34, "no field Lables in ObjectMeta (did you mean Labels?)")
    # Called with two types: checked with each; a field valid for one only is reported.
    src = '{{ define "n" }}{{ .Name }}{{ end }}{{ template "n" .ObjectMeta }}{{ template "n" .Spec }}'
    assert messages(check(src)) == ["no field Name in PodSpec"]
    # `$` inside a define is its argument.
    src = '{{ define "d" }}{{ $.Labels }}{{ $.Containers }}{{ end }}{{ template "d" .ObjectMeta }}'
    assert messages(check(src)) == ["no field Containers in ObjectMeta"]
    # block = define + call.
    assert messages(check('{{ block "b" .Spec }}{{ .Volums }}{{ end }}')) == [
        "no field Volums in PodSpec (did you mean Volumes?)"
    ]


def test_uncalled_and_recursive_templates() -> None:
    # Never called: dot is unknown, but literals still have types.
    assert messages(check('{{ define "lib" }}{{ .Anything }}{{ $n := 1 }}{{ $n.X }}{{ end }}ok')) == [
        "$n is an int; it has no field X"
    ]
    src = '{{ define "r" }}{{ .Name }}{{ template "r" . }}{{ template "r" .Name }}{{ end }}{{ template "r" .ObjectMeta }}'
    # Checked with ObjectMeta and with string (from the second call): .Name fails
    # on a string, both in the body and in the call's argument.
    assert messages(check(src)) == ["dot is a string; it has no field Name"] * 2


def test_same_problem_reported_once() -> None:
    src = '{{ define "d" }}{{ .Lables }}{{ end }}{{ template "d" .ObjectMeta }}{{ template "d" .DeploymentMeta }}'
    assert len(check(src)) == 1


# --- function results --------------------------------------------------------------------------------------


def test_builtin_result_types() -> None:
    assert messages(check("{{ (len .Spec.Containers).X }}")) == ["(len .Spec.Containers) is an int; it has no field X"]
    assert messages(check('{{ (printf "%s" .ObjectMeta.Name).X }}')) == [
        '(printf "%s" .ObjectMeta.Name) is a string; it has no field X'
    ]
    assert messages(check("{{ (eq 1 2).X }}")) == ["(eq 1 2) is a bool; it has no field X"]
    assert messages(check("{{ (index .Spec.Containers 0).Imag }}")) == ["no field Imag in Container (did you mean Image?)"]
    assert messages(check("{{ (slice .Spec.Containers 1).Name }}")) == [
        "(slice .Spec.Containers 1) is a slice; use range or index"
    ]
    # and/or give one of their operands: typed when all operands share a type.
    assert messages(check("{{ (or .ObjectMeta .DeploymentMeta).Nme }}")) == [
        "no field Nme in ObjectMeta (did you mean Name?)"
    ]
    assert check("{{ (or .ObjectMeta .Spec).Nme }}") == []


def test_other_functions_stop_checking_but_their_arguments_are_checked() -> None:
    funcs = {"f": lambda x: x}
    assert check("{{ (f .Spec).Anything.Goes }}", funcs=funcs) == []
    assert messages(check("{{ f .Spec.Contaners }}", funcs=funcs)) == [
        "no field Contaners in PodSpec (did you mean Containers?)"
    ]
    assert messages(check('{{ .ObjectMeta | printf "%v" | f }}{{ printf "%s" .ObjectMeta.Lables }}', funcs=funcs)) == [
        "no field Lables in ObjectMeta (did you mean Labels?)"
    ]


# --- .Values ------------------------------------------------------------------------------------------------

VALUES = {
    "sidecarInjectorWebhook": {"rewriteAppHTTPProbe": False, "injectedAnnotations": {}},
    "global": {"proxy": {"image": "proxyv2", "resources": None}, "hub": "docker.io/istio"},
    "gateways": [{"name": "ingress", "ports": [80]}, {"name": "egress", "labels": {"a": "b"}}],
}


def test_values_unchecked_without_a_sample() -> None:
    assert check("{{ .Values.sidecarInjectorWebhok.x }}{{ .Values.global.proxy.imag }}", SCHEMA_17) == []


def test_values_checked_against_a_sample() -> None:
    diags = check("{{ .Values.sidecarInjectorWebhok.enabled }}\n{{ .Values.global.proxy.imag }}", SCHEMA_17, VALUES)
    assert [(d.line, d.column, d.severity, d.rule, d.message) for d in diags] == [
        (1, 11, WARNING, UNKNOWN_VALUE_KEY, "no key sidecarInjectorWebhok in .Values (did you mean sidecarInjectorWebhook?)"),
        (2, 24, WARNING, UNKNOWN_VALUE_KEY, "no key imag in .Values.global.proxy (did you mean image?)"),
    ]
    ok = (
        "{{ .Values.global.hub }}{{ .Values.global.proxy.resources.anything }}"
        "{{ .Values.sidecarInjectorWebhook.injectedAnnotations.userKey }}"
        "{{ $g := .Values.global }}{{ with $g.proxy }}{{ .image }}{{ end }}"
    )
    assert check(ok, SCHEMA_17, VALUES) == []
    assert messages(check("{{ $g := .Values.global }}{{ $g.proxy.imge }}", SCHEMA_17, VALUES)) == [
        "no key imge in .Values.global.proxy (did you mean image?)"
    ]
    assert messages(check("{{ .Values.global.hub.registry }}", SCHEMA_17, VALUES)) == [
        ".Values.global.hub is a string in the values sample; it has no key registry"
    ]


def test_values_lists_ranges_and_index() -> None:
    src = "{{ range .Values.gateways }}{{ .name }}{{ .labels }}{{ .nme }}{{ end }}"
    assert messages(check(src, SCHEMA_17, VALUES)) == ["no key nme in .Values.gateways[] (did you mean name?)"]
    src = '{{ index .Values "global" "hub" }}{{ index .Values "globl" }}{{ (index .Values.gateways 1).labls }}'
    assert messages(check(src, SCHEMA_17, VALUES)) == [
        "no key globl in .Values (did you mean global?)",
        "no key labls in .Values.gateways[1] (did you mean labels?)",
    ]
    assert check("{{ (index .Values.gateways 7).x }}", SCHEMA_17, VALUES) == []


def test_optional_values_keys_tested_before_use_are_not_reported() -> None:
    funcs = {"valueOrDefault": lambda v, d: v or d}
    src = (
        "{{ if .Values.global.proxy.lifecycle }}{{ .Values.global.proxy.lifecycle }}{{ end }}"
        "{{ if and .Values.global.network (not .Values.global.meshID) }}{{ .Values.global.network }}{{ end }}"
        '{{ valueOrDefault .Values.global.proxy.statusPort "15020" }}'
    )
    assert check(src, SCHEMA_17, VALUES, funcs) == []
    # Outside the guard the key is reported; a typo in a guard still is.
    src = "{{ if .Values.global.network }}{{ end }}{{ .Values.global.network }}{{ if .Values.global.hubb }}{{ end }}"
    assert messages(check(src, SCHEMA_17, VALUES)) == [
        "no key network in .Values.global",
        "no key hubb in .Values.global (did you mean hub?)",
    ]


def test_values_sample_without_a_schema() -> None:
    # Helm-like use: no schema, dot's .Values is the sample.
    assert messages(check("{{ .Values.global.hubb }}{{ .Release.Name }}", None, VALUES)) == [
        "no key hubb in .Values.global (did you mean hub?)"
    ]
    assert check("{{ .Values.global.hubb }}", None) == []


# --- schemas ------------------------------------------------------------------------------------------------------


def test_load_schema_by_name() -> None:
    assert load_schema(None, None) is None
    t = load_schema("istio@1.1", None)
    assert t is SCHEMA_11 and t.kind == V.Kind.PTR and str(t) == "*inject.SidecarTemplateData"
    assert load_schema("istio@1.5.10", None) is sidecar_template_data("1.5.10")
    assert any(p.__module__ == "injector.schema" for p in SCHEMA_PROVIDERS)
    with pytest.raises(ValueError, match="1.9 is not supported"):
        load_schema("istio@1.9", None)
    with pytest.raises(ValueError, match="unknown schema"):
        load_schema("helm@3", None)
    with pytest.raises(ValueError, match="not both"):
        load_schema("istio@1.1", "x.json")


def test_schema_release_shapes() -> None:
    names = lambda v: [f.name for f in sidecar_template_data(v).elem.fields]
    assert names("0.5") == ["ObjectMeta", "Spec", "ProxyConfig", "MeshConfig"]
    assert names("1.1") == ["DeploymentMeta", "ObjectMeta", "Spec", "ProxyConfig", "MeshConfig"]
    assert names("1.7") == ["DeploymentMeta", "ObjectMeta", "Spec", "ProxyConfig", "MeshConfig", "Values", "TypeMeta"]
    mesh = sidecar_template_data("1.1").elem.field("MeshConfig").type
    proxy = sidecar_template_data("1.1").elem.field("ProxyConfig").type
    assert mesh.elem.field("DefaultConfig").type is proxy
    # 0.5.1 added ProxyConfig.Concurrency.
    assert sidecar_template_data("0.5.0").elem.field("ProxyConfig").type.elem.field("Concurrency") is None
    assert sidecar_template_data("0.5.1").elem.field("ProxyConfig").type.elem.field("Concurrency") is not None


TABLE = {
    "root": "*main.Data",
    "packages": [{"alias": "main", "goPackageName": "main"}, {"alias": "corev1", "goPackageName": "v1"}],
    "types": {
        "main.Data": {
            "kind": "struct",
            "fields": [
                {"name": "Meta", "type": "Meta", "embedded": True},
                {"name": "Items", "type": "[]*Item", "typeq": "[]*main.Item", "json": "items", "jsonOpts": ["omitempty"]},
                {"name": "Labels", "type": "map[string]string"},
                {"name": "Limits", "type": "corev1.ResourceList"},
                {"name": "Mode", "type": "Mode"},
                {"name": "When", "type": "time.Time"},
                {"name": "Extra", "type": "interface{}"},
                {"name": "hidden", "type": "string", "exported": False},
            ],
            "methods": ["*Summary() string", "Pair() (int, error)"],
        },
        "main.Meta": {"kind": "struct", "fields": [{"name": "Name", "type": "string"}]},
        "main.Item": {"kind": "struct", "fields": [{"name": "ID", "type": "int64"}, {"name": "Next", "type": "*Item"}]},
        "main.Mode": {"kind": "named", "underlying": "string", "methods": ["String() string"]},
        "corev1.ResourceList": {"kind": "named", "underlying": "map[ResourceName]string", "underlyingq": "map[corev1.ResourceName]string"},
        "corev1.ResourceName": {"kind": "named", "underlying": "string"},
    },
}


def _write(tmp_path, table: Any, name: str = "schema.json") -> str:
    path = tmp_path / name
    path.write_text(table if isinstance(table, str) else json.dumps(table))
    return str(path)


def test_schema_file(tmp_path) -> None:
    root = load_schema(None, _write(tmp_path, TABLE))
    assert str(root) == "*main.Data"
    ok = (
        "{{ .Meta.Name }}{{ .Name }}{{ range .Items }}{{ .ID }}{{ .Next.Next.ID }}{{ end }}{{ .Labels.app }}"
        "{{ .Mode.String }}{{ .Summary }}{{ .Pair }}{{ .When.Year }}{{ .Extra.anything }}"
    )
    assert check(ok, root) == []
    bad = "{{ .Nam }}{{ .Items.ID }}{{ .Limits.cpu }}{{ .Mode.X }}{{ .hidden }}{{ (index .Items 0).Id }}{{ .Summary.X }}"
    assert messages(check(bad, root)) == [
        "no field Nam in Data (did you mean Name?)",
        "Items is a slice; use range or index",
        "Limits is a map with v1.ResourceName keys; field syntax looks up string keys only: use range",
        "no method X in Mode",
        "hidden is an unexported field of Data; templates cannot read it",
        "no field Id in Item (did you mean ID?)",
        "Summary is a string; it has no field X",
    ]


@pytest.mark.parametrize(
    "content,match",
    [
        ("{nope", "not valid JSON"),
        ({"types": {}}, 'missing "root"'),
        ({"root": "main.X"}, 'missing "types"'),
        ({"root": "main.X", "types": {"main.X": {"kind": "union"}}}, "unknown kind"),
        ({"root": "main.X", "types": {"main.X": {"kind": "struct", "fields": [{"name": "A"}]}}}, 'has no "type"'),
        ({"root": "map[", "types": {}}, "bad"),
    ],
)
def test_bad_schema_files(tmp_path, content: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        load_schema(None, _write(tmp_path, content))
    with pytest.raises(ValueError, match="cannot read schema file"):
        load_schema(None, str(tmp_path / "missing.json"))


def test_schema_file_from_the_shared_kubernetes_table(tmp_path) -> None:
    shared = shared_dir()
    source = shared / "gotypes" / "k8s-core-v1.json" if shared else None
    if source is None or not source.is_file():
        pytest.skip("../shared/gotypes is absent")
    table = json.loads(source.read_text())
    table["root"] = "*corev1.Pod"
    root = load_schema(None, _write(tmp_path, table))
    ok = "{{ .ObjectMeta.Name }}{{ .Name }}{{ range .Spec.Containers }}{{ .Image }}{{ .Resources.Limits.Cpu }}{{ end }}"
    assert check(ok, root) == []
    assert messages(check("{{ .Spec.Containers.Image }}{{ .Lables }}", root)) == [
        "Containers is a slice; use range or index",
        "no field Lables in Pod (did you mean Labels?)",
    ]


# --- Go agrees --------------------------------------------------------------------------------------------------

# (template, the checker's verdict): an error must be a Go execution failure
# ("can't evaluate field") for the data below, whose pointers are all set and
# whose maps hold the keys used; a clean verdict must render in Go.
GO_CASES = [
    ("{{ .ObjectMeta.Lables }}", True),
    ("{{ .Spec.Containers.Name }}", True),
    ("{{ .ObjectMeta.Name.X }}", True),
    ("{{ range .Spec.Containers }}{{ .Nmae }}{{ end }}", True),
    ("{{ with .Spec.Containers }}{{ .Image }}{{ end }}", True),
    ("{{ (index .Spec.Containers 0).Ports.Name }}", True),
    ('{{ define "d" }}{{ .Lables }}{{ end }}{{ template "d" .ObjectMeta }}', True),
    ("{{ $m := .ObjectMeta }}{{ $m.Namespace.X }}", True),
    ("{{ .ObjectMeta.Annotations.foo }}{{ .ObjectMeta.Labels.missing }}", False),
    ("{{ .ObjectMeta.Labels.missing.Foo }}", False),  # a warning only: absent keys pass
    ("{{ range .Spec.Containers }}{{ .Name }}{{ range .Ports }}{{ .ContainerPort }}{{ end }}{{ end }}", False),
    ("{{ $c := index .Spec.Containers 0 }}{{ $c.Image }}{{ .ObjectMeta.Labels.app }}", False),
    ('{{ define "d" }}{{ .Name }}{{ end }}{{ template "d" .ObjectMeta }}{{ template "d" (index .Spec.Containers 0) }}', False),
]


def _go_data() -> dict:
    from oracle_data import type_expr

    meta = gojson.go_type("metav1.ObjectMeta")
    spec = gojson.go_type("corev1.PodSpec")
    return {
        "t": f"*struct{{ObjectMeta *{type_expr(meta)}; Spec *{type_expr(spec)}}}",
        "v": {
            "ObjectMeta": {"Name": "pod", "Namespace": "ns", "Labels": {"app": "a"}, "Annotations": {"foo": "x"}},
            "Spec": {"Containers": [{"Name": "c", "Image": "img", "Ports": [{"Name": "http", "ContainerPort": 80}]}]},
        },
    }


@pytest.mark.parametrize("template,is_error", GO_CASES, ids=[c[0] for c in GO_CASES])
def test_go_fails_exactly_where_the_checker_says_error(oracle, template: str, is_error: bool) -> None:
    ours = errors(check(template))
    go = oracle.run({"name": "t", "template": template, "data": _go_data()})
    assert bool(ours) == is_error
    if is_error:
        assert go["phase"] == "exec" and "can't evaluate field" in go["error"], go
    else:
        assert go["error"] is None, go


def test_go_rejects_field_syntax_on_maps_with_non_string_keys(oracle) -> None:
    # The oracle has no named string type to key a map with (ResourceName); an
    # int key shows the same rule: the field name must be assignable to the key.
    data = {"t": "struct{M map[int]string}", "v": {"M": [[1, "x"]]}}
    go = oracle.run({"template": "{{ .M.x }}", "data": data})
    assert "can't evaluate field x in type map[int]string" in go["error"]
    root = V.struct_of([V.StructField("M", V.map_of(V.INT, V.STRING))])
    assert [d.rule for d in errors(check("{{ .M.x }}", root))] == [FIELD_OF_SLICE]


# --- upstream templates ---------------------------------------------------------------------------------------


def _upstream_cases() -> list[tuple[str, str, str, tuple[str, str], Any]]:
    """(id, version, template, delims, values) of every saved runtime template
    of a release the injector models (0.5-1.7), parseable for that release."""
    cases = [(r.case_id, r.version, r.template, release(r.version).delims, r.values) for r in runtime_templates()]
    covered = {r.label for r in runtime_templates()}
    for t in find_templates():
        if t.kind != RUNTIME or t.label in covered or t.label.endswith("#stage1") or t.version == "master":
            continue
        if version_key(t.version)[:2] > (1, 7):
            continue
        # The 1.1.17 parameterized template still holds its stage-1 actions
        # (test_parse_upstream: Go rejects it too).
        if t.label.startswith("1.1.17/testdata/parameterizedTemplate"):
            continue
        cases.append((t.label, t.version, t.text, t.delims, None))
    return cases


UPSTREAM = _upstream_cases()


def _parse_upstream(version: str, template: str, delims: tuple[str, str]) -> dict:
    funcs = istio_funcs(parse_version(version), env={})
    return trees_of(Template("inject").delims(*delims).funcs(funcs).parse(template))


def test_upstream_cases_found() -> None:
    if not UPSTREAM:
        pytest.skip("../shared/upstream/istio is absent")
    versions = {version_key(c[1])[:2] for c in UPSTREAM}
    assert {(0, 5), (0, 6), (0, 7), (0, 8), (1, 1), (1, 2), (1, 7)} <= versions


@pytest.mark.parametrize("case_id,version,template,delims,values", UPSTREAM, ids=[c[0] for c in UPSTREAM])
def test_upstream_template_checks_clean(case_id: str, version: str, template: str, delims, values) -> None:
    diags = check_types(_parse_upstream(version, template, delims), sidecar_template_data(version), case_id, values)
    assert errors(diags) == []
    # What remains are .Values keys the chart's own defaults lack (see REAL_VALUE_FINDINGS).
    assert {d.rule for d in diags} <= {UNKNOWN_VALUE_KEY}


# Warnings the checker gives on the saved charts, each one checked by hand: the
# key is absent from the chart's default values (set by another chart, or an
# optional user value) - and one is a real template bug.
REAL_VALUE_FINDINGS = {
    # 1.3.8 reads .Values.global.multicluster.clusterName; the chart's key is
    # multiCluster, so ISTIO_META_CLUSTER_ID always falls back to "Kubernetes".
    "1.3.8-istio": ["no key multicluster in .Values.global (did you mean multiCluster?)"],
}


def test_upstream_real_value_findings() -> None:
    by_id = {c[0]: c for c in UPSTREAM}
    for case_id, expected in REAL_VALUE_FINDINGS.items():
        if case_id not in by_id:
            pytest.skip("../shared/upstream/istio is absent")
        _, version, template, delims, values = by_id[case_id]
        diags = check_types(_parse_upstream(version, template, delims), sidecar_template_data(version), case_id, values)
        assert [d.message for d in diags] == expected


def test_go_ignores_the_misspelled_values_key(oracle) -> None:
    """The 1.3.8 finding: Go renders the default, never the configured cluster name."""
    template = "{{ valueOrDefault .Values.global.multicluster.clusterName `Kubernetes` }}"
    data = {"t": "struct{Values map[string]any}", "v": {"Values": {"global": {"multiCluster": {"clusterName": "c1"}}}}}
    go = oracle.run({"template": template, "funcs": ["istio@1.3.8"], "data": data})
    assert (go["output"], go["error"]) == ("Kubernetes", None)


_FIELD_STEP = re.compile(r"\.(ObjectMeta|Spec|ProxyConfig|MeshConfig)\.([A-Z][A-Za-z]*)\b")


@pytest.mark.parametrize("case_id,version,template,delims,values", UPSTREAM, ids=[c[0] for c in UPSTREAM])
def test_upstream_template_with_a_misspelled_field_is_flagged(case_id, version, template, delims, values) -> None:
    """The clean verdict above is not vacuous: the first typed field step of each
    template, misspelled, is an error with the right suggestion."""
    m = _FIELD_STEP.search(template)
    assert m is not None
    typo = m.group(2) + "x"
    broken = template[: m.start(2)] + typo + template[m.end(2) :]
    diags = errors(check_types(_parse_upstream(version, broken, delims), sidecar_template_data(version), case_id, values))
    assert [d.message for d in diags] == [f"no field {typo} in {_owner(m.group(1))} (did you mean {m.group(2)}?)"]
    line = template[: m.start(2)].count("\n") + 1
    assert diags[0].line == line


def _owner(field: str) -> str:
    return {"ObjectMeta": "ObjectMeta", "Spec": "PodSpec", "ProxyConfig": "ProxyConfig", "MeshConfig": "MeshConfig"}[field]
