"""The project's Markdown as server-side components (dashboard.prose): what each element becomes, raw HTML stays
text, and no page with prose makes the browser load dcc.Markdown's parser (issue 15: bytes of the first page)."""
from __future__ import annotations

from dash import dcc, html

from dashboard import content, prose


def test_prose_1_each_element_becomes_its_component():
    out = prose.components("### Head\n\nA *b* **c** `d` [e](https://example.org/f)\n\n- one\n- two\n\n"
                           "| x | y |\n| --- | --: |\n| 1 | 2 |\n")
    head, para, items, table = out
    assert isinstance(head, html.H3) and head.children == ["Head"]
    kinds = [type(c).__name__ if not isinstance(c, str) else c for c in para.children]
    assert kinds == ["A ", "Em", " ", "Strong", " ", "Code", " ", "A"]
    assert para.children[-1].href == "https://example.org/f" and para.children[-1].children == ["e"]
    assert isinstance(items, html.Ul) and [li.children for li in items.children] == [["one"], ["two"]]  # tight
    cells = [c for c in table._traverse() if isinstance(c, html.Td)]
    assert [c.children for c in cells] == [["1"], ["2"]] and cells[1].style == {"textAlign": "right"}


def test_prose_2_html_in_a_file_stays_text():
    para, = prose.components("Before <a href='https://evil.example/'>x</a><script>alert(1)</script> after")
    assert not [c for c in para._traverse() if isinstance(c, html.A)]
    assert "<script>alert(1)</script>" in "".join(c for c in para.children if isinstance(c, str))


def test_prose_3_the_pages_prose_needs_no_markdown_component(demo_warehouse):
    for name, values in (("conditions_note", content.rule_values()), ("methods", content.methods_values())):
        rendered = content.markdown(name, **values)
        assert not [c for c in rendered._traverse() if isinstance(c, dcc.Markdown)]
        text = " ".join(c for c in rendered._traverse() if isinstance(c, str))
        assert "{" not in text and len(text) > 200, name  # every placeholder filled, the whole text there
    assert any(isinstance(c, html.H3) for c in content.markdown("methods", **content.methods_values())._traverse())
