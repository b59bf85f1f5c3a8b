"""Writing files so that a failure never leaves half a file: outputs appear whole or not at all.

Every output kg writes (graphs, run logs, streamed N-Triples, edits, the mappings cache) goes
through :func:`atomic_output`: a temporary file in the same folder, flushed and synced, then
renamed over the target. The temporary file's name carries the writer's pid, so one left by a
killed writer is removed by the next write of the same target.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def _as_created(fd: int) -> None:
    """Give a temporary file the permissions a file created in the usual way gets (0666 less
    the umask): mkstemp makes it private (0600), and it is about to become the output."""
    mask = os.umask(0)
    os.umask(mask)
    os.fchmod(fd, 0o666 & ~mask)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files an earlier writer of ``path`` left when it was killed
    (``.<name>.<pid>.…``, its process gone); returns what was removed."""
    removed = []
    for tmp in path.parent.glob(f".{path.name}.*"):
        parts = tmp.name[len(path.name) + 2 :].split(".", 1)
        if parts and parts[0].isdigit() and not _alive(int(parts[0])):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


@contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """A binary file that becomes ``path`` when the block ends without error, so a reader sees
    the old file or the new one, never half; on error nothing is left behind. The temporary
    file's name carries the writer's pid, so one left by a killed writer (SIGKILL, power loss)
    is removed by the next write of ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", dir=path.parent)
    try:
        _as_created(fd)
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_output`)."""
    with atomic_output(path) as fh:
        fh.write(data)
