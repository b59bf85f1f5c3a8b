"""Price observations: amounts and quantities in Arabic or Chinese numerals, in the currency the
text states.

The patterns are assembled from the cue words of ``ontology/cues.ttl`` (currency units with their
ISO 4217 code and value, classifiers, approximate quantities, buy/sell verbs, per-item words,
range joins); only the sentence shapes live here:

* ``五毛一张``, ``0.5元一份``, ``20元一人``, ``每张2元``, ``单价5元`` — a unit price;
* ``24,000套人脸照片只售价3,000元``, ``5000多张照片标价不到10元`` — quantity, then amount;
* ``2元买千张``, ``花2元（人民币）就可买到上千张`` — amount, then quantity;
* ``一套（‘照片活化’）软件加教程35元`` — one unit, then its price;
* ``数据集一共1000元`` — the price of one whole offer;
* ``10元到20元``, ``10至20元一张`` — a range, kept with its minimum and maximum.

The currency is the one the text names (港元 HKD, 新台币 TWD, 美元 USD, 人民币 CNY, …); a bare
元/块 takes the currency the document names explicitly elsewhere, else CNY. Amounts in different
currencies are never converted or compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import cn2an

from kg.lexicon import Lexicon, alternation

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?[万千百亿]?|[零〇一二两三四五六七八九十百千万亿]+"
_STOP = r"[^，。；！？,;!?\n]"
UNIT_PLACES = Decimal("0.000001")
DEFAULT_CURRENCY = "CNY"
_CURRENCY_CUES = (
    "currency-yuan",
    "currency-jiao",
    "currency-cny",
    "currency-hkd",
    "currency-twd",
    "currency-usd",
    "currency-eur",
    "currency-mop",
)


@dataclass(frozen=True)
class PriceMatch:
    """A price found in text: ``amount`` in ``currency`` for ``quantity`` items; a range has
    its ``minimum`` and ``maximum`` (``amount`` is then the minimum)."""

    start: int
    end: int
    quote: str
    amount: Decimal
    quantity: Decimal
    approximate: bool
    currency: str = DEFAULT_CURRENCY
    minimum: Decimal | None = None
    maximum: Decimal | None = None

    @property
    def unit_price(self) -> Decimal:
        """Price per item in :attr:`currency`, to six decimal places."""
        return plain((self.amount / self.quantity).quantize(UNIT_PLACES))


def _cue(lex: Lexicon, *names: str) -> frozenset[str]:
    return frozenset().union(*(lex.cue(n) for n in names))


@cache
def _patterns(lex: Lexicon) -> tuple[re.Pattern[str], ...]:
    cur = alternation(_cue(lex, *_CURRENCY_CUES))
    cls = alternation(lex.cue("classifier"))
    approx = alternation(_cue(lex, "approx-thousand", "approx-ten-thousand", "approx-million"))
    verb = alternation(lex.cue("purchase"))
    about = alternation(lex.cue("approx-amount")) or "(?!)"
    per = alternation(lex.cue("per-unit")) or "(?!)"
    join = alternation(lex.cue("range-join")) or "(?!)"
    amount = rf"(?P<amt>{_NUM})(?P<cur>{cur})(?:[（(]?人民币[)）]?)?"
    low = rf"(?P<low>{_NUM})(?:{cur})?\s*(?:{join})\s*"
    qty = rf"(?P<qty>{approx}|{_NUM})(?P<more>多)?(?P<cls>{cls})"
    bundle = alternation(lex.cue("bundle-price"))
    return (
        re.compile(rf"{low}{amount}(?:\s*[一每/](?P<cls>{cls}))?"),
        re.compile(rf"{amount}\s*[一每/](?P<cls>{cls})"),
        re.compile(rf"(?:{per})(?P<cls>{cls})?(?P<mid>[^，。；！？、,;!?\s\d]{{0,8}}?){amount}"),
        re.compile(rf"一(?P<cls>{cls})(?P<mid>[^，。；！？、,;!?\s\d]{{1,16}}?){amount}"),
        re.compile(rf"(?:{bundle}){amount}"),
        re.compile(rf"{amount}{qty}"),
        re.compile(rf"{qty}(?P<mid>{_STOP}{{0,12}}?)(?:{verb})(?:{about})?{amount}"),
        re.compile(rf"{amount}(?P<mid>{_STOP}{{0,8}}?)(?:{verb}){qty}"),
    )


_SCALE = {"万": Decimal(10_000), "亿": Decimal(10**8), "千": Decimal(1000), "百": Decimal(100)}


def parse_number(text: str) -> Decimal:
    """Arabic or Chinese numeral to a Decimal.

    >>> parse_number("24,000"), parse_number("两万"), parse_number("3万"), parse_number("五")
    (Decimal('24000'), Decimal('20000'), Decimal('30000'), Decimal('5'))
    >>> parse_number("2.74亿")
    Decimal('274000000')
    """
    text = text.replace(",", "")
    try:
        return plain(Decimal(text))
    except ArithmeticError:
        pass
    if text[-1] in _SCALE and text[:-1].replace(".", "", 1).isdigit():
        return plain(Decimal(text[:-1]) * _SCALE[text[-1]])
    if text[0] in "十百千万":  # 千张 means 一千张
        text = "一" + text
    return plain(Decimal(str(cn2an.cn2an(text, "smart"))))


def plain(value: Decimal) -> Decimal:
    """The same number without trailing zeros or exponent (3E+3 becomes 3000).

    >>> plain(Decimal("3.000E+3")), plain(Decimal("0.500"))
    (Decimal('3000'), Decimal('0.5'))
    """
    return Decimal(format(value.normalize(), "f"))


def document_currency(text: str, lex: Lexicon) -> str:
    """The currency a bare 元 means in ``text``: the first one the text names explicitly,
    else CNY.

    >>> from kg.lexicon import default_lexicon
    >>> document_currency("詐騙集團騙走新台幣300萬元，每個帳號500元", default_lexicon())
    'TWD'
    """
    pattern = _named_currencies(lex)
    m = pattern.search(text) if pattern else None
    return lex.currencies[m.group()] if m else DEFAULT_CURRENCY


@cache
def _named_currencies(lex: Lexicon) -> re.Pattern[str] | None:
    """The words naming a currency other than CNY, as one pattern (made once per lexicon)."""
    named = {t for t, code in lex.currencies.items() if code != DEFAULT_CURRENCY}
    return re.compile(alternation(named)) if named else None


def _match(m: re.Match[str], lex: Lexicon, default: str) -> PriceMatch | None:
    groups = m.groupdict()
    try:
        unit = groups["cur"]
        amount = parse_number(groups["amt"]) * lex.multipliers[unit]
        currency = lex.currencies.get(unit, default)
        approximate = False
        minimum = maximum = None
        if groups.get("low"):
            minimum = parse_number(groups["low"]) * lex.multipliers[unit]
            maximum, amount, approximate = amount, minimum, True
        if groups.get("qty") is None:
            quantity = Decimal(1)
        elif groups["qty"] in lex.multipliers:
            quantity, approximate = lex.multipliers[groups["qty"]], True
        else:
            quantity = parse_number(groups["qty"])
            approximate = approximate or bool(groups.get("more"))  # 5000多张: over 5000
    except (ValueError, KeyError, ArithmeticError, IndexError):
        return None
    if amount <= 0 or quantity <= 0 or (maximum is not None and maximum <= amount):
        return None
    return PriceMatch(
        m.start(),
        m.end(),
        m.group(0),
        plain(amount),
        quantity,
        approximate,
        currency,
        plain(minimum) if minimum is not None else None,
        plain(maximum) if maximum is not None else None,
    )


def find_prices(text: str, lex: Lexicon) -> list[PriceMatch]:
    """Every price in ``text``, left to right; overlapping matches keep the longest.

    >>> from kg.lexicon import default_lexicon
    >>> [(p.amount, p.currency) for p in find_prices("每張照片500元新台幣", default_lexicon())]
    [(Decimal('500'), 'TWD')]
    """
    default = document_currency(text, lex)
    found: list[PriceMatch] = []
    for pattern in _patterns(lex):
        for m in pattern.finditer(text):
            price = _match(m, lex, default)
            if price is not None:
                found.append(price)
    found.sort(key=lambda p: (p.start, -(p.end - p.start)))
    kept: list[PriceMatch] = []
    for price in found:
        if kept and price.start < kept[-1].end:
            if price.end - price.start > kept[-1].end - kept[-1].start:
                kept[-1] = price
            continue
        kept.append(price)
    return kept
