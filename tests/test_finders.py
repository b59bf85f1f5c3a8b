"""Each finder of kg/finders.py on sentences written for these tests (not taken from any news)."""

from __future__ import annotations

import pytest

from kg.extract import concept_mentions, tokenize
from kg.finders import (
    Context,
    harm_consequences,
    institution_mentions,
    link_concept,
    nested_datatypes,
    person_mentions,
    remedy_clauses,
    technique_phrases,
)
from kg.lexicon import default_lexicon
from kg.mentions import Mention
from kg.normalize import normalize


def context(text: str) -> Context:
    lex = default_lexicon()
    view = normalize(text).text
    tokens = tokenize(view, lex)
    ctx = Context("t", view, tokens, lex)
    ctx.mentions = concept_mentions(view, tokens, lex)
    return ctx


def quotes(mentions: list[Mention]) -> list[str]:
    return [m.quote for m in mentions]


def concept(m: Mention) -> str:
    return m.target.rsplit("/", 1)[1]


@pytest.mark.parametrize(
    "text, quote, kind",
    [
        ("昨日，宁波市鄞州区人民法院公开宣判一起案件。", "宁波市鄞州区人民法院", "Court"),
        ("据苏州市公安局网安支队介绍，", "苏州市公安局", "PoliceUnit"),
        ("杭州某某数据科技有限公司被处罚", "杭州某某数据科技有限公司", "Company"),
        ("記者從刑事局獲悉", "刑事局", "PoliceUnit"),
        ("国家互联网信息办公室发布新规", "国家互联网信息办公室", "Official"),
    ],
)
def test_institutions_are_found_by_the_suffix_of_their_name(
    text: str, quote: str, kind: str
) -> None:
    ctx = context(text)
    found = institution_mentions(ctx)
    assert quote in quotes(found)
    m = next(m for m in found if m.quote == quote)
    assert ctx.actors[m.target].kind == kind


def test_a_company_needs_a_name_before_its_suffix() -> None:
    assert institution_mentions(context("这家公司和那家物业公司都不回应")) == []


def test_people_are_found_by_role_pseudonym_and_honorific() -> None:
    ctx = context("犯罪嫌疑人王某华、李某被抓获。网友小林（化名）说，市民周女士也被骗了。")
    found = person_mentions(ctx)
    assert {"犯罪嫌疑人王某华", "李某", "小林(化名)"} <= set(quotes(found))  # the normalised view
    kinds = {m.quote: ctx.actors[m.target].kind for m in found}
    assert kinds["犯罪嫌疑人王某华"] == "Seller" and kinds["李某"] == "Seller"
    assert any(q.endswith("周女士") and kinds[q] == "Victim" for q in kinds)


def test_a_pseudonym_is_a_mention_again_where_it_recurs() -> None:
    found = person_mentions(context("受害人阿强（化名）报警。阿强称自己被骗。"))
    assert quotes(found).count("阿强") == 1


def test_remedy_clauses_come_from_obligation_and_prohibition_modals() -> None:
    ctx = context("商家不得强制顾客刷脸进店，用户切勿随意扫描陌生二维码。")
    found = remedy_clauses(ctx)
    assert quotes(found) == ["不得强制顾客刷脸进店", "切勿随意扫描陌生二维码"]


def test_a_remedy_clause_is_not_made_where_the_vocabulary_names_the_remedy() -> None:
    ctx = context("平台不得拒绝用户的投诉。")
    assert remedy_clauses(ctx) == []


def test_prohibited_as_an_adjective_is_no_rule() -> None:
    assert remedy_clauses(context("不得不说，这是禁止的物品。")) == []


def test_harm_consequences_come_from_passive_constructions() -> None:
    found = harm_consequences(context("他的支付密码已被修改，卡里的钱也被划走3000元。"))
    assert quotes(found) == ["被修改", "被划走3000元"]


def test_technique_phrases_need_a_data_object() -> None:
    ctx = context("团伙利用软件伪造人脸视频，再制作工具出售。")
    found = technique_phrases(ctx)
    assert quotes(found) == ["伪造人脸视频"]


def test_data_types_nested_in_a_harm_term_are_mentions_too() -> None:
    ctx = context("两人因侵犯公民个人信息罪被判刑。")
    found = nested_datatypes(ctx)
    assert [(m.quote, concept(m)) for m in found] == [("公民个人信息", "identity-info")]


@pytest.mark.parametrize(
    "span, role, expected",
    [
        ("批量出售他人照片", "technique", "bulk-resale"),  # a label inside the span
        ("帳號被盜", "harm", "account-takeover"),  # a label in another script
        ("随意丢弃快递单据", "remedy", "unclassified"),  # nothing names it: a candidate
    ],
)
def test_spans_link_to_the_most_specific_concept_or_unclassified(
    span: str, role: str, expected: str
) -> None:
    view = normalize(span).text
    assert str(link_concept(view, role, default_lexicon())).rsplit("/", 1)[1] == expected
