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
