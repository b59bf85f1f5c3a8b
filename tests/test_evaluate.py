"""kg eval on the hand-annotated seeds; the figures reached are pinned so they can only go up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.evaluate import evaluate, load_gold, predicted_spans
from kg.extract import Extraction
from kg.read import InputError
from tests.conftest import GOLD, SEED_IDS

#: F1 reached on the seeds when last improved. Raise these when the extractor improves.
PINNED_F1 = {
    "technique": 0.994,
    "datatype": 0.989,
    "harm": 0.980,
    "remedy": 0.980,
    "price": 0.956,
    "actor": 0.991,
    "overall": 0.986,
}
#: The gold file may grow, never shrink.
MIN_GOLD_LINES = 558


@pytest.fixture(scope="module")
def scores(extractions: dict[str, Extraction]):  # type: ignore[no-untyped-def]
    texts = {k: x.doc.text for k, x in extractions.items()}
    return evaluate(load_gold(GOLD, texts), predicted_spans(list(extractions.values()))).scores


@pytest.mark.parametrize("role", sorted(PINNED_F1))
def test_f1_on_the_seed_gold_does_not_drop(scores, role: str) -> None:  # type: ignore[no-untyped-def]
    assert scores[role].f1 >= PINNED_F1[role] >= 0.85


def test_gold_covers_every_seed_and_every_role(extractions: dict[str, Extraction]) -> None:
    lines = [
        json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    assert len(lines) >= MIN_GOLD_LINES
    assert {rec["doc"] for rec in lines} == set(SEED_IDS)
    assert {rec["role"] for rec in lines} == {
        "technique",
        "datatype",
        "harm",
        "remedy",
        "price",
        "actor",
    }
    texts = {k: x.doc.text for k, x in extractions.items()}
    for rec in lines:
        assert texts[rec["doc"]][rec["start"] : rec["start"] + len(rec["quote"])] == rec["quote"]


def _gold(tmp_path: Path, *records: dict[str, object]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    return path


def test_repeated_quote_lines_mean_successive_occurrences(tmp_path: Path) -> None:
    texts = {"d": "人脸照片和人脸照片"}
    gold = load_gold(
        _gold(
            tmp_path,
            {"doc": "d", "role": "datatype", "quote": "人脸照片"},
            {"doc": "d", "role": "datatype", "quote": "人脸照片"},
        ),
        texts,
    )
    assert [(g.start, g.end) for g in gold] == [(0, 4), (5, 9)]


def test_overlapping_span_matches_and_price_needs_same_amount(tmp_path: Path) -> None:
    texts = {"d": "五毛一张的人脸照片"}
    gold = load_gold(
        _gold(
            tmp_path,
            {"doc": "d", "role": "price", "quote": "五毛一张", "amount": 0.5, "per": 1},
            {"doc": "d", "role": "datatype", "quote": "人脸照片"},
        ),
        texts,
    )
    from decimal import Decimal

    from kg.evaluate import Span

    good = [
        Span("d", "price", 0, 3, "五毛一", Decimal("0.5"), Decimal(1)),
        Span("d", "datatype", 7, 9, "照片"),
    ]
    assert evaluate(gold, good).scores["overall"].f1 == 1.0
    wrong = [Span("d", "price", 0, 4, "五毛一张", Decimal("5"), Decimal(1))]
    assert evaluate(gold, wrong).scores["price"].tp == 0


@pytest.mark.parametrize(
    "record, reason",
    [
        ({"doc": "d", "role": "villain", "quote": "人脸"}, "unknown role"),
        ({"doc": "x", "role": "harm", "quote": "人脸"}, "not among the documents"),
        ({"doc": "d", "role": "harm", "quote": "洗钱"}, "not in d's text"),
        ({"doc": "d", "role": "price", "quote": "人脸"}, "numeric amount"),
        ({"doc": "d", "quote": "人脸"}, "not a gold record"),
    ],
)
def test_bad_gold_lines_are_reported_with_file_and_line(
    tmp_path: Path, record: dict[str, object], reason: str
) -> None:
    with pytest.raises(InputError, match=rf"gold.jsonl:1: .*{reason}"):
        load_gold(_gold(tmp_path, record), {"d": "人脸"})
