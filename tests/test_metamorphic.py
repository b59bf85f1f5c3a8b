"""Metamorphic tests: the same article in another script, encoding or page gives the same graph
content — the same concepts and claims — with every offset correct in the variant's own text."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import opencc
import pytest

from kg.extract import Extraction
from kg.mentions import Mention
from kg.normalize import normalize
from kg.pipeline import extract_paths
from tests.conftest import SEED_FILES, SEED_IDS

_S2TW = opencc.OpenCC("s2tw")

#: Page furniture around the article; it names concepts, so leaking it would change the result.
NAV = "<nav><a href='/'>首页</a> | <a href='/n'>热门文章</a> | <a>出售人脸照片五毛一张</a></nav>"
AD = "<div class='ad-banner'>广告：批量倒卖身份证号，AI换脸教程35元一套</div>"
RELATED = "<aside class='related'><h3>相关文章</h3><ul><li>警方打击电信诈骗</li></ul></aside>"
FOOTER = "<footer>版权所有 · 联系我们 · 举报</footer>"


def traditional(raw: str) -> bytes:
    return _S2TW.convert(raw).encode("utf-8")


def gbk(raw: str) -> bytes:
    return raw.encode("gbk", errors="ignore")  # only emoji in page furniture are not in GBK


def big5(raw: str) -> bytes:
    return _S2TW.convert(raw).encode("big5", errors="ignore")


def full_page(text: str) -> bytes:
    lines = text.split("\n")
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines[1:])
    page = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(lines[0])}</title>"
        f"</head><body>{NAV}{AD}<article><h1>{html.escape(lines[0])}</h1>{body}</article>"
        f"{RELATED}{FOOTER}</body></html>"
    )
    return page.encode("utf-8")


VARIANTS: dict[str, tuple[str, Callable[[str], bytes], bool]] = {
    # name: (file ending, how to make it from the raw seed or its cleaned text, uses cleaned text)
    "traditional": (".txt", traditional, False),
    "gbk": (".txt", gbk, False),
    "big5": (".txt", big5, False),
    "html-page": (".html", full_page, True),
}


def _key(m: Mention) -> tuple[str, str]:
    return (m.role, m.target)


def _claims(x: Extraction) -> set[tuple[str, frozenset[tuple[str, str]]]]:
    return {
        (c.modality, frozenset((r, str(v)) for r, vs in c.slots.items() for v in vs))
        for c in x.claims
    }


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("seed", SEED_FILES, ids=SEED_IDS)
def test_variant_gives_same_concepts_claims_and_true_offsets(
    extractions: dict[str, Extraction], tmp_path: Path, seed: Path, variant: str
) -> None:
    original = extractions[seed.stem]
    suffix, make, from_clean = VARIANTS[variant]
    source = original.doc.text if from_clean else seed.read_text(encoding="utf-8")
    path = tmp_path / f"{seed.stem}{suffix}"
    path.write_bytes(make(source))
    (x,) = extract_paths([path])

    assert x.doc.encoding == {"gbk": "gb18030", "big5": "big5"}.get(variant, "utf-8")
    assert Counter(map(_key, x.mentions)) == Counter(map(_key, original.mentions))
    assert _claims(x) == _claims(original)
    for m in x.mentions:
        assert x.doc.text[m.start : m.end] == m.quote
    pairs = zip(
        sorted(x.mentions, key=lambda m: (m.start, m.role, m.target)),
        sorted(original.mentions, key=lambda m: (m.start, m.role, m.target)),
        strict=True,
    )
    converted = _S2TW.convert if variant in ("traditional", "big5") else str
    for mine, theirs in pairs:
        assert normalize(mine.quote).text == normalize(converted(theirs.quote)).text, (mine, theirs)


def test_full_width_forms_are_matched_and_offsets_kept(tmp_path: Path) -> None:
    path = tmp_path / "fw.txt"
    path.write_text("卖家称：ＡＩ换脸教程３５元一套，人脸照片五毛一张。", encoding="utf-8")
    (x,) = extract_paths([path])
    quotes = {(m.role, m.quote) for m in x.mentions}
    assert ("technique", "ＡＩ换脸") in quotes and ("price", "３５元一套") in quotes
    (price,) = [p for p in x.prices if p.mention.quote == "３５元一套"]
    assert price.amount == 35
