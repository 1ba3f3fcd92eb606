"""``gotmpl check --render-with``: the template rendered by the chosen Istio
release's injector for each workload of a manifest, its failures placed on
the template line that caused them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from gotmpl.cli import main

REPO = Path(__file__).resolve().parent.parent
SLEEP = REPO / "fixtures" / "sleep.yaml"
TEMPLATE = """initContainers:
- name: istio-init
  image: init
containers:
- name: istio-proxy
  image: proxy
  args:
  - --serviceCluster
  - {{ index .ObjectMeta.Labels "app" }}
"""


def _check(tmp_path: Path, template: str, pods: Path, *extra: str) -> tuple[int, str]:
    path = tmp_path / "inject.tmpl"
    path.write_text(template)
    result = CliRunner().invoke(main, ["check", str(path), "--render-with", str(pods), *extra])
    return result.exit_code, result.output


def test_a_template_that_renders_cleanly(tmp_path: Path) -> None:
    code, out = _check(tmp_path, TEMPLATE, SLEEP, "--schema", "istio@1.7")
    assert (code, out) == (0, "")


def test_yaml_the_injector_cannot_decode_names_the_template_line(tmp_path: Path) -> None:
    # A label value starting with "- " makes the rendered args item a nested list.
    pods = tmp_path / "pods.yaml"
    pods.write_text(SLEEP.read_text().replace("app: sleep", 'app: "- x"'))
    code, out = _check(tmp_path, TEMPLATE, pods, "--schema", "istio@1.7")
    assert code == 1
    assert out.startswith(f"{tmp_path / 'inject.tmpl'}:9: error: rendering for Deployment sleep:")
    assert "cannot unmarshal array into Go struct field Container.Containers.args of type string" in out
    assert out.rstrip().endswith("[render-error]")


def test_execution_errors_name_line_and_column(tmp_path: Path) -> None:
    template = TEMPLATE + "  - {{ index .Spec.Containers 5 }}\n"
    code, out = _check(tmp_path, template, SLEEP, "--schema", "istio@1.7")
    assert code == 1
    assert f"{tmp_path / 'inject.tmpl'}:10:" in out and "index out of range: 5" in out


def test_render_with_needs_an_istio_schema(tmp_path: Path) -> None:
    code, out = _check(tmp_path, TEMPLATE, SLEEP)
    assert code == 2 and "--render-with needs --schema istio@X.Y" in out
