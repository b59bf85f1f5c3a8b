"""One writer at a time: builds and edit applications lock what they write.

A writer takes an exclusive advisory lock (``fcntl.flock``) on a lock file beside each output it
writes — ``build/graph.ttl.lock`` for a graph, ``.curation.lock`` beside the edits folder — always
in sorted order, so two writers never wait for each other in a circle. A second writer waits
(``PRKG_LOCK_TIMEOUT`` seconds, default 60) and then fails with a message naming the file and
the process holding it. The operating system releases the lock when its process ends, even on
``kill -9``, so a crashed writer never blocks the next one.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

from kg.errors import LockedError

#: Seconds a writer waits for another to finish before giving up.
DEFAULT_TIMEOUT = float(os.environ.get("PRKG_LOCK_TIMEOUT", "60"))
_POLL = 0.1


def lock_path(target: Path) -> Path:
    """The lock file guarding ``target`` (a file, or a folder such as ``curation/``)."""
    if target.is_dir() or target.suffix == "":  # beside the folder: the folder holds only edits
        return target.with_name(f".{target.name}.lock")
    return target.with_name(target.name + ".lock")


@contextmanager
def _one(target: Path, timeout: float) -> Iterator[None]:
    path = lock_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    fh: IO[str] = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the block
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "another process"
                    raise LockedError(
                        f"{target}: another kg process is writing it ({holder}); "
                        f"waited {timeout:g} s — try again when it has finished"
                    ) from None
                time.sleep(_POLL)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        yield
    finally:
        fh.close()  # closing releases the lock


@contextmanager
def writing(targets: Sequence[Path | None], timeout: float | None = None) -> Iterator[None]:
    """Hold the write locks of ``targets`` (None entries ignored) for the block.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d, writing([Path(d) / "g.ttl"]):
    ...     (Path(d) / "g.ttl.lock").exists()
    True
    """
    wait = DEFAULT_TIMEOUT if timeout is None else timeout
    paths = sorted({Path(os.path.abspath(t)) for t in targets if t is not None})
    with ExitStack() as stack:
        for path in paths:
            stack.enter_context(_one(path, wait))
        yield
