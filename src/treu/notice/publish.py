"""Publish a notice version into an archive that proves what was shown when (N17, V3).

Art. 5(2) makes the controller prove compliance, and a consent is only as good as
the text it was given to: so every published version stays retrievable with its
policy, its rendered files, their hashes and the changes from the version before.

A version is written to a temporary folder and renamed into place, so an
interrupted run leaves either nothing or a complete version; running again
finishes the job.  Re-publishing the same content is a no-op; re-using a version
number for different content is refused.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from treu.errors import NoticeError
from treu.notice.diff import diff_policies, diff_to_dict, render_diff_text
from treu.notice.render import Format, render_notice
from treu.policy.loader import LoadedPolicy, load_policy

__all__ = ["PublishResult", "publish_notice", "published_versions"]

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class PublishResult:
    version: str
    folder: Path
    created: bool  # False when this exact version was already published
    material_change: bool | None  # None for the first version
    files: tuple[str, ...]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _folder_name(version: str) -> str:
    safe = "".join(c if c.isalnum() or c in ".-_" else "_" for c in version)
    return f"v{safe}"


def published_versions(archive: Path) -> list[dict[str, Any]]:
    """Manifests of all complete versions in the archive, oldest first."""
    manifests = []
    for manifest in sorted(archive.glob(f"v*/{MANIFEST}")):
        manifests.append(json.loads(manifest.read_text(encoding="utf-8")))
    return sorted(manifests, key=lambda m: (m["valid_from"], m["published_at"]))


def publish_notice(
    loaded: LoadedPolicy,
    archive: Path,
    *,
    now: datetime,
    formats: tuple[Format, ...] = ("html", "md", "pdf"),
) -> PublishResult:
    if loaded.path is None:
        raise NoticeError("only a policy loaded from a file can be published")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if archive.exists() and not archive.is_dir():
        raise NoticeError(f"{archive}: not a folder; give the archive folder with --archive")
    try:
        return _publish(loaded, archive, now, formats)
    except OSError as exc:
        raise NoticeError(f"{archive}: cannot write the archive ({exc.strerror or exc})") from None


def _publish(
    loaded: LoadedPolicy, archive: Path, now: datetime, formats: tuple[Format, ...]
) -> PublishResult:
    assert loaded.path is not None
    notice = loaded.policy.notice
    target = archive / _folder_name(notice.version)
    manifest_path = target / MANIFEST
    if manifest_path.exists():
        existing = json.loads(manifest_path.read_text(encoding="utf-8"))
        if existing["policy_digest"] == loaded.digest:
            _write_index(archive)  # in case an earlier run stopped right after the rename
            return PublishResult(notice.version, target, False, existing.get("material_change"), ())
        raise NoticeError(
            f"version {notice.version} is already published from a different policy "
            f"(digest {existing['policy_digest'][:12]}, now {loaded.digest[:12]}); "
            "raise notice.version in the policy before publishing again"
        )
    earlier = published_versions(archive)
    previous = earlier[-1] if earlier else None
    if previous is not None and previous["valid_from"] > notice.valid_from.isoformat():
        raise NoticeError(
            f"notice.valid_from {notice.valid_from} is before the last published version "
            f"{previous['version']} ({previous['valid_from']}); a new version cannot start earlier"
        )

    staging = archive / f".staging-{_folder_name(notice.version)}"
    if staging.exists():
        shutil.rmtree(staging)  # left over from an interrupted run
    staging.mkdir(parents=True)
    files: dict[str, bytes] = {"policy.yaml": loaded.path.read_bytes()}
    for lang in notice.languages:
        for fmt in formats:
            data = render_notice(loaded, lang, fmt)
            files[f"notice.{lang}.{fmt}"] = data.encode() if isinstance(data, str) else data
    material: bool | None = None
    if previous is not None:
        old = load_policy(archive / _folder_name(previous["version"]) / "policy.yaml").policy
        for lang in notice.languages:
            diff = diff_policies(old, loaded.policy, lang)
            material = diff.material
            files[f"changes.{lang}.md"] = render_diff_text(diff, lang).encode()
            if lang == notice.languages[0]:
                files["changes.json"] = json.dumps(
                    diff_to_dict(diff), ensure_ascii=False, indent=2
                ).encode()
    for name, data in files.items():
        (staging / name).write_bytes(data)
    manifest = {
        "version": notice.version,
        "valid_from": notice.valid_from.isoformat(),
        "published_at": now.isoformat(timespec="seconds"),
        "policy_digest": loaded.digest,
        "previous_version": previous["version"] if previous else None,
        "material_change": material,
        "files": {name: _sha256(data) for name, data in sorted(files.items())},
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8")
    staging.rename(target)
    _write_index(archive)
    return PublishResult(notice.version, target, True, material, tuple(sorted(files)))


def _write_index(archive: Path) -> None:
    """A human-readable list of all versions, newest first (V3: keep history)."""
    lines = [
        "# Published notice versions",
        "",
        "| Version | Valid from | Published | Material change | Policy digest |",
        "|---|---|---|---|---|",
    ]
    for m in reversed(published_versions(archive)):
        change = {None: "first version", True: "yes", False: "no"}[m["material_change"]]
        lines.append(
            f"| [{m['version']}]({_folder_name(m['version'])}/) | {m['valid_from']} | "
            f"{m['published_at']} | {change} | {m['policy_digest'][:12]} |"
        )
    (archive / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
