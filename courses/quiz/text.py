"""Renders question text in its format (html, markdown, plain, moodle) as safe HTML.

HTML from an imported file is not trusted: only a small allow-list of tags and attributes
survives, and links may only point to http(s), mailto or relative addresses.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "sub", "sup", "ul", "ol", "li", "code", "pre",
    "blockquote", "h3", "h4", "h5", "span", "div", "table", "thead", "tbody", "tr", "th", "td",
    "a", "hr",
}  # fmt: skip
VOID_TAGS = {"br", "hr"}
DROP_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "svg", "math"}
ALLOWED_ATTRS = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan"}}
BULLET = re.compile(r"^\s*[-*]\s+")
NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+")
SAFE_URL = re.compile(r"^(https?:|mailto:|/|#|[^:]*$)", re.IGNORECASE)


class _Sanitiser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DROP_CONTENT:
            self.skip += 1
            return
        if self.skip or tag not in ALLOWED_TAGS:
            return
        kept = []
        for name, value in attrs:
            if name in ALLOWED_ATTRS.get(tag, set()) and value is not None:
                if name == "href" and not SAFE_URL.match(value.strip()):
                    continue
                kept.append(f' {name}="{escape(value)}"')
        if tag == "a":
            kept.append(' rel="noopener noreferrer"')
        self.out.append(f"<{tag}{''.join(kept)}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in DROP_CONTENT:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip or tag not in ALLOWED_TAGS or tag in VOID_TAGS or tag not in self.open:
            return
        while self.open:
            current = self.open.pop()
            self.out.append(f"</{current}>")
            if current == tag:
                break

    def handle_data(self, data):
        if not self.skip:
            self.out.append(escape(data))

    def result(self) -> str:
        return "".join(self.out) + "".join(f"</{t}>" for t in reversed(self.open))


def sanitise_html(source: str) -> str:
    parser = _Sanitiser()
    parser.feed(source)
    parser.close()
    return parser.result()


def _markdown(source: str) -> str:
    """A deliberately small Markdown: paragraphs, **bold**, *emphasis*, `code`, bulleted
    and numbered lists. Everything else, HTML included, is shown as written (escaped)."""
    blocks = re.split(r"\n\s*\n", source.strip())
    out = []
    for block in blocks:
        lines = block.split("\n")
        if all(BULLET.match(line) for line in lines):
            items = "".join(f"<li>{_inline(BULLET.sub('', x))}</li>" for x in lines)
            out.append(f"<ul>{items}</ul>")
        elif all(NUMBERED.match(line) for line in lines):
            items = "".join(f"<li>{_inline(NUMBERED.sub('', x))}</li>" for x in lines)
            out.append(f"<ol>{items}</ol>")
        else:
            out.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return "".join(out)


CODE = re.compile(r"`([^`]+)`")
STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
EMPHASIS = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*]*?[^\s*])\*(?![*\w])")
EMPHASIS_UNDERSCORE = re.compile(r"(?<![_\w])_(?=[^\s_])([^_]*?[^\s_])_(?![_\w])")


def _inline(text: str) -> str:
    """Escapes the text, then marks up `code` (left as written inside), **strong** and
    *emphasis*; a lone asterisk (2 * 3) stays an asterisk."""
    parts = CODE.split(text)
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append(f"<code>{escape(part)}</code>")
            continue
        part = escape(part)
        part = STRONG.sub(r"<strong>\2</strong>", part)
        part = EMPHASIS.sub(r"<em>\1</em>", part)
        out.append(EMPHASIS_UNDERSCORE.sub(r"<em>\1</em>", part))
    return "".join(out)


#: Formats shown with the small Markdown: Markdown itself, and Moodle's auto-format (the
#: default of GIFT files), whose authors write **bold** and *emphasis* the same way.
MARKDOWN_FORMATS = {"markdown", "moodle"}


def render_text(source: str, fmt: str = "plain", *, inline: bool = False) -> SafeString:
    """Safe HTML for a question, choice or feedback text in the given format."""
    if fmt == "html":
        rendered = sanitise_html(source)
    elif fmt in MARKDOWN_FORMATS:
        rendered = _markdown(source)
        if inline and rendered.startswith("<p>") and rendered.count("<p>") == 1:
            rendered = rendered[3:-4]
    elif inline:
        rendered = escape(source).replace("\n", "<br>")
    else:
        rendered = linebreaks(source, autoescape=True)
    return mark_safe(rendered)  # noqa: S308 - sanitised or escaped above


def plain_text(source: str, fmt: str = "plain") -> str:
    """Text without markup (for admin tables and CSV)."""
    if fmt == "html":
        return html.unescape(re.sub(r"<[^>]+>", " ", source)).strip()
    if fmt in MARKDOWN_FORMATS:
        spaced = re.sub(r"<(br|/p|/li)>", " ", _markdown(source))
        return " ".join(html.unescape(re.sub(r"<[^>]+>", "", spaced)).split())
    return source.strip()
