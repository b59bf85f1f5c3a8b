"""The vocabulary loop on documents written for these tests: candidates found by the
construction finders, proposed as edits, accepted by `kg edit check`, replayed by `kg build`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.edits import read_edit
from kg.lexicon import default_lexicon
from kg.vocab import Candidate, candidates, proposal, vocabulary_candidates, write_proposals

#: Two short articles of our own in which a rule no label names recurs.
ARTICLES = {
    "a.txt": "市监局指出，商家不得留存顾客人脸图像。部分门店仍不得留存顾客人脸图像的规定置若罔闻。",
    "b.txt": "专家表示，企业不得留存顾客人脸图像，否则将被处罚。",
}


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_recurring_unnamed_rule_is_a_ranked_candidate(corpus: Path) -> None:
    found = vocabulary_candidates([corpus], default_lexicon(), min_count=2)
    by_term = {c.term: c for c in found}
    phrase = by_term["留存顾客人脸图像"]  # the rule's phrase, its modal 不得 stripped
    assert (phrase.role, phrase.count, len(phrase.documents)) == ("remedy", 2, 2)
    assert phrase.examples[0] == "不得留存顾客人脸图像"
    word = by_term["顾客"]  # a content word of all three clauses
    assert word.count == 3 and found.index(word) < found.index(phrase)


def test_candidates_below_the_minimum_count_are_left_out(corpus: Path) -> None:
    from kg.pipeline import extract_paths

    assert all(c.count >= 4 for c in candidates(extract_paths([corpus]), default_lexicon(), 4))


def test_a_proposal_is_a_valid_edit_with_zh_and_en_labels(tmp_path: Path) -> None:
    c = Candidate("remedy", "留存顾客人脸图像", 3, {"a", "b"}, ["不得留存顾客人脸图像"])
    path = tmp_path / "p.ttl"
    path.write_text(proposal(c, "Tester", date(2026, 12, 4)), encoding="utf-8")
    edit = read_edit(path)
    assert edit.curator == "Tester" and "seen 3 times in 2 document(s)" in edit.reason
    assert '"留存顾客人脸图像"@zh' in edit.text and "@en" in edit.text


def test_an_applied_proposal_is_replayed_by_the_next_build(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    graph, curation = tmp_path / "out" / "graph.ttl", tmp_path / "curation"
    args = ["build", str(corpus), "--out", str(graph), "--curation", str(curation)]
    assert runner.invoke(main, args).exit_code == 0
    found = vocabulary_candidates([corpus], default_lexicon(), min_count=2)
    (first, *_) = write_proposals(found[:1], tmp_path / "proposals", "Tester", date(2026, 12, 4))
    check = ["edit", "check", str(first), "--graph", str(graph), "--curation", str(curation)]
    assert runner.invoke(main, check).exit_code == 0
    apply = ["edit", "apply", str(first), "--graph", str(graph), "--curation", str(curation)]
    result = runner.invoke(main, apply)
    assert result.exit_code == 0, result.output
    assert len(list(curation.glob("*.ttl"))) == 1
    rebuilt = runner.invoke(main, args)
    assert rebuilt.exit_code == 0, rebuilt.output
    text = graph.read_text(encoding="utf-8")
    assert "留存顾客人脸图像" in text and "candidate-" in text
