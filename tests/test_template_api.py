"""The Template set API (Go's text/template Template, in Python style).

Where a behaviour shows in Go's output (trees after redefinition, which
templates exist), the expected values come from Go through the oracle or the
recorded goldens; the rest checks the API's own contract.
"""

from __future__ import annotations

import pathlib

import pytest

from gotmpl import ParseError, Template, parse_files, parse_glob


def test_parse_returns_template_and_registers_defines() -> None:
    t = Template("main")
    assert t.parse('{{define "a"}}A{{end}}{{template "a"}}') is t
    assert str(t.root) == '{{template "a"}}'
    assert str(t.lookup("a").root) == "A"
    assert t.lookup("missing") is None
    assert [x.name for x in t.templates()] == ["a", "main"]


def test_new_shares_the_set_and_delims() -> None:
    t = Template("a").delims("[[", "]]")
    b = t.new("b").parse("[[.X]]")
    assert t.lookup("b") is b and b.left_delim == "[["
    assert str(b.root) == "[[.X]]"


def test_parse_error_carries_go_text_and_position() -> None:
    with pytest.raises(ParseError) as info:
        Template("t").parse("line1\n{{if .}}\n{{.X | }}{{else}}{{else}}{{end}}")
    err = info.value
    assert (err.name, err.line) == ("t", 3)
    assert str(err).startswith("template: t:3: ")
    assert err.column >= 1


def test_defined_templates_lists_every_parsed_template() -> None:
    t = Template("t").parse('{{define "b"}}B{{end}}{{define "a"}}A{{end}}x')
    text = t.defined_templates()
    assert text.startswith("; defined templates are: ")
    assert sorted(text.split(": ", 1)[1].split(", ")) == ['"a"', '"b"', '"t"']
    assert Template("empty").defined_templates() == ""


def test_clone_is_independent() -> None:
    t = Template("t").parse('{{define "a"}}A{{end}}main')
    c = t.clone()
    c.new("b").parse("B")
    c.lookup("a").parse("changed")
    assert t.lookup("b") is None
    assert str(t.lookup("a").root) == "A"
    assert str(c.lookup("a").root) == "changed"
    assert c.lookup("t") is c and str(c.root) == "main"


def test_add_parse_tree_follows_go_rules() -> None:
    src = Template("src").parse('{{define "x"}}X{{end}}')
    t = Template("t").parse("main")
    added = t.add_parse_tree("x", src.lookup("x").tree)
    assert t.lookup("x") is added and str(added.root) == "X"
    # An empty tree does not replace a non-empty one.
    empty = Template("e").parse('{{define "x"}}  {{end}}').lookup("x").tree
    t.add_parse_tree("x", empty)
    assert str(t.lookup("x").root) == "X"


def test_funcs_and_options_are_validated() -> None:
    t = Template("t").funcs({"myFn": len})
    assert str(t.parse("{{myFn .}}").root) == "{{myFn .}}"
    with pytest.raises(ValueError, match="not a valid identifier"):
        Template("t").funcs({"bad-name": len})
    with pytest.raises(ValueError, match="not a function"):
        Template("t").funcs({"x": 1})
    for opt in ("missingkey=default", "missingkey=invalid", "missingkey=zero", "missingkey=error"):
        Template("t").option(opt)
    assert Template("t").option("missingkey=zero").missingkey == "zero"
    with pytest.raises(ValueError, match="unrecognized option"):
        Template("t").option("missingkey=bogus")
    with pytest.raises(ValueError, match="empty option"):
        Template("t").option("")


def test_functions_must_exist_before_parsing() -> None:
    with pytest.raises(ParseError, match='function "later" not defined'):
        Template("t").parse("{{later}}")
    assert Template("t").funcs({"later": str}).parse("{{later}}")


def test_break_is_a_function_when_one_is_defined(oracle) -> None:
    # Without a "break" function Go rejects {{break}} outside range; so do we.
    req = {"mode": "parse", "template": "{{break}}"}
    with pytest.raises(ParseError) as info:
        Template("t").parse(req["template"])
    assert str(info.value) == oracle.run(req)["error"]
    # With one (Go's lexer then reads "break" as an identifier), it is a call anywhere.
    t = Template("t").funcs({"break": str, "continue": str})
    assert str(t.parse("{{break 1}}{{continue}}").root) == "{{break 1}}{{continue}}"


def test_parse_files_and_glob(tmp_path: pathlib.Path) -> None:
    (tmp_path / "main.tmpl").write_text('main {{template "part.tmpl" .}}')
    (tmp_path / "part.tmpl").write_text("part {{.}}")
    (tmp_path / "bytes.tmpl").write_bytes(b"\xff{{.}}")
    t = parse_files(str(tmp_path / "main.tmpl"), str(tmp_path / "part.tmpl"))
    assert t.name == "main.tmpl" and str(t.lookup("part.tmpl").root) == "part {{.}}"
    g = parse_glob(str(tmp_path / "*.tmpl"))
    assert {x.name for x in g.templates()} == {"main.tmpl", "part.tmpl", "bytes.tmpl"}
    raw = g.lookup("bytes.tmpl").root.nodes[0].text
    assert raw.encode("utf-8", "surrogateescape") == b"\xff"
    with pytest.raises(ValueError, match="pattern matches no files"):
        parse_glob(str(tmp_path / "*.none"))
    with pytest.raises(ValueError, match="no files named"):
        parse_files()
    with pytest.raises(OSError, match="no such file"):
        parse_files(str(tmp_path / "absent.tmpl"))


def test_known_funcs_only_affect_parsing() -> None:
    t = Template("t").known_funcs({"upper"})
    assert str(t.parse('{{upper "x"}}').root) == '{{upper "x"}}'
    assert "upper" not in t.func_map


def test_render_traced_maps_output_to_template_lines() -> None:
    t = Template("x").parse('a\nb{{.}}c\n{{if .}}yes\n{{.}}{{end}}{{template "d" .}}\nend{{define "d"}}<{{.}}>{{end}}')
    out, spans = t.render_traced("V")
    assert out == t.render("V") == "a\nbVc\nyes\nV<V>\nend"
    def line_at(offset: int) -> tuple[str, int]:
        return [(name, line) for start, name, line in spans if start <= offset][-1]
    assert line_at(out.index("a")) == ("x", 1)
    assert line_at(out.index("V")) == ("x", 2)
    assert line_at(out.index("yes")) == ("x", 3)
    assert line_at(out.index("\nV<") + 1) == ("x", 4)
    # {{define}}d templates report the text they were parsed from, as Go's
    # error contexts do.
    assert line_at(out.index("<")) == ("x", 5)
    assert line_at(out.index("end")) == ("x", 5)
