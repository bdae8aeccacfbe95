"""The project's own Markdown (``dashboard/content/*.md``) as Dash HTML components, parsed on the server.

``dcc.Markdown`` made the browser fetch its Markdown parser and a syntax highlighter (100 KB compressed, 450 KB of
JavaScript to run) on the pages with prose; the Markdown here is fixed project text, so it is parsed once on the
server with markdown-it-py (CommonMark, raw HTML off: an HTML tag in a file stays text) and sent as components.
Only the elements Markdown produces are mapped, each to its Dash component; nothing is ever set as markup.
"""
from __future__ import annotations

from functools import cache

from dash import html
from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark", {"html": False}).enable("table")
_TAGS = {name.lower(): getattr(html, name) for name in (
    "P", "H1", "H2", "H3", "H4", "H5", "H6", "Ul", "Ol", "Li", "Strong", "Em", "A", "Blockquote", "Table", "Thead",
    "Tbody", "Tr", "Th", "Td", "S", "Code", "Pre", "Hr", "Br")}


def components(text: str) -> list:
    """``text`` (Markdown) as a list of Dash components."""
    return _build(_PARSER.parse(text))


@cache
def cached(text: str) -> tuple:
    """``components`` kept by text (the files do not change while the app runs; placeholders make new texts)."""
    return tuple(components(text))


def _element(tag: str, children: list, attrs: dict):
    make = _TAGS[tag]
    kwargs = {}
    if tag == "a" and attrs.get("href"):
        kwargs["href"] = str(attrs["href"])
    if tag == "ol" and attrs.get("start"):
        kwargs["start"] = int(attrs["start"])
    if tag in ("th", "td") and attrs.get("style"):
        kwargs["style"] = {"textAlign": str(attrs["style"]).rsplit(":", 1)[-1]}
    return make(children, **kwargs) if children else make(**kwargs)


def _build(tokens) -> list:
    out: list = []
    stack: list[tuple[str | None, list, dict]] = []

    def add(item):
        (stack[-1][1] if stack else out).append(item)

    for token in tokens:
        kind = token.type
        if kind.endswith("_open"):
            # A tight list's paragraphs are hidden: their text goes straight into the item.
            stack.append((None if token.hidden else token.tag, [], dict(token.attrs or {})))
        elif kind.endswith("_close"):
            tag, children, attrs = stack.pop()
            if tag is None:
                for child in children:
                    add(child)
            else:
                add(_element(tag, children, attrs))
        elif kind == "inline":
            for child in _build(token.children or []):
                add(child)
        elif kind == "text":
            add(token.content)
        elif kind == "softbreak":
            add("\n")
        elif kind == "hardbreak":
            add(html.Br())
        elif kind == "code_inline":
            add(html.Code(token.content))
        elif kind in ("fence", "code_block"):
            add(html.Pre(html.Code(token.content)))
        elif kind == "hr":
            add(html.Hr())
        elif kind in ("html_inline", "html_block"):
            add(token.content)  # never markup: shown as the text it is (raw HTML is off, so rarely reached)
        elif kind == "image":
            add(token.content)  # the alt text: project prose has no images
    return out
