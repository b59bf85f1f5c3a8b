"""Price observations: amounts and quantities in Arabic or Chinese numerals, unit price in CNY.

The patterns are assembled from the cue words of ``ontology/cues.ttl`` (currency units with their
value in yuan, classifiers, approximate quantities, buy/sell verbs); only the sentence shapes
live here:

* ``五毛一张``, ``0.5元一份``, ``2毛钱一张`` — a unit price;
* ``24,000套人脸照片只售价3,000元``, ``3万张人脸照片只卖8元`` — quantity, then amount;
* ``2元买千张``, ``花2元（人民币）就可买到上千张`` — amount, then quantity;
* ``一套（‘照片活化’）软件加教程35元`` — one unit, then its price;
* ``数据集一共1000元`` — the price of one whole offer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import cn2an

from kg.lexicon import Lexicon

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?[万千百]?|[零〇一二两三四五六七八九十百千万]+"
_STOP = r"[^，。；！？,;!?\n]"
UNIT_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class PriceMatch:
    """A price found in text: ``amount`` CNY for ``quantity`` items."""

    start: int
    end: int
    quote: str
    amount: Decimal
    quantity: Decimal
    approximate: bool

    @property
    def unit_price(self) -> Decimal:
        """CNY per item, to six decimal places."""
        return plain((self.amount / self.quantity).quantize(UNIT_PLACES))


def _alt(terms: frozenset[str] | set[str]) -> str:
    return "|".join(re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t)))


@cache
def _patterns(lex: Lexicon) -> tuple[re.Pattern[str], ...]:
    cur = _alt(lex.cue("currency-yuan") | lex.cue("currency-jiao"))
    cls = _alt(lex.cue("classifier"))
    approx = _alt(
        lex.cue("approx-thousand") | lex.cue("approx-ten-thousand") | lex.cue("approx-million")
    )
    verb = _alt(lex.cue("purchase"))
    amount = rf"(?P<amt>{_NUM})(?P<cur>{cur})(?:[（(]?人民币[)）]?)?"
    qty = rf"(?P<qty>{approx}|{_NUM})(?P<cls>{cls})"
    bundle = _alt(lex.cue("bundle-price"))
    return (
        re.compile(rf"{amount}\s*一(?P<cls>{cls})"),
        re.compile(rf"一(?P<cls>{cls})(?P<mid>[^，。；！？、,;!?\s\d]{{1,16}}?){amount}"),
        re.compile(rf"(?:{bundle}){amount}"),
        re.compile(rf"{amount}{qty}"),
        re.compile(rf"{qty}(?P<mid>{_STOP}{{0,12}}?)(?:{verb}){amount}"),
        re.compile(rf"{amount}(?P<mid>{_STOP}{{0,8}}?)(?:{verb}){qty}"),
    )


def parse_number(text: str) -> Decimal:
    """Arabic or Chinese numeral to a Decimal.

    >>> parse_number("24,000"), parse_number("两万"), parse_number("3万"), parse_number("五")
    (Decimal('24000'), Decimal('20000'), Decimal('30000'), Decimal('5'))
    """
    text = text.replace(",", "")
    try:
        return plain(Decimal(text))
    except ArithmeticError:
        pass
    if text[0] in "十百千万":  # 千张 means 一千张
        text = "一" + text
    return plain(Decimal(str(cn2an.cn2an(text, "smart"))))


def plain(value: Decimal) -> Decimal:
    """The same number without trailing zeros or exponent (3E+3 becomes 3000).

    >>> plain(Decimal("3.000E+3")), plain(Decimal("0.500"))
    (Decimal('3000'), Decimal('0.5'))
    """
    return Decimal(format(value.normalize(), "f"))


def find_prices(text: str, lex: Lexicon) -> list[PriceMatch]:
    """Every price in ``text``, left to right; overlapping matches keep the longest."""
    found: list[PriceMatch] = []
    for pattern in _patterns(lex):
        for m in pattern.finditer(text):
            groups = m.groupdict()
            try:
                amount = parse_number(groups["amt"]) * lex.multipliers[groups["cur"]]
                approximate = False
                if groups.get("qty") is None:
                    quantity = Decimal(1)
                elif groups["qty"] in lex.multipliers:
                    quantity, approximate = lex.multipliers[groups["qty"]], True
                else:
                    quantity = parse_number(groups["qty"])
            except (ValueError, KeyError, ArithmeticError):
                continue
            if amount <= 0 or quantity <= 0:
                continue
            found.append(
                PriceMatch(m.start(), m.end(), m.group(0), plain(amount), quantity, approximate)
            )
    found.sort(key=lambda p: (p.start, -(p.end - p.start)))
    kept: list[PriceMatch] = []
    for price in found:
        if kept and price.start < kept[-1].end:
            if price.end - price.start > kept[-1].end - kept[-1].start:
                kept[-1] = price
            continue
        kept.append(price)
    return kept
