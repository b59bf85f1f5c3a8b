from decimal import Decimal

import pytest

from kg.lexicon import default_lexicon
from kg.prices import find_prices, parse_number

CASES = [  # text, quote, amount (CNY), quantity, unit price
    ("五毛一张", "五毛一张", "0.5", "1", "0.5"),
    ("人脸数据0.5元一份", "0.5元一份", "0.5", "1", "0.5"),
    ("2元上千张", "2元上千张", "2", "1000", "0.002"),
    (
        "24,000套人脸照片只售价3,000元人民币",
        "24,000套人脸照片只售价3,000元人民币",
        "3000",
        "24000",
        "0.125",
    ),
    ("2毛钱一张", "2毛钱一张", "0.2", "1", "0.2"),
    ("修改软件35元一套", "35元一套", "35", "1", "35"),
    ("3万张人脸照片只卖8元", "3万张人脸照片只卖8元", "8", "30000", "0.000267"),
    ("只需花2元钱就能买到上千张人脸照片", "2元钱就能买到上千张", "2", "1000", "0.002"),
    ("名为“四要素”的商品则是四块钱一份", "四块钱一份", "4", "1", "4"),
    ("一套（‘照片活化’）软件加教程35元", "一套（‘照片活化’）软件加教程35元", "35", "1", "35"),
]


@pytest.mark.parametrize("text, quote, amount, quantity, unit", CASES, ids=[c[0] for c in CASES])
def test_price_amount_quantity_and_unit_price(
    text: str, quote: str, amount: str, quantity: str, unit: str
) -> None:
    (price,) = find_prices(text, default_lexicon())
    assert text[price.start : price.end] == price.quote == quote
    assert (price.amount, price.quantity, price.unit_price) == (
        Decimal(amount),
        Decimal(quantity),
        Decimal(unit),
    )


def test_round_quantities_are_marked_approximate() -> None:
    (price,) = find_prices("花2元（人民币）就可买到上千张人脸照片", default_lexicon())
    assert price.approximate and price.quantity == 1000


@pytest.mark.parametrize("text", ["多在10元到20元左右", "十万张以上有优惠", "总共两万套,不议价"])
def test_text_without_a_price_yields_none(text: str) -> None:
    assert find_prices(text, default_lexicon()) == []


@pytest.mark.parametrize(
    "text, value", [("两万", 20000), ("3万", 30000), ("24,000", 24000), ("千", 1000), ("五", 5)]
)
def test_numerals(text: str, value: int) -> None:
    assert parse_number(text) == value
