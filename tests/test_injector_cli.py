"""The injector command line: kube-inject with the embedded and with given
configuration, the seed document's manual-injection walk-through, errors."""

from __future__ import annotations

import pathlib

import pytest
import yaml
from click.testing import CliRunner

from injector.cli import main
from injector.versions import RELEASES
from oracle import shared_dir

ROOT = pathlib.Path(__file__).resolve().parent.parent
SLEEP = ROOT / "fixtures" / "sleep.yaml"
SHARED = shared_dir()


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def _documents(text: str) -> list:
    return [d for d in yaml.safe_load_all(text) if d is not None]


def _pod_containers(doc: dict) -> list[str]:
    return [c["name"] for c in doc["spec"]["template"]["spec"]["containers"]]


def test_kube_inject_with_the_embedded_config() -> None:
    result = run("kube-inject", "-f", str(SLEEP))
    assert result.exit_code == 0, result.output
    service, deployment = _documents(result.output)
    assert _pod_containers(deployment) == ["sleep", "istio-proxy"]
    assert [c["name"] for c in deployment["spec"]["template"]["spec"]["initContainers"]] == ["istio-init"]
    status = deployment["spec"]["template"]["metadata"]["annotations"]["sidecar.istio.io/status"]
    assert '"containers":["istio-proxy"]' in status
    # The Service is not a kind kube-inject handles: copied byte for byte.
    first = SLEEP.read_text().split("\n---\n")[0] + "\n"
    assert result.output.startswith(first + "---\n")
    assert result.output.endswith("---\n")


@pytest.mark.parametrize("version", [r.name for r in RELEASES.values()])
def test_every_release_injects_with_the_embedded_config(version: str) -> None:
    result = run("kube-inject", "-f", str(SLEEP), "--istio-version", version)
    assert result.exit_code == 0, result.output
    deployment = _documents(result.output)[1]
    assert _pod_containers(deployment) == ["sleep", "istio-proxy"]
    status = deployment["spec"]["template"]["metadata"]["annotations"]["sidecar.istio.io/status"]
    assert ('"imagePullSecrets":null' in status) == (version >= "0.8")


def test_emit_template_swaps_delimiters_for_bracket_releases() -> None:
    braces = run("kube-inject", "-f", str(SLEEP), "--emitTemplate", "--istio-version", "0.5").output
    brackets = run("kube-inject", "-f", str(SLEEP), "--emitTemplate", "--istio-version", "1.1").output
    assert "{{ .MeshConfig.ProxyListenPort }}" in braces
    assert "[[ .MeshConfig.ProxyListenPort ]]" in brackets and "{{" not in brackets


def test_output_file_is_whole_or_absent(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "out.yaml"
    assert run("kube-inject", "-f", str(SLEEP), "-o", str(out)).exit_code == 0
    good = out.read_text()
    assert "istio-proxy" in good
    bad = tmp_path / "bad.yaml"
    bad.write_text(SLEEP.read_text() + "---\napiVersion: extensions/v1beta1\nkind: Deployment\nspec: [\n")
    result = run("kube-inject", "-f", str(bad), "-o", str(out))
    assert result.exit_code == 1
    assert "document 3" in result.output
    assert out.read_text() == good  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "out.yaml"]


def test_stdin_and_json_input() -> None:
    manifest = '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "i"}]}}'
    result = run("kube-inject", "-f", "-", input=manifest)
    assert result.exit_code == 0, result.output
    pod = _documents(result.output)[0]
    assert [c["name"] for c in pod["spec"]["containers"]] == ["c", "istio-proxy"]


def test_host_network_is_skipped_with_istios_message() -> None:
    manifest = SLEEP.read_text().replace("    spec:\n      containers:", "    spec:\n      hostNetwork: true\n      containers:")
    result = run("kube-inject", "-f", "-", input=manifest)
    assert result.exit_code == 0
    assert "Skipping injection because 'sleep' has host networking enabled" in result.output
    assert "istio-proxy" not in result.stdout if hasattr(result, "stdout") else True


def test_bad_inject_config_names_file_line_and_column(tmp_path: pathlib.Path) -> None:
    config = tmp_path / "inject-config.yaml"
    config.write_text("policy: enabled\ntemplate: [unclosed\n")
    result = run("kube-inject", "-f", str(SLEEP), "--injectConfigFile", str(config))
    assert result.exit_code == 1
    assert f"{config}:3:1:" in result.output and "did not find expected" in result.output


def test_template_parse_error_names_the_template_line(tmp_path: pathlib.Path) -> None:
    config = tmp_path / "inject-config.yaml"
    config.write_text("policy: enabled\ntemplate: |\n  containers:\n  - name: {{ .ObjectMeta.Name \n")
    result = run("kube-inject", "-f", str(SLEEP), "--injectConfigFile", str(config), "--istio-version", "1.2")
    assert result.exit_code == 1
    # The action opened on template line 2 (file line 4) is unclosed at its end.
    assert f"{config}:5: template line 3" in result.output
    assert "template: inject:3: unclosed action started at inject:2" in result.output


def test_decode_error_names_the_rendered_line(tmp_path: pathlib.Path) -> None:
    config = tmp_path / "inject-config.yaml"
    config.write_text('policy: enabled\ntemplate: |\n  containers:\n  - name: x\n    ports:\n    - containerPort: "{{ .ObjectMeta.Name }}"\n')
    result = run("kube-inject", "-f", str(SLEEP), "--injectConfigFile", str(config), "--istio-version", "1.2")
    assert result.exit_code == 1
    assert "document 2 (Deployment 'sleep')" in result.output
    assert "line 4 of the rendered template" in result.output
    # The traced re-render finds the action that wrote the bad value.
    assert f"written by {config}:6: template line 4" in result.output
    assert "containerPort" in result.output


def test_bad_mesh_config_names_the_file(tmp_path: pathlib.Path) -> None:
    mesh = tmp_path / "mesh.yaml"
    mesh.write_text("defaultConfig:\n  drainDuration: forever\n")
    result = run("kube-inject", "-f", str(SLEEP), "--meshConfigFile", str(mesh), "--istio-version", "1.1")
    assert result.exit_code == 1
    assert str(mesh) in result.output and "defaultConfig.drainDuration" in result.output
    assert "invalid duration" in result.output


def test_unknown_version_is_a_clear_error() -> None:
    result = run("kube-inject", "-f", str(SLEEP), "--istio-version", "2.0")
    assert result.exit_code == 1
    assert "Istio 2.0 is not supported" in result.output


def test_exclusive_flags_are_usage_errors(tmp_path: pathlib.Path) -> None:
    result = run("kube-inject", "-f", str(SLEEP), "--meshConfigFile", "a", "--meshConfigMapFile", "b")
    assert result.exit_code == 2


def test_extract_prints_a_configmap_key(tmp_path: pathlib.Path) -> None:
    cm = tmp_path / "cm.yaml"
    cm.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  config: |-\n    policy: enabled\n")
    result = run("extract", "-f", str(cm), "-k", "config")
    assert result.exit_code == 0 and result.output == "policy: enabled"
    missing = run("extract", "-f", str(cm), "-k", "mesh")
    assert missing.exit_code == 1 and "has no data.mesh" in missing.output


@pytest.mark.skipif(
    SHARED is None or not (SHARED / "upstream/istio/0.5.0/install").is_dir(),
    reason="the 0.5.0 ConfigMaps are read from ../shared/upstream/istio, which is absent",
)
def test_the_seed_walkthrough(tmp_path: pathlib.Path) -> None:
    """../shared/seed-sidecar-injection.zh.md, manual injection, with our commands
    in place of kubectl's jsonpath and istioctl's kube-inject."""
    templates = SHARED / "upstream/istio/0.5.0/install/kubernetes/templates"
    # install/updateVersion.sh makes the release files from these sources.
    for name in ("istio-sidecar-injector-configmap-release.yaml", "istio-config.yaml"):
        text = (templates / f"{name}.tmpl").read_text()
        text = text.replace("{PILOT_HUB}", "docker.io/istio").replace("{PILOT_TAG}", "0.5.0")
        (tmp_path / name).write_text(text.replace("{ISTIO_NAMESPACE}", "istio-system"))
    inject_config, mesh_config = tmp_path / "inject-config.yaml", tmp_path / "mesh-config.yaml"
    r1 = run("extract", "-f", str(tmp_path / "istio-sidecar-injector-configmap-release.yaml"), "-k", "config", "-o", str(inject_config))
    r2 = run("extract", "-f", str(tmp_path / "istio-config.yaml"), "-k", "mesh", "-o", str(mesh_config))
    assert r1.exit_code == 0 and r2.exit_code == 0, (r1.output, r2.output)
    out = tmp_path / "sleep-injected.yaml"
    result = run(
        "kube-inject",
        "--injectConfigFile", str(inject_config),
        "--meshConfigFile", str(mesh_config),
        "--filename", str(SLEEP),
        "--output", str(out),
        "--istio-version", "0.5",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    deployment = _documents(out.read_text())[1]
    assert _pod_containers(deployment) == ["sleep", "istio-proxy"]
    proxy = deployment["spec"]["template"]["spec"]["containers"][1]
    assert proxy["image"] == "docker.io/istio/proxy:0.5.0"
    assert "--serviceCluster" in proxy["args"] and "sleep" in proxy["args"]


def test_every_kind_a_release_injects_has_a_go_type() -> None:
    from injector.kubeinject import object_type
    from injector.versions import RELEASES

    for rel in RELEASES.values():
        for api_version, kind in sorted(rel.kube_inject_kinds):
            assert object_type(rel, api_version, kind) is not None, (rel.name, api_version, kind)
