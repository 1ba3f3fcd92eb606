"""Untrusted and extreme templates: deep nesting, recursion to Go's limit, huge
loops under limits, and no path to Python internals. Expected outputs and errors
come from the Go oracle."""

from __future__ import annotations

import dataclasses

import pytest

from goldens import same_response
from gotmpl import Template
from gotmpl.batch import handle_request
from gotmpl.runtime import LimitExceeded


def _nest(n: int) -> list:
    return [_nest(n - 1)] if n else [1]


DEEP = [
    ("{{if .}}" * 3000 + "x" + "{{end}}" * 3000, 1),
    ("{{with .}}" * 300 + "{{.}}" + "{{end}}" * 300, "w"),
    ("{{$x := 0}}" + "{{range .}}" * 30 + "{{$x = 5}}{{break}}" + "{{end}}" * 30 + "{{$x}}", _nest(30)),
    ("{{range .}}" * 12 + "{{range .}}{{else}}{{break}}{{end}}y{{continue}}" + "{{end}}" * 12, _nest(12)),
    ('{{define "d"}}[{{.}}]{{end}}' + "{{with .}}" * 100 + '{{template "d" .}}{{range .}}{{continue}}{{end}}' + "{{end}}" * 100, [1]),
    ("{{" + "(" * 9999 + "1" + ")" * 9999 + "}}", None),
    ('{{define "r"}}{{if .}}{{template "r" (slice . 1)}}{{end}}{{end}}{{template "r" .}}', list(range(2000))),
    ('{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}', 1),
]


@pytest.mark.parametrize("template,data", DEEP, ids=[f"deep{i}" for i in range(len(DEEP))])
def test_deep_templates_run_as_in_go(oracle, template: str, data: object) -> None:
    req = {"template": template, "data": data}
    assert same_response(handle_request(req, "exec"), oracle.run(req))


def test_limits_stop_runaway_templates() -> None:
    with pytest.raises(LimitExceeded) as info:
        Template("t").parse("{{range 3000000000}}{{end}}").render(timeout=0.2)
    assert info.value.kind == "time"
    with pytest.raises(LimitExceeded) as info:
        Template("t").parse("{{range 100000}}xxxxxxxxxx{{end}}").render(max_output=1000)
    assert info.value.kind == "output"


@dataclasses.dataclass
class Account:
    Name: str
    _secret: str = "s3cret"

    def Greeting(self) -> str:  # noqa: N802 - a Go-style method
        return "hi " + self.Name


def test_no_path_to_python_internals() -> None:
    acct = Account("ann")
    assert Template("t").parse("{{.Name}} {{.Greeting}}").render(acct) == "ann hi ann"
    for expr in ("._secret", ".__class__", ".__dict__", ".__init__", ".Greeting.__globals__"):
        with pytest.raises(Exception) as info:
            Template("t").parse("{{" + expr + "}}").render(acct)
        assert "s3cret" not in str(info.value) and "Traceback" not in str(info.value)
    # On maps, such names are just missing keys.
    assert Template("t").parse("{{.__class__}}").render({}) == "<no value>"
    # Builtin types have no methods: str.upper is not reachable.
    with pytest.raises(Exception):
        Template("t").parse("{{.upper}}").render("x")
