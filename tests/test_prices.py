from decimal import Decimal

import pytest

from kg.lexicon import default_lexicon
from kg.prices import find_prices, parse_number

CASES = [  # text, quote, amount, quantity, unit price
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


@pytest.mark.parametrize("text", ["十万张以上有优惠", "总共两万套,不议价", "2023年10月20日"])
def test_text_without_a_price_yields_none(text: str) -> None:
    assert find_prices(text, default_lexicon()) == []


@pytest.mark.parametrize(
    "text, value", [("两万", 20000), ("3万", 30000), ("24,000", 24000), ("千", 1000), ("五", 5)]
)
def test_numerals(text: str, value: int) -> None:
    assert parse_number(text) == value


CURRENCIES = [  # text (as extraction sees it: the normalised view), currency, amount, quantity
    ("诈骗集团以每个帐号新台币500元收购", "TWD", "500", "1"),
    ("每张照片卖500元新台币", "TWD", "500", "1"),
    ("一套身份资料要价200港元", "HKD", "200", "1"),
    ("人脸数据在暗网上标价5美元一份", "USD", "5", "1"),
    ("数据集一共1000元人民币", "CNY", "1000", "1"),
    ("五毛一张", "CNY", "0.5", "1"),
]


@pytest.mark.parametrize(
    "text, currency, amount, quantity", CURRENCIES, ids=[c[0] for c in CURRENCIES]
)
def test_the_currency_is_the_one_the_text_states(
    text: str, currency: str, amount: str, quantity: str
) -> None:
    (price,) = find_prices(text, default_lexicon())
    assert (price.currency, price.amount, price.quantity) == (
        currency,
        Decimal(amount),
        Decimal(quantity),
    )


def test_a_bare_yuan_takes_the_currency_the_document_names() -> None:
    text = "警方指出，嫌犯共获利新台币30万元。他们以每个帐号500元的价格出售"
    prices = find_prices(text, default_lexicon())
    assert prices and all(p.currency == "TWD" for p in prices)


def test_a_bare_yuan_without_any_named_currency_is_cny() -> None:
    (price,) = find_prices("人脸照片2元一张", default_lexicon())
    assert price.currency == "CNY"


def test_a_range_is_kept_with_its_minimum_and_maximum() -> None:
    (price,) = find_prices("多在10元到20元左右", default_lexicon())
    assert (price.minimum, price.maximum, price.amount) == (Decimal(10), Decimal(20), Decimal(10))
    assert price.approximate


@pytest.mark.parametrize(
    "text, amount, quantity",
    [
        ("采集一次20元一人", "20", "1"),
        ("单价5元", "5", "1"),
        ("每张照片卖2元", "2", "1"),
        ("一个视频30元", "30", "1"),
        ("5000多张人脸照片标价不到10元", "10", "5000"),
    ],
)
def test_per_person_per_item_and_per_video_prices(text: str, amount: str, quantity: str) -> None:
    (price,) = find_prices(text, default_lexicon())
    assert (price.amount, price.quantity) == (Decimal(amount), Decimal(quantity))


def test_large_sums_in_yi_are_parsed() -> None:
    assert parse_number("2.74亿") == Decimal("274000000")


def test_only_duo_after_the_count_makes_a_quantity_approximate() -> None:
    lex = default_lexicon()
    (over,) = find_prices("5000多张照片标价10元", lex)
    (exact,) = find_prices("3000张照片多数只卖8元", lex)  # 多 in the item text, not the count
    assert over.approximate and not exact.approximate
