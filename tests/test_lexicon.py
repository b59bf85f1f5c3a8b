import ast
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from kg.clean import Document
from kg.extract import extract
from kg.lexicon import VocabularyError, build_lexicon, default_lexicon
from kg.namespaces import KD, KT
from kg.vocabulary import vocabulary_graph

PACKAGE = Path(__file__).resolve().parent.parent / "kg"


def test_every_zh_label_of_the_four_schemes_is_in_the_lexicon() -> None:
    lex = default_lexicon()
    assert lex.terms["照片活化"].concept == KT["photo-animation"]
    assert lex.terms["四件套"].concept == KD["identity-kit"]
    assert lex.terms["深伪"].concept == KT["deepfake"]
    assert len(lex.terms) > 300


def test_no_vocabulary_word_is_written_in_python() -> None:
    """The lexicon lives in ontology/*.ttl: no label or cue word appears in a Python literal."""
    lex = default_lexicon()
    words = {w for w in lex.terms if len(w) >= 2} | {
        w for ws in lex.cues.values() for w in ws if len(w) >= 2
    }
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef))
            and n.body
            and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
            ):
                found = {w for w in words if w == node.value}
                assert not found, f"{path.name}: vocabulary word {found} hard-coded"


def test_an_added_altlabel_makes_extraction_find_the_new_wording() -> None:
    vocab = Graph()
    for triple in vocabulary_graph():
        vocab.add(triple)
    doc = Document("t", "卖家兜售人脸料件。", "t", "t.txt", "0")
    assert not [m for m in extract(doc, build_lexicon(vocab)).mentions if m.quote == "人脸料件"]
    vocab.add((KD["face-data"], SKOS.altLabel, Literal("人脸料件", lang="zh")))
    found = [m for m in extract(doc, build_lexicon(vocab)).mentions if m.quote == "人脸料件"]
    assert [m.target for m in found] == [str(KD["face-data"])]


def test_one_label_on_two_concepts_is_refused() -> None:
    vocab = Graph()
    for triple in vocabulary_graph():
        vocab.add(triple)
    vocab.add((KD["bank-card"], SKOS.altLabel, Literal("照片活化", lang="zh")))
    with pytest.raises(VocabularyError, match="照片活化"):
        build_lexicon(vocab)
