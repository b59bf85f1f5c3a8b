"""Stage 2 — clean: raw page text to article text plus title, outlet, date and URL.

Full HTML pages go through trafilatura's main-content extraction; HTML fragments inside Markdown
or text (as news mirrors publish them) through the standard library's HTML parser; plain text
passes through. Rules are matched against the normalised line (Simplified script, NFKC), so a
Traditional or full-width page is cleaned by the same rules.
Navigation, ads, captions, weather tables, related-article lists and comment sections are
dropped by the rules in ``kg/cleaning.toml``. The result's ``text`` is what every offset in the
graph points into.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from html.parser import HTMLParser
from typing import Any

import trafilatura

from kg.normalize import to_simplified
from kg.read import RawDocument
from kg.vocabulary import cleaning_rules

_FINAL = "。！？!?”」』\"'）)"
_WS_NEWLINE = re.compile(r"\s*\n\s*")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


@dataclass(frozen=True)
class Document:
    """A cleaned article."""

    doc_id: str
    text: str
    title: str
    source_file: str
    sha256: str
    encoding: str = "utf-8"
    outlet: str | None = None
    original_source: str | None = None
    date: date | None = None
    url: str | None = None


@dataclass(frozen=True)
class _Rules:
    skip_tags: frozenset[str]
    skip_attr: re.Pattern[str]
    block_tags: frozenset[str]
    flow_tags: frozenset[str]
    drop_lines: tuple[re.Pattern[str], ...]
    drop_inline: tuple[re.Pattern[str], ...]
    ends: tuple[re.Pattern[str], ...]
    join_min: int
    title: re.Pattern[str]
    outlets: tuple[tuple[re.Pattern[str], str | None], ...]
    sources: tuple[tuple[re.Pattern[str], str | None], ...]
    dates: tuple[re.Pattern[str], ...]
    urls: tuple[re.Pattern[str], ...]


def _named(items: list[dict[str, Any]]) -> tuple[tuple[re.Pattern[str], str | None], ...]:
    return tuple((re.compile(i["pattern"], re.M), i.get("name")) for i in items)


@cache
def _rules() -> _Rules:
    r = cleaning_rules()
    return _Rules(
        skip_tags=frozenset(r["skip_tags"]),
        skip_attr=re.compile(r["skip_attr_pattern"]),
        block_tags=frozenset(r["block_tags"]),
        flow_tags=frozenset(r["inline_flow_tags"]),
        drop_lines=tuple(re.compile(p) for p in r["drop_line_patterns"]),
        drop_inline=tuple(re.compile(p) for p in r["drop_inline_patterns"]),
        ends=tuple(re.compile(p) for p in r["end_patterns"]),
        join_min=int(r["join_min_chars"]),
        title=re.compile(r["title_pattern"]),
        outlets=_named(r["outlet_patterns"]),
        sources=_named(r["source_patterns"]),
        dates=tuple(re.compile(p, re.M) for p in r["date_patterns"]),
        urls=tuple(re.compile(p, re.M) for p in r["url_patterns"]),
    )


_VOID = frozenset({"img", "br", "hr", "meta", "link", "input", "source", "wbr"})


class _TextExtractor(HTMLParser):
    """Collects text outside skipped elements; block elements become line breaks."""

    def __init__(self, rules: _Rules) -> None:
        super().__init__(convert_charrefs=True)
        self.rules = rules
        self.parts: list[str] = []
        self.skip_stack: list[str] = []
        self.flow_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_stack:
            if tag not in _VOID:
                self.skip_stack.append(tag)
            return
        marker = " ".join(v or "" for k, v in attrs if k in ("class", "id"))
        if tag in self.rules.skip_tags or (marker and self.rules.skip_attr.search(marker)):
            if tag not in _VOID:
                self.skip_stack.append(tag)
            return
        if tag in self.rules.block_tags:
            self.parts.append("\n")
        if tag in self.rules.flow_tags:
            self.flow_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.skip_stack:
            if tag in self.skip_stack:
                while self.skip_stack and self.skip_stack.pop() != tag:
                    pass
            return
        if tag in self.rules.flow_tags and self.flow_depth:
            self.flow_depth -= 1
        if tag in self.rules.block_tags:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip_stack:
            return
        if self.flow_depth:
            data = _WS_NEWLINE.sub("", data)
        self.parts.append(data)


def html_to_text(raw: str) -> str:
    """Text of an HTML (or Markdown-with-HTML) page, skipped elements removed.

    >>> html_to_text("<p>人脸\\n  <strong>照片</strong>\\n</p><script>x</script>").strip()
    '人脸照片'
    """
    parser = _TextExtractor(_rules())
    parser.feed(raw)
    parser.close()
    return "".join(parser.parts)


_FULL_PAGE = re.compile(r"<html[\s>]|<body[\s>]|<!doctype html", re.I)


def _rule_view(line: str) -> str:
    """What cleaning rules are matched against: NFKC and Simplified (same length not needed)."""
    if line.isascii():
        return line
    if not unicodedata.is_normalized("NFKC", line):
        line = unicodedata.normalize("NFKC", line)
    return to_simplified(line)


def _matches(patterns: Sequence[re.Pattern[str]], line: str) -> bool:
    """Whether any of ``patterns`` matches the rule view of ``line`` (computed once)."""
    if not patterns:
        return False
    view = _rule_view(line)
    return any(p.search(view) for p in patterns)


def page_to_text(raw: str) -> tuple[str, dict[str, str]]:
    """Main text and metadata of a full HTML page, by trafilatura."""
    text = trafilatura.extract(
        raw, include_comments=False, include_tables=False, favor_precision=True, deduplicate=False
    )
    meta = trafilatura.extract_metadata(raw)
    found = {}
    if meta is not None:
        for key, value in (
            ("title", meta.title),
            ("url", meta.url),
            ("outlet", meta.sitename),
            ("date", meta.date),
        ):
            if value:
                found[key] = str(value)
    title = found.get("title")
    body = text or ""
    if title and not body.startswith(title):
        body = f"{title}\n{body}"
    return body, found


def _first(patterns: tuple[tuple[re.Pattern[str], str | None], ...], text: str) -> str | None:
    for pattern, name in patterns:
        m = pattern.search(text)
        if m:
            return name or m.group("outlet").strip()
    return None


def _metadata(page: str) -> dict[str, Any]:
    rules = _rules()
    found: dict[str, Any] = {
        "outlet": _first(rules.outlets, page),
        "original_source": _first(rules.sources, page),
    }
    for pattern in rules.dates:
        m = pattern.search(page)
        if m:
            found["date"] = date(int(m["y"]), int(m["m"]), int(m["d"]))
            break
    for pattern in rules.urls:
        m = pattern.search(page)
        if m:
            url = m["url"].rstrip("<>")
            found["url"] = url if "://" in url else "http://" + url
            break
    return found


def _article_lines(page: str) -> list[tuple[str, bool]]:
    """Kept lines of the article, each with whether it was a heading."""
    rules = _rules()
    lines: list[tuple[str, bool]] = []
    for raw_line in page.split("\n"):
        if lines and _matches(rules.ends, raw_line):
            break
        line = raw_line
        for p in rules.drop_inline:
            line = p.sub("", line)
        line = _SPACES.sub(" ", line).strip()
        if not line or _matches(rules.drop_lines, line):
            continue
        m = rules.title.match(line)
        lines.append((m.group("title").strip(), True) if m else (line, False))
    return lines


def _join_broken(lines: list[tuple[str, bool]], join_min: int) -> list[str]:
    joined: list[str] = []
    can_join = False
    for line, heading in lines:
        if can_join and not heading:
            joined[-1] += line
        else:
            joined.append(line)
        last = joined[-1]
        can_join = not heading and len(last) >= join_min and last[-1] not in _FINAL
    return joined


def clean(raw: RawDocument) -> Document:
    """Clean one raw document into article text and metadata.

    >>> from pathlib import Path
    >>> d = clean(RawDocument("d", Path("d.md"), "### 标题\\n<p>正文。</p>\\n热门文章\\n广告", "0"))
    >>> d.text, d.title
    ('标题\\n正文。', '标题')
    """
    rules = _rules()
    page_meta: dict[str, str] = {}
    if _FULL_PAGE.search(raw.text[:5000]):
        page, page_meta = page_to_text(raw.text)
    elif "<" in raw.text:
        page = html_to_text(raw.text)
    else:
        page = raw.text
    lines = _article_lines(page)
    # A caption repeating the title is dropped after the title itself.
    title = lines[0][0] if lines else ""
    lines = lines[:1] + [ln for ln in lines[1:] if not (title and ln[0].startswith(title))]
    # The title stands alone even when it was not marked as a heading.
    text_lines = _join_broken(
        [(ln, heading or i == 0) for i, (ln, heading) in enumerate(lines)], rules.join_min
    )
    meta = _metadata(_rule_view(raw.text))
    for key, value in {**page_meta, **raw.meta}.items():  # what the page or record states wins
        if key == "date":
            try:
                meta["date"] = date.fromisoformat(value[:10])
            except ValueError:
                pass
        elif key in ("url", "outlet"):
            meta[key] = value
    return Document(
        doc_id=raw.doc_id,
        text="\n".join(text_lines),
        title=title,
        source_file=raw.path.name,
        sha256=raw.sha256,
        encoding=raw.encoding,
        **meta,
    )
