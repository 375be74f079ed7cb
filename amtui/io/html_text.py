"""HTML-only mail bodies as plain text, with the standard library's `html.parser` (no
third-party converter): block elements become line breaks, links keep their address,
scripts, styles and comments are dropped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
    "blockquote", "pre", "hr", "section", "article", "header", "footer", "dt", "dd",
}  # fmt: skip
_SKIP = {"script", "style", "head", "title", "template", "noscript"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.quote_depth = 0
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "blockquote":
            self.quote_depth += 1
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag == "a":
            self.href = dict(attrs).get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "a":
            self.href = None

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        text = re.sub(r"[ \t\r\n\f\v]+", " ", data)
        href = self.href or ""
        if href.startswith(("http://", "https://", "mailto:")) and (
            href.removeprefix("mailto:") not in text
        ):
            text = f"{text} <{href}>"
        at_line_start = not self.parts or self.parts[-1].endswith("\n")
        if self.quote_depth and at_line_start and text.strip():
            text = "> " + text  # quoted history is trimmed like `>` lines
        self.parts.append(text)


def html_to_text(html: str) -> str:
    """The readable text of an HTML body: one paragraph per block, no tags, no scripts."""
    parser = _Text()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # html.parser on pathological input
        pass
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
