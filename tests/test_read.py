from pathlib import Path

import pytest

from kg.read import InputError, expand_inputs, read_document
from tests.conftest import SEED_FILES, SEEDS


def test_missing_file_is_reported_by_name(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.txt: no such file"):
        read_document(tmp_path / "nope.txt")


def test_file_that_is_not_utf8_is_refused_not_half_read(tmp_path: Path) -> None:
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("人脸照片五毛一张".encode("gbk"))
    with pytest.raises(InputError, match=r"gbk.txt: not valid UTF-8"):
        read_document(bad)


@pytest.mark.parametrize(
    "content, reason", [(b"", "empty"), (b"  \n", "empty"), (b"\x00\x01PK", "binary")]
)
def test_empty_and_binary_files_are_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=reason):
        read_document(path)


def test_utf8_bom_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff人脸".encode())
    assert read_document(path).text == "人脸"


def test_a_folder_expands_to_its_articles_in_stable_order() -> None:
    assert expand_inputs([SEEDS]) == SEED_FILES
    assert len(SEED_FILES) == 5


def test_two_files_with_one_document_id_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for d in ("a", "b"):
        (tmp_path / d / "same.txt").write_text("人脸", encoding="utf-8")
    with pytest.raises(InputError, match="already used"):
        expand_inputs([tmp_path / "a", tmp_path / "b" / "same.txt"])
