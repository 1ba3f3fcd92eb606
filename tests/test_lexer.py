"""Lexer invariants over generated templates (Go's answers themselves are checked
through the parse trees and errors in the other tests)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import gen_templates
from conftest import hypothesis_examples
from gotmpl import lexer as lx


@settings(max_examples=hypothesis_examples(300))
@given(data=st.data())
def test_items_point_at_their_text_and_line(data) -> None:
    left, right = data.draw(gen_templates.delim_pairs())
    text = data.draw(gen_templates.mutated(gen_templates.template_texts(left, right), left, right))
    items = lx.lex_all(text, left, right, emit_comment=True)
    assert items[-1].typ in (lx.EOF, lx.ERROR)
    for item in items:
        if item.typ in (lx.ERROR, lx.EOF):
            continue
        assert text[item.pos : item.pos + len(item.val)] == item.val
        assert item.line == 1 + text.count("\n", 0, item.pos)


@settings(max_examples=hypothesis_examples(300))
@given(text=gen_templates.template_texts())
def test_text_outside_actions_is_kept_unless_trimmed(text: str) -> None:
    items = lx.lex_all(text)
    if items[-1].typ == lx.ERROR or "{{-" in text or "-}}" in text:
        return
    # Without trim markers, text items are exactly the input outside the actions.
    outside = "".join(i.val for i in items if i.typ == lx.TEXT)
    assert len(outside) <= len(text)
    assert all(i.val in text for i in items if i.typ == lx.TEXT)
