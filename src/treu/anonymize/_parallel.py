"""Masking blocks in several processes with the output in input order (``--jobs N``).

The main process reads, writes and masks one block in 2N - 1 itself (reading, writing
and collecting results are the rest of its work); N - 1 forked worker processes mask the
others, each with its own masker and cache, and answer in the order they were asked.

From a regular file the workers read their blocks themselves (``pread``) and send back
only the masked bytes over a plain pipe: a fixed header and the bytes, no pickling and
no helper threads, which ``multiprocessing.Pool`` spent more CPU time on than the
masking it saved.  From a pipe (stdin) the blocks must travel to the workers too; that
path uses a ``Pool``.  At most two blocks per process are in flight, so memory stays
bounded however fast the input arrives.
"""

from __future__ import annotations

import multiprocessing
import os
import stat
import struct
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.pool import AsyncResult
from typing import BinaryIO

from treu.anonymize.log import LogMasker, MaskerConfig, Piece, Summary, process

__all__ = ["regular_file", "run_parallel"]

_KINDS = ("lines", "head", "raw")
_TASK = struct.Struct("<BQQ")  # kind, offset, length
_RESULT = struct.Struct("<qQQQ")  # length of the bytes (-1: failed), lines, without, long

_masker: LogMasker | None = None


def regular_file(source: BinaryIO) -> int | None:
    """The descriptor of ``source`` when it is a regular file read from its start."""
    try:
        fd = source.fileno()
        if stat.S_ISREG(os.fstat(fd).st_mode) and source.tell() == 0:
            return fd
    except (AttributeError, OSError, ValueError):
        pass
    return None


def _read_exactly(fd: int, size: int) -> bytes:
    parts = []
    while size > 0:
        data = os.read(fd, min(size, 1 << 20))
        if not data:
            raise OSError("a worker process of treu anonymize log ended early")
        parts.append(data)
        size -= len(data)
    return b"".join(parts)


def _pread_exactly(fd: int, size: int, offset: int) -> bytes:
    parts = []
    while size > 0:
        data = os.pread(fd, size, offset)
        if not data:
            raise OSError("the input file shrank while it was read")
        parts.append(data)
        offset += len(data)
        size -= len(data)
    return b"".join(parts)


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _serve(config: MaskerConfig, source: int, tasks: int, results: int) -> None:
    """A worker's life: read a task, mask the block it names, answer; until EOF."""
    masker = LogMasker(config)
    while header := os.read(tasks, _TASK.size):
        if len(header) < _TASK.size:
            header += _read_exactly(tasks, _TASK.size - len(header))
        kind, offset, length = _TASK.unpack(header)
        data, summary = process(masker, (_KINDS[kind], _pread_exactly(source, length, offset)))  # type: ignore[arg-type]
        s = summary
        _write_all(results, _RESULT.pack(len(data), s.lines, s.without_address, s.long_lines))
        _write_all(results, data)


class _Worker:
    def __init__(self, config: MaskerConfig, source: int, siblings: list[_Worker]) -> None:
        task_read, self.tasks = os.pipe()
        self.results, result_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the worker
            code = 0
            try:
                # The parent's ends of every pipe, its siblings' too: a sibling's task pipe
                # held open here would never reach end-of-file, and that sibling never end.
                for fd in (self.tasks, self.results, *(f for w in siblings for f in w.fds)):
                    os.close(fd)
                _serve(config, source, task_read, result_write)
            except BaseException:  # reported to the parent as a failure
                code = 1
                _write_all(result_write, _RESULT.pack(-1, 0, 0, 0))
            finally:
                os._exit(code)
        os.close(task_read)
        os.close(result_write)

    @property
    def fds(self) -> tuple[int, int]:
        return self.tasks, self.results

    def ask(self, kind: str, offset: int, length: int) -> None:
        _write_all(self.tasks, _TASK.pack(_KINDS.index(kind), offset, length))

    def answer(self) -> tuple[bytes, Summary]:
        size, lines, without, long = _RESULT.unpack(_read_exactly(self.results, _RESULT.size))
        if size < 0:
            raise OSError("a worker process of treu anonymize log failed")
        return _read_exactly(self.results, size), Summary(lines, without, long)

    def close(self) -> None:
        os.close(self.tasks)
        os.close(self.results)
        os.waitpid(self.pid, 0)


def _from_file(
    config: MaskerConfig, stream: Iterable[Piece], jobs: int, source: int
) -> Iterator[tuple[bytes, Summary]]:
    local = LogMasker(config)
    share = 2 * jobs - 1
    workers: list[_Worker] = []
    for _ in range(jobs - 1):
        workers.append(_Worker(config, source, workers))
    pending: deque[_Worker | tuple[bytes, Summary]] = deque()
    offset = 0
    turn = 0
    try:
        for i, (kind, data) in enumerate(stream):
            if kind == "raw" or i % share == share - 1:
                pending.append(process(local, (kind, data)))
            else:
                worker = workers[turn % len(workers)]
                turn += 1
                worker.ask(kind, offset, len(data))
                pending.append(worker)
            offset += len(data)
            while len(pending) >= 2 * jobs:
                first = pending.popleft()
                yield first.answer() if isinstance(first, _Worker) else first
        while pending:
            first = pending.popleft()
            yield first.answer() if isinstance(first, _Worker) else first
    finally:
        for worker in workers:
            worker.close()


_pool_masker: LogMasker | None = None


def _start(config: MaskerConfig) -> None:
    global _pool_masker  # one masker per pool process, built once
    _pool_masker = LogMasker(config)


def _work(piece: Piece) -> tuple[bytes, Summary]:
    assert _pool_masker is not None
    return process(_pool_masker, piece)


def _from_pipe(
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


def run_parallel(
    config: MaskerConfig, stream: Iterable[Piece], jobs: int, source: int | None = None
) -> Iterator[tuple[bytes, Summary]]:
    """``source``: the input's descriptor when it is a regular file (``regular_file``)."""
    if source is not None:
        return _from_file(config, stream, jobs, source)
    return _from_pipe(config, stream, jobs)
