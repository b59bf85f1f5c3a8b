from pathlib import Path

import opencc
import pytest

from kg.errors import InputError
from kg.read import expand_inputs, read_document, read_inputs
from tests.conftest import SEED_FILES, SEEDS

TEXT = "卖家称，人脸照片五毛一张，四要素四块钱一份。专家建议多重验证。" * 3


def test_missing_file_is_reported_by_name(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.txt: no such file"):
        read_document(tmp_path / "nope.txt")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8-sig"])
def test_chinese_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(TEXT.encode(encoding))
    assert read_document(path).text == TEXT


def test_big5_traditional_is_detected(tmp_path: Path) -> None:
    trad = opencc.OpenCC("s2tw").convert(TEXT)
    path = tmp_path / "b.txt"
    path.write_bytes(trad.encode("big5"))
    doc = read_document(path)
    assert doc.text == trad and doc.encoding.startswith("big5")


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty"),
        (b"  \n", "empty"),
        (b"\x00\x01PK\x03\x04", "binary"),
        (TEXT.encode("utf-8")[:-1], "truncated"),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=rf"x.txt: .*{reason}"):
        read_document(path)


def test_a_file_over_the_size_limit_is_reported_not_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # 50 MB, sparse: cheap to make, checked before reading
        fh.truncate(50 * 1024 * 1024)
    docs, problems = read_inputs([big, SEED_FILES[0]])
    assert [d.doc_id for d in docs] == [SEED_FILES[0].stem]
    assert [p.where for p in problems] == [str(big)] and "too large (52.4 MB" in problems[0].reason


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\x00\x00binary")
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    docs, problems = read_inputs([tmp_path])
    assert [d.doc_id for d in docs] == ["good"]
    assert [(Path(p.where).name, "binary" in p.reason) for p in problems] == [("bad.txt", True)]


def test_a_folder_expands_to_its_articles_in_stable_order() -> None:
    paths, problems = expand_inputs([SEEDS])
    assert paths == SEED_FILES and not problems
    assert len(SEED_FILES) == 5


def test_glob_patterns_are_expanded() -> None:
    paths, problems = expand_inputs([str(SEEDS / "00[12]_*.txt")])
    assert [p.name[:3] for p in paths] == ["001", "002"] and not problems
    _, missing = expand_inputs([str(SEEDS / "nothing-*.txt")])
    assert "matches no file" in missing[0].reason


def test_json_lines_records_are_documents_with_metadata(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"id": "r1", "text": "卖家兜售人脸照片。", '
        '"url": "https://example.org/1", "date": "2024-05-01"}\n'
        '{"id": "r2"}\n'
        "not json\n",
        encoding="utf-8",
    )
    docs, problems = read_inputs([path])
    assert [(d.doc_id, d.meta["url"]) for d in docs] == [("r1", "https://example.org/1")]
    assert [p.where.rsplit(":", 1)[1] for p in problems] == ["2", "3"]


def test_two_inputs_with_one_document_id_are_reported(tmp_path: Path) -> None:
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "same.txt").write_text(TEXT, encoding="utf-8")
    docs, problems = read_inputs([tmp_path / "a", tmp_path / "b"])
    assert len(docs) == 1 and "already used" in problems[0].reason
