"""The Go type Istio's injector gives its template, as a schema for ``gotmpl check``.

This module owns the ``istio@X.Y[.Z]`` schemas: :func:`sidecar_template_data`
is the release's ``*SidecarTemplateData`` built by :func:`injector.inject.data_type`
(the fields the release has, the Kubernetes types of its era) over the
release's MeshConfig and ProxyConfig as Go has them. Importing the module
registers the family in :data:`gotmpl.typecheck.SCHEMA_PROVIDERS`
(``gotmpl check --schema istio@1.1``).

Why the mesh types are built here rather than taken from
:func:`injector.meshconfig.mesh_type`: those are shaped for rendering through
the Go oracle, whose structs cannot have methods (``Get*`` mirror fields, a
flattened ``oracle.Tracing`` with a few getters). A checker needs what Go's
generated code has: every message a named struct (``v1alpha1.ProxyConfig``)
with a ``GetX()`` getter per field (protoc-gen-go and gogo both generate them,
oneof members included) and ``String()``; oneof members reachable only through
their getters (the struct holds an interface field named after the oneof);
enums named int32s with ``String()``; durations and wrappers the era's
protobuf types. The field lists are :data:`injector.meshconfig.MESSAGES`, the
same facts the injector decodes mesh files with.
"""

from __future__ import annotations

import functools
from typing import Any

from gotmpl import typecheck
from gotmpl import values as V

from . import meshconfig as M
from . import protos
from .inject import data_type
from .versions import VersionError, parse_version, release

__all__ = ["sidecar_template_data", "mesh_schema_types", "schema_provider", "PREFIX"]

PREFIX = "istio@"

# The oneof groups of the messages meshconfig lists: Go holds the chosen member
# in an interface field of the group's name (istio/api proxy.proto).
_ONEOF_GROUPS = {"Tracing": "Tracer", "ReadinessProbe": "HealthCheck"}
_STRING_FN = V.func_of([], [V.STRING])


def sidecar_template_data(version: str) -> V.GoType:
    """``*SidecarTemplateData`` of an Istio release (``"1.1"``, ``"1.1.17"``,
    ``"istio@1.1"``). Raises ValueError for a release the injector does not know."""
    major, minor, patch = parse_version(version.removeprefix(PREFIX).strip())
    return _build(major, minor, patch)


@functools.cache
def _build(major: int, minor: int, patch: int) -> V.GoType:
    rel = release((major, minor, patch))
    mesh, proxy = mesh_schema_types(f"{major}.{minor}" if patch == 99 else f"{major}.{minor}.{patch}")
    return data_type(rel, mesh, proxy)


@functools.cache
def mesh_schema_types(version: str) -> tuple[V.GoType, V.GoType]:
    """(``*MeshConfig``, ``*ProxyConfig``) of a release as Go's generated code
    has them; the ProxyConfig is the very type of ``MeshConfig.DefaultConfig``."""
    builder = _MessageTypes(M.resolve_version(version))
    return V.ptr_to(builder.message("MeshConfig")), V.ptr_to(builder.message("ProxyConfig"))


class _MessageTypes:
    """The named Go types of one release's mesh messages, each built once."""

    def __init__(self, v: M.Version) -> None:
        self.v = v
        self.messages: dict[str, V.GoType] = {}
        self.enums: dict[str, V.GoType] = {}

    def message(self, name: str) -> V.GoType:
        t = self.messages.get(name)
        if t is not None:
            return t
        msg = M.MESSAGES[name]
        t = V.GoType(V.Kind.STRUCT, msg.go)
        self.messages[name] = t  # before the fields: messages refer to each other
        fields: list[V.StructField] = []
        methods: dict[str, V.Method] = {"String": V.Method("String", _STRING_FN, _unused, pointer_receiver=True)}
        group_added = False
        for f in M.fields_of(name, self.v):
            ftype = self.kind(f.kind)
            go = M.go_name(f.name)
            methods["Get" + go] = V.Method("Get" + go, V.func_of([], [ftype]), _unused, pointer_receiver=True)
            if f.oneof:
                group = _ONEOF_GROUPS.get(name)
                if group and not group_added:
                    fields.append(V.StructField(group, V.distinct_named(f"{msg.go.split('.')[0]}.is{name}_{group}", V.ANY)))
                    group_added = True
                continue
            tag = f'protobuf:"name={f.name},json={M.json_name(f.name)}" json:"{f.name},omitempty"'
            fields.append(V.StructField(go, ftype, tag))
        t.fields = tuple(fields)
        t.methods.update(methods)
        return t

    def kind(self, kind: Any) -> V.GoType:
        if isinstance(kind, M.Scalar):
            return V.parse_type(kind.go)
        if isinstance(kind, M.Enum):
            return self.enum(kind)
        if isinstance(kind, M.Duration):
            # golang/protobuf's Duration up to 1.0, gogo's from 1.1.
            return V.ptr_to(V.class_type(protos.GogoDuration if self.v >= (1, 1, 0) else protos.DurationV1))
        if isinstance(kind, M.Wrapper):
            return V.ptr_to(V.class_type(getattr(protos, kind.name)))
        if isinstance(kind, M.Message):
            return V.ptr_to(self.message(kind.name))
        if isinstance(kind, M.Repeated):
            return V.slice_of(self.kind(kind.elem))
        if isinstance(kind, M.MapOf):
            return V.map_of(V.STRING, self.kind(kind.value))
        return V.ANY  # Raw: a value the tables do not describe

    def enum(self, kind: M.Enum) -> V.GoType:
        t = self.enums.get(kind.go)
        if t is None:
            t = V.distinct_named(kind.go, V.INT32)
            t.methods["String"] = V.Method("String", _STRING_FN, _unused)
            self.enums[kind.go] = t
        return t


def _unused(*args: Any) -> Any:
    raise V.GoError("schema types describe the template data; they are not executed")


def schema_provider(spec: str) -> V.GoType | None:
    """The ``istio@X.Y[.Z]`` family for gotmpl.typecheck.load_schema."""
    if not spec.startswith(PREFIX):
        return None
    try:
        return sidecar_template_data(spec)
    except (VersionError, ValueError) as e:
        raise ValueError(f"schema {spec!r}: {e}") from None


def _register() -> None:
    if schema_provider not in typecheck.SCHEMA_PROVIDERS:
        typecheck.SCHEMA_PROVIDERS.append(schema_provider)


_register()


# --- gotmpl check --render-with ------------------------------------------------------------------


def render_problems(template: str, filename: str, spec: str, pods_file: str, values: Any = None) -> list[Any]:
    """Render ``template`` as release ``spec``'s injector would for each workload
    of ``pods_file`` (default mesh, policy enabled) and decode the output as the
    release's SidecarInjectionSpec: every failure is a diagnostic at the
    template line that wrote the offending text (``render-error``)."""
    from gotmpl.diagnostics import ERROR, Diagnostic

    from . import goyaml, kubeinject
    from .config import InjectConfig
    from .inject import InjectionError, Injector

    rel = release(parse_version(spec.removeprefix(PREFIX)))
    config = InjectConfig("enabled", template, [], [], {}, filename, template_first_line=1)
    try:
        with open(pods_file, encoding="utf-8") as f:
            docs = goyaml.split_documents(f.read())
    except (OSError, UnicodeDecodeError) as e:
        return [Diagnostic(pods_file, 0, 0, ERROR, f"cannot read the pods to render with: {e}", "render-error")]
    try:
        injector = Injector(rel, config, M.default_mesh(rel.name).mesh_config, values or {})
    except InjectionError:
        return []  # a template that does not parse: the parse check reports it
    found: list[Any] = []
    for index, raw in enumerate(docs, 1):
        if not raw.strip():
            continue
        try:
            head = goyaml.Document(raw).json()
            if not isinstance(head, dict) or kubeinject.object_type(rel, *kubeinject.type_meta(head)) is None:
                continue  # not a workload this release injects (a Service, a ConfigMap...)
            target = kubeinject.pod_target(rel, raw)
            injector.sidecar_spec(target)
        except (kubeinject.KubeInjectError, goyaml.YAMLError) as e:
            found.append(Diagnostic(pods_file, 0, 0, ERROR, f"document {index}: {e}", "render-error"))
        except InjectionError as e:
            message = f"rendering for {target.kind or 'the pod'} {target.name or index!s}: {e}"
            found.append(Diagnostic(filename, e.template_line, e.template_column, ERROR, message, "render-error"))
    return found
