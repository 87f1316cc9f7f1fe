"""``treu anonymize log`` as a real process: stdin/files, -o, modes, errors, memory (A2, A5)."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

LOG = (
    b'203.0.113.77 - - [01/Mar/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 512\n'
    b"[2001:DB8:AB12::1]:443 - - bracketed upper case\n"
    b"www.example.org - - a hostname\n"
    b"198.51.100.9:8080 bytes \xff\xfe kept\n"
    b"\n"
    b"::ffff:203.0.113.77 - - mapped\n"
)
MASKED = (
    b'203.0.112.0 - - [01/Mar/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 512\n'
    b"[2001:db8:ab10::]:443 - - bracketed upper case\n"
    b"www.example.org - - a hostname\n"
    b"198.51.96.0:8080 bytes \xff\xfe kept\n"
    b"\n"
    b"::ffff:203.0.112.0 - - mapped\n"
)
ADDRESS = re.compile(r"\d+\.\d+\.\d+\.\d+|[0-9a-f]*:[0-9a-f:]+:", re.I)


def _treu(*args: str | int | Path, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "treu", "anonymize", "log", *map(str, args)],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_stdin_to_stdout_with_one_closing_warning_A2() -> None:
    done = _treu(stdin=LOG)
    assert done.returncode == 0, done.stderr
    assert done.stdout == MASKED
    warning = done.stderr.decode()
    assert warning.count("\n") == 1
    assert "1 von 6 Zeilen ohne IP-Adresse" in warning
    assert "1 of 6 lines without an IP address" in warning
    assert not ADDRESS.search(warning)  # counts only, never a line


def test_files_in_order_and_output_appended_A2(tmp_path: Path) -> None:
    first, second, target = tmp_path / "a.log", tmp_path / "b.log", tmp_path / "out.log"
    first.write_bytes(LOG)
    second.write_bytes(b"192.0.2.1 second file\n")
    target.write_bytes(b"kept from before\n")
    done = _treu(first, "-", second, "-o", target, stdin=b"10.1.2.3 from stdin\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout == b""
    assert target.read_bytes() == (
        b"kept from before\n" + MASKED + b"10.1.0.0 from stdin\n192.0.0.0 second file\n"
    )


def test_presets_and_anonip_flags_A2() -> None:
    line = b"203.0.113.77 a\n2001:db8:ab12:cd34:1:2:3:4 b\n"
    done = _treu("--preset", "v4-2-octets", "--preset", "v6-48", stdin=line)
    assert done.stdout == b"203.0.0.0 a\n2001:db8:ab12:: b\n"
    done = _treu("-4", "8", "-6", "64", stdin=line)
    assert done.stdout == b"203.0.113.0 a\n2001:db8:ab12:cd34:: b\n"


def test_regex_and_json_field_modes_A2() -> None:
    done = _treu("--regex", r"^\S+ (\S+)", stdin=b"proxy 203.0.113.77 203.0.113.77\n")
    assert done.stdout == b"proxy 203.0.112.0 203.0.113.77\n"
    done = _treu("--json-field", "ip", stdin=b'{"ip": "2001:DB8::1", "path": "/203.0.113.77"}\n')
    assert done.stdout == b'{"ip": "2001:db8::", "path": "/203.0.113.77"}\n'


def test_jobs_two_gives_the_same_bytes_A2(tmp_path: Path) -> None:
    source = tmp_path / "big.log"
    source.write_bytes(LOG * 20_000)  # about 3 MB: several blocks per worker
    serial = _treu(source)
    parallel = _treu(source, "--jobs", "2")
    assert parallel.returncode == 0, parallel.stderr
    assert parallel.stdout == serial.stdout == MASKED * 20_000
    assert parallel.stderr == serial.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--preset", "v4-4-octets"], "unknown preset"),
        (
            ["--preset", "v4-1-octet", "--ipv4mask", "16"],
            "either --ipv4mask/--ipv6mask or a preset",
        ),
        (["--regex", "("], "--regex: not a regular expression"),
        (["--regex", "x", "--column", "2"], "exclude each other"),
        (["--json-field", "ip", "--delimiter", ";"], "exclude each other"),
        (["missing.log"], "missing.log: no such file"),
    ],
)
def test_user_errors_exit_1_with_a_message_A2(args: list[str], message: str) -> None:
    done = _treu(*args)
    assert done.returncode == 1
    assert message in done.stderr.decode()
    assert b"Traceback" not in done.stderr


def test_output_onto_the_input_is_refused_A2(tmp_path: Path) -> None:
    source = tmp_path / "access.log"
    source.write_bytes(LOG)
    done = _treu(source, "-o", source)
    assert done.returncode == 1
    assert b"is an input file" in done.stderr
    assert source.read_bytes() == LOG


@pytest.mark.parametrize(("bits4", "bits6"), [(12, 84), (16, 80)])
def test_same_bytes_as_the_anonip_command_on_clean_lines_A2(bits4: int, bits6: int) -> None:
    sample = b"".join(
        f'{a} - - [01/Mar/2026:10:00:{i % 60:02d} +0100] "GET /{i} HTTP/1.1" 200 {i}\n'.encode()
        for i, a in enumerate(
            [f"198.51.{i}.{i * 7 % 256}" for i in range(200)]
            + [f"2001:db8:{i:x}:{i * 13:x}::{i:x}" for i in range(1, 100)]
            + [f"[2001:db8:{i:x}::1]:443" for i in range(1, 50)]
            + [f"203.0.113.{i}:5{i}" for i in range(50)]
        )
    )
    anonip = subprocess.run(
        [sys.executable, "-m", "anonip", "-4", str(bits4), "-6", str(bits6)],
        input=sample,
        capture_output=True,
        check=True,
    )
    done = _treu("--ipv4mask", bits4, "--ipv6mask", bits6, stdin=sample)
    assert done.returncode == 0
    assert done.stdout == anonip.stdout != sample
    assert done.stderr == b""


@pytest.mark.skipif(not Path("/usr/bin/time").exists(), reason="needs GNU time for the RSS")
def test_a_64_mib_line_without_newline_streams_in_bounded_memory_A2(tmp_path: Path) -> None:
    """Peak RSS of the whole process, interpreter included, stays under 64 MiB."""
    report = tmp_path / "rss"
    treu = [sys.executable, "-m", "treu", "anonymize", "log"]
    process = subprocess.Popen(
        ["/usr/bin/time", "-f", "%M", "-o", str(report), *treu],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    block = b"y " * (1 << 19)

    def feed() -> None:
        assert process.stdin is not None
        process.stdin.write(b"203.0.113.77 ")
        for _ in range(64):
            process.stdin.write(block)
        process.stdin.write(b"\n198.51.100.9 after\n")
        process.stdin.close()

    writer = threading.Thread(target=feed)
    writer.start()
    received = 0
    tail = b""
    while chunk := process.stdout.read(1 << 20):
        received += len(chunk)
        tail = (tail + chunk)[-64:]
    writer.join()
    assert process.wait(timeout=120) == 0
    # two addresses masked, each a byte shorter; the 64 MiB in between untouched
    assert received == len(b"203.0.113.77 ") + 64 * len(block) + len(b"\n198.51.100.9 after\n") - 2
    assert tail.endswith(b"\n198.51.96.0 after\n")
    assert int(report.read_text().split()[-1]) < 64 * 1024


def test_the_log_pipe_loads_no_database_or_policy_stack_A2() -> None:
    """A web server starts the pipe: it must not pay for SQLAlchemy, fideslang, YAML,
    Jinja or cryptography.  (pydantic comes with Typer 0.29, which coerces every
    parameter through it; that is the CLI framework's, not this command's.)"""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "treu", "anonymize", "log"],
        input=b"203.0.113.77 x\n",
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert done.stdout == b"203.0.112.0 x\n"
    loaded = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in done.stderr.decode().splitlines()
        if line.startswith("import time:")
    }
    assert "treu" in loaded and "ipaddress" in loaded
    heavy = {"sqlalchemy", "fideslang", "yaml", "ruamel", "jinja2", "cryptography", "fastapi"}
    assert loaded & heavy == set()
