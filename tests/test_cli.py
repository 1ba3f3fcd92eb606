"""The gotmpl command line: parse and batch."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

from click.testing import CliRunner

from gotmpl.cli import main


def test_parse_prints_every_template_tree(tmp_path: pathlib.Path) -> None:
    f = tmp_path / "page.tmpl"
    f.write_text('{{define "x"}}X{{end}}{{if .A}}a{{else if .B}}b{{end}}')
    result = CliRunner().invoke(main, ["parse", str(f)])
    assert result.exit_code == 0
    assert "==> page.tmpl <==\n{{if .A}}a{{else}}{{if .B}}b{{end}}{{end}}\n" in result.output
    assert "==> x <==\nX\n" in result.output


def test_parse_tree_dump_has_positions(tmp_path: pathlib.Path) -> None:
    f = tmp_path / "t"
    f.write_text("ab\n  {{.A.B}}")
    result = CliRunner().invoke(main, ["parse", "--tree", str(f)])
    assert result.exit_code == 0
    assert "Field 2:6 '.A.B'" in result.output


def test_parse_custom_delims_and_funcs(tmp_path: pathlib.Path) -> None:
    f = tmp_path / "t"
    f.write_text("[[ upper .X ]]")
    assert CliRunner().invoke(main, ["parse", "--delims", "[[", "]]", str(f)]).exit_code == 1
    result = CliRunner().invoke(main, ["parse", "--delims", "[[", "]]", "--funcs", "sprig", str(f)])
    assert result.exit_code == 0 and "[[upper .X]]" in result.output


def test_parse_error_exits_1_with_go_text(tmp_path: pathlib.Path) -> None:
    f = tmp_path / "bad.tmpl"
    f.write_text("{{if .}}")
    result = CliRunner().invoke(main, ["parse", str(f)])
    assert result.exit_code == 1
    assert result.output.strip() == "template: bad.tmpl:1: unexpected EOF"


def test_missing_file_is_a_clean_error(tmp_path: pathlib.Path) -> None:
    result = CliRunner().invoke(main, ["parse", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "no such file" in result.output and "Traceback" not in result.output


def test_usage_error_exits_2() -> None:
    assert CliRunner().invoke(main, ["parse"]).exit_code == 2
    assert CliRunner().invoke(main, ["parse", "--funcs", "bogus", "x"]).exit_code == 2


def test_batch_parse_speaks_the_oracle_protocol(oracle) -> None:
    reqs = [
        {"template": "{{if .}}x{{end}}", "id": 1},
        {"template": "{{if}}", "id": "two"},
        {"template": "[[.A]]", "delims": ["[[", "]]"]},
        {"template": "{{upper .}}", "funcs": ["sprig"]},
        {"template": "{{/* c */}}", "parse_mode": ["comments"]},
    ]
    lines = "\n".join(json.dumps(r) for r in reqs) + "\n\n"
    proc = subprocess.run(
        [sys.executable, "-m", "gotmpl.cli", "batch", "--parse"], input=lines, capture_output=True, text=True, check=True
    )
    ours = [json.loads(line) for line in proc.stdout.splitlines()]
    assert ours == oracle.run_many([{"mode": "parse", **r} for r in reqs])


def test_batch_bad_lines_get_request_errors() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gotmpl.cli", "batch", "--parse"],
        input='not json\n{"bogus": 1}\n{"template": "x", "mode": "exec", "data": {"t": "nosuchtype", "v": 1}}\n',
        capture_output=True,
        text=True,
        check=True,
    )
    answers = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [a["phase"] for a in answers] == ["request"] * 3
    assert all(a["error"].startswith("gotmpl: ") for a in answers)


def test_render_yaml_data_as_helm_sees_it(tmp_path: pathlib.Path, oracle) -> None:
    """YAML numbers are float64 (Helm's view): Go prints 1000000 as 1e+06."""
    (tmp_path / "t.tmpl").write_text("a={{.a}} b={{index .b 0}} c={{.c}} s={{.s.t}} {{printf \"%T\" .s.t}}")
    (tmp_path / "d.yaml").write_text("a: 1000000\nb: [x, 2.5]\nc: yes\n")
    result = CliRunner().invoke(main, ["render", str(tmp_path / "t.tmpl"), "-d", str(tmp_path / "d.yaml"), "--set", "s.t=5"])
    assert result.exit_code == 0, result.output
    go = oracle.run(
        {
            "template": (tmp_path / "t.tmpl").read_text(),
            "data": {
                "t": "map[string]any",
                "v": {"a": 1000000, "b": ["x", 2.5], "c": True, "s": {"t": "map[string]any", "v": {"t": {"t": "int64", "v": 5}}}},
            },
        }
    )
    assert result.output == go["output"]


def test_render_typed_data_and_named_template(tmp_path: pathlib.Path) -> None:
    (tmp_path / "t.tmpl").write_text('{{define "x"}}{{printf "%T=%v" . .}}{{end}}main')
    (tmp_path / "d.json").write_text(json.dumps({"t": "int8", "v": -3}))
    result = CliRunner().invoke(main, ["render", str(tmp_path / "t.tmpl"), "--typed-data", str(tmp_path / "d.json"), "-t", "x"])
    assert result.exit_code == 0 and result.output == "int8=-3"


def test_render_error_keeps_partial_stdout_but_writes_no_file(tmp_path: pathlib.Path) -> None:
    (tmp_path / "t.tmpl").write_text("before {{.a.b}} after")
    (tmp_path / "d.json").write_text('{"a": 1}')
    result = CliRunner().invoke(main, ["render", str(tmp_path / "t.tmpl"), "-d", str(tmp_path / "d.json")])
    assert result.exit_code == 1
    assert result.output.startswith("before ") and "can't evaluate field b" in result.output
    out = tmp_path / "out.txt"
    result = CliRunner().invoke(main, ["render", str(tmp_path / "t.tmpl"), "-d", str(tmp_path / "d.json"), "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".gotmpl-")]


def test_render_option_missingkey_and_output_file(tmp_path: pathlib.Path) -> None:
    (tmp_path / "t.tmpl").write_text("[{{.missing}}]")
    out = tmp_path / "o.txt"
    ok = CliRunner().invoke(main, ["render", str(tmp_path / "t.tmpl"), "-o", str(out), "--set", "x=1"])
    assert ok.exit_code == 0 and out.read_text() == "[<no value>]"
    bad = CliRunner().invoke(main, ["render", str(tmp_path / "t.tmpl"), "--option", "missingkey=error", "--set", "x=1"])
    assert bad.exit_code == 1 and 'map has no entry for key "missing"' in bad.output


def test_render_bad_data_is_a_clean_error(tmp_path: pathlib.Path) -> None:
    (tmp_path / "t.tmpl").write_text("x")
    (tmp_path / "d.yaml").write_text("a: [1, 2\n")
    result = CliRunner().invoke(main, ["render", str(tmp_path / "t.tmpl"), "-d", str(tmp_path / "d.yaml")])
    assert result.exit_code == 1 and "d.yaml:" in result.output and "Traceback" not in result.output
