"""Masking blocks in several processes with the output in input order (``--jobs N``).

The main process reads, writes and masks every N-th block itself; N - 1 worker
processes mask the others, each with its own masker and cache.  Blocks travel through
pipes both ways, which costs CPU time: the main process doing a share of the work
halves that traffic against N workers of its own.  At most two blocks per process are
in flight, so memory stays bounded however fast the input arrives (``Pool.imap``
would read the whole input ahead).
"""

from __future__ import annotations

import multiprocessing
import os
import stat
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.pool import AsyncResult

from treu.anonymize.log import LogMasker, MaskerConfig, Piece, Summary, process

__all__ = ["run_parallel"]

_masker: LogMasker | None = None
_fd: int | None = None


def _start(config: MaskerConfig, fd: int | None) -> None:
    global _masker, _fd  # one masker per worker process, built once
    _masker = LogMasker(config)
    _fd = fd


def _work(piece: Piece) -> tuple[bytes, Summary]:
    assert _masker is not None
    return process(_masker, piece)


def _work_at(kind: str, offset: int, length: int) -> tuple[bytes, Summary]:
    """The block read from the input file itself: only the result crosses the pipe."""
    assert _masker is not None and _fd is not None
    parts = []
    while length > 0:
        data = os.pread(_fd, length, offset)
        if not data:
            raise OSError("the input file shrank while it was read")
        parts.append(data)
        offset += len(data)
        length -= len(data)
    return process(_masker, (kind, b"".join(parts)))  # type: ignore[arg-type]


def regular_file(source: object) -> int | None:
    """The descriptor of ``source`` when it is a regular file read from its start."""
    try:
        fd = source.fileno()  # type: ignore[attr-defined]
        if stat.S_ISREG(os.fstat(fd).st_mode) and source.tell() == 0:  # type: ignore[attr-defined]
            return int(fd)
    except (AttributeError, OSError, ValueError):
        pass
    return None


class _Done:
    """A block the main process masked itself, in the same queue as the workers'."""

    def __init__(self, result: tuple[bytes, Summary]) -> None:
        self.result = result

    def get(self) -> tuple[bytes, Summary]:
        return self.result


def run_parallel(
    config: MaskerConfig, stream: Iterable[Piece], jobs: int, fd: int | None = None
) -> Iterator[tuple[bytes, Summary]]:
    """``fd``: the input is this regular file, so workers read their blocks from it."""
    local = LogMasker(config)
    window: deque[AsyncResult[tuple[bytes, Summary]] | _Done] = deque()
    offset = 0
    with multiprocessing.get_context("fork").Pool(jobs - 1, _start, (config, fd)) as pool:
        for i, piece in enumerate(stream):
            kind, data = piece
            if kind == "raw" or i % jobs == jobs - 1:
                window.append(_Done(process(local, piece)))
            elif fd is not None:
                window.append(pool.apply_async(_work_at, (kind, offset, len(data))))
            else:
                window.append(pool.apply_async(_work, (piece,)))
            offset += len(data)
            while len(window) >= 2 * jobs:
                yield window.popleft().get()
        while window:
            yield window.popleft().get()
