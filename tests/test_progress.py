"""Progress bars on long work: shown on a terminal, silent when stderr is piped or with
``kg --quiet``. The terminal is a real pseudo-terminal, so click decides as it would for a user."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

DPV = Path(__file__).parent / "fixtures" / "dpv" / "2.3"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


def _stderr(args: list[str], tty: bool) -> str:
    """Run ``kg ARGS`` with stderr on a pseudo-terminal (``tty``) or a pipe; its stderr."""
    command = [sys.executable, "-m", "kg.cli", *args]
    if not tty:
        return subprocess.run(command, capture_output=True, text=True, check=True).stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait() == 0
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("args", "label", "last_step"),
    [
        (["validate", "{graph}"], "validating", "2/2"),
        (["link", "check", "--dpv", str(DPV)], "checking links", "3/3"),
    ],
    ids=["validate", "link-check"],
)
def test_long_commands_show_their_steps_on_a_terminal(
    seed_file: Path, args: list[str], label: str, last_step: str
) -> None:
    args = [a.format(graph=seed_file) for a in args]
    shown = _stderr(args, tty=True)
    assert label in shown and last_step in shown


def test_build_counts_documents_without_a_made_up_total(tmp_path: Path) -> None:
    seeds = Path(__file__).parent.parent / "seeds"
    shown = _stderr(["build", str(seeds), "--no-validate", "--out", str(tmp_path / "g.nt")], True)
    assert "extracting" in shown
    assert "004_20eb87d0be669cf8" in shown
    assert "/0" not in shown  # the count of documents is not known in advance


@pytest.mark.parametrize("quiet", [True, False], ids=["quiet-on-terminal", "piped"])
def test_no_bar_when_piped_or_quiet(seed_file: Path, quiet: bool) -> None:
    args = ["validate", str(seed_file)]
    shown = _stderr(["--quiet", *args] if quiet else args, tty=quiet)
    assert "validating" not in shown
