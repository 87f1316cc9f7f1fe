"""Masking blocks in worker processes with the output in input order (``--jobs N``).

The main process reads and writes; each worker keeps its own masker and cache.  At
most two blocks per worker are in flight, so memory stays bounded however fast the
input arrives (``Pool.imap`` would read the whole input ahead).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.pool import AsyncResult

from treu.anonymize.log import LogMasker, MaskerConfig, Piece, Summary, process

__all__ = ["run_parallel"]

_masker: LogMasker | None = None


def _start(config: MaskerConfig) -> None:
    global _masker  # one masker per worker process, built once
    _masker = LogMasker(config)


def _work(piece: Piece) -> tuple[bytes, Summary]:
    assert _masker is not None
    return process(_masker, piece)


def run_parallel(
    config: MaskerConfig, stream: Iterable[Piece], jobs: int
) -> Iterator[tuple[bytes, Summary]]:
    window: deque[AsyncResult[tuple[bytes, Summary]]] = deque()
    with multiprocessing.get_context("fork").Pool(jobs, _start, (config,)) as pool:
        for piece in stream:
            window.append(pool.apply_async(_work, (piece,)))
            while len(window) >= 2 * jobs:
                yield window.popleft().get()
        while window:
            yield window.popleft().get()
