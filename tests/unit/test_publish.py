"""Published notice versions form an archive that proves what was shown when (N17, V3)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from treu.errors import NoticeError
from treu.notice.publish import publish_notice, published_versions
from treu.policy import load_policy

EXAMPLE = Path(__file__).parents[2] / "examples" / "ideenwerk" / "policy.yaml"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def policy_file(tmp_path: Path, *edits: tuple[str, str], name: str = "policy.yaml") -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_N17_first_version_keeps_policy_notices_and_hashes(tmp_path: Path) -> None:
    archive = tmp_path / "published"
    loaded = load_policy(policy_file(tmp_path))
    result = publish_notice(loaded, archive, now=NOW, formats=("md",))
    assert result.created and result.material_change is None
    folder = archive / "v3.0"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["policy_digest"] == loaded.digest
    assert manifest["published_at"] == "2026-11-26T09:00:00+00:00"
    assert set(manifest["files"]) == {"policy.yaml", "notice.de.md", "notice.en.md"}
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    assert "Stand: 01.10.2026" in (folder / "notice.de.md").read_text(encoding="utf-8")
    assert "| [3.0](v3.0/) | 2026-10-01 |" in (archive / "index.md").read_text(encoding="utf-8")


def test_publishing_the_same_version_again_is_a_no_op(tmp_path: Path) -> None:
    archive = tmp_path / "published"
    loaded = load_policy(policy_file(tmp_path))
    publish_notice(loaded, archive, now=NOW, formats=("md",))
    again = publish_notice(loaded, archive, now=NOW, formats=("md",))
    assert not again.created
    assert len(published_versions(archive)) == 1


def test_same_version_with_other_content_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "published"
    publish_notice(load_policy(policy_file(tmp_path)), archive, now=NOW, formats=("md",))
    changed = policy_file(tmp_path, ("7 days", "10 days"), name="changed.yaml")
    with pytest.raises(
        NoticeError, match=r"version 3\.0 is already published.*raise notice\.version"
    ):
        publish_notice(load_policy(changed), archive, now=NOW, formats=("md",))


def test_next_version_records_material_changes(tmp_path: Path) -> None:
    archive = tmp_path / "published"
    publish_notice(load_policy(policy_file(tmp_path)), archive, now=NOW, formats=("md",))
    newer = policy_file(
        tmp_path,
        ('version: "3.0"', 'version: "3.1"'),
        ("14 months after collection", "26 months after collection"),
        name="v31.yaml",
    )
    result = publish_notice(load_policy(newer), archive, now=NOW, formats=("md",))
    assert result.material_change is True
    changes = (archive / "v3.1" / "changes.en.md").read_text(encoding="utf-8")
    assert "26 months after collection" in changes
    assert "previously 14 months after collection" in changes
    assert [m["version"] for m in published_versions(archive)] == ["3.0", "3.1"]


def test_interrupted_run_leaves_no_half_version_and_resumes(tmp_path: Path) -> None:
    archive = tmp_path / "published"
    leftover = archive / ".staging-v3.0"
    leftover.mkdir(parents=True)
    (leftover / "notice.de.md").write_text("half written", encoding="utf-8")
    assert published_versions(archive) == []
    result = publish_notice(load_policy(policy_file(tmp_path)), archive, now=NOW, formats=("md",))
    assert result.created
    assert not leftover.exists()
    assert "half written" not in (archive / "v3.0" / "notice.de.md").read_text(encoding="utf-8")


def test_new_version_cannot_start_before_the_last(tmp_path: Path) -> None:
    archive = tmp_path / "published"
    publish_notice(load_policy(policy_file(tmp_path)), archive, now=NOW, formats=("md",))
    older = policy_file(
        tmp_path,
        ('version: "3.0"', 'version: "3.1"'),
        ("valid_from: 2026-10-01", "valid_from: 2026-09-01"),
        name="older.yaml",
    )
    with pytest.raises(NoticeError, match="cannot start earlier"):
        publish_notice(load_policy(older), archive, now=NOW, formats=("md",))
