"""Where the per-document work runs: this process, a pool of local processes, or a Dask cluster.

Every executor maps a function over batches of documents and yields the results *in input
order*, so the graph a build writes does not depend on where its documents were extracted.
The function and its arguments must be picklable (module-level functions, dataclasses).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Documents sent to a worker at a time: large enough to hide the cost of pickling.
BATCH = 32


class Executor(Protocol):
    """Maps ``fn`` over ``items`` and yields the results in the order of ``items``.

    ``local_disk`` tells whether the workers see this machine's files (so they can write
    output beside it), which a cluster's workers do not.
    """

    local_disk: bool

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]: ...

    def close(self) -> None: ...


class Local:
    """In this process, one item after another."""

    local_disk = True

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return map(fn, items)

    def close(self) -> None:
        pass


class Processes:
    """A pool of ``jobs`` worker processes on this machine.

    Workers are forked, so what the parent process has already loaded (the jieba dictionary,
    the lexicon, the vocabulary) is theirs without loading it again.
    """

    local_disk = True

    def __init__(self, jobs: int, initializer: Callable[[], None] | None = None) -> None:
        if initializer is not None:
            initializer()  # load once, in the parent, before the fork
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.pool = multiprocessing.get_context(method).Pool(
            jobs, initializer=None if method == "fork" else initializer
        )

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return self.pool.imap(fn, items)

    def close(self) -> None:
        self.pool.close()
        self.pool.join()


class Dask:
    """A Dask distributed cluster: ``address`` of its scheduler (``tcp://host:8786``).

    Batches are submitted a window at a time (bounded memory) and gathered in order. Each
    worker process loads the lexicon once, on its first batch.
    """

    local_disk = False

    def __init__(self, address: str, window: int | None = None) -> None:
        from distributed import Client

        self.client = Client(address, set_as_default=False)  # type: ignore[no-untyped-call]
        workers = max(1, sum(self.client.nthreads().values()))  # type: ignore[no-untyped-call]
        self.window = window or 4 * workers

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        pending: deque[Any] = deque()
        iterator = iter(items)
        for item in islice(iterator, self.window):
            pending.append(self.client.submit(fn, item, pure=False))
        while pending:
            result = pending.popleft().result()
            for item in islice(iterator, 1):
                pending.append(self.client.submit(fn, item, pure=False))
            yield result

    def close(self) -> None:
        self.client.close()  # type: ignore[no-untyped-call]


def make_executor(
    jobs: int = 1, cluster: str | None = None, initializer: Callable[[], None] | None = None
) -> Executor:
    """The executor for ``--jobs N`` (0 = one per core) or ``--cluster ADDRESS``."""
    if cluster:
        return Dask(cluster)
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        if initializer is not None:
            initializer()
        return Local()
    return Processes(jobs, initializer)


def batched(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last may be shorter)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
