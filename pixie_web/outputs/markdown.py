"""Markdown outputs rendered on the server, safe to insert into the page as HTML.

The original rendered markdown in the browser with no sanitiser, so a tool could put a script
into the dashboard. Here markdown-it-py runs with raw HTML disabled (any HTML in the source
comes out as text), and its link check refuses ``javascript:``, ``vbscript:``, ``file:`` and
non-image ``data:`` URLs. Two rules are added on top: an image whose address is neither a
``data:image`` URL nor a same-origin path becomes a link (the page's CSP would block it, and
Pixie works offline), and headings move down three levels so a "# Title" inside a card does not
outrank the page's own headings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markupsafe import Markup

from pixie_web.outputs.media import embeddable_path

_HEADING_SHIFT = 3


def _image(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = "".join(child.content for child in token.children or ())
    if src.lower().startswith("data:image/") or embeddable_path(src):
        return str(Markup('<img src="{}" alt="{}" loading="lazy">').format(src, alt))
    text = alt or src
    return str(
        Markup('<a href="{}" rel="noopener noreferrer">{}</a> (image at an external address)').format(
            src, text
        )
    )


def _heading_open(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    level = min(6, int(token.tag[1]) + _HEADING_SHIFT)
    return f"<h{level}>"


def _heading_close(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    level = min(6, int(tokens[idx].tag[1]) + _HEADING_SHIFT)
    return f"</h{level}>\n"


def _link_open(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if href.lower().startswith(("http://", "https://", "//")):
        token.attrSet("rel", "noopener noreferrer")
    return renderer.renderToken(tokens, idx, options, env)


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("image", _image)
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("heading_close", _heading_close)
    md.add_render_rule("link_open", _link_open)
    return md


_MD = _build()


def render_markdown(source: str) -> Markup:
    """Safe HTML for a markdown string."""
    return Markup(_MD.render(source))
