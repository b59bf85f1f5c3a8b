"""kg eval on the hand-annotated seeds; the figures reached are pinned so they can only go up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.evaluate import evaluate, load_gold, predicted_spans
from kg.extract import Extraction
from tests.conftest import GOLD, SEED_IDS

#: F1 reached on the seeds when last improved. Raise these when the extractor improves.
PINNED_F1 = {
    "technique": 0.994,
    "datatype": 0.999,
    "harm": 0.980,
    "remedy": 0.981,
    "price": 0.956,
    "actor": 0.995,
    "overall": 0.991,
}
#: The gold file may grow, never shrink.
MIN_GOLD_LINES = 580


@pytest.fixture(scope="module")
def scores(extractions: dict[str, Extraction]):  # type: ignore[no-untyped-def]
    texts = {k: x.doc.text for k, x in extractions.items()}
    return evaluate(load_gold(GOLD, texts), predicted_spans(list(extractions.values()))).scores


@pytest.mark.parametrize("role", sorted(PINNED_F1))
def test_f1_on_the_seed_gold_does_not_drop(scores, role: str) -> None:  # type: ignore[no-untyped-def]
    assert scores[role].f1 >= PINNED_F1[role] >= 0.95


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


def test_wrong_roles_and_concept_accuracy_are_counted() -> None:
    from decimal import Decimal  # noqa: F401 - Span's optional fields stay unset here

    from kg.evaluate import Span

    gold = [
        Span("d", "harm", 0, 4, "冒用身份", concept="kh:identity-misuse"),
        Span("d", "technique", 5, 9, "照片活化", concept="kt:photo-animation"),
        Span("d", "remedy", 10, 12, "删除", concept="NEW:data deletion"),
    ]
    predicted = [
        Span("d", "datatype", 0, 4, "冒用身份"),  # right span, wrong role
        Span("d", "technique", 5, 9, "照片活化", concept="kt:deepfake"),  # wrong concept
        Span("d", "remedy", 10, 12, "删除", concept="kr:data-deletion"),  # NEW: met by label
    ]
    ev = evaluate(gold, predicted, {"kr:data-deletion": "data deletion"})
    assert ev.wrong_role == {"harm": 1}
    assert (ev.concepts["concepts"].right, ev.concepts["concepts"].total) == (1, 2)
    assert [(g.quote, p.concept) for g, p in ev.wrong_concept] == [("照片活化", "kt:deepfake")]
    assert ev.as_json()["errors"]["harm"] == {"missed": 1, "spurious": 0, "wrong_role": 1}  # type: ignore[index]


def test_an_unclassified_concept_meets_a_new_gold_concept() -> None:
    from kg.evaluate import concept_agrees

    assert concept_agrees("NEW:phone malware", "kt:unclassified", {})
    assert not concept_agrees("kt:deepfake", "kt:unclassified", {})


def test_kg_eval_json_has_scores_errors_concepts_and_documents() -> None:
    from click.testing import CliRunner

    from kg.cli import main
    from tests.conftest import SEEDS

    result = CliRunner().invoke(main, ["eval", "--gold", str(GOLD), "--docs", str(SEEDS), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"scores", "errors", "concept_accuracy", "by_doc"}
    assert set(data["by_doc"]) == set(SEED_IDS)
    assert data["scores"]["overall"]["f1"] >= PINNED_F1["overall"]


DEVSET = Path(__file__).resolve().parents[2] / "shared" / "devset"
#: What the extractor must reach on the development set (issue 12); measured figures in README.
DEVSET_TARGETS = {"overall": 0.85, "role": 0.80, "recall": 0.80, "concepts": 0.85}


@pytest.fixture(scope="module")
def devset_evaluation():  # type: ignore[no-untyped-def]
    if not (DEVSET / "gold.jsonl").is_file():
        pytest.skip(f"the development set is not at {DEVSET}")
    from kg.evaluate import evaluate_paths

    return evaluate_paths(DEVSET / "gold.jsonl", DEVSET / "docs")


def test_devset_overall_f1_and_every_role(devset_evaluation) -> None:  # type: ignore[no-untyped-def]
    scores = devset_evaluation.scores
    assert sum(s.tp + s.fn for r, s in scores.items() if r != "overall") == 1145  # all gold ran
    assert scores["overall"].f1 >= DEVSET_TARGETS["overall"]
    for role in ("technique", "datatype", "harm", "remedy", "price", "actor"):
        assert scores[role].f1 >= DEVSET_TARGETS["role"], role


def test_devset_harm_and_remedy_recall(devset_evaluation) -> None:  # type: ignore[no-untyped-def]
    for role in ("harm", "remedy"):
        assert devset_evaluation.scores[role].recall >= DEVSET_TARGETS["recall"], role


def test_devset_concept_accuracy(devset_evaluation) -> None:  # type: ignore[no-untyped-def]
    concepts = devset_evaluation.concepts
    assert concepts["concepts"].total >= 700
    assert concepts["concepts"].accuracy >= DEVSET_TARGETS["concepts"]
