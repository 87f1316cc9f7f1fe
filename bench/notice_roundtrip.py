"""Issue 9: how much of a privacy notice ``treu import`` reads back, per kind of fact.

    .venv/bin/python bench/notice_roundtrip.py                 # HTML notices, all examples
    .venv/bin/python bench/notice_roundtrip.py --format md     # the Markdown rendering
    .venv/bin/python bench/notice_roundtrip.py --format pdf    # PDFs, read as a user gives them
    .venv/bin/python bench/notice_roundtrip.py --pdf           # plus one corpus notice as PDF

Round trip: every example policy's notice is rendered (de and en, via
``treu.notice.render``), imported back (``analyze`` + ``build_draft``) and compared
field by field with the policy (``treu.notice.analysis.compare``): precision (how
much of what the draft claims is in the policy) and recall (how much of the policy
the draft found) per kind - controller, dpo, authority, legal bases, purposes,
categories, recipients, transfers, retention, rights, cookies - and in total.

Corpus: the invented notices in ``tests/fixtures/notices`` (five house styles)
against the human reading beside each (``<name>.expected.yaml``); purposes and
categories are not judged there.

Baseline: the time to render each notice, measured in the same run; the import's
median time per notice (analysis, draft and its YAML) is printed as a ratio to it (the
machine is shared and noisy, so medians of several repeats).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "notices"


def say(*parts: object) -> None:
    print(*parts, flush=True)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[Any, float]:
    """The result and the median wall time in ms over ``repeat`` runs."""
    times = []
    result: Any = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return result, statistics.median(times)


def table(title: str, scores: dict[str, Any]) -> None:
    from treu.notice.analysis.compare import total

    say(f"\n{title}")
    say(f"  {'kind':12} {'precision':>9} {'recall':>7} {'tp':>5} {'fp':>5} {'fn':>5}")
    for kind, s in [*scores.items(), ("TOTAL", total(scores))]:
        say(f"  {kind:12} {s.precision:9.2f} {s.recall:7.2f} {s.tp:5} {s.fp:5} {s.fn:5}")


def roundtrip(fmt: Literal["html", "md", "pdf"], repeat: int) -> dict[str, Any]:
    from treu.notice.analysis import analyze
    from treu.notice.analysis.compare import (
        Score,
        compare,
        total,
        view_from_draft,
        view_from_policy,
    )
    from treu.notice.analysis.draft import build_draft
    from treu.notice.render import render_notice
    from treu.policy.loader import load_policy

    scores: dict[str, Score] = {}
    ratios: list[float] = []
    tmp = tempfile.TemporaryDirectory()
    say(f"round trip ({fmt}):  notice        render ms  import ms  import/render  recall")
    for path in sorted(ROOT.glob("examples/*/policy.yaml")):
        loaded = load_policy(path)
        for lang in loaded.policy.notice.languages:
            page, render_ms = timed(lambda: render_notice(loaded, lang, fmt), repeat)  # noqa: B023
            source: str | Path = str(page)
            if isinstance(page, bytes):  # a PDF is read from a file, as a user gives it
                source = Path(tmp.name) / f"{path.parent.name}.{lang}.pdf"
                source.write_bytes(page)

            def run(source: str | Path = source) -> tuple[Any, Any]:
                a = analyze(source, format=fmt)
                draft = build_draft(a)
                draft.to_yaml()
                return a, draft

            (analysis, draft), import_ms = timed(run, repeat)
            got = compare(view_from_policy(loaded.policy, lang),
                          view_from_draft(draft, analysis))  # fmt: skip
            for kind, s in got.items():
                scores.setdefault(kind, Score()).add(s)
            ratios.append(import_ms / render_ms)
            say(f"  {path.parent.name:>12} {lang}  {render_ms:10.1f} {import_ms:10.1f} "
                f"{import_ms / render_ms:14.1f}x {total(got).recall:7.2f}")  # fmt: skip
    say(f"  median import/render: {statistics.median(ratios):.1f}x")
    tmp.cleanup()
    return scores


def corpus(repeat: int, pdf: bool) -> dict[str, Any]:
    from treu.notice.analysis import analyze
    from treu.notice.analysis.compare import (
        Score,
        compare,
        total,
        view_from_draft,
        view_from_expected,
    )
    from treu.notice.analysis.draft import build_draft

    yaml = YAML(typ="safe")
    scores: dict[str, Score] = {}
    say("\ncorpus:  notice                     import ms  precision  recall")
    cases = []
    for expected_path in sorted(CORPUS.glob("*.expected.yaml")):
        expected = yaml.load(expected_path.read_text(encoding="utf-8"))
        cases.append((CORPUS / expected["notice"], expected))
    tmp = tempfile.TemporaryDirectory()
    if pdf:
        from treu.pdf import html_to_pdf

        source = CORPUS / "de_cookie_table.html"
        target = Path(tmp.name) / "de_cookie_table.pdf"
        target.write_bytes(html_to_pdf(source.read_text(encoding="utf-8")))
        expected = yaml.load((CORPUS / "de_cookie_table.expected.yaml").read_text("utf-8"))
        cases.append((target, expected))
    for notice, expected in cases:

        def run(notice: Path = notice) -> tuple[Any, Any]:
            a = analyze(notice)
            draft = build_draft(a)
            draft.to_yaml()
            return a, draft

        (analysis, draft), ms = timed(run, repeat)
        got = compare(view_from_expected(expected), view_from_draft(draft, analysis))
        for kind, s in got.items():
            scores.setdefault(kind, Score()).add(s)
        t = total(got)
        say(f"  {notice.name:28} {ms:10.1f} {t.precision:10.2f} {t.recall:7.2f}")
    tmp.cleanup()
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--format", choices=("html", "md", "pdf"), default="html")
    parser.add_argument("--repeat", type=int, default=3, help="timing repeats (median)")
    parser.add_argument("--pdf", action="store_true", help="also import one notice as PDF")
    args = parser.parse_args(argv)
    table(f"round trip, {args.format}, all examples de+en", roundtrip(args.format, args.repeat))
    table("corpus (tests/fixtures/notices) vs expected.yaml", corpus(args.repeat, args.pdf))
    return 0


if __name__ == "__main__":
    sys.exit(main())
