"""Exports rendered by worker processes: each renders whole batches of articles, read from its
own connection, and the parent writes the rendered batches in order.

On the machine's cores this multiplies an export's throughput; memory stays one batch per
process (plus at most two finished batches a worker waiting for the writer), whatever the corpus
size.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from newsmark.formats import Record

from .export import Selection
from .repo import Store

Render = Callable[[Iterable[Record]], tuple[bytes, int]]

_worker: dict = {}


def _init(db_path: str, selection: Selection, render: Render) -> None:
    _worker.update(store=Store(db_path), selection=selection, render=render)


def _task(bounds: tuple[int, int]) -> tuple[bytes, int]:
    lo, hi = bounds
    return _worker["render"](_worker["store"].records(_worker["selection"], lo, hi))


def default_jobs() -> int:
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def rendered(db_path: str | Path, selection: Selection, render: Render, jobs: int | None = None
             ) -> Iterator[tuple[bytes, int]]:
    """(rendered bytes, record count) per batch of articles, in article order."""
    jobs = default_jobs() if jobs is None else jobs
    store = Store(db_path)
    try:
        ranges = list(store.id_ranges(selection.batch))
        if jobs <= 1 or len(ranges) < jobs:  # one batch a process at least, or not worth it
            for lo, hi in ranges:
                yield render(store.records(selection, lo, hi))
            return
    finally:
        store.close()
    ctx = multiprocessing.get_context("spawn" if os.name != "posix" else "fork")
    with ctx.Pool(jobs, initializer=_init, initargs=(str(db_path), selection, render)) as pool:
        # at most two batches a worker in flight: a slow reader of the output (a pipe) holds the
        # workers back instead of letting finished batches pile up in memory
        window = 2 * jobs
        pending: deque = deque()
        for bounds in ranges:
            pending.append(pool.apply_async(_task, (bounds,)))
            if len(pending) >= window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
