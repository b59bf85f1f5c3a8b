"""Cleaning: each seed is its own case so a failure names the file."""

from datetime import date

import pytest

from kg.clean import clean, html_to_text
from kg.extract import Extraction
from tests.conftest import SEED_IDS

#: Page furniture that must not reach the article text (and so yields no claims).
BOILERPLATE = {
    "000_8200541f961867d5": ["首页", "手机上长按", "原文地址", "聊天截图显示", "法轮功真相"],
    "001_2b4c41761c25b35f": ["荣誉会员", "禁书下载", "网友纷纷留言", "图片来源", "taboola"],
    "002_7d2088a3fdb730a7": ["本文评论", "腾讯收购A4", "您的位置", "本文地址", "9999.jpg"],
    "003_e90c2b98c3b68160": ["天气", "阳光体检", "预约热线", "沈阳", "招聘热线"],
    "004_20eb87d0be669cf8": ["热门文章", "蒸蛋", "久久自媒体", "稀奇声明", "卖家A发来的例图"],
}
METADATA = {
    "000_8200541f961867d5": (
        "新唐人",
        None,
        date(2019, 12, 6),
        "https://www.ntdtv.com/gb/2019/12/05/a102723030.html",
    ),
    "001_2b4c41761c25b35f": (
        "看中国",
        "央视新闻",
        date(2020, 11, 3),
        "https://www.secretchina.com/news/gb/2020/11/03/951211.html",
    ),
    "002_7d2088a3fdb730a7": (
        "IT爆料网",
        "新华社",
        date(2023, 3, 3),
        "http://www.itbaoliao.com/hlw/23654.html",
    ),
    "003_e90c2b98c3b68160": (None, "新华社", None, None),
    "004_20eb87d0be669cf8": ("中新经纬", None, None, None),
}
FIRST_WORDS = {
    "000_8200541f961867d5": "中共滥用人脸识别失控",
    "001_2b4c41761c25b35f": "2元买千张人脸照",
    "002_7d2088a3fdb730a7": "0.5元一份!谁在出卖",
    "003_e90c2b98c3b68160": "细思恐极！",
    "004_20eb87d0be669cf8": "你戴口罩的人脸照片",
}


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_boilerplate_is_dropped(extractions: dict[str, Extraction], doc_id: str) -> None:
    text = extractions[doc_id].doc.text
    for furniture in BOILERPLATE[doc_id]:
        assert furniture not in text, furniture


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_title_outlet_date_and_url_are_kept_when_the_page_states_them(
    extractions: dict[str, Extraction], doc_id: str
) -> None:
    doc = extractions[doc_id].doc
    assert (doc.outlet, doc.original_source, doc.date, doc.url) == METADATA[doc_id]
    assert doc.text.startswith(FIRST_WORDS[doc_id]) and doc.title.startswith(FIRST_WORDS[doc_id])


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_article_body_survives_cleaning(extractions: dict[str, Extraction], doc_id: str) -> None:
    text = extractions[doc_id].doc.text
    assert len(text) > 900 and "<" not in text and "&nbsp;" not in text


def test_html_layout_line_breaks_inside_a_paragraph_are_removed() -> None:
    assert (
        html_to_text("<p>随着AI\n  <strong>\n   人脸识别\n  </strong>\n  技术</p>").strip()
        == "随着AI人脸识别技术"
    )


def test_a_paragraph_broken_by_page_layout_is_joined(extractions: dict[str, Extraction]) -> None:
    assert "利用系统漏洞‘骗过’部分平台" in extractions["003_e90c2b98c3b68160"].doc.text


def test_ads_and_captions_inside_html_are_dropped() -> None:
    from pathlib import Path

    from kg.read import RawDocument

    raw = (
        '<p>正文。</p><div class="adsbygoogle">广告</div>'
        "<figure><figcaption>图注</figcaption></figure>"
    )
    assert clean(RawDocument("x", Path("x.html"), raw, "0")).text == "正文。"
